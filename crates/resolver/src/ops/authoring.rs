//! Instructors' course management (seed 003 "Instructors can manage own
//! courses"): courses, lessons, content blocks, quizzes, prerequisites.
//! Thin: decode arguments (input objects for the many-field creates and
//! updates), call `domain::authoring`.

use async_graphql::{
    Value,
    dynamic::{FieldValue, InputObject, InputValue, TypeRef},
};
use domain::authoring as au;
use entity::{content_blocks, courses, lessons, quizzes};

use super::{Parts, arg, id_arg, row, rows, write};

const WHO: &str = "Only the course's instructor or an admin (FORBIDDEN for others who can see it; NOT_FOUND \
                   when not visible).";

fn input(name: &str, description: &str, fields: &[(&str, TypeRef, &str)]) -> InputObject {
    fields.iter().fold(
        InputObject::new(name).description(description),
        |o, (f, ty, doc)| o.field(InputValue::new(*f, ty.clone()).description(*doc)),
    )
}

fn inputs() -> Vec<InputObject> {
    let s = || TypeRef::named(TypeRef::STRING);
    let i = || TypeRef::named(TypeRef::INT);
    let b = || TypeRef::named(TypeRef::BOOLEAN);
    let list = || TypeRef::named_nn_list(TypeRef::STRING);
    let json = || TypeRef::named("JSON");
    vec![
        input(
            "CourseInput",
            "The fields of a course; on update only the given ones change (`title` required to create).",
            &[
                ("title", s(), "Title, 1–200 characters."),
                ("description", s(), "Description."),
                ("tags", list(), "Tags (at most 20, duplicates dropped)."),
                (
                    "difficultyLevel",
                    s(),
                    "beginner, intermediate or advanced.",
                ),
                ("estimatedDuration", i(), "Minutes, positive."),
            ],
        ),
        input(
            "LessonInput",
            "The fields of a lesson; on update only the given ones change (`title` required to create).",
            &[
                ("title", s(), "Title, 1–200 characters."),
                ("description", s(), "Description."),
                (
                    "learningObjectives",
                    list(),
                    "Learning objectives (at most 20).",
                ),
                ("estimatedDuration", i(), "Minutes, positive."),
                (
                    "isPublished",
                    b(),
                    "Published lessons are the required ones (default false).",
                ),
            ],
        ),
        input(
            "ContentBlockInput",
            "The fields of a content block; on update only the given ones change (`type` and `content` \
             required to create). The content must have its type's shape: rich_text \
             {html, plain_text}; image {url, alt_text, caption?}; video {url, thumbnail_url?, duration?}; \
             file {url, filename, file_type, file_size}; youtube {video_id, title, thumbnail_url, duration}.",
            &[
                ("type", s(), "rich_text, image, video, file or youtube."),
                ("content", json(), "The block's data, shaped by its type."),
                ("metadata", json(), "Additional properties (an object)."),
            ],
        ),
        input(
            "QuizInput",
            "The fields of a quiz; on update only the given ones change (`title` and `questions` required to \
             create).",
            &[
                ("title", s(), "Title, 1–200 characters."),
                ("description", s(), "Description."),
                (
                    "questions",
                    json(),
                    "A non-empty list of {id, type (multiple_choice, true_false, short_answer, essay), question, \
                     options, correct_answer, points, explanation?} with distinct ids.",
                ),
                (
                    "isMandatory",
                    b(),
                    "Must be passed to complete the lesson / course (default true).",
                ),
                ("minimumPassingScore", i(), "Pass mark 0–100 (default 70)."),
                (
                    "maxAttempts",
                    i(),
                    "Attempts allowed, positive (default unlimited).",
                ),
                ("timeLimit", i(), "Minutes, positive (default none)."),
            ],
        ),
    ]
}

