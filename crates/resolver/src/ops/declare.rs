//! How an operation runs: [`write`] in one write transaction of the
//! caller's scope, [`read`] against the caller's read scope, [`row`] /
//! [`rows`] for table objects, and [`Parts`] / [`Module`], what each
//! domain's module adds to the schema.

use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputObject, Object, ResolverContext, Subscription,
    TypeRef,
};
use futures::future::BoxFuture;
use store::{Scope, Scoped, Write};

use super::args::{self, Arguments};
use crate::{
    compiled::{self, rows_response},
    context::{request, shared},
    error::{ApiError, ErrorCode},
    table::AnyRow,
};

/// What a domain module adds to the schema.
pub(crate) struct Parts {
    pub query: Object,
    pub mutation: Object,
    pub subscription: Subscription,
    pub objects: Vec<Object>,
    pub inputs: Vec<InputObject>,
    pub enums: Vec<Enum>,
}

/// A domain module's contribution: takes the schema so far, returns it
/// with its fields and types added.
pub(crate) type Module = fn(Parts) -> Parts;

impl From<domain::DomainError> for ApiError {
    fn from(e: domain::DomainError) -> Self {
        use domain::DomainError as D;
        match e {
            D::NotFound(what) => ApiError::new(ErrorCode::NotFound, format!("{what} not found")),
            D::Conflict(m) => ApiError::new(ErrorCode::Conflict, m),
            D::Forbidden(m) => ApiError::new(ErrorCode::Forbidden, m),
            D::BadInput(m) => ApiError::bad_input(m),
            D::Store(e) => e.into(),
        }
    }
}

/// A table row as a field value.
pub(crate) fn row<E: sea_orm::EntityTrait>(m: E::Model) -> FieldValue<'static>
where
    E::Model: Send + Sync + 'static,
{
    FieldValue::owned_any(AnyRow::new::<E>(m))
}

/// Table rows as a list field value.
pub(crate) fn rows<E: sea_orm::EntityTrait>(ms: Vec<E::Model>) -> FieldValue<'static>
where
    E::Model: Send + Sync + 'static,
{
    FieldValue::list(ms.into_iter().map(row::<E>))
}

/// Runs `op` in a write transaction of the caller's scope: committed when
/// it succeeds, rolled back on any error. Anonymous callers are refused.
pub(crate) async fn in_write<T>(
    ctx: &ResolverContext<'_>,
    op: impl for<'w> FnOnce(&'w Write) -> BoxFuture<'w, domain::Result<T>>,
) -> Result<T, ApiError> {
    let r = request(ctx)?;
    if !r.principal.is_authenticated() {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "sign in to change data",
        ));
    }
    let w = r.scope.write().await?;
    match op(&w).await {
        Ok(v) => {
            w.commit().await?;
            Ok(v)
        }
        Err(e) => {
            w.rollback().await?;
            Err(e.into())
        }
    }
}

/// A mutation field taking the arguments `A`: `run` is the domain
/// operation (in one write transaction) given them decoded, `out` shapes
/// its result.
pub(crate) fn write<A, T>(
    name: &str,
    ty: TypeRef,
    description: &str,
    run: for<'w> fn(&'w Write, A) -> BoxFuture<'w, domain::Result<T>>,
    out: fn(T) -> Result<FieldValue<'static>, ApiError>,
) -> Field
where
    A: Arguments,
    T: Send + 'static,
{
    let field = Field::new(name, ty, move |ctx| {
        FieldFuture::new(async move {
            let a = args::args_of::<A>(&ctx)?;
            let v = in_write(&ctx, move |w| run(w, a)).await?;
            Ok(Some(out(v)?))
        })
    });
    args::with_args::<A>(field).description(description)
}

/// A computed query field: like [`write`], but `run` reads through the
/// caller's scope (anonymous callers reach only what their scope shows).
pub(crate) fn read<A, T>(
    name: &str,
    ty: TypeRef,
    description: &str,
    run: for<'s> fn(&'s Scope, A) -> BoxFuture<'s, domain::Result<T>>,
    out: fn(T) -> Result<FieldValue<'static>, ApiError>,
) -> Field
where
    A: Arguments,
    T: Send + 'static,
{
    let type_name: std::sync::Arc<str> = ty.type_name().into();
    let field = Field::new(name, ty, move |ctx| {
        let type_name = type_name.clone();
        FieldFuture::new(async move {
            let a = args::args_of::<A>(&ctx)?;
            let r = request(&ctx)?;
            let v = run(&r.scope, a).await.map_err(ApiError::from)?;
            in_one_pass(&ctx, &type_name, out(v)?).map(Some)
        })
    });
    args::with_args::<A>(field).description(description)
}

/// A domain read's value, its table rows (if it is rows) answered in one
/// pass, like compiled reads, and held to the same switch, so the
/// differential test compares this with resolving them field by field.
fn in_one_pass(
    ctx: &ResolverContext<'_>,
    type_name: &str,
    v: FieldValue<'static>,
) -> async_graphql::Result<FieldValue<'static>> {
    let sh = shared(ctx)?;
    let r = request(ctx)?;
    if sh.compiled_reads
        && let Some(answer) = rows_response(ctx, sh, &r.principal, type_name, &v)
    {
        return Ok(FieldValue::resolved(answer));
    }
    Ok(v)
}

/// A query field answering a list of `type_name`'s rows that `run`
/// selects (its conditions, order and limit, through the caller's read
/// rules): with compiled reads on, the rows and the field's whole
/// selection, relations included, are one statement whose JSON the
/// database builds, as for a compiled root field (`compiled::rows`).
/// Otherwise, or when the compiler leaves the selection to the loaders,
/// the query runs and its rows are answered as [`read`]'s are. `None` from
/// `run`: no rows, without asking the database.
pub(crate) fn read_rows<A, E>(
    name: &str,
    type_name: &'static str,
    description: &str,
    run: for<'s> fn(&'s Scope, A) -> domain::Result<Option<Scoped<E>>>,
) -> Field
where
    A: Arguments,
    E: sea_orm::EntityTrait,
    E::Model: Send + Sync + 'static,
{
    let field = Field::new(name, TypeRef::named_nn_list_nn(type_name), move |ctx| {
        FieldFuture::new(async move {
            let a = args::args_of::<A>(&ctx)?;
            let r = request(&ctx)?;
            let Some(query) = run(&r.scope, a).map_err(ApiError::from)? else {
                return Ok(Some(FieldValue::list(Vec::<FieldValue>::new())));
            };
            let sh = shared(&ctx)?;
            if sh.compiled_reads
                && let Some(answer) =
                    compiled::rows(&ctx, sh, r, type_name, query.statement()).await?
            {
                return Ok(Some(FieldValue::resolved(answer)));
            }
            let found = query.all().await.map_err(ApiError::from)?;
            in_one_pass(&ctx, type_name, rows::<E>(found)).map(Some)
        })
    });
    args::with_args::<A>(field).description(description)
}
