//! Learning (seed 003): enrolling in a course, starting and completing its
//! lessons in prerequisite order, and submitting a quiz attempt (seed
//! `assessments`), scored on the server, with the student's progress kept
//! up to date (`progress`) — each in one write transaction.

use entity::{
    assessment_attempts as attempts, courses, enrollments, enums::QuestionType, lessons, quizzes,
    student_progress as sp,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, Order,
    prelude::{Decimal, Json},
    sea_query::{Expr, ExprTrait, Func, SubQueryStatement},
};
use store::{Reader, Topic, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result, now,
    progress::{CourseState, check_prerequisites, first_status, progressed, refresh_enrollment},
    rules::{insert_unique, non_negative, on_unique, signed_in},
};

/// Enrolls the caller in a published course they can see.
/// `NOT_FOUND` when the course is not visible, `CONFLICT` when it is not
/// published or the caller is already enrolled.
pub async fn enroll(w: &Write, course_id: Uuid) -> Result<enrollments::Model> {
    let student = signed_in(w.principal(), "enroll")?;
    let course = crate::visible::<courses::Entity>(w, course_id, "course").await?;
    if !course.is_published {
        return Err(DomainError::Conflict(
            "the course is not open for enrollment".into(),
        ));
    }
    let already = w
        .select_unrestricted::<enrollments::Entity>()
        .filter(enrollments::Column::CourseId.eq(course_id))
        .filter(enrollments::Column::StudentId.eq(student))
        .one()
        .await?;
    if already.is_some() {
        return Err(DomainError::Conflict(
            "already enrolled in this course".into(),
        ));
    }
    let am = enrollments::ActiveModel {
        id: Set(Uuid::new_v4()),
        student_id: Set(student),
        course_id: Set(course_id),
        enrolled_at: Set(now()),
        completed_at: Set(None),
        progress: Set(Json::Object(Default::default())),
        progress_percent: Set(Decimal::ZERO),
        ..Default::default()
    };
    // The same student enrolling twice at once: one wins.
    let m = insert_unique(w, am, "already enrolled in this course").await?;
    w.publish(Topic::Progress {
        course: course_id,
        user: student,
    })
    .await?;
    Ok(m)
}

/// The text of an answer or a correct answer, for comparison.
fn answer_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

struct Graded {
    points_earned: i32,
    total_points: i32,
    score: i32,
    feedback: Json,
}

/// Grades `answers` (question id → answer) against the quiz's questions:
/// multiple choice and true/false by exact match, short answers by a
/// case-insensitive match of the trimmed text. Unanswered questions earn
/// nothing.
fn grade(questions: &Json, answers: &Json) -> Graded {
    let mut earned: i64 = 0;
    let mut total: i64 = 0;
    let mut feedback = vec![];
    for q in questions.as_array().map(Vec::as_slice).unwrap_or_default() {
        let Some(id) = q.get("id").and_then(answer_text) else {
            continue;
        };
        let points = q.get("points").and_then(Json::as_i64).unwrap_or(1);
        let points = Ord::max(points, 0);
        total += points;
        let expected = q.get("correct_answer").and_then(answer_text);
        let given = answers.get(id.as_str()).and_then(answer_text);
        let correct = match (&expected, &given) {
            (Some(e), Some(g)) => match q.get("type").and_then(Json::as_str).map(str::parse) {
                Some(Ok(QuestionType::ShortAnswer)) => {
                    e.trim().to_lowercase() == g.trim().to_lowercase()
                }
                Some(Ok(
                    QuestionType::MultipleChoice | QuestionType::TrueFalse | QuestionType::Essay,
                ))
                | Some(Err(_))
                | None => e == g,
            },
            _ => false,
        };
        if correct {
            earned += points;
        }
        let f = Json::from_iter([
            ("correct", Json::Bool(correct)),
            (
                "correct_answer",
                q.get("correct_answer").cloned().unwrap_or(Json::Null),
            ),
        ]);
        feedback.push((id, f));
    }
    let score = if total > 0 {
        ((earned as f64 / total as f64) * 100.0).round() as i32
    } else {
        0
    };
    Graded {
        points_earned: i32::try_from(earned).unwrap_or(i32::MAX),
        total_points: i32::try_from(total).unwrap_or(i32::MAX),
        score: score.clamp(0, 100),
        feedback: Json::from_iter(feedback),
    }
}

