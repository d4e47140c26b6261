//! Coaching data platform operations (seed 002): data items with a
//! visibility level, chunks with embeddings, and exact similarity search
//! over the chunks the caller may read.

use async_graphql::dynamic::{FieldValue, TypeRef};
use domain::coaching::{self as c, NewDataItem};
use entity::{data_chunks, data_items};

use entity::enums::{DataType, Visibility};

use super::prelude::{
    Bounded, Id, Parts, Row, arguments, composite,
    node::{Client, DataItem},
    read, row, write,
};

arguments! {
    struct SimilarArgs {
        /// The query vector (same dimension as the stored embeddings).
        embedding: Vec<f64>,
        /// How many, 1–100 (default 5).
        first: Bounded<1, 100> = Bounded(5),
        /// Only chunks of data items with one of these levels; omitted: every level you may read.
        visibility: Option<Vec<Visibility>>,
    }
}

arguments! {
    struct NewItemArgs {
        /// What the item holds.
        data_type: DataType,
        /// Who may read it (default private).
        visibility_level: Visibility = Visibility::Private,
        /// The item's text.
        raw_content: Option<String>,
        /// The client it is about.
        client_id: Option<Id<Client>>,
        /// Free-form JSON object.
        metadata: Option<serde_json::Value>,
    }
}

arguments! {
    struct NewChunkArgs {
        /// The data item.
        data_item_id: Id<DataItem>,
        /// The chunk's text.
        content: String,
        /// Its embedding vector.
        embedding: Vec<f64>,
        /// Position in the item (default: the next).
        chunk_index: Option<Bounded<0, 2_147_483_647>>,
    }
}

composite! {
    /// A data chunk ranked by cosine similarity to a query embedding.
    pub(crate) struct ChunkMatch {
        /// The chunk.
        chunk: Row<data_chunks::Entity>,
        /// Cosine similarity to the query, -1 to 1.
        similarity: f64,
    }
}

impl From<c::ChunkMatch> for ChunkMatch {
    fn from(m: c::ChunkMatch) -> Self {
        ChunkMatch {
            chunk: Row::new(m.chunk),
            similarity: m.similarity,
        }
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.push(ChunkMatch::object_type());
    p.query = p.query.field(
        read(
            "similarChunks",
            TypeRef::named_nn_list_nn("ChunkMatch"),
            "Exact similarity search: the chunks you may read (by their data item's visibility), most \
             similar to `embedding` by cosine first. BAD_USER_INPUT for an empty or all-zero vector or one whose \
             dimension differs from the stored embeddings.",
            |s, a: SimilarArgs| {
                let visibility = a.visibility.unwrap_or_default();
                Box::pin(c::similar_chunks(s, a.embedding, a.first.get() as usize, visibility))
            },
            |ms| Ok(FieldValue::list(ms.into_iter().map(|m| ChunkMatch::from(m).field()))),
        ),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "createDataItem",
                TypeRef::named_nn("DataItem"),
                "Coaches (admins too): record a data item; you are its creator and, as a coach, its coach. Its \
                 organization is the client's, else yours.",
                |w, a: NewItemArgs| {
                    let item = NewDataItem {
                        data_type: a.data_type,
                        visibility_level: a.visibility_level,
                        raw_content: a.raw_content,
                        client_id: a.client_id.map(Into::into),
                        metadata: a.metadata,
                    };
                    Box::pin(c::create_data_item(w, item))
                },
                |i| Ok(row::<data_items::Entity>(i)),
            ),
        )
        .field(
            write(
                "addDataChunk",
                TypeRef::named_nn("DataChunk"),
                "The item's creator or coach (admins too) adds a chunk with its embedding. BAD_USER_INPUT when the \
                 embedding is empty or its dimension differs from the stored ones; CONFLICT when the index is taken.",
                |w, a: NewChunkArgs| {
                    let index = a.chunk_index.map(Bounded::get);
                    Box::pin(c::add_data_chunk(w, a.data_item_id.into(), a.content, a.embedding, index))
                },
                |ch| Ok(row::<data_chunks::Entity>(ch)),
            ),
        );
    p
}
