//! What the API serves: each table's GraphQL name, description, sort order,
//! relations and root field. Everything else (fields, connections, loaders,
//! `node`) is derived from these declarations by the shared machinery.

use std::sync::Arc;

use crate::table::{Catalog, EntityTable, TableOps};

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
    pub docs: &'static [(&'static str, &'static str)],
}

impl TypeSpec {
    pub fn column_doc(&self, column: &str) -> Option<&'static str> {
        self.docs
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, d)| *d)
    }
}

fn table<E>(order: &[&str]) -> Result<(&'static str, Arc<dyn TableOps>), String>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    let t = EntityTable::<E>::new(order)?;
    Ok((t.table(), Arc::new(t)))
}

const fn one(
    field: &'static str,
    column: &'static str,
    target: &'static str,
    doc: &'static str,
) -> Rel {
    Rel::One {
        field,
        column,
        target,
        doc,
    }
}

const fn many(
    field: &'static str,
    target: &'static str,
    column: &'static str,
    doc: &'static str,
) -> Rel {
    Rel::Many {
        field,
        column,
        target,
        doc,
    }
}

/// The tables served and their declarations.
pub fn catalog() -> Result<(Catalog, Vec<TypeSpec>), String> {
    use entity::*;
    let catalog: Catalog = [
        table::<organizations::Entity>(&["name"])?,
        table::<courses::Entity>(&["created_at"])?,
        table::<lessons::Entity>(&["order_index"])?,
        table::<content_blocks::Entity>(&["order_index"])?,
    ]
    .into_iter()
    .collect();
    let specs = vec![
        TypeSpec {
            table: "organizations",
            type_name: "Organization",
            description: "A client company inside the tenant (seed 001/004 organizations, seed 002 client organizations).",
            root_field: None,
            relations: vec![many(
                "courses",
                "courses",
                "organization_id",
                "Courses run for this organization.",
            )],
            docs: &[
                ("name", "Company name."),
                ("slug", "URL-friendly identifier, unique in the tenant."),
                ("subscription_tier", "starter, growth or enterprise."),
                ("settings", "Organization-specific configuration."),
                (
                    "metadata",
                    "Optional attributes (size, active, employee_count, headquarters, website).",
                ),
            ],
        },
        TypeSpec {
            table: "courses",
            type_name: "Course",
            description: "A learning course: ordered lessons, a final quiz, enrollments (seed 003 courses merged with seed 004 courses).",
            root_field: Some("courses"),
            relations: vec![
                many(
                    "lessons",
                    "lessons",
                    "course_id",
                    "The course's lessons, in order.",
                ),
                one(
                    "organization",
                    "organization_id",
                    "organizations",
                    "The organization the course is run for, if any.",
                ),
            ],
            docs: &[
                ("title", "Course title (seed 004 `name`)."),
                ("description", "What the course covers."),
                (
                    "instructor_id",
                    "The instructor who owns the course (seed 004 `trainer_id`).",
                ),
                (
                    "organization_id",
                    "The organization the course is run for, if any.",
                ),
                ("final_assessment_id", "The course's final quiz."),
                ("tags", "Topic tags (JSON array of strings)."),
                ("difficulty_level", "beginner, intermediate or advanced."),
                ("estimated_duration", "Estimated duration in minutes."),
                ("is_published", "Whether learners can see the course."),
            ],
        },
        TypeSpec {
            table: "lessons",
            type_name: "Lesson",
            description: "A learning unit of a course, ordered, with content blocks, an optional quiz and prerequisite lessons.",
            root_field: None,
            relations: vec![
                many(
                    "contentBlocks",
                    "content_blocks",
                    "lesson_id",
                    "The lesson's content, in order.",
                ),
                one(
                    "course",
                    "course_id",
                    "courses",
                    "The course this lesson belongs to.",
                ),
            ],
            docs: &[
                ("order_index", "Position in the course."),
                (
                    "learning_objectives",
                    "What the learner will be able to do (JSON array of strings).",
                ),
                (
                    "prerequisites",
                    "Ids of lessons to complete first (JSON array of UUIDs).",
                ),
                ("assessment_id", "The lesson's quiz, if any."),
                ("estimated_duration", "Estimated duration in minutes."),
            ],
        },
        TypeSpec {
            table: "content_blocks",
            type_name: "ContentBlock",
            description: "One piece of lesson content: rich text, image, video, file or YouTube embed.",
            root_field: None,
            relations: vec![one(
                "lesson",
                "lesson_id",
                "lessons",
                "The lesson this block belongs to.",
            )],
            docs: &[
                ("type", "rich_text, image, video, file or youtube."),
                (
                    "content",
                    "The block's data, shaped by its type (seed 003 ContentData).",
                ),
                ("order_index", "Position in the lesson."),
                ("metadata", "Additional properties."),
            ],
        },
    ];
    Ok((catalog, specs))
}
