//! Encoding of the request pieces beyond path segments and JSON bodies: header parameters, object
//! and JSON-encoded parameters, and non-JSON bodies (form-urlencoded, raw bytes, plain text).
//!
//! An object parameter is spelled from its JSON form, by OpenAPI's `style` and `explode`: properties
//! in key order (whatever order serde_json's features keep), `null` properties left out, strings
//! unquoted, numbers and booleans as JSON writes them. Percent-encoding is the URL's business.

use std::borrow::Cow;
use std::fmt::Display;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use serde::Serialize;
use serde_json::{Map, Value};

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

/// Adds an optional query parameter to `query` when it is set, as its `Display` text (a string as it
/// is, numbers and booleans as Rust writes them, enums as their wire value).
#[allow(dead_code)] // Used by the generated operations of specs with optional query parameters.
pub(crate) fn push<T: Display>(query: &mut Vec<(Cow<'static, str>, String)>, name: &'static str, value: &Option<T>) {
    if let Some(value) = value {
        query.push((Cow::Borrowed(name), value.to_string()));
    }
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

/// One query pair: the spec's name, or one made from an object's keys (`metadata[plan]`).
pub(crate) type QueryPair = (Cow<'static, str>, String);

/// A parameter's JSON form.
fn json_value<T: Serialize + ?Sized>(operation: &'static str, name: &'static str, value: &T) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|e| Error::Encode { operation, message: format!("the `{name}` parameter cannot be encoded: {e}") })
}

/// A parameter described with `content: application/json`: its JSON text.
#[allow(dead_code)] // Used by the generated operations of specs with JSON-encoded parameters.
pub(crate) fn json<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: &T,
) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::Encode { operation, message: format!("the `{name}` parameter cannot be encoded: {e}") })
}

/// An object's properties in key order, without the `null` ones (nothing can say `null` here).
fn properties(map: Map<String, Value>) -> Vec<(String, Value)> {
    let mut properties: Vec<(String, Value)> = map.into_iter().filter(|(_, value)| !value.is_null()).collect();
    properties.sort_by(|a, b| a.0.cmp(&b.0));
    properties
}

/// The text of one value: a string unquoted, a number or boolean as JSON writes it, an array's items
/// joined by `separator`, an object (which the style gives no spelling) as its JSON text.
fn text(value: Value, separator: &str) -> String {
    match value {
        Value::String(text) => text,
        Value::Array(items) => items
            .into_iter()
            .filter(|item| !item.is_null())
            .map(|item| text(item, separator))
            .collect::<Vec<_>>()
            .join(separator),
        Value::Object(_) => Sorted(&value).to_string(),
        other => other.to_string(),
    }
}

/// A JSON value written with every object's keys in order, whatever order serde_json's features
/// keep, so the same value always gives the same text.
struct Sorted<'a>(&'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    out.serialize_entry(key, &Sorted(value))?;
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Sorted(item))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

impl std::fmt::Display for Sorted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

/// A query object with `style: form, explode: true`: each property its own pair (`limit=10&offset=5`),
/// an array property one pair per item. A value that is not an object travels under the
/// parameter's own name.
#[allow(dead_code)] // Used by the generated operations of specs with object query parameters.
pub(crate) fn form_exploded<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: &T,
) -> Result<Vec<QueryPair>, Error> {
    let mut pairs = Vec::new();
    let mut push = |key: Cow<'static, str>, value: Value| match value {
        Value::Null => {}
        Value::Array(items) => {
            pairs.extend(items.into_iter().filter(|item| !item.is_null()).map(|item| (key.clone(), text(item, ","))))
        }
        other => pairs.push((key, text(other, ","))),
    };
    match json_value(operation, name, value)? {
        Value::Object(map) => {
            for (key, value) in properties(map) {
                push(Cow::Owned(key), value);
            }
        }
        other => push(Cow::Borrowed(name), other),
    }
    Ok(pairs)
}

/// A query object not exploded (`style: form, explode: false`, or a delimited style): one pair,
/// keys and values joined by `separator` (`color=R,100,G,200`); nothing for an empty object.
#[allow(dead_code)] // Used by the generated operations of specs with object query parameters.
pub(crate) fn joined<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    separator: &str,
    value: &T,
) -> Result<Vec<QueryPair>, Error> {
    let parts: Vec<String> = match json_value(operation, name, value)? {
        Value::Object(map) => {
            properties(map).into_iter().flat_map(|(key, value)| [key, text(value, separator)]).collect()
        }
        Value::Null => Vec::new(),
        other => vec![text(other, separator)],
    };
    Ok(if parts.is_empty() { Vec::new() } else { vec![(Cow::Borrowed(name), parts.join(separator))] })
}

/// A query object with `style: deepObject`: `name[key]=value`, nested objects `name[a][b]=value`,
/// arrays of scalars `name[key][]=value` once per item, arrays of objects or arrays by index
/// (`name[key][0][a]=value`): the bracket convention of Rails, PHP and `qs`, which the spec leaves
/// undefined beyond one level.
#[allow(dead_code)] // Used by the generated operations of specs with deepObject query parameters.
pub(crate) fn deep_object<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    value: &T,
) -> Result<Vec<QueryPair>, Error> {
    let value = json_value(operation, name, value)?;
    // An array whose name already says `[]` (`items[]`) indexes from the bare name.
    let base = match &value {
        Value::Array(_) => name.strip_suffix("[]").unwrap_or(name),
        _ => name,
    };
    let mut pairs = Vec::new();
    deep(Cow::Borrowed(base), value, &mut pairs);
    Ok(pairs)
}

fn deep(key: Cow<'static, str>, value: Value, pairs: &mut Vec<QueryPair>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (name, value) in properties(map) {
                deep(Cow::Owned(format!("{key}[{name}]")), value, pairs);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                let key =
                    if item.is_object() || item.is_array() { format!("{key}[{index}]") } else { format!("{key}[]") };
                deep(Cow::Owned(key), item, pairs);
            }
        }
        other => pairs.push((key, text(other, ","))),
    }
}

/// A header object (`style: simple`): `k1,v1,k2,v2`, or `k1=v1,k2=v2` exploded; `None` when there is
/// nothing to send (an empty object).
#[allow(dead_code)] // Used by the generated operations of specs with object header parameters.
pub(crate) fn simple<T: Serialize + ?Sized>(
    operation: &'static str,
    name: &'static str,
    explode: bool,
    value: &T,
) -> Result<Option<String>, Error> {
    let parts: Vec<String> = match json_value(operation, name, value)? {
        Value::Object(map) => properties(map)
            .into_iter()
            .map(|(key, value)| {
                let value = text(value, ",");
                if explode {
                    format!("{key}={value}")
                } else {
                    format!("{key},{value}")
                }
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![text(other, ",")],
    };
    Ok(if parts.is_empty() { None } else { Some(parts.join(",")) })
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
