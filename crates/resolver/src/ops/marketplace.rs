//! Expert marketplace operations (seed 001): talent profiles and search,
//! engagements and their sessions, reviews with moderation, votes and
//! responses; one formula for an expert's rating.

use async_graphql::dynamic::{InputObject, TypeRef};
use domain::marketplace::{
    self as m, NewEngagement, NewReview, NewTestimonial, ReviewTarget, TalentSearch,
};
use entity::{engagement_sessions, engagements, reviews, talent_profiles, talent_testimonials};

use super::{Args, Parts, arg, id_arg, read, row, rows, write};
use crate::error::ApiError;

fn s(name: &str, doc: &str) -> async_graphql::dynamic::InputValue {
    arg(name, TypeRef::named(TypeRef::STRING), doc)
}

fn s_nn(name: &str, doc: &str) -> async_graphql::dynamic::InputValue {
    arg(name, TypeRef::named_nn(TypeRef::STRING), doc)
}

fn int(name: &str, doc: &str) -> async_graphql::dynamic::InputValue {
    arg(name, TypeRef::named(TypeRef::INT), doc)
}

fn required<T>(name: &str, v: Option<T>) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::bad_input(format!("`{name}` is required")))
}

/// `TalentProfileInput`.
fn profile_input() -> InputObject {
    let list = |name: &str, doc: &str| arg(name, TypeRef::named_nn_list(TypeRef::STRING), doc);
    [
        s("tagline", "Short marketing line."),
        s("bio", "Biography."),
        list("expertise", "Skills, e.g. \"AI Adoption\" (distinct)."),
        list("industries", "Industry specializations (distinct)."),
        list(
            "transformationStages",
            "Stages covered: assess, reframe, embed, scale.",
        ),
        s("coachingStyle", "directive, facilitative or hybrid."),
        int(
            "yearsExperience",
            "Years of industry experience, at least 0.",
        ),
        int(
            "transformationSuccessRate",
            "Transformation success rate, 0–100.",
        ),
        int("behaviorChangeScore", "Behavior change score, 0–100."),
        int("clientRetentionRate", "Client retention rate, 0–100."),
        int(
            "culturesTransformed",
            "Organizational cultures transformed, at least 0.",
        ),
        arg(
            "hourlyRate",
            TypeRef::named("Decimal"),
            "Consulting fee per hour, at least 0, 2 decimals.",
        ),
        s("availability", "available, limited or booked."),
        arg(
            "isPublic",
            TypeRef::named(TypeRef::BOOLEAN),
            "Listed in the marketplace (and in `searchTalent`).",
        ),
        arg(
            "acceptingClients",
            TypeRef::named(TypeRef::BOOLEAN),
            "Whether new engagements may be opened.",
        ),
    ]
    .into_iter()
    .fold(
        InputObject::new("TalentProfileInput")
            .description("Fields of your talent profile; omitted fields keep their value."),
        InputObject::field,
    )
}

