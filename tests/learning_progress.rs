//! Learning progress (seed 003): lessons in prerequisite order, the
//! enrollment's progress and completion, the course progress summary and
//! personalized roadmaps that follow the student's progress.

mod common;

use std::collections::HashMap;

use common::{TestServer, code};
use serde_json::{Map, Value, json};

const START: &str = "mutation($l: ID!) { startLesson(lessonId: $l) { status completionPercentage timeSpent lastAccessed lesson { id } } }";
const COMPLETE: &str = "mutation($l: ID!, $t: Int) { completeLesson(lessonId: $l, timeSpent: $t) { status completionPercentage timeSpent } }";
const SUBMIT: &str =
    "mutation($q: ID!, $a: JSON!) { submitQuizAttempt(quizId: $q, answers: $a) { score passed } }";
const PROGRESS: &str = "query($c: ID!, $u: ID) { courseProgress(courseId: $c, userId: $u) { courseId studentId enrolledAt completedAt \
     lessonsTotal lessonsCompleted percentage quizzesTotal quizzesPassed finalAssessmentPassed timeSpent nextLessonId \
     lessons { lessonId title status bestScore attempts quizPassed unmetPrerequisiteIds } quizzes { quizId passed bestScore attempts } } }";
const GENERATE: &str = "mutation($g: String, $c: ID) { generateRoadmap(goal: $g, courseId: $c) { id status roadmapData aiReasoning student { email } } }";
const STEP: &str = "mutation($r: ID!, $s: Int!) { completeRoadmapStep(personalizedRoadmapId: $r, step: $s) { status roadmapData } }";

/// A lesson as its instructor sees it: id, course id, its quiz.
#[derive(Clone)]
struct Lesson {
    id: Value,
    course: Value,
    quiz: Option<Value>,
}

/// Lessons and final quizzes by title, as `token` (staff) sees them.
async fn catalog(s: &TestServer, token: &str) -> (HashMap<String, Lesson>, HashMap<String, Value>) {
    let d = s
        .data(
            token,
            "{ courses(first: 50) { nodes { id title quizzes { nodes { id questions { questionId correctAnswer } } } \
               lessons { nodes { id title quizzes { nodes { id questions { questionId correctAnswer } } } } } } } }",
            json!({}),
        )
        .await;
    let mut lessons = HashMap::new();
    let mut finals = HashMap::new();
    for c in d["courses"]["nodes"].as_array().unwrap() {
        finals.insert(
            c["title"].as_str().unwrap().to_owned(),
            c["quizzes"]["nodes"][0].clone(),
        );
        for l in c["lessons"]["nodes"].as_array().unwrap() {
            let quiz = l["quizzes"]["nodes"].as_array().unwrap().first().cloned();
            lessons.insert(
                l["title"].as_str().unwrap().to_owned(),
                Lesson {
                    id: l["id"].clone(),
                    course: c["id"].clone(),
                    quiz,
                },
            );
        }
    }
    (lessons, finals)
}

/// Fully correct answers to a quiz (as staff see it).
fn correct(quiz: &Value) -> Value {
    let mut a = Map::new();
    for q in quiz["questions"].as_array().unwrap() {
        a.insert(
            q["questionId"].as_str().unwrap().to_owned(),
            q["correctAnswer"].clone(),
        );
    }
    Value::Object(a)
}

async fn progress(s: &TestServer, token: &str, course: &Value, user: Option<&Value>) -> Value {
    s.data(token, PROGRESS, json!({"c": course, "u": user}))
        .await["courseProgress"]
        .clone()
}

async fn user_id(s: &TestServer, token: &str) -> Value {
    s.data(token, "{ me { user { id } } }", json!({})).await["me"]["user"]["id"].clone()
}

