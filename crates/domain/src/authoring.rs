//! Instructors' course management (seed 003 "Instructors can manage own
//! courses" `FOR ALL USING (auth.uid() = instructor_id)`, admin override):
//! courses, lessons, content blocks, quizzes and lesson prerequisites.
//!
//! Who: creating a course needs the instructor role or an admin; every
//! other operation needs the course's instructor or an admin (`FORBIDDEN`
//! for anyone else who can see the course, `NOT_FOUND` for whoever cannot).
//! Creates and updates share one validation path per kind of row: an input
//! whose fields are all optional, with the create requiring some of them.

use std::collections::HashSet;

use entity::{
    content_blocks as blocks, courses,
    enums::{ContentBlockType, DifficultyLevel, QuestionType},
    lessons, quizzes,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, Order, prelude::Json, sea_query::Expr,
};
use serde::Deserialize;
use serde_json::json;
use store::{Reader, Topic, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result, now,
    rules::{Texts, bad, positive, signed_in, stored, text, texts},
    uuids,
};

/// A course the caller may manage: visible, and theirs or the caller is an
/// admin. Every change to a course, its lessons, blocks and quizzes passes
/// here, so this is where its watchers are told (if the change commits).
async fn managed_course(w: &Write, course_id: Uuid, what: &'static str) -> Result<courses::Model> {
    let caller = signed_in(w.principal(), "manage courses")?;
    let course = crate::visible::<courses::Entity>(w, course_id, what).await?;
    if course.instructor_id != Some(caller) && !auth::policy::is_admin(w.principal()) {
        return Err(DomainError::Forbidden(
            "only the course's instructor or an admin manages it".into(),
        ));
    }
    w.publish(Topic::Course { id: course_id }).await?;
    Ok(course)
}

/// A lesson of a course the caller may manage.
async fn managed_lesson(w: &Write, lesson_id: Uuid) -> Result<lessons::Model> {
    let lesson = crate::visible::<lessons::Entity>(w, lesson_id, "lesson").await?;
    managed_course(w, lesson.course_id, "lesson").await?;
    Ok(lesson)
}

/// Tags and learning objectives: up to 20 distinct entries of up to 200
/// characters each.
const LABELS: Texts = Texts {
    max_entries: 20,
    max_chars: 200,
    distinct: true,
};

/// Pushes `(col, value)` when the field was given.
fn set<C, T>(out: &mut Vec<(C, Expr)>, col: C, v: Option<T>)
where
    T: Into<sea_orm::Value>,
{
    if let Some(v) = v {
        out.push((col, Expr::val(v)));
    }
}

// ---------------------------------------------------------------- courses

/// The fields of a course (create: `title` required).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CourseInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub difficulty_level: Option<DifficultyLevel>,
    pub estimated_duration: Option<i32>,
}

/// The validated columns of a course input.
fn course_columns(i: &CourseInput) -> Result<Vec<(courses::Column, Expr)>> {
    use courses::Column as C;
    let mut out = vec![];
    set(
        &mut out,
        C::Title,
        i.title
            .as_deref()
            .map(|t| text("title", t, 200))
            .transpose()?,
    );
    set(
        &mut out,
        C::Description,
        i.description
            .as_deref()
            .map(|t| text("description", t, 5000))
            .transpose()?,
    );
    set(
        &mut out,
        C::Tags,
        i.tags
            .as_deref()
            .map(|t| texts("tags", t, LABELS))
            .transpose()?,
    );
    set(
        &mut out,
        C::DifficultyLevel,
        i.difficulty_level.map(DifficultyLevel::as_str),
    );
    set(
        &mut out,
        C::EstimatedDuration,
        i.estimated_duration
            .map(|d| positive("estimatedDuration", d))
            .transpose()?,
    );
    Ok(out)
}