fn review_args(a: &Args<'_>) -> Result<(ReviewTarget, NewReview), ApiError> {
    let target = ReviewTarget::exactly_one(
        a.opt_id("talentProfileId", "TalentProfile")?,
        a.opt_id("workshopId", "Workshop")?,
        a.opt_id("engagementId", "Engagement")?,
    )?;
    let detail = |n| a.int_in(n, 1..=5);
    Ok((
        target,
        NewReview {
            rating: required("rating", a.int_in("rating", 1..=5)?)?,
            title: a.opt_string("title")?,
            review_text: a.string("reviewText")?,
            detailed: [
                detail("contentQualityRating")?,
                detail("deliveryRating")?,
                detail("valueRating")?,
                detail("impactRating")?,
            ],
        },
    ))
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.inputs.push(profile_input());
    p.query = p.query.field(
        read(
            "searchTalent",
            TypeRef::named_nn_list_nn("TalentProfile"),
            "Search talent by expertise: public profiles accepting clients whose expertise shares at \
             least one entry with `expertise`, rated at least `minRating`, in one of `availability`; best rated \
             first, then most reviewed.",
            |a| {
                Ok(TalentSearch {
                    expertise: a.strings("expertise")?,
                    min_rating: a
                        .float("minRating")?
                        .map(|r| {
                            rust_decimal::Decimal::try_from(r)
                                .map_err(|_| ApiError::bad_input("`minRating` must be a number"))
                        })
                        .transpose()?,
                    availability: a.strings("availability")?,
                    first: a.int_in("first", 1..=100)?.unwrap_or(20) as u64,
                })
            },
            |s, q| Box::pin(m::search_talent(s, q)),
            |ps| Ok(rows::<talent_profiles::Entity>(ps)),
        )
        .argument(arg("expertise", TypeRef::named_nn_list(TypeRef::STRING), "Any of these skills (exact match); omitted: any."))
        .argument(arg("minRating", TypeRef::named(TypeRef::FLOAT), "Lowest rating, 0–5."))
        .argument(arg("availability", TypeRef::named_nn_list(TypeRef::STRING), "Any of available, limited, booked; omitted: any."))
        .argument(int("first", "How many, 1–100 (default 20).").default_value(20)),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "upsertTalentProfile",
                TypeRef::named_nn("TalentProfile"),
                "Experts (coaches; admins too): create or update your own talent profile. Rating and review count \
                 are computed, not set.",
                |a| a.input::<m::ProfileInput>("input"),
                |w, i| Box::pin(m::upsert_profile(w, i)),
                |p| Ok(row::<talent_profiles::Entity>(p)),
            )
            .argument(arg("input", TypeRef::named_nn("TalentProfileInput"), "The fields to set.")),
        )
        .field(
            write(
                "addTalentTestimonial",
                TypeRef::named_nn("TalentTestimonial"),
                "The profile's expert (or an admin, whose testimonials count as verified) adds a client testimonial.",
                |a| {
                    Ok((
                        a.id("talentProfileId", "TalentProfile")?,
                        NewTestimonial {
                            client_name: a.string("clientName")?,
                            client_company: a.opt_string("clientCompany")?,
                            quote: a.string("quote")?,
                            metric: a.opt_string("metric")?,
                            is_featured: a.bool("isFeatured")?.unwrap_or(false),
                        },
                    ))
                },
                |w, (id, t)| Box::pin(m::add_testimonial(w, id, t)),
                |t| Ok(row::<talent_testimonials::Entity>(t)),
            )
            .argument(id_arg("talentProfileId", "TalentProfile", "The profile endorsed"))
            .argument(s_nn("clientName", "Who gave the testimonial."))
            .argument(s_nn("quote", "The testimonial."))
            .argument(s("clientCompany", "The client's company."))
            .argument(s("metric", "Quantified result, e.g. \"78% adoption\"."))
            .argument(arg("isFeatured", TypeRef::named(TypeRef::BOOLEAN), "Highlight it on the profile (default false).")),
        )
        .field(
            write(
                "createEngagement",
                TypeRef::named_nn("Engagement"),
                "Clients (admins too): open a pending engagement with a profile's expert, in your organization; \
                 `hoursUsed` starts at 0. CONFLICT when the expert is not accepting clients or is booked.",
                |a| {
                    Ok((
                        a.id("talentProfileId", "TalentProfile")?,
                        NewEngagement {
                            focus_area: a.string("focusArea")?,
                            hours_total: required("hoursTotal", a.decimal("hoursTotal")?)?,
                            hourly_rate: a.decimal("hourlyRate")?,
                            deliverables: a.json("deliverables")?,
                            milestones: a.json("milestones")?,
                        },
                    ))
                },
                |w, (id, e)| Box::pin(m::create_engagement(w, id, e)),
                |e| Ok(row::<engagements::Entity>(e)),
            )
            .argument(id_arg("talentProfileId", "TalentProfile", "The expert's profile"))
            .argument(s_nn("focusArea", "The engagement's goal."))
            .argument(arg("hoursTotal", TypeRef::named_nn("Decimal"), "Hour budget, greater than 0, at most 99999.99."))
            .argument(arg("hourlyRate", TypeRef::named("Decimal"), "Billing rate (default: the profile's)."))
            .argument(arg("deliverables", TypeRef::named("JSON"), "Planned deliverables (JSON array)."))
            .argument(arg("milestones", TypeRef::named("JSON"), "Milestones (JSON array).")),
        )
        .field(
            write(
                "setEngagementStatus",
                TypeRef::named_nn("Engagement"),
                "A party (admins: any): pending → active (the expert accepts) or cancelled; active → paused, \
                 completed or cancelled; paused → active or cancelled. CONFLICT for any other move.",
                |a| Ok((a.id("engagementId", "Engagement")?, a.string("status")?)),
                |w, (id, st)| Box::pin(m::set_engagement_status(w, id, st)),
                |e| Ok(row::<engagements::Entity>(e)),
            )
            .argument(id_arg("engagementId", "Engagement", "The engagement"))
            .argument(s_nn("status", "The new status: active, paused, completed or cancelled.")),
        )
        .field(
            write(
                "scheduleEngagementSession",
                TypeRef::named_nn("EngagementSession"),
                "A party (admins: any) schedules a session of a pending or active engagement with hours left.",
                |a| {
                    Ok((
                        a.id("engagementId", "Engagement")?,
                        a.string("sessionType")?,
                        required("scheduledAt", a.datetime("scheduledAt")?)?,
                    ))
                },
                |w, (id, ty, at)| Box::pin(m::schedule_session(w, id, ty, at)),
                |s| Ok(row::<engagement_sessions::Entity>(s)),
            )
            .argument(id_arg("engagementId", "Engagement", "The engagement"))
            .argument(s_nn("sessionType", "coaching, workshop, consultation or follow_up."))
            .argument(arg("scheduledAt", TypeRef::named_nn("DateTime"), "When it takes place.")),
        )
        .field(
            write(
                "completeEngagementSession",
                TypeRef::named_nn("EngagementSession"),
                "Complete a scheduled session of an engagement you are a party to (admins: any); its hours are added \
                 to the engagement's `hoursUsed`. CONFLICT when the session is not scheduled or the hours would exceed \
                 `hoursTotal`.",
                |a| {
                    let hours = required("durationHours", a.decimal("durationHours")?)?;
                    Ok((a.id("engagementSessionId", "EngagementSession")?, hours, a.opt_string("notes")?))
                },
                |w, (id, hours, notes)| Box::pin(m::complete_session(w, id, hours, notes)),
                |m| Ok(row::<engagement_sessions::Entity>(m)),
            )
            .argument(id_arg("engagementSessionId", "EngagementSession", "The session to complete"))
            .argument(arg("durationHours", TypeRef::named_nn("Decimal"), "Hours spent, greater than 0, at most 2 decimals."))
            .argument(s("notes", "Session notes.")),
        )
        .field(
            write(
                "rateEngagement",
                TypeRef::named_nn("Engagement"),
                "As the engagement's client, set its satisfaction score; the expert's rating is recomputed as the \
                 mean of their satisfaction scores and approved review ratings.",
                |a| Ok((a.id("engagementId", "Engagement")?, a.int_in("score", 1..=5)?.unwrap_or(0))),
                |w, (id, score)| Box::pin(m::rate_engagement(w, id, score)),
                |m| Ok(row::<engagements::Entity>(m)),
            )
            .argument(id_arg("engagementId", "Engagement", "The engagement to rate"))
            .argument(arg("score", TypeRef::named_nn(TypeRef::INT), "Client satisfaction, 1–5.")),
        )
        .field(
            write(
                "createReview",
                TypeRef::named_nn("Review"),
                "Review exactly one target you bought: a talent profile's expert (you are a client of theirs), a \
                 workshop (you hold a live registration) or your engagement. It starts pending. BAD_USER_INPUT \
                 unless exactly one target; CONFLICT when you already reviewed it; FORBIDDEN without a purchase.",
                review_args,
                |w, (t, r)| Box::pin(m::create_review(w, t, r)),
                |r| Ok(row::<reviews::Entity>(r)),
            )
            .argument(arg("talentProfileId", TypeRef::named(TypeRef::ID), "The expert's profile (a `TalentProfile` id)."))
            .argument(arg("workshopId", TypeRef::named(TypeRef::ID), "The workshop (a `Workshop` id)."))
            .argument(arg("engagementId", TypeRef::named(TypeRef::ID), "Your engagement (an `Engagement` id)."))
            .argument(arg("rating", TypeRef::named_nn(TypeRef::INT), "Overall rating, 1–5."))
            .argument(s("title", "Review title."))
            .argument(s_nn("reviewText", "Written feedback."))
            .argument(int("contentQualityRating", "Content quality, 1–5."))
            .argument(int("deliveryRating", "Delivery, 1–5."))
            .argument(int("valueRating", "Value, 1–5."))
            .argument(int("impactRating", "Impact, 1–5.")),
        )
        .field(
            write(
                "approveReview",
                TypeRef::named_nn("Review"),
                "Admins: approve a pending or flagged review; the expert's or workshop's rating and review count are \
                 recomputed. CONFLICT otherwise.",
                |a| a.id("reviewId", "Review"),
                |w, id| Box::pin(m::approve_review(w, id)),
                |m| Ok(row::<reviews::Entity>(m)),
            )
            .argument(id_arg("reviewId", "Review", "The review to approve")),
        )
        .field(
            write(
                "rejectReview",
                TypeRef::named_nn("Review"),
                "Admins: reject a pending or flagged review; the target's rating is recomputed. CONFLICT otherwise.",
                |a| a.id("reviewId", "Review"),
                |w, id| Box::pin(m::reject_review(w, id)),
                |m| Ok(row::<reviews::Entity>(m)),
            )
            .argument(id_arg("reviewId", "Review", "The review to reject")),
        )
        .field(
            write(
                "flagReview",
                TypeRef::named_nn("Review"),
                "Report an approved review for moderation: it is flagged, hidden from the public and no longer \
                 counted in the target's rating until an admin approves or rejects it. CONFLICT unless approved.",
                |a| a.id("reviewId", "Review"),
                |w, id| Box::pin(m::flag_review(w, id)),
                |m| Ok(row::<reviews::Entity>(m)),
            )
            .argument(id_arg("reviewId", "Review", "The review to flag")),
        )
        .field(
            write(
                "voteReviewHelpful",
                TypeRef::named_nn("Review"),
                "Vote an approved review (not your own) helpful or not, once: `helpfulCount` or `notHelpfulCount` \
                 goes up by one. CONFLICT on a second vote or a review that is not approved.",
                |a| Ok((a.id("reviewId", "Review")?, a.bool("helpful")?.unwrap_or(true))),
                |w, (id, helpful)| Box::pin(m::vote_review(w, id, helpful)),
                |m| Ok(row::<reviews::Entity>(m)),
            )
            .argument(id_arg("reviewId", "Review", "The review"))
            .argument(arg("helpful", TypeRef::named(TypeRef::BOOLEAN), "False for a not-helpful vote (default true).").default_value(true)),
        )
        .field(
            write(
                "respondToReview",
                TypeRef::named_nn("Review"),
                "The reviewed expert, the workshop's instructor or the engagement's expert (admins too) answers a \
                 review, once. CONFLICT when it already has a response.",
                |a| Ok((a.id("reviewId", "Review")?, a.string("text")?)),
                |w, (id, text)| Box::pin(m::respond_to_review(w, id, text)),
                |m| Ok(row::<reviews::Entity>(m)),
            )
            .argument(id_arg("reviewId", "Review", "The review"))
            .argument(s_nn("text", "The response.")),
        );
    p
}
