//! What a column's values look like beyond its SQL type: JSON of a known
//! shape, lists, enumerations ([`shape`]).

use entity::enums::{self, TextEnum};

use crate::value::{Item, JsonField, JsonObject, Shape};

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
pub(super) const SHAPES: &[(&str, &str, Shape)] = &[
    ("quizzes", "questions", Shape::Objects(&QUIZ_QUESTION)),
    (
        "user_preferences",
        "predictive_analytics_enabled",
        Shape::Object(&PREDICTION_SETTINGS),
    ),
];

/// JSON columns holding an array of one kind of element, served as a typed
/// list: (table, column, element).
pub(super) const LISTS: &[(&str, &str, Item)] = &[
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
