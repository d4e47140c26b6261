//! Identity and tenancy (m0001): tenants, users, their organizations and roles.

use entity::{
    adaptability_assessments, assessment_attempts, certificates, clients, coaches, courses,
    daily_activity, data_items, engagements, enrollments, learner_velocity_analytics,
    learning_progress, organizations, payments, personalized_roadmaps, point_transactions,
    predictive_analytics_cache, reviews, student_progress, talent_profiles, tenants,
    user_achievements, user_attempts, user_points, user_preferences, user_roles, user_skills,
    users, workshop_registrations, workshops,
};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<tenants::Entity>(
            "Tenant",
            "A coaching company or academy: the tenant every request acts in. A request sees only \
             its own tenant, with or without a token.",
        )
        .root("tenants")
        .order([tenants::Column::Name])
        .doc(
            tenants::Column::Name,
            "Company name (e.g. \"InsideOut Leadership\").",
        )
        .doc(
            tenants::Column::Slug,
            "URL-friendly identifier, unique across the platform (e.g. `insideout`).",
        )
        .doc(
            tenants::Column::Metadata,
            "Optional attributes (JSON object), e.g. website, active, logo_url, contact_email.",
        )
        .doc(tenants::Column::CreatedAt, "When the record was created.")
        .doc(
            tenants::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<users::Entity>(
            "User",
            "A person: one identity per email, shared by every tenant the person belongs to; \
             roles are per tenant (see `memberships`). You see your own profile; instructors and \
             admins see every member of the tenant.",
        )
        .root("users")
        .order([users::Column::CreatedAt])
        .many(
            "memberships",
            user_roles::Column::UserId,
            "The user's roles in this tenant.",
        )
        .many(
            "enrollments",
            enrollments::Column::StudentId,
            "Courses the user is enrolled in.",
        )
        .many(
            "coursesTaught",
            courses::Column::InstructorId,
            "Courses the user teaches as instructor.",
        )
        .many(
            "quizAttempts",
            assessment_attempts::Column::StudentId,
            "The user's quiz attempts.",
        )
        .many(
            "studentProgress",
            student_progress::Column::StudentId,
            "The user's progress on courses, lessons and quizzes.",
        )
        .many(
            "personalizedRoadmaps",
            personalized_roadmaps::Column::StudentId,
            "AI-generated learning paths for the user.",
        )
        .many(
            "learningProgress",
            learning_progress::Column::StudentId,
            "Detailed progress on individual pieces of content.",
        )
        .many(
            "userAttempts",
            user_attempts::Column::UserId,
            "The user's framework assessment attempts.",
        )
        .many(
            "adaptabilityAssessments",
            adaptability_assessments::Column::UserId,
            "Adaptability assessments the user took.",
        )
        .many(
            "workshopsTaught",
            workshops::Column::InstructorId,
            "Workshops the user runs as instructor.",
        )
        .many(
            "workshopRegistrations",
            workshop_registrations::Column::UserId,
            "The user's workshop registrations.",
        )
        .many(
            "payments",
            payments::Column::UserId,
            "Payments made by the user.",
        )
        .many(
            "certificates",
            certificates::Column::UserId,
            "Certificates awarded to the user.",
        )
        .many(
            "certificatesIssued",
            certificates::Column::IssuedBy,
            "Certificates the user issued (as instructor or admin).",
        )
        .many(
            "talentProfiles",
            talent_profiles::Column::UserId,
            "The user's marketplace expert profile (at most one per tenant).",
        )
        .many(
            "engagementsAsClient",
            engagements::Column::ClientId,
            "Engagements in which the user is the client.",
        )
        .many(
            "engagementsAsExpert",
            engagements::Column::ExpertId,
            "Engagements in which the user is the expert.",
        )
        .many(
            "reviews",
            reviews::Column::UserId,
            "Reviews the user wrote.",
        )
        .many(
            "reviewsAsExpert",
            reviews::Column::ExpertId,
            "Reviews of the user as an expert.",
        )
        .many(
            "reviewsRespondedTo",
            reviews::Column::ResponseBy,
            "Reviews the user responded to.",
        )
        .many(
            "coachRecords",
            coaches::Column::UserId,
            "Coach records linked to this login.",
        )
        .many(
            "clientRecords",
            clients::Column::UserId,
            "Client records linked to this login.",
        )
        .many(
            "dataItemsCreated",
            data_items::Column::CreatedByUserId,
            "Data items the user created.",
        )
        .many(
            "userSkills",
            user_skills::Column::UserId,
            "The user's skill mastery levels.",
        )
        .many(
            "learnerVelocity",
            learner_velocity_analytics::Column::UserId,
            "Learning pace analytics for the user.",
        )
        .many(
            "userPoints",
            user_points::Column::UserId,
            "The user's points, level and streaks (one row per tenant).",
        )
        .many(
            "pointTransactions",
            point_transactions::Column::UserId,
            "Points the user earned or spent.",
        )
        .many(
            "userAchievements",
            user_achievements::Column::UserId,
            "Achievements the user earned.",
        )
        .many(
            "dailyActivity",
            daily_activity::Column::UserId,
            "Days on which the user was active.",
        )
        .many(
            "predictiveAnalytics",
            predictive_analytics_cache::Column::UserId,
            "Cached predictions about the user.",
        )
        .many(
            "userPreferences",
            user_preferences::Column::UserId,
            "The user's privacy and notification preferences (one row per tenant).",
        )
        .doc(
            users::Column::Email,
            "Email address, unique across the platform.",
        )
        .doc(
            users::Column::PasswordHash,
            "Hash of the local password; null for identities that sign in through an external \
             auth provider. Never exposed.",
        )
        .doc(users::Column::FullName, "Display name.")
        .doc(users::Column::FirstName, "First name.")
        .doc(users::Column::LastName, "Last name.")
        .doc(users::Column::AvatarUrl, "Profile picture URL.")
        .doc(
            users::Column::CompanyName,
            "Organization affiliation as the user states it (free text).",
        )
        .doc(users::Column::Status, "Whether the account may sign in.")
        .doc(
            users::Column::Metadata,
            "Flexible profile data (JSON object), e.g. title and timezone.",
        )
        .doc(
            users::Column::LearningPreferences,
            "Learning preferences (JSON object): preferred_pace (slow, medium, fast), \
             preferred_media_types (content block types), learning_style (visual, auditory, \
             kinesthetic, mixed).",
        )
        .doc(
            users::Column::KnowledgeProfile,
            "What the learner already knows (JSON), as the learning application records it.",
        )
        .doc(users::Column::CreatedAt, "When the record was created.")
        .doc(
            users::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<organizations::Entity>(
            "Organization",
            "A client company inside the tenant, whose people take part in its programs and \
             coaching. Members see their own organization; admins see all.",
        )
        .root("organizations")
        .order([organizations::Column::Name])
        .many(
            "memberships",
            user_roles::Column::OrganizationId,
            "Roles held in the context of this organization.",
        )
        .many(
            "courses",
            courses::Column::OrganizationId,
            "Courses run for this organization.",
        )
        .many(
            "clients",
            clients::Column::ClientOrganizationId,
            "Coached executives who work for this organization.",
        )
        .many(
            "dataItems",
            data_items::Column::ClientOrganizationId,
            "Coaching data (transcripts, assessments, documents) about this organization.",
        )
        .many(
            "adaptabilityAssessments",
            adaptability_assessments::Column::OrganizationId,
            "Adaptability assessments taken in this organization's context.",
        )
        .many(
            "payments",
            payments::Column::OrganizationId,
            "Payments made in this organization's context.",
        )
        .many(
            "engagements",
            engagements::Column::OrganizationId,
            "Expert engagements for this organization.",
        )
        .doc(organizations::Column::Name, "Company name.")
        .doc(
            organizations::Column::Slug,
            "URL-friendly identifier, unique in the tenant.",
        )
        .doc(organizations::Column::Domain, "The company's domain name.")
        .doc(
            organizations::Column::Industry,
            "Industry category, e.g. Technology.",
        )
        .doc(
            organizations::Column::CompanySize,
            "Employee count range (free text).",
        )
        .doc(
            organizations::Column::SubscriptionTier,
            "The organization's plan.",
        )
        .doc(
            organizations::Column::SubscriptionStatus,
            "Billing status (free text).",
        )
        .doc(
            organizations::Column::Settings,
            "Organization-specific configuration.",
        )
        .doc(
            organizations::Column::Metadata,
            "Optional attributes (size, active, employee_count, headquarters, website).",
        )
        .doc(
            organizations::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            organizations::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<user_roles::Entity>(
            "Membership",
            "A user's role in the tenant, optionally for one organization and until an expiry. \
             You see your own memberships, org admins those of their organization, admins all.",
        )
        .root("memberships")
        .order([user_roles::Column::GrantedAt])
        .one::<users::Entity>("user", user_roles::Column::UserId, "The member.")
        .one::<organizations::Entity>(
            "organization",
            user_roles::Column::OrganizationId,
            "The organization the role applies to, if any.",
        )
        .doc(
            user_roles::Column::UserId,
            "The member (the UUID of a `User`).",
        )
        .doc(
            user_roles::Column::Role,
            "The role held. A trainer is an `INSTRUCTOR`, an expert a `COACH`, a student a \
             `LEARNER`.",
        )
        .doc(
            user_roles::Column::OrganizationId,
            "The organization the role applies to, if any (the UUID of an `Organization`).",
        )
        .doc(
            user_roles::Column::ExpiresAt,
            "When the role lapses; null for no expiry.",
        )
        .doc(user_roles::Column::GrantedAt, "When the role was granted.")
        .doc(
            user_roles::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
    ]
}
