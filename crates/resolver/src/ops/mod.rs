//! The shared machinery of operations (domain mutations and computed
//! queries), so each operation is a few declarations:
//!
//! - [`args`] declares each operation's arguments and input objects once,
//!   as Rust types ([`arguments!`], [`input_object!`]), decoded with
//!   `BAD_USER_INPUT` errors naming the argument;
//! - [`write`] runs a domain function in one write transaction of the
//!   caller's scope (committed on success, rolled back on any error);
//! - [`read`] runs a domain function against the caller's read scope;
//! - [`row`] / [`rows`] turn models into table objects, and [`plain`]
//!   declares a result object whose fields are read from a JSON value
//!   (domain results derive `Serialize`, camelCase);
//! - [`Parts`] and [`Module`]: each domain's resolver module adds its
//!   queries, mutations and types to the schema in one function.

use async_graphql::{
    Value,
    dynamic::{
        Enum, Field, FieldFuture, FieldValue, InputObject, Object, ResolverContext, TypeRef,
    },
};
use futures::future::BoxFuture;
use serde::Serialize;
use store::{Scope, Write};
use uuid::Uuid;

use crate::{
    error::{ApiError, ErrorCode},
    table::AnyRow,
};

/// What a domain module adds to the schema.
pub(crate) struct Parts {
    pub query: Object,
    pub mutation: Object,
    pub objects: Vec<Object>,
    pub inputs: Vec<InputObject>,
    pub enums: Vec<Enum>,
}

/// A domain module's contribution: takes the schema so far, returns it
/// with its fields and types added.
pub(crate) type Module = fn(Parts) -> Parts;

pub(crate) mod args;
pub(crate) use args::{Arguments, Bounded, Id, InputType, arguments, input_object, node};

mod adaptability;
mod analytics;
mod authoring;
mod coaching;
mod commerce;
mod competency;
mod learning;
mod marketplace;
mod workshops;

/// Every domain module, in the order their fields appear in the schema.
pub(crate) const MODULES: &[Module] = &[
    crate::account::module,
    crate::verification::module,
    workshops::module,
    commerce::module,
    learning::module,
    authoring::module,
    adaptability::module,
    marketplace::module,
    competency::module,
    analytics::module,
    coaching::module,
];

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

/// A serializable result as a field value of a [`plain`] object (or a
/// list of them).
pub(crate) fn json<T: Serialize>(v: &T) -> Result<FieldValue<'static>, ApiError> {
    json_ids(v, &[])
}

/// [`json`], with the uuids under the keys of `ids` (at any depth; single
/// values or lists) turned into global ids of the paired type.
pub(crate) fn json_ids<T: Serialize>(
    v: &T,
    ids: &[(&str, &str)],
) -> Result<FieldValue<'static>, ApiError> {
    let mut v = serde_json::to_value(v).map_err(|e| ApiError::internal(e.to_string()))?;
    globalize(&mut v, ids);
    Ok(to_field(
        Value::from_json(v).map_err(|e| ApiError::internal(e.to_string()))?,
    ))
}

fn globalize(v: &mut serde_json::Value, ids: &[(&str, &str)]) {
    use serde_json::Value as J;
    let encode = |x: &mut J, ty: &str| {
        if let Some(id) = x.as_str().and_then(|s| s.parse::<Uuid>().ok()) {
            *x = J::String(crate::ids::encode(ty, id));
        }
    };
    match v {
        J::Object(m) => {
            for (k, x) in m.iter_mut() {
                match ids.iter().find(|(key, _)| key == k) {
                    Some((_, ty)) => match x {
                        J::Array(items) => items.iter_mut().for_each(|i| encode(i, ty)),
                        _ => encode(x, ty),
                    },
                    None => globalize(x, ids),
                }
            }
        }
        J::Array(items) => items.iter_mut().for_each(|i| globalize(i, ids)),
        _ => {}
    }
}

/// Objects travel as `Value` (read by [`plain`] fields), lists item by
/// item, scalars as values.
fn to_field(v: Value) -> FieldValue<'static> {
    match v {
        Value::List(items) => FieldValue::list(items.into_iter().map(to_field)),
        Value::Null => FieldValue::NULL,
        obj @ Value::Object(_) => FieldValue::owned_any(obj),
        scalar => FieldValue::value(scalar),
    }
}

/// `v` with its stored texts (a string, or a list of them) turned into
/// values of `enumeration`, when the field's type is one.
fn enum_values(enumeration: Option<&entity::enums::EnumDef>, v: Value) -> Value {
    match (enumeration, v) {
        (Some(def), Value::String(text)) => crate::value::enum_value(def, &text),
        (Some(def), Value::List(items)) => Value::List(
            items
                .into_iter()
                .map(|i| enum_values(Some(def), i))
                .collect(),
        ),
        (_, v) => v,
    }
}

