//! Who is calling: the one place where credentials — an `Authorization:
//! Bearer` token and/or an `X-Tenant` naming a tenant — become a principal
//! and, for a token, the request's scope. HTTP requests and a WebSocket's
//! `connection_init` both go through [`Credentials::authenticate`]; only the
//! way each transport reports a refusal differs (an `UNAUTHENTICATED` error,
//! a close code).

use std::time::Instant;

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
use resolver::{ApiError, ErrorCode};
use store::StoreError;

use crate::state::AppState;

/// The credentials a request carries, as sent. Extracting them reads
/// headers only: they are checked by [`Credentials::authenticate`], which
/// the GraphQL handler calls once the request has been admitted (document
/// limits and the address's budget come before any database work) and
/// under the request's deadline.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    /// The `Authorization` value; `Some(None)` when present but not text.
    authorization: Option<Option<String>>,
    /// The `X-Tenant` value (a tenant's slug or id); `Some(None)` when
    /// present but not text.
    tenant: Option<Option<String>>,
}

impl<S: Send + Sync> FromRequestParts<S> for Credentials {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_headers(&parts.headers))
    }
}

/// The outcome of authentication.
pub enum Caller {
    /// A verified token with a live membership: its scope is open.
    Member {
        scope: store::Scope,
        /// When the token expires (seconds since the epoch).
        expires: i64,
    },
    /// No token, an `X-Tenant`: reads what the tenant makes public. Its
    /// scope is open ([`store::Store::anonymous`]).
    Anonymous(store::Scope),
    /// No credentials at all: introspection only.
    Nobody,
}

/// The refusal of a token whose user has no live membership in its tenant.
pub const NO_MEMBERSHIP: &str = "no active membership in this tenant";

/// Why credentials were not accepted.
#[derive(Debug)]
pub enum Refusal {
    /// The credentials are wrong: the message says how.
    Denied(String),
    /// The database could not tell.
    Store(StoreError),
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Denied(m) => ApiError::new(ErrorCode::Unauthenticated, m),
            Refusal::Store(e) => e.into(),
        }
    }
}

impl Credentials {
    /// From request headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .map(|v| v.to_str().ok().map(str::to_owned))
        };
        Self {
            authorization: text(header::AUTHORIZATION.as_str()),
            tenant: text("x-tenant"),
        }
    }

    /// From a WebSocket `connection_init` payload: a key of the payload, or
    /// of a `headers` object inside it (any case), else the upgrade
    /// request's header of that name.
    pub fn from_init(payload: &serde_json::Value, headers: &HeaderMap) -> Self {
        let credential = |name: &str| {
            let find = |obj: &serde_json::Value| {
                obj.as_object().and_then(|m| {
                    m.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .and_then(|(_, v)| v.as_str().map(str::to_owned))
                })
            };
            find(payload)
                .or_else(|| payload.get("headers").and_then(find))
                .or_else(|| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                })
                .map(Some)
        };
        Self {
            authorization: credential(header::AUTHORIZATION.as_str()),
            tenant: credential("x-tenant"),
        }
    }

    /// Whether there is a token (whatever it is worth).
    pub fn has_token(&self) -> bool {
        self.authorization.is_some()
    }

    /// Whether a tenant is named.
    pub fn names_tenant(&self) -> bool {
        self.tenant.is_some()
    }

    /// Checks the credentials: a token wins over `X-Tenant`. A token's
    /// roles and organization come from the live memberships
    /// ([`store::Store::authenticate`], which also opens the scope, until
    /// `deadline`): a revoked or expired membership, or a suspended account,
    /// ends access at once.
    ///
    /// `pipelined`: a caller seen before gets the principal of their
    /// memberships then, and the check of the live ones goes out with the
    /// request's first statement ([`store::Store::authenticate_as_seen`]);
    /// the request must then [`store::Scope::confirm`] it before answering.
    pub async fn authenticate(
        self,
        state: &AppState,
        deadline: Instant,
        pipelined: bool,
    ) -> Result<Caller, Refusal> {
        let denied = |m: &str| Refusal::Denied(m.to_owned());
        if let Some(value) = self.authorization {
            let token = value
                .as_deref()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .ok_or_else(|| denied("expected `Authorization: Bearer <token>`"))?;
            let claims = state
                .keys
                .verify(token.trim())
                .map_err(|e| denied(&e.to_string()))?;
            let store = &state.store;
            let (tenant, user) = (claims.tenant, claims.sub);
            let scope = match pipelined {
                true => {
                    store
                        .authenticate_as_seen(tenant, user, Some(deadline))
                        .await
                }
                false => store.authenticate(tenant, user, Some(deadline)).await,
            }
            .map_err(Refusal::Store)?
            .ok_or_else(|| denied(NO_MEMBERSHIP))?;
            return Ok(Caller::Member {
                scope,
                expires: claims.exp,
            });
        }
        if let Some(value) = self.tenant {
            let key = value.ok_or_else(|| denied("unknown tenant"))?;
            let scope = state
                .store
                .anonymous(key.trim(), Some(deadline))
                .await
                .map_err(Refusal::Store)?
                .ok_or_else(|| denied("unknown tenant"))?;
            return Ok(Caller::Anonymous(scope));
        }
        Ok(Caller::Nobody)
    }
}
