//! What every resolver needs from the async-graphql context, in one leaf
//! module: the request's [`RequestCtx`] (who asks, their scope, the loader
//! confined to them) and the schema-wide [`Shared`] state, with their
//! accessors, the read-access rule and the loader's row reads. It imports
//! only the resolver's lower layers (errors, the table machinery, the
//! loader, the catalog's types), never the schema or the operations.

use std::sync::Arc;

use async_graphql::{
    dataloader::DataLoader,
    dynamic::{FieldValue, ResolverContext},
};
use auth::Principal;

use crate::{
    catalog::TypeSpec,
    connection::{Cursor, PageLimits},
    error::{ApiError, ErrorCode},
    filter::SharedQuery,
    loader::{RowKey, RowLoader},
    table::{AnyRow, Catalog, TableOps},
};

/// What every resolver of one request may use: who asks, and the loader
/// confined to their tenant.
pub struct RequestCtx {
    pub principal: Principal,
    pub loader: DataLoader<RowLoader>,
    pub scope: store::Scope,
}

impl RequestCtx {
    pub(crate) fn new(scope: store::Scope, catalog: Arc<Catalog>) -> Self {
        let principal = scope.principal().clone();
        RequestCtx {
            loader: DataLoader::new(
                RowLoader {
                    scope: scope.clone(),
                    catalog,
                },
                // Batches run in tasks of their own: they keep the request's
                // span, so what they log carries its request id, ...
                // and its statement counter.
                |batch| {
                    use tracing::Instrument;
                    let batch = batch.in_current_span();
                    match store::stats::current() {
                        Some(counter) => tokio::spawn(store::stats::scope(counter, batch)),
                        None => tokio::spawn(batch),
                    }
                },
            ),
            scope,
            principal,
        }
    }
}

/// The schema-wide state resolvers reach through `ctx.data`.
pub(crate) struct Shared {
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) specs: Vec<TypeSpec>,
    pub(crate) page: PageLimits,
    pub(crate) compiled_reads: bool,
}

impl Shared {
    pub(crate) fn ops(&self, table: &str) -> Result<&Arc<dyn TableOps>, ApiError> {
        self.catalog
            .get(table)
            .ok_or_else(|| ApiError::internal(format!("no table {table}")))
    }

    pub(crate) fn spec_by_type(&self, type_name: &str) -> Option<&TypeSpec> {
        self.specs.iter().find(|s| s.type_name == type_name)
    }

    pub(crate) fn type_of(&self, table: &str) -> &'static str {
        self.specs
            .iter()
            .find(|s| s.table == table)
            .map(|s| s.type_name)
            .unwrap_or("Node")
    }

    pub(crate) fn cursor(&self, row: &AnyRow, list: &SharedQuery) -> String {
        let sort = self
            .catalog
            .get(row.table)
            .map(|o| o.sort_key(&|name| row.get(name), list))
            .unwrap_or_default();
        Cursor { sort, id: row.id() }.encode()
    }
}

pub(crate) fn shared<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a Arc<Shared>> {
    ctx.data::<Arc<Shared>>()
}

pub(crate) fn req<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a RequestCtx> {
    ctx.data::<RequestCtx>().map_err(|_| {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "a token or an X-Tenant header is required",
        )
        .into()
    })
}

/// The request's context for an operation: as [`req`], but a missing one
/// is answered "a token is required".
pub(crate) fn request<'a>(ctx: &ResolverContext<'a>) -> Result<&'a RequestCtx, ApiError> {
    req(ctx).map_err(|_| ApiError::new(ErrorCode::Unauthenticated, "a token is required"))
}

/// Refuses anonymous reads of tables the seeds do not make public.
pub(crate) fn require_access(ctx: &ResolverContext<'_>, table: &str) -> async_graphql::Result<()> {
    Ok(may_read(&req(ctx)?.principal, table)?)
}

/// Anonymous callers read only the tables the seeds make public.
pub(crate) fn may_read(principal: &Principal, table: &str) -> Result<(), ApiError> {
    if principal.is_authenticated() || auth::policy::is_public(table) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "sign in to read this",
        ))
    }
}

/// The row of `table` with `id`, if the caller may read it.
pub(crate) async fn load_one(
    ctx: &ResolverContext<'_>,
    table: &'static str,
    id: uuid::Uuid,
) -> async_graphql::Result<Option<FieldValue<'static>>> {
    let rows = load(ctx, RowKey::id(table, id)).await?;
    Ok(rows.first().cloned().map(FieldValue::owned_any))
}

pub(crate) async fn load(
    ctx: &ResolverContext<'_>,
    key: RowKey,
) -> async_graphql::Result<Arc<Vec<AnyRow>>> {
    let r = req(ctx)?;
    Ok(r.loader
        .load_one(key)
        .await
        .map_err(|e| ApiError::clone(&e))?
        .unwrap_or_default())
}
