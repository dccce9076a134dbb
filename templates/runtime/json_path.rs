//! The JSON path of a response body that failed to decode (`roles[0].roleName`), read off the body
//! at the position serde_json reports.
//!
//! Why by hand: the client used to decode a failed body a second time through
//! `serde_path_to_error`, whose wrapping deserializer made the compiler instantiate the whole
//! `Deserialize` tree of every response type once more: 13 % of the LLVM IR of the whole-API client
//! (cargo llvm-lines, BENCHMARKS.md), and a dependency. serde_json already says where it stopped
//! (line and column, after the value it could not take, or after the `}` of an object that lacks a
//! field); walking the bytes up to there gives the keys and indexes of the containers that hold that
//! position ([`of_error`]: not generic, and run only when a decode has failed). The position is
//! right only for an error raised while serde_json reads the value; a type that fails after reading
//! its whole value (a union, a validated newtype, base64) converts inside the visitor instead, through
//! [`value_then`] or [`string_then`].
//!
//! The path is spelled as `serde_path_to_error` spells it: keys joined by `.`, indexes as `[n]`, `.`
//! for the document itself. A differential test against it is in the generator's client tests.

/// `convert` applied to a string the deserializer reads, inside its visitor: so that a failed
/// conversion (a validated newtype, base64) carries serde_json's position right after the string.
/// Converted after `String::deserialize` returned, its error would have no position until the
/// enclosing object ends, and [`of_error`] would name that object instead of the field.
#[allow(dead_code)] // Used only by specs with validated newtypes or base64 fields.
pub(crate) fn string_then<'de, D, T, E>(
    deserializer: D,
    expected: &'static str,
    convert: impl FnOnce(String) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    E: std::fmt::Display,
{
    struct Then<F>(F, &'static str);
    impl<'de, T, E: std::fmt::Display, F: FnOnce(String) -> Result<T, E>> serde::de::Visitor<'de> for Then<F> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.1)
        }
        fn visit_str<X: serde::de::Error>(self, text: &str) -> Result<T, X> {
            self.visit_string(text.to_owned())
        }
        fn visit_string<X: serde::de::Error>(self, text: String) -> Result<T, X> {
            (self.0)(text).map_err(X::custom)
        }
    }
    deserializer.deserialize_string(Then(convert, expected))
}

/// `decide` applied to any JSON value the deserializer reads, as a `serde_json::Value`, inside its
/// visitor (the unions of the models): its error carries the position right after the value, for
/// the reason [`string_then`] gives.
#[allow(dead_code)] // Used only by specs with unions.
pub(crate) fn value_then<'de, D, T>(
    deserializer: D,
    decide: impl FnOnce(serde_json::Value) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
    use serde::de::{Error, MapAccess, SeqAccess};
    use serde::Deserialize;
    use serde_json::Value;
    struct Then<F>(F);
    impl<F> Then<F> {
        fn decide<T, X: Error>(self, value: Value) -> Result<T, X>
        where
            F: FnOnce(Value) -> Result<T, String>,
        {
            (self.0)(value).map_err(X::custom)
        }
    }
    impl<'de, T, F: FnOnce(Value) -> Result<T, String>> serde::de::Visitor<'de> for Then<F> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<X: Error>(self, value: bool) -> Result<T, X> {
            self.decide(Value::Bool(value))
        }
        fn visit_i64<X: Error>(self, value: i64) -> Result<T, X> {
            self.decide(Value::from(value))
        }
        fn visit_u64<X: Error>(self, value: u64) -> Result<T, X> {
            self.decide(Value::from(value))
        }
        fn visit_f64<X: Error>(self, value: f64) -> Result<T, X> {
            self.decide(Value::from(value))
        }
        fn visit_str<X: Error>(self, value: &str) -> Result<T, X> {
            self.decide(Value::from(value))
        }
        fn visit_string<X: Error>(self, value: String) -> Result<T, X> {
            self.decide(Value::from(value))
        }
        fn visit_unit<X: Error>(self) -> Result<T, X> {
            self.decide(Value::Null)
        }
        fn visit_none<X: Error>(self) -> Result<T, X> {
            self.decide(Value::Null)
        }
        fn visit_some<S: serde::Deserializer<'de>>(self, inner: S) -> Result<T, S::Error> {
            let value = Value::deserialize(inner)?;
            self.decide(value)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
            let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
            self.decide(value)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            let value = Value::deserialize(MapAccessDeserializer::new(map))?;
            self.decide(value)
        }
    }
    deserializer.deserialize_any(Then(decide))
}

/// The JSON path in `body` where `error` (serde_json's, from decoding `body`) happened: `.` when the
/// error carries no position or happened at the top level.
pub(crate) fn of_error(body: &[u8], error: &serde_json::Error) -> String {
    let Some(end) = offset(body, error.line(), error.column()) else { return ".".to_owned() };
    // A syntax error's position is one past the byte that broke the syntax, and it lies between
    // values: a value that ended before it holds nothing. A data error (a value of the wrong type, an
    // object that lacks a field) is reported right after the value it is about.
    if error.classify() == serde_json::error::Category::Syntax {
        let end = end.saturating_sub(1);
        let mut path = at(body, end, false);
        // A byte that cannot start a value where one is awaited (`"kind": [` for an enum, `[1, x`):
        // the error is about that value, as if it had started.
        if !matches!(body.get(end), Some(b']') | None) {
            path = at_awaited(body, end).unwrap_or(path);
        }
        path
    } else {
        at(body, end, true)
    }
}

