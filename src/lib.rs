//! coachql: one GraphQL API over a multi-tenant coaching and learning
//! database. The binary wires configuration, the database, the schema and
//! the HTTP server; each layer lives in its own crate (see
//! `docs/ARCHITECTURE.md`).

use std::{future::Future, path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use sea_orm::DatabaseConnection;

pub mod config;
pub mod db;
pub mod http;
pub mod metrics;
pub mod seed;

use config::{Config, DEV_JWT_SECRET};

/// Opens the configured database. With no `DATABASE_URL` this is the
/// embedded SQLite file, which is migrated on every open and loaded with the
/// demo data when `first_start_seed` is set and the file did not exist yet.
pub async fn open_database(
    config: &Config,
    first_start_seed: bool,
) -> anyhow::Result<DatabaseConnection> {
    match &config.database_url {
        Some(url) => Ok(db::connect(&url.0, config.db_max_connections).await?),
        None => {
            let fresh = !Path::new(db::DEFAULT_SQLITE_FILE).exists();
            let conn = db::connect(&db::default_url(), config.db_max_connections).await?;
            db::migrate(&conn).await?;
            if fresh && first_start_seed {
                let n = seed::load(&conn).await?;
                tracing::info!(
                    "created {} with {n} rows of demo data",
                    db::DEFAULT_SQLITE_FILE
                );
            }
            Ok(conn)
        }
    }
}

/// The GraphQL schema with the configured limits.
pub fn build_schema(config: &Config) -> anyhow::Result<resolver::Api> {
    resolver::build(resolver::SchemaOptions {
        max_depth: config.max_depth,
        max_complexity: config.max_complexity,
        page: resolver::connection::PageLimits {
            default_size: config.default_page_size,
            max_size: config.max_page_size,
        },
    })
    .map_err(|e| anyhow::anyhow!("schema: {}", e.0))
}

/// Serves until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    config: Config,
    db: DatabaseConnection,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if config.jwt_secret.0 == DEV_JWT_SECRET {
        tracing::warn!("using the development token secret: set COACHQL_JWT_SECRET in production");
    }
    let mut db = db;
    metrics::instrument(&mut db);
    let store = store::Store::new(db, Some(config.db_role.clone()));
    let keys = config.token_keys()?;
    let state = Arc::new(http::AppState {
        api: build_schema(&config)?,
        accounts: resolver::account::Accounts {
            store: store.clone(),
            keys: keys.clone(),
            token_ttl_secs: config.token_ttl_secs,
        },
        store,
        keys,
        documents: Default::default(),
    });
    let app = http::router(state).layer(tower_http::timeout::TimeoutLayer::with_status_code(
        axum::http::StatusCode::REQUEST_TIMEOUT,
        Duration::from_secs(config.request_timeout_secs),
    ));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("server error")
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: draining in-flight requests");
}

/// A signed token for `email`'s active memberships in tenant `tenant`
/// (slug or id): what `coachql token` prints.
pub async fn issue_token(
    config: &Config,
    db: &DatabaseConnection,
    tenant: &str,
    email: &str,
) -> anyhow::Result<String> {
    let store = store::Store::new(db.clone(), None);
    let tenant = store
        .tenant(tenant)
        .await?
        .with_context(|| format!("no tenant {tenant:?}"))?;
    let user = store
        .user_by_email(email)
        .await?
        .with_context(|| format!("no user {email:?}"))?;
    let principal = store
        .principal(tenant.id, user.id)
        .await?
        .with_context(|| format!("{email} is not an active member of {}", tenant.slug))?;
    let keys = config.token_keys()?;
    let claims = keys
        .claims_for(&principal, config.token_ttl_secs)
        .context("no user")?;
    Ok(keys.sign(&claims)?)
}
