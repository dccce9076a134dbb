//! Robustness: the generator never panics on a damaged spec, and its output is deterministic. (That the
//! generated client never panics on a damaged response is `client/robustness.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use proptest::prelude::*;
use serde_yaml::Value;

const SPEC_FILE: &str = "spec/atlas-api-keys.yaml";

fn good_spec() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/atlas-api-keys.yaml")).unwrap()
}

// ---------------------------------------------------------------------------------------------
// (a) Random damage to the spec: `generate` answers Ok or Err(diagnostics), never a panic.
// ---------------------------------------------------------------------------------------------

/// One way to damage the spec. The `usize`s pick a node among those that qualify, modulo their count.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove a key from a mapping.
    DeleteKey(usize),
    /// Replace a scalar with a scalar of another type.
    ReplaceScalar(usize, Value),
    /// Give a key another name (which may be a sibling's, overwriting it).
    RenameKey(usize, String),
    /// Copy a key's value under a new name next to it.
    DuplicateKey(usize, String),
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        prop_oneof![Just(f64::INFINITY), Just(f64::NAN), Just(-0.5), Just(1e300), any::<f64>()]
            .prop_map(|f| Value::Number(f.into())),
        key_text().prop_map(Value::String),
    ]
}

/// Names that stress naming and pointers: keywords, digits, `/`, `~`, `{`, `$ref`, non-ASCII.
fn key_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_ ./{}~$²é-]{0,10}",
        prop::sample::select(vec![
            "type",
            "self",
            "$ref",
            "#/components/schemas/Nope",
            "required",
            "properties",
            "items",
            "enum",
            "x²",
            "٣",
            "",
            "{orgId}",
            "/a/{b}",
            "in",
            "path",
            "cookie",
            "3.1.0",
            "application/xml",
        ])
        .prop_map(str::to_owned),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteKey),
        (any::<usize>(), scalar()).prop_map(|(i, v)| Mutation::ReplaceScalar(i, v)),
        (any::<usize>(), key_text()).prop_map(|(i, k)| Mutation::RenameKey(i, k)),
        (any::<usize>(), key_text()).prop_map(|(i, k)| Mutation::DuplicateKey(i, k)),
    ]
}

/// Paths (as index lists into mappings and sequences) of every node of `value`, depth first.
fn node_paths(value: &Value, at: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(at.clone());
    let children: Vec<&Value> = match value {
        Value::Mapping(m) => m.values().collect(),
        Value::Sequence(s) => s.iter().collect(),
        _ => Vec::new(),
    };
    for (i, child) in children.into_iter().enumerate() {
        at.push(i);
        node_paths(child, at, out);
        at.pop();
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[usize]) -> &'a mut Value {
    match path.split_first() {
        None => value,
        Some((i, rest)) => match value {
            Value::Mapping(m) => node_mut(m.values_mut().nth(*i).unwrap(), rest),
            Value::Sequence(s) => node_mut(&mut s[*i], rest),
            _ => unreachable!("paths only lead through collections"),
        },
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn apply(doc: &mut Value, m: &Mutation) {
    let mut paths = Vec::new();
    node_paths(doc, &mut Vec::new(), &mut paths);
    let pick = |filter: &dyn Fn(&Value) -> bool, seed: usize, doc: &mut Value| -> Option<Vec<usize>> {
        let candidates: Vec<&Vec<usize>> = paths.iter().filter(|p| filter(node_mut(doc, p))).collect();
        (!candidates.is_empty()).then(|| candidates[seed % candidates.len()].clone())
    };
    let non_empty_map = |v: &Value| v.as_mapping().is_some_and(|m| !m.is_empty());
    match m {
        Mutation::DeleteKey(seed) => {
            if let Some(p) = pick(&non_empty_map, *seed, doc) {
                let map = node_mut(doc, &p).as_mapping_mut().unwrap();
                let key = map.keys().nth(seed / 7 % map.len()).unwrap().clone();
                map.remove(&key);
            }
        }
        Mutation::ReplaceScalar(seed, new) => {
            let is_scalar = |v: &Value| !matches!(v, Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_));
            if let Some(p) = pick(&is_scalar, *seed, doc) {
                let node = node_mut(doc, &p);
                if !same_type(node, new) {
                    *node = new.clone();
                }
            }
        }
        Mutation::RenameKey(seed, name) | Mutation::DuplicateKey(seed, name) => {
            if let Some(p) = pick(&non_empty_map, *seed, doc) {
                let map = node_mut(doc, &p).as_mapping_mut().unwrap();
                let key = map.keys().nth(seed / 7 % map.len()).unwrap().clone();
                let value = if matches!(m, Mutation::RenameKey(..)) {
                    map.remove(&key).unwrap()
                } else {
                    map.get(&key).unwrap().clone()
                };
                map.insert(Value::String(name.clone()), value);
            }
        }
    }
}

/// Runs the whole pipeline and fails the case on a panic or an inconsistent answer.
fn generate_without_panic(text: &str) -> Result<(), TestCaseError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| atlas_codegen::generate(SPEC_FILE, text)));
    match outcome {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(TestCaseError::fail(format!("generate panicked: {message}\n--- spec ---\n{text}")))
        }
        Ok(Ok(generated)) => {
            prop_assert!(!generated.files.is_empty());
            prop_assert!(!generated.warnings.has_errors(), "warnings hold an error: {}", generated.warnings);
            Ok(())
        }
        Ok(Err(diags)) => {
            prop_assert!(diags.has_errors(), "Err without an error: {diags}");
            prop_assert!(!diags.to_string().is_empty());
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn damaged_specs_never_panic_the_generator(mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut doc: Value = serde_yaml::from_str(&good_spec()).unwrap();
        for m in &mutations {
            apply(&mut doc, m);
        }
        let text = serde_yaml::to_string(&doc).unwrap();
        generate_without_panic(&text)?;
    }

    #[test]
    fn truncated_specs_never_panic_the_generator(fraction in 0.0f64..1.0) {
        let text = good_spec();
        let mut end = (text.len() as f64 * fraction) as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        generate_without_panic(&text[..end])?;
    }
}

