//! Learning analytics and gamification (seed 004): point transactions feed
//! the learner's totals, level and daily streak; achievements follow from
//! their criteria; the weekly leaderboard honours each learner's
//! `leaderboard_privacy`; skill demand, learner velocity, the predictive
//! cache, preferences and the learner dashboard.
//!
//! Counters change by atomic incremental `UPDATE`s and once-only effects
//! (first activity of a day, an achievement) are gated by a unique key
//! (`INSERT … ON CONFLICT DO NOTHING`), so they stay exact under concurrent
//! requests on both backends.

use auth::policy;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use entity::{
    achievements, courses, daily_activity, enrollments,
    enums::{AchievementTier, LeaderboardPrivacy, PredictiveKind, TrendDirection, VelocityStatus},
    learner_velocity_analytics as velocity, point_transactions as tx,
    predictive_analytics_cache as cache, skills, user_achievements, user_points,
    user_preferences as prefs, user_roles, user_skills, users,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, Order, QueryOrder, QuerySelect,
    prelude::Decimal,
    sea_query::{Alias, Expr, ExprTrait, Func, Query},
};
use serde_json::{Value as Json, json};
use store::{NoticeKind, Reader, Scope, Topic, Write};
use uuid::Uuid;

use crate::{DomainError, Result, now, rules::signed_in};

/// Points per level: level = 1 + total points / 500 (the demo data's rule;
/// seed 004 gives `current_level` a default of 1 and no formula).
pub const POINTS_PER_LEVEL: i32 = 500;
/// Most points one award may grant.
pub const MAX_AWARD: i32 = 10_000;
/// Points for passing a quiz for the first time (as in the demo data).
pub const QUIZ_PASSED_POINTS: i32 = 100;
/// Seed 004, data retention: "Predictive cache: 48 hours".
pub const PREDICTIVE_TTL_HOURS: i64 = 48;

pub fn level_for(total_points: i32) -> i32 {
    1 + Ord::max(total_points, 0) / POINTS_PER_LEVEL
}

/// A learner's `user_points` row as its sources determine it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub total_points: i32,
    pub current_level: i32,
    pub current_streak: i32,
    pub longest_streak: i32,
}

/// The totals of a learner's point transactions (`points`) and active
/// days (`days`, the `daily_activity` dates, in any order): the sum, its
/// [`level_for`], and the streaks [`record`] keeps one activity at a time —
/// the current streak is the run of consecutive days ending at the latest
/// active day (it moves on, or restarts at 1, with the next day's first
/// activity), the longest is the longest such run.
pub fn totals(points: impl IntoIterator<Item = i32>, days: &[NaiveDate]) -> Totals {
    let total_points = points.into_iter().sum();
    let mut days = days.to_vec();
    days.sort_unstable();
    days.dedup();
    let (mut run, mut longest) = (0, 0);
    for (i, d) in days.iter().enumerate() {
        let follows = i > 0 && days[i - 1] + Duration::days(1) == *d;
        run = if follows { run + 1 } else { 1 };
        longest = Ord::max(longest, run);
    }
    Totals {
        total_points,
        current_level: level_for(total_points),
        current_streak: run,
        longest_streak: longest,
    }
}

/// The learner an analytics operation is about: the caller when `user_id`
/// is absent, else a member whose analytics the caller may read by seed
/// 004's rules (own, trainers' students, org admins' organization, admin).
/// A user the caller cannot see at all is `NotFound`; one they can see but
/// whose analytics are not theirs to read is `Forbidden`.
async fn subject(r: &impl Reader, user_id: Option<Uuid>) -> Result<Uuid> {
    let me = signed_in(r.principal(), "see analytics")?;
    let Some(id) = user_id.filter(|id| *id != me) else {
        return Ok(me);
    };
    if in_analytics_scope(r, id).await? {
        return Ok(id);
    }
    let visible = r
        .select::<users::Entity>()
        .filter(users::Column::Id.eq(id))
        .count()
        .await?;
    Err(if visible > 0 {
        DomainError::Forbidden("this learner's analytics are not yours to see".into())
    } else {
        DomainError::NotFound("user")
    })
}

/// Whether `user` is a member of the tenant whose analytics the caller may
/// read. The analytics read rules are conditions on a `user_id` column, so
/// they are evaluated on the user's memberships.
async fn in_analytics_scope(r: &impl Reader, user: Uuid) -> Result<bool> {
    let n = r
        .select_unrestricted::<user_roles::Entity>()
        .filter(user_roles::Column::UserId.eq(user))
        .filter(policy::read_filter("user_points", r.principal()))
        .count()
        .await?;
    Ok(n > 0)
}

// ---------------------------------------------------------------------
// Points, levels, streaks
// ---------------------------------------------------------------------

/// A staff award of points.
pub struct Award {
    pub user_id: Option<Uuid>,
    pub points: i32,
    pub activity_type: String,
    pub reason: Option<String>,
    pub metadata: Option<Json>,
}

/// `awardPoints`: staff (admins; org admins and instructors for the
/// learners whose analytics they see, not themselves) grant points.
pub async fn award_points(w: &Write, a: Award) -> Result<user_points::Model> {
    if !(1..=MAX_AWARD).contains(&a.points) {
        return Err(DomainError::BadInput(format!(
            "points must be 1–{MAX_AWARD}"
        )));
    }
    let activity = a.activity_type.trim();
    if activity.is_empty()
        || activity.len() > 50
        || !activity
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(DomainError::BadInput(
            "activityType must be 1–50 characters of a–z, 0–9 and _".into(),
        ));
    }
    if a.reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(DomainError::BadInput(
            "reason must be at most 500 characters".into(),
        ));
    }
    let mut metadata = match a.metadata {
        None => serde_json::Map::new(),
        Some(Json::Object(m)) => m,
        Some(_) => return Err(DomainError::BadInput("metadata must be an object".into())),
    };
    let user = subject(w, a.user_id).await?;
    let p = w.principal();
    let me = signed_in(w.principal(), "award points")?;
    if !policy::is_staff_or_org_admin(p) || (user == me && !policy::is_admin(p)) {
        return Err(DomainError::Forbidden(
            "only staff award points, and not to themselves".into(),
        ));
    }
    if let Some(reason) = a.reason {
        metadata.insert("reason".into(), Json::String(reason));
    }
    metadata.insert("awarded_by".into(), Json::String(me.to_string()));
    record(w, user, a.points, activity, Some(Json::Object(metadata))).await?;
    points_of(w, user).await
}

