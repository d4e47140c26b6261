//! The seeds' row-level security policies, as named read rules. A rule says
//! who it admits and which rows it lets them read; the rows a caller may read
//! in a table are the union of the rules that admit them. Tenant admins and
//! platform admins read everything in their tenant (every seed's "admin
//! override"); a table with no rule admitting the caller reads nothing.
//!
//! Rules build SQL conditions (sea-query), applied by `store::Scope` on top
//! of the tenant condition, so they hold for root lists, nested relations,
//! `node(id:)` and counts alike. Conditions that look through a parent
//! (lessons of visible courses, chunks of visible data items, …) reuse the
//! parent's own rules, so a policy is written once.

use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement};
use uuid::Uuid;

use crate::{Principal, Role};

/// Who a rule admits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Anyone in the tenant, including anonymous callers naming it.
    Anyone,
    /// Any authenticated member of the tenant.
    Member,
    /// Members holding this role.
    Role(Role),
}

impl Who {
    pub fn admits(self, p: &Principal) -> bool {
        match self {
            Who::Anyone => true,
            Who::Member => p.is_authenticated(),
            Who::Role(r) => p.has_role(r),
        }
    }
}

/// One named read rule on one table.
pub struct Rule {
    pub name: &'static str,
    pub table: &'static str,
    pub who: Who,
    /// The rows it makes readable.
    pub rows: Rows,
    /// The seed policy it implements.
    pub source: &'static str,
}

