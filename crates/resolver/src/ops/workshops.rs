//! Workshop operations (seed 001): registering takes a seat, cancelling
//! gives it back; `capacity_remaining` never goes below zero. Instructors
//! (own workshops) and admins create, change, publish, cancel and complete
//! workshops and take attendance; completion issues certificates;
//! attendees give feedback; anyone searches what they may read.

use async_graphql::dynamic::{InputObject, Object, TypeRef};
use domain::workshops::{Completion, Search, WorkshopFields};
use entity::workshop_registrations as reg;
use serde::Deserialize;

use super::{
    Composite, Parts, arg, composite, id_arg, input_object, parse_date, parse_decimal, parse_id,
    parse_time, read, row, write,
};
use crate::error::ApiError;

/// `CreateWorkshopInput` / `UpdateWorkshopInput` as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorkshopInput {
    title: Option<String>,
    description: Option<String>,
    instructor_id: Option<String>,
    pillar: Option<String>,
    level: Option<String>,
    format: Option<String>,
    schedule_date: Option<String>,
    schedule_time: Option<String>,
    capacity: Option<i64>,
    price_amount: Option<String>,
    price_early_bird: Option<String>,
    outcomes: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    is_featured: Option<bool>,
}

impl WorkshopInput {
    fn fields(self) -> Result<WorkshopFields, ApiError> {
        let capacity = self
            .capacity
            .map(|c| {
                i32::try_from(c)
                    .ok()
                    .filter(|c| (0..=100_000).contains(c))
                    .ok_or_else(|| ApiError::bad_input("`capacity` must be between 0 and 100000"))
            })
            .transpose()?;
        Ok(WorkshopFields {
            title: self.title,
            description: self.description,
            instructor_id: self
                .instructor_id
                .map(|v| parse_id("instructorId", "User", &v))
                .transpose()?,
            pillar: self.pillar,
            level: self.level,
            format: self.format,
            schedule_date: self
                .schedule_date
                .map(|v| parse_date("scheduleDate", &v))
                .transpose()?,
            schedule_time: self
                .schedule_time
                .map(|v| parse_time("scheduleTime", &v))
                .transpose()?,
            capacity,
            price_amount: self
                .price_amount
                .map(|v| parse_decimal("priceAmount", &v))
                .transpose()?,
            price_early_bird: self
                .price_early_bird
                .map(|v| parse_decimal("priceEarlyBird", &v))
                .transpose()?,
            outcomes: self.outcomes,
            tags: self.tags,
            is_featured: self.is_featured,
        })
    }
}

/// The two workshop input types: on create the content fields are required.
fn inputs() -> Vec<InputObject> {
    let fields = |create: bool| {
        let t = |name: &str| {
            if create {
                TypeRef::named_nn(name)
            } else {
                TypeRef::named(name)
            }
        };
        let s = TypeRef::STRING;
        let list = TypeRef::named_nn_list(s);
        vec![
            ("title", t(s), "Title, not blank, at most 200 characters."),
            ("description", t(s), "Description, not blank."),
            ("pillar", t(s), "adaptability, coaching or marketplace."),
            ("level", t(s), "beginner, intermediate or advanced."),
            ("format", t(s), "live, hybrid or recorded."),
            (
                "capacity",
                t(TypeRef::INT),
                "Seats (`capacityTotal`), 0–100000; on update, not below the seats taken.",
            ),
            (
                "instructorId",
                TypeRef::named(TypeRef::ID),
                "Admins only: the instructor (a `User` id); default the caller.",
            ),
            ("scheduleDate", TypeRef::named("Date"), "When it runs."),
            ("scheduleTime", TypeRef::named("Time"), "Start time."),
            (
                "priceAmount",
                TypeRef::named("Decimal"),
                "Price: at least 0, at most 99999999.99, at most 2 decimal places (default 0).",
            ),
            (
                "priceEarlyBird",
                TypeRef::named("Decimal"),
                "Early-bird price: at least 0 and at most the price, at most 2 decimal places.",
            ),
            (
                "outcomes",
                list.clone(),
                "Learning outcomes (replaces the list).",
            ),
            ("tags", list, "Topic tags (replaces the list)."),
            (
                "isFeatured",
                TypeRef::named(TypeRef::BOOLEAN),
                "Highlight on the homepage.",
            ),
        ]
    };
    vec![
        input_object(
            "CreateWorkshopInput",
            "A new workshop (created as a draft).",
            &fields(true),
        ),
        input_object(
            "UpdateWorkshopInput",
            "Changes to a workshop: omitted or null fields stay as they are.",
            &fields(false),
        ),
    ]
}

