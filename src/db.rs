//! Opening the database named by the configuration, and migrating it.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

/// The embedded default: a SQLite file in the working directory.
pub const DEFAULT_SQLITE_FILE: &str = "coachql.db";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL scheme {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnknownScheme(String),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}

/// Which backend a URL names, or an error for anything else: an unknown scheme
/// must never silently become a new SQLite file.
pub fn backend_of(url: &str) -> Result<DbBackend, DbError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => Ok(DbBackend::Sqlite),
        "postgres" | "postgresql" => Ok(DbBackend::Postgres),
        other => Err(DbError::UnknownScheme(other.to_owned())),
    }
}

/// The URL of the embedded default database, created if missing.
pub fn default_url() -> String {
    format!("sqlite://{DEFAULT_SQLITE_FILE}?mode=rwc")
}

/// How the pool behaves; see `docs/OPERATIONS.md`.
#[derive(Clone, Copy, Debug)]
pub struct PoolOptions {
    pub max_connections: u32,
    /// How long a request waits for a free connection (or for the database
    /// to answer a new connection) before it fails with `UNAVAILABLE`.
    pub acquire_timeout: Duration,
    /// The longest any statement may run (PostgreSQL `statement_timeout` for
    /// every session; request transactions set a shorter one from their
    /// deadline).
    pub statement_timeout: Duration,
    /// How long SQLite waits for another writer's lock before giving up.
    pub busy_timeout: Duration,
}

impl PoolOptions {
    pub fn new(max_connections: u32) -> Self {
        Self {
            max_connections,
            acquire_timeout: Duration::from_secs(3),
            statement_timeout: Duration::from_secs(30),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens a pool on `url` with default [`PoolOptions`].
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbError> {
    connect_with(url, PoolOptions::new(max_connections)).await
}

/// Opens a pool on `url`. SQLite files are created if missing and put in WAL
/// mode so readers do not block the writer.
pub async fn connect_with(url: &str, pool: PoolOptions) -> Result<DatabaseConnection, DbError> {
    let backend = backend_of(url)?;
    let url = match backend {
        DbBackend::Sqlite if !url.contains("mode=") => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        }
        _ => url.to_owned(),
    };
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(pool.max_connections)
        .min_connections(1)
        .connect_timeout(pool.acquire_timeout)
        .acquire_timeout(pool.acquire_timeout)
        // The pool checks every connection as it comes back (and that check
        // carries a read's queued ROLLBACK); checking it again on the way
        // out would cost every request a round trip. Only a connection idle
        // for a while, which the server or a proxy may have dropped, is
        // checked before it is handed out.
        .test_before_acquire_if_idle_for(Duration::from_secs(5))
        .sqlx_logging(false);
    let busy = pool.busy_timeout;
    // Every pooled connection, not just the first, waits for the writer.
    opts.map_sqlx_sqlite_opts(move |o| o.busy_timeout(busy));
    let statement_ms = pool.statement_timeout.as_millis().max(1).to_string();
    // A session left idle inside a transaction (a client gone mid-request,
    // a bug) is ended by the server instead of holding locks and a pool
    // slot forever.
    let idle_txn_ms = (pool.statement_timeout.as_millis() * 2).max(1).to_string();
    opts.map_sqlx_postgres_opts(move |o| {
        o.options([
            ("statement_timeout", statement_ms.as_str()),
            ("idle_in_transaction_session_timeout", idle_txn_ms.as_str()),
        ])
    });
    // A connection that comes back still inside a transaction is closed,
    // never handed to the next request (which would run inside it).
    opts.map_sqlx_postgres_pool_opts(|p| {
        p.after_release(|conn, _| {
            Box::pin(async move {
                use sea_orm::sqlx::Connection;
                Ok(!conn.is_in_transaction())
            })
        })
    });
    let db = Database::connect(opts).await?;
    if backend == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

/// Applies all pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbError> {
    Migrator::up(db, None).await?;
    Ok(())
}
