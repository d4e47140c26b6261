//! Generic per-table operations. Every entity becomes an [`EntityTable`]
//! behind the object-safe [`TableOps`], so the schema builder, the loaders and
//! the connections are written once and know tables only by name.

use std::{any::Any, collections::HashMap, marker::PhantomData, sync::Arc};

use futures::future::BoxFuture;
use sea_orm::{
    ColumnTrait, ColumnType, Condition, DbBackend, EntityTrait, IdenStatic, Iterable, ModelTrait,
    Order, Value as Db,
    sea_query::{Expr, ExprTrait, NullOrdering, SelectStatement},
};
use store::{Reader, Scope, column};
use uuid::Uuid;

use crate::{
    error::ApiError,
    filter::SharedQuery,
    value::{ColumnMeta, Shape},
};

/// Reads a column of a type-erased model by name.
type Getter = fn(&(dyn Any + Send + Sync), &str) -> Option<Db>;

/// One row of any table, type-erased so one loader and one connection type
/// serve all tables.
#[derive(Clone)]
pub struct AnyRow {
    pub table: &'static str,
    model: Arc<dyn Any + Send + Sync>,
    getter: Getter,
}

impl AnyRow {
    /// A row of entity `E`.
    pub fn new<E: EntityTrait>(model: E::Model) -> Self
    where
        E::Model: Sync,
    {
        AnyRow {
            table: E::default().as_str(),
            model: Arc::new(model),
            getter: getter::<E>,
        }
    }

    /// The value of column `name`, or `None` if the table has no such column.
    pub fn get(&self, name: &str) -> Option<Db> {
        (self.getter)(self.model.as_ref(), name)
    }

    /// The value of a UUID column (`None` when NULL or absent).
    pub fn uuid(&self, name: &str) -> Option<Uuid> {
        match self.get(name) {
            Some(Db::Uuid(Some(u))) => Some(u),
            _ => None,
        }
    }

    pub fn id(&self) -> Uuid {
        self.uuid("id").unwrap_or_default()
    }
}

/// A page request, already validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageQuery {
    /// Filter and order from the arguments.
    pub list: SharedQuery,
    /// Rows to fetch (one more than the page, to learn if there is more).
    pub fetch: u64,
    /// Walk backwards from `before` (a `last` page).
    pub backward: bool,
    /// Keyset bound: the sort values and id of the cursor row.
    pub after: Option<(Vec<serde_json::Value>, Uuid)>,
    pub before: Option<(Vec<serde_json::Value>, Uuid)>,
}

/// Nested pages are grouped by their request in the loader's keys.
impl std::hash::Hash for PageQuery {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.list.hash(state);
        self.fetch.hash(state);
        self.backward.hash(state);
        for (values, id) in [&self.after, &self.before].into_iter().flatten() {
            serde_json::Value::Array(values.clone())
                .to_string()
                .hash(state);
            id.hash(state);
        }
    }
}

/// A page of rows and, when asked for, the size of the whole list.
pub type PageResult = Result<(Vec<AnyRow>, Option<u64>), ApiError>;

