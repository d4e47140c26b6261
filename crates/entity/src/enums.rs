//! The enumerated columns: every TEXT column whose values a CHECK constraint
//! restricts, declared once as a Rust enum with its stored text and its
//! documentation. The domain matches on them, the API serves each as a
//! GraphQL enum (the value `in_progress` becomes `IN_PROGRESS`), and
//! `tests/enums.rs` proves each declaration equals the CHECK constraint of
//! the migrated database, on both backends.

use std::{fmt, str::FromStr};

/// What the API needs to know of an enumeration, without its Rust type.
#[derive(Debug)]
pub struct EnumDef {
    /// The GraphQL type name.
    pub name: &'static str,
    pub description: &'static str,
    /// (stored text, description) of each value, in declaration order.
    pub values: &'static [(&'static str, &'static str)],
}

impl EnumDef {
    /// The stored text of a GraphQL value name, if it is one of ours.
    pub fn text_of(&self, graphql_name: &str) -> Option<&'static str> {
        self.values
            .iter()
            .map(|(t, _)| *t)
            .find(|t| graphql_name_of(t) == graphql_name)
    }

    /// Whether `text` is a stored value of this enumeration.
    pub fn contains(&self, text: &str) -> bool {
        self.values.iter().any(|(t, _)| *t == text)
    }

    /// The stored texts, in declaration order.
    pub fn texts(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.values.iter().map(|(t, _)| *t)
    }
}

/// The GraphQL name of a stored value: SCREAMING_SNAKE_CASE, with `-`
/// and camelCase humps turned into `_` (`core-i` → `CORE_I`,
/// `multiChoice` → `MULTI_CHOICE`).
pub fn graphql_name_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut prev_lower = false;
    for ch in text.chars() {
        if ch == '-' || ch == '_' || ch == ' ' {
            out.push('_');
            prev_lower = false;
        } else if ch.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(ch);
            prev_lower = false;
        } else {
            out.push(ch.to_ascii_uppercase());
            prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        }
    }
    out
}

/// A Rust enum stored as text.
pub trait TextEnum: Copy + Eq + Sized + 'static {
    const DEF: EnumDef;
    const ALL: &'static [Self];
    /// The stored text.
    fn as_str(self) -> &'static str;
    /// The value stored as `text`.
    fn from_text(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == text)
    }
}

/// A text that is not one of an enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub enumeration: &'static str,
    pub text: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a {}", self.text, self.enumeration)
    }
}

impl std::error::Error for UnknownValue {}

