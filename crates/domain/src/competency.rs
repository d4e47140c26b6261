//! Framework competency assessments (seed 000): starting an attempt,
//! submitting it (each response checked against the question's correct
//! answer, a 0–100 score and a per-competency breakdown), the insights the
//! seed's "Competency Analysis Flow" assembles from skill tags, tag insights,
//! tag actions and leverage strengths, `get_learning_paths_for_assessment`
//! and `store_frontend_insights`.
//!
//! An attempt is in progress while `completed_at` is NULL (score 0); a
//! partial unique index keeps one in progress per user and assessment.
//! The seed does not say where a competency is weak or strong: weak is a
//! competency score below [`WEAK_BELOW`], strong at or above [`STRONG_FROM`].
//! Leverage strengths need no threshold: a row applies when the
//! competency's score lies in its `score_range_min..=score_range_max`.

use std::collections::{HashMap, HashSet};

use entity::{
    assessment_questions as questions, competency_display_names as display_names,
    competency_leverage_strengths as leverage,
    enums::{AssessmentLevel, InsightType, ResourceType},
    framework_assessments as assessments, learning_path_categories as categories,
    learning_resources as resources, skill_tags, tag_actions, tag_insights,
    user_attempts as attempts, user_responses as responses,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, Order, QuerySelect, prelude::Json, sea_query::Expr,
};
use store::{Batch, Read, Reader, Rows, Scope, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result, now,
    rules::{conflict, insert_unique, signed_in},
};

/// A competency scoring below this is a weak area (the seed is silent).
pub const WEAK_BELOW: i32 = 60;
/// A competency scoring at least this is a strong area (the seed is silent).
pub const STRONG_FROM: i32 = 80;
/// Largest `frontendInsights` document accepted, in bytes of JSON.
pub const MAX_INSIGHTS_BYTES: usize = 64 * 1024;
/// `context_level` of insights and leverage rows when nothing else fits
/// (the seed's column default).
const DEFAULT_CONTEXT: &str = "beginner";
/// The level of an assessment none of whose questions names one: the level
/// `get_learning_paths_for_assessment` always filters to (its body fixes
/// `'core-i'`, the only level the seed had).
pub const DEFAULT_LEVEL: &str = AssessmentLevel::CoreI.as_str();

/// One answer of a submission.
#[derive(Clone, Debug)]
pub struct Response {
    pub question_id: Uuid,
    /// The selected option: 0 (A) … 3 (D).
    pub answer: i64,
    /// Seconds spent on the question.
    pub response_time: Option<i64>,
}

shape::output_object! {
    /// One competency's share of an attempt (questions linked by their competency area).
    pub struct CompetencyScore {
        /// The competency key, e.g. active_listening.
        pub competency_area: String,
        /// Its display name (from `CompetencyDisplayName`), or the key.
        pub display_name: String,
        /// Questions of this competency answered correctly.
        pub correct: i32,
        /// Questions of this competency.
        pub total: i32,
        /// round(100 × correct / total).
        pub score: i32,
    }
}

shape::output_object! {
    /// A skill tag's insight that applies to an attempt (from `TagInsight`).
    #[name = "AssessmentTagInsight"]
    pub struct TagInsight {
        /// The skill tag's name.
        pub skill_tag: String,
        /// The competency the tag belongs to.
        pub competency_area: String,
        /// The insight.
        pub text: String,
    }
}

shape::output_object! {
    /// A development step for a skill tag (from `TagAction`).
    #[name = "AssessmentTagAction"]
    pub struct TagAction {
        /// The skill tag's name.
        pub skill_tag: String,
        /// The competency the tag belongs to.
        pub competency_area: String,
        /// The action.
        pub text: String,
    }
}

shape::output_object! {
    /// How to leverage a competency at the attempt's score (from `CompetencyLeverageStrength`).
    #[name = "AssessmentLeverage"]
    pub struct Leverage {
        /// The competency.
        pub competency_area: String,
        /// The attempt's score in it.
        pub score: i32,
        /// The leverage message.
        pub text: String,
    }
}

