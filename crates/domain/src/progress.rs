//! Lesson progress (seed 003 `student_progress`, `enrollments`, lesson
//! `prerequisites`): a student's state in a course (lessons in prerequisite
//! order, quizzes, progress rows, attempt tallies), the enrollment's
//! progress and completion kept in step with it, and the computed course
//! progress summary. The writes that change it (enrolling, lessons started
//! and completed, quiz attempts) are in `learning`.
//!
//! A student's progress on a lesson is one `student_progress` row with the
//! lesson (and its quiz, if any); the course's final quiz has a row with no
//! lesson. A lesson is completed when its row's status is `completed`.

use std::collections::{HashMap, HashSet};

use entity::{
    assessment_attempts as attempts, courses, enrollments, enums::ProgressStatus, lessons, quizzes,
    student_progress as sp,
};
use sea_orm::{
    ColumnTrait, Condition, Order, QuerySelect,
    prelude::{DateTimeWithTimeZone, Decimal},
    sea_query::{Expr, ExprTrait, Func},
};
use store::{NoticeKind, Reader, Topic, Write};
use uuid::Uuid;

use crate::{DomainError, Result, now, rules::signed_in, uuids};

/// A progress row's status and completion after some work on its lesson:
/// completed at 100% when the work completes it; otherwise a completed
/// row stays completed and any other becomes in progress, its percentage
/// kept. (Both read the row as it is when the statement runs.)
pub(crate) fn progressed(complete: bool) -> (Expr, Expr) {
    use ProgressStatus as S;
    if complete {
        (Expr::val(S::Completed.as_str()), Expr::val(100))
    } else {
        (
            Expr::case(
                Expr::col(sp::Column::Status).eq(S::Completed.as_str()),
                S::Completed.as_str(),
            )
            .finally(S::InProgress.as_str())
            .into(),
            Expr::col(sp::Column::CompletionPercentage),
        )
    }
}

/// The status of a new progress row ([`progressed`] for an existing one).
pub(crate) fn first_status(complete: bool) -> ProgressStatus {
    if complete {
        ProgressStatus::Completed
    } else {
        ProgressStatus::InProgress
    }
}

/// A lesson's status as the student sees it, from its stored status (none
/// without a row): completed stays completed; otherwise an unmet
/// prerequisite blocks it; otherwise it is in progress or not started.
pub fn lesson_status(stored: Option<ProgressStatus>, unmet_prerequisites: bool) -> ProgressStatus {
    use ProgressStatus as S;
    match stored {
        Some(S::Completed) => S::Completed,
        _ if unmet_prerequisites => S::Blocked,
        Some(S::InProgress) => S::InProgress,
        // `blocked` is worked out, not kept: a stored one no longer holds.
        Some(S::NotStarted | S::Blocked) | None => S::NotStarted,
    }
}

/// A student's attempts at one quiz, summed by the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// The best score (an unscored attempt counts as 0).
    pub best: i32,
    /// How many attempts.
    pub count: i32,
    /// The highest attempt number.
    pub last_number: i32,
    /// Whether any attempt passed.
    pub passed_once: bool,
}

impl Tally {
    /// The tally once one more attempt is counted.
    pub fn with(self, number: i32, score: i32, passed: bool) -> Self {
        Tally {
            best: Ord::max(self.best, score),
            count: self.count + 1,
            last_number: Ord::max(self.last_number, number),
            passed_once: self.passed_once || passed,
        }
    }
}

#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
struct TallyRow {
    assessment_id: Uuid,
    best: Option<i32>,
    n: i64,
    last_number: Option<i32>,
    passes: Option<i32>,
}

/// Attempts summed per quiz, into [`TallyRow`]s.
fn tally(s: sea_orm::Select<attempts::Entity>) -> sea_orm::Select<attempts::Entity> {
    use attempts::Column as A;
    s.select_only()
        .column(A::AssessmentId)
        .column_as(
            Expr::from(Func::max(Func::coalesce([
                Expr::col(A::Score),
                Expr::val(0),
            ]))),
            "best",
        )
        .column_as(Expr::col(A::Id).count(), "n")
        .column_as(Expr::col(A::AttemptNumber).max(), "last_number")
        .column_as(
            Expr::from(Func::max(
                Expr::case(Expr::col(A::Passed).eq(true), 1).finally(0),
            )),
            "passes",
        )
        .group_by(A::AssessmentId)
}