/// Updates `id`'s row of `E` with `cols` (and `updated_at`), then reads it.
async fn apply<E>(
    w: &Write,
    id: Uuid,
    mut cols: Vec<(E::Column, Expr)>,
    updated: E::Column,
) -> Result<E::Model>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let id_col = store::column::<E>("id")?;
    cols.push((updated, Expr::val(now())));
    w.update::<E>(cols, Condition::all().add(id_col.eq(id)))
        .await?;
    crate::locked::<E>(w, id, "row").await
}

/// Creates a draft course taught by the caller (instructors and admins).
pub async fn create_course(w: &Write, input: CourseInput) -> Result<courses::Model> {
    let caller = signed_in(w.principal(), "create a course")?;
    if !auth::policy::is_staff(w.principal()) {
        return Err(DomainError::Forbidden(
            "only instructors and admins create courses".into(),
        ));
    }
    if input.title.is_none() {
        return Err(bad("`title` is required"));
    }
    course_columns(&input)?;
    let at = now();
    let course = w
        .insert(courses::ActiveModel {
            id: Set(Uuid::new_v4()),
            title: Set(String::new()),
            instructor_id: Set(Some(caller)),
            tags: Set(json!([])),
            is_published: Set(false),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .await?;
    apply::<courses::Entity>(
        w,
        course.id,
        course_columns(&input)?,
        courses::Column::UpdatedAt,
    )
    .await
}

pub async fn update_course(
    w: &Write,
    course_id: Uuid,
    input: CourseInput,
) -> Result<courses::Model> {
    managed_course(w, course_id, "course").await?;
    let cols = course_columns(&input)?;
    apply::<courses::Entity>(w, course_id, cols, courses::Column::UpdatedAt).await
}

/// Publishes a draft course: `CONFLICT` when already published or without
/// a published lesson.
pub async fn publish_course(w: &Write, course_id: Uuid) -> Result<courses::Model> {
    managed_course(w, course_id, "course").await?;
    let lessons = w
        .select_unrestricted::<lessons::Entity>()
        .filter(lessons::Column::CourseId.eq(course_id))
        .filter(lessons::Column::IsPublished.eq(true))
        .count()
        .await?;
    if lessons == 0 {
        return Err(DomainError::Conflict(
            "publish at least one lesson before the course".into(),
        ));
    }
    switch_published(w, course_id, true).await
}

/// Archives (unpublishes) a published course: closed to new enrollments,
/// still visible to its enrolled students. `CONFLICT` when not published.
pub async fn archive_course(w: &Write, course_id: Uuid) -> Result<courses::Model> {
    managed_course(w, course_id, "course").await?;
    switch_published(w, course_id, false).await
}

async fn switch_published(w: &Write, course_id: Uuid, to: bool) -> Result<courses::Model> {
    use courses::Column as C;
    let changed = w
        .update::<courses::Entity>(
            vec![
                (C::IsPublished, Expr::val(to)),
                (C::UpdatedAt, Expr::val(now())),
            ],
            Condition::all()
                .add(C::Id.eq(course_id))
                .add(C::IsPublished.eq(!to)),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::Conflict(
            if to {
                "the course is already published"
            } else {
                "the course is not published"
            }
            .into(),
        ));
    }
    crate::locked::<courses::Entity>(w, course_id, "course").await
}

// ---------------------------------------------------------------- lessons

/// The fields of a lesson (create: `title` required).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub learning_objectives: Option<Vec<String>>,
    pub estimated_duration: Option<i32>,
    pub is_published: Option<bool>,
}

fn lesson_columns(i: &LessonInput) -> Result<Vec<(lessons::Column, Expr)>> {
    use lessons::Column as C;
    let mut out = vec![];
    set(
        &mut out,
        C::Title,
        i.title
            .as_deref()
            .map(|t| text("title", t, 200))
            .transpose()?,
    );
    set(
        &mut out,
        C::Description,
        i.description
            .as_deref()
            .map(|t| text("description", t, 5000))
            .transpose()?,
    );
    set(
        &mut out,
        C::LearningObjectives,
        i.learning_objectives
            .as_deref()
            .map(|t| texts("learningObjectives", t, LABELS))
            .transpose()?,
    );
    set(
        &mut out,
        C::EstimatedDuration,
        i.estimated_duration
            .map(|d| positive("estimatedDuration", d))
            .transpose()?,
    );
    set(&mut out, C::IsPublished, i.is_published);
    Ok(out)
}