shape::output_object! {
    /// Insights for an attempt, from the skill tags of its competencies: their insights
    /// (`TagInsight`), actions (`TagAction`) and leverage strengths (`CompetencyLeverageStrength`).
    #[name = "FrameworkAssessmentInsights"]
    #[derive(Default)]
    pub struct Insights {
        /// Weakness insights of the weak areas' skill tags.
        pub weaknesses: Vec<TagInsight>,
        /// Strength insights of the strong areas' skill tags.
        pub strengths: Vec<TagInsight>,
        /// Development steps for the weak areas' skill tags.
        pub actions: Vec<TagAction>,
        /// Leverage strengths whose score range holds the competency's score, by priority.
        pub leverage: Vec<Leverage>,
    }
}

// A resource of a path: the keys of the seed's `json_build_object`.
shape::output_object! {
    /// A learning resource of a recommended path (an active `LearningResource`).
    #[name = "AssessmentLearningResource"]
    pub struct PathResource {
        /// Title.
        pub title: String,
        /// Description.
        pub description: Option<String>,
        /// The kind of resource.
        pub resource_type: ResourceType,
        /// Direct link.
        pub url: Option<String>,
        /// Author or instructor.
        pub author: Option<String>,
        /// Competencies it addresses.
        pub competency_areas: Vec<String>,
    }
}

// A row of `get_learning_paths_for_assessment`.
shape::output_object! {
    /// A learning path category recommended for an attempt, with its resources.
    #[name = "AssessmentLearningPath"]
    pub struct LearningPath {
        /// The category's title.
        pub category_title: String,
        /// What the category covers.
        pub category_description: Option<String>,
        /// Emoji or icon identifier.
        pub category_icon: Option<String>,
        /// Active resources, by type then title.
        pub resources: Vec<PathResource>,
        /// The category.
        #[node = "LearningPathCategory"]
        pub category_id: Uuid,
    }
}

shape::output_object! {
    /// A completed framework assessment attempt, scored per competency. Weak areas score below
    /// 60, strong areas at least 80.
    #[name = "FrameworkAssessmentResult"]
    pub struct AssessmentResult {
        /// The attempt's score, 0–100.
        pub score: i32,
        /// Per competency, in the order the questions first ask them.
        pub breakdown: Vec<CompetencyScore>,
        /// Competencies scoring below 60.
        pub weak_areas: Vec<String>,
        /// Competencies scoring 80 or more.
        pub strong_areas: Vec<String>,
        /// Insights, actions and leverage strengths for this result.
        pub insights: Insights,
        /// Learning paths for the weak areas (as `learningPathsForAssessment` answers).
        pub learning_paths: Vec<LearningPath>,
        /// The attempt.
        #[node = "UserAttempt"]
        pub attempt_id: Uuid,
    }
}

/// Starts the caller's attempt at an active framework assessment.
/// `NOT_FOUND` if the assessment is not visible; `CONFLICT` if it is not
/// active, has no questions, or the caller already has an attempt at it in
/// progress.
pub async fn start(w: &Write, assessment_id: Uuid) -> Result<attempts::Model> {
    let user = signed_in(w.principal(), "take an assessment")?;
    let a = crate::visible::<assessments::Entity>(w, assessment_id, "framework assessment").await?;
    if !a.is_active {
        return Err(DomainError::Conflict("the assessment is not active".into()));
    }
    let asked = w
        .select_unrestricted::<questions::Entity>()
        .filter(questions::Column::AssessmentId.eq(assessment_id))
        .count()
        .await?;
    if asked == 0 {
        return Err(DomainError::Conflict(
            "the assessment has no questions".into(),
        ));
    }
    let open = in_progress(w, user, assessment_id).await?;
    if open.is_some() {
        return Err(conflict(IN_PROGRESS));
    }
    let at = now();
    let am = attempts::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user),
        assessment_id: Set(assessment_id),
        score: Set(0),
        time_spent: Set(None),
        frontend_insights: Set(None),
        insights_generated_at: Set(None),
        completed_at: Set(None),
        created_at: Set(at),
        ..Default::default()
    };
    // Two starts at once: the partial unique index lets one through.
    insert_unique(w, am, IN_PROGRESS).await
}

