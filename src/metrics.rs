//! Process-wide counters, served at `GET /metrics` in Prometheus text
//! format: GraphQL requests and the SQL statements they issued (the ratio is
//! the N+1 canary).

use std::sync::atomic::{AtomicU64, Ordering};

static REQUESTS: AtomicU64 = AtomicU64::new(0);
static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static STATEMENT_ERRORS: AtomicU64 = AtomicU64::new(0);

/// Counts every statement run through `db` (and its transactions).
pub fn instrument(db: &mut sea_orm::DatabaseConnection) {
    db.set_metric_callback(|info| {
        STATEMENTS.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(target: "coachql::sql", elapsed = ?info.elapsed, "{}", info.statement.sql);
        if info.failed {
            STATEMENT_ERRORS.fetch_add(1, Ordering::Relaxed);
        }
    });
}

pub fn request() {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
}

pub fn render() -> String {
    format!(
        "# HELP coachql_graphql_requests_total GraphQL operations executed.\n\
         # TYPE coachql_graphql_requests_total counter\n\
         coachql_graphql_requests_total {}\n\
         # HELP coachql_sql_statements_total SQL statements sent to the database.\n\
         # TYPE coachql_sql_statements_total counter\n\
         coachql_sql_statements_total {}\n\
         # HELP coachql_sql_statement_errors_total SQL statements that failed.\n\
         # TYPE coachql_sql_statement_errors_total counter\n\
         coachql_sql_statement_errors_total {}\n",
        REQUESTS.load(Ordering::Relaxed),
        STATEMENTS.load(Ordering::Relaxed),
        STATEMENT_ERRORS.load(Ordering::Relaxed),
    )
}