/// Submits and scores the caller's next attempt at a quiz they can see.
/// `NOT_FOUND` when the quiz is not visible; `FORBIDDEN` when the caller is
/// neither enrolled in its course nor staff; `CONFLICT` when no attempts are
/// left (or another attempt was submitted at the same time); `BAD_USER_INPUT`
/// for answers that are not an object keyed by the quiz's question ids, or
/// a time over the quiz's limit.
pub async fn submit_quiz_attempt(
    w: &Write,
    quiz_id: Uuid,
    answers: Json,
    time_spent_secs: Option<i32>,
) -> Result<attempts::Model> {
    let student = signed_in(w.principal(), "submit a quiz attempt")?;
    let quiz = crate::visible::<quizzes::Entity>(w, quiz_id, "quiz").await?;
    let staff = auth::policy::is_staff(w.principal());
    // The quiz's course: its own, or its lesson's, read with the course's
    // state (one round trip; no statement for the lesson: the course's state
    // reads all its lessons). The state answers the enrollment and
    // prerequisite checks, the attempt count, and the enrollment's refresh.
    let course = match (quiz.course_id, quiz.lesson_id) {
        (Some(c), _) => Some(Expr::val(c)),
        (None, Some(l)) => Some(Expr::SubQuery(
            None,
            Box::new(SubQueryStatement::SelectStatement(
                w.select_unrestricted::<lessons::Entity>()
                    .filter(lessons::Column::Id.eq(l))
                    .column(lessons::Column::CourseId),
            )),
        )),
        (None, None) => None,
    };
    let mut state = match course {
        Some(course) => {
            // A learner's lesson quiz needs a course they can read (whose
            // lessons and quizzes they then can too); staff, and a course
            // quiz, find the course whoever may read it and read its state
            // through the caller's rules.
            let readable = !staff && quiz.lesson_id.is_some();
            let (scoped, what) = match readable {
                true => (w.select::<courses::Entity>(), "quiz"),
                false => (w.select_unrestricted::<courses::Entity>(), "course"),
            };
            let state = CourseState::find(w, scoped, course, readable, student).await?;
            Some(state.ok_or(DomainError::NotFound(what))?)
        }
        None => None,
    };
    let course_id = state.as_ref().map(|s| s.course.id);
    // The quiz's lesson: one of the course's lessons, unless the quiz
    // names a course of its own and a lesson of another.
    let of_course = state
        .as_ref()
        .and_then(|s| s.lessons.iter().find(|l| Some(l.id) == quiz.lesson_id));
    let lesson = match (quiz.lesson_id, of_course) {
        (_, Some(lesson)) => Some(lesson.clone()),
        (Some(l), None) => {
            w.select_unrestricted::<lessons::Entity>()
                .filter(lessons::Column::Id.eq(l))
                .one()
                .await?
        }
        (None, None) => None,
    };
    if !staff {
        if state.as_ref().is_none_or(|s| s.enrollment.is_none()) {
            return Err(DomainError::Forbidden(
                "enroll in the course to take its quizzes".into(),
            ));
        }
        // A lesson's quiz needs the lesson's prerequisites completed.
        if let (Some(lesson), Some(state)) = (&lesson, &state) {
            crate::progress::check_prerequisites(state, lesson)?;
        }
    }

    // The answers: an object keyed by this quiz's question ids.
    let Some(given) = answers.as_object() else {
        return Err(DomainError::BadInput(
            "`answers` must be an object of question id to answer".into(),
        ));
    };
    let question_ids: Vec<String> = quiz
        .questions
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|q| q.get("id").and_then(answer_text))
        .collect();
    if let Some(bad) = given.keys().find(|k| !question_ids.contains(k)) {
        return Err(DomainError::BadInput(format!(
            "`answers` names `{bad}`, which is not a question of this quiz"
        )));
    }
    if let Some(t) = time_spent_secs {
        non_negative("timeSpent", t)?;
        if let Some(limit) = quiz.time_limit
            && i64::from(t) > i64::from(limit) * 60
        {
            return Err(DomainError::BadInput(format!(
                "the quiz has a time limit of {limit} minutes"
            )));
        }
    }

    // The attempt number; the UNIQUE (tenant, assessment, student, number)
    // makes two attempts submitted at once collide instead of both counting.
    let previous = match &state {
        Some(s) if s.quizzes.iter().any(|q| q.id == quiz_id) => {
            s.scores.get(&quiz_id).copied().unwrap_or_default()
        }
        _ => crate::progress::tallies(w, student, vec![quiz_id])
            .await?
            .remove(&quiz_id)
            .unwrap_or_default(),
    };
    let number = i64::from(Ord::max(previous.last_number, previous.count)) + 1;
    if let Some(max) = quiz.max_attempts
        && number > i64::from(max)
    {
        return Err(DomainError::Conflict(format!(
            "no attempts left: this quiz allows {max}"
        )));
    }
    let number =
        i32::try_from(number).map_err(|_| DomainError::Conflict("too many attempts".into()))?;

    let g = grade(&quiz.questions, &answers);
    let passed = g.score >= quiz.minimum_passing_score;
    let at = now();
    let am = attempts::ActiveModel {
        id: Set(Uuid::new_v4()),
        assessment_id: Set(quiz_id),
        student_id: Set(student),
        attempt_number: Set(number),
        answers: Set(answers),
        score: Set(Some(g.score)),
        points_earned: Set(Some(g.points_earned)),
        total_points: Set(Some(g.total_points)),
        passed: Set(Some(passed)),
        time_spent: Set(time_spent_secs),
        started_at: Set(time_spent_secs.map_or(at, |t| at - chrono::Duration::seconds(t.into()))),
        submitted_at: Set(Some(at)),
        feedback: Set(Some(g.feedback)),
        ..Default::default()
    };
    // Pipelined: the progress row's statement, next, answers for it too.
    const AT_ONCE: &str = "another attempt was submitted at the same time, retry";
    let saved = w
        .insert_pipelined(am)
        .await
        .map_err(|e| on_unique(e.into(), AT_ONCE))?;

    // A lesson quiz's progress row, when the state holds it.
    let known = match (&state, quiz.lesson_id) {
        (Some(s), Some(l)) => s.rows.get(&Some(l)).map(|r| r.id),
        _ => None,
    };
    let row = record_progress(
        w,
        known,
        student,
        course_id,
        quiz.lesson_id,
        quiz_id,
        g.score,
        passed,
        time_spent_secs.unwrap_or(0),
    )
    .await
    .map_err(|e| on_unique(e, AT_ONCE))?;
    // Seed 004: a quiz passed for the first time earns points (and may
    // earn achievements); retrying a passed quiz earns nothing more.
    if passed && !previous.passed_once {
        crate::analytics::record(
            w,
            student,
            crate::analytics::QUIZ_PASSED_POINTS,
            "quiz_passed",
            Some(serde_json::json!({"quiz_id": quiz_id, "score": g.score})),
        )
        .await?;
    }
    if let Some(state) = &mut state {
        state.take_row(row);
        state
            .scores
            .insert(quiz_id, previous.with(number, g.score, passed));
        crate::progress::refresh_enrollment(w, state, student).await?;
    }
    if let (Some(lesson), true) = (quiz.lesson_id, passed) {
        crate::roadmaps::lesson_completed(w, student, lesson).await?;
    }
    Ok(saved)
}

