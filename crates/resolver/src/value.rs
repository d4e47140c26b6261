//! Column types to GraphQL types, and column values to GraphQL values: the
//! one place that knows how each database type looks in the API.

use async_graphql::{
    Name, Value,
    dynamic::{Enum, EnumItem, Field, FieldFuture, FieldValue, Object, Scalar, TypeRef},
};
use entity::enums::{EnumDef, graphql_name_of};
use sea_orm::{ColumnType, Value as Db};

/// Custom scalars, with their descriptions.
pub fn scalars() -> Vec<Scalar> {
    [
        ("UUID", "A UUID, e.g. `3f2c…`."),
        (
            "DateTime",
            "An RFC 3339 timestamp with offset, e.g. `2026-11-20T09:30:00+00:00`.",
        ),
        ("Date", "A calendar date, `YYYY-MM-DD`."),
        ("Time", "A time of day, `HH:MM:SS`."),
        (
            "Decimal",
            "An exact decimal number as a string, e.g. `\"49.00\"`. An argument must fit the \
             field it is written to: more decimal places or more digits than the field holds \
             is BAD_USER_INPUT, never rounded.",
        ),
        ("JSON", "Any JSON value."),
    ]
    .into_iter()
    .map(|(name, desc)| Scalar::new(name).description(desc))
    .collect()
}

/// The GraphQL enum of an enumeration: one value per stored text, in
/// SCREAMING_SNAKE_CASE.
pub fn enum_type(def: &EnumDef) -> Enum {
    def.values.iter().fold(
        Enum::new(def.name).description(def.description.trim()),
        |e, (text, doc)| {
            let item = EnumItem::new(graphql_name_of(text));
            e.item(match doc.trim() {
                "" => item,
                doc => item.description(doc),
            })
        },
    )
}

/// The GraphQL value of a stored enumeration text (null for a text the
/// enumeration does not have, which the CHECK constraint rules out).
pub fn enum_value(def: &EnumDef, text: &str) -> Value {
    if def.contains(text) {
        Value::Enum(Name::new(graphql_name_of(text)))
    } else {
        Value::Null
    }
}

/// What the API knows of one column.
#[derive(Clone, Debug)]
pub struct ColumnMeta {
    pub name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
    pub shape: Shape,
}

