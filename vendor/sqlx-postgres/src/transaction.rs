use sqlx_core::database::Database;
use sqlx_core::sql_str::SqlStr;

use crate::error::Error;
use crate::executor::Executor;

use crate::{PgConnection, Postgres};

pub(crate) use sqlx_core::transaction::*;

/// Implementation of [`TransactionManager`] for PostgreSQL.
pub struct PgTransactionManager;

impl TransactionManager for PgTransactionManager {
    type Database = Postgres;

    async fn begin(conn: &mut PgConnection, statement: Option<SqlStr>) -> Result<(), Error> {
        let depth = conn.inner.transaction_depth;

        // coachql patch: a plain `BEGIN` on a connection outside any
        // transaction is queued and sent with the next statement
        // (`PgConnection::queue_begin`), one round trip fewer. The
        // statement's `ReadyForQuery` (or the next `wait_until_ready`)
        // checks that the transaction was opened.
        if depth == 0 && statement.is_none() {
            conn.wait_until_ready().await?;
            if !conn.in_transaction() {
                conn.queue_begin()?;
                conn.inner.transaction_depth += 1;
                return Ok(());
            }
        }

        let statement = match statement {
            // custom `BEGIN` statements are not allowed if we're already in
            // a transaction (we need to issue a `SAVEPOINT` instead)
            Some(_) if depth > 0 => return Err(Error::InvalidSavePointStatement),
            Some(statement) => statement,
            None => begin_ansi_transaction_sql(depth),
        };

        let rollback = Rollback::new(conn);
        rollback.conn.queue_simple_query(statement.as_str())?;
        rollback.conn.wait_until_ready().await?;
        if !rollback.conn.in_transaction() {
            return Err(Error::BeginFailed);
        }
        rollback.conn.inner.transaction_depth += 1;
        rollback.defuse();

        Ok(())
    }

    async fn commit(conn: &mut PgConnection) -> Result<(), Error> {
        // coachql patch: a transaction ended by `THEN_ROLLBACK` was rolled
        // back; it cannot be committed.
        if std::mem::take(&mut conn.inner.ended_early) {
            conn.inner.transaction_depth = conn.inner.transaction_depth.saturating_sub(1);
            return Err(Error::Protocol(
                "the transaction was rolled back after its last read".into(),
            ));
        }
        if conn.inner.transaction_depth > 0 {
            conn.execute(commit_ansi_transaction_sql(conn.inner.transaction_depth))
                .await?;

            conn.inner.transaction_depth -= 1;
        }

        Ok(())
    }

    async fn rollback(conn: &mut PgConnection) -> Result<(), Error> {
        // coachql patch: already rolled back (`THEN_ROLLBACK`).
        if std::mem::take(&mut conn.inner.ended_early) {
            conn.inner.transaction_depth = conn.inner.transaction_depth.saturating_sub(1);
            return Ok(());
        }
        if conn.inner.transaction_depth > 0 {
            conn.execute(rollback_ansi_transaction_sql(conn.inner.transaction_depth))
                .await?;

            conn.inner.transaction_depth -= 1;
        }

        Ok(())
    }

    fn start_rollback(conn: &mut PgConnection) {
        // coachql patch: already rolled back (`THEN_ROLLBACK`).
        if std::mem::take(&mut conn.inner.ended_early) {
            conn.inner.transaction_depth = conn.inner.transaction_depth.saturating_sub(1);
            return;
        }
        if conn.inner.transaction_depth > 0 {
            conn.queue_simple_query(
                rollback_ansi_transaction_sql(conn.inner.transaction_depth).as_str(),
            )
            .expect("BUG: Rollback query somehow too large for protocol");

            conn.inner.transaction_depth -= 1;
        }
    }

    fn get_transaction_depth(conn: &<Self::Database as Database>::Connection) -> usize {
        conn.inner.transaction_depth
    }
}

struct Rollback<'c> {
    conn: &'c mut PgConnection,
    defuse: bool,
}

impl Drop for Rollback<'_> {
    fn drop(&mut self) {
        if !self.defuse {
            PgTransactionManager::start_rollback(self.conn)
        }
    }
}

impl<'c> Rollback<'c> {
    fn new(conn: &'c mut PgConnection) -> Self {
        Self {
            conn,
            defuse: false,
        }
    }
    fn defuse(mut self) {
        self.defuse = true;
    }
}
