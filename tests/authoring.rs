//! Instructors' course management (seed 003 "Instructors can manage own
//! courses"): courses, lessons, content blocks, quizzes, prerequisites.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const CREATE_COURSE: &str = "mutation($i: CourseInput!) { createCourse(input: $i) { id title tags difficultyLevel estimatedDuration isPublished instructor { email } } }";
const UPDATE_COURSE: &str = "mutation($c: ID!, $i: CourseInput!) { updateCourse(courseId: $c, input: $i) { title description tags } }";
const PUBLISH: &str = "mutation($c: ID!) { publishCourse(courseId: $c) { isPublished } }";
const ARCHIVE: &str = "mutation($c: ID!) { archiveCourse(courseId: $c) { isPublished } }";
const CREATE_LESSON: &str = "mutation($c: ID!, $i: LessonInput!) { createLesson(courseId: $c, input: $i) { id title orderIndex isPublished learningObjectives prerequisites } }";
const UPDATE_LESSON: &str = "mutation($l: ID!, $i: LessonInput!) { updateLesson(lessonId: $l, input: $i) { title isPublished estimatedDuration } }";
const REORDER_LESSONS: &str = "mutation($c: ID!, $ids: [ID!]!) { reorderLessons(courseId: $c, lessonIds: $ids) { id orderIndex } }";
const DELETE_LESSON: &str = "mutation($l: ID!) { deleteLesson(lessonId: $l) }";
const ADD_PRE: &str = "mutation($l: ID!, $p: ID!) { addLessonPrerequisite(lessonId: $l, prerequisiteLessonId: $p) { prerequisites } }";
const REMOVE_PRE: &str = "mutation($l: ID!, $p: ID!) { removeLessonPrerequisite(lessonId: $l, prerequisiteLessonId: $p) { prerequisites } }";
const CREATE_BLOCK: &str = "mutation($l: ID!, $i: ContentBlockInput!) { createContentBlock(lessonId: $l, input: $i) { id type content orderIndex metadata } }";
const UPDATE_BLOCK: &str = "mutation($b: ID!, $i: ContentBlockInput!) { updateContentBlock(contentBlockId: $b, input: $i) { type content metadata } }";
const REORDER_BLOCKS: &str = "mutation($l: ID!, $ids: [ID!]!) { reorderContentBlocks(lessonId: $l, contentBlockIds: $ids) { id orderIndex } }";
const DELETE_BLOCK: &str = "mutation($b: ID!) { deleteContentBlock(contentBlockId: $b) }";
const CREATE_QUIZ: &str = "mutation($l: ID, $c: ID, $i: QuizInput!) { createQuiz(lessonId: $l, courseId: $c, input: $i) { id title minimumPassingScore maxAttempts lesson { id } course { id } } }";
const UPDATE_QUIZ: &str = "mutation($q: ID!, $i: QuizInput!) { updateQuiz(quizId: $q, input: $i) { title minimumPassingScore timeLimit } }";

fn blocks() -> Vec<(&'static str, Value)> {
    vec![
        (
            "RICH_TEXT",
            json!({"html": "<p>Hi</p>", "plain_text": "Hi"}),
        ),
        (
            "IMAGE",
            json!({"url": "https://x.example/a.png", "alt_text": "A diagram"}),
        ),
        (
            "VIDEO",
            json!({"url": "https://x.example/v.mp4", "duration": 90}),
        ),
        (
            "FILE",
            json!({"url": "https://x.example/f.pdf", "filename": "f.pdf", "file_type": "application/pdf", "file_size": 1024}),
        ),
        (
            "YOUTUBE",
            json!({"video_id": "abc", "title": "Demo", "thumbnail_url": "https://img.example/abc.jpg", "duration": 60}),
        ),
    ]
}

fn questions() -> Value {
    json!([
        {"questionId": "q1", "type": "MULTIPLE_CHOICE", "question": "Pick A", "options": ["A", "B"], "correctAnswer": "A", "points": 5},
        {"questionId": "q2", "type": "TRUE_FALSE", "question": "True?", "options": ["true", "false"], "correctAnswer": "true"},
        {"questionId": "q3", "type": "SHORT_ANSWER", "question": "Say hi", "correctAnswer": "hi"},
        {"questionId": "q4", "type": "ESSAY", "question": "Reflect"}
    ])
}

