//! Nested lists are paged by the database: `course { lessons(first: 5) }`
//! reads five rows (and one to learn that more follow) however many
//! lessons the course has, and every nested list has the index that lets
//! the database stop there. The compiled statement also keeps what the
//! caller may not read inside the database. (One test in this binary: the
//! row counter and the statement hook are process-wide.)

mod common;

use common::TestServer;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel, QueryFilter, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

/// Rows the server has read from the database so far.
async fn rows_read(s: &TestServer) -> u64 {
    s.metrics()
        .await
        .lines()
        .find_map(|l| l.strip_prefix("coachql_sql_rows_total "))
        .unwrap()
        .parse()
        .unwrap()
}

/// Adds lessons to `course` until it has `n` (order indexes 1000, 1001, …).
async fn grow_course(s: &TestServer, course: &entity::courses::Model, n: usize) {
    use entity::lessons;
    let have = lessons::Entity::find()
        .filter(lessons::Column::CourseId.eq(course.id))
        .all(&s.db)
        .await
        .unwrap()
        .len();
    let now = chrono::Utc::now().fixed_offset();
    let new: Vec<lessons::ActiveModel> = (have..n)
        .map(|i| {
            lessons::Model {
                id: Uuid::new_v4(),
                tenant_id: course.tenant_id,
                course_id: course.id,
                title: format!("Lesson {i}"),
                description: None,
                order_index: 1000 + i as i32,
                learning_objectives: json!([]),
                estimated_duration: None,
                assessment_id: None,
                prerequisites: json!([]),
                is_published: true,
                created_at: now,
                updated_at: now,
            }
            .into_active_model()
        })
        .collect();
    for chunk in new.chunks(500) {
        lessons::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&s.db)
            .await
            .unwrap();
    }
    // Statistics as autovacuum would leave them, so the planner's choice
    // does not depend on when it last ran.
    s.db.execute_unprepared("ANALYZE lessons").await.unwrap();
}

/// Rows each scan of `table` produced in an `EXPLAIN ANALYZE` plan.
fn rows_scanned(plan: &Value, table: &str) -> f64 {
    let own = if plan["Relation Name"] == table {
        plan["Actual Rows"].as_f64().unwrap_or(0.0) * plan["Actual Loops"].as_f64().unwrap_or(1.0)
    } else {
        0.0
    };
    let children = plan["Plans"].as_array().into_iter().flatten();
    own + children.map(|p| rows_scanned(p, table)).sum::<f64>()
}

/// What the database did for the last nested page the server read: rows of
/// `lessons` it scanned (PostgreSQL, from `EXPLAIN ANALYZE` of the very
/// statement), or the plan's text (SQLite, `EXPLAIN QUERY PLAN`).
async fn last_page_plan(s: &TestServer) -> (Option<f64>, String) {
    let statement = store::hooks::take_nested_pages()
        .pop()
        .expect("the nested page ran through a compiled statement or first_per");
    let explain = |prefix: &str| {
        Statement::from_sql_and_values(
            statement.db_backend,
            format!("{prefix} {}", statement.sql),
            statement.values.clone().map(|v| v.0).unwrap_or_default(),
        )
    };
    if statement.db_backend == DbBackend::Postgres {
        let row =
            s.db.query_one_raw(explain("EXPLAIN (ANALYZE, FORMAT JSON)"))
                .await
                .unwrap()
                .unwrap();
        let plan: Value = row.try_get("", "QUERY PLAN").unwrap();
        (
            Some(rows_scanned(&plan[0]["Plan"], "lessons")),
            plan.to_string(),
        )
    } else {
        let rows =
            s.db.query_all_raw(explain("EXPLAIN QUERY PLAN"))
                .await
                .unwrap();
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "detail").unwrap())
            .collect();
        (None, text.join("\n"))
    }
}

