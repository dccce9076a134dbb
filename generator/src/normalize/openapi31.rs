//! OpenAPI 3.1 to OpenAPI 3.0, keyword by keyword, in place (so every pointer of the output is that of
//! the input, and no origin needs recording).
//!
//! 3.1 schemas are JSON Schema 2020-12. What 3.0 can say the same way is rewritten quietly:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | the other branches, `nullable: true` (one `$ref` left: `allOf: [$ref]`) |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n, exclusiveMinimum: true` (same for the maximum) |
//! | `examples: [a, ...]` in a schema | `example: a` |
//! | `contentEncoding: base64` | `format: byte` |
//! | `contentEncoding: binary` | `format: binary` |
//! | `contentMediaType` of bytes | `format: binary` |
//! | `$ref` beside keywords that constrain | `allOf: [{$ref}]` beside them (3.0 ignores a `$ref`'s siblings) |
//! | `true` / `false` as a schema | `{}` / `{not: {}}` |
//! | no `paths` | `paths: {}` |
//! | an operation without `responses` | `responses: {}` (the lowering says the client returns `()`) |
//!
//! What 3.0 cannot say is left out with a warning at its pointer: several non-null `type`s, tuples
//! (`prefixItems`), `if`/`then`/`else`, `dependentSchemas`, `patternProperties` beside other
//! properties, `webhooks`, mutual-TLS security schemes. Documentation 3.0 has no place for
//! (`info.summary`, `license.identifier`, `jsonSchemaDialect`, `$schema`, `$id`, `$comment`, and
//! annotations beside a `$ref`) is dropped quietly. `$defs` stay: references into them are hoisted
//! like any other pointer (see [`super::pointers`]).

use super::origin::Origins;
use super::walk::{self, Tokens};
use crate::diag::{self, Diagnostics};
use serde_json::{Map, Value};

/// Keywords that only annotate a schema: beside a `$ref`, where 3.0 ignores them, they go quietly.
const ANNOTATIONS: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "externalDocs",
    "$comment",
];

/// Keywords of JSON Schema 2020-12 that 3.0 has no form for, with what leaving them out means.
const NO_FORM: &[(&str, &str)] = &[
    ("if", "the conditional (`if`/`then`/`else`) is not checked"),
    ("then", "the conditional (`if`/`then`/`else`) is not checked"),
    ("else", "the conditional (`if`/`then`/`else`) is not checked"),
    ("dependentSchemas", "the schemas that depend on a property being present are not checked"),
    ("dependentRequired", "the properties required by another property's presence are not checked"),
    ("propertyNames", "property names are not checked"),
    ("contains", "the list is not checked to contain a matching item"),
    ("minContains", "the list is not checked to contain a matching item"),
    ("maxContains", "the list is not checked to contain a matching item"),
    ("unevaluatedItems", "items beyond those described are not checked"),
    ("$dynamicRef", "the dynamic reference is not followed"),
    ("$dynamicAnchor", "the dynamic reference is not followed"),
];

/// Keywords dropped quietly: identifiers and comments for JSON Schema tools.
const QUIET: &[&str] = &["$schema", "$id", "$anchor", "$comment", "$vocabulary"];

