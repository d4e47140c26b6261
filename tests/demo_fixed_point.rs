//! The demo data is a fixed point of the domain's rules: every value the
//! operations derive from other rows is recomputed here through the
//! domain's own functions (never a copy of their formulas) and must equal
//! what the demo data loads — so the first operation that touches a row
//! changes nothing it did not mean to change.
//!
//! Covered: workshop and talent ratings and review counts, adaptability
//! dimension scores and the generated overall score, points totals, levels
//! and streaks, `capacity_remaining`, `hours_used`, and the cached
//! `frontend_insights` of framework assessment attempts against what
//! `frameworkAssessmentResult` computes.

mod common;

use std::collections::HashMap;

use common::TestServer;
use domain::{adaptability, analytics, marketplace, workshops as wk};
use entity::*;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

/// Mismatches, reported all at once.
#[derive(Default)]
struct Report(Vec<String>);

impl Report {
    fn same<T: PartialEq + std::fmt::Debug>(&mut self, what: String, loaded: T, derived: T) {
        if loaded != derived {
            self.0.push(format!(
                "{what}: loaded {loaded:?}, the rules give {derived:?}"
            ));
        }
    }

    /// Decimals compare at the column's scale: SQLite hands them back
    /// through a float.
    fn same_decimal(&mut self, what: String, loaded: Decimal, derived: Decimal, scale: u32) {
        self.same(what, loaded.round_dp(scale), derived.round_dp(scale));
    }
}

async fn all<E: EntityTrait>(db: &DatabaseConnection) -> Vec<E::Model> {
    E::find().all(db).await.unwrap()
}

async fn ratings(db: &DatabaseConnection, report: &mut Report) {
    let reviews = all::<reviews::Entity>(db).await;
    let approved = |kind: &str, tenant: Uuid, target: &dyn Fn(&reviews::Model) -> bool| {
        reviews
            .iter()
            .filter(|r| {
                r.tenant_id == tenant
                    && r.status == "approved"
                    && r.review_type == kind
                    && target(r)
            })
            .map(|r| r.rating)
            .collect::<Vec<_>>()
    };
    for w in all::<workshops::Entity>(db).await {
        let r = marketplace::workshop_rating(&approved("workshop", w.tenant_id, &|r| {
            r.workshop_id == Some(w.id)
        }));
        report.same_decimal(format!("workshop {} rating", w.id), w.rating, r.rating, 2);
        report.same(
            format!("workshop {} review_count", w.id),
            w.review_count,
            r.review_count,
        );
    }
    let engagements = all::<engagements::Entity>(db).await;
    for p in all::<talent_profiles::Entity>(db).await {
        let satisfaction: Vec<i32> = engagements
            .iter()
            .filter(|e| e.tenant_id == p.tenant_id && e.expert_id == p.user_id)
            .filter_map(|e| e.client_satisfaction_score)
            .collect();
        let r = marketplace::expert_rating(
            &satisfaction,
            &approved("expert", p.tenant_id, &|r| r.expert_id == Some(p.user_id)),
        );
        report.same_decimal(
            format!("talent profile {} rating", p.id),
            p.rating,
            r.rating,
            2,
        );
        report.same(
            format!("talent profile {} review_count", p.id),
            p.review_count,
            r.review_count,
        );
    }
}

async fn adaptability_scores(db: &DatabaseConnection, report: &mut Report) {
    let answers = all::<assessment_answers::Entity>(db).await;
    // The generated column is not in the entity: read it as the database
    // computes it.
    let backend = db.get_database_backend();
    let overall: HashMap<Uuid, Option<i32>> = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, overall_score FROM adaptability_assessments",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.try_get::<Uuid>("", "id").unwrap(),
                r.try_get::<Option<i32>>("", "overall_score").unwrap(),
            )
        })
        .collect();
    for a in all::<adaptability_assessments::Entity>(db).await {
        let own: Vec<assessment_answers::Model> = answers
            .iter()
            .filter(|x| x.assessment_id == a.id)
            .cloned()
            .collect();
        let derived = adaptability::dimension_scores(&own);
        report.same(
            format!(
                "adaptability assessment {} ({}) dimension scores",
                a.id, a.status
            ),
            adaptability::dimensions_of(&a),
            derived,
        );
        report.same(
            format!("adaptability assessment {} overall_score", a.id),
            overall[&a.id],
            adaptability::overall_score(derived),
        );
    }
}

