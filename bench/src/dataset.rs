//! The benchmark dataset: a fresh database per (backend, scale), migrated and
//! loaded with the demo data by the coachql library, then grown `scale`-fold:
//!
//! * **copies**: `ceil(sqrt(scale)) - 1` copies of the whole demo shape (two
//!   tenants each, every id and unique text remapped), so there are many
//!   tenants and every seed table grows;
//! * **growth**: `scale` "units" spread evenly over all tenants, so the
//!   tenants themselves grow too. One unit = 1 organization, 1 instructor,
//!   2 coaches with public talent profiles, 12 learners (membership, points,
//!   preferences, 10 point transactions, 2 achievements, 3 enrollments,
//!   4 graded quiz attempts, 1 workshop registration, 1 completed attempt
//!   with a response per question at each active framework assessment of
//!   the tenant), 6 published courses × 4 lessons × 3 content blocks, one
//!   quiz per lesson and per course (unlimited attempts), 2 large workshops.
//!
//! Everything is derived from a seeded RNG and fixed ids; only the timestamps
//! are relative to the generation time (a weekly leaderboard needs recent
//! activity). A marker table records scale and [`VERSION`]; a
//! matching database is reused unless `--regen`.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng, rngs::SmallRng, seq::IndexedRandom};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Bump when the generated shape changes: older datasets are regenerated.
pub const VERSION: i64 = 2;
const MARKER: &str = "coachql_bench_meta";
const LEARNERS_PER_UNIT: usize = 12;
const COURSES_PER_UNIT: usize = 6;
const LESSONS_PER_COURSE: usize = 4;
const BLOCKS_PER_LESSON: usize = 3;
const POINT_TX_PER_LEARNER: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// How many demo copies and growth units a scale means.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub copies: u32,
    pub units_per_tenant: u32,
}

impl Shape {
    pub fn of(scale: u32) -> Self {
        let copies = f64::from(scale.max(1)).sqrt().ceil() as u32 - 1;
        let tenants = 2 + 2 * copies;
        Self {
            copies,
            units_per_tenant: scale.max(1).div_ceil(tenants),
        }
    }
}

/// Ids the operations draw their arguments from.
#[derive(Default)]
pub struct Dataset {
    pub tenants: Vec<Tenant>,
    pub rows: i64,
}

pub struct Tenant {
    pub id: Uuid,
    pub courses: Vec<Uuid>,
    pub learners: Vec<Learner>,
    pub workshops: Vec<Uuid>,
    /// The distinct expertise entries of the public talent profiles that
    /// accept clients, sorted.
    pub expertise: Vec<String>,
}

pub struct Learner {
    /// The user id.
    pub id: Uuid,
    pub email: String,
    /// Quizzes of the courses the learner is enrolled in.
    pub quizzes: Vec<Uuid>,
    /// The learner's completed attempts at active framework assessments.
    pub attempts: Vec<Uuid>,
}

/// A framework assessment: its id and its questions (id, correct answer)
/// in question order.
type Assessment = (Uuid, Vec<(Uuid, i64)>);

/// The database URL for `scale` on `backend`; `base` is the PostgreSQL
/// server URL (any database path in it is replaced; its parameters, such
/// as `?sslmode=disable`, are kept).
pub fn url_for(backend: Backend, base: &str, scale: u32) -> String {
    match backend {
        Backend::Postgres => format!(
            "{}/{}{}",
            server_url(base),
            db_name(scale),
            base.find('?').map_or("", |i| &base[i..])
        ),
        Backend::Sqlite => format!("sqlite://{}", sqlite_path(scale)),
    }
}

fn db_name(scale: u32) -> String {
    format!("coachql_bench_{scale}")
}

