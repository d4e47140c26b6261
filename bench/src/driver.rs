//! Closed-loop load: `concurrency` workers, each with its own users and its
//! own keep-alive connection, issuing one request after another for a warm-up
//! and then a fixed duration; latencies of successful requests go into an
//! HDR histogram. The same loop drives the gateway (HTTP) and the floor (SQL).

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use hdrhistogram::Histogram;
use rand::{SeedableRng, rngs::SmallRng};
use sea_orm::sqlx;
use serde_json::json;

use crate::{
    dataset::{Backend, Dataset},
    ops::{Floor, Op, Param, Pick, Who},
};

/// A user the bench acts as, with a token the server accepts.
pub struct User {
    pub tenant: usize,
    pub learner: usize,
    pub token: String,
}

/// The outcome of one timed run.
pub struct Measured {
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub hist: Histogram<u64>,
    pub elapsed: Duration,
}

impl Measured {
    pub fn rps(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
    pub fn quantile_ms(&self, q: f64) -> f64 {
        self.hist.value_at_quantile(q) as f64 / 1000.0
    }
}

fn histogram() -> anyhow::Result<Histogram<u64>> {
    // 1 µs .. 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3).context("latency histogram")
}

/// Runs `request(worker, iteration)` in `concurrency` workers for `warmup`
/// (discarded) and then `duration`.
pub async fn run<F, Fut>(
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
    request: F,
) -> anyhow::Result<Measured>
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let request = Arc::new(request);
    let empty = histogram()?;
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let mut tasks = Vec::with_capacity(concurrency);
    for w in 0..concurrency {
        let request = request.clone();
        let mut hist = empty.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut errors, mut first_error) = (0u64, 0u64, None);
            let mut i = 0u64;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let res = request(w, i).await;
                i += 1;
                if t0 < measure_from {
                    continue;
                }
                match res {
                    Ok(()) => {
                        ok += 1;
                        let _ = hist.record(t0.elapsed().as_micros() as u64);
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (hist, ok, errors, first_error)
        }));
    }
    let mut total = Measured {
        ok: 0,
        errors: 0,
        first_error: None,
        hist: empty,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        match t.await {
            Ok((hist, ok, errors, first_error)) => {
                let _ = total.hist.add(hist);
                total.ok += ok;
                total.errors += errors;
                if total.first_error.is_none() {
                    total.first_error = first_error;
                }
            }
            Err(e) => {
                total.errors += 1;
                total
                    .first_error
                    .get_or_insert(format!("worker panicked: {e}"));
            }
        }
    }
    // Requests started before `end` finish after it and are counted.
    total.elapsed = Instant::now().saturating_duration_since(measure_from);
    Ok(total)
}

/// Everything a worker needs to pick a request: the dataset, the users
/// assigned to each worker (those the op can run as), a seed.
pub struct Plan {
    pub dataset: Arc<Dataset>,
    pub users: Arc<Vec<User>>,
    pub per_worker: Vec<Vec<usize>>,
    pub op: &'static Op,
}

impl Plan {
    /// Deals the users the op can run as to `concurrency` workers, round
    /// robin (so a user is never used by two workers at once).
    pub fn new(
        dataset: Arc<Dataset>,
        users: Arc<Vec<User>>,
        op: &'static Op,
        concurrency: usize,
    ) -> Self {
        let mut rng = SmallRng::seed_from_u64(7);
        let eligible: Vec<usize> = (0..users.len())
            .filter(|&i| (op.pick)(&mut rng, &who(&dataset, &users[i])).is_some())
            .collect();
        if op.write && eligible.len() < concurrency {
            // A user in two workers would race itself (CONFLICT).
            return Self {
                dataset,
                users,
                per_worker: vec![Vec::new(); concurrency],
                op,
            };
        }
        let mut per_worker = vec![Vec::new(); concurrency];
        if !eligible.is_empty() {
            for (k, slot) in (0..concurrency.max(eligible.len())).enumerate() {
                per_worker[slot % concurrency].push(eligible[k % eligible.len()]);
            }
        }
        Self {
            dataset,
            users,
            per_worker,
            op,
        }
    }

    pub fn eligible(&self) -> bool {
        self.per_worker.iter().all(|w| !w.is_empty())
    }

