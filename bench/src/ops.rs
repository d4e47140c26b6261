//! The operations the bench drives, one declaration each: the GraphQL
//! document, how a worker picks its variables (from its current user and the
//! dataset), the query depth, and the floor: one hand-written SQL statement
//! per backend returning the same data as JSON, with its parameters.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::{Rng, rngs::SmallRng, seq::IndexedRandom};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::dataset::{Learner, Tenant};

/// The user a request runs as.
pub struct Who<'a> {
    pub tenant: &'a Tenant,
    pub learner: &'a Learner,
}

/// One request's arguments: GraphQL variables, and the same values as the
/// floor statement's parameters (`$1, $2, …` / `?1, ?2, …`).
pub struct Pick {
    pub vars: Value,
    pub params: Vec<Param>,
}

/// A floor parameter, bound with its natural type: a uuid is `uuid` on
/// PostgreSQL and a 16-byte blob on SQLite (as the server stores it), a
/// time is `timestamptz` / RFC 3339 text, a date `date` / `YYYY-MM-DD`.
#[derive(Clone, Debug)]
pub enum Param {
    Uuid(Uuid),
    Text(String),
    Int(i64),
    Float(f64),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

impl From<Uuid> for Param {
    fn from(v: Uuid) -> Self {
        Param::Uuid(v)
    }
}

/// The floor: one statement per backend returning the operation's data as
/// JSON text (one row, one column).
pub struct Floor {
    pub postgres: &'static str,
    pub sqlite: &'static str,
}

pub struct Op {
    pub name: &'static str,
    pub write: bool,
    pub document: &'static str,
    /// Nesting of fields in `document` (the statements-per-request budget).
    pub depth: u32,
    /// A text every successful response contains (guards against `null`
    /// data passing as success).
    pub expect: &'static str,
    /// The variables for `who`, or `None` when this user cannot run the op
    /// (such users are not assigned to its workers).
    pub pick: fn(&mut SmallRng, &Who) -> Option<Pick>,
    pub floor: Option<Floor>,
}

/// Every implemented operation, in run order.
pub const OPS: &[Op] = &[
    COURSE_TREE,
    LEARNER_DASHBOARD,
    TALENT_SEARCH,
    WEEKLY_LEADERBOARD,
    ASSESSMENT_INSIGHTS,
    QUIZ_ATTEMPT,
];

pub(crate) fn gid(type_name: &str, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

fn one<T: Copy>(rng: &mut SmallRng, list: &[T]) -> Option<T> {
    (!list.is_empty()).then(|| list[rng.random_range(0..list.len())])
}

/// Course → organization, course quizzes, lessons → content blocks and
/// quizzes: a random course of the caller's tenant. The questions lose
/// `correct_answer` and `explanation`, as the gateway redacts them for
/// learners.
pub const COURSE_TREE: Op = Op {
    name: "course_tree",
    write: false,
    document: "query CourseTree($id: ID!) {
  node(id: $id) {
    ... on Course {
      id title description difficultyLevel estimatedDuration
      organization { id name industry }
      quizzes { nodes { id title } }
      lessons {
        nodes {
          id title orderIndex
          contentBlocks { nodes { id type content orderIndex } }
          quizzes { nodes { id title questions { questionId type question options points } } }
        }
      }
    }
  }
}",
    depth: 5,
    expect: "\"lessons\"",
    pick: |rng, who| {
        let course = one(rng, &who.tenant.courses)?;
        Some(Pick {
            vars: json!({ "id": gid("Course", course) }),
            params: vec![course.into(), who.tenant.id.into()],
        })
    },
    floor: Some(Floor {
        postgres: "SELECT json_build_object(
  'id', c.id, 'title', c.title, 'description', c.description,
  'difficultyLevel', upper(c.difficulty_level), 'estimatedDuration', c.estimated_duration,
  'organization', (SELECT json_build_object('id', o.id, 'name', o.name, 'industry', o.industry)
                   FROM organizations o WHERE o.tenant_id = c.tenant_id AND o.id = c.organization_id),
  'quizzes', COALESCE((SELECT json_agg(json_build_object('id', q.id, 'title', q.title) ORDER BY q.created_at, q.id)
                       FROM quizzes q WHERE q.tenant_id = c.tenant_id AND q.course_id = c.id), '[]'),
  'lessons', COALESCE((SELECT json_agg(json_build_object(
      'id', l.id, 'title', l.title, 'orderIndex', l.order_index,
      'contentBlocks', COALESCE((SELECT json_agg(json_build_object('id', b.id, 'type', upper(b.type),
                                   'content', b.content, 'orderIndex', b.order_index) ORDER BY b.order_index, b.id)
                                 FROM content_blocks b WHERE b.tenant_id = l.tenant_id AND b.lesson_id = l.id), '[]'),
      'quizzes', COALESCE((SELECT json_agg(json_build_object('id', q.id, 'title', q.title,
                               'questions', COALESCE((SELECT jsonb_agg(x.e - 'correct_answer' - 'explanation' ORDER BY x.n)
                                                      FROM jsonb_array_elements(q.questions) WITH ORDINALITY x(e, n)), '[]'))
                             ORDER BY q.created_at, q.id)
                           FROM quizzes q WHERE q.tenant_id = l.tenant_id AND q.lesson_id = l.id), '[]')
    ) ORDER BY l.order_index, l.id)
    FROM lessons l WHERE l.tenant_id = c.tenant_id AND l.course_id = c.id), '[]')
)::text
FROM courses c WHERE c.id = $1 AND c.tenant_id = $2",
        sqlite: "SELECT json_object(
  'id', lower(hex(c.id)), 'title', c.title, 'description', c.description,
  'difficultyLevel', upper(c.difficulty_level), 'estimatedDuration', c.estimated_duration,
  'organization', (SELECT json_object('id', lower(hex(o.id)), 'name', o.name, 'industry', o.industry)
                   FROM organizations o WHERE o.tenant_id = c.tenant_id AND o.id = c.organization_id),
  'quizzes', (SELECT json_group_array(json(x)) FROM (
                SELECT json_object('id', lower(hex(q.id)), 'title', q.title) AS x
                FROM quizzes q WHERE q.tenant_id = c.tenant_id AND q.course_id = c.id
                ORDER BY q.created_at, q.id)),
  'lessons', (SELECT json_group_array(json(x)) FROM (
    SELECT json_object(
      'id', lower(hex(l.id)), 'title', l.title, 'orderIndex', l.order_index,
      'contentBlocks', (SELECT json_group_array(json(y)) FROM (
          SELECT json_object('id', lower(hex(b.id)), 'type', upper(b.type), 'content', json(b.content),
                             'orderIndex', b.order_index) AS y
          FROM content_blocks b WHERE b.tenant_id = l.tenant_id AND b.lesson_id = l.id
          ORDER BY b.order_index, b.id)),
      'quizzes', (SELECT json_group_array(json(y)) FROM (
          SELECT json_object('id', lower(hex(q.id)), 'title', q.title,
                             'questions', (SELECT json_group_array(json_remove(e.value, '$.correct_answer', '$.explanation'))
                                           FROM json_each(q.questions) e)) AS y
          FROM quizzes q WHERE q.tenant_id = l.tenant_id AND q.lesson_id = l.id
          ORDER BY q.created_at, q.id))
    ) AS x
    FROM lessons l WHERE l.tenant_id = c.tenant_id AND l.course_id = c.id
    ORDER BY l.order_index, l.id))
)
FROM courses c WHERE c.id = ?1 AND c.tenant_id = ?2",
    }),
};

