//! What an operator can follow in the log: every line a request emits is
//! inside its span, which carries the request id and, once known, the
//! GraphQL operation's name; the store's entry points open spans of their
//! own inside it.

mod common;

use std::time::Duration;

use common::ServerProcess;
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
    line["spans"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == "request")
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
