//! `cargo xtask api-diff [--spec FILE] [--base FILE] [BASE] [--format text|markdown] [--fail-on-breaking]`:
//! what changes in an API between two descriptions, whether each change breaks callers of the generated
//! client, and the semver bump that implies.
//!
//! The two sides are a file in the working tree and the same file at a git revision (default: the
//! fragment `spec/atlas-api-keys.yaml` at `HEAD`), or two files (`--base OLD --spec NEW`). The revision
//! side is read with `git show REV:./FILE`, so nothing is checked out and the working tree is never
//! touched; it is one file, so a description split over several files (`$ref`s to other files) can only
//! be compared as two files. Both sides are lowered to the IR in any input format the generator reads
//! and compared there ([`atlas_codegen::diff`]), so reformatting or reordering reports nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use atlas_codegen::diff::{diff, Report};
use atlas_codegen::{ir, Diagnostics, Options as GenOptions};

use crate::util::SPEC;

const USAGE: &str =
    "usage: cargo xtask api-diff [--spec FILE] [BASE | --base FILE] [--format text|markdown] [--fail-on-breaking]

Compares two versions of an API description and reports every API change, grouped by tag after a
summary table, whether it breaks callers of the generated client, and the semver bump it implies.

  --spec FILE              the new side: FILE in the working tree (default spec/atlas-api-keys.yaml);
                           any format the generator reads (OpenAPI 3.x or Swagger 2, YAML or JSON)
  BASE                     the old side: the same file at the git revision BASE (default HEAD); only a
                           single-file description can be read at a revision (for one split over several
                           files, extract both versions and use --base)
  --base FILE              the old side: another file (instead of BASE)
  --format text|markdown   text for a terminal (default), markdown for a pull request
  --fail-on-breaking       exit with status 1 when any change is breaking";

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
}

/// The old side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The new side's file at this git revision.
    Revision(String),
    /// Another file.
    File(PathBuf),
}

