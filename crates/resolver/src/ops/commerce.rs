//! Certificates and payments (seed 001): staff issue certificates (numbered
//! as the seed's trigger does); payments are recorded for a workshop
//! registration or an engagement, settled by admins and refunded in full or
//! in part, never beyond what was paid.

use async_graphql::dynamic::{FieldValue, TypeRef};
use domain::certificates::NewCertificate;
use domain::commerce::{NewPayment, PaymentFor};
use entity::payments;

use entity::enums::{CertificateType, PaymentProvider};

use super::prelude::{
    Id, Parts, arguments,
    node::{AdaptabilityAssessment, Engagement, Payment, User, Workshop, WorkshopRegistration},
    row, write,
};
use crate::error::ApiError;

fn payment(m: payments::Model) -> Result<FieldValue<'static>, ApiError> {
    Ok(row::<payments::Entity>(m))
}

arguments! {
    struct CertificateArgs {
        /// The recipient, a member of the tenant.
        user_id: Id<User>,
        /// The kind of certificate.
        certificate_type: CertificateType,
        /// The workshop of a workshop certificate.
        workshop_id: Option<Id<Workshop>>,
        /// The assessment of an assessment certificate.
        adaptability_assessment_id: Option<Id<AdaptabilityAssessment>>,
        /// Skills demonstrated.
        skills: Option<Vec<String>>,
        /// When it expires (not before today); none by default.
        expiry_date: Option<chrono::NaiveDate>,
    }
}

arguments! {
    struct PaymentArgs {
        /// The registration paid for.
        workshop_registration_id: Option<Id<WorkshopRegistration>>,
        /// The engagement paid for.
        engagement_id: Option<Id<Engagement>>,
        /// Amount: greater than 0, at most 99999999.99, at most 2 decimal places.
        amount: rust_decimal::Decimal,
        /// ISO 4217 code (default USD).
        currency: Option<String>,
        /// Who processes it.
        provider: PaymentProvider,
        /// The provider's reference.
        transaction_id: Option<String>,
        /// Invoice number, unique in the tenant.
        invoice_number: Option<String>,
        /// Extra details (a JSON object).
        metadata: Option<serde_json::Value>,
    }
}

impl PaymentArgs {
    fn payment(self) -> domain::Result<NewPayment> {
        let target = match (self.workshop_registration_id, self.engagement_id) {
            (Some(r), None) => PaymentFor::WorkshopRegistration(r.into()),
            (None, Some(e)) => PaymentFor::Engagement(e.into()),
            _ => {
                return Err(domain::DomainError::BadInput(
                    "give exactly one of `workshopRegistrationId` and `engagementId`".into(),
                ));
            }
        };
        Ok(NewPayment {
            target,
            amount: self.amount,
            currency: self.currency.unwrap_or_else(|| "USD".into()),
            provider: self.provider,
            transaction_id: self.transaction_id,
            invoice_number: self.invoice_number,
            metadata: self.metadata,
        })
    }
}

arguments! {
    struct CompleteArgs {
        /// The payment.
        payment_id: Id<Payment>,
        /// The provider's reference.
        transaction_id: Option<String>,
    }
}

arguments! {
    struct FailArgs {
        /// The payment.
        payment_id: Id<Payment>,
        /// Why it failed.
        reason: Option<String>,
    }
}

arguments! {
    struct RefundArgs {
        /// The payment.
        payment_id: Id<Payment>,
        /// How much to refund: greater than 0, at most 2 decimal places (default: all that is left).
        amount: Option<rust_decimal::Decimal>,
        /// Why (kept in the metadata as `refund_reason`).
        reason: Option<String>,
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.mutation = p
        .mutation
        .field(
            write(
                "issueCertificate",
                TypeRef::named_nn("Certificate"),
                "Staff: issue a certificate numbered `CERT-{TYPE}-{YYYYMMDD}-{UUID}` (type in capitals, issue date, \
                 the certificate's own id). Workshop \
                 certificates: the workshop's instructor or an admin, to a registrant who attended and holds none \
                 for it yet; program and assessment certificates: admins (an assessment certificate needs the \
                 recipient's completed assessment). FORBIDDEN for others, CONFLICT when the recipient did not \
                 attend or already holds it, BAD_USER_INPUT when the source does not fit the type.",
                |w, a: CertificateArgs| {
                    let c = NewCertificate {
                        user_id: a.user_id.into(),
                        certificate_type: a.certificate_type,
                        workshop_id: a.workshop_id.map(Into::into),
                        assessment_id: a.adaptability_assessment_id.map(Into::into),
                        skills: a.skills.unwrap_or_default(),
                        expiry_date: a.expiry_date,
                    };
                    Box::pin(domain::certificates::issue_certificate(w, c))
                },
                |m| Ok(row::<entity::certificates::Entity>(m)),
            ),
        )
        .field(
            write(
                "createPayment",
                TypeRef::named_nn("Payment"),
                "Record a pending payment for exactly one of a workshop registration (by the registrant or an \
                 admin; the registration then points at it) or an engagement (by its client or an admin). \
                 `amount` greater than 0; CONFLICT for a cancelled registration or engagement, a registration \
                 that already has a pending or succeeded payment, or a taken invoice number.",
                |w, a: PaymentArgs| {
                    Box::pin(async move { domain::commerce::create_payment(w, a.payment()?).await })
                },
                payment,
            ),
        )
        .field(
            write(
                "completePayment",
                TypeRef::named_nn("Payment"),
                "Admins: a pending payment succeeded. CONFLICT unless pending.",
                |w, a: CompleteArgs| {
                    Box::pin(domain::commerce::complete_payment(w, a.payment_id.into(), a.transaction_id))
                },
                payment,
            ),
        )
        .field(
            write(
                "failPayment",
                TypeRef::named_nn("Payment"),
                "Admins: a pending payment failed (the reason is kept in its metadata as `failure_reason`). \
                 CONFLICT unless pending.",
                |w, a: FailArgs| Box::pin(domain::commerce::fail_payment(w, a.payment_id.into(), a.reason)),
                payment,
            ),
        )
        .field(
            write(
                "refundPayment",
                TypeRef::named_nn("Payment"),
                "Admins: refund a succeeded payment in full (no `amount`: all that is left) or in part, possibly \
                 several times. The status becomes `refunded` (also after a partial refund), `refundAmount` the \
                 total refunded, and the metadata's `partial_refund` says whether part is kept. CONFLICT when more \
                 than is left is asked for or the payment did not succeed.",
                |w, a: RefundArgs| {
                    Box::pin(domain::commerce::refund_payment(w, a.payment_id.into(), a.amount, a.reason))
                },
                payment,
            ),
        );
    p
}
