//! Personalized roadmaps (seed 003 `personalized_roadmaps`: a student's
//! learning path with its reasoning, `active` / `paused` / `completed`,
//! "dynamic updates based on performance").
//!
//! A roadmap is generated from the student's own progress: the required
//! lessons they have not completed in their enrolled courses, in
//! prerequisite order, lessons whose quiz they failed (weak areas) first
//! where the prerequisites allow, then the course's final assessment.
//! `roadmap_data.steps` holds `{order, type, course_id, lesson_id | quiz_id,
//! title, status, reason, estimated_minutes}` like the demo roadmaps; a
//! lesson step completes itself when the lesson is completed.

use entity::{
    courses, enrollments,
    enums::{ProgressStatus, RoadmapStatus},
    lessons, personalized_roadmaps as roadmaps, student_progress as sp,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, Order, prelude::Json, sea_query::Expr};
use serde_json::json;
use store::{Reader, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result, now,
    progress::CourseState,
    rules::{signed_in, stored},
    uuids,
};

/// A step's `status` in `roadmap_data`: a lesson's progress status.
const STEP_DONE: &str = ProgressStatus::Completed.as_str();

/// Generates a roadmap for the caller over one enrolled course, or all the
/// courses they are enrolled in and have not completed. Their other active
/// roadmaps are paused. `CONFLICT` when not enrolled in the course or when
/// nothing is left to learn.
pub async fn generate(
    w: &Write,
    goal: Option<String>,
    course_id: Option<Uuid>,
) -> Result<roadmaps::Model> {
    let student = signed_in(w.principal(), "generate a roadmap")?;
    let goal = goal.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty());
    let mut mine = w
        .select::<enrollments::Entity>()
        .filter(enrollments::Column::StudentId.eq(student))
        .order_by(enrollments::Column::EnrolledAt, Order::Asc);
    if let Some(c) = course_id {
        crate::visible::<courses::Entity>(w, c, "course").await?;
        mine = mine.filter(enrollments::Column::CourseId.eq(c));
    } else {
        mine = mine.filter(enrollments::Column::CompletedAt.is_null());
    }
    let mine = mine.all().await?;
    if course_id.is_some() && mine.is_empty() {
        return Err(DomainError::Conflict(
            "enroll in the course to plan it".into(),
        ));
    }
    let mut steps = vec![];
    let mut weak_titles = vec![];
    let mut minutes = 0;
    for e in &mine {
        let course = crate::visible::<courses::Entity>(w, e.course_id, "course").await?;
        let state = CourseState::load_readable(w, course, student).await?;
        for (lesson, reason, weak) in plan(&state) {
            if weak {
                weak_titles.push(lesson.title.clone());
            }
            let est = lesson.estimated_duration.unwrap_or(0);
            minutes += est;
            let status = match state.rows.get(&Some(lesson.id)).map(|r| r.status.parse()) {
                Some(Ok(ProgressStatus::InProgress)) => ProgressStatus::InProgress,
                _ => ProgressStatus::NotStarted,
            };
            steps.push(json!({
                "type": "lesson", "course_id": state.course.id, "lesson_id": lesson.id,
                "title": lesson.title, "status": status, "reason": reason, "estimated_minutes": est,
            }));
        }
        if let Some(q) = state
            .final_quiz()
            .filter(|q| q.is_mandatory && !state.passed(q))
        {
            steps.push(json!({
                "type": "assessment", "course_id": state.course.id, "quiz_id": q.id,
                "title": q.title, "status": ProgressStatus::NotStarted,
                "reason": format!("The final assessment of {} (pass mark {}%).", state.course.title, q.minimum_passing_score),
                "estimated_minutes": q.time_limit.unwrap_or(0),
            }));
        }
    }
    if steps.is_empty() {
        return Err(DomainError::Conflict(
            "nothing left to learn in your enrolled courses".into(),
        ));
    }
    for (i, s) in steps.iter_mut().enumerate() {
        s["order"] = json!(i + 1);
    }
    let reasoning = format!(
        "{} steps over {} course(s), about {} minutes. Lessons follow their prerequisites; {}",
        steps.len(),
        mine.len(),
        minutes,
        if weak_titles.is_empty() {
            "no quiz is below its pass mark, so lessons keep the course order.".to_owned()
        } else {
            format!(
                "lessons whose quiz is below the pass mark come first where prerequisites allow: {}.",
                weak_titles.join(", ")
            )
        }
    );
    let at = now();
    w.update::<roadmaps::Entity>(
        vec![
            (
                roadmaps::Column::Status,
                Expr::val(RoadmapStatus::Paused.as_str()),
            ),
            (roadmaps::Column::UpdatedAt, Expr::val(at)),
        ],
        Condition::all()
            .add(roadmaps::Column::StudentId.eq(student))
            .add(roadmaps::Column::Status.eq(RoadmapStatus::Active.as_str())),
    )
    .await?;
    let data = json!({
        "goal": goal.unwrap_or_else(|| "Finish my enrolled courses".into()),
        "estimated_minutes": minutes,
        "estimated_weeks": (minutes + 179) / 180,
        "focus_lessons": weak_titles,
        "steps": steps,
    });
    Ok(w.insert(roadmaps::ActiveModel {
        id: Set(Uuid::new_v4()),
        student_id: Set(student),
        roadmap_data: Set(data),
        ai_reasoning: Set(Some(reasoning)),
        status: Set(RoadmapStatus::Active.as_str().into()),
        generated_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    })
    .await?)
}

