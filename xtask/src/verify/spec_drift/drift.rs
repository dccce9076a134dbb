//! The drift check: does our fragment still describe its operations as the official Atlas description
//! does?
//!
//! Both descriptions are lowered to the [IR](atlas_codegen::ir) (the official one through a [`subset`] of just
//! the compared operations) and compared with [`diff`], the api-diff machinery, so a difference reads
//! exactly as `cargo xtask api-diff` would print it. On top of what api-diff reports, the check compares
//! what api-diff leaves out because it does not change the generated API but does describe the wire:
//! the media type of every error response, the headers of every response, and the security schemes.
//!
//! Every difference must be listed as intentional in the fragment's top-level `x-codegen-deviations`
//! (one place, one reason each); a listed deviation that no longer happens is an error too, so the list
//! stays as short as the fragment allows.

use std::collections::BTreeSet;
use std::fmt;

use serde_yaml::Value;

use atlas_codegen::diff::diff;
use atlas_codegen::ir::{Api, SchemaRef};

use super::subset::subset;

/// The operations the fragment describes, which the check compares.
pub const OPERATIONS: [&str; 3] = ["listOrgApiKeys", "getOrgApiKey", "createOrgApiKey"];

/// The fragment's key that lists its intentional deviations.
pub const DEVIATIONS_KEY: &str = "x-codegen-deviations";

/// One way the fragment differs from the official description.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// What it is about, as api-diff names it (`operation listOrgApiKeys`, `schema ApiError`,
    /// `security`).
    pub subject: String,
    /// What the fragment says instead, in api-diff's wording, read from the official description to
    /// the fragment (``query parameter `itemsPerPage`: maximum 500 -> 200``).
    pub change: String,
    /// What it means for callers of the generated client.
    pub note: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.change)
    }
}

/// An intentional deviation, as listed in the fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// The subjects it applies to (one or more).
    pub subjects: Vec<String>,
    /// The change it allows, worded as the check reports it.
    pub change: String,
    /// Why the fragment deviates, in one line.
    pub reason: String,
}

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Differences the fragment lists as intentional, with the reason it gives.
    pub allowed: Vec<(Difference, String)>,
    /// Differences the fragment does not list: each fails the check.
    pub unlisted: Vec<Difference>,
    /// Listed deviations (one subject each) that no longer happen: each fails the check too.
    pub stale: Vec<Deviation>,
}

impl Outcome {
    /// Whether the fragment is faithful: nothing unlisted, nothing stale.
    pub fn passed(&self) -> bool {
        self.unlisted.is_empty() && self.stale.is_empty()
    }

    /// The report for a terminal: each unlisted difference with its note, each stale deviation, then
    /// the allowed ones with their reasons, and a last line with the verdict.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if !self.unlisted.is_empty() {
            out.push_str(&format!(
                "{} difference(s) from the official description not listed in `{DEVIATIONS_KEY}`:\n",
                self.unlisted.len()
            ));
            for d in &self.unlisted {
                out.push_str(&format!("  {d}\n      {}\n", d.note));
            }
            out.push('\n');
        }
        if !self.stale.is_empty() {
            out.push_str(&format!("{} listed deviation(s) that no longer happen (remove them):\n", self.stale.len()));
            for d in &self.stale {
                out.push_str(&format!("  {}: {}\n", d.subjects.join(", "), d.change));
            }
            out.push('\n');
        }
        if !self.allowed.is_empty() {
            out.push_str(&format!("{} intentional deviation(s):\n", self.allowed.len()));
            for (d, reason) in &self.allowed {
                out.push_str(&format!("  {d}\n      {reason}\n"));
            }
            out.push('\n');
        }
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        out.push_str(&format!(
            "spec-drift {verdict}: {} unlisted, {} stale, {} intentional\n",
            self.unlisted.len(),
            self.stale.len(),
            self.allowed.len()
        ));
        out
    }
}

