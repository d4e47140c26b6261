//! Operation results declared once, as Rust types.
//!
//! A domain result is a struct declared with `shape::output_object!`: its
//! fields, their client-facing types and their doc comments are the
//! object's description ([`shape::Object`]). From it this module builds
//!
//! - the GraphQL object types ([`object_types`]): each field reads the
//!   same-named key of the serialized result, its type mapped to a
//!   [`TypeRef`] (an enumeration's stored text becomes its value, a `JSON`
//!   field returns its value whole, a `#[node]` field loads the row whose
//!   uuid is under its key through the request's batching loader);
//! - the field value of a result ([`json`]): serialized, with the uuids of
//!   `#[id]` fields (at any depth, single values or lists) turned into
//!   global ids.
//!
//! Results holding table rows next to values are declared with
//! [`composite!`]: a struct whose fields are rows ([`Row`], [`Rows`])
//! or output values, and its object type, from one field list.
//!
//! ```ignore
//! composite! {
//!     /// A workshop matching a full-text search.
//!     pub(crate) struct WorkshopSearchHit {
//!         /// The workshop.
//!         workshop: Row<entity::workshops::Entity>,
//!         /// Relevance, higher is better.
//!         rank: f64,
//!     }
//! }
//! ```

use std::{marker::PhantomData, sync::LazyLock};

use async_graphql::{
    Value,
    dynamic::{Field, FieldFuture, FieldValue, Object, TypeRef},
};
use serde::Serialize;
use shape::{Kind, Named, ObjectRef, Output, Ty};
use uuid::Uuid;

use crate::{error::ApiError, table::AnyRow};

/// The GraphQL type of an operation returning `T`.
pub(crate) fn output_type<T: Output>() -> TypeRef {
    type_ref(&T::ty())
}

/// The GraphQL type of a client-facing type.
pub(crate) fn type_ref(ty: &Ty) -> TypeRef {
    let inner = match &ty.kind {
        Kind::Named(n) => TypeRef::named(type_name(n)),
        Kind::List(item) => TypeRef::List(Box::new(type_ref(item))),
    };
    if ty.nullable {
        inner
    } else {
        TypeRef::NonNull(Box::new(inner))
    }
}

fn type_name(n: &Named) -> &'static str {
    match n {
        Named::Scalar(name) | Named::Enum(name) | Named::Node(name) => name,
        Named::Object(o) => o.name,
        Named::Id(_) => TypeRef::ID,
    }
}

/// (table, GraphQL type) of every table served.
static TABLES: LazyLock<Vec<(&'static str, &'static str)>> =
    LazyLock::new(|| crate::table_types().unwrap_or_default());

fn table_of(type_name: &str) -> Option<&'static str> {
    TABLES
        .iter()
        .find(|(_, t)| *t == type_name)
        .map(|(t, _)| *t)
}

fn type_of(table: &str) -> &'static str {
    TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map_or("Node", |(_, ty)| *ty)
}

/// The object types of `roots` and of every result object their fields
/// reach, each once.
pub(crate) fn object_types(roots: &[ObjectRef]) -> Vec<Object> {
    let mut seen: Vec<shape::Object> = vec![];
    let mut todo = roots.to_vec();
    while let Some(o) = todo.pop() {
        if seen.iter().any(|s| s.name == o.name) {
            continue;
        }
        let object = (o.describe)();
        todo.extend(
            object
                .fields
                .iter()
                .rev()
                .filter_map(|f| match f.ty.base() {
                    Named::Object(inner) => Some(*inner),
                    _ => None,
                }),
        );
        seen.push(object);
    }
    seen.iter().map(object_type).collect()
}

/// The GraphQL object of a description: each field reads its key of the
/// parent's `Value`.
fn object_type(o: &shape::Object) -> Object {
    o.fields
        .iter()
        .fold(Object::new(o.name).description(&o.description), |obj, f| {
            obj.field(field(f))
        })
}

