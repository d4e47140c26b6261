//! Arguments and input objects declared once, as Rust types.
//!
//! Every type an operation takes implements [`ArgType`]: its GraphQL type
//! (non-null unless it is an `Option`), how to decode it from a GraphQL
//! value with `BAD_USER_INPUT` errors naming the argument ("`first` must be
//! between 1 and 100"), and how to print a value of it (for defaults).
//! Implemented here for the scalars (`String`, `bool`, `i32`, `f64`,
//! `Decimal`, `Date`, `Time`, `DateTime`, `JSON`), lists, options, every
//! enumeration of `entity::enums`, global ids of a type ([`Id`]) and
//! bounded integers ([`Bounded`]).
//!
//! Two macros declare a struct from doc-commented fields, each field's
//! GraphQL name the camelCase of its Rust name and its description the doc
//! comment:
//!
//! - [`arguments!`] declares the arguments of a field (an [`Arguments`]
//!   type; `ops::write` / `ops::read` take it as a type parameter), a
//!   field optionally followed by `= default` (a Rust value of its type,
//!   printed as the GraphQL default);
//! - [`input_object!`] declares an input object type (named after the
//!   struct, described by its doc comment), itself an [`ArgType`]; with
//!   `partial Name;` after it, also a second input object with every field
//!   optional (create / update pairs).
//!
//! ```ignore
//! arguments! {
//!     struct SearchArgs {
//!         /// Words to look for.
//!         query: String,
//!         /// Only this pillar.
//!         pillar: Option<WorkshopPillar>,
//!         /// At most this many hits, 1–100.
//!         first: Bounded<1, 100> = Bounded(20),
//!     }
//! }
//! ```

use std::marker::PhantomData;

use async_graphql::{
    Name, Value,
    dynamic::{InputObject, InputValue, ResolverContext, TypeRef},
};
use uuid::Uuid;

use crate::error::ApiError;

/// Decoded arguments or input object fields, by GraphQL name.
pub(crate) type Map = async_graphql::indexmap::IndexMap<Name, Value>;

/// A type an argument or input object field may have.
pub(crate) trait ArgType: Sized {
    /// The type with null allowed: `Option<Self>`, or `Self` when it is an
    /// `Option` already.
    type Nullable: ArgType;

    /// The GraphQL type (non-null unless null is a value of `Self`).
    fn type_ref() -> TypeRef;

    /// Decodes a given, non-null value; `path` names it in errors.
    fn decode(path: &str, v: &Value) -> Result<Self, ApiError>;

    /// The value when none (or null) is given.
    fn absent(path: &str) -> Result<Self, ApiError> {
        Err(ApiError::bad_input(format!("`{path}` is required")))
    }

    /// The GraphQL value (for defaults).
    fn to_value(&self) -> Value;

    fn into_nullable(self) -> Self::Nullable;

    /// The description of a field of this type documented by `doc`.
    fn describe(doc: &str) -> String {
        doc.to_owned()
    }
}

/// The decoded arguments of a field.
pub(crate) trait Arguments: Sized + Send + 'static {
    fn arguments() -> Vec<InputValue>;
    fn decode(args: &Map) -> Result<Self, ApiError>;
}

/// No arguments.
impl Arguments for () {
    fn arguments() -> Vec<InputValue> {
        vec![]
    }
    fn decode(_: &Map) -> Result<Self, ApiError> {
        Ok(())
    }
}

/// An input object type, registered in `Parts::inputs`.
pub(crate) trait InputType: ArgType {
    fn input_object() -> InputObject;
}

/// The field's arguments, decoded.
pub(crate) fn args_of<A: Arguments>(ctx: &ResolverContext<'_>) -> Result<A, ApiError> {
    A::decode(ctx.args.as_index_map())
}

/// `field` with the arguments of `A`.
pub(crate) fn with_args<A: Arguments>(
    field: async_graphql::dynamic::Field,
) -> async_graphql::dynamic::Field {
    A::arguments().into_iter().fold(field, |f, a| f.argument(a))
}