async fn points_of(r: &impl Reader, user: Uuid) -> Result<user_points::Model> {
    r.select_unrestricted::<user_points::Entity>()
        .filter(user_points::Column::UserId.eq(user))
        .one()
        .await?
        .ok_or(DomainError::NotFound("points"))
}

/// Records `points` for `user`'s `activity` (the system entry point: the
/// caller vouches that the activity happened): a point transaction, the
/// totals and level, the day's activity and streak, then any achievements
/// now earned (returned).
pub async fn record(
    w: &Write,
    user: Uuid,
    points: i32,
    activity: &str,
    metadata: Option<Json>,
) -> Result<Vec<user_achievements::Model>> {
    let at = now();
    let today = at.date_naive();
    w.publish(Topic::Points).await?;
    w.insert(tx::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user),
        points: Set(points),
        activity_type: Set(activity.to_owned()),
        metadata: Set(metadata),
        timestamp: Set(at),
        ..Default::default()
    })
    .await?;
    w.insert_or_ignore(
        user_points::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user),
            total_points: Set(0),
            current_level: Set(1),
            current_streak: Set(0),
            longest_streak: Set(0),
            updated_at: Set(at),
            ..Default::default()
        },
        [user_points::Column::UserId],
    )
    .await?;
    // The day's first activity (exactly one request wins the unique key)
    // moves the streak: on from yesterday, or a new streak of one.
    let first_today = w
        .insert_or_ignore(
            daily_activity::ActiveModel {
                id: Set(Uuid::new_v4()),
                user_id: Set(user),
                date: Set(today),
                last_activity_at: Set(at),
                ..Default::default()
            },
            [daily_activity::Column::UserId, daily_activity::Column::Date],
        )
        .await?;
    if !first_today {
        w.update::<daily_activity::Entity>(
            vec![(daily_activity::Column::LastActivityAt, Expr::val(at))],
            Condition::all()
                .add(daily_activity::Column::UserId.eq(user))
                .add(daily_activity::Column::Date.eq(today)),
        )
        .await?;
    }
    use user_points::Column as P;
    let total = Expr::col(P::TotalPoints).add(points);
    let mut set = vec![
        (P::TotalPoints, total.clone()),
        (P::CurrentLevel, total.div(POINTS_PER_LEVEL).add(1)),
        (P::UpdatedAt, Expr::val(at)),
    ];
    if first_today {
        let yesterday = w
            .select_unrestricted::<daily_activity::Entity>()
            .filter(daily_activity::Column::UserId.eq(user))
            .filter(daily_activity::Column::Date.eq(today - Duration::days(1)))
            .count()
            .await?
            > 0;
        let streak = if yesterday {
            Expr::col(P::CurrentStreak).add(1)
        } else {
            Expr::val(1)
        };
        set.push((P::CurrentStreak, streak.clone()));
        set.push((
            P::LongestStreak,
            Func::greatest([Expr::col(P::LongestStreak), streak]).into(),
        ));
    }
    w.update::<user_points::Entity>(set, Condition::all().add(P::UserId.eq(user)))
        .await?;
    award_achievements(w, user).await
}

// ---------------------------------------------------------------------
// Achievements
// ---------------------------------------------------------------------

#[derive(Debug, sea_orm::FromQueryResult)]
struct ActivityCount {
    activity_type: String,
    n: i64,
}

/// The activity counted by a count criterion (`{"type": …, "threshold": n}`).
fn counted_activity(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "lessons_completed" => "lesson_completed",
        "quizzes_passed" => "quiz_passed",
        "workshops_completed" => "workshop_completed",
        "courses_completed" => "course_completed",
        "assessments_completed" => "assessment_completed",
        _ => return None,
    })
}

/// Whether `criteria` is met. Kinds: `points_total`, `streak_days`
/// (longest streak, so a streak once reached counts), `level`, and counts
/// of recorded activities (`lessons_completed`, `quizzes_passed`,
/// `workshops_completed`, `courses_completed`, `assessments_completed`).
/// Unknown kinds are never met.
fn met(criteria: &Json, totals: &user_points::Model, counts: &[ActivityCount]) -> bool {
    let Some(threshold) = criteria.get("threshold").and_then(Json::as_i64) else {
        return false;
    };
    let kind = criteria.get("type").and_then(Json::as_str).unwrap_or("");
    let value = match kind {
        "points_total" => i64::from(totals.total_points),
        "streak_days" => i64::from(totals.longest_streak),
        "level" => i64::from(totals.current_level),
        other => match counted_activity(other) {
            Some(a) => counts
                .iter()
                .find(|c| c.activity_type == a)
                .map_or(0, |c| c.n),
            None => return false,
        },
    };
    value >= threshold
}

/// Awards `user` every achievement whose criteria are met and that they do
/// not hold yet; returns the new ones. The unique (user, achievement) key
/// makes an award happen once even when two requests race.
async fn award_achievements(w: &Write, user: Uuid) -> Result<Vec<user_achievements::Model>> {
    let Some(totals) = w
        .select_unrestricted::<user_points::Entity>()
        .filter(user_points::Column::UserId.eq(user))
        .one()
        .await?
    else {
        return Ok(vec![]);
    };
    let held: Vec<Uuid> = w
        .select_unrestricted::<user_achievements::Entity>()
        .filter(user_achievements::Column::UserId.eq(user))
        .all()
        .await?
        .into_iter()
        .map(|a| a.achievement_id)
        .collect();
    let open: Vec<achievements::Model> = w
        .select_unrestricted::<achievements::Entity>()
        .all()
        .await?
        .into_iter()
        .filter(|a| !held.contains(&a.id))
        .collect();
    if open.is_empty() {
        return Ok(vec![]);
    }
    let counts: Vec<ActivityCount> = w
        .select_unrestricted::<tx::Entity>()
        .filter(tx::Column::UserId.eq(user))
        .project(|s| {
            s.select_only()
                .column(tx::Column::ActivityType)
                .column_as(Expr::col(tx::Column::Id).count(), "n")
                .group_by(tx::Column::ActivityType)
        })
        .await?;
    let at = now();
    let mut earned = vec![];
    for a in open.iter().filter(|a| met(&a.criteria, &totals, &counts)) {
        let row = user_achievements::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user),
            achievement_id: Set(a.id),
            earned_at: Set(at),
            ..Default::default()
        };
        let inserted = w
            .insert_or_ignore(
                row,
                [
                    user_achievements::Column::UserId,
                    user_achievements::Column::AchievementId,
                ],
            )
            .await?;
        if inserted {
            earned.extend(
                w.select_unrestricted::<user_achievements::Entity>()
                    .filter(user_achievements::Column::UserId.eq(user))
                    .filter(user_achievements::Column::AchievementId.eq(a.id))
                    .one()
                    .await?,
            );
        }
    }
    for e in &earned {
        w.publish(Topic::Notice {
            user,
            kind: NoticeKind::AchievementEarned,
            id: e.id,
        })
        .await?;
    }
    Ok(earned)
}

