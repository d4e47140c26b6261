//! Workshop operations (seed 001): registering takes a seat, cancelling
//! gives it back; `capacity_remaining` never goes below zero. Instructors
//! (own workshops) and admins create, change, publish, cancel and complete
//! workshops and take attendance; completion issues certificates;
//! attendees give feedback; anyone searches what they may read.

use async_graphql::dynamic::TypeRef;
use domain::workshops::{Completion, Search, WorkshopFields};
use entity::{
    enums::{DifficultyLevel, WorkshopFormat, WorkshopPillar},
    workshop_registrations as reg,
};

use super::prelude::{
    Bounded, Id, InputType, Parts, Row, Rows, arguments, composite, input_object,
    node::{User, Workshop, WorkshopRegistration},
    read, row, write,
};
use crate::{error::ApiError, live};

input_object! {
    /// A new workshop (created as a draft).
    pub(crate) struct CreateWorkshopInput {
        /// Title, not blank, at most 200 characters.
        title: String,
        /// Description, not blank.
        description: String,
        /// Its pillar.
        pillar: WorkshopPillar,
        /// Its level.
        level: DifficultyLevel,
        /// How it is delivered.
        format: WorkshopFormat,
        /// Seats (`capacityTotal`), 0–100000; on update, not below the seats taken.
        capacity: Bounded<0, 100_000>,
        /// Admins only: the instructor; default the caller.
        instructor_id: Option<Id<User>>,
        /// When it runs.
        schedule_date: Option<chrono::NaiveDate>,
        /// Start time.
        schedule_time: Option<chrono::NaiveTime>,
        /// Price: at least 0, at most 99999999.99, at most 2 decimal places (default 0).
        price_amount: Option<rust_decimal::Decimal>,
        /// Early-bird price: at least 0 and at most the price, at most 2 decimal places.
        price_early_bird: Option<rust_decimal::Decimal>,
        /// Learning outcomes (replaces the list).
        outcomes: Option<Vec<String>>,
        /// Topic tags (replaces the list).
        tags: Option<Vec<String>>,
        /// Highlight on the homepage.
        is_featured: Option<bool>,
    }
    /// Changes to a workshop: omitted or null fields stay as they are.
    partial UpdateWorkshopInput;
}

impl From<UpdateWorkshopInput> for WorkshopFields {
    fn from(i: UpdateWorkshopInput) -> Self {
        WorkshopFields {
            title: i.title,
            description: i.description,
            instructor_id: i.instructor_id.map(Into::into),
            pillar: i.pillar,
            level: i.level,
            format: i.format,
            schedule_date: i.schedule_date,
            schedule_time: i.schedule_time,
            capacity: i.capacity.map(Bounded::get),
            price_amount: i.price_amount,
            price_early_bird: i.price_early_bird,
            outcomes: i.outcomes,
            tags: i.tags,
            is_featured: i.is_featured,
        }
    }
}

arguments! {
    struct SearchArgs {
        /// Words to look for.
        query: String,
        /// Only this pillar.
        pillar: Option<WorkshopPillar>,
        /// Only this level.
        level: Option<DifficultyLevel>,
        /// At most this many hits, 1–100.
        first: Bounded<1, 100> = Bounded(20),
    }
}

arguments! {
    struct RegisterArgs {
        /// The workshop to register for.
        workshop_id: Id<Workshop>,
    }
}

arguments! {
    struct CancelRegistrationArgs {
        /// The workshop whose registration to cancel.
        workshop_id: Id<Workshop>,
    }
}

arguments! {
    struct WorkshopArgs {
        /// The workshop.
        workshop_id: Id<Workshop>,
    }
}

arguments! {
    struct CreateArgs {
        /// The workshop.
        input: CreateWorkshopInput,
    }
}

arguments! {
    struct UpdateArgs {
        /// The workshop.
        workshop_id: Id<Workshop>,
        /// The changes.
        input: UpdateWorkshopInput,
    }
}

