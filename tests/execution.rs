//! Execution semantics of the GraphQL spec that async-graphql's dynamic
//! executor missed (see vendor/async-graphql/README.md): field errors carry
//! a `path` (response keys and list indices), a failed nullable field is
//! null and the rest of the data is kept, a failed non-null field nulls its
//! nearest nullable parent, response keys follow request order; plus the
//! HTTP status of such responses, and the depth limit with introspection.

mod common;

use common::{TestServer, code};
use reqwest::header::ACCEPT;
use serde_json::{Value, json};

const GQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs under `application/graphql-response+json`; returns the status and
/// the raw body (parse it with [`keys`] to see the order of keys).
async fn post(s: &TestServer, auth: &str, query: &str, variables: Value) -> (u16, String) {
    let mut req = s
        .post()
        .header(ACCEPT, GQL_RESPONSE)
        .json(&json!({"query": query, "variables": variables}));
    req = match auth.strip_prefix("tenant:") {
        Some(tenant) => req.header("x-tenant", tenant),
        None => req.bearer_auth(auth),
    };
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// POSTs and returns the status and the body as JSON.
async fn run(s: &TestServer, auth: &str, query: &str, variables: Value) -> (u16, Value) {
    let (status, text) = post(s, auth, query, variables).await;
    (status, serde_json::from_str(&text).unwrap())
}

/// The keys of the object at `path` in a raw JSON body, in the order sent.
fn keys(body: &str, path: &[&str]) -> Vec<String> {
    let mut v: async_graphql::Value = serde_json::from_str(body).unwrap();
    for p in path {
        v = match v {
            async_graphql::Value::Object(mut m) => m.shift_remove(*p).unwrap(),
            async_graphql::Value::List(mut l) => l.swap_remove(p.parse().unwrap()),
            other => panic!("no {p} in {other}"),
        };
    }
    match v {
        async_graphql::Value::Object(m) => m.keys().map(|k| k.to_string()).collect(),
        other => panic!("not an object: {other}"),
    }
}

fn paths(body: &Value) -> Vec<Value> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["path"].clone())
        .collect()
}

