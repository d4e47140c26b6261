//! Enumerations and typed lists (crates/entity/src/enums.rs,
//! crates/resolver/src/catalog/mod.rs `LISTS`):
//!
//! - every enumeration declared for a column is exactly the CHECK
//!   constraint of the migrated database, and every CHECK ... IN list of
//!   texts has its declaration, on both backends;
//! - enumerated columns read, filter and sort as GraphQL enums;
//! - JSON arrays of one kind read as typed lists and filter with
//!   `contains` / `overlaps`.

mod common;

use std::collections::BTreeMap;

use common::{TestServer, code};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

/// `(table, column)` → the texts a CHECK constraint allows, read back from
/// the database's own catalog.
async fn check_constraints(s: &TestServer) -> BTreeMap<(String, String), Vec<String>> {
    let backend = s.db.get_database_backend();
    let sql = if s.is_postgres() {
        "SELECT conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS d \
         FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
    } else {
        "SELECT name AS t, sql AS d FROM sqlite_master WHERE type = 'table'"
    };
    let rows =
        s.db.query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    // PostgreSQL: CHECK ((status = ANY (ARRAY['a'::text, 'b'::text])))
    // SQLite:     CHECK ("status" IN ('a', 'b'))
    let pg = regex::Regex::new(r#"\(+"?(\w+)"? = ANY \(ARRAY\[([^\]]*)\]"#).unwrap();
    let sqlite = regex::Regex::new(r#"CHECK \("(\w+)" IN \(([^)]*)\)\)"#).unwrap();
    let text = regex::Regex::new(r"'([^']*)'").unwrap();
    let mut out = BTreeMap::new();
    for row in rows {
        let table: String = row.try_get("", "t").unwrap();
        let def: String = row
            .try_get::<Option<String>>("", "d")
            .unwrap()
            .unwrap_or_default();
        let table = table.trim_matches('"').to_owned();
        for caps in pg.captures_iter(&def).chain(sqlite.captures_iter(&def)) {
            let values: Vec<String> = text
                .captures_iter(&caps[2])
                .map(|c| c[1].to_owned())
                .collect();
            if !values.is_empty() {
                out.insert((table.clone(), caps[1].to_owned()), values);
            }
        }
    }
    out
}

#[tokio::test]
async fn declared_enumerations_are_the_databases_check_constraints() {
    let s = TestServer::start().await;
    let checks = check_constraints(&s).await;
    let declared: BTreeMap<(String, String), Vec<String>> = entity::enums::COLUMNS
        .iter()
        .map(|(t, c, def)| {
            let mut texts: Vec<String> = def.texts().map(str::to_owned).collect();
            texts.sort();
            (((*t).to_owned(), (*c).to_owned()), texts)
        })
        .collect();
    let found: BTreeMap<(String, String), Vec<String>> = checks
        .into_iter()
        .map(|(k, mut v)| {
            v.sort();
            (k, v)
        })
        .collect();
    assert_eq!(found.len(), 45, "{found:#?}");
    assert_eq!(declared, found);
}

#[tokio::test]
async fn enumerated_columns_read_filter_and_sort_as_enums() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let d = s
        .data(
            &ada,
            "{ all: workshops(first: 100) { nodes { status pillar level format } }
               open: workshops(first: 100, filter: {status: {eq: PUBLISHED}}) { nodes { status } }
               closed: workshops(first: 100, filter: {status: {notIn: [PUBLISHED]}}) { nodes { status } }
               sorted: workshops(first: 100, orderBy: [{field: STATUS}]) { nodes { status } } }",
            json!({}),
        )
        .await;
    let statuses = |k: &str| -> Vec<String> {
        d[k]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["status"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = statuses("all");
    assert!(all.iter().any(|s| s == "PUBLISHED") && all.iter().any(|s| s != "PUBLISHED"));
    for n in d["all"]["nodes"].as_array().unwrap() {
        for (k, allowed) in [
            (
                "status",
                &["DRAFT", "PUBLISHED", "ARCHIVED", "CANCELLED"][..],
            ),
            ("pillar", &["ADAPTABILITY", "COACHING", "MARKETPLACE"][..]),
            ("level", &["BEGINNER", "INTERMEDIATE", "ADVANCED"][..]),
            ("format", &["LIVE", "HYBRID", "RECORDED"][..]),
        ] {
            assert!(allowed.contains(&n[k].as_str().unwrap()), "{k}: {n}");
        }
    }
    let open = statuses("open");
    let closed = statuses("closed");
    assert!(open.iter().all(|s| s == "PUBLISHED") && !open.is_empty());
    assert!(closed.iter().all(|s| s != "PUBLISHED"));
    assert_eq!(open.len() + closed.len(), all.len());
    // Sorted by the stored text: archived < cancelled < draft < published.
    let sorted = statuses("sorted");
    let mut expected = sorted.clone();
    expected.sort_by_key(|s| s.to_lowercase());
    assert_eq!(sorted, expected);

    // A value that is not one of the enumeration's, literal or variable.
    let r = s
        .gql(
            &ada,
            "{ workshops(filter: {status: {eq: \"published\"}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&r), "BAD_USER_INPUT", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("WorkshopStatus")
    );
    let r = s
        .gql(
            &ada,
            "query($s: WorkshopStatus) { workshops(filter: {status: {eq: $s}}) { totalCount } }",
            json!({"s": "published"}),
        )
        .await;
    assert!(r["errors"].is_array() && r["data"].is_null(), "{r}");
    let r = s
        .data(
            &ada,
            "query($s: [WorkshopStatus!]) { workshops(filter: {status: {in: $s}}) { totalCount } }",
            json!({"s": ["PUBLISHED", "DRAFT"]}),
        )
        .await;
    let n = all
        .iter()
        .filter(|s| *s == "PUBLISHED" || *s == "DRAFT")
        .count();
    assert_eq!(r["workshops"]["totalCount"], json!(n));
}

#[tokio::test]
async fn json_arrays_read_as_typed_lists_and_filter() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let d = s
        .data(
            &ada,
            "{ courses(first: 100) { nodes { title tags } }
               talentProfiles(first: 100) { nodes { expertise transformationStages } }
               lessons(first: 100) { nodes { learningObjectives prerequisites } } }",
            json!({}),
        )
        .await;
    let courses = d["courses"]["nodes"].as_array().unwrap();
    let tagged = courses
        .iter()
        .find(|c| !c["tags"].as_array().unwrap().is_empty())
        .expect("a course with tags");
    assert!(
        tagged["tags"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string)
    );
    for p in d["talentProfiles"]["nodes"].as_array().unwrap() {
        for st in p["transformationStages"].as_array().unwrap() {
            assert!(
                ["ASSESS", "REFRAME", "EMBED", "SCALE"].contains(&st.as_str().unwrap()),
                "{p}"
            );
        }
    }
    for l in d["lessons"]["nodes"].as_array().unwrap() {
        for p in l["prerequisites"].as_array().unwrap() {
            let node = s
                .data(
                    &ada,
                    "query($p: ID!) { node(id: $p) { __typename } }",
                    json!({"p": p}),
                )
                .await;
            assert_eq!(node["node"]["__typename"], "Lesson", "{l}");
        }
    }

    let tag = tagged["tags"][0].as_str().unwrap();
    let with_tag = |c: &Value, t: &str| c["tags"].as_array().unwrap().iter().any(|x| x == t);
    let count = |pred: &dyn Fn(&Value) -> bool| courses.iter().filter(|c| pred(c)).count();
    let r = s
        .data(
            &ada,
            "query($t: [String!]) {
               all: courses(first: 100, filter: {tags: {contains: $t}}) { totalCount }
               any: courses(first: 100, filter: {tags: {overlaps: $t}}) { totalCount } }",
            json!({"t": [tag, "no-such-tag"]}),
        )
        .await;
    assert_eq!(r["all"]["totalCount"], json!(0));
    assert_eq!(r["any"]["totalCount"], json!(count(&|c| with_tag(c, tag))));
    let r = s
        .data(
            &ada,
            "query($t: [String!]) { courses(first: 100, filter: {tags: {contains: $t}}) { totalCount } }",
            json!({"t": [tag]}),
        )
        .await;
    assert_eq!(
        r["courses"]["totalCount"],
        json!(count(&|c| with_tag(c, tag)))
    );

    // A list of an enumeration filters by its values.
    let r = s
        .data(
            &ada,
            "{ talentProfiles(first: 100, filter: {transformationStages: {contains: [ASSESS]}}) {
                 nodes { transformationStages } } }",
            json!({}),
        )
        .await;
    let hits = r["talentProfiles"]["nodes"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|p| {
        p["transformationStages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "ASSESS")
    }));
}

