//! GraphQL over HTTP: `GET` and `POST /graphql`, content negotiation and
//! status codes per the GraphQL-over-HTTP specification. A request is
//! admitted and budgeted before any parsing (`operation`), its caller
//! authenticated (`caller`), and its operations run in a task of their own
//! under a deadline that the database shares.

use std::{
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use async_graphql::{
    BatchRequest, BatchResponse, Request, Response, ServerError, parser::types::OperationType,
};
use auth::Principal;
use axum::{
    body::Body,
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response as HttpResponse},
};
use resolver::{ApiError, ErrorCode, account::Origin};
use tracing::Instrument;

use crate::{
    caller::{Caller, Credentials, NO_MEMBERSHIP},
    operation::{
        admit, classify, document_operation_name, failed, one_root_field, operation_type,
        truncate_message,
    },
    state::{AccessInfo, AppState, ClientIp},
};

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
    let mut message = message.to_owned();
    truncate_message(&mut message);
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
    with_code(
        reply(StatusCode::BAD_REQUEST, media, &error_body(code, message)),
        code,
    )
}

/// An error that ends the request before any GraphQL is executed, with the
/// status its code calls for: 200 under legacy `application/json` (the
/// document was well-formed HTTP), else 400, 401, 503, 504; 429 and
/// `Retry-After` when rate limited, under either media type.
fn refuse(media: &'static str, e: &ApiError) -> HttpResponse {
    let status = match (e.code, media) {
        (ErrorCode::RateLimited, _) => StatusCode::TOO_MANY_REQUESTS,
        (_, JSON) => StatusCode::OK,
        (ErrorCode::Unavailable, _) => StatusCode::SERVICE_UNAVAILABLE,
        (ErrorCode::Timeout, _) => StatusCode::GATEWAY_TIMEOUT,
        (ErrorCode::Unauthenticated, _) => StatusCode::UNAUTHORIZED,
        (ErrorCode::Internal, _) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut body = error_body(e.code, &e.message);
    if let Some(secs) = e.retry_after {
        body["errors"][0]["extensions"]["retryAfter"] = secs.into();
    }
    let mut resp = with_code(reply(status, media, &body), e.code);
    if let Some(secs) = e.retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

fn with_code(mut resp: HttpResponse, code: ErrorCode) -> HttpResponse {
    resp.extensions_mut().insert(AccessInfo {
        code: code.as_str(),
        ..Default::default()
    });
    resp
}

/// What an operation does, which decides how its transaction ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A query: its transaction is rolled back (reads need no commit).
    Read,
    /// A mutation: committed, each of its fields in a savepoint.
    Write,
    /// A mutation with one field: committed if that field's write is kept,
    /// and written without a savepoint (`store::Scope::sole_write`).
    SoleWrite,
}

impl Kind {
    /// The kind of `req`, a mutation or not (after it has been parsed).
    fn of(req: &mut Request, mutation: bool) -> Self {
        match mutation {
            false => Kind::Read,
            true if one_root_field(req) => Kind::SoleWrite,
            true => Kind::Write,
        }
    }
}

/// Runs one operation, in its own scope (on PostgreSQL its own
/// transaction). `opened`: the scope authentication opened, for the first
/// operation. The caller counts the operation (`metrics::requests`): a
/// request run a second time ([`rerun`]) is not counted again.
async fn execute(
    state: &AppState,
    principal: &Option<Principal>,
    opened: Option<store::Scope>,
    origin: &Origin,
    deadline: Instant,
    mut req: Request,
    kind: Kind,
) -> Response {
    // A scope whose authentication was pipelined answers only once
    // `confirm` says its principal stands; until then, what it takes to run
    // the request again.
    let again = match &opened {
        Some(s) if s.pipelined() => Some(copy(&req)),
        _ => None,
    };
    req = req.data(state.accounts.clone()).data(origin.clone());
    let mut scope = None;
    if let Some(p) = principal {
        let opened = match opened {
            Some(s) => Ok(s),
            None => state.store.scope_until(p.clone(), Some(deadline)).await,
        };
        match opened {
            Ok(s) => {
                let s = match kind {
                    Kind::SoleWrite => s.sole_write(),
                    Kind::Read if one_root_field(&mut req) => s.last_read(),
                    _ => s,
                };
                req = req.data(state.api.request_ctx(s.clone()));
                scope = Some(s);
            }
            Err(e) => {
                return failed(e.into());
            }
        }
    }
    let mut resp = state.api.schema.execute(req).await;
    if let Some(s) = scope {
        if let Some(again) = again {
            match s.confirm().await {
                Ok(true) => {}
                Ok(false) => {
                    // Dropped: its transaction rolls back, nothing is kept.
                    let principal = s.principal().clone();
                    drop(s);
                    tracing::debug!("the caller's memberships changed: authenticating again");
                    return Box::pin(rerun(state, principal, origin, deadline, again, kind)).await;
                }
                Err(e) => return failed(e.into()),
            }
        }
        if let Err(e) = s.release(kind != Kind::Read).await {
            return failed(e.into());
        }
    }
    classify(&mut resp.errors);
    tracing::debug!(errors = resp.errors.len(), "executed");
    resp
}

/// `req` again, as sent (its document parsed through the cache), to run
/// once more if the first run's principal turns out not to stand.
fn copy(req: &Request) -> Request {
    let mut again = Request::new(req.query.clone()).variables(req.variables.clone());
    again.operation_name = req.operation_name.clone();
    again.extensions = req.extensions.clone();
    again.introspection_mode = req.introspection_mode;
    again
}

/// Runs `req` again after its pipelined authentication failed its check:
/// this time authenticated in full, and on what the database says now.
async fn rerun(
    state: &AppState,
    stale: Principal,
    origin: &Origin,
    deadline: Instant,
    mut req: Request,
    kind: Kind,
) -> Response {
    // Parsed once already through the cache, so this cannot fail; if it
    // did, execution would report the document's error itself.
    let _ = operation_type(&state.documents, &mut req);
    let Some(user) = stale.user_id else {
        return failed(ApiError::internal("a pipelined scope without a user"));
    };
    match state
        .store
        .authenticate(stale.tenant_id, user, Some(deadline))
        .await
    {
        Ok(Some(scope)) => {
            let principal = Some(scope.principal().clone());
            execute(state, &principal, Some(scope), origin, deadline, req, kind).await
        }
        Ok(None) => failed(ApiError::new(ErrorCode::Unauthenticated, NO_MEMBERSHIP)),
        Err(e) => failed(e.into()),
    }
}

/// A request error: no data (the document was rejected before execution).
fn is_request_error(resp: &Response) -> bool {
    resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty())
}