fn tallied(rows: Vec<TallyRow>) -> HashMap<Uuid, Tally> {
    rows.into_iter()
        .map(|t| {
            let tally = Tally {
                best: t.best.unwrap_or(0),
                count: i32::try_from(t.n).unwrap_or(i32::MAX),
                last_number: t.last_number.unwrap_or(0),
                passed_once: t.passes.unwrap_or(0) > 0,
            };
            (t.assessment_id, tally)
        })
        .collect()
}

/// The student's attempts at each of `quiz_ids` (one statement, whatever
/// the number of attempts). A quiz without attempts has no entry.
pub(crate) async fn tallies<R: Reader>(
    r: &R,
    student: Uuid,
    quiz_ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Tally>> {
    if quiz_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = r
        .select::<attempts::Entity>()
        .filter(attempts::Column::StudentId.eq(student))
        .filter(attempts::Column::AssessmentId.is_in(quiz_ids))
        .project(tally)
        .await?;
    Ok(tallied(rows))
}

/// What a course's state needs of a quiz: not its questions, which are
/// the bulk of its row and would be read and decoded for every quiz of the
/// course on every submission.
#[derive(Clone, Debug, sea_orm::FromQueryResult, serde::Deserialize)]
pub(crate) struct QuizBrief {
    pub id: Uuid,
    pub lesson_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    pub title: String,
    pub is_mandatory: bool,
    pub minimum_passing_score: i32,
    pub time_limit: Option<i32>,
    pub created_at: DateTimeWithTimeZone,
}

impl QuizBrief {
    /// The columns of a [`QuizBrief`].
    fn columns(s: sea_orm::Select<quizzes::Entity>) -> sea_orm::Select<quizzes::Entity> {
        use quizzes::Column as Q;
        s.select_only().columns([
            Q::Id,
            Q::LessonId,
            Q::CourseId,
            Q::Title,
            Q::IsMandatory,
            Q::MinimumPassingScore,
            Q::TimeLimit,
            Q::CreatedAt,
        ])
    }
}

/// What a student has done in one course, read through the caller's rules.
pub(crate) struct CourseState {
    pub course: courses::Model,
    /// The course's lessons in order (published ones are required).
    pub lessons: Vec<lessons::Model>,
    /// Quizzes of the course: lesson quizzes and the final.
    pub quizzes: Vec<QuizBrief>,
    /// The student's progress rows in the course, by lesson (`None`: the
    /// final quiz's row).
    pub rows: HashMap<Option<Uuid>, sp::Model>,
    /// The student's attempts per quiz of the course.
    pub scores: HashMap<Uuid, Tally>,
    pub enrollment: Option<enrollments::Model>,
}

/// `col = id`, the course's id (a value or a subquery).
fn is_course<C: ColumnTrait>(col: C, id: &Expr) -> Expr {
    Expr::col(col.as_column_ref()).eq(id.clone())
}

/// Which course a [`CourseState`] is of.
enum Of {
    /// One already read.
    Read(courses::Model),
    /// The course whose id is `id` (a value, or a subquery such as a
    /// lesson's course), read with the state by `scoped`, which chooses the
    /// rules it is read through.
    Find {
        scoped: Box<store::Scoped<courses::Entity>>,
        id: Expr,
    },
}

impl CourseState {
    /// The state of a course the caller may read (found through their
    /// rules), in one round trip: its lessons and quizzes are then readable
    /// by the same rules (`auth::policy`'s lessons of readable courses, quizzes of
    /// readable courses and lessons), which are not repeated.
    pub async fn load_readable<R: Reader>(
        r: &R,
        course: courses::Model,
        student: Uuid,
    ) -> Result<Self> {
        Self::read(r, Of::Read(course), true, student)
            .await?
            .ok_or(DomainError::NotFound("course"))
    }

    /// The state of the course with id `id` (an expression: a value or a
    /// subquery), read in the same round trip as the course itself, which
    /// `scoped` finds (with its rules); `None` if it finds none. `readable`
    /// as for [`CourseState::load_readable`], when `scoped` reads through
    /// the caller's rules.
    pub async fn find<R: Reader>(
        r: &R,
        scoped: store::Scoped<courses::Entity>,
        id: Expr,
        readable: bool,
        student: Uuid,
    ) -> Result<Option<Self>> {
        Self::read(
            r,
            Of::Find {
                scoped: Box::new(scoped),
                id,
            },
            readable,
            student,
        )
        .await
    }

    async fn read<R: Reader>(r: &R, of: Of, readable: bool, student: Uuid) -> Result<Option<Self>> {
        let id = match &of {
            Of::Read(course) => Expr::val(course.id),
            Of::Find { id, .. } => id.clone(),
        };
        let lessons = || match readable {
            true => r.select_unrestricted::<lessons::Entity>(),
            false => r.select::<lessons::Entity>(),
        };
        let quizzes = || match readable {
            true => r.select_unrestricted::<quizzes::Entity>(),
            false => r.select::<quizzes::Entity>(),
        };
        // Everything depends on the course alone: one round trip (a
        // `store::Batch`). The quizzes are read in two parts, the course's
        // own and its lessons', each a plain index lookup: one query with
        // `course_id = … OR lesson_id IN (…)` would have its generic plan
        // scan the tenant's quizzes (docs/BENCHMARKS.md). The tallies read
        // the student's attempts at either.
        let of_course = || lessons().filter(is_course(lessons::Column::CourseId, &id));
        let own_quizzes = || quizzes().filter(is_course(quizzes::Column::CourseId, &id));
        let lesson_quizzes = || {
            quizzes().filter(
                quizzes::Column::LessonId.in_subquery(of_course().column(lessons::Column::Id)),
            )
        };
        let mut b = r.batch();
        let lesson_rows = b.read::<lessons::Model>(
            of_course()
                .order_by(lessons::Column::OrderIndex, Order::Asc)
                .order_by(lessons::Column::Id, Order::Asc)
                .into_statement(),
        );
        let rows = b.read::<sp::Model>(
            r.select::<sp::Entity>()
                .filter(sp::Column::StudentId.eq(student))
                .filter(is_course(sp::Column::CourseId, &id))
                .order_by(sp::Column::CreatedAt, Order::Desc)
                .into_statement(),
        );
        let enrollment = b.read::<enrollments::Model>(
            r.select::<enrollments::Entity>()
                .filter(is_course(enrollments::Column::CourseId, &id))
                .filter(enrollments::Column::StudentId.eq(student))
                .limit(1)
                .into_statement(),
        );
        let own = b.read::<QuizBrief>(own_quizzes().shaped(QuizBrief::columns));
        let of_lessons = b.read::<QuizBrief>(lesson_quizzes().shaped(QuizBrief::columns));
        let scores = b.read::<TallyRow>(
            r.select::<attempts::Entity>()
                .filter(attempts::Column::StudentId.eq(student))
                .filter(
                    Condition::any()
                        .add(
                            attempts::Column::AssessmentId
                                .in_subquery(own_quizzes().column(quizzes::Column::Id)),
                        )
                        .add(
                            attempts::Column::AssessmentId
                                .in_subquery(lesson_quizzes().column(quizzes::Column::Id)),
                        ),
                )
                .shaped(tally),
        );
        let course = match of {
            Of::Read(course) => Ok(course),
            Of::Find { scoped, .. } => Err(b.read::<courses::Model>(
                scoped
                    .filter(is_course(courses::Column::Id, &id))
                    .limit(1)
                    .into_statement(),
            )),
        };
        let mut found = b.run().await?;
        let course = match course {
            Ok(course) => course,
            Err(read) => match found.first(read)? {
                Some(course) => course,
                None => return Ok(None),
            },
        };
        let lessons = found.take(lesson_rows)?;
        let rows = found
            .take(rows)?
            .into_iter()
            // The oldest row of a lesson wins (the one a quiz updates).
            .map(|row| (row.lesson_id, row))
            .collect();
        let enrollment = found.first(enrollment)?;
        // Both parts, once each (a quiz may name the course and one of its
        // lessons), in the order of creation.
        let mut quizzes = found.take(own)?;
        let mut seen: HashSet<Uuid> = quizzes.iter().map(|q| q.id).collect();
        quizzes.extend(
            found
                .take(of_lessons)?
                .into_iter()
                .filter(|q| seen.insert(q.id)),
        );
        quizzes.sort_by_key(|q| (q.created_at, q.id));
        let scores = tallied(found.take(scores)?);
        Ok(Some(Self {
            course,
            lessons,
            quizzes,
            rows,
            scores,
            enrollment,
        }))
    }

    /// Takes in `row` as a write just saved it (updated or inserted): the
    /// state is then what [`CourseState::find`] would read. A row of
    /// another course is not part of it, and a lesson's oldest row stays
    /// the one kept.
    pub fn take_row(&mut self, row: sp::Model) {
        if row.course_id != Some(self.course.id) {
            return;
        }
        match self.rows.get(&row.lesson_id) {
            Some(kept) if kept.id != row.id => {}
            _ => {
                self.rows.insert(row.lesson_id, row);
            }
        }
    }

    pub fn required(&self) -> impl Iterator<Item = &lessons::Model> {
        self.lessons.iter().filter(|l| l.is_published)
    }

    pub fn is_completed(&self, lesson: Uuid) -> bool {
        self.rows
            .get(&Some(lesson))
            .is_some_and(|r| matches!(r.status.parse(), Ok(ProgressStatus::Completed)))
    }

    /// Prerequisites of `lesson` the student has not completed.
    pub fn unmet(&self, lesson: &lessons::Model) -> Vec<Uuid> {
        uuids(&lesson.prerequisites)
            .into_iter()
            .filter(|p| !self.is_completed(*p))
            .collect()
    }

    /// The lesson's quiz, if it has one.
    pub fn quiz_of(&self, lesson: &lessons::Model) -> Option<&QuizBrief> {
        self.quizzes
            .iter()
            .find(|q| Some(q.id) == lesson.assessment_id)
            .or_else(|| self.quizzes.iter().find(|q| q.lesson_id == Some(lesson.id)))
    }

    pub fn final_quiz(&self) -> Option<&QuizBrief> {
        self.quizzes
            .iter()
            .find(|q| Some(q.id) == self.course.final_assessment_id)
            .or_else(|| {
                self.quizzes
                    .iter()
                    .find(|q| q.course_id == Some(self.course.id))
            })
    }

    pub fn passed(&self, quiz: &QuizBrief) -> bool {
        self.scores
            .get(&quiz.id)
            .is_some_and(|t| t.best >= quiz.minimum_passing_score)
    }

    /// The first required lesson not completed whose prerequisites are met
    /// (or, if all remaining are blocked, the first one not completed).
    pub fn next_lesson(&self) -> Option<&lessons::Model> {
        let open = || self.required().filter(|l| !self.is_completed(l.id));
        open()
            .find(|l| self.unmet(l).is_empty())
            .or_else(|| open().next())
    }

    /// All required lessons done and the final quiz (when mandatory) passed.
    pub fn is_complete(&self) -> bool {
        self.required().all(|l| self.is_completed(l.id))
            && self
                .final_quiz()
                .is_none_or(|q| !q.is_mandatory || self.passed(q))
    }
}

/// `CONFLICT` naming the first unmet prerequisite of `lesson`.
pub(crate) fn check_prerequisites(state: &CourseState, lesson: &lessons::Model) -> Result<()> {
    let unmet = state.unmet(lesson);
    if unmet.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = state
        .lessons
        .iter()
        .filter(|l| unmet.contains(&l.id))
        .map(|l| l.title.as_str())
        .collect();
    Err(DomainError::Conflict(format!(
        "complete the prerequisite lessons first: {}",
        if names.is_empty() {
            "(unavailable lessons)".to_owned()
        } else {
            names.join(", ")
        }
    )))
}

/// Recomputes the student's enrollment in the course from their progress:
/// `progress_percent` (required lessons completed), `progress` (completed
/// lessons, current lesson, totals, final passed) and `completed_at`, set
/// once every required lesson is done and the mandatory final quiz is
/// passed (never cleared again). No enrollment (staff): nothing to do.
/// `state` is the course's state as this write left it.
pub(crate) async fn refresh_enrollment(
    w: &Write,
    state: &CourseState,
    student: Uuid,
) -> Result<()> {
    w.publish(Topic::Progress {
        course: state.course.id,
        user: student,
    })
    .await?;
    let Some(enrollment) = &state.enrollment else {
        return Ok(());
    };
    let required: Vec<Uuid> = state.required().map(|l| l.id).collect();
    let done: Vec<String> = required
        .iter()
        .filter(|l| state.is_completed(**l))
        .map(Uuid::to_string)
        .collect();
    let pct = if required.is_empty() {
        Decimal::ZERO
    } else {
        (Decimal::from(done.len() as i64 * 100) / Decimal::from(required.len() as i64)).round_dp(2)
    };
    let final_passed = state.final_quiz().is_some_and(|q| state.passed(q));
    let progress = serde_json::json!({
        "completed_lessons": done,
        "current_lesson_id": state.next_lesson().map(|l| l.id.to_string()),
        "lessons_total": required.len(),
        "final_assessment_passed": final_passed,
    });
    let completed: Option<DateTimeWithTimeZone> = enrollment
        .completed_at
        .or_else(|| state.is_complete().then(now));
    if (pct, &progress, completed)
        == (
            enrollment.progress_percent,
            &enrollment.progress,
            enrollment.completed_at,
        )
    {
        // Nothing to change (a retried quiz, a lesson worked on again): no
        // write.
        return Ok(());
    }
    // Nothing reads its count: it goes out with the next statement.
    w.update_pipelined::<enrollments::Entity>(
        vec![
            (enrollments::Column::ProgressPercent, Expr::val(pct)),
            (enrollments::Column::Progress, Expr::val(progress)),
            (enrollments::Column::CompletedAt, Expr::val(completed)),
        ],
        Condition::all().add(enrollments::Column::Id.eq(enrollment.id)),
    )
    .await?;
    if enrollment.completed_at.is_none() && completed.is_some() {
        w.publish(Topic::Notice {
            user: student,
            kind: NoticeKind::EnrollmentCompleted,
            id: enrollment.id,
        })
        .await?;
    }
    Ok(())
}

shape::output_object! {
    /// A student's state on one lesson of a course.
    #[name = "LessonProgressSummary"]
    pub struct LessonProgress {
        /// The lesson (a `Lesson` id).
        #[id = "Lesson"]
        pub lesson_id: Uuid,
        /// The lesson's title.
        pub title: String,
        /// Position in the course.
        pub order_index: i32,
        /// Where the student is (blocked: prerequisites not completed).
        pub status: ProgressStatus,
        /// 0–100.
        pub completion_percentage: i32,
        /// Seconds spent on the lesson.
        pub time_spent: i32,
        /// The lesson's quiz (a `Quiz` id).
        #[id = "Quiz"]
        pub quiz_id: Option<Uuid>,
        /// Best score on the lesson's quiz.
        pub best_score: Option<i32>,
        /// Attempts at the lesson's quiz.
        pub attempts: i32,
        /// Whether the quiz is passed; null without a quiz.
        pub quiz_passed: Option<bool>,
        /// Prerequisite lessons not completed yet (`Lesson` ids).
        #[id = "Lesson"]
        pub unmet_prerequisite_ids: Vec<Uuid>,
    }
}

shape::output_object! {
    /// A student's results on one quiz of a course.
    #[name = "QuizProgressSummary"]
    pub struct QuizProgress {
        /// The quiz (a `Quiz` id).
        #[id = "Quiz"]
        pub quiz_id: Uuid,
        /// The quiz's title.
        pub title: String,
        /// Its lesson (a `Lesson` id); null for the course's final.
        #[id = "Lesson"]
        pub lesson_id: Option<Uuid>,
        /// The pass mark, 0–100.
        pub minimum_passing_score: i32,
        /// Best score so far.
        pub best_score: Option<i32>,
        /// Attempts so far.
        pub attempts: i32,
        /// Best score at or above the pass mark.
        pub passed: bool,
    }
}

shape::output_object! {
    /// A student's progress through a course, computed from their enrollment, lesson
    /// progress and quiz attempts (see `courseProgress`).
    pub struct CourseProgress {
        /// The course (a `Course` id).
        #[id = "Course"]
        pub course_id: Uuid,
        /// The student (a `User` id).
        #[id = "User"]
        pub student_id: Uuid,
        /// When the student enrolled; null if not enrolled.
        pub enrolled_at: Option<DateTimeWithTimeZone>,
        /// When the enrollment was completed.
        pub completed_at: Option<DateTimeWithTimeZone>,
        /// Required (published) lessons.
        pub lessons_total: i32,
        /// Required lessons completed.
        pub lessons_completed: i32,
        /// Lessons completed over required, 0–100 (2 decimals).
        pub percentage: f64,
        /// Quizzes of the required lessons plus the final.
        pub quizzes_total: i32,
        /// Those passed (best score at the pass mark).
        pub quizzes_passed: i32,
        /// Whether the course's final quiz is passed.
        pub final_assessment_passed: bool,
        /// Seconds recorded in the course's progress rows.
        pub time_spent: i32,
        /// The first open lesson whose prerequisites are met (a `Lesson` id).
        #[id = "Lesson"]
        pub next_lesson_id: Option<Uuid>,
        /// Each required lesson, in order.
        pub lessons: Vec<LessonProgress>,
        /// Each quiz of the course.
        pub quizzes: Vec<QuizProgress>,
    }
}

/// The progress summary of `student` (default: the caller) in a course.
/// Another student's needs staff: an admin or the course's instructor
/// (`FORBIDDEN` otherwise). `NOT_FOUND` for an invisible course.
pub async fn course_progress<R: Reader>(
    r: &R,
    course_id: Uuid,
    student: Option<Uuid>,
) -> Result<CourseProgress> {
    let caller = signed_in(r.principal(), "see course progress")?;
    let course = crate::visible::<courses::Entity>(r, course_id, "course").await?;
    let student = student.unwrap_or(caller);
    if student != caller
        && !auth::policy::is_admin(r.principal())
        && course.instructor_id != Some(caller)
    {
        return Err(DomainError::Forbidden(
            "only the course's instructor or an admin sees another student's progress".into(),
        ));
    }
    let s = CourseState::load_readable(r, course, student).await?;
    let score = |q: &QuizBrief| s.scores.get(&q.id).copied();
    let lessons: Vec<LessonProgress> = s
        .required()
        .map(|l| {
            let row = s.rows.get(&Some(l.id));
            let unmet = s.unmet(l);
            let status = lesson_status(row.and_then(|r| r.status.parse().ok()), !unmet.is_empty());
            let quiz = s.quiz_of(l);
            LessonProgress {
                lesson_id: l.id,
                title: l.title.clone(),
                order_index: l.order_index,
                status,
                completion_percentage: row.map_or(0, |r| r.completion_percentage),
                time_spent: row.map_or(0, |r| r.time_spent),
                quiz_id: quiz.map(|q| q.id),
                best_score: quiz.and_then(score).map(|x| x.best),
                attempts: quiz.and_then(score).map_or(0, |x| x.count),
                quiz_passed: quiz.map(|q| s.passed(q)),
                unmet_prerequisite_ids: unmet,
            }
        })
        .collect();
    let required: HashSet<Uuid> = lessons.iter().map(|l| l.lesson_id).collect();
    let quizzes: Vec<QuizProgress> = s
        .quizzes
        .iter()
        .filter(|q| q.lesson_id.is_none_or(|l| required.contains(&l)))
        .map(|q| QuizProgress {
            quiz_id: q.id,
            title: q.title.clone(),
            lesson_id: q.lesson_id,
            minimum_passing_score: q.minimum_passing_score,
            best_score: score(q).map(|x| x.best),
            attempts: score(q).map_or(0, |x| x.count),
            passed: s.passed(q),
        })
        .collect();
    let done = lessons
        .iter()
        .filter(|l| l.status == ProgressStatus::Completed)
        .count() as i32;
    let total = lessons.len() as i32;
    Ok(CourseProgress {
        course_id,
        student_id: student,
        enrolled_at: s.enrollment.as_ref().map(|e| e.enrolled_at),
        completed_at: s.enrollment.as_ref().and_then(|e| e.completed_at),
        lessons_total: total,
        lessons_completed: done,
        percentage: if total == 0 {
            0.0
        } else {
            (f64::from(done) * 10000.0 / f64::from(total)).round() / 100.0
        },
        quizzes_total: quizzes.len() as i32,
        quizzes_passed: quizzes.iter().filter(|q| q.passed).count() as i32,
        final_assessment_passed: s.final_quiz().is_some_and(|q| s.passed(q)),
        time_spent: s.rows.values().map(|r| r.time_spent).sum(),
        next_lesson_id: s.next_lesson().map(|l| l.id),
        lessons,
        quizzes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_is_blocked_until_its_prerequisites_are_met_unless_done() {
        use ProgressStatus as S;
        for blocked in [false, true] {
            assert_eq!(lesson_status(Some(S::Completed), blocked), S::Completed);
        }
        for stored in [
            None,
            Some(S::NotStarted),
            Some(S::InProgress),
            Some(S::Blocked),
        ] {
            assert_eq!(lesson_status(stored, true), S::Blocked);
        }
        assert_eq!(lesson_status(Some(S::InProgress), false), S::InProgress);
        assert_eq!(lesson_status(Some(S::Blocked), false), S::NotStarted);
        assert_eq!(lesson_status(None, false), S::NotStarted);
        assert_eq!(first_status(true), S::Completed);
        assert_eq!(first_status(false), S::InProgress);
    }
}