/// The Monday of `day`'s ISO week.
fn monday(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The caller's dashboard: points, level, streak, this week's points,
/// enrollments (newest first) with course titles, achievements (oldest
/// first). Floor parameters: tenant, user, this week's Monday 00:00 UTC (the
/// start of "this week's points") and yesterday (a streak whose last active
/// day is older reads 0).
pub const LEARNER_DASHBOARD: Op = Op {
    name: "learner_dashboard",
    write: false,
    document: "query Dashboard {
  myDashboard {
    userId totalPoints level pointsToNextLevel currentStreak longestStreak lastActiveOn weeklyPoints
    enrollments { enrollmentId courseId courseTitle progressPercent enrolledAt completedAt }
    achievements { achievementId code name icon tier earnedAt }
  }
}",
    depth: 2,
    expect: "\"enrollments\"",
    pick: |_, who| {
        let today = Utc::now().date_naive();
        Some(Pick {
            vars: json!({}),
            params: vec![
                who.tenant.id.into(),
                who.learner.id.into(),
                Param::Time(midnight(monday(today))),
                Param::Date(today - Duration::days(1)),
            ],
        })
    },
    floor: Some(Floor {
        postgres: "WITH pt AS (
  SELECT COALESCE(MAX(p.total_points), 0) AS total, COALESCE(MAX(p.current_streak), 0) AS streak,
         COALESCE(MAX(p.longest_streak), 0) AS longest
  FROM user_points p WHERE p.tenant_id = $1 AND p.user_id = $2
), act AS (
  SELECT MAX(d.\"date\") AS last FROM daily_activity d WHERE d.tenant_id = $1 AND d.user_id = $2
)
SELECT json_build_object(
  'userId', $2::uuid, 'totalPoints', pt.total,
  'level', 1 + GREATEST(pt.total, 0) / 500,
  'pointsToNextLevel', (1 + GREATEST(pt.total, 0) / 500) * 500 - pt.total,
  'currentStreak', CASE WHEN act.last >= $4 THEN pt.streak ELSE 0 END,
  'longestStreak', pt.longest, 'lastActiveOn', act.last,
  'weeklyPoints', (SELECT COALESCE(SUM(t.points), 0) FROM point_transactions t
                   WHERE t.tenant_id = $1 AND t.user_id = $2 AND t.\"timestamp\" >= $3),
  'enrollments', COALESCE((SELECT json_agg(json_build_object(
      'enrollmentId', e.id, 'courseId', e.course_id, 'courseTitle', COALESCE(c.title, ''),
      'progressPercent', e.progress_percent::float8, 'enrolledAt', e.enrolled_at,
      'completedAt', e.completed_at) ORDER BY e.enrolled_at DESC)
    FROM enrollments e LEFT JOIN courses c ON c.tenant_id = e.tenant_id AND c.id = e.course_id
    WHERE e.tenant_id = $1 AND e.student_id = $2), '[]'),
  'achievements', COALESCE((SELECT json_agg(json_build_object(
      'achievementId', a.id, 'code', a.code, 'name', a.name, 'icon', a.icon, 'tier', upper(a.tier),
      'earnedAt', ua.earned_at) ORDER BY ua.earned_at)
    FROM user_achievements ua JOIN achievements a ON a.tenant_id = ua.tenant_id AND a.id = ua.achievement_id
    WHERE ua.tenant_id = $1 AND ua.user_id = $2), '[]')
)::text
FROM pt, act",
        sqlite: "WITH pt AS (
  SELECT COALESCE(MAX(p.total_points), 0) AS total, COALESCE(MAX(p.current_streak), 0) AS streak,
         COALESCE(MAX(p.longest_streak), 0) AS longest
  FROM user_points p WHERE p.tenant_id = ?1 AND p.user_id = ?2
), act AS (
  SELECT MAX(d.\"date\") AS last FROM daily_activity d WHERE d.tenant_id = ?1 AND d.user_id = ?2
)
SELECT json_object(
  'userId', lower(hex(?2)), 'totalPoints', pt.total,
  'level', 1 + max(pt.total, 0) / 500,
  'pointsToNextLevel', (1 + max(pt.total, 0) / 500) * 500 - pt.total,
  'currentStreak', CASE WHEN act.last >= ?4 THEN pt.streak ELSE 0 END,
  'longestStreak', pt.longest, 'lastActiveOn', act.last,
  'weeklyPoints', (SELECT COALESCE(SUM(t.points), 0) FROM point_transactions t
                   WHERE t.tenant_id = ?1 AND t.user_id = ?2 AND t.\"timestamp\" >= ?3),
  'enrollments', (SELECT json_group_array(json(x)) FROM (
    SELECT json_object(
      'enrollmentId', lower(hex(e.id)), 'courseId', lower(hex(e.course_id)),
      'courseTitle', COALESCE(c.title, ''), 'progressPercent', CAST(e.progress_percent AS REAL),
      'enrolledAt', e.enrolled_at, 'completedAt', e.completed_at) AS x
    FROM enrollments e LEFT JOIN courses c ON c.tenant_id = e.tenant_id AND c.id = e.course_id
    WHERE e.tenant_id = ?1 AND e.student_id = ?2
    ORDER BY e.enrolled_at DESC)),
  'achievements', (SELECT json_group_array(json(x)) FROM (
    SELECT json_object(
      'achievementId', lower(hex(a.id)), 'code', a.code, 'name', a.name, 'icon', a.icon,
      'tier', upper(a.tier), 'earnedAt', ua.earned_at) AS x
    FROM user_achievements ua JOIN achievements a ON a.tenant_id = ua.tenant_id AND a.id = ua.achievement_id
    WHERE ua.tenant_id = ?1 AND ua.user_id = ?2
    ORDER BY ua.earned_at))
)
FROM pt, act",
    }),
};

/// Marketplace search: public profiles accepting clients whose expertise
/// shares an entry with one or two skills of the caller's tenant's
/// profiles, rated at least `minRating`; best rated, then most reviewed,
/// then id; 20. Floor parameters: tenant, the skills as a JSON array,
/// minRating, first. Decimals read as text at the column's scale, like the
/// gateway writes them.
pub const TALENT_SEARCH: Op = Op {
    name: "talent_search",
    write: false,
    document: "query Talent($expertise: [String!], $minRating: Float, $first: Int) {
  searchTalent(expertise: $expertise, minRating: $minRating, first: $first) {
    id userId tagline rating reviewCount expertise hourlyRate availability yearsExperience
  }
}",
    depth: 1,
    expect: "\"searchTalent\"",
    pick: |rng, who| {
        let n = rng.random_range(1..=2).min(who.tenant.expertise.len());
        let skills: Vec<&String> = who.tenant.expertise.choose_multiple(rng, n).collect();
        if skills.is_empty() {
            return None;
        }
        let min_rating = *[3.0, 3.5, 4.0].choose(rng)?;
        Some(Pick {
            vars: json!({ "expertise": skills, "minRating": min_rating, "first": 20 }),
            params: vec![
                who.tenant.id.into(),
                Param::Text(json!(skills).to_string()),
                Param::Float(min_rating),
                Param::Int(20),
            ],
        })
    },
    floor: Some(Floor {
        postgres: "SELECT COALESCE(json_agg(json_build_object(
    'id', p.id, 'userId', p.user_id, 'tagline', p.tagline, 'rating', p.rating::text,
    'reviewCount', p.review_count, 'expertise', p.expertise, 'hourlyRate', p.hourly_rate::text,
    'availability', p.availability, 'yearsExperience', p.years_experience)
  ORDER BY p.rating DESC, p.review_count DESC, p.id), '[]')::text
FROM (SELECT * FROM talent_profiles t
      WHERE t.tenant_id = $1 AND t.is_public AND t.accepting_clients
        AND t.expertise ?| ARRAY(SELECT jsonb_array_elements_text($2::jsonb))
        AND t.rating >= $3::numeric
      ORDER BY t.rating DESC, t.review_count DESC, t.id LIMIT $4) p",
        sqlite: "SELECT json_group_array(json(x)) FROM (
  SELECT json_object(
    'id', lower(hex(t.id)), 'userId', lower(hex(t.user_id)), 'tagline', t.tagline,
    'rating', printf('%.2f', t.rating), 'reviewCount', t.review_count,
    'expertise', json(t.expertise),
    'hourlyRate', CASE WHEN t.hourly_rate IS NOT NULL THEN printf('%.2f', t.hourly_rate) END,
    'availability', t.availability, 'yearsExperience', t.years_experience) AS x
  FROM talent_profiles t
  WHERE t.tenant_id = ?1 AND t.is_public AND t.accepting_clients
    AND EXISTS (SELECT 1 FROM json_each(t.expertise) e WHERE e.value IN (SELECT value FROM json_each(?2)))
    AND t.rating >= ?3
  ORDER BY t.rating DESC, t.review_count DESC, t.id LIMIT ?4)",
    }),
};

