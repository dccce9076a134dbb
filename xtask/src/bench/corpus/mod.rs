//! `cargo xtask bench --corpus [--only NAME..] [--tool NAME..] [--generation-timeout MIN] [--check-timeout MIN]
//! [--report-only] [--resume]`: atlas-codegen, progenitor and openapi-generator (`-g rust`) side by side on every
//! public description of the `check-real` corpus (`generator/tests/fixtures/real/`), each given the document as it
//! is. For each tool and description: generated, refused, panicked or crashed; then, for what generated,
//! `cargo check` and its wall time. The results go into BENCHMARKS.md's corpus section (see [`section`]).
//!
//! Each cell is stored as JSON under `bench/target/corpus/results/<tool>/` as soon as it is measured, and
//! the section is rendered from every stored cell: runs can be split (`--only`, `--tool`: for instance one
//! process per tool) and an interrupted run keeps what it measured. Descriptions run smallest first, so the
//! huge ones come last.

pub(crate) mod outcome;
pub(crate) mod section;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use outcome::{Generation, Record, Tool};

const USAGE: &str = "usage: cargo xtask bench --corpus [--only NAME..] [--tool NAME..] [--generation-timeout MIN] \
[--check-timeout MIN] [--report-only] [--resume]
  --only NAME..            only these descriptions (a path under generator/tests/fixtures/real, or its first
                           name: `petstore`, `apify`)
  --tool NAME..            only these tools: atlas-codegen, progenitor, openapi-generator
  --generation-timeout MIN time limit of one generation (default 5)
  --check-timeout MIN      time limit of one `cargo check` (default 10)
  --report-only            measure nothing: rewrite BENCHMARKS.md's corpus section from the stored results
  --resume                 skip the cells already stored (after an interrupted run)";

struct Options {
    only: Vec<String>,
    tools: Vec<Tool>,
    generation_minutes: u64,
    check_minutes: u64,
    report_only: bool,
    /// Skip the cells already stored.
    resume: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        only: Vec::new(),
        tools: Vec::new(),
        generation_minutes: 5,
        check_minutes: 10,
        report_only: false,
        resume: false,
    };
    let mut list: Option<&str> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--corpus" => list = None,
            "--only" | "--tool" => list = Some(arg),
            "--report-only" => options.report_only = true,
            "--resume" => options.resume = true,
            "--generation-timeout" | "--check-timeout" => {
                let minutes = args
                    .next()
                    .and_then(|m| m.parse::<u64>().ok())
                    .filter(|m| *m > 0)
                    .ok_or_else(|| format!("{arg} takes a number of minutes\n\n{USAGE}"))?;
                if arg == "--check-timeout" {
                    options.check_minutes = minutes;
                } else {
                    options.generation_minutes = minutes;
                }
                list = None;
            }
            value if !value.starts_with("--") && list == Some("--only") => options.only.push(value.to_owned()),
            value if !value.starts_with("--") && list == Some("--tool") => {
                options.tools.push(Tool::parse(value).ok_or_else(|| format!("unknown tool `{value}`\n\n{USAGE}"))?)
            }
            other => return Err(format!("unknown argument `{other}` for bench --corpus\n\n{USAGE}")),
        }
    }
    if options.tools.is_empty() {
        options.tools = Tool::ALL.to_vec();
    }
    Ok(options)
}

/// Whether `description` (a path under the corpus) is one `--only` names: the path itself, or its first name.
fn selected(description: &str, only: &[String]) -> bool {
    only.is_empty() || only.iter().any(|n| n == description || description.split(['/', '.']).next() == Some(n.as_str()))
}

/// Entry point of `cargo xtask bench --corpus`.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let descriptions = crate::verify::check_real::descriptions(root)?;
    if let Some(unknown) = options.only.iter().find(|n| !descriptions.iter().any(|d| selected(d, &[(*n).clone()]))) {
        return Err(format!("--only {unknown}: no such description in {}", crate::verify::check_real::CORPUS));
    }
    let scratch = root.join("bench/target/corpus");
    if !options.report_only {
        // Split descriptions resolve their relative `$ref`s from the path the generator is given, relative to the
        // root (as in check-real).
        std::env::set_current_dir(root).map_err(|e| format!("cannot enter {}: {e}", root.display()))?;
        let setup = setup(root, &scratch, &options)?;
        let mut chosen: Vec<&String> = descriptions.iter().filter(|d| selected(d, &options.only)).collect();
        let corpus = root.join(crate::verify::check_real::CORPUS);
        chosen.sort_by_key(|d| size(&corpus.join(d.split('/').next().unwrap_or(d))));
        for tool in &options.tools {
            if *tool == Tool::OpenapiGenerator && setup.jar.is_none() {
                eprintln!("bench --corpus: openapi-generator is not installed; its column is left as it was");
                continue;
            }
            for description in &chosen {
                let stored = scratch.join("results").join(tool.name()).join(format!("{}.json", file_name(description)));
                if options.resume && stored.is_file() {
                    continue;
                }
                let record = measure(&setup, *tool, description)?;
                store(&scratch, &record)?;
            }
        }
    }
    let records = load(&scratch)?;
    let report = root.join(super::REPORT);
    let old = std::fs::read_to_string(&report).unwrap_or_default();
    let shapes = descriptions
        .iter()
        .map(|d| {
            let shape =
                crate::verify::check_real::describe::shape(&root.join(crate::verify::check_real::CORPUS).join(d));
            (d.clone(), shape.format, shape.operations)
        })
        .collect::<Vec<_>>();
    let context = section::Context {
        machine: super::machine(root),
        java: java_version(),
        generation_minutes: options.generation_minutes,
        check_minutes: options.check_minutes,
    };
    let text = section::render(&shapes, &records, &context)?;
    std::fs::write(&report, section::splice(&old, &text))
        .map_err(|e| format!("cannot write {}: {e}", super::REPORT))?;
    eprintln!("bench --corpus: wrote the corpus section of {} ({} cells)", super::REPORT, records.len());
    Ok(())
}

