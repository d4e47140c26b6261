//! Learning operations (seed 003): enrolling, quiz attempts, lesson
//! progress in prerequisite order, the course progress summary and
//! personalized roadmaps. Thin: decode arguments, call `domain`.

use async_graphql::dynamic::{InputValue, Object, TypeRef};

use super::{Parts, arg, id_arg, json_ids, plain, read, row, write};

/// Uuid keys of the progress summary and the types their global ids name.
const PROGRESS_IDS: &[(&str, &str)] = &[
    ("courseId", "Course"),
    ("studentId", "User"),
    ("lessonId", "Lesson"),
    ("nextLessonId", "Lesson"),
    ("quizId", "Quiz"),
    ("unmetPrerequisiteIds", "Lesson"),
];

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.query = p.query.field(
        read(
            "courseProgress",
            TypeRef::named_nn("CourseProgress"),
            "A student's progress through a course, computed from their lesson progress and quiz attempts: \
             lessons completed of the required (published) ones, percentage, quizzes passed with best scores, \
             time spent and the next lesson. Your own by default; another student's for the course's instructor \
             or an admin (FORBIDDEN otherwise). NOT_FOUND if the course is not visible.",
            |a| Ok((a.id("courseId", "Course")?, a.opt_id("userId", "User")?)),
            |s, (course, user)| Box::pin(domain::progress::course_progress(s, course, user)),
            |p| json_ids(&p, PROGRESS_IDS),
        )
        .argument(id_arg("courseId", "Course", "The course"))
        .argument(arg(
            "userId",
            TypeRef::named(TypeRef::ID),
            "The student (a `User` id); default: you. Staff only for others.",
        )),
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
                |a| a.id("lessonId", "Lesson"),
                |w, id| Box::pin(domain::progress::start_lesson(w, id)),
                |m| Ok(row::<entity::student_progress::Entity>(m)),
            )
            .argument(id_arg("lessonId", "Lesson", "The lesson to start")),
        )
        .field(
            write(
                "completeLesson",
                TypeRef::named_nn("StudentProgress"),
                "Complete a lesson, adding the time spent: status completed at 100%; the enrollment's progress \
                 percentage follows and it is completed (completedAt) once every required lesson is done and the \
                 mandatory final quiz passed; the lesson's roadmap steps complete. Errors as for startLesson, plus \
                 CONFLICT while the lesson's mandatory quiz is not passed.",
                |a| Ok((a.id("lessonId", "Lesson")?, a.int_in("timeSpent", 0..=i32::MAX as i64)?.unwrap_or(0))),
                |w, (id, t)| Box::pin(domain::progress::complete_lesson(w, id, t)),
                |m| Ok(row::<entity::student_progress::Entity>(m)),
            )
            .argument(id_arg("lessonId", "Lesson", "The lesson to complete"))
            .argument(arg("timeSpent", TypeRef::named(TypeRef::INT), "Seconds spent in this session (default 0).")),
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
                |a| Ok((a.opt_string("goal")?, a.opt_id("courseId", "Course")?)),
                |w, (goal, course)| Box::pin(domain::roadmaps::generate(w, goal, course)),
                |m| Ok(row::<entity::personalized_roadmaps::Entity>(m)),
            )
            .argument(arg("goal", TypeRef::named(TypeRef::STRING), "What the roadmap is for, in your words."))
            .argument(arg(
                "courseId",
                TypeRef::named(TypeRef::ID),
                "Plan only this course (a `Course` id); default: every enrolled course not yet completed.",
            )),
        )
        .field(
            write(
                "completeRoadmapStep",
                TypeRef::named_nn("PersonalizedRoadmap"),
                "Mark a step of your active roadmap completed; the roadmap is completed with its last step. \
                 NOT_FOUND if the roadmap is not visible, FORBIDDEN for another student's, CONFLICT when the roadmap \
                 is not active, the step is already completed or it is a lesson step whose lesson is not completed, \
                 BAD_USER_INPUT for a step it does not have.",
                |a| Ok((a.id("personalizedRoadmapId", "PersonalizedRoadmap")?, a.int_in("step", 1..=10_000)?)),
                |w, (id, step)| Box::pin(domain::roadmaps::complete_step(w, id, step.unwrap_or(0))),
                |m| Ok(row::<entity::personalized_roadmaps::Entity>(m)),
            )
            .argument(id_arg("personalizedRoadmapId", "PersonalizedRoadmap", "Your roadmap"))
            .argument(arg("step", TypeRef::named_nn(TypeRef::INT), "The step's `order` in `roadmapData.steps`.")),
        )
        .field(
            write(
                "enrollInCourse",
                TypeRef::named_nn("Enrollment"),
                "Enroll the signed-in student in a published course. \
                 NOT_FOUND if the course is not visible, CONFLICT if it is not published or \
                 the student is already enrolled.",
                |a| a.id("courseId", "Course"),
                |w, id| Box::pin(domain::learning::enroll(w, id)),
                |m| Ok(row::<entity::enrollments::Entity>(m)),
            )
            .argument(id_arg("courseId", "Course", "The course to enroll in")),
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
                |a| {
                    Ok((
                        a.id("quizId", "Quiz")?,
                        a.json("answers")?.unwrap_or_else(|| serde_json::json!({})),
                        a.int_in("timeSpent", 0..=i32::MAX as i64)?,
                    ))
                },
                |w, (id, answers, time_spent)| {
                    Box::pin(domain::learning::submit_quiz_attempt(
                        w, id, answers, time_spent,
                    ))
                },
                |m| Ok(row::<entity::assessment_attempts::Entity>(m)),
            )
            .argument(id_arg("quizId", "Quiz", "The quiz to attempt"))
            .argument(
                InputValue::new("answers", TypeRef::named("JSON")).description(
                    "The answers, by question id (JSON object): the option text for multiple \
                     choice, \"true\"/\"false\", or the text of a short answer. Unanswered \
                     questions earn no points; omitted or null, none is answered.",
                ),
            )
            .argument(arg(
                "timeSpent",
                TypeRef::named(TypeRef::INT),
                "Time taken, in seconds; at most the quiz's time limit.",
            )),
        );
    p
}

