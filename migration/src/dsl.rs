//! A small declarative layer over sea-query for this schema's conventions, so
//! each table is a list of its columns and constraints and nothing else:
//!
//! * every table has a UUID `id` primary key;
//! * tenant tables carry `tenant_id` (NOT NULL, FK to `tenants`, leading
//!   column of every index and unique constraint) and `UNIQUE (tenant_id, id)`
//!   so that child rows reference parents through the composite key
//!   `(tenant_id, parent_id)`: the database itself refuses a row that points
//!   into another tenant;
//! * backend-specific pieces (GIN, full-text, JSON expression indexes) are
//!   declared once per table and emitted only on the backend they belong to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// Tables without `tenant_id`: global identity, not business data.
/// References to them are plain FKs.
pub const GLOBAL_TABLES: &[&str] = &["tenants", "users"];

#[derive(Clone, Copy)]
pub enum OnDelete {
    Cascade,
    Restrict,
    NoAction,
}

impl From<OnDelete> for ForeignKeyAction {
    fn from(d: OnDelete) -> Self {
        match d {
            OnDelete::Cascade => ForeignKeyAction::Cascade,
            OnDelete::Restrict => ForeignKeyAction::Restrict,
            OnDelete::NoAction => ForeignKeyAction::NoAction,
        }
    }
}

#[derive(Clone)]
struct Idx {
    cols: Vec<String>,
    unique: bool,
}

#[derive(Clone)]
struct DeferredFk {
    col: String,
    parent: String,
    on_delete: OnDelete,
}

#[derive(Clone)]
pub struct Tbl {
    name: &'static str,
    tenant: bool,
    stmt: TableCreateStatement,
    indexes: Vec<Idx>,
    deferred: Vec<DeferredFk>,
    /// Timestamp columns defaulting to now; added last, as the default's SQL
    /// depends on the backend.
    now_cols: Vec<(String, bool)>,
    pg: Vec<String>,
    sqlite: Vec<String>,
    sqlite_down: Vec<String>,
}

