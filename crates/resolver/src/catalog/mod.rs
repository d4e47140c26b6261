//! What the API serves: each table's GraphQL name, description, sort order,
//! relations and root field. Everything else (fields, connections, loaders,
//! `node`) is derived from these declarations by the shared machinery.
//!
//! This module holds the machinery ([`decl`], [`catalog`], the startup
//! checks, the JSON shapes); the declarations live one file per domain, each
//! a list of [`decl`]s typed by the entities' columns.

mod adaptability;
mod analytics;
mod coaching;
mod competency;
mod identity;
mod learning;
mod marketplace;
mod workshops_commerce;

use std::sync::Arc;

use entity::enums::{self, TextEnum};
use sea_orm::{ColumnTrait, EntityName, EntityTrait, IdenStatic};

use crate::{
    table::{Catalog, EntityTable, TableOps},
    value::{Item, JsonField, JsonObject, Shape},
};

/// A relation to another table, resolved through the shared dataloader.
#[derive(Clone, Copy, Debug)]
pub enum Rel {
    /// `column` of this table references `target.id`.
    One {
        field: &'static str,
        column: &'static str,
        target: &'static str,
        doc: &'static str,
    },
    /// `target.column` references this table's `id`; a connection.
    Many {
        field: &'static str,
        column: &'static str,
        target: &'static str,
        doc: &'static str,
    },
}

impl Rel {
    /// The GraphQL field.
    pub fn field(&self) -> &'static str {
        match self {
            Rel::One { field, .. } | Rel::Many { field, .. } => field,
        }
    }

    pub fn target(&self) -> &'static str {
        match self {
            Rel::One { target, .. } | Rel::Many { target, .. } => target,
        }
    }
}

pub struct TypeSpec {
    pub table: &'static str,
    pub type_name: &'static str,
    pub description: &'static str,
    /// Name of the root connection field, if the table has one.
    pub root_field: Option<&'static str>,
    pub relations: Vec<Rel>,
    /// Column descriptions, by column name.
    pub docs: Vec<(&'static str, &'static str)>,
}

impl TypeSpec {
    pub fn column_doc(&self, column: &str) -> Option<&'static str> {
        self.docs
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, d)| *d)
    }
}

/// A quiz question as stored in `quizzes.questions`.
static QUIZ_QUESTION: JsonObject = JsonObject {
    name: "QuizQuestion",
    description: "One question of a quiz.",
    fields: &[
        JsonField {
            key: "id",
            field: "questionId",
            item: Item::Text,
            list: false,
            required: true,
            doc: "Identifies the question within its quiz (stored as `id`); `submitQuizAttempt` answers by it.",
        },
        JsonField {
            key: "type",
            field: "type",
            item: Item::Enum(&enums::QuestionType::DEF),
            list: false,
            required: true,
            doc: "How it is answered and graded.",
        },
        JsonField {
            key: "question",
            field: "question",
            item: Item::Text,
            list: false,
            required: true,
            doc: "The question text.",
        },
        JsonField {
            key: "options",
            field: "options",
            item: Item::Text,
            list: true,
            required: true,
            doc: "The choices (multiple choice: the option texts; true/false: `true`, `false`); empty for open questions.",
        },
        JsonField {
            key: "correct_answer",
            field: "correctAnswer",
            item: Item::Text,
            list: false,
            required: false,
            doc: "The answer that scores; null for learners (only staff read the answers).",
        },
        JsonField {
            key: "points",
            field: "points",
            item: Item::Int,
            list: false,
            required: false,
            doc: "What a correct answer scores.",
        },
        JsonField {
            key: "explanation",
            field: "explanation",
            item: Item::Text,
            list: false,
            required: false,
            doc: "Why the answer is right; null for learners.",
        },
    ],
};