/// The byte offset of serde_json's 1-based `line` and its `column` (the bytes of that line before the
/// position); `None` for an error without a position (line 0).
fn offset(body: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start = if line == 1 {
        0
    } else {
        body.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    Some(start.saturating_add(column).min(body.len()))
}

/// A container open at the position, and where in it the position is.
enum Frame {
    /// An object: the key whose value holds the position, once the key and its `:` have been read.
    Object { key: Option<String>, expects_key: bool, value_ended: bool },
    /// An array: the index of the element that holds the position, once one has started.
    Array { index: Option<usize>, value_ended: bool },
}

/// The path of the value that holds byte `end` of `body`; a value that has ended counts only when
/// `ended_values_count`.
fn at(body: &[u8], end: usize, ended_values_count: bool) -> String {
    let mut stack = scan(body, end);
    // serde_json refuses an array or object where it wants something else before reading its
    // bracket, so the position is at the bracket: the value that holds it starts there.
    if ended_values_count && matches!(body.get(end), Some(b'[' | b'{')) {
        value_starts(&mut stack);
    }
    spell(&stack, ended_values_count)
}

/// The containers open at byte `end` of `body`, innermost last, and where in each the position is.
fn scan(body: &[u8], end: usize) -> Vec<Frame> {
    let end = end.min(body.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        let byte = body[i];
        match byte {
            b' ' | b'\n' | b'\r' | b'\t' => {}
            b'{' => {
                value_starts(&mut stack);
                stack.push(Frame::Object { key: None, expects_key: true, value_ended: false });
            }
            b'[' => {
                value_starts(&mut stack);
                stack.push(Frame::Array { index: None, value_ended: false });
            }
            b'}' | b']' => {
                stack.pop();
                value_ends(&mut stack);
            }
            b',' => {
                if let Some(Frame::Object { key, expects_key, .. }) = stack.last_mut() {
                    *key = None;
                    *expects_key = true;
                }
            }
            // After `:` a value is awaited: the one before it no longer counts.
            b':' => {
                if let Some(Frame::Object { expects_key, value_ended, .. }) = stack.last_mut() {
                    *expects_key = false;
                    *value_ended = false;
                }
            }
            b'"' => {
                let close = string_end(body, i);
                let is_key = matches!(stack.last(), Some(Frame::Object { expects_key: true, .. }));
                if is_key {
                    // A key cut off by the position names nothing yet.
                    if let (Some(close), Some(Frame::Object { key, .. })) =
                        (close.filter(|c| *c < end), stack.last_mut())
                    {
                        *key = Some(key_text(&body[i..=close]));
                    }
                } else {
                    value_starts(&mut stack);
                }
                match close {
                    Some(close) if close < end => {
                        if !is_key {
                            value_ends(&mut stack);
                        }
                        i = close;
                    }
                    _ => break,
                }
            }
            // A number, `true`, `false` or `null`: one value, however many bytes.
            _ => {
                value_starts(&mut stack);
                while i + 1 < end && !matches!(body[i + 1], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b':') {
                    i += 1;
                }
                // Cut off by the position inside a broken literal (`tru` of `trxe`), it has not ended.
                let literal = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-');
                if i + 1 < end || !body.get(end).is_some_and(literal) {
                    value_ends(&mut stack);
                }
            }
        }
        i += 1;
    }
    stack
}

/// The path of the value awaited at byte `end` (after a `:`, or after `[` or `,` in an array), as if
/// it started there; `None` when no value is awaited there.
fn at_awaited(body: &[u8], end: usize) -> Option<String> {
    let before = body.get(..end)?.iter().rev().find(|b| !b.is_ascii_whitespace())?;
    let mut stack = scan(body, end);
    let awaited =
        matches!((stack.last(), before), (Some(Frame::Object { .. }), b':') | (Some(Frame::Array { .. }), b'[' | b','));
    awaited.then(|| {
        value_starts(&mut stack);
        spell(&stack, false)
    })
}

/// A value starts in the innermost container: in an array, that is its next element.
fn value_starts(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Array { index, value_ended }) => {
            *index = Some(index.map_or(0, |n| n + 1));
            *value_ended = false;
        }
        Some(Frame::Object { value_ended, .. }) => *value_ended = false,
        None => {}
    }
}

/// The value in the innermost container has ended.
fn value_ends(stack: &mut [Frame]) {
    if let Some(Frame::Array { value_ended, .. } | Frame::Object { value_ended, .. }) = stack.last_mut() {
        *value_ended = true;
    }
}

/// The index of the `"` that closes the string opened at `open`, skipping escaped characters.
fn string_end(body: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A key as text: its JSON string decoded (escapes resolved), or the raw bytes if that fails.
fn key_text(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted).unwrap_or_else(|_| {
        String::from_utf8_lossy(quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default()).into_owned()
    })
}

/// `roles[0].roleName`: keys joined by `.`, indexes as `[n]`, `.` for none.
fn spell(stack: &[Frame], ended_values_count: bool) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { value_ended: true, .. } | Frame::Array { value_ended: true, .. } if !ended_values_count => {
            }
            Frame::Object { key: Some(key), expects_key: false, .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index: Some(index), .. } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            _ => {}
        }
    }
    if path.is_empty() {
        ".".to_owned()
    } else {
        path
    }
}

#[cfg(test)]
#[path = "tests/json_path.rs"]
mod tests;
