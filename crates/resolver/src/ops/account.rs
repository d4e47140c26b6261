//! Identity operations: `signUp`, `login` and `me`.

use async_graphql::{
    Value,
    dynamic::{Field, FieldFuture, FieldValue, Object, TypeRef},
};
use std::{
    net::IpAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use auth::{Principal, Role, TokenKeys, password, throttle::Backoff};
use domain::identity;
use store::{Store, StoreError};

use super::{
    args::{args_of, with_args},
    prelude::arguments,
};
use crate::error::{ApiError, ErrorCode};

arguments! {
    struct SignUpArgs {
        /// Tenant slug.
        tenant: String,
        /// Your email address; one account per address.
        email: String,
        /// At least 8 characters.
        password: String,
        /// Your name as shown to others.
        full_name: Option<String>,
    }
}

arguments! {
    struct LoginArgs {
        /// Tenant slug.
        tenant: String,
        /// The account's email address.
        email: String,
        /// The account's password.
        password: String,
    }
}

/// What the identity operations need; added to every request's data.
#[derive(Clone)]
pub struct Accounts {
    pub store: Store,
    pub keys: TokenKeys,
    pub token_ttl_secs: i64,
    pub guard: Arc<CredentialGuard>,
}

/// Where a request comes from, shared by every operation of one HTTP
/// request (a batch included); added to each operation's data.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The client's address, when the server knows it.
    pub ip: Option<IpAddr>,
    /// Password checks already made by this HTTP request.
    credential_checks: Arc<AtomicUsize>,
}

impl Origin {
    pub fn new(ip: Option<IpAddr>) -> Self {
        Self {
            ip,
            credential_checks: Default::default(),
        }
    }
}

/// Limits on password work: argon2id costs 19 MiB and tens of milliseconds
/// a hash, so hashes run a few at a time, failed logins back off per
/// account and per client address, and one HTTP request (aliases and
/// batches included) checks at most one password.
pub struct CredentialGuard {
    hashes: tokio::sync::Semaphore,
    hash_wait: Duration,
    accounts: Backoff,
    addresses: Backoff,
}

/// Settings of a [`CredentialGuard`].
#[derive(Clone, Copy, Debug)]
pub struct GuardOptions {
    pub hash_concurrency: usize,
    pub hash_wait: Duration,
    pub free_failures: u32,
    pub free_failures_per_ip: u32,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl CredentialGuard {
    pub fn new(o: GuardOptions) -> Self {
        Self {
            hashes: tokio::sync::Semaphore::new(
                o.hash_concurrency
                    .clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
            ),
            hash_wait: o.hash_wait,
            accounts: Backoff::new(o.free_failures, o.first_backoff, o.max_backoff),
            addresses: Backoff::new(o.free_failures_per_ip, o.first_backoff, o.max_backoff),
        }
    }

    /// Refuses a second password check in one HTTP request, and a caller
    /// (account or address) still backing off.
    fn admit(&self, origin: &Origin, account: Option<&str>) -> Result<(), ApiError> {
        if origin.credential_checks.fetch_add(1, Ordering::SeqCst) > 0 {
            return Err(ApiError::bad_input(
                "one login or signUp per request (aliases and batches included)",
            ));
        }
        let waits = [
            account.and_then(|a| self.accounts.wait(a)),
            origin
                .ip
                .and_then(|ip| self.addresses.wait(&ip.to_string())),
        ];
        match waits.into_iter().flatten().max() {
            Some(wait) => Err(ApiError::rate_limited(
                "too many failed attempts; try again later",
                wait,
            )),
            None => Ok(()),
        }
    }

    /// A failed login (or, for the address, any sign-up).
    fn failed(&self, origin: &Origin, account: Option<&str>) {
        if let Some(a) = account {
            self.accounts.fail(a);
        }
        if let Some(ip) = origin.ip {
            self.addresses.fail(&ip.to_string());
        }
    }

    /// Runs argon2 off the async threads (it is deliberately slow), at most
    /// `hash_concurrency` at once; a caller that cannot get a slot within
    /// `hash_wait` is told to come back.
    async fn hash<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = tokio::time::timeout(self.hash_wait, self.hashes.acquire())
            .await
            .map_err(|_| {
                ApiError::rate_limited("the server is busy; try again shortly", self.hash_wait)
            })?
            .map_err(ApiError::internal)?;
        let out = tokio::task::spawn_blocking(f)
            .await
            .map_err(ApiError::internal);
        drop(permit);
        out
    }
}

/// The back-off key of an account: tenant and normalised email.
fn account_key(tenant: &str, email: &str) -> String {
    format!("{}\n{}", tenant.trim(), email.trim().to_lowercase())
}

