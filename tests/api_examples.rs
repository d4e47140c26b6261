//! Every example of docs/API.md runs against the demo data, in order, as
//! the user its first line names, without errors: queries and mutations
//! over HTTP, subscriptions over a WebSocket (a live view's first value must
//! arrive; `myNotifications` sends nothing until something happens).

mod common;

use common::{
    TestServer,
    ws::{Got, Ws},
};
use serde_json::json;

#[tokio::test]
async fn every_api_md_example_runs() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/API.md")).unwrap();
    let s = TestServer::start().await;
    let mut ran = 0;
    for block in doc.split("```graphql").skip(1) {
        let body = block.split("```").next().unwrap();
        let first = body.lines().find(|l| !l.trim().is_empty()).unwrap().trim();
        let who = first
            .strip_prefix("# as: ")
            .unwrap_or_else(|| panic!("example without `# as:` line: {first}"));
        let (user, tenant) = who.split_once(" @ ").unwrap();
        let auth = if user == "anonymous" {
            format!("tenant:{tenant}")
        } else {
            s.token(tenant, user).await
        };
        let is_subscription = body
            .lines()
            .find(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
            .is_some_and(|l| l.trim_start().starts_with("subscription"));
        if is_subscription {
            let mut ws = Ws::connect(&s.url, &auth).await;
            ws.subscribe("1", body, json!({})).await;
            if body.contains("myNotifications") {
                ws.quiet(std::time::Duration::from_millis(300)).await;
                ran += 1;
                continue;
            }
            let first = match ws.next_within(std::time::Duration::from_secs(10)).await {
                Got::Next(_, payload) => payload,
                other => panic!("{body}: {other:?}"),
            };
            assert!(first.get("errors").is_none(), "{body}: {first}");
            let data = first["data"].clone();
            assert!(
                data.as_object()
                    .is_some_and(|m| m.values().all(|v| !v.is_null())),
                "empty answer: {data}"
            );
            ran += 1;
            continue;
        }
        let data = s.data(&auth, body, json!({})).await;
        assert!(
            data.as_object()
                .is_some_and(|m| m.values().all(|v| !v.is_null())),
            "empty answer: {data}"
        );
        ran += 1;
    }
    assert!(ran >= 10, "docs/API.md has {ran} examples");
    s.stop().await;
}
