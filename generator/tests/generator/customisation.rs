//! The customisation file (`atlas-codegen.toml`) and its library form: the errors a user sees for a
//! bad file (one snapshot per `tests/fixtures/bad_config/*.toml`, each applied to
//! `good/customised.yaml`), and that the file and `Options::customisation` are the same thing. What a
//! good file makes is in the `good/customised` snapshots and `customised.behaviour.rs`.

use atlas_codegen::config::{self, ConfigFile, Customisation};
use atlas_codegen::Options;
use std::path::Path;

const SPEC: &str = "tests/fixtures/good/customised.yaml";

/// Lowers the customised fixture with `options` (paths relative to the package, where tests run).
fn lower(options: &Options) -> Result<atlas_codegen::ir::Api, String> {
    atlas_codegen::lower_path_with(Path::new(SPEC), "customised.yaml", options)
        .map(|(api, _)| api)
        .map_err(|d| d.to_string())
}

fn with_file(file: &str) -> Options {
    Options { config_file: ConfigFile::Path(file.into()), ..Options::default() }
}

#[test]
fn bad_files_render_readable_diagnostics() {
    let configs = super::fixtures_in("bad_config", "toml");
    assert!(configs.len() >= 4, "{configs:?}");
    for path in configs {
        let name = path.file_name().and_then(|n| n.to_str()).expect("a file name").to_owned();
        let relative = format!("tests/fixtures/bad_config/{name}");
        let error = lower(&with_file(&relative)).expect_err(&name);
        // Every error names the file it is about, with a line.
        assert!(error.contains(&format!("--> {relative}:")), "{name}:\n{error}");
        super::assert_text_snapshot("bad_config", name.trim_end_matches(".toml"), &error);
    }
}

#[test]
fn the_file_beside_the_spec_is_read_and_can_be_left_out() {
    let beside = lower(&Options::default()).unwrap();
    assert!(beside.operations.iter().any(|op| op.rust_name == "release"), "the file beside the spec applies");
    assert!(beside.schemas.iter().all(|s| s.rust_name != "Stats"), "the selection leaves `Stats` out");
    let ignored = lower(&Options { config_file: ConfigFile::Ignore, ..Options::default() }).unwrap();
    assert!(ignored.operations.iter().any(|op| op.rust_name == "get_release_by_version"));
    assert!(ignored.schemas.iter().any(|s| s.rust_name == "Stats"));
}

#[test]
fn library_options_are_the_file() {
    let text = std::fs::read_to_string("tests/fixtures/good/customised.atlas-codegen.toml").unwrap();
    let from_file = config::parse("customised.atlas-codegen.toml", &text).unwrap();
    let mut by_hand = Customisation::default();
    by_hand.select.tags = vec!["Releases".into(), "Mirrors".into()];
    by_hand.rename.types.insert("Release".into(), "ReleaseInfo".into());
    by_hand.rename.operations.insert("getReleaseByVersion".into(), "release".into());
    by_hand.replace.schemas.insert("SemVer".into(), "semver::Version".into());
    by_hand.replace.formats.insert("ipv4".into(), "std::net::Ipv4Addr".into());
    by_hand.derives.all = vec!["Eq".into(), "Hash".into()];
    by_hand.derives.schemas.insert("Mirror".into(), vec!["Ord".into(), "schemars::JsonSchema".into()]);
    by_hand.derives.schemas.insert("Channel".into(), vec!["schemars::JsonSchema".into()]);
    by_hand.dependencies.insert(
        "semver".into(),
        config::Dependency { version: Some("1".into()), features: vec!["serde".into()], ..Default::default() },
    );
    by_hand
        .dependencies
        .insert("schemars".into(), config::Dependency { version: Some("1".into()), ..Default::default() });
    assert_eq!(Customisation { origin: None, ..from_file.clone() }, by_hand);
    let spec = std::fs::read_to_string(SPEC).unwrap();
    let options = Options { customisation: by_hand, ..Options::default() };
    let (by_options, _) = atlas_codegen::lower_spec_with("customised.yaml", &spec, &options).unwrap();
    assert_eq!(by_options, lower(&Options::default()).unwrap());
    // Both at once would leave it unclear which applies.
    let error = lower(&options).unwrap_err();
    assert!(error.contains("both in this file and in `Options::customisation`"), "{error}");
}

#[test]
fn library_options_are_checked_like_the_file() {
    let spec = std::fs::read_to_string(SPEC).unwrap();
    let mut custom = Customisation::default();
    custom.replace.schemas.insert("Mirorr".into(), "my types::Mirror".into());
    let options = Options { customisation: custom, ..Options::default() };
    let error = atlas_codegen::lower_spec_with("customised.yaml", &spec, &options).unwrap_err().to_string();
    assert!(error.contains("--> Options::customisation#/replace/schemas/Mirorr"), "{error}");
    assert!(error.contains("`my types::Mirror` is not a Rust type"), "{error}");
    assert!(error.contains("no schema `Mirorr`") && error.contains("did you mean `Mirror`?"), "{error}");
}

#[test]
fn a_derive_through_a_vec_of_a_type_without_it_names_the_field() {
    let spec = std::fs::read_to_string(SPEC).unwrap();
    let mut custom = Customisation::default();
    custom.derives.schemas.insert("Release".into(), vec!["PartialOrd".into()]);
    let options = Options { customisation: custom.clone(), ..Options::default() };
    // `Channel` is an open enum (ordered already) and `SemVer` a validated string: fine.
    let (api, _) = atlas_codegen::lower_spec_with("customised.yaml", &spec, &options).unwrap();
    let release = api.schemas.iter().find(|s| s.rust_name == "Release").unwrap();
    assert_eq!(release.derives, ["PartialOrd"]);
    let channel = api.schemas.iter().find(|s| s.rust_name == "Channel").unwrap();
    assert!(channel.derives.is_empty());
    // `Dashboard` holds `Stats` by value, `Stats` an `f64`: `Eq` is blocked one type down.
    custom.derives.schemas.insert("Dashboard".into(), vec!["Eq".into()]);
    let options = Options { customisation: custom, ..Options::default() };
    let error = atlas_codegen::lower_spec_with("customised.yaml", &spec, &options).unwrap_err().to_string();
    assert!(error.contains("field `stats`"), "{error}");
    assert!(error.contains("field `load`") && error.contains("`f64` has no `Eq`"), "{error}");
}

#[test]
fn a_users_format_mapping_wins_over_the_generators_own() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x'}]\npaths: {}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        id: {type: string, format: uuid}\n        at: {type: string, format: date-time}\n";
    let field = |options: &Options, name: &str| {
        let (api, _) = atlas_codegen::lower_spec_with("t.yaml", spec, options).unwrap();
        let thing = api.schemas.iter().find(|s| s.rust_name == "Thing").unwrap();
        thing.fields().iter().find(|f| f.name == name).unwrap().ty.to_string()
    };
    let plain = Options::default();
    assert_eq!((field(&plain, "id"), field(&plain, "at")), ("uuid".to_owned(), "date-time".to_owned()));
    let mut custom = Customisation::default();
    custom.replace.formats.insert("uuid".into(), "my_types::Id".into());
    let mapped = Options { customisation: custom, ..Options::default() };
    assert_eq!((field(&mapped, "id"), field(&mapped, "at")), ("my_types::Id".to_owned(), "date-time".to_owned()));
}
