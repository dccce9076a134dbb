//! The build script support (`atlas_codegen::build_script`) on a description split over several files:
//! what it writes, what it tells Cargo to watch, and that an unchanged client is not written again.

use atlas_codegen::build_script::BuildScript;

use super::root;

#[test]
fn writes_one_file_and_lists_every_file_it_read() {
    let spec = root().join("generator/tests/fixtures/good/multi_file/openapi.yaml");
    let dir = std::env::temp_dir().join(format!("atlas-build-script-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("other.rs"), "// another build step's output\n").unwrap();

    let script = BuildScript::new(&spec).file_name("pets.rs");
    let output = script.write_to(&dir).expect("the description generates");
    assert_eq!(output.path, dir.join("pets.rs"));
    let code = std::fs::read_to_string(&output.path).unwrap();
    let file = syn::parse_file(&code).expect("one file of Rust");
    assert!(file.attrs.is_empty(), "include! takes no inner attributes");
    assert!(code.contains("pub mod models {") && code.contains("mod runtime {"), "modules inline");
    assert!(!code.contains("#[path"), "no module is left in a file of its own");
    assert!(output.crate_attributes.iter().any(|a| a == "#![deny(missing_docs)]"), "{:?}", output.crate_attributes);
    assert!(output.cargo_toml.contains("[dependencies]"));
    assert!(!output.features.is_empty());

    // The root and every file a `$ref` reached, so Cargo reruns the script when any of them changes.
    let read: Vec<String> = output.sources.iter().map(|p| p.to_string_lossy().replace('\\', "/")).collect();
    assert_eq!(read[0], spec.to_string_lossy().replace('\\', "/"));
    for part in ["schemas/pet.yaml", "schemas/owner.yaml", "paths/pets.yaml", "responses.yaml"] {
        assert!(read.iter().any(|p| p.ends_with(part)), "{part} not in {read:?}");
    }

    // Written only when it changes (Cargo's fingerprints), and nothing else in the folder is touched.
    let written = std::fs::metadata(&output.path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    script.write_to(&dir).unwrap();
    assert_eq!(std::fs::metadata(&output.path).unwrap().modified().unwrap(), written);
    assert!(dir.join("other.rs").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_description_is_a_diagnostic_naming_the_file() {
    let spec = root().join("generator/tests/fixtures/bad/missing_file/openapi.yaml");
    let error = BuildScript::new(&spec).write_to(&std::env::temp_dir()).unwrap_err();
    assert!(error.contains("missing_file/schemas/pet.yaml#/properties/owner/$ref"), "{error}");
    assert!(error.contains("does not exist") && error.contains("hint:"), "{error}");
}
