//! Seed 003, the personalized LMS (courses, lessons, content blocks, quizzes,
//! attempts, enrollments, progress, roadmaps), merged with seed 004's
//! `courses` and `enrollments`. Seed 003's `assessments` are `quizzes` here:
//! three seeds use that name for three different things.

use crate::dsl::{OnDelete::*, Tbl};
use crate::no_extra as after_up;
use crate::no_extra as before_down;

crate::table_migration!();

fn tables() -> Vec<Tbl> {
    vec![
        Tbl::tenant("courses")
            .text("title")
            .text_null("description")
            .uuid_null("instructor_id")
            .fk("instructor_id", "users", NoAction)
            .uuid_null("organization_id")
            .fk("organization_id", "organizations", NoAction)
            .uuid_null("final_assessment_id")
            .fk_deferred("final_assessment_id", "quizzes", NoAction)
            .json("tags", "[]")
            .enum_col(
                "difficulty_level",
                &["beginner", "intermediate", "advanced"],
                None,
                true,
            )
            .int_null("estimated_duration")
            .check("\"estimated_duration\" IS NULL OR \"estimated_duration\" > 0")
            .bool_default("is_published", false)
            .timestamps()
            .idx(&["is_published"])
            .gin("tags"),
        Tbl::tenant("lessons")
            .uuid("course_id")
            .fk("course_id", "courses", Cascade)
            .text("title")
            .text_null("description")
            .int("order_index")
            .json("learning_objectives", "[]")
            .int_null("estimated_duration")
            .check("\"estimated_duration\" IS NULL OR \"estimated_duration\" > 0")
            .uuid_null("assessment_id")
            .fk_deferred("assessment_id", "quizzes", NoAction)
            .json("prerequisites", "[]")
            .bool_default("is_published", false)
            .timestamps()
            .idx(&["course_id", "order_index"]),
        Tbl::tenant("content_blocks")
            .uuid("lesson_id")
            .fk("lesson_id", "lessons", Cascade)
            .enum_col(
                "type",
                &["rich_text", "image", "video", "file", "youtube"],
                None,
                false,
            )
            .json("content", "{}")
            .int("order_index")
            .json("metadata", "{}")
            .timestamps()
            .idx(&["lesson_id", "order_index"]),
        Tbl::tenant("quizzes")
            .uuid_null("lesson_id")
            .fk("lesson_id", "lessons", Cascade)
            .uuid_null("course_id")
            .fk("course_id", "courses", Cascade)
            .check("(\"lesson_id\" IS NULL) <> (\"course_id\" IS NULL)")
            .text("title")
            .text_null("description")
            .json("questions", "[]")
            .bool_default("ai_generated", false)
            .json("source_content_ids", "[]")
            .bool_default("is_mandatory", true)
            .int_default("minimum_passing_score", 70)
            .check("\"minimum_passing_score\" >= 0 AND \"minimum_passing_score\" <= 100")
            .int_null("max_attempts")
            .check("\"max_attempts\" IS NULL OR \"max_attempts\" > 0")
            .int_null("time_limit")
            .check("\"time_limit\" IS NULL OR \"time_limit\" > 0")
            .timestamps(),
        Tbl::tenant("assessment_attempts")
            .uuid("assessment_id")
            .fk("assessment_id", "quizzes", Cascade)
            .uuid("student_id")
            .fk("student_id", "users", Cascade)
            .int("attempt_number")
            .check("\"attempt_number\" >= 1")
            .json("answers", "{}")
            .int_range("score", 0, 100)
            .int_null("points_earned")
            .int_null("total_points")
            .check("\"points_earned\" IS NULL OR \"total_points\" IS NULL OR (\"points_earned\" >= 0 AND \"points_earned\" <= \"total_points\")")
            .bool_null("passed")
            .int_null("time_spent")
            .check("\"time_spent\" IS NULL OR \"time_spent\" >= 0")
            .ts_now("started_at")
            .ts_null("submitted_at")
            .json_null("feedback")
            .uniq(&["assessment_id", "student_id", "attempt_number"]),
        Tbl::tenant("enrollments")
            .uuid("student_id")
            .fk("student_id", "users", Cascade)
            .uuid("course_id")
            .fk("course_id", "courses", Cascade)
            .ts_now("enrolled_at")
            .ts_null("completed_at")
            .json("progress", "{}")
            .decimal_default("progress_percent", 5, 2, 0.0)
            .check("\"progress_percent\" >= 0 AND \"progress_percent\" <= 100")
            .uniq(&["student_id", "course_id"]),
        Tbl::tenant("student_progress")
            .uuid("student_id")
            .fk("student_id", "users", Cascade)
            .uuid_null("course_id")
            .fk("course_id", "courses", Cascade)
            .uuid_null("lesson_id")
            .fk("lesson_id", "lessons", Cascade)
            .uuid_null("assessment_id")
            .fk("assessment_id", "quizzes", Cascade)
            .enum_col(
                "status",
                &["not_started", "in_progress", "completed", "blocked"],
                Some("not_started"),
                false,
            )
            .int_default("completion_percentage", 0)
            .check("\"completion_percentage\" >= 0 AND \"completion_percentage\" <= 100")
            .ts_null("last_accessed")
            .int_default("time_spent", 0)
            .check("\"time_spent\" >= 0")
            .int_default("attempts_count", 0)
            .check("\"attempts_count\" >= 0")
            .int_range("best_score", 0, 100)
            .timestamps(),
        Tbl::tenant("personalized_roadmaps")
            .uuid("student_id")
            .fk("student_id", "users", Cascade)
            .json("roadmap_data", "{}")
            .text_null("ai_reasoning")
            .enum_col("status", &["active", "completed", "paused"], Some("active"), false)
            .ts_now("generated_at")
            .ts_now("updated_at"),
        Tbl::tenant("learning_progress")
            .uuid("student_id")
            .fk("student_id", "users", Cascade)
            .uuid("content_id")
            .text("content_type")
            .json("progress_data", "{}")
            .ts_null("completed_at")
            .int_default("time_spent", 0)
            .check("\"time_spent\" >= 0")
            .timestamps()
            .idx(&["student_id", "content_id"]),
    ]
}