fn field(f: &shape::Field) -> Field {
    let key = f.key.clone();
    let base = f.ty.base().clone();
    let field = match base {
        Named::Node(node) => {
            let table = table_of(node).unwrap_or_else(|| panic!("no table serves `{node}`"));
            Field::new(&f.name, type_ref(&f.ty), move |ctx| {
                let key = key.clone();
                FieldFuture::new(async move {
                    let id = match ctx.parent_value.try_downcast_ref::<Value>()? {
                        Value::Object(m) => match m.get(key.as_str()) {
                            Some(Value::String(s)) => s.parse::<Uuid>().ok(),
                            _ => None,
                        },
                        _ => None,
                    };
                    let id =
                        id.ok_or_else(|| ApiError::internal(format!("no `{key}` in the result")))?;
                    crate::context::load_one(&ctx, table, id).await
                })
            })
        }
        base => {
            // A JSON field holds its object or list as one scalar value.
            let json_scalar = matches!(base, Named::Scalar("JSON"));
            let enumeration = match base {
                Named::Enum(name) => entity::enums::by_name(name),
                _ => None,
            };
            Field::new(&f.name, type_ref(&f.ty), move |ctx| {
                let key = key.clone();
                FieldFuture::new(async move {
                    let v = match ctx.parent_value.try_downcast_ref::<Value>()? {
                        Value::Object(m) => m.get(key.as_str()).cloned().unwrap_or(Value::Null),
                        _ => Value::Null,
                    };
                    Ok(match v {
                        Value::Null => None,
                        v if json_scalar => Some(FieldValue::value(v)),
                        v => Some(to_field(enum_values(enumeration, v))),
                    })
                })
            })
        }
    };
    field.description(&f.description)
}

/// A result as a field value: serialized, its ids global (see the module
/// docs).
pub(crate) fn json<T: Output + Serialize>(v: T) -> Result<FieldValue<'static>, ApiError> {
    Ok(to_field(value(&v)?))
}

/// A result as a GraphQL value, its ids global.
fn value<T: Output + Serialize>(v: &T) -> Result<Value, ApiError> {
    let mut j = serde_json::to_value(v).map_err(|e| ApiError::internal(e.to_string()))?;
    Ids::of(&T::ty()).globalize(&mut j);
    Value::from_json(j).map_err(|e| ApiError::internal(e.to_string()))
}

/// Where the global ids of a type are.
enum Ids {
    None,
    Id(&'static str),
    List(Box<Ids>),
    Object(Vec<(String, Ids)>),
}

impl Ids {
    fn of(ty: &Ty) -> Ids {
        match &ty.kind {
            Kind::List(item) => match Ids::of(item) {
                Ids::None => Ids::None,
                item => Ids::List(Box::new(item)),
            },
            Kind::Named(Named::Id(node)) => Ids::Id(node),
            Kind::Named(Named::Object(o)) => {
                let fields: Vec<_> = (o.describe)()
                    .fields
                    .into_iter()
                    .map(|f| (f.key, Ids::of(&f.ty)))
                    .filter(|(_, ids)| !matches!(ids, Ids::None))
                    .collect();
                if fields.is_empty() {
                    Ids::None
                } else {
                    Ids::Object(fields)
                }
            }
            Kind::Named(_) => Ids::None,
        }
    }

