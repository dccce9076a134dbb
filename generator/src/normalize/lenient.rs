//! Real-world mistakes whose intent is clear, read the way they were meant, each with a warning at its
//! pointer. Applies to every document, whatever version it was written in:
//!
//! - `required: true` on a property's schema (a Swagger habit): the property is listed in the parent's
//!   `required`; a boolean `required` anywhere else in a schema is left out;
//! - an `enum` that lists `null` in a schema that is not `nullable`: `nullable: true`, and `null` leaves
//!   the enum (3.0 lists the values of the non-null type there);
//! - an integer schema whose bound (`minimum`, `maximum`) or enum value is written as a float: read as
//!   the integer it is, clamped to the 64-bit range (a bound that a JSON tool printed as
//!   `-9223372036854776000` is `i64::MIN`);
//! - `type` as a list (OpenAPI 3.1's form) in a 2.0 or 3.0 document: `type: [T, "null"]` is `type: T,
//!   nullable: true`; several types leave the `type` out (any value), as the 3.1 conversion does;
//! - `items` as a list of schemas (JSON Schema draft 4's tuple form, which neither Swagger 2.0 nor
//!   OpenAPI 3 has). Real documents (Slack's) write it for "one of these", on properties that are
//!   never lists (`latest: {items: [{$ref: Message}, {type: "null"}]}`): read as `anyOf` of the
//!   listed schemas, a `{type: "null"}` among them making it `nullable` (one schema left: `allOf` of
//!   it). In an array (`type: array`) that union describes each item; in any other schema it is the
//!   value itself, and the schema's own `type` is left to the members.
//!
//! `$ref`s inside `x-` extensions are never followed (the walk does not enter extensions), so a
//! dangling one there is no error.

use super::openapi31::is_null_schema;
use super::origin::Origins;
use super::walk::{self, Tokens};
use crate::diag::{self, Diagnostics};
use serde_json::{Map, Number, Value};

/// Applies every lenient fix to `doc`.
pub fn fix(doc: &mut Value, origins: &mut Origins, diags: &mut Diagnostics) {
    walk::schemas(doc, &mut |schema, at| fix_schema(schema, at, origins, diags));
}

fn fix_schema(schema: &mut Map<String, Value>, at: &Tokens, origins: &mut Origins, diags: &mut Diagnostics) {
    let here = || diag::pointer(at);
    type_list(schema, &here, diags);
    items_list(schema, &here(), origins, diags);
    required_properties(schema, at, diags);
    if let Some(Value::Bool(flag)) = schema.get("required") {
        let flag = *flag;
        schema.shift_remove("required");
        diags
            .warning(
                diag::child(&here(), "required"),
                format!(
                    "`required: {flag}` is not a schema keyword in OpenAPI 3 (it lists property names); it is left out"
                ),
            )
            .with_hint("list required properties by name in the `required` of the object that has them");
    }
    null_in_enum(schema, &here, diags);
    integer_floats(schema, &here, diags);
}

/// Keywords that constrain values of one type only: meaningless in a schema that accepts any value.
const TYPE_KEYWORDS: &[&str] = &[
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "enum",
];

