//! The HTTP edge: the router and what every request passes through (the
//! request's span and id, the access line, compression, CORS), liveness and
//! readiness. GraphQL over HTTP is `graphql_http`; who is calling,
//! `caller`; GraphiQL, `graphiql`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response as HttpResponse},
    routing::get,
};

use crate::{
    graphql_http::{graphql_get, graphql_post},
    state::{AccessInfo, AppState},
};

pub fn router(state: Arc<AppState>, cors_origins: &[String]) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/graphql") }))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .layer(middleware::from_fn(access))
        .route("/graphiql/{file}", get(crate::graphiql::asset))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_span)
                // The access line says what happened; the layer only opens
                // the span.
                .on_request(())
                .on_response(())
                .on_body_chunk(())
                .on_eos(())
                .on_failure(()),
        )
        .layer(middleware::from_fn(request_id))
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

/// The request's id: the client's `X-Request-Id` when it is a short
/// printable token, else a new one.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Gives the request its id, before its span is opened, and echoes it in
/// `X-Request-Id`.
async fn request_id(mut req: axum::extract::Request, next: Next) -> HttpResponse {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let header = HeaderValue::from_str(&id).ok();
    req.extensions_mut().insert(RequestId(id));
    let mut resp = next.run(req).await;
    if let Some(v) = header {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// The request's span (`TraceLayer`): its id, the route it matched, and,
/// once known, the GraphQL operation's name (recorded by `graphql_http`).
/// At error level so it is enabled whenever anything is logged: every line
/// of the request, whatever its level, carries them.
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .map_or("-", |r| r.0.as_str());
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("-", |p| p.as_str());
    tracing::error_span!(
        "request",
        id = %id,
        route = %route,
        operation = tracing::field::Empty
    )
}

/// One access line and one latency sample per GraphQL request, inside the
/// request's span.
async fn access(req: axum::extract::Request, next: Next) -> HttpResponse {
    let started = Instant::now();
    let method = req.method().clone();
    let mut resp = next.run(req).await;
    let info = resp
        .extensions_mut()
        .remove::<AccessInfo>()
        .unwrap_or_default();
    let elapsed = started.elapsed();
    if !info.code.is_empty() {
        crate::metrics::observe(info.operation.as_deref(), info.code, elapsed);
    }
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
    );
    resp
}
