//! Structure-aware: a real spec (the project's fragment of the Atlas API, the edge-case fixtures and
//! small public descriptions) read into a JSON value, edited by fuzzer-chosen operations (delete,
//! replace, duplicate, change a node's type, rename a key, point a node at another by `$ref`), then
//! written out and run through the whole pipeline. Byte mutations of a large YAML file almost always
//! break its syntax; these keep the document well-formed and reach the lowering and the emitter.
#![no_main]

use arbitrary::Arbitrary;
use atlas_codegen::{generate_with, normalize, Diagnostics};
use atlas_codegen_fuzz::{check_refusal, check_warnings, install_panic_hook, options};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The specs the edits start from, embedded so a crash reproduces from the input alone.
const SEEDS: &[&str] = &[
    include_str!("../../../spec/atlas-api-keys.yaml"),
    include_str!("../../tests/fixtures/good/operations.yaml"),
    include_str!("../../tests/fixtures/good/polymorphism.yaml"),
    include_str!("../../tests/fixtures/good/nullable.yaml"),
    include_str!("../../tests/fixtures/good/all_of_one_of.yaml"),
    include_str!("../../tests/fixtures/good/all_of_scalar.yaml"),
    include_str!("../../tests/fixtures/good/recursive.yaml"),
    include_str!("../../tests/fixtures/good/bodies.yaml"),
    include_str!("../../tests/fixtures/good/versions.yaml"),
    include_str!("../../tests/fixtures/good/integer_enums.yaml"),
    include_str!("../../tests/fixtures/good/untagged_one_of.yaml"),
    include_str!("../../tests/fixtures/real/petstore-expanded.yaml"),
    include_str!("../../tests/fixtures/real/link-example.yaml"),
    include_str!("../../tests/fixtures/real/uspto.yaml"),
];

fn seeds() -> &'static [Value] {
    static PARSED: OnceLock<Vec<Value>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SEEDS
            .iter()
            .filter_map(|text| normalize::read::read("seed.yaml", text, &mut Diagnostics::new("seed.yaml")).ok())
            .collect()
    })
}

#[derive(Debug, Arbitrary)]
struct Input {
    seed: u8,
    options: u8,
    edits: Vec<Edit>,
}

/// A node is found by a walk from the root: each step picks a child by index (modulo the node's size).
type Walk = Vec<u16>;

#[derive(Debug, Arbitrary)]
enum Edit {
    Delete(Walk),
    Replace(Walk, Leaf),
    /// Copies the first node over the second.
    Duplicate(Walk, Walk),
    ChangeType(Walk),
    RenameKey(Walk, Word),
    /// Replaces the first node by a `$ref` to the second (a cycle when it is inside it).
    InsertRef(Walk, Walk),
    /// Adds a key to the object at the walk.
    AddKey(Walk, Word, Leaf),
}

#[derive(Debug, Arbitrary)]
enum Leaf {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Word(Word),
    EmptyObject,
    EmptyArray,
}

/// OpenAPI's own vocabulary, which random strings would almost never hit.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Word {
    Type,
    Object,
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Null,
    Properties,
    Items,
    Required,
    AdditionalProperties,
    AllOf,
    OneOf,
    AnyOf,
    Not,
    Enum,
    Const,
    Nullable,
    Format,
    Int64,
    DateTime,
    Binary,
    Pattern,
    Minimum,
    Maximum,
    MinLength,
    MaxLength,
    Default,
    Discriminator,
    PropertyName,
    Mapping,
    Ref,
    In,
    Path,
    Query,
    Header,
    Cookie,
    Name,
    Schema,
    Content,
    ApplicationJson,
    TextPlain,
    Responses,
    RequestBody,
    Parameters,
    OperationId,
    Style,
    Explode,
    Deprecated,
    Openapi30,
    Openapi31,
    Swagger,
    PathTemplate,
    Status200,
    StatusDefault,
    XSunset,
    Empty,
}

impl Word {
    fn text(self) -> &'static str {
        use Word::*;
        match self {
            Type => "type",
            Object => "object",
            String => "string",
            Integer => "integer",
            Number => "number",
            Boolean => "boolean",
            Array => "array",
            Null => "null",
            Properties => "properties",
            Items => "items",
            Required => "required",
            AdditionalProperties => "additionalProperties",
            AllOf => "allOf",
            OneOf => "oneOf",
            AnyOf => "anyOf",
            Not => "not",
            Enum => "enum",
            Const => "const",
            Nullable => "nullable",
            Format => "format",
            Int64 => "int64",
            DateTime => "date-time",
            Binary => "binary",
            Pattern => "pattern",
            Minimum => "minimum",
            Maximum => "maximum",
            MinLength => "minLength",
            MaxLength => "maxLength",
            Default => "default",
            Discriminator => "discriminator",
            PropertyName => "propertyName",
            Mapping => "mapping",
            Ref => "$ref",
            In => "in",
            Path => "path",
            Query => "query",
            Header => "header",
            Cookie => "cookie",
            Name => "name",
            Schema => "schema",
            Content => "content",
            ApplicationJson => "application/json",
            TextPlain => "text/plain",
            Responses => "responses",
            RequestBody => "requestBody",
            Parameters => "parameters",
            OperationId => "operationId",
            Style => "style",
            Explode => "explode",
            Deprecated => "deprecated",
            Openapi30 => "3.0.3",
            Openapi31 => "3.1.0",
            Swagger => "2.0",
            PathTemplate => "/things/{id}",
            Status200 => "200",
            StatusDefault => "default",
            XSunset => "x-sunset",
            Empty => "",
        }
    }
}

