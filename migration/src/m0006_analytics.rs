//! Seed 004, learning analytics and gamification: skills, mastery, velocity,
//! points, achievements, streaks, predictive cache and preferences, plus the
//! weekly leaderboard and skill demand as views (seed 004's materialized
//! views; plain views here so they are never stale and, with
//! `security_invoker`, subject to the caller's row-level security).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::dsl::{OnDelete::*, Tbl};

crate::table_migration!();

const VIEWS: &[&str] = &["leaderboard_weekly", "skill_demand_aggregates"];

fn tables() -> Vec<Tbl> {
    vec![
        Tbl::tenant("skills")
            .text("name")
            .text_null("domain")
            .enum_col("level", &["beginner", "intermediate", "advanced"], None, true)
            .ts_now("created_at")
            .idx(&["name"])
            .idx(&["domain"]),
        Tbl::tenant("user_skills")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .uuid("skill_id")
            .fk("skill_id", "skills", Cascade)
            .decimal_null("mastery_level", 5, 2)
            .check("\"mastery_level\" IS NULL OR (\"mastery_level\" >= 0 AND \"mastery_level\" <= 100)")
            .ts_null("last_assessed_at")
            .uniq(&["user_id", "skill_id"])
            .idx(&["skill_id", "last_assessed_at"]),
        Tbl::tenant("learner_velocity_analytics")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .decimal_null("current_pace", 5, 2)
            .decimal_null("target_pace", 5, 2)
            .enum_col(
                "trend_direction",
                &["accelerating", "stable", "declining"],
                None,
                true,
            )
            .decimal_null("trend_percentage", 5, 2)
            .text_null("status")
            .date_null("estimated_completion")
            .ts_now("calculated_at")
            .ts_null("expires_at")
            .idx(&["calculated_at DESC"]),
        Tbl::tenant("user_points")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .int_default("total_points", 0)
            .int_default("current_level", 1)
            .int_default("current_streak", 0)
            .int_default("longest_streak", 0)
            .check("\"current_level\" >= 1 AND \"current_streak\" >= 0 AND \"longest_streak\" >= \"current_streak\"")
            .ts_now("updated_at")
            .uniq(&["user_id"])
            .idx(&["total_points DESC"]),
        Tbl::tenant("point_transactions")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .int("points")
            .text("activity_type")
            .json_null("metadata")
            .ts_now("timestamp")
            .idx(&["user_id", "timestamp DESC"])
            .idx(&["timestamp"]),
        Tbl::tenant("achievements")
            .text("code")
            .text("name")
            .text_null("description")
            .text_null("icon")
            .enum_col(
                "tier",
                &["beginner", "intermediate", "advanced", "elite"],
                None,
                true,
            )
            .json("criteria", "{}")
            .ts_now("created_at")
            .uniq(&["code"]),
        Tbl::tenant("user_achievements")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .uuid("achievement_id")
            .fk("achievement_id", "achievements", Cascade)
            .ts_now("earned_at")
            .uniq(&["user_id", "achievement_id"]),
        Tbl::tenant("daily_activity")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .col(ColumnDef::new("date").date().not_null().take())
            .ts_now("last_activity_at")
            .uniq(&["user_id", "date"]),
        Tbl::tenant("predictive_analytics_cache")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .enum_col(
                "analytics_type",
                &["drop_off_risk", "forecast", "recommendations"],
                None,
                false,
            )
            .json("data", "{}")
            .decimal_null("confidence_score", 5, 2)
            .check("\"confidence_score\" IS NULL OR (\"confidence_score\" >= 0 AND \"confidence_score\" <= 100)")
            .ts_now("calculated_at")
            .ts_null("expires_at")
            .uniq(&["user_id", "analytics_type"])
            .idx(&["expires_at"]),
        Tbl::tenant("user_preferences")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .enum_col(
                "leaderboard_privacy",
                &["public", "anonymous", "hidden"],
                Some("public"),
                false,
            )
            .json(
                "predictive_analytics_enabled",
                r#"{"dropOffRisk": true, "forecasting": true, "recommendations": true}"#,
            )
            .json("notification_preferences", "{}")
            .ts_now("updated_at")
            .uniq(&["user_id"]),
    ]
}

/// The week starts on Monday in both backends, as PostgreSQL's
/// `date_trunc('week', …)` does.
async fn after_up(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let (opts, week_start, month) = match m.get_database_backend() {
        DbBackend::Postgres => (
            " WITH (security_invoker = true)",
            "date_trunc('week', now())",
            "date_trunc('month', last_assessed_at)",
        ),
        _ => (
            "",
            "strftime('%Y-%m-%dT00:00:00+00:00', 'now', '-6 days', 'weekday 1')",
            "strftime('%Y-%m-01T00:00:00+00:00', last_assessed_at)",
        ),
    };
    let conn = m.get_connection();
    conn.execute_unprepared(&format!(
        "CREATE VIEW leaderboard_weekly{opts} AS \
         SELECT tenant_id, user_id, SUM(points) AS weekly_points, \
         RANK() OVER (PARTITION BY tenant_id ORDER BY SUM(points) DESC) AS rank \
         FROM point_transactions WHERE \"timestamp\" >= {week_start} \
         GROUP BY tenant_id, user_id"
    ))
    .await?;
    conn.execute_unprepared(&format!(
        "CREATE VIEW skill_demand_aggregates{opts} AS \
         SELECT tenant_id, skill_id, COUNT(DISTINCT user_id) AS learner_count, \
         AVG(mastery_level) AS avg_mastery, {month} AS month \
         FROM user_skills GROUP BY tenant_id, skill_id, {month}"
    ))
    .await?;
    Ok(())
}

async fn before_down(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for v in VIEWS {
        m.get_connection()
            .execute_unprepared(&format!("DROP VIEW IF EXISTS {v}"))
            .await?;
    }
    Ok(())
}
