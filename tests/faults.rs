//! Faults: the database going away and coming back under load, lock waits
//! that outlive a request's deadline, and clients that hang up mid-request.
//! Each must end in a clear, coded answer and leave no connection or
//! transaction behind.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use common::{ServerProcess, TestServer, code};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};

const GQL_RESPONSE: &str = "application/graphql-response+json";
const REGISTER: &str = "mutation($w: ID!) { registerForWorkshop(workshopId: $w) { id status } }";
const WORKSHOP_4: &str = "V29ya3Nob3A6NjIwMDAwMDAtMDAwMS00MDAwLTgwMDAtMDAwMDAwMDAwMDA0";

/// A PostgreSQL cluster of this test's own (scripts/pg-throwaway.sh), so
/// stopping it disturbs no other test.
struct Cluster {
    base: String,
    datadir: String,
}

impl Cluster {
    fn script() -> String {
        format!("{}/scripts/pg-throwaway.sh", env!("CARGO_MANIFEST_DIR"))
    }

    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = std::process::Command::new("bash")
            .args([&Self::script(), "start"])
            .env("PG_THROWAWAY_FORCE", "1")
            .env("PG_THROWAWAY_PORT", port.to_string())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let datadir = stderr
            .lines()
            .find_map(|l| l.strip_prefix("PG_THROWAWAY_DATADIR="))
            .expect("a throwaway cluster")
            .to_owned();
        Self {
            base: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            datadir,
        }
    }

    fn run(&self, command: &str) {
        let out = std::process::Command::new("bash")
            .args([&Self::script(), command, &self.datadir])
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}: {out:?}");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.run("stop");
    }
}

