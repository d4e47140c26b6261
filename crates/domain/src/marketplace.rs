//! Expert marketplace (seed 001).
//!
//! - Talent: experts keep their own profile and testimonials; the seed's
//!   "Search Talent by Expertise" is one tenant-scoped statement.
//! - Engagements: clients open them with an expert; sessions are scheduled
//!   and completed within the hour budget (one atomic conditional `UPDATE`,
//!   never past `hours_total`); status follows pending → active ⇄ paused →
//!   completed / cancelled.
//! - Reviews: one per reviewer and target, moderated (pending → approved /
//!   rejected, approved → flagged → approved / rejected), voted on once per
//!   user, answered by the target's owner.
//! - Ratings: seed 001 has two triggers writing `talent_profiles.rating`
//!   (client satisfaction scores and approved expert reviews). Here one
//!   function, [`recompute_expert_rating`], writes it from both sources:
//!   the mean of every satisfaction score of the expert's engagements and
//!   every rating of their approved expert reviews; `review_count` counts
//!   the approved expert reviews. Workshops average their approved reviews.

use entity::{
    engagement_sessions as sessions, engagements,
    enums::{
        Availability, CoachingStyle, EngagementStatus, RegistrationStatus, ReviewStatus,
        ReviewType, SessionStatus, SessionType, TransformationStage,
    },
    review_votes as votes, reviews, talent_profiles as profiles,
    talent_testimonials as testimonials, workshop_registrations, workshops,
};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, DbBackend, Order,
    prelude::{DateTimeWithTimeZone, Decimal},
    sea_query::{Expr, ExprTrait},
};
use serde::Deserialize;
use store::{NoticeKind, Reader, Scope, Scoped, Topic, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result,
    decimal::{Least, checked},
    now,
    rules::{
        ANY_LENGTH, Texts, admin_only, insert_unique, non_negative, percent, signed_in, stored,
        text, texts,
    },
};

/// The average of `xs`, to 2 places (half away from zero, as SQL's round()).
pub fn average(xs: &[i32]) -> Decimal {
    if xs.is_empty() {
        return Decimal::ZERO;
    }
    let sum: i64 = xs.iter().map(|&x| i64::from(x)).sum();
    (Decimal::from(sum) / Decimal::from(xs.len() as i64))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

// ---------------------------------------------------------------------
// Ratings
// ---------------------------------------------------------------------

/// A rating and its review count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rating {
    pub rating: Decimal,
    pub review_count: i32,
}

/// An expert's `talent_profiles.rating` / `review_count`: the mean over
/// their client satisfaction scores and approved expert review ratings
/// together (0 with neither), and the number of approved expert reviews.
pub fn expert_rating(satisfaction: &[i32], approved_reviews: &[i32]) -> Rating {
    let all: Vec<i32> = satisfaction
        .iter()
        .chain(approved_reviews)
        .copied()
        .collect();
    Rating {
        rating: average(&all),
        review_count: approved_reviews.len() as i32,
    }
}

/// A workshop's `rating` / `review_count`: the mean of its approved
/// reviews' ratings (0 with none) and their number.
pub fn workshop_rating(approved_reviews: &[i32]) -> Rating {
    Rating {
        rating: average(approved_reviews),
        review_count: approved_reviews.len() as i32,
    }
}

/// Whether a session's hours count towards its engagement's `hours_used`:
/// the completed ones, by their `duration_hours`.
pub fn counts_hours(session_status: SessionStatus) -> bool {
    match session_status {
        SessionStatus::Completed => true,
        SessionStatus::Scheduled | SessionStatus::Cancelled | SessionStatus::NoShow => false,
    }
}

/// An engagement's `hours_used` from its sessions `(status, duration)`
/// (a status that is not a [`SessionStatus`] counts nothing).
/// [`complete_session`] keeps it so, one atomic addition per completion.
pub fn hours_used<'a>(sessions: impl IntoIterator<Item = (&'a str, Option<Decimal>)>) -> Decimal {
    sessions
        .into_iter()
        .filter(|(status, _)| status.parse().is_ok_and(counts_hours))
        .filter_map(|(_, hours)| hours)
        .sum()
}

/// The one writer of `talent_profiles.rating` / `review_count`
/// ([`expert_rating`]).
pub async fn recompute_expert_rating(w: &Write, expert: Uuid) -> Result<()> {
    let satisfaction: Vec<i32> = w
        .select_unrestricted::<engagements::Entity>()
        .filter(engagements::Column::ExpertId.eq(expert))
        .filter(engagements::Column::ClientSatisfactionScore.is_not_null())
        .all()
        .await?
        .into_iter()
        .filter_map(|e| e.client_satisfaction_score)
        .collect();
    let reviewed: Vec<i32> = w
        .select_unrestricted::<reviews::Entity>()
        .filter(reviews::Column::Status.eq(ReviewStatus::Approved.as_str()))
        .filter(reviews::Column::ReviewType.eq(ReviewType::Expert.as_str()))
        .filter(reviews::Column::ExpertId.eq(expert))
        .all()
        .await?
        .iter()
        .map(|r| r.rating)
        .collect();
    let r = expert_rating(&satisfaction, &reviewed);
    w.update::<profiles::Entity>(
        vec![
            (profiles::Column::Rating, Expr::val(r.rating)),
            (profiles::Column::ReviewCount, Expr::val(r.review_count)),
            (profiles::Column::UpdatedAt, Expr::val(now())),
        ],
        Condition::all().add(profiles::Column::UserId.eq(expert)),
    )
    .await?;
    Ok(())
}

