//! Persisted operations: Apollo's automatic persisted queries (a client
//! sends the SHA-256 of its document, and the document itself only when the
//! server does not know it yet), and a trusted-documents mode in which only
//! the operations of a configured manifest run.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, Mutex},
};

use async_graphql::{Request, Value};
use resolver::{ApiError, ErrorCode};
use sha2::{Digest, Sha256};

/// The documents this server knows by hash.
pub struct Persisted {
    /// Registered by clients; bounded in bytes, starting over when full, so
    /// a client registering endless documents costs memory only up to it.
    registered: Mutex<Registered>,
    /// Trusted-documents mode: the manifest, and nothing else runs.
    trusted: Option<HashMap<String, Arc<str>>>,
}

#[derive(Default)]
struct Registered {
    by_hash: HashMap<String, Arc<str>>,
    bytes: usize,
}

const MAX_REGISTERED_BYTES: usize = 16 << 20;

/// What the request's persisted-query extension said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No `persistedQuery` extension: a plain request.
    Plain,
    /// Resolved from a hash (with or without the document alongside).
    Hashed,
}

/// The SHA-256 of `document`, in lowercase hex (what Apollo's link sends).
pub fn hash(document: &str) -> String {
    hex::encode(Sha256::digest(document.as_bytes()))
}

fn not_found() -> ApiError {
    // Apollo's link recognises the message and the code alike.
    ApiError::new(ErrorCode::PersistedQueryNotFound, "PersistedQueryNotFound")
}

impl Persisted {
    pub fn new(trusted: Option<HashMap<String, String>>) -> Self {
        Self {
            registered: Mutex::new(Registered::default()),
            trusted: trusted.map(|m| m.into_iter().map(|(k, v)| (k, v.into())).collect()),
        }
    }

    pub fn trusted_only(&self) -> bool {
        self.trusted.is_some()
    }

    /// Gives `req` its document from its hash, registers a document sent
    /// with its hash (after checking the hash), and in trusted-documents
    /// mode refuses anything not in the manifest.
    pub fn resolve(&self, req: &mut Request) -> Result<Kind, ApiError> {
        let sent_hash = match req.extensions.get("persistedQuery") {
            None => None,
            Some(Value::Object(p)) => {
                if p.get("version") != Some(&Value::from(1)) {
                    return Err(ApiError::bad_input(
                        "persistedQuery: only version 1 is supported",
                    ));
                }
                match p.get("sha256Hash") {
                    Some(Value::String(h))
                        if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) =>
                    {
                        Some(h.to_ascii_lowercase())
                    }
                    _ => {
                        return Err(ApiError::bad_input(
                            "persistedQuery.sha256Hash must be 64 hexadecimal characters",
                        ));
                    }
                }
            }
            Some(_) => return Err(ApiError::bad_input("persistedQuery must be an object")),
        };
        let sent = !req.query.trim().is_empty();
        if let Some(trusted) = &self.trusted {
            let key = match (&sent_hash, sent) {
                (Some(h), _) => h.clone(),
                (None, true) => hash(&req.query),
                (None, false) => return Ok(Kind::Plain),
            };
            let Some(doc) = trusted.get(&key) else {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "this server runs trusted documents only, and this is not one of them",
                ));
            };
            if sent && hash(&req.query) != key {
                return Err(ApiError::bad_input("provided sha does not match query"));
            }
            req.query = doc.to_string();
            return Ok(if sent_hash.is_some() {
                Kind::Hashed
            } else {
                Kind::Plain
            });
        }
        let Some(wanted) = sent_hash else {
            return Ok(Kind::Plain);
        };
        let mut reg = self.registered.lock().unwrap_or_else(|e| e.into_inner());
        if sent {
            if hash(&req.query) != wanted {
                return Err(ApiError::bad_input("provided sha does not match query"));
            }
            if !reg.by_hash.contains_key(&wanted) {
                if reg.bytes + req.query.len() > MAX_REGISTERED_BYTES {
                    *reg = Registered::default();
                }
                reg.bytes += req.query.len();
                reg.by_hash.insert(wanted, req.query.as_str().into());
            }
            return Ok(Kind::Hashed);
        }
        match reg.by_hash.get(&wanted) {
            Some(doc) => {
                req.query = doc.to_string();
                Ok(Kind::Hashed)
            }
            None => Err(not_found()),
        }
    }
}

