//! Encoding of the request pieces beyond path segments and JSON bodies: header parameters and
//! non-JSON bodies (form-urlencoded, raw bytes, plain text).

use reqwest::header::HeaderValue;
use serde::Serialize;

use crate::runtime::{Error, RequestBody};

/// A header parameter as `(name, value)`; a value that cannot travel in a header (a line break, a
/// control character) is refused before anything is sent.
#[allow(dead_code)] // Used by the generated operations of specs with header parameters.
pub(crate) fn header(
    operation: &'static str,
    name: &'static str,
    value: &str,
) -> Result<(&'static str, HeaderValue), Error> {
    let value = HeaderValue::from_str(value).map_err(|_| Error::Encode {
        operation,
        message: format!("the `{name}` header parameter is not a valid HTTP header value"),
    })?;
    Ok((name, value))
}

#[allow(dead_code)] // Used by the generated operations of specs with non-JSON request bodies.
impl RequestBody {
    /// An `application/x-www-form-urlencoded` body of a flat struct.
    pub(crate) fn form<T: Serialize>(
        operation: &'static str,
        content_type: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        let text =
            serde_urlencoded::to_string(value).map_err(|e| Error::Encode { operation, message: e.to_string() })?;
        Ok(Self { content_type, bytes: text.into_bytes() })
    }

    /// A body sent as given (`application/octet-stream`, `text/plain`, ...).
    pub(crate) fn raw(content_type: &'static str, bytes: impl Into<Vec<u8>>) -> Self {
        Self { content_type, bytes: bytes.into() }
    }
}

#[cfg(test)]
#[path = "tests/params.rs"]
mod tests;