/// Stops the database under load, then starts it again: while it is away
/// every request is answered `UNAVAILABLE` (503) within the acquire
/// timeout, liveness stays green and readiness red; once it is back the
/// server recovers by itself.
#[tokio::test]
async fn database_stop_and_restart_under_load() {
    if common::test_server().is_none() {
        eprintln!("skipped: PostgreSQL only (set TEST_DATABASE_URL)");
        return;
    }
    let cluster = Cluster::start();
    let p = ServerProcess::start_on(
        Some(cluster.base.clone()),
        &[
            ("COACHQL_DB_ACQUIRE_TIMEOUT_MS", "1000"),
            ("RUST_LOG", "warn,coachql::access=off"),
        ],
    )
    .await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let query = || {
        client
            .post(format!("{}/graphql", p.url))
            .header("x-tenant", "insideout")
            .header("accept", GQL_RESPONSE)
            .json(&json!({"query": "{ courses(first: 3) { totalCount nodes { id } } }"}))
            .send()
    };
    // Background load for the whole test.
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let load = {
        let (stop, ok, failed, url) = (stop.clone(), ok.clone(), failed.clone(), p.url.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            for _ in 0..20_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let r = client
                    .post(format!("{url}/graphql"))
                    .header("x-tenant", "insideout")
                    .json(&json!({"query": "{ workshops(first: 2) { totalCount } }"}))
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                let answered = match r {
                    Ok(r) => r.json::<Value>().await.ok(),
                    Err(_) => None,
                };
                match answered {
                    Some(body) if body.get("errors").is_none() => {
                        ok.fetch_add(1, Ordering::Relaxed)
                    }
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    assert_eq!(query().await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.run("pause");
    for _ in 0..5 {
        let started = Instant::now();
        let resp = query().await.unwrap();
        let took = started.elapsed();
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap();
        assert_eq!((status, code(&body)), (503, "UNAVAILABLE"), "{body}");
        assert!(took < Duration::from_secs(3), "{took:?}");
    }
    let health = client
        .get(format!("{}/health", p.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = client.get(format!("{}/ready", p.url)).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    cluster.run("resume");
    let back = Instant::now();
    loop {
        if query().await.map(|r| r.status() == 200).unwrap_or(false) {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(15), "no recovery");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "recovered {:?} after the database was back; load: {} ok, {} failed",
        back.elapsed(),
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed)
    );
    stop.store(true, Ordering::Relaxed);
    load.await.unwrap();
    assert_eq!(
        client
            .get(format!("{}/ready", p.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // What the operator saw: the unavailability, with request ids.
    let log = p.log();
    assert!(log.contains("database unavailable"), "{log}");
    assert!(log.contains("request{id="), "{log}");
    p.terminate(Duration::from_secs(10)).await;
    drop(cluster);
}

/// A row lock held elsewhere outlives the request's deadline: the callers
/// get `TIMEOUT` at the deadline, their statements are cancelled in the
/// database, and every other request is served at once afterwards.
#[tokio::test]
async fn lock_waits_end_at_the_deadline_and_free_the_pool() {
    let s = TestServer::start_with(|c| {
        c.request_timeout_secs = 2;
        c.db_max_connections = 2;
        c.db_busy_timeout_ms = 1000;
    })
    .await;
    let url = s.config.database_url.clone().unwrap().0;
    let locker = coachql::db::connect(&url, 1).await.unwrap();
    let held = match locker.get_database_backend() {
        DbBackend::Postgres => {
            let t = locker.begin().await.unwrap();
            t.execute_unprepared("LOCK TABLE workshops IN EXCLUSIVE MODE")
                .await
                .unwrap();
            t
        }
        _ => {
            let t = locker
                .begin_with_options(sea_orm::TransactionOptions {
                    sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                    ..Default::default()
                })
                .await
                .unwrap();
            t.execute_unprepared("UPDATE tenants SET name = name WHERE 1 = 0")
                .await
                .unwrap();
            t
        }
    };
    let mut tokens = vec![];
    for email in [
        "leo@learner.example",
        "lina@learner.example",
        "eli@insideout.example",
    ] {
        tokens.push(s.token("insideout", email).await);
    }
    let started = Instant::now();
    let calls = (0..6).map(|i| {
        s.post()
            .bearer_auth(&tokens[i % tokens.len()])
            .json(&json!({"query": REGISTER, "variables": {"w": WORKSHOP_4}}))
            .send()
    });
    for r in futures::future::join_all(calls).await {
        let body: Value = r.unwrap().json().await.unwrap();
        assert_eq!(code(&body), "TIMEOUT", "{body}");
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "{took:?}");
    // The pool is free again: an anonymous read answers at once.
    let read = s.public_read().await;
    // On SQLite a connection inside its busy wait (1 s here) cannot be
    // interrupted, so the pool is whole again within that wait; on
    // PostgreSQL the database cancels the statements at the deadline.
    let bound = match s.db.get_database_backend() {
        DbBackend::Postgres => Duration::from_secs(1),
        _ => Duration::from_secs(2),
    };
    assert!(read < bound, "{read:?}");
    if s.db.get_database_backend() == DbBackend::Postgres {
        // No statement of the server still waits for the lock.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let waiting =
            s.db.query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(waiting, 0);
    }
    held.rollback().await.unwrap();
    s.stop().await;
}

/// A pool of one connection serves reads and writes, one after another and
/// at once: the live-update listener holds a connection of its own on
/// PostgreSQL, not one of the requests'.
#[tokio::test]
async fn a_pool_of_one_connection_serves_reads_and_writes() {
    let s = TestServer::start_with(|c| c.db_max_connections = 1).await;
    let token = s.token("insideout", "leo@learner.example").await;
    let read =
        "{ courses(first: 2) { totalCount nodes { id lessons(first: 2) { nodes { id } } } } }";
    // Give the listener time to connect (it would take the pool's only
    // connection if it shared the pool).
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..3 {
        let data = s.data(&token, read, json!({})).await;
        assert!(data["courses"]["totalCount"].as_i64().unwrap() > 0);
    }
    let client = reqwest::Client::new();
    let calls = (0..12).map(|i| {
        let body = match i % 3 {
            0 => json!({"query": REGISTER, "variables": {"w": WORKSHOP_4}}),
            _ => json!({"query": read}),
        };
        let req = client
            .post(format!("{}/graphql", s.url))
            .bearer_auth(&token)
            .json(&body);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    });
    for (status, body) in futures::future::join_all(calls).await {
        assert_eq!(status, 200, "{body}");
        assert!(!body.contains("UNAVAILABLE"), "{body}");
    }
    s.stop().await;
}

/// Clients that hang up at random moments of their requests, reads and
/// writes, under load: afterwards no session is left inside a transaction
/// and every request succeeds.
#[tokio::test]
async fn clients_cancelling_mid_request_leave_no_transaction_open() {
    let s = TestServer::start_with(|c| c.db_max_connections = 4).await;
    let token = s.token("insideout", "leo@learner.example").await;
    let impatient = |ms: u64| {
        reqwest::Client::builder()
            .timeout(Duration::from_millis(ms))
            .build()
            .unwrap()
    };
    let calls = (0..200u64).map(|i| {
        let client = impatient(1 + (i * 37) % 400);
        let body = if i % 3 == 0 {
            json!({"query": REGISTER, "variables": {"w": WORKSHOP_4}})
        } else {
            json!({"query": "{ courses(first: 20) { nodes { id lessons { nodes { id contentBlocks { nodes { id } } } } } } }"})
        };
        let req = client
            .post(format!("{}/graphql", s.url))
            .bearer_auth(&token)
            .json(&body);
        async move { req.send().await.is_ok() }
    });
    let finished = futures::future::join_all(calls)
        .await
        .into_iter()
        .filter(|ok| *ok)
        .count();
    eprintln!("{finished} of 200 finished before their client hung up");
    tokio::time::sleep(Duration::from_millis(500)).await;
    if s.db.get_database_backend() == DbBackend::Postgres {
        let open =
            s.db.query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(open, 0, "a session was left inside a transaction");
    }
    for _ in 0..20 {
        let data = s
            .data(&token, "{ courses(first: 2) { totalCount } }", json!({}))
            .await;
        assert!(data["courses"]["totalCount"].as_i64().unwrap() > 0);
    }
    s.stop().await;
}

/// The database restarts under a subscriber: its connection stays open
/// (an outage is not a reason to close it), the process listens again by
/// itself, and the next change reaches the subscriber.
#[tokio::test]
async fn subscriptions_survive_a_database_restart() {
    use common::ws::{WORKSHOPS, Ws, pick_open};
    if common::test_server().is_none() {
        eprintln!("skipped: PostgreSQL only (set TEST_DATABASE_URL)");
        return;
    }
    let cluster = Cluster::start();
    let p = ServerProcess::start_on(
        Some(cluster.base.clone()),
        &[("COACHQL_DB_ACQUIRE_TIMEOUT_MS", "1000")],
    )
    .await;
    let lina = p.login("insideout", "lina@learner.example").await;
    let leo = p.login("insideout", "leo@learner.example").await;
    let ada = p.login("insideout", "ada@insideout.example").await;
    let w = pick_open(&p.gql(&ada, WORKSHOPS, json!({})).await["data"]);
    let mut ws = Ws::connect(&p.url, &lina).await;
    ws.subscribe(
        "1",
        "subscription($w: ID!) { workshopSeats(workshopId: $w) { capacityRemaining } }",
        json!({"w": w["id"]}),
    )
    .await;
    let before = ws.next("1").await["data"]["workshopSeats"]["capacityRemaining"]
        .as_i64()
        .unwrap();
    cluster.run("pause");
    tokio::time::sleep(Duration::from_millis(500)).await;
    cluster.run("resume");
    // Back: a write goes through (the pool reconnects) ...
    let back = Instant::now();
    let register = "mutation($w: ID!) { registerForWorkshop(workshopId: $w) { workshop { capacityRemaining } } }";
    loop {
        let body = p.gql(&leo, register, json!({"w": w["id"]})).await;
        if body.get("errors").is_none() {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "no recovery: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // ... and the subscriber hears of it (after, perhaps, the re-read that
    // follows the listener's reconnection).
    loop {
        let seats = ws.next("1").await["data"]["workshopSeats"]["capacityRemaining"].clone();
        if seats == before - 1 {
            break;
        }
        assert_eq!(seats, before, "only the current value, re-read");
    }
    p.terminate(Duration::from_secs(10)).await;
    drop(cluster);
}

/// A write whose answer the request does not wait for (on PostgreSQL the
/// enrollment's refresh after a lesson starts is pipelined and goes out
/// with `COMMIT`) and that fails: the request answers a coded error without
/// the database's text, nothing it wrote is kept, and the pool's
/// connection serves the next requests. The failure is a trigger that
/// refuses updates of enrollments.
#[tokio::test]
async fn a_failed_pipelined_write_fails_its_request_and_keeps_nothing() {
    let s = TestServer::start_with(|c| c.db_max_connections = 1).await;
    let leo = s.token("insideout", "leo@learner.example").await;
    // Lesson 41000000-0001-4000-8000-000000000001, of a course Leo is
    // enrolled in.
    let lesson = "TGVzc29uOjQxMDAwMDAwLTAwMDEtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQ";
    let start = "mutation($l: ID!) { startLesson(lessonId: $l) { status lastAccessed } }";
    // Prepared on the connection first, then refused.
    let first = s.data(&leo, start, json!({"l": lesson})).await;
    let before = first["startLesson"]["lastAccessed"].clone();
    let progress = "query($l: ID!) { node(id: $l) { ... on Lesson { \
                    studentProgress(first: 10) { nodes { id lastAccessed updatedAt } } } } }";
    let kept = s.data(&leo, progress, json!({"l": lesson})).await;
    assert!(
        kept.to_string().contains(before.as_str().unwrap()),
        "{kept} {first}"
    );
    // The enrollment's progress made stale, so that the start refreshes
    // it (a refresh that changes nothing is not written).
    s.db.execute_unprepared("UPDATE enrollments SET progress = '{}'")
        .await
        .unwrap();
    refuse(&s, "UPDATE", "enrollments").await;
    // An unexpected database error: INTERNAL, as any other. On PostgreSQL
    // it surfaces at the commit, so it is the request's error (no path).
    let refused = s.gql(&leo, start, json!({"l": lesson})).await;
    assert_refused(&refused, "startLesson");
    // Nothing kept: the progress row was not touched.
    let after = s.data(&leo, progress, json!({"l": lesson})).await;
    assert_eq!(after, kept, "the refused start was kept");
    allow(&s, "enrollments").await;
    // The connection serves the next request, whose writes are kept.
    let again = s.data(&leo, start, json!({"l": lesson})).await;
    let now = s.data(&leo, progress, json!({"l": lesson})).await;
    assert_ne!(now, kept, "{again}");
    s.stop().await;
}

/// A quiz attempt's insert, which goes out pipelined with the progress
/// row's update on PostgreSQL, refused by the database (a trigger): the
/// request answers `INTERNAL` without the database's text, nothing of the
/// submission is kept (no attempt, no progress), and the connection serves
/// the next submission.
#[tokio::test]
async fn a_failed_pipelined_insert_fails_its_request_and_keeps_nothing() {
    let s = TestServer::start_with(|c| c.db_max_connections = 1).await;
    let leo = s.token("insideout", "leo@learner.example").await;
    // Quiz 43000000-0001-4000-8000-000000000001 (of lesson 1 of course
    // 40000000-0001-4000-8000-000000000001, which Leo is enrolled in).
    let quiz = "UXVpejo0MzAwMDAwMC0wMDAxLTQwMDAtODAwMC0wMDAwMDAwMDAwMDE";
    let course = "Q291cnNlOjQwMDAwMDAwLTAwMDEtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQ";
    let submit =
        "mutation($q: ID!) { submitQuizAttempt(quizId: $q, answers: {}) { attemptNumber } }";
    let progress = "query($c: ID!) { courseProgress(courseId: $c) { timeSpent \
                    lessons { lessonId status attempts bestScore } quizzes { quizId attempts } } }";
    let before = s.data(&leo, progress, json!({"c": course})).await;
    refuse(&s, "INSERT", "assessment_attempts").await;
    let refused = s.gql(&leo, submit, json!({"q": quiz})).await;
    assert_refused(&refused, "submitQuizAttempt");
    let after = s.data(&leo, progress, json!({"c": course})).await;
    assert_eq!(after, before, "the refused submission was kept");
    allow(&s, "assessment_attempts").await;
    // The connection serves the next submission, which is kept.
    let again = s.gql(&leo, submit, json!({"q": quiz})).await;
    assert!(
        again["data"]["submitQuizAttempt"]["attemptNumber"].is_i64(),
        "{again}"
    );
    let kept = s.data(&leo, progress, json!({"c": course})).await;
    assert_ne!(kept, before, "{again}");
    s.stop().await;
}

/// A trigger that makes the database refuse every `op` (`INSERT`,
/// `UPDATE`) on `table` with an error of its own text.
async fn refuse(s: &TestServer, op: &str, table: &str) {
    let sql = match s.is_postgres() {
        true => vec![
            "CREATE OR REPLACE FUNCTION coachql_test_refuse() RETURNS trigger LANGUAGE plpgsql \
             AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
                .to_owned(),
            format!(
                "CREATE TRIGGER refuse BEFORE {op} ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION coachql_test_refuse()"
            ),
        ],
        false => vec![format!(
            "CREATE TRIGGER refuse BEFORE {op} ON {table} \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )],
    };
    for sql in sql {
        s.db.execute_unprepared(&sql).await.unwrap();
    }
}

/// Drops [`refuse`]'s trigger on `table`.
async fn allow(s: &TestServer, table: &str) {
    let sql = match s.is_postgres() {
        true => format!("DROP TRIGGER refuse ON {table}"),
        false => "DROP TRIGGER refuse".to_owned(),
    };
    s.db.execute_unprepared(&sql).await.unwrap();
}

/// A request the database refused: `INTERNAL` errors only, none with the
/// database's text, and no value for `field`.
fn assert_refused(refused: &Value, field: &str) {
    let errors = refused["errors"].as_array().expect("an error");
    assert!(
        errors.iter().all(|e| e["extensions"]["code"] == "INTERNAL"),
        "{refused}"
    );
    assert!(
        !refused.to_string().contains("refused by the test"),
        "{refused}"
    );
    assert!(refused["data"][field].is_null(), "{refused}");
}
