//! A description split over several files, as one document.
//!
//! Starting from the root file, every `$ref` to another file (`schemas/pet.yaml`,
//! `../common.yaml#/components/parameters/limit`, `./intro.md`) is resolved from the folder of the file
//! that holds it. What it points to lands in the root document:
//!
//! - where the OpenAPI version has a components section for that kind of node (a schema, parameter,
//!   response, request body, header, example, link, callback or security scheme; Swagger 2.0 has
//!   `definitions`, `parameters` and `responses`), under a name derived from the file name and the
//!   fragment (`pet`, `limit`; a clash with another node of the same name gets the file's name in
//!   front, then a number), and the `$ref` is rewritten to point there; a root component that is
//!   nothing but a `$ref` to another file gives its name to what it points to;
//! - anywhere else (a whole path item, a `description`), in place of the `$ref`; a file that is neither
//!   JSON nor YAML (Markdown) is inlined as its text.
//!
//! Cycles across files are fine for components (a name is given before the node is read); a cycle of
//! inlined nodes has no finite form and is an error. `$ref`s inside `x-` extensions are left alone,
//! and a remote (`http:`/`https:`) reference is refused: codegen reads local files only. Every lifted or
//! inlined node is recorded in [`Origins`], so later diagnostics name the file and pointer it came from.

use super::origin::Origins;
use super::read::read_bytes;
use crate::diag::{child, Diagnostics};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// Reads the description whose root file is `root` (shown as `display` in diagnostics and origins)
/// with every file it refers to, as one document. `Err` when an error was recorded in `diags`.
pub fn bundle(root: &Path, display: &str, diags: &mut Diagnostics) -> Result<(Value, Origins), super::output::Refused> {
    let bytes = match std::fs::read(root) {
        Ok(bytes) => bytes,
        Err(e) => {
            diags.error_in(display, "", format!("cannot read the file: {e}"));
            return Err(super::output::Refused);
        }
    };
    let doc = read_bytes(display, &bytes, diags)?;
    let root_dir = root.parent().unwrap_or_else(|| Path::new("")).to_path_buf();
    let root_file = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let display_dir = parent(display);
    let mut bundler = Bundler {
        root_dir,
        root_file,
        display_dir,
        root_display: display.to_owned(),
        swagger2: doc.get("swagger").is_some(),
        files: BTreeMap::new(),
        names: BTreeMap::new(),
        taken: BTreeMap::new(),
        queue: VecDeque::new(),
        inlining: Vec::new(),
        origins: Origins::new(display),
        diags,
        failed: false,
    };
    let doc = bundler.run(doc);
    let Bundler { origins, failed, .. } = bundler;
    if failed {
        Err(super::output::Refused)
    } else {
        Ok((doc, origins))
    }
}

/// The kind of node a `$ref` stands for, known from where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
    Encodings,
    Encoding,
    Headers,
    Header,
    Examples,
    Example,
    Links,
    Link,
    Callbacks,
    Callback,
    Components,
    SecuritySchemes,
    SecurityScheme,
    /// A map of names to schemas (`properties`, `components/schemas`, `definitions`).
    Schemas,
    SchemaList,
    Schema,
    /// A map of names to parameters, responses or request bodies (a components section).
    Parameters,
    ResponseMap,
    RequestBodies,
    PathItems,
    /// Anything else (`info`, `tags`, a `description`): a `$ref` here is inlined.
    Other,
}

