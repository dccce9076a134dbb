//! `deserialize_struct!` decodes what serde's derive decodes, with the same errors: every case is run
//! through a struct declared with the macro and its derived twin of the same name.

use serde::de::value::{BytesDeserializer, MapDeserializer};
use serde::Deserialize;

/// A field of each kind: required, optional (`None` when missing, as with the derive), `default`,
/// skipped, a raw identifier, and a required nullable one with `default`.
#[derive(Debug, Clone, PartialEq, Default)]
struct Sample {
    id: String,
    display_name: Option<String>,
    roles: Vec<String>,
    secret: Option<String>,
    r#type: Option<String>,
    parent: Option<u32>,
}

deserialize_struct! {
    Sample {
        id: "id",
        display_name: "displayName",
        roles: "roles" default,
        r#type: "type",
        parent: "parent" default,
    }
    skip { secret }
}

/// The twin, derived (its own module, so it has the same name in messages).
mod derived {
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Sample {
        pub id: String,
        pub display_name: Option<String>,
        #[serde(default)]
        pub roles: Vec<String>,
        #[serde(skip_deserializing)]
        pub secret: Option<String>,
        pub r#type: Option<String>,
        #[serde(default)]
        pub parent: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Outer {
        #[allow(dead_code)]
        pub items: Vec<Sample>,
    }
}

impl From<derived::Sample> for Sample {
    fn from(d: derived::Sample) -> Self {
        Self {
            id: d.id,
            display_name: d.display_name,
            roles: d.roles,
            secret: d.secret,
            r#type: d.r#type,
            parent: d.parent,
        }
    }
}

#[derive(Debug)]
struct Outer {
    #[allow(dead_code)]
    items: Vec<Sample>,
}

deserialize_struct! {
    Outer {
        items: "items",
    }
}

/// A struct with no fields decodes any object.
#[derive(Debug, PartialEq)]
struct Empty {}

deserialize_struct! {
    Empty {}
}

/// Both decodes of `json`, as values or as error messages.
fn both(json: &str) -> (Result<Sample, String>, Result<Sample, String>) {
    let ours = serde_json::from_str::<Sample>(json).map_err(|e| e.to_string());
    let theirs = serde_json::from_str::<derived::Sample>(json).map(Sample::from).map_err(|e| e.to_string());
    (ours, theirs)
}

#[test]
fn decodes_what_the_derive_decodes() {
    for json in [
        r#"{"id": "a"}"#,
        r#"{"id": "a", "displayName": "A", "roles": ["x"], "type": "t", "parent": 3}"#,
        r#"{"parent": null, "id": "a", "displayName": null, "type": null}"#,
        // Unknown keys of any shape are skipped.
        r#"{"other": {"deep": [1, {"x": null}]}, "id": "a", "Id": 1, "display_name": 2}"#,
        // A skipped field's key is skipped, whatever its value.
        r#"{"id": "a", "secret": {"not": "a string"}}"#,
        // Escaped keys.
        r#"{"i\u0064": "a", "display\u004eame": "A"}"#,
    ] {
        let (ours, theirs) = both(json);
        assert!(ours.is_ok(), "{json}: {ours:?}");
        assert_eq!(ours, theirs, "{json}");
    }
    let (ours, _) = both(r#"{"id": "a", "secret": "s"}"#);
    assert_eq!(ours.unwrap().secret, None, "a skipped field is its default");
}

#[test]
fn fails_where_the_derive_fails_with_the_same_message() {
    for (json, message) in [
        (r#"{"displayName": "A"}"#, "missing field `id`"),
        (r#"{"id": "a", "id": "b"}"#, "duplicate field `id`"),
        (r#"{"id": "a", "roles": [], "roles": []}"#, "duplicate field `roles`"),
        (r#"{"id": 1}"#, "invalid type: integer `1`, expected a string"),
        (r#"{"id": "a", "roles": null}"#, "invalid type: null, expected a sequence"),
        (r#""text""#, "invalid type: string \"text\", expected struct Sample"),
        (r#"{"id": "a""#, "EOF while parsing an object"),
    ] {
        let (ours, theirs) = both(json);
        let error = ours.expect_err(json);
        assert!(error.starts_with(message), "{json}: {error}");
        assert_eq!(Err(error), theirs, "{json}");
    }
}

#[test]
fn an_array_in_place_of_the_object_is_refused() {
    // serde's derive takes the fields by position; the macro has no `visit_seq` (on purpose).
    let json = r#"["a", "A", [], null, null]"#;
    assert!(serde_json::from_str::<derived::Sample>(json).is_ok());
    let error = serde_json::from_str::<Sample>(json).unwrap_err().to_string();
    assert_eq!(error, "invalid type: sequence, expected struct Sample at line 1 column 1");
}

#[test]
fn keys_decode_from_every_source() {
    let json = r#"{"id": "a", "displayName": "A", "type": "t", "unknown": 1}"#;
    let expected = serde_json::from_str::<Sample>(json).unwrap();
    // Owned strings (a `serde_json::Value`'s keys), and keys read from a reader (not borrowed).
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::from_value::<Sample>(value.clone()).unwrap(), expected);
    assert_eq!(Sample::deserialize(&value).unwrap(), expected);
    assert_eq!(serde_json::from_reader::<_, Sample>(json.as_bytes()).unwrap(), expected);
    // Byte keys; one that is not UTF-8 names no field and is skipped.
    let entries: Vec<(BytesDeserializer<'_, serde_json::Error>, serde_json::Value)> = vec![
        (BytesDeserializer::new(b"id"), "a".into()),
        (BytesDeserializer::new(b"displayName"), "A".into()),
        (BytesDeserializer::new(b"type"), "t".into()),
        (BytesDeserializer::new(b"\xff\xfe"), 1.into()),
    ];
    let ours = Sample::deserialize(MapDeserializer::new(entries.clone().into_iter())).unwrap();
    assert_eq!(ours, expected);
    let theirs = derived::Sample::deserialize(MapDeserializer::new(entries.into_iter())).unwrap();
    assert_eq!(Sample::from(theirs), expected);
}

#[test]
fn the_error_and_its_path_are_the_derives() {
    use crate::runtime::json_path::of_error;
    for (json, path) in [
        (r#"{"items": [{"id": "a"}, {"id": "b", "roles": [1]}]}"#, "items[1].roles[0]"),
        (r#"{"items": [{"id": "a"}, {"roles": []}]}"#, "items[1]"),
        (r#"{"items": [{"id": "a", "id": "b"}]}"#, "items[0]"),
    ] {
        let ours = serde_json::from_str::<Outer>(json).unwrap_err();
        let theirs = serde_json::from_str::<derived::Outer>(json).unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string(), "{json}");
        assert_eq!(of_error(json.as_bytes(), &ours), path, "{json}");
        assert_eq!(of_error(json.as_bytes(), &theirs), path, "{json}");
    }
}

#[test]
fn a_struct_without_fields_takes_any_object() {
    assert_eq!(serde_json::from_str::<Empty>(r#"{"a": 1, "b": [null]}"#).unwrap(), Empty {});
    assert_eq!(serde_json::from_str::<Empty>("{}").unwrap(), Empty {});
}

/// Fields named like the expansion's own variables (macro hygiene keeps them apart).
#[derive(Debug, PartialEq)]
struct Shadows {
    map: u8,
    key: u8,
    field: u8,
    value: u8,
    deserializer: u8,
}

deserialize_struct! {
    Shadows {
        map: "map",
        key: "key",
        field: "field",
        value: "value",
        deserializer: "deserializer",
    }
}

#[test]
fn fields_may_have_any_name() {
    let json = r#"{"map": 1, "key": 2, "field": 3, "value": 4, "deserializer": 5}"#;
    let expected = Shadows { map: 1, key: 2, field: 3, value: 4, deserializer: 5 };
    assert_eq!(serde_json::from_str::<Shadows>(json).unwrap(), expected);
}
