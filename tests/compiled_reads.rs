//! Differential test of the compiled read path (`compiled_reads = true`, one
//! SQL statement per table-backed root field) against its reference, the
//! loaders (`compiled_reads = false`): two servers over one seeded database
//! (a [`common::Twin`]), the same request to both, byte-identical responses
//! (status, `data` and `errors`) expected.
//!
//! The corpus:
//! 1. every query example of docs/API.md, as the principal its `# as:` line
//!    names (mutations are skipped, so later examples read the seed data);
//! 2. documents generated from the schema by introspection, for one
//!    principal per role and tenant (from the seeded memberships) plus the
//!    anonymous reader of each tenant, over every root connection:
//!    - the whole node: scalars, JSON objects, every to-one and to-many
//!      relation with its scalars, and their relations (`id` only);
//!    - paging: the default page, `first`, `last`, `after` the first page,
//!      `before` the last (several root fields in one document);
//!    - `node(id:)` and `nodes(ids:)` with ids of the page, an unknown id,
//!      an id of the other tenant, one of another type, a repeat (one
//!      document);
//!    - for two principals per root connection (a different two for each):
//!      one column per filter kind with that kind's operators, the global
//!      id, `and` / `or` / `not` (a document per column, a root field per
//!      filter); `orderBy` one column both ways with
//!      `first` / `after` / `last` / `before`, and two keys; nested lists
//!      with `last`, `orderBy` and `filter`; the whole node by id;
//!    - where a principal is refused a connection, only the ids.
//!
//! Every difference is collected; at the end the test prints a summary per
//! kind of document and up to ten cases (principal, document, variables,
//! the first differing paths), and fails if there is any. A document the
//! reference itself answers differently when asked again is reported apart
//! and not compared (see `Outcome::Unstable`).

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::TestServer;
use futures::{StreamExt, stream};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// The two servers and the comparison

struct Principal {
    label: String,
    /// A bearer token, or `tenant:SLUG` for an anonymous request.
    auth: String,
    tenant: String,
}

#[derive(Default)]
struct Tally {
    documents: usize,
    with_errors: usize,
    /// Items (objects with an `id`) inside other items in reference
    /// responses: nested relations that came back non-empty.
    nested_items: usize,
    /// Documents, differences and time (both servers) per kind of
    /// document.
    kinds: BTreeMap<&'static str, (usize, usize, Duration)>,
    /// Responses that differ only in the order of `errors` (see
    /// [`ERRORS_IN_ANY_ORDER`]).
    error_order: Vec<Case>,
    /// Documents the reference answered differently when asked twice.
    unstable: Vec<Case>,
    mismatches: Vec<Case>,
}

