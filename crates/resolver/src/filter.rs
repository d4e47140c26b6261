//! Per-type `filter` and `orderBy` arguments, derived from column types:
//! equality, `in`, ranges, text contains / starts-with, null checks, JSON
//! containment, overlap, key presence and key comparisons (seed 002's
//! metadata query patterns), combined with `and` / `or` / `not`. Parsed into
//! a backend-neutral [`Filter`] and turned into SQL per backend, so
//! resolvers never see SQL.

use std::{
    hash::{Hash, Hasher},
    sync::Arc,
};

use async_graphql::{
    Value,
    dynamic::{Enum, EnumItem, InputObject, InputValue, ObjectAccessor, TypeRef, ValueAccessor},
};
use auth::{Principal, policy::FieldAccess};
use sea_orm::{
    ColumnTrait, ColumnType, Condition, DbBackend, EntityTrait, Order, Value as Db,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::{
    error::ApiError,
    value::{self, ColumnMeta, Item, Shape},
};

/// One comparison on one column.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Eq(serde_json::Value),
    Ne(serde_json::Value),
    In(Vec<serde_json::Value>),
    NotIn(Vec<serde_json::Value>),
    Lt(serde_json::Value),
    Lte(serde_json::Value),
    Gt(serde_json::Value),
    Gte(serde_json::Value),
    Contains(String),
    StartsWith(String),
    IsNull(bool),
    JsonContains(serde_json::Value),
    JsonOverlaps(Vec<serde_json::Value>),
    JsonHasKey(String),
    /// A comparison on one top-level key of a JSON object.
    JsonKey(String, Box<Op>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Column(&'static str, Op),
}

impl Filter {
    /// The columns this filter compares, each once.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut out = vec![];
        let mut stack = vec![self];
        while let Some(f) = stack.pop() {
            match f {
                Filter::And(fs) | Filter::Or(fs) => stack.extend(fs),
                Filter::Not(f) => stack.push(f),
                Filter::Column(c, _) => {
                    if !out.contains(c) {
                        out.push(*c);
                    }
                }
            }
        }
        out
    }
}

/// A list's filter and order: part of the dataloader key of nested lists,
/// compared by its canonical text.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    /// Columns and directions, before the table's default order.
    pub order: Vec<(&'static str, Order)>,
    canonical: String,
}

impl ListQuery {
    pub fn new(filter: Option<Filter>, order: Vec<(&'static str, Order)>) -> Self {
        let canonical = format!("{filter:?}|{order:?}");
        Self {
            filter,
            order,
            canonical,
        }
    }

    pub fn is_default(&self) -> bool {
        self.filter.is_none() && self.order.is_empty()
    }
}

impl PartialEq for ListQuery {
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}
impl Eq for ListQuery {}
impl Hash for ListQuery {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical.hash(state);
    }
}

pub type SharedQuery = Option<Arc<ListQuery>>;

/// The filter input a column gets; `None` for a column lists cannot be
/// filtered by (a list of floats: an embedding).
fn filter_type(col: &ColumnMeta) -> Option<String> {
    Some(match col.shape {
        Shape::Plain => scalar_filter_type(&col.ty).to_owned(),
        Shape::Enum(def) => format!("{}Filter", def.name),
        Shape::List(Item::Text) => "StringListFilter".to_owned(),
        Shape::List(Item::Uuid) => "UUIDListFilter".to_owned(),
        Shape::List(Item::Enum(def)) => format!("{}ListFilter", def.name),
        // Objects keep the JSON conditions (containment, keys).
        Shape::Object(_) | Shape::Objects(_) => "JSONFilter".to_owned(),
        Shape::List(Item::Float | Item::Int | Item::Boolean | Item::Global(_)) => return None,
    })
}

/// The filter input of a plain column of type `ty`.
fn scalar_filter_type(ty: &ColumnType) -> &'static str {
    match value::type_name(ty) {
        "UUID" => "UUIDFilter",
        "Boolean" => "BooleanFilter",
        "Int" => "IntFilter",
        "Float" => "FloatFilter",
        "Decimal" => "DecimalFilter",
        "DateTime" => "DateTimeFilter",
        "Date" => "DateFilter",
        "Time" => "TimeFilter",
        "JSON" => "JSONFilter",
        _ => "StringFilter",
    }
}

