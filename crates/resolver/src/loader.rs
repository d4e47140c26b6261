//! One dataloader for every relation: keys name a table, a column and a
//! value; a batch becomes one SQL statement per (table, column), so the
//! statements of a request grow with its depth, not with its rows.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use store::Scope;
use uuid::Uuid;

use crate::{
    error::ApiError,
    filter::SharedQuery,
    table::{AnyRow, Catalog, PageQuery},
};

/// A key that matches no row and is answered without SQL (see the to-one
/// relation resolver).
pub const NO_ROW: Uuid = Uuid::nil();

/// The rows of `table` whose `column` is `value`: the row with an id, or
/// one page of a nested list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowKey {
    pub table: &'static str,
    pub column: &'static str,
    pub value: Uuid,
    /// The page of a nested list (filter, order, size, cursors); `None` for
    /// a lookup by id.
    pub page: Option<Arc<PageQuery>>,
}

impl RowKey {
    /// The row of `table` with `id` (none for [`NO_ROW`], without SQL).
    pub fn id(table: &'static str, id: Uuid) -> Self {
        Self {
            table,
            column: "id",
            value: id,
            page: None,
        }
    }

    /// One page of the `table` rows whose `column` is `value`.
    pub fn page(table: &'static str, column: &'static str, value: Uuid, page: PageQuery) -> Self {
        Self {
            table,
            column,
            value,
            page: Some(Arc::new(page)),
        }
    }
}

/// The size of the list of `table` rows whose `column` is `value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountKey {
    pub table: &'static str,
    pub column: &'static str,
    pub value: Uuid,
    pub list: SharedQuery,
}

/// Keys that share everything but their value, with their values: one
/// statement each.
fn groups<K, G: std::hash::Hash + Eq>(
    keys: &[K],
    group: impl Fn(&K) -> Option<(G, Uuid)>,
) -> HashMap<G, Vec<Uuid>> {
    let mut out: HashMap<G, Vec<Uuid>> = HashMap::new();
    for (g, value) in keys.iter().filter_map(group) {
        out.entry(g).or_default().push(value);
    }
    out
}

pub struct RowLoader {
    pub scope: Scope,
    pub catalog: Arc<Catalog>,
}

impl Loader<RowKey> for RowLoader {
    type Value = Arc<Vec<AnyRow>>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[RowKey]) -> Result<HashMap<RowKey, Self::Value>, Self::Error> {
        let groups = groups(keys, |k| {
            (k.value != NO_ROW).then(|| ((k.table, k.column, k.page.clone()), k.value))
        });
        let mut out: HashMap<RowKey, Vec<AnyRow>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for ((table, column, page), values) in groups {
            let ops = self.ops(table)?;
            let loaded = match &page {
                None => ops.load_by(&self.scope, column, values).await,
                Some(p) => ops.pages_by(&self.scope, column, values, p).await,
            }
            .map_err(Arc::new)?;
            for (value, row) in loaded {
                let key = RowKey {
                    table,
                    column,
                    value,
                    page: page.clone(),
                };
                if let Some(rows) = out.get_mut(&key) {
                    rows.push(row);
                }
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

impl RowLoader {
    fn ops(&self, table: &str) -> Result<&Arc<dyn crate::table::TableOps>, Arc<ApiError>> {
        self.catalog
            .get(table)
            .ok_or_else(|| Arc::new(ApiError::internal(format!("no table {table}"))))
    }
}

impl Loader<CountKey> for RowLoader {
    type Value = u64;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[CountKey]) -> Result<HashMap<CountKey, u64>, Self::Error> {
        let groups = groups(keys, |k| {
            Some(((k.table, k.column, k.list.clone()), k.value))
        });
        let mut out: HashMap<CountKey, u64> = keys.iter().map(|k| (k.clone(), 0)).collect();
        for ((table, column, list), values) in groups {
            let counted = self
                .ops(table)?
                .count_by(&self.scope, column, values, &list)
                .await
                .map_err(Arc::new)?;
            for (value, n) in counted {
                let key = CountKey {
                    table,
                    column,
                    value,
                    list: list.clone(),
                };
                out.insert(key, n);
            }
        }
        Ok(out)
    }
}