/// A difference: the kind of document, and the principal, document,
/// variables and first differing paths.
type Case = (&'static str, String);

/// The reference resolves fields concurrently and lists `errors` in the
/// order they occurred, which varies from run to run (the paths are the
/// same); GraphQL leaves their order open. While that holds, errors are
/// compared as a set (sorted by path and message), and responses that
/// differ only in their order are counted and shown, not failed.
const ERRORS_IN_ANY_ORDER: bool = true;

struct Diff {
    client: reqwest::Client,
    compiled: String,
    reference: String,
    tally: std::sync::Mutex<Tally>,
}

/// `errors` sorted by path, then message (see [`ERRORS_IN_ANY_ORDER`]).
fn sorted_errors(mut v: Value) -> Value {
    if let Some(errors) = v.get_mut("errors").and_then(Value::as_array_mut) {
        errors.sort_by_key(|e| (e["path"].to_string(), e["message"].to_string()));
    }
    v
}

impl Diff {
    async fn post(&self, url: &str, auth: &str, body: &Value) -> (u16, String) {
        let mut req = self.client.post(format!("{url}/graphql")).json(body);
        if let Some(tenant) = auth.strip_prefix("tenant:") {
            req = req.header("x-tenant", tenant);
        } else if !auth.is_empty() {
            req = req.bearer_auth(auth);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap())
    }

    /// Sends `query` with `variables` as `who` to both servers, records a
    /// difference, and returns the reference's response.
    async fn check(
        &self,
        kind: &'static str,
        who: &Principal,
        query: &str,
        variables: Value,
    ) -> Value {
        let started = Instant::now();
        let body = json!({ "query": query, "variables": variables });
        let (reference, compiled) = tokio::join!(
            self.post(&self.reference, &who.auth, &body),
            self.post(&self.compiled, &who.auth, &body)
        );
        let parsed: Value = serde_json::from_str(&reference.1).unwrap_or(Value::Null);
        let mut outcome = None;
        if reference != compiled {
            let other: Value = serde_json::from_str(&compiled.1).unwrap_or(Value::Null);
            let case = |paths: Vec<String>| {
                format!(
                    "as {}\n{}\nvariables: {}\n  {}",
                    who.label,
                    query.trim(),
                    variables,
                    paths.join("\n  ")
                )
            };
            let mut paths = vec![];
            if reference.0 != compiled.0 {
                paths.push(format!(
                    "status: reference {} / compiled {}",
                    reference.0, compiled.0
                ));
            }
            outcome = Some(
                if reference.0 == compiled.0
                    && parsed.get("errors").is_some()
                    && sorted_errors(parsed.clone()) == sorted_errors(other.clone())
                {
                    diff("", ("reference", &parsed), ("compiled", &other), &mut paths);
                    (Outcome::ErrorOrder, case(paths))
                } else {
                    // Is the reference itself stable on this document?
                    let again = self.post(&self.reference, &who.auth, &body).await;
                    let again: Value = serde_json::from_str(&again.1).unwrap_or(Value::Null);
                    if sorted_errors(again.clone()) != sorted_errors(parsed.clone()) {
                        diff("", ("reference", &parsed), ("again", &again), &mut paths);
                        (Outcome::Unstable, case(paths))
                    } else {
                        diff("", ("reference", &parsed), ("compiled", &other), &mut paths);
                        if paths.is_empty() {
                            paths.push(
                                "same JSON value, different text (key order or formatting)".into(),
                            );
                        }
                        (Outcome::Mismatch, case(paths))
                    }
                },
            );
        }
        let mut t = self.tally.lock().unwrap();
        t.documents += 1;
        if parsed.get("errors").is_some() || reference.0 != 200 {
            t.with_errors += 1;
        }
        count_nested(&parsed["data"], false, &mut t.nested_items);
        let mismatch = match outcome {
            Some((Outcome::ErrorOrder, case)) if ERRORS_IN_ANY_ORDER => {
                t.error_order.push((kind, case));
                false
            }
            Some((Outcome::Unstable, case)) => {
                t.unstable.push((kind, case));
                false
            }
            Some((_, case)) => {
                t.mismatches.push((kind, case));
                true
            }
            None => false,
        };
        let k = t.kinds.entry(kind).or_default();
        k.0 += 1;
        k.1 += usize::from(mismatch);
        k.2 += started.elapsed();
        parsed
    }
}

enum Outcome {
    /// Only the order of `errors` differs (see [`ERRORS_IN_ANY_ORDER`]).
    ErrorOrder,
    /// The reference answered differently when asked again (time-dependent
    /// fields, nondeterminism): reported, not compared.
    Unstable,
    Mismatch,
}

/// Counts the items (objects with an `id`) inside other items: nested
/// relations that came back non-empty.
fn count_nested(v: &Value, inside: bool, n: &mut usize) {
    match v {
        Value::Object(m) => {
            let item = m.contains_key("id");
            if item && inside {
                *n += 1;
            }
            m.values().for_each(|v| count_nested(v, inside || item, n));
        }
        Value::Array(a) => a.iter().for_each(|v| count_nested(v, inside, n)),
        _ => {}
    }
}

fn short(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "<absent>".into();
    };
    let s = v.to_string();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

/// The first differing paths between two labelled responses.
fn diff(path: &str, (la, a): (&str, &Value), (lb, b): (&str, &Value), out: &mut Vec<String>) {
    if out.len() >= 6 || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: Vec<&String> = x
                .keys()
                .chain(y.keys().filter(|k| !x.contains_key(*k)))
                .collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(a), Some(b)) => diff(&p, (la, a), (lb, b), out),
                    (a, b) => out.push(format!("{p}: {la} {} / {lb} {}", short(a), short(b))),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!(
                    "{path}: {la} has {} items / {lb} {}",
                    x.len(),
                    y.len()
                ));
            }
            for (i, (a, b)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}[{i}]"), (la, a), (lb, b), out);
            }
        }
        _ => out.push(format!(
            "{path}: {la} {} / {lb} {}",
            short(Some(a)),
            short(Some(b))
        )),
    }
}

// ---------------------------------------------------------------------------
// The schema, by introspection

