//! Analytics and gamification (seed 004): points → totals, level and daily
//! streak (exact under concurrency), achievements by criteria (once), the
//! weekly leaderboard honouring leaderboard privacy, skill demand, learner
//! velocity, the predictive cache, preferences and the learner dashboard.

mod common;

use chrono::{Duration, Utc};
use common::{TestServer, code};
use entity::{
    achievements, daily_activity, learner_velocity_analytics as velocity, point_transactions as tx,
    predictive_analytics_cache as cache, user_achievements, user_points, user_preferences,
    user_skills,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const INSIDEOUT: &str = "10000000-0000-4000-8000-000000000001";
const CLARA: &str = "20000000-0000-4000-8000-000000000007";
const LEO: &str = "20000000-0000-4000-8000-000000000008";
const LINA: &str = "20000000-0000-4000-8000-000000000009";
const GRACE: &str = "20000000-0000-4000-8000-000000000013";

const AWARD: &str = "mutation($u: ID, $p: Int!, $a: String!, $r: String) {
    awardPoints(userId: $u, points: $p, activityType: $a, reason: $r) {
      totalPoints currentLevel currentStreak longestStreak } }";
const CHECK: &str = "mutation($u: ID) { checkAchievements(userId: $u) { achievement { code } } }";
const BOARD: &str = "query($w: String, $f: Int) { weeklyLeaderboard(week: $w, first: $f) {
    week weekStart entries { rank weeklyPoints userId name anonymous isMe } } }";
const PREFS: &str = "mutation($i: PreferencesInput!) { updateMyPreferences(input: $i) {
    leaderboardPrivacy predictiveAnalyticsEnabled { dropOffRisk forecasting recommendations } notificationPreferences } }";
const VELOCITY: &str = "query($u: ID, $w: Int) { learnerVelocityReport(userId: $u, weeks: $w) {
    weeks { weekStart points lessons activities } currentPace targetPace trendDirection trendPercentage status } }";
const INSIGHT: &str =
    "query($u: ID, $k: PredictiveKind!) { predictiveInsight(userId: $u, kind: $k) {
    kind data confidenceScore calculatedAt expiresAt cached } }";
const REFRESH: &str =
    "mutation($u: ID, $k: PredictiveKind!) { refreshPredictiveInsight(userId: $u, kind: $k) {
    kind data confidenceScore expiresAt cached } }";

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

