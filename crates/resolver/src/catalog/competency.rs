//! Seed 000, competency assessments (m0002): framework assessments, their
//! questions and attempts, skill tags and learning paths.

use entity::{
    assessment_questions, competency_display_names, competency_leverage_strengths,
    framework_assessments, learning_path_categories, learning_resources, skill_tags, tag_actions,
    tag_insights, user_attempts, user_responses, users,
};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<framework_assessments::Entity>(
            "FrameworkAssessment",
            "A CORE, ICF or AC coaching competency assessment, levels I–III: multiple-choice \
             questions scored per competency (start one with `startFrameworkAssessment`). Active \
             entries are public: anyone can read them, also without a token (`X-Tenant`); admins \
             also see inactive ones.",
        )
        .root("frameworkAssessments")
        .order([framework_assessments::Column::Title])
        .many(
            "assessmentQuestions",
            assessment_questions::Column::AssessmentId,
            "The assessment's questions, in order.",
        )
        .many(
            "userAttempts",
            user_attempts::Column::AssessmentId,
            "Attempts at this assessment.",
        )
        .doc(
            framework_assessments::Column::Slug,
            "URL-friendly identifier, unique in the tenant (e.g. core-fundamentals-i).",
        )
        .doc(
            framework_assessments::Column::Title,
            "Title (e.g. \"CORE I - Fundamentals\").",
        )
        .doc(
            framework_assessments::Column::Description,
            "What the assessment covers.",
        )
        .doc(
            framework_assessments::Column::Difficulty,
            "How hard the assessment is.",
        )
        .doc(
            framework_assessments::Column::EstimatedDuration,
            "Estimated duration in minutes.",
        )
        .doc(
            framework_assessments::Column::Framework,
            "The competency framework.",
        )
        .doc(
            framework_assessments::Column::IsActive,
            "Whether the assessment is offered.",
        )
        .doc(
            framework_assessments::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            framework_assessments::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<assessment_questions::Entity>(
            "AssessmentQuestion",
            "A multiple-choice question (four options) of a framework assessment. Questions of \
             active assessments are public, also without a token (`X-Tenant`); `correctAnswer` and \
             `explanation` are null except for admins and instructors.",
        )
        .root("assessmentQuestions")
        .order([assessment_questions::Column::QuestionOrder])
        .one::<framework_assessments::Entity>(
            "assessment",
            assessment_questions::Column::AssessmentId,
            "The assessment this question belongs to.",
        )
        .many(
            "userResponses",
            user_responses::Column::QuestionId,
            "Answers given to this question.",
        )
        .doc(
            assessment_questions::Column::AssessmentId,
            "The assessment this question belongs to (the UUID of a `FrameworkAssessment`).",
        )
        .doc(
            assessment_questions::Column::QuestionOrder,
            "Position in the assessment.",
        )
        .doc(assessment_questions::Column::Question, "The question text.")
        .doc(
            assessment_questions::Column::OptionA,
            "Answer option 0 (A).",
        )
        .doc(
            assessment_questions::Column::OptionB,
            "Answer option 1 (B).",
        )
        .doc(
            assessment_questions::Column::OptionC,
            "Answer option 2 (C).",
        )
        .doc(
            assessment_questions::Column::OptionD,
            "Answer option 3 (D).",
        )
        .doc(
            assessment_questions::Column::CorrectAnswer,
            "Index of the correct option: 0 (A), 1 (B), 2 (C) or 3 (D).",
        )
        .doc(
            assessment_questions::Column::Explanation,
            "Why the correct answer is right, shown after answering.",
        )
        .doc(
            assessment_questions::Column::CompetencyArea,
            "The competency tested (a competency key, e.g. active_listening).",
        )
        .doc(
            assessment_questions::Column::DifficultyWeight,
            "Scoring weight of the question (default 1.0).",
        )
        .doc(
            assessment_questions::Column::AssessmentLevel,
            "The framework level the question belongs to.",
        )
        .doc(
            assessment_questions::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<user_attempts::Entity>(
            "UserAttempt",
            "A user's attempt at a framework assessment, with its score and cached insights; in \
             progress (score 0) until `completedAt` is set. You see your own attempts; admins see \
             all.",
        )
        .root("userAttempts")
        .order([user_attempts::Column::CreatedAt])
        .one::<users::Entity>(
            "user",
            user_attempts::Column::UserId,
            "Who made the attempt.",
        )
        .one::<framework_assessments::Entity>(
            "assessment",
            user_attempts::Column::AssessmentId,
            "The assessment attempted.",
        )
        .many(
            "userResponses",
            user_responses::Column::AttemptId,
            "The answers given in this attempt.",
        )
        .doc(
            user_attempts::Column::UserId,
            "Who made the attempt (the UUID of a `User`).",
        )
        .doc(
            user_attempts::Column::AssessmentId,
            "The assessment attempted (the UUID of a `FrameworkAssessment`).",
        )
        .doc(user_attempts::Column::Score, "Score, 0–100.")
        .doc(user_attempts::Column::TimeSpent, "Time taken, in seconds.")
        .doc(
            user_attempts::Column::FrontendInsights,
            "Personalized insights computed by the frontend and cached with the attempt (JSON).",
        )
        .doc(
            user_attempts::Column::InsightsGeneratedAt,
            "When the frontend insights were stored.",
        )
        .doc(
            user_attempts::Column::CompletedAt,
            "When the attempt was submitted; null while in progress.",
        )
        .doc(
            user_attempts::Column::CreatedAt,
            "When the attempt was started.",
        )
        .into(),
        decl::<user_responses::Entity>(
            "UserResponse",
            "The answer given to one question in a framework assessment attempt. You see the \
             answers of your own attempts; admins see all.",
        )
        .root("userResponses")
        .order([user_responses::Column::CreatedAt])
        .one::<user_attempts::Entity>(
            "attempt",
            user_responses::Column::AttemptId,
            "The attempt this answer belongs to.",
        )
        .one::<assessment_questions::Entity>(
            "question",
            user_responses::Column::QuestionId,
            "The question answered.",
        )
        .doc(
            user_responses::Column::AttemptId,
            "The attempt this answer belongs to (the UUID of a `UserAttempt`).",
        )
        .doc(
            user_responses::Column::QuestionId,
            "The question answered (the UUID of an `AssessmentQuestion`).",
        )
        .doc(
            user_responses::Column::SelectedAnswer,
            "The chosen option: 0 (A), 1 (B), 2 (C) or 3 (D).",
        )
        .doc(
            user_responses::Column::IsCorrect,
            "Whether the chosen option is the correct one.",
        )
        .doc(
            user_responses::Column::ResponseTime,
            "Time to answer, in seconds.",
        )
        .doc(
            user_responses::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<skill_tags::Entity>(
            "SkillTag",
            "A coaching skill within a competency area of a framework and level, with its \
             insights and action. Active entries are public: anyone can read them, also without a \
             token (`X-Tenant`); admins also see inactive ones.",
        )
        .root("skillTags")
        .order([skill_tags::Column::SortOrder])
        .many(
            "tagInsights",
            tag_insights::Column::SkillTagId,
            "Weakness and strength insights for this skill.",
        )
        .many(
            "tagActions",
            tag_actions::Column::SkillTagId,
            "The development action for this skill (at most one).",
        )
        .doc(skill_tags::Column::Name, "Skill name.")
        .doc(
            skill_tags::Column::CompetencyArea,
            "The competency area the skill belongs to (a competency key).",
        )
        .doc(skill_tags::Column::Framework, "The competency framework.")
        .doc(
            skill_tags::Column::SortOrder,
            "Display order (lower first).",
        )
        .doc(
            skill_tags::Column::AssessmentLevel,
            "The framework level the tag belongs to.",
        )
        .doc(skill_tags::Column::IsActive, "Whether the tag is in use.")
        .doc(
            skill_tags::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<tag_insights::Entity>(
            "TagInsight",
            "A personalized insight for a skill tag, shown as a weakness or a strength. Insights \
             of the skill tags you can see are public, also without a token (`X-Tenant`).",
        )
        .root("tagInsights")
        .order([tag_insights::Column::CreatedAt])
        .one::<skill_tags::Entity>(
            "skillTag",
            tag_insights::Column::SkillTagId,
            "The skill this insight is about.",
        )
        .doc(
            tag_insights::Column::SkillTagId,
            "The skill this insight is about (the UUID of a `SkillTag`).",
        )
        .doc(
            tag_insights::Column::InsightText,
            "The insight shown to the user.",
        )
        .doc(
            tag_insights::Column::InsightType,
            "Whether the insight speaks to a weakness or a strength.",
        )
        .doc(
            tag_insights::Column::ContextLevel,
            "The learner level the insight is written for (default beginner).",
        )
        .doc(
            tag_insights::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<tag_actions::Entity>(
            "TagAction",
            "The actionable development step for a skill tag, at most one per tag. Active entries \
             are public: anyone can read them, also without a token (`X-Tenant`); admins also see \
             inactive ones.",
        )
        .root("tagActions")
        .order([tag_actions::Column::CreatedAt])
        .one::<skill_tags::Entity>(
            "skillTag",
            tag_actions::Column::SkillTagId,
            "The skill this action develops.",
        )
        .doc(
            tag_actions::Column::SkillTagId,
            "The skill this action develops (the UUID of a `SkillTag`; one action per tag).",
        )
        .doc(tag_actions::Column::ActionText, "The development step.")
        .doc(
            tag_actions::Column::IsActive,
            "Whether the action is in use.",
        )
        .doc(
            tag_actions::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<competency_display_names::Entity>(
            "CompetencyDisplayName",
            "The user-friendly name of a competency key in a framework (e.g. active_listening → \
             Active Listening). Active entries are public: anyone can read them, also without a \
             token (`X-Tenant`); admins also see inactive ones.",
        )
        .root("competencyDisplayNames")
        .order([competency_display_names::Column::DisplayName])
        .doc(
            competency_display_names::Column::CompetencyKey,
            "Competency key, lowercase_with_underscores (e.g. active_listening).",
        )
        .doc(
            competency_display_names::Column::DisplayName,
            "User-friendly name (e.g. Active Listening).",
        )
        .doc(
            competency_display_names::Column::Framework,
            "The competency framework.",
        )
        .doc(
            competency_display_names::Column::IsActive,
            "Whether the name is in use.",
        )
        .doc(
            competency_display_names::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<competency_leverage_strengths::Entity>(
            "CompetencyLeverageStrength",
            "How to leverage a strong competency, for scores in a range. Active entries are \
             public: anyone can read them, also without a token (`X-Tenant`); admins also see \
             inactive ones.",
        )
        .root("competencyLeverageStrengths")
        .order([competency_leverage_strengths::Column::PriorityOrder])
        .doc(
            competency_leverage_strengths::Column::CompetencyArea,
            "The competency (a competency key).",
        )
        .doc(
            competency_leverage_strengths::Column::LeverageText,
            "How to leverage the strength.",
        )
        .doc(
            competency_leverage_strengths::Column::ScoreRangeMin,
            "Lowest score (0–100) the text applies to (default 0).",
        )
        .doc(
            competency_leverage_strengths::Column::ScoreRangeMax,
            "Highest score (0–100) the text applies to (default 100).",
        )
        .doc(
            competency_leverage_strengths::Column::Framework,
            "The competency framework.",
        )
        .doc(
            competency_leverage_strengths::Column::ContextLevel,
            "The learner level the text is written for (default beginner).",
        )
        .doc(
            competency_leverage_strengths::Column::PriorityOrder,
            "Display order (lower first).",
        )
        .doc(
            competency_leverage_strengths::Column::IsActive,
            "Whether the text is in use.",
        )
        .doc(
            competency_leverage_strengths::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<learning_path_categories::Entity>(
            "LearningPathCategory",
            "A competency-focused group of learning resources, recommended for weak areas (see \
             `learningPathsForAssessment`). Active entries are public: anyone can read them, also \
             without a token (`X-Tenant`); admins also see inactive ones.",
        )
        .root("learningPathCategories")
        .order([
            learning_path_categories::Column::PriorityOrder,
            learning_path_categories::Column::CategoryTitle,
        ])
        .many(
            "learningResources",
            learning_resources::Column::CategoryId,
            "The resources in this category.",
        )
        .doc(
            learning_path_categories::Column::CategoryTitle,
            "Category title.",
        )
        .doc(
            learning_path_categories::Column::CategoryDescription,
            "What the category helps with.",
        )
        .doc(
            learning_path_categories::Column::CategoryIcon,
            "Emoji or icon identifier.",
        )
        .doc(
            learning_path_categories::Column::CompetencyAreas,
            "Competency areas the category addresses (competency keys).",
        )
        .doc(
            learning_path_categories::Column::AssessmentLevel,
            "The framework level the category is for.",
        )
        .doc(
            learning_path_categories::Column::PriorityOrder,
            "Display order (lower first).",
        )
        .doc(
            learning_path_categories::Column::IsActive,
            "Whether the category is offered.",
        )
        .doc(
            learning_path_categories::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<learning_resources::Entity>(
            "LearningResource",
            "A book, course, video, article, exercise, workshop, tool or assessment in a learning \
             path category. Active entries are public: anyone can read them, also without a token \
             (`X-Tenant`); admins also see inactive ones.",
        )
        .root("learningResources")
        .order([
            learning_resources::Column::ResourceType,
            learning_resources::Column::Title,
        ])
        .one::<learning_path_categories::Entity>(
            "category",
            learning_resources::Column::CategoryId,
            "The category this resource belongs to.",
        )
        .doc(
            learning_resources::Column::CategoryId,
            "The category this resource belongs to (the UUID of a `LearningPathCategory`).",
        )
        .doc(learning_resources::Column::Title, "Resource title.")
        .doc(
            learning_resources::Column::Description,
            "What the resource offers.",
        )
        .doc(
            learning_resources::Column::ResourceType,
            "The kind of resource.",
        )
        .doc(
            learning_resources::Column::Url,
            "Direct link to the resource.",
        )
        .doc(
            learning_resources::Column::AuthorInstructor,
            "Author or instructor.",
        )
        .doc(
            learning_resources::Column::CompetencyAreas,
            "Competencies the resource addresses (competency keys).",
        )
        .doc(
            learning_resources::Column::AssessmentLevel,
            "The framework level the resource is for.",
        )
        .doc(
            learning_resources::Column::IsActive,
            "Whether the resource is offered.",
        )
        .doc(
            learning_resources::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
    ]
}
