//! Unit tests of `validate.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.

#![allow(clippy::unwrap_used)]

use super::*;

static HEX: Pattern<Regex> = Pattern::new("^[a-f0-9]{2}$");

#[test]
fn lengths_count_characters_not_bytes() {
    assert!(min_length("", "", "é", 1).is_ok());
    assert!(max_length("", "", "éé", 2).is_ok());
    let err = max_length("/body", "desc", "abc", 2).unwrap_err();
    assert_eq!(err.pointer(), "/body/desc");
    assert_eq!(err.constraint(), &Constraint::MaxLength(2));
    assert_eq!(err.value(), "abc");
}

#[test]
fn bounds_respect_exclusivity() {
    assert!(minimum("", "n", 1, 1.0).is_ok());
    assert_eq!(exclusive_minimum("", "n", 1, 1.0).unwrap_err().constraint(), &Constraint::ExclusiveMinimum(1.0));
    assert!(exclusive_minimum("", "n", 1.5, 1.0).is_ok());
    assert!(maximum("", "n", 500, 500.0).is_ok());
    assert_eq!(exclusive_maximum("", "n", 500, 500.0).unwrap_err().constraint(), &Constraint::ExclusiveMaximum(500.0));
    assert_eq!(
        maximum("/query", "n", 501, 500.0).unwrap_err().to_string(),
        "/query/n value \"501\" breaks maximum 500"
    );
}

#[test]
fn integer_enums_accept_only_their_values() {
    assert!(one_of("", "n", 30_i32, &[15, 30, 60]).is_ok());
    assert!(one_of("", "n", -1_i64, &[-1, 1]).is_ok());
    let err = one_of("/query", "n", 45_i32, &[15, 30, 60]).unwrap_err();
    assert_eq!(err.constraint(), &Constraint::Enum(&[15, 30, 60]));
    assert_eq!(err.value(), "45");
    assert_eq!(err.to_string(), "/query/n value \"45\" breaks enum [15, 30, 60]");
}

/// ECMA-262's `\d` is ASCII digits only; the engine is given that translation.
static DIGITS: Pattern<Regex> = Pattern::translated("^\\d+$", "^[0-9]+$");

/// A pattern the engine cannot compile (the generator rejects these; the runtime still must not panic).
static BROKEN: Pattern<Regex> = Pattern::new("(");

#[test]
fn a_translated_pattern_matches_as_translated_and_errors_quote_the_spec() {
    assert!(pattern("", "n", "42", &DIGITS).is_ok());
    // Arabic-Indic digits are `\d` for Rust's regex, not for ECMA-262.
    let err = pattern("/body", "n", "\u{0664}\u{0662}", &DIGITS).unwrap_err();
    assert_eq!(err.constraint(), &Constraint::Pattern("^\\d+$"));
    assert_eq!(err.pointer(), "/body/n");
}

#[test]
fn a_pattern_that_does_not_compile_matches_nothing() {
    assert_eq!(pattern("", "x", "(", &BROKEN).unwrap_err().constraint(), &Constraint::Pattern("("));
    assert!(standalone::pattern("", &BROKEN).is_err());
}

#[test]
fn patterns_items_and_context() {
    assert!(pattern("", "", "af", &HEX).is_ok());
    assert!(pattern("", "", "AF", &HEX).is_err());
    let err = min_items::<u8>("/body", "roles", &[], 1).unwrap_err().in_operation("op");
    assert_eq!(err.to_string(), "op: /body/roles value \"[]\" breaks minItems 1");
    assert!(unique_items("", "x", &[1, 2, 1]).is_err());
    let placed = min_length("", "", "", 1).unwrap_err().at("/path/orgId");
    assert_eq!(placed.pointer(), "/path/orgId");
    assert_eq!(min_length("", "", "", 1).unwrap_err().redacted().value(), "[redacted]");
}

#[test]
fn messages_cap_long_values_and_never_show_secrets() {
    let long = "d".repeat(251);
    let err = max_length("/body", "desc", &long, 250).unwrap_err();
    assert_eq!(err.value(), long, "the accessor keeps the whole value");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(text.contains(&format!("\"{}\"… (251 characters)", "d".repeat(64))), "{text}");
        assert!(!text.contains(&"d".repeat(65)), "{text}");
    }
    let short = max_length("/body", "desc", "abc", 2).unwrap_err();
    assert!(short.to_string().contains("value \"abc\" breaks"), "{short}");
    let secret = min_length("/body", "secret", "hunter2", 8).unwrap_err().redacted();
    for text in [secret.to_string(), format!("{secret:?}")] {
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
}
