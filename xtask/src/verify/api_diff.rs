//! `cargo xtask api-diff [BASE] [--format text|markdown] [--fail-on-breaking]`: what the working tree's
//! spec changes in the API compared with the spec at a git revision (default `HEAD`), whether each change
//! breaks callers of `atlas-admin-client`, and the semver bump that implies.
//!
//! The spec at `BASE` is read with `git show BASE:spec/atlas-api-keys.yaml`, so nothing is checked out
//! and the working tree is never touched. Both specs are lowered to the IR and compared there
//! ([`atlas_codegen::diff`]), so reformatting or reordering the YAML reports nothing.

use std::path::Path;
use std::process::{Command, ExitCode};

use atlas_codegen::diff::diff;
use atlas_codegen::Diagnostics;

use crate::util::SPEC;

const USAGE: &str = "usage: cargo xtask api-diff [BASE] [--format text|markdown] [--fail-on-breaking]

Compares spec/atlas-api-keys.yaml in the working tree with the same file at the git revision BASE
(default HEAD) and reports every API change, whether it is breaking, and the semver bump it implies.

  --format text|markdown   text for a terminal (default), markdown for a pull request
  --fail-on-breaking       exit with status 1 when any change is breaking";

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
}

/// The parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    base: String,
    format: Format,
    fail_on_breaking: bool,
    help: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { base: "HEAD".to_owned(), format: Format::Text, fail_on_breaking: false, help: false };
    let mut base: Option<&str> = None;
    let mut iter = args.iter().map(String::as_str);
    while let Some(arg) = iter.next() {
        let format = match arg {
            "--format" => Some(iter.next().ok_or("api-diff: `--format` needs a value: text or markdown")?),
            _ => arg.strip_prefix("--format="),
        };
        if let Some(format) = format {
            options.format = match format {
                "text" => Format::Text,
                "markdown" | "md" => Format::Markdown,
                other => return Err(format!("api-diff: unknown format `{other}` (expected text or markdown)")),
            };
        } else if arg == "--fail-on-breaking" {
            options.fail_on_breaking = true;
        } else if matches!(arg, "-h" | "--help") {
            options.help = true;
        } else if arg.starts_with('-') {
            return Err(format!("api-diff: unknown flag `{arg}`\n\n{USAGE}"));
        } else if let Some(first) = base {
            return Err(format!("api-diff: one revision only, got `{first}` and `{arg}`\n\n{USAGE}"));
        } else {
            base = Some(arg);
        }
    }
    if let Some(base) = base {
        options.base = base.to_owned();
    }
    Ok(options)
}

/// Runs `api-diff` in the repository at `root`. Prints the report on stdout; returns exit status 1 when
/// `--fail-on-breaking` is given and something breaks. Errors (bad arguments, an unknown revision, a spec
/// that does not load) come back as one line.
pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let options = parse(args)?;
    if options.help {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let base = &options.base;
    let before_text = spec_at(root, base)?;
    let before_name = format!("{base}:{SPEC}");
    let (before, _) = atlas_codegen::lower_spec(&before_name, &before_text)
        .map_err(|d| format!("api-diff: {SPEC} at revision `{base}` does not load: {}", first(&d)))?;
    let after_text =
        std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("api-diff: cannot read {SPEC}: {e}"))?;
    let (after, _) = atlas_codegen::lower_spec(SPEC, &after_text)
        .map_err(|d| format!("api-diff: {SPEC} in the working tree does not load: {}", first(&d)))?;
    let report = diff(&before, &after);
    let rendered = match options.format {
        Format::Text => report.render_text(),
        Format::Markdown => report.render_markdown(),
    };
    print!("{rendered}");
    if options.fail_on_breaking && report.is_breaking() {
        eprintln!("api-diff: breaking changes against `{base}` (--fail-on-breaking)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The spec's text at a git revision, or a one-line reason why there is none.
fn spec_at(root: &Path, base: &str) -> Result<String, String> {
    let git = |args: &[&str]| {
        Command::new("git").args(args).current_dir(root).output().map_err(|e| format!("api-diff: cannot run git: {e}"))
    };
    let commit = format!("{base}^{{commit}}");
    let verified = git(&["rev-parse", "--verify", "--quiet", &commit])?;
    if !verified.status.success() {
        return Err(format!("api-diff: `{base}` is not a git revision of this repository"));
    }
    let shown = git(&["show", &format!("{base}:{SPEC}")])?;
    if !shown.status.success() {
        let stderr = String::from_utf8_lossy(&shown.stderr);
        let reason = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("git show failed").trim();
        return Err(format!("api-diff: cannot read {SPEC} at revision `{base}`: {reason}"));
    }
    String::from_utf8(shown.stdout).map_err(|_| format!("api-diff: {SPEC} at revision `{base}` is not UTF-8"))
}

/// The first error (or, failing that, the first diagnostic) on one line: message and where.
fn first(diags: &Diagnostics) -> String {
    let items = diags.items();
    let Some(d) = items.iter().find(|d| d.severity == atlas_codegen::Severity::Error).or(items.first()) else {
        return format!("no diagnostic reported for {}", diags.file());
    };
    let mut line = format!("{} (at {}", d.message, d.file);
    if let Some((l, c)) = d.location {
        line.push_str(&format!(":{l}:{c}"));
    }
    if !d.pointer.is_empty() {
        line.push_str(&format!("#{}", d.pointer));
    }
    line.push(')');
    let more = items.iter().filter(|d| d.severity == atlas_codegen::Severity::Error).count().saturating_sub(1);
    if more > 0 {
        line.push_str(&format!(" and {more} more error(s)"));
    }
    line.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn defaults() {
        let o = parse(&[]).unwrap();
        assert_eq!((o.base.as_str(), o.format, o.fail_on_breaking), ("HEAD", Format::Text, false));
    }

    #[test]
    fn every_flag() {
        let o = parse(&args(&["main~2", "--format", "markdown", "--fail-on-breaking"])).unwrap();
        assert_eq!((o.base.as_str(), o.format, o.fail_on_breaking), ("main~2", Format::Markdown, true));
        assert_eq!(parse(&args(&["--format=text"])).unwrap().format, Format::Text);
    }

    #[test]
    fn bad_arguments() {
        assert!(parse(&args(&["--format", "html"])).unwrap_err().contains("unknown format `html`"));
        assert!(parse(&args(&["--format"])).is_err());
        assert!(parse(&args(&["--nope"])).unwrap_err().contains("unknown flag `--nope`"));
        assert!(parse(&args(&["a", "b"])).unwrap_err().contains("one revision only"));
    }
}
