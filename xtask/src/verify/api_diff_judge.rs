//! `cargo xtask api-diff-judge [--api NAME]`: checks api-diff's verdicts against an independent judge,
//! `cargo-semver-checks`, on the real releases of `generator/tests/fixtures/releases/<api>/`.
//!
//! For each consecutive pair of releases it generates a client crate from each side (into
//! `target/api-diff-judge/<api>/<release>/`, never committed), runs `cargo semver-checks check-release`
//! with the older crate as the baseline, and sets each breaking change semver-checks reports against
//! api-diff's report of the same pair:
//!
//! - a finding is **named** when a breaking change of api-diff names the same Rust item (its note or
//!   summary mentions the type, variant or method);
//! - otherwise it is a **known difference** when its lint is one of [`KNOWN_DIFFERENCES`] (things the
//!   two tools deliberately judge differently, each with the reason);
//! - otherwise it is a **disagreement**, and so is a pair api-diff calls compatible while semver-checks
//!   finds a break. Either makes the command fail.
//!
//! The whole Atlas API is too big to semver-check on a small machine (rustdoc JSON of ~1,700 types per
//! side), so for it both crates are built with the same few tag features ([`ATLAS_TAGS`]); the api-diff
//! side then counts only the changes filed under those tags or shared schemas. Slow (minutes), so not
//! in CI; the README records the last run's table and times.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use atlas_codegen::diff::{diff, Change, Verdict, SHARED};
use atlas_codegen::{ir, plan, Options};

/// Where the release folders are.
const RELEASES: &str = "generator/tests/fixtures/releases";

/// The tags of the Atlas API whose features both crates are built with (the judge's subset): ones
/// where the release pairs change types and operations, plus a small stable one.
const ATLAS_TAGS: &[&str] = &["Encryption at Rest using Customer Key Management", "Network Peering", "Projects"];

/// semver-checks lints that report something api-diff deliberately does not call breaking, with why;
/// `cargo xtask api-diff-judge` prints the lint and this reason for every such finding. Empty: on the
/// release pairs every break semver-checks finds is one api-diff names (the two it did not name at
/// first, a required response field's new `::new` argument and the enums an inherited inline schema
/// becomes in each subtype, were api-diff's mistakes and are fixed). Generated structs and enums are
/// `#[non_exhaustive]`, so new fields and variants never trip semver-checks.
pub const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// One finding of semver-checks: its lint and the items it names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    lint: String,
    /// `major` or `minor`, from `cargo semver-checks --list`.
    level: String,
    items: Vec<String>,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let only = match args {
        [] => None,
        [flag, api] if flag == "--api" => Some(api.clone()),
        _ => return Err("usage: cargo xtask api-diff-judge [--api NAME]".to_owned()),
    };
    let levels = lint_levels()?;
    let mut apis: Vec<String> = std::fs::read_dir(root.join(RELEASES))
        .map_err(|e| format!("cannot read {RELEASES}: {e}"))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| only.as_ref().is_none_or(|o| o == name))
        .collect();
    apis.sort();
    let mut rows = Vec::new();
    let mut failed = false;
    for api in &apis {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(RELEASES).join(api))
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for pair in files.windows(2) {
            let (row, ok) = judge(root, api, &pair[0], &pair[1], &levels)?;
            failed |= !ok;
            rows.push(row);
        }
    }
    println!(
        "\n| Pair | Tags | api-diff | semver-checks | Named by api-diff | Known differences | Disagreements | Time |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in &rows {
        println!("{row}");
    }
    if failed {
        return Err("api-diff-judge: disagreements (see above)".to_owned());
    }
    Ok(())
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn lower(root: &Path, path: &Path) -> Result<ir::Api, String> {
    let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
    atlas_codegen::lower_path_with(path, &name, &Options::default())
        .map(|(api, _)| api)
        .map_err(|d| format!("{name} does not lower:\n{d}"))
}

/// Generates the crate of `api` into `dir` (made standalone) and returns the features of the tags in
/// `tags` it has, by tag name.
fn generate(api: &ir::Api, dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let plan = plan::CratePlan::new(api, &Options::default());
    let features = plan
        .tags
        .iter()
        .filter_map(|t| {
            let tag = t.operations.first()?.tags.first()?;
            Some((tag.clone(), t.feature.clone()))
        })
        .collect();
    let files = atlas_codegen::generate_planned(&plan)?;
    let _ = std::fs::remove_dir_all(dir);
    atlas_codegen::write::write(dir, &files, atlas_codegen::write::Scope::Whole)?;
    crate::util::standalone(dir)?;
    Ok(features)
}

