//! With a token for one tenant, nothing of another tenant comes back from any
//! field of the schema. The test enumerates the schema by introspection —
//! every root connection and every relation of every type, `node(id:)`,
//! `totalCount`, cursors, certificate verification and every mutation that
//! takes an id, every subscription — so fields added later are covered
//! without editing it.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

use common::{
    TestServer,
    ws::{Got, Ws},
};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const INSIDEOUT: &str = "10000000-0000-4000-8000-000000000001";
const NORTHSTAR: &str = "10000000-0000-4000-8000-000000000002";

/// Root connections (field → node type) and, per type, its relation fields
/// (name, target type, is a connection).
struct Shape {
    roots: Vec<(String, String)>,
    relations: BTreeMap<String, Vec<(String, String, bool)>>,
    /// Mutations taking an id: (field, argument, type the id names).
    id_mutations: Vec<(String, String, String, String)>,
    /// Subscriptions: (field, its id arguments with the type each names).
    subscriptions: Vec<(String, Vec<(String, String)>)>,
}

/// The type an id argument names: `workshopId` names a `Workshop`.
fn id_type(arg: &str) -> String {
    let mut ty = arg.strip_suffix("Id").unwrap_or(arg).to_owned();
    if let Some(first) = ty.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    ty
}

fn named(t: &Value) -> (String, bool) {
    // Unwrap NON_NULL / LIST to the named type.
    let mut t = t;
    let mut list = false;
    while t["name"].is_null() {
        assert!(!t.is_null(), "introspect deeper: a type ran out of ofType");
        if t["kind"] == "LIST" {
            list = true;
        }
        t = &t["ofType"];
    }
    (t["name"].as_str().unwrap().to_owned(), list)
}

