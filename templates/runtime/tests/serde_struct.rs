//! `serde_struct!` decodes what serde's derive decodes, with the same errors, and encodes the bytes
//! serde's derive encodes: every case is run through a struct declared with the macro and its derived
//! twin of the same name.

use super::Omit;
use serde::de::value::{BytesDeserializer, MapDeserializer};
use serde::Deserialize;
use std::collections::BTreeMap;

serde_struct! {
    /// A field of each kind: required, optional (`None` when missing, as with the derive), `default`,
    /// skipped, a raw identifier, and a required nullable one with `default`.
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Sample {
        id: String as "id",
        display_name: Option<String> as "displayName",
        roles: Vec<String> as "roles" default,
        secret: Option<String> as "secret" skip_read,
        r#type: Option<String> as "type",
        parent: Option<u32> as "parent" default,
    }
}

/// The twin, derived (its own module, so it has the same name in messages).
mod derived {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

    #[derive(Debug, Serialize, Deserialize)]
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

serde_struct! {
    #[derive(Debug)]
    struct Outer {
        #[allow(dead_code)]
        items: Vec<Sample> as "items",
    }
}

serde_struct! {
    /// A struct with no fields decodes any object.
    #[derive(Debug, PartialEq)]
    struct Empty {}
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

serde_struct! {
    /// Fields named like the expansion's own variables (macro hygiene keeps them apart).
    #[derive(Debug, PartialEq)]
    struct Shadows {
        map: u8 as "map",
        key: u8 as "key",
        field: u8 as "field",
        value: u8 as "value",
        deserializer: u8 as "deserializer",
        serializer: Option<u8> as "serializer" default omit,
        state: u8 as "state" default,
        len: u8 as "len",
        seen: u8 as "seen",
        read: u8 as "read",
    }
}

#[test]
fn fields_may_have_any_name() {
    let json =
        r#"{"map":1,"key":2,"field":3,"value":4,"deserializer":5,"serializer":6,"state":7,"len":8,"seen":9,"read":10}"#;
    let expected = Shadows {
        map: 1,
        key: 2,
        field: 3,
        value: 4,
        deserializer: 5,
        serializer: Some(6),
        state: 7,
        len: 8,
        seen: 9,
        read: 10,
    };
    assert_eq!(serde_json::from_str::<Shadows>(json).unwrap(), expected);
    assert_eq!(serde_json::to_string(&expected).unwrap(), json);
}

/// `Nullable<T>` as the crate has it when it ships one (this crate may not): left out when `Absent`.
#[derive(Debug, Clone, Default, PartialEq)]
enum Tri<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Tri<T> {
    fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }
}

impl<T> Omit for Tri<T> {
    fn is_omitted(&self) -> bool {
        self.is_absent()
    }
}

impl<T: serde::Serialize> serde::Serialize for Tri<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tri<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Self::Null, Self::Value))
    }
}

serde_struct! {
    /// Every marker the generator writes, and the combinations it writes them in: required, renamed,
    /// `default omit` on each kind of field, `default` alone (a required nullable field), `skip_write`
    /// (optional, or required and nullable), `skip_read` (required or optional), and nested structs of its
    /// own kind.
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Encoded {
        id: String as "id",
        display_name: Option<String> as "displayName" default omit,
        note: Option<String> as "note" default omit,
        tags: Vec<String> as "tags" default omit,
        labels: BTreeMap<String, u32> as "labels" default omit,
        limit: Tri<u32> as "limit" default omit,
        count: Option<u32> as "count" default,
        created: Option<String> as "created" default omit skip_write,
        links: Vec<String> as "links" default skip_write,
        password: Option<String> as "password" default omit skip_read,
        token: String as "token" skip_read,
        r#type: String as "type",
        x_rate_limit: Option<u32> as "x-rate.limit" default omit,
        child: Option<Box<Encoded>> as "child" default omit,
        children: Vec<Encoded> as "children" default omit,
    }
}

/// The derived twins of the encoding cases.
mod derived_encoded {
    use super::Tri;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Encoded {
        pub id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub display_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub note: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub labels: BTreeMap<String, u32>,
        #[serde(default, skip_serializing_if = "Tri::is_absent")]
        pub limit: Tri<u32>,
        #[serde(default)]
        pub count: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none", skip_serializing)]
        pub created: Option<String>,
        #[serde(default, skip_serializing)]
        pub links: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
        pub password: Option<String>,
        #[serde(skip_deserializing)]
        pub token: String,
        pub r#type: String,
        #[serde(default, rename = "x-rate.limit", skip_serializing_if = "Option::is_none")]
        pub x_rate_limit: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub child: Option<Box<Encoded>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub children: Vec<Encoded>,
    }

