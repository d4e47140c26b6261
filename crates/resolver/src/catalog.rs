//! What the API serves: each table's GraphQL name, description, sort order,
//! relations and root field. Everything else (fields, connections, loaders,
//! `node`) is derived from these declarations by the shared machinery.

use std::sync::Arc;

use entity::enums::{self, TextEnum};

use crate::{
    table::{Catalog, EntityTable, TableOps},
    value::{Item, JsonField, JsonObject, Shape},
};

/// A relation to another table, resolved through the shared dataloader.
#[derive(Clone, Copy, Debug)]
pub enum Rel {
    /// `column` of this table references `target.id`.
    One {
        field: &'static str,
        column: &'static str,
        target: &'static str,
        doc: &'static str,
    },
    /// `target.column` references this table's `id`; a connection.
    Many {
        field: &'static str,
        column: &'static str,
        target: &'static str,
        doc: &'static str,
    },
}

impl Rel {
    pub fn target(&self) -> &'static str {
        match self {
            Rel::One { target, .. } | Rel::Many { target, .. } => target,
        }
    }
}

pub struct TypeSpec {
    pub table: &'static str,
    pub type_name: &'static str,
    pub description: &'static str,
    /// Name of the root connection field, if the table has one.
    pub root_field: Option<&'static str>,
    pub relations: Vec<Rel>,
    /// Column descriptions, by column name.
    pub docs: &'static [(&'static str, &'static str)],
}

impl TypeSpec {
    pub fn column_doc(&self, column: &str) -> Option<&'static str> {
        self.docs
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, d)| *d)
    }
}

/// A quiz question as stored in `quizzes.questions`.
static QUIZ_QUESTION: JsonObject = JsonObject {
    name: "QuizQuestion",
    description: "One question of a quiz.",
    fields: &[
        JsonField {
            key: "id",
            field: "questionId",
            item: Item::Text,
            list: false,
            required: true,
            doc: "Identifies the question within its quiz (stored as `id`); `submitQuizAttempt` answers by it.",
        },
        JsonField {
            key: "type",
            field: "type",
            item: Item::Enum(&enums::QuestionType::DEF),
            list: false,
            required: true,
            doc: "How it is answered and graded.",
        },
        JsonField {
            key: "question",
            field: "question",
            item: Item::Text,
            list: false,
            required: true,
            doc: "The question text.",
        },
        JsonField {
            key: "options",
            field: "options",
            item: Item::Text,
            list: true,
            required: true,
            doc: "The choices (multiple choice: the option texts; true/false: `true`, `false`); empty for open questions.",
        },
        JsonField {
            key: "correct_answer",
            field: "correctAnswer",
            item: Item::Text,
            list: false,
            required: false,
            doc: "The answer that scores; null for learners (only staff read the answers).",
        },
        JsonField {
            key: "points",
            field: "points",
            item: Item::Int,
            list: false,
            required: false,
            doc: "What a correct answer scores.",
        },
        JsonField {
            key: "explanation",
            field: "explanation",
            item: Item::Text,
            list: false,
            required: false,
            doc: "Why the answer is right; null for learners.",
        },
    ],
};

/// `user_preferences.predictive_analytics_enabled`.
static PREDICTION_SETTINGS: JsonObject = JsonObject {
    name: "PredictionSettings",
    description: "Which predictions are made for a learner.",
    fields: &[
        JsonField {
            key: "dropOffRisk",
            field: "dropOffRisk",
            item: Item::Boolean,
            list: false,
            required: false,
            doc: "Predict the risk of dropping off.",
        },
        JsonField {
            key: "forecasting",
            field: "forecasting",
            item: Item::Boolean,
            list: false,
            required: false,
            doc: "Forecast points.",
        },
        JsonField {
            key: "recommendations",
            field: "recommendations",
            item: Item::Boolean,
            list: false,
            required: false,
            doc: "Recommend what to do next.",
        },
    ],
};

/// The typed JSON objects, for the schema to declare.
pub const JSON_OBJECTS: &[&JsonObject] = &[&QUIZ_QUESTION, &PREDICTION_SETTINGS];

/// JSON columns of a known shape, served typed: (table, column, shape).
const SHAPES: &[(&str, &str, Shape)] = &[
    ("quizzes", "questions", Shape::Objects(&QUIZ_QUESTION)),
    (
        "user_preferences",
        "predictive_analytics_enabled",
        Shape::Object(&PREDICTION_SETTINGS),
    ),
];

/// JSON columns holding an array of one kind of element, served as a typed
/// list: (table, column, element).
const LISTS: &[(&str, &str, Item)] = &[
    ("courses", "tags", Item::Text),
    ("lessons", "learning_objectives", Item::Text),
    ("lessons", "prerequisites", Item::Global("Lesson")),
    ("quizzes", "source_content_ids", Item::Uuid),
    ("workshops", "outcomes", Item::Text),
    ("workshops", "tags", Item::Text),
    ("certificates", "skills_demonstrated", Item::Text),
    ("talent_profiles", "expertise", Item::Text),
    ("talent_profiles", "industries", Item::Text),
    (
        "talent_profiles",
        "transformation_stages",
        Item::Enum(&enums::TransformationStage::DEF),
    ),
    ("learning_resources", "competency_areas", Item::Text),
    ("learning_path_categories", "competency_areas", Item::Text),
    ("data_chunks", "embedding", Item::Float),
];

/// How `table.column` looks in the API: an enumeration, a typed list, or
/// as its database type says.
pub fn shape(table: &str, column: &str) -> Shape {
    if let Some(def) = enums::of_column(table, column) {
        return Shape::Enum(def);
    }
    if let Some((_, _, shape)) = SHAPES.iter().find(|(t, c, _)| *t == table && *c == column) {
        return *shape;
    }
    LISTS
        .iter()
        .find(|(t, c, _)| *t == table && *c == column)
        .map_or(Shape::Plain, |(_, _, item)| Shape::List(*item))
}

/// Every enumeration some list column holds.
pub fn list_enums() -> impl Iterator<Item = &'static enums::EnumDef> {
    LISTS.iter().filter_map(|(_, _, item)| match item {
        Item::Enum(def) => Some(*def),
        _ => None,
    })
}

fn table<E>(order: &[&str]) -> Result<(&'static str, Arc<dyn TableOps>), String>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    let t = EntityTable::<E>::new(order, shape)?;
    Ok((t.table(), Arc::new(t)))
}

const fn one(
    field: &'static str,
    column: &'static str,
    target: &'static str,
    doc: &'static str,
) -> Rel {
    Rel::One {
        field,
        column,
        target,
        doc,
    }
}

const fn many(
    field: &'static str,
    target: &'static str,
    column: &'static str,
    doc: &'static str,
) -> Rel {
    Rel::Many {
        field,
        column,
        target,
        doc,
    }
}

