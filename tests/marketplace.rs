//! Expert marketplace (seed 001): completing a session spends engagement
//! hours atomically and never past the budget; a client's satisfaction
//! score and approved reviews recompute ratings; only parties (or admins)
//! act, and another tenant sees nothing.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const COMPLETE: &str = "mutation($s: ID!, $h: Decimal!, $n: String) {
    completeEngagementSession(engagementSessionId: $s, durationHours: $h, notes: $n) {
      status durationHours sessionNotes endedAt } }";
const RATE: &str = "mutation($e: ID!, $s: Int!) { rateEngagement(engagementId: $e, score: $s) { clientSatisfactionScore } }";
const APPROVE: &str = "mutation($r: ID!) { approveReview(reviewId: $r) { status rating } }";

const ENGAGEMENT: &str = "68000000-0001-4000-8000-000000000001";
const SCHEDULED: &str = "69000000-0001-4000-8000-000000000005";
const COMPLETED: &str = "69000000-0001-4000-8000-000000000001";
const ELI: &str = "20000000-0000-4000-8000-000000000006";
const WORKSHOP: &str = "62000000-0001-4000-8000-000000000001";

fn global(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

fn dec(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_f64().unwrap(),
    }
}

async fn hours_used(s: &TestServer, token: &str) -> f64 {
    let d = s
        .data(
            token,
            "query($e: ID) { engagements(filter: {id: {eq: $e}}) { nodes { hoursUsed hoursTotal } } }",
            json!({"e": global("Engagement", ENGAGEMENT)}),
        )
        .await;
    dec(&d["engagements"]["nodes"][0]["hoursUsed"])
}

async fn session_status(s: &TestServer, token: &str) -> Value {
    let d = s
        .data(
            token,
            "query($s: ID) { engagementSessions(filter: {id: {eq: $s}}) { nodes { status durationHours } } }",
            json!({"s": global("EngagementSession", SCHEDULED)}),
        )
        .await;
    d["engagementSessions"]["nodes"][0].clone()
}

async fn eli_profile(s: &TestServer, token: &str) -> Value {
    let d = s
        .data(
            token,
            "query($u: UUID) { talentProfiles(filter: {userId: {eq: $u}}) { nodes { rating reviewCount } } }",
            json!({"u": ELI}),
        )
        .await;
    d["talentProfiles"]["nodes"][0].clone()
}

#[tokio::test]
async fn completing_a_session_adds_exactly_its_hours() {
    let s = TestServer::start().await;
    let clara = s.token("insideout", "clara@acme.example").await;
    let session = global("EngagementSession", SCHEDULED);
    let before = hours_used(&s, &clara).await;
    let done = s
        .data(
            &clara,
            COMPLETE,
            json!({"s": session, "h": "1.25", "n": "Plan review"}),
        )
        .await;
    let done = &done["completeEngagementSession"];
    assert_eq!(done["status"], "completed");
    assert_eq!(dec(&done["durationHours"]), 1.25);
    assert_eq!(done["sessionNotes"], "Plan review");
    assert!(!done["endedAt"].is_null());
    assert_eq!(hours_used(&s, &clara).await, before + 1.25);
    // Only scheduled sessions complete, once.
    let again = s
        .gql(&clara, COMPLETE, json!({"s": session, "h": "1"}))
        .await;
    assert_eq!(code(&again), "CONFLICT");
    let old = global("EngagementSession", COMPLETED);
    assert_eq!(
        code(&s.gql(&clara, COMPLETE, json!({"s": old, "h": "1"})).await),
        "CONFLICT"
    );
    assert_eq!(hours_used(&s, &clara).await, before + 1.25);
    s.stop().await;
}

