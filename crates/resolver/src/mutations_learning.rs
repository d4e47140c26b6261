//! Learning mutations (seed 003): enrolling in a course and submitting a
//! quiz attempt. Thin: decode arguments, call `domain::learning`.

use async_graphql::dynamic::{Field, FieldFuture, FieldValue, InputValue, Object, TypeRef};

use crate::{
    error::ApiError,
    mutations::{id_arg, in_write},
    table::AnyRow,
};

pub fn fields(mutation: Object) -> Object {
    mutation
        .field(
            Field::new("enrollInCourse", TypeRef::named_nn("Enrollment"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_arg(&ctx, "courseId", "Course")?;
                    let m = in_write(&ctx, |w| Box::pin(domain::learning::enroll(w, id))).await?;
                    Ok(Some(FieldValue::owned_any(AnyRow::new::<
                        entity::enrollments::Entity,
                    >(m))))
                })
            })
            .argument(InputValue::new("courseId", TypeRef::named_nn(TypeRef::ID)))
            .description(
                "Enroll the signed-in student in a published course (seed 003 enrollments). \
                 NOT_FOUND if the course is not visible, CONFLICT if it is not published or \
                 the student is already enrolled.",
            ),
        )
        .field(
            Field::new(
                "submitQuizAttempt",
                TypeRef::named_nn("QuizAttempt"),
                |ctx| {
                    FieldFuture::new(async move {
                        let id = id_arg(&ctx, "quizId", "Quiz")?;
                        let answers = ctx
                            .args
                            .try_get("answers")?
                            .as_value()
                            .clone()
                            .into_json()?;
                        let time_spent = match ctx.args.get("timeSpent") {
                            Some(v) if !v.is_null() => {
                                Some(i32::try_from(v.i64()?).map_err(|_| {
                                    ApiError::bad_input("`timeSpent` is out of range")
                                })?)
                            }
                            _ => None,
                        };
                        let m = in_write(&ctx, |w| {
                            Box::pin(domain::learning::submit_quiz_attempt(
                                w, id, answers, time_spent,
                            ))
                        })
                        .await?;
                        Ok(Some(FieldValue::owned_any(AnyRow::new::<
                            entity::assessment_attempts::Entity,
                        >(m))))
                    })
                },
            )
            .argument(InputValue::new("quizId", TypeRef::named_nn(TypeRef::ID)))
            .argument(
                InputValue::new("answers", TypeRef::named_nn("JSON"))
                    .default_value(async_graphql::Value::Object(Default::default()))
                    .description(
                        "The answers, by question id (JSON object): the option text for multiple \
                         choice, \"true\"/\"false\", or the text of a short answer. Unanswered \
                         questions earn no points.",
                    ),
            )
            .argument(
                InputValue::new("timeSpent", TypeRef::named(TypeRef::INT))
                    .description("Time taken, in seconds; at most the quiz's time limit."),
            )
            .description(
                "Submit the signed-in student's next attempt at a quiz (seed 003 assessments), \
                 scored on the server: points earned over points available, passed at the quiz's \
                 minimum passing score, with per-question feedback; the student's progress on the \
                 quiz is updated. NOT_FOUND if the quiz is not visible, FORBIDDEN unless enrolled \
                 in its course (or staff), CONFLICT when no attempts are left, BAD_USER_INPUT for \
                 answers to questions the quiz does not have or a time over its limit.",
            ),
        )
}
