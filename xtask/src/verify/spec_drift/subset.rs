//! A subset of a big spec: some of its operations and every component they reach by `$ref`.
//!
//! The official Atlas description has hundreds of operations, many with constructs the generator
//! refuses (untagged `oneOf`, say). To compare a few of them with our fragment, [`subset`] copies just
//! those operations and the components they reach into a new document with the same layout, so JSON
//! pointers into the subset are JSON pointers into the original too. It works on the YAML value, before
//! openapiv3, because openapiv3 would have to accept the whole document first.

use serde_yaml::{Mapping, Value};

/// The HTTP methods a path item can hold (OpenAPI 3.0 §4.7.9).
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Builds a document with the operations of `text` whose `operationId` is in `operation_ids`, the
/// path-level parameters of their paths, and every component they reach by `$ref` (transitively), plus
/// the top-level keys `openapi`, `info`, `servers`, `security`, `tags` and the security schemes the
/// kept security requirements name. Returns the subset as YAML text, ready for
/// [`lower_spec`](atlas_codegen::lower_spec).
///
/// Errors name what is wrong: YAML that does not parse, an operation id that is not in the document,
/// or a `$ref` that does not resolve (with the JSON pointer of the node that holds it).
pub fn subset(text: &str, operation_ids: &[&str]) -> Result<String, String> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| format!("the document is not valid YAML: {e}"))?;
    let Some(root) = doc.as_mapping() else { return Err("the document is not a mapping".to_owned()) };
    let mut out = Mapping::new();
    for key in ["openapi", "info", "servers", "security", "tags"] {
        if let Some(value) = root.get(key) {
            out.insert(key.into(), value.clone());
        }
    }

    let mut found: Vec<&str> = Vec::new();
    let mut paths = Mapping::new();
    let mut refs = Refs::default();
    let mut schemes: Vec<String> = requirement_names(root.get("security"));
    if let Some(all) = root.get("paths").and_then(Value::as_mapping) {
        for (path, item) in all {
            let Some(item) = item.as_mapping() else { continue };
            let mut kept = Mapping::new();
            for (method, op) in item {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
                let is_method = method.as_str().is_some_and(|m| METHODS.contains(&m));
                if let Some(wanted) = operation_ids.iter().find(|w| **w == id).filter(|_| is_method) {
                    found.push(wanted);
                    kept.insert(method.clone(), op.clone());
                    let at = format!("/paths/{}/{}", escape(path.as_str().unwrap_or_default()), method_str(method));
                    refs.collect(op, &at);
                    schemes.extend(requirement_names(op.get("security")));
                }
            }
            if kept.is_empty() {
                continue;
            }
            for key in ["parameters", "summary", "description", "servers"] {
                if let Some(value) = item.get(key) {
                    let at = format!("/paths/{}/{key}", escape(path.as_str().unwrap_or_default()));
                    refs.collect(value, &at);
                    kept.insert(key.into(), value.clone());
                }
            }
            paths.insert(path.clone(), Value::Mapping(kept));
        }
    }
    let missing: Vec<&&str> = operation_ids.iter().filter(|id| !found.contains(id)).collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|id| format!("`{id}`")).collect();
        return Err(format!("the document has no operation {}", list.join(", ")));
    }
    out.insert("paths".into(), Value::Mapping(paths));

    // Follow references until no new one turns up; each target is copied to the same pointer.
    let mut components = Mapping::new();
    let mut done: Vec<String> = Vec::new();
    while let Some((reference, holder)) = refs.pending.pop() {
        if done.contains(&reference) {
            continue;
        }
        let tokens = local_tokens(&reference)
            .ok_or_else(|| format!("`$ref: {reference}` at {holder} does not point into this document's components"))?;
        let target =
            resolve(&doc, &tokens).ok_or_else(|| format!("`$ref: {reference}` at {holder} does not resolve"))?.clone();
        refs.collect(&target, &reference[1..]);
        insert(&mut components, &tokens[1..], target);
        done.push(reference);
    }
    let declared = root.get("components").and_then(|c| c.get("securitySchemes")).and_then(Value::as_mapping);
    let mut kept_schemes = Mapping::new();
    for name in schemes {
        let scheme = declared.and_then(|d| d.get(name.as_str())).ok_or_else(|| {
            format!("the security requirement names `{name}`, which components/securitySchemes lacks")
        })?;
        kept_schemes.insert(name.into(), scheme.clone());
    }
    if !kept_schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Mapping(kept_schemes));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Mapping(components));
    }
    serde_yaml::to_string(&Value::Mapping(out)).map_err(|e| format!("cannot write the subset: {e}"))
}