impl Kind {
    /// The kind of the child `key` of a node of this kind.
    fn child(self, key: &str) -> Kind {
        use Kind::*;
        match (self, key) {
            (Document, "paths" | "webhooks") => Paths,
            (Document, "components") => Components,
            (Document, "definitions") => Schemas,
            (Document, "parameters") => Parameters,
            (Document, "responses") => ResponseMap,
            (Document, "securityDefinitions") => SecuritySchemes,
            (Paths | PathItems, _) => PathItem,
            (PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => Operation,
            (PathItem | Operation, "parameters") => ParameterList,
            (ParameterList | Parameters, _) => Parameter,
            (Operation, "requestBody") => RequestBody,
            (Operation, "responses") => Responses,
            (Operation, "callbacks") | (Components, "callbacks") => Callbacks,
            (Callbacks, _) => Callback,
            (Callback, _) => PathItem,
            (Responses | ResponseMap, _) => Response,
            (Response | RequestBody | Parameter | Header, "content") => Content,
            (Content, _) => MediaType,
            (MediaType, "encoding") => Encodings,
            (Encodings, _) => Encoding,
            (Response | Encoding, "headers") | (Components, "headers") => Headers,
            (Headers, _) => Header,
            (Response, "links") | (Components, "links") => Links,
            (Links, _) => Link,
            (MediaType | Parameter | Header, "examples") | (Components, "examples") => Examples,
            (Examples, _) => Example,
            (MediaType | Parameter | Header | Response, "schema") => Schema,
            (Components, "schemas") => Schemas,
            (Components, "parameters") => Parameters,
            (Components, "responses") => ResponseMap,
            (Components, "requestBodies") => RequestBodies,
            (Components, "securitySchemes") => SecuritySchemes,
            (Components, "pathItems") => PathItems,
            (RequestBodies, _) => RequestBody,
            (SecuritySchemes, _) => SecurityScheme,
            (Schemas, _) => Schema,
            (Schema, "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas") => Schemas,
            (
                Schema,
                "items"
                | "not"
                | "additionalProperties"
                | "additionalItems"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "unevaluatedItems"
                | "unevaluatedProperties",
            ) => Schema,
            (Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => SchemaList,
            (SchemaList, _) => Schema,
            _ => Other,
        }
    }

    /// Whether the keys of a node of this kind are names (where `x-name` is a name, not an extension).
    fn names_children(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Schemas
                | Parameters
                | ResponseMap
                | RequestBodies
                | Headers
                | Examples
                | Links
                | Callbacks
                | SecuritySchemes
                | Content
                | Encodings
                | PathItems
                | ParameterList
                | SchemaList
        )
    }

    /// The components section a node of this kind is lifted into (`None`: it is inlined).
    fn section(self, swagger2: bool) -> Option<&'static str> {
        use Kind::*;
        if swagger2 {
            return match self {
                Schema => Some("definitions"),
                Parameter => Some("parameters"),
                Response => Some("responses"),
                _ => None,
            };
        }
        Some(match self {
            Schema => "schemas",
            Parameter => "parameters",
            Response => "responses",
            RequestBody => "requestBodies",
            Header => "headers",
            Example => "examples",
            Link => "links",
            Callback => "callbacks",
            SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }
}

/// A node waiting to be copied into the root document's components.
struct Lifted {
    file: String,
    fragment: String,
    kind: Kind,
    section: &'static str,
    name: String,
}

struct Bundler<'a> {
    /// The root file's folder on disk, which every file path is relative to.
    root_dir: std::path::PathBuf,
    /// The root file's name in that folder.
    root_file: String,
    /// The same folder as diagnostics show it.
    display_dir: String,
    root_display: String,
    swagger2: bool,
    /// Each file read so far, by its path relative to the root file's folder (`None`: unreadable).
    files: BTreeMap<String, Option<Value>>,
    /// The name each lifted node got, by (file, fragment, section), and whether it is queued for
    /// copying yet (a root alias is named before it is reached).
    names: BTreeMap<(String, String, &'static str), (String, bool)>,
    /// The names in use in each section.
    taken: BTreeMap<&'static str, BTreeSet<String>>,
    queue: VecDeque<Lifted>,
    /// The nodes being inlined, outermost first, to catch a cycle.
    inlining: Vec<(String, String)>,
    origins: Origins,
    diags: &'a mut Diagnostics,
    failed: bool,
}

/// Where a node being walked was read from: the file (relative to the root's folder, `""` for the
/// root) and the pointer in it.
#[derive(Clone)]
struct Source {
    file: String,
    pointer: String,
}

impl Bundler<'_> {
    fn run(&mut self, mut doc: Value) -> Value {
        // Names the root document already uses are taken; a root component that only refers to
        // another file gives its name to what it refers to.
        for (section, names) in self.section_names(&doc) {
            self.taken.entry(section).or_default().extend(names);
        }
        self.claim_root_aliases(&doc);
        let root = Source { file: self.root_file.clone(), pointer: String::new() };
        self.walk(&mut doc, Kind::Document, &root, "");
        while let Some(lifted) = self.queue.pop_front() {
            let Some(mut node) = self.target(&lifted.file, &lifted.fragment) else { continue };
            let out = self.section_pointer(lifted.section, &lifted.name);
            let display = self.display(&lifted.file);
            self.origins.record(out.clone(), &display, &lifted.fragment);
            let source = Source { file: lifted.file.clone(), pointer: lifted.fragment.clone() };
            self.walk(&mut node, lifted.kind, &source, &out);
            self.place(&mut doc, lifted.section, lifted.name, node);
        }
        doc
    }

    /// The sections of components this version has.
    fn sections(&self) -> &'static [&'static str] {
        if self.swagger2 {
            &["definitions", "parameters", "responses"]
        } else {
            &[
                "schemas",
                "parameters",
                "responses",
                "requestBodies",
                "headers",
                "examples",
                "links",
                "callbacks",
                "securitySchemes",
            ]
        }
    }

