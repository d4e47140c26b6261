//! One text order on every installation.
//!
//! PostgreSQL sorts text by the database's collation, chosen when the
//! database was created (`en_US.UTF-8`, an ICU locale, `C`, …), and SQLite
//! by `BINARY`: the same query would list `Alpha, Zulu, apple` on one
//! installation and `Alpha, apple, Zulu` on another, and a cursor written
//! under one order would seek under the other. Every sort and every
//! comparison of a text column made through this crate therefore names its
//! collation: byte order of the UTF-8 text, which is Unicode code point
//! order — `COLLATE "C"` on PostgreSQL, `COLLATE BINARY` on SQLite (both
//! compare the bytes). Uppercase sorts before lowercase (`Zulu` < `apple`),
//! and letters outside ASCII after `z` (`zebra` < `Ähre`).
//!
//! Code point order was chosen over a case-insensitive key (`lower(x)`)
//! because `lower` itself differs: SQLite's lowers ASCII only, PostgreSQL's
//! follows the database's locale, so `lower('Ähre')` is not one value
//! everywhere.

use sea_orm::{ColumnTrait, ColumnType, DbBackend, sea_query::Expr};

/// Whether values of `ty` are compared as text.
pub fn is_text(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Text | ColumnType::String(_) | ColumnType::Char(_)
    )
}

/// The expression `col` sorts and compares by: the column itself, or for a
/// text column the column under byte-order collation (see the module
/// docs). Use it on both sides of an order and of a keyset seek, so the two
/// always agree.
pub fn sort_key<C: ColumnTrait>(backend: DbBackend, col: C) -> Expr {
    let e = Expr::col(col.as_column_ref());
    if !is_text(col.def().get_column_type()) {
        return e;
    }
    // The placeholder of the wrapped expression is the backend's own.
    match backend {
        DbBackend::Postgres => Expr::cust_with_expr("$1 COLLATE \"C\"", e),
        _ => Expr::cust_with_expr("? COLLATE BINARY", e),
    }
}

/// An `ORDER BY` clause (with its leading space) that sorts the rows of
/// the subquery `alias` by `keys`, as [`sort_key`] sorts them; empty without
/// keys. For re-sorting a merged result the same way as its parts.
pub fn outer_order_by<C: ColumnTrait>(
    backend: DbBackend,
    alias: &str,
    keys: &[(C, sea_orm::Order, Option<sea_orm::sea_query::NullOrdering>)],
) -> String {
    use sea_orm::{Order, sea_query::NullOrdering};
    let terms: Vec<String> = keys
        .iter()
        .map(|(col, order, nulls)| {
            let collate = match (is_text(col.def().get_column_type()), backend) {
                (false, _) => "",
                (true, DbBackend::Postgres) => r#" COLLATE "C""#,
                (true, _) => " COLLATE BINARY",
            };
            let dir = if matches!(order, Order::Desc) {
                "DESC"
            } else {
                "ASC"
            };
            let nulls = match nulls {
                Some(NullOrdering::First) => " NULLS FIRST",
                Some(NullOrdering::Last) => " NULLS LAST",
                None => "",
            };
            format!(r#""{alias}"."{}"{collate} {dir}{nulls}"#, col.as_str())
        })
        .collect();
    if terms.is_empty() {
        String::new()
    } else {
        format!(" ORDER BY {}", terms.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{EntityTrait, QueryOrder, QueryTrait};

    #[test]
    fn text_columns_are_collated_others_are_not() {
        use entity::workshops::{Column, Entity};
        let sql = |backend| {
            Entity::find()
                .order_by(sort_key(backend, Column::Title), sea_orm::Order::Asc)
                .order_by(sort_key(backend, Column::PriceAmount), sea_orm::Order::Asc)
                .build(backend)
                .to_string()
        };
        let pg = sql(DbBackend::Postgres);
        assert!(
            pg.contains(
                r#"ORDER BY "workshops"."title" COLLATE "C" ASC, "workshops"."price_amount" ASC"#
            ),
            "{pg}"
        );
        let lite = sql(DbBackend::Sqlite);
        assert!(
            lite.contains(r#""workshops"."title" COLLATE BINARY ASC"#),
            "{lite}"
        );
    }
}
