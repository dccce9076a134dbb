//! Real-world mistakes whose intent is clear, read the way they were meant, each with a warning at its
//! pointer. Applies to every document, whatever version it was written in:
//!
//! - `required: true` on a property's schema (a Swagger habit): the property is listed in the parent's
//!   `required`; a boolean `required` anywhere else in a schema is left out;
//! - an `enum` that lists `null` in a schema that is not `nullable`: `nullable: true`, and `null` leaves
//!   the enum (3.0 lists the values of the non-null type there);
//! - an integer schema whose bound (`minimum`, `maximum`) or enum value is written as a float: read as
//!   the integer it is, clamped to the 64-bit range (a bound that a JSON tool printed as
//!   `-9223372036854776000` is `i64::MIN`).
//!
//! `$ref`s inside `x-` extensions are never followed (the walk does not enter extensions), so a
//! dangling one there is no error.

use super::origin::Origins;
use super::walk::{self, Tokens};
use crate::diag::{self, Diagnostics};
use serde_json::{Map, Number, Value};

/// Applies every lenient fix to `doc`.
pub fn fix(doc: &mut Value, origins: &mut Origins, diags: &mut Diagnostics) {
    let _ = origins;
    walk::schemas(doc, &mut |schema, at| fix_schema(schema, at, diags));
}

fn fix_schema(schema: &mut Map<String, Value>, at: &Tokens, diags: &mut Diagnostics) {
    let here = || diag::pointer(at);
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
    fn extensions_are_not_entered() {
        let mut doc = json!({"openapi": "3.0.3", "x-schemas": {"S": {"type": "string", "required": true}}});
        let mut diags = Diagnostics::new("a.yaml");
        fix(&mut doc, &mut Origins::new("a.yaml"), &mut diags);
        assert_eq!(doc["x-schemas"]["S"]["required"], json!(true));
        assert!(diags.is_empty());
    }
}
