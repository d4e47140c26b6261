//! What a domain's operation module uses, in one import: the argument
//! declarations, how an operation runs (`declare`) and how its
//! result is served (`results`). The domain modules import from here, never
//! from `ops` itself, so `ops` (which lists them) and they do not import
//! each other.

pub(crate) use super::{
    args::{Bounded, Id, InputType, arguments, input_object, node},
    declare::{Parts, read, read_rows, row, rows, write},
    results::{Row, Rows, composite, json, object_types, output_type},
};