async fn enrollment(s: &TestServer, token: &str, course: &Value) -> Value {
    let d = s
        .data(token, "{ enrollments(first: 50) { nodes { progressPercent completedAt progress course { id } } } }", json!({}))
        .await;
    d["enrollments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["course"]["id"] == *course)
        .cloned()
        .expect("enrolled")
}

#[tokio::test]
async fn lessons_follow_prerequisites_and_complete_the_enrollment() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let (lessons, finals) = catalog(&s, &ivan).await;
    let l1 = lessons["Listening Beyond Words"].clone();
    let l2 = lessons["Asking Questions That Open Possibility"].clone();
    let l3 = lessons["Turning Insight into Action"].clone();
    let course = l1.course.clone();

    // Lina completed lesson 1 and failed lesson 2's quiz once.
    let before = progress(&s, &lina, &course, None).await;
    assert_eq!(before["lessonsTotal"], 3);
    assert_eq!(before["lessonsCompleted"], 1);
    assert_eq!(before["nextLessonId"], l2.id);
    assert_eq!(before["studentId"], user_id(&s, &lina).await);
    let by_id = |p: &Value, id: &Value| {
        p["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lessonId"] == *id)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_id(&before, &l1.id)["status"], "COMPLETED");
    assert_eq!(by_id(&before, &l2.id)["quizPassed"], false);
    assert_eq!(by_id(&before, &l2.id)["attempts"], 1);
    assert_eq!(by_id(&before, &l3.id)["status"], "BLOCKED");
    assert_eq!(
        by_id(&before, &l3.id)["unmetPrerequisiteIds"],
        json!([l2.id])
    );

    // Lesson 3 needs lesson 2: start, complete and its quiz are refused.
    for (q, v) in [
        (START, json!({"l": l3.id})),
        (COMPLETE, json!({"l": l3.id, "t": 60})),
        (
            SUBMIT,
            json!({"q": l3.quiz.as_ref().unwrap()["id"], "a": correct(l3.quiz.as_ref().unwrap())}),
        ),
    ] {
        let r = s.gql(&lina, q, v).await;
        assert_eq!(code(&r), "CONFLICT", "{r}");
    }
    // Lesson 2 cannot be completed before its quiz is passed.
    let r = s.gql(&lina, COMPLETE, json!({"l": l2.id, "t": 60})).await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    let r = s.gql(&lina, COMPLETE, json!({"l": l2.id, "t": -1})).await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");

    // Passing lesson 2's quiz completes it.
    let q2 = l2.quiz.clone().unwrap();
    let passed = s
        .data(&lina, SUBMIT, json!({"q": q2["id"], "a": correct(&q2)}))
        .await;
    assert_eq!(passed["submitQuizAttempt"]["passed"], true);
    let mid = progress(&s, &lina, &course, None).await;
    assert_eq!(mid["lessonsCompleted"], 2);
    assert_eq!(mid["percentage"], 66.67);
    assert_eq!(mid["nextLessonId"], l3.id);
    assert_eq!(by_id(&mid, &l2.id)["bestScore"], 100);
    let e = enrollment(&s, &lina, &course).await;
    assert_eq!(e["progressPercent"], "66.67");
    assert_eq!(e["progress"]["current_lesson_id"], raw_id(&l3.id));

    // Lesson 3: started, time added on completion, once its quiz is passed.
    let started = s.data(&lina, START, json!({"l": l3.id})).await["startLesson"].clone();
    assert_eq!(started["status"], "IN_PROGRESS");
    assert_eq!(started["lesson"]["id"], l3.id);
    let r = s.gql(&lina, COMPLETE, json!({"l": l3.id, "t": 600})).await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    let q3 = l3.quiz.clone().unwrap();
    s.data(&lina, SUBMIT, json!({"q": q3["id"], "a": correct(&q3)}))
        .await;
    let done =
        s.data(&lina, COMPLETE, json!({"l": l3.id, "t": 600})).await["completeLesson"].clone();
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["completionPercentage"], 100);
    assert!(done["timeSpent"].as_i64().unwrap() >= 600, "{done}");
    let all = progress(&s, &lina, &course, None).await;
    assert_eq!(all["lessonsCompleted"], 3);
    assert_eq!(all["percentage"], 100.0);
    assert!(all["nextLessonId"].is_null());
    assert_eq!(all["finalAssessmentPassed"], false);
    assert!(
        all["completedAt"].is_null(),
        "the mandatory final is not passed yet"
    );
    assert_eq!(
        enrollment(&s, &lina, &course).await["progressPercent"],
        "100.00"
    );

    // The final quiz completes the enrollment.
    let fin = finals["Foundations of Coaching Conversations"].clone();
    s.data(&lina, SUBMIT, json!({"q": fin["id"], "a": correct(&fin)}))
        .await;
    let end = progress(&s, &lina, &course, None).await;
    assert_eq!(end["finalAssessmentPassed"], true);
    assert_eq!(end["quizzesPassed"], end["quizzesTotal"]);
    assert!(end["completedAt"].is_string(), "{end}");
    let e = enrollment(&s, &lina, &course).await;
    assert!(e["completedAt"].is_string(), "{e}");
    assert_eq!(e["progress"]["final_assessment_passed"], true);
    s.stop().await;
}

