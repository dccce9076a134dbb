//! Semantic comparison of two IRs: what changed in the API, and whether it breaks callers of the
//! generated crate.
//!
//! [`diff`] works on the [`ir`](crate::ir), never on the YAML text, so reordering keys, moving a
//! parameter into `components/parameters` or reformatting the file reports nothing. Things are matched
//! by their identity on the wire:
//!
//! - operations by `operationId`;
//! - parameters by location and wire name (`query itemsPerPage`);
//! - responses by status;
//! - schemas by their spec name, struct fields and enum values by wire name.
//!
//! A thing matched on both sides whose Rust name changed (a type, a kept field, a method, its builder,
//! a parameter's argument) is a breaking [`ChangeKind::RustNameChanged`]: the naming rule for clashes
//! (`naming::clash`) promises no such rename when something unrelated is added.
//!
//! Every [`Change`] carries a [`Verdict`]: [`Breaking`](Verdict::Breaking) when code written against the
//! current `atlas-admin-client` could stop compiling or start failing at run time (a method signature
//! changes, a value that used to pass validation is now rejected, a type or variant disappears, Atlas is
//! sent something else), [`Compatible`](Verdict::Compatible) otherwise. Descriptions, summaries, tags and
//! examples are documentation and never reported.
//!
//! [`Report::bump`] turns the verdicts into the semver bump the generated crate needs, and
//! [`Report::render_text`] / [`Report::render_markdown`] print the report for a terminal or a pull
//! request.
//!
//! Every change also names the tag it is filed under ([`Change::group`], see [`groups`]), so a
//! whole-API report reads as a per-tag summary table and then one section per tag.
//!
//! One module per concern: `report` (changes, verdicts, semver, rendering), `groups` (which tag a
//! change is filed under), `operations`, `schemas` and `constraints` (keyword by keyword, with which
//! direction tightens).

mod constraints;
mod groups;
mod operations;
mod report;
mod schemas;

pub use constraints::{constraint_changes, ConstraintChange, ConstraintKind};
pub use groups::{SHARED, UNTAGGED};
pub use report::{Bump, Change, ChangeKind, ParamKey, Report, Subject, Verdict};

use std::collections::BTreeSet;

use crate::ir;

/// Compares two versions of an API. See the [module docs](self) for what is matched and how verdicts
/// are decided.
pub fn diff(before: &ir::Api, after: &ir::Api) -> Report {
    let param_newtypes = [before, after]
        .iter()
        .flat_map(|api| &api.operations)
        .flat_map(|op| &op.params)
        .filter_map(|p| p.newtype.clone())
        .collect();
    let mut d = Differ { changes: Vec::new(), param_newtypes };
    let op_ids: BTreeSet<&str> = before.operations.iter().chain(&after.operations).map(|o| o.id.as_str()).collect();
    for id in op_ids {
        let old = before.operations.iter().find(|o| o.id == id);
        let new = after.operations.iter().find(|o| o.id == id);
        d.operation(id, old, new);
    }
    let schema_names: BTreeSet<&str> = before.schemas.iter().chain(&after.schemas).map(|s| s.name.as_str()).collect();
    for name in schema_names {
        let olds: Vec<&ir::Schema> = before.schemas.iter().filter(|s| s.name == name).collect();
        let news: Vec<&ir::Schema> = after.schemas.iter().filter(|s| s.name == name).collect();
        if olds.len() <= 1 && news.len() <= 1 {
            d.schema(name, olds.first().copied(), news.first().copied());
            continue;
        }
        // One spec schema made into several Rust types (an inline schema a base type passes on to each
        // of its `allOf` subtypes): each type is compared with the one of the same Rust name.
        let rust_names: BTreeSet<&str> = olds.iter().chain(&news).map(|s| s.rust_name.as_str()).collect();
        for rust_name in rust_names {
            let old = olds.iter().find(|s| s.rust_name == rust_name).copied();
            let new = news.iter().find(|s| s.rust_name == rust_name).copied();
            d.schema(&groups::copy_subject(name, rust_name), old, new);
        }
    }
    // Subjects were visited in order already; the stable sort only guards that invariant.
    d.changes.sort_by(|a, b| a.subject.cmp(&b.subject));
    let groups = groups::Groups::new(before, after);
    for change in &mut d.changes {
        change.group = groups.of(&change.subject);
    }
    Report { changes: d.changes }
}

/// Collects the changes while the operations and schemas are compared.
struct Differ {
    changes: Vec<Change>,
    /// The Rust names of the newtypes that parameters use, before or after.
    param_newtypes: BTreeSet<ir::SchemaRef>,
}

impl Differ {
    fn push(&mut self, subject: &Subject, kind: ChangeKind, verdict: Verdict, note: impl Into<String>) {
        self.changes.push(Change { subject: subject.clone(), group: String::new(), kind, verdict, note: note.into() });
    }

    /// A Rust name that changed while the wire name stayed: code that spells the old one breaks.
    fn renamed(&mut self, subject: &Subject, item: impl Into<String>, before: &str, after: &str) {
        if before != after {
            let kind =
                ChangeKind::RustNameChanged { item: item.into(), before: before.to_owned(), after: after.to_owned() };
            self.push(subject, kind, Verdict::Breaking, format!("Code that names `{before}` must say `{after}`."));
        }
    }
}