/// Converts an OpenAPI 3.1 document into OpenAPI 3.0.
pub fn convert(mut doc: Value, origins: &mut Origins, diags: &mut Diagnostics) -> Value {
    let _ = origins;
    let Some(root) = doc.as_object_mut() else { return doc };
    root.insert("openapi".to_owned(), Value::String(super::output::OUTPUT_VERSION.to_owned()));
    root.shift_remove("jsonSchemaDialect");
    if root.shift_remove("webhooks").is_some() {
        diags
            .warning("/webhooks", "`webhooks` (requests the API sends to you) have no OpenAPI 3.0 form and are left out")
            .with_hint("the client only makes requests; to get types for webhook payloads, list their schemas under `components/schemas`");
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.shift_remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.shift_remove("identifier");
        }
    }
    if !root.contains_key("paths") {
        root.insert("paths".to_owned(), Value::Object(Map::new()));
    }
    // 3.1 lets an operation leave its responses out; 3.0 needs the (here empty) field.
    for item in root.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|p| p.values_mut()) {
        for method in walk::METHODS {
            if let Some(Value::Object(op)) = item.get_mut(*method) {
                op.entry("responses").or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
    if let Some(schemes) =
        root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")).and_then(Value::as_object_mut)
    {
        let mutual: Vec<String> = schemes
            .iter()
            .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
            .map(|(name, _)| name.clone())
            .collect();
        for name in mutual {
            schemes.shift_remove(&name);
            diags
                .warning(
                    diag::pointer(["components", "securitySchemes", name.as_str()]),
                    "a `mutualTLS` security scheme has no OpenAPI 3.0 form and is left out",
                )
                .with_hint(
                    "configure the client certificate on the `reqwest::Client` the generated client is built with",
                );
        }
    }
    walk::schemas(&mut doc, &mut |schema, at| convert_schema(schema, at, diags));
    doc
}

/// Marks a schema whose `type` listed several types (`[string, integer]`): 3.0 cannot say it, so the
/// `type` is left out and the list recorded here, and the lowering reads the schema as any value rather
/// than guessing one type from its other keywords.
pub const SEVERAL_TYPES: &str = "x-codegen-types";

/// Converts one schema's own keywords (the walk goes into its subschemas afterwards).
pub fn convert_schema(schema: &mut Map<String, Value>, at: &Tokens, diags: &mut Diagnostics) {
    let here = |keyword: &str| diag::child(&diag::pointer(at), keyword);
    booleans(schema);
    null_branches(schema);
    if let Some(ty) = schema.get("type").cloned() {
        let (types, null) = match &ty {
            Value::Array(types) => {
                let mut named: Vec<&Value> = types.iter().filter(|t| t.as_str() != Some("null")).collect();
                named.dedup();
                (named.into_iter().cloned().collect::<Vec<_>>(), types.iter().any(|t| t.as_str() == Some("null")))
            }
            Value::String(t) if t == "null" => (Vec::new(), true),
            _ => (vec![ty.clone()], false),
        };
        match types.as_slice() {
            [one] => {
                schema.insert("type".to_owned(), one.clone());
            }
            [] => {
                schema.shift_remove("type");
            }
            several => {
                schema.shift_remove("type");
                let names: Vec<String> = several.iter().map(|t| t.as_str().unwrap_or("?").to_owned()).collect();
                // The lowering reads a schema without `type` by its keywords; this one is any value.
                schema.insert(SEVERAL_TYPES.to_owned(), Value::Array(several.to_vec()));
                diags
                    .warning(
                        here("type"),
                        format!("OpenAPI 3.0 has no schema of several types ({}); the `type` is left out, so any value is accepted", names.join(", ")),
                    )
                    .with_hint("use `oneOf` with one schema per type");
            }
        }
        if null {
            schema.insert("nullable".to_owned(), Value::Bool(true));
        }
    }
    if let Some(value) = schema.shift_remove("const") {
        if value.is_null() {
            schema.insert("nullable".to_owned(), Value::Bool(true));
        } else {
            schema.insert("enum".to_owned(), Value::Array(vec![value]));
        }
    }
    for (exclusive, inclusive, stricter) in [
        ("exclusiveMinimum", "minimum", std::cmp::Ordering::Greater),
        ("exclusiveMaximum", "maximum", std::cmp::Ordering::Less),
    ] {
        let Some(Value::Number(bound)) = schema.get(exclusive).cloned() else { continue };
        let inclusive_is_stricter = schema
            .get(inclusive)
            .and_then(Value::as_f64)
            .zip(bound.as_f64())
            .is_some_and(|(i, e)| i.partial_cmp(&e) == Some(stricter));
        if inclusive_is_stricter {
            schema.shift_remove(exclusive);
        } else {
            schema.insert(inclusive.to_owned(), Value::Number(bound));
            schema.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    if let Some(Value::Array(examples)) = schema.get("examples") {
        let first = examples.first().cloned();
        schema.shift_remove("examples");
        if let Some(first) = first {
            schema.entry("example").or_insert(first);
        }
    }
    if let Some(encoding) = schema.shift_remove("contentEncoding") {
        match encoding.as_str() {
            Some("base64" | "base64url") => {
                schema.entry("format").or_insert_with(|| Value::String("byte".to_owned()));
            }
            // Raw bytes (RFC 2045's `binary`): what 3.0 calls a binary string, as in a file upload.
            Some("binary") => {
                schema.entry("format").or_insert_with(|| Value::String("binary".to_owned()));
            }
            _ => {
                diags.warning(
                    here("contentEncoding"),
                    format!(
                        "`contentEncoding: {encoding}` has no OpenAPI 3.0 form; the value is read as a plain string"
                    ),
                );
            }
        }
    }
    if let Some(media_type) = schema.shift_remove("contentMediaType") {
        let text =
            media_type.as_str().is_some_and(|m| m.starts_with("text/") || m.contains("json") || m.contains("xml"));
        if !text && !schema.contains_key("format") {
            schema.insert("format".to_owned(), Value::String("binary".to_owned()));
        }
    }
    for keyword in QUIET {
        schema.shift_remove(*keyword);
    }
    if schema.shift_remove("prefixItems").is_some() {
        diags
            .warning(here("prefixItems"), "OpenAPI 3.0 has no tuples (`prefixItems`); the items are read by `items` alone (any value when it is absent)")
            .with_hint("describe the items with one `items` schema (a `oneOf` of the tuple's members)");
    }
    for (keyword, meaning) in NO_FORM {
        if schema.shift_remove(*keyword).is_some() {
            diags.warning(here(keyword), format!("`{keyword}` has no OpenAPI 3.0 form and is left out: {meaning}"));
        }
    }
    open_content(schema, &here, diags);
    ref_siblings(schema);
}

/// `true` and `false` as subschemas (any value, no value) have the 3.0 forms `{}` and `{not: {}}`;
/// `additionalProperties` takes booleans in 3.0 too.
fn booleans(schema: &mut Map<String, Value>) {
    let as_schema = |value: &mut Value| {
        if let Value::Bool(allowed) = *value {
            *value = if allowed { Value::Object(Map::new()) } else { serde_json::json!({"not": {}}) };
        }
    };
    for (key, value) in schema.iter_mut() {
        match key.as_str() {
            "items" | "not" | "unevaluatedItems" | "contains" | "propertyNames" | "if" | "then" | "else" => {
                as_schema(value)
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                value.as_array_mut().into_iter().flatten().for_each(as_schema)
            }
            "properties" | "patternProperties" | "$defs" | "dependentSchemas" => {
                value.as_object_mut().into_iter().flat_map(|m| m.values_mut()).for_each(as_schema)
            }
            _ => {}
        }
    }
}

/// Whether `schema` admits `null` alone: the 3.1 way of making a union nullable.
pub(super) fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t.as_str() == Some("null")) && !types.is_empty(),
        _ => false,
    };
    let null_value = map.get("const").is_some_and(Value::is_null)
        || map.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_null());
    (null_type || null_value)
        && map.keys().all(|k| k == "type" || k == "const" || k == "enum" || ANNOTATIONS.contains(&k.as_str()))
}

