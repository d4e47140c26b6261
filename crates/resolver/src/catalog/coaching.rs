//! Seed 002, the coaching data platform (m0005): coaches, clients, coaching
//! models and data.

use entity::{
    clients, coach_model_associations, coaches, coaching_models, data_chunks, data_items,
    organizations, users,
};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<coaches::Entity>(
            "Coach",
            "A coach employed by the coaching company. Every member of the tenant can read the \
             coach directory.",
        )
        .root("coaches")
        .order([coaches::Column::Name])
        .one::<users::Entity>(
            "user",
            coaches::Column::UserId,
            "The coach's login, if linked.",
        )
        .many(
            "clients",
            clients::Column::PrimaryCoachId,
            "Clients whose primary coach this is.",
        )
        .many(
            "coachModelAssociations",
            coach_model_associations::Column::CoachId,
            "The coaching models this coach uses.",
        )
        .many(
            "dataItems",
            data_items::Column::CoachId,
            "Coaching data owned by this coach.",
        )
        .doc(
            coaches::Column::UserId,
            "The coach's login identity, if linked (the UUID of a `User`).",
        )
        .doc(coaches::Column::Email, "Coach email, unique in the tenant.")
        .doc(coaches::Column::Name, "Full name.")
        .doc(coaches::Column::Bio, "Professional bio.")
        .doc(
            coaches::Column::Metadata,
            "Optional attributes (JSON object), e.g. active, experience_years, specializations, \
             certifications, timezone.",
        )
        .doc(coaches::Column::CreatedAt, "When the record was created.")
        .doc(
            coaches::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<clients::Entity>(
            "Client",
            "An executive or leader being coached, in a client organization. Clients see their \
             own record, coaches their clients, org admins the clients of their organization, \
             admins all.",
        )
        .root("clients")
        .order([clients::Column::Name])
        .one::<organizations::Entity>(
            "clientOrganization",
            clients::Column::ClientOrganizationId,
            "The organization the client works for.",
        )
        .one::<coaches::Entity>(
            "primaryCoach",
            clients::Column::PrimaryCoachId,
            "The client's primary coach, if any.",
        )
        .one::<users::Entity>(
            "user",
            clients::Column::UserId,
            "The client's login, if linked.",
        )
        .many(
            "dataItems",
            data_items::Column::ClientId,
            "Coaching data about this client.",
        )
        .doc(
            clients::Column::ClientOrganizationId,
            "The organization the client works for (the UUID of an `Organization`).",
        )
        .doc(
            clients::Column::PrimaryCoachId,
            "The client's primary coach, if any (the UUID of a `Coach`).",
        )
        .doc(
            clients::Column::UserId,
            "The client's login identity, if linked (the UUID of a `User`).",
        )
        .doc(
            clients::Column::Email,
            "Client email, unique in the tenant.",
        )
        .doc(clients::Column::Name, "Full name.")
        .doc(clients::Column::Title, "Job title.")
        .doc(
            clients::Column::Metadata,
            "Optional attributes (JSON object), e.g. department, active, start_date, goals, \
             timezone.",
        )
        .doc(clients::Column::CreatedAt, "When the record was created.")
        .doc(
            clients::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<coaching_models::Entity>(
            "CoachingModel",
            "A coaching framework or methodology of the coaching company. Every member of the \
             tenant can read the model library.",
        )
        .root("coachingModels")
        .order([coaching_models::Column::Name])
        .many(
            "coachModelAssociations",
            coach_model_associations::Column::CoachingModelId,
            "Coaches who use this model.",
        )
        .doc(coaching_models::Column::Name, "Model name.")
        .doc(
            coaching_models::Column::Slug,
            "URL-friendly identifier, unique in the tenant.",
        )
        .doc(coaching_models::Column::Description, "Short description.")
        .doc(coaching_models::Column::Content, "Full model content.")
        .doc(
            coaching_models::Column::Metadata,
            "Optional attributes (JSON object), e.g. version, model_type, active, author, tags.",
        )
        .doc(
            coaching_models::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            coaching_models::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<coach_model_associations::Entity>(
            "CoachModelAssociation",
            "Links a coach to a coaching model they use. Every member of the tenant can read \
             these links.",
        )
        .root("coachModelAssociations")
        .order([coach_model_associations::Column::CreatedAt])
        .one::<coaches::Entity>(
            "coach",
            coach_model_associations::Column::CoachId,
            "The coach.",
        )
        .one::<coaching_models::Entity>(
            "coachingModel",
            coach_model_associations::Column::CoachingModelId,
            "The coaching model.",
        )
        .doc(
            coach_model_associations::Column::CoachId,
            "The coach (the UUID of a `Coach`).",
        )
        .doc(
            coach_model_associations::Column::CoachingModelId,
            "The coaching model (the UUID of a `CoachingModel`).",
        )
        .doc(
            coach_model_associations::Column::IsPrimary,
            "Whether this is the coach's primary model.",
        )
        .doc(
            coach_model_associations::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
        decl::<data_items::Entity>(
            "DataItem",
            "A stored transcript, client assessment, coaching model or company document. \
             `visibilityLevel` decides who sees it: private, its creator; coach_only, its coach \
             and creator; org_visible, the members of its organization and its coach; public, \
             everyone, also without a token (`X-Tenant`). Admins see all.",
        )
        .root("dataItems")
        .order([data_items::Column::CreatedAt])
        .one::<coaches::Entity>(
            "coach",
            data_items::Column::CoachId,
            "The coach who owns the item, if any.",
        )
        .one::<clients::Entity>(
            "client",
            data_items::Column::ClientId,
            "The client the item is about, if any.",
        )
        .one::<organizations::Entity>(
            "clientOrganization",
            data_items::Column::ClientOrganizationId,
            "The client organization the item is about, if any.",
        )
        .one::<users::Entity>(
            "createdBy",
            data_items::Column::CreatedByUserId,
            "Who created the item, if recorded.",
        )
        .many(
            "dataChunks",
            data_chunks::Column::DataItemId,
            "The item's chunks for semantic search, in order.",
        )
        .doc(data_items::Column::DataType, "The kind of item.")
        .doc(
            data_items::Column::CoachId,
            "The coach who owns the item, if any (the UUID of a `Coach`).",
        )
        .doc(
            data_items::Column::ClientId,
            "The client the item is about, if any (the UUID of a `Client`).",
        )
        .doc(
            data_items::Column::ClientOrganizationId,
            "The client organization the item is about, if any (the UUID of an `Organization`).",
        )
        .doc(
            data_items::Column::CreatedByUserId,
            "Who created the item (the UUID of a `User`); the only reader of a private item \
             besides admins.",
        )
        .doc(
            data_items::Column::VisibilityLevel,
            "Who may read the item.",
        )
        .doc(data_items::Column::RawContent, "The full text.")
        .doc(
            data_items::Column::Metadata,
            "Optional attributes (JSON object).",
        )
        .doc(
            data_items::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            data_items::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<data_chunks::Entity>(
            "DataChunk",
            "A chunk of a data item's content with its embedding, for semantic search (see \
             `similarChunks`). Visible to whoever can see its data item.",
        )
        .root("dataChunks")
        .order([data_chunks::Column::ChunkIndex])
        .one::<data_items::Entity>(
            "dataItem",
            data_chunks::Column::DataItemId,
            "The data item this chunk belongs to.",
        )
        .doc(
            data_chunks::Column::DataItemId,
            "The data item this chunk belongs to (the UUID of a `DataItem`).",
        )
        .doc(
            data_chunks::Column::ChunkIndex,
            "Position in the data item, from 0.",
        )
        .doc(data_chunks::Column::Content, "The chunk's text.")
        .doc(
            data_chunks::Column::Embedding,
            "Embedding vector (1536 numbers).",
        )
        .doc(
            data_chunks::Column::Metadata,
            "Optional attributes (JSON object).",
        )
        .doc(
            data_chunks::Column::CreatedAt,
            "When the record was created.",
        )
        .into(),
    ]
}
