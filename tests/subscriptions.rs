//! Subscriptions over a real WebSocket (`graphql-transport-ws` and the
//! legacy `graphql-ws`), against the real server and database: events
//! after commit only, tenant isolation, access rules re-checked per event,
//! limits and close codes, and two server processes sharing events on
//! PostgreSQL.

mod common;

use std::time::Duration;

use common::{
    ServerProcess, TestServer, code,
    ws::{Got, WORKSHOPS, Ws, pick_open},
};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const SEATS: &str =
    "subscription($w: ID!) { workshopSeats(workshopId: $w) { id capacityRemaining } }";
const REGISTER: &str =
    "mutation($w: ID!) { registerForWorkshop(workshopId: $w) { workshop { capacityRemaining } } }";
const COURSE: &str =
    "subscription($c: ID!) { courseUpdated(courseId: $c) { title lessons { totalCount } } }";
const BOARD: &str =
    "subscription { weeklyLeaderboard(first: 5) { week entries { weeklyPoints name isMe } } }";
const AWARD: &str = "mutation($u: ID!, $p: Int!) { awardPoints(userId: $u, points: $p, activityType: \"bonus\") { totalPoints } }";
const NOTICES: &str = "subscription { myNotifications { kind subject { id __typename ... on Review { responseText } } } }";

const QUIET: Duration = Duration::from_millis(700);

/// A published workshop of `tenant` with seats left that none of the demo
/// learners the tests use has registered for (as its admin sees them).
async fn open_workshop(s: &TestServer, tenant: &str) -> Value {
    let admin = match tenant {
        "insideout" => s.token("insideout", "ada@insideout.example").await,
        _ => s.token("northstar", "nora@northstar.example").await,
    };
    pick_open(&s.data(&admin, WORKSHOPS, json!({})).await)
}

async fn user_id(s: &TestServer, token: &str) -> Value {
    s.data(token, "{ me { user { id } } }", json!({})).await["me"]["user"]["id"].clone()
}

#[tokio::test]
async fn seats_follow_registrations_after_commit_only() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let w = open_workshop(&s, "insideout").await;
    let seats = w["capacityRemaining"].as_i64().unwrap();

    // An anonymous caller of the tenant may watch a published workshop.
    let mut ws = Ws::connect(&s.url, "tenant:insideout").await;
    ws.subscribe("1", SEATS, json!({"w": w["id"]})).await;
    let now = ws.next("1").await;
    assert_eq!(now["data"]["workshopSeats"]["capacityRemaining"], seats);

    s.data(&lina, REGISTER, json!({"w": w["id"]})).await;
    let after = ws.next("1").await;
    assert_eq!(
        after["data"]["workshopSeats"]["capacityRemaining"],
        seats - 1
    );

    // A second registration of the same learner is refused: nothing is
    // published (a write that publishes and then fails is the courseUpdated
    // test below).
    let again = s.gql(&lina, REGISTER, json!({"w": w["id"]})).await;
    assert_eq!(code(&again), "CONFLICT", "{again}");
    ws.quiet(QUIET).await;

    s.data(&leo, REGISTER, json!({"w": w["id"]})).await;
    let next = ws.next("1").await;
    assert_eq!(
        next["data"]["workshopSeats"]["capacityRemaining"],
        seats - 2
    );

    // Stopping the subscription completes it; no more updates.
    ws.stop("1").await;
    match ws.next_within(Duration::from_secs(5)).await {
        Got::Complete(id) => assert_eq!(id, "1"),
        other => panic!("expected complete, got {other:?}"),
    }
    s.data(
        &leo,
        "mutation($w: ID!) { cancelWorkshopRegistration(workshopId: $w) { status } }",
        json!({"w": w["id"]}),
    )
    .await;
    ws.quiet(QUIET).await;
    s.stop().await;
}

/// Queries and mutations may run over the socket too: a mutation gets a
/// scope that writes, a query one that reads.
#[tokio::test]
async fn queries_and_mutations_run_over_the_socket() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let w = open_workshop(&s, "insideout").await;
    let seats = w["capacityRemaining"].as_i64().unwrap();
    let mut ws = Ws::connect(&s.url, &leo).await;
    ws.subscribe("q", "{ me { roles } }", json!({})).await;
    let me = ws.next("q").await;
    assert_eq!(me["data"]["me"]["roles"], json!(["LEARNER"]), "{me}");
    ws.subscribe("m", REGISTER, json!({"w": w["id"]})).await;
    let registered = loop {
        match ws.next_within(Duration::from_secs(10)).await {
            common::ws::Got::Next(id, payload) if id == "m" => break payload,
            common::ws::Got::Complete(_) => {}
            other => panic!("expected the mutation's answer, got {other:?}"),
        }
    };
    assert_eq!(
        registered["data"]["registerForWorkshop"]["workshop"]["capacityRemaining"],
        seats - 1,
        "{registered}"
    );
    // Committed: HTTP sees it.
    let after = s
        .data(
            &leo,
            "query($w: ID!) { node(id: $w) { ... on Workshop { capacityRemaining } } }",
            json!({"w": w["id"]}),
        )
        .await;
    assert_eq!(after["node"]["capacityRemaining"], seats - 1, "{after}");
    s.stop().await;
}