fn deleted(type_name: &'static str) -> impl Fn(uuid::Uuid) -> FieldValue<'static> {
    move |id| FieldValue::value(Value::String(crate::ids::encode(type_name, id)))
}

fn input_arg(ty: &str) -> InputValue {
    arg("input", TypeRef::named_nn(ty), "The fields to set.")
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.inputs.extend(inputs());
    let course = || TypeRef::named_nn("Course");
    let lesson = || TypeRef::named_nn("Lesson");
    let block = || TypeRef::named_nn("ContentBlock");
    let quiz = || TypeRef::named_nn("Quiz");
    let course_arg = || id_arg("courseId", "Course", "The course");
    let lesson_arg = || id_arg("lessonId", "Lesson", "The lesson");
    let block_arg = || id_arg("contentBlockId", "ContentBlock", "The content block");
    p.mutation = p
        .mutation
        .field(
            write(
                "createCourse",
                course(),
                "Create a draft course taught by you. Instructors and admins only (FORBIDDEN otherwise); \
                 BAD_USER_INPUT for invalid fields.",
                |a| a.input::<au::CourseInput>("input"),
                |w, i| Box::pin(au::create_course(w, i)),
                |m| Ok(row::<courses::Entity>(m)),
            )
            .argument(input_arg("CourseInput")),
        )
        .field(
            write(
                "updateCourse",
                course(),
                &format!("Change a course's fields. {WHO}"),
                |a| Ok((a.id("courseId", "Course")?, a.input::<au::CourseInput>("input")?)),
                |w, (id, i)| Box::pin(au::update_course(w, id, i)),
                |m| Ok(row::<courses::Entity>(m)),
            )
            .argument(course_arg())
            .argument(input_arg("CourseInput")),
        )
        .field(
            write(
                "publishCourse",
                course(),
                &format!(
                    "Publish a draft course (open to enrollment). CONFLICT when already published or without a \
                     published lesson. {WHO}"
                ),
                |a| a.id("courseId", "Course"),
                |w, id| Box::pin(au::publish_course(w, id)),
                |m| Ok(row::<courses::Entity>(m)),
            )
            .argument(course_arg()),
        )
        .field(
            write(
                "archiveCourse",
                course(),
                &format!(
                    "Archive (unpublish) a course: closed to new enrollments, still visible to its enrolled \
                     students. CONFLICT when not published. {WHO}"
                ),
                |a| a.id("courseId", "Course"),
                |w, id| Box::pin(au::archive_course(w, id)),
                |m| Ok(row::<courses::Entity>(m)),
            )
            .argument(course_arg()),
        )
        .field(
            write(
                "createLesson",
                lesson(),
                &format!("Add a lesson at the end of a course. {WHO}"),
                |a| Ok((a.id("courseId", "Course")?, a.input::<au::LessonInput>("input")?)),
                |w, (id, i)| Box::pin(au::create_lesson(w, id, i)),
                |m| Ok(row::<lessons::Entity>(m)),
            )
            .argument(course_arg())
            .argument(input_arg("LessonInput")),
        )
        .field(
            write(
                "updateLesson",
                lesson(),
                &format!("Change a lesson's fields. {WHO}"),
                |a| Ok((a.id("lessonId", "Lesson")?, a.input::<au::LessonInput>("input")?)),
                |w, (id, i)| Box::pin(au::update_lesson(w, id, i)),
                |m| Ok(row::<lessons::Entity>(m)),
            )
            .argument(lesson_arg())
            .argument(input_arg("LessonInput")),
        )
        .field(
            write(
                "reorderLessons",
                TypeRef::named_nn_list_nn("Lesson"),
                &format!(
                    "Put a course's lessons in the given order (positions 1..n). BAD_USER_INPUT unless every \
                     lesson of the course is given exactly once. {WHO}"
                ),
                |a| Ok((a.id("courseId", "Course")?, a.ids("lessonIds", "Lesson")?)),
                |w, (id, ids)| Box::pin(au::reorder_lessons(w, id, ids)),
                |m| Ok(rows::<lessons::Entity>(m)),
            )
            .argument(course_arg())
            .argument(arg(
                "lessonIds",
                TypeRef::named_nn_list_nn(TypeRef::ID),
                "Every lesson of the course (`Lesson` ids), in the new order.",
            )),
        )
        .field(
            write(
                "deleteLesson",
                TypeRef::named_nn(TypeRef::ID),
                &format!(
                    "Delete a lesson with its content blocks, quiz and progress; it leaves other lessons' \
                     prerequisites and the rest are renumbered. Returns the deleted id. {WHO}"
                ),
                |a| a.id("lessonId", "Lesson"),
                |w, id| Box::pin(au::delete_lesson(w, id)),
                |id| Ok(deleted("Lesson")(id)),
            )
            .argument(lesson_arg()),
        )
        .field(
            write(
                "addLessonPrerequisite",
                lesson(),
                &format!(
                    "Require another lesson of the same course before this one. BAD_USER_INPUT for the lesson \
                     itself or another course's lesson, CONFLICT when already required or when it would make a \
                     cycle. {WHO}"
                ),
                |a| Ok((a.id("lessonId", "Lesson")?, a.id("prerequisiteLessonId", "Lesson")?)),
                |w, (id, pre)| Box::pin(au::add_prerequisite(w, id, pre)),
                |m| Ok(row::<lessons::Entity>(m)),
            )
            .argument(lesson_arg())
            .argument(id_arg("prerequisiteLessonId", "Lesson", "The lesson to require first")),
        )
        .field(
            write(
                "removeLessonPrerequisite",
                lesson(),
                &format!("Stop requiring a lesson before this one. CONFLICT when it is not required. {WHO}"),
                |a| Ok((a.id("lessonId", "Lesson")?, a.id("prerequisiteLessonId", "Lesson")?)),
                |w, (id, pre)| Box::pin(au::remove_prerequisite(w, id, pre)),
                |m| Ok(row::<lessons::Entity>(m)),
            )
            .argument(lesson_arg())
            .argument(id_arg("prerequisiteLessonId", "Lesson", "The prerequisite to drop")),
        )
        .field(
            write(
                "createContentBlock",
                block(),
                &format!(
                    "Add a content block at the end of a lesson; BAD_USER_INPUT unless the content has its \
                     type's shape. {WHO}"
                ),
                |a| Ok((a.id("lessonId", "Lesson")?, a.input::<au::ContentBlockInput>("input")?)),
                |w, (id, i)| Box::pin(au::create_content_block(w, id, i)),
                |m| Ok(row::<content_blocks::Entity>(m)),
            )
            .argument(lesson_arg())
            .argument(input_arg("ContentBlockInput")),
        )
        .field(
            write(
                "updateContentBlock",
                block(),
                &format!(
                    "Change a content block; type and content are validated together. {WHO}"
                ),
                |a| Ok((a.id("contentBlockId", "ContentBlock")?, a.input::<au::ContentBlockInput>("input")?)),
                |w, (id, i)| Box::pin(au::update_content_block(w, id, i)),
                |m| Ok(row::<content_blocks::Entity>(m)),
            )
            .argument(block_arg())
            .argument(input_arg("ContentBlockInput")),
        )
        .field(
            write(
                "reorderContentBlocks",
                TypeRef::named_nn_list_nn("ContentBlock"),
                &format!(
                    "Put a lesson's blocks in the given order (positions 1..n). BAD_USER_INPUT unless every block \
                     of the lesson is given exactly once. {WHO}"
                ),
                |a| Ok((a.id("lessonId", "Lesson")?, a.ids("contentBlockIds", "ContentBlock")?)),
                |w, (id, ids)| Box::pin(au::reorder_content_blocks(w, id, ids)),
                |m| Ok(rows::<content_blocks::Entity>(m)),
            )
            .argument(lesson_arg())
            .argument(arg(
                "contentBlockIds",
                TypeRef::named_nn_list_nn(TypeRef::ID),
                "Every block of the lesson (`ContentBlock` ids), in the new order.",
            )),
        )
        .field(
            write(
                "deleteContentBlock",
                TypeRef::named_nn(TypeRef::ID),
                &format!("Delete a content block; the lesson's others are renumbered. Returns the deleted id. {WHO}"),
                |a| a.id("contentBlockId", "ContentBlock"),
                |w, id| Box::pin(au::delete_content_block(w, id)),
                |id| Ok(deleted("ContentBlock")(id)),
            )
            .argument(block_arg()),
        )
        .field(
            write(
                "createQuiz",
                quiz(),
                &format!(
                    "Create a lesson's quiz or a course's final quiz (give exactly one of lessonId and courseId), \
                     with questions validated as they are graded. CONFLICT when it already has one. {WHO}"
                ),
                |a| {
                    Ok((
                        a.opt_id("lessonId", "Lesson")?,
                        a.opt_id("courseId", "Course")?,
                        a.input::<au::QuizInput>("input")?,
                    ))
                },
                |w, (l, c, i)| Box::pin(au::create_quiz(w, l, c, i)),
                |m| Ok(row::<quizzes::Entity>(m)),
            )
            .argument(arg("lessonId", TypeRef::named(TypeRef::ID), "The lesson (a `Lesson` id), for a lesson quiz."))
            .argument(arg("courseId", TypeRef::named(TypeRef::ID), "The course (a `Course` id), for its final quiz."))
            .argument(input_arg("QuizInput")),
        )
        .field(
            write(
                "updateQuiz",
                quiz(),
                &format!("Change a quiz's fields (questions validated as on create). {WHO}"),
                |a| Ok((a.id("quizId", "Quiz")?, a.input::<au::QuizInput>("input")?)),
                |w, (id, i)| Box::pin(au::update_quiz(w, id, i)),
                |m| Ok(row::<quizzes::Entity>(m)),
            )
            .argument(id_arg("quizId", "Quiz", "The quiz"))
            .argument(input_arg("QuizInput")),
        );
    p
}
