//! Bytes inside JSON: `format: byte` (base64, [`Base64Bytes`]) and `format: binary` (the string's
//! own bytes, [`BinaryString`]).
//!
//! A whole binary body (an upload, a download) or a multipart file part is not one of these: it
//! travels as raw bytes (`bytes::Bytes`, `multipart::File`).

use std::fmt;
use std::ops::Deref;

use base64::engine::general_purpose::{GeneralPurpose, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes that travel as a base64 string (`format: byte`), decoded.
///
/// Sent as standard base64 with padding (RFC 4648 section 4). Read from standard or URL-safe base64,
/// with or without padding; anything else is an error naming the field, since no bytes could be
/// made of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64Bytes(pub Vec<u8>);

impl Base64Bytes {
    /// Decodes base64 text as [`Base64Bytes`] reads it.
    pub fn decode(text: &str) -> Result<Self, base64::DecodeError> {
        const ENGINES: [GeneralPurpose; 3] = [STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD];
        let text = text.trim();
        let mut result = STANDARD.decode(text);
        for engine in ENGINES {
            if result.is_ok() {
                break;
            }
            result = engine.decode(text);
        }
        result.map(Self)
    }

    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl Deref for Base64Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Base64Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Base64Bytes {
    fn from(bytes: &[u8; N]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<Base64Bytes> for Vec<u8> {
    fn from(bytes: Base64Bytes) -> Self {
        bytes.0
    }
}

/// Standard base64 with padding: the wire form, in a query string too.
impl fmt::Display for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&STANDARD.encode(&self.0))
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::runtime::json_path::string_then(deserializer, "a base64 string", |text| {
            Self::decode(&text).map_err(|e| format!("invalid base64 ({e})"))
        })
    }
}

/// Bytes that travel as a JSON string of their own (`format: binary` inside a JSON document).
///
/// JSON strings hold text, so the bytes are the string's UTF-8 bytes: read as received, and sent as
/// text (bytes that are not UTF-8 are sent with `U+FFFD` in their place; use a `format: byte` field,
/// base64, for arbitrary bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BinaryString(pub Vec<u8>);

impl BinaryString {
    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl Deref for BinaryString {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for BinaryString {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for BinaryString {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for BinaryString {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for BinaryString {
    fn from(bytes: &[u8; N]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<String> for BinaryString {
    fn from(text: String) -> Self {
        Self(text.into_bytes())
    }
}

impl From<&str> for BinaryString {
    fn from(text: &str) -> Self {
        Self(text.as_bytes().to_vec())
    }
}

impl From<BinaryString> for Vec<u8> {
    fn from(bytes: BinaryString) -> Self {
        bytes.0
    }
}

/// The bytes as text (see the type's documentation for bytes that are not UTF-8).
impl fmt::Display for BinaryString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl Serialize for BinaryString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BinaryString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
#[path = "tests/binary.rs"]
mod tests;
