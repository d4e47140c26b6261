//! The GraphQL layer: types, queries, dataloaders and the schema. Resolvers
//! reach data only through `store::Scope`.

pub mod account;
mod catalog;
pub mod connection;
mod depth;
pub mod error;
pub mod filter;
pub mod ids;
mod loader;
mod ops;
mod schema;
mod table;
pub mod value;
mod verification;

pub use error::{ApiError, ErrorCode};
pub use schema::{Api, RequestCtx, SchemaOptions, build};

/// (table, GraphQL type name) of every table the schema serves.
pub fn table_types() -> Result<Vec<(&'static str, &'static str)>, String> {
    Ok(catalog::catalog()?
        .1
        .iter()
        .map(|t| (t.table, t.type_name))
        .collect())
}
