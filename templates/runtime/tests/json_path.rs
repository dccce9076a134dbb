//! The paths below are the ones `serde_path_to_error` reports for the same bodies and types (checked
//! side by side when this was written), except where a comment says otherwise.

use super::of_error;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Key {
    id: String,
    roles: Vec<Role>,
    #[serde(default)]
    tags: BTreeMap<String, u8>,
    #[serde(default)]
    grid: Vec<Vec<u8>>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Role {
    #[serde(rename = "roleName")]
    role_name: String,
    #[serde(rename = "orgId", default)]
    org_id: Option<u32>,
}

/// The path of the error decoding `json` into a `Key`.
fn path(json: &str) -> String {
    let error = serde_json::from_str::<Key>(json).expect_err(json);
    of_error(json.as_bytes(), &error)
}

#[test]
fn a_value_of_the_wrong_type_is_named_by_keys_and_indexes() {
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":1}]}"#), "roles[0].roleName");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a"},{"roleName":"b","orgId":"7"}]}"#), "roles[1].orgId");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a","orgId":-1}]}"#), "roles[0].orgId");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a","orgId":1.5}]}"#), "roles[0].orgId");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a","orgId":true}]}"#), "roles[0].orgId");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a","orgId":99999999999}]}"#), "roles[0].orgId");
    assert_eq!(path(r#"{"id":null,"roles":[]}"#), "id");
    assert_eq!(path(r#"{"id":"x","roles":[null]}"#), "roles[0]");
    assert_eq!(path(r#"{"id":"x","roles":{}}"#), "roles");
    assert_eq!(path(r#"{"id":"x","roles":[],"tags":[]}"#), "tags");
    assert_eq!(path(r#"{"id":"x","roles":[],"tags":{"a":1,"b":"s"}}"#), "tags.b");
    assert_eq!(path(r#"{"id":"x","roles":[],"tags":{"k":{}}}"#), "tags.k");
    assert_eq!(path(r#"{"id":"x","roles":[],"grid":[[1,2],[3,300]]}"#), "grid[1][1]");
    assert_eq!(path(r#"{"id":"x","roles":[],"grid":[[1],[2,"x"]]}"#), "grid[1][1]");
}

#[test]
fn a_missing_field_is_named_by_the_object_that_lacks_it() {
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a"},{"orgId":2}]}"#), "roles[1]");
    assert_eq!(path(r#"{"roles":[]}"#), ".");
    assert_eq!(path("{\n  \"id\": \"x\",\n  \"roles\": [\n    {\n      \"orgId\": 1\n    }\n  ]\n}"), "roles[0]");
}

#[test]
fn strings_escapes_lines_and_multibyte_text_before_the_error_do_not_mislead_it() {
    // Pretty-printed, with `\n` and with `\r\n`: serde_json counts lines and the bytes of the last one.
    assert_eq!(
        path("{\n  \"id\": \"x\",\n  \"roles\": [\n    {\n      \"roleName\": 1\n    }\n  ]\n}"),
        "roles[0].roleName"
    );
    assert_eq!(path("{\r\n \"id\": \"x\",\r\n \"roles\": [ {\"roleName\": 5} ]\r\n}"), "roles[0].roleName");
    // Brackets, commas and escaped quotes inside strings; an escaped key; multi-byte characters.
    assert_eq!(path(r#"{"id":"a,{[\"b","roles":[{"roleName":1}]}"#), "roles[0].roleName");
    assert_eq!(path(r#"{"id":"x","ro\u006ces":[{"roleName":1}]}"#), "roles[0].roleName");
    assert_eq!(path(r#"{"id":"x","roles":[{"role\"Name":1, "roleName": 2}]}"#), "roles[0].roleName");
    assert_eq!(path(r#"{"id":"é日本","roles":[{"roleName":"ü","orgId":"x"}]}"#), "roles[0].orgId");
}

#[test]
fn errors_of_the_whole_document_are_the_root() {
    assert_eq!(path("[]"), ".");
    assert_eq!(path(r#""just a string""#), ".");
    assert_eq!(path(""), ".");
    assert_eq!(path("<html><body>Sign in</body></html>"), ".");
    assert_eq!(path(r#"{"id":"x","roles":[]} x"#), ".");
    // A repeated key is an error of the object that repeats it.
    assert_eq!(path(r#"{"id":"x","id":"y","roles":[]}"#), ".");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a"}],"grid":[[1],[2]],"tags":{"a":1}, "roles": 3}"#), ".");
}

#[test]
fn syntax_errors_name_the_container_they_break() {
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a"} {"roleName":"b"}]}"#), "roles");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"a"},]}"#), "roles");
    // serde_path_to_error says `?` (a key it could not read) for these two.
    assert_eq!(path(r#"{"id":"x" "roles":[]}"#), ".");
    assert_eq!(path(r#"{"id":"x","roles":[],"tags":{"k":1,}}"#), "tags");
    // Cut off: the path of what was being read.
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"#), "roles[0].roleName");
    assert_eq!(path(r#"{"id":"x","roles":[{"roleName":"abc"#), "roles[0].roleName");
}

#[test]
fn an_error_without_a_position_is_the_root() {
    let error = serde_json::from_value::<Key>(serde_json::json!({"id": 1})).expect_err("a number is no string");
    assert_eq!(error.line(), 0);
    assert_eq!(of_error(br#"{"id": 1}"#, &error), ".");
}

/// An even number sent as text: converted inside the visitor by `string_then`.
#[derive(Debug, PartialEq)]
struct Even(u32);

impl<'de> Deserialize<'de> for Even {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::string_then(deserializer, "an even number as text", |text| match text.parse::<u32>() {
            Ok(n) if n % 2 == 0 => Ok(Even(n)),
            Ok(n) => Err(format!("{n} is odd")),
            Err(error) => Err(error.to_string()),
        })
    }
}

/// Any JSON object, refused otherwise: decided inside the visitor by `value_then`.
#[derive(Debug, PartialEq)]
struct AnyObject(serde_json::Value);

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::value_then(deserializer, |value| match value {
            serde_json::Value::Object(_) => Ok(AnyObject(value)),
            other => Err(format!("not an object: {other}")),
        })
    }
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Holder {
    #[serde(default)]
    evens: Vec<Even>,
    #[serde(default)]
    object: Option<AnyObject>,
}

fn holder_error(json: &str) -> (String, String) {
    let error = serde_json::from_str::<Holder>(json).expect_err(json);
    (of_error(json.as_bytes(), &error), error.to_string())
}

#[test]
fn a_conversion_inside_the_visitor_is_named_by_its_own_path() {
    let holder: Holder = serde_json::from_str(r#"{"evens": ["2", "4"], "object": {"a": [1, null]}}"#).unwrap();
    assert_eq!(holder.evens, [Even(2), Even(4)]);
    assert_eq!(holder.object, Some(AnyObject(serde_json::json!({"a": [1, null]}))));
    let (path, message) = holder_error(r#"{"evens": ["2", "3"], "object": {}}"#);
    assert_eq!(path, "evens[1]", "{message}");
    assert!(message.starts_with("3 is odd"), "{message}");
    let (path, message) = holder_error(r#"{"evens": [], "object": [1, {"b": 2}]}"#);
    assert_eq!(path, "object", "{message}");
    assert!(message.starts_with(r#"not an object: [1,{"b":2}]"#), "{message}");
    let (path, message) = holder_error(r#"{"evens": [2]}"#);
    assert_eq!(path, "evens[0]", "{message}");
    assert!(message.starts_with("invalid type: integer `2`, expected an even number as text"), "{message}");
}
