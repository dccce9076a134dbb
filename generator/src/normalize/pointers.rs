//! Every local JSON pointer resolves, not only `#/components/<section>/<name>`.
//!
//! The lowering follows a `$ref` to a schema, parameter, response or request body only when it names a
//! component (`#/components/schemas/Tag`). A `$ref` to any other node of the document
//! (`#/components/schemas/Tag/allOf/0`, `#/components/parameters/x/schema`, a response schema under
//! `#/paths/...`, a property of another schema) is rewritten here to a component that holds a copy of
//! the node, so the lowering sees the form it knows. The node itself stays where it is (what referred
//! to it before generates what it did before).
//!
//! The component's name is derived from the pointer, so it is stable: the pointer's tokens, less a
//! leading `components` (and the section's own name after it), each reduced to ASCII letters, digits and `_`,
//! joined by `_` (`#/components/schemas/Tag/allOf/0` -> `Tag_allOf_0`, `#/components/parameters/x/schema`
//! -> `parameters_x_schema`,
//! `#/paths/~1pets/get/responses/200/content/application~1json/schema` ->
//! `paths_pets_get_responses_200_content_application_json_schema`). A name already taken by another
//! node gets `_2`, `_3`, ... Each copy records its origin, so diagnostics about it name the node the
//! user wrote. A pointer to nothing is an error at the `$ref`.

use super::origin::Origins;
use crate::diag::{self, Diagnostics};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The component sections whose `$ref`s the lowering follows.
const SECTIONS: &[&str] = &["schemas", "parameters", "responses", "requestBodies"];

/// Keywords whose values are data, not OpenAPI objects: a `$ref` key there is not a reference.
const DATA: &[&str] = &["example", "examples", "default", "enum", "const"];

/// A `$ref` found in the document: where it stands (the pointer of the object holding it) and what it
/// says.
pub(super) struct Found {
    /// The pointer tokens of the object holding the `$ref`.
    pub at: Vec<String>,
    /// The `$ref` as written.
    pub reference: String,
}

/// Rewrites every local `$ref` into a part of the document that the lowering cannot follow to a `$ref`
/// to a component holding a copy of that part.
pub fn hoist(doc: &mut Value, origins: &mut Origins, diags: &mut Diagnostics) {
    let mut pending = Vec::new();
    collect(doc, &mut Vec::new(), &mut pending, false);
    if pending.is_empty() {
        return;
    }
    // Target pointer (as written after `#`) -> (section, component name), so each node is copied once.
    let mut hoisted: BTreeMap<(String, &'static str), String> = BTreeMap::new();
    let file = origins.file().to_owned();
    while let Some(found) = pending.pop() {
        let Some(section) = section_at(&found.at) else { continue };
        let Some(fragment) = found.reference.strip_prefix('#') else { continue };
        let target = percent_decode(fragment);
        let tokens = tokens(&target);
        let ref_pointer = diag::child(&diag::pointer(&found.at), "$ref");
        if tokens.len() == 3 && tokens[0] == "components" && SECTIONS.contains(&tokens[1].as_str()) {
            if tokens[1] == section || !interchangeable(&tokens[1], section) {
                // A component of its own section, or of one no reading can make fit: the lowering's.
                continue;
            }
            // PagerDuty: `responses: {200: {$ref: '#/components/requestBodies/X'}}`.
            diags
                .warning(
                    &ref_pointer,
                    format!(
                        "`$ref: {}` points at a {} where a {} belongs; both are a description and `content`, so it is read as one",
                        found.reference,
                        singular(&tokens[1]),
                        singular(section)
                    ),
                )
                .with_hint(format!("point at a component under `#/components/{section}`"));
        }
        let Some(mut node) = doc.pointer(&target).cloned() else {
            diags.error(ref_pointer, format!("`$ref: {}` points to nothing", found.reference)).with_hint(format!(
                "every token of the pointer must name a node of the document; `{}` does not",
                missing(doc, &tokens)
            ));
            continue;
        };
        let name = match hoisted.get(&(target.clone(), section)) {
            Some(name) => name.clone(),
            None => {
                // A node that is itself a `$ref` to a component needs no copy: point at the component.
                let name = match node.get("$ref").and_then(Value::as_str).and_then(|r| component(r, section)) {
                    Some(name) if node.as_object().is_some_and(|m| m.len() == 1) => name,
                    _ => {
                        fit(&mut node, section);
                        let name = free_name(doc, section, &derived_name(&tokens, section));
                        let out = diag::pointer(["components", section, name.as_str()]);
                        let mut at: Vec<String> = ["components", section, name.as_str()].map(str::to_owned).to_vec();
                        collect(&node, &mut at, &mut pending, false);
                        insert(doc, section, &name, node);
                        origins.record(out, &file, &target);
                        name
                    }
                };
                hoisted.insert((target.clone(), section), name.clone());
                name
            }
        };
        let replacement = format!("#/components/{section}/{}", name.replace('~', "~0").replace('/', "~1"));
        if let Some(Value::String(reference)) = doc.pointer_mut(&diag::child(&diag::pointer(&found.at), "$ref")) {
            *reference = replacement;
        }
    }
}

/// Whether a component of section `from` reads as one of section `to`: a request body and a response are
/// both a description and a map of media types.
fn interchangeable(from: &str, to: &str) -> bool {
    matches!((from, to), ("requestBodies", "responses") | ("responses", "requestBodies"))
}

/// Drops from a copied node the fields its new section does not have (a request body's `required`, a
/// response's `headers` and `links`); a response needs a `description`, which a request body may lack.
fn fit(node: &mut Value, section: &str) {
    let Some(map) = node.as_object_mut() else { return };
    match section {
        "responses" => {
            map.remove("required");
            map.entry("description").or_insert_with(|| Value::String(String::new()));
        }
        "requestBodies" => {
            map.remove("headers");
            map.remove("links");
        }
        _ => {}
    }
}

/// A section's object in prose (`requestBodies` -> `request body`).
fn singular(section: &str) -> &'static str {
    match section {
        "schemas" => "schema",
        "parameters" => "parameter",
        "responses" => "response",
        _ => "request body",
    }
}