/// A signed token and what it grants.
struct AuthPayload {
    token: String,
    expires_at: i64,
    principal: Principal,
}

fn same_failure() -> ApiError {
    // One answer for unknown email, wrong password, unknown tenant and no
    // membership: nothing about which accounts exist leaks.
    ApiError::new(
        ErrorCode::Unauthenticated,
        "invalid email, password or tenant",
    )
}

fn issue(acc: &Accounts, principal: Principal) -> Result<AuthPayload, ApiError> {
    let claims = acc
        .keys
        .claims_for(&principal, acc.token_ttl_secs)
        .ok_or_else(|| ApiError::internal("principal without user"))?;
    let token = acc.keys.sign(&claims).map_err(ApiError::internal)?;
    Ok(AuthPayload {
        token,
        expires_at: claims.exp,
        principal,
    })
}

async fn sign_up(
    acc: &Accounts,
    origin: &Origin,
    tenant: &str,
    email: &str,
    pw: String,
    name: Option<String>,
) -> Result<AuthPayload, ApiError> {
    identity::email(email)?;
    identity::full_name(name.as_deref())?;
    acc.guard.admit(origin, None)?;
    // Every sign-up counts against the address: accounts are cheap to
    // make, hashes are not.
    acc.guard.failed(origin, None);
    identity::password(&pw)?;
    let tenant = acc
        .store
        .tenant(tenant)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such tenant"))?;
    let hash = acc
        .guard
        .hash(move || password::hash(&pw))
        .await?
        .map_err(ApiError::internal)?;
    let user = match acc.store.sign_up(tenant.id, email, hash, name).await {
        Err(StoreError::Conflict(field)) => {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("{field} is already registered"),
            ));
        }
        other => other?,
    };
    let principal = acc
        .store
        .principal(tenant.id, user)
        .await?
        .ok_or_else(|| ApiError::internal("new user has no membership"))?;
    issue(acc, principal)
}

async fn login(
    acc: &Accounts,
    origin: &Origin,
    tenant_key: &str,
    email: &str,
    pw: String,
) -> Result<AuthPayload, ApiError> {
    let key = account_key(tenant_key, email);
    acc.guard.admit(origin, Some(&key))?;
    let tenant = acc.store.tenant(tenant_key).await?;
    let user = acc.store.user_by_email(email).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    // Always one argon2 verification, whether or not the user exists.
    let ok = acc
        .guard
        .hash(move || password::verify(&pw, stored.as_deref()))
        .await?;
    let principal = match (tenant, user, ok) {
        (Some(tenant), Some(user), true) => acc.store.principal(tenant.id, user.id).await?,
        _ => None,
    };
    let Some(principal) = principal else {
        acc.guard.failed(origin, Some(&key));
        return Err(same_failure());
    };
    acc.guard.accounts.succeed(&key);
    issue(acc, principal)
}

fn origin(ctx: &async_graphql::dynamic::ResolverContext<'_>) -> Origin {
    ctx.data::<Origin>().cloned().unwrap_or_default()
}

fn accounts<'a>(
    ctx: &async_graphql::dynamic::ResolverContext<'a>,
) -> async_graphql::Result<&'a Accounts> {
    ctx.data::<Accounts>()
        .map_err(|_| ApiError::internal("accounts not configured").into())
}

fn payload_of<'a>(
    ctx: &async_graphql::dynamic::ResolverContext<'a>,
) -> async_graphql::Result<&'a AuthPayload> {
    let parent: &'a FieldValue<'a> = ctx.parent_value;
    parent.try_downcast_ref::<AuthPayload>()
}