pub(crate) fn bad(path: &str, what: &str) -> ApiError {
    ApiError::bad_input(format!("`{path}` must be {what}"))
}

/// The GraphQL name of a Rust field (`r#type` → `type`, `price_amount` →
/// `priceAmount`).
pub(crate) fn name_of(field: &str) -> String {
    crate::value::camel(field.trim_start_matches("r#"))
}

/// An argument or input field: `T`'s type (nullable with a default),
/// the doc comment's lines joined as its description.
pub(crate) fn input_value<T: ArgType>(
    field: &str,
    doc: &[&str],
    default: Option<fn() -> T>,
) -> InputValue {
    let doc = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    let ty = match default {
        Some(_) => nullable(T::type_ref()),
        None => T::type_ref(),
    };
    let v = InputValue::new(name_of(field), ty).description(T::describe(&doc));
    match default {
        Some(d) => v.default_value(d().to_value()),
        None => v,
    }
}

/// Decodes `field` of `map`: the default (or [`ArgType::absent`]) when
/// missing or null.
pub(crate) fn field<T: ArgType>(
    map: &Map,
    field: &str,
    default: Option<fn() -> T>,
) -> Result<T, ApiError> {
    let name = name_of(field);
    match (
        map.get(name.as_str()).filter(|v| **v != Value::Null),
        default,
    ) {
        (Some(v), _) => T::decode(&name, v),
        (None, Some(d)) => Ok(d()),
        (None, None) => T::absent(&name),
    }
}

fn nullable(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::NonNull(inner) => *inner,
        ty => ty,
    }
}

