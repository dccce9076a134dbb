//! `cargo xtask check-official [--spec FILE]`: the whole Atlas API as a crate. Generates a client from the
//! vendored official description (540 operations) into a scratch folder under `target/` (never committed),
//! then holds it to the same bar as `generated/`: codegen with 0 errors, `cargo clippy` (library and tests,
//! without and with the `mock` feature) and `cargo doc` (with it) with warnings denied, a build with one
//! tag feature alone (and with `mock`) when the crate has features,
//! and `cargo package` without a build ([`package_check`](super::package_check): every file packaged, no
//! manifest warning, within crates.io's size limit).
//! Prints the time of each step, so CI's cost stays visible.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::util::OFFICIAL;

/// The tag whose feature is built alone: the one the hand-written fragment covers.
const ONE_TAG: &str = "programmatic-api-keys";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let spec = match args {
        [] => OFFICIAL.to_owned(),
        [flag, file] if flag == "--spec" => file.clone(),
        _ => return Err("usage: cargo xtask check-official [--spec FILE]".to_owned()),
    };
    let started = Instant::now();
    let text = std::fs::read_to_string(root.join(&spec)).map_err(|e| format!("cannot read {spec}: {e}"))?;
    let generated = atlas_codegen::generate(&spec, &text).map_err(|d| format!("{spec} does not generate:\n{d}"))?;
    let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
    let largest = generated.files.iter().max_by_key(|f| f.contents.lines().count());
    println!(
        "check-official: generated {} files, {lines} lines (largest: {}), {} warnings, in {:.1?}",
        generated.files.len(),
        largest.map(|f| format!("{} with {} lines", f.path, f.contents.lines().count())).unwrap_or_default(),
        generated.warnings.items().len(),
        started.elapsed()
    );
    let dir = root.join("target").join("official-client");
    atlas_codegen::write::write(&dir, &generated.files, atlas_codegen::write::Scope::Whole)?;
    let manifest = crate::util::standalone(&dir)?;
    let target = root.join("target");
    let step = |what: &str, args: &[&str], env: (&str, &str)| -> Result<(), String> {
        let started = Instant::now();
        let status = Command::new(crate::util::cargo())
            .args(args)
            .arg("--manifest-path")
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &target)
            .env(env.0, env.1)
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        println!(
            "check-official: {what}: {} in {:.0?}",
            if status.success() { "ok" } else { "FAILED" },
            started.elapsed()
        );
        if status.success() {
            Ok(())
        } else {
            Err(format!("check-official: {what} failed for the client generated from {spec}"))
        }
    };
    step(
        "cargo clippy --lib --tests, warnings denied",
        &["clippy", "--quiet", "--lib", "--tests"],
        ("RUSTFLAGS", "-D warnings"),
    )?;
    // The typed mocks (`mock` feature, off by default) of all 500-odd operations: clippy and rustdoc.
    step(
        "cargo clippy --lib --tests --features mock, warnings denied",
        &["clippy", "--quiet", "--lib", "--tests", "--features", "mock"],
        ("RUSTFLAGS", "-D warnings"),
    )?;
    step(
        "cargo doc --features mock, warnings denied",
        &["doc", "--quiet", "--no-deps", "--features", "mock"],
        ("RUSTDOCFLAGS", "-D warnings"),
    )?;
    let toml = std::fs::read_to_string(&manifest).unwrap_or_default();
    if toml.lines().any(|l| l.trim_start().starts_with(&format!("{ONE_TAG} ="))) {
        step(
            &format!("cargo check --no-default-features --features {ONE_TAG}"),
            &["check", "--quiet", "--lib", "--no-default-features", "--features", ONE_TAG],
            ("RUSTFLAGS", "-D warnings"),
        )?;
        let with_mock = format!("{ONE_TAG},mock");
        step(
            &format!("cargo check --no-default-features --features {with_mock}"),
            &["check", "--quiet", "--lib", "--no-default-features", "--features", &with_mock],
            ("RUSTFLAGS", "-D warnings"),
        )?;
    } else {
        println!("check-official: the crate has no `{ONE_TAG}` feature; one-tag build skipped");
    }
    super::package_check::check_package(root, &manifest, false)?;
    println!("check-official: done in {:.0?}", started.elapsed());
    Ok(())
}
