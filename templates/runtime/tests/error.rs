//! Unit tests of `error.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use reqwest::header::{HeaderMap, HeaderValue};

fn failure(status: u16, body: &str, headers: &HeaderMap) -> Error {
    Error::from(ApiFailure::new("getOrgApiKey", status, headers, body.as_bytes()))
}

#[test]
fn api_error_body_is_decoded() {
    let body =
        r#"{"error":404,"errorCode":"RESOURCE_NOT_FOUND","detail":"Cannot find resource.","reason":"Not Found"}"#;
    let error = failure(404, body, &HeaderMap::new());
    assert!(error.is_not_found());
    assert!(!error.is_rate_limited());
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.error_code(), Some("RESOURCE_NOT_FOUND"));
    assert_eq!(error.api_error().and_then(|e| e.error), Some(404));
    assert_eq!(error.operation(), Some("getOrgApiKey"));
    let text = error.to_string();
    assert!(text.contains("getOrgApiKey"), "{text}");
    assert!(text.contains("404"), "{text}");
    assert!(text.contains("Cannot find resource."), "{text}");
}

#[test]
fn non_json_body_is_kept_raw() {
    let error = failure(502, "<html>Bad Gateway</html>", &HeaderMap::new());
    assert!(error.api_error().is_none());
    assert_eq!(error.api_failure().unwrap().body, "<html>Bad Gateway</html>");
    assert!(error.to_string().contains("Bad Gateway"));
    assert_eq!(error.error_code(), None);
}

#[test]
fn rate_limited_by_status_or_code() {
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("7"));
    headers.insert("ratelimit-limit", HeaderValue::from_static("100"));
    headers.insert("ratelimit-remaining", HeaderValue::from_static("0"));
    let error = failure(429, "", &headers);
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    let failure_ref = error.api_failure().unwrap();
    assert_eq!(failure_ref.rate_limit.limit, Some(100));
    assert_eq!(failure_ref.rate_limit.remaining, Some(0));

    let by_code = failure(400, r#"{"error":400,"errorCode":"RATE_LIMITED"}"#, &HeaderMap::new());
    assert!(by_code.is_rate_limited());
}

#[test]
fn long_bodies_are_truncated_on_a_char_boundary() {
    let body = "é".repeat(5000);
    let text = truncate_body(body.as_bytes());
    assert!(text.len() <= MAX_ERROR_BODY_BYTES + "…[truncated]".len());
    assert!(text.ends_with("…[truncated]"));
    assert!(!text.contains('\u{FFFD}'));
    assert_eq!(truncate_body(b"short"), "short");
}

#[test]
fn other_variants_have_no_status() {
    let error = Error::Timeout { operation: "listOrgApiKeys" };
    assert!(error.is_timeout());
    assert_eq!(error.status(), None);
    assert!(error.to_string().contains("listOrgApiKeys"));
    let config = Error::Config("bad".into());
    assert_eq!(config.operation(), None);
    let auth = Error::from(AuthError::Rejected { operation: "x", status: 401, body: String::new(), error: None });
    assert_eq!(auth.status(), Some(401));
}

#[test]
fn errors_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Error>();
}
