//! Analytics and gamification operations (seed 004): points, achievements,
//! the weekly leaderboard, skill demand, learner velocity, the predictive
//! cache, preferences and the learner dashboard.

use async_graphql::dynamic::{InputObject, InputValue, Object, TypeRef};
use domain::analytics as a;
use serde::Serialize;

use super::{Args, Parts, arg, json, plain, read, row, rows, write};
use crate::error::ApiError;

/// Uuid-valued keys of result objects and the type their global id names.
const ID_KEYS: &[(&str, &str)] = &[
    ("userId", "User"),
    ("skillId", "Skill"),
    ("courseId", "Course"),
    ("enrollmentId", "Enrollment"),
    ("achievementId", "Achievement"),
];

/// Rewrites the uuids under [`ID_KEYS`] to global ids, at any depth.
fn global_ids(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let ty = ID_KEYS.iter().find(|(key, _)| key == k).map(|(_, t)| *t);
                match (ty, x.as_str().and_then(|s| s.parse().ok())) {
                    (Some(ty), Some(id)) => *x = crate::ids::encode(ty, id).into(),
                    _ => global_ids(x),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(global_ids),
        _ => {}
    }
}

/// A domain result as a plain object, its ids global.
fn out<T: Serialize>(v: T) -> Result<async_graphql::dynamic::FieldValue<'static>, ApiError> {
    let mut v = serde_json::to_value(v).map_err(|e| ApiError::internal(e.to_string()))?;
    global_ids(&mut v);
    json(&v)
}

fn user_arg(about: &str) -> InputValue {
    arg(
        "userId",
        TypeRef::named(TypeRef::ID),
        &format!("The learner {about} (a `User` id); default: you."),
    )
}

fn kind_arg() -> InputValue {
    arg(
        "kind",
        TypeRef::named_nn(TypeRef::STRING),
        "drop_off_risk, forecast or recommendations.",
    )
}

