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

/// Seed 001's two rating sources, read back as an admin: the expert's
/// satisfaction scores and approved expert review ratings. Returns
/// (mean to 2 places, approved review count).
async fn expected_rating(s: &TestServer, expert: &str) -> (f64, i64) {
    let ada = s.token("insideout", "ada@insideout.example").await;
    let d = s
        .data(
            &ada,
            "query($u: UUID) {
               engagements(first: 100, filter: {expertId: {eq: $u}}) { nodes { clientSatisfactionScore } }
               reviews(first: 100, filter: {expertId: {eq: $u}, status: {eq: APPROVED}}) { nodes { rating } } }",
            json!({"u": expert}),
        )
        .await;
    let nums = |v: &Value, k: &str| -> Vec<f64> {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n[k].as_f64())
            .collect()
    };
    let reviews = nums(&d["reviews"], "rating");
    let all: Vec<f64> = nums(&d["engagements"], "clientSatisfactionScore")
        .into_iter()
        .chain(reviews.iter().copied())
        .collect();
    let mean = if all.is_empty() {
        0.0
    } else {
        all.iter().sum::<f64>() / all.len() as f64
    };
    ((mean * 100.0).round() / 100.0, reviews.len() as i64)
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
    assert_eq!(done["status"], "COMPLETED");
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
    assert_eq!(st["status"], "SCHEDULED");
    assert!(st["durationHours"].is_null());
    // The same with a second root field: the failed field's writes are
    // undone on their own (a savepoint on PostgreSQL) and the request's
    // transaction commits; above, with one field, the request's transaction
    // itself was rolled back (store::Scope::sole_write).
    let two = COMPLETE.replacen('{', "{ kind: __typename ", 1);
    let r = s.gql(&eli, &two, json!({"s": session, "h": over})).await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    assert!(r["data"].is_null(), "{r}");
    assert_eq!(hours_used(&s, &eli).await, used);
    assert_eq!(session_status(&s, &eli).await["status"], "SCHEDULED");
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
    assert_eq!(done["completeEngagementSession"]["status"], "COMPLETED");
    assert_eq!(hours_used(&s, &clara).await, before + 0.5);
    s.stop().await;
}

#[tokio::test]
async fn client_scores_and_approved_reviews_make_one_expert_rating() {
    let s = TestServer::start().await;
    let clara = s.token("insideout", "clara@acme.example").await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let id = global("Engagement", ENGAGEMENT);
    // The demo data already follows the formula.
    let (want, n) = expected_rating(&s, ELI).await;
    let p = eli_profile(&s, &eli).await;
    assert_eq!(
        (dec(&p["rating"]), p["reviewCount"].as_i64()),
        (want, Some(n))
    );
    assert_eq!((want, n), (4.67, 2)); // scores [5], approved reviews [5, 4]
    for (score, rating) in [(4, 4.5), (1, 3.75)] {
        let r = s.data(&clara, RATE, json!({"e": id, "s": score})).await;
        assert_eq!(r["rateEngagement"]["clientSatisfactionScore"], score);
        let p = eli_profile(&s, &eli).await;
        assert_eq!(dec(&p["rating"]), rating);
        assert_eq!(expected_rating(&s, ELI).await, (rating, 2));
        assert_eq!(p["reviewCount"], 2);
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
                "query($i: UUID) {{ reviews(first: 100, filter: {{reviewType: {{eq: {ty}}}, {col}: {{eq: $i}}, status: {{eq: APPROVED}}}}) {{ nodes {{ rating }} }} }}"
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
    assert_eq!(r["approveReview"]["status"], "APPROVED");
    let (avg, n) = expected_rating(&s, ELI).await;
    let p = eli_profile(&s, &ada).await;
    assert_eq!(dec(&p["rating"]), avg);
    assert_eq!(p["reviewCount"].as_i64(), Some(n));
    assert_eq!((avg, n), (4.75, 3)); // score 5; reviews 5, 4, 5
    // Workshop review (pending).
    let review = global("Review", "6a000000-0001-4000-8000-000000000002");
    s.data(&ada, APPROVE, json!({"r": review})).await;
    let (avg, n) = approved("WORKSHOP", "workshopId", WORKSHOP).await;
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
    assert_eq!(d["reviews"]["nodes"][0]["status"], "PENDING");
    s.stop().await;
}

// ---------------------------------------------------------------------
// Talent profiles, testimonials, search
// ---------------------------------------------------------------------

const ELI_PROFILE: &str = "66000000-0001-4000-8000-000000000001";
const PRIYA_PROFILE: &str = "66000000-0001-4000-8000-000000000002";
const UPSERT: &str = "mutation($i: TalentProfileInput!) { upsertTalentProfile(input: $i) {
    id userId tagline expertise availability isPublic acceptingClients hourlyRate rating reviewCount coachingStyle } }";
