//! Adaptability mutations (seed 001): answering recomputes the dimension
//! scores; completing needs all five.

use async_graphql::dynamic::{Field, FieldFuture, FieldValue, InputValue, Object, TypeRef};

use crate::{
    error::ApiError,
    mutations::{id_arg, in_write},
    table::AnyRow,
};

fn assessment(m: entity::adaptability_assessments::Model) -> FieldValue<'static> {
    FieldValue::owned_any(AnyRow::new::<entity::adaptability_assessments::Entity>(m))
}

pub fn fields(mutation: Object) -> Object {
    mutation
        .field(
            Field::new("answerAdaptabilityQuestion", TypeRef::named_nn("AdaptabilityAssessment"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "adaptabilityAssessmentId", "AdaptabilityAssessment")?;
                    let text = |n: &str| ctx.args.get(n).and_then(|v| v.string().ok().map(str::to_owned));
                    let weight = match text("weight") {
                        Some(w) => Some(w.parse().map_err(|_| ApiError::bad_input("weight must be a decimal"))?),
                        None => None,
                    };
                    let answer = domain::adaptability::Answer {
                        question_id: text("questionId").unwrap_or_default(),
                        dimension: text("dimension").unwrap_or_default(),
                        answer_type: text("answerType").unwrap_or_default(),
                        value: ctx.args.get("value").and_then(|v| v.i64().ok()).map(|v| v.clamp(-1, 101) as i32),
                        text: text("text"),
                        weight,
                    };
                    let m = in_write(&ctx, |w| Box::pin(domain::adaptability::answer(w, id, answer))).await?;
                    Ok(Some(assessment(m)))
                })
            })
            .argument(InputValue::new("adaptabilityAssessmentId", TypeRef::named_nn(TypeRef::ID)))
            .argument(InputValue::new("questionId", TypeRef::named_nn(TypeRef::STRING)).description("Question identifier, e.g. `ind-1`."))
            .argument(InputValue::new("dimension", TypeRef::named_nn(TypeRef::STRING)).description("individual, leadership, cultural, embedding or velocity."))
            .argument(InputValue::new("answerType", TypeRef::named_nn(TypeRef::STRING)).description("scale, multiChoice, fearToConfidence or text."))
            .argument(InputValue::new("value", TypeRef::named(TypeRef::INT)).description("0–100; required unless answerType is text."))
            .argument(InputValue::new("text", TypeRef::named(TypeRef::STRING)).description("The answer of a text question."))
            .argument(InputValue::new("weight", TypeRef::named("Decimal")).description("Weight in the dimension's average (default 1)."))
            .description(
                "Record or replace an answer on your own in-progress adaptability assessment; the five dimension \
                 scores are recomputed as weighted averages and `overallScore` follows (seed 001 trigger).",
            ),
        )
        .field(
            Field::new("completeAdaptabilityAssessment", TypeRef::named_nn("AdaptabilityAssessment"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "adaptabilityAssessmentId", "AdaptabilityAssessment")?;
                    let m = in_write(&ctx, |w| Box::pin(domain::adaptability::complete(w, id))).await?;
                    Ok(Some(assessment(m)))
                })
            })
            .argument(InputValue::new("adaptabilityAssessmentId", TypeRef::named_nn(TypeRef::ID)))
            .description("Complete your own assessment. CONFLICT until every dimension is scored or when already complete."),
        )
}

/// `AdaptabilityTrendPoint`.
pub fn types() -> Vec<Object> {
    use async_graphql::Value;
    type P = domain::adaptability::TrendPoint;
    let f = |name: &'static str, ty: TypeRef, doc: &'static str, get: fn(&P) -> Value| {
        Field::new(name, ty, move |ctx| {
            FieldFuture::new(
                async move { Ok(Some(get(ctx.parent_value.try_downcast_ref::<P>()?))) },
            )
        })
        .description(doc)
    };
    vec![Object::new("AdaptabilityTrendPoint")
        .description("One month of an organization's completed adaptability assessments (seed 001 `get_org_adaptability_trend`).")
        .field(f("month", TypeRef::named_nn("Date"), "First day of the month (UTC).", |p| Value::from(p.month.to_string())))
        .field(f("assessments", TypeRef::named_nn(TypeRef::INT), "Completed assessments that month.", |p| Value::from(p.assessments)))
        .field(f("avgOverall", TypeRef::named(TypeRef::FLOAT), "Average overall score.", |p| p.avg_overall.map(Value::from).unwrap_or(Value::Null)))
        .field(f("avgIndividual", TypeRef::named(TypeRef::FLOAT), "Average individual score.", |p| p.avg_dimensions[0].map(Value::from).unwrap_or(Value::Null)))
        .field(f("avgLeadership", TypeRef::named(TypeRef::FLOAT), "Average leadership score.", |p| p.avg_dimensions[1].map(Value::from).unwrap_or(Value::Null)))
        .field(f("avgCultural", TypeRef::named(TypeRef::FLOAT), "Average cultural score.", |p| p.avg_dimensions[2].map(Value::from).unwrap_or(Value::Null)))
        .field(f("avgEmbedding", TypeRef::named(TypeRef::FLOAT), "Average embedding score.", |p| p.avg_dimensions[3].map(Value::from).unwrap_or(Value::Null)))
        .field(f("avgVelocity", TypeRef::named(TypeRef::FLOAT), "Average velocity score.", |p| p.avg_dimensions[4].map(Value::from).unwrap_or(Value::Null)))]
}

pub fn query_fields(query: Object) -> Object {
    query.field(
        Field::new("orgAdaptabilityTrend", TypeRef::named_nn_list_nn("AdaptabilityTrendPoint"), |ctx| {
            FieldFuture::new(async move {
                let org = id_arg(&ctx, "organizationId", "Organization")?;
                let months = ctx.args.get("months").and_then(|v| v.i64().ok()).unwrap_or(6);
                let months = u32::try_from(months).map_err(|_| ApiError::bad_input("months must be 1–120"))?;
                let r = crate::schema::req(&ctx)?;
                let points = domain::adaptability::org_trend(&r.scope, org, months).await.map_err(ApiError::from)?;
                Ok(Some(FieldValue::list(points.into_iter().map(FieldValue::owned_any))))
            })
        })
        .argument(InputValue::new("organizationId", TypeRef::named_nn(TypeRef::ID)))
        .argument(InputValue::new("months", TypeRef::named(TypeRef::INT)).default_value(6).description("How many months back, 1–120."))
        .description("Monthly averages of an organization's completed adaptability assessments, newest first (org admins: their organization)."),
    )
}
