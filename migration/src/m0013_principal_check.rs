//! A check a request's first statement can make of its caller (PostgreSQL
//! only). A request whose token's caller was seen recently is answered
//! with the memberships seen then, and its authentication statement goes
//! out in the same write as its first statement
//! (`store::Store::authenticate_as_seen`). That statement cannot hand the
//! memberships back in time to be compared in the server, so it compares
//! them itself, and
//! `coachql_memberships_unchanged` makes a difference an error with its own
//! SQLSTATE, `CQ001`. The error stops every statement queued behind it;
//! the server then authenticates the request again in full and runs it
//! with what it finds.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Raised when the memberships differ (`store`'s `MEMBERSHIPS_CHANGED`).
const CREATE: &str = r#"
CREATE OR REPLACE FUNCTION coachql_memberships_unchanged(same boolean)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF same IS NOT TRUE THEN
    RAISE EXCEPTION 'the caller''s memberships changed' USING ERRCODE = 'CQ001';
  END IF;
  RETURN true;
END
$$"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(CREATE).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS coachql_memberships_unchanged(boolean)")
                .await?;
        }
        Ok(())
    }
}