fn date(a: &Args<'_>, name: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    a.opt_string(name)?
        .map(|s| {
            chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| ApiError::bad_input(format!("`{name}` must be a date YYYY-MM-DD")))
        })
        .transpose()
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.inputs.extend(inputs());
    p.query = p
        .query
        .field(
            read(
                "weeklyLeaderboard",
                TypeRef::named_nn("WeeklyLeaderboard"),
                "The tenant's learners ranked by points earned in an ISO week. \
                 Learners whose leaderboard privacy is `hidden` are left out; `anonymous` ones are ranked without \
                 name or user. Ties share a rank.",
                |a| Ok((a.opt_string("week")?, a.int_in("first", 1..=100)?.unwrap_or(10) as u32)),
                |s, (week, first)| Box::pin(a::weekly_leaderboard(s, week, first)),
                out,
            )
            .argument(arg("week", TypeRef::named(TypeRef::STRING), "ISO week, e.g. `2026-W47`; default: this week."))
            .argument(arg("first", TypeRef::named(TypeRef::INT), "How many entries, 1–100.").default_value(10)),
        )
        .field(
            read(
                "skillDemand",
                TypeRef::named_nn_list_nn("SkillDemand"),
                "Learners and average mastery per skill and month of assessment, over the user skills \
                 you may read; newest month first.",
                |a| date(a, "month"),
                |s, month| Box::pin(a::skill_demand(s, month)),
                out,
            )
            .argument(arg("month", TypeRef::named("Date"), "Only the month containing this date.")),
        )
        .field(
            read(
                "learnerVelocityReport",
                TypeRef::named_nn("LearnerVelocityReport"),
                "A learner's points and lessons per ISO week over the last weeks, with pace, trend and status \
                 against their target pace.",
                |a| Ok((a.opt_id("userId", "User")?, a.int_in("weeks", 1..=52)?.unwrap_or(4) as u32)),
                |s, (user, weeks)| Box::pin(a::learner_velocity(s, user, weeks)),
                out,
            )
            .argument(user_arg("to report on"))
            .argument(arg("weeks", TypeRef::named(TypeRef::INT), "How many weeks, this one included, 1–52.").default_value(4)),
        )
        .field(
            read(
                "predictiveInsight",
                TypeRef::named_nn("PredictiveInsight"),
                "A predictive insight: the cached entry while it has not expired, else computed afresh \
                 (not stored; see `refreshPredictiveInsight`). FORBIDDEN when the learner turned the kind off.",
                |a| Ok((a.opt_id("userId", "User")?, a.string("kind")?)),
                |s, (user, kind)| Box::pin(a::predictive_insight(s, user, kind)),
                out,
            )
            .argument(user_arg("the insight is about"))
            .argument(kind_arg()),
        )
        .field(
            read(
                "myDashboard",
                TypeRef::named_nn("LearnerDashboard"),
                "Your learner dashboard: enrollments with progress, points, level, streak, this week's points \
                 and achievements, in a fixed number of statements.",
                |_| Ok(()),
                |s, ()| Box::pin(a::my_dashboard(s)),
                out,
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
                |a| {
                    Ok(a::Award {
                        user_id: a.opt_id("userId", "User")?,
                        points: a.int_in("points", 1..=i64::from(a::MAX_AWARD))?.unwrap_or(0),
                        activity_type: a.string("activityType")?,
                        reason: a.opt_string("reason")?,
                        metadata: a.json("metadata")?,
                    })
                },
                |w, award| Box::pin(a::award_points(w, award)),
                |m| Ok(row::<entity::user_points::Entity>(m)),
            )
            .argument(user_arg("to award"))
            .argument(arg("points", TypeRef::named_nn(TypeRef::INT), "Points to award, 1–10000."))
            .argument(arg(
                "activityType",
                TypeRef::named_nn(TypeRef::STRING),
                "What earned them, e.g. `bonus`, `workshop_completed` (a–z, 0–9, _).",
            ))
            .argument(arg("reason", TypeRef::named(TypeRef::STRING), "Why, kept in the transaction's metadata."))
            .argument(arg("metadata", TypeRef::named("JSON"), "More context for the transaction (an object).")),
        )
        .field(
            write(
                "checkAchievements",
                TypeRef::named_nn_list_nn("UserAchievement"),
                "Award the learner every achievement whose criteria they meet and do not hold yet; returns the \
                 new awards (each achievement is awarded once).",
                |a| a.opt_id("userId", "User"),
                |w, user| Box::pin(a::check_achievements(w, user)),
                |ms| Ok(rows::<entity::user_achievements::Entity>(ms)),
            )
            .argument(user_arg("to check")),
        )
        .field(
            write(
                "refreshPredictiveInsight",
                TypeRef::named_nn("PredictiveInsight"),
                "Compute a predictive insight and store it in the cache for 48 hours (replacing the learner's \
                 entry of that kind).",
                |a| Ok((a.opt_id("userId", "User")?, a.string("kind")?)),
                |w, (user, kind)| Box::pin(a::refresh_predictive_insight(w, user, kind)),
                out,
            )
            .argument(user_arg("the insight is about"))
            .argument(kind_arg()),
        )
        .field(
            write(
                "updateMyPreferences",
                TypeRef::named_nn("UserPreferences"),
                "Change your leaderboard privacy, predictive analytics switches and notification settings; \
                 absent fields keep their value, switches and settings merge key by key.",
                |a| a.input::<a::PreferencesInput>("input"),
                |w, input| Box::pin(a::update_my_preferences(w, input)),
                |m| Ok(row::<entity::user_preferences::Entity>(m)),
            )
            .argument(arg("input", TypeRef::named_nn("PreferencesInput"), "The preferences to change.")),
        );
    p
}

