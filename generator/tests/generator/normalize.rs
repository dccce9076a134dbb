//! The normalising stage end to end: documents that are not OpenAPI 3.0 YAML (JSON with surrogate-pair
//! escapes and integer bounds beyond `i64`, OpenAPI 3.1) generate, and what the normaliser changed is
//! a warning at the pointer the user wrote.

use atlas_codegen::Severity;
use std::path::Path;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)).unwrap()
}

#[test]
fn a_json_file_with_surrogate_pair_escapes_and_bounds_beyond_i64_generates() {
    let name = "emoji_and_wide_bounds.json";
    let text = fixture("json/emoji_and_wide_bounds.json");
    let (api, warnings) = atlas_codegen::lower_spec(name, &text).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(api.title, "Emoji \u{1f600} API");
    let counter = api.schemas.iter().find(|s| s.name == "Counter").expect("Counter");
    let atlas_codegen::ir::SchemaKind::Struct { fields } = &counter.kind else { panic!("{counter:?}") };
    let value = fields.iter().find(|f| f.name == "value").expect("value");
    // JSON tools print i64::MIN as -9223372036854776000: read as i64::MIN; the maximum is beyond i64::MAX.
    assert_eq!(value.constraints.minimum, Some(i64::MIN as f64), "{value:?}");
    let at_maximum: Vec<_> = warnings
        .items()
        .iter()
        .filter(|d| d.pointer == "/components/schemas/Counter/properties/value/maximum")
        .collect();
    assert_eq!(at_maximum.len(), 1, "{warnings}");
    assert_eq!(at_maximum[0].severity, Severity::Warning);
    assert!(atlas_codegen::generate(name, &text).is_ok());
    // Read as YAML (a `.yaml` name), the escapes are refused: the extension decides.
    assert!(atlas_codegen::lower_spec("emoji.yaml", &text).is_err());
}

#[test]
fn the_3_1_fixture_warns_about_each_thing_it_changed_at_the_users_pointer() {
    let name = "openapi_3_1.yaml";
    let (_, warnings) =
        atlas_codegen::lower_spec(name, &fixture("good/openapi_3_1.yaml")).unwrap_or_else(|d| panic!("{d}"));
    let at = |pointer: &str| warnings.items().iter().any(|d| d.pointer == pointer && d.file == name);
    assert!(at("/webhooks"), "{warnings}");
    assert!(at("/components/schemas/Pet/properties/microchip/required"), "{warnings}");
    assert!(at("/components/schemas/Pet/properties/status/enum"), "{warnings}");
}

#[test]
fn diagnostics_about_a_hoisted_node_name_the_node_the_user_wrote() {
    let text = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Tag:
      allOf:
        - {type: object, properties: {kind: {type: string, minLength: 5, maxLength: 2}}}
    Pet:
      type: object
      properties:
        tag: {$ref: "#/components/schemas/Tag/allOf/0"}
"##;
    let diags = atlas_codegen::lower_spec("s.yaml", text).expect_err("minLength above maxLength");
    let pointers: Vec<&str> =
        diags.items().iter().filter(|d| d.severity == Severity::Error).map(|d| d.pointer.as_str()).collect();
    assert!(pointers.iter().all(|p| !p.contains("Tag_allOf_0")), "{diags}");
    assert!(pointers.iter().any(|p| p.starts_with("/components/schemas/Tag/allOf/0/properties/kind")), "{diags}");
}

#[test]
fn normalising_is_deterministic() {
    let text = fixture("good/openapi_3_1.yaml");
    let a = atlas_codegen::generate("openapi_3_1.yaml", &text).unwrap();
    let b = atlas_codegen::generate("openapi_3_1.yaml", &text).unwrap();
    assert_eq!(a.files, b.files);
    assert_eq!(a.warnings.to_string(), b.warnings.to_string());
}

/// The fixtures of the corpus's document-level mistakes (Slack, Weaviate, Docusign, the OAI's 3.1
/// example) generate, each mistake a warning at the pointer the user wrote that says what was assumed.
#[test]
fn real_world_mistakes_are_warnings_at_the_users_pointer() {
    let expected: &[(&str, &[(&str, &str)])] = &[
        (
            "items_list.yaml",
            &[
                ("/definitions/Channel/properties/latest/items", "one of the listed schemas or null"),
                ("/definitions/Channel/properties/pins/items", "each item is read as one of the listed schemas"),
                ("/definitions/Conversation/items", "the value is read as one of the listed schemas"),
            ],
        ),
        (
            "type_list.yaml",
            &[
                ("/definitions/User/properties/createdAt/type", "read as `type: string`, `nullable: true`"),
                ("/definitions/User/properties/contentHtml/type", "any JSON value, `nullable: true`"),
            ],
        ),
        (
            "missing_schema_ref.yaml",
            &[
                ("/definitions/Witness/properties/offlineAttributes/$ref", "`offlineAttributes`, which is not defined"),
                ("/definitions/Witness/properties/documents/items/$ref", "any JSON value"),
                ("/definitions/Witness/properties/tag/$ref", "points to nothing"),
                ("/definitions/Witness/properties/signer/$ref", "read as `Person`"),
            ],
        ),
        ("untyped_parameter.yaml", &[("/paths/~1users/get/parameters/0", "read as `type: string`")]),
        ("no_responses.yaml", &[("/paths/~1users/get/responses", "returns `()`")]),
    ];
    for (name, warnings) in expected {
        let (_, found) = atlas_codegen::lower_spec(name, &fixture(&format!("good/{name}")))
            .unwrap_or_else(|d| panic!("{name}: {d}"));
        for (pointer, phrase) in *warnings {
            let hit = found.items().iter().any(|d| {
                d.severity == Severity::Warning
                    && d.file == *name
                    && d.pointer == *pointer
                    && d.message.contains(phrase)
            });
            assert!(hit, "{name}: no warning at `{pointer}` saying `{phrase}`:\n{found}");
        }
    }
}
