//! Seed 001, HumanGlue (m0004): workshops, payments, certificates and
//! registrations.

use entity::{
    adaptability_assessments, certificates, organizations, payments, reviews, users,
    workshop_registrations, workshops,
};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<workshops::Entity>(
            "Workshop",
            "A workshop or masterclass with schedule, seats and pricing. Anyone sees published \
             workshops, also without a token (`X-Tenant`); instructors also their own, admins \
             all.",
        )
        .root("workshops")
        .order([workshops::Column::CreatedAt])
        .one::<users::Entity>(
            "instructor",
            workshops::Column::InstructorId,
            "The instructor who runs the workshop.",
        )
        .many(
            "workshopRegistrations",
            workshop_registrations::Column::WorkshopId,
            "Registrations for this workshop.",
        )
        .many(
            "certificates",
            certificates::Column::WorkshopId,
            "Certificates awarded for this workshop.",
        )
        .many(
            "reviews",
            reviews::Column::WorkshopId,
            "Reviews of this workshop.",
        )
        .doc(workshops::Column::Title, "Workshop title.")
        .doc(workshops::Column::Description, "What the workshop covers.")
        .doc(
            workshops::Column::InstructorId,
            "The instructor who runs the workshop (the UUID of a `User`).",
        )
        .doc(workshops::Column::Pillar, "The programme pillar.")
        .doc(workshops::Column::Level, "How advanced the workshop is.")
        .doc(workshops::Column::Format, "How the workshop is delivered.")
        .doc(workshops::Column::ScheduleDate, "Date the workshop runs.")
        .doc(
            workshops::Column::ScheduleTime,
            "Time of day the workshop starts.",
        )
        .doc(workshops::Column::CapacityTotal, "Seats in total.")
        .doc(
            workshops::Column::CapacityRemaining,
            "Seats still free (0 to capacityTotal).",
        )
        .doc(workshops::Column::PriceAmount, "Price (default 0).")
        .doc(
            workshops::Column::PriceEarlyBird,
            "Early-bird price, if offered.",
        )
        .doc(workshops::Column::Outcomes, "Learning outcomes.")
        .doc(workshops::Column::Tags, "Topic tags.")
        .doc(
            workshops::Column::Status,
            "Where the workshop stands: only `PUBLISHED` workshops take registrations.",
        )
        .doc(
            workshops::Column::IsFeatured,
            "Highlighted on the homepage.",
        )
        .doc(
            workshops::Column::Rating,
            "Average rating of approved reviews, 0–5.",
        )
        .doc(
            workshops::Column::ReviewCount,
            "Number of approved reviews.",
        )
        .doc(workshops::Column::CreatedAt, "When the record was created.")
        .doc(
            workshops::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<payments::Entity>(
            "Payment",
            "A payment for a workshop, engagement, subscription or other. You see your own \
             payments and those made for your organization; admins see all.",
        )
        .root("payments")
        .order([payments::Column::CreatedAt])
        .one::<users::Entity>("user", payments::Column::UserId, "The payer.")
        .one::<organizations::Entity>(
            "organization",
            payments::Column::OrganizationId,
            "The organization context, if any.",
        )
        .many(
            "workshopRegistrations",
            workshop_registrations::Column::PaymentId,
            "Workshop registrations paid by this payment.",
        )
        .doc(
            payments::Column::UserId,
            "The payer (the UUID of a `User`).",
        )
        .doc(
            payments::Column::OrganizationId,
            "The organization context, if any (the UUID of an `Organization`).",
        )
        .doc(payments::Column::Amount, "Amount charged.")
        .doc(
            payments::Column::Currency,
            "ISO 4217 currency code (3 letters, default USD).",
        )
        .doc(payments::Column::Provider, "Who processed the payment.")
        .doc(
            payments::Column::TransactionId,
            "The provider's transaction reference.",
        )
        .doc(payments::Column::Status, "Where the payment stands.")
        .doc(payments::Column::PaymentType, "What the payment is for.")
        .doc(
            payments::Column::RelatedEntityId,
            "The workshop or engagement paid for, by paymentType (no foreign key).",
        )
        .doc(
            payments::Column::InvoiceNumber,
            "Invoice number, unique in the tenant.",
        )
        .doc(payments::Column::InvoiceUrl, "Invoice URL.")
        .doc(
            payments::Column::RefundAmount,
            "Amount refunded, from 0 to amount.",
        )
        .doc(payments::Column::RefundedAt, "When the refund was made.")
        .doc(
            payments::Column::Metadata,
            "Additional payment data (JSON object).",
        )
        .doc(payments::Column::CreatedAt, "When the record was created.")
        .doc(
            payments::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<certificates::Entity>(
            "Certificate",
            "A completion certificate for a workshop, program or assessment. Recipients see their \
             own, issuers the ones they issued, admins all; anyone can check one by number with \
             `verifyCertificate`.",
        )
        .root("certificates")
        .order([certificates::Column::IssueDate])
        .one::<users::Entity>("user", certificates::Column::UserId, "The recipient.")
        .one::<workshops::Entity>(
            "workshop",
            certificates::Column::WorkshopId,
            "The workshop it certifies, if any.",
        )
        .one::<adaptability_assessments::Entity>(
            "assessment",
            certificates::Column::AssessmentId,
            "The adaptability assessment it certifies, if any.",
        )
        .one::<users::Entity>(
            "issuer",
            certificates::Column::IssuedBy,
            "The instructor or admin who issued it.",
        )
        .many(
            "workshopRegistrations",
            workshop_registrations::Column::CertificateId,
            "Workshop registrations that awarded this certificate.",
        )
        .doc(
            certificates::Column::UserId,
            "The recipient (the UUID of a `User`).",
        )
        .doc(
            certificates::Column::CertificateType,
            "What the certificate attests.",
        )
        .doc(
            certificates::Column::WorkshopId,
            "The workshop it certifies, if any (the UUID of a `Workshop`).",
        )
        .doc(
            certificates::Column::AssessmentId,
            "The adaptability assessment it certifies, if any (the UUID of an \
             `AdaptabilityAssessment`).",
        )
        .doc(
            certificates::Column::CertificateNumber,
            "Unique identifier, CERT-{TYPE}-{DATE}-{UUID}, set when issued.",
        )
        .doc(certificates::Column::IssueDate, "Start of validity.")
        .doc(
            certificates::Column::ExpiryDate,
            "End of validity; null if it does not expire.",
        )
        .doc(
            certificates::Column::SkillsDemonstrated,
            "Competencies demonstrated.",
        )
        .doc(certificates::Column::CertificateUrl, "PDF or image URL.")
        .doc(
            certificates::Column::VerificationUrl,
            "Public verification link.",
        )
        .doc(
            certificates::Column::IssuedBy,
            "The instructor or admin who issued it (the UUID of a `User`).",
        )
        .doc(certificates::Column::IsVerified, "Authenticity flag.")
        .doc(
            certificates::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            certificates::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<workshop_registrations::Entity>(
            "WorkshopRegistration",
            "A user's seat in a workshop: attendance, payment, certificate and feedback. You see \
             your own, instructors the registrations for their workshops, admins all.",
        )
        .root("workshopRegistrations")
        .order([workshop_registrations::Column::RegisteredAt])
        .one::<workshops::Entity>(
            "workshop",
            workshop_registrations::Column::WorkshopId,
            "The workshop.",
        )
        .one::<users::Entity>(
            "user",
            workshop_registrations::Column::UserId,
            "The registered user.",
        )
        .one::<payments::Entity>(
            "payment",
            workshop_registrations::Column::PaymentId,
            "The payment for the seat, if any.",
        )
        .one::<certificates::Entity>(
            "certificate",
            workshop_registrations::Column::CertificateId,
            "The certificate awarded, if any.",
        )
        .doc(
            workshop_registrations::Column::WorkshopId,
            "The workshop (the UUID of a `Workshop`).",
        )
        .doc(
            workshop_registrations::Column::UserId,
            "The registered user (the UUID of a `User`); one registration per user and workshop.",
        )
        .doc(
            workshop_registrations::Column::Status,
            "Where the registration stands.",
        )
        .doc(
            workshop_registrations::Column::PricePaid,
            "Amount charged (default 0).",
        )
        .doc(
            workshop_registrations::Column::PaymentId,
            "The payment for the seat, if any (the UUID of a `Payment`).",
        )
        .doc(
            workshop_registrations::Column::Attended,
            "Whether the user attended.",
        )
        .doc(
            workshop_registrations::Column::CompletedAt,
            "When the user completed the workshop.",
        )
        .doc(
            workshop_registrations::Column::CancelledAt,
            "When the registration was cancelled.",
        )
        .doc(
            workshop_registrations::Column::CertificateId,
            "The certificate awarded, if any (the UUID of a `Certificate`).",
        )
        .doc(
            workshop_registrations::Column::Rating,
            "The user's rating, 1–5.",
        )
        .doc(
            workshop_registrations::Column::Review,
            "The user's written feedback.",
        )
        .doc(
            workshop_registrations::Column::RegisteredAt,
            "When the seat was taken.",
        )
        .doc(
            workshop_registrations::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            workshop_registrations::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
    ]
}