#[tokio::test]
async fn lesson_progress_errors() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let nora = s.token("northstar", "nora@northstar.example").await;
    let (lessons, _) = catalog(&s, &ivan).await;
    // Not enrolled in Leading Through Change.
    let r = s
        .gql(&lina, START, json!({"l": lessons["Why Change Stalls"].id}))
        .await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    // Enrolled in the draft Advanced Feedback Lab, whose lessons are unpublished.
    let r = s
        .gql(&lina, START, json!({"l": lessons["Feedback as Data"].id}))
        .await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    // Another tenant's lesson; not a lesson id; no token.
    let (theirs, _) = catalog(&s, &nora).await;
    let foreign = theirs.values().next().unwrap().id.clone();
    for q in [START, COMPLETE] {
        assert_eq!(
            code(&s.gql(&lina, q, json!({"l": foreign})).await),
            "NOT_FOUND"
        );
        assert_eq!(
            code(&s.gql(&lina, q, json!({"l": "bogus"})).await),
            "BAD_USER_INPUT"
        );
        let anon = s
            .gql(
                "tenant:insideout",
                q,
                json!({"l": lessons["Why Change Stalls"].id}),
            )
            .await;
        assert_eq!(code(&anon), "UNAUTHENTICATED");
    }
    // Staff preview without enrollment or prerequisites.
    let r = s
        .data(
            &ivan,
            START,
            json!({"l": lessons["Embedding New Habits"].id}),
        )
        .await;
    assert_eq!(r["startLesson"]["status"], "IN_PROGRESS");
    s.stop().await;
}

#[tokio::test]
async fn course_progress_is_own_or_for_staff() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let nora = s.token("northstar", "nora@northstar.example").await;
    let (lessons, _) = catalog(&s, &ivan).await;
    let course = lessons["Listening Beyond Words"].course.clone();
    let lina_id = user_id(&s, &lina).await;
    let own = progress(&s, &lina, &course, None).await;
    // Her instructor and an admin see the same summary.
    for staff in [&ivan, &ada] {
        let seen = progress(&s, staff, &course, Some(&lina_id)).await;
        assert_eq!(seen, own);
    }
    // Another learner may not.
    let r = s
        .gql(&leo, PROGRESS, json!({"c": course, "u": lina_id}))
        .await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    // Leo completed the course: all lessons, time summed over his rows.
    let leos = progress(&s, &leo, &course, None).await;
    assert_eq!(leos["lessonsCompleted"], leos["lessonsTotal"]);
    assert_eq!(leos["finalAssessmentPassed"], true);
    assert!(leos["completedAt"].is_string());
    assert!(leos["timeSpent"].as_i64().unwrap() > 0);
    // Another tenant's course.
    let r = s.gql(&nora, PROGRESS, json!({"c": course})).await;
    assert_eq!(code(&r), "NOT_FOUND", "{r}");
    s.stop().await;
}

