//! Nothing is dropped silently: every schema keyword the generator does not turn into code or docs is
//! a warning naming its pointer.
//!
//! This walks the raw document (JSON), not the openapiv3 types, because openapiv3 itself drops
//! keywords it does not model (`const`, `$ref` siblings such as `nullable`), and those must be named
//! too. `nullable` is honoured wherever a value has a schema of its own (see `TypeRef::Nullable`);
//! the places that ignore it are warned about: beside a `$ref` and on an `allOf` member here, on a
//! parameter while lowering it. Keywords that make a schema unsupported (`oneOf`, `not`, ...) are errors of [`super::schema`];
//! here they are only walked into.

use crate::diag::{child, Diagnostics};
use serde_json::{Map, Value};

/// Keywords that only document a value: they end up in rustdoc or carry nothing the client acts on.
const DOCUMENTATION: &[&str] =
    &["description", "title", "example", "examples", "externalDocs", "deprecated", "xml", "default"];

/// Keywords that combine schemas; lowering handles or rejects them, and this walk goes into them.
const COMPOSITION: &[&str] = &["allOf", "oneOf", "anyOf", "not", "discriminator"];

/// The keywords the generator enforces or maps to Rust types, by the schema's `type`.
fn enforced(ty: Option<&str>, keyword: &str, schema: &Map<String, Value>) -> bool {
    let common = ["type", "nullable", "readOnly", "writeOnly", "format", "x-sensitive"];
    if common.contains(&keyword) {
        return true;
    }
    let has_properties = schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    match ty {
        Some("string") => ["pattern", "minLength", "maxLength", "enum"].contains(&keyword),
        // An integer's `enum` is checked wherever its bounds are (see `ir::Constraints::integer_values`
        // for the places neither is); a number's is not.
        Some("integer") => ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"].contains(&keyword),
        Some("number") => ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"].contains(&keyword),
        Some("array") => ["items", "minItems", "maxItems", "uniqueItems"].contains(&keyword),
        // `additionalProperties` beside `properties` would need a flattened map field; alone it is a map.
        Some("object") | None => {
            ["properties", "required"].contains(&keyword) || (keyword == "additionalProperties" && !has_properties)
        }
        _ => false,
    }
}

/// Warns about every keyword of every schema in `doc` that the generated client ignores: the
/// `components/schemas` entries and the value of every `schema` key elsewhere (parameters, media
/// types, headers), with the schemas inside each.
pub(super) fn unenforced(doc: &Value, diags: &mut Diagnostics) {
    find_schemas(doc, "", doc, diags);
}

fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// Walks the non-schema part of the document; examples and extensions hold data, not schemas.
fn find_schemas(root: &Value, at: &str, value: &Value, diags: &mut Diagnostics) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                // Data, not schemas; and a scalar holds no schema (skipped before its pointer is built).
                if key == "example" || key == "examples" || key.starts_with("x-") || !is_container(inner) {
                    continue;
                }
                let here = child(at, key);
                if key == "schema" {
                    walk(root, &here, inner, None, diags);
                } else if at == "/components" && key == "schemas" {
                    for (name, schema) in entries(Some(inner)) {
                        walk(root, &child(&here, name), schema, None, diags);
                    }
                } else {
                    find_schemas(root, &here, inner, diags);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().filter(|(_, item)| is_container(item)) {
                find_schemas(root, &child(at, i.to_string()), item, diags);
            }
        }
        _ => {}
    }
}

/// Whether `value` is an object or an array, the only values a schema can be found in.
fn is_container(value: &Value) -> bool {
    value.is_object() || value.is_array()
}

/// One schema and the schemas inside it. `inherited` is the `type` an `allOf` member without one gets
/// from its siblings: its keywords constrain that type (`allOf: [{$ref: Name}, {maxLength: 8}]`).
fn walk(root: &Value, at: &str, schema: &Value, inherited: Option<&str>, diags: &mut Diagnostics) {
    let Some(map) = schema.as_object() else { return };
    if map.contains_key("$ref") {
        // OpenAPI 3.0 ignores everything beside a `$ref`; say so for anything but documentation.
        for keyword in map.keys().filter(|k| *k != "$ref" && !DOCUMENTATION.contains(&k.as_str())) {
            diags
                .warning(
                    child(at, keyword),
                    format!("`{keyword}` beside `$ref` is ignored (OpenAPI 3.0 ignores every sibling of `$ref`)"),
                )
                .with_hint("wrap the reference: `allOf: [{$ref: ...}]` with the keyword beside `allOf`");
        }
        return;
    }
    let ty = map.get("type").and_then(Value::as_str).or(inherited);
    for (keyword, value) in map {
        let k = keyword.as_str();
        if DOCUMENTATION.contains(&k) || COMPOSITION.contains(&k) || enforced(ty, k, map) {
            continue;
        }
        if k.starts_with("x-") {
            continue;
        }
        let what = match (k, ty) {
            ("enum", Some(t)) => format!("`enum` on a `{t}` schema is not enforced: the client accepts any {t}"),
            ("multipleOf", _) => format!("`multipleOf: {value}` is not enforced by the generated client"),
            ("additionalProperties", _) => {
                "`additionalProperties` beside `properties` is not supported: extra properties are dropped when decoding".to_owned()
            }
            _ => format!("`{k}` is not enforced by the generated client"),
        };
        diags.warning(child(at, k), what);
    }
    for (name, property) in entries(map.get("properties")) {
        walk(root, &child(&child(at, "properties"), name), property, None, diags);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = map.get(key).filter(|v| v.is_object()) {
            walk(root, &child(at, key), inner, None, diags);
        }
    }
    let members = |key: &str| map.get(key).and_then(Value::as_array).into_iter().flatten();
    // The type the `allOf` members name, directly or through a `$ref`.
    let sibling = members("allOf").find_map(|m| {
        let target = match m.get("$ref").and_then(Value::as_str) {
            Some(reference) => root.pointer(reference.strip_prefix('#')?)?,
            None => m,
        };
        target.get("type").and_then(Value::as_str)
    });
    for (i, member) in members("allOf").enumerate() {
        let member_at = child(&child(at, "allOf"), i.to_string());
        // `nullable` is honoured on the schema a value has (a property, items, map values, a union
        // variant, a named schema, a body); an `allOf` member only adds constraints to it, so a
        // member's `nullable` changes nothing (a value must satisfy every member).
        if member.get("nullable").and_then(Value::as_bool) == Some(true) {
            diags
                .warning(
                    child(&member_at, "nullable"),
                    "`nullable` on an `allOf` member is ignored: the value must satisfy every member, so only `nullable` beside `allOf` admits `null`",
                )
                .with_hint("move `nullable: true` next to `allOf`");
        }
        walk(root, &member_at, member, ty.or(sibling), diags);
    }
    for key in ["oneOf", "anyOf"] {
        for (i, member) in members(key).enumerate() {
            walk(root, &child(&child(at, key), i.to_string()), member, None, diags);
        }
    }
}
