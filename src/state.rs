//! What the HTTP edge shares: the process's state every handler gets
//! (`AppState`), its budgets, and what one request leaves for its access
//! line. A leaf of the binary's modules: the edge's files (http,
//! graphql_http, caller, ws) import it, it imports none of them.

use std::net::{IpAddr, SocketAddr};

use auth::{TokenKeys, throttle::Budget};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use resolver::Api;
use store::Store;

use crate::operation::Documents;
pub use crate::operation::RequestLimits;

pub struct AppState {
    pub api: Api,
    pub store: Store,
    pub keys: TokenKeys,
    pub accounts: resolver::account::Accounts,
    pub documents: Documents,
    pub limits: RequestLimits,
    pub budgets: Budgets,
    pub persisted: crate::persisted::Persisted,
    pub live: crate::live::LiveState,
}

/// Complexity budgets per client address and per tenant (in memory, per
/// instance: see `docs/OPERATIONS.md`).
pub struct Budgets {
    pub per_ip: Budget,
    pub per_tenant: Budget,
}

/// What the access line reports, left in the response by the handler.
#[derive(Clone, Debug, Default)]
pub(crate) struct AccessInfo {
    pub(crate) operation: Option<String>,
    pub(crate) code: &'static str,
    pub(crate) tenant: Option<uuid::Uuid>,
    /// SQL statements the request ran.
    pub(crate) statements: u64,
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
