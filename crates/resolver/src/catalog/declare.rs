//! How a table is declared: [`decl`] starts a [`Decl`] (type, root field,
//! order, relations, docs) typed by its entity, and [`Declared`] is one
//! with its entity erased, as the catalog collects them. The domain files
//! of the catalog import this module, not the catalog itself.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityName, EntityTrait, IdenStatic};

use super::shapes::shape;
use crate::table::{EntityTable, TableOps};

/// A relation to another table, resolved through the shared dataloader.
#[derive(Clone, Copy, Debug)]
pub enum Rel {
    /// `column` of this table references `target.id`.
    One {
        field: &'static str,
        column: &'static str,
        target: &'static str,
        doc: &'static str,
    },
    /// `target.column` references this table's `id`; a connection.
    Many {
        field: &'static str,
        column: &'static str,
        target: &'static str,
        doc: &'static str,
    },
}

impl Rel {
    /// The GraphQL field.
    pub fn field(&self) -> &'static str {
        match self {
            Rel::One { field, .. } | Rel::Many { field, .. } => field,
        }
    }

    pub fn target(&self) -> &'static str {
        match self {
            Rel::One { target, .. } | Rel::Many { target, .. } => target,
        }
    }
}

pub struct TypeSpec {
    pub table: &'static str,
    pub type_name: &'static str,
    pub description: &'static str,
    /// Name of the root connection field, if the table has one.
    pub root_field: Option<&'static str>,
    pub relations: Vec<Rel>,
    /// Column descriptions, by column name.
    pub docs: Vec<(&'static str, &'static str)>,
}

impl TypeSpec {
    pub fn column_doc(&self, column: &str) -> Option<&'static str> {
        self.docs
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, d)| *d)
    }
}

/// One table's declaration, typed by its entity `E`: the GraphQL type and
/// root field, the default order, the relations and the column docs. Columns
/// are `E::Column` values and tables entity types, so a misspelt name does
/// not compile; [`catalog`] checks the rest at startup.
pub struct Decl<E: EntityTrait> {
    pub(super) spec: TypeSpec,
    /// Pages are sorted by these (NOT NULL) columns, then `id`.
    order: Vec<E::Column>,
}

/// Starts the declaration of `E`'s table as the GraphQL type `type_name`.
pub fn decl<E: EntityTrait>(type_name: &'static str, description: &'static str) -> Decl<E> {
    Decl {
        spec: TypeSpec {
            table: E::default().table_name(),
            type_name,
            description,
            root_field: None,
            relations: Vec::new(),
            docs: Vec::new(),
        },
        order: Vec::new(),
    }
}

impl<E: EntityTrait> Decl<E> {
    /// Serves the table as the root connection `field`.
    pub fn root(mut self, field: &'static str) -> Self {
        self.spec.root_field = Some(field);
        self
    }

    /// The default order of pages (before `id`, the tie-breaker).
    pub fn order(mut self, columns: impl IntoIterator<Item = E::Column>) -> Self {
        self.order.extend(columns);
        self
    }

    /// `field`: the `T` row that `column` of this table references.
    pub fn one<T: EntityTrait>(
        mut self,
        field: &'static str,
        column: E::Column,
        doc: &'static str,
    ) -> Self {
        self.spec.relations.push(Rel::One {
            field,
            column: column.as_str(),
            target: T::default().table_name(),
            doc,
        });
        self
    }

    /// `field`: a connection over the rows of `column`'s table whose
    /// `column` references this row.
    pub fn many<C: ColumnTrait>(
        mut self,
        field: &'static str,
        column: C,
        doc: &'static str,
    ) -> Self {
        self.spec.relations.push(Rel::Many {
            field,
            column: column.as_str(),
            target: C::EntityName::default().table_name(),
            doc,
        });
        self
    }

    /// The description of `column`'s field.
    pub fn doc(mut self, column: E::Column, doc: &'static str) -> Self {
        self.spec.docs.push((column.as_str(), doc));
        self
    }
}

/// A declaration with its entity erased: the table's operations (or why
/// they cannot be built) and its type.
pub struct Declared {
    pub(super) ops: Result<Arc<dyn TableOps>, String>,
    pub(super) spec: TypeSpec,
}

impl<E: EntityTrait> From<Decl<E>> for Declared
where
    E::Model: Sync,
{
    fn from(d: Decl<E>) -> Self {
        Declared {
            ops: EntityTable::<E>::new(&d.order, shape).map(|t| Arc::new(t) as Arc<dyn TableOps>),
            spec: d.spec,
        }
    }
}
