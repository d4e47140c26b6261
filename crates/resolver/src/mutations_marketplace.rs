//! Expert marketplace mutations (seed 001): completing sessions spends
//! engagement hours; client scores and approved reviews recompute ratings.

use async_graphql::dynamic::{Field, FieldFuture, FieldValue, InputValue, Object, TypeRef};

use crate::{
    error::ApiError,
    mutations::{id_arg, in_write},
    table::AnyRow,
};

fn row<E: sea_orm::EntityTrait>(m: E::Model) -> FieldValue<'static>
where
    E::Model: Send + Sync + 'static,
{
    FieldValue::owned_any(AnyRow::new::<E>(m))
}

pub fn fields(mutation: Object) -> Object {
    mutation
        .field(
            Field::new("completeEngagementSession", TypeRef::named_nn("EngagementSession"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "engagementSessionId", "EngagementSession")?;
                    let hours = ctx
                        .args
                        .get("durationHours")
                        .and_then(|v| v.string().ok().map(str::to_owned))
                        .ok_or_else(|| ApiError::bad_input("durationHours is required"))?
                        .parse()
                        .map_err(|_| ApiError::bad_input("durationHours must be a decimal"))?;
                    let notes = ctx.args.get("notes").and_then(|v| v.string().ok().map(str::to_owned));
                    let m = in_write(&ctx, |w| {
                        Box::pin(domain::marketplace::complete_session(w, id, hours, notes))
                    })
                    .await?;
                    Ok(Some(row::<entity::engagement_sessions::Entity>(m)))
                })
            })
            .argument(InputValue::new("engagementSessionId", TypeRef::named_nn(TypeRef::ID)))
            .argument(InputValue::new("durationHours", TypeRef::named_nn("Decimal")).description("Hours spent, greater than 0, at most 2 decimals."))
            .argument(InputValue::new("notes", TypeRef::named(TypeRef::STRING)).description("Session notes."))
            .description(
                "Complete a scheduled session of an engagement you are a party to (admins: any); its hours are added \
                 to the engagement's `hoursUsed`. CONFLICT when the session is not scheduled or the hours would exceed \
                 `hoursTotal`.",
            ),
        )
        .field(
            Field::new("rateEngagement", TypeRef::named_nn("Engagement"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "engagementId", "Engagement")?;
                    let score = ctx.args.get("score").and_then(|v| v.i64().ok()).unwrap_or(0);
                    let score = i32::try_from(score.clamp(-1, 6)).unwrap_or(0);
                    let m = in_write(&ctx, |w| Box::pin(domain::marketplace::rate_engagement(w, id, score))).await?;
                    Ok(Some(row::<entity::engagements::Entity>(m)))
                })
            })
            .argument(InputValue::new("engagementId", TypeRef::named_nn(TypeRef::ID)))
            .argument(InputValue::new("score", TypeRef::named_nn(TypeRef::INT)).description("Client satisfaction, 1–5."))
            .description(
                "As the engagement's client, set its satisfaction score; the expert's profile rating becomes the \
                 average score over their rated engagements (seed 001 trigger).",
            ),
        )
        .field(
            Field::new("approveReview", TypeRef::named_nn("Review"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "reviewId", "Review")?;
                    let m = in_write(&ctx, |w| Box::pin(domain::marketplace::approve_review(w, id))).await?;
                    Ok(Some(row::<entity::reviews::Entity>(m)))
                })
            })
            .argument(InputValue::new("reviewId", TypeRef::named_nn(TypeRef::ID)))
            .description(
                "Admins: approve a pending review; the expert's or workshop's rating and review count are recomputed \
                 from its approved reviews. CONFLICT unless pending.",
            ),
        )
}
