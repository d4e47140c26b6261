//! Tenants, global user identities, client organizations and memberships
//! (docs/ARCHITECTURE.md, "Tenancy model and roles"). Seeds: 002 `coaching_companies` → `tenants`; 001/003/004
//! `users` / `profiles` / `auth.users` → `users`; 001/004 `organizations` and
//! 002 `client_organizations` → `organizations`; 001/004 `user_roles`.

use crate::dsl::{OnDelete::*, Tbl};
use crate::no_extra as after_up;
use crate::no_extra as before_down;

crate::table_migration!();

pub const ROLES: &[&str] = &[
    "platform_admin",
    "tenant_admin",
    "org_admin",
    "instructor",
    "coach",
    "client",
    "learner",
];

fn tables() -> Vec<Tbl> {
    vec![
        Tbl::global("tenants")
            .text("name")
            .text("slug")
            .json("metadata", "{}")
            .timestamps()
            .uniq(&["slug"])
            .json_key_index("metadata", "active"),
        Tbl::global("users")
            .text("email")
            .text_null("password_hash")
            .text_null("full_name")
            .text_null("first_name")
            .text_null("last_name")
            .text_null("avatar_url")
            .text_null("company_name")
            .enum_col(
                "status",
                &["active", "inactive", "suspended"],
                Some("active"),
                false,
            )
            .json("metadata", "{}")
            .json("learning_preferences", "{}")
            .json("knowledge_profile", "{}")
            .timestamps()
            .uniq(&["email"])
            .idx(&["status"]),
        Tbl::tenant("organizations")
            .text("name")
            .text("slug")
            .text_null("domain")
            .text_null("industry")
            .text_null("company_size")
            .enum_col(
                "subscription_tier",
                &["starter", "growth", "enterprise"],
                None,
                true,
            )
            .text_null("subscription_status")
            .json("settings", "{}")
            .json("metadata", "{}")
            .timestamps()
            .uniq(&["slug"])
            .idx(&["subscription_tier"])
            .idx(&["industry"])
            .json_key_index("metadata", "size")
            .json_key_index("metadata", "active"),
        Tbl::tenant("user_roles")
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .enum_col("role", ROLES, None, false)
            .uuid_null("organization_id")
            .fk("organization_id", "organizations", Cascade)
            .ts_now("granted_at")
            .ts_null("expires_at")
            .ts_now("created_at")
            .uniq(&["user_id", "role"])
            .idx(&["role"]),
    ]
}