arguments! {
    struct AttendanceArgs {
        /// The registration.
        workshop_registration_id: Id<WorkshopRegistration>,
        /// Whether they attended.
        attended: bool,
    }
}

arguments! {
    struct FeedbackArgs {
        /// The workshop.
        workshop_id: Id<Workshop>,
        /// 1–5.
        rating: Bounded<1, 5>,
        /// A written review, at most 5000 characters.
        feedback: Option<String>,
    }
}

composite! {
    /// What completing a workshop did.
    pub(crate) struct WorkshopCompletion {
        /// The workshop, now archived.
        workshop: Row<entity::workshops::Entity>,
        /// Attendees' registrations, now completed, each pointing at its certificate.
        completed_registrations: Rows<reg::Entity>,
        /// The certificates issued to the attendees.
        certificates: Rows<entity::certificates::Entity>,
        /// Registrants who did not attend (now `no_show`).
        no_shows: u64,
    }
}

composite! {
    /// A workshop matching a full-text search.
    pub(crate) struct WorkshopSearchHit {
        /// The workshop.
        workshop: Row<entity::workshops::Entity>,
        /// Relevance, higher is better; compare it only within one answer.
        rank: f64,
    }
}

fn completion(c: Completion) -> Result<async_graphql::dynamic::FieldValue<'static>, ApiError> {
    Ok(WorkshopCompletion {
        workshop: Row::new(c.workshop),
        completed_registrations: Rows::new(c.completed),
        certificates: Rows::new(c.certificates),
        no_shows: c.no_shows,
    }
    .field())
}

fn workshop(
    m: entity::workshops::Model,
) -> Result<async_graphql::dynamic::FieldValue<'static>, ApiError> {
    Ok(row::<entity::workshops::Entity>(m))
}

arguments! {
    struct SeatsArgs {
        /// The workshop.
        workshop_id: Id<Workshop>,
    }
}

