//! progenitor's copy of the official Atlas description: the smallest set of rewrites, found one refusal at a
//! time, after which progenitor 0.15.1 generates a client. Each rewrite says which progenitor limit it works
//! around and counts the places it touched, so that the benchmark report can say exactly what progenitor was
//! given. Our generator reads the vendored file as it is.

use serde_yaml::{Mapping, Value};

/// The rewritten description and what was rewritten.
pub struct ProgenitorCopy {
    /// The YAML text progenitor is given.
    pub text: String,
    /// One entry per kind of rewrite: what it does and why, and how many places it touched.
    pub rewrites: Vec<(&'static str, usize)>,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const PREVIEW: &str = "application/vnd.atlas.preview+json";

/// Rewrites the official description (YAML text) until progenitor accepts it.
pub fn official_for_progenitor(text: &str) -> Result<ProgenitorCopy, String> {
    let mut doc: Value = serde_yaml::from_str(text).map_err(|e| format!("YAML: {e}"))?;
    let rewrites = vec![
        (
            "operations whose only version of a body is `preview` dropped (progenitor has no notion of API versions; \
             ours leaves them out too unless `--preview`)",
            drop_preview_only_operations(&mut doc),
        ),
        (
            "`content` maps where the newest dated `application/vnd.atlas.<date>+json` became `application/json` and \
             the other versions were dropped (progenitor takes one JSON body per request and response)",
            keep_newest_json(&mut doc),
        ),
        (
            "response media types without a `schema` removed, leaving a response without a body (progenitor panics: \
             \"media type encoding, no schema\")",
            drop_schemaless_responses(&mut doc),
        ),
        (
            "operations with several 2xx responses cut to the first (progenitor asserts one success type)",
            keep_first_success(&mut doc),
        ),
        (
            "error responses whose type differs from the operation's other errors dropped (progenitor asserts one \
             error type)",
            keep_one_error_type(&mut doc),
        ),
        (
            "discriminator parents whose `oneOf` variants `allOf` the parent back: `oneOf`/`anyOf` and \
             `discriminator` removed (typify recurses without end on them and the process dies of a stack overflow)",
            drop_cyclic_unions(&mut doc),
        ),
        (
            "string enums with a value that has no letter or digit (`<`, `>`) made plain strings (typify panics: \
             \"Failed to make unique variant names\")",
            drop_symbol_enums(&mut doc),
        ),
    ];
    let text = serde_yaml::to_string(&doc).map_err(|e| format!("YAML: {e}"))?;
    Ok(ProgenitorCopy { text, rewrites })
}

/// A mapping key as text: YAML reads a response code such as `200` as a number, `2XX` or a media type as a string.
fn key_text(key: &Value) -> String {
    key.as_str().map(str::to_owned).or_else(|| key.as_u64().map(|n| n.to_string())).unwrap_or_default()
}

/// Every operation of `paths`, mutably.
fn operations(doc: &mut Value) -> impl Iterator<Item = &mut Mapping> {
    doc.get_mut("paths")
        .and_then(Value::as_mapping_mut)
        .into_iter()
        .flat_map(|paths| paths.iter_mut())
        .filter_map(|(_, item)| item.as_mapping_mut())
        .flat_map(|item| item.iter_mut())
        .filter(|(method, _)| method.as_str().is_some_and(|m| METHODS.contains(&m)))
        .filter_map(|(_, op)| op.as_mapping_mut())
}

/// The `content` maps of an operation's request body and responses (inline ones; Atlas puts them inline).
fn contents(op: &Mapping) -> Vec<&Mapping> {
    let body = op.get("requestBody").and_then(Value::as_mapping).and_then(|b| b.get("content"));
    let responses = op.get("responses").and_then(Value::as_mapping).into_iter().flat_map(|r| r.values());
    body.into_iter()
        .chain(responses.filter_map(|r| r.as_mapping().and_then(|r| r.get("content"))))
        .filter_map(Value::as_mapping)
        .collect()
}

fn drop_preview_only_operations(doc: &mut Value) -> usize {
    let preview_only = |c: &Mapping| {
        c.contains_key(PREVIEW)
            && !c.keys().filter_map(Value::as_str).any(|k| k.starts_with("application/vnd.atlas.") && k != PREVIEW)
    };
    let mut dropped = 0;
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) {
        for (_, item) in paths.iter_mut() {
            let Some(item) = item.as_mapping_mut() else { continue };
            let doomed: Vec<Value> = item
                .iter()
                .filter(|(m, op)| {
                    m.as_str().is_some_and(|m| METHODS.contains(&m))
                        && op.as_mapping().is_some_and(|op| contents(op).into_iter().any(preview_only))
                })
                .map(|(m, _)| m.clone())
                .collect();
            dropped += doomed.len();
            for m in doomed {
                item.remove(&m);
            }
        }
        paths.retain(|_, item| {
            item.as_mapping().is_some_and(|i| i.keys().any(|m| m.as_str().is_some_and(|m| METHODS.contains(&m))))
        });
    }
    dropped
}

fn keep_newest_json(value: &mut Value) -> usize {
    let mut rewritten = 0;
    match value {
        Value::Mapping(map) => {
            if let Some(Value::Mapping(content)) = map.get_mut("content") {
                let versioned: Vec<String> = content
                    .keys()
                    .filter_map(Value::as_str)
                    .filter(|k| k.starts_with("application/vnd.atlas.") && k.ends_with("+json"))
                    .map(str::to_owned)
                    .collect();
                // Dates sort as text; `preview` sorts after every date, so it is skipped explicitly.
                if let Some(newest) = versioned.iter().filter(|k| !k.contains("preview")).max().cloned() {
                    let body = content.remove(newest.as_str());
                    for other in &versioned {
                        content.remove(other.as_str());
                    }
                    if let Some(body) = body {
                        content.insert("application/json".into(), body);
                    }
                    rewritten += 1;
                }
            }
            for (_, inner) in map.iter_mut() {
                rewritten += keep_newest_json(inner);
            }
        }
        Value::Sequence(items) => rewritten += items.iter_mut().map(keep_newest_json).sum::<usize>(),
        _ => {}
    }
    rewritten
}

fn drop_schemaless_responses(doc: &mut Value) -> usize {
    let mut removed = 0;
    for op in operations(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_mapping_mut) else { continue };
        for (_, response) in responses.iter_mut() {
            let Some(response) = response.as_mapping_mut() else { continue };
            let Some(content) = response.get_mut("content").and_then(Value::as_mapping_mut) else { continue };
            let before = content.len();
            content.retain(|_, media| media.as_mapping().is_some_and(|m| m.contains_key("schema")));
            removed += before - content.len();
            if content.is_empty() {
                response.remove("content");
            }
        }
    }
    removed
}