fn error_code(e: &ServerError) -> Option<&'static str> {
    let code = e.extensions.as_ref()?.get("code")?;
    let async_graphql::Value::String(code) = code else {
        return None;
    };
    ErrorCode::ALL
        .into_iter()
        .map(ErrorCode::as_str)
        .find(|c| c == code)
}

fn respond(media: &'static str, batch: BatchResponse, tenant: Option<uuid::Uuid>) -> HttpResponse {
    let responses: Vec<&Response> = match &batch {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs.iter().collect(),
    };
    let errors = || responses.iter().flat_map(|r| r.errors.iter());
    let retry_after = errors()
        .filter(|e| error_code(e) == Some(ErrorCode::RateLimited.as_str()))
        .map(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("retryAfter"))
                .and_then(|v| match v {
                    async_graphql::Value::Number(n) => n.as_u64(),
                    _ => None,
                })
                .unwrap_or(1)
        })
        .max();
    let code = errors().find_map(error_code).unwrap_or("OK");
    let status = match (&batch, media) {
        _ if retry_after.is_some() => StatusCode::TOO_MANY_REQUESTS,
        (BatchResponse::Single(r), GRAPHQL_RESPONSE) if is_request_error(r) => match code {
            "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
            "TIMEOUT" => StatusCode::GATEWAY_TIMEOUT,
            "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        },
        _ => StatusCode::OK,
    };
    let mut resp = reply(status, media, &batch);
    if let Some(secs) = retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp.extensions_mut().insert(AccessInfo {
        code,
        tenant,
        ..Default::default()
    });
    resp
}

