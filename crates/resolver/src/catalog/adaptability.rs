//! Seed 001, HumanGlue (m0004): adaptability assessments and their answers.

use entity::{adaptability_assessments, assessment_answers, certificates, organizations, users};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<adaptability_assessments::Entity>(
            "AdaptabilityAssessment",
            "A five-dimension adaptability assessment of a user: individual, leadership, \
             cultural, embedding and velocity scores, 0–100 each. You see your own, org admins \
             those taken in their organization, admins all.",
        )
        .root("adaptabilityAssessments")
        .order([adaptability_assessments::Column::StartedAt])
        .one::<users::Entity>(
            "user",
            adaptability_assessments::Column::UserId,
            "Who took the assessment.",
        )
        .one::<organizations::Entity>(
            "organization",
            adaptability_assessments::Column::OrganizationId,
            "The organization context, if any.",
        )
        .many(
            "assessmentAnswers",
            assessment_answers::Column::AssessmentId,
            "The answers given.",
        )
        .many(
            "certificates",
            certificates::Column::AssessmentId,
            "Certificates awarded for this assessment.",
        )
        .doc(
            adaptability_assessments::Column::UserId,
            "Who took the assessment (the UUID of a `User`).",
        )
        .doc(
            adaptability_assessments::Column::OrganizationId,
            "The organization context, if any (the UUID of an `Organization`).",
        )
        .doc(
            adaptability_assessments::Column::AssessmentType,
            "The kind of assessment.",
        )
        .doc(
            adaptability_assessments::Column::Status,
            "Where the assessment stands.",
        )
        .doc(
            adaptability_assessments::Column::IndividualScore,
            "Personal readiness, 0–100 (weighted average of the dimension's answers).",
        )
        .doc(
            adaptability_assessments::Column::LeadershipScore,
            "Leader capability, 0–100.",
        )
        .doc(
            adaptability_assessments::Column::CulturalScore,
            "Organizational culture, 0–100.",
        )
        .doc(
            adaptability_assessments::Column::EmbeddingScore,
            "Behavior sustainability, 0–100.",
        )
        .doc(
            adaptability_assessments::Column::VelocityScore,
            "Speed of change, 0–100.",
        )
        .doc(
            adaptability_assessments::Column::Results,
            "Detailed analysis (JSON object).",
        )
        .doc(
            adaptability_assessments::Column::Recommendations,
            "Suggested actions (JSON array).",
        )
        .doc(
            adaptability_assessments::Column::CompletedAt,
            "When the assessment was completed.",
        )
        .doc(
            adaptability_assessments::Column::StartedAt,
            "When the assessment was started.",
        )
        .doc(
            adaptability_assessments::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            adaptability_assessments::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<assessment_answers::Entity>(
            "AssessmentAnswer",
            "The answer to one question of an adaptability assessment, in one dimension. Visible \
             to whoever can see the assessment.",
        )
        .root("assessmentAnswers")
        .order([assessment_answers::Column::CreatedAt])
        .one::<adaptability_assessments::Entity>(
            "assessment",
            assessment_answers::Column::AssessmentId,
            "The assessment answered.",
        )
        .doc(
            assessment_answers::Column::AssessmentId,
            "The assessment answered (the UUID of an `AdaptabilityAssessment`).",
        )
        .doc(
            assessment_answers::Column::QuestionId,
            "Question identifier chosen by the client application (free text; the API has no list \
             of adaptability questions); one answer per question.",
        )
        .doc(
            assessment_answers::Column::Dimension,
            "The dimension the question measures.",
        )
        .doc(
            assessment_answers::Column::AnswerType,
            "How the question is answered.",
        )
        .doc(
            assessment_answers::Column::AnswerValue,
            "Numeric response, 0–100; null for text answers.",
        )
        .doc(
            assessment_answers::Column::AnswerText,
            "Written response of a text answer.",
        )
        .doc(
            assessment_answers::Column::QuestionWeight,
            "Scoring weight, greater than 0 (default 1.0).",
        )
        .doc(
            assessment_answers::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            assessment_answers::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
    ]
}
