//! Stage 1: read a spec file into openapiv3 types, and resolve `$ref`s into it.
//!
//! YAML is parsed into a generic value first, so a syntax error carries a line and a column and the
//! OpenAPI version can be checked before anything else; openapiv3's model is read from that value. Only
//! when that fails is the text parsed again, through `serde_path_to_error`, so a shape error names the
//! JSON pointer of the offending node and its line.

use crate::diag::{self, Diagnostic, Diagnostics, Severity};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde::Deserialize;

/// A loaded spec and the name of the file it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file name used in diagnostics and headers.
    pub file: String,
    /// The parsed document.
    pub doc: OpenAPI,
    /// The document as plain JSON, keywords openapiv3 does not model included, so lowering can name
    /// every keyword it does not turn into code.
    pub raw: serde_json::Value,
}

/// Parses `text` (the contents of `file`) as an OpenAPI 3.0 document.
pub fn parse(file: &str, text: &str) -> Result<Spec, Diagnostics> {
    let mut diags = Diagnostics::new(file);
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.add(Diagnostic {
                severity: Severity::Error,
                message: format!("the file is not valid YAML: {}", yaml_message(&e.to_string())),
                file: file.to_owned(),
                pointer: String::new(),
                location: e.location().map(|l| (l.line(), l.column())),
                hint: None,
            });
            return Err(diags);
        }
    };
    if !check_version(&value, &mut diags) {
        return Err(diags);
    }
    // JSON has no infinity or NaN, so OpenAPI cannot hold YAML's `.inf`/`.nan`; openapiv3 also panics
    // on some of them ("somehow this parsed successfully the second time"), so catch them first.
    if let Some(at) = non_finite(&value, &mut Vec::new()) {
        diags
            .error(diag::pointer(&at), "`.inf` and `.nan` are not numbers an OpenAPI (JSON) document can hold")
            .with_hint("use a finite number, or leave the keyword out");
        return Err(diags);
    }
    // YAML keys that are not strings have no JSON form; such a document fails the text parse below.
    let raw = serde_json::to_value(&value).unwrap_or_default();
    // The fast path reads the document already parsed, not the text again (a 3 MB spec takes ~100 ms
    // to parse). It is taken only when it succeeds: a string field holding a YAML number (`version:
    // 1.0`) is accepted from the text but not from the parsed value, and errors need the text's line
    // and column, so any failure goes through the text parse, whose outcome is the authoritative one.
    // openapiv3 has `expect`s in its deserializers; a panic there must not take the caller down.
    let fast = std::panic::catch_unwind(|| OpenAPI::deserialize(&raw));
    if let Ok(Ok(doc)) = fast {
        return Ok(Spec { file: file.to_owned(), doc, raw });
    }
    let parsed = std::panic::catch_unwind(|| {
        serde_path_to_error::deserialize::<_, OpenAPI>(serde_yaml::Deserializer::from_str(text))
    });
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(_) => {
            diags
                .error("", "the OpenAPI parser (openapiv3) crashed on this document, which is malformed in a way it does not report")
                .with_hint("validate the document with an OpenAPI linter (for example `redocly lint`) to find the broken node");
            return Err(diags);
        }
    };
    match parsed {
        Ok(doc) => Ok(Spec { file: file.to_owned(), doc, raw }),
        Err(e) => {
            let message = shape_message(&e.inner().to_string());
            let reported: Vec<String> = segment_tokens(e.path());
            // serde loses track of the path inside flattened and untagged types (path items, schemas,
            // parameters), so the reported node may be an ancestor of the broken one: narrow it down.
            let tokens = narrow(&value, reported.clone(), &message);
            // The parser's location is that of the reported node; keep it only when that is the node
            // the pointer names.
            let location = if tokens == reported { e.inner().location().map(|l| (l.line(), l.column())) } else { None };
            diags.add(Diagnostic {
                severity: Severity::Error,
                message: format!("the document does not match the OpenAPI 3.0 schema: {message}"),
                file: file.to_owned(),
                pointer: diag::pointer(&tokens),
                location,
                hint: None,
            });
            Err(diags)
        }
    }
}