/// What a handler knows of a GraphQL request besides its operations.
struct Call {
    credentials: Credentials,
    media: &'static str,
    method: Method,
    ip: Option<IpAddr>,
    deadline: Instant,
}

/// Admits, budgets and runs a request. The work runs in a task of its own,
/// so a client that disconnects cannot cancel it halfway (its transaction
/// is always committed or rolled back, and its connection returned); the
/// answer waits at most until `deadline`, which the database shares.
async fn run(state: Arc<AppState>, call: Call, batch: BatchRequest) -> HttpResponse {
    let media = call.media;
    let operation = match &batch {
        BatchRequest::Single(r) => r.operation_name.clone(),
        BatchRequest::Batch(rs) => rs.first().and_then(|r| r.operation_name.clone()),
    };
    if let Some(name) = &operation {
        tracing::Span::current().record("operation", name.as_str());
    }
    let mut batch = batch;
    let mut hashed = false;
    for req in batch.iter_mut() {
        match state.persisted.resolve(req) {
            Ok(kind) => hashed |= kind == crate::persisted::Kind::Hashed,
            Err(e) => return named(refuse(media, &e), operation),
        }
    }
    let cacheable = call.method == Method::GET
        && hashed
        && !call.credentials.has_token()
        && call.credentials.names_tenant();
    let resp = run_checked(state, call, batch).await;
    named(cache_headers(resp, cacheable), operation)
}

/// Persisted GETs may be cached: publicly for a short while when they are
/// anonymous reads of a tenant's public data that succeeded, never when a
/// token is involved. Every GraphQL answer varies with the headers that
/// choose the caller and the representation.
fn cache_headers(mut resp: HttpResponse, cacheable: bool) -> HttpResponse {
    let ok = resp.status() == StatusCode::OK
        && resp
            .extensions()
            .get::<AccessInfo>()
            .is_some_and(|i| i.code == "OK");
    let policy = if cacheable && ok {
        "public, max-age=60"
    } else {
        "private, no-store"
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    resp.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Authorization, X-Tenant, Accept, Accept-Encoding"),
    );
    resp
}

async fn run_checked(state: Arc<AppState>, call: Call, batch: BatchRequest) -> HttpResponse {
    let media = call.media;
    let cost = match admit(&state.limits, &batch) {
        Ok(c) => c,
        Err(e) => return refuse(media, &e),
    };
    if let Some(ip) = call.ip
        && let Err(wait) = state.budgets.per_ip.spend(&ip.to_string(), cost)
    {
        let e = ApiError::rate_limited("this address is over its query budget", wait);
        return refuse(media, &e);
    }
    // The task outlives the answer by a moment at most: on PostgreSQL the
    // database cancels its statements at the deadline and it ends by itself;
    // what the database cannot cancel (waiting for a pool connection,
    // SQLite's busy wait) is dropped here, which rolls back and returns
    // the connection (see `db::connect_with`).
    let deadline = call.deadline;
    let work = run_admitted(state, call, batch, cost);
    let hard_stop = deadline + Duration::from_millis(250);
    let statements = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let work = store::stats::scope(statements.clone(), work);
    let task = tokio::spawn(
        async move {
            tokio::time::timeout_at(hard_stop.into(), work)
                .await
                .unwrap_or_else(|_| {
                    refuse(
                        media,
                        &ApiError::new(ErrorCode::Timeout, "the request did not finish in time"),
                    )
                })
        }
        .in_current_span(),
    );
    let mut resp = match tokio::time::timeout_at(deadline.into(), task).await {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "request task failed");
            refuse(media, &ApiError::new(ErrorCode::Internal, "internal error"))
        }
        Err(_) => {
            tracing::warn!("request deadline passed");
            refuse(
                media,
                &ApiError::new(
                    ErrorCode::Timeout,
                    "the request did not finish within its deadline",
                ),
            )
        }
    };
    if let Some(info) = resp.extensions_mut().get_mut::<AccessInfo>() {
        info.statements = statements.load(std::sync::atomic::Ordering::Relaxed);
    }
    resp
}

