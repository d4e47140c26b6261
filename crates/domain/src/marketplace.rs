//! Expert marketplace (seed 001): completing a session spends engagement
//! hours (one atomic conditional `UPDATE`, never past `hours_total`); the
//! client's satisfaction score feeds the expert's rating (the seed's trigger
//! "updates expert rating when client_satisfaction_score is added"); an
//! approved review recomputes its target's rating and review count.

use entity::{engagement_sessions as sessions, engagements, reviews, talent_profiles, workshops};
use sea_orm::{
    ColumnTrait, Condition,
    prelude::Decimal,
    sea_query::{Expr, ExprTrait},
};
use store::Write;
use uuid::Uuid;

use crate::{DomainError, Result, now};

fn me(w: &Write) -> Result<Uuid> {
    w.principal()
        .user_id
        .ok_or_else(|| DomainError::Forbidden("sign in".into()))
}

/// The average of `xs`, to 2 places (half away from zero, as SQL's round()).
fn average(xs: &[i32]) -> Decimal {
    if xs.is_empty() {
        return Decimal::ZERO;
    }
    let sum: i64 = xs.iter().map(|&x| i64::from(x)).sum();
    (Decimal::from(sum) / Decimal::from(xs.len() as i64))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Completes a scheduled session of an engagement the caller is a party to
/// (or any, for admins) and adds its hours to the engagement's `hours_used`.
pub async fn complete_session(
    w: &Write,
    session_id: Uuid,
    duration_hours: Decimal,
    notes: Option<String>,
) -> Result<sessions::Model> {
    if duration_hours <= Decimal::ZERO
        || duration_hours > Decimal::new(99_999, 2)
        || duration_hours.normalize().scale() > 2
    {
        return Err(DomainError::BadInput(
            "durationHours must be greater than 0 and at most 999.99, with at most 2 decimals"
                .into(),
        ));
    }
    let user = me(w)?;
    let session = crate::visible::<sessions::Entity>(w, session_id, "engagement session").await?;
    let engagement = w
        .select_unrestricted::<engagements::Entity>()
        .filter(engagements::Column::Id.eq(session.engagement_id))
        .one()
        .await?
        .ok_or(DomainError::NotFound("engagement"))?;
    if engagement.client_id != user
        && engagement.expert_id != user
        && !auth::policy::is_admin(w.principal())
    {
        return Err(DomainError::Forbidden(
            "only the engagement's client or expert may complete its sessions".into(),
        ));
    }
    if session.status != "scheduled" {
        return Err(DomainError::Conflict("the session is not scheduled".into()));
    }
    let at = now();
    let completed = w
        .update::<sessions::Entity>(
            vec![
                (sessions::Column::Status, Expr::val("completed")),
                (sessions::Column::EndedAt, Expr::val(at)),
                (sessions::Column::DurationHours, Expr::val(duration_hours)),
                (sessions::Column::SessionNotes, Expr::val(notes)),
                (sessions::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(sessions::Column::Id.eq(session_id))
                .add(sessions::Column::Status.eq("scheduled")),
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
                .add(engagements::Column::Id.eq(engagement.id))
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
    crate::visible::<sessions::Entity>(w, session_id, "engagement session").await
}

/// The client rates their engagement 1–5; the expert's rating becomes the
/// average satisfaction score over their rated engagements.
pub async fn rate_engagement(
    w: &Write,
    engagement_id: Uuid,
    score: i32,
) -> Result<engagements::Model> {
    if !(1..=5).contains(&score) {
        return Err(DomainError::BadInput("score must be 1–5".into()));
    }
    let user = me(w)?;
    let engagement = crate::visible::<engagements::Entity>(w, engagement_id, "engagement").await?;
    if engagement.client_id != user {
        return Err(DomainError::Forbidden(
            "only the engagement's client may rate it".into(),
        ));
    }
    let at = now();
    w.update::<engagements::Entity>(
        vec![
            (
                engagements::Column::ClientSatisfactionScore,
                Expr::val(score),
            ),
            (engagements::Column::UpdatedAt, Expr::val(at)),
        ],
        Condition::all().add(engagements::Column::Id.eq(engagement_id)),
    )
    .await?;
    let scores: Vec<i32> = w
        .select_unrestricted::<engagements::Entity>()
        .filter(engagements::Column::ExpertId.eq(engagement.expert_id))
        .filter(engagements::Column::ClientSatisfactionScore.is_not_null())
        .all()
        .await?
        .into_iter()
        .filter_map(|e| e.client_satisfaction_score)
        .collect();
    w.update::<talent_profiles::Entity>(
        vec![
            (talent_profiles::Column::Rating, Expr::val(average(&scores))),
            (talent_profiles::Column::UpdatedAt, Expr::val(at)),
        ],
        Condition::all().add(talent_profiles::Column::UserId.eq(engagement.expert_id)),
    )
    .await?;
    crate::visible::<engagements::Entity>(w, engagement_id, "engagement").await
}

/// An admin approves a pending review; its target's rating and review
/// count are recomputed from the approved reviews.
pub async fn approve_review(w: &Write, review_id: Uuid) -> Result<reviews::Model> {
    if !auth::policy::is_admin(w.principal()) {
        return Err(DomainError::Forbidden("only admins approve reviews".into()));
    }
    let review = crate::visible::<reviews::Entity>(w, review_id, "review").await?;
    let at = now();
    let changed = w
        .update::<reviews::Entity>(
            vec![
                (reviews::Column::Status, Expr::val("approved")),
                (reviews::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(reviews::Column::Id.eq(review_id))
                .add(reviews::Column::Status.eq("pending")),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::Conflict("the review is not pending".into()));
    }
    let approved = |target: Condition| {
        w.select_unrestricted::<reviews::Entity>()
            .filter(reviews::Column::Status.eq("approved"))
            .filter(target)
            .all()
    };
    match (
        review.review_type.as_str(),
        review.expert_id,
        review.workshop_id,
    ) {
        ("expert", Some(expert), _) => {
            let ratings: Vec<i32> = approved(
                Condition::all()
                    .add(reviews::Column::ReviewType.eq("expert"))
                    .add(reviews::Column::ExpertId.eq(expert)),
            )
            .await?
            .iter()
            .map(|r| r.rating)
            .collect();
            w.update::<talent_profiles::Entity>(
                vec![
                    (
                        talent_profiles::Column::Rating,
                        Expr::val(average(&ratings)),
                    ),
                    (
                        talent_profiles::Column::ReviewCount,
                        Expr::val(ratings.len() as i32),
                    ),
                    (talent_profiles::Column::UpdatedAt, Expr::val(at)),
                ],
                Condition::all().add(talent_profiles::Column::UserId.eq(expert)),
            )
            .await?;
        }
        ("workshop", _, Some(workshop)) => {
            let ratings: Vec<i32> = approved(
                Condition::all()
                    .add(reviews::Column::ReviewType.eq("workshop"))
                    .add(reviews::Column::WorkshopId.eq(workshop)),
            )
            .await?
            .iter()
            .map(|r| r.rating)
            .collect();
            w.update::<workshops::Entity>(
                vec![
                    (workshops::Column::Rating, Expr::val(average(&ratings))),
                    (
                        workshops::Column::ReviewCount,
                        Expr::val(ratings.len() as i32),
                    ),
                    (workshops::Column::UpdatedAt, Expr::val(at)),
                ],
                Condition::all().add(workshops::Column::Id.eq(workshop)),
            )
            .await?;
        }
        // Engagement reviews carry no aggregate.
        _ => {}
    }
    crate::visible::<reviews::Entity>(w, review_id, "review").await
}
