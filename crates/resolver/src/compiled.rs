//! The compiled read path. A table-backed root field (a root connection,
//! `node`, `nodes`) and its whole selection, to-one and to-many relations at
//! any depth included, become ONE SQL statement. The database pages every
//! nested list (ORDER BY and LIMIT per parent, in a correlated subquery),
//! counts, and nests the rows into one JSON document
//! (`json_build_array`/`json_agg` on PostgreSQL, `json_array`/
//! `json_group_array` on SQLite). Rust then turns that document into the
//! field's response in one pass, formatting each value with the same code
//! as the loader path (`value::ColumnMeta::value`, cursors, global ids), and
//! hands it to the executor as `FieldValue::resolved`, which answers it
//! without resolving the selection field by field.
//!
//! A domain read whose answer is one query's rows (`searchTalent`, declared
//! with `ops::declare::read_rows`) is compiled the same way (`rows`): its
//! query, built by the domain through the caller's read rules, is the
//! statement's `FROM`, selecting only the columns its selection reads.
//!
//! Every query in the statement comes from the table's own
//! [`TableOps`] (`page_statement`, `count_statement`, `row_statement`), that
//! is from `store::Scope::select`: the tenant condition and the caller's
//! read rules are inside it, as are the list's filter, order and cursors.
//! Columns the caller may not read are never selected, and row-level
//! security still applies on PostgreSQL.
//!
//! Anything this path does not answer itself (an argument it would refuse,
//! a table the caller may not read, a field it does not know) falls back to
//! the loader path, which is the reference implementation and reports the
//! error with its path. `tests/compiled_reads.rs` holds the two paths to
//! the same JSON.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use async_graphql::{
    Context, Name, Value,
    dynamic::{FieldValue, ObjectAccessor, ResolverContext},
    indexmap::IndexMap,
    parser::types::{Field, Selection, SelectionSet},
};
use auth::{Principal, policy::FieldAccess};
use sea_orm::{
    ColumnType, DbBackend, Value as Db,
    sea_query::{Alias, Expr, Func, Query, SelectStatement, SubQueryStatement},
};
use serde_json::Value as J;
use uuid::Uuid;

use crate::{
    catalog::{self, Computed, Rel, TypeSpec},
    connection::{self, Cursor, PageArgs},
    context::{RequestCtx, Shared},
    error::ApiError,
    filter, ids,
    table::{AnyRow, PageQuery, TableOps, Under},
    value::{self, ColumnMeta, Shape},
};

/// The root fields the compiled path answers.
#[derive(Clone, Copy)]
pub(crate) enum Root<'a> {
    /// The root connection of this table.
    Connection(&'a str),
    /// `node(id:)`.
    Node,
    /// `nodes(ids:)`.
    Nodes,
}

/// A selection this path leaves to the loaders (which answer it, or
/// report its error with its path).
struct Fallback;

impl From<ApiError> for Fallback {
    fn from(_: ApiError) -> Self {
        Fallback
    }
}

type Plan<T> = Result<T, Fallback>;

static COMPILED: AtomicU64 = AtomicU64::new(0);
static FALLBACKS: AtomicU64 = AtomicU64::new(0);

/// Root fields answered by a compiled statement and by the loaders (when
/// compiled reads are on), since the process started.
pub fn totals() -> (u64, u64) {
    (
        COMPILED.load(Ordering::Relaxed),
        FALLBACKS.load(Ordering::Relaxed),
    )
}

/// The answer to the root field in `ctx`: `Ok(None)` when the loaders are
/// to answer it.
pub(crate) async fn answer(
    ctx: &ResolverContext<'_>,
    sh: &Shared,
    r: &RequestCtx,
    root: Root<'_>,
) -> Result<Option<FieldValue<'static>>, ApiError> {
    let compiler = Compiler {
        ctx: ctx.ctx,
        sh,
        principal: &r.principal,
    };
    let plan = compiler.root(&ctx.ctx.item.node, root);
    Ok(run(r, plan).await?.map(FieldValue::resolved))
}

/// The answer to a domain read whose rows are those of `source`, a query
/// of `type_name`'s table with its conditions, order and limit (through
/// the caller's read rules): the rows and the field's whole selection,
/// relations included, in one statement whose JSON the database builds,
/// as for a compiled root field. `Ok(None)` when the loaders are to answer
/// the selection.
pub(crate) async fn rows(
    ctx: &ResolverContext<'_>,
    sh: &Shared,
    r: &RequestCtx,
    type_name: &str,
    source: SelectStatement,
) -> Result<Option<Value>, ApiError> {
    let compiler = Compiler {
        ctx: ctx.ctx,
        sh,
        principal: &r.principal,
    };
    let plan = sh.spec_by_type(type_name).ok_or(Fallback).and_then(|spec| {
        compiler.readable(spec.table)?;
        let mut fetch = Fetch::new(sh, spec)?;
        let out = compiler.row(&mut fetch, &[&ctx.ctx.item.node.selection_set.node])?;
        Ok(RootPlan::Rows {
            fetch: Box::new(fetch),
            out,
            source: Box::new(source),
        })
    });
    run(r, plan).await
}

