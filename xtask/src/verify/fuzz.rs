//! `cargo xtask fuzz [--time SECONDS] [--target NAME]`: coverage-guided fuzzing of the generator with
//! cargo-fuzz (libFuzzer), the targets of `generator/fuzz/`.
//!
//! Checks for cargo-fuzz (and says how to install it) and for the nightly toolchain (without it, says so
//! and builds with the default toolchain: see [`check_tools`]), seeds each target's corpus from the fixtures and the small real-world descriptions, builds
//! the targets, runs each for the given time and prints its executions, coverage (`cov:`, the edges
//! reached, and `ft:`, libFuzzer's finer features) and crashes. Fails when a target crashes or hangs,
//! naming the input libFuzzer saved.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fuzz workspace, relative to the repository root.
const FUZZ_DIR: &str = "generator/fuzz";
/// Every target, in the order they run.
const TARGETS: &[&str] = &["read", "lower", "generate", "mutate"];
/// Seconds per target without `--time`: a smoke run.
const DEFAULT_SECONDS: u64 = 20;
/// Seeds larger than this stay out of the corpus: libFuzzer's mutations of a big file are slow and
/// mostly break its syntax; the structure-aware target covers large documents.
const MAX_SEED_BYTES: u64 = 64 * 1024;
/// A single input running longer than this is a hang (generous: the machine is shared).
const HANG_SECONDS: u64 = 20;

struct Options {
    seconds: u64,
    targets: Vec<&'static str>,
}

/// One target's run, from libFuzzer's final statistics.
struct Outcome {
    target: &'static str,
    executions: Option<u64>,
    coverage: Option<(u64, u64)>,
    /// The input libFuzzer saved for a crash, a timeout or running out of memory.
    finding: Option<String>,
    log: PathBuf,
    success: bool,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let nightly = check_tools()?;
    let fuzz_dir = root.join(FUZZ_DIR);
    for target in &options.targets {
        let count = seed(root, &fuzz_dir, target)?;
        println!("fuzz: {target}: {count} seed inputs in {FUZZ_DIR}/corpus/{target}");
    }
    let toolchain = if nightly { "cargo +nightly" } else { "cargo" };
    println!("fuzz: building the targets ({toolchain} fuzz build)");
    let status = fuzz_cargo(root, nightly)
        .args(["fuzz", "build", "--fuzz-dir", FUZZ_DIR, "--sanitizer", "none"])
        .status()
        .map_err(|e| format!("fuzz: could not run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("fuzz: building the fuzz targets failed ({status})"));
    }
    let outcomes: Vec<Outcome> = options
        .targets
        .iter()
        .map(|target| run_target(root, nightly, target, options.seconds))
        .collect::<Result<_, _>>()?;

    println!("\nfuzz: {} s per target", options.seconds);
    println!("{:<10} {:>12} {:>8} {:>8}  finding", "target", "executions", "cov", "ft");
    for o in &outcomes {
        let (cov, ft) = o.coverage.map_or(("?".to_owned(), "?".to_owned()), |(c, f)| (c.to_string(), f.to_string()));
        let executions = o.executions.map_or("?".to_owned(), |n| n.to_string());
        let finding = o.finding.as_deref().unwrap_or(if o.success { "none" } else { "failed (see the log)" });
        println!("{:<10} {executions:>12} {cov:>8} {ft:>8}  {finding}", o.target);
    }
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.success)
        .map(|o| {
            let input = o.finding.as_deref().unwrap_or("no input saved");
            format!(
                "  {}: {input} (log: {}; reproduce: cargo +nightly fuzz run --fuzz-dir {FUZZ_DIR} -s none {} {input}; \
                 minimise: cargo +nightly fuzz tmin --fuzz-dir {FUZZ_DIR} -s none {} {input})",
                o.target,
                o.log.display(),
                o.target,
                o.target
            )
        })
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz: {} target(s) found a crash or hang:\n{}", failed.len(), failed.join("\n")))
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { seconds: DEFAULT_SECONDS, targets: TARGETS.to_vec() };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--time" => {
                let value = args.next().ok_or("fuzz: --time needs a number of seconds")?;
                options.seconds =
                    value.parse().map_err(|_| format!("fuzz: --time {value}: not a number of seconds"))?;
            }
            "--target" => {
                let value = args.next().ok_or("fuzz: --target needs a target name")?;
                let target = TARGETS
                    .iter()
                    .find(|t| **t == value)
                    .ok_or_else(|| format!("fuzz: unknown target `{value}` (targets: {})", TARGETS.join(", ")))?;
                options.targets = vec![target];
            }
            other => return Err(format!("fuzz: unknown argument `{other}`")),
        }
    }
    Ok(options)
}