fn keep_first_success(doc: &mut Value) -> usize {
    let mut cut = 0;
    for op in operations(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_mapping_mut) else { continue };
        let mut success: Vec<String> = responses.keys().map(key_text).filter(|k| k.starts_with('2')).collect();
        success.sort();
        if success.len() > 1 {
            cut += 1;
            responses.retain(|k, _| {
                let k = key_text(k);
                !k.starts_with('2') || k == success[0]
            });
        }
    }
    cut
}

fn keep_one_error_type(doc: &mut Value) -> usize {
    let shared: Mapping =
        doc.get("components").and_then(|c| c.get("responses")).and_then(Value::as_mapping).cloned().unwrap_or_default();
    // A response's type, as progenitor compares them: the schema of each media type after following a
    // `$ref` (examples and extensions such as `x-xgen-version` differ between otherwise equal errors).
    let type_of = |response: &Value| -> String {
        let target = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => shared.get(r.rsplit('/').next().unwrap_or_default()).unwrap_or(response),
            None => response,
        };
        let schemas: Vec<(String, String)> = target
            .get("content")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .map(|(media, m)| (key_text(media), serde_yaml::to_string(&m.get("schema")).unwrap_or_default()))
            .collect();
        format!("{schemas:?}")
    };
    let mut dropped = 0;
    for op in operations(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_mapping_mut) else { continue };
        let is_error = |k: &Value| !key_text(k).starts_with('2');
        let mut counts: Vec<(String, usize)> = Vec::new();
        for (_, r) in responses.iter().filter(|(k, _)| is_error(k)) {
            let t = type_of(r);
            match counts.iter_mut().find(|(seen, _)| *seen == t) {
                Some((_, n)) => *n += 1,
                None => counts.push((t, 1)),
            }
        }
        if counts.len() <= 1 {
            continue;
        }
        let common = counts.iter().max_by_key(|(_, n)| *n).map(|(t, _)| t.clone()).unwrap_or_default();
        let before = responses.len();
        responses.retain(|k, r| !is_error(k) || type_of(r) == common);
        dropped += before - responses.len();
    }
    dropped
}

