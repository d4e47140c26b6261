//! GraphQL over WebSocket on `/graphql`: the `graphql-transport-ws`
//! protocol (the graphql-ws library) and the older `graphql-ws`
//! (subscriptions-transport-ws). Subscriptions, and also queries and
//! mutations, each in a scope of its own.
//!
//! The caller is authenticated from `connection_init`'s payload
//! (`Authorization: Bearer …` or `X-Tenant`, also accepted inside a
//! `headers` object, or from the upgrade request's own headers) by the same
//! code as on HTTP (`crate::caller`). Afterwards the connection is closed:
//!
//! - when the token expires (4401);
//! - when the membership is found revoked (4403): at each event a
//!   subscription re-reads through a new scope, and every
//!   `subscription_recheck_secs` even without events;
//! - when a subscription falls further behind the events than its queue
//!   holds, or the client stops reading for `subscription_send_timeout_secs`
//!   (4008);
//! - when the caller already has `max_connections_per_user` (4029);
//! - without `connection_init` within `subscription_init_timeout_secs` (4408);
//! - with 4400 for a message that is not valid, 4401 for a subscription
//!   sent before `connection_init` was acknowledged (graphql-transport-ws);
//! - with 1001 when the server shuts down.
//!
//! Every operation is held to the same document limits, budgets and
//! validation as on HTTP; at most `max_subscriptions_per_connection` run at
//! once on one connection.
//!
//! The connection logs inside its upgrade request's span (`request{id,
//! route}`), and each operation inside a span of its own,
//! `operation{id, operation}`: the client's id for it and its name.

