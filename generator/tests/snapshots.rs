//! Snapshots of what the generator makes of the Atlas spec: the IR (as YAML) and every generated file,
//! so a pull request shows the codegen diff to review. Plus the freshness check that `generated/` is
//! what the generator emits today, so `cargo test` fails on a stale checked-in client.

#![allow(clippy::expect_used)] // a test may panic on a broken fixture

use std::path::Path;

const SPEC: &str = "spec/atlas-api-keys.yaml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generator/ has a parent")
}

fn spec_text() -> String {
    std::fs::read_to_string(root().join(SPEC)).expect("the spec is readable")
}

#[test]
fn ir_snapshot() {
    let (api, warnings) = atlas_codegen::lower_spec(SPEC, &spec_text()).expect("the spec lowers");
    assert!(warnings.items().is_empty(), "unexpected warnings:\n{warnings}");
    insta::assert_yaml_snapshot!("ir", api);
}

#[test]
fn generated_file_snapshots() {
    let generated = atlas_codegen::generate(SPEC, &spec_text()).expect("the spec generates");
    for file in &generated.files {
        let name = format!("file__{}", file.path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn every_file_starts_with_the_do_not_edit_header() {
    let generated = atlas_codegen::generate(SPEC, &spec_text()).expect("the spec generates");
    let header = atlas_codegen::files::header(SPEC);
    assert!(generated.files.len() >= 10);
    for file in &generated.files {
        let first = file.contents.lines().next().unwrap_or_default();
        assert!(first.contains(&header), "{} starts with {first:?}", file.path);
    }
}

#[test]
fn checked_in_generated_crate_is_fresh() {
    let generated = atlas_codegen::generate(SPEC, &spec_text()).expect("the spec generates");
    let dir = root().join("generated");
    let mut problems = Vec::new();
    for file in &generated.files {
        match std::fs::read_to_string(dir.join(&file.path)) {
            Ok(on_disk) if on_disk.replace("\r\n", "\n") == file.contents => {}
            Ok(_) => problems.push(format!("stale   generated/{}", file.path)),
            Err(_) => problems.push(format!("missing generated/{}", file.path)),
        }
    }
    // Files the generator no longer emits (build output aside) are drift too.
    let mut pending = vec![dir.clone()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("generated/ is readable").flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "target" || name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let rel = path.strip_prefix(&dir).expect("below generated/").to_string_lossy().replace('\\', "/");
            if !generated.files.iter().any(|f| f.path == rel) {
                problems.push(format!("extra   generated/{rel}"));
            }
        }
    }
    problems.sort();
    assert!(problems.is_empty(), "{}\nrun `cargo xtask codegen` and commit the result", problems.join("\n"));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let text = spec_text();
    let a = atlas_codegen::generate(SPEC, &text).expect("first run");
    let b = atlas_codegen::generate(SPEC, &text).expect("second run");
    assert_eq!(a.files, b.files);
}

/// Every edge-case spec of `tests/fixtures/good`: its IR, the models and operations it emits and its
/// API.md, one snapshot each, so a reviewer sees each construct (unions, merged `allOf`, numbered names,
/// empty and download bodies, several success statuses, array and header parameters) plainly.
#[test]
fn fixture_snapshots() {
    insta::glob!("fixtures/good/*.yaml", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).expect("a file name").to_owned();
        let text = std::fs::read_to_string(path).expect("the fixture is readable");
        let (api, _) = atlas_codegen::lower_spec(&name, &text).unwrap_or_else(|d| panic!("{name}: {d}"));
        insta::assert_yaml_snapshot!("fixture_ir", api);
        let generated = atlas_codegen::generate(&name, &text).unwrap_or_else(|d| panic!("{name}: {d}"));
        let laid_out = |f: &&atlas_codegen::files::GeneratedFile| {
            ["src/models/", "src/operations/"].iter().any(|dir| f.path.starts_with(dir)) || f.path == "API.md"
        };
        assert!(generated.files.iter().any(|f| f.path == "src/models/mod.rs"), "{name}: no models module");
        for file in generated.files.iter().filter(laid_out) {
            insta::assert_snapshot!(format!("fixture_{}", file.path.replace(['/', '.'], "_")), file.contents);
        }
    });
}