fn sqlite_path(scale: u32) -> String {
    format!(
        "{}/../target/coachql_bench_{scale}.db",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `postgres://user@host:port` without a database path or query.
fn server_url(base: &str) -> &str {
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    match base[after_scheme..].find(['/', '?']) {
        Some(i) => &base[..after_scheme + i],
        None => base,
    }
}

/// Opens the dataset for `scale`, generating it first if it is missing,
/// from another version or scale, or `regen` is set.
pub async fn prepare(
    backend: Backend,
    base: &str,
    scale: u32,
    regen: bool,
) -> anyhow::Result<(DatabaseConnection, Dataset)> {
    let url = url_for(backend, base, scale);
    if !regen && let Some(db) = existing(backend, base, scale, &url).await? {
        eprintln!("reusing dataset {url}");
        let ds = load_ids(&db).await?;
        return Ok((db, ds));
    }
    recreate(backend, base, scale).await?;
    let db = coachql::db::connect(&url, 4).await?;
    let started = std::time::Instant::now();
    coachql::db::migrate(&db).await?;
    coachql::seed::load(&db).await?;
    let rows = generate(&db, scale).await?;
    let marker_ddl = format!(
        "CREATE TABLE {MARKER} (scale BIGINT NOT NULL, version BIGINT NOT NULL, row_count BIGINT NOT NULL)"
    );
    db.execute_unprepared(&marker_ddl).await?;
    db.execute_unprepared(&format!(
        "INSERT INTO {MARKER} VALUES ({scale}, {VERSION}, {rows})"
    ))
    .await?;
    if backend == Backend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    eprintln!(
        "generated {url}: {rows} rows beyond the demo data in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let ds = load_ids(&db).await?;
    Ok((db, ds))
}

/// The dataset at `url` if it is complete and of this scale and version.
async fn existing(
    backend: Backend,
    base: &str,
    scale: u32,
    url: &str,
) -> anyhow::Result<Option<DatabaseConnection>> {
    match backend {
        Backend::Sqlite if !std::path::Path::new(&sqlite_path(scale)).exists() => return Ok(None),
        Backend::Postgres => {
            let admin = coachql::db::connect(&format!("{}/postgres", server_url(base)), 1).await?;
            let found = admin
                .query_one_raw(sea_orm::Statement::from_string(
                    DbBackend::Postgres,
                    format!(
                        "SELECT 1 AS one FROM pg_database WHERE datname = '{}'",
                        db_name(scale)
                    ),
                ))
                .await?;
            admin.close().await?;
            if found.is_none() {
                return Ok(None);
            }
        }
        Backend::Sqlite => {}
    }
    let db = coachql::db::connect(url, 4).await?;
    let marker = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT scale, version FROM {MARKER}"),
        ))
        .await;
    let ok = match marker {
        Ok(Some(row)) => {
            row.try_get::<i64>("", "scale")? == i64::from(scale)
                && row.try_get::<i64>("", "version")? == VERSION
        }
        _ => false,
    };
    if ok {
        Ok(Some(db))
    } else {
        db.close().await?;
        Ok(None)
    }
}

async fn recreate(backend: Backend, base: &str, scale: u32) -> anyhow::Result<()> {
    match backend {
        Backend::Sqlite => {
            let path = sqlite_path(scale);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        Backend::Postgres => {
            let admin = coachql::db::connect(&format!("{}/postgres", server_url(base)), 1).await?;
            let name = db_name(scale);
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.close().await?;
        }
    }
    Ok(())
}

/// Remaps every UUID (as value or object key) of copy `c` by writing `c`
/// into bytes 10..12, which are zero in all demo ids.
fn remap(v: &Value, c: u32) -> Value {
    fn text(s: &str, c: u32) -> String {
        match Uuid::parse_str(s) {
            Ok(id) => {
                let mut b = *id.as_bytes();
                let [hi, lo] = (c as u16).to_be_bytes();
                b[10] ^= hi;
                b[11] ^= lo;
                Uuid::from_bytes(b).to_string()
            }
            Err(_) => s.to_owned(),
        }
    }
    match v {
        Value::String(s) => Value::String(text(s, c)),
        Value::Array(a) => Value::Array(a.iter().map(|x| remap(x, c)).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, x)| (text(k, c), remap(x, c))).collect())
        }
        other => other.clone(),
    }
}

/// Copy `c` of the demo data: fresh ids, and the globally unique texts
/// (user emails, tenant slugs) suffixed.
fn demo_copy(demo: &Map<String, Value>, c: u32) -> Map<String, Value> {
    let mut out = Map::new();
    for (table, rows) in demo {
        let mut rows = remap(rows, c);
        if let Value::Array(list) = &mut rows {
            for row in list.iter_mut() {
                let suffix = |row: &mut Value, key: &str, f: &dyn Fn(&str) -> String| {
                    if let Some(Value::String(s)) = row.get_mut(key) {
                        *s = f(s);
                    }
                };
                match table.as_str() {
                    "users" => suffix(row, "email", &|s| s.replacen('@', &format!("+c{c}@"), 1)),
                    "tenants" => {
                        suffix(row, "slug", &|s| format!("{s}-c{c}"));
                        suffix(row, "name", &|s| format!("{s} (copy {c})"));
                    }
                    _ => {}
                }
            }
        }
        out.insert(table.clone(), rows);
    }
    out
}

