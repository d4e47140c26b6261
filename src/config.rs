//! Configuration: defaults, then an optional TOML file, then `COACHQL_*`
//! environment variables (and `DATABASE_URL`). Secrets never reach `Debug`.

use std::{fmt, net::SocketAddr, path::Path};

use serde::Deserialize;

/// A value that must not be printed: `Debug` shows `"***"`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// The file, next to the data, that keeps a generated token secret.
pub const SECRET_FILE: &str = "coachql.secret";

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address `serve` listens on.
    pub bind: SocketAddr,
    /// `sqlite://…` or `postgres://…`; `None` means the embedded `coachql.db`.
    pub database_url: Option<Secret>,
    /// Pool size.
    pub db_max_connections: u32,
    /// Milliseconds a request waits for a database connection before it
    /// fails with `UNAVAILABLE`.
    pub db_acquire_timeout_ms: u64,
    /// Milliseconds SQLite waits for another writer before giving up.
    pub db_busy_timeout_ms: u64,
    /// PostgreSQL role tenant requests switch to, subject to row-level
    /// security (created by the migrations); empty when the pool already
    /// logs in as a role without `BYPASSRLS` that does not own the tables.
    pub db_role: String,
    /// `HS256` (default), `RS256` or `ES256`: the only algorithm accepted.
    pub jwt_algorithm: String,
    /// HS256 key for the tokens this server signs and accepts. Without one
    /// a random key is generated on first start and kept in
    /// `coachql.secret` next to the data (see [`Config::resolve_secret`]).
    pub jwt_secret: Option<Secret>,
    /// RS256/ES256 public key: PEM text or a path to a PEM file.
    pub jwt_public_key: Option<String>,
    /// RS256/ES256 private key (PKCS#8): PEM text or a path; without it the
    /// server verifies tokens but cannot issue them (`login`, `token`).
    pub jwt_private_key: Option<Secret>,
    /// Required token issuer (`iss`), when set.
    pub jwt_issuer: Option<String>,
    /// Required token audience (`aud`), when set.
    pub jwt_audience: Option<String>,
    /// Lifetime of tokens issued by `coachql token`.
    pub token_ttl_secs: i64,
    /// Deepest selection a query may nest.
    pub max_depth: usize,
    /// Largest total field cost a query may have.
    pub max_complexity: usize,
    /// Page size of a connection when neither `first` nor `last` is given.
    pub default_page_size: usize,
    /// Largest `first` / `last` a connection accepts.
    pub max_page_size: usize,
    /// Answer table reads with one compiled SQL statement per root field
    /// (the default); `false` resolves them field by field through the
    /// loaders, the reference the compiled path is tested against.
    pub compiled_reads: bool,
    /// Seconds a request may run before it is answered with `TIMEOUT`; its
    /// database statements are cancelled at the same moment.
    pub request_timeout_secs: u64,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Most operations in one batched request (a JSON array).
    pub max_batch: usize,
    /// Longest document text in bytes.
    pub max_document_bytes: usize,
    /// Deepest nesting of brackets in a document (selections, lists and
    /// objects together) and in its variables, checked before parsing.
    pub max_nesting: usize,
    /// Most lexical tokens in a document.
    pub max_tokens: usize,
    /// Most fields an operation selects once its fragments are expanded.
    pub max_fields: usize,
    /// Most aliases in a document.
    pub max_aliases: usize,
    /// Most directives in a document.
    pub max_directives: usize,
    /// Most root fields in one operation.
    pub max_root_fields: usize,
    /// Most items in one list value (an `in` filter, ids, …).
    pub max_list_items: usize,
    /// Longest text value in characters, where its column sets no lower
    /// bound.
    pub max_text_chars: usize,
    /// Seconds a client has to send a request's head.
    pub header_read_timeout_secs: u64,
    /// Seconds an idle keep-alive connection is kept open.
    pub idle_timeout_secs: u64,
    /// Most open client connections (lowered to fit the process's file
    /// descriptor limit).
    pub max_connections: usize,
    /// Most open connections from one client address.
    pub max_connections_per_ip: usize,
    /// Seconds `serve` waits for in-flight requests after a shutdown signal
    /// before closing the remaining connections.
    pub shutdown_timeout_secs: u64,
    /// Password hashes computed at once (argon2id takes 19 MiB each).
    pub hash_concurrency: usize,
    /// Milliseconds a login waits for a free hashing slot before it is
    /// answered `RATE_LIMITED`.
    pub hash_wait_ms: u64,
    /// Failed logins allowed for one account before back-off starts.
    pub login_free_failures: u32,
    /// Failed logins or sign-ups allowed from one client address before
    /// back-off starts.
    pub login_free_failures_per_ip: u32,
    /// First back-off in milliseconds; it doubles with each further failure.
    pub login_backoff_ms: u64,
    /// Longest back-off in seconds.
    pub login_backoff_max_secs: u64,
    /// Complexity units (fields, after fragment expansion) one client
    /// address may spend per minute; 0 for no budget.
    pub budget_per_ip_per_minute: u64,
    /// Complexity units one tenant may spend per minute; 0 for no budget.
    pub budget_per_tenant_per_minute: u64,
    /// Address of the Prometheus `/metrics` listener; none by default.
    pub metrics_bind: Option<SocketAddr>,
    /// `plain` or `json` log lines.
    pub log_format: String,
    /// Browser origins allowed to call the API (CORS): exact origins
    /// (`https://app.example.com`), a host allowing any port
    /// (`http://localhost`), or `*` for any origin. The default allows pages
    /// served from localhost and 127.0.0.1 on any port, for development.
    pub cors_origins: Vec<String>,
    /// Trusted-documents mode: a manifest (hash → document, as `coachql
    /// documents` writes it, or Apollo's persisted-query manifest); when
    /// set, only its operations run.
    pub trusted_documents: Option<std::path::PathBuf>,
    /// Subscriptions one WebSocket connection may run at once.
    pub max_subscriptions_per_connection: usize,
    /// WebSocket connections one user (or one address, anonymously) may
    /// hold open.
    pub max_connections_per_user: usize,
    /// Seconds between the server's WebSocket pings.
    pub subscription_keepalive_secs: u64,
    /// Seconds a WebSocket client has to send `connection_init`.
    pub subscription_init_timeout_secs: u64,
    /// Seconds between checks of a subscriber's membership when no event
    /// arrives (events check it anyway).
    pub subscription_recheck_secs: u64,
    /// Seconds a WebSocket client has to take a message before it is closed
    /// as too slow.
    pub subscription_send_timeout_secs: u64,
    /// Events a subscription may fall behind before it is closed as too
    /// slow.
    pub subscription_queue: usize,
    /// Set by [`Config::resolve_secret`] when the HS256 key was generated
    /// rather than configured: such a server only listens on loopback.
    #[serde(skip)]
    pub secret_generated: bool,
}

