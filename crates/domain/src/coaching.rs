//! Coaching data platform (seed 002): data items with a visibility level,
//! their chunks with embeddings, and exact similarity search over them.
//!
//! Embeddings are JSON float arrays (`vector(1536)` → `jsonb`, see
//! SCHEMA_MAP). [`similar_chunks`] reads the candidate chunks through the
//! tenant and the caller's read rules (the visibility of each chunk's data
//! item) *before* ranking, then ranks by cosine similarity in Rust: an
//! exact search, never over a chunk the caller may not read.

use entity::{
    clients, coaches, data_chunks as chunks, data_items as items,
    enums::{DataType, Visibility},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Order,
    sea_query::{Expr, ExprTrait, Query},
};
use store::{Reader, Scope, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result, now,
    rules::{bad, insert_unique, non_negative, signed_in},
};

/// A new data item.
#[derive(Debug)]
pub struct NewDataItem {
    pub data_type: DataType,
    pub visibility_level: Visibility,
    pub raw_content: Option<String>,
    /// The client it is about (must be visible to the caller); its
    /// organization becomes the item's.
    pub client_id: Option<Uuid>,
    pub metadata: Option<serde_json::Value>,
}

/// The caller's coach record, if they are one.
async fn my_coach(w: &Write, user: Uuid) -> Result<Option<coaches::Model>> {
    Ok(w.select_unrestricted::<coaches::Entity>()
        .filter(coaches::Column::UserId.eq(user))
        .one()
        .await?)
}

/// A coach (or an admin) records a data item; the caller is its creator
/// and, as a coach, its coach.
pub async fn create_data_item(w: &Write, item: NewDataItem) -> Result<items::Model> {
    let user = signed_in(w.principal(), "record data")?;
    let p = w.principal();
    if item.metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(DomainError::BadInput(
            "metadata must be a JSON object".into(),
        ));
    }
    if !p.has_role(auth::Role::Coach) && !auth::policy::is_admin(p) {
        return Err(DomainError::Forbidden(
            "only coaches record data items".into(),
        ));
    }
    let org = match item.client_id {
        Some(id) => Some(
            crate::visible::<clients::Entity>(w, id, "client")
                .await?
                .client_organization_id,
        ),
        None => p.organization_id,
    };
    let at = now();
    let am = items::ActiveModel {
        id: Set(Uuid::new_v4()),
        data_type: Set(item.data_type.as_str().into()),
        coach_id: Set(my_coach(w, user).await?.map(|c| c.id)),
        client_id: Set(item.client_id),
        client_organization_id: Set(org),
        created_by_user_id: Set(Some(user)),
        visibility_level: Set(item.visibility_level.as_str().into()),
        raw_content: Set(item.raw_content),
        metadata: Set(item.metadata),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    Ok(w.insert(am).await?)
}

/// `v` as an embedding: non-empty, finite, not all zero.
fn embedding(v: &[f64]) -> Result<f64> {
    if v.is_empty() {
        return Err(DomainError::BadInput("embedding must not be empty".into()));
    }
    if v.iter().any(|x| !x.is_finite()) {
        return Err(DomainError::BadInput(
            "embedding values must be finite".into(),
        ));
    }
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm == 0.0 {
        return Err(DomainError::BadInput(
            "embedding must not be all zeros".into(),
        ));
    }
    Ok(norm)
}

fn dimension_mismatch(given: usize, stored: usize) -> DomainError {
    DomainError::BadInput(format!(
        "embedding has {given} dimensions; the stored embeddings have {stored}"
    ))
}

/// A stored embedding as floats (`None` if it is not an array of numbers).
fn stored(v: &serde_json::Value) -> Option<Vec<f64>> {
    v.as_array()?
        .iter()
        .map(serde_json::Value::as_f64)
        .collect()
}