/// The rows a rule makes readable.
#[derive(Clone, Copy)]
pub enum Rows {
    /// Those matching a condition (unqualified column names of the table).
    Where(fn(&Principal) -> Condition),
    /// Those whose `column` holds the id of a row of `parent` the caller
    /// may read (by `parent`'s own rules), for any one of the pairs. A read
    /// that reaches these rows from such a parent row, by that column,
    /// needs no condition of its own ([`implied_through`]).
    Through(&'static [(&'static str, &'static str)]),
}

impl Rows {
    /// The condition on `table`'s rows (the table this rule is about).
    fn condition(self, table: &'static str, p: &Principal) -> Condition {
        match self {
            Rows::Where(f) => f(p),
            Rows::Through(links) => links
                .iter()
                .fold(Condition::any(), |any, &(column, parent)| {
                    any.add(readable_parent(table, column, parent, p))
                }),
        }
    }
}

/// `table`'s row points by `column` at a `parent` row `p` may read:
/// `EXISTS (SELECT 1 FROM parent WHERE tenant AND parent.id =
/// table.column AND parent's rules)`. A probe of the parent's key per
/// row, where `column IN (SELECT id FROM parent WHERE …)` made PostgreSQL
/// hash every readable parent row of the tenant even to read one child
/// (a quiz by id hashed the tenant's courses and lessons).
fn readable_parent(
    table: &'static str,
    column: &'static str,
    parent: &'static str,
    p: &Principal,
) -> Condition {
    if table == parent {
        // The correlation would name the inner table: keep the list form.
        return within(column, visible(parent, p));
    }
    let probe = Query::select()
        .expr(Expr::val(1))
        .from(parent)
        .cond_where(
            Condition::all()
                .add(Expr::col((parent, "tenant_id")).eq(p.tenant_id))
                .add(Expr::col((parent, "id")).equals((table, column)))
                .add(read_filter(parent, p)),
        )
        .take();
    cond(Expr::exists(probe))
}

/// Whether every row of `table` whose `column` holds the id of a `parent`
/// row that `p` may read is itself readable by `p`: a rule admitting `p`
/// reads `table` through (`column`, `parent`), or `p` reads all. The
/// compiled read path then lists the children of a parent row it read
/// through `parent`'s rules without repeating those rules per child.
pub fn implied_through(table: &str, column: &str, parent: &str, p: &Principal) -> bool {
    is_admin(p)
        || RULES.iter().any(|r| {
            r.table == table
                && r.who.admits(p)
                && matches!(r.rows, Rows::Through(links) if links.contains(&(column, parent)))
        })
}

/// Tenant and platform administrators: every seed's admin override.
pub fn is_admin(p: &Principal) -> bool {
    p.has_role(Role::PlatformAdmin) || p.has_role(Role::TenantAdmin)
}

fn deny() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

/// The condition on `table`'s rows `p` may read, beyond the tenant.
pub fn read_filter(table: &str, p: &Principal) -> Condition {
    if is_admin(p) {
        return Condition::all();
    }
    let mut any = Condition::any();
    let mut admitted = false;
    for rule in RULES.iter().filter(|r| r.table == table && r.who.admits(p)) {
        any = any.add(rule.rows.condition(rule.table, p));
        admitted = true;
    }
    if admitted { any } else { deny() }
}

/// The names of the rules that admit `p` on `table` (for errors and docs).
pub fn rules_for(table: &str) -> impl Iterator<Item = &'static Rule> + '_ {
    RULES.iter().copied().filter(move |r| r.table == table)
}

fn me(p: &Principal) -> Uuid {
    // nil matches no row: anonymous callers own nothing.
    p.user_id.unwrap_or(Uuid::nil())
}

fn org(p: &Principal) -> Uuid {
    p.organization_id.unwrap_or(Uuid::nil())
}

fn cond(e: Expr) -> Condition {
    Condition::all().add(e)
}

fn is(col: &'static str, v: impl Into<Expr>) -> Condition {
    cond(Expr::col(col).eq(v))
}

fn mine(col: &'static str, p: &Principal) -> Condition {
    is(col, me(p))
}

/// `SELECT column FROM table WHERE tenant_id = p.tenant AND where_`.
fn select(
    table: &'static str,
    column: &'static str,
    where_: Condition,
    p: &Principal,
) -> SelectStatement {
    Query::select()
        .column(column)
        .from(table)
        .cond_where(
            Condition::all()
                .add(Expr::col("tenant_id").eq(p.tenant_id))
                .add(where_),
        )
        .take()
}

fn within(col: &'static str, sub: SelectStatement) -> Condition {
    cond(Expr::col(col).in_subquery(sub))
}

/// Ids of `table`'s rows `p` may read (by `table`'s own rules).
fn visible(table: &'static str, p: &Principal) -> SelectStatement {
    select(table, "id", read_filter(table, p), p)
}

/// Courses `p` teaches.
fn my_courses(p: &Principal) -> SelectStatement {
    select("courses", "id", mine("instructor_id", p), p)
}

/// Learners enrolled in courses `p` teaches (seed 004's `trainer_students`).
fn my_students(p: &Principal) -> SelectStatement {
    select(
        "enrollments",
        "student_id",
        within("course_id", my_courses(p)),
        p,
    )
}

/// Members of `p`'s organization.
fn org_members(p: &Principal) -> SelectStatement {
    select("user_roles", "user_id", is("organization_id", org(p)), p)
}

/// Coach records linked to `p`.
fn my_coach_records(p: &Principal) -> SelectStatement {
    select("coaches", "id", mine("user_id", p), p)
}

/// Quizzes of courses `p` teaches (attached to the course or to a lesson).
fn my_quizzes(p: &Principal) -> SelectStatement {
    let lessons = select("lessons", "id", within("course_id", my_courses(p)), p);
    select(
        "quizzes",
        "id",
        Condition::any()
            .add(Expr::col("course_id").in_subquery(my_courses(p)))
            .add(Expr::col("lesson_id").in_subquery(lessons)),
        p,
    )
}

macro_rules! rule {
    ($name:literal, $table:literal, $who:expr, $source:literal,
     through($(($column:literal, $parent:literal)),+ $(,)?)) => {
        Rule {
            name: $name,
            table: $table,
            who: $who,
            rows: Rows::Through(&[$(($column, $parent)),+]),
            source: $source,
        }
    };
    ($name:literal, $table:literal, $who:expr, $source:literal, $rows:expr) => {
        Rule {
            name: $name,
            table: $table,
            who: $who,
            rows: Rows::Where($rows),
            source: $source,
        }
    };
}

/// Seed 004's three read rules on a per-learner analytics table.
macro_rules! analytics_rules {
    ($table:literal) => {
        [
            rule!(
                "own_analytics",
                $table,
                Who::Member,
                "004 learner_own_data",
                |p| mine("user_id", p)
            ),
            rule!(
                "trainers_see_their_students",
                $table,
                Who::Role(Role::Instructor),
                "004 trainer_student_data",
                |p| within("user_id", my_students(p))
            ),
            rule!(
                "org_admins_see_their_org",
                $table,
                Who::Role(Role::OrgAdmin),
                "004 org_admin_data",
                |p| within("user_id", org_members(p))
            ),
        ]
    };
}

/// Seed 000's public read rule on active reference content.
macro_rules! active_content {
    ($table:literal) => {
        rule!(
            "active_reference_content",
            $table,
            Who::Anyone,
            "000 assessment content is publicly readable",
            |_| is("is_active", true)
        )
    };
}

static ANALYTICS: [[Rule; 3]; 8] = [
    analytics_rules!("user_skills"),
    analytics_rules!("learner_velocity_analytics"),
    analytics_rules!("user_points"),
    analytics_rules!("point_transactions"),
    analytics_rules!("user_achievements"),
    analytics_rules!("daily_activity"),
    analytics_rules!("predictive_analytics_cache"),
    analytics_rules!("user_preferences"),
];

static BASE: &[Rule] = &[
    // Identity.
    rule!(
        "own_tenant",
        "tenants",
        Who::Anyone,
        "one tenant per request (docs/ARCHITECTURE.md, tenancy model)",
        |p| is("id", p.tenant_id)
    ),
    rule!(
        "own_profile",
        "users",
        Who::Member,
        "001/003 users see own profile",
        |p| mine("id", p)
    ),
    rule!(
        "instructors_see_student_profiles",
        "users",
        Who::Role(Role::Instructor),
        "003 instructors can view student profiles",
        |_| Condition::all()
    ),
    rule!(
        "members_see_own_organization",
        "organizations",
        Who::Member,
        "001 org members see their org",
        |p| is("id", org(p))
    ),
    rule!(
        "own_memberships",
        "user_roles",
        Who::Member,
        "001 users see own roles",
        |p| mine("user_id", p)
    ),
    rule!(
        "org_admins_see_org_memberships",
        "user_roles",
        Who::Role(Role::OrgAdmin),
        "004 org admins see their org",
        |p| is("organization_id", org(p))
    ),
    // Seed 000: competency assessments.
    active_content!("framework_assessments"),
    rule!(
        "active_assessment_questions",
        "assessment_questions",
        Who::Anyone,
        "000 assessment content is publicly readable",
        through(("assessment_id", "framework_assessments"))
    ),
    rule!(
        "own_attempts",
        "user_attempts",
        Who::Member,
        "000 users can only see their own attempts",
        |p| mine("user_id", p)
    ),
    rule!(
        "own_responses",
        "user_responses",
        Who::Member,
        "000 users can only see their own responses",
        |p| within(
            "attempt_id",
            select("user_attempts", "id", mine("user_id", p), p)
        )
    ),
    active_content!("skill_tags"),
    rule!(
        "active_tag_insights",
        "tag_insights",
        Who::Anyone,
        "000 assessment content is publicly readable",
        through(("skill_tag_id", "skill_tags"))
    ),
    active_content!("tag_actions"),
    active_content!("competency_display_names"),
    active_content!("competency_leverage_strengths"),
    active_content!("learning_path_categories"),
    active_content!("learning_resources"),
    // Seed 003: learning.
    rule!(
        "published_courses",
        "courses",
        Who::Anyone,
        "003 anyone can view published courses",
        |_| is("is_published", true)
    ),
    rule!(
        "enrolled_courses",
        "courses",
        Who::Member,
        "003 students can view enrolled courses",
        |p| within(
            "id",
            select("enrollments", "course_id", mine("student_id", p), p)
        )
    ),
    rule!(
        "instructors_manage_own_courses",
        "courses",
        Who::Role(Role::Instructor),
        "003 instructors can manage own courses",
        |p| mine("instructor_id", p)
    ),
    rule!(
        "lessons_of_visible_courses",
        "lessons",
        Who::Anyone,
        "003 course-based access",
        through(("course_id", "courses"))
    ),
    rule!(
        "content_of_visible_lessons",
        "content_blocks",
        Who::Anyone,
        "003 course-based access",
        through(("lesson_id", "lessons"))
    ),
    rule!(
        "quizzes_of_visible_courses",
        "quizzes",
        Who::Anyone,
        "003 course-based access",
        through(("course_id", "courses"), ("lesson_id", "lessons"))
    ),
    rule!(
        "students_manage_own_attempts",
        "assessment_attempts",
        Who::Member,
        "003 students can manage own assessment attempts",
        |p| mine("student_id", p)
    ),
    rule!(
        "instructors_see_course_attempts",
        "assessment_attempts",
        Who::Role(Role::Instructor),
        "003 instructors can view course assessment attempts",
        |p| within("assessment_id", my_quizzes(p))
    ),
    rule!(
        "own_enrollments",
        "enrollments",
        Who::Member,
        "003 data isolation",
        |p| mine("student_id", p)
    ),
    rule!(
        "instructors_see_course_enrollments",
        "enrollments",
        Who::Role(Role::Instructor),
        "003 instructor ownership",
        |p| within("course_id", my_courses(p))
    ),
    rule!(
        "own_progress",
        "student_progress",
        Who::Member,
        "003 data isolation",
        |p| mine("student_id", p)
    ),
    rule!(
        "instructors_see_course_progress",
        "student_progress",
        Who::Role(Role::Instructor),
        "003 instructor ownership",
        |p| within("course_id", my_courses(p))
    ),
    rule!(
        "own_roadmaps",
        "personalized_roadmaps",
        Who::Member,
        "003 data isolation",
        |p| mine("student_id", p)
    ),
    rule!(
        "trainers_see_student_roadmaps",
        "personalized_roadmaps",
        Who::Role(Role::Instructor),
        "004 trainer_student_data",
        |p| within("student_id", my_students(p))
    ),
    rule!(
        "own_learning_progress",
        "learning_progress",
        Who::Member,
        "003 data isolation",
        |p| mine("student_id", p)
    ),
    rule!(
        "trainers_see_student_learning_progress",
        "learning_progress",
        Who::Role(Role::Instructor),
        "004 trainer_student_data",
        |p| within("student_id", my_students(p))
    ),
    // Seed 001: workshops, adaptability, marketplace, commerce.
    rule!(
        "published_workshops",
        "workshops",
        Who::Anyone,
        "001 public sees published workshops",
        |_| is("status", entity::enums::WorkshopStatus::Published.as_str())
    ),
    rule!(
        "instructors_see_own_workshops",
        "workshops",
        Who::Role(Role::Instructor),
        "001 instructors see own workshops",
        |p| mine("instructor_id", p)
    ),
    rule!(
        "own_registrations",
        "workshop_registrations",
        Who::Member,
        "001 users see own enrollments",
        |p| mine("user_id", p)
    ),
    rule!(
        "instructors_see_workshop_registrations",
        "workshop_registrations",
        Who::Role(Role::Instructor),
        "001 instructors manage own workshops",
        |p| within(
            "workshop_id",
            select("workshops", "id", mine("instructor_id", p), p)
        )
    ),
    rule!(
        "own_adaptability_assessments",
        "adaptability_assessments",
        Who::Member,
        "001 users see own assessments",
        |p| mine("user_id", p)
    ),
    rule!(
        "org_admins_see_org_assessments",
        "adaptability_assessments",
        Who::Role(Role::OrgAdmin),
        "001 org admins see org's assessments",
        |p| is("organization_id", org(p))
    ),
    rule!(
        "answers_of_visible_assessments",
        "assessment_answers",
        Who::Member,
        "001 users see own assessments",
        through(("assessment_id", "adaptability_assessments"))
    ),
    rule!(
        "public_talent_profiles",
        "talent_profiles",
        Who::Anyone,
        "001 public sees is_public profiles",
        |_| is("is_public", true)
    ),
    rule!(
        "own_talent_profile",
        "talent_profiles",
        Who::Member,
        "001 experts manage own profile",
        |p| mine("user_id", p)
    ),
    rule!(
        "testimonials_of_visible_profiles",
        "talent_testimonials",
        Who::Anyone,
        "001 public sees is_public profiles",
        through(("talent_profile_id", "talent_profiles"))
    ),
    rule!(
        "engagement_parties",
        "engagements",
        Who::Member,
        "001 parties see their engagements",
        |p| {
            Condition::any()
                .add(Expr::col("client_id").eq(me(p)))
                .add(Expr::col("expert_id").eq(me(p)))
        }
    ),
    rule!(
        "sessions_of_own_engagements",
        "engagement_sessions",
        Who::Member,
        "001 parties see their engagements",
        through(("engagement_id", "engagements"))
    ),
    rule!(
        "own_payments",
        "payments",
        Who::Member,
        "001 users see own payments",
        |p| mine("user_id", p)
    ),
    rule!(
        "org_members_see_org_payments",
        "payments",
        Who::Member,
        "001 org members see org's payments",
        |p| is("organization_id", org(p))
    ),
    rule!(
        "own_certificates",
        "certificates",
        Who::Member,
        "001 users see own certificates",
        |p| mine("user_id", p)
    ),
    rule!(
        "issuers_see_issued_certificates",
        "certificates",
        Who::Role(Role::Instructor),
        "001 certificates: issued_by instructor/admin",
        |p| mine("issued_by", p)
    ),
    rule!(
        "approved_reviews",
        "reviews",
        Who::Anyone,
        "001 everyone sees approved reviews",
        |_| is("status", entity::enums::ReviewStatus::Approved.as_str())
    ),
    rule!(
        "own_reviews",
        "reviews",
        Who::Member,
        "001 users see own reviews",
        |p| mine("user_id", p)
    ),
    rule!(
        "own_review_votes",
        "review_votes",
        Who::Member,
        "001 community voting: users see their own votes",
        |p| mine("user_id", p)
    ),
    // Seed 002: coaching. Visibility: private (creator), coach_only (coach
    // and creator), org_visible (the organization's members and the coach),
    // public (everyone).
    rule!(
        "coach_directory",
        "coaches",
        Who::Member,
        "002 coaches of the company",
        |_| Condition::all()
    ),
    rule!(
        "own_client_record",
        "clients",
        Who::Member,
        "002 client sees self",
        |p| mine("user_id", p)
    ),
    rule!(
        "coaches_see_their_clients",
        "clients",
        Who::Role(Role::Coach),
        "002 coach hierarchy",
        |p| within("primary_coach_id", my_coach_records(p))
    ),
    rule!(
        "org_admins_see_org_clients",
        "clients",
        Who::Role(Role::OrgAdmin),
        "004 org admins see their org",
        |p| is("client_organization_id", org(p))
    ),
    rule!(
        "coaching_model_library",
        "coaching_models",
        Who::Member,
        "002 models of the company",
        |_| Condition::all()
    ),
    rule!(
        "coach_model_links",
        "coach_model_associations",
        Who::Member,
        "002 models of the company",
        |_| Condition::all()
    ),
    rule!(
        "data_items_public",
        "data_items",
        Who::Anyone,
        "002 visibility public",
        |_| is("visibility_level", "public")
    ),
    rule!(
        "data_items_creator",
        "data_items",
        Who::Member,
        "002 visibility private: only creator",
        |p| mine("created_by_user_id", p)
    ),
    rule!(
        "data_items_coach",
        "data_items",
        Who::Role(Role::Coach),
        "002 visibility coach_only / org_visible",
        |p| {
            cond(Expr::col("visibility_level").is_in(["coach_only", "org_visible"]))
                .add(Expr::col("coach_id").in_subquery(my_coach_records(p)))
        }
    ),
    rule!(
        "data_items_org_visible",
        "data_items",
        Who::Member,
        "002 visibility org_visible",
        |p| {
            is("visibility_level", "org_visible")
                .add(Expr::col("client_organization_id").eq(org(p)))
        }
    ),
    rule!(
        "chunks_of_visible_items",
        "data_chunks",
        Who::Anyone,
        "002 visibility of the parent item",
        through(("data_item_id", "data_items"))
    ),
    // Seed 004: reference data of analytics and gamification.
    rule!("skill_catalog", "skills", Who::Member, "004 skills", |_| {
        Condition::all()
    }),
    rule!(
        "achievement_catalog",
        "achievements",
        Who::Member,
        "004 achievements",
        |_| Condition::all()
    ),
];

/// Every rule.
pub static RULES: std::sync::LazyLock<Vec<&'static Rule>> =
    std::sync::LazyLock::new(|| BASE.iter().chain(ANALYTICS.iter().flatten()).collect());

/// How one column reads for one caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldAccess {
    Visible,
    /// Read as null.
    Hidden,
    /// A JSON array of objects with these keys removed from each element.
    Redacted(&'static [&'static str]),
}