/// The pointer tokens of the first infinite or NaN number in `value`.
fn non_finite(value: &serde_yaml::Value, at: &mut Vec<String>) -> Option<Vec<String>> {
    match value {
        serde_yaml::Value::Number(n) if n.as_f64().is_some_and(|f| !f.is_finite()) => Some(at.clone()),
        serde_yaml::Value::Sequence(items) => items.iter().enumerate().find_map(|(i, v)| {
            at.push(i.to_string());
            let found = non_finite(v, at);
            at.pop();
            found
        }),
        serde_yaml::Value::Mapping(map) => map.iter().find_map(|(k, v)| {
            at.push(key_text(k).unwrap_or_default());
            let found = non_finite(v, at);
            at.pop();
            found
        }),
        serde_yaml::Value::Tagged(tagged) => non_finite(&tagged.value, at),
        _ => None,
    }
}

/// Checks that `value` declares itself an OpenAPI 3.0 document; records why not otherwise.
fn check_version(value: &serde_yaml::Value, diags: &mut Diagnostics) -> bool {
    if !value.is_mapping() {
        let what = match value {
            serde_yaml::Value::Null => "empty",
            serde_yaml::Value::Sequence(_) => "a list",
            _ => "a single value",
        };
        diags
            .error("", format!("the document is {what}, not an OpenAPI 3.0 document"))
            .with_hint("an OpenAPI document is a mapping that starts with `openapi: 3.0.3`");
        return false;
    }
    match value.get("openapi") {
        Some(serde_yaml::Value::String(v)) if v == "3.0" || v.starts_with("3.0.") => true,
        Some(serde_yaml::Value::String(v)) => {
            diags
                .error("/openapi", format!("OpenAPI version `{v}` is not supported"))
                .with_hint("atlas-codegen reads OpenAPI 3.0.x documents (`openapi: 3.0.3`)");
            false
        }
        Some(serde_yaml::Value::Number(n)) => {
            diags
                .error("/openapi", format!("the OpenAPI version must be a string, but YAML reads `{n}` as a number"))
                .with_hint("quote it: `openapi: \"3.0.3\"`");
            false
        }
        Some(_) => {
            diags
                .error("/openapi", "the OpenAPI version must be a string such as `3.0.3`")
                .with_hint("write `openapi: 3.0.3`");
            false
        }
        None if value.get("swagger").is_some() => {
            diags
                .error("/swagger", "this is a Swagger 2.0 document; atlas-codegen reads OpenAPI 3.0 documents only")
                .with_hint("convert it to OpenAPI 3.0 first (for example with swagger2openapi)");
            false
        }
        None => {
            diags
                .error("", "the document has no `openapi` field, so it is not an OpenAPI 3.0 document")
                .with_hint("start the document with `openapi: 3.0.3`");
            false
        }
    }
}

/// serde_yaml's syntax messages put the location in the text (" at line X column Y"), which we print
/// separately; the context clause after it ("while parsing a flow sequence at line 9 column 13") says
/// where the construct that broke began, which is worth keeping.
fn yaml_message(message: &str) -> String {
    let Some(i) = message.find(" at line ") else { return message.to_owned() };
    let head = &message[..i];
    match message[i..].split_once(", while ") {
        Some((_, context)) => format!("{head} (while {})", context.replace(" at line ", " that starts at line ")),
        None => head.to_owned(),
    }
}

/// serde's messages about a document's shape, without the location and the path serde_yaml puts in
/// them (we print both separately), and with serde's Rust-flavoured wording (`expected struct Paths`)
/// put in YAML terms.
fn shape_message(message: &str) -> String {
    let mut out = match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    };
    // serde_yaml's "components.schemas: invalid type: ..." path prefix has no spaces.
    if let Some((prefix, rest)) = out.split_once(": ") {
        if !prefix.contains(' ') && !rest.is_empty() {
            out = rest.to_owned();
        }
    }
    for (from, to) in [
        ("expected a map", "expected a mapping"),
        ("expected a sequence", "expected a list"),
        ("invalid type: map,", "invalid type: mapping,"),
        ("invalid type: sequence,", "invalid type: list,"),
    ] {
        if !out.contains(to) {
            out = out.replace(from, to);
        }
    }
    if let Some(i) = out.find("expected struct ") {
        let rest = &out[i + "expected struct ".len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        let tail = rest[name.len()..].to_owned();
        out = format!("{}expected a mapping (an OpenAPI `{name}` object){tail}", &out[..i]);
    }
    out
}