/// Puts the operation name into the access line's information.
fn named(mut resp: HttpResponse, operation: Option<String>) -> HttpResponse {
    if let Some(info) = resp.extensions_mut().get_mut::<AccessInfo>() {
        info.operation = operation;
    }
    resp
}

async fn run_admitted(
    state: Arc<AppState>,
    call: Call,
    mut batch: BatchRequest,
    cost: u64,
) -> HttpResponse {
    let Call {
        credentials,
        media,
        method,
        ip,
        deadline,
    } = call;
    let origin = Origin::new(ip);
    // One operation: its authentication can be pipelined with its first
    // statement (and the operation run again if that check fails).
    let pipelined = matches!(batch, BatchRequest::Single(_));
    let (principal, mut opened) = match credentials.authenticate(&state, deadline, pipelined).await
    {
        Ok(Caller::Member { scope, .. } | Caller::Anonymous(scope)) => {
            (Some(scope.principal().clone()), Some(scope))
        }
        Ok(Caller::Nobody) => (None, None),
        Err(e) => return refuse(media, &e.into()),
    };
    let tenant = principal.as_ref().map(|p| p.tenant_id);
    if let Some(t) = tenant
        && let Err(wait) = state.budgets.per_tenant.spend(&t.to_string(), cost)
    {
        let e = ApiError::rate_limited("the tenant is over its query budget", wait);
        return refuse(media, &e);
    }
    // Parsed once here: the type decides GET's 405 and whether the request's
    // transaction is committed.
    let mut mutations = Vec::new();
    for req in batch.iter_mut() {
        match operation_type(&state.documents, req) {
            Err(msg) => {
                return refuse(media, &ApiError::new(ErrorCode::GraphqlParseFailed, msg));
            }
            Ok(Some(OperationType::Mutation)) if method == Method::GET => {
                let mut resp = request_error(media, ErrorCode::BadUserInput, "mutations need POST");
                *resp.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                resp.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
                return resp;
            }
            Ok(Some(OperationType::Subscription)) => {
                return request_error(
                    media,
                    ErrorCode::BadUserInput,
                    "subscriptions run over a WebSocket to /graphql (graphql-transport-ws or \
                     graphql-ws), not over HTTP",
                );
            }
            Ok(ty) => mutations.push(ty == Some(OperationType::Mutation)),
        }
    }
    tracing::debug!(operations = mutations.len(), "parsed");
    // Named by its document only: the span learns the name now.
    if let Some(first) = batch.iter_mut().next()
        && first.operation_name.is_none()
        && let Some(name) = document_operation_name(first)
    {
        tracing::Span::current().record("operation", name.as_str());
    }
    let kinds: Vec<Kind> = batch
        .iter_mut()
        .zip(mutations)
        .map(|(req, mutation)| Kind::of(req, mutation))
        .collect();
    crate::metrics::requests(kinds.len());
    let out = match batch {
        BatchRequest::Single(req) => BatchResponse::Single(
            execute(
                &state,
                &principal,
                opened,
                &origin,
                deadline,
                req,
                kinds.first().copied().unwrap_or(Kind::Read),
            )
            .await,
        ),
        BatchRequest::Batch(reqs) => {
            let mut all = Vec::with_capacity(reqs.len());
            for (r, kind) in reqs.into_iter().zip(kinds) {
                all.push(
                    execute(
                        &state,
                        &principal,
                        opened.take(),
                        &origin,
                        deadline,
                        r,
                        kind,
                    )
                    .await,
                );
            }
            BatchResponse::Batch(all)
        }
    };
    respond(media, out, tenant)
}