/// `{E}Filter` for an enumeration a column holds: equality, `in` and null
/// checks on its values.
pub fn enum_filter(def: &entity::enums::EnumDef) -> InputObject {
    let e = def.name;
    InputObject::new(format!("{e}Filter"))
        .description(format!("Conditions on `{e}` values; all given must hold."))
        .field(InputValue::new("eq", TypeRef::named(e)).description("Equal to."))
        .field(InputValue::new("ne", TypeRef::named(e)).description("Not equal to."))
        .field(InputValue::new("in", TypeRef::named_nn_list(e)).description("One of."))
        .field(InputValue::new("notIn", TypeRef::named_nn_list(e)).description("None of."))
        .field(
            InputValue::new("isNull", TypeRef::named(TypeRef::BOOLEAN))
                .description("Is (true) or is not (false) null."),
        )
}

/// `{T}ListFilter` for a list field of `item` (a type name).
pub fn list_filter(item: &str) -> InputObject {
    InputObject::new(format!("{item}ListFilter"))
        .description(format!(
            "Conditions on a list of `{item}` values; all given must hold."
        ))
        .field(
            InputValue::new("contains", TypeRef::named_nn_list(item))
                .description("Holds every one of these."),
        )
        .field(
            InputValue::new("overlaps", TypeRef::named_nn_list(item))
                .description("Holds at least one of these."),
        )
        .field(
            InputValue::new("isNull", TypeRef::named(TypeRef::BOOLEAN))
                .description("Is (true) or is not (false) null."),
        )
}

/// The shared scalar filter inputs and `SortDirection`.
pub fn shared_types() -> (Vec<InputObject>, Enum) {
    let scalar = |name: &str, scalar: &str, ranges: bool, text: bool| {
        let mut o = InputObject::new(name)
            .description(format!(
                "Conditions on a {scalar} column; all given must hold."
            ))
            .field(InputValue::new("eq", TypeRef::named(scalar)).description("Equal to."))
            .field(InputValue::new("ne", TypeRef::named(scalar)).description("Not equal to."))
            .field(InputValue::new("in", TypeRef::named_nn_list(scalar)).description("One of."))
            .field(InputValue::new("notIn", TypeRef::named_nn_list(scalar)).description("None of."))
            .field(
                InputValue::new("isNull", TypeRef::named(TypeRef::BOOLEAN))
                    .description("Is (true) or is not (false) null."),
            );
        if ranges {
            for (f, d) in [
                ("lt", "Less than."),
                ("lte", "At most."),
                ("gt", "Greater than."),
                ("gte", "At least."),
            ] {
                o = o.field(InputValue::new(f, TypeRef::named(scalar)).description(d));
            }
        }
        if text {
            o = o
                .field(
                    InputValue::new("contains", TypeRef::named(TypeRef::STRING))
                        .description("Contains, ignoring case."),
                )
                .field(
                    InputValue::new("startsWith", TypeRef::named(TypeRef::STRING))
                        .description("Starts with, ignoring case."),
                );
        }
        o
    };
    let json_key = InputObject::new("JSONKeyFilter")
        .description("A condition on one top-level key of a JSON object (e.g. `metadata.experience_years >= 10`).")
        .field(InputValue::new("key", TypeRef::named_nn(TypeRef::STRING)).description("Letters, digits and `_`."))
        .field(InputValue::new("eq", TypeRef::named("JSON")).description("Equal to this JSON value."))
        .field(InputValue::new("gt", TypeRef::named(TypeRef::FLOAT)).description("Greater than (numeric value)."))
        .field(InputValue::new("gte", TypeRef::named(TypeRef::FLOAT)).description("At least (numeric value)."))
        .field(InputValue::new("lt", TypeRef::named(TypeRef::FLOAT)).description("Less than (numeric value)."))
        .field(InputValue::new("lte", TypeRef::named(TypeRef::FLOAT)).description("At most (numeric value)."))
        .field(InputValue::new("contains", TypeRef::named("JSON")).description("The key's array or object contains this."));
    let json = InputObject::new("JSONFilter")
        .description("Conditions on a JSON field (arrays such as tags, objects such as metadata).")
        .field(InputValue::new("contains", TypeRef::named("JSON")).description("Contains this array (all elements) or object (all keys with these values); PostgreSQL `@>`."))
        .field(InputValue::new("overlaps", TypeRef::named_nn_list("JSON")).description("An array sharing at least one element with this list; PostgreSQL `&&` on arrays."))
        .field(InputValue::new("hasKey", TypeRef::named(TypeRef::STRING)).description("An object with this top-level key."))
        .field(InputValue::new("at", TypeRef::named_nn_list("JSONKeyFilter")).description("Conditions on top-level keys."))
        .field(InputValue::new("isNull", TypeRef::named(TypeRef::BOOLEAN)).description("true: only NULL; false: only non-NULL."));
    let inputs = vec![
        scalar("UUIDFilter", "UUID", false, false),
        scalar("StringFilter", TypeRef::STRING, true, true),
        scalar("IntFilter", TypeRef::INT, true, false),
        scalar("FloatFilter", TypeRef::FLOAT, true, false),
        scalar("DecimalFilter", "Decimal", true, false),
        scalar("BooleanFilter", TypeRef::BOOLEAN, false, false),
        scalar("DateTimeFilter", "DateTime", true, false),
        scalar("DateFilter", "Date", true, false),
        scalar("TimeFilter", "Time", true, false),
        InputObject::new("IDFilter")
            .description("Conditions on a global id.")
            .field(InputValue::new("eq", TypeRef::named(TypeRef::ID)).description("This id."))
            .field(
                InputValue::new("in", TypeRef::named_nn_list(TypeRef::ID))
                    .description("One of these ids."),
            ),
        json_key,
        json,
        list_filter(TypeRef::STRING),
        list_filter("UUID"),
    ];
    let dir = Enum::new("SortDirection")
        .description("Sort order.")
        .item(EnumItem::new("ASC").description("Smallest first."))
        .item(EnumItem::new("DESC").description("Largest first."));
    (inputs, dir)
}