/// serde_path_to_error's path as pointer tokens, so keys that contain dots or slashes (`/a.b`,
/// `application/vnd.atlas.2023-01-01+json`) stay whole.
fn segment_tokens(path: &serde_path_to_error::Path) -> Vec<String> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// The kinds of OpenAPI node whose children [`narrow`] knows how to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Document,
    Paths,
    PathItem,
    Operation,
    ParameterList,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Headers,
    Header,
    Components,
    Schemas,
    SchemaList,
    Schema,
    Parameters,
    ResponseMap,
    RequestBodies,
}

impl Node {
    /// The kind of the child `key` of a node of this kind, when [`narrow`] checks it.
    fn child(self, key: &str) -> Option<Node> {
        use Node::*;
        if key.starts_with("x-") {
            return None;
        }
        Some(match (self, key) {
            (Document, "paths") => Paths,
            (Document, "components") => Components,
            (Paths, k) if k.starts_with('/') => PathItem,
            (PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => Operation,
            (PathItem | Operation, "parameters") => ParameterList,
            (ParameterList, _) => Parameter,
            (Operation, "requestBody") => RequestBody,
            (Operation, "responses") => Responses,
            (Responses, _) | (ResponseMap, _) => Response,
            (Response | RequestBody | Parameter | Header, "content") => Content,
            (Response, "headers") | (Components, "headers") => Headers,
            (Headers, _) => Header,
            (Content, _) => MediaType,
            (MediaType | Parameter | Header, "schema") => Schema,
            (Components, "schemas") => Schemas,
            (Components, "parameters") => Parameters,
            (Components, "responses") => ResponseMap,
            (Components, "requestBodies") => RequestBodies,
            (Parameters, _) => Parameter,
            (RequestBodies, _) => RequestBody,
            (Schemas, _) => Schema,
            (Schema, "properties") => Schemas,
            (Schema, "items" | "not" | "additionalProperties") => Schema,
            (Schema, "allOf" | "oneOf" | "anyOf") => SchemaList,
            (SchemaList, _) => Schema,
            _ => return None,
        })
    }

    /// Whether `value` fails to deserialize as this kind (containers: whether any child does).
    fn fails(self, value: &serde_yaml::Value) -> bool {
        use openapiv3::{Header, MediaType, Operation, PathItem};
        fn bad<T: serde::de::DeserializeOwned>(value: &serde_yaml::Value) -> bool {
            std::panic::catch_unwind(|| serde_yaml::from_value::<T>(value.clone()).is_err()).unwrap_or(true)
        }
        match self {
            Node::Document => bad::<OpenAPI>(value),
            Node::PathItem => bad::<ReferenceOr<PathItem>>(value),
            Node::Operation => bad::<Operation>(value),
            Node::Parameter => bad::<ReferenceOr<Parameter>>(value),
            Node::RequestBody => bad::<ReferenceOr<RequestBody>>(value),
            Node::Response => bad::<ReferenceOr<Response>>(value),
            Node::MediaType => bad::<MediaType>(value),
            Node::Header => bad::<ReferenceOr<Header>>(value),
            Node::Components => bad::<openapiv3::Components>(value),
            Node::Schema if value.is_bool() => false,
            Node::Schema => bad::<ReferenceOr<Schema>>(value),
            Node::Paths
            | Node::Responses
            | Node::Content
            | Node::Headers
            | Node::Schemas
            | Node::Parameters
            | Node::ResponseMap
            | Node::RequestBodies => match value.as_mapping() {
                Some(map) => {
                    map.iter().any(|(k, v)| k.as_str().and_then(|k| self.child(k)).is_some_and(|kind| kind.fails(v)))
                }
                None => true,
            },
            Node::ParameterList | Node::SchemaList => match value.as_sequence() {
                Some(items) => items.iter().any(|v| self.child("").is_some_and(|kind| kind.fails(v))),
                None => true,
            },
        }
    }
}

/// Descends from the node serde reported (`tokens`) to the deepest node that still fails to
/// deserialize, then, when `message` quotes the offending scalar, to the key that holds it.
fn narrow(root: &serde_yaml::Value, mut tokens: Vec<String>, message: &str) -> Vec<String> {
    let mut kind = Some(Node::Document);
    let mut node = root;
    for token in &tokens {
        kind = kind.and_then(|k| k.child(token));
        match child_value(node, token) {
            Some(child) => node = child,
            None => return tokens,
        }
    }
    while let Some(k) = kind {
        let next = children(node).into_iter().find_map(|(key, child)| {
            let child_kind = k.child(&key)?;
            child_kind.fails(child).then_some((key, child, child_kind))
        });
        let Some((key, child, child_kind)) = next else { break };
        tokens.push(key);
        node = child;
        kind = Some(child_kind);
    }
    if let Some(key) = quoted_scalar_key(node, message) {
        tokens.push(key);
    }
    tokens
}

fn child_value<'a>(node: &'a serde_yaml::Value, token: &str) -> Option<&'a serde_yaml::Value> {
    match node {
        serde_yaml::Value::Mapping(map) => {
            map.iter().find(|(k, _)| key_text(k).as_deref() == Some(token)).map(|(_, v)| v)
        }
        serde_yaml::Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

fn children(node: &serde_yaml::Value) -> Vec<(String, &serde_yaml::Value)> {
    match node {
        serde_yaml::Value::Mapping(map) => map.iter().filter_map(|(k, v)| Some((key_text(k)?, v))).collect(),
        serde_yaml::Value::Sequence(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => Vec::new(),
    }
}

fn key_text(key: &serde_yaml::Value) -> Option<String> {
    match key {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// For `invalid type: string "abc", expected ...`, the one key of `node` whose scalar value is the
/// quoted one.
fn quoted_scalar_key(node: &serde_yaml::Value, message: &str) -> Option<String> {
    let unexpected = message.strip_prefix("invalid type: ").or_else(|| message.strip_prefix("invalid value: "))?;
    let unexpected = unexpected.split(", expected").next()?;
    let map = node.as_mapping()?;
    let matching: Vec<String> = map
        .iter()
        .filter(|(_, v)| {
            let shown = match v {
                serde_yaml::Value::String(s) => format!("string {s:?}"),
                serde_yaml::Value::Bool(b) => format!("boolean `{b}`"),
                serde_yaml::Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
                serde_yaml::Value::Number(n) => format!("integer `{n}`"),
                _ => return false,
            };
            shown == unexpected
        })
        .filter_map(|(k, _)| key_text(k))
        .collect();
    match matching.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Something that can be found under `#/components/...`.
pub trait Component: Sized {
    /// The `components` section that holds this kind of thing (`schemas`, `parameters`, ...).
    const SECTION: &'static str;
    /// Looks `name` up in that section.
    fn lookup<'a>(doc: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Self>>;
}

macro_rules! component {
    ($ty:ty, $section:literal, $field:ident) => {
        impl Component for $ty {
            const SECTION: &'static str = $section;
            fn lookup<'a>(doc: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Self>> {
                doc.components.as_ref()?.$field.get(name)
            }
        }
    };
}
component!(Schema, "schemas", schemas);
component!(Parameter, "parameters", parameters);
component!(Response, "responses", responses);
component!(RequestBody, "requestBodies", request_bodies);

/// The component name a `#/components/<section>/<name>` `$ref` points to, if it points into `T`'s section.
pub fn ref_target<T: Component>(reference: &str) -> Option<&str> {
    let prefix = format!("#/components/{}/", T::SECTION);
    reference.strip_prefix(prefix.as_str()).filter(|n| !n.is_empty() && !n.contains('/'))
}

/// Follows `$ref`s from `item` (found at `pointer`) to the thing they name. Returns it with the pointer
/// where it really lives, or records a diagnostic for a dangling, foreign or circular reference.
pub fn resolve<'a, T: Component>(
    doc: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Option<(&'a T, String)> {
    let mut current = item;
    let mut at = pointer.to_owned();
    let mut seen: Vec<String> = Vec::new();
    loop {
        match current {
            ReferenceOr::Item(t) => return Some((t, at)),
            ReferenceOr::Reference { reference } => {
                let ref_pointer = diag::child(&at, "$ref");
                let Some(name) = ref_target::<T>(reference) else {
                    diags
                        .error(
                            ref_pointer,
                            format!("`$ref: {reference}` does not point into `#/components/{}`", T::SECTION),
                        )
                        .with_hint("only local references to components are supported");
                    return None;
                };
                if seen.iter().any(|s| s == name) {
                    let mut cycle: Vec<&str> = seen.iter().map(String::as_str).skip_while(|s| *s != name).collect();
                    cycle.push(name);
                    diags
                        .error(
                            ref_pointer,
                            format!(
                                "`$ref`s under `components/{}` form a cycle that never reaches a definition: {}",
                                T::SECTION,
                                cycle.join(" -> ")
                            ),
                        )
                        .with_hint("one of them must be defined inline instead of being another `$ref`");
                    return None;
                }
                seen.push(name.to_owned());
                match T::lookup(doc, name) {
                    Some(next) => {
                        current = next;
                        at = diag::pointer(["components", T::SECTION, name]);
                    }
                    None => {
                        diags
                            .error(ref_pointer, format!("`$ref: {reference}` points to nothing"))
                            .with_hint(format!("define `{name}` under `components/{}`", T::SECTION));
                        return None;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_yaml_reads_as_numbers_still_load() {
        // The parsed value holds the number 1.0, which openapiv3's `String` refuses; the text parse
        // reads the scalar as the string it is written as.
        let text = "openapi: 3.0.3\ninfo: {title: t, version: 1.0}\npaths: {}\n";
        let spec = parse("s.yaml", text).unwrap();
        assert_eq!(spec.doc.info.version, "1.0");
        assert_eq!(spec.raw["info"]["title"], "t");
    }

    #[test]
    fn shape_errors_keep_keys_with_dots_and_slashes_whole() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths:\n  /a.b/{c}:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/vnd.x.2023-01-01+json:\n              schema: 5\n";
        let err = parse("s.yaml", text).unwrap_err();
        let d = &err.items()[0];
        assert_eq!(
            d.pointer, "/paths/~1a.b~1{c}/get/responses/200/content/application~1vnd.x.2023-01-01+json/schema",
            "{err}"
        );
    }

    #[test]
    fn shape_errors_are_narrowed_to_the_broken_key() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths:\n  /x:\n    get:\n      parameters:\n        - {name: a, in: query, required: maybe, schema: {type: string}}\n      responses: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {n: {type: integer, minimum: abc}}}\n";
        let err = parse("s.yaml", text).unwrap_err();
        assert_eq!(err.items()[0].pointer, "/paths/~1x/get/parameters/0/required", "{err}");
        let text = "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {n: {type: integer, minimum: abc}}}\n";
        let err = parse("s.yaml", text).unwrap_err();
        assert_eq!(err.items()[0].pointer, "/components/schemas/A/properties/n/minimum", "{err}");
    }

    #[test]
    fn shape_messages_speak_yaml() {
        assert_eq!(
            shape_message("paths: invalid type: integer `5`, expected struct Paths at line 3 column 8"),
            "invalid type: integer `5`, expected a mapping (an OpenAPI `Paths` object)"
        );
        assert_eq!(yaml_message("did not find expected ',' or ']' at line 10 column 16, while parsing a flow sequence at line 9 column 13"),
            "did not find expected ',' or ']' (while parsing a flow sequence that starts at line 9 column 13)");
    }

    #[test]
    fn reports_yaml_syntax_errors_with_line_and_column() {
        let err = parse("bad.yaml", "openapi: 3.0.3\ninfo: [unclosed\n").unwrap_err();
        let d = &err.items()[0];
        assert!(d.message.starts_with("the file is not valid YAML"), "{}", d.message);
        assert!(d.location.is_some());
    }

    #[test]
    fn rejects_other_versions() {
        let err = parse("s.yaml", "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {}\n").unwrap_err();
        assert_eq!(err.items()[0].pointer, "/openapi");
        let err = parse("s.yaml", "swagger: '2.0'\n").unwrap_err();
        assert_eq!(err.items()[0].pointer, "/swagger");
        assert!(err.items()[0].message.contains("Swagger 2.0"));
        let err = parse("s.yaml", "openapi: 3.0\n").unwrap_err();
        assert!(err.items()[0].message.contains("number"), "{err}");
        assert!(parse("s.yaml", "").is_err());
    }

    #[test]
    fn ref_targets_are_checked_by_section() {
        assert_eq!(ref_target::<Schema>("#/components/schemas/Foo"), Some("Foo"));
        assert_eq!(ref_target::<Schema>("#/components/parameters/Foo"), None);
        assert_eq!(ref_target::<Schema>("other.yaml#/Foo"), None);
    }
}
