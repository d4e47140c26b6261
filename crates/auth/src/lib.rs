//! Identity and authorization: roles, the request's `Principal`, and the
//! signed tokens that carry it. Knows nothing of HTTP or GraphQL.

use std::{fmt, str::FromStr};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One vocabulary of roles for all seeds (DESIGN.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PlatformAdmin,
    /// Seed 001/003 "admin".
    TenantAdmin,
    OrgAdmin,
    /// Seed 004 "trainer".
    Instructor,
    /// Seed 001 "expert".
    Coach,
    Client,
    /// Seed 003 "student", seed 001 "user".
    Learner,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::PlatformAdmin,
        Role::TenantAdmin,
        Role::OrgAdmin,
        Role::Instructor,
        Role::Coach,
        Role::Client,
        Role::Learner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::TenantAdmin => "tenant_admin",
            Role::OrgAdmin => "org_admin",
            Role::Instructor => "instructor",
            Role::Coach => "coach",
            Role::Client => "client",
            Role::Learner => "learner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AuthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AuthError::UnknownRole(s.to_owned()))
    }
}

/// Who is asking, and in which tenant. Every request has exactly one tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub tenant_id: Uuid,
    /// `None` for an anonymous request naming its tenant by `X-Tenant`.
    pub user_id: Option<Uuid>,
    pub roles: Vec<Role>,
    pub organization_id: Option<Uuid>,
}

impl Principal {
    pub fn anonymous(tenant_id: Uuid) -> Self {
        Self {
            tenant_id,
            user_id: None,
            roles: vec![],
            organization_id: None,
        }
    }

    pub fn is_authenticated(&self) -> bool {
        self.user_id.is_some()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the token is invalid")]
    InvalidToken,
    #[error("the token has expired")]
    Expired,
    #[error("unknown role {0:?}")]
    UnknownRole(String),
    #[error("cannot sign token: {0}")]
    Signing(String),
}

/// The claims coachql signs and accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: Uuid,
    /// Tenant id the token acts in.
    pub tenant: Uuid,
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Uuid>,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn principal(&self) -> Principal {
        Principal {
            tenant_id: self.tenant,
            user_id: Some(self.sub),
            roles: self.roles.clone(),
            organization_id: self.org,
        }
    }
}

/// HS256 signing and verification. Only the configured algorithm is
/// accepted, so `alg: none` and algorithm-confusion tokens fail.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKeys(HS256, ***)")
    }
}

impl TokenKeys {
    pub fn hs256(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 30;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, AuthError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| AuthError::Signing(e.to_string()))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                _ => AuthError::InvalidToken,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_offset: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: Uuid::new_v4(),
            tenant: Uuid::new_v4(),
            roles: vec![Role::Learner],
            org: None,
            iat: now,
            exp: now + exp_offset,
        }
    }

    #[test]
    fn round_trip() {
        let keys = TokenKeys::hs256(b"secret");
        let c = claims(60);
        assert_eq!(keys.verify(&keys.sign(&c).unwrap()).unwrap(), c);
    }

    #[test]
    fn rejects_expired_wrong_key_and_alg_none() {
        let keys = TokenKeys::hs256(b"secret");
        assert_eq!(
            keys.verify(&keys.sign(&claims(-3600)).unwrap()),
            Err(AuthError::Expired)
        );
        let other = TokenKeys::hs256(b"other");
        assert_eq!(
            keys.verify(&other.sign(&claims(60)).unwrap()),
            Err(AuthError::InvalidToken)
        );
        // An unsigned token: header {"alg":"none"}.
        let token = keys.sign(&claims(60)).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert_eq!(keys.verify(&none), Err(AuthError::InvalidToken));
    }

    #[test]
    fn roles_parse_from_their_names() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("admin".parse::<Role>().is_err());
    }
}
