//! sea-orm entities. `generated/` is the output of `sea-orm-cli generate
//! entity` against the migrated schema (see `scripts/check-entities.sh`) and is
//! never edited by hand; behaviour lives in sibling modules.

pub mod enums;
mod generated;
pub mod registry;

pub use generated::*;
