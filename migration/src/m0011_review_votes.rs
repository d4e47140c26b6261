//! Review voting and one review per reviewer per target (seed 001
//! "helpful_count, not_helpful_count - Community voting"): `review_votes`
//! remembers each user's one vote on a review, so the counters on `reviews`
//! stay exact; unique indexes on `reviews` refuse a second review of the
//! same target by the same reviewer (NULL targets are distinct on both
//! backends, so each index only bites for its own review type).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::dsl::{OnDelete::*, Tbl};
use crate::m0007_row_level_security::APP_ROLE;

crate::table_migration!();

const TARGETS: &[&str] = &["workshop_id", "expert_id", "engagement_id"];

fn tables() -> Vec<Tbl> {
    vec![
        Tbl::tenant("review_votes")
            .uuid("review_id")
            .fk("review_id", "reviews", Cascade)
            .uuid("user_id")
            .fk("user_id", "users", Cascade)
            .bool("helpful")
            .ts_now("created_at")
            .uniq(&["review_id", "user_id"])
            // Tables created after m0007 get its isolation policy here.
            .pg(&format!("GRANT SELECT, INSERT, UPDATE, DELETE ON \"review_votes\" TO {APP_ROLE}"))
            .pg("ALTER TABLE \"review_votes\" ENABLE ROW LEVEL SECURITY")
            .pg(
                "CREATE POLICY tenant_isolation ON \"review_votes\" \
                 USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) \
                 WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)",
            ),
    ]
}

async fn after_up(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for t in TARGETS {
        m.create_index(
            Index::create()
                .name(format!("uq_reviews_tenant_id_user_id_{t}"))
                .table("reviews")
                .col("tenant_id")
                .col("user_id")
                .col(*t)
                .unique()
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

async fn before_down(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for t in TARGETS {
        m.drop_index(
            Index::drop()
                .name(format!("uq_reviews_tenant_id_user_id_{t}"))
                .table("reviews")
                .to_owned(),
        )
        .await?;
    }
    if m.get_database_backend() == DbBackend::Postgres {
        m.get_connection()
            .execute_unprepared("DROP POLICY IF EXISTS tenant_isolation ON \"review_votes\"")
            .await?;
    }
    Ok(())
}
