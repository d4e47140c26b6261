//! Seed 004, analytics and gamification (m0006): skills, pace, points,
//! achievements and preferences.

use entity::{
    achievements, daily_activity, learner_velocity_analytics, point_transactions,
    predictive_analytics_cache, skills, user_achievements, user_points, user_preferences,
    user_skills, users,
};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<skills::Entity>(
            "Skill",
            "A skill learners build, by domain and level. Every member of the tenant can read the \
             skill catalog.",
        )
        .root("skills")
        .order([skills::Column::Name])
        .many(
            "userSkills",
            user_skills::Column::SkillId,
            "Learners' mastery of this skill.",
        )
        .doc(skills::Column::Name, "Skill name.")
        .doc(skills::Column::Domain, "Skill domain.")
        .doc(skills::Column::Level, "How advanced the skill is.")
        .doc(skills::Column::CreatedAt, "When the record was created.")
        .into(),
        // No NOT NULL column but the keys: pages are in `id` order.
        decl::<user_skills::Entity>(
            "UserSkill",
            "A learner's mastery of a skill. Learners see their own; instructors, the learners \
             enrolled in their courses; org admins, their organization's members; admins, \
             everyone.",
        )
        .root("userSkills")
        .one::<users::Entity>("user", user_skills::Column::UserId, "The learner.")
        .one::<skills::Entity>("skill", user_skills::Column::SkillId, "The skill.")
        .doc(
            user_skills::Column::UserId,
            "The learner (the UUID of a `User`).",
        )
        .doc(
            user_skills::Column::SkillId,
            "The skill (the UUID of a `Skill`).",
        )
        .doc(user_skills::Column::MasteryLevel, "Mastery, 0–100.")
        .doc(
            user_skills::Column::LastAssessedAt,
            "When mastery was last assessed.",
        )
        .into(),
        decl::<learner_velocity_analytics::Entity>(
            "LearnerVelocity",
            "A learner's cached learning pace and trend (`learnerVelocityReport` computes the \
             current figures). Learners see their own; instructors, the learners enrolled in their \
             courses; org admins, their organization's members; admins, everyone.",
        )
        .root("learnerVelocity")
        .order([learner_velocity_analytics::Column::CalculatedAt])
        .one::<users::Entity>(
            "user",
            learner_velocity_analytics::Column::UserId,
            "The learner.",
        )
        .doc(
            learner_velocity_analytics::Column::UserId,
            "The learner (the UUID of a `User`).",
        )
        .doc(
            learner_velocity_analytics::Column::CurrentPace,
            "Current pace, in topics per week.",
        )
        .doc(
            learner_velocity_analytics::Column::TargetPace,
            "Target pace, in topics per week.",
        )
        .doc(
            learner_velocity_analytics::Column::TrendDirection,
            "Where the learner's pace is heading.",
        )
        .doc(
            learner_velocity_analytics::Column::TrendPercentage,
            "Change of pace, in percent.",
        )
        .doc(
            learner_velocity_analytics::Column::Status,
            "Pace status (free text).",
        )
        .doc(
            learner_velocity_analytics::Column::EstimatedCompletion,
            "Estimated completion date at the current pace.",
        )
        .doc(
            learner_velocity_analytics::Column::ExpiresAt,
            "When the cached value goes stale.",
        )
        .doc(
            learner_velocity_analytics::Column::CalculatedAt,
            "When the value was calculated.",
        )
        .into(),
        decl::<user_points::Entity>(
            "UserPoints",
            "A learner's points, level and streaks in the tenant. Learners see their own; \
             instructors, the learners enrolled in their courses; org admins, their organization's \
             members; admins, everyone.",
        )
        .root("userPoints")
        .order([user_points::Column::UpdatedAt])
        .one::<users::Entity>("user", user_points::Column::UserId, "The learner.")
        .doc(
            user_points::Column::UserId,
            "The learner (the UUID of a `User`); one row per learner in the tenant.",
        )
        .doc(user_points::Column::TotalPoints, "Points accumulated.")
        .doc(user_points::Column::CurrentLevel, "Current level, from 1.")
        .doc(
            user_points::Column::CurrentStreak,
            "Current activity streak (0 or more).",
        )
        .doc(
            user_points::Column::LongestStreak,
            "Longest activity streak (at least currentStreak).",
        )
        .doc(
            user_points::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<point_transactions::Entity>(
            "PointTransaction",
            "Points awarded for one activity; the weekly leaderboard adds them up. Learners see \
             their own; instructors, the learners enrolled in their courses; org admins, their \
             organization's members; admins, everyone.",
        )
        .root("pointTransactions")
        .order([point_transactions::Column::Timestamp])
        .one::<users::Entity>("user", point_transactions::Column::UserId, "The learner.")
        .doc(
            point_transactions::Column::UserId,
            "The learner (the UUID of a `User`).",
        )
        .doc(point_transactions::Column::Points, "Points awarded.")
        .doc(
            point_transactions::Column::ActivityType,
            "The activity that earned them (free text).",
        )
        .doc(
            point_transactions::Column::Metadata,
            "Details of the activity (JSON object).",
        )
        .doc(
            point_transactions::Column::Timestamp,
            "When the points were awarded.",
        )
        .into(),
        decl::<achievements::Entity>(
            "Achievement",
            "An achievement learners can earn, with its tier and criteria. Every member of the \
             tenant can read the achievement catalog.",
        )
        .root("achievements")
        .order([achievements::Column::Name])
        .many(
            "userAchievements",
            user_achievements::Column::AchievementId,
            "Learners who earned this achievement.",
        )
        .doc(
            achievements::Column::Code,
            "Readable key, unique in the tenant (e.g. `week_streak`).",
        )
        .doc(achievements::Column::Name, "Achievement name.")
        .doc(
            achievements::Column::Description,
            "What the achievement is for.",
        )
        .doc(achievements::Column::Icon, "Icon (an emoji).")
        .doc(
            achievements::Column::Tier,
            "How hard the achievement is to earn.",
        )
        .doc(
            achievements::Column::Criteria,
            "What earns it (JSON object).",
        )
        .doc(
            achievements::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<user_achievements::Entity>(
            "UserAchievement",
            "An achievement earned by a learner. Learners see their own; instructors, the \
             learners enrolled in their courses; org admins, their organization's members; admins, \
             everyone.",
        )
        .root("userAchievements")
        .order([user_achievements::Column::EarnedAt])
        .one::<users::Entity>("user", user_achievements::Column::UserId, "The learner.")
        .one::<achievements::Entity>(
            "achievement",
            user_achievements::Column::AchievementId,
            "The achievement.",
        )
        .doc(
            user_achievements::Column::UserId,
            "The learner (the UUID of a `User`).",
        )
        .doc(
            user_achievements::Column::AchievementId,
            "The achievement (the UUID of an `Achievement`).",
        )
        .doc(user_achievements::Column::EarnedAt, "When it was earned.")
        .into(),
        decl::<daily_activity::Entity>(
            "DailyActivity",
            "A day on which a learner was active; consecutive days make a streak. Learners see \
             their own; instructors, the learners enrolled in their courses; org admins, their \
             organization's members; admins, everyone.",
        )
        .root("dailyActivity")
        .order([daily_activity::Column::Date])
        .one::<users::Entity>("user", daily_activity::Column::UserId, "The learner.")
        .doc(
            daily_activity::Column::UserId,
            "The learner (the UUID of a `User`).",
        )
        .doc(
            daily_activity::Column::Date,
            "The day (one row per learner and day).",
        )
        .doc(
            daily_activity::Column::LastActivityAt,
            "The learner's last activity that day.",
        )
        .into(),
        decl::<predictive_analytics_cache::Entity>(
            "PredictiveAnalytics",
            "A cached prediction about a learner: drop-off risk, forecast or recommendations (see \
             `predictiveInsight`). Learners see their own; instructors, the learners enrolled in \
             their courses; org admins, their organization's members; admins, everyone.",
        )
        .root("predictiveAnalytics")
        .order([predictive_analytics_cache::Column::CalculatedAt])
        .one::<users::Entity>(
            "user",
            predictive_analytics_cache::Column::UserId,
            "The learner.",
        )
        .doc(
            predictive_analytics_cache::Column::UserId,
            "The learner (the UUID of a `User`).",
        )
        .doc(
            predictive_analytics_cache::Column::AnalyticsType,
            "The kind of prediction; one row per learner and kind.",
        )
        .doc(
            predictive_analytics_cache::Column::Data,
            "The prediction (JSON object).",
        )
        .doc(
            predictive_analytics_cache::Column::ConfidenceScore,
            "Confidence, 0–100.",
        )
        .doc(
            predictive_analytics_cache::Column::ExpiresAt,
            "When the cached value goes stale.",
        )
        .doc(
            predictive_analytics_cache::Column::CalculatedAt,
            "When the value was calculated.",
        )
        .into(),
        decl::<user_preferences::Entity>(
            "UserPreferences",
            "A learner's leaderboard privacy, predictive analytics and notification preferences \
             in the tenant (change yours with `updateMyPreferences`). Learners see their own; \
             instructors, the learners enrolled in their courses; org admins, their organization's \
             members; admins, everyone.",
        )
        .root("userPreferences")
        .order([user_preferences::Column::UpdatedAt])
        .one::<users::Entity>("user", user_preferences::Column::UserId, "The learner.")
        .doc(
            user_preferences::Column::UserId,
            "The learner (the UUID of a `User`); one row per learner in the tenant.",
        )
        .doc(
            user_preferences::Column::LeaderboardPrivacy,
            "How the learner appears on the leaderboard (default `PUBLIC`).",
        )
        .doc(
            user_preferences::Column::PredictiveAnalyticsEnabled,
            "Which predictions are made for the learner.",
        )
        .doc(
            user_preferences::Column::NotificationPreferences,
            "Notification settings (JSON object).",
        )
        .doc(
            user_preferences::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
    ]
}
