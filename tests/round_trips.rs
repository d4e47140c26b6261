//! Round trips to PostgreSQL, counted on the wire. A pure read with one
//! root field by a member seen before writes to the database once: `BEGIN`,
//! authentication (which checks the memberships seen before and sets the
//! request's settings and row-security role), the compiled statement and,
//! behind its `Sync`, the `ROLLBACK` that ends the transaction, all in one
//! write; the pool's check of the returning connection then has nothing to
//! ask. A read of several root fields ends with a `ROLLBACK` of its own,
//! with the pool's check, after the response. A write is `BEGIN` with authentication and its first statement,
//! its other statements, and `COMMIT`, with the statements whose answers
//! it does not need (events, the enrollment's refresh) pipelined in front
//! of it. An anonymous request (`X-Tenant`) costs one write more: the
//! statement behind `BEGIN` finds its tenant, and must answer before
//! anything else can be built.
//!
//! The server's pool reaches the database through a proxy in this test
//! that records every chunk the server writes; with a pool of one
//! connection, each chunk is one round trip. (SQLite has no round trips:
//! the test checks nothing there.)

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use common::TestServer;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The chunks written by the server to the database, in order.
type Wire = Arc<Mutex<Vec<Vec<u8>>>>;

/// A TCP proxy to `target` that records what its clients write.
async fn proxy(target: String) -> (String, Wire) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let wire = Wire::default();
    let seen = wire.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(&target).await else {
                continue;
            };
            let _ = (client.set_nodelay(true), server.set_nodelay(true));
            let (mut from_client, mut to_client) = client.into_split();
            let (mut from_server, mut to_server) = server.into_split();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 1 << 16];
                while let Ok(n @ 1..) = from_client.read(&mut buf).await {
                    seen.lock().unwrap().push(buf[..n].to_vec());
                    if to_server.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
            });
        }
    });
    (addr, wire)
}

fn contains(chunk: &[u8], needle: &[u8]) -> bool {
    chunk.windows(needle.len()).any(|w| w == needle)
}

/// The demo learner leo@learner.example.
const LEO: &str = "20000000-0000-4000-8000-000000000008";

/// The protocol's `Sync` message: where the server answers.
const SYNC: &[u8] = b"S\0\0\0\x04";

/// The protocol's simple `Query` message of `ROLLBACK`.
const ROLLBACK: &[u8] = b"Q\0\0\0\rROLLBACK\0";

/// The protocol's `Execute` message of the unnamed portal, all rows.
const EXECUTE: &[u8] = b"E\0\0\0\x09\0\0\0\0\0";

/// What the server writes to the database for one request, once the
/// pool's check of the returning connection has gone out too.
async fn writes_of(wire: &Wire, request: impl std::future::Future<Output = ()>) -> Vec<Vec<u8>> {
    wire.lock().unwrap().clear();
    request.await;
    // The ROLLBACK or COMMIT's answer and the pool's check come after the
    // response; wait for the wire to go quiet.
    let mut last = usize::MAX;
    loop {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let n = wire.lock().unwrap().len();
        if n == last {
            break;
        }
        last = n;
    }
    wire.lock().unwrap().clone()
}

fn show(writes: &[Vec<u8>]) -> String {
    writes
        .iter()
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect::<Vec<_>>()
        .join("\n---\n")
}

