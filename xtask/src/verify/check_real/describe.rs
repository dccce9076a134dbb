//! What a description is, read without the generator: its format (the `openapi` or `swagger` field) and how
//! many operations it declares. The generator's own count exists only for documents it loads, and the
//! table must say how big a refused one is too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde_yaml::Value;

/// The HTTP methods a path item may hold (OpenAPI 3 and Swagger 2 alike).
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A description's format and operation count.
#[derive(Debug, PartialEq, Eq)]
pub struct Shape {
    /// `3.1.0`, `2.0`, ...; `?` when the document has neither field or does not parse.
    pub format: String,
    /// Methods under `paths`, path items behind a `$ref` (to this or another file) followed.
    pub operations: usize,
}

/// Reads `root` (and the files its path items `$ref`) and returns its shape; never fails: a document this
/// reader cannot parse is `?` with 0 operations (the generator's diagnostic says why).
pub fn shape(root: &Path) -> Shape {
    let mut files = Files::default();
    let Some(doc) = files.get(root) else {
        return outline(root).unwrap_or_else(|| Shape { format: "?".to_owned(), operations: 0 });
    };
    let format = ["openapi", "swagger"]
        .iter()
        .find_map(|key| doc.get(key))
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
        })
        .unwrap_or_else(|| "?".to_owned());
    let items: Vec<Value> =
        doc.get("paths").and_then(Value::as_mapping).map(|p| p.values().cloned().collect()).unwrap_or_default();
    let operations = items
        .iter()
        .map(|item| {
            let item = files.follow(root, item);
            item.as_ref()
                .and_then(Value::as_mapping)
                .map_or(0, |m| m.keys().filter(|k| k.as_str().is_some_and(|k| METHODS.contains(&k))).count())
        })
        .sum();
    Shape { format, operations }
}

/// The files read so far, each parsed once (a split description may `$ref` one file hundreds of times).
#[derive(Default)]
struct Files {
    parsed: BTreeMap<PathBuf, Option<Value>>,
}

impl Files {
    fn get(&mut self, path: &Path) -> Option<Value> {
        self.parsed.entry(path.to_path_buf()).or_insert_with(|| parse(path)).clone()
    }

    /// The path item `item` stands for: itself, or what its `$ref` chain points to (`None` if it points to
    /// nothing). Relative file references resolve from the referring file's folder.
    fn follow(&mut self, from: &Path, item: &Value) -> Option<Value> {
        let (mut file, mut node) = (from.to_path_buf(), item.clone());
        // A chain longer than this is a cycle.
        for _ in 0..32 {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return Some(node);
            };
            let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
            if !target.is_empty() {
                file = file.parent().unwrap_or(Path::new("")).join(target);
            }
            node = pointer_into(&self.get(&file)?, pointer)?.clone();
        }
        None
    }
}

/// The top of a document, for one no [`Value`] holds (an integer beyond `i64`, as OpenAI's
/// `minimum: -9223372036854776000`): everything else is skipped unread, and `$ref`ed path items count 0.
#[derive(serde::Deserialize)]
struct Outline {
    openapi: Option<String>,
    swagger: Option<String>,
    #[serde(default)]
    paths: BTreeMap<String, BTreeMap<String, IgnoredAny>>,
}

fn outline(path: &Path) -> Option<Shape> {
    let text = std::fs::read_to_string(path).ok()?;
    let outline: Outline = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).ok()?
    } else {
        serde_yaml::from_str(&text).ok()?
    };
    let operations =
        outline.paths.values().map(|item| item.keys().filter(|k| METHODS.contains(&k.as_str())).count()).sum();
    Some(Shape { format: outline.openapi.or(outline.swagger).unwrap_or_else(|| "?".to_owned()), operations })
}

/// The node at a JSON pointer (`/paths/~1pets`), `~1` and `~0` unescaped.
fn pointer_into<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    pointer
        .split('/')
        .skip(1)
        .try_fold(doc, |node, token| node.get(token.replace("~1", "/").replace("~0", "~").as_str()))
}

/// JSON for `.json` (the YAML reader refuses some JSON string escapes), YAML otherwise.
fn parse(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| serde_yaml::to_value(v).ok())
    } else {
        serde_yaml::from_str(&text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn counts_methods_of_a_swagger_document_and_follows_path_item_refs_into_other_files() {
        let dir = std::env::temp_dir().join(format!("check-real-shape-{}", std::process::id()));
        let root = write(
            &dir,
            "api.yaml",
            "swagger: '2.0'\npaths:\n  /a:\n    get: {}\n    post: {}\n    parameters: []\n  /b:\n    $ref: 'paths/b.yaml'\n",
        );
        write(&dir, "paths/b.yaml", "put: {}\ndelete: {}\nsummary: not a method\n");
        // A pointer into another document, with an escaped `/` and `~`.
        write(&dir, "more.yaml", "items:\n  /c~d:\n    get: {}\n");
        let text = std::fs::read_to_string(&root).unwrap() + "  /c:\n    $ref: 'more.yaml#/items/~1c~0d'\n";
        std::fs::write(&root, text).unwrap();
        assert_eq!(shape(&root), Shape { format: "2.0".to_owned(), operations: 5 });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_json_document_reads_as_json_and_an_unreadable_one_is_unknown() {
        let dir = std::env::temp_dir().join(format!("check-real-json-{}", std::process::id()));
        // The escaped surrogate pair is valid JSON that the YAML reader refuses.
        let root =
            write(&dir, "api.json", r#"{"openapi": "3.1.0", "info": {"title": "\ud83d\ude00"}, "webhooks": {}}"#);
        assert_eq!(shape(&root), Shape { format: "3.1.0".to_owned(), operations: 0 });
        // An integer no i64 holds: the outline still reads the format and the operations.
        let big =
            write(&dir, "big.yaml", "openapi: 3.1.0\nx-min: -9223372036854776000\npaths:\n  /a: {get: {}, put: {}}\n");
        assert_eq!(shape(&big), Shape { format: "3.1.0".to_owned(), operations: 2 });
        let broken = write(&dir, "broken.yaml", "openapi: [");
        assert_eq!(shape(&broken), Shape { format: "?".to_owned(), operations: 0 });
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
