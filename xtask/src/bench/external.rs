//! The parts of `cargo xtask bench` that criterion cannot time, all on the vendored official Atlas
//! description: openapi-generator's `rust` generator (a Java process, run once, timed by the OS),
//! `cargo check` of the full generated client (every tag, then one tag) from warm dependencies, and
//! `cargo check` of progenitor's client. Each returns its Markdown paragraph; a tool that is missing or
//! fails is reported, never fatal.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::util::OFFICIAL;

/// Wall and CPU time of a child process, as `/usr/bin/time` reports them.
struct Timed {
    wall_secs: f64,
    /// User + system CPU seconds, when `/usr/bin/time` is there to tell.
    cpu_secs: Option<f64>,
    max_rss_kib: Option<u64>,
    success: bool,
}

/// Runs `command` under `/usr/bin/time` when it exists (CPU time and peak memory), else times the wall
/// clock only.
fn timed(mut command: Command, scratch: &Path) -> Result<Timed, String> {
    let time = Path::new("/usr/bin/time");
    let report = scratch.join("time.txt");
    let started = Instant::now();
    let status = if time.is_file() {
        let mut wrapped = Command::new(time);
        wrapped.arg("-f").arg("%U %S %M").arg("-o").arg(&report).arg(command.get_program());
        wrapped.args(command.get_args());
        if let Some(dir) = command.get_current_dir() {
            wrapped.current_dir(dir);
        }
        for (key, value) in command.get_envs() {
            if let Some(value) = value {
                wrapped.env(key, value);
            }
        }
        command = wrapped;
        command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status()
    } else {
        command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status()
    }
    .map_err(|e| format!("cannot run {}: {e}", command.get_program().to_string_lossy()))?;
    let wall_secs = started.elapsed().as_secs_f64();
    let fields: Vec<f64> = std::fs::read_to_string(&report)
        .unwrap_or_default()
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let (cpu_secs, max_rss_kib) = match fields[..] {
        [user, sys, rss] => (Some(user + sys), Some(rss as u64)),
        _ => (None, None),
    };
    Ok(Timed { wall_secs, cpu_secs, max_rss_kib, success: status.success() })
}

pub(super) fn rust_lines(dir: &Path) -> usize {
    let mut lines = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && entry.file_name() != "target" {
                pending.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                lines += std::fs::read_to_string(&path).map(|t| t.lines().count()).unwrap_or(0);
            }
        }
    }
    lines
}

/// `cargo check` of the crate at `manifest` with its own target directory; returns whether it passed
/// and how many `error` diagnostics rustc printed.
fn cargo_check(manifest: &Path, target: &Path, extra: &[&str]) -> Result<(bool, usize, f64), String> {
    let started = Instant::now();
    let output = Command::new(crate::util::cargo())
        .args(["check", "--message-format", "short", "--manifest-path"])
        .arg(manifest)
        .args(extra)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo check: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = stderr.lines().filter(|l| l.contains(": error") || l.starts_with("error[")).count();
    Ok((output.status.success(), errors, secs))
}

/// A report section: its heading, then the measurement's paragraph, or why there is none.
fn section(heading: &str, measured: Result<String, String>) -> String {
    match measured {
        Ok(text) => format!("{heading}\n\n{text}"),
        Err(why) => format!("{heading}\n\nNot measured: {why}.\n\n"),
    }
}

fn cpu(t: &Timed) -> String {
    match (t.cpu_secs, t.max_rss_kib) {
        (Some(cpu), Some(rss)) => format!("{cpu:.0} s of CPU, {:.0} MiB peak memory", rss as f64 / 1024.0),
        _ => "CPU time not measured (no /usr/bin/time)".to_owned(),
    }
}

/// openapi-generator 7.25.0 (`-g rust`) on the official description: time, output lines, and whether
/// its crate passes `cargo check`.
pub fn openapi_generator(root: &Path, scratch: &Path) -> String {
    section("### openapi-generator 7.25.0 (`-g rust`)", run_openapi_generator(root, scratch))
}

