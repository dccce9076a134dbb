//! Unit tests of `retry.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

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
fn retry_after_is_honoured_and_capped() {
    let p = policy();
    assert_eq!(p.next_delay(1, Some(Duration::from_secs(3)), Duration::ZERO, 0.0), Some(Duration::from_secs(3)));
    // Longer than max_backoff but within the budget: wait max_backoff.
    assert_eq!(p.next_delay(1, Some(Duration::from_secs(90)), Duration::ZERO, 0.0), Some(Duration::from_secs(30)));
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
    assert!(policy().allows(true));
    assert!(!policy().allows(false));
    assert!(policy().retry_non_idempotent(true).allows(false));
}

#[test]
fn retryable_statuses() {
    for status in [429, 502, 503, 504] {
        assert!(is_retryable_status(status));
    }
    for status in [200, 400, 401, 403, 404, 409, 500, 501] {
        assert!(!is_retryable_status(status));
    }
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