fn screaming(snake: &str) -> String {
    snake.to_ascii_uppercase()
}

/// `{T}Filter`, `{T}OrderField` and `{T}Order` for one table.
pub fn table_types(
    type_name: &str,
    columns: &[ColumnMeta],
    hidden: impl Fn(&str) -> bool,
) -> (InputObject, Enum, InputObject) {
    let filter_name = format!("{type_name}Filter");
    let mut filter = InputObject::new(filter_name.as_str())
        .description(format!(
            "Conditions on `{type_name}` rows; all given must hold."
        ))
        .field(
            InputValue::new("id", TypeRef::named("IDFilter"))
                .description("Conditions on the global id."),
        )
        .field(
            InputValue::new("and", TypeRef::named_nn_list(filter_name.as_str()))
                .description("All of these."),
        )
        .field(
            InputValue::new("or", TypeRef::named_nn_list(filter_name.as_str()))
                .description("Any of these."),
        )
        .field(
            InputValue::new("not", TypeRef::named(filter_name.as_str())).description("Not this."),
        );
    let mut fields = Enum::new(format!("{type_name}OrderField"))
        .description(format!("Columns `{type_name}` lists can be sorted by."));
    for c in columns
        .iter()
        .filter(|c| c.name != "id" && c.name != "tenant_id" && !hidden(c.name))
    {
        let field = value::camel(c.name);
        if let Some(ty) = filter_type(c) {
            filter = filter.field(
                InputValue::new(field.as_str(), TypeRef::named(ty))
                    .description(format!("Conditions on `{field}`.")),
            );
        }
        if c.orderable() {
            fields = fields
                .item(EnumItem::new(screaming(c.name)).description(format!("Sort by `{field}`.")));
        }
    }
    let order = InputObject::new(format!("{type_name}Order"))
        .description(format!("One sort key of a `{type_name}` list."))
        .field(
            InputValue::new("field", TypeRef::named_nn(format!("{type_name}OrderField")))
                .description("The column to sort by."),
        )
        .field(
            InputValue::new("direction", TypeRef::named("SortDirection"))
                .default_value(Value::Enum(async_graphql::Name::new("ASC")))
                .description("Ascending (default) or descending."),
        );
    (filter, fields, order)
}

