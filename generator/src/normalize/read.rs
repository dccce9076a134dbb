//! Reading a file into a plain JSON value: `.json` files with a JSON parser (the YAML parser refuses
//! JSON's `\ud83d\ude00` surrogate-pair escapes), everything else as YAML.
//!
//! YAML is read straight into a `serde_json::Value` by a visitor that keeps track of where it is, so
//! what JSON cannot hold is reported at its pointer: `.inf`/`.nan` (an error), a mapping key that is not
//! a scalar (an error) and an integer beyond `i64`/`u64` (read as the nearest `f64`, with a warning
//! when that changes the value; serde_yaml's own `Value` refuses such integers). A syntax error keeps
//! the parser's line and column.

use crate::diag::{self, Diagnostic, Diagnostics, Severity};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// The two syntaxes a description is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// A `.json` file.
    Json,
    /// Anything else (`.yaml`, `.yml`, or no extension).
    Yaml,
}

impl Syntax {
    /// The syntax of `file`, by its extension.
    pub fn of(file: &str) -> Syntax {
        let lower = file.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Syntax::Json
        } else {
            Syntax::Yaml
        }
    }
}

/// Reads `bytes` (the contents of `file`), which must be UTF-8.
pub fn read_bytes(file: &str, bytes: &[u8], diags: &mut Diagnostics) -> Result<Value, super::output::Refused> {
    match std::str::from_utf8(bytes) {
        Ok(text) => read(file, text, diags),
        Err(e) => {
            diags
                .error_in(file, "", format!("the file is not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))
                .with_hint("save the file as UTF-8");
            Err(super::output::Refused)
        }
    }
}

/// Reads `text` (the contents of `file`) as JSON or YAML, by the file's extension.
pub fn read(file: &str, text: &str, diags: &mut Diagnostics) -> Result<Value, super::output::Refused> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let state = State { merge_keys: Syntax::of(file) == Syntax::Yaml, ..State::default() };
    let parsed = match Syntax::of(file) {
        Syntax::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let parsed = Seed(&state).deserialize(&mut de).and_then(|v| de.end().map(|()| v));
            parsed.map_err(|e| {
                (format!("the file is not valid JSON: {}", json_message(&e)), Some((e.line(), e.column())))
            })
        }
        Syntax::Yaml => Seed(&state).deserialize(serde_yaml::Deserializer::from_str(text)).map_err(|e| {
            (
                format!("the file is not valid YAML: {}", yaml_message(&e.to_string())),
                e.location().map(|l| (l.line(), l.column())),
            )
        }),
    };
    let value = match parsed {
        Ok(value) => value,
        Err((message, location)) => {
            diags.add(Diagnostic {
                severity: Severity::Error,
                message,
                file: file.to_owned(),
                pointer: String::new(),
                location,
                hint: None,
            });
            return Err(super::output::Refused);
        }
    };
    let findings = state.findings.into_inner();
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    for finding in findings {
        let d = match finding.severity {
            Severity::Error => diags.error_in(file, &finding.pointer, finding.message),
            Severity::Warning => diags.warning_in(file, &finding.pointer, finding.message),
        };
        d.with_hint(finding.hint);
    }
    if failed {
        Err(super::output::Refused)
    } else {
        Ok(value)
    }
}

/// serde_yaml's syntax messages put the location in the text (" at line X column Y"), which we print
/// separately; the context clause after it ("while parsing a flow sequence at line 9 column 13") says
/// where the construct that broke began, which is worth keeping.
pub fn yaml_message(message: &str) -> String {
    let Some(i) = message.find(" at line ") else { return message.to_owned() };
    let head = &message[..i];
    match message[i..].split_once(", while ") {
        Some((_, context)) => format!("{head} (while {})", context.replace(" at line ", " that starts at line ")),
        None => head.to_owned(),
    }
}

/// serde_json's message without the location it appends (printed separately).
fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    }
}