/// Runs the whole check: [`lower_official`], then [`check_against`] the fragment (`fragment_file`,
/// `fragment_text`). Errors (a description that does not load, a malformed list) come back as text
/// naming the file.
pub fn check(
    official_file: &str,
    official_text: &str,
    fragment_file: &str,
    fragment_text: &str,
) -> Result<Outcome, String> {
    let official = lower_official(official_file, official_text)?;
    check_against(&official, fragment_file, fragment_text)
}

/// Lowers the [`OPERATIONS`] of the official description (through a [`subset`], since the whole
/// document holds constructs the generator refuses).
pub fn lower_official(official_file: &str, official_text: &str) -> Result<Api, String> {
    let official_subset = subset(official_text, &OPERATIONS).map_err(|e| format!("{official_file}: {e}"))?;
    atlas_codegen::lower_spec(official_file, &official_subset)
        .map(|(api, _warnings)| api)
        .map_err(|d| format!("the operations {} of {official_file} do not lower:\n{d}", OPERATIONS.join(", ")))
}

/// Lowers the fragment, compares it with the lowered official description and matches the
/// differences against the fragment's `x-codegen-deviations`.
pub fn check_against(official: &Api, fragment_file: &str, fragment_text: &str) -> Result<Outcome, String> {
    let (fragment, _) = atlas_codegen::lower_spec(fragment_file, fragment_text).map_err(|d| d.to_string())?;
    let listed = deviations(fragment_text).map_err(|e| format!("{fragment_file}: {e}"))?;
    Ok(matching(differences(official, &fragment), &listed))
}

/// Every difference between the [`OPERATIONS`] of two IRs (and the types they reach), read from
/// `official` to `fragment`.
pub fn differences(official: &Api, fragment: &Api) -> Vec<Difference> {
    let official = restricted(official);
    let fragment = restricted(fragment);
    let mut out: Vec<Difference> = diff(&official, &fragment)
        .changes
        .into_iter()
        .map(|c| Difference { subject: c.subject.to_string(), change: c.kind.to_string(), note: c.note })
        .collect();
    out.extend(wire_differences(&official, &fragment));
    out.extend(security_differences(&official, &fragment));
    // Stable: api-diff's order within a subject is kept.
    out.sort_by(|a, b| a.subject.cmp(&b.subject));
    out
}

/// Reads the fragment's deviation list: a sequence of mappings with `subject` (a string or a list of
/// strings), `change` and `reason`. A fragment without the key lists nothing.
pub fn deviations(text: &str) -> Result<Vec<Deviation>, String> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| format!("not valid YAML: {e}"))?;
    let Some(list) = doc.get(DEVIATIONS_KEY) else { return Ok(Vec::new()) };
    let Some(list) = list.as_sequence() else {
        return Err(format!("`{DEVIATIONS_KEY}` (at /{DEVIATIONS_KEY}) must be a list"));
    };
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = format!("/{DEVIATIONS_KEY}/{i}");
        let text_of = |key: &str| -> Result<String, String> {
            match entry.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                _ => Err(format!("`{key}` of the deviation at {at} must be a non-empty string")),
            }
        };
        let subjects = match entry.get("subject") {
            Some(Value::String(s)) => vec![s.trim().to_owned()],
            Some(Value::Sequence(items)) if !items.is_empty() => items
                .iter()
                .map(|v| v.as_str().map(|s| s.trim().to_owned()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("`subject` of the deviation at {at} must list strings"))?,
            _ => return Err(format!("`subject` of the deviation at {at} must be a string or a list of strings")),
        };
        let reason = text_of("reason")?;
        if reason.contains('\n') {
            return Err(format!("`reason` of the deviation at {at} must be one line"));
        }
        out.push(Deviation { subjects, change: text_of("change")?, reason });
    }
    Ok(out)
}

