//! GraphQL over HTTP: methods, media types, status codes, error codes,
//! limits, GraphiQL and health.

mod common;

use common::{TestServer, code};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

const GQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn get_executes_queries_and_serves_graphiql() {
    let s = TestServer::start().await;
    let resp = s
        .get("/graphql?query=%7Bcourses%7BtotalCount%7D%7D")
        .header("x-tenant", "insideout")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = resp.json().await.unwrap();
    assert!(body["data"]["courses"]["totalCount"].as_i64().unwrap() > 0);

    let page = s
        .get("/graphql")
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );

    let root = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", s.url))
        .send()
        .await
        .unwrap();
    assert!(root.status().is_redirection());
    assert_eq!(root.headers()["location"], "/graphql");

    let health: Value = s.get("/health").send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    s.stop().await;
}

#[tokio::test]
async fn graphql_response_media_type_uses_status_codes() {
    let s = TestServer::start().await;
    let send = |body: Value, accept: &'static str| {
        s.post()
            .header(ACCEPT, accept)
            .header("x-tenant", "insideout")
            .json(&body)
            .send()
    };
    // Well-formed: 200 with the negotiated type.
    let ok = send(json!({"query": "{ courses { totalCount } }"}), GQL_RESPONSE)
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        ok.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(GQL_RESPONSE)
    );

    // Parse and validation failures: 400 under graphql-response+json ...
    for (query, expected) in [
        ("{ courses { totalCount ", "GRAPHQL_PARSE_FAILED"),
        ("{ courses { noSuchField } }", "GRAPHQL_VALIDATION_FAILED"),
    ] {
        let resp = send(json!({"query": query}), GQL_RESPONSE).await.unwrap();
        assert_eq!(resp.status(), 400, "{query}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(code(&body), expected, "{body}");
        assert!(body.get("data").is_none() || body["data"].is_null());
        // ... and 200 under application/json.
        let resp = send(json!({"query": query}), "application/json")
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(code(&body), expected);
    }

    // Variables of the wrong type are the client's fault.
    let resp = send(
        json!({"query": "query($n: Int) { courses(first: $n) { totalCount } }", "variables": {"n": "three"}}),
        GQL_RESPONSE,
    )
    .await
    .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");

    // A body that is not JSON, a media type we do not read, one we cannot answer in.
    let bad = s
        .post()
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, GQL_RESPONSE)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(code(&body), "BAD_USER_INPUT");
    let form = s
        .post()
        .header(CONTENT_TYPE, "text/plain")
        .body("{ courses { totalCount } }")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    let nope = s
        .post()
        .header(ACCEPT, "text/plain")
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(nope.status(), 406);
    s.stop().await;
}

#[tokio::test]
async fn depth_and_complexity_limits_apply() {
    let s = TestServer::start_with(|c| {
        c.max_depth = 4;
        c.max_complexity = 40;
    })
    .await;
    let deep = "{ courses { nodes { lessons { nodes { contentBlocks { nodes { type } } } } } } }";
    let body = s.gql("tenant:insideout", deep, json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("deep")
    );
    let wide = format!(
        "{{ {} }}",
        (0..50)
            .map(|i| format!("c{i}: courses {{ totalCount }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let body = s.gql("tenant:insideout", &wide, json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex")
    );
    s.stop().await;
}

#[tokio::test]
async fn introspection_needs_no_tenant() {
    let s = TestServer::start().await;
    let data = s
        .data("", "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    s.stop().await;
}
