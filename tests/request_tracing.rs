//! What an operator can follow in the log: every line a request emits is
//! inside its span, which carries the request id and, once known, the
//! GraphQL operation's name; the store's entry points open spans of their
//! own inside it.

mod common;

use std::time::Duration;

use common::{ServerProcess, ws::Ws};
use serde_json::{Value, json};

/// The log's JSON lines from byte `from` on.
fn lines_after(log: &str, from: usize) -> Vec<Value> {
    log[from..]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The `request` span a JSON log line was emitted in, if any.
fn request_span(line: &Value) -> Option<&Value> {
    span_named(line, "request")
}

/// The span called `name` a JSON log line was emitted in, if any.
fn span_named<'a>(line: &'a Value, name: &str) -> Option<&'a Value> {
    line["spans"].as_array()?.iter().find(|s| s["name"] == name)
}

#[tokio::test]
async fn every_line_of_a_request_carries_its_id_and_operation() {
    // At debug level a request emits several lines, from the HTTP layer
    // and the store.
    let p = ServerProcess::start(&[
        ("RUST_LOG", "info,coachql=debug,store=debug"),
        ("COACHQL_LOG_FORMAT", "json"),
    ])
    .await;
    let token = p.login("insideout", "lina@learner.example").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = reqwest::Client::new();

    // Named by `operationName`.
    let from = p.log().len();
    let resp = client
        .post(format!("{}/graphql", p.url))
        .bearer_auth(&token)
        .header("x-request-id", "trace-named-1")
        .json(&json!({
            "query": "query MyCourses { courses(first: 2) { nodes { id title } } }",
            "operationName": "MyCourses",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-request-id"], "trace-named-1");
    let body: Value = resp.json().await.unwrap();
    assert!(body["errors"].is_null(), "{body}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = p.log();
    let lines = lines_after(&log, from);
    assert!(lines.len() >= 3, "too few lines to tell:\n{}", &log[from..]);
    for line in &lines {
        let span = request_span(line).unwrap_or_else(|| panic!("outside a request: {line}"));
        assert_eq!(span["id"], "trace-named-1", "{line}");
        assert_eq!(span["operation"], "MyCourses", "{line}");
        assert_eq!(span["route"], "/graphql", "{line}");
    }
    // The store's entry points open spans inside the request's.
    assert!(
        lines.iter().any(|l| l["spans"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["name"] == "authenticate"))),
        "no line inside Store::authenticate:\n{}",
        &log[from..]
    );
    assert!(
        lines.iter().any(|l| l["target"] == "coachql::access"),
        "no access line:\n{}",
        &log[from..]
    );

    // Named by its document only: known once the document is parsed, so
    // the lines from then on carry it, the access line among them.
    let from = log.len();
    let resp = client
        .post(format!("{}/graphql", p.url))
        .header("x-tenant", "insideout")
        .json(&json!({"query": "query Catalog { courses(first: 1) { nodes { id } } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = p.log();
    let lines = lines_after(&log, from);
    assert!(!lines.is_empty());
    for line in &lines {
        let span = request_span(line).unwrap_or_else(|| panic!("outside a request: {line}"));
        assert_eq!(span["id"], id.as_str(), "{line}");
    }
    let access = lines
        .iter()
        .find(|l| l["target"] == "coachql::access")
        .unwrap_or_else(|| panic!("no access line:\n{}", &log[from..]));
    assert_eq!(request_span(access).unwrap()["operation"], "Catalog");

    p.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn every_line_of_a_subscription_carries_its_operation_and_connection_ids() {
    let p = ServerProcess::start(&[
        ("RUST_LOG", "info,coachql=debug,store=debug"),
        ("COACHQL_LOG_FORMAT", "json"),
    ])
    .await;
    let token = p.login("insideout", "lina@learner.example").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // The connection is the upgrade request's: its id is the request's.
    let mut ws = Ws::open_with(&p.url, false, &[("x-request-id", "trace-ws-1")]).await;
    let ack = ws.init(&token).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Each subscription has a span of its own, with the client's id and
    // the operation's name: its first read (the membership read again
    // among them) logs inside it.
    let from = p.log().len();
    ws.subscribe(
        "board-1",
        "subscription Board { weeklyLeaderboard(first: 3) { week } }",
        json!({}),
    )
    .await;
    let first = ws.next("board-1").await;
    assert!(first["errors"].is_null(), "{first}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = p.log();
    let lines = lines_after(&log, from);
    assert!(!lines.is_empty(), "the subscription logged nothing");
    for line in &lines {
        let op = span_named(line, "operation")
            .unwrap_or_else(|| panic!("outside the operation: {line}"));
        assert_eq!(op["id"], "board-1", "{line}");
        assert_eq!(op["operation"], "Board", "{line}");
        let request = request_span(line).unwrap_or_else(|| panic!("outside a request: {line}"));
        assert_eq!(request["id"], "trace-ws-1", "{line}");
    }

    // A second subscription on the same connection: its own span, the
    // connection's id.
    let from = log.len();
    ws.subscribe(
        "board-2",
        "subscription { weeklyLeaderboard(first: 1) { week } }",
        json!({}),
    )
    .await;
    ws.next("board-2").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = p.log();
    let lines = lines_after(&log, from);
    assert!(!lines.is_empty(), "the subscription logged nothing");
    for line in &lines {
        let op = span_named(line, "operation")
            .unwrap_or_else(|| panic!("outside the operation: {line}"));
        assert_eq!(op["id"], "board-2", "{line}");
        assert_eq!(op["operation"], "-", "{line}");
        assert_eq!(request_span(line).unwrap()["id"], "trace-ws-1", "{line}");
    }

    p.terminate(Duration::from_secs(10)).await;
}