fn types() -> Vec<Object> {
    vec![
        composite(
            "WorkshopCompletion",
            "What completing a workshop did.",
            &[
                (
                    "workshop",
                    TypeRef::named_nn("Workshop"),
                    "The workshop, now archived.",
                ),
                (
                    "completedRegistrations",
                    TypeRef::named_nn_list_nn("WorkshopRegistration"),
                    "Attendees' registrations, now completed, each pointing at its certificate.",
                ),
                (
                    "certificates",
                    TypeRef::named_nn_list_nn("Certificate"),
                    "The certificates issued to the attendees.",
                ),
                (
                    "noShows",
                    TypeRef::named_nn(TypeRef::INT),
                    "Registrants who did not attend (now `no_show`).",
                ),
            ],
        ),
        composite(
            "WorkshopSearchHit",
            "A workshop matching a full-text search.",
            &[
                ("workshop", TypeRef::named_nn("Workshop"), "The workshop."),
                (
                    "rank",
                    TypeRef::named_nn(TypeRef::FLOAT),
                    "Relevance, higher is better; compare it only within one answer.",
                ),
            ],
        ),
    ]
}

fn completion(c: Completion) -> Result<async_graphql::dynamic::FieldValue<'static>, ApiError> {
    Ok(Composite::default()
        .row::<entity::workshops::Entity>("workshop", c.workshop)
        .rows::<reg::Entity>("completedRegistrations", c.completed)
        .rows::<entity::certificates::Entity>("certificates", c.certificates)
        .value("noShows", c.no_shows)
        .field())
}

fn workshop(
    m: entity::workshops::Model,
) -> Result<async_graphql::dynamic::FieldValue<'static>, ApiError> {
    Ok(row::<entity::workshops::Entity>(m))
}