fn json_of(v: ValueAccessor<'_>) -> Result<serde_json::Value, ApiError> {
    v.as_value()
        .clone()
        .into_json()
        .map_err(|e| ApiError::bad_input(format!("invalid value: {e}")))
}

fn key_name(k: &str) -> Result<String, ApiError> {
    if !k.is_empty() && k.len() <= 64 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(k.to_owned())
    } else {
        Err(ApiError::bad_input(format!(
            "invalid JSON key {k:?}: use letters, digits and `_`"
        )))
    }
}

fn list_of(v: ValueAccessor<'_>) -> Result<Vec<serde_json::Value>, ApiError> {
    let list = v
        .list()
        .map_err(|_| ApiError::bad_input("expected a list"))?;
    list.iter().map(json_of).collect()
}

fn column_ops(
    column: &'static str,
    spec: async_graphql::dynamic::ObjectAccessor<'_>,
    out: &mut Vec<Filter>,
) -> Result<(), ApiError> {
    for (name, v) in spec.iter() {
        if v.is_null() {
            continue;
        }
        let op = match name.as_str() {
            "eq" => Op::Eq(json_of(v)?),
            "ne" => Op::Ne(json_of(v)?),
            "in" => Op::In(list_of(v)?),
            "notIn" => Op::NotIn(list_of(v)?),
            "lt" => Op::Lt(json_of(v)?),
            "lte" => Op::Lte(json_of(v)?),
            "gt" => Op::Gt(json_of(v)?),
            "gte" => Op::Gte(json_of(v)?),
            "contains" => match json_of(v)? {
                serde_json::Value::String(s) => Op::Contains(s),
                j => Op::JsonContains(j),
            },
            "startsWith" => Op::StartsWith(
                v.string()
                    .map_err(|_| ApiError::bad_input("expected text"))?
                    .to_owned(),
            ),
            "isNull" => Op::IsNull(
                v.boolean()
                    .map_err(|_| ApiError::bad_input("expected a boolean"))?,
            ),
            "overlaps" => Op::JsonOverlaps(list_of(v)?),
            "hasKey" => Op::JsonHasKey(key_name(
                v.string()
                    .map_err(|_| ApiError::bad_input("expected text"))?,
            )?),
            "at" => {
                for item in v
                    .list()
                    .map_err(|_| ApiError::bad_input("expected a list"))?
                    .iter()
                {
                    let obj = item
                        .object()
                        .map_err(|_| ApiError::bad_input("expected an object"))?;
                    let key = key_name(
                        obj.try_get("key")
                            .and_then(|k| k.string())
                            .map_err(|_| ApiError::bad_input("`key` is required"))?,
                    )?;
                    let mut inner = vec![];
                    column_ops(column, obj, &mut inner)?;
                    for f in inner {
                        if let Filter::Column(_, op) = f {
                            let op = match op {
                                // `contains` inside a key compares JSON, even for text.
                                Op::Contains(s) => Op::JsonContains(serde_json::Value::String(s)),
                                op => op,
                            };
                            out.push(Filter::Column(
                                column,
                                Op::JsonKey(key.clone(), Box::new(op)),
                            ));
                        }
                    }
                }
                continue;
            }
            "key" => continue,
            other => return Err(ApiError::bad_input(format!("unknown filter {other:?}"))),
        };
        out.push(Filter::Column(column, op));
    }
    Ok(())
}

