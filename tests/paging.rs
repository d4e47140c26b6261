//! Paging is exact for every list and every order: for each root
//! connection and each of its `orderBy` fields, ascending and descending,
//! walking the list with `first: k` / `after: endCursor` and with
//! `last: k` / `before: startCursor` (k = 1, 2, 3) yields exactly the
//! unpaged list — same ids, same order — and `hasNextPage` /
//! `hasPreviousPage` are false exactly at the ends. Connections and order
//! fields come from introspection, so a new table is covered by adding it
//! to the catalog.
//!
//! So that every order has ties and NULLs to get right, each table first
//! gets two copies of one of its rows: one identical but for the id (ties
//! on every column, broken by the id) and one with every nullable column
//! NULL. Tables whose unique keys forbid a copy keep the demo data only.

mod common;

use std::collections::BTreeMap;

use common::TestServer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IdenStatic, IntoActiveModel,
    Iterable, ModelTrait, QueryFilter,
};
use serde_json::{Value, json};

/// At most this many aliased lists per request.
const BATCH: usize = 25;
const PAGE_SIZES: [usize; 3] = [1, 2, 3];

/// Inserts the two copies of one row of `E` in `tenant` (see the module
/// docs); a copy the constraints refuse is skipped.
async fn copy_row<E>(db: &DatabaseConnection, tenant: uuid::Uuid) -> usize
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let mut q = E::find();
    if let Some(c) = E::Column::iter().find(|c| c.as_str() == "tenant_id") {
        q = q.filter(c.eq(tenant));
    }
    let Some(row) = q.one(db).await.unwrap() else {
        return 0;
    };
    let mut copied = 0;
    for nulls in [false, true] {
        let mut am = row.clone().into_active_model();
        for c in E::Column::iter() {
            let v = row.get(c);
            let v = if c.as_str() == "id" {
                uuid::Uuid::new_v4().into()
            } else if nulls && c.def().is_null() {
                v.as_null()
            } else {
                v
            };
            am.set(c, v);
        }
        if E::insert(am).exec_without_returning(db).await.is_ok() {
            copied += 1;
        }
    }
    copied
}

async fn add_ties_and_nulls(s: &TestServer) -> usize {
    use entity::*;
    let tenant = tenants::Entity::find()
        .filter(tenants::Column::Slug.eq("insideout"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut copied = 0;
    macro_rules! copy_all {
        ($($m:ident),* $(,)?) => {
            $( copied += copy_row::<$m::Entity>(&s.db, tenant).await; )*
        };
    }
    entity::for_each_entity!(copy_all);
    assert!(copied > 40, "only {copied} rows copied");
    copied
}

/// A root connection and the fields it can be ordered by.
struct Connection {
    field: String,
    order_fields: Vec<String>,
}

async fn connections(s: &TestServer, auth: &str) -> Vec<Connection> {
    let data = s
        .data(
            auth,
            "{ __schema { queryType { fields { name args { name }
                 type { name ofType { name } } } }
               types { name enumValues { name } } } }",
            json!({}),
        )
        .await;
    let enums: BTreeMap<&str, Vec<String>> = data["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| {
            let values = t["enumValues"].as_array()?;
            Some((
                t["name"].as_str()?,
                values
                    .iter()
                    .map(|v| v["name"].as_str().unwrap().to_owned())
                    .collect(),
            ))
        })
        .collect();
    let mut out = vec![];
    for f in data["__schema"]["queryType"]["fields"].as_array().unwrap() {
        let ty = f["type"]["ofType"]["name"]
            .as_str()
            .or(f["type"]["name"].as_str())
            .unwrap_or("");
        let Some(node) = ty.strip_suffix("Connection") else {
            continue;
        };
        if !f["args"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "orderBy")
        {
            continue;
        }
        let order_fields = enums
            .get(format!("{node}OrderField").as_str())
            .unwrap_or_else(|| panic!("no {node}OrderField"))
            .clone();
        out.push(Connection {
            field: f["name"].as_str().unwrap().to_owned(),
            order_fields,
        });
    }
    assert!(out.len() >= 50, "only {} root connections", out.len());
    out
}

/// One walk through one ordered list.
struct Walk {
    /// Index into the list of orders.
    order: usize,
    size: usize,
    forward: bool,
    cursor: Option<String>,
    ids: Vec<String>,
    pages: usize,
    done: bool,
}