/// The next position after the last row of `E` whose `parent` column is `id`.
async fn next_position<E>(w: &Write, parent: E::Column, id: Uuid, order: E::Column) -> Result<i32>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let last = w
        .select_unrestricted::<E>()
        .filter(parent.eq(id))
        .order_by(order, Order::Desc)
        .one()
        .await?;
    Ok(
        last.map_or(0, |m| match sea_orm::ModelTrait::get(&m, order) {
            sea_orm::Value::Int(Some(n)) => n,
            _ => 0,
        }) + 1,
    )
}

/// Adds a lesson at the end of a course.
pub async fn create_lesson(
    w: &Write,
    course_id: Uuid,
    input: LessonInput,
) -> Result<lessons::Model> {
    managed_course(w, course_id, "course").await?;
    if input.title.is_none() {
        return Err(bad("`title` is required"));
    }
    let cols = lesson_columns(&input)?;
    use lessons::Column as C;
    let order = next_position::<lessons::Entity>(w, C::CourseId, course_id, C::OrderIndex).await?;
    let at = now();
    let lesson = w
        .insert(lessons::ActiveModel {
            id: Set(Uuid::new_v4()),
            course_id: Set(course_id),
            title: Set(String::new()),
            order_index: Set(order),
            learning_objectives: Set(json!([])),
            prerequisites: Set(json!([])),
            is_published: Set(false),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .await?;
    apply::<lessons::Entity>(w, lesson.id, cols, C::UpdatedAt).await
}

pub async fn update_lesson(
    w: &Write,
    lesson_id: Uuid,
    input: LessonInput,
) -> Result<lessons::Model> {
    managed_lesson(w, lesson_id).await?;
    let cols = lesson_columns(&input)?;
    apply::<lessons::Entity>(w, lesson_id, cols, lessons::Column::UpdatedAt).await
}

/// Sets the positions of `E` rows under one parent to the order of `ids`,
/// which must name each of `existing` exactly once.
async fn reorder<E>(
    w: &Write,
    existing: &[Uuid],
    ids: &[Uuid],
    order: E::Column,
    what: &str,
) -> Result<()>
where
    E: EntityTrait,
{
    let given: HashSet<&Uuid> = ids.iter().collect();
    if ids.len() != existing.len()
        || given.len() != ids.len()
        || !existing.iter().all(|e| given.contains(e))
    {
        return Err(bad(format!("give every {what} exactly once")));
    }
    let id_col = store::column::<E>("id")?;
    for (i, id) in ids.iter().enumerate() {
        w.update::<E>(
            vec![(order, Expr::val(i as i32 + 1))],
            Condition::all().add(id_col.eq(*id)),
        )
        .await?;
    }
    Ok(())
}

async fn lessons_of(w: &Write, course_id: Uuid) -> Result<Vec<lessons::Model>> {
    Ok(w.select_unrestricted::<lessons::Entity>()
        .filter(lessons::Column::CourseId.eq(course_id))
        .order_by(lessons::Column::OrderIndex, Order::Asc)
        .order_by(lessons::Column::Id, Order::Asc)
        .all()
        .await?)
}

/// Puts a course's lessons in the given order (positions 1..n).
pub async fn reorder_lessons(
    w: &Write,
    course_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<Vec<lessons::Model>> {
    managed_course(w, course_id, "course").await?;
    let existing: Vec<Uuid> = lessons_of(w, course_id)
        .await?
        .iter()
        .map(|l| l.id)
        .collect();
    reorder::<lessons::Entity>(
        w,
        &existing,
        &ids,
        lessons::Column::OrderIndex,
        "lesson of the course",
    )
    .await?;
    lessons_of(w, course_id).await
}

/// Deletes a lesson with its content, quiz and progress; it is dropped
/// from other lessons' prerequisites and the rest are renumbered.
pub async fn delete_lesson(w: &Write, lesson_id: Uuid) -> Result<Uuid> {
    let lesson = managed_lesson(w, lesson_id).await?;
    let id = lesson_id.to_string();
    for other in lessons_of(w, lesson.course_id).await? {
        if uuids(&other.prerequisites).contains(&lesson_id) {
            let other = crate::locked::<lessons::Entity>(w, other.id, "lesson").await?;
            let kept: Vec<Json> = uuids(&other.prerequisites)
                .iter()
                .map(Uuid::to_string)
                .filter(|p| *p != id)
                .map(Json::String)
                .collect();
            w.update::<lessons::Entity>(
                vec![(lessons::Column::Prerequisites, Expr::val(Json::Array(kept)))],
                Condition::all().add(lessons::Column::Id.eq(other.id)),
            )
            .await?;
        }
    }
    // Its quiz goes too: unlink it first (the lesson references it).
    w.update::<lessons::Entity>(
        vec![(
            lessons::Column::AssessmentId,
            Expr::val(Option::<Uuid>::None),
        )],
        Condition::all().add(lessons::Column::Id.eq(lesson_id)),
    )
    .await?;
    w.delete::<quizzes::Entity>(Condition::all().add(quizzes::Column::LessonId.eq(lesson_id)))
        .await?;
    w.delete::<lessons::Entity>(Condition::all().add(lessons::Column::Id.eq(lesson_id)))
        .await?;
    let rest: Vec<Uuid> = lessons_of(w, lesson.course_id)
        .await?
        .iter()
        .map(|l| l.id)
        .collect();
    reorder::<lessons::Entity>(w, &rest, &rest, lessons::Column::OrderIndex, "lesson").await?;
    Ok(lesson_id)
}

/// Makes `prerequisite` required before `lesson` (same course). `CONFLICT`
/// when it already is or when it would make a cycle; `BAD_USER_INPUT` for
/// the lesson itself or a lesson of another course.
pub async fn add_prerequisite(
    w: &Write,
    lesson_id: Uuid,
    prerequisite: Uuid,
) -> Result<lessons::Model> {
    let lesson = managed_lesson(w, lesson_id).await?;
    let pre = crate::visible::<lessons::Entity>(w, prerequisite, "lesson").await?;
    if pre.course_id != lesson.course_id {
        return Err(bad("a prerequisite must be a lesson of the same course"));
    }
    if prerequisite == lesson_id {
        return Err(bad("a lesson cannot be its own prerequisite"));
    }
    let lesson = crate::locked::<lessons::Entity>(w, lesson_id, "lesson").await?;
    let mut list = uuids(&lesson.prerequisites);
    if list.contains(&prerequisite) {
        return Err(DomainError::Conflict("already a prerequisite".into()));
    }
    // A cycle: the prerequisite already requires the lesson (transitively).
    let all = lessons_of(w, lesson.course_id).await?;
    let mut seen = HashSet::new();
    let mut todo = vec![prerequisite];
    while let Some(l) = todo.pop() {
        if l == lesson_id {
            return Err(DomainError::Conflict(format!(
                "{} already requires {} (directly or through other lessons): that would be a cycle",
                pre.title, lesson.title
            )));
        }
        if seen.insert(l) {
            todo.extend(
                all.iter()
                    .filter(|x| x.id == l)
                    .flat_map(|x| uuids(&x.prerequisites)),
            );
        }
    }
    list.push(prerequisite);
    write_prerequisites(w, lesson_id, &list).await
}

/// Removes `prerequisite` from `lesson`'s. `CONFLICT` when it is not one.
pub async fn remove_prerequisite(
    w: &Write,
    lesson_id: Uuid,
    prerequisite: Uuid,
) -> Result<lessons::Model> {
    managed_lesson(w, lesson_id).await?;
    let lesson = crate::locked::<lessons::Entity>(w, lesson_id, "lesson").await?;
    let list = uuids(&lesson.prerequisites);
    if !list.contains(&prerequisite) {
        return Err(DomainError::Conflict(
            "not a prerequisite of the lesson".into(),
        ));
    }
    let kept: Vec<Uuid> = list.into_iter().filter(|p| *p != prerequisite).collect();
    write_prerequisites(w, lesson_id, &kept).await
}

async fn write_prerequisites(w: &Write, lesson_id: Uuid, list: &[Uuid]) -> Result<lessons::Model> {
    let v = Json::Array(list.iter().map(|u| Json::String(u.to_string())).collect());
    apply::<lessons::Entity>(
        w,
        lesson_id,
        vec![(lessons::Column::Prerequisites, Expr::val(v))],
        lessons::Column::UpdatedAt,
    )
    .await
}

// ---------------------------------------------------------- content blocks

/// The fields of a content block (create: `type` and `content` required).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBlockInput {
    #[serde(rename = "type")]
    pub kind: Option<ContentBlockType>,
    pub content: Option<Json>,
    pub metadata: Option<Json>,
}

/// Seed 003's `ContentData` per block type: (key, kind, required).
fn content_schema(kind: ContentBlockType) -> &'static [(&'static str, char, bool)] {
    // kind: 's' string, 'u' http(s) URL, 'n' non-negative number.
    match kind {
        ContentBlockType::RichText => &[("html", 's', true), ("plain_text", 's', true)],
        ContentBlockType::Image => &[
            ("url", 'u', true),
            ("alt_text", 's', true),
            ("caption", 's', false),
        ],
        ContentBlockType::Video => &[
            ("url", 'u', true),
            ("thumbnail_url", 'u', false),
            ("duration", 'n', false),
        ],
        ContentBlockType::File => &[
            ("url", 'u', true),
            ("filename", 's', true),
            ("file_type", 's', true),
            ("file_size", 'n', true),
        ],
        ContentBlockType::Youtube => &[
            ("video_id", 's', true),
            ("title", 's', true),
            ("thumbnail_url", 'u', true),
            ("duration", 'n', true),
        ],
    }
}

