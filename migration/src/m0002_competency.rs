//! Seed 000, the Coaching Resource Hub: framework competency assessments,
//! questions, attempts, responses, skill tags with insights and actions,
//! competency names, leverage strengths and learning paths.

use crate::dsl::{OnDelete::*, Tbl};
use crate::no_extra as after_up;
use crate::no_extra as before_down;

crate::table_migration!();

const FRAMEWORKS: &[&str] = &["core", "icf", "ac"];
const LEVELS: &[&str] = &[
    "core-i", "core-ii", "core-iii", "icf-i", "icf-ii", "icf-iii", "ac-i", "ac-ii", "ac-iii",
];

fn tables() -> Vec<Tbl> {
    vec![
        Tbl::tenant("framework_assessments")
            .text("slug")
            .text("title")
            .text_null("description")
            .enum_col("difficulty", &["Beginner", "Intermediate", "Advanced"], None, true)
            .int_null("estimated_duration")
            .enum_col("framework", FRAMEWORKS, None, false)
            .bool_default("is_active", true)
            .timestamps()
            .uniq(&["slug"])
            .idx(&["framework"])
            .idx(&["is_active"]),
        Tbl::tenant("assessment_questions")
            .uuid("assessment_id")
            .fk("assessment_id", "framework_assessments", Cascade)
            .int("question_order")
            .text("question")
            .text("option_a")
            .text("option_b")
            .text("option_c")
            .text("option_d")
            .int("correct_answer")
            .check("\"correct_answer\" IN (0, 1, 2, 3)")
            .text("explanation")
            .text("competency_area")
            .decimal_default("difficulty_weight", 6, 3, 1.0)
            .enum_col("assessment_level", LEVELS, None, true)
            .ts_now("created_at")
            .idx(&["assessment_id", "question_order"])
            .idx(&["competency_area"])
            .idx(&["assessment_level"]),
        Tbl::tenant("user_attempts")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .uuid("assessment_id")
            .fk("assessment_id", "framework_assessments", Cascade)
            .int("score")
            .check("\"score\" >= 0 AND \"score\" <= 100")
            .int_null("time_spent")
            .ts_null_now("completed_at")
            .ts_now("created_at")
            .json_null("frontend_insights")
            .ts_null("insights_generated_at")
            .idx(&["completed_at DESC"])
            .idx(&["score"])
            .gin("frontend_insights"),
        Tbl::tenant("user_responses")
            .uuid("attempt_id")
            .fk("attempt_id", "user_attempts", Cascade)
            .uuid("question_id")
            .fk("question_id", "assessment_questions", Cascade)
            .int("selected_answer")
            .check("\"selected_answer\" IN (0, 1, 2, 3)")
            .bool("is_correct")
            .int_null("response_time")
            .ts_now("created_at")
            .idx(&["is_correct"]),
        Tbl::tenant("skill_tags")
            .text("name")
            .text("competency_area")
            .enum_col("framework", FRAMEWORKS, None, false)
            .int_default("sort_order", 0)
            .enum_col("assessment_level", LEVELS, None, true)
            .bool_default("is_active", true)
            .ts_now("created_at")
            .uniq(&["name", "competency_area", "framework", "assessment_level"])
            .idx(&["framework", "assessment_level"])
            .idx(&["competency_area"])
            .idx(&["is_active"]),
        Tbl::tenant("tag_insights")
            .uuid("skill_tag_id")
            .fk("skill_tag_id", "skill_tags", Cascade)
            .text("insight_text")
            .enum_col("insight_type", &["weakness", "strength"], None, false)
            .text_null_default("context_level", "beginner")
            .ts_now("created_at")
            .uniq(&["skill_tag_id", "insight_type", "context_level"])
            .idx(&["insight_type"]),
        Tbl::tenant("tag_actions")
            .uuid("skill_tag_id")
            .fk("skill_tag_id", "skill_tags", Cascade)
            .text("action_text")
            .bool_default("is_active", true)
            .ts_now("created_at")
            .uniq(&["skill_tag_id"])
            .idx(&["is_active"]),
        Tbl::tenant("competency_display_names")
            .text("competency_key")
            .text("display_name")
            .enum_col("framework", FRAMEWORKS, None, false)
            .bool_default("is_active", true)
            .ts_now("created_at")
            .uniq(&["competency_key", "framework"])
            .idx(&["framework"]),
        Tbl::tenant("competency_leverage_strengths")
            .text("competency_area")
            .text("leverage_text")
            .int_default("score_range_min", 0)
            .int_default("score_range_max", 100)
            .check("\"score_range_min\" >= 0 AND \"score_range_max\" <= 100 AND \"score_range_min\" <= \"score_range_max\"")
            .enum_col("framework", FRAMEWORKS, None, false)
            .text_null_default("context_level", "beginner")
            .int_default("priority_order", 0)
            .bool_default("is_active", true)
            .ts_now("created_at")
            .idx(&["competency_area"])
            .idx(&["framework"])
            .idx(&["score_range_min", "score_range_max"]),
        Tbl::tenant("learning_path_categories")
            .text("category_title")
            .text_null("category_description")
            .text_null("category_icon")
            .json("competency_areas", "[]")
            .enum_col("assessment_level", LEVELS, None, true)
            .int_default("priority_order", 0)
            .bool_default("is_active", true)
            .ts_now("created_at")
            .idx(&["assessment_level"])
            .idx(&["is_active"])
            .gin("competency_areas"),
        Tbl::tenant("learning_resources")
            .uuid("category_id")
            .fk("category_id", "learning_path_categories", Cascade)
            .text("title")
            .text_null("description")
            .enum_col(
                "resource_type",
                &["book", "course", "video", "article", "exercise", "workshop", "tool", "assessment"],
                None,
                false,
            )
            .text_null("url")
            .text_null("author_instructor")
            .json("competency_areas", "[]")
            .enum_col("assessment_level", LEVELS, None, true)
            .bool_default("is_active", true)
            .ts_now("created_at")
            .idx(&["resource_type"])
            .idx(&["assessment_level"])
            .idx(&["is_active"])
            .gin("competency_areas"),
    ]
}