const INTROSPECTION: &str = "{ __schema { queryType { name } types { name kind
    interfaces { name }
    enumValues { name }
    inputFields { name type { ...T } }
    fields { name args { name defaultValue type { ...T } } type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

#[derive(Clone, Debug)]
struct Named {
    name: String,
    kind: String,
    list: bool,
}

fn named(t: &Value) -> Named {
    let mut t = t;
    let mut list = false;
    while t["name"].is_null() {
        assert!(!t.is_null(), "introspect deeper: a type ran out of ofType");
        list |= t["kind"] == "LIST";
        t = &t["ofType"];
    }
    Named {
        name: t["name"].as_str().unwrap().to_owned(),
        kind: t["kind"].as_str().unwrap().to_owned(),
        list,
    }
}

struct Field {
    name: String,
    ty: Named,
    /// Has an argument that must be given (non-null, no default).
    needs_args: bool,
}

#[derive(Default)]
struct Type {
    fields: Vec<Field>,
    interfaces: Vec<String>,
    inputs: Vec<(String, Named)>,
    enum_values: Vec<String>,
}

struct Schema {
    query: String,
    types: BTreeMap<String, Type>,
}

enum Class {
    Scalar,
    /// A plain object (or list of them): JSON-object columns, computed
    /// records.
    Object(String),
    /// A node (or list of nodes).
    ToOne(String),
    /// A connection, by its node type.
    ToMany(String),
    Skip,
}

impl Schema {
    async fn load(s: &TestServer) -> Self {
        let data = s.data("", INTROSPECTION, json!({})).await;
        let types = data["__schema"]["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let list = |k: &str| t[k].as_array().cloned().unwrap_or_default();
                let ty = Type {
                    fields: list("fields")
                        .iter()
                        .map(|f| Field {
                            name: f["name"].as_str().unwrap().to_owned(),
                            ty: named(&f["type"]),
                            needs_args: f["args"].as_array().unwrap().iter().any(|a| {
                                a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null()
                            }),
                        })
                        .collect(),
                    interfaces: list("interfaces")
                        .iter()
                        .map(|i| i["name"].as_str().unwrap().to_owned())
                        .collect(),
                    inputs: list("inputFields")
                        .iter()
                        .map(|f| (f["name"].as_str().unwrap().to_owned(), named(&f["type"])))
                        .collect(),
                    enum_values: list("enumValues")
                        .iter()
                        .map(|e| e["name"].as_str().unwrap().to_owned())
                        .collect(),
                };
                (t["name"].as_str().unwrap().to_owned(), ty)
            })
            .collect();
        Self {
            query: data["__schema"]["queryType"]["name"]
                .as_str()
                .unwrap()
                .to_owned(),
            types,
        }
    }

    fn ty(&self, name: &str) -> &Type {
        &self.types[name]
    }

    fn field<'a>(&'a self, ty: &str, name: &str) -> Option<&'a Field> {
        self.ty(ty).fields.iter().find(|f| f.name == name)
    }

    /// The node type of a connection type, if `name` is one.
    fn connection_node(&self, name: &str) -> Option<String> {
        if !name.ends_with("Connection") {
            return None;
        }
        let has = |f: &str| self.field(name, f).is_some();
        if !(has("edges") && has("nodes") && has("pageInfo") && has("totalCount")) {
            return None;
        }
        Some(self.field(name, "nodes")?.ty.name.clone())
    }

    fn class(&self, f: &Field) -> Class {
        if f.needs_args || f.name.starts_with("__") {
            return Class::Skip;
        }
        match f.ty.kind.as_str() {
            "SCALAR" | "ENUM" => Class::Scalar,
            "OBJECT" => {
                if let Some(node) = self.connection_node(&f.ty.name) {
                    Class::ToMany(node)
                } else if self.ty(&f.ty.name).interfaces.iter().any(|i| i == "Node") {
                    Class::ToOne(f.ty.name.clone())
                } else {
                    Class::Object(f.ty.name.clone())
                }
            }
            _ => Class::Skip,
        }
    }

    /// Root fields of the query type returning a connection: (field, node
    /// type).
    fn root_connections(&self) -> Vec<(String, String)> {
        self.ty(&self.query)
            .fields
            .iter()
            .filter(|f| f.ty.kind == "OBJECT" && !f.ty.list)
            .filter_map(|f| Some((f.name.clone(), self.connection_node(&f.ty.name)?)))
            .collect()
    }

    /// A plain object's scalar fields (and its plain objects', once more).
    fn object_selection(&self, ty: &str, depth: usize) -> String {
        let mut out = vec![];
        for f in &self.ty(ty).fields {
            match self.class(f) {
                Class::Scalar => out.push(f.name.clone()),
                Class::Object(t) if depth < 2 => {
                    let inner = self.object_selection(&t, depth + 1);
                    if !inner.is_empty() {
                        out.push(format!("{} {{ {inner} }}", f.name));
                    }
                }
                Class::ToOne(_) => out.push(format!("{} {{ id }}", f.name)),
                _ => {}
            }
        }
        out.join(" ")
    }

    /// A node's selection: level 0 is a root connection's node (relations
    /// follow two levels down), level 1 a relation of it, level 2 a
    /// relation of a relation (`id` and `__typename` only).
    fn node_selection(&self, ty: &str, level: usize) -> String {
        if level >= 2 {
            return "id __typename".into();
        }
        let mut out = vec!["__typename".to_owned()];
        for f in &self.ty(ty).fields {
            match self.class(f) {
                Class::Scalar => out.push(f.name.clone()),
                Class::Object(t) => {
                    let inner = self.object_selection(&t, 0);
                    if !inner.is_empty() {
                        out.push(format!("{} {{ {inner} }}", f.name));
                    }
                }
                Class::ToOne(t) => {
                    out.push(format!(
                        "{} {{ {} }}",
                        f.name,
                        self.node_selection(&t, level + 1)
                    ));
                }
                Class::ToMany(t) => out.push(format!(
                    "{}(first: 2) {{ totalCount nodes {{ {} }} }}",
                    f.name,
                    self.node_selection(&t, level + 1)
                )),
                Class::Skip => {}
            }
        }
        out.join(" ")
    }
}

// ---------------------------------------------------------------------------
// Principals

