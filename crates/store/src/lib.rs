//! Tenant-scoped data access. A [`Scope`] is the only way the API reaches
//! business data: every query it builds carries the tenant condition and the
//! caller's read rules (`auth::policy`), and it never hands out the
//! connection, so a resolver cannot forget either.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use auth::{Principal, Role, policy};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait, Iterable, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select, Statement, TransactionTrait,
    sea_query::{Expr, IntoCondition, Query},
    sqlx::postgres::{PIPELINED, THEN_ROLLBACK},
};
use uuid::Uuid;

mod order;
pub use order::{is_text, sort_key};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is already taken (safe to show: names the field only).
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("no column {column:?} on {table}")]
    UnknownColumn { table: String, column: String },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What a database failure means for the client: the store tells these
/// apart so the API can answer with the right code instead of a generic
/// internal error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The database cannot be reached or no connection was free in time.
    Unavailable,
    /// A statement or lock wait outlived the request's deadline, or SQLite
    /// stayed busy past its timeout.
    Timeout,
    /// The database refused a value (out of range, too long, a NUL
    /// character, a CHECK constraint): the client sent something invalid.
    Refused,
    /// The caller's memberships changed since the ones a pipelined
    /// authentication assumed ([`Store::authenticate_as_seen`]): the
    /// request is run again, and this never reaches the client.
    CallerChanged,
    /// Anything else: a bug or an unexpected state.
    Other,
}

impl StoreError {
    /// What this failure means for the client (see [`Failure`]).
    pub fn failure(&self) -> Failure {
        match self {
            StoreError::Db(e) => classify(e),
            _ => Failure::Other,
        }
    }

    /// Whether the database refused a duplicate key: another writer (or an
    /// earlier write) already holds it.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Db(e)
                if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
        )
    }
}

/// Classifies a database error by its kind and SQLSTATE, never by text.
fn classify(e: &DbErr) -> Failure {
    use sea_orm::{RuntimeErr, sqlx};
    let runtime = match e {
        DbErr::ConnectionAcquire(_) => return Failure::Unavailable,
        DbErr::Conn(r) | DbErr::Exec(r) | DbErr::Query(r) => r,
        _ => return Failure::Other,
    };
    let RuntimeErr::SqlxError(e) = runtime else {
        return Failure::Other;
    };
    match e.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Failure::Unavailable,
        sqlx::Error::Database(db) => match db.code().as_deref().unwrap_or_default() {
            // PostgreSQL: connection exceptions, shutdown, too many clients.
            c if c.starts_with("08") => Failure::Unavailable,
            "57P01" | "57P02" | "57P03" | "53300" => Failure::Unavailable,
            // statement_timeout, lock_timeout.
            "57014" | "55P03" => Failure::Timeout,
            MEMBERSHIPS_CHANGED => Failure::CallerChanged,
            // Data exceptions (out of range, too long, NUL byte), CHECK
            // and NOT NULL violations.
            c if c.starts_with("22") => Failure::Refused,
            "23514" | "23502" => Failure::Refused,
            // SQLite: BUSY (and its extended codes), LOCKED.
            "5" | "261" | "517" | "6" => Failure::Timeout,
            // SQLite: CHECK and NOT NULL constraints, a value too big.
            "275" | "1299" | "18" => Failure::Refused,
            _ => Failure::Other,
        },
        _ => Failure::Other,
    }
}

/// The database, before a tenant is chosen: only global lookups.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    /// PostgreSQL role tenant requests switch to (subject to row-level
    /// security); `None` when the pool already logs in as such a role.
    app_role: Option<String>,
    /// This process's domain events (see [`events`]).
    events: Events,
    /// The memberships each caller had at their last full authentication
    /// (see [`Store::authenticate_as_seen`]).
    seen: Arc<Seen>,
}

/// Where a scope's statements run.
#[derive(Clone, Debug)]
enum Conn {
    Pool(DatabaseConnection),
    /// A request transaction carrying `app.tenant_id` and the RLS role;
    /// with its [`Check`] when its authentication is still on its way.
    Txn(Arc<DatabaseTransaction>, Option<Arc<Check>>),
}

/// Runs `$body` with `$c` bound to the scope's connection. A statement's
/// outcome in a transaction whose authentication was pipelined is what
/// tells whether that authentication held ([`Check::saw`]).
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Pool($c) => $body,
            Conn::Txn(t, check) => {
                let $c = t.as_ref();
                let out = $body;
                if let Some(check) = check {
                    check.saw(&out);
                }
                out
            }
        }
    };
}

impl Conn {
    fn backend(&self) -> DbBackend {
        match self {
            Conn::Pool(c) => c.get_database_backend(),
            Conn::Txn(t, _) => t.get_database_backend(),
        }
    }

    /// The single text value of a statement that returns one JSON document
    /// (a compiled read, a batch); `None` for no row.
    async fn read_json(
        &self,
        statement: &sea_orm::sea_query::SelectStatement,
    ) -> Result<Option<String>, StoreError> {
        self.read_json_then(statement, false).await
    }

    /// [`Conn::read_json`]; with `last` (PostgreSQL, in the request's
    /// transaction), the statement ends the transaction: the driver writes
    /// `ROLLBACK` behind it in the same write (`THEN_ROLLBACK`).
    async fn read_json_then(
        &self,
        statement: &sea_orm::sea_query::SelectStatement,
        last: bool,
    ) -> Result<Option<String>, StoreError> {
        let mut built = self.backend().build(statement);
        if last {
            built.sql = format!("{THEN_ROLLBACK}{}", built.sql);
        }
        #[cfg(feature = "test-hooks")]
        hooks::record(&built);
        let row = on_conn!(self, |c| c.query_one_raw(built).await)?;
        let Some(row) = row else { return Ok(None) };
        Ok(row.try_get_by_index::<Option<String>>(0)?)
    }
}

mod batch;
pub use batch::{Batch, Read, Rows};
pub mod events;
pub use events::{Event, Events, NoticeKind, Topic};
mod reader;
pub use reader::Reader;

impl Store {
    /// `app_role`: see [`Store::app_role`]; ignored on SQLite.
    pub fn new(db: DatabaseConnection, app_role: Option<String>) -> Self {
        let app_role = app_role.filter(|r| !r.is_empty());
        Self {
            db,
            app_role,
            events: Events::default(),
            seen: Arc::default(),
        }
    }

    /// This store with `events` as its fan-out (see [`Events::new`]).
    pub fn with_events(mut self, events: Events) -> Self {
        self.events = events;
        self
    }

    /// This process's domain events: what its writes publish (after
    /// commit) and, on PostgreSQL, what [`events::listen`] hears from every
    /// process on the database.
    pub fn events(&self) -> &Events {
        &self.events
    }

    /// The connection pool, for [`events::listen`].
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Data access confined to the principal's tenant and read rules. On
    /// PostgreSQL this opens the request's transaction, switched to the
    /// row-level-security role with `app.tenant_id` / `app.user_id` /
    /// `app.admin` set for it alone; it rolls back when the last clone of
    /// the scope is dropped unless committed.
    #[tracing::instrument(skip_all)]
    pub async fn scope(&self, principal: Principal) -> Result<Scope, StoreError> {
        self.scope_until(principal, None).await
    }

