//! `cargo xtask check-real [--all] [--update]`: generates a client from every public description in
//! `generator/tests/fixtures/real/` (APIs nobody here wrote, see its SOURCE.md) and compiles it with warnings
//! denied, like `check-fixtures`. Prints one Markdown row per description (the README's "Beyond Atlas" table:
//! format, operations, whether it generates, errors, warnings, the first error, whether it compiles, the
//! `cargo check` time).
//!
//! Compiling every crate takes longer than CI can give (a few of them declare over a thousand operations), so
//! by default every description is generated but only the fixed subset marked `ci` in `expected.txt` is
//! compiled; `--all` compiles every crate that generates.
//!
//! `expected.txt` (see [`expected`]) lists each description's outcome today; the run fails when an outcome
//! differs from its line, better or worse, as the conformance known-failures lists do. `--update` rewrites the
//! lines to what this run measured instead of failing. `--readme` writes the table into the README, between
//! its [`README_BEGIN`] and [`README_END`] markers, so the README's figures are the command's, not typed.

pub(crate) mod describe;
mod expected;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Duration;

use atlas_codegen::Severity;
use expected::{Entry, Outcome};

pub(crate) const CORPUS: &str = "generator/tests/fixtures/real";
const EXPECTED: &str = "generator/tests/fixtures/real/expected.txt";
/// The README that shows the table, and the markers around it there.
const README: &str = "README.md";
const README_BEGIN: &str = "<!-- check-real:begin (written by `cargo xtask check-real --readme`; do not edit) -->";
const README_END: &str = "<!-- check-real:end -->";
/// The longest first error the table and the list quote.
const FIRST_ERROR_CHARS: usize = 110;

const USAGE: &str = "usage: cargo xtask check-real [--all] [--update] [--readme]
  --all     compile every description that generates, not only the CI subset of expected.txt
  --update  rewrite expected.txt to the outcomes this run measured instead of failing on a difference
  --readme  write the table into README.md (between its check-real markers)";