/// Judges one pair; returns its table row and whether the tools agree.
fn judge(
    root: &Path,
    api: &str,
    old: &Path,
    new: &Path,
    levels: &BTreeMap<String, String>,
) -> Result<(String, bool), String> {
    let started = Instant::now();
    let pair = format!("{api} {} → {}", stem(old), stem(new));
    println!("== {pair}");
    let (before, after) = (lower(root, old)?, lower(root, new)?);
    let report = diff(&before, &after);
    let scratch = root.join("target/api-diff-judge").join(api);
    let (old_dir, new_dir) = (scratch.join(stem(old)), scratch.join(stem(new)));
    let old_features = generate(&before, &old_dir)?;
    let new_features = generate(&after, &new_dir)?;
    // The Atlas API is judged on a few tags; the others whole.
    let subset: Option<Vec<&str>> = (api == "atlas-admin-v2").then(|| ATLAS_TAGS.to_vec());
    let mut cmd = Command::new(crate::util::cargo());
    cmd.args(["semver-checks", "check-release", "--baseline-root"])
        .arg(&old_dir)
        .arg("--manifest-path")
        .arg(new_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/api-diff-judge/target"))
        .stdin(Stdio::null());
    // Only tag features, never the TLS ones: the crates' API does not depend on them and rustls would
    // build aws-lc for nothing.
    let (old_list, new_list, changes): (Vec<&str>, Vec<&str>, Vec<&Change>) = match &subset {
        Some(tags) => {
            let features: Vec<&str> = tags
                .iter()
                .map(|t| match (old_features.get(*t), new_features.get(*t)) {
                    (Some(a), Some(b)) if a == b => Ok(a.as_str()),
                    _ => Err(format!("{pair}: tag `{t}` is not a feature of both crates")),
                })
                .collect::<Result<_, _>>()?;
            let changes =
                report.changes.iter().filter(|c| tags.contains(&c.group.as_str()) || c.group == SHARED).collect();
            (features.clone(), features, changes)
        }
        None => (
            old_features.values().map(String::as_str).collect(),
            new_features.values().map(String::as_str).collect(),
            report.changes.iter().collect(),
        ),
    };
    cmd.arg("--only-explicit-features");
    for (flag, list) in [("--baseline-features", &old_list), ("--current-features", &new_list)] {
        for feature in list {
            cmd.args([flag, feature]);
        }
    }
    let output = cmd.output().map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let findings = parse(&text, levels);
    if findings.is_empty() && !output.status.success() {
        return Err(format!("{pair}: cargo semver-checks failed without findings:\n{text}"));
    }
    let breaking: Vec<&Change> = changes.iter().copied().filter(|c| c.verdict == Verdict::Breaking).collect();
    let (mut named, mut known, mut disagreements) = (0, BTreeMap::<&str, usize>::new(), Vec::new());
    for finding in findings.iter().filter(|f| f.level == "major") {
        for item in &finding.items {
            if breaking.iter().any(|c| mentions(c, item)) {
                named += 1;
            } else if let Some((lint, _)) = KNOWN_DIFFERENCES.iter().find(|(l, _)| *l == finding.lint) {
                *known.entry(lint).or_default() += 1;
            } else {
                disagreements.push(format!("{}: {item}", finding.lint));
            }
        }
    }
    let major = findings.iter().filter(|f| f.level == "major").map(|f| f.items.len()).sum::<usize>();
    let minor = findings.iter().filter(|f| f.level != "major").map(|f| f.items.len()).sum::<usize>();
    let api_diff_breaks = !breaking.is_empty();
    if major > 0 && !api_diff_breaks {
        disagreements.push("api-diff calls the pair compatible, semver-checks finds a break".to_owned());
    }
    for d in &disagreements {
        println!("  DISAGREEMENT {d}");
    }
    for (lint, reason) in KNOWN_DIFFERENCES.iter().filter(|(l, _)| known.contains_key(l)) {
        println!("  known difference {lint} ({}x): {reason}", known[lint]);
    }
    let tags = subset.map_or_else(|| "all".to_owned(), |t| t.join(", "));
    let compatible = changes.len() - breaking.len();
    let known_cell = if known.is_empty() {
        "0".to_owned()
    } else {
        known.iter().map(|(l, n)| format!("{n} `{l}`")).collect::<Vec<_>>().join(", ")
    };
    let row = format!(
        "| {pair} | {tags} | {} breaking, {compatible} compatible | {major} major, {minor} minor | {named} | {known_cell} | {} | {:.0?} |",
        breaking.len(),
        disagreements.len(),
        started.elapsed()
    );
    println!("{row}");
    Ok((row, disagreements.is_empty()))
}

/// Whether api-diff's change names the Rust item semver-checks reports (`enum Foo`, `Foo::Bar`,
/// `Client::get_foo`): the last path segments must appear in its summary or note.
fn mentions(change: &Change, item: &str) -> bool {
    let text = format!("{} {}", change.kind, change.note);
    let words: Vec<&str> = item.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).collect();
    words.iter().filter(|w| w.contains("::") || w.chars().next().is_some_and(char::is_uppercase)).any(|path| {
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        // `atlas_admin_client::models::Foo::bar` is named by `Foo::bar` or by `Foo` for a removed type.
        let tail = segments.iter().rev().take(2).rev().copied().collect::<Vec<_>>().join("::");
        let last = segments.last().copied().unwrap_or_default();
        (!tail.is_empty() && text.contains(&tail)) || (!last.is_empty() && text.contains(&format!("`{last}`")))
    })
}