/// One principal per role and tenant (the first active membership of each
/// role), and the anonymous reader of each tenant.
async fn principals(s: &TestServer) -> Vec<Principal> {
    let tenants = entity::tenants::Entity::find().all(&s.db).await.unwrap();
    let users = entity::users::Entity::find().all(&s.db).await.unwrap();
    let mut roles = entity::user_roles::Entity::find().all(&s.db).await.unwrap();
    roles.sort_by_key(|r| r.id);
    let now = chrono::Utc::now();
    let mut seen = BTreeSet::new();
    let mut out = vec![];
    let mut tenants: Vec<_> = tenants.iter().collect();
    tenants.sort_by(|a, b| a.slug.cmp(&b.slug));
    for t in tenants {
        for r in roles.iter().filter(|r| r.tenant_id == t.id) {
            if r.expires_at.is_some_and(|e| e < now) || !seen.insert((t.id, r.role.clone())) {
                continue;
            }
            let email = &users.iter().find(|u| u.id == r.user_id).unwrap().email;
            out.push(Principal {
                label: format!("{email} @ {} ({})", t.slug, r.role),
                auth: s.token(&t.slug, email).await,
                tenant: t.slug.clone(),
            });
        }
        out.push(Principal {
            label: format!("anonymous @ {}", t.slug),
            auth: format!("tenant:{}", t.slug),
            tenant: t.slug.clone(),
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Filters from the rows of a page

/// Filter values for one column: conditions (as JSON, for the column's
/// filter input) that the rows of `values` make non-trivial.
fn column_conditions(schema: &Schema, filter_ty: &str, values: &[Value]) -> Vec<Value> {
    let ops: BTreeSet<&str> = schema
        .ty(filter_ty)
        .inputs
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let present: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    let mut out = vec![];
    // `isNull` where the page has nulls, and on JSON and lists (JSON null).
    let nulls = present.len() < values.len();
    if ops.contains("isNull") && (nulls || ops.contains("overlaps")) {
        out.push(json!({ "isNull": nulls }));
    }
    let Some(&v) = present.first() else {
        return out;
    };
    let other = present.iter().find(|o| **o != v).copied();
    if ops.contains("hasKey") {
        // JSON.
        match v {
            Value::Object(m) => {
                if let Some((k, x)) = m.iter().find(|(_, x)| !x.is_object() && !x.is_array()) {
                    out.push(json!({ "hasKey": k }));
                    out.push(json!({ "contains": { k: x } }));
                    out.push(json!({ "at": [{ "key": k, "eq": x }] }));
                    if x.is_number() {
                        out.push(json!({ "at": [{ "key": k, "gte": x }] }));
                    }
                }
                if let Some((k, x)) = m.iter().find(|(_, x)| x.is_array())
                    && let Some(first) = x.as_array().unwrap().first()
                {
                    out.push(json!({ "at": [{ "key": k, "contains": [first] }] }));
                }
            }
            Value::Array(a) => {
                if let Some(first) = a.first() {
                    out.push(json!({ "contains": [first] }));
                    out.push(json!({ "overlaps": [first, "no-such-element"] }));
                }
            }
            _ => {}
        }
    } else if ops.contains("overlaps") {
        // A typed list.
        let items: Vec<&Value> = present
            .iter()
            .flat_map(|v| v.as_array().into_iter().flatten())
            .collect();
        if let Some(first) = items.first() {
            out.push(json!({ "contains": [first] }));
            let mut some: Vec<&Value> = vec![first];
            some.extend(items.iter().find(|i| *i != first));
            out.push(json!({ "overlaps": some }));
        }
    } else {
        // A scalar or an enum.
        if ops.contains("eq") {
            out.push(json!({ "eq": v }));
        }
        if ops.contains("in") {
            let mut some = vec![v];
            some.extend(other);
            out.push(json!({ "in": some }));
        }
        if ops.contains("notIn") {
            out.push(json!({ "notIn": [v] }));
        }
        if ops.contains("gt") {
            let pivot = present.iter().map(|v| v.to_string()).collect::<Vec<_>>();
            // Middle value of the page (by the value's text; enough to split).
            let mut sorted = pivot.clone();
            sorted.sort();
            let mid = present[pivot
                .iter()
                .position(|p| *p == sorted[sorted.len() / 2])
                .unwrap()];
            out.push(json!({ "gt": mid }));
            out.push(json!({ "lte": mid }));
        }
        if let (true, Some(text)) = (ops.contains("startsWith"), v.as_str()) {
            let chars: Vec<char> = text.chars().collect();
            let mid: String = chars
                .iter()
                .skip(chars.len() / 3)
                .take(4)
                .collect::<String>()
                .to_uppercase();
            let head: String = chars.iter().take(3).collect::<String>().to_lowercase();
            out.push(json!({ "contains": mid }));
            out.push(json!({ "startsWith": head }));
            out.push(json!({ "contains": "%" }));
        }
    }
    out
}

/// Filters for a root connection over `node` whose first page is `rows`:
/// one column of each filter kind, with every operator of that kind, then
/// the global id and `and` / `or` / `not`; in groups (a column, the id,
/// the combinations) that go in one document each.
fn filters(schema: &Schema, node: &str, rows: &[Value]) -> Vec<Vec<Value>> {
    let filter_name = format!("{node}Filter");
    let Some(filter) = schema.types.get(&filter_name) else {
        return vec![];
    };
    // Columns the node shows as a scalar or a (JSON) object.
    let shown = |field: &str| {
        schema
            .field(node, field)
            .is_some_and(|f| matches!(schema.class(f), Class::Scalar | Class::Object(_)))
    };
    let mut kinds = BTreeSet::new();
    // Grouped by column.
    let mut out = vec![];
    for (field, input) in &filter.inputs {
        if matches!(field.as_str(), "id" | "and" | "or" | "not") || !shown(field) {
            continue;
        }
        let values: Vec<Value> = rows.iter().map(|r| r[field].clone()).collect();
        // The first column of its kind with a value, or else the first.
        let has_value = values.iter().any(|v| !v.is_null());
        let key = (input.name.clone(), has_value);
        if kinds.contains(&(input.name.clone(), true)) || (!has_value && kinds.contains(&key)) {
            continue;
        }
        kinds.insert(key);
        let conditions = column_conditions(schema, &input.name, &values);
        out.push(
            conditions
                .into_iter()
                .map(|c| json!({ field: c }))
                .collect(),
        );
    }
    let ids: Vec<&Value> = rows.iter().map(|r| &r["id"]).take(3).collect();
    if let Some(first) = ids.first() {
        out.push(vec![
            json!({ "id": { "eq": first } }),
            json!({ "id": { "in": ids } }),
        ]);
    }
    // `and` / `or` / `not` over equalities with the first rows' values.
    let eq_columns: Vec<&String> = filter
        .inputs
        .iter()
        .filter(|(field, input)| {
            shown(field)
                && !rows
                    .first()
                    .is_none_or(|r| r[field].is_null() || r[field].is_object())
                && schema
                    .ty(&input.name)
                    .inputs
                    .iter()
                    .any(|(op, _)| op == "eq")
        })
        .map(|(field, _)| field)
        .collect();
    if let ([c1, c2, ..], [r0, rest @ ..]) = (eq_columns.as_slice(), rows) {
        let r1 = rest.first().filter(|r| !r[*c2].is_null()).unwrap_or(r0);
        let a = json!({ *c1: { "eq": r0[*c1] } });
        let b = json!({ *c2: { "eq": r0[*c2] } });
        let b1 = json!({ *c2: { "eq": r1[*c2] } });
        out.push(vec![
            json!({ "and": [a, b] }),
            json!({ "or": [a, b1] }),
            json!({ "not": a }),
            json!({ "or": [{ "not": a }, { "and": [b, { "id": { "in": ids } }] }] }),
        ]);
    }
    out.retain(|group| !group.is_empty());
    out
}

/// A sortable column whose values differ on the page (else the first).
fn order_field(schema: &Schema, node: &str, rows: &[Value]) -> Option<String> {
    let values = &schema.types.get(&format!("{node}OrderField"))?.enum_values;
    let camel = |screaming: &str| {
        let mut out = String::new();
        for (i, part) in screaming.split('_').enumerate() {
            let lower = part.to_lowercase();
            if i == 0 {
                out.push_str(&lower);
            } else {
                let mut cs = lower.chars();
                out.extend(cs.next().map(|c| c.to_ascii_uppercase()));
                out.push_str(cs.as_str());
            }
        }
        out
    };
    let varied = |v: &&String| {
        let field = camel(v);
        let distinct: BTreeSet<String> = rows.iter().map(|r| r[&field].to_string()).collect();
        distinct.len() > 1 && distinct.len() < rows.len()
    };
    values
        .iter()
        .find(varied)
        .or_else(|| values.first())
        .cloned()
}

// ---------------------------------------------------------------------------
// The test

const PAGE: &str = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn compiled_reads_answer_like_the_loaders() {
    let started = Instant::now();
    let s = TestServer::start_with(|c| {
        c.compiled_reads = true;
        c.max_complexity = 1_000_000;
        c.max_depth = 20;
        c.max_fields = 100_000;
        c.max_tokens = 200_000;
        c.max_document_bytes = 1_000_000;
        c.max_aliases = 10_000;
        c.max_body_bytes = 4 * 1024 * 1024;
        c.budget_per_ip_per_minute = 0;
        c.budget_per_tenant_per_minute = 0;
        c.db_max_connections = 16;
    })
    .await;
    let twin = s.twin(|c| c.compiled_reads = false).await;
    let d = Diff {
        client: reqwest::Client::new(),
        compiled: s.url.clone(),
        reference: twin.url.clone(),
        tally: Default::default(),
    };

    // Corpus 1: the query examples of docs/API.md.
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/API.md")).unwrap();
    let mut examples = 0;
    for block in doc.split("```graphql").skip(1) {
        let body = block.split("```").next().unwrap();
        let first = body.lines().find(|l| !l.trim().is_empty()).unwrap().trim();
        let who = first.strip_prefix("# as: ").unwrap();
        let operation = body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        if operation.starts_with("mutation") {
            continue;
        }
        let (user, tenant) = who.split_once(" @ ").unwrap();
        let auth = if user == "anonymous" {
            format!("tenant:{tenant}")
        } else {
            s.token(tenant, user).await
        };
        let p = Principal {
            label: who.to_owned(),
            auth,
            tenant: tenant.to_owned(),
        };
        d.check("API.md", &p, body, json!({})).await;
        examples += 1;
    }
    assert!(examples >= 10, "docs/API.md has {examples} query examples");

    // Corpus 2: generated from the schema.
    let schema = Schema::load(&s).await;
    let roots = schema.root_connections();
    assert!(roots.len() >= 20, "root connections: {roots:?}");
    let principals = principals(&s).await;
    assert!(principals.len() >= 8, "principals: {}", principals.len());

    // Corpus 3: a domain read's table rows (`searchTalent`), which compiled
    // reads answer with one statement whose JSON the database builds, its
    // relations included: every kind of column, aliases, fragments,
    // `__typename`, a to-one and a paged to-many relation.
    let talent = [
        "{ searchTalent(first: 5) { id userId tagline bio expertise transformationSuccessRate \
         culturesTransformed industries transformationStages coachingStyle rating reviewCount \
         availability hourlyRate isPublic acceptingClients createdAt updatedAt } }",
        "{ t: searchTalent(first: 3, minRating: 3.5) { __typename a: id ... on TalentProfile { r: rating } \
         ...P ... on Node { id } } } fragment P on TalentProfile { reviewCount industries }",
        "{ searchTalent(first: 3) { id user { id } } }",
        "{ searchTalent(first: 4, minRating: 3) { id talentTestimonials(first: 2) { totalCount \
         pageInfo { hasNextPage endCursor } nodes { id } } } }",
        "{ searchTalent(expertise: []) { id } }",
    ];
    for p in &principals {
        for q in talent {
            d.check("searchTalent", p, q, json!({})).await;
        }
    }

    // The whole node, for every principal and root connection; its pages
    // feed the variants below. Pairs of principal and root connection run
    // concurrently.
    let pairs: Vec<(usize, usize)> = (0..principals.len())
        .flat_map(|pi| (0..roots.len()).map(move |ri| (pi, ri)))
        .collect();
    // A page is its rows, and whether the principal was refused the
    // connection (no data, errors).
    let pages: BTreeMap<(usize, usize), (Vec<Value>, bool)> = stream::iter(&pairs)
        .map(|&(pi, ri)| {
            let (d, schema, p, (root, node)) = (&d, &schema, &principals[pi], &roots[ri]);
            async move {
                let q = format!(
                    "{{ {root}(first: {WHOLE_PAGE}) {{ totalCount \
                     pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} \
                     edges {{ cursor node {{ id {} }} }} }} }}",
                    schema.node_selection(node, 0)
                );
                let r = d.check("whole node", p, &q, json!({})).await;
                let rows: Vec<Value> = r["data"][root]["edges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| e["node"].clone())
                    .collect();
                let refused = r["data"].is_null() && r.get("errors").is_some();
                ((pi, ri), (rows, refused))
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    // Global ids seen per tenant and node type.
    let mut ids: BTreeMap<(&str, &str), Vec<Value>> = BTreeMap::new();
    for ((pi, ri), (rows, _)) in &pages {
        let seen = ids
            .entry((&principals[*pi].tenant, &roots[*ri].1))
            .or_default();
        for row in rows {
            if !seen.contains(&row["id"]) {
                seen.push(row["id"].clone());
            }
        }
    }

    let n = principals.len();
    stream::iter(&pairs)
        .for_each_concurrent(CONCURRENCY, |&(pi, ri)| {
            let (d, schema, p, (root, node)) = (&d, &schema, &principals[pi], &roots[ri]);
            let (rows, refused) = &pages[&(pi, ri)];
            let ids = &ids;
            async move {
                // Filters, order and the whole node by id for a few
                // principals per root connection, a different few for each;
                // where the principal is refused the connection, only ids.
                let variants = (pi + n - ri % n) % n < VARIANT_PRINCIPALS;
                nodes(d, schema, p, node, rows, ids, variants).await;
                if *refused {
                    return;
                }
                paging(d, p, root).await;
                if variants {
                    nested(d, schema, p, root, node, rows).await;
                    filtered(d, schema, p, root, node, rows).await;
                    ordered(d, schema, p, root, node, rows).await;
                }
            }
        })
        .await;

    let mut t = d.tally.into_inner().unwrap();
    for cases in [&mut t.mismatches, &mut t.unstable, &mut t.error_order] {
        cases.sort();
    }
    let generated = t.documents - examples;
    eprintln!(
        "compiled_reads on {}: {} documents ({examples} API.md examples, {generated} generated for \
         {} principals and {} root connections) in {:.1?}; {} with errors, {} nested items",
        if s.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        t.documents,
        principals.len(),
        roots.len(),
        started.elapsed(),
        t.with_errors,
        t.nested_items,
    );
    for (kind, (n, differ, spent)) in &t.kinds {
        eprintln!(
            "  {kind}: {n} documents ({differ} differ), {spent:.1?} (both servers, summed over concurrent documents)"
        );
    }
    // Up to ten cases, taking from each kind of document in turn.
    let show = |what: &str, cases: &[Case]| {
        if cases.is_empty() {
            return;
        }
        let mut by_kind: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for (kind, case) in cases {
            by_kind.entry(kind).or_default().push(case);
        }
        let mut shown = vec![];
        for round in 0.. {
            let before = shown.len();
            for (kind, cases) in &by_kind {
                if let Some(case) = cases.get(round).filter(|_| shown.len() < 10) {
                    shown.push(format!("[{kind}] {case}"));
                }
            }
            if shown.len() == before {
                break;
            }
        }
        eprintln!(
            "{} {what}; {} of them:\n\n{}\n",
            cases.len(),
            shown.len(),
            shown.join("\n\n")
        );
    };
    show(
        "documents the reference answered differently when asked twice (not compared)",
        &t.unstable,
    );
    show(
        "responses differing only in the order of their errors",
        &t.error_order,
    );
    if !t.mismatches.is_empty() {
        show(
            "documents answered differently by the compiled path and the reference",
            &t.mismatches,
        );
        panic!(
            "{} of {} documents answer differently (compiled vs reference), see above",
            t.mismatches.len(),
            t.documents
        );
    }
    assert!(generated >= 1000, "only {generated} generated documents");
    // The comparison is worth something only if the compiled path answered
    // (the rest fell back to the loaders: refused arguments, anonymous
    // readers of private tables, more than 50 ids).
    let metrics = s.metrics().await;
    let count = |path: &str| -> u64 {
        let prefix = format!("coachql_compiled_reads_total{{path=\"{path}\"}} ");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let (compiled, loaders) = (count("compiled"), count("loaders"));
    eprintln!("root fields answered: {compiled} compiled, {loaders} by the loaders");
    assert!(
        compiled >= 9 * loaders && compiled > 5000,
        "too few compiled root fields: {compiled} compiled, {loaders} by the loaders"
    );
    assert!(
        t.with_errors * 10 <= t.documents,
        "{} of {} documents have errors",
        t.with_errors,
        t.documents
    );
    assert!(
        t.nested_items >= 1000,
        "only {} nested items: the corpus compares empty lists",
        t.nested_items
    );
    assert!(
        t.unstable.len() <= 2,
        "the reference is unstable on {} documents",
        t.unstable.len()
    );
    drop(twin);
    s.stop().await;
}

/// Rows of the whole-node documents: enough to pick filter values from,
/// few enough that the reference (a statement per parent for nested pages)
/// answers in reasonable time. The default page size is covered by paging.
const WHOLE_PAGE: usize = 10;

/// How many principals run the filter and order variants and `node(id:)`
/// with the whole node for each root connection (all run the whole
/// connection, paging and the lighter `node` / `nodes`).
const VARIANT_PRINCIPALS: usize = 2;

/// Pairs of principal and root connection whose documents are in flight
/// at once.
const CONCURRENCY: usize = 6;

/// The default page, `first` and `last` (one document, a root field each),
/// then `after` the first page and `before` the last (another).
async fn paging(d: &Diff, p: &Principal, root: &str) {
    let page = format!("{{ {PAGE} nodes {{ id }} }}");
    let q = format!(
        "{{ all: {root} {page} first: {root}(first: 2) {page} last: {root}(last: 2) {page} }}"
    );
    let r = d.check("paging", p, &q, json!({})).await;
    let q = format!(
        "query($after: String, $before: String) {{ after: {root}(first: 2, after: $after) {page} \
         before: {root}(last: 2, before: $before) {page} }}"
    );
    let vars = json!({
        "after": r["data"]["first"]["pageInfo"]["endCursor"],
        "before": r["data"]["last"]["pageInfo"]["startCursor"],
    });
    d.check("paging", p, &q, vars).await;
}

/// `node(id:)` with an id of the page, an unknown one and one of the other
/// tenant, and `nodes(ids:)` with these, one of another type and a repeat.
async fn nodes(
    d: &Diff,
    schema: &Schema,
    p: &Principal,
    node: &str,
    rows: &[Value],
    ids: &BTreeMap<(&str, &str), Vec<Value>>,
    whole_node: bool,
) {
    let own: Vec<Value> = rows.iter().map(|r| r["id"].clone()).take(3).collect();
    let unknown =
        Value::from(URL_SAFE_NO_PAD.encode(format!("{node}:00000000-0000-4000-8000-00000000dead")));
    let foreign = ids
        .iter()
        .filter(|((t, ty), _)| *t != p.tenant && *ty == node)
        .find_map(|(_, v)| v.first().cloned());
    let other_type = ids
        .iter()
        .filter(|((t, ty), _)| *t == p.tenant && *ty != node)
        .find_map(|(_, v)| v.last().cloned());
    // The whole node (if asked) for a row of the page; a lighter selection
    // (relations one level down) for the rest.
    let light = schema.node_selection(node, 1);
    let whole = if whole_node {
        schema.node_selection(node, 0)
    } else {
        light.clone()
    };
    // One document: a root field for each.
    let mut params = vec!["$unknown: ID!", "$ids: [ID!]!"];
    let mut fields = vec![format!(
        "unknown: node(id: $unknown) {{ id ... on {node} {{ {light} }} }}"
    )];
    let mut vars = json!({ "unknown": unknown });
    if let Some(id) = own.first() {
        params.push("$own: ID!");
        fields.push(format!(
            "own: node(id: $own) {{ id ... on {node} {{ {whole} }} }}"
        ));
        vars["own"] = id.clone();
    }
    if let Some(id) = &foreign {
        params.push("$foreign: ID!");
        fields.push(format!(
            "foreign: node(id: $foreign) {{ id ... on {node} {{ {light} }} }}"
        ));
        vars["foreign"] = id.clone();
    }
    fields.push(format!(
        "list: nodes(ids: $ids) {{ __typename id ... on {node} {{ {light} }} }}"
    ));
    let mut all = own.clone();
    all.push(unknown);
    all.extend(foreign);
    all.extend(other_type);
    all.extend(own.first().cloned());
    vars["ids"] = Value::from(all);
    let q = format!("query({}) {{ {} }}", params.join(", "), fields.join(" "));
    d.check("node", p, &q, vars).await;
}

/// The nested lists of the first rows of a root connection, with
/// arguments: `last`, `orderBy` both ways (with `last`), `filter`.
async fn nested(d: &Diff, schema: &Schema, p: &Principal, root: &str, node: &str, rows: &[Value]) {
    let mut selection = vec![];
    for f in &schema.ty(node).fields {
        let Class::ToMany(target) = schema.class(f) else {
            continue;
        };
        let name = &f.name;
        selection.push(format!("{name}_last: {name}(last: 2) {{ {PAGE} }}"));
        let order = schema
            .types
            .get(&format!("{target}OrderField"))
            .and_then(|e| e.enum_values.first());
        if let Some(field) = order {
            selection.push(format!(
                "{name}_desc: {name}(first: 2, orderBy: [{{ field: {field}, direction: DESC }}]) {{ {PAGE} }} \
                 {name}_asc_last: {name}(last: 1, orderBy: [{{ field: {field} }}]) {{ totalCount nodes {{ id }} }}"
            ));
        }
        let seen: Vec<&str> = rows
            .iter()
            .filter_map(|r| r[name]["nodes"].as_array())
            .flatten()
            .filter_map(|n| n["id"].as_str())
            .take(2)
            .collect();
        if !seen.is_empty() {
            selection.push(format!(
                "{name}_not: {name}(filter: {{ not: {{ id: {{ in: {seen:?} }} }} }}) {{ totalCount nodes {{ id }} }}"
            ));
        }
    }
    if !selection.is_empty() {
        let q = format!(
            "{{ {root}(first: 5) {{ nodes {{ id {} }} }} }}",
            selection.join(" ")
        );
        d.check("nested", p, &q, json!({})).await;
    }
}

async fn filtered(
    d: &Diff,
    schema: &Schema,
    p: &Principal,
    root: &str,
    node: &str,
    rows: &[Value],
) {
    // A root field per filter of the group (one column each, so a column
    // the principal may not filter by fails its group alone).
    for group in filters(schema, node, rows) {
        let params: Vec<String> = (0..group.len())
            .map(|i| format!("$f{i}: {node}Filter"))
            .collect();
        let fields: Vec<String> = (0..group.len())
            .map(|i| format!("f{i}: {root}(filter: $f{i}) {{ totalCount nodes {{ id }} }}"))
            .collect();
        let q = format!("query({}) {{ {} }}", params.join(", "), fields.join(" "));
        let vars: serde_json::Map<String, Value> = group
            .into_iter()
            .enumerate()
            .map(|(i, f)| (format!("f{i}"), f))
            .collect();
        d.check("filter", p, &q, Value::Object(vars)).await;
    }
}

/// `orderBy` one column both ways with `first` and `last`, and two keys (one
/// document, a root field each); then `after` / `before` those pages
/// (another).
async fn ordered(d: &Diff, schema: &Schema, p: &Principal, root: &str, node: &str, rows: &[Value]) {
    let Some(field) = order_field(schema, node, rows) else {
        return;
    };
    let by = |dir: &str| format!("orderBy: [{{ field: {field}, direction: {dir} }}]");
    let mut q = String::new();
    for dir in ["ASC", "DESC"] {
        let by = by(dir);
        q += &format!("{dir}_first: {root}({by}, first: 3) {{ {PAGE} }} ");
        q += &format!("{dir}_last: {root}({by}, last: 2) {{ {PAGE} }} ");
    }
    // Two keys: the column descending, then another ascending.
    let second = schema
        .ty(&format!("{node}OrderField"))
        .enum_values
        .iter()
        .find(|v| **v != field);
    if let Some(second) = second {
        q += &format!(
            "two_keys: {root}(orderBy: [{{ field: {field}, direction: DESC }}, {{ field: {second} }}], \
             first: 4) {{ {PAGE} }}"
        );
    }
    let r = d.check("order", p, &format!("{{ {q} }}"), json!({})).await;
    let cursor = |alias: &str, k: &str| r["data"][alias]["pageInfo"][k].clone();
    let mut q = String::new();
    let mut vars = serde_json::Map::new();
    for dir in ["ASC", "DESC"] {
        let by = by(dir);
        q += &format!("{dir}_after: {root}({by}, first: 3, after: ${dir}_after) {{ {PAGE} }} ");
        q += &format!("{dir}_before: {root}({by}, last: 2, before: ${dir}_before) {{ {PAGE} }} ");
        vars.insert(
            format!("{dir}_after"),
            cursor(&format!("{dir}_first"), "endCursor"),
        );
        vars.insert(
            format!("{dir}_before"),
            cursor(&format!("{dir}_last"), "startCursor"),
        );
    }
    let q = format!(
        "query($ASC_after: String, $ASC_before: String, $DESC_after: String, $DESC_before: String) {{ {q} }}"
    );
    d.check("order", p, &q, Value::Object(vars)).await;
}
