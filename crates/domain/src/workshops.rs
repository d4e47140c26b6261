//! Workshops (seed 001): the triggers that decrement `capacity_remaining`
//! on registration and give the seat back on cancellation, as one atomic
//! conditional `UPDATE` each — never overbooked, even with many
//! registrations at once; instructors' and admins' workshop management
//! (create, update, publish, cancel, attendance, completion with
//! certificates), attendees' feedback, and ranked full-text search.

use auth::policy::is_admin;
use chrono::{NaiveDate, NaiveTime};
use entity::{
    enums::{
        CertificateType, DifficultyLevel, RegistrationStatus, WorkshopFormat, WorkshopPillar,
        WorkshopStatus,
    },
    workshop_registrations as reg, workshops,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DbBackend, Order,
    prelude::Decimal,
    sea_query::{Expr, ExprTrait},
};
use store::{Reader, Scope, Topic, Write};
use uuid::Uuid;

use crate::{
    DomainError, Result,
    decimal::{Least, checked},
    now,
    rules::{
        Texts, bad, conflict, holds_seat, insert_unique, managed_workshop, may_teach, member,
        non_negative, signed_in, stored, text, texts,
    },
};

/// A workshop's `capacity_remaining`: its seats less the registrations
/// holding one ([`holds_seat`]; a status that is not a
/// [`RegistrationStatus`] counts as holding one). [`register`] and
/// [`cancel`] keep it so, one atomic step per seat.
pub fn capacity_remaining<'a>(
    capacity_total: i32,
    registration_statuses: impl IntoIterator<Item = &'a str>,
) -> i32 {
    let held = registration_statuses
        .into_iter()
        .filter(|s| s.parse().map_or(true, holds_seat))
        .count();
    capacity_total - held as i32
}

/// Whether a workshop in `status` is still to happen: it can be changed or
/// cancelled. Archived (held) and cancelled workshops are closed.
pub fn is_open(status: WorkshopStatus) -> bool {
    match status {
        WorkshopStatus::Draft | WorkshopStatus::Published => true,
        WorkshopStatus::Archived | WorkshopStatus::Cancelled => false,
    }
}

/// The open states ([`is_open`]), for a condition on the column.
fn open_states() -> Vec<WorkshopStatus> {
    WorkshopStatus::ALL
        .iter()
        .copied()
        .filter(|s| is_open(*s))
        .collect()
}

/// Outcomes and tags: up to 50 entries of up to 200 characters each,
/// stored as given (repeats kept).
const LABELS: Texts = Texts {
    max_entries: 50,
    max_chars: 200,
    distinct: false,
};

/// Registers the caller for a published workshop, taking one seat.
/// `CONFLICT` when it is full, not open, or the caller is registered.
pub async fn register(w: &Write, workshop_id: Uuid) -> Result<reg::Model> {
    let user = signed_in(w.principal(), "register")?;
    let workshop = crate::visible::<workshops::Entity>(w, workshop_id, "workshop").await?;
    match stored(&workshop.status)? {
        WorkshopStatus::Published => {}
        WorkshopStatus::Draft | WorkshopStatus::Archived | WorkshopStatus::Cancelled => {
            return Err(DomainError::Conflict(
                "the workshop is not open for registration".into(),
            ));
        }
    }
    let existing = w
        .select_unrestricted::<reg::Entity>()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::UserId.eq(user))
        .one()
        .await?;
    let held = match &existing {
        Some(r) => holds_seat(stored(&r.status)?),
        None => false,
    };
    if held {
        return Err(DomainError::Conflict(
            "already registered for this workshop".into(),
        ));
    }
    take_seat(w, workshop_id).await?;
    let at = now();
    let saved = match existing {
        // A cancelled registration comes back to life.
        Some(old) => {
            w.update::<reg::Entity>(
                vec![
                    (
                        reg::Column::Status,
                        Expr::val(RegistrationStatus::Registered.as_str()),
                    ),
                    (reg::Column::RegisteredAt, Expr::val(at)),
                    (
                        reg::Column::CancelledAt,
                        Expr::val(Option::<sea_orm::prelude::DateTimeWithTimeZone>::None),
                    ),
                    (reg::Column::UpdatedAt, Expr::val(at)),
                ],
                Condition::all().add(reg::Column::Id.eq(old.id)),
            )
            .await?;
            w.select_unrestricted::<reg::Entity>()
                .filter(reg::Column::Id.eq(old.id))
                .one()
                .await?
                .ok_or(DomainError::NotFound("registration"))?
        }
        None => {
            let am = reg::ActiveModel {
                id: Set(Uuid::new_v4()),
                workshop_id: Set(workshop_id),
                user_id: Set(user),
                status: Set(RegistrationStatus::Registered.as_str().into()),
                registered_at: Set(at),
                price_paid: Set(workshop.price_early_bird.unwrap_or(workshop.price_amount)),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            };
            // The same caller registering twice at once: one wins.
            insert_unique(w, am, "already registered for this workshop").await?
        }
    };
    Ok(saved)
}

