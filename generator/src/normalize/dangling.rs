//! `$ref`s that point to nothing, where a schema stands. Real documents have them (Docusign's
//! eSignature description refers to two definitions it never writes); a client with one untyped field
//! serves its user better than no client, so each is read, with a warning at the `$ref`:
//!
//! - a reference that names a component (`#/definitions/Pet`, `#/components/schemas/pet`) when the
//!   schemas hold exactly one whose name is the same but for case and punctuation (`Pet`; a Swagger
//!   2.0 `#/definitions/` prefix in an OpenAPI 3 document is such a name too): read as a reference to
//!   that schema, the author's evident intent;
//! - anything else (a schema that is not defined, a pointer into a node that does not exist): read as
//!   a schema that accepts any JSON value (`serde_json::Value` in the client); the `$ref`'s siblings
//!   (a `description`) stay.
//!
//! A `$ref` to nothing where a parameter, response or request body stands has no such reading and
//! stays an error (reported where that `$ref` is followed: [`super::pointers`] or the lowering).

use super::pointers::{collect, missing, percent_decode, section_at, tokens, Found};
use crate::diag::{self, Diagnostics};
use serde_json::Value;

/// Reads every `$ref` to nothing that stands for a schema, as described in the module documentation.
pub fn repair(doc: &mut Value, diags: &mut Diagnostics) {
    let mut found = Vec::new();
    collect(doc, &mut Vec::new(), &mut found, true);
    for Found { at, reference } in found {
        if section_at(&at) != Some("schemas") {
            continue;
        }
        let Some(fragment) = reference.strip_prefix('#') else { continue };
        let target = percent_decode(fragment);
        if doc.pointer(&target).is_some() {
            continue;
        }
        let holder = diag::pointer(&at);
        let ref_pointer = diag::child(&holder, "$ref");
        let tokens = tokens(&target);
        let named = named(&tokens);
        if let Some((name, (found, exact))) = named.and_then(|name| similar(doc, name).map(|found| (name, found))) {
            // 2.0 references were rewritten to 3.0 ones: name the schema, not the text the user did not write.
            let which = if exact {
                format!("read as the schema `{found}` under `components/schemas`")
            } else {
                format!("read as `{found}`, the one schema of that name but for case and punctuation")
            };
            diags
                .warning(
                    &ref_pointer,
                    format!("the `$ref` names the schema `{name}`, which is not defined there; {which}"),
                )
                .with_hint(format!("write the name as it is defined (`{found}`), in the section that holds it"));
            let replacement = format!("#/components/schemas/{}", found.replace('~', "~0").replace('/', "~1"));
            if let Some(Value::String(r)) = doc.pointer_mut(&ref_pointer) {
                *r = replacement;
            }
            continue;
        }
        let what = match named {
            Some(name) => format!("the `$ref` names the schema `{name}`, which is not defined"),
            None => format!("`$ref: {reference}` points to nothing (`{}` does not exist)", missing(doc, &tokens)),
        };
        diags.warning(&ref_pointer, format!("{what}; read as a schema that accepts any JSON value")).with_hint(
            match named {
                Some(name) => format!(
                "define `{name}` under `components/schemas` (`definitions` in Swagger 2.0) to give the value a type"
            ),
                None => "point the `$ref` at a schema that exists to give the value a type".to_owned(),
            },
        );
        if let Some(Value::Object(map)) = doc.pointer_mut(&holder) {
            map.shift_remove("$ref");
        }
    }
}

/// The name a reference of the form `#/<section>/<name>` or `#/components/<section>/<name>` gives.
fn named(tokens: &[String]) -> Option<&str> {
    match tokens {
        [_, name] => Some(name),
        [components, _, name] if components == "components" => Some(name),
        _ => None,
    }
}