#[tokio::test]
async fn hours_beyond_the_budget_conflict_and_change_nothing() {
    let s = TestServer::start().await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let session = global("EngagementSession", SCHEDULED);
    let d = s
        .data(
            &eli,
            "query($e: ID) { engagements(filter: {id: {eq: $e}}) { nodes { hoursUsed hoursTotal } } }",
            json!({"e": global("Engagement", ENGAGEMENT)}),
        )
        .await;
    let e = &d["engagements"]["nodes"][0];
    let (used, total) = (dec(&e["hoursUsed"]), dec(&e["hoursTotal"]));
    let over = format!("{:.2}", total - used + 0.25);
    let r = s
        .gql(&eli, COMPLETE, json!({"s": session, "h": over}))
        .await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("exceeds the engagement's hours")
    );
    assert_eq!(hours_used(&s, &eli).await, used);
    let st = session_status(&s, &eli).await;
    assert_eq!(st["status"], "scheduled");
    assert!(st["durationHours"].is_null());
    // Exactly the rest of the budget fits (the expert is a party too).
    let rest = format!("{:.2}", total - used);
    s.data(&eli, COMPLETE, json!({"s": session, "h": rest}))
        .await;
    assert_eq!(hours_used(&s, &eli).await, total);
    s.stop().await;
}

#[tokio::test]
async fn only_parties_and_admins_complete_sessions_with_valid_hours() {
    let s = TestServer::start().await;
    let session = global("EngagementSession", SCHEDULED);
    let clara = s.token("insideout", "clara@acme.example").await;
    let before = hours_used(&s, &clara).await;
    // Not parties: the session is invisible to them.
    for who in ["leo@learner.example", "olga@acme.example"] {
        let t = s.token("insideout", who).await;
        assert_eq!(
            code(&s.gql(&t, COMPLETE, json!({"s": session, "h": "1"})).await),
            "NOT_FOUND",
            "{who}"
        );
    }
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(
            &s.gql(&nora, COMPLETE, json!({"s": session, "h": "1"}))
                .await
        ),
        "NOT_FOUND"
    );
    for bad in ["0", "-1", "1.255", "abc"] {
        assert_eq!(
            code(
                &s.gql(&clara, COMPLETE, json!({"s": session, "h": bad}))
                    .await
            ),
            "BAD_USER_INPUT",
            "{bad}"
        );
    }
    assert_eq!(hours_used(&s, &clara).await, before);
    // A tenant admin may, though not a party.
    let ada = s.token("insideout", "ada@insideout.example").await;
    let done = s
        .data(&ada, COMPLETE, json!({"s": session, "h": "0.5"}))
        .await;
    assert_eq!(done["completeEngagementSession"]["status"], "completed");
    assert_eq!(hours_used(&s, &clara).await, before + 0.5);
    s.stop().await;
}

