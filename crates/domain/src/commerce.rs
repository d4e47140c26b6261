//! Certificates and payments (seed 001). Certificates are numbered as the
//! seed's insert trigger does, `CERT-{TYPE}-{YYYYMMDD}-{UUID}` (the
//! certificate's own id, so numbers are unique; the unique index backs it).
//! Payments are recorded against a workshop registration or an engagement,
//! completed or failed by admins, and refunded in full or in part — never
//! more than was paid.

use auth::policy::{is_admin, is_staff};
use chrono::NaiveDate;
use entity::{
    adaptability_assessments as assessments, certificates, engagements, payments, tenants,
    user_roles, workshop_registrations as reg,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, prelude::Decimal, sea_query::Expr};
use store::{NoticeKind, Topic, Write};
use uuid::Uuid;

use crate::{
    Result,
    decimal::{Least, checked},
    now,
    rules::{admin_only, bad, conflict, forbidden, insert_unique, one_of},
    workshops,
};

pub const CERTIFICATE_TYPES: &[&str] = &["workshop", "program", "assessment"];
pub const PROVIDERS: &[&str] = &["stripe", "paypal", "manual"];

/// The seed's certificate number: `CERT-{TYPE}-{YYYYMMDD}-{UUID}`.
pub fn certificate_number(certificate_type: &str, issued: NaiveDate, id: Uuid) -> String {
    format!(
        "CERT-{}-{}-{id}",
        certificate_type.to_uppercase(),
        issued.format("%Y%m%d")
    )
}

/// A certificate to insert (checked by the caller).
pub(crate) struct Grant {
    pub user_id: Uuid,
    pub certificate_type: &'static str,
    pub workshop_id: Option<Uuid>,
    pub assessment_id: Option<Uuid>,
    pub skills: serde_json::Value,
    pub expiry_date: Option<NaiveDate>,
}