#[tokio::test]
async fn a_failed_write_publishes_nothing_and_the_next_one_does() {
    let s = TestServer::start().await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let course = s
        .data(
            &ivan,
            "mutation { createCourse(input: {title: \"Live\", difficultyLevel: BEGINNER}) { id } }",
            json!({}),
        )
        .await["createCourse"]["id"]
        .clone();
    let mut ws = Ws::connect(&s.url, &ivan).await;
    ws.subscribe("c", COURSE, json!({"c": course})).await;
    let first = ws.next("c").await;
    assert_eq!(first["data"]["courseUpdated"]["title"], "Live");

    // Refused after the course check (a blank title): rolled back.
    let bad = s
        .gql(
            &ivan,
            "mutation($c: ID!) { createLesson(courseId: $c, input: {title: \"  \"}) { id } }",
            json!({"c": course}),
        )
        .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT", "{bad}");
    ws.quiet(QUIET).await;

    s.data(
        &ivan,
        "mutation($c: ID!) { createLesson(courseId: $c, input: {title: \"One\"}) { id } }",
        json!({"c": course}),
    )
    .await;
    let next = ws.next("c").await;
    assert_eq!(next["data"]["courseUpdated"]["lessons"]["totalCount"], 1);
    s.stop().await;
}

#[tokio::test]
async fn another_tenants_events_never_reach_a_subscriber() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let nora = s.token("northstar", "nora@northstar.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let lina_id = user_id(&s, &lina).await;

    // Nora (northstar) watches her leaderboard and her notifications.
    let mut ws = Ws::connect(&s.url, &nora).await;
    ws.subscribe("b", BOARD, json!({})).await;
    ws.next("b").await;
    ws.subscribe("n", NOTICES, json!({})).await;

    // Points in insideout move insideout's board, not northstar's.
    s.data(&ada, AWARD, json!({"u": lina_id, "p": 7})).await;
    ws.quiet(QUIET).await;

    // Guessing an insideout workshop's id from northstar: not found.
    let w = open_workshop(&s, "insideout").await;
    ws.subscribe("w", SEATS, json!({"w": w["id"]})).await;
    match ws.next_within(Duration::from_secs(5)).await {
        Got::Next(id, p) | Got::Error(id, p) => {
            assert_eq!(id, "w");
            let errors = p.get("errors").cloned().unwrap_or(p);
            assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{errors}");
        }
        other => panic!("expected NOT_FOUND, got {other:?}"),
    }
    assert!(matches!(
        ws.next_within(Duration::from_secs(5)).await,
        Got::Complete(id) if id == "w"
    ));
    s.data(&lina, REGISTER, json!({"w": w["id"]})).await;
    ws.quiet(QUIET).await;

    // Insideout's own subscriber hears both.
    let mut own = Ws::connect(&s.url, &lina).await;
    own.subscribe("b", BOARD, json!({})).await;
    own.next("b").await;
    s.data(&ada, AWARD, json!({"u": lina_id, "p": 5})).await;
    let board = own.next("b").await;
    let entries = board["data"]["weeklyLeaderboard"]["entries"]
        .as_array()
        .unwrap()
        .clone();
    assert!(entries.iter().any(|e| e["isMe"] == true), "{board}");
    s.stop().await;
}

#[tokio::test]
async fn notifications_reach_only_their_user_with_what_they_may_read() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let lina_id = user_id(&s, &lina).await;

    let mut lina_ws = Ws::connect(&s.url, &lina).await;
    lina_ws.subscribe("n", NOTICES, json!({})).await;
    let mut leo_ws = Ws::connect(&s.url, &leo).await;
    leo_ws.subscribe("n", NOTICES, json!({})).await;
    // No initial message: notifications are events only.
    lina_ws.quiet(Duration::from_millis(300)).await;

    // Enough points for the demo's first points achievement.
    s.data(&ada, AWARD, json!({"u": lina_id, "p": 1000})).await;
    s.data(
        &ada,
        "mutation($u: ID!) { checkAchievements(userId: $u) { id } }",
        json!({"u": lina_id}),
    )
    .await;
    let got = lina_ws.next("n").await;
    let n = &got["data"]["myNotifications"];
    assert_eq!(n["kind"], "ACHIEVEMENT_EARNED", "{got}");
    assert_eq!(n["subject"]["__typename"], "UserAchievement");
    leo_ws.quiet(QUIET).await;
    s.stop().await;
}

