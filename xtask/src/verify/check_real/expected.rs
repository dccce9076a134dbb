//! `generator/tests/fixtures/real/expected.txt`: every description of the corpus, whether CI compiles it,
//! and what it is expected to do today. Like the conformance known-failures lists, a run fails when an
//! outcome differs from its line, in either direction: a listed failure that now passes must be updated too,
//! so the list always says where the generator stands.
//!
//! One description a line, `#` starts a comment:
//!
//! ```text
//! <path under real/> [ci]: <outcome>[: <summary>]
//! ```
//!
//! `ci` marks the fixed subset CI compiles (`check-real --all` compiles every one). The outcome is one of
//! `compiles`, `does-not-compile`, `generates` (not compiled yet: outside the subset, measured by `--all`),
//! `refused`, `panics`; the summary (error count and first error of a refusal)
//! is informational: a changed summary is reported, not failed. A description split over several files is
//! listed by its root file.

use std::fmt;

/// What a description does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Generates, and the crate builds with warnings denied (checked when it is compiled).
    Compiles,
    /// Generates, but the crate does not build (checked when it is compiled).
    DoesNotCompile,
    /// Generates; whether the crate builds is not recorded (outside the CI subset and not yet run with `--all`).
    Generates,
    /// The generator reports errors.
    Refused,
    /// The generator panics (a bug: bad input must get a diagnostic).
    Panics,
}

impl Outcome {
    fn parse(word: &str) -> Option<Outcome> {
        match word {
            "compiles" => Some(Outcome::Compiles),
            "does-not-compile" => Some(Outcome::DoesNotCompile),
            "generates" => Some(Outcome::Generates),
            "refused" => Some(Outcome::Refused),
            "panics" => Some(Outcome::Panics),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Compiles => "compiles",
            Outcome::DoesNotCompile => "does-not-compile",
            Outcome::Generates => "generates",
            Outcome::Refused => "refused",
            Outcome::Panics => "panics",
        })
    }
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the corpus folder, `/`-separated: `nexus.json`, `digitalocean/DigitalOcean-public.v2.yaml`.
    pub path: String,
    /// In the subset CI compiles.
    pub ci: bool,
    pub outcome: Outcome,
    /// What the line says after the outcome (empty for none).
    pub summary: String,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}: {}", self.path, if self.ci { " ci" } else { "" }, self.outcome)?;
        if !self.summary.is_empty() {
            write!(f, ": {}", self.summary)?;
        }
        Ok(())
    }
}

/// The entries of `text`, in order; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Vec<Entry>, String> {
    let mut entries: Vec<Entry> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{file}:{}", n + 1);
        let (head, rest) = line
            .split_once(": ")
            .ok_or_else(|| format!("{}: expected `<path> [ci]: <outcome>`, found `{line}`", at()))?;
        let (path, ci) = match head.strip_suffix(" ci") {
            Some(path) => (path.trim(), true),
            None => (head.trim(), false),
        };
        let (word, summary) = rest.split_once(": ").unwrap_or((rest, ""));
        let outcome = Outcome::parse(word.trim()).ok_or_else(|| {
            format!(
                "{}: unknown outcome `{word}` (one of compiles, does-not-compile, generates, refused, panics)",
                at()
            )
        })?;
        if entries.iter().any(|e| e.path == path) {
            return Err(format!("{}: `{path}` is listed twice", at()));
        }
        entries.push(Entry { path: path.to_owned(), ci, outcome, summary: summary.trim().to_owned() });
    }
    Ok(entries)
}

/// Why a measured outcome does not match its entry, or `None` when it does. The measurement is `Err` when
/// the description did not generate, `Ok(None)` when it generated and was not compiled (outside the CI
/// subset: then generating is all that can be checked), `Ok(Some(builds))` when it was compiled. `generates`
/// is met by any crate that generates: it records that no one compiled it yet.
pub fn mismatch(expected: Outcome, generated: Result<Option<bool>, Outcome>) -> Option<String> {
    let got = match generated {
        Err(outcome) => outcome,
        Ok(_) if expected == Outcome::Generates => return None,
        Ok(None) if matches!(expected, Outcome::Compiles | Outcome::DoesNotCompile) => return None,
        Ok(None) => Outcome::Generates,
        Ok(Some(true)) => Outcome::Compiles,
        Ok(Some(false)) => Outcome::DoesNotCompile,
    };
    (got != expected).then(|| format!("listed as {expected}, but it {} now", verb(got)))
}

/// An outcome as a verb phrase ("it compiles now", "it is refused now").
fn verb(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Compiles => "compiles",
        Outcome::DoesNotCompile => "does not compile",
        Outcome::Generates => "generates",
        Outcome::Refused => "is refused",
        Outcome::Panics => "panics",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_path_subset_outcome_and_summary() {
        let text = "# header\n\nnexus.json ci: compiles\ndo/root.yaml: refused: 3 errors: `x` is bad\n";
        let entries = parse("expected.txt", text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0],
            Entry { path: "nexus.json".into(), ci: true, outcome: Outcome::Compiles, summary: String::new() }
        );
        assert_eq!(entries[1].path, "do/root.yaml");
        assert!(!entries[1].ci);
        assert_eq!(entries[1].outcome, Outcome::Refused);
        assert_eq!(entries[1].summary, "3 errors: `x` is bad");
        assert_eq!(entries[1].to_string(), "do/root.yaml: refused: 3 errors: `x` is bad");
    }

    #[test]
    fn bad_lines_are_errors_naming_the_line() {
        let err = parse("e.txt", "a.json: works\n").unwrap_err();
        assert!(err.starts_with("e.txt:1: unknown outcome `works`"), "{err}");
        let err = parse("e.txt", "a.json: compiles\na.json: refused\n").unwrap_err();
        assert!(err.starts_with("e.txt:2:") && err.contains("twice"), "{err}");
        assert!(parse("e.txt", "no outcome here\n").is_err());
    }

    #[test]
    fn an_outcome_that_changes_either_way_is_a_mismatch() {
        // Better than listed: the list must be updated.
        assert!(mismatch(Outcome::Refused, Ok(Some(true))).is_some());
        assert!(mismatch(Outcome::Refused, Ok(None)).is_some());
        assert!(mismatch(Outcome::Generates, Ok(Some(true))).is_none());
        assert!(mismatch(Outcome::Generates, Err(Outcome::Refused)).is_some());
        assert!(mismatch(Outcome::DoesNotCompile, Ok(Some(true))).is_some());
        // Worse than listed.
        assert!(mismatch(Outcome::Compiles, Err(Outcome::Refused)).is_some());
        assert!(mismatch(Outcome::Compiles, Ok(Some(false))).is_some());
        assert!(mismatch(Outcome::Refused, Err(Outcome::Panics)).is_some());
        // As listed; an uncompiled crate is checked only for generating.
        assert_eq!(mismatch(Outcome::Refused, Err(Outcome::Refused)), None);
        assert_eq!(mismatch(Outcome::Compiles, Ok(Some(true))), None);
        assert_eq!(mismatch(Outcome::Compiles, Ok(None)), None);
        assert_eq!(mismatch(Outcome::DoesNotCompile, Ok(None)), None);
    }
}
