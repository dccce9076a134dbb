//! Unit tests of `retry.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// Ports for "nobody listens here" tests are taken on 127.0.0.2, where no wiremock server (bound to
/// 127.0.0.1) can pick up a port such a test has just freed.
const REFUSED_HOST: &str = "127.0.0.2:0";

fn policy() -> RetryPolicy {
    RetryPolicy::default()
}

#[test]
fn defaults() {
    let p = policy();
    assert_eq!(p.max_attempts, 4);
    assert_eq!(p.initial_backoff, Duration::from_millis(500));
    assert_eq!(p.max_backoff, Duration::from_secs(30));
    assert_eq!(p.max_elapsed, Duration::from_secs(120));
    assert!(!p.retry_non_idempotent);
    assert_eq!(RetryPolicy::none().max_attempts, 1);
    assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
}

#[test]
fn exponential_backoff_ceiling_with_full_jitter() {
    let p = policy();
    let almost_one = 0.999_999;
    let d1 = p.next_delay(1, None, Duration::ZERO, almost_one).unwrap();
    let d2 = p.next_delay(2, None, Duration::ZERO, almost_one).unwrap();
    let d3 = p.next_delay(3, None, Duration::ZERO, almost_one).unwrap();
    assert!(d1 <= Duration::from_millis(500) && d1 > Duration::from_millis(499));
    assert!(d2 <= Duration::from_millis(1000) && d2 > Duration::from_millis(999));
    assert!(d3 <= Duration::from_millis(2000) && d3 > Duration::from_millis(1999));
    assert_eq!(p.next_delay(1, None, Duration::ZERO, 0.0), Some(Duration::ZERO));
    assert_eq!(p.next_delay(2, None, Duration::ZERO, 0.5), Some(Duration::from_millis(500)));
}

#[test]
fn backoff_is_capped_by_max_backoff_even_for_huge_attempt_numbers() {
    let p = policy().max_attempts(u32::MAX).max_elapsed(Duration::from_secs(3600));
    for attempt in [10, 31, 32, 64, 1000] {
        let d = p.next_delay(attempt, None, Duration::ZERO, 0.999).unwrap();
        assert!(d <= Duration::from_secs(30), "attempt {attempt}: {d:?}");
    }
}

#[test]
fn gives_up_after_max_attempts() {
    let p = policy();
    assert!(p.next_delay(3, None, Duration::ZERO, 0.5).is_some());
    assert!(p.next_delay(4, None, Duration::ZERO, 0.5).is_none());
    assert!(RetryPolicy::none().next_delay(1, None, Duration::ZERO, 0.5).is_none());
}

#[test]
fn retry_after_is_waited_exactly_or_ends_the_retries() {
    let p = policy();
    // Jitter plays no part: the server's wait is used as is.
    assert_eq!(p.next_delay(1, Some(Duration::from_secs(3)), Duration::ZERO, 0.0), Some(Duration::from_secs(3)));
    assert_eq!(p.next_delay(3, Some(Duration::from_secs(3)), Duration::ZERO, 0.9), Some(Duration::from_secs(3)));
    assert_eq!(p.next_delay(1, Some(Duration::from_secs(30)), Duration::ZERO, 0.0), Some(Duration::from_secs(30)));
    assert_eq!(p.next_delay(1, Some(Duration::ZERO), Duration::ZERO, 0.9), Some(Duration::ZERO));
    // Longer than max_backoff, even within the budget: retrying sooner would hit another 429, give up.
    assert_eq!(p.next_delay(1, Some(Duration::from_secs(90)), Duration::ZERO, 0.0), None);
    assert_eq!(p.next_delay(1, Some(Duration::from_millis(30_001)), Duration::ZERO, 0.0), None);
    assert_eq!(p.next_delay(1, Some(Duration::MAX), Duration::ZERO, 0.0), None);
    // Longer than what remains of max_elapsed: give up.
    assert_eq!(p.next_delay(1, Some(Duration::from_secs(200)), Duration::ZERO, 0.0), None);
    assert_eq!(p.next_delay(1, Some(Duration::from_secs(20)), Duration::from_secs(110), 0.0), None);
}

#[test]
fn gives_up_when_budget_is_spent() {
    let p = policy();
    assert_eq!(p.next_delay(1, None, Duration::from_secs(121), 0.0), None);
    let tight = policy().initial_backoff(Duration::from_secs(10)).max_elapsed(Duration::from_secs(5));
    assert_eq!(tight.next_delay(1, None, Duration::ZERO, 0.9), None);
    assert!(tight.next_delay(1, None, Duration::ZERO, 0.1).is_some());
}

