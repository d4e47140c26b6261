//! The HTTP face: GraphQL over HTTP (GET and POST, content negotiation and
//! status codes per the GraphQL-over-HTTP specification), GraphiQL, health.
//! Authentication happens here; authorization inside the schema.

use std::sync::Arc;

use async_graphql::{
    BatchRequest, BatchResponse, Request, Response, ServerError,
    parser::types::{ExecutableDocument, OperationType},
};
use auth::{Principal, TokenKeys};
use axum::{
    Router,
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response as HttpResponse},
    routing::get,
};
use resolver::{Api, ApiError, ErrorCode};
use store::Store;

pub struct AppState {
    pub api: Api,
    pub store: Store,
    pub keys: TokenKeys,
    pub accounts: resolver::account::Accounts,
    pub documents: Documents,
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

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/graphql") }))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/health", get(health))
        .route(
            "/metrics",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    crate::metrics::render(),
                )
            }),
        )
        .with_state(state)
}

async fn health(State(state): State<Arc<AppState>>) -> HttpResponse {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type to answer with, from `Accept`; `None` if we can serve none
/// of the accepted types (406).
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(JSON);
    };
    let mut best: Option<(&'static str, f32)> = None;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let ty = it.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = it
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .next()
            .unwrap_or(1.0);
        let candidate = match ty.as_str() {
            GRAPHQL_RESPONSE => GRAPHQL_RESPONSE,
            JSON | "application/*" | "*/*" => JSON,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
            best = Some((candidate, q));
        }
    }
    best.map(|(t, _)| t)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

fn error_body(code: ErrorCode, message: &str) -> serde_json::Value {
    serde_json::json!({"errors": [{"message": message, "extensions": {"code": code.as_str()}}]})
}

fn reply(status: StatusCode, media: &'static str, body: &impl serde::Serialize) -> HttpResponse {
    let mut resp = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(if media == JSON {
            "application/json"
        } else {
            "application/graphql-response+json; charset=utf-8"
        }),
    );
    resp
}

/// A malformed HTTP request (body or query string unreadable): 400 with
/// either media type.
fn request_error(media: &'static str, code: ErrorCode, message: &str) -> HttpResponse {
    reply(StatusCode::BAD_REQUEST, media, &error_body(code, message))
}

/// A well-formed HTTP request whose GraphQL document is rejected: 400 under
/// `application/graphql-response+json`, 200 under legacy `application/json`.
fn document_error(media: &'static str, code: ErrorCode, message: &str) -> HttpResponse {
    let status = if media == JSON {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    reply(status, media, &error_body(code, message))
}

/// Who is asking: a verified bearer token, or an anonymous caller naming its
/// tenant with `X-Tenant` (slug or id), or nobody (introspection only).
/// The caller, and for a token its request scope already opened (see
/// [`Store::authenticate`]).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Principal, Option<store::Scope>)>, ApiError> {
    let unauthenticated = |m: &str| ApiError::new(ErrorCode::Unauthenticated, m);
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or_else(|| unauthenticated("expected `Authorization: Bearer <token>`"))?;
        let claims = state
            .keys
            .verify(token.trim())
            .map_err(|e| unauthenticated(&e.to_string()))?;
        // Roles and organization come from the live memberships: a revoked
        // or expired membership, or a suspended account, ends access at once.
        let scope = state
            .store
            .authenticate(claims.tenant, claims.sub)
            .await?
            .ok_or_else(|| unauthenticated("no active membership in this tenant"))?;
        return Ok(Some((scope.principal().clone(), Some(scope))));
    }
    if let Some(value) = headers.get("x-tenant") {
        let key = value
            .to_str()
            .map_err(|_| unauthenticated("unknown tenant"))?;
        let tenant = state
            .store
            .tenant(key.trim())
            .await?
            .ok_or_else(|| unauthenticated("unknown tenant"))?;
        return Ok(Some((Principal::anonymous(tenant.id), None)));
    }
    Ok(None)
}

