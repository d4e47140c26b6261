//! The domain's operations: the seeds' triggers and SQL functions as plain
//! functions over a `store::Write`, transactional and safe under
//! concurrency. Knows nothing of GraphQL.

pub mod adaptability;
pub mod analytics;
pub mod authoring;
pub mod certificates;
pub mod coaching;
pub mod commerce;
pub mod competency;
pub mod decimal;
pub mod identity;
pub mod learning;
pub mod marketplace;
pub mod progress;
pub mod roadmaps;
mod rules;
pub mod workshops;

use store::{Reader, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Missing, or not visible to the caller (the two look the same).
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for DomainError {
    fn from(e: sea_orm::DbErr) -> Self {
        DomainError::Store(StoreError::Db(e))
    }
}

pub type Result<T> = std::result::Result<T, DomainError>;

pub(crate) fn now() -> sea_orm::prelude::DateTimeWithTimeZone {
    chrono::Utc::now().fixed_offset()
}

/// The row of `E` with `id`, read through the caller's rules (from a
/// scope or inside a write): a row the caller may not see is
/// `NotFound(what)`, exactly like a missing one.
pub(crate) async fn visible<E>(
    r: &impl Reader,
    id: uuid::Uuid,
    what: &'static str,
) -> Result<E::Model>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    use sea_orm::ColumnTrait;
    let col = store::column::<E>("id")?;
    r.select::<E>()
        .filter(col.eq(id))
        .one()
        .await?
        .ok_or(DomainError::NotFound(what))
}

/// A JSON array of uuid strings (the seeds' `uuid[]` columns).
pub(crate) fn uuids(v: &sea_orm::prelude::Json) -> Vec<uuid::Uuid> {
    v.as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|x| x.as_str()?.parse().ok())
        .collect()
}

/// The row of `E` with `id`, locked for this write: a no-op UPDATE takes
/// the row lock on PostgreSQL (SQLite writes are serialized anyway), and
/// the read after it sees the latest committed version, so read-modify-
/// write of a JSON column never loses a concurrent change.
pub(crate) async fn locked<E>(
    w: &store::Write,
    id: uuid::Uuid,
    what: &'static str,
) -> Result<E::Model>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    use sea_orm::ColumnTrait;
    let col = store::column::<E>("id")?;
    w.update::<E>(
        vec![(col, sea_orm::sea_query::Expr::col(col))],
        sea_orm::Condition::all().add(col.eq(id)),
    )
    .await?;
    w.select_unrestricted::<E>()
        .filter(col.eq(id))
        .one()
        .await?
        .ok_or(DomainError::NotFound(what))
}
