//! Adaptability assessments (seed 001): answering recomputes the five
//! weighted dimension scores (the seed's trigger), from which the database
//! generates `overall_score`; `org_trend` is `get_org_adaptability_trend`.

use entity::{
    adaptability_assessments as assessments, assessment_answers as answers,
    enums::{AdaptabilityAssessmentStatus as Status, AdaptabilityDimension, AnswerType},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition,
    prelude::Decimal,
    sea_query::{Expr, ExprTrait},
};
use store::{Reader, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result,
    decimal::{Least, checked},
    now,
    rules::{bad, percent, signed_in, stored},
};

/// The five dimensions, in the order of their score columns.
pub const DIMENSIONS: [AdaptabilityDimension; 5] = [
    AdaptabilityDimension::Individual,
    AdaptabilityDimension::Leadership,
    AdaptabilityDimension::Cultural,
    AdaptabilityDimension::Embedding,
    AdaptabilityDimension::Velocity,
];

/// One answer as submitted.
pub struct Answer {
    pub question_id: String,
    pub dimension: AdaptabilityDimension,
    pub answer_type: AnswerType,
    /// 0–100; required except for `text` answers.
    pub value: Option<i32>,
    pub text: Option<String>,
    /// Weight in the dimension's average (default 1).
    pub weight: Option<Decimal>,
}

fn validate(a: &Answer) -> Result<()> {
    if a.question_id.trim().is_empty() || a.question_id.len() > 100 {
        return Err(DomainError::BadInput(
            "questionId must be 1–100 characters".into(),
        ));
    }
    match (a.value, a.answer_type) {
        (Some(v), _) => {
            percent("value", v)?;
        }
        (None, AnswerType::Text) => {}
        (None, AnswerType::Scale | AnswerType::MultiChoice | AnswerType::FearToConfidence) => {
            return Err(bad("value is required"));
        }
    }
    Ok(())
}

/// The answer's weight (default 1), checked against its column: more than
/// 2 places would round (0.001 to the 0.00 the CHECK refuses).
fn weight(a: &Answer) -> Result<Decimal> {
    a.weight.map_or(Ok(Decimal::ONE), |w| {
        checked(
            "weight",
            answers::Column::QuestionWeight,
            w,
            Least::AboveZero,
            Some(Decimal::from(100)),
        )
    })
}