    fn globalize(&self, v: &mut serde_json::Value) {
        use serde_json::Value as J;
        match (self, v) {
            (Ids::Id(node), x) => {
                if let Some(id) = x.as_str().and_then(|s| s.parse::<Uuid>().ok()) {
                    *x = J::String(crate::ids::encode(node, id));
                }
            }
            (Ids::List(item), J::Array(items)) => items.iter_mut().for_each(|i| item.globalize(i)),
            (Ids::Object(fields), J::Object(m)) => {
                for (key, ids) in fields {
                    if let Some(x) = m.get_mut(key) {
                        ids.globalize(x);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Objects travel as `Value` (read by the fields of [`object_types`]),
/// lists item by item, scalars as values.
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

/// A table row of entity `E`, as a [`composite!`] field.
pub(crate) struct Row<E>(AnyRow, PhantomData<fn() -> E>);

/// Table rows of entity `E`, as a [`composite!`] field (a list).
pub(crate) struct Rows<E>(Vec<AnyRow>, PhantomData<fn() -> E>);

impl<E: sea_orm::EntityTrait> Row<E>
where
    E::Model: Send + Sync + 'static,
{
    pub fn new(m: E::Model) -> Self {
        Row(AnyRow::new::<E>(m), PhantomData)
    }
}

impl<E: sea_orm::EntityTrait> Rows<E>
where
    E::Model: Send + Sync + 'static,
{
    pub fn new(ms: Vec<E::Model>) -> Self {
        Rows(ms.into_iter().map(AnyRow::new::<E>).collect(), PhantomData)
    }
}

/// A field type of a [`composite!`] result.
pub(crate) trait Part {
    fn type_ref() -> TypeRef;
    fn field_value(&self) -> Result<FieldValue<'static>, ApiError>;
}

impl<E: sea_orm::EntityTrait> Part for Row<E> {
    fn type_ref() -> TypeRef {
        TypeRef::named_nn(type_of(E::default().as_str()))
    }
    fn field_value(&self) -> Result<FieldValue<'static>, ApiError> {
        Ok(FieldValue::owned_any(self.0.clone()))
    }
}

impl<E: sea_orm::EntityTrait> Part for Rows<E> {
    fn type_ref() -> TypeRef {
        TypeRef::named_nn_list_nn(type_of(E::default().as_str()))
    }
    fn field_value(&self) -> Result<FieldValue<'static>, ApiError> {
        Ok(FieldValue::list(
            self.0.iter().map(|r| FieldValue::owned_any(r.clone())),
        ))
    }
}

/// An output value (enumerations as their values).
impl<T: Output + Serialize> Part for T {
    fn type_ref() -> TypeRef {
        type_ref(&T::ty())
    }
    fn field_value(&self) -> Result<FieldValue<'static>, ApiError> {
        let enumeration = match T::ty().base() {
            Named::Enum(name) => entity::enums::by_name(name),
            _ => None,
        };
        Ok(to_field(enum_values(enumeration, value(self)?)))
    }
}

/// A field of the composite `C` reading its part with `get`.
pub(crate) fn part_field<C: Send + Sync + 'static, P: Part + 'static>(
    rust_name: &str,
    doc: &[&str],
    get: fn(&C) -> &P,
) -> Field {
    Field::new(shape::camel(rust_name), P::type_ref(), move |ctx| {
        FieldFuture::new(async move {
            let c = ctx.parent_value.try_downcast_ref::<C>()?;
            Ok(Some(get(c).field_value()?))
        })
    })
    .description(shape::doc(doc))
}

/// Declares a result holding table rows next to values, and its object
/// type (see the module docs).
macro_rules! composite {
    (
        $(#[doc = $sdoc:literal])*
        $vis:vis struct $name:ident {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        $vis struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl $name {
            /// The GraphQL object type.
            fn object_type() -> async_graphql::dynamic::Object {
                let obj = async_graphql::dynamic::Object::new(stringify!($name))
                    .description(shape::doc(&[$($sdoc),*]));
                $(
                    let obj = obj.field($crate::ops::results::part_field::<Self, $ty>(
                        stringify!($field),
                        &[$($doc),*],
                        |c| &c.$field,
                    ));
                )*
                obj
            }

            /// As a field value.
            fn field(self) -> async_graphql::dynamic::FieldValue<'static> {
                async_graphql::dynamic::FieldValue::owned_any(self)
            }
        }
    };
}

pub(crate) use composite;

#[cfg(test)]
mod tests {
    use super::*;
    use shape::OutputObject;

    shape::output_object! {
        /// An inner object.
        pub struct Inner {
            /// Lesson ids.
            #[id = "Lesson"]
            pub lesson_ids: Vec<Uuid>,
            /// A row, kept as a uuid for its field.
            #[node = "UserAttempt"]
            pub attempt_id: Uuid,
        }
    }

    shape::output_object! {
        /// An outer object.
        pub struct Outer {
            /// A user id or null.
            #[id = "User"]
            pub user_id: Option<Uuid>,
            /// Inner objects.
            pub items: Vec<Inner>,
        }
    }

    #[test]
    fn ids_are_global_at_any_depth_and_node_keys_stay_uuids() {
        let (u, l, a) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let v = Outer {
            user_id: Some(u),
            items: vec![Inner {
                lesson_ids: vec![l],
                attempt_id: a,
            }],
        };
        let j = value(&v).unwrap().into_json().unwrap();
        assert_eq!(
            j,
            serde_json::json!({
                "userId": crate::ids::encode("User", u),
                "items": [{
                    "lessonIds": [crate::ids::encode("Lesson", l)],
                    "attemptId": a.to_string(),
                }],
            })
        );
        let nulls = value(&Outer {
            user_id: None,
            items: vec![],
        })
        .unwrap()
        .into_json()
        .unwrap();
        assert_eq!(nulls, serde_json::json!({"userId": null, "items": []}));
    }

    #[test]
    fn types_map_to_graphql() {
        assert_eq!(output_type::<Vec<Outer>>().to_string(), "[Outer!]!");
        let o = (Outer::OBJECT.describe)();
        let tys: Vec<_> = o
            .fields
            .iter()
            .map(|f| type_ref(&f.ty).to_string())
            .collect();
        assert_eq!(tys, ["ID", "[Inner!]!"]);
        let names: Vec<_> = object_types(&[Outer::OBJECT])
            .iter()
            .map(|o| o.type_name().to_owned())
            .collect();
        assert_eq!(names, ["Outer", "Inner"]);
    }
}
