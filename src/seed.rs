//! Demo data: the JSON files in `seeds/`, compiled into the binary so it
//! loads the same from any working directory and on either backend.
//!
//! Each file maps table names to arrays of rows (column → value; omitted
//! columns take their database defaults). A key `table@update` holds partial
//! rows applied by `id` after every insert, for references that point forward
//! (a course's final quiz is created after the course). Rows whose `id`
//! already exists are skipped, so loading twice changes nothing.

use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, TransactionTrait,
    sea_query::OnConflict,
};
use serde_json::{Map, Value};

const FILES: &[(&str, &str)] = &[
    ("identity", include_str!("../seeds/identity.json")),
    ("competency", include_str!("../seeds/competency.json")),
    ("learning", include_str!("../seeds/learning.json")),
    (
        "workshops_commerce",
        include_str!("../seeds/workshops_commerce.json"),
    ),
    ("coaching", include_str!("../seeds/coaching.json")),
    ("analytics", include_str!("../seeds/analytics.json")),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seeds/{file}.json is not valid JSON: {source}")]
    Json {
        file: &'static str,
        source: serde_json::Error,
    },
    #[error("seeds/{file}.json: unknown table {table:?}")]
    UnknownTable { file: &'static str, table: String },
    #[error("seeds: row {index} of {table}: {source}")]
    Row {
        table: String,
        index: usize,
        source: DbErr,
    },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

/// An active model with the row's columns Set and all others NotSet (so the
/// database default applies). sea-orm's own `from_json` fills absent columns
/// with placeholder values that do not all deserialize (timestamps), so the
/// placeholders here are chosen per column type. Public for the benchmark's
/// dataset generator, which builds its rows the same way.
pub fn active_from_json<E>(row: &Value) -> Result<E::ActiveModel, DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + serde::de::DeserializeOwned,
{
    use sea_orm::{ColumnTrait, ColumnType, IdenStatic, Iterable};
    let Value::Object(given) = row else {
        return Err(DbErr::Json("a row must be a JSON object".into()));
    };
    let mut full = given.clone();
    let mut absent = Vec::new();
    for col in E::Column::iter() {
        let name = col.as_str();
        if given.contains_key(name) {
            continue;
        }
        absent.push(name);
        let def = col.def();
        let placeholder = if def.is_null() {
            Value::Null
        } else {
            match def.get_column_type() {
                ColumnType::Uuid => Value::from(uuid::Uuid::nil().to_string()),
                ColumnType::TimestampWithTimeZone => Value::from("1970-01-01T00:00:00+00:00"),
                ColumnType::Date => Value::from("1970-01-01"),
                ColumnType::Time => Value::from("00:00:00"),
                ColumnType::Boolean => Value::from(false),
                ColumnType::Decimal(_) => Value::from("0"),
                ColumnType::Json | ColumnType::JsonBinary => Value::Null,
                ColumnType::Text | ColumnType::String(_) => Value::from(""),
                _ => Value::from(0),
            }
        };
        full.insert(name.to_owned(), placeholder);
    }
    let model: E::Model =
        serde_json::from_value(Value::Object(full)).map_err(|e| DbErr::Json(e.to_string()))?;
    let mut am = model.into_active_model();
    for col in <E::Column as Iterable>::iter() {
        if absent.contains(&col.as_str()) {
            am.not_set(col);
        } else if let Some(v) = am.get(col).into_value() {
            am.set(col, v);
        }
    }
    Ok(am)
}

async fn insert_rows<E>(
    db: &impl sea_orm::ConnectionTrait,
    table: &str,
    rows: &[Value],
) -> Result<u64, SeedError>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + serde::de::DeserializeOwned + serde::Serialize,
    E::ActiveModel: ActiveModelTrait<Entity = E> + sea_orm::TryIntoModel<E::Model> + Send,
{
    let mut inserted = 0;
    for (index, row) in rows.iter().enumerate() {
        let row_err = |source| SeedError::Row {
            table: table.to_owned(),
            index,
            source,
        };
        let am = active_from_json::<E>(row).map_err(row_err)?;
        let res = E::insert(am)
            .on_conflict(
                OnConflict::column(sea_orm::sea_query::Alias::new("id"))
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .map_err(row_err)?;
        inserted += res;
    }
    Ok(inserted)
}

async fn update_rows<E>(
    db: &impl sea_orm::ConnectionTrait,
    table: &str,
    rows: &[Value],
) -> Result<(), SeedError>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + serde::de::DeserializeOwned + serde::Serialize,
    E::ActiveModel: ActiveModelTrait<Entity = E> + sea_orm::TryIntoModel<E::Model> + Send,
{
    for (index, row) in rows.iter().enumerate() {
        let row_err = |source| SeedError::Row {
            table: table.to_owned(),
            index,
            source,
        };
        let id = row.get("id").cloned().unwrap_or(Value::Null);
        let mut am = active_from_json::<E>(row).map_err(row_err)?;
        // `from_json` marks the key Set; an update needs it Unchanged.
        let id: sea_orm::Value = serde_json::from_value::<uuid::Uuid>(id)
            .map_err(|e| row_err(DbErr::Json(e.to_string())))?
            .into();
        for pk in <E::PrimaryKey as sea_orm::Iterable>::iter() {
            let col = sea_orm::PrimaryKeyToColumn::into_column(pk);
            am.not_set(col);
            am.set(col, id.clone());
            am.reset(col);
        }
        am.update(db).await.map_err(row_err)?;
    }
    Ok(())
}

/// Every seed file's rows merged by table name (`table` and `table@update`
/// keys, each an array of rows). Public for the benchmark, which copies the
/// demo shape into more tenants.
pub fn demo_tables() -> Result<Map<String, Value>, SeedError> {
    let mut by_table: Map<String, Value> = Map::new();
    for (file, text) in FILES {
        let doc: Map<String, Value> =
            serde_json::from_str(text).map_err(|source| SeedError::Json { file, source })?;
        for (table, rows) in doc {
            let base = table.trim_end_matches("@update");
            if !entity::registry::TABLES.contains(&base) {
                return Err(SeedError::UnknownTable { file, table });
            }
            let slot = by_table
                .entry(table)
                .or_insert_with(|| Value::Array(vec![]));
            if let (Value::Array(all), Value::Array(rows)) = (slot, rows) {
                all.extend(rows);
            }
        }
    }
    Ok(by_table)
}

/// Loads every seed file in one transaction; returns how many rows were new.
pub async fn load(db: &DatabaseConnection) -> Result<u64, SeedError> {
    let txn = db.begin().await?;
    let inserted = load_tables(&txn, &demo_tables()?).await?;
    txn.commit().await?;
    Ok(inserted)
}

/// Inserts rows shaped like [`demo_tables`] (parents first, then the
/// `@update` rows) on `db`, normally a transaction; returns how many rows
/// were new.
pub async fn load_tables(
    db: &impl sea_orm::ConnectionTrait,
    by_table: &Map<String, Value>,
) -> Result<u64, SeedError> {
    let rows_of = |key: &str| -> Vec<Value> {
        match by_table.get(key) {
            Some(Value::Array(rows)) => rows.clone(),
            _ => vec![],
        }
    };
    let mut inserted = 0;
    macro_rules! load_all {
        ($($m:ident),* $(,)?) => {
            $(
                let rows = rows_of(stringify!($m));
                if !rows.is_empty() {
                    inserted += insert_rows::<entity::$m::Entity>(db, stringify!($m), &rows).await?;
                }
            )*
            $(
                let key = concat!(stringify!($m), "@update");
                let rows = rows_of(key);
                if !rows.is_empty() {
                    update_rows::<entity::$m::Entity>(db, key, &rows).await?;
                }
            )*
        };
    }
    entity::for_each_entity!(load_all);
    Ok(inserted)
}