fn quote_list(vals: &[&str]) -> String {
    vals.iter()
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Tbl {
    fn base(name: &'static str, tenant: bool) -> Self {
        let mut stmt = Table::create();
        stmt.table(name)
            .col(ColumnDef::new("id").uuid().not_null().primary_key());
        let mut t = Self {
            name,
            tenant,
            stmt,
            indexes: vec![],
            deferred: vec![],
            now_cols: vec![],
            pg: vec![format!(
                "ALTER TABLE \"{name}\" ALTER COLUMN \"id\" SET DEFAULT gen_random_uuid()"
            )],
            sqlite: vec![],
            sqlite_down: vec![],
        };
        if tenant {
            t.stmt
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name(format!("fk_{name}_tenant"))
                        .from(name, "tenant_id")
                        .to("tenants", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                );
            t.indexes.push(Idx {
                cols: vec!["id".into()],
                unique: true,
            });
        }
        t
    }

    /// A table of global identity data (no `tenant_id`).
    pub fn global(name: &'static str) -> Self {
        Self::base(name, false)
    }

    /// A table of business data, scoped to one tenant.
    pub fn tenant(name: &'static str) -> Self {
        Self::base(name, true)
    }

    pub fn col(mut self, mut c: ColumnDef) -> Self {
        self.stmt.col(&mut c);
        self
    }

    pub fn text(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).text().not_null().take())
    }
    pub fn text_null(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).text().null().take())
    }
    pub fn text_default(self, n: &str, v: &str) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .text()
                .not_null()
                .default(v.to_owned())
                .take(),
        )
    }
    /// A nullable text column with a default, as the seeds write `col TEXT DEFAULT 'x'`.
    pub fn text_null_default(self, n: &str, v: &str) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .text()
                .null()
                .default(v.to_owned())
                .take(),
        )
    }
    /// A text column restricted to `vals` (the seeds' CHECK ... IN and enums).
    pub fn enum_col(self, n: &str, vals: &[&str], default: Option<&str>, nullable: bool) -> Self {
        let mut c = ColumnDef::new(n.to_owned());
        c.text();
        if nullable {
            c.null();
        } else {
            c.not_null();
        }
        if let Some(d) = default {
            c.default(d.to_owned());
        }
        self.col(c)
            .check(&format!("\"{n}\" IN ({})", quote_list(vals)))
    }
    pub fn int(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).integer().not_null().take())
    }
    pub fn int_null(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).integer().null().take())
    }
    pub fn int_default(self, n: &str, v: i32) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .integer()
                .not_null()
                .default(v)
                .take(),
        )
    }
    /// Integer in `[min, max]`; NULL allowed.
    pub fn int_range(self, n: &str, min: i32, max: i32) -> Self {
        self.int_null(n)
            .check(&format!("\"{n}\" >= {min} AND \"{n}\" <= {max}"))
    }
    pub fn decimal(self, n: &str, p: u32, s: u32) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .decimal_len(p, s)
                .not_null()
                .take(),
        )
    }
    pub fn decimal_null(self, n: &str, p: u32, s: u32) -> Self {
        self.col(ColumnDef::new(n.to_owned()).decimal_len(p, s).null().take())
    }
    pub fn decimal_default(self, n: &str, p: u32, s: u32, v: f64) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .decimal_len(p, s)
                .not_null()
                .default(v)
                .take(),
        )
    }
    pub fn bool_default(self, n: &str, v: bool) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .boolean()
                .not_null()
                .default(v)
                .take(),
        )
    }
    pub fn bool(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).boolean().not_null().take())
    }
    pub fn bool_null(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).boolean().null().take())
    }
    /// JSON (JSONB on PostgreSQL, JSON text on SQLite) with a literal default.
    pub fn json(self, n: &str, default: &str) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .json_binary()
                .not_null()
                .default(Expr::cust(format!("'{default}'")))
                .take(),
        )
    }
    pub fn json_null(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).json_binary().null().take())
    }
    pub fn uuid_null(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).uuid().null().take())
    }
    pub fn uuid(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).uuid().not_null().take())
    }
    /// `timestamptz NOT NULL DEFAULT now()`.
    pub fn ts_now(mut self, n: &str) -> Self {
        self.now_cols.push((n.to_owned(), false));
        self
    }
    /// `timestamptz DEFAULT now()` (nullable, as the seeds mostly write it).
    pub fn ts_null_now(mut self, n: &str) -> Self {
        self.now_cols.push((n.to_owned(), true));
        self
    }
    pub fn ts_null(self, n: &str) -> Self {
        self.col(
            ColumnDef::new(n.to_owned())
                .timestamp_with_time_zone()
                .null()
                .take(),
        )
    }
    pub fn date_null(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).date().null().take())
    }
    pub fn time_null(self, n: &str) -> Self {
        self.col(ColumnDef::new(n.to_owned()).time().null().take())
    }
    /// `created_at` and `updated_at`, both NOT NULL DEFAULT now().
    pub fn timestamps(self) -> Self {
        self.ts_now("created_at").ts_now("updated_at")
    }

    /// A table-level CHECK constraint, written in SQL both backends accept.
    pub fn check(mut self, sql: &str) -> Self {
        self.stmt.check(Expr::cust(sql.to_owned()));
        self
    }

    fn fk_stmt(&self, col: &str, parent: &str, on_delete: OnDelete) -> ForeignKeyCreateStatement {
        let mut fk = ForeignKey::create();
        fk.name(format!("fk_{}_{}", self.name, col))
            .on_delete(on_delete.into());
        if self.tenant && !GLOBAL_TABLES.contains(&parent) {
            fk.from(self.name, ("tenant_id".to_owned(), col.to_owned()))
                .to(parent.to_owned(), ("tenant_id", "id"));
        } else {
            fk.from(self.name, col.to_owned())
                .to(parent.to_owned(), "id");
        }
        fk
    }

    /// A foreign key; within a tenant it is `(tenant_id, col) → parent(tenant_id, id)`.
    /// The column is indexed.
    pub fn fk(mut self, col: &str, parent: &str, on_delete: OnDelete) -> Self {
        let mut fk = self.fk_stmt(col, parent, on_delete);
        self.stmt.foreign_key(&mut fk);
        self.idx(&[col])
    }

    /// A foreign key to a table created later in the same migration (circular
    /// references): an `ALTER TABLE` after all tables exist on PostgreSQL.
    /// SQLite cannot add a constraint to an existing table, and a circular
    /// pair of tables there could never be dropped with foreign keys on, so
    /// on SQLite the column is indexed and the reference is checked by the
    /// application only.
    pub fn fk_deferred(mut self, col: &str, parent: &str, on_delete: OnDelete) -> Self {
        self.deferred.push(DeferredFk {
            col: col.into(),
            parent: parent.into(),
            on_delete,
        });
        self.idx(&[col])
    }

    /// An index; `tenant_id` leads it on tenant tables. A column may end in ` DESC`.
    pub fn idx(mut self, cols: &[&str]) -> Self {
        self.indexes.push(Idx {
            cols: cols.iter().map(|c| (*c).to_owned()).collect(),
            unique: false,
        });
        self
    }

    /// A unique constraint; per tenant on tenant tables.
    pub fn uniq(mut self, cols: &[&str]) -> Self {
        self.indexes.push(Idx {
            cols: cols.iter().map(|c| (*c).to_owned()).collect(),
            unique: true,
        });
        self
    }

    /// Raw SQL run only on PostgreSQL after the table exists (GIN, full-text).
    pub fn pg(mut self, sql: &str) -> Self {
        self.pg.push(sql.to_owned());
        self
    }

    /// Raw SQL run only on SQLite after the table exists (expression indexes).
    pub fn sqlite(mut self, sql: &str) -> Self {
        self.sqlite.push(sql.to_owned());
        self
    }

    /// A GIN index on a JSON column (the seeds' arrays and JSONB), with a
    /// portable fallback on SQLite where JSON containment is a scan.
    pub fn gin(self, col: &str) -> Self {
        let name = self.name;
        self.pg(&format!(
            "CREATE INDEX \"idx_{name}_{col}_gin\" ON \"{name}\" USING GIN (\"{col}\")"
        ))
    }

    /// A GIN index on one key of a JSON column (seed 002's metadata indexes);
    /// on SQLite a B-tree expression index on the extracted value.
    pub fn json_key_index(self, col: &str, key: &str) -> Self {
        let name = self.name;
        let tenant = if self.tenant { "\"tenant_id\", " } else { "" };
        self.pg(&format!(
            "CREATE INDEX \"idx_{name}_{col}_{key}\" ON \"{name}\" USING GIN ((\"{col}\" -> '{key}'))"
        ))
        .sqlite(&format!(
            "CREATE INDEX \"idx_{name}_{col}_{key}\" ON \"{name}\" ({tenant}json_extract(\"{col}\", '$.{key}'))"
        ))
    }

    /// Full-text search over `cols`: a GIN `to_tsvector` index on PostgreSQL,
    /// an FTS5 external-content table kept in step by triggers on SQLite.
    pub fn full_text(mut self, cols: &[&str]) -> Self {
        let name = self.name;
        let doc = cols
            .iter()
            .map(|c| format!("coalesce(\"{c}\", '')"))
            .collect::<Vec<_>>()
            .join(" || ' ' || ");
        self.pg.push(format!(
            "CREATE INDEX \"idx_{name}_search\" ON \"{name}\" USING GIN (to_tsvector('english', {doc}))"
        ));
        let fts = format!("{name}_fts");
        let list = cols.join(", ");
        let new_vals = cols
            .iter()
            .map(|c| format!("new.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let old_vals = cols
            .iter()
            .map(|c| format!("old.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.sqlite.push(format!(
            "CREATE VIRTUAL TABLE \"{fts}\" USING fts5({list}, content='{name}', content_rowid='rowid')"
        ));
        self.sqlite.push(format!(
            "CREATE TRIGGER \"{fts}_ai\" AFTER INSERT ON \"{name}\" BEGIN \
             INSERT INTO \"{fts}\"(rowid, {list}) VALUES (new.rowid, {new_vals}); END"
        ));
        self.sqlite.push(format!(
            "CREATE TRIGGER \"{fts}_ad\" AFTER DELETE ON \"{name}\" BEGIN \
             INSERT INTO \"{fts}\"(\"{fts}\", rowid, {list}) VALUES ('delete', old.rowid, {old_vals}); END"
        ));
        self.sqlite.push(format!(
            "CREATE TRIGGER \"{fts}_au\" AFTER UPDATE ON \"{name}\" BEGIN \
             INSERT INTO \"{fts}\"(\"{fts}\", rowid, {list}) VALUES ('delete', old.rowid, {old_vals}); \
             INSERT INTO \"{fts}\"(rowid, {list}) VALUES (new.rowid, {new_vals}); END"
        ));
        self.sqlite_down
            .push(format!("DROP TABLE IF EXISTS \"{fts}\""));
        self
    }

    fn index_statements(&self) -> Vec<IndexCreateStatement> {
        self.indexes
            .iter()
            .map(|ix| {
                let mut cols: Vec<String> = Vec::new();
                if self.tenant {
                    cols.push("tenant_id".into());
                }
                cols.extend(ix.cols.iter().cloned());
                let plain: Vec<&str> = cols.iter().map(|c| c.trim_end_matches(" DESC")).collect();
                let name = format!(
                    "{}_{}_{}",
                    if ix.unique { "uq" } else { "idx" },
                    self.name,
                    plain.join("_")
                );
                let mut stmt = Index::create();
                stmt.name(name).table(self.name);
                for c in &cols {
                    match c.strip_suffix(" DESC") {
                        Some(c) => stmt.col((c.to_owned(), IndexOrder::Desc)),
                        None => stmt.col(c.to_owned()),
                    };
                }
                if ix.unique {
                    stmt.unique();
                }
                stmt
            })
            .collect()
    }
}

/// Creates `tables` in order with their indexes and backend extras; then the
/// deferred (circular) foreign keys on PostgreSQL.
pub async fn create_all(m: &SchemaManager<'_>, tables: Vec<Tbl>) -> Result<(), DbErr> {
    let backend = m.get_database_backend();
    let conn = m.get_connection();
    for t in &tables {
        let mut stmt = t.stmt.clone();
        for (name, nullable) in &t.now_cols {
            stmt.col(now_col(backend, name, *nullable));
        }
        m.create_table(stmt).await?;
        for ix in t.index_statements() {
            m.create_index(ix).await?;
        }
        let extras = match backend {
            DbBackend::Postgres => &t.pg,
            _ => &t.sqlite,
        };
        for sql in extras {
            conn.execute_unprepared(sql).await?;
        }
    }
    if backend == DbBackend::Postgres {
        for t in &tables {
            for d in &t.deferred {
                let fk = t.fk_stmt(&d.col, &d.parent, d.on_delete);
                m.create_foreign_key(fk).await?;
            }
        }
    }
    Ok(())
}

/// Drops `tables` in reverse order of creation.
pub async fn drop_all(m: &SchemaManager<'_>, tables: Vec<Tbl>) -> Result<(), DbErr> {
    let backend = m.get_database_backend();
    let conn = m.get_connection();
    for t in tables.iter().rev() {
        if backend == DbBackend::Sqlite {
            for sql in &t.sqlite_down {
                conn.execute_unprepared(sql).await?;
            }
        }
        let mut drop = Table::drop();
        drop.table(t.name).if_exists();
        if backend == DbBackend::Postgres {
            drop.cascade();
        }
        m.drop_table(drop).await?;
    }
    Ok(())
}

/// A `timestamptz` column defaulting to the current time. SQLite's
/// `CURRENT_TIMESTAMP` has no `T` and no offset, so it would not sort against
/// the RFC 3339 text sqlx writes; the default there writes the same format.
fn now_col(backend: DbBackend, name: &str, nullable: bool) -> ColumnDef {
    let mut c = ColumnDef::new(name.to_owned());
    c.timestamp_with_time_zone();
    if nullable {
        c.null();
    } else {
        c.not_null();
    }
    match backend {
        DbBackend::Sqlite => c.default(Expr::cust("(strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))")),
        _ => c.default(Expr::current_timestamp()),
    };
    c
}