fn drop_cyclic_unions(doc: &mut Value) -> usize {
    let Some(schemas) = doc.get_mut("components").and_then(|c| c.get_mut("schemas")).and_then(Value::as_mapping_mut)
    else {
        return 0;
    };
    let refs = |list: Option<&Value>| -> Vec<String> {
        list.and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("$ref").and_then(Value::as_str))
            .filter_map(|r| r.rsplit('/').next().map(str::to_owned))
            .collect()
    };
    let cyclic: Vec<Value> = schemas
        .iter()
        .filter(|(name, schema)| {
            let name = name.as_str().unwrap_or_default();
            ["oneOf", "anyOf"].iter().any(|key| {
                refs(schema.get(*key)).iter().any(|variant| {
                    schemas.get(variant.as_str()).is_some_and(|v| refs(v.get("allOf")).iter().any(|p| p == name))
                })
            })
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in &cyclic {
        if let Some(schema) = schemas.get_mut(name).and_then(Value::as_mapping_mut) {
            for key in ["oneOf", "anyOf", "discriminator"] {
                schema.remove(key);
            }
        }
    }
    cyclic.len()
}

fn drop_symbol_enums(value: &mut Value) -> usize {
    let mut dropped = 0;
    match value {
        Value::Mapping(map) => {
            let symbolic = map.get("enum").and_then(Value::as_sequence).is_some_and(|values| {
                values.iter().filter_map(Value::as_str).any(|v| !v.chars().any(char::is_alphanumeric))
            });
            if symbolic {
                map.remove("enum");
                dropped += 1;
            }
            for (_, inner) in map.iter_mut() {
                dropped += drop_symbol_enums(inner);
            }
        }
        Value::Sequence(items) => dropped += items.iter_mut().map(drop_symbol_enums).sum::<usize>(),
        _ => {}
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
paths:
  /a:
    get:
      responses:
        "200":
          content:
            application/vnd.atlas.2023-01-01+json: { schema: { $ref: "#/components/schemas/Base" } }
            application/vnd.atlas.2024-05-30+json: { schema: { $ref: "#/components/schemas/Op" } }
        "202":
          content:
            application/vnd.atlas.2023-01-01+json: {}
        "400":
          content:
            application/json: { schema: { $ref: "#/components/schemas/Other" } }
        "401":
          content:
            application/json: { schema: { $ref: "#/components/schemas/ApiError" } }
        "404":
          content:
            application/json: { schema: { $ref: "#/components/schemas/ApiError" }, example: { error: 404 } }
  /b:
    get:
      responses:
        "200":
          content:
            application/vnd.atlas.preview+json: { schema: { type: string } }
components:
  schemas:
    Base:
      oneOf: [{ $ref: "#/components/schemas/Sub" }]
      discriminator: { propertyName: kind }
    Sub:
      allOf: [{ $ref: "#/components/schemas/Base" }]
    Op: { type: string, enum: ["<", ">"] }
"##;

    #[test]
    fn each_rewrite_touches_what_it_names() {
        let copy = official_for_progenitor(SPEC).unwrap();
        let counts: Vec<usize> = copy.rewrites.iter().map(|(_, n)| *n).collect();
        // preview-only /b; two content maps; the schemaless 202; the 202 cut; the 400; Base; Op.
        assert_eq!(counts, [1, 2, 1, 1, 1, 1, 1]);
        let doc: Value = serde_yaml::from_str(&copy.text).unwrap();
        let responses = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(responses["200"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Op");
        assert!(responses.get("400").is_none() && responses.get("401").is_some() && responses.get("404").is_some());
        assert!(doc["paths"].get("/b").is_none());
        assert!(doc["components"]["schemas"]["Base"].get("oneOf").is_none());
        assert!(doc["components"]["schemas"]["Op"].get("enum").is_none());
    }
}
