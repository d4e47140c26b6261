//! Adaptability answers (seed 001): dimension scores are the weighted
//! averages of the numeric answers; the overall score follows; only the
//! person assessed answers, and only while in progress.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const ANSWER: &str = "mutation($a: ID!, $q: String!, $d: AdaptabilityDimension!, $t: AnswerType!, $v: Int, $w: Decimal) {
    answerAdaptabilityQuestion(adaptabilityAssessmentId: $a, questionId: $q, dimension: $d, answerType: $t, value: $v, weight: $w) {
      status overallScore individualScore leadershipScore culturalScore embeddingScore velocityScore
      assessmentAnswers(first: 100) { nodes { questionId dimension answerValue questionWeight } } } }";
const COMPLETE: &str = "mutation($a: ID!) { completeAdaptabilityAssessment(adaptabilityAssessmentId: $a) { status completedAt overallScore } }";

fn global(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

/// Σ(value × weight) / Σ(weight) per dimension, rounded half away from zero.
fn expected(a: &Value, dim: &str) -> Option<i64> {
    let (mut sum, mut w) = (0.0, 0.0);
    for n in a["assessmentAnswers"]["nodes"].as_array().unwrap() {
        if n["dimension"] == dim.to_uppercase().as_str() && !n["answerValue"].is_null() {
            let weight: f64 = n["questionWeight"].as_str().unwrap().parse().unwrap();
            sum += n["answerValue"].as_f64().unwrap() * weight;
            w += weight;
        }
    }
    (w > 0.0).then(|| (sum / w).round() as i64)
}

#[tokio::test]
async fn answers_recompute_weighted_scores_until_completed() {
    let s = TestServer::start().await;
    let olga = s.token("insideout", "olga@acme.example").await;
    // Olga's in-progress assessment in the demo data.
    let id = global(
        "AdaptabilityAssessment",
        "60000000-0001-4000-8000-000000000004",
    );
    let dims = [
        "individual",
        "leadership",
        "cultural",
        "embedding",
        "velocity",
    ];
    let mut last = Value::Null;
    for (i, d) in dims.iter().enumerate() {
        let vars = json!({"a": id, "q": format!("t-{d}"), "d": d.to_uppercase(), "t": "SCALE", "v": 40 + 10 * i as i64, "w": "2.5"});
        last = s.data(&olga, ANSWER, vars).await["answerAdaptabilityQuestion"].clone();
        let field = format!("{d}Score");
        assert_eq!(last[&field].as_i64(), expected(&last, d), "{d}: {last}");
    }
    let scores: Vec<i64> = dims
        .iter()
        .map(|d| last[format!("{d}Score")].as_i64().unwrap())
        .collect();
    assert_eq!(
        last["overallScore"].as_i64(),
        Some(scores.iter().sum::<i64>() / 5)
    );
    // Replacing an answer replaces, not adds.
    let before = last["assessmentAnswers"]["nodes"].as_array().unwrap().len();
    let again = s
        .data(
            &olga,
            ANSWER,
            json!({"a": id, "q": "t-velocity", "d": "VELOCITY", "t": "SCALE", "v": 100}),
        )
        .await;
    let again = &again["answerAdaptabilityQuestion"];
    assert_eq!(
        again["assessmentAnswers"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        before
    );
    assert_eq!(again["velocityScore"].as_i64(), expected(again, "velocity"));

    let done = s.data(&olga, COMPLETE, json!({"a": id})).await;
    assert_eq!(
        done["completeAdaptabilityAssessment"]["status"],
        "COMPLETED"
    );
    let late = s
        .gql(
            &olga,
            ANSWER,
            json!({"a": id, "q": "late", "d": "CULTURAL", "t": "SCALE", "v": 1}),
        )
        .await;
    assert_eq!(code(&late), "CONFLICT");
    assert_eq!(
        code(&s.gql(&olga, COMPLETE, json!({"a": id})).await),
        "CONFLICT"
    );
    s.stop().await;
}

#[tokio::test]
async fn only_the_person_assessed_answers_valid_values() {
    let s = TestServer::start().await;
    let olga = s.token("insideout", "olga@acme.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let hers = global(
        "AdaptabilityAssessment",
        "60000000-0001-4000-8000-000000000004",
    );
    // Clara's assessment: visible to Olga (org admin of Acme) but not hers to answer.
    let claras = global(
        "AdaptabilityAssessment",
        "60000000-0001-4000-8000-000000000001",
    );
    let vars = |a: &str, d: &str, v: i64| json!({"a": a, "q": "x-1", "d": d.to_uppercase(), "t": "SCALE", "v": v});
    assert_eq!(
        code(&s.gql(&leo, ANSWER, vars(&hers, "cultural", 50)).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&olga, ANSWER, vars(&claras, "cultural", 50)).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&s.gql(&olga, ANSWER, vars(&hers, "charisma", 50)).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(&s.gql(&olga, ANSWER, vars(&hers, "cultural", 150)).await),
        "BAD_USER_INPUT"
    );
    // Another tenant's admin, with valid arguments: as if it did not exist.
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(&s.gql(&nora, ANSWER, vars(&hers, "cultural", 50)).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&nora, COMPLETE, json!({"a": hers})).await),
        "NOT_FOUND"
    );
    let no_value = json!({"a": hers, "q": "x-2", "d": "CULTURAL", "t": "SCALE"});
    assert_eq!(
        code(&s.gql(&olga, ANSWER, no_value).await),
        "BAD_USER_INPUT"
    );
    s.stop().await;
}

#[tokio::test]
async fn organization_trend_averages_what_the_caller_may_read() {
    let s = TestServer::start().await;
    let acme = global("Organization", "30000000-0001-4000-8000-000000000001");
    let trend = "query($o: ID!) { orgAdaptabilityTrend(organizationId: $o, months: 24) {
        month assessments avgOverall avgIndividual avgVelocity } }";
    let olga = s.token("insideout", "olga@acme.example").await;
    let points = s.data(&olga, trend, json!({"o": acme})).await["orgAdaptabilityTrend"].clone();
    let list = s
        .data(
            &olga,
            "query($o: UUID) { adaptabilityAssessments(filter: {organizationId: {eq: $o}, status: {eq: COMPLETED}}) {
               nodes { completedAt overallScore individualScore } } }",
            json!({"o": "30000000-0001-4000-8000-000000000001"}),
        )
        .await;
    let done = list["adaptabilityAssessments"]["nodes"].as_array().unwrap();
    assert!(!done.is_empty());
    let total: i64 = points
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["assessments"].as_i64().unwrap())
        .sum();
    assert_eq!(total, done.len() as i64);
    // One month's average equals the average of that month's scores.
    let p = &points[0];
    let month = &p["month"].as_str().unwrap()[..7];
    let same: Vec<f64> = done
        .iter()
        .filter(|a| a["completedAt"].as_str().unwrap().starts_with(month))
        .map(|a| a["overallScore"].as_f64().unwrap())
        .collect();
    assert_eq!(
        p["avgOverall"].as_f64().unwrap(),
        same.iter().sum::<f64>() / same.len() as f64
    );
    // Another tenant's admin learns nothing of Acme.
    let nora = s.token("northstar", "nora@northstar.example").await;
    let none = s.data(&nora, trend, json!({"o": acme})).await;
    assert_eq!(none["orgAdaptabilityTrend"], json!([]));
    let bad = s
        .gql(
            &olga,
            "query($o: ID!) { orgAdaptabilityTrend(organizationId: $o, months: 0) { month } }",
            json!({"o": acme}),
        )
        .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");
    s.stop().await;
}