impl Default for Config {
    fn default() -> Self {
        const DOCUMENT: limits::Limits = limits::Limits::DEFAULT;
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            database_url: None,
            db_max_connections: 16,
            db_acquire_timeout_ms: 3000,
            db_busy_timeout_ms: 5000,
            db_role: "coachql_app".to_owned(),
            jwt_algorithm: "HS256".to_owned(),
            jwt_secret: None,
            jwt_public_key: None,
            jwt_private_key: None,
            jwt_issuer: None,
            jwt_audience: None,
            token_ttl_secs: 24 * 3600,
            max_depth: 12,
            max_complexity: 2000,
            default_page_size: 20,
            max_page_size: 100,
            compiled_reads: true,
            request_timeout_secs: 30,
            max_body_bytes: 1024 * 1024,
            max_batch: 10,
            max_document_bytes: DOCUMENT.max_bytes,
            max_nesting: DOCUMENT.max_nesting,
            max_tokens: DOCUMENT.max_tokens,
            max_fields: DOCUMENT.max_fields,
            max_aliases: DOCUMENT.max_aliases,
            max_directives: DOCUMENT.max_directives,
            max_root_fields: DOCUMENT.max_root_fields,
            max_list_items: DOCUMENT.max_list_items,
            max_text_chars: 20_000,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 4096,
            max_connections_per_ip: 256,
            shutdown_timeout_secs: 10,
            hash_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            hash_wait_ms: 2000,
            login_free_failures: 5,
            login_free_failures_per_ip: 50,
            login_backoff_ms: 1000,
            login_backoff_max_secs: 900,
            budget_per_ip_per_minute: 600_000,
            budget_per_tenant_per_minute: 3_000_000,
            metrics_bind: None,
            log_format: "plain".to_owned(),
            cors_origins: vec!["http://localhost".into(), "http://127.0.0.1".into()],
            trusted_documents: None,
            max_subscriptions_per_connection: 20,
            max_connections_per_user: 16,
            subscription_keepalive_secs: 15,
            subscription_init_timeout_secs: 10,
            subscription_recheck_secs: 30,
            subscription_send_timeout_secs: 10,
            subscription_queue: 1024,
            secret_generated: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("invalid value for {var}: {message}")]
    Env { var: String, message: String },
}

