//! Token verification: every way a token must be refused.

use auth::{AuthError, Claims, KeyConfig, Role, TokenKeys};
use uuid::Uuid;

fn pem(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn claims(offset: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: Uuid::new_v4(),
        tenant: Uuid::new_v4(),
        roles: vec![Role::Learner],
        org: None,
        iat: now,
        exp: now + offset,
        nbf: None,
        iss: None,
        aud: None,
    }
}

fn asymmetric(alg: &str, prefix: &str) -> TokenKeys {
    TokenKeys::new(&KeyConfig {
        algorithm: alg.into(),
        public_key_pem: Some(pem(&format!("{prefix}_public.pem"))),
        private_key_pem: Some(pem(&format!("{prefix}_private.pem"))),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn rs256_and_es256_round_trip() {
    for keys in [asymmetric("RS256", "rsa"), asymmetric("ES256", "ec")] {
        let c = claims(60);
        assert_eq!(keys.verify(&keys.sign(&c).unwrap()).unwrap(), c);
    }
}

#[test]
fn verify_only_keys_cannot_sign() {
    let keys = TokenKeys::new(&KeyConfig {
        algorithm: "RS256".into(),
        public_key_pem: Some(pem("rsa_public.pem")),
        ..Default::default()
    })
    .unwrap();
    assert!(matches!(keys.sign(&claims(60)), Err(AuthError::Signing(_))));
}

#[test]
fn a_token_of_another_algorithm_is_refused() {
    let rsa = asymmetric("RS256", "rsa");
    let ec = asymmetric("ES256", "ec");
    let hs = TokenKeys::hs256(b"0123456789abcdef0123");
    assert_eq!(
        rsa.verify(&hs.sign(&claims(60)).unwrap()),
        Err(AuthError::InvalidToken)
    );
    assert_eq!(
        rsa.verify(&ec.sign(&claims(60)).unwrap()),
        Err(AuthError::InvalidToken)
    );
    assert_eq!(
        hs.verify(&rsa.sign(&claims(60)).unwrap()),
        Err(AuthError::InvalidToken)
    );
    // HS256 keyed with the RSA public key: the classic confusion attack.
    let confused = TokenKeys::hs256(pem("rsa_public.pem").as_bytes());
    assert_eq!(
        rsa.verify(&confused.sign(&claims(60)).unwrap()),
        Err(AuthError::InvalidToken)
    );
}

#[test]
fn expired_not_yet_valid_and_tampered_tokens_are_refused() {
    let keys = asymmetric("ES256", "ec");
    assert_eq!(
        keys.verify(&keys.sign(&claims(-3600)).unwrap()),
        Err(AuthError::Expired)
    );
    let mut future = claims(7200);
    future.nbf = Some(chrono::Utc::now().timestamp() + 3600);
    assert_eq!(
        keys.verify(&keys.sign(&future).unwrap()),
        Err(AuthError::NotYetValid)
    );
    let token = keys.sign(&claims(60)).unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].chars().rev().collect();
    assert_eq!(keys.verify(&parts.join(".")), Err(AuthError::InvalidToken));
    let unsigned = format!(
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
        token.split('.').nth(1).unwrap()
    );
    assert_eq!(keys.verify(&unsigned), Err(AuthError::InvalidToken));
    assert_eq!(keys.verify("garbage"), Err(AuthError::InvalidToken));
}

#[test]
fn issuer_and_audience_are_checked_when_configured() {
    let cfg = KeyConfig {
        algorithm: "HS256".into(),
        secret: "0123456789abcdef0123".into(),
        issuer: Some("https://id.coachql.dev".into()),
        audience: Some("coachql".into()),
        ..Default::default()
    };
    let keys = TokenKeys::new(&cfg).unwrap();
    let mut good = claims(60);
    good.iss = cfg.issuer.clone();
    good.aud = cfg.audience.clone();
    assert!(keys.verify(&keys.sign(&good).unwrap()).is_ok());
    for (iss, aud) in [
        (Some("https://evil"), Some("coachql")),
        (Some("https://id.coachql.dev"), Some("other")),
        (None, None),
    ] {
        let mut c = claims(60);
        c.iss = iss.map(Into::into);
        c.aud = aud.map(Into::into);
        assert_eq!(
            keys.verify(&keys.sign(&c).unwrap()),
            Err(AuthError::InvalidToken),
            "{iss:?} {aud:?}"
        );
    }
}

#[test]
fn weak_or_unknown_key_configuration_is_refused() {
    assert!(
        TokenKeys::new(&KeyConfig {
            secret: "short".into(),
            ..Default::default()
        })
        .is_err()
    );
    assert!(
        TokenKeys::new(&KeyConfig {
            algorithm: "none".into(),
            ..Default::default()
        })
        .is_err()
    );
    assert!(
        TokenKeys::new(&KeyConfig {
            algorithm: "RS256".into(),
            ..Default::default()
        })
        .is_err()
    );
}
