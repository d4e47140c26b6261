//! Generic per-table operations. Every entity becomes an [`EntityTable`]
//! behind the object-safe [`TableOps`], so the schema builder, the loaders and
//! the connections are written once and know tables only by name.

use std::{any::Any, collections::HashMap, marker::PhantomData, sync::Arc};

use futures::future::BoxFuture;
use sea_orm::{
    ColumnTrait, ColumnType, Condition, EntityTrait, IdenStatic, Iterable, ModelTrait, Order,
    Value as Db,
};
use store::{Scope, column};
use uuid::Uuid;

use crate::error::ApiError;

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
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>>;
    /// One page in the table's order, and the total when asked for.
    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        query: PageQuery,
        with_total: bool,
    ) -> BoxFuture<'a, PageResult>;
    /// The sort key of a row, as written into cursors.
    fn sort_key(&self, row: &AnyRow) -> Vec<serde_json::Value>;
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
        AnyRow {
            table: E::default().as_str(),
            model: Arc::new(model),
            getter: getter::<E>,
        }
    }

    /// `(c1, c2, …) > (v1, v2, …)` (or `<`), spelled out so both backends
    /// use the composite index.
    fn keyset(
        &self,
        values: &[serde_json::Value],
        id: Uuid,
        greater: bool,
    ) -> Result<Condition, ApiError> {
        let mut vals: Vec<Db> = Vec::new();
        for (c, v) in self
            .order
            .iter()
            .zip(values.iter().chain([&serde_json::json!(id)]))
        {
            vals.push(
                from_json(c.def().get_column_type(), v)
                    .ok_or_else(|| ApiError::bad_input("invalid cursor"))?,
            );
        }
        let mut any = Condition::any();
        for (i, (col, val)) in self.order.iter().zip(&vals).enumerate() {
            let mut all = Condition::all();
            for (prev, prev_val) in self.order.iter().zip(&vals).take(i) {
                all = all.add(prev.eq(prev_val.clone()));
            }
            all = all.add(if greater {
                col.gt(val.clone())
            } else {
                col.lt(val.clone())
            });
            any = any.add(all);
        }
        Ok(any)
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
    ) -> BoxFuture<'a, Result<Vec<(Uuid, AnyRow)>, ApiError>> {
        Box::pin(async move {
            let col = column::<E>(column_name)?;
            let mut q = scope.select::<E>().filter(col.is_in(keys));
            for c in &self.order {
                q = q.order_by(*c, Order::Asc);
            }
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
                Some(scope.select::<E>().count().await?)
            } else {
                None
            };
            let mut q = scope.select::<E>();
            if let Some((vals, id)) = &query.after {
                q = q.filter(self.keyset(vals, *id, true)?);
            }
            if let Some((vals, id)) = &query.before {
                q = q.filter(self.keyset(vals, *id, false)?);
            }
            let dir = if query.backward {
                Order::Desc
            } else {
                Order::Asc
            };
            for c in &self.order {
                q = q.order_by(*c, dir.clone());
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

    fn sort_key(&self, row: &AnyRow) -> Vec<serde_json::Value> {
        self.order
            .iter()
            .take(self.order.len() - 1)
            .map(|c| to_json(row.get(c.as_str()).unwrap_or(Db::Int(None))))
            .collect()
    }
}

/// All tables the API serves, by table name.
pub type Catalog = HashMap<&'static str, Arc<dyn TableOps>>;
