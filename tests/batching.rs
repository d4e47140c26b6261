//! A pure read with one root field costs two statements at any depth and
//! page size: authentication and the compiled statement. On the loader path
//! (the reference, and the fallback) the statements of a request grow with
//! the depth of the query, never with the number of rows.
//! The domain reads that gather their queries in a batch (`store::Batch`)
//! cost one statement per batch on PostgreSQL, and so does the course state
//! a quiz submission reads.
//! (One test in this binary: the statement counter is process-wide.)

mod common;

use common::TestServer;
use serde_json::json;

async fn statements(s: &TestServer) -> u64 {
    let text = s.metrics().await;
    text.lines()
        .find_map(|l| l.strip_prefix("coachql_sql_statements_total "))
        .unwrap()
        .parse()
        .unwrap()
}

/// Statements issued by one request.
async fn cost(s: &TestServer, token: &str, query: &str, first: i64) -> (u64, serde_json::Value) {
    let before = statements(s).await;
    let data = s.data(token, query, json!({"first": first})).await;
    (statements(s).await - before, data)
}

fn count_nodes(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| if k == "id" { 1 } else { count_nodes(v) })
            .sum(),
        serde_json::Value::Array(a) => a.iter().map(count_nodes).sum(),
        _ => 0,
    }
}

#[tokio::test]
async fn statements_do_not_grow_with_rows() {
    for compiled in [true, false] {
        let s = TestServer::start_with(|c| c.compiled_reads = compiled).await;
        check(&s, compiled).await;
        if compiled {
            domain_reads(&s).await;
            quiz_attempt(&s).await;
        }
        s.stop().await;
    }
}

/// Statements of the batched domain reads: authentication plus one per
/// batch on PostgreSQL; on SQLite (no round trips to save) one per query.
async fn domain_reads(s: &TestServer) {
    use base64::Engine;
    let leo = s.token("insideout", "leo@learner.example").await;
    let attempt = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode("UserAttempt:52000000-0001-4000-8000-000000000002");
    let reads = [
        (
            "{ myDashboard { totalPoints level currentStreak weeklyPoints
               enrollments { courseTitle progressPercent } achievements { code name } } }",
            json!({}),
            2,
            8,
        ),
        (
            "{ weeklyLeaderboard(first: 5) { week entries { rank name anonymous isMe } } }",
            json!({}),
            2,
            2,
        ),
        (
            "query($a: ID!) { frameworkAssessmentResult(userAttemptId: $a) { score
               breakdown { displayName score } weakAreas insights { weaknesses { text }
               actions { text } leverage { text } } learningPaths { resources { title } } } }",
            json!({"a": attempt}),
            3,
            12,
        ),
    ];
    for (q, vars, pg, sqlite) in reads {
        let before = statements(s).await;
        let data = s.data(&leo, q, vars).await;
        let n = statements(s).await - before;
        let expected = if s.is_postgres() { pg } else { sqlite };
        assert_eq!(n, expected, "{n} statements for {q}: {data}");
    }
}

/// Statements of a quiz submission (a lesson quiz of an enrolled course,
/// answered wrong, so no points are recorded and the enrollment's progress
/// does not change): on PostgreSQL the course and its state are one of
/// them (a batch of the course, its lessons and quizzes, the student's
/// progress rows, enrollment and attempt tallies), whatever the number of
/// lessons, quizzes and attempts; the attempt's insert goes out with the
/// progress row's update.
async fn quiz_attempt(s: &TestServer) {
    use base64::Engine;
    let leo = s.token("insideout", "leo@learner.example").await;
    let quiz = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode("Quiz:43000000-0001-4000-8000-000000000001");
    let before = statements(s).await;
    let data = s
        .data(
            &leo,
            "mutation($q: ID!) { submitQuizAttempt(quizId: $q, answers: {}) { score passed } }",
            json!({"q": quiz}),
        )
        .await;
    let n = statements(s).await - before;
    assert_eq!(data["submitQuizAttempt"]["passed"], false, "{data}");
    let expected = if s.is_postgres() { 6 } else { 11 };
    assert_eq!(n, expected, "{n} statements for a quiz submission: {data}");
}

async fn check(s: &TestServer, compiled: bool) {
    let token = s.token("insideout", "ada@insideout.example").await;
    // (query, relation fields in it)
    let queries = [
        (
            "query($first: Int) { courses(first: $first) { totalCount nodes { id title
               organization { id name }
               lessons { nodes { id title
                 contentBlocks { nodes { id type } }
                 quizzes { nodes { id title
                   quizAttempts { nodes { id score student { id email } } } } } } } } } }",
            6,
        ),
        (
            "query($first: Int) { talentProfiles(first: $first) { nodes { id tagline
               talentTestimonials { nodes { id quote } }
               user { id fullName
                 engagementsAsExpert { nodes { id focusArea
                   engagementSessions { nodes { id status } } } } } } } }",
            4,
        ),
        (
            "query($first: Int) { users(first: $first) { nodes { id email
               memberships { nodes { id role organization { id name } } }
               enrollments { nodes { id course { id title lessons { nodes { id } } } } }
               pointTransactions { nodes { id points } } } } }",
            7,
        ),
    ];
    for (q, levels) in queries {
        let (one, small) = cost(s, &token, q, 1).await;
        let (many, big) = cost(s, &token, q, 50).await;
        let (rows_one, rows_many) = (count_nodes(&small), count_nodes(&big));
        assert!(
            rows_many > rows_one,
            "the larger page has more rows: {rows_one} vs {rows_many}"
        );
        // Compiled: authentication (one statement: the live memberships of
        // an active user; on PostgreSQL the same statement sets the
        // request's role and settings) and the root field's statement.
        // Loaders: at most one statement per relation field (a page with no
        // value to fetch for a relation issues none), plus authentication,
        // the root page and its count, however many rows.
        let bound = if compiled { 2 } else { levels + 3 };
        assert!(
            (!compiled || one == 2) && one <= bound && many <= bound,
            "compiled: {compiled}: {one} / {many} statements for {levels} relations \
             ({rows_one} / {rows_many} rows): {q}"
        );
    }
}