#[tokio::test]
async fn an_instructor_builds_publishes_and_archives_a_course() {
    let s = TestServer::start().await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;

    let course = s
        .data(&ivan, CREATE_COURSE, json!({"i": {"title": "  Coaching Ethics ", "tags": ["ethics", "ethics", "icf"], "difficultyLevel": "BEGINNER", "estimatedDuration": 60}}))
        .await["createCourse"]
        .clone();
    assert_eq!(course["title"], "Coaching Ethics");
    assert_eq!(course["tags"], json!(["ethics", "icf"]));
    assert_eq!(course["isPublished"], false);
    assert_eq!(course["instructor"]["email"], "ivan@insideout.example");
    let c = course["id"].clone();
    let upd = s
        .data(
            &ivan,
            UPDATE_COURSE,
            json!({"c": c, "i": {"description": "Boundaries and confidentiality."}}),
        )
        .await;
    assert_eq!(upd["updateCourse"]["title"], "Coaching Ethics");
    assert_eq!(
        upd["updateCourse"]["description"],
        "Boundaries and confidentiality."
    );

    // Publishing needs a published lesson.
    assert_eq!(
        code(&s.gql(&ivan, PUBLISH, json!({"c": c})).await),
        "CONFLICT"
    );
    let mut ids = vec![];
    for (n, title) in ["Contracting", "Confidentiality", "Conflicts of interest"]
        .iter()
        .enumerate()
    {
        let l = s
            .data(
                &ivan,
                CREATE_LESSON,
                json!({"c": c, "i": {"title": title, "learningObjectives": ["Know it"]}}),
            )
            .await["createLesson"]
            .clone();
        assert_eq!(l["orderIndex"], n as i64 + 1);
        assert_eq!(l["isPublished"], false);
        ids.push(l["id"].clone());
    }
    let l = s
        .data(
            &ivan,
            UPDATE_LESSON,
            json!({"l": ids[0], "i": {"isPublished": true, "estimatedDuration": 20}}),
        )
        .await;
    assert_eq!(
        l["updateLesson"],
        json!({"title": "Contracting", "isPublished": true, "estimatedDuration": 20})
    );
    assert_eq!(
        s.data(&ivan, PUBLISH, json!({"c": c})).await["publishCourse"]["isPublished"],
        true
    );
    assert_eq!(
        code(&s.gql(&ivan, PUBLISH, json!({"c": c})).await),
        "CONFLICT"
    );

    // Reorder: every lesson once.
    let order = json!([ids[2], ids[0], ids[1]]);
    let r = s
        .data(&ivan, REORDER_LESSONS, json!({"c": c, "ids": order}))
        .await["reorderLessons"]
        .clone();
    assert_eq!(
        r.as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].clone())
            .collect::<Vec<_>>(),
        order.as_array().unwrap().clone()
    );
    assert_eq!(r[0]["orderIndex"], 1);
    for bad in [json!([ids[0], ids[1]]), json!([ids[0], ids[0], ids[1]])] {
        assert_eq!(
            code(
                &s.gql(&ivan, REORDER_LESSONS, json!({"c": c, "ids": bad}))
                    .await
            ),
            "BAD_USER_INPUT"
        );
    }

    // Prerequisites: added, no duplicates, no self, no cycles, removed.
    let pre = s
        .data(&ivan, ADD_PRE, json!({"l": ids[1], "p": ids[0]}))
        .await["addLessonPrerequisite"]["prerequisites"]
        .clone();
    assert_eq!(pre, json!([ids[0]]));
    s.data(&ivan, ADD_PRE, json!({"l": ids[2], "p": ids[1]}))
        .await;
    assert_eq!(
        code(
            &s.gql(&ivan, ADD_PRE, json!({"l": ids[1], "p": ids[0]}))
                .await
        ),
        "CONFLICT"
    );
    assert_eq!(
        code(
            &s.gql(&ivan, ADD_PRE, json!({"l": ids[0], "p": ids[2]}))
                .await
        ),
        "CONFLICT",
        "cycle"
    );
    assert_eq!(
        code(
            &s.gql(&ivan, ADD_PRE, json!({"l": ids[0], "p": ids[0]}))
                .await
        ),
        "BAD_USER_INPUT"
    );
    // A lesson of another course.
    let other = s
        .data(&ivan, "{ lessons(first: 100) { nodes { id } } }", json!({}))
        .await["lessons"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].clone())
        .find(|l| !ids.contains(l))
        .unwrap();
    assert_eq!(
        code(
            &s.gql(&ivan, ADD_PRE, json!({"l": ids[0], "p": other}))
                .await
        ),
        "BAD_USER_INPUT"
    );
    let r = s
        .data(&ivan, REMOVE_PRE, json!({"l": ids[2], "p": ids[1]}))
        .await;
    assert_eq!(r["removeLessonPrerequisite"]["prerequisites"], json!([]));
    assert_eq!(
        code(
            &s.gql(&ivan, REMOVE_PRE, json!({"l": ids[2], "p": ids[1]}))
                .await
        ),
        "CONFLICT"
    );

    // Content blocks of every type, validated, reordered, deleted.
    let mut bids = vec![];
    for (i, (kind, content)) in blocks().into_iter().enumerate() {
        let b = s
            .data(
                &ivan,
                CREATE_BLOCK,
                json!({"l": ids[0], "i": {"type": kind, "content": content, "metadata": {"k": i}}}),
            )
            .await["createContentBlock"]
            .clone();
        assert_eq!(b["type"], kind);
        assert_eq!(b["content"], content);
        assert_eq!(b["orderIndex"], i as i64 + 1);
        bids.push(b["id"].clone());
    }
    for bad in [
        json!({"type": "podcast", "content": {}}),
        json!({"type": "IMAGE", "content": {"url": "ftp://x", "alt_text": "a"}}),
        json!({"type": "RICH_TEXT", "content": {"html": "<p/>"}}),
        json!({"type": "FILE", "content": {"url": "https://x", "filename": "f", "file_type": "pdf", "file_size": -1}}),
        json!({"type": "VIDEO", "content": {"url": "https://x", "extra": 1}}),
        json!({"type": "VIDEO"}),
    ] {
        let r = s
            .gql(&ivan, CREATE_BLOCK, json!({"l": ids[0], "i": bad}))
            .await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{bad}: {r}");
    }
    // A new type needs content of its shape.
    assert_eq!(
        code(
            &s.gql(
                &ivan,
                UPDATE_BLOCK,
                json!({"b": bids[0], "i": {"type": "IMAGE"}})
            )
            .await
        ),
        "BAD_USER_INPUT"
    );
    let u = s
        .data(
            &ivan,
            UPDATE_BLOCK,
            json!({"b": bids[0], "i": {"content": {"html": "<b>x</b>", "plain_text": "x"}}}),
        )
        .await;
    assert_eq!(u["updateContentBlock"]["content"]["plain_text"], "x");
    let mut rev = bids.clone();
    rev.reverse();
    let r = s
        .data(&ivan, REORDER_BLOCKS, json!({"l": ids[0], "ids": rev}))
        .await["reorderContentBlocks"]
        .clone();
    assert_eq!(r[0]["id"], bids[4]);
    assert_eq!(
        s.data(&ivan, DELETE_BLOCK, json!({"b": bids[4]})).await["deleteContentBlock"],
        bids[4]
    );
    let left = s.data(&ivan, "query($l: ID!) { node(id: $l) { ... on Lesson { contentBlocks { nodes { id orderIndex } } } } }", json!({"l": ids[0]})).await;
    let left = left["node"]["contentBlocks"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(left.len(), 4);
    let mut positions: Vec<i64> = left
        .iter()
        .map(|b| b["orderIndex"].as_i64().unwrap())
        .collect();
    positions.sort();
    assert_eq!(positions, vec![1, 2, 3, 4]);

    // Quizzes: one per lesson, one final per course, questions validated.
    let q = s.data(&ivan, CREATE_QUIZ, json!({"l": ids[0], "i": {"title": "Check", "questions": questions(), "maxAttempts": 2}})).await["createQuiz"].clone();
    assert_eq!(q["lesson"]["id"], ids[0]);
    assert_eq!(q["minimumPassingScore"], 70);
    assert_eq!(
        code(
            &s.gql(
                &ivan,
                CREATE_QUIZ,
                json!({"l": ids[0], "i": {"title": "Again", "questions": questions()}})
            )
            .await
        ),
        "CONFLICT"
    );
    let f = s
        .data(
            &ivan,
            CREATE_QUIZ,
            json!({"c": c, "i": {"title": "Final", "questions": questions()}}),
        )
        .await["createQuiz"]
        .clone();
    assert_eq!(f["course"]["id"], c);
    let final_id = s
        .data(
            &ivan,
            "query($c: ID!) { node(id: $c) { ... on Course { finalAssessment { id } } } }",
            json!({"c": c}),
        )
        .await;
    assert_eq!(final_id["node"]["finalAssessment"]["id"], f["id"]);
    for bad in [
        json!({"l": ids[1], "c": c, "i": {"title": "Both", "questions": questions()}}),
        json!({"i": {"title": "Neither", "questions": questions()}}),
        json!({"l": ids[1], "i": {"title": "Empty", "questions": []}}),
        json!({"l": ids[1], "i": {"title": "Bad", "questions": [{"questionId": "q1", "type": "MULTIPLE_CHOICE", "question": "?", "options": ["A"], "correctAnswer": "A"}]}}),
        json!({"l": ids[1], "i": {"title": "Dup", "questions": [{"questionId": "q", "type": "ESSAY", "question": "?"}, {"questionId": "q", "type": "ESSAY", "question": "?"}]}}),
        json!({"l": ids[1], "i": {"title": "TF", "questions": [{"questionId": "q", "type": "TRUE_FALSE", "question": "?", "correctAnswer": "yes"}]}}),
        json!({"l": ids[1], "i": {"title": "Pass", "questions": questions(), "minimumPassingScore": 101}}),
    ] {
        let r = s.gql(&ivan, CREATE_QUIZ, bad.clone()).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{bad}: {r}");
    }
    let u = s
        .data(
            &ivan,
            UPDATE_QUIZ,
            json!({"q": q["id"], "i": {"minimumPassingScore": 50, "timeLimit": 5}}),
        )
        .await;
    assert_eq!(
        u["updateQuiz"],
        json!({"title": "Check", "minimumPassingScore": 50, "timeLimit": 5})
    );

    // A learner enrolls, and the new quiz grades as defined.
    s.data(
        &lina,
        "mutation($c: ID!) { enrollInCourse(courseId: $c) { id } }",
        json!({"c": c}),
    )
    .await;
    let a = s.data(&lina, "mutation($q: ID!, $a: JSON!) { submitQuizAttempt(quizId: $q, answers: $a) { score passed } }", json!({"q": q["id"], "a": {"q1": "A", "q2": "true", "q3": " HI "}})).await;
    // 5 + 1 + 1 of 8 points (the essay's default point is not auto-graded).
    let expected = (100.0_f64 * 7.0 / 8.0).round() as i64;
    assert_eq!(a["submitQuizAttempt"]["score"], expected, "{a}");

    // Deleting a lesson renumbers the rest and drops it as a prerequisite.
    assert_eq!(
        s.data(&ivan, DELETE_LESSON, json!({"l": ids[0]})).await["deleteLesson"],
        ids[0]
    );
    let rest = s.data(&ivan, "query($c: ID!) { node(id: $c) { ... on Course { lessons { nodes { id orderIndex prerequisites } } } } }", json!({"c": c})).await;
    let rest = rest["node"]["lessons"]["nodes"].as_array().unwrap().clone();
    assert_eq!(rest.len(), 2);
    assert!(
        rest.iter().all(|l| l["prerequisites"] == json!([])),
        "{rest:?}"
    );
    let mut pos: Vec<i64> = rest
        .iter()
        .map(|l| l["orderIndex"].as_i64().unwrap())
        .collect();
    pos.sort();
    assert_eq!(pos, vec![1, 2]);

    // Archive: unpublished, once.
    assert_eq!(
        s.data(&ivan, ARCHIVE, json!({"c": c})).await["archiveCourse"]["isPublished"],
        false
    );
    assert_eq!(
        code(&s.gql(&ivan, ARCHIVE, json!({"c": c})).await),
        "CONFLICT"
    );
    s.stop().await;
}

