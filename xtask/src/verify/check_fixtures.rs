//! `cargo xtask check-fixtures`: generates a client from every spec in `generator/tests/fixtures/good/`
//! and compiles it, so emitter paths the Atlas spec does not exercise (array bodies, optional bodies,
//! unconstrained path parameters, recursion, keywords) are proved to build, not only string-matched.
//!
//! A fixture with a `<name>.behaviour.rs` beside it also runs those tests inside its generated crate
//! (decoding and encoding through the generated types, with the crate's own dependencies), together
//! with the crate's own unit tests: the runtime's tests must hold for whatever spec the crate came
//! from (one without an OAuth2 scheme, say), not only for the Atlas one.
//!
//! Each crate is written to a temporary directory outside the workspace and checked with the
//! workspace's own target directory, so the dependencies built by the test run are reused.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::util;

const FIXTURES: &str = "generator/tests/fixtures/good";

/// The local servers the behaviour tests share (`mod support;`), copied beside each one.
const SUPPORT: &str = "generator/tests/fixtures/good/support/mod.rs";

/// The root file of a fixture split over several files: `good/<name>/openapi.yaml`.
const FOLDER_ROOT: &str = "openapi.yaml";

/// `only`: fixture names (`swagger_2`, `multi_file`) to check instead of all of them.
pub fn run(root: &Path, only: &[String]) -> Result<(), String> {
    let mut specs = util::specs_in(root, FIXTURES, &["yaml"])?;
    // A fixture split over several files is a folder with its root file; its behaviour tests sit
    // beside the folder (`good/<name>.behaviour.rs`), like a one-file fixture's.
    let folders = std::fs::read_dir(root.join(FIXTURES)).map_err(|e| format!("cannot list {FIXTURES}: {e}"))?;
    specs.extend(folders.filter_map(|entry| entry.ok().map(|e| e.path().join(FOLDER_ROOT))).filter(|p| p.is_file()));
    specs.sort();
    if !only.is_empty() {
        let name = |spec: &std::path::PathBuf| fixture_name(spec).unwrap_or_default();
        if let Some(unknown) = only.iter().find(|n| !specs.iter().any(|s| name(s) == **n)) {
            return Err(format!("check-fixtures: no fixture `{unknown}` in {FIXTURES}"));
        }
        specs.retain(|s| only.contains(&name(s)));
    }
    let scratch = std::env::temp_dir().join(format!("atlas-codegen-fixtures-{}", std::process::id()));
    let mut failed = Vec::new();
    for spec in &specs {
        let started = std::time::Instant::now();
        let folder = spec.file_name().is_some_and(|f| f == FOLDER_ROOT);
        let named = if folder { spec.parent().unwrap_or(spec) } else { spec.as_path() };
        let name = fixture_name(spec).unwrap_or_default();
        let rel = if folder { format!("{FIXTURES}/{name}/{FOLDER_ROOT}") } else { format!("{FIXTURES}/{name}.yaml") };
        let options = atlas_codegen::Options::default();
        let generated =
            atlas_codegen::generate_path(spec, &rel, &options).map_err(|d| format!("{rel} does not generate:\n{d}"))?;
        let dir = scratch.join(&name);
        atlas_codegen::write::write(&dir, &generated.files, atlas_codegen::write::Scope::Whole)?;
        let manifest = util::standalone(&dir)?;
        println!("check-fixtures: {rel}");
        let (api, _) =
            atlas_codegen::lower_path_with(spec, &rel, &options).map_err(|d| format!("{rel} does not lower:\n{d}"))?;
        let features = atlas_codegen::emit::features(&api);
        // With several tag features, the library must also build with the first one alone.
        let alone = match features.as_slice() {
            [first, _, ..] => check_feature_alone(root, &manifest, first)?,
            _ => true,
        };
        // A fixture may come with behaviour tests (`<name>.behaviour.rs`), run inside its crate.
        let behaviour = named.with_file_name(format!("{name}.behaviour.rs"));
        // The typed mocks (`mock` feature) of every construct the fixture has compile too; the behaviour
        // run builds the library with `mock` (warnings denied), so a separate check would repeat it.
        let mocked = behaviour.exists() || check_lib(root, &manifest, &["--features", "mock"])?;
        let documented = util::check_crate(root, &manifest)? && alone && mocked;
        let behaves = !behaviour.exists() || documented && run_behaviour(root, &dir, &manifest, &behaviour)?;
        println!("check-fixtures: {name}: {:.1} s", started.elapsed().as_secs_f64());
        if !documented || !behaves {
            failed.push(rel);
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if failed.is_empty() {
        println!("check-fixtures: {} generated crates compile", specs.len());
        Ok(())
    } else {
        Err(format!("check-fixtures: generated code does not compile for: {}", failed.join(", ")))
    }
}

/// A fixture's name: its file stem, or its folder's name for one split over several files.
fn fixture_name(spec: &Path) -> Option<String> {
    let named = if spec.file_name().is_some_and(|f| f == FOLDER_ROOT) { spec.parent()? } else { spec };
    Some(named.file_stem()?.to_string_lossy().into_owned())
}

/// `cargo check --lib --no-default-features --features <feature>` with warnings denied.
fn check_feature_alone(root: &Path, manifest: &Path, feature: &str) -> Result<bool, String> {
    println!("check-fixtures: only feature {feature}");
    check_lib(root, manifest, &["--no-default-features", "--features", feature])
}

/// `cargo check --lib <features>` with warnings denied.
fn check_lib(root: &Path, manifest: &Path, features: &[&str]) -> Result<bool, String> {
    Ok(Command::new(util::cargo())
        .args(["check", "--quiet", "--lib"])
        .args(features)
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo check: {e}"))?
        .success())
}

/// Copies `tests` into the generated crate as `tests/behaviour.rs` (with the shared `tests/support/`) and runs
/// it with the library's unit tests, with the `mock` feature on (behaviour tests may use the typed mocks).
/// The behaviour tests may use wiremock (the mock server of the client tests), which the generated
/// crate itself does not depend on: it is added to the copy's dev-dependencies only.
fn run_behaviour(root: &Path, dir: &Path, manifest: &Path, tests: &Path) -> Result<bool, String> {
    let toml = std::fs::read_to_string(manifest).map_err(|e| e.to_string())?;
    let Some(toml) = with_dev_dependency(&toml, WIREMOCK) else {
        return Err(format!("{} has no [dev-dependencies] table", manifest.display()));
    };
    std::fs::write(manifest, toml).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("tests/support")).map_err(|e| e.to_string())?;
    for (from, to) in [(tests.to_path_buf(), "tests/behaviour.rs"), (root.join(SUPPORT), "tests/support/mod.rs")] {
        std::fs::copy(&from, dir.join(to)).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    }
    println!("check-fixtures: behaviour tests {}", tests.display());
    Ok(Command::new(util::cargo())
        .args(["test", "--quiet", "--lib", "--test", "behaviour", "--features", "mock", "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo test: {e}"))?
        .success())
}

/// The dev-dependency line behaviour tests get: the same major version as the generator's client tests.
const WIREMOCK: &str = "wiremock = \"0.6\"";

/// `toml` with `line` added at the top of its `[dev-dependencies]` table, if it has one.
fn with_dev_dependency(toml: &str, line: &str) -> Option<String> {
    let table = "[dev-dependencies]\n";
    let at = toml.find(table)? + table.len();
    Some(format!("{}{line}\n{}", &toml[..at], &toml[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dev_dependency_goes_into_the_existing_table() {
        let toml = "[dependencies]\nserde = \"1\"\n\n[dev-dependencies]\ntokio = \"1\"\n\n[lints.rust]\n";
        let out = with_dev_dependency(toml, WIREMOCK).unwrap();
        assert_eq!(
            out,
            "[dependencies]\nserde = \"1\"\n\n[dev-dependencies]\nwiremock = \"0.6\"\ntokio = \"1\"\n\n[lints.rust]\n"
        );
        assert!(with_dev_dependency("[dependencies]\n", WIREMOCK).is_none());
    }
}