/// `anyOf`/`oneOf` with a `null` branch: the other branches, nullable. One `$ref` left over becomes
/// `allOf: [$ref]` (how 3.0 writes a nullable reference); one inline schema left over is merged into
/// the parent when the two share no keyword.
fn null_branches(schema: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = schema.get_mut(key) else { continue };
        let before = branches.len();
        branches.retain(|b| !is_null_schema(b));
        if branches.len() == before {
            continue;
        }
        let rest = std::mem::take(branches);
        schema.insert("nullable".to_owned(), Value::Bool(true));
        match <[Value; 1]>::try_from(rest) {
            Ok([only]) if only.get("$ref").is_some() && !schema.contains_key("allOf") => {
                schema.shift_remove(key);
                schema.insert("allOf".to_owned(), Value::Array(vec![only]));
            }
            Ok([Value::Object(only)]) if only.keys().all(|k| !schema.contains_key(k)) => {
                schema.shift_remove(key);
                schema.extend(only);
            }
            Ok([only]) => {
                schema.insert(key.to_owned(), Value::Array(vec![only]));
            }
            Err(rest) if rest.is_empty() => {
                schema.shift_remove(key);
            }
            Err(rest) => {
                schema.insert(key.to_owned(), Value::Array(rest));
            }
        }
    }
}

