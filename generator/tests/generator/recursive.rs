//! Recursive schemas are legal: a field that reaches its own struct by value is boxed, one that
//! reaches it through an array or a map is not (the collection already holds its items on the heap).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_codegen::ir::SchemaKind;

fn spec() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/good/recursive.yaml");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn by_value_self_references_are_boxed_in_the_ir() {
    let (api, warnings) = atlas_codegen::lower_spec("recursive.yaml", &spec()).unwrap_or_else(|d| panic!("{d}"));
    assert!(warnings.items().is_empty(), "{warnings}");
    let boxed = |schema: &str, field: &str| {
        let s = api.schemas.iter().find(|s| s.rust_name == schema).unwrap();
        let SchemaKind::Struct { fields } = &s.kind else { panic!("{schema} is not a struct") };
        fields.iter().find(|f| f.name == field).unwrap().boxed
    };
    assert!(boxed("Node", "next"));
    assert!(!boxed("Node", "value"));
    assert!(!boxed("Node", "children"), "a Vec breaks the cycle");
    assert!(!boxed("Node", "byName"), "a BTreeMap breaks the cycle");
    assert!(boxed("Tree", "root"), "Tree -> Branch -> Tree");
    assert!(boxed("Branch", "tree"), "Branch -> Tree -> Branch");
    assert!(!boxed("ApiError", "error"));
}

#[test]
fn recursive_schemas_generate_boxed_fields() {
    let generated = atlas_codegen::generate("recursive.yaml", &spec()).unwrap_or_else(|d| panic!("{d}"));
    let models = &generated
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/models/"))
        .map(|f| f.contents.as_str())
        .collect::<String>();
    for expected in [
        "pub next: Option<Box<Node>> as \"next\" default omit,",
        "pub children: Vec<Node> as \"children\" default omit,",
        "pub by_name: BTreeMap<String, Node> as \"byName\" default omit,",
        "pub root: Box<Branch> as \"root\",",
        "pub tree: Option<Box<Tree>> as \"tree\" default omit,",
        "pub value: String as \"value\",",
    ] {
        assert!(models.contains(expected), "models.rs lacks {expected:?}:\n{models}");
    }
    // The request side validates through the box (method calls auto-deref).
    assert!(models.contains("impl Tree {"), "{models}");
}

/// The real spec has no recursion, so nothing in it is boxed.
#[test]
fn the_real_spec_boxes_nothing() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/atlas-api-keys.yaml");
    let (api, _) = atlas_codegen::lower_spec("spec/atlas-api-keys.yaml", &std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|d| panic!("{d}"));
    for schema in &api.schemas {
        if let SchemaKind::Struct { fields } = &schema.kind {
            assert!(fields.iter().all(|f| !f.boxed), "{} has a boxed field", schema.rust_name);
        }
    }
}