/// One seat, atomically: the row changes only if a seat is left, so two
/// transactions can never take the last seat twice (PostgreSQL re-checks
/// the condition on the locked row; SQLite has one writer at a time).
async fn take_seat(w: &Write, workshop_id: Uuid) -> Result<()> {
    let taken = w
        .update::<workshops::Entity>(
            vec![
                (
                    workshops::Column::CapacityRemaining,
                    Expr::col(workshops::Column::CapacityRemaining).sub(1),
                ),
                (workshops::Column::UpdatedAt, Expr::val(now())),
            ],
            Condition::all()
                .add(workshops::Column::Id.eq(workshop_id))
                .add(workshops::Column::Status.eq(WorkshopStatus::Published.as_str()))
                .add(workshops::Column::CapacityRemaining.gt(0)),
        )
        .await?;
    if taken == 0 {
        return Err(DomainError::Conflict("the workshop is full".into()));
    }
    w.publish(Topic::Workshop { id: workshop_id }).await?;
    Ok(())
}

/// Cancels the caller's registration and gives the seat back.
pub async fn cancel(w: &Write, workshop_id: Uuid) -> Result<reg::Model> {
    let user = signed_in(w.principal(), "cancel a registration")?;
    let at = now();
    let changed = w
        .update::<reg::Entity>(
            vec![
                (
                    reg::Column::Status,
                    Expr::val(RegistrationStatus::Cancelled.as_str()),
                ),
                (reg::Column::CancelledAt, Expr::val(at)),
                (reg::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(reg::Column::WorkshopId.eq(workshop_id))
                .add(reg::Column::UserId.eq(user))
                .add(reg::Column::Status.eq(RegistrationStatus::Registered.as_str())),
        )
        .await?;
    if changed == 0 {
        return Err(DomainError::NotFound("registration"));
    }
    w.update::<workshops::Entity>(
        vec![
            (
                workshops::Column::CapacityRemaining,
                Expr::col(workshops::Column::CapacityRemaining).add(1),
            ),
            (workshops::Column::UpdatedAt, Expr::val(at)),
        ],
        Condition::all()
            .add(workshops::Column::Id.eq(workshop_id))
            .add(
                Expr::col(workshops::Column::CapacityRemaining)
                    .lt(Expr::col(workshops::Column::CapacityTotal)),
            ),
    )
    .await?;
    w.publish(Topic::Workshop { id: workshop_id }).await?;
    w.select_unrestricted::<reg::Entity>()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::UserId.eq(user))
        .one()
        .await?
        .ok_or(DomainError::NotFound("registration"))
}

/// The columns of a workshop an instructor sets; `None` leaves one as it is
/// (on create, the required ones must be given).
#[derive(Debug, Default)]
pub struct WorkshopFields {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Admins only: whose workshop it is (default: the caller).
    pub instructor_id: Option<Uuid>,
    pub pillar: Option<WorkshopPillar>,
    pub level: Option<DifficultyLevel>,
    pub format: Option<WorkshopFormat>,
    pub schedule_date: Option<NaiveDate>,
    pub schedule_time: Option<NaiveTime>,
    /// Seats (`capacity_total`).
    pub capacity: Option<i32>,
    pub price_amount: Option<Decimal>,
    pub price_early_bird: Option<Decimal>,
    pub outcomes: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub is_featured: Option<bool>,
}

fn labels(name: &str, v: &Option<Vec<String>>) -> Result<Option<serde_json::Value>> {
    v.as_deref().map(|v| texts(name, v, LABELS)).transpose()
}

impl WorkshopFields {
    /// The seed's CHECKs (and the enums) on the given fields; the early-bird
    /// price may not exceed the price (`price` is the one that will apply).
    fn check(&self, price: Decimal) -> Result<()> {
        for (name, v, max) in [
            ("title", &self.title, 200),
            ("description", &self.description, 10_000),
        ] {
            if let Some(v) = v {
                text(name, v, max)?;
            }
        }
        if let Some(c) = self.capacity {
            non_negative("capacity", c)?;
        }
        if let Some(p) = self.price_amount {
            checked(
                "priceAmount",
                workshops::Column::PriceAmount,
                p,
                Least::Zero,
                None,
            )?;
        }
        if let Some(e) = self.price_early_bird {
            checked(
                "priceEarlyBird",
                workshops::Column::PriceEarlyBird,
                e,
                Least::Zero,
                None,
            )?;
            if e > price {
                return Err(bad("priceEarlyBird must not exceed priceAmount"));
            }
        }
        Ok(())
    }
}

async fn instructor_for(w: &Write, asked: Option<Uuid>, caller: Uuid) -> Result<Option<Uuid>> {
    match asked {
        None => Ok(None),
        Some(id) if id == caller => Ok(Some(id)),
        Some(id) if is_admin(w.principal()) => Ok(Some(member(w, id).await?.id)),
        Some(_) => Err(DomainError::Forbidden(
            "only admins assign a workshop to another instructor".into(),
        )),
    }
}

/// The workshop after a change, which its seat watchers hear of.
async fn reload(w: &Write, id: Uuid) -> Result<workshops::Model> {
    w.publish(Topic::Workshop { id }).await?;
    w.select_unrestricted::<workshops::Entity>()
        .filter(workshops::Column::Id.eq(id))
        .one()
        .await?
        .ok_or(DomainError::NotFound("workshop"))
}

/// A new draft workshop (instructors: their own; admins: anyone's).
pub async fn create(w: &Write, f: WorkshopFields) -> Result<workshops::Model> {
    let caller = may_teach(w)?;
    let price = f.price_amount.unwrap_or(Decimal::ZERO);
    f.check(price)?;
    let instructor = instructor_for(w, f.instructor_id, caller)
        .await?
        .unwrap_or(caller);
    fn need<T>(v: Option<T>, name: &str) -> Result<T> {
        v.ok_or_else(|| bad(format!("{name} is required")))
    }
    let capacity = f.capacity.ok_or_else(|| bad("capacity is required"))?;
    let at = now();
    let am = workshops::ActiveModel {
        id: Set(Uuid::new_v4()),
        outcomes: Set(labels("outcomes", &f.outcomes)?.unwrap_or_else(|| serde_json::json!([]))),
        tags: Set(labels("tags", &f.tags)?.unwrap_or_else(|| serde_json::json!([]))),
        title: Set(need(f.title, "title")?.trim().to_owned()),
        description: Set(need(f.description, "description")?.trim().to_owned()),
        instructor_id: Set(Some(instructor)),
        pillar: Set(need(f.pillar, "pillar")?.as_str().into()),
        level: Set(need(f.level, "level")?.as_str().into()),
        format: Set(need(f.format, "format")?.as_str().into()),
        schedule_date: Set(f.schedule_date),
        schedule_time: Set(f.schedule_time),
        capacity_total: Set(capacity),
        capacity_remaining: Set(capacity),
        price_amount: Set(price),
        price_early_bird: Set(f.price_early_bird),
        status: Set(WorkshopStatus::Draft.as_str().into()),
        is_featured: Set(f.is_featured.unwrap_or(false)),
        rating: Set(Decimal::ZERO),
        review_count: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    Ok(w.insert(am).await?)
}

/// Changes the given fields of a draft or published workshop. Capacity
/// keeps the seats already taken: `capacity_remaining` moves with
/// `capacity_total`, and a capacity below the seats taken is CONFLICT.
pub async fn update(w: &Write, workshop_id: Uuid, f: WorkshopFields) -> Result<workshops::Model> {
    let ws = managed_workshop(w, workshop_id).await?;
    let caller = signed_in(w.principal(), "manage workshops")?;
    let price = f.price_amount.unwrap_or(ws.price_amount);
    let early = f.price_early_bird.or(ws.price_early_bird);
    WorkshopFields {
        price_early_bird: early,
        ..Default::default()
    }
    .check(price)?;
    f.check(price)?;
    let instructor = instructor_for(w, f.instructor_id, caller).await?;
    if !is_open(stored(&ws.status)?) {
        return Err(conflict(
            "only a draft or published workshop can be changed",
        ));
    }
    use workshops::Column as C;
    let mut set: Vec<(C, Expr)> = vec![(C::UpdatedAt, Expr::val(now()))];
    let mut put = |c: C, v: Option<Expr>| {
        if let Some(v) = v {
            set.push((c, v));
        }
    };
    put(C::Title, f.title.map(|t| Expr::val(t.trim().to_owned())));
    put(
        C::Description,
        f.description.map(|t| Expr::val(t.trim().to_owned())),
    );
    put(C::InstructorId, instructor.map(|i| Expr::val(Some(i))));
    put(C::Pillar, f.pillar.map(|v| Expr::val(v.as_str())));
    put(C::Level, f.level.map(|v| Expr::val(v.as_str())));
    put(C::Format, f.format.map(|v| Expr::val(v.as_str())));
    put(C::ScheduleDate, f.schedule_date.map(|d| Expr::val(Some(d))));
    put(C::ScheduleTime, f.schedule_time.map(|t| Expr::val(Some(t))));
    put(C::PriceAmount, f.price_amount.map(Expr::val));
    put(
        C::PriceEarlyBird,
        f.price_early_bird.map(|p| Expr::val(Some(p))),
    );
    put(C::Outcomes, labels("outcomes", &f.outcomes)?.map(Expr::val));
    put(C::Tags, labels("tags", &f.tags)?.map(Expr::val));
    put(C::IsFeatured, f.is_featured.map(Expr::val));
    let mut cond = Condition::all()
        .add(C::Id.eq(workshop_id))
        .add(C::Status.is_in(open_states().into_iter().map(WorkshopStatus::as_str)));
    if let Some(cap) = f.capacity {
        // Both sides read the old row: remaining += new total - old total.
        put(
            C::CapacityRemaining,
            Some(
                Expr::col(C::CapacityRemaining)
                    .add(cap)
                    .sub(Expr::col(C::CapacityTotal)),
            ),
        );
        put(C::CapacityTotal, Some(Expr::val(cap)));
        cond = cond.add(
            Expr::col(C::CapacityTotal)
                .sub(Expr::col(C::CapacityRemaining))
                .lte(cap),
        );
    }
    if w.update::<workshops::Entity>(set, cond).await? == 0 {
        return Err(conflict(
            "the capacity is below the seats already taken, or the workshop is closed",
        ));
    }
    reload(w, workshop_id).await
}

/// Flips `status` from one of `from` to `to` (with `extra` columns), or
/// CONFLICT with `why`.
async fn transition(
    w: &Write,
    workshop_id: Uuid,
    from: &[WorkshopStatus],
    to: WorkshopStatus,
    extra: Vec<(workshops::Column, Expr)>,
    why: &str,
) -> Result<()> {
    let mut set = vec![
        (workshops::Column::Status, Expr::val(to.as_str())),
        (workshops::Column::UpdatedAt, Expr::val(now())),
    ];
    set.extend(extra);
    let changed = w
        .update::<workshops::Entity>(
            set,
            Condition::all()
                .add(workshops::Column::Id.eq(workshop_id))
                .add(workshops::Column::Status.is_in(from.iter().map(|s| s.as_str()))),
        )
        .await?;
    if changed == 0 {
        return Err(conflict(why));
    }
    Ok(())
}

fn all_seats() -> Vec<(workshops::Column, Expr)> {
    vec![(
        workshops::Column::CapacityRemaining,
        Expr::col(workshops::Column::CapacityTotal),
    )]
}

/// Draft → published, with every seat open.
pub async fn publish(w: &Write, workshop_id: Uuid) -> Result<workshops::Model> {
    managed_workshop(w, workshop_id).await?;
    transition(
        w,
        workshop_id,
        &[WorkshopStatus::Draft],
        WorkshopStatus::Published,
        all_seats(),
        "only a draft workshop can be published",
    )
    .await?;
    reload(w, workshop_id).await
}

/// Draft or published → cancelled; its active registrations are cancelled
/// and their seats given back (the seed's per-registration trigger).
pub async fn cancel_workshop(w: &Write, workshop_id: Uuid) -> Result<workshops::Model> {
    managed_workshop(w, workshop_id).await?;
    transition(
        w,
        workshop_id,
        &open_states(),
        WorkshopStatus::Cancelled,
        all_seats(),
        "only a draft or published workshop can be cancelled",
    )
    .await?;
    let at = now();
    w.update::<reg::Entity>(
        vec![
            (
                reg::Column::Status,
                Expr::val(RegistrationStatus::Cancelled.as_str()),
            ),
            (reg::Column::CancelledAt, Expr::val(at)),
            (reg::Column::UpdatedAt, Expr::val(at)),
        ],
        Condition::all()
            .add(reg::Column::WorkshopId.eq(workshop_id))
            .add(reg::Column::Status.eq(RegistrationStatus::Registered.as_str())),
    )
    .await?;
    reload(w, workshop_id).await
}

async fn registration(w: &Write, id: Uuid) -> Result<reg::Model> {
    w.select_unrestricted::<reg::Entity>()
        .filter(reg::Column::Id.eq(id))
        .one()
        .await?
        .ok_or(DomainError::NotFound("workshop registration"))
}

/// The workshop's instructor (or an admin) records whether a registrant
/// attended a published workshop.
pub async fn mark_attendance(
    w: &Write,
    registration_id: Uuid,
    attended: bool,
) -> Result<reg::Model> {
    let r = crate::visible::<reg::Entity>(w, registration_id, "workshop registration").await?;
    let ws = managed_workshop(w, r.workshop_id).await?;
    match stored(&ws.status)? {
        WorkshopStatus::Published => {}
        WorkshopStatus::Draft | WorkshopStatus::Archived | WorkshopStatus::Cancelled => {
            return Err(conflict("attendance is taken for published workshops only"));
        }
    }
    let changed = w
        .update::<reg::Entity>(
            vec![
                (reg::Column::Attended, Expr::val(attended)),
                (reg::Column::UpdatedAt, Expr::val(now())),
            ],
            Condition::all()
                .add(reg::Column::Id.eq(registration_id))
                .add(reg::Column::Status.eq(RegistrationStatus::Registered.as_str())),
        )
        .await?;
    if changed == 0 {
        return Err(conflict(
            "only an active registration's attendance can be marked",
        ));
    }
    registration(w, registration_id).await
}

/// What completing a workshop did.
#[derive(Debug)]
pub struct Completion {
    pub workshop: workshops::Model,
    /// Attendees' registrations, now completed, each with its certificate.
    pub completed: Vec<reg::Model>,
    pub certificates: Vec<entity::certificates::Model>,
    /// Registrants who did not attend, now `no_show`.
    pub no_shows: u64,
}

/// Published → archived: attendees' registrations become `completed`
/// and each attendee gets a workshop certificate (skills: the workshop's
/// outcomes); registrants who did not attend become `no_show`.
pub async fn complete(w: &Write, workshop_id: Uuid) -> Result<Completion> {
    let ws = managed_workshop(w, workshop_id).await?;
    transition(
        w,
        workshop_id,
        &[WorkshopStatus::Published],
        WorkshopStatus::Archived,
        vec![],
        "only a published workshop can be completed",
    )
    .await?;
    let attendees = w
        .select_unrestricted::<reg::Entity>()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::Status.eq(RegistrationStatus::Registered.as_str()))
        .filter(reg::Column::Attended.eq(true))
        .order_by(reg::Column::RegisteredAt, Order::Asc)
        .all()
        .await?;
    let skills = ws.outcomes.as_array().cloned().unwrap_or_default();
    let at = now();
    let (mut completed, mut certificates) = (vec![], vec![]);
    for r in attendees {
        let cert = crate::certificates::issue(
            w,
            crate::certificates::Grant {
                user_id: r.user_id,
                certificate_type: CertificateType::Workshop,
                workshop_id: Some(workshop_id),
                assessment_id: None,
                skills: serde_json::Value::Array(skills.clone()),
                expiry_date: None,
            },
        )
        .await?;
        w.update::<reg::Entity>(
            vec![
                (
                    reg::Column::Status,
                    Expr::val(RegistrationStatus::Completed.as_str()),
                ),
                (reg::Column::CompletedAt, Expr::val(at)),
                (reg::Column::CertificateId, Expr::val(Some(cert.id))),
                (reg::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all().add(reg::Column::Id.eq(r.id)),
        )
        .await?;
        completed.push(registration(w, r.id).await?);
        certificates.push(cert);
    }
    let no_shows = w
        .update::<reg::Entity>(
            vec![
                (
                    reg::Column::Status,
                    Expr::val(RegistrationStatus::NoShow.as_str()),
                ),
                (reg::Column::UpdatedAt, Expr::val(at)),
            ],
            Condition::all()
                .add(reg::Column::WorkshopId.eq(workshop_id))
                .add(reg::Column::Status.eq(RegistrationStatus::Registered.as_str())),
        )
        .await?;
    Ok(Completion {
        workshop: reload(w, workshop_id).await?,
        completed,
        certificates,
        no_shows,
    })
}

/// A registrant who attended rates the workshop 1–5 with an optional
/// review, stored on their registration (seed 001: `rating`, `review`);
/// giving feedback again replaces it.
pub async fn feedback(
    w: &Write,
    workshop_id: Uuid,
    rating: i32,
    review: Option<String>,
) -> Result<reg::Model> {
    if !(1..=5).contains(&rating) {
        return Err(bad("rating must be 1–5"));
    }
    let review = review
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if review.as_ref().is_some_and(|r| r.chars().count() > 5000) {
        return Err(bad("feedback must be at most 5000 characters"));
    }
    let user = signed_in(w.principal(), "give feedback")?;
    let r = w
        .select::<reg::Entity>()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::UserId.eq(user))
        .one()
        .await?
        .ok_or(DomainError::NotFound("registration"))?;
    let attended = r.attended
        && match stored(&r.status)? {
            RegistrationStatus::Registered | RegistrationStatus::Completed => true,
            RegistrationStatus::Cancelled | RegistrationStatus::NoShow => false,
        };
    if !attended {
        return Err(conflict("only registrants who attended can give feedback"));
    }
    w.update::<reg::Entity>(
        vec![
            (reg::Column::Rating, Expr::val(Some(rating))),
            (reg::Column::Review, Expr::val(review)),
            (reg::Column::UpdatedAt, Expr::val(now())),
        ],
        Condition::all().add(reg::Column::Id.eq(r.id)),
    )
    .await?;
    registration(w, r.id).await
}

/// What to look for.
#[derive(Debug)]
pub struct Search {
    pub query: String,
    pub pillar: Option<WorkshopPillar>,
    pub level: Option<DifficultyLevel>,
    pub first: u64,
}

/// The words of `q` as an FTS5 query: each one quoted (no operators), all
/// required — as `plainto_tsquery` does.
fn fts5_query(q: &str) -> String {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The workshops the caller may read (published ones for the public; own
/// drafts for instructors; all for admins) matching `query` in title or
/// description, best first, with their rank (higher is better).
/// PostgreSQL: `ts_rank` over the `to_tsvector('english', …)` expression
/// the GIN index is built on; SQLite: `bm25` over the `workshops_fts` FTS5
/// table (negated, so higher is better).
pub async fn search(s: &Scope, q: Search) -> Result<Vec<(workshops::Model, f64)>> {
    let words = fts5_query(&q.query);
    if words.is_empty() || q.query.len() > 500 {
        return Err(bad("query must contain a word (at most 500 characters)"));
    }
    let (matches, rank) = match s.backend() {
        DbBackend::Postgres => {
            // The exact expression of idx_workshops_search, so the index serves it.
            let doc = "to_tsvector('english', coalesce(\"title\", '') || ' ' || coalesce(\"description\", ''))";
            (
                Expr::cust_with_values(
                    format!("{doc} @@ plainto_tsquery('english', $1)"),
                    [q.query.clone()],
                ),
                Expr::cust_with_values(
                    format!("ts_rank({doc}, plainto_tsquery('english', $1))::float8"),
                    [q.query],
                ),
            )
        }
        _ => (
            Expr::cust_with_values(
                "\"workshops\".rowid IN (SELECT rowid FROM workshops_fts WHERE workshops_fts MATCH ?)",
                [words.clone()],
            ),
            Expr::cust_with_values(
                "-(SELECT bm25(workshops_fts) FROM workshops_fts \
                 WHERE workshops_fts MATCH ? AND rowid = \"workshops\".rowid)",
                [words],
            ),
        ),
    };
    let mut sel = s.select::<workshops::Entity>().filter(matches);
    if let Some(p) = q.pillar {
        sel = sel.filter(workshops::Column::Pillar.eq(p.as_str()));
    }
    if let Some(l) = q.level {
        sel = sel.filter(workshops::Column::Level.eq(l.as_str()));
    }
    Ok(sel
        .order_by_expr(Expr::cust("\"_score\""), Order::Desc)
        .order_by(workshops::Column::Title, Order::Asc)
        .limit(q.first)
        .all_scored(rank)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelled_registrations_give_their_seat_back() {
        assert_eq!(capacity_remaining(10, []), 10);
        assert_eq!(
            capacity_remaining(10, ["registered", "cancelled", "completed", "no_show"]),
            7
        );
        // A text that is not a status (a damaged row) still counts as taken.
        assert_eq!(capacity_remaining(2, ["registered", "unknown"]), 0);
    }

    #[test]
    fn only_workshops_still_to_happen_change() {
        let open: Vec<_> = open_states()
            .into_iter()
            .map(WorkshopStatus::as_str)
            .collect();
        assert_eq!(open, ["draft", "published"]);
        assert!(!is_open(WorkshopStatus::Archived));
        assert!(!is_open(WorkshopStatus::Cancelled));
    }
}