/// Columns no one reads through the API.
pub const SECRET_COLUMNS: &[(&str, &str)] = &[("users", "password_hash")];

/// Columns only staff (admins and instructors) read: the answers to the
/// assessments learners take.
const STAFF_COLUMNS: &[(&str, &str)] = &[
    ("assessment_questions", "correct_answer"),
    ("assessment_questions", "explanation"),
];

/// JSON columns whose elements lose these keys for non-staff.
const REDACTED_JSON: &[(&str, &str, &[&str])] =
    &[("quizzes", "questions", &["correct_answer", "explanation"])];

/// Admins and instructors: the staff who read answer keys, author courses
/// and run workshops.
pub fn is_staff(p: &Principal) -> bool {
    is_admin(p) || p.has_role(Role::Instructor)
}

/// Staff and org admins: who awards points to the learners whose analytics
/// they read.
pub fn is_staff_or_org_admin(p: &Principal) -> bool {
    is_staff(p) || p.has_role(Role::OrgAdmin)
}

/// Whether `column` of `table` is read-restricted for someone, so the API
/// must declare it nullable.
pub fn is_restricted(table: &str, column: &str) -> bool {
    STAFF_COLUMNS.contains(&(table, column))
}

pub fn field_access(table: &str, column: &str, p: &Principal) -> FieldAccess {
    if SECRET_COLUMNS.contains(&(table, column)) {
        return FieldAccess::Hidden;
    }
    if is_staff(p) {
        return FieldAccess::Visible;
    }
    if STAFF_COLUMNS.contains(&(table, column)) {
        return FieldAccess::Hidden;
    }
    match REDACTED_JSON
        .iter()
        .find(|(t, c, _)| *t == table && *c == column)
    {
        Some((_, _, keys)) => FieldAccess::Redacted(keys),
        None => FieldAccess::Visible,
    }
}

