//! Helpers the command modules share: the repository's fixed paths, running cargo, the pinned Node
//! tools, scratch crates generated outside the workspace, and the Prism mock ([`prism`]).

pub(crate) mod prism;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The hand-written spec, relative to the repository root (also what generated headers name).
pub(crate) const SPEC: &str = "spec/atlas-api-keys.yaml";
/// The vendored official Atlas description, relative to the repository root.
pub(crate) const OFFICIAL: &str = "spec/upstream/atlas-admin-v2.yaml";

/// The cargo that runs this xtask, so nested builds use the same toolchain.
pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo <args>` in `root` with no standard input; `what` names the step in the error.
pub(crate) fn run_cargo(root: &Path, args: &[&str], what: &str) -> Result<(), String> {
    let status = Command::new(cargo())
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("{what}: could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// The spec files of `dir` (relative to the root) with one of `extensions`, sorted by path.
pub(crate) fn specs_in(root: &Path, dir: &str, extensions: &[&str]) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<_> = std::fs::read_dir(root.join(dir))
        .map_err(|e| format!("cannot list {dir}: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| extensions.iter().any(|e| x == *e)))
        .collect();
    specs.sort();
    Ok(specs)
}

/// Makes the generated crate in `dir` standalone (an empty `[workspace]` keeps cargo from looking for a
/// parent workspace) and returns its manifest.
pub(crate) fn standalone(dir: &Path) -> Result<PathBuf, String> {
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
    check_crate_timed(root, manifest).map(|(ok, _)| ok)
}

/// [`check_crate`], also returning how long `cargo check` took (the doc build not included).
pub(crate) fn check_crate_timed(root: &Path, manifest: &Path) -> Result<(bool, std::time::Duration), String> {
    let cargo = cargo();
    let started = std::time::Instant::now();
    let checked = Command::new(&cargo)
        .args(["check", "--quiet", "--lib", "--tests", "--examples", "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?
        .success();
    let took = started.elapsed();
    let documented = checked
        && Command::new(&cargo)
            .args(["doc", "--quiet", "--no-deps", "--manifest-path"])
            .arg(manifest)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .env("RUSTDOCFLAGS", "-D warnings")
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("could not run cargo doc: {e}"))?
            .success();
    Ok((documented, took))
}

/// Makes sure `tools/node_modules/.bin/<tool>` is installed and matches `tools/package-lock.json`,
/// running `tools/install.sh` when it is not.
///
/// `Ok(None)` means the tools could not be installed and `CI` is unset: the caller should skip
/// (install.sh has explained why). With `CI` set, that case is an `Err`.
pub(crate) fn ensure_tool(root: &Path, tool: &str) -> Result<Option<PathBuf>, String> {
    let tools = root.join("tools");
    let bin = tools.join("node_modules").join(".bin").join(tool);
    if !(bin.exists() && lock_matches_stamp(&tools)) {
        let install = tools.join("install.sh");
        println!("{tool}: running {}", install.display());
        let output = Command::new("bash")
            .arg(&install)
            .current_dir(root)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("could not run {}: {e}", install.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        print!("{stdout}");
        if !output.status.success() {
            return Err(format!("{} failed ({})", install.display(), output.status));
        }
        if !bin.exists() {
            if std::env::var_os("CI").is_some() {
                return Err(format!("{} is missing after tools/install.sh (CI is set)", bin.display()));
            }
            println!("{tool}: skipped, because the Node.js tooling is not available (see the message above)");
            return Ok(None);
        }
    }
    Ok(Some(bin))
}

/// Whether the lock file equals the copy `tools/install.sh` keeps after a successful `npm ci`.
fn lock_matches_stamp(tools: &Path) -> bool {
    let lock = std::fs::read(tools.join("package-lock.json"));
    let stamp = std::fs::read(tools.join("node_modules").join(".install-stamp"));
    matches!((lock, stamp), (Ok(lock), Ok(stamp)) if lock == stamp)
}

/// The text a panic carried (`panic!("...")` gives a `&str` or a `String`), empty for any other payload.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}
