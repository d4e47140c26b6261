//! Domain operations as mutations. Each runs in its own write transaction
//! (a savepoint of the request's on PostgreSQL): committed on success,
//! rolled back on any error. Resolvers stay thin: decode arguments, call
//! `domain`, map errors.

use async_graphql::dynamic::{
    Field, FieldFuture, FieldValue, InputValue, Object, ResolverContext, TypeRef,
};
use futures::future::BoxFuture;
use store::Write;
use uuid::Uuid;

use crate::{
    error::{ApiError, ErrorCode},
    table::AnyRow,
};

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

/// The row id behind a global id of `type_name`.
pub(crate) fn id_arg(
    ctx: &ResolverContext<'_>,
    name: &str,
    type_name: &str,
) -> Result<Uuid, ApiError> {
    let raw = ctx
        .args
        .get(name)
        .and_then(|v| v.string().ok().map(str::to_owned))
        .ok_or_else(|| ApiError::bad_input(format!("`{name}` is required")))?;
    match crate::ids::decode(&raw) {
        Some((t, id)) if t == type_name => Ok(id),
        _ => Err(ApiError::bad_input(format!(
            "`{name}` must be a {type_name} id"
        ))),
    }
}

/// Runs `op` in a write transaction of the caller's scope.
pub(crate) async fn in_write<T>(
    ctx: &ResolverContext<'_>,
    op: impl for<'w> FnOnce(&'w Write) -> BoxFuture<'w, domain::Result<T>>,
) -> Result<T, ApiError> {
    let r = crate::schema::req(ctx)
        .map_err(|_| ApiError::new(ErrorCode::Unauthenticated, "a token is required"))?;
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

fn registration(m: entity::workshop_registrations::Model) -> FieldValue<'static> {
    FieldValue::owned_any(AnyRow::new::<entity::workshop_registrations::Entity>(m))
}

pub fn fields(mutation: Object) -> Object {
    mutation
        .field(
            Field::new("registerForWorkshop", TypeRef::named_nn("WorkshopRegistration"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "workshopId", "Workshop")?;
                    let m = in_write(&ctx, |w| Box::pin(domain::workshops::register(w, id))).await?;
                    Ok(Some(registration(m)))
                })
            })
            .argument(InputValue::new("workshopId", TypeRef::named_nn(TypeRef::ID)))
            .description(
                "Take a seat in a published workshop (seed 001: capacity_remaining goes down by one, \
                 never below zero). CONFLICT when full, not open, or already registered.",
            ),
        )
        .field(
            Field::new("cancelWorkshopRegistration", TypeRef::named_nn("WorkshopRegistration"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "workshopId", "Workshop")?;
                    let m = in_write(&ctx, |w| Box::pin(domain::workshops::cancel(w, id))).await?;
                    Ok(Some(registration(m)))
                })
            })
            .argument(InputValue::new("workshopId", TypeRef::named_nn(TypeRef::ID)))
            .description("Cancel the caller's registration and give the seat back. NOT_FOUND if there is none."),
        )
}