    fn section_map<'v>(&self, doc: &'v Value, section: &str) -> Option<&'v Map<String, Value>> {
        let map = if self.swagger2 { doc.get(section) } else { doc.get("components").and_then(|c| c.get(section)) };
        map.and_then(Value::as_object)
    }

    /// Each section of the root document with the names it holds.
    fn section_names(&self, doc: &Value) -> Vec<(&'static str, Vec<String>)> {
        self.sections()
            .iter()
            .map(|section| {
                let names = self.section_map(doc, section).map(|m| m.keys().cloned().collect()).unwrap_or_default();
                (*section, names)
            })
            .collect()
    }

    /// A root component `Name: {$ref: other.yaml#/X}` gives the node it refers to the name `Name`;
    /// the node is copied there in place of the `$ref`.
    fn claim_root_aliases(&mut self, doc: &Value) {
        for section in self.sections() {
            let Some(map) = self.section_map(doc, section) else { continue };
            let mut claims = Vec::new();
            for (name, node) in map {
                let Some((path, fragment)) = pure_ref(node).and_then(split_ref) else { continue };
                if path.is_empty() || is_remote(path) || !is_document(path) {
                    continue;
                }
                let file = normalize_path(path);
                if file != self.root_file {
                    claims.push(((file, fragment, *section), name.clone()));
                }
            }
            for (key, name) in claims {
                self.names.entry(key).or_insert((name, false));
            }
        }
    }

    fn walk(&mut self, node: &mut Value, kind: Kind, source: &Source, out: &str) {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            // A `$ref` that is a property's name (`properties: {$ref: {type: string}}`) is no reference.
            // But a lone `$ref` whose value is a string cannot be a property (a property is a schema,
            // an object): it stands for the whole map, written in another file (DigitalOcean's
            // `properties: {$ref: 'models/attributes.yml#/load_balancer_droplet_ids'}`).
            let lone = node.as_object().is_some_and(|map| map.len() == 1);
            if kind.names_children() && !lone {
                self.walk_children(node, kind, source, out);
            } else {
                if kind.names_children() {
                    let file = self.display(&source.file);
                    self.diags
                        .warning_in(
                            &file,
                            &child(&source.pointer, "$ref"),
                            format!("`$ref: {reference}` stands where a map of names is expected; read as that whole map"),
                        )
                        .with_hint("a `$ref` replaces a single object; write it on each entry, or on the schema that holds the map");
                }
                self.reference(node, &reference, kind, source, out);
            }
            return;
        }
        self.walk_children(node, kind, source, out);
    }

    fn walk_children(&mut self, node: &mut Value, kind: Kind, source: &Source, out: &str) {
        match node {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if key.starts_with("x-") && !kind.names_children() {
                        continue;
                    }
                    let at = Source { file: source.file.clone(), pointer: child(&source.pointer, key) };
                    self.walk(value, kind.child(key), &at, &child(out, key));
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter_mut().enumerate() {
                    let key = i.to_string();
                    let at = Source { file: source.file.clone(), pointer: child(&source.pointer, &key) };
                    self.walk(value, kind.child(&key), &at, &child(out, &key));
                }
            }
            _ => {}
        }
    }

    /// Resolves the `$ref` object `node` (of `kind`, read at `source`, written at `out`).
    fn reference(&mut self, node: &mut Value, reference: &str, kind: Kind, source: &Source, out: &str) {
        let ref_at = child(&source.pointer, "$ref");
        let referrer = self.display(&source.file);
        if is_remote(reference) {
            self.failed = true;
            self.diags
                .error_in(
                    &referrer,
                    &ref_at,
                    format!("`$ref: {reference}` is a remote reference; atlas-codegen reads only local files"),
                )
                .with_hint("vendor it: download the file next to the spec and refer to it by a relative path (`$ref: ./pet.yaml#/Pet`)");
            return;
        }
        let Some((path, fragment)) = split_ref(reference) else {
            self.failed = true;
            self.diags
                .error_in(&referrer, &ref_at, format!("`$ref: {reference}` has a fragment that is not a JSON pointer"))
                .with_hint("write the part after `#` as a JSON pointer, such as `#/components/schemas/Pet`");
            return;
        };
        let file =
            if path.is_empty() { source.file.clone() } else { normalize_path(&join(&parent(&source.file), path)) };
        if file == self.root_file {
            // Into the root document: a local reference there (which the later stages resolve).
            if !path.is_empty() {
                set_ref(node, format!("#{}", escape_fragment(&fragment)));
            }
            return;
        }
        let display = self.display(&file);
        if !is_document(&file) {
            // A Markdown (or other text) file stands for its text.
            self.origins.note_source(self.root_dir.join(&file));
            match std::fs::read(self.root_dir.join(&file)) {
                Ok(bytes) => {
                    *node = Value::String(String::from_utf8_lossy(&bytes).into_owned());
                    self.origins.record(out, &display, "");
                }
                Err(e) => self.missing(&referrer, &ref_at, reference, &display, &e),
            }
            return;
        }
        if !self.load(&file, &referrer, &ref_at, reference) {
            return;
        }
        if self.target(&file, &fragment).is_none() {
            self.failed = true;
            self.diags
                .error_in(
                    &referrer,
                    &ref_at,
                    format!("`$ref: {reference}` points to nothing: `{display}` has no node at `#{fragment}`"),
                )
                .with_hint("check the part after `#` against the file's structure");
            return;
        }
        match kind.section(self.swagger2) {
            Some(section) => {
                let name = self.name(&file, &fragment, kind, section);
                let target = if self.swagger2 {
                    format!("#/{section}/{}", escape_token(&name))
                } else {
                    format!("#/components/{section}/{}", escape_token(&name))
                };
                set_ref(node, target);
            }
            None => {
                let key = (file.clone(), fragment.clone());
                if self.inlining.contains(&key) {
                    self.failed = true;
                    self.diags
                        .error_in(
                            &referrer,
                            &ref_at,
                            format!(
                                "`$ref: {reference}` is part of a cycle of references that never reaches a definition"
                            ),
                        )
                        .with_hint("a path item (or another node that is copied in place) cannot contain itself");
                    return;
                }
                let Some(mut target) = self.target(&file, &fragment) else { return };
                self.origins.record(out, &display, &fragment);
                self.inlining.push(key);
                let at = Source { file, pointer: fragment };
                self.walk(&mut target, kind, &at, out);
                self.inlining.pop();
                *node = target;
            }
        }
    }

    /// The name of the node at `fragment` of `file` in `section`; given now (and the node queued for
    /// copying) when it has none yet.
    fn name(&mut self, file: &str, fragment: &str, kind: Kind, section: &'static str) -> String {
        let key = (file.to_owned(), fragment.to_owned(), section);
        let lifted = |name: &str| Lifted {
            file: file.to_owned(),
            fragment: fragment.to_owned(),
            kind,
            section,
            name: name.to_owned(),
        };
        if let Some((name, queued)) = self.names.get_mut(&key) {
            let name = name.clone();
            if !*queued {
                *queued = true;
                self.queue.push_back(lifted(&name));
            }
            return name;
        }
        let taken = self.taken.entry(section).or_default();
        let stem = sanitize(&file_stem(file));
        let last = fragment.rsplit('/').next().map(unescape).filter(|t| !t.is_empty());
        let readable = last.as_deref().map(sanitize).unwrap_or_else(|| stem.clone());
        let mut candidates = vec![readable.clone()];
        if last.is_some() && stem != readable {
            candidates.push(format!("{stem}_{readable}"));
        }
        let name = match candidates.into_iter().find(|c| !taken.contains(c)) {
            Some(name) => name,
            None => (2..).map(|n| format!("{readable}_{n}")).find(|c| !taken.contains(c)).unwrap_or_default(),
        };
        taken.insert(name.clone());
        self.names.insert(key, (name.clone(), true));
        self.queue.push_back(lifted(&name));
        name
    }

    /// Reads `file` (once); `false` (with an error naming the referring file and pointer) when it
    /// cannot be read.
    fn load(&mut self, file: &str, referrer: &str, ref_at: &str, reference: &str) -> bool {
        if let Some(loaded) = self.files.get(file) {
            return loaded.is_some();
        }
        let display = self.display(file);
        self.origins.note_source(self.root_dir.join(file));
        let loaded = match std::fs::read(self.root_dir.join(file)) {
            Ok(bytes) => read_bytes(&display, &bytes, self.diags).ok(),
            Err(e) => {
                self.missing(referrer, ref_at, reference, &display, &e);
                None
            }
        };
        if loaded.is_none() {
            self.failed = true;
        }
        let ok = loaded.is_some();
        self.files.insert(file.to_owned(), loaded);
        ok
    }

    fn missing(&mut self, referrer: &str, ref_at: &str, reference: &str, display: &str, e: &std::io::Error) {
        self.failed = true;
        let what = if e.kind() == std::io::ErrorKind::NotFound {
            "does not exist".to_owned()
        } else {
            format!("cannot be read ({e})")
        };
        self.diags
            .error_in(referrer, ref_at, format!("`$ref: {reference}` refers to `{display}`, which {what}"))
            .with_hint("a relative `$ref` is resolved from the folder of the file that contains it");
    }

    /// The node at `fragment` of an already loaded `file`.
    fn target(&self, file: &str, fragment: &str) -> Option<Value> {
        self.files.get(file)?.as_ref()?.pointer(fragment).cloned()
    }

    /// `file` (relative to the root's folder) as diagnostics show it.
    fn display(&self, file: &str) -> String {
        if file == self.root_file {
            return self.root_display.clone();
        }
        normalize_path(&join(&self.display_dir, file))
    }

    fn section_pointer(&self, section: &str, name: &str) -> String {
        if self.swagger2 {
            crate::diag::pointer([section, name])
        } else {
            crate::diag::pointer(["components", section, name])
        }
    }

    /// Puts a lifted node into its section of the root document (in place of a root alias).
    fn place(&self, doc: &mut Value, section: &str, name: String, node: Value) {
        let Value::Object(root) = doc else { return };
        let holder = if self.swagger2 {
            root
        } else {
            match root.entry("components").or_insert_with(|| Value::Object(Map::new())) {
                Value::Object(components) => components,
                _ => return,
            }
        };
        if let Value::Object(map) = holder.entry(section).or_insert_with(|| Value::Object(Map::new())) {
            map.insert(name, node);
        }
    }
}