pub trait TableOps: Send + Sync + 'static {
    fn table(&self) -> &'static str;
    fn columns(&self) -> &[ColumnMeta];
    /// The columns lists are sorted by when not told otherwise, `id` last.
    fn default_order(&self) -> Vec<&'static str>;
    /// Rows whose `column` is one of `keys`, each paired with its key, in the
    /// table's order. One SQL statement.
    fn load_by<'a>(
        &'a self,
        scope: &'a Scope,
        column: &'a str,
        keys: Vec<Uuid>,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>>;
    /// One page of the list under each of `keys` (the rows whose `column`
    /// is the key), at most `query.fetch` rows each, in the list's order:
    /// the database pages every parent's list. One SQL statement.
    fn pages_by<'a>(
        &'a self,
        scope: &'a Scope,
        column: &'a str,
        keys: Vec<Uuid>,
        query: &'a PageQuery,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>>;
    /// The size of the list under each of `keys` (absent: none). One SQL
    /// statement.
    fn count_by<'a>(
        &'a self,
        scope: &'a Scope,
        column: &'a str,
        keys: Vec<Uuid>,
        list: &'a SharedQuery,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, u64)>, ApiError>>;
    /// One page in the table's order, and the total when asked for.
    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        query: PageQuery,
        with_total: bool,
    ) -> BoxFuture<'a, PageResult>;
    /// The sort key of a row (its columns read through `get`) under
    /// `list`'s order, as written into cursors.
    fn sort_key(
        &self,
        get: &dyn Fn(&str) -> Option<Db>,
        list: &SharedQuery,
    ) -> Vec<serde_json::Value>;
    /// The columns a cursor of `list` holds, before the id.
    fn sort_columns(&self, list: &SharedQuery) -> Vec<&'static str>;
    /// The compiled read path's query of a page: what [`TableOps::page`] and
    /// [`TableOps::pages_by`] read (tenant, read rules, filter, order,
    /// cursors, `query.fetch` rows), selecting `columns` only, and with
    /// `parent`, only the rows whose column equals the parent's expression.
    fn page_statement(
        &self,
        scope: &Scope,
        query: &PageQuery,
        parent: Option<Under<'_>>,
        columns: &[&'static str],
    ) -> Result<SelectStatement, ApiError>;
    /// The compiled read path's count of a list (under a parent, if any).
    fn count_statement(
        &self,
        scope: &Scope,
        list: &SharedQuery,
        parent: Option<Under<'_>>,
    ) -> Result<SelectStatement, ApiError>;
    /// The compiled read path's query of the row whose id is `id`, if
    /// visible, selecting `columns`.
    fn row_statement(
        &self,
        scope: &Scope,
        id: Expr,
        columns: &[&'static str],
    ) -> Result<SelectStatement, ApiError>;
}

/// The parent row of a nested list in a compiled statement.
#[derive(Clone)]
pub struct Under<'a> {
    /// The list's column that holds the parent's key.
    pub column: &'a str,
    /// The parent's key (a column of the enclosing query).
    pub key: Expr,
    /// Whether the caller may read every row the parent's key reaches,
    /// the parent row being one they may read
    /// (`auth::policy::implied_through`): the list then needs no read
    /// rules of its own.
    pub implied: bool,
}

pub struct EntityTable<E: EntityTrait> {
    columns: Vec<ColumnMeta>,
    /// Sort columns (NOT NULL), then `id` as the tie-breaker.
    order: Vec<E::Column>,
    _e: PhantomData<E>,
}

fn getter<E: EntityTrait>(model: &(dyn Any + Send + Sync), name: &str) -> Option<Db> {
    let model = model.downcast_ref::<E::Model>()?;
    let col = column::<E>(name).ok()?;
    Some(model.get(col))
}