/// Records (or replaces) the caller's answer on their own in-progress
/// assessment and recomputes its dimension scores.
pub async fn answer(w: &Write, assessment_id: Uuid, a: Answer) -> Result<assessments::Model> {
    validate(&a)?;
    let weight = weight(&a)?;
    let me = signed_in(w.principal(), "answer")?;
    let assessment = crate::visible::<assessments::Entity>(w, assessment_id, "assessment").await?;
    // Seed 001: users create and update their own in-progress assessments.
    if assessment.user_id != me {
        return Err(DomainError::Forbidden(
            "only the person assessed may answer".into(),
        ));
    }
    match stored(&assessment.status)? {
        Status::InProgress => {}
        Status::Completed | Status::Abandoned => {
            return Err(DomainError::Conflict(
                "the assessment is no longer in progress".into(),
            ));
        }
    }
    let at = now();
    let replaced = w
        .update::<answers::Entity>(
            vec![
                (answers::Column::Dimension, Expr::val(a.dimension.as_str())),
                (
                    answers::Column::AnswerType,
                    Expr::val(a.answer_type.as_str()),
                ),
                (answers::Column::AnswerValue, Expr::val(a.value)),
                (answers::Column::AnswerText, Expr::val(a.text.clone())),
                (answers::Column::QuestionWeight, Expr::val(weight)),
                (answers::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(answers::Column::AssessmentId.eq(assessment_id))
                .add(answers::Column::QuestionId.eq(a.question_id.clone())),
        )
        .await?;
    if replaced == 0 {
        w.insert(answers::ActiveModel {
            id: Set(Uuid::new_v4()),
            assessment_id: Set(assessment_id),
            question_id: Set(a.question_id),
            dimension: Set(a.dimension.as_str().into()),
            answer_type: Set(a.answer_type.as_str().into()),
            answer_value: Set(a.value),
            answer_text: Set(a.text),
            question_weight: Set(weight),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .await?;
    }
    recompute(w, assessment_id).await
}

/// A dimension's score from its answers `(value, weight)`:
/// Σ(value × weight) / Σ(weight) over the numeric ones, rounded half away
/// from zero (as SQL's `round()`); `None` while there is none.
pub fn dimension_score(answers: impl IntoIterator<Item = (Option<i32>, Decimal)>) -> Option<i32> {
    let (mut sum, mut weights) = (Decimal::ZERO, Decimal::ZERO);
    for (value, weight) in answers {
        if let Some(v) = value {
            sum += Decimal::from(v) * weight;
            weights += weight;
        }
    }
    (weights > Decimal::ZERO).then(|| {
        let avg = (sum / weights)
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        i32::try_from(avg.mantissa() / 10i128.pow(avg.scale()))
            .unwrap_or(0)
            .clamp(0, 100)
    })
}

/// The five dimension scores, in [`DIMENSIONS`] order, of an assessment's
/// answers (the seed's trigger): an in-progress assessment is scored as
/// far as it is answered.
pub fn dimension_scores(all: &[answers::Model]) -> [Option<i32>; 5] {
    DIMENSIONS.map(|dim| {
        dimension_score(
            all.iter()
                .filter(|a| a.dimension == dim.as_str())
                .map(|a| (a.answer_value, a.question_weight)),
        )
    })
}

/// The generated `overall_score`: `(d1 + … + d5) / 5` in integer division,
/// NULL until all five dimensions are scored.
pub fn overall_score(dimensions: [Option<i32>; 5]) -> Option<i32> {
    let mut sum = 0;
    for d in dimensions {
        sum += d?;
    }
    Some(sum / 5)
}

/// Writes the dimension scores of an assessment's answers
/// ([`dimension_scores`]).
async fn recompute(w: &Write, assessment_id: Uuid) -> Result<assessments::Model> {
    let all = w
        .select_unrestricted::<answers::Entity>()
        .filter(answers::Column::AssessmentId.eq(assessment_id))
        .all()
        .await?;
    let mut set = vec![(assessments::Column::UpdatedAt, Expr::val(now()))];
    for (col, score) in [
        assessments::Column::IndividualScore,
        assessments::Column::LeadershipScore,
        assessments::Column::CulturalScore,
        assessments::Column::EmbeddingScore,
        assessments::Column::VelocityScore,
    ]
    .into_iter()
    .zip(dimension_scores(&all))
    {
        set.push((col, Expr::val(score)));
    }
    w.update::<assessments::Entity>(
        set,
        Condition::all().add(assessments::Column::Id.eq(assessment_id)),
    )
    .await?;
    crate::visible::<assessments::Entity>(w, assessment_id, "assessment").await
}

/// Marks the caller's assessment completed; every dimension must be scored.
pub async fn complete(w: &Write, assessment_id: Uuid) -> Result<assessments::Model> {
    let me = signed_in(w.principal(), "complete an assessment")?;
    let a = crate::visible::<assessments::Entity>(w, assessment_id, "assessment").await?;
    if a.user_id != me {
        return Err(DomainError::Forbidden(
            "only the person assessed may complete it".into(),
        ));
    }
    if overall_score(dimensions_of(&a)).is_none() {
        return Err(DomainError::Conflict(
            "answer every dimension before completing".into(),
        ));
    }
    let changed = w
        .update::<assessments::Entity>(
            vec![
                (
                    assessments::Column::Status,
                    Expr::val(Status::Completed.as_str()),
                ),
                (assessments::Column::CompletedAt, Expr::val(now())),
                (assessments::Column::UpdatedAt, Expr::val(now())),
            ],
            Condition::all()
                .add(assessments::Column::Id.eq(assessment_id))
                .add(Expr::col(assessments::Column::Status).eq(Status::InProgress.as_str())),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::Conflict(
            "the assessment is no longer in progress".into(),
        ));
    }
    crate::visible::<assessments::Entity>(w, assessment_id, "assessment").await
}

/// An assessment's stored dimension scores, in [`DIMENSIONS`] order.
pub fn dimensions_of(a: &assessments::Model) -> [Option<i32>; 5] {
    [
        a.individual_score,
        a.leadership_score,
        a.cultural_score,
        a.embedding_score,
        a.velocity_score,
    ]
}

shape::output_object! {
    /// One month of an organization's completed adaptability assessments: the average of each score.
    #[name = "AdaptabilityTrendPoint"]
    #[derive(PartialEq)]
    pub struct TrendPoint {
        /// First day of the month (UTC).
        pub month: chrono::NaiveDate,
        /// Completed assessments that month.
        pub assessments: u32,
        /// Average overall score.
        pub avg_overall: Option<f64>,
        /// Average individual score.
        pub avg_individual: Option<f64>,
        /// Average leadership score.
        pub avg_leadership: Option<f64>,
        /// Average cultural score.
        pub avg_cultural: Option<f64>,
        /// Average embedding score.
        pub avg_embedding: Option<f64>,
        /// Average velocity score.
        pub avg_velocity: Option<f64>,
    }
}

/// Seed 001's `get_org_adaptability_trend(org, months)`: monthly averages
/// of the organization's completed assessments over the last `months`
/// months, newest first — of the assessments the caller may read (org
/// admins their organization's, admins all).
pub async fn org_trend(scope: &store::Scope, org: Uuid, months: u32) -> Result<Vec<TrendPoint>> {
    use chrono::{Datelike, Months, NaiveDate};
    if !(1..=120).contains(&months) {
        return Err(DomainError::BadInput("months must be 1–120".into()));
    }
    let today = chrono::Utc::now().date_naive();
    let first_of = |d: NaiveDate| NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d);
    let since = first_of(today)
        .checked_sub_months(Months::new(months - 1))
        .unwrap_or(today);
    let rows = scope
        .select::<assessments::Entity>()
        .filter(assessments::Column::OrganizationId.eq(org))
        .filter(assessments::Column::Status.eq(Status::Completed.as_str()))
        .filter(
            assessments::Column::CompletedAt.gte(
                since
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
                    .fixed_offset(),
            ),
        )
        .all()
        .await?;
    let mut by_month: std::collections::BTreeMap<NaiveDate, Vec<assessments::Model>> =
        Default::default();
    for r in rows {
        if let Some(at) = r.completed_at {
            by_month
                .entry(first_of(at.naive_utc().date()))
                .or_default()
                .push(r);
        }
    }
    let avg = |xs: Vec<i32>| {
        (!xs.is_empty()).then(|| f64::from(xs.iter().sum::<i32>()) / xs.len() as f64)
    };
    Ok(by_month
        .into_iter()
        .rev()
        .map(|(month, rs)| {
            let dims =
                |f: fn(&assessments::Model) -> Option<i32>| avg(rs.iter().filter_map(f).collect());
            let overall: Vec<i32> = rs
                .iter()
                .filter_map(|r| overall_score(dimensions_of(r)))
                .collect();
            TrendPoint {
                month,
                assessments: rs.len() as u32,
                avg_overall: avg(overall),
                avg_individual: dims(|r| r.individual_score),
                avg_leadership: dims(|r| r.leadership_score),
                avg_cultural: dims(|r| r.cultural_score),
                avg_embedding: dims(|r| r.embedding_score),
                avg_velocity: dims(|r| r.velocity_score),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn weighted_rounded_half_away_from_zero() {
        assert_eq!(dimension_score([]), None);
        assert_eq!(dimension_score([(None, d("1"))]), None, "text answers only");
        assert_eq!(
            dimension_score([(Some(70), d("1")), (Some(65), d("1.5"))]),
            Some(67)
        );
        // 72.5 rounds up, not to even.
        assert_eq!(
            dimension_score([(Some(70), d("1")), (Some(75), d("1"))]),
            Some(73)
        );
        assert_eq!(
            dimension_score([(Some(85), d("1")), (None, d("3"))]),
            Some(85)
        );
    }

    #[test]
    fn overall_needs_all_five() {
        assert_eq!(
            overall_score([Some(80), Some(70), Some(60), Some(90), Some(71)]),
            Some(74)
        );
        assert_eq!(
            overall_score([Some(80), None, Some(60), Some(90), Some(71)]),
            None
        );
    }
}