const IN_PROGRESS: &str = "an attempt at this assessment is already in progress";

async fn in_progress(
    w: &Write,
    user: Uuid,
    assessment_id: Uuid,
) -> Result<Option<attempts::Model>> {
    Ok(w.select_unrestricted::<attempts::Entity>()
        .filter(attempts::Column::UserId.eq(user))
        .filter(attempts::Column::AssessmentId.eq(assessment_id))
        .filter(attempts::Column::CompletedAt.is_null())
        .one()
        .await?)
}

/// The caller's own attempt: `NOT_FOUND` if invisible, `FORBIDDEN` for a
/// caller who may read it (an admin) but does not own it.
async fn own_attempt(w: &Write, attempt_id: Uuid, what: &str) -> Result<attempts::Model> {
    let user = signed_in(w.principal(), "take an assessment")?;
    let attempt = crate::visible::<attempts::Entity>(w, attempt_id, "attempt").await?;
    if attempt.user_id != user {
        return Err(DomainError::Forbidden(format!(
            "only the attempt's owner can {what}"
        )));
    }
    Ok(attempt)
}

/// Submits the caller's in-progress attempt: one response row per answered
/// question (`is_correct` against `correct_answer`), the score (correct
/// answers over all questions, unanswered ones wrong), `completed_at` and
/// `time_spent` (seconds since the start). `NOT_FOUND` if the attempt is not
/// visible, `FORBIDDEN` unless the caller owns it, `CONFLICT` if it is
/// already submitted, `BAD_USER_INPUT` for a question not in the assessment,
/// a question answered twice, an answer outside 0–3 or a negative time.
pub async fn submit(w: &Write, attempt_id: Uuid, given: Vec<Response>) -> Result<AssessmentResult> {
    let attempt = own_attempt(w, attempt_id, "submit it").await?;
    if attempt.completed_at.is_some() {
        return Err(already_submitted());
    }
    let qs = w
        .select_unrestricted::<questions::Entity>()
        .filter(questions::Column::AssessmentId.eq(attempt.assessment_id))
        .all()
        .await?;
    let by_id: HashMap<Uuid, &questions::Model> = qs.iter().map(|q| (q.id, q)).collect();
    let mut seen = HashSet::new();
    for r in &given {
        if !by_id.contains_key(&r.question_id) {
            return Err(DomainError::BadInput(
                "`responses` names a question that is not in this assessment".into(),
            ));
        }
        if !seen.insert(r.question_id) {
            return Err(DomainError::BadInput(
                "`responses` answers the same question twice".into(),
            ));
        }
        if !(0..=3).contains(&r.answer) {
            return Err(DomainError::BadInput(
                "`answer` must be 0, 1, 2 or 3".into(),
            ));
        }
        if r.response_time
            .is_some_and(|t| !(0..=i64::from(i32::MAX)).contains(&t))
        {
            return Err(DomainError::BadInput(
                "`responseTime` must be a number of seconds, not negative".into(),
            ));
        }
    }
    let correct = given
        .iter()
        .filter(|r| {
            by_id
                .get(&r.question_id)
                .is_some_and(|q| i64::from(q.correct_answer) == r.answer)
        })
        .count();
    let score = percent(correct, qs.len());
    let at = now();
    let spent = (at - attempt.created_at)
        .num_seconds()
        .clamp(0, i64::from(i32::MAX)) as i32;
    // Completing is the atomic check: a concurrent submit changes nothing.
    let changed = w
        .update::<attempts::Entity>(
            vec![
                (attempts::Column::Score, Expr::val(score)),
                (attempts::Column::CompletedAt, Expr::val(at)),
                (attempts::Column::TimeSpent, Expr::val(spent)),
            ],
            Condition::all()
                .add(attempts::Column::Id.eq(attempt_id))
                .add(attempts::Column::CompletedAt.is_null()),
        )
        .await?;
    if changed == 0 {
        return Err(already_submitted());
    }
    for r in given {
        let is_correct = by_id
            .get(&r.question_id)
            .is_some_and(|q| i64::from(q.correct_answer) == r.answer);
        w.insert(responses::ActiveModel {
            id: Set(Uuid::new_v4()),
            attempt_id: Set(attempt_id),
            question_id: Set(r.question_id),
            selected_answer: Set(r.answer as i32),
            is_correct: Set(is_correct),
            response_time: Set(r.response_time.map(|t| t as i32)),
            created_at: Set(at),
            ..Default::default()
        })
        .await?;
    }
    result(w, attempt_id).await
}

