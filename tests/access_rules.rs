//! Every read rule of `auth::policy` (the seeds' RLS policies), exercised
//! through GraphQL: the ids a caller gets from a root connection must equal
//! what an independent SQL statement of the rule selects.

mod common;

use std::collections::BTreeSet;

use common::TestServer;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

const T: &str = "10000000-0000-4000-8000-000000000001";
const ADA: &str = "20000000-0000-4000-8000-000000000002";
const OLGA: &str = "20000000-0000-4000-8000-000000000003";
const IVAN: &str = "20000000-0000-4000-8000-000000000004";
const CORA: &str = "20000000-0000-4000-8000-000000000005";
const ELI: &str = "20000000-0000-4000-8000-000000000006";
const CLARA: &str = "20000000-0000-4000-8000-000000000007";
const LEO: &str = "20000000-0000-4000-8000-000000000008";
const PRIYA: &str = "20000000-0000-4000-8000-000000000012";
const GRACE: &str = "20000000-0000-4000-8000-000000000013";

fn email(user: &str) -> &'static str {
    match user {
        ADA => "ada@insideout.example",
        OLGA => "olga@acme.example",
        IVAN => "ivan@insideout.example",
        CORA => "cora@insideout.example",
        ELI => "eli@insideout.example",
        CLARA => "clara@acme.example",
        LEO => "leo@learner.example",
        PRIYA => "priya@insideout.example",
        GRACE => "grace@globex.example",
        _ => unreachable!(),
    }
}

/// One rule check: `who` (a user id, or "anon") reading `root` (a root
/// connection over `table`) sees exactly the rows `oracle` selects
/// (an SQL condition on `table`; `{me}` and `{t}` are substituted).
struct Case {
    rule: &'static str,
    table: &'static str,
    root: &'static str,
    who: &'static str,
    oracle: &'static str,
}

const fn case(
    rule: &'static str,
    table: &'static str,
    root: &'static str,
    who: &'static str,
    oracle: &'static str,
) -> Case {
    Case {
        rule,
        table,
        root,
        who,
        oracle,
    }
}

const MY_COURSES: &str = "SELECT id FROM courses WHERE instructor_id = '{me}'";
const MY_STUDENTS: &str = "SELECT student_id FROM enrollments WHERE course_id IN (SELECT id FROM courses WHERE instructor_id = '{me}')";
const MY_ORG: &str =
    "SELECT organization_id FROM user_roles WHERE user_id = '{me}' AND role = 'org_admin'";
const ORG_MEMBERS: &str = "SELECT user_id FROM user_roles WHERE organization_id IN (SELECT organization_id FROM user_roles WHERE user_id = '{me}' AND role = 'org_admin')";

