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
#[path = "tests/retry.rs"]
mod tests;