/// `patternProperties` and `unevaluatedProperties`: 3.0's `additionalProperties` where that says the
/// same, else a warning.
fn open_content(schema: &mut Map<String, Value>, here: &dyn Fn(&str) -> String, diags: &mut Diagnostics) {
    let composed = ["allOf", "anyOf", "oneOf"].iter().any(|k| schema.contains_key(*k));
    if let Some(unevaluated) = schema.shift_remove("unevaluatedProperties") {
        if !composed && !schema.contains_key("additionalProperties") {
            schema.insert("additionalProperties".to_owned(), unevaluated);
        } else if unevaluated != Value::Bool(true) {
            diags.warning(
                here("unevaluatedProperties"),
                "`unevaluatedProperties` beside `allOf`/`anyOf`/`oneOf` has no OpenAPI 3.0 form and is left out: properties beyond those described are not checked",
            );
        }
    }
    if let Some(Value::Object(patterns)) = schema.shift_remove("patternProperties") {
        let has_properties = schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
        match patterns.into_iter().next() {
            Some((pattern, value)) if !has_properties && !schema.contains_key("additionalProperties") => {
                schema.insert("additionalProperties".to_owned(), value);
                diags.warning(
                    here("patternProperties"),
                    format!("`patternProperties` is read as `additionalProperties` (a map); the key pattern `{pattern}` is not checked"),
                );
            }
            Some(_) => {
                diags.warning(
                    here("patternProperties"),
                    "`patternProperties` beside other properties has no OpenAPI 3.0 form and is left out",
                );
            }
            None => {}
        }
    }
}

