//! The one error type every call of the client returns.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::runtime::client::RateLimit;
use crate::runtime::paginate::PaginationError;
use crate::runtime::validate::ValidationError;

/// How many bytes of an unsuccessful response body [`ApiFailure::body`] keeps.
pub(crate) const MAX_ERROR_BODY_BYTES: usize = 4096;

/// Everything that can go wrong when calling the Atlas Administration API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request parameter or body failed the constraints of the API description before anything was sent.
    #[error("invalid request: {0}")]
    Validation(ValidationError),

    /// An attempt ran out of time ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout), which
    /// applies to each attempt) and was not retried, or was the last one.
    ///
    /// Retrying never produces this error by itself: the total time of a call is bounded by
    /// [`RetryPolicy::max_elapsed`](crate::RetryPolicy::max_elapsed), and when that budget leaves no
    /// room for another wait the error of the last attempt is returned.
    #[error("{operation}: the request to the Atlas API timed out")]
    Timeout {
        /// Operation ID of the call, as in the API description (for example `getOrgApiKey`).
        operation: &'static str,
    },

    /// The client could not open a connection to the Atlas API.
    #[error("{operation}: could not connect to the Atlas API: {source}")]
    Connect {
        /// Operation ID of the call.
        operation: &'static str,
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },

    /// Any other transport-level failure (connection reset, invalid response, body read failure...).
    #[error("{operation}: transport error while calling the Atlas API: {}", transport_message(.source))]
    Transport {
        /// Operation ID of the call.
        operation: &'static str,
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },

    /// The Atlas API answered with a non-success HTTP status.
    #[error("{0}")]
    Api(Box<ApiFailure>),

    /// The request body could not be encoded as JSON (nothing was sent).
    #[error("{operation}: could not encode the request body: {message}")]
    Encode {
        /// Operation ID of the call.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },

    /// The Atlas API answered with a success status, but the body did not match the expected type.
    #[error("{operation}: could not decode the HTTP {status} response body at `{path}`: {message}")]
    Decode {
        /// Operation ID of the call.
        operation: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// JSON path of the field that failed to decode (`.` for the document root).
        path: String,
        /// What went wrong.
        message: String,
    },

    /// The response body was larger than [`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body)
    /// allows; it was not read further. Not retried: the same request would get the same answer.
    #[error("{operation}: the HTTP {status} response body is larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// Operation ID of the call.
        operation: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes that the body exceeded.
        limit: usize,
    },

    /// Authentication failed (Digest challenge, OAuth2 token endpoint, rejected credentials).
    #[error("authentication with the Atlas API failed: {0}")]
    Auth(#[from] AuthError),

    /// The client was configured incorrectly (bad base URL, missing environment variables...).
    #[error("invalid Atlas client configuration: {0}")]
    Config(String),

    /// Walking through the pages of a list operation failed.
    #[error("pagination failed: {0}")]
    Pagination(#[from] PaginationError),
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Validation(error)
    }
}

impl From<ApiFailure> for Error {
    fn from(failure: ApiFailure) -> Self {
        Error::Api(Box::new(failure))
    }
}

impl Error {
    /// The HTTP status of the response that caused this error, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(failure) => Some(failure.status),
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Auth(AuthError::Rejected { status, .. } | AuthError::TokenEndpoint { status, .. }) => Some(*status),
            _ => None,
        }
    }

    /// Whether the credentials were refused (HTTP 401), however that surfaced: an API answer to a
    /// bearer or OAuth2 token ([`Error::Api`]), a Digest answer rejected after a fresh challenge
    /// ([`AuthError::Rejected`]) or the OAuth2 token endpoint refusing the client credentials
    /// ([`AuthError::TokenEndpoint`]). [`Error::status`] and [`Error::api_error`] work for all three.
    pub fn is_unauthorized(&self) -> bool {
        match self {
            Error::Api(_) | Error::Auth(AuthError::Rejected { .. } | AuthError::TokenEndpoint { .. }) => {
                self.status() == Some(401)
            }
            _ => false,
        }
    }

    /// The Atlas application error code (for example `RESOURCE_NOT_FOUND`), if the API sent one.
    pub fn error_code(&self) -> Option<&str> {
        self.api_error().and_then(|error| error.error_code.as_deref())
    }

    /// The Atlas error document of the response, when the body was a JSON object: for an
    /// [`Error::Api`], and for a rejected Digest answer or token request ([`Error::Auth`]).
    pub fn api_error(&self) -> Option<&AtlasError> {
        match self {
            Error::Api(failure) => failure.error.as_ref(),
            Error::Auth(AuthError::Rejected { error, .. } | AuthError::TokenEndpoint { error, .. }) => error.as_deref(),
            _ => None,
        }
    }

    /// The details of an unsuccessful HTTP response, if this error is one.
    pub fn api_failure(&self) -> Option<&ApiFailure> {
        match self {
            Error::Api(failure) => Some(failure),
            _ => None,
        }
    }

    /// Whether the API answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api(failure) if failure.status == 404)
    }

    /// Whether the API answered 429 Too Many Requests or the error code `RATE_LIMITED`.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Api(failure) => failure.status == 429 || self.error_code() == Some("RATE_LIMITED"),
            _ => false,
        }
    }

    /// Whether an attempt of the request timed out (see [`Error::Timeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The wait the server asked for in a `Retry-After` header, if any.
    ///
    /// When it is longer than the retry policy allows ([`RetryPolicy::max_backoff`], or what remains
    /// of [`RetryPolicy::max_elapsed`]), the client returns the error at once instead of waiting: wait
    /// this long before calling again.
    ///
    /// [`RetryPolicy::max_backoff`]: crate::RetryPolicy::max_backoff
    /// [`RetryPolicy::max_elapsed`]: crate::RetryPolicy::max_elapsed
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(failure) => failure.retry_after,
            _ => None,
        }
    }

    /// The operation ID (as in the API description) of the call that failed, when known.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Timeout { operation }
            | Error::Connect { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Encode { operation, .. }
            | Error::Decode { operation, .. } => Some(operation),
            Error::Validation(error) => error.operation(),
            Error::Api(failure) => Some(failure.operation),
            Error::Auth(error) => error.operation(),
            _ => None,
        }
    }

    /// Classifies a `reqwest` error of one call.
    pub(crate) fn from_reqwest(operation: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Error::Timeout { operation }
        } else if source.is_connect() {
            Error::Connect { operation, source }
        } else {
            Error::Transport { operation, source }
        }
    }
}