#[tokio::test]
async fn roadmaps_are_generated_from_progress_and_follow_it() {
    let s = TestServer::start().await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let nick = s.token("northstar", "nick@northstar.example").await;
    let (lessons, _) = catalog(&s, &ivan).await;
    let l2 = lessons["Asking Questions That Open Possibility"].clone();
    let l3 = lessons["Turning Insight into Action"].clone();
    let course = l2.course.clone();

    // Lina's plan for Foundations: the failed lesson first, then its
    // dependent, then the final assessment.
    let first = s
        .data(
            &lina,
            GENERATE,
            json!({"g": "Finish foundations", "c": course}),
        )
        .await["generateRoadmap"]
        .clone();
    assert_eq!(first["status"], "ACTIVE");
    assert_eq!(first["student"]["email"], "lina@learner.example");
    let steps = first["roadmapData"]["steps"].as_array().unwrap().clone();
    assert_eq!(steps.len(), 3, "{steps:?}");
    let raw = |v: &Value| v.as_str().map(|s| s.to_owned());
    assert_eq!(
        raw(&steps[0]["lesson_id"]),
        raw_id(&l2.id).as_str().map(str::to_owned)
    );
    assert_eq!(steps[0]["status"], "in_progress");
    assert!(
        steps[0]["reason"].as_str().unwrap().contains("below"),
        "{steps:?}"
    );
    assert_eq!(
        raw(&steps[1]["lesson_id"]),
        raw_id(&l3.id).as_str().map(str::to_owned)
    );
    assert_eq!(steps[2]["type"], "assessment");
    assert_eq!(first["roadmapData"]["goal"], "Finish foundations");
    assert!(first["aiReasoning"].as_str().unwrap().contains(l2_title()));

    // A new roadmap pauses the previous one.
    let second = s.data(&lina, GENERATE, json!({"c": course})).await["generateRoadmap"].clone();
    let old = s
        .data(
            &lina,
            "query($id: ID!) { node(id: $id) { ... on PersonalizedRoadmap { status } } }",
            json!({"id": first["id"]}),
        )
        .await;
    assert_eq!(old["node"]["status"], "PAUSED");
    let r = s.gql(&lina, STEP, json!({"r": first["id"], "s": 1})).await;
    assert_eq!(code(&r), "CONFLICT", "{r}");

    // Step errors: lesson not completed, no such step, someone else's.
    let r = s.gql(&lina, STEP, json!({"r": second["id"], "s": 1})).await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    let r = s
        .gql(&lina, STEP, json!({"r": second["id"], "s": 99}))
        .await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    let r = s.gql(&ivan, STEP, json!({"r": second["id"], "s": 3})).await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    let r = s.gql(&leo, STEP, json!({"r": second["id"], "s": 3})).await;
    assert_eq!(code(&r), "NOT_FOUND", "{r}");

    // Passing the lesson's quiz completes its step; the rest by hand.
    let q2 = l2.quiz.clone().unwrap();
    s.data(&lina, SUBMIT, json!({"q": q2["id"], "a": correct(&q2)}))
        .await;
    let q3 = l3.quiz.clone().unwrap();
    s.data(&lina, SUBMIT, json!({"q": q3["id"], "a": correct(&q3)}))
        .await;
    let r = s
        .data(&lina, STEP, json!({"r": second["id"], "s": 3}))
        .await["completeRoadmapStep"]
        .clone();
    assert_eq!(r["status"], "COMPLETED", "{r}");
    assert!(
        r["roadmapData"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "completed")
    );
    let r = s.gql(&lina, STEP, json!({"r": second["id"], "s": 3})).await;
    assert_eq!(code(&r), "CONFLICT", "{r}");

    // Not enrolled; nothing left; another tenant's course.
    let ltc = lessons["Why Change Stalls"].course.clone();
    let r = s.gql(&lina, GENERATE, json!({"c": ltc})).await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    let r = s.gql(&nick, GENERATE, json!({"c": ltc})).await;
    assert_eq!(code(&r), "NOT_FOUND", "{r}");
    let r = s.gql(&leo, GENERATE, json!({"c": course})).await;
    assert_eq!(code(&r), "CONFLICT", "Leo completed Foundations: {r}");
    s.stop().await;
}