#[tokio::test]
async fn only_the_instructor_or_an_admin_manages_a_course() {
    let s = TestServer::start().await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let nora = s.token("northstar", "nora@northstar.example").await;
    let d = s
        .data(&ivan, "{ courses(filter: { isPublished: { eq: true } }, first: 1) { nodes { id lessons(first: 1) { nodes { id contentBlocks(first: 1) { nodes { id } } quizzes(first: 1) { nodes { id } } } } } } }", json!({}))
        .await;
    let c = d["courses"]["nodes"][0]["id"].clone();
    let l = d["courses"]["nodes"][0]["lessons"]["nodes"][0].clone();
    let (lid, bid, qid) = (
        l["id"].clone(),
        l["contentBlocks"]["nodes"][0]["id"].clone(),
        l["quizzes"]["nodes"][0]["id"].clone(),
    );
    let calls = [
        (UPDATE_COURSE, json!({"c": c, "i": {"title": "Mine now"}})),
        (ARCHIVE, json!({"c": c})),
        (CREATE_LESSON, json!({"c": c, "i": {"title": "Extra"}})),
        (UPDATE_LESSON, json!({"l": lid, "i": {"title": "Mine"}})),
        (REORDER_LESSONS, json!({"c": c, "ids": [lid]})),
        (DELETE_LESSON, json!({"l": lid})),
        (ADD_PRE, json!({"l": lid, "p": lid})),
        (REMOVE_PRE, json!({"l": lid, "p": lid})),
        (
            CREATE_BLOCK,
            json!({"l": lid, "i": {"type": "RICH_TEXT", "content": {"html": "x", "plain_text": "x"}}}),
        ),
        (UPDATE_BLOCK, json!({"b": bid, "i": {"metadata": {}}})),
        (REORDER_BLOCKS, json!({"l": lid, "ids": [bid]})),
        (DELETE_BLOCK, json!({"b": bid})),
        (
            CREATE_QUIZ,
            json!({"c": c, "i": {"title": "x", "questions": questions()}}),
        ),
        (UPDATE_QUIZ, json!({"q": qid, "i": {"title": "x"}})),
    ];
    for (q, v) in &calls {
        // A learner who sees the published course may not change it.
        let r = s.gql(&leo, q, v.clone()).await;
        assert_eq!(code(&r), "FORBIDDEN", "{q}: {r}");
        // Another tenant's admin does not see it at all.
        let r = s.gql(&nora, q, v.clone()).await;
        assert_eq!(code(&r), "NOT_FOUND", "{q}: {r}");
    }
    let r = s
        .gql(&leo, CREATE_COURSE, json!({"i": {"title": "Mine"}}))
        .await;
    assert_eq!(code(&r), "FORBIDDEN", "{r}");
    for bad in [
        json!({}),
        json!({"title": " "}),
        json!({"title": "x", "difficultyLevel": "expert"}),
        json!({"title": "x", "estimatedDuration": 0}),
    ] {
        let r = s.gql(&ivan, CREATE_COURSE, json!({"i": bad})).await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    }
    // A tenant admin manages any course of the tenant.
    let r = s
        .data(
            &ada,
            UPDATE_COURSE,
            json!({"c": c, "i": {"tags": ["reviewed"]}}),
        )
        .await;
    assert_eq!(r["updateCourse"]["tags"], json!(["reviewed"]));
    s.stop().await;
}