#[tokio::test]
async fn a_revoked_membership_closes_the_connection() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let lina_id = user_id(&s, &lina).await;
    let w = open_workshop(&s, "insideout").await;
    let mut ws = Ws::connect(&s.url, &lina).await;
    ws.subscribe("1", SEATS, json!({"w": w["id"]})).await;
    ws.next("1").await;

    let raw = common::uuid_of(&lina_id);
    let past = if s.is_postgres() {
        "now() - interval '1 day'"
    } else {
        "datetime('now', '-1 day')"
    };
    let id = if s.is_postgres() {
        format!("'{raw}'")
    } else {
        format!("X'{}'", raw.simple())
    };
    s.db.execute_raw(Statement::from_string(
        s.db.get_database_backend(),
        format!("UPDATE user_roles SET expires_at = {past} WHERE user_id = {id}"),
    ))
    .await
    .unwrap();
    // The next event re-reads through a new scope: the membership is gone.
    let leo = s.token("insideout", "leo@learner.example").await;
    s.data(&leo, REGISTER, json!({"w": w["id"]})).await;
    let (code, reason) = ws.closed_within(Duration::from_secs(10)).await;
    assert_eq!(code, 4403, "{reason}");
    let _ = ada;
    s.stop().await;
}

#[tokio::test]
async fn an_expired_token_closes_the_connection() {
    let s = TestServer::start_with(|c| c.token_ttl_secs = 2).await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let mut ws = Ws::connect(&s.url, &lina).await;
    ws.subscribe("b", BOARD, json!({})).await;
    ws.next("b").await;
    let (code, _) = ws.closed_within(Duration::from_secs(8)).await;
    assert_eq!(code, 4401);
    s.stop().await;
}