fn run_openapi_generator(root: &Path, scratch: &Path) -> Result<String, String> {
    let install = Command::new("bash")
        .arg(root.join("tools/install-openapi-generator.sh"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run tools/install-openapi-generator.sh: {e}"))?;
    if !install.status.success() {
        return Err(format!(
            "tools/install-openapi-generator.sh failed: {}",
            String::from_utf8_lossy(&install.stderr).trim()
        ));
    }
    let jar = PathBuf::from(String::from_utf8_lossy(&install.stdout).trim());
    let out_dir = scratch.join("openapi-generator-rust");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(scratch).map_err(|e| e.to_string())?;
    let mut java = Command::new("java");
    // The official description is larger than SnakeYAML's default 3 MB code point limit.
    java.arg("-DmaxYamlCodePoints=20000000").arg("-jar").arg(&jar);
    java.args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
        .arg(root.join(OFFICIAL))
        .arg("-o")
        .arg(&out_dir);
    eprintln!("bench: openapi-generator on {OFFICIAL} (minutes)");
    let run = timed(java, scratch)?;
    if !run.success {
        return Err(format!("it failed after {:.0} s", run.wall_secs));
    }
    let lines = rust_lines(&out_dir);
    // The scratch folder is inside the bench workspace's folder: without a `[workspace]` table of its own,
    // cargo refuses the crate before compiling anything ("believes it's in a workspace when it's not").
    let manifest = out_dir.join("Cargo.toml");
    let toml = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if !toml.lines().any(|l| l.trim() == "[workspace]") {
        std::fs::write(&manifest, format!("{toml}\n[workspace]\n"))
            .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    }
    eprintln!("bench: cargo check of openapi-generator's crate");
    let (ok, errors, _) = cargo_check(&manifest, &scratch.join("openapi-generator-target"), &[])?;
    let verdict = match (ok, errors) {
        (true, _) => "passes".to_owned(),
        (false, 0) => "fails before compiling (a cargo error, not a rustc one)".to_owned(),
        (false, n) => format!("fails with {n} error(s)"),
    };
    Ok(format!(
        "One run, timed by the OS: {:.0} s wall clock ({}), {lines} lines of Rust; `cargo check` of its crate {verdict}. \
         Run as `java -DmaxYamlCodePoints=20000000 -jar openapi-generator.jar generate -g rust --skip-validate-spec` on \
         the unmodified file (installed by `tools/install-openapi-generator.sh` from PyPI's `openapi-generator-cli==7.25.0`).\n\n",
        run.wall_secs,
        cpu(&run)
    ))
}

/// `cargo check` of our full client from warm dependencies: every feature, then each single feature
/// alone when the crate has features (one per tag), the first one timed.
pub fn full_client_check(root: &Path, scratch: &Path) -> String {
    section("### `cargo check` of the generated full client", run_full_client_check(root, scratch))
}

fn run_full_client_check(root: &Path, scratch: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join(OFFICIAL)).map_err(|e| format!("cannot read {OFFICIAL}: {e}"))?;
    let generated = atlas_codegen::generate(OFFICIAL, &text).map_err(|d| {
        let errors = d.items().iter().filter(|x| x.severity == atlas_codegen::Severity::Error).count();
        format!("the official description does not generate yet ({errors} errors)")
    })?;
    let dir = scratch.join("official-client");
    atlas_codegen::write::write(&dir, &generated.files, atlas_codegen::write::Scope::Whole)?;
    let manifest = crate::util::standalone(&dir)?;
    let lines: usize =
        generated.files.iter().filter(|f| f.path.ends_with(".rs")).map(|f| f.contents.lines().count()).sum();
    let target = scratch.join("official-client-target");
    // Warm the dependencies once; then touch the crate so only it is checked again.
    let (ok, errors, cold) = cargo_check(&manifest, &target, &[])?;
    if !ok {
        return Err(format!("the generated crate does not pass `cargo check` ({errors} errors)"));
    }
    let touch = || std::fs::write(dir.join("src/lib.rs"), std::fs::read(dir.join("src/lib.rs")).unwrap_or_default());
    touch().map_err(|e| e.to_string())?;
    let (_, _, all) = cargo_check(&manifest, &target, &[])?;
    let toml = std::fs::read_to_string(&manifest).unwrap_or_default();
    let features: Vec<String> = toml
        .lines()
        .skip_while(|l| l.trim() != "[features]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
        .filter(|k| !k.is_empty() && k != "default")
        .collect();
    let mut out = format!(
        "{lines} lines of Rust in {} files. First `cargo check` (dependencies included) {cold:.0} s; again after touching \
         `src/lib.rs`, every feature: {all:.1} s.",
        generated.files.len()
    );
    if let Some(one) = features.iter().find(|f| f.as_str() == "programmatic-api-keys").or(features.first()) {
        let flags = ["--no-default-features", "--features", one.as_str()];
        cargo_check(&manifest, &target, &flags)?;
        touch().map_err(|e| e.to_string())?;
        let (ok, _, single) = cargo_check(&manifest, &target, &flags)?;
        let verdict = if ok { format!("{single:.1} s") } else { "fails".to_owned() };
        let _ = write!(
            out,
            " One tag alone (`--no-default-features --features {one}`, of {} tag features): {verdict}.",
            features.len()
        );
    } else {
        out.push_str(" The crate has no tag features.");
    }
    out.push_str("\n\n");
    Ok(out)
}

/// The dependencies progenitor 0.15.1's output names (its client crate, then what typify's types use:
/// `chrono` for date-times, `uuid`, `regress` for patterns); progenitor-client 0.15 is built on reqwest 0.13.
pub(super) const PROGENITOR_DEPENDENCIES: &str = r#"progenitor-client = "=0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "stream", "query"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", features = ["serde"] }
uuid = { version = "1", features = ["serde"] }
regress = "0.10"
futures = "0.3"
bytes = "1"
"#;

/// progenitor's output for its rewritten copy of the official description (see section 1b), as a crate:
/// does it pass `cargo check`, and how long does that take from warm dependencies.
pub fn progenitor_check(bench_target: &Path, scratch: &Path) -> String {
    section("### `cargo check` of progenitor's client", run_progenitor_check(bench_target, scratch))
}

fn run_progenitor_check(bench_target: &Path, scratch: &Path) -> Result<String, String> {
    let probe = bench_target.join("release").join("progenitor-probe");
    let dir = scratch.join("progenitor-client");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let lib = dir.join("src").join("lib.rs");
    let spec = bench_target.parent().and_then(Path::parent).map(|root| root.join(OFFICIAL)).unwrap_or_default();
    let run = Command::new(&probe)
        .arg(&spec)
        .arg(&lib)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", probe.display()))?;
    if !run.status.success() {
        return Err("progenitor does not generate its copy of the description (see section 1b)".to_owned());
    }
    let manifest = dir.join("Cargo.toml");
    let toml = format!(
        "[package]\nname = \"progenitor-atlas\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{PROGENITOR_DEPENDENCIES}"
    );
    std::fs::write(&manifest, toml).map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    let target = scratch.join("progenitor-client-target");
    eprintln!("bench: cargo check of progenitor's crate");
    let (ok, errors, cold) = cargo_check(&manifest, &target, &[])?;
    if !ok {
        return Ok(format!(
            "{} lines of Rust in one file; `cargo check` fails with {errors} error(s) ({cold:.0} s).\n\n",
            rust_lines(&dir)
        ));
    }
    std::fs::write(&lib, std::fs::read(&lib).unwrap_or_default()).map_err(|e| e.to_string())?;
    let (_, _, warm) = cargo_check(&manifest, &target, &[])?;
    Ok(format!(
        "{} lines of Rust in one file (no features: the whole API or nothing). First `cargo check` (dependencies \
         included) {cold:.0} s; again after touching `src/lib.rs`: {warm:.1} s.\n\n",
        rust_lines(&dir)
    ))
}