fn already_submitted() -> DomainError {
    DomainError::Conflict("the attempt is already submitted".into())
}

/// `round(100 × part / whole)`, 0 for an empty whole.
fn percent(part: usize, whole: usize) -> i32 {
    if whole == 0 {
        return 0;
    }
    ((part as f64 * 100.0) / whole as f64).round() as i32
}

/// `store_frontend_insights`: replaces the attempt's cached
/// `frontend_insights` with `doc` and stamps `insights_generated_at`.
/// `NOT_FOUND` if the attempt is not visible, `FORBIDDEN` unless the caller
/// owns it, `CONFLICT` while it is in progress, `BAD_USER_INPUT` unless
/// `doc` is a JSON object of at most [`MAX_INSIGHTS_BYTES`].
pub async fn store_frontend_insights(
    w: &Write,
    attempt_id: Uuid,
    doc: Json,
) -> Result<attempts::Model> {
    let attempt = own_attempt(w, attempt_id, "store its insights").await?;
    if !doc.is_object() {
        return Err(DomainError::BadInput(
            "`frontendInsights` must be a JSON object".into(),
        ));
    }
    if doc.to_string().len() > MAX_INSIGHTS_BYTES {
        return Err(DomainError::BadInput(format!(
            "`frontendInsights` is larger than {MAX_INSIGHTS_BYTES} bytes"
        )));
    }
    if attempt.completed_at.is_none() {
        return Err(DomainError::Conflict(
            "submit the attempt before storing its insights".into(),
        ));
    }
    w.update::<attempts::Entity>(
        vec![
            (attempts::Column::FrontendInsights, Expr::val(doc)),
            (attempts::Column::InsightsGeneratedAt, Expr::val(now())),
        ],
        Condition::all().add(attempts::Column::Id.eq(attempt_id)),
    )
    .await?;
    crate::visible::<attempts::Entity>(w, attempt_id, "attempt").await
}

/// A completed attempt scored per competency.
struct Scored {
    attempt: attempts::Model,
    framework: String,
    /// The assessment's level: the first one its questions name, else
    /// [`DEFAULT_LEVEL`].
    level: String,
    /// The context level of insights: the assessment's difficulty, lowercased.
    context: String,
    breakdown: Vec<CompetencyScore>,
    weak: Vec<String>,
    strong: Vec<String>,
}

/// The columns of a question that scoring reads.
#[derive(Debug, sea_orm::FromQueryResult, serde::Deserialize)]
struct ScoredQuestion {
    id: Uuid,
    competency_area: String,
    assessment_level: Option<String>,
}

/// The question a right answer is to.
#[derive(Debug, sea_orm::FromQueryResult, serde::Deserialize)]
struct RightAnswer {
    question_id: Uuid,
}

