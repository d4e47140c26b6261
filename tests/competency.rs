//! Framework competency assessments (seed 000): starting and submitting an
//! attempt, the per-competency result with insights and learning paths, and
//! the frontend's cached insights. Expected values are computed from the
//! demo content read over GraphQL, not written down.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{TestServer, code};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const CORE_I: &str = "50000000-0001-4000-8000-000000000001";
const NS_CORE: &str = "50000000-0002-4000-8000-000000000001";
/// Leo's second demo attempt (9 of 12).
const LEO_ATTEMPT: &str = "52000000-0001-4000-8000-000000000002";

const START: &str = "mutation($a: ID!) { startFrameworkAssessment(frameworkAssessmentId: $a) {
    id score completedAt timeSpent assessment { slug } } }";
const RESULT_FIELDS: &str = "score weakAreas strongAreas
    breakdown { competencyArea displayName correct total score }
    insights { weaknesses { skillTag competencyArea text } strengths { skillTag competencyArea text }
               actions { skillTag competencyArea text } leverage { competencyArea score text } }
    learningPaths { categoryTitle categoryIcon category { id priorityOrder }
                    resources { title resourceType url author competencyAreas } }
    attempt { id score completedAt timeSpent userResponses(first: 50) { nodes { isCorrect selectedAnswer question { id } } } }";

fn submit_query() -> String {
    format!(
        "mutation($a: ID!, $r: [FrameworkAssessmentResponseInput!]) {{
           submitFrameworkAssessmentAttempt(userAttemptId: $a, responses: $r) {{ {RESULT_FIELDS} }} }}"
    )
}

fn result_query() -> String {
    format!(
        "query($a: ID!) {{ frameworkAssessmentResult(userAttemptId: $a) {{ {RESULT_FIELDS} }} }}"
    )
}

const INSIGHTS: &str = "query($a: ID!) { frameworkAssessmentInsights(userAttemptId: $a) {
    weaknesses { skillTag competencyArea text } strengths { skillTag competencyArea text }
    actions { skillTag competencyArea text } leverage { competencyArea score text } } }";
const PATHS: &str = "query($a: ID!) { learningPathsForAssessment(userAttemptId: $a) {
    categoryTitle categoryIcon category { id priorityOrder }
    resources { title resourceType url author competencyAreas } } }";
const STORE: &str = "mutation($a: ID!, $j: JSON!) { storeFrontendInsights(userAttemptId: $a, frontendInsights: $j) {
    frontendInsights insightsGeneratedAt } }";

fn global(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

fn id_eq(s: &TestServer, id: &str) -> String {
    match s.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!("id = '{id}'"),
        _ => format!("id = X'{}'", id.replace('-', "")),
    }
}