/// The row uuid behind a global id.
fn raw_id(id: &Value) -> Value {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id.as_str().unwrap())
        .unwrap();
    json!(String::from_utf8(bytes).unwrap().split(':').nth(1).unwrap())
}

fn l2_title() -> &'static str {
    "Asking Questions That Open Possibility"
}

/// Leo's demo roadmap has lesson steps: completing those lessons completes
/// the steps.
#[tokio::test]
async fn completing_lessons_completes_roadmap_steps() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let (lessons, _) = catalog(&s, &ivan).await;
    let stake = lessons["Mapping Stakeholders"].clone();
    let habits = lessons["Embedding New Habits"].clone();
    let q = stake.quiz.clone().unwrap();
    s.data(&leo, SUBMIT, json!({"q": q["id"], "a": correct(&q)}))
        .await;
    let done = s
        .data(&leo, COMPLETE, json!({"l": habits.id, "t": 300}))
        .await["completeLesson"]
        .clone();
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["timeSpent"], 300);
    let r = s
        .data(
            &leo,
            "{ personalizedRoadmaps(first: 10) { nodes { status roadmapData } } }",
            json!({}),
        )
        .await;
    let active = r["personalizedRoadmaps"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "ACTIVE")
        .cloned()
        .unwrap();
    let lesson_steps: Vec<&Value> = active["roadmapData"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["type"] == "lesson")
        .collect();
    assert_eq!(lesson_steps.len(), 2);
    assert!(
        lesson_steps.iter().all(|s| s["status"] == "completed"),
        "{lesson_steps:?}"
    );
    let p = progress(&s, &leo, &habits.course, None).await;
    assert_eq!(p["lessonsCompleted"], 3);
    s.stop().await;
}

/// Attempts at one quiz submitted at once: each gets its own number, or
/// `CONFLICT` when another took it first (the insert of an attempt goes out
/// with the next statement, which answers for its unique key); never an
/// internal error, and the counts stay whole.
#[tokio::test]
async fn attempts_submitted_at_once_get_distinct_numbers_or_conflict() {
    use base64::Engine;
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let quiz = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode("Quiz:43000000-0001-4000-8000-000000000001");
    let submit =
        "mutation($q: ID!) { submitQuizAttempt(quizId: $q, answers: {}) { attemptNumber } }";
    let all =
        futures::future::join_all((0..8).map(|_| s.gql(&leo, submit, json!({"q": quiz})))).await;
    let mut numbers = Vec::new();
    for r in &all {
        match r["data"]["submitQuizAttempt"]["attemptNumber"].as_i64() {
            Some(n) => numbers.push(n),
            None => {
                assert_eq!(code(r), "CONFLICT", "{r}");
                let m = r["errors"][0]["message"].as_str().unwrap_or_default();
                assert!(
                    m.contains("at the same time") || m.contains("no attempts left"),
                    "{r}"
                );
            }
        }
    }
    assert!(!numbers.is_empty(), "{all:?}");
    let mut distinct = numbers.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), numbers.len(), "{numbers:?}");
    // The next attempt counts every one that was kept (the quiz allows 3).
    let next = s.gql(&leo, submit, json!({"q": quiz})).await;
    match next["data"]["submitQuizAttempt"]["attemptNumber"].as_i64() {
        Some(n) => assert!(n > *distinct.last().unwrap(), "{n} after {distinct:?}"),
        None => {
            assert_eq!(code(&next), "CONFLICT", "{next}");
            assert!(*distinct.last().unwrap() >= 3, "{next} after {distinct:?}");
        }
    }
}