    #[derive(Debug, Serialize)]
    pub struct Empty {}
}

impl From<&Encoded> for derived_encoded::Encoded {
    fn from(e: &Encoded) -> Self {
        Self {
            id: e.id.clone(),
            display_name: e.display_name.clone(),
            note: e.note.clone(),
            tags: e.tags.clone(),
            labels: e.labels.clone(),
            limit: e.limit.clone(),
            count: e.count,
            created: e.created.clone(),
            links: e.links.clone(),
            password: e.password.clone(),
            token: e.token.clone(),
            r#type: e.r#type.clone(),
            x_rate_limit: e.x_rate_limit,
            child: e.child.as_deref().map(|c| Box::new(c.into())),
            children: e.children.iter().map(Into::into).collect(),
        }
    }
}

/// The values the encoding tests run through: everything left out, everything set, and the mixes in
/// between (`null`s, empty strings, nesting).
fn encoded_cases() -> Vec<Encoded> {
    let unset = Encoded::default();
    let full = Encoded {
        id: "a".to_owned(),
        display_name: Some("A".to_owned()),
        note: Some(String::new()),
        tags: vec!["x".to_owned(), "y".to_owned()],
        labels: [("k".to_owned(), 1), ("j".to_owned(), 2)].into(),
        limit: Tri::Value(5),
        count: Some(3),
        created: Some("2026-01-01".to_owned()),
        links: vec!["self".to_owned()],
        password: Some("p".to_owned()),
        token: "t".to_owned(),
        r#type: "kind".to_owned(),
        x_rate_limit: Some(10),
        child: Some(Box::new(Encoded { id: "inner".to_owned(), limit: Tri::Null, ..Encoded::default() })),
        children: vec![Encoded::default(), Encoded { tags: vec![String::new()], ..Encoded::default() }],
    };
    let null_limit = Encoded { limit: Tri::Null, count: None, ..full.clone() };
    let read_only_only = Encoded { created: Some("c".to_owned()), links: vec!["l".to_owned()], ..Encoded::default() };
    vec![unset, full, null_limit, read_only_only]
}

#[test]
fn encodes_the_bytes_the_derive_encodes() {
    for value in encoded_cases() {
        let twin = derived_encoded::Encoded::from(&value);
        let ours = serde_json::to_string(&value).unwrap();
        assert_eq!(ours, serde_json::to_string(&twin).unwrap());
        assert_eq!(serde_json::to_string_pretty(&value).unwrap(), serde_json::to_string_pretty(&twin).unwrap());
        assert_eq!(serde_json::to_value(&value).unwrap(), serde_json::to_value(&twin).unwrap(), "{ours}");
    }
    // The Sample's fields: `null` for an unset `Option` without `omit`, and a `skip_read` field written.
    let sample = Sample { id: "a".to_owned(), secret: Some("s".to_owned()), ..Sample::default() };
    let twin = derived::Sample {
        id: sample.id.clone(),
        display_name: None,
        roles: Vec::new(),
        secret: sample.secret.clone(),
        r#type: None,
        parent: None,
    };
    let ours = serde_json::to_string(&sample).unwrap();
    assert_eq!(ours, r#"{"id":"a","displayName":null,"roles":[],"secret":"s","type":null,"parent":null}"#);
    assert_eq!(ours, serde_json::to_string(&twin).unwrap());
    assert_eq!(serde_json::to_string(&Empty {}).unwrap(), serde_json::to_string(&derived_encoded::Empty {}).unwrap());
}

#[test]
fn tells_the_serializer_what_the_derive_tells_it() {
    // The name, the `len` (fields actually written) and each `serialize_field` and `skip_field` call.
    for value in encoded_cases() {
        let twin = derived_encoded::Encoded::from(&value);
        let ours = serde::Serialize::serialize(&value, Recorder).unwrap();
        assert_eq!(ours, serde::Serialize::serialize(&twin, Recorder).unwrap());
        let written = ours.iter().filter(|call| call.contains('=')).count();
        assert_eq!(ours[0], format!("Encoded {written}"), "{ours:?}");
    }
    assert_eq!(serde::Serialize::serialize(&Empty {}, Recorder).unwrap(), ["Empty 0"]);
    assert_eq!(serde::Serialize::serialize(&derived_encoded::Empty {}, Recorder).unwrap(), ["Empty 0"]);
}

#[test]
fn what_is_encoded_decodes_back() {
    for value in encoded_cases() {
        let json = serde_json::to_string(&value).unwrap();
        let ours = serde_json::from_str::<Encoded>(&json).unwrap();
        let theirs = serde_json::from_str::<derived_encoded::Encoded>(&json).unwrap();
        assert_eq!(derived_encoded::Encoded::from(&ours), theirs, "{json}");
        // What is written comes back; what is not (`skip_write`, `skip_read`) is its default, and an
        // unset nullable field is still unset.
        let expected = Encoded {
            created: None,
            links: Vec::new(),
            password: None,
            token: String::new(),
            child: value.child.as_deref().map(|c| {
                Box::new(Encoded {
                    created: None,
                    links: Vec::new(),
                    password: None,
                    token: String::new(),
                    ..c.clone()
                })
            }),
            ..value.clone()
        };
        assert_eq!(ours, expected, "{json}");
        assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap(), "{json}");
    }
}

