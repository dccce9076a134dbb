//! Encoding of request pieces: path segments and JSON bodies.

use std::fmt::Display;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::Serialize;

use crate::runtime::validate;
use crate::runtime::{Error, RequestBody};

/// Characters escaped in a path segment: everything but RFC 3986 unreserved characters and the
/// sub-delimiters that are safe inside a segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// One path parameter of `operation` (named by `pointer`, such as `/path/orgId`), percent-encoded so
/// that it stays one segment whatever it contains; empty, `.` and `..` are refused, since URL parsers
/// would collapse or resolve them (even percent-encoded) and the request would reach another resource.
/// The value is taken by its `Display` text (strings as they are, numbers, enums' wire values, uuids).
pub(crate) fn path_segment(
    operation: &'static str,
    pointer: &str,
    value: &(impl Display + ?Sized),
) -> Result<String, Error> {
    let value = value.to_string();
    validate::path_segment(pointer, &value).map_err(|e| e.in_operation(operation))?;
    Ok(utf8_percent_encode(&value, SEGMENT).to_string())
}

impl RequestBody {
    /// A JSON body of media type `content_type`.
    pub(crate) fn json<T: Serialize>(
        operation: &'static str,
        content_type: &'static str,
        value: &T,
    ) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::Encode { operation, message: e.to_string() })?;
        Ok(Self::Bytes { content_type, bytes: bytes.into() })
    }
}

#[cfg(test)]
#[path = "tests/wire.rs"]
mod tests;