/// The `$ref` of a node that is nothing but a `$ref`.
fn pure_ref(node: &Value) -> Option<&str> {
    let map = node.as_object()?;
    (map.len() == 1).then(|| map.get("$ref")?.as_str()).flatten()
}

/// A reference's file path and its fragment as a JSON pointer (percent-decoded); `None` when the
/// fragment is not a pointer.
fn split_ref(reference: &str) -> Option<(&str, String)> {
    let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let fragment = percent_decode(fragment);
    (fragment.is_empty() || fragment.starts_with('/')).then_some((path, fragment))
}

fn is_remote(reference: &str) -> bool {
    let lower = reference.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// Whether a file holds a JSON or YAML document (rather than text to inline).
fn is_document(file: &str) -> bool {
    let path = file.split(['?', '#']).next().unwrap_or(file).to_ascii_lowercase();
    [".yaml", ".yml", ".json"].iter().any(|ext| path.ends_with(ext))
}

/// The folder part of a `/`-separated path (`""` for a bare file name).
fn parent(path: &str) -> String {
    path.rsplit_once('/').map(|(dir, _)| dir.to_owned()).unwrap_or_default()
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{dir}/{path}")
    }
}

/// `a/./b/../c` as `a/c`, lexically (`..` beyond the start is kept).
fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A file's name without its folder and extension: the readable part of a lifted node's name.
fn file_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.split_once('.').map(|(stem, _)| stem).unwrap_or(name).to_owned()
}

