//! Every example of docs/API.md runs against the demo data, in order, as
//! the user its first line names, without errors.

mod common;

use common::TestServer;
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
