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

#[tokio::test]
async fn graphiql_is_served_from_the_binary_and_names_no_external_url() {
    let s = TestServer::start().await;
    let page = s
        .get("/graphql")
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let html = page.text().await.unwrap();
    let mut assets = vec![];
    for src in html.split('"').filter(|p| p.starts_with("/graphiql/")) {
        assets.push(src.to_owned());
    }
    assert!(assets.len() >= 5, "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    for a in assets {
        let r = s.get(&a).send().await.unwrap();
        assert_eq!(r.status(), 200, "{a}");
        let body = r.text().await.unwrap();
        assert!(
            !body.contains("unpkg.com") && !body.contains("cdn.jsdelivr"),
            "{a}"
        );
    }
    assert_eq!(
        s.get("/graphiql/nope.js").send().await.unwrap().status(),
        404
    );
    s.stop().await;
}

#[tokio::test]
async fn cors_preflight_and_headers_for_allowed_origins_only() {
    let s = TestServer::start_with(|c| {
        c.cors_origins = vec!["http://localhost".into(), "https://app.example.com".into()];
    })
    .await;
    let preflight = |origin: &str| {
        s.client()
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", s.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization, x-tenant",
            )
            .send()
    };
    for origin in ["http://localhost:5173", "https://app.example.com"] {
        let r = preflight(origin).await.unwrap();
        assert!(r.status().is_success(), "{origin}: {}", r.status());
        assert_eq!(r.headers()["access-control-allow-origin"], origin);
        let allowed = r.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase();
        assert!(allowed.contains("authorization") && allowed.contains("x-tenant"));
    }
    for origin in [
        "https://evil.example",
        "http://localhost.evil.example",
        "https://app.example.com.evil",
    ] {
        let r = preflight(origin).await.unwrap();
        assert!(
            !r.headers().contains_key("access-control-allow-origin"),
            "{origin}"
        );
    }
    let r = s
        .post()
        .header("origin", "http://localhost:3000")
        .header("x-tenant", "insideout")
        .json(&json!({"query": "{ courses(first: 1) { totalCount } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    assert!(
        r.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_lowercase()
            .contains("x-request-id")
    );
    s.stop().await;
}

#[tokio::test]
async fn responses_are_compressed_by_accept_encoding_above_a_threshold() {
    let s = TestServer::start().await;
    let big = json!({"query": "{ courses(first: 20) { nodes { id title description lessons { nodes { id title } } } } }"});
    let plain = s
        .post()
        .header("x-tenant", "insideout")
        .json(&big)
        .send()
        .await
        .unwrap();
    assert!(!plain.headers().contains_key("content-encoding"));
    let plain_len = plain.bytes().await.unwrap().len();
    assert!(plain_len > 1024, "{plain_len}");
    for enc in ["gzip", "br", "zstd"] {
        let r = s
            .post()
            .header("x-tenant", "insideout")
            .header("accept-encoding", enc)
            .json(&big)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-encoding"], enc);
        assert!(r.bytes().await.unwrap().len() < plain_len, "{enc}");
    }
    // Small answers are sent as they are.
    let small = s
        .post()
        .header("accept-encoding", "gzip")
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    assert!(!small.headers().contains_key("content-encoding"));
    s.stop().await;
}

#[tokio::test]
async fn trusted_documents_mode_runs_only_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("ops");
    std::fs::create_dir(&docs).unwrap();
    let known = "query Count { courses { totalCount } }";
    std::fs::write(docs.join("count.graphql"), known).unwrap();
    let manifest = coachql::persisted::manifest_of(&docs).unwrap();
    let file = dir.path().join("manifest.json");
    std::fs::write(&file, serde_json::to_string(&manifest).unwrap()).unwrap();
    let s = TestServer::start_with(|c| c.trusted_documents = Some(file.clone())).await;
    let hash = coachql::persisted::hash(known);
    let by_hash = s.gql("tenant:insideout", "", json!(null)).await;
    assert_eq!(
        code(&by_hash),
        "BAD_USER_INPUT",
        "no hash, no query: {by_hash}"
    );
    let ext = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let ok: Value = s
        .post()
        .header("x-tenant", "insideout")
        .json(&json!({"extensions": ext}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        ok["data"]["courses"]["totalCount"].as_i64().unwrap() > 0,
        "{ok}"
    );
    let full = s.gql("tenant:insideout", known, json!({})).await;
    assert!(
        full.get("errors").is_none(),
        "the manifest's text runs too: {full}"
    );
    let other = s.gql("tenant:insideout", "{ __typename }", json!({})).await;
    assert_eq!(code(&other), "FORBIDDEN", "{other}");
    s.stop().await;
}
