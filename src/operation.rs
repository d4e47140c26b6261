//! What every GraphQL operation goes through, whichever transport brings
//! it (HTTP in `graphql_http`, WebSocket in `ws`): admission before any
//! parsing (batch size, document limits, the variables' shape), parsing
//! through a bounded cache of parsed documents, and the coding of errors
//! from the fixed list.

use std::{sync::Arc, time::Duration};

use async_graphql::{
    BatchRequest, Request, Response, ServerError,
    parser::types::{ExecutableDocument, OperationDefinition, OperationType, Selection},
};
use resolver::{ApiError, ErrorCode};

/// What one HTTP request may carry, checked before anything is parsed.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimits {
    pub document: limits::Limits,
    pub max_body_bytes: usize,
    pub max_batch: usize,
    pub max_text_chars: usize,
    pub timeout: Duration,
}

/// Parsed documents by their text. Clients send the same few documents
/// over and over; parsing (pest) was the largest single cost of a request
/// in the server's profile, and cloning a parsed document is far cheaper.
/// Bounded: when full it starts over, so an attacker sending endless
/// distinct documents costs a parse each, as without the cache.
#[derive(Default)]
pub struct Documents(std::sync::Mutex<std::collections::HashMap<String, Arc<ExecutableDocument>>>);

impl Documents {
    const MAX_ENTRIES: usize = 512;
    const MAX_LEN: usize = 32 * 1024;

    /// Parses `req`'s document (or takes it from the cache) and hands it to
    /// the request, so execution does not parse it again.
    fn parse(&self, req: &mut Request) -> Result<(), String> {
        // The lock is held for the lookup only; the copy is made outside it.
        let cached = self.0.lock().ok().and_then(|m| m.get(&req.query).cloned());
        let doc = match cached {
            Some(doc) => ExecutableDocument::clone(&doc),
            None => {
                let doc =
                    async_graphql::parser::parse_query(&req.query).map_err(|e| e.to_string())?;
                if req.query.len() <= Self::MAX_LEN
                    && let Ok(mut m) = self.0.lock()
                {
                    if m.len() >= Self::MAX_ENTRIES {
                        m.clear();
                    }
                    m.insert(req.query.clone(), Arc::new(doc.clone()));
                }
                doc
            }
        };
        req.set_parsed_query(doc);
        Ok(())
    }
}

/// Longest error message sent: messages that quote input (a parse error
/// shows the line it failed on) are cut, so a client never gets its own
/// megabyte back.
const MAX_MESSAGE_CHARS: usize = 300;

pub(crate) fn truncate_message(m: &mut String) {
    if let Some((at, _)) = m.char_indices().nth(MAX_MESSAGE_CHARS) {
        m.truncate(at);
        m.push('…');
    }
}

/// Gives every error a code from the fixed list. Resolver errors carry
/// one, and so do async-graphql's errors about input values (an argument's
/// or a variable's value, the variables an operation declares and uses:
/// `BAD_USER_INPUT`, set where the error is made, see
/// vendor/async-graphql/README.md); of the rest, a path-less error is a
/// validation failure of the document, and any other is a resolver bug.
pub(crate) fn classify(errors: &mut [ServerError]) {
    for e in errors {
        truncate_message(&mut e.message);
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if e.path.is_empty() {
            ErrorCode::GraphqlValidationFailed
        } else {
            ErrorCode::Internal
        };
        if code == ErrorCode::Internal {
            tracing::error!(error = %e.message, "uncoded resolver error");
            e.message = "internal error".into();
        }
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
}

/// A response carrying only `e` (nothing was executed or kept).
pub(crate) fn failed(e: ApiError) -> Response {
    // No location: the error is about the request, not a place in the
    // document.
    let e = async_graphql::Error::from(e);
    let mut err = ServerError::new(e.message, None);
    err.extensions = e.extensions;
    Response::from_errors(vec![err])
}

pub(crate) fn operation_type(
    docs: &Documents,
    req: &mut Request,
) -> Result<Option<OperationType>, String> {
    docs.parse(req)?;
    let name = req.operation_name.clone();
    let doc = req.parsed_query().map_err(|e| e.message)?;
    Ok(chosen(doc, name.as_deref()).map(|op| op.ty))
}

/// The operation of `doc` that a request naming `name` runs.
fn chosen<'d>(doc: &'d ExecutableDocument, name: Option<&str>) -> Option<&'d OperationDefinition> {
    let op = match (name, doc.operations.iter().count()) {
        (Some(name), _) => doc
            .operations
            .iter()
            .find(|(n, _)| n.map(|n| n.as_str()) == Some(name)),
        (None, 1) => doc.operations.iter().next(),
        _ => None,
    };
    op.map(|(_, op)| &op.node)
}