/// Inserts a certificate issued today by the caller, numbered as the seed's
/// trigger numbers it, with a verification link on the tenant's website
/// (when the tenant has one).
pub(crate) async fn issue(w: &Write, g: Grant) -> Result<certificates::Model> {
    let id = Uuid::new_v4();
    let today = chrono::Utc::now().date_naive();
    let number = certificate_number(g.certificate_type, today, id);
    let website = w
        .select_unrestricted::<tenants::Entity>()
        .one()
        .await?
        .and_then(|t| t.metadata.get("website")?.as_str().map(str::to_owned));
    let at = now();
    let am = certificates::ActiveModel {
        id: Set(id),
        user_id: Set(g.user_id),
        certificate_type: Set(g.certificate_type.into()),
        workshop_id: Set(g.workshop_id),
        assessment_id: Set(g.assessment_id),
        verification_url: Set(
            website.map(|s| format!("{}/verify/{number}", s.trim_end_matches('/')))
        ),
        certificate_number: Set(number),
        issue_date: Set(today),
        expiry_date: Set(g.expiry_date),
        skills_demonstrated: Set(g.skills),
        certificate_url: Set(None),
        issued_by: Set(w.principal().user_id),
        is_verified: Set(true),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    let issued = w.insert(am).await?;
    w.publish(Topic::Notice {
        user: issued.user_id,
        kind: NoticeKind::CertificateIssued,
        id: issued.id,
    })
    .await?;
    Ok(issued)
}

/// What staff ask for in `issueCertificate`.
#[derive(Debug)]
pub struct NewCertificate {
    pub user_id: Uuid,
    pub certificate_type: String,
    pub workshop_id: Option<Uuid>,
    pub assessment_id: Option<Uuid>,
    pub skills: Vec<String>,
    pub expiry_date: Option<NaiveDate>,
}

/// Staff issue a certificate. Workshop certificates: the workshop's
/// instructor or an admin, to a registrant who attended and holds none for
/// it yet (the registration then points at it). Program and assessment
/// certificates: admins; an assessment certificate needs the recipient's
/// completed assessment.
pub async fn issue_certificate(w: &Write, c: NewCertificate) -> Result<certificates::Model> {
    if !is_staff(w.principal()) {
        return Err(forbidden("only instructors and admins issue certificates"));
    }
    one_of("certificateType", &c.certificate_type, CERTIFICATE_TYPES)?;
    let kind: &'static str = match c.certificate_type.as_str() {
        "workshop" => "workshop",
        "program" => "program",
        _ => "assessment",
    };
    match (kind, c.workshop_id, c.assessment_id) {
        ("workshop", Some(_), None) | ("assessment", None, Some(_)) | ("program", None, None) => {}
        _ => {
            return Err(bad(
                "a workshop certificate names a workshop, an assessment certificate an assessment, \
                 a program certificate neither",
            ));
        }
    }
    if c.skills.len() > 50 || c.skills.iter().any(|s| s.trim().is_empty()) {
        return Err(bad("skills must be at most 50 non-blank entries"));
    }
    let today = chrono::Utc::now().date_naive();
    if c.expiry_date.is_some_and(|d| d < today) {
        return Err(bad("expiryDate must not be before today"));
    }
    let recipient = workshops::member(w, c.user_id).await?.id;
    let mut registration = None;
    if let Some(workshop_id) = c.workshop_id {
        workshops::managed(w, workshop_id).await?;
        let r = w
            .select_unrestricted::<reg::Entity>()
            .filter(reg::Column::WorkshopId.eq(workshop_id))
            .filter(reg::Column::UserId.eq(recipient))
            .one()
            .await?;
        let Some(r) = r.filter(|r| r.attended && r.status != "cancelled") else {
            return Err(conflict("the recipient did not attend the workshop"));
        };
        let held = w
            .select_unrestricted::<certificates::Entity>()
            .filter(certificates::Column::WorkshopId.eq(workshop_id))
            .filter(certificates::Column::UserId.eq(recipient))
            .count()
            .await?;
        if held > 0 || r.certificate_id.is_some() {
            return Err(conflict(
                "the recipient already holds this workshop's certificate",
            ));
        }
        registration = Some(r.id);
    } else if !is_admin(w.principal()) {
        return Err(forbidden(
            "only admins issue program and assessment certificates",
        ));
    }
    if let Some(assessment_id) = c.assessment_id {
        let a = crate::visible::<assessments::Entity>(w, assessment_id, "adaptability assessment")
            .await?;
        if a.user_id != recipient || a.status != "completed" {
            return Err(conflict(
                "the assessment is not the recipient's completed assessment",
            ));
        }
    }
    let cert = issue(
        w,
        Grant {
            user_id: recipient,
            certificate_type: kind,
            workshop_id: c.workshop_id,
            assessment_id: c.assessment_id,
            skills: serde_json::Value::from(
                c.skills
                    .iter()
                    .map(|s| s.trim().to_owned())
                    .collect::<Vec<_>>(),
            ),
            expiry_date: c.expiry_date,
        },
    )
    .await?;
    if let Some(r) = registration {
        w.update::<reg::Entity>(
            vec![
                (reg::Column::CertificateId, Expr::val(Some(cert.id))),
                (reg::Column::UpdatedAt, Expr::val(now())),
            ],
            Condition::all().add(reg::Column::Id.eq(r)),
        )
        .await?;
    }
    Ok(cert)
}

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
    pub provider: String,
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
    one_of("provider", &p.provider, PROVIDERS)?;
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
            if !matches!(r.status.as_str(), "registered" | "completed") {
                return Err(conflict("the registration is cancelled"));
            }
            (
                r.user_id,
                organization_of(w, r.user_id).await?,
                "workshop",
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
            if e.status == "cancelled" {
                return Err(conflict("the engagement is cancelled"));
            }
            (e.client_id, e.organization_id, "engagement", e.id, None)
        }
    };
    if let Some(r) = &registration {
        let open = w
            .select_unrestricted::<payments::Entity>()
            .filter(payments::Column::Status.is_in(["pending", "succeeded"]))
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
        provider: Set(p.provider),
        transaction_id: Set(p.transaction_id.filter(|t| !t.trim().is_empty())),
        status: Set("pending".into()),
        payment_type: Set(kind.into()),
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
    to: &str,
    extra: Vec<(payments::Column, Expr)>,
) -> Result<payments::Model> {
    admin_only(w.principal(), "change a payment's status")?;
    payment(w, id).await?;
    let mut set = vec![
        (payments::Column::Status, Expr::val(to)),
        (payments::Column::UpdatedAt, Expr::val(now())),
    ];
    set.extend(extra);
    let changed = w
        .update::<payments::Entity>(
            set,
            Condition::all()
                .add(payments::Column::Id.eq(id))
                .add(payments::Column::Status.eq("pending")),
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
    settle(w, id, "succeeded", extra).await
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
    settle(w, id, "failed", extra).await
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
                .add(payments::Column::Status.is_in(["succeeded", "refunded"])),
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
            (payments::Column::Status, Expr::val("refunded")),
            (payments::Column::RefundAmount, Expr::val(Some(total))),
            (payments::Column::RefundedAt, Expr::val(now())),
            (payments::Column::Metadata, Expr::val(meta)),
        ],
        Condition::all().add(payments::Column::Id.eq(id)),
    )
    .await?;
    payment(w, id).await
}
