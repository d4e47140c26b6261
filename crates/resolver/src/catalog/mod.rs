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
mod declare;
mod identity;
mod learning;
mod marketplace;
mod shapes;
mod workshops_commerce;

use entity::enums;

pub use declare::{Declared, Rel, TypeSpec};
pub use shapes::{JSON_OBJECTS, list_enums};
use shapes::{LISTS, SHAPES};

use crate::table::Catalog;

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
    use crate::catalog::declare::decl;

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
