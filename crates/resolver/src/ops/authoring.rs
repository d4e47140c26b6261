//! Instructors' course management (seed 003 "Instructors can manage own
//! courses"): courses, lessons, content blocks, quizzes, prerequisites.
//! Thin: decode arguments (input objects for the many-field creates and
//! updates), call `domain::authoring`.

use async_graphql::{
    Value,
    dynamic::{FieldValue, TypeRef},
};
use domain::authoring as au;
use entity::{
    content_blocks, courses,
    enums::{ContentBlockType, DifficultyLevel, QuestionType},
    lessons, quizzes,
};

use super::prelude::{
    Id, InputType, Parts, arguments, input_object,
    node::{ContentBlock, Course, Lesson, Quiz},
    row, rows, write,
};

const WHO: &str = "Only the course's instructor or an admin (FORBIDDEN for others who can see it; NOT_FOUND \
                   when not visible).";

input_object! {
    /// The fields of a course; on update only the given ones change (`title` required to create).
    pub(crate) struct CourseInput {
        /// Title, 1–200 characters.
        title: Option<String>,
        /// Description.
        description: Option<String>,
        /// Tags (at most 20, duplicates dropped).
        tags: Option<Vec<String>>,
        /// How hard it is.
        difficulty_level: Option<DifficultyLevel>,
        /// Minutes, positive.
        estimated_duration: Option<i32>,
    }
}

impl From<CourseInput> for au::CourseInput {
    fn from(i: CourseInput) -> Self {
        au::CourseInput {
            title: i.title,
            description: i.description,
            tags: i.tags,
            difficulty_level: i.difficulty_level,
            estimated_duration: i.estimated_duration,
        }
    }
}

input_object! {
    /// The fields of a lesson; on update only the given ones change (`title` required to create).
    pub(crate) struct LessonInput {
        /// Title, 1–200 characters.
        title: Option<String>,
        /// Description.
        description: Option<String>,
        /// Learning objectives (at most 20).
        learning_objectives: Option<Vec<String>>,
        /// Minutes, positive.
        estimated_duration: Option<i32>,
        /// Published lessons are the required ones (default false).
        is_published: Option<bool>,
    }
}

impl From<LessonInput> for au::LessonInput {
    fn from(i: LessonInput) -> Self {
        au::LessonInput {
            title: i.title,
            description: i.description,
            learning_objectives: i.learning_objectives,
            estimated_duration: i.estimated_duration,
            is_published: i.is_published,
        }
    }
}

input_object! {
    /// The fields of a content block; on update only the given ones change (`type` and `content`
    /// required to create). The content must have its type's shape: rich_text
    /// {html, plain_text}; image {url, alt_text, caption?}; video {url, thumbnail_url?, duration?};
    /// file {url, filename, file_type, file_size}; youtube {video_id, title, thumbnail_url, duration}.
    pub(crate) struct ContentBlockInput {
        /// The kind of block.
        r#type: Option<ContentBlockType>,
        /// The block's data, shaped by its type.
        content: Option<serde_json::Value>,
        /// Additional properties (an object).
        metadata: Option<serde_json::Value>,
    }
}

impl From<ContentBlockInput> for au::ContentBlockInput {
    fn from(i: ContentBlockInput) -> Self {
        au::ContentBlockInput {
            kind: i.r#type,
            content: i.content,
            metadata: i.metadata,
        }
    }
}

input_object! {
    /// One question of a quiz, as `QuizQuestion` reads it back.
    pub(crate) struct QuizQuestionInput {
        /// Identifies the question within the quiz (distinct); `submitQuizAttempt` answers by it.
        question_id: String,
        /// How it is answered and graded.
        r#type: QuestionType,
        /// The question text.
        question: String,
        /// The choices: multiple choice needs 2 or more, including the answer; true/false uses
        /// `true` and `false`.
        options: Option<Vec<String>>,
        /// The answer that scores: one of the options, `true`/`false`, or the short answer's text;
        /// none for an essay.
        correct_answer: Option<String>,
        /// What a correct answer scores, 0–1000.
        points: Option<i32>,
        /// Why the answer is right, shown to staff.
        explanation: Option<String>,
    }
}

