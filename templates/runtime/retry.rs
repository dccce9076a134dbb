//! When and how long to wait before retrying a request.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How the client retries failed requests.
///
/// A request is retried when the API answers 429, 502, 503 or 504, when the connection cannot be
/// opened, or when an attempt times out, and only when the operation is idempotent (GET, HEAD, PUT,
/// DELETE) unless [`RetryPolicy::retry_non_idempotent`] is set. Between attempts the client waits an
/// exponential backoff with full jitter (a random wait between zero and
/// `min(max_backoff, initial_backoff * 2^(retry - 1))`), or the wait the server asks for in a
/// `Retry-After` header (capped at `max_backoff`). It gives up when `max_attempts` attempts have been
/// made, or when the next wait would end after `max_elapsed` since the first attempt; the error of the
/// last attempt is returned then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total number of attempts, the first included (default 4: one try and three retries).
    pub max_attempts: u32,
    /// Upper bound of the first backoff (default 500 ms).
    pub initial_backoff: Duration,
    /// Upper bound of any single wait (default 30 s).
    pub max_backoff: Duration,
    /// Time budget of all attempts and waits of one call (default 2 minutes).
    pub max_elapsed: Duration,
    /// Also retry non-idempotent requests (POST, PATCH); default `false`.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Sets the total number of attempts, the first included (`0` is treated as `1`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the upper bound of the first backoff.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the upper bound of any single wait.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the time budget of all attempts and waits of one call.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Whether to retry non-idempotent requests (POST, PATCH) too.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Whether a request may be retried at all under this policy.
    pub(crate) fn allows(&self, idempotent: bool) -> bool {
        idempotent || self.retry_non_idempotent
    }

    /// The wait before the next attempt, or `None` to give up.
    ///
    /// * `attempts_made`: attempts already made (1 after the first one).
    /// * `retry_after`: the server's `Retry-After`, if any.
    /// * `elapsed`: time since the first attempt started.
    /// * `jitter`: a random number in `[0, 1)`.
    pub(crate) fn next_delay(
        &self,
        attempts_made: u32,
        retry_after: Option<Duration>,
        elapsed: Duration,
        jitter: f64,
    ) -> Option<Duration> {
        if attempts_made >= self.max_attempts.max(1) {
            return None;
        }
        let remaining = self.max_elapsed.checked_sub(elapsed)?;
        let delay = match retry_after {
            Some(wait) => {
                if wait > remaining {
                    return None;
                }
                wait.min(self.max_backoff)
            }
            None => {
                let exponent = attempts_made.saturating_sub(1).min(31);
                let ceiling = self
                    .initial_backoff
                    .checked_mul(1u32 << exponent)
                    .unwrap_or(self.max_backoff)
                    .min(self.max_backoff);
                let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
                // `as` saturates, so this never panics (unlike `Duration::mul_f64`).
                Duration::from_nanos((ceiling.as_nanos() as f64 * jitter) as u64)
            }
        };
        if delay > remaining {
            return None;
        }
        Some(delay)
    }
}

/// Whether an HTTP status is worth retrying (429, 502, 503, 504).
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP-date (a date in the past means no wait).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings overflow u64: treat them as "a very long time".
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The `Retry-After` of a response, if present and understandable.
pub(crate) fn retry_after_from_headers(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
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
}
