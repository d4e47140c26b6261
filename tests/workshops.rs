//! Workshop registration (seed 001): seats taken and given back exactly,
//! never overbooked, also when many register at once.

mod common;

use common::{TestServer, code};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const REGISTER: &str = "mutation($w: ID!) { registerForWorkshop(workshopId: $w) { id status user { email } workshop { id capacityRemaining } } }";
const CANCEL: &str = "mutation($w: ID!) { cancelWorkshopRegistration(workshopId: $w) { status cancelledAt workshop { capacityRemaining } } }";

async fn workshop(s: &TestServer, token: &str, pick: impl Fn(&Value) -> bool) -> Value {
    let all = s
        .data(token, "{ workshops(first: 100) { nodes { id title status capacityRemaining capacityTotal } } }", json!({}))
        .await;
    all["workshops"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| pick(w))
        .cloned()
        .expect("a matching workshop")
}

#[tokio::test]
async fn register_cancel_and_register_again() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let regs = s
        .data(
            &lina,
            "{ workshopRegistrations { nodes { workshop { id } } } }",
            json!({}),
        )
        .await;
    let mine: Vec<Value> = regs["workshopRegistrations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["workshop"]["id"].clone())
        .collect();
    // A published workshop with seats that Lina has no registration for.
    let w = workshop(&s, &lina, |w| {
        w["status"] == "PUBLISHED"
            && w["capacityRemaining"].as_i64().unwrap() > 1
            && !mine.contains(&w["id"])
    })
    .await;
    let seats = w["capacityRemaining"].as_i64().unwrap();

    let r = s.data(&lina, REGISTER, json!({"w": w["id"]})).await["registerForWorkshop"].clone();
    assert_eq!(r["status"], "REGISTERED");
    assert_eq!(r["user"]["email"], "lina@learner.example");
    assert_eq!(r["workshop"]["capacityRemaining"], seats - 1);

    let again = s.gql(&lina, REGISTER, json!({"w": w["id"]})).await;
    assert_eq!(code(&again), "CONFLICT", "{again}");

    let c =
        s.data(&lina, CANCEL, json!({"w": w["id"]})).await["cancelWorkshopRegistration"].clone();
    assert_eq!(c["status"], "CANCELLED");
    assert!(c["cancelledAt"].is_string());
    assert_eq!(c["workshop"]["capacityRemaining"], seats);
    let twice = s.gql(&lina, CANCEL, json!({"w": w["id"]})).await;
    assert_eq!(code(&twice), "NOT_FOUND", "{twice}");

    let back = s.data(&lina, REGISTER, json!({"w": w["id"]})).await["registerForWorkshop"].clone();
    assert_eq!(back["status"], "REGISTERED");
    assert_eq!(back["workshop"]["capacityRemaining"], seats - 1);
    s.stop().await;
}

#[tokio::test]
async fn closed_full_and_invisible_workshops_refuse() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    // A draft is invisible to a learner (NOT_FOUND) and not open to its instructor (CONFLICT).
    let draft = workshop(&s, &ivan, |w| w["status"] != "PUBLISHED").await;
    assert_eq!(
        code(&s.gql(&lina, REGISTER, json!({"w": draft["id"]})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&ivan, REGISTER, json!({"w": draft["id"]})).await),
        "CONFLICT"
    );
    // Full.
    let open = workshop(&s, &lina, |w| w["status"] == "PUBLISHED").await;
    let (_, id) = decode(open["id"].as_str().unwrap());
    s.db.execute_unprepared(&format!(
        "UPDATE workshops SET capacity_remaining = 0 WHERE {}",
        id_eq(&s, &id)
    ))
    .await
    .unwrap();
    let full = s.gql(&lina, REGISTER, json!({"w": open["id"]})).await;
    assert_eq!(code(&full), "CONFLICT", "{full}");
    assert!(
        full["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("full")
    );
    // Not a workshop id; no token.
    assert_eq!(
        code(&s.gql(&lina, REGISTER, json!({"w": "bogus"})).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(
            &s.gql("tenant:insideout", REGISTER, json!({"w": open["id"]}))
                .await
        ),
        "UNAUTHENTICATED"
    );
    s.stop().await;
}

fn decode(global: &str) -> (String, String) {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .unwrap();
    let t = String::from_utf8(raw).unwrap();
    let (a, b) = t.split_once(':').unwrap();
    (a.to_owned(), b.to_owned())
}

fn id_eq(s: &TestServer, id: &str) -> String {
    match s.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!("id = '{id}'"),
        _ => format!("id = X'{}'", id.replace('-', "")),
    }
}