/// The tables served and their declarations.
pub fn catalog() -> Result<(Catalog, Vec<TypeSpec>), String> {
    use entity::*;
    let catalog: Catalog = [
        // Identity and tenancy (m0001).
        table::<tenants::Entity>(&["name"])?,
        table::<users::Entity>(&["created_at"])?,
        table::<organizations::Entity>(&["name"])?,
        table::<user_roles::Entity>(&["granted_at"])?,
        // Seed 000, competency assessments (m0002).
        table::<framework_assessments::Entity>(&["title"])?,
        table::<assessment_questions::Entity>(&["question_order"])?,
        table::<user_attempts::Entity>(&["created_at"])?,
        table::<user_responses::Entity>(&["created_at"])?,
        table::<skill_tags::Entity>(&["sort_order"])?,
        table::<tag_insights::Entity>(&["created_at"])?,
        table::<tag_actions::Entity>(&["created_at"])?,
        table::<competency_display_names::Entity>(&["display_name"])?,
        table::<competency_leverage_strengths::Entity>(&["priority_order"])?,
        table::<learning_path_categories::Entity>(&["priority_order", "category_title"])?,
        table::<learning_resources::Entity>(&["resource_type", "title"])?,
        // Seed 003 (+ 004), the LMS (m0003).
        table::<courses::Entity>(&["created_at"])?,
        table::<lessons::Entity>(&["order_index"])?,
        table::<content_blocks::Entity>(&["order_index"])?,
        table::<quizzes::Entity>(&["created_at"])?,
        table::<assessment_attempts::Entity>(&["attempt_number"])?,
        table::<enrollments::Entity>(&["enrolled_at"])?,
        table::<student_progress::Entity>(&["created_at"])?,
        table::<personalized_roadmaps::Entity>(&["generated_at"])?,
        table::<learning_progress::Entity>(&["created_at"])?,
        // Seed 001, HumanGlue (m0004).
        table::<adaptability_assessments::Entity>(&["started_at"])?,
        table::<assessment_answers::Entity>(&["created_at"])?,
        table::<workshops::Entity>(&["created_at"])?,
        table::<payments::Entity>(&["created_at"])?,
        table::<certificates::Entity>(&["issue_date"])?,
        table::<workshop_registrations::Entity>(&["registered_at"])?,
        table::<talent_profiles::Entity>(&["created_at"])?,
        table::<talent_testimonials::Entity>(&["created_at"])?,
        table::<engagements::Entity>(&["created_at"])?,
        table::<engagement_sessions::Entity>(&["scheduled_at"])?,
        table::<reviews::Entity>(&["created_at"])?,
        table::<review_votes::Entity>(&["created_at"])?,
        // Seed 002, the coaching data platform (m0005).
        table::<coaches::Entity>(&["name"])?,
        table::<clients::Entity>(&["name"])?,
        table::<coaching_models::Entity>(&["name"])?,
        table::<coach_model_associations::Entity>(&["created_at"])?,
        table::<data_items::Entity>(&["created_at"])?,
        table::<data_chunks::Entity>(&["chunk_index"])?,
        // Seed 004, analytics and gamification (m0006).
        table::<skills::Entity>(&["name"])?,
        // No NOT NULL column but the keys: pages are in `id` order.
        table::<user_skills::Entity>(&[])?,
        table::<learner_velocity_analytics::Entity>(&["calculated_at"])?,
        table::<user_points::Entity>(&["updated_at"])?,
        table::<point_transactions::Entity>(&["timestamp"])?,
        table::<achievements::Entity>(&["name"])?,
        table::<user_achievements::Entity>(&["earned_at"])?,
        table::<daily_activity::Entity>(&["date"])?,
        table::<predictive_analytics_cache::Entity>(&["calculated_at"])?,
        table::<user_preferences::Entity>(&["updated_at"])?,
    ]
    .into_iter()
    .collect();
    let specs = vec![
        // ---------------------------------------------------------------
        // Identity and tenancy (m0001).
        // ---------------------------------------------------------------
        TypeSpec {
            table: "tenants",
            type_name: "Tenant",
            description: "A coaching company or academy: the tenant every request acts in. A request sees only its own tenant, with or without a token.",
            root_field: Some("tenants"),
            relations: vec![],
            docs: &[
                ("name", "Company name (e.g. \"InsideOut Leadership\")."),
                (
                    "slug",
                    "URL-friendly identifier, unique across the platform (e.g. `insideout`).",
                ),
                (
                    "metadata",
                    "Optional attributes (JSON object), e.g. website, active, logo_url, contact_email.",
                ),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "users",
            type_name: "User",
            description: "A person: one identity per email, shared by every tenant the person belongs to; roles are per tenant (see `memberships`). You see your own profile; instructors and admins see every member of the tenant.",
            root_field: Some("users"),
            relations: vec![
                many(
                    "memberships",
                    "user_roles",
                    "user_id",
                    "The user's roles in this tenant.",
                ),
                many(
                    "enrollments",
                    "enrollments",
                    "student_id",
                    "Courses the user is enrolled in.",
                ),
                many(
                    "coursesTaught",
                    "courses",
                    "instructor_id",
                    "Courses the user teaches as instructor.",
                ),
                many(
                    "quizAttempts",
                    "assessment_attempts",
                    "student_id",
                    "The user's quiz attempts.",
                ),
                many(
                    "studentProgress",
                    "student_progress",
                    "student_id",
                    "The user's progress on courses, lessons and quizzes.",
                ),
                many(
                    "personalizedRoadmaps",
                    "personalized_roadmaps",
                    "student_id",
                    "AI-generated learning paths for the user.",
                ),
                many(
                    "learningProgress",
                    "learning_progress",
                    "student_id",
                    "Detailed progress on individual pieces of content.",
                ),
                many(
                    "userAttempts",
                    "user_attempts",
                    "user_id",
                    "The user's framework assessment attempts.",
                ),
                many(
                    "adaptabilityAssessments",
                    "adaptability_assessments",
                    "user_id",
                    "Adaptability assessments the user took.",
                ),
                many(
                    "workshopsTaught",
                    "workshops",
                    "instructor_id",
                    "Workshops the user runs as instructor.",
                ),
                many(
                    "workshopRegistrations",
                    "workshop_registrations",
                    "user_id",
                    "The user's workshop registrations.",
                ),
                many(
                    "payments",
                    "payments",
                    "user_id",
                    "Payments made by the user.",
                ),
                many(
                    "certificates",
                    "certificates",
                    "user_id",
                    "Certificates awarded to the user.",
                ),
                many(
                    "certificatesIssued",
                    "certificates",
                    "issued_by",
                    "Certificates the user issued (as instructor or admin).",
                ),
                many(
                    "talentProfiles",
                    "talent_profiles",
                    "user_id",
                    "The user's marketplace expert profile (at most one per tenant).",
                ),
                many(
                    "engagementsAsClient",
                    "engagements",
                    "client_id",
                    "Engagements in which the user is the client.",
                ),
                many(
                    "engagementsAsExpert",
                    "engagements",
                    "expert_id",
                    "Engagements in which the user is the expert.",
                ),
                many("reviews", "reviews", "user_id", "Reviews the user wrote."),
                many(
                    "reviewsAsExpert",
                    "reviews",
                    "expert_id",
                    "Reviews of the user as an expert.",
                ),
                many(
                    "reviewsRespondedTo",
                    "reviews",
                    "response_by",
                    "Reviews the user responded to.",
                ),
                many(
                    "coachRecords",
                    "coaches",
                    "user_id",
                    "Coach records linked to this login.",
                ),
                many(
                    "clientRecords",
                    "clients",
                    "user_id",
                    "Client records linked to this login.",
                ),
                many(
                    "dataItemsCreated",
                    "data_items",
                    "created_by_user_id",
                    "Data items the user created.",
                ),
                many(
                    "userSkills",
                    "user_skills",
                    "user_id",
                    "The user's skill mastery levels.",
                ),
                many(
                    "learnerVelocity",
                    "learner_velocity_analytics",
                    "user_id",
                    "Learning pace analytics for the user.",
                ),
                many(
                    "userPoints",
                    "user_points",
                    "user_id",
                    "The user's points, level and streaks (one row per tenant).",
                ),
                many(
                    "pointTransactions",
                    "point_transactions",
                    "user_id",
                    "Points the user earned or spent.",
                ),
                many(
                    "userAchievements",
                    "user_achievements",
                    "user_id",
                    "Achievements the user earned.",
                ),
                many(
                    "dailyActivity",
                    "daily_activity",
                    "user_id",
                    "Days on which the user was active.",
                ),
                many(
                    "predictiveAnalytics",
                    "predictive_analytics_cache",
                    "user_id",
                    "Cached predictions about the user.",
                ),
                many(
                    "userPreferences",
                    "user_preferences",
                    "user_id",
                    "The user's privacy and notification preferences (one row per tenant).",
                ),
            ],
            docs: &[
                ("email", "Email address, unique across the platform."),
                (
                    "password_hash",
                    "Hash of the local password; null for identities that sign in through an external auth provider. Never exposed.",
                ),
                ("full_name", "Display name."),
                ("first_name", "First name."),
                ("last_name", "Last name."),
                ("avatar_url", "Profile picture URL."),
                (
                    "company_name",
                    "Organization affiliation as the user states it (free text).",
                ),
                ("status", "Whether the account may sign in."),
                (
                    "metadata",
                    "Flexible profile data (JSON object), e.g. title and timezone.",
                ),
                (
                    "learning_preferences",
                    "Learning preferences (JSON object): preferred_pace (slow, medium, fast), preferred_media_types (content block types), learning_style (visual, auditory, kinesthetic, mixed).",
                ),
                (
                    "knowledge_profile",
                    "What the learner already knows (JSON), as the learning application records it.",
                ),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "organizations",
            type_name: "Organization",
            description: "A client company inside the tenant, whose people take part in its programs and coaching. Members see their own organization; admins see all.",
            root_field: Some("organizations"),
            relations: vec![
                many(
                    "memberships",
                    "user_roles",
                    "organization_id",
                    "Roles held in the context of this organization.",
                ),
                many(
                    "courses",
                    "courses",
                    "organization_id",
                    "Courses run for this organization.",
                ),
                many(
                    "clients",
                    "clients",
                    "client_organization_id",
                    "Coached executives who work for this organization.",
                ),
                many(
                    "dataItems",
                    "data_items",
                    "client_organization_id",
                    "Coaching data (transcripts, assessments, documents) about this organization.",
                ),
                many(
                    "adaptabilityAssessments",
                    "adaptability_assessments",
                    "organization_id",
                    "Adaptability assessments taken in this organization's context.",
                ),
                many(
                    "payments",
                    "payments",
                    "organization_id",
                    "Payments made in this organization's context.",
                ),
                many(
                    "engagements",
                    "engagements",
                    "organization_id",
                    "Expert engagements for this organization.",
                ),
            ],
            docs: &[
                ("name", "Company name."),
                ("slug", "URL-friendly identifier, unique in the tenant."),
                ("domain", "The company's domain name."),
                ("industry", "Industry category, e.g. Technology."),
                ("company_size", "Employee count range (free text)."),
                ("subscription_tier", "The organization's plan."),
                ("subscription_status", "Billing status (free text)."),
                ("settings", "Organization-specific configuration."),
                (
                    "metadata",
                    "Optional attributes (size, active, employee_count, headquarters, website).",
                ),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "user_roles",
            type_name: "Membership",
            description: "A user's role in the tenant, optionally for one organization and until an expiry. You see your own memberships, org admins those of their organization, admins all.",
            root_field: Some("memberships"),
            relations: vec![
                one("user", "user_id", "users", "The member."),
                one(
                    "organization",
                    "organization_id",
                    "organizations",
                    "The organization the role applies to, if any.",
                ),
            ],
            docs: &[
                ("user_id", "The member (the UUID of a `User`)."),
                (
                    "role",
                    "The role held. A trainer is an `INSTRUCTOR`, an expert a `COACH`, a student a `LEARNER`.",
                ),
                (
                    "organization_id",
                    "The organization the role applies to, if any (the UUID of an `Organization`).",
                ),
                ("expires_at", "When the role lapses; null for no expiry."),
                ("granted_at", "When the role was granted."),
                ("created_at", "When the record was created."),
            ],
        },
        // ---------------------------------------------------------------
        // Seed 000, competency assessments (m0002).
        // ---------------------------------------------------------------
        TypeSpec {
            table: "framework_assessments",
            type_name: "FrameworkAssessment",
            description: "A CORE, ICF or AC coaching competency assessment, levels I–III: multiple-choice questions scored per competency (start one with `startFrameworkAssessment`). Active entries are public: anyone can read them, also without a token (`X-Tenant`); admins also see inactive ones.",
            root_field: Some("frameworkAssessments"),
            relations: vec![
                many(
                    "assessmentQuestions",
                    "assessment_questions",
                    "assessment_id",
                    "The assessment's questions, in order.",
                ),
                many(
                    "userAttempts",
                    "user_attempts",
                    "assessment_id",
                    "Attempts at this assessment.",
                ),
            ],
            docs: &[
                (
                    "slug",
                    "URL-friendly identifier, unique in the tenant (e.g. core-fundamentals-i).",
                ),
                ("title", "Title (e.g. \"CORE I - Fundamentals\")."),
                ("description", "What the assessment covers."),
                ("difficulty", "How hard the assessment is."),
                ("estimated_duration", "Estimated duration in minutes."),
                ("framework", "The competency framework."),
                ("is_active", "Whether the assessment is offered."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "assessment_questions",
            type_name: "AssessmentQuestion",
            description: "A multiple-choice question (four options) of a framework assessment. Questions of active assessments are public, also without a token (`X-Tenant`); `correctAnswer` and `explanation` are null except for admins and instructors.",
            root_field: Some("assessmentQuestions"),
            relations: vec![
                one(
                    "assessment",
                    "assessment_id",
                    "framework_assessments",
                    "The assessment this question belongs to.",
                ),
                many(
                    "userResponses",
                    "user_responses",
                    "question_id",
                    "Answers given to this question.",
                ),
            ],
            docs: &[
                (
                    "assessment_id",
                    "The assessment this question belongs to (the UUID of a `FrameworkAssessment`).",
                ),
                ("question_order", "Position in the assessment."),
                ("question", "The question text."),
                ("option_a", "Answer option 0 (A)."),
                ("option_b", "Answer option 1 (B)."),
                ("option_c", "Answer option 2 (C)."),
                ("option_d", "Answer option 3 (D)."),
                (
                    "correct_answer",
                    "Index of the correct option: 0 (A), 1 (B), 2 (C) or 3 (D).",
                ),
                (
                    "explanation",
                    "Why the correct answer is right, shown after answering.",
                ),
                (
                    "competency_area",
                    "The competency tested (a competency key, e.g. active_listening).",
                ),
                (
                    "difficulty_weight",
                    "Scoring weight of the question (default 1.0).",
                ),
                (
                    "assessment_level",
                    "The framework level the question belongs to.",
                ),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "user_attempts",
            type_name: "UserAttempt",
            description: "A user's attempt at a framework assessment, with its score and cached insights; in progress (score 0) until `completedAt` is set. You see your own attempts; admins see all.",
            root_field: Some("userAttempts"),
            relations: vec![
                one("user", "user_id", "users", "Who made the attempt."),
                one(
                    "assessment",
                    "assessment_id",
                    "framework_assessments",
                    "The assessment attempted.",
                ),
                many(
                    "userResponses",
                    "user_responses",
                    "attempt_id",
                    "The answers given in this attempt.",
                ),
            ],
            docs: &[
                ("user_id", "Who made the attempt (the UUID of a `User`)."),
                (
                    "assessment_id",
                    "The assessment attempted (the UUID of a `FrameworkAssessment`).",
                ),
                ("score", "Score, 0–100."),
                ("time_spent", "Time taken, in seconds."),
                (
                    "frontend_insights",
                    "Personalized insights computed by the frontend and cached with the attempt (JSON).",
                ),
                (
                    "insights_generated_at",
                    "When the frontend insights were stored.",
                ),
                (
                    "completed_at",
                    "When the attempt was submitted; null while in progress.",
                ),
                ("created_at", "When the attempt was started."),
            ],
        },
        TypeSpec {
            table: "user_responses",
            type_name: "UserResponse",
            description: "The answer given to one question in a framework assessment attempt. You see the answers of your own attempts; admins see all.",
            root_field: Some("userResponses"),
            relations: vec![
                one(
                    "attempt",
                    "attempt_id",
                    "user_attempts",
                    "The attempt this answer belongs to.",
                ),
                one(
                    "question",
                    "question_id",
                    "assessment_questions",
                    "The question answered.",
                ),
            ],
            docs: &[
                (
                    "attempt_id",
                    "The attempt this answer belongs to (the UUID of a `UserAttempt`).",
                ),
                (
                    "question_id",
                    "The question answered (the UUID of an `AssessmentQuestion`).",
                ),
                (
                    "selected_answer",
                    "The chosen option: 0 (A), 1 (B), 2 (C) or 3 (D).",
                ),
                (
                    "is_correct",
                    "Whether the chosen option is the correct one.",
                ),
                ("response_time", "Time to answer, in seconds."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "skill_tags",
            type_name: "SkillTag",
            description: "A coaching skill within a competency area of a framework and level, with its insights and action. Active entries are public: anyone can read them, also without a token (`X-Tenant`); admins also see inactive ones.",
            root_field: Some("skillTags"),
            relations: vec![
                many(
                    "tagInsights",
                    "tag_insights",
                    "skill_tag_id",
                    "Weakness and strength insights for this skill.",
                ),
                many(
                    "tagActions",
                    "tag_actions",
                    "skill_tag_id",
                    "The development action for this skill (at most one).",
                ),
            ],
            docs: &[
                ("name", "Skill name."),
                (
                    "competency_area",
                    "The competency area the skill belongs to (a competency key).",
                ),
                ("framework", "The competency framework."),
                ("sort_order", "Display order (lower first)."),
                (
                    "assessment_level",
                    "The framework level the tag belongs to.",
                ),
                ("is_active", "Whether the tag is in use."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "tag_insights",
            type_name: "TagInsight",
            description: "A personalized insight for a skill tag, shown as a weakness or a strength. Insights of the skill tags you can see are public, also without a token (`X-Tenant`).",
            root_field: Some("tagInsights"),
            relations: vec![one(
                "skillTag",
                "skill_tag_id",
                "skill_tags",
                "The skill this insight is about.",
            )],
            docs: &[
                (
                    "skill_tag_id",
                    "The skill this insight is about (the UUID of a `SkillTag`).",
                ),
                ("insight_text", "The insight shown to the user."),
                (
                    "insight_type",
                    "Whether the insight speaks to a weakness or a strength.",
                ),
                (
                    "context_level",
                    "The learner level the insight is written for (default beginner).",
                ),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "tag_actions",
            type_name: "TagAction",
            description: "The actionable development step for a skill tag, at most one per tag. Active entries are public: anyone can read them, also without a token (`X-Tenant`); admins also see inactive ones.",
            root_field: Some("tagActions"),
            relations: vec![one(
                "skillTag",
                "skill_tag_id",
                "skill_tags",
                "The skill this action develops.",
            )],
            docs: &[
                (
                    "skill_tag_id",
                    "The skill this action develops (the UUID of a `SkillTag`; one action per tag).",
                ),
                ("action_text", "The development step."),
                ("is_active", "Whether the action is in use."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "competency_display_names",
            type_name: "CompetencyDisplayName",
            description: "The user-friendly name of a competency key in a framework (e.g. active_listening → Active Listening). Active entries are public: anyone can read them, also without a token (`X-Tenant`); admins also see inactive ones.",
            root_field: Some("competencyDisplayNames"),
            relations: vec![],
            docs: &[
                (
                    "competency_key",
                    "Competency key, lowercase_with_underscores (e.g. active_listening).",
                ),
                (
                    "display_name",
                    "User-friendly name (e.g. Active Listening).",
                ),
                ("framework", "The competency framework."),
                ("is_active", "Whether the name is in use."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "competency_leverage_strengths",
            type_name: "CompetencyLeverageStrength",
            description: "How to leverage a strong competency, for scores in a range. Active entries are public: anyone can read them, also without a token (`X-Tenant`); admins also see inactive ones.",
            root_field: Some("competencyLeverageStrengths"),
            relations: vec![],
            docs: &[
                ("competency_area", "The competency (a competency key)."),
                ("leverage_text", "How to leverage the strength."),
                (
                    "score_range_min",
                    "Lowest score (0–100) the text applies to (default 0).",
                ),
                (
                    "score_range_max",
                    "Highest score (0–100) the text applies to (default 100).",
                ),
                ("framework", "The competency framework."),
                (
                    "context_level",
                    "The learner level the text is written for (default beginner).",
                ),
                ("priority_order", "Display order (lower first)."),
                ("is_active", "Whether the text is in use."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "learning_path_categories",
            type_name: "LearningPathCategory",
            description: "A competency-focused group of learning resources, recommended for weak areas (see `learningPathsForAssessment`). Active entries are public: anyone can read them, also without a token (`X-Tenant`); admins also see inactive ones.",
            root_field: Some("learningPathCategories"),
            relations: vec![many(
                "learningResources",
                "learning_resources",
                "category_id",
                "The resources in this category.",
            )],
            docs: &[
                ("category_title", "Category title."),
                ("category_description", "What the category helps with."),
                ("category_icon", "Emoji or icon identifier."),
                (
                    "competency_areas",
                    "Competency areas the category addresses (competency keys).",
                ),
                (
                    "assessment_level",
                    "The framework level the category is for.",
                ),
                ("priority_order", "Display order (lower first)."),
                ("is_active", "Whether the category is offered."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "learning_resources",
            type_name: "LearningResource",
            description: "A book, course, video, article, exercise, workshop, tool or assessment in a learning path category. Active entries are public: anyone can read them, also without a token (`X-Tenant`); admins also see inactive ones.",
            root_field: Some("learningResources"),
            relations: vec![one(
                "category",
                "category_id",
                "learning_path_categories",
                "The category this resource belongs to.",
            )],
            docs: &[
                (
                    "category_id",
                    "The category this resource belongs to (the UUID of a `LearningPathCategory`).",
                ),
                ("title", "Resource title."),
                ("description", "What the resource offers."),
                ("resource_type", "The kind of resource."),
                ("url", "Direct link to the resource."),
                ("author_instructor", "Author or instructor."),
                (
                    "competency_areas",
                    "Competencies the resource addresses (competency keys).",
                ),
                (
                    "assessment_level",
                    "The framework level the resource is for.",
                ),
                ("is_active", "Whether the resource is offered."),
                ("created_at", "When the record was created."),
            ],
        },
        // ---------------------------------------------------------------
        // Seed 003 (+ 004), the LMS (m0003).
        // ---------------------------------------------------------------
        TypeSpec {
            table: "courses",
            type_name: "Course",
            description: "A learning course: ordered lessons, a final quiz and its enrollments. Anyone sees published courses, also without a token (`X-Tenant`); students also the courses they are enrolled in, instructors the courses they teach, admins all.",
            root_field: Some("courses"),
            relations: vec![
                many(
                    "lessons",
                    "lessons",
                    "course_id",
                    "The course's lessons, in order.",
                ),
                many(
                    "quizzes",
                    "quizzes",
                    "course_id",
                    "Course-level quizzes (not attached to a lesson).",
                ),
                many(
                    "enrollments",
                    "enrollments",
                    "course_id",
                    "Students enrolled in the course.",
                ),
                many(
                    "studentProgress",
                    "student_progress",
                    "course_id",
                    "Progress records for this course.",
                ),
                one(
                    "instructor",
                    "instructor_id",
                    "users",
                    "The instructor who owns the course.",
                ),
                one(
                    "organization",
                    "organization_id",
                    "organizations",
                    "The organization the course is run for, if any.",
                ),
                one(
                    "finalAssessment",
                    "final_assessment_id",
                    "quizzes",
                    "The course's final quiz.",
                ),
            ],
            docs: &[
                ("title", "Course title."),
                ("description", "What the course covers."),
                (
                    "instructor_id",
                    "The instructor who owns the course (the UUID of a `User`).",
                ),
                (
                    "organization_id",
                    "The organization the course is run for, if any (the UUID of an `Organization`).",
                ),
                (
                    "final_assessment_id",
                    "The course's final quiz (the UUID of a `Quiz`).",
                ),
                ("tags", "Topic tags."),
                ("difficulty_level", "How advanced the course is."),
                ("estimated_duration", "Estimated duration in minutes."),
                ("is_published", "Whether learners can see the course."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "lessons",
            type_name: "Lesson",
            description: "A learning unit of a course, ordered, with content blocks, an optional quiz and prerequisite lessons. Visible to whoever can see its course.",
            root_field: Some("lessons"),
            relations: vec![
                many(
                    "contentBlocks",
                    "content_blocks",
                    "lesson_id",
                    "The lesson's content, in order.",
                ),
                many(
                    "quizzes",
                    "quizzes",
                    "lesson_id",
                    "Quizzes attached to this lesson.",
                ),
                many(
                    "studentProgress",
                    "student_progress",
                    "lesson_id",
                    "Progress records for this lesson.",
                ),
                one(
                    "course",
                    "course_id",
                    "courses",
                    "The course this lesson belongs to.",
                ),
                one(
                    "assessment",
                    "assessment_id",
                    "quizzes",
                    "The lesson's quiz, if any.",
                ),
            ],
            docs: &[
                (
                    "course_id",
                    "The course this lesson belongs to (the UUID of a `Course`).",
                ),
                ("title", "Lesson title."),
                ("description", "What the lesson covers."),
                ("order_index", "Position in the course."),
                (
                    "learning_objectives",
                    "What the learner will be able to do.",
                ),
                ("prerequisites", "Lessons to complete first."),
                (
                    "assessment_id",
                    "The lesson's quiz, if any (the UUID of a `Quiz`).",
                ),
                ("estimated_duration", "Estimated duration in minutes."),
                ("is_published", "Whether learners can see the lesson."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "content_blocks",
            type_name: "ContentBlock",
            description: "One piece of lesson content: rich text, image, video, file or YouTube embed. Visible to whoever can see its lesson.",
            root_field: Some("contentBlocks"),
            relations: vec![one(
                "lesson",
                "lesson_id",
                "lessons",
                "The lesson this block belongs to.",
            )],
            docs: &[
                (
                    "lesson_id",
                    "The lesson this block belongs to (the UUID of a `Lesson`).",
                ),
                (
                    "type",
                    "The kind of block; it decides the shape of `content`.",
                ),
                (
                    "content",
                    "The block's data (JSON object), shaped by its type: rich_text {html, plain_text}; image {url, alt_text, caption?}; video {url, thumbnail_url?, duration?}; file {url, filename, file_type, file_size}; youtube {video_id, title, thumbnail_url, duration}.",
                ),
                ("order_index", "Position in the lesson."),
                ("metadata", "Additional properties."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "quizzes",
            type_name: "Quiz",
            description: "A quiz of a lesson or a course, possibly AI-generated, with a passing score and attempt limits. Visible to whoever can see its course or lesson; each question's correct_answer and explanation are removed except for admins and instructors.",
            root_field: Some("quizzes"),
            relations: vec![
                one(
                    "lesson",
                    "lesson_id",
                    "lessons",
                    "The lesson the quiz belongs to, if a lesson quiz.",
                ),
                one(
                    "course",
                    "course_id",
                    "courses",
                    "The course the quiz belongs to, if a course quiz.",
                ),
                many(
                    "quizAttempts",
                    "assessment_attempts",
                    "assessment_id",
                    "Students' attempts at this quiz.",
                ),
                many(
                    "studentProgress",
                    "student_progress",
                    "assessment_id",
                    "Progress records for this quiz.",
                ),
                many(
                    "lessonsUsingQuiz",
                    "lessons",
                    "assessment_id",
                    "Lessons that use this quiz as their assessment.",
                ),
                many(
                    "coursesUsingAsFinal",
                    "courses",
                    "final_assessment_id",
                    "Courses that use this quiz as their final assessment.",
                ),
            ],
            docs: &[
                (
                    "lesson_id",
                    "The lesson the quiz belongs to (the UUID of a `Lesson`); exactly one of lessonId and courseId is set.",
                ),
                (
                    "course_id",
                    "The course the quiz belongs to (the UUID of a `Course`); exactly one of lessonId and courseId is set.",
                ),
                ("title", "Quiz title."),
                ("description", "What the quiz checks."),
                ("questions", "The questions, in order."),
                ("ai_generated", "Whether the quiz was generated by AI."),
                (
                    "source_content_ids",
                    "The content the questions were generated from (UUIDs).",
                ),
                (
                    "is_mandatory",
                    "Whether the quiz must be passed to progress.",
                ),
                (
                    "minimum_passing_score",
                    "Score needed to pass, 0–100 (default 70).",
                ),
                ("max_attempts", "Attempts allowed; null for unlimited."),
                ("time_limit", "Time limit in minutes; null for untimed."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "assessment_attempts",
            type_name: "QuizAttempt",
            description: "A student's numbered attempt at a quiz, with answers, score and feedback. Students see their own attempts, instructors the attempts at their courses' quizzes, admins all.",
            root_field: Some("quizAttempts"),
            relations: vec![
                one(
                    "assessment",
                    "assessment_id",
                    "quizzes",
                    "The quiz attempted.",
                ),
                one(
                    "student",
                    "student_id",
                    "users",
                    "The student who made the attempt.",
                ),
            ],
            docs: &[
                (
                    "assessment_id",
                    "The quiz attempted (the UUID of a `Quiz`).",
                ),
                (
                    "student_id",
                    "The student who made the attempt (the UUID of a `User`).",
                ),
                (
                    "attempt_number",
                    "1 for the student's first attempt at this quiz, then 2, 3, …",
                ),
                (
                    "answers",
                    "The student's answers, by question id (JSON object).",
                ),
                ("score", "Score, 0–100; null until scored."),
                ("points_earned", "Points earned, from 0 to totalPoints."),
                ("total_points", "Points available."),
                (
                    "passed",
                    "Whether the score reached the quiz's passing score; null until scored.",
                ),
                ("time_spent", "Time taken, in seconds."),
                (
                    "submitted_at",
                    "When the attempt was submitted; null while in progress.",
                ),
                (
                    "feedback",
                    "Scoring feedback (JSON), e.g. a summary and per-question results.",
                ),
                ("started_at", "When the attempt started."),
            ],
        },
        TypeSpec {
            table: "enrollments",
            type_name: "Enrollment",
            description: "A student's enrollment in a course, with its progress. Students see their own, instructors the enrollments in their courses, admins all.",
            root_field: Some("enrollments"),
            relations: vec![
                one("student", "student_id", "users", "The enrolled student."),
                one("course", "course_id", "courses", "The course."),
            ],
            docs: &[
                ("student_id", "The enrolled student (the UUID of a `User`)."),
                ("course_id", "The course (the UUID of a `Course`)."),
                (
                    "completed_at",
                    "When the course was completed; null until then.",
                ),
                (
                    "progress",
                    "Progress details (JSON object), e.g. completed lessons and the current lesson.",
                ),
                ("progress_percent", "Overall progress, 0–100."),
                ("enrolled_at", "When the student enrolled."),
            ],
        },
        TypeSpec {
            table: "student_progress",
            type_name: "StudentProgress",
            description: "A student's progress on a course, lesson or quiz: status, completion, time and scores. Students see their own, instructors the progress in their courses, admins all.",
            root_field: Some("studentProgress"),
            relations: vec![
                one("student", "student_id", "users", "The student."),
                one(
                    "course",
                    "course_id",
                    "courses",
                    "The course tracked, if any.",
                ),
                one(
                    "lesson",
                    "lesson_id",
                    "lessons",
                    "The lesson tracked, if any.",
                ),
                one(
                    "assessment",
                    "assessment_id",
                    "quizzes",
                    "The quiz tracked, if any.",
                ),
            ],
            docs: &[
                ("student_id", "The student (the UUID of a `User`)."),
                (
                    "course_id",
                    "The course tracked, if any (the UUID of a `Course`).",
                ),
                (
                    "lesson_id",
                    "The lesson tracked, if any (the UUID of a `Lesson`).",
                ),
                (
                    "assessment_id",
                    "The quiz tracked, if any (the UUID of a `Quiz`).",
                ),
                ("status", "Where the student stands with the lesson."),
                ("completion_percentage", "Completion, 0–100."),
                ("last_accessed", "When the student last opened it."),
                ("time_spent", "Total time spent, in seconds."),
                ("attempts_count", "Number of quiz attempts."),
                ("best_score", "Best quiz score, 0–100."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "personalized_roadmaps",
            type_name: "PersonalizedRoadmap",
            description: "An AI-generated learning path for a student, with the AI's reasoning (see `generateRoadmap`). Students see their own, instructors those of the learners enrolled in their courses, admins all.",
            root_field: Some("personalizedRoadmaps"),
            relations: vec![one(
                "student",
                "student_id",
                "users",
                "The student the roadmap is for.",
            )],
            docs: &[
                (
                    "student_id",
                    "The student the roadmap is for (the UUID of a `User`).",
                ),
                (
                    "roadmap_data",
                    "The learning path (JSON): goal, focus competencies and ordered steps (courses, lessons, learning paths) with status and reason.",
                ),
                ("ai_reasoning", "Why the AI chose this path."),
                ("status", "Whether the roadmap is being followed."),
                ("generated_at", "When the roadmap was generated."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "learning_progress",
            type_name: "LearningProgress",
            description: "Detailed progress of a student on one piece of content, for learning analytics. Students see their own, instructors those of the learners enrolled in their courses, admins all.",
            root_field: Some("learningProgress"),
            relations: vec![one("student", "student_id", "users", "The student.")],
            docs: &[
                ("student_id", "The student (the UUID of a `User`)."),
                (
                    "content_id",
                    "The content tracked; what it references depends on contentType (no foreign key).",
                ),
                (
                    "content_type",
                    "Kind of content tracked, e.g. lesson (free text).",
                ),
                (
                    "progress_data",
                    "Detailed progress (JSON), e.g. percent and sections viewed.",
                ),
                (
                    "completed_at",
                    "When the content was completed; null until then.",
                ),
                ("time_spent", "Time spent, in seconds."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        // ---------------------------------------------------------------
        // Seed 001, HumanGlue (m0004).
        // ---------------------------------------------------------------
        TypeSpec {
            table: "adaptability_assessments",
            type_name: "AdaptabilityAssessment",
            description: "A five-dimension adaptability assessment of a user: individual, leadership, cultural, embedding and velocity scores, 0–100 each. You see your own, org admins those taken in their organization, admins all.",
            root_field: Some("adaptabilityAssessments"),
            relations: vec![
                one("user", "user_id", "users", "Who took the assessment."),
                one(
                    "organization",
                    "organization_id",
                    "organizations",
                    "The organization context, if any.",
                ),
                many(
                    "assessmentAnswers",
                    "assessment_answers",
                    "assessment_id",
                    "The answers given.",
                ),
                many(
                    "certificates",
                    "certificates",
                    "assessment_id",
                    "Certificates awarded for this assessment.",
                ),
            ],
            docs: &[
                ("user_id", "Who took the assessment (the UUID of a `User`)."),
                (
                    "organization_id",
                    "The organization context, if any (the UUID of an `Organization`).",
                ),
                ("assessment_type", "The kind of assessment."),
                ("status", "Where the assessment stands."),
                (
                    "individual_score",
                    "Personal readiness, 0–100 (weighted average of the dimension's answers).",
                ),
                ("leadership_score", "Leader capability, 0–100."),
                ("cultural_score", "Organizational culture, 0–100."),
                ("embedding_score", "Behavior sustainability, 0–100."),
                ("velocity_score", "Speed of change, 0–100."),
                ("results", "Detailed analysis (JSON object)."),
                ("recommendations", "Suggested actions (JSON array)."),
                ("completed_at", "When the assessment was completed."),
                ("started_at", "When the assessment was started."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "assessment_answers",
            type_name: "AssessmentAnswer",
            description: "The answer to one question of an adaptability assessment, in one dimension. Visible to whoever can see the assessment.",
            root_field: Some("assessmentAnswers"),
            relations: vec![one(
                "assessment",
                "assessment_id",
                "adaptability_assessments",
                "The assessment answered.",
            )],
            docs: &[
                (
                    "assessment_id",
                    "The assessment answered (the UUID of an `AdaptabilityAssessment`).",
                ),
                (
                    "question_id",
                    "Question identifier chosen by the client application (free text; the API has no list of adaptability questions); one answer per question.",
                ),
                ("dimension", "The dimension the question measures."),
                ("answer_type", "How the question is answered."),
                (
                    "answer_value",
                    "Numeric response, 0–100; null for text answers.",
                ),
                ("answer_text", "Written response of a text answer."),
                (
                    "question_weight",
                    "Scoring weight, greater than 0 (default 1.0).",
                ),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "workshops",
            type_name: "Workshop",
            description: "A workshop or masterclass with schedule, seats and pricing. Anyone sees published workshops, also without a token (`X-Tenant`); instructors also their own, admins all.",
            root_field: Some("workshops"),
            relations: vec![
                one(
                    "instructor",
                    "instructor_id",
                    "users",
                    "The instructor who runs the workshop.",
                ),
                many(
                    "workshopRegistrations",
                    "workshop_registrations",
                    "workshop_id",
                    "Registrations for this workshop.",
                ),
                many(
                    "certificates",
                    "certificates",
                    "workshop_id",
                    "Certificates awarded for this workshop.",
                ),
                many(
                    "reviews",
                    "reviews",
                    "workshop_id",
                    "Reviews of this workshop.",
                ),
            ],
            docs: &[
                ("title", "Workshop title."),
                ("description", "What the workshop covers."),
                (
                    "instructor_id",
                    "The instructor who runs the workshop (the UUID of a `User`).",
                ),
                ("pillar", "The programme pillar."),
                ("level", "How advanced the workshop is."),
                ("format", "How the workshop is delivered."),
                ("schedule_date", "Date the workshop runs."),
                ("schedule_time", "Time of day the workshop starts."),
                ("capacity_total", "Seats in total."),
                (
                    "capacity_remaining",
                    "Seats still free (0 to capacityTotal).",
                ),
                ("price_amount", "Price (default 0)."),
                ("price_early_bird", "Early-bird price, if offered."),
                ("outcomes", "Learning outcomes."),
                ("tags", "Topic tags."),
                (
                    "status",
                    "Where the workshop stands: only `PUBLISHED` workshops take registrations.",
                ),
                ("is_featured", "Highlighted on the homepage."),
                ("rating", "Average rating of approved reviews, 0–5."),
                ("review_count", "Number of approved reviews."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "payments",
            type_name: "Payment",
            description: "A payment for a workshop, engagement, subscription or other. You see your own payments and those made for your organization; admins see all.",
            root_field: Some("payments"),
            relations: vec![
                one("user", "user_id", "users", "The payer."),
                one(
                    "organization",
                    "organization_id",
                    "organizations",
                    "The organization context, if any.",
                ),
                many(
                    "workshopRegistrations",
                    "workshop_registrations",
                    "payment_id",
                    "Workshop registrations paid by this payment.",
                ),
            ],
            docs: &[
                ("user_id", "The payer (the UUID of a `User`)."),
                (
                    "organization_id",
                    "The organization context, if any (the UUID of an `Organization`).",
                ),
                ("amount", "Amount charged."),
                (
                    "currency",
                    "ISO 4217 currency code (3 letters, default USD).",
                ),
                ("provider", "Who processed the payment."),
                ("transaction_id", "The provider's transaction reference."),
                ("status", "Where the payment stands."),
                ("payment_type", "What the payment is for."),
                (
                    "related_entity_id",
                    "The workshop or engagement paid for, by paymentType (no foreign key).",
                ),
                ("invoice_number", "Invoice number, unique in the tenant."),
                ("invoice_url", "Invoice URL."),
                ("refund_amount", "Amount refunded, from 0 to amount."),
                ("refunded_at", "When the refund was made."),
                ("metadata", "Additional payment data (JSON object)."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "certificates",
            type_name: "Certificate",
            description: "A completion certificate for a workshop, program or assessment. Recipients see their own, issuers the ones they issued, admins all; anyone can check one by number with `verifyCertificate`.",
            root_field: Some("certificates"),
            relations: vec![
                one("user", "user_id", "users", "The recipient."),
                one(
                    "workshop",
                    "workshop_id",
                    "workshops",
                    "The workshop it certifies, if any.",
                ),
                one(
                    "assessment",
                    "assessment_id",
                    "adaptability_assessments",
                    "The adaptability assessment it certifies, if any.",
                ),
                one(
                    "issuer",
                    "issued_by",
                    "users",
                    "The instructor or admin who issued it.",
                ),
                many(
                    "workshopRegistrations",
                    "workshop_registrations",
                    "certificate_id",
                    "Workshop registrations that awarded this certificate.",
                ),
            ],
            docs: &[
                ("user_id", "The recipient (the UUID of a `User`)."),
                ("certificate_type", "What the certificate attests."),
                (
                    "workshop_id",
                    "The workshop it certifies, if any (the UUID of a `Workshop`).",
                ),
                (
                    "assessment_id",
                    "The adaptability assessment it certifies, if any (the UUID of an `AdaptabilityAssessment`).",
                ),
                (
                    "certificate_number",
                    "Unique identifier, CERT-{TYPE}-{DATE}-{UUID}, set when issued.",
                ),
                ("issue_date", "Start of validity."),
                (
                    "expiry_date",
                    "End of validity; null if it does not expire.",
                ),
                ("skills_demonstrated", "Competencies demonstrated."),
                ("certificate_url", "PDF or image URL."),
                ("verification_url", "Public verification link."),
                (
                    "issued_by",
                    "The instructor or admin who issued it (the UUID of a `User`).",
                ),
                ("is_verified", "Authenticity flag."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "workshop_registrations",
            type_name: "WorkshopRegistration",
            description: "A user's seat in a workshop: attendance, payment, certificate and feedback. You see your own, instructors the registrations for their workshops, admins all.",
            root_field: Some("workshopRegistrations"),
            relations: vec![
                one("workshop", "workshop_id", "workshops", "The workshop."),
                one("user", "user_id", "users", "The registered user."),
                one(
                    "payment",
                    "payment_id",
                    "payments",
                    "The payment for the seat, if any.",
                ),
                one(
                    "certificate",
                    "certificate_id",
                    "certificates",
                    "The certificate awarded, if any.",
                ),
            ],
            docs: &[
                ("workshop_id", "The workshop (the UUID of a `Workshop`)."),
                (
                    "user_id",
                    "The registered user (the UUID of a `User`); one registration per user and workshop.",
                ),
                ("status", "Where the registration stands."),
                ("price_paid", "Amount charged (default 0)."),
                (
                    "payment_id",
                    "The payment for the seat, if any (the UUID of a `Payment`).",
                ),
                ("attended", "Whether the user attended."),
                ("completed_at", "When the user completed the workshop."),
                ("cancelled_at", "When the registration was cancelled."),
                (
                    "certificate_id",
                    "The certificate awarded, if any (the UUID of a `Certificate`).",
                ),
                ("rating", "The user's rating, 1–5."),
                ("review", "The user's written feedback."),
                ("registered_at", "When the seat was taken."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "talent_profiles",
            type_name: "TalentProfile",
            description: "An expert's marketplace profile with impact metrics, rating and availability. Public profiles are visible to anyone, also without a token (`X-Tenant`); experts also see their own, admins all.",
            root_field: Some("talentProfiles"),
            relations: vec![
                one("user", "user_id", "users", "The expert."),
                many(
                    "talentTestimonials",
                    "talent_testimonials",
                    "talent_profile_id",
                    "Client testimonials for this expert.",
                ),
            ],
            docs: &[
                (
                    "user_id",
                    "The expert (the UUID of a `User`); one profile per user in the tenant.",
                ),
                ("tagline", "Short marketing line."),
                ("bio", "Biography."),
                ("expertise", "Skills."),
                (
                    "transformation_success_rate",
                    "Transformation success rate, 0–100.",
                ),
                ("behavior_change_score", "Behavior change score, 0–100."),
                ("client_retention_rate", "Client retention rate, 0–100."),
                (
                    "cultures_transformed",
                    "Number of organizational cultures transformed.",
                ),
                ("years_experience", "Years of industry experience."),
                ("industries", "Industry specializations."),
                ("transformation_stages", "Stages of transformation covered."),
                ("coaching_style", "The expert's coaching style."),
                ("rating", "Average client rating, 0–5."),
                ("review_count", "Number of reviews."),
                ("availability", "Whether the expert takes new engagements."),
                ("hourly_rate", "Consulting fee per hour."),
                ("is_public", "Visible in the marketplace."),
                ("accepting_clients", "Whether the expert takes new clients."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "talent_testimonials",
            type_name: "TalentTestimonial",
            description: "A client's endorsement of an expert. Visible to whoever can see the expert's profile.",
            root_field: Some("talentTestimonials"),
            relations: vec![one(
                "talentProfile",
                "talent_profile_id",
                "talent_profiles",
                "The expert endorsed.",
            )],
            docs: &[
                (
                    "talent_profile_id",
                    "The expert endorsed (the UUID of a `TalentProfile`).",
                ),
                ("client_name", "Who gave the testimonial."),
                ("client_company", "The client's company."),
                ("quote", "The testimonial."),
                ("metric", "Quantified result (e.g. \"78% adoption\")."),
                ("verified", "Whether the testimonial was verified."),
                ("is_featured", "Highlighted on the profile."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "engagements",
            type_name: "Engagement",
            description: "A consulting relationship between a client and an expert, with an hours budget and milestones. Visible to its client, its expert and admins.",
            root_field: Some("engagements"),
            relations: vec![
                one("client", "client_id", "users", "The client party."),
                one("expert", "expert_id", "users", "The expert party."),
                one(
                    "organization",
                    "organization_id",
                    "organizations",
                    "The company context, if any.",
                ),
                many(
                    "engagementSessions",
                    "engagement_sessions",
                    "engagement_id",
                    "The engagement's sessions.",
                ),
                many(
                    "reviews",
                    "reviews",
                    "engagement_id",
                    "Reviews of this engagement.",
                ),
            ],
            docs: &[
                ("client_id", "The client party (the UUID of a `User`)."),
                ("expert_id", "The expert party (the UUID of a `User`)."),
                (
                    "organization_id",
                    "The company context, if any (the UUID of an `Organization`).",
                ),
                ("focus_area", "The engagement's goal."),
                ("hours_total", "Hours budgeted."),
                (
                    "hours_used",
                    "Hours used by completed sessions (at most hoursTotal).",
                ),
                ("hourly_rate", "Billing rate per hour."),
                ("status", "Where the engagement stands."),
                ("deliverables", "Expected outputs (JSON array)."),
                ("milestones", "Progress tracking (JSON array)."),
                ("client_satisfaction_score", "The client's rating, 1–5."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "engagement_sessions",
            type_name: "EngagementSession",
            description: "One coaching or consulting session of an engagement. Visible to the engagement's client, expert and admins.",
            root_field: Some("engagementSessions"),
            relations: vec![one(
                "engagement",
                "engagement_id",
                "engagements",
                "The engagement.",
            )],
            docs: &[
                (
                    "engagement_id",
                    "The engagement (the UUID of an `Engagement`).",
                ),
                ("session_type", "The kind of session."),
                ("scheduled_at", "When the session is scheduled."),
                ("started_at", "When the session started."),
                ("ended_at", "When the session ended (not before startedAt)."),
                ("duration_hours", "Billable time, in hours."),
                ("session_notes", "Session documentation."),
                ("action_items", "Next steps (JSON array)."),
                ("status", "Where the session stands."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "reviews",
            type_name: "Review",
            description: "A user's review of a workshop, an expert or an engagement, with moderation and a response. Approved reviews are visible to anyone, also without a token (`X-Tenant`); authors also see their own, admins all.",
            root_field: Some("reviews"),
            relations: vec![
                one("user", "user_id", "users", "The reviewer."),
                one(
                    "workshop",
                    "workshop_id",
                    "workshops",
                    "The workshop reviewed, if reviewType is workshop.",
                ),
                one(
                    "expert",
                    "expert_id",
                    "users",
                    "The expert reviewed, if reviewType is expert.",
                ),
                one(
                    "engagement",
                    "engagement_id",
                    "engagements",
                    "The engagement reviewed, if reviewType is engagement.",
                ),
                one(
                    "respondedBy",
                    "response_by",
                    "users",
                    "Who wrote the response, if any.",
                ),
            ],
            docs: &[
                ("user_id", "The reviewer (the UUID of a `User`)."),
                (
                    "review_type",
                    "What the review is about; exactly the matching target is set.",
                ),
                (
                    "workshop_id",
                    "The workshop reviewed (the UUID of a `Workshop`).",
                ),
                ("expert_id", "The expert reviewed (the UUID of a `User`)."),
                (
                    "engagement_id",
                    "The engagement reviewed (the UUID of an `Engagement`).",
                ),
                ("rating", "Overall rating, 1–5."),
                ("title", "Review title."),
                ("review_text", "Written feedback."),
                ("content_quality_rating", "Content quality, 1–5."),
                ("delivery_rating", "Delivery, 1–5."),
                ("value_rating", "Value, 1–5."),
                ("impact_rating", "Impact, 1–5."),
                (
                    "verified_purchase",
                    "Whether the reviewer's enrollment or purchase is confirmed.",
                ),
                (
                    "status",
                    "Where the review stands in moderation; only `APPROVED` reviews are public.",
                ),
                ("helpful_count", "Votes that the review was helpful."),
                (
                    "not_helpful_count",
                    "Votes that the review was not helpful.",
                ),
                ("response_text", "The expert's or instructor's response."),
                (
                    "response_by",
                    "Who wrote the response (the UUID of a `User`).",
                ),
                ("responded_at", "When the response was written."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "review_votes",
            type_name: "ReviewVote",
            description: "One user's helpful / not-helpful vote on a review; one per user and review (see `voteReviewHelpful`). You see your own votes; admins see all.",
            root_field: Some("reviewVotes"),
            relations: vec![
                one("review", "review_id", "reviews", "The review voted on."),
                one("user", "user_id", "users", "The voter."),
            ],
            docs: &[
                ("review_id", "The review voted on (the UUID of a `Review`)."),
                ("user_id", "The voter (the UUID of a `User`)."),
                ("helpful", "True for helpful, false for not helpful."),
                ("created_at", "When the vote was cast."),
            ],
        },
        // ---------------------------------------------------------------
        // Seed 002, the coaching data platform (m0005).
        // ---------------------------------------------------------------
        TypeSpec {
            table: "coaches",
            type_name: "Coach",
            description: "A coach employed by the coaching company. Every member of the tenant can read the coach directory.",
            root_field: Some("coaches"),
            relations: vec![
                one("user", "user_id", "users", "The coach's login, if linked."),
                many(
                    "clients",
                    "clients",
                    "primary_coach_id",
                    "Clients whose primary coach this is.",
                ),
                many(
                    "coachModelAssociations",
                    "coach_model_associations",
                    "coach_id",
                    "The coaching models this coach uses.",
                ),
                many(
                    "dataItems",
                    "data_items",
                    "coach_id",
                    "Coaching data owned by this coach.",
                ),
            ],
            docs: &[
                (
                    "user_id",
                    "The coach's login identity, if linked (the UUID of a `User`).",
                ),
                ("email", "Coach email, unique in the tenant."),
                ("name", "Full name."),
                ("bio", "Professional bio."),
                (
                    "metadata",
                    "Optional attributes (JSON object), e.g. active, experience_years, specializations, certifications, timezone.",
                ),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "clients",
            type_name: "Client",
            description: "An executive or leader being coached, in a client organization. Clients see their own record, coaches their clients, org admins the clients of their organization, admins all.",
            root_field: Some("clients"),
            relations: vec![
                one(
                    "clientOrganization",
                    "client_organization_id",
                    "organizations",
                    "The organization the client works for.",
                ),
                one(
                    "primaryCoach",
                    "primary_coach_id",
                    "coaches",
                    "The client's primary coach, if any.",
                ),
                one("user", "user_id", "users", "The client's login, if linked."),
                many(
                    "dataItems",
                    "data_items",
                    "client_id",
                    "Coaching data about this client.",
                ),
            ],
            docs: &[
                (
                    "client_organization_id",
                    "The organization the client works for (the UUID of an `Organization`).",
                ),
                (
                    "primary_coach_id",
                    "The client's primary coach, if any (the UUID of a `Coach`).",
                ),
                (
                    "user_id",
                    "The client's login identity, if linked (the UUID of a `User`).",
                ),
                ("email", "Client email, unique in the tenant."),
                ("name", "Full name."),
                ("title", "Job title."),
                (
                    "metadata",
                    "Optional attributes (JSON object), e.g. department, active, start_date, goals, timezone.",
                ),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "coaching_models",
            type_name: "CoachingModel",
            description: "A coaching framework or methodology of the coaching company. Every member of the tenant can read the model library.",
            root_field: Some("coachingModels"),
            relations: vec![many(
                "coachModelAssociations",
                "coach_model_associations",
                "coaching_model_id",
                "Coaches who use this model.",
            )],
            docs: &[
                ("name", "Model name."),
                ("slug", "URL-friendly identifier, unique in the tenant."),
                ("description", "Short description."),
                ("content", "Full model content."),
                (
                    "metadata",
                    "Optional attributes (JSON object), e.g. version, model_type, active, author, tags.",
                ),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "coach_model_associations",
            type_name: "CoachModelAssociation",
            description: "Links a coach to a coaching model they use. Every member of the tenant can read these links.",
            root_field: Some("coachModelAssociations"),
            relations: vec![
                one("coach", "coach_id", "coaches", "The coach."),
                one(
                    "coachingModel",
                    "coaching_model_id",
                    "coaching_models",
                    "The coaching model.",
                ),
            ],
            docs: &[
                ("coach_id", "The coach (the UUID of a `Coach`)."),
                (
                    "coaching_model_id",
                    "The coaching model (the UUID of a `CoachingModel`).",
                ),
                ("is_primary", "Whether this is the coach's primary model."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "data_items",
            type_name: "DataItem",
            description: "A stored transcript, client assessment, coaching model or company document. `visibilityLevel` decides who sees it: private, its creator; coach_only, its coach and creator; org_visible, the members of its organization and its coach; public, everyone, also without a token (`X-Tenant`). Admins see all.",
            root_field: Some("dataItems"),
            relations: vec![
                one(
                    "coach",
                    "coach_id",
                    "coaches",
                    "The coach who owns the item, if any.",
                ),
                one(
                    "client",
                    "client_id",
                    "clients",
                    "The client the item is about, if any.",
                ),
                one(
                    "clientOrganization",
                    "client_organization_id",
                    "organizations",
                    "The client organization the item is about, if any.",
                ),
                one(
                    "createdBy",
                    "created_by_user_id",
                    "users",
                    "Who created the item, if recorded.",
                ),
                many(
                    "dataChunks",
                    "data_chunks",
                    "data_item_id",
                    "The item's chunks for semantic search, in order.",
                ),
            ],
            docs: &[
                ("data_type", "The kind of item."),
                (
                    "coach_id",
                    "The coach who owns the item, if any (the UUID of a `Coach`).",
                ),
                (
                    "client_id",
                    "The client the item is about, if any (the UUID of a `Client`).",
                ),
                (
                    "client_organization_id",
                    "The client organization the item is about, if any (the UUID of an `Organization`).",
                ),
                (
                    "created_by_user_id",
                    "Who created the item (the UUID of a `User`); the only reader of a private item besides admins.",
                ),
                ("visibility_level", "Who may read the item."),
                ("raw_content", "The full text."),
                ("metadata", "Optional attributes (JSON object)."),
                ("created_at", "When the record was created."),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "data_chunks",
            type_name: "DataChunk",
            description: "A chunk of a data item's content with its embedding, for semantic search (see `similarChunks`). Visible to whoever can see its data item.",
            root_field: Some("dataChunks"),
            relations: vec![one(
                "dataItem",
                "data_item_id",
                "data_items",
                "The data item this chunk belongs to.",
            )],
            docs: &[
                (
                    "data_item_id",
                    "The data item this chunk belongs to (the UUID of a `DataItem`).",
                ),
                ("chunk_index", "Position in the data item, from 0."),
                ("content", "The chunk's text."),
                ("embedding", "Embedding vector (1536 numbers)."),
                ("metadata", "Optional attributes (JSON object)."),
                ("created_at", "When the record was created."),
            ],
        },
        // ---------------------------------------------------------------
        // Seed 004, analytics and gamification (m0006).
        // ---------------------------------------------------------------
        TypeSpec {
            table: "skills",
            type_name: "Skill",
            description: "A skill learners build, by domain and level. Every member of the tenant can read the skill catalog.",
            root_field: Some("skills"),
            relations: vec![many(
                "userSkills",
                "user_skills",
                "skill_id",
                "Learners' mastery of this skill.",
            )],
            docs: &[
                ("name", "Skill name."),
                ("domain", "Skill domain."),
                ("level", "How advanced the skill is."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "user_skills",
            type_name: "UserSkill",
            description: "A learner's mastery of a skill. Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("userSkills"),
            relations: vec![
                one("user", "user_id", "users", "The learner."),
                one("skill", "skill_id", "skills", "The skill."),
            ],
            docs: &[
                ("user_id", "The learner (the UUID of a `User`)."),
                ("skill_id", "The skill (the UUID of a `Skill`)."),
                ("mastery_level", "Mastery, 0–100."),
                ("last_assessed_at", "When mastery was last assessed."),
            ],
        },
        TypeSpec {
            table: "learner_velocity_analytics",
            type_name: "LearnerVelocity",
            description: "A learner's cached learning pace and trend (`learnerVelocityReport` computes the current figures). Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("learnerVelocity"),
            relations: vec![one("user", "user_id", "users", "The learner.")],
            docs: &[
                ("user_id", "The learner (the UUID of a `User`)."),
                ("current_pace", "Current pace, in topics per week."),
                ("target_pace", "Target pace, in topics per week."),
                ("trend_direction", "Where the learner's pace is heading."),
                ("trend_percentage", "Change of pace, in percent."),
                ("status", "Pace status (free text)."),
                (
                    "estimated_completion",
                    "Estimated completion date at the current pace.",
                ),
                ("expires_at", "When the cached value goes stale."),
                ("calculated_at", "When the value was calculated."),
            ],
        },
        TypeSpec {
            table: "user_points",
            type_name: "UserPoints",
            description: "A learner's points, level and streaks in the tenant. Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("userPoints"),
            relations: vec![one("user", "user_id", "users", "The learner.")],
            docs: &[
                (
                    "user_id",
                    "The learner (the UUID of a `User`); one row per learner in the tenant.",
                ),
                ("total_points", "Points accumulated."),
                ("current_level", "Current level, from 1."),
                ("current_streak", "Current activity streak (0 or more)."),
                (
                    "longest_streak",
                    "Longest activity streak (at least currentStreak).",
                ),
                ("updated_at", "When the record was last changed."),
            ],
        },
        TypeSpec {
            table: "point_transactions",
            type_name: "PointTransaction",
            description: "Points awarded for one activity; the weekly leaderboard adds them up. Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("pointTransactions"),
            relations: vec![one("user", "user_id", "users", "The learner.")],
            docs: &[
                ("user_id", "The learner (the UUID of a `User`)."),
                ("points", "Points awarded."),
                (
                    "activity_type",
                    "The activity that earned them (free text).",
                ),
                ("metadata", "Details of the activity (JSON object)."),
                ("timestamp", "When the points were awarded."),
            ],
        },
        TypeSpec {
            table: "achievements",
            type_name: "Achievement",
            description: "An achievement learners can earn, with its tier and criteria. Every member of the tenant can read the achievement catalog.",
            root_field: Some("achievements"),
            relations: vec![many(
                "userAchievements",
                "user_achievements",
                "achievement_id",
                "Learners who earned this achievement.",
            )],
            docs: &[
                (
                    "code",
                    "Readable key, unique in the tenant (e.g. `week_streak`).",
                ),
                ("name", "Achievement name."),
                ("description", "What the achievement is for."),
                ("icon", "Icon (an emoji)."),
                ("tier", "How hard the achievement is to earn."),
                ("criteria", "What earns it (JSON object)."),
                ("created_at", "When the record was created."),
            ],
        },
        TypeSpec {
            table: "user_achievements",
            type_name: "UserAchievement",
            description: "An achievement earned by a learner. Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("userAchievements"),
            relations: vec![
                one("user", "user_id", "users", "The learner."),
                one(
                    "achievement",
                    "achievement_id",
                    "achievements",
                    "The achievement.",
                ),
            ],
            docs: &[
                ("user_id", "The learner (the UUID of a `User`)."),
                (
                    "achievement_id",
                    "The achievement (the UUID of an `Achievement`).",
                ),
                ("earned_at", "When it was earned."),
            ],
        },
        TypeSpec {
            table: "daily_activity",
            type_name: "DailyActivity",
            description: "A day on which a learner was active; consecutive days make a streak. Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("dailyActivity"),
            relations: vec![one("user", "user_id", "users", "The learner.")],
            docs: &[
                ("user_id", "The learner (the UUID of a `User`)."),
                ("date", "The day (one row per learner and day)."),
                ("last_activity_at", "The learner's last activity that day."),
            ],
        },
        TypeSpec {
            table: "predictive_analytics_cache",
            type_name: "PredictiveAnalytics",
            description: "A cached prediction about a learner: drop-off risk, forecast or recommendations (see `predictiveInsight`). Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("predictiveAnalytics"),
            relations: vec![one("user", "user_id", "users", "The learner.")],
            docs: &[
                ("user_id", "The learner (the UUID of a `User`)."),
                (
                    "analytics_type",
                    "The kind of prediction; one row per learner and kind.",
                ),
                ("data", "The prediction (JSON object)."),
                ("confidence_score", "Confidence, 0–100."),
                ("expires_at", "When the cached value goes stale."),
                ("calculated_at", "When the value was calculated."),
            ],
        },
        TypeSpec {
            table: "user_preferences",
            type_name: "UserPreferences",
            description: "A learner's leaderboard privacy, predictive analytics and notification preferences in the tenant (change yours with `updateMyPreferences`). Learners see their own; instructors, the learners enrolled in their courses; org admins, their organization's members; admins, everyone.",
            root_field: Some("userPreferences"),
            relations: vec![one("user", "user_id", "users", "The learner.")],
            docs: &[
                (
                    "user_id",
                    "The learner (the UUID of a `User`); one row per learner in the tenant.",
                ),
                (
                    "leaderboard_privacy",
                    "How the learner appears on the leaderboard (default `PUBLIC`).",
                ),
                (
                    "predictive_analytics_enabled",
                    "Which predictions are made for the learner.",
                ),
                (
                    "notification_preferences",
                    "Notification settings (JSON object).",
                ),
                ("updated_at", "When the record was last changed."),
            ],
        },
    ];
    check_shapes(&catalog)?;
    check_relations(&catalog, &specs)?;
    Ok((catalog, specs))
}

/// Every declaration names a served table, and every relation a UUID
/// column of the table that holds it (this one for `One`, the target for
/// `Many`), with a type for its target: a slip fails at startup instead of
/// reading as a silent null or an empty list.
fn check_relations(catalog: &Catalog, specs: &[TypeSpec]) -> Result<(), String> {
    let uuid_column = |table: &str, column: &str| -> Result<(), String> {
        let ops = catalog
            .get(table)
            .ok_or_else(|| format!("relation into unknown table {table}"))?;
        match ops.columns().iter().find(|c| c.name == column) {
            Some(c) if matches!(c.ty, sea_orm::ColumnType::Uuid) => Ok(()),
            Some(_) => Err(format!("relation column {table}.{column} is not a UUID")),
            None => Err(format!("relation names unknown column {table}.{column}")),
        }
    };
    for spec in specs {
        if !catalog.contains_key(spec.table) {
            return Err(format!(
                "type {} declared for unknown table {}",
                spec.type_name, spec.table
            ));
        }
        for rel in &spec.relations {
            if !specs.iter().any(|s| s.table == rel.target()) {
                return Err(format!(
                    "{}: relation to {} which has no type",
                    spec.type_name,
                    rel.target()
                ));
            }
            match *rel {
                Rel::One { column, .. } => uuid_column(spec.table, column)?,
                Rel::Many { column, target, .. } => uuid_column(target, column)?,
            }
        }
    }
    Ok(())
}

/// Every enumerated column names a text column, every list a JSON column,
/// of a served table: a slip fails at startup, not as a silent null.
fn check_shapes(catalog: &Catalog) -> Result<(), String> {
    let text = |ty: &sea_orm::ColumnType| store::is_text(ty);
    let json = |ty: &sea_orm::ColumnType| {
        matches!(
            ty,
            sea_orm::ColumnType::Json | sea_orm::ColumnType::JsonBinary
        )
    };
    let declared = enums::COLUMNS
        .iter()
        .map(|(t, c, _)| (*t, *c, "text", &text as &dyn Fn(&_) -> bool))
        .chain(
            LISTS
                .iter()
                .map(|(t, c, _)| (*t, *c, "JSON", &json as &dyn Fn(&_) -> bool)),
        )
        .chain(
            SHAPES
                .iter()
                .map(|(t, c, _)| (*t, *c, "JSON", &json as &dyn Fn(&_) -> bool)),
        );
    for (table, column, kind, fits) in declared {
        let ops = catalog
            .get(table)
            .ok_or_else(|| format!("shape declared for unknown table {table}"))?;
        match ops.columns().iter().find(|c| c.name == column) {
            Some(c) if fits(&c.ty) => {}
            Some(_) => return Err(format!("{table}.{column} is not a {kind} column")),
            None => {
                return Err(format!(
                    "shape declared for unknown column {table}.{column}"
                ));
            }
        }
    }
    Ok(())
}

/// A field computed from a row's columns.
pub struct Computed {
    pub name: &'static str,
    pub type_name: &'static str,
    pub doc: &'static str,
    pub value: fn(&crate::table::AnyRow) -> async_graphql::Value,
}

/// The generated column `overall_score`, which the generated entity does
/// not map: [`domain::adaptability::overall_score`] of the row's dimension
/// scores.
fn overall_score(row: &crate::table::AnyRow) -> async_graphql::Value {
    let dimensions =
        domain::adaptability::DIMENSIONS.map(|d| match row.get(&format!("{d}_score")) {
            Some(sea_orm::Value::Int(v)) => v,
            _ => None,
        });
    domain::adaptability::overall_score(dimensions)
        .map_or(async_graphql::Value::Null, async_graphql::Value::from)
}

/// Computed fields, by table.
pub fn computed(table: &str) -> &'static [Computed] {
    match table {
        "adaptability_assessments" => &[Computed {
            name: "overallScore",
            type_name: "Int",
            doc: "Average of the five dimension scores, 0–100, rounded down; null until all five \
                  are set.",
            value: overall_score,
        }],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The declarations hold together, and a relation naming a column that
    /// does not exist, or is not a UUID, is refused.
    #[test]
    fn relations_are_checked() {
        let (catalog, mut specs) = catalog().expect("the catalog is consistent");
        let course = specs.iter().position(|s| s.table == "courses").unwrap();
        for (bad, expected) in [
            (
                one("x", "no_such_id", "users", "x"),
                "unknown column courses.no_such_id",
            ),
            (
                one("x", "title", "users", "x"),
                "courses.title is not a UUID",
            ),
            (
                many("x", "lessons", "nope_id", "x"),
                "unknown column lessons.nope_id",
            ),
            (
                one("x", "instructor_id", "no_table", "x"),
                "no_table which has no type",
            ),
        ] {
            specs[course].relations.push(bad);
            let err = check_relations(&catalog, &specs).unwrap_err();
            assert!(err.contains(expected), "{err}");
            specs[course].relations.pop();
        }
        assert!(check_relations(&catalog, &specs).is_ok());
    }
}