fn check_content(kind: ContentBlockType, content: &Json) -> Result<()> {
    let schema = content_schema(kind);
    let Some(obj) = content.as_object() else {
        return Err(bad("`content` must be an object"));
    };
    if let Some(k) = obj.keys().find(|k| !schema.iter().any(|(s, _, _)| s == k)) {
        return Err(bad(format!(
            "`content.{k}` is not a field of a {kind} block"
        )));
    }
    for (key, ty, required) in schema {
        let ok = match (obj.get(*key), ty) {
            (None | Some(Json::Null), _) => !required,
            (Some(Json::String(s)), 's') => !s.trim().is_empty(),
            (Some(Json::String(s)), 'u') => s.starts_with("https://") || s.starts_with("http://"),
            (Some(Json::Number(n)), 'n') => n.as_f64().is_some_and(|f| f >= 0.0),
            _ => false,
        };
        if !ok {
            let what = match ty {
                'u' => "an http(s) URL",
                'n' => "a non-negative number",
                _ => "a non-empty string",
            };
            return Err(bad(format!(
                "`content.{key}` of a {kind} block must be {what}{}",
                if *required { "" } else { " when given" }
            )));
        }
    }
    Ok(())
}

/// The validated columns of a block input over `current` (type, content).
fn block_columns(
    i: &ContentBlockInput,
    current: (ContentBlockType, &Json),
) -> Result<Vec<(blocks::Column, Expr)>> {
    use blocks::Column as C;
    let kind = i.kind.unwrap_or(current.0);
    check_content(kind, i.content.as_ref().unwrap_or(current.1))?;
    if i.metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(bad("`metadata` must be an object"));
    }
    let mut out = vec![];
    set(&mut out, C::Type, i.kind.map(ContentBlockType::as_str));
    set(&mut out, C::Content, i.content.clone());
    set(&mut out, C::Metadata, i.metadata.clone());
    Ok(out)
}