#[test]
fn idempotency_rules() {
    let strict = policy();
    let lenient = policy().retry_non_idempotent(true);
    for p in [&strict, &lenient] {
        assert!(!p.allows(Retryable::No, true));
        assert!(!p.allows(Retryable::No, false));
        assert!(p.allows(Retryable::Unprocessed, true));
        assert!(p.allows(Retryable::Unprocessed, false), "429 and connect failures: whatever the method");
        assert!(p.allows(Retryable::MaybeProcessed, true));
    }
    assert!(!strict.allows(Retryable::MaybeProcessed, false));
    assert!(lenient.allows(Retryable::MaybeProcessed, false));
}

#[test]
fn retryable_statuses() {
    assert_eq!(status_retryability(429), Retryable::Unprocessed);
    for status in [502, 503, 504] {
        assert_eq!(status_retryability(status), Retryable::MaybeProcessed);
    }
    for status in [200, 400, 401, 403, 404, 409, 500, 501, 505] {
        assert_eq!(status_retryability(status), Retryable::No, "{status}");
    }
}

fn api_error(status: u16) -> Error {
    crate::runtime::error::ApiFailure::new("op", status, &HeaderMap::new(), b"").into()
}

fn token_endpoint(status: u16) -> Error {
    AuthError::TokenEndpoint { status, body: String::new(), error: None }.into()
}

/// The error of a request to a local port nobody listens on.
async fn refused() -> reqwest::Error {
    let listener = std::net::TcpListener::bind(REFUSED_HOST).unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    reqwest::Client::new().get(format!("http://127.0.0.2:{port}/")).send().await.unwrap_err()
}

#[tokio::test]
async fn errors_are_classified() {
    assert_eq!(retryability(&api_error(429)), Retryable::Unprocessed);
    assert_eq!(retryability(&api_error(503)), Retryable::MaybeProcessed);
    assert_eq!(retryability(&api_error(500)), Retryable::No);
    assert_eq!(retryability(&api_error(404)), Retryable::No);
    assert_eq!(retryability(&Error::Timeout { operation: "op" }), Retryable::MaybeProcessed);
    let decode = Error::Decode { operation: "op", status: 200, path: ".".to_owned(), message: String::new() };
    assert_eq!(retryability(&decode), Retryable::No);
    assert_eq!(retryability(&Error::Config(String::new())), Retryable::No);

    let connect = Error::from_reqwest("op", refused().await);
    assert!(matches!(connect, Error::Connect { .. }), "{connect:?}");
    assert_eq!(retryability(&connect), Retryable::Unprocessed);
    let builder = reqwest::Client::new().get("not a url").send().await.unwrap_err();
    let builder = Error::from_reqwest("op", builder);
    assert!(matches!(builder, Error::Transport { .. }), "{builder:?}");
    assert_eq!(retryability(&builder), Retryable::No, "a request that cannot be built never will be");

    for status in [429, 502, 503, 504] {
        assert_eq!(retryability(&token_endpoint(status)), Retryable::Unprocessed, "{status}");
    }
    for status in [400, 401, 403, 500] {
        assert_eq!(retryability(&token_endpoint(status)), Retryable::No, "{status}");
    }
    let unreachable: Error = AuthError::TokenTransport { source: refused().await }.into();
    assert_eq!(retryability(&unreachable), Retryable::Unprocessed);
    let unusable: Error = AuthError::TokenResponse { message: String::new() }.into();
    assert_eq!(retryability(&unusable), Retryable::No);
    let rejected: Error = AuthError::Rejected { operation: "op", status: 401, body: String::new(), error: None }.into();
    assert_eq!(retryability(&rejected), Retryable::No);
}

#[test]
fn retry_after_parsing() {
    let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
    assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), Some(Duration::from_secs(30)));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-5", now), None);
    assert_eq!(parse_retry_after("1.5", now), None);
    assert_eq!(parse_retry_after("", now), None);
    assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::from_secs(u64::MAX)));
}

#[test]
fn retry_after_from_header_map() {
    let mut headers = HeaderMap::new();
    assert_eq!(retry_after_from_headers(&headers), None);
    headers.insert(RETRY_AFTER, "5".parse().unwrap());
    assert_eq!(retry_after_from_headers(&headers), Some(Duration::from_secs(5)));
}