pub(crate) fn module(mut p: Parts) -> Parts {
    p.subscription = p.subscription.field(live::field(live::Spec {
        name: "workshopSeats",
        ty: TypeRef::named("Workshop"),
        description: "The workshop now, and again whenever its seats (`capacityRemaining`, \
                      `capacityTotal`), status or details change. Null once you may no longer see \
                      it; NOT_FOUND if you may not see it when subscribing. Anonymous callers \
                      (`X-Tenant`) may watch published workshops.",
        wants: |a: &SeatsArgs, topic, _| {
            matches!(topic, store::Topic::Workshop { id } if *id == a.workshop_id.0)
        },
        read: |sh, scope, a, topic| {
            Box::pin(live::row_view(sh, scope, "workshops", a.workshop_id.0, topic))
        },
        initial: true,
        fold: true,
    }));
    p.inputs.extend([
        CreateWorkshopInput::input_object(),
        UpdateWorkshopInput::input_object(),
    ]);
    p.objects.extend([
        WorkshopCompletion::object_type(),
        WorkshopSearchHit::object_type(),
    ]);
    p.query = p.query.field(
        read(
            "searchWorkshops",
            TypeRef::named_nn_list_nn("WorkshopSearchHit"),
            "Full-text search over workshop titles and descriptions, best match first, among the workshops the \
             caller may read (published ones; instructors also their own, admins all). All words must match; \
             on PostgreSQL, English word forms match too (`leaders` finds `leader`). \
             Needs no token (X-Tenant).",
            |s, a: SearchArgs| {
                Box::pin(domain::workshops::search(
                    s,
                    Search {
                        query: a.query,
                        pillar: a.pillar,
                        level: a.level,
                        first: a.first.get() as u64,
                    },
                ))
            },
            |hits| {
                Ok(async_graphql::dynamic::FieldValue::list(hits.into_iter().map(|(w, rank)| {
                    WorkshopSearchHit { workshop: Row::new(w), rank }.field()
                })))
            },
        ),
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
                |w, a: RegisterArgs| Box::pin(domain::workshops::register(w, a.workshop_id.into())),
                |m| Ok(row::<reg::Entity>(m)),
            ),
        )
        .field(
            write(
                "cancelWorkshopRegistration",
                TypeRef::named_nn("WorkshopRegistration"),
                "Cancel the caller's registration and give the seat back. NOT_FOUND if there is none.",
                |w, a: CancelRegistrationArgs| Box::pin(domain::workshops::cancel(w, a.workshop_id.into())),
                |m| Ok(row::<reg::Entity>(m)),
            ),
        )
        .field(
            write(
                "createWorkshop",
                TypeRef::named_nn("Workshop"),
                "Instructors and admins: create a draft workshop (instructors: their own; admins may name the \
                 instructor). `capacityRemaining` starts at the capacity. BAD_USER_INPUT for a value out of its \
                 range or not among its allowed values (see the input's field descriptions); FORBIDDEN for \
                 other roles.",
                |w, a: CreateArgs| Box::pin(domain::workshops::create(w, UpdateWorkshopInput::from(a.input).into())),
                workshop,
            ),
        )
        .field(
            write(
                "updateWorkshop",
                TypeRef::named_nn("Workshop"),
                "The workshop's instructor or an admin: change a draft or published workshop. A new capacity \
                 keeps the seats taken (`capacityRemaining` moves with it). CONFLICT when the capacity is below \
                 the seats taken or the workshop is cancelled or archived.",
                |w, a: UpdateArgs| Box::pin(domain::workshops::update(w, a.workshop_id.into(), a.input.into())),
                workshop,
            ),
        )
        .field(
            write(
                "publishWorkshop",
                TypeRef::named_nn("Workshop"),
                "The workshop's instructor or an admin: open a draft for registration, with every seat free \
                 (`capacityRemaining` = `capacityTotal`). CONFLICT unless a draft.",
                |w, a: WorkshopArgs| Box::pin(domain::workshops::publish(w, a.workshop_id.into())),
                workshop,
            ),
        )
        .field(
            write(
                "cancelWorkshop",
                TypeRef::named_nn("Workshop"),
                "The workshop's instructor or an admin: cancel a draft or published workshop; its active \
                 registrations are cancelled and their seats given back. Payments are not refunded here \
                 (`refundPayment`). CONFLICT when already cancelled or archived.",
                |w, a: WorkshopArgs| Box::pin(domain::workshops::cancel_workshop(w, a.workshop_id.into())),
                workshop,
            ),
        )
        .field(
            write(
                "markWorkshopAttendance",
                TypeRef::named_nn("WorkshopRegistration"),
                "The workshop's instructor or an admin: record whether a registrant attended a published \
                 workshop. CONFLICT for a cancelled or finished registration or a workshop not published.",
                |w, a: AttendanceArgs| {
                    Box::pin(domain::workshops::mark_attendance(w, a.workshop_registration_id.into(), a.attended))
                },
                |m| Ok(row::<reg::Entity>(m)),
            ),
        )
        .field(
            write(
                "completeWorkshop",
                TypeRef::named_nn("WorkshopCompletion"),
                "The workshop's instructor or an admin: finish a published workshop (it becomes archived). \
                 Registrants who attended become `completed` and each gets a workshop certificate \
                 (`CERT-WORKSHOP-{YYYYMMDD}-{UUID}`, skills: the workshop's outcomes); the others become \
                 `no_show`. CONFLICT unless published.",
                |w, a: WorkshopArgs| Box::pin(domain::workshops::complete(w, a.workshop_id.into())),
                completion,
            ),
        )
        .field(
            write(
                "submitWorkshopFeedback",
                TypeRef::named_nn("WorkshopRegistration"),
                "A registrant who attended rates the workshop (stored on their registration's `rating` and \
                 `review`; again replaces it). NOT_FOUND without a registration, CONFLICT if they did not attend.",
                |w, a: FeedbackArgs| {
                    Box::pin(domain::workshops::feedback(w, a.workshop_id.into(), a.rating.get(), a.feedback))
                },
                |m| Ok(row::<reg::Entity>(m)),
            ),
        );
    p
}