/// A workshop's rating and review count from its approved reviews
/// ([`workshop_rating`]).
async fn recompute_workshop_rating(w: &Write, workshop: Uuid) -> Result<()> {
    let ratings: Vec<i32> = w
        .select_unrestricted::<reviews::Entity>()
        .filter(reviews::Column::Status.eq(ReviewStatus::Approved.as_str()))
        .filter(reviews::Column::ReviewType.eq(ReviewType::Workshop.as_str()))
        .filter(reviews::Column::WorkshopId.eq(workshop))
        .all()
        .await?
        .iter()
        .map(|r| r.rating)
        .collect();
    let r = workshop_rating(&ratings);
    w.update::<workshops::Entity>(
        vec![
            (workshops::Column::Rating, Expr::val(r.rating)),
            (workshops::Column::ReviewCount, Expr::val(r.review_count)),
            (workshops::Column::UpdatedAt, Expr::val(now())),
        ],
        Condition::all().add(workshops::Column::Id.eq(workshop)),
    )
    .await?;
    Ok(())
}

/// Recomputes the aggregate a review counts towards (engagement reviews
/// carry none).
async fn recompute_target(w: &Write, review: &reviews::Model) -> Result<()> {
    match (review.expert_id, review.workshop_id) {
        (Some(expert), _) => recompute_expert_rating(w, expert).await,
        (_, Some(workshop)) => recompute_workshop_rating(w, workshop).await,
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------
// Talent
// ---------------------------------------------------------------------

/// The fields of the caller's talent profile; absent ones keep their value
/// (or the column default on creation).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileInput {
    pub tagline: Option<String>,
    pub bio: Option<String>,
    pub expertise: Option<Vec<String>>,
    pub industries: Option<Vec<String>>,
    pub transformation_stages: Option<Vec<TransformationStage>>,
    pub coaching_style: Option<CoachingStyle>,
    pub years_experience: Option<i32>,
    pub transformation_success_rate: Option<i32>,
    pub behavior_change_score: Option<i32>,
    pub client_retention_rate: Option<i32>,
    pub cultures_transformed: Option<i32>,
    pub hourly_rate: Option<Decimal>,
    pub availability: Option<Availability>,
    pub is_public: Option<bool>,
    pub accepting_clients: Option<bool>,
}

/// Sets `$field` of the active model from `$v` when given.
macro_rules! set_some {
    ($am:ident, $($field:ident = $v:expr),* $(,)?) => {
        $(if let Some(v) = $v { $am.$field = Set(v); })*
    };
}

/// Creates or updates the caller's own talent profile (seed 001: "experts
/// create/update own profile"; experts are coaches, admins may too).
pub async fn upsert_profile(w: &Write, input: ProfileInput) -> Result<profiles::Model> {
    let user = signed_in(w.principal(), "keep a talent profile")?;
    let p = w.principal();
    if !p.has_role(auth::Role::Coach) && !auth::policy::is_admin(p) {
        return Err(DomainError::Forbidden(
            "only experts (coaches) keep a talent profile".into(),
        ));
    }
    let i = input;
    let expertise = i
        .expertise
        .map(|v| texts("expertise", &v, Texts::DISTINCT))
        .transpose()?;
    let industries = i
        .industries
        .map(|v| texts("industries", &v, Texts::DISTINCT))
        .transpose()?;
    let stages = i
        .transformation_stages
        .map(|v| {
            let v: Vec<String> = v.iter().map(|s| s.as_str().to_owned()).collect();
            texts("transformationStages", &v, Texts::DISTINCT)
        })
        .transpose()?;
    let style = i.coaching_style.map(|s| s.as_str().to_owned());
    let availability = i.availability.map(|s| s.as_str().to_owned());
    let rate = i
        .hourly_rate
        .map(|r| {
            checked(
                "hourlyRate",
                profiles::Column::HourlyRate,
                r,
                Least::Zero,
                None,
            )
        })
        .transpose()?;
    // Given or not: checked only when given.
    let pct = |field, v: Option<i32>| v.map(|v| percent(field, v)).transpose();
    let count = |field, v: Option<i32>| v.map(|v| non_negative(field, v)).transpose();
    let success = pct("transformationSuccessRate", i.transformation_success_rate)?;
    let change = pct("behaviorChangeScore", i.behavior_change_score)?;
    let retention = pct("clientRetentionRate", i.client_retention_rate)?;
    let years = count("yearsExperience", i.years_experience)?;
    let cultures = count("culturesTransformed", i.cultures_transformed)?;
    let existing = w
        .select_unrestricted::<profiles::Entity>()
        .filter(profiles::Column::UserId.eq(user))
        .one()
        .await?;
    let at = now();
    let mut am = profiles::ActiveModel {
        updated_at: Set(at),
        ..Default::default()
    };
    set_some!(
        am,
        tagline = i.tagline.map(Some),
        bio = i.bio.map(Some),
        expertise = expertise,
        industries = industries,
        transformation_stages = stages,
        coaching_style = style.map(Some),
        availability = availability,
        hourly_rate = rate.map(Some),
        transformation_success_rate = success.map(Some),
        behavior_change_score = change.map(Some),
        client_retention_rate = retention.map(Some),
        years_experience = years.map(Some),
        cultures_transformed = cultures,
        is_public = i.is_public,
        accepting_clients = i.accepting_clients,
    );
    match existing {
        Some(old) => {
            am.id = Set(old.id);
            am.user_id = Set(user);
            am.tenant_id = Set(old.tenant_id);
            let set: Vec<(profiles::Column, Expr)> = changed(&am);
            w.update::<profiles::Entity>(
                set,
                Condition::all().add(profiles::Column::Id.eq(old.id)),
            )
            .await?;
            crate::visible::<profiles::Entity>(w, old.id, "talent profile").await
        }
        None => {
            am.id = Set(Uuid::new_v4());
            am.user_id = Set(user);
            am.created_at = Set(at);
            for (col, default) in [
                (&mut am.expertise, serde_json::json!([])),
                (&mut am.industries, serde_json::json!([])),
                (&mut am.transformation_stages, serde_json::json!([])),
            ] {
                if matches!(col, NotSet) {
                    *col = Set(default);
                }
            }
            insert_unique(w, am, "you already have a talent profile").await
        }
    }
}

/// The set columns of `am` other than its keys, as `UPDATE` pairs.
fn changed(am: &profiles::ActiveModel) -> Vec<(profiles::Column, Expr)> {
    use sea_orm::{ActiveModelTrait, Iterable};
    profiles::Column::iter()
        .filter(|c| {
            !matches!(
                c,
                profiles::Column::Id
                    | profiles::Column::TenantId
                    | profiles::Column::UserId
                    | profiles::Column::CreatedAt
            )
        })
        .filter_map(|c| match am.get(c) {
            sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => {
                Some((c, Expr::val(v)))
            }
            NotSet => None,
        })
        .collect()
}

/// A testimonial for a talent profile.
#[derive(Debug)]
pub struct NewTestimonial {
    pub client_name: String,
    pub client_company: Option<String>,
    pub quote: String,
    pub metric: Option<String>,
    pub is_featured: bool,
}

/// Adds a testimonial to a profile the caller owns (admins: any visible
/// profile; theirs count as verified).
pub async fn add_testimonial(
    w: &Write,
    profile_id: Uuid,
    t: NewTestimonial,
) -> Result<testimonials::Model> {
    let user = signed_in(w.principal(), "add a testimonial")?;
    let profile = crate::visible::<profiles::Entity>(w, profile_id, "talent profile").await?;
    let admin = auth::policy::is_admin(w.principal());
    if profile.user_id != user && !admin {
        return Err(DomainError::Forbidden(
            "only the profile's expert adds testimonials".into(),
        ));
    }
    let am = testimonials::ActiveModel {
        id: Set(Uuid::new_v4()),
        talent_profile_id: Set(profile.id),
        client_name: Set(text("clientName", &t.client_name, ANY_LENGTH)?),
        client_company: Set(t.client_company),
        quote: Set(text("quote", &t.quote, ANY_LENGTH)?),
        metric: Set(t.metric),
        verified: Set(admin),
        is_featured: Set(t.is_featured),
        created_at: Set(now()),
        ..Default::default()
    };
    Ok(w.insert(am).await?)
}

/// The seed's "Search Talent by Expertise".
#[derive(Debug, Default)]
pub struct TalentSearch {
    /// Any of these (the seed's array overlap `expertise && ARRAY[…]`);
    /// `None`: no condition. An empty list overlaps nothing, so it matches
    /// no profile, as `expertise && ARRAY[]` does.
    pub expertise: Option<Vec<String>>,
    pub min_rating: Option<Decimal>,
    /// Any of these availabilities; `None`: no condition. An empty list
    /// matches none, like an empty `expertise` (and SQL's `IN ()`).
    pub availability: Option<Vec<Availability>>,
    pub first: u64,
}

/// Public profiles accepting clients whose expertise overlaps, rated at
/// least `min_rating`, best rated first (then most reviewed, then id),
/// through the caller's read rules: the query, for the caller to run or
/// compose into a larger statement (it chooses the columns). `None` for an
/// empty `expertise` or `availability` list, which matches no profile
/// without asking the database.
pub fn search_talent(s: &Scope, q: TalentSearch) -> Result<Option<Scoped<profiles::Entity>>> {
    if let Some(r) = q.min_rating
        && !(Decimal::ZERO..=Decimal::from(5)).contains(&r)
    {
        return Err(DomainError::BadInput(
            "minRating must be between 0 and 5".into(),
        ));
    }
    if q.expertise.as_ref().is_some_and(Vec::is_empty)
        || q.availability.as_ref().is_some_and(Vec::is_empty)
    {
        return Ok(None);
    }
    let mut sel = s
        .select::<profiles::Entity>()
        .filter(profiles::Column::IsPublic.eq(true))
        .filter(profiles::Column::AcceptingClients.eq(true));
    if let Some(expertise) = &q.expertise {
        sel = sel.filter(overlaps(
            s.backend(),
            "talent_profiles",
            "expertise",
            expertise,
        ));
    }
    if let Some(r) = q.min_rating {
        sel = sel.filter(profiles::Column::Rating.gte(r));
    }
    if let Some(availability) = q.availability {
        sel = sel
            .filter(profiles::Column::Availability.is_in(availability.iter().map(|a| a.as_str())));
    }
    Ok(Some(
        sel.order_by(profiles::Column::Rating, Order::Desc)
            .order_by(profiles::Column::ReviewCount, Order::Desc)
            .order_by(profiles::Column::Id, Order::Asc)
            .limit(q.first),
    ))
}

/// The JSON array `table.col` shares an element with `values` (the seeds'
/// `&&`): `@>` per value on PostgreSQL (served by the GIN index),
/// `json_each` on SQLite.
fn overlaps(backend: DbBackend, table: &str, col: &str, values: &[String]) -> Condition {
    let col = format!("\"{table}\".\"{col}\"");
    if backend == DbBackend::Postgres {
        values.iter().fold(Condition::any(), |c, v| {
            c.add(Expr::cust_with_values(
                format!("{col} @> CAST($1 AS jsonb)"),
                [serde_json::json!([v]).to_string()],
            ))
        })
    } else {
        let marks = vec!["?"; values.len()].join(", ");
        Condition::all().add(Expr::cust_with_values(
            format!("EXISTS (SELECT 1 FROM json_each({col}) WHERE json_each.value IN ({marks}))"),
            values.iter().cloned(),
        ))
    }
}

// ---------------------------------------------------------------------
// Engagements and sessions
// ---------------------------------------------------------------------

/// A new engagement with the expert of a talent profile.
#[derive(Debug)]
pub struct NewEngagement {
    pub focus_area: String,
    pub hours_total: Decimal,
    pub hourly_rate: Option<Decimal>,
    pub deliverables: Option<serde_json::Value>,
    pub milestones: Option<serde_json::Value>,
}

fn json_array(field: &str, v: Option<serde_json::Value>) -> Result<serde_json::Value> {
    match v {
        None => Ok(serde_json::json!([])),
        Some(a @ serde_json::Value::Array(_)) => Ok(a),
        Some(_) => Err(DomainError::BadInput(format!(
            "{field} must be a JSON array"
        ))),
    }
}

/// The caller, as client (seed 001: "clients create"; admins too), opens a
/// pending engagement with the profile's expert in the caller's
/// organization; `hours_used` starts at 0.
pub async fn create_engagement(
    w: &Write,
    profile_id: Uuid,
    e: NewEngagement,
) -> Result<engagements::Model> {
    let user = signed_in(w.principal(), "open an engagement")?;
    let p = w.principal();
    let profile = crate::visible::<profiles::Entity>(w, profile_id, "talent profile").await?;
    if !p.has_role(auth::Role::Client) && !auth::policy::is_admin(p) {
        return Err(DomainError::Forbidden(
            "only clients open engagements".into(),
        ));
    }
    if profile.user_id == user {
        return Err(DomainError::Forbidden("you cannot engage yourself".into()));
    }
    let am = engagements::ActiveModel {
        id: Set(Uuid::new_v4()),
        client_id: Set(user),
        expert_id: Set(profile.user_id),
        organization_id: Set(p.organization_id),
        focus_area: Set(text("focusArea", &e.focus_area, ANY_LENGTH)?),
        hours_total: Set(checked(
            "hoursTotal",
            engagements::Column::HoursTotal,
            e.hours_total,
            Least::AboveZero,
            None,
        )?),
        hours_used: Set(Decimal::ZERO),
        hourly_rate: Set(match e.hourly_rate {
            Some(r) => Some(checked(
                "hourlyRate",
                engagements::Column::HourlyRate,
                r,
                Least::Zero,
                None,
            )?),
            None => profile.hourly_rate,
        }),
        status: Set(EngagementStatus::Pending.as_str().into()),
        deliverables: Set(json_array("deliverables", e.deliverables)?),
        milestones: Set(json_array("milestones", e.milestones)?),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    };
    let booked = match stored(&profile.availability)? {
        Availability::Booked => true,
        Availability::Available | Availability::Limited => false,
    };
    if !profile.accepting_clients || booked {
        return Err(DomainError::Conflict(
            "the expert is not accepting clients".into(),
        ));
    }
    Ok(w.insert(am).await?)
}

/// An engagement the caller is a party to (admins: any visible one), with
/// whether the caller is its expert.
async fn party_engagement(w: &Write, id: Uuid, what: &str) -> Result<(engagements::Model, bool)> {
    let user = signed_in(w.principal(), "work on an engagement")?;
    let e = crate::visible::<engagements::Entity>(w, id, "engagement").await?;
    if e.client_id != user && e.expert_id != user && !auth::policy::is_admin(w.principal()) {
        return Err(DomainError::Forbidden(format!(
            "only the engagement's client or expert may {what}"
        )));
    }
    let expert = e.expert_id == user;
    Ok((e, expert))
}

/// Where an engagement in `from` may go: pending → active / cancelled,
/// active → paused / completed / cancelled, paused → active / cancelled;
/// completed and cancelled are final.
pub fn engagement_moves(from: EngagementStatus) -> &'static [EngagementStatus] {
    use EngagementStatus as S;
    match from {
        S::Pending => &[S::Active, S::Cancelled],
        S::Active => &[S::Paused, S::Completed, S::Cancelled],
        S::Paused => &[S::Active, S::Cancelled],
        S::Completed | S::Cancelled => &[],
    }
}

