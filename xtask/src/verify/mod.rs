//! The checks: everything CI runs to prove the repository holds together, apart from the tests and the
//! conformance runs. Each command is one module.
//!
//! - `check-fixtures`, `check-real`, `check-official`: generate crates from edge-case, real-world and the
//!   official specs and hold them to warnings-denied builds (and behaviour tests, for fixtures);
//! - `package-check`: a generated crate packages for crates.io (and, with flags, publishes dry and builds
//!   its docs as docs.rs does);
//! - `check-readmes`: every Rust snippet of the READMEs builds with the dependencies the README lists;
//! - `spec-drift`: the fragment still describes its operations as the official description does;
//! - `lint-spec`: Redocly lint of the fragment;
//! - `api-diff`: the API changes of the fragment since a git revision, and the semver bump;
//! - `fuzz`: coverage-guided fuzzing of the generator (cargo-fuzz, nightly).

pub(crate) mod api_diff;
pub(crate) mod api_diff_judge;
pub(crate) mod check_fixtures;
pub(crate) mod check_official;
pub(crate) mod check_readmes;
pub(crate) mod check_real;
pub(crate) mod fuzz;
pub(crate) mod lint_spec;
pub(crate) mod package_check;
pub(crate) mod spec_drift;