/// The student's progress row on the quiz: one more attempt, the best
/// score so far, completed once passed (a later failed retry does not undo
/// it). Found by (student, quiz), since the table has no unique key, or
/// `known` (its id, when the caller has read it). Returns the row as saved.
#[allow(clippy::too_many_arguments)]
async fn record_progress(
    w: &Write,
    known: Option<Uuid>,
    student: Uuid,
    course_id: Option<Uuid>,
    lesson_id: Option<Uuid>,
    quiz_id: Uuid,
    score: i32,
    passed: bool,
    time_spent: i32,
) -> Result<sp::Model> {
    let at = now();
    // A lesson quiz's progress is the lesson's row; a course quiz has its own.
    let of_this = match lesson_id {
        Some(l) => Condition::all().add(sp::Column::LessonId.eq(l)),
        None => Condition::all()
            .add(sp::Column::AssessmentId.eq(quiz_id))
            .add(sp::Column::LessonId.is_null()),
    };
    let existing = match known {
        Some(id) => Some(id),
        None => w
            .select_unrestricted::<sp::Entity>()
            .filter(sp::Column::StudentId.eq(student))
            .filter(of_this)
            .order_by(sp::Column::CreatedAt, Order::Asc)
            .one()
            .await?
            .map(|row| row.id),
    };
    match existing {
        Some(id) => {
            let (status, completion) = crate::progress::progressed(passed);
            w.update_returning::<sp::Entity>(
                vec![
                    (
                        sp::Column::AttemptsCount,
                        Expr::col(sp::Column::AttemptsCount).add(1),
                    ),
                    (
                        sp::Column::BestScore,
                        Func::greatest([
                            Func::coalesce([Expr::col(sp::Column::BestScore), Expr::val(score)])
                                .into(),
                            Expr::val(score),
                        ])
                        .into(),
                    ),
                    (sp::Column::Status, status),
                    (sp::Column::CompletionPercentage, completion),
                    (sp::Column::AssessmentId, Expr::val(quiz_id)),
                    (sp::Column::LastAccessed, Expr::val(at)),
                    (
                        sp::Column::TimeSpent,
                        Expr::col(sp::Column::TimeSpent).add(time_spent),
                    ),
                    (sp::Column::UpdatedAt, Expr::val(at)),
                ],
                Condition::all().add(sp::Column::Id.eq(id)),
            )
            .await?
            .pop()
            .ok_or(DomainError::NotFound("progress"))
        }
        None => {
            let am = sp::ActiveModel {
                id: Set(Uuid::new_v4()),
                student_id: Set(student),
                course_id: Set(course_id),
                lesson_id: Set(lesson_id),
                assessment_id: Set(Some(quiz_id)),
                status: Set(crate::progress::first_status(passed).as_str().into()),
                completion_percentage: Set(if passed { 100 } else { 0 }),
                last_accessed: Set(Some(at)),
                time_spent: Set(time_spent),
                attempts_count: Set(1),
                best_score: Set(Some(score)),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            };
            Ok(w.insert(am).await?)
        }
    }
}

