//! The HTTP face: GraphQL over HTTP (GET and POST, content negotiation and
//! status codes per the GraphQL-over-HTTP specification), GraphiQL,
//! liveness and readiness. Authentication happens here; authorization
//! inside the schema. Every request is checked against the document limits
//! and budgets before any parsing, and runs in a task of its own under a
//! deadline that the database shares.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant},
};

use async_graphql::{
    BatchRequest, BatchResponse, Request, Response, ServerError,
    parser::types::{ExecutableDocument, OperationType},
};
use auth::{Principal, TokenKeys, throttle::Budget};
use axum::{
    Router,
    body::Body,
    extract::{ConnectInfo, FromRequestParts, RawQuery, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response as HttpResponse},
    routing::get,
};
use resolver::{Api, ApiError, ErrorCode, account::Origin};
use store::Store;
use tracing::Instrument;

pub struct AppState {
    pub api: Api,
    pub store: Store,
    pub keys: TokenKeys,
    pub accounts: resolver::account::Accounts,
    pub documents: Documents,
    pub limits: RequestLimits,
    pub budgets: Budgets,
    pub persisted: crate::persisted::Persisted,
    pub live: crate::ws::LiveState,
}

/// What one HTTP request may carry, checked before anything is parsed.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimits {
    pub document: limits::Limits,
    pub max_body_bytes: usize,
    pub max_batch: usize,
    pub max_text_chars: usize,
    pub timeout: Duration,
}

/// Complexity budgets per client address and per tenant (in memory, per
/// instance: see `docs/OPERATIONS.md`).
pub struct Budgets {
    pub per_ip: Budget,
    pub per_tenant: Budget,
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

pub fn router(state: Arc<AppState>, cors_origins: &[String]) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/graphql") }))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .layer(middleware::from_fn(access))
        .route("/graphiql/{file}", get(crate::graphiql::asset))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .layer(
            tower_http::compression::CompressionLayer::new().compress_when({
                use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
                SizeAbove::new(1024).and(NotForContentType::IMAGES)
            }),
        )
        .layer(cors(cors_origins))
        .with_state(state)
}

/// Browsers on the allowed origins may call the API: preflights are
/// answered, and the headers clients need are allowed and exposed. An entry
/// without a port (`http://localhost`) allows that host on any port.
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let allowed: Vec<String> = origins
        .iter()
        .map(|o| o.trim_end_matches('/').to_owned())
        .collect();
    let origin = if allowed.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            allowed.iter().any(|a| {
                origin == a
                    || origin.strip_prefix(a.as_str()).is_some_and(|rest| {
                        rest.strip_prefix(':').is_some_and(|port| {
                            !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                        })
                    })
            })
        })
    };
    CorsLayer::new()
        .allow_origin(origin)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static("x-tenant"),
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("apollographql-client-name"),
            header::HeaderName::from_static("apollographql-client-version"),
            header::HeaderName::from_static("apollo-require-preflight"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600))
}

/// Liveness: the process answers. Says nothing of the database, so an
/// orchestrator does not restart a healthy server during a database outage.
async fn health() -> HttpResponse {
    axum::Json(serde_json::json!({"status": "ok"})).into_response()
}