/// `type: [T, "null"]` or `type: "null"`, OpenAPI 3.1's forms, in a document whose version has
/// neither: the one named type, `nullable`. Several named types (or none) leave a schema that accepts
/// any value, without the keywords that constrain one type only.
fn type_list(schema: &mut Map<String, Value>, here: &dyn Fn() -> String, diags: &mut Diagnostics) {
    let types = match schema.get("type") {
        Some(Value::Array(types)) => types.clone(),
        Some(Value::String(t)) if t == "null" => vec![Value::String(t.clone())],
        _ => return,
    };
    let written = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        other => other.map(Value::to_string).unwrap_or_default(),
    };
    let null = types.iter().any(|t| t.as_str() == Some("null"));
    let mut named: Vec<Value> = Vec::new();
    for t in types.iter().filter(|t| t.as_str() != Some("null")) {
        if !named.contains(t) {
            named.push(t.clone());
        }
    }
    let reading = match <[Value; 1]>::try_from(named) {
        Ok([one]) => {
            let reading = format!("`type: {}`", one.as_str().unwrap_or("?"));
            schema.insert("type".to_owned(), one);
            reading
        }
        Err(_) => {
            schema.shift_remove("type");
            let dropped: Vec<String> =
                TYPE_KEYWORDS.iter().filter(|k| schema.shift_remove(**k).is_some()).map(|k| format!("`{k}`")).collect();
            match dropped.is_empty() {
                true => "a schema that accepts any JSON value".to_owned(),
                false => format!("a schema that accepts any JSON value (its {} left out)", dropped.join(", ")),
            }
        }
    };
    let reading = if null {
        schema.insert("nullable".to_owned(), Value::Bool(true));
        format!("{reading}, `nullable: true`")
    } else {
        reading
    };
    let what = if types.len() == 1 && null {
        "`null` is a type only in OpenAPI 3.1"
    } else {
        "a list of types is OpenAPI 3.1's form"
    };
    diags
        .warning(diag::child(&here(), "type"), format!("`type: {written}`: {what}; read as {reading}"))
        .with_hint("write one `type` and `nullable: true` (`x-nullable: true` in Swagger 2.0), or `oneOf` with one schema per type");
}

/// `items: [A, B, ...]`: read as `anyOf: [A, B, ...]` (see the module documentation), each member
/// recorded as coming from its place in the list.
fn items_list(schema: &mut Map<String, Value>, here: &str, origins: &mut Origins, diags: &mut Diagnostics) {
    let Some(Value::Array(_)) = schema.get("items") else { return };
    let Some(Value::Array(list)) = schema.shift_remove("items") else { return };
    let items_at = diag::child(here, "items");
    let array = schema.get("type").and_then(Value::as_str) == Some("array");
    let (target_at, target) = if array {
        schema.insert("items".to_owned(), Value::Object(Map::new()));
        let Some(Value::Object(items)) = schema.get_mut("items") else { return };
        (items_at.clone(), items)
    } else {
        schema.shift_remove("type");
        (here.to_owned(), &mut *schema)
    };
    let nullable = list.iter().any(is_null_schema);
    let members: Vec<(usize, Value)> = list.into_iter().enumerate().filter(|(_, m)| !is_null_schema(m)).collect();
    if nullable {
        target.insert("nullable".to_owned(), Value::Bool(true));
    }
    let keyword = if members.len() == 1 { "allOf" } else { "anyOf" };
    if !members.is_empty() {
        // A schema that already has the keyword gets the union as one more `allOf` member.
        let (keyword, wrap) = if target.contains_key(keyword) { ("allOf", true) } else { (keyword, false) };
        let Value::Array(existing) = target.entry(keyword).or_insert_with(|| Value::Array(Vec::new())) else { return };
        let file = origins.file().to_owned();
        if wrap {
            let at = diag::child(&diag::child(&target_at, keyword), existing.len().to_string());
            let inner = if members.len() == 1 { "allOf" } else { "anyOf" };
            for (k, (i, _)) in members.iter().enumerate() {
                let out = diag::child(&diag::child(&at, inner), k.to_string());
                origins.record(out, &file, &diag::child(&items_at, i.to_string()));
            }
            let list = members.into_iter().map(|(_, m)| m).collect();
            existing.push(Value::Object(Map::from_iter([(inner.to_owned(), Value::Array(list))])));
        } else {
            for (i, member) in members {
                let out = diag::child(&diag::child(&target_at, keyword), existing.len().to_string());
                origins.record(out, &file, &diag::child(&items_at, i.to_string()));
                existing.push(member);
            }
        }
    }
    let reading = match (array, nullable) {
        (true, false) => "each item is read as one of the listed schemas (`items: {anyOf: [...]}`)",
        (true, true) => {
            "each item is read as one of the listed schemas or null (`items: {anyOf: [...], nullable: true}`)"
        }
        (false, false) => "the value is read as one of the listed schemas (`anyOf: [...]`)",
        (false, true) => "the value is read as one of the listed schemas or null (`anyOf: [...], nullable: true`)",
    };
    let hint = if array {
        "write `items: {anyOf: [...]}` (or `oneOf`)"
    } else {
        "write `anyOf: [...]` (or `oneOf`) instead of `items: [...]`"
    };
    diags
        .warning(
            items_at,
            format!("`items` is a list of schemas, JSON Schema's tuple form, which OpenAPI does not have; {reading}"),
        )
        .with_hint(hint);
}

