//! Several reads of one scope in one round trip.
//!
//! A domain read (a dashboard, a result page) is a handful of small scoped
//! queries. On PostgreSQL each would be a round trip, and round trips, not
//! the queries, dominate such a request. A [`Batch`] gathers the queries,
//! each still built by [`Reader::select`](crate::Reader::select) with its tenant condition and read
//! rules, and sends them as ONE statement: the database returns every
//! query's rows as one JSON document (`json_agg` of each row, keyed by
//! column name), decoded here into the same models the queries would have
//! returned one by one. On SQLite, which runs in-process and has no round
//! trip to save, each query runs on its own and is decoded as usual.
//!
//! Later queries can use earlier ones as subqueries ([`Scoped::column`]),
//! so "the courses of my enrollments" needs no second trip either.

use std::marker::PhantomData;

use sea_orm::{
    ConnectionTrait, DbBackend, FromQueryResult, QueryResult,
    sea_query::{Alias, Expr, Func, Query, SelectStatement, SubQueryStatement},
};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::{Conn, StoreError, stats};

/// Queries waiting to run together: see the module documentation.
pub struct Batch {
    conn: Conn,
    reads: Vec<SelectStatement>,
}

/// A query's place in its batch, typed by the rows it returns.
pub struct Read<T> {
    index: usize,
    _rows: PhantomData<fn() -> T>,
}

/// What a batch read: each query's rows, taken out with [`Rows::take`].
pub struct Rows {
    per_read: Vec<Option<Found>>,
}

enum Found {
    /// PostgreSQL: the query's rows, a JSON array of objects keyed by
    /// column name, as text: decoded straight into the rows' type when
    /// taken, with no JSON tree in between.
    Json(Box<RawValue>),
    /// SQLite: the query's own result rows.
    Rows(Vec<QueryResult>),
}

impl Batch {
    /// An empty batch of reads through `conn` ([`crate::Reader::batch`]).
    pub(crate) fn new(conn: Conn) -> Self {
        Batch {
            conn,
            reads: Vec::new(),
        }
    }

    /// Adds a query (from [`Scoped::into_statement`] or [`Scoped::shaped`],
    /// so it is confined to the scope); its rows come back as `T`.
    pub fn read<T>(&mut self, query: SelectStatement) -> Read<T>
    where
        T: FromQueryResult + DeserializeOwned,
    {
        self.reads.push(query);
        Read {
            index: self.reads.len() - 1,
            _rows: PhantomData,
        }
    }

    /// Runs every query: one statement on PostgreSQL, one per query on
    /// SQLite.
    pub async fn run(self) -> Result<Rows, StoreError> {
        let conn = &self.conn;
        let backend = conn.backend();
        let per_read = if backend == DbBackend::Postgres {
            if self.reads.is_empty() {
                return Ok(Rows {
                    per_read: Vec::new(),
                });
            }
            let n = self.reads.len();
            let all: Vec<Box<RawValue>> = match conn.read_json(&together(self.reads)).await? {
                Some(t) => serde_json::from_str(&t).map_err(|e| decode_error(&e))?,
                None => Vec::new(),
            };
            if all.len() != n {
                return Err(decode_error(&"one array per query"));
            }
            all.into_iter().map(|r| Some(Found::Json(r))).collect()
        } else {
            let mut per_read = Vec::with_capacity(self.reads.len());
            for q in &self.reads {
                let statement = backend.build(q);
                let rows = on_conn!(conn, |c| c.query_all_raw(statement).await)?;
                per_read.push(Some(Found::Rows(rows)));
            }
            per_read
        };
        Ok(Rows { per_read })
    }
}

/// `SELECT json_build_array((SELECT COALESCE(json_agg(r), '[]') FROM (q1)
/// r), …)::text`: each query's rows in their order, as JSON objects. (A
/// function takes at most 100 arguments; a batch is a handful.)
fn together(reads: Vec<SelectStatement>) -> SelectStatement {
    let arrays = reads.into_iter().enumerate().map(|(i, q)| {
        let alias = Alias::new(format!("_b{i}"));
        let rows = Func::coalesce([
            Func::cust(Alias::new("json_agg"))
                .arg(Expr::col(alias.clone()))
                .into(),
            Expr::cust("'[]'::json"),
        ]);
        let select = Query::select().expr(rows).from_subquery(q, alias).take();
        Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(select)))
    });
    let doc = Func::cust(Alias::new("json_build_array")).args(arrays);
    Query::select()
        .expr(Func::cast_as(doc, Alias::new("text")))
        .take()
}

fn decode_error(e: &dyn std::fmt::Display) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Type(format!("batched read: {e}")))
}

impl Rows {
    /// The rows of `read`, in the query's order.
    pub fn take<T>(&mut self, read: Read<T>) -> Result<Vec<T>, StoreError>
    where
        T: FromQueryResult + DeserializeOwned,
    {
        let found = self
            .per_read
            .get_mut(read.index)
            .and_then(Option::take)
            .ok_or_else(|| decode_error(&"a read taken twice"))?;
        let rows: Vec<T> = match found {
            Found::Json(rows) => serde_json::from_str(rows.get()).map_err(|e| decode_error(&e))?,
            Found::Rows(rows) => rows
                .iter()
                .map(|r| T::from_query_result(r, ""))
                .collect::<Result<_, _>>()?,
        };
        stats::rows(rows.len());
        Ok(rows)
    }

    /// The first row of `read`, if any.
    pub fn first<T>(&mut self, read: Read<T>) -> Result<Option<T>, StoreError>
    where
        T: FromQueryResult + DeserializeOwned,
    {
        Ok(self.take(read)?.into_iter().next())
    }
}