fn cases() -> Vec<Case> {
    let mut v = vec![
        case("own_tenant", "tenants", "tenants", LEO, "id = '{t}'"),
        case("own_profile", "users", "users", LEO, "id = '{me}'"),
        case(
            "instructors_see_student_profiles",
            "users",
            "users",
            IVAN,
            "id IN (SELECT user_id FROM user_roles WHERE tenant_id = '{t}')",
        ),
        case(
            "members_see_own_organization",
            "organizations",
            "organizations",
            CLARA,
            "id IN (SELECT organization_id FROM user_roles WHERE user_id = '{me}')",
        ),
        case(
            "own_memberships",
            "user_roles",
            "memberships",
            LEO,
            "user_id = '{me}'",
        ),
        case(
            "org_admins_see_org_memberships",
            "user_roles",
            "memberships",
            OLGA,
            "user_id = '{me}' OR organization_id IN (SELECT organization_id FROM user_roles WHERE user_id = '{me}' AND role = 'org_admin')",
        ),
        case(
            "active_reference_content",
            "framework_assessments",
            "frameworkAssessments",
            "anon",
            "is_active",
        ),
        case(
            "active_assessment_questions",
            "assessment_questions",
            "assessmentQuestions",
            "anon",
            "assessment_id IN (SELECT id FROM framework_assessments WHERE is_active)",
        ),
        case(
            "own_attempts",
            "user_attempts",
            "userAttempts",
            LEO,
            "user_id = '{me}'",
        ),
        case(
            "own_responses",
            "user_responses",
            "userResponses",
            LEO,
            "attempt_id IN (SELECT id FROM user_attempts WHERE user_id = '{me}')",
        ),
        case(
            "active_reference_content",
            "skill_tags",
            "skillTags",
            "anon",
            "is_active",
        ),
        case(
            "active_tag_insights",
            "tag_insights",
            "tagInsights",
            "anon",
            "skill_tag_id IN (SELECT id FROM skill_tags WHERE is_active)",
        ),
        case(
            "active_reference_content",
            "tag_actions",
            "tagActions",
            "anon",
            "is_active",
        ),
        case(
            "active_reference_content",
            "competency_display_names",
            "competencyDisplayNames",
            "anon",
            "is_active",
        ),
        case(
            "active_reference_content",
            "competency_leverage_strengths",
            "competencyLeverageStrengths",
            "anon",
            "is_active",
        ),
        case(
            "active_reference_content",
            "learning_path_categories",
            "learningPathCategories",
            "anon",
            "is_active",
        ),
        case(
            "active_reference_content",
            "learning_resources",
            "learningResources",
            "anon",
            "is_active",
        ),
        case(
            "published_courses",
            "courses",
            "courses",
            "anon",
            "is_published",
        ),
        case(
            "enrolled_courses",
            "courses",
            "courses",
            LEO,
            "is_published OR id IN (SELECT course_id FROM enrollments WHERE student_id = '{me}')",
        ),
        case(
            "instructors_manage_own_courses",
            "courses",
            "courses",
            IVAN,
            "is_published OR instructor_id = '{me}'",
        ),
        case(
            "lessons_of_visible_courses",
            "lessons",
            "lessons",
            LEO,
            "course_id IN (SELECT id FROM courses WHERE is_published OR id IN (SELECT course_id FROM enrollments WHERE student_id = '{me}'))",
        ),
        case(
            "content_of_visible_lessons",
            "content_blocks",
            "contentBlocks",
            "anon",
            "lesson_id IN (SELECT id FROM lessons WHERE course_id IN (SELECT id FROM courses WHERE is_published))",
        ),
        case(
            "quizzes_of_visible_courses",
            "quizzes",
            "quizzes",
            "anon",
            "course_id IN (SELECT id FROM courses WHERE is_published) OR lesson_id IN (SELECT id FROM lessons WHERE course_id IN (SELECT id FROM courses WHERE is_published))",
        ),
        case(
            "students_manage_own_attempts",
            "assessment_attempts",
            "quizAttempts",
            LEO,
            "student_id = '{me}'",
        ),
        case(
            "instructors_see_course_attempts",
            "assessment_attempts",
            "quizAttempts",
            IVAN,
            "student_id = '{me}' OR assessment_id IN (SELECT id FROM quizzes WHERE course_id IN (SELECT id FROM courses WHERE instructor_id = '{me}') OR lesson_id IN (SELECT id FROM lessons WHERE course_id IN (SELECT id FROM courses WHERE instructor_id = '{me}')))",
        ),
        case(
            "own_enrollments",
            "enrollments",
            "enrollments",
            LEO,
            "student_id = '{me}'",
        ),
        case(
            "instructors_see_course_enrollments",
            "enrollments",
            "enrollments",
            IVAN,
            "student_id = '{me}' OR course_id IN (SELECT id FROM courses WHERE instructor_id = '{me}')",
        ),
        case(
            "own_progress",
            "student_progress",
            "studentProgress",
            LEO,
            "student_id = '{me}'",
        ),
        case(
            "instructors_see_course_progress",
            "student_progress",
            "studentProgress",
            IVAN,
            "student_id = '{me}' OR course_id IN (SELECT id FROM courses WHERE instructor_id = '{me}')",
        ),
        case(
            "own_roadmaps",
            "personalized_roadmaps",
            "personalizedRoadmaps",
            LEO,
            "student_id = '{me}'",
        ),
        case(
            "trainers_see_student_roadmaps",
            "personalized_roadmaps",
            "personalizedRoadmaps",
            IVAN,
            "student_id = '{me}' OR student_id IN (MY_STUDENTS)",
        ),
        case(
            "own_learning_progress",
            "learning_progress",
            "learningProgress",
            LEO,
            "student_id = '{me}'",
        ),
        case(
            "trainers_see_student_learning_progress",
            "learning_progress",
            "learningProgress",
            IVAN,
            "student_id = '{me}' OR student_id IN (MY_STUDENTS)",
        ),
        case(
            "published_workshops",
            "workshops",
            "workshops",
            "anon",
            "status = 'published'",
        ),
        case(
            "instructors_see_own_workshops",
            "workshops",
            "workshops",
            IVAN,
            "status = 'published' OR instructor_id = '{me}'",
        ),
        case(
            "own_registrations",
            "workshop_registrations",
            "workshopRegistrations",
            LEO,
            "user_id = '{me}'",
        ),
        case(
            "instructors_see_workshop_registrations",
            "workshop_registrations",
            "workshopRegistrations",
            IVAN,
            "user_id = '{me}' OR workshop_id IN (SELECT id FROM workshops WHERE instructor_id = '{me}')",
        ),
        case(
            "own_adaptability_assessments",
            "adaptability_assessments",
            "adaptabilityAssessments",
            LEO,
            "user_id = '{me}'",
        ),
        case(
            "org_admins_see_org_assessments",
            "adaptability_assessments",
            "adaptabilityAssessments",
            OLGA,
            "user_id = '{me}' OR organization_id IN (MY_ORG)",
        ),
        case(
            "answers_of_visible_assessments",
            "assessment_answers",
            "assessmentAnswers",
            LEO,
            "assessment_id IN (SELECT id FROM adaptability_assessments WHERE user_id = '{me}')",
        ),
        case(
            "public_talent_profiles",
            "talent_profiles",
            "talentProfiles",
            "anon",
            "is_public",
        ),
        case(
            "own_talent_profile",
            "talent_profiles",
            "talentProfiles",
            PRIYA,
            "is_public OR user_id = '{me}'",
        ),
        case(
            "testimonials_of_visible_profiles",
            "talent_testimonials",
            "talentTestimonials",
            "anon",
            "talent_profile_id IN (SELECT id FROM talent_profiles WHERE is_public)",
        ),
        case(
            "engagement_parties",
            "engagements",
            "engagements",
            CLARA,
            "client_id = '{me}' OR expert_id = '{me}'",
        ),
        case(
            "engagement_parties",
            "engagements",
            "engagements",
            ELI,
            "client_id = '{me}' OR expert_id = '{me}'",
        ),
        case(
            "sessions_of_own_engagements",
            "engagement_sessions",
            "engagementSessions",
            CLARA,
            "engagement_id IN (SELECT id FROM engagements WHERE client_id = '{me}' OR expert_id = '{me}')",
        ),
        // Leo is a member of Acme Media: the organization rule applies too.
        case(
            "own_payments",
            "payments",
            "payments",
            LEO,
            "user_id = '{me}' OR organization_id IN (SELECT organization_id FROM user_roles WHERE user_id = '{me}')",
        ),
        case(
            "org_members_see_org_payments",
            "payments",
            "payments",
            CLARA,
            "user_id = '{me}' OR organization_id IN (SELECT organization_id FROM user_roles WHERE user_id = '{me}')",
        ),
        case(
            "own_certificates",
            "certificates",
            "certificates",
            LEO,
            "user_id = '{me}'",
        ),
        case(
            "issuers_see_issued_certificates",
            "certificates",
            "certificates",
            IVAN,
            "user_id = '{me}' OR issued_by = '{me}'",
        ),
        case(
            "approved_reviews",
            "reviews",
            "reviews",
            "anon",
            "status = 'approved'",
        ),
        case(
            "own_reviews",
            "reviews",
            "reviews",
            LEO,
            "status = 'approved' OR user_id = '{me}'",
        ),
        case(
            "own_review_votes",
            "review_votes",
            "reviewVotes",
            CLARA,
            "user_id = '{me}'",
        ),
        case("coach_directory", "coaches", "coaches", LEO, "true"),
        case(
            "own_client_record",
            "clients",
            "clients",
            CLARA,
            "user_id = '{me}'",
        ),
        case(
            "coaches_see_their_clients",
            "clients",
            "clients",
            CORA,
            "primary_coach_id IN (SELECT id FROM coaches WHERE user_id = '{me}')",
        ),
        case(
            "org_admins_see_org_clients",
            "clients",
            "clients",
            OLGA,
            "client_organization_id IN (MY_ORG)",
        ),
        case(
            "coaching_model_library",
            "coaching_models",
            "coachingModels",
            LEO,
            "true",
        ),
        case(
            "coach_model_links",
            "coach_model_associations",
            "coachModelAssociations",
            LEO,
            "true",
        ),
        case(
            "data_items_public",
            "data_items",
            "dataItems",
            "anon",
            "visibility_level = 'public'",
        ),
        case(
            "data_items_coach",
            "data_items",
            "dataItems",
            CORA,
            "visibility_level = 'public' OR created_by_user_id = '{me}' OR (visibility_level IN ('coach_only', 'org_visible') AND coach_id IN (SELECT id FROM coaches WHERE user_id = '{me}'))",
        ),
        // Grace created a private item: only she (and admins) read it.
        case(
            "data_items_creator",
            "data_items",
            "dataItems",
            GRACE,
            "visibility_level = 'public' OR created_by_user_id = '{me}' OR (visibility_level = 'org_visible' AND client_organization_id IN (SELECT organization_id FROM user_roles WHERE user_id = '{me}'))",
        ),
        case(
            "data_items_org_visible",
            "data_items",
            "dataItems",
            CLARA,
            "visibility_level = 'public' OR created_by_user_id = '{me}' OR (visibility_level = 'org_visible' AND client_organization_id IN (SELECT organization_id FROM user_roles WHERE user_id = '{me}'))",
        ),
        case(
            "chunks_of_visible_items",
            "data_chunks",
            "dataChunks",
            "anon",
            "data_item_id IN (SELECT id FROM data_items WHERE visibility_level = 'public')",
        ),
        case("skill_catalog", "skills", "skills", LEO, "true"),
        case(
            "achievement_catalog",
            "achievements",
            "achievements",
            LEO,
            "true",
        ),
    ];
    for (table, root) in [
        ("user_skills", "userSkills"),
        ("learner_velocity_analytics", "learnerVelocity"),
        ("user_points", "userPoints"),
        ("point_transactions", "pointTransactions"),
        ("user_achievements", "userAchievements"),
        ("daily_activity", "dailyActivity"),
        ("predictive_analytics_cache", "predictiveAnalytics"),
        ("user_preferences", "userPreferences"),
    ] {
        v.push(case("own_analytics", table, root, LEO, "user_id = '{me}'"));
        v.push(case(
            "trainers_see_their_students",
            table,
            root,
            IVAN,
            "user_id = '{me}' OR user_id IN (MY_STUDENTS)",
        ));
        v.push(case(
            "org_admins_see_their_org",
            table,
            root,
            OLGA,
            "user_id = '{me}' OR user_id IN (ORG_MEMBERS)",
        ));
    }
    v
}