/// `required: true|false` on the schemas of `properties`: the Swagger 2.0 habit of marking a property
/// required on the property itself.
fn required_properties(schema: &mut Map<String, Value>, at: &Tokens, diags: &mut Diagnostics) {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else { return };
    let mut required = Vec::new();
    for (name, property) in properties.iter_mut() {
        let Some(property) = property.as_object_mut() else { continue };
        let Some(Value::Bool(flag)) = property.get("required") else { continue };
        let flag = *flag;
        property.shift_remove("required");
        let mut tokens = at.clone();
        tokens.extend(["properties".to_owned(), name.clone(), "required".to_owned()]);
        let pointer = diag::pointer(&tokens);
        if flag {
            required.push(name.clone());
            diags
                .warning(
                    pointer,
                    format!("`required: true` on a property is read as listing `{name}` in the object's `required`"),
                )
                .with_hint(format!("write `required: [{name}]` on the object instead"));
        } else {
            diags
                .warning(
                    pointer,
                    "`required: false` on a property is left out (properties are optional unless listed in `required`)",
                )
                .with_hint("remove it");
        }
    }
    if required.is_empty() {
        return;
    }
    match schema.entry("required").or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(list) => {
            for name in required {
                let name = Value::String(name);
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
        // A boolean `required` on the object itself is reported by the caller; the list replaces it.
        other => *other = Value::Array(required.into_iter().map(Value::String).collect()),
    }
}

/// An `enum` with `null` in a schema that is not `nullable`: the author meant a nullable enum.
fn null_in_enum(schema: &mut Map<String, Value>, here: &dyn Fn() -> String, diags: &mut Diagnostics) {
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let Some(Value::Array(values)) = schema.get_mut("enum") else { return };
    if nullable || !values.iter().any(Value::is_null) {
        return;
    }
    values.retain(|v| !v.is_null());
    if values.is_empty() {
        schema.shift_remove("enum");
    }
    schema.insert("nullable".to_owned(), Value::Bool(true));
    diags
        .warning(
            diag::child(&here(), "enum"),
            "the `enum` lists `null` but the schema is not `nullable`; read as `nullable: true` with the other values",
        )
        .with_hint("add `nullable: true` to the schema");
}

/// Floats where an integer schema needs integers: bounds and enum values.
fn integer_floats(schema: &mut Map<String, Value>, here: &dyn Fn() -> String, diags: &mut Diagnostics) {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for keyword in ["minimum", "maximum", "multipleOf"] {
        let Some(Value::Number(n)) = schema.get(keyword).cloned() else { continue };
        // An integer that fits i64 is what openapiv3 reads; a u64 beyond it, or a float, is not.
        if n.is_i64() {
            continue;
        }
        let Some(f) = n.as_f64() else { continue };
        // A u64 beyond i64 is known exactly, so clamping it changes it; a float at the edge of the
        // range is the edge a JSON tool printed.
        let (int, exact) = if n.is_u64() { (i64::MAX, false) } else { to_i64(f, keyword == "minimum") };
        schema.insert(keyword.to_owned(), Value::Number(Number::from(int)));
        if !exact {
            diags
                .warning(
                    diag::child(&here(), keyword),
                    format!("the integer schema's `{keyword}` {n} is not a 64-bit integer; read as {int}"),
                )
                .with_hint("write an integer within the range of a 64-bit integer");
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        for value in values.iter_mut() {
            let Value::Number(n) = value else { continue };
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                let (int, exact) = to_i64(f, true);
                if exact {
                    *value = Value::Number(Number::from(int));
                }
            }
        }
    }
}

/// `f` as an `i64`: rounded up (a lower bound) or down, clamped to the range; and whether that is
/// the value written. A float at the edge of the range (`-9223372036854775808` printed as
/// `-9223372036854776000`) is the edge, which is what its author meant, so it counts as exact.
fn to_i64(f: f64, lower: bool) -> (i64, bool) {
    // 2^63: the first float beyond i64::MAX, and -2^63 is i64::MIN exactly.
    const EDGE: f64 = 9_223_372_036_854_775_808.0;
    let rounded = if lower { f.ceil() } else { f.floor() };
    if rounded >= EDGE {
        return (i64::MAX, f == EDGE);
    }
    if rounded < -EDGE {
        return (i64::MIN, false);
    }
    (rounded as i64, rounded == f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixed(input: Value) -> (Value, Vec<(String, String)>) {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {"S": input}}});
        let mut diags = Diagnostics::new("a.yaml");
        fix(&mut doc, &mut Origins::new("a.yaml"), &mut diags);
        let warnings = diags.items().iter().map(|d| (d.pointer.clone(), d.message.clone())).collect();
        (doc["components"]["schemas"]["S"].clone(), warnings)
    }

    #[test]
    fn required_true_on_a_property_lists_it_in_the_parent() {
        let (out, warnings) = fixed(json!({
            "type": "object", "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": {"type": "string", "required": true}, "c": {"type": "string", "required": false}}
        }));
        assert_eq!(
            out,
            json!({"type": "object", "required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}})
        );
        let pointers: Vec<&str> = warnings.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(
            pointers,
            ["/components/schemas/S/properties/b/required", "/components/schemas/S/properties/c/required"]
        );
        let (out, _) = fixed(json!({"type": "object", "properties": {"b": {"type": "string", "required": true}}}));
        assert_eq!(out["required"], json!(["b"]));
    }

    #[test]
    fn required_true_elsewhere_is_left_out() {
        let (out, warnings) = fixed(json!({"type": "string", "required": true}));
        assert_eq!(out, json!({"type": "string"}));
        assert_eq!(warnings[0].0, "/components/schemas/S/required");
    }

    #[test]
    fn null_in_an_enum_makes_the_schema_nullable() {
        let (out, warnings) = fixed(json!({"type": "string", "enum": ["a", null]}));
        assert_eq!(out, json!({"type": "string", "enum": ["a"], "nullable": true}));
        assert_eq!(warnings[0].0, "/components/schemas/S/enum");
        // Already nullable: valid 3.0, left alone.
        let (out, warnings) = fixed(json!({"type": "string", "enum": ["a", null], "nullable": true}));
        assert_eq!(out, json!({"type": "string", "enum": ["a", null], "nullable": true}));
        assert!(warnings.is_empty());
    }

    #[test]
    fn float_bounds_of_integers_are_read_as_integers() {
        let (out, warnings) =
            fixed(json!({"type": "integer", "minimum": -9.223372036854776e18, "maximum": 1e19, "enum": [1.0, 2]}));
        assert_eq!(out, json!({"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX, "enum": [1, 2]}));
        // The minimum is exactly i64::MIN; the maximum is beyond i64::MAX.
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].0, "/components/schemas/S/maximum");
        let (out, warnings) = fixed(json!({"type": "integer", "maximum": 9223372036854776000u64}));
        assert_eq!(out["maximum"], json!(i64::MAX));
        assert_eq!(warnings.len(), 1);
        let (out, warnings) = fixed(json!({"type": "integer", "minimum": 0.5}));
        assert_eq!(out["minimum"], json!(1));
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn a_type_list_is_one_type_made_nullable() {
        // Weaviate's Swagger 2.0 description writes `type: [string, "null"]`.
        let (out, warnings) = fixed(json!({"type": ["string", "null"], "format": "date-time"}));
        assert_eq!(out, json!({"type": "string", "format": "date-time", "nullable": true}));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, "/components/schemas/S/type");
        assert!(warnings[0].1.contains("read as `type: string`, `nullable: true`"), "{}", warnings[0].1);
        let (out, _) = fixed(json!({"type": ["integer"]}));
        assert_eq!(out, json!({"type": "integer"}));
    }

    #[test]
    fn several_types_or_null_alone_accept_any_value() {
        // Slack: `fields: {type: [object, "null", array], items: {type: object}}`.
        let (out, warnings) =
            fixed(json!({"type": ["object", "null", "array"], "items": {"type": "object"}, "description": "d"}));
        assert_eq!(out, json!({"description": "d", "nullable": true}));
        assert!(warnings[0].1.contains("any JSON value (its `items` left out)"), "{}", warnings[0].1);
        // Slack: `content_html: {type: "null"}`.
        let (out, warnings) = fixed(json!({"type": "null"}));
        assert_eq!(out, json!({"nullable": true}));
        assert!(warnings[0].1.contains("`null` is a type only in OpenAPI 3.1"), "{}", warnings[0].1);
    }

    /// `fixed` with the origins it recorded.
    fn fixed_with_origins(input: Value) -> (Value, Vec<(String, String)>, Origins) {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {"S": input}}});
        let mut diags = Diagnostics::new("a.yaml");
        let mut origins = Origins::new("a.yaml");
        fix(&mut doc, &mut origins, &mut diags);
        let warnings = diags.items().iter().map(|d| (d.pointer.clone(), d.message.clone())).collect();
        (doc["components"]["schemas"]["S"].clone(), warnings, origins)
    }

    #[test]
    fn items_as_a_list_outside_an_array_is_a_nullable_union() {
        // Slack: `latest: {items: [{$ref: objs_message}, {type: "null"}]}`, a message or null.
        let message = json!({"$ref": "#/components/schemas/Message"});
        let (out, warnings, origins) = fixed_with_origins(json!({"items": [message, {"type": "null"}]}));
        assert_eq!(out, json!({"nullable": true, "allOf": [message]}));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, "/components/schemas/S/items");
        assert!(warnings[0].1.contains("one of the listed schemas or null"), "{}", warnings[0].1);
        assert_eq!(origins.resolve("/components/schemas/S/allOf/0").1, "/components/schemas/S/items/0");
        // Slack: `objs_conversation: {items: [{...}, {...}, {...}]}`, an object's type left to the members.
        let (out, _, origins) = fixed_with_origins(json!({
            "type": "object", "title": "t",
            "items": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "null"}, {"type": "integer"}]
        }));
        assert_eq!(
            out,
            json!({"title": "t", "nullable": true, "anyOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "integer"}]})
        );
        assert_eq!(origins.resolve("/components/schemas/S/anyOf/1/type").1, "/components/schemas/S/items/2/type");
    }

    #[test]
    fn items_as_a_list_in_an_array_describes_each_item() {
        let (out, warnings, origins) =
            fixed_with_origins(json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(out, json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}));
        assert!(warnings[0].1.contains("each item is read as one of the listed schemas"), "{}", warnings[0].1);
        assert_eq!(origins.resolve("/components/schemas/S/items/anyOf/1").1, "/components/schemas/S/items/1");
        // A schema that has an `anyOf` already gets the union as an `allOf` member.
        let (out, _, _) = fixed_with_origins(
            json!({"anyOf": [{"type": "string"}], "items": [{"type": "integer"}, {"type": "boolean"}]}),
        );
        assert_eq!(
            out,
            json!({"anyOf": [{"type": "string"}], "allOf": [{"anyOf": [{"type": "integer"}, {"type": "boolean"}]}]})
        );
        // An empty list says nothing about the items.
        let (out, _, _) = fixed_with_origins(json!({"type": "array", "items": []}));
        assert_eq!(out, json!({"type": "array", "items": {}}));
    }

    #[test]
    fn extensions_are_not_entered() {
        let mut doc = json!({"openapi": "3.0.3", "x-schemas": {"S": {"type": "string", "required": true}}});
        let mut diags = Diagnostics::new("a.yaml");
        fix(&mut doc, &mut Origins::new("a.yaml"), &mut diags);
        assert_eq!(doc["x-schemas"]["S"]["required"], json!(true));
        assert!(diags.is_empty());
    }
}