/// `GET /graphql?query=…&operationName=…&variables=…&extensions=…`.
fn parse_get(query: &str) -> Result<Request, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|e| format!("invalid query string: {e}"))?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let json = |name: &str| -> Result<Option<serde_json::Value>, String> {
        get(name)
            .filter(|v| !v.is_empty())
            .map(|v| serde_json::from_str(v).map_err(|e| format!("invalid `{name}`: {e}")))
            .transpose()
    };
    let mut req = Request::new(get("query").unwrap_or_default());
    if let Some(name) = get("operationName").filter(|n| !n.is_empty()) {
        req = req.operation_name(name);
    }
    if let Some(v) = json("variables")? {
        req = req.variables(async_graphql::Variables::from_json(v));
    }
    if let Some(serde_json::Value::Object(ext)) = json("extensions")? {
        for (k, v) in ext {
            let v = async_graphql::Value::from_json(v).map_err(|e| e.to_string())?;
            req.extensions.insert(k, v);
        }
    }
    Ok(req)
}

pub(crate) async fn graphql_get(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    crate::ws::Upgrade(ws): crate::ws::Upgrade,
    credentials: Credentials,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> HttpResponse {
    if let Some(ws) = ws {
        return crate::ws::upgrade(state, ws, headers, ip);
    }
    let deadline = Instant::now() + state.limits.timeout;
    let query = query.unwrap_or_default();
    if query.is_empty() && wants_html(&headers) {
        return crate::graphiql::page();
    }
    let Some(media) = negotiate(&headers) else {
        return StatusCode::NOT_ACCEPTABLE.into_response();
    };
    if query.len() > state.limits.max_body_bytes {
        return request_error(
            media,
            ErrorCode::BadUserInput,
            "the query string is too long",
        );
    }
    let req = match parse_get(&query) {
        Ok(r) => r,
        Err(e) => return request_error(media, ErrorCode::BadUserInput, &e),
    };
    let call = Call {
        credentials,
        media,
        method: Method::GET,
        ip,
        deadline,
    };
    run(state, call, BatchRequest::Single(req)).await
}

pub(crate) async fn graphql_post(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    credentials: Credentials,
    headers: HeaderMap,
    body: Body,
) -> HttpResponse {
    let deadline = Instant::now() + state.limits.timeout;
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
    if content_type != JSON && content_type != "application/graphql" {
        let mut resp = reply(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            &error_body(ErrorCode::BadUserInput, "send application/json"),
        );
        resp.headers_mut()
            .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        return resp;
    }
    // The body is read under the request's deadline and size limit: a
    // client trickling its body cannot hold the request open forever.
    let read = axum::body::to_bytes(body, state.limits.max_body_bytes);
    let body = match tokio::time::timeout_at(deadline.into(), read).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            let mut resp = request_error(
                media,
                ErrorCode::BadUserInput,
                &format!(
                    "the request body is larger than {} bytes or was cut off",
                    state.limits.max_body_bytes
                ),
            );
            *resp.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return resp;
        }
        Err(_) => {
            return refuse(
                media,
                &ApiError::new(
                    ErrorCode::Timeout,
                    "the request body did not arrive in time",
                ),
            );
        }
    };
    let batch = if content_type == JSON {
        match serde_json::from_slice::<BatchRequest>(&body) {
            Ok(b) => b,
            Err(e) => {
                return request_error(
                    media,
                    ErrorCode::BadUserInput,
                    &format!("invalid request body: {e}"),
                );
            }
        }
    } else {
        BatchRequest::Single(Request::new(String::from_utf8_lossy(&body)))
    };
    let call = Call {
        credentials,
        media,
        method: Method::POST,
        ip,
        deadline,
    };
    run(state, call, batch).await
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
