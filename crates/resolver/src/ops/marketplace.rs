//! Expert marketplace operations (seed 001): talent profiles and search,
//! engagements and their sessions, reviews with moderation, votes and
//! responses; one formula for an expert's rating.

use async_graphql::dynamic::TypeRef;
use domain::marketplace::{
    self as m, NewEngagement, NewReview, NewTestimonial, ReviewTarget, TalentSearch,
};
use entity::{
    engagement_sessions, engagements,
    enums::{Availability, CoachingStyle, EngagementStatus, SessionType, TransformationStage},
    reviews, talent_profiles, talent_testimonials,
};

use super::prelude::{
    Bounded, Id, InputType, Parts, arguments, input_object,
    node::{Engagement, EngagementSession, Review, TalentProfile, Workshop},
    read_rows, row, write,
};

input_object! {
    /// Fields of your talent profile; omitted fields keep their value.
    pub(crate) struct TalentProfileInput {
        /// Short marketing line.
        tagline: Option<String>,
        /// Biography.
        bio: Option<String>,
        /// Skills, e.g. "AI Adoption" (distinct).
        expertise: Option<Vec<String>>,
        /// Industry specializations (distinct).
        industries: Option<Vec<String>>,
        /// Stages covered.
        transformation_stages: Option<Vec<TransformationStage>>,
        /// How you coach.
        coaching_style: Option<CoachingStyle>,
        /// Years of industry experience, at least 0.
        years_experience: Option<i32>,
        /// Transformation success rate, 0–100.
        transformation_success_rate: Option<i32>,
        /// Behavior change score, 0–100.
        behavior_change_score: Option<i32>,
        /// Client retention rate, 0–100.
        client_retention_rate: Option<i32>,
        /// Organizational cultures transformed, at least 0.
        cultures_transformed: Option<i32>,
        /// Consulting fee per hour: at least 0, at most 99999999.99, at most 2 decimal places.
        hourly_rate: Option<rust_decimal::Decimal>,
        /// Whether you take new work.
        availability: Option<Availability>,
        /// Listed in the marketplace (and in `searchTalent`).
        is_public: Option<bool>,
        /// Whether new engagements may be opened.
        accepting_clients: Option<bool>,
    }
}

impl From<TalentProfileInput> for m::ProfileInput {
    fn from(i: TalentProfileInput) -> Self {
        m::ProfileInput {
            tagline: i.tagline,
            bio: i.bio,
            expertise: i.expertise,
            industries: i.industries,
            transformation_stages: i.transformation_stages,
            coaching_style: i.coaching_style,
            years_experience: i.years_experience,
            transformation_success_rate: i.transformation_success_rate,
            behavior_change_score: i.behavior_change_score,
            client_retention_rate: i.client_retention_rate,
            cultures_transformed: i.cultures_transformed,
            hourly_rate: i.hourly_rate,
            availability: i.availability,
            is_public: i.is_public,
            accepting_clients: i.accepting_clients,
        }
    }
}

arguments! {
    struct SearchArgs {
        /// Any of these skills (exact match); omitted: any skills; `[]`: no profile.
        expertise: Option<Vec<String>>,
        /// Lowest rating, 0–5.
        min_rating: Option<f64>,
        /// Any of these availabilities; omitted: any availability; `[]`: no profile.
        availability: Option<Vec<Availability>>,
        /// How many, 1–100 (default 20).
        first: Bounded<1, 100> = Bounded(20),
    }
}

impl SearchArgs {
    fn search(self) -> domain::Result<TalentSearch> {
        Ok(TalentSearch {
            expertise: self.expertise,
            min_rating: self
                .min_rating
                .map(|r| {
                    rust_decimal::Decimal::try_from(r).map_err(|_| {
                        domain::DomainError::BadInput("`minRating` must be a number".into())
                    })
                })
                .transpose()?,
            availability: self.availability,
            first: self.first.get() as u64,
        })
    }
}

arguments! {
    struct ProfileArgs {
        /// The fields to set.
        input: TalentProfileInput,
    }
}

arguments! {
    struct TestimonialArgs {
        /// The profile endorsed.
        talent_profile_id: Id<TalentProfile>,
        /// Who gave the testimonial.
        client_name: String,
        /// The testimonial.
        quote: String,
        /// The client's company.
        client_company: Option<String>,
        /// Quantified result, e.g. "78% adoption".
        metric: Option<String>,
        /// Highlight it on the profile (default false).
        is_featured: Option<bool>,
    }
}

arguments! {
    struct EngagementArgs {
        /// The expert's profile.
        talent_profile_id: Id<TalentProfile>,
        /// The engagement's goal.
        focus_area: String,
        /// Hour budget: greater than 0, at most 99999.99, at most 2 decimal places.
        hours_total: rust_decimal::Decimal,
        /// Billing rate: at least 0, at most 99999999.99, at most 2 decimal places (default: the profile's).
        hourly_rate: Option<rust_decimal::Decimal>,
        /// Planned deliverables (JSON array).
        deliverables: Option<serde_json::Value>,
        /// Milestones (JSON array).
        milestones: Option<serde_json::Value>,
    }
}

