//! `cargo xtask`: the project's own commands (`cargo xtask help` lists them).
//!
//! - `demo`: regenerate, then run the quickstart example against a Prism mock (the README's main job);
//! - `codegen [--spec FILE] [--out DIR] [--config FILE] [--check]`: regenerate `generated/` from `spec/atlas-api-keys.yaml`
//!   (or any spec into any folder), or check it is fresh;
//! - `check-fixtures`: generate and compile a client from every edge-case spec of the generator's tests;
//! - `check-readmes`: build every Rust snippet of the READMEs with exactly the dependencies they list;
//! - `check-real [--all] [--update]`: the same for the public descriptions of `generator/tests/fixtures/real/`
//!   (CI compiles a listed subset), each held to its expected outcome in `expected.txt`;
//! - `check-official`: the whole Atlas API client from the vendored official description, held to
//!   warnings-denied clippy and rustdoc;
//! - `package-check [--dir DIR] [--verify] [--docs-rs]`: `generated/` (or DIR) packages for crates.io;
//! - `lint-spec`: Redocly lint of the spec;
//! - `fuzz [--time SECONDS] [--target NAME]`: the generator's cargo-fuzz targets;
//! - `conformance fragment`: the generated client against a Prism mock built from the spec;
//!   `conformance spec FILE`: every operation of any spec through a client generated from it, with a
//!   generated harness (`conformance` and `conformance --spec FILE` are the old spellings of the two);
//! - `api-diff`: what changed in an API between two descriptions (or since a git revision), and the semver bump it implies;
//! - `spec-drift`: whether the spec still describes its operations as the official Atlas description does;
//! - `bench`: benchmarks against progenitor and raw reqwest, written to `BENCHMARKS.md`; `bench --corpus`:
//!   atlas-codegen, progenitor and openapi-generator side by side on the public corpus, its own section there.
//!
//! The modules group the commands by purpose: [`codegen`] (the product path: generate, demo), [`verify`]
//! (the check-* commands, spec-drift, lint-spec, api-diff), [`conformance`], [`bench`], and [`util`] for
//! the cargo, Node tool and Prism helpers they share.
//!
//! Arguments are parsed by hand: a handful of flags do not justify a CLI crate in CI's build.

mod bench;
mod codegen;
mod conformance;
mod util;
mod verify;

