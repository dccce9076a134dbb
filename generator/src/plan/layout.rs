//! The crate's module layout at scale: one operations module and one cargo feature per tag, and the models
//! split by the tags whose operations reach them, so no generated file holds the whole API and a user
//! who enables three tags compiles three tags. The same code path serves a one-tag crate.
//!
//! - An operation belongs to its first `tags` entry; untagged operations to `untagged` (cargo
//!   reserves the feature name `default`).
//! - A schema reached by exactly one tag lives in `models/<tag>.rs`, gated on that tag's feature.
//! - A schema reached by several tags lives in `models/shared.rs`, gated on any of their features. A
//!   shared type only reaches types reached by at least the same tags, so `shared` never needs a
//!   tag module that may be switched off.
//! - "Reached" counts error responses: a tag whose operations can fail with `ApiError` reaches it.
//! - A schema reached by no operation lives in `models/unreferenced.rs`, gated on every feature: it is
//!   part of the described API (a user may build it by hand), but nothing in a tag subset needs it.

use crate::ir::{Api, Operation, Schema, SchemaRef};
use crate::naming::{sanitize, Case};
use std::collections::{BTreeMap, BTreeSet};

/// The module and feature of operations without a tag.
const UNTAGGED: &str = "untagged";

/// The models module of types reached by several tags.
pub const SHARED: &str = "shared";

/// The models module of types no operation reaches.
pub const UNREFERENCED: &str = "unreferenced";

/// One tag: its operations module and its feature.
#[derive(Debug)]
pub struct Tag<'a> {
    /// The Rust module name (`programmatic_api_keys`).
    pub module: String,
    /// The cargo feature name (`programmatic-api-keys`).
    pub feature: String,
    /// The tag's operations, in spec order.
    pub operations: Vec<&'a Operation>,
}

/// A models submodule: its name, its schemas (in the API's order) and the features that enable it.
#[derive(Debug)]
pub struct ModelGroup<'a> {
    /// The Rust module name (a tag's module, `shared` or `unreferenced`).
    pub module: String,
    /// Its schemas, in the API's order.
    pub schemas: Vec<&'a Schema>,
    /// Empty: always compiled. Otherwise the module compiles when `any` (or `all`) of them is on.
    pub features: Vec<String>,
    /// Whether every feature is needed (`unreferenced`) rather than any.
    pub all: bool,
}

/// The tags of `api`, sorted by module name, each with its operations.
pub(super) fn tags(api: &Api) -> Vec<Tag<'_>> {
    let mut by_module: BTreeMap<String, Tag<'_>> = BTreeMap::new();
    for op in &api.operations {
        let module = match op.tags.first() {
            Some(tag) => sanitize(tag, Case::Snake).trim_end_matches('_').to_owned(),
            None => UNTAGGED.to_owned(),
        };
        // The models modules of several tags and of no operation keep their own names.
        let module = if module == SHARED || module == UNREFERENCED { format!("{module}_tag") } else { module };
        let feature = module.replace('_', "-").trim_matches('-').to_owned();
        by_module
            .entry(module.clone())
            .or_insert_with(|| Tag { module, feature, operations: Vec::new() })
            .operations
            .push(op);
    }
    by_module.into_values().collect()
}

/// The models submodules: one per tag that reaches a schema of its own, then `shared` and
/// `unreferenced` when they hold anything.
pub(super) fn model_groups<'a>(api: &'a Api, tags: &[Tag<'a>]) -> Vec<ModelGroup<'a>> {
    let mut reached_by: BTreeMap<SchemaRef, BTreeSet<usize>> = BTreeMap::new();
    for (i, tag) in tags.iter().enumerate() {
        // Error bodies count: the client decodes them, so they belong to the tags that can fail so.
        let named: BTreeSet<SchemaRef> =
            tag.operations.iter().flat_map(|op| op.models().into_iter().chain(op.error_models())).collect();
        for schema in api.reachable(&named) {
            reached_by.entry(schema).or_default().insert(i);
        }
    }
    let mut own: Vec<Vec<&Schema>> = vec![Vec::new(); tags.len()];
    let mut shared = Vec::new();
    let mut shared_tags = BTreeSet::new();
    let mut unreferenced = Vec::new();
    for schema in &api.schemas {
        let by = reached_by.get(&SchemaRef::new(&schema.rust_name));
        match by.map(|b| b.iter().copied().collect::<Vec<_>>()).unwrap_or_default().as_slice() {
            [] => unreferenced.push(schema),
            [one] => own[*one].push(schema),
            several => {
                shared.push(schema);
                shared_tags.extend(several.iter().copied());
            }
        }
    }
    let mut groups: Vec<ModelGroup<'a>> = tags
        .iter()
        .zip(own)
        .filter(|(_, schemas)| !schemas.is_empty())
        .map(|(tag, schemas)| ModelGroup {
            module: tag.module.clone(),
            schemas,
            features: vec![tag.feature.clone()],
            all: false,
        })
        .collect();
    if !shared.is_empty() {
        let features = shared_tags.into_iter().map(|i| tags[i].feature.clone()).collect();
        groups.push(ModelGroup { module: SHARED.to_owned(), schemas: shared, features, all: false });
    }
    if !unreferenced.is_empty() {
        let features = tags.iter().map(|t| t.feature.clone()).collect();
        groups.push(ModelGroup { module: UNREFERENCED.to_owned(), schemas: unreferenced, features, all: true });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tags that fail with the same `Problem` and one error type of its own each.
    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      tags: [Alpha]
      responses:
        "200": {description: ok}
        "404": {description: gone, content: {application/json: {schema: {$ref: "#/components/schemas/AlphaGone"}}}}
        default: {description: no, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
  /b:
    get:
      operationId: getB
      tags: [Beta]
      responses:
        "204": {description: ok}
        "4XX": {description: no, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
components:
  schemas:
    AlphaGone: {type: object, properties: {when: {type: string}}}
    Problem: {type: object, properties: {detail: {$ref: "#/components/schemas/Detail"}}}
    Detail: {type: object, properties: {text: {type: string}}}
    Lonely: {type: object, properties: {x: {type: string}}}
"##;

    #[test]
    fn error_bodies_live_with_the_tags_that_fail_with_them() {
        let (api, _) = crate::lower_spec("t.yaml", SPEC).unwrap();
        let tags = tags(&api);
        let groups: BTreeMap<String, Vec<&str>> = model_groups(&api, &tags)
            .into_iter()
            .map(|g| (g.module, g.schemas.iter().map(|s| s.rust_name.as_str()).collect()))
            .collect();
        assert_eq!(groups["alpha"], ["AlphaGone"]);
        assert_eq!(groups[SHARED], ["Detail", "Problem"], "reached by both tags' error responses");
        assert_eq!(groups[UNREFERENCED], ["Lonely"]);
        assert!(!groups.contains_key("beta"), "{groups:?}");
    }
}
