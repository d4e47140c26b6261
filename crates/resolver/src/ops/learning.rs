//! Learning operations (seed 003): enrolling, quiz attempts, lesson
//! progress in prerequisite order, the course progress summary and
//! personalized roadmaps. Thin: decode arguments, call `domain`.

use async_graphql::dynamic::{Object, TypeRef};

use super::prelude::{
    Bounded, Id, Parts, arguments, json,
    node::{Course, Lesson, PersonalizedRoadmap, Quiz, User},
    object_types, output_type, read, row, write,
};
use shape::OutputObject;

arguments! {
    struct ProgressArgs {
        /// The course.
        course_id: Id<Course>,
        /// The student (a `User` id); default: you. Staff only for others.
        user_id: Option<Id<User>>,
    }
}

arguments! {
    struct StartArgs {
        /// The lesson to start.
        lesson_id: Id<Lesson>,
    }
}

arguments! {
    struct CompleteArgs {
        /// The lesson to complete.
        lesson_id: Id<Lesson>,
        /// Seconds spent in this session (default 0).
        time_spent: Option<Bounded<0, 2_147_483_647>>,
    }
}

arguments! {
    struct RoadmapArgs {
        /// What the roadmap is for, in your words.
        goal: Option<String>,
        /// Plan only this course (a `Course` id); default: every enrolled course not yet completed.
        course_id: Option<Id<Course>>,
    }
}

arguments! {
    struct StepArgs {
        /// Your roadmap.
        personalized_roadmap_id: Id<PersonalizedRoadmap>,
        /// The step's `order` in `roadmapData.steps`.
        step: Bounded<1, 10_000>,
    }
}

arguments! {
    struct EnrollArgs {
        /// The course to enroll in.
        course_id: Id<Course>,
    }
}

arguments! {
    struct AttemptArgs {
        /// The quiz to attempt.
        quiz_id: Id<Quiz>,
        /// The answers, by question id (JSON object): the option text for multiple
        /// choice, "true"/"false", or the text of a short answer. Unanswered
        /// questions earn no points; omitted or null, none is answered.
        answers: Option<serde_json::Value>,
        /// Time taken, in seconds; at most the quiz's time limit.
        time_spent: Option<Bounded<0, 2_147_483_647>>,
    }
}

