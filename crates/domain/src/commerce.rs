//! Payments (seed 001): recorded against a workshop registration or an
//! engagement, completed or failed by admins, and refunded in full or in
//! part — never more than was paid. Certificates are in `certificates`.

use auth::policy::is_admin;
use entity::{
    engagements,
    enums::{EngagementStatus, PaymentProvider, PaymentStatus, PaymentType, RegistrationStatus},
    payments, user_roles, workshop_registrations as reg,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, prelude::Decimal, sea_query::Expr};
use store::{Reader, Write};
use uuid::Uuid;

use crate::{
    Result,
    decimal::{Least, checked},
    now,
    rules::{admin_only, bad, conflict, forbidden, insert_unique, stored},
};

/// What a payment is for.
#[derive(Debug, Clone, Copy)]
pub enum PaymentFor {
    WorkshopRegistration(Uuid),
    Engagement(Uuid),
}

#[derive(Debug)]
pub struct NewPayment {
    pub target: PaymentFor,
    pub amount: Decimal,
    pub currency: String,
    pub provider: PaymentProvider,
    pub transaction_id: Option<String>,
    pub invoice_number: Option<String>,
    pub metadata: Option<serde_json::Value>,
}

/// The payer's organization: that of their first membership with one.
async fn organization_of(w: &Write, user: Uuid) -> Result<Option<Uuid>> {
    Ok(w.select_unrestricted::<user_roles::Entity>()
        .filter(user_roles::Column::UserId.eq(user))
        .filter(user_roles::Column::OrganizationId.is_not_null())
        .one()
        .await?
        .and_then(|r| r.organization_id))
}

/// Records a pending payment. For a workshop registration: by the
/// registrant (or an admin), for an active registration without a pending
/// or succeeded payment; the registration then points at it. For an
/// engagement: by its client (or an admin), unless cancelled.
pub async fn create_payment(w: &Write, p: NewPayment) -> Result<payments::Model> {
    let amount = checked(
        "amount",
        payments::Column::Amount,
        p.amount,
        Least::AboveZero,
        None,
    )?;
    let currency = p.currency.trim().to_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(bad("currency must be a 3-letter ISO 4217 code"));
    }
    let metadata = p.metadata.unwrap_or_else(|| serde_json::json!({}));
    if !metadata.is_object() {
        return Err(bad("metadata must be a JSON object"));
    }
    let caller = w.principal().user_id;
    let admin = is_admin(w.principal());
    let id = Uuid::new_v4();
    let (payer, org, kind, related, registration) = match p.target {
        PaymentFor::WorkshopRegistration(rid) => {
            let r = crate::visible::<reg::Entity>(w, rid, "workshop registration").await?;
            if Some(r.user_id) != caller && !admin {
                return Err(forbidden(
                    "only the registrant or an admin pays for a registration",
                ));
            }
            match stored(&r.status)? {
                RegistrationStatus::Registered | RegistrationStatus::Completed => {}
                RegistrationStatus::Cancelled | RegistrationStatus::NoShow => {
                    return Err(conflict("the registration is cancelled"));
                }
            }
            (
                r.user_id,
                organization_of(w, r.user_id).await?,
                PaymentType::Workshop,
                r.workshop_id,
                Some(r),
            )
        }
        PaymentFor::Engagement(eid) => {
            let e = crate::visible::<engagements::Entity>(w, eid, "engagement").await?;
            if Some(e.client_id) != caller && !admin {
                return Err(forbidden(
                    "only the engagement's client or an admin pays for it",
                ));
            }
            match stored(&e.status)? {
                EngagementStatus::Cancelled => {
                    return Err(conflict("the engagement is cancelled"));
                }
                EngagementStatus::Pending
                | EngagementStatus::Active
                | EngagementStatus::Paused
                | EngagementStatus::Completed => {}
            }
            (
                e.client_id,
                e.organization_id,
                PaymentType::Engagement,
                e.id,
                None,
            )
        }
    };
    if let Some(r) = &registration {
        let open = w
            .select_unrestricted::<payments::Entity>()
            .filter(payments::Column::Status.is_in([
                PaymentStatus::Pending.as_str(),
                PaymentStatus::Succeeded.as_str(),
            ]))
            .filter(payments::Column::Id.eq(r.payment_id.unwrap_or(Uuid::nil())))
            .count()
            .await?;
        if open > 0 {
            return Err(conflict("the registration already has a payment"));
        }
    }
    let at = now();
    let am = payments::ActiveModel {
        id: Set(id),
        user_id: Set(payer),
        organization_id: Set(org),
        amount: Set(amount),
        currency: Set(currency),
        provider: Set(p.provider.as_str().into()),
        transaction_id: Set(p.transaction_id.filter(|t| !t.trim().is_empty())),
        status: Set(PaymentStatus::Pending.as_str().into()),
        payment_type: Set(kind.as_str().into()),
        related_entity_id: Set(Some(related)),
        invoice_number: Set(p.invoice_number.filter(|t| !t.trim().is_empty())),
        metadata: Set(metadata),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    let saved = insert_unique(w, am, "the invoice number is already taken").await?;
    // One open payment per registration, atomically: the link moves only
    // from the payment seen above (none, failed or refunded).
    if let Some(r) = registration {
        let prior = match r.payment_id {
            Some(old) => reg::Column::PaymentId.eq(old),
            None => reg::Column::PaymentId.is_null(),
        };
        let linked = w
            .update::<reg::Entity>(
                vec![
                    (reg::Column::PaymentId, Expr::val(Some(id))),
                    (reg::Column::UpdatedAt, Expr::val(at)),
                ],
                Condition::all().add(reg::Column::Id.eq(r.id)).add(prior),
            )
            .await?;
        if linked == 0 {
            return Err(conflict("the registration already has a payment"));
        }
    }
    Ok(saved)
}

