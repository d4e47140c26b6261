//! The rules every domain shares: who the caller is, who may act, how an
//! input is checked and what a lost race on a unique key means. One copy
//! each, so a message or a limit is changed in one place.

use auth::Principal;
use entity::enums::{RegistrationStatus, TextEnum};
use sea_orm::ColumnTrait;
use store::Reader;
use uuid::Uuid;

use crate::{DomainError, Result};

/// The signed-in caller, or `Forbidden` ("sign in to {what}").
pub(crate) fn signed_in(p: &Principal, what: &str) -> Result<Uuid> {
    p.user_id
        .ok_or_else(|| forbidden(format!("sign in to {what}")))
}

/// Admins pass; anyone else is `Forbidden` ("only admins {what}").
pub(crate) fn admin_only(p: &Principal, what: &str) -> Result<()> {
    if auth::policy::is_admin(p) {
        Ok(())
    } else {
        Err(forbidden(format!("only admins {what}")))
    }
}

pub(crate) fn bad(m: impl Into<String>) -> DomainError {
    DomainError::BadInput(m.into())
}

pub(crate) fn conflict(m: impl Into<String>) -> DomainError {
    DomainError::Conflict(m.into())
}

pub(crate) fn forbidden(m: impl Into<String>) -> DomainError {
    DomainError::Forbidden(m.into())
}

/// The `max` of [`text`] for a column of unbounded text.
pub(crate) const ANY_LENGTH: usize = usize::MAX;

/// `v` trimmed: not empty, and at most `max` characters.
pub(crate) fn text(field: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(bad(format!("{field} must not be empty")));
    }
    if t.chars().count() > max {
        return Err(bad(format!("{field} must be at most {max} characters")));
    }
    Ok(t.to_owned())
}

/// How [`texts`] checks a list of texts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Texts {
    /// At most this many entries.
    pub max_entries: usize,
    /// Each entry (trimmed) at most this many characters.
    pub max_chars: usize,
    /// Whether a repeated entry is dropped (the first one stays).
    pub distinct: bool,
}

impl Texts {
    /// Any number of entries of any length, repeats dropped.
    pub(crate) const DISTINCT: Texts = Texts {
        max_entries: usize::MAX,
        max_chars: ANY_LENGTH,
        distinct: true,
    };
}

