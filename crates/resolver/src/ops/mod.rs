//! The shared machinery of operations (domain mutations and computed
//! queries), so each operation is a few declarations:
//!
//! - [`Args`] decodes arguments into Rust values with `BAD_USER_INPUT`
//!   errors naming the argument;
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
        Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Object, ObjectAccessor,
        ResolverContext, TypeRef,
    },
};
use futures::future::BoxFuture;
use serde::{Serialize, de::DeserializeOwned};
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

/// Decoded arguments of one field.
pub(crate) struct Args<'a> {
    args: &'a ObjectAccessor<'a>,
}

fn bad(name: &str, what: &str) -> ApiError {
    ApiError::bad_input(format!("`{name}` must be {what}"))
}

impl<'a> Args<'a> {
    pub fn of(ctx: &'a ResolverContext<'a>) -> Self {
        Args { args: &ctx.args }
    }

    fn present(&self, name: &str) -> Option<async_graphql::dynamic::ValueAccessor<'_>> {
        self.args.get(name).filter(|v| !v.is_null())
    }

    fn required<T>(&self, name: &str, v: Option<T>) -> Result<T, ApiError> {
        v.ok_or_else(|| ApiError::bad_input(format!("`{name}` is required")))
    }

    /// The row id behind a global id of `type_name`.
    pub fn id(&self, name: &str, type_name: &str) -> Result<Uuid, ApiError> {
        let v = self.opt_id(name, type_name)?;
        self.required(name, v)
    }

    pub fn opt_id(&self, name: &str, type_name: &str) -> Result<Option<Uuid>, ApiError> {
        self.opt_string(name)?
            .map(|v| parse_id(name, type_name, &v))
            .transpose()
    }

    /// Ids of `type_name`, in order.
    pub fn ids(&self, name: &str, type_name: &str) -> Result<Vec<Uuid>, ApiError> {
        self.strings(name)?
            .iter()
            .map(|v| match crate::ids::decode(v) {
                Some((t, id)) if t == type_name => Ok(id),
                _ => Err(bad(name, &format!("a list of {type_name} ids"))),
            })
            .collect()
    }

    pub fn string(&self, name: &str) -> Result<String, ApiError> {
        let v = self.opt_string(name)?;
        self.required(name, v)
    }

    pub fn opt_string(&self, name: &str) -> Result<Option<String>, ApiError> {
        self.present(name)
            .map(|v| {
                v.string()
                    .map(str::to_owned)
                    .map_err(|_| bad(name, "a string"))
            })
            .transpose()
    }

    /// A list of strings (empty when omitted).
    pub fn strings(&self, name: &str) -> Result<Vec<String>, ApiError> {
        Ok(self.opt_strings(name)?.unwrap_or_default())
    }

    /// A list of strings, `None` when omitted or null (so an empty list
    /// stays distinct from no list).
    pub fn opt_strings(&self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        let Some(v) = self.present(name) else {
            return Ok(None);
        };
        let list = v.list().map_err(|_| bad(name, "a list of strings"))?;
        list.iter()
            .map(|s| {
                s.string()
                    .map(str::to_owned)
                    .map_err(|_| bad(name, "a list of strings"))
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.present(name)
            .map(|v| v.i64().map_err(|_| bad(name, "an integer")))
            .transpose()
    }

    /// An `Int` argument that must lie in `range`.
    pub fn int_in(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i32>, ApiError> {
        match self.opt_int(name)? {
            None => Ok(None),
            Some(v) if range.contains(&v) => Ok(Some(v as i32)),
            Some(_) => Err(bad(
                name,
                &format!("between {} and {}", range.start(), range.end()),
            )),
        }
    }

    pub fn float(&self, name: &str) -> Result<Option<f64>, ApiError> {
        self.present(name)
            .map(|v| v.f64().map_err(|_| bad(name, "a number")))
            .transpose()
    }

    /// A list of numbers (empty when omitted).
    pub fn floats(&self, name: &str) -> Result<Vec<f64>, ApiError> {
        let Some(v) = self.present(name) else {
            return Ok(vec![]);
        };
        let list = v.list().map_err(|_| bad(name, "a list of numbers"))?;
        list.iter()
            .map(|x| x.f64().map_err(|_| bad(name, "a list of numbers")))
            .collect()
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.present(name)
            .map(|v| v.boolean().map_err(|_| bad(name, "a boolean")))
            .transpose()
    }

    /// A `Decimal` (string) argument.
    pub fn decimal(&self, name: &str) -> Result<Option<rust_decimal::Decimal>, ApiError> {
        self.opt_string(name)?
            .map(|s| parse_decimal(name, &s))
            .transpose()
    }

    /// A `DateTime` (RFC 3339) argument.
    pub fn datetime(
        &self,
        name: &str,
    ) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, ApiError> {
        self.opt_string(name)?
            .map(|s| {
                chrono::DateTime::parse_from_rfc3339(s.trim())
                    .map_err(|_| bad(name, "an RFC 3339 timestamp"))
            })
            .transpose()
    }

    /// A `Date` (`YYYY-MM-DD`) argument.
    pub fn date(&self, name: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
        self.opt_string(name)?
            .map(|s| parse_date(name, &s))
            .transpose()
    }

    /// A `JSON` argument as it was given.
    pub fn json(&self, name: &str) -> Result<Option<serde_json::Value>, ApiError> {
        self.present(name)
            .map(|v| {
                v.as_value()
                    .clone()
                    .into_json()
                    .map_err(|_| bad(name, "JSON"))
            })
            .transpose()
    }

    /// An input object (or any argument) decoded into `T`.
    pub fn input<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        let v = self.opt_input(name)?;
        self.required(name, v)
    }

    /// An optional input object (or any argument) decoded into `T`.
    pub fn opt_input<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.present(name)
            .map(|v| {
                v.deserialize::<T>()
                    .map_err(|e| ApiError::bad_input(format!("`{name}`: {}", e.message)))
            })
            .transpose()
    }

    /// A global id of `type_name` given inside an input object.
    pub fn global_id(name: &str, type_name: &str, v: &str) -> Result<Uuid, ApiError> {
        match crate::ids::decode(v) {
            Some((t, id)) if t == type_name => Ok(id),
            _ => Err(bad(name, &format!("a {type_name} id"))),
        }
    }
}