#[tokio::test]
async fn client_scores_recompute_the_expert_rating() {
    let s = TestServer::start().await;
    let clara = s.token("insideout", "clara@acme.example").await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let id = global("Engagement", ENGAGEMENT);
    for score in [4, 1] {
        let r = s.data(&clara, RATE, json!({"e": id, "s": score})).await;
        assert_eq!(r["rateEngagement"]["clientSatisfactionScore"], score);
        // The expert sees all their engagements: average their scores.
        let d = s
            .data(
                &eli,
                "query($u: UUID) { engagements(first: 100, filter: {expertId: {eq: $u}}) { nodes { clientSatisfactionScore } } }",
                json!({"u": ELI}),
            )
            .await;
        let scores: Vec<f64> = d["engagements"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["clientSatisfactionScore"].as_f64())
            .collect();
        assert!(scores.len() >= 2);
        let avg = scores.iter().sum::<f64>() / scores.len() as f64;
        let rating = dec(&eli_profile(&s, &eli).await["rating"]);
        assert!(
            (rating - (avg * 100.0).round() / 100.0).abs() < 1e-9,
            "{rating} vs {avg}"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn only_the_client_rates_from_one_to_five() {
    let s = TestServer::start().await;
    let id = global("Engagement", ENGAGEMENT);
    let clara = s.token("insideout", "clara@acme.example").await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let nora = s.token("northstar", "nora@northstar.example").await;
    let before = eli_profile(&s, &eli).await;
    assert_eq!(
        code(&s.gql(&eli, RATE, json!({"e": id, "s": 5})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&s.gql(&leo, RATE, json!({"e": id, "s": 5})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&nora, RATE, json!({"e": id, "s": 5})).await),
        "NOT_FOUND"
    );
    for bad in [0, 6, -3] {
        assert_eq!(
            code(&s.gql(&clara, RATE, json!({"e": id, "s": bad})).await),
            "BAD_USER_INPUT"
        );
    }
    assert_eq!(eli_profile(&s, &eli).await, before);
    s.stop().await;
}

#[tokio::test]
async fn approving_reviews_recomputes_expert_and_workshop_ratings() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let approved = |ty: &'static str, col: &'static str, id: &'static str| {
        let s = &s;
        let ada = ada.clone();
        async move {
            let q = format!(
                "query($i: UUID) {{ reviews(first: 100, filter: {{reviewType: {{eq: \"{ty}\"}}, {col}: {{eq: $i}}, status: {{eq: \"approved\"}}}}) {{ nodes {{ rating }} }} }}"
            );
            let d = s.data(&ada, &q, json!({"i": id})).await;
            let r: Vec<f64> = d["reviews"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["rating"].as_f64().unwrap())
                .collect();
            (
                ((r.iter().sum::<f64>() / r.len() as f64) * 100.0).round() / 100.0,
                r.len() as i64,
            )
        }
    };
    // Expert review (pending, Eli).
    let r = s
        .data(
            &ada,
            APPROVE,
            json!({"r": global("Review", "6a000000-0001-4000-8000-000000000005")}),
        )
        .await;
    assert_eq!(r["approveReview"]["status"], "approved");
    let (avg, n) = approved("expert", "expertId", ELI).await;
    let p = eli_profile(&s, &ada).await;
    assert_eq!(dec(&p["rating"]), avg);
    assert_eq!(p["reviewCount"].as_i64(), Some(n));
    assert_eq!(n, 3);
    // Workshop review (pending).
    let review = global("Review", "6a000000-0001-4000-8000-000000000002");
    s.data(&ada, APPROVE, json!({"r": review})).await;
    let (avg, n) = approved("workshop", "workshopId", WORKSHOP).await;
    let d = s
        .data(
            &ada,
            "query($w: ID) { workshops(filter: {id: {eq: $w}}) { nodes { rating reviewCount } } }",
            json!({"w": global("Workshop", WORKSHOP)}),
        )
        .await;
    let w = &d["workshops"]["nodes"][0];
    assert_eq!(dec(&w["rating"]), avg);
    assert_eq!(w["reviewCount"].as_i64(), Some(n));
    assert_eq!(n, 2);
    // Only pending reviews.
    assert_eq!(
        code(&s.gql(&ada, APPROVE, json!({"r": review})).await),
        "CONFLICT"
    );
    let rejected = global("Review", "6a000000-0001-4000-8000-000000000006");
    assert_eq!(
        code(&s.gql(&ada, APPROVE, json!({"r": rejected})).await),
        "CONFLICT"
    );
    s.stop().await;
}

#[tokio::test]
async fn only_admins_of_the_tenant_approve_reviews() {
    let s = TestServer::start().await;
    let pending = global("Review", "6a000000-0001-4000-8000-000000000005");
    // Leo wrote it and sees it, Clara does not: neither may approve.
    for who in [
        "leo@learner.example",
        "clara@acme.example",
        "eli@insideout.example",
    ] {
        let t = s.token("insideout", who).await;
        assert_eq!(
            code(&s.gql(&t, APPROVE, json!({"r": pending})).await),
            "FORBIDDEN",
            "{who}"
        );
    }
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(&s.gql(&nora, APPROVE, json!({"r": pending})).await),
        "NOT_FOUND"
    );
    let ada = s.token("insideout", "ada@insideout.example").await;
    let missing = global("Review", "6a000000-0001-4000-8000-0000000000ff");
    assert_eq!(
        code(&s.gql(&ada, APPROVE, json!({"r": missing})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&ada, APPROVE, json!({"r": "nope"})).await),
        "BAD_USER_INPUT"
    );
    let d = s
        .data(
            &ada,
            "query($i: ID) { reviews(filter: {id: {eq: $i}}) { nodes { status } } }",
            json!({"i": pending}),
        )
        .await;
    assert_eq!(d["reviews"]["nodes"][0]["status"], "pending");
    s.stop().await;
}