use std::{
    net::IpAddr,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use async_graphql::{
    BatchRequest, Data, Executor, Request, Response,
    futures_util::{SinkExt, StreamExt, stream::BoxStream},
    http::{WebSocketProtocols, WsMessage},
    parser::types::OperationType,
};
use axum::{
    extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
    http::{HeaderMap, header},
    response::Response as HttpResponse,
};
use resolver::{
    ApiError, ErrorCode,
    live::{Closer, Live, close},
};

use crate::{
    caller::{Caller, Credentials, Refusal},
    server::KeySlot,
    state::AppState,
};

/// The connection's subscriber once `connection_init` succeeded.
#[derive(Default)]
struct Session {
    live: OnceLock<Arc<Live>>,
    /// When the token expires.
    expires: OnceLock<Instant>,
    slot: Mutex<Option<KeySlot<String>>>,
    /// The close code and reason for a refused `connection_init`.
    refused: OnceLock<(u16, String)>,
}

/// A WebSocket upgrade, when the GET asks for one.
pub struct Upgrade(pub Option<WebSocketUpgrade>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Upgrade {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let asks = parts
            .headers
            .get(header::UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        if !asks {
            return Ok(Upgrade(None));
        }
        Ok(Upgrade(
            WebSocketUpgrade::from_request_parts(parts, state)
                .await
                .ok(),
        ))
    }
}

/// Answers a WebSocket upgrade of `/graphql`.
pub fn upgrade(
    state: Arc<AppState>,
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    ip: Option<IpAddr>,
) -> HttpResponse {
    let protocol = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|list| {
            list.split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        })
        // No sub-protocol named: the current protocol.
        .unwrap_or(WebSocketProtocols::GraphQLWS);
    let max_message = state.limits.max_body_bytes;
    ws.protocols(["graphql-transport-ws", "graphql-ws"])
        // Small buffers: an idle connection holds little memory.
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .max_write_buffer_size(max_message.max(64 * 1024) * 4)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        // The connection lives in the upgrade request's span: every line
        // it logs carries that request's id.
        .on_upgrade({
            use tracing::Instrument;
            let span = tracing::Span::current();
            move |socket| serve(state, socket, protocol, headers, ip).instrument(span)
        })
}

/// `connection_init`: the subscriber, as HTTP would authenticate them.
async fn init(
    state: Arc<AppState>,
    session: Arc<Session>,
    closer: Closer,
    headers: HeaderMap,
    ip: Option<IpAddr>,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let refuse = |code: u16, message: &str| {
        let _ = session.refused.set((code, message.to_owned()));
        async_graphql::Error::new(message)
    };
    let read_timeout = state.limits.timeout;
    let credentials = Credentials::from_init(&payload, &headers);
    let deadline = Instant::now() + read_timeout;
    let (tenant, user, key) = match credentials.authenticate(&state, deadline, false).await {
        Ok(Caller::Member { scope, expires }) => {
            let principal = scope.principal().clone();
            // Subscriptions authenticate again for every read.
            let _ = scope.release(false).await;
            let left = expires - chrono::Utc::now().timestamp();
            let _ = session
                .expires
                .set(Instant::now() + Duration::from_secs(left.max(0) as u64));
            // A member's principal always names its user.
            let Some(user) = principal.user_id else {
                return Err(refuse(
                    close::FORBIDDEN,
                    "no active membership in this tenant",
                ));
            };
            (
                principal.tenant_id,
                Some(user),
                format!("{}:{}", principal.tenant_id, user),
            )
        }
        Ok(Caller::Anonymous(scope)) => {
            let principal = scope.principal().clone();
            // Subscriptions open a scope for every read.
            let _ = scope.release(false).await;
            let who = ip.map(|i| i.to_string()).unwrap_or_default();
            (principal.tenant_id, None, format!("anonymous:{who}"))
        }
        Ok(Caller::Nobody) => {
            return Err(refuse(
                close::FORBIDDEN,
                "connection_init needs an `Authorization: Bearer <token>` or an `X-Tenant`",
            ));
        }
        Err(Refusal::Denied(message)) => return Err(refuse(close::FORBIDDEN, &message)),
        Err(Refusal::Store(_)) => return Err(refuse(1011, "the database is unavailable")),
    };
    let max = state.live.config.max_connections_per_user;
    let Some(slot) = state.live.connections.take(key, max) else {
        return Err(refuse(
            close::TOO_MANY_CONNECTIONS,
            "too many open connections for this caller",
        ));
    };
    *session.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(slot);
    let live = Arc::new(Live {
        store: state.store.clone(),
        tenant,
        user,
        read_timeout,
        closer,
        reads: state.live.reads.clone(),
        checked: Default::default(),
    });
    let _ = session.live.set(live.clone());
    let mut data = Data::default();
    data.insert(live);
    Ok(data)
}

/// Runs operations for one connection (see [`Executor`]).
#[derive(Clone)]
struct Operations {
    state: Arc<AppState>,
    session: Arc<Session>,
    ip: Option<IpAddr>,
    running: Arc<AtomicUsize>,
    /// The client's id of the operation being started: set as its
    /// `subscribe` (`start`) message is read, taken by `execute_stream`,
    /// which the protocol calls for that same message before reading the
    /// next.
    starting: Arc<Mutex<Option<String>>>,
}

/// The client's id of an operation a message starts: `subscribe`
/// (graphql-transport-ws) or `start` (graphql-ws).
fn started_id(message: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(rename = "type")]
        ty: String,
        id: Option<String>,
    }
    let head: Head = serde_json::from_slice(message).ok()?;
    match head.ty.as_str() {
        "subscribe" | "start" => head.id,
        _ => None,
    }
}

/// The span of one operation of a connection (`operation{id, operation}`:
/// the client's id for it and the operation's name, under the field name
/// the HTTP request span gives it; a field called `name` would be hidden
/// by the span's own name in JSON logs), inside the connection's, which is
/// the upgrade request's `request{id, route}`. At error level, like the
/// request's, so every line of the operation carries it.
fn operation_span(id: Option<&str>, name: Option<&str>) -> tracing::Span {
    tracing::error_span!(
        "operation",
        id = id.unwrap_or("-"),
        operation = name.unwrap_or("-")
    )
}

/// `stream`, polled inside `span`: what it logs carries the span.
fn in_span(
    mut stream: BoxStream<'static, Response>,
    span: tracing::Span,
) -> BoxStream<'static, Response> {
    async_graphql::futures_util::stream::poll_fn(move |cx| {
        let _entered = span.enter();
        stream.poll_next_unpin(cx)
    })
    .boxed()
}

/// Counts a running subscription; uncounted on drop.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn refused(e: ApiError) -> BoxStream<'static, Response> {
    async_graphql::futures_util::stream::once(async move { crate::operation::failed(e) }).boxed()
}