/// A result object whose fields read the same-named keys of a JSON object
/// (see [`json`]). A field whose type is another plain object or a list
/// of them is passed on as it is; a `JSON` field returns its value whole. `fields`: (name, type, description).
pub(crate) fn plain(
    name: &str,
    description: &str,
    fields: &[(&'static str, TypeRef, &str)],
) -> Object {
    let mut obj = Object::new(name).description(description);
    for (field, ty, doc) in fields {
        let key = *field;
        // A JSON field holds its object or list as one scalar value.
        let json_scalar = ty.type_name() == "JSON";
        let enumeration = entity::enums::by_name(ty.type_name());
        obj = obj.field(
            Field::new(key, ty.clone(), move |ctx| {
                FieldFuture::new(async move {
                    let parent = ctx.parent_value.try_downcast_ref::<Value>()?;
                    let v = match parent {
                        Value::Object(m) => m.get(key).cloned().unwrap_or(Value::Null),
                        _ => Value::Null,
                    };
                    Ok(match v {
                        Value::Null => None,
                        v if json_scalar => Some(FieldValue::value(v)),
                        v => Some(to_field(enum_values(enumeration, v))),
                    })
                })
            })
            .description(*doc),
        );
    }
    obj
}

/// A field of a [`plain`] object holding the table row (type `type_name`)
/// whose uuid is under `key` of the JSON: loaded through the caller's read
/// rules by the request's batching loader.
pub(crate) fn row_ref(
    name: &str,
    type_name: &str,
    table: &'static str,
    key: &'static str,
    description: &str,
) -> Field {
    Field::new(name, TypeRef::named_nn(type_name), move |ctx| {
        FieldFuture::new(async move {
            let id = match ctx.parent_value.try_downcast_ref::<Value>()? {
                Value::Object(m) => match m.get(key) {
                    Some(Value::String(s)) => s.parse::<Uuid>().ok(),
                    _ => None,
                },
                _ => None,
            };
            let id = id.ok_or_else(|| ApiError::internal(format!("no `{key}` in the result")))?;
            crate::schema::load_one(&ctx, table, id).await
        })
    })
    .description(description)
}

/// A result holding table rows next to scalars, for a [`composite`]
/// object: each field reads the same-named part.
#[derive(Default)]
pub(crate) struct Composite(Vec<(&'static str, Part)>);

enum Part {
    Row(AnyRow),
    Rows(Vec<AnyRow>),
    Value(Value),
}

impl Composite {
    pub fn row<E: sea_orm::EntityTrait>(mut self, key: &'static str, m: E::Model) -> Self
    where
        E::Model: Send + Sync + 'static,
    {
        self.0.push((key, Part::Row(AnyRow::new::<E>(m))));
        self
    }

    pub fn rows<E: sea_orm::EntityTrait>(mut self, key: &'static str, ms: Vec<E::Model>) -> Self
    where
        E::Model: Send + Sync + 'static,
    {
        let rows = ms.into_iter().map(AnyRow::new::<E>).collect();
        self.0.push((key, Part::Rows(rows)));
        self
    }

    pub fn value(mut self, key: &'static str, v: impl Into<Value>) -> Self {
        self.0.push((key, Part::Value(v.into())));
        self
    }

    pub fn field(self) -> FieldValue<'static> {
        FieldValue::owned_any(self)
    }
}

/// A result object over a [`Composite`]; `fields`: (name, type,
/// description), each name a part of the composite.
pub(crate) fn composite(
    name: &str,
    description: &str,
    fields: &[(&'static str, TypeRef, &str)],
) -> Object {
    let mut obj = Object::new(name).description(description);
    for (field, ty, doc) in fields {
        let key = *field;
        let enumeration = entity::enums::by_name(ty.type_name());
        obj = obj.field(
            Field::new(key, ty.clone(), move |ctx| {
                FieldFuture::new(async move {
                    let parent = ctx.parent_value.try_downcast_ref::<Composite>()?;
                    Ok(parent
                        .0
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, p)| match p {
                            Part::Row(r) => FieldValue::owned_any(r.clone()),
                            Part::Rows(rs) => {
                                FieldValue::list(rs.iter().cloned().map(FieldValue::owned_any))
                            }
                            Part::Value(v) => {
                                FieldValue::value(enum_values(enumeration, v.clone()))
                            }
                        }))
                })
            })
            .description(*doc),
        );
    }
    obj
}

/// "a" or "an" before a type name, as it is read aloud (a `User`, an
/// `Engagement`).
pub(crate) fn article(type_name: &str) -> &'static str {
    match type_name.as_bytes().first() {
        Some(b'A' | b'E' | b'I' | b'O') => "an",
        _ => "a",
    }
}

fn request<'a>(ctx: &ResolverContext<'a>) -> Result<&'a crate::schema::RequestCtx, ApiError> {
    crate::schema::req(ctx)
        .map_err(|_| ApiError::new(ErrorCode::Unauthenticated, "a token is required"))
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
    let field = Field::new(name, ty, move |ctx| {
        FieldFuture::new(async move {
            let a = args::args_of::<A>(&ctx)?;
            let r = request(&ctx)?;
            let v = run(&r.scope, a).await.map_err(ApiError::from)?;
            Ok(Some(out(v)?))
        })
    });
    args::with_args::<A>(field).description(description)
}