#[tokio::test]
async fn connections_are_limited_and_refusals_have_codes() {
    let s = TestServer::start_with(|c| {
        c.max_subscriptions_per_connection = 2;
        c.max_connections_per_user = 2;
        c.subscription_init_timeout_secs = 1;
        c.max_depth = 4;
    })
    .await;
    let lina = s.token("insideout", "lina@learner.example").await;

    // No credentials, a bad token, an unknown tenant: 4403.
    for auth in ["", "not-a-token", "tenant:nope"] {
        let mut ws = Ws::open(&s.url, false).await;
        let got = ws.init(auth).await;
        assert_eq!(got["closed"], 4403, "{auth}: {got}");
    }
    // No connection_init in time: 4408.
    let mut idle = Ws::open(&s.url, false).await;
    let (closed, _) = idle.closed_within(Duration::from_secs(5)).await;
    assert_eq!(closed, 4408);

    // Two subscriptions per connection.
    let mut ws = Ws::connect(&s.url, &lina).await;
    for id in ["a", "b", "c"] {
        ws.subscribe(id, BOARD, json!({})).await;
    }
    let (mut refused, mut running, mut completed) = (None, 0, false);
    while refused.is_none() || running < 2 || !completed {
        match ws.next_within(Duration::from_secs(5)).await {
            Got::Next(id, p) if p.get("errors").is_some() => refused = Some((id, p)),
            Got::Error(id, p) => refused = Some((id, json!({"errors": p}))),
            Got::Next(..) => running += 1,
            Got::Complete(id) => {
                assert_eq!(id, "c");
                completed = true;
            }
            other => panic!("{other:?}"),
        }
    }
    let (id, p) = refused.expect("the third subscription is refused");
    assert_eq!(id, "c");
    assert_eq!(code(&p), "RATE_LIMITED", "{p}");

    // The depth limit holds for subscription documents.
    ws.stop("a").await;
    assert!(matches!(
        ws.next_within(Duration::from_secs(5)).await,
        Got::Complete(id) if id == "a"
    ));
    ws.subscribe(
        "deep",
        "subscription { courseUpdated(courseId: \"x\") { lessons { nodes { course { lessons { nodes { id } } } } } } }",
        json!({}),
    )
    .await;
    match ws.next_within(Duration::from_secs(5)).await {
        Got::Next(_, p) => assert_eq!(code(&p), "GRAPHQL_VALIDATION_FAILED", "{p}"),
        Got::Error(_, p) => {
            assert_eq!(
                p[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
                "{p}"
            )
        }
        other => panic!("{other:?}"),
    }

    // Two connections per user; the third is closed with 4029.
    let _second = Ws::connect(&s.url, &lina).await;
    let mut third = Ws::open(&s.url, false).await;
    assert_eq!(third.init(&lina).await["closed"], 4029);
    s.stop().await;
}

/// Malformed, early, huge and repeated messages: each closes its own
/// connection with the protocol's code (or is refused), and the server
/// goes on serving everyone else.
#[tokio::test]
async fn hostile_messages_get_their_close_codes() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    // Not JSON, or not a message of the protocol: 4400.
    for bad in ["{", "[1,2]", "{\"type\":\"launch\"}"] {
        let mut ws = Ws::open(&s.url, false).await;
        ws.raw_text(bad).await;
        let (closed, _) = ws.closed_within(Duration::from_secs(5)).await;
        assert_eq!(closed, 4400, "{bad}");
    }
    // A subscription before connection_init: 4401.
    let mut early = Ws::open(&s.url, false).await;
    early.subscribe("1", BOARD, json!({})).await;
    assert_eq!(early.closed_within(Duration::from_secs(5)).await.0, 4401);
    // A message over the body limit: closed (1009, message too big).
    let mut huge = Ws::connect(&s.url, &lina).await;
    let big = "x".repeat(s.config.max_body_bytes + 1);
    huge.raw_text(&format!("{{\"type\":\"ping\",\"payload\":\"{big}\"}}"))
        .await;
    let (closed, _) = huge.closed_within(Duration::from_secs(5)).await;
    assert_eq!(closed, 1009);
    // A burst of 300 subscriptions on one connection: the first 20 run, the
    // rest are refused, and nothing else is disturbed.
    let mut burst = Ws::connect(&s.url, &lina).await;
    for i in 0..300 {
        burst.subscribe(&i.to_string(), BOARD, json!({})).await;
    }
    let (mut answered, mut refused) = (0, 0);
    while answered + refused < 300 {
        match burst.next_within(Duration::from_secs(20)).await {
            Got::Next(_, p) if p.get("errors").is_some() => {
                assert_eq!(code(&p), "RATE_LIMITED", "{p}");
                refused += 1;
            }
            Got::Next(..) => answered += 1,
            Got::Complete(_) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(answered, 20);
    s.public_read().await;
    s.stop().await;
}

#[tokio::test]
async fn a_subscription_over_http_is_refused_with_a_code() {
    let s = TestServer::start().await;
    let resp = s
        .post()
        .header("x-tenant", "insideout")
        .json(&json!({"query": BOARD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    s.stop().await;
}

#[tokio::test]
async fn the_legacy_protocol_and_queries_over_the_socket_work() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let mut ws = Ws::open(&s.url, true).await;
    assert_eq!(ws.init(&lina).await["type"], "connection_ack");
    ws.subscribe("q", "{ me { user { email } } }", json!({}))
        .await;
    let me = ws.next("q").await;
    assert_eq!(
        me["data"]["me"]["user"]["email"], "lina@learner.example",
        "{me}"
    );
    assert!(matches!(
        ws.next_within(Duration::from_secs(5)).await,
        Got::Complete(id) if id == "q"
    ));
    ws.subscribe("b", BOARD, json!({})).await;
    let board = ws.next("b").await;
    assert!(board["data"]["weeklyLeaderboard"]["week"].is_string());
    s.stop().await;
}

/// Two real server processes on one PostgreSQL database: a mutation sent
/// to one reaches a subscriber of the other.
#[tokio::test]
async fn events_cross_processes_on_postgres() {
    let Some(base) = common::test_server() else {
        return;
    };
    let a = ServerProcess::start_on(Some(base), &[]).await;
    let b = a.sibling().await;
    let lina = a.login("insideout", "lina@learner.example").await;
    let leo = a.login("insideout", "leo@learner.example").await;
    let ada = a.login("insideout", "ada@insideout.example").await;
    let w = pick_open(&b.gql(&ada, WORKSHOPS, json!({})).await["data"]);
    let mut ws = Ws::connect(&a.url, &lina).await;
    ws.subscribe("1", SEATS, json!({"w": w["id"]})).await;
    let before = ws.next("1").await["data"]["workshopSeats"]["capacityRemaining"]
        .as_i64()
        .unwrap();
    let resp = b.gql(&leo, REGISTER, json!({"w": w["id"]})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    let after = ws.next("1").await;
    assert_eq!(
        after["data"]["workshopSeats"]["capacityRemaining"],
        before - 1
    );
    drop(b);
    a.terminate(Duration::from_secs(10)).await;
}
