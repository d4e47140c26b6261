//! PostgreSQL row-level security, the database's own copy of tenant
//! isolation (docs/ARCHITECTURE.md, "Tenancy model and roles"). The gateway
//! runs each tenant request in a transaction that switches to the role
//! `coachql_app` (not the table owner, so subject to these policies) and
//! sets `app.tenant_id` / `app.user_id` / `app.admin` with
//! `set_config(…, true)`. A query that forgot its tenant condition still
//! sees only the request's tenant.
//!
//! Per-user rules live in the gateway (`auth::policy`); seed 000's "users
//! can only see their own attempts / responses" is also enforced here, as
//! the seed wrote it, with the admin override.
//!
//! SQLite has no row-level security: this migration does nothing there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The role tenant requests run as.
pub const APP_ROLE: &str = "coachql_app";

const TENANT: &str = "NULLIF(current_setting('app.tenant_id', true), '')::uuid";
const USER: &str = "NULLIF(current_setting('app.user_id', true), '')::uuid";
const ADMIN: &str = "coalesce(current_setting('app.admin', true), '') = 'true'";

/// Every base table with a `tenant_id` column, read from the catalog so no
/// table can be left out.
async fn tenant_tables(m: &SchemaManager<'_>) -> Result<Vec<String>, DbErr> {
    let rows = m
        .get_connection()
        .query_all_raw(sea_orm_migration::sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.table_name FROM information_schema.columns c \
             JOIN information_schema.tables t USING (table_schema, table_name) \
             WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' \
             AND t.table_type = 'BASE TABLE' ORDER BY 1",
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "table_name"))
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let mut sql = vec![
            format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') \
                 THEN CREATE ROLE {APP_ROLE} NOLOGIN; END IF; END $$"
            ),
            format!("GRANT USAGE ON SCHEMA public TO {APP_ROLE}"),
            format!(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}"
            ),
            // The role running the migration must be able to switch to it.
            format!("GRANT {APP_ROLE} TO CURRENT_USER"),
        ];
        for t in tenant_tables(m).await? {
            sql.push(format!("ALTER TABLE \"{t}\" ENABLE ROW LEVEL SECURITY"));
            sql.push(format!(
                "CREATE POLICY tenant_isolation ON \"{t}\" USING (tenant_id = {TENANT}) WITH CHECK (tenant_id = {TENANT})"
            ));
        }
        sql.extend([
            "ALTER TABLE tenants ENABLE ROW LEVEL SECURITY".to_owned(),
            format!("CREATE POLICY tenant_self ON tenants USING (id = {TENANT})"),
            "ALTER TABLE users ENABLE ROW LEVEL SECURITY".to_owned(),
            format!(
                "CREATE POLICY tenant_members ON users USING (id = {USER} OR EXISTS \
                 (SELECT 1 FROM user_roles r WHERE r.user_id = users.id AND r.tenant_id = {TENANT}))"
            ),
            // Seed 000's per-user policies, restrictive: on top of tenant isolation.
            format!(
                "CREATE POLICY own_attempts ON user_attempts AS RESTRICTIVE \
                 USING (user_id = {USER} OR {ADMIN}) WITH CHECK (user_id = {USER} OR {ADMIN})"
            ),
            format!(
                "CREATE POLICY own_responses ON user_responses AS RESTRICTIVE \
                 USING ({ADMIN} OR attempt_id IN (SELECT id FROM user_attempts WHERE user_id = {USER})) \
                 WITH CHECK ({ADMIN} OR attempt_id IN (SELECT id FROM user_attempts WHERE user_id = {USER}))"
            ),
        ]);
        let conn = m.get_connection();
        for s in sql {
            conn.execute_unprepared(&s).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let conn = m.get_connection();
        let mut sql = vec![
            "DROP POLICY IF EXISTS own_responses ON user_responses".to_owned(),
            "DROP POLICY IF EXISTS own_attempts ON user_attempts".to_owned(),
            "DROP POLICY IF EXISTS tenant_members ON users".to_owned(),
            "ALTER TABLE users DISABLE ROW LEVEL SECURITY".to_owned(),
            "DROP POLICY IF EXISTS tenant_self ON tenants".to_owned(),
            "ALTER TABLE tenants DISABLE ROW LEVEL SECURITY".to_owned(),
        ];
        for t in tenant_tables(m).await? {
            sql.push(format!("DROP POLICY IF EXISTS tenant_isolation ON \"{t}\""));
            sql.push(format!("ALTER TABLE \"{t}\" DISABLE ROW LEVEL SECURITY"));
        }
        // The role is cluster-wide and may serve other databases: keep it,
        // without its rights here.
        sql.push(format!(
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}"
        ));
        sql.push(format!("REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}"));
        for s in sql {
            conn.execute_unprepared(&s).await?;
        }
        Ok(())
    }
}
