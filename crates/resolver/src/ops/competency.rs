//! Framework competency assessments (seed 000): start and submit an
//! attempt, its result with insights and learning paths, and the frontend's
//! cached insights. Thin: decode arguments, call `domain::competency`.

use async_graphql::{
    Value,
    dynamic::{InputObject, InputValue, Object, TypeRef},
};
use serde::Deserialize;

use super::{Args, Parts, arg, id_arg, json, plain, read, row, row_ref, write};
use crate::error::ApiError;

const ATTEMPT: &str = "UserAttempt";

/// One response of `submitFrameworkAssessmentAttempt`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResponseIn {
    question_id: String,
    answer: i64,
    response_time: Option<i64>,
}

fn attempt_arg(doc: &str) -> InputValue {
    id_arg("userAttemptId", ATTEMPT, doc)
}

fn attempt_id(a: &Args<'_>) -> Result<uuid::Uuid, ApiError> {
    a.id("userAttemptId", ATTEMPT)
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.inputs.push(
        InputObject::new("FrameworkAssessmentResponseInput")
            .description("One answer of a framework assessment attempt.")
            .field(
                InputValue::new("questionId", TypeRef::named_nn(TypeRef::ID))
                    .description("The question answered (an `AssessmentQuestion` id)."),
            )
            .field(
                InputValue::new("answer", TypeRef::named_nn(TypeRef::INT))
                    .description("The selected option: 0 (A), 1 (B), 2 (C) or 3 (D)."),
            )
            .field(
                InputValue::new("responseTime", TypeRef::named(TypeRef::INT))
                    .description("Seconds spent on the question."),
            ),
    );
    p.query = p
        .query
        .field(
            read(
                "frameworkAssessmentResult",
                TypeRef::named_nn("FrameworkAssessmentResult"),
                "A completed framework assessment attempt the caller may read, with its per-competency \
                 breakdown, weak and strong areas, insights and learning paths. NOT_FOUND if not visible, \
                 CONFLICT while in progress.",
                attempt_id,
                |s, id| Box::pin(domain::competency::attempt_result(s, id)),
                |r| json(&r),
            )
            .argument(attempt_arg("A completed attempt")),
        )
        .field(
            read(
                "frameworkAssessmentInsights",
                TypeRef::named_nn("FrameworkAssessmentInsights"),
                "Insights for a completed attempt: weakness insights and actions of the weak areas' \
                 skill tags, strength insights of the strong areas' tags (tags of the assessment's \
                 level: the first one its questions name, `core-i` when none does), and the leverage \
                 strengths whose score range holds a competency's score. NOT_FOUND if not visible, \
                 CONFLICT while in progress.",
                attempt_id,
                |s, id| Box::pin(domain::competency::attempt_insights(s, id)),
                |r| json(&r),
            )
            .argument(attempt_arg("A completed attempt")),
        )
        .field(
            read(
                "learningPathsForAssessment",
                TypeRef::named_nn_list_nn("AssessmentLearningPath"),
                "Learning paths for a completed attempt: the active learning path categories of the \
                 assessment's level whose competency areas overlap the attempt's weak areas, by \
                 priority, then title, each with its active resources by type, then title. The level \
                 is the first one the assessment's questions name; when none names one it is \
                 `core-i`. No weak areas, no paths. NOT_FOUND if not visible, CONFLICT while in \
                 progress.",
                attempt_id,
                |s, id| Box::pin(domain::competency::paths_for_attempt(s, id)),
                |r| json(&r),
            )
            .argument(attempt_arg("A completed attempt")),
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
                |a| a.id("frameworkAssessmentId", "FrameworkAssessment"),
                |w, id| Box::pin(domain::competency::start(w, id)),
                |m| Ok(row::<entity::user_attempts::Entity>(m)),
            )
            .argument(id_arg(
                "frameworkAssessmentId",
                "FrameworkAssessment",
                "The assessment to take",
            )),
        )
        .field(
            write(
                "submitFrameworkAssessmentAttempt",
                TypeRef::named_nn("FrameworkAssessmentResult"),
                "Submit your in-progress attempt: each response is stored with `isCorrect` against the \
                 question's correct answer; the score is correct answers over all questions (unanswered \
                 ones count as wrong), 0–100; `completedAt` and `timeSpent` (seconds since the start) are \
                 set. Returns the result with breakdown, insights and learning paths. NOT_FOUND if the \
                 attempt is not visible, FORBIDDEN unless it is yours, CONFLICT if already submitted, \
                 BAD_USER_INPUT for a question not in the assessment, one answered twice, an answer \
                 outside 0–3 or a negative time.",
                |a| {
                    let given: Vec<ResponseIn> = a.opt_input("responses")?.unwrap_or_default();
                    let responses = given
                        .into_iter()
                        .map(|r| {
                            Ok(domain::competency::Response {
                                question_id: Args::global_id(
                                    "questionId",
                                    "AssessmentQuestion",
                                    &r.question_id,
                                )?,
                                answer: r.answer,
                                response_time: r.response_time,
                            })
                        })
                        .collect::<Result<Vec<_>, ApiError>>()?;
                    Ok((attempt_id(a)?, responses))
                },
                |w, (id, responses)| Box::pin(domain::competency::submit(w, id, responses)),
                |r| json(&r),
            )
            .argument(attempt_arg("Your in-progress attempt"))
            .argument(
                arg(
                    "responses",
                    TypeRef::named_nn_list("FrameworkAssessmentResponseInput"),
                    "The answers, at most one per question; questions left out count as wrong.",
                )
                .default_value(Value::List(vec![])),
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
                |a| {
                    Ok((
                        attempt_id(a)?,
                        a.json("frontendInsights")?.unwrap_or(serde_json::Value::Null),
                    ))
                },
                |w, (id, doc)| Box::pin(domain::competency::store_frontend_insights(w, id, doc)),
                |m| Ok(row::<entity::user_attempts::Entity>(m)),
            )
            .argument(attempt_arg("Your completed attempt"))
            .argument(arg(
                "frontendInsights",
                TypeRef::named_nn("JSON"),
                "The insights the frontend computed (a JSON object).",
            )),
        );
    p
}

