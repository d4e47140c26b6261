//! Workshop registration (seed 001): the triggers that decrement
//! `capacity_remaining` on registration and give the seat back on
//! cancellation, as one atomic conditional `UPDATE` each — never overbooked,
//! even with many registrations at once.

use entity::{workshop_registrations as reg, workshops};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait},
};
use store::Write;
use uuid::Uuid;

use crate::{DomainError, Result, now};

fn me(w: &Write) -> Result<Uuid> {
    w.principal()
        .user_id
        .ok_or_else(|| DomainError::Forbidden("sign in to register".into()))
}

/// Registers the caller for a published workshop, taking one seat.
/// `CONFLICT` when it is full, not open, or the caller is registered.
pub async fn register(w: &Write, workshop_id: Uuid) -> Result<reg::Model> {
    let user = me(w)?;
    let workshop = crate::visible::<workshops::Entity>(w, workshop_id, "workshop").await?;
    if workshop.status != "published" {
        return Err(DomainError::Conflict(
            "the workshop is not open for registration".into(),
        ));
    }
    let existing = w
        .select_unrestricted::<reg::Entity>()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::UserId.eq(user))
        .one()
        .await?;
    if existing.as_ref().is_some_and(|r| r.status != "cancelled") {
        return Err(DomainError::Conflict(
            "already registered for this workshop".into(),
        ));
    }
    take_seat(w, workshop_id).await?;
    let at = now();
    let saved = match existing {
        // A cancelled registration comes back to life.
        Some(old) => {
            w.update::<reg::Entity>(
                vec![
                    (reg::Column::Status, Expr::val("registered")),
                    (reg::Column::RegisteredAt, Expr::val(at)),
                    (
                        reg::Column::CancelledAt,
                        Expr::val(Option::<sea_orm::prelude::DateTimeWithTimeZone>::None),
                    ),
                    (reg::Column::UpdatedAt, Expr::val(at)),
                ],
                Condition::all().add(reg::Column::Id.eq(old.id)),
            )
            .await?;
            w.select_unrestricted::<reg::Entity>()
                .filter(reg::Column::Id.eq(old.id))
                .one()
                .await?
                .ok_or(DomainError::NotFound("registration"))?
        }
        None => {
            let am = reg::ActiveModel {
                id: Set(Uuid::new_v4()),
                workshop_id: Set(workshop_id),
                user_id: Set(user),
                status: Set("registered".into()),
                registered_at: Set(at),
                price_paid: Set(workshop.price_early_bird.unwrap_or(workshop.price_amount)),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            };
            match w.insert(am).await {
                Ok(m) => m,
                // The same caller registering twice at once: one wins.
                Err(store::StoreError::Db(e))
                    if matches!(
                        e.sql_err(),
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                    ) =>
                {
                    return Err(DomainError::Conflict(
                        "already registered for this workshop".into(),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    Ok(saved)
}

/// One seat, atomically: the row changes only if a seat is left, so two
/// transactions can never take the last seat twice (PostgreSQL re-checks
/// the condition on the locked row; SQLite has one writer at a time).
async fn take_seat(w: &Write, workshop_id: Uuid) -> Result<()> {
    let taken = w
        .update::<workshops::Entity>(
            vec![
                (
                    workshops::Column::CapacityRemaining,
                    Expr::col(workshops::Column::CapacityRemaining).sub(1),
                ),
                (workshops::Column::UpdatedAt, Expr::val(now())),
            ],
            Condition::all()
                .add(workshops::Column::Id.eq(workshop_id))
                .add(workshops::Column::Status.eq("published"))
                .add(workshops::Column::CapacityRemaining.gt(0)),
        )
        .await?;
    if taken == 0 {
        return Err(DomainError::Conflict("the workshop is full".into()));
    }
    Ok(())
}

/// Cancels the caller's registration and gives the seat back.
pub async fn cancel(w: &Write, workshop_id: Uuid) -> Result<reg::Model> {
    let user = me(w)?;
    let at = now();
    let changed = w
        .update::<reg::Entity>(
            vec![
                (reg::Column::Status, Expr::val("cancelled")),
                (reg::Column::CancelledAt, Expr::val(at)),
                (reg::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(reg::Column::WorkshopId.eq(workshop_id))
                .add(reg::Column::UserId.eq(user))
                .add(reg::Column::Status.eq("registered")),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::NotFound("registration"));
    }
    w.update::<workshops::Entity>(
        vec![
            (
                workshops::Column::CapacityRemaining,
                Expr::col(workshops::Column::CapacityRemaining).add(1),
            ),
            (workshops::Column::UpdatedAt, Expr::val(at)),
        ],
        Condition::all()
            .add(workshops::Column::Id.eq(workshop_id))
            .add(
                Expr::col(workshops::Column::CapacityRemaining)
                    .lt(Expr::col(workshops::Column::CapacityTotal)),
            ),
    )
    .await?;
    w.select_unrestricted::<reg::Entity>()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::UserId.eq(user))
        .one()
        .await?
        .ok_or(DomainError::NotFound("registration"))
}