/// What went wrong on the wire, in words a caller can act on: reqwest's message, with the innermost
/// cause it leaves out (a reset, an early end of the stream). A body that stopped halfway is said so:
/// reqwest calls that "error decoding response body", though the client decodes bodies itself and
/// nothing had been decoded yet.
fn transport_message(source: &reqwest::Error) -> String {
    let head = if source.is_decode() || source.is_body() {
        "the connection failed while the response body was read".to_owned()
    } else {
        source.to_string()
    };
    let mut cause: &dyn std::error::Error = source;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let root = cause.to_string();
    if root == source.to_string() {
        head
    } else {
        format!("{head} ({root})")
    }
}

/// An unsuccessful (non-2xx) HTTP response of the Atlas API.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiFailure {
    /// HTTP status code.
    pub status: u16,
    /// Operation ID of the call, as in the API description (for example `getOrgApiKey`).
    pub operation: &'static str,
    /// Atlas' error document, when the body is a JSON object (its fields are read when present).
    pub error: Option<AtlasError>,
    /// The raw response body, truncated to 4 KiB.
    pub body: String,
    /// The wait the server asked for in a `Retry-After` header.
    pub retry_after: Option<Duration>,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
    /// Every header of the response.
    pub headers: HeaderMap,
}

impl ApiFailure {
    /// Builds the failure from a response; the error document is decoded leniently.
    pub(crate) fn new(operation: &'static str, status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> Self {
        ApiFailure {
            status,
            operation,
            error: AtlasError::from_body(body),
            body: truncate_body(body),
            retry_after: crate::runtime::retry::retry_after_from_headers(headers),
            rate_limit: RateLimit::from_headers(headers),
            headers: headers.clone(),
        }
    }
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the Atlas API answered HTTP {}", self.operation, self.status)?;
        f.write_str(&error_suffix(self.error.as_ref(), &self.body))?;
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {} s)", wait.as_secs())?;
        }
        Ok(())
    }
}

/// Why authentication failed. Never contains a private key, client secret or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The API answered 401 without a usable `WWW-Authenticate: Digest` challenge.
    #[error("{operation}: HTTP 401 without a Digest challenge in WWW-Authenticate")]
    MissingChallenge {
        /// Operation ID of the call.
        operation: &'static str,
    },

    /// The Digest challenge could not be parsed or answered.
    #[error("{operation}: unusable Digest challenge: {message}")]
    InvalidChallenge {
        /// Operation ID of the call.
        operation: &'static str,
        /// What is wrong with it.
        message: String,
    },

    /// The API still answered 401 to a Digest answer to a fresh challenge.
    #[error("{operation}: the Atlas API rejected the credentials (HTTP {status}){}", error_suffix(error.as_deref(), body))]
    Rejected {
        /// Operation ID of the call.
        operation: &'static str,
        /// HTTP status (401).
        status: u16,
        /// The response body, truncated to 4 KiB.
        body: String,
        /// Atlas' error document, when the body is a JSON object.
        error: Option<Box<AtlasError>>,
    },

    /// The OAuth2 token endpoint answered with a non-success status.
    ///
    /// 429, 502, 503 and 504 are retried under the client's [`RetryPolicy`](crate::RetryPolicy), for
    /// any operation (the Atlas API has not processed the request).
    #[error("the OAuth2 token endpoint answered HTTP {status}{}", error_suffix(error.as_deref(), body))]
    TokenEndpoint {
        /// HTTP status of the token endpoint response.
        status: u16,
        /// The response body, truncated to 4 KiB.
        body: String,
        /// The error document, when the body is a JSON object (Atlas' shape; an OAuth2
        /// `{"error": "invalid_client"}` keeps only its raw `body`).
        error: Option<Box<AtlasError>>,
    },

    /// The OAuth2 token endpoint answered with something that is not a token response.
    #[error("the OAuth2 token endpoint sent an unusable response: {message}")]
    TokenResponse {
        /// What is wrong with it.
        message: String,
    },

    /// The OAuth2 token endpoint could not be reached.
    ///
    /// Connection failures and timeouts are retried under the client's
    /// [`RetryPolicy`](crate::RetryPolicy), for any operation (the Atlas API has not processed the
    /// request).
    #[error("could not reach the OAuth2 token endpoint: {source}")]
    TokenTransport {
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },

    /// The credentials cannot be put in an HTTP header (for example they contain a line break).
    #[error("the credentials cannot be sent in an HTTP header: {message}")]
    InvalidCredentials {
        /// What is wrong with them (never the credentials themselves).
        message: String,
    },
}