fn principal_fields(obj: Object, get: fn(&FieldValue<'_>) -> Option<Principal>) -> Object {
    obj.field(
        Field::new("roles", TypeRef::named_nn_list_nn("Role"), move |ctx| {
            FieldFuture::new(async move {
                let p = get(ctx.parent_value)
                    .unwrap_or_else(|| Principal::anonymous(Default::default()));
                Ok(Some(Value::List(
                    p.roles
                        .iter()
                        .map(|r| {
                            crate::value::enum_value(
                                &<Role as entity::enums::TextEnum>::DEF,
                                r.as_str(),
                            )
                        })
                        .collect(),
                )))
            })
        })
        .description("Roles of the active memberships in this tenant."),
    )
    .field(
        Field::new("userId", TypeRef::named("UUID"), move |ctx| {
            FieldFuture::new(async move {
                Ok(get(ctx.parent_value)
                    .and_then(|p| p.user_id)
                    .map(|u| Value::from(u.to_string())))
            })
        })
        .description("The user's id."),
    )
    .field(
        Field::new("tenantId", TypeRef::named_nn("UUID"), move |ctx| {
            FieldFuture::new(async move {
                Ok(get(ctx.parent_value).map(|p| Value::from(p.tenant_id.to_string())))
            })
        })
        .description("The tenant the token acts in."),
    )
}

/// `AuthPayload`, `Viewer` and the `Role` enum.
fn types() -> Vec<Object> {
    let payload = Object::new("AuthPayload")
        .description("A signed bearer token and what it grants.")
        .field(
            Field::new("token", TypeRef::named_nn(TypeRef::STRING), |ctx| {
                FieldFuture::new(
                    async move { Ok(Some(Value::from(payload_of(&ctx)?.token.clone()))) },
                )
            })
            .description("Send as `Authorization: Bearer <token>`."),
        )
        .field(
            Field::new("expiresAt", TypeRef::named_nn("DateTime"), |ctx| {
                FieldFuture::new(async move {
                    let exp = payload_of(&ctx)?.expires_at;
                    let at = chrono::DateTime::from_timestamp(exp, 0).unwrap_or_default();
                    Ok(Some(Value::from(at.to_rfc3339())))
                })
            })
            .description("When the token stops being accepted."),
        );
    let payload = principal_fields(payload, |v| {
        v.downcast_ref::<AuthPayload>().map(|p| p.principal.clone())
    });
    let viewer = Object::new("Viewer")
        .description("The caller: their user, tenant and roles.")
        .field(
            Field::new("user", TypeRef::named("User"), |ctx| {
                FieldFuture::new(async move {
                    let p = ctx.parent_value.try_downcast_ref::<Principal>()?;
                    let Some(id) = p.user_id else { return Ok(None) };
                    crate::context::load_one(&ctx, "users", id).await
                })
            })
            .description("The caller's profile."),
        )
        .field(
            Field::new("tenant", TypeRef::named_nn("Tenant"), |ctx| {
                FieldFuture::new(async move {
                    let p = ctx.parent_value.try_downcast_ref::<Principal>()?;
                    crate::context::load_one(&ctx, "tenants", p.tenant_id).await
                })
            })
            .description("The tenant the request acts in."),
        )
        .field(
            Field::new("organization", TypeRef::named("Organization"), |ctx| {
                FieldFuture::new(async move {
                    let p = ctx.parent_value.try_downcast_ref::<Principal>()?;
                    let Some(org) = p.organization_id else {
                        return Ok(None);
                    };
                    crate::context::load_one(&ctx, "organizations", org).await
                })
            })
            .description("The organization the caller acts for, if any."),
        );
    let viewer = principal_fields(viewer, |v| v.downcast_ref::<Principal>().cloned());
    vec![payload, viewer]
}

fn query_fields(query: Object) -> Object {
    query.field(
        Field::new("me", TypeRef::named("Viewer"), |ctx| {
            FieldFuture::new(async move {
                let r = crate::context::req(&ctx)?;
                if !r.principal.is_authenticated() {
                    return Err(ApiError::new(
                        ErrorCode::Unauthenticated,
                        "sign in to see yourself",
                    )
                    .into());
                }
                Ok(Some(FieldValue::owned_any(r.principal.clone())))
            })
        })
        .description("The caller (requires a token)."),
    )
}

/// `signUp`, `login`, `me` and their types.
pub(crate) fn module(mut p: crate::ops::prelude::Parts) -> crate::ops::prelude::Parts {
    p.objects.extend(types());
    p.query = query_fields(p.query);
    p.mutation = mutation(p.mutation);
    p
}

fn mutation(mutation: Object) -> Object {
    let sign_up_field = Field::new("signUp", TypeRef::named_nn("AuthPayload"), |ctx| {
        FieldFuture::new(async move {
            let acc = accounts(&ctx)?;
            let a: SignUpArgs = args_of(&ctx)?;
            let p = sign_up(
                acc,
                &origin(&ctx),
                &a.tenant,
                &a.email,
                a.password,
                a.full_name,
            )
            .await?;
            Ok(Some(FieldValue::owned_any(p)))
        })
    });
    let login_field = Field::new("login", TypeRef::named_nn("AuthPayload"), |ctx| {
        FieldFuture::new(async move {
            let acc = accounts(&ctx)?;
            let a: LoginArgs = args_of(&ctx)?;
            let p = login(acc, &origin(&ctx), &a.tenant, &a.email, a.password).await?;
            Ok(Some(FieldValue::owned_any(p)))
        })
    });
    mutation
        .field(
            with_args::<SignUpArgs>(sign_up_field).description(
                "Create an account as a learner of the tenant; returns a token. CONFLICT if the email is registered.",
            ),
        )
        .field(with_args::<LoginArgs>(login_field).description(
            "Exchange credentials for a token acting in the tenant. One UNAUTHENTICATED answer for every failure.",
        ))
}