/// The course's remaining required lessons in plan order, each with its
/// reason and whether it is a weak area (quiz taken, not passed). Kahn's
/// order over the prerequisites among the remaining lessons; among the
/// lessons that are ready, weak ones first, then by position.
fn plan(s: &CourseState) -> Vec<(&lessons::Model, String, bool)> {
    let weak = |l: &lessons::Model| {
        s.quiz_of(l)
            .is_some_and(|q| s.scores.contains_key(&q.id) && !s.passed(q))
    };
    let mut left: Vec<&lessons::Model> = s.required().filter(|l| !s.is_completed(l.id)).collect();
    let mut out = vec![];
    while !left.is_empty() {
        let waiting = |l: &lessons::Model, left: &[&lessons::Model]| {
            uuids(&l.prerequisites)
                .iter()
                .any(|p| *p != l.id && left.iter().any(|o| o.id == *p))
        };
        let pick = left
            .iter()
            .enumerate()
            .filter(|(_, l)| !waiting(l, &left))
            .min_by_key(|(_, l)| (!weak(l), l.order_index))
            .map_or(0, |(i, _)| i); // a cycle: take the first
        let l = left.remove(pick);
        let reason = if weak(l) {
            let q = s.quiz_of(l);
            format!(
                "Quiz best score {}% is below the {}% pass mark: revisit this lesson.",
                q.and_then(|q| s.scores.get(&q.id)).map_or(0, |x| x.best),
                q.map_or(0, |q| q.minimum_passing_score)
            )
        } else if s
            .rows
            .get(&Some(l.id))
            .is_some_and(|r| matches!(r.status.parse(), Ok(ProgressStatus::InProgress)))
        {
            "Already started: finish it.".to_owned()
        } else {
            format!("Next lesson of {}.", s.course.title)
        };
        out.push((l, reason, weak(l)));
    }
    out
}

