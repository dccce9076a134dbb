//! Running the three generators and `cargo check` on one description, each as a child process with a time
//! limit (atlas-codegen generates in this process, as `check-real` does: it has no timeout, and takes under
//! a second on every description).

use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::outcome::{classify, first_error, rustc_errors, shorten, Check, Exit, Generation, Tool};

/// What a tool needs to run, found once per run.
pub struct Setup {
    pub root: PathBuf,
    /// `bench/target/release/progenitor-probe`.
    pub probe: PathBuf,
    /// openapi-generator's jar, from `tools/install-openapi-generator.sh`.
    pub jar: Option<PathBuf>,
    pub generation_timeout: Duration,
    pub check_timeout: Duration,
    /// Where outputs and target directories go (`bench/target/corpus/`).
    pub scratch: PathBuf,
}

/// The dependencies progenitor 0.15.1's output names: shared with section 1b's check.
const PROGENITOR_DEPENDENCIES: &str = super::super::external::PROGENITOR_DEPENDENCIES;

/// What progenitor's output for a websocket channel (`x-dropshot-websocket`, as in nexus) names besides: the
/// `Sec-WebSocket-Key` is 16 random bytes in base64.
const PROGENITOR_WEBSOCKET: &str = "base64 = \"0.22\"\nrand = \"0.9\"\n";

/// A child process's end, with its stderr (kept in a file: a pipe could fill and stall the child).
pub struct Ran {
    pub exit: Exit,
    pub stderr: String,
    pub secs: f64,
}

/// Runs `command` in a process group of its own and kills the whole group (cargo and its rustc children,
/// java) at `limit`.
pub fn run_limited(mut command: Command, limit: Duration, log: &Path) -> Result<Ran, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let stderr = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            timed_out = true;
            // `--` first: util-linux's kill reads `-<pgid>` alone as an option.
            let group = Command::new("kill").args(["-s", "KILL", "--"]).arg(format!("-{}", child.id())).status();
            if !group.is_ok_and(|s| s.success()) {
                let _ = child.kill();
            }
            break child.wait().map_err(|e| e.to_string())?;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let secs = started.elapsed().as_secs_f64();
    let text = std::fs::read(log).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    Ok(Ran { exit: Exit { code: status.code(), signal: status.signal(), timed_out }, stderr: text, secs })
}

/// Generates `description` with `tool` into `out` (a crate folder), returning the outcome and its wall time.
pub fn generate(setup: &Setup, tool: Tool, description: &str, out: &Path) -> Result<(Generation, f64), String> {
    let rel = format!("{}/{description}", crate::verify::check_real::CORPUS);
    let spec = setup.root.join(&rel);
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let log = out.with_extension("generate.log");
    let minutes = setup.generation_timeout.as_secs() / 60;
    match tool {
        Tool::AtlasCodegen => {
            let started = Instant::now();
            let generated =
                catch_unwind(AssertUnwindSafe(|| atlas_codegen::generate_path(&spec, &rel, &Default::default())));
            let secs = started.elapsed().as_secs_f64();
            let outcome = match generated {
                Err(panic) => {
                    let message = crate::util::panic_message(&*panic);
                    Generation::Panicked { message: shorten(&message) }
                }
                Ok(Err(diagnostics)) => {
                    let errors: Vec<_> =
                        diagnostics.items().iter().filter(|d| d.severity == atlas_codegen::Severity::Error).collect();
                    let first = errors.first().map(|d| d.message.clone()).unwrap_or_default();
                    Generation::Refused { message: shorten(&format!("{} error(s), first: {first}", errors.len())) }
                }
                Ok(Ok(generated)) => {
                    atlas_codegen::write::write(out, &generated.files, atlas_codegen::write::Scope::Whole)?;
                    crate::util::standalone(out)?;
                    Generation::Generated { lines: super::super::external::rust_lines(out) }
                }
            };
            Ok((outcome, secs))
        }
        Tool::Progenitor => {
            std::fs::create_dir_all(out.join("src")).map_err(|e| e.to_string())?;
            let mut probe = Command::new(&setup.probe);
            probe.arg("--as-is").arg(&spec).arg(out.join("src/lib.rs"));
            let ran = run_limited(probe, setup.generation_timeout, &log)?;
            if let Err(failed) = classify(tool, ran.exit, &ran.stderr, minutes) {
                return Ok((failed, ran.secs));
            }
            let toml = format!(
                "[package]\nname = \"progenitor-corpus\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [workspace]\n\n[dependencies]\n{PROGENITOR_DEPENDENCIES}{PROGENITOR_WEBSOCKET}"
            );
            std::fs::write(out.join("Cargo.toml"), toml).map_err(|e| e.to_string())?;
            Ok((Generation::Generated { lines: super::super::external::rust_lines(out) }, ran.secs))
        }
        Tool::OpenapiGenerator => {
            let jar = setup.jar.as_ref().ok_or("openapi-generator is not installed")?;
            let mut java = Command::new("java");
            // Large descriptions exceed SnakeYAML's default 3 MB code point limit; validation is skipped as in
            // section 1b (it refuses most real descriptions for details every other tool accepts).
            java.arg("-DmaxYamlCodePoints=50000000").arg("-jar").arg(jar);
            java.args(["generate", "-g", "rust", "--skip-validate-spec", "-i"]).arg(&spec).arg("-o").arg(out);
            let ran = run_limited(java, setup.generation_timeout, &log)?;
            if let Err(failed) = classify(tool, ran.exit, &ran.stderr, minutes) {
                return Ok((failed, ran.secs));
            }
            let manifest = out.join("Cargo.toml");
            let Ok(toml) = std::fs::read_to_string(&manifest) else {
                return Ok((
                    Generation::Refused { message: "exited 0 without writing a Cargo.toml".to_owned() },
                    ran.secs,
                ));
            };
            // The output folder is inside the bench workspace's folder: a `[workspace]` table of its own keeps
            // cargo from refusing it. The only change made to the output.
            if !toml.lines().any(|l| l.trim() == "[workspace]") {
                std::fs::write(&manifest, format!("{toml}\n[workspace]\n")).map_err(|e| e.to_string())?;
            }
            Ok((Generation::Generated { lines: super::super::external::rust_lines(out) }, ran.secs))
        }
    }
}

