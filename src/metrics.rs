//! Process-wide metrics in Prometheus text format, served on their own
//! listener (`metrics_bind`, off by default) so they are never public:
//! GraphQL requests and the SQL statements they issued (the ratio is the
//! N+1 canary), request latency by operation name and error code,
//! refused connections, and the request pool's connections in use.

use std::{
    collections::HashMap,
    fmt::Write as _,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{Router, http::header, routing::get};
use sea_orm::{DatabaseConnection, DbBackend};

static REQUESTS: AtomicU64 = AtomicU64::new(0);
static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static STATEMENT_ERRORS: AtomicU64 = AtomicU64::new(0);
static CONNECTIONS_REFUSED: AtomicU64 = AtomicU64::new(0);

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Distinct (operation, code) series kept; operation names come from
/// clients, so past this they are counted as `other`.
const MAX_SERIES: usize = 500;

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

static LATENCY: Mutex<Option<HashMap<(String, &'static str), Histogram>>> = Mutex::new(None);

/// Counts every statement run through `db` (and its transactions).
pub fn instrument(db: &mut sea_orm::DatabaseConnection) {
    db.set_metric_callback(|info| {
        STATEMENTS.fetch_add(1, Ordering::Relaxed);
        store::stats::statement();
        tracing::trace!(target: "coachql::sql", elapsed = ?info.elapsed, "{}", info.statement.sql);
        if info.failed {
            STATEMENT_ERRORS.fetch_add(1, Ordering::Relaxed);
        }
    });
}

/// Counts `n` GraphQL operations about to run.
pub fn requests(n: usize) {
    REQUESTS.fetch_add(n as u64, Ordering::Relaxed);
}

pub fn connection_refused() {
    CONNECTIONS_REFUSED.fetch_add(1, Ordering::Relaxed);
}

/// Records one GraphQL request's latency under its operation name (a
/// plain GraphQL name of at most 64 characters, else `other`) and its
/// first error code (`OK` without errors).
pub fn observe(operation: Option<&str>, code: &'static str, elapsed: Duration) {
    let op = match operation {
        None => "anonymous",
        Some(n)
            if n.len() <= 64
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            n
        }
        Some(_) => "other",
    };
    let secs = elapsed.as_secs_f64();
    let mut guard = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    let key = if map.len() >= MAX_SERIES && !map.contains_key(&(op.to_owned(), code)) {
        ("other".to_owned(), code)
    } else {
        (op.to_owned(), code)
    };
    let h = map.entry(key).or_default();
    for (i, bound) in BUCKETS.iter().enumerate() {
        if secs <= *bound {
            h.buckets[i] += 1;
        }
    }
    h.count += 1;
    h.sum += secs;
}

pub fn render(db: &DatabaseConnection) -> String {
    let mut out = format!(
        "# HELP coachql_graphql_requests_total GraphQL operations executed.\n\
         # TYPE coachql_graphql_requests_total counter\n\
         coachql_graphql_requests_total {}\n\
         # HELP coachql_sql_statements_total SQL statements sent to the database.\n\
         # TYPE coachql_sql_statements_total counter\n\
         coachql_sql_statements_total {}\n\
         # HELP coachql_sql_statement_errors_total SQL statements that failed.\n\
         # TYPE coachql_sql_statement_errors_total counter\n\
         coachql_sql_statement_errors_total {}\n\
         # HELP coachql_sql_rows_total Rows read back from the database by API reads.\n\
         # TYPE coachql_sql_rows_total counter\n\
         coachql_sql_rows_total {}\n\
         # HELP coachql_compiled_reads_total Table-backed root fields, by how they were answered: one compiled statement, or the loaders.\n\
         # TYPE coachql_compiled_reads_total counter\n\
         coachql_compiled_reads_total{{path=\"compiled\"}} {}\n\
         coachql_compiled_reads_total{{path=\"loaders\"}} {}\n\
         # HELP coachql_connections_refused_total Connections closed at once for being over a cap.\n\
         # TYPE coachql_connections_refused_total counter\n\
         coachql_connections_refused_total {}\n\
         # HELP coachql_request_duration_seconds GraphQL HTTP requests by operation name and first error code.\n\
         # TYPE coachql_request_duration_seconds histogram\n",
        REQUESTS.load(Ordering::Relaxed),
        STATEMENTS.load(Ordering::Relaxed),
        STATEMENT_ERRORS.load(Ordering::Relaxed),
        store::stats::rows_total(),
        resolver::compiled_reads().0,
        resolver::compiled_reads().1,
        CONNECTIONS_REFUSED.load(Ordering::Relaxed),
    );
    if let Some(pool) = pool_state(db) {
        let _ = write!(
            out,
            "# HELP coachql_db_pool_connections The request pool's connections, by state; in_use at the maximum means requests are waiting for one.\n\
             # TYPE coachql_db_pool_connections gauge\n\
             coachql_db_pool_connections{{state=\"in_use\"}} {}\n\
             coachql_db_pool_connections{{state=\"idle\"}} {}\n\
             # HELP coachql_db_pool_max_connections The request pool's limit (db_max_connections).\n\
             # TYPE coachql_db_pool_max_connections gauge\n\
             coachql_db_pool_max_connections {}\n",
            pool.open.saturating_sub(pool.idle),
            pool.idle,
            pool.max,
        );
    }
    let guard = LATENCY.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(map) = guard.as_ref() {
        let mut series: Vec<_> = map.iter().collect();
        series.sort_by(|a, b| a.0.cmp(b.0));
        for ((op, code), h) in series {
            let labels = format!("operation=\"{op}\",code=\"{code}\"");
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                let _ = writeln!(
                    out,
                    "coachql_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "coachql_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 coachql_request_duration_seconds_sum{{{labels}}} {}\n\
                 coachql_request_duration_seconds_count{{{labels}}} {}",
                h.count, h.sum, h.count
            );
        }
    }
    out
}

/// A pool's connections: open, idle among them, and its limit.
struct PoolState {
    open: u32,
    idle: u32,
    max: u32,
}

fn pool_state(db: &DatabaseConnection) -> Option<PoolState> {
    macro_rules! state {
        ($pool:expr) => {{
            let pool = $pool;
            Some(PoolState {
                open: pool.size(),
                idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                max: pool.options().get_max_connections(),
            })
        }};
    }
    // sea-orm is built with the sqlx pools only (no mock or proxy
    // connections), so the backend names the pool's type and the getters
    // cannot panic.
    match db.get_database_backend() {
        DbBackend::Postgres => state!(db.get_postgres_connection_pool()),
        DbBackend::Sqlite => state!(db.get_sqlite_connection_pool()),
        _ => None,
    }
}

/// The metrics listener's routes; `db` is the requests' pool.
pub fn router(db: DatabaseConnection) -> Router {
    Router::new().route(
        "/metrics",
        get(|| async move {
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                render(&db),
            )
        }),
    )
}

/// Serves `/metrics` on `listener` until the process ends; `db` is the
/// requests' pool.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: DatabaseConnection,
) -> std::io::Result<()> {
    axum::serve(listener, router(db)).await
}