/// `checkAchievements`: awards the learner (default the caller) whatever
/// they have earned and not yet received; returns the new awards.
pub async fn check_achievements(
    w: &Write,
    user_id: Option<Uuid>,
) -> Result<Vec<user_achievements::Model>> {
    let user = subject(w, user_id).await?;
    award_achievements(w, user).await
}

// ---------------------------------------------------------------------
// Weekly leaderboard
// ---------------------------------------------------------------------

/// The Monday starting ISO week `week` ("2026-W47"), default this week.
pub fn week_start(week: Option<&str>) -> Result<NaiveDate> {
    let bad = || DomainError::BadInput("week must be an ISO week like 2026-W47".into());
    match week {
        None => Ok(monday_of(chrono::Utc::now().date_naive())),
        Some(w) => {
            let (y, n) = w.trim().split_once("-W").ok_or_else(bad)?;
            let (y, n) = (
                y.parse::<i32>().map_err(|_| bad())?,
                n.parse::<u32>().map_err(|_| bad())?,
            );
            NaiveDate::from_isoywd_opt(y, n, Weekday::Mon).ok_or_else(bad)
        }
    }
}

/// The Monday that starts `d`'s ISO week (weeks start on Monday).
fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn midnight(d: NaiveDate) -> sea_orm::prelude::DateTimeWithTimeZone {
    d.and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .fixed_offset()
}

shape::output_object! {
    /// A learner's place on a weekly leaderboard.
    pub struct LeaderboardEntry {
        /// 1 + the number of learners with more points.
        pub rank: i64,
        /// Points earned that week.
        pub weekly_points: i64,
        /// The learner (a `User` id); null when anonymous.
        #[id = "User"]
        pub user_id: Option<Uuid>,
        /// The learner's name; null when anonymous.
        pub name: Option<String>,
        /// The learner chose to appear anonymously.
        pub anonymous: bool,
        /// This is your own entry.
        pub is_me: bool,
    }
}

shape::output_object! {
    /// One ISO week's leaderboard.
    #[name = "WeeklyLeaderboard"]
    pub struct Leaderboard {
        /// The ISO week, e.g. `2026-W47`.
        pub week: String,
        /// Its Monday (UTC).
        pub week_start: NaiveDate,
        /// Best first.
        pub entries: Vec<LeaderboardEntry>,
    }
}

/// A ranked learner with their name and whether they rank anonymously.
#[derive(Debug, sea_orm::FromQueryResult, serde::Deserialize)]
struct WeeklyPoints {
    user_id: Uuid,
    weekly_points: i64,
    full_name: Option<String>,
    anonymous: bool,
}

/// `weeklyLeaderboard`: the tenant's learners ranked by points earned in an
/// ISO week (seed 004's `leaderboard_weekly`, for any week). Learners whose
/// `leaderboard_privacy` is `hidden` are left out before ranking;
/// `anonymous` ones keep their place without name or user. One GROUP BY
/// statement ranks; two more fetch privacy and names of the page.
pub async fn weekly_leaderboard(
    s: &Scope,
    week: Option<String>,
    first: u32,
) -> Result<Leaderboard> {
    let me = signed_in(s.principal(), "see the leaderboard")?;
    if !(1..=100).contains(&first) {
        return Err(DomainError::BadInput("first must be 1–100".into()));
    }
    let start = week_start(week.as_deref())?;
    let hidden = Query::select()
        .column(prefs::Column::UserId)
        .from(prefs::Entity)
        .and_where(prefs::Column::TenantId.eq(s.tenant_id()))
        .and_where(prefs::Column::LeaderboardPrivacy.eq(LeaderboardPrivacy::Hidden.as_str()))
        .to_owned();
    let sum = Expr::col(tx::Column::Points).sum();
    let ranking = s
        .select_unrestricted::<tx::Entity>()
        .filter(tx::Column::Timestamp.gte(midnight(start)))
        .filter(tx::Column::Timestamp.lt(midnight(start + Duration::days(7))))
        .filter(tx::Column::UserId.not_in_subquery(hidden))
        .shaped(|q| {
            q.select_only()
                .column(tx::Column::UserId)
                .column_as(sum.clone(), "weekly_points")
                .group_by(tx::Column::UserId)
                .order_by(sum, Order::Desc)
                .order_by(tx::Column::UserId, Order::Asc)
                .limit(u64::from(first))
        });
    // One statement: the ranking, then for the ranked learners only their
    // name and whether they rank anonymously (correlated subqueries).
    let r = Alias::new("ranked");
    let (user_id, points) = (Alias::new("user_id"), Alias::new("weekly_points"));
    let ranked_user = || Expr::col((r.clone(), user_id.clone()));
    let name = s
        .select_unrestricted::<users::Entity>()
        .filter(Expr::col((users::Entity, users::Column::Id)).eq(ranked_user()))
        .column(users::Column::FullName);
    let anonymous = s
        .select_unrestricted::<prefs::Entity>()
        .filter(Expr::col((prefs::Entity, prefs::Column::UserId)).eq(ranked_user()))
        .filter(prefs::Column::LeaderboardPrivacy.eq(LeaderboardPrivacy::Anonymous.as_str()))
        .column(prefs::Column::Id);
    let mut b = s.batch();
    let ranked = b.read::<WeeklyPoints>(
        Query::select()
            .column((r.clone(), user_id.clone()))
            .column((r.clone(), points.clone()))
            .expr_as(
                Expr::SubQuery(None, Box::new(name.into())),
                Alias::new("full_name"),
            )
            .expr_as(Expr::exists(anonymous), Alias::new("anonymous"))
            .from_subquery(ranking, r.clone())
            .order_by((r.clone(), points), Order::Desc)
            .order_by((r, user_id), Order::Asc)
            .to_owned(),
    );
    let ranked = b.run().await?.take(ranked)?;
    let mut entries: Vec<LeaderboardEntry> = Vec::with_capacity(ranked.len());
    for (i, r) in ranked.iter().enumerate() {
        let rank = match entries.last() {
            Some(prev) if prev.weekly_points == r.weekly_points => prev.rank,
            _ => i as i64 + 1,
        };
        let hide = r.anonymous;
        entries.push(LeaderboardEntry {
            rank,
            weekly_points: r.weekly_points,
            user_id: (!hide).then_some(r.user_id),
            name: if hide { None } else { r.full_name.clone() },
            anonymous: hide,
            is_me: r.user_id == me,
        });
    }
    let iso = start.iso_week();
    Ok(Leaderboard {
        week: format!("{}-W{:02}", iso.year(), iso.week()),
        week_start: start,
        entries,
    })
}