/// `cargo check --lib` of the crate in `dir`, with the tool's shared target directory: first a copy of its
/// manifest with an empty `src/lib.rs` (builds the dependencies it needs, untimed), then the crate, timed.
/// atlas-codegen's crates are checked with warnings denied (its own standard, as in `check-real`); the
/// peers' with warnings allowed (their output is not ours to lint).
pub fn check(setup: &Setup, tool: Tool, dir: &Path) -> Result<Check, String> {
    let target = setup.scratch.join(format!("target-{}", tool.name()));
    let manifest = dir.join("Cargo.toml");
    let deps = dir.with_extension("deps");
    let _ = std::fs::remove_dir_all(&deps);
    std::fs::create_dir_all(deps.join("src")).map_err(|e| e.to_string())?;
    let toml = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    std::fs::write(deps.join("Cargo.toml"), renamed(&toml)).map_err(|e| e.to_string())?;
    std::fs::write(deps.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    let cargo = |manifest: &Path| {
        let mut command = Command::new(crate::util::cargo());
        command.args(["check", "--lib", "--message-format", "short", "--manifest-path"]).arg(manifest);
        command.env("CARGO_TARGET_DIR", &target).env_remove("RUSTFLAGS");
        if tool == Tool::AtlasCodegen {
            command.env("RUSTFLAGS", "-D warnings");
        }
        command
    };
    // Dependencies first; a failure here shows again, with its message, in the timed check.
    let limit = setup.check_timeout;
    run_limited(cargo(&deps.join("Cargo.toml")), limit, &dir.with_extension("deps.log"))?;
    // The crate's root file newer than any fingerprint of an earlier crate of the same name and version in this
    // target directory (every openapi-generator crate is `openapi`), so cargo cannot take it as fresh.
    let lib = dir.join("src/lib.rs");
    std::fs::File::options()
        .append(true)
        .open(&lib)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", lib.display()))?;
    let ran = run_limited(cargo(&manifest), limit, &dir.with_extension("check.log"))?;
    Ok(if ran.exit.timed_out {
        Check::TimedOut { minutes: limit.as_secs() / 60 }
    } else if ran.exit.code == Some(0) {
        Check::Compiled { secs: ran.secs }
    } else {
        Check::Failed { errors: rustc_errors(&ran.stderr), secs: ran.secs, message: first_error(&ran.stderr) }
    })
}

/// The manifest with its package renamed `corpus-deps-only`: the dependency-only copy must not share the
/// crate's name and version, or cargo (which leaves a path package's folder out of its fingerprint key) would
/// take the crate's own check for done by the copy's.
fn renamed(toml: &str) -> String {
    let mut in_package = false;
    let mut done = false;
    let mut out = String::new();
    for line in toml.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        if in_package && !done && trimmed.split('=').next().is_some_and(|k| k.trim() == "name") {
            out.push_str("name = \"corpus-deps-only\"");
            done = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_past_its_limit_is_killed_with_its_group_and_stderr_is_kept() {
        let log = std::env::temp_dir().join(format!("corpus-run-limited-{}.log", std::process::id()));
        let mut sleeper = Command::new("sh");
        // The shell's own child must die too: the kill goes to the process group.
        sleeper.args(["-c", "echo started >&2; sleep 30; echo never >&2"]);
        let ran = run_limited(sleeper, Duration::from_millis(300), &log).unwrap();
        assert!(ran.exit.timed_out && ran.exit.signal == Some(9), "{:?}", ran.exit);
        assert!(ran.secs < 10.0, "{}", ran.secs);
        assert_eq!(ran.stderr, "started\n");
        let mut failing = Command::new("sh");
        failing.args(["-c", "echo boom >&2; exit 3"]);
        let ran = run_limited(failing, Duration::from_secs(30), &log).unwrap();
        assert_eq!((ran.exit.code, ran.exit.timed_out, ran.stderr.as_str()), (Some(3), false, "boom\n"));
        std::fs::remove_file(&log).unwrap();
    }

    #[test]
    fn the_dependency_copy_renames_the_package_only() {
        let toml = "[package]\nversion = \"1.0.0\"\nname = \"openapi\"\n\n[dependencies]\nname = { version = \"1\" }\n";
        assert_eq!(
            renamed(toml),
            "[package]\nversion = \"1.0.0\"\nname = \"corpus-deps-only\"\n\n[dependencies]\nname = { version = \"1\" }\n"
        );
    }
}
