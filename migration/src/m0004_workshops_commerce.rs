//! Seed 001, HumanGlue: adaptability assessments and answers, workshops and
//! registrations, payments, certificates, the talent marketplace (profiles,
//! testimonials, engagements, sessions) and reviews. One migration because
//! registrations, certificates and reviews reference across all of them.

use crate::dsl::{OnDelete::*, Tbl};
use crate::no_extra as after_up;
use crate::no_extra as before_down;

crate::table_migration!();

const DIMENSIONS: &[&str] = &[
    "individual",
    "leadership",
    "cultural",
    "embedding",
    "velocity",
];

fn tables() -> Vec<Tbl> {
    let mut adaptability = Tbl::tenant("adaptability_assessments")
        .uuid("user_id")
        .fk("user_id", "users", Cascade)
        .uuid_null("organization_id")
        .fk("organization_id", "organizations", NoAction)
        .enum_col(
            "assessment_type",
            &["full", "quick", "follow_up"],
            Some("full"),
            false,
        )
        .enum_col(
            "status",
            &["in_progress", "completed", "abandoned"],
            Some("in_progress"),
            false,
        );
    for d in DIMENSIONS {
        adaptability = adaptability.int_range(&format!("{d}_score"), 0, 100);
    }
    adaptability = adaptability
        .col(
            sea_orm_migration::prelude::ColumnDef::new("overall_score")
                .integer()
                .null()
                .generated(
                    sea_orm_migration::prelude::Expr::cust(
                        "(\"individual_score\" + \"leadership_score\" + \"cultural_score\" + \"embedding_score\" + \"velocity_score\") / 5",
                    ),
                    true,
                )
                .take(),
        )
        .json("results", "{}")
        .json("recommendations", "[]")
        .ts_now("started_at")
        .ts_null("completed_at")
        .timestamps()
        .idx(&["user_id", "completed_at DESC"])
        .idx(&["status"])
        .gin("results")
        .gin("recommendations");

    vec![
        adaptability,
        Tbl::tenant("assessment_answers")
            .uuid("assessment_id")
            .fk("assessment_id", "adaptability_assessments", Cascade)
            .text("question_id")
            .enum_col("dimension", DIMENSIONS, None, false)
            .enum_col(
                "answer_type",
                &["scale", "multiChoice", "fearToConfidence", "text"],
                None,
                false,
            )
            .int_range("answer_value", 0, 100)
            .text_null("answer_text")
            .decimal_default("question_weight", 5, 2, 1.0)
            .check("\"question_weight\" > 0")
            .timestamps()
            .uniq(&["assessment_id", "question_id"])
            .idx(&["dimension"]),
        Tbl::tenant("workshops")
            .text("title")
            .text("description")
            .uuid_null("instructor_id")
            .fk("instructor_id", "users", NoAction)
            .enum_col("pillar", &["adaptability", "coaching", "marketplace"], None, false)
            .enum_col("level", &["beginner", "intermediate", "advanced"], None, false)
            .enum_col("format", &["live", "hybrid", "recorded"], None, false)
            .date_null("schedule_date")
            .time_null("schedule_time")
            .int("capacity_total")
            .int("capacity_remaining")
            .check("\"capacity_total\" >= 0 AND \"capacity_remaining\" >= 0 AND \"capacity_remaining\" <= \"capacity_total\"")
            .decimal_default("price_amount", 10, 2, 0.0)
            .decimal_null("price_early_bird", 10, 2)
            .check("\"price_amount\" >= 0 AND (\"price_early_bird\" IS NULL OR \"price_early_bird\" >= 0)")
            .json("outcomes", "[]")
            .json("tags", "[]")
            .enum_col(
                "status",
                &["draft", "published", "archived", "cancelled"],
                Some("draft"),
                false,
            )
            .bool_default("is_featured", false)
            // Kept by review approval (seed 001: "updates workshop/expert
            // average rating on approval"); the seed names no column for it.
            .decimal_default("rating", 3, 2, 0.0)
            .check("\"rating\" >= 0 AND \"rating\" <= 5")
            .int_default("review_count", 0)
            .check("\"review_count\" >= 0")
            .timestamps()
            .idx(&["pillar", "level"])
            .idx(&["status", "schedule_date"])
            .gin("tags")
            .gin("outcomes")
            .full_text(&["title", "description"]),
        Tbl::tenant("payments")
            .uuid("user_id")
            .fk("user_id", "users", Restrict)
            .uuid_null("organization_id")
            .fk("organization_id", "organizations", NoAction)
            .decimal("amount", 10, 2)
            .check("\"amount\" >= 0")
            .text_default("currency", "USD")
            .check("length(\"currency\") = 3")
            .enum_col("provider", &["stripe", "paypal", "manual"], None, false)
            .text_null("transaction_id")
            .enum_col(
                "status",
                &["pending", "succeeded", "failed", "refunded"],
                Some("pending"),
                false,
            )
            .enum_col(
                "payment_type",
                &["workshop", "engagement", "subscription", "other"],
                None,
                false,
            )
            .uuid_null("related_entity_id")
            .text_null("invoice_number")
            .text_null("invoice_url")
            .decimal_null("refund_amount", 10, 2)
            .check("\"refund_amount\" IS NULL OR (\"refund_amount\" >= 0 AND \"refund_amount\" <= \"amount\")")
            .ts_null("refunded_at")
            .json("metadata", "{}")
            .timestamps()
            .uniq(&["invoice_number"])
            .idx(&["status"])
            .idx(&["related_entity_id"])
            .gin("metadata"),
        Tbl::tenant("certificates")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .enum_col("certificate_type", &["workshop", "program", "assessment"], None, false)
            .uuid_null("workshop_id")
            .fk("workshop_id", "workshops", NoAction)
            .uuid_null("assessment_id")
            .fk("assessment_id", "adaptability_assessments", NoAction)
            .text("certificate_number")
            .col(
                sea_orm_migration::prelude::ColumnDef::new("issue_date")
                    .date()
                    .not_null()
                    .default(sea_orm_migration::prelude::Expr::cust("CURRENT_DATE"))
                    .take(),
            )
            .date_null("expiry_date")
            .check("\"expiry_date\" IS NULL OR \"expiry_date\" >= \"issue_date\"")
            .json("skills_demonstrated", "[]")
            .text_null("certificate_url")
            .text_null("verification_url")
            .uuid_null("issued_by")
            .fk("issued_by", "users", NoAction)
            .bool_default("is_verified", true)
            .timestamps()
            .uniq(&["certificate_number"]),
        Tbl::tenant("workshop_registrations")
            .uuid("workshop_id")
            .fk("workshop_id", "workshops", Cascade)
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .enum_col(
                "status",
                &["registered", "completed", "cancelled", "no_show"],
                Some("registered"),
                false,
            )
            .ts_now("registered_at")
            .decimal_default("price_paid", 10, 2, 0.0)
            .check("\"price_paid\" >= 0")
            .uuid_null("payment_id")
            .fk("payment_id", "payments", NoAction)
            .bool_default("attended", false)
            .ts_null("completed_at")
            .ts_null("cancelled_at")
            .uuid_null("certificate_id")
            .fk("certificate_id", "certificates", NoAction)
            .int_range("rating", 1, 5)
            .text_null("review")
            .timestamps()
            .uniq(&["workshop_id", "user_id"])
            .idx(&["user_id", "status"]),
        Tbl::tenant("talent_profiles")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .text_null("tagline")
            .text_null("bio")
            .json("expertise", "[]")
            .int_range("transformation_success_rate", 0, 100)
            .int_range("behavior_change_score", 0, 100)
            .int_range("client_retention_rate", 0, 100)
            .int_default("cultures_transformed", 0)
            .check("\"cultures_transformed\" >= 0")
            .int_null("years_experience")
            .check("\"years_experience\" IS NULL OR \"years_experience\" >= 0")
            .json("industries", "[]")
            .json("transformation_stages", "[]")
            .enum_col(
                "coaching_style",
                &["directive", "facilitative", "hybrid"],
                None,
                true,
            )
            .decimal_default("rating", 3, 2, 0.0)
            .check("\"rating\" >= 0 AND \"rating\" <= 5")
            .int_default("review_count", 0)
            .check("\"review_count\" >= 0")
            .enum_col(
                "availability",
                &["available", "limited", "booked"],
                Some("available"),
                false,
            )
            .decimal_null("hourly_rate", 10, 2)
            .check("\"hourly_rate\" IS NULL OR \"hourly_rate\" >= 0")
            .bool_default("is_public", false)
            .bool_default("accepting_clients", true)
            .timestamps()
            .uniq(&["user_id"])
            .idx(&["availability"])
            .idx(&["is_public", "rating DESC"])
            .gin("expertise")
            .gin("industries"),
        Tbl::tenant("talent_testimonials")
            .uuid("talent_profile_id")
            .fk("talent_profile_id", "talent_profiles", Cascade)
            .text("client_name")
            .text_null("client_company")
            .text("quote")
            .text_null("metric")
            .bool_default("verified", false)
            .bool_default("is_featured", false)
            .ts_now("created_at"),
        Tbl::tenant("engagements")
            .uuid("client_id")
            .fk("client_id", "users", Restrict)
            .uuid("expert_id")
            .fk("expert_id", "users", Restrict)
            .uuid_null("organization_id")
            .fk("organization_id", "organizations", NoAction)
            .text("focus_area")
            .decimal("hours_total", 7, 2)
            .decimal_default("hours_used", 7, 2, 0.0)
            .check("\"hours_total\" >= 0 AND \"hours_used\" >= 0 AND \"hours_used\" <= \"hours_total\"")
            .decimal_null("hourly_rate", 10, 2)
            .enum_col(
                "status",
                &["pending", "active", "paused", "completed", "cancelled"],
                Some("pending"),
                false,
            )
            .json("deliverables", "[]")
            .json("milestones", "[]")
            .int_range("client_satisfaction_score", 1, 5)
            .timestamps()
            .idx(&["client_id", "status"])
            .gin("deliverables"),
        Tbl::tenant("engagement_sessions")
            .uuid("engagement_id")
            .fk("engagement_id", "engagements", Cascade)
            .enum_col(
                "session_type",
                &["coaching", "workshop", "consultation", "follow_up"],
                None,
                false,
            )
            .col(
                sea_orm_migration::prelude::ColumnDef::new("scheduled_at")
                    .timestamp_with_time_zone()
                    .not_null()
                    .take(),
            )
            .ts_null("started_at")
            .ts_null("ended_at")
            .check("\"ended_at\" IS NULL OR \"started_at\" IS NULL OR \"ended_at\" >= \"started_at\"")
            .decimal_null("duration_hours", 5, 2)
            .check("\"duration_hours\" IS NULL OR \"duration_hours\" >= 0")
            .text_null("session_notes")
            .json("action_items", "[]")
            .enum_col(
                "status",
                &["scheduled", "completed", "cancelled", "no_show"],
                Some("scheduled"),
                false,
            )
            .timestamps()
            .idx(&["scheduled_at"])
            .idx(&["status"]),
        Tbl::tenant("reviews")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .enum_col("review_type", &["workshop", "expert", "engagement"], None, false)
            .uuid_null("workshop_id")
            .fk("workshop_id", "workshops", Cascade)
            .uuid_null("expert_id")
            .fk("expert_id", "users", Cascade)
            .uuid_null("engagement_id")
            .fk("engagement_id", "engagements", Cascade)
            .check(
                "(\"review_type\" = 'workshop' AND \"workshop_id\" IS NOT NULL AND \"expert_id\" IS NULL AND \"engagement_id\" IS NULL) \
                 OR (\"review_type\" = 'expert' AND \"expert_id\" IS NOT NULL AND \"workshop_id\" IS NULL AND \"engagement_id\" IS NULL) \
                 OR (\"review_type\" = 'engagement' AND \"engagement_id\" IS NOT NULL AND \"workshop_id\" IS NULL AND \"expert_id\" IS NULL)",
            )
            .int("rating")
            .check("\"rating\" >= 1 AND \"rating\" <= 5")
            .text_null("title")
            .text("review_text")
            .int_range("content_quality_rating", 1, 5)
            .int_range("delivery_rating", 1, 5)
            .int_range("value_rating", 1, 5)
            .int_range("impact_rating", 1, 5)
            .bool_default("verified_purchase", false)
            .enum_col(
                "status",
                &["pending", "approved", "rejected", "flagged"],
                Some("pending"),
                false,
            )
            .int_default("helpful_count", 0)
            .int_default("not_helpful_count", 0)
            .check("\"helpful_count\" >= 0 AND \"not_helpful_count\" >= 0")
            .text_null("response_text")
            .uuid_null("response_by")
            .fk("response_by", "users", NoAction)
            .ts_null("responded_at")
            .timestamps()
            .idx(&["status"])
            .full_text(&["title", "review_text"]),
    ]
}
