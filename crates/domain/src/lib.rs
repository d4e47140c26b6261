//! The domain's operations: the seeds' triggers and SQL functions as plain
//! functions over a `store::Write`, transactional and safe under
//! concurrency. Knows nothing of GraphQL.

pub mod adaptability;
pub mod learning;
pub mod marketplace;
pub mod workshops;

use store::StoreError;

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

/// The row of `E` with `id`, read through the caller's rules: a row the
/// caller may not see is `NotFound(what)`, exactly like a missing one.
pub(crate) async fn visible<E>(
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
    w.select::<E>()
        .filter(col.eq(id))
        .one()
        .await?
        .ok_or(DomainError::NotFound(what))
}