/// Something found while reading that is reported once the read is over.
struct Finding {
    severity: Severity,
    pointer: String,
    message: String,
    hint: String,
}

/// The reader's position and findings, shared by the nested visitors.
#[derive(Default)]
struct State {
    path: RefCell<Vec<String>>,
    findings: RefCell<Vec<Finding>>,
    /// Whether `<<` keys are YAML merge keys (YAML only; in JSON `<<` is a key like any other).
    merge_keys: bool,
}

impl State {
    fn find(&self, severity: Severity, message: String, hint: &str) {
        let pointer = diag::pointer(self.path.borrow().iter());
        self.findings.borrow_mut().push(Finding { severity, pointer, message, hint: hint.to_owned() });
    }

    /// An integer beyond `i64`/`u64`, as the nearest `f64` (what a JSON parser reads it as).
    fn wide(&self, n: i128) -> Value {
        let f = n as f64;
        if f as i128 != n {
            self.find(
                Severity::Warning,
                format!("the integer {n} does not fit a 64-bit integer and is read as {f:e}, which loses precision"),
                "write a number within the range of a 64-bit integer",
            );
        }
        Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
    }
}

/// Deserializes one node into a `serde_json::Value`.
#[derive(Clone, Copy)]
struct Seed<'a>(&'a State);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => self.0.wide(v),
        })
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => self.0.wide(i128::try_from(v).unwrap_or(i128::MAX)),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(match Number::from_f64(v) {
            Some(n) => Value::Number(n),
            None => {
                // JSON has no infinity or NaN, so OpenAPI cannot hold YAML's `.inf`/`.nan`.
                self.0.find(
                    Severity::Error,
                    "`.inf` and `.nan` are not numbers an OpenAPI (JSON) document can hold".to_owned(),
                    "use a finite number, or leave the keyword out",
                );
                Value::Null
            }
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            self.0.path.borrow_mut().push(items.len().to_string());
            let item = seq.next_element_seed(self);
            self.0.path.borrow_mut().pop();
            match item? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut merged = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("the mapping has the key `{key}` twice")));
            }
            self.0.path.borrow_mut().push(key.clone());
            let value = map.next_value_seed(self);
            self.0.path.borrow_mut().pop();
            if self.0.merge_keys && key == "<<" {
                merged = Some(value?);
            } else {
                out.insert(key, value?);
            }
        }
        // A YAML merge key (`<<: *shared`, or a list of aliases): the merged mappings' entries the
        // mapping does not set itself, the first listed winning (YAML 1.1's merge type, which real
        // descriptions use to share one operation between methods). serde_yaml leaves them unmerged.
        let sources = match merged {
            Some(Value::Array(items)) => items,
            Some(other) => vec![other],
            None => Vec::new(),
        };
        for source in sources {
            let Value::Object(entries) = source else {
                return Err(de::Error::custom("a merge key (`<<`) must name a mapping or a list of mappings"));
            };
            for (key, value) in entries {
                out.entry(key).or_insert(value);
            }
        }
        Ok(Value::Object(out))
    }
    /// A YAML tag (`!foo value`) has no JSON form; it is kept the way serde_yaml writes it as JSON,
    /// a one-key mapping from the tag to the value.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use de::VariantAccess;
        let (tag, variant): (String, _) = data.variant()?;
        let value = variant.newtype_variant_seed(self)?;
        let mut out = Map::new();
        out.insert(format!("!{}", tag.trim_start_matches('!')), value);
        Ok(Value::Object(out))
    }
}