/// A component name (OpenAPI allows `A-Z a-z 0-9 . - _`).
fn sanitize(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if cleaned.is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
}

fn set_ref(node: &mut Value, reference: String) {
    if let Some(map) = node.as_object_mut() {
        map.insert("$ref".into(), Value::String(reference));
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A pointer as a URI fragment: the characters a fragment cannot hold, percent-encoded.
fn escape_fragment(pointer: &str) -> String {
    let mut out = String::new();
    for byte in pointer.bytes() {
        match byte {
            b'{' | b'}' | b' ' | b'%' | b'"' | b'<' | b'>' | b'^' | b'`' | b'|' | b'\\' => {
                out.push_str(&format!("%{byte:02X}"))
            }
            _ => out.push(byte as char),
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    /// Writes `files` (path, contents) into a fresh folder for `test` and returns it.
    fn folder(test: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("atlas-codegen-bundle-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, contents) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        dir
    }

    fn run(
        test: &str,
        files: &[(&str, &str)],
    ) -> (Result<(Value, Origins), super::super::output::Refused>, Diagnostics) {
        let dir = folder(test, files);
        let mut diags = Diagnostics::new("spec/api.yaml");
        let result = bundle(&dir.join("api.yaml"), "spec/api.yaml", &mut diags);
        let _ = std::fs::remove_dir_all(&dir);
        (result, diags)
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn the_multi_file_fixture_bundles() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/multi_file");
        let mut diags = Diagnostics::new("multi_file/openapi.yaml");
        let (doc, origins) = bundle(&dir.join("openapi.yaml"), "multi_file/openapi.yaml", &mut diags).unwrap();
        assert!(diags.items().is_empty(), "{diags}");
        let schemas: Vec<&String> = doc["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["Pet", "owner", "ProblemBody", "new_pet"]);
        assert_eq!(doc["paths"]["/pets/{petId}"]["parameters"][0]["$ref"], "#/components/parameters/petId");
        assert_eq!(
            origins.resolve("/components/schemas/owner/properties/pets"),
            ("multi_file/schemas/owner.yaml".to_owned(), "/properties/pets".to_owned())
        );
        // The root's alias `Pet: {$ref: ./schemas/pet.yaml}` now holds the schema itself.
        assert_eq!(
            origins.resolve("/components/schemas/Pet/type"),
            ("multi_file/schemas/pet.yaml".to_owned(), "/type".to_owned())
        );
    }

    #[test]
    fn a_lone_ref_in_a_properties_map_is_read_as_the_whole_map_with_a_warning() {
        let (result, diags) = run(
            "lone-ref-map",
            &[
                (
                    "api.yaml",
                    &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      properties:\n        $ref: 'attrs.yaml#/ids'\n    B:\n      properties:\n        $ref: {{type: string}}\n"),
                ),
                ("attrs.yaml", "ids:\n  droplet_ids: {type: array, items: {type: integer}}\n"),
            ],
        );
        let schemas = result.unwrap_or_else(|_| panic!("{diags}")).0["components"]["schemas"].clone();
        assert_eq!(schemas["A"]["properties"]["droplet_ids"]["type"], "array");
        // A property named `$ref` whose schema is an object stays a property.
        assert_eq!(schemas["B"]["properties"]["$ref"]["type"], "string");
        let warnings: Vec<_> = diags.items().iter().map(|d| (d.pointer.clone(), d.message.clone())).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].0, "/components/schemas/A/properties/$ref");
        assert!(warnings[0].1.contains("read as that whole map"), "{warnings:?}");
    }

    #[test]
    fn a_document_in_one_file_is_unchanged() {
        let text = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200': {{$ref: '#/components/responses/R'}}\n"
        );
        let (result, diags) = run("one", &[("api.yaml", &text)]);
        let (doc, origins) = result.unwrap();
        assert!(diags.items().is_empty());
        assert!(origins.is_empty());
        assert_eq!(doc["paths"]["/a"]["get"]["responses"]["200"]["$ref"], "#/components/responses/R");
    }

    #[test]
    fn schemas_in_other_files_become_components_named_after_file_and_fragment() {
        let api = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      properties:\n        b: {{$ref: 'models/b.yaml'}}\n        c: {{$ref: 'models/common.json#/definitions/C'}}\n        d: {{$ref: './models/../models/common.json#/definitions/C'}}\n"
        );
        let (result, diags) = run(
            "schemas",
            &[
                ("api.yaml", &api),
                ("models/b.yaml", "type: object\nproperties:\n  c: {$ref: 'common.json#/definitions/C'}\n"),
                ("models/common.json", r#"{"definitions": {"C": {"type": "string", "x-r": {"$ref": "gone.yaml"}}}}"#),
            ],
        );
        let (doc, origins) = result.unwrap();
        assert!(diags.items().is_empty(), "{diags}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["A"]["properties"]["b"]["$ref"], "#/components/schemas/b");
        assert_eq!(schemas["A"]["properties"]["c"]["$ref"], "#/components/schemas/C");
        assert_eq!(schemas["A"]["properties"]["d"]["$ref"], "#/components/schemas/C");
        assert_eq!(schemas["b"]["properties"]["c"]["$ref"], "#/components/schemas/C");
        // `$ref`s in extensions are left as they are.
        assert_eq!(schemas["C"], serde_json::json!({"type": "string", "x-r": {"$ref": "gone.yaml"}}));
        assert_eq!(
            origins.resolve("/components/schemas/C/type"),
            ("spec/models/common.json".to_owned(), "/definitions/C/type".to_owned())
        );
        assert_eq!(origins.resolve("/components/schemas/b"), ("spec/models/b.yaml".to_owned(), String::new()));
    }

    #[test]
    fn names_that_clash_get_the_file_name_then_a_number() {
        let api = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Pet: {{type: object}}\n    A:\n      properties:\n        p: {{$ref: 'x.yaml#/Pet'}}\n        q: {{$ref: 'y.yaml#/Pet'}}\n        r: {{$ref: 'x/y.yaml#/Pet'}}\n"
        );
        let pet = "Pet: {type: string}\n";
        let files = [("api.yaml", api.as_str()), ("x.yaml", pet), ("y.yaml", pet), ("x/y.yaml", pet)];
        let (result, _) = run("clash", &files);
        let props = result.unwrap().0["components"]["schemas"]["A"]["properties"].clone();
        assert_eq!(props["p"]["$ref"], "#/components/schemas/x_Pet");
        assert_eq!(props["q"]["$ref"], "#/components/schemas/y_Pet");
        assert_eq!(props["r"]["$ref"], "#/components/schemas/Pet_2");
        // The same input gives the same names.
        let (again, _) = run("clash", &files);
        assert_eq!(again.unwrap().0["components"]["schemas"]["A"]["properties"], props);
    }

    #[test]
    fn cycles_across_files_resolve_to_components() {
        let api = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'a.yaml'}}\n");
        let (result, diags) = run(
            "cycle",
            &[
                ("api.yaml", &api),
                ("a.yaml", "properties:\n  b: {$ref: 'b.yaml'}\n"),
                ("b.yaml", "properties:\n  a: {$ref: 'a.yaml'}\n"),
            ],
        );
        let (doc, _) = result.unwrap();
        assert!(diags.items().is_empty(), "{diags}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["A"]["properties"]["b"]["$ref"], "#/components/schemas/b");
        assert_eq!(schemas["b"]["properties"]["a"]["$ref"], "#/components/schemas/A");
    }

    #[test]
    fn path_items_and_markdown_are_inlined_and_parameters_responses_lifted() {
        let api = format!(
            "{HEAD}tags:\n  - name: t\n    description: {{$ref: 'docs/t.md'}}\npaths:\n  /a: {{$ref: 'paths/a.yaml'}}\n"
        );
        let (result, diags) = run(
            "inline",
            &[
                ("api.yaml", &api),
                ("docs/t.md", "# T\n\nAbout t.\n"),
                (
                    "paths/a.yaml",
                    "get:\n  parameters: [{$ref: '../common.yaml#/limit'}]\n  requestBody: {$ref: '../common.yaml#/body'}\n  responses:\n    '200': {$ref: '../common.yaml#/ok'}\n",
                ),
                (
                    "common.yaml",
                    "limit: {name: limit, in: query, schema: {type: integer}}\nbody: {content: {application/json: {schema: {$ref: '#/S'}}}}\nok: {description: ok}\nS: {type: string}\n",
                ),
            ],
        );
        let (doc, origins) = result.unwrap();
        assert!(diags.items().is_empty(), "{diags}");
        assert_eq!(doc["tags"][0]["description"], "# T\n\nAbout t.\n");
        let get = &doc["paths"]["/a"]["get"];
        assert_eq!(get["parameters"][0]["$ref"], "#/components/parameters/limit");
        assert_eq!(get["requestBody"]["$ref"], "#/components/requestBodies/body");
        assert_eq!(get["responses"]["200"]["$ref"], "#/components/responses/ok");
        let components = &doc["components"];
        assert_eq!(
            components["requestBodies"]["body"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/S"
        );
        assert_eq!(components["schemas"]["S"]["type"], "string");
        assert_eq!(
            origins.resolve("/paths/~1a/get/responses"),
            ("spec/paths/a.yaml".to_owned(), "/get/responses".to_owned())
        );
        assert_eq!(origins.resolve("/tags/0/description"), ("spec/docs/t.md".to_owned(), String::new()));
    }

    #[test]
    fn swagger_2_documents_lift_into_definitions_parameters_and_responses() {
        let api = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{$ref: 'c.yaml#/p'}]\n      responses:\n        '200': {description: ok, schema: {$ref: 'c.yaml#/S'}}\n";
        let (result, _) = run(
            "swagger",
            &[("api.yaml", api), ("c.yaml", "p: {name: p, in: query, type: string}\nS: {type: string}\n")],
        );
        let (doc, _) = result.unwrap();
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0]["$ref"], "#/parameters/p");
        assert_eq!(doc["paths"]["/a"]["get"]["responses"]["200"]["schema"]["$ref"], "#/definitions/S");
        assert_eq!(doc["definitions"]["S"]["type"], "string");
        assert_eq!(doc["parameters"]["p"]["name"], "p");
    }

    fn errors(diags: &Diagnostics) -> Vec<(String, String)> {
        diags
            .items()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.file.clone(), d.pointer.clone()))
            .collect()
    }

    #[test]
    fn a_remote_reference_is_refused_with_how_to_vendor_it() {
        let api = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'b.yaml'}}\n");
        let (result, diags) =
            run("remote", &[("api.yaml", &api), ("b.yaml", "items: {$ref: 'https://example.com/s.yaml#/S'}\n")]);
        assert!(result.is_err());
        assert_eq!(errors(&diags), vec![("spec/b.yaml".to_owned(), "/items/$ref".to_owned())]);
        let d = &diags.items()[0];
        assert!(d.message.contains("only local files"), "{d}");
        assert!(d.hint.as_deref().unwrap_or_default().contains("download"), "{d}");
    }

    #[test]
    fn a_missing_file_or_node_names_the_referring_file_and_pointer() {
        let api = format!("{HEAD}paths:\n  /a: {{$ref: 'paths/a.yaml'}}\n");
        let (result, diags) = run(
            "missing",
            &[("api.yaml", &api), ("paths/a.yaml", "get:\n  parameters: [{$ref: '../nope.yaml'}, {$ref: '#/none'}]\n")],
        );
        assert!(result.is_err());
        assert_eq!(
            errors(&diags),
            vec![
                ("spec/paths/a.yaml".to_owned(), "/get/parameters/0/$ref".to_owned()),
                ("spec/paths/a.yaml".to_owned(), "/get/parameters/1/$ref".to_owned()),
            ]
        );
        assert!(diags.items()[0].message.contains("`spec/nope.yaml`, which does not exist"), "{diags}");
    }

    #[test]
    fn a_cycle_of_inlined_path_items_is_an_error() {
        let api = format!("{HEAD}paths:\n  /a: {{$ref: 'a.yaml'}}\n");
        let (result, diags) =
            run("inline-cycle", &[("api.yaml", &api), ("a.yaml", "$ref: 'b.yaml'\n"), ("b.yaml", "$ref: 'a.yaml'\n")]);
        assert!(result.is_err());
        assert_eq!(errors(&diags), vec![("spec/b.yaml".to_owned(), "/$ref".to_owned())]);
    }

    #[test]
    fn paths_normalise_lexically() {
        assert_eq!(normalize_path("a/./b/../c.yaml"), "a/c.yaml");
        assert_eq!(normalize_path("../x/../y.yaml"), "../y.yaml");
        assert_eq!(file_stem("dir/pet.v2.yaml"), "pet");
        assert_eq!(sanitize("a b{c}"), "a_b_c_");
        assert_eq!(split_ref("x.yaml#/paths/~1a%7Bb%7D"), Some(("x.yaml", "/paths/~1a{b}".to_owned())));
        assert_eq!(split_ref("x.yaml#Pet"), None);
    }
}