    /// [`Store::scope`] whose statements and lock waits end by `deadline`
    /// (PostgreSQL `statement_timeout` / `lock_timeout` for this
    /// transaction alone), so a request that times out frees its
    /// connection instead of leaving its statement waiting.
    #[tracing::instrument(skip_all)]
    pub async fn scope_until(
        &self,
        principal: Principal,
        deadline: Option<Instant>,
    ) -> Result<Scope, StoreError> {
        if self.backend() != DbBackend::Postgres {
            return Ok(Scope {
                conn: Conn::Pool(self.db.clone()),
                principal,
                events: self.events.clone(),
                sole: None,
                last: None,
            });
        }
        let txn = self.db.begin().await?;
        let user = principal.user_id.map(|u| u.to_string()).unwrap_or_default();
        let admin = policy::is_admin(&principal).to_string();
        let mut values: Vec<sea_orm::Value> = vec![
            principal.tenant_id.to_string().into(),
            user.into(),
            admin.into(),
        ];
        let settings = self.request_settings(&mut values, deadline);
        // Pipelined: it goes out with the transaction's first statement
        // (and `BEGIN`), and if it fails nothing behind it runs.
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "{PIPELINED}SELECT {}{settings}",
                app_settings("$1", "$2", "$3")
            ),
            values,
        ))
        .await?;
        Ok(self.in_transaction(txn, principal, None))
    }

    /// The scope of `principal` in the request transaction `txn`.
    fn in_transaction(
        &self,
        txn: DatabaseTransaction,
        principal: Principal,
        check: Option<Arc<Check>>,
    ) -> Scope {
        Scope {
            conn: Conn::Txn(Arc::new(txn), check),
            principal,
            events: self.events.clone(),
            sole: None,
            last: None,
        }
    }

    /// The settings every request transaction carries besides its tenant
    /// and user: generic plans, the deadline, and the row-security role
    /// (last, because it takes effect for the statements after this one).
    /// Appends their values to `values` and returns the SQL, each item
    /// preceded by a comma.
    fn request_settings(
        &self,
        values: &mut Vec<sea_orm::Value>,
        deadline: Option<Instant>,
    ) -> String {
        // UTC: a batched read's timestamps come back as JSON text in the
        // session's time zone; the rest of the API reads them as UTC.
        let mut sql = format!(", {GENERIC_PLANS}, set_config('TimeZone', 'UTC', true)");
        if let Some(deadline) = deadline {
            // At least 1 ms: 0 would mean "no timeout".
            let ms = deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1))
                .as_millis()
                .to_string();
            values.push(ms.into());
            let n = values.len();
            sql.push_str(&format!(
                ", set_config('statement_timeout', ${n}, true), \
                 set_config('lock_timeout', ${n}, true)"
            ));
        }
        if let Some(role) = &self.app_role {
            values.push(role.clone().into());
            sql.push_str(&format!(", set_config('role', ${}, true)", values.len()));
        }
        sql
    }

    /// The principal of `user_id` in `tenant_id`, from their unexpired
    /// memberships; `None` if there are none or the account is not active.
    /// Roles come from the database, not the token, so a revoked or expired
    /// membership takes effect at once.
    #[tracing::instrument(skip_all)]
    pub async fn principal(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Principal>, StoreError> {
        // One statement: the memberships only count while the account is
        // active (seed 001 users.status).
        let memberships: Vec<_> = self
            .active_memberships(tenant_id, user_id)
            .await?
            .into_iter()
            .map(|m| (m.role, m.organization_id))
            .collect();
        Ok(principal_of(tenant_id, user_id, &memberships))
    }

    /// [`Store::principal`] and [`Store::scope_until`] together. On
    /// PostgreSQL one statement inside the new transaction reads the live
    /// memberships and sets the request's settings (and role) from them: a
    /// request costs one round trip less. `None` (and the transaction
    /// rolled back) when the user has no live membership.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
        deadline: Option<Instant>,
    ) -> Result<Option<Scope>, StoreError> {
        tracing::debug!(tenant = %tenant_id, user = %user_id, "reading the live memberships");
        if self.backend() != DbBackend::Postgres {
            return match self.principal(tenant_id, user_id).await? {
                Some(p) => Ok(Some(self.scope_until(p, deadline).await?)),
                None => Ok(None),
            };
        }
        let txn = self.db.begin().await?;
        let rows = txn
            .query_all_raw(self.authentication(tenant_id, user_id, deadline, None))
            .await?;
        let mut memberships = Vec::with_capacity(rows.len());
        for r in rows {
            memberships.push((
                r.try_get::<String>("", "role")?,
                r.try_get::<Option<Uuid>>("", "organization_id")?,
            ));
        }
        let principal = principal_of(tenant_id, user_id, &memberships);
        self.seen
            .remember(tenant_id, user_id, &memberships, principal.as_ref());
        match principal {
            Some(principal) => Ok(Some(self.in_transaction(txn, principal, None))),
            None => {
                let _ = txn.rollback().await;
                Ok(None)
            }
        }
    }

    /// [`Store::authenticate`] without waiting for it, for a caller seen
    /// before (on PostgreSQL; elsewhere, and for a caller not seen, it is
    /// [`Store::authenticate`]). The scope carries the principal of the
    /// memberships the caller had at their last full authentication. The
    /// authentication statement still runs, first in the transaction, but
    /// it is pipelined: it goes out in the same write as the request's first
    /// statement, one round trip fewer. It compares the live memberships
    /// with the ones seen and fails with `CQ001` if they differ, which stops
    /// every statement behind it. The scope is only as good as that check:
    /// [`Scope::confirm`] says whether it held, and a request whose check
    /// failed must be run again on [`Store::authenticate`].
    #[tracing::instrument(skip_all)]
    pub async fn authenticate_as_seen(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
        deadline: Option<Instant>,
    ) -> Result<Option<Scope>, StoreError> {
        let seen = match self.backend() {
            DbBackend::Postgres => self.seen.get(tenant_id, user_id),
            _ => None,
        };
        let Some((memberships, principal)) = seen else {
            return self.authenticate(tenant_id, user_id, deadline).await;
        };
        tracing::debug!(tenant = %tenant_id, user = %user_id, "pipelining the memberships' check");
        let txn = self.db.begin().await?;
        let check = self.authentication(tenant_id, user_id, deadline, Some(memberships.as_str()));
        txn.execute_raw(check).await?;
        Ok(Some(self.in_transaction(
            txn,
            principal,
            Some(Arc::new(Check::new(tenant_id, user_id, self.seen.clone()))),
        )))
    }

    /// The authentication statement on PostgreSQL: it reads the live
    /// memberships of `user_id` in `tenant_id` as the pool's role and, if
    /// there are any, sets the request's settings and role from them. It
    /// returns them, or with `expected` (the memberships seen before, as
    /// `role/organization` strings) it is pipelined, returns nothing, and
    /// fails with `CQ001` unless the live ones are the same set.
    fn authentication(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
        deadline: Option<Instant>,
        expected: Option<&str>,
    ) -> Statement {
        // Read as the pool's role (as `principal` does): permissions and row
        // security are fixed when the statement starts, so the role switch
        // applies from the next statement on.
        let live = live_memberships(tenant_id, user_id)
            .select_only()
            .column(entity::user_roles::Column::Role)
            .column(entity::user_roles::Column::OrganizationId)
            .build(DbBackend::Postgres);
        let mut values = live.values.map(|v| v.0).unwrap_or_default();
        let n = values.len();
        values.extend([
            tenant_id.to_string().into(),
            user_id.to_string().into(),
            Role::PlatformAdmin.as_str().into(),
            Role::TenantAdmin.as_str().into(),
        ]);
        let (pipelined, having, select) = match expected {
            None => (
                "",
                "count(*) > 0".to_owned(),
                "m.role, m.organization_id FROM m, s",
            ),
            Some(expected) => {
                values.push(expected.to_owned().into());
                let k = format!("string_to_array(${}, ',')", values.len());
                let live = "array_agg(m.role || '/' || coalesce(m.organization_id::text, ''))";
                (
                    PIPELINED,
                    format!("coachql_memberships_unchanged({live} @> {k} AND {live} <@ {k})"),
                    "true FROM s",
                )
            }
        };
        let settings = self.request_settings(&mut values, deadline);
        let sql = format!(
            "{pipelined}WITH m AS ({live}), s AS (
               SELECT {app}
                      {settings}
               FROM m HAVING {having}
             )
             SELECT {select}",
            live = live.sql,
            app = app_settings(
                &format!("${}", n + 1),
                &format!("${}", n + 2),
                &format!("bool_or(m.role IN (${}, ${}))::text", n + 3, n + 4),
            ),
        );
        Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
    }

    /// A tenant by slug, or by id when `key` is a UUID.
    #[tracing::instrument(skip_all)]
    pub async fn tenant(&self, key: &str) -> Result<Option<entity::tenants::Model>, StoreError> {
        Ok(entity::tenants::Entity::find()
            .filter(tenant_key(key))
            .one(&self.db)
            .await?)
    }

    /// The anonymous scope of the tenant `key` names (a slug, or an id),
    /// whose statements end by `deadline`; `None` if there is no such
    /// tenant. On PostgreSQL one statement inside the new transaction finds
    /// the tenant and sets the request's settings (and role) from it, as
    /// [`Store::authenticate`] does for a member.
    #[tracing::instrument(skip_all)]
    pub async fn anonymous(
        &self,
        key: &str,
        deadline: Option<Instant>,
    ) -> Result<Option<Scope>, StoreError> {
        if self.backend() != DbBackend::Postgres {
            return match self.tenant(key).await? {
                Some(t) => Ok(Some(
                    self.scope_until(Principal::anonymous(t.id), deadline)
                        .await?,
                )),
                None => Ok(None),
            };
        }
        let txn = self.db.begin().await?;
        let find = entity::tenants::Entity::find()
            .select_only()
            .column(entity::tenants::Column::Id)
            .filter(tenant_key(key))
            .build(DbBackend::Postgres);
        let mut values = find.values.map(|v| v.0).unwrap_or_default();
        let n = values.len();
        values.extend([String::new().into(), false.to_string().into()]);
        let settings = self.request_settings(&mut values, deadline);
        let sql = format!(
            "WITH t AS ({find}), s AS (SELECT {app}{settings} FROM t)
             SELECT t.id FROM t, s",
            find = find.sql,
            app = app_settings("t.id::text", &format!("${}", n + 1), &format!("${}", n + 2)),
        );
        let row = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                values,
            ))
            .await?;
        match row {
            Some(row) => {
                let tenant = row.try_get::<Uuid>("", "id")?;
                Ok(Some(self.in_transaction(
                    txn,
                    Principal::anonymous(tenant),
                    None,
                )))
            }
            None => {
                let _ = txn.rollback().await;
                Ok(None)
            }
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn user_by_email(
        &self,
        email: &str,
    ) -> Result<Option<entity::users::Model>, StoreError> {
        use entity::users::{Column, Entity};
        Ok(Entity::find()
            .filter(Column::Email.eq(email.trim().to_lowercase()))
            .one(&self.db)
            .await?)
    }

    /// Creates a global user with a password and a learner membership in
    /// `tenant_id` (seed 003's `handle_new_user`: new sign-ups are students),
    /// in one transaction. `Conflict("email")` if the email is registered.
    #[tracing::instrument(skip_all)]
    pub async fn sign_up(
        &self,
        tenant_id: Uuid,
        email: &str,
        password_hash: String,
        full_name: Option<String>,
    ) -> Result<Uuid, StoreError> {
        use sea_orm::{ActiveModelTrait, Set};
        let email = email.trim().to_lowercase();
        let txn = begin_write(&self.db).await?;
        let taken = entity::users::Entity::find()
            .filter(entity::users::Column::Email.eq(email.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if taken {
            return Err(StoreError::Conflict("email"));
        }
        let id = Uuid::new_v4();
        let now = chrono_now();
        let user = entity::users::ActiveModel {
            id: Set(id),
            email: Set(email),
            password_hash: Set(Some(password_hash)),
            full_name: Set(full_name),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        // A concurrent sign-up with the same email loses on the unique index.
        if let Err(e) = user.insert(&txn).await.map_err(StoreError::from) {
            return Err(if e.is_unique_violation() {
                StoreError::Conflict("email")
            } else {
                e
            });
        }
        entity::user_roles::ActiveModel {
            id: Set(Uuid::new_v4()),
            tenant_id: Set(tenant_id),
            user_id: Set(id),
            role: Set(Role::Learner.as_str().to_owned()),
            granted_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// A user's memberships in a tenant that have not expired, none unless
    /// the account is active.
    #[tracing::instrument(skip_all)]
    pub async fn active_memberships(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
    ) -> Result<Vec<entity::user_roles::Model>, StoreError> {
        Ok(live_memberships(tenant_id, user_id).all(&self.db).await?)
    }
}

/// The unexpired memberships of `user_id` in `tenant_id`, while the account
/// is active (seed 001 `users.status`): the one definition of a live
/// membership, read by [`Store::principal`] and [`Store::authenticate`].
fn live_memberships(tenant_id: Uuid, user_id: Uuid) -> Select<entity::user_roles::Entity> {
    use entity::user_roles::{Column, Entity};
    use entity::users;
    let active_user = Query::select()
        .column(users::Column::Id)
        .from(users::Entity)
        .and_where(users::Column::Id.eq(user_id))
        .and_where(users::Column::Status.eq(entity::enums::UserStatus::Active.as_str()))
        .take();
    Entity::find()
        .filter(Column::TenantId.eq(tenant_id))
        .filter(Column::UserId.in_subquery(active_user))
        .filter(
            Condition::any()
                .add(Column::ExpiresAt.is_null())
                .add(Column::ExpiresAt.gt(chrono_now())),
        )
}

/// The tenant a key names: its id when the key is a UUID, else its slug.
fn tenant_key(key: &str) -> sea_orm::sea_query::SimpleExpr {
    use entity::tenants::Column;
    match key.parse::<Uuid>() {
        Ok(id) => Column::Id.eq(id),
        Err(_) => Column::Slug.eq(key),
    }
}

/// The settings the row-security policies read, from three SQL expressions
/// (the tenant id, the user id or '', and 'true'/'false' for an admin).
fn app_settings(tenant: &str, user: &str, admin: &str) -> String {
    format!(
        "set_config('app.tenant_id', {tenant}, true), \
         set_config('app.user_id', {user}, true), \
         set_config('app.admin', {admin}, true)"
    )
}

/// Request transactions plan their (prepared, cached) statements once per
/// connection instead of once per execution: the statements are index
/// lookups by tenant and key whose best plan does not depend on the
/// values, and planning was the largest share of PostgreSQL's CPU under
/// load (docs/BENCHMARKS.md).
const GENERIC_PLANS: &str = "set_config('plan_cache_mode', 'force_generic_plan', true)";

/// The memberships each caller had at their last full authentication
/// ([`Store::authenticate`]), keyed by tenant and user: the set the
/// pipelined check compares with the live one (`role/organization`
/// strings, sorted, joined by commas), and the principal it makes.
/// Bounded: when full it starts over. An entry only saves a round trip;
/// what it says is checked by the database on every request.
#[derive(Debug, Default)]
struct Seen(std::sync::Mutex<std::collections::HashMap<(Uuid, Uuid), (String, Principal)>>);

impl Seen {
    const MAX_ENTRIES: usize = 10_000;

    fn get(&self, tenant_id: Uuid, user_id: Uuid) -> Option<(String, Principal)> {
        self.0.lock().ok()?.get(&(tenant_id, user_id)).cloned()
    }

    /// Remembers `memberships` and the `principal` they make (none: the
    /// caller is forgotten).
    fn remember(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
        memberships: &[(String, Option<Uuid>)],
        principal: Option<&Principal>,
    ) {
        let Ok(mut seen) = self.0.lock() else { return };
        let Some(principal) = principal else {
            seen.remove(&(tenant_id, user_id));
            return;
        };
        let mut set: Vec<String> = memberships
            .iter()
            .map(|(role, org)| format!("{role}/{}", org.map(|o| o.to_string()).unwrap_or_default()))
            .collect();
        set.sort();
        set.dedup();
        if seen.len() >= Self::MAX_ENTRIES {
            seen.clear();
        }
        seen.insert((tenant_id, user_id), (set.join(","), principal.clone()));
    }

    fn forget(&self, tenant_id: Uuid, user_id: Uuid) {
        if let Ok(mut seen) = self.0.lock() {
            seen.remove(&(tenant_id, user_id));
        }
    }
}

/// The SQLSTATE of the pipelined authentication's failed check
/// (`coachql_memberships_unchanged`, migration m0013).
const MEMBERSHIPS_CHANGED: &str = "CQ001";

/// What became of a pipelined authentication ([`Store::authenticate_as_seen`]):
/// not known yet, held (a statement behind it succeeded, so its check
/// passed), or failed (its check reported changed memberships).
#[derive(Debug)]
struct Check {
    state: std::sync::atomic::AtomicU8,
    tenant_id: Uuid,
    user_id: Uuid,
    seen: Arc<Seen>,
}

impl Check {
    const PENDING: u8 = 0;
    const HELD: u8 = 1;
    const FAILED: u8 = 2;

    fn new(tenant_id: Uuid, user_id: Uuid, seen: Arc<Seen>) -> Self {
        Check {
            state: Self::PENDING.into(),
            tenant_id,
            user_id,
            seen,
        }
    }

    /// Learns from a statement of the transaction: until a `Sync`, an error
    /// stops everything behind it, so a statement that succeeded ran behind
    /// a check that passed, and the check's own error names itself.
    fn saw<T>(&self, out: &Result<T, DbErr>) {
        match out {
            Ok(_) => {
                let _ = self.state.compare_exchange(
                    Self::PENDING,
                    Self::HELD,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
            }
            Err(e) if classify(e) == Failure::CallerChanged => {
                self.state.store(Self::FAILED, Ordering::Release);
                self.seen.forget(self.tenant_id, self.user_id);
            }
            Err(_) => {}
        }
    }

    fn held(&self) -> bool {
        self.state.load(Ordering::Acquire) == Self::HELD
    }
}

/// The principal of `user_id` in `tenant_id` from their live memberships
/// (role, organization); `None` without any.
fn principal_of(
    tenant_id: Uuid,
    user_id: Uuid,
    memberships: &[(String, Option<Uuid>)],
) -> Option<Principal> {
    if memberships.is_empty() {
        return None;
    }
    let roles: Vec<Role> = memberships
        .iter()
        .filter_map(|(r, _)| r.parse().ok())
        .collect();
    // An org admin acts for the organization they administer; anyone
    // else for the organization of their first membership that has one.
    let organization_id = memberships
        .iter()
        .find(|(r, o)| r == Role::OrgAdmin.as_str() && o.is_some())
        .or_else(|| memberships.iter().find(|(_, o)| o.is_some()))
        .and_then(|(_, o)| *o);
    Some(Principal {
        tenant_id,
        user_id: Some(user_id),
        roles,
        organization_id,
    })
}

/// A transaction that writes. On SQLite it takes the write lock at BEGIN
/// (`IMMEDIATE`), so a read-then-write never fails to upgrade with "database
/// is locked" under concurrent writers: it waits its turn (busy timeout)
/// instead. Every SQLite write, `signUp` included, starts here.
async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

fn chrono_now() -> sea_orm::prelude::DateTimeWithTimeZone {
    sea_orm::prelude::ChronoUtc::now().fixed_offset()
}

/// Finds the column of `E` called `name`.
pub fn column<E: EntityTrait>(name: &str) -> Result<E::Column, StoreError> {
    E::Column::iter()
        .find(|c| sea_orm::IdenStatic::as_str(c) == name)
        .ok_or_else(|| StoreError::UnknownColumn {
            table: sea_orm::IdenStatic::as_str(&E::default()).to_owned(),
            column: name.to_owned(),
        })
}

/// The condition confining `E` to `tenant_id`. Tenant tables filter on their
/// own `tenant_id`; `users` are visible only as members of the tenant;
/// `tenants` only as the tenant itself.
fn tenant_condition<E: EntityTrait>(tenant_id: Uuid) -> Condition {
    let table = sea_orm::IdenStatic::as_str(&E::default());
    match (table, column::<E>("tenant_id"), column::<E>("id")) {
        (_, Ok(col), _) => Condition::all().add(col.eq(tenant_id)),
        ("tenants", _, Ok(id)) => Condition::all().add(id.eq(tenant_id)),
        ("users", _, Ok(id)) => Condition::all().add(
            id.in_subquery(
                Query::select()
                    .column(entity::user_roles::Column::UserId)
                    .from(entity::user_roles::Entity)
                    .and_where(entity::user_roles::Column::TenantId.eq(tenant_id))
                    .take(),
            ),
        ),
        // A table with no tenant column that is not known to be global is
        // never readable: fail closed.
        _ => Condition::all().add(Expr::cust("1 = 0")),
    }
}

/// Access to one tenant's data, as one principal.
#[derive(Clone, Debug)]
pub struct Scope {
    conn: Conn,
    principal: Principal,
    events: Events,
    /// Set when the request's operation has one mutation field: its write
    /// runs in the request's transaction itself (see [`Scope::sole_write`]).
    sole: Option<Arc<Sole>>,
    /// Set when the request's operation is a query with one root field:
    /// its compiled read is the transaction's last statement (see
    /// [`Scope::last_read`]).
    last: Option<Arc<AtomicBool>>,
}

/// The one write of an operation with a single mutation field, on
/// PostgreSQL: whether it was opened, and whether it was kept. A write that
/// was opened and not kept makes the request's transaction roll back.
#[derive(Debug, Default)]
struct Sole {
    opened: AtomicBool,
    kept: AtomicBool,
}

impl Scope {
    pub fn tenant_id(&self) -> Uuid {
        self.principal.tenant_id
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// Seed 001: "anyone can verify" a certificate by its number. The one
    /// read that bypasses the read rules: a lookup by the exact number within
    /// the tenant, returning the certificate and its recipient's name only.
    pub async fn verify_certificate(
        &self,
        number: &str,
    ) -> Result<Option<(entity::certificates::Model, Option<String>)>, StoreError> {
        use entity::certificates::{Column, Entity};
        let found = on_conn!(&self.conn, |c| {
            Entity::find()
                .filter(Column::TenantId.eq(self.principal.tenant_id))
                .filter(Column::CertificateNumber.eq(number.trim()))
                .one(c)
                .await
        })?;
        let Some(cert) = found else { return Ok(None) };
        let name = on_conn!(&self.conn, |c| entity::users::Entity::find_by_id(
            cert.user_id
        )
        .one(c)
        .await)?
        .and_then(|u| u.full_name);
        Ok(Some((cert, name)))
    }

    /// Runs a compiled read: one statement whose single row and column is a
    /// JSON document (PostgreSQL `json`, SQLite text), built from queries of
    /// this scope ([`Scoped::into_statement`]). `None` for no row.
    pub async fn read_json(
        &self,
        statement: &sea_orm::sea_query::SelectStatement,
    ) -> Result<Option<String>, StoreError> {
        // The caller counts the rows the document holds (`stats::rows`).
        // The first compiled read of a one-field query ends its transaction.
        let last = self
            .last
            .as_ref()
            .is_some_and(|l| !l.swap(true, Ordering::AcqRel));
        self.conn.read_json_then(statement, last).await
    }

    /// Marks the scope of a query with one root field (on PostgreSQL, in
    /// the request's transaction): the root field's compiled read, if it
    /// has one, is the only statement it runs, so it ends the transaction
    /// itself, with `ROLLBACK` in the same write and no round trip after the
    /// response. The driver refuses any statement after it.
    pub fn last_read(mut self) -> Self {
        if matches!(self.conn, Conn::Txn(..)) {
            self.last = Some(Arc::default());
        }
        self
    }

    /// Whether the transaction was ended by [`Scope::last_read`]'s read.
    fn ended(&self) -> bool {
        self.last
            .as_ref()
            .is_some_and(|l| l.load(Ordering::Acquire))
    }

    /// Ends the request. A query's transaction is rolled back (reads need
    /// no commit); a mutation's is committed (`commit`), each mutation field
    /// having already committed or rolled back its own savepoint. Only the
    /// last handle does this; otherwise the last one to drop rolls back.
    #[tracing::instrument(skip_all)]
    pub async fn release(self, commit: bool) -> Result<(), StoreError> {
        // The sole write ran in this transaction: it is committed only if
        // that write was kept.
        let commit = commit
            && self.sole.as_ref().is_none_or(|s| {
                !s.opened.load(Ordering::Acquire) || s.kept.load(Ordering::Acquire)
            });
        if let Conn::Txn(t, _) = self.conn
            && let Ok(t) = Arc::try_unwrap(t)
        {
            if commit {
                t.commit().await?;
            } else {
                // Dropping the transaction queues its ROLLBACK; the pool
                // sends it with the liveness check it makes on every
                // connection coming back (one round trip for both, after
                // the response has gone). A dropped connection rolls back
                // on its own in the server.
                drop(t);
            }
        }
        Ok(())
    }

    /// A write transaction for one operation: a savepoint inside the
    /// request's transaction on PostgreSQL (so row-level security applies),
    /// a transaction of its own on SQLite. Nothing is kept unless
    /// [`Write::commit`] is called.
    #[tracing::instrument(skip_all)]
    pub async fn write(&self) -> Result<Write, StoreError> {
        let (txn, sole) = match (&self.conn, &self.sole) {
            // SQLite: take the write lock at BEGIN, so a read-then-write
            // operation never fails to upgrade under concurrent writers.
            (Conn::Pool(db), _) => (Arc::new(begin_write(db).await?), None),
            // The operation's only write: the request's transaction.
            (Conn::Txn(t, _), Some(sole)) if !sole.opened.swap(true, Ordering::AcqRel) => {
                (t.clone(), Some(sole.clone()))
            }
            (Conn::Txn(t, check), _) => {
                let savepoint = t.begin().await;
                if let Some(check) = check {
                    check.saw(&savepoint);
                }
                (Arc::new(savepoint?), None)
            }
        };
        let check = match &self.conn {
            Conn::Txn(_, check) => check.clone(),
            Conn::Pool(_) => None,
        };
        Ok(Write {
            txn,
            check,
            sole,
            principal: self.principal.clone(),
            events: self.events.clone(),
            pending: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// This scope for an operation with one mutation field. On PostgreSQL
    /// its write then runs in the request's transaction itself, without a
    /// savepoint (two round trips fewer): keeping the write commits the
    /// request, and a write not kept rolls the whole request back, which for
    /// a single field is the same outcome. Later writes (there should be
    /// none) get savepoints as usual.
    pub fn sole_write(mut self) -> Self {
        if matches!(self.conn, Conn::Txn(..)) {
            self.sole = Some(Arc::default());
        }
        self
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.backend()
    }

    /// Whether this scope's authentication was pipelined
    /// ([`Store::authenticate_as_seen`]): it must be confirmed
    /// ([`Scope::confirm`]) before the request answers.
    pub fn pipelined(&self) -> bool {
        matches!(self.conn, Conn::Txn(_, Some(_)))
    }

    /// Whether this scope's principal stands. Always, unless its
    /// authentication was pipelined ([`Store::authenticate_as_seen`]): then
    /// only once a statement behind it has succeeded. If none has, a small
    /// statement of its own finds out. `false` means the memberships
    /// changed, or a failure left it unknown: whatever the request did in
    /// this scope must be thrown away (the scope dropped, so its
    /// transaction rolls back) and the request run again on
    /// [`Store::authenticate`].
    pub async fn confirm(&self) -> Result<bool, StoreError> {
        let Conn::Txn(t, Some(check)) = &self.conn else {
            return Ok(true);
        };
        if check.held() {
            return Ok(true);
        }
        // Ended by its read, which failed with another error than the
        // check's: the check's outcome is unknown, and no probe can run.
        if self.ended() {
            return Ok(false);
        }
        if check.state.load(Ordering::Acquire) == Check::PENDING {
            let probe = t
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT $1::int4",
                    [1i32.into()],
                ))
                .await;
            check.saw(&probe);
        }
        Ok(check.held())
    }
}

impl Reader for Scope {
    fn principal(&self) -> &Principal {
        &self.principal
    }
    fn select_unrestricted<E: EntityTrait>(&self) -> Scoped<E> {
        Scoped::in_tenant(self.conn.clone(), self.principal.tenant_id)
    }
    fn batch(&self) -> Batch {
        Batch::new(self.conn.clone())
    }
}

/// A tenant-confined query; conditions can only narrow it.
pub struct Scoped<E: EntityTrait> {
    select: Select<E>,
    conn: Conn,
    /// The column sort keys, in order, as [`Scoped::first_per`] re-applies
    /// them to its merged result.
    order: Vec<(E::Column, Order, Option<sea_orm::sea_query::NullOrdering>)>,
}

/// Keys per SQLite statement of [`Scoped::first_per`]: each is one member
/// of a compound SELECT, and SQLite allows 500.
const SQLITE_KEYS_PER_STATEMENT: usize = 400;

impl<E: EntityTrait> Scoped<E> {
    /// Every row of `E` in `tenant_id`, read through `conn`.
    fn in_tenant(conn: Conn, tenant_id: Uuid) -> Self {
        Scoped {
            select: E::find().filter(tenant_condition::<E>(tenant_id)),
            conn,
            order: Vec::new(),
        }
    }

    pub fn filter(mut self, cond: impl IntoCondition) -> Self {
        self.select = self.select.filter(cond);
        self
    }

    /// Orders by `col`; a text column in byte order on every backend
    /// ([`sort_key`]).
    pub fn order_by(mut self, col: E::Column, order: Order) -> Self {
        let key = sort_key(self.backend(), col);
        self.order.push((col, order.clone(), None));
        self.select = self.select.order_by(key, order);
        self
    }

    pub fn order_by_with_nulls(
        mut self,
        col: E::Column,
        order: Order,
        nulls: sea_orm::sea_query::NullOrdering,
    ) -> Self {
        let key = sort_key(self.backend(), col);
        self.order.push((col, order.clone(), Some(nulls)));
        self.select = self.select.order_by_with_nulls(key, order, nulls);
        self
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.backend()
    }

    pub fn limit(mut self, n: u64) -> Self {
        self.select = self.select.limit(n);
        self
    }

    /// Orders by an expression (a computed score, e.g. a full-text rank).
    pub fn order_by_expr(mut self, e: Expr, order: Order) -> Self {
        self.select = self.select.order_by(e, order);
        self
    }

    /// The rows, each with the value of `score` (a `REAL`/`float8`
    /// expression over the row, e.g. a full-text rank).
    pub async fn all_scored(self, score: Expr) -> Result<Vec<(E::Model, f64)>, StoreError> {
        let select = self.select.expr_as(score, "_score");
        let rows = on_conn!(&self.conn, |c| select
            .into_model::<Scored<E::Model>>()
            .all(c)
            .await)?;
        stats::rows(rows.len());
        Ok(rows.into_iter().map(|Scored(m, s)| (m, s)).collect())
    }

    /// Runs an aggregate or projection of the confined rows: `shape`
    /// chooses the columns, grouping and order (`select_only`,
    /// `column_as`, `group_by`, …) and may add conditions; the tenant and
    /// read-rule conditions already on the query stay.
    pub async fn project<T>(
        self,
        shape: impl FnOnce(Select<E>) -> Select<E>,
    ) -> Result<Vec<T>, StoreError>
    where
        T: sea_orm::FromQueryResult + Send + Sync,
    {
        let q = shape(self.select).into_model::<T>();
        let rows = on_conn!(&self.conn, |c| q.all(c).await)?;
        stats::rows(rows.len());
        Ok(rows)
    }

    pub async fn all(self) -> Result<Vec<E::Model>, StoreError> {
        let rows = on_conn!(&self.conn, |c| self.select.all(c).await)?;
        stats::rows(rows.len());
        Ok(rows)
    }

    pub async fn one(self) -> Result<Option<E::Model>, StoreError> {
        let row = on_conn!(&self.conn, |c| self.select.one(c).await)?;
        stats::rows(usize::from(row.is_some()));
        Ok(row)
    }

    /// The first `limit` rows of this ordered query for each value of the
    /// UUID column `col` in `keys` ("top n per parent"): one page of a
    /// nested list for many parents at once. The database stops after
    /// `limit` rows per key wherever an index serves the order, so a page
    /// costs its size, not its list's: PostgreSQL runs the query once per
    /// key in a `LATERAL` subquery over the keys (one statement whatever
    /// their number); SQLite, which has no `LATERAL`, runs a `UNION ALL` of
    /// per-key subqueries ([`SQLITE_KEYS_PER_STATEMENT`] keys a statement).
    /// The merged rows are sorted again by the query's column keys, so each
    /// key's rows come back in the query's order.
    pub async fn first_per(
        self,
        col: E::Column,
        keys: &[Uuid],
        limit: u64,
    ) -> Result<Vec<E::Model>, StoreError> {
        use sea_orm::FromQueryResult;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.backend();
        let outer = order::outer_order_by(backend, "_t", &self.order);
        let statements: Vec<Statement> = match backend {
            DbBackend::Postgres => {
                let key = sea_orm::sea_query::ExprTrait::eq(
                    Expr::col(col.as_column_ref()),
                    Expr::cust(r#""_k"."v""#),
                );
                let inner = self.select.clone().filter(key).limit(limit).build(backend);
                let mut values = inner.values.map(|v| v.0).unwrap_or_default();
                // The keys as one array literal: the statement's text is the
                // same however many there are (one prepared plan).
                let array = keys.iter().map(Uuid::to_string).collect::<Vec<_>>();
                values.push(format!("{{{}}}", array.join(",")).into());
                let sql = format!(
                    r#"SELECT "_t".* FROM unnest(CAST(${n} AS uuid[])) AS "_k"("v") CROSS JOIN LATERAL ({inner}) AS "_t"{outer}"#,
                    n = values.len(),
                    inner = inner.sql,
                );
                vec![Statement::from_sql_and_values(backend, sql, values)]
            }
            _ => keys
                .chunks(SQLITE_KEYS_PER_STATEMENT)
                .map(|chunk| {
                    let mut values = Vec::new();
                    let members: Vec<String> = chunk
                        .iter()
                        .map(|k| {
                            let m = self.select.clone().filter(col.eq(*k)).limit(limit);
                            let m = m.build(backend);
                            values.extend(m.values.map(|v| v.0).unwrap_or_default());
                            format!("SELECT * FROM ({})", m.sql)
                        })
                        .collect();
                    let sql = format!(
                        r#"SELECT * FROM ({}) AS "_t"{outer}"#,
                        members.join(" UNION ALL ")
                    );
                    Statement::from_sql_and_values(backend, sql, values)
                })
                .collect(),
        };
        let mut models = Vec::new();
        for statement in statements {
            #[cfg(feature = "test-hooks")]
            hooks::record(&statement);
            let rows = on_conn!(&self.conn, |c| c.query_all_raw(statement).await)?;
            stats::rows(rows.len());
            for r in rows {
                models.push(E::Model::from_query_result(&r, "")?);
            }
        }
        Ok(models)
    }

    /// The confined query as a statement, to be composed into a larger one
    /// (a compiled read: see `resolver::compiled`). It keeps the tenant and
    /// read-rule conditions; the caller chooses the columns.
    pub fn into_statement(self) -> sea_orm::sea_query::SelectStatement {
        self.select.into_query()
    }

    /// [`Scoped::into_statement`] of a copy, the query itself kept to run
    /// if the composed statement cannot be built.
    pub fn statement(&self) -> sea_orm::sea_query::SelectStatement {
        self.select.clone().into_query()
    }

    /// [`Scoped::project`] as a statement, for a [`Batch`].
    pub fn shaped(
        self,
        shape: impl FnOnce(Select<E>) -> Select<E>,
    ) -> sea_orm::sea_query::SelectStatement {
        shape(self.select).into_query()
    }

    /// The confined query's values of `col` alone: a subquery for a later
    /// query of the same [`Batch`] (`col.in_subquery(…)`).
    pub fn column(self, col: E::Column) -> sea_orm::sea_query::SelectStatement {
        self.select.select_only().column(col).into_query()
    }

    pub async fn count(self) -> Result<u64, StoreError>
    where
        E::Model: Sync,
    {
        let n = on_conn!(&self.conn, |c| self.select.count(c).await)?;
        stats::rows(1);
        Ok(n)
    }

    /// How many rows this query has for each value of the UUID column `col`
    /// in `keys` (keys without rows are absent): one grouped statement.
    pub async fn count_per(
        self,
        col: E::Column,
        keys: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, u64)>, StoreError> {
        #[derive(sea_orm::FromQueryResult)]
        struct Counted {
            k: Uuid,
            n: i64,
        }
        let q = self
            .select
            .filter(col.is_in(keys))
            .select_only()
            .column_as(col, "k")
            .column_as(Expr::cust("COUNT(*)"), "n")
            .group_by(col)
            .into_model::<Counted>();
        let rows = on_conn!(&self.conn, |c| q.all(c).await)?;
        stats::rows(rows.len());
        Ok(rows.into_iter().map(|r| (r.k, r.n.max(0) as u64)).collect())
    }
}

/// A model with the `_score` column of [`Scoped::all_scored`].
struct Scored<M>(M, f64);

impl<M: sea_orm::FromQueryResult> sea_orm::FromQueryResult for Scored<M> {
    fn from_query_result(res: &sea_orm::QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Scored(
            M::from_query_result(res, pre)?,
            res.try_get::<f64>(pre, "_score")?,
        ))
    }
}

impl Store {
    /// Round-trips to the database (for `/health`).
    #[tracing::instrument(skip_all)]
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }
}

#[cfg(feature = "test-hooks")]
impl<E: EntityTrait> Scoped<E> {
    /// The SQL this query would run.
    pub fn sql(&self) -> String {
        use sea_orm::QueryTrait;
        let backend = self.conn.backend();
        self.select.build(backend).to_string()
    }
}

/// Test hooks: raw SQL on a scope's own connection, to prove what the
/// database enforces when the gateway's conditions are bypassed.
#[cfg(feature = "test-hooks")]
impl Scope {
    /// `SELECT COUNT(*)` of `table` with no tenant condition at all.
    pub async fn unscoped_count(&self, table: &str) -> Result<i64, StoreError> {
        let sql = format!("SELECT COUNT(*) AS n FROM \"{table}\"");
        let row = on_conn!(&self.conn, |c| {
            c.query_one_raw(Statement::from_string(
                c.get_database_backend(),
                sql.clone(),
            ))
            .await
        })?;
        Ok(row
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0))
    }
}

/// Test hooks: the statements [`Scoped::first_per`] ran, so a test can ask
/// the database's own planner what one of them reads (`EXPLAIN ANALYZE`).
#[cfg(feature = "test-hooks")]
pub mod hooks {
    use std::sync::Mutex;

    use sea_orm::Statement;

    static LAST: Mutex<Vec<Statement>> = Mutex::new(Vec::new());

    pub(crate) fn record(statement: &Statement) {
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        if last.len() >= 64 {
            last.remove(0);
        }
        last.push(statement.clone());
    }

    /// The statements of nested pages and compiled reads run since the last
    /// call, oldest first.
    pub fn take_nested_pages() -> Vec<Statement> {
        std::mem::take(&mut *LAST.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// One operation's writes, confined to the principal's tenant. Reads
/// through it see its own uncommitted writes.
pub struct Write {
    txn: Arc<DatabaseTransaction>,
    /// The request's pipelined authentication, if it was (see [`Check`]).
    check: Option<Arc<Check>>,
    /// Set when `txn` is the request's transaction (the operation's sole
    /// write): committing only marks the write kept.
    sole: Option<Arc<Sole>>,
    principal: Principal,
    events: Events,
    /// SQLite: the events to deliver once the commit succeeded.
    pending: std::sync::Mutex<Vec<Event>>,
}

/// Reads inside this transaction see its own uncommitted writes.
impl Reader for Write {
    fn principal(&self) -> &Principal {
        &self.principal
    }
    fn select_unrestricted<E: EntityTrait>(&self) -> Scoped<E> {
        Scoped::in_tenant(
            Conn::Txn(self.txn.clone(), self.check.clone()),
            self.principal.tenant_id,
        )
    }
    fn batch(&self) -> Batch {
        Batch::new(Conn::Txn(self.txn.clone(), self.check.clone()))
    }
}

impl Write {
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn tenant_id(&self) -> Uuid {
        self.principal.tenant_id
    }

    /// Inserts `am` into this tenant unless a row with the same values in
    /// the unique key `key` exists (`ON CONFLICT (key) DO NOTHING`).
    /// Returns whether it was inserted: of concurrent inserts of one key
    /// exactly one gets `true`, so it can gate a once-only effect.
    pub async fn insert_or_ignore<A>(
        &self,
        mut am: A,
        key: impl IntoIterator<Item = <A::Entity as EntityTrait>::Column>,
    ) -> Result<bool, StoreError>
    where
        A: sea_orm::ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    {
        let col = column::<A::Entity>("tenant_id")?;
        am.set(col, self.principal.tenant_id.into());
        let mut key: Vec<_> = key.into_iter().collect();
        key.insert(0, col);
        let done = <A::Entity as EntityTrait>::insert(am)
            .on_conflict_do_nothing_on(key)
            .exec_without_returning(self.txn.as_ref())
            .await?;
        Ok(matches!(done, sea_orm::TryInsertResult::Inserted(n) if n > 0))
    }

    /// Inserts `am` into this tenant: `tenant_id` is set here, whatever the
    /// caller put in it.
    pub async fn insert<A>(
        &self,
        mut am: A,
    ) -> Result<<A::Entity as EntityTrait>::Model, StoreError>
    where
        A: sea_orm::ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    {
        let col = column::<A::Entity>("tenant_id")?;
        am.set(col, self.principal.tenant_id.into());
        Ok(am.insert(self.txn.as_ref()).await?)
    }

    /// [`Write::insert`] of a row whose every column `am` sets, for a
    /// caller that goes on with another statement: on PostgreSQL it is
    /// pipelined, written with the next statement instead of waiting for
    /// its own round trip, and the row returned is `am`'s (no `RETURNING`).
    /// If the insert fails (a unique key, say), the next statement (or the
    /// commit) fails with its error, nothing behind it runs, and the
    /// operation's writes are not kept: the caller maps that error where
    /// the next statement answers.
    pub async fn insert_pipelined<A>(
        &self,
        mut am: A,
    ) -> Result<<A::Entity as EntityTrait>::Model, StoreError>
    where
        A: sea_orm::ActiveModelTrait
            + sea_orm::ActiveModelBehavior
            + sea_orm::TryIntoModel<<A::Entity as EntityTrait>::Model>
            + Send,
        <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    {
        let backend = self.txn.get_database_backend();
        if backend != DbBackend::Postgres {
            return self.insert(am).await;
        }
        let col = column::<A::Entity>("tenant_id")?;
        am.set(col, self.principal.tenant_id.into());
        let model = am.clone().try_into_model()?;
        self.queue(<A::Entity as EntityTrait>::insert(am).build(backend))
            .await?;
        Ok(model)
    }

    /// Runs `statement` pipelined on PostgreSQL: marked `PIPELINED`, the
    /// driver queues it and writes it with the next statement (or the
    /// commit), whose answer carries its error if it fails.
    async fn queue(&self, mut statement: Statement) -> Result<(), StoreError> {
        statement.sql = format!("{PIPELINED}{}", statement.sql);
        self.txn.execute_raw(statement).await?;
        Ok(())
    }

    /// `UPDATE` of this tenant's rows of `E` matching `cond`: `set` pairs of
    /// column and value (or expression). Returns the number of rows changed,
    /// so conditional updates (`… AND capacity_remaining > 0`) are atomic
    /// checks.
    pub async fn update<E: EntityTrait>(
        &self,
        set: Vec<(E::Column, sea_orm::sea_query::Expr)>,
        cond: Condition,
    ) -> Result<u64, StoreError> {
        Ok(self
            .update_many::<E>(set, cond)
            .exec(self.txn.as_ref())
            .await?
            .rows_affected)
    }

    /// The `UPDATE` of [`Write::update`], not yet run.
    fn update_many<E: EntityTrait>(
        &self,
        set: Vec<(E::Column, sea_orm::sea_query::Expr)>,
        cond: Condition,
    ) -> sea_orm::UpdateMany<E> {
        let mut q = E::update_many()
            .filter(tenant_condition::<E>(self.principal.tenant_id))
            .filter(cond);
        for (c, v) in set {
            q = q.col_expr(c, v);
        }
        q
    }

    /// [`Write::update`] for a caller that does not need its count of rows:
    /// on PostgreSQL it is pipelined, written with the next statement (or
    /// the commit) instead of waiting for its own round trip. If it fails,
    /// that next statement (or the commit) fails with its error, nothing
    /// behind it runs, and the operation's writes are not kept.
    pub async fn update_pipelined<E: EntityTrait>(
        &self,
        set: Vec<(E::Column, sea_orm::sea_query::Expr)>,
        cond: Condition,
    ) -> Result<(), StoreError> {
        let backend = self.txn.get_database_backend();
        if backend != DbBackend::Postgres {
            self.update::<E>(set, cond).await?;
            return Ok(());
        }
        self.queue(self.update_many::<E>(set, cond).build(backend))
            .await
    }

    /// [`Write::update`], returning the changed rows as they are after it:
    /// on PostgreSQL with `RETURNING` (no second statement to read them),
    /// on SQLite read again inside this write. `cond` should name the rows
    /// by key, so that the update does not change which rows it matches.
    pub async fn update_returning<E: EntityTrait>(
        &self,
        set: Vec<(E::Column, sea_orm::sea_query::Expr)>,
        cond: Condition,
    ) -> Result<Vec<E::Model>, StoreError> {
        if !self.txn.support_returning() {
            self.update::<E>(set, cond.clone()).await?;
            return self.select_unrestricted::<E>().filter(cond).all().await;
        }
        let rows = self
            .update_many::<E>(set, cond)
            .exec_with_returning(self.txn.as_ref())
            .await?;
        stats::rows(rows.len());
        Ok(rows)
    }

    /// `DELETE` of this tenant's rows of `E` matching `cond`; returns the
    /// number of rows removed.
    pub async fn delete<E: EntityTrait>(&self, cond: Condition) -> Result<u64, StoreError> {
        Ok(E::delete_many()
            .filter(tenant_condition::<E>(self.principal.tenant_id))
            .filter(cond)
            .exec(self.txn.as_ref())
            .await?
            .rows_affected)
    }

    /// Discards the writes.
    #[tracing::instrument(skip_all)]
    pub async fn rollback(self) -> Result<(), StoreError> {
        if self.sole.is_some() {
            // Not kept: the request's transaction rolls back when it ends.
            return Ok(());
        }
        match Arc::try_unwrap(self.txn) {
            Ok(t) => Ok(t.rollback().await?),
            // Rolled back when the last handle drops.
            Err(_) => Ok(()),
        }
    }

    /// Keeps the writes. On SQLite this is the transaction's commit, and
    /// the events published through this write go out after it; on
    /// PostgreSQL it releases the savepoint, and the database delivers the
    /// notifications when the request's transaction commits.
    #[tracing::instrument(skip_all)]
    pub async fn commit(self) -> Result<(), StoreError> {
        if let Some(sole) = &self.sole {
            // The request's transaction commits when the request ends.
            sole.kept.store(true, Ordering::Release);
            return Ok(());
        }
        match Arc::try_unwrap(self.txn) {
            Ok(t) => {
                t.commit().await?;
                let pending = self.pending.into_inner().unwrap_or_else(|e| e.into_inner());
                for event in pending {
                    self.events.deliver(event);
                }
                Ok(())
            }
            Err(_) => Err(StoreError::Db(DbErr::Custom(
                "a read of this write is still open".into(),
            ))),
        }
    }

    /// Publishes `topic` in this tenant when the write commits (and never
    /// if it rolls back). PostgreSQL: `pg_notify` in this transaction, so
    /// every process on the database hears it, pipelined (it goes out with
    /// the next statement or the commit, see [`Write::update_pipelined`]);
    /// SQLite: kept until [`Write::commit`].
    pub async fn publish(&self, topic: Topic) -> Result<(), StoreError> {
        let event = Event {
            tenant: self.tenant_id(),
            topic,
        };
        if self.txn.get_database_backend() == DbBackend::Postgres {
            self.queue(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [events::CHANNEL.into(), events::payload(&event).into()],
            ))
            .await?;
        } else {
            self.pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(event);
        }
        Ok(())
    }
}

/// Statements run on behalf of one request, counted wherever its work runs
/// (the request's task and the loader batches it spawns), for its access
/// line.
pub mod stats {
    use std::{
        future::Future,
        sync::{
            Arc,
            atomic::{AtomicU64, Ordering},
        },
    };

    tokio::task_local! {
        static STATEMENTS: Arc<AtomicU64>;
    }

    /// Runs `fut` with `counter` counting its statements.
    pub fn scope<F: Future>(counter: Arc<AtomicU64>, fut: F) -> impl Future<Output = F::Output> {
        STATEMENTS.scope(counter, fut)
    }

    /// The counter of the request this task works for, to hand on to a task
    /// it spawns.
    pub fn current() -> Option<Arc<AtomicU64>> {
        STATEMENTS.try_with(Arc::clone).ok()
    }

    /// Counts one statement for the current request, if any.
    pub fn statement() {
        let _ = STATEMENTS.try_with(|c| c.fetch_add(1, Ordering::Relaxed));
    }

    /// Rows the database has handed back to this process, over all
    /// requests (`coachql_sql_rows_total`): what a page really costs.
    static ROWS: AtomicU64 = AtomicU64::new(0);

    /// Counts `n` rows read by a statement.
    pub fn rows(n: usize) {
        ROWS.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The rows read so far (see [`rows`]).
    pub fn rows_total() -> u64 {
        ROWS.load(Ordering::Relaxed)
    }
}