/// Adds a block at the end of a lesson.
pub async fn create_content_block(
    w: &Write,
    lesson_id: Uuid,
    input: ContentBlockInput,
) -> Result<blocks::Model> {
    managed_lesson(w, lesson_id).await?;
    let (Some(kind), Some(content)) = (input.kind, &input.content) else {
        return Err(bad("`type` and `content` are required"));
    };
    let cols = block_columns(&input, (kind, content))?;
    use blocks::Column as C;
    let order = next_position::<blocks::Entity>(w, C::LessonId, lesson_id, C::OrderIndex).await?;
    let at = now();
    let block = w
        .insert(blocks::ActiveModel {
            id: Set(Uuid::new_v4()),
            lesson_id: Set(lesson_id),
            r#type: Set(kind.as_str().into()),
            content: Set(content.clone()),
            order_index: Set(order),
            metadata: Set(json!({})),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .await?;
    apply::<blocks::Entity>(w, block.id, cols, C::UpdatedAt).await
}

async fn managed_block(w: &Write, block_id: Uuid) -> Result<blocks::Model> {
    let block = crate::visible::<blocks::Entity>(w, block_id, "content block").await?;
    managed_lesson(w, block.lesson_id).await?;
    Ok(block)
}

/// Changes a block; the type and content are validated together (a new
/// type needs content of that shape).
pub async fn update_content_block(
    w: &Write,
    block_id: Uuid,
    input: ContentBlockInput,
) -> Result<blocks::Model> {
    let block = managed_block(w, block_id).await?;
    let cols = block_columns(&input, (stored(&block.r#type)?, &block.content))?;
    apply::<blocks::Entity>(w, block_id, cols, blocks::Column::UpdatedAt).await
}

async fn blocks_of(w: &Write, lesson_id: Uuid) -> Result<Vec<blocks::Model>> {
    Ok(w.select_unrestricted::<blocks::Entity>()
        .filter(blocks::Column::LessonId.eq(lesson_id))
        .order_by(blocks::Column::OrderIndex, Order::Asc)
        .order_by(blocks::Column::Id, Order::Asc)
        .all()
        .await?)
}

/// Puts a lesson's blocks in the given order (positions 1..n).
pub async fn reorder_content_blocks(
    w: &Write,
    lesson_id: Uuid,
    ids: Vec<Uuid>,
) -> Result<Vec<blocks::Model>> {
    managed_lesson(w, lesson_id).await?;
    let existing: Vec<Uuid> = blocks_of(w, lesson_id)
        .await?
        .iter()
        .map(|b| b.id)
        .collect();
    reorder::<blocks::Entity>(
        w,
        &existing,
        &ids,
        blocks::Column::OrderIndex,
        "block of the lesson",
    )
    .await?;
    blocks_of(w, lesson_id).await
}

/// Deletes a block; the lesson's other blocks are renumbered.
pub async fn delete_content_block(w: &Write, block_id: Uuid) -> Result<Uuid> {
    let block = managed_block(w, block_id).await?;
    w.delete::<blocks::Entity>(Condition::all().add(blocks::Column::Id.eq(block_id)))
        .await?;
    let rest: Vec<Uuid> = blocks_of(w, block.lesson_id)
        .await?
        .iter()
        .map(|b| b.id)
        .collect();
    reorder::<blocks::Entity>(w, &rest, &rest, blocks::Column::OrderIndex, "block").await?;
    Ok(block_id)
}

// ---------------------------------------------------------------- quizzes

/// The fields of a quiz (create: `title` and `questions` required).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuizInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub questions: Option<Json>,
    pub is_mandatory: Option<bool>,
    pub minimum_passing_score: Option<i32>,
    pub max_attempts: Option<i32>,
    pub time_limit: Option<i32>,
}

/// Questions as `submitQuizAttempt` grades them: `{id, type, question,
/// options, correct_answer, points, explanation?}` with distinct ids;
/// multiple choice has 2+ options including the answer, true/false answers
/// "true"/"false", short answer has an answer, essay none (graded 0).
fn check_questions(v: &Json) -> Result<()> {
    let Some(list) = v.as_array().filter(|l| !l.is_empty()) else {
        return Err(bad("`questions` must be a non-empty list"));
    };
    let mut ids = HashSet::new();
    for (n, q) in list.iter().enumerate() {
        let at = |m: &str| format!("question {}: {m}", n + 1);
        let Some(o) = q.as_object() else {
            return Err(bad(at("must be an object")));
        };
        const KEYS: [&str; 7] = [
            "id",
            "type",
            "question",
            "options",
            "correct_answer",
            "points",
            "explanation",
        ];
        if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(bad(at(&format!("unknown field `{k}`"))));
        }
        let s = |k: &str| {
            o.get(k)
                .and_then(Json::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let Some(id) = s("id") else {
            return Err(bad(at("`id` is required")));
        };
        if !ids.insert(id.to_owned()) {
            return Err(bad(at(&format!("duplicate id `{id}`"))));
        }
        if s("question").is_none() {
            return Err(bad(at("`question` is required")));
        }
        if o.get("points")
            .is_some_and(|p| p.as_i64().is_none_or(|p| !(0..=1000).contains(&p)))
        {
            return Err(bad(at("`points` must be an integer 0–1000")));
        }
        let options: Vec<&str> = match o.get("options") {
            None => vec![],
            Some(Json::Array(a)) if a.iter().all(Json::is_string) => {
                a.iter().filter_map(Json::as_str).collect()
            }
            Some(_) => return Err(bad(at("`options` must be a list of strings"))),
        };
        let answer = s("correct_answer");
        use QuestionType as Q;
        match (s("type").and_then(|t| t.parse::<Q>().ok()), answer) {
            (Some(Q::MultipleChoice), Some(a)) if options.len() >= 2 && options.contains(&a) => {}
            (Some(Q::MultipleChoice), _) => {
                return Err(bad(at(
                    "multiple choice needs 2+ options including `correct_answer`",
                )));
            }
            (Some(Q::TrueFalse), Some("true" | "false")) => {}
            (Some(Q::TrueFalse), _) => {
                return Err(bad(at(
                    "true/false needs `correct_answer` \"true\" or \"false\"",
                )));
            }
            (Some(Q::ShortAnswer), Some(_)) => {}
            (Some(Q::ShortAnswer), None) => {
                return Err(bad(at("short answer needs `correct_answer`")));
            }
            (Some(Q::Essay), _) => {}
            (None, _) => {
                return Err(bad(at(
                    "`type` must be multiple_choice, true_false, short_answer or essay",
                )));
            }
        }
    }
    Ok(())
}

fn quiz_columns(i: &QuizInput) -> Result<Vec<(quizzes::Column, Expr)>> {
    use quizzes::Column as C;
    let mut out = vec![];
    set(
        &mut out,
        C::Title,
        i.title
            .as_deref()
            .map(|t| text("title", t, 200))
            .transpose()?,
    );
    set(
        &mut out,
        C::Description,
        i.description
            .as_deref()
            .map(|t| text("description", t, 5000))
            .transpose()?,
    );
    if let Some(q) = &i.questions {
        check_questions(q)?;
    }
    set(&mut out, C::Questions, i.questions.clone());
    set(&mut out, C::IsMandatory, i.is_mandatory);
    if i.minimum_passing_score
        .is_some_and(|s| !(0..=100).contains(&s))
    {
        return Err(bad("`minimumPassingScore` must be 0–100"));
    }
    set(&mut out, C::MinimumPassingScore, i.minimum_passing_score);
    set(
        &mut out,
        C::MaxAttempts,
        i.max_attempts
            .map(|d| positive("maxAttempts", d))
            .transpose()?,
    );
    set(
        &mut out,
        C::TimeLimit,
        i.time_limit.map(|d| positive("timeLimit", d)).transpose()?,
    );
    Ok(out)
}

/// Creates the quiz of a lesson or the final quiz of a course (exactly one
/// of them). `CONFLICT` when it already has one.
pub async fn create_quiz(
    w: &Write,
    lesson_id: Option<Uuid>,
    course_id: Option<Uuid>,
    input: QuizInput,
) -> Result<quizzes::Model> {
    if input.title.is_none() || input.questions.is_none() {
        return Err(bad("`title` and `questions` are required"));
    }
    let cols = quiz_columns(&input)?;
    let existing = match (lesson_id, course_id) {
        (Some(l), None) => {
            let lesson = managed_lesson(w, l).await?;
            lesson.assessment_id.is_some()
                || w.select_unrestricted::<quizzes::Entity>()
                    .filter(quizzes::Column::LessonId.eq(l))
                    .count()
                    .await?
                    > 0
        }
        (None, Some(c)) => {
            let course = managed_course(w, c, "course").await?;
            course.final_assessment_id.is_some()
                || w.select_unrestricted::<quizzes::Entity>()
                    .filter(quizzes::Column::CourseId.eq(c))
                    .count()
                    .await?
                    > 0
        }
        _ => return Err(bad("give exactly one of `lessonId` and `courseId`")),
    };
    if existing {
        return Err(DomainError::Conflict(
            if lesson_id.is_some() {
                "the lesson already has a quiz"
            } else {
                "the course already has a final quiz"
            }
            .into(),
        ));
    }
    let at = now();
    let quiz = w
        .insert(quizzes::ActiveModel {
            id: Set(Uuid::new_v4()),
            lesson_id: Set(lesson_id),
            course_id: Set(course_id),
            title: Set(String::new()),
            questions: Set(json!([])),
            ai_generated: Set(false),
            source_content_ids: Set(json!([])),
            is_mandatory: Set(true),
            minimum_passing_score: Set(70),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .await?;
    match (lesson_id, course_id) {
        (Some(l), _) => {
            w.update::<lessons::Entity>(
                vec![(lessons::Column::AssessmentId, Expr::val(quiz.id))],
                Condition::all().add(lessons::Column::Id.eq(l)),
            )
            .await?;
        }
        (_, Some(c)) => {
            w.update::<courses::Entity>(
                vec![(courses::Column::FinalAssessmentId, Expr::val(quiz.id))],
                Condition::all().add(courses::Column::Id.eq(c)),
            )
            .await?;
        }
        _ => {}
    }
    apply::<quizzes::Entity>(w, quiz.id, cols, quizzes::Column::UpdatedAt).await
}

/// Changes a quiz of a course the caller manages.
pub async fn update_quiz(w: &Write, quiz_id: Uuid, input: QuizInput) -> Result<quizzes::Model> {
    let quiz = crate::visible::<quizzes::Entity>(w, quiz_id, "quiz").await?;
    match (quiz.lesson_id, quiz.course_id) {
        (Some(l), _) => {
            managed_lesson(w, l).await?;
        }
        (_, Some(c)) => {
            managed_course(w, c, "quiz").await?;
        }
        _ => return Err(DomainError::NotFound("quiz")),
    }
    let cols = quiz_columns(&input)?;
    apply::<quizzes::Entity>(w, quiz_id, cols, quizzes::Column::UpdatedAt).await
}