/// Many learners register at once for 3 seats: exactly 3 succeed, the rest
/// get CONFLICT, and the seat count ends at zero.
#[tokio::test]
async fn concurrent_registrations_never_overbook() {
    let s = TestServer::start().await;
    let store = store::Store::new(s.db.clone(), None);
    let tenant = store.tenant("insideout").await.unwrap().unwrap();
    let admin = s.token("insideout", "ada@insideout.example").await;
    let open = workshop(&s, &admin, |w| w["status"] == "PUBLISHED").await;
    let (_, id) = decode(open["id"].as_str().unwrap());
    s.db.execute_unprepared(&format!(
        "UPDATE workshops SET capacity_total = 40, capacity_remaining = 3 WHERE {}",
        id_eq(&s, &id)
    ))
    .await
    .unwrap();
    let mut tokens = vec![];
    for i in 0..24 {
        let email = format!("rush{i}@learner.example");
        store
            .sign_up(tenant.id, &email, "not-a-real-hash".into(), None)
            .await
            .unwrap();
        tokens.push(s.token("insideout", &email).await);
    }
    let results = futures::future::join_all(
        tokens
            .iter()
            .map(|t| s.gql(t, REGISTER, json!({"w": open["id"]}))),
    )
    .await;
    let ok = results.iter().filter(|r| r.get("errors").is_none()).count();
    let conflicts = results.iter().filter(|r| code(r) == "CONFLICT").count();
    assert_eq!((ok, conflicts), (3, 21), "{results:#?}");
    let left = s
        .data(
            &admin,
            "query($id: ID!) { node(id: $id) { ... on Workshop { capacityRemaining } } }",
            json!({"id": open["id"]}),
        )
        .await;
    assert_eq!(left["node"]["capacityRemaining"], 0);
    let row =
        s.db.query_one_raw(Statement::from_string(
            s.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM workshop_registrations r JOIN users u ON u.id = r.user_id \
             WHERE u.email LIKE 'rush%' AND r.status = 'registered'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 3);
    s.stop().await;
}

// --- management, feedback and search ------------------------------------

const CREATE: &str = "mutation($i: CreateWorkshopInput!) { createWorkshop(input: $i) { id status title capacityTotal capacityRemaining priceAmount priceEarlyBird tags instructor { email } } }";
const UPDATE: &str = "mutation($w: ID!, $i: UpdateWorkshopInput!) { updateWorkshop(workshopId: $w, input: $i) { title capacityTotal capacityRemaining status } }";
const PUBLISH: &str = "mutation($w: ID!) { publishWorkshop(workshopId: $w) { status capacityRemaining capacityTotal } }";
const CANCEL_WS: &str = "mutation($w: ID!) { cancelWorkshop(workshopId: $w) { status capacityRemaining capacityTotal } }";
const ATTEND: &str = "mutation($r: ID!, $a: Boolean!) { markWorkshopAttendance(workshopRegistrationId: $r, attended: $a) { attended status } }";
const COMPLETE: &str = "mutation($w: ID!) { completeWorkshop(workshopId: $w) { workshop { status } noShows completedRegistrations { status completedAt user { email } certificate { id certificateNumber } } certificates { id certificateNumber certificateType issueDate skillsDemonstrated verificationUrl workshop { id } user { email } issuedBy } } }";
const FEEDBACK: &str = "mutation($w: ID!, $r: Int!, $f: String) { submitWorkshopFeedback(workshopId: $w, rating: $r, feedback: $f) { rating review status } }";
const SEARCH: &str = "query($q: String!, $p: WorkshopPillar, $l: DifficultyLevel, $n: Int) { searchWorkshops(query: $q, pillar: $p, level: $l, first: $n) { rank workshop { title status pillar level } } }";

fn draft(title: &str, capacity: i64) -> Value {
    json!({"title": title, "description": "Practice giving feedback that lands.", "pillar": "COACHING",
           "level": "BEGINNER", "format": "LIVE", "capacity": capacity, "priceAmount": "120.00",
           "priceEarlyBird": "99.50", "tags": ["feedback", " practice "], "scheduleDate": "2027-03-01",
           "scheduleTime": "10:00"})
}

fn uuid_of(global: &Value) -> String {
    decode(global.as_str().unwrap()).1
}

#[tokio::test]
async fn instructors_create_update_publish_and_complete_with_certificates() {
    let s = TestServer::start().await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;

    let w = s
        .data(&ivan, CREATE, json!({"i": draft("Feedback Lab", 10)}))
        .await["createWorkshop"]
        .clone();
    assert_eq!(
        (
            w["status"].as_str(),
            w["capacityTotal"].as_i64(),
            w["capacityRemaining"].as_i64()
        ),
        (Some("DRAFT"), Some(10), Some(10))
    );
    assert_eq!(w["priceEarlyBird"], "99.50");
    assert_eq!(w["tags"], json!(["feedback", "practice"]));
    assert_eq!(w["instructor"]["email"], "ivan@insideout.example");
    let id = w["id"].clone();

    // The seed's CHECKs and enums; roles.
    for bad in [
        json!({"capacity": -1}),
        json!({"pillar": "cooking"}),
        json!({"priceAmount": "-1"}),
        json!({"priceAmount": "1.234"}),
        json!({"priceEarlyBird": "130"}),
        json!({"title": "  "}),
        json!({"scheduleDate": "tomorrow"}),
    ] {
        let mut i = draft("Bad", 5);
        i.as_object_mut()
            .unwrap()
            .extend(bad.as_object().unwrap().clone());
        let r = s.gql(&ivan, CREATE, json!({"i": i})).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{bad}: {r}");
    }
    assert_eq!(
        code(&s.gql(&lina, CREATE, json!({"i": draft("Mine", 5)})).await),
        "FORBIDDEN"
    );
    let mut other = draft("For Ada", 5);
    other["instructorId"] = json!(global("User", "20000000-0000-4000-8000-000000000002"));
    assert_eq!(
        code(&s.gql(&ivan, CREATE, json!({"i": other})).await),
        "FORBIDDEN"
    );

    let u = s
        .data(
            &ivan,
            UPDATE,
            json!({"w": id, "i": {"title": "Feedback Lab II", "capacity": 3}}),
        )
        .await;
    assert_eq!(
        u["updateWorkshop"],
        json!({"title": "Feedback Lab II", "capacityTotal": 3, "capacityRemaining": 3, "status": "DRAFT"})
    );
    // A draft is invisible to learners; a learner cannot manage anything.
    assert_eq!(
        code(&s.gql(&lina, REGISTER, json!({"w": id})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&lina, PUBLISH, json!({"w": id})).await),
        "FORBIDDEN"
    );

    let p = s.data(&ivan, PUBLISH, json!({"w": id})).await["publishWorkshop"].clone();
    assert_eq!(
        p,
        json!({"status": "PUBLISHED", "capacityRemaining": 3, "capacityTotal": 3})
    );
    assert_eq!(
        code(&s.gql(&ivan, PUBLISH, json!({"w": id})).await),
        "CONFLICT"
    );

    let reg_lina =
        s.data(&lina, REGISTER, json!({"w": id})).await["registerForWorkshop"]["id"].clone();
    let reg_leo =
        s.data(&leo, REGISTER, json!({"w": id})).await["registerForWorkshop"]["id"].clone();
    // Capacity moves with the seats taken, never below them.
    assert_eq!(
        code(
            &s.gql(&ivan, UPDATE, json!({"w": id, "i": {"capacity": 1}}))
                .await
        ),
        "CONFLICT"
    );
    let u = s
        .data(&ivan, UPDATE, json!({"w": id, "i": {"capacity": 12}}))
        .await;
    assert_eq!(u["updateWorkshop"]["capacityRemaining"], 10);
    assert_eq!(
        code(
            &s.gql(&lina, UPDATE, json!({"w": id, "i": {"title": "x"}}))
                .await
        ),
        "FORBIDDEN"
    );

    // Attendance: the instructor only; feedback: attendees only.
    assert_eq!(
        code(
            &s.gql(&lina, ATTEND, json!({"r": reg_lina, "a": true}))
                .await
        ),
        "FORBIDDEN"
    );
    let a = s
        .data(&ivan, ATTEND, json!({"r": reg_lina, "a": true}))
        .await;
    assert_eq!(
        a["markWorkshopAttendance"],
        json!({"attended": true, "status": "REGISTERED"})
    );
    assert_eq!(
        code(&s.gql(&leo, FEEDBACK, json!({"w": id, "r": 4})).await),
        "CONFLICT"
    );
    assert_eq!(
        code(&s.gql(&lina, FEEDBACK, json!({"w": id, "r": 6})).await),
        "BAD_USER_INPUT"
    );
    let ada = s.token("insideout", "ada@insideout.example").await;
    assert_eq!(
        code(&s.gql(&ada, FEEDBACK, json!({"w": id, "r": 5})).await),
        "NOT_FOUND"
    );

    let c = s.data(&ivan, COMPLETE, json!({"w": id})).await["completeWorkshop"].clone();
    assert_eq!(c["workshop"]["status"], "ARCHIVED");
    assert_eq!(c["noShows"], 1);
    let done = c["completedRegistrations"].as_array().unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["status"], "COMPLETED");
    assert_eq!(done[0]["user"]["email"], "lina@learner.example");
    let cert = &c["certificates"][0];
    assert_eq!(c["certificates"].as_array().unwrap().len(), 1);
    assert_eq!(done[0]["certificate"]["id"], cert["id"]);
    let today = chrono::Utc::now().date_naive();
    let number = cert["certificateNumber"].as_str().unwrap();
    assert_eq!(
        number,
        format!(
            "CERT-WORKSHOP-{}-{}",
            today.format("%Y%m%d"),
            uuid_of(&cert["id"])
        )
    );
    assert_eq!(cert["issueDate"], today.to_string());
    assert_eq!(cert["certificateType"], "WORKSHOP");
    assert_eq!(cert["workshop"]["id"], id);
    assert_eq!(cert["user"]["email"], "lina@learner.example");
    assert_eq!(cert["issuedBy"], "20000000-0000-4000-8000-000000000004");
    assert!(
        cert["verificationUrl"]
            .as_str()
            .is_none_or(|u| u.ends_with(number))
    );
    let v = s
        .data(
            "tenant:insideout",
            "query($n: String!) { verifyCertificate(number: $n) { valid recipientName } }",
            json!({"n": number}),
        )
        .await;
    assert_eq!(
        v["verifyCertificate"],
        json!({"valid": true, "recipientName": "Lina Haddad"})
    );
    assert_eq!(
        code(&s.gql(&ivan, COMPLETE, json!({"w": id})).await),
        "CONFLICT"
    );
    assert_eq!(
        code(&s.gql(&ivan, ATTEND, json!({"r": reg_leo, "a": true})).await),
        "CONFLICT"
    );
    assert_eq!(
        code(
            &s.gql(&ivan, UPDATE, json!({"w": id, "i": {"title": "Late"}}))
                .await
        ),
        "CONFLICT"
    );

    let f = s
        .data(
            &lina,
            FEEDBACK,
            json!({"w": id, "r": 5, "f": "  Loved the drills. "}),
        )
        .await;
    assert_eq!(
        f["submitWorkshopFeedback"],
        json!({"rating": 5, "review": "Loved the drills.", "status": "COMPLETED"})
    );
    let mine = s
        .data(
            &leo,
            "{ workshopRegistrations { nodes { status workshop { id } } } }",
            json!({}),
        )
        .await;
    assert!(
        mine["workshopRegistrations"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "NO_SHOW")
    );
    s.stop().await;
}