/// The lesson, its course's state for the caller, checked as a learner:
/// enrolled (staff preview without), published, prerequisites completed.
async fn lesson_for_progress(
    w: &Write,
    lesson_id: Uuid,
    what: &str,
) -> Result<(Uuid, lessons::Model, CourseState)> {
    let student = signed_in(w.principal(), what)?;
    let lesson = crate::visible::<lessons::Entity>(w, lesson_id, "lesson").await?;
    let course = crate::visible::<courses::Entity>(w, lesson.course_id, "lesson").await?;
    let state = CourseState::load_readable(w, course, student).await?;
    if !auth::policy::is_staff(w.principal()) {
        if state.enrollment.is_none() {
            return Err(DomainError::Forbidden(
                "enroll in the course to take its lessons".into(),
            ));
        }
        if !lesson.is_published {
            return Err(DomainError::Conflict("the lesson is not published".into()));
        }
        check_prerequisites(&state, &lesson)?;
    }
    Ok((student, lesson, state))
}

/// Starts (or resumes) a lesson: the student's progress row becomes
/// `in_progress` (a completed lesson stays completed) and is touched.
pub async fn start_lesson(w: &Write, lesson_id: Uuid) -> Result<sp::Model> {
    let (student, lesson, mut state) = lesson_for_progress(w, lesson_id, "start a lesson").await?;
    let quiz = state.quiz_of(&lesson).map(|q| q.id);
    let row = touch(w, &state, student, &lesson, quiz, 0, false).await?;
    state.take_row(row.clone());
    refresh_enrollment(w, &state, student).await?;
    Ok(row)
}

/// Completes a lesson, adding `time_spent` seconds. `CONFLICT` while its
/// mandatory quiz is not passed.
pub async fn complete_lesson(w: &Write, lesson_id: Uuid, time_spent: i32) -> Result<sp::Model> {
    non_negative("timeSpent", time_spent)?;
    let (student, lesson, mut state) =
        lesson_for_progress(w, lesson_id, "complete a lesson").await?;
    let quiz = state.quiz_of(&lesson);
    if let Some(q) = quiz
        && q.is_mandatory
        && !state.passed(q)
    {
        return Err(DomainError::Conflict(format!(
            "pass the lesson's quiz ({}) first",
            q.title
        )));
    }
    let row = touch(
        w,
        &state,
        student,
        &lesson,
        quiz.map(|q| q.id),
        time_spent,
        true,
    )
    .await?;
    state.take_row(row.clone());
    refresh_enrollment(w, &state, student).await?;
    crate::roadmaps::lesson_completed(w, student, lesson.id).await?;
    Ok(row)
}