arguments! {
    struct MyProgressArgs {
        /// The course.
        course_id: Id<Course>,
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.subscription = p.subscription.field(crate::live::field(crate::live::Spec {
        name: "myCourseProgress",
        ty: output_type::<domain::progress::CourseProgress>(),
        description: "Your progress through a course (as `courseProgress` computes it) now, and \
                      again whenever it changes: a lesson started or completed, a quiz attempt, \
                      an enrollment. Errors as for `courseProgress`.",
        wants: |a: &MyProgressArgs, topic, user| {
            matches!(topic, store::Topic::Progress { course, user: u }
                if *course == a.course_id.0 && Some(*u) == user)
        },
        read: |_, scope, a, _| {
            Box::pin(async move {
                let p = domain::progress::course_progress(scope, a.course_id.0, None).await?;
                Ok(Some(json(p)?))
            })
        },
        initial: true,
        fold: true,
    }));
    p.query = p.query.field(
        read(
            "courseProgress",
            output_type::<domain::progress::CourseProgress>(),
            "A student's progress through a course, computed from their lesson progress and quiz attempts: \
             lessons completed of the required (published) ones, percentage, quizzes passed with best scores, \
             time spent and the next lesson. Your own by default; another student's for the course's instructor \
             or an admin (FORBIDDEN otherwise). NOT_FOUND if the course is not visible.",
            |s, a: ProgressArgs| {
                Box::pin(domain::progress::course_progress(s, a.course_id.into(), a.user_id.map(Into::into)))
            },
            json,
        ),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "startLesson",
                TypeRef::named_nn("StudentProgress"),
                "Start (or resume) a lesson: your progress row on it becomes in_progress (a completed lesson stays \
                 completed) and the enrollment's current lesson follows. NOT_FOUND if the lesson is not visible, \
                 FORBIDDEN unless enrolled in its course (staff preview freely), CONFLICT when the lesson is not \
                 published or its prerequisite lessons are not completed.",
                |w, a: StartArgs| Box::pin(domain::learning::start_lesson(w, a.lesson_id.into())),
                |m| Ok(row::<entity::student_progress::Entity>(m)),
            ),
        )
        .field(
            write(
                "completeLesson",
                TypeRef::named_nn("StudentProgress"),
                "Complete a lesson, adding the time spent: status completed at 100%; the enrollment's progress \
                 percentage follows and it is completed (completedAt) once every required lesson is done and the \
                 mandatory final quiz passed; the lesson's roadmap steps complete. Errors as for startLesson, plus \
                 CONFLICT while the lesson's mandatory quiz is not passed.",
                |w, a: CompleteArgs| {
                    let time = a.time_spent.map_or(0, Bounded::get);
                    Box::pin(domain::learning::complete_lesson(w, a.lesson_id.into(), time))
                },
                |m| Ok(row::<entity::student_progress::Entity>(m)),
            ),
        )
        .field(
            write(
                "generateRoadmap",
                TypeRef::named_nn("PersonalizedRoadmap"),
                "Generate your personalized roadmap: the required lessons you have not completed in your enrolled \
                 courses (or one course), in prerequisite order with lessons whose quiz is below the pass mark \
                 first, then each course's unpassed final assessment, with the reasoning. Your other active \
                 roadmaps are paused. NOT_FOUND if the course is not visible, CONFLICT when not enrolled in it or \
                 nothing is left to learn.",
                |w, a: RoadmapArgs| Box::pin(domain::roadmaps::generate(w, a.goal, a.course_id.map(Into::into))),
                |m| Ok(row::<entity::personalized_roadmaps::Entity>(m)),
            ),
        )
        .field(
            write(
                "completeRoadmapStep",
                TypeRef::named_nn("PersonalizedRoadmap"),
                "Mark a step of your active roadmap completed; the roadmap is completed with its last step. \
                 NOT_FOUND if the roadmap is not visible, FORBIDDEN for another student's, CONFLICT when the roadmap \
                 is not active, the step is already completed or it is a lesson step whose lesson is not completed, \
                 BAD_USER_INPUT for a step it does not have.",
                |w, a: StepArgs| {
                    Box::pin(domain::roadmaps::complete_step(w, a.personalized_roadmap_id.into(), a.step.get()))
                },
                |m| Ok(row::<entity::personalized_roadmaps::Entity>(m)),
            ),
        )
        .field(
            write(
                "enrollInCourse",
                TypeRef::named_nn("Enrollment"),
                "Enroll the signed-in student in a published course. \
                 NOT_FOUND if the course is not visible, CONFLICT if it is not published or \
                 the student is already enrolled.",
                |w, a: EnrollArgs| Box::pin(domain::learning::enroll(w, a.course_id.into())),
                |m| Ok(row::<entity::enrollments::Entity>(m)),
            ),
        )
        .field(
            write(
                "submitQuizAttempt",
                TypeRef::named_nn("QuizAttempt"),
                "Submit the signed-in student's next attempt at a quiz, \
                 scored on the server: points earned over points available, passed at the quiz's \
                 minimum passing score, with per-question feedback; the student's progress on the \
                 quiz is updated. NOT_FOUND if the quiz is not visible, FORBIDDEN unless enrolled \
                 in its course (or staff), CONFLICT when no attempts are left, BAD_USER_INPUT for \
                 answers to questions the quiz does not have or a time over its limit.",
                |w, a: AttemptArgs| {
                    let answers = a.answers.unwrap_or_else(|| serde_json::json!({}));
                    let time = a.time_spent.map(Bounded::get);
                    Box::pin(domain::learning::submit_quiz_attempt(w, a.quiz_id.into(), answers, time))
                },
                |m| Ok(row::<entity::assessment_attempts::Entity>(m)),
            ),
        );
    p
}

/// `CourseProgress`, `LessonProgressSummary`, `QuizProgressSummary`.
fn types() -> Vec<Object> {
    object_types(&[domain::progress::CourseProgress::OBJECT])
}