/// `CourseProgress`, `LessonProgressSummary`, `QuizProgressSummary`.
fn types() -> Vec<Object> {
    let int = |name, doc| (name, TypeRef::named_nn(TypeRef::INT), doc);
    let opt_int = |name, doc| (name, TypeRef::named(TypeRef::INT), doc);
    let id = |name, doc| (name, TypeRef::named_nn(TypeRef::ID), doc);
    vec![
        plain(
            "CourseProgress",
            "A student's progress through a course, computed from their enrollment, lesson \
             progress and quiz attempts (see `courseProgress`).",
            &[
                id("courseId", "The course (a `Course` id)."),
                id("studentId", "The student (a `User` id)."),
                (
                    "enrolledAt",
                    TypeRef::named("DateTime"),
                    "When the student enrolled; null if not enrolled.",
                ),
                (
                    "completedAt",
                    TypeRef::named("DateTime"),
                    "When the enrollment was completed.",
                ),
                int("lessonsTotal", "Required (published) lessons."),
                int("lessonsCompleted", "Required lessons completed."),
                (
                    "percentage",
                    TypeRef::named_nn(TypeRef::FLOAT),
                    "Lessons completed over required, 0–100 (2 decimals).",
                ),
                int(
                    "quizzesTotal",
                    "Quizzes of the required lessons plus the final.",
                ),
                int(
                    "quizzesPassed",
                    "Those passed (best score at the pass mark).",
                ),
                (
                    "finalAssessmentPassed",
                    TypeRef::named_nn(TypeRef::BOOLEAN),
                    "Whether the course's final quiz is passed.",
                ),
                int(
                    "timeSpent",
                    "Seconds recorded in the course's progress rows.",
                ),
                (
                    "nextLessonId",
                    TypeRef::named(TypeRef::ID),
                    "The first open lesson whose prerequisites are met (a `Lesson` id).",
                ),
                (
                    "lessons",
                    TypeRef::named_nn_list_nn("LessonProgressSummary"),
                    "Each required lesson, in order.",
                ),
                (
                    "quizzes",
                    TypeRef::named_nn_list_nn("QuizProgressSummary"),
                    "Each quiz of the course.",
                ),
            ],
        ),
        plain(
            "LessonProgressSummary",
            "A student's state on one lesson of a course.",
            &[
                id("lessonId", "The lesson (a `Lesson` id)."),
                (
                    "title",
                    TypeRef::named_nn(TypeRef::STRING),
                    "The lesson's title.",
                ),
                int("orderIndex", "Position in the course."),
                (
                    "status",
                    TypeRef::named_nn(TypeRef::STRING),
                    "completed, in_progress, not_started or blocked (prerequisites not completed).",
                ),
                int("completionPercentage", "0–100."),
                int("timeSpent", "Seconds spent on the lesson."),
                (
                    "quizId",
                    TypeRef::named(TypeRef::ID),
                    "The lesson's quiz (a `Quiz` id).",
                ),
                opt_int("bestScore", "Best score on the lesson's quiz."),
                int("attempts", "Attempts at the lesson's quiz."),
                (
                    "quizPassed",
                    TypeRef::named(TypeRef::BOOLEAN),
                    "Whether the quiz is passed; null without a quiz.",
                ),
                (
                    "unmetPrerequisiteIds",
                    TypeRef::named_nn_list_nn(TypeRef::ID),
                    "Prerequisite lessons not completed yet (`Lesson` ids).",
                ),
            ],
        ),
        plain(
            "QuizProgressSummary",
            "A student's results on one quiz of a course.",
            &[
                id("quizId", "The quiz (a `Quiz` id)."),
                (
                    "title",
                    TypeRef::named_nn(TypeRef::STRING),
                    "The quiz's title.",
                ),
                (
                    "lessonId",
                    TypeRef::named(TypeRef::ID),
                    "Its lesson (a `Lesson` id); null for the course's final.",
                ),
                int("minimumPassingScore", "The pass mark, 0–100."),
                opt_int("bestScore", "Best score so far."),
                int("attempts", "Attempts so far."),
                (
                    "passed",
                    TypeRef::named_nn(TypeRef::BOOLEAN),
                    "Best score at or above the pass mark.",
                ),
            ],
        ),
    ]
}