/// How a column looks in the API beyond its database type.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// As its database type says (`type_name`).
    Plain,
    /// A TEXT column restricted to an enumeration's values.
    Enum(&'static EnumDef),
    /// A JSON column holding an array of these.
    List(Item),
    /// A JSON column holding one object of known keys.
    Object(&'static JsonObject),
    /// A JSON column holding an array of objects of known keys.
    Objects(&'static JsonObject),
}

/// A JSON object of known keys, served as a GraphQL object type. Keys it
/// does not declare are not served.
#[derive(Debug)]
pub struct JsonObject {
    pub name: &'static str,
    pub description: &'static str,
    pub fields: &'static [JsonField],
}

/// One key of a [`JsonObject`].
#[derive(Debug)]
pub struct JsonField {
    /// The key as stored.
    pub key: &'static str,
    /// The GraphQL field name.
    pub field: &'static str,
    pub item: Item,
    /// An array of `item` (an empty list when the key is missing).
    pub list: bool,
    /// Present in every object (non-null in the API).
    pub required: bool,
    pub doc: &'static str,
}

impl JsonObject {
    /// A stored object as the GraphQL object's value (keys camelCased,
    /// values typed); `None` for anything but an object.
    fn value(&self, j: serde_json::Value) -> Option<Value> {
        let serde_json::Value::Object(mut map) = j else {
            return None;
        };
        let fields = self.fields.iter().map(|f| {
            let v = map.remove(f.key).unwrap_or(serde_json::Value::Null);
            let v = match (f.list, v) {
                (true, serde_json::Value::Array(items)) => {
                    Value::List(items.into_iter().filter_map(|i| f.item.value(i)).collect())
                }
                (true, _) => Value::List(vec![]),
                (false, v) => f.item.value(v).unwrap_or(Value::Null),
            };
            (Name::new(f.field), v)
        });
        Some(Value::Object(fields.collect()))
    }

    /// The GraphQL object type; each field reads its key of the parent
    /// object value.
    pub fn object_type(&self) -> Object {
        self.fields.iter().fold(
            Object::new(self.name).description(self.description),
            |o, f| {
                let inner = TypeRef::named_nn(f.item.type_name());
                let ty = match (f.list, f.required) {
                    (true, _) => TypeRef::NonNull(Box::new(TypeRef::List(Box::new(inner)))),
                    (false, true) => inner,
                    (false, false) => TypeRef::named(f.item.type_name()),
                };
                let key = Name::new(f.field);
                o.field(
                    Field::new(f.field, ty, move |ctx| {
                        let key = key.clone();
                        FieldFuture::new(async move {
                            Ok(match ctx.parent_value.try_downcast_ref::<Value>()? {
                                Value::Object(m) => {
                                    m.get(&key).filter(|v| **v != Value::Null).cloned()
                                }
                                _ => None,
                            })
                        })
                    })
                    .description(f.doc),
                )
            },
        )
    }
}

/// The element of a [`Shape::List`] column.
#[derive(Clone, Copy, Debug)]
pub enum Item {
    Text,
    Uuid,
    /// A row id, served as the global id of this type.
    Global(&'static str),
    Int,
    Float,
    Boolean,
    Enum(&'static EnumDef),
}

impl Item {
    fn type_name(self) -> &'static str {
        match self {
            Item::Text => TypeRef::STRING,
            Item::Uuid => "UUID",
            Item::Global(_) => TypeRef::ID,
            Item::Int => TypeRef::INT,
            Item::Float => TypeRef::FLOAT,
            Item::Boolean => TypeRef::BOOLEAN,
            Item::Enum(def) => def.name,
        }
    }

    /// A JSON array element as this item, if it is one.
    fn value(self, v: serde_json::Value) -> Option<Value> {
        use serde_json::Value as J;
        match (self, v) {
            (Item::Text, J::String(s)) => Some(Value::String(s)),
            (Item::Global(ty), J::String(s)) => s
                .parse::<uuid::Uuid>()
                .ok()
                .map(|u| Value::String(crate::ids::encode(ty, u))),
            (Item::Uuid, J::String(s)) => s
                .parse::<uuid::Uuid>()
                .ok()
                .map(|u| Value::String(u.to_string())),
            (Item::Int, J::Number(n)) => n
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .map(Value::from),
            (Item::Float, J::Number(n)) => n.as_f64().map(Value::from),
            (Item::Boolean, J::Bool(b)) => Some(Value::Boolean(b)),
            (Item::Enum(def), J::String(s)) => {
                Some(enum_value(def, &s)).filter(|v| *v != Value::Null)
            }
            _ => None,
        }
    }
}

impl ColumnMeta {
    /// The column's GraphQL type, nullable or not as `nullable` says.
    pub fn type_ref(&self, nullable: bool) -> TypeRef {
        let inner = match self.shape {
            Shape::Plain => TypeRef::named_nn(type_name(&self.ty)),
            Shape::Enum(def) => TypeRef::named_nn(def.name),
            Shape::List(item) => TypeRef::named_nn_list_nn(item.type_name()),
            Shape::Object(obj) => TypeRef::named_nn(obj.name),
            Shape::Objects(obj) => TypeRef::named_nn_list_nn(obj.name),
        };
        match inner {
            TypeRef::NonNull(t) if nullable => *t,
            t => t,
        }
    }

    /// A stored value of this column as a field value (`None` for null):
    /// objects travel as `Value`s their fields read, everything else as a
    /// value.
    pub fn field_value(&self, v: Db) -> Option<FieldValue<'static>> {
        Some(match (self.shape, self.value(v)) {
            (_, Value::Null) => return None,
            (Shape::Object(_), obj) => FieldValue::owned_any(obj),
            (Shape::Objects(_), Value::List(items)) => {
                FieldValue::list(items.into_iter().map(FieldValue::owned_any))
            }
            (_, v) => FieldValue::value(v),
        })
    }

    /// A stored value of this column as a GraphQL value. A list column
    /// keeps the elements of its array that are of its item type (all of
    /// them, for data written through the API).
    pub fn value(&self, v: Db) -> Value {
        match (self.shape, v) {
            (Shape::Object(obj), Db::Json(Some(j))) => obj.value(*j).unwrap_or(Value::Null),
            (Shape::Objects(obj), Db::Json(Some(j))) => match *j {
                serde_json::Value::Array(items) => {
                    Value::List(items.into_iter().filter_map(|i| obj.value(i)).collect())
                }
                serde_json::Value::Null => Value::Null,
                _ => Value::List(vec![]),
            },
            (Shape::Enum(def), Db::String(Some(s))) => enum_value(def, &s),
            (Shape::List(item), Db::Json(Some(j))) => match *j {
                serde_json::Value::Array(items) => {
                    Value::List(items.into_iter().filter_map(|i| item.value(i)).collect())
                }
                serde_json::Value::Null => Value::Null,
                _ => Value::List(vec![]),
            },
            (_, v) => to_graphql(v, &self.ty),
        }
    }

    /// Whether lists can be sorted by this column.
    pub fn orderable(&self) -> bool {
        !matches!(self.ty, ColumnType::Json | ColumnType::JsonBinary)
    }
}

/// The GraphQL type name of a column type.
pub fn type_name(ty: &ColumnType) -> &'static str {
    match ty {
        ColumnType::Uuid => "UUID",
        ColumnType::Boolean => TypeRef::BOOLEAN,
        ColumnType::TinyInteger
        | ColumnType::SmallInteger
        | ColumnType::Integer
        | ColumnType::TinyUnsigned
        | ColumnType::SmallUnsigned
        | ColumnType::Unsigned => TypeRef::INT,
        ColumnType::Float | ColumnType::Double => TypeRef::FLOAT,
        ColumnType::Decimal(_) | ColumnType::Money(_) => "Decimal",
        ColumnType::TimestampWithTimeZone | ColumnType::Timestamp | ColumnType::DateTime => {
            "DateTime"
        }
        ColumnType::Date => "Date",
        ColumnType::Time => "Time",
        ColumnType::Json | ColumnType::JsonBinary => "JSON",
        _ => TypeRef::STRING,
    }
}

/// A database value of a column of type `ty` as a GraphQL value. Decimals
/// are written at the column's scale, so `49.50` reads the same from
/// PostgreSQL (exact) and SQLite (stored as a float).
pub fn to_graphql(v: Db, ty: &ColumnType) -> Value {
    match v {
        Db::Decimal(Some(d)) => match ty {
            ColumnType::Decimal(Some((_, scale))) => {
                Value::String(format!("{:.*}", *scale as usize, d.round_dp(*scale)))
            }
            _ => Value::String(d.normalize().to_string()),
        },
        Db::Bool(Some(b)) => Value::Boolean(b),
        Db::TinyInt(Some(n)) => Value::from(n),
        Db::SmallInt(Some(n)) => Value::from(n),
        Db::Int(Some(n)) => Value::from(n),
        Db::BigInt(Some(n)) => Value::from(n),
        Db::TinyUnsigned(Some(n)) => Value::from(n),
        Db::SmallUnsigned(Some(n)) => Value::from(n),
        Db::Unsigned(Some(n)) => Value::from(n),
        Db::BigUnsigned(Some(n)) => Value::from(n),
        Db::Float(Some(n)) => Value::from(n),
        Db::Double(Some(n)) => Value::from(n),
        Db::String(Some(s)) => Value::String(s),
        Db::Uuid(Some(u)) => Value::String(u.to_string()),
        Db::ChronoDateTimeWithTimeZone(Some(t)) => Value::String(t.to_rfc3339()),
        Db::ChronoDateTimeUtc(Some(t)) => Value::String(t.to_rfc3339()),
        Db::ChronoDateTime(Some(t)) => Value::String(t.and_utc().to_rfc3339()),
        Db::ChronoDate(Some(d)) => Value::String(d.to_string()),
        Db::ChronoTime(Some(t)) => Value::String(t.to_string()),
        Db::Json(Some(j)) => Value::from_json(*j).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// A stored JSON array of objects without `keys` in each element (answers
/// removed from quiz questions for learners).
pub fn redact(v: Db, keys: &[&str]) -> Db {
    match v {
        Db::Json(Some(mut j)) => {
            if let serde_json::Value::Array(items) = j.as_mut() {
                for item in items
                    .iter_mut()
                    .filter_map(serde_json::Value::as_object_mut)
                {
                    for k in keys {
                        item.remove(*k);
                    }
                }
            }
            Db::Json(Some(j))
        }
        other => other,
    }
}

/// camelCase of a snake_case column name (one spelling for columns,
/// arguments and results).
pub use shape::camel;

pub fn name(s: &str) -> Name {
    Name::new(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case() {
        assert_eq!(camel("final_assessment_id"), "finalAssessmentId");
        assert_eq!(camel("id"), "id");
    }

    #[test]
    fn values() {
        assert_eq!(to_graphql(Db::Int(None), &ColumnType::Integer), Value::Null);
        assert_eq!(
            to_graphql(Db::Int(Some(3)), &ColumnType::Integer),
            Value::from(3)
        );
        let d: rust_decimal::Decimal = "49.5".parse().unwrap();
        assert_eq!(
            to_graphql(Db::Decimal(Some(d)), &ColumnType::Decimal(Some((10, 2)))),
            Value::from("49.50")
        );
    }
}
