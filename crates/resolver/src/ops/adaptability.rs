//! Adaptability mutations (seed 001): answering recomputes the dimension
//! scores; completing needs all five.

use async_graphql::dynamic::{Object, TypeRef};

use entity::enums::{AdaptabilityDimension, AnswerType};

use super::prelude::{
    Bounded, Id, Parts, arguments, json,
    node::{AdaptabilityAssessment, Organization},
    object_types, output_type, read, row, write,
};
use shape::OutputObject;

arguments! {
    struct TrendArgs {
        /// The organization.
        organization_id: Id<Organization>,
        /// How many months back, 1–120.
        months: Bounded<1, 120> = Bounded(6),
    }
}

arguments! {
    struct AnswerArgs {
        /// Your in-progress assessment.
        adaptability_assessment_id: Id<AdaptabilityAssessment>,
        /// Question identifier, e.g. `ind-1`.
        question_id: String,
        /// The dimension the question scores.
        dimension: AdaptabilityDimension,
        /// The kind of question.
        answer_type: AnswerType,
        /// 0–100; required unless answerType is text.
        value: Option<Bounded<0, 100>>,
        /// The answer of a text question.
        text: Option<String>,
        /// Weight in the dimension's average: greater than 0, at most 100, at most 2 decimal places (default 1).
        weight: Option<rust_decimal::Decimal>,
    }
}

arguments! {
    struct AssessmentArgs {
        /// Your in-progress assessment.
        adaptability_assessment_id: Id<AdaptabilityAssessment>,
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.query = p.query.field(
        read(
            "orgAdaptabilityTrend",
            output_type::<Vec<domain::adaptability::TrendPoint>>(),
            "Monthly averages of an organization's completed adaptability assessments, newest first (org admins: their organization).",
            |s, a: TrendArgs| {
                Box::pin(domain::adaptability::org_trend(s, a.organization_id.into(), a.months.get() as u32))
            },
            json,
        ),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "answerAdaptabilityQuestion",
                TypeRef::named_nn("AdaptabilityAssessment"),
                "Record or replace an answer on your own in-progress adaptability assessment; the five dimension \
                 scores are recomputed as weighted averages of their answers and `overallScore` follows.",
                |w, a: AnswerArgs| {
                    let answer = domain::adaptability::Answer {
                        question_id: a.question_id,
                        dimension: a.dimension,
                        answer_type: a.answer_type,
                        value: a.value.map(Bounded::get),
                        text: a.text,
                        weight: a.weight,
                    };
                    Box::pin(domain::adaptability::answer(w, a.adaptability_assessment_id.into(), answer))
                },
                |m| Ok(row::<entity::adaptability_assessments::Entity>(m)),
            ),
        )
        .field(
            write(
                "completeAdaptabilityAssessment",
                TypeRef::named_nn("AdaptabilityAssessment"),
                "Complete your own assessment. CONFLICT until every dimension is scored or when already complete.",
                |w, a: AssessmentArgs| {
                    Box::pin(domain::adaptability::complete(w, a.adaptability_assessment_id.into()))
                },
                |m| Ok(row::<entity::adaptability_assessments::Entity>(m)),
            ),
        );
    p
}

/// `AdaptabilityTrendPoint`.
fn types() -> Vec<Object> {
    object_types(&[domain::adaptability::TrendPoint::OBJECT])
}
