//! Visiting every schema of a document (plain JSON), wherever OpenAPI lets one stand: components,
//! parameters, headers, media types of bodies and responses, callbacks, and the subschemas of each.
//! Extensions (`x-...`) and examples hold data, not schemas, and are never entered.

use serde_json::{Map, Value};

/// Keywords whose value is one subschema.
const ONE: &[&str] = &[
    "items",
    "not",
    "additionalProperties",
    "additionalItems",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];
/// Keywords whose value is a list of subschemas.
const LIST: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
const MAP: &[&str] = &["properties", "patternProperties", "dependentSchemas", "$defs", "definitions"];

/// The HTTP methods of a path item.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Where the walk is: the pointer tokens of the node being visited.
pub type Tokens = Vec<String>;

/// Calls `visit` on every schema of `doc` (a mapping; booleans are not), parents before their
/// subschemas, with the pointer tokens of each. `visit` may rewrite the schema; the walk then goes
/// into the subschemas the rewritten schema has.
pub fn schemas(doc: &mut Value, visit: &mut dyn FnMut(&mut Map<String, Value>, &Tokens)) {
    let mut at = Tokens::new();
    let Some(root) = doc.as_object_mut() else { return };
    for (key, value) in root.iter_mut() {
        at.push(key.clone());
        match key.as_str() {
            "paths" | "webhooks" => each(value, &mut at, &mut |v, at| path_item(v, at, visit)),
            "components" => components(value, &mut at, visit),
            _ => {}
        }
        at.pop();
    }
}

/// Calls `f` on each entry of a mapping, except extensions.
fn each(value: &mut Value, at: &mut Tokens, f: &mut dyn FnMut(&mut Value, &mut Tokens)) {
    let Some(map) = value.as_object_mut() else { return };
    for (key, value) in map.iter_mut() {
        if key.starts_with("x-") {
            continue;
        }
        at.push(key.clone());
        f(value, at);
        at.pop();
    }
}

/// Calls `f` on each item of a list.
fn each_item(value: &mut Value, at: &mut Tokens, f: &mut dyn FnMut(&mut Value, &mut Tokens)) {
    let Some(items) = value.as_array_mut() else { return };
    for (i, value) in items.iter_mut().enumerate() {
        at.push(i.to_string());
        f(value, at);
        at.pop();
    }
}

/// Calls `f` on the value of `key` in `value`, when there is one.
fn field(value: &mut Value, key: &str, at: &mut Tokens, f: &mut dyn FnMut(&mut Value, &mut Tokens)) {
    if let Some(inner) = value.get_mut(key) {
        at.push(key.to_owned());
        f(inner, at);
        at.pop();
    }
}

fn components(value: &mut Value, at: &mut Tokens, visit: &mut dyn FnMut(&mut Map<String, Value>, &Tokens)) {
    field(value, "schemas", at, &mut |v, at| each(v, at, &mut |v, at| schema(v, at, visit)));
    field(value, "parameters", at, &mut |v, at| each(v, at, &mut |v, at| parameter(v, at, visit)));
    field(value, "headers", at, &mut |v, at| each(v, at, &mut |v, at| parameter(v, at, visit)));
    field(value, "requestBodies", at, &mut |v, at| each(v, at, &mut |v, at| parameter(v, at, visit)));
    field(value, "responses", at, &mut |v, at| each(v, at, &mut |v, at| response(v, at, visit)));
    field(value, "pathItems", at, &mut |v, at| each(v, at, &mut |v, at| path_item(v, at, visit)));
    field(value, "callbacks", at, &mut |v, at| {
        each(v, at, &mut |v, at| each(v, at, &mut |v, at| path_item(v, at, visit)))
    });
}

fn path_item(value: &mut Value, at: &mut Tokens, visit: &mut dyn FnMut(&mut Map<String, Value>, &Tokens)) {
    field(value, "parameters", at, &mut |v, at| each_item(v, at, &mut |v, at| parameter(v, at, visit)));
    for method in METHODS {
        field(value, method, at, &mut |op, at| {
            field(op, "parameters", at, &mut |v, at| each_item(v, at, &mut |v, at| parameter(v, at, visit)));
            field(op, "requestBody", at, &mut |v, at| parameter(v, at, visit));
            field(op, "responses", at, &mut |v, at| each(v, at, &mut |v, at| response(v, at, visit)));
            field(op, "callbacks", at, &mut |v, at| {
                each(v, at, &mut |v, at| each(v, at, &mut |v, at| path_item(v, at, visit)))
            });
        });
    }
}

/// A parameter, header or request body: a `schema`, or a `content` of media types with one each.
fn parameter(value: &mut Value, at: &mut Tokens, visit: &mut dyn FnMut(&mut Map<String, Value>, &Tokens)) {
    field(value, "schema", at, &mut |v, at| schema(v, at, visit));
    field(value, "content", at, &mut |v, at| {
        each(v, at, &mut |v, at| field(v, "schema", at, &mut |v, at| schema(v, at, visit)))
    });
}

fn response(value: &mut Value, at: &mut Tokens, visit: &mut dyn FnMut(&mut Map<String, Value>, &Tokens)) {
    field(value, "headers", at, &mut |v, at| each(v, at, &mut |v, at| parameter(v, at, visit)));
    field(value, "content", at, &mut |v, at| {
        each(v, at, &mut |v, at| field(v, "schema", at, &mut |v, at| schema(v, at, visit)))
    });
}

/// A schema and, after it, its subschemas.
pub fn schema(value: &mut Value, at: &mut Tokens, visit: &mut dyn FnMut(&mut Map<String, Value>, &Tokens)) {
    let Some(map) = value.as_object_mut() else { return };
    visit(map, at);
    for (key, inner) in map.iter_mut() {
        let key = key.as_str();
        if ONE.contains(&key) {
            at.push(key.to_owned());
            // `items` as a list is the tuple form of older JSON Schema drafts.
            if inner.is_array() {
                each_item(inner, at, &mut |v, at| schema(v, at, visit));
            } else {
                schema(inner, at, visit);
            }
            at.pop();
        } else if LIST.contains(&key) {
            at.push(key.to_owned());
            each_item(inner, at, &mut |v, at| schema(v, at, visit));
            at.pop();
        } else if MAP.contains(&key) {
            at.push(key.to_owned());
            // Property names may start with `x-`: they are names here, not extensions.
            if let Some(entries) = inner.as_object_mut() {
                for (name, v) in entries.iter_mut() {
                    at.push(name.clone());
                    schema(v, at, visit);
                    at.pop();
                }
            }
            at.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_schema_is_visited_with_its_pointer_and_extensions_are_not() {
        let mut doc = json!({
            "paths": {"/a": {
                "parameters": [{"name": "p", "in": "query", "schema": {"type": "string"}}],
                "get": {"responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"x-name": {"type": "array", "items": {"type": "integer"}}}
                }}}}}},
                "x-ext": {"schema": {"type": "boolean"}}
            }},
            "components": {"schemas": {"A": {"allOf": [{"$ref": "#/components/schemas/B"}]}}}
        });
        let mut seen = Vec::new();
        schemas(&mut doc, &mut |_, at| seen.push(crate::diag::pointer(at)));
        assert_eq!(
            seen,
            [
                "/paths/~1a/parameters/0/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x-name",
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x-name/items",
                "/components/schemas/A",
                "/components/schemas/A/allOf/0",
            ]
        );
    }
}