impl<E: EntityTrait> EntityTable<E>
where
    E::Model: Sync,
{
    /// `order`: the columns pages are sorted by before `id`; each must be NOT NULL.
    /// `shape`: how each column looks in the API beyond its type.
    pub fn new(order: &[E::Column], shape: impl Fn(&str, &str) -> Shape) -> Result<Self, String> {
        let table = E::default().as_str();
        let columns: Vec<ColumnMeta> = E::Column::iter()
            .map(|c| {
                let def = c.def();
                ColumnMeta {
                    name: c.as_str(),
                    ty: def.get_column_type().clone(),
                    nullable: def.is_null(),
                    shape: shape(table, c.as_str()),
                }
            })
            .collect();
        let id = column::<E>("id").map_err(|e| e.to_string())?;
        let mut cols = Vec::new();
        for c in order.iter().copied().chain([id]) {
            if c.def().is_null() {
                let name = c.as_str();
                return Err(format!("{table}.{name} is nullable and cannot order pages"));
            }
            cols.push(c);
        }
        Ok(Self {
            columns,
            order: cols,
            _e: PhantomData,
        })
    }

    fn row(model: E::Model) -> AnyRow {
        AnyRow::new::<E>(model)
    }

    /// The full order of a list: the requested keys, then the table's
    /// default order, then `id`.
    fn order_for(&self, list: &SharedQuery) -> Vec<(E::Column, Order)> {
        let mut out: Vec<(E::Column, Order)> = Vec::new();
        if let Some(l) = list {
            for (name, dir) in &l.order {
                if let Ok(c) = column::<E>(name) {
                    out.push((c, dir.clone()));
                }
            }
        }
        for c in &self.order {
            if !out.iter().any(|(o, _)| o.as_str() == c.as_str()) {
                out.push((*c, Order::Asc));
            }
        }
        out
    }

    /// Rows strictly after (or, `after == false`, before) the cursor row in
    /// `order`, with NULLs sorting last in both directions: the
    /// lexicographic comparison spelled out so both backends use the index.
    /// Each column is compared through [`store::sort_key`], the expression
    /// the list is ordered by, so seek and order agree (text in byte order).
    fn keyset(
        &self,
        backend: DbBackend,
        order: &[(E::Column, Order)],
        values: &[serde_json::Value],
        id: Uuid,
        after: bool,
    ) -> Result<Condition, ApiError> {
        if values.len() + 1 != order.len() {
            return Err(invalid_cursor());
        }
        let id_json = serde_json::json!(id);
        let mut any = Condition::any();
        let mut ties = Condition::all();
        for (i, (col, dir)) in order.iter().enumerate() {
            let v = values.get(i).unwrap_or(&id_json);
            let key = store::sort_key(backend, *col);
            let (past, tie) = if v.is_null() {
                if !col.def().is_null() {
                    return Err(invalid_cursor());
                }
                // NULLs come last: after a NULL only other NULLs (by the next
                // keys); before it every non-NULL.
                let past = if after {
                    Condition::all().add(Expr::cust("1 = 0"))
                } else {
                    Condition::all().add(key.clone().is_not_null())
                };
                (past, Condition::all().add(key.is_null()))
            } else {
                let db = from_json(col.def().get_column_type(), v).ok_or_else(invalid_cursor)?;
                let ascending = matches!(dir, Order::Asc);
                let beyond = if ascending == after {
                    key.clone().gt(db.clone())
                } else {
                    key.clone().lt(db.clone())
                };
                let past = if after {
                    Condition::any().add(beyond).add(key.clone().is_null())
                } else {
                    Condition::all().add(beyond).add(key.clone().is_not_null())
                };
                (past, Condition::all().add(key.eq(db)))
            };
            any = any.add(ties.clone().add(past));
            ties = ties.add(tie);
        }
        Ok(any)
    }

    /// The scoped query for `list`'s filter, unordered (for counting);
    /// `implied`: without the read rules ([`Under::implied`]).
    fn filtered(
        &self,
        scope: &Scope,
        list: &SharedQuery,
        implied: bool,
    ) -> Result<store::Scoped<E>, ApiError> {
        let q = match implied {
            true => scope.select_unrestricted::<E>(),
            false => scope.select::<E>(),
        };
        Ok(match list.as_ref().and_then(|l| l.filter.as_ref()) {
            Some(f) => q.filter(crate::filter::condition::<E>(f, scope.backend())?),
            None => q,
        })
    }

    /// The scoped query for `list`: filter applied, ordered (reversed for a
    /// backward page), NULLs last.
    fn listed(
        &self,
        scope: &Scope,
        list: &SharedQuery,
        backward: bool,
        implied: bool,
    ) -> Result<store::Scoped<E>, ApiError> {
        let mut q = self.filtered(scope, list, implied)?;
        for (c, dir) in self.order_for(list) {
            let (dir, nulls) = match (dir, backward) {
                (Order::Asc, false) => (Order::Asc, NullOrdering::Last),
                (Order::Asc, true) => (Order::Desc, NullOrdering::First),
                (_, false) => (Order::Desc, NullOrdering::Last),
                (_, true) => (Order::Asc, NullOrdering::First),
            };
            // A column that is never NULL is ordered plainly, so an index
            // serves the order on SQLite too (which cannot walk an index
            // for a `NULLS LAST` key, and does not know a non-INTEGER
            // primary key is never NULL).
            q = if c.def().is_null() {
                q.order_by_with_nulls(c, dir, nulls)
            } else {
                q.order_by(c, dir)
            };
        }
        Ok(q)
    }
}

