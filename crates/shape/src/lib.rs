//! What an operation's result looks like to clients, declared once, as a
//! Rust type — without GraphQL.
//!
//! Every type a result may hold implements [`Output`]: its client-facing
//! type ([`Ty`]), a named type (a scalar, an enumeration, an object, the
//! global id of a node, or a node itself) that may be a list and may be
//! null. Implemented here for the scalars (`i32`, `i64`, `u32`, `u64` as `Int`,
//! `f64` as `Float`, `bool`, `String`, `Uuid` as `UUID`, `NaiveDate` as
//! `Date`, `DateTime<FixedOffset>` as `DateTime`, `Decimal`,
//! `serde_json::Value` as `JSON`), `Option` (nullable) and `Vec` (a list of
//! non-null items); the enumerations of `entity::enums` implement it as
//! their enum.
//!
//! [`output_object!`] declares a result struct from doc-commented fields:
//! it derives `Serialize` (camelCase keys) and implements [`Output`] and
//! [`OutputObject`], whose [`Object`] names the struct (or the name given
//! by `#[name = "…"]`), describes it with its doc comment and lists its
//! fields, each named as serde names it, described by its doc comment
//! (after the struct's doc comment come, in this order, an optional
//! `#[name = "…"]` and an optional `#[derive(…)]` of further traits). A
//! field may be marked, after its doc comment:
//!
//! - `#[id = "User"]`: its uuid(s) are global ids of `User` rows (`ID`);
//! - `#[node = "UserAttempt"]`: a uuid `…_id` naming a row, served as the
//!   row itself under the name without `Id` (`attemptId` → `attempt`).
//!
//! The API turns an [`Object`] into its GraphQL object type and, given a
//! serialized value, rewrites the uuids of `ID` fields (at any depth) into
//! global ids.
//!
//! ```ignore
//! shape::output_object! {
//!     /// A learner's place on a weekly leaderboard.
//!     pub struct LeaderboardEntry {
//!         /// 1 + the number of learners with more points.
//!         pub rank: i64,
//!         /// The learner (a `User` id); null when anonymous.
//!         #[id = "User"]
//!         pub user_id: Option<Uuid>,
//!     }
//! }
//! ```

/// A client-facing type: a named type or a list, nullable or not.
#[derive(Clone, Debug)]
pub struct Ty {
    pub kind: Kind,
    /// Null is a value of the type.
    pub nullable: bool,
}

/// What a [`Ty`] is, null aside.
#[derive(Clone, Debug)]
pub enum Kind {
    Named(Named),
    /// A list of items of the inner type.
    List(Box<Ty>),
}

