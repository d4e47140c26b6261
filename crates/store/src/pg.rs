//! A read-only request transaction on PostgreSQL that opens in one round
//! trip.
//!
//! sea-orm's transactions send `BEGIN` on its own and cannot adopt a
//! connection that is already inside one, so a request paid a round trip
//! for `BEGIN` before the one that authenticates it. [`ReadTxn`] sends
//! `BEGIN; <statement>` as one simple query (sqlx's custom `BEGIN`), then
//! runs the request's statements on that connection like any sea-orm
//! connection ([`ConnectionTrait`]), prepared and cached as sea-orm does.
//!
//! The simple query protocol takes no parameters and sqlx discards the
//! rows of a custom `BEGIN`, so the statement carries its values as
//! literals ([`literal`]) and can only succeed or fail: the store uses it
//! when it already knows what the statement would return (the caller's
//! memberships, checked inside the statement; see `Store::authenticate`).

use std::{
    fmt,
    sync::Arc,
    time::{Duration, Instant},
};

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr,
    Statement,
    metric::Info,
    sea_query::Values,
    sqlx::{
        self, AssertSqlSafe, Database, Postgres, SqlSafeStr, pool::PoolConnection, postgres::PgPool,
    },
};
use sea_query_sqlx::SqlxValues;
use sqlx_core::transaction::TransactionManager;
use tokio::sync::Mutex;

/// Called after every statement with its text and duration (the
/// process's statement counters and SQL trace; the same callback sea-orm
/// gets through `set_metric_callback`).
#[derive(Clone)]
pub struct Metric(Arc<dyn Fn(&Info<'_>) + Send + Sync>);

impl Metric {
    pub fn new(f: impl Fn(&Info<'_>) + Send + Sync + 'static) -> Self {
        Metric(Arc::new(f))
    }
}

impl fmt::Debug for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Metric")
    }
}

/// A read transaction of one request: a pooled connection inside the
/// transaction it began. Dropping it queues its `ROLLBACK`, which the pool
/// sends with the check it makes on every connection that comes back.
pub(crate) struct ReadTxn {
    txn: Mutex<PoolConnection<Postgres>>,
    metric: Option<Metric>,
}

type Manager = <Postgres as Database>::TransactionManager;

impl Drop for ReadTxn {
    fn drop(&mut self) {
        Manager::start_rollback(self.txn.get_mut());
    }
}

impl fmt::Debug for ReadTxn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadTxn")
    }
}

/// How opening ended when the database answered.
pub(crate) enum Opened {
    Ready(ReadTxn),
    /// The statement raised `division_by_zero`: its check found the
    /// database differs from what the store assumed (see the module).
    Refused,
}

/// SQLSTATE `division_by_zero`: the one error an opening statement raises
/// on purpose (`1 / 0` where its check fails).
const REFUSED: &str = "22012";

/// SQLSTATE `invalid_sql_statement_name`: `EXECUTE` of a statement this
/// connection has not prepared.
const NOT_PREPARED: &str = "26000";

/// Sends `sql` as a custom `BEGIN`; how long it took.
async fn begin(
    conn: &mut PoolConnection<Postgres>,
    sql: &str,
) -> (Result<(), sqlx::Error>, Duration) {
    let started = Instant::now();
    let begun = Manager::begin(conn, Some(AssertSqlSafe(sql.to_owned()).into_sql_str())).await;
    (begun, started.elapsed())
}

/// Reports a statement to `metric`.
fn report(metric: Option<&Metric>, sql: &str, elapsed: Duration, failed: bool) {
    if let Some(m) = metric {
        (m.0)(&Info {
            elapsed,
            statement: &Statement::from_string(DbBackend::Postgres, sql),
            failed,
        });
    }
}