async fn payment(w: &Write, id: Uuid) -> Result<payments::Model> {
    crate::visible::<payments::Entity>(w, id, "payment").await
}

/// The payment's metadata with `key` set to `value`.
fn with_meta(mut m: serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    if let Some(o) = m.as_object_mut() {
        o.insert(key.into(), value);
    }
    m
}

/// Pending → `to` (with `extra` columns), or CONFLICT.
async fn settle(
    w: &Write,
    id: Uuid,
    to: PaymentStatus,
    extra: Vec<(payments::Column, Expr)>,
) -> Result<payments::Model> {
    admin_only(w.principal(), "change a payment's status")?;
    payment(w, id).await?;
    let mut set = vec![
        (payments::Column::Status, Expr::val(to.as_str())),
        (payments::Column::UpdatedAt, Expr::val(now())),
    ];
    set.extend(extra);
    let changed = w
        .update::<payments::Entity>(
            set,
            Condition::all()
                .add(payments::Column::Id.eq(id))
                .add(payments::Column::Status.eq(PaymentStatus::Pending.as_str())),
        )
        .await?;
    if changed == 0 {
        return Err(conflict("only a pending payment can be settled"));
    }
    payment(w, id).await
}

/// Admins: a pending payment succeeded (optionally with the provider's
/// transaction id).
pub async fn complete_payment(
    w: &Write,
    id: Uuid,
    transaction_id: Option<String>,
) -> Result<payments::Model> {
    let extra = transaction_id
        .filter(|t| !t.trim().is_empty())
        .map(|t| vec![(payments::Column::TransactionId, Expr::val(Some(t)))])
        .unwrap_or_default();
    settle(w, id, PaymentStatus::Succeeded, extra).await
}

/// Admins: a pending payment failed; the reason goes to its metadata.
pub async fn fail_payment(w: &Write, id: Uuid, reason: Option<String>) -> Result<payments::Model> {
    admin_only(w.principal(), "change a payment's status")?;
    let p = payment(w, id).await?;
    let extra = match reason.filter(|r| !r.trim().is_empty()) {
        Some(r) => vec![(
            payments::Column::Metadata,
            Expr::val(with_meta(p.metadata, "failure_reason", r.into())),
        )],
        None => vec![],
    };
    settle(w, id, PaymentStatus::Failed, extra).await
}

/// Admins refund a succeeded payment, in full (`amount` omitted: what is
/// left) or in part, possibly several times, never more than was paid.
/// The seed has one refund status: any refund sets `refunded`, with
/// `refund_amount` the total refunded and the metadata's `partial_refund`
/// telling a partial refund apart (as the demo data does).
pub async fn refund_payment(
    w: &Write,
    id: Uuid,
    amount: Option<Decimal>,
    reason: Option<String>,
) -> Result<payments::Model> {
    admin_only(w.principal(), "change a payment's status")?;
    let amount = amount
        .map(|a| {
            checked(
                "amount",
                payments::Column::RefundAmount,
                a,
                Least::AboveZero,
                None,
            )
        })
        .transpose()?;
    payment(w, id).await?;
    // Lock the row first (PostgreSQL re-reads it after a concurrent refund
    // commits; SQLite writes one at a time), then compute exactly.
    let locked = w
        .update::<payments::Entity>(
            vec![(payments::Column::UpdatedAt, Expr::val(now()))],
            Condition::all()
                .add(payments::Column::Id.eq(id))
                .add(payments::Column::Status.is_in([
                    PaymentStatus::Succeeded.as_str(),
                    PaymentStatus::Refunded.as_str(),
                ])),
        )
        .await?;
    if locked == 0 {
        return Err(conflict("only a succeeded payment can be refunded"));
    }
    let p = payment(w, id).await?;
    let refunded = p.refund_amount.unwrap_or(Decimal::ZERO);
    let left = p.amount - refunded;
    let give = amount.unwrap_or(left);
    if give <= Decimal::ZERO || give > left {
        return Err(conflict(format!(
            "at most {left} of {} {} is left to refund",
            p.amount, p.currency
        )));
    }
    let total = refunded + give;
    let mut meta = with_meta(p.metadata, "partial_refund", (total < p.amount).into());
    if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
        meta = with_meta(meta, "refund_reason", r.into());
    }
    w.update::<payments::Entity>(
        vec![
            (
                payments::Column::Status,
                Expr::val(PaymentStatus::Refunded.as_str()),
            ),
            (payments::Column::RefundAmount, Expr::val(Some(total))),
            (payments::Column::RefundedAt, Expr::val(now())),
            (payments::Column::Metadata, Expr::val(meta)),
        ],
        Condition::all().add(payments::Column::Id.eq(id)),
    )
    .await?;
    payment(w, id).await
}