fn workshop_id() -> async_graphql::dynamic::InputValue {
    id_arg("workshopId", "Workshop", "The workshop")
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.inputs.extend(inputs());
    p.objects.extend(types());
    p.query = p.query.field(
        read(
            "searchWorkshops",
            TypeRef::named_nn_list_nn("WorkshopSearchHit"),
            "Full-text search over workshop titles and descriptions, best match first, among the workshops the \
             caller may read (published ones; instructors also their own, admins all). All words must match; \
             on PostgreSQL, English word forms match too (`leaders` finds `leader`). \
             Needs no token (X-Tenant).",
            |a| {
                Ok(Search {
                    query: a.string("query")?,
                    pillar: a.opt_string("pillar")?,
                    level: a.opt_string("level")?,
                    first: a.int_in("first", 1..=100)?.unwrap_or(20) as u64,
                })
            },
            |s, q| Box::pin(domain::workshops::search(s, q)),
            |hits| {
                Ok(async_graphql::dynamic::FieldValue::list(hits.into_iter().map(|(w, rank)| {
                    Composite::default()
                        .row::<entity::workshops::Entity>("workshop", w)
                        .value("rank", rank)
                        .field()
                })))
            },
        )
        .argument(arg("query", TypeRef::named_nn(TypeRef::STRING), "Words to look for."))
        .argument(arg("pillar", TypeRef::named(TypeRef::STRING), "Only this pillar: adaptability, coaching or marketplace."))
        .argument(arg("level", TypeRef::named(TypeRef::STRING), "Only this level: beginner, intermediate or advanced."))
        .argument(arg("first", TypeRef::named(TypeRef::INT), "At most this many hits, 1–100.").default_value(20)),
    );
    p.mutation = p
        .mutation
        .field(
            write(
                "registerForWorkshop",
                TypeRef::named_nn("WorkshopRegistration"),
                "Take a seat in a published workshop: `capacityRemaining` goes down by one, never \
                 below zero, even under concurrent requests. CONFLICT when full, not open, or already \
                 registered.",
                |a| a.id("workshopId", "Workshop"),
                |w, id| Box::pin(domain::workshops::register(w, id)),
                |m| Ok(row::<reg::Entity>(m)),
            )
            .argument(id_arg("workshopId", "Workshop", "The workshop to register for")),
        )
        .field(
            write(
                "cancelWorkshopRegistration",
                TypeRef::named_nn("WorkshopRegistration"),
                "Cancel the caller's registration and give the seat back. NOT_FOUND if there is none.",
                |a| a.id("workshopId", "Workshop"),
                |w, id| Box::pin(domain::workshops::cancel(w, id)),
                |m| Ok(row::<reg::Entity>(m)),
            )
            .argument(id_arg("workshopId", "Workshop", "The workshop whose registration to cancel")),
        )
        .field(
            write(
                "createWorkshop",
                TypeRef::named_nn("Workshop"),
                "Instructors and admins: create a draft workshop (instructors: their own; admins may name the \
                 instructor). `capacityRemaining` starts at the capacity. BAD_USER_INPUT for a value out of its \
                 range or not among its allowed values (see the input's field descriptions); FORBIDDEN for \
                 other roles.",
                |a| a.input::<WorkshopInput>("input")?.fields(),
                |w, f| Box::pin(domain::workshops::create(w, f)),
                workshop,
            )
            .argument(arg("input", TypeRef::named_nn("CreateWorkshopInput"), "The workshop.")),
        )
        .field(
            write(
                "updateWorkshop",
                TypeRef::named_nn("Workshop"),
                "The workshop's instructor or an admin: change a draft or published workshop. A new capacity \
                 keeps the seats taken (`capacityRemaining` moves with it). CONFLICT when the capacity is below \
                 the seats taken or the workshop is cancelled or archived.",
                |a| Ok((a.id("workshopId", "Workshop")?, a.input::<WorkshopInput>("input")?.fields()?)),
                |w, (id, f)| Box::pin(domain::workshops::update(w, id, f)),
                workshop,
            )
            .argument(workshop_id())
            .argument(arg("input", TypeRef::named_nn("UpdateWorkshopInput"), "The changes.")),
        )
        .field(
            write(
                "publishWorkshop",
                TypeRef::named_nn("Workshop"),
                "The workshop's instructor or an admin: open a draft for registration, with every seat free \
                 (`capacityRemaining` = `capacityTotal`). CONFLICT unless a draft.",
                |a| a.id("workshopId", "Workshop"),
                |w, id| Box::pin(domain::workshops::publish(w, id)),
                workshop,
            )
            .argument(workshop_id()),
        )
        .field(
            write(
                "cancelWorkshop",
                TypeRef::named_nn("Workshop"),
                "The workshop's instructor or an admin: cancel a draft or published workshop; its active \
                 registrations are cancelled and their seats given back. Payments are not refunded here \
                 (`refundPayment`). CONFLICT when already cancelled or archived.",
                |a| a.id("workshopId", "Workshop"),
                |w, id| Box::pin(domain::workshops::cancel_workshop(w, id)),
                workshop,
            )
            .argument(workshop_id()),
        )
        .field(
            write(
                "markWorkshopAttendance",
                TypeRef::named_nn("WorkshopRegistration"),
                "The workshop's instructor or an admin: record whether a registrant attended a published \
                 workshop. CONFLICT for a cancelled or finished registration or a workshop not published.",
                |a| {
                    let attended = a
                        .bool("attended")?
                        .ok_or_else(|| ApiError::bad_input("`attended` is required"))?;
                    Ok((a.id("workshopRegistrationId", "WorkshopRegistration")?, attended))
                },
                |w, (id, attended)| Box::pin(domain::workshops::mark_attendance(w, id, attended)),
                |m| Ok(row::<reg::Entity>(m)),
            )
            .argument(id_arg("workshopRegistrationId", "WorkshopRegistration", "The registration"))
            .argument(arg("attended", TypeRef::named_nn(TypeRef::BOOLEAN), "Whether they attended.")),
        )
        .field(
            write(
                "completeWorkshop",
                TypeRef::named_nn("WorkshopCompletion"),
                "The workshop's instructor or an admin: finish a published workshop (it becomes archived). \
                 Registrants who attended become `completed` and each gets a workshop certificate \
                 (`CERT-WORKSHOP-{YYYYMMDD}-{UUID}`, skills: the workshop's outcomes); the others become \
                 `no_show`. CONFLICT unless published.",
                |a| a.id("workshopId", "Workshop"),
                |w, id| Box::pin(domain::workshops::complete(w, id)),
                completion,
            )
            .argument(workshop_id()),
        )
        .field(
            write(
                "submitWorkshopFeedback",
                TypeRef::named_nn("WorkshopRegistration"),
                "A registrant who attended rates the workshop (stored on their registration's `rating` and \
                 `review`; again replaces it). NOT_FOUND without a registration, CONFLICT if they did not attend.",
                |a| {
                    let rating = a
                        .int_in("rating", 1..=5)?
                        .ok_or_else(|| ApiError::bad_input("`rating` is required"))?;
                    Ok((a.id("workshopId", "Workshop")?, rating, a.opt_string("feedback")?))
                },
                |w, (id, rating, text)| Box::pin(domain::workshops::feedback(w, id, rating, text)),
                |m| Ok(row::<reg::Entity>(m)),
            )
            .argument(workshop_id())
            .argument(arg("rating", TypeRef::named_nn(TypeRef::INT), "1–5."))
            .argument(arg("feedback", TypeRef::named(TypeRef::STRING), "A written review, at most 5000 characters.")),
        );
    p
}
