//! Snapshots of what the generator makes of the Atlas spec and of every edge-case spec in
//! `tests/fixtures/good`: the IR (as YAML) and the generated files, one folder per spec under
//! `tests/snapshots/` (`atlas-api-keys/ir.snap`, `atlas-api-keys/src/lib.rs.snap`,
//! `good/<fixture>/src/models/mod.rs.snap`), so a pull request shows the codegen diff to review. The
//! runtime files are copied verbatim from `templates/runtime/` and not snapshotted: the freshness check
//! of `generated/` below guards them, with `cargo xtask codegen`'s own compare.

use atlas_codegen::files::{GeneratedFile, RUNTIME};

use super::{assert_text_snapshot, assert_yaml_snapshot, fixtures_in, root};

// The write-or-check of `cargo xtask codegen`: the same compare, not a second copy of it.
use atlas_codegen::write;

const SPEC: &str = "spec/atlas-api-keys.yaml";
/// The snapshot folder of the Atlas spec.
const FOLDER: &str = "atlas-api-keys";

fn spec_text() -> String {
    std::fs::read_to_string(root().join(SPEC)).expect("the spec is readable")
}

#[test]
fn ir_snapshot() {
    let (api, warnings) = atlas_codegen::lower_spec(SPEC, &spec_text()).expect("the spec lowers");
    assert!(warnings.items().is_empty(), "unexpected warnings:\n{warnings}");
    assert_yaml_snapshot(FOLDER, "ir", &api);
}

#[test]
fn generated_file_snapshots() {
    let generated = atlas_codegen::generate(SPEC, &spec_text()).expect("the spec generates");
    let verbatim = |file: &&GeneratedFile| RUNTIME.iter().any(|(path, _)| *path == file.path);
    assert!(generated.files.iter().any(|f| verbatim(&f)), "the runtime is part of the crate");
    for file in generated.files.iter().filter(|f| !verbatim(f)) {
        assert_text_snapshot(FOLDER, &file.path, &file.contents);
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
    let mut drift = write::compare(&root().join("generated"), &generated.files);
    // `cargo xtask codegen` adds the changelog (api-diff against the last release's spec); its own
    // `--check` holds that file fresh.
    drift.extra.retain(|path| path != "CHANGELOG.md");
    let mut problems: Vec<String> = [("stale  ", &drift.stale), ("missing", &drift.missing), ("extra  ", &drift.extra)]
        .into_iter()
        .flat_map(|(kind, paths)| paths.iter().map(move |path| format!("{kind} generated/{path}")))
        .collect();
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

/// Every edge-case spec of `tests/fixtures/good`: its IR, the models, operations and mocks it emits and its
/// API.md, one snapshot each in `tests/snapshots/good/<fixture>/`, so a reviewer sees each construct
/// (unions, merged `allOf`, numbered names, empty and download bodies, several success statuses, array
/// and header parameters) plainly.
#[test]
fn fixture_snapshots() {
    for path in fixtures_in("good", "yaml") {
        let name = path.file_name().and_then(|n| n.to_str()).expect("a file name").to_owned();
        let folder = format!("good/{}", name.trim_end_matches(".yaml"));
        let text = std::fs::read_to_string(&path).expect("the fixture is readable");
        // A fixture may come with its customisation beside it (`<name>.atlas-codegen.toml`).
        let options = customisation_beside(&path);
        let customised = !options.customisation.is_empty();
        let (api, _) = atlas_codegen::lower_spec_with(&name, &text, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        assert_yaml_snapshot(&folder, "ir", &api);
        let generated = atlas_codegen::generate_with(&name, &text, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        // A customised crate's `Cargo.toml` shows the dependencies the customisation adds.
        let laid_out = |f: &&GeneratedFile| {
            ["src/models/", "src/operations/", "src/mock/"].iter().any(|dir| f.path.starts_with(dir))
                || f.path == "API.md"
                || (customised && f.path == "Cargo.toml")
        };
        assert!(generated.files.iter().any(|f| f.path == "src/models/mod.rs"), "{name}: no models module");
        for file in generated.files.iter().filter(laid_out) {
            assert_text_snapshot(&folder, &file.path, &file.contents);
        }
    }
}

/// The options of a one-file fixture: its customisation file (`<name>.atlas-codegen.toml`) when it
/// has one, read as `cargo xtask codegen --spec` reads it.
fn customisation_beside(spec: &std::path::Path) -> atlas_codegen::Options {
    let Some(file) = atlas_codegen::config::beside(spec) else { return atlas_codegen::Options::default() };
    let name = file.file_name().and_then(|n| n.to_str()).expect("a file name").to_owned();
    let text = std::fs::read_to_string(&file).expect("the customisation is readable");
    let customisation = atlas_codegen::config::parse(&name, &text).unwrap_or_else(|d| panic!("{name}: {d}"));
    atlas_codegen::Options { customisation, ..Default::default() }
}

/// Every edge-case description of `tests/fixtures/good` split over several files (a folder whose root
/// is `openapi.yaml`), read from its path so the bundler follows its `$ref`s to the other files: the
/// same snapshots as a one-file fixture, in `tests/snapshots/good/<folder>/`.
#[test]
fn multi_file_fixture_snapshots() {
    let good = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    let mut roots: Vec<std::path::PathBuf> = std::fs::read_dir(&good)
        .expect("fixtures/good is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path().join("openapi.yaml")))
        .filter(|root| root.is_file())
        .collect();
    roots.sort();
    assert!(!roots.is_empty(), "no multi-file fixture under {}", good.display());
    let options = atlas_codegen::Options::default();
    for root_file in roots {
        let dir = root_file.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).expect("a folder");
        let name = format!("{dir}/openapi.yaml");
        let folder = format!("good/{dir}");
        let (api, warnings) =
            atlas_codegen::lower_path_with(&root_file, &name, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        assert!(warnings.items().is_empty(), "{name}: {warnings}");
        assert_yaml_snapshot(&folder, "ir", &api);
        let generated =
            atlas_codegen::generate_path(&root_file, &name, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        let laid_out = |f: &&GeneratedFile| {
            ["src/models/", "src/operations/", "src/mock/"].iter().any(|dir| f.path.starts_with(dir))
                || f.path == "API.md"
        };
        for file in generated.files.iter().filter(laid_out) {
            assert_text_snapshot(&folder, &file.path, &file.contents);
        }
    }
}
