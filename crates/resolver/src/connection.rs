//! Relay cursor connections, shared by every root and nested list: argument
//! validation, cursors, slicing, and the `XConnection` / `XEdge` / `PageInfo`
//! types.

use async_graphql::{
    Value,
    dynamic::{
        Field, FieldFuture, FieldValue, InputValue, Object, ObjectAccessor, ResolverContext,
        TypeRef,
    },
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::{
    error::ApiError,
    filter::SharedQuery,
    table::{AnyRow, PageQuery},
};

/// Page size limits, from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct PageLimits {
    pub default_size: usize,
    pub max_size: usize,
}

/// Validated `first/after/last/before`.
#[derive(Clone, Debug)]
pub struct PageArgs {
    pub first: Option<usize>,
    pub last: Option<usize>,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
}

/// A position in a list: the sort values and id of a row.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    pub sort: Vec<serde_json::Value>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let mut parts = self.sort.clone();
        parts.push(serde_json::json!(self.id));
        URL_SAFE_NO_PAD.encode(serde_json::Value::Array(parts).to_string())
    }

    pub fn decode(s: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::bad_input(format!("invalid cursor {s:?}"));
        let raw = URL_SAFE_NO_PAD.decode(s).map_err(|_| invalid())?;
        let mut parts: Vec<serde_json::Value> =
            serde_json::from_slice(&raw).map_err(|_| invalid())?;
        let id = parts
            .pop()
            .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(invalid)?;
        Ok(Self { sort: parts, id })
    }
}

pub fn page_arguments(field: Field) -> Field {
    field
        .argument(
            InputValue::new("first", TypeRef::named(TypeRef::INT))
                .description("Return the first n items (after `after`)."),
        )
        .argument(
            InputValue::new("after", TypeRef::named(TypeRef::STRING))
                .description("Cursor of the item to start after."),
        )
        .argument(
            InputValue::new("last", TypeRef::named(TypeRef::INT))
                .description("Return the last n items (before `before`)."),
        )
        .argument(
            InputValue::new("before", TypeRef::named(TypeRef::STRING))
                .description("Cursor of the item to end before."),
        )
}

impl PageArgs {
    pub fn from_ctx(ctx: &ResolverContext<'_>, limits: PageLimits) -> Result<Self, ApiError> {
        Self::from_args(&ctx.args, limits)
    }

    /// The page arguments among a field's `args`.
    pub fn from_args(args: &ObjectAccessor<'_>, limits: PageLimits) -> Result<Self, ApiError> {
        let size = |name: &str| -> Result<Option<usize>, ApiError> {
            let Some(v) = args.get(name) else {
                return Ok(None);
            };
            if v.is_null() {
                return Ok(None);
            }
            let n = v
                .i64()
                .map_err(|_| ApiError::bad_input(format!("`{name}` must be an integer")))?;
            if n < 0 {
                return Err(ApiError::bad_input(format!(
                    "`{name}` must not be negative"
                )));
            }
            if n as usize > limits.max_size {
                return Err(ApiError::bad_input(format!(
                    "`{name}` must be at most {}",
                    limits.max_size
                )));
            }
            Ok(Some(n as usize))
        };
        let cursor = |name: &str| -> Result<Option<Cursor>, ApiError> {
            match args.get(name) {
                Some(v) if !v.is_null() => {
                    let s = v
                        .string()
                        .map_err(|_| ApiError::bad_input(format!("`{name}` must be a string")))?;
                    Cursor::decode(s).map(Some)
                }
                _ => Ok(None),
            }
        };
        let (first, last) = (size("first")?, size("last")?);
        if first.is_some() && last.is_some() {
            return Err(ApiError::bad_input("pass `first` or `last`, not both"));
        }
        let first = match (first, last) {
            (None, None) => Some(limits.default_size),
            (f, _) => f,
        };
        Ok(Self {
            first,
            last,
            after: cursor("after")?,
            before: cursor("before")?,
        })
    }
}

/// A resolved page: the value behind every `XConnection`.
pub struct Page {
    pub type_name: &'static str,
    pub edges: Vec<(String, AnyRow)>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: Option<u64>,
}

impl PageArgs {
    /// The page these arguments ask for in `list`: one row more than the
    /// page, to learn whether more follow.
    pub fn query(&self, list: SharedQuery) -> PageQuery {
        let size = self.first.or(self.last).unwrap_or_default();
        PageQuery {
            list,
            fetch: size as u64 + 1,
            backward: self.last.is_some(),
            after: self.after.clone().map(|c| (c.sort, c.id)),
            before: self.before.clone().map(|c| (c.sort, c.id)),
        }
    }
}

impl Page {
    /// The page of `rows`, fetched for `query` (at most `query.fetch`, in
    /// list order): the extra row, if any, only says more follow (or, for
    /// a backward page, precede). Past a cursor there are items before it.
    /// Root and nested connections both end here.
    pub fn of(
        type_name: &'static str,
        mut rows: Vec<AnyRow>,
        query: &PageQuery,
        total: Option<u64>,
        cursor_of: impl Fn(&AnyRow) -> String,
    ) -> Self {
        let (has_next, has_previous) = trim(&mut rows, query);
        Page {
            type_name,
            edges: rows.into_iter().map(|r| (cursor_of(&r), r)).collect(),
            has_next,
            has_previous,
            total,
        }
    }
}