arguments! {
    struct StatusArgs {
        /// The engagement.
        engagement_id: Id<Engagement>,
        /// The new status (not pending).
        status: EngagementStatus,
    }
}

arguments! {
    struct ScheduleArgs {
        /// The engagement.
        engagement_id: Id<Engagement>,
        /// The kind of session.
        session_type: SessionType,
        /// When it takes place.
        scheduled_at: chrono::DateTime<chrono::FixedOffset>,
    }
}

arguments! {
    struct SessionDoneArgs {
        /// The session to complete.
        engagement_session_id: Id<EngagementSession>,
        /// Hours spent: greater than 0, at most 999.99, at most 2 decimal places.
        duration_hours: rust_decimal::Decimal,
        /// Session notes.
        notes: Option<String>,
    }
}

arguments! {
    struct RateArgs {
        /// The engagement to rate.
        engagement_id: Id<Engagement>,
        /// Client satisfaction, 1–5.
        score: Bounded<1, 5>,
    }
}

arguments! {
    struct ReviewArgs {
        /// The expert's profile.
        talent_profile_id: Option<Id<TalentProfile>>,
        /// The workshop.
        workshop_id: Option<Id<Workshop>>,
        /// Your engagement.
        engagement_id: Option<Id<Engagement>>,
        /// Overall rating, 1–5.
        rating: Bounded<1, 5>,
        /// Review title.
        title: Option<String>,
        /// Written feedback.
        review_text: String,
        /// Content quality, 1–5.
        content_quality_rating: Option<Bounded<1, 5>>,
        /// Delivery, 1–5.
        delivery_rating: Option<Bounded<1, 5>>,
        /// Value, 1–5.
        value_rating: Option<Bounded<1, 5>>,
        /// Impact, 1–5.
        impact_rating: Option<Bounded<1, 5>>,
    }
}

impl ReviewArgs {
    fn review(self) -> domain::Result<(ReviewTarget, NewReview)> {
        let target = ReviewTarget::exactly_one(
            self.talent_profile_id.map(Into::into),
            self.workshop_id.map(Into::into),
            self.engagement_id.map(Into::into),
        )?;
        let detail = |r: Option<Bounded<1, 5>>| r.map(Bounded::get);
        Ok((
            target,
            NewReview {
                rating: self.rating.get(),
                title: self.title,
                review_text: self.review_text,
                detailed: [
                    detail(self.content_quality_rating),
                    detail(self.delivery_rating),
                    detail(self.value_rating),
                    detail(self.impact_rating),
                ],
            },
        ))
    }
}

arguments! {
    struct ReviewIdArgs {
        /// The review.
        review_id: Id<Review>,
    }
}

arguments! {
    struct VoteArgs {
        /// The review.
        review_id: Id<Review>,
        /// False for a not-helpful vote (default true).
        helpful: bool = true,
    }
}