/// Reads a trusted-documents manifest: a JSON object from hash to document
/// (what `coachql documents` writes), or Apollo's persisted-query manifest
/// (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}`).
/// Every hash is checked against its document.
pub fn load_manifest(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    use anyhow::Context;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the trusted documents {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let mut out = HashMap::new();
    let pairs: Vec<(String, String)> = match &json {
        serde_json::Value::Object(m) if m.contains_key("operations") => m["operations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|op| {
                Some((
                    op.get("id")?.as_str()?.to_owned(),
                    op.get("body")?.as_str()?.to_owned(),
                ))
            })
            .collect(),
        serde_json::Value::Object(m) => m
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect(),
        _ => anyhow::bail!("{}: expected a JSON object", path.display()),
    };
    for (id, body) in pairs {
        anyhow::ensure!(
            hash(&body) == id.to_ascii_lowercase(),
            "{}: the hash {id} does not match its document",
            path.display()
        );
        out.insert(id.to_ascii_lowercase(), body);
    }
    Ok(out)
}

/// Hashes every `.graphql` file under `dir` into a manifest (hash →
/// document), for trusted-documents mode.
pub fn manifest_of(dir: &Path) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    use anyhow::Context;
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "graphql" || e == "gql")
            {
                let body = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                async_graphql::parser::parse_query(&body)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                out.insert(hash(&body), body);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut r = Request::new(query);
        r.extensions.insert(
            "persistedQuery".into(),
            Value::from_json(serde_json::json!({"version": 1, "sha256Hash": hash})).unwrap(),
        );
        r
    }

    #[test]
    fn automatic_persisted_queries() {
        let p = Persisted::new(None);
        let doc = "{ __typename }";
        let h = hash(doc);
        let err = p.resolve(&mut with_hash("", &h)).unwrap_err();
        assert_eq!(err.code, ErrorCode::PersistedQueryNotFound);
        assert_eq!(
            p.resolve(&mut with_hash("{ other }", &h)).unwrap_err().code,
            ErrorCode::BadUserInput
        );
        assert_eq!(p.resolve(&mut with_hash(doc, &h)).unwrap(), Kind::Hashed);
        let mut again = with_hash("", &h);
        assert_eq!(p.resolve(&mut again).unwrap(), Kind::Hashed);
        assert_eq!(again.query, doc);
        assert_eq!(p.resolve(&mut Request::new(doc)).unwrap(), Kind::Plain);
    }

    #[test]
    fn trusted_documents_only() {
        let doc = "query A { __typename }";
        let p = Persisted::new(Some([(hash(doc), doc.to_owned())].into()));
        let mut r = with_hash("", &hash(doc));
        assert_eq!(p.resolve(&mut r).unwrap(), Kind::Hashed);
        assert_eq!(r.query, doc);
        assert_eq!(p.resolve(&mut Request::new(doc)).unwrap(), Kind::Plain);
        let err = p
            .resolve(&mut Request::new("{ __schema { types { name } } }"))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden);
    }

    #[test]
    fn manifests_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.graphql"), "query A { __typename }").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b.graphql"), "query B { __typename }").unwrap();
        let m = manifest_of(dir.path()).unwrap();
        assert_eq!(m.len(), 2);
        let file = dir.path().join("m.json");
        std::fs::write(&file, serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(load_manifest(&file).unwrap().len(), 2);
        std::fs::write(&file, r#"{"00": "query A { __typename }"}"#).unwrap();
        assert!(load_manifest(&file).is_err(), "a wrong hash is refused");
    }
}