/// Gives every error a code from the fixed list: resolver errors carry one;
/// the rest are validation failures of the document or its variables.
fn classify(errors: &mut [ServerError]) {
    for e in errors {
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if e.message.contains("Invalid value for argument")
            || e.message.contains("Variable")
            || e.message.contains("variable")
        {
            ErrorCode::BadUserInput
        } else if e.path.is_empty() {
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
fn failed(e: ApiError) -> Response {
    let mut err = ServerError::new(e.message, None);
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", e.code.as_str());
    Response::from_errors(vec![err])
}

/// Runs one request, in its own scope (on PostgreSQL its own transaction).
/// `opened`: the scope authentication opened, for the first request.
async fn execute(
    state: &AppState,
    principal: &Option<Principal>,
    opened: Option<store::Scope>,
    mut req: Request,
    mutation: bool,
) -> Response {
    crate::metrics::request();
    req = req.data(state.accounts.clone());
    let mut scope = None;
    if let Some(p) = principal {
        let opened = match opened {
            Some(s) => Ok(s),
            None => state.store.scope(p.clone()).await,
        };
        match opened {
            Ok(s) => {
                req = req.data(state.api.request_ctx(s.clone()));
                scope = Some(s);
            }
            Err(e) => {
                return failed(e.into());
            }
        }
    }
    let mut resp = state.api.schema.execute(req).await;
    if let Some(s) = scope
        && let Err(e) = s.release(mutation).await
    {
        return failed(e.into());
    }
    classify(&mut resp.errors);
    resp
}

/// A request error: no data (the document was rejected before execution).
fn is_request_error(resp: &Response) -> bool {
    resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty())
}

fn respond(media: &'static str, batch: BatchResponse) -> HttpResponse {
    let status = match (&batch, media) {
        (BatchResponse::Single(r), GRAPHQL_RESPONSE) if is_request_error(r) => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::OK,
    };
    reply(status, media, &batch)
}

fn operation_type(docs: &Documents, req: &mut Request) -> Result<Option<OperationType>, String> {
    docs.parse(req)?;
    let name = req.operation_name.clone();
    let doc = req.parsed_query().map_err(|e| e.message)?;
    let op = match (name, doc.operations.iter().count()) {
        (Some(name), _) => doc
            .operations
            .iter()
            .find(|(n, _)| n.map(|n| n.as_str()) == Some(name.as_str()))
            .map(|(_, op)| op.node.ty),
        (None, 1) => doc.operations.iter().next().map(|(_, op)| op.node.ty),
        _ => None,
    };
    Ok(op)
}

async fn run(
    state: &AppState,
    headers: &HeaderMap,
    media: &'static str,
    mut batch: BatchRequest,
    method: Method,
) -> HttpResponse {
    let (principal, mut opened) = match authenticate(state, headers).await {
        Ok(Some((p, s))) => (Some(p), s),
        Ok(None) => (None, None),
        Err(e) => {
            let status = if media == JSON {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            return reply(status, media, &error_body(e.code, &e.message));
        }
    };
    // Parsed once here: the type decides GET's 405 and whether the request's
    // transaction is committed.
    let mut mutations = Vec::new();
    for req in batch.iter_mut() {
        match operation_type(&state.documents, req) {
            Err(msg) => return document_error(media, ErrorCode::GraphqlParseFailed, &msg),
            Ok(Some(OperationType::Mutation)) if method == Method::GET => {
                let mut resp = request_error(media, ErrorCode::BadUserInput, "mutations need POST");
                *resp.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                resp.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
                return resp;
            }
            Ok(ty) => mutations.push(ty == Some(OperationType::Mutation)),
        }
    }
    let out = match batch {
        BatchRequest::Single(req) => BatchResponse::Single(
            execute(
                state,
                &principal,
                opened,
                req,
                mutations.first() == Some(&true),
            )
            .await,
        ),
        BatchRequest::Batch(reqs) => {
            let mut all = Vec::with_capacity(reqs.len());
            for (r, mutation) in reqs.into_iter().zip(mutations) {
                all.push(execute(state, &principal, opened.take(), r, mutation).await);
            }
            BatchResponse::Batch(all)
        }
    };
    respond(media, out)
}

async fn graphql_get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> HttpResponse {
    let query = query.unwrap_or_default();
    if query.is_empty() && wants_html(&headers) {
        return Html(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .title("coachql")
                .finish(),
        )
        .into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return StatusCode::NOT_ACCEPTABLE.into_response();
    };
    let req = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(e) => return request_error(media, ErrorCode::BadUserInput, &e.to_string()),
    };
    run(
        &state,
        &headers,
        media,
        BatchRequest::Single(req),
        Method::GET,
    )
    .await
}

async fn graphql_post(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> HttpResponse {
    let Some(media) = negotiate(&headers) else {
        return StatusCode::NOT_ACCEPTABLE.into_response();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let batch = match content_type.as_str() {
        JSON => match serde_json::from_slice::<BatchRequest>(&body) {
            Ok(b) => b,
            Err(e) => {
                return request_error(
                    media,
                    ErrorCode::BadUserInput,
                    &format!("invalid request body: {e}"),
                );
            }
        },
        "application/graphql" => BatchRequest::Single(Request::new(String::from_utf8_lossy(&body))),
        _ => {
            let mut resp = reply(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                media,
                &error_body(ErrorCode::BadUserInput, "send application/json"),
            );
            resp.headers_mut()
                .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
            return resp;
        }
    };
    run(&state, &headers, media, batch, Method::POST).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(JSON));
        assert_eq!(
            negotiate(&accept("application/graphql-response+json")),
            Some(GRAPHQL_RESPONSE)
        );
        assert_eq!(
            negotiate(&accept(
                "application/json;q=0.9, application/graphql-response+json"
            )),
            Some(GRAPHQL_RESPONSE)
        );
        assert_eq!(negotiate(&accept("*/*")), Some(JSON));
        assert_eq!(negotiate(&accept("text/plain")), None);
    }
}