/// The tenant's leaderboard of one ISO week (this one or up to 7 back):
/// points per user summed over the week, users whose leaderboard privacy
/// is `hidden` left out before ranking, `anonymous` ones ranked without id
/// or name; ties share a rank; 10. Floor parameters: tenant, caller, the
/// week's start and end (UTC), first, and the week as text and date.
pub const WEEKLY_LEADERBOARD: Op = Op {
    name: "weekly_leaderboard",
    write: false,
    document: "query Leaderboard($week: String, $first: Int) {
  weeklyLeaderboard(week: $week, first: $first) {
    week weekStart
    entries { rank weeklyPoints userId name anonymous isMe }
  }
}",
    depth: 2,
    expect: "\"entries\"",
    pick: |rng, who| {
        let start = monday(Utc::now().date_naive()) - Duration::weeks(rng.random_range(0..8));
        let iso = start.iso_week();
        let week = format!("{}-W{:02}", iso.year(), iso.week());
        Some(Pick {
            vars: json!({ "week": week, "first": 10 }),
            params: vec![
                who.tenant.id.into(),
                who.learner.id.into(),
                Param::Time(midnight(start)),
                Param::Time(midnight(start + Duration::days(7))),
                Param::Int(10),
                Param::Text(week),
                Param::Date(start),
            ],
        })
    },
    floor: Some(Floor {
        postgres: "SELECT json_build_object('week', $6::text, 'weekStart', $7::date, 'entries', COALESCE((
  SELECT json_agg(json_build_object(
      'rank', r.rnk, 'weeklyPoints', r.points,
      'userId', CASE WHEN NOT r.anon THEN r.user_id END,
      'name', CASE WHEN NOT r.anon THEN u.full_name END,
      'anonymous', r.anon, 'isMe', r.user_id = $2) ORDER BY r.points DESC, r.user_id)
  FROM (
    SELECT t.user_id, SUM(t.points) AS points, RANK() OVER (ORDER BY SUM(t.points) DESC) AS rnk,
           EXISTS (SELECT 1 FROM user_preferences a WHERE a.tenant_id = $1 AND a.user_id = t.user_id
                   AND a.leaderboard_privacy = 'anonymous') AS anon
    FROM point_transactions t
    WHERE t.tenant_id = $1 AND t.\"timestamp\" >= $3 AND t.\"timestamp\" < $4
      AND NOT EXISTS (SELECT 1 FROM user_preferences h WHERE h.tenant_id = $1 AND h.user_id = t.user_id
                      AND h.leaderboard_privacy = 'hidden')
    GROUP BY t.user_id
    ORDER BY points DESC, t.user_id
    LIMIT $5) r
  LEFT JOIN users u ON u.id = r.user_id), '[]'))::text",
        sqlite: "SELECT json_object('week', ?6, 'weekStart', ?7, 'entries', (
  SELECT json_group_array(json(x)) FROM (
    SELECT json_object(
        'rank', r.rnk, 'weeklyPoints', r.points,
        'userId', CASE WHEN NOT r.anon THEN lower(hex(r.user_id)) END,
        'name', CASE WHEN NOT r.anon THEN u.full_name END,
        'anonymous', json(CASE WHEN r.anon THEN 'true' ELSE 'false' END),
        'isMe', json(CASE WHEN r.user_id = ?2 THEN 'true' ELSE 'false' END)) AS x
    FROM (
      SELECT t.user_id, SUM(t.points) AS points, RANK() OVER (ORDER BY SUM(t.points) DESC) AS rnk,
             EXISTS (SELECT 1 FROM user_preferences a WHERE a.tenant_id = ?1 AND a.user_id = t.user_id
                     AND a.leaderboard_privacy = 'anonymous') AS anon
      FROM point_transactions t
      WHERE t.tenant_id = ?1 AND t.\"timestamp\" >= ?3 AND t.\"timestamp\" < ?4
        AND NOT EXISTS (SELECT 1 FROM user_preferences h WHERE h.tenant_id = ?1 AND h.user_id = t.user_id
                        AND h.leaderboard_privacy = 'hidden')
      GROUP BY t.user_id
      ORDER BY points DESC, t.user_id
      LIMIT ?5) r
    LEFT JOIN users u ON u.id = r.user_id
    ORDER BY r.points DESC, r.user_id)))",
    }),
};

