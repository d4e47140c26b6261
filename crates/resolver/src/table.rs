//! Generic per-table operations. Every entity becomes an [`EntityTable`]
//! behind the object-safe [`TableOps`], so the schema builder, the loaders and
//! the connections are written once and know tables only by name.

use std::{any::Any, collections::HashMap, marker::PhantomData, sync::Arc};

use futures::future::BoxFuture;
use sea_orm::{
    ColumnTrait, ColumnType, Condition, EntityTrait, IdenStatic, Iterable, ModelTrait, Order,
    Value as Db,
    sea_query::{Expr, NullOrdering},
};
use store::{Scope, column};
use uuid::Uuid;

use crate::{error::ApiError, filter::SharedQuery};

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

/// What the API knows of one column.
#[derive(Clone, Debug)]
pub struct ColumnMeta {
    pub name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
}

/// A page request, already validated.
#[derive(Clone, Debug)]
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

/// A page of rows and, when asked for, the size of the whole list.
pub type PageResult = Result<(Vec<AnyRow>, Option<u64>), ApiError>;

pub trait TableOps: Send + Sync + 'static {
    fn table(&self) -> &'static str;
    fn columns(&self) -> &[ColumnMeta];
    /// Rows whose `column` is one of `keys`, each paired with its key, in the
    /// table's order. One SQL statement.
    fn load_by<'a>(
        &'a self,
        scope: &'a Scope,
        column: &'a str,
        keys: Vec<Uuid>,
        list: &'a SharedQuery,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>>;
    /// One page in the table's order, and the total when asked for.
    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        query: PageQuery,
        with_total: bool,
    ) -> BoxFuture<'a, PageResult>;
    /// The sort key of a row under `list`'s order, as written into cursors.
    fn sort_key(&self, row: &AnyRow, list: &SharedQuery) -> Vec<serde_json::Value>;
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
    pub fn new(order: &[&str]) -> Result<Self, String> {
        let columns: Vec<ColumnMeta> = E::Column::iter()
            .map(|c| {
                let def = c.def();
                ColumnMeta {
                    name: c.as_str(),
                    ty: def.get_column_type().clone(),
                    nullable: def.is_null(),
                }
            })
            .collect();
        let table = E::default().as_str();
        let mut cols = Vec::new();
        for name in order.iter().copied().chain(["id"]) {
            let c = column::<E>(name).map_err(|e| e.to_string())?;
            if c.def().is_null() {
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
    fn keyset(
        &self,
        order: &[(E::Column, Order)],
        values: &[serde_json::Value],
        id: Uuid,
        after: bool,
    ) -> Result<Condition, ApiError> {
        let invalid = || ApiError::bad_input("invalid cursor for this list");
        if values.len() + 1 != order.len() {
            return Err(invalid());
        }
        let all_values: Vec<&serde_json::Value> = values.iter().collect();
        let id_json = serde_json::json!(id);
        let mut any = Condition::any();
        let mut ties = Condition::all();
        for (i, (col, dir)) in order.iter().enumerate() {
            let v = all_values.get(i).copied().unwrap_or(&id_json);
            let (past, tie) = if v.is_null() {
                // NULLs come last: after a NULL only other NULLs (by the next
                // keys); before it every non-NULL.
                if after {
                    (
                        Condition::all().add(Expr::cust("1 = 0")),
                        Condition::all().add(col.is_null()),
                    )
                } else {
                    (
                        Condition::all().add(col.is_not_null()),
                        Condition::all().add(col.is_null()),
                    )
                }
            } else {
                let db = from_json(col.def().get_column_type(), v).ok_or_else(invalid)?;
                let ascending = matches!(dir, Order::Asc);
                let beyond = if ascending == after {
                    col.gt(db.clone())
                } else {
                    col.lt(db.clone())
                };
                let past = if after {
                    Condition::any().add(beyond).add(col.is_null())
                } else {
                    Condition::all().add(beyond).add(col.is_not_null())
                };
                (past, Condition::all().add(col.eq(db)))
            };
            any = any.add(ties.clone().add(past));
            ties = ties.add(tie);
        }
        Ok(any)
    }

    /// The scoped query for `list`: filter applied, ordered (reversed for a
    /// backward page), NULLs last.
    fn listed(
        &self,
        scope: &Scope,
        list: &SharedQuery,
        backward: bool,
    ) -> Result<store::Scoped<E>, ApiError> {
        let mut q = scope.select::<E>();
        if let Some(f) = list.as_ref().and_then(|l| l.filter.as_ref()) {
            q = q.filter(crate::filter::condition::<E>(f, scope.backend())?);
        }
        for (c, dir) in self.order_for(list) {
            let (dir, nulls) = match (dir, backward) {
                (Order::Asc, false) => (Order::Asc, NullOrdering::Last),
                (Order::Asc, true) => (Order::Desc, NullOrdering::First),
                (_, false) => (Order::Desc, NullOrdering::Last),
                (_, true) => (Order::Asc, NullOrdering::First),
            };
            q = q.order_by_with_nulls(c, dir, nulls);
        }
        Ok(q)
    }
}

/// A cursor's JSON sort value back as a database value of the column's type.
fn from_json(ty: &ColumnType, v: &serde_json::Value) -> Option<Db> {
    use serde_json::Value as J;
    Some(match (ty, v) {
        (ColumnType::Uuid, J::String(s)) => Db::Uuid(Some(s.parse().ok()?)),
        (
            ColumnType::Integer | ColumnType::SmallInteger | ColumnType::TinyInteger,
            J::Number(n),
        ) => Db::Int(Some(i32::try_from(n.as_i64()?).ok()?)),
        (ColumnType::BigInteger, J::Number(n)) => Db::BigInt(Some(n.as_i64()?)),
        (ColumnType::TimestampWithTimeZone, J::String(s)) => {
            Db::ChronoDateTimeWithTimeZone(Some(chrono::DateTime::parse_from_rfc3339(s).ok()?))
        }
        (ColumnType::Date, J::String(s)) => Db::ChronoDate(Some(s.parse().ok()?)),
        (ColumnType::Text | ColumnType::String(_), J::String(s)) => Db::String(Some(s.clone())),
        (ColumnType::Boolean, J::Bool(b)) => Db::Bool(Some(*b)),
        _ => return None,
    })
}

/// A database value as it is written into a cursor.
fn to_json(v: Db) -> serde_json::Value {
    use serde_json::json;
    match v {
        Db::Uuid(Some(u)) => json!(u),
        Db::Int(Some(n)) => json!(n),
        Db::SmallInt(Some(n)) => json!(n),
        Db::TinyInt(Some(n)) => json!(n),
        Db::BigInt(Some(n)) => json!(n),
        Db::ChronoDateTimeWithTimeZone(Some(t)) => json!(t.to_rfc3339()),
        Db::ChronoDate(Some(d)) => json!(d.to_string()),
        Db::String(Some(s)) => json!(s),
        Db::Bool(Some(b)) => json!(b),
        _ => serde_json::Value::Null,
    }
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

    fn load_by<'a>(
        &'a self,
        scope: &'a Scope,
        column_name: &'a str,
        keys: Vec<Uuid>,
        list: &'a SharedQuery,
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>> {
        Box::pin(async move {
            let col = column::<E>(column_name)?;
            let q = self.listed(scope, list, false)?.filter(col.is_in(keys));
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

    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        query: PageQuery,
        with_total: bool,
    ) -> BoxFuture<'a, PageResult> {
        Box::pin(async move {
            let total = if with_total {
                Some(self.listed(scope, &query.list, false)?.count().await?)
            } else {
                None
            };
            let order = self.order_for(&query.list);
            let mut q = self.listed(scope, &query.list, query.backward)?;
            if let Some((vals, id)) = &query.after {
                q = q.filter(self.keyset(&order, vals, *id, true)?);
            }
            if let Some((vals, id)) = &query.before {
                q = q.filter(self.keyset(&order, vals, *id, false)?);
            }
            let mut rows: Vec<AnyRow> = q
                .limit(query.fetch)
                .all()
                .await?
                .into_iter()
                .map(Self::row)
                .collect();
            if query.backward {
                rows.reverse();
            }
            Ok((rows, total))
        })
    }

    fn sort_key(&self, row: &AnyRow, list: &SharedQuery) -> Vec<serde_json::Value> {
        let order = self.order_for(list);
        order
            .iter()
            .take(order.len() - 1)
            .map(|(c, _)| to_json(row.get(c.as_str()).unwrap_or(Db::Int(None))))
            .collect()
    }
}

/// All tables the API serves, by table name.
pub type Catalog = HashMap<&'static str, Arc<dyn TableOps>>;
