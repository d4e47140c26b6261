//! Seed 001, HumanGlue (m0004): the expert marketplace (talent profiles,
//! engagements, reviews).

use entity::{
    engagement_sessions, engagements, organizations, review_votes, reviews, talent_profiles,
    talent_testimonials, users, workshops,
};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<talent_profiles::Entity>(
            "TalentProfile",
            "An expert's marketplace profile with impact metrics, rating and availability. Public \
             profiles are visible to anyone, also without a token (`X-Tenant`); experts also see \
             their own, admins all.",
        )
        .root("talentProfiles")
        .order([talent_profiles::Column::CreatedAt])
        .one::<users::Entity>("user", talent_profiles::Column::UserId, "The expert.")
        .many(
            "talentTestimonials",
            talent_testimonials::Column::TalentProfileId,
            "Client testimonials for this expert.",
        )
        .doc(
            talent_profiles::Column::UserId,
            "The expert (the UUID of a `User`); one profile per user in the tenant.",
        )
        .doc(talent_profiles::Column::Tagline, "Short marketing line.")
        .doc(talent_profiles::Column::Bio, "Biography.")
        .doc(talent_profiles::Column::Expertise, "Skills.")
        .doc(
            talent_profiles::Column::TransformationSuccessRate,
            "Transformation success rate, 0–100.",
        )
        .doc(
            talent_profiles::Column::BehaviorChangeScore,
            "Behavior change score, 0–100.",
        )
        .doc(
            talent_profiles::Column::ClientRetentionRate,
            "Client retention rate, 0–100.",
        )
        .doc(
            talent_profiles::Column::CulturesTransformed,
            "Number of organizational cultures transformed.",
        )
        .doc(
            talent_profiles::Column::YearsExperience,
            "Years of industry experience.",
        )
        .doc(
            talent_profiles::Column::Industries,
            "Industry specializations.",
        )
        .doc(
            talent_profiles::Column::TransformationStages,
            "Stages of transformation covered.",
        )
        .doc(
            talent_profiles::Column::CoachingStyle,
            "The expert's coaching style.",
        )
        .doc(
            talent_profiles::Column::Rating,
            "Average client rating, 0–5.",
        )
        .doc(talent_profiles::Column::ReviewCount, "Number of reviews.")
        .doc(
            talent_profiles::Column::Availability,
            "Whether the expert takes new engagements.",
        )
        .doc(
            talent_profiles::Column::HourlyRate,
            "Consulting fee per hour.",
        )
        .doc(
            talent_profiles::Column::IsPublic,
            "Visible in the marketplace.",
        )
        .doc(
            talent_profiles::Column::AcceptingClients,
            "Whether the expert takes new clients.",
        )
        .doc(
            talent_profiles::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            talent_profiles::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<talent_testimonials::Entity>(
            "TalentTestimonial",
            "A client's endorsement of an expert. Visible to whoever can see the expert's \
             profile.",
        )
        .root("talentTestimonials")
        .order([talent_testimonials::Column::CreatedAt])
        .one::<talent_profiles::Entity>(
            "talentProfile",
            talent_testimonials::Column::TalentProfileId,
            "The expert endorsed.",
        )
        .doc(
            talent_testimonials::Column::TalentProfileId,
            "The expert endorsed (the UUID of a `TalentProfile`).",
        )
        .doc(
            talent_testimonials::Column::ClientName,
            "Who gave the testimonial.",
        )
        .doc(
            talent_testimonials::Column::ClientCompany,
            "The client's company.",
        )
        .doc(talent_testimonials::Column::Quote, "The testimonial.")
        .doc(
            talent_testimonials::Column::Metric,
            "Quantified result (e.g. \"78% adoption\").",
        )
        .doc(
            talent_testimonials::Column::Verified,
            "Whether the testimonial was verified.",
        )
        .doc(
            talent_testimonials::Column::IsFeatured,
            "Highlighted on the profile.",
        )
        .doc(
            talent_testimonials::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<engagements::Entity>(
            "Engagement",
            "A consulting relationship between a client and an expert, with an hours budget and \
             milestones. Visible to its client, its expert and admins.",
        )
        .root("engagements")
        .order([engagements::Column::CreatedAt])
        .one::<users::Entity>("client", engagements::Column::ClientId, "The client party.")
        .one::<users::Entity>("expert", engagements::Column::ExpertId, "The expert party.")
        .one::<organizations::Entity>(
            "organization",
            engagements::Column::OrganizationId,
            "The company context, if any.",
        )
        .many(
            "engagementSessions",
            engagement_sessions::Column::EngagementId,
            "The engagement's sessions.",
        )
        .many(
            "reviews",
            reviews::Column::EngagementId,
            "Reviews of this engagement.",
        )
        .doc(
            engagements::Column::ClientId,
            "The client party (the UUID of a `User`).",
        )
        .doc(
            engagements::Column::ExpertId,
            "The expert party (the UUID of a `User`).",
        )
        .doc(
            engagements::Column::OrganizationId,
            "The company context, if any (the UUID of an `Organization`).",
        )
        .doc(engagements::Column::FocusArea, "The engagement's goal.")
        .doc(engagements::Column::HoursTotal, "Hours budgeted.")
        .doc(
            engagements::Column::HoursUsed,
            "Hours used by completed sessions (at most hoursTotal).",
        )
        .doc(engagements::Column::HourlyRate, "Billing rate per hour.")
        .doc(engagements::Column::Status, "Where the engagement stands.")
        .doc(
            engagements::Column::Deliverables,
            "Expected outputs (JSON array).",
        )
        .doc(
            engagements::Column::Milestones,
            "Progress tracking (JSON array).",
        )
        .doc(
            engagements::Column::ClientSatisfactionScore,
            "The client's rating, 1–5.",
        )
        .doc(
            engagements::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            engagements::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<engagement_sessions::Entity>(
            "EngagementSession",
            "One coaching or consulting session of an engagement. Visible to the engagement's \
             client, expert and admins.",
        )
        .root("engagementSessions")
        .order([engagement_sessions::Column::ScheduledAt])
        .one::<engagements::Entity>(
            "engagement",
            engagement_sessions::Column::EngagementId,
            "The engagement.",
        )
        .doc(
            engagement_sessions::Column::EngagementId,
            "The engagement (the UUID of an `Engagement`).",
        )
        .doc(
            engagement_sessions::Column::SessionType,
            "The kind of session.",
        )
        .doc(
            engagement_sessions::Column::ScheduledAt,
            "When the session is scheduled.",
        )
        .doc(
            engagement_sessions::Column::StartedAt,
            "When the session started.",
        )
        .doc(
            engagement_sessions::Column::EndedAt,
            "When the session ended (not before startedAt).",
        )
        .doc(
            engagement_sessions::Column::DurationHours,
            "Billable time, in hours.",
        )
        .doc(
            engagement_sessions::Column::SessionNotes,
            "Session documentation.",
        )
        .doc(
            engagement_sessions::Column::ActionItems,
            "Next steps (JSON array).",
        )
        .doc(
            engagement_sessions::Column::Status,
            "Where the session stands.",
        )
        .doc(
            engagement_sessions::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            engagement_sessions::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<reviews::Entity>(
            "Review",
            "A user's review of a workshop, an expert or an engagement, with moderation and a \
             response. Approved reviews are visible to anyone, also without a token (`X-Tenant`); \
             authors also see their own, admins all.",
        )
        .root("reviews")
        .order([reviews::Column::CreatedAt])
        .one::<users::Entity>("user", reviews::Column::UserId, "The reviewer.")
        .one::<workshops::Entity>(
            "workshop",
            reviews::Column::WorkshopId,
            "The workshop reviewed, if reviewType is workshop.",
        )
        .one::<users::Entity>(
            "expert",
            reviews::Column::ExpertId,
            "The expert reviewed, if reviewType is expert.",
        )
        .one::<engagements::Entity>(
            "engagement",
            reviews::Column::EngagementId,
            "The engagement reviewed, if reviewType is engagement.",
        )
        .one::<users::Entity>(
            "respondedBy",
            reviews::Column::ResponseBy,
            "Who wrote the response, if any.",
        )
        .doc(
            reviews::Column::UserId,
            "The reviewer (the UUID of a `User`).",
        )
        .doc(
            reviews::Column::ReviewType,
            "What the review is about; exactly the matching target is set.",
        )
        .doc(
            reviews::Column::WorkshopId,
            "The workshop reviewed (the UUID of a `Workshop`).",
        )
        .doc(
            reviews::Column::ExpertId,
            "The expert reviewed (the UUID of a `User`).",
        )
        .doc(
            reviews::Column::EngagementId,
            "The engagement reviewed (the UUID of an `Engagement`).",
        )
        .doc(reviews::Column::Rating, "Overall rating, 1–5.")
        .doc(reviews::Column::Title, "Review title.")
        .doc(reviews::Column::ReviewText, "Written feedback.")
        .doc(
            reviews::Column::ContentQualityRating,
            "Content quality, 1–5.",
        )
        .doc(reviews::Column::DeliveryRating, "Delivery, 1–5.")
        .doc(reviews::Column::ValueRating, "Value, 1–5.")
        .doc(reviews::Column::ImpactRating, "Impact, 1–5.")
        .doc(
            reviews::Column::VerifiedPurchase,
            "Whether the reviewer's enrollment or purchase is confirmed.",
        )
        .doc(
            reviews::Column::Status,
            "Where the review stands in moderation; only `APPROVED` reviews are public.",
        )
        .doc(
            reviews::Column::HelpfulCount,
            "Votes that the review was helpful.",
        )
        .doc(
            reviews::Column::NotHelpfulCount,
            "Votes that the review was not helpful.",
        )
        .doc(
            reviews::Column::ResponseText,
            "The expert's or instructor's response.",
        )
        .doc(
            reviews::Column::ResponseBy,
            "Who wrote the response (the UUID of a `User`).",
        )
        .doc(
            reviews::Column::RespondedAt,
            "When the response was written.",
        )
        .doc(reviews::Column::CreatedAt, "When the record was created.")
        .doc(
            reviews::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<review_votes::Entity>(
            "ReviewVote",
            "One user's helpful / not-helpful vote on a review; one per user and review (see \
             `voteReviewHelpful`). You see your own votes; admins see all.",
        )
        .root("reviewVotes")
        .order([review_votes::Column::CreatedAt])
        .one::<reviews::Entity>(
            "review",
            review_votes::Column::ReviewId,
            "The review voted on.",
        )
        .one::<users::Entity>("user", review_votes::Column::UserId, "The voter.")
        .doc(
            review_votes::Column::ReviewId,
            "The review voted on (the UUID of a `Review`).",
        )
        .doc(
            review_votes::Column::UserId,
            "The voter (the UUID of a `User`).",
        )
        .doc(
            review_votes::Column::Helpful,
            "True for helpful, false for not helpful.",
        )
        .doc(review_votes::Column::CreatedAt, "When the vote was cast.")
        .into(),
    ]
}