/// A named type.
#[derive(Clone, Debug)]
pub enum Named {
    /// A scalar, by name: `Int`, `Float`, `Boolean`, `String`, `UUID`,
    /// `Date`, `DateTime`, `Decimal` or `JSON`.
    Scalar(&'static str),
    /// An enumeration, by name; values travel as their stored text.
    Enum(&'static str),
    /// A result object.
    Object(ObjectRef),
    /// The global id of a row of the named node type (a uuid in Rust).
    Id(&'static str),
    /// A row of the named node type, referenced by its uuid.
    Node(&'static str),
}

/// A result object type: its name and how to describe it.
#[derive(Clone, Copy, Debug)]
pub struct ObjectRef {
    pub name: &'static str,
    pub describe: fn() -> Object,
}

/// A result object type as clients see it.
#[derive(Clone, Debug)]
pub struct Object {
    pub name: &'static str,
    pub description: String,
    pub fields: Vec<Field>,
}

/// A field of an [`Object`].
#[derive(Clone, Debug)]
pub struct Field {
    /// The client-facing name.
    pub name: String,
    /// The key of the serialized value holding it (the name, but for
    /// [`Named::Node`] fields: the uuid's key).
    pub key: String,
    pub description: String,
    pub ty: Ty,
}

impl Ty {
    pub fn named(named: Named) -> Ty {
        Ty {
            kind: Kind::Named(named),
            nullable: false,
        }
    }

    /// The innermost named type.
    pub fn base(&self) -> &Named {
        match &self.kind {
            Kind::Named(n) => n,
            Kind::List(item) => item.base(),
        }
    }

    /// The type with its innermost named type replaced by `f` of it.
    pub fn map_base(self, f: impl FnOnce(Named) -> Named) -> Ty {
        let kind = match self.kind {
            Kind::Named(n) => Kind::Named(f(n)),
            Kind::List(item) => Kind::List(Box::new(item.map_base(f))),
        };
        Ty { kind, ..self }
    }

    /// The type with its uuids turned into `what` of `node` (see the
    /// field marks of [`output_object!`]).
    pub fn mark(self, what: Mark, node: &'static str) -> Ty {
        self.map_base(|n| match n {
            Named::Scalar("UUID") => match what {
                Mark::Id => Named::Id(node),
                Mark::Node => Named::Node(node),
            },
            n => panic!("only a uuid can be marked as {what:?} of {node}, not {n:?}"),
        })
    }
}

/// A field mark of [`output_object!`].
#[derive(Clone, Copy, Debug)]
pub enum Mark {
    Id,
    Node,
}

/// A type a result may hold.
pub trait Output {
    fn ty() -> Ty;
}

/// A result object type (declared by [`output_object!`]).
pub trait OutputObject: Output + serde::Serialize {
    const OBJECT: ObjectRef;
}

/// Implements [`Output`] for scalars.
macro_rules! scalars {
    ($($rust:ty => $name:literal),* $(,)?) => {$(
        impl Output for $rust {
            fn ty() -> Ty {
                Ty::named(Named::Scalar($name))
            }
        }
    )*};
}

scalars! {
    i32 => "Int",
    i64 => "Int",
    u32 => "Int",
    u64 => "Int",
    f64 => "Float",
    bool => "Boolean",
    String => "String",
    uuid::Uuid => "UUID",
    chrono::NaiveDate => "Date",
    chrono::DateTime<chrono::FixedOffset> => "DateTime",
    rust_decimal::Decimal => "Decimal",
    serde_json::Value => "JSON",
}

/// Null allowed.
impl<T: Output> Output for Option<T> {
    fn ty() -> Ty {
        Ty {
            nullable: true,
            ..T::ty()
        }
    }
}

/// A list of the items (never null itself).
impl<T: Output> Output for Vec<T> {
    fn ty() -> Ty {
        Ty {
            kind: Kind::List(Box::new(T::ty())),
            nullable: false,
        }
    }
}

/// The key serde's `rename_all = "camelCase"` gives a Rust field
/// (`r#type` → `type`, `weekly_points` → `weeklyPoints`).
pub fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for ch in field.trim_start_matches("r#").chars() {
        match ch {
            '_' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// Doc comment lines as one description.
pub fn doc(lines: &[&str]) -> String {
    lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
}

/// A field of `rust_name` with type `ty`, marked or not (see
/// [`output_object!`]).
pub fn field(
    rust_name: &str,
    doc_lines: &[&str],
    ty: Ty,
    mark: Option<(Mark, &'static str)>,
) -> Field {
    let key = camel(rust_name);
    let ty = match mark {
        Some((what, node)) => ty.mark(what, node),
        None => ty,
    };
    let name = match (ty.base(), key.strip_suffix("Id")) {
        (Named::Node(_), Some(name)) => name.to_owned(),
        (Named::Node(_), None) => panic!("a node field is a uuid named `…_id`, not `{rust_name}`"),
        _ => key.clone(),
    };
    Field {
        name,
        key,
        description: doc(doc_lines),
        ty,
    }
}

/// Declares a result struct and its client-facing object (see the crate
/// docs).
#[macro_export]
macro_rules! output_object {
    (
        $(#[doc = $sdoc:literal])*
        $(#[name = $gql:literal])?
        $(#[derive($($derive:path),* $(,)?)])?
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $(#[id = $id:literal])?
                $(#[node = $node:literal])?
                $fvis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Clone, Debug, serde::Serialize $($(, $derive)*)?)]
        #[serde(rename_all = "camelCase")]
        $vis struct $name {
            $( $(#[doc = $doc])* $fvis $field: $ty, )*
        }

        impl $crate::Output for $name {
            fn ty() -> $crate::Ty {
                $crate::Ty::named($crate::Named::Object(
                    <Self as $crate::OutputObject>::OBJECT,
                ))
            }
        }

        impl $crate::OutputObject for $name {
            const OBJECT: $crate::ObjectRef = $crate::ObjectRef {
                name: $crate::output_object!(@name $name $($gql)?),
                describe: || $crate::Object {
                    name: $crate::output_object!(@name $name $($gql)?),
                    description: $crate::doc(&[$($sdoc),*]),
                    fields: vec![$(
                        $crate::field(
                            stringify!($field),
                            &[$($doc),*],
                            <$ty as $crate::Output>::ty(),
                            $crate::output_object!(@mark $(id $id)? $(node $node)?),
                        )
                    ),*],
                },
            };
        }
    };
    (@name $name:ident) => { stringify!($name) };
    (@name $name:ident $gql:literal) => { $gql };
    (@mark) => { None };
    (@mark id $node:literal) => { Some(($crate::Mark::Id, $node)) };
    (@mark node $node:literal) => { Some(($crate::Mark::Node, $node)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    output_object! {
        /// A thing
        /// on two lines.
        #[name = "Thing"]
        pub struct Inner {
            /// Its owner.
            #[id = "User"]
            pub owner_ids: Vec<uuid::Uuid>,
            /// The attempt.
            #[node = "UserAttempt"]
            pub attempt_id: uuid::Uuid,
            /// Raw.
            pub r#type: Option<String>,
        }
    }

    #[test]
    fn describes_fields() {
        let o = (Inner::OBJECT.describe)();
        assert_eq!(o.name, "Thing");
        assert_eq!(o.description, "A thing on two lines.");
        let names: Vec<_> = o
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.key.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("ownerIds", "ownerIds"),
                ("attempt", "attemptId"),
                ("type", "type")
            ]
        );
        assert!(matches!(o.fields[0].ty.base(), Named::Id("User")));
        assert!(matches!(o.fields[1].ty.base(), Named::Node("UserAttempt")));
        assert!(o.fields[2].ty.nullable);
    }
}