use codegen::demo;
use verify::{api_diff, check_fixtures, check_official, check_readmes, check_real, lint_spec, spec_drift};

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Code generation allocates and frees tokens, syn nodes and strings by the million (a third of its
/// instructions are in glibc's malloc and free on the official spec); mimalloc cuts the whole run's
/// instruction count by a quarter (callgrind, 21.9 G to 16.5 G). The generator library sets no
/// allocator: that is its caller's choice, and this binary is the caller.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo                     regenerate generated/, then run its quickstart example against a Prism mock
  codegen [--spec FILE] [--out DIR] [--config FILE | --no-config] [--check] [-v]
                           regenerate generated/ from the spec (--check: fail if it is stale);
                           --spec/--out: any spec into any folder (defaults: spec/atlas-api-keys.yaml, generated);
                           customised by the atlas-codegen.toml beside the spec (--config: another file)
  api-diff [--spec FILE] [BASE | --base FILE] [--format text|markdown] [--fail-on-breaking]
                           API changes between two descriptions, grouped by tag, and the semver bump:
                           FILE (default the spec) against itself at git revision BASE (default HEAD),
                           or --base FILE against --spec FILE
  api-diff-judge [--api NAME]
                           check api-diff against cargo-semver-checks on the real releases of
                           generator/tests/fixtures/releases (slow; needs cargo-semver-checks)
  spec-drift [--official FILE]
                           fail if the spec's operations differ from the official Atlas description
                           (default spec/upstream/atlas-admin-v2.yaml) other than as x-codegen-deviations lists
  bench [--no-run] [--quick]
                           run the benchmarks of bench/ and write BENCHMARKS.md
  bench --corpus [--only NAME..] [--tool NAME..] [--generation-timeout MIN] [--check-timeout MIN] [--report-only] [--resume]
                           atlas-codegen, progenitor and openapi-generator (-g rust) on every description of
                           generator/tests/fixtures/real as it is: generated / refused / panicked / crashed, and
                           `cargo check` time of what generated; writes BENCHMARKS.md's corpus section (slow: hours)
  check-fixtures [NAME..]  generate and compile a client from every generator/tests/fixtures/good spec
                           (or only the named ones), and run their behaviour tests
  check-readmes            build every Rust snippet of README.md and generated/README.md with the
                           dependencies that README lists (no hidden doctest lines allowed)
  check-real [--all] [--update]
                           generate a client from every public description of generator/tests/fixtures/real and
                           compile the CI subset (--all: every one); fail where an outcome differs from its
                           expected.txt (--update: rewrite expected.txt instead)
  check-official [--spec FILE]
                           generate the whole Atlas API from spec/upstream into target/official-client, then
                           clippy and rustdoc it with warnings denied, and build one tag feature alone
  package-check [--dir DIR] [--verify] [--docs-rs]
                           cargo package generated/ (or DIR): exactly its files, no manifest warning, under
                           crates.io's 10 MiB; --verify: cargo publish --dry-run (builds it); --docs-rs: nightly
                           docs with every feature and --cfg docsrs, tag features labelled
  lint-spec                lint the spec with Redocly
  fuzz [--time SECONDS] [--target NAME]
                           coverage-guided fuzzing of the generator (cargo-fuzz, nightly), SECONDS per
                           target (default 20); fails on a crash or hang, naming the saved input
  conformance fragment     run the generated client against a Prism mock of the spec (the hand-written,
                           ignored tests of the generator); `conformance` alone is the same
  conformance spec FILE [--preview] [--features TAG,TAG] [--known-failures LIST]
                           call every operation of FILE through a client generated from it against a Prism
                           mock of FILE; prints `N of M operations pass` and each skipped or failing one
                           (`conformance --spec FILE ...` is the same)
  faults [--spec FILE] [--tags TAG,TAG] [--faults F,F] [--concurrency N] [--table FILE]
                           every operation of FILE (default: the official description) once per fault
                           (refused, reset, truncated, invalid JSON, HTML pages, 5xx, 429, stall, huge
                           body) through a fault proxy in front of Prism; prints the operations x faults
                           table; fails on a panic, a hang, an untyped error or a write sent twice";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cwd = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("cannot read the current directory: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(root) = project_root(&cwd) else {
        eprintln!(
            "cargo xtask must run inside an atlas-codegen checkout: no directory at or above {} has a Cargo.toml \
             with a [workspace] and an xtask/ member",
            cwd.display()
        );
        return ExitCode::FAILURE;
    };
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::Options::parse(&root, &cwd, &args[1..])
            .map_err(|e| format!("{e}\n\n{USAGE}"))
            .and_then(|options| codegen::run(&root, &options)),
        Some("demo") => demo::run(&root),
        Some("lint-spec") => lint_spec::run(&root),
        Some("conformance") => conformance::run(&root, &args[1..]),
        Some("faults") => conformance::faults::run(&root, &args[1..]),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("check-fixtures") => check_fixtures::run(&root, &args[1..]),
        Some("check-readmes") => check_readmes::run(&root),
        Some("check-real") => check_real::run(&root, &args[1..]),
        Some("check-official") => check_official::run(&root, &args[1..]),
        Some("package-check") => verify::package_check::run(&root, &args[1..]),
        Some("fuzz") => verify::fuzz::run(&root, &args[1..]),
        Some("spec-drift") => spec_drift::run(&root, &cwd, &args[1..]),
        Some("api-diff-judge") => verify::api_diff_judge::run(&root, &args[1..]),
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

/// The repository root, found at run time: the nearest directory at or above `start` whose Cargo.toml
/// declares a workspace and which holds `xtask/Cargo.toml`. Not `env!("CARGO_MANIFEST_DIR")`: two checkouts
/// that share a `CARGO_TARGET_DIR` run one xtask binary, which would then write into whichever checkout
/// built it last.
fn project_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| is_project_root(dir)).map(Path::to_path_buf)
}

fn is_project_root(dir: &Path) -> bool {
    dir.join("xtask/Cargo.toml").is_file()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|toml| toml.lines().any(|line| line.trim() == "[workspace]"))
}

#[cfg(test)]
mod tests {
    use super::project_root;
    use std::fs;

    #[test]
    fn the_root_is_the_checkout_around_the_current_directory() {
        let base = std::env::temp_dir().join(format!("xtask-root-{}", std::process::id()));
        let (one, two) = (base.join("one"), base.join("two"));
        for checkout in [&one, &two] {
            fs::create_dir_all(checkout.join("xtask")).unwrap();
            fs::create_dir_all(checkout.join("generator/src")).unwrap();
            fs::write(checkout.join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").unwrap();
            fs::write(checkout.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").unwrap();
            // A member's own manifest has no [workspace]: the walk must go past it.
            fs::write(checkout.join("generator/Cargo.toml"), "[package]\nname = \"g\"\n").unwrap();
        }
        assert_eq!(project_root(&one.join("generator/src")), Some(one.clone()));
        assert_eq!(project_root(&two), Some(two.clone()));
        assert_eq!(project_root(&base), None);
        fs::remove_dir_all(&base).unwrap();
    }
}
