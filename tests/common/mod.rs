//! Test harness: a real server on port 0 over a fresh database per test
//! (SQLite in a temp dir by default; PostgreSQL when `TEST_DATABASE_URL`
//! names a server, one new database per test), migrated and seeded.

#![allow(dead_code)]

use coachql::config::Config;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub mod ws;

pub struct TestServer {
    pub url: String,
    /// The metrics listener (off in production unless configured).
    pub metrics_url: String,
    pub db: DatabaseConnection,
    pub config: Config,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

/// A fresh, empty database: `(url, postgres admin url + db name to drop)`.
pub async fn fresh_database(dir: &tempfile::TempDir) -> (String, Option<(String, String)>) {
    fresh_database_on(dir, test_server(), "").await.unwrap()
}

/// The PostgreSQL server the tests run against, if any.
pub fn test_server() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// [`fresh_database`], with `options` appended to PostgreSQL's
/// `CREATE DATABASE` (e.g. a collation); `None` when the server refuses
/// them. SQLite ignores them.
pub async fn fresh_database_with(
    dir: &tempfile::TempDir,
    options: &str,
) -> Option<(String, Option<(String, String)>)> {
    fresh_database_on(dir, test_server(), options).await
}

/// A fresh database on the PostgreSQL server at `base` (SQLite without).
pub async fn fresh_database_on(
    dir: &tempfile::TempDir,
    base: Option<String>,
    options: &str,
) -> Option<(String, Option<(String, String)>)> {
    Some(match base {
        Some(base) => {
            let base = base.trim_end_matches('/').to_owned();
            let name = format!("coachql_t_{}", uuid::Uuid::new_v4().simple());
            let admin = coachql::db::connect(&format!("{base}/postgres"), 1)
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\" {options}"))
                .await
                .ok()?;
            (format!("{base}/{name}"), Some((base, name)))
        }
        _ => (format!("sqlite://{}/test.db", dir.path().display()), None),
    })
}

/// Drops a database made by [`fresh_database`] (PostgreSQL only).
pub async fn drop_database(pg: Option<(String, String)>) {
    if let Some((base, name)) = pg {
        let admin = coachql::db::connect(&format!("{base}/postgres"), 1)
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
    }
}

impl TestServer {
    /// Migrated and seeded with the demo data.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::start_in("", tweak).await.unwrap()
    }

    /// On a database created with `options` (see [`fresh_database_with`]);
    /// `None` when the PostgreSQL server refuses them.
    pub async fn start_in(options: &str, tweak: impl FnOnce(&mut Config)) -> Option<Self> {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                std::env::var("TEST_LOG").unwrap_or_else(|_| "coachql=warn,resolver=warn".into()),
            )
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = fresh_database_with(&dir, options).await?;
        let mut config = Config::default();
        config.database_url = Some(coachql::config::Secret(url.clone()));
        config.db_max_connections = 4;
        config.jwt_secret = Some(coachql::config::Secret(format!(
            "test-{}",
            uuid::Uuid::new_v4().simple()
        )));
        tweak(&mut config);
        let db = coachql::db::connect_with(&url, coachql::pool_options(&config))
            .await
            .unwrap();
        coachql::db::migrate(&db).await.unwrap();
        coachql::seed::load(&db).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics_url = format!("http://{}", metrics.local_addr().unwrap());
        tokio::spawn(coachql::metrics::serve(metrics, db.clone()));
        let (tx, rx) = oneshot::channel();
        let (cfg, conn) = (config.clone(), db.clone());
        tokio::spawn(async move {
            coachql::serve(cfg, conn, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Some(Self {
            url: format!("http://{addr}"),
            metrics_url,
            db,
            config,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            _dir: dir,
            pg,
        })
    }

    /// Whether this server runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    pub async fn token(&self, tenant: &str, email: &str) -> String {
        coachql::issue_token(&self.config, &self.db, tenant, email)
            .await
            .unwrap()
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn post(&self) -> reqwest::RequestBuilder {
        self.client.post(format!("{}/graphql", self.url))
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.url))
    }

    /// POSTs `query` with `variables` as `auth` (a token, or `tenant:SLUG`
    /// for an anonymous request naming its tenant) and returns the body.
    pub async fn gql(&self, auth: &str, query: &str, variables: Value) -> Value {
        let mut req = self
            .post()
            .json(&json!({"query": query, "variables": variables}));
        if let Some(tenant) = auth.strip_prefix("tenant:") {
            req = req.header("x-tenant", tenant);
        } else if !auth.is_empty() {
            req = req.bearer_auth(auth);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 200);
        resp.json().await.unwrap()
    }

    /// Like `gql`, asserting there are no errors, returning `data`.
    pub async fn data(&self, auth: &str, query: &str, variables: Value) -> Value {
        let body = self.gql(auth, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// The metrics listener's text.
    pub async fn metrics(&self) -> String {
        self.client
            .get(format!("{}/metrics", self.metrics_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// How long an anonymous read of the demo tenant takes; it must succeed.
    pub async fn public_read(&self) -> std::time::Duration {
        let started = std::time::Instant::now();
        let data = self
            .data(
                "tenant:insideout",
                "{ courses(first: 1) { totalCount } }",
                json!({}),
            )
            .await;
        assert!(data["courses"]["totalCount"].as_i64().unwrap() > 0);
        started.elapsed()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.db.clone().close().await.ok();
        drop_database(self.pg.take()).await;
    }
}

/// A test that panics before [`TestServer::stop`] still stops its server and
/// drops its PostgreSQL database (on a thread of its own: the test's runtime
/// may be the one unwinding).
impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(pg) = self.pg.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(drop_database(Some(pg)));
                }
            })
            .join();
        }
    }
}