/// A generated id: kind, tenant number and a counter, as a valid v4 UUID.
fn gid(kind: u8, tenant: usize, n: usize) -> Uuid {
    let mut b = [0u8; 16];
    b[0] = 0xbe;
    b[1] = kind;
    b[2..4].copy_from_slice(&(tenant as u16).to_be_bytes());
    b[6] = 0x40;
    b[8] = 0x80;
    b[10..16].copy_from_slice(&(n as u64).to_be_bytes()[2..]);
    Uuid::from_bytes(b)
}

const WORDS: &[&str] = &[
    "change",
    "listening",
    "feedback",
    "teams",
    "habits",
    "strategy",
    "coaching",
    "resilience",
    "growth",
    "clarity",
    "trust",
    "decisions",
    "focus",
    "ai",
    "data",
    "culture",
    "goals",
    "conflict",
    "delegation",
    "curiosity",
];

fn words(rng: &mut SmallRng, n: usize) -> String {
    (0..n)
        .map(|_| *WORDS.choose(rng).unwrap_or(&"topic"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// Rows by table, inserted parents first.
#[derive(Default)]
struct Rows(BTreeMap<&'static str, Vec<Value>>);

impl Rows {
    fn push(&mut self, table: &'static str, row: Value) {
        self.0.entry(table).or_default().push(row);
    }
    fn len(&self) -> usize {
        self.0.values().map(Vec::len).sum()
    }
}

/// What one tenant's growth needs while it generates rows.
struct Grower<'a> {
    rows: &'a mut Rows,
    rng: &'a mut SmallRng,
    t: usize,
    tenant: Uuid,
    counter: HashMap<u8, usize>,
    created: String,
    password_hash: &'a str,
    /// The tenant's active framework assessments.
    assessments: &'a [Assessment],
}

impl Grower<'_> {
    fn next(&mut self, kind: u8) -> Uuid {
        let n = self.counter.entry(kind).or_default();
        *n += 1;
        gid(kind, self.t, *n)
    }

    fn words(&mut self, n: usize) -> String {
        words(self.rng, n)
    }

    /// A user with a membership `role` in the tenant's organization `org`.
    fn user(&mut self, org: Uuid, email: String, role: &str) -> Uuid {
        let id = self.next(3);
        let (tenant, created) = (self.tenant, self.created.clone());
        self.rows.push(
            "users",
            json!({"id": id, "email": email, "password_hash": self.password_hash,
                   "full_name": format!("Bench {role} {email}"), "status": "active",
                   "created_at": created, "updated_at": created}),
        );
        let role_id = self.next(2);
        self.rows.push(
            "user_roles",
            json!({"id": role_id, "tenant_id": tenant, "user_id": id, "role": role,
                   "organization_id": org, "granted_at": created, "created_at": created}),
        );
        id
    }

    fn quiz(&mut self, lesson: Option<Uuid>, course: Option<Uuid>) -> Uuid {
        let id = self.next(8);
        let questions: Vec<Value> = (1..=3)
            .map(|q| {
                json!({"id": format!("q{q}"), "type": "multiple_choice",
                       "question": self.words(8), "options": ["a", "b", "c", "d"],
                       "correct_answer": "b", "points": 10})
            })
            .collect();
        let title = self.words(3);
        let (tenant, created) = (self.tenant, self.created.clone());
        self.rows.push(
            "quizzes",
            json!({"id": id, "tenant_id": tenant, "lesson_id": lesson, "course_id": course,
                   "title": title, "questions": questions,
                   "is_mandatory": true, "minimum_passing_score": 70,
                   "created_at": created, "updated_at": created}),
        );
        id
    }

    /// A published course with its lessons, blocks and quizzes; returns the
    /// course id and its quizzes.
    fn course(&mut self, org: Uuid, instructor: Uuid) -> (Uuid, Vec<Uuid>) {
        let course = self.next(5);
        let (tenant, created) = (self.tenant, self.created.clone());
        let row = json!({"id": course, "tenant_id": tenant, "title": self.words(4),
               "description": self.words(25), "instructor_id": instructor,
               "organization_id": org, "tags": [self.words(1), self.words(1)],
               "difficulty_level": "intermediate",
               "estimated_duration": self.rng.random_range(60..240), "is_published": true,
               "created_at": created, "updated_at": created});
        self.rows.push("courses", row);
        let mut quizzes = Vec::new();
        for l in 0..LESSONS_PER_COURSE {
            let lesson = self.next(6);
            let row = json!({"id": lesson, "tenant_id": tenant, "course_id": course,
                   "title": self.words(3), "description": self.words(12),
                   "order_index": l + 1, "learning_objectives": [self.words(4), self.words(4)],
                   "estimated_duration": self.rng.random_range(10..60), "prerequisites": [],
                   "is_published": true, "created_at": created, "updated_at": created});
            self.rows.push("lessons", row);
            for b in 0..BLOCKS_PER_LESSON {
                let text = self.words(60);
                let id = self.next(7);
                self.rows.push(
                    "content_blocks",
                    json!({"id": id, "tenant_id": tenant, "lesson_id": lesson,
                           "type": "rich_text",
                           "content": {"html": format!("<p>{text}</p>"), "plain_text": text},
                           "order_index": b + 1, "metadata": {"estimated_minutes": 5},
                           "created_at": created, "updated_at": created}),
                );
            }
            quizzes.push(self.quiz(Some(lesson), None));
        }
        quizzes.push(self.quiz(None, Some(course)));
        (course, quizzes)
    }

    fn coach(&mut self, org: Uuid, email: String) {
        let coach = self.user(org, email, "coach");
        let id = self.next(4);
        let (tenant, created) = (self.tenant, self.created.clone());
        let r = &mut *self.rng;
        let row = json!({"id": id, "tenant_id": tenant, "user_id": coach,
               "tagline": words(r, 5), "bio": words(r, 30),
               "expertise": [words(r, 1), words(r, 1), words(r, 2)],
               "transformation_success_rate": r.random_range(50..100),
               "behavior_change_score": r.random_range(40..100),
               "client_retention_rate": r.random_range(40..100),
               "cultures_transformed": r.random_range(0..20),
               "years_experience": r.random_range(1..25),
               "industries": ["Technology", "Healthcare"],
               "transformation_stages": ["assess", "embed"],
               "coaching_style": "hybrid",
               "rating": format!("{}.{:02}", r.random_range(3..5), r.random_range(0..100)),
               "review_count": r.random_range(0..40),
               "hourly_rate": format!("{}.00", r.random_range(80..400)),
               "is_public": true, "accepting_clients": true,
               "created_at": created, "updated_at": created});
        self.rows.push("talent_profiles", row);
    }

    fn workshop(
        &mut self,
        instructor: Uuid,
        registered: i32,
        featured: bool,
        now: DateTime<Utc>,
    ) -> Uuid {
        let id = self.next(9);
        let (tenant, created) = (self.tenant, self.created.clone());
        let row = json!({"id": id, "tenant_id": tenant, "title": self.words(3),
               "description": self.words(20), "instructor_id": instructor,
               "pillar": "coaching", "level": "beginner", "format": "live",
               "schedule_date": (now + Duration::days(30)).date_naive(),
               "schedule_time": "16:00:00", "capacity_total": 1_000_000,
               "capacity_remaining": 1_000_000 - registered, "price_amount": "0.00",
               "outcomes": [self.words(4)], "tags": [self.words(1)],
               "status": "published", "is_featured": featured,
               "created_at": created, "updated_at": created});
        self.rows.push("workshops", row);
        id
    }

    /// A learner with points, preferences, achievements, enrollments in 3
    /// of `courses`, graded attempts and a workshop registration.
    #[allow(clippy::too_many_arguments)]
    fn learner(
        &mut self,
        org: Uuid,
        email: String,
        courses: &[(Uuid, Vec<Uuid>)],
        achievements: &[Uuid],
        workshop: Uuid,
        now: DateTime<Utc>,
    ) {
        let learner = self.user(org, email, "learner");
        let (tenant, created) = (self.tenant, self.created.clone());
        let mut total = 0;
        for _ in 0..POINT_TX_PER_LEARNER {
            let points = self.rng.random_range(5..100);
            total += points;
            let at = now - Duration::minutes(self.rng.random_range(0..60 * 24 * 60));
            let id = self.next(11);
            self.rows.push(
                "point_transactions",
                json!({"id": id, "tenant_id": tenant, "user_id": learner,
                       "points": points, "activity_type": "lesson_completed",
                       "metadata": {}, "timestamp": ts(at)}),
            );
        }
        let streak = self.rng.random_range(0..15);
        let id = self.next(12);
        let row = json!({"id": id, "tenant_id": tenant, "user_id": learner,
               "total_points": total, "current_level": 1 + total / 500,
               "current_streak": streak, "longest_streak": streak + self.rng.random_range(0..10),
               "updated_at": ts(now)});
        self.rows.push("user_points", row);
        let privacy = ["public", "public", "anonymous", "hidden"]
            .choose(self.rng)
            .copied();
        let id = self.next(13);
        self.rows.push(
            "user_preferences",
            json!({"id": id, "tenant_id": tenant, "user_id": learner,
                   "leaderboard_privacy": privacy,
                   "predictive_analytics_enabled": {}, "notification_preferences": {},
                   "updated_at": created}),
        );
        let earned: Vec<Uuid> = achievements.choose_multiple(self.rng, 2).copied().collect();
        for a in earned {
            let id = self.next(14);
            self.rows.push(
                "user_achievements",
                json!({"id": id, "tenant_id": tenant, "user_id": learner,
                       "achievement_id": a, "earned_at": created}),
            );
        }
        let enrolled: Vec<usize> = rand::seq::index::sample(self.rng, courses.len(), 3).into_vec();
        for &c in &enrolled {
            let id = self.next(15);
            let pct = self.rng.random_range(0..=100);
            self.rows.push(
                "enrollments",
                json!({"id": id, "tenant_id": tenant, "student_id": learner,
                       "course_id": courses[c].0, "progress": {},
                       "progress_percent": format!("{pct}.00"), "enrolled_at": created}),
            );
        }
        let mut attempts_of: HashMap<Uuid, i32> = HashMap::new();
        for _ in 0..4 {
            let c = enrolled[self.rng.random_range(0..enrolled.len())];
            let quizzes = &courses[c].1;
            let quiz = quizzes[self.rng.random_range(0..quizzes.len())];
            let n = attempts_of.entry(quiz).or_default();
            *n += 1;
            let right = self.rng.random_range(0..=3);
            let id = self.next(16);
            self.rows.push(
                "assessment_attempts",
                json!({"id": id, "tenant_id": tenant, "assessment_id": quiz,
                       "student_id": learner, "attempt_number": *n,
                       "answers": {"q1": "b", "q2": if right >= 2 {"b"} else {"a"}, "q3": "c"},
                       "score": right * 100 / 3, "points_earned": right * 10,
                       "total_points": 30, "passed": right >= 3, "time_spent": 300,
                       "submitted_at": created, "started_at": created}),
            );
        }
        let id = self.next(17);
        self.rows.push(
            "workshop_registrations",
            json!({"id": id, "tenant_id": tenant, "workshop_id": workshop,
                   "user_id": learner, "status": "registered", "price_paid": "0.00",
                   "registered_at": created, "created_at": created, "updated_at": created}),
        );
        let assessments = self.assessments;
        for (assessment, questions) in assessments {
            self.framework_attempt(learner, *assessment, questions, now);
        }
    }

    /// A completed attempt at a framework assessment: each question
    /// answered, right with a per-attempt probability (so competencies land
    /// weak, middling and strong), scored like the server scores it.
    fn framework_attempt(
        &mut self,
        learner: Uuid,
        assessment: Uuid,
        questions: &[(Uuid, i64)],
        now: DateTime<Utc>,
    ) {
        let tenant = self.tenant;
        let attempt = self.next(18);
        let skill: f64 = self.rng.random_range(0.2..0.95);
        let started = now - Duration::minutes(self.rng.random_range(60..60 * 24 * 60));
        let (mut right, mut spent) = (0usize, 0i64);
        let mut responses = Vec::with_capacity(questions.len());
        for &(question, answer) in questions {
            let is_correct = self.rng.random_bool(skill);
            let selected = if is_correct {
                answer
            } else {
                (answer + self.rng.random_range(1..4)) % 4
            };
            let secs = self.rng.random_range(20..180);
            right += usize::from(is_correct);
            spent += secs;
            let id = self.next(19);
            responses.push(json!({"id": id, "tenant_id": tenant, "attempt_id": attempt,
                   "question_id": question, "selected_answer": selected,
                   "is_correct": is_correct, "response_time": secs,
                   "created_at": ts(started + Duration::seconds(spent))}));
        }
        let score = (right as f64 * 100.0 / questions.len().max(1) as f64).round() as i64;
        self.rows.push(
            "user_attempts",
            json!({"id": attempt, "tenant_id": tenant, "user_id": learner,
                   "assessment_id": assessment, "score": score, "time_spent": spent,
                   "completed_at": ts(started + Duration::seconds(spent)),
                   "created_at": ts(started)}),
        );
        for r in responses {
            self.rows.push("user_responses", r);
        }
    }

    /// `units` units of the shape described in the module docs.
    fn units(&mut self, units: usize, achievements: &[Uuid], now: DateTime<Utc>) {
        let t = self.t;
        for u in 0..units {
            let org = self.next(1);
            let (tenant, created) = (self.tenant, self.created.clone());
            self.rows.push(
                "organizations",
                json!({"id": org, "tenant_id": tenant, "name": format!("Bench Org {t}-{u}"),
                       "slug": format!("bench-org-{u}"), "industry": "Technology",
                       "company_size": "51-200", "created_at": created, "updated_at": created}),
            );
            let instructor = self.user(
                org,
                format!("instructor{t}-{u}@bench.example"),
                "instructor",
            );
            for k in 0..2 {
                self.coach(org, format!("coach{t}-{u}-{k}@bench.example"));
            }
            let courses: Vec<(Uuid, Vec<Uuid>)> = (0..COURSES_PER_UNIT)
                .map(|_| self.course(org, instructor))
                .collect();
            let half = (LEARNERS_PER_UNIT / 2) as i32;
            let workshops = [
                self.workshop(instructor, half, true, now),
                self.workshop(instructor, half, false, now),
            ];
            for i in 0..LEARNERS_PER_UNIT {
                self.learner(
                    org,
                    format!("learner{t}-{u}-{i}@bench.example"),
                    &courses,
                    achievements,
                    workshops[i % 2],
                    now,
                );
            }
        }
    }
}

/// Adds the copies and the growth in one transaction; returns the rows added.
async fn generate(db: &DatabaseConnection, scale: u32) -> anyhow::Result<u64> {
    let shape = Shape::of(scale);
    let demo = coachql::seed::demo_tables()?;
    let txn = db.begin().await?;
    let mut all_tables = vec![demo.clone()];
    let mut added = 0;
    if shape.copies > 0 {
        let mut copies = Map::new();
        for c in 1..=shape.copies {
            for (table, rows) in demo_copy(&demo, c) {
                if let (Value::Array(all), Value::Array(rows)) = (
                    copies.entry(table).or_insert_with(|| Value::Array(vec![])),
                    rows,
                ) {
                    all.extend(rows);
                }
            }
        }
        added += coachql::seed::load_tables(&txn, &copies).await?;
        all_tables.push(copies);
    }
    let rows_in = |m: &Map<String, Value>, t: &str| -> Vec<Value> {
        m.get(t)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let password_hash = rows_in(&demo, "users")
        .first()
        .and_then(|u| u["password_hash"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut rng = SmallRng::seed_from_u64(0xC0AC_0051 ^ u64::from(scale));
    let now = Utc::now();
    let mut rows = Rows::default();
    let tenants: Vec<Value> = all_tables
        .iter()
        .flat_map(|m| rows_in(m, "tenants"))
        .collect();
    let achievements: Vec<Value> = all_tables
        .iter()
        .flat_map(|m| rows_in(m, "achievements"))
        .collect();
    let assessments: Vec<Value> = all_tables
        .iter()
        .flat_map(|m| rows_in(m, "framework_assessments"))
        .collect();
    let questions: Vec<Value> = all_tables
        .iter()
        .flat_map(|m| rows_in(m, "assessment_questions"))
        .collect();
    for (t, tenant) in tenants.iter().enumerate() {
        let id: Uuid = serde_json::from_value(tenant["id"].clone())?;
        let own: Vec<Uuid> = achievements
            .iter()
            .filter(|a| a["tenant_id"] == tenant["id"])
            .filter_map(|a| serde_json::from_value(a["id"].clone()).ok())
            .collect();
        let framework: Vec<Assessment> = assessments
            .iter()
            .filter(|a| a["tenant_id"] == tenant["id"] && a["is_active"] != false)
            .filter_map(|a| {
                let mut qs: Vec<(i64, Uuid, i64)> = questions
                    .iter()
                    .filter(|q| q["assessment_id"] == a["id"])
                    .filter_map(|q| {
                        Some((
                            q["question_order"].as_i64()?,
                            serde_json::from_value(q["id"].clone()).ok()?,
                            q["correct_answer"].as_i64()?,
                        ))
                    })
                    .collect();
                qs.sort();
                let qs: Vec<(Uuid, i64)> = qs.into_iter().map(|(_, q, ans)| (q, ans)).collect();
                Some((serde_json::from_value(a["id"].clone()).ok()?, qs))
            })
            .filter(|(_, qs)| !qs.is_empty())
            .collect();
        Grower {
            rows: &mut rows,
            rng: &mut rng,
            t,
            tenant: id,
            counter: HashMap::new(),
            created: ts(now - Duration::days(90)),
            password_hash: &password_hash,
            assessments: &framework,
        }
        .units(shape.units_per_tenant as usize, &own, now);
    }
    let n = rows.len();
    insert_all(&txn, &rows).await?;
    txn.commit().await?;
    Ok(added + n as u64)
}

/// Multi-row INSERTs of at most ~1000 rows (and 30000 bound values).
async fn insert_batched<E>(
    db: &impl ConnectionTrait,
    table: &str,
    rows: &[Value],
) -> anyhow::Result<()>
where
    E: EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel> + serde::de::DeserializeOwned,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let cols = rows
        .first()
        .and_then(Value::as_object)
        .map_or(1, Map::len)
        .max(1);
    let per = (30_000 / cols).clamp(1, 1000);
    for chunk in rows.chunks(per) {
        let models = chunk
            .iter()
            .map(coachql::seed::active_from_json::<E>)
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("building {table} rows"))?;
        E::insert_many(models)
            .exec_without_returning(db)
            .await
            .with_context(|| format!("inserting into {table}"))?;
    }
    Ok(())
}

async fn insert_all(db: &impl ConnectionTrait, rows: &Rows) -> anyhow::Result<()> {
    macro_rules! insert_each {
        ($($m:ident),* $(,)?) => {
            $(
                if let Some(list) = rows.0.get(stringify!($m)) {
                    insert_batched::<entity::$m::Entity>(db, stringify!($m), list).await?;
                }
            )*
        };
    }
    entity::for_each_entity!(insert_each);
    Ok(())
}

/// Reads back the ids the operations need (works on a reused dataset).
async fn load_ids(db: &DatabaseConnection) -> anyhow::Result<Dataset> {
    use entity::{
        courses, enrollments, framework_assessments, lessons, quizzes, talent_profiles, tenants,
        user_attempts, user_roles, users, workshops,
    };
    let mut by_tenant: BTreeMap<Uuid, Tenant> = BTreeMap::new();
    for t in tenants::Entity::find().all(db).await? {
        by_tenant.insert(
            t.id,
            Tenant {
                id: t.id,
                courses: vec![],
                learners: vec![],
                workshops: vec![],
                expertise: vec![],
            },
        );
    }
    let lesson_course: HashMap<Uuid, Uuid> = lessons::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.course_id))
        .collect();
    let mut quizzes_of: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for q in quizzes::Entity::find().all(db).await? {
        // Only quizzes with unlimited attempts and questions q1..q3 (the
        // generated ones): the write op submits many attempts answering those.
        let ids: Vec<&str> = q
            .questions
            .as_array()
            .map(|qs| qs.iter().filter_map(|x| x["id"].as_str()).collect())
            .unwrap_or_default();
        if q.max_attempts.is_some() || ids != ["q1", "q2", "q3"] {
            continue;
        }
        if let Some(c) = q
            .course_id
            .or_else(|| q.lesson_id.and_then(|l| lesson_course.get(&l).copied()))
        {
            quizzes_of.entry(c).or_default().push(q.id);
        }
    }
    for c in courses::Entity::find()
        .filter(courses::Column::IsPublished.eq(true))
        .all(db)
        .await?
    {
        if let Some(t) = by_tenant.get_mut(&c.tenant_id) {
            t.courses.push(c.id);
        }
    }
    for w in workshops::Entity::find()
        .filter(workshops::Column::Status.eq("published"))
        .all(db)
        .await?
    {
        if let Some(t) = by_tenant.get_mut(&w.tenant_id) {
            t.workshops.push(w.id);
        }
    }
    let mut enrolled: HashMap<(Uuid, Uuid), Vec<Uuid>> = HashMap::new();
    for e in enrollments::Entity::find().all(db).await? {
        enrolled
            .entry((e.tenant_id, e.student_id))
            .or_default()
            .extend(quizzes_of.get(&e.course_id).into_iter().flatten());
    }
    for p in talent_profiles::Entity::find()
        .filter(talent_profiles::Column::IsPublic.eq(true))
        .filter(talent_profiles::Column::AcceptingClients.eq(true))
        .all(db)
        .await?
    {
        if let (Some(t), Some(list)) = (by_tenant.get_mut(&p.tenant_id), p.expertise.as_array()) {
            t.expertise
                .extend(list.iter().filter_map(|e| e.as_str().map(str::to_owned)));
        }
    }
    for t in by_tenant.values_mut() {
        t.expertise.sort();
        t.expertise.dedup();
    }
    let active: HashSet<Uuid> = framework_assessments::Entity::find()
        .filter(framework_assessments::Column::IsActive.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut attempts: HashMap<(Uuid, Uuid), Vec<Uuid>> = HashMap::new();
    for a in user_attempts::Entity::find()
        .filter(user_attempts::Column::CompletedAt.is_not_null())
        .all(db)
        .await?
    {
        if active.contains(&a.assessment_id) {
            attempts
                .entry((a.tenant_id, a.user_id))
                .or_default()
                .push(a.id);
        }
    }
    let emails: HashMap<Uuid, String> = users::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    for r in user_roles::Entity::find()
        .filter(user_roles::Column::Role.eq("learner"))
        .all(db)
        .await?
    {
        let (Some(t), Some(email)) = (by_tenant.get_mut(&r.tenant_id), emails.get(&r.user_id))
        else {
            continue;
        };
        t.learners.push(Learner {
            id: r.user_id,
            email: email.clone(),
            quizzes: enrolled
                .remove(&(r.tenant_id, r.user_id))
                .unwrap_or_default(),
            attempts: attempts
                .get(&(r.tenant_id, r.user_id))
                .cloned()
                .unwrap_or_default(),
        });
    }
    let rows = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT row_count FROM {MARKER}"),
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "row_count"))
        .transpose()?
        .unwrap_or_default();
    Ok(Dataset {
        tenants: by_tenant.into_values().collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_grow_tenants_and_units() {
        let s = |scale| {
            let s = Shape::of(scale);
            (s.copies, s.units_per_tenant)
        };
        assert_eq!(s(1), (0, 1));
        assert_eq!(s(10), (3, 2));
        assert_eq!(s(100), (9, 5));
        assert_eq!(s(1000), (31, 16));
    }

    #[test]
    fn copies_remap_ids_and_unique_texts() {
        let demo = coachql::seed::demo_tables().unwrap();
        let copy = demo_copy(&demo, 3);
        let id = |m: &Map<String, Value>, t: &str| m[t][0]["id"].as_str().unwrap().to_owned();
        assert_ne!(id(&demo, "courses"), id(&copy, "courses"));
        assert_eq!(
            Uuid::parse_str(&id(&copy, "courses"))
                .unwrap()
                .get_version_num(),
            4
        );
        // A reference in a child row follows its parent's new id.
        assert_eq!(
            copy["lessons"][0]["course_id"],
            remap(&demo["lessons"][0]["course_id"], 3)
        );
        assert!(copy["users"][0]["email"].as_str().unwrap().contains("+c3@"));
        assert!(
            copy["tenants"][0]["slug"]
                .as_str()
                .unwrap()
                .ends_with("-c3")
        );
        // Demo ids and generated ids never collide.
        assert_ne!(
            remap(&Value::from(id(&demo, "courses")), 1),
            Value::from(gid(5, 0, 1).to_string())
        );
        assert_eq!(gid(5, 2, 7).get_version_num(), 4);
    }

    #[test]
    fn server_url_drops_the_database() {
        assert_eq!(
            server_url("postgres://u@h:5432/db?x=1"),
            "postgres://u@h:5432"
        );
        assert_eq!(server_url("postgres://u@h:5432"), "postgres://u@h:5432");
        assert_eq!(
            url_for(
                Backend::Postgres,
                "postgres://u@h:5432/x?sslmode=disable",
                10
            ),
            "postgres://u@h:5432/coachql_bench_10?sslmode=disable"
        );
    }
}