/// Runs a compiled plan: its one statement, whose JSON becomes the
/// field's response in one pass. `Ok(None)` when there is no plan, or it
/// cannot be written as a statement: the loaders then answer.
async fn run(r: &RequestCtx, plan: Plan<RootPlan<'_>>) -> Result<Option<Value>, ApiError> {
    let backend = r.scope.backend();
    let mut sql = Sql {
        scope: &r.scope,
        backend,
        aliases: 0,
    };
    let written = plan.ok().and_then(|plan| {
        let statement = sql.root(&plan).ok()?;
        Some((plan, statement))
    });
    let Some((plan, statement)) = written else {
        FALLBACKS.fetch_add(1, Ordering::Relaxed);
        return Ok(None);
    };
    COMPILED.fetch_add(1, Ordering::Relaxed);
    let json = r.scope.read_json(&statement).await?.unwrap_or_default();
    let doc: J = serde_json::from_str(&json)
        .map_err(|e| ApiError::internal(format!("compiled read returned bad JSON: {e}")))?;
    let mut out = Decoder { backend, rows: 0 };
    let value = out.root(&plan, &doc);
    store::stats::rows(out.rows);
    Ok(Some(value))
}

/// What to read of one table: its columns (the row's JSON array holds them
/// first, in this order) and its nested reads (after them).
struct Fetch<'a> {
    spec: &'a TypeSpec,
    ops: Arc<dyn TableOps>,
    columns: Vec<&'static str>,
    /// JSON columns read with these keys removed from their elements.
    redacted: Vec<(&'static str, &'static [&'static str])>,
    nested: Vec<Nested<'a>>,
}

impl<'a> Fetch<'a> {
    fn new(sh: &Shared, spec: &'a TypeSpec) -> Plan<Self> {
        Ok(Fetch {
            spec,
            ops: sh.ops(spec.table)?.clone(),
            columns: vec!["id"],
            redacted: Vec::new(),
            nested: Vec::new(),
        })
    }

    /// The position of `column` in the row's array, reading it if not yet.
    fn slot(&mut self, column: &'static str) -> usize {
        match self.columns.iter().position(|c| *c == column) {
            Some(i) => i,
            None => {
                self.columns.push(column);
                self.columns.len() - 1
            }
        }
    }

    fn meta(&self, column: &str) -> Option<&ColumnMeta> {
        self.ops.columns().iter().find(|c| c.name == column)
    }
}

/// A relation read under each row.
enum Nested<'a> {
    /// The row whose id is this row's `column`.
    One {
        column: &'static str,
        fetch: Fetch<'a>,
    },
    /// The page of rows whose `column` is this row's id.
    Many {
        column: &'static str,
        conn: Conn<'a>,
    },
}

/// One page of a list, and its size if asked for.
struct Conn<'a> {
    fetch: Fetch<'a>,
    query: PageQuery,
    total: bool,
}

/// A row's response: response keys and what each answers.
type RowOut = Vec<(Name, RowField)>;

enum RowField {
    Typename,
    Id,
    Column {
        /// `None`: the caller may not read it, so it is not selected.
        slot: Option<usize>,
        meta: ColumnMeta,
        access: FieldAccess,
        /// The sub-selection of a JSON object column: response key and
        /// field name.
        fields: Vec<(Name, Name)>,
    },
    Computed(&'static Computed),
    /// Index into the fetch's nested reads.
    One(usize, RowOut),
    Many(usize, ConnOut),
}

type ConnOut = Vec<(Name, ConnField)>;

enum ConnField {
    Typename(Name),
    Total,
    Nodes(RowOut),
    Edges(Vec<(Name, EdgeField)>),
    PageInfo(Vec<(Name, InfoField)>),
}

enum EdgeField {
    Typename(Name),
    Cursor,
    Node(RowOut),
}

enum InfoField {
    Typename,
    HasNext,
    HasPrevious,
    Start,
    End,
}

/// The compiled root field.
enum RootPlan<'a> {
    Connection(Box<Conn<'a>>, ConnOut),
    /// One entry per id: its table's read and response, or `None` for an id
    /// of no table this API serves (null, as on the loader path).
    Nodes {
        list: bool,
        items: Vec<Option<(Uuid, Fetch<'a>, RowOut)>>,
    },
    /// The rows of a domain read's query (`rows`).
    Rows {
        fetch: Box<Fetch<'a>>,
        out: RowOut,
        source: Box<SelectStatement>,
    },
}

/// Walks the validated document into a [`RootPlan`].
struct Compiler<'a> {
    ctx: &'a Context<'a>,
    sh: &'a Shared,
    principal: &'a Principal,
}

/// The selection sets of fields merged under one response key.
fn sets<'f>(fields: &[&'f Field]) -> Vec<&'f SelectionSet> {
    fields.iter().map(|f| &f.selection_set.node).collect()
}

