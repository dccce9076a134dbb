//! Which tag a change is filed under, so that a report on a whole API can be read tag by tag.
//!
//! An operation is filed under its first tag (after the change; before it, for a removed operation).
//! A schema is filed under the one tag whose operations reach it (through parameters, bodies,
//! responses, fields), before or after; a schema that several tags reach is [`SHARED`], one that no
//! operation reaches is [`UNTAGGED`].

use std::collections::{BTreeMap, BTreeSet};

use super::Subject;
use crate::ir;

/// The group of schemas that operations of several tags use.
pub const SHARED: &str = "(shared schemas)";

/// The group of operations without a tag and of schemas that no operation uses.
pub const UNTAGGED: &str = "(untagged)";

/// How a report names one of several Rust types made from the same spec schema.
pub(super) fn copy_subject(name: &str, rust_name: &str) -> String {
    format!("{name} as {rust_name}")
}

/// The tag of every operation and schema of two versions of an API.
pub(super) struct Groups {
    operations: BTreeMap<String, String>,
    schemas: BTreeMap<String, BTreeSet<String>>,
}

impl Groups {
    pub(super) fn new(before: &ir::Api, after: &ir::Api) -> Self {
        let mut groups = Self { operations: BTreeMap::new(), schemas: BTreeMap::new() };
        // `after` last, so that its tag wins for an operation in both.
        for api in [before, after] {
            for op in &api.operations {
                let tag = op.tags.first().cloned().unwrap_or_else(|| UNTAGGED.to_owned());
                for schema in api.reachable(&op.models()) {
                    if let Some(schema) = api.schema(&schema) {
                        groups.schemas.entry(schema.name.clone()).or_default().insert(tag.clone());
                        let copy = copy_subject(&schema.name, &schema.rust_name);
                        groups.schemas.entry(copy).or_default().insert(tag.clone());
                    }
                }
                groups.operations.insert(op.id.clone(), tag);
            }
        }
        groups
    }

    /// The group `subject` is filed under.
    pub(super) fn of(&self, subject: &Subject) -> String {
        match subject {
            Subject::Operation(id) => self.operations.get(id).map_or(UNTAGGED, String::as_str).to_owned(),
            Subject::Schema(name) => match self.schemas.get(name) {
                Some(tags) if tags.len() == 1 => tags.iter().next().map_or(UNTAGGED, String::as_str).to_owned(),
                Some(tags) if tags.len() > 1 => SHARED.to_owned(),
                _ => UNTAGGED.to_owned(),
            },
        }
    }
}
