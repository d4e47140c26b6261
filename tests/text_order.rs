//! One text order on every installation: text sorts by Unicode code point
//! (byte order of the UTF-8) on SQLite and on PostgreSQL whatever the
//! database's collation — in `orderBy`, in cursors and range filters that
//! follow it, and in the domain's own ordered reads. On PostgreSQL the
//! check runs twice: on the default test database and on one created with
//! an ICU `en-US` collation (or `en_US.UTF-8`), under which the database's
//! own order would be `Alpha, apple, Zulu`.

mod common;

use common::TestServer;
use entity::{learning_path_categories as categories, tenants, workshops};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    Statement, sea_query::Expr,
};
use serde_json::{Value, json};

const TITLES: [&str; 5] = ["Ähre", "apple", "Zulu", "_x", "Alpha"];
/// Code point order: `A` 0x41 < `Z` 0x5A < `_` 0x5F < `a` 0x61 < `Ä` 0xC4.
const SORTED: [&str; 5] = ["Alpha", "Zulu", "_x", "apple", "Ähre"];

async fn insideout(s: &TestServer) -> uuid::Uuid {
    tenants::Entity::find()
        .filter(tenants::Column::Slug.eq("insideout"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Workshops titled [`TITLES`], copies of a demo workshop.
async fn add_workshops(s: &TestServer) {
    let tenant = insideout(s).await;
    let model = workshops::Entity::find()
        .filter(workshops::Column::TenantId.eq(tenant))
        .filter(workshops::Column::Status.eq("published"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    for title in TITLES {
        let mut am = model.clone().into_active_model();
        am.id = Set(uuid::Uuid::new_v4());
        am.title = Set(title.into());
        am.reset_all().insert(&s.db).await.unwrap();
    }
}

fn titles(list: &Value) -> Vec<String> {
    list["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn check_text_order(s: &TestServer) {
    add_workshops(s).await;
    let admin = s.token("insideout", "ada@insideout.example").await;
    let q = "query($o: [WorkshopOrder!], $f: WorkshopFilter, $first: Int, $after: String) {
        workshops(orderBy: $o, filter: $f, first: $first, after: $after) {
          nodes { title } pageInfo { hasNextPage endCursor } } }";
    let only = json!({"title": {"in": TITLES}});
    let mut descending: Vec<&str> = SORTED.to_vec();
    descending.reverse();
    for (dir, expected) in [("ASC", SORTED.to_vec()), ("DESC", descending)] {
        let order = json!([{"field": "TITLE", "direction": dir}]);
        let whole = s
            .data(&admin, q, json!({"o": order, "f": only, "first": 10}))
            .await;
        assert_eq!(titles(&whole["workshops"]), expected, "{dir}");
        // Cursors seek in the same order.
        let mut paged = vec![];
        let mut after = Value::Null;
        loop {
            let page = s
                .data(
                    &admin,
                    q,
                    json!({"o": order, "f": only, "first": 2, "after": after}),
                )
                .await;
            paged.extend(titles(&page["workshops"]));
            if page["workshops"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["workshops"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(paged, expected, "{dir}, paged");
    }
    // Range filters compare as the list sorts.
    let after_zulu = s
        .data(
            &admin,
            q,
            json!({"o": [{"field": "TITLE"}], "f": {"and": [only, {"title": {"gt": "Zulu"}}]}}),
        )
        .await;
    assert_eq!(titles(&after_zulu["workshops"]), ["_x", "apple", "Ähre"]);
    // Anonymous readers see the same order.
    let anon = s
        .data(
            "tenant:insideout",
            q,
            json!({"o": [{"field": "TITLE"}], "f": only, "first": 10}),
        )
        .await;
    assert_eq!(titles(&anon["workshops"]), SORTED);

    // A domain read: learning paths by priority, then title.
    let tenant = insideout(s).await;
    let cats = categories::Entity::find()
        .filter(categories::Column::TenantId.eq(tenant))
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(cats.len(), 4, "the demo data's learning path categories");
    let every_area = json!([
        "active_listening",
        "powerful_questions",
        "creating_awareness",
        "designing_actions"
    ]);
    for (c, title) in cats.iter().zip(["Ähre", "apple", "Zulu", "_x"]) {
        categories::Entity::update_many()
            .col_expr(categories::Column::CategoryTitle, Expr::val(title))
            .col_expr(categories::Column::PriorityOrder, Expr::val(1))
            .col_expr(
                categories::Column::CompetencyAreas,
                Expr::val(every_area.clone()),
            )
            .filter(categories::Column::Id.eq(c.id))
            .exec(&s.db)
            .await
            .unwrap();
    }
    let mut alpha = cats[0].clone().into_active_model();
    alpha.id = Set(uuid::Uuid::new_v4());
    alpha.category_title = Set("Alpha".into());
    alpha.priority_order = Set(1);
    alpha.competency_areas = Set(every_area);
    alpha.reset_all().insert(&s.db).await.unwrap();
    // Leo's first attempt (6 of 12) has weak areas.
    let leo = s.token("insideout", "leo@learner.example").await;
    let attempt = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode("UserAttempt:52000000-0001-4000-8000-000000000001")
    };
    let paths = s
        .data(
            &leo,
            "query($a: ID!) { learningPathsForAssessment(userAttemptId: $a) { categoryTitle } }",
            json!({"a": attempt}),
        )
        .await;
    let got: Vec<&str> = paths["learningPathsForAssessment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["categoryTitle"].as_str().unwrap())
        .collect();
    assert_eq!(got, SORTED);
}

#[tokio::test]
async fn text_sorts_by_code_point_on_every_backend() {
    let s = TestServer::start().await;
    check_text_order(&s).await;
    s.stop().await;
}

/// PostgreSQL only: the same on a database whose own collation orders
/// text case-insensitively. Skipped (with a note) on SQLite, or when the
/// server offers neither collation.
#[tokio::test]
async fn text_order_ignores_the_database_collation() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        eprintln!("SQLite: no database collation to ignore");
        return;
    }
    let mut found = None;
    for options in [
        "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
        "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
        "TEMPLATE template0 LOCALE 'en_US.UTF-8'",
    ] {
        if let Some(s) = TestServer::start_in(options, |_| {}).await {
            found = Some((s, options));
            break;
        }
    }
    let Some((s, options)) = found else {
        eprintln!("skipped: the server has neither an ICU en-US nor an en_US.UTF-8 collation");
        return;
    };
    // The database's own order really is another one.
    let row = s
        .db
        .query_one_raw(Statement::from_string(
            s.db.get_database_backend(),
            "SELECT string_agg(x, ',' ORDER BY x) AS o FROM (VALUES ('Alpha'), ('Zulu'), ('apple')) v(x)",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<String>("", "o").unwrap(),
        "Alpha,apple,Zulu",
        "{options}"
    );
    check_text_order(&s).await;
    s.stop().await;
}
