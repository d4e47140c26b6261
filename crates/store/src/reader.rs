//! One way to read: from a request's [`Scope`](crate::Scope) or inside a
//! [`Write`](crate::Write), so a computation written once serves queries
//! and writes alike.

use auth::{Principal, policy};
use sea_orm::EntityTrait;

use crate::{Batch, Scoped};

/// Reads confined to one principal's tenant.
pub trait Reader: Sync {
    fn principal(&self) -> &Principal;

    /// A query over `E` confined to this tenant only, for a business rule
    /// that must see rows the caller may not read one by one (a workshop's
    /// capacity, another learner's registration count, the weekly
    /// leaderboard, which applies each learner's privacy instead): only
    /// after the caller was authorized otherwise.
    fn select_unrestricted<E: EntityTrait>(&self) -> Scoped<E>;

    /// An empty batch of reads (inside a write, they see its writes).
    fn batch(&self) -> Batch;

    /// A query over `E`, confined to this tenant and to the rows the
    /// principal may read.
    fn select<E: EntityTrait>(&self) -> Scoped<E> {
        let table = sea_orm::IdenStatic::as_str(&E::default());
        self.select_unrestricted::<E>()
            .filter(policy::read_filter(table, self.principal()))
    }
}