/// `user_preferences.predictive_analytics_enabled`.
static PREDICTION_SETTINGS: JsonObject = JsonObject {
    name: "PredictionSettings",
    description: "Which predictions are made for a learner.",
    fields: &[
        JsonField {
            key: "dropOffRisk",
            field: "dropOffRisk",
            item: Item::Boolean,
            list: false,
            required: false,
            doc: "Predict the risk of dropping off.",
        },
        JsonField {
            key: "forecasting",
            field: "forecasting",
            item: Item::Boolean,
            list: false,
            required: false,
            doc: "Forecast points.",
        },
        JsonField {
            key: "recommendations",
            field: "recommendations",
            item: Item::Boolean,
            list: false,
            required: false,
            doc: "Recommend what to do next.",
        },
    ],
};

/// The typed JSON objects, for the schema to declare.
pub const JSON_OBJECTS: &[&JsonObject] = &[&QUIZ_QUESTION, &PREDICTION_SETTINGS];

/// JSON columns of a known shape, served typed: (table, column, shape).
const SHAPES: &[(&str, &str, Shape)] = &[
    ("quizzes", "questions", Shape::Objects(&QUIZ_QUESTION)),
    (
        "user_preferences",
        "predictive_analytics_enabled",
        Shape::Object(&PREDICTION_SETTINGS),
    ),
];

/// JSON columns holding an array of one kind of element, served as a typed
/// list: (table, column, element).
const LISTS: &[(&str, &str, Item)] = &[
    ("courses", "tags", Item::Text),
    ("lessons", "learning_objectives", Item::Text),
    ("lessons", "prerequisites", Item::Global("Lesson")),
    ("quizzes", "source_content_ids", Item::Uuid),
    ("workshops", "outcomes", Item::Text),
    ("workshops", "tags", Item::Text),
    ("certificates", "skills_demonstrated", Item::Text),
    ("talent_profiles", "expertise", Item::Text),
    ("talent_profiles", "industries", Item::Text),
    (
        "talent_profiles",
        "transformation_stages",
        Item::Enum(&enums::TransformationStage::DEF),
    ),
    ("learning_resources", "competency_areas", Item::Text),
    ("learning_path_categories", "competency_areas", Item::Text),
    ("data_chunks", "embedding", Item::Float),
];

/// How `table.column` looks in the API: an enumeration, a typed list, or
/// as its database type says.
pub fn shape(table: &str, column: &str) -> Shape {
    if let Some(def) = enums::of_column(table, column) {
        return Shape::Enum(def);
    }
    if let Some((_, _, shape)) = SHAPES.iter().find(|(t, c, _)| *t == table && *c == column) {
        return *shape;
    }
    LISTS
        .iter()
        .find(|(t, c, _)| *t == table && *c == column)
        .map_or(Shape::Plain, |(_, _, item)| Shape::List(*item))
}

/// Every enumeration some list column holds.
pub fn list_enums() -> impl Iterator<Item = &'static enums::EnumDef> {
    LISTS.iter().filter_map(|(_, _, item)| match item {
        Item::Enum(def) => Some(*def),
        _ => None,
    })
}

/// One table's declaration, typed by its entity `E`: the GraphQL type and
/// root field, the default order, the relations and the column docs. Columns
/// are `E::Column` values and tables entity types, so a misspelt name does
/// not compile; [`catalog`] checks the rest at startup.
pub struct Decl<E: EntityTrait> {
    spec: TypeSpec,
    /// Pages are sorted by these (NOT NULL) columns, then `id`.
    order: Vec<E::Column>,
}

/// Starts the declaration of `E`'s table as the GraphQL type `type_name`.
pub fn decl<E: EntityTrait>(type_name: &'static str, description: &'static str) -> Decl<E> {
    Decl {
        spec: TypeSpec {
            table: E::default().table_name(),
            type_name,
            description,
            root_field: None,
            relations: Vec::new(),
            docs: Vec::new(),
        },
        order: Vec::new(),
    }
}

impl<E: EntityTrait> Decl<E> {
    /// Serves the table as the root connection `field`.
    pub fn root(mut self, field: &'static str) -> Self {
        self.spec.root_field = Some(field);
        self
    }

    /// The default order of pages (before `id`, the tie-breaker).
    pub fn order(mut self, columns: impl IntoIterator<Item = E::Column>) -> Self {
        self.order.extend(columns);
        self
    }

