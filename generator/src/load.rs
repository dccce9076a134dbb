//! Stage 1: read a spec file, normalise it into OpenAPI 3.0 ([`crate::normalize`]), read that into
//! openapiv3 types, and resolve `$ref`s into it.
//!
//! The file is read into a plain JSON value first ([`crate::normalize::read`]), so a syntax error
//! carries a line and a column; the normaliser checks the version and turns 3.1 and 2.0 into 3.0.
//! openapiv3's model is read from the normalised value. Only when that fails is the error located
//! more precisely: for a YAML 3.0 document the normaliser left as it was, the text is parsed again
//! through `serde_path_to_error`, so a shape error names the JSON pointer of the offending node and
//! its line; otherwise the normalised value is, and the pointer is moved back to where the user wrote
//! the node.

use crate::diag::{self, Diagnostic, Diagnostics, Severity};
use crate::normalize::{self, read::Syntax, Origins, Version};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde::Deserialize;
use serde_json::Value;

/// A loaded spec and the name of the file it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file name used in diagnostics and headers.
    pub file: String,
    /// The parsed document.
    pub doc: OpenAPI,
    /// The normalised document as plain JSON, keywords openapiv3 does not model included, so lowering
    /// can name every keyword it does not turn into code.
    pub raw: serde_json::Value,
    /// Where the nodes the normaliser moved came from, to report later findings at the user's pointer.
    pub origins: Origins,
    /// The warnings of reading and normalising (never errors).
    pub warnings: Diagnostics,
}

impl Spec {
    /// Moves diagnostics about the normalised document (from the lowering) to the file and pointer
    /// the user wrote, and puts the warnings of reading and normalising first.
    pub fn relocate(&self, mut diags: Diagnostics) -> Diagnostics {
        if !self.origins.is_empty() {
            diags.relocate_from(0, |pointer| self.origins.moved(pointer));
        }
        let mut all = self.warnings.clone();
        all.extend(diags);
        all
    }
}

/// Parses `text` (the contents of `file`): JSON when the file name ends in `.json`, YAML otherwise;
/// OpenAPI 3.0, 3.1 or Swagger 2.0.
pub fn parse(file: &str, text: &str) -> Result<Spec, Diagnostics> {
    let mut diags = Diagnostics::new(file);
    let Ok(value) = normalize::read::read(file, text, &mut diags) else { return Err(diags) };
    let text = (Syntax::of(file) == Syntax::Yaml).then_some(text);
    from_value(file, value, text, diags)
}

/// Normalises and loads a document already read from `file` (`text` is its YAML text, when it has
/// one, for line numbers in shape errors); `diags` holds the findings of reading it.
pub fn from_value(file: &str, value: Value, text: Option<&str>, diags: Diagnostics) -> Result<Spec, Diagnostics> {
    from_origins(file, value, text, Origins::new(file), diags)
}

/// Reads the description whose root file is `path` (named `file` in diagnostics and headers), with
/// every local file its `$ref`s lead to ([`normalize::bundle`]).
pub fn read_path(path: &std::path::Path, file: &str) -> Result<Spec, Diagnostics> {
    let mut diags = Diagnostics::new(file);
    let Ok((value, origins)) = normalize::bundle::bundle(path, file, &mut diags) else { return Err(diags) };
    // A document in one file keeps the text's lines in shape errors.
    let text = match origins.is_empty() && Syntax::of(file) == Syntax::Yaml {
        true => std::fs::read_to_string(path).ok(),
        false => None,
    };
    from_origins(file, value, text.as_deref(), origins, diags)
}

