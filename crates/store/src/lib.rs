//! Tenant-scoped data access. A [`Scope`] is the only way the API reaches
//! business data: every query it builds carries the tenant condition, and it
//! never hands out the connection, so a resolver cannot forget the tenant.

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, Iterable, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, IntoCondition, Query},
};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no column {column:?} on {table}")]
    UnknownColumn { table: String, column: String },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The database, before a tenant is chosen: only global lookups.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Data access confined to `tenant_id`.
    pub fn scope(&self, tenant_id: Uuid) -> Scope {
        Scope {
            db: self.db.clone(),
            tenant_id,
        }
    }

    /// A tenant by slug, or by id when `key` is a UUID.
    pub async fn tenant(&self, key: &str) -> Result<Option<entity::tenants::Model>, StoreError> {
        use entity::tenants::{Column, Entity};
        let cond = match key.parse::<Uuid>() {
            Ok(id) => Column::Id.eq(id),
            Err(_) => Column::Slug.eq(key),
        };
        Ok(Entity::find().filter(cond).one(&self.db).await?)
    }

    pub async fn user_by_email(
        &self,
        email: &str,
    ) -> Result<Option<entity::users::Model>, StoreError> {
        use entity::users::{Column, Entity};
        Ok(Entity::find()
            .filter(Column::Email.eq(email.trim().to_lowercase()))
            .one(&self.db)
            .await?)
    }

    /// A user's memberships in a tenant that have not expired.
    pub async fn active_memberships(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
    ) -> Result<Vec<entity::user_roles::Model>, StoreError> {
        use entity::user_roles::{Column, Entity};
        let now = chrono_now();
        Ok(Entity::find()
            .filter(Column::TenantId.eq(tenant_id))
            .filter(Column::UserId.eq(user_id))
            .filter(
                Condition::any()
                    .add(Column::ExpiresAt.is_null())
                    .add(Column::ExpiresAt.gt(now)),
            )
            .all(&self.db)
            .await?)
    }
}

fn chrono_now() -> sea_orm::prelude::DateTimeWithTimeZone {
    sea_orm::prelude::ChronoUtc::now().fixed_offset()
}

/// Finds the column of `E` called `name`.
pub fn column<E: EntityTrait>(name: &str) -> Result<E::Column, StoreError> {
    E::Column::iter()
        .find(|c| sea_orm::IdenStatic::as_str(c) == name)
        .ok_or_else(|| StoreError::UnknownColumn {
            table: sea_orm::IdenStatic::as_str(&E::default()).to_owned(),
            column: name.to_owned(),
        })
}

/// The condition confining `E` to `tenant_id`. Tenant tables filter on their
/// own `tenant_id`; `users` are visible only as members of the tenant;
/// `tenants` only as the tenant itself.
fn tenant_condition<E: EntityTrait>(tenant_id: Uuid) -> Condition {
    let table = sea_orm::IdenStatic::as_str(&E::default());
    match (table, column::<E>("tenant_id"), column::<E>("id")) {
        (_, Ok(col), _) => Condition::all().add(col.eq(tenant_id)),
        ("tenants", _, Ok(id)) => Condition::all().add(id.eq(tenant_id)),
        ("users", _, Ok(id)) => Condition::all().add(
            id.in_subquery(
                Query::select()
                    .column(entity::user_roles::Column::UserId)
                    .from(entity::user_roles::Entity)
                    .and_where(entity::user_roles::Column::TenantId.eq(tenant_id))
                    .to_owned(),
            ),
        ),
        // A table with no tenant column that is not known to be global is
        // never readable: fail closed.
        _ => Condition::all().add(Expr::cust("1 = 0")),
    }
}

/// Access to one tenant's data.
#[derive(Clone, Debug)]
pub struct Scope {
    db: DatabaseConnection,
    tenant_id: Uuid,
}

impl Scope {
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// A query over `E`, already confined to this tenant.
    pub fn select<E: EntityTrait>(&self) -> Scoped<E> {
        Scoped {
            select: E::find().filter(tenant_condition::<E>(self.tenant_id)),
            db: self.db.clone(),
        }
    }
}

/// A tenant-confined query; conditions can only narrow it.
pub struct Scoped<E: EntityTrait> {
    select: Select<E>,
    db: DatabaseConnection,
}

impl<E: EntityTrait> Scoped<E> {
    pub fn filter(mut self, cond: impl IntoCondition) -> Self {
        self.select = self.select.filter(cond);
        self
    }

    pub fn order_by(mut self, col: E::Column, order: Order) -> Self {
        self.select = self.select.order_by(col, order);
        self
    }

    pub fn limit(mut self, n: u64) -> Self {
        self.select = self.select.limit(n);
        self
    }

    pub async fn all(self) -> Result<Vec<E::Model>, StoreError> {
        Ok(self.select.all(&self.db).await?)
    }

    pub async fn one(self) -> Result<Option<E::Model>, StoreError> {
        Ok(self.select.one(&self.db).await?)
    }

    pub async fn count(self) -> Result<u64, StoreError>
    where
        E::Model: Sync,
    {
        Ok(self.select.count(&self.db).await?)
    }
}

impl Store {
    /// Round-trips to the database (for `/health`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }
}