/// Sorts differences into allowed and unlisted, and finds listed deviations that match nothing.
pub fn matching(differences: Vec<Difference>, listed: &[Deviation]) -> Outcome {
    let mut outcome = Outcome::default();
    let mut used: BTreeSet<(usize, usize)> = BTreeSet::new();
    for d in differences {
        let hit = listed.iter().enumerate().find_map(|(i, dev)| {
            let j = dev.subjects.iter().position(|s| *s == d.subject)?;
            (dev.change == d.change).then_some((i, j))
        });
        match hit {
            Some((i, j)) => {
                used.insert((i, j));
                outcome.allowed.push((d, listed[i].reason.clone()));
            }
            None => outcome.unlisted.push(d),
        }
    }
    for (i, dev) in listed.iter().enumerate() {
        for (j, subject) in dev.subjects.iter().enumerate() {
            if !used.contains(&(i, j)) {
                outcome.stale.push(Deviation { subjects: vec![subject.clone()], ..dev.clone() });
            }
        }
    }
    outcome
}

/// `api` with only the compared operations and the named types they reach (from parameters, bodies
/// and every response, errors included).
fn restricted(api: &Api) -> Api {
    let operations: Vec<_> = api.operations.iter().filter(|o| OPERATIONS.contains(&o.id.as_str())).cloned().collect();
    let mut start: Vec<SchemaRef> = Vec::new();
    for op in &operations {
        for p in &op.params {
            start.extend(p.newtype.iter().cloned());
            start.extend(p.ty.schema_refs().into_iter().cloned());
        }
        let body = op.body.as_ref().map(|b| &b.ty);
        for ty in body.into_iter().chain(op.responses.iter().filter_map(|r| r.ty.as_ref())) {
            start.extend(ty.schema_refs().into_iter().cloned());
        }
    }
    let reached: BTreeSet<SchemaRef> = api.reachable(&start);
    let schemas = api.schemas.iter().filter(|s| reached.iter().any(|r| *r == s.rust_name)).cloned().collect();
    Api { operations, schemas, ..api.clone() }
}

/// Media types of error responses and the headers of every response: wire facts api-diff skips.
fn wire_differences(official: &Api, fragment: &Api) -> Vec<Difference> {
    let mut out = Vec::new();
    for old in &official.operations {
        let Some(new) = fragment.operations.iter().find(|o| o.id == old.id) else { continue };
        let subject = format!("operation {}", old.id);
        let success = old.success().map(|r| r.status);
        for a in &old.responses {
            let Some(b) = new.responses.iter().find(|r| r.status == a.status) else { continue };
            let status = a.status.key();
            // The success response's media type is the `Accept` api-diff compares already.
            if a.media_type != b.media_type && Some(a.status) != success {
                out.push(Difference {
                    subject: subject.clone(),
                    change: format!("response {status} media type: {} -> {}", media(&a.media_type), media(&b.media_type)),
                    note: "The error body arrives in another media type; the client decodes any JSON error body as `ApiError`."
                        .to_owned(),
                });
            }
            for h in a.headers.iter().filter(|h| !b.headers.iter().any(|x| x.eq_ignore_ascii_case(h))) {
                out.push(Difference {
                    subject: subject.clone(),
                    change: format!("response {status} header `{h}` removed"),
                    note: "The spec no longer documents a header Atlas sends with this response.".to_owned(),
                });
            }
            for h in b.headers.iter().filter(|h| !a.headers.iter().any(|x| x.eq_ignore_ascii_case(h))) {
                out.push(Difference {
                    subject: subject.clone(),
                    change: format!("response {status} header `{h}` added"),
                    note: "The spec documents a header the official description does not.".to_owned(),
                });
            }
        }
    }
    out
}

/// Security schemes, by name and kind (descriptions are documentation).
fn security_differences(official: &Api, fragment: &Api) -> Vec<Difference> {
    let subject = "security".to_owned();
    let mut out = Vec::new();
    for a in &official.security {
        match fragment.security.iter().find(|b| b.name == a.name) {
            None => out.push(Difference {
                subject: subject.clone(),
                change: format!("security scheme `{}` removed", a.name),
                note: "The client loses a way to authenticate that Atlas accepts.".to_owned(),
            }),
            Some(b) if b.kind != a.kind => out.push(Difference {
                subject: subject.clone(),
                change: format!("security scheme `{}`: {:?} -> {:?}", a.name, a.kind, b.kind),
                note: "The client authenticates another way than Atlas expects.".to_owned(),
            }),
            Some(_) => {}
        }
    }
    for b in fragment.security.iter().filter(|b| !official.security.iter().any(|a| a.name == b.name)) {
        out.push(Difference {
            subject: subject.clone(),
            change: format!("security scheme `{}` added", b.name),
            note: "The client offers a way to authenticate that the official description does not list.".to_owned(),
        });
    }
    out
}