    /// Worker `w`'s `i`-th request: its user and its arguments. The same
    /// (w, i) give the same pick, for the gateway and the floor alike.
    pub fn pick(&self, w: usize, i: u64) -> Option<(&User, Pick)> {
        let mine = &self.per_worker[w];
        let user = &self.users[mine[(i as usize) % mine.len()]];
        let mut rng = SmallRng::seed_from_u64(((w as u64) << 40) ^ i);
        let pick = (self.op.pick)(&mut rng, &who(&self.dataset, user))?;
        Some((user, pick))
    }
}

fn who<'a>(ds: &'a Dataset, u: &User) -> Who<'a> {
    let tenant = &ds.tenants[u.tenant];
    Who {
        tenant,
        learner: &tenant.learners[u.learner],
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The op against the gateway over HTTP/1.1 keep-alive, one connection per worker.
pub async fn gateway(
    plan: Arc<Plan>,
    base: &str,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
) -> anyhow::Result<Measured> {
    let url = format!("{base}/graphql");
    let clients = (0..concurrency)
        .map(|_| {
            reqwest::Client::builder()
                .http1_only()
                .pool_max_idle_per_host(1)
                .tcp_nodelay(true)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let clients = Arc::new(clients);
    run(concurrency, warmup, duration, move |w, i| {
        let (plan, clients, url) = (plan.clone(), clients.clone(), url.clone());
        async move {
            let (user, pick) = plan.pick(w, i).ok_or("no arguments")?;
            let body = json!({ "query": plan.op.document, "variables": pick.vars });
            let resp = clients[w]
                .post(&url)
                .bearer_auth(&user.token)
                .header(reqwest::header::ACCEPT, "application/json")
                .json(&body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = resp.status();
            let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
            if !status.is_success()
                || contains(&bytes, b"\"errors\":")
                || !contains(&bytes, plan.op.expect.as_bytes())
            {
                let text = String::from_utf8_lossy(&bytes);
                return Err(format!(
                    "HTTP {status}: {}",
                    text.chars().take(300).collect::<String>()
                ));
            }
            Ok(())
        }
    })
    .await
}

enum Pool {
    Pg(sqlx::PgPool),
    Sqlite(sqlx::SqlitePool),
}

/// The op's floor statement straight against the database, `concurrency`
/// workers on a pool of `pool` connections, with the same arguments as the
/// gateway run. `envelope`: each statement inside the database work the
/// gateway does around its own statement for a request (see [`ENVELOPE`]).
#[allow(clippy::too_many_arguments)]
pub async fn floor(
    plan: Arc<Plan>,
    backend: Backend,
    db_url: &str,
    concurrency: usize,
    pool: u32,
    envelope: bool,
    warmup: Duration,
    duration: Duration,
) -> anyhow::Result<Option<Measured>> {
    let Some(floor) = &plan.op.floor else {
        return Ok(None);
    };
    let (pool, sql) = connect(floor, backend, db_url, pool).await?;
    let pool = Arc::new(pool);
    let measured = run(concurrency, warmup, duration, move |w, i| {
        let (plan, pool) = (plan.clone(), pool.clone());
        async move {
            let (user, pick) = plan.pick(w, i).ok_or("no arguments")?;
            let row = match (&*pool, envelope) {
                (Pool::Pg(p), true) => {
                    let who = who(&plan.dataset, user);
                    enveloped(p, sql, &pick, who.tenant.id, who.learner.id).await?
                }
                _ => floor_row(&pool, sql, &pick).await?,
            };
            match row {
                Some(json) if json != "null" => Ok(()),
                _ => Err("the floor statement returned no data".into()),
            }
        }
    })
    .await?;
    Ok(Some(measured))
}

/// The database work of a gateway request on PostgreSQL besides its own
/// statement: `BEGIN`, then one statement that checks the caller's live
/// memberships and sets the request's settings and the row-security role
/// (the shape of `store::Store::authenticate_as_seen`'s, pipelined with the
/// statement behind it), and the `ROLLBACK` the pool sends as the
/// connection comes back. `--floor-envelope` runs the floor's statement
/// between them, so the floor pays the same round trips and row security
/// as the gateway, and the gap left is the gateway's own.
pub const ENVELOPE: &str = "WITH m AS (
       SELECT role, organization_id FROM user_roles
       WHERE tenant_id = $1 AND user_id IN (SELECT id FROM users WHERE id = $2 AND status = 'active')
         AND (expires_at IS NULL OR expires_at > now())
     ), s AS (
       SELECT set_config('app.tenant_id', $1::text, true),
              set_config('app.user_id', $2::text, true),
              set_config('app.admin', bool_or(m.role IN ('platform_admin', 'tenant_admin'))::text, true),
              set_config('plan_cache_mode', 'force_generic_plan', true),
              set_config('TimeZone', 'UTC', true),
              set_config('statement_timeout', '5000', true),
              set_config('lock_timeout', '5000', true),
              set_config('role', 'coachql_app', true)
       FROM m HAVING coachql_memberships_unchanged(
         array_agg(m.role || '/' || coalesce(m.organization_id::text, '')) IS NOT NULL)
     )
     SELECT true FROM s";

async fn enveloped(
    pool: &sqlx::PgPool,
    sql: &'static str,
    pick: &Pick,
    tenant: uuid::Uuid,
    user: uuid::Uuid,
) -> Result<Option<String>, String> {
    let mut txn = pool.begin().await.map_err(|e| e.to_string())?;
    // Pipelined, as the gateway's is for a member it has seen before: it
    // goes out with the floor's statement, and fails it if no membership
    // is live.
    let check = format!("{}{ENVELOPE}", sqlx::postgres::PIPELINED);
    sqlx::query(sqlx::AssertSqlSafe(check))
        .bind(tenant)
        .bind(user)
        .execute(&mut *txn)
        .await
        .map_err(|e| e.to_string())?;
    let mut q = sqlx::query_scalar::<_, String>(sql);
    for v in &pick.params {
        q = bind(q, v);
    }
    // Dropped without a commit: rolled back as the connection goes back.
    q.fetch_optional(&mut *txn).await.map_err(|e| e.to_string())
}

/// A pool of `n` connections for the floor, and the floor's statement.
async fn connect(
    floor: &Floor,
    backend: Backend,
    db_url: &str,
    n: u32,
) -> anyhow::Result<(Pool, &'static str)> {
    Ok(match backend {
        Backend::Postgres => (
            Pool::Pg(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(n)
                    .connect(db_url)
                    .await?,
            ),
            floor.postgres,
        ),
        Backend::Sqlite => (
            Pool::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(n)
                    .connect(&format!("{db_url}?mode=ro"))
                    .await?,
            ),
            floor.sqlite,
        ),
    })
}

/// Worker 0's `i`-th request of a read op against the gateway and the
/// floor: the variables, the gateway's response and the floor's JSON, to
/// check that both return the same data.
pub async fn sample(
    plan: &Plan,
    i: u64,
    base: &str,
    backend: Backend,
    db_url: &str,
) -> anyhow::Result<serde_json::Value> {
    let (user, pick) = plan.pick(0, i).context("no arguments")?;
    let body = json!({ "query": plan.op.document, "variables": pick.vars });
    let gateway: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(&user.token)
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    let floor = match &plan.op.floor {
        Some(floor) => {
            let (pool, sql) = connect(floor, backend, db_url, 1).await?;
            let row = floor_row(&pool, sql, &pick)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", plan.op.name))?;
            row.map(|j| serde_json::from_str::<serde_json::Value>(&j))
                .transpose()?
        }
        None => None,
    };
    Ok(json!({
        "op": plan.op.name,
        "variables": pick.vars,
        "gateway": gateway,
        "floor": floor,
    }))
}

/// Binds `pick`'s parameters to `sql` and fetches its one JSON text.
async fn floor_row(pool: &Pool, sql: &'static str, pick: &Pick) -> Result<Option<String>, String> {
    macro_rules! fetch {
        ($pool:expr) => {{
            let mut q = sqlx::query_scalar::<_, String>(sql);
            for v in &pick.params {
                q = bind(q, v);
            }
            q.fetch_optional($pool).await
        }};
    }
    match pool {
        Pool::Pg(p) => fetch!(p),
        Pool::Sqlite(p) => fetch!(p),
    }
    .map_err(|e| e.to_string())
}

/// `q` with `v` bound as its next parameter.
fn bind<'q, DB>(
    q: sqlx::query::QueryScalar<'q, DB, String, <DB as sqlx::Database>::Arguments>,
    v: &Param,
) -> sqlx::query::QueryScalar<'q, DB, String, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    uuid::Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    chrono::DateTime<chrono::Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    chrono::NaiveDate: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    match v {
        Param::Uuid(u) => q.bind(*u),
        Param::Text(s) => q.bind(s.clone()),
        Param::Int(n) => q.bind(*n),
        Param::Float(f) => q.bind(*f),
        Param::Time(t) => q.bind(*t),
        Param::Date(d) => q.bind(*d),
    }
}
