//! Analytics and gamification operations (seed 004): points, achievements,
//! the weekly leaderboard, skill demand, learner velocity, the predictive
//! cache, preferences and the learner dashboard.

use async_graphql::dynamic::{Object, TypeRef};
use domain::analytics as a;
use entity::enums::{LeaderboardPrivacy, PredictiveKind};
use shape::OutputObject;

use super::prelude::{
    Bounded, Id, InputType, Parts, arguments, input_object, json, node::User, object_types,
    output_type, read, row, rows, write,
};

arguments! {
    struct LeaderboardArgs {
        /// ISO week, e.g. `2026-W47`; default: this week.
        week: Option<String>,
        /// How many entries, 1–100.
        first: Bounded<1, 100> = Bounded(10),
    }
}

arguments! {
    struct DemandArgs {
        /// Only the month containing this date.
        month: Option<chrono::NaiveDate>,
    }
}

arguments! {
    struct VelocityArgs {
        /// The learner to report on (a `User` id); default: you.
        user_id: Option<Id<User>>,
        /// How many weeks, this one included, 1–52.
        weeks: Bounded<1, 52> = Bounded(4),
    }
}

arguments! {
    struct InsightArgs {
        /// The learner the insight is about (a `User` id); default: you.
        user_id: Option<Id<User>>,
        /// Which prediction.
        kind: PredictiveKind,
    }
}

arguments! {
    struct AwardArgs {
        /// The learner to award (a `User` id); default: you.
        user_id: Option<Id<User>>,
        /// Points to award, 1–10000.
        points: Bounded<1, { a::MAX_AWARD as i64 }>,
        /// What earned them, e.g. `bonus`, `workshop_completed` (a–z, 0–9, _).
        activity_type: String,
        /// Why, kept in the transaction's metadata.
        reason: Option<String>,
        /// More context for the transaction (an object).
        metadata: Option<serde_json::Value>,
    }
}

arguments! {
    struct CheckArgs {
        /// The learner to check (a `User` id); default: you.
        user_id: Option<Id<User>>,
    }
}

arguments! {
    struct PreferencesArgs {
        /// The preferences to change.
        input: PreferencesInput,
    }
}

input_object! {
    /// Which predictive analytics may be computed about you.
    pub(crate) struct PredictiveSwitchesInput {
        /// Drop-off risk.
        drop_off_risk: Option<bool>,
        /// Completion forecasts.
        forecasting: Option<bool>,
        /// Recommendations.
        recommendations: Option<bool>,
    }
}

input_object! {
    /// Preferences to change; absent fields keep their value.
    pub(crate) struct PreferencesInput {
        /// Named (public), ranked without name (anonymous) or left out (hidden).
        leaderboard_privacy: Option<LeaderboardPrivacy>,
        /// Switches to change.
        predictive_analytics_enabled: Option<PredictiveSwitchesInput>,
        /// Settings to change: an object of at most 20 keys to true/false.
        notification_preferences: Option<serde_json::Value>,
    }
}

impl From<PreferencesInput> for a::PreferencesInput {
    fn from(i: PreferencesInput) -> Self {
        a::PreferencesInput {
            leaderboard_privacy: i.leaderboard_privacy,
            predictive_analytics_enabled: i.predictive_analytics_enabled.map(|p| {
                a::PredictiveSwitches {
                    drop_off_risk: p.drop_off_risk,
                    forecasting: p.forecasting,
                    recommendations: p.recommendations,
                }
            }),
            notification_preferences: i.notification_preferences,
        }
    }
}