/// A serializer that takes only a struct and records what it is told: `Name len`, then `key=json`
/// for each field written and `-key` for each `skip_field`.
struct Recorder;

/// The fields of the struct being recorded.
struct Recording(Vec<String>);

type Refused = serde::ser::Impossible<Vec<String>, serde_json::Error>;

fn refused<T>() -> Result<T, serde_json::Error> {
    Err(serde::ser::Error::custom("the recorder takes only a struct"))
}

/// The `Serializer` methods of values that are not structs, each refused.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $value:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$value, Self::Error> {
            refused()
        })*
    };
}

impl serde::Serializer for Recorder {
    type Ok = Vec<String>;
    type Error = serde_json::Error;
    type SerializeSeq = Refused;
    type SerializeTuple = Refused;
    type SerializeTupleStruct = Refused;
    type SerializeTupleVariant = Refused;
    type SerializeMap = Refused;
    type SerializeStruct = Recording;
    type SerializeStructVariant = Refused;

    refuse! {
        serialize_bool(bool) -> Self::Ok;
        serialize_i8(i8) -> Self::Ok;
        serialize_i16(i16) -> Self::Ok;
        serialize_i32(i32) -> Self::Ok;
        serialize_i64(i64) -> Self::Ok;
        serialize_u8(u8) -> Self::Ok;
        serialize_u16(u16) -> Self::Ok;
        serialize_u32(u32) -> Self::Ok;
        serialize_u64(u64) -> Self::Ok;
        serialize_f32(f32) -> Self::Ok;
        serialize_f64(f64) -> Self::Ok;
        serialize_char(char) -> Self::Ok;
        serialize_str(&str) -> Self::Ok;
        serialize_bytes(&[u8]) -> Self::Ok;
        serialize_none() -> Self::Ok;
        serialize_unit() -> Self::Ok;
        serialize_unit_struct(&'static str) -> Self::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> Self::Ok;
        serialize_seq(Option<usize>) -> Refused;
        serialize_tuple(usize) -> Refused;
        serialize_tuple_struct(&'static str, usize) -> Refused;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Refused;
        serialize_map(Option<usize>) -> Refused;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Refused;
    }

    fn serialize_some<T: ?Sized + serde::Serialize>(self, _: &T) -> Result<Self::Ok, Self::Error> {
        refused()
    }

    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Self::Error> {
        refused()
    }

    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Self::Error> {
        refused()
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Recording, Self::Error> {
        Ok(Recording(vec![format!("{name} {len}")]))
    }
}

impl serde::ser::SerializeStruct for Recording {
    type Ok = Vec<String>;
    type Error = serde_json::Error;

    fn serialize_field<T: ?Sized + serde::Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        self.0.push(format!("{key}={}", serde_json::to_string(value)?));
        Ok(())
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), Self::Error> {
        self.0.push(format!("-{key}"));
        Ok(())
    }

    fn end(self) -> Result<Vec<String>, Self::Error> {
        Ok(self.0)
    }
}