/// Reads and scores a completed attempt the caller may read (4 statements).
/// `NOT_FOUND` if it (or its assessment) is not visible, `CONFLICT` while in
/// progress.
async fn scored(r: &impl Reader, attempt_id: Uuid) -> Result<Scored> {
    // The attempt, its assessment, the questions and the right answers:
    // one batch, the later reads finding the assessment through the
    // attempt (each still under the caller's read rules).
    let attempt = || {
        r.select::<attempts::Entity>()
            .filter(attempts::Column::Id.eq(attempt_id))
    };
    let assessment = || {
        r.select::<assessments::Entity>().filter(
            assessments::Column::Id.in_subquery(attempt().column(attempts::Column::AssessmentId)),
        )
    };
    let mut b = r.batch();
    let the_attempt = b.read::<attempts::Model>(attempt().limit(1).into_statement());
    let the_assessment = b.read::<assessments::Model>(assessment().limit(1).into_statement());
    // Only the columns scoring reads: not the questions' text, options
    // and explanations.
    let questions = b.read::<ScoredQuestion>(
        r.select::<questions::Entity>()
            .filter(
                questions::Column::AssessmentId
                    .in_subquery(assessment().column(assessments::Column::Id)),
            )
            .order_by(questions::Column::QuestionOrder, Order::Asc)
            .shaped(|q| {
                q.select_only()
                    .column(questions::Column::Id)
                    .column(questions::Column::CompetencyArea)
                    .column(questions::Column::AssessmentLevel)
            }),
    );
    let right = b.read::<RightAnswer>(
        r.select::<responses::Entity>()
            .filter(responses::Column::AttemptId.eq(attempt_id))
            .filter(responses::Column::IsCorrect.eq(true))
            .shaped(|q| q.select_only().column(responses::Column::QuestionId)),
    );
    let mut rows = b.run().await?;
    let attempt = rows
        .first(the_attempt)?
        .ok_or(DomainError::NotFound("attempt"))?;
    if attempt.completed_at.is_none() {
        return Err(DomainError::Conflict(
            "the attempt is still in progress".into(),
        ));
    }
    let a = rows
        .first(the_assessment)?
        .ok_or(DomainError::NotFound("framework assessment"))?;
    let qs = rows.take(questions)?;
    let right: HashSet<Uuid> = rows
        .take(right)?
        .into_iter()
        .map(|x| x.question_id)
        .collect();
    // Competencies in the order the questions first ask them.
    let mut breakdown: Vec<CompetencyScore> = vec![];
    for q in &qs {
        let i = match breakdown
            .iter()
            .position(|c| c.competency_area == q.competency_area)
        {
            Some(i) => i,
            None => {
                breakdown.push(CompetencyScore {
                    competency_area: q.competency_area.clone(),
                    display_name: q.competency_area.clone(),
                    correct: 0,
                    total: 0,
                    score: 0,
                });
                breakdown.len() - 1
            }
        };
        breakdown[i].total += 1;
        breakdown[i].correct += i32::from(right.contains(&q.id));
    }
    for c in &mut breakdown {
        c.score = percent(c.correct as usize, c.total as usize);
    }
    let area = |pick: fn(i32) -> bool| {
        breakdown
            .iter()
            .filter(|c| pick(c.score))
            .map(|c| c.competency_area.clone())
            .collect()
    };
    let weak = area(|s| s < WEAK_BELOW);
    let strong = area(|s| s >= STRONG_FROM);
    Ok(Scored {
        framework: a.framework,
        level: assessment_level(qs.iter().map(|q| q.assessment_level.as_deref())),
        context: a
            .difficulty
            .map_or_else(|| DEFAULT_CONTEXT.to_owned(), |d| d.to_lowercase()),
        attempt,
        breakdown,
        weak,
        strong,
    })
}

/// The level an assessment's insights and learning paths are for: the first
/// level its questions (in order) name, [`DEFAULT_LEVEL`] when none does.
pub fn assessment_level<'a>(question_levels: impl IntoIterator<Item = Option<&'a str>>) -> String {
    question_levels
        .into_iter()
        .flatten()
        .next()
        .unwrap_or(DEFAULT_LEVEL)
        .to_owned()
}

fn areas(s: &Scored) -> Vec<String> {
    s.breakdown
        .iter()
        .map(|c| c.competency_area.clone())
        .collect()
}

