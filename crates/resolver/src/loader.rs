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
    table::{AnyRow, Catalog},
};

/// A key that matches no row and is answered without SQL (see the to-one
/// relation resolver).
pub const NO_ROW: Uuid = Uuid::nil();

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowKey {
    pub table: &'static str,
    pub column: &'static str,
    pub value: Uuid,
    /// The list's filter and order (nested connections with arguments).
    pub list: SharedQuery,
}

pub struct RowLoader {
    pub scope: Scope,
    pub catalog: Arc<Catalog>,
}

impl Loader<RowKey> for RowLoader {
    type Value = Arc<Vec<AnyRow>>;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[RowKey]) -> Result<HashMap<RowKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<(&'static str, &'static str, SharedQuery), Vec<Uuid>> =
            HashMap::new();
        for k in keys.iter().filter(|k| k.value != NO_ROW) {
            groups
                .entry((k.table, k.column, k.list.clone()))
                .or_default()
                .push(k.value);
        }
        let mut out: HashMap<RowKey, Vec<AnyRow>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for ((table, column, list), values) in groups {
            let ops = self
                .catalog
                .get(table)
                .ok_or_else(|| Arc::new(ApiError::internal(format!("no table {table}"))))?;
            let loaded = ops
                .load_by(&self.scope, column, values, &list)
                .await
                .map_err(Arc::new)?;
            for (value, row) in loaded {
                let key = RowKey {
                    table,
                    column,
                    value,
                    list: list.clone(),
                };
                if let Some(rows) = out.get_mut(&key) {
                    rows.push(row);
                }
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}
