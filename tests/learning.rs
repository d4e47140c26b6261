//! Learning (seed 003): enrolling in courses and submitting quiz attempts,
//! scored on the server, with the student's progress kept up to date.

mod common;

use common::{TestServer, code};
use serde_json::{Map, Value, json};

const ENROLL: &str =
    "mutation($c: ID!) { enrollInCourse(courseId: $c) { id student { email } course { id } } }";
const SUBMIT: &str = "mutation($q: ID!, $a: JSON!, $t: Int) { submitQuizAttempt(quizId: $q, answers: $a, timeSpent: $t) { \
     id attemptNumber score pointsEarned totalPoints passed timeSpent feedback answers submittedAt startedAt student { email } } }";
const QUIZZES: &str = "{ quizzes(first: 100) { nodes { id title questions { questionId type question options correctAnswer points explanation } maxAttempts timeLimit minimumPassingScore \
     course { id } lesson { course { id } } } } }";

async fn courses(s: &TestServer, token: &str) -> Vec<Value> {
    s.data(
        token,
        "{ courses(first: 100) { nodes { id title isPublished } } }",
        json!({}),
    )
    .await["courses"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

/// The ids of the courses the caller is enrolled in.
async fn enrolled(s: &TestServer, token: &str) -> Vec<Value> {
    s.data(
        token,
        "{ enrollments(first: 100) { nodes { course { id } } } }",
        json!({}),
    )
    .await["enrollments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["course"]["id"].clone())
        .collect()
}

/// Every quiz as `token` sees it.
async fn quizzes(s: &TestServer, token: &str) -> Vec<Value> {
    s.data(token, QUIZZES, json!({})).await["quizzes"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

fn course_of(quiz: &Value) -> Value {
    if quiz["course"].is_null() {
        quiz["lesson"]["course"]["id"].clone()
    } else {
        quiz["course"]["id"].clone()
    }
}

/// Fully correct answers, from the questions as staff see them.
fn correct(quiz: &Value) -> Value {
    let mut a = Map::new();
    for q in quiz["questions"].as_array().unwrap() {
        let answer = q["correctAnswer"].clone();
        assert!(!answer.is_null(), "staff see the correct answers: {q}");
        a.insert(q["questionId"].as_str().unwrap().to_owned(), answer);
    }
    Value::Object(a)
}

/// Every answer wrong.
fn wrong(quiz: &Value) -> Value {
    let mut a = Map::new();
    for q in quiz["questions"].as_array().unwrap() {
        a.insert(
            q["questionId"].as_str().unwrap().to_owned(),
            json!("certainly not the answer"),
        );
    }
    Value::Object(a)
}

/// The progress rows of `email` on a quiz.
async fn progress(s: &TestServer, token: &str, email: &str, quiz_id: &Value) -> Vec<Value> {
    let all = s
        .data(
            token,
            "{ studentProgress(first: 100) { nodes { attemptsCount bestScore status completionPercentage timeSpent \
             student { email } assessment { id } } } }",
            json!({}),
        )
        .await;
    all["studentProgress"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["assessment"]["id"] == *quiz_id && p["student"]["email"] == email)
        .cloned()
        .collect()
}

#[tokio::test]
async fn enroll_once_in_a_published_course() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let mine = enrolled(&s, &lina).await;
    let course = courses(&s, &lina)
        .await
        .into_iter()
        .find(|c| c["isPublished"] == true && !mine.contains(&c["id"]))
        .expect("a published course Lina is not enrolled in");

    let e = s.data(&lina, ENROLL, json!({"c": course["id"]})).await["enrollInCourse"].clone();
    assert_eq!(e["student"]["email"], "lina@learner.example");
    assert_eq!(e["course"]["id"], course["id"]);
    assert!(enrolled(&s, &lina).await.contains(&course["id"]));

    let again = s.gql(&lina, ENROLL, json!({"c": course["id"]})).await;
    assert_eq!(code(&again), "CONFLICT", "{again}");

    // An unpublished course Leo is not enrolled in is invisible to him.
    let leos = enrolled(&s, &leo).await;
    let draft = courses(&s, &ivan)
        .await
        .into_iter()
        .find(|c| c["isPublished"] == false && !leos.contains(&c["id"]))
        .expect("an unpublished course");
    let hidden = s.gql(&leo, ENROLL, json!({"c": draft["id"]})).await;
    assert_eq!(code(&hidden), "NOT_FOUND", "{hidden}");
    // Its instructor sees it, but it is not open.
    let closed = s.gql(&ivan, ENROLL, json!({"c": draft["id"]})).await;
    assert_eq!(code(&closed), "CONFLICT", "{closed}");
    // Not a course id; no token.
    assert_eq!(
        code(&s.gql(&lina, ENROLL, json!({"c": "bogus"})).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(
            &s.gql("tenant:insideout", ENROLL, json!({"c": course["id"]}))
                .await
        ),
        "UNAUTHENTICATED"
    );
    s.stop().await;
}

#[tokio::test]
async fn attempts_are_scored_numbered_limited_and_tracked() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let mine = enrolled(&s, &lina).await;
    let course = courses(&s, &lina)
        .await
        .into_iter()
        .find(|c| c["isPublished"] == true && !mine.contains(&c["id"]))
        .expect("a published course Lina is not enrolled in");
    // A limited, timed quiz of that course, as its instructor sees it.
    let quiz = quizzes(&s, &ivan)
        .await
        .into_iter()
        .find(|q| {
            course_of(q) == course["id"] && q["maxAttempts"].is_i64() && q["timeLimit"].is_i64()
        })
        .expect("a quiz of the course");
    let max = quiz["maxAttempts"].as_i64().unwrap();
    let limit = quiz["timeLimit"].as_i64().unwrap();

    // Learners see the quiz without the answers.
    let seen = quizzes(&s, &lina)
        .await
        .into_iter()
        .find(|q| q["id"] == quiz["id"])
        .expect("Lina sees the quiz of a published course");
    assert!(
        seen["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["correctAnswer"].is_null()),
        "{seen}"
    );

    // Not enrolled yet.
    let vars = json!({"q": quiz["id"], "a": correct(&quiz), "t": 60});
    let not_yet = s.gql(&lina, SUBMIT, vars.clone()).await;
    assert_eq!(code(&not_yet), "FORBIDDEN", "{not_yet}");
    s.data(&lina, ENROLL, json!({"c": course["id"]})).await;

    // Bad answers and times change nothing.
    let bad_key = s
        .gql(&lina, SUBMIT, json!({"q": quiz["id"], "a": {"nope": "x"}}))
        .await;
    assert_eq!(code(&bad_key), "BAD_USER_INPUT", "{bad_key}");
    let not_object = s
        .gql(&lina, SUBMIT, json!({"q": quiz["id"], "a": ["x"]}))
        .await;
    assert_eq!(code(&not_object), "BAD_USER_INPUT", "{not_object}");
    let too_slow = s
        .gql(
            &lina,
            SUBMIT,
            json!({"q": quiz["id"], "a": correct(&quiz), "t": limit * 60 + 1}),
        )
        .await;
    assert_eq!(code(&too_slow), "BAD_USER_INPUT", "{too_slow}");
    assert!(
        progress(&s, &lina, "lina@learner.example", &quiz["id"])
            .await
            .is_empty()
    );

    // Fully correct.
    let first = s.data(&lina, SUBMIT, vars.clone()).await["submitQuizAttempt"].clone();
    assert_eq!(first["attemptNumber"], 1, "{first}");
    assert_eq!(first["score"], 100);
    assert_eq!(first["passed"], true);
    assert_eq!(first["pointsEarned"], first["totalPoints"]);
    assert_eq!(first["timeSpent"], 60);
    assert_eq!(first["student"]["email"], "lina@learner.example");
    assert!(first["submittedAt"].is_string());
    let fb = first["feedback"].as_object().unwrap();
    assert_eq!(fb.len(), quiz["questions"].as_array().unwrap().len());
    assert!(fb.values().all(|f| f["correct"] == true), "{first}");

    // All wrong: a lower score, not passed, the next number.
    let second = s
        .data(
            &lina,
            SUBMIT,
            json!({"q": quiz["id"], "a": wrong(&quiz), "t": 30}),
        )
        .await["submitQuizAttempt"]
        .clone();
    assert_eq!(second["attemptNumber"], 2, "{second}");
    assert_eq!(second["score"], 0);
    assert_eq!(second["pointsEarned"], 0);
    assert_eq!(second["passed"], false);
    assert!(
        second["feedback"]
            .as_object()
            .unwrap()
            .values()
            .all(|f| f["correct"] == false)
    );

    let p = progress(&s, &lina, "lina@learner.example", &quiz["id"]).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0]["attemptsCount"], 2);
    assert_eq!(p[0]["bestScore"], 100);
    assert_eq!(p[0]["status"], "COMPLETED");
    assert_eq!(p[0]["completionPercentage"], 100);
    assert_eq!(p[0]["timeSpent"], 90);

    // Use up the attempts; then no more.
    for n in 3..=max {
        let r = s
            .data(&lina, SUBMIT, json!({"q": quiz["id"], "a": {}}))
            .await["submitQuizAttempt"]
            .clone();
        assert_eq!(r["attemptNumber"], n);
    }
    let over = s.gql(&lina, SUBMIT, vars).await;
    assert_eq!(code(&over), "CONFLICT", "{over}");
    let p = progress(&s, &lina, "lina@learner.example", &quiz["id"]).await;
    assert_eq!(p[0]["attemptsCount"], max);
    assert_eq!(p[0]["bestScore"], 100);
    s.stop().await;
}

/// A partly right attempt on a quiz with earlier attempts: numbered after
/// them, scored by points, the existing progress row updated in place.
#[tokio::test]
async fn partial_score_continues_existing_progress() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let attempts = s
        .data(
            &leo,
            "{ quizAttempts(first: 100) { nodes { attemptNumber assessment { id } } } }",
            json!({}),
        )
        .await["quizAttempts"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let all = quizzes(&s, &ivan).await;
    let mine = enrolled(&s, &leo).await;
    // A quiz of an enrolled course Leo has tried, with attempts left.
    let (quiz, tried) = all
        .iter()
        .filter(|q| mine.contains(&course_of(q)))
        .find_map(|q| {
            let n = attempts
                .iter()
                .filter(|a| a["assessment"]["id"] == q["id"])
                .count() as i64;
            (n > 0 && q["maxAttempts"].as_i64().is_none_or(|m| n < m)).then(|| (q.clone(), n))
        })
        .expect("a quiz Leo has attempted");
    let before = progress(&s, &leo, "leo@learner.example", &quiz["id"]).await;
    assert_eq!(before.len(), 1, "{before:?}");

    // The first question right, the rest wrong.
    let questions = quiz["questions"].as_array().unwrap();
    let mut answers = wrong(&quiz);
    answers[questions[0]["questionId"].as_str().unwrap()] = questions[0]["correctAnswer"].clone();
    let total: i64 = questions
        .iter()
        .map(|q| q["points"].as_i64().unwrap())
        .sum();
    let got = questions[0]["points"].as_i64().unwrap();
    let r = s
        .data(
            &leo,
            SUBMIT,
            json!({"q": quiz["id"], "a": answers, "t": 45}),
        )
        .await["submitQuizAttempt"]
        .clone();
    assert_eq!(r["attemptNumber"], tried + 1, "{r}");
    assert_eq!(r["pointsEarned"], got);
    assert_eq!(r["totalPoints"], total);
    let score = (got as f64 * 100.0 / total as f64).round() as i64;
    assert_eq!(r["score"], score);
    assert_eq!(
        r["passed"],
        score >= quiz["minimumPassingScore"].as_i64().unwrap()
    );

    let after = progress(&s, &leo, "leo@learner.example", &quiz["id"]).await;
    assert_eq!(after.len(), 1);
    assert_eq!(
        after[0]["attemptsCount"],
        before[0]["attemptsCount"].as_i64().unwrap() + 1
    );
    assert_eq!(
        after[0]["bestScore"],
        before[0]["bestScore"].as_i64().unwrap().max(score)
    );
    assert_eq!(
        after[0]["timeSpent"],
        before[0]["timeSpent"].as_i64().unwrap() + 45
    );
    s.stop().await;
}

#[tokio::test]
async fn short_answers_match_case_insensitively_and_staff_need_no_enrollment() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let quiz = quizzes(&s, &ada)
        .await
        .into_iter()
        .find(|q| {
            q["questions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["type"] == "SHORT_ANSWER")
        })
        .expect("a quiz with a short answer");
    let mut answers = correct(&quiz);
    for q in quiz["questions"].as_array().unwrap() {
        if q["type"] == "SHORT_ANSWER" {
            let id = q["questionId"].as_str().unwrap();
            answers[id] = json!(format!(
                "  {}  ",
                q["correctAnswer"].as_str().unwrap().to_uppercase()
            ));
        }
    }
    let r = s
        .data(&ada, SUBMIT, json!({"q": quiz["id"], "a": answers}))
        .await["submitQuizAttempt"]
        .clone();
    assert_eq!(r["score"], 100, "{r}");
    assert_eq!(r["attemptNumber"], 1);
    assert!(r["timeSpent"].is_null());
    s.stop().await;
}

/// Another tenant's courses and quizzes do not exist for these mutations.
#[tokio::test]
async fn other_tenants_courses_and_quizzes_are_not_found() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let nora = s.token("northstar", "nora@northstar.example").await;
    for (mine, theirs) in [(&ada, &nora), (&nora, &ada)] {
        let cs = courses(&s, mine).await;
        assert!(!cs.is_empty());
        for c in cs {
            let r = s.gql(theirs, ENROLL, json!({"c": c["id"]})).await;
            assert_eq!(code(&r), "NOT_FOUND", "{r}");
        }
        let qs = quizzes(&s, mine).await;
        assert!(!qs.is_empty());
        for q in qs {
            let r = s
                .gql(theirs, SUBMIT, json!({"q": q["id"], "a": correct(&q)}))
                .await;
            assert_eq!(code(&r), "NOT_FOUND", "{r}");
        }
    }
    s.stop().await;
}

/// Attempts submitted at once by one student: each gets its own number,
/// never more than the quiz allows; the losers of a race get CONFLICT.
#[tokio::test]
async fn concurrent_attempts_never_share_a_number_or_exceed_the_limit() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let quiz = quizzes(&s, &ada)
        .await
        .into_iter()
        .find(|q| q["maxAttempts"].is_i64())
        .expect("a limited quiz");
    let max = quiz["maxAttempts"].as_i64().unwrap() as usize;
    let vars = json!({"q": quiz["id"], "a": correct(&quiz)});
    let results =
        futures::future::join_all((0..8).map(|_| s.gql(&ada, SUBMIT, vars.clone()))).await;
    let mut numbers: Vec<i64> = results
        .iter()
        .filter(|r| r.get("errors").is_none())
        .map(|r| {
            r["data"]["submitQuizAttempt"]["attemptNumber"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert!(
        results
            .iter()
            .all(|r| r.get("errors").is_none() || code(r) == "CONFLICT"),
        "{results:#?}"
    );
    numbers.sort();
    let before = numbers.len();
    numbers.dedup();
    assert_eq!(numbers.len(), before, "{results:#?}");
    assert!(!numbers.is_empty() && numbers.len() <= max);
    // Retried one at a time, they fill up to the limit exactly.
    loop {
        let r = s.gql(&ada, SUBMIT, vars.clone()).await;
        if r.get("errors").is_some() {
            assert_eq!(code(&r), "CONFLICT", "{r}");
            break;
        }
        numbers.push(
            r["data"]["submitQuizAttempt"]["attemptNumber"]
                .as_i64()
                .unwrap(),
        );
    }
    assert_eq!(numbers, (1..=max as i64).collect::<Vec<_>>());
    let p = progress(&s, &ada, "ada@insideout.example", &quiz["id"]).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0]["attemptsCount"], max);
    s.stop().await;
}
