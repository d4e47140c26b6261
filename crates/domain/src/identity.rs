//! The rules of an identity: what an email address must look like, how long
//! a password and a display name may be. Pure functions, one copy each,
//! answering `BadInput` with the message clients see.

use crate::{Result, rules::bad};

/// The shortest password accepted at sign-up, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;

/// The longest password accepted, in bytes: hashing is costly, and no
/// real password is near it.
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// The longest email address accepted (RFC 5321's path limit).
pub const EMAIL_MAX_BYTES: usize = 254;

/// The longest `fullName` accepted (the seeds' `full_name VARCHAR(255)`).
pub const NAME_MAX_CHARS: usize = 255;

/// Whether `email` has the shape of an address: a non-empty local part,
/// one `@`, and a domain with a dot; at most [`EMAIL_MAX_BYTES`] once
/// trimmed.
pub fn email(email: &str) -> Result<()> {
    let trimmed = email.trim();
    let shaped = trimmed.len() <= EMAIL_MAX_BYTES
        && trimmed.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if shaped {
        Ok(())
    } else {
        Err(bad("email is not a valid address"))
    }
}

/// A new password: at least [`PASSWORD_MIN_CHARS`] characters and at most
/// [`PASSWORD_MAX_BYTES`] bytes.
pub fn password(password: &str) -> Result<()> {
    if password.chars().count() < PASSWORD_MIN_CHARS || password.len() > PASSWORD_MAX_BYTES {
        return Err(bad(format!(
            "password must have at least {PASSWORD_MIN_CHARS} characters"
        )));
    }
    Ok(())
}

/// A display name (`fullName`): at most [`NAME_MAX_CHARS`] characters.
pub fn full_name(name: Option<&str>) -> Result<()> {
    match name {
        Some(n) if n.chars().count() > NAME_MAX_CHARS => Err(bad(format!(
            "`fullName` must have at most {NAME_MAX_CHARS} characters"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DomainError;

    fn refusal(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(DomainError::BadInput(m)) => m,
            other => panic!("expected BadInput, got {other:?}"),
        }
    }

    #[test]
    fn an_email_has_a_local_part_one_at_and_a_dotted_domain() {
        for ok in ["a@b.c", "  lina@learner.example  ", "x.y+z@sub.example.org"] {
            assert!(email(ok).is_ok(), "{ok}");
        }
        for no in ["", "plain", "@example.org", "a@localhost", "a@b@c.d", "a@"] {
            assert_eq!(refusal(email(no)), "email is not a valid address", "{no}");
        }
    }

    #[test]
    fn an_email_is_at_most_254_bytes() {
        let domain = "@example.org";
        let fits = format!("{}{domain}", "a".repeat(EMAIL_MAX_BYTES - domain.len()));
        assert!(email(&fits).is_ok());
        let over = format!("a{fits}");
        assert_eq!(refusal(email(&over)), "email is not a valid address");
    }

    #[test]
    fn a_password_has_8_characters_and_at_most_1024_bytes() {
        assert!(password("12345678").is_ok());
        // Characters, not bytes: eight accented letters pass.
        assert!(password("éééééééé").is_ok());
        assert!(password(&"x".repeat(PASSWORD_MAX_BYTES)).is_ok());
        for no in ["", "1234567", "ééééééé"] {
            assert_eq!(
                refusal(password(no)),
                "password must have at least 8 characters",
                "{no}"
            );
        }
        assert_eq!(
            refusal(password(&"x".repeat(PASSWORD_MAX_BYTES + 1))),
            "password must have at least 8 characters"
        );
    }

    #[test]
    fn a_full_name_is_at_most_255_characters() {
        assert!(full_name(None).is_ok());
        assert!(full_name(Some(&"é".repeat(NAME_MAX_CHARS))).is_ok());
        assert_eq!(
            refusal(full_name(Some(&"n".repeat(NAME_MAX_CHARS + 1)))),
            "`fullName` must have at most 255 characters"
        );
    }
}