impl Executor for Operations {
    async fn execute(&self, request: Request) -> Response {
        let mut s = self.execute_stream(request, None);
        s.next().await.unwrap_or_default()
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let state = &self.state;
        let id = self
            .starting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let Some(live) = self.session.live.get().cloned() else {
            return refused(ApiError::new(
                ErrorCode::Unauthenticated,
                "send connection_init first",
            ));
        };
        let mut batch = BatchRequest::Single(request);
        let cost = match crate::operation::admit(&state.limits, &batch) {
            Ok(c) => c,
            Err(e) => return refused(e),
        };
        let spent = self
            .ip
            .map(|ip| state.budgets.per_ip.spend(&ip.to_string(), cost))
            .unwrap_or(Ok(()))
            .and_then(|()| {
                state
                    .budgets
                    .per_tenant
                    .spend(&live.tenant.to_string(), cost)
            });
        if let Err(wait) = spent {
            return refused(ApiError::rate_limited("over the query budget", wait));
        }
        let BatchRequest::Single(r) = &mut batch else {
            return refused(ApiError::internal("not a single request"));
        };
        let ty = match crate::operation::operation_type(&state.documents, r) {
            Ok(ty) => ty,
            Err(msg) => return refused(ApiError::new(ErrorCode::GraphqlParseFailed, msg)),
        };
        let name = r
            .operation_name
            .clone()
            .or_else(|| crate::operation::document_operation_name(r));
        let span = operation_span(id.as_deref(), name.as_deref());
        request = match batch {
            BatchRequest::Single(r) => r,
            BatchRequest::Batch(_) => return refused(ApiError::internal("not a single request")),
        };
        let schema = state.api.schema.clone();
        if ty == Some(OperationType::Subscription) {
            let max = state.live.config.max_subscriptions_per_connection;
            if self.running.fetch_add(1, Ordering::Relaxed) >= max {
                self.running.fetch_sub(1, Ordering::Relaxed);
                return refused(ApiError::rate_limited(
                    format!("at most {max} subscriptions may run on one connection"),
                    Duration::from_secs(1),
                ));
            }
            let running = Running(self.running.clone());
            let stream = schema
                .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                .map(move |mut resp| {
                    let _counted = &running;
                    crate::operation::classify(&mut resp.errors);
                    resp
                })
                .boxed();
            return in_span(stream, span);
        }
        // A query or mutation: one scope of its own, as on HTTP.
        let state = state.clone();
        let origin = resolver::account::Origin::new(self.ip);
        let once = async_graphql::futures_util::stream::once(async move {
            let scope = match live.scope().await {
                Ok(s) => s,
                Err(e) => return crate::operation::failed(e),
            };
            let request = request
                .data(state.accounts.clone())
                .data(origin)
                .data(state.api.request_ctx(scope.clone()));
            let mut resp = schema.execute(request).await;
            if let Err(e) = scope.release(ty == Some(OperationType::Mutation)).await {
                return crate::operation::failed(e.into());
            }
            crate::operation::classify(&mut resp.errors);
            resp
        })
        .boxed();
        in_span(once, span)
    }
}

