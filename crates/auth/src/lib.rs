//! Identity and authorization: roles, the request's `Principal`, and the
//! signed tokens that carry it. Knows nothing of HTTP or GraphQL.

pub mod password;
pub mod policy;
pub mod throttle;

use std::fmt;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One vocabulary of roles for every tenant (docs/ARCHITECTURE.md, "Tenancy
/// model and roles"), declared with the other enumerations.
pub use entity::enums::{Role, TextEnum};

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
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("token keys: {0}")]
    Keys(String),
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
    /// Roles at issue time; informative only: requests take the roles of
    /// the user's live memberships.
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Uuid>,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// How tokens are signed and checked. `Debug` never prints the secret or
/// the private key.
#[derive(Clone, Default)]
pub struct KeyConfig {
    /// `HS256` (default), `RS256` or `ES256`.
    pub algorithm: String,
    /// HS256 key.
    pub secret: String,
    /// RS256 / ES256 public key (PEM), to verify.
    pub public_key_pem: Option<String>,
    /// RS256 / ES256 private key (PKCS#8 PEM), to sign; without it this
    /// server only verifies tokens issued elsewhere.
    pub private_key_pem: Option<String>,
    /// Required `iss`, when set (and written into issued tokens).
    pub issuer: Option<String>,
    /// Required `aud`, when set (and written into issued tokens).
    pub audience: Option<String>,
}

/// Signing and verification with exactly one configured algorithm, so
/// `alg: none` and algorithm-confusion tokens fail.
#[derive(Clone)]
pub struct TokenKeys {
    algorithm: Algorithm,
    encoding: Option<EncodingKey>,
    decoding: DecodingKey,
    validation: Validation,
    issuer: Option<String>,
    audience: Option<String>,
}

impl fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenKeys({:?}, ***)", self.algorithm)
    }
}

impl fmt::Debug for KeyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyConfig")
            .field("algorithm", &self.algorithm)
            .field("secret", &"***")
            .field("public_key_pem", &self.public_key_pem)
            .field(
                "private_key_pem",
                &self.private_key_pem.as_ref().map(|_| "***"),
            )
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

impl TokenKeys {
    pub fn new(cfg: &KeyConfig) -> Result<Self, AuthError> {
        let keys_err = |e: jsonwebtoken::errors::Error| AuthError::Keys(e.to_string());
        let (algorithm, encoding, decoding) = match cfg.algorithm.to_ascii_uppercase().as_str() {
            "" | "HS256" => {
                if cfg.secret.len() < 16 {
                    return Err(AuthError::Keys(
                        "the HS256 secret must be at least 16 bytes".into(),
                    ));
                }
                (
                    Algorithm::HS256,
                    Some(EncodingKey::from_secret(cfg.secret.as_bytes())),
                    DecodingKey::from_secret(cfg.secret.as_bytes()),
                )
            }
            alg @ ("RS256" | "ES256") => {
                let public = cfg
                    .public_key_pem
                    .as_deref()
                    .ok_or_else(|| AuthError::Keys(format!("{alg} needs a public key")))?;
                let rsa = alg == "RS256";
                let decoding = if rsa {
                    DecodingKey::from_rsa_pem(public.as_bytes())
                } else {
                    DecodingKey::from_ec_pem(public.as_bytes())
                }
                .map_err(keys_err)?;
                let encoding = match cfg.private_key_pem.as_deref() {
                    Some(pem) if rsa => {
                        Some(EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(keys_err)?)
                    }
                    Some(pem) => Some(EncodingKey::from_ec_pem(pem.as_bytes()).map_err(keys_err)?),
                    None => None,
                };
                let algorithm = if rsa {
                    Algorithm::RS256
                } else {
                    Algorithm::ES256
                };
                (algorithm, encoding, decoding)
            }
            other => return Err(AuthError::Keys(format!("unsupported algorithm {other:?}"))),
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = 30;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        required.extend(cfg.issuer.as_ref().map(|_| "iss"));
        required.extend(cfg.audience.as_ref().map(|_| "aud"));
        validation.set_required_spec_claims(&required);
        match &cfg.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        if let Some(iss) = &cfg.issuer {
            validation.set_issuer(&[iss]);
        }
        Ok(Self {
            algorithm,
            encoding,
            decoding,
            validation,
            issuer: cfg.issuer.clone(),
            audience: cfg.audience.clone(),
        })
    }

    /// HS256 with `secret` (tests and development).
    pub fn hs256(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 30;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            algorithm: Algorithm::HS256,
            encoding: Some(EncodingKey::from_secret(secret)),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: None,
            audience: None,
        }
    }

    /// Claims for `principal`'s user, valid for `ttl_secs` from now, with the
    /// configured issuer and audience.
    pub fn claims_for(&self, principal: &Principal, ttl_secs: i64) -> Option<Claims> {
        let now = chrono::Utc::now().timestamp();
        Some(Claims {
            sub: principal.user_id?,
            tenant: principal.tenant_id,
            roles: principal.roles.clone(),
            org: principal.organization_id,
            iat: now,
            exp: now + ttl_secs,
            nbf: None,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        })
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, AuthError> {
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| AuthError::Signing("no private key configured".into()))?;
        jsonwebtoken::encode(&Header::new(self.algorithm), claims, key)
            .map_err(|e| AuthError::Signing(e.to_string()))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        use jsonwebtoken::errors::ErrorKind;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthError::Expired,
                ErrorKind::ImmatureSignature => AuthError::NotYetValid,
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
            nbf: None,
            iss: None,
            aud: None,
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
            assert_eq!(r.as_str().parse::<Role>().unwrap(), *r);
        }
        assert!("admin".parse::<Role>().is_err());
    }
}