fn global(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

fn user(id: &str) -> String {
    global("User", id)
}

/// A new learner of insideout with no activity: (id, token).
async fn newcomer(s: &TestServer, name: &str) -> (Uuid, String) {
    let store = store::Store::new(s.db.clone(), None);
    let email = format!("{name}@newcomer.example");
    let id = store
        .sign_up(
            uuid(INSIDEOUT),
            &email,
            "not-a-real-hash".into(),
            Some(name.into()),
        )
        .await
        .unwrap();
    (id, s.token("insideout", &email).await)
}

async fn points_row(s: &TestServer, u: Uuid) -> Option<user_points::Model> {
    user_points::Entity::find()
        .filter(user_points::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(user_points::Column::UserId.eq(u))
        .one(&s.db)
        .await
        .unwrap()
}

async fn transactions(s: &TestServer, u: Uuid) -> Vec<tx::Model> {
    tx::Entity::find()
        .filter(tx::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(tx::Column::UserId.eq(u))
        .all(&s.db)
        .await
        .unwrap()
}

async fn earned_codes(s: &TestServer, u: Uuid) -> Vec<String> {
    let held = user_achievements::Entity::find()
        .filter(user_achievements::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(user_achievements::Column::UserId.eq(u))
        .all(&s.db)
        .await
        .unwrap();
    let defs = achievements::Entity::find().all(&s.db).await.unwrap();
    let mut codes: Vec<String> = held
        .iter()
        .map(|h| {
            defs.iter()
                .find(|d| d.id == h.achievement_id)
                .unwrap()
                .code
                .clone()
        })
        .collect();
    codes.sort();
    codes
}

async fn activity_day(s: &TestServer, u: Uuid, days_ago: i64) {
    let at = Utc::now().fixed_offset() - Duration::days(days_ago);
    daily_activity::ActiveModel {
        id: Set(Uuid::new_v4()),
        tenant_id: Set(uuid(INSIDEOUT)),
        user_id: Set(u),
        date: Set(at.date_naive()),
        last_activity_at: Set(at),
    }
    .insert(&s.db)
    .await
    .unwrap();
}

async fn set_points(s: &TestServer, u: Uuid, total: i32, current: i32, longest: i32) {
    user_points::ActiveModel {
        id: Set(Uuid::new_v4()),
        tenant_id: Set(uuid(INSIDEOUT)),
        user_id: Set(u),
        total_points: Set(total),
        current_level: Set(1 + total / 500),
        current_streak: Set(current),
        longest_streak: Set(longest),
        updated_at: Set(Utc::now().fixed_offset()),
    }
    .insert(&s.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn awards_add_points_levels_and_daily_streaks() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;

    // A first award: a transaction, totals, level 1 + total / 500, streak 1.
    let (fresh, _) = newcomer(&s, "fresh").await;
    let r = s
        .data(
            &ada,
            AWARD,
            json!({"u": user(&fresh.to_string()), "p": 480, "a": "bonus", "r": "kick-off"}),
        )
        .await["awardPoints"]
        .clone();
    assert_eq!(
        r,
        json!({"totalPoints": 480, "currentLevel": 1, "currentStreak": 1, "longestStreak": 1})
    );
    let txs = transactions(&s, fresh).await;
    assert_eq!(txs.len(), 1);
    assert_eq!(
        (txs[0].points, txs[0].activity_type.as_str()),
        (480, "bonus")
    );
    assert_eq!(txs[0].metadata.as_ref().unwrap()["reason"], "kick-off");
    // The same day again: the streak does not move; crossing 500 levels up.
    let r = s
        .data(
            &ada,
            AWARD,
            json!({"u": user(&fresh.to_string()), "p": 40, "a": "bonus"}),
        )
        .await["awardPoints"]
        .clone();
    assert_eq!(
        r,
        json!({"totalPoints": 520, "currentLevel": 2, "currentStreak": 1, "longestStreak": 1})
    );
    assert!(
        earned_codes(&s, fresh)
            .await
            .contains(&"point_collector".to_owned())
    );

    // Active yesterday with a streak of 3: today continues it (4), and the
    // longest follows.
    let (steady, _) = newcomer(&s, "steady").await;
    set_points(&s, steady, 100, 3, 3).await;
    activity_day(&s, steady, 1).await;
    let r = s
        .data(
            &ada,
            AWARD,
            json!({"u": user(&steady.to_string()), "p": 10, "a": "daily_login"}),
        )
        .await["awardPoints"]
        .clone();
    assert_eq!(
        r,
        json!({"totalPoints": 110, "currentLevel": 1, "currentStreak": 4, "longestStreak": 4})
    );

    // A gap of days resets the streak to 1; the longest is kept.
    let (lapsed, _) = newcomer(&s, "lapsed").await;
    set_points(&s, lapsed, 1000, 5, 9).await;
    activity_day(&s, lapsed, 3).await;
    let r = s
        .data(
            &ada,
            AWARD,
            json!({"u": user(&lapsed.to_string()), "p": 10, "a": "daily_login"}),
        )
        .await["awardPoints"]
        .clone();
    assert_eq!(
        r,
        json!({"totalPoints": 1010, "currentLevel": 3, "currentStreak": 1, "longestStreak": 9})
    );
    s.stop().await;
}

#[tokio::test]
async fn only_staff_award_points_within_their_reach() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let olga = s.token("insideout", "olga@acme.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let award = |u: &str, p: i64, a: &str| json!({"u": user(u), "p": p, "a": a});

    // Learners award nothing, not even to themselves.
    let r = s.gql(&lina, AWARD, json!({"p": 10, "a": "bonus"})).await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    // An instructor awards their students, not themselves nor others.
    let before = points_row(&s, uuid(LINA)).await.unwrap().total_points;
    let r = s.data(&ivan, AWARD, award(LINA, 15, "bonus")).await;
    assert_eq!(r["awardPoints"]["totalPoints"], before + 15);
    let r = s.gql(&ivan, AWARD, json!({"p": 10, "a": "bonus"})).await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    let r = s.gql(&ivan, AWARD, award(CLARA, 10, "bonus")).await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    // An org admin awards their organization's members; others are unseen.
    let r = s.data(&olga, AWARD, award(LEO, 5, "bonus")).await;
    assert!(r["awardPoints"]["totalPoints"].as_i64().unwrap() > 0);
    let r = s.gql(&olga, AWARD, award(GRACE, 5, "bonus")).await;
    assert_eq!(code(&r), "NOT_FOUND", "{r}");
    // Unknown users and bad arguments.
    let r = s
        .gql(&ada, AWARD, award(&Uuid::new_v4().to_string(), 5, "bonus"))
        .await;
    assert_eq!(code(&r), "NOT_FOUND", "{r}");
    for bad in [
        award(LINA, 0, "bonus"),
        award(LINA, 10_001, "bonus"),
        award(LINA, 5, "Bad Type!"),
        award(LINA, 5, ""),
    ] {
        let r = s.gql(&ada, AWARD, bad).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    }
    let r = s
        .gql("tenant:insideout", AWARD, award(LINA, 5, "bonus"))
        .await;
    assert_eq!(code(&r), "UNAUTHENTICATED", "{r}");
    assert_eq!(
        points_row(&s, uuid(LINA)).await.unwrap().total_points,
        before + 15,
        "refused awards changed nothing"
    );
    s.stop().await;
}

#[tokio::test]
async fn concurrent_awards_are_exact_and_achievements_come_once() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let (u, _) = newcomer(&s, "rush").await;
    let vars = json!({"u": user(&u.to_string()), "p": 30, "a": "bonus"});
    let results =
        futures::future::join_all((0..20).map(|_| s.gql(&ada, AWARD, vars.clone()))).await;
    assert!(
        results.iter().all(|r| r.get("errors").is_none()),
        "{results:#?}"
    );
    let row = points_row(&s, u).await.unwrap();
    assert_eq!(
        (
            row.total_points,
            row.current_level,
            row.current_streak,
            row.longest_streak
        ),
        (600, 2, 1, 1)
    );
    assert_eq!(transactions(&s, u).await.len(), 20);
    let days = daily_activity::Entity::find()
        .filter(daily_activity::Column::UserId.eq(u))
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(days.len(), 1);
    // 600 points: "Point Collector" (500) exactly once, not "Elite" (2000).
    assert_eq!(
        earned_codes(&s, u).await,
        vec!["point_collector".to_owned()]
    );
    s.stop().await;
}

#[tokio::test]
async fn check_achievements_awards_what_is_earned_once() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let held = earned_codes(&s, uuid(LEO)).await;
    assert!(held.contains(&"first_steps".to_owned()), "{held:?}");
    // Take "First Steps" away: Leo's completed lessons earn it back, once.
    let first_steps = achievements::Entity::find()
        .filter(achievements::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(achievements::Column::Code.eq("first_steps"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    user_achievements::Entity::delete_many()
        .filter(user_achievements::Column::UserId.eq(uuid(LEO)))
        .filter(user_achievements::Column::AchievementId.eq(first_steps.id))
        .exec(&s.db)
        .await
        .unwrap();
    let r = s.data(&leo, CHECK, json!({})).await;
    assert_eq!(
        r["checkAchievements"],
        json!([{"achievement": {"code": "first_steps"}}])
    );
    let r = s.data(&leo, CHECK, json!({})).await;
    assert_eq!(r["checkAchievements"], json!([]));
    assert_eq!(earned_codes(&s, uuid(LEO)).await, held);
    // Others: an instructor checks a student; a learner cannot see Leo;
    // an instructor may see Clara but not her analytics.
    let r = s.data(&ivan, CHECK, json!({"u": user(LINA)})).await;
    assert!(r["checkAchievements"].is_array());
    let r = s.gql(&lina, CHECK, json!({"u": user(LEO)})).await;
    assert_eq!(code(&r), "NOT_FOUND", "{r}");
    let r = s.gql(&ivan, CHECK, json!({"u": user(CLARA)})).await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    s.stop().await;
}

#[tokio::test]
async fn passing_a_quiz_the_first_time_earns_points() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let quizzes = s
        .data(
            &ada,
            "{ quizzes(first: 50) { nodes { id maxAttempts questions { questionId correctAnswer } } } }",
            json!({}),
        )
        .await["quizzes"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let quiz = quizzes
        .iter()
        .find(|q| q["maxAttempts"].as_i64().is_none_or(|m| m >= 2))
        .expect("a quiz allowing two attempts");
    let mut answers = serde_json::Map::new();
    for q in quiz["questions"].as_array().unwrap() {
        answers.insert(
            q["questionId"].as_str().unwrap().into(),
            q["correctAnswer"].clone(),
        );
    }
    let submit =
        "mutation($q: ID!, $a: JSON!) { submitQuizAttempt(quizId: $q, answers: $a) { passed } }";
    let ada_id = uuid("20000000-0000-4000-8000-000000000002");
    let before = transactions(&s, ada_id).await.len();
    for _ in 0..2 {
        let r = s
            .data(&ada, submit, json!({"q": quiz["id"], "a": answers}))
            .await;
        assert_eq!(r["submitQuizAttempt"]["passed"], true);
    }
    let txs = transactions(&s, ada_id).await;
    assert_eq!(txs.len(), before + 1, "only the first pass earns points");
    let t = txs
        .iter()
        .find(|t| t.activity_type == "quiz_passed")
        .unwrap();
    assert_eq!(t.points, 100);
    assert_eq!(points_row(&s, ada_id).await.unwrap().total_points, 100);
    s.stop().await;
}

/// The expected leaderboard from the raw rows: points per learner in
/// [start, start + 7 days), hidden learners left out, best first.
async fn expected_board(s: &TestServer, start: chrono::NaiveDate) -> Vec<(Uuid, i64)> {
    let from = start.and_hms_opt(0, 0, 0).unwrap().and_utc().fixed_offset();
    let rows = tx::Entity::find()
        .filter(tx::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(tx::Column::Timestamp.gte(from))
        .filter(tx::Column::Timestamp.lt(from + Duration::days(7)))
        .all(&s.db)
        .await
        .unwrap();
    let hidden: Vec<Uuid> = user_preferences::Entity::find()
        .filter(user_preferences::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(user_preferences::Column::LeaderboardPrivacy.eq("hidden"))
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.user_id)
        .collect();
    let mut sums: std::collections::BTreeMap<Uuid, i64> = Default::default();
    for r in rows.iter().filter(|r| !hidden.contains(&r.user_id)) {
        *sums.entry(r.user_id).or_default() += i64::from(r.points);
    }
    let mut v: Vec<_> = sums.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

#[tokio::test]
async fn weekly_leaderboard_ranks_the_week_and_honours_privacy() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    // The demo data's week.
    let board = s
        .data(&lina, BOARD, json!({"w": "2026-W47", "f": 50}))
        .await["weeklyLeaderboard"]
        .clone();
    assert_eq!(board["week"], "2026-W47");
    assert_eq!(board["weekStart"], "2026-11-16");
    let expected = expected_board(&s, chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()).await;
    let entries = board["entries"].as_array().unwrap();
    assert!(entries.len() >= 3, "{board}");
    assert_eq!(entries.len(), expected.len());
    for (i, (e, (id, pts))) in entries.iter().zip(&expected).enumerate() {
        assert_eq!(e["weeklyPoints"], *pts);
        let rank = expected.iter().position(|(_, p)| p == pts).unwrap() + 1;
        assert_eq!(e["rank"], rank, "entry {i}");
        let anonymous = id == &uuid(LINA); // Lina's privacy is anonymous
        assert_eq!(e["anonymous"], anonymous);
        assert_eq!(e["isMe"], anonymous, "only Lina's own entry is hers");
        if anonymous {
            assert!(e["name"].is_null() && e["userId"].is_null(), "{e}");
        } else {
            assert_eq!(e["userId"], user(&id.to_string()));
            assert!(e["name"].is_string());
        }
    }
    // Grace is hidden: absent although she earned points that week.
    assert!(entries.iter().all(|e| e["userId"] != user(GRACE)));
    assert!(expected.iter().all(|(id, _)| *id != uuid(GRACE)));
    // `first` cuts the ranking; Leo hiding himself takes him out.
    let top = s.data(&lina, BOARD, json!({"w": "2026-W47", "f": 1})).await;
    assert_eq!(
        top["weeklyLeaderboard"]["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    s.data(&leo, PREFS, json!({"i": {"leaderboardPrivacy": "HIDDEN"}}))
        .await;
    let board = s
        .data(&lina, BOARD, json!({"w": "2026-W47", "f": 50}))
        .await;
    let entries = board["weeklyLeaderboard"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), expected.len() - 1);
    assert!(entries.iter().all(|e| e["userId"] != user(LEO)));

    // This week: fresh learners with equal points share a rank.
    let ada = s.token("insideout", "ada@insideout.example").await;
    let (a, _) = newcomer(&s, "tie-a").await;
    let (b, _) = newcomer(&s, "tie-b").await;
    for u in [a, b] {
        s.data(
            &ada,
            AWARD,
            json!({"u": user(&u.to_string()), "p": 7777, "a": "bonus"}),
        )
        .await;
    }
    let now = s.data(&lina, BOARD, json!({"f": 2})).await["weeklyLeaderboard"].clone();
    let e = now["entries"].as_array().unwrap();
    assert_eq!(
        (e[0]["rank"].clone(), e[1]["rank"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(e[0]["weeklyPoints"], 7777);

    for bad in [
        json!({"w": "last week"}),
        json!({"w": "2026-W60"}),
        json!({"f": 0}),
    ] {
        let r = s.gql(&lina, BOARD, bad).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    }
    let r = s.gql("tenant:insideout", BOARD, json!({})).await;
    assert_eq!(
        code(&r),
        "FORBIDDEN",
        "anonymous callers see no leaderboard: {r}"
    );
    s.stop().await;
}

#[tokio::test]
async fn skill_demand_aggregates_the_user_skills_the_caller_reads() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let q = "query($m: Date) { skillDemand(month: $m) { skillId skillName month learnerCount avgMastery } }";
    let rows = user_skills::Entity::find()
        .filter(user_skills::Column::TenantId.eq(uuid(INSIDEOUT)))
        .all(&s.db)
        .await
        .unwrap();
    // Expected per (skill, month) from the raw rows, for a set of users.
    let expect = |users: &[Uuid]| {
        let mut m: std::collections::BTreeMap<(String, String), (Vec<Uuid>, f64)> =
            Default::default();
        for r in rows
            .iter()
            .filter(|r| users.is_empty() || users.contains(&r.user_id))
        {
            let month = r.last_assessed_at.unwrap().format("%Y-%m-01").to_string();
            let e = m.entry((r.skill_id.to_string(), month)).or_default();
            e.0.push(r.user_id);
            e.1 += r.mastery_level.unwrap().to_string().parse::<f64>().unwrap();
        }
        m
    };
    let check =
        |got: &Value, want: &std::collections::BTreeMap<(String, String), (Vec<Uuid>, f64)>| {
            let got = got["skillDemand"].as_array().unwrap();
            assert_eq!(got.len(), want.len(), "{got:#?}");
            for g in got {
                let key = (
                    g["skillId"]
                        .as_str()
                        .map(|id| {
                            use base64::Engine;
                            let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                                .decode(id)
                                .unwrap();
                            String::from_utf8(raw).unwrap()["Skill:".len()..].to_owned()
                        })
                        .unwrap(),
                    g["month"].as_str().unwrap().to_owned(),
                );
                let (users, sum) = &want[&key];
                assert_eq!(g["learnerCount"], users.len());
                let avg = g["avgMastery"].as_f64().unwrap();
                assert!((avg - sum / users.len() as f64).abs() < 0.01, "{g}");
            }
        };
    // Admins: the whole tenant; months newest first.
    let all = s.data(&ada, q, json!({})).await;
    check(&all, &expect(&[]));
    let months: Vec<&str> = all["skillDemand"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["month"].as_str().unwrap())
        .collect();
    assert!(months.windows(2).all(|w| w[0] >= w[1]), "{months:?}");
    // Learners: their own skills only.
    check(&s.data(&leo, q, json!({})).await, &expect(&[uuid(LEO)]));
    // One month.
    let nov = s.data(&ada, q, json!({"m": "2026-11-05"})).await;
    let want: std::collections::BTreeMap<_, _> = expect(&[])
        .into_iter()
        .filter(|((_, m), _)| m == "2026-11-01")
        .collect();
    assert!(!want.is_empty());
    check(&nov, &want);
    let r = s.gql(&ada, q, json!({"m": "November"})).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    s.stop().await;
}

#[tokio::test]
async fn learner_velocity_reports_weeks_pace_trend_and_status() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let (u, me) = newcomer(&s, "pacer").await;
    for (p, a) in [
        (50, "lesson_completed"),
        (50, "lesson_completed"),
        (100, "quiz_passed"),
    ] {
        s.data(
            &ada,
            AWARD,
            json!({"u": user(&u.to_string()), "p": p, "a": a}),
        )
        .await;
    }
    let r = s.data(&me, VELOCITY, json!({"w": 2})).await["learnerVelocityReport"].clone();
    let weeks = r["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 2);
    assert_eq!(
        (weeks[0]["points"].clone(), weeks[0]["lessons"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(
        (
            weeks[1]["points"].clone(),
            weeks[1]["lessons"].clone(),
            weeks[1]["activities"].clone()
        ),
        (json!(200), json!(2), json!(3))
    );
    assert_eq!(r["currentPace"], 1.0);
    assert_eq!(
        (r["trendDirection"].clone(), r["trendPercentage"].clone()),
        (json!("ACCELERATING"), json!(100.0))
    );
    assert!(r["status"].is_null() && r["targetPace"].is_null());
    // With a target of 1.2 lessons a week, 1.0 (83%) is "on_track".
    velocity::ActiveModel {
        id: Set(Uuid::new_v4()),
        tenant_id: Set(uuid(INSIDEOUT)),
        user_id: Set(u),
        target_pace: Set(Some("1.2".parse().unwrap())),
        calculated_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(&s.db)
    .await
    .unwrap();
    let r = s
        .data(&ada, VELOCITY, json!({"u": user(&u.to_string()), "w": 2}))
        .await["learnerVelocityReport"]
        .clone();
    assert_eq!(
        (r["targetPace"].clone(), r["status"].clone()),
        (json!(1.2), json!("ON_TRACK"))
    );

    // Who may ask: org admins their organization; not learners about others.
    let olga = s.token("insideout", "olga@acme.example").await;
    let r = s.data(&olga, VELOCITY, json!({"u": user(LEO)})).await;
    assert_eq!(
        r["learnerVelocityReport"]["weeks"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let lina = s.token("insideout", "lina@learner.example").await;
    let r = s.gql(&lina, VELOCITY, json!({"u": user(LEO)})).await;
    assert_eq!(code(&r), "NOT_FOUND", "{r}");
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let r = s.gql(&ivan, VELOCITY, json!({"u": user(CLARA)})).await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    let r = s.gql(&me, VELOCITY, json!({"w": 0})).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    s.stop().await;
}

async fn cache_row(s: &TestServer, u: Uuid, kind: &str) -> Option<cache::Model> {
    cache::Entity::find()
        .filter(cache::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(cache::Column::UserId.eq(u))
        .filter(cache::Column::AnalyticsType.eq(kind))
        .one(&s.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn predictive_insights_read_through_an_expiring_cache() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let kind = json!({"k": "FORECAST"});
    let stored = cache_row(&s, uuid(LEO), "forecast").await.unwrap();

    // Unexpired: served from the cache as stored.
    let mut am: cache::ActiveModel = stored.clone().into();
    am.expires_at = Set(Some(Utc::now().fixed_offset() + Duration::hours(1)));
    am.update(&s.db).await.unwrap();
    let r = s.data(&leo, INSIGHT, kind.clone()).await["predictiveInsight"].clone();
    assert_eq!(r["cached"], true);
    assert_eq!(r["data"], stored.data);
    // Expired: computed afresh, the stored entry left alone.
    let mut am: cache::ActiveModel = stored.clone().into();
    am.expires_at = Set(Some(Utc::now().fixed_offset() - Duration::hours(1)));
    am.update(&s.db).await.unwrap();
    let r = s.data(&leo, INSIGHT, kind.clone()).await["predictiveInsight"].clone();
    assert_eq!(r["cached"], false);
    assert_ne!(r["data"], stored.data);
    assert_eq!(
        cache_row(&s, uuid(LEO), "forecast").await.unwrap().data,
        stored.data
    );
    // Refresh: the entry is replaced and valid for 48 hours.
    let fresh = s.data(&leo, REFRESH, kind.clone()).await["refreshPredictiveInsight"].clone();
    let row = cache_row(&s, uuid(LEO), "forecast").await.unwrap();
    assert_eq!(row.data, fresh["data"]);
    let ttl = row.expires_at.unwrap() - row.calculated_at;
    assert_eq!(ttl, Duration::hours(48));
    let r = s.data(&leo, INSIGHT, kind.clone()).await["predictiveInsight"].clone();
    assert_eq!(
        (r["cached"].clone(), r["data"].clone()),
        (json!(true), fresh["data"].clone())
    );
    // A first refresh inserts the learner's entry of that kind.
    let (u, me) = newcomer(&s, "oracle").await;
    assert!(cache_row(&s, u, "drop_off_risk").await.is_none());
    let r = s.data(&me, REFRESH, json!({"k": "DROP_OFF_RISK"})).await["refreshPredictiveInsight"]
        .clone();
    assert_eq!(r["data"]["risk_level"], "high", "no activity at all: {r}");
    assert!(cache_row(&s, u, "drop_off_risk").await.is_some());

    // Errors: unknown kind, a kind the learner turned off, others' insights.
    let r = s.gql(&leo, INSIGHT, json!({"k": "HOROSCOPE"})).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    let lina = s.token("insideout", "lina@learner.example").await;
    for q in [INSIGHT, REFRESH] {
        let r = s.gql(&lina, q, json!({"k": "DROP_OFF_RISK"})).await;
        assert_eq!(code(&r), "FORBIDDEN", "Lina turned drop-off risk off: {r}");
        let r = s
            .gql(&lina, q, json!({"u": user(LEO), "k": "FORECAST"}))
            .await;
        assert_eq!(code(&r), "NOT_FOUND", "{r}");
    }
    s.stop().await;
}

#[tokio::test]
async fn preferences_are_validated_and_merged() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let r = s
        .data(
            &lina,
            PREFS,
            json!({"i": {"leaderboardPrivacy": "HIDDEN", "predictiveAnalyticsEnabled": {"forecasting": false},
                         "notificationPreferences": {"push": true}}}),
        )
        .await["updateMyPreferences"]
        .clone();
    assert_eq!(r["leaderboardPrivacy"], "HIDDEN");
    assert_eq!(
        r["predictiveAnalyticsEnabled"],
        json!({"dropOffRisk": false, "forecasting": false, "recommendations": true})
    );
    assert_eq!(
        r["notificationPreferences"],
        json!({"email": true, "push": true, "weekly_digest": true, "streak_reminders": false})
    );
    // Absent fields keep their value.
    let r = s.data(&lina, PREFS, json!({"i": {}})).await["updateMyPreferences"].clone();
    assert_eq!(r["leaderboardPrivacy"], "HIDDEN");
    // A learner without preferences gets the defaults plus the change.
    let (_, me) = newcomer(&s, "prefless").await;
    let r = s
        .data(
            &me,
            PREFS,
            json!({"i": {"leaderboardPrivacy": "ANONYMOUS"}}),
        )
        .await["updateMyPreferences"]
        .clone();
    assert_eq!(r["leaderboardPrivacy"], "ANONYMOUS");
    assert_eq!(
        r["predictiveAnalyticsEnabled"],
        json!({"dropOffRisk": true, "forecasting": true, "recommendations": true})
    );
    for bad in [
        json!({"leaderboardPrivacy": "SECRET"}),
        json!({"notificationPreferences": {"email": "yes"}}),
        json!({"notificationPreferences": [true]}),
        json!({"predictiveAnalyticsEnabled": {"mood": true}}),
    ] {
        let r = s.gql(&lina, PREFS, json!({"i": bad})).await;
        assert!(
            ["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"].contains(&code(&r)),
            "{r}"
        );
    }
    let r = s.gql("tenant:insideout", PREFS, json!({"i": {}})).await;
    assert_eq!(code(&r), "UNAUTHENTICATED", "{r}");
    s.stop().await;
}

#[tokio::test]
async fn the_dashboard_gathers_the_learners_progress() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let q = "{ myDashboard { userId totalPoints level pointsToNextLevel currentStreak longestStreak lastActiveOn
        weeklyPoints enrollments { courseId courseTitle progressPercent completedAt }
        achievements { code name tier earnedAt } } }";
    let d = s.data(&leo, q, json!({})).await["myDashboard"].clone();
    let row = points_row(&s, uuid(LEO)).await.unwrap();
    assert_eq!(d["userId"], user(LEO));
    assert_eq!(d["totalPoints"], row.total_points);
    assert_eq!(d["level"], 1 + row.total_points / 500);
    assert_eq!(
        d["pointsToNextLevel"],
        (1 + row.total_points / 500) * 500 - row.total_points
    );
    assert_eq!(d["longestStreak"], row.longest_streak);
    let codes: Vec<String> = d["achievements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(sorted, earned_codes(&s, uuid(LEO)).await);
    let enrollments = d["enrollments"].as_array().unwrap();
    let n = entity::enrollments::Entity::find()
        .filter(entity::enrollments::Column::TenantId.eq(uuid(INSIDEOUT)))
        .filter(entity::enrollments::Column::StudentId.eq(uuid(LEO)))
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(enrollments.len(), n.len());
    assert!(
        enrollments
            .iter()
            .all(|e| e["courseTitle"].as_str().is_some_and(|t| !t.is_empty()))
    );
    // Points awarded now show in the week's points and today's streak.
    let ada = s.token("insideout", "ada@insideout.example").await;
    s.data(&ada, AWARD, json!({"u": user(LEO), "p": 25, "a": "bonus"}))
        .await;
    let after = s.data(&leo, q, json!({})).await["myDashboard"].clone();
    assert_eq!(after["totalPoints"], row.total_points + 25);
    assert_eq!(
        after["weeklyPoints"].as_i64().unwrap(),
        d["weeklyPoints"].as_i64().unwrap() + 25
    );
    assert_eq!(after["lastActiveOn"], Utc::now().date_naive().to_string());
    assert!(after["currentStreak"].as_i64().unwrap() >= 1);
    let r = s.gql("tenant:insideout", q, json!({})).await;
    assert_eq!(
        code(&r),
        "FORBIDDEN",
        "anonymous callers have no dashboard: {r}"
    );
    s.stop().await;
}