/// [`from_value`] for a document whose nodes already have origins (one bundled from several files).
fn from_origins(
    file: &str,
    value: Value,
    text: Option<&str>,
    origins: Origins,
    mut diags: Diagnostics,
) -> Result<Spec, Diagnostics> {
    let version = normalize::detect(&value);
    let before = diags.len();
    let Ok((raw, origins)) = normalize::normalize_from(value, origins, &mut diags) else { return Err(diags) };
    // Whether `raw` is the text's document as written: only then do the text's lines and its
    // scalars (a string field holding a YAML number, `version: 1.0`) say something about `raw`.
    let as_written = version == Some(Version::OpenApi30) && diags.len() == before && origins.is_empty();
    // openapiv3 has `expect`s in its deserializers; a panic there must not take the caller down.
    let fast = std::panic::catch_unwind(|| OpenAPI::deserialize(&raw));
    if let Ok(Ok(doc)) = fast {
        return Ok(Spec { file: file.to_owned(), doc, raw, origins, warnings: diags });
    }
    let text = text.filter(|_| as_written);
    // The text parse accepts scalars the value parse refuses (`version: 1.0` into a string); when the
    // text is the document as written, its outcome is the authoritative one.
    let parsed = std::panic::catch_unwind(|| match text {
        Some(text) => {
            serde_path_to_error::deserialize::<_, OpenAPI>(serde_yaml::Deserializer::from_str(text)).map_err(|e| {
                (e.inner().to_string(), e.inner().location().map(|l| (l.line(), l.column())), segment_tokens(e.path()))
            })
        }
        None => serde_path_to_error::deserialize::<_, OpenAPI>(&raw)
            .map_err(|e| (e.inner().to_string(), None, segment_tokens(e.path()))),
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
        Ok(doc) => Ok(Spec { file: file.to_owned(), doc, raw, origins, warnings: diags }),
        Err((message, location, reported)) => {
            let message = shape_message(&message);
            // serde loses track of the path inside flattened and untagged types (path items, schemas,
            // parameters), so the reported node may be an ancestor of the broken one: narrow it down.
            let tokens = narrow(&raw, reported.clone(), &message);
            // The parser's location is that of the reported node; keep it only when that is the node
            // the pointer names.
            let location = if tokens == reported { location } else { None };
            let (file, pointer) = origins.resolve(&diag::pointer(&tokens));
            diags.add(Diagnostic {
                severity: Severity::Error,
                message: format!("the document does not match the OpenAPI 3.0 schema: {message}"),
                file,
                pointer,
                location,
                hint: None,
            });
            Err(diags)
        }
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
    fn fails(self, value: &Value) -> bool {
        use openapiv3::{Header, MediaType, Operation, PathItem};
        fn bad<'a, T: serde::Deserialize<'a>>(value: &'a Value) -> bool {
            std::panic::catch_unwind(|| T::deserialize(value).is_err()).unwrap_or(true)
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
            Node::Schema if value.is_boolean() => false,
            Node::Schema => bad::<ReferenceOr<Schema>>(value),
            Node::Paths
            | Node::Responses
            | Node::Content
            | Node::Headers
            | Node::Schemas
            | Node::Parameters
            | Node::ResponseMap
            | Node::RequestBodies => match value.as_object() {
                Some(map) => map.iter().any(|(k, v)| self.child(k).is_some_and(|kind| kind.fails(v))),
                None => true,
            },
            Node::ParameterList | Node::SchemaList => match value.as_array() {
                Some(items) => items.iter().any(|v| self.child("").is_some_and(|kind| kind.fails(v))),
                None => true,
            },
        }
    }
}

/// Descends from the node serde reported (`tokens`) to the deepest node that still fails to
/// deserialize, then, when `message` quotes the offending scalar, to the key that holds it.
fn narrow(root: &Value, mut tokens: Vec<String>, message: &str) -> Vec<String> {
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

fn child_value<'a>(node: &'a Value, token: &str) -> Option<&'a Value> {
    match node {
        Value::Object(map) => map.get(token),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

fn children(node: &Value) -> Vec<(String, &Value)> {
    match node {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => Vec::new(),
    }
}

/// For `invalid type: string "abc", expected ...`, the one key of `node` whose scalar value is the
/// quoted one.
fn quoted_scalar_key(node: &Value, message: &str) -> Option<String> {
    let unexpected = message.strip_prefix("invalid type: ").or_else(|| message.strip_prefix("invalid value: "))?;
    let unexpected = unexpected.split(", expected").next()?;
    let map = node.as_object()?;
    let matching: Vec<String> = map
        .iter()
        .filter(|(_, v)| {
            let shown = match v {
                Value::String(s) => format!("string {s:?}"),
                Value::Bool(b) => format!("boolean `{b}`"),
                Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
                Value::Number(n) => format!("integer `{n}`"),
                _ => return false,
            };
            shown == unexpected
        })
        .map(|(k, _)| k.clone())
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
        assert_eq!(crate::normalize::read::yaml_message("did not find expected ',' or ']' at line 10 column 16, while parsing a flow sequence at line 9 column 13"),
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
    fn rejects_versions_it_does_not_read() {
        let err = parse("s.yaml", "openapi: 4.0.0\ninfo: {title: t, version: v}\npaths: {}\n").unwrap_err();
        assert_eq!(err.items()[0].pointer, "/openapi");
        let err = parse("s.yaml", "swagger: '1.2'\n").unwrap_err();
        assert_eq!(err.items()[0].pointer, "/swagger");
        let err = parse("s.yaml", "openapi: 3.0\n").unwrap_err();
        assert!(err.items()[0].message.contains("number"), "{err}");
        assert!(parse("s.yaml", "").is_err());
    }

    #[test]
    fn reads_openapi_3_1_and_json() {
        let spec = parse("s.yaml", "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {}\n").unwrap();
        assert_eq!(spec.doc.openapi, "3.0.3");
        let spec =
            parse("s.json", r#"{"openapi": "3.0.3", "info": {"title": "\ud83d\ude00", "version": "v"}, "paths": {}}"#)
                .unwrap();
        assert_eq!(spec.doc.info.title, "\u{1f600}");
    }

    #[test]
    fn ref_targets_are_checked_by_section() {
        assert_eq!(ref_target::<Schema>("#/components/schemas/Foo"), Some("Foo"));
        assert_eq!(ref_target::<Schema>("#/components/parameters/Foo"), None);
        assert_eq!(ref_target::<Schema>("other.yaml#/Foo"), None);
    }
}