/// Cuts the rows fetched for `query` (at most `query.fetch`, in list
/// order) to the page: the extra row, if any, only says more follow (or,
/// for a backward page, precede). Past a cursor there are items before it.
/// Returns `(hasNextPage, hasPreviousPage)`.
pub fn trim<T>(rows: &mut Vec<T>, query: &PageQuery) -> (bool, bool) {
    let size = query.fetch.saturating_sub(1) as usize;
    let more = rows.len() > size;
    if more {
        if query.backward {
            rows.drain(..rows.len() - size);
        } else {
            rows.truncate(size);
        }
    }
    if query.backward {
        (query.before.is_some(), more)
    } else {
        (more, query.after.is_some())
    }
}

fn page_of<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a Page> {
    let parent: &'a FieldValue<'a> = ctx.parent_value;
    parent.try_downcast_ref::<Page>()
}

/// The shared `PageInfo` type.
pub fn page_info_type() -> Object {
    let flag = |name: &'static str, desc: &'static str, get: fn(&Page) -> bool| {
        Field::new(name, TypeRef::named_nn(TypeRef::BOOLEAN), move |ctx| {
            FieldFuture::new(async move { Ok(Some(Value::from(get(page_of(&ctx)?)))) })
        })
        .description(desc)
    };
    let cursor = |name: &'static str, desc: &'static str, last: bool| {
        Field::new(name, TypeRef::named(TypeRef::STRING), move |ctx| {
            FieldFuture::new(async move {
                let page = page_of(&ctx)?;
                let edge = if last {
                    page.edges.last()
                } else {
                    page.edges.first()
                };
                Ok(edge.map(|(c, _)| Value::from(c.clone())))
            })
        })
        .description(desc)
    };
    Object::new("PageInfo")
        .description("Where a page sits in its list (Relay).")
        .field(flag("hasNextPage", "More items follow this page.", |p| {
            p.has_next
        }))
        .field(flag("hasPreviousPage", "Items precede this page.", |p| {
            p.has_previous
        }))
        .field(cursor(
            "startCursor",
            "Cursor of the first item of the page.",
            false,
        ))
        .field(cursor(
            "endCursor",
            "Cursor of the last item of the page.",
            true,
        ))
}

/// `XConnection` and `XEdge` for the node type `node`.
pub fn connection_types(node: &'static str) -> [Object; 2] {
    let conn = format!("{node}Connection");
    let edge = format!("{node}Edge");
    let connection = Object::new(conn.as_str())
        .description(format!("A page of `{node}` items (Relay connection)."))
        .field(
            Field::new("edges", TypeRef::named_nn_list_nn(edge.as_str()), |ctx| {
                FieldFuture::new(async move {
                    let page = page_of(&ctx)?;
                    Ok(Some(FieldValue::list(
                        page.edges.iter().map(|e| FieldValue::borrowed_any(e)),
                    )))
                })
            })
            .description("The items of this page with their cursors."),
        )
        .field(
            Field::new("nodes", TypeRef::named_nn_list_nn(node), |ctx| {
                FieldFuture::new(async move {
                    let page = page_of(&ctx)?;
                    Ok(Some(FieldValue::list(
                        page.edges.iter().map(|(_, r)| FieldValue::borrowed_any(r)),
                    )))
                })
            })
            .description("The items of this page."),
        )
        .field(
            Field::new("pageInfo", TypeRef::named_nn("PageInfo"), |ctx| {
                FieldFuture::new(async move { Ok(Some(FieldValue::borrowed_any(page_of(&ctx)?))) })
            })
            .description("Paging information."),
        )
        .field(
            Field::new("totalCount", TypeRef::named_nn(TypeRef::INT), |ctx| {
                FieldFuture::new(async move {
                    let total = page_of(&ctx)?.total.unwrap_or_default();
                    Ok(Some(Value::from(total)))
                })
            })
            .description("How many items the whole list has."),
        );
    let edge_obj = Object::new(edge.as_str())
        .description(format!("A `{node}` with its cursor."))
        .field(
            Field::new("cursor", TypeRef::named_nn(TypeRef::STRING), |ctx| {
                FieldFuture::new(async move {
                    let (cursor, _) = ctx.parent_value.try_downcast_ref::<(String, AnyRow)>()?;
                    Ok(Some(Value::from(cursor.clone())))
                })
            })
            .description("Opaque position of this item, for `after` / `before`."),
        )
        .field(
            Field::new("node", TypeRef::named_nn(node), |ctx| {
                FieldFuture::new(async move {
                    let (_, row) = ctx.parent_value.try_downcast_ref::<(String, AnyRow)>()?;
                    Ok(Some(FieldValue::borrowed_any(row)))
                })
            })
            .description("The item."),
        );
    [connection, edge_obj]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_garbage() {
        let c = Cursor {
            sort: vec![serde_json::json!(3)],
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        assert!(Cursor::decode("%%%").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("[1]")).is_err());
    }
}
