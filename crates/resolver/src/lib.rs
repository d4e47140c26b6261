//! The GraphQL layer: types, queries, dataloaders and the schema. Resolvers
//! reach data only through `store::Scope`.

mod catalog;
mod compiled;
pub mod connection;
mod context;
mod depth;
pub mod error;
pub mod filter;
pub mod ids;
pub mod live;
mod loader;
mod ops;
mod schema;
mod table;
pub mod value;

pub use compiled::totals as compiled_reads;
pub use context::RequestCtx;
pub use error::{ApiError, ErrorCode};
pub use ops::account;
pub use schema::{Api, SchemaOptions, build};

/// (table, GraphQL type name) of every table the schema serves.
pub fn table_types() -> Result<Vec<(&'static str, &'static str)>, String> {
    Ok(catalog::catalog()?
        .1
        .iter()
        .map(|t| (t.table, t.type_name))
        .collect())
}

/// A nested list: (child table, foreign key, list order with `id` last).
pub type NestedList = (&'static str, &'static str, Vec<&'static str>);

/// Every nested list the schema serves, as the database pages it: (child
/// table, its foreign key to the parent, the child table's list order with
/// `id` last). Each needs an index `(tenant_id, key, order…)` for a page to
/// read only its own rows (`tests/nested_paging.rs`).
pub fn nested_lists() -> Result<Vec<NestedList>, String> {
    let (tables, specs) = catalog::catalog()?;
    let mut out = Vec::new();
    for rel in specs.iter().flat_map(|s| &s.relations) {
        if let catalog::Rel::Many { column, target, .. } = *rel {
            let order = tables
                .get(target)
                .map(|t| t.default_order())
                .ok_or_else(|| format!("no table {target}"))?;
            out.push((target, column, order));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
