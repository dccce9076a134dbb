//! The generator's integration tests, one binary (every `tests/*.rs` file used to link its own, each with
//! the whole dependency tree): what the generator makes of the Atlas spec and of every fixture
//! ([`snapshots`]), its diagnostics ([`diagnostics`]), the customisation file ([`customisation`]), the API diff ([`api_diff`]), recursion
//! ([`recursive`]), robustness on damaged specs ([`robustness`]) and the vendored specs' provenance
//! ([`upstream`]). The generated client's behaviour is tested in `tests/client/`.
//!
//! Fixtures live in `tests/fixtures/{good,bad,diff,real}` and are found by listing their folders, so a new
//! fixture needs no new code; snapshots live in `tests/snapshots/`, one folder per spec (see [`snapshots`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic on a broken fixture

mod api_diff;
mod build_script;
mod customisation;
mod diagnostics;
mod name_stability;
mod normalize;
mod recursive;
mod releases;
mod robustness;
mod snapshots;
mod upstream;

use std::path::{Path, PathBuf};

/// The repository root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".."))
}

/// The files of `tests/fixtures/<folder>` with extension `ext`, sorted: new fixtures are picked up
/// without a code change.
fn fixtures_in(folder: &str, ext: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(folder);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    found.sort();
    found
}

/// Where a snapshot goes: `tests/snapshots/<folder>/<name>.snap`, where `name` may be a file's path
/// (`src/models/mod.rs` becomes `src/models/mod.rs.snap`), so snapshots are named by spec and file rather
/// than by test module.
fn snapshot_settings(folder: &str, name: &str) -> (insta::Settings, String) {
    let (dir, file) = match name.rsplit_once('/') {
        Some((dir, file)) => (format!("{folder}/{dir}"), file),
        None => (folder.to_owned(), name),
    };
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new("../snapshots").join(dir));
    settings.set_prepend_module_to_snapshot(false);
    (settings, file.to_owned())
}

/// Asserts a text snapshot at `tests/snapshots/<folder>/<name>.snap`.
fn assert_text_snapshot(folder: &str, name: &str, contents: &str) {
    let (settings, file) = snapshot_settings(folder, name);
    settings.bind(|| insta::assert_snapshot!(file, contents));
}

/// Asserts a YAML snapshot of `value` at `tests/snapshots/<folder>/<name>.snap`.
fn assert_yaml_snapshot(folder: &str, name: &str, value: &impl serde::Serialize) {
    let (settings, file) = snapshot_settings(folder, name);
    settings.bind(|| insta::assert_yaml_snapshot!(file, value));
}

/// Every snapshot sits in a folder (`atlas-api-keys/`, `good/<fixture>/`, `bad/`, `diff/`): a `.snap`
/// file directly in `tests/snapshots/` is one the old flat naming left behind, which no test reads.
#[test]
fn no_snapshot_is_left_in_the_flat_layout() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let flat: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    assert!(flat.is_empty(), "snapshots outside a folder (rename or delete them): {flat:?}");
}
