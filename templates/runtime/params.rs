//! Encoding of the request pieces beyond path segments and JSON bodies: header parameters and
//! non-JSON bodies (form-urlencoded, raw bytes, plain text).

use bytes::Bytes;
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

/// The texts of a parameter whose type is a union (a `oneOf` of strings, numbers, arrays, ...), which
/// has no `Display`: its JSON form with strings unquoted, one text per item of an array.
#[allow(dead_code)] // Used by the generated operations of specs with union-typed parameters.
pub(crate) fn texts<T: Serialize>(
    operation: &'static str,
    name: &'static str,
    value: &T,
) -> Result<Vec<String>, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::Encode { operation, message: format!("the `{name}` parameter cannot be encoded: {e}") })?;
    let text = |value: serde_json::Value| match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    };
    Ok(match value {
        serde_json::Value::Array(items) => items.into_iter().map(text).collect(),
        other => vec![text(other)],
    })
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
        Ok(Self::Bytes { content_type, bytes: text.into() })
    }

    /// A body sent as given (`application/octet-stream`, `image/png`, `text/plain`, ...).
    pub(crate) fn raw(content_type: &'static str, bytes: impl Into<Bytes>) -> Self {
        Self::Bytes { content_type, bytes: bytes.into() }
    }
}

#[cfg(test)]
#[path = "tests/params.rs"]
mod tests;
