//! The parts of `cargo xtask bench` that criterion cannot time, all on the vendored official Atlas
//! description: openapi-generator's `rust` generator (a Java process, run once, timed by the OS), and
//! compiling our full generated client and progenitor's, one after the other in the same run: first
//! `cargo check` and first `cargo build --release` from an empty target directory, each again after a
//! touch (see [`compile_times`]), with a side-by-side table; ours also cold with `native-tls` instead of
//! `rustls` (see [`cold_builds`]). Each returns its Markdown; a tool that is missing or fails is
//! reported, never fatal.

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

/// `cargo check` of the crate at `manifest` with its own target directory; returns whether it passed,
/// how many `error` diagnostics rustc printed and the wall-clock seconds.
fn cargo_check(manifest: &Path, target: &Path, extra: &[&str]) -> Result<(bool, usize, f64), String> {
    cargo_timed("check", manifest, target, extra)
}

/// `cargo <verb>` (`check`, `build`) of the crate at `manifest`, as [`cargo_check`].
fn cargo_timed(verb: &str, manifest: &Path, target: &Path, extra: &[&str]) -> Result<(bool, usize, f64), String> {
    let started = Instant::now();
    let output = Command::new(crate::util::cargo())
        .args([verb, "--message-format", "short", "--manifest-path"])
        .arg(manifest)
        .args(extra)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo {verb}: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = stderr.lines().filter(|l| l.contains(": error") || l.starts_with("error[")).count();
    Ok((output.status.success(), errors, secs))
}

/// What compiling one generated crate costs a team, each step from the state the one before left:
/// an empty target directory, then a touch of `src/lib.rs`, then a release build (whose artefacts a
/// check does not provide), then a touch again.
#[derive(Clone)]
pub struct CompileTimes {
    /// First `cargo check`, dependencies included.
    check_cold: f64,
    /// `cargo check` after touching `src/lib.rs`: the crate alone.
    check_touched: f64,
    /// First `cargo build --release` (dependencies built for the release profile too).
    release_cold: f64,
    /// `cargo build --release` after touching `src/lib.rs`: the crate alone.
    release_touched: f64,
    /// The slowest units of the first check and of the first release build (cargo's `--timings`).
    check_slowest: Vec<(String, f64)>,
    release_slowest: Vec<(String, f64)>,
    /// Our crate only: the first check and first release build again with `native-tls` instead of the
    /// default `rustls` (every tag still on), from another empty target directory; `None` when it
    /// was not measured or did not build (no OpenSSL headers).
    native_tls: Option<ColdBuilds>,
}

/// A first `cargo check` and a first `cargo build --release`, each from an empty target directory.
#[derive(Clone, Copy)]
pub struct ColdBuilds {
    check: f64,
    release: f64,
}

/// How many of the slowest units the report names per build.
const SLOWEST_UNITS: usize = 6;

/// The `n` slowest units (a crate, or a build script's run) of the last `cargo --timings` build in
/// `target`, with their wall-clock seconds, read from the `UNIT_DATA` array of cargo's HTML report.
/// Empty when the report is missing or its shape changed.
fn slowest_units(target: &Path, n: usize) -> Vec<(String, f64)> {
    let html = std::fs::read_to_string(target.join("cargo-timings").join("cargo-timing.html")).unwrap_or_default();
    let Some(start) = html.find("const UNIT_DATA = ").map(|i| i + "const UNIT_DATA = ".len()) else {
        return Vec::new();
    };
    let Some(end) = html[start..].find("\n];").map(|i| start + i + 2) else { return Vec::new() };
    let Ok(serde_json::Value::Array(units)) = serde_json::from_str::<serde_json::Value>(&html[start..end]) else {
        return Vec::new();
    };
    let mut timed: Vec<(String, f64)> = units
        .iter()
        .filter_map(|unit| {
            let name = unit.get("name")?.as_str()?;
            let duration = unit.get("duration")?.as_f64()?;
            let script = unit.get("mode").and_then(|m| m.as_str()) == Some("run-custom-build");
            Some((if script { format!("{name} (build script)") } else { name.to_owned() }, duration))
        })
        .collect();
    timed.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    timed.truncate(n);
    timed
}