/// The result objects.
fn types() -> Vec<Object> {
    let s = |name, doc| (name, TypeRef::named_nn(TypeRef::STRING), doc);
    let s_opt = |name, doc| (name, TypeRef::named(TypeRef::STRING), doc);
    let int = |name, doc| (name, TypeRef::named_nn(TypeRef::INT), doc);
    let list = |name, ty: &str, doc| (name, TypeRef::named_nn_list_nn(ty), doc);
    let tag_text = |name: &str, doc: &str, text: &str| {
        plain(
            name,
            doc,
            &[
                s("skillTag", "The skill tag's name."),
                s("competencyArea", "The competency the tag belongs to."),
                ("text", TypeRef::named_nn(TypeRef::STRING), text),
            ],
        )
    };
    vec![
        plain(
            "FrameworkAssessmentResult",
            "A completed framework assessment attempt, scored per competency. Weak areas score below \
             60, strong areas at least 80.",
            &[
                int("score", "The attempt's score, 0–100."),
                list("breakdown", "CompetencyScore", "Per competency, in the order the questions first ask them."),
                list("weakAreas", TypeRef::STRING, "Competencies scoring below 60."),
                list("strongAreas", TypeRef::STRING, "Competencies scoring 80 or more."),
                (
                    "insights",
                    TypeRef::named_nn("FrameworkAssessmentInsights"),
                    "Insights, actions and leverage strengths for this result.",
                ),
                list(
                    "learningPaths",
                    "AssessmentLearningPath",
                    "Learning paths for the weak areas (as `learningPathsForAssessment` answers).",
                ),
            ],
        )
        .field(row_ref("attempt", ATTEMPT, "user_attempts", "attemptId", "The attempt.")),
        plain(
            "CompetencyScore",
            "One competency's share of an attempt (questions linked by their competency area).",
            &[
                s("competencyArea", "The competency key, e.g. active_listening."),
                s("displayName", "Its display name (from `CompetencyDisplayName`), or the key."),
                int("correct", "Questions of this competency answered correctly."),
                int("total", "Questions of this competency."),
                int("score", "round(100 × correct / total)."),
            ],
        ),
        plain(
            "FrameworkAssessmentInsights",
            "Insights for an attempt, from the skill tags of its competencies: their insights \
             (`TagInsight`), actions (`TagAction`) and leverage strengths (`CompetencyLeverageStrength`).",
            &[
                list("weaknesses", "AssessmentTagInsight", "Weakness insights of the weak areas' skill tags."),
                list("strengths", "AssessmentTagInsight", "Strength insights of the strong areas' skill tags."),
                list("actions", "AssessmentTagAction", "Development steps for the weak areas' skill tags."),
                list(
                    "leverage",
                    "AssessmentLeverage",
                    "Leverage strengths whose score range holds the competency's score, by priority.",
                ),
            ],
        ),
        tag_text(
            "AssessmentTagInsight",
            "A skill tag's insight that applies to an attempt (from `TagInsight`).",
            "The insight.",
        ),
        tag_text(
            "AssessmentTagAction",
            "A development step for a skill tag (from `TagAction`).",
            "The action.",
        ),
        plain(
            "AssessmentLeverage",
            "How to leverage a competency at the attempt's score (from `CompetencyLeverageStrength`).",
            &[
                s("competencyArea", "The competency."),
                int("score", "The attempt's score in it."),
                s("text", "The leverage message."),
            ],
        ),
        plain(
            "AssessmentLearningPath",
            "A learning path category recommended for an attempt, with its resources.",
            &[
                s("categoryTitle", "The category's title."),
                s_opt("categoryDescription", "What the category covers."),
                s_opt("categoryIcon", "Emoji or icon identifier."),
                list("resources", "AssessmentLearningResource", "Active resources, by type then title."),
            ],
        )
        .field(row_ref(
            "category",
            "LearningPathCategory",
            "learning_path_categories",
            "categoryId",
            "The category.",
        )),
        plain(
            "AssessmentLearningResource",
            "A learning resource of a recommended path (an active `LearningResource`).",
            &[
                s("title", "Title."),
                s_opt("description", "Description."),
                s("resourceType", "book, course, video, article, exercise, workshop, tool or assessment."),
                s_opt("url", "Direct link."),
                s_opt("author", "Author or instructor."),
                list("competencyAreas", TypeRef::STRING, "Competencies it addresses."),
            ],
        ),
    ]
}
