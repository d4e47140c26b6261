//! `verifyCertificate`: the public check of a certificate number.

use async_graphql::{
    Value,
    dynamic::{Field, FieldFuture, FieldValue, Object, TypeRef},
};
use entity::enums::{CertificateType, TextEnum};

use super::{
    args::{args_of, with_args},
    prelude::arguments,
};

arguments! {
    struct VerifyArgs {
        /// e.g. CERT-WORKSHOP-20261120-…
        number: String,
    }
}

struct Verification {
    cert: entity::certificates::Model,
    recipient: Option<String>,
}

fn field(
    name: &'static str,
    ty: TypeRef,
    desc: &'static str,
    get: fn(&Verification) -> Value,
) -> Field {
    Field::new(name, ty, move |ctx| {
        FieldFuture::new(async move {
            let v = ctx.parent_value.try_downcast_ref::<Verification>()?;
            Ok(Some(get(v)))
        })
    })
    .description(desc)
}

fn types() -> Vec<Object> {
    vec![
        Object::new("CertificateVerification")
            .description(
                "What anyone may learn about a certificate from its number, without a token.",
            )
            .field(field(
                "certificateNumber",
                TypeRef::named_nn(TypeRef::STRING),
                "The number checked.",
                |v| Value::from(v.cert.certificate_number.clone()),
            ))
            .field(field(
                "certificateType",
                TypeRef::named_nn(CertificateType::DEF.name),
                "What it certifies.",
                |v| crate::value::enum_value(&CertificateType::DEF, &v.cert.certificate_type),
            ))
            .field(field(
                "recipientName",
                TypeRef::named(TypeRef::STRING),
                "The holder's name.",
                |v| v.recipient.clone().map(Value::from).unwrap_or(Value::Null),
            ))
            .field(field(
                "issueDate",
                TypeRef::named_nn("Date"),
                "When it was issued.",
                |v| Value::from(v.cert.issue_date.to_string()),
            ))
            .field(field(
                "expiryDate",
                TypeRef::named("Date"),
                "When it expires, if ever.",
                |v| {
                    v.cert
                        .expiry_date
                        .map(|d| Value::from(d.to_string()))
                        .unwrap_or(Value::Null)
                },
            ))
            .field(field(
                "skillsDemonstrated",
                TypeRef::named_nn("JSON"),
                "Competencies it attests.",
                |v| Value::from_json(v.cert.skills_demonstrated.clone()).unwrap_or(Value::Null),
            ))
            .field(field(
                "valid",
                TypeRef::named_nn(TypeRef::BOOLEAN),
                "Verified by the issuer and not expired today.",
                |v| {
                    let today = chrono::Utc::now().date_naive();
                    Value::from(v.cert.is_verified && v.cert.expiry_date.is_none_or(|d| d >= today))
                },
            )),
    ]
}

/// `verifyCertificate` and its result type.
pub(crate) fn module(mut p: crate::ops::prelude::Parts) -> crate::ops::prelude::Parts {
    p.objects.extend(types());
    p.query = query_fields(p.query);
    p
}

fn query_fields(query: Object) -> Object {
    let verify = Field::new(
        "verifyCertificate",
        TypeRef::named("CertificateVerification"),
        |ctx| {
            FieldFuture::new(async move {
                let r = crate::context::req(&ctx)?;
                let a: VerifyArgs = args_of(&ctx)?;
                let found = r
                    .scope
                    .verify_certificate(&a.number)
                    .await
                    .map_err(crate::ApiError::from)?;
                Ok(found.map(|(cert, recipient)| {
                    FieldValue::owned_any(Verification { cert, recipient })
                }))
            })
        },
    );
    query.field(with_args::<VerifyArgs>(verify).description(
        "Check a certificate by its number; null if the tenant issued none with it. Needs no token (X-Tenant).",
    ))
}