/// `cargo +nightly` (or the default toolchain's `cargo` when `nightly` is false) from the rustup proxy
/// on the PATH, without the variables `cargo xtask` (a stable cargo) sets, which would pin the nested
/// cargo to stable.
fn fuzz_cargo(root: &Path, nightly: bool) -> Command {
    let mut command = Command::new("cargo");
    if nightly {
        command.arg("+nightly");
    }
    command.current_dir(root).stdin(Stdio::null());
    for var in ["RUSTUP_TOOLCHAIN", "CARGO", "RUSTC", "RUSTDOC", "CARGO_TARGET_DIR"] {
        command.env_remove(var);
    }
    command
}

/// Whether the nightly toolchain is installed (saying so when it is not), after checking cargo-fuzz.
///
/// libFuzzer's instrumentation (`-Cpasses=sancov-module` and the `-sanitizer-coverage-*` LLVM options)
/// is stable; only sanitizers need nightly. The targets run with `--sanitizer none` (the generator has
/// no unsafe code), so without nightly they are built with the default toolchain instead.
fn check_tools() -> Result<bool, String> {
    let nightly = fuzz_cargo(Path::new("."), true).arg("--version").output().is_ok_and(|out| out.status.success());
    if !nightly {
        println!(
            "fuzz: the nightly toolchain is not installed (`rustup toolchain install nightly`); building the \
             targets with the default toolchain instead, which works because they run without a sanitizer"
        );
    }
    let fuzz = fuzz_cargo(Path::new("."), nightly).args(["fuzz", "--version"]).output();
    if !fuzz.is_ok_and(|out| out.status.success()) {
        return Err("fuzz: cargo-fuzz is not installed; install it with `cargo install cargo-fuzz --locked`".to_owned());
    }
    Ok(nightly)
}

/// Fills `corpus/TARGET` with the seeds; returns how many there are. Byte targets get the fixture
/// specs and the small real-world descriptions; the structure-aware `mutate` target reads its specs
/// from the binary, so its seeds are one unedited input per embedded spec.
fn seed(root: &Path, fuzz_dir: &Path, target: &str) -> Result<usize, String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("fuzz: cannot create {}: {e}", corpus.display()))?;
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(corpus.join(name), bytes).map_err(|e| format!("fuzz: cannot write a seed: {e}"))
    };
    if target == "mutate" {
        // `Input { seed, options, edits }`: the seed index, default options, no edits.
        for index in 0..16u8 {
            write(&format!("seed-{index:02}"), &[index, 0])?;
        }
        return Ok(16);
    }
    let mut count = 0;
    for dir in ["good", "bad", "real"] {
        for spec in crate::util::specs_in(root, &format!("generator/tests/fixtures/{dir}"), &["yaml", "yml", "json"])? {
            let small = std::fs::metadata(&spec).is_ok_and(|m| m.len() <= MAX_SEED_BYTES);
            let Some(name) = spec.file_name().and_then(|n| n.to_str()) else { continue };
            if small {
                let bytes = std::fs::read(&spec).map_err(|e| format!("fuzz: cannot read {}: {e}", spec.display()))?;
                write(&format!("{dir}-{name}"), &bytes)?;
                count += 1;
            }
        }
    }
    Ok(count)
}