fn decode(global: &str) -> String {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .unwrap();
    String::from_utf8(raw)
        .unwrap()
        .split_once(':')
        .unwrap()
        .1
        .to_owned()
}

async fn oracle(s: &TestServer, table: &str, cond: &str, me: &str) -> BTreeSet<String> {
    let cond = cond
        .replace("MY_STUDENTS", MY_STUDENTS)
        .replace("MY_COURSES", MY_COURSES)
        .replace("ORG_MEMBERS", ORG_MEMBERS)
        .replace("MY_ORG", MY_ORG)
        .replace("{me}", me)
        .replace("{t}", T);
    let tenant = if migration::GLOBAL_TABLES.contains(&table) {
        "true".to_owned()
    } else {
        format!("tenant_id = '{T}'")
    };
    let members = if table == "users" {
        format!(" AND id IN (SELECT user_id FROM user_roles WHERE tenant_id = '{T}')")
    } else {
        String::new()
    };
    // SQLite keeps UUIDs as blobs: compare as text on both backends.
    let id = match s.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "id::text".to_owned(),
        _ => "lower(substr(hex(id),1,8)||'-'||substr(hex(id),9,4)||'-'||substr(hex(id),13,4)||'-'||substr(hex(id),17,4)||'-'||substr(hex(id),21))".to_owned(),
    };
    let mut sql =
        format!("SELECT {id} AS id FROM \"{table}\" WHERE {tenant}{members} AND ({cond})");
    if s.db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // The oracles are written with PostgreSQL UUID literals.
        sql = sqlite_uuids(&sql);
    }
    let rows =
        s.db.query_all_raw(Statement::from_string(
            s.db.get_database_backend(),
            sql.clone(),
        ))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .map(|r| r.try_get::<String>("", "id").unwrap())
        .collect()
}

