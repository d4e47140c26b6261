//! Where coachql and the seeds could disagree at the edges, the decided
//! behaviour (docs/SCHEMA_MAP.md, "Edges"):
//!
//! - `learningPathsForAssessment` filters to `core-i` when no question of
//!   the assessment names a level (the seed's fixed level);
//! - `searchTalent(expertise: [])` matches no profile (`expertise &&
//!   ARRAY[]`), and so does `availability: []`; omitted, they set no
//!   condition;
//! - a decimal argument is checked against its column's precision and
//!   scale before it is written: what the column would round (into a CHECK
//!   violation or not) or cannot hold is `BAD_USER_INPUT`, never
//!   `INTERNAL`.

mod common;

use common::{TestServer, code};
use entity::{assessment_questions as questions, learning_path_categories as categories};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, sea_query::Expr,
};
use serde_json::{Value, json};

fn global(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

/// Leo's first CORE I attempt: 6 of 12, weak in several areas.
const LEO_ATTEMPT: &str = "52000000-0001-4000-8000-000000000001";
const CORE_I: &str = "50000000-0001-4000-8000-000000000001";

async fn path_titles(s: &TestServer, leo: &str) -> Vec<String> {
    let d = s
        .data(
            leo,
            "query($a: ID!) { learningPathsForAssessment(userAttemptId: $a) { categoryTitle } }",
            json!({"a": global("UserAttempt", LEO_ATTEMPT)}),
        )
        .await;
    d["learningPathsForAssessment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["categoryTitle"].as_str().unwrap().to_owned())
        .collect()
}

async fn insights(s: &TestServer, leo: &str) -> Value {
    s.data(
        leo,
        "query($a: ID!) { frameworkAssessmentResult(userAttemptId: $a) {
           insights { weaknesses { skillTag } strengths { skillTag } actions { skillTag } } } }",
        json!({"a": global("UserAttempt", LEO_ATTEMPT)}),
    )
    .await["frameworkAssessmentResult"]["insights"]
        .clone()
}

