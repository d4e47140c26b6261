//! Adaptability mutations (seed 001): answering recomputes the dimension
//! scores; completing needs all five.

use async_graphql::dynamic::{Object, TypeRef};

use super::{Parts, arg, id_arg, json, plain, read, row, write};

pub(crate) fn module(mut p: Parts) -> Parts {
    p.objects.extend(types());
    p.query = p.query.field(
        read(
            "orgAdaptabilityTrend",
            TypeRef::named_nn_list_nn("AdaptabilityTrendPoint"),
            "Monthly averages of an organization's completed adaptability assessments, newest first (org admins: their organization).",
            |a| Ok((a.id("organizationId", "Organization")?, a.int_in("months", 1..=120)?.unwrap_or(6) as u32)),
            |s, (org, months)| Box::pin(domain::adaptability::org_trend(s, org, months)),
            |points| json(&points),
        )
        .argument(id_arg("organizationId", "Organization", "The organization"))
        .argument(arg("months", TypeRef::named(TypeRef::INT), "How many months back, 1–120.").default_value(6)),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "answerAdaptabilityQuestion",
                TypeRef::named_nn("AdaptabilityAssessment"),
                "Record or replace an answer on your own in-progress adaptability assessment; the five dimension \
                 scores are recomputed as weighted averages of their answers and `overallScore` follows.",
                |a| {
                    let answer = domain::adaptability::Answer {
                        question_id: a.string("questionId")?,
                        dimension: a.string("dimension")?,
                        answer_type: a.string("answerType")?,
                        value: a.int_in("value", 0..=100)?,
                        text: a.opt_string("text")?,
                        weight: a.decimal("weight")?,
                    };
                    Ok((a.id("adaptabilityAssessmentId", "AdaptabilityAssessment")?, answer))
                },
                |w, (id, answer)| Box::pin(domain::adaptability::answer(w, id, answer)),
                |m| Ok(row::<entity::adaptability_assessments::Entity>(m)),
            )
            .argument(id_arg("adaptabilityAssessmentId", "AdaptabilityAssessment", "Your in-progress assessment"))
            .argument(arg("questionId", TypeRef::named_nn(TypeRef::STRING), "Question identifier, e.g. `ind-1`."))
            .argument(arg("dimension", TypeRef::named_nn(TypeRef::STRING), "individual, leadership, cultural, embedding or velocity."))
            .argument(arg("answerType", TypeRef::named_nn(TypeRef::STRING), "scale, multiChoice, fearToConfidence or text."))
            .argument(arg("value", TypeRef::named(TypeRef::INT), "0–100; required unless answerType is text."))
            .argument(arg("text", TypeRef::named(TypeRef::STRING), "The answer of a text question."))
            .argument(arg("weight", TypeRef::named("Decimal"), "Weight in the dimension's average: greater than 0, at most 100, at most 2 decimal places (default 1).")),
        )
        .field(
            write(
                "completeAdaptabilityAssessment",
                TypeRef::named_nn("AdaptabilityAssessment"),
                "Complete your own assessment. CONFLICT until every dimension is scored or when already complete.",
                |a| a.id("adaptabilityAssessmentId", "AdaptabilityAssessment"),
                |w, id| Box::pin(domain::adaptability::complete(w, id)),
                |m| Ok(row::<entity::adaptability_assessments::Entity>(m)),
            )
            .argument(id_arg("adaptabilityAssessmentId", "AdaptabilityAssessment", "Your in-progress assessment")),
        );
    p
}

/// `AdaptabilityTrendPoint`.
fn types() -> Vec<Object> {
    let avg = |name, doc| (name, TypeRef::named(TypeRef::FLOAT), doc);
    vec![plain(
        "AdaptabilityTrendPoint",
        "One month of an organization's completed adaptability assessments: the average of each score.",
        &[
            (
                "month",
                TypeRef::named_nn("Date"),
                "First day of the month (UTC).",
            ),
            (
                "assessments",
                TypeRef::named_nn(TypeRef::INT),
                "Completed assessments that month.",
            ),
            avg("avgOverall", "Average overall score."),
            avg("avgIndividual", "Average individual score."),
            avg("avgLeadership", "Average leadership score."),
            avg("avgCultural", "Average cultural score."),
            avg("avgEmbedding", "Average embedding score."),
            avg("avgVelocity", "Average velocity score."),
        ],
    )]
}