impl<E: EntityTrait> EntityTable<E>
where
    E::Model: Sync,
{
    /// The scoped query of a page: the list's filter and order (reversed
    /// for a backward page) and its cursors as keyset bounds.
    fn seeked(
        &self,
        scope: &Scope,
        query: &PageQuery,
        implied: bool,
    ) -> Result<store::Scoped<E>, ApiError> {
        let order = self.order_for(&query.list);
        let backend = scope.backend();
        let mut q = self.listed(scope, &query.list, query.backward, implied)?;
        if let Some((vals, id)) = &query.after {
            q = q.filter(self.keyset(backend, &order, vals, *id, true)?);
        }
        if let Some((vals, id)) = &query.before {
            q = q.filter(self.keyset(backend, &order, vals, *id, false)?);
        }
        Ok(q)
    }

    /// The rows of a page fetched walking backwards, back in list order.
    fn in_list_order<T>(query: &PageQuery, mut rows: Vec<T>) -> Vec<T> {
        if query.backward {
            rows.reverse();
        }
        rows
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_input("invalid cursor for this list")
}

/// How a cursor writes a `Time` (as many fraction digits as the value has),
/// and `DateTime`s are RFC 3339 likewise: the same text the SQLite driver
/// stores, so a seek compares equal to the row it came from.
const TIME_FORMAT: &str = "%H:%M:%S%.f";

/// A database value as it is written into a cursor: exact for every
/// sortable type, so seeking from the cursor lands next to its row.
/// Decimals are written as text at the column's scale (SQLite hands them
/// back through a float; at the scale they are exact again), floats that
/// JSON cannot carry as text, NULL as `null`.
fn to_json(v: Db, ty: &ColumnType) -> serde_json::Value {
    use serde_json::json;
    match v {
        Db::Uuid(Some(u)) => json!(u),
        Db::TinyInt(Some(n)) => json!(n),
        Db::SmallInt(Some(n)) => json!(n),
        Db::Int(Some(n)) => json!(n),
        Db::BigInt(Some(n)) => json!(n),
        Db::TinyUnsigned(Some(n)) => json!(n),
        Db::SmallUnsigned(Some(n)) => json!(n),
        Db::Unsigned(Some(n)) => json!(n),
        Db::BigUnsigned(Some(n)) => json!(n),
        Db::Float(Some(x)) => float_json(f64::from(x)),
        Db::Double(Some(x)) => float_json(x),
        Db::Decimal(Some(d)) => json!(match ty {
            ColumnType::Decimal(Some((_, scale))) => d.round_dp(*scale).to_string(),
            _ => d.normalize().to_string(),
        }),
        Db::ChronoDateTimeWithTimeZone(Some(t)) => json!(t.to_rfc3339()),
        Db::ChronoDateTimeUtc(Some(t)) => json!(t.fixed_offset().to_rfc3339()),
        Db::ChronoDateTime(Some(t)) => json!(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
        Db::ChronoDate(Some(d)) => json!(d.format("%Y-%m-%d").to_string()),
        Db::ChronoTime(Some(t)) => json!(t.format(TIME_FORMAT).to_string()),
        Db::String(Some(s)) => json!(s),
        Db::Bool(Some(b)) => json!(b),
        _ => serde_json::Value::Null,
    }
}

/// A float as a JSON number, or as text when JSON has no number for it.
fn float_json(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x)
        .map(serde_json::Value::Number)
        .unwrap_or_else(|| serde_json::Value::String(x.to_string()))
}

/// A cursor's JSON sort value back as a database value of the column's
/// type; `None` when it is not one (a forged or foreign cursor).
fn from_json(ty: &ColumnType, v: &serde_json::Value) -> Option<Db> {
    use serde_json::Value as J;
    let float = |v: &J| match v {
        J::Number(n) => n.as_f64(),
        J::String(s) => s.parse::<f64>().ok().filter(|x| !x.is_finite()),
        _ => None,
    };
    Some(match (ty, v) {
        (ColumnType::Uuid, J::String(s)) => Db::Uuid(Some(s.parse().ok()?)),
        (ColumnType::TinyInteger, J::Number(n)) => Db::TinyInt(Some(n.as_i64()?.try_into().ok()?)),
        (ColumnType::SmallInteger, J::Number(n)) => {
            Db::SmallInt(Some(n.as_i64()?.try_into().ok()?))
        }
        (ColumnType::Integer, J::Number(n)) => Db::Int(Some(n.as_i64()?.try_into().ok()?)),
        (ColumnType::BigInteger, J::Number(n)) => Db::BigInt(Some(n.as_i64()?)),
        (ColumnType::TinyUnsigned, J::Number(n)) => {
            Db::TinyUnsigned(Some(n.as_u64()?.try_into().ok()?))
        }
        (ColumnType::SmallUnsigned, J::Number(n)) => {
            Db::SmallUnsigned(Some(n.as_u64()?.try_into().ok()?))
        }
        (ColumnType::Unsigned, J::Number(n)) => Db::Unsigned(Some(n.as_u64()?.try_into().ok()?)),
        (ColumnType::BigUnsigned, J::Number(n)) => Db::BigUnsigned(Some(n.as_u64()?)),
        (ColumnType::Float, v) => Db::Float(Some(float(v)? as f32)),
        (ColumnType::Double, v) => Db::Double(Some(float(v)?)),
        (ColumnType::Decimal(_) | ColumnType::Money(_), J::String(s)) => {
            Db::Decimal(Some(s.parse().ok()?))
        }
        (ColumnType::TimestampWithTimeZone, J::String(s)) => {
            Db::ChronoDateTimeWithTimeZone(Some(chrono::DateTime::parse_from_rfc3339(s).ok()?))
        }
        (ColumnType::DateTime | ColumnType::Timestamp, J::String(s)) => Db::ChronoDateTime(Some(
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?,
        )),
        (ColumnType::Date, J::String(s)) => {
            Db::ChronoDate(Some(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?))
        }
        (ColumnType::Time, J::String(s)) => Db::ChronoTime(Some(
            chrono::NaiveTime::parse_from_str(s, TIME_FORMAT).ok()?,
        )),
        (ty, J::String(s)) if store::is_text(ty) => Db::String(Some(s.clone())),
        (ColumnType::Boolean, J::Bool(b)) => Db::Bool(Some(*b)),
        _ => return None,
    })
}

impl<E: EntityTrait> TableOps for EntityTable<E>
where
    E::Model: Sync,
{
    fn table(&self) -> &'static str {
        E::default().as_str()
    }

    fn columns(&self) -> &[ColumnMeta] {
        &self.columns
    }

    fn default_order(&self) -> Vec<&'static str> {
        self.order.iter().map(|c| c.as_str()).collect()
    }

    fn load_by<'a>(
        &'a self,
        scope: &'a Scope,
        column_name: &'a str,
        keys: Vec<Uuid>,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>> {
        Box::pin(async move {
            let col = column::<E>(column_name)?;
            let q = self
                .listed(scope, &None, false, false)?
                .filter(col.is_in(keys));
            Ok(q.all()
                .await?
                .into_iter()
                .filter_map(|m| match m.get(col) {
                    Db::Uuid(Some(k)) => Some((k, Self::row(m))),
                    _ => None,
                })
                .collect())
        })
    }

    fn pages_by<'a>(
        &'a self,
        scope: &'a Scope,
        column_name: &'a str,
        keys: Vec<Uuid>,
        query: &'a PageQuery,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>> {
        Box::pin(async move {
            let col = column::<E>(column_name)?;
            let models = self
                .seeked(scope, query, false)?
                .first_per(col, &keys, query.fetch)
                .await?;
            let rows = models.into_iter().filter_map(|m| match m.get(col) {
                Db::Uuid(Some(k)) => Some((k, Self::row(m))),
                _ => None,
            });
            Ok(Self::in_list_order(query, rows.collect()))
        })
    }

    fn count_by<'a>(
        &'a self,
        scope: &'a Scope,
        column_name: &'a str,
        keys: Vec<Uuid>,
        list: &'a SharedQuery,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, u64)>, ApiError>> {
        Box::pin(async move {
            let col = column::<E>(column_name)?;
            Ok(self
                .filtered(scope, list, false)?
                .count_per(col, keys)
                .await?)
        })
    }

    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        query: PageQuery,
        with_total: bool,
    ) -> BoxFuture<'a, PageResult> {
        Box::pin(async move {
            let total = if with_total {
                Some(self.filtered(scope, &query.list, false)?.count().await?)
            } else {
                None
            };
            let rows = self
                .seeked(scope, &query, false)?
                .limit(query.fetch)
                .all()
                .await?;
            let rows = rows.into_iter().map(Self::row).collect();
            Ok((Self::in_list_order(&query, rows), total))
        })
    }

    fn sort_key(
        &self,
        get: &dyn Fn(&str) -> Option<Db>,
        list: &SharedQuery,
    ) -> Vec<serde_json::Value> {
        let order = self.order_for(list);
        order
            .iter()
            .take(order.len() - 1)
            .map(|(c, _)| {
                to_json(
                    get(c.as_str()).unwrap_or(Db::Int(None)),
                    c.def().get_column_type(),
                )
            })
            .collect()
    }

    fn sort_columns(&self, list: &SharedQuery) -> Vec<&'static str> {
        let order = self.order_for(list);
        order[..order.len() - 1]
            .iter()
            .map(|(c, _)| c.as_str())
            .collect()
    }

    fn page_statement(
        &self,
        scope: &Scope,
        query: &PageQuery,
        parent: Option<Under<'_>>,
        columns: &[&'static str],
    ) -> Result<SelectStatement, ApiError> {
        let implied = parent.as_ref().is_some_and(|u| u.implied);
        let q = Self::under(self.seeked(scope, query, implied)?, parent)?;
        Self::selecting(q.limit(query.fetch).into_statement(), columns)
    }

    fn count_statement(
        &self,
        scope: &Scope,
        list: &SharedQuery,
        parent: Option<Under<'_>>,
    ) -> Result<SelectStatement, ApiError> {
        let implied = parent.as_ref().is_some_and(|u| u.implied);
        let mut q = Self::under(self.filtered(scope, list, implied)?, parent)?.into_statement();
        q.clear_selects();
        q.expr(Expr::cust("COUNT(*)"));
        Ok(q)
    }

    fn row_statement(
        &self,
        scope: &Scope,
        id: Expr,
        columns: &[&'static str],
    ) -> Result<SelectStatement, ApiError> {
        let q = Self::under(
            scope.select::<E>(),
            Some(Under {
                column: "id",
                key: id,
                implied: false,
            }),
        )?;
        Self::selecting(q.into_statement(), columns)
    }
}

impl<E: EntityTrait> EntityTable<E>
where
    E::Model: Sync,
{
    /// `q` narrowed to the rows whose `column` equals the parent's expression.
    fn under(q: store::Scoped<E>, parent: Option<Under<'_>>) -> Result<store::Scoped<E>, ApiError> {
        Ok(match parent {
            Some(Under {
                column: name, key, ..
            }) => q.filter(Expr::col((E::default(), column::<E>(name)?)).eq(key)),
            None => q,
        })
    }

    /// `q` selecting `columns` only, by name (checked against the table).
    fn selecting(
        mut q: SelectStatement,
        columns: &[&'static str],
    ) -> Result<SelectStatement, ApiError> {
        q.clear_selects();
        for name in columns {
            q.column((E::default(), column::<E>(name)?));
        }
        Ok(q)
    }
}

/// All tables the API serves, by table name.
pub type Catalog = HashMap<&'static str, Arc<dyn TableOps>>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every sortable type survives the cursor unchanged, NULL included.
    #[test]
    fn cursor_values_round_trip() {
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let cases: Vec<(ColumnType, Db)> = vec![
            (ColumnType::Uuid, Db::Uuid(Some(Uuid::new_v4()))),
            (ColumnType::Integer, Db::Int(Some(-7))),
            (ColumnType::BigInteger, Db::BigInt(Some(1 << 40))),
            (ColumnType::Double, Db::Double(Some(0.1))),
            (
                ColumnType::Decimal(Some((10, 2))),
                Db::Decimal(Some(d("49.50"))),
            ),
            (
                ColumnType::Decimal(Some((3, 2))),
                Db::Decimal(Some(d("4.67"))),
            ),
            (
                ColumnType::TimestampWithTimeZone,
                Db::ChronoDateTimeWithTimeZone(Some(
                    chrono::DateTime::parse_from_rfc3339("2026-11-20T09:30:00.123456+02:00")
                        .unwrap(),
                )),
            ),
            (
                ColumnType::Date,
                Db::ChronoDate(Some(chrono::NaiveDate::from_ymd_opt(2026, 2, 3).unwrap())),
            ),
            (
                ColumnType::Time,
                Db::ChronoTime(Some(
                    chrono::NaiveTime::from_hms_milli_opt(9, 5, 0, 250).unwrap(),
                )),
            ),
            (ColumnType::Text, Db::String(Some("Ähre \"x\"".into()))),
            (ColumnType::Boolean, Db::Bool(Some(false))),
        ];
        for (ty, v) in cases {
            let j = to_json(v.clone(), &ty);
            assert_eq!(from_json(&ty, &j), Some(v), "{ty:?} via {j}");
        }
        assert_eq!(
            to_json(Db::Decimal(None), &ColumnType::Decimal(None)),
            json!(null)
        );
    }

    /// A Decimal read back through a float (SQLite) is written at its scale.
    #[test]
    fn decimals_are_written_at_the_column_scale() {
        let noisy = rust_decimal::Decimal::try_from(4.67_f64 + 1e-12).unwrap();
        assert_eq!(
            to_json(Db::Decimal(Some(noisy)), &ColumnType::Decimal(Some((3, 2)))),
            json!("4.67")
        );
    }

    #[test]
    fn foreign_values_are_refused() {
        for (ty, j) in [
            (ColumnType::Uuid, json!("nope")),
            (ColumnType::Integer, json!("1")),
            (ColumnType::Integer, json!(1u64 << 40)),
            (ColumnType::Decimal(Some((10, 2))), json!("1e")),
            (ColumnType::Decimal(Some((10, 2))), json!(true)),
            (ColumnType::Date, json!("2026-13-01")),
            (ColumnType::TimestampWithTimeZone, json!("yesterday")),
            (ColumnType::Boolean, json!(1)),
            (ColumnType::Text, json!(3)),
            (ColumnType::Double, json!("1.5")),
        ] {
            assert_eq!(from_json(&ty, &j), None, "{ty:?} {j}");
        }
    }
}