arguments! {
    struct LiveLeaderboardArgs {
        /// How many entries, 1–100.
        first: Bounded<1, 100> = Bounded(10),
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.subscription = p.subscription.field(crate::live::field(crate::live::Spec {
        name: "weeklyLeaderboard",
        ty: output_type::<a::Leaderboard>(),
        description: "This ISO week's leaderboard (as the `weeklyLeaderboard` query ranks it, with \
                      the same privacy rules) now, and again whenever points are awarded in the \
                      tenant. Awards that arrive together are ranked once.",
        wants: |_: &LiveLeaderboardArgs, topic, _| matches!(topic, store::Topic::Points),
        read: |_, scope, x, _| {
            Box::pin(async move {
                let board = a::weekly_leaderboard(scope, None, x.first.get() as u32).await?;
                Ok(Some(json(board)?))
            })
        },
        initial: true,
        fold: true,
    }));
    p.inputs.extend([
        PredictiveSwitchesInput::input_object(),
        PreferencesInput::input_object(),
    ]);
    p.query = p
        .query
        .field(
            read(
                "weeklyLeaderboard",
                output_type::<a::Leaderboard>(),
                "The tenant's learners ranked by points earned in an ISO week. \
                 Learners whose leaderboard privacy is `hidden` are left out; `anonymous` ones are ranked without \
                 name or user. Ties share a rank.",
                |s, x: LeaderboardArgs| Box::pin(a::weekly_leaderboard(s, x.week, x.first.get() as u32)),
                json,
            ),
        )
        .field(
            read(
                "skillDemand",
                output_type::<Vec<a::SkillDemand>>(),
                "Learners and average mastery per skill and month of assessment, over the user skills \
                 you may read; newest month first.",
                |s, x: DemandArgs| Box::pin(a::skill_demand(s, x.month)),
                json,
            ),
        )
        .field(
            read(
                "learnerVelocityReport",
                output_type::<a::Velocity>(),
                "A learner's points and lessons per ISO week over the last weeks, with pace, trend and status \
                 against their target pace.",
                |s, x: VelocityArgs| {
                    Box::pin(a::learner_velocity(s, x.user_id.map(Into::into), x.weeks.get() as u32))
                },
                json,
            ),
        )
        .field(
            read(
                "predictiveInsight",
                output_type::<a::Insight>(),
                "A predictive insight: the cached entry while it has not expired, else computed afresh \
                 (not stored; see `refreshPredictiveInsight`). FORBIDDEN when the learner turned the kind off.",
                |s, x: InsightArgs| {
                    Box::pin(a::predictive_insight(s, x.user_id.map(Into::into), x.kind))
                },
                json,
            ),
        )
        .field(
            read(
                "myDashboard",
                output_type::<a::Dashboard>(),
                "Your learner dashboard: enrollments with progress, points, level, streak, this week's points \
                 and achievements, in a fixed number of statements.",
                |s, ()| Box::pin(a::my_dashboard(s)),
                json,
            ),
        );
    p.mutation = p
        .mutation
        .field(
            write(
                "awardPoints",
                TypeRef::named_nn("UserPoints"),
                "Award points (staff: admins; org admins and instructors for learners whose analytics they see, \
                 not themselves). Adds a point transaction; total, level (1 + total / 500), daily streak and \
                 achievements follow. Returns the learner's totals.",
                |w, x: AwardArgs| {
                    let award = a::Award {
                        user_id: x.user_id.map(Into::into),
                        points: x.points.get(),
                        activity_type: x.activity_type,
                        reason: x.reason,
                        metadata: x.metadata,
                    };
                    Box::pin(a::award_points(w, award))
                },
                |m| Ok(row::<entity::user_points::Entity>(m)),
            ),
        )
        .field(
            write(
                "checkAchievements",
                TypeRef::named_nn_list_nn("UserAchievement"),
                "Award the learner every achievement whose criteria they meet and do not hold yet; returns the \
                 new awards (each achievement is awarded once).",
                |w, x: CheckArgs| Box::pin(a::check_achievements(w, x.user_id.map(Into::into))),
                |ms| Ok(rows::<entity::user_achievements::Entity>(ms)),
            ),
        )
        .field(
            write(
                "refreshPredictiveInsight",
                output_type::<a::Insight>(),
                "Compute a predictive insight and store it in the cache for 48 hours (replacing the learner's \
                 entry of that kind).",
                |w, x: InsightArgs| {
                    Box::pin(a::refresh_predictive_insight(w, x.user_id.map(Into::into), x.kind))
                },
                json,
            ),
        )
        .field(
            write(
                "updateMyPreferences",
                TypeRef::named_nn("UserPreferences"),
                "Change your leaderboard privacy, predictive analytics switches and notification settings; \
                 absent fields keep their value, switches and settings merge key by key.",
                |w, x: PreferencesArgs| Box::pin(a::update_my_preferences(w, x.input.into())),
                |m| Ok(row::<entity::user_preferences::Entity>(m)),
            ),
        );
    p
}

fn types() -> Vec<Object> {
    object_types(&[
        a::Leaderboard::OBJECT,
        a::SkillDemand::OBJECT,
        a::Velocity::OBJECT,
        a::Insight::OBJECT,
        a::Dashboard::OBJECT,
    ])
}
