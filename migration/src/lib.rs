//! The coachql schema: the union of the five seed documents, one migration
//! per domain. `docs/SCHEMA_MAP.md` maps every seed table and column here.

pub use dsl::GLOBAL_TABLES;
pub use sea_orm_migration::prelude::*;

mod dsl;
mod m0001_identity;
mod m0002_competency;
mod m0003_learning;
mod m0004_workshops_commerce;
mod m0005_coaching;
mod m0006_analytics;
pub mod m0007_row_level_security;
mod m0008_attempt_in_progress;
mod m0011_review_votes;
pub mod m0012_page_indexes;
mod m0013_principal_check;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_identity::Migration),
            Box::new(m0002_competency::Migration),
            Box::new(m0003_learning::Migration),
            Box::new(m0004_workshops_commerce::Migration),
            Box::new(m0005_coaching::Migration),
            Box::new(m0006_analytics::Migration),
            Box::new(m0007_row_level_security::Migration),
            Box::new(m0008_attempt_in_progress::Migration),
            Box::new(m0011_review_votes::Migration),
            Box::new(m0012_page_indexes::Migration),
            Box::new(m0013_principal_check::Migration),
        ]
    }
}

/// Declares a migration whose `up` creates `tables()` and whose `down` drops
/// them, so each domain file is only its table list.
macro_rules! table_migration {
    () => {
        #[derive(sea_orm_migration::prelude::DeriveMigrationName)]
        pub struct Migration;

        #[sea_orm_migration::prelude::async_trait::async_trait]
        impl sea_orm_migration::prelude::MigrationTrait for Migration {
            async fn up(
                &self,
                m: &sea_orm_migration::prelude::SchemaManager,
            ) -> Result<(), sea_orm_migration::prelude::DbErr> {
                crate::dsl::create_all(m, tables()).await?;
                after_up(m).await
            }

            async fn down(
                &self,
                m: &sea_orm_migration::prelude::SchemaManager,
            ) -> Result<(), sea_orm_migration::prelude::DbErr> {
                before_down(m).await?;
                crate::dsl::drop_all(m, tables()).await
            }
        }
    };
}
pub(crate) use table_migration;

/// Hooks for migrations with nothing beyond their tables.
pub(crate) async fn no_extra(_: &SchemaManager<'_>) -> Result<(), DbErr> {
    Ok(())
}