/// Display names of the breakdown's competencies (`competency_display_names`).
fn queue_names(r: &impl Reader, s: &Scored, b: &mut Batch) -> Read<display_names::Model> {
    b.read(
        r.select::<display_names::Entity>()
            .filter(display_names::Column::Framework.eq(s.framework.as_str()))
            .filter(display_names::Column::IsActive.eq(true))
            .filter(display_names::Column::CompetencyKey.is_in(areas(s)))
            .into_statement(),
    )
}

fn name_competencies(
    s: &mut Scored,
    rows: &mut Rows,
    read: Read<display_names::Model>,
) -> Result<()> {
    let names: HashMap<String, String> = rows
        .take(read)?
        .into_iter()
        .map(|n| (n.competency_key, n.display_name))
        .collect();
    for c in &mut s.breakdown {
        if let Some(n) = names.get(&c.competency_area) {
            c.display_name = n.clone();
        }
    }
    Ok(())
}

/// Rows for `context`, or for the default context where a key has none.
fn in_context<T>(
    rows: Vec<T>,
    context: &str,
    key: impl Fn(&T) -> String,
    ctx: fn(&T) -> Option<&str>,
) -> Vec<T> {
    let level = |t: &T| ctx(t).unwrap_or(DEFAULT_CONTEXT).to_owned();
    let exact: HashSet<String> = rows
        .iter()
        .filter(|t| level(t) == context)
        .map(&key)
        .collect();
    rows.into_iter()
        .filter(|t| {
            let l = level(t);
            l == context || (l == DEFAULT_CONTEXT && !exact.contains(&key(t)))
        })
        .collect()
}

/// The reads of [`insights`], queued on a batch.
struct InsightReads {
    /// Tags, their insight texts and their actions (none without weak or
    /// strong areas).
    tags: Option<(
        Read<skill_tags::Model>,
        Read<tag_insights::Model>,
        Read<tag_actions::Model>,
    )>,
    leverage: Read<leverage::Model>,
}

/// The seed's Competency Analysis Flow (4 reads, one batch): active skill
/// tags of the framework and level in the weak and strong areas; their
/// weakness insights (weak areas) and strength insights (strong areas) for
/// the assessment's context level (falling back to `beginner`); the active
/// actions of weak areas' tags; and the active leverage strengths whose
/// score range holds a competency's score, by priority.
fn queue_insights(r: &impl Reader, s: &Scored, b: &mut Batch) -> InsightReads {
    let focus: Vec<String> = s.weak.iter().chain(&s.strong).cloned().collect();
    let tags = (!focus.is_empty()).then(|| {
        let tags = || {
            r.select::<skill_tags::Entity>()
                .filter(skill_tags::Column::Framework.eq(s.framework.as_str()))
                .filter(skill_tags::Column::IsActive.eq(true))
                .filter(skill_tags::Column::CompetencyArea.is_in(focus.clone()))
                .filter(skill_tags::Column::AssessmentLevel.eq(s.level.as_str()))
        };
        let ids = || tags().column(skill_tags::Column::Id);
        (
            b.read(tags().into_statement()),
            b.read(
                r.select::<tag_insights::Entity>()
                    .filter(tag_insights::Column::SkillTagId.in_subquery(ids()))
                    .order_by(tag_insights::Column::Id, Order::Asc)
                    .into_statement(),
            ),
            b.read(
                r.select::<tag_actions::Entity>()
                    .filter(tag_actions::Column::SkillTagId.in_subquery(ids()))
                    .filter(tag_actions::Column::IsActive.eq(true))
                    .order_by(tag_actions::Column::Id, Order::Asc)
                    .into_statement(),
            ),
        )
    });
    let leverage = b.read(
        r.select::<leverage::Entity>()
            .filter(leverage::Column::Framework.eq(s.framework.as_str()))
            .filter(leverage::Column::IsActive.eq(true))
            .filter(leverage::Column::CompetencyArea.is_in(areas(s)))
            .order_by(leverage::Column::PriorityOrder, Order::Asc)
            .order_by(leverage::Column::Id, Order::Asc)
            .into_statement(),
    );
    InsightReads { tags, leverage }
}