fn close_frame(code: u16, reason: &str) -> Message {
    // A close reason is at most 123 bytes.
    let mut reason = reason.to_owned();
    while reason.len() > 123 {
        reason.pop();
    }
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// Serves one WebSocket connection until either side closes it.
async fn serve(
    state: Arc<AppState>,
    socket: WebSocket,
    protocol: WebSocketProtocols,
    headers: HeaderMap,
    ip: Option<IpAddr>,
) {
    let config = state.live.config;
    let session = Arc::new(Session::default());
    let (closer, mut closed) = Closer::new();
    let (mut sink, stream) = socket.split();
    // A frame the socket refuses (over `max_body_bytes`, or broken) ends the
    // input; the connection is then closed with 1009 or 1002.
    let broken: Arc<OnceLock<(u16, String)>> = Arc::default();
    let starting: Arc<Mutex<Option<String>>> = Arc::default();
    let input = stream
        .take_while({
            let broken = broken.clone();
            move |m| {
                if let Err(e) = m {
                    let text = e.to_string();
                    let code = if text.contains("too long") {
                        1009
                    } else {
                        1002
                    };
                    let _ = broken.set((code, text));
                }
                std::future::ready(m.is_ok())
            }
        })
        .filter_map({
            let starting = starting.clone();
            move |m| {
                let bytes = match m {
                    Ok(Message::Text(t)) => Some(axum::body::Bytes::from(t)),
                    Ok(Message::Binary(b)) => Some(b),
                    _ => None,
                };
                if let Some(b) = &bytes {
                    *starting.lock().unwrap_or_else(|e| e.into_inner()) = started_id(b);
                }
                std::future::ready(bytes)
            }
        });
    let operations = Operations {
        state: state.clone(),
        session: session.clone(),
        ip,
        running: Arc::new(AtomicUsize::new(0)),
        starting,
    };
    let on_init = {
        let (state, session, closer) = (state.clone(), session.clone(), closer.clone());
        move |payload| init(state, session, closer, headers, ip, payload)
    };
    let mut messages = async_graphql::http::WebSocket::new(operations, input, protocol)
        .on_connection_init(on_init);
    let mut stop = state.live.stop.clone();
    // Each connection's timers start at its own phase: connections opened
    // together (a reconnecting fleet, a load test) do not ping or re-read
    // their memberships all at once. The membership is looked at every
    // half period and read when no event's re-read did in the last half,
    // so it is never older than `recheck`.
    let phase = f64::from(uuid::Uuid::new_v4().as_u128() as u16) / f64::from(u16::MAX);
    let now = tokio::time::Instant::now();
    let mut ping = tokio::time::interval_at(
        now + config.keepalive.mul_f64(0.5 + phase),
        config.keepalive,
    );
    let half = config.recheck / 2;
    let mut recheck = tokio::time::interval_at(now + half.mul_f64(phase), half);
    let init_by = tokio::time::sleep(config.init_timeout);
    tokio::pin!(init_by);
    let far = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    let expiry = tokio::time::sleep_until(far.into());
    tokio::pin!(expiry);
    let mut expiry_set = false;
    let outcome: Option<Message> = loop {
        if !expiry_set && let Some(at) = session.expires.get() {
            expiry.as_mut().reset((*at).into());
            expiry_set = true;
        }
        let out = tokio::select! {
            m = messages.next() => match m {
                // The legacy protocol ends after its `connection_error`:
                // the refusal's code still closes the socket.
                None => break session
                    .refused
                    .get()
                    .or(broken.get())
                    .map(|(code, reason)| close_frame(*code, reason)),
                Some(WsMessage::Text(t)) => Message::Text(t.into()),
                Some(WsMessage::Close(code, reason)) => {
                    // graphql-transport-ws's own codes where async-graphql
                    // uses generic ones: a message that is not valid (4400),
                    // a subscription before `connection_ack` (4401).
                    let code = match (session.refused.get(), protocol, code) {
                        (Some(refused), _, _) => refused.0,
                        (None, WebSocketProtocols::GraphQLWS, 1002) => 4400,
                        (None, WebSocketProtocols::GraphQLWS, 1011) => close::UNAUTHORIZED,
                        _ => code,
                    };
                    break Some(close_frame(code, &reason));
                }
            },
            _ = closed.changed() => {
                let (code, reason) = closed.borrow().clone().unwrap_or((1011, String::new()));
                break Some(close_frame(code, &reason));
            }
            _ = stop.changed() => break Some(close_frame(1001, "the server is shutting down")),
            _ = &mut init_by, if session.live.get().is_none() => {
                break Some(close_frame(4408, "connection initialisation timeout"));
            }
            _ = &mut expiry, if expiry_set => {
                break Some(close_frame(close::UNAUTHORIZED, "the token has expired"));
            }
            _ = recheck.tick() => {
                if let Some(live) = session.live.get() {
                    live.recheck(half).await;
                }
                continue;
            }
            _ = ping.tick() => Message::Ping(Default::default()),
        };
        match tokio::time::timeout(config.send_timeout, sink.send(out)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => break None,
            Err(_) => {
                break Some(close_frame(
                    close::SLOW_CONSUMER,
                    "the client did not take its messages in time",
                ));
            }
        }
    };
    if let Some(frame) = outcome {
        let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(frame)).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.close()).await;
}