/// The findings in semver-checks' human output: `--- failure LINT: ... ---`, then `Failed in:` and one
/// item per line.
fn parse(text: &str, levels: &BTreeMap<String, String>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut in_items = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            let lint = rest.split(':').next().unwrap_or(rest).trim().to_owned();
            let level = levels.get(&lint).cloned().unwrap_or_else(|| "major".to_owned());
            findings.push(Finding { lint, level, items: Vec::new() });
            in_items = false;
        } else if trimmed == "Failed in:" {
            in_items = true;
        } else if in_items && !trimmed.is_empty() && line.starts_with("  ") && !line.starts_with("   ") {
            if let Some(f) = findings.last_mut() {
                f.items.push(trimmed.to_owned());
            }
        } else if in_items {
            in_items = false;
        }
    }
    findings
}

/// Each semver-checks lint's required bump (`major`/`minor`), from `cargo semver-checks --list`.
fn lint_levels() -> Result<BTreeMap<String, String>, String> {
    let out = Command::new(crate::util::cargo())
        .args(["semver-checks", "--list"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    if !out.status.success() {
        return Err("api-diff-judge needs cargo-semver-checks: `cargo install cargo-semver-checks --locked`".to_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let known: BTreeSet<&str> = ["major", "minor"].into();
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut cells = l.split_whitespace();
            let (id, level) = (cells.next()?, cells.next()?);
            known.contains(level).then(|| (id.to_owned(), level.to_owned()))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_read_from_the_human_output() {
        let out = [
            "     Checking x v0.1.0 -> v0.1.0 (no change)",
            "--- failure enum_variant_missing: pub enum variant removed or renamed ---",
            "",
            "Description:",
            "A publicly-visible enum has at least one variant that is no longer available.",
            "",
            "Failed in:",
            "  variant GadgetKind::Large, previously in file /x/src/models.rs:10",
            "  variant Other::Gone, previously in file /x/src/models.rs:20",
            "",
            "--- failure constructible_struct_adds_field: externally-constructible struct adds field ---",
            "",
            "Failed in:",
            "  field AlertGroup.route_labels in /y/src/models.rs:5",
            "     Summary semver requires new major version: 2 major and 0 minor checks failed",
        ]
        .join("\n");
        let out = out.as_str();
        let levels = BTreeMap::from([("enum_variant_missing".to_owned(), "major".to_owned())]);
        let found = parse(out, &levels);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].lint, "enum_variant_missing");
        assert_eq!(found[0].items.len(), 2);
        assert_eq!(found[1].items, ["field AlertGroup.route_labels in /y/src/models.rs:5"]);
    }
}
