//! Certificates (seed 001), numbered as the seed's insert trigger does,
//! `CERT-{TYPE}-{YYYYMMDD}-{UUID}` (the certificate's own id, so numbers
//! are unique; the unique index backs it): issued by staff
//! (`issueCertificate`) or on completing a workshop (`workshops::complete`).

use auth::policy::{is_admin, is_staff};
use chrono::NaiveDate;
use entity::{
    adaptability_assessments as assessments, certificates,
    enums::{AdaptabilityAssessmentStatus, CertificateType},
    tenants, workshop_registrations as reg,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, sea_query::Expr};
use store::{NoticeKind, Reader, Topic, Write};
use uuid::Uuid;

use crate::{
    Result, now,
    rules::{bad, conflict, forbidden, managed_workshop, member, stored},
};

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
    pub certificate_type: CertificateType,
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
    let number = certificate_number(g.certificate_type.as_str(), today, id);
    let website = w
        .select_unrestricted::<tenants::Entity>()
        .one()
        .await?
        .and_then(|t| t.metadata.get("website")?.as_str().map(str::to_owned));
    let at = now();
    let am = certificates::ActiveModel {
        id: Set(id),
        user_id: Set(g.user_id),
        certificate_type: Set(g.certificate_type.as_str().into()),
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
    pub certificate_type: CertificateType,
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
    let kind = c.certificate_type;
    let fits = match kind {
        CertificateType::Workshop => c.workshop_id.is_some() && c.assessment_id.is_none(),
        CertificateType::Assessment => c.workshop_id.is_none() && c.assessment_id.is_some(),
        CertificateType::Program => c.workshop_id.is_none() && c.assessment_id.is_none(),
    };
    if !fits {
        return Err(bad(
            "a workshop certificate names a workshop, an assessment certificate an assessment, \
             a program certificate neither",
        ));
    }
    if c.skills.len() > 50 || c.skills.iter().any(|s| s.trim().is_empty()) {
        return Err(bad("skills must be at most 50 non-blank entries"));
    }
    let today = chrono::Utc::now().date_naive();
    if c.expiry_date.is_some_and(|d| d < today) {
        return Err(bad("expiryDate must not be before today"));
    }
    let recipient = member(w, c.user_id).await?.id;
    let mut registration = None;
    if let Some(workshop_id) = c.workshop_id {
        managed_workshop(w, workshop_id).await?;
        let r = w
            .select_unrestricted::<reg::Entity>()
            .filter(reg::Column::WorkshopId.eq(workshop_id))
            .filter(reg::Column::UserId.eq(recipient))
            .one()
            .await?;
        let attended = match &r {
            // A cancelled registration gave its seat, and its claim, back.
            Some(r) if r.attended => crate::rules::holds_seat(stored(&r.status)?),
            _ => false,
        };
        let Some(r) = r.filter(|_| attended) else {
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
        let completed = match stored(&a.status)? {
            AdaptabilityAssessmentStatus::Completed => true,
            AdaptabilityAssessmentStatus::InProgress | AdaptabilityAssessmentStatus::Abandoned => {
                false
            }
        };
        if a.user_id != recipient || !completed {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_seed_trigger() {
        let id: Uuid = "0b6e4a4e-3f1e-4c1a-9f7e-2d1c0b9a8f7e".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(
            certificate_number("workshop", day, id),
            "CERT-WORKSHOP-20260307-0b6e4a4e-3f1e-4c1a-9f7e-2d1c0b9a8f7e"
        );
        assert!(certificate_number("assessment", day, id).starts_with("CERT-ASSESSMENT-20260307-"));
    }
}