// ---------------------------------------------------------------------
// Skill demand
// ---------------------------------------------------------------------

shape::output_object! {
    /// Learners and mastery of one skill in one month.
    pub struct SkillDemand {
        /// The skill (a `Skill` id).
        #[id = "Skill"]
        pub skill_id: Uuid,
        /// The skill's name.
        pub skill_name: String,
        /// First day of the month of assessment (UTC).
        pub month: NaiveDate,
        /// Distinct learners assessed.
        pub learner_count: i64,
        /// Average mastery, 0–100.
        pub avg_mastery: Option<f64>,
    }
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct DemandRow {
    skill_id: Uuid,
    month: String,
    learner_count: i64,
    avg_mastery: Option<f64>,
}

/// `skillDemand`: seed 004's `skill_demand_aggregates` (learners and
/// average mastery per skill and month of assessment), over the user
/// skills the caller may read, as the view does with `security_invoker`:
/// admins the tenant, org admins their organization, instructors their
/// students, learners themselves. `month` narrows to one month.
pub async fn skill_demand(s: &Scope, month: Option<NaiveDate>) -> Result<Vec<SkillDemand>> {
    use user_skills::Column as U;
    let month_sql = match s.backend() {
        sea_orm::DbBackend::Postgres => "to_char(last_assessed_at AT TIME ZONE 'UTC', 'YYYY-MM')",
        _ => "strftime('%Y-%m', last_assessed_at)",
    };
    let avg_sql = "CAST(AVG(mastery_level) AS DOUBLE PRECISION)";
    let mut q = s
        .select::<user_skills::Entity>()
        .filter(U::LastAssessedAt.is_not_null());
    if let Some(m) = month {
        let first = m.with_day(1).unwrap_or(m);
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first);
        q = q
            .filter(U::LastAssessedAt.gte(midnight(first)))
            .filter(U::LastAssessedAt.lt(midnight(next)));
    }
    let rows: Vec<DemandRow> = q
        .project(|q| {
            q.select_only()
                .column(U::SkillId)
                .column_as(Expr::cust(month_sql), "month")
                .column_as(Expr::col(U::UserId).count_distinct(), "learner_count")
                .column_as(Expr::cust(avg_sql), "avg_mastery")
                .group_by(U::SkillId)
                .group_by(Expr::cust(month_sql))
        })
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.skill_id).collect();
    let names = s
        .select::<skills::Entity>()
        .filter(skills::Column::Id.is_in(ids))
        .all()
        .await?;
    let mut out: Vec<SkillDemand> = rows
        .into_iter()
        .filter_map(|r| {
            let month = NaiveDate::parse_from_str(&format!("{}-01", r.month), "%Y-%m-%d").ok()?;
            let name = names.iter().find(|n| n.id == r.skill_id)?.name.clone();
            Some(SkillDemand {
                skill_id: r.skill_id,
                skill_name: name,
                month,
                learner_count: r.learner_count,
                avg_mastery: r.avg_mastery.map(|a| (a * 100.0).round() / 100.0),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.month
            .cmp(&a.month)
            .then(b.learner_count.cmp(&a.learner_count))
            .then(a.skill_name.cmp(&b.skill_name))
    });
    Ok(out)
}

// ---------------------------------------------------------------------
// Learner velocity
// ---------------------------------------------------------------------

shape::output_object! {
    /// One ISO week of a learner's activity.
    pub struct VelocityWeek {
        /// The week's Monday (UTC).
        pub week_start: NaiveDate,
        /// Points earned.
        pub points: i64,
        /// Lessons completed.
        pub lessons: i64,
        /// Point transactions recorded.
        pub activities: i64,
    }
}

// `current_pace` is seed 004's topics/week; `target_pace` comes from the
// learner's latest `learner_velocity_analytics` row.
shape::output_object! {
    /// A learner's pace over recent weeks.
    #[name = "LearnerVelocityReport"]
    pub struct Velocity {
        /// The learner (a `User` id).
        #[id = "User"]
        pub user_id: Uuid,
        /// One entry per ISO week, oldest first.
        pub weeks: Vec<VelocityWeek>,
        /// Lessons completed per week.
        pub current_pace: f64,
        /// Target lessons per week, from the latest velocity analytics.
        pub target_pace: Option<f64>,
        /// Points of the later half of the weeks against the earlier half (±10%).
        pub trend_direction: TrendDirection,
        /// That change in percent.
        pub trend_percentage: f64,
        /// Pace against target: ahead at 110% or more, on track at 80% or more; null without a target.
        pub status: Option<VelocityStatus>,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn decimal_f64(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}

/// `learnerVelocity`: a learner's points and lessons per ISO week over the
/// last `weeks` weeks (this one included), pace, trend and status.
pub async fn learner_velocity(s: &Scope, user_id: Option<Uuid>, weeks: u32) -> Result<Velocity> {
    if !(1..=52).contains(&weeks) {
        return Err(DomainError::BadInput("weeks must be 1–52".into()));
    }
    let user = subject(s, user_id).await?;
    let this_week = week_start(None)?;
    let first = this_week - Duration::weeks(i64::from(weeks) - 1);
    let txs = s
        .select_unrestricted::<tx::Entity>()
        .filter(tx::Column::UserId.eq(user))
        .filter(tx::Column::Timestamp.gte(midnight(first)))
        .all()
        .await?;
    let mut series: Vec<VelocityWeek> = (0..weeks)
        .map(|i| VelocityWeek {
            week_start: first + Duration::weeks(i64::from(i)),
            points: 0,
            lessons: 0,
            activities: 0,
        })
        .collect();
    for t in &txs {
        let days = (t.timestamp.naive_utc().date() - first).num_days();
        if let Some(w) = usize::try_from(days / 7)
            .ok()
            .and_then(|i| series.get_mut(i))
        {
            w.points += i64::from(t.points);
            w.activities += 1;
            w.lessons += i64::from(t.activity_type == "lesson_completed");
        }
    }
    let n = series.len() as f64;
    let current_pace = round2(series.iter().map(|w| w.lessons as f64).sum::<f64>() / n);
    let half = series.len() / 2;
    let mean = |ws: &[VelocityWeek]| {
        if ws.is_empty() {
            0.0
        } else {
            ws.iter().map(|w| w.points as f64).sum::<f64>() / ws.len() as f64
        }
    };
    let (earlier, later) = (mean(&series[..half]), mean(&series[half..]));
    let trend_percentage = if half == 0 {
        0.0
    } else if earlier > 0.0 {
        round2((later - earlier) / earlier * 100.0)
    } else if later > 0.0 {
        100.0
    } else {
        0.0
    };
    let trend_direction = match trend_percentage {
        t if t > 10.0 => TrendDirection::Accelerating,
        t if t < -10.0 => TrendDirection::Declining,
        _ => TrendDirection::Stable,
    };
    let target_pace = s
        .select_unrestricted::<velocity::Entity>()
        .filter(velocity::Column::UserId.eq(user))
        .order_by(velocity::Column::CalculatedAt, Order::Desc)
        .one()
        .await?
        .and_then(|v| v.target_pace)
        .map(decimal_f64);
    let status = target_pace
        .filter(|t| *t > 0.0)
        .map(|t| match current_pace / t {
            r if r >= 1.1 => VelocityStatus::Ahead,
            r if r >= 0.8 => VelocityStatus::OnTrack,
            _ => VelocityStatus::AtRisk,
        });
    Ok(Velocity {
        user_id: user,
        weeks: series,
        current_pace,
        target_pace,
        trend_direction,
        trend_percentage,
        status,
    })
}

// ---------------------------------------------------------------------
// Predictive analytics cache
// ---------------------------------------------------------------------

shape::output_object! {
    /// A prediction about a learner (drop-off risk, forecast or recommendations), as cached in
    /// `PredictiveAnalytics`.
    #[name = "PredictiveInsight"]
    pub struct Insight {
        /// The learner (a `User` id).
        #[id = "User"]
        pub user_id: Uuid,
        /// Which prediction.
        pub kind: PredictiveKind,
        /// The insight.
        pub data: Json,
        /// Confidence, 0–100.
        pub confidence_score: f64,
        /// When it was computed.
        pub calculated_at: sea_orm::prelude::DateTimeWithTimeZone,
        /// When the cached entry expires.
        pub expires_at: Option<sea_orm::prelude::DateTimeWithTimeZone>,
        /// Served from an unexpired cache entry.
        pub cached: bool,
    }
}

/// The `predictive_analytics_enabled` key of a kind.
fn preference_key(kind: PredictiveKind) -> &'static str {
    match kind {
        PredictiveKind::DropOffRisk => "dropOffRisk",
        PredictiveKind::Forecast => "forecasting",
        PredictiveKind::Recommendations => "recommendations",
    }
}

/// The learner the insight is about, once the kind is valid and the
/// learner has not turned it off.
async fn insight_subject(
    r: &impl Reader,
    user_id: Option<Uuid>,
    kind: PredictiveKind,
) -> Result<Uuid> {
    let user = subject(r, user_id).await?;
    let off = r
        .select_unrestricted::<prefs::Entity>()
        .filter(prefs::Column::UserId.eq(user))
        .one()
        .await?
        .is_some_and(|p| {
            p.predictive_analytics_enabled.get(preference_key(kind)) == Some(&Json::Bool(false))
        });
    if off {
        return Err(DomainError::Forbidden(format!(
            "the learner has turned off {} insights",
            preference_key(kind)
        )));
    }
    Ok(user)
}

/// `predictiveInsight`: the cached entry while it has not expired
/// (`expires_at` in the future or unset); otherwise computed afresh (not
/// stored: reads store nothing — `refreshPredictiveInsight` does).
pub async fn predictive_insight(
    s: &Scope,
    user_id: Option<Uuid>,
    kind: PredictiveKind,
) -> Result<Insight> {
    let user = insight_subject(s, user_id, kind).await?;
    let at = now();
    let fresh = s
        .select_unrestricted::<cache::Entity>()
        .filter(cache::Column::UserId.eq(user))
        .filter(cache::Column::AnalyticsType.eq(kind.as_str()))
        .filter(
            Condition::any()
                .add(cache::Column::ExpiresAt.is_null())
                .add(cache::Column::ExpiresAt.gt(at)),
        )
        .one()
        .await?;
    if let Some(c) = fresh {
        return Ok(Insight {
            user_id: user,
            kind,
            data: c.data,
            confidence_score: c.confidence_score.map_or(0.0, decimal_f64),
            calculated_at: c.calculated_at,
            expires_at: c.expires_at,
            cached: true,
        });
    }
    compute(s, user, kind).await
}

/// `refreshPredictiveInsight`: computes the insight and upserts the cache
/// entry (unique per learner and kind), valid for 48 hours.
pub async fn refresh_predictive_insight(
    w: &Write,
    user_id: Option<Uuid>,
    kind: PredictiveKind,
) -> Result<Insight> {
    let user = insight_subject(w, user_id, kind).await?;
    let insight = compute(w, user, kind).await?;
    let confidence = Decimal::from_f64_retain(insight.confidence_score)
        .unwrap_or_default()
        .round_dp(2);
    let inserted = w
        .insert_or_ignore(
            cache::ActiveModel {
                id: Set(Uuid::new_v4()),
                user_id: Set(user),
                analytics_type: Set(kind.as_str().into()),
                data: Set(insight.data.clone()),
                confidence_score: Set(Some(confidence)),
                calculated_at: Set(insight.calculated_at),
                expires_at: Set(insight.expires_at),
                ..Default::default()
            },
            [cache::Column::UserId, cache::Column::AnalyticsType],
        )
        .await?;
    if !inserted {
        w.update::<cache::Entity>(
            vec![
                (cache::Column::Data, Expr::val(insight.data.clone())),
                (cache::Column::ConfidenceScore, Expr::val(confidence)),
                (
                    cache::Column::CalculatedAt,
                    Expr::val(insight.calculated_at),
                ),
                (cache::Column::ExpiresAt, Expr::val(insight.expires_at)),
            ],
            Condition::all()
                .add(cache::Column::UserId.eq(user))
                .add(cache::Column::AnalyticsType.eq(kind.as_str())),
        )
        .await?;
    }
    Ok(insight)
}

/// The learner's unfinished enrollments, furthest along first.
async fn open_enrollments(r: &impl Reader, user: Uuid) -> Result<Vec<enrollments::Model>> {
    let mut open = r
        .select_unrestricted::<enrollments::Entity>()
        .filter(enrollments::Column::StudentId.eq(user))
        .filter(enrollments::Column::CompletedAt.is_null())
        .all()
        .await?;
    open.sort_by(|a, b| {
        b.progress_percent
            .cmp(&a.progress_percent)
            .then(a.enrolled_at.cmp(&b.enrolled_at))
    });
    Ok(open)
}

/// The heuristics behind the three kinds, from the learner's activity and
/// enrollments.
async fn compute(r: &impl Reader, user: Uuid, kind: PredictiveKind) -> Result<Insight> {
    let at = now();
    let today = at.date_naive();
    let (data, confidence) = match kind {
        PredictiveKind::DropOffRisk => {
            let days: Vec<NaiveDate> = r
                .select_unrestricted::<daily_activity::Entity>()
                .filter(daily_activity::Column::UserId.eq(user))
                .filter(daily_activity::Column::Date.gte(today - Duration::days(27)))
                .all()
                .await?
                .into_iter()
                .map(|d| d.date)
                .collect();
            let last = r
                .select_unrestricted::<daily_activity::Entity>()
                .filter(daily_activity::Column::UserId.eq(user))
                .order_by(daily_activity::Column::Date, Order::Desc)
                .one()
                .await?
                .map(|d| d.date);
            let inactive = last.map_or(28, |d| (today - d).num_days().clamp(0, 28));
            let probability = round2(
                (0.05 + 0.03 * inactive as f64 - 0.01 * days.len() as f64).clamp(0.02, 0.95),
            );
            let risk = match probability {
                p if p < 0.3 => "low",
                p if p < 0.6 => "medium",
                _ => "high",
            };
            let data = json!({
                "risk_level": risk,
                "probability": probability,
                "days_since_last_activity": inactive,
                "active_days_last_28": days.len(),
                "factors": [
                    format!("{inactive} days since last activity"),
                    format!("{} active days in the last 4 weeks", days.len()),
                ],
            });
            (data, 50.0 + (days.len() as f64 * 1.5).min(45.0))
        }
        PredictiveKind::Forecast => match open_enrollments(r, user).await?.into_iter().next() {
            None => (json!({"course_id": null, "on_track": null}), 50.0),
            Some(e) => {
                let progress = decimal_f64(e.progress_percent);
                let weeks = ((at - e.enrolled_at).num_days() as f64 / 7.0).max(1.0);
                let weekly = progress / weeks;
                let predicted = (weekly > 0.0).then(|| {
                    today + Duration::days(((100.0 - progress) / weekly * 7.0).ceil() as i64)
                });
                let data = json!({
                    "course_id": e.course_id,
                    "progress_percent": progress,
                    "weekly_progress": round2(weekly),
                    "predicted_completion": predicted,
                    "on_track": predicted.is_some_and(|d| d <= today + Duration::weeks(12)),
                });
                (data, (40.0 + weeks * 5.0).min(90.0))
            }
        },
        PredictiveKind::Recommendations => {
            let items: Vec<Json> = open_enrollments(r, user)
                .await?
                .into_iter()
                .take(3)
                .map(|e| {
                    json!({"type": "course", "id": e.course_id,
                           "reason": format!("continue: {}% done", decimal_f64(e.progress_percent))})
                })
                .collect();
            let confidence = if items.is_empty() { 40.0 } else { 70.0 };
            (json!({ "items": items }), confidence)
        }
    };
    Ok(Insight {
        user_id: user,
        kind,
        data,
        confidence_score: round2(confidence),
        calculated_at: at,
        expires_at: Some(at + Duration::hours(PREDICTIVE_TTL_HOURS)),
        cached: false,
    })
}

// ---------------------------------------------------------------------
// Preferences
// ---------------------------------------------------------------------

/// `updateMyPreferences`: absent fields keep their value; the predictive
/// switches and notification settings are merged key by key.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreferencesInput {
    pub leaderboard_privacy: Option<LeaderboardPrivacy>,
    pub predictive_analytics_enabled: Option<PredictiveSwitches>,
    pub notification_preferences: Option<Json>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PredictiveSwitches {
    pub drop_off_risk: Option<bool>,
    pub forecasting: Option<bool>,
    pub recommendations: Option<bool>,
}

fn merge(into: &mut Json, key: &str, v: Option<bool>) {
    if let (Json::Object(m), Some(v)) = (into, v) {
        m.insert(key.into(), Json::Bool(v));
    }
}

/// Validates notification settings: an object of at most 20 keys
/// (1–50 characters) to booleans.
fn notification_settings(v: &Json) -> Result<&serde_json::Map<String, Json>> {
    let bad = || {
        DomainError::BadInput(
            "notificationPreferences must be an object of at most 20 settings to true/false".into(),
        )
    };
    let m = v.as_object().ok_or_else(bad)?;
    let ok = m.len() <= 20
        && m.iter()
            .all(|(k, v)| (1..=50).contains(&k.chars().count()) && v.is_boolean());
    if ok { Ok(m) } else { Err(bad()) }
}

pub async fn update_my_preferences(w: &Write, input: PreferencesInput) -> Result<prefs::Model> {
    let me = signed_in(w.principal(), "change your preferences")?;
    let notifications = input
        .notification_preferences
        .as_ref()
        .map(notification_settings)
        .transpose()?;
    let at = now();
    w.insert_or_ignore(
        prefs::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(me),
            leaderboard_privacy: Set(LeaderboardPrivacy::Public.as_str().into()),
            predictive_analytics_enabled: Set(
                json!({"dropOffRisk": true, "forecasting": true, "recommendations": true}),
            ),
            notification_preferences: Set(json!({})),
            updated_at: Set(at),
            ..Default::default()
        },
        [prefs::Column::UserId],
    )
    .await?;
    let mine = Condition::all().add(prefs::Column::UserId.eq(me));
    // Touch the row first: on PostgreSQL this locks it, so two concurrent
    // updates merge one after the other instead of losing one.
    w.update::<prefs::Entity>(
        vec![(prefs::Column::UpdatedAt, Expr::val(at))],
        mine.clone(),
    )
    .await?;
    let current = w
        .select_unrestricted::<prefs::Entity>()
        .filter(prefs::Column::UserId.eq(me))
        .one()
        .await?
        .ok_or(DomainError::NotFound("preferences"))?;
    let mut set = vec![];
    if let Some(p) = input.leaderboard_privacy {
        set.push((prefs::Column::LeaderboardPrivacy, Expr::val(p.as_str())));
    }
    if let Some(s) = input.predictive_analytics_enabled {
        let mut v = current.predictive_analytics_enabled.clone();
        if !v.is_object() {
            v = json!({});
        }
        merge(&mut v, "dropOffRisk", s.drop_off_risk);
        merge(&mut v, "forecasting", s.forecasting);
        merge(&mut v, "recommendations", s.recommendations);
        set.push((prefs::Column::PredictiveAnalyticsEnabled, Expr::val(v)));
    }
    if let Some(n) = notifications {
        let mut v = current.notification_preferences.clone();
        if let Json::Object(m) = &mut v {
            m.extend(n.clone());
        } else {
            v = Json::Object(n.clone());
        }
        set.push((prefs::Column::NotificationPreferences, Expr::val(v)));
    }
    if !set.is_empty() {
        w.update::<prefs::Entity>(set, mine).await?;
    }
    w.select_unrestricted::<prefs::Entity>()
        .filter(prefs::Column::UserId.eq(me))
        .one()
        .await?
        .ok_or(DomainError::NotFound("preferences"))
}

// ---------------------------------------------------------------------
// Learner dashboard
// ---------------------------------------------------------------------

shape::output_object! {
    /// An enrollment on the dashboard.
    pub struct DashboardEnrollment {
        /// The enrollment (an `Enrollment` id).
        #[id = "Enrollment"]
        pub enrollment_id: Uuid,
        /// The course (a `Course` id).
        #[id = "Course"]
        pub course_id: Uuid,
        /// The course's title.
        pub course_title: String,
        /// Progress, 0–100.
        pub progress_percent: f64,
        /// When you enrolled.
        pub enrolled_at: sea_orm::prelude::DateTimeWithTimeZone,
        /// When you completed the course.
        pub completed_at: Option<sea_orm::prelude::DateTimeWithTimeZone>,
    }
}

shape::output_object! {
    /// An achievement on the dashboard.
    pub struct DashboardAchievement {
        /// The achievement (an `Achievement` id).
        #[id = "Achievement"]
        pub achievement_id: Uuid,
        /// Its code, e.g. `week_streak`.
        pub code: String,
        /// Its name.
        pub name: String,
        /// Its icon.
        pub icon: Option<String>,
        /// Its tier.
        pub tier: Option<AchievementTier>,
        /// When you earned it.
        pub earned_at: sea_orm::prelude::DateTimeWithTimeZone,
    }
}

shape::output_object! {
    /// The caller's learning at a glance.
    #[name = "LearnerDashboard"]
    pub struct Dashboard {
        /// You (a `User` id).
        #[id = "User"]
        pub user_id: Uuid,
        /// All points earned.
        pub total_points: i32,
        /// 1 + total points / 500.
        pub level: i32,
        /// Points still needed for the next level.
        pub points_to_next_level: i32,
        /// Consecutive days with activity up to today or yesterday; 0 once broken.
        pub current_streak: i32,
        /// The longest streak so far.
        pub longest_streak: i32,
        /// The last day with activity (UTC).
        pub last_active_on: Option<NaiveDate>,
        /// Points earned this ISO week.
        pub weekly_points: i64,
        /// Your enrollments, newest first.
        pub enrollments: Vec<DashboardEnrollment>,
        /// Your achievements, oldest first.
        pub achievements: Vec<DashboardAchievement>,
    }
}

#[derive(Debug, sea_orm::FromQueryResult, serde::Deserialize)]
struct Total {
    total: Option<i64>,
}

/// The columns of a course the dashboard shows.
#[derive(Debug, sea_orm::FromQueryResult, serde::Deserialize)]
struct CourseTitle {
    id: Uuid,
    title: String,
}

/// The columns of an achievement the dashboard shows (not its description
/// or criteria).
#[derive(Debug, sea_orm::FromQueryResult, serde::Deserialize)]
struct Badge {
    id: Uuid,
    code: String,
    name: String,
    icon: Option<String>,
    tier: Option<String>,
}

/// `myDashboard`: the caller's enrollments with progress, points, level,
/// streak, this week's points and achievements. Seven scoped reads in one
/// batch: one statement on PostgreSQL whatever the number of rows.
pub async fn my_dashboard(s: &Scope) -> Result<Dashboard> {
    let me = signed_in(s.principal(), "see your dashboard")?;
    let start = week_start(None)?;
    let mut b = s.batch();
    let points = b.read::<user_points::Model>(
        s.select::<user_points::Entity>()
            .filter(user_points::Column::UserId.eq(me))
            .limit(1)
            .into_statement(),
    );
    let last_active = b.read::<daily_activity::Model>(
        s.select::<daily_activity::Entity>()
            .filter(daily_activity::Column::UserId.eq(me))
            .order_by(daily_activity::Column::Date, Order::Desc)
            .limit(1)
            .into_statement(),
    );
    let weekly = b.read::<Total>(
        s.select::<tx::Entity>()
            .filter(tx::Column::UserId.eq(me))
            .filter(tx::Column::Timestamp.gte(midnight(start)))
            .shaped(|q| {
                q.select_only()
                    .column_as(Expr::col(tx::Column::Points).sum(), "total")
            }),
    );
    let mine = || {
        s.select::<enrollments::Entity>()
            .filter(enrollments::Column::StudentId.eq(me))
    };
    let enrolled = b.read::<enrollments::Model>(
        mine()
            .order_by(enrollments::Column::EnrolledAt, Order::Desc)
            .order_by(enrollments::Column::Id, Order::Asc)
            .into_statement(),
    );
    let titles = b.read::<CourseTitle>(
        s.select_unrestricted::<courses::Entity>()
            .filter(courses::Column::Id.in_subquery(mine().column(enrollments::Column::CourseId)))
            .shaped(|q| {
                q.select_only()
                    .column(courses::Column::Id)
                    .column(courses::Column::Title)
            }),
    );
    let earned = || {
        s.select::<user_achievements::Entity>()
            .filter(user_achievements::Column::UserId.eq(me))
    };
    let held = b.read::<user_achievements::Model>(
        earned()
            .order_by(user_achievements::Column::EarnedAt, Order::Asc)
            .order_by(user_achievements::Column::Id, Order::Asc)
            .into_statement(),
    );
    let defs = b.read::<Badge>(
        s.select::<achievements::Entity>()
            .filter(
                achievements::Column::Id
                    .in_subquery(earned().column(user_achievements::Column::AchievementId)),
            )
            .shaped(|q| {
                q.select_only()
                    .column(achievements::Column::Id)
                    .column(achievements::Column::Code)
                    .column(achievements::Column::Name)
                    .column(achievements::Column::Icon)
                    .column(achievements::Column::Tier)
            }),
    );
    let mut rows = b.run().await?;
    let points = rows.first(points)?;
    let last_active_on = rows.first(last_active)?.map(|d| d.date);
    let weekly_points = rows.first(weekly)?.and_then(|t| t.total).unwrap_or(0);
    let enrolled = rows.take(enrolled)?;
    let titles = rows.take(titles)?;
    let held = rows.take(held)?;
    let defs = rows.take(defs)?;
    let today = chrono::Utc::now().date_naive();
    let streak_alive = last_active_on.is_some_and(|d| d >= today - Duration::days(1));
    let (total, longest, current) = points.as_ref().map_or((0, 0, 0), |p| {
        (p.total_points, p.longest_streak, p.current_streak)
    });
    let level = level_for(total);
    Ok(Dashboard {
        user_id: me,
        total_points: total,
        level,
        points_to_next_level: level * POINTS_PER_LEVEL - total,
        current_streak: if streak_alive { current } else { 0 },
        longest_streak: longest,
        last_active_on,
        weekly_points,
        enrollments: enrolled
            .into_iter()
            .map(|e| DashboardEnrollment {
                enrollment_id: e.id,
                course_id: e.course_id,
                course_title: titles
                    .iter()
                    .find(|c| c.id == e.course_id)
                    .map(|c| c.title.clone())
                    .unwrap_or_default(),
                progress_percent: decimal_f64(e.progress_percent),
                enrolled_at: e.enrolled_at,
                completed_at: e.completed_at,
            })
            .collect(),
        achievements: held
            .into_iter()
            .filter_map(|h| {
                let a = defs.iter().find(|a| a.id == h.achievement_id)?;
                Some(DashboardAchievement {
                    achievement_id: a.id,
                    code: a.code.clone(),
                    name: a.name.clone(),
                    icon: a.icon.clone(),
                    tier: a.tier.as_deref().and_then(|t| t.parse().ok()),
                    earned_at: h.earned_at,
                })
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn totals_from_transactions_and_days() {
        assert_eq!(
            totals([], &[]),
            Totals {
                current_level: 1,
                ..Totals::default()
            }
        );
        let t = totals(
            [50, 100, 499],
            &[
                day("2026-11-03"),
                day("2026-11-01"),
                day("2026-11-02"),
                day("2026-11-02"),
                day("2026-11-10"),
                day("2026-11-11"),
            ],
        );
        assert_eq!(
            t,
            Totals {
                total_points: 649,
                current_level: 2,
                current_streak: 2,
                longest_streak: 3,
            }
        );
    }

    #[test]
    fn a_level_every_500_points_from_level_1() {
        assert_eq!(level_for(0), 1);
        assert_eq!(level_for(499), 1);
        assert_eq!(level_for(500), 2);
        assert_eq!(level_for(999), 2);
        assert_eq!(level_for(1000), 3);
        // A negative balance (after a correction) is still level 1.
        assert_eq!(level_for(-700), 1);
        assert_eq!(level_for(i32::MAX), 1 + i32::MAX / POINTS_PER_LEVEL);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-16 is a Monday, 2026-11-22 the Sunday of that week.
        assert_eq!(monday_of(day("2026-11-16")), day("2026-11-16"));
        assert_eq!(monday_of(day("2026-11-19")), day("2026-11-16"));
        assert_eq!(monday_of(day("2026-11-22")), day("2026-11-16"));
        assert_eq!(monday_of(day("2026-11-23")), day("2026-11-23"));
        // Across a year: Thursday 2026-01-01 is in the week of Monday
        // 2025-12-29.
        assert_eq!(monday_of(day("2026-01-01")), day("2025-12-29"));
        assert_eq!(week_start(None).unwrap().weekday(), Weekday::Mon);
    }

    #[test]
    fn iso_weeks_name_their_monday() {
        assert_eq!(week_start(Some("2026-W47")).unwrap(), day("2026-11-16"));
        assert_eq!(week_start(Some(" 2026-W01 ")).unwrap(), day("2025-12-29"));
        // 2026 has 53 ISO weeks, 2025 only 52.
        assert_eq!(week_start(Some("2026-W53")).unwrap(), day("2026-12-28"));
        for bad in ["2025-W53", "2026-W00", "2026-47", "2026-Wxx", "W47", ""] {
            assert!(
                matches!(week_start(Some(bad)), Err(DomainError::BadInput(_))),
                "{bad}"
            );
        }
    }

    fn points(total_points: i32, current_level: i32, longest_streak: i32) -> user_points::Model {
        user_points::Model {
            id: Uuid::nil(),
            tenant_id: Uuid::nil(),
            user_id: Uuid::nil(),
            total_points,
            current_level,
            current_streak: 0,
            longest_streak,
            updated_at: now(),
        }
    }

    fn count(activity_type: &str, n: i64) -> ActivityCount {
        ActivityCount {
            activity_type: activity_type.into(),
            n,
        }
    }

    #[test]
    fn criteria_are_met_at_their_threshold() {
        let t = points(500, 2, 7);
        let met_at = |c: Json| met(&c, &t, &[count("lesson_completed", 3)]);
        assert!(met_at(json!({"type": "points_total", "threshold": 500})));
        assert!(!met_at(json!({"type": "points_total", "threshold": 501})));
        // The longest streak counts, not the current one (0 here).
        assert!(met_at(json!({"type": "streak_days", "threshold": 7})));
        assert!(!met_at(json!({"type": "streak_days", "threshold": 8})));
        assert!(met_at(json!({"type": "level", "threshold": 2})));
        assert!(!met_at(json!({"type": "level", "threshold": 3})));
        assert!(met_at(json!({"type": "lessons_completed", "threshold": 3})));
        assert!(!met_at(
            json!({"type": "lessons_completed", "threshold": 4})
        ));
        // No recorded activity of the kind counts 0.
        assert!(met_at(json!({"type": "quizzes_passed", "threshold": 0})));
        assert!(!met_at(json!({"type": "quizzes_passed", "threshold": 1})));
    }

    #[test]
    fn malformed_or_unknown_criteria_are_never_met() {
        let t = points(10_000, 21, 100);
        for c in [
            json!({"type": "points_total"}),
            json!({"type": "points_total", "threshold": "10"}),
            json!({"type": "logins", "threshold": 0}),
            json!({"threshold": 0}),
            json!(null),
        ] {
            assert!(!met(&c, &t, &[]), "{c}");
        }
    }
}