impl Config {
    /// The token keys this configuration describes.
    pub fn token_keys(&self) -> Result<auth::TokenKeys, ConfigError> {
        let pem = |v: &str| -> Result<String, ConfigError> {
            if v.trim_start().starts_with("-----BEGIN") {
                Ok(v.to_owned())
            } else {
                std::fs::read_to_string(v).map_err(|source| ConfigError::Read {
                    path: v.to_owned(),
                    source,
                })
            }
        };
        auth::TokenKeys::new(&auth::KeyConfig {
            algorithm: self.jwt_algorithm.clone(),
            secret: self
                .jwt_secret
                .as_ref()
                .map(|s| s.0.clone())
                .unwrap_or_default(),
            public_key_pem: self.jwt_public_key.as_deref().map(pem).transpose()?,
            private_key_pem: self
                .jwt_private_key
                .as_ref()
                .map(|k| pem(&k.0))
                .transpose()?,
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
        })
        .map_err(|e| ConfigError::Env {
            var: "jwt_*".into(),
            message: e.to_string(),
        })
    }

    /// The limits a document's text is checked against before parsing.
    pub fn document_limits(&self) -> limits::Limits {
        limits::Limits {
            max_bytes: self.max_document_bytes,
            max_nesting: self.max_nesting,
            max_tokens: self.max_tokens,
            max_fields: self.max_fields,
            max_aliases: self.max_aliases,
            max_directives: self.max_directives,
            max_root_fields: self.max_root_fields,
            max_list_items: self.max_list_items,
        }
    }

