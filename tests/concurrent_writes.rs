//! Writes of every family at once: on SQLite every write, `signUp`
//! included, takes the write lock at BEGIN and waits its turn, so none fails
//! with "database is locked"; on PostgreSQL each is one transaction. No
//! write is lost: concurrent point awards all add up.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const LEO: &str = "VXNlcjoyMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDk";

#[tokio::test]
async fn every_mutation_family_at_once() {
    let s = TestServer::start_with(|c| c.db_max_connections = 8).await;
    let token = |email: &'static str| s.token("insideout", email);
    let (leo, lina, cora, ivan, olga) = (
        token("leo@learner.example").await,
        token("lina@learner.example").await,
        token("cora@insideout.example").await,
        token("ivan@insideout.example").await,
        token("olga@acme.example").await,
    );
    // Lina takes the course whose lesson she starts below.
    s.data(
        &lina,
        "mutation { enrollInCourse(courseId: \"Q291cnNlOjQwMDAwMDAwLTAwMDEtNDAwMC04MDAwLTAwMDAwMDAwMDAwMg\") { __typename } }",
        json!({}),
    )
    .await;
    let total = |body: &Value| body["data"]["awardPoints"]["totalPoints"].as_i64();
    let before = s
        .data(
            &ivan,
            "mutation($u: ID!) { awardPoints(userId: $u, points: 1, activityType: \"bonus\", reason: \"warm-up\") { totalPoints } }",
            json!({"u": LEO}),
        )
        .await["awardPoints"]["totalPoints"]
        .as_i64()
        .unwrap();
    let mut calls: Vec<(&str, String, &str, Value)> = vec![];
    for i in 0..8 {
        calls.push((
            "signUp",
            String::new(),
            "mutation($e: String!) { signUp(tenant: \"insideout\", email: $e, password: \"long enough password\") { token } }",
            json!({"e": format!("crowd{i}@example.com")}),
        ));
        calls.push((
            "awardPoints",
            ivan.clone(),
            "mutation($u: ID!) { awardPoints(userId: $u, points: 25, activityType: \"bonus\", reason: \"crowd\") { totalPoints } }",
            json!({"u": LEO}),
        ));
    }
    for i in 0..4 {
        calls.push((
            "registerForWorkshop",
            [&leo, &lina][i % 2].clone(),
            "mutation { registerForWorkshop(workshopId: \"V29ya3Nob3A6NjIwMDAwMDAtMDAwMS00MDAwLTgwMDAtMDAwMDAwMDAwMDA0\") { status } }",
            json!({}),
        ));
        calls.push((
            "startLesson",
            lina.clone(),
            "mutation { startLesson(lessonId: \"TGVzc29uOjQxMDAwMDAwLTAwMDEtNDAwMC04MDAwLTAwMDAwMDAwMDAwNA\") { status } }",
            json!({}),
        ));
        calls.push((
            "startFrameworkAssessment",
            leo.clone(),
            "mutation { startFrameworkAssessment(frameworkAssessmentId: \"RnJhbWV3b3JrQXNzZXNzbWVudDo1MDAwMDAwMC0wMDAxLTQwMDAtODAwMC0wMDAwMDAwMDAwMDE\") { id } }",
            json!({}),
        ));
        calls.push((
            "createDataItem",
            cora.clone(),
            "mutation($c: String!) { createDataItem(dataType: TRANSCRIPT, visibilityLevel: PRIVATE, rawContent: $c) { id } }",
            json!({"c": format!("note {i}")}),
        ));
        calls.push((
            "updateMyPreferences",
            leo.clone(),
            "mutation { updateMyPreferences(input: {leaderboardPrivacy: ANONYMOUS}) { leaderboardPrivacy } }",
            json!({}),
        ));
        calls.push((
            "answerAdaptabilityQuestion",
            olga.clone(),
            "mutation($q: String!) { answerAdaptabilityQuestion(adaptabilityAssessmentId: \"QWRhcHRhYmlsaXR5QXNzZXNzbWVudDo2MDAwMDAwMC0wMDAxLTQwMDAtODAwMC0wMDAwMDAwMDAwMDQ\", questionId: $q, dimension: LEADERSHIP, answerType: SCALE, value: 70, weight: \"1.5\") { leadershipScore } }",
            json!({"q": format!("crowd-{i}")}),
        ));
    }
    let results = futures::future::join_all(
        calls
            .iter()
            .map(|(_, auth, query, vars)| s.gql(auth, query, vars.clone())),
    )
    .await;
    let mut awarded = vec![];
    for ((family, ..), body) in calls.iter().zip(&results) {
        let c = code(body);
        // Repeating a once-only action may conflict; nothing may fail.
        assert!(
            body.get("errors").is_none() || c == "CONFLICT",
            "{family}: {body:#}"
        );
        if *family == "awardPoints" {
            awarded.push(total(body).unwrap());
        }
    }
    // Every award counted exactly once: the totals seen are all distinct
    // and the last is the sum.
    awarded.sort_unstable();
    awarded.dedup();
    assert_eq!(awarded.len(), 8, "{awarded:?}");
    assert_eq!(*awarded.last().unwrap(), before + 8 * 25);
    s.stop().await;
}
