//! The JSON path of a response body that failed to decode (`roles[0].roleName`), read off the body
//! at the position serde_json reports.
//!
//! Why by hand: the client used to decode a failed body a second time through
//! `serde_path_to_error`, whose wrapping deserializer made the compiler instantiate the whole
//! `Deserialize` tree of every response type once more: 13 % of the LLVM IR of the whole-API client
//! (cargo llvm-lines, BENCHMARKS.md), and a dependency. serde_json already says where it stopped
//! (line and column, after the value it could not take, or after the `}` of an object that lacks a
//! field); walking the bytes up to there gives the keys and indexes of the containers that hold that
//! position. One function, not generic, that runs only when a decode has failed.
//!
//! The path is spelled as `serde_path_to_error` spells it: keys joined by `.`, indexes as `[n]`, `.`
//! for the document itself.

/// The JSON path in `body` where `error` (serde_json's, from decoding `body`) happened: `.` when the
/// error carries no position or happened at the top level.
pub(crate) fn of_error(body: &[u8], error: &serde_json::Error) -> String {
    let Some(end) = offset(body, error.line(), error.column()) else { return ".".to_owned() };
    // A syntax error's position is one past the byte that broke the syntax, and it lies between
    // values: a value that ended before it holds nothing. A data error (a value of the wrong type, an
    // object that lacks a field) is reported right after the value it is about.
    if error.classify() == serde_json::error::Category::Syntax {
        at(body, end.saturating_sub(1), false)
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
            b':' => {
                if let Some(Frame::Object { expects_key, .. }) = stack.last_mut() {
                    *expects_key = false;
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
                value_ends(&mut stack);
            }
        }
        i += 1;
    }
    spell(&stack, ended_values_count)
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
