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

/// The development signing key, used only when none is configured; `serve`
/// warns when it is in use.
pub const DEV_JWT_SECRET: &str = "coachql-development-secret-do-not-use-in-production";

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address `serve` listens on.
    pub bind: SocketAddr,
    /// `sqlite://…` or `postgres://…`; `None` means the embedded `coachql.db`.
    pub database_url: Option<Secret>,
    /// Pool size.
    pub db_max_connections: u32,
    /// PostgreSQL role tenant requests switch to, subject to row-level
    /// security (created by the migrations); empty when the pool already
    /// logs in as a role without `BYPASSRLS` that does not own the tables.
    pub db_role: String,
    /// `HS256` (default), `RS256` or `ES256`: the only algorithm accepted.
    pub jwt_algorithm: String,
    /// HS256 key for the tokens this server signs and accepts.
    pub jwt_secret: Secret,
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
    /// Seconds a request may run before it is cancelled.
    pub request_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            database_url: None,
            db_max_connections: 16,
            db_role: "coachql_app".to_owned(),
            jwt_algorithm: "HS256".to_owned(),
            jwt_secret: Secret(DEV_JWT_SECRET.to_owned()),
            jwt_public_key: None,
            jwt_private_key: None,
            jwt_issuer: None,
            jwt_audience: None,
            token_ttl_secs: 24 * 3600,
            max_depth: 12,
            max_complexity: 2000,
            default_page_size: 20,
            max_page_size: 100,
            request_timeout_secs: 30,
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
            secret: self.jwt_secret.0.clone(),
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
            self.jwt_secret = Secret(v);
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
            "COACHQL_REQUEST_TIMEOUT_SECS" => request_timeout_secs,
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
        assert!(!dbg.contains(DEV_JWT_SECRET), "{dbg}");
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
    fn unknown_file_keys_are_rejected() {
        assert!(toml::from_str::<Config>("max_dept = 5").is_err());
    }
}