/// The named type under any wrappers of an introspected type reference.
fn named(t: &Value) -> (&str, &str) {
    let mut t = t;
    while t["ofType"].is_object() {
        t = &t["ofType"];
    }
    (t["kind"].as_str().unwrap(), t["name"].as_str().unwrap())
}

/// Every enum and typed-list field of every root connection reads without
/// an error, the null values of nullable ones included, for an admin of
/// each tenant.
#[tokio::test]
async fn every_typed_field_of_every_connection_reads() {
    let s = TestServer::start().await;
    let schema = s
        .data(
            "tenant:insideout",
            "{ __schema { queryType { fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
                 types { name fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
            json!({}),
        )
        .await;
    let types = schema["__schema"]["types"].as_array().unwrap();
    let fields_of = |name: &str| -> Vec<Value> {
        types
            .iter()
            .find(|t| t["name"] == name)
            .and_then(|t| t["fields"].as_array())
            .cloned()
            .unwrap_or_default()
    };
    let mut queries = vec![];
    for root in schema["__schema"]["queryType"]["fields"]
        .as_array()
        .unwrap()
    {
        let (_, conn) = named(&root["type"]);
        let Some(node) = conn.strip_suffix("Connection") else {
            continue;
        };
        let picked: Vec<String> = fields_of(node)
            .iter()
            .filter(|f| {
                let (kind, name) = named(&f["type"]);
                kind == "ENUM"
                    || (f["type"].to_string().contains("LIST") && kind == "SCALAR")
                    || name == "QuizQuestion"
                    || name == "PredictionSettings"
            })
            .map(|f| {
                let name = f["name"].as_str().unwrap();
                match named(&f["type"]).1 {
                    "QuizQuestion" => format!("{name} {{ questionId type correctAnswer }}"),
                    "PredictionSettings" => format!("{name} {{ forecasting }}"),
                    _ => name.to_owned(),
                }
            })
            .collect();
        if !picked.is_empty() {
            queries.push(format!(
                "{}(first: 100) {{ nodes {{ {} }} }}",
                root["name"].as_str().unwrap(),
                picked.join(" ")
            ));
        }
    }
    assert!(queries.len() >= 30, "{queries:?}");
    for (tenant, admin) in [
        ("insideout", "ada@insideout.example"),
        ("northstar", "nora@northstar.example"),
    ] {
        let token = s.token(tenant, admin).await;
        for q in &queries {
            let r = s.gql(&token, &format!("{{ {q} }}"), json!({})).await;
            assert!(r.get("errors").is_none(), "{tenant}: {q}: {r}");
        }
    }
}