const PAGE: &str = "query($id: ID!, $after: String, $last: Int, $first: Int) {
  node(id: $id) { ... on Course {
    lessons(first: $first, after: $after, last: $last) {
      nodes { orderIndex } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }";

const PARENT_ONLY: &str = "query($id: ID!) { node(id: $id) { ... on Course { id } } }";

#[tokio::test]
async fn nested_pages_read_their_own_rows() {
    // The compiled statement, and the loaders' batch (the fallback).
    for compiled in [true, false] {
        pages_read_their_own_rows(compiled).await;
    }
    redacted_keys_stay_in_the_database().await;
}

/// The statement a learner's quiz read runs, run again by hand: its own
/// output has no answers in it (they are removed in SQL, not after), while
/// an instructor's has them.
async fn redacted_keys_stay_in_the_database() {
    let s = TestServer::start().await;
    let query = "{ quizzes(first: 5) { nodes { title questions { question } } } }";
    let mut outputs = vec![];
    for user in ["leo@learner.example", "ada@insideout.example"] {
        let token = s.token("insideout", user).await;
        store::hooks::take_nested_pages();
        let data = s.data(&token, query, json!({})).await;
        assert!(!data["quizzes"]["nodes"].as_array().unwrap().is_empty());
        let statement = store::hooks::take_nested_pages()
            .pop()
            .expect("the read ran as a compiled statement");
        let row = s.db.query_one_raw(statement).await.unwrap().unwrap();
        outputs.push(row.try_get_by_index::<String>(0).unwrap());
    }
    assert!(
        !outputs[0].contains("correct_answer") && !outputs[0].contains("explanation"),
        "a learner's statement returns answers: {}",
        outputs[0]
    );
    assert!(
        outputs[1].contains("correct_answer"),
        "an admin's statement returns the answers: {}",
        outputs[1]
    );
    s.stop().await;
}

async fn pages_read_their_own_rows(compiled: bool) {
    let s = TestServer::start_with(|c| c.compiled_reads = compiled).await;
    let token = s.token("insideout", "ada@insideout.example").await;
    let tenant = entity::tenants::Entity::find()
        .filter(entity::tenants::Column::Slug.eq("insideout"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let course = entity::courses::Entity::find()
        .filter(entity::courses::Column::TenantId.eq(tenant.id))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let id = resolver::ids::encode("Course", course.id);

    // Every nested list has an index in its order.
    for (table, key, order) in resolver::nested_lists().unwrap() {
        let declared = migration::m0012_page_indexes::PAGE_INDEXES
            .iter()
            .find(|(t, k, _)| *t == table && *k == key)
            .unwrap_or_else(|| panic!("no page index for {table}.{key}"));
        let mut expected: Vec<&str> = declared.2.to_vec();
        expected.push("id");
        assert_eq!(expected, order, "{table}.{key}: index order != list order");
    }

    for size in [100, 10_000] {
        grow_course(&s, &course, size).await;
        // The rows of the page alone: the same request without the list
        // reads the principal's memberships and the course.
        let before = rows_read(&s).await;
        s.data(&token, PARENT_ONLY, json!({"id": id})).await;
        let overhead = rows_read(&s).await - before;
        let before = rows_read(&s).await;
        let page = s.data(&token, PAGE, json!({"id": id, "first": 5})).await;
        let read = rows_read(&s).await - before - overhead;
        let lessons = &page["node"]["lessons"];
        let got: Vec<i64> = lessons["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["orderIndex"].as_i64().unwrap())
            .collect();
        assert_eq!(got.len(), 5, "{page}");
        assert!(got.windows(2).all(|w| w[0] <= w[1]), "in order: {got:?}");
        assert_eq!(lessons["pageInfo"]["hasNextPage"], true);
        assert!(
            (5..=6).contains(&read),
            "compiled {compiled}, {size} lessons: first 5 read {read} rows"
        );
        let (scanned, plan) = last_page_plan(&s).await;
        match scanned {
            // At least the page itself: the plan was read.
            Some(n) => assert!(
                (5.0..=6.0).contains(&n),
                "compiled {compiled}, {size} lessons: scanned {n} rows: {plan}"
            ),
            None => {
                assert!(
                    plan.contains("idx_lessons_course_id_page") && !plan.contains("TEMP B-TREE"),
                    "compiled {compiled}, {size} lessons: SQLite must walk the page index in order: {plan}"
                );
            }
        }

        // The next page continues where the first ended; the last page is
        // the end of the list.
        let next = s
            .data(
                &token,
                PAGE,
                json!({"id": id, "first": 5, "after": lessons["pageInfo"]["endCursor"]}),
            )
            .await;
        let first_next = next["node"]["lessons"]["nodes"][0]["orderIndex"]
            .as_i64()
            .unwrap();
        assert!(first_next >= got[4], "{next}");
        assert_eq!(next["node"]["lessons"]["pageInfo"]["hasPreviousPage"], true);
        let last = s.data(&token, PAGE, json!({"id": id, "last": 2})).await;
        let tail: Vec<i64> = last["node"]["lessons"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["orderIndex"].as_i64().unwrap())
            .collect();
        assert_eq!(tail, vec![1000 + size as i64 - 2, 1000 + size as i64 - 1]);
        assert_eq!(last["node"]["lessons"]["pageInfo"]["hasPreviousPage"], true);
        assert_eq!(last["node"]["lessons"]["pageInfo"]["hasNextPage"], false);
    }
    s.stop().await;
}
