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