/// One ordered list: connection and `orderBy` literal.
struct Order {
    field: String,
    order_by: String,
    label: String,
    ids: Vec<String>,
}

/// Runs aliased list queries in batches, returning each alias's value.
async fn run_batched(s: &TestServer, auth: &str, parts: Vec<String>) -> Vec<Value> {
    let mut out = vec![];
    for chunk in parts.chunks(BATCH) {
        let body: String = chunk
            .iter()
            .enumerate()
            .map(|(i, p)| format!("a{i}: {p}\n"))
            .collect();
        let data = s.data(auth, &format!("{{ {body} }}"), json!({})).await;
        out.extend((0..chunk.len()).map(|i| data[format!("a{i}")].clone()));
    }
    out
}

fn ids_of(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The whole check as `auth`, over the connections that caller may read.
async fn check_all(s: &TestServer, auth: &str, conns: &[Connection]) -> usize {
    let mut orders = vec![];
    for c in conns {
        for f in &c.order_fields {
            for dir in ["ASC", "DESC"] {
                orders.push(Order {
                    field: c.field.clone(),
                    order_by: format!("[{{field: {f}, direction: {dir}}}]"),
                    label: format!("{}({f} {dir})", c.field),
                    ids: vec![],
                });
            }
        }
    }
    let whole = run_batched(
        s,
        auth,
        orders
            .iter()
            .map(|o| {
                format!(
                    "{}(first: 100, orderBy: {}) {{ totalCount edges {{ node {{ id }} }} }}",
                    o.field, o.order_by
                )
            })
            .collect(),
    )
    .await;
    for (o, w) in orders.iter_mut().zip(whole) {
        o.ids = ids_of(&w);
        assert_eq!(
            w["totalCount"].as_u64().unwrap() as usize,
            o.ids.len(),
            "{}: a list longer than one page",
            o.label
        );
    }
    let mut walks: Vec<Walk> = (0..orders.len())
        .flat_map(|order| {
            PAGE_SIZES.into_iter().flat_map(move |size| {
                [true, false].map(|forward| Walk {
                    order,
                    size,
                    forward,
                    cursor: None,
                    ids: vec![],
                    pages: 0,
                    done: false,
                })
            })
        })
        .collect();
    loop {
        let active: Vec<usize> = (0..walks.len()).filter(|&i| !walks[i].done).collect();
        if active.is_empty() {
            break;
        }
        let parts = active
            .iter()
            .map(|&i| {
                let w = &walks[i];
                let o = &orders[w.order];
                let (n, c) = if w.forward {
                    ("first", "after")
                } else {
                    ("last", "before")
                };
                let cursor = match &w.cursor {
                    Some(cur) => format!(", {c}: \"{cur}\""),
                    None => String::new(),
                };
                format!(
                    "{}({n}: {}{cursor}, orderBy: {}) {{ edges {{ node {{ id }} }}
                       pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }}",
                    o.field, w.size, o.order_by
                )
            })
            .collect();
        let pages = run_batched(s, auth, parts).await;
        for (&i, page) in active.iter().zip(pages) {
            let w = &mut walks[i];
            let o = &orders[w.order];
            let label = format!(
                "{} {} {}",
                o.label,
                if w.forward { "first" } else { "last" },
                w.size
            );
            let ids = ids_of(&page);
            let info = &page["pageInfo"];
            let (more, at_start) = if w.forward {
                (info["hasNextPage"] == true, w.pages == 0)
            } else {
                (info["hasPreviousPage"] == true, w.pages == 0)
            };
            // The far end of the first page: nothing lies beyond the start.
            let beyond_start = if w.forward {
                &info["hasPreviousPage"]
            } else {
                &info["hasNextPage"]
            };
            if at_start {
                assert_eq!(
                    beyond_start, false,
                    "{label}: first page claims a page before it"
                );
            }
            assert!(ids.len() <= w.size, "{label}: page too long");
            if more {
                assert_eq!(ids.len(), w.size, "{label}: short page with more to come");
            }
            if w.forward {
                w.ids.extend(ids);
                w.cursor = info["endCursor"].as_str().map(str::to_owned);
            } else {
                let mut all = ids;
                all.append(&mut w.ids);
                w.ids = all;
                w.cursor = info["startCursor"].as_str().map(str::to_owned);
            }
            w.pages += 1;
            if !more {
                assert_eq!(w.ids, o.ids, "{label}: paged list differs from the whole");
                w.done = true;
            } else {
                assert!(
                    w.pages <= o.ids.len() + 1 && w.cursor.is_some(),
                    "{label}: does not end"
                );
            }
        }
    }
    orders.len()
}

