//! Authentication over HTTP: sign-up, login, `me`, and the tokens a request
//! is refused with.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const LOGIN: &str = "mutation($t: String!, $e: String!, $p: String!) {
    login(tenant: $t, email: $e, password: $p) { token roles tenantId userId expiresAt } }";
const SIGN_UP: &str = "mutation($t: String!, $e: String!, $p: String!) {
    signUp(tenant: $t, email: $e, password: $p, fullName: \"New Learner\") { token roles } }";
const ME: &str = "{ me { roles userId user { email fullName } tenant { slug } } }";

#[tokio::test]
async fn sign_up_then_me_then_login() {
    let s = TestServer::start().await;
    let vars = json!({"t": "insideout", "e": "New.Person@Example.com", "p": "long enough pw"});
    let data = s.data("", SIGN_UP, vars.clone()).await;
    assert_eq!(data["signUp"]["roles"], json!(["LEARNER"]));
    let token = data["signUp"]["token"].as_str().unwrap().to_owned();
    let me = s.data(&token, ME, json!({})).await;
    assert_eq!(me["me"]["user"]["email"], "new.person@example.com");
    assert_eq!(me["me"]["tenant"]["slug"], "insideout");
    assert_eq!(me["me"]["roles"], json!(["LEARNER"]));

    // The same email again, in any case: CONFLICT.
    let again = s
        .gql(
            "",
            SIGN_UP,
            json!({"t": "northstar", "e": "new.person@EXAMPLE.com", "p": "long enough pw"}),
        )
        .await;
    assert_eq!(code(&again), "CONFLICT", "{again}");

    let login = s
        .data(
            "",
            LOGIN,
            json!({"t": "insideout", "e": "new.person@example.com", "p": "long enough pw"}),
        )
        .await;
    assert!(login["login"]["token"].as_str().unwrap().len() > 20);
    assert!(!login.to_string().contains("long enough pw"));
    s.stop().await;
}

#[tokio::test]
async fn sign_up_validates_its_input() {
    let s = TestServer::start().await;
    for (vars, expected) in [
        (
            json!({"t": "insideout", "e": "not-an-email", "p": "long enough pw"}),
            "BAD_USER_INPUT",
        ),
        (
            json!({"t": "insideout", "e": "a@b.example", "p": "short"}),
            "BAD_USER_INPUT",
        ),
        (
            json!({"t": "no-such-tenant", "e": "a@b.example", "p": "long enough pw"}),
            "NOT_FOUND",
        ),
        (
            json!({"t": "insideout", "e": "leo@learner.example", "p": "long enough pw"}),
            "CONFLICT",
        ),
    ] {
        let body = s.gql("", SIGN_UP, vars.clone()).await;
        assert_eq!(code(&body), expected, "{vars}: {body}");
    }
    s.stop().await;
}

#[tokio::test]
async fn login_fails_the_same_way_whatever_is_wrong() {
    let s = TestServer::start().await;
    // Demo users' password is "coachql-demo".
    let ok = s
        .data(
            "",
            LOGIN,
            json!({"t": "insideout", "e": "leo@learner.example", "p": "coachql-demo"}),
        )
        .await;
    assert_eq!(ok["login"]["roles"], json!(["LEARNER"]));
    let mut messages = std::collections::BTreeSet::new();
    for (t, e, p) in [
        ("insideout", "leo@learner.example", "wrong password"),
        ("insideout", "nobody@nowhere.example", "coachql-demo"),
        ("no-such-tenant", "leo@learner.example", "coachql-demo"),
        // A member of northstar only.
        ("insideout", "nora@northstar.example", "coachql-demo"),
        // Membership in insideout expired.
        ("insideout", "nick@northstar.example", "coachql-demo"),
    ] {
        let body = s.gql("", LOGIN, json!({"t": t, "e": e, "p": p})).await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{t} {e}: {body}");
        assert!(body["data"].is_null() || body["data"]["login"].is_null());
        messages.insert(body["errors"][0]["message"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        messages.len(),
        1,
        "one message for every failure: {messages:?}"
    );
    s.stop().await;
}

#[tokio::test]
async fn tokens_are_refused_unless_valid_and_backed_by_a_live_membership() {
    let s = TestServer::start().await;
    let keys = s.config.token_keys().unwrap();
    let sign = |user: &str, tenant: &str, exp_offset: i64| {
        let now = chrono::Utc::now().timestamp();
        keys.sign(&auth::Claims {
            sub: user.parse().unwrap(),
            tenant: tenant.parse().unwrap(),
            // Claimed roles are ignored: the memberships decide.
            roles: vec![auth::Role::PlatformAdmin],
            org: None,
            iat: now,
            exp: now + exp_offset,
            nbf: None,
            iss: None,
            aud: None,
        })
        .unwrap()
    };
    const INSIDEOUT: &str = "10000000-0000-4000-8000-000000000001";
    const LEO: &str = "20000000-0000-4000-8000-000000000008";
    const NICK: &str = "20000000-0000-4000-8000-000000000011";
    const NORA: &str = "20000000-0000-4000-8000-000000000010";

    // A valid token claiming admin gets only the learner's roles.
    let me = s.data(&sign(LEO, INSIDEOUT, 600), ME, json!({})).await;
    assert_eq!(me["me"]["roles"], json!(["LEARNER"]));

    let foreign = TestServer::start_with(|c| {
        c.jwt_secret = Some(coachql::config::Secret(
            "another secret of 32 bytes......".into(),
        ))
    })
    .await;
    let forged = foreign.token("insideout", "leo@learner.example").await;
    foreign.stop().await;
    for token in [
        sign(LEO, INSIDEOUT, -3600), // expired
        sign(NICK, INSIDEOUT, 600),  // membership expired
        sign(NORA, INSIDEOUT, 600),  // no membership in this tenant
        forged,                      // signed with another key
        "not-a-token".to_owned(),
    ] {
        let body = s.gql(&token, ME, json!({})).await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    let body: Value = s.gql("tenant:insideout", ME, json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
    s.stop().await;
}

/// The demo learner leo@learner.example, and their tenant.
const LEO: &str = "20000000-0000-4000-8000-000000000008";
const INSIDEOUT: &str = "10000000-0000-4000-8000-000000000001";

/// Grants leo the instructor role in insideout, as membership `id`.
async fn grant_instructor(db: &sea_orm::DatabaseConnection, id: uuid::Uuid) {
    use sea_orm::{ActiveModelTrait, Set};
    let now = chrono::Utc::now().fixed_offset();
    entity::user_roles::ActiveModel {
        id: Set(id),
        tenant_id: Set(INSIDEOUT.parse().unwrap()),
        user_id: Set(LEO.parse().unwrap()),
        role: Set("instructor".into()),
        organization_id: Set(None),
        expires_at: Set(None),
        granted_at: Set(now),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
}

/// Takes membership `id` away.
async fn revoke(db: &sea_orm::DatabaseConnection, id: uuid::Uuid) {
    use sea_orm::EntityTrait;
    entity::user_roles::Entity::delete_by_id(id)
        .exec(db)
        .await
        .unwrap();
}

/// Sets leo's account status.
async fn set_status(db: &sea_orm::DatabaseConnection, to: &str) {
    use entity::users;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    users::Entity::update_many()
        .col_expr(users::Column::Status, Expr::val(to))
        .filter(users::Column::Id.eq(LEO.parse::<uuid::Uuid>().unwrap()))
        .exec(db)
        .await
        .unwrap();
}

/// Every request reads the caller's live memberships
/// (`store::Store::authenticate`): a change reaches the very next request,
/// whatever came before it: a new role, a suspended account, a revoked
/// role.
#[tokio::test]
async fn every_membership_change_reaches_the_next_read() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let leo_id: uuid::Uuid = LEO.parse().unwrap();
    let roles = async || {
        let mut r = s.data(&leo, ME, json!({})).await["me"]["roles"].clone();
        r.as_array_mut().unwrap().sort_by_key(|v| v.to_string());
        r
    };
    for _ in 0..3 {
        assert_eq!(roles().await, json!(["LEARNER"]));
    }

    // A new role: the next read has it.
    let role = uuid::Uuid::new_v4();
    grant_instructor(&s.db, role).await;
    for _ in 0..2 {
        assert_eq!(roles().await, json!(["INSTRUCTOR", "LEARNER"]));
    }

    // The account suspended: refused at once, and again.
    set_status(&s.db, "suspended").await;
    for _ in 0..2 {
        let body = s.gql(&leo, ME, json!({})).await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    set_status(&s.db, "active").await;
    assert_eq!(roles().await, json!(["INSTRUCTOR", "LEARNER"]));

    // The new role revoked: gone from the next read.
    revoke(&s.db, role).await;
    for _ in 0..2 {
        assert_eq!(roles().await, json!(["LEARNER"]));
    }

    // A write whose caller changed since their last request: on
    // PostgreSQL its first statement carries the check of the memberships
    // seen before, which fails; nothing is kept and the mutation runs again
    // on the live ones, so it is written exactly once.
    let attempts = async || {
        entity::assessment_attempts::Entity::find()
            .filter(entity::assessment_attempts::Column::StudentId.eq(leo_id))
            .all(&s.db)
            .await
            .unwrap()
            .len()
    };
    let quiz = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode("Quiz:43000000-0001-4000-8000-000000000001")
    };
    let submit = "mutation($q: ID!) { submitQuizAttempt(quizId: $q, answers: {}) { passed } }";
    // As many attempts as this test makes.
    let quiz_id: uuid::Uuid = "43000000-0001-4000-8000-000000000001".parse().unwrap();
    entity::quizzes::Entity::update_many()
        .col_expr(
            entity::quizzes::Column::MaxAttempts,
            Expr::val(Option::<i32>::None),
        )
        .filter(entity::quizzes::Column::Id.eq(quiz_id))
        .exec(&s.db)
        .await
        .unwrap();
    for granted in [true, false] {
        // Seen as they are now, then changed.
        let expected = if granted { 1 } else { 2 };
        assert_eq!(roles().await.as_array().unwrap().len(), expected);
        match granted {
            true => grant_instructor(&s.db, role).await,
            false => revoke(&s.db, role).await,
        }
        let before = attempts().await;
        let data = s.data(&leo, submit, json!({"q": quiz})).await;
        assert_eq!(data["submitQuizAttempt"]["passed"], false, "{data}");
        assert_eq!(attempts().await, before + 1);
    }
    s.stop().await;
}

/// Membership changes while a member's requests keep coming, several at a
/// time: every answer is the caller's roles at some moment (before or after
/// a change) or `UNAUTHENTICATED` while the account is suspended. On
/// PostgreSQL most of these requests have their authentication pipelined
/// with their first statement (docs/ARCHITECTURE.md, "Authentication
/// pipelined with the first statement"), so this drives the failed check and
/// the rerun under concurrency; no answer may be an error of another kind.
#[tokio::test]
async fn membership_changes_under_concurrent_requests() {
    use std::sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    };
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let query = "{ me { roles } courses(first: 2) { nodes { title } } }";
    let stop = AtomicBool::new(false);
    let seen = Mutex::new(std::collections::BTreeMap::<String, usize>::new());
    let worker = async || {
        while !stop.load(Ordering::Relaxed) {
            let body = s.gql(&leo, query, json!({})).await;
            let outcome = match body.get("errors") {
                Some(_) => code(&body).to_owned(),
                None => {
                    let mut roles: Vec<String> = body["data"]["me"]["roles"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap().to_owned())
                        .collect();
                    roles.sort();
                    assert!(body["data"]["courses"]["nodes"].is_array(), "{body}");
                    roles.join("+")
                }
            };
            *seen.lock().unwrap().entry(outcome).or_default() += 1;
        }
    };
    let changes = async {
        let pause = || tokio::time::sleep(std::time::Duration::from_millis(300));
        for _ in 0..3 {
            let role = uuid::Uuid::new_v4();
            pause().await;
            grant_instructor(&s.db, role).await;
            pause().await;
            set_status(&s.db, "suspended").await;
            pause().await;
            set_status(&s.db, "active").await;
            pause().await;
            revoke(&s.db, role).await;
        }
        pause().await;
        stop.store(true, Ordering::Relaxed);
    };
    futures::join!(changes, futures::future::join_all((0..6).map(|_| worker())));
    let seen = seen.lock().unwrap().clone();
    let allowed = ["INSTRUCTOR+LEARNER", "LEARNER", "UNAUTHENTICATED"];
    assert!(
        seen.keys().all(|k| allowed.contains(&k.as_str())),
        "unexpected answers: {seen:?}"
    );
    for outcome in allowed {
        assert!(
            seen.contains_key(outcome),
            "never answered {outcome}: {seen:?}"
        );
    }
    // Settled: the next request has the roles as they are now.
    let roles = s.data(&leo, ME, json!({})).await["me"]["roles"].clone();
    assert_eq!(roles, json!(["LEARNER"]));
    s.stop().await;
}
