//! `cargo xtask bench [--no-run] [--quick]`: runs the criterion benches of `bench/` (a workspace of
//! its own) and writes `BENCHMARKS.md` from criterion's estimates and the small JSON files the
//! benches write beside them.
//!
//! - `--no-run`: only builds the benches (what CI does);
//! - `--quick`: shorter warm-up and measurement, for trying the command; the report says so;
//! - `--corpus ...`: the three generators side by side on the public corpus instead (see [`corpus`]); it
//!   writes only its own section.
//!
//! The "## Findings" section of an existing `BENCHMARKS.md` is hand-written and kept as it is; so is the
//! corpus section, which only `--corpus` rewrites.

pub(crate) mod corpus;
pub(crate) mod external;
mod report;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use report::{read_json, read_results, report, Context};

const REPORT: &str = "BENCHMARKS.md";
const FINDINGS: &str = "## Findings";
/// Criterion options of a full run: sized so that all benches take a few minutes on 2 cores.
const FULL_ARGS: [&str; 4] = ["--warm-up-time", "0.5", "--measurement-time", "2"];
const QUICK_ARGS: [&str; 6] = ["--warm-up-time", "0.2", "--measurement-time", "0.5", "--sample-size", "10"];

/// Entry point of `cargo xtask bench`.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if args.first().is_some_and(|a| a == "--corpus") {
        return corpus::run(root, args);
    }
    if let Some(bad) = args.iter().find(|a| !matches!(a.as_str(), "--no-run" | "--quick")) {
        return Err(format!("unknown flag `{bad}` for bench (expected --no-run, --quick, or --corpus first)"));
    }
    let no_run = args.iter().any(|a| a == "--no-run");
    let quick = args.iter().any(|a| a == "--quick");
    let manifest = root.join("bench").join("Cargo.toml");
    let target = root.join("bench").join("target");
    let criterion_home = target.join("criterion");
    let extras = target.join("atlas-bench");

    let build_started = Instant::now();
    cargo(root, &["bench", "--manifest-path", "bench/Cargo.toml", "--no-run"], &[])?;
    let build_secs = build_started.elapsed().as_secs_f64();
    eprintln!("bench: built in {build_secs:.1} s");
    if no_run {
        return Ok(());
    }
    let _ = manifest;

    // Fresh results only: a renamed bench must not leave a stale figure behind.
    for dir in [&criterion_home, &extras] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
    }
    let criterion_args: &[&str] = if quick { &QUICK_ARGS } else { &FULL_ARGS };
    let mut bench_args = vec!["bench", "--manifest-path", "bench/Cargo.toml", "--"];
    bench_args.extend_from_slice(criterion_args);
    let env = [("CRITERION_HOME", criterion_home.clone()), ("ATLAS_BENCH_OUT", extras.clone())];
    let run_started = Instant::now();
    cargo(root, &bench_args, &env)?;
    let run_secs = run_started.elapsed().as_secs_f64();

    // What criterion cannot time: openapi-generator (a Java process) and `cargo check` of our full client and of
    // progenitor's.
    let scratch = target.join("external");
    let (ours, our_times) = external::full_client_check(root, &scratch);
    let (theirs, their_times) = external::progenitor_check(&target, &scratch);
    let external = format!(
        "{}{ours}{theirs}{}",
        external::openapi_generator(root, &scratch),
        external::compile_side_by_side(our_times, their_times)
    );

    let results = read_results(&criterion_home)?;
    if results.is_empty() {
        return Err(format!("no criterion estimates under {}", criterion_home.display()));
    }
    let extra = |name: &str| -> serde_json::Value {
        read_json(&extras.join(format!("{name}.json"))).ok().flatten().unwrap_or_default()
    };
    let command = format!("cargo xtask bench{}", if quick { " --quick" } else { "" });
    let cargo_command = format!("cargo {}", bench_args.join(" "));
    let report_path = root.join(REPORT);
    let old = std::fs::read_to_string(&report_path).unwrap_or_default();
    let findings = old
        .find(FINDINGS)
        .map(|at| old[at..].to_owned())
        .unwrap_or_else(|| format!("{FINDINGS}\n\n(none recorded yet)\n"));
    // The corpus section is measured by `--corpus` alone (hours); this run keeps it.
    let corpus = corpus::section::find(&old).map(|(start, end)| old[start..end].to_owned());
    let context = Context {
        command,
        cargo_command,
        quick,
        build_secs,
        run_secs,
        machine: machine(root),
        codegen_real: extra("codegen_real"),
        official: extra("codegen_official"),
        external,
        sweep: extra("codegen_sweep"),
        digest: extra("digest_counts"),
        payloads: extra("payloads"),
    };
    let mut text = report(&results, &context)?;
    text.push('\n');
    if let Some(corpus) = corpus {
        text.push_str(&corpus);
        text.push('\n');
    }
    text.push_str(&findings);
    std::fs::write(&report_path, text).map_err(|e| format!("cannot write {REPORT}: {e}"))?;
    eprintln!("bench: wrote {REPORT} ({} figures, {run_secs:.0} s of benchmarks)", results.len());
    Ok(())
}