/// `'xxxxxxxx-…'` literals as SQLite blob literals `X'…'`.
fn sqlite_uuids(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(i) = rest.find('\'') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let end = tail.find('\'').unwrap();
        let lit = &tail[..end];
        if lit.len() == 36 && lit.parse::<uuid::Uuid>().is_ok() {
            out.push_str(&format!("X'{}'", lit.replace('-', "")));
        } else {
            out.push_str(&format!("'{lit}'"));
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out.replace(" is_active", " is_active = 1")
        .replace("(is_active", "(is_active = 1")
        .replace(" is_published", " is_published = 1")
        .replace("(is_published", "(is_published = 1")
        .replace(" is_public", " is_public = 1")
        .replace("(is_public", "(is_public = 1")
}

#[tokio::test]
async fn every_read_rule_selects_exactly_its_rows() {
    let s = TestServer::start().await;
    let mut failures = vec![];
    let mut covered = BTreeSet::new();
    for c in cases() {
        let auth = if c.who == "anon" {
            "tenant:insideout".to_owned()
        } else {
            s.token("insideout", email(c.who)).await
        };
        let q = format!(
            "{{ {}(first: 100) {{ totalCount nodes {{ id }} }} }}",
            c.root
        );
        let data = s.data(&auth, &q, json!({})).await;
        let got: BTreeSet<String> = data[c.root]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| decode(n["id"].as_str().unwrap()))
            .collect();
        assert_eq!(
            data[c.root]["totalCount"],
            got.len(),
            "{}: totalCount",
            c.rule
        );
        let me = if c.who == "anon" {
            "00000000-0000-0000-0000-000000000000"
        } else {
            c.who
        };
        let want = oracle(&s, c.table, c.oracle, me).await;
        if got != want {
            failures.push(format!(
                "{} on {} as {}: got {} rows, want {}",
                c.rule,
                c.table,
                c.who,
                got.len(),
                want.len()
            ));
        }
        if want.is_empty() && c.oracle != "true" {
            // A rule whose demo case selects nothing proves little.
            failures.push(format!(
                "{} on {} as {}: the demo data gives this case no rows",
                c.rule, c.table, c.who
            ));
        }
        covered.insert((c.table, c.rule));
    }
    assert!(failures.is_empty(), "{failures:#?}");
    for rule in auth::policy::RULES.iter() {
        assert!(
            covered.contains(&(rule.table, rule.name)),
            "rule {} on {} has no case",
            rule.name,
            rule.table
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn admins_see_every_row_of_their_tenant_and_nothing_else() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", email(ADA)).await;
    for (table, root) in [
        ("courses", "courses"),
        ("user_attempts", "userAttempts"),
        ("data_items", "dataItems"),
        ("payments", "payments"),
        ("point_transactions", "pointTransactions"),
        ("engagements", "engagements"),
    ] {
        let data = s
            .data(
                &ada,
                &format!("{{ {root}(first: 100) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        let want = oracle(&s, table, "true", ADA).await;
        assert_eq!(data[root]["totalCount"], want.len(), "{table}");
    }
    s.stop().await;
}

#[tokio::test]
async fn answers_are_for_staff_only() {
    let s = TestServer::start().await;
    let q = "{ assessmentQuestions(first: 1) { nodes { correctAnswer explanation } }
               quizzes(first: 1) { nodes { questions { questionId question correctAnswer explanation } } } }";
    let learner = s.data("tenant:insideout", q, json!({})).await;
    assert!(learner["assessmentQuestions"]["nodes"][0]["correctAnswer"].is_null());
    assert!(learner["assessmentQuestions"]["nodes"][0]["explanation"].is_null());
    let questions = learner["quizzes"]["nodes"][0]["questions"]
        .as_array()
        .unwrap();
    assert!(!questions.is_empty());
    assert!(questions.iter().all(|q| q["correctAnswer"].is_null()
        && q["explanation"].is_null()
        && q["question"].is_string()));
    let staff = s
        .data(&s.token("insideout", email(IVAN)).await, q, json!({}))
        .await;
    assert!(staff["assessmentQuestions"]["nodes"][0]["correctAnswer"].is_i64());
    assert!(staff["quizzes"]["nodes"][0]["questions"][0]["correctAnswer"].is_string());
    let sdl = coachql::build_schema(&coachql::config::Config::default())
        .unwrap()
        .schema
        .sdl();
    assert!(
        !sdl.contains("passwordHash"),
        "password hashes are never in the schema"
    );
    s.stop().await;
}

#[test]
fn security_md_lists_every_rule() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/SECURITY.md")).unwrap();
    for rule in auth::policy::RULES.iter() {
        let row = format!("| `{}` | `{}` |", rule.table, rule.name);
        assert!(doc.contains(&row), "docs/SECURITY.md lacks {row}");
    }
}

#[tokio::test]
async fn without_a_token_only_public_data_is_readable() {
    let s = TestServer::start().await;
    for root in [
        "payments",
        "userAttempts",
        "enrollments",
        "users",
        "coaches",
        "pointTransactions",
    ] {
        let body = s
            .gql(
                "tenant:insideout",
                &format!("{{ {root} {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(common::code(&body), "UNAUTHENTICATED", "{root}: {body}");
    }
    // Nested too: a public course's enrollments are not public.
    let body = s
        .gql(
            "tenant:insideout",
            "{ courses(first: 1) { nodes { enrollments { totalCount } } } }",
            json!({}),
        )
        .await;
    assert_eq!(common::code(&body), "UNAUTHENTICATED", "{body}");
    for root in [
        "courses",
        "workshops",
        "talentProfiles",
        "reviews",
        "dataItems",
        "frameworkAssessments",
    ] {
        s.data(
            "tenant:insideout",
            &format!("{{ {root} {{ totalCount }} }}"),
            json!({}),
        )
        .await;
    }
    s.stop().await;
}

#[tokio::test]
async fn anyone_can_verify_a_certificate_by_number() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", email(LEO)).await;
    let mine = s
        .data(
            &leo,
            "{ certificates { nodes { certificateNumber } } }",
            json!({}),
        )
        .await;
    let number = mine["certificates"]["nodes"][0]["certificateNumber"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = "query($n: String!) { verifyCertificate(number: $n) { certificateNumber certificateType recipientName valid } }";
    let data = s.data("tenant:insideout", q, json!({"n": number})).await;
    assert_eq!(data["verifyCertificate"]["certificateNumber"], number);
    assert_eq!(data["verifyCertificate"]["valid"], true);
    assert!(
        data["verifyCertificate"]["recipientName"]
            .as_str()
            .unwrap()
            .contains("Leo")
    );
    let none = s
        .data("tenant:insideout", q, json!({"n": "CERT-NOPE"}))
        .await;
    assert!(none["verifyCertificate"].is_null());
    // The same number in the other tenant verifies nothing.
    let other = s.data("tenant:northstar", q, json!({"n": number})).await;
    assert!(other["verifyCertificate"].is_null());
    s.stop().await;
}

#[tokio::test]
async fn a_forbidden_object_answers_like_a_missing_one() {
    let s = TestServer::start().await;
    let admin = s.token("insideout", email(ADA)).await;
    let leo = s.token("insideout", email(LEO)).await;
    // An attempt that is not Leo's.
    let all = s
        .data(
            &admin,
            "{ userAttempts { nodes { id userId } } }",
            json!({}),
        )
        .await;
    let other = all["userAttempts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["userId"] != LEO)
        .unwrap()["id"]
        .clone();
    let q = "query($id: ID!) { node(id: $id) { id } }";
    assert!(s.data(&leo, q, json!({"id": other})).await["node"].is_null());
    let missing = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("UserAttempt:{}", uuid::Uuid::new_v4()))
    };
    assert!(s.data(&leo, q, json!({"id": missing})).await["node"].is_null());
    assert!(!s.data(&admin, q, json!({"id": other})).await["node"].is_null());
    s.stop().await;
}

/// Subscriptions read through the same rules as queries: a caller may
/// watch exactly the workshops and courses the root connections show them,
/// notifications need a token, and a course that stops being visible is
/// sent as null at its next change.
#[tokio::test]
async fn subscriptions_follow_the_read_rules() {
    use common::ws::{Got, Ws};
    let s = TestServer::start_with(|c| c.max_subscriptions_per_connection = 100).await;
    for (root, field, arg, ty, table) in [
        (
            "workshops",
            "workshopSeats",
            "workshopId",
            "Workshop",
            "workshops",
        ),
        ("courses", "courseUpdated", "courseId", "Course", "courses"),
    ] {
        let ids = all_ids(&s, table).await;
        for who in ["anon", LEO, IVAN, ADA] {
            let auth = if who == "anon" {
                "tenant:insideout".to_owned()
            } else {
                s.token("insideout", email(who)).await
            };
            let visible: BTreeSet<String> = s
                .data(
                    &auth,
                    &format!("{{ {root}(first: 100) {{ nodes {{ id }} }} }}"),
                    json!({}),
                )
                .await[root]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect();
            let mut ws = Ws::connect(&s.url, &auth).await;
            let mut watched = BTreeSet::new();
            for (n, id) in ids.iter().enumerate() {
                let gid = global(ty, id);
                ws.subscribe(
                    &n.to_string(),
                    &format!("subscription($i: ID!) {{ {field}({arg}: $i) {{ id }} }}"),
                    json!({"i": gid}),
                )
                .await;
                match ws.next_within(std::time::Duration::from_secs(10)).await {
                    Got::Next(_, p) if p["data"][field]["id"].is_string() => {
                        watched.insert(gid.clone());
                        ws.stop(&n.to_string()).await;
                    }
                    Got::Next(_, p) => {
                        let code = p["errors"][0]["extensions"]["code"].as_str();
                        assert!(
                            matches!(code, Some("NOT_FOUND") | Some("UNAUTHENTICATED")),
                            "{field} {gid} as {who}: {p}"
                        );
                    }
                    other => panic!("{field} {gid} as {who}: {other:?}"),
                }
                // Its completion.
                assert!(matches!(
                    ws.next_within(std::time::Duration::from_secs(10)).await,
                    Got::Complete(_)
                ));
            }
            assert_eq!(watched, visible, "{field} as {who}");
        }
    }

    // Notifications are for signed-in callers.
    let mut anon = Ws::connect(&s.url, "tenant:insideout").await;
    anon.subscribe("n", "subscription { myNotifications { kind } }", json!({}))
        .await;
    match anon.next_within(std::time::Duration::from_secs(10)).await {
        Got::Next(_, p) => assert_eq!(
            p["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{p}"
        ),
        other => panic!("{other:?}"),
    }

    // A course archived while a learner (not enrolled: enrolled students
    // keep seeing theirs) watches it: null at that change.
    let ada = s.token("insideout", email(ADA)).await;
    let mut unenrolled = None;
    for learner in ["lina@learner.example", email(LEO)] {
        let token = s.token("insideout", learner).await;
        let mine = course_ids(&s, &token, "enrollments", "course { id }").await;
        let visible = course_ids(&s, &token, "courses", "id").await;
        if let Some(c) = visible.into_iter().find(|c| !mine.contains(c)) {
            unenrolled = Some((token, c));
            break;
        }
    }
    let (leo, course) = unenrolled.expect("a published course a learner is not enrolled in");
    let mut ws = Ws::connect(&s.url, &leo).await;
    ws.subscribe(
        "c",
        "subscription($c: ID!) { courseUpdated(courseId: $c) { id title } }",
        json!({"c": course}),
    )
    .await;
    assert!(ws.next("c").await["data"]["courseUpdated"]["id"].is_string());
    s.data(
        &ada,
        "mutation($c: ID!) { archiveCourse(courseId: $c) { id } }",
        json!({"c": course}),
    )
    .await;
    let gone = ws.next("c").await;
    assert!(gone["data"]["courseUpdated"].is_null(), "{gone}");
    assert!(gone.get("errors").is_none(), "{gone}");
    s.stop().await;
}

/// The live views that are not a row (`myCourseProgress`,
/// `weeklyLeaderboard`) send every caller exactly what the matching query
/// answers them, when subscribing and after a change; another student's
/// progress never reaches a subscriber.
#[tokio::test]
async fn live_views_answer_what_their_queries_answer() {
    use common::ws::{Got, Ws};
    use std::time::Duration;
    const PROGRESS: &str = "courseId studentId enrolledAt completedAt lessonsTotal \
        lessonsCompleted percentage quizzesTotal quizzesPassed finalAssessmentPassed timeSpent \
        nextLessonId lessons { lessonId status }";
    const BOARD: &str = "week weekStart entries { rank weeklyPoints userId name anonymous isMe }";
    let s = TestServer::start_with(|c| c.max_subscriptions_per_connection = 100).await;
    let courses: Vec<String> = all_ids(&s, "courses")
        .await
        .iter()
        .map(|id| global("Course", id))
        .collect();
    let ada = s.token("insideout", email(ADA)).await;
    let progress_query =
        format!("query($c: ID!) {{ courseProgress(courseId: $c) {{ {PROGRESS} }} }}");
    let board_query = format!("{{ weeklyLeaderboard(first: 50) {{ {BOARD} }} }}");
    let mut boards = Vec::new();
    // Grace hides herself from the board; Nora is of another tenant.
    for who in ["anon", LEO, IVAN, ADA, CORA, GRACE, "nora"] {
        let (tenant, auth) = match who {
            "anon" => ("insideout", "tenant:insideout".to_owned()),
            "nora" => (
                "northstar",
                s.token("northstar", "nora@northstar.example").await,
            ),
            _ => ("insideout", s.token("insideout", email(who)).await),
        };
        let mut ws = Ws::connect(&s.url, &auth).await;
        for (n, course) in courses.iter().enumerate() {
            let id = n.to_string();
            ws.subscribe(
                &id,
                &format!(
                    "subscription($c: ID!) {{ myCourseProgress(courseId: $c) {{ {PROGRESS} }} }}"
                ),
                json!({ "c": course }),
            )
            .await;
            let first = match ws.next_within(Duration::from_secs(10)).await {
                Got::Next(i, p) if i == id => p,
                other => panic!("myCourseProgress {course} as {who}: {other:?}"),
            };
            let query = s.gql(&auth, &progress_query, json!({ "c": course })).await;
            assert_eq!(
                outcome(&first, "myCourseProgress"),
                outcome(&query, "courseProgress"),
                "{course} as {who} in {tenant}"
            );
            if first.get("errors").is_none() {
                ws.stop(&id).await;
            }
            assert!(matches!(
                ws.next_within(Duration::from_secs(10)).await,
                Got::Complete(i) if i == id
            ));
        }
        ws.subscribe(
            "b",
            &format!("subscription {{ weeklyLeaderboard(first: 50) {{ {BOARD} }} }}"),
            json!({}),
        )
        .await;
        let first = ws.next("b").await;
        let query = s.gql(&auth, &board_query, json!({})).await;
        assert_eq!(
            outcome(&first, "weeklyLeaderboard"),
            outcome(&query, "weeklyLeaderboard"),
            "weeklyLeaderboard as {who}"
        );
        if first.get("errors").is_some() {
            assert!(matches!(
                ws.next_within(Duration::from_secs(10)).await,
                Got::Complete(i) if i == "b"
            ));
        } else {
            boards.push((who, auth, ws));
        }
    }
    // Points change in insideout: each of its subscribers gets the board
    // as its query now ranks it; northstar's hears nothing.
    let leo_id = global("User", &LEO.parse().unwrap());
    s.data(
        &ada,
        "mutation($u: ID, $p: Int!) { awardPoints(userId: $u, points: $p, activityType: \"bonus\") { totalPoints } }",
        json!({ "u": leo_id, "p": 4321 }),
    )
    .await;
    for (who, auth, ws) in &mut boards {
        if *who == "nora" {
            ws.quiet(Duration::from_millis(500)).await;
            continue;
        }
        let next = ws.next("b").await;
        let query = s.gql(auth, &board_query, json!({})).await;
        assert_eq!(
            outcome(&next, "weeklyLeaderboard"),
            outcome(&query, "weeklyLeaderboard"),
            "weeklyLeaderboard after an award, as {who}"
        );
        assert!(
            next["data"]["weeklyLeaderboard"]["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["weeklyPoints"].as_i64() >= Some(4321)),
            "{next}"
        );
    }

    // Two new learners: the first enrolling in a course does not reach
    // the second's view of it; the second enrolling does.
    let mut learners = Vec::new();
    for name in ["first", "second"] {
        let signed_up = s
            .data(
                "",
                "mutation($e: String!) { signUp(tenant: \"insideout\", email: $e, \
                 password: \"long enough password\") { token } }",
                json!({ "e": format!("{name}@live-views.example") }),
            )
            .await;
        learners.push(signed_up["signUp"]["token"].as_str().unwrap().to_owned());
    }
    let (other, me) = (&learners[0], &learners[1]);
    let course = course_ids(&s, me, "courses", "id")
        .await
        .into_iter()
        .next()
        .expect("a published course");
    let mut ws = Ws::connect(&s.url, me).await;
    ws.subscribe(
        "p",
        &format!("subscription($c: ID!) {{ myCourseProgress(courseId: $c) {{ {PROGRESS} }} }}"),
        json!({ "c": course }),
    )
    .await;
    assert!(ws.next("p").await["data"]["myCourseProgress"]["enrolledAt"].is_null());
    let enroll = "mutation($c: ID!) { enrollInCourse(courseId: $c) { id } }";
    s.data(other, enroll, json!({ "c": course })).await;
    ws.quiet(Duration::from_millis(500)).await;
    s.data(me, enroll, json!({ "c": course })).await;
    let mine = ws.next("p").await;
    assert!(
        mine["data"]["myCourseProgress"]["enrolledAt"].is_string(),
        "{mine}"
    );
    let query = s.gql(me, &progress_query, json!({ "c": course })).await;
    assert_eq!(
        outcome(&mine, "myCourseProgress"),
        outcome(&query, "courseProgress")
    );
    s.stop().await;
}

/// The ids of every row of `table`, read from the database.
async fn all_ids(s: &TestServer, table: &str) -> Vec<uuid::Uuid> {
    let be = s.db.get_database_backend();
    let rows =
        s.db.query_all_raw(Statement::from_string(
            be,
            format!("SELECT id FROM {table}"),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| match be {
            sea_orm::DbBackend::Postgres => r.try_get::<uuid::Uuid>("", "id").unwrap(),
            _ => uuid::Uuid::from_slice(&r.try_get::<Vec<u8>>("", "id").unwrap()).unwrap(),
        })
        .collect()
}

/// The global id of row `id` of object type `ty`.
fn global(ty: &str, id: &uuid::Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

/// What a query or a subscription's first message answers for `field`:
/// its value, or `{"code": …}` of its first error.
fn outcome(payload: &serde_json::Value, field: &str) -> serde_json::Value {
    match payload["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => json!({ "code": code }),
        None => payload["data"][field].clone(),
    }
}

/// The course ids of `root`'s nodes (`path` selects `id`, or `course { id }`).
async fn course_ids(s: &TestServer, token: &str, root: &str, path: &str) -> Vec<serde_json::Value> {
    let q = format!("{{ {root}(first: 100) {{ nodes {{ {path} }} }} }}");
    let data = s.data(token, &q, json!({})).await;
    data[root]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.get("course").map_or(n["id"].clone(), |c| c["id"].clone()))
        .collect()
}