/// What happened to one description.
struct Row {
    /// Its line of the list, as measured (the summary is this run's).
    measured: Entry,
    expected: Entry,
    shape: describe::Shape,
    errors: usize,
    warnings: usize,
    /// `Err` when it did not generate; `Ok(None)` when it generated and was not compiled.
    result: Result<Option<bool>, Outcome>,
    check_time: Option<Duration>,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let (mut all, mut update, mut readme) = (false, false, false);
    let started = std::time::Instant::now();
    for arg in args {
        match arg.as_str() {
            "--all" => all = true,
            "--update" => update = true,
            "--readme" => readme = true,
            _ => return Err(format!("check-real: unknown argument `{arg}`\n\n{USAGE}")),
        }
    }
    let list = std::fs::read_to_string(root.join(EXPECTED)).map_err(|e| format!("cannot read {EXPECTED}: {e}"))?;
    let entries = expected::parse(EXPECTED, &list)?;
    listed_exactly(root, &entries)?;
    // A split description's relative `$ref`s resolve from its root file, which the generator is given by its
    // path relative to the repository root (that path is also what diagnostics and generated headers show).
    std::env::set_current_dir(root).map_err(|e| format!("cannot enter {}: {e}", root.display()))?;
    let scratch = std::env::temp_dir().join(format!("atlas-codegen-real-{}", std::process::id()));
    let mut rows = Vec::new();
    for entry in &entries {
        let compile = all || entry.ci;
        rows.push(measure(root, &scratch, entry, compile)?);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let table = table(&rows);
    println!("{table}");
    if readme {
        let path = root.join(README);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {README}: {e}"))?;
        let command = if all { "cargo xtask check-real --all" } else { "cargo xtask check-real" };
        let took = started.elapsed().as_secs();
        let block = format!("Written by `{command}` ({} min {} s in all).\n\n{table}", took / 60, took % 60);
        let text = with_table(&text, &block).ok_or_else(|| {
            format!("{README} has no `{README_BEGIN}` ... `{README_END}` block for the check-real table")
        })?;
        std::fs::write(&path, text).map_err(|e| format!("cannot write {README}: {e}"))?;
        println!("check-real: the table of {README} rewritten");
    }

    let mut mismatches = Vec::new();
    for row in &rows {
        if let Some(why) = expected::mismatch(row.expected.outcome, row.result) {
            mismatches.push(format!("{}: {why}", row.expected.path));
        } else if row.measured.outcome == row.expected.outcome && row.measured.summary != row.expected.summary {
            eprintln!(
                "check-real: note: {} is still {}, now: {}",
                row.expected.path, row.expected.outcome, row.measured.summary
            );
        }
    }
    if update {
        let lines: Vec<Entry> = rows.iter().map(|r| r.measured.clone()).collect();
        std::fs::write(root.join(EXPECTED), rewrite(&list, &lines))
            .map_err(|e| format!("cannot write {EXPECTED}: {e}"))?;
        println!("check-real: {EXPECTED} updated ({} outcome(s) changed)", mismatches.len());
        return Ok(());
    }
    if mismatches.is_empty() {
        println!("check-real: every outcome is as {EXPECTED} lists it");
        Ok(())
    } else {
        Err(format!(
            "check-real: {} outcome(s) differ from {EXPECTED} (fix the generator, or record the new outcome with \
             `cargo xtask check-real --update` and say why in the commit):\n  {}",
            mismatches.len(),
            mismatches.join("\n  ")
        ))
    }
}

/// The corpus's descriptions as `expected.txt` lists them (paths under [`CORPUS`], in its order), checked to
/// be every description on disk: what `cargo xtask bench --corpus` runs the generators on.
pub(crate) fn descriptions(root: &Path) -> Result<Vec<String>, String> {
    let list = std::fs::read_to_string(root.join(EXPECTED)).map_err(|e| format!("cannot read {EXPECTED}: {e}"))?;
    let entries = expected::parse(EXPECTED, &list)?;
    listed_exactly(root, &entries)?;
    Ok(entries.into_iter().map(|e| e.path).collect())
}

/// Every description on disk is listed and every listed one exists: a top-level `.json`/`.yaml`/`.yml` file is
/// a description; a folder is one description split over its files, listed by its root file.
fn listed_exactly(root: &Path, entries: &[Entry]) -> Result<(), String> {
    let mut problems = Vec::new();
    for entry in entries {
        if !root.join(CORPUS).join(&entry.path).is_file() {
            problems.push(format!("`{}` is listed but is not a file of {CORPUS}", entry.path));
        }
    }
    let listed: BTreeSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    let folders: BTreeSet<&str> = listed.iter().filter_map(|p| p.split_once('/').map(|(folder, _)| folder)).collect();
    let dir = std::fs::read_dir(root.join(CORPUS)).map_err(|e| format!("cannot list {CORPUS}: {e}"))?;
    let mut names: Vec<(String, bool)> =
        dir.filter_map(|e| e.ok()).map(|e| (e.file_name().to_string_lossy().into_owned(), e.path().is_dir())).collect();
    names.sort();
    for (name, is_dir) in names {
        let spec = ["json", "yaml", "yml"].iter().any(|ext| name.ends_with(&format!(".{ext}")));
        if is_dir && !folders.contains(name.as_str()) {
            problems.push(format!("folder `{name}/` has no root file listed"));
        } else if !is_dir && spec && !listed.contains(name.as_str()) {
            problems.push(format!("`{name}` is not listed"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("check-real: {EXPECTED} must list each description of {CORPUS} once:\n  {}", problems.join("\n  ")))
    }
}

/// Generates (and, when `compile`, checks) one description, read from its path so one split over
/// several files is read whole.
fn measure(root: &Path, scratch: &Path, entry: &Entry, compile: bool) -> Result<Row, String> {
    let rel = format!("{CORPUS}/{}", entry.path);
    eprintln!("check-real: {rel}");
    let shape = describe::shape(&root.join(&rel));
    let count = |diags: &atlas_codegen::Diagnostics, severity: Severity| {
        diags.items().iter().filter(|d| d.severity == severity).count()
    };
    let mut row = Row {
        measured: Entry { outcome: Outcome::Compiles, summary: String::new(), ..entry.clone() },
        expected: entry.clone(),
        shape,
        errors: 0,
        warnings: 0,
        result: Ok(None),
        check_time: None,
    };
    match catch_unwind(AssertUnwindSafe(|| atlas_codegen::generate_path(&root.join(&rel), &rel, &Default::default()))) {
        Err(panic) => {
            let message = crate::util::panic_message(&*panic);
            row.result = Err(Outcome::Panics);
            row.measured.outcome = Outcome::Panics;
            row.measured.summary = shorten(&message.replace('\n', " "));
        }
        Ok(Err(diags)) => {
            row.errors = count(&diags, Severity::Error);
            row.warnings = count(&diags, Severity::Warning);
            let first = diags.items().iter().find(|d| d.severity == Severity::Error).map(|d| kind_of(&d.message));
            row.result = Err(Outcome::Refused);
            row.measured.outcome = Outcome::Refused;
            row.measured.summary = format!("{} error(s), first: {}", row.errors, shorten(&first.unwrap_or_default()));
        }
        Ok(Ok(generated)) => {
            row.warnings = count(&generated.warnings, Severity::Warning);
            if compile {
                let name = entry.path.split(['/', '.']).next().unwrap_or("spec");
                let dir = scratch.join(name);
                atlas_codegen::write::write(&dir, &generated.files, atlas_codegen::write::Scope::Whole)?;
                let manifest = crate::util::standalone(&dir)?;
                let (ok, took) = crate::util::check_crate_timed(root, &manifest)?;
                row.result = Ok(Some(ok));
                row.check_time = Some(took);
                row.measured.outcome = if ok { Outcome::Compiles } else { Outcome::DoesNotCompile };
            } else if matches!(entry.outcome, Outcome::Compiles | Outcome::DoesNotCompile) {
                // Not compiled: the list's word for whether it builds stands.
                row.measured.outcome = entry.outcome;
            } else {
                row.measured.outcome = Outcome::Generates;
            }
        }
    }
    Ok(row)
}

/// The Markdown table of the README's "Beyond Atlas" section.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| description | format | operations | generates | errors | warnings | first error | compiles | `cargo check` |\n\
         |---|---|---:|---|---:|---:|---|---|---:|\n",
    );
    for row in rows {
        let (generates, first) = match row.result {
            Err(Outcome::Panics) => ("panics", row.measured.summary.clone()),
            Err(_) => {
                ("no", row.measured.summary.split_once(", first: ").map(|(_, f)| f.to_owned()).unwrap_or_default())
            }
            Ok(_) => ("yes", String::new()),
        };
        let compiles = match row.result {
            Ok(Some(true)) => "yes (docs too)",
            Ok(Some(false)) => "**no**",
            Ok(None) => "not compiled (outside the CI subset)",
            Err(_) => "",
        };
        let time = row.check_time.map(|t| format!("{:.1} s", t.as_secs_f64())).unwrap_or_default();
        out.push_str(&format!(
            "| `{}`{} | {} | {} | {generates} | {} | {} | {} | {compiles} | {time} |\n",
            row.expected.path,
            if row.expected.ci { " (ci)" } else { "" },
            row.shape.format,
            row.shape.operations,
            row.errors,
            row.warnings,
            first.replace('|', "\\|"),
        ));
    }
    let generated = rows.iter().filter(|r| r.result.is_ok()).count();
    let compiled = rows.iter().filter(|r| matches!(r.result, Ok(Some(_)))).count();
    let built = rows.iter().filter(|r| matches!(r.result, Ok(Some(true)))).count();
    out.push_str(&format!(
        "\n{generated} of {} descriptions generate; {built} of the {compiled} crates compiled build with warnings denied",
        rows.len()
    ));
    out
}

/// `list` with each description's line replaced by its entry of `entries` (comments and order kept).
fn rewrite(list: &str, entries: &[Entry]) -> String {
    let mut out = String::new();
    for line in list.lines() {
        let path = line.split_once(": ").map(|(head, _)| head.trim().trim_end_matches(" ci").trim());
        match path
            .and_then(|p| (!line.trim_start().starts_with('#')).then_some(p))
            .and_then(|p| entries.iter().find(|e| e.path == p))
        {
            Some(entry) => out.push_str(&entry.to_string()),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// `readme` with the text between its check-real markers replaced by `block`; `None` without the markers.
fn with_table(readme: &str, block: &str) -> Option<String> {
    let start = readme.find(README_BEGIN)? + README_BEGIN.len();
    let end = start + readme[start..].find(README_END)?;
    Some(format!("{}\n{}\n{}", &readme[..start], block.trim_end(), &readme[end..]))
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(FIRST_ERROR_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A diagnostic's kind: its message with the quoted names taken out, so counts group like messages.
fn kind_of(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '`' if !quoted => {
                quoted = true;
                out.push('…');
            }
            '`' => quoted = false,
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    out.split(" (found").next().unwrap_or_default().trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_rewrites_description_lines_and_keeps_comments() {
        let list = "# why\na.json ci: compiles\n\nb/root.yaml: refused: 2 error(s), first: old\n";
        let entries = expected::parse("e", list).unwrap();
        let mut now = entries.clone();
        now[1].outcome = Outcome::DoesNotCompile;
        now[1].summary.clear();
        assert_eq!(rewrite(list, &now), "# why\na.json ci: compiles\n\nb/root.yaml: does-not-compile\n");
        assert_eq!(expected::parse("e", &rewrite(list, &now)).unwrap(), now);
    }

    #[test]
    fn the_readme_table_is_replaced_between_its_markers_only() {
        let readme = format!("# R\n\nbefore\n{README_BEGIN}\nold\n| a |\n{README_END}\nafter\n");
        let out = with_table(&readme, "new\n\n| b |\n").unwrap();
        assert_eq!(out, format!("# R\n\nbefore\n{README_BEGIN}\nnew\n\n| b |\n{README_END}\nafter\n"));
        // Again: the same text (the block is replaced, not added to).
        assert_eq!(with_table(&out, "new\n\n| b |").unwrap(), out);
        assert!(with_table("no markers", "x").is_none());
    }

    #[test]
    fn long_first_errors_are_cut_on_a_character_boundary() {
        let long = "é".repeat(FIRST_ERROR_CHARS + 5);
        assert_eq!(shorten(&long).chars().count(), FIRST_ERROR_CHARS + 1);
        assert_eq!(shorten("short"), "short");
    }

    #[test]
    fn kinds_group_messages_that_differ_only_in_names() {
        let a = super::kind_of("header parameter `x-a` is not supported yet");
        let b = super::kind_of("header parameter `x-b` is not supported yet");
        assert_eq!(a, b);
        assert_eq!(a, "header parameter … is not supported yet");
        assert_eq!(
            super::kind_of("the request body of `f` has no JSON media type (found: text/plain)"),
            "the request body of … has no JSON media type"
        );
    }
}
