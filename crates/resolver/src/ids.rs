//! Opaque global ids (`node(id:)`): base64url of `Type:uuid`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

pub fn encode(type_name: &str, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// The type name and row id of a global id, or `None` if it is not one.
pub fn decode(global: &str) -> Option<(String, Uuid)> {
    let raw = URL_SAFE_NO_PAD.decode(global).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (ty, id) = text.split_once(':')?;
    Some((ty.to_owned(), id.parse().ok()?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_garbage() {
        let id = uuid::Uuid::new_v4();
        assert_eq!(
            super::decode(&super::encode("Course", id)),
            Some(("Course".into(), id))
        );
        assert_eq!(super::decode("not-an-id"), None);
        assert_eq!(super::decode(""), None);
    }
}