/// Readiness: the database answers within two seconds.
async fn ready(State(state): State<Arc<AppState>>) -> HttpResponse {
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ready"})),
        )
            .into_response(),
        outcome => {
            let why = match outcome {
                Ok(Err(e)) => e.to_string(),
                _ => "no answer within 2 s".to_owned(),
            };
            tracing::warn!(error = %why, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// What the access line reports, left in the response by the handler.
#[derive(Clone, Debug, Default)]
struct AccessInfo {
    operation: Option<String>,
    code: &'static str,
    tenant: Option<uuid::Uuid>,
    /// SQL statements the request ran.
    statements: u64,
}

/// One access line and one latency sample per request, under a span that
/// carries the request id — the client's `X-Request-Id` when it is a short
/// printable token, else a new one — so every log line of the request has
/// it; the id is echoed in `X-Request-Id`.
async fn access(req: axum::extract::Request, next: Next) -> HttpResponse {
    let started = Instant::now();
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let method = req.method().clone();
    // At error level so it is enabled whenever anything is logged: every
    // line of the request, whatever its level, carries the id.
    let span = tracing::error_span!("request", id = %id);
    let mut resp = next.run(req).instrument(span.clone()).await;
    let info = resp
        .extensions_mut()
        .remove::<AccessInfo>()
        .unwrap_or_default();
    let elapsed = started.elapsed();
    if !info.code.is_empty() {
        crate::metrics::observe(info.operation.as_deref(), info.code, elapsed);
    }
    span.in_scope(|| {
        tracing::info!(
            target: "coachql::access",
            method = %method,
            status = resp.status().as_u16(),
            ms = elapsed.as_secs_f64() * 1000.0,
            operation = info.operation.as_deref().unwrap_or("-"),
            code = if info.code.is_empty() { "-" } else { info.code },
            tenant = %info.tenant.map(|t| t.to_string()).unwrap_or_else(|| "-".into()),
            statements = info.statements,
            "graphql"
        )
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// The client's address, from the connection.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
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

/// Longest error message sent: messages that quote input (a parse error
/// shows the line it failed on) are cut, so a client never gets its own
/// megabyte back.
const MAX_MESSAGE_CHARS: usize = 300;

fn truncate_message(m: &mut String) {
    if let Some((at, _)) = m.char_indices().nth(MAX_MESSAGE_CHARS) {
        m.truncate(at);
        m.push('…');
    }
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

/// Who is asking: a verified bearer token, or an anonymous caller naming its
/// tenant with `X-Tenant` (slug or id), or nobody (introspection only).
/// The caller, and for a token its request scope already opened (see
/// [`Store::authenticate`]).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    deadline: Instant,
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
            .authenticate(claims.tenant, claims.sub, Some(deadline))
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
pub(crate) fn failed(e: ApiError) -> Response {
    // No location: the error is about the request, not a place in the
    // document.
    let e = async_graphql::Error::from(e);
    let mut err = ServerError::new(e.message, None);
    err.extensions = e.extensions;
    Response::from_errors(vec![err])
}

/// Runs one operation, in its own scope (on PostgreSQL its own
/// transaction). `opened`: the scope authentication opened, for the first
/// operation.
async fn execute(
    state: &AppState,
    principal: &Option<Principal>,
    opened: Option<store::Scope>,
    origin: &Origin,
    deadline: Instant,
    mut req: Request,
    mutation: bool,
) -> Response {
    crate::metrics::request();
    req = req.data(state.accounts.clone()).data(origin.clone());
    let mut scope = None;
    if let Some(p) = principal {
        let opened = match opened {
            Some(s) => Ok(s),
            None => state.store.scope_until(p.clone(), Some(deadline)).await,
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

pub(crate) fn operation_type(
    docs: &Documents,
    req: &mut Request,
) -> Result<Option<OperationType>, String> {
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

/// What a handler knows of a GraphQL request besides its operations.
struct Call {
    headers: HeaderMap,
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
        && !call.headers.contains_key(header::AUTHORIZATION)
        && call.headers.contains_key("x-tenant");
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
        headers,
        media,
        method,
        ip,
        deadline,
    } = call;
    let origin = Origin::new(ip);
    let (principal, mut opened) = match authenticate(&state, &headers, deadline).await {
        Ok(Some((p, s))) => (Some(p), s),
        Ok(None) => (None, None),
        Err(e) => return refuse(media, &e),
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
    let out = match batch {
        BatchRequest::Single(req) => BatchResponse::Single(
            execute(
                &state,
                &principal,
                opened,
                &origin,
                deadline,
                req,
                mutations.first() == Some(&true),
            )
            .await,
        ),
        BatchRequest::Batch(reqs) => {
            let mut all = Vec::with_capacity(reqs.len());
            for (r, mutation) in reqs.into_iter().zip(mutations) {
                all.push(
                    execute(
                        &state,
                        &principal,
                        opened.take(),
                        &origin,
                        deadline,
                        r,
                        mutation,
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

async fn graphql_get(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    crate::ws::Upgrade(ws): crate::ws::Upgrade,
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
        headers,
        media,
        method: Method::GET,
        ip,
        deadline,
    };
    run(state, call, BatchRequest::Single(req)).await
}

async fn graphql_post(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
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
        headers,
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
