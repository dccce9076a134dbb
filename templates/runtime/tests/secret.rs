//! Unit tests of `secret.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::SecretString;

#[test]
fn debug_and_display_are_redacted() {
    let secret = SecretString::from("hunter2-very-secret");
    assert_eq!(format!("{secret:?}"), "[redacted]");
    assert_eq!(format!("{secret}"), "[redacted]");
    assert_eq!(format!("{:?}", Some(secret.clone())), "Some([redacted])");
    assert_eq!(secret.expose_secret(), "hunter2-very-secret");
}

#[test]
fn serde_is_a_transparent_string() {
    let secret: SecretString = serde_json::from_str("\"abc-123\"").unwrap();
    assert_eq!(secret.expose_secret(), "abc-123");
    assert_eq!(serde_json::to_string(&secret).unwrap(), "\"abc-123\"");
    let missing: Option<SecretString> = serde_json::from_str("null").unwrap();
    assert!(missing.is_none());
}

#[test]
fn conversions_and_equality() {
    assert_eq!(SecretString::from(String::from("x")), SecretString::new("x"));
    assert_ne!(SecretString::from("x"), SecretString::from("y"));
    assert!(SecretString::default().is_empty());
    assert_eq!(SecretString::from("z").into_exposed(), "z");
}
