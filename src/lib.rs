//! coachql: one GraphQL API over a multi-tenant coaching and learning
//! database. The binary wires configuration, the database, the schema and
//! the HTTP server; each layer lives in its own crate (see
//! `docs/ARCHITECTURE.md`).

use std::{future::Future, path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use sea_orm::DatabaseConnection;

pub mod caller;
pub mod config;
pub mod db;
pub mod graphiql;
pub mod graphql_http;
pub mod http;
pub mod live;
pub mod metrics;
pub mod operation;
pub mod persisted;
pub mod seed;
pub mod server;
pub mod state;
pub mod ws;

use config::Config;

/// Opens the configured database. With no `DATABASE_URL` this is the
/// embedded SQLite file, which is migrated on every open and loaded with the
/// demo data when `first_start_seed` is set and the file did not exist yet.
pub async fn open_database(
    config: &Config,
    first_start_seed: bool,
) -> anyhow::Result<DatabaseConnection> {
    let pool = pool_options(config);
    match &config.database_url {
        Some(url) => Ok(db::connect_with(&url.0, pool).await?),
        None => {
            let fresh = !Path::new(db::DEFAULT_SQLITE_FILE).exists();
            let conn = db::connect_with(&db::default_url(), pool).await?;
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

/// The pool settings the configuration asks for.
pub fn pool_options(config: &Config) -> db::PoolOptions {
    db::PoolOptions {
        max_connections: config.db_max_connections,
        acquire_timeout: Duration::from_millis(config.db_acquire_timeout_ms),
        statement_timeout: Duration::from_secs(config.request_timeout_secs),
        busy_timeout: Duration::from_millis(config.db_busy_timeout_ms),
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
        compiled_reads: config.compiled_reads,
    })
    .map_err(|e| anyhow::anyhow!("schema: {}", e.0))
}

/// Serves until `shutdown` resolves, then drains in-flight requests for at
/// most `shutdown_timeout_secs` and closes what remains.
pub async fn serve(
    config: Config,
    db: DatabaseConnection,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let local = listener.local_addr()?;
    if config.jwt_secret.is_none() && config.jwt_algorithm.eq_ignore_ascii_case("HS256") {
        anyhow::bail!(
            "no token secret: set COACHQL_JWT_SECRET (or run `coachql serve`, which keeps a \
             generated one next to the data)"
        );
    }
    if config.secret_generated && !local.ip().is_loopback() {
        anyhow::bail!(
            "refusing to listen on {local} with a generated token secret: set \
             COACHQL_JWT_SECRET to the secret every instance shares"
        );
    }
    tune_allocator();
    let mut db = db;
    metrics::instrument(&mut db);
    let store = store::Store::new(db, Some(config.db_role.clone()))
        .with_events(store::Events::new(config.subscription_queue));
    // One LISTEN connection per process on PostgreSQL: the events of every
    // process on the database reach this one's subscribers.
    // Listening before serving: the process hears its own first writes.
    let listening = tokio::spawn(
        store::events::listen(store.connection().clone(), store.events().clone()).await,
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let secs = Duration::from_secs;
    let live = live::LiveState::new(
        live::LiveConfig {
            max_subscriptions_per_connection: config.max_subscriptions_per_connection,
            max_connections_per_user: config.max_connections_per_user,
            keepalive: secs(config.subscription_keepalive_secs.max(1)),
            init_timeout: secs(config.subscription_init_timeout_secs.max(1)),
            recheck: secs(config.subscription_recheck_secs.max(1)),
            send_timeout: secs(config.subscription_send_timeout_secs.max(1)),
        },
        // Half the pool: writes and queries keep the other half while a
        // change fans out to many subscribers.
        (config.db_max_connections as usize / 2).max(1),
        stop_rx,
    );
    let keys = config.token_keys()?;
    let guard = resolver::account::CredentialGuard::new(resolver::account::GuardOptions {
        hash_concurrency: config.hash_concurrency,
        hash_wait: Duration::from_millis(config.hash_wait_ms),
        free_failures: config.login_free_failures,
        free_failures_per_ip: config.login_free_failures_per_ip,
        first_backoff: Duration::from_millis(config.login_backoff_ms),
        max_backoff: Duration::from_secs(config.login_backoff_max_secs),
    });
    let minute = Duration::from_secs(60);
    let state = Arc::new(state::AppState {
        api: build_schema(&config)?,
        accounts: resolver::account::Accounts {
            store: store.clone(),
            keys: keys.clone(),
            token_ttl_secs: config.token_ttl_secs,
            guard: Arc::new(guard),
        },
        store,
        keys,
        documents: Default::default(),
        limits: state::RequestLimits {
            document: config.document_limits(),
            max_body_bytes: config.max_body_bytes,
            max_batch: config.max_batch,
            max_text_chars: config.max_text_chars,
            timeout: Duration::from_secs(config.request_timeout_secs),
        },
        budgets: state::Budgets {
            per_ip: auth::throttle::Budget::new(config.budget_per_ip_per_minute, minute),
            per_tenant: auth::throttle::Budget::new(config.budget_per_tenant_per_minute, minute),
        },
        persisted: persisted::Persisted::new(
            config
                .trusted_documents
                .as_deref()
                .map(persisted::load_manifest)
                .transpose()?,
        ),
        live,
    });
    let limits = server::ConnectionLimits {
        header_read_timeout: Duration::from_secs(config.header_read_timeout_secs),
        idle_timeout: Duration::from_secs(config.idle_timeout_secs),
        max_connections: config.max_connections,
        max_connections_per_ip: config.max_connections_per_ip,
        shutdown_timeout: Duration::from_secs(config.shutdown_timeout_secs),
    };
    // WebSocket connections live outside the HTTP connections' drain:
    // they are told to close (1001) when the shutdown starts.
    let shutdown = async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    };
    let served = server::serve(
        listener,
        http::router(state, &config.cors_origins),
        limits,
        shutdown,
    )
    .await
    .context("server error");
    listening.abort();
    served
}

/// Large allocations (argon2id's 19 MiB per password hash) are mapped and
/// unmapped on their own instead of staying in glibc's per-thread arenas:
/// without this a burst of logins left gigabytes resident after it ended.
/// The `coachql` binary allocates through mimalloc (src/main.rs); this still
/// governs glibc's malloc, which SQLite's C code uses, and which serves
/// programs that embed this library with the default allocator (the tests).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator thresholds; any value is valid.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 8 << 20);
    }
}

/// Log lines: plain or JSON (`log_format`), without colour codes unless
/// stderr is a terminal. `RUST_LOG` overrides the default filter.
pub fn init_logging(format: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,hyper=warn,tower_http=warn".into()
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if format.eq_ignore_ascii_case("json") {
        builder.json().init();
    } else {
        builder.init();
    }
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