impl<'a> Compiler<'a> {
    fn root(&self, field: &'a Field, root: Root<'a>) -> Plan<RootPlan<'a>> {
        let args = self.args(field)?;
        match root {
            Root::Connection(table) => {
                let spec = self.spec(table)?;
                self.readable(spec.table)?;
                let (conn, out) = self.connection(spec, &args, &[field])?;
                Ok(RootPlan::Connection(Box::new(conn), out))
            }
            Root::Node => {
                let id = args.get("id").ok_or(Fallback)?;
                let id = id.string().map_err(|_| Fallback)?;
                Ok(RootPlan::Nodes {
                    list: false,
                    items: vec![self.node(id, field)?],
                })
            }
            Root::Nodes => {
                let ids = args.get("ids").ok_or(Fallback)?;
                let ids = ids.list().map_err(|_| Fallback)?;
                // PostgreSQL takes at most 100 arguments to a function.
                if ids.len() > self.sh.page.max_size.min(50) {
                    return Err(Fallback);
                }
                let items = ids
                    .iter()
                    .map(|id| self.node(id.string().map_err(|_| Fallback)?, field))
                    .collect::<Plan<_>>()?;
                Ok(RootPlan::Nodes { list: true, items })
            }
        }
    }

    /// The read of one `node(id:)`.
    fn node(&self, global: &str, field: &'a Field) -> Plan<Option<(Uuid, Fetch<'a>, RowOut)>> {
        let (type_name, id) = ids::decode(global).ok_or(Fallback)?;
        let Some(spec) = self.sh.spec_by_type(&type_name) else {
            return Ok(None);
        };
        self.readable(spec.table)?;
        let mut fetch = Fetch::new(self.sh, spec)?;
        let out = self.row(&mut fetch, &[&field.selection_set.node])?;
        Ok(Some((id, fetch, out)))
    }

    /// The catalog's declaration of `table`.
    fn spec(&self, table: &str) -> Plan<&'a TypeSpec> {
        self.sh
            .specs
            .iter()
            .find(|s| s.table == table)
            .ok_or(Fallback)
    }

    /// Anonymous callers read public tables only; the loaders say so.
    fn readable(&self, table: &str) -> Plan<()> {
        if self.principal.is_authenticated() || auth::policy::is_public(table) {
            Ok(())
        } else {
            Err(Fallback)
        }
    }

    /// A field's arguments, variables substituted as the executor does.
    fn args(&self, field: &Field) -> Plan<ObjectAccessor<'static>> {
        let mut map = IndexMap::new();
        for (name, value) in &field.arguments {
            let v = self.ctx.resolve_input_value(value.clone());
            map.insert(name.node.clone(), v.map_err(|_| Fallback)?);
        }
        Ok(ObjectAccessor::from_map(map))
    }

    /// The fields of `sets` on `type_name`, fragments applied, grouped by
    /// response key in request order (the spec's CollectFields; fields
    /// under one key are merged).
    fn collect(
        &self,
        sets: &[&'a SelectionSet],
        type_name: &str,
        node: bool,
    ) -> Plan<Vec<(Name, Vec<&'a Field>)>> {
        let mut out: Vec<(Name, Vec<&'a Field>)> = Vec::new();
        for set in sets {
            self.collect_into(set, type_name, node, &mut out)?;
        }
        Ok(out)
    }

    fn collect_into(
        &self,
        set: &'a SelectionSet,
        type_name: &str,
        node: bool,
        out: &mut Vec<(Name, Vec<&'a Field>)>,
    ) -> Plan<()> {
        let applies = |on: &str| on == type_name || (node && on == "Node");
        for selection in &set.items {
            match &selection.node {
                Selection::Field(f) => {
                    let key = f.node.response_key().node.clone();
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(&f.node),
                        None => out.push((key, vec![&f.node])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    let fragment = self.ctx.query_env.fragments.get(name).ok_or(Fallback)?;
                    if applies(&fragment.node.type_condition.node.on.node) {
                        self.collect_into(&fragment.node.selection_set.node, type_name, node, out)?;
                    }
                }
                Selection::InlineFragment(inline) => {
                    let on = inline.node.type_condition.as_ref();
                    if on.is_none_or(|c| applies(&c.node.on.node)) {
                        self.collect_into(&inline.node.selection_set.node, type_name, node, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A row's response, adding what it reads to `fetch`.
    fn row(&self, fetch: &mut Fetch<'a>, sets: &[&'a SelectionSet]) -> Plan<RowOut> {
        let spec = fetch.spec;
        let mut out = Vec::new();
        for (key, fields) in self.collect(sets, spec.type_name, true)? {
            let name = fields[0].name.node.as_str();
            let field = match name {
                "__typename" => RowField::Typename,
                "id" => RowField::Id,
                _ => self.row_field(fetch, name, &fields)?,
            };
            out.push((key, field));
        }
        Ok(out)
    }

    fn row_field(&self, fetch: &mut Fetch<'a>, name: &str, fields: &[&'a Field]) -> Plan<RowField> {
        let spec = fetch.spec;
        let column = fetch
            .ops
            .columns()
            .iter()
            .find(|c| {
                c.name != "id"
                    && c.name != "tenant_id"
                    && !auth::policy::SECRET_COLUMNS.contains(&(spec.table, c.name))
                    && value::camel(c.name) == name
            })
            .cloned();
        if let Some(meta) = column {
            let access = auth::policy::field_access(spec.table, meta.name, self.principal);
            let slot = match access {
                FieldAccess::Hidden => None,
                _ => Some(fetch.slot(meta.name)),
            };
            if let FieldAccess::Redacted(keys) = access {
                fetch.redacted.push((meta.name, keys));
            }
            let fields = match meta.shape {
                Shape::Object(obj) | Shape::Objects(obj) => {
                    let mut keys = Vec::new();
                    for (key, fs) in self.collect(&sets(fields), obj.name, false)? {
                        keys.push((key, fs[0].name.node.clone()));
                    }
                    keys
                }
                _ => Vec::new(),
            };
            return Ok(RowField::Column {
                slot,
                meta,
                access,
                fields,
            });
        }
        if let Some(c) = catalog::computed(spec.table)
            .iter()
            .find(|c| c.name == name)
        {
            for column in c.columns {
                let meta = fetch.meta(column).ok_or(Fallback)?;
                fetch.slot(meta.name);
            }
            return Ok(RowField::Computed(c));
        }
        let rel = spec.relations.iter().find(|r| r.field() == name);
        match rel.ok_or(Fallback)? {
            Rel::One { column, target, .. } => {
                self.readable(target)?;
                let target = self.spec(target)?;
                let column = fetch.meta(column).ok_or(Fallback)?.name;
                fetch.slot(column);
                let mut child = Fetch::new(self.sh, target)?;
                let out = self.row(&mut child, &sets(fields))?;
                fetch.nested.push(Nested::One {
                    column,
                    fetch: child,
                });
                Ok(RowField::One(fetch.nested.len() - 1, out))
            }
            Rel::Many { column, target, .. } => {
                self.readable(target)?;
                let target = self.spec(target)?;
                let args = self.args(fields[0])?;
                let (conn, out) = self.connection(target, &args, fields)?;
                fetch.nested.push(Nested::Many { column, conn });
                Ok(RowField::Many(fetch.nested.len() - 1, out))
            }
        }
    }

    /// A connection's page and response.
    fn connection(
        &self,
        spec: &'a TypeSpec,
        args: &ObjectAccessor<'_>,
        fields: &[&'a Field],
    ) -> Plan<(Conn<'a>, ConnOut)> {
        let page = PageArgs::from_args(args, self.sh.page)?;
        let columns = self.sh.ops(spec.table)?.columns();
        let list = filter::list_query(args, self.principal, columns, spec.table, spec.type_name)?;
        let query = page.query(list);
        let mut fetch = Fetch::new(self.sh, spec)?;
        let conn_type = format!("{}Connection", spec.type_name);
        let edge_type = format!("{}Edge", spec.type_name);
        let (mut total, mut cursors) = (false, false);
        let mut out = Vec::new();
        for (key, fs) in self.collect(&sets(fields), &conn_type, false)? {
            let field = match fs[0].name.node.as_str() {
                "__typename" => ConnField::Typename(Name::new(&conn_type)),
                "totalCount" => {
                    total = true;
                    ConnField::Total
                }
                "nodes" => ConnField::Nodes(self.row(&mut fetch, &sets(&fs))?),
                "edges" => {
                    let mut edge = Vec::new();
                    for (key, gs) in self.collect(&sets(&fs), &edge_type, false)? {
                        let field = match gs[0].name.node.as_str() {
                            "__typename" => EdgeField::Typename(Name::new(&edge_type)),
                            "cursor" => {
                                cursors = true;
                                EdgeField::Cursor
                            }
                            "node" => EdgeField::Node(self.row(&mut fetch, &sets(&gs))?),
                            _ => return Err(Fallback),
                        };
                        edge.push((key, field));
                    }
                    ConnField::Edges(edge)
                }
                "pageInfo" => {
                    let mut info = Vec::new();
                    for (key, gs) in self.collect(&sets(&fs), "PageInfo", false)? {
                        let field = match gs[0].name.node.as_str() {
                            "__typename" => InfoField::Typename,
                            "hasNextPage" => InfoField::HasNext,
                            "hasPreviousPage" => InfoField::HasPrevious,
                            "startCursor" => InfoField::Start,
                            "endCursor" => InfoField::End,
                            _ => return Err(Fallback),
                        };
                        cursors |= matches!(field, InfoField::Start | InfoField::End);
                        info.push((key, field));
                    }
                    ConnField::PageInfo(info)
                }
                _ => return Err(Fallback),
            };
            out.push((key, field));
        }
        if cursors {
            for column in fetch.ops.sort_columns(&query.list) {
                fetch.slot(column);
            }
        }
        Ok((
            Conn {
                fetch,
                query,
                total,
            },
            out,
        ))
    }
}

/// Most values one JSON array function call builds (see `Sql::row`).
const MAX_ARGS: usize = 90;

/// A row's values, in plan order, from its JSON array (an array of arrays
/// for a row wider than [`MAX_ARGS`]).
fn items<'j>(fetch: &Fetch<'_>, row: &'j J) -> std::borrow::Cow<'j, [J]> {
    let row = row.as_array().map(Vec::as_slice).unwrap_or_default();
    if fetch.columns.len() + fetch.nested.len() <= MAX_ARGS {
        return std::borrow::Cow::Borrowed(row);
    }
    let flat = row
        .iter()
        .flat_map(|chunk| chunk.as_array().into_iter().flatten().cloned());
    std::borrow::Cow::Owned(flat.collect())
}

/// Writes a [`RootPlan`] as one SQL statement.
struct Sql<'a> {
    scope: &'a store::Scope,
    backend: DbBackend,
    aliases: usize,
}

fn subquery(q: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(q)))
}

impl Sql<'_> {
    fn root(&mut self, plan: &RootPlan<'_>) -> Result<SelectStatement, ApiError> {
        let doc = match plan {
            RootPlan::Rows { fetch, source, .. } => return self.rows(fetch, (**source).clone()),
            RootPlan::Connection(conn, _) => self.connection(conn, None)?,
            RootPlan::Nodes { items, .. } => {
                let mut found = Vec::new();
                for (id, fetch, _) in items.iter().flatten() {
                    let one = self.one(fetch, Expr::val(*id))?;
                    found.push(self.embed(one));
                }
                self.array(found)
            }
        };
        let doc = match self.backend {
            DbBackend::Postgres => Func::cast_as(doc, Alias::new("text")).into(),
            _ => doc,
        };
        Ok(Query::select().expr(doc).take())
    }

    /// The rows of `source` (a query of `fetch`'s table), selecting only
    /// the columns `fetch` reads, as one JSON array of row arrays, in
    /// `source`'s order.
    fn rows(
        &mut self,
        fetch: &Fetch<'_>,
        mut source: SelectStatement,
    ) -> Result<SelectStatement, ApiError> {
        let alias = self.alias();
        source.clear_selects();
        for name in &fetch.columns {
            fetch
                .meta(name)
                .ok_or_else(|| ApiError::internal(format!("no column {name}")))?;
            source.column((Alias::new(fetch.spec.table), Alias::new(*name)));
        }
        let row = self.row(fetch, &alias)?;
        let rows: Expr = match self.backend {
            DbBackend::Postgres => Func::cast_as(
                Func::coalesce([
                    Func::cust(Alias::new("json_agg")).arg(row).into(),
                    Expr::cust("'[]'::json"),
                ]),
                Alias::new("text"),
            )
            .into(),
            _ => Func::cust(Alias::new("json_group_array")).arg(row).into(),
        };
        Ok(Query::select()
            .expr(rows)
            .from_subquery(source, Alias::new(alias))
            .take())
    }

    fn alias(&mut self) -> String {
        self.aliases += 1;
        format!("_r{}", self.aliases)
    }

    fn array(&self, items: Vec<Expr>) -> Expr {
        let f = match self.backend {
            DbBackend::Postgres => "json_build_array",
            _ => "json_array",
        };
        Func::cust(Alias::new(f)).args(items).into()
    }

    /// A JSON value from a subquery, embedded as JSON (SQLite passes it on
    /// as text otherwise).
    fn embed(&self, e: Expr) -> Expr {
        match self.backend {
            DbBackend::Postgres => e,
            _ => Func::cust(Alias::new("json")).arg(e).into(),
        }
    }

    /// A row as a JSON array: its columns, then its nested reads.
    fn row(&mut self, fetch: &Fetch<'_>, alias: &str) -> Result<Expr, ApiError> {
        let mut items = Vec::new();
        for name in &fetch.columns {
            let meta = fetch
                .meta(name)
                .ok_or_else(|| ApiError::internal(format!("no column {name}")))?;
            let col = Expr::col((Alias::new(alias), Alias::new(*name)));
            if let Some((_, keys)) = fetch.redacted.iter().find(|(c, _)| c == name) {
                items.push(self.redacted(alias, name, keys));
                continue;
            }
            items.push(match (self.backend, &meta.ty) {
                // Exact, not through a float.
                (DbBackend::Postgres, ColumnType::Decimal(_)) => {
                    Func::cast_as(col, Alias::new("text")).into()
                }
                (DbBackend::Postgres, _) => col,
                // SQLite keeps JSON as text and UUIDs as 16 bytes.
                (_, ColumnType::Json | ColumnType::JsonBinary) => {
                    Func::cust(Alias::new("json")).arg(col).into()
                }
                (_, ColumnType::Uuid) => Func::cust(Alias::new("hex")).arg(col).into(),
                _ => col,
            });
        }
        for nested in &fetch.nested {
            let e: Expr = match nested {
                Nested::One { column, fetch } => {
                    let key = Expr::col((Alias::new(alias), Alias::new(*column)));
                    self.one(fetch, key)?
                }
                Nested::Many { column, conn } => {
                    // This row was read through its table's rules (and so
                    // on up to the root): when the list's rules admit
                    // every child of a readable parent by this column,
                    // they are not repeated per child.
                    let implied = auth::policy::implied_through(
                        conn.fetch.spec.table,
                        column,
                        fetch.spec.table,
                        self.scope.principal(),
                    );
                    let parent = Under {
                        column,
                        key: Expr::col((Alias::new(alias), Alias::new("id"))),
                        implied,
                    };
                    self.connection(conn, Some(parent))?
                }
            };
            items.push(self.embed(e));
        }
        // PostgreSQL takes at most 100 arguments to a function (SQLite
        // 127): a wide row is an array of arrays, flattened by `items`.
        if items.len() > MAX_ARGS {
            let mut chunks = Vec::new();
            let mut rest = items.into_iter().peekable();
            while rest.peek().is_some() {
                chunks.push(self.array(rest.by_ref().take(MAX_ARGS).collect()));
            }
            return Ok(self.array(chunks));
        }
        Ok(self.array(items))
    }

    /// A JSON array column with `keys` removed from each object element:
    /// what the caller may not read never leaves the database. (Names are
    /// the plan's own identifiers, never input.)
    fn redacted(&self, alias: &str, column: &str, keys: &[&str]) -> Expr {
        let c = format!(r#""{alias}"."{column}""#);
        Expr::cust(match self.backend {
            DbBackend::Postgres => {
                let keys = keys.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>();
                format!(
                    "CASE WHEN jsonb_typeof({c}) = 'array' THEN (SELECT \
                     COALESCE(jsonb_agg(CASE WHEN jsonb_typeof(x.e) = 'object' \
                     THEN x.e - ARRAY[{keys}] ELSE x.e END ORDER BY x.n), '[]'::jsonb) \
                     FROM jsonb_array_elements({c}) WITH ORDINALITY AS x(e, n)) ELSE {c} END",
                    keys = keys.join(", ")
                )
            }
            _ => {
                let paths = keys.iter().map(|k| format!("'$.{k}'")).collect::<Vec<_>>();
                format!(
                    "CASE WHEN json_type({c}) = 'array' THEN (SELECT \
                     json_group_array(CASE WHEN x.type = 'object' \
                     THEN json_remove(x.value, {paths}) ELSE x.value END) \
                     FROM json_each({c}) AS x) ELSE json({c}) END",
                    paths = paths.join(", ")
                )
            }
        })
    }

    /// The row whose id is `id`, as a JSON array (NULL if not visible).
    fn one(&mut self, fetch: &Fetch<'_>, id: Expr) -> Result<Expr, ApiError> {
        let alias = self.alias();
        let inner = fetch.ops.row_statement(self.scope, id, &fetch.columns)?;
        let row = self.row(fetch, &alias)?;
        Ok(subquery(
            Query::select()
                .expr(row)
                .from_subquery(inner, Alias::new(alias))
                .take(),
        ))
    }

    /// `[total, [row, …]]` of a page (total NULL unless asked for).
    fn connection(&mut self, conn: &Conn<'_>, parent: Option<Under<'_>>) -> Result<Expr, ApiError> {
        let alias = self.alias();
        let ops = &conn.fetch.ops;
        let inner =
            ops.page_statement(self.scope, &conn.query, parent.clone(), &conn.fetch.columns)?;
        let row = self.row(&conn.fetch, &alias)?;
        let rows: Expr = match self.backend {
            DbBackend::Postgres => Func::coalesce([
                Func::cust(Alias::new("json_agg")).arg(row).into(),
                Expr::cust("'[]'::json"),
            ])
            .into(),
            _ => Func::cust(Alias::new("json_group_array")).arg(row).into(),
        };
        let rows = subquery(
            Query::select()
                .expr(rows)
                .from_subquery(inner, Alias::new(alias))
                .take(),
        );
        let total = match conn.total {
            true => subquery(ops.count_statement(self.scope, &conn.query.list, parent)?),
            false => Expr::cust("NULL"),
        };
        let rows = self.embed(rows);
        Ok(self.array(vec![total, rows]))
    }
}

/// Turns the statement's JSON into the response, one pass.
struct Decoder {
    backend: DbBackend,
    /// Rows the document holds (for `coachql_sql_rows_total`).
    rows: usize,
}

impl Decoder {
    fn root(&mut self, plan: &RootPlan<'_>, doc: &J) -> Value {
        match plan {
            RootPlan::Rows { fetch, out, .. } => {
                let rows = doc.as_array().map(Vec::as_slice).unwrap_or_default();
                self.rows += rows.len();
                Value::List(rows.iter().map(|row| self.row(fetch, out, row)).collect())
            }
            RootPlan::Connection(conn, out) => self.connection(conn, out, doc),
            RootPlan::Nodes { list, items } => {
                let mut found = doc.as_array().map(|a| a.iter()).into_iter().flatten();
                let values = items.iter().map(|item| match item {
                    Some((_, fetch, out)) => match found.next() {
                        Some(row) if !row.is_null() => {
                            self.rows += 1;
                            self.row(fetch, out, row)
                        }
                        _ => Value::Null,
                    },
                    None => Value::Null,
                });
                let mut values: Vec<Value> = values.collect();
                match list {
                    true => Value::List(values),
                    false => values.pop().unwrap_or(Value::Null),
                }
            }
        }
    }

    /// The value of `column` in a row's JSON array.
    fn column(&self, fetch: &Fetch<'_>, row: &[J], column: &str) -> Option<Db> {
        let i = fetch.columns.iter().position(|c| *c == column)?;
        let meta = fetch.meta(column)?;
        Some(self.db(&meta.ty, row.get(i).unwrap_or(&J::Null)))
    }

    fn row(&mut self, fetch: &Fetch<'_>, out: &RowOut, row: &J) -> Value {
        let row = items(fetch, row);
        let row = row.as_ref();
        let nested = |i: usize| row.get(fetch.columns.len() + i).unwrap_or(&J::Null);
        let mut map = IndexMap::with_capacity(out.len());
        for (key, field) in out {
            let v = match field {
                RowField::Typename => Value::String(fetch.spec.type_name.to_owned()),
                RowField::Id => {
                    // `id` is always the row's first value.
                    match self.db(&ColumnType::Uuid, row.first().unwrap_or(&J::Null)) {
                        Db::Uuid(Some(id)) => Value::String(ids::encode(fetch.spec.type_name, id)),
                        _ => Value::Null,
                    }
                }
                RowField::Column {
                    slot,
                    meta,
                    access,
                    fields,
                } => {
                    let Some(slot) = slot else {
                        map.insert(key.clone(), Value::Null);
                        continue;
                    };
                    let db = self.db(&meta.ty, row.get(*slot).unwrap_or(&J::Null));
                    column_value(meta, access, fields, db)
                }
                RowField::Computed(c) => (c.value)(&|name| self.column(fetch, row, name)),
                RowField::One(i, out) => match nested(*i) {
                    J::Null => Value::Null,
                    child => match &fetch.nested[*i] {
                        Nested::One { fetch, .. } => {
                            self.rows += 1;
                            self.row(fetch, out, child)
                        }
                        Nested::Many { .. } => Value::Null,
                    },
                },
                RowField::Many(i, out) => match &fetch.nested[*i] {
                    Nested::Many { conn, .. } => self.connection(conn, out, nested(*i)),
                    Nested::One { .. } => Value::Null,
                },
            };
            map.insert(key.clone(), v);
        }
        Value::Object(map)
    }

    fn cursor(&self, conn: &Conn<'_>, row: &J) -> Value {
        let fetch = &conn.fetch;
        let row = items(fetch, row);
        let row = row.as_ref();
        let sort = fetch
            .ops
            .sort_key(&|name| self.column(fetch, row, name), &conn.query.list);
        let id = match self.column(fetch, row, "id") {
            Some(Db::Uuid(Some(id))) => id,
            _ => Uuid::nil(),
        };
        Value::String(Cursor { sort, id }.encode())
    }

    /// `[total, [row, …]]` as the connection's response.
    fn connection(&mut self, conn: &Conn<'_>, out: &ConnOut, doc: &J) -> Value {
        let total = doc.get(0).and_then(J::as_u64).unwrap_or(0);
        let mut rows: Vec<&J> = match doc.get(1) {
            Some(J::Array(rows)) => rows.iter().collect(),
            _ => Vec::new(),
        };
        self.rows += rows.len();
        // A backward page is read walking backwards.
        if conn.query.backward {
            rows.reverse();
        }
        let (has_next, has_previous) = connection::trim(&mut rows, &conn.query);
        let mut map = IndexMap::with_capacity(out.len());
        for (key, field) in out {
            let v = match field {
                ConnField::Typename(name) => Value::String(name.to_string()),
                ConnField::Total => Value::from(total),
                ConnField::Nodes(row_out) => {
                    let items = rows.iter().map(|r| self.row(&conn.fetch, row_out, r));
                    Value::List(items.collect())
                }
                ConnField::Edges(fields) => {
                    let mut edges = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let mut edge = IndexMap::with_capacity(fields.len());
                        for (key, field) in fields {
                            let v = match field {
                                EdgeField::Typename(name) => Value::String(name.to_string()),
                                EdgeField::Cursor => self.cursor(conn, r),
                                EdgeField::Node(row_out) => self.row(&conn.fetch, row_out, r),
                            };
                            edge.insert(key.clone(), v);
                        }
                        edges.push(Value::Object(edge));
                    }
                    Value::List(edges)
                }
                ConnField::PageInfo(fields) => {
                    let mut info = IndexMap::with_capacity(fields.len());
                    for (key, field) in fields {
                        let v = match field {
                            InfoField::Typename => Value::String("PageInfo".to_owned()),
                            InfoField::HasNext => Value::Boolean(has_next),
                            InfoField::HasPrevious => Value::Boolean(has_previous),
                            InfoField::Start => {
                                rows.first().map_or(Value::Null, |r| self.cursor(conn, r))
                            }
                            InfoField::End => {
                                rows.last().map_or(Value::Null, |r| self.cursor(conn, r))
                            }
                        };
                        info.insert(key.clone(), v);
                    }
                    Value::Object(info)
                }
            };
            map.insert(key.clone(), v);
        }
        Value::Object(map)
    }

    /// A JSON value the database wrote for a column of type `ty`, as the
    /// value the loader path would have read.
    fn db(&self, ty: &ColumnType, v: &J) -> Db {
        use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
        let text = v.as_str();
        match ty {
            ColumnType::Uuid => Db::Uuid(text.and_then(|s| Uuid::parse_str(s).ok())),
            ColumnType::Integer => Db::Int(v.as_i64().and_then(|n| i32::try_from(n).ok())),
            ColumnType::BigInteger => Db::BigInt(v.as_i64()),
            ColumnType::Boolean => Db::Bool(match v {
                J::Bool(b) => Some(*b),
                J::Number(n) => n.as_i64().map(|n| n != 0),
                _ => None,
            }),
            ColumnType::Double | ColumnType::Float => {
                let x = match v {
                    J::Number(n) => n.as_f64(),
                    J::String(s) => s.parse().ok(),
                    _ => None,
                };
                match ty {
                    ColumnType::Float => Db::Float(x.map(|x| x as f32)),
                    _ => Db::Double(x),
                }
            }
            ColumnType::Decimal(_) | ColumnType::Money(_) => Db::Decimal(match v {
                J::String(s) => s.parse().ok(),
                J::Number(n) => n
                    .as_f64()
                    .and_then(|f| rust_decimal::Decimal::try_from(f).ok()),
                _ => None,
            }),
            ColumnType::TimestampWithTimeZone => {
                Db::ChronoDateTimeWithTimeZone(text.and_then(|s| {
                    let t = DateTime::parse_from_rfc3339(s)
                        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z"))
                        .ok()
                        .or_else(|| {
                            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                                .ok()
                                .map(|t| t.and_utc().fixed_offset())
                        })?;
                    // PostgreSQL hands timestamps to the loaders in UTC.
                    Some(match self.backend {
                        DbBackend::Postgres => t.with_timezone(&Utc).fixed_offset(),
                        _ => t,
                    })
                }))
            }
            ColumnType::Date => {
                Db::ChronoDate(text.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()))
            }
            ColumnType::Time => {
                Db::ChronoTime(text.and_then(|s| NaiveTime::parse_from_str(s, "%H:%M:%S%.f").ok()))
            }
            ColumnType::Json | ColumnType::JsonBinary => match v {
                J::Null => Db::Json(None),
                v => Db::Json(Some(Box::new(v.clone()))),
            },
            _ => Db::String(text.map(str::to_owned)),
        }
    }
}

/// A readable column's response: the caller's field rule applied, and a
/// JSON object column cut to its sub-selection.
fn column_value(meta: &ColumnMeta, access: &FieldAccess, fields: &[(Name, Name)], db: Db) -> Value {
    let v = match access {
        FieldAccess::Visible => meta.value(db),
        FieldAccess::Hidden => Value::Null,
        FieldAccess::Redacted(keys) => meta.value(value::redact(db, keys)),
    };
    match meta.shape {
        Shape::Object(obj) | Shape::Objects(obj) => project(v, obj.name, fields),
        _ => v,
    }
}

/// The response of a domain read's table rows (the [`AnyRow`]s that
/// `ops::declare::rows` and `row` make) for the field's selection, built in
/// one pass with the plan and formatting of a compiled row: the same field
/// rules, global ids, computed fields and JSON sub-selections. `None`
/// when the value is not rows of `type_name`'s table, or the selection
/// reaches past the rows' own columns (a relation): the executor then
/// resolves it field by field, as the reference path does.
pub(crate) fn rows_response(
    ctx: &ResolverContext<'_>,
    sh: &Shared,
    principal: &Principal,
    type_name: &str,
    value: &FieldValue<'_>,
) -> Option<Value> {
    let (rows, list) = match value.as_list() {
        Some(items) => (
            items
                .iter()
                .map(|i| i.downcast_ref::<AnyRow>())
                .collect::<Option<Vec<_>>>()?,
            true,
        ),
        None => (vec![value.downcast_ref::<AnyRow>()?], false),
    };
    let spec = sh.spec_by_type(type_name)?;
    if rows.iter().any(|r| r.table != spec.table) {
        return None;
    }
    let compiler = Compiler {
        ctx: ctx.ctx,
        sh,
        principal,
    };
    let mut fetch = Fetch::new(sh, spec).ok()?;
    let out = compiler
        .row(&mut fetch, &[&ctx.ctx.item.node.selection_set.node])
        .ok()?;
    if out
        .iter()
        .any(|(_, f)| matches!(f, RowField::One(..) | RowField::Many(..)))
    {
        return None;
    }
    let answer = |row: &AnyRow| {
        let get = |column: &str| row.get(column);
        let map = out.iter().map(|(key, field)| {
            let v = match field {
                RowField::Typename => Value::String(spec.type_name.to_owned()),
                RowField::Id => Value::String(ids::encode(spec.type_name, row.id())),
                RowField::Column { slot: None, .. } => Value::Null,
                RowField::Column {
                    meta,
                    access,
                    fields,
                    ..
                } => column_value(
                    meta,
                    access,
                    fields,
                    get(meta.name).unwrap_or(Db::Int(None)),
                ),
                RowField::Computed(c) => (c.value)(&get),
                // Refused above.
                RowField::One(..) | RowField::Many(..) => Value::Null,
            };
            (key.clone(), v)
        });
        Value::Object(map.collect())
    };
    Some(match list {
        true => Value::List(rows.into_iter().map(answer).collect()),
        false => rows.first().map_or(Value::Null, |r| answer(r)),
    })
}

/// A JSON object column's value (an object, or a list of them) with the
/// fields its sub-selection asks for, under their response keys.
fn project(v: Value, type_name: &str, fields: &[(Name, Name)]) -> Value {
    match v {
        Value::Object(obj) => Value::Object(
            fields
                .iter()
                .map(|(key, name)| {
                    let v = match name.as_str() {
                        "__typename" => Value::String(type_name.to_owned()),
                        _ => obj.get(name).cloned().unwrap_or(Value::Null),
                    };
                    (key.clone(), v)
                })
                .collect(),
        ),
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|i| project(i, type_name, fields))
                .collect(),
        ),
        other => other,
    }
}