fn inputs() -> Vec<InputObject> {
    let boolean =
        |name, doc| InputValue::new(name, TypeRef::named(TypeRef::BOOLEAN)).description(doc);
    vec![
        InputObject::new("PredictiveSwitchesInput")
            .description("Which predictive analytics may be computed about you.")
            .field(boolean("dropOffRisk", "Drop-off risk."))
            .field(boolean("forecasting", "Completion forecasts."))
            .field(boolean("recommendations", "Recommendations.")),
        InputObject::new("PreferencesInput")
            .description("Preferences to change; absent fields keep their value.")
            .field(
                InputValue::new("leaderboardPrivacy", TypeRef::named(TypeRef::STRING)).description(
                    "public (named), anonymous (ranked without name) or hidden (left out).",
                ),
            )
            .field(
                InputValue::new(
                    "predictiveAnalyticsEnabled",
                    TypeRef::named("PredictiveSwitchesInput"),
                )
                .description("Switches to change."),
            )
            .field(
                InputValue::new("notificationPreferences", TypeRef::named("JSON"))
                    .description("Settings to change: an object of at most 20 keys to true/false."),
            ),
    ]
}

fn types() -> Vec<Object> {
    let int = |name, doc| (name, TypeRef::named_nn(TypeRef::INT), doc);
    let id = |name, doc| (name, TypeRef::named_nn(TypeRef::ID), doc);
    let datetime = |name, doc| (name, TypeRef::named_nn("DateTime"), doc);
    vec![
        plain(
            "WeeklyLeaderboard",
            "One ISO week's leaderboard.",
            &[
                (
                    "week",
                    TypeRef::named_nn(TypeRef::STRING),
                    "The ISO week, e.g. `2026-W47`.",
                ),
                ("weekStart", TypeRef::named_nn("Date"), "Its Monday (UTC)."),
                (
                    "entries",
                    TypeRef::named_nn_list_nn("LeaderboardEntry"),
                    "Best first.",
                ),
            ],
        ),
        plain(
            "LeaderboardEntry",
            "A learner's place on a weekly leaderboard.",
            &[
                int("rank", "1 + the number of learners with more points."),
                int("weeklyPoints", "Points earned that week."),
                (
                    "userId",
                    TypeRef::named(TypeRef::ID),
                    "The learner (a `User` id); null when anonymous.",
                ),
                (
                    "name",
                    TypeRef::named(TypeRef::STRING),
                    "The learner's name; null when anonymous.",
                ),
                (
                    "anonymous",
                    TypeRef::named_nn(TypeRef::BOOLEAN),
                    "The learner chose to appear anonymously.",
                ),
                (
                    "isMe",
                    TypeRef::named_nn(TypeRef::BOOLEAN),
                    "This is your own entry.",
                ),
            ],
        ),
        plain(
            "SkillDemand",
            "Learners and mastery of one skill in one month.",
            &[
                id("skillId", "The skill (a `Skill` id)."),
                (
                    "skillName",
                    TypeRef::named_nn(TypeRef::STRING),
                    "The skill's name.",
                ),
                (
                    "month",
                    TypeRef::named_nn("Date"),
                    "First day of the month of assessment (UTC).",
                ),
                int("learnerCount", "Distinct learners assessed."),
                (
                    "avgMastery",
                    TypeRef::named(TypeRef::FLOAT),
                    "Average mastery, 0–100.",
                ),
            ],
        ),
        plain(
            "LearnerVelocityReport",
            "A learner's pace over recent weeks.",
            &[
                id("userId", "The learner (a `User` id)."),
                (
                    "weeks",
                    TypeRef::named_nn_list_nn("VelocityWeek"),
                    "One entry per ISO week, oldest first.",
                ),
                (
                    "currentPace",
                    TypeRef::named_nn(TypeRef::FLOAT),
                    "Lessons completed per week.",
                ),
                (
                    "targetPace",
                    TypeRef::named(TypeRef::FLOAT),
                    "Target lessons per week, from the latest velocity analytics.",
                ),
                (
                    "trendDirection",
                    TypeRef::named_nn(TypeRef::STRING),
                    "accelerating, stable or declining: points of the later half of the weeks against the earlier half (±10%).",
                ),
                (
                    "trendPercentage",
                    TypeRef::named_nn(TypeRef::FLOAT),
                    "That change in percent.",
                ),
                (
                    "status",
                    TypeRef::named(TypeRef::STRING),
                    "ahead (pace ≥ 110% of target), on_track (≥ 80%) or at_risk; null without a target.",
                ),
            ],
        ),
        plain(
            "VelocityWeek",
            "One ISO week of a learner's activity.",
            &[
                (
                    "weekStart",
                    TypeRef::named_nn("Date"),
                    "The week's Monday (UTC).",
                ),
                int("points", "Points earned."),
                int("lessons", "Lessons completed."),
                int("activities", "Point transactions recorded."),
            ],
        ),
        plain(
            "PredictiveInsight",
            "A prediction about a learner (drop-off risk, forecast or recommendations), as cached in \
             `PredictiveAnalytics`.",
            &[
                id("userId", "The learner (a `User` id)."),
                (
                    "kind",
                    TypeRef::named_nn(TypeRef::STRING),
                    "drop_off_risk, forecast or recommendations.",
                ),
                ("data", TypeRef::named_nn("JSON"), "The insight."),
                (
                    "confidenceScore",
                    TypeRef::named_nn(TypeRef::FLOAT),
                    "Confidence, 0–100.",
                ),
                datetime("calculatedAt", "When it was computed."),
                (
                    "expiresAt",
                    TypeRef::named("DateTime"),
                    "When the cached entry expires.",
                ),
                (
                    "cached",
                    TypeRef::named_nn(TypeRef::BOOLEAN),
                    "Served from an unexpired cache entry.",
                ),
            ],
        ),
        plain(
            "LearnerDashboard",
            "The caller's learning at a glance.",
            &[
                id("userId", "You (a `User` id)."),
                int("totalPoints", "All points earned."),
                int("level", "1 + total points / 500."),
                int(
                    "pointsToNextLevel",
                    "Points still needed for the next level.",
                ),
                int(
                    "currentStreak",
                    "Consecutive days with activity up to today or yesterday; 0 once broken.",
                ),
                int("longestStreak", "The longest streak so far."),
                (
                    "lastActiveOn",
                    TypeRef::named("Date"),
                    "The last day with activity (UTC).",
                ),
                int("weeklyPoints", "Points earned this ISO week."),
                (
                    "enrollments",
                    TypeRef::named_nn_list_nn("DashboardEnrollment"),
                    "Your enrollments, newest first.",
                ),
                (
                    "achievements",
                    TypeRef::named_nn_list_nn("DashboardAchievement"),
                    "Your achievements, oldest first.",
                ),
            ],
        ),
        plain(
            "DashboardEnrollment",
            "An enrollment on the dashboard.",
            &[
                id("enrollmentId", "The enrollment (an `Enrollment` id)."),
                id("courseId", "The course (a `Course` id)."),
                (
                    "courseTitle",
                    TypeRef::named_nn(TypeRef::STRING),
                    "The course's title.",
                ),
                (
                    "progressPercent",
                    TypeRef::named_nn(TypeRef::FLOAT),
                    "Progress, 0–100.",
                ),
                datetime("enrolledAt", "When you enrolled."),
                (
                    "completedAt",
                    TypeRef::named("DateTime"),
                    "When you completed the course.",
                ),
            ],
        ),
        plain(
            "DashboardAchievement",
            "An achievement on the dashboard.",
            &[
                id("achievementId", "The achievement (an `Achievement` id)."),
                (
                    "code",
                    TypeRef::named_nn(TypeRef::STRING),
                    "Its code, e.g. `week_streak`.",
                ),
                ("name", TypeRef::named_nn(TypeRef::STRING), "Its name."),
                ("icon", TypeRef::named(TypeRef::STRING), "Its icon."),
                (
                    "tier",
                    TypeRef::named(TypeRef::STRING),
                    "beginner, intermediate, advanced or elite.",
                ),
                datetime("earnedAt", "When you earned it."),
            ],
        ),
    ]
}