/// The result of one of the caller's completed framework-assessment
/// attempts: score, per-competency breakdown (display names), weak (< 60)
/// and strong (≥ 80) areas, the insights of their skill tags for the
/// assessment's context level (falling back to `beginner`), the weak tags'
/// actions, the leverage strengths whose score range holds a competency's
/// score, and the learning paths of the weak areas with their resources.
/// Floor parameters: tenant, caller, attempt. Skill tags sort by name in
/// byte order (the server sorts them in Rust), hence `COLLATE "C"`.
pub const ASSESSMENT_INSIGHTS: Op = Op {
    name: "assessment_insights",
    write: false,
    document: "query AssessmentInsights($id: ID!) {
  frameworkAssessmentResult(userAttemptId: $id) {
    score
    breakdown { competencyArea displayName correct total score }
    weakAreas strongAreas
    insights {
      weaknesses { skillTag competencyArea text }
      strengths { skillTag competencyArea text }
      actions { skillTag competencyArea text }
      leverage { competencyArea score text }
    }
    learningPaths {
      categoryTitle categoryDescription categoryIcon
      resources { title description resourceType url author competencyAreas }
    }
    attempt { id timeSpent completedAt }
  }
}",
    depth: 3,
    expect: "\"breakdown\"",
    pick: |rng, who| {
        let attempt = one(rng, &who.learner.attempts)?;
        Some(Pick {
            vars: json!({ "id": gid("UserAttempt", attempt) }),
            params: vec![who.tenant.id.into(), who.learner.id.into(), attempt.into()],
        })
    },
    floor: Some(Floor {
        postgres: "WITH att AS (
  SELECT u.id, u.score, u.time_spent, u.completed_at, a.id AS assessment_id, a.framework,
         COALESCE(lower(a.difficulty), 'beginner') AS ctx,
         (SELECT q.assessment_level FROM assessment_questions q
          WHERE q.tenant_id = a.tenant_id AND q.assessment_id = a.id AND q.assessment_level IS NOT NULL
          ORDER BY q.question_order LIMIT 1) AS lvl
  FROM user_attempts u
  JOIN framework_assessments a ON a.tenant_id = u.tenant_id AND a.id = u.assessment_id AND a.is_active
  WHERE u.tenant_id = $1 AND u.id = $3 AND u.user_id = $2 AND u.completed_at IS NOT NULL
), sc AS (
  SELECT b.area, b.ord, b.correct, b.total, round(100.0 * b.correct / b.total)::int AS score,
         COALESCE((SELECT n.display_name FROM competency_display_names n
                   WHERE n.tenant_id = $1 AND n.framework = b.framework AND n.is_active
                     AND n.competency_key = b.area LIMIT 1), b.area) AS display_name
  FROM (SELECT q.competency_area AS area, att.framework, MIN(q.question_order) AS ord, COUNT(*) AS total,
               COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_responses r
                   WHERE r.tenant_id = $1 AND r.attempt_id = att.id AND r.question_id = q.id
                     AND r.is_correct)) AS correct
        FROM att JOIN assessment_questions q ON q.tenant_id = $1 AND q.assessment_id = att.assessment_id
        GROUP BY q.competency_area, att.framework) b
), tg AS (
  SELECT t.name, t.competency_area AS area, sc.score < 60 AS weak, sc.ord, t.sort_order,
         (SELECT i.insight_text FROM tag_insights i
          WHERE i.tenant_id = $1 AND i.skill_tag_id = t.id
            AND i.insight_type = CASE WHEN sc.score < 60 THEN 'weakness' ELSE 'strength' END
            AND (COALESCE(i.context_level, 'beginner') = att.ctx
                 OR (COALESCE(i.context_level, 'beginner') = 'beginner' AND NOT EXISTS (
                       SELECT 1 FROM tag_insights j WHERE j.tenant_id = $1 AND j.skill_tag_id = t.id
                         AND j.insight_type = i.insight_type
                         AND COALESCE(j.context_level, 'beginner') = att.ctx)))
          ORDER BY i.id LIMIT 1) AS insight,
         (SELECT x.action_text FROM tag_actions x
          WHERE x.tenant_id = $1 AND x.skill_tag_id = t.id AND x.is_active ORDER BY x.id LIMIT 1) AS action
  FROM att
  JOIN skill_tags t ON t.tenant_id = $1 AND t.framework = att.framework AND t.is_active
                   AND (att.lvl IS NULL OR t.assessment_level = att.lvl)
  JOIN sc ON sc.area = t.competency_area AND (sc.score < 60 OR sc.score >= 80)
)
SELECT json_build_object(
  'score', att.score,
  'breakdown', COALESCE((SELECT json_agg(json_build_object('competencyArea', sc.area,
      'displayName', sc.display_name, 'correct', sc.correct, 'total', sc.total, 'score', sc.score)
      ORDER BY sc.ord) FROM sc), '[]'),
  'weakAreas', COALESCE((SELECT json_agg(sc.area ORDER BY sc.ord) FROM sc WHERE sc.score < 60), '[]'),
  'strongAreas', COALESCE((SELECT json_agg(sc.area ORDER BY sc.ord) FROM sc WHERE sc.score >= 80), '[]'),
  'insights', json_build_object(
    'weaknesses', COALESCE((SELECT json_agg(json_build_object('skillTag', tg.name,
        'competencyArea', tg.area, 'text', tg.insight) ORDER BY tg.ord, tg.sort_order, tg.name COLLATE \"C\")
      FROM tg WHERE tg.weak AND tg.insight IS NOT NULL), '[]'),
    'strengths', COALESCE((SELECT json_agg(json_build_object('skillTag', tg.name,
        'competencyArea', tg.area, 'text', tg.insight) ORDER BY tg.ord, tg.sort_order, tg.name COLLATE \"C\")
      FROM tg WHERE NOT tg.weak AND tg.insight IS NOT NULL), '[]'),
    'actions', COALESCE((SELECT json_agg(json_build_object('skillTag', tg.name,
        'competencyArea', tg.area, 'text', tg.action) ORDER BY tg.ord, tg.sort_order, tg.name COLLATE \"C\")
      FROM tg WHERE tg.weak AND tg.action IS NOT NULL), '[]'),
    'leverage', COALESCE((SELECT json_agg(json_build_object('competencyArea', l.competency_area,
        'score', sc.score, 'text', l.leverage_text) ORDER BY l.priority_order, l.id)
      FROM competency_leverage_strengths l JOIN sc ON sc.area = l.competency_area
      WHERE l.tenant_id = $1 AND l.framework = att.framework AND l.is_active
        AND sc.score BETWEEN l.score_range_min AND l.score_range_max
        AND (COALESCE(l.context_level, 'beginner') = att.ctx
             OR (COALESCE(l.context_level, 'beginner') = 'beginner' AND NOT EXISTS (
                   SELECT 1 FROM competency_leverage_strengths m
                   WHERE m.tenant_id = $1 AND m.framework = att.framework AND m.is_active
                     AND m.competency_area = l.competency_area
                     AND COALESCE(m.context_level, 'beginner') = att.ctx)))), '[]')),
  'learningPaths', COALESCE((SELECT json_agg(json_build_object(
      'categoryTitle', c.category_title, 'categoryDescription', c.category_description,
      'categoryIcon', c.category_icon,
      'resources', COALESCE((SELECT json_agg(json_build_object('title', r.title,
          'description', r.description, 'resourceType', upper(r.resource_type), 'url', r.url,
          'author', r.author_instructor, 'competencyAreas', r.competency_areas)
          ORDER BY r.resource_type, r.title)
        FROM learning_resources r WHERE r.tenant_id = $1 AND r.category_id = c.id AND r.is_active), '[]'))
      ORDER BY c.priority_order, c.category_title)
    FROM learning_path_categories c
    WHERE c.tenant_id = $1 AND c.is_active AND (att.lvl IS NULL OR c.assessment_level = att.lvl)
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(c.competency_areas) e(area)
                  JOIN sc ON sc.area = e.area AND sc.score < 60)), '[]'),
  'attempt', json_build_object('id', att.id, 'timeSpent', att.time_spent, 'completedAt', att.completed_at)
)::text
FROM att",
        sqlite: "WITH att AS (
  SELECT u.id, u.score, u.time_spent, u.completed_at, a.id AS assessment_id, a.framework,
         COALESCE(lower(a.difficulty), 'beginner') AS ctx,
         (SELECT q.assessment_level FROM assessment_questions q
          WHERE q.tenant_id = a.tenant_id AND q.assessment_id = a.id AND q.assessment_level IS NOT NULL
          ORDER BY q.question_order LIMIT 1) AS lvl
  FROM user_attempts u
  JOIN framework_assessments a ON a.tenant_id = u.tenant_id AND a.id = u.assessment_id AND a.is_active
  WHERE u.tenant_id = ?1 AND u.id = ?3 AND u.user_id = ?2 AND u.completed_at IS NOT NULL
), sc AS (
  SELECT b.area, b.ord, b.correct, b.total,
         CAST(round(100.0 * b.correct / b.total) AS INTEGER) AS score,
         COALESCE((SELECT n.display_name FROM competency_display_names n
                   WHERE n.tenant_id = ?1 AND n.framework = b.framework AND n.is_active
                     AND n.competency_key = b.area LIMIT 1), b.area) AS display_name
  FROM (SELECT q.competency_area AS area, att.framework, MIN(q.question_order) AS ord, COUNT(*) AS total,
               COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_responses r
                   WHERE r.tenant_id = ?1 AND r.attempt_id = att.id AND r.question_id = q.id
                     AND r.is_correct)) AS correct
        FROM att JOIN assessment_questions q ON q.tenant_id = ?1 AND q.assessment_id = att.assessment_id
        GROUP BY q.competency_area, att.framework) b
), tg AS (
  SELECT t.name, t.competency_area AS area, sc.score < 60 AS weak, sc.ord, t.sort_order,
         (SELECT i.insight_text FROM tag_insights i
          WHERE i.tenant_id = ?1 AND i.skill_tag_id = t.id
            AND i.insight_type = CASE WHEN sc.score < 60 THEN 'weakness' ELSE 'strength' END
            AND (COALESCE(i.context_level, 'beginner') = att.ctx
                 OR (COALESCE(i.context_level, 'beginner') = 'beginner' AND NOT EXISTS (
                       SELECT 1 FROM tag_insights j WHERE j.tenant_id = ?1 AND j.skill_tag_id = t.id
                         AND j.insight_type = i.insight_type
                         AND COALESCE(j.context_level, 'beginner') = att.ctx)))
          ORDER BY i.id LIMIT 1) AS insight,
         (SELECT x.action_text FROM tag_actions x
          WHERE x.tenant_id = ?1 AND x.skill_tag_id = t.id AND x.is_active ORDER BY x.id LIMIT 1) AS action
  FROM att
  JOIN skill_tags t ON t.tenant_id = ?1 AND t.framework = att.framework AND t.is_active
                   AND (att.lvl IS NULL OR t.assessment_level = att.lvl)
  JOIN sc ON sc.area = t.competency_area AND (sc.score < 60 OR sc.score >= 80)
)
SELECT json_object(
  'score', att.score,
  'breakdown', (SELECT json_group_array(json(x)) FROM (
      SELECT json_object('competencyArea', sc.area, 'displayName', sc.display_name,
                         'correct', sc.correct, 'total', sc.total, 'score', sc.score) AS x
      FROM sc ORDER BY sc.ord)),
  'weakAreas', (SELECT json_group_array(area) FROM (SELECT sc.area FROM sc WHERE sc.score < 60 ORDER BY sc.ord)),
  'strongAreas', (SELECT json_group_array(area) FROM (SELECT sc.area FROM sc WHERE sc.score >= 80 ORDER BY sc.ord)),
  'insights', json_object(
    'weaknesses', (SELECT json_group_array(json(x)) FROM (
        SELECT json_object('skillTag', tg.name, 'competencyArea', tg.area, 'text', tg.insight) AS x
        FROM tg WHERE tg.weak AND tg.insight IS NOT NULL ORDER BY tg.ord, tg.sort_order, tg.name)),
    'strengths', (SELECT json_group_array(json(x)) FROM (
        SELECT json_object('skillTag', tg.name, 'competencyArea', tg.area, 'text', tg.insight) AS x
        FROM tg WHERE NOT tg.weak AND tg.insight IS NOT NULL ORDER BY tg.ord, tg.sort_order, tg.name)),
    'actions', (SELECT json_group_array(json(x)) FROM (
        SELECT json_object('skillTag', tg.name, 'competencyArea', tg.area, 'text', tg.action) AS x
        FROM tg WHERE tg.weak AND tg.action IS NOT NULL ORDER BY tg.ord, tg.sort_order, tg.name)),
    'leverage', (SELECT json_group_array(json(x)) FROM (
        SELECT json_object('competencyArea', l.competency_area, 'score', sc.score, 'text', l.leverage_text) AS x
        FROM competency_leverage_strengths l JOIN sc ON sc.area = l.competency_area
        WHERE l.tenant_id = ?1 AND l.framework = att.framework AND l.is_active
          AND sc.score BETWEEN l.score_range_min AND l.score_range_max
          AND (COALESCE(l.context_level, 'beginner') = att.ctx
               OR (COALESCE(l.context_level, 'beginner') = 'beginner' AND NOT EXISTS (
                     SELECT 1 FROM competency_leverage_strengths m
                     WHERE m.tenant_id = ?1 AND m.framework = att.framework AND m.is_active
                       AND m.competency_area = l.competency_area
                       AND COALESCE(m.context_level, 'beginner') = att.ctx)))
        ORDER BY l.priority_order, l.id))),
  'learningPaths', (SELECT json_group_array(json(x)) FROM (
      SELECT json_object(
        'categoryTitle', c.category_title, 'categoryDescription', c.category_description,
        'categoryIcon', c.category_icon,
        'resources', (SELECT json_group_array(json(y)) FROM (
            SELECT json_object('title', r.title, 'description', r.description,
                               'resourceType', upper(r.resource_type), 'url', r.url,
                               'author', r.author_instructor,
                               'competencyAreas', json(r.competency_areas)) AS y
            FROM learning_resources r WHERE r.tenant_id = ?1 AND r.category_id = c.id AND r.is_active
            ORDER BY r.resource_type, r.title))) AS x
      FROM learning_path_categories c
      WHERE c.tenant_id = ?1 AND c.is_active AND (att.lvl IS NULL OR c.assessment_level = att.lvl)
        AND EXISTS (SELECT 1 FROM json_each(c.competency_areas) e
                    JOIN sc ON sc.area = e.value AND sc.score < 60)
      ORDER BY c.priority_order, c.category_title)),
  'attempt', json_object('id', lower(hex(att.id)), 'timeSpent', att.time_spent,
                         'completedAt', att.completed_at)
)
FROM att",
    }),
};

/// The write: the caller submits an attempt at a quiz of a course they are
/// enrolled in (generated quizzes allow unlimited attempts). Each worker
/// has its own users, so two attempts of one user never race.
pub const QUIZ_ATTEMPT: Op = Op {
    name: "quiz_attempt",
    write: true,
    document: "mutation Attempt($quizId: ID!, $answers: JSON!, $timeSpent: Int) {
  submitQuizAttempt(quizId: $quizId, answers: $answers, timeSpent: $timeSpent) {
    attemptNumber score passed pointsEarned totalPoints
  }
}",
    depth: 1,
    expect: "\"attemptNumber\"",
    pick: |rng, who| {
        let quiz = one(rng, &who.learner.quizzes)?;
        let answer = |rng: &mut SmallRng| ["a", "b", "c", "d"][rng.random_range(0..4)];
        Some(Pick {
            vars: json!({
                "quizId": gid("Quiz", quiz),
                "answers": { "q1": answer(rng), "q2": answer(rng), "q3": answer(rng) },
                "timeSpent": rng.random_range(30..600),
            }),
            params: vec![quiz.into()],
        })
    },
    floor: None,
};