/// The local `$ref`s under `value` (at `at`), outside extensions and data: all of them, or (`all`
/// false) those that do not name a component.
pub(super) fn collect(value: &Value, at: &mut Vec<String>, out: &mut Vec<Found>, all: bool) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                // Most references name a component: skip them without allocating.
                if reference.starts_with('#') && (all || !is_component(reference) || misplaced(at, reference)) {
                    out.push(Found { at: at.clone(), reference: reference.clone() });
                }
            }
            for (key, inner) in map {
                if key.starts_with("x-") || DATA.contains(&key.as_str()) || !(inner.is_object() || inner.is_array()) {
                    continue;
                }
                at.push(key.clone());
                collect(inner, at, out, all);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                if inner.is_object() || inner.is_array() {
                    at.push(i.to_string());
                    collect(inner, at, out, all);
                    at.pop();
                }
            }
        }
        _ => {}
    }
}

/// Whether a component `reference` standing at `at` names a request body where a response belongs, or
/// the other way round (which [`hoist`] copies into the right section).
fn misplaced(at: &[String], reference: &str) -> bool {
    let Some(rest) = reference.strip_prefix("#/components/") else { return false };
    let Some((named, _)) = rest.split_once('/') else { return false };
    section_at(at).is_some_and(|expected| interchangeable(named, expected))
}

/// Whether `reference` is `#/components/<section>/<name>` for a section the lowering follows.
fn is_component(reference: &str) -> bool {
    let Some(rest) = reference.strip_prefix("#/components/") else { return false };
    match rest.split_once('/') {
        Some((section, name)) => {
            SECTIONS.contains(&section) && !name.is_empty() && !name.contains('/') && !name.contains('%')
        }
        None => false,
    }
}

/// The component of `section` that `reference` names.
fn component(reference: &str, section: &str) -> Option<String> {
    let name = reference.strip_prefix("#/components/")?.strip_prefix(section)?.strip_prefix('/')?;
    (!name.is_empty() && !name.contains('/')).then(|| name.to_owned())
}

/// The section a `$ref` standing at `at` must point into, by the kind of object OpenAPI expects there;
/// `None` where the lowering does not follow references (path items, examples, links).
pub(super) fn section_at(at: &[String]) -> Option<&'static str> {
    let last = at.last()?.as_str();
    let parent = at.len().checked_sub(2).map(|i| at[i].as_str());
    if at.len() == 3 && at[0] == "components" {
        return SECTIONS.iter().copied().find(|s| *s == at[1]);
    }
    let schema_maps = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
    let schema_lists = ["allOf", "anyOf", "oneOf", "prefixItems"];
    let schema_keys =
        ["schema", "items", "not", "additionalProperties", "if", "then", "else", "contains", "propertyNames"];
    match (parent, last) {
        (Some(p), _) if schema_maps.contains(&p) || schema_lists.contains(&p) => Some("schemas"),
        (_, l) if schema_keys.contains(&l) => Some("schemas"),
        (Some("parameters"), l) if l.parse::<usize>().is_ok() => Some("parameters"),
        (Some("responses"), _) => Some("responses"),
        (_, "requestBody") => Some("requestBodies"),
        _ => None,
    }
}