macro_rules! text_enum {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident {
            $( $(#[doc = $vdoc:literal])* $variant:ident = $text:literal ),+ $(,)?
        }
    )+) => {$(
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[doc = $vdoc])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored text.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl TextEnum for $name {
            const DEF: EnumDef = EnumDef {
                name: stringify!($name),
                description: concat!($($doc, "\n"),*),
                values: &[$( ($text, concat!("", $($vdoc, "\n"),*)) ),+],
            };
            const ALL: &'static [Self] = Self::ALL;
            fn as_str(self) -> &'static str {
                Self::as_str(self)
            }
        }

        /// Served as its enum; serialized as the stored text.
        impl shape::Output for $name {
            fn ty() -> shape::Ty {
                shape::Ty::named(shape::Named::Enum(<Self as TextEnum>::DEF.name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                Self::from_text(s).ok_or_else(|| UnknownValue {
                    enumeration: stringify!($name),
                    text: s.to_owned(),
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )+};
}

text_enum! {
    /// A role a user holds in a tenant (through a `Membership`); it decides
    /// what they may read and do there.
    Role {
        /// Operates the platform; admin in every tenant it is a member of.
        PlatformAdmin = "platform_admin",
        /// Administers one tenant (coaching company / LMS site).
        TenantAdmin = "tenant_admin",
        /// Administers one client organization inside a tenant.
        OrgAdmin = "org_admin",
        /// Teaches courses and runs workshops.
        Instructor = "instructor",
        /// Coaches clients; an expert in the talent marketplace.
        Coach = "coach",
        /// A coaching client.
        Client = "client",
        /// Takes courses, assessments and workshops.
        Learner = "learner",
    }

    /// Whether an account may sign in.
    UserStatus {
        /// May sign in.
        Active = "active",
        /// Switched off by its owner or an admin.
        Inactive = "inactive",
        /// Blocked by an admin.
        Suspended = "suspended",
    }

    /// An organization's subscription plan.
    SubscriptionTier {
        /// Small teams.
        Starter = "starter",
        /// Growing companies.
        Growth = "growth",
        /// Large organizations.
        Enterprise = "enterprise",
    }

    /// How hard a framework assessment is.
    AssessmentDifficulty {
        /// For newcomers to the framework.
        Beginner = "Beginner",
        /// For practising coaches.
        Intermediate = "Intermediate",
        /// For experienced coaches.
        Advanced = "Advanced",
    }

    /// A coaching competency framework.
    Framework {
        /// The CORE framework.
        Core = "core",
        /// The International Coaching Federation's competencies.
        Icf = "icf",
        /// Advanced coaching.
        Ac = "ac",
    }

    /// A framework and its level (I, II or III).
    AssessmentLevel {
        /// CORE, level I.
        CoreI = "core-i",
        /// CORE, level II.
        CoreIi = "core-ii",
        /// CORE, level III.
        CoreIii = "core-iii",
        /// ICF, level I.
        IcfI = "icf-i",
        /// ICF, level II.
        IcfIi = "icf-ii",
        /// ICF, level III.
        IcfIii = "icf-iii",
        /// Advanced coaching, level I.
        AcI = "ac-i",
        /// Advanced coaching, level II.
        AcIi = "ac-ii",
        /// Advanced coaching, level III.
        AcIii = "ac-iii",
    }

    /// Whether an insight speaks to a weakness or a strength.
    InsightType {
        /// Shown for a competency scoring below 60.
        Weakness = "weakness",
        /// Shown for a competency scoring 80 or more.
        Strength = "strength",
    }

    /// The kind of a learning resource.
    ResourceType {
        /// A book.
        Book = "book",
        /// A course.
        Course = "course",
        /// A video.
        Video = "video",
        /// An article.
        Article = "article",
        /// A practice exercise.
        Exercise = "exercise",
        /// A workshop.
        Workshop = "workshop",
        /// A tool or template.
        Tool = "tool",
        /// An assessment.
        Assessment = "assessment",
    }

    /// How advanced a course, workshop or skill is.
    DifficultyLevel {
        /// For newcomers.
        Beginner = "beginner",
        /// For those with some experience.
        Intermediate = "intermediate",
        /// For experienced learners.
        Advanced = "advanced",
    }

    /// The kind of a lesson's content block; it decides the shape of its
    /// `content`.
    ContentBlockType {
        /// `{html, plain_text}`.
        RichText = "rich_text",
        /// `{url, alt_text, caption?}`.
        Image = "image",
        /// `{url, thumbnail_url?, duration?}`.
        Video = "video",
        /// `{url, filename, file_type, file_size}`.
        File = "file",
        /// `{video_id, title, thumbnail_url, duration}`.
        Youtube = "youtube",
    }

    /// Where a student stands with a lesson.
    ProgressStatus {
        /// Not opened yet.
        NotStarted = "not_started",
        /// Opened, not finished.
        InProgress = "in_progress",
        /// Finished.
        Completed = "completed",
        /// Prerequisites not completed yet.
        Blocked = "blocked",
    }

    /// Whether a roadmap is being followed.
    RoadmapStatus {
        /// Being followed.
        Active = "active",
        /// Every step done.
        Completed = "completed",
        /// Replaced by a newer roadmap, or set aside.
        Paused = "paused",
    }

    /// The kind of an adaptability assessment.
    AdaptabilityAssessmentType {
        /// Every question of every dimension.
        Full = "full",
        /// A short version.
        Quick = "quick",
        /// A follow-up of an earlier assessment.
        FollowUp = "follow_up",
    }

    /// Where an adaptability assessment stands.
    AdaptabilityAssessmentStatus {
        /// Answers are still being given.
        InProgress = "in_progress",
        /// Finished; its scores are final.
        Completed = "completed",
        /// Given up before the end.
        Abandoned = "abandoned",
    }

    /// A dimension of adaptability.
    AdaptabilityDimension {
        /// The person's own adaptability.
        Individual = "individual",
        /// How leaders lead change.
        Leadership = "leadership",
        /// How the culture meets change.
        Cultural = "cultural",
        /// How change is embedded in practice.
        Embedding = "embedding",
        /// How fast change happens.
        Velocity = "velocity",
    }

    /// How an adaptability question is answered.
    AnswerType {
        /// A value on a scale.
        Scale = "scale",
        /// One of several choices.
        MultiChoice = "multiChoice",
        /// From fear to confidence.
        FearToConfidence = "fearToConfidence",
        /// Written text.
        Text = "text",
    }

    /// The programme pillar a workshop belongs to.
    WorkshopPillar {
        /// Becoming adaptable to change.
        Adaptability = "adaptability",
        /// Coaching skills.
        Coaching = "coaching",
        /// Working with experts from the talent marketplace.
        Marketplace = "marketplace",
    }

    /// How a workshop is delivered.
    WorkshopFormat {
        /// In person or online, at a set time.
        Live = "live",
        /// Partly in person, partly online.
        Hybrid = "hybrid",
        /// Watched on demand.
        Recorded = "recorded",
    }

    /// A workshop's state.
    WorkshopStatus {
        /// Being prepared; not open for registration.
        Draft = "draft",
        /// Open for registration.
        Published = "published",
        /// Finished.
        Archived = "archived",
        /// Called off; registrations were cancelled and seats given back.
        Cancelled = "cancelled",
    }

    /// Who processed a payment.
    PaymentProvider {
        /// Paid through Stripe.
        Stripe = "stripe",
        /// Paid through PayPal.
        Paypal = "paypal",
        /// Recorded by hand.
        Manual = "manual",
    }

    /// Where a payment stands.
    PaymentStatus {
        /// Recorded, not settled yet.
        Pending = "pending",
        /// Settled.
        Succeeded = "succeeded",
        /// Declined or abandoned.
        Failed = "failed",
        /// Paid back, in full or in part.
        Refunded = "refunded",
    }

    /// What a payment is for.
    PaymentType {
        /// A workshop seat.
        Workshop = "workshop",
        /// An engagement with an expert.
        Engagement = "engagement",
        /// A subscription.
        Subscription = "subscription",
        /// Anything else.
        Other = "other",
    }

    /// What a certificate attests.
    CertificateType {
        /// Completing a workshop.
        Workshop = "workshop",
        /// Completing a programme.
        Program = "program",
        /// Completing an adaptability assessment.
        Assessment = "assessment",
    }

    /// Where a workshop registration stands.
    RegistrationStatus {
        /// Holds a seat.
        Registered = "registered",
        /// Attended a finished workshop.
        Completed = "completed",
        /// Given up; the seat went back.
        Cancelled = "cancelled",
        /// Registered but did not attend.
        NoShow = "no_show",
    }

    /// An expert's coaching style.
    CoachingStyle {
        /// Gives direction and advice.
        Directive = "directive",
        /// Draws answers out of the client.
        Facilitative = "facilitative",
        /// Both, as the moment needs.
        Hybrid = "hybrid",
    }

    /// Whether an expert takes new engagements.
    Availability {
        /// Takes new engagements.
        Available = "available",
        /// Takes few new engagements.
        Limited = "limited",
        /// Takes no new engagements.
        Booked = "booked",
    }

    /// Where an engagement stands.
    EngagementStatus {
        /// Requested by the client, not accepted yet.
        Pending = "pending",
        /// Under way.
        Active = "active",
        /// On hold.
        Paused = "paused",
        /// Finished.
        Completed = "completed",
        /// Called off.
        Cancelled = "cancelled",
    }

    /// The kind of an engagement session.
    SessionType {
        /// A coaching session.
        Coaching = "coaching",
        /// A workshop session.
        Workshop = "workshop",
        /// A consultation.
        Consultation = "consultation",
        /// A follow-up.
        FollowUp = "follow_up",
    }

    /// Where an engagement session stands.
    SessionStatus {
        /// Planned.
        Scheduled = "scheduled",
        /// Held; its hours count against the engagement.
        Completed = "completed",
        /// Called off.
        Cancelled = "cancelled",
        /// The client did not come.
        NoShow = "no_show",
    }

    /// What a review is about; exactly the matching target is set.
    ReviewType {
        /// Of a workshop.
        Workshop = "workshop",
        /// Of an expert.
        Expert = "expert",
        /// Of an engagement.
        Engagement = "engagement",
    }

    /// Where a review stands in moderation.
    ReviewStatus {
        /// Waiting for moderation; not public.
        Pending = "pending",
        /// Public.
        Approved = "approved",
        /// Not published.
        Rejected = "rejected",
        /// Reported for a moderator to look at.
        Flagged = "flagged",
    }

    /// The kind of a searchable data item.
    DataType {
        /// A session transcript.
        Transcript = "transcript",
        /// An assessment.
        Assessment = "assessment",
        /// A coaching model.
        CoachingModel = "coaching_model",
        /// A company document.
        CompanyDoc = "company_doc",
    }

    /// Who may read a data item.
    Visibility {
        /// Only the creator.
        Private = "private",
        /// The coach and the creator.
        CoachOnly = "coach_only",
        /// Members of the organization.
        OrgVisible = "org_visible",
        /// Everyone in the tenant.
        Public = "public",
    }

    /// Where a learner's pace is heading.
    TrendDirection {
        /// Points are rising by more than 10%.
        Accelerating = "accelerating",
        /// Points are within 10%.
        Stable = "stable",
        /// Points are falling by more than 10%.
        Declining = "declining",
    }

    /// How hard an achievement is to earn.
    AchievementTier {
        /// Easy to earn.
        Beginner = "beginner",
        /// Takes some effort.
        Intermediate = "intermediate",
        /// Takes sustained effort.
        Advanced = "advanced",
        /// The hardest.
        Elite = "elite",
    }

    /// The kind of a predictive insight.
    PredictiveKind {
        /// How likely the learner is to stop.
        DropOffRisk = "drop_off_risk",
        /// Where the learner's points are heading.
        Forecast = "forecast",
        /// What to do next.
        Recommendations = "recommendations",
    }

    /// How a learner appears on the leaderboard.
    LeaderboardPrivacy {
        /// Ranked with their name.
        Public = "public",
        /// Ranked without a name.
        Anonymous = "anonymous",
        /// Left out.
        Hidden = "hidden",
    }

    /// A learner's pace against their weekly target.
    VelocityStatus {
        /// At least 110% of the target.
        Ahead = "ahead",
        /// At least 80% of the target.
        OnTrack = "on_track",
        /// Below 80% of the target.
        AtRisk = "at_risk",
    }

    /// How a quiz question is answered and graded.
    QuestionType {
        /// Pick one of the options; graded against the answer.
        MultipleChoice = "multiple_choice",
        /// `true` or `false`.
        TrueFalse = "true_false",
        /// A short text, compared with the answer ignoring case.
        ShortAnswer = "short_answer",
        /// Free text, not graded automatically (scores 0).
        Essay = "essay",
    }

    /// A stage of transformation an expert covers.
    TransformationStage {
        /// Assessing where the organization stands.
        Assess = "assess",
        /// Reframing how change is seen.
        Reframe = "reframe",
        /// Embedding new ways of working.
        Embed = "embed",
        /// Scaling them across the organization.
        Scale = "scale",
    }
}

/// Every enumerated column: (table, column, enumeration). A column here is
/// TEXT with a CHECK constraint listing exactly the enumeration's values.
pub const COLUMNS: &[(&str, &str, &EnumDef)] = &[
    ("users", "status", &UserStatus::DEF),
    ("organizations", "subscription_tier", &SubscriptionTier::DEF),
    ("user_roles", "role", &Role::DEF),
    (
        "framework_assessments",
        "difficulty",
        &AssessmentDifficulty::DEF,
    ),
    ("framework_assessments", "framework", &Framework::DEF),
    ("skill_tags", "framework", &Framework::DEF),
    ("competency_display_names", "framework", &Framework::DEF),
    (
        "competency_leverage_strengths",
        "framework",
        &Framework::DEF,
    ),
    (
        "assessment_questions",
        "assessment_level",
        &AssessmentLevel::DEF,
    ),
    ("skill_tags", "assessment_level", &AssessmentLevel::DEF),
    (
        "learning_path_categories",
        "assessment_level",
        &AssessmentLevel::DEF,
    ),
    (
        "learning_resources",
        "assessment_level",
        &AssessmentLevel::DEF,
    ),
    ("tag_insights", "insight_type", &InsightType::DEF),
    ("learning_resources", "resource_type", &ResourceType::DEF),
    ("courses", "difficulty_level", &DifficultyLevel::DEF),
    ("workshops", "level", &DifficultyLevel::DEF),
    ("skills", "level", &DifficultyLevel::DEF),
    ("content_blocks", "type", &ContentBlockType::DEF),
    ("student_progress", "status", &ProgressStatus::DEF),
    ("personalized_roadmaps", "status", &RoadmapStatus::DEF),
    (
        "adaptability_assessments",
        "assessment_type",
        &AdaptabilityAssessmentType::DEF,
    ),
    (
        "adaptability_assessments",
        "status",
        &AdaptabilityAssessmentStatus::DEF,
    ),
    (
        "assessment_answers",
        "dimension",
        &AdaptabilityDimension::DEF,
    ),
    ("assessment_answers", "answer_type", &AnswerType::DEF),
    ("workshops", "pillar", &WorkshopPillar::DEF),
    ("workshops", "format", &WorkshopFormat::DEF),
    ("workshops", "status", &WorkshopStatus::DEF),
    ("payments", "provider", &PaymentProvider::DEF),
    ("payments", "status", &PaymentStatus::DEF),
    ("payments", "payment_type", &PaymentType::DEF),
    ("certificates", "certificate_type", &CertificateType::DEF),
    ("workshop_registrations", "status", &RegistrationStatus::DEF),
    ("talent_profiles", "coaching_style", &CoachingStyle::DEF),
    ("talent_profiles", "availability", &Availability::DEF),
    ("engagements", "status", &EngagementStatus::DEF),
    ("engagement_sessions", "session_type", &SessionType::DEF),
    ("engagement_sessions", "status", &SessionStatus::DEF),
    ("reviews", "review_type", &ReviewType::DEF),
    ("reviews", "status", &ReviewStatus::DEF),
    ("data_items", "data_type", &DataType::DEF),
    ("data_items", "visibility_level", &Visibility::DEF),
    (
        "learner_velocity_analytics",
        "trend_direction",
        &TrendDirection::DEF,
    ),
    ("achievements", "tier", &AchievementTier::DEF),
    (
        "predictive_analytics_cache",
        "analytics_type",
        &PredictiveKind::DEF,
    ),
    (
        "user_preferences",
        "leaderboard_privacy",
        &LeaderboardPrivacy::DEF,
    ),
];

/// Calls `$callback! { Name, Name, … }` with every enumeration, for code
/// that must treat each alike (the list of definitions below, the API's
/// argument types).
#[macro_export]
macro_rules! for_each_enum {
    ($callback:ident) => {
        $callback! {
            Role,
            UserStatus,
            SubscriptionTier,
            AssessmentDifficulty,
            Framework,
            AssessmentLevel,
            InsightType,
            ResourceType,
            DifficultyLevel,
            ContentBlockType,
            ProgressStatus,
            RoadmapStatus,
            AdaptabilityAssessmentType,
            AdaptabilityAssessmentStatus,
            AdaptabilityDimension,
            AnswerType,
            WorkshopPillar,
            WorkshopFormat,
            WorkshopStatus,
            PaymentProvider,
            PaymentStatus,
            PaymentType,
            CertificateType,
            RegistrationStatus,
            CoachingStyle,
            Availability,
            EngagementStatus,
            SessionType,
            SessionStatus,
            ReviewType,
            ReviewStatus,
            DataType,
            Visibility,
            TrendDirection,
            AchievementTier,
            PredictiveKind,
            LeaderboardPrivacy,
            VelocityStatus,
            QuestionType,
            TransformationStage
        }
    };
}

macro_rules! definitions {
    ($($name:ident),* $(,)?) => {
        /// Every enumeration, including those no column stores (computed
        /// results).
        pub const ALL: &[&EnumDef] = &[$(&$name::DEF),*];
    };
}
for_each_enum!(definitions);

/// The enumeration of `table.column`, if it is enumerated.
pub fn of_column(table: &str, column: &str) -> Option<&'static EnumDef> {
    COLUMNS
        .iter()
        .find(|(t, c, _)| *t == table && *c == column)
        .map(|(_, _, d)| *d)
}

/// An enumeration by its GraphQL name.
pub fn by_name(name: &str) -> Option<&'static EnumDef> {
    ALL.iter().copied().find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_names() {
        for (text, name) in [
            ("in_progress", "IN_PROGRESS"),
            ("core-iii", "CORE_III"),
            ("multiChoice", "MULTI_CHOICE"),
            ("fearToConfidence", "FEAR_TO_CONFIDENCE"),
            ("Beginner", "BEGINNER"),
            ("platform_admin", "PLATFORM_ADMIN"),
        ] {
            assert_eq!(graphql_name_of(text), name);
        }
    }

    #[test]
    fn round_trips_and_unique_names() {
        for def in ALL {
            let mut names: Vec<String> = def.texts().map(graphql_name_of).collect();
            for (text, name) in def.texts().zip(&names) {
                assert_eq!(def.text_of(name), Some(text), "{}", def.name);
            }
            names.sort();
            names.dedup();
            assert_eq!(names.len(), def.values.len(), "{}", def.name);
            assert!(!def.description.trim().is_empty(), "{}", def.name);
        }
        assert_eq!("no_show".parse(), Ok(RegistrationStatus::NoShow));
        assert!("nope".parse::<Role>().is_err());
        assert_eq!(
            serde_json::to_string(&AnswerType::MultiChoice).unwrap(),
            "\"multiChoice\""
        );
        let names: std::collections::HashSet<_> = ALL.iter().map(|d| d.name).collect();
        assert_eq!(names.len(), ALL.len());
        for (_, _, d) in COLUMNS {
            assert!(by_name(d.name).is_some(), "{} not in ALL", d.name);
        }
    }
}