impl AuthError {
    /// The operation ID of the call, when the failure belongs to one.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            AuthError::MissingChallenge { operation }
            | AuthError::InvalidChallenge { operation, .. }
            | AuthError::Rejected { operation, .. } => Some(operation),
            _ => None,
        }
    }
}

/// What an error message shows of a response: the Atlas error code and detail (or reason) when the
/// body has them, else the start of the raw body.
fn error_suffix(error: Option<&AtlasError>, body: &str) -> String {
    let mut out = String::new();
    if let Some(error) = error {
        if let Some(code) = &error.error_code {
            out.push(' ');
            out.push_str(code);
        }
        if let Some(text) = error.detail.as_ref().or(error.reason.as_ref()) {
            out.push_str(": ");
            out.push_str(text);
        }
        if !out.is_empty() {
            return out;
        }
    }
    let trimmed = body.trim();
    if !trimmed.is_empty() {
        let short: String = trimmed.chars().take(200).collect();
        let ellipsis = if short.len() < trimmed.len() { "…" } else { "" };
        out = format!(": {short}{ellipsis}");
    }
    out
}

/// Atlas' error document (`{"error": 404, "errorCode": "RESOURCE_NOT_FOUND", "detail": ...}`), read
/// by the runtime itself so that it works with any API description.
///
/// Every field is optional and read only when present with the documented JSON type: a body that
/// leaves a field out, sets it to `null` or gives it another type still decodes, and the raw body is
/// always kept in [`ApiFailure::body`] (or the `body` of the [`AuthError`]).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct AtlasError {
    /// `error`: the HTTP status code the API reported in the body.
    pub error: Option<u16>,
    /// `errorCode`: the application error code, for example `RESOURCE_NOT_FOUND`.
    pub error_code: Option<String>,
    /// `detail`: what went wrong, in words.
    pub detail: Option<String>,
    /// `reason`: the application error message.
    pub reason: Option<String>,
    /// `parameters`: values that give more information about the error.
    pub parameters: Vec<Value>,
    /// `badRequestDetail.fields`: the fields of the request the API rejected, and why.
    pub field_violations: Vec<AtlasFieldViolation>,
}

/// One entry of `badRequestDetail.fields` in an [`AtlasError`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AtlasFieldViolation {
    /// `field`: the path to the field in the request body.
    pub field: Option<String>,
    /// `description`: why the value was rejected.
    pub description: Option<String>,
}

impl AtlasError {
    /// Reads the error document of a response body; `None` when the body is not a JSON object.
    pub fn from_body(body: &[u8]) -> Option<Self> {
        match serde_json::from_slice::<Value>(body).ok()? {
            Value::Object(object) => Some(Self::from_object(&object)),
            _ => None,
        }
    }

    fn from_object(object: &serde_json::Map<String, Value>) -> Self {
        let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
        let field_violations = object
            .get("badRequestDetail")
            .and_then(|detail| detail.get("fields"))
            .and_then(Value::as_array)
            .map(|fields| {
                fields
                    .iter()
                    .map(|violation| AtlasFieldViolation {
                        field: violation.get("field").and_then(Value::as_str).map(str::to_owned),
                        description: violation.get("description").and_then(Value::as_str).map(str::to_owned),
                    })
                    .collect()
            })
            .unwrap_or_default();
        AtlasError {
            error: object.get("error").and_then(Value::as_u64).and_then(|n| u16::try_from(n).ok()),
            error_code: text("errorCode"),
            detail: text("detail"),
            reason: text("reason"),
            parameters: object.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default(),
            field_violations,
        }
    }
}

/// Keeps at most [`MAX_ERROR_BODY_BYTES`] of a body, as (lossy) UTF-8.
pub(crate) fn truncate_body(body: &[u8]) -> String {
    if body.len() <= MAX_ERROR_BODY_BYTES {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut text = String::from_utf8_lossy(&body[..MAX_ERROR_BODY_BYTES]).into_owned();
    // A multi-byte character cut in half becomes U+FFFD; drop it.
    if text.ends_with('\u{FFFD}') {
        text.pop();
    }
    text.push_str("…[truncated]");
    text
}

#[cfg(test)]
#[path = "tests/error.rs"]
mod tests;
