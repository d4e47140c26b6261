//! Round trips to PostgreSQL, counted on the wire. A pure read with one
//! root field by a member seen before writes to the database once before
//! it answers: `BEGIN`, authentication (which checks the memberships seen
//! before and sets the request's settings and row-security role) and the
//! compiled statement, pipelined. The `ROLLBACK` goes after the
//! response, with the pool's check of the returning connection. A write
//! is `BEGIN` with authentication and its first statement, its other
//! statements, and `COMMIT`. An anonymous request (`X-Tenant`) costs one
//! write more: the statement behind `BEGIN` finds its tenant, and must
//! answer before anything else can be built.
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

    let read = "{ courses(first: 2) { nodes { title lessons(first: 2) { nodes { title } } } } }";
    for auth in [Some(token.as_str()), None] {
        // The first requests prepare the statements on the connection.
        for _ in 0..3 {
            post(auth, read).await;
        }
        let writes = writes_of(&wire, post(auth, read)).await;
        // A member seen before: BEGIN, the check of their memberships and
        // the compiled statement in one write, then ROLLBACK with the
        // pool's check. Anonymous: one write more, since the statement that
        // finds the tenant must answer before anything can be compiled.
        let expected = if auth.is_some() { 2 } else { 3 };
        assert_eq!(
            writes.len(),
            expected,
            "writes of a read:\n{}",
            show(&writes)
        );
        // 1: BEGIN, then authentication (for an anonymous request, the
        // statement that finds its tenant and sets the request's settings)
        // behind it, in one write ending in one Sync.
        assert!(contains(&writes[0], b"BEGIN"), "{}", show(&writes));
        let who = match auth {
            Some(_) => LEO.as_bytes(),
            None => b"insideout",
        };
        assert!(contains(&writes[0], who), "{}", show(&writes));
        assert!(writes[0].ends_with(SYNC), "{}", show(&writes));
        assert_eq!(
            writes[0].windows(SYNC.len()).filter(|w| *w == SYNC).count(),
            1,
            "{}",
            show(&writes)
        );
        // Executions before the response: BEGIN, authentication and the
        // compiled statement, all in the first write for a member.
        let executes: Vec<usize> = writes[..expected - 1]
            .iter()
            .map(|w| w.windows(EXECUTE.len()).filter(|x| *x == EXECUTE).count())
            .collect();
        let per_write = if auth.is_some() { vec![3] } else { vec![2, 1] };
        assert_eq!(executes, per_write, "{}", show(&writes));
        assert!(
            contains(&writes[expected - 1], b"ROLLBACK"),
            "{}",
            show(&writes)
        );
    }

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
    // COMMIT, then (after the response) the pool's check.
    let n = writes.len();
    assert!(contains(&writes[n - 2], b"COMMIT"), "{}", show(&writes));
    assert_eq!(writes[n - 1], SYNC, "{}", show(&writes));
    assert_eq!(
        writes.iter().filter(|w| contains(w, b"BEGIN")).count(),
        1,
        "{}",
        show(&writes)
    );

    drop(twin);
    s.stop().await;
}
