//! When and how long to wait before retrying a request.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::runtime::error::{AuthError, Error};

/// How the client retries failed requests.
///
/// Which failures are retried:
///
/// * **Always** (whatever the HTTP method), because the Atlas API did not process the request: a 429
///   Too Many Requests answer, a connection that could not be opened (nothing was sent), and a
///   transient failure of the OAuth2 token endpoint (it answered 429, 502, 503 or 504, or could not be
///   reached in time): the token is fetched before the API request is sent, or after the API refused
///   the request with 401.
/// * **Only for idempotent operations** (GET, HEAD, PUT, DELETE), unless
///   [`RetryPolicy::retry_non_idempotent`] is set, because the request may have been processed: a 502,
///   503 or 504 answer, an attempt that timed out (even while connecting), and any other transport
///   failure (for example a connection reset while the response was read).
///
/// Between attempts the client waits an exponential backoff with full jitter (a random wait between
/// zero and `min(max_backoff, initial_backoff * 2^(retry - 1))`), or exactly the wait the server asks
/// for in a `Retry-After` header. When that wait is longer than `max_backoff`, or would end after
/// `max_elapsed` since the first attempt, the client does not retry and returns the error at once;
/// [`Error::retry_after`](crate::Error::retry_after) tells how long the server asked to wait. The
/// client also gives up when `max_attempts` attempts have been made, or when the next backoff would
/// end after `max_elapsed`; the error of the last attempt is returned then.
///
/// `max_elapsed` bounds when a retry may start: a wait is only started if it ends within the budget.
/// Each HTTP request of an attempt is bounded separately by the client's per-attempt timeout
/// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)), so a call can run past `max_elapsed`
/// by at most the duration of its last attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total number of attempts, the first included (default 4: one try and three retries).
    pub max_attempts: u32,
    /// Upper bound of the first backoff (default 500 ms).
    pub initial_backoff: Duration,
    /// Upper bound of any single wait (default 30 s); a longer `Retry-After` ends the retries.
    pub max_backoff: Duration,
    /// Time budget of all attempts and waits of one call (default 2 minutes): no wait is started that
    /// would end after it.
    pub max_elapsed: Duration,
    /// Also retry non-idempotent requests (POST, PATCH) after failures that may have been processed
    /// (502, 503, 504, timeouts, transport errors); default `false`. 429 answers and connection
    /// failures are retried either way.
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

    /// Sets the upper bound of any single wait; a longer `Retry-After` ends the retries.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the time budget of all attempts and waits of one call.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Whether to retry non-idempotent requests (POST, PATCH) after failures that may have been
    /// processed (502, 503, 504, timeouts, transport errors). 429 answers and connection failures are
    /// retried either way.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Whether a failure of this kind may be retried under this policy, for an idempotent request or not.
    pub(crate) fn allows(&self, kind: Retryable, idempotent: bool) -> bool {
        match kind {
            Retryable::No => false,
            Retryable::Unprocessed => true,
            Retryable::MaybeProcessed => idempotent || self.retry_non_idempotent,
        }
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
            // The server knows best: waiting less would most likely fail again, so a wait that is too
            // long ends the retries and the caller sees the error with its `Retry-After`.
            Some(wait) => {
                if wait > self.max_backoff || wait > remaining {
                    return None;
                }
                wait
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

/// Whether a failed attempt is worth retrying, and whether the request may have been processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// Not transient (a client error, a decode failure, rejected credentials...): never retried.
    No,
    /// The Atlas API did not process the request (429, no connection, token endpoint failure):
    /// retried whatever the method.
    Unprocessed,
    /// The request may have been processed (502, 503, 504, timeout, transport failure): retried only
    /// when the request is idempotent or the policy allows non-idempotent retries.
    MaybeProcessed,
}

/// How an HTTP status of the Atlas API is retried: 429 always, 502, 503 and 504 when idempotent.
pub(crate) fn status_retryability(status: u16) -> Retryable {
    match status {
        429 => Retryable::Unprocessed,
        502..=504 => Retryable::MaybeProcessed,
        _ => Retryable::No,
    }
}

/// How a failed attempt of one call is retried; see [`RetryPolicy`].
pub(crate) fn retryability(error: &Error) -> Retryable {
    match error {
        Error::Api(failure) => status_retryability(failure.status),
        Error::Connect { .. } => Retryable::Unprocessed,
        Error::Timeout { .. } => Retryable::MaybeProcessed,
        // Builder and redirect-policy errors are not transient; anything else (a reset, a truncated
        // body) may be.
        Error::Transport { source, .. } if source.is_builder() || source.is_redirect() => Retryable::No,
        Error::Transport { .. } => Retryable::MaybeProcessed,
        // A token is fetched before the API request is sent, or after the API refused it with 401:
        // either way the API has not processed it.
        Error::Auth(AuthError::TokenEndpoint { status: 429 | 502..=504, .. }) => Retryable::Unprocessed,
        Error::Auth(AuthError::TokenTransport { source }) if source.is_connect() || source.is_timeout() => {
            Retryable::Unprocessed
        }
        _ => Retryable::No,
    }
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