async fn shape(s: &TestServer) -> Shape {
    let q = "{ __schema { queryType { name } mutationType { name } types { name kind
        fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
                 type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";
    let data = s.data("", q, json!({})).await;
    let types = data["__schema"]["types"].as_array().unwrap();
    let node_types: BTreeSet<String> = types
        .iter()
        .filter(|t| {
            t["kind"] == "OBJECT"
                && t["fields"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|f| f["name"] == "id"))
        })
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .filter(|n| !n.starts_with("__"))
        .collect();
    let conn_target = |ty: &str| {
        ty.strip_suffix("Connection")
            .filter(|t| node_types.contains(*t))
            .map(str::to_owned)
    };
    let mut shape = Shape {
        roots: vec![],
        relations: BTreeMap::new(),
        id_mutations: vec![],
        subscriptions: vec![],
    };
    for t in types {
        let name = t["name"].as_str().unwrap_or_default();
        let Some(fields) = t["fields"].as_array() else {
            continue;
        };
        for f in fields {
            let fname = f["name"].as_str().unwrap().to_owned();
            let (ty, _) = named(&f["type"]);
            if name == "Query" {
                if let Some(target) = conn_target(&ty) {
                    shape.roots.push((fname, target));
                }
            } else if name == "Mutation" {
                // Placeholders for the other required arguments, by type.
                let others: String = f["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|a| a["type"]["kind"] == "NON_NULL" && named(&a["type"]).0 != "ID")
                    .map(|a| {
                        let v = match named(&a["type"]).0.as_str() {
                            "Int" => "0",
                            "Float" => "0.5",
                            "Boolean" => "false",
                            "JSON" => "{}",
                            "Decimal" => "\"1\"",
                            _ => "\"x\"",
                        };
                        format!(" {}: {v}", a["name"].as_str().unwrap())
                    })
                    .collect();
                for a in f["args"].as_array().unwrap() {
                    if named(&a["type"]).0 == "ID" {
                        let arg = a["name"].as_str().unwrap().to_owned();
                        let ty = id_type(&arg);
                        shape
                            .id_mutations
                            .push((fname.clone(), arg, ty, others.clone()));
                    }
                }
            } else if name == "Subscription" {
                let ids = f["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|a| named(&a["type"]).0 == "ID")
                    .map(|a| {
                        let arg = a["name"].as_str().unwrap().to_owned();
                        let ty = id_type(&arg);
                        (arg, ty)
                    })
                    .collect();
                shape.subscriptions.push((fname, ids));
            } else if node_types.contains(name) {
                if let Some(target) = conn_target(&ty) {
                    shape
                        .relations
                        .entry(name.to_owned())
                        .or_default()
                        .push((fname, target, true));
                } else if node_types.contains(&ty) {
                    shape
                        .relations
                        .entry(name.to_owned())
                        .or_default()
                        .push((fname, ty, false));
                }
            }
        }
    }
    assert!(shape.roots.len() >= 51, "expected every table at the root");
    shape
}

/// Every (type name, uuid) of `tenant`'s rows, from the database.
/// The ids of `tenant`'s rows (users: its members not in `other`), each
/// with its table.
async fn rows_of(s: &TestServer, tenant: &str, other: &str) -> BTreeMap<String, String> {
    let be = s.db.get_database_backend();
    let text = |col: &str| match be {
        sea_orm::DbBackend::Postgres => format!("{col}::text"),
        _ => format!(
            "lower(substr(hex({col}),1,8)||'-'||substr(hex({col}),9,4)||'-'||substr(hex({col}),13,4)||'-'||substr(hex({col}),17,4)||'-'||substr(hex({col}),21))"
        ),
    };
    let lit = |u: &str| match be {
        sea_orm::DbBackend::Postgres => format!("'{u}'"),
        _ => format!("X'{}'", u.replace('-', "")),
    };
    let mut ids = BTreeMap::new();
    for table in entity::registry::TABLES {
        let sql = match *table {
            "tenants" => format!(
                "SELECT {} AS id FROM tenants WHERE id = {}",
                text("id"),
                lit(tenant)
            ),
            // Users of `tenant` that are not members of `other`.
            "users" => format!(
                "SELECT {} AS id FROM users WHERE id IN (SELECT user_id FROM user_roles WHERE tenant_id = {}) \
                 AND id NOT IN (SELECT user_id FROM user_roles WHERE tenant_id = {})",
                text("id"),
                lit(tenant),
                lit(other)
            ),
            t => format!(
                "SELECT {} AS id FROM \"{t}\" WHERE tenant_id = {}",
                text("id"),
                lit(tenant)
            ),
        };
        for r in
            s.db.query_all_raw(Statement::from_string(be, sql))
                .await
                .unwrap()
        {
            ids.insert(r.try_get::<String>("", "id").unwrap(), table.to_string());
        }
    }
    ids
}

fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "id" {
                    if let Some(s) = v.as_str() {
                        out.push(decode(s).1);
                    }
                } else {
                    collect_ids(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_ids(v, out)),
        _ => {}
    }
}

fn decode(global: &str) -> (String, String) {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (t, id) = text.split_once(':').unwrap();
    (t.to_owned(), id.to_owned())
}

/// The GraphQL type of a table's rows, from the catalog.
fn type_of(table: &str) -> Option<&'static str> {
    static TYPES: std::sync::OnceLock<BTreeMap<&str, &str>> = std::sync::OnceLock::new();
    TYPES
        .get_or_init(|| resolver::table_types().unwrap().into_iter().collect())
        .get(table)
        .copied()
}