/// The CORE I questions as an admin sees them: (id, correct answer, area).
async fn questions(s: &TestServer, admin: &str) -> Vec<(String, i64, String)> {
    let d = s
        .data(
            admin,
            "query($a: ID!) { node(id: $a) { ... on FrameworkAssessment {
               assessmentQuestions(first: 50, orderBy: [{ field: QUESTION_ORDER }]) {
                 nodes { id correctAnswer competencyArea } } } } }",
            json!({"a": global("FrameworkAssessment", CORE_I)}),
        )
        .await;
    d["node"]["assessmentQuestions"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_owned(),
                q["correctAnswer"].as_i64().unwrap(),
                q["competencyArea"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Per area: (correct, total), in the order the questions first ask them.
fn tally(qs: &[(String, i64, String)], correct: &BTreeSet<String>) -> Vec<(String, i64, i64)> {
    let mut out: Vec<(String, i64, i64)> = vec![];
    for (id, _, area) in qs {
        if !out.iter().any(|(a, _, _)| a == area) {
            out.push((area.clone(), 0, 0));
        }
        let e = out.iter_mut().find(|(a, _, _)| a == area).unwrap();
        e.2 += 1;
        e.1 += i64::from(correct.contains(id));
    }
    out
}

fn pct(part: i64, whole: i64) -> i64 {
    (100.0 * part as f64 / whole as f64).round() as i64
}

/// What the result should say, given which questions were answered right:
/// checks score, breakdown, areas, insights, leverage and learning paths
/// against the demo content.
async fn check_result(
    s: &TestServer,
    admin: &str,
    qs: &[(String, i64, String)],
    correct: &BTreeSet<String>,
    r: &Value,
) {
    let tallies = tally(qs, correct);
    assert_eq!(
        r["score"].as_i64().unwrap(),
        pct(correct.len() as i64, qs.len() as i64)
    );
    let breakdown = r["breakdown"].as_array().unwrap();
    assert_eq!(breakdown.len(), tallies.len());
    let names = s
        .data(
            admin,
            "{ competencyDisplayNames { nodes { competencyKey displayName } } }",
            json!({}),
        )
        .await;
    let name_of: BTreeMap<String, String> = names["competencyDisplayNames"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["competencyKey"].as_str().unwrap().into(),
                n["displayName"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut scores = BTreeMap::new();
    for (b, (area, c, t)) in breakdown.iter().zip(&tallies) {
        assert_eq!(b["competencyArea"], json!(area));
        assert_eq!(b["displayName"], json!(name_of[area]));
        assert_eq!(
            (b["correct"].as_i64(), b["total"].as_i64()),
            (Some(*c), Some(*t))
        );
        assert_eq!(b["score"].as_i64(), Some(pct(*c, *t)));
        scores.insert(area.clone(), pct(*c, *t));
    }
    let weak: Vec<&String> = tallies
        .iter()
        .map(|t| &t.0)
        .filter(|a| scores[*a] < 60)
        .collect();
    let strong: Vec<&String> = tallies
        .iter()
        .map(|t| &t.0)
        .filter(|a| scores[*a] >= 80)
        .collect();
    assert_eq!(r["weakAreas"], json!(weak));
    assert_eq!(r["strongAreas"], json!(strong));

    // Insights: from the skill tags of the weak / strong areas.
    let tags = s
        .data(
            admin,
            "{ skillTags(first: 100) { nodes { name competencyArea isActive
                 tagInsights { nodes { insightType insightText } } tagActions { nodes { actionText isActive } } } } }",
            json!({}),
        )
        .await;
    let mut want_weak = BTreeSet::new();
    let mut want_strong = BTreeSet::new();
    let mut want_actions = BTreeSet::new();
    for t in tags["skillTags"]["nodes"].as_array().unwrap() {
        let area = t["competencyArea"].as_str().unwrap();
        let name = t["name"].as_str().unwrap();
        let is_weak = weak.iter().any(|w| *w == area);
        let is_strong = strong.iter().any(|w| *w == area);
        for i in t["tagInsights"]["nodes"].as_array().unwrap() {
            let text = i["insightText"].as_str().unwrap().to_owned();
            match i["insightType"].as_str().unwrap() {
                "WEAKNESS" if is_weak => want_weak.insert((name.to_owned(), area.to_owned(), text)),
                "STRENGTH" if is_strong => {
                    want_strong.insert((name.to_owned(), area.to_owned(), text))
                }
                _ => false,
            };
        }
        if is_weak {
            for a in t["tagActions"]["nodes"].as_array().unwrap() {
                want_actions.insert((
                    name.to_owned(),
                    area.to_owned(),
                    a["actionText"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    let got = |key: &str| -> BTreeSet<(String, String, String)> {
        r["insights"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["skillTag"].as_str().unwrap().into(),
                    i["competencyArea"].as_str().unwrap().into(),
                    i["text"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(got("weaknesses"), want_weak);
    assert_eq!(got("strengths"), want_strong);
    assert_eq!(got("actions"), want_actions);
    assert!(!want_weak.is_empty() || weak.is_empty());

    // Leverage: the rows whose score range holds the competency's score.
    let lev = s
        .data(
            admin,
            "{ competencyLeverageStrengths(first: 100) { nodes { competencyArea leverageText scoreRangeMin scoreRangeMax priorityOrder } } }",
            json!({}),
        )
        .await;
    let mut want: Vec<(i64, String, i64, String)> = lev["competencyLeverageStrengths"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| {
            let area = l["competencyArea"].as_str().unwrap();
            let score = *scores.get(area)?;
            (l["scoreRangeMin"].as_i64().unwrap() <= score
                && score <= l["scoreRangeMax"].as_i64().unwrap())
            .then(|| {
                (
                    l["priorityOrder"].as_i64().unwrap(),
                    area.to_owned(),
                    score,
                    l["leverageText"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    want.sort();
    let got: Vec<(String, i64, String)> = r["insights"]["leverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["competencyArea"].as_str().unwrap().into(),
                l["score"].as_i64().unwrap(),
                l["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        want.into_iter()
            .map(|(_, a, s, t)| (a, s, t))
            .collect::<Vec<_>>()
    );

    // Learning paths: categories overlapping the weak areas, by priority.
    let cats = s
        .data(
            admin,
            "{ learningPathCategories(orderBy: [{ field: PRIORITY_ORDER }]) { nodes { categoryTitle competencyAreas
                 learningResources { totalCount } } } }",
            json!({}),
        )
        .await;
    let want: Vec<(String, i64)> = cats["learningPathCategories"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["competencyAreas"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| weak.iter().any(|w| *w == a.as_str().unwrap()))
        })
        .map(|c| {
            (
                c["categoryTitle"].as_str().unwrap().into(),
                c["learningResources"]["totalCount"].as_i64().unwrap(),
            )
        })
        .collect();
    let paths = r["learningPaths"].as_array().unwrap();
    let got: Vec<(String, i64)> = paths
        .iter()
        .map(|p| {
            (
                p["categoryTitle"].as_str().unwrap().into(),
                p["resources"].as_array().unwrap().len() as i64,
            )
        })
        .collect();
    assert_eq!(got, want);
    for p in paths {
        let types: Vec<(&str, &str)> = p["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["resourceType"].as_str().unwrap(),
                    x["title"].as_str().unwrap(),
                )
            })
            .collect();
        let mut sorted = types.clone();
        sorted.sort();
        assert_eq!(types, sorted, "resources by type, then title");
    }
}

#[tokio::test]
async fn start_then_submit_scores_per_competency_with_insights_and_paths() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let qs = questions(&s, &ada).await;
    assert!(qs.len() >= 8);

    let started = s
        .data(
            &leo,
            START,
            json!({"a": global("FrameworkAssessment", CORE_I)}),
        )
        .await["startFrameworkAssessment"]
        .clone();
    assert_eq!(started["score"], 0);
    assert!(started["completedAt"].is_null());
    assert_eq!(started["assessment"]["slug"], "core-fundamentals-i");
    let attempt = started["id"].as_str().unwrap().to_owned();

    // Not yet submitted: no result, insights or paths.
    for q in [result_query().as_str(), INSIGHTS, PATHS] {
        assert_eq!(
            code(&s.gql(&leo, q, json!({"a": attempt})).await),
            "CONFLICT"
        );
    }

    // Right in the first area, wrong everywhere else; the last question unanswered.
    let first_area = qs[0].2.clone();
    let mut responses = vec![];
    let mut correct = BTreeSet::new();
    for (i, (id, right, area)) in qs.iter().enumerate().take(qs.len() - 1) {
        let ok = *area == first_area || i % 3 == 0;
        let answer = if ok { *right } else { (right + 1) % 4 };
        if ok {
            correct.insert(id.clone());
        }
        responses.push(json!({"questionId": id, "answer": answer, "responseTime": 30 + i}));
    }
    let r = s
        .data(&leo, &submit_query(), json!({"a": attempt, "r": responses}))
        .await["submitFrameworkAssessmentAttempt"]
        .clone();
    check_result(&s, &ada, &qs, &correct, &r).await;
    let a = &r["attempt"];
    assert_eq!(a["id"], json!(attempt));
    assert_eq!(a["score"], r["score"]);
    assert!(!a["completedAt"].is_null() && a["timeSpent"].as_i64().unwrap() >= 0);
    let stored = a["userResponses"]["nodes"].as_array().unwrap();
    assert_eq!(stored.len(), qs.len() - 1);
    for n in stored {
        let qid = n["question"]["id"].as_str().unwrap();
        assert_eq!(n["isCorrect"].as_bool().unwrap(), correct.contains(qid));
    }
    assert!(!r["weakAreas"].as_array().unwrap().is_empty());
    assert!(!r["learningPaths"].as_array().unwrap().is_empty());

    // The queries answer the same.
    let again = s.data(&leo, &result_query(), json!({"a": attempt})).await;
    assert_eq!(again["frameworkAssessmentResult"], r);
    let ins = s.data(&leo, INSIGHTS, json!({"a": attempt})).await;
    assert_eq!(ins["frameworkAssessmentInsights"], r["insights"]);
    let paths = s.data(&leo, PATHS, json!({"a": attempt})).await;
    assert_eq!(paths["learningPathsForAssessment"], r["learningPaths"]);

    // Submitted once: a second submit conflicts; a new attempt can start.
    let twice = s
        .gql(&leo, &submit_query(), json!({"a": attempt, "r": []}))
        .await;
    assert_eq!(code(&twice), "CONFLICT", "{twice}");
    s.data(
        &leo,
        START,
        json!({"a": global("FrameworkAssessment", CORE_I)}),
    )
    .await;
    s.stop().await;
}

#[tokio::test]
async fn demo_attempt_result_matches_its_stored_responses() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let qs = questions(&s, &ada).await;
    let a = global("UserAttempt", LEO_ATTEMPT);
    let r =
        s.data(&leo, &result_query(), json!({"a": a})).await["frameworkAssessmentResult"].clone();
    let correct: BTreeSet<String> = r["attempt"]["userResponses"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["isCorrect"] == true)
        .map(|n| n["question"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(r["score"], r["attempt"]["score"]);
    check_result(&s, &ada, &qs, &correct, &r).await;
    assert!(!r["insights"]["leverage"].as_array().unwrap().is_empty());
    // An admin reads any attempt's result (read rules); another learner does not.
    let by_admin = s.data(&ada, &result_query(), json!({"a": a})).await;
    assert_eq!(by_admin["frameworkAssessmentResult"], r);
    let lina = s.token("insideout", "lina@learner.example").await;
    for q in [result_query().as_str(), INSIGHTS, PATHS] {
        assert_eq!(code(&s.gql(&lina, q, json!({"a": a})).await), "NOT_FOUND");
    }
    s.stop().await;
}

#[tokio::test]
async fn start_refuses_missing_foreign_inactive_and_second_in_progress() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let core = global("FrameworkAssessment", CORE_I);
    let start = |who: &str, a: &str| {
        let (who, a) = (who.to_owned(), a.to_owned());
        let s = &s;
        async move { s.gql(&who, START, json!({"a": a})).await }
    };
    assert_eq!(
        code(
            &start(
                &leo,
                &global("FrameworkAssessment", &uuid::Uuid::new_v4().to_string())
            )
            .await
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&start(&leo, &global("FrameworkAssessment", NS_CORE)).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&start(&leo, &global("Course", CORE_I)).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(&start("tenant:insideout", &core).await),
        "UNAUTHENTICATED"
    );

    s.data(&leo, START, json!({"a": core})).await;
    let second = start(&leo, &core).await;
    assert_eq!(code(&second), "CONFLICT", "{second}");
    // Someone else's in-progress attempt does not block Ada.
    s.data(&ada, START, json!({"a": core})).await;

    // Deactivated: invisible to learners, CONFLICT for an admin who sees it.
    s.db.execute_unprepared(&format!(
        "UPDATE framework_assessments SET is_active = false WHERE {}",
        id_eq(&s, CORE_I)
    ))
    .await
    .unwrap();
    let lina = s.token("insideout", "lina@learner.example").await;
    assert_eq!(code(&start(&lina, &core).await), "NOT_FOUND");
    let alex = s.token("insideout", "admin@coachql.dev").await;
    assert_eq!(code(&start(&alex, &core).await), "CONFLICT");
    s.stop().await;
}

/// Two starts at once: one attempt, one CONFLICT.
#[tokio::test]
async fn concurrent_starts_open_one_attempt() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let vars = json!({"a": global("FrameworkAssessment", CORE_I)});
    let (a, b) = tokio::join!(
        s.gql(&lina, START, vars.clone()),
        s.gql(&lina, START, vars.clone())
    );
    let codes: BTreeSet<&str> = [code(&a), code(&b)].into();
    assert_eq!(codes, BTreeSet::from(["<none>", "CONFLICT"]), "{a} {b}");
    let open = s
        .data(
            &lina,
            "{ userAttempts(filter: { completedAt: { isNull: true } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(open["userAttempts"]["totalCount"], 1);
    s.stop().await;
}

#[tokio::test]
async fn submit_refuses_others_bad_responses_and_keeps_the_attempt_open() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let qs = questions(&s, &ada).await;
    let started = s
        .data(
            &leo,
            START,
            json!({"a": global("FrameworkAssessment", CORE_I)}),
        )
        .await;
    let attempt = started["startFrameworkAssessment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let submit = |who: &str, r: Value| {
        let (who, attempt) = (who.to_owned(), attempt.clone());
        let s = &s;
        async move {
            s.gql(&who, &submit_query(), json!({"a": attempt, "r": r}))
                .await
        }
    };
    let q0 = &qs[0].0;
    let cases = [
        (
            json!([{"questionId": global("AssessmentQuestion", &uuid::Uuid::new_v4().to_string()), "answer": 0}]),
            "unknown question",
        ),
        (
            json!([{"questionId": global("Course", &uuid::Uuid::new_v4().to_string()), "answer": 0}]),
            "not a question id",
        ),
        (
            json!([{"questionId": q0, "answer": 1}, {"questionId": q0, "answer": 2}]),
            "twice",
        ),
        (
            json!([{"questionId": q0, "answer": 4}]),
            "answer out of range",
        ),
        (json!([{"questionId": q0, "answer": -1}]), "negative answer"),
        (
            json!([{"questionId": q0, "answer": 1, "responseTime": -5}]),
            "negative time",
        ),
    ];
    for (r, why) in cases {
        let got = submit(&leo, r).await;
        assert_eq!(code(&got), "BAD_USER_INPUT", "{why}: {got}");
    }
    assert_eq!(code(&submit(&lina, json!([])).await), "NOT_FOUND");
    assert_eq!(code(&submit(&ada, json!([])).await), "FORBIDDEN");
    let missing = s
        .gql(
            &leo,
            &submit_query(),
            json!({"a": global("UserAttempt", &uuid::Uuid::new_v4().to_string()), "r": []}),
        )
        .await;
    assert_eq!(code(&missing), "NOT_FOUND");
    // Nothing was kept: still in progress, no responses.
    let a = s
        .data(&leo, "query($a: ID!) { node(id: $a) { ... on UserAttempt { completedAt userResponses { totalCount } } } }", json!({"a": attempt}))
        .await;
    assert!(a["node"]["completedAt"].is_null());
    assert_eq!(a["node"]["userResponses"]["totalCount"], 0);
    // An empty submission: every question wrong, score 0, all areas weak.
    let r = submit(&leo, json!([])).await;
    let r = &r["data"]["submitFrameworkAssessmentAttempt"];
    assert_eq!(r["score"], 0);
    assert_eq!(r["strongAreas"], json!([]));
    assert_eq!(
        r["weakAreas"].as_array().unwrap().len(),
        r["breakdown"].as_array().unwrap().len()
    );
    s.stop().await;
}

#[tokio::test]
async fn store_frontend_insights_replaces_the_owners_cache() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let a = global("UserAttempt", LEO_ATTEMPT);
    let before = s
        .data(
            &leo,
            "query($a: ID!) { node(id: $a) { ... on UserAttempt { insightsGeneratedAt } } }",
            json!({"a": a}),
        )
        .await["node"]["insightsGeneratedAt"]
        .as_str()
        .unwrap()
        .to_owned();
    let doc = json!({"version": 3, "weak_areas": ["powerful_questions"], "note": "recomputed"});
    let got = s.data(&leo, STORE, json!({"a": a, "j": doc})).await["storeFrontendInsights"].clone();
    assert_eq!(got["frontendInsights"], doc);
    let at = got["insightsGeneratedAt"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(at).unwrap()
            > chrono::DateTime::parse_from_rfc3339(&before).unwrap()
    );

    assert_eq!(
        code(&s.gql(&leo, STORE, json!({"a": a, "j": [1, 2]})).await),
        "BAD_USER_INPUT"
    );
    let big = json!({"blob": "x".repeat(70 * 1024)});
    assert_eq!(
        code(&s.gql(&leo, STORE, json!({"a": a, "j": big})).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(&s.gql(&lina, STORE, json!({"a": a, "j": {}})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&ada, STORE, json!({"a": a, "j": {}})).await),
        "FORBIDDEN"
    );
    let started = s
        .data(
            &leo,
            START,
            json!({"a": global("FrameworkAssessment", CORE_I)}),
        )
        .await;
    let open = started["startFrameworkAssessment"]["id"].clone();
    assert_eq!(
        code(&s.gql(&leo, STORE, json!({"a": open, "j": {}})).await),
        "CONFLICT"
    );
    // The refused writes left the cache as stored.
    let now = s
        .data(
            &leo,
            "query($a: ID!) { node(id: $a) { ... on UserAttempt { frontendInsights } } }",
            json!({"a": a}),
        )
        .await;
    assert_eq!(now["node"]["frontendInsights"], doc);
    s.stop().await;
}