    /// `field`: the `T` row that `column` of this table references.
    pub fn one<T: EntityTrait>(
        mut self,
        field: &'static str,
        column: E::Column,
        doc: &'static str,
    ) -> Self {
        self.spec.relations.push(Rel::One {
            field,
            column: column.as_str(),
            target: T::default().table_name(),
            doc,
        });
        self
    }

    /// `field`: a connection over the rows of `column`'s table whose
    /// `column` references this row.
    pub fn many<C: ColumnTrait>(
        mut self,
        field: &'static str,
        column: C,
        doc: &'static str,
    ) -> Self {
        self.spec.relations.push(Rel::Many {
            field,
            column: column.as_str(),
            target: C::EntityName::default().table_name(),
            doc,
        });
        self
    }

    /// The description of `column`'s field.
    pub fn doc(mut self, column: E::Column, doc: &'static str) -> Self {
        self.spec.docs.push((column.as_str(), doc));
        self
    }
}

/// A declaration with its entity erased: the table's operations (or why
/// they cannot be built) and its type.
pub struct Declared {
    ops: Result<Arc<dyn TableOps>, String>,
    spec: TypeSpec,
}

impl<E: EntityTrait> From<Decl<E>> for Declared
where
    E::Model: Sync,
{
    fn from(d: Decl<E>) -> Self {
        Declared {
            ops: EntityTable::<E>::new(&d.order, shape).map(|t| Arc::new(t) as Arc<dyn TableOps>),
            spec: d.spec,
        }
    }
}

/// The tables served and their declarations, in the order of the domain
/// files (which is the order of the root fields and types in the schema).
pub fn catalog() -> Result<(Catalog, Vec<TypeSpec>), String> {
    let mut catalog = Catalog::new();
    let mut specs = Vec::new();
    let declared = [
        identity::declarations(),
        competency::declarations(),
        learning::declarations(),
        adaptability::declarations(),
        workshops_commerce::declarations(),
        marketplace::declarations(),
        coaching::declarations(),
        analytics::declarations(),
    ];
    for Declared { ops, spec } in declared.into_iter().flatten() {
        if catalog.insert(spec.table, ops?).is_some() {
            return Err(format!("table {} declared twice", spec.table));
        }
        specs.push(spec);
    }
    check_shapes(&catalog)?;
    check_relations(&catalog, &specs)?;
    Ok((catalog, specs))
}

/// Every relation names a UUID column of the table that holds it (this one
/// for `One`, the target for `Many`) and a target with a type: a slip fails
/// at startup instead of reading as a silent null or an empty list. (The
/// declarations are typed by entity, so their tables and columns exist.)
fn check_relations(catalog: &Catalog, specs: &[TypeSpec]) -> Result<(), String> {
    let is_uuid = |table: &str, column: &str| {
        catalog
            .get(table)
            .and_then(|ops| ops.columns().iter().find(|c| c.name == column))
            .is_some_and(|c| matches!(c.ty, sea_orm::ColumnType::Uuid))
    };
    for spec in specs {
        for rel in &spec.relations {
            let (field, table, column) = match *rel {
                Rel::One { field, column, .. } => (field, spec.table, column),
                Rel::Many {
                    field,
                    column,
                    target,
                    ..
                } => (field, target, column),
            };
            if !specs.iter().any(|s| s.table == rel.target()) {
                return Err(format!(
                    "{}.{field}: relation to {} which has no type",
                    spec.type_name,
                    rel.target()
                ));
            }
            if !is_uuid(table, column) {
                return Err(format!(
                    "{}.{field}: relation column {table}.{column} is not a UUID",
                    spec.type_name
                ));
            }
        }
    }
    Ok(())
}