/// Global ids of the first `n` courses an anonymous caller sees.
async fn course_ids(s: &TestServer, n: usize) -> Vec<Value> {
    let data = s
        .data(
            "tenant:insideout",
            "query($n: Int) { courses(first: $n) { nodes { id } } }",
            json!({"n": n}),
        )
        .await;
    let ids: Vec<Value> = data["courses"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(ids.len(), n, "the demo data has {n} public courses");
    ids
}

#[tokio::test]
async fn a_failed_nullable_field_is_null_with_its_path_and_the_rest_is_kept() {
    let s = TestServer::start().await;
    // `node` is nullable; a malformed id is the caller's error.
    let (status, body) = run(
        &s,
        "tenant:insideout",
        r#"{ x: node(id: "nonsense") { id } courses { totalCount } }"#,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["x"]), "{body}");
    assert_eq!(code(&body), "BAD_USER_INPUT");
    let data = body["data"].as_object().unwrap();
    assert!(data.contains_key("x") && data["x"].is_null(), "{body}");
    assert!(data["courses"]["totalCount"].as_i64().unwrap() > 0);

    // Deeper, in a list: `instructor` (a User, which anonymous callers may
    // not read) is null in every course; each course keeps its title.
    let (status, body) = run(
        &s,
        "tenant:insideout",
        "{ courses(first: 2) { nodes { title who: instructor { email } } } workshops { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let nodes = body["data"]["courses"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2, "{body}");
    for (i, n) in nodes.iter().enumerate() {
        assert!(n["title"].is_string(), "{body}");
        assert!(n.as_object().unwrap().contains_key("who") && n["who"].is_null());
        assert!(
            paths(&body).contains(&json!(["courses", "nodes", i, "who"])),
            "{body}"
        );
    }
    assert_eq!(code(&body), "UNAUTHENTICATED");
    assert!(body["data"]["workshops"]["totalCount"].is_number());
    s.stop().await;
}

#[tokio::test]
async fn a_failed_non_null_field_nulls_its_nearest_nullable_parent() {
    let s = TestServer::start().await;
    let anon = "tenant:insideout";
    // `enrollments: EnrollmentConnection!` is refused to anonymous callers.
    // In an object under the nullable `node`: `node` is null.
    let ids = course_ids(&s, 2).await;
    let (_, body) = run(
        &s,
        anon,
        "query($id: ID!) { c: node(id: $id) { ... on Course { title e: enrollments { totalCount } } } }",
        json!({"id": ids[0]}),
    )
    .await;
    assert!(body["data"]["c"].is_null(), "{body}");
    assert_eq!(paths(&body), vec![json!(["c", "e"])], "{body}");
    assert_eq!(code(&body), "UNAUTHENTICATED");

    // In items of the nullable-item list `nodes`: each item is null, the
    // list is kept, and each path has the item's index.
    let (_, body) = run(
        &s,
        anon,
        "query($ids: [ID!]!) { all: nodes(ids: $ids) { id ... on Course { enrollments { totalCount } } } }",
        json!({"ids": ids}),
    )
    .await;
    assert_eq!(body["data"]["all"], json!([null, null]), "{body}");
    let mut p = paths(&body);
    p.sort_by_key(|v| v.to_string());
    assert_eq!(
        p,
        vec![
            json!(["all", 0, "enrollments"]),
            json!(["all", 1, "enrollments"])
        ]
    );

    // Two levels down a list: `Lesson.course` (nullable) is null, each
    // lesson keeps its title.
    let (_, body) = run(
        &s,
        anon,
        "{ lessons(first: 3) { nodes { title course { title enrollments { totalCount } } } } }",
        json!({}),
    )
    .await;
    let lessons = body["data"]["lessons"]["nodes"].as_array().unwrap();
    assert!(!lessons.is_empty(), "{body}");
    for (i, l) in lessons.iter().enumerate() {
        assert!(l["title"].is_string(), "{body}");
        assert!(l["course"].is_null(), "{body}");
        assert!(
            paths(&body).contains(&json!(["lessons", "nodes", i, "course", "enrollments"])),
            "{body}"
        );
    }
    assert_eq!(
        paths(&body).len(),
        lessons.len(),
        "one error per field: {body}"
    );

    // With no nullable field on the way, `data` is null. It is still an
    // executed response, so HTTP 200 (GraphQL over HTTP), not a 4xx.
    let (status, body) = run(
        &s,
        anon,
        "{ workshops { totalCount } courses(first: 2) { nodes { enrollments { totalCount } } } }",
        json!({}),
    )
    .await;
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(
        body["errors"][0]["path"],
        json!(["courses", "nodes", 0, "enrollments"]),
        "{body}"
    );
    assert_eq!(status, 200, "{body}");
    s.stop().await;
}

#[tokio::test]
async fn a_failed_mutation_field_nulls_data_and_stops_the_later_ones() {
    let s = TestServer::start().await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let count = "{ courses { totalCount } }";
    let before = s.data(&ivan, count, json!({})).await;
    let (status, body) = run(
        &s,
        &ivan,
        r#"mutation($i: CourseInput!) {
            bad: publishCourse(courseId: "nonsense") { isPublished }
            good: createCourse(input: $i) { id }
        }"#,
        json!({"i": {"title": "Never created"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(paths(&body), vec![json!(["bad"])], "{body}");
    assert_eq!(code(&body), "BAD_USER_INPUT");
    // Mutation fields run in order; once `data` is lost, the next does not run.
    assert_eq!(s.data(&ivan, count, json!({})).await, before);
    s.stop().await;
}

#[tokio::test]
async fn response_keys_follow_request_order() {
    let s = TestServer::start().await;
    let anon = "tenant:insideout";
    let q = "{ workshops { totalCount } courses { totalCount } __typename reviews { totalCount } }";
    for _ in 0..8 {
        let (_, body) = post(&s, anon, q, json!({})).await;
        assert_eq!(
            keys(&body, &["data"]),
            ["workshops", "courses", "__typename", "reviews"]
        );
    }
    // Aliases, nesting, fragments, and a key selected twice (merged where
    // it first appears).
    let q = r#"
        query { ...W z: courses(first: 1) { nodes { updatedAt title id t: __typename } totalCount pageInfo { hasNextPage } }
                m: __typename
                z: courses(first: 1) { edges { cursor } } }
        fragment W on Query { a: workshops(first: 1) { totalCount nodes { title id } } }"#;
    for _ in 0..4 {
        let (_, body) = post(&s, anon, q, json!({})).await;
        assert_eq!(keys(&body, &["data"]), ["a", "z", "m"], "{body}");
        assert_eq!(
            keys(&body, &["data", "z"]),
            ["nodes", "totalCount", "pageInfo", "edges"]
        );
        assert_eq!(
            keys(&body, &["data", "z", "nodes", "0"]),
            ["updatedAt", "title", "id", "t"]
        );
        assert_eq!(keys(&body, &["data", "a"]), ["totalCount", "nodes"]);
    }
    // Introspection too.
    let (_, body) = post(
        &s,
        anon,
        "{ __schema { types { name kind } queryType { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(keys(&body, &["data", "__schema"]), ["types", "queryType"]);
    assert_eq!(
        keys(&body, &["data", "__schema", "types", "0"]),
        ["name", "kind"]
    );
    s.stop().await;
}

#[tokio::test]
async fn the_standard_introspection_query_passes_at_the_defaults() {
    let s = TestServer::start().await;
    // graphql-js 16 `getIntrospectionQuery()`, verbatim.
    let query = include_str!("fixtures/introspection.graphql");
    let (status, body) = run(&s, "tenant:insideout", query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let types = body["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Mutation"));

    // Introspection has its own bound (graphql-js's rule): `fields` nested
    // three times is refused, whatever `max_depth` says.
    let deep = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let (status, body) = run(&s, "tenant:insideout", deep, json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("introspection depth")
    );

    // Data queries keep the default depth limit of 12.
    let twelve = "{ courses { nodes { lessons { nodes { course { lessons { nodes { course { lessons { nodes { course { title } } } } } } } } } } } }";
    s.data("tenant:insideout", twelve, json!({})).await;
    let thirteen = "{ courses { nodes { lessons { nodes { course { lessons { nodes { course { lessons { nodes { course { lessons { totalCount } } } } } } } } } } } } }";
    let (status, body) = run(&s, "tenant:insideout", thirteen, json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("deep")
    );
    assert_eq!(status, 400);
    // ... counted through fragments, and next to introspection.
    let hidden = "{ __typename ...F } fragment F on Query { courses { nodes { lessons { nodes { course { lessons { nodes { course { lessons { nodes { course { lessons { totalCount } } } } } } } } } } } } }";
    let (_, body) = run(&s, "tenant:insideout", hidden, json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    s.stop().await;
}

#[tokio::test]
async fn the_complexity_limit_applies_to_introspection() {
    let s = TestServer::start_with(|c| c.max_complexity = 50).await;
    let query = include_str!("fixtures/introspection.graphql");
    let (status, body) = run(&s, "tenant:insideout", query, json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex")
    );
    assert_eq!(status, 400);
    s.stop().await;
}

/// A document validated once skips the rules that depend on it alone (see
/// vendor/async-graphql/README.md), never the ones that depend on the
/// request: its variables' values, its operation, and the complexity limit.
#[tokio::test]
async fn a_repeated_document_is_still_checked_against_its_variables() {
    let s = TestServer::start_with(|c| c.max_complexity = 50).await;
    let query = "query Page($n: Int) { courses(first: $n) { totalCount } }
                 query Other { courses(first: 1) { totalCount } }";
    let page = |n: Value| json!({"query": query, "operationName": "Page", "variables": {"n": n}});
    let server = &s;
    let send = |body: Value| async move {
        let resp = server
            .post()
            .header("x-tenant", "insideout")
            .json(&body)
            .send()
            .await
            .unwrap();
        resp.json::<Value>().await.unwrap()
    };
    for _ in 0..2 {
        let body = send(page(json!(2))).await;
        assert!(body["data"]["courses"]["totalCount"].is_number(), "{body}");
    }
    // The same text with a variable of the wrong type: rejected before
    // execution, exactly as a text never seen before is.
    let seen = send(page(json!("two"))).await;
    let unseen = send(
        json!({"query": format!("{query} "), "operationName": "Page",
                             "variables": {"n": "two"}}),
    )
    .await;
    assert_eq!(code(&seen), "BAD_USER_INPUT", "{seen}");
    assert!(seen["data"].is_null(), "{seen}");
    assert_eq!(seen, unseen);
    // The other operation of the same text runs, with its own arguments.
    let body = send(json!({"query": query, "operationName": "Other"})).await;
    assert!(body["data"]["courses"]["totalCount"].is_number(), "{body}");
    // A variable the chosen operation does not declare is not looked at.
    let body =
        send(json!({"query": query, "operationName": "Other", "variables": {"n": "x"}})).await;
    assert!(body["data"]["courses"]["totalCount"].is_number(), "{body}");
    // And the complexity limit is summed again for each request.
    let wide = format!(
        "query {{ courses(first: 1) {{ nodes {{ {} }} }} }}",
        (0..60)
            .map(|i| format!("t{i}: title"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for _ in 0..2 {
        let body = send(json!({"query": wide})).await;
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    }
    s.stop().await;
}
