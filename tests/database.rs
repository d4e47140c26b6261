//! Migrations and demo data on the test backend (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`).

mod common;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM \"{table}\""),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(&dir).await;
    let db = coachql::db::connect(&url, 2).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    for t in entity::registry::TABLES {
        assert_eq!(count(&db, t).await, 0, "{t} exists and is empty");
    }
    Migrator::down(&db, None).await.unwrap();
    assert!(
        db.query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT 1 FROM courses"
        ))
        .await
        .is_err(),
        "down removes the tables"
    );
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        0
    );
    db.close().await.unwrap();
    common::drop_database(pg).await;
}

#[tokio::test]
async fn demo_data_fills_every_table_and_loads_once() {
    let s = common::TestServer::start().await;
    for t in entity::registry::TABLES {
        assert!(count(&s.db, t).await > 0, "demo data has rows in {t}");
    }
    assert_eq!(
        coachql::seed::load(&s.db).await.unwrap(),
        0,
        "second load adds nothing"
    );
    s.stop().await;
}

#[tokio::test]
async fn database_constraints_hold() {
    let s = common::TestServer::start().await;
    let db = &s.db;
    let exec = |sql: &str| {
        let sql = sql.to_owned();
        async move { db.execute_unprepared(&sql).await }
    };
    // CHECK: a workshop can never be overbooked.
    assert!(
        exec("UPDATE workshops SET capacity_remaining = -1")
            .await
            .is_err()
    );
    assert!(
        exec("UPDATE workshops SET capacity_remaining = capacity_total + 1")
            .await
            .is_err()
    );
    // CHECK: one target per review, matching its type.
    assert!(
        exec("UPDATE reviews SET workshop_id = NULL WHERE review_type = 'workshop'")
            .await
            .is_err()
    );
    // CHECK: enumerations.
    assert!(
        exec("UPDATE content_blocks SET type = 'hologram'")
            .await
            .is_err()
    );
    // The generated overall score follows the dimension scores.
    exec(
        "UPDATE adaptability_assessments SET individual_score = 50, leadership_score = 60, \
          cultural_score = 70, embedding_score = 80, velocity_score = 90",
    )
    .await
    .unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT MIN(overall_score) AS lo, MAX(overall_score) AS hi FROM adaptability_assessments",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i32>("", "lo").unwrap(), 70);
    assert_eq!(row.try_get::<i32>("", "hi").unwrap(), 70);
    s.stop().await;
}

/// The generated `overall_score` reads through the API as the database
/// computes it.
#[tokio::test]
async fn overall_score_matches_the_generated_column() {
    let s = common::TestServer::start().await;
    let token = s.token("insideout", "ada@insideout.example").await;
    let data = s
        .data(
            &token,
            "{ adaptabilityAssessments { nodes { id overallScore individualScore leadershipScore culturalScore embeddingScore velocityScore } } }",
            serde_json::json!({}),
        )
        .await;
    let nodes = data["adaptabilityAssessments"]["nodes"].as_array().unwrap();
    let (mut complete, mut partial) = (0, 0);
    for n in nodes {
        let dims: Vec<Option<i64>> = [
            "individualScore",
            "leadershipScore",
            "culturalScore",
            "embeddingScore",
            "velocityScore",
        ]
        .iter()
        .map(|k| n[*k].as_i64())
        .collect();
        if dims.iter().all(Option::is_some) {
            complete += 1;
            assert_eq!(
                n["overallScore"].as_i64(),
                Some(dims.iter().flatten().sum::<i64>() / 5)
            );
        } else {
            partial += 1;
            assert!(n["overallScore"].is_null());
        }
    }
    assert!(
        complete > 0 && partial > 0,
        "demo data has both: {complete} complete, {partial} partial"
    );
    // And the database's generated column agrees, value for value.
    let tenant = match s.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "'10000000-0000-4000-8000-000000000001'".to_owned(),
        _ => "X'10000000000040008000000000000001'".to_owned(),
    };
    let rows = s
        .db
        .query_all_raw(Statement::from_string(
            s.db.get_database_backend(),
            format!("SELECT overall_score AS o FROM adaptability_assessments WHERE tenant_id = {tenant} ORDER BY 1"),
        ))
        .await
        .unwrap();
    let mut from_db: Vec<Option<i64>> = rows
        .iter()
        .map(|r| r.try_get::<Option<i32>>("", "o").unwrap().map(i64::from))
        .collect();
    let mut from_api: Vec<Option<i64>> = nodes.iter().map(|n| n["overallScore"].as_i64()).collect();
    from_db.sort();
    from_api.sort();
    assert_eq!(from_api, from_db);
    s.stop().await;
}