/// The unescaped tokens of a JSON pointer.
pub(super) fn tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// `%7B`-style escapes of a URI fragment decoded (a pointer in a `$ref` is a URI fragment).
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// The first prefix of `tokens` that names nothing, as a pointer.
pub(super) fn missing(doc: &Value, tokens: &[String]) -> String {
    let mut node = doc;
    for (i, token) in tokens.iter().enumerate() {
        let next = match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => return format!("#{}", diag::pointer(&tokens[..=i])),
        }
    }
    "#".to_owned()
}

/// The name a node at `tokens` gets in `section` (see the module documentation).
fn derived_name(tokens: &[String], section: &str) -> String {
    let tokens = match tokens {
        [components, own, rest @ ..] if components == "components" && own == section && !rest.is_empty() => rest,
        [components, rest @ ..] if components == "components" && !rest.is_empty() => rest,
        _ => tokens,
    };
    let parts: Vec<String> = tokens
        .iter()
        .map(|t| {
            let mapped: String = t.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            mapped.split('_').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("_")
        })
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        "Node".to_owned()
    } else {
        parts.join("_")
    }
}

/// `name`, or `name_2`, `name_3`, ... when `section` already has it.
fn free_name(doc: &Value, section: &str, name: &str) -> String {
    let taken = |n: &str| doc.get("components").and_then(|c| c.get(section)).and_then(|s| s.get(n)).is_some();
    if !taken(name) {
        return name.to_owned();
    }
    (2..).map(|i| format!("{name}_{i}")).find(|n| !taken(n)).unwrap_or_else(|| name.to_owned())
}