fn insights(s: &Scored, rows: &mut Rows, reads: InsightReads) -> Result<Insights> {
    let mut out = Insights::default();
    if let Some((tags, texts, actions)) = reads.tags {
        let mut tags = rows.take(tags)?;
        let rank = |area: &str| s.breakdown.iter().position(|c| c.competency_area == area);
        tags.sort_by(|a, b| {
            (rank(&a.competency_area), a.sort_order, &a.name).cmp(&(
                rank(&b.competency_area),
                b.sort_order,
                &b.name,
            ))
        });
        let texts = in_context(
            rows.take(texts)?,
            &s.context,
            |i| format!("{}:{}", i.skill_tag_id, i.insight_type),
            |i| i.context_level.as_deref(),
        );
        // One action per tag: the first by id when a tag has several.
        let mut first_action: HashMap<Uuid, String> = HashMap::new();
        for a in rows.take(actions)? {
            first_action.entry(a.skill_tag_id).or_insert(a.action_text);
        }
        for t in &tags {
            let weak = s.weak.contains(&t.competency_area);
            let kind = if weak {
                InsightType::Weakness
            } else {
                InsightType::Strength
            };
            if let Some(i) = texts
                .iter()
                .find(|i| i.skill_tag_id == t.id && i.insight_type == kind.as_str())
            {
                let insight = TagInsight {
                    skill_tag: t.name.clone(),
                    competency_area: t.competency_area.clone(),
                    text: i.insight_text.clone(),
                };
                if weak {
                    &mut out.weaknesses
                } else {
                    &mut out.strengths
                }
                .push(insight);
            }
            if let (true, Some(text)) = (weak, first_action.get(&t.id)) {
                out.actions.push(TagAction {
                    skill_tag: t.name.clone(),
                    competency_area: t.competency_area.clone(),
                    text: text.clone(),
                });
            }
        }
    }
    let score_of: HashMap<&str, i32> = s
        .breakdown
        .iter()
        .map(|c| (c.competency_area.as_str(), c.score))
        .collect();
    for l in in_context(
        rows.take(reads.leverage)?,
        &s.context,
        |l| l.competency_area.clone(),
        |l| l.context_level.as_deref(),
    ) {
        let score = score_of
            .get(l.competency_area.as_str())
            .copied()
            .unwrap_or(0);
        if (l.score_range_min..=l.score_range_max).contains(&score) {
            out.leverage.push(Leverage {
                competency_area: l.competency_area,
                score,
                text: l.leverage_text,
            });
        }
    }
    Ok(out)
}

/// `get_learning_paths_for_assessment(weak_areas, score)` (2 reads, one batch; the resources are those of every active
/// category of the level, kept for the categories that overlap):
/// active categories of the assessment's level ([`assessment_level`]: the
/// seed's body fixes `core-i`, the only level it had, and so does an
/// assessment whose questions name none) whose `competency_areas` overlap
/// the weak areas, by priority then title, each with its active resources
/// by type then title (titles in byte order, as every text sort). No weak
/// areas, no paths.
type PathReads = Option<(Read<categories::Model>, Read<resources::Model>)>;

fn queue_paths(r: &impl Reader, s: &Scored, b: &mut Batch) -> PathReads {
    if s.weak.is_empty() {
        return None;
    }
    let cats = || {
        r.select::<categories::Entity>()
            .filter(categories::Column::IsActive.eq(true))
            .filter(categories::Column::AssessmentLevel.eq(s.level.as_str()))
    };
    Some((
        b.read(
            cats()
                .order_by(categories::Column::PriorityOrder, Order::Asc)
                .order_by(categories::Column::CategoryTitle, Order::Asc)
                .order_by(categories::Column::Id, Order::Asc)
                .into_statement(),
        ),
        b.read(
            r.select::<resources::Entity>()
                .filter(
                    resources::Column::CategoryId
                        .in_subquery(cats().column(categories::Column::Id)),
                )
                .filter(resources::Column::IsActive.eq(true))
                .order_by(resources::Column::ResourceType, Order::Asc)
                .order_by(resources::Column::Title, Order::Asc)
                .order_by(resources::Column::Id, Order::Asc)
                .into_statement(),
        ),
    ))
}