/// Adds a chunk with its embedding to a data item the caller created or
/// coaches (admins: any visible one). The embedding must have the
/// dimension of the tenant's stored embeddings; `chunk_index` defaults to
/// the next free one; a taken index is `CONFLICT`.
pub async fn add_data_chunk(
    w: &Write,
    item_id: Uuid,
    content: String,
    vector: Vec<f64>,
    chunk_index: Option<i32>,
) -> Result<chunks::Model> {
    let user = signed_in(w.principal(), "record data")?;
    embedding(&vector)?;
    if content.trim().is_empty() {
        return Err(bad("content must not be empty"));
    }
    if let Some(i) = chunk_index {
        non_negative("chunkIndex", i)?;
    }
    let item = crate::visible::<items::Entity>(w, item_id, "data item").await?;
    let coach = my_coach(w, user).await?.map(|c| c.id);
    let coaches_it = coach.is_some() && item.coach_id == coach;
    if item.created_by_user_id != Some(user)
        && !coaches_it
        && !auth::policy::is_admin(w.principal())
    {
        return Err(DomainError::Forbidden(
            "only the item's creator or coach adds chunks".into(),
        ));
    }
    let sample = w
        .select_unrestricted::<chunks::Entity>()
        .filter(chunks::Column::Embedding.is_not_null())
        .limit(1)
        .one()
        .await?;
    if let Some(dim) = sample
        .and_then(|c| c.embedding.as_ref().and_then(stored))
        .map(|v| v.len())
        && dim != vector.len()
    {
        return Err(dimension_mismatch(vector.len(), dim));
    }
    let index = match chunk_index {
        Some(i) => i,
        None => w
            .select_unrestricted::<chunks::Entity>()
            .filter(chunks::Column::DataItemId.eq(item.id))
            .order_by(chunks::Column::ChunkIndex, Order::Desc)
            .limit(1)
            .one()
            .await?
            .map_or(0, |c| c.chunk_index + 1),
    };
    let am = chunks::ActiveModel {
        id: Set(Uuid::new_v4()),
        data_item_id: Set(item.id),
        chunk_index: Set(index),
        content: Set(content),
        embedding: Set(Some(serde_json::json!(vector))),
        created_at: Set(now()),
        ..Default::default()
    };
    insert_unique(w, am, "the item already has a chunk with this index").await
}

/// One ranked chunk.
#[derive(Debug, Clone)]
pub struct ChunkMatch {
    pub chunk: chunks::Model,
    /// Cosine similarity, -1…1.
    pub similarity: f64,
}

/// The `first` chunks most similar (cosine) to `query` among those the
/// caller may read, optionally only of data items with one of
/// `visibility` levels; ties by chunk id. Exact: every readable chunk with
/// an embedding is scored.
pub async fn similar_chunks(
    s: &Scope,
    query: Vec<f64>,
    first: usize,
    visibility: Vec<Visibility>,
) -> Result<Vec<ChunkMatch>> {
    let qnorm = embedding(&query)?;
    let mut sel = s
        .select::<chunks::Entity>()
        .filter(chunks::Column::Embedding.is_not_null());
    if !visibility.is_empty() {
        sel = sel.filter(
            chunks::Column::DataItemId.in_subquery(
                Query::select()
                    .column(items::Column::Id)
                    .from(items::Entity)
                    .and_where(Expr::col(items::Column::TenantId).eq(s.tenant_id()))
                    .and_where(
                        Expr::col(items::Column::VisibilityLevel)
                            .is_in(visibility.iter().map(|v| v.as_str())),
                    )
                    .to_owned(),
            ),
        );
    }
    let mut ranked = Vec::new();
    for chunk in sel.all().await? {
        let Some(v) = chunk.embedding.as_ref().and_then(stored) else {
            continue;
        };
        if v.len() != query.len() {
            return Err(dimension_mismatch(query.len(), v.len()));
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            continue;
        }
        let dot: f64 = v.iter().zip(&query).map(|(a, b)| a * b).sum();
        ranked.push(ChunkMatch {
            similarity: dot / (norm * qnorm),
            chunk,
        });
    }
    ranked.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.chunk.id.cmp(&b.chunk.id))
    });
    ranked.truncate(first);
    Ok(ranked)
}