/// A mapping key: JSON keys are strings, so a YAML number or boolean key (`200:` for a status code)
/// becomes its text; a key that is a list or a mapping has no such reading.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key that is a string, a number or a boolean")
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_ok(file: &str, text: &str) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new(file);
        let value = read(file, text, &mut diags).unwrap_or_else(|_| panic!("{diags}"));
        (value, diags)
    }

    #[test]
    fn yaml_merge_keys_merge_and_explicit_keys_win() {
        let mut diags = Diagnostics::new("a.yaml");
        let text =
            "shared: &shared\n  a: 1\n  b: 2\nput:\n  <<: *shared\n  b: 3\nboth:\n  <<: [{c: 1}, {c: 2, d: 4}]\n";
        let value = read("a.yaml", text, &mut diags).unwrap();
        assert_eq!(value["put"], serde_json::json!({"b": 3, "a": 1}));
        assert_eq!(value["both"], serde_json::json!({"c": 1, "d": 4}));
        // In JSON, `<<` is an ordinary key.
        let value = read("a.json", r#"{"<<": {"a": 1}}"#, &mut diags).unwrap();
        assert_eq!(value, serde_json::json!({"<<": {"a": 1}}));
        assert!(diags.items().is_empty(), "{diags}");
    }

    #[test]
    fn json_files_are_read_as_json_with_surrogate_pair_escapes() {
        let (value, diags) = read_ok("a.json", r#"{"openapi": "3.0.3", "info": {"title": "\ud83d\ude00"}}"#);
        assert_eq!(value["info"]["title"], "\u{1f600}");
        assert!(diags.is_empty());
        // The YAML parser refuses the same text.
        let mut diags = Diagnostics::new("a.yaml");
        assert!(read("a.yaml", r#"{"t": "\ud83d\ude00"}"#, &mut diags).is_err());
    }

    #[test]
    fn json_syntax_errors_carry_line_and_column() {
        let mut diags = Diagnostics::new("a.json");
        assert!(read("a.json", "{\n  \"a\": [1,\n}", &mut diags).is_err());
        let d = &diags.items()[0];
        assert!(d.message.starts_with("the file is not valid JSON"), "{}", d.message);
        assert_eq!(d.location.map(|l| l.0), Some(3));
    }

    #[test]
    fn yaml_integers_beyond_i64_are_read_with_a_warning_where_they_lose_precision() {
        let (value, diags) = read_ok("a.yaml", "a: {minimum: -9223372036854776000, maximum: 18446744073709551616}\n");
        assert_eq!(value["a"]["minimum"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(value["a"]["maximum"].as_f64(), Some(1.8446744073709552e19));
        // 2^64 is exactly a float; -9223372036854776000 is not.
        assert_eq!(diags.items().len(), 1, "{diags}");
        assert_eq!(diags.items()[0].pointer, "/a/minimum");
        assert_eq!(diags.items()[0].severity, Severity::Warning);
    }

    #[test]
    fn yaml_keys_become_strings_and_infinities_are_errors_at_their_pointer() {
        let (value, _) = read_ok("a.yaml", "responses: {200: {description: ok}, true: 1, 1.5: 2}\n");
        assert_eq!(value["responses"]["200"]["description"], "ok");
        assert_eq!(value["responses"]["true"], 1);
        assert_eq!(value["responses"]["1.5"], 2);
        let mut diags = Diagnostics::new("a.yaml");
        assert!(read("a.yaml", "a: {b: [1, .inf]}\n", &mut diags).is_err());
        assert_eq!(diags.items()[0].pointer, "/a/b/1");
    }

    #[test]
    fn duplicate_keys_are_syntax_errors_with_a_line() {
        let mut diags = Diagnostics::new("a.yaml");
        assert!(read("a.yaml", "a: 1\nb: 2\na: 3\n", &mut diags).is_err());
        assert!(diags.items()[0].message.contains("`a` twice"), "{diags}");
        assert!(diags.items()[0].location.is_some());
    }

    #[test]
    fn yaml_matches_serde_yaml_values_converted_to_json() {
        let text = "a: [1, -2, 1.5, 'x', null, true, ~]\nb: {c: {d: 1e3}}\n";
        let (value, _) = read_ok("a.yaml", text);
        let expected: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(value, serde_json::to_value(expected).unwrap());
    }
}
