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
        w["status"] == "published"
            && w["capacityRemaining"].as_i64().unwrap() > 1
            && !mine.contains(&w["id"])
    })
    .await;
    let seats = w["capacityRemaining"].as_i64().unwrap();

    let r = s.data(&lina, REGISTER, json!({"w": w["id"]})).await["registerForWorkshop"].clone();
    assert_eq!(r["status"], "registered");
    assert_eq!(r["user"]["email"], "lina@learner.example");
    assert_eq!(r["workshop"]["capacityRemaining"], seats - 1);

    let again = s.gql(&lina, REGISTER, json!({"w": w["id"]})).await;
    assert_eq!(code(&again), "CONFLICT", "{again}");

    let c =
        s.data(&lina, CANCEL, json!({"w": w["id"]})).await["cancelWorkshopRegistration"].clone();
    assert_eq!(c["status"], "cancelled");
    assert!(c["cancelledAt"].is_string());
    assert_eq!(c["workshop"]["capacityRemaining"], seats);
    let twice = s.gql(&lina, CANCEL, json!({"w": w["id"]})).await;
    assert_eq!(code(&twice), "NOT_FOUND", "{twice}");

    let back = s.data(&lina, REGISTER, json!({"w": w["id"]})).await["registerForWorkshop"].clone();
    assert_eq!(back["status"], "registered");
    assert_eq!(back["workshop"]["capacityRemaining"], seats - 1);
    s.stop().await;
}

#[tokio::test]
async fn closed_full_and_invisible_workshops_refuse() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    // A draft is invisible to a learner (NOT_FOUND) and not open to its instructor (CONFLICT).
    let draft = workshop(&s, &ivan, |w| w["status"] != "published").await;
    assert_eq!(
        code(&s.gql(&lina, REGISTER, json!({"w": draft["id"]})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&ivan, REGISTER, json!({"w": draft["id"]})).await),
        "CONFLICT"
    );
    // Full.
    let open = workshop(&s, &lina, |w| w["status"] == "published").await;
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
    let open = workshop(&s, &admin, |w| w["status"] == "published").await;
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
