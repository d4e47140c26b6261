//! Nested pages read only their own rows. A nested list (`course {
//! lessons(first: 5) }`) is one page per parent, in the child table's list
//! order, and the database stops after the page's rows only if an index
//! holds the children of one parent in that order. Each foreign-key index
//! `(tenant_id, fk)` that serves a nested list becomes
//! `(tenant_id, fk, <list order>, id)`: the same lookups, and now also the
//! order. Text sort keys carry the byte-order collation every list sorts
//! by (`COLLATE "C"` on PostgreSQL; SQLite's default is already byte
//! order). `tests/nested_paging.rs` checks that every nested list of the
//! API has its index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// (child table, foreign key, the child table's list order before `id`).
pub const PAGE_INDEXES: &[(&str, &str, &[&str])] = &[
    (
        "adaptability_assessments",
        "organization_id",
        &["started_at"],
    ),
    ("adaptability_assessments", "user_id", &["started_at"]),
    ("assessment_answers", "assessment_id", &["created_at"]),
    ("assessment_attempts", "assessment_id", &["attempt_number"]),
    ("assessment_attempts", "student_id", &["attempt_number"]),
    ("assessment_questions", "assessment_id", &["question_order"]),
    ("certificates", "assessment_id", &["issue_date"]),
    ("certificates", "issued_by", &["issue_date"]),
    ("certificates", "user_id", &["issue_date"]),
    ("certificates", "workshop_id", &["issue_date"]),
    ("clients", "client_organization_id", &["name"]),
    ("clients", "primary_coach_id", &["name"]),
    ("clients", "user_id", &["name"]),
    ("coach_model_associations", "coach_id", &["created_at"]),
    (
        "coach_model_associations",
        "coaching_model_id",
        &["created_at"],
    ),
    ("coaches", "user_id", &["name"]),
    ("content_blocks", "lesson_id", &["order_index"]),
    ("courses", "final_assessment_id", &["created_at"]),
    ("courses", "instructor_id", &["created_at"]),
    ("courses", "organization_id", &["created_at"]),
    ("daily_activity", "user_id", &["date"]),
    ("data_chunks", "data_item_id", &["chunk_index"]),
    ("data_items", "client_id", &["created_at"]),
    ("data_items", "client_organization_id", &["created_at"]),
    ("data_items", "coach_id", &["created_at"]),
    ("data_items", "created_by_user_id", &["created_at"]),
    ("engagement_sessions", "engagement_id", &["scheduled_at"]),
    ("engagements", "client_id", &["created_at"]),
    ("engagements", "expert_id", &["created_at"]),
    ("engagements", "organization_id", &["created_at"]),
    ("enrollments", "course_id", &["enrolled_at"]),
    ("enrollments", "student_id", &["enrolled_at"]),
    ("learner_velocity_analytics", "user_id", &["calculated_at"]),
    ("learning_progress", "student_id", &["created_at"]),
    (
        "learning_resources",
        "category_id",
        &["resource_type", "title"],
    ),
    ("lessons", "assessment_id", &["order_index"]),
    ("lessons", "course_id", &["order_index"]),
    ("payments", "organization_id", &["created_at"]),
    ("payments", "user_id", &["created_at"]),
    ("personalized_roadmaps", "student_id", &["generated_at"]),
    ("point_transactions", "user_id", &["timestamp"]),
    ("predictive_analytics_cache", "user_id", &["calculated_at"]),
    ("quizzes", "course_id", &["created_at"]),
    ("quizzes", "lesson_id", &["created_at"]),
    ("reviews", "engagement_id", &["created_at"]),
    ("reviews", "expert_id", &["created_at"]),
    ("reviews", "response_by", &["created_at"]),
    ("reviews", "user_id", &["created_at"]),
    ("reviews", "workshop_id", &["created_at"]),
    ("student_progress", "assessment_id", &["created_at"]),
    ("student_progress", "course_id", &["created_at"]),
    ("student_progress", "lesson_id", &["created_at"]),
    ("student_progress", "student_id", &["created_at"]),
    ("tag_actions", "skill_tag_id", &["created_at"]),
    ("tag_insights", "skill_tag_id", &["created_at"]),
    ("talent_profiles", "user_id", &["created_at"]),
    ("talent_testimonials", "talent_profile_id", &["created_at"]),
    ("user_achievements", "achievement_id", &["earned_at"]),
    ("user_achievements", "user_id", &["earned_at"]),
    ("user_attempts", "assessment_id", &["created_at"]),
    ("user_attempts", "user_id", &["created_at"]),
    ("user_points", "user_id", &["updated_at"]),
    ("user_preferences", "user_id", &["updated_at"]),
    ("user_responses", "attempt_id", &["created_at"]),
    ("user_responses", "question_id", &["created_at"]),
    ("user_roles", "organization_id", &["granted_at"]),
    ("user_roles", "user_id", &["granted_at"]),
    ("user_skills", "skill_id", &[]),
    ("user_skills", "user_id", &[]),
    (
        "workshop_registrations",
        "certificate_id",
        &["registered_at"],
    ),
    ("workshop_registrations", "payment_id", &["registered_at"]),
    ("workshop_registrations", "user_id", &["registered_at"]),
    ("workshop_registrations", "workshop_id", &["registered_at"]),
    ("workshops", "instructor_id", &["created_at"]),
];

/// Earlier indexes by a key and an order without `id` (m0002, m0003),
/// also prefixes of a page index: dropped with the plain ones.
const ORDERED: &[(&str, &[&str])] = &[
    ("assessment_questions", &["assessment_id", "question_order"]),
    ("lessons", &["course_id", "order_index"]),
    ("content_blocks", &["lesson_id", "order_index"]),
];

/// Sort keys that are text (collated on PostgreSQL).
const TEXT_KEYS: &[&str] = &[
    "name",
    "title",
    "category_title",
    "resource_type",
    "display_name",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

fn create(backend: DbBackend, table: &str, fk: &str, order: &[&str]) -> String {
    let mut cols = vec!["\"tenant_id\"".to_owned(), format!("\"{fk}\"")];
    for key in order {
        let collate = match (TEXT_KEYS.contains(key), backend) {
            (true, DbBackend::Postgres) => " COLLATE \"C\"",
            _ => "",
        };
        cols.push(format!("\"{key}\"{collate}"));
    }
    cols.push("\"id\"".to_owned());
    format!(
        "CREATE INDEX \"idx_{table}_{fk}_page\" ON \"{table}\" ({})",
        cols.join(", ")
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        for (table, fk, order) in PAGE_INDEXES {
            db.execute_unprepared(&create(backend, table, fk, order))
                .await?;
            // The plain foreign-key index is a prefix of the new one.
            db.execute_unprepared(&format!(
                "DROP INDEX IF EXISTS \"idx_{table}_tenant_id_{fk}\""
            ))
            .await?;
        }
        for (table, cols) in ORDERED {
            db.execute_unprepared(&format!(
                "DROP INDEX IF EXISTS \"idx_{table}_tenant_id_{}\"",
                cols.join("_")
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (table, cols) in ORDERED {
            let quoted: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
            db.execute_unprepared(&format!(
                "CREATE INDEX \"idx_{table}_tenant_id_{}\" ON \"{table}\" (\"tenant_id\", {})",
                cols.join("_"),
                quoted.join(", ")
            ))
            .await?;
        }
        for (table, fk, _) in PAGE_INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS \"idx_{table}_tenant_id_{fk}\" ON \"{table}\" (\"tenant_id\", \"{fk}\")"
            ))
            .await?;
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS \"idx_{table}_{fk}_page\""))
                .await?;
        }
        Ok(())
    }
}