/// Moves an engagement along pending → active (the expert accepts; admins
/// too) / cancelled, active → paused / completed / cancelled, paused →
/// active / cancelled (seed 001: "both parties update"). `CONFLICT` for any
/// other move, atomically against a concurrent one.
pub async fn set_engagement_status(
    w: &Write,
    engagement_id: Uuid,
    status: EngagementStatus,
) -> Result<engagements::Model> {
    let (e, is_expert) = party_engagement(w, engagement_id, "change its status").await?;
    let from = stored::<EngagementStatus>(&e.status)?;
    if !engagement_moves(from).contains(&status) {
        return Err(DomainError::Conflict(format!(
            "an engagement cannot go from {from} to {status}"
        )));
    }
    if from == EngagementStatus::Pending
        && status == EngagementStatus::Active
        && !is_expert
        && !auth::policy::is_admin(w.principal())
    {
        return Err(DomainError::Forbidden(
            "only the expert accepts a pending engagement".into(),
        ));
    }
    let changed = w
        .update::<engagements::Entity>(
            vec![
                (engagements::Column::Status, Expr::val(status.as_str())),
                (engagements::Column::UpdatedAt, Expr::val(now())),
            ],
            Condition::all()
                .add(engagements::Column::Id.eq(engagement_id))
                .add(engagements::Column::Status.eq(e.status.clone())),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::Conflict(
            "the engagement changed meanwhile".into(),
        ));
    }
    crate::visible::<engagements::Entity>(w, engagement_id, "engagement").await
}