#[tokio::test]
async fn learning_paths_without_a_question_level_are_core_i() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let core_i = path_titles(&s, &leo).await;
    assert!(!core_i.is_empty());
    let before = insights(&s, &leo).await;
    assert!(
        before["weaknesses"]
            .as_array()
            .is_some_and(|w| !w.is_empty())
    );
    // A core-ii category covering every weak area.
    let model = categories::Entity::find()
        .filter(categories::Column::CategoryTitle.eq("Deep Listening Practice"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let mut ii = model.into_active_model();
    ii.id = Set(uuid::Uuid::new_v4());
    ii.category_title = Set("Core II Only".into());
    ii.assessment_level = Set(Some("core-ii".into()));
    ii.competency_areas = Set(json!([
        "active_listening",
        "powerful_questions",
        "creating_awareness",
        "designing_actions"
    ]));
    ii.reset_all().insert(&s.db).await.unwrap();
    assert_eq!(path_titles(&s, &leo).await, core_i, "questions at core-i");
    // No question names a level: still core-i, as the seed's function.
    questions::Entity::update_many()
        .col_expr(
            questions::Column::AssessmentLevel,
            Expr::val(Option::<String>::None),
        )
        .filter(questions::Column::AssessmentId.eq(uuid::Uuid::parse_str(CORE_I).unwrap()))
        .exec(&s.db)
        .await
        .unwrap();
    assert_eq!(path_titles(&s, &leo).await, core_i, "no question level");
    // The insights read the same level: unchanged too.
    assert_eq!(
        insights(&s, &leo).await,
        before,
        "insights without a question level"
    );
    s.stop().await;
}

#[tokio::test]
async fn search_talent_with_an_empty_list_matches_none() {
    let s = TestServer::start().await;
    let q = "query($x: [String!], $a: [Availability!]) { searchTalent(expertise: $x, availability: $a) { id } }";
    for auth in [
        "tenant:insideout".to_owned(),
        s.token("insideout", "ada@insideout.example").await,
    ] {
        let found = |d: Value| d["searchTalent"].as_array().unwrap().len();
        let any = found(s.data(&auth, q, json!({})).await);
        assert!(any > 0, "omitted: no condition");
        assert_eq!(
            found(s.data(&auth, q, json!({"x": null, "a": null})).await),
            any,
            "null: no condition"
        );
        assert_eq!(
            found(s.data(&auth, q, json!({"x": []})).await),
            0,
            "expertise: []"
        );
        assert_eq!(
            found(s.data(&auth, q, json!({"a": []})).await),
            0,
            "availability: []"
        );
        assert_eq!(
            found(
                s.data(&auth, q, json!({"x": ["AI Adoption"], "a": []}))
                    .await
            ),
            0
        );
        // An empty list does not excuse an invalid availability.
        let body = s.gql(&auth, q, json!({"x": [], "a": ["soon"]})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    }
    s.stop().await;
}

/// Each decimal argument with values its column would round or cannot
/// hold, and one it takes.
#[tokio::test]
async fn decimal_inputs_are_checked_against_their_column() {
    let s = TestServer::start().await;
    let olga = s.token("insideout", "olga@acme.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let grace = s.token("insideout", "grace@globex.example").await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let answer = "mutation($w: Decimal) { answerAdaptabilityQuestion(
        adaptabilityAssessmentId: \"QWRhcHRhYmlsaXR5QXNzZXNzbWVudDo2MDAwMDAwMC0wMDAxLTQwMDAtODAwMC0wMDAwMDAwMDAwMDQ\",
        questionId: \"edge-1\", dimension: CULTURAL, answerType: SCALE, value: 50, weight: $w) {
          assessmentAnswers(first: 50, filter: {questionId: {eq: \"edge-1\"}}) { nodes { questionWeight } } } }";
    assert_eq!(
        global(
            "AdaptabilityAssessment",
            "60000000-0001-4000-8000-000000000004"
        ),
        "QWRhcHRhYmlsaXR5QXNzZXNzbWVudDo2MDAwMDAwMC0wMDAxLTQwMDAtODAwMC0wMDAwMDAwMDAwMDQ"
    );
    let workshop = "mutation($p: Decimal) { createWorkshop(input: {title: \"Edge\", description: \"Edges.\",
        pillar: COACHING, level: BEGINNER, format: LIVE, capacity: 5, priceAmount: $p}) { priceAmount } }";
    let engagement = "mutation($h: Decimal!, $r: Decimal) { createEngagement(
        talentProfileId: \"VGFsZW50UHJvZmlsZTo2NjAwMDAwMC0wMDAxLTQwMDAtODAwMC0wMDAwMDAwMDAwMDE\",
        focusArea: \"Edges\", hoursTotal: $h, hourlyRate: $r) { hoursTotal hourlyRate } }";
    assert_eq!(
        global("TalentProfile", "66000000-0001-4000-8000-000000000001"),
        "VGFsZW50UHJvZmlsZTo2NjAwMDAwMC0wMDAxLTQwMDAtODAwMC0wMDAwMDAwMDAwMDE"
    );
    let session = format!(
        "mutation($h: Decimal!) {{ completeEngagementSession(engagementSessionId: \"{}\", durationHours: $h) {{ durationHours }} }}",
        global("EngagementSession", "69000000-0001-4000-8000-000000000005")
    );
    let profile =
        "mutation($r: Decimal) { upsertTalentProfile(input: {hourlyRate: $r}) { hourlyRate } }";
    let pay = format!(
        "mutation($a: Decimal!) {{ createPayment(engagementId: \"{}\", amount: $a, provider: MANUAL) {{ amount }} }}",
        global("Engagement", "68000000-0001-4000-8000-000000000001")
    );
    let refund = format!(
        "mutation($a: Decimal) {{ refundPayment(paymentId: \"{}\", amount: $a) {{ refundAmount }} }}",
        global("Payment", "63000000-0001-4000-8000-000000000001")
    );
    let clara = s.token("insideout", "clara@acme.example").await;
    let cases: Vec<(&str, &str, &str, &str, Vec<&str>)> = vec![
        // who, mutation, variable, argument, refused values
        (
            &olga,
            answer,
            "w",
            "weight",
            vec!["0.001", "0.005", "1.234", "0", "-1", "100.01", "1000"],
        ),
        (
            &ivan,
            workshop,
            "p",
            "priceAmount",
            vec!["99.999", "-0.01", "100000000"],
        ),
        (
            &grace,
            engagement,
            "h",
            "hoursTotal",
            vec!["0.001", "12.345", "100000"],
        ),
        (&grace, engagement, "r", "hourlyRate", vec!["10.001"]),
        (&ada, &session, "h", "durationHours", vec!["0.004", "1000"]),
        (&eli, profile, "r", "hourlyRate", vec!["10.005", "-1"]),
        (
            &clara,
            &pay,
            "a",
            "amount",
            vec!["0.001", "10.001", "100000000"],
        ),
        (&ada, &refund, "a", "amount", vec!["0.001", "0.10001"]),
    ];
    for (who, mutation, var, arg, refused) in cases {
        for v in refused {
            let mut vars = json!({var: v});
            if var == "r" && arg == "hourlyRate" && mutation.contains("hoursTotal") {
                vars["h"] = json!("5");
            }
            let body = s.gql(who, mutation, vars).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{arg} = {v}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(
                message.contains(arg) && message.contains("decimal places"),
                "{arg} = {v}: {message}"
            );
        }
    }
    // Values the columns hold are taken, at the column's scale.
    let d = s.data(&olga, answer, json!({"w": "0.01"})).await;
    assert_eq!(
        d["answerAdaptabilityQuestion"]["assessmentAnswers"]["nodes"][0]["questionWeight"],
        "0.01"
    );
    let d = s.data(&olga, answer, json!({"w": "2.500"})).await;
    assert_eq!(
        d["answerAdaptabilityQuestion"]["assessmentAnswers"]["nodes"][0]["questionWeight"],
        "2.50"
    );
    let d = s
        .data(&grace, engagement, json!({"h": "99999.99", "r": "0"}))
        .await;
    assert_eq!(
        d["createEngagement"],
        json!({"hoursTotal": "99999.99", "hourlyRate": "0.00"})
    );
    s.stop().await;
}