#[tokio::test]
async fn begin_travels_with_the_first_statement() {
    let s = TestServer::start().await;
    if !s.is_postgres() {
        s.stop().await;
        return;
    }
    let url = s.config.database_url.as_ref().unwrap().0.clone();
    let mut via = reqwest::Url::parse(&url).unwrap();
    let target = format!("{}:{}", via.host_str().unwrap(), via.port().unwrap_or(5432));
    let (addr, wire) = proxy(target).await;
    let (host, port) = addr.split_once(':').unwrap();
    via.set_host(Some(host)).unwrap();
    via.set_port(Some(port.parse().unwrap())).unwrap();
    // In clear text, so the test can read the protocol's messages.
    via.query_pairs_mut().append_pair("sslmode", "disable");
    let mut options = coachql::pool_options(&s.config);
    options.max_connections = 1;
    let db = coachql::db::connect_with(via.as_str(), options)
        .await
        .unwrap();
    let twin = s.twin_over(db, |_| {}).await;
    let token = s.token("insideout", "leo@learner.example").await;
    let client = reqwest::Client::new();
    let data = |auth: Option<&str>, query: &str, variables: Value| {
        let mut req = client
            .post(format!("{}/graphql", twin.url))
            .json(&json!({ "query": query, "variables": variables }));
        req = match auth {
            Some(token) => req.bearer_auth(token),
            None => req.header("x-tenant", "insideout"),
        };
        async move {
            let body: Value = req.send().await.unwrap().json().await.unwrap();
            assert!(body.get("errors").is_none(), "{body:#}");
            body["data"].clone()
        }
    };
    let post = |auth: Option<&str>, query: &str| {
        let request = data(auth, query, json!({}));
        async move {
            request.await;
        }
    };

    // A root connection, and a domain read whose rows the database builds
    // into JSON like a compiled root field's (`searchTalent`).
    let reads = [
        "{ courses(first: 2) { nodes { title lessons(first: 2) { nodes { title } } } } }",
        "{ searchTalent(first: 3) { id tagline rating expertise } }",
    ];
    for (read, auth) in reads
        .into_iter()
        .flat_map(|read| [(read, Some(token.as_str())), (read, None)])
    {
        // The first requests prepare the statements on the connection.
        for _ in 0..3 {
            post(auth, read).await;
        }
        let writes = writes_of(&wire, post(auth, read)).await;
        // A member seen before: BEGIN, the check of their memberships, the
        // compiled statement and the ROLLBACK that ends the transaction, in
        // one write; the pool's check of the returning connection costs
        // nothing more. Anonymous: one write more, since the statement that
        // finds the tenant must answer before anything can be compiled.
        let expected = if auth.is_some() { 1 } else { 2 };
        assert_eq!(
            writes.len(),
            expected,
            "writes of a read:\n{}",
            show(&writes)
        );
        // 1: BEGIN, then authentication (for an anonymous request, the
        // statement that finds its tenant and sets the request's settings)
        // behind it, in one write with one Sync.
        assert!(contains(&writes[0], b"BEGIN"), "{}", show(&writes));
        let who = match auth {
            Some(_) => LEO.as_bytes(),
            None => b"insideout",
        };
        assert!(contains(&writes[0], who), "{}", show(&writes));
        for w in &writes {
            assert_eq!(
                w.windows(SYNC.len()).filter(|x| *x == SYNC).count(),
                1,
                "{}",
                show(&writes)
            );
        }
        // Executions: BEGIN, authentication and the compiled statement, all
        // in the first write for a member.
        let executes: Vec<usize> = writes
            .iter()
            .map(|w| w.windows(EXECUTE.len()).filter(|x| *x == EXECUTE).count())
            .collect();
        let per_write = if auth.is_some() { vec![3] } else { vec![2, 1] };
        assert_eq!(executes, per_write, "{}", show(&writes));
        // The compiled statement's write ends with the ROLLBACK, after its
        // Sync.
        assert!(
            writes[expected - 1].ends_with(ROLLBACK),
            "{}",
            show(&writes)
        );
    }

    // A read of two root fields: each its own statement, so neither ends
    // the transaction; the ROLLBACK goes after the response, with the
    // pool's check.
    let two = "{ a: courses(first: 1) { nodes { id } } b: courses(first: 2) { nodes { title } } }";
    for _ in 0..2 {
        post(Some(&token), two).await;
    }
    let writes = writes_of(&wire, post(Some(&token), two)).await;
    assert_eq!(writes.len(), 3, "{}", show(&writes));
    let rollback_then_check = [ROLLBACK, SYNC].concat();
    assert_eq!(writes[2], rollback_then_check, "{}", show(&writes));

    // A write: BEGIN with authentication, then its statements, and COMMIT
    // last; its own statements run inside the same transaction.
    let prefs = data(
        Some(&token),
        "mutation($i: PreferencesInput!) { updateMyPreferences(input: $i) { leaderboardPrivacy } }",
        json!({ "i": { "leaderboardPrivacy": "HIDDEN" } }),
    );
    let writes = writes_of(&wire, async {
        prefs.await;
    })
    .await;
    // BEGIN and authentication (the learner's user id bound) in one write.
    assert!(contains(&writes[0], b"BEGIN"), "{}", show(&writes));
    assert!(contains(&writes[0], LEO.as_bytes()), "{}", show(&writes));
    assert!(writes[0].ends_with(SYNC), "{}", show(&writes));
    // COMMIT last: the pool's check of a connection whose answers are all
    // in, outside a transaction, costs no round trip.
    let n = writes.len();
    assert!(contains(&writes[n - 1], b"COMMIT"), "{}", show(&writes));
    assert_eq!(
        writes.iter().filter(|w| contains(w, b"BEGIN")).count(),
        1,
        "{}",
        show(&writes)
    );

    // A lesson started again (as a quiz retried): nothing of the
    // enrollment's progress changes, so nothing updates it, and the
    // progress event's `pg_notify`, pipelined, goes out with `COMMIT` in
    // one write, ahead of its own `Sync` and the `COMMIT` query.
    use base64::Engine;
    let lesson = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode("Lesson:41000000-0001-4000-8000-000000000001");
    let start = "mutation($l: ID!) { startLesson(lessonId: $l) { status } }";
    // The first ones prepare the statements on the connection.
    for _ in 0..2 {
        data(Some(&token), start, json!({ "l": lesson })).await;
    }
    let started = data(Some(&token), start, json!({ "l": lesson }));
    let writes = writes_of(&wire, async {
        started.await;
    })
    .await;
    let n = writes.len();
    let commit = &writes[n - 1];
    assert!(contains(commit, b"COMMIT"), "{}", show(&writes));
    assert!(contains(commit, b"coachql_events"), "{}", show(&writes));
    assert_eq!(
        commit.windows(SYNC.len()).filter(|w| *w == SYNC).count(),
        1,
        "{}",
        show(&writes)
    );
    for w in &writes[..n - 1] {
        assert!(!contains(w, b"coachql_events"), "{}", show(&writes));
    }
    // (When it does change, tests/learning_progress.rs reads the refreshed
    // enrollment after each step.)
    for w in &writes {
        assert!(!contains(w, b"completed_lessons"), "{}", show(&writes));
    }

    drop(twin);
    s.stop().await;
}
