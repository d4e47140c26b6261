//! Filters and ordering on connections: every operator family, JSON
//! conditions of the seeds' query patterns, boolean combinations, custom
//! orders with NULLs, and cursors that page through them both ways.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

async fn admin(s: &TestServer) -> String {
    s.token("insideout", "ada@insideout.example").await
}

fn list<'a>(data: &'a Value, root: &str) -> &'a Vec<Value> {
    data[root]["nodes"].as_array().unwrap()
}

#[tokio::test]
async fn scalar_and_boolean_filters() {
    let s = TestServer::start().await;
    let t = admin(&s).await;
    let all = s.data(&t, "{ courses(first: 100) { nodes { id title isPublished estimatedDuration createdAt } } }", json!({})).await;
    let all = list(&all, "courses").clone();
    let count = |pred: &dyn Fn(&Value) -> bool| all.iter().filter(|c| pred(c)).count();

    for (filter, expected) in [
        (
            json!({"isPublished": {"eq": true}}),
            count(&|c| c["isPublished"] == true),
        ),
        (
            json!({"isPublished": {"ne": true}}),
            count(&|c| c["isPublished"] == false),
        ),
        (
            json!({"title": {"contains": "change"}}),
            count(&|c| {
                c["title"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("change")
            }),
        ),
        (
            json!({"title": {"startsWith": "lead"}}),
            count(&|c| {
                c["title"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .starts_with("lead")
            }),
        ),
        (
            json!({"estimatedDuration": {"gte": 120}}),
            count(&|c| c["estimatedDuration"].as_i64().is_some_and(|d| d >= 120)),
        ),
        (
            json!({"estimatedDuration": {"isNull": true}}),
            count(&|c| c["estimatedDuration"].is_null()),
        ),
        (
            json!({"title": {"in": [all[0]["title"], all[1]["title"]]}}),
            2,
        ),
        (json!({"id": {"in": [all[0]["id"]]}}), 1),
        (
            json!({"createdAt": {"gt": all[0]["createdAt"]}}),
            count(&|c| c["createdAt"].as_str() > all[0]["createdAt"].as_str()),
        ),
        (
            json!({"not": {"isPublished": {"eq": true}}}),
            count(&|c| c["isPublished"] == false),
        ),
        (
            json!({"or": [{"isPublished": {"eq": true}}, {"isPublished": {"eq": false}}]}),
            all.len(),
        ),
        (
            json!({"and": [{"isPublished": {"eq": true}}, {"isPublished": {"eq": false}}]}),
            0,
        ),
    ] {
        let data = s
            .data(&t, "query($f: CourseFilter) { courses(filter: $f, first: 100) { totalCount nodes { id } } }", json!({"f": filter}))
            .await;
        assert_eq!(data["courses"]["totalCount"], expected, "{filter}");
        assert_eq!(list(&data, "courses").len(), expected, "{filter}");
    }
    s.stop().await;
}

#[tokio::test]
async fn json_filters_follow_the_seeds_query_patterns() {
    let s = TestServer::start().await;
    let t = admin(&s).await;
    // Seed 001: tp.expertise && ARRAY['AI Adoption', 'Change Management'] AND tp.rating >= 4.5
    let q = "query($f: TalentProfileFilter) { talentProfiles(filter: $f) { nodes { expertise rating } } }";
    let data = s.data(&t, q, json!({"f": {"expertise": {"overlaps": ["AI Adoption", "Change Management"]}, "rating": {"gte": "4.5"}}})).await;
    for p in list(&data, "talentProfiles") {
        let ex: Vec<&str> = p["expertise"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(ex.contains(&"AI Adoption") || ex.contains(&"Change Management"));
        assert!(p["rating"].as_str().unwrap().parse::<f64>().unwrap() >= 4.5);
    }
    assert!(!list(&data, "talentProfiles").is_empty());
    // Seed 002: metadata->>'active' = 'true' AND (metadata->>'experience_years')::int >= 10
    let q = "query($f: CoachFilter) { coaches(filter: $f) { nodes { metadata } } }";
    let everyone = s
        .data(&t, "{ coaches { nodes { metadata } } }", json!({}))
        .await;
    let senior = list(&everyone, "coaches")
        .iter()
        .filter(|c| {
            c["metadata"]["active"] == true
                && c["metadata"]["experience_years"].as_i64().unwrap_or(0) >= 10
        })
        .count();
    let data = s.data(&t, q, json!({"f": {"metadata": {"contains": {"active": true}, "at": [{"key": "experience_years", "gte": 10}]}}})).await;
    assert_eq!(list(&data, "coaches").len(), senior);
    assert!(senior > 0);
    // metadata->'specializations' @> '["C-suite"]'
    let data = s.data(&t, q, json!({"f": {"metadata": {"at": [{"key": "specializations", "contains": ["C-suite"]}]}}})).await;
    assert!(!list(&data, "coaches").is_empty());
    for c in list(&data, "coaches") {
        assert!(
            c["metadata"]["specializations"]
                .as_array()
                .unwrap()
                .contains(&json!("C-suite"))
        );
    }
    // metadata ? 'certifications'; NOT (metadata ? 'associate')
    let with = s
        .data(&t, q, json!({"f": {"metadata": {"hasKey": "associate"}}}))
        .await;
    let without = s
        .data(
            &t,
            q,
            json!({"f": {"not": {"metadata": {"hasKey": "associate"}}}}),
        )
        .await;
    assert_eq!(
        list(&with, "coaches").len() + list(&without, "coaches").len(),
        list(&everyone, "coaches").len()
    );
    // Arrays: learning paths for weak areas (seed 000: competency_areas && weak areas).
    let q = "query($f: LearningPathCategoryFilter) { learningPathCategories(filter: $f) { nodes { competencyAreas } } }";
    let data = s
        .data(
            &t,
            q,
            json!({"f": {"competencyAreas": {"contains": ["active_listening"]}}}),
        )
        .await;
    assert!(!list(&data, "learningPathCategories").is_empty());
    for c in list(&data, "learningPathCategories") {
        assert!(
            c["competencyAreas"]
                .as_array()
                .unwrap()
                .contains(&json!("active_listening"))
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn custom_orders_page_with_cursors_both_ways() {
    let s = TestServer::start().await;
    let t = admin(&s).await;
    // A nullable sort key (max_attempts) descending, NULLs last, then title.
    let order = json!([{"field": "MAX_ATTEMPTS", "direction": "DESC"}, {"field": "TITLE"}]);
    let q = "query($o: [QuizOrder!], $first: Int, $after: String, $last: Int, $before: String) {
        quizzes(orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
          edges { cursor node { id title maxAttempts } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let whole = s.data(&t, q, json!({"o": order, "first": 100})).await;
    let whole: Vec<Value> = whole["quizzes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let attempts: Vec<Option<i64>> = whole.iter().map(|n| n["maxAttempts"].as_i64()).collect();
    assert!(
        attempts.iter().any(Option::is_none) && attempts.iter().any(Option::is_some),
        "demo data mixes NULLs: {attempts:?}"
    );
    let first_null = attempts.iter().position(Option::is_none).unwrap();
    assert!(
        attempts[first_null..].iter().all(Option::is_none),
        "NULLs last: {attempts:?}"
    );
    assert!(
        attempts[..first_null].windows(2).all(|w| w[0] >= w[1]),
        "descending: {attempts:?}"
    );

    // Forward, one at a time.
    let mut seen = vec![];
    let mut after = Value::Null;
    loop {
        let page = s
            .data(&t, q, json!({"o": order, "first": 2, "after": after}))
            .await["quizzes"]
            .clone();
        seen.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, whole);
    // Backward, from the end.
    let mut back = vec![];
    let mut before = Value::Null;
    loop {
        let page = s
            .data(&t, q, json!({"o": order, "last": 2, "before": before}))
            .await["quizzes"]
            .clone();
        let mut nodes: Vec<Value> = page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        nodes.extend(back);
        back = nodes;
        if page["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        before = page["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(back, whole);
    s.stop().await;
}

#[tokio::test]
async fn nested_lists_filter_and_order_per_parent() {
    let s = TestServer::start().await;
    let t = admin(&s).await;
    let data = s
        .data(
            &t,
            "{ courses(first: 10) { nodes { lessons(orderBy: [{field: ORDER_INDEX, direction: DESC}], filter: {orderIndex: {gte: 2}}) {
                 totalCount nodes { orderIndex } } } } }",
            json!({}),
        )
        .await;
    for c in list(&data, "courses") {
        let idx: Vec<i64> = c["lessons"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["orderIndex"].as_i64().unwrap())
            .collect();
        assert!(idx.iter().all(|i| *i >= 2), "{idx:?}");
        assert!(idx.windows(2).all(|w| w[0] >= w[1]), "{idx:?}");
        assert_eq!(c["lessons"]["totalCount"], idx.len());
    }
    s.stop().await;
}

#[tokio::test]
async fn bad_filters_are_user_errors() {
    let s = TestServer::start().await;
    let t = admin(&s).await;
    for (q, vars) in [
        (
            "query($f: CoachFilter) { coaches(filter: $f) { totalCount } }",
            json!({"f": {"metadata": {"hasKey": "a'; DROP TABLE coaches; --"}}}),
        ),
        (
            "query($f: CoachFilter) { coaches(filter: $f) { totalCount } }",
            json!({"f": {"metadata": {"at": [{"key": "x y", "eq": 1}]}}}),
        ),
        (
            "query($f: CourseFilter) { courses(filter: $f) { totalCount } }",
            json!({"f": {"createdAt": {"gt": "yesterday"}}}),
        ),
        (
            "query($f: CourseFilter) { courses(filter: $f) { totalCount } }",
            json!({"f": {"id": {"eq": "not-an-id"}}}),
        ),
        (
            "query($f: CourseFilter) { courses(filter: $f) { totalCount } }",
            json!({"f": {"nope": {"eq": 1}}}),
        ),
    ] {
        let body = s.gql(&t, q, vars.clone()).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{vars}: {body}");
    }
    // A cursor from one order used with another.
    let page = s
        .data(
            &t,
            "{ courses(first: 1, orderBy: [{field: TITLE}]) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = page["courses"]["pageInfo"]["endCursor"].clone();
    let body = s
        .gql(
            &t,
            "query($c: String) { courses(after: $c) { totalCount } }",
            json!({"c": cursor}),
        )
        .await;
    assert!(
        body.get("errors").is_none() || code(&body) == "BAD_USER_INPUT",
        "{body}"
    );
    s.stop().await;
}
