//! Unit tests of `wire.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.

use super::*;

#[test]
fn path_segments_cannot_escape_their_segment() {
    assert_eq!(path_segment("4888442a3354817a7320eb61"), "4888442a3354817a7320eb61");
    assert_eq!(path_segment("../a b/c?d#e"), "..%2Fa%20b%2Fc%3Fd%23e");
}