/// A `Date` value, `YYYY-MM-DD`.
pub(crate) fn parse_date(name: &str, s: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| bad(name, "a date (YYYY-MM-DD)"))
}

/// A `Time` value, `HH:MM:SS` or `HH:MM`.
pub(crate) fn parse_time(name: &str, s: &str) -> Result<chrono::NaiveTime, ApiError> {
    let s = s.trim();
    chrono::NaiveTime::parse_from_str(s, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(s, "%H:%M"))
        .map_err(|_| bad(name, "a time (HH:MM:SS)"))
}

/// A `Decimal` value given as a string.
pub(crate) fn parse_decimal(name: &str, s: &str) -> Result<rust_decimal::Decimal, ApiError> {
    s.trim().parse().map_err(|_| bad(name, "a decimal number"))
}

/// The row id behind a global id of `type_name`.
pub(crate) fn parse_id(name: &str, type_name: &str, v: &str) -> Result<Uuid, ApiError> {
    match crate::ids::decode(v) {
        Some((t, id)) if t == type_name => Ok(id),
        _ => Err(bad(name, &format!("a {type_name} id"))),
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
                        v => Some(to_field(v)),
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
                            Part::Value(v) => FieldValue::value(v.clone()),
                        }))
                })
            })
            .description(*doc),
        );
    }
    obj
}

/// An input object type; `fields`: (name, type, description).
pub(crate) fn input_object(
    name: &str,
    description: &str,
    fields: &[(&str, TypeRef, &str)],
) -> InputObject {
    fields.iter().fold(
        InputObject::new(name).description(description),
        |o, (f, ty, doc)| o.field(InputValue::new(*f, ty.clone()).description(*doc)),
    )
}

/// A documented argument.
pub(crate) fn arg(name: &str, ty: TypeRef, description: &str) -> InputValue {
    InputValue::new(name, ty).description(description)
}

/// A required global id argument of `type_name`.
pub(crate) fn id_arg(name: &str, type_name: &str, description: &str) -> InputValue {
    InputValue::new(name, TypeRef::named_nn(TypeRef::ID)).description(format!(
        "{description} ({} `{type_name}` id).",
        article(type_name)
    ))
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

/// A mutation field: `parse` decodes the arguments, `run` is the domain
/// operation (in one write transaction), `out` shapes its result.
pub(crate) fn write<P, T>(
    name: &str,
    ty: TypeRef,
    description: &str,
    parse: fn(&Args<'_>) -> Result<P, ApiError>,
    run: for<'w> fn(&'w Write, P) -> BoxFuture<'w, domain::Result<T>>,
    out: fn(T) -> Result<FieldValue<'static>, ApiError>,
) -> Field
where
    P: Send + 'static,
    T: Send + 'static,
{
    Field::new(name, ty, move |ctx| {
        FieldFuture::new(async move {
            let p = parse(&Args::of(&ctx))?;
            let v = in_write(&ctx, move |w| run(w, p)).await?;
            Ok(Some(out(v)?))
        })
    })
    .description(description)
}

/// A computed query field: like [`write`], but `run` reads through the
/// caller's scope (anonymous callers reach only what their scope shows).
pub(crate) fn read<P, T>(
    name: &str,
    ty: TypeRef,
    description: &str,
    parse: fn(&Args<'_>) -> Result<P, ApiError>,
    run: for<'s> fn(&'s Scope, P) -> BoxFuture<'s, domain::Result<T>>,
    out: fn(T) -> Result<FieldValue<'static>, ApiError>,
) -> Field
where
    P: Send + 'static,
    T: Send + 'static,
{
    Field::new(name, ty, move |ctx| {
        FieldFuture::new(async move {
            let p = parse(&Args::of(&ctx))?;
            let r = request(&ctx)?;
            let v = run(&r.scope, p).await.map_err(ApiError::from)?;
            Ok(Some(out(v)?))
        })
    })
    .description(description)
}