/// Whether the request's operation (after [`operation_type`] has parsed
/// it) selects exactly one root field, written as a field (not through a
/// fragment): such a mutation has one write, which can use the request's
/// transaction without a savepoint (`store::Scope::sole_write`).
pub(crate) fn one_root_field(req: &mut Request) -> bool {
    let name = req.operation_name.clone();
    let Ok(doc) = req.parsed_query() else {
        return false;
    };
    chosen(doc, name.as_deref()).is_some_and(|op| {
        let items = &op.selection_set.node.items;
        items.len() == 1 && matches!(items[0].node, Selection::Field(_))
    })
}

/// The name of the document's only operation, if it has one and it is
/// named (after [`operation_type`] has parsed the document).
pub(crate) fn document_operation_name(req: &mut Request) -> Option<String> {
    let doc = req.parsed_query().ok()?;
    let mut ops = doc.operations.iter();
    match (ops.next(), ops.next()) {
        (Some((Some(name), _)), None) => Some(name.to_string()),
        _ => None,
    }
}

/// Checks what a request carries before anything is parsed: the batch
/// size, that each operation has a document, the document limits, and the
/// variables' shape. Returns the request's cost in complexity units
/// (fields after fragment expansion).
pub(crate) fn admit(limits: &RequestLimits, batch: &BatchRequest) -> Result<u64, ApiError> {
    let reqs: Vec<&Request> = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs.iter().collect(),
    };
    if reqs.is_empty() {
        return Err(ApiError::bad_input("the batch is empty"));
    }
    if reqs.len() > limits.max_batch {
        return Err(ApiError::bad_input(format!(
            "a batch may hold at most {} operations",
            limits.max_batch
        )));
    }
    let mut cost = 0u64;
    for req in reqs {
        if req.query.trim().is_empty() {
            return Err(ApiError::bad_input(
                "the request has no query: send the GraphQL document in `query`",
            ));
        }
        let stats = limits::check(&req.query, &limits.document)
            .map_err(|e| ApiError::new(ErrorCode::GraphqlValidationFailed, e.to_string()))?;
        cost = cost.saturating_add(stats.fields.max(1));
        for (_, v) in req.variables.iter() {
            check_value(v, limits)?;
        }
    }
    Ok(cost)
}

/// A variable value's nesting, list lengths and texts, without recursion.
fn check_value(v: &async_graphql::Value, limits: &RequestLimits) -> Result<(), ApiError> {
    use async_graphql::Value as V;
    let mut stack = vec![(v, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > limits.document.max_nesting {
            return Err(ApiError::bad_input(format!(
                "variables nest deeper than {} levels",
                limits.document.max_nesting
            )));
        }
        match v {
            V::List(items) => {
                if items.len() > limits.document.max_list_items {
                    return Err(ApiError::bad_input(format!(
                        "a list in the variables has more than {} items",
                        limits.document.max_list_items
                    )));
                }
                stack.extend(items.iter().map(|i| (i, depth + 1)));
            }
            V::Object(fields) => stack.extend(fields.values().map(|f| (f, depth + 1))),
            V::String(text) => check_text(text, limits.max_text_chars)?,
            _ => {}
        }
    }
    Ok(())
}

/// A text input: no NUL character (no database column can store it) and at
/// most `max` characters.
fn check_text(text: &str, max: usize) -> Result<(), ApiError> {
    if text.contains('\0') {
        return Err(ApiError::bad_input("text must not contain NUL characters"));
    }
    if text.len() > max && text.chars().count() > max {
        return Err(ApiError::bad_input(format!(
            "a text value is longer than {max} characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code async-graphql gives errors about input values is ours.
    #[test]
    fn input_errors_are_coded_as_ours() {
        assert_eq!(
            async_graphql::BAD_USER_INPUT,
            ErrorCode::BadUserInput.as_str()
        );
    }
}