/// Creates or updates the student's row on `lesson`; returns it as saved.
async fn touch(
    w: &Write,
    state: &CourseState,
    student: Uuid,
    lesson: &lessons::Model,
    quiz: Option<Uuid>,
    time_spent: i32,
    complete: bool,
) -> Result<sp::Model> {
    let at = now();
    let (status, pct) = progressed(complete);
    match state.rows.get(&Some(lesson.id)) {
        Some(row) => w
            .update_returning::<sp::Entity>(
                vec![
                    (sp::Column::Status, status),
                    (sp::Column::CompletionPercentage, pct),
                    (
                        sp::Column::TimeSpent,
                        Expr::col(sp::Column::TimeSpent).add(time_spent),
                    ),
                    (
                        sp::Column::AssessmentId,
                        Expr::val(quiz.or(row.assessment_id)),
                    ),
                    (sp::Column::LastAccessed, Expr::val(at)),
                    (sp::Column::UpdatedAt, Expr::val(at)),
                ],
                Condition::all().add(sp::Column::Id.eq(row.id)),
            )
            .await?
            .pop()
            .ok_or(DomainError::NotFound("progress")),
        None => Ok(w
            .insert(sp::ActiveModel {
                id: Set(Uuid::new_v4()),
                student_id: Set(student),
                course_id: Set(Some(lesson.course_id)),
                lesson_id: Set(Some(lesson.id)),
                assessment_id: Set(quiz),
                status: Set(first_status(complete).as_str().into()),
                completion_percentage: Set(if complete { 100 } else { 0 }),
                last_accessed: Set(Some(at)),
                time_spent: Set(time_spent),
                attempts_count: Set(0),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            })
            .await?),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn questions() -> Json {
        json!([
            {"id": "q1", "type": "multiple_choice", "correct_answer": "b", "points": 2},
            {"id": "q2", "type": "true_false", "correct_answer": "true"},
            {"id": "q3", "type": "short_answer", "correct_answer": " Paris ", "points": 3},
            {"id": "q4", "type": "essay", "points": 4},
        ])
    }

    #[test]
    fn quizzes_are_scored_by_points() {
        let g = grade(&questions(), &json!({"q1": "b", "q2": true, "q3": "paris"}));
        // 2 + 1 + 3 of 2 + 1 + 3 + 4 (an essay has no correct answer).
        assert_eq!((g.points_earned, g.total_points), (6, 10));
        assert_eq!(g.score, 60);
        assert_eq!(g.feedback["q2"]["correct"], json!(true));
        assert_eq!(g.feedback["q4"]["correct"], json!(false));
        assert_eq!(g.feedback["q1"]["correct_answer"], json!("b"));
    }

    #[test]
    fn wrong_missing_and_case_only_differences() {
        // Multiple choice is exact; short answers ignore case and spaces.
        let g = grade(&questions(), &json!({"q1": "B", "q3": "  PARIS"}));
        assert_eq!(g.points_earned, 3);
        assert_eq!(g.score, 30);
        let none = grade(&questions(), &json!({}));
        assert_eq!((none.points_earned, none.score), (0, 0));
    }

    #[test]
    fn scores_round_and_stay_within_0_to_100() {
        let qs = json!([
            {"id": "a", "correct_answer": "x"},
            {"id": "b", "correct_answer": "x"},
            {"id": "c", "correct_answer": "x"},
        ]);
        // 2 of 3 is 66.67 %, rounded to 67.
        assert_eq!(grade(&qs, &json!({"a": "x", "b": "x"})).score, 67);
        assert_eq!(
            grade(&qs, &json!({"a": "x", "b": "x", "c": "x"})).score,
            100
        );
        // Negative points count as 0; a quiz worth nothing scores 0.
        let zero = json!([{"id": "a", "correct_answer": "x", "points": -5}]);
        let g = grade(&zero, &json!({"a": "x"}));
        assert_eq!((g.points_earned, g.total_points, g.score), (0, 0, 0));
        assert_eq!(grade(&json!([]), &json!({})).score, 0);
        // Questions without an id are skipped.
        let g = grade(&json!([{"correct_answer": "x"}]), &json!({}));
        assert_eq!(g.total_points, 0);
    }
}