/// The references found so far that still need copying, each with the pointer of its holder.
#[derive(Default)]
struct Refs {
    pending: Vec<(String, String)>,
}

impl Refs {
    /// Records every `$ref` inside `value`, which sits at JSON pointer `at`.
    fn collect(&mut self, value: &Value, at: &str) {
        match value {
            Value::Mapping(map) => {
                for (key, child) in map {
                    let key = key.as_str().unwrap_or_default();
                    match (key, child) {
                        ("$ref", Value::String(target)) => self.pending.push((target.clone(), at.to_owned())),
                        _ => self.collect(child, &format!("{at}/{}", escape(key))),
                    }
                }
            }
            Value::Sequence(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.collect(child, &format!("{at}/{i}"));
                }
            }
            Value::Tagged(tagged) => self.collect(&tagged.value, at),
            _ => {}
        }
    }
}

/// The names of the schemes in a list of security requirements (`[{DigestAuth: []}, ...]`).
fn requirement_names(security: Option<&Value>) -> Vec<String> {
    let Some(list) = security.and_then(Value::as_sequence) else { return Vec::new() };
    list.iter()
        .filter_map(Value::as_mapping)
        .flat_map(|req| req.keys().filter_map(Value::as_str).map(str::to_owned))
        .collect()
}

/// The unescaped tokens of a local reference into `components` (`#/components/schemas/Link` ->
/// `[components, schemas, Link]`), or `None` for anything else.
fn local_tokens(reference: &str) -> Option<Vec<String>> {
    let tokens: Vec<String> =
        reference.strip_prefix("#/")?.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    (tokens.len() >= 3 && tokens[0] == "components").then_some(tokens)
}

/// The node at `tokens` below `doc`.
fn resolve<'a>(doc: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    tokens.iter().try_fold(doc, |node, token| match node {
        Value::Sequence(items) => items.get(token.parse::<usize>().ok()?),
        _ => node.get(token.as_str()),
    })
}

/// Puts `value` at `tokens` below `map`, creating the mappings on the way.
fn insert(map: &mut Mapping, tokens: &[String], value: Value) {
    let Some((last, parents)) = tokens.split_last() else { return };
    let mut node = map;
    for token in parents {
        let entry = node.entry(token.as_str().into()).or_insert_with(|| Value::Mapping(Mapping::new()));
        let Value::Mapping(next) = entry else { return };
        node = next;
    }
    node.insert(last.as_str().into(), value);
}

/// A method key as text.
fn method_str(method: &Value) -> &str {
    method.as_str().unwrap_or_default()
}

/// Escapes one JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"
openapi: 3.0.1
info: {title: t, version: "1"}
security: [{Digest: []}]
paths:
  /a:
    parameters: [{$ref: "#/components/parameters/p"}]
    get:
      operationId: keep
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/A"}}}}
    post:
      operationId: drop
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Unused"}}}}
  /b:
    get:
      operationId: other
      responses: {"204": {description: none}}
components:
  parameters:
    p: {name: p, in: query, schema: {type: string}}
  schemas:
    A: {type: object, properties: {b: {$ref: "#/components/schemas/B"}}}
    B: {type: object, properties: {a: {$ref: "#/components/schemas/A"}}}
    Unused: {type: string}
  securitySchemes:
    Digest: {type: http, scheme: digest}
    Other: {type: http, scheme: basic}
"##;

    #[test]
    fn keeps_the_operations_and_what_they_reach() {
        let text = subset(DOC, &["keep"]).unwrap();
        let value: Value = serde_yaml::from_str(&text).unwrap();
        let paths = value["paths"].as_mapping().unwrap();
        assert_eq!(paths.len(), 1);
        assert!(value["paths"]["/a"].get("post").is_none());
        assert!(value["paths"]["/a"].get("parameters").is_some());
        let schemas: Vec<&str> =
            value["components"]["schemas"].as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(schemas, ["A", "B"]);
        assert!(value["components"]["parameters"].get("p").is_some());
        let schemes: Vec<&str> =
            value["components"]["securitySchemes"].as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
        assert_eq!(schemes, ["Digest"]);
    }

    #[test]
    fn names_a_missing_operation() {
        let error = subset(DOC, &["keep", "nope"]).unwrap_err();
        assert_eq!(error, "the document has no operation `nope`");
    }

    #[test]
    fn names_a_dangling_reference_and_its_holder() {
        let doc = DOC.replace("#/components/schemas/B\"", "#/components/schemas/Gone\"");
        let error = subset(&doc, &["keep"]).unwrap_err();
        assert_eq!(error, "`$ref: #/components/schemas/Gone` at /components/schemas/A/properties/b does not resolve");
    }
}