/// Damage found by the proptests above, kept as fixed regression cases.
#[test]
fn known_panics_stay_fixed() {
    let spec = good_spec();
    let cases = [
        // openapiv3 `expect`s a second parse to fail, which `.inf` and `.nan` defeat.
        spec.replace("maximum: 500", "maximum: .inf"),
        spec.replace("minimum: 0\n", "minimum: .nan\n"),
        // Names that are alphanumeric but not identifier characters.
        spec.replace("    totalCount:", "    total²:"),
        spec.replace("ORG_OWNER\n", "٣\n"),
    ];
    for text in cases {
        let outcome = catch_unwind(AssertUnwindSafe(|| atlas_codegen::generate(SPEC_FILE, &text)));
        let result = outcome.unwrap_or_else(|_| panic!("generate panicked"));
        let diags = result.expect_err("damage was accepted");
        assert!(diags.has_errors());
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Determinism.
// ---------------------------------------------------------------------------------------------

fn generated_files(text: &str) -> Vec<(String, String)> {
    let generated = atlas_codegen::generate(SPEC_FILE, text).unwrap_or_else(|d| panic!("{d}"));
    generated.files.into_iter().map(|f| (f.path, f.contents)).collect()
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let spec = good_spec();
    assert_eq!(generated_files(&spec), generated_files(&spec));
}

/// Named types are sorted by Rust name, so the order of `components/schemas` (and of each schema's
/// `properties`? no: fields keep spec order, which is the documented order) must not matter.
#[test]
fn reordering_component_schemas_leaves_models_unchanged() {
    let spec = good_spec();
    let mut doc: Value = serde_yaml::from_str(&spec).unwrap();
    let schemas = doc["components"]["schemas"].as_mapping_mut().unwrap();
    let mut entries: Vec<(Value, Value)> = schemas.clone().into_iter().collect();
    entries.reverse();
    let reversed: serde_yaml::Mapping = entries.into_iter().collect();
    assert_ne!(
        schemas.keys().collect::<Vec<_>>(),
        reversed.keys().collect::<Vec<_>>(),
        "the spec should have several schemas"
    );
    *schemas = reversed;
    let reordered = serde_yaml::to_string(&doc).unwrap();
    let models = |files: Vec<(String, String)>| {
        files.into_iter().filter(|(p, _)| p.starts_with("src/models/")).collect::<Vec<_>>()
    };
    let original = models(generated_files(&spec));
    let from_reordered = models(generated_files(&reordered));
    assert!(original == from_reordered, "models.rs depends on the order of components/schemas");
}
