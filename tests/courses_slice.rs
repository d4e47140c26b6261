//! The vertical slice through every layer: courses → lessons → content
//! blocks over HTTP, paginated, batched and confined to the token's tenant.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const LEARNER: &str = "leo@learner.example";

#[tokio::test]
async fn nested_course_tree_is_served_from_the_tokens_tenant() {
    let s = TestServer::start().await;
    let token = s.token("insideout", LEARNER).await;
    let data = s
        .data(
            &token,
            "{ courses(first: 10) { totalCount nodes { id title organization { name }
               lessons { totalCount nodes { title orderIndex course { title }
                 contentBlocks { nodes { type content } } } } } } }",
            json!({}),
        )
        .await;
    let courses = data["courses"]["nodes"].as_array().unwrap();
    assert_eq!(data["courses"]["totalCount"], courses.len());
    assert!(!courses.is_empty());
    let mut types = std::collections::BTreeSet::new();
    for c in courses {
        let lessons = c["lessons"]["nodes"].as_array().unwrap();
        let orders: Vec<i64> = lessons
            .iter()
            .map(|l| l["orderIndex"].as_i64().unwrap())
            .collect();
        assert!(
            orders.windows(2).all(|w| w[0] <= w[1]),
            "lessons in order: {orders:?}"
        );
        for l in lessons {
            assert_eq!(l["course"]["title"], c["title"]);
            for b in l["contentBlocks"]["nodes"].as_array().unwrap() {
                types.insert(b["type"].as_str().unwrap().to_owned());
                assert!(b["content"].is_object());
            }
        }
    }
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["FILE", "IMAGE", "RICH_TEXT", "VIDEO", "YOUTUBE"]
    );

    // The other tenant sees only its own courses, and none of these.
    let other = s.token("northstar", LEARNER).await;
    let theirs = s
        .data(&other, "{ courses { nodes { id } } }", json!({}))
        .await;
    let ours: Vec<&Value> = courses.iter().map(|c| &c["id"]).collect();
    for c in theirs["courses"]["nodes"].as_array().unwrap() {
        assert!(!ours.contains(&&c["id"]));
    }
    s.stop().await;
}

#[tokio::test]
async fn cursors_page_forwards_and_backwards() {
    let s = TestServer::start().await;
    // The tenant admin sees every course (published or not).
    let token = s.token("insideout", "ada@insideout.example").await;
    let all = s
        .data(
            &token,
            "{ courses(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    let ids: Vec<Value> = all["courses"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    assert!(
        ids.len() >= 3,
        "demo data has at least 3 courses in insideout"
    );

    let q = "query($first: Int, $after: String, $last: Int, $before: String) {
        courses(first: $first, after: $after, last: $last, before: $before) {
          totalCount edges { cursor node { id } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let mut seen = vec![];
    let mut after = Value::Null;
    loop {
        let page = s.data(&token, q, json!({"first": 1, "after": after})).await["courses"].clone();
        assert_eq!(page["totalCount"], ids.len());
        for e in page["edges"].as_array().unwrap() {
            seen.push(e["node"]["id"].clone());
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, ids);

    let back = s.data(&token, q, json!({"last": 2})).await["courses"].clone();
    let tail: Vec<Value> = back["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert_eq!(tail, ids[ids.len() - 2..]);
    assert_eq!(back["pageInfo"]["hasPreviousPage"], true);
    let before = back["pageInfo"]["startCursor"].clone();
    let prev = s
        .data(&token, q, json!({"last": 1, "before": before}))
        .await["courses"]
        .clone();
    assert_eq!(prev["edges"][0]["node"]["id"], ids[ids.len() - 3]);

    // Nested lists page too.
    let nested = s
        .data(
            &token,
            "{ courses(first: 1) { nodes { lessons(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { orderIndex } } } } }",
            json!({}),
        )
        .await;
    let lessons = &nested["courses"]["nodes"][0]["lessons"];
    assert_eq!(lessons["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(
        lessons["pageInfo"]["hasNextPage"],
        lessons["totalCount"].as_i64().unwrap() > 1
    );
    s.stop().await;
}

#[tokio::test]
async fn node_resolves_global_ids_only_within_the_tenant() {
    let s = TestServer::start().await;
    let ours = s.token("insideout", LEARNER).await;
    let theirs = s.token("northstar", LEARNER).await;
    let data = s
        .data(
            &ours,
            "{ courses(first: 1) { nodes { id title lessons(first: 1) { nodes { id } } } } }",
            json!({}),
        )
        .await;
    let course = &data["courses"]["nodes"][0];
    let q = "query($id: ID!) { node(id: $id) { id ... on Course { title } ... on Lesson { course { id } } } }";
    let got = s.data(&ours, q, json!({"id": course["id"]})).await;
    assert_eq!(got["node"]["title"], course["title"]);
    let lesson_id = &course["lessons"]["nodes"][0]["id"];
    let got = s.data(&ours, q, json!({"id": lesson_id})).await;
    assert_eq!(got["node"]["course"]["id"], course["id"]);
    // Another tenant's token: as if it did not exist.
    let got = s.data(&theirs, q, json!({"id": course["id"]})).await;
    assert_eq!(got["node"], Value::Null);
    let got = s.data(&theirs, q, json!({"id": lesson_id})).await;
    assert_eq!(got["node"], Value::Null);
    // Not an id at all.
    let body = s.gql(&ours, q, json!({"id": "nope"})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");

    // `nodes`: same order, null in place of what the caller cannot see.
    let q = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Course { title } ... on Lesson { course { id } } } }";
    let ids = json!([lesson_id, course["id"], lesson_id]);
    let got = s.data(&ours, q, json!({"ids": ids})).await;
    assert_eq!(got["nodes"][0]["course"]["id"], course["id"]);
    assert_eq!(got["nodes"][1]["title"], course["title"]);
    assert_eq!(got["nodes"][2]["id"], *lesson_id);
    let body = s.gql(&theirs, q, json!({"ids": ids})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["nodes"], json!([null, null, null]));
    let body = s
        .gql(&ours, q, json!({"ids": [course["id"], "nope"]}))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    let many: Vec<_> = (0..101).map(|_| course["id"].clone()).collect();
    let body = s.gql(&ours, q, json!({"ids": many})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    s.stop().await;
}

#[tokio::test]
async fn bad_paging_arguments_are_user_errors() {
    let s = TestServer::start_with(|c| c.max_page_size = 5).await;
    let token = s.token("insideout", LEARNER).await;
    for q in [
        "{ courses(first: 6) { totalCount } }",
        "{ courses(first: -1) { totalCount } }",
        "{ courses(first: 1, last: 1) { totalCount } }",
        "{ courses(after: \"garbage\") { totalCount } }",
        "{ courses(first: 1) { nodes { lessons(after: \"WyJ4Il0\") { totalCount } } } }",
    ] {
        let body = s.gql(&token, q, json!({})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{q}: {body}");
    }
    s.stop().await;
}

#[tokio::test]
async fn anonymous_requests_name_their_tenant() {
    let s = TestServer::start().await;
    let data = s
        .data("tenant:insideout", "{ courses { totalCount } }", json!({}))
        .await;
    assert!(data["courses"]["totalCount"].as_i64().unwrap() > 0);
    let body = s.gql("", "{ courses { totalCount } }", json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
    let body = s
        .gql(
            "tenant:no-such-tenant",
            "{ courses { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
    let body = s
        .gql("not.a.token", "{ courses { totalCount } }", json!({}))
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
    s.stop().await;
}
