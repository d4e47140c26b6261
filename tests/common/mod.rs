//! Test harness: a real server on port 0 over a fresh database per test
//! (SQLite in a temp dir by default; PostgreSQL when `TEST_DATABASE_URL`
//! names a server, one new database per test), migrated and seeded.

#![allow(dead_code)]

use coachql::config::Config;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub struct TestServer {
    pub url: String,
    pub db: DatabaseConnection,
    pub config: Config,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

/// A fresh, empty database: `(url, postgres admin url + db name to drop)`.
pub async fn fresh_database(dir: &tempfile::TempDir) -> (String, Option<(String, String)>) {
    fresh_database_with(dir, "").await.unwrap()
}

/// [`fresh_database`], with `options` appended to PostgreSQL's
/// `CREATE DATABASE` (e.g. a collation); `None` when the server refuses
/// them. SQLite ignores them.
pub async fn fresh_database_with(
    dir: &tempfile::TempDir,
    options: &str,
) -> Option<(String, Option<(String, String)>)> {
    Some(match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
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
        tweak(&mut config);
        let db = coachql::db::connect(&url, config.db_max_connections)
            .await
            .unwrap();
        coachql::db::migrate(&db).await.unwrap();
        coachql::seed::load(&db).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
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

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.db.clone().close().await.ok();
        drop_database(self.pg.take()).await;
    }
}

/// The error code of the first error of a response body.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}