async fn points(db: &DatabaseConnection, report: &mut Report) {
    let tx = all::<point_transactions::Entity>(db).await;
    let days = all::<daily_activity::Entity>(db).await;
    for p in all::<user_points::Entity>(db).await {
        let mine = |t: Uuid, u: Uuid| t == p.tenant_id && u == p.user_id;
        let derived = analytics::totals(
            tx.iter()
                .filter(|t| mine(t.tenant_id, t.user_id))
                .map(|t| t.points),
            &days
                .iter()
                .filter(|d| mine(d.tenant_id, d.user_id))
                .map(|d| d.date)
                .collect::<Vec<_>>(),
        );
        let loaded = analytics::Totals {
            total_points: p.total_points,
            current_level: p.current_level,
            current_streak: p.current_streak,
            longest_streak: p.longest_streak,
        };
        report.same(format!("user_points {}", p.id), loaded, derived);
    }
}

async fn seats_and_hours(db: &DatabaseConnection, report: &mut Report) {
    let regs = all::<workshop_registrations::Entity>(db).await;
    for w in all::<workshops::Entity>(db).await {
        let derived = wk::capacity_remaining(
            w.capacity_total,
            regs.iter()
                .filter(|r| r.workshop_id == w.id)
                .map(|r| r.status.as_str()),
        );
        report.same(
            format!("workshop {} capacity_remaining", w.id),
            w.capacity_remaining,
            derived,
        );
    }
    let sessions = all::<engagement_sessions::Entity>(db).await;
    for e in all::<engagements::Entity>(db).await {
        let derived = marketplace::hours_used(
            sessions
                .iter()
                .filter(|s| s.engagement_id == e.id)
                .map(|s| (s.status.as_str(), s.duration_hours)),
        );
        report.same_decimal(
            format!("engagement {} hours_used", e.id),
            e.hours_used,
            derived,
            2,
        );
    }
}

/// A GraphQL selection asking for exactly the fields of `v` (an empty list
/// asks for `__typename`, so any item at all differs).
fn selection(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let fields: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{k}{}", selection(x)))
                .collect();
            format!(" {{ {} }}", fields.join(" "))
        }
        Value::Array(items) => {
            let mut merged = serde_json::Map::new();
            for item in items {
                if let Value::Object(m) = item {
                    merged.extend(m.clone());
                }
            }
            match (items.is_empty(), merged.is_empty()) {
                (true, _) => " { __typename }".into(),
                (false, true) => String::new(),
                (false, false) => selection(&Value::Object(merged)),
            }
        }
        _ => String::new(),
    }
}

fn global(ty: &str, id: Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

/// `frontend_insights` is what the frontend stored from
/// `frameworkAssessmentResult`: `{"version": 3, "result": {…}}`, the result
/// holding any subset of that query's fields. Asked again, as the attempt's
/// owner, the query must answer the same.
async fn cached_insights(s: &TestServer, report: &mut Report) {
    let users: HashMap<Uuid, String> = all::<users::Entity>(&s.db)
        .await
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let tenants: HashMap<Uuid, String> = all::<tenants::Entity>(&s.db)
        .await
        .into_iter()
        .map(|t| (t.id, t.slug))
        .collect();
    let mut cached = 0;
    for a in all::<user_attempts::Entity>(&s.db).await {
        let Some(doc) = a.frontend_insights else {
            continue;
        };
        cached += 1;
        let what = format!("attempt {} frontend_insights", a.id);
        let Some(stored) = doc.get("result").filter(|r| r.is_object()) else {
            report.same(what, doc.clone(), json!({"version": 3, "result": "{…}"}));
            continue;
        };
        let token = s.token(&tenants[&a.tenant_id], &users[&a.user_id]).await;
        let data = s
            .data(
                &token,
                &format!(
                    "query($a: ID!) {{ frameworkAssessmentResult(userAttemptId: $a){} }}",
                    selection(stored)
                ),
                json!({"a": global("UserAttempt", a.id)}),
            )
            .await;
        report.same(
            what,
            stored.clone(),
            data["frameworkAssessmentResult"].clone(),
        );
    }
    assert!(cached > 0, "the demo data caches no insights");
}

#[tokio::test]
async fn demo_data_is_a_fixed_point_of_the_domain_rules() {
    let s = TestServer::start().await;
    let mut report = Report::default();
    ratings(&s.db, &mut report).await;
    adaptability_scores(&s.db, &mut report).await;
    points(&s.db, &mut report).await;
    seats_and_hours(&s.db, &mut report).await;
    cached_insights(&s, &mut report).await;
    assert!(
        report.0.is_empty(),
        "the demo data breaks the domain's rules:\n{}",
        report.0.join("\n")
    );
    s.stop().await;
}

#[test]
fn selections_follow_the_stored_shape() {
    assert_eq!(
        selection(
            &json!({"score": 1, "weakAreas": ["a"], "insights": {"actions": [{"skillTag": "x"}], "strengths": []}})
        ),
        " { insights { actions { skillTag } strengths { __typename } } score weakAreas }"
    );
}
