//! Certificates and payments (seed 001): staff issue certificates (numbered
//! as the seed's trigger does); payments are recorded for a workshop
//! registration or an engagement, settled by admins and refunded in full or
//! in part, never beyond what was paid.

use async_graphql::dynamic::{FieldValue, TypeRef};
use domain::commerce::{NewCertificate, NewPayment, PaymentFor};
use entity::payments;

use super::{Parts, arg, id_arg, row, write};
use crate::error::ApiError;

fn payment(m: payments::Model) -> Result<FieldValue<'static>, ApiError> {
    Ok(row::<payments::Entity>(m))
}

fn payment_id() -> async_graphql::dynamic::InputValue {
    id_arg("paymentId", "Payment", "The payment")
}

fn opt_id(name: &str, type_name: &str, description: &str) -> async_graphql::dynamic::InputValue {
    arg(
        name,
        TypeRef::named(TypeRef::ID),
        &format!(
            "{description} ({} `{type_name}` id).",
            super::article(type_name)
        ),
    )
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
                |a| {
                    Ok(NewCertificate {
                        user_id: a.id("userId", "User")?,
                        certificate_type: a.string("certificateType")?,
                        workshop_id: a.opt_id("workshopId", "Workshop")?,
                        assessment_id: a.opt_id("adaptabilityAssessmentId", "AdaptabilityAssessment")?,
                        skills: a.strings("skills")?,
                        expiry_date: a.date("expiryDate")?,
                    })
                },
                |w, c| Box::pin(domain::commerce::issue_certificate(w, c)),
                |m| Ok(row::<entity::certificates::Entity>(m)),
            )
            .argument(id_arg("userId", "User", "The recipient, a member of the tenant"))
            .argument(arg("certificateType", TypeRef::named_nn(TypeRef::STRING), "workshop, program or assessment."))
            .argument(opt_id("workshopId", "Workshop", "The workshop of a workshop certificate"))
            .argument(opt_id(
                "adaptabilityAssessmentId",
                "AdaptabilityAssessment",
                "The assessment of an assessment certificate",
            ))
            .argument(arg("skills", TypeRef::named_nn_list(TypeRef::STRING), "Skills demonstrated."))
            .argument(arg("expiryDate", TypeRef::named("Date"), "When it expires (not before today); none by default.")),
        )
        .field(
            write(
                "createPayment",
                TypeRef::named_nn("Payment"),
                "Record a pending payment for exactly one of a workshop registration (by the registrant or an \
                 admin; the registration then points at it) or an engagement (by its client or an admin). \
                 `amount` greater than 0; CONFLICT for a cancelled registration or engagement, a registration \
                 that already has a pending or succeeded payment, or a taken invoice number.",
                |a| {
                    let target = match (
                        a.opt_id("workshopRegistrationId", "WorkshopRegistration")?,
                        a.opt_id("engagementId", "Engagement")?,
                    ) {
                        (Some(r), None) => PaymentFor::WorkshopRegistration(r),
                        (None, Some(e)) => PaymentFor::Engagement(e),
                        _ => {
                            return Err(ApiError::bad_input(
                                "give exactly one of `workshopRegistrationId` and `engagementId`",
                            ));
                        }
                    };
                    Ok(NewPayment {
                        target,
                        amount: a
                            .decimal("amount")?
                            .ok_or_else(|| ApiError::bad_input("`amount` is required"))?,
                        currency: a.opt_string("currency")?.unwrap_or_else(|| "USD".into()),
                        provider: a.string("provider")?,
                        transaction_id: a.opt_string("transactionId")?,
                        invoice_number: a.opt_string("invoiceNumber")?,
                        metadata: a.json("metadata")?,
                    })
                },
                |w, p| Box::pin(domain::commerce::create_payment(w, p)),
                payment,
            )
            .argument(opt_id("workshopRegistrationId", "WorkshopRegistration", "The registration paid for"))
            .argument(opt_id("engagementId", "Engagement", "The engagement paid for"))
            .argument(arg("amount", TypeRef::named_nn("Decimal"), "Amount: greater than 0, at most 99999999.99, at most 2 decimal places."))
            .argument(arg("currency", TypeRef::named(TypeRef::STRING), "ISO 4217 code (default USD)."))
            .argument(arg("provider", TypeRef::named_nn(TypeRef::STRING), "stripe, paypal or manual."))
            .argument(arg("transactionId", TypeRef::named(TypeRef::STRING), "The provider's reference."))
            .argument(arg("invoiceNumber", TypeRef::named(TypeRef::STRING), "Invoice number, unique in the tenant."))
            .argument(arg("metadata", TypeRef::named("JSON"), "Extra details (a JSON object).")),
        )
        .field(
            write(
                "completePayment",
                TypeRef::named_nn("Payment"),
                "Admins: a pending payment succeeded. CONFLICT unless pending.",
                |a| Ok((a.id("paymentId", "Payment")?, a.opt_string("transactionId")?)),
                |w, (id, tx)| Box::pin(domain::commerce::complete_payment(w, id, tx)),
                payment,
            )
            .argument(payment_id())
            .argument(arg("transactionId", TypeRef::named(TypeRef::STRING), "The provider's reference.")),
        )
        .field(
            write(
                "failPayment",
                TypeRef::named_nn("Payment"),
                "Admins: a pending payment failed (the reason is kept in its metadata as `failure_reason`). \
                 CONFLICT unless pending.",
                |a| Ok((a.id("paymentId", "Payment")?, a.opt_string("reason")?)),
                |w, (id, reason)| Box::pin(domain::commerce::fail_payment(w, id, reason)),
                payment,
            )
            .argument(payment_id())
            .argument(arg("reason", TypeRef::named(TypeRef::STRING), "Why it failed.")),
        )
        .field(
            write(
                "refundPayment",
                TypeRef::named_nn("Payment"),
                "Admins: refund a succeeded payment in full (no `amount`: all that is left) or in part, possibly \
                 several times. The status becomes `refunded` (also after a partial refund), `refundAmount` the \
                 total refunded, and the metadata's `partial_refund` says whether part is kept. CONFLICT when more \
                 than is left is asked for or the payment did not succeed.",
                |a| Ok((a.id("paymentId", "Payment")?, a.decimal("amount")?, a.opt_string("reason")?)),
                |w, (id, amount, reason)| Box::pin(domain::commerce::refund_payment(w, id, amount, reason)),
                payment,
            )
            .argument(payment_id())
            .argument(arg("amount", TypeRef::named("Decimal"), "How much to refund: greater than 0, at most 2 decimal places (default: all that is left)."))
            .argument(arg("reason", TypeRef::named(TypeRef::STRING), "Why (kept in the metadata as `refund_reason`).")),
        );
    p
}
