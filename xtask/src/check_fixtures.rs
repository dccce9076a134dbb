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

const FIXTURES: &str = "generator/tests/fixtures/good";

pub fn run(root: &Path) -> Result<(), String> {
    let specs = specs_in(root, FIXTURES, &["yaml"])?;
    let scratch = std::env::temp_dir().join(format!("atlas-codegen-fixtures-{}", std::process::id()));
    let mut failed = Vec::new();
    for spec in &specs {
        let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let rel = format!("{FIXTURES}/{name}.yaml");
        let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read {rel}: {e}"))?;
        let generated = atlas_codegen::generate(&rel, &text).map_err(|d| format!("{rel} does not generate:\n{d}"))?;
        let dir = scratch.join(&name);
        crate::sync::write(&dir, &generated.files)?;
        let manifest = standalone(&dir)?;
        println!("check-fixtures: {rel}");
        let (api, _) = atlas_codegen::lower_spec(&rel, &text).map_err(|d| format!("{rel} does not lower:\n{d}"))?;
        let features = atlas_codegen::emit::features(&api);
        // With several tag features, the library must also build with the first one alone.
        let alone = match features.as_slice() {
            [first, _, ..] => check_feature_alone(root, &manifest, first)?,
            _ => true,
        };
        let documented = check_crate(root, &manifest)? && alone;
        // A fixture may come with behaviour tests (`<name>.behaviour.rs`), run inside its crate.
        let behaviour = spec.with_file_name(format!("{name}.behaviour.rs"));
        let behaves = !behaviour.exists() || documented && run_behaviour(root, &dir, &manifest, &behaviour)?;
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

/// `cargo check --lib --no-default-features --features <feature>` with warnings denied.
fn check_feature_alone(root: &Path, manifest: &Path, feature: &str) -> Result<bool, String> {
    println!("check-fixtures: only feature {feature}");
    Ok(Command::new(crate::cargo())
        .args(["check", "--quiet", "--lib", "--no-default-features", "--features", feature, "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo check: {e}"))?
        .success())
}

/// Copies `tests` into the generated crate as `tests/behaviour.rs` and runs it with the library's unit tests.
fn run_behaviour(root: &Path, dir: &Path, manifest: &Path, tests: &Path) -> Result<bool, String> {
    std::fs::create_dir_all(dir.join("tests")).map_err(|e| e.to_string())?;
    std::fs::copy(tests, dir.join("tests/behaviour.rs"))
        .map_err(|e| format!("cannot copy {}: {e}", tests.display()))?;
    println!("check-fixtures: behaviour tests {}", tests.display());
    Ok(Command::new(crate::cargo())
        .args(["test", "--quiet", "--lib", "--test", "behaviour", "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo test: {e}"))?
        .success())
}

/// Makes the generated crate in `dir` standalone (an empty `[workspace]` keeps cargo from looking for a
/// parent workspace) and returns its manifest.
pub(crate) fn standalone(dir: &Path) -> Result<std::path::PathBuf, String> {
    let manifest = dir.join("Cargo.toml");
    let mut toml = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    toml.push_str("\n[workspace]\n");
    std::fs::write(&manifest, toml).map_err(|e| e.to_string())?;
    Ok(manifest)
}

/// `cargo check` (library, tests, examples) with warnings denied, then `cargo doc` with warnings denied (spec
/// prose ends up in rustdoc), both with the workspace's target directory so the dependencies the test run
/// built are reused. Examples are emitted only for specs they fit, so they are checked too.
pub(crate) fn check_crate(root: &Path, manifest: &Path) -> Result<bool, String> {
    let cargo = crate::cargo();
    let checked = Command::new(&cargo)
        .args(["check", "--quiet", "--lib", "--tests", "--examples", "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?
        .success();
    Ok(checked
        && Command::new(&cargo)
            .args(["doc", "--quiet", "--no-deps", "--manifest-path"])
            .arg(manifest)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .env("RUSTDOCFLAGS", "-D warnings")
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("could not run cargo doc: {e}"))?
            .success())
}

/// The spec files of `dir` (relative to the root) with one of `extensions`, sorted by path.
pub(crate) fn specs_in(root: &Path, dir: &str, extensions: &[&str]) -> Result<Vec<std::path::PathBuf>, String> {
    let mut specs: Vec<_> = std::fs::read_dir(root.join(dir))
        .map_err(|e| format!("cannot list {dir}: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| extensions.iter().any(|e| x == *e)))
        .collect();
    specs.sort();
    Ok(specs)
}