impl Leaf {
    fn value(&self) -> Value {
        match self {
            Leaf::Null => Value::Null,
            Leaf::Bool(b) => Value::Bool(*b),
            Leaf::Int(i) => Value::from(*i),
            Leaf::Float(f) => Value::from(*f),
            Leaf::Text(s) => Value::String(s.clone()),
            Leaf::Word(w) => Value::String(w.text().to_owned()),
            Leaf::EmptyObject => Value::Object(Map::new()),
            Leaf::EmptyArray => Value::Array(Vec::new()),
        }
    }
}

/// The reference tokens of the node a walk reaches: it stops at a scalar, an empty container or its end.
fn locate(root: &Value, walk: &[u16]) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut node = root;
    for &step in walk {
        let step = usize::from(step);
        node = match node {
            Value::Object(map) if !map.is_empty() => {
                let (key, child) = map.iter().nth(step % map.len()).expect("index below the length");
                tokens.push(key.clone());
                child
            }
            Value::Array(items) if !items.is_empty() => {
                let i = step % items.len();
                tokens.push(i.to_string());
                &items[i]
            }
            _ => break,
        };
    }
    tokens
}

fn pointer(tokens: &[String]) -> String {
    tokens.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
}

fn node_mut<'a>(root: &'a mut Value, tokens: &[String]) -> Option<&'a mut Value> {
    root.pointer_mut(&pointer(tokens))
}

fn change_type(node: &mut Value) {
    *node = match std::mem::take(node) {
        Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
        Value::Array(items) => Value::Object(items.into_iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect()),
        Value::String(s) => s.parse::<f64>().map(Value::from).unwrap_or(Value::from(s.len())),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Null => Value::Object(Map::new()),
    };
}

fn apply(doc: &mut Value, edit: &Edit) {
    match edit {
        Edit::Delete(walk) => {
            let mut tokens = locate(doc, walk);
            let Some(last) = tokens.pop() else { return };
            match node_mut(doc, &tokens) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
        Edit::Replace(walk, leaf) => {
            let tokens = locate(doc, walk);
            if let Some(node) = node_mut(doc, &tokens) {
                *node = leaf.value();
            }
        }
        Edit::Duplicate(from, to) => {
            let source = node_mut(doc, &locate(doc, from)).map(|n| n.clone());
            let tokens = locate(doc, to);
            if let (Some(source), Some(node)) = (source, node_mut(doc, &tokens)) {
                *node = source;
            }
        }
        Edit::ChangeType(walk) => {
            let tokens = locate(doc, walk);
            if let Some(node) = node_mut(doc, &tokens) {
                change_type(node);
            }
        }
        Edit::RenameKey(walk, word) => {
            let mut tokens = locate(doc, walk);
            let Some(last) = tokens.pop() else { return };
            if let Some(Value::Object(map)) = node_mut(doc, &tokens) {
                if let Some(value) = map.shift_remove(&last) {
                    map.insert(word.text().to_owned(), value);
                }
            }
        }
        Edit::InsertRef(walk, target) => {
            let reference = format!("#{}", pointer(&locate(doc, target)));
            let tokens = locate(doc, walk);
            if let Some(node) = node_mut(doc, &tokens) {
                *node = serde_json::json!({ "$ref": reference });
            }
        }
        Edit::AddKey(walk, word, leaf) => {
            let tokens = locate(doc, walk);
            if let Some(Value::Object(map)) = node_mut(doc, &tokens) {
                map.insert(word.text().to_owned(), leaf.value());
            }
        }
    }
}

fuzz_target!(init: install_panic_hook(), |input: Input| {
    let seeds = seeds();
    let mut doc = seeds[usize::from(input.seed) % seeds.len()].clone();
    // A few edits reach any node; hundreds only slow each run down.
    for edit in input.edits.iter().take(16) {
        apply(&mut doc, edit);
    }
    let Ok(text) = serde_json::to_string(&doc) else { return };
    match generate_with("spec.json", &text, &options(input.options)) {
        Ok(generated) => check_warnings(&generated.warnings),
        Err(diags) => check_refusal(&diags),
    }
});