fn media(media_type: &Option<String>) -> String {
    media_type.as_ref().map_or_else(|| "none".to_owned(), |m| format!("`{m}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn difference(subject: &str, change: &str) -> Difference {
        Difference { subject: subject.to_owned(), change: change.to_owned(), note: "note".to_owned() }
    }

    #[test]
    fn reads_the_list_with_one_or_many_subjects() {
        let text = "openapi: 3.0.3\nx-codegen-deviations:\n  - subject: schema A\n    change: \"field `x`: type `string` -> `secret`\"\n    reason: secret\n  - subject: [operation a, operation b]\n    change: optional query parameter `p` removed\n    reason: omitted\n";
        let list = deviations(text).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].subjects, ["schema A"]);
        assert_eq!(list[0].change, "field `x`: type `string` -> `secret`");
        assert_eq!(list[1].subjects, ["operation a", "operation b"]);
        assert_eq!(list[1].reason, "omitted");
        assert!(deviations("openapi: 3.0.3\n").unwrap().is_empty());
    }

    #[test]
    fn malformed_entries_are_named_by_pointer() {
        let cases = [
            ("x-codegen-deviations: {}\n", "must be a list"),
            (
                "x-codegen-deviations:\n  - change: c\n    reason: r\n",
                "`subject` of the deviation at /x-codegen-deviations/0",
            ),
            (
                "x-codegen-deviations:\n  - subject: s\n    reason: r\n",
                "`change` of the deviation at /x-codegen-deviations/0",
            ),
            (
                "x-codegen-deviations:\n  - subject: s\n    change: c\n",
                "`reason` of the deviation at /x-codegen-deviations/0",
            ),
            ("x-codegen-deviations:\n  - subject: s\n    change: c\n    reason: \"a\\nb\"\n", "must be one line"),
        ];
        for (text, expected) in cases {
            let error = deviations(text).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn unlisted_allowed_and_stale_are_told_apart() {
        let listed = vec![
            Deviation {
                subjects: vec!["operation a".to_owned(), "operation b".to_owned()],
                change: "optional query parameter `p` removed".to_owned(),
                reason: "omitted".to_owned(),
            },
            Deviation { subjects: vec!["schema S".to_owned()], change: "gone".to_owned(), reason: "old".to_owned() },
        ];
        let outcome = matching(
            vec![
                difference("operation a", "optional query parameter `p` removed"),
                difference("operation a", "query parameter `q`: maximum 500 -> 400"),
            ],
            &listed,
        );
        assert!(!outcome.passed());
        assert_eq!(outcome.allowed.len(), 1);
        assert_eq!(outcome.allowed[0].1, "omitted");
        assert_eq!(outcome.unlisted, [difference("operation a", "query parameter `q`: maximum 500 -> 400")]);
        let stale: Vec<(String, &str)> =
            outcome.stale.iter().map(|d| (d.subjects.join(","), d.change.as_str())).collect();
        assert_eq!(
            stale,
            [("operation b".to_owned(), "optional query parameter `p` removed"), ("schema S".to_owned(), "gone")]
        );
        let report = outcome.render();
        assert!(report.contains("operation a: query parameter `q`: maximum 500 -> 400"), "{report}");
        assert!(report.ends_with("spec-drift FAILED: 1 unlisted, 2 stale, 1 intentional\n"), "{report}");
    }

    #[test]
    fn nothing_to_report_passes() {
        let outcome = matching(Vec::new(), &[]);
        assert!(outcome.passed());
        assert_eq!(outcome.render(), "spec-drift passed: 0 unlisted, 0 stale, 0 intentional\n");
    }
}
