//! `cargo xtask check-real`: generates a client from every public description in
//! `generator/tests/fixtures/real/` (specs nobody here wrote, see its SOURCE.md) and compiles it with warnings
//! denied, like `check-fixtures`. Prints one Markdown row per spec (the README's "Beyond Atlas" table) and fails
//! unless every spec generated and compiled: a refusal is only acceptable for a construct no Rust type can express,
//! and none of these has one.

use std::collections::BTreeMap;
use std::path::Path;

const CORPUS: &str = "generator/tests/fixtures/real";

/// What happened to one spec.
enum Outcome {
    Compiled,
    DoesNotCompile,
    /// Refused: error count, and the most frequent kinds of error with their counts.
    Refused(usize, Vec<(usize, String)>),
}

pub fn run(root: &Path) -> Result<(), String> {
    let specs = crate::check_fixtures::specs_in(root, CORPUS, &["yaml", "json"])?;
    let scratch = std::env::temp_dir().join(format!("atlas-codegen-real-{}", std::process::id()));
    let mut rows = Vec::new();
    for spec in &specs {
        let file = spec.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let rel = format!("{CORPUS}/{file}");
        let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read {rel}: {e}"))?;
        let operations = atlas_codegen::load::parse(&rel, &text).map(|s| s.doc.operations().count()).unwrap_or(0);
        eprintln!("check-real: {rel}");
        let outcome = match atlas_codegen::generate(&rel, &text) {
            Err(diags) => {
                let errors: Vec<_> =
                    diags.items().iter().filter(|d| d.severity == atlas_codegen::Severity::Error).collect();
                let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
                for d in &errors {
                    *kinds.entry(kind_of(&d.message)).or_default() += 1;
                }
                let mut kinds: Vec<(usize, String)> = kinds.into_iter().map(|(k, n)| (n, k)).collect();
                kinds.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                Outcome::Refused(errors.len(), kinds)
            }
            Ok(generated) => {
                let dir = scratch.join(spec.file_stem().unwrap_or_default());
                crate::sync::write(&dir, &generated.files)?;
                let manifest = crate::check_fixtures::standalone(&dir)?;
                if crate::check_fixtures::check_crate(root, &manifest)? {
                    Outcome::Compiled
                } else {
                    Outcome::DoesNotCompile
                }
            }
        };
        rows.push((file, operations, outcome));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!("| spec | operations | result |\n|---|---|---|");
    for (file, operations, outcome) in &rows {
        let result = match outcome {
            Outcome::Compiled => "generates, compiles, docs build (warnings denied)".to_owned(),
            Outcome::DoesNotCompile => "generates, but the crate does not compile".to_owned(),
            Outcome::Refused(n, kinds) => {
                let top: Vec<String> = kinds.iter().take(3).map(|(count, kind)| format!("{count}× {kind}")).collect();
                format!("refused, {n} error(s): {}", top.join("; "))
            }
        };
        println!("| `{file}` | {operations} | {result} |");
    }
    let passed = rows.iter().filter(|(_, _, o)| matches!(o, Outcome::Compiled)).count();
    println!("\n{passed} of {} descriptions generate and compile", rows.len());
    if passed == rows.len() {
        Ok(())
    } else {
        Err(format!("check-real: {} of {} descriptions do not generate or compile", rows.len() - passed, rows.len()))
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
