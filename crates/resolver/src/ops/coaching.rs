//! Coaching data platform operations (seed 002): data items with a
//! visibility level, chunks with embeddings, and exact similarity search
//! over the chunks the caller may read.

use async_graphql::dynamic::{Field, FieldFuture, FieldValue, Object, TypeRef};
use domain::coaching::{self as c, ChunkMatch, NewDataItem};
use entity::{data_chunks, data_items};

use super::{Parts, arg, id_arg, read, row, write};

fn floats() -> TypeRef {
    TypeRef::named_nn_list_nn(TypeRef::FLOAT)
}

/// `ChunkMatch`: a chunk and its similarity.
fn chunk_match() -> Object {
    let field =
        |name: &str, ty: TypeRef, doc: &str, get: fn(&ChunkMatch) -> FieldValue<'static>| {
            Field::new(name, ty, move |ctx| {
                FieldFuture::new(async move {
                    let m = ctx.parent_value.try_downcast_ref::<ChunkMatch>()?;
                    Ok(Some(get(m)))
                })
            })
            .description(doc)
        };
    Object::new("ChunkMatch")
        .description("A data chunk ranked by cosine similarity to a query embedding.")
        .field(field(
            "chunk",
            TypeRef::named_nn("DataChunk"),
            "The chunk.",
            |m| row::<data_chunks::Entity>(m.chunk.clone()),
        ))
        .field(field(
            "similarity",
            TypeRef::named_nn(TypeRef::FLOAT),
            "Cosine similarity to the query, -1 to 1.",
            |m| FieldValue::value(m.similarity),
        ))
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.push(chunk_match());
    p.query = p.query.field(
        read(
            "similarChunks",
            TypeRef::named_nn_list_nn("ChunkMatch"),
            "Exact similarity search: the chunks you may read (by their data item's visibility), most \
             similar to `embedding` by cosine first. BAD_USER_INPUT for an empty or all-zero vector or one whose \
             dimension differs from the stored embeddings.",
            |a| {
                Ok((
                    a.floats("embedding")?,
                    a.int_in("first", 1..=100)?.unwrap_or(5) as usize,
                    a.strings("visibility")?,
                ))
            },
            |s, (v, first, vis)| Box::pin(c::similar_chunks(s, v, first, vis)),
            |ms| Ok(FieldValue::list(ms.into_iter().map(FieldValue::owned_any))),
        )
        .argument(arg("embedding", floats(), "The query vector (same dimension as the stored embeddings)."))
        .argument(arg("first", TypeRef::named(TypeRef::INT), "How many, 1–100 (default 5).").default_value(5))
        .argument(arg(
            "visibility",
            TypeRef::named_nn_list(TypeRef::STRING),
            "Only chunks of data items with one of these levels (private, coach_only, org_visible, public); \
             omitted: every level you may read.",
        )),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "createDataItem",
                TypeRef::named_nn("DataItem"),
                "Coaches (admins too): record a data item; you are its creator and, as a coach, its coach. Its \
                 organization is the client's, else yours.",
                |a| {
                    Ok(NewDataItem {
                        data_type: a.string("dataType")?,
                        visibility_level: a.opt_string("visibilityLevel")?.unwrap_or_else(|| "private".into()),
                        raw_content: a.opt_string("rawContent")?,
                        client_id: a.opt_id("clientId", "Client")?,
                        metadata: a.json("metadata")?,
                    })
                },
                |w, i| Box::pin(c::create_data_item(w, i)),
                |i| Ok(row::<data_items::Entity>(i)),
            )
            .argument(arg("dataType", TypeRef::named_nn(TypeRef::STRING), "transcript, assessment, coaching_model or company_doc."))
            .argument(
                arg("visibilityLevel", TypeRef::named(TypeRef::STRING), "private, coach_only, org_visible or public (default private).")
                    .default_value("private"),
            )
            .argument(arg("rawContent", TypeRef::named(TypeRef::STRING), "The item's text."))
            .argument(arg("clientId", TypeRef::named(TypeRef::ID), "The client it is about (a `Client` id)."))
            .argument(arg("metadata", TypeRef::named("JSON"), "Free-form JSON object.")),
        )
        .field(
            write(
                "addDataChunk",
                TypeRef::named_nn("DataChunk"),
                "The item's creator or coach (admins too) adds a chunk with its embedding. BAD_USER_INPUT when the \
                 embedding is empty or its dimension differs from the stored ones; CONFLICT when the index is taken.",
                |a| {
                    Ok((
                        a.id("dataItemId", "DataItem")?,
                        a.string("content")?,
                        a.floats("embedding")?,
                        a.int_in("chunkIndex", 0..=i32::MAX as i64)?,
                    ))
                },
                |w, (id, content, v, index)| Box::pin(c::add_data_chunk(w, id, content, v, index)),
                |ch| Ok(row::<data_chunks::Entity>(ch)),
            )
            .argument(id_arg("dataItemId", "DataItem", "The data item"))
            .argument(arg("content", TypeRef::named_nn(TypeRef::STRING), "The chunk's text."))
            .argument(arg("embedding", floats(), "Its embedding vector."))
            .argument(arg("chunkIndex", TypeRef::named(TypeRef::INT), "Position in the item (default: the next).")),
        );
    p
}