fn steps_of(data: &Json) -> Vec<Json> {
    data.get("steps")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Saves a roadmap's steps; it is completed once every step is.
async fn save(w: &Write, r: &roadmaps::Model, steps: Vec<Json>) -> Result<()> {
    let all_done = steps.iter().all(|s| s["status"] == STEP_DONE);
    let mut data = r.roadmap_data.clone();
    if !data.is_object() {
        data = json!({});
    }
    data["steps"] = Json::Array(steps);
    let status = if all_done {
        RoadmapStatus::Completed.as_str()
    } else {
        r.status.as_str()
    };
    w.update::<roadmaps::Entity>(
        vec![
            (roadmaps::Column::RoadmapData, Expr::val(data)),
            (roadmaps::Column::Status, Expr::val(status)),
            (roadmaps::Column::UpdatedAt, Expr::val(now())),
        ],
        Condition::all().add(roadmaps::Column::Id.eq(r.id)),
    )
    .await?;
    Ok(())
}

/// Marks step `order` of the caller's active roadmap completed; the
/// roadmap is completed with its last step. `FORBIDDEN` on another
/// student's roadmap, `CONFLICT` when it is not active, the step is done,
/// or it is a lesson step whose lesson is not completed; `BAD_USER_INPUT`
/// for a step it does not have.
pub async fn complete_step(w: &Write, roadmap_id: Uuid, order: i32) -> Result<roadmaps::Model> {
    let student = signed_in(w.principal(), "follow a roadmap")?;
    crate::visible::<roadmaps::Entity>(w, roadmap_id, "roadmap").await?;
    let r = crate::locked::<roadmaps::Entity>(w, roadmap_id, "roadmap").await?;
    if r.student_id != student {
        return Err(DomainError::Forbidden(
            "only its student completes a roadmap's steps".into(),
        ));
    }
    match stored(&r.status)? {
        RoadmapStatus::Active => {}
        s @ (RoadmapStatus::Completed | RoadmapStatus::Paused) => {
            return Err(DomainError::Conflict(format!("the roadmap is {s}")));
        }
    }
    let mut steps = steps_of(&r.roadmap_data);
    let Some(step) = steps
        .iter_mut()
        .find(|s| s["order"].as_i64() == Some(i64::from(order)))
    else {
        return Err(DomainError::BadInput(format!(
            "the roadmap has no step {order}"
        )));
    };
    if step["status"] == STEP_DONE {
        return Err(DomainError::Conflict(
            "the step is already completed".into(),
        ));
    }
    if step["type"] == "lesson" {
        let lesson = step["lesson_id"]
            .as_str()
            .and_then(|l| l.parse::<Uuid>().ok());
        let done = w
            .select::<sp::Entity>()
            .filter(sp::Column::StudentId.eq(student))
            .filter(sp::Column::LessonId.eq(lesson))
            .filter(sp::Column::Status.eq(ProgressStatus::Completed.as_str()))
            .count()
            .await?;
        if done == 0 {
            return Err(DomainError::Conflict(
                "complete the step's lesson first".into(),
            ));
        }
    }
    step["status"] = json!(STEP_DONE);
    step["completed_at"] = json!(now());
    save(w, &r, steps).await?;
    crate::visible::<roadmaps::Entity>(w, roadmap_id, "roadmap").await
}

/// A lesson was completed: its steps in the student's active roadmaps are
/// completed too (and a roadmap with its last step).
pub(crate) async fn lesson_completed(w: &Write, student: Uuid, lesson: Uuid) -> Result<()> {
    let active = w
        .select_unrestricted::<roadmaps::Entity>()
        .filter(roadmaps::Column::StudentId.eq(student))
        .filter(roadmaps::Column::Status.eq(RoadmapStatus::Active.as_str()))
        .all()
        .await?;
    let id = lesson.to_string();
    for r in active {
        let r = crate::locked::<roadmaps::Entity>(w, r.id, "roadmap").await?;
        match stored(&r.status)? {
            RoadmapStatus::Active => {}
            RoadmapStatus::Completed | RoadmapStatus::Paused => continue,
        }
        let mut steps = steps_of(&r.roadmap_data);
        let mut hit = false;
        for s in steps.iter_mut().filter(|s| {
            s["type"] == "lesson" && s["lesson_id"] == id.as_str() && s["status"] != STEP_DONE
        }) {
            s["status"] = json!(STEP_DONE);
            s["completed_at"] = json!(now());
            hit = true;
        }
        if hit {
            save(w, &r, steps).await?;
        }
    }
    Ok(())
}
