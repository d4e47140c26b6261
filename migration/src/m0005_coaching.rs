//! Seed 002, the coaching data platform: coaches, clients, coaching models,
//! coach–model links, data items with visibility and chunks with embeddings.
//! Coaching companies are the tenants (m0001); client organizations are
//! `organizations`.

use crate::dsl::{OnDelete::*, Tbl};
use crate::no_extra as after_up;
use crate::no_extra as before_down;

crate::table_migration!();

pub const VISIBILITY: &[&str] = &["private", "coach_only", "org_visible", "public"];

fn tables() -> Vec<Tbl> {
    vec![
        Tbl::tenant("coaches")
            .uuid_null("user_id")
            .fk("user_id", "users", NoAction)
            .text("email")
            .text("name")
            .text_null("bio")
            .json("metadata", "{}")
            .timestamps()
            .uniq(&["email"])
            .json_key_index("metadata", "active")
            .json_key_index("metadata", "experience_years"),
        Tbl::tenant("clients")
            .uuid("client_organization_id")
            .fk("client_organization_id", "organizations", NoAction)
            .uuid_null("primary_coach_id")
            .fk("primary_coach_id", "coaches", NoAction)
            .uuid_null("user_id")
            .fk("user_id", "users", NoAction)
            .text("email")
            .text("name")
            .text_null("title")
            .json("metadata", "{}")
            .timestamps()
            .uniq(&["email"])
            .json_key_index("metadata", "department")
            .json_key_index("metadata", "active"),
        Tbl::tenant("coaching_models")
            .text("name")
            .text("slug")
            .text_null("description")
            .text("content")
            .json("metadata", "{}")
            .timestamps()
            .uniq(&["slug"]),
        Tbl::tenant("coach_model_associations")
            .uuid("coach_id")
            .fk("coach_id", "coaches", Cascade)
            .uuid("coaching_model_id")
            .fk("coaching_model_id", "coaching_models", Cascade)
            .bool_default("is_primary", false)
            .ts_now("created_at")
            .uniq(&["coach_id", "coaching_model_id"]),
        Tbl::tenant("data_items")
            .enum_col(
                "data_type",
                &["transcript", "assessment", "coaching_model", "company_doc"],
                None,
                false,
            )
            .uuid_null("coach_id")
            .fk("coach_id", "coaches", NoAction)
            .uuid_null("client_id")
            .fk("client_id", "clients", NoAction)
            .uuid_null("client_organization_id")
            .fk("client_organization_id", "organizations", NoAction)
            .uuid_null("created_by_user_id")
            .fk("created_by_user_id", "users", NoAction)
            .enum_col("visibility_level", VISIBILITY, Some("private"), false)
            .text_null("raw_content")
            .json_null("metadata")
            .timestamps()
            .idx(&["data_type"])
            .idx(&["created_at DESC"])
            .idx(&["coach_id", "data_type"])
            .idx(&["client_organization_id", "data_type"])
            .idx(&["visibility_level"]),
        Tbl::tenant("data_chunks")
            .uuid("data_item_id")
            .fk("data_item_id", "data_items", Cascade)
            .int("chunk_index")
            .check("\"chunk_index\" >= 0")
            .text("content")
            .json_null("embedding")
            .json_null("metadata")
            .ts_now("created_at")
            .uniq(&["data_item_id", "chunk_index"]),
    ]
}
