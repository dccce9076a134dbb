//! `cargo xtask`: the project's own commands (`cargo xtask help` lists them).
//!
//! - `demo`: regenerate, then run the quickstart example against a Prism mock (the README's main job);
//! - `codegen [--check]`: regenerate `generated/` from `spec/atlas-api-keys.yaml`, or check it is fresh;
//! - `check-fixtures`: generate and compile a client from every edge-case spec of the generator's tests;
//! - `check-readmes`: build every Rust snippet of the READMEs with exactly the dependencies they list;
//! - `lint-spec`: Redocly lint of the spec;
//! - `conformance`: the generated client against a Prism mock built from the spec;
//! - `api-diff`: what changed in the API since a git revision, and the semver bump it implies;
//! - `bench`: benchmarks against progenitor and raw reqwest, written to `BENCHMARKS.md`.
//!
//! Arguments are parsed by hand: a handful of flags do not justify a CLI crate in CI's build.

mod api_diff;
mod bench;
mod check_fixtures;
mod check_readmes;
mod conformance;
mod demo;
mod lint_spec;
mod sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The spec, relative to the repository root (also what generated headers name).
const SPEC: &str = "spec/atlas-api-keys.yaml";
/// The generated crate, relative to the repository root.
const GENERATED: &str = "generated";

const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo                     regenerate generated/, then run its quickstart example against a Prism mock
  codegen [--check] [-v]   regenerate generated/ from the spec (--check: fail if it is stale)
  api-diff [BASE] [--format text|markdown] [--fail-on-breaking]
                           API changes of the spec since BASE (default HEAD) and the semver bump
  bench [--no-run] [--quick]
                           run the benchmarks of bench/ and write BENCHMARKS.md
  check-fixtures           generate and compile a client from every generator/tests/fixtures/good spec
  check-readmes            build every Rust snippet of README.md and generated/README.md with the
                           dependencies that README lists (no hidden doctest lines allowed)
  lint-spec                lint the spec with Redocly
  conformance              run the generated client against a Prism mock of the spec";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => {
            let flags = &args[1..];
            if let Some(bad) = flags.iter().find(|f| !matches!(f.as_str(), "--check" | "-v" | "--verbose")) {
                Err(format!("unknown flag `{bad}` for codegen\n\n{USAGE}"))
            } else {
                let check = flags.iter().any(|f| f == "--check");
                let verbose = flags.iter().any(|f| f == "-v" || f == "--verbose");
                codegen(&root, check, verbose)
            }
        }
        Some("demo") => demo::run(&root),
        Some("lint-spec") => lint_spec::run(&root),
        Some("conformance") => conformance::run(&root),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("check-fixtures") => check_fixtures::run(&root),
        Some("check-readmes") => check_readmes::run(&root),
        Some("api-diff") => match api_diff::run(&root, &args[1..]) {
            // `--fail-on-breaking` exits 1 without an error message of its own.
            Ok(code) => return code,
            Err(message) => Err(message),
        },
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The cargo that runs this xtask, so nested builds use the same toolchain.
pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo <args>` in `root` with no standard input; `what` names the step in the error.
pub(crate) fn run_cargo(root: &Path, args: &[&str], what: &str) -> Result<(), String> {
    let status = std::process::Command::new(cargo())
        .args(args)
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("{what}: could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// The repository root: xtask lives one level below it.
fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

pub(crate) fn codegen(root: &Path, check: bool, verbose: bool) -> Result<(), String> {
    let started = Instant::now();
    let text = std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let generated = atlas_codegen::generate(SPEC, &text).map_err(|d| d.to_string())?;
    for warning in generated.warnings.items() {
        eprintln!("{warning}\n");
    }
    let files = generated.files;
    let dir = root.join(GENERATED);
    if check {
        let drift = sync::compare(&dir, &files);
        if drift.is_empty() {
            if verbose {
                eprintln!("{GENERATED}/ is up to date ({} files, {:.0?})", files.len(), started.elapsed());
            }
            return Ok(());
        }
        let mut report = format!("{GENERATED}/ is out of date with {SPEC}:\n");
        for (kind, paths) in [("stale", &drift.stale), ("missing", &drift.missing), ("extra", &drift.extra)] {
            for p in paths {
                report.push_str(&format!("  {kind:<7} {GENERATED}/{p}\n"));
            }
        }
        report.push_str("run `cargo xtask codegen` and commit the result");
        return Err(report);
    }
    let drift = sync::write(&dir, &files)?;
    let changed = drift.stale.len() + drift.missing.len() + drift.extra.len();
    eprintln!("generated {} files into {GENERATED}/ ({changed} changed) in {:.0?}", files.len(), started.elapsed());
    Ok(())
}