#[tokio::test]
async fn every_connection_pages_exactly_in_every_order() {
    let started = std::time::Instant::now();
    let s = TestServer::start_with(|c| {
        c.max_complexity = 1_000_000;
    })
    .await;
    let copied = add_ties_and_nulls(&s).await;
    let admin = s.token("insideout", "ada@insideout.example").await;
    let conns = connections(&s, &admin).await;
    let checked = check_all(&s, &admin, &conns).await;

    // Anonymous, over what the tenant makes public.
    let anon = "tenant:insideout";
    let mut public = vec![];
    for c in conns {
        let body = s
            .gql(
                anon,
                &format!("{{ {}(first: 1) {{ totalCount }} }}", c.field),
                json!({}),
            )
            .await;
        if body.get("errors").is_some() {
            continue;
        }
        // Columns hidden from anonymous callers can neither order nor filter.
        let mut c = c;
        let mut visible = vec![];
        for f in c.order_fields.drain(..) {
            let probe = s
                .gql(
                    anon,
                    &format!(
                        "{{ {}(first: 1, orderBy: [{{field: {f}}}]) {{ totalCount }} }}",
                        c.field
                    ),
                    json!({}),
                )
                .await;
            match body_code(&probe) {
                None => visible.push(f),
                Some("FORBIDDEN") => {}
                Some(other) => panic!("{}({f}): {other}: {probe}", c.field),
            }
        }
        c.order_fields = visible;
        public.push(c);
    }
    assert!(public.len() >= 5, "only {} public lists", public.len());
    let checked_anon = check_all(&s, anon, &public).await;
    eprintln!(
        "{copied} rows copied; paged {checked} orders as admin, {checked_anon} anonymously, in {:?}",
        started.elapsed()
    );
    s.stop().await;
}

/// Cursors that do not decode, or whose values do not fit the list's
/// order, are the caller's mistake, in both directions and in nested
/// lists.
#[tokio::test]
async fn garbage_cursors_are_user_errors() {
    use base64::Engine;
    let s = TestServer::start().await;
    let admin = s.token("insideout", "ada@insideout.example").await;
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let id = uuid::Uuid::new_v4();
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let cursors = [
        "%%%".to_owned(),
        String::new(),
        b64(json!([])),
        b64(json!(["not-a-uuid"])),
        b64(json!([1])),
        // PRICE_AMOUNT is a Decimal, then created_at, then id.
        b64(json!(["x", "2026-01-01T00:00:00+00:00", id])),
        b64(json!([12.5, "2026-01-01T00:00:00+00:00", id])),
        b64(json!([null, "2026-01-01T00:00:00+00:00", id])),
        b64(json!(["12.50", "yesterday", id])),
        b64(json!(["12.50", id])),
        b64(json!([
            "12.50",
            "2026-01-01T00:00:00+00:00",
            "2026-01-01",
            id
        ])),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&deep),
    ];
    let q = "query($a: String, $b: String, $n: Int, $l: Int) {
        workshops(orderBy: [{field: PRICE_AMOUNT}], first: $n, last: $l, after: $a, before: $b) { totalCount } }";
    let nested =
        "query($a: String) { courses(first: 1) { nodes { lessons(after: $a) { totalCount } } } }";
    for c in &cursors {
        for vars in [
            json!({"a": c, "n": 2}),
            json!({"b": c, "l": 2}),
            json!({"a": c, "b": c, "n": 1}),
        ] {
            let body = s.gql(&admin, q, vars.clone()).await;
            assert_eq!(common::code(&body), "BAD_USER_INPUT", "{vars}: {body}");
        }
        let body = s.gql(&admin, nested, json!({"a": c})).await;
        assert_eq!(common::code(&body), "BAD_USER_INPUT", "nested {c}: {body}");
    }
    // A well-formed cursor of a row that is gone still seeks.
    let gone = b64(json!(["12.50", "2026-01-01T00:00:00+00:00", id]));
    let body = s.gql(&admin, q, json!({"a": gone, "n": 2})).await;
    assert!(body.get("errors").is_none(), "{body}");
    s.stop().await;
}

fn body_code(body: &Value) -> Option<&str> {
    body.get("errors")
        .map(|e| e[0]["extensions"]["code"].as_str().unwrap_or("<none>"))
}
