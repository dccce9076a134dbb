//! Unit tests of `params.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

#[test]
fn header_values_are_checked_before_sending() {
    let (name, value) = header("listThings", "X-Trace", "abc 123").unwrap();
    assert_eq!((name, value.to_str().unwrap()), ("X-Trace", "abc 123"));
    let error = header("listThings", "X-Trace", "a\r\nInjected: yes").unwrap_err();
    assert!(matches!(error, Error::Encode { operation: "listThings", .. }), "{error:?}");
    assert!(error.to_string().contains("X-Trace"), "{error}");
}

#[derive(Serialize)]
struct Login {
    user: String,
    remember: bool,
}

#[test]
fn form_bodies_are_urlencoded() {
    let body = RequestBody::form(
        "login",
        "application/x-www-form-urlencoded",
        &Login { user: "a b&c".to_owned(), remember: true },
    )
    .unwrap();
    let RequestBody::Bytes { content_type, bytes } = body else { panic!("a form is bytes") };
    assert_eq!(bytes, &b"user=a+b%26c&remember=true"[..]);
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    let raw = RequestBody::raw("application/octet-stream", vec![0u8, 1, 2]);
    assert_eq!(raw.bytes(), Some(&[0u8, 1, 2][..]));
}

#[test]
fn union_parameters_travel_as_their_json_text() {
    assert_eq!(texts("getThing", "id", &"a b").unwrap(), ["a b"], "strings unquoted");
    assert_eq!(texts("getThing", "id", &7).unwrap(), ["7"]);
    assert_eq!(texts("getThing", "id", &vec!["a", "b"]).unwrap(), ["a", "b"], "one text per array item");
    assert_eq!(texts("getThing", "id", &[1.5, 2.0]).unwrap(), ["1.5", "2.0"]);
}
