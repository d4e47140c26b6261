//! Password hashing: argon2id (seed 004 `password_hash`), PHC strings.

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::AuthError;

pub fn hash(password: &str) -> Result<String, AuthError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Keys(format!("password hashing failed: {e}")))
}

/// Whether `password` matches `stored`. With no stored hash (unknown user,
/// or an account without a password) a fixed dummy hash is checked instead,
/// so the answer takes the same time either way.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash("no-such-user-password").unwrap_or_default());
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (DUMMY.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && real
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_and_differ() {
        let a = super::hash("correct horse").unwrap();
        let b = super::hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(super::verify("correct horse", Some(&a)));
        assert!(!super::verify("wrong horse", Some(&a)));
        assert!(!super::verify("correct horse", None));
        assert!(!super::verify("x", Some("not a phc string")));
    }
}