fn global(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

#[tokio::test]
async fn cancelling_a_workshop_releases_its_registrations() {
    let s = TestServer::start().await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    // Ada's own workshop: visible to Ivan once published, but not his to manage.
    let mine = s
        .data(&ada, CREATE, json!({"i": draft("Ada's Clinic", 4)}))
        .await["createWorkshop"]
        .clone();
    assert_eq!(mine["instructor"]["email"], "ada@insideout.example");
    assert_eq!(
        code(&s.gql(&ivan, PUBLISH, json!({"w": mine["id"]})).await),
        "NOT_FOUND"
    );
    s.data(&ada, PUBLISH, json!({"w": mine["id"]})).await;
    assert_eq!(
        code(&s.gql(&ivan, CANCEL_WS, json!({"w": mine["id"]})).await),
        "FORBIDDEN"
    );

    let w = s
        .data(&ivan, CREATE, json!({"i": draft("Short Notice", 5)}))
        .await["createWorkshop"]["id"]
        .clone();
    s.data(&ivan, PUBLISH, json!({"w": w})).await;
    s.data(&lina, REGISTER, json!({"w": w})).await;
    let c = s.data(&ada, CANCEL_WS, json!({"w": w})).await["cancelWorkshop"].clone();
    assert_eq!(
        c,
        json!({"status": "CANCELLED", "capacityRemaining": 5, "capacityTotal": 5})
    );
    let regs = s
        .data(
            &lina,
            "{ workshopRegistrations { nodes { status cancelledAt workshop { id } } } }",
            json!({}),
        )
        .await;
    let r = regs["workshopRegistrations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["status"] == "CANCELLED" && r["cancelledAt"].is_string() && r["workshop"].is_null()
        })
        .cloned();
    assert!(r.is_some(), "{regs}");
    assert_eq!(
        code(&s.gql(&ivan, CANCEL_WS, json!({"w": w})).await),
        "CONFLICT"
    );
    assert_eq!(
        code(&s.gql(&ivan, COMPLETE, json!({"w": w})).await),
        "CONFLICT"
    );
    let missing = global("Workshop", &uuid::Uuid::new_v4().to_string());
    assert_eq!(
        code(&s.gql(&ivan, CANCEL_WS, json!({"w": missing})).await),
        "NOT_FOUND"
    );
    s.stop().await;
}