    /// Without a configured HS256 secret, uses the one kept in
    /// `coachql.secret` next to the data (the SQLite file's folder, else
    /// the working directory), generating a random one on first start.
    /// `serve` and `token` both call this, so they agree on the key.
    pub fn resolve_secret(&mut self) -> Result<(), ConfigError> {
        if self.jwt_secret.is_some() || !self.jwt_algorithm.eq_ignore_ascii_case("HS256") {
            return Ok(());
        }
        let path = self.data_dir().join(SECRET_FILE);
        let read = |path: &Path| -> Result<Option<String>, ConfigError> {
            match std::fs::read_to_string(path) {
                Ok(s) => Ok(Some(s.trim().to_owned())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                }),
            }
        };
        let secret = match read(&path)? {
            Some(s) if s.len() >= 32 => s,
            Some(_) => {
                return Err(ConfigError::Env {
                    var: path.display().to_string(),
                    message: "the stored secret is shorter than 32 characters".into(),
                });
            }
            None => {
                let fresh = format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                );
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                match opts.open(&path) {
                    Ok(mut f) => {
                        use std::io::Write;
                        f.write_all(fresh.as_bytes())
                            .map_err(|source| ConfigError::Read {
                                path: path.display().to_string(),
                                source,
                            })?;
                        tracing::info!(path = %path.display(), "generated a token secret");
                        fresh
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        read(&path)?.unwrap_or_default()
                    }
                    Err(source) => {
                        return Err(ConfigError::Read {
                            path: path.display().to_string(),
                            source,
                        });
                    }
                }
            }
        };
        self.jwt_secret = Some(Secret(secret));
        self.secret_generated = true;
        Ok(())
    }

    /// Where the data lives: the SQLite file's folder, else the working
    /// directory.
    fn data_dir(&self) -> std::path::PathBuf {
        let sqlite_file = match &self.database_url {
            None => Some(crate::db::DEFAULT_SQLITE_FILE.to_owned()),
            Some(url) => url
                .0
                .strip_prefix("sqlite://")
                .or_else(|| url.0.strip_prefix("sqlite:"))
                .map(|rest| rest.split('?').next().unwrap_or_default().to_owned()),
        };
        sqlite_file
            .and_then(|f| {
                Path::new(&f)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf)
            })
            .unwrap_or_else(|| ".".into())
    }

    /// Loads defaults, then `file` (or `coachql.toml` in the working directory
    /// if present), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let default_file = Path::new("coachql.toml");
        let file = file.or(default_file.exists().then_some(default_file));
        let mut cfg = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.display().to_string(),
                    source,
                })?
            }
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok())?;
        Ok(cfg)
    }

    /// Overlays `COACHQL_*` variables (and `DATABASE_URL`) read through `get`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(var: &str, v: String) -> Result<T, ConfigError>
        where
            T::Err: fmt::Display,
        {
            v.parse().map_err(|e: T::Err| ConfigError::Env {
                var: var.to_owned(),
                message: e.to_string(),
            })
        }
        if let Some(v) = get("DATABASE_URL").or_else(|| get("COACHQL_DATABASE_URL")) {
            self.database_url = Some(Secret(v));
        }
        if let Some(v) = get("COACHQL_JWT_SECRET") {
            self.jwt_secret = Some(Secret(v));
        }
        if let Some(v) = get("COACHQL_CORS_ORIGINS") {
            self.cors_origins = v
                .split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect();
        }
        if let Some(v) = get("COACHQL_TRUSTED_DOCUMENTS") {
            self.trusted_documents = (!v.is_empty()).then(|| v.into());
        }
        if let Some(v) = get("COACHQL_METRICS_BIND") {
            self.metrics_bind = if v.is_empty() {
                None
            } else {
                Some(parse("COACHQL_METRICS_BIND", v)?)
            };
        }
        if let Some(v) = get("COACHQL_JWT_PRIVATE_KEY") {
            self.jwt_private_key = Some(Secret(v));
        }
        for (var, field) in [
            ("COACHQL_JWT_PUBLIC_KEY", &mut self.jwt_public_key),
            ("COACHQL_JWT_ISSUER", &mut self.jwt_issuer),
            ("COACHQL_JWT_AUDIENCE", &mut self.jwt_audience),
        ] {
            if let Some(v) = get(var) {
                *field = Some(v);
            }
        }
        macro_rules! env_field {
            ($($var:literal => $field:ident),* $(,)?) => {
                $(if let Some(v) = get($var) { self.$field = parse($var, v)?; })*
            };
        }
        env_field! {
            "COACHQL_BIND" => bind,
            "COACHQL_JWT_ALGORITHM" => jwt_algorithm,
            "COACHQL_DB_MAX_CONNECTIONS" => db_max_connections,
            "COACHQL_DB_ROLE" => db_role,
            "COACHQL_TOKEN_TTL_SECS" => token_ttl_secs,
            "COACHQL_MAX_DEPTH" => max_depth,
            "COACHQL_MAX_COMPLEXITY" => max_complexity,
            "COACHQL_DEFAULT_PAGE_SIZE" => default_page_size,
            "COACHQL_MAX_PAGE_SIZE" => max_page_size,
            "COACHQL_COMPILED_READS" => compiled_reads,
            "COACHQL_REQUEST_TIMEOUT_SECS" => request_timeout_secs,
            "COACHQL_DB_ACQUIRE_TIMEOUT_MS" => db_acquire_timeout_ms,
            "COACHQL_DB_BUSY_TIMEOUT_MS" => db_busy_timeout_ms,
            "COACHQL_MAX_BODY_BYTES" => max_body_bytes,
            "COACHQL_MAX_BATCH" => max_batch,
            "COACHQL_MAX_DOCUMENT_BYTES" => max_document_bytes,
            "COACHQL_MAX_NESTING" => max_nesting,
            "COACHQL_MAX_TOKENS" => max_tokens,
            "COACHQL_MAX_FIELDS" => max_fields,
            "COACHQL_MAX_ALIASES" => max_aliases,
            "COACHQL_MAX_DIRECTIVES" => max_directives,
            "COACHQL_MAX_ROOT_FIELDS" => max_root_fields,
            "COACHQL_MAX_LIST_ITEMS" => max_list_items,
            "COACHQL_MAX_TEXT_CHARS" => max_text_chars,
            "COACHQL_HEADER_READ_TIMEOUT_SECS" => header_read_timeout_secs,
            "COACHQL_IDLE_TIMEOUT_SECS" => idle_timeout_secs,
            "COACHQL_MAX_CONNECTIONS" => max_connections,
            "COACHQL_MAX_CONNECTIONS_PER_IP" => max_connections_per_ip,
            "COACHQL_SHUTDOWN_TIMEOUT_SECS" => shutdown_timeout_secs,
            "COACHQL_HASH_CONCURRENCY" => hash_concurrency,
            "COACHQL_HASH_WAIT_MS" => hash_wait_ms,
            "COACHQL_LOGIN_FREE_FAILURES" => login_free_failures,
            "COACHQL_LOGIN_FREE_FAILURES_PER_IP" => login_free_failures_per_ip,
            "COACHQL_LOGIN_BACKOFF_MS" => login_backoff_ms,
            "COACHQL_LOGIN_BACKOFF_MAX_SECS" => login_backoff_max_secs,
            "COACHQL_BUDGET_PER_IP_PER_MINUTE" => budget_per_ip_per_minute,
            "COACHQL_BUDGET_PER_TENANT_PER_MINUTE" => budget_per_tenant_per_minute,
            "COACHQL_LOG_FORMAT" => log_format,
            "COACHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION" => max_subscriptions_per_connection,
            "COACHQL_MAX_CONNECTIONS_PER_USER" => max_connections_per_user,
            "COACHQL_SUBSCRIPTION_KEEPALIVE_SECS" => subscription_keepalive_secs,
            "COACHQL_SUBSCRIPTION_INIT_TIMEOUT_SECS" => subscription_init_timeout_secs,
            "COACHQL_SUBSCRIPTION_RECHECK_SECS" => subscription_recheck_secs,
            "COACHQL_SUBSCRIPTION_SEND_TIMEOUT_SECS" => subscription_send_timeout_secs,
            "COACHQL_SUBSCRIPTION_QUEUE" => subscription_queue,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_defaults() {
        let mut cfg: Config = toml::from_str("max_depth = 5\nmax_page_size = 50").unwrap();
        assert_eq!(cfg.max_depth, 5);
        assert_eq!(cfg.max_complexity, Config::default().max_complexity);
        cfg.apply_env(|k| match k {
            "COACHQL_MAX_DEPTH" => Some("7".into()),
            "DATABASE_URL" => Some("postgres://u:pw@h/db".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(cfg.max_depth, 7);
        assert_eq!(cfg.max_page_size, 50);
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("pw@"), "{dbg}");
        cfg.jwt_secret = Some(Secret("a-very-secret-signing-key".into()));
        assert!(!format!("{cfg:?}").contains("a-very-secret"));
    }

    #[test]
    fn bad_env_value_is_an_error() {
        let mut cfg = Config::default();
        let err = cfg
            .apply_env(|k| (k == "COACHQL_MAX_DEPTH").then(|| "deep".into()))
            .unwrap_err();
        assert!(err.to_string().contains("COACHQL_MAX_DEPTH"));
    }

    #[test]
    fn a_generated_secret_is_kept_next_to_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config {
            database_url: Some(Secret(format!(
                "sqlite://{}/x.db?mode=rwc",
                dir.path().display()
            ))),
            ..Config::default()
        };
        cfg.resolve_secret().unwrap();
        assert!(cfg.secret_generated);
        let first = cfg.jwt_secret.clone().unwrap();
        assert!(first.0.len() >= 32);
        assert!(dir.path().join(SECRET_FILE).exists());
        let mut again = Config {
            database_url: cfg.database_url.clone(),
            ..Config::default()
        };
        again.resolve_secret().unwrap();
        assert_eq!(again.jwt_secret, Some(first), "the token command agrees");
    }

    #[test]
    fn unknown_file_keys_are_rejected() {
        assert!(toml::from_str::<Config>("max_dept = 5").is_err());
    }
}
