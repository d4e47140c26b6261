//! Tenant isolation, enforced twice: by construction in the gateway (every
//! query of every entity goes through `store::Scope`, which adds the tenant
//! condition) and by PostgreSQL row-level security underneath it.

mod common;

use auth::{Principal, Role};
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

const INSIDEOUT: Uuid = Uuid::from_u128(0x10000000_0000_4000_8000_000000000001);
const NORTHSTAR: Uuid = Uuid::from_u128(0x10000000_0000_4000_8000_000000000002);
const LEO: Uuid = Uuid::from_u128(0x20000000_0000_4000_8000_000000000008);

fn learner(tenant: Uuid) -> Principal {
    Principal {
        tenant_id: tenant,
        user_id: Some(LEO),
        roles: vec![Role::Learner],
        organization_id: None,
    }
}

fn admin(tenant: Uuid) -> Principal {
    Principal {
        roles: vec![Role::TenantAdmin],
        ..learner(tenant)
    }
}

/// Every entity's scoped query carries the tenant condition (or, for the
/// two global tables, the tenant's own restriction). A new entity added to
/// the registry is covered automatically; one missing from the registry is
/// caught by `every_tenant_table_is_registered`.
#[tokio::test]
async fn every_entity_is_reached_only_through_the_tenant_scope() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(&dir).await;
    let db = coachql::db::connect(&url, 2).await.unwrap();
    let store = store::Store::new(db.clone(), None);
    let scope = store.scope(admin(INSIDEOUT)).await.unwrap();
    let tenant = INSIDEOUT.to_string();
    let mut checked = 0;
    macro_rules! check {
        ($($m:ident),* $(,)?) => {$(
            let sql = store::Reader::select::<entity::$m::Entity>(&scope).sql();
            let table = stringify!($m);
            let scoped = match table {
                "tenants" => sql.contains(&format!("\"id\" = '{tenant}'")),
                "users" => sql.contains("\"user_roles\"") && sql.contains(&tenant),
                _ => sql.contains(&format!("\"tenant_id\" = '{tenant}'")),
            };
            assert!(scoped, "{table} is not tenant-scoped: {sql}");
            checked += 1;
        )*};
    }
    entity::for_each_entity!(check);
    assert_eq!(checked, entity::registry::TABLES.len());
    scope.release(false).await.unwrap();
    db.close().await.unwrap();
    common::drop_database(pg).await;
}

/// The registry lists every table with a `tenant_id` column, so the scoping
/// test above cannot miss one.
#[tokio::test]
async fn every_tenant_table_is_registered() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(&dir).await;
    let db = coachql::db::connect(&url, 2).await.unwrap();
    coachql::db::migrate(&db).await.unwrap();
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT table_name AS t FROM information_schema.columns WHERE table_schema = current_schema() \
             AND column_name = 'tenant_id' AND table_name IN (SELECT table_name FROM information_schema.tables \
             WHERE table_type = 'BASE TABLE')"
        }
        _ => {
            "SELECT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'tenant_id'"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    assert!(rows.len() > 40);
    for r in rows {
        let t: String = r.try_get("", "t").unwrap();
        assert!(
            entity::registry::TABLES.contains(&t.as_str()),
            "{t} is not in the registry"
        );
    }
    db.close().await.unwrap();
    common::drop_database(pg).await;
}

/// On PostgreSQL: a query with no tenant condition at all, on the gateway's
/// own request connection, still sees only the request's tenant — for every
/// tenant table.
#[tokio::test]
async fn postgres_row_level_security_confines_unscoped_queries() {
    let s = common::TestServer::start().await;
    if s.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        eprintln!("SQLite has no row-level security; set TEST_DATABASE_URL to run this test");
        s.stop().await;
        return;
    }
    let store = store::Store::new(s.db.clone(), Some(s.config.db_role.clone()));
    let rows = s
        .db
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT table_name AS t FROM information_schema.columns WHERE table_schema = current_schema() \
             AND column_name = 'tenant_id' AND table_name IN (SELECT table_name FROM information_schema.tables \
             WHERE table_type = 'BASE TABLE') ORDER BY 1",
        ))
        .await
        .unwrap();
    let mut leaked = vec![];
    for tenant in [INSIDEOUT, NORTHSTAR] {
        let scope = store.scope(admin(tenant)).await.unwrap();
        for r in &rows {
            let t: String = r.try_get("", "t").unwrap();
            let own: i64 =
                s.db.query_one_raw(Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    format!("SELECT COUNT(*) AS n FROM \"{t}\" WHERE tenant_id = '{tenant}'"),
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get("", "n")
                .unwrap();
            let seen = scope.unscoped_count(&t).await.unwrap();
            if seen != own {
                leaked.push(format!("{t}: sees {seen}, owns {own}"));
            }
        }
        scope.release(false).await.unwrap();
    }
    assert!(
        leaked.is_empty(),
        "row-level security let through: {leaked:?}"
    );

    // Seed 000's per-user policy holds in the database too: a learner's
    // unscoped query sees only their own attempts.
    let scope = store.scope(learner(INSIDEOUT)).await.unwrap();
    let own: i64 = s
        .db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("SELECT COUNT(*) AS n FROM user_attempts WHERE tenant_id = '{INSIDEOUT}' AND user_id = '{LEO}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap();
    assert_eq!(scope.unscoped_count("user_attempts").await.unwrap(), own);
    scope.release(false).await.unwrap();
    s.stop().await;
}