/// Measures [`CompileTimes`] of the crate in `dir` with the default features, from an empty `target`.
fn compile_times(dir: &Path, target: &Path) -> Result<CompileTimes, String> {
    let manifest = dir.join("Cargo.toml");
    if target.exists() {
        std::fs::remove_dir_all(target).map_err(|e| format!("cannot clear {}: {e}", target.display()))?;
    }
    let lib = dir.join("src").join("lib.rs");
    let touch = || {
        let text = std::fs::read(&lib).map_err(|e| format!("cannot read {}: {e}", lib.display()))?;
        std::fs::write(&lib, text).map_err(|e| format!("cannot touch {}: {e}", lib.display()))
    };
    let step = |verb: &str, extra: &[&str]| -> Result<f64, String> {
        let (ok, errors, secs) = cargo_timed(verb, &manifest, target, extra)?;
        if ok {
            Ok(secs)
        } else {
            Err(format!("`cargo {verb}` of {} fails ({errors} errors)", dir.display()))
        }
    };
    let check_cold = step("check", &["--timings"])?;
    let check_slowest = slowest_units(target, SLOWEST_UNITS);
    touch()?;
    let check_touched = step("check", &[])?;
    let release_cold = step("build", &["--release", "--timings"])?;
    let release_slowest = slowest_units(target, SLOWEST_UNITS);
    touch()?;
    let release_touched = step("build", &["--release"])?;
    Ok(CompileTimes {
        check_cold,
        check_touched,
        release_cold,
        release_touched,
        check_slowest,
        release_slowest,
        native_tls: None,
    })
}

/// [`ColdBuilds`] of the crate in `dir` with the default features off and `features` on, each from an
/// empty `target`: what the same crate costs with another set of dependencies.
fn cold_builds(dir: &Path, target: &Path, features: &str) -> Result<ColdBuilds, String> {
    let manifest = dir.join("Cargo.toml");
    let cold = |verb: &str, profile: &[&str]| -> Result<f64, String> {
        if target.exists() {
            std::fs::remove_dir_all(target).map_err(|e| format!("cannot clear {}: {e}", target.display()))?;
        }
        let mut extra = vec!["--no-default-features", "--features", features];
        extra.extend_from_slice(profile);
        match cargo_timed(verb, &manifest, target, &extra)? {
            (true, _, secs) => Ok(secs),
            (false, errors, _) => Err(format!("`cargo {verb} --features {features}` fails ({errors} errors)")),
        }
    };
    Ok(ColdBuilds { check: cold("check", &[])?, release: cold("build", &["--release"])? })
}