const SEARCH: &str = "query($x: [String!], $r: Float, $a: [Availability!], $f: Int) {
    searchTalent(expertise: $x, minRating: $r, availability: $a, first: $f) { id rating user { fullName } } }";
const TESTIMONIAL: &str = "mutation($p: ID!, $n: String!, $q: String!, $f: Boolean) {
    addTalentTestimonial(talentProfileId: $p, clientName: $n, quote: $q, isFeatured: $f) {
      clientName quote verified isFeatured talentProfile { id } } }";

async fn search(s: &TestServer, auth: &str, vars: Value) -> Vec<String> {
    let d = s.data(auth, SEARCH, vars).await;
    d["searchTalent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["user"]["fullName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn experts_create_and_update_only_their_own_profile() {
    let s = TestServer::start().await;
    let cora = s.token("insideout", "cora@insideout.example").await;
    let input = json!({"tagline": "Executive coaching", "expertise": ["AI Adoption", "Board Dynamics", "AI Adoption"],
                       "availability": "AVAILABLE", "isPublic": true, "hourlyRate": "300.50", "coachingStyle": "DIRECTIVE"});
    let created = s.data(&cora, UPSERT, json!({"i": input})).await["upsertTalentProfile"].clone();
    assert_eq!(created["userId"], "20000000-0000-4000-8000-000000000005");
    assert_eq!(
        created["expertise"],
        json!(["AI Adoption", "Board Dynamics"])
    );
    assert_eq!(dec(&created["hourlyRate"]), 300.5);
    assert_eq!(
        (dec(&created["rating"]), created["reviewCount"].clone()),
        (0.0, json!(0))
    );
    assert_eq!(created["acceptingClients"], true);
    // A second call updates the same row; omitted fields keep their value.
    let updated = s
        .data(
            &cora,
            UPSERT,
            json!({"i": {"availability": "BOOKED", "tagline": "C-suite coach"}}),
        )
        .await["upsertTalentProfile"]
        .clone();
    assert_eq!(updated["id"], created["id"]);
    assert_eq!(updated["availability"], "BOOKED");
    assert_eq!(updated["tagline"], "C-suite coach");
    assert_eq!(updated["expertise"], created["expertise"]);
    assert_eq!(updated["coachingStyle"], "DIRECTIVE");
    let d = s
        .data(&cora, "{ talentProfiles(filter: {userId: {eq: \"20000000-0000-4000-8000-000000000005\"}}) { totalCount } }", json!({}))
        .await;
    assert_eq!(d["talentProfiles"]["totalCount"], 1);
    // Invalid values change nothing.
    for bad in [
        json!({"coachingStyle": "shouty"}),
        json!({"availability": "sometimes"}),
        json!({"transformationStages": ["assess", "dream"]}),
        json!({"transformationSuccessRate": 101}),
        json!({"yearsExperience": -1}),
        json!({"hourlyRate": "-5"}),
        json!({"expertise": [" "]}),
        json!({"rating": 5}),
    ] {
        let r = s.gql(&cora, UPSERT, json!({"i": bad})).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{bad}: {r}");
    }
    let again = s.data(&cora, UPSERT, json!({"i": {}})).await["upsertTalentProfile"].clone();
    assert_eq!(again["availability"], "BOOKED");
    // Non-experts may not; anonymous callers must sign in.
    let leo = s.token("insideout", "leo@learner.example").await;
    assert_eq!(
        code(&s.gql(&leo, UPSERT, json!({"i": {"tagline": "x"}})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &s.gql("tenant:insideout", UPSERT, json!({"i": {"tagline": "x"}}))
                .await
        ),
        "UNAUTHENTICATED"
    );
    s.stop().await;
}

#[tokio::test]
async fn testimonials_by_the_expert_or_verified_by_admins() {
    let s = TestServer::start().await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let profile = global("TalentProfile", ELI_PROFILE);
    let t = s
        .data(
            &eli,
            TESTIMONIAL,
            json!({"p": profile, "n": "Ana Diaz", "q": "Clear and kind.", "f": true}),
        )
        .await["addTalentTestimonial"]
        .clone();
    assert_eq!(
        (t["verified"].clone(), t["isFeatured"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(t["talentProfile"]["id"], profile);
    let t = s
        .data(
            &ada,
            TESTIMONIAL,
            json!({"p": profile, "n": "Bo Li", "q": "Measurable change."}),
        )
        .await["addTalentTestimonial"]
        .clone();
    assert_eq!(
        (t["verified"].clone(), t["isFeatured"].clone()),
        (json!(true), json!(false))
    );
    let d = s
        .data("tenant:insideout", "query($p: ID!) { node(id: $p) { ... on TalentProfile { talentTestimonials { totalCount } } } }", json!({"p": profile}))
        .await;
    assert_eq!(d["node"]["talentTestimonials"]["totalCount"], 5);
    let clara = s.token("insideout", "clara@acme.example").await;
    assert_eq!(
        code(
            &s.gql(
                &clara,
                TESTIMONIAL,
                json!({"p": profile, "n": "x", "q": "y"})
            )
            .await
        ),
        "FORBIDDEN"
    );
    // Priya's profile is not public: invisible to Clara.
    let priya = global("TalentProfile", PRIYA_PROFILE);
    assert_eq!(
        code(
            &s.gql(&clara, TESTIMONIAL, json!({"p": priya, "n": "x", "q": "y"}))
                .await
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        code(
            &s.gql(
                &eli,
                TESTIMONIAL,
                json!({"p": profile, "n": "x", "q": "  "})
            )
            .await
        ),
        "BAD_USER_INPUT"
    );
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(
            &s.gql(
                &nora,
                TESTIMONIAL,
                json!({"p": profile, "n": "x", "q": "y"})
            )
            .await
        ),
        "NOT_FOUND"
    );
    s.stop().await;
}

#[tokio::test]
async fn search_talent_by_expertise_rating_and_availability() {
    let s = TestServer::start().await;
    // Anonymous visitors search too (ids only: user names need a token).
    let d = s
        .data("tenant:insideout", "{ searchTalent { id } }", json!({}))
        .await;
    assert_eq!(
        d["searchTalent"],
        json!([{"id": global("TalentProfile", ELI_PROFILE)}])
    );
    // Names of users are for admins to read.
    let anon = &s.token("insideout", "ada@insideout.example").await;
    // Overlap: any one shared skill. Priya's profile is not public.
    assert_eq!(
        search(&s, anon, json!({"x": ["Nope", "AI Adoption"]})).await,
        ["Eli Okafor"]
    );
    assert!(
        search(&s, anon, json!({"x": ["Leadership Presence"]}))
            .await
            .is_empty()
    );
    assert!(
        search(&s, anon, json!({"x": ["ai adoption"]}))
            .await
            .is_empty()
    );
    let cora = s.token("insideout", "cora@insideout.example").await;
    s.data(
        &cora,
        UPSERT,
        json!({"i": {"expertise": ["AI Adoption"], "isPublic": true, "availability": "AVAILABLE"}}),
    )
    .await;
    let priya = s.token("insideout", "priya@insideout.example").await;
    s.data(&priya, UPSERT, json!({"i": {"isPublic": true}}))
        .await;
    // Best rated first: Eli 4.67, Priya 4.00, Cora 0.
    assert_eq!(
        search(&s, anon, json!({})).await,
        ["Eli Okafor", "Priya Raman", "Cora Bennett"]
    );
    let d = s.data(anon, SEARCH, json!({})).await;
    let ratings: Vec<f64> = d["searchTalent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| dec(&p["rating"]))
        .collect();
    assert_eq!(ratings, [4.67, 4.0, 0.0]);
    assert_eq!(
        search(&s, anon, json!({"x": ["AI Adoption"]})).await,
        ["Eli Okafor", "Cora Bennett"]
    );
    assert_eq!(
        search(&s, anon, json!({"x": ["AI Adoption"], "r": 4.5})).await,
        ["Eli Okafor"]
    );
    assert_eq!(
        search(&s, anon, json!({"r": 4.0})).await,
        ["Eli Okafor", "Priya Raman"]
    );
    assert_eq!(
        search(&s, anon, json!({"a": ["AVAILABLE"]})).await,
        ["Priya Raman", "Cora Bennett"]
    );
    assert_eq!(search(&s, anon, json!({"f": 1})).await, ["Eli Okafor"]);
    // Not accepting clients: out of the search.
    s.data(&priya, UPSERT, json!({"i": {"acceptingClients": false}}))
        .await;
    assert_eq!(
        search(&s, anon, json!({})).await,
        ["Eli Okafor", "Cora Bennett"]
    );
    for bad in [
        json!({"a": ["SOON"]}),
        json!({"r": 5.5}),
        json!({"r": -1}),
        json!({"f": 0}),
        json!({"f": 101}),
    ] {
        assert_eq!(
            code(&s.gql(anon, SEARCH, bad.clone()).await),
            "BAD_USER_INPUT",
            "{bad}"
        );
    }
    // Another tenant's experts never show.
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert!(search(&s, &nora, json!({})).await.is_empty());
    s.stop().await;
}

// ---------------------------------------------------------------------
// Engagements
// ---------------------------------------------------------------------

const CREATE_ENGAGEMENT: &str = "mutation($p: ID!, $f: String!, $h: Decimal!, $r: Decimal, $d: JSON) {
    createEngagement(talentProfileId: $p, focusArea: $f, hoursTotal: $h, hourlyRate: $r, deliverables: $d) {
      id status hoursTotal hoursUsed hourlyRate clientId expertId organizationId deliverables } }";
const SET_STATUS: &str = "mutation($e: ID!, $s: EngagementStatus!) { setEngagementStatus(engagementId: $e, status: $s) { status } }";
const SCHEDULE: &str = "mutation($e: ID!, $t: SessionType!, $at: DateTime!) {
    scheduleEngagementSession(engagementId: $e, sessionType: $t, scheduledAt: $at) { id status sessionType scheduledAt engagement { id } } }";
const GRACE: &str = "20000000-0000-4000-8000-000000000013";
const GLOBEX: &str = "30000000-0001-4000-8000-000000000002";

async fn grace_engages_eli(s: &TestServer, hours: &str) -> String {
    let grace = s.token("insideout", "grace@globex.example").await;
    let d = s
        .data(&grace, CREATE_ENGAGEMENT, json!({"p": global("TalentProfile", ELI_PROFILE), "f": "Nursing leadership", "h": hours}))
        .await;
    d["createEngagement"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn clients_open_pending_engagements_with_accepting_experts() {
    let s = TestServer::start().await;
    let grace = s.token("insideout", "grace@globex.example").await;
    let eli = global("TalentProfile", ELI_PROFILE);
    let d = s
        .data(
            &grace,
            CREATE_ENGAGEMENT,
            json!({"p": eli, "f": "Nursing leadership", "h": "12.5", "d": [{"title": "Plan"}]}),
        )
        .await;
    let e = &d["createEngagement"];
    assert_eq!(e["status"], "PENDING");
    assert_eq!((dec(&e["hoursTotal"]), dec(&e["hoursUsed"])), (12.5, 0.0));
    assert_eq!(dec(&e["hourlyRate"]), 275.0); // the profile's rate
    assert_eq!(
        (e["clientId"].as_str(), e["expertId"].as_str()),
        (Some(GRACE), Some(ELI))
    );
    assert_eq!(e["deliverables"], json!([{"title": "Plan"}]));
    assert_eq!(e["organizationId"].as_str(), Some(GLOBEX));
    // The expert sees it too.
    let eli_t = s.token("insideout", "eli@insideout.example").await;
    let seen = s
        .data(
            &eli_t,
            "query($e: ID!) { node(id: $e) { ... on Engagement { focusArea } } }",
            json!({"e": e["id"]}),
        )
        .await;
    assert_eq!(seen["node"]["focusArea"], "Nursing leadership");
    for (h, r) in [
        ("0", None),
        ("-2", None),
        ("1.234", None),
        ("100000", None),
        ("5", Some("-1")),
    ] {
        let v = json!({"p": eli, "f": "x", "h": h, "r": r});
        assert_eq!(
            code(&s.gql(&grace, CREATE_ENGAGEMENT, v).await),
            "BAD_USER_INPUT",
            "{h} {r:?}"
        );
    }
    assert_eq!(
        code(
            &s.gql(
                &grace,
                CREATE_ENGAGEMENT,
                json!({"p": eli, "f": " ", "h": "1"})
            )
            .await
        ),
        "BAD_USER_INPUT"
    );
    // Only clients (Leo is a learner); a hidden profile is not found.
    let leo = s.token("insideout", "leo@learner.example").await;
    assert_eq!(
        code(
            &s.gql(
                &leo,
                CREATE_ENGAGEMENT,
                json!({"p": eli, "f": "x", "h": "1"})
            )
            .await
        ),
        "FORBIDDEN"
    );
    let priya = global("TalentProfile", PRIYA_PROFILE);
    assert_eq!(
        code(
            &s.gql(
                &grace,
                CREATE_ENGAGEMENT,
                json!({"p": priya, "f": "x", "h": "1"})
            )
            .await
        ),
        "NOT_FOUND"
    );
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(
            &s.gql(
                &nora,
                CREATE_ENGAGEMENT,
                json!({"p": eli, "f": "x", "h": "1"})
            )
            .await
        ),
        "NOT_FOUND"
    );
    // An expert who is booked or not accepting: CONFLICT.
    for input in [
        json!({"availability": "BOOKED"}),
        json!({"availability": "LIMITED", "acceptingClients": false}),
    ] {
        s.data(&eli_t, UPSERT, json!({"i": input})).await;
        assert_eq!(
            code(
                &s.gql(
                    &grace,
                    CREATE_ENGAGEMENT,
                    json!({"p": eli, "f": "x", "h": "1"})
                )
                .await
            ),
            "CONFLICT"
        );
    }
    let d = s
        .data(
            &grace,
            "query($u: UUID) { engagements(filter: {clientId: {eq: $u}}) { totalCount } }",
            json!({"u": GRACE}),
        )
        .await;
    assert_eq!(d["engagements"]["totalCount"], 2); // Priya's and the new one
    s.stop().await;
}

#[tokio::test]
async fn engagement_status_follows_the_lifecycle() {
    let s = TestServer::start().await;
    let id = grace_engages_eli(&s, "10").await;
    let grace = s.token("insideout", "grace@globex.example").await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let set = |t: &str, st: &str| {
        let v = json!({"e": id, "s": st.to_uppercase()});
        let t = t.to_owned();
        let s = &s;
        async move { s.gql(&t, SET_STATUS, v).await }
    };
    // Only the expert accepts.
    assert_eq!(code(&set(&grace, "active").await), "FORBIDDEN");
    for (who, to) in [
        (&eli, "active"),
        (&grace, "paused"),
        (&eli, "active"),
        (&grace, "completed"),
    ] {
        let r = set(who, to).await;
        assert_eq!(
            r["data"]["setEngagementStatus"]["status"],
            to.to_uppercase(),
            "{r}"
        );
    }
    for to in ["cancelled", "active", "pending"] {
        assert_eq!(code(&set(&eli, to).await), "CONFLICT", "{to}");
    }
    assert_eq!(code(&set(&eli, "archived").await), "BAD_USER_INPUT");
    let leo = s.token("insideout", "leo@learner.example").await;
    assert_eq!(code(&set(&leo, "cancelled").await), "NOT_FOUND");
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(code(&set(&nora, "cancelled").await), "NOT_FOUND");
    // Pending straight to cancelled, by the client.
    let other = grace_engages_eli(&s, "2").await;
    let r = s
        .data(&grace, SET_STATUS, json!({"e": other, "s": "CANCELLED"}))
        .await;
    assert_eq!(r["setEngagementStatus"]["status"], "CANCELLED");
    assert_eq!(
        code(
            &s.gql(&grace, SET_STATUS, json!({"e": other, "s": "PAUSED"}))
                .await
        ),
        "CONFLICT"
    );
    s.stop().await;
}

#[tokio::test]
async fn sessions_are_scheduled_while_hours_are_left() {
    let s = TestServer::start().await;
    let id = grace_engages_eli(&s, "2").await;
    let grace = s.token("insideout", "grace@globex.example").await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let at = "2026-12-01T15:00:00Z";
    let d = s
        .data(
            &grace,
            SCHEDULE,
            json!({"e": id, "t": "COACHING", "at": at}),
        )
        .await;
    let session = &d["scheduleEngagementSession"];
    assert_eq!(
        (session["status"].as_str(), session["sessionType"].as_str()),
        (Some("SCHEDULED"), Some("COACHING"))
    );
    assert_eq!(session["engagement"]["id"], id);
    // Spend the whole budget: no more sessions.
    s.data(&eli, COMPLETE, json!({"s": session["id"], "h": "2"}))
        .await;
    let r = s
        .gql(&eli, SCHEDULE, json!({"e": id, "t": "COACHING", "at": at}))
        .await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    assert_eq!(
        code(
            &s.gql(&grace, SCHEDULE, json!({"e": id, "t": "LUNCH", "at": at}))
                .await
        ),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(
            &s.gql(
                &grace,
                SCHEDULE,
                json!({"e": id, "t": "COACHING", "at": "tomorrow"})
            )
            .await
        ),
        "BAD_USER_INPUT"
    );
    let leo = s.token("insideout", "leo@learner.example").await;
    assert_eq!(
        code(
            &s.gql(&leo, SCHEDULE, json!({"e": id, "t": "COACHING", "at": at}))
                .await
        ),
        "NOT_FOUND"
    );
    // A cancelled engagement takes no sessions.
    let other = grace_engages_eli(&s, "5").await;
    s.data(&grace, SET_STATUS, json!({"e": other, "s": "CANCELLED"}))
        .await;
    assert_eq!(
        code(
            &s.gql(
                &grace,
                SCHEDULE,
                json!({"e": other, "t": "COACHING", "at": at})
            )
            .await
        ),
        "CONFLICT"
    );
    let d = s
        .data(&grace, "query($e: ID!) { node(id: $e) { ... on Engagement { hoursUsed engagementSessions { totalCount } } } }", json!({"e": id}))
        .await;
    assert_eq!(dec(&d["node"]["hoursUsed"]), 2.0);
    assert_eq!(d["node"]["engagementSessions"]["totalCount"], 1);
    s.stop().await;
}

// ---------------------------------------------------------------------
// Reviews
// ---------------------------------------------------------------------

const CREATE_REVIEW: &str = "mutation($p: ID, $w: ID, $e: ID, $r: Int!, $t: String!, $c: Int) {
    createReview(talentProfileId: $p, workshopId: $w, engagementId: $e, rating: $r, reviewText: $t, contentQualityRating: $c) {
      id status reviewType rating verifiedPurchase expertId workshopId engagementId contentQualityRating } }";
const REJECT: &str = "mutation($r: ID!) { rejectReview(reviewId: $r) { status } }";
const FLAG: &str = "mutation($r: ID!) { flagReview(reviewId: $r) { status } }";
const VOTE: &str = "mutation($r: ID!, $h: Boolean) { voteReviewHelpful(reviewId: $r, helpful: $h) { helpfulCount notHelpfulCount } }";
const RESPOND: &str = "mutation($r: ID!, $t: String!) { respondToReview(reviewId: $r, text: $t) { responseText responseBy respondedAt } }";

fn review(n: u32) -> String {
    global("Review", &format!("6a000000-0001-4000-8000-{n:012}"))
}

#[tokio::test]
async fn verified_customers_review_exactly_one_target_once() {
    let s = TestServer::start().await;
    let clara = s.token("insideout", "clara@acme.example").await;
    let acme_ai = global("Engagement", ENGAGEMENT);
    let r = s
        .data(
            &clara,
            CREATE_REVIEW,
            json!({"e": acme_ai, "r": 4, "t": "Good progress so far.", "c": 5}),
        )
        .await["createReview"]
        .clone();
    assert_eq!(
        (r["status"].as_str(), r["reviewType"].as_str()),
        (Some("PENDING"), Some("ENGAGEMENT"))
    );
    assert_eq!(
        (
            r["rating"].clone(),
            r["contentQualityRating"].clone(),
            r["verifiedPurchase"].clone()
        ),
        (json!(4), json!(5), json!(true))
    );
    assert_eq!(r["engagementId"].as_str(), Some(ENGAGEMENT));
    assert!(r["expertId"].is_null() && r["workshopId"].is_null());
    // Once per target.
    assert_eq!(
        code(
            &s.gql(
                &clara,
                CREATE_REVIEW,
                json!({"e": acme_ai, "r": 5, "t": "again"})
            )
            .await
        ),
        "CONFLICT"
    );
    let sprint = global("Workshop", WORKSHOP);
    assert_eq!(
        code(
            &s.gql(
                &clara,
                CREATE_REVIEW,
                json!({"w": sprint, "r": 5, "t": "again"})
            )
            .await
        ),
        "CONFLICT"
    );
    let eli = global("TalentProfile", ELI_PROFILE);
    assert_eq!(
        code(
            &s.gql(
                &clara,
                CREATE_REVIEW,
                json!({"p": eli, "r": 5, "t": "again"})
            )
            .await
        ),
        "CONFLICT"
    );
    // Exactly one target, valid ratings and text.
    for bad in [
        json!({"r": 4, "t": "No target"}),
        json!({"p": eli, "w": sprint, "r": 4, "t": "Two targets"}),
        json!({"p": eli, "e": acme_ai, "w": sprint, "r": 4, "t": "three"}),
        json!({"e": acme_ai, "r": 6, "t": "x"}),
        json!({"e": acme_ai, "r": 0, "t": "x"}),
        json!({"e": acme_ai, "r": 4, "t": "x", "c": 9}),
        json!({"e": acme_ai, "r": 4, "t": "   "}),
        json!({"e": global("Workshop", WORKSHOP), "r": 4, "t": "wrong id type"}),
    ] {
        assert_eq!(
            code(&s.gql(&clara, CREATE_REVIEW, bad.clone()).await),
            "BAD_USER_INPUT",
            "{bad}"
        );
    }
    // Verified purchases only: Leo never engaged Eli; Lina cancelled her seat.
    let leo = s.token("insideout", "leo@learner.example").await;
    assert_eq!(
        code(
            &s.gql(
                &leo,
                CREATE_REVIEW,
                json!({"p": eli, "r": 5, "t": "Heard good things"})
            )
            .await
        ),
        "FORBIDDEN"
    );
    let lina = s.token("insideout", "lina@learner.example").await;
    assert_eq!(
        code(
            &s.gql(&lina, CREATE_REVIEW, json!({"w": sprint, "r": 5, "t": "x"}))
                .await
        ),
        "FORBIDDEN"
    );
    // Grace engages Eli, then may review him; her masterclass seat lets her review it.
    grace_engages_eli(&s, "1").await;
    let grace = s.token("insideout", "grace@globex.example").await;
    let r = s
        .data(
            &grace,
            CREATE_REVIEW,
            json!({"p": eli, "r": 3, "t": "Promising start"}),
        )
        .await;
    assert_eq!(r["createReview"]["expertId"].as_str(), Some(ELI));
    assert_eq!(r["createReview"]["reviewType"], "EXPERT");
    let master = global("Workshop", "62000000-0001-4000-8000-000000000002");
    let r = s
        .data(
            &grace,
            CREATE_REVIEW,
            json!({"w": master, "r": 5, "t": "Looking forward"}),
        )
        .await;
    assert_eq!(r["createReview"]["reviewType"], "WORKSHOP");
    // Pending reviews do not move the rating.
    let p = eli_profile(&s, &grace).await;
    assert_eq!(
        (dec(&p["rating"]), p["reviewCount"].clone()),
        (4.67, json!(2))
    );
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(
            &s.gql(&nora, CREATE_REVIEW, json!({"p": eli, "r": 5, "t": "x"}))
                .await
        ),
        "NOT_FOUND"
    );
    s.stop().await;
}

#[tokio::test]
async fn flagging_and_rejecting_reviews_recompute_ratings() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let clara_on_eli = review(3);
    // Any member reports an approved review: flagged, hidden, not counted.
    let r = s.data(&leo, FLAG, json!({"r": clara_on_eli})).await;
    assert_eq!(r["flagReview"]["status"], "FLAGGED");
    let (avg, n) = expected_rating(&s, ELI).await;
    assert_eq!((avg, n), (4.5, 1)); // score 5 and Olga's 4
    let p = eli_profile(&s, &ada).await;
    assert_eq!(
        (dec(&p["rating"]), p["reviewCount"].as_i64()),
        (avg, Some(n))
    );
    let d = s
        .data(
            "tenant:insideout",
            "query($r: ID!) { node(id: $r) { id } }",
            json!({"r": clara_on_eli}),
        )
        .await;
    assert!(d["node"].is_null());
    assert_eq!(
        code(&s.gql(&leo, FLAG, json!({"r": clara_on_eli})).await),
        "NOT_FOUND"
    ); // no longer visible to Leo
    assert_eq!(
        code(&s.gql(&ada, FLAG, json!({"r": clara_on_eli})).await),
        "CONFLICT"
    );
    // Admins restore it ...
    assert_eq!(
        s.data(&ada, APPROVE, json!({"r": clara_on_eli})).await["approveReview"]["status"],
        "APPROVED"
    );
    assert_eq!(dec(&eli_profile(&s, &ada).await["rating"]), 4.67);
    // ... or reject a flagged or pending one.
    s.data(&leo, FLAG, json!({"r": clara_on_eli})).await;
    assert_eq!(
        s.data(&ada, REJECT, json!({"r": clara_on_eli})).await["rejectReview"]["status"],
        "REJECTED"
    );
    assert_eq!(expected_rating(&s, ELI).await, (4.5, 1));
    assert_eq!(dec(&eli_profile(&s, &ada).await["rating"]), 4.5);
    let leo_pending = review(5);
    assert_eq!(
        s.data(&ada, REJECT, json!({"r": leo_pending})).await["rejectReview"]["status"],
        "REJECTED"
    );
    for r in [clara_on_eli.clone(), review(6)] {
        assert_eq!(
            code(&s.gql(&ada, REJECT, json!({"r": r})).await),
            "CONFLICT"
        );
        assert_eq!(code(&s.gql(&ada, FLAG, json!({"r": r})).await), "CONFLICT");
    }
    // Workshop ratings follow too.
    let clara_on_sprint = review(1);
    s.data(&leo, FLAG, json!({"r": clara_on_sprint})).await;
    let d = s
        .data(
            &ada,
            "query($w: ID!) { node(id: $w) { ... on Workshop { rating reviewCount } } }",
            json!({"w": global("Workshop", WORKSHOP)}),
        )
        .await;
    assert_eq!(
        (dec(&d["node"]["rating"]), d["node"]["reviewCount"].clone()),
        (0.0, json!(0))
    );
    // Only admins moderate; another tenant finds nothing.
    let eli = s.token("insideout", "eli@insideout.example").await;
    assert_eq!(
        code(&s.gql(&eli, REJECT, json!({"r": review(4)})).await),
        "FORBIDDEN"
    );
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(&s.gql(&nora, FLAG, json!({"r": review(4)})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&nora, REJECT, json!({"r": review(4)})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(
            &s.gql("tenant:insideout", FLAG, json!({"r": review(4)}))
                .await
        ),
        "UNAUTHENTICATED"
    );
    s.stop().await;
}

#[tokio::test]
async fn one_vote_per_user_keeps_counts_exact() {
    let s = TestServer::start().await;
    let r1 = review(1); // Clara's approved sprint review: 4 helpful, 0 not
    let leo = s.token("insideout", "leo@learner.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let v = s.data(&leo, VOTE, json!({"r": r1})).await;
    assert_eq!(
        v["voteReviewHelpful"],
        json!({"helpfulCount": 5, "notHelpfulCount": 0})
    );
    assert_eq!(
        code(&s.gql(&leo, VOTE, json!({"r": r1, "h": false})).await),
        "CONFLICT"
    );
    let v = s.data(&lina, VOTE, json!({"r": r1, "h": false})).await;
    assert_eq!(
        v["voteReviewHelpful"],
        json!({"helpfulCount": 5, "notHelpfulCount": 1})
    );
    // Concurrent votes by distinct users all count.
    // (The demo votes on this review are by users 1–4.)
    let voters = [
        "priya@insideout.example",
        "grace@globex.example",
        "cora@insideout.example",
        "eli@insideout.example",
    ];
    let mut tokens = vec![];
    for v in voters {
        tokens.push(s.token("insideout", v).await);
    }
    let calls = tokens.iter().map(|t| s.gql(t, VOTE, json!({"r": r1})));
    for r in futures::future::join_all(calls).await {
        assert!(r.get("errors").is_none(), "{r}");
    }
    let d = s
        .data(
            &leo,
            "query($r: ID!) { node(id: $r) { ... on Review { helpfulCount notHelpfulCount } } }",
            json!({"r": r1}),
        )
        .await;
    assert_eq!(d["node"], json!({"helpfulCount": 9, "notHelpfulCount": 1}));
    let mine = s
        .data(
            &leo,
            "{ reviewVotes { totalCount nodes { helpful review { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine["reviewVotes"]["totalCount"], 1);
    assert_eq!(mine["reviewVotes"]["nodes"][0]["review"]["id"], r1);
    // Not on your own review, not on unapproved ones, not another tenant's.
    let clara = s.token("insideout", "clara@acme.example").await;
    assert_eq!(
        code(&s.gql(&clara, VOTE, json!({"r": r1})).await),
        "FORBIDDEN"
    );
    let ada = s.token("insideout", "ada@insideout.example").await;
    assert_eq!(
        code(&s.gql(&ada, VOTE, json!({"r": review(2)})).await),
        "CONFLICT"
    );
    assert_eq!(
        code(&s.gql(&clara, VOTE, json!({"r": review(2)})).await),
        "NOT_FOUND"
    );
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(&s.gql(&nora, VOTE, json!({"r": r1})).await),
        "NOT_FOUND"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_targets_owner_responds_once() {
    let s = TestServer::start().await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    let r = s
        .data(
            &eli,
            RESPOND,
            json!({"r": review(3), "t": "Thank you, Clara!"}),
        )
        .await;
    let r = &r["respondToReview"];
    assert_eq!(r["responseText"], "Thank you, Clara!");
    assert_eq!(r["responseBy"].as_str(), Some(ELI));
    assert!(!r["respondedAt"].is_null());
    assert_eq!(
        code(
            &s.gql(&eli, RESPOND, json!({"r": review(3), "t": "again"}))
                .await
        ),
        "CONFLICT"
    );
    // The engagement's expert answers engagement reviews; the instructor workshop ones.
    let r = s
        .data(
            &eli,
            RESPOND,
            json!({"r": review(8), "t": "Glad it helped."}),
        )
        .await;
    assert_eq!(r["respondToReview"]["responseText"], "Glad it helped.");
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    assert_eq!(
        code(
            &s.gql(&ivan, RESPOND, json!({"r": review(1), "t": "x"}))
                .await
        ),
        "CONFLICT"
    ); // answered already
    let priya = s.token("insideout", "priya@insideout.example").await;
    assert_eq!(
        s.data(
            &priya,
            RESPOND,
            json!({"r": review(7), "t": "Thanks Grace"})
        )
        .await["respondToReview"]["responseText"],
        "Thanks Grace"
    );
    // Others may not; empty text is refused; unseen reviews are not found.
    let cora = s.token("insideout", "cora@insideout.example").await;
    assert_eq!(
        code(
            &s.gql(&cora, RESPOND, json!({"r": review(4), "t": "x"}))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &s.gql(&ivan, RESPOND, json!({"r": review(4), "t": "x"}))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &s.gql(&priya, RESPOND, json!({"r": review(7), "t": " "}))
                .await
        ),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(
            &s.gql(&eli, RESPOND, json!({"r": review(5), "t": "x"}))
                .await
        ),
        "NOT_FOUND"
    ); // pending
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(
            &s.gql(&nora, RESPOND, json!({"r": review(3), "t": "x"}))
                .await
        ),
        "NOT_FOUND"
    );
    s.stop().await;
}