/// Whether anonymous callers (naming their tenant with `X-Tenant`) may read
/// some rows of `table`: a rule admits `Anyone`. Reading any other table
/// without a token is `UNAUTHENTICATED`, not an empty answer.
pub fn is_public(table: &str) -> bool {
    rules_for(table).any(|r| r.who == Who::Anyone)
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::PostgresQueryBuilder;

    use super::*;

    fn learner() -> Principal {
        Principal {
            tenant_id: Uuid::from_u128(1),
            user_id: Some(Uuid::from_u128(2)),
            roles: vec![Role::Learner],
            organization_id: None,
        }
    }

    #[test]
    fn a_rule_through_a_parent_is_implied_under_that_parent_only() {
        let p = learner();
        assert!(implied_through("lessons", "course_id", "courses", &p));
        assert!(implied_through(
            "content_blocks",
            "lesson_id",
            "lessons",
            &p
        ));
        assert!(implied_through("quizzes", "course_id", "courses", &p));
        assert!(implied_through("quizzes", "lesson_id", "lessons", &p));
        // Another column, another parent, or a rule of its own: not implied.
        assert!(!implied_through("quizzes", "course_id", "lessons", &p));
        assert!(!implied_through("lessons", "assessment_id", "quizzes", &p));
        assert!(!implied_through("enrollments", "course_id", "courses", &p));
        assert!(!implied_through(
            "assessment_attempts",
            "assessment_id",
            "quizzes",
            &p
        ));
        // A through rule that does not admit the caller implies nothing.
        let anonymous = Principal::anonymous(p.tenant_id);
        assert!(!implied_through(
            "assessment_answers",
            "assessment_id",
            "adaptability_assessments",
            &anonymous
        ));
        assert!(implied_through(
            "assessment_answers",
            "assessment_id",
            "adaptability_assessments",
            &p
        ));
    }

    #[test]
    fn a_rule_through_a_parent_reads_the_parents_own_rules() {
        let p = learner();
        let sql = Query::select()
            .column("id")
            .from("lessons")
            .cond_where(read_filter("lessons", &p))
            .to_string(PostgresQueryBuilder);
        let courses = Query::select()
            .column("id")
            .from("courses")
            .cond_where(read_filter("courses", &p))
            .to_string(PostgresQueryBuilder);
        let courses = courses.trim_start_matches(r#"SELECT "id" FROM "courses" WHERE "#);
        // A probe of the lesson's own course, not a list of every course.
        assert!(
            sql.contains(r#"EXISTS(SELECT 1 FROM "courses" WHERE "courses"."tenant_id" = "#),
            "{sql}"
        );
        assert!(
            sql.contains(r#""courses"."id" = "lessons"."course_id""#),
            "{sql}"
        );
        assert!(sql.contains(courses), "{sql}\n{courses}");
    }
}