/// Parses a `{T}Filter` argument. `id` conditions take global ids of `type_name`.
pub fn parse_filter(
    v: ValueAccessor<'_>,
    type_name: &str,
    columns: &[ColumnMeta],
) -> Result<Filter, ApiError> {
    let obj = v
        .object()
        .map_err(|_| ApiError::bad_input("filter must be an object"))?;
    let mut all = vec![];
    for (name, v) in obj.iter() {
        if v.is_null() {
            continue;
        }
        match name.as_str() {
            "and" | "or" => {
                let parts = v
                    .list()
                    .map_err(|_| ApiError::bad_input("expected a list"))?
                    .iter()
                    .map(|f| parse_filter(f, type_name, columns))
                    .collect::<Result<Vec<_>, _>>()?;
                all.push(if name.as_str() == "and" {
                    Filter::And(parts)
                } else {
                    Filter::Or(parts)
                });
            }
            "not" => all.push(Filter::Not(Box::new(parse_filter(v, type_name, columns)?))),
            "id" => {
                let ids = v
                    .object()
                    .map_err(|_| ApiError::bad_input("expected an object"))?;
                let decode = |g: &str| -> Result<serde_json::Value, ApiError> {
                    match crate::ids::decode(g) {
                        Some((t, id)) if t == type_name => Ok(serde_json::json!(id)),
                        _ => Err(ApiError::bad_input(format!(
                            "{g:?} is not a {type_name} id"
                        ))),
                    }
                };
                if let Some(eq) = ids.get("eq").filter(|v| !v.is_null()) {
                    all.push(Filter::Column(
                        "id",
                        Op::Eq(decode(eq.string().unwrap_or_default())?),
                    ));
                }
                if let Some(list) = ids.get("in").filter(|v| !v.is_null()) {
                    let vals = list
                        .list()
                        .map_err(|_| ApiError::bad_input("expected a list"))?
                        .iter()
                        .map(|g| decode(g.string().unwrap_or_default()))
                        .collect::<Result<Vec<_>, _>>()?;
                    all.push(Filter::Column("id", Op::In(vals)));
                }
            }
            camel => {
                let col = columns
                    .iter()
                    .find(|c| value::camel(c.name) == camel)
                    .ok_or_else(|| {
                        ApiError::bad_input(format!("unknown filter field {camel:?}"))
                    })?;
                let spec = v
                    .object()
                    .map_err(|_| ApiError::bad_input("expected an object"))?;
                let from = all.len();
                column_ops(col.name, spec, &mut all)?;
                if let Shape::Enum(def) | Shape::List(Item::Enum(def)) = col.shape {
                    for f in &mut all[from..] {
                        if let Filter::Column(_, op) = f {
                            stored_texts(def, op)?;
                        }
                    }
                }
            }
        }
    }
    Ok(Filter::And(all))
}

/// The comparison `op` on an enumerated column (or a list of an
/// enumeration) with the GraphQL value names replaced by the stored texts
/// they stand for.
fn stored_texts(def: &entity::enums::EnumDef, op: &mut Op) -> Result<(), ApiError> {
    match op {
        Op::Eq(v) | Op::Ne(v) | Op::JsonContains(v) => stored_text(def, v),
        Op::In(vs) | Op::NotIn(vs) | Op::JsonOverlaps(vs) => {
            vs.iter_mut().try_for_each(|v| stored_text(def, v))
        }
        Op::IsNull(_) => Ok(()),
        _ => Err(ApiError::bad_input(format!(
            "unsupported condition on a {}",
            def.name
        ))),
    }
}

/// A value name (or an array of them) as the stored text.
fn stored_text(def: &entity::enums::EnumDef, v: &mut serde_json::Value) -> Result<(), ApiError> {
    use serde_json::Value as J;
    match v {
        J::String(name) => {
            let text = def
                .text_of(name)
                .ok_or_else(|| ApiError::bad_input(format!("{name:?} is not a {}", def.name)))?;
            *v = J::String(text.to_owned());
            Ok(())
        }
        J::Array(items) => items.iter_mut().try_for_each(|i| stored_text(def, i)),
        _ => Err(ApiError::bad_input(format!("expected a {}", def.name))),
    }
}

