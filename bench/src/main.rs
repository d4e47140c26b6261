//! `coachql-bench`: generates a dataset, starts the real server, drives each
//! operation over HTTP at fixed concurrency, runs each read's SQL floor at
//! the same concurrency, and reports (see docs/BENCHMARKS.md).

mod dataset;
mod driver;
mod ops;
mod report;
mod server;
mod subscriptions;

use std::{sync::Arc, time::Duration};

use anyhow::{Context, bail};
use clap::Parser;

use dataset::Backend;

#[derive(Parser)]
#[command(
    name = "coachql-bench",
    about = "Benchmark coachql against a generated dataset"
)]
struct Cli {
    /// Dataset size as a multiple of the demo data (1, 10, 100, 1000, …).
    #[arg(long)]
    scale: Option<u32>,
    #[arg(long, value_enum, default_value = "postgres")]
    backend: Backend,
    /// Measured time per operation (e.g. 10s, 500ms, 1m).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Warm-up per operation, not measured.
    #[arg(long, value_parser = parse_duration)]
    warmup: Option<Duration>,
    /// Concurrent workers (each with its own connection).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Operations to run, comma-separated (default: all implemented but
    /// `subscriptions`, which runs only when named).
    #[arg(long, value_delimiter = ',')]
    ops: Vec<String>,
    /// `subscriptions`: WebSocket subscribers to open (its writers are
    /// `--concurrency`, at most one per watched workshop).
    #[arg(long, default_value_t = 1000)]
    subscribers: usize,
    /// `subscriptions`: writes per second over all writers, paced (0: as
    /// fast as each writer's responses come, a closed loop).
    #[arg(long, default_value_t = 0.0)]
    write_rate: f64,
    /// PostgreSQL server URL (the dataset is database coachql_bench_<scale>).
    #[arg(
        long,
        env = "BENCH_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    url: String,
    /// Smoke test: scale 2 (at most 10), 2 s per operation.
    #[arg(long)]
    quick: bool,
    /// Regenerate the dataset even if a matching one exists.
    #[arg(long)]
    regen: bool,
    /// How many users (learners across tenants) the workers act as.
    #[arg(long, default_value_t = 256)]
    users: usize,
    /// Server pool size (default: the concurrency, like the floor's pool).
    #[arg(long)]
    server_pool: Option<u32>,
    /// The floor's pool size (default: the concurrency). Give it the server
    /// pool's size to compare the two at the same number of database
    /// connections.
    #[arg(long)]
    floor_pool: Option<u32>,
    /// PostgreSQL: also run each floor statement inside the database work
    /// the gateway does around its own statement for a request (`BEGIN`,
    /// the authentication statement with the request's settings and
    /// row-security role, `ROLLBACK`), in the same run as the plain floor.
    /// The enveloped floor is what a gateway that cost nothing itself
    /// would reach; gateway/envelope shows the gateway's own cost alone.
    /// Ignored on SQLite, where a request has no such envelope.
    #[arg(long)]
    floor_envelope: bool,
    /// Skip the floor runs.
    #[arg(long)]
    no_floor: bool,
    /// Skip the check that target/release/coachql is newer than the sources.
    #[arg(long)]
    no_build_check: bool,
    /// Server binary to run instead of target/release/coachql (not checked).
    #[arg(long)]
    server_bin: Option<std::path::PathBuf>,
    /// Only generate (or check) the dataset.
    #[arg(long)]
    generate_only: bool,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
    /// Instead of measuring: write the first `--sample-requests` requests of
    /// one worker per read op (variables, gateway response, floor JSON) to
    /// this file, a JSON array, to compare the gateway with the floor.
    #[arg(long)]
    sample: Option<std::path::PathBuf>,
    /// Requests per op written by `--sample` (the worker cycles through
    /// the users who can run the op).
    #[arg(long, default_value_t = 1)]
    sample_requests: u64,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len()));
    let n: f64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        _ => return Err(format!("bad duration unit in {s:?} (use ms, s or m)")),
    };
    Ok(Duration::from_secs_f64(secs))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let scale = match (cli.quick, cli.scale) {
        (true, s) => s.unwrap_or(2).clamp(1, 10),
        (false, s) => s.unwrap_or(10).max(1),
    };
    let duration = cli
        .duration
        .unwrap_or(Duration::from_secs(if cli.quick { 2 } else { 10 }));
    let warmup = cli
        .warmup
        .unwrap_or(Duration::from_millis(if cli.quick { 500 } else { 2000 }));
    let want_subscriptions = cli.ops.iter().any(|o| o == "subscriptions");
    let ops: Vec<&'static ops::Op> = if cli.ops.is_empty() {
        ops::OPS.iter().collect()
    } else {
        cli.ops
            .iter()
            .filter(|name| *name != "subscriptions")
            .map(|name| {
                ops::OPS.iter().find(|o| o.name == name).with_context(|| {
                    let known: Vec<_> = ops::OPS.iter().map(|o| o.name).collect();
                    format!(
                        "unknown op {name:?}; implemented: {}, subscriptions",
                        known.join(", ")
                    )
                })
            })
            .collect::<anyhow::Result<_>>()?
    };
    if want_subscriptions {
        subscriptions::raise_fd_limit();
    }
    if !cli.no_build_check && !cli.generate_only && cli.server_bin.is_none() {
        server::check_fresh(&server::Server::release_bin())?;
    }

    let shape = dataset::Shape::of(scale);
    eprintln!(
        "dataset: scale {scale} on {:?}: {} demo copies ({} tenants), {} growth units per tenant",
        cli.backend,
        shape.copies,
        2 + 2 * shape.copies,
        shape.units_per_tenant
    );
    let (db, ds) = dataset::prepare(cli.backend, &cli.url, scale, cli.regen).await?;
    let db_url = dataset::url_for(cli.backend, &cli.url, scale);
    let learners: usize = ds.tenants.iter().map(|t| t.learners.len()).sum();
    let courses: usize = ds.tenants.iter().map(|t| t.courses.len()).sum();
    eprintln!(
        "dataset: {} tenants, {learners} learners, {courses} published courses, {} generated rows",
        ds.tenants.len(),
        ds.rows
    );
    if cli.generate_only {
        return Ok(());
    }

    // Users: learners dealt round robin across tenants, each with a token.
    let config = coachql::config::Config {
        jwt_secret: Some(coachql::config::Secret(server::JWT_SECRET.into())),
        ..Default::default()
    };
    let mut users = Vec::new();
    let mut round = 0;
    while users.len() < cli.users {
        let before = users.len();
        for (t, tenant) in ds.tenants.iter().enumerate() {
            if users.len() >= cli.users {
                break;
            }
            if let Some(l) = tenant.learners.get(round) {
                // Demo learners with expired memberships get no token: skipped.
                let tid = tenant.id.to_string();
                if let Ok(token) = coachql::issue_token(&config, &db, &tid, &l.email).await {
                    users.push(driver::User {
                        tenant: t,
                        learner: round,
                        token,
                    });
                }
            }
        }
        if users.len() == before {
            break;
        }
        round += 1;
    }
    let subs = if want_subscriptions && cli.sample.is_none() {
        let setup =
            subscriptions::prepare(&db, &ds, &config, cli.subscribers, cli.concurrency).await?;
        eprintln!("subscriptions: {}", setup.describe());
        Some(setup)
    } else {
        None
    };
    db.close().await?;
    if users.is_empty() {
        bail!("the dataset has no learners");
    }
    let ds = Arc::new(ds);
    let users = Arc::new(users);

    let pool = cli.server_pool.unwrap_or(cli.concurrency as u32);
    let floor_pool = cli.floor_pool.unwrap_or(cli.concurrency as u32);
    let bin = match &cli.server_bin {
        Some(p) => std::fs::canonicalize(p).with_context(|| p.display().to_string())?,
        None => server::Server::release_bin(),
    };
    let mut env = Vec::new();
    if let Some(setup) = &subs
        && setup.max_per_user > subscriptions::DEFAULT_PER_USER
    {
        env.push((
            "COACHQL_MAX_CONNECTIONS_PER_USER",
            setup.max_per_user.to_string(),
        ));
    }
    let srv = server::Server::start(&bin, &db_url, pool, &env).await?;
    eprintln!("server pid {} at {}", srv.pid(), srv.base);
    if let Some(path) = &cli.sample {
        let result = async {
            let mut samples = Vec::new();
            for &op in ops.iter().filter(|op| !op.write) {
                let plan = driver::Plan::new(ds.clone(), users.clone(), op, 1);
                if !plan.eligible() {
                    continue;
                }
                for i in 0..cli.sample_requests {
                    samples.push(driver::sample(&plan, i, &srv.base, cli.backend, &db_url).await?);
                }
            }
            std::fs::write(path, serde_json::to_string_pretty(&samples)?)?;
            eprintln!("{} samples written to {}", samples.len(), path.display());
            anyhow::Ok(())
        }
        .await;
        srv.stop();
        return result;
    }
    let client = reqwest::Client::new();
    let mut rows = Vec::new();
    let mut sub_row = None;
    let result = async {
        for &op in &ops {
            let plan = Arc::new(driver::Plan::new(
                ds.clone(),
                users.clone(),
                op,
                cli.concurrency,
            ));
            if !plan.eligible() {
                bail!(
                    "op {}: fewer users who can run it than workers (a write needs one user per \
                     worker): raise --scale or --users, or lower --concurrency",
                    op.name
                );
            }
            eprintln!(
                "{}: gateway, {} workers, {:?} + {:?} warm-up",
                op.name, cli.concurrency, duration, warmup
            );
            // Counters around the measured part only: the warm-up is a
            // separate run, so the deltas cover exactly the timed requests.
            driver::gateway(
                plan.clone(),
                &srv.base,
                cli.concurrency,
                warmup,
                Duration::ZERO,
            )
            .await?;
            let before = srv.counters(&client).await?;
            let gw = driver::gateway(
                plan.clone(),
                &srv.base,
                cli.concurrency,
                Duration::ZERO,
                duration,
            )
            .await?;
            let after = srv.counters(&client).await?;
            let floors = if cli.no_floor || op.write {
                Vec::new()
            } else {
                let envelope = cli.floor_envelope && cli.backend == Backend::Postgres;
                let mut floors = Vec::new();
                for enveloped in [false, true].into_iter().filter(|e| !e || envelope) {
                    let what = if enveloped {
                        "floor in the envelope"
                    } else {
                        "floor"
                    };
                    eprintln!("{}: {what}", op.name);
                    floors.push(
                        driver::floor(
                            plan.clone(),
                            cli.backend,
                            &db_url,
                            cli.concurrency,
                            floor_pool,
                            enveloped,
                            warmup,
                            duration,
                        )
                        .await?,
                    );
                }
                floors
            };
            let (floor, envelope) = match floors.as_slice() {
                [plain, enveloped] => (plain.as_ref(), enveloped.as_ref()),
                [plain] => (plain.as_ref(), None),
                _ => (None, None),
            };
            rows.push(report::Row::new(
                op,
                cli.backend,
                scale,
                cli.concurrency,
                &gw,
                before,
                after,
                floor,
                envelope,
                srv.memory(),
            ));
        }
        if let Some(setup) = &subs {
            sub_row = Some(
                subscriptions::run(
                    setup,
                    &srv,
                    cli.backend,
                    scale,
                    warmup,
                    duration,
                    cli.write_rate,
                )
                .await?,
            );
        }
        Ok(())
    }
    .await;
    let memory = srv.memory();
    srv.stop();
    result?;
    let out = report::Report {
        rows,
        memory,
        duration_s: duration.as_secs_f64(),
        concurrency: cli.concurrency,
        server_pool: pool,
        floor_pool,
        floor_envelope: cli.floor_envelope && cli.backend == Backend::Postgres,
        subscriptions: sub_row,
    };
    print!("{}", out.markdown());
    if let Some(path) = &cli.json {
        std::fs::write(path, serde_json::to_string_pretty(&out)?)?;
    }
    if out.rows.iter().any(|r| r.errors > 0) {
        bail!("some operations failed (see the errors column)");
    }
    if out.subscriptions.as_ref().is_some_and(|s| s.failed()) {
        bail!("subscriptions: connections or writes failed, or the server closed connections");
    }
    Ok(())
}