fn setup(root: &Path, scratch: &Path, options: &Options) -> Result<tools::Setup, String> {
    let probe = root.join("bench/target/release/progenitor-probe");
    if options.tools.contains(&Tool::Progenitor) {
        eprintln!("bench --corpus: building progenitor-probe");
        let status = Command::new(crate::util::cargo())
            .args(["build", "--release", "--manifest-path", "bench/Cargo.toml", "--bin", "progenitor-probe"])
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err("cannot build progenitor-probe".to_owned());
        }
    }
    let jar = if options.tools.contains(&Tool::OpenapiGenerator) {
        Command::new("bash")
            .arg(root.join("tools/install-openapi-generator.sh"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
    } else {
        None
    };
    Ok(tools::Setup {
        root: root.to_path_buf(),
        probe,
        jar,
        generation_timeout: Duration::from_secs(60 * options.generation_minutes),
        check_timeout: Duration::from_secs(60 * options.check_minutes),
        scratch: scratch.to_path_buf(),
    })
}

/// One tool on one description: generate, then check what generated.
fn measure(setup: &tools::Setup, tool: Tool, description: &str) -> Result<Record, String> {
    let out = setup.scratch.join("out").join(tool.name()).join(file_name(description));
    eprintln!("bench --corpus: {} on {description}", tool.name());
    let (generation, generation_secs) = tools::generate(setup, tool, description, &out)?;
    let check = match generation {
        Generation::Generated { .. } => Some(tools::check(setup, tool, &out)?),
        _ => None,
    };
    eprintln!("bench --corpus:   {generation:?} in {generation_secs:.1} s; check: {check:?}");
    Ok(Record { description: description.to_owned(), tool, generation, generation_secs, check })
}

/// A description's path as one file or folder name (`apify/openapi.yaml` is `apify__openapi.yaml`).
fn file_name(description: &str) -> String {
    description.replace('/', "__")
}

fn store(scratch: &Path, record: &Record) -> Result<(), String> {
    let dir = scratch.join("results").join(record.tool.name());
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(record).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(format!("{}.json", file_name(&record.description))), text).map_err(|e| e.to_string())
}

/// Every stored cell.
fn load(scratch: &Path) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    for tool in Tool::ALL {
        let dir = scratch.join("results").join(tool.name());
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
            records.push(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", entry.path().display()))?);
        }
    }
    Ok(records)
}

/// Bytes of a file, or of every file under a folder.
fn size(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path).into_iter().flatten().flatten().map(|e| size(&e.path())).sum()
    } else {
        std::fs::metadata(path).map_or(0, |m| m.len())
    }
}

fn java_version() -> String {
    Command::new("java")
        .arg("-version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stderr).lines().next().map(str::to_owned))
        .unwrap_or_else(|| "not found".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_lists_and_minutes() {
        let options =
            parse(&args("--corpus --only petstore apify --tool progenitor --check-timeout 3 --report-only --resume"))
                .unwrap();
        assert_eq!(options.only, ["petstore", "apify"]);
        assert_eq!(options.tools, [Tool::Progenitor]);
        assert_eq!((options.generation_minutes, options.check_minutes, options.report_only), (5, 3, true));
        assert!(options.resume);
        assert_eq!(parse(&args("--corpus")).unwrap().tools, Tool::ALL);
        assert!(parse(&args("--corpus --tool swagger-codegen")).is_err());
        assert!(parse(&args("--corpus --check-timeout 0")).is_err());
        assert!(parse(&args("--corpus petstore")).is_err());
    }

    #[test]
    fn only_names_a_path_or_its_first_name() {
        assert!(selected("apify/openapi.yaml", &["apify".to_owned()]));
        assert!(selected("petstore.yaml", &["petstore.yaml".to_owned()]));
        assert!(!selected("petstore-expanded.yaml", &["petstore".to_owned()]));
        assert!(selected("anything.json", &[]));
        assert_eq!(file_name("apify/openapi.yaml"), "apify__openapi.yaml");
    }
}