/// A list of trimmed, non-empty texts (each checked by [`text`]) as a JSON
/// array, in the order given. (A list of enumerated values is typed by its
/// enum instead, which is where its allowed values are declared.)
pub(crate) fn texts(field: &str, v: &[String], rule: Texts) -> Result<serde_json::Value> {
    if v.len() > rule.max_entries {
        return Err(bad(format!(
            "`{field}` has more than {} entries",
            rule.max_entries
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for t in v {
        let t = text(field, t, rule.max_chars)?;
        if !(rule.distinct && out.contains(&t)) {
            out.push(t);
        }
    }
    Ok(serde_json::Value::from(out))
}

/// The state stored in an enumerated column. Its CHECK constraint admits
/// only the enumeration's values, so any other text is a damaged row: an
/// internal error, never the caller's fault.
pub(crate) fn stored<T: TextEnum>(text: &str) -> Result<T> {
    T::from_text(text).ok_or_else(|| {
        DomainError::from(sea_orm::DbErr::Type(format!(
            "{text:?} is not a stored {}",
            T::DEF.name
        )))
    })
}

/// `v` when it is more than 0.
pub(crate) fn positive(field: &str, v: i32) -> Result<i32> {
    if v <= 0 {
        return Err(bad(format!("{field} must be positive")));
    }
    Ok(v)
}

/// `v` when it is 0 or more.
pub(crate) fn non_negative(field: &str, v: i32) -> Result<i32> {
    if v < 0 {
        return Err(bad(format!("{field} must be at least 0")));
    }
    Ok(v)
}

/// `v` when it is a percentage (0 to 100).
pub(crate) fn percent(field: &str, v: i32) -> Result<i32> {
    if !(0..=100).contains(&v) {
        return Err(bad(format!("{field} must be between 0 and 100")));
    }
    Ok(v)
}

/// A user of this tenant (a member), whoever may read their profile.
pub(crate) async fn member(w: &store::Write, user_id: Uuid) -> Result<entity::users::Model> {
    w.select_unrestricted::<entity::users::Entity>()
        .filter(entity::users::Column::Id.eq(user_id))
        .one()
        .await?
        .ok_or(DomainError::NotFound("user"))
}

pub(crate) fn may_teach(w: &store::Write) -> Result<Uuid> {
    let user = signed_in(w.principal(), "manage workshops")?;
    if auth::policy::is_staff(w.principal()) {
        Ok(user)
    } else {
        Err(forbidden("only instructors and admins manage workshops"))
    }
}

/// The workshop, for its instructor or an admin (seed 001: "instructors
/// create/update own; admins manage all"). Invisible: NOT_FOUND; visible
/// but someone else's: FORBIDDEN.
pub(crate) async fn managed_workshop(
    w: &store::Write,
    workshop_id: Uuid,
) -> Result<entity::workshops::Model> {
    let user = may_teach(w)?;
    let ws = crate::visible::<entity::workshops::Entity>(w, workshop_id, "workshop").await?;
    if ws.instructor_id != Some(user) && !auth::policy::is_admin(w.principal()) {
        return Err(forbidden(
            "only the workshop's instructor or an admin may manage it",
        ));
    }
    Ok(ws)
}

/// Inserts `am`; a unique-constraint violation (a concurrent or repeated
/// write of the same key: one writer wins) becomes `Conflict(conflict)`.
pub(crate) async fn insert_unique<A>(
    w: &store::Write,
    am: A,
    conflict_message: &str,
) -> Result<<A::Entity as sea_orm::EntityTrait>::Model>
where
    A: sea_orm::ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    w.insert(am)
        .await
        .map_err(|e| on_unique(e.into(), conflict_message))
}

/// `e`, or `CONFLICT` with `message` when it is a unique key's violation:
/// for [`insert_unique`], and for the statement after a
/// `Write::insert_pipelined`, which answers for the insert.
pub(crate) fn on_unique(e: DomainError, message: &str) -> DomainError {
    match e {
        DomainError::Store(e) if e.is_unique_violation() => conflict(message),
        e => e,
    }
}

/// Whether a registration in `status` holds a seat: every one but a
/// cancelled one (cancelling gives the seat back; attending, completing or
/// not showing up does not).
pub fn holds_seat(status: RegistrationStatus) -> bool {
    match status {
        RegistrationStatus::Registered
        | RegistrationStatus::Completed
        | RegistrationStatus::NoShow => true,
        RegistrationStatus::Cancelled => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(DomainError::BadInput(m) | DomainError::Forbidden(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn signed_in_needs_a_user() {
        let user = Uuid::new_v4();
        let mut p = Principal::anonymous(Uuid::new_v4());
        assert_eq!(message(signed_in(&p, "enroll")), "sign in to enroll");
        p.user_id = Some(user);
        assert_eq!(signed_in(&p, "enroll").unwrap(), user);
    }

    #[test]
    fn text_is_trimmed_and_bounded_in_characters() {
        assert_eq!(text("title", "  Hi  ", 2).unwrap(), "Hi");
        // Characters, not bytes: three two-byte letters fit in 3.
        assert_eq!(text("title", "éèê", 3).unwrap(), "éèê");
        assert_eq!(
            message(text("title", "abc", 2)),
            "title must be at most 2 characters"
        );
        assert_eq!(
            message(text("title", " \t\n", 10)),
            "title must not be empty"
        );
        assert_eq!(message(text("title", "", 10)), "title must not be empty");
    }

    #[test]
    fn texts_are_trimmed_checked_and_optionally_distinct() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let rule = Texts {
            max_entries: 3,
            max_chars: 3,
            distinct: true,
        };
        assert_eq!(
            texts("tags", &v(&[" a ", "b", "a"]), rule).unwrap(),
            serde_json::json!(["a", "b"])
        );
        assert_eq!(
            texts(
                "tags",
                &v(&["a", "a"]),
                Texts {
                    distinct: false,
                    ..rule
                }
            )
            .unwrap(),
            serde_json::json!(["a", "a"])
        );
        assert_eq!(texts("tags", &[], rule).unwrap(), serde_json::json!([]));
        assert_eq!(
            message(texts("tags", &v(&["a", "b", "c", "d"]), rule)),
            "`tags` has more than 3 entries"
        );
        // The count is of entries given, before repeats are dropped.
        assert!(texts("tags", &v(&["a", "a", "a", "a"]), rule).is_err());
        assert_eq!(
            message(texts("tags", &v(&["a", "  "]), rule)),
            "tags must not be empty"
        );
        assert_eq!(
            message(texts("tags", &v(&["abcd"]), rule)),
            "tags must be at most 3 characters"
        );
        // Unbounded: any number of entries of any length.
        let long = "x".repeat(10_000);
        assert_eq!(
            texts("expertise", &v(&[&long, &long, "y"]), Texts::DISTINCT).unwrap(),
            serde_json::json!([long, "y"])
        );
    }

    #[test]
    fn a_stored_state_parses_or_is_internal() {
        use entity::enums::WorkshopStatus;
        assert_eq!(
            stored::<WorkshopStatus>("published").unwrap(),
            WorkshopStatus::Published
        );
        assert!(matches!(
            stored::<WorkshopStatus>("Published"),
            Err(DomainError::Store(_))
        ));
    }

    #[test]
    fn number_bounds() {
        assert_eq!(positive("n", 1).unwrap(), 1);
        assert_eq!(message(positive("n", 0)), "n must be positive");
        assert!(positive("n", -1).is_err());
        assert_eq!(non_negative("n", 0).unwrap(), 0);
        assert_eq!(message(non_negative("n", -1)), "n must be at least 0");
        assert_eq!(percent("p", 0).unwrap(), 0);
        assert_eq!(percent("p", 100).unwrap(), 100);
        assert_eq!(message(percent("p", 101)), "p must be between 0 and 100");
        assert!(percent("p", -1).is_err());
    }
}