/// Puts `node` at `components/<section>/<name>`, creating what is missing.
fn insert(doc: &mut Value, section: &str, name: &str, node: Value) {
    let Some(root) = doc.as_object_mut() else { return };
    let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else { return };
    let entries = components.entry(section).or_insert_with(|| Value::Object(Map::new()));
    if let Some(entries) = entries.as_object_mut() {
        entries.insert(name.to_owned(), node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hoisted(mut doc: Value) -> (Value, Origins, Diagnostics) {
        let mut origins = Origins::new("a.yaml");
        let mut diags = Diagnostics::new("a.yaml");
        hoist(&mut doc, &mut origins, &mut diags);
        (doc, origins, diags)
    }

    #[test]
    fn references_into_a_schema_become_components() {
        let (doc, origins, diags) = hoisted(json!({
            "components": {"schemas": {
                "Tag": {"allOf": [{"type": "object", "properties": {"id": {"type": "string"}}}]},
                "Pet": {"type": "object", "properties": {
                    "tag": {"$ref": "#/components/schemas/Tag/allOf/0"},
                    "id": {"$ref": "#/components/schemas/Tag/allOf/0/properties/id"},
                    "again": {"$ref": "#/components/schemas/Tag/allOf/0"}
                }}
            }}
        }));
        assert!(diags.is_empty(), "{diags}");
        let pet = &doc["components"]["schemas"]["Pet"]["properties"];
        assert_eq!(pet["tag"]["$ref"], "#/components/schemas/Tag_allOf_0");
        assert_eq!(pet["again"]["$ref"], "#/components/schemas/Tag_allOf_0");
        assert_eq!(pet["id"]["$ref"], "#/components/schemas/Tag_allOf_0_properties_id");
        assert_eq!(doc["components"]["schemas"]["Tag_allOf_0"], doc["components"]["schemas"]["Tag"]["allOf"][0]);
        assert_eq!(
            origins.resolve("/components/schemas/Tag_allOf_0/properties/id"),
            ("a.yaml".to_owned(), "/components/schemas/Tag/allOf/0/properties/id".to_owned())
        );
    }

    #[test]
    fn references_into_parameters_and_paths_become_schemas() {
        let (doc, _, diags) = hoisted(json!({
            "paths": {"/pets/{id}": {"get": {
                "parameters": [{"name": "id", "in": "path", "schema": {"$ref": "#/components/parameters/x/schema"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}
            }, "put": {
                "requestBody": {"content": {"application/json": {"schema":
                    {"$ref": "#/paths/~1pets~1%7Bid%7D/get/responses/200/content/application~1json/schema"}}}},
                "responses": {"200": {"$ref": "#/paths/~1pets~1{id}/get/responses/200"}}
            }}},
            "components": {"parameters": {"x": {"name": "x", "in": "query", "schema": {"type": "integer"}}}}
        }));
        assert!(diags.is_empty(), "{diags}");
        let path = &doc["paths"]["/pets/{id}"];
        assert_eq!(path["get"]["parameters"][0]["schema"]["$ref"], "#/components/schemas/parameters_x_schema");
        assert_eq!(doc["components"]["schemas"]["parameters_x_schema"], json!({"type": "integer"}));
        assert_eq!(
            path["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/paths_pets_id_get_responses_200_content_application_json_schema"
        );
        assert_eq!(path["put"]["responses"]["200"]["$ref"], "#/components/responses/paths_pets_id_get_responses_200");
    }

    #[test]
    fn names_never_clash_and_chains_to_components_are_followed() {
        let (doc, _, _) = hoisted(json!({"components": {"schemas": {
            "A_b": {"type": "string"},
            "A": {"properties": {"b": {"$ref": "#/components/schemas/C"}, "c": {"type": "integer"}}},
            "C": {"type": "boolean"},
            "D": {"properties": {"x": {"$ref": "#/components/schemas/A/properties/b"}, "y": {"$ref": "#/components/schemas/A/properties/c"}}},
            "E": {"$ref": "#/components/schemas/A/properties/c"}
        }}}));
        let d = &doc["components"]["schemas"]["D"]["properties"];
        assert_eq!(d["x"]["$ref"], "#/components/schemas/C");
        assert_eq!(d["y"]["$ref"], "#/components/schemas/A_properties_c");
        assert_eq!(doc["components"]["schemas"]["E"]["$ref"], "#/components/schemas/A_properties_c");
        assert_eq!(doc["components"]["schemas"]["A_b"], json!({"type": "string"}));
    }

    #[test]
    fn a_response_that_names_a_request_body_is_read_as_a_response() {
        let (doc, _, diags) = hoisted(json!({
            "paths": {"/v": {"put": {"responses": {
                "200": {"$ref": "#/components/requestBodies/Data"},
                "400": {"$ref": "#/components/schemas/Data"}
            }}}},
            "components": {
                "requestBodies": {"Data": {"required": true, "content": {"application/json": {"schema": {"type": "string"}}}}},
                "schemas": {"Data": {"type": "string"}}
            }
        }));
        let responses = &doc["paths"]["/v"]["put"]["responses"];
        assert_eq!(responses["200"]["$ref"], "#/components/responses/requestBodies_Data");
        // A schema is no response in any reading: the lowering reports it.
        assert_eq!(responses["400"]["$ref"], "#/components/schemas/Data");
        assert_eq!(
            doc["components"]["responses"]["requestBodies_Data"],
            json!({"description": "", "content": {"application/json": {"schema": {"type": "string"}}}})
        );
        let warnings: Vec<_> = diags.items().iter().map(|d| (d.pointer.as_str(), d.message.as_str())).collect();
        assert_eq!(warnings.len(), 1, "{diags}");
        assert_eq!(warnings[0].0, "/paths/~1v/put/responses/200/$ref");
        assert!(warnings[0].1.contains("points at a request body where a response belongs"), "{diags}");
    }

    #[test]
    fn a_pointer_to_nothing_is_an_error_at_the_ref() {
        let (_, _, diags) = hoisted(json!({"components": {"schemas": {
            "A": {"properties": {"b": {"$ref": "#/components/schemas/Tag/allOf/3"}}},
            "Tag": {"allOf": [{}]}
        }}}));
        let d = &diags.items()[0];
        assert_eq!(d.pointer, "/components/schemas/A/properties/b/$ref");
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("#/components/schemas/Tag/allOf/3")), "{diags}");
    }

    #[test]
    fn references_in_extensions_and_examples_are_not_followed() {
        let doc = json!({"components": {"schemas": {"A": {
            "x-origin": {"$ref": "missing.yaml#/nowhere"},
            "x-local": {"$ref": "#/nowhere"},
            "example": {"$ref": "#/nowhere"}
        }}}});
        let (out, _, diags) = hoisted(doc.clone());
        assert!(diags.is_empty());
        assert_eq!(out, doc);
    }

    #[test]
    fn hoisting_is_deterministic() {
        let doc = json!({"components": {"schemas": {
            "A": {"properties": {"b": {"items": {"$ref": "#/components/schemas/B/properties/c"}}}},
            "B": {"properties": {"c": {"properties": {"d": {"$ref": "#/components/schemas/B/properties/c"}}}}}
        }}});
        let once = serde_json::to_string(&hoisted(doc.clone()).0).unwrap();
        assert_eq!(once, serde_json::to_string(&hoisted(doc).0).unwrap());
        assert!(once.contains("\"B_properties_c\""), "{once}");
    }
}
