//! The shared machinery of operations (domain mutations and computed
//! queries), so each operation is a few declarations:
//!
//! - [`args`] declares each operation's arguments and input objects once,
//!   as Rust types ([`arguments!`], [`input_object!`]), decoded with
//!   `BAD_USER_INPUT` errors naming the argument;
//! - [`write`] runs a domain function in one write transaction of the
//!   caller's scope (committed on success, rolled back on any error);
//! - [`read`] runs a domain function against the caller's read scope;
//! - [`results`] serves the results declared once, as Rust types
//!   (`shape::output_object!` in the domain, [`composite!`] here for rows
//!   next to values): their object types and field values;
//! - [`row`] / [`rows`] turn models into table objects;
//! - [`Parts`] and [`Module`]: each domain's resolver module adds its
//!   queries, mutations and types to the schema in one function.

pub(crate) mod args;
pub(crate) mod declare;
pub(crate) use declare::{Module, Parts};
pub mod account;
mod adaptability;
mod analytics;
mod authoring;
mod coaching;
mod commerce;
mod competency;
mod learning;
mod marketplace;
mod prelude;
pub(crate) mod results;
mod verification;
mod workshops;

/// Every domain module, in the order their fields appear in the schema.
pub(crate) const MODULES: &[Module] = &[
    account::module,
    verification::module,
    workshops::module,
    commerce::module,
    learning::module,
    authoring::module,
    adaptability::module,
    marketplace::module,
    competency::module,
    analytics::module,
    coaching::module,
    crate::live::module,
];
