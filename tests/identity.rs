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

/// Every request reads the caller's live memberships
/// (`store::Store::authenticate`): a change reaches the very next request,
/// whatever came before it: a new role, a suspended account, a revoked
/// role.
#[tokio::test]
async fn every_membership_change_reaches_the_next_read() {
    use entity::{user_roles, users};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let leo_id: uuid::Uuid = "20000000-0000-4000-8000-000000000008".parse().unwrap();
    let insideout: uuid::Uuid = "10000000-0000-4000-8000-000000000001".parse().unwrap();
    let roles = async || {
        let mut r = s.data(&leo, ME, json!({})).await["me"]["roles"].clone();
        r.as_array_mut().unwrap().sort_by_key(|v| v.to_string());
        r
    };
    let status = async |to: &str| {
        users::Entity::update_many()
            .col_expr(users::Column::Status, Expr::val(to))
            .filter(users::Column::Id.eq(leo_id))
            .exec(&s.db)
            .await
            .unwrap();
    };
    for _ in 0..3 {
        assert_eq!(roles().await, json!(["LEARNER"]));
    }

    // Grants leo the instructor role, as membership `id`.
    let grant = async |id: uuid::Uuid| {
        let now = chrono::Utc::now().fixed_offset();
        user_roles::ActiveModel {
            id: Set(id),
            tenant_id: Set(insideout),
            user_id: Set(leo_id),
            role: Set("instructor".into()),
            organization_id: Set(None),
            expires_at: Set(None),
            granted_at: Set(now),
            created_at: Set(now),
        }
        .insert(&s.db)
        .await
        .unwrap()
    };

    // A new role: the next read has it.
    let role = grant(uuid::Uuid::new_v4()).await;
    for _ in 0..2 {
        assert_eq!(roles().await, json!(["INSTRUCTOR", "LEARNER"]));
    }

    // The account suspended: refused at once, and again.
    status("suspended").await;
    for _ in 0..2 {
        let body = s.gql(&leo, ME, json!({})).await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    status("active").await;
    assert_eq!(roles().await, json!(["INSTRUCTOR", "LEARNER"]));

    // The new role revoked: gone from the next read.
    user_roles::Entity::delete_by_id(role.id)
        .exec(&s.db)
        .await
        .unwrap();
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
    let again = uuid::Uuid::new_v4();
    for granted in [true, false] {
        // Seen as they are now, then changed.
        let expected = if granted { 1 } else { 2 };
        assert_eq!(roles().await.as_array().unwrap().len(), expected);
        if granted {
            grant(again).await;
        } else {
            user_roles::Entity::delete_by_id(again)
                .exec(&s.db)
                .await
                .unwrap();
        }
        let before = attempts().await;
        let data = s.data(&leo, submit, json!({"q": quiz})).await;
        assert_eq!(data["submitQuizAttempt"]["passed"], false, "{data}");
        assert_eq!(attempts().await, before + 1);
    }
    s.stop().await;
}