/// Every enumerated column names a text column, every list a JSON column,
/// of a served table: a slip fails at startup, not as a silent null.
fn check_shapes(catalog: &Catalog) -> Result<(), String> {
    let text = |ty: &sea_orm::ColumnType| store::is_text(ty);
    let json = |ty: &sea_orm::ColumnType| {
        matches!(
            ty,
            sea_orm::ColumnType::Json | sea_orm::ColumnType::JsonBinary
        )
    };
    let declared = enums::COLUMNS
        .iter()
        .map(|(t, c, _)| (*t, *c, "text", &text as &dyn Fn(&_) -> bool))
        .chain(
            LISTS
                .iter()
                .map(|(t, c, _)| (*t, *c, "JSON", &json as &dyn Fn(&_) -> bool)),
        )
        .chain(
            SHAPES
                .iter()
                .map(|(t, c, _)| (*t, *c, "JSON", &json as &dyn Fn(&_) -> bool)),
        );
    for (table, column, kind, fits) in declared {
        let ops = catalog
            .get(table)
            .ok_or_else(|| format!("shape declared for unknown table {table}"))?;
        match ops.columns().iter().find(|c| c.name == column) {
            Some(c) if fits(&c.ty) => {}
            Some(_) => return Err(format!("{table}.{column} is not a {kind} column")),
            None => {
                return Err(format!(
                    "shape declared for unknown column {table}.{column}"
                ));
            }
        }
    }
    Ok(())
}

/// A field computed from a row's columns.
pub struct Computed {
    pub name: &'static str,
    pub type_name: &'static str,
    pub doc: &'static str,
    /// The columns it is computed from.
    pub columns: &'static [&'static str],
    /// Its value, from the row's columns as `get` reads them.
    pub value: fn(get: Columns<'_>) -> async_graphql::Value,
}

/// A row's columns by name, as a computed field reads them.
pub type Columns<'a> = &'a dyn Fn(&str) -> Option<sea_orm::Value>;

/// The generated column `overall_score`, which the generated entity does
/// not map: [`domain::adaptability::overall_score`] of the row's dimension
/// scores.
fn overall_score(get: Columns<'_>) -> async_graphql::Value {
    let dimensions = domain::adaptability::DIMENSIONS.map(|d| match get(&format!("{d}_score")) {
        Some(sea_orm::Value::Int(v)) => v,
        _ => None,
    });
    domain::adaptability::overall_score(dimensions)
        .map_or(async_graphql::Value::Null, async_graphql::Value::from)
}

/// Computed fields, by table.
pub fn computed(table: &str) -> &'static [Computed] {
    match table {
        "adaptability_assessments" => &[Computed {
            name: "overallScore",
            type_name: "Int",
            doc: "Average of the five dimension scores, 0–100, rounded down; null until all five \
                  are set.",
            columns: &[
                "individual_score",
                "leadership_score",
                "cultural_score",
                "embedding_score",
                "velocity_score",
            ],
            value: overall_score,
        }],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use entity::{courses, lessons, users};

    use super::*;

    /// The declarations hold together, and a relation on a column that is
    /// not a UUID (on either side), or to a table without a type, is refused.
    #[test]
    fn relations_are_checked() {
        let (catalog, mut specs) = catalog().expect("the catalog is consistent");
        let course = specs.iter().position(|s| s.table == "courses").unwrap();
        let bad = decl::<courses::Entity>("X", "x")
            .one::<users::Entity>("x", courses::Column::Title, "x")
            .many("x", lessons::Column::Title, "x")
            .spec
            .relations;
        for (bad, expected) in bad.into_iter().zip([
            "Course.x: relation column courses.title is not a UUID",
            "Course.x: relation column lessons.title is not a UUID",
        ]) {
            specs[course].relations.push(bad);
            let err = check_relations(&catalog, &specs).unwrap_err();
            assert!(err.contains(expected), "{err}");
            specs[course].relations.pop();
        }
        assert!(check_relations(&catalog, &specs).is_ok());
        specs.retain(|s| s.table != "users");
        let err = check_relations(&catalog, &specs).unwrap_err();
        assert!(err.contains("relation to users which has no type"), "{err}");
    }

    /// A default order over a nullable column is refused.
    #[test]
    fn nullable_order_is_refused() {
        let d: Declared = decl::<lessons::Entity>("X", "x")
            .order([lessons::Column::Description])
            .into();
        let err = d.ops.err().expect("refused");
        assert!(err.contains("lessons.description is nullable"), "{err}");
    }
}