fn cargo(root: &Path, args: &[&str], env: &[(&str, PathBuf)]) -> Result<(), String> {
    let cargo = crate::util::cargo();
    let mut command = Command::new(&cargo);
    command.args(args).current_dir(root);
    for (key, value) in env {
        command.env(key, value);
    }
    let status = command.status().map_err(|e| format!("cannot run {}: {e}", cargo.to_string_lossy()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed: {status}", args.join(" ")))
    }
}

// ---------------------------------------------------------------------------------------------------
// Machine
// ---------------------------------------------------------------------------------------------------

fn machine(root: &Path) -> Vec<(&'static str, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_owned(), |(_, v)| v.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or("unknown".to_owned(), |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0));
    let nproc = std::thread::available_parallelism().map_or("unknown".to_owned(), |n| n.to_string());
    let output = |program: &str, args: &[&str]| -> String {
        Command::new(program)
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map_or("unknown".to_owned(), |o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let commit = output("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = !output("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    vec![
        ("date (UTC)", utc_now()),
        ("commit", format!("{commit}{}", if dirty { " (work tree has uncommitted changes)" } else { "" })),
        ("CPU", cpu),
        ("cores (nproc)", nproc),
        ("memory", memory),
        ("OS", output("uname", &["-srm"])),
        ("rustc", output("rustc", &["--version"])),
    ]
}

/// `YYYY-MM-DD HH:MM` in UTC, from the system clock (civil-from-days, no date crate).
fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", rem / 3_600, rem % 3_600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    use report::{duration, ratio, Figure};
    use serde_json::Value;
    use std::collections::BTreeMap;

    #[test]
    fn reads_criterion_result_directories() {
        let home = std::env::temp_dir().join(format!("xtask-criterion-{}", std::process::id()));
        let new = home.join("call_get/ours/new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("benchmark.json"), r#"{"group_id":"call_get","full_id":"call_get/ours"}"#).unwrap();
        std::fs::write(
            new.join("estimates.json"),
            r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.5e3,"upper_bound":2000.0},"point_estimate":1750.25,"standard_error":3.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":10,"upper_bound":12},"point_estimate":11,"standard_error":0.5},"slope":null}"#,
        )
        .unwrap();
        std::fs::write(new.join("sample.json"), r#"{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[30.0,50.0]}"#)
            .unwrap();
        // A result directory without estimates (an interrupted run) is skipped, not an error.
        std::fs::create_dir_all(home.join("broken/new")).unwrap();
        let results = read_results(&home).unwrap();
        std::fs::remove_dir_all(&home).unwrap();
        let figure = results["call_get/ours"];
        assert_eq!(results.len(), 1);
        assert_eq!((figure.median, figure.median_lo, figure.median_hi, figure.min), (11.0, 10.0, 12.0, 25.0));
    }

    /// A small recorded input (`testdata/`): a few benches' figures in nanoseconds (median, its
    /// confidence interval, fastest sample; the other rows show as not run) and the counts the benches
    /// write, with a fixed machine so the report does not depend on where the test runs.
    fn recorded() -> (BTreeMap<String, Figure>, Context) {
        let figures: BTreeMap<String, [f64; 4]> = serde_json::from_str(include_str!("testdata/results.json")).unwrap();
        let results = figures
            .into_iter()
            .map(|(id, [median, median_lo, median_hi, min])| (id, Figure { median, median_lo, median_hi, min }))
            .collect();
        let extras: Value = serde_json::from_str(include_str!("testdata/extras.json")).unwrap();
        let extra = |name: &str| extras.get(name).cloned().unwrap_or_default();
        let context = Context {
            command: "cargo xtask bench --quick".to_owned(),
            cargo_command: "cargo bench --manifest-path bench/Cargo.toml -- --warm-up-time 0.2".to_owned(),
            quick: true,
            build_secs: 9.04,
            run_secs: 183.4,
            machine: vec![("date (UTC)", "2026-12-02 16:30".to_owned()), ("cores (nproc)", "2".to_owned())],
            codegen_real: extra("codegen_real"),
            official: extra("codegen_official"),
            external: "### openapi-generator\n\nnot installed\n\n".to_owned(),
            sweep: extra("codegen_sweep"),
            digest: extra("digest_counts"),
            payloads: extra("payloads"),
        };
        (results, context)
    }

    /// The report of the recorded input is the text `testdata/report.md` holds (written by the report
    /// code as it stood before the template; `BENCH_REPORT_WRITE=1` rewrites it after a deliberate change).
    #[test]
    fn renders_the_recorded_input_as_before() {
        let (results, context) = recorded();
        let text = report(&results, &context).unwrap();
        let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bench/testdata/report.md");
        if std::env::var_os("BENCH_REPORT_WRITE").is_some() {
            std::fs::write(&expected, &text).unwrap();
        }
        assert_eq!(text, std::fs::read_to_string(&expected).unwrap());
    }

    #[test]
    fn formats_durations_and_dates() {
        assert_eq!(duration(1_234.0), "1.23 µs");
        assert_eq!(duration(123_456_789.0), "123 ms");
        assert_eq!(ratio(1.0, 4.0), "0.25×");
        assert_eq!(utc_now().len(), 16);
    }
}