/// The struct of [`arguments!`] / [`input_object!`]: its fields, their
/// input values and decoding from a map of GraphQL values.
macro_rules! fields_struct {
    (
        [$($sdoc:literal),*] $vis:vis $name:ident {
            $( [$($doc:literal),*] $field:ident : $ty:ty $(= $default:expr)? ),*
        }
    ) => {
        $(#[doc = $sdoc])*
        $vis struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl $name {
            /// The fields as input values.
            fn input_values() -> Vec<async_graphql::dynamic::InputValue> {
                vec![$(
                    $crate::ops::args::input_value::<$ty>(
                        stringify!($field),
                        &[$($doc),*],
                        $crate::ops::args::default_fn!($ty; $($default)?),
                    )
                ),*]
            }

            /// Decodes the fields from their values by name.
            #[allow(unused_variables)]
            fn from_map(map: &$crate::ops::args::Map) -> Result<Self, $crate::error::ApiError> {
                Ok(Self {$(
                    $field: $crate::ops::args::field::<$ty>(
                        map,
                        stringify!($field),
                        $crate::ops::args::default_fn!($ty; $($default)?),
                    )?,
                )*})
            }
        }
    };
}

/// `Some(default)` as a function, or `None`.
macro_rules! default_fn {
    ($ty:ty;) => {
        None::<fn() -> $ty>
    };
    ($ty:ty; $default:expr) => {
        Some((|| $default) as fn() -> $ty)
    };
}

/// Declares the arguments of a field as a struct (see the module docs).
macro_rules! arguments {
    (
        $(#[doc = $sdoc:literal])*
        $vis:vis struct $name:ident {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty $(= $default:expr)? ),* $(,)?
        }
    ) => {
        $crate::ops::args::fields_struct!(
            [$($sdoc),*] $vis $name { $( [$($doc),*] $field : $ty $(= $default)? ),* }
        );

        impl $crate::ops::args::Arguments for $name {
            fn arguments() -> Vec<async_graphql::dynamic::InputValue> {
                Self::input_values()
            }
            fn decode(args: &$crate::ops::args::Map) -> Result<Self, $crate::error::ApiError> {
                Self::from_map(args)
            }
        }
    };
}

/// Declares an input object type as a struct (see the module docs).
macro_rules! input_object {
    (@object [$($sdoc:literal),*] $vis:vis $name:ident {
        $( [$($doc:literal),*] $field:ident : $ty:ty ),*
    }) => {
        $crate::ops::args::fields_struct!(
            [$($sdoc),*] $vis $name { $( [$($doc),*] $field : $ty ),* }
        );

        impl $crate::ops::args::ArgType for $name {
            type Nullable = Option<Self>;
            fn type_ref() -> async_graphql::dynamic::TypeRef {
                async_graphql::dynamic::TypeRef::named_nn(stringify!($name))
            }
            fn decode(
                path: &str,
                v: &async_graphql::Value,
            ) -> Result<Self, $crate::error::ApiError> {
                match v {
                    async_graphql::Value::Object(map) => Self::from_map(map),
                    _ => Err($crate::ops::args::bad(path, concat!("a ", stringify!($name)))),
                }
            }
            fn to_value(&self) -> async_graphql::Value {
                async_graphql::Value::Object([$((
                    async_graphql::Name::new($crate::ops::args::name_of(stringify!($field))),
                    $crate::ops::args::ArgType::to_value(&self.$field),
                )),*].into_iter().collect())
            }
            fn into_nullable(self) -> Option<Self> {
                Some(self)
            }
        }

        impl $crate::ops::args::InputType for $name {
            fn input_object() -> async_graphql::dynamic::InputObject {
                let doc = [$($sdoc),*].map(str::trim).join(" ");
                Self::input_values().into_iter().fold(
                    async_graphql::dynamic::InputObject::new(stringify!($name)).description(doc),
                    async_graphql::dynamic::InputObject::field,
                )
            }
        }
    };
    (
        $(#[doc = $sdoc:literal])*
        $vis:vis struct $name:ident {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty ),* $(,)?
        }
        $(#[doc = $pdoc:literal])*
        partial $partial:ident;
    ) => {
        $crate::ops::args::input_object!(@object [$($sdoc),*] $vis $name {
            $( [$($doc),*] $field : $ty ),*
        });
        $crate::ops::args::input_object!(@object [$($pdoc),*] $vis $partial {
            $( [$($doc),*] $field : <$ty as $crate::ops::args::ArgType>::Nullable ),*
        });

        impl From<$name> for $partial {
            fn from(v: $name) -> Self {
                Self { $( $field: $crate::ops::args::ArgType::into_nullable(v.$field), )* }
            }
        }
    };
    (
        $(#[doc = $sdoc:literal])*
        $vis:vis struct $name:ident {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $crate::ops::args::input_object!(@object [$($sdoc),*] $vis $name {
            $( [$($doc),*] $field : $ty ),*
        });
    };
}

pub(crate) use {arguments, default_fn, fields_struct, input_object};

/// A scalar decoded from one kind of GraphQL value.
macro_rules! scalar {
    ($ty:ty, $graphql:expr, $what:literal, |$v:ident| $decode:expr, |$s:ident| $print:expr) => {
        impl ArgType for $ty {
            type Nullable = Option<Self>;
            fn type_ref() -> TypeRef {
                TypeRef::named_nn($graphql)
            }
            fn decode(path: &str, $v: &Value) -> Result<Self, ApiError> {
                let v: Option<Self> = $decode;
                v.ok_or_else(|| bad(path, $what))
            }
            fn to_value(&self) -> Value {
                let $s = self;
                $print
            }
            fn into_nullable(self) -> Option<Self> {
                Some(self)
            }
        }
    };
}

fn string(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.trim()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<&async_graphql::Number> {
    match v {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

scalar!(
    String,
    TypeRef::STRING,
    "a string",
    |v| match v {
        Value::String(s) => Some(s.clone()),
        _ => None,
    },
    |s| Value::String(s.clone())
);
scalar!(
    bool,
    TypeRef::BOOLEAN,
    "a boolean",
    |v| match v {
        Value::Boolean(b) => Some(*b),
        _ => None,
    },
    |s| Value::Boolean(*s)
);
scalar!(
    i32,
    TypeRef::INT,
    "an integer",
    |v| number(v)
        .and_then(|n| n.as_i64())
        .and_then(|n| i32::try_from(n).ok()),
    |s| Value::from(*s)
);
scalar!(
    f64,
    TypeRef::FLOAT,
    "a number",
    |v| number(v).and_then(|n| n.as_f64()),
    |s| Value::from(*s)
);
scalar!(
    rust_decimal::Decimal,
    "Decimal",
    "a decimal number",
    |v| string(v).and_then(|s| s.parse().ok()),
    |s| Value::String(s.to_string())
);
scalar!(
    chrono::NaiveDate,
    "Date",
    "a date (YYYY-MM-DD)",
    |v| string(v).and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
    |s| Value::String(s.to_string())
);
scalar!(
    chrono::NaiveTime,
    "Time",
    "a time (HH:MM:SS)",
    |v| string(v).and_then(|s| {
        chrono::NaiveTime::parse_from_str(s, "%H:%M:%S")
            .or_else(|_| chrono::NaiveTime::parse_from_str(s, "%H:%M"))
            .ok()
    }),
    |s| Value::String(s.to_string())
);
scalar!(
    chrono::DateTime<chrono::FixedOffset>,
    "DateTime",
    "an RFC 3339 timestamp",
    |v| string(v).and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()),
    |s| Value::String(s.to_rfc3339())
);
scalar!(
    serde_json::Value,
    "JSON",
    "JSON",
    |v| v.clone().into_json().ok(),
    |s| Value::from_json(s.clone()).unwrap_or(Value::Null)
);

/// Absent or null is `None`.
impl<T: ArgType> ArgType for Option<T> {
    type Nullable = Self;
    fn type_ref() -> TypeRef {
        nullable(T::type_ref())
    }
    fn decode(path: &str, v: &Value) -> Result<Self, ApiError> {
        T::decode(path, v).map(Some)
    }
    fn absent(_: &str) -> Result<Self, ApiError> {
        Ok(None)
    }
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_value)
    }
    fn into_nullable(self) -> Self {
        self
    }
    fn describe(doc: &str) -> String {
        T::describe(doc)
    }
}

/// A list of non-null items (a single value is a list of one, as GraphQL
/// coerces it).
impl<T: ArgType> ArgType for Vec<T> {
    type Nullable = Option<Self>;
    fn type_ref() -> TypeRef {
        TypeRef::NonNull(Box::new(TypeRef::List(Box::new(T::type_ref()))))
    }
    fn decode(path: &str, v: &Value) -> Result<Self, ApiError> {
        match v {
            Value::List(items) => items.iter().map(|i| T::decode(path, i)).collect(),
            v => Ok(vec![T::decode(path, v)?]),
        }
    }
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(T::to_value).collect())
    }
    fn into_nullable(self) -> Option<Self> {
        Some(self)
    }
}

/// An `Int` in `MIN..=MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bounded<const MIN: i64, const MAX: i64>(pub i32);

impl<const MIN: i64, const MAX: i64> Bounded<MIN, MAX> {
    pub fn get(self) -> i32 {
        self.0
    }
}

impl<const MIN: i64, const MAX: i64> std::ops::Deref for Bounded<MIN, MAX> {
    type Target = i32;
    fn deref(&self) -> &i32 {
        &self.0
    }
}

impl<const MIN: i64, const MAX: i64> ArgType for Bounded<MIN, MAX> {
    type Nullable = Option<Self>;
    fn type_ref() -> TypeRef {
        TypeRef::named_nn(TypeRef::INT)
    }
    fn decode(path: &str, v: &Value) -> Result<Self, ApiError> {
        let n = number(v)
            .and_then(|n| n.as_i64())
            .ok_or_else(|| bad(path, "an integer"))?;
        if (MIN..=MAX).contains(&n) {
            Ok(Bounded(n as i32))
        } else {
            Err(bad(path, &format!("between {MIN} and {MAX}")))
        }
    }
    fn to_value(&self) -> Value {
        Value::from(self.0)
    }
    fn into_nullable(self) -> Option<Self> {
        Some(self)
    }
}

/// A type whose rows have global ids (see [`Id`]).
pub(crate) trait Node {
    /// The GraphQL type name.
    const TYPE: &'static str;
}

/// Marker types of the node types operations take ids of.
pub(crate) mod node {
    macro_rules! nodes {
        ($($name:ident),* $(,)?) => {$(
            #[doc = concat!("`", stringify!($name), "`.")]
            pub(crate) enum $name {}
            impl crate::ops::args::Node for $name {
                const TYPE: &'static str = stringify!($name);
            }
        )*};
    }
    nodes!(
        AdaptabilityAssessment,
        AssessmentQuestion,
        Client,
        ContentBlock,
        Course,
        DataItem,
        Engagement,
        EngagementSession,
        FrameworkAssessment,
        Lesson,
        Organization,
        Payment,
        PersonalizedRoadmap,
        Quiz,
        Review,
        TalentProfile,
        User,
        UserAttempt,
        Workshop,
        WorkshopRegistration,
    );
}

/// The global id (`ID`) of a row of `N`, decoded to the row's uuid.
pub(crate) struct Id<N>(pub Uuid, PhantomData<fn() -> N>);

impl<N> Id<N> {
    pub fn new(id: Uuid) -> Self {
        Id(id, PhantomData)
    }
}

impl<N> From<Id<N>> for Uuid {
    fn from(id: Id<N>) -> Uuid {
        id.0
    }
}

impl<N: Node> ArgType for Id<N> {
    type Nullable = Option<Self>;
    fn type_ref() -> TypeRef {
        TypeRef::named_nn(TypeRef::ID)
    }
    fn decode(path: &str, v: &Value) -> Result<Self, ApiError> {
        match string(v).and_then(crate::ids::decode) {
            Some((t, id)) if t == N::TYPE => Ok(Id::new(id)),
            _ => Err(bad(path, &format!("{} {} id", article(N::TYPE), N::TYPE))),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(crate::ids::encode(N::TYPE, self.0))
    }
    fn into_nullable(self) -> Option<Self> {
        Some(self)
    }
    /// The doc followed by "(a `Workshop` id)." unless it names the type.
    fn describe(doc: &str) -> String {
        let ty = N::TYPE;
        if doc.contains(&format!("`{ty}` id")) {
            doc.to_owned()
        } else {
            let doc = doc.trim_end_matches('.');
            format!("{doc} ({} `{ty}` id).", article(ty))
        }
    }
}

/// The enumerations of `entity::enums` as argument types: their GraphQL
/// enum (registered by the schema), decoded from a value name.
macro_rules! enum_args {
    ($($name:ident),* $(,)?) => {$(
        impl ArgType for entity::enums::$name {
            type Nullable = Option<Self>;
            fn type_ref() -> TypeRef {
                TypeRef::named_nn(<Self as entity::enums::TextEnum>::DEF.name)
            }
            fn decode(path: &str, v: &Value) -> Result<Self, ApiError> {
                decode_enum(path, v)
            }
            fn to_value(&self) -> Value {
                crate::value::enum_value(&<Self as entity::enums::TextEnum>::DEF, self.as_str())
            }
            fn into_nullable(self) -> Option<Self> {
                Some(self)
            }
        }
    )*};
}

fn decode_enum<E: entity::enums::TextEnum>(path: &str, v: &Value) -> Result<E, ApiError> {
    let name = match v {
        Value::Enum(n) => Some(n.as_str()),
        Value::String(s) => Some(s.as_str()),
        _ => None,
    };
    name.and_then(|n| E::DEF.text_of(n))
        .and_then(E::from_text)
        .ok_or_else(|| bad(path, &format!("{} {}", article(E::DEF.name), E::DEF.name)))
}

entity::for_each_enum!(enum_args);

/// "a" or "an" before a type name, as it is read aloud (a `User`, an
/// `Engagement`).
pub(crate) fn article(type_name: &str) -> &'static str {
    match type_name.as_bytes().first() {
        Some(b'A' | b'E' | b'I' | b'O') => "an",
        _ => "a",
    }
}