#[tokio::test]
async fn search_ranks_what_the_caller_may_read() {
    let s = TestServer::start().await;
    let anon = "tenant:insideout";
    let hits = |d: &Value| d["searchWorkshops"].as_array().unwrap().clone();
    let d = s
        .data(anon, SEARCH, json!({"q": "coaching conversations"}))
        .await;
    let h = hits(&d);
    assert_eq!(h.len(), 1, "{d}");
    assert_eq!(
        h[0]["workshop"]["title"],
        "Coaching Conversations Masterclass"
    );
    assert!(h[0]["rank"].as_f64().unwrap() > 0.0);

    // Several hits come best first; only published ones for the public.
    let d = s.data(anon, SEARCH, json!({"q": "teams"})).await;
    let h = hits(&d);
    assert!(h.len() >= 2, "{d}");
    let ranks: Vec<f64> = h.iter().map(|x| x["rank"].as_f64().unwrap()).collect();
    assert!(ranks.windows(2).all(|p| p[0] >= p[1]), "{ranks:?}");
    assert!(h.iter().all(|x| x["workshop"]["status"] == "PUBLISHED"));
    let filtered = s
        .data(
            anon,
            SEARCH,
            json!({"q": "teams", "p": "ADAPTABILITY", "l": "BEGINNER", "n": 1}),
        )
        .await;
    let f = hits(&filtered);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["workshop"]["pillar"], "ADAPTABILITY");
    assert_eq!(f[0]["workshop"]["level"], "BEGINNER");

    // The draft playbook: its instructor finds it, the public does not.
    assert!(
        hits(
            &s.data(anon, SEARCH, json!({"q": "marketplace playbook"}))
                .await
        )
        .is_empty()
    );
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let d = s
        .data(&ivan, SEARCH, json!({"q": "marketplace playbook"}))
        .await;
    assert_eq!(hits(&d)[0]["workshop"]["status"], "DRAFT");
    // The other tenant's workshop is never found.
    assert!(hits(&s.data(anon, SEARCH, json!({"q": "storytelling"})).await).is_empty());
    assert_eq!(
        hits(
            &s.data("tenant:northstar", SEARCH, json!({"q": "storytelling"}))
                .await
        )
        .len(),
        1
    );
    for (q, p) in [("  ", None), ("teams", Some("cooking"))] {
        let r = s.gql(anon, SEARCH, json!({"q": q, "p": p})).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    }
    assert_eq!(
        code(&s.gql(anon, SEARCH, json!({"q": "teams", "n": 0})).await),
        "BAD_USER_INPUT"
    );
    s.stop().await;
}
