//! Unit tests of `wire.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::runtime::Constraint;

#[test]
fn path_segments_cannot_escape_their_segment() {
    assert_eq!(path_segment("getThing", "/path/id", "4888442a3354817a7320eb61").unwrap(), "4888442a3354817a7320eb61");
    assert_eq!(path_segment("getThing", "/path/id", "../a b/c?d#e").unwrap(), "..%2Fa%20b%2Fc%3Fd%23e");
    assert_eq!(path_segment("getThing", "/path/id", "...").unwrap(), "...");
}

#[test]
fn empty_and_dot_segments_are_refused() {
    for value in ["", ".", ".."] {
        let Error::Validation(err) = path_segment("getThing", "/path/id", value).unwrap_err() else {
            panic!("a refused segment is a validation error");
        };
        assert_eq!(err.pointer(), "/path/id");
        assert_eq!(err.constraint(), &Constraint::PathSegment);
        assert_eq!(err.value(), value);
        assert_eq!(err.operation(), Some("getThing"));
    }
}