/// The side-by-side table of our whole-API crate's compile times and progenitor's, with the ratios and
/// issue 29's goal (at most 0.5x progenitor's for a first check and a first release build).
pub fn compile_side_by_side(ours: Option<CompileTimes>, theirs: Option<CompileTimes>) -> String {
    let heading = "### Compiling the whole-API client: ours and progenitor's, side by side";
    let (Some(ours), Some(theirs)) = (ours, theirs) else {
        return format!("{heading}\n\nNot measured: one of the two crates did not compile (see above).\n\n");
    };
    let mut out = format!(
        "{heading}\n\nOne crate after the other in this run, each from an empty target directory, default features (ours: \
         every tag feature, not `mock`; progenitor's has none). A touch is a rewrite of `src/lib.rs`: what a change to \
         the crate costs once its dependencies are built.\n\n| | ours | progenitor | ratio | goal |\n|---|---:|---:|---:|---|\n"
    );
    let rows = [
        ("first `cargo check` (dependencies included)", ours.check_cold, theirs.check_cold, "≤ 0.5×"),
        ("`cargo check` after a touch", ours.check_touched, theirs.check_touched, ""),
        ("first `cargo build --release` (dependencies included)", ours.release_cold, theirs.release_cold, "≤ 0.5×"),
        ("`cargo build --release` after a touch", ours.release_touched, theirs.release_touched, ""),
    ];
    for (what, a, b, goal) in rows {
        let met = match goal {
            "" => String::new(),
            _ if a / b <= 0.5 => format!("{goal} (met)"),
            _ => format!("{goal} (not met)"),
        };
        let _ = writeln!(out, "| {what} | {a:.1} s | {b:.1} s | {:.2}× | {met} |", a / b);
    }
    // The goal is measured with the defaults above; this only shows what the TLS backend costs.
    if let Some(native) = ours.native_tls {
        for (what, a, b) in [
            ("first `cargo check`, ours with `native-tls` instead of `rustls`", native.check, theirs.check_cold),
            (
                "first `cargo build --release`, ours with `native-tls` instead of `rustls`",
                native.release,
                theirs.release_cold,
            ),
        ] {
            let _ = writeln!(out, "| {what} | {a:.1} s | {b:.1} s | {:.2}× | (not the default) |", a / b);
        }
    }
    out.push_str(
        "\nWhere the first builds go: the slowest units of each (cargo's `--timings` report; a unit is a crate or a build \
         script's run, its time the wall clock from its start to its end, so units that ran side by side on the two cores \
         overlap):\n\n| | ours | progenitor |\n|---|---|---|\n",
    );
    let list = |units: &[(String, f64)]| -> String {
        if units.is_empty() {
            return "(no timings report)".to_owned();
        }
        units.iter().map(|(name, secs)| format!("{name} {secs:.1} s")).collect::<Vec<_>>().join(", ")
    };
    let _ = writeln!(out, "| first `cargo check` | {} | {} |", list(&ours.check_slowest), list(&theirs.check_slowest));
    let _ = writeln!(
        out,
        "| first `cargo build --release` | {} | {} |",
        list(&ours.release_slowest),
        list(&theirs.release_slowest)
    );
    out.push('\n');
    out
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

/// Compile times of our full client (see [`compile_times`]), then `cargo check` of one tag feature alone.
/// Returns the Markdown and the times for [`compile_side_by_side`].
pub fn full_client_check(root: &Path, scratch: &Path) -> (String, Option<CompileTimes>) {
    match run_full_client_check(root, scratch) {
        Ok((text, times)) => (section("### Compiling the generated full client", Ok(text)), Some(times)),
        Err(e) => (section("### Compiling the generated full client", Err(e)), None),
    }
}

fn run_full_client_check(root: &Path, scratch: &Path) -> Result<(String, CompileTimes), String> {
    let text = std::fs::read_to_string(root.join(OFFICIAL)).map_err(|e| format!("cannot read {OFFICIAL}: {e}"))?;
    let generated = atlas_codegen::generate(OFFICIAL, &text).map_err(|d| {
        let errors = d.items().iter().filter(|x| x.severity == atlas_codegen::Severity::Error).count();
        format!("the official description does not generate yet ({errors} errors)")
    })?;
    let dir = scratch.join("official-client");
    atlas_codegen::write::write(&dir, &generated.files, atlas_codegen::write::Scope::Whole)?;
    let manifest = crate::util::standalone(&dir)?;
    let rust = |f: &&atlas_codegen::GeneratedFile| f.path.ends_with(".rs");
    let lines: usize = generated.files.iter().filter(rust).map(|f| f.contents.lines().count()).sum();
    // The `mock` module is test support behind a feature no release build enables; counted apart.
    let mock_lines: usize = generated
        .files
        .iter()
        .filter(rust)
        .filter(|f| f.path.starts_with("src/mock"))
        .map(|f| f.contents.lines().count())
        .sum();
    // One request builder per operation, each naming its `operationId` once.
    let operations: usize = generated
        .files
        .iter()
        .filter(rust)
        .filter(|f| f.path.starts_with("src/operations"))
        .map(|f| f.contents.matches("const OPERATION: &'static str").count())
        .sum();
    let target = scratch.join("official-client-target");
    eprintln!("bench: compiling our full client");
    let times = compile_times(&dir, &target)?;
    let toml = std::fs::read_to_string(&manifest).unwrap_or_default();
    let features = tag_features(&toml);
    let without_mock = lines - mock_lines;
    let per_op = without_mock.checked_div(operations).map(|n| format!(" ({n} per operation)")).unwrap_or_default();
    let mut out = format!(
        "{lines} lines of Rust in {} files, of which {mock_lines} in the `mock` feature's module; without it \
         {without_mock}{per_op}. First `cargo check` (dependencies included) {:.0} s; again after touching `src/lib.rs`, \
         every tag feature: {:.1} s. First `cargo build --release` {:.0} s; after a touch {:.0} s.",
        generated.files.len(),
        times.check_cold,
        times.check_touched,
        times.release_cold,
        times.release_touched
    );
    if let Some(one) = features.iter().find(|f| f.as_str() == "programmatic-api-keys").or(features.first()) {
        let flags = ["--no-default-features", "--features", one.as_str()];
        cargo_check(&manifest, &target, &flags)?;
        std::fs::write(dir.join("src/lib.rs"), std::fs::read(dir.join("src/lib.rs")).unwrap_or_default())
            .map_err(|e| e.to_string())?;
        let (ok, _, single) = cargo_check(&manifest, &target, &flags)?;
        let verdict = if ok { format!("{single:.1} s") } else { "fails".to_owned() };
        let _ = write!(
            out,
            " One tag alone (`--no-default-features --features {one}`, of {} tag features), after a touch: {verdict}.",
            features.len()
        );
    } else {
        out.push_str(" The crate has no tag features.");
    }
    // The same crate with the platform's TLS library instead of rustls with aws-lc-rs (whose C build
    // is the longest dependency of both crates): what the choice of backend costs a clean build.
    let native = std::iter::once("native-tls").chain(features.iter().map(String::as_str)).collect::<Vec<_>>().join(",");
    let native_target = scratch.join("official-client-native-tls-target");
    eprintln!("bench: compiling our full client with native-tls");
    let mut times = times;
    match cold_builds(&dir, &native_target, &native) {
        Ok(cold) => {
            times.native_tls = Some(cold);
            let _ = write!(
                out,
                " With `native-tls` instead of `rustls` (defaults off, every tag on): first `cargo check` {:.0} s, first \
                 `cargo build --release` {:.0} s.",
                cold.check, cold.release
            );
        }
        Err(why) => {
            let _ = write!(out, " With `native-tls` instead of `rustls`: not measured ({why}).");
        }
    }
    // A release build's target is large; nothing reads this one again.
    let _ = std::fs::remove_dir_all(&native_target);
    out.push_str("\n\n");
    Ok((out, times))
}

/// The dependencies progenitor 0.15.1's output names (its client crate, then what typify's types use:
/// `chrono` for date-times, `uuid`, `regress` for patterns); progenitor-client 0.15 is built on reqwest 0.13.
/// reqwest gets `rustls`, as our crate's default features do: Atlas is HTTPS only, and the TLS stack
/// (aws-lc-rs, a C build) is a large share of a first build, so leaving it out of one side only would
/// compare dependency sets rather than generated code.
pub(super) const PROGENITOR_DEPENDENCIES: &str = r#"progenitor-client = "=0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "stream", "query", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", features = ["serde"] }
uuid = { version = "1", features = ["serde"] }
regress = "0.10"
futures = "0.3"
bytes = "1"
"#;

/// progenitor's output for its rewritten copy of the official description (see section 1b), as a crate:
/// does it compile, and what does that cost ([`compile_times`]).
pub fn progenitor_check(bench_target: &Path, scratch: &Path) -> (String, Option<CompileTimes>) {
    let heading = "### Compiling progenitor's client";
    match run_progenitor_check(bench_target, scratch) {
        Ok((text, times)) => (section(heading, Ok(text)), times),
        Err(e) => (section(heading, Err(e)), None),
    }
}

fn run_progenitor_check(bench_target: &Path, scratch: &Path) -> Result<(String, Option<CompileTimes>), String> {
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
    eprintln!("bench: compiling progenitor's crate");
    match compile_times(&dir, &target) {
        Ok(times) => Ok((
            format!(
                "{} lines of Rust in one file (no features: the whole API or nothing). First `cargo check` (dependencies \
                 included) {:.0} s; again after touching `src/lib.rs`: {:.1} s. First `cargo build --release` {:.0} s; \
                 after a touch {:.0} s.\n\n",
                rust_lines(&dir),
                times.check_cold,
                times.check_touched,
                times.release_cold,
                times.release_touched
            ),
            Some(times),
        )),
        Err(e) => Ok((format!("{} lines of Rust in one file; {e}.\n\n", rust_lines(&dir)), None)),
    }
}

/// The tag features of a generated crate's manifest: each enables nothing else (`name = []`), unlike
/// `default`, `mock` and the TLS backends.
fn tag_features(toml: &str) -> Vec<String> {
    toml.lines()
        .skip_while(|l| l.trim() != "[features]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split_once('=').filter(|(_, v)| v.trim() == "[]").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{compile_side_by_side, slowest_units, tag_features, ColdBuilds, CompileTimes};

    #[test]
    fn tag_features_leave_out_default_mock_and_the_tls_backends() {
        let toml = "[dependencies]\nx = []\n\n[features]\n# comment\ndefault = [\"rustls\", \"a\"]\nrustls = [\"reqwest/rustls\"]\n\
                    native-tls = [\"reqwest/native-tls\"]\nmock = [\"dep:wiremock\"]\na = []\nb-c = []\n\n[package.metadata.docs.rs]\nd = []\n";
        assert_eq!(tag_features(toml), ["a", "b-c"]);
    }

    fn times(check_cold: f64, release_cold: f64, native_tls: Option<ColdBuilds>) -> CompileTimes {
        CompileTimes {
            check_cold,
            check_touched: 1.0,
            release_cold,
            release_touched: 2.0,
            check_slowest: Vec::new(),
            release_slowest: Vec::new(),
            native_tls,
        }
    }

    #[test]
    fn the_side_by_side_table_says_which_goal_is_met_and_shows_the_other_tls_backend_apart() {
        let ours = times(50.0, 190.0, Some(ColdBuilds { check: 40.0, release: 150.0 }));
        let table = compile_side_by_side(Some(ours), Some(times(110.0, 170.0, None)));
        assert!(
            table.contains("| first `cargo check` (dependencies included) | 50.0 s | 110.0 s | 0.45× | ≤ 0.5× (met) |"),
            "{table}"
        );
        assert!(table.contains("| 190.0 s | 170.0 s | 1.12× | ≤ 0.5× (not met) |"), "{table}");
        assert!(table.contains("| first `cargo check`, ours with `native-tls` instead of `rustls` | 40.0 s | 110.0 s | 0.36× | (not the default) |"), "{table}");
        assert!(table.contains("instead of `rustls` | 150.0 s | 170.0 s | 0.88× |"), "{table}");
        let without = compile_side_by_side(Some(times(50.0, 190.0, None)), Some(times(110.0, 170.0, None)));
        assert!(!without.contains("native-tls"), "{without}");
        assert!(compile_side_by_side(None, Some(times(1.0, 1.0, None))).contains("Not measured"));
    }

    #[test]
    fn the_slowest_units_come_from_cargos_timings_report() {
        let dir = std::env::temp_dir().join(format!("xtask-timings-{}", std::process::id()));
        let reports = dir.join("cargo-timings");
        std::fs::create_dir_all(&reports).unwrap();
        let html = r#"<script>
const UNIT_DATA = [
  {"i": 1, "name": "serde_core", "mode": "todo", "target": "", "start": 0.0, "duration": 2.5},
  {"i": 2, "name": "aws-lc-sys", "mode": "run-custom-build", "target": " build-script", "start": 0.1, "duration": 40.25},
  {"i": 3, "name": "atlas-admin-client", "mode": "check", "target": "", "start": 41.0, "duration": 12.0}
];
const CONCURRENCY_DATA = [
];
</script>"#;
        std::fs::write(reports.join("cargo-timing.html"), html).unwrap();
        assert_eq!(
            slowest_units(&dir, 2),
            [("aws-lc-sys (build script)".to_owned(), 40.25), ("atlas-admin-client".to_owned(), 12.0)]
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(slowest_units(&dir, 2).is_empty(), "no report, no units");
    }
}
