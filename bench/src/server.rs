//! The real server: `target/release/coachql serve` on a free loopback port,
//! its `/metrics` counters and its memory from `/proc/<pid>/status`.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

pub const JWT_SECRET: &str = "coachql-bench-secret-not-for-production";

fn workspace() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Fails unless the server binary exists and is newer than every `.rs`
/// file of the server's sources (`src/`, `crates/`, `migration/`).
///
/// The bench does not run cargo itself: a `cargo build` nested in `cargo
/// run` inherits cargo's environment and rebuilt half the dependency tree.
pub fn check_fresh(bin: &std::path::Path) -> anyhow::Result<()> {
    const HINT: &str = "run `cargo build --release -p coachql -p coachql-bench` first";
    let built = std::fs::metadata(bin)
        .and_then(|m| m.modified())
        .with_context(|| format!("no server binary at {}: {HINT}", bin.display()))?;
    fn newest(dir: &std::path::Path, acc: &mut Option<std::time::SystemTime>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                newest(&path, acc);
            } else if path.extension().is_some_and(|x| x == "rs")
                && let Ok(t) = e.metadata().and_then(|m| m.modified())
            {
                *acc = Some(acc.map_or(t, |a| a.max(t)));
            }
        }
    }
    let mut src = None;
    for dir in ["src", "crates", "migration"] {
        newest(&workspace().join(dir), &mut src);
    }
    if src.is_some_and(|s| s > built) {
        bail!("{} is older than the sources: {HINT}", bin.display());
    }
    Ok(())
}

pub struct Server {
    child: Child,
    pub base: String,
    /// The metrics listener (`COACHQL_METRICS_BIND`).
    metrics: String,
}

/// Peak and current resident memory of the server, in KiB.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Memory {
    pub peak_kib: u64,
    pub rss_kib: u64,
}

/// The request and statement counters of `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    pub requests: u64,
    pub statements: u64,
}

impl Server {
    /// The default binary: `target/release/coachql`.
    pub fn release_bin() -> PathBuf {
        workspace().join("target/release/coachql")
    }

    /// `env`: extra environment variables (server settings) for this run.
    pub async fn start(
        bin: &std::path::Path,
        db_url: &str,
        pool: u32,
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let free_port = || -> anyhow::Result<u16> {
            Ok(std::net::TcpListener::bind("127.0.0.1:0")?
                .local_addr()?
                .port())
        };
        let (port, metrics_port) = (free_port()?, free_port()?);
        let child = Command::new(bin)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .current_dir(workspace().join("target"))
            .env("DATABASE_URL", db_url)
            .env("COACHQL_JWT_SECRET", JWT_SECRET)
            .env("COACHQL_DB_MAX_CONNECTIONS", pool.to_string())
            .env("COACHQL_METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
            // One client address drives the whole load: the per-address and
            // per-tenant budgets would throttle the measurement itself.
            .env("COACHQL_BUDGET_PER_IP_PER_MINUTE", "0")
            .env("COACHQL_BUDGET_PER_TENANT_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            metrics: format!("http://127.0.0.1:{metrics_port}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = client.get(format!("{}/health", server.base)).send().await
                && r.status().is_success()
            {
                return Ok(server);
            }
            if Instant::now() > deadline {
                bail!("the server did not answer /health within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn memory(&self) -> Memory {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            peak_kib: field("VmHWM:"),
            rss_kib: field("VmRSS:"),
        }
    }

    pub async fn counters(&self, client: &reqwest::Client) -> anyhow::Result<Counters> {
        let text = client
            .get(format!("{}/metrics", self.metrics))
            .send()
            .await?
            .text()
            .await?;
        let value = |name: &str| -> u64 {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
                .unwrap_or(0)
        };
        Ok(Counters {
            requests: value("coachql_graphql_requests_total "),
            statements: value("coachql_sql_statements_total "),
        })
    }

    /// SIGTERM (graceful drain), then a kill after 10 s.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