/// 3.0 ignores the siblings of a `$ref`, 3.1 applies them. Annotations go quietly; keywords that
/// constrain stay, applied beside `allOf: [{$ref}]`.
fn ref_siblings(schema: &mut Map<String, Value>) {
    if !schema.contains_key("$ref") || schema.len() == 1 {
        return;
    }
    schema.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()));
    let constrains = schema.keys().any(|k| k != "$ref" && !k.starts_with("x-"));
    if !constrains {
        return;
    }
    let Some(reference) = schema.shift_remove("$ref") else { return };
    let mut target = Map::new();
    target.insert("$ref".to_owned(), reference);
    match schema.get_mut("allOf") {
        Some(Value::Array(members)) => members.insert(0, Value::Object(target)),
        _ => {
            schema.insert("allOf".to_owned(), Value::Array(vec![Value::Object(target)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Converts one schema (as `components/schemas/S` of a 3.1 document); returns it and the warnings
    /// as (pointer, message).
    fn schema(input: Value) -> (Value, Vec<(String, String)>) {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"S": input}}});
        let mut diags = Diagnostics::new("a.yaml");
        let out = convert(doc, &mut Origins::new("a.yaml"), &mut diags);
        let warnings = diags.items().iter().map(|d| (d.pointer.clone(), d.message.clone())).collect();
        (out["components"]["schemas"]["S"].clone(), warnings)
    }

    #[test]
    fn a_type_list_with_null_is_a_nullable_type() {
        let (out, warnings) = schema(json!({"type": ["string", "null"], "maxLength": 3}));
        assert_eq!(out, json!({"type": "string", "maxLength": 3, "nullable": true}));
        assert!(warnings.is_empty());
        let (out, _) = schema(json!({"type": ["integer"]}));
        assert_eq!(out, json!({"type": "integer"}));
    }

    #[test]
    fn several_types_leave_the_type_out_with_a_warning() {
        let (out, warnings) = schema(json!({"type": ["string", "integer", "null"]}));
        // The list stays for the lowering, which reads the schema as any value instead of guessing.
        assert_eq!(out, json!({"nullable": true, "x-codegen-types": ["string", "integer"]}));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, "/components/schemas/S/type");
        assert!(warnings[0].1.contains("string, integer"), "{}", warnings[0].1);
    }

    #[test]
    fn const_is_a_one_value_enum() {
        assert_eq!(schema(json!({"type": "string", "const": "on"})).0, json!({"type": "string", "enum": ["on"]}));
        assert_eq!(schema(json!({"const": null})).0, json!({"nullable": true}));
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_ones() {
        let (out, _) = schema(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10}));
        assert_eq!(
            out,
            json!({"type": "integer", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 10})
        );
        // An inclusive bound that is stricter wins.
        let (out, _) = schema(json!({"type": "number", "minimum": 5, "exclusiveMinimum": 0}));
        assert_eq!(out, json!({"type": "number", "minimum": 5}));
        // A 3.0 boolean is left alone.
        let (out, _) = schema(json!({"type": "number", "minimum": 5, "exclusiveMinimum": true}));
        assert_eq!(out, json!({"type": "number", "minimum": 5, "exclusiveMinimum": true}));
    }

    #[test]
    fn examples_become_the_first_example() {
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})).0,
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(json!({"type": "string", "example": "z", "examples": ["a"]})).0,
            json!({"type": "string", "example": "z"})
        );
    }

    #[test]
    fn content_encoding_and_media_type_become_formats() {
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})).0,
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/octet-stream"})).0,
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "binary"})).0,
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(schema(json!({"type": "string", "contentMediaType": "text/plain"})).0, json!({"type": "string"}));
        let (_, warnings) = schema(json!({"type": "string", "contentEncoding": "quoted-printable"}));
        assert_eq!(warnings[0].0, "/components/schemas/S/contentEncoding");
    }

    #[test]
    fn null_branches_make_the_union_nullable() {
        let (out, warnings) =
            schema(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}], "description": "d"}));
        assert_eq!(out, json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]}));
        assert!(warnings.is_empty());
        let (out, _) = schema(json!({"oneOf": [{"type": ["string"], "maxLength": 2}, {"type": "null"}]}));
        assert_eq!(out, json!({"nullable": true, "type": "string", "maxLength": 2}));
        let (out, _) = schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"const": null}]}));
        assert_eq!(out, json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}));
    }

    #[test]
    fn ref_siblings_that_constrain_are_kept_beside_all_of() {
        let (out, _) = schema(json!({"$ref": "#/components/schemas/T", "description": "d"}));
        assert_eq!(out, json!({"$ref": "#/components/schemas/T"}));
        let (out, _) =
            schema(json!({"$ref": "#/components/schemas/T", "type": ["object", "null"], "description": "d"}));
        assert_eq!(out, json!({"type": "object", "nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]}));
    }

    #[test]
    fn keywords_without_a_3_0_form_are_warnings() {
        let (out, warnings) = schema(json!({
            "type": "array", "prefixItems": [{"type": "string"}], "if": {"required": ["a"]}, "then": {},
            "$schema": "x", "$comment": "c"
        }));
        assert_eq!(out, json!({"type": "array"}));
        let pointers: Vec<&str> = warnings.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(
            pointers,
            ["/components/schemas/S/prefixItems", "/components/schemas/S/if", "/components/schemas/S/then"]
        );
    }

    #[test]
    fn open_content_becomes_additional_properties_where_it_means_the_same() {
        let (out, warnings) =
            schema(json!({"type": "object", "unevaluatedProperties": false, "properties": {"a": {}}}));
        assert_eq!(out, json!({"type": "object", "properties": {"a": {}}, "additionalProperties": false}));
        assert!(warnings.is_empty());
        let (out, warnings) = schema(json!({"type": "object", "patternProperties": {"^x": {"type": "integer"}}}));
        assert_eq!(out, json!({"type": "object", "additionalProperties": {"type": "integer"}}));
        assert_eq!(warnings.len(), 1);
        let (_, warnings) = schema(json!({"allOf": [{}], "unevaluatedProperties": false}));
        assert_eq!(warnings[0].0, "/components/schemas/S/unevaluatedProperties");
    }

    #[test]
    fn boolean_subschemas_become_schemas() {
        let (out, _) = schema(
            json!({"type": "object", "properties": {"any": true, "none": false}, "additionalProperties": false}),
        );
        assert_eq!(
            out,
            json!({"type": "object", "properties": {"any": {}, "none": {"not": {}}}, "additionalProperties": false})
        );
    }

    #[test]
    fn subschemas_are_converted_too() {
        let (out, _) = schema(
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {"type": ["integer", "null"]}}}}),
        );
        assert_eq!(out["properties"]["a"]["items"], json!({"type": "integer", "nullable": true}));
    }

    fn document() -> Value {
        json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "summary": "s", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}},
            "components": {
                "schemas": {"S": {"type": ["string", "null"], "const": "x", "examples": ["x"]}},
                "securitySchemes": {"tls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "in": "header", "name": "k"}}
            }
        })
    }

    #[test]
    fn document_keywords_are_converted() {
        let mut diags = Diagnostics::new("a.yaml");
        let out = convert(document(), &mut Origins::new("a.yaml"), &mut diags);
        assert_eq!(out["openapi"], "3.0.3");
        assert_eq!(out["paths"], json!({}));
        assert_eq!(out["info"], json!({"title": "t", "version": "1", "license": {"name": "MIT"}}));
        assert!(out.get("webhooks").is_none() && out.get("jsonSchemaDialect").is_none());
        assert_eq!(out["components"]["securitySchemes"].as_object().map(|s| s.len()), Some(1));
        let pointers: Vec<&str> = diags.items().iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["/webhooks", "/components/securitySchemes/tls"]);
        let read = serde_json::from_value::<openapiv3::OpenAPI>(out);
        assert!(read.is_ok(), "{read:?}");
    }

    #[test]
    fn an_operation_without_responses_gets_an_empty_responses_map() {
        // The OAI's non-OAuth scopes example: 3.1 lets `responses` out.
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/users": {"get": {"security": [{"bearerAuth": ["read:users"]}]}, "put": {"responses": {"204": {"description": "done"}}}}}});
        let mut diags = Diagnostics::new("a.yaml");
        let out = convert(doc, &mut Origins::new("a.yaml"), &mut diags);
        assert_eq!(out["paths"]["/users"]["get"]["responses"], json!({}));
        assert_eq!(out["paths"]["/users"]["put"]["responses"], json!({"204": {"description": "done"}}));
        assert!(diags.is_empty(), "{diags}");
        let read = serde_json::from_value::<openapiv3::OpenAPI>(out);
        assert!(read.is_ok(), "{read:?}");
    }

    #[test]
    fn converting_twice_gives_the_same_bytes() {
        let convert_once = |doc: Value| {
            let mut diags = Diagnostics::new("a.yaml");
            convert(doc, &mut Origins::new("a.yaml"), &mut diags)
        };
        let once = serde_json::to_string(&convert_once(document())).unwrap();
        let again = serde_json::to_string(&convert_once(document())).unwrap();
        assert_eq!(once, again);
        let twice = serde_json::to_string(&convert_once(convert_once(document()))).unwrap();
        assert_eq!(once, twice);
    }
}
