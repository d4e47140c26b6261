//! Framework competency assessments (seed 000): start and submit an
//! attempt, its result with insights and learning paths, and the frontend's
//! cached insights. Thin: decode arguments, call `domain::competency`.

use async_graphql::dynamic::{Object, TypeRef};

use super::prelude::{
    Id, InputType, Parts, arguments, input_object, json,
    node::{AssessmentQuestion, FrameworkAssessment, UserAttempt},
    object_types, output_type, read, row, write,
};
use domain::competency as c;
use shape::OutputObject;

const ATTEMPT: &str = "UserAttempt";

input_object! {
    /// One answer of a framework assessment attempt.
    pub(crate) struct FrameworkAssessmentResponseInput {
        /// The question answered.
        question_id: Id<AssessmentQuestion>,
        /// The selected option: 0 (A), 1 (B), 2 (C) or 3 (D).
        answer: i32,
        /// Seconds spent on the question.
        response_time: Option<i32>,
    }
}

impl From<FrameworkAssessmentResponseInput> for c::Response {
    fn from(r: FrameworkAssessmentResponseInput) -> Self {
        c::Response {
            question_id: r.question_id.into(),
            answer: r.answer.into(),
            response_time: r.response_time.map(Into::into),
        }
    }
}

arguments! {
    struct CompletedArgs {
        /// A completed attempt.
        user_attempt_id: Id<UserAttempt>,
    }
}

arguments! {
    struct StartArgs {
        /// The assessment to take.
        framework_assessment_id: Id<FrameworkAssessment>,
    }
}

arguments! {
    struct SubmitArgs {
        /// Your in-progress attempt.
        user_attempt_id: Id<UserAttempt>,
        /// The answers, at most one per question; questions left out count as wrong.
        responses: Vec<FrameworkAssessmentResponseInput> = vec![],
    }
}

arguments! {
    struct InsightsArgs {
        /// Your completed attempt.
        user_attempt_id: Id<UserAttempt>,
        /// The insights the frontend computed (a JSON object).
        frontend_insights: serde_json::Value,
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.inputs
        .push(FrameworkAssessmentResponseInput::input_object());
    p.query = p
        .query
        .field(
            read(
                "frameworkAssessmentResult",
                output_type::<c::AssessmentResult>(),
                "A completed framework assessment attempt the caller may read, with its per-competency \
                 breakdown, weak and strong areas, insights and learning paths. NOT_FOUND if not visible, \
                 CONFLICT while in progress.",
                |s, a: CompletedArgs| Box::pin(c::attempt_result(s, a.user_attempt_id.into())),
                json,
            ),
        )
        .field(
            read(
                "frameworkAssessmentInsights",
                output_type::<c::Insights>(),
                "Insights for a completed attempt: weakness insights and actions of the weak areas' \
                 skill tags, strength insights of the strong areas' tags (tags of the assessment's \
                 level: the first one its questions name, `core-i` when none does), and the leverage \
                 strengths whose score range holds a competency's score. NOT_FOUND if not visible, \
                 CONFLICT while in progress.",
                |s, a: CompletedArgs| Box::pin(c::attempt_insights(s, a.user_attempt_id.into())),
                json,
            ),
        )
        .field(
            read(
                "learningPathsForAssessment",
                output_type::<Vec<c::LearningPath>>(),
                "Learning paths for a completed attempt: the active learning path categories of the \
                 assessment's level whose competency areas overlap the attempt's weak areas, by \
                 priority, then title, each with its active resources by type, then title. The level \
                 is the first one the assessment's questions name; when none names one it is \
                 `core-i`. No weak areas, no paths. NOT_FOUND if not visible, CONFLICT while in \
                 progress.",
                |s, a: CompletedArgs| Box::pin(c::paths_for_attempt(s, a.user_attempt_id.into())),
                json,
            ),
        );
    p.mutation = p
        .mutation
        .field(
            write(
                "startFrameworkAssessment",
                TypeRef::named_nn(ATTEMPT),
                "Start an attempt at an active framework assessment: creates an \
                 in-progress attempt of the caller (no `completedAt`, score 0). NOT_FOUND if the \
                 assessment is not visible, CONFLICT if it is not active, has no questions, or the \
                 caller already has an attempt at it in progress.",
                |w, a: StartArgs| Box::pin(c::start(w, a.framework_assessment_id.into())),
                |m| Ok(row::<entity::user_attempts::Entity>(m)),
            ),
        )
        .field(
            write(
                "submitFrameworkAssessmentAttempt",
                output_type::<c::AssessmentResult>(),
                "Submit your in-progress attempt: each response is stored with `isCorrect` against the \
                 question's correct answer; the score is correct answers over all questions (unanswered \
                 ones count as wrong), 0–100; `completedAt` and `timeSpent` (seconds since the start) are \
                 set. Returns the result with breakdown, insights and learning paths. NOT_FOUND if the \
                 attempt is not visible, FORBIDDEN unless it is yours, CONFLICT if already submitted, \
                 BAD_USER_INPUT for a question not in the assessment, one answered twice, an answer \
                 outside 0–3 or a negative time.",
                |w, a: SubmitArgs| {
                    let responses = a.responses.into_iter().map(Into::into).collect();
                    Box::pin(c::submit(w, a.user_attempt_id.into(), responses))
                },
                json,
            ),
        )
        .field(
            write(
                "storeFrontendInsights",
                TypeRef::named_nn(ATTEMPT),
                "Store the insights your frontend computed: replace the cached `frontendInsights` of your \
                 completed attempt and stamp `insightsGeneratedAt`. NOT_FOUND if the attempt is not \
                 visible, FORBIDDEN unless it is yours, CONFLICT while it is in progress, \
                 BAD_USER_INPUT unless the insights are a JSON object of at most 64 KiB.",
                |w, a: InsightsArgs| {
                    Box::pin(c::store_frontend_insights(w, a.user_attempt_id.into(), a.frontend_insights))
                },
                |m| Ok(row::<entity::user_attempts::Entity>(m)),
            ),
        );
    p
}

/// The result objects.
fn types() -> Vec<Object> {
    object_types(&[c::AssessmentResult::OBJECT])
}