/// Parses an `orderBy` argument into columns and directions.
pub fn parse_order(
    v: ValueAccessor<'_>,
    columns: &[ColumnMeta],
) -> Result<Vec<(&'static str, Order)>, ApiError> {
    let mut out = vec![];
    for item in v
        .list()
        .map_err(|_| ApiError::bad_input("orderBy must be a list"))?
        .iter()
    {
        let obj = item
            .object()
            .map_err(|_| ApiError::bad_input("expected an object"))?;
        let field = obj
            .try_get("field")
            .and_then(|f| f.enum_name().map(str::to_owned))
            .map_err(|_| ApiError::bad_input("`field` is required"))?;
        let col = columns
            .iter()
            .find(|c| screaming(c.name) == field)
            .ok_or_else(|| ApiError::bad_input(format!("cannot order by {field}")))?;
        let desc = obj
            .get("direction")
            .is_some_and(|d| d.enum_name().is_ok_and(|n| n == "DESC"));
        let dir = if desc { Order::Desc } else { Order::Asc };
        if !out.iter().any(|(c, _)| *c == col.name) {
            out.push((col.name, dir));
        }
    }
    Ok(out)
}

/// A JSON scalar as a database value of the column's type.
pub fn db_value(ty: &ColumnType, v: &serde_json::Value) -> Result<Db, ApiError> {
    use serde_json::Value as J;
    let bad = || ApiError::bad_input(format!("{v} is not a valid {}", value::type_name(ty)));
    Ok(match (ty, v) {
        (ColumnType::Uuid, J::String(s)) => Db::Uuid(Some(s.parse().map_err(|_| bad())?)),
        (
            ColumnType::Integer | ColumnType::SmallInteger | ColumnType::TinyInteger,
            J::Number(n),
        ) => Db::Int(Some(
            n.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(bad)?,
        )),
        (ColumnType::BigInteger, J::Number(n)) => Db::BigInt(Some(n.as_i64().ok_or_else(bad)?)),
        (ColumnType::Float | ColumnType::Double, J::Number(n)) => {
            Db::Double(Some(n.as_f64().ok_or_else(bad)?))
        }
        (ColumnType::Decimal(_), J::String(s)) => Db::Decimal(Some(s.parse().map_err(|_| bad())?)),
        (ColumnType::Decimal(_), J::Number(n)) => {
            Db::Decimal(Some(n.to_string().parse().map_err(|_| bad())?))
        }
        (ColumnType::TimestampWithTimeZone, J::String(s)) => Db::ChronoDateTimeWithTimeZone(Some(
            chrono::DateTime::parse_from_rfc3339(s).map_err(|_| bad())?,
        )),
        (ColumnType::Date, J::String(s)) => Db::ChronoDate(Some(s.parse().map_err(|_| bad())?)),
        (ColumnType::Time, J::String(s)) => Db::ChronoTime(Some(s.parse().map_err(|_| bad())?)),
        (ColumnType::Boolean, J::Bool(b)) => Db::Bool(Some(*b)),
        (ColumnType::Text | ColumnType::String(_) | ColumnType::Char(_), J::String(s)) => {
            Db::String(Some(s.clone()))
        }
        _ => return Err(bad()),
    })
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn q(col: &str) -> String {
    format!("\"{col}\"")
}

/// SQL for one JSON comparison, per backend.
fn json_condition(backend: DbBackend, col: &str, op: &Op) -> Result<Expr, ApiError> {
    let c = q(col);
    let pg = backend == DbBackend::Postgres;
    Ok(match op {
        Op::IsNull(true) => Expr::cust(format!("{c} IS NULL")),
        Op::IsNull(false) => Expr::cust(format!("{c} IS NOT NULL")),
        Op::JsonContains(j) if pg => {
            Expr::cust_with_values(format!("{c} @> CAST($1 AS jsonb)"), [j.to_string()])
        }
        Op::JsonContains(serde_json::Value::Array(items)) => {
            let mut e = Expr::cust("1 = 1");
            for item in items {
                e = e.and(sqlite_has_element(&c, "$", item));
            }
            e
        }
        Op::JsonContains(serde_json::Value::Object(map)) => {
            let mut e = Expr::cust("1 = 1");
            for (k, v) in map {
                let path = format!("$.{}", key_name(k)?);
                e = e.and(match v {
                    serde_json::Value::Array(items) => {
                        let mut all = Expr::cust("1 = 1");
                        for item in items {
                            all = all.and(sqlite_has_element(&c, &path, item));
                        }
                        all
                    }
                    scalar => sqlite_scalar_eq(&c, &path, scalar),
                });
            }
            e
        }
        Op::JsonContains(scalar) => sqlite_has_element(&c, "$", scalar),
        Op::JsonOverlaps(items) => {
            let mut any = Expr::cust("1 = 0");
            for item in items {
                any = any.or(if pg {
                    Expr::cust_with_values(
                        format!("{c} @> CAST($1 AS jsonb)"),
                        [serde_json::json!([item]).to_string()],
                    )
                } else {
                    sqlite_has_element(&c, "$", item)
                });
            }
            any
        }
        Op::JsonHasKey(k) if pg => {
            Expr::cust_with_values(format!("jsonb_exists({c}, $1)"), [k.clone()])
        }
        Op::JsonHasKey(k) => Expr::cust(format!("json_type({c}, '$.{k}') IS NOT NULL")),
        Op::JsonKey(k, inner) => {
            let (text, num) = if pg {
                (
                    format!("({c} -> '{k}')"),
                    format!("CAST({c} ->> '{k}' AS double precision)"),
                )
            } else {
                (
                    format!("json_extract({c}, '$.{k}')"),
                    format!("CAST(json_extract({c}, '$.{k}') AS REAL)"),
                )
            };
            let number = |v: &serde_json::Value| {
                v.as_f64()
                    .ok_or_else(|| ApiError::bad_input("expected a number"))
            };
            let p = if pg { "$1" } else { "?" };
            match inner.as_ref() {
                Op::Eq(v) if pg => {
                    Expr::cust_with_values(format!("{text} = CAST($1 AS jsonb)"), [v.to_string()])
                }
                Op::Eq(v) => sqlite_scalar_eq(&c, &format!("$.{k}"), v),
                Op::Gt(v) => Expr::cust_with_values(format!("{num} > {p}"), [number(v)?]),
                Op::Gte(v) => Expr::cust_with_values(format!("{num} >= {p}"), [number(v)?]),
                Op::Lt(v) => Expr::cust_with_values(format!("{num} < {p}"), [number(v)?]),
                Op::Lte(v) => Expr::cust_with_values(format!("{num} <= {p}"), [number(v)?]),
                Op::JsonContains(v) if pg => {
                    Expr::cust_with_values(format!("{text} @> CAST($1 AS jsonb)"), [v.to_string()])
                }
                Op::JsonContains(serde_json::Value::Array(items)) => {
                    let path = format!("$.{k}");
                    items.iter().fold(Expr::cust("1 = 1"), |e, item| {
                        e.and(sqlite_has_element(&c, &path, item))
                    })
                }
                Op::JsonContains(v) => sqlite_has_element(&c, &format!("$.{k}"), v),
                _ => return Err(ApiError::bad_input("unsupported JSON key condition")),
            }
        }
        _ => {
            return Err(ApiError::bad_input(
                "unsupported condition for a JSON column",
            ));
        }
    })
}

/// SQLite: the array at `path` of `col` has `item` as an element.
fn sqlite_has_element(col: &str, path: &str, item: &serde_json::Value) -> Expr {
    Expr::cust_with_values(
        format!(
            "EXISTS (SELECT 1 FROM json_each({col}, '{path}') WHERE json_each.value = json_extract(?, '$'))"
        ),
        [serde_json::json!(item).to_string()],
    )
}

/// SQLite: the scalar at `path` of `col` equals `v` (JSON booleans read as 1/0
/// on both sides).
fn sqlite_scalar_eq(col: &str, path: &str, v: &serde_json::Value) -> Expr {
    Expr::cust_with_values(
        format!("json_extract({col}, '{path}') = json_extract(?, '$[0]')"),
        [serde_json::json!([v]).to_string()],
    )
}

/// The SQL condition of `f` over `E`'s columns.
pub fn condition<E: EntityTrait>(f: &Filter, backend: DbBackend) -> Result<Condition, ApiError> {
    Ok(match f {
        Filter::And(parts) => parts.iter().try_fold(Condition::all(), |c, p| {
            Ok::<_, ApiError>(c.add(condition::<E>(p, backend)?))
        })?,
        Filter::Or(parts) => {
            if parts.is_empty() {
                return Ok(Condition::all());
            }
            parts.iter().try_fold(Condition::any(), |c, p| {
                Ok::<_, ApiError>(c.add(condition::<E>(p, backend)?))
            })?
        }
        Filter::Not(inner) => condition::<E>(inner, backend)?.not(),
        Filter::Column(name, op) => {
            let col = store::column::<E>(name)
                .map_err(|_| ApiError::bad_input(format!("unknown column {name}")))?;
            let ty = col.def().get_column_type().clone();
            if matches!(ty, ColumnType::Json | ColumnType::JsonBinary) {
                return Ok(Condition::all().add(json_condition(backend, name, op)?));
            }
            let val = |v: &serde_json::Value| db_value(&ty, v);
            let vals = |vs: &[serde_json::Value]| {
                vs.iter()
                    .map(|v| db_value(&ty, v))
                    .collect::<Result<Vec<_>, _>>()
            };
            let e: Expr = match op {
                Op::Eq(v) => col.eq(val(v)?),
                Op::Ne(v) => col.ne(val(v)?),
                Op::In(vs) => col.is_in(vals(vs)?),
                Op::NotIn(vs) => col.is_not_in(vals(vs)?),
                // Ranges compare as the list sorts: text in byte order on
                // every backend (`store::sort_key`).
                Op::Lt(v) => store::sort_key(backend, col).lt(val(v)?),
                Op::Lte(v) => store::sort_key(backend, col).lte(val(v)?),
                Op::Gt(v) => store::sort_key(backend, col).gt(val(v)?),
                Op::Gte(v) => store::sort_key(backend, col).gte(val(v)?),
                Op::IsNull(true) => col.is_null(),
                Op::IsNull(false) => col.is_not_null(),
                Op::Contains(s) | Op::StartsWith(s) => {
                    let lead = if matches!(op, Op::Contains(_)) {
                        "%"
                    } else {
                        ""
                    };
                    let pattern = format!("{lead}{}%", like_escape(&s.to_lowercase()));
                    Func::lower(Expr::col(*name)).like(LikeExpr::new(pattern).escape('\\'))
                }
                _ => {
                    return Err(ApiError::bad_input(format!(
                        "unsupported condition on {name}"
                    )));
                }
            };
            Condition::all().add(e)
        }
    })
}

/// The `filter` / `orderBy` arguments of a list of `table` rows, among a
/// field's `args`, as `principal` may use them.
pub(crate) fn list_query(
    args: &ObjectAccessor<'_>,
    principal: &Principal,
    columns: &[ColumnMeta],
    table: &str,
    type_name: &str,
) -> Result<SharedQuery, ApiError> {
    let filter = match args.get("filter") {
        Some(v) if !v.is_null() => Some(parse_filter(v, type_name, columns)?),
        _ => None,
    };
    let order = match args.get("orderBy") {
        Some(v) if !v.is_null() => parse_order(v, columns)?,
        _ => vec![],
    };
    // A column the caller may not read can neither filter nor order a
    // list: either would reveal it (a correct answer found by bisecting a
    // filter, or read back from a cursor's sort key).
    let used = filter
        .iter()
        .flat_map(|f| f.columns())
        .chain(order.iter().map(|(c, _)| *c));
    for column in used {
        if !matches!(
            auth::policy::field_access(table, column, principal),
            FieldAccess::Visible
        ) {
            return Err(ApiError::new(
                crate::error::ErrorCode::Forbidden,
                format!(
                    "`{}` cannot be used to filter or order this list",
                    value::camel(column)
                ),
            ));
        }
    }
    let list = ListQuery::new(filter, order);
    Ok((!list.is_default()).then(|| Arc::new(list)))
}