fn learning_paths(s: &Scored, rows: &mut Rows, reads: PathReads) -> Result<Vec<LearningPath>> {
    let Some((cats, resources)) = reads else {
        return Ok(vec![]);
    };
    let overlaps = |areas: &Json| {
        areas.as_array().is_some_and(|a| {
            a.iter()
                .any(|v| v.as_str().is_some_and(|v| s.weak.iter().any(|w| w == v)))
        })
    };
    let cats: Vec<categories::Model> = rows
        .take(cats)?
        .into_iter()
        .filter(|c| overlaps(&c.competency_areas))
        .collect();
    let mut by_cat: HashMap<Uuid, Vec<PathResource>> = HashMap::new();
    for res in rows.take(resources)? {
        // The CHECK constraint admits only `ResourceType` values.
        let Ok(resource_type) = res.resource_type.parse() else {
            continue;
        };
        let competency_areas = res
            .competency_areas
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| Some(v.as_str()?.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        by_cat
            .entry(res.category_id)
            .or_default()
            .push(PathResource {
                title: res.title,
                description: res.description,
                resource_type,
                url: res.url,
                author: res.author_instructor,
                competency_areas,
            });
    }
    Ok(cats
        .into_iter()
        .map(|c| LearningPath {
            resources: by_cat.remove(&c.id).unwrap_or_default(),
            category_id: c.id,
            category_title: c.category_title,
            category_description: c.category_description,
            category_icon: c.category_icon,
        })
        .collect())
}

/// Everything about a completed attempt in one go (2 batches: one
/// statement each on PostgreSQL): score,
/// breakdown with display names, weak and strong areas, insights and
/// learning paths. `NOT_FOUND` if not visible, `CONFLICT` while in progress.
pub async fn result(r: &impl Reader, attempt_id: Uuid) -> Result<AssessmentResult> {
    let mut s = scored(r, attempt_id).await?;
    let mut b = r.batch();
    let names = queue_names(r, &s, &mut b);
    let insight_reads = queue_insights(r, &s, &mut b);
    let path_reads = queue_paths(r, &s, &mut b);
    let mut rows = b.run().await?;
    name_competencies(&mut s, &mut rows, names)?;
    let insights = insights(&s, &mut rows, insight_reads)?;
    let learning_paths = learning_paths(&s, &mut rows, path_reads)?;
    Ok(AssessmentResult {
        attempt_id: s.attempt.id,
        score: s.attempt.score,
        breakdown: s.breakdown,
        weak_areas: s.weak,
        strong_areas: s.strong,
        insights,
        learning_paths,
    })
}

/// The insights of a completed attempt the caller may read.
pub async fn attempt_insights(s: &Scope, attempt_id: Uuid) -> Result<Insights> {
    let scored = scored(s, attempt_id).await?;
    let mut b = s.batch();
    let reads = queue_insights(s, &scored, &mut b);
    insights(&scored, &mut b.run().await?, reads)
}

/// The learning paths for a completed attempt the caller may read.
pub async fn paths_for_attempt(s: &Scope, attempt_id: Uuid) -> Result<Vec<LearningPath>> {
    let scored = scored(s, attempt_id).await?;
    let mut b = s.batch();
    let reads = queue_paths(s, &scored, &mut b);
    learning_paths(&scored, &mut b.run().await?, reads)
}

/// [`result`] through a request scope.
pub async fn attempt_result(s: &Scope, attempt_id: Uuid) -> Result<AssessmentResult> {
    result(s, attempt_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_is_the_first_named_else_core_i() {
        assert_eq!(
            assessment_level([None, Some("core-ii"), Some("core-i")]),
            "core-ii"
        );
        assert_eq!(assessment_level([None, None]), DEFAULT_LEVEL);
        assert_eq!(assessment_level([]), "core-i");
    }

    #[test]
    fn percent_rounds_half_up_and_is_0_for_nothing() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(0, 3), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(3, 3), 100);
    }
}