arguments! {
    struct RespondArgs {
        /// The review.
        review_id: Id<Review>,
        /// The response.
        text: String,
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.inputs.push(TalentProfileInput::input_object());
    p.query = p.query.field(
        read_rows(
            "searchTalent",
            "TalentProfile",
            "Search talent by expertise: public profiles accepting clients whose expertise shares at least one \
             entry with `expertise`, rated at least `minRating`, in one of `availability`; best rated first, then \
             most reviewed. An omitted (or null) list sets no condition; an empty list matches no profile.",
            |s, a: SearchArgs| m::search_talent(s, a.search()?),
        ),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "upsertTalentProfile",
                TypeRef::named_nn("TalentProfile"),
                "Experts (coaches; admins too): create or update your own talent profile. Rating and review count \
                 are computed, not set.",
                |w, a: ProfileArgs| Box::pin(m::upsert_profile(w, a.input.into())),
                |p| Ok(row::<talent_profiles::Entity>(p)),
            ),
        )
        .field(
            write(
                "addTalentTestimonial",
                TypeRef::named_nn("TalentTestimonial"),
                "The profile's expert (or an admin, whose testimonials count as verified) adds a client testimonial.",
                |w, a: TestimonialArgs| {
                    let t = NewTestimonial {
                        client_name: a.client_name,
                        client_company: a.client_company,
                        quote: a.quote,
                        metric: a.metric,
                        is_featured: a.is_featured.unwrap_or(false),
                    };
                    Box::pin(m::add_testimonial(w, a.talent_profile_id.into(), t))
                },
                |t| Ok(row::<talent_testimonials::Entity>(t)),
            ),
        )
        .field(
            write(
                "createEngagement",
                TypeRef::named_nn("Engagement"),
                "Clients (admins too): open a pending engagement with a profile's expert, in your organization; \
                 `hoursUsed` starts at 0. CONFLICT when the expert is not accepting clients or is booked.",
                |w, a: EngagementArgs| {
                    let e = NewEngagement {
                        focus_area: a.focus_area,
                        hours_total: a.hours_total,
                        hourly_rate: a.hourly_rate,
                        deliverables: a.deliverables,
                        milestones: a.milestones,
                    };
                    Box::pin(m::create_engagement(w, a.talent_profile_id.into(), e))
                },
                |e| Ok(row::<engagements::Entity>(e)),
            ),
        )
        .field(
            write(
                "setEngagementStatus",
                TypeRef::named_nn("Engagement"),
                "A party (admins: any): pending → active (the expert accepts) or cancelled; active → paused, \
                 completed or cancelled; paused → active or cancelled. CONFLICT for any other move.",
                |w, a: StatusArgs| {
                    Box::pin(m::set_engagement_status(w, a.engagement_id.into(), a.status))
                },
                |e| Ok(row::<engagements::Entity>(e)),
            ),
        )
        .field(
            write(
                "scheduleEngagementSession",
                TypeRef::named_nn("EngagementSession"),
                "A party (admins: any) schedules a session of a pending or active engagement with hours left.",
                |w, a: ScheduleArgs| {
                    Box::pin(m::schedule_session(w, a.engagement_id.into(), a.session_type, a.scheduled_at))
                },
                |s| Ok(row::<engagement_sessions::Entity>(s)),
            ),
        )
        .field(
            write(
                "completeEngagementSession",
                TypeRef::named_nn("EngagementSession"),
                "Complete a scheduled session of an engagement you are a party to (admins: any); its hours are added \
                 to the engagement's `hoursUsed`. CONFLICT when the session is not scheduled or the hours would exceed \
                 `hoursTotal`.",
                |w, a: SessionDoneArgs| {
                    Box::pin(m::complete_session(w, a.engagement_session_id.into(), a.duration_hours, a.notes))
                },
                |m| Ok(row::<engagement_sessions::Entity>(m)),
            ),
        )
        .field(
            write(
                "rateEngagement",
                TypeRef::named_nn("Engagement"),
                "As the engagement's client, set its satisfaction score; the expert's rating is recomputed as the \
                 mean of their satisfaction scores and approved review ratings.",
                |w, a: RateArgs| Box::pin(m::rate_engagement(w, a.engagement_id.into(), a.score.get())),
                |m| Ok(row::<engagements::Entity>(m)),
            ),
        )
        .field(
            write(
                "createReview",
                TypeRef::named_nn("Review"),
                "Review exactly one target you bought: a talent profile's expert (you are a client of theirs), a \
                 workshop (you hold a live registration) or your engagement. It starts pending. BAD_USER_INPUT \
                 unless exactly one target; CONFLICT when you already reviewed it; FORBIDDEN without a purchase.",
                |w, a: ReviewArgs| {
                    Box::pin(async move {
                        let (target, review) = a.review()?;
                        m::create_review(w, target, review).await
                    })
                },
                |r| Ok(row::<reviews::Entity>(r)),
            ),
        )
        .field(
            write(
                "approveReview",
                TypeRef::named_nn("Review"),
                "Admins: approve a pending or flagged review; the expert's or workshop's rating and review count are \
                 recomputed. CONFLICT otherwise.",
                |w, a: ReviewIdArgs| Box::pin(m::approve_review(w, a.review_id.into())),
                |m| Ok(row::<reviews::Entity>(m)),
            ),
        )
        .field(
            write(
                "rejectReview",
                TypeRef::named_nn("Review"),
                "Admins: reject a pending or flagged review; the target's rating is recomputed. CONFLICT otherwise.",
                |w, a: ReviewIdArgs| Box::pin(m::reject_review(w, a.review_id.into())),
                |m| Ok(row::<reviews::Entity>(m)),
            ),
        )
        .field(
            write(
                "flagReview",
                TypeRef::named_nn("Review"),
                "Report an approved review for moderation: it is flagged, hidden from the public and no longer \
                 counted in the target's rating until an admin approves or rejects it. CONFLICT unless approved.",
                |w, a: ReviewIdArgs| Box::pin(m::flag_review(w, a.review_id.into())),
                |m| Ok(row::<reviews::Entity>(m)),
            ),
        )
        .field(
            write(
                "voteReviewHelpful",
                TypeRef::named_nn("Review"),
                "Vote an approved review (not your own) helpful or not, once: `helpfulCount` or `notHelpfulCount` \
                 goes up by one. CONFLICT on a second vote or a review that is not approved.",
                |w, a: VoteArgs| Box::pin(m::vote_review(w, a.review_id.into(), a.helpful)),
                |m| Ok(row::<reviews::Entity>(m)),
            ),
        )
        .field(
            write(
                "respondToReview",
                TypeRef::named_nn("Review"),
                "The reviewed expert, the workshop's instructor or the engagement's expert (admins too) answers a \
                 review, once. CONFLICT when it already has a response.",
                |w, a: RespondArgs| Box::pin(m::respond_to_review(w, a.review_id.into(), a.text)),
                |m| Ok(row::<reviews::Entity>(m)),
            ),
        );
    p
}