/// Schedules a session of a pending or active engagement the caller is a
/// party to, while hours are left.
pub async fn schedule_session(
    w: &Write,
    engagement_id: Uuid,
    session_type: SessionType,
    scheduled_at: DateTimeWithTimeZone,
) -> Result<sessions::Model> {
    let (e, _) = party_engagement(w, engagement_id, "schedule its sessions").await?;
    match stored(&e.status)? {
        EngagementStatus::Pending | EngagementStatus::Active => {}
        s @ (EngagementStatus::Paused
        | EngagementStatus::Completed
        | EngagementStatus::Cancelled) => {
            return Err(DomainError::Conflict(format!("the engagement is {s}")));
        }
    }
    if e.hours_used >= e.hours_total {
        return Err(DomainError::Conflict(
            "the engagement has no hours left".into(),
        ));
    }
    let at = now();
    let am = sessions::ActiveModel {
        id: Set(Uuid::new_v4()),
        engagement_id: Set(e.id),
        session_type: Set(session_type.as_str().into()),
        scheduled_at: Set(scheduled_at),
        action_items: Set(serde_json::json!([])),
        status: Set(SessionStatus::Scheduled.as_str().into()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    Ok(w.insert(am).await?)
}

/// Completes a scheduled session of an engagement the caller is a party to
/// (or any, for admins) and adds its hours to the engagement's `hours_used`.
pub async fn complete_session(
    w: &Write,
    session_id: Uuid,
    duration_hours: Decimal,
    notes: Option<String>,
) -> Result<sessions::Model> {
    let duration_hours = checked(
        "durationHours",
        sessions::Column::DurationHours,
        duration_hours,
        Least::AboveZero,
        None,
    )?;
    signed_in(w.principal(), "complete a session")?;
    let session = crate::visible::<sessions::Entity>(w, session_id, "engagement session").await?;
    let (engagement, _) =
        party_engagement(w, session.engagement_id, "complete its sessions").await?;
    match stored(&session.status)? {
        SessionStatus::Scheduled => {}
        SessionStatus::Completed | SessionStatus::Cancelled | SessionStatus::NoShow => {
            return Err(DomainError::Conflict("the session is not scheduled".into()));
        }
    }
    let at = now();
    let completed = w
        .update::<sessions::Entity>(
            vec![
                (
                    sessions::Column::Status,
                    Expr::val(SessionStatus::Completed.as_str()),
                ),
                (sessions::Column::EndedAt, Expr::val(at)),
                (sessions::Column::DurationHours, Expr::val(duration_hours)),
                (sessions::Column::SessionNotes, Expr::val(notes)),
                (sessions::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(sessions::Column::Id.eq(session_id))
                .add(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str())),
        )
        .await?;
    if completed == 0 {
        return Err(DomainError::Conflict("the session is not scheduled".into()));
    }
    // One atomic check-and-add: concurrent completions never overspend.
    let spent = w
        .update::<engagements::Entity>(
            vec![
                (
                    engagements::Column::HoursUsed,
                    Expr::col(engagements::Column::HoursUsed).add(duration_hours),
                ),
                (engagements::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(engagements::Column::Id.eq(session.engagement_id))
                .add(
                    Expr::col(engagements::Column::HoursUsed)
                        .add(duration_hours)
                        .lte(Expr::col(engagements::Column::HoursTotal)),
                ),
        )
        .await?;
    if spent == 0 {
        return Err(DomainError::Conflict(
            "the session's duration exceeds the engagement's hours".into(),
        ));
    }
    for user in [engagement.client_id, engagement.expert_id] {
        w.publish(Topic::Notice {
            user,
            kind: NoticeKind::SessionCompleted,
            id: session_id,
        })
        .await?;
    }
    crate::visible::<sessions::Entity>(w, session_id, "engagement session").await
}

/// The client rates their engagement 1–5; the expert's rating is
/// recomputed ([`recompute_expert_rating`]).
pub async fn rate_engagement(
    w: &Write,
    engagement_id: Uuid,
    score: i32,
) -> Result<engagements::Model> {
    if !(1..=5).contains(&score) {
        return Err(DomainError::BadInput("score must be 1–5".into()));
    }
    let user = signed_in(w.principal(), "rate an engagement")?;
    let engagement = crate::visible::<engagements::Entity>(w, engagement_id, "engagement").await?;
    if engagement.client_id != user {
        return Err(DomainError::Forbidden(
            "only the engagement's client may rate it".into(),
        ));
    }
    w.update::<engagements::Entity>(
        vec![
            (
                engagements::Column::ClientSatisfactionScore,
                Expr::val(score),
            ),
            (engagements::Column::UpdatedAt, Expr::val(now())),
        ],
        Condition::all().add(engagements::Column::Id.eq(engagement_id)),
    )
    .await?;
    recompute_expert_rating(w, engagement.expert_id).await?;
    crate::visible::<engagements::Entity>(w, engagement_id, "engagement").await
}

// ---------------------------------------------------------------------
// Reviews
// ---------------------------------------------------------------------

/// What a review is about: exactly one.
#[derive(Debug, Clone, Copy)]
pub enum ReviewTarget {
    TalentProfile(Uuid),
    Workshop(Uuid),
    Engagement(Uuid),
}

impl ReviewTarget {
    /// The one target among the optional ids, else `BadInput`.
    pub fn exactly_one(
        profile: Option<Uuid>,
        workshop: Option<Uuid>,
        engagement: Option<Uuid>,
    ) -> Result<Self> {
        match (profile, workshop, engagement) {
            (Some(p), None, None) => Ok(Self::TalentProfile(p)),
            (None, Some(w), None) => Ok(Self::Workshop(w)),
            (None, None, Some(e)) => Ok(Self::Engagement(e)),
            _ => Err(DomainError::BadInput(
                "give exactly one of talentProfileId, workshopId, engagementId".into(),
            )),
        }
    }
}

/// A review's content.
#[derive(Debug)]
pub struct NewReview {
    pub rating: i32,
    pub title: Option<String>,
    pub review_text: String,
    /// Content quality, delivery, value, impact (each 1–5, optional).
    pub detailed: [Option<i32>; 4],
}

/// The caller reviews a target they bought (seed 001: "users create for
/// verified purchases"): a workshop they hold a live registration for, an
/// expert they have an engagement with as client, or their own engagement.
/// One review per reviewer and target (`CONFLICT`); it starts pending.
pub async fn create_review(
    w: &Write,
    target: ReviewTarget,
    r: NewReview,
) -> Result<reviews::Model> {
    let user = signed_in(w.principal(), "review")?;
    for v in std::iter::once(Some(r.rating)).chain(r.detailed) {
        if v.is_some_and(|v| !(1..=5).contains(&v)) {
            return Err(DomainError::BadInput("ratings must be 1–5".into()));
        }
    }
    let review_text = text("reviewText", &r.review_text, ANY_LENGTH)?;
    let (kind, workshop, expert, engagement, bought) = match target {
        ReviewTarget::TalentProfile(id) => {
            let p = crate::visible::<profiles::Entity>(w, id, "talent profile").await?;
            let bought = w
                .select_unrestricted::<engagements::Entity>()
                .filter(engagements::Column::ClientId.eq(user))
                .filter(engagements::Column::ExpertId.eq(p.user_id))
                .count()
                .await?
                > 0;
            (ReviewType::Expert, None, Some(p.user_id), None, bought)
        }
        ReviewTarget::Workshop(id) => {
            let wk = crate::visible::<workshops::Entity>(w, id, "workshop").await?;
            let bought = w
                .select_unrestricted::<workshop_registrations::Entity>()
                .filter(workshop_registrations::Column::WorkshopId.eq(wk.id))
                .filter(workshop_registrations::Column::UserId.eq(user))
                .filter(
                    workshop_registrations::Column::Status
                        .ne(RegistrationStatus::Cancelled.as_str()),
                )
                .count()
                .await?
                > 0;
            (ReviewType::Workshop, Some(wk.id), None, None, bought)
        }
        ReviewTarget::Engagement(id) => {
            let e = crate::visible::<engagements::Entity>(w, id, "engagement").await?;
            (
                ReviewType::Engagement,
                None,
                None,
                Some(e.id),
                e.client_id == user,
            )
        }
    };
    if !bought {
        return Err(DomainError::Forbidden(
            "only verified customers review: register, engage or be the engagement's client first"
                .into(),
        ));
    }
    let at = now();
    let [cq, dl, vl, im] = r.detailed;
    let am = reviews::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user),
        review_type: Set(kind.as_str().into()),
        workshop_id: Set(workshop),
        expert_id: Set(expert),
        engagement_id: Set(engagement),
        rating: Set(r.rating),
        title: Set(r
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())),
        review_text: Set(review_text),
        content_quality_rating: Set(cq),
        delivery_rating: Set(dl),
        value_rating: Set(vl),
        impact_rating: Set(im),
        verified_purchase: Set(true),
        status: Set(ReviewStatus::Pending.as_str().into()),
        helpful_count: Set(0),
        not_helpful_count: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    insert_unique(w, am, "you already reviewed this").await
}

/// Moves a review from one of `from` to `to`, atomically, and recomputes
/// its target's rating.
async fn moderate(
    w: &Write,
    review_id: Uuid,
    from: &[ReviewStatus],
    to: ReviewStatus,
) -> Result<reviews::Model> {
    let review = crate::visible::<reviews::Entity>(w, review_id, "review").await?;
    let changed = w
        .update::<reviews::Entity>(
            vec![
                (reviews::Column::Status, Expr::val(to.as_str())),
                (reviews::Column::UpdatedAt, Expr::val(now())),
            ],
            Condition::all()
                .add(reviews::Column::Id.eq(review_id))
                .add(reviews::Column::Status.is_in(from.iter().map(|s| s.as_str()))),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::Conflict(format!(
            "the review is {}, not {}",
            review.status,
            from.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    recompute_target(w, &review).await?;
    // A flagged review leaves the reporter's view; they still get the row
    // they just changed.
    w.select_unrestricted::<reviews::Entity>()
        .filter(reviews::Column::Id.eq(review_id))
        .one()
        .await?
        .ok_or(DomainError::NotFound("review"))
}

/// An admin approves a pending or flagged review; its target's rating and
/// review count are recomputed.
pub async fn approve_review(w: &Write, review_id: Uuid) -> Result<reviews::Model> {
    admin_only(w.principal(), "approve reviews")?;
    let review = moderate(
        w,
        review_id,
        &[ReviewStatus::Pending, ReviewStatus::Flagged],
        ReviewStatus::Approved,
    )
    .await?;
    w.publish(Topic::Notice {
        user: review.user_id,
        kind: NoticeKind::ReviewApproved,
        id: review.id,
    })
    .await?;
    Ok(review)
}

/// An admin rejects a pending or flagged review.
pub async fn reject_review(w: &Write, review_id: Uuid) -> Result<reviews::Model> {
    admin_only(w.principal(), "reject reviews")?;
    moderate(
        w,
        review_id,
        &[ReviewStatus::Pending, ReviewStatus::Flagged],
        ReviewStatus::Rejected,
    )
    .await
}

/// Any signed-in member reports an approved review: it is flagged for
/// moderation, no longer public and no longer counted in ratings.
pub async fn flag_review(w: &Write, review_id: Uuid) -> Result<reviews::Model> {
    signed_in(w.principal(), "flag a review")?;
    moderate(
        w,
        review_id,
        &[ReviewStatus::Approved],
        ReviewStatus::Flagged,
    )
    .await
}

/// The caller votes an approved review (not their own) helpful or not,
/// once; the matching counter goes up by exactly one.
pub async fn vote_review(w: &Write, review_id: Uuid, helpful: bool) -> Result<reviews::Model> {
    let user = signed_in(w.principal(), "vote on a review")?;
    let review = crate::visible::<reviews::Entity>(w, review_id, "review").await?;
    if review.user_id == user {
        return Err(DomainError::Forbidden(
            "you cannot vote on your own review".into(),
        ));
    }
    match stored(&review.status)? {
        ReviewStatus::Approved => {}
        ReviewStatus::Pending | ReviewStatus::Rejected | ReviewStatus::Flagged => {
            return Err(DomainError::Conflict(
                "only approved reviews take votes".into(),
            ));
        }
    }
    let vote = votes::ActiveModel {
        id: Set(Uuid::new_v4()),
        review_id: Set(review.id),
        user_id: Set(user),
        helpful: Set(helpful),
        created_at: Set(now()),
        ..Default::default()
    };
    insert_unique(w, vote, "you already voted on this review").await?;
    let col = if helpful {
        reviews::Column::HelpfulCount
    } else {
        reviews::Column::NotHelpfulCount
    };
    w.update::<reviews::Entity>(
        vec![(col, Expr::col(col).add(1))],
        Condition::all().add(reviews::Column::Id.eq(review.id)),
    )
    .await?;
    crate::visible::<reviews::Entity>(w, review_id, "review").await
}

/// The review's target's owner (the expert reviewed, the workshop's
/// instructor, the engagement's expert; admins too) answers it, once.
pub async fn respond_to_review(
    w: &Write,
    review_id: Uuid,
    response: String,
) -> Result<reviews::Model> {
    let user = signed_in(w.principal(), "respond to a review")?;
    let response = text("text", &response, ANY_LENGTH)?;
    let review = crate::visible::<reviews::Entity>(w, review_id, "review").await?;
    let owner = match (review.expert_id, review.workshop_id, review.engagement_id) {
        (Some(expert), _, _) => Some(expert),
        (_, Some(id), _) => w
            .select_unrestricted::<workshops::Entity>()
            .filter(workshops::Column::Id.eq(id))
            .one()
            .await?
            .and_then(|wk| wk.instructor_id),
        (_, _, Some(id)) => w
            .select_unrestricted::<engagements::Entity>()
            .filter(engagements::Column::Id.eq(id))
            .one()
            .await?
            .map(|e| e.expert_id),
        _ => None,
    };
    if owner != Some(user) && !auth::policy::is_admin(w.principal()) {
        return Err(DomainError::Forbidden(
            "only the reviewed expert or instructor responds".into(),
        ));
    }
    let at = now();
    let changed = w
        .update::<reviews::Entity>(
            vec![
                (reviews::Column::ResponseText, Expr::val(response)),
                (reviews::Column::ResponseBy, Expr::val(user)),
                (reviews::Column::RespondedAt, Expr::val(at)),
                (reviews::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(reviews::Column::Id.eq(review_id))
                .add(reviews::Column::ResponseText.is_null()),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::Conflict(
            "the review already has a response".into(),
        ));
    }
    w.publish(Topic::Notice {
        user: review.user_id,
        kind: NoticeKind::ReviewAnswered,
        id: review_id,
    })
    .await?;
    crate::visible::<reviews::Entity>(w, review_id, "review").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engagements_move_forward_and_end() {
        use EngagementStatus as S;
        for from in S::ALL {
            for to in engagement_moves(*from) {
                assert_ne!(from, to, "no move to the same status");
                assert!(
                    !engagement_moves(*to).is_empty() || matches!(to, S::Completed | S::Cancelled)
                );
            }
        }
        assert!(engagement_moves(S::Pending).contains(&S::Active));
        assert!(!engagement_moves(S::Pending).contains(&S::Completed));
        assert!(engagement_moves(S::Paused).contains(&S::Active));
        assert!(engagement_moves(S::Completed).is_empty());
        assert!(engagement_moves(S::Cancelled).is_empty());
        // Every live engagement can still be called off.
        for from in [S::Pending, S::Active, S::Paused] {
            assert!(engagement_moves(from).contains(&S::Cancelled));
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn ratings_average_to_two_places() {
        assert_eq!(
            workshop_rating(&[]),
            Rating {
                rating: Decimal::ZERO,
                review_count: 0
            }
        );
        assert_eq!(
            workshop_rating(&[5, 4, 5]),
            Rating {
                rating: d("4.67"),
                review_count: 3
            }
        );
        // Satisfaction scores count in the mean, not in the review count.
        assert_eq!(
            expert_rating(&[4], &[5, 4]),
            Rating {
                rating: d("4.33"),
                review_count: 2
            }
        );
        // Half away from zero: 4.125 → 4.13.
        assert_eq!(average(&[4, 4, 4, 4, 4, 4, 5, 4]).to_string(), "4.13");
    }

    #[test]
    fn completed_sessions_count_their_hours() {
        assert_eq!(
            hours_used([
                ("completed", Some(d("1.50"))),
                ("scheduled", None),
                ("cancelled", Some(d("2"))),
                ("completed", Some(d("2.25"))),
            ]),
            d("3.75")
        );
    }
}
