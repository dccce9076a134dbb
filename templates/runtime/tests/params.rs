//! Unit tests of `params.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

#[test]
fn header_values_are_checked_before_sending() {
    let (name, value) = header("listThings", "X-Trace", "abc 123").unwrap();
    assert_eq!((name, value.to_str().unwrap()), ("X-Trace", "abc 123"));
    let error = header("listThings", "X-Trace", "a\r\nInjected: yes").unwrap_err();
    assert!(matches!(error, Error::Encode { operation: "listThings", .. }), "{error:?}");
    assert!(error.to_string().contains("X-Trace"), "{error}");
}

#[derive(Serialize)]
struct Login {
    user: String,
    remember: bool,
}

#[test]
fn form_bodies_are_urlencoded() {
    let body = RequestBody::form(
        "login",
        "application/x-www-form-urlencoded",
        &Login { user: "a b&c".to_owned(), remember: true },
    )
    .unwrap();
    let RequestBody::Bytes { content_type, bytes } = body else { panic!("a form is bytes") };
    assert_eq!(bytes, &b"user=a+b%26c&remember=true"[..]);
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    let raw = RequestBody::raw("application/octet-stream", vec![0u8, 1, 2]);
    assert_eq!(raw.bytes(), Some(&[0u8, 1, 2][..]));
}

#[test]
fn union_parameters_travel_as_their_json_text() {
    assert_eq!(texts("getThing", "id", &"a b").unwrap(), ["a b"], "strings unquoted");
    assert_eq!(texts("getThing", "id", &7).unwrap(), ["7"]);
    assert_eq!(texts("getThing", "id", &vec!["a", "b"]).unwrap(), ["a", "b"], "one text per array item");
    assert_eq!(texts("getThing", "id", &[1.5, 2.0]).unwrap(), ["1.5", "2.0"]);
}

/// The pairs as `name=value` texts, before percent-encoding.
fn spelled(pairs: Vec<QueryPair>) -> Vec<String> {
    pairs.into_iter().map(|(name, value)| format!("{name}={value}")).collect()
}

#[derive(Serialize)]
struct Filter {
    name: Option<String>,
    tags: Vec<String>,
    limit: i64,
    nested: Option<Range>,
}

#[derive(Serialize)]
struct Range {
    gt: i64,
    lt: Option<i64>,
}

#[test]
fn exploded_form_objects_send_each_property_in_key_order() {
    let filter = Filter {
        name: Some("a b".into()),
        tags: vec!["x".into(), "y".into()],
        limit: 5,
        nested: Some(Range { gt: 1, lt: None }),
    };
    assert_eq!(
        spelled(form_exploded("op", "filter", &filter).unwrap()),
        ["limit=5", "name=a b", "nested={\"gt\":1,\"lt\":null}", "tags=x", "tags=y"],
        "arrays repeat their key; a nested object (undefined for form) is its JSON text"
    );
    let empty = Filter { name: None, tags: vec![], limit: 0, nested: None };
    assert_eq!(spelled(form_exploded("op", "filter", &empty).unwrap()), ["limit=0"], "null properties are left out");
    assert_eq!(spelled(form_exploded("op", "n", &7).unwrap()), ["n=7"], "a scalar keeps the parameter's name");
}

#[test]
fn joined_objects_are_one_pair_of_keys_and_values() {
    let range = Range { gt: 1, lt: Some(9) };
    assert_eq!(spelled(joined("op", "range", ",", &range).unwrap()), ["range=gt,1,lt,9"]);
    assert_eq!(spelled(joined("op", "color", "|", &range).unwrap()), ["color=gt|1|lt|9"]);
    let nothing: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    assert!(joined("op", "range", ",", &nothing).unwrap().is_empty(), "an empty object sends nothing");
}

#[test]
fn deep_objects_nest_in_brackets() {
    let filter = Filter {
        name: Some("a".into()),
        tags: vec!["x".into(), "y".into()],
        limit: 5,
        nested: Some(Range { gt: 1, lt: Some(2) }),
    };
    assert_eq!(
        spelled(deep_object("op", "where", &filter).unwrap()),
        [
            "where[limit]=5",
            "where[name]=a",
            "where[nested][gt]=1",
            "where[nested][lt]=2",
            "where[tags][]=x",
            "where[tags][]=y"
        ]
    );
    let sort = vec![Range { gt: 1, lt: None }, Range { gt: 2, lt: Some(3) }];
    assert_eq!(
        spelled(deep_object("op", "sort", &sort).unwrap()),
        ["sort[0][gt]=1", "sort[1][gt]=2", "sort[1][lt]=3"],
        "arrays of objects by index"
    );
    assert_eq!(
        spelled(deep_object("op", "sort[]", &sort).unwrap()),
        ["sort[0][gt]=1", "sort[1][gt]=2", "sort[1][lt]=3"],
        "a name that says `[]` indexes from the bare name"
    );
    let metadata: std::collections::BTreeMap<&str, &str> = [("plan", "pro"), ("a]b", "x")].into_iter().collect();
    assert_eq!(spelled(deep_object("op", "metadata", &metadata).unwrap()), ["metadata[a]b]=x", "metadata[plan]=pro"]);
}

#[test]
fn header_objects_are_simple() {
    let range = Range { gt: 1, lt: Some(9) };
    assert_eq!(simple("op", "X-Range", false, &range).unwrap().as_deref(), Some("gt,1,lt,9"));
    assert_eq!(simple("op", "X-Range", true, &range).unwrap().as_deref(), Some("gt=1,lt=9"));
    let nothing: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    assert_eq!(simple("op", "X-Range", false, &nothing).unwrap(), None, "an empty object sends no header");
}

#[test]
fn json_parameters_are_their_json_text() {
    let range = Range { gt: 1, lt: None };
    assert_eq!(json("op", "q", &range).unwrap(), r#"{"gt":1,"lt":null}"#);
    assert_eq!(json("op", "q", "a").unwrap(), r#""a""#, "a string is quoted: it is JSON");
}
