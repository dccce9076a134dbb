//! Semantic comparison of two IRs: what changed in the API, and whether it breaks callers of the
//! generated crate. (Being written.)