/// The parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    spec: PathBuf,
    base: Base,
    format: Format,
    fail_on_breaking: bool,
    help: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        spec: PathBuf::from(SPEC),
        base: Base::Revision("HEAD".to_owned()),
        format: Format::Text,
        fail_on_breaking: false,
        help: false,
    };
    let mut revision: Option<&str> = None;
    let mut base_file = false;
    let mut iter = args.iter().map(String::as_str);
    let value = |flag: &str, arg: &str, iter: &mut dyn Iterator<Item = &str>| -> Result<Option<String>, String> {
        if arg == flag {
            return iter.next().map(|v| Some(v.to_owned())).ok_or(format!("api-diff: `{flag}` needs a value"));
        }
        Ok(arg.strip_prefix(&format!("{flag}=")).map(str::to_owned))
    };
    while let Some(arg) = iter.next() {
        if let Some(format) = value("--format", arg, &mut iter)? {
            options.format = match format.as_str() {
                "text" => Format::Text,
                "markdown" | "md" => Format::Markdown,
                other => return Err(format!("api-diff: unknown format `{other}` (expected text or markdown)")),
            };
        } else if let Some(spec) = value("--spec", arg, &mut iter)? {
            options.spec = PathBuf::from(spec);
        } else if let Some(base) = value("--base", arg, &mut iter)? {
            base_file = true;
            options.base = Base::File(PathBuf::from(base));
        } else if arg == "--fail-on-breaking" {
            options.fail_on_breaking = true;
        } else if matches!(arg, "-h" | "--help") {
            options.help = true;
        } else if arg.starts_with('-') {
            return Err(format!("api-diff: unknown flag `{arg}`\n\n{USAGE}"));
        } else if let Some(first) = revision {
            return Err(format!("api-diff: one revision only, got `{first}` and `{arg}`\n\n{USAGE}"));
        } else {
            revision = Some(arg);
        }
    }
    match (revision, base_file) {
        (Some(rev), true) => {
            return Err(format!("api-diff: give either a revision (`{rev}`) or `--base FILE`, not both\n\n{USAGE}"))
        }
        (Some(rev), false) => options.base = Base::Revision(rev.to_owned()),
        _ => {}
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
    // Paths as a shell user means them: relative to the current directory when the file is there
    // (`cargo xtask` may run from a subfolder), else to the repository root.
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.to_path_buf());
    let resolve = |p: &Path| if p.is_relative() && cwd.join(p).exists() { cwd.join(p) } else { p.to_path_buf() };
    let spec = resolve(&options.spec);
    let base = match &options.base {
        Base::File(file) => Base::File(resolve(file)),
        revision => revision.clone(),
    };
    let report = compare(root, &base, &spec)?;
    let rendered = match options.format {
        Format::Text => report.render_text(),
        Format::Markdown => report.render_markdown(),
    };
    print!("{rendered}");
    if options.fail_on_breaking && report.is_breaking() {
        eprintln!("api-diff: breaking changes against {} (--fail-on-breaking)", describe(&options.base, &options.spec));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `` `REV`:FILE `` or the base file's name, for messages.
fn describe(base: &Base, spec: &Path) -> String {
    match base {
        Base::Revision(rev) => format!("{} at `{rev}`", spec.display()),
        Base::File(file) => file.display().to_string(),
    }
}

/// Lowers both sides (`spec` relative to `root` unless absolute) and compares them.
pub fn compare(root: &Path, base: &Base, spec: &Path) -> Result<Report, String> {
    let before = match base {
        Base::Revision(rev) => {
            let text = spec_at(root, rev, spec)?;
            let name = format!("{rev}:{}", spec.display());
            atlas_codegen::lower_spec_with(&name, &text, &GenOptions::default())
                .map(|(api, _)| api)
                .map_err(|d| format!("api-diff: {} at revision `{rev}` does not load: {}", spec.display(), first(&d)))?
        }
        Base::File(file) => lower_file(root, file)?,
    };
    let after = lower_file(root, spec)?;
    Ok(diff(&before, &after))
}

/// Lowers the description at `file` (relative to `root` unless absolute) with every local file its
/// `$ref`s lead to.
fn lower_file(root: &Path, file: &Path) -> Result<ir::Api, String> {
    let path = root.join(file);
    if !path.is_file() {
        return Err(format!("api-diff: cannot read {}: no such file", file.display()));
    }
    let name = file.display().to_string();
    atlas_codegen::lower_path_with(&path, &name, &GenOptions::default())
        .map(|(api, _)| api)
        .map_err(|d| format!("api-diff: {name} does not load: {}", first(&d)))
}

/// The text of `spec` at a git revision, or a one-line reason why there is none.
fn spec_at(root: &Path, base: &str, spec: &Path) -> Result<String, String> {
    let path = root.join(spec);
    let dir = path.parent().filter(|d| d.is_dir()).unwrap_or(root);
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let git = |args: &[&str]| {
        Command::new("git").args(args).current_dir(dir).output().map_err(|e| format!("api-diff: cannot run git: {e}"))
    };
    let commit = format!("{base}^{{commit}}");
    let verified = git(&["rev-parse", "--verify", "--quiet", &commit])?;
    if !verified.status.success() {
        return Err(format!("api-diff: `{base}` is not a git revision of this repository"));
    }
    // `./FILE` is relative to the directory git runs in, wherever the file sits in the repository.
    let shown = git(&["show", &format!("{base}:./{file}")])?;
    let spec = spec.display();
    if !shown.status.success() {
        let stderr = String::from_utf8_lossy(&shown.stderr);
        let reason = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("git show failed").trim();
        return Err(format!("api-diff: cannot read {spec} at revision `{base}`: {reason}"));
    }
    String::from_utf8(shown.stdout).map_err(|_| format!("api-diff: {spec} at revision `{base}` is not UTF-8"))
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
        assert_eq!((o.base, o.format, o.fail_on_breaking), (Base::Revision("HEAD".into()), Format::Text, false));
        assert_eq!(o.spec, PathBuf::from(SPEC));
    }

    #[test]
    fn every_flag() {
        let o = parse(&args(&["main~2", "--format", "markdown", "--fail-on-breaking", "--spec", "a.json"])).unwrap();
        assert_eq!((o.base, o.format, o.fail_on_breaking), (Base::Revision("main~2".into()), Format::Markdown, true));
        assert_eq!(o.spec, PathBuf::from("a.json"));
        let o = parse(&args(&["--base=old.yaml", "--spec=new.yaml"])).unwrap();
        assert_eq!((o.base, o.spec), (Base::File("old.yaml".into()), PathBuf::from("new.yaml")));
        assert_eq!(parse(&args(&["--format=text"])).unwrap().format, Format::Text);
    }

    #[test]
    fn bad_arguments() {
        assert!(parse(&args(&["--format", "html"])).unwrap_err().contains("unknown format `html`"));
        assert!(parse(&args(&["--format"])).is_err());
        assert!(parse(&args(&["--nope"])).unwrap_err().contains("unknown flag `--nope`"));
        assert!(parse(&args(&["a", "b"])).unwrap_err().contains("one revision only"));
        assert!(parse(&args(&["HEAD", "--base", "x.yaml"])).unwrap_err().contains("not both"));
        assert!(parse(&args(&["--spec"])).is_err());
    }
}