/// A second server over the database of a [`TestServer`] (same data, same
/// token secret), with its configuration tweaked; stopped when dropped.
pub struct Twin {
    pub url: String,
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestServer {
    /// Starts a [`Twin`] of this server: its configuration with `tweak`
    /// applied, on the same database connection pool.
    pub async fn twin(&self, tweak: impl FnOnce(&mut Config)) -> Twin {
        self.twin_over(self.db.clone(), tweak).await
    }

    /// [`TestServer::twin`] on another pool (say, one reaching the same
    /// database through a proxy).
    pub async fn twin_over(&self, db: DatabaseConnection, tweak: impl FnOnce(&mut Config)) -> Twin {
        let mut config = self.config.clone();
        tweak(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel();
        let cfg = config.clone();
        tokio::spawn(async move {
            coachql::serve(cfg, db, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Twin {
            url,
            config,
            shutdown: Some(tx),
        }
    }
}

impl Drop for Twin {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The error code of the first error of a response body.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

/// The real `coachql` binary in a process of its own, over a fresh seeded
/// database: for what only a process shows (its memory, its signals, its
/// survival).
pub struct ServerProcess {
    child: std::process::Child,
    pub url: String,
    dir: tempfile::TempDir,
    pg: Option<(String, String)>,
    /// The database it serves.
    db_url: String,
    env: Vec<(String, String)>,
}

impl ServerProcess {
    pub const SECRET: &'static str = "process-test-secret-0123456789abcdef";

    pub async fn start(env: &[(&str, &str)]) -> Self {
        Self::start_on(test_server(), env).await
    }

    /// On the PostgreSQL server at `base` (SQLite without).
    pub async fn start_on(base: Option<String>, env: &[(&str, &str)]) -> Self {
        Self::start_full(base, env, None).await
    }

    /// With at most `nofile` open file descriptors (soft and hard limit).
    pub async fn start_with_fd_limit(env: &[(&str, &str)], nofile: u64) -> Self {
        Self::start_full(test_server(), env, Some(nofile)).await
    }

    async fn start_full(base: Option<String>, env: &[(&str, &str)], nofile: Option<u64>) -> Self {
        let bin = env!("CARGO_BIN_EXE_coachql");
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = fresh_database_on(&dir, base, "").await.unwrap();
        let seeded = std::process::Command::new(bin)
            .arg("seed")
            .current_dir(dir.path())
            .env("DATABASE_URL", &url)
            .env("COACHQL_JWT_SECRET", Self::SECRET)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(seeded.status.success(), "{seeded:?}");
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::spawn(dir, url, pg, env, nofile).await
    }

    /// A second process serving the same database (it leaves the database
    /// to this one to drop).
    pub async fn sibling(&self) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::spawn(dir, self.db_url.clone(), None, self.env.clone(), None).await
    }

    async fn spawn(
        dir: tempfile::TempDir,
        url: String,
        pg: Option<(String, String)>,
        env: Vec<(String, String)>,
        nofile: Option<u64>,
    ) -> Self {
        let bin = env!("CARGO_BIN_EXE_coachql");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let mut cmd = std::process::Command::new(bin);
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .current_dir(dir.path())
            .env("DATABASE_URL", &url)
            .env("COACHQL_JWT_SECRET", Self::SECRET)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(log);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        if let Some(n) = nofile {
            use std::os::unix::process::CommandExt;
            // SAFETY: setrlimit is async-signal-safe and touches only the
            // child's own limits, between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    let lim = libc::rlimit {
                        rlim_cur: n,
                        rlim_max: n,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        let child = cmd.spawn().unwrap();
        let p = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
            pg,
            db_url: url,
            env,
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{}/health", p.url)).send().await
                && r.status().is_success()
            {
                return p;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server did not start: {}", p.log());
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// A token for a demo user, from `login` (password `coachql-demo`).
    pub async fn login(&self, tenant: &str, email: &str) -> String {
        let q = format!(
            "mutation {{ login(tenant: \"{tenant}\", email: \"{email}\", password: \"coachql-demo\") {{ token }} }}"
        );
        let body = self.gql("", &q, json!({})).await;
        body["data"]["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {body}"))
            .to_owned()
    }

    /// POSTs `query` as `token` (none if empty); the JSON body.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let mut req = reqwest::Client::new()
            .post(format!("{}/graphql", self.url))
            .json(&json!({"query": query, "variables": variables}));
        if !token.is_empty() {
            req = req.bearer_auth(token);
        }
        req.send().await.unwrap().json().await.unwrap()
    }

    /// POSTs `body` (anonymous, or naming `tenant`); status and JSON body.
    pub async fn post(
        &self,
        client: &reqwest::Client,
        body: Value,
        tenant: Option<&str>,
    ) -> (u16, Value) {
        let mut req = client.post(format!("{}/graphql", self.url)).json(&body);
        if let Some(t) = tenant {
            req = req.header("x-tenant", t);
        }
        match req.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.json().await.unwrap_or(Value::Null))
            }
            Err(e) => panic!("request failed: {e}\n{}", self.log()),
        }
    }

    /// Sends SIGTERM and waits up to `wait` for the exit; its status, or
    /// `None` if it was still running (then it is killed).
    pub async fn terminate(
        mut self,
        wait: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = std::time::Instant::now() + wait;
        let status = loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                break Some(s);
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        drop_database(self.pg.take()).await;
        status
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The row uuid inside a global id.
pub fn uuid_of(global: &Value) -> uuid::Uuid {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global.as_str().unwrap())
        .unwrap();
    let text = String::from_utf8(raw).unwrap();
    text.split_once(':').unwrap().1.parse().unwrap()
}