fn run_target(root: &Path, nightly: bool, target: &'static str, seconds: u64) -> Result<Outcome, String> {
    let fuzz_dir = root.join(FUZZ_DIR);
    // cargo fuzz saves findings to artifacts/TARGET and reads the corpus from corpus/TARGET.
    let artifacts = fuzz_dir.join("artifacts").join(target);
    std::fs::create_dir_all(&artifacts).map_err(|e| format!("fuzz: cannot create {}: {e}", artifacts.display()))?;
    let log = fuzz_dir.join("artifacts").join(format!("{target}.log"));
    println!("fuzz: running {target} for {seconds} s (log: {})", log.display());
    // libFuzzer's status lines go straight to the log, so a long run can be watched (`tail -f`).
    let file = std::fs::File::create(&log).map_err(|e| format!("fuzz: cannot create {}: {e}", log.display()))?;
    let file2 = file.try_clone().map_err(|e| format!("fuzz: cannot reopen {}: {e}", log.display()))?;
    let status = fuzz_cargo(root, nightly)
        .args(["fuzz", "run", "--fuzz-dir", FUZZ_DIR, "--sanitizer", "none", target, "--"])
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={HANG_SECONDS}"))
        .args(length_limits(target))
        .arg("-rss_limit_mb=4096")
        .arg("-print_final_stats=1")
        .stdout(file)
        .stderr(file2)
        .status()
        .map_err(|e| format!("fuzz: could not run cargo fuzz: {e}"))?;
    let text = std::fs::read_to_string(&log).map_err(|e| format!("fuzz: cannot read {}: {e}", log.display()))?;
    Ok(Outcome {
        target,
        executions: stat(&text, "stat::number_of_executed_units:"),
        coverage: coverage(&text),
        finding: finding(&text),
        log,
        success: status.success(),
    })
}

/// libFuzzer's input size limits. The byte targets start from seeds of up to [`MAX_SEED_BYTES`]. The
/// `mutate` target's input is a list of edits, a few bytes each: libFuzzer would otherwise grow its
/// inputs from 4 bytes slowly (`lim: 4` for minutes), leaving no room for edits.
fn length_limits(target: &str) -> Vec<String> {
    if target == "mutate" {
        vec!["-max_len=1024".to_owned(), "-len_control=0".to_owned()]
    } else {
        vec![format!("-max_len={MAX_SEED_BYTES}")]
    }
}

/// A number from one of libFuzzer's `-print_final_stats` lines.
fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines().rev().find_map(|line| line.trim().strip_prefix(name)).and_then(|n| n.trim().parse().ok())
}

/// The last `cov: N ft: M` libFuzzer printed (its status lines: `#1234 REDUCE cov: 5 ft: 9 corp: ...`).
fn coverage(log: &str) -> Option<(u64, u64)> {
    log.lines().rev().find_map(|line| {
        let after = |key: &str| {
            let mut words = line.split_whitespace().skip_while(|w| *w != key);
            words.nth(1).and_then(|n| n.parse().ok())
        };
        Some((after("cov:")?, after("ft:")?))
    })
}

/// The file libFuzzer saved a crashing, hanging or memory-exhausting input to.
fn finding(log: &str) -> Option<String> {
    log.lines().find_map(|line| line.split_once("Test unit written to ").map(|(_, path)| path.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "#2\tINITED cov: 812 ft: 1200 corp: 40/30Kb exec/s: 0 rss: 80Mb\n\
        #4096\tREDUCE cov: 950 ft: 1503 corp: 61/40Kb lim: 4096 exec/s: 204 rss: 120Mb L: 10/200 MS: 1 EraseBytes-\n\
        ==12== ERROR: libFuzzer: deadly signal\n\
        artifact_prefix='a/'; Test unit written to a/crash-0123abcd\n\
        stat::number_of_executed_units: 5120\n\
        stat::peak_rss_mb:              130\n";

    #[test]
    fn reads_libfuzzer_final_stats() {
        assert_eq!(stat(LOG, "stat::number_of_executed_units:"), Some(5120));
        assert_eq!(coverage(LOG), Some((950, 1503)));
        assert_eq!(finding(LOG).as_deref(), Some("a/crash-0123abcd"));
        assert_eq!(finding("#1 DONE cov: 3 ft: 4"), None);
    }

    #[test]
    fn parses_time_and_target() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let options = parse(&args(&["--time", "600", "--target", "lower"])).unwrap();
        assert_eq!((options.seconds, options.targets), (600, vec!["lower"]));
        assert_eq!(parse(&[]).unwrap().seconds, DEFAULT_SECONDS);
        assert!(parse(&args(&["--target", "nope"])).is_err());
        assert!(parse(&args(&["--time", "soon"])).is_err());
    }
}