impl QuizQuestionInput {
    /// The question as `quizzes.questions` stores it.
    fn stored(self) -> serde_json::Value {
        let mut q = serde_json::Map::new();
        q.insert("id".into(), self.question_id.into());
        q.insert("type".into(), self.r#type.as_str().into());
        q.insert("question".into(), self.question.into());
        if let Some(o) = self.options {
            q.insert("options".into(), o.into());
        }
        if let Some(a) = self.correct_answer {
            q.insert("correct_answer".into(), a.into());
        }
        if let Some(p) = self.points {
            q.insert("points".into(), p.into());
        }
        if let Some(e) = self.explanation {
            q.insert("explanation".into(), e.into());
        }
        serde_json::Value::Object(q)
    }
}

input_object! {
    /// The fields of a quiz; on update only the given ones change (`title` and `questions` required to
    /// create).
    pub(crate) struct QuizInput {
        /// Title, 1–200 characters.
        title: Option<String>,
        /// Description.
        description: Option<String>,
        /// The questions, in order (at least one).
        questions: Option<Vec<QuizQuestionInput>>,
        /// Must be passed to complete the lesson / course (default true).
        is_mandatory: Option<bool>,
        /// Pass mark 0–100 (default 70).
        minimum_passing_score: Option<i32>,
        /// Attempts allowed, positive (default unlimited).
        max_attempts: Option<i32>,
        /// Minutes, positive (default none).
        time_limit: Option<i32>,
    }
}

impl From<QuizInput> for au::QuizInput {
    fn from(i: QuizInput) -> Self {
        au::QuizInput {
            title: i.title,
            description: i.description,
            questions: i.questions.map(|qs| {
                serde_json::Value::Array(qs.into_iter().map(QuizQuestionInput::stored).collect())
            }),
            is_mandatory: i.is_mandatory,
            minimum_passing_score: i.minimum_passing_score,
            max_attempts: i.max_attempts,
            time_limit: i.time_limit,
        }
    }
}

arguments! {
    struct CourseArgs {
        /// The course.
        course_id: Id<Course>,
    }
}

arguments! {
    struct NewCourseArgs {
        /// The fields to set.
        input: CourseInput,
    }
}

arguments! {
    struct CourseChangeArgs {
        /// The course.
        course_id: Id<Course>,
        /// The fields to set.
        input: CourseInput,
    }
}

arguments! {
    struct NewLessonArgs {
        /// The course.
        course_id: Id<Course>,
        /// The fields to set.
        input: LessonInput,
    }
}

arguments! {
    struct LessonChangeArgs {
        /// The lesson.
        lesson_id: Id<Lesson>,
        /// The fields to set.
        input: LessonInput,
    }
}

arguments! {
    struct LessonOrderArgs {
        /// The course.
        course_id: Id<Course>,
        /// Every lesson of the course (`Lesson` ids), in the new order.
        lesson_ids: Vec<Id<Lesson>>,
    }
}

arguments! {
    struct LessonArgs {
        /// The lesson.
        lesson_id: Id<Lesson>,
    }
}

arguments! {
    struct AddPrerequisiteArgs {
        /// The lesson.
        lesson_id: Id<Lesson>,
        /// The lesson to require first.
        prerequisite_lesson_id: Id<Lesson>,
    }
}

arguments! {
    struct RemovePrerequisiteArgs {
        /// The lesson.
        lesson_id: Id<Lesson>,
        /// The prerequisite to drop.
        prerequisite_lesson_id: Id<Lesson>,
    }
}

arguments! {
    struct NewBlockArgs {
        /// The lesson.
        lesson_id: Id<Lesson>,
        /// The fields to set.
        input: ContentBlockInput,
    }
}

arguments! {
    struct BlockChangeArgs {
        /// The content block.
        content_block_id: Id<ContentBlock>,
        /// The fields to set.
        input: ContentBlockInput,
    }
}

arguments! {
    struct BlockOrderArgs {
        /// The lesson.
        lesson_id: Id<Lesson>,
        /// Every block of the lesson (`ContentBlock` ids), in the new order.
        content_block_ids: Vec<Id<ContentBlock>>,
    }
}

arguments! {
    struct BlockArgs {
        /// The content block.
        content_block_id: Id<ContentBlock>,
    }
}

arguments! {
    struct NewQuizArgs {
        /// The lesson (a `Lesson` id), for a lesson quiz.
        lesson_id: Option<Id<Lesson>>,
        /// The course (a `Course` id), for its final quiz.
        course_id: Option<Id<Course>>,
        /// The fields to set.
        input: QuizInput,
    }
}

arguments! {
    struct QuizChangeArgs {
        /// The quiz.
        quiz_id: Id<Quiz>,
        /// The fields to set.
        input: QuizInput,
    }
}

fn uuids<N>(ids: Vec<Id<N>>) -> Vec<uuid::Uuid> {
    ids.into_iter().map(Into::into).collect()
}

fn deleted(type_name: &'static str) -> impl Fn(uuid::Uuid) -> FieldValue<'static> {
    move |id| FieldValue::value(Value::String(crate::ids::encode(type_name, id)))
}

arguments! {
    struct CourseWatchArgs {
        /// The course.
        course_id: Id<Course>,
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.subscription = p.subscription.field(crate::live::field(crate::live::Spec {
        name: "courseUpdated",
        ty: TypeRef::named("Course"),
        description: "The course now, and again whenever it or its lessons, content blocks or \
                      quizzes change (its instructor edits it). Null once you may no longer see \
                      it; NOT_FOUND if you may not see it when subscribing.",
        wants: |a: &CourseWatchArgs, topic, _| {
            matches!(topic, store::Topic::Course { id } if *id == a.course_id.0)
        },
        read: |sh, scope, a, topic| {
            Box::pin(crate::live::row_view(sh, scope, "courses", a.course_id.0, topic))
        },
        initial: true,
        fold: true,
    }));
    p.inputs.extend([
        CourseInput::input_object(),
        LessonInput::input_object(),
        ContentBlockInput::input_object(),
        QuizQuestionInput::input_object(),
        QuizInput::input_object(),
    ]);
    let course = || TypeRef::named_nn("Course");
    let lesson = || TypeRef::named_nn("Lesson");
    let block = || TypeRef::named_nn("ContentBlock");
    let quiz = || TypeRef::named_nn("Quiz");
    p.mutation = p
        .mutation
        .field(
            write(
                "createCourse",
                course(),
                "Create a draft course taught by you. Instructors and admins only (FORBIDDEN otherwise); \
                 BAD_USER_INPUT for invalid fields.",
                |w, a: NewCourseArgs| Box::pin(au::create_course(w, a.input.into())),
                |m| Ok(row::<courses::Entity>(m)),
            ),
        )
        .field(
            write(
                "updateCourse",
                course(),
                &format!("Change a course's fields. {WHO}"),
                |w, a: CourseChangeArgs| Box::pin(au::update_course(w, a.course_id.into(), a.input.into())),
                |m| Ok(row::<courses::Entity>(m)),
            ),
        )
        .field(
            write(
                "publishCourse",
                course(),
                &format!(
                    "Publish a draft course (open to enrollment). CONFLICT when already published or without a \
                     published lesson. {WHO}"
                ),
                |w, a: CourseArgs| Box::pin(au::publish_course(w, a.course_id.into())),
                |m| Ok(row::<courses::Entity>(m)),
            ),
        )
        .field(
            write(
                "archiveCourse",
                course(),
                &format!(
                    "Archive (unpublish) a course: closed to new enrollments, still visible to its enrolled \
                     students. CONFLICT when not published. {WHO}"
                ),
                |w, a: CourseArgs| Box::pin(au::archive_course(w, a.course_id.into())),
                |m| Ok(row::<courses::Entity>(m)),
            ),
        )
        .field(
            write(
                "createLesson",
                lesson(),
                &format!("Add a lesson at the end of a course. {WHO}"),
                |w, a: NewLessonArgs| Box::pin(au::create_lesson(w, a.course_id.into(), a.input.into())),
                |m| Ok(row::<lessons::Entity>(m)),
            ),
        )
        .field(
            write(
                "updateLesson",
                lesson(),
                &format!("Change a lesson's fields. {WHO}"),
                |w, a: LessonChangeArgs| Box::pin(au::update_lesson(w, a.lesson_id.into(), a.input.into())),
                |m| Ok(row::<lessons::Entity>(m)),
            ),
        )
        .field(
            write(
                "reorderLessons",
                TypeRef::named_nn_list_nn("Lesson"),
                &format!(
                    "Put a course's lessons in the given order (positions 1..n). BAD_USER_INPUT unless every \
                     lesson of the course is given exactly once. {WHO}"
                ),
                |w, a: LessonOrderArgs| Box::pin(au::reorder_lessons(w, a.course_id.into(), uuids(a.lesson_ids))),
                |m| Ok(rows::<lessons::Entity>(m)),
            ),
        )
        .field(
            write(
                "deleteLesson",
                TypeRef::named_nn(TypeRef::ID),
                &format!(
                    "Delete a lesson with its content blocks, quiz and progress; it leaves other lessons' \
                     prerequisites and the rest are renumbered. Returns the deleted id. {WHO}"
                ),
                |w, a: LessonArgs| Box::pin(au::delete_lesson(w, a.lesson_id.into())),
                |id| Ok(deleted("Lesson")(id)),
            ),
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
                |w, a: AddPrerequisiteArgs| {
                    Box::pin(au::add_prerequisite(w, a.lesson_id.into(), a.prerequisite_lesson_id.into()))
                },
                |m| Ok(row::<lessons::Entity>(m)),
            ),
        )
        .field(
            write(
                "removeLessonPrerequisite",
                lesson(),
                &format!("Stop requiring a lesson before this one. CONFLICT when it is not required. {WHO}"),
                |w, a: RemovePrerequisiteArgs| {
                    Box::pin(au::remove_prerequisite(w, a.lesson_id.into(), a.prerequisite_lesson_id.into()))
                },
                |m| Ok(row::<lessons::Entity>(m)),
            ),
        )
        .field(
            write(
                "createContentBlock",
                block(),
                &format!(
                    "Add a content block at the end of a lesson; BAD_USER_INPUT unless the content has its \
                     type's shape. {WHO}"
                ),
                |w, a: NewBlockArgs| Box::pin(au::create_content_block(w, a.lesson_id.into(), a.input.into())),
                |m| Ok(row::<content_blocks::Entity>(m)),
            ),
        )
        .field(
            write(
                "updateContentBlock",
                block(),
                &format!(
                    "Change a content block; type and content are validated together. {WHO}"
                ),
                |w, a: BlockChangeArgs| {
                    Box::pin(au::update_content_block(w, a.content_block_id.into(), a.input.into()))
                },
                |m| Ok(row::<content_blocks::Entity>(m)),
            ),
        )
        .field(
            write(
                "reorderContentBlocks",
                TypeRef::named_nn_list_nn("ContentBlock"),
                &format!(
                    "Put a lesson's blocks in the given order (positions 1..n). BAD_USER_INPUT unless every block \
                     of the lesson is given exactly once. {WHO}"
                ),
                |w, a: BlockOrderArgs| {
                    Box::pin(au::reorder_content_blocks(w, a.lesson_id.into(), uuids(a.content_block_ids)))
                },
                |m| Ok(rows::<content_blocks::Entity>(m)),
            ),
        )
        .field(
            write(
                "deleteContentBlock",
                TypeRef::named_nn(TypeRef::ID),
                &format!("Delete a content block; the lesson's others are renumbered. Returns the deleted id. {WHO}"),
                |w, a: BlockArgs| Box::pin(au::delete_content_block(w, a.content_block_id.into())),
                |id| Ok(deleted("ContentBlock")(id)),
            ),
        )
        .field(
            write(
                "createQuiz",
                quiz(),
                &format!(
                    "Create a lesson's quiz or a course's final quiz (give exactly one of lessonId and courseId), \
                     with questions validated as they are graded. CONFLICT when it already has one. {WHO}"
                ),
                |w, a: NewQuizArgs| {
                    let (lesson, course) = (a.lesson_id.map(Into::into), a.course_id.map(Into::into));
                    Box::pin(au::create_quiz(w, lesson, course, a.input.into()))
                },
                |m| Ok(row::<quizzes::Entity>(m)),
            ),
        )
        .field(
            write(
                "updateQuiz",
                quiz(),
                &format!("Change a quiz's fields (questions validated as on create). {WHO}"),
                |w, a: QuizChangeArgs| Box::pin(au::update_quiz(w, a.quiz_id.into(), a.input.into())),
                |m| Ok(row::<quizzes::Entity>(m)),
            ),
        );
    p
}
