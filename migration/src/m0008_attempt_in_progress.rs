//! Seed 000 attempts that are started before they are submitted: at most one
//! in-progress attempt (`completed_at IS NULL`) per user and framework
//! assessment. A partial unique index (the same SQL on both backends), so two
//! concurrent `startFrameworkAssessment` calls cannot both open one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "uq_user_attempts_in_progress";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX \"{INDEX}\" ON \"user_attempts\" \
                 (\"tenant_id\", \"user_id\", \"assessment_id\") WHERE \"completed_at\" IS NULL"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(&format!("DROP INDEX IF EXISTS \"{INDEX}\""))
            .await?;
        Ok(())
    }
}