fn encode(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

async fn no_leaks(
    s: &TestServer,
    shape: &Shape,
    (slug, tenant): (&str, &str),
    (other_slug, other): (&str, &str),
    admin: &str,
    other_admin: &str,
) {
    let token = s.token(slug, admin).await;
    let foreign = rows_of(s, other, tenant).await;
    assert!(foreign.len() > 50, "the other tenant has data");
    let mut leaks = vec![];

    // Every root connection with every relation one level down.
    for (root, ty) in &shape.roots {
        let rels: String = shape
            .relations
            .get(ty)
            .map(|rs| {
                rs.iter()
                    .map(|(f, _, many)| {
                        if *many {
                            format!(" {f}(first: 100) {{ totalCount nodes {{ id }} }}")
                        } else {
                            format!(" {f} {{ id }}")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let q = format!(
            "{{ {root}(first: 100) {{ totalCount edges {{ cursor }} nodes {{ id{rels} }} }} }}"
        );
        let body = s.gql(&token, &q, json!({})).await;
        assert!(body.get("errors").is_none(), "{root}: {body}");
        let mut ids = vec![];
        collect_ids(&body["data"], &mut ids);
        leaks.extend(
            ids.into_iter()
                .filter(|id| foreign.contains_key(id))
                .map(|id| format!("{root}: {id}")),
        );

        // A cursor from the other tenant only positions within this one.
        let theirs = s
            .gql(
                &s.token(other_slug, other_admin).await,
                &format!("{{ {root}(first: 1) {{ edges {{ cursor }} }} }}"),
                json!({}),
            )
            .await;
        if let Some(cursor) = theirs["data"][root]["edges"][0]["cursor"].as_str() {
            let q = format!(
                "{{ {root}(first: 100, after: \"{cursor}\") {{ totalCount nodes {{ id }} }} }}"
            );
            let body = s.gql(&token, &q, json!({})).await;
            let mut ids = vec![];
            collect_ids(&body["data"], &mut ids);
            leaks.extend(
                ids.into_iter()
                    .filter(|id| foreign.contains_key(id))
                    .map(|id| format!("{root} after foreign cursor: {id}")),
            );
        }
    }

    // node(id:) on every foreign row, under every type that could hold it.
    let types: BTreeSet<&String> = shape.roots.iter().map(|(_, t)| t).collect();
    let ids: Vec<&String> = foreign.keys().collect();
    for chunk in ids.chunks(15) {
        let mut q = String::from("{");
        for (i, id) in chunk.iter().enumerate() {
            for (j, ty) in types.iter().enumerate() {
                q.push_str(&format!(
                    " n{i}_{j}: node(id: \"{}\") {{ id }}",
                    encode(ty, id)
                ));
            }
        }
        q.push('}');
        let body = s.gql(&token, &q, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
        for (k, v) in body["data"].as_object().unwrap() {
            if !v.is_null() {
                leaks.push(format!("node {k}: {v}"));
            }
        }
    }

    // Certificates of the other tenant do not verify here.
    let numbers =
        s.db.query_all_raw(Statement::from_string(
            s.db.get_database_backend(),
            "SELECT certificate_number AS n FROM certificates",
        ))
        .await
        .unwrap();
    for r in numbers {
        let n: String = r.try_get("", "n").unwrap();
        let q = "query($n: String!) { verifyCertificate(number: $n) { certificateNumber } }";
        let data = s.data(&token, q, json!({"n": n})).await;
        let ours = s
            .data(&s.token(other_slug, other_admin).await, q, json!({"n": n}))
            .await;
        if !data["verifyCertificate"].is_null() && !ours["verifyCertificate"].is_null() {
            leaks.push(format!("certificate {n} verifies in both tenants"));
        }
    }

    // Every mutation taking an id, aimed at each of the other tenant's rows,
    // changes nothing and answers exactly as for an id that never existed
    // (so it tells nothing about the other tenant either).
    assert!(
        shape.id_mutations.len() >= 40,
        "every id-taking mutation is probed: {}",
        shape.id_mutations.len()
    );
    for (m, arg, ty, others) in &shape.id_mutations {
        let call = |id: &str| {
            format!(
                "mutation {{ {m}({arg}: \"{}\"{others}) {{ __typename }} }}",
                encode(ty, id)
            )
        };
        let answer = |body: &Value| {
            (
                body["data"].clone(),
                body["errors"][0]["extensions"]["code"].clone(),
                body["errors"][0]["message"].clone(),
            )
        };
        let baseline = answer(
            &s.gql(&token, &call(&uuid::Uuid::new_v4().to_string()), json!({}))
                .await,
        );
        assert!(
            baseline.0.is_null() && !baseline.1.is_null(),
            "{m} on a missing id: {baseline:?}"
        );
        // The rows of the argument's type (every row when the type's table
        // is not recognised): an id of one type naming another table's row
        // is just a missing id.
        let of_type: Vec<&String> = foreign
            .iter()
            .filter(|(_, t)| type_of(t) == Some(ty.as_str()))
            .map(|(id, _)| id)
            .collect();
        let targets = if of_type.is_empty() {
            foreign.keys().collect()
        } else {
            of_type
        };
        for id in targets {
            let got = answer(&s.gql(&token, &call(id), json!({})).await);
            if got != baseline {
                leaks.push(format!(
                    "mutation {m} on {ty} {id}: {got:?} (missing id: {baseline:?})"
                ));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{slug} token reached {other_slug} rows: {leaks:#?}"
    );
}

/// The probe asks for every foreign row under every type in one document
/// per 15 rows, far past the default alias and root-field limits.
async fn prober() -> TestServer {
    TestServer::start_with(|c| {
        c.max_aliases = 5_000;
        c.max_root_fields = 5_000;
        c.max_fields = 50_000;
    })
    .await
}

#[tokio::test]
async fn no_field_of_the_schema_reaches_another_tenant() {
    let s = prober().await;
    let shape = shape(&s).await;
    no_leaks(
        &s,
        &shape,
        ("northstar", NORTHSTAR),
        ("insideout", INSIDEOUT),
        "nora@northstar.example",
        "ada@insideout.example",
    )
    .await;
    no_leaks(
        &s,
        &shape,
        ("insideout", INSIDEOUT),
        ("northstar", NORTHSTAR),
        "ada@insideout.example",
        "nora@northstar.example",
    )
    .await;
    // The platform admin is a member of both: each token still sees one tenant.
    no_leaks(
        &s,
        &shape,
        ("northstar", NORTHSTAR),
        ("insideout", INSIDEOUT),
        "admin@coachql.dev",
        "ada@insideout.example",
    )
    .await;
    s.stop().await;
}

#[tokio::test]
async fn totals_count_only_the_tokens_tenant() {
    let s = TestServer::start().await;
    let token = s.token("northstar", "admin@coachql.dev").await;
    let be = s.db.get_database_backend();
    let tenant = match be {
        sea_orm::DbBackend::Postgres => format!("'{NORTHSTAR}'"),
        _ => format!("X'{}'", NORTHSTAR.replace('-', "")),
    };
    for (root, table) in [
        ("courses", "courses"),
        ("pointTransactions", "point_transactions"),
        ("workshops", "workshops"),
        ("dataItems", "data_items"),
    ] {
        let data = s
            .data(&token, &format!("{{ {root} {{ totalCount }} }}"), json!({}))
            .await;
        let n: i64 =
            s.db.query_one_raw(Statement::from_string(
                be,
                format!("SELECT COUNT(*) AS n FROM {table} WHERE tenant_id = {tenant}"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "n")
            .unwrap();
        assert_eq!(data[root]["totalCount"], n, "{root}");
    }
    s.stop().await;
}

/// Opens every subscription of the schema as a subscriber of northstar
/// (its admin, and the platform admin who is a member of both tenants):
/// each id argument given every row of insideout of the type it names is
/// refused without data; opened on northstar's own rows, none of them hears
/// anything when insideout's data changes, also when the change concerns
/// the platform admin's own user there.
#[tokio::test]
async fn no_subscription_hears_or_reads_another_tenant() {
    let s = TestServer::start_with(|c| c.max_subscriptions_per_connection = 100).await;
    let shape = shape(&s).await;
    assert!(shape.subscriptions.len() >= 5, "{:?}", shape.subscriptions);
    let theirs = rows_of(&s, INSIDEOUT, NORTHSTAR).await;
    let ours = rows_of(&s, NORTHSTAR, INSIDEOUT).await;
    let of_type = |rows: &BTreeMap<String, String>, ty: &str| -> Vec<String> {
        rows.iter()
            .filter(|(_, table)| type_of(table) == Some(ty))
            .map(|(id, _)| encode(ty, id))
            .collect()
    };
    let mut listeners = vec![];
    for who in ["nora@northstar.example", "admin@coachql.dev"] {
        let token = s.token("northstar", who).await;
        let mut ws = Ws::connect(&s.url, &token).await;
        let mut n = 0;
        for (field, args) in &shape.subscriptions {
            for (arg, ty) in args {
                let guesses = of_type(&theirs, ty);
                assert!(!guesses.is_empty(), "no {ty} rows in insideout");
                for id in guesses {
                    n += 1;
                    let sid = format!("guess{n}");
                    ws.subscribe(
                        &sid,
                        &format!(
                            "subscription($id: ID!) {{ {field}({arg}: $id) {{ __typename }} }}"
                        ),
                        json!({"id": id}),
                    )
                    .await;
                    match ws.next_within(Duration::from_secs(10)).await {
                        Got::Next(i, p) => {
                            assert_eq!(i, sid);
                            assert!(
                                p["data"].is_null() && p["errors"].is_array(),
                                "{field}({arg}: {id}) as {who}: {p}"
                            );
                        }
                        Got::Error(i, _) => assert_eq!(i, sid),
                        other => panic!("{field}({arg}: {id}): {other:?}"),
                    }
                    assert!(matches!(
                        ws.next_within(Duration::from_secs(10)).await,
                        Got::Complete(i) if i == sid
                    ));
                }
            }
        }
        // Every subscription on northstar's own rows.
        for (i, (field, args)) in shape.subscriptions.iter().enumerate() {
            let vars: serde_json::Map<String, Value> = args
                .iter()
                .map(|(arg, ty)| {
                    let own = of_type(&ours, ty);
                    (arg.clone(), json!(own.first().expect("a northstar row")))
                })
                .collect();
            let params: Vec<String> = args.iter().map(|(a, _)| format!("${a}: ID!")).collect();
            let passed: Vec<String> = args.iter().map(|(a, _)| format!("{a}: ${a}")).collect();
            let doc = if args.is_empty() {
                format!("subscription {{ {field} {{ __typename }} }}")
            } else {
                format!(
                    "subscription({}) {{ {field}({}) {{ __typename }} }}",
                    params.join(", "),
                    passed.join(", ")
                )
            };
            ws.subscribe(&format!("own{i}"), &doc, Value::Object(vars))
                .await;
        }
        // Their first values (or refusals: a course progress of a course
        // the admin is not enrolled in is still theirs to ask).
        while !matches!(
            ws.next_within(Duration::from_millis(1500)).await,
            Got::Nothing
        ) {}
        listeners.push(ws);
    }
    // Changes in insideout, of every kind of event.
    let ada = s.token("insideout", "ada@insideout.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let admin_here = s.token("insideout", "admin@coachql.dev").await;
    let admin_id = s
        .data(&admin_here, "{ me { user { id } } }", json!({}))
        .await["me"]["user"]["id"]
        .clone();
    let leo_id =
        s.data(&leo, "{ me { user { id } } }", json!({})).await["me"]["user"]["id"].clone();
    // A subscriber in insideout hears these changes: they were published.
    let mut control = Ws::connect(&s.url, &ada).await;
    control
        .subscribe(
            "b",
            "subscription { weeklyLeaderboard { week } }",
            json!({}),
        )
        .await;
    control.next("b").await;
    for u in [&admin_id, &leo_id] {
        s.data(&ada, "mutation($u: ID!) { awardPoints(userId: $u, points: 1000, activityType: \"bonus\") { totalPoints } }", json!({"u": u})).await;
        s.data(
            &ada,
            "mutation($u: ID!) { checkAchievements(userId: $u) { id } }",
            json!({"u": u}),
        )
        .await;
    }
    for w in of_type(&theirs, "Workshop") {
        s.gql(
            &leo,
            "mutation($w: ID!) { registerForWorkshop(workshopId: $w) { id } }",
            json!({"w": w}),
        )
        .await;
    }
    for c in of_type(&theirs, "Course") {
        s.gql(
            &leo,
            "mutation($c: ID!) { enrollInCourse(courseId: $c) { id } }",
            json!({"c": c}),
        )
        .await;
        for editor in [&ivan, &ada] {
            s.gql(editor, "mutation($c: ID!) { updateCourse(courseId: $c, input: {description: \"changed\"}) { id } }", json!({"c": c})).await;
        }
    }
    control.next("b").await;
    for ws in &mut listeners {
        ws.quiet(Duration::from_millis(1500)).await;
    }
    s.stop().await;
}