impl ReadTxn {
    /// Takes a pooled connection and runs `BEGIN; {statement}` on it in one
    /// round trip. `prepare`: the `PREPARE` that `statement` `EXECUTE`s,
    /// run once per connection, the first time the statement finds it
    /// missing (so the statement is planned once per connection, not per
    /// request).
    pub(crate) async fn open(
        pool: &PgPool,
        statement: &str,
        prepare: Option<&str>,
        metric: Option<Metric>,
    ) -> Result<Opened, DbErr> {
        let mut conn = match pool.acquire().await {
            Ok(c) => c,
            Err(sqlx::Error::PoolTimedOut) => {
                return Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
            }
            Err(sqlx::Error::PoolClosed) => {
                return Err(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed));
            }
            Err(e) => return Err(DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e)))),
        };
        let sql = format!("BEGIN; {statement}");
        let mut prepare = prepare;
        loop {
            let (begun, elapsed) = begin(&mut conn, &sql).await;
            let e = match begun {
                Ok(()) => {
                    report(metric.as_ref(), &sql, elapsed, false);
                    return Ok(Opened::Ready(ReadTxn {
                        txn: Mutex::new(conn),
                        metric,
                    }));
                }
                Err(e) => e,
            };
            // The statement failed inside the transaction it began, which
            // sqlx does not count as begun: end it here, or the pool would
            // hand out a connection stuck in an aborted transaction.
            if sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.is_err() {
                conn.close_on_drop();
                return Err(query_err(e));
            }
            let code = match &e {
                sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
                _ => None,
            };
            let retry = code.as_deref() == Some(NOT_PREPARED) && prepare.is_some();
            // Preparing is the connection's setup, not the request's work.
            if !retry {
                report(metric.as_ref(), &sql, elapsed, true);
            }
            match (code.as_deref(), prepare.take()) {
                (Some(REFUSED), _) => return Ok(Opened::Refused),
                (Some(NOT_PREPARED), Some(p)) => {
                    sqlx::raw_sql(AssertSqlSafe(p.to_owned()))
                        .execute(&mut *conn)
                        .await
                        .map_err(exec_err)?;
                }
                _ => return Err(query_err(e)),
            }
        }
    }

    async fn timed<T>(
        &self,
        stmt: &Statement,
        run: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        let started = Instant::now();
        let out = run.await;
        if let Some(m) = &self.metric {
            (m.0)(&Info {
                elapsed: started.elapsed(),
                statement: stmt,
                failed: out.is_err(),
            });
        }
        out
    }
}

/// A SQL string literal of `text`, or `None` for text that should not be
/// inlined (a backslash or NUL: what `standard_conforming_strings` would
/// change the meaning of, or PostgreSQL refuses).
pub(crate) fn literal(text: &str) -> Option<String> {
    if text.contains(['\\', '\0']) {
        return None;
    }
    Some(format!("'{}'", text.replace('\'', "''")))
}

fn query(stmt: &Statement) -> sqlx::query::Query<'_, Postgres, SqlxValues> {
    let values = stmt.values.clone().unwrap_or(Values(Vec::new()));
    sqlx::query_with(AssertSqlSafe(stmt.sql.as_str()), SqlxValues(values))
}

fn query_err(e: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
}

fn exec_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e)))
}

#[async_trait::async_trait]
impl ConnectionTrait for ReadTxn {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Postgres
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let mut txn = self.txn.lock().await;
        self.timed(&stmt, query(&stmt).execute(&mut **txn))
            .await
            .map(Into::into)
            .map_err(exec_err)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let stmt = Statement::from_string(DbBackend::Postgres, sql);
        let mut txn = self.txn.lock().await;
        self.timed(
            &stmt,
            sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).execute(&mut **txn),
        )
        .await
        .map(Into::into)
        .map_err(exec_err)
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let mut txn = self.txn.lock().await;
        self.timed(&stmt, query(&stmt).fetch_optional(&mut **txn))
            .await
            .map(|row| row.map(Into::into))
            .map_err(query_err)
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut txn = self.txn.lock().await;
        self.timed(&stmt, query(&stmt).fetch_all(&mut **txn))
            .await
            .map(|rows| rows.into_iter().map(Into::into).collect())
            .map_err(query_err)
    }
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn literals_double_quotes_and_refuse_backslashes() {
        assert_eq!(literal("it's").as_deref(), Some("'it''s'"));
        assert_eq!(literal("coachql_app").as_deref(), Some("'coachql_app'"));
        assert_eq!(literal("a\\'b"), None);
        assert_eq!(literal("a\0b"), None);
    }
}