/// The schema under `components/schemas` named `name` (`true`), or the one whose name is `name` but
/// for case and punctuation (`false`).
fn similar(doc: &Value, name: &str) -> Option<(String, bool)> {
    let key =
        |n: &str| n.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>();
    let wanted = key(name);
    let schemas = doc.get("components")?.get("schemas")?.as_object()?;
    if let Some((exact, _)) = schemas.get_key_value(name) {
        return Some((exact.clone(), true));
    }
    let mut matching = schemas.keys().filter(|n| !wanted.is_empty() && key(n) == wanted);
    let first = matching.next()?;
    matching.next().is_none().then(|| (first.clone(), false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repaired(schemas: Value) -> (Value, Vec<(String, String)>) {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}});
        let mut diags = Diagnostics::new("a.yaml");
        repair(&mut doc, &mut diags);
        assert!(!diags.has_errors(), "{diags}");
        let found = diags.items().iter().map(|d| (d.pointer.clone(), d.message.clone())).collect();
        (doc["components"]["schemas"].clone(), found)
    }

    #[test]
    fn a_missing_schema_is_any_value_and_keeps_its_siblings() {
        let (out, warnings) = repaired(json!({
            "Witness": {"type": "object", "properties": {
                "offline": {"$ref": "#/components/schemas/offlineAttributes", "description": "Reserved."},
                "docs": {"type": "array", "items": {"$ref": "#/components/schemas/signHashDocument"}},
                "fine": {"$ref": "#/components/schemas/Witness"}
            }}
        }));
        let properties = &out["Witness"]["properties"];
        assert_eq!(properties["offline"], json!({"description": "Reserved."}));
        assert_eq!(properties["docs"]["items"], json!({}));
        assert_eq!(properties["fine"], json!({"$ref": "#/components/schemas/Witness"}));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].0, "/components/schemas/Witness/properties/offline/$ref");
        assert!(
            warnings[0].1.contains("names the schema `offlineAttributes`, which is not defined"),
            "{}",
            warnings[0].1
        );
        assert!(warnings[0].1.contains("any JSON value"), "{}", warnings[0].1);
    }

    #[test]
    fn a_pointer_into_nothing_is_any_value_and_names_the_first_missing_token() {
        let (out, warnings) = repaired(json!({
            "Tag": {"allOf": [{"type": "string"}]},
            "Pet": {"properties": {"tag": {"$ref": "#/components/schemas/Tag/allOf/3"}}}
        }));
        assert_eq!(out["Pet"]["properties"]["tag"], json!({}));
        assert!(warnings[0].1.contains("`#/components/schemas/Tag/allOf/3` does not exist"), "{}", warnings[0].1);
    }

    #[test]
    fn a_name_that_differs_in_case_or_section_is_read_as_the_schema_it_names() {
        let (out, warnings) = repaired(json!({
            "Pet": {"type": "object"},
            "pet_tag": {"type": "string"},
            "A": {"properties": {
                "a": {"$ref": "#/definitions/Pet"},
                "b": {"$ref": "#/components/schemas/pet"},
                "c": {"$ref": "#/components/schemas/PetTag"}
            }}
        }));
        let a = &out["A"]["properties"];
        assert_eq!(a["a"]["$ref"], "#/components/schemas/Pet");
        assert_eq!(a["b"]["$ref"], "#/components/schemas/Pet");
        assert_eq!(a["c"]["$ref"], "#/components/schemas/pet_tag");
        assert_eq!(warnings.len(), 3);
        assert!(warnings[0].1.contains("read as the schema `Pet` under `components/schemas`"), "{}", warnings[0].1);
        assert!(warnings[2].1.contains("read as `pet_tag`, the one schema"), "{}", warnings[2].1);
    }

    #[test]
    fn two_similar_names_are_no_clear_reading() {
        let (out, _) = repaired(json!({
            "Pet": {"type": "object"}, "PET": {"type": "string"},
            "A": {"properties": {"a": {"$ref": "#/components/schemas/pet"}}}
        }));
        assert_eq!(out["A"]["properties"]["a"], json!({}));
    }

    #[test]
    fn references_that_do_not_stand_for_schemas_are_left_to_their_errors() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {"/a": {"get": {
            "parameters": [{"$ref": "#/components/parameters/missing"}],
            "responses": {"200": {"$ref": "#/components/responses/missing"}}
        }}}, "x-extra": {"schema": {"$ref": "#/nowhere"}}});
        let before = doc.clone();
        let mut diags = Diagnostics::new("a.yaml");
        repair(&mut doc, &mut diags);
        assert_eq!(doc, before);
        assert!(diags.is_empty(), "{diags}");
    }
}
