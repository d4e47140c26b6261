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

/// Opens a pool on `url`. SQLite files are created if missing and put in WAL
/// mode so readers do not block the writer.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbError> {
    let backend = backend_of(url)?;
    let url = match backend {
        DbBackend::Sqlite if !url.contains("mode=") => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        }
        _ => url.to_owned(),
    };
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let db = Database::connect(opts).await?;
    if backend == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        db.execute_unprepared("PRAGMA busy_timeout = 10000").await?;
    }
    Ok(db)
}

/// Applies all pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbError> {
    Migrator::up(db, None).await?;
    Ok(())
}
