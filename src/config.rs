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
    /// HS256 key for the tokens this server signs and accepts.
    pub jwt_secret: Secret,
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
            jwt_secret: Secret(DEV_JWT_SECRET.to_owned()),
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
        macro_rules! env_field {
            ($($var:literal => $field:ident),* $(,)?) => {
                $(if let Some(v) = get($var) { self.$field = parse($var, v)?; })*
            };
        }
        env_field! {
            "COACHQL_BIND" => bind,
            "COACHQL_DB_MAX_CONNECTIONS" => db_max_connections,
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
