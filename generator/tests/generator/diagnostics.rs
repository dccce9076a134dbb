//! What the generator tells a user about a broken spec: every fixture under `tests/fixtures/bad` must
//! fail to lower with a compiler-style report (snapshotted, so a reviewer reads each message as a user
//! would) and with an error at the JSON pointer of the offending node. The fixtures under
//! `tests/fixtures/good` hold legal corner cases (keywords, leading digits) that must generate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use atlas_codegen::Severity;

/// Each bad fixture, the pointer one of its errors must have, and a phrase its message must contain.
const EXPECTED: &[(&str, &str, &str)] = &[
    (
        "all_of_disjoint_enums.yaml",
        "/components/schemas/Thing/allOf",
        "the `enum` of `/components/schemas/Thing/allOf/1` has no value in common",
    ),
    (
        "all_of_object_with_scalar_one_of.yaml",
        "/components/schemas/Thing/oneOf/0",
        "both an object (`/components/schemas/Base`) and a string (`/components/schemas/Thing/oneOf/0`)",
    ),
    (
        "all_of_type_conflict.yaml",
        "/components/schemas/Thing/allOf",
        "both a string (`/components/schemas/Id`) and an integer (`/components/schemas/Thing/allOf/1`)",
    ),
    (
        "codegen_omit_on_path_param.yaml",
        "/paths/~1things~1{id}/get/parameters/1/x-codegen-omit",
        "needs an optional query parameter and a reason",
    ),
    ("cookie_parameter.yaml", "/paths/~1things/get/parameters/0", "cookie"),
    ("dangling_parameter_ref.yaml", "/paths/~1things/get/parameters/0/$ref", "points to nothing"),
    ("dangling_pointer.yaml", "/paths/~1things~1{id}/delete/responses/404/$ref", "points to nothing"),
    (
        "default_out_of_bounds.yaml",
        "/components/parameters/pageSize/schema/default",
        "the default 1000 of parameter `pageSize` is outside its own bounds",
    ),
    ("duplicate_operation_ids.yaml", "/paths/~1other-things/get/operationId", "already used by `GET /things`"),
    ("empty_request_body.yaml", "/paths/~1things/post/requestBody/content", "lists no media type"),
    ("infinite_bound.yaml", "/components/schemas/Thing/properties/size/maximum", "`.inf` and `.nan`"),
    ("invalid_regex.yaml", "/components/schemas/Thing/properties/name/pattern", "unclosed group"),
    ("malformed_yaml.yaml", "", "not valid YAML"),
    (
        "min_length_above_max_length.yaml",
        "/components/schemas/Thing/properties/name/minLength",
        "minLength 8 is greater than maxLength 4",
    ),
    (
        "minimum_above_maximum.yaml",
        "/components/schemas/Thing/properties/count/minimum",
        "minimum 10 is greater than maximum 5",
    ),
    // In `missing_file/schemas/pet.yaml`, the file that holds the `$ref`.
    (
        "missing_file/openapi.yaml",
        "/properties/owner/$ref",
        "refers to `missing_file/schemas/owner.yaml`, which does not exist",
    ),
    ("parameter_ref_cycle.yaml", "/components/parameters/b/$ref", "a -> b -> a"),
    ("parameter_shape_error.yaml", "/paths/~1things/get/parameters/0/required", "expected a boolean"),
    ("path_param_not_in_template.yaml", "/paths/~1things/get/parameters/0", "does not appear in the path `/things`"),
    ("paths_not_a_mapping.yaml", "/paths", "expected a mapping"),
    (
        "remote_ref/openapi.yaml",
        "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
        "is a remote reference; atlas-codegen reads only local files",
    ),
    ("schema_alias_cycle.yaml", "/components/schemas/Thing", "contains itself"),
    ("template_param_undeclared.yaml", "/paths/~1things~1{thingId}/get", "declares no path parameter `thingId`"),
    ("unsendable_parameters.yaml", "/paths/~1things~1{where}/get/parameters/1/schema", "cannot be sent in the query"),
    ("unsupported_version.yaml", "/openapi", "`3.2.0` is not supported"),
];

fn fixture(dir: &str, name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(dir).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_str().unwrap().to_owned()
}

/// Lowers the bad fixture `name`: a file, or the root file of one split over several files
/// (`<folder>/openapi.yaml`), read from its path so the bundler follows its `$ref`s.
fn lower_bad(name: &str) -> Result<(atlas_codegen::ir::Api, atlas_codegen::Diagnostics), atlas_codegen::Diagnostics> {
    if name.contains('/') {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name);
        atlas_codegen::lower_path_with(&path, name, &atlas_codegen::Options::default())
    } else {
        atlas_codegen::lower_spec(name, &fixture("bad", name))
    }
}

/// Whether `generate` (from the path, for a folder) refuses the bad fixture `name` too.
fn generate_fails(name: &str) -> bool {
    if name.contains('/') {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name);
        atlas_codegen::generate_path(&path, name, &atlas_codegen::Options::default()).is_err()
    } else {
        atlas_codegen::generate(name, &fixture("bad", name)).is_err()
    }
}

/// The bad fixtures split over several files: `bad/<folder>/openapi.yaml`, named `<folder>/openapi.yaml`.
fn bad_folders() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("openapi.yaml").is_file())
        .map(|p| format!("{}/openapi.yaml", file_name(&p)))
        .collect();
    found.sort();
    found
}

/// The rendered report of every bad fixture, one snapshot each (`tests/snapshots/bad/<fixture>.snap`).
#[test]
fn bad_specs_render_readable_diagnostics() {
    for path in super::fixtures_in("bad", "yaml") {
        let name = file_name(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let diags = match atlas_codegen::lower_spec(&name, &text) {
            Ok(_) => panic!("{name} lowered without errors"),
            Err(diags) => diags,
        };
        assert!(diags.has_errors(), "{name}: {diags}");
        super::assert_text_snapshot("bad", name.trim_end_matches(".yaml"), &diags.to_string());
    }
    // Those split over several files: `tests/snapshots/bad/<folder>.snap`.
    let folders = bad_folders();
    assert!(!folders.is_empty(), "no multi-file bad fixture");
    for name in folders {
        let diags = match lower_bad(&name) {
            Ok(_) => panic!("{name} lowered without errors"),
            Err(diags) => diags,
        };
        assert!(diags.has_errors(), "{name}: {diags}");
        super::assert_text_snapshot("bad", name.trim_end_matches("/openapi.yaml"), &diags.to_string());
    }
}

#[test]
fn bad_specs_fail_at_the_expected_pointer() {
    for (name, pointer, phrase) in EXPECTED {
        let diags = match lower_bad(name) {
            Ok(_) => panic!("{name} lowered without errors"),
            Err(diags) => diags,
        };
        let hit = diags
            .items()
            .iter()
            .any(|d| d.severity == Severity::Error && d.pointer == *pointer && d.message.contains(phrase));
        assert!(hit, "{name}: no error at `{pointer}` mentioning `{phrase}`:\n{diags}");
        // `generate` stops at the same errors.
        assert!(generate_fails(name), "{name}");
    }
}

#[test]
fn every_bad_fixture_has_an_expected_pointer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    // A folder stands for its root file.
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { format!("{}/openapi.yaml", file_name(&p)) } else { file_name(&p) })
        .collect();
    on_disk.sort();
    let listed: Vec<String> = EXPECTED.iter().map(|(n, _, _)| (*n).to_owned()).collect();
    assert_eq!(on_disk, listed, "keep EXPECTED sorted and in step with tests/fixtures/bad");
}

#[test]
fn yaml_syntax_errors_carry_line_and_column() {
    let diags = atlas_codegen::lower_spec("malformed_yaml.yaml", &fixture("bad", "malformed_yaml.yaml")).unwrap_err();
    let d = &diags.items()[0];
    assert_eq!(d.location, Some((10, 16)), "{diags}");
    assert!(d.message.contains("flow sequence that starts at line 9"), "{diags}");
    let diags =
        atlas_codegen::lower_spec("paths_not_a_mapping.yaml", &fixture("bad", "paths_not_a_mapping.yaml")).unwrap_err();
    assert_eq!(diags.items()[0].location, Some((4, 8)), "{diags}");
}

/// Properties and parameters named after Rust keywords or starting with digits are legal; they get
/// sanitized identifiers and keep their wire names in `serde_struct!`.
#[test]
fn keywords_and_leading_digits_generate() {
    let generated = atlas_codegen::generate("keywords_and_digits.yaml", &fixture("good", "keywords_and_digits.yaml"))
        .unwrap_or_else(|d| panic!("{d}"));
    // Every file of a folder (`src/models/`), one after the other.
    let file = |dir: &str| {
        generated.files.iter().filter(|f| f.path.starts_with(dir)).map(|f| f.contents.as_str()).collect::<String>()
    };
    let models = file("src/models/");
    for expected in [
        // The sanitized field and its wire name.
        "#[non_exhaustive]\n    pub struct Thing {",
        "pub type_: Option<String> as \"type\" default omit,",
        "pub self_: Option<String> as \"self\" default omit,",
        "pub match_: Option<bool> as \"match\" default omit,",
        "pub _3d_model: Option<String> as \"3dModel\" default omit,",
        "pub kind: Option<V2ndKind> as \"kind\" default omit,",
        "pub enum V2ndKind {",
        "Type = \"type\",",
        "Self_ = \"self\",",
        "V1st = \"1st\",",
    ] {
        assert!(models.contains(expected), "models.rs lacks {expected:?}:\n{models}");
    }
    let operations = file("src/operations/");
    for expected in [
        "pub fn get_thing(&self, self_: impl Into<String>) -> GetThing<'_>",
        "type_: Option<String>,",
        "match_: Option<i64>,",
        "_2fa: Option<bool>,",
    ] {
        assert!(operations.contains(expected), "operations.rs lacks {expected:?}:\n{operations}");
    }
    assert!(generated.warnings.items().is_empty(), "{}", generated.warnings);
}

/// The runtime reads error bodies itself, so a spec may define `ApiError` as Atlas' official spec
/// does (required `errorCode`, `badRequestDetail`), or not at all.
#[test]
fn api_error_is_an_ordinary_model() {
    let generated = atlas_codegen::generate("official_api_error.yaml", &fixture("good", "official_api_error.yaml"))
        .unwrap_or_else(|d| panic!("{d}"));
    let models = &generated
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/models/"))
        .map(|f| f.contents.as_str())
        .collect::<String>();
    assert!(models.contains("pub struct ApiError {"), "{models}");
    assert!(models.contains("pub struct FieldViolation {"), "{models}");
    let without = fixture("good", "official_api_error.yaml")
        .replace("schema: {$ref: \"#/components/schemas/ApiError\"}", "schema: {type: object}");
    let without = without.split("    ApiError:").next().unwrap().to_owned()
        + "    Thing:\n      type: object\n      properties:\n        id: {type: string}\n";
    let generated = atlas_codegen::generate("no_api_error.yaml", &without).unwrap_or_else(|d| panic!("{d}\n{without}"));
    let models = &generated
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/models/"))
        .map(|f| f.contents.as_str())
        .collect::<String>();
    assert!(!models.contains("ApiError"), "{models}");
}

/// The keywords a test may see without a diagnostic: documentation, composition (rejected or
/// handled by lowering itself), and those the generator turns into code, by the schema's `type`.
const DOCS: &[&str] = &["description", "title", "example", "examples", "externalDocs", "deprecated", "xml", "default"];

fn turned_into_code(keyword: &str, schema: &serde_json::Map<String, serde_json::Value>) -> bool {
    let docs = DOCS;
    let shared =
        ["type", "nullable", "readOnly", "writeOnly", "format", "allOf", "oneOf", "anyOf", "not", "discriminator"];
    if docs.contains(&keyword) || shared.contains(&keyword) || keyword.starts_with("x-") {
        return true;
    }
    let props = schema.get("properties").and_then(|p| p.as_object()).is_some_and(|p| !p.is_empty());
    match schema.get("type").and_then(|t| t.as_str()) {
        Some("string") => ["pattern", "minLength", "maxLength", "enum"].contains(&keyword),
        Some("integer") => ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"].contains(&keyword),
        Some("number") => ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"].contains(&keyword),
        Some("array") => ["items", "minItems", "maxItems", "uniqueItems"].contains(&keyword),
        Some("object") | None => {
            ["properties", "required"].contains(&keyword) || (keyword == "additionalProperties" && !props)
        }
        _ => false,
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Every schema of a document with its pointer: `components/schemas` entries and the value of every
/// `schema` key outside schemas (parameters, media types, headers), each with the schemas inside it.
fn schemas_in(
    root: &serde_json::Value,
    at: &str,
    value: &serde_json::Value,
    out: &mut Vec<(String, serde_json::Value)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let here = format!("{at}/{}", escape(key));
                if ["example", "examples"].contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                } else if key == "schema" {
                    schema_tree(root, &here, inner, out);
                } else if at == "/components" && key == "schemas" {
                    for (name, schema) in inner.as_object().into_iter().flatten() {
                        schema_tree(root, &format!("{here}/{}", escape(name)), schema, out);
                    }
                } else {
                    schemas_in(root, &here, inner, out);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                schemas_in(root, &format!("{at}/{i}"), item, out);
            }
        }
        _ => {}
    }
}

/// A schema and the schemas inside it.
fn schema_tree(
    root: &serde_json::Value,
    at: &str,
    schema: &serde_json::Value,
    out: &mut Vec<(String, serde_json::Value)>,
) {
    let Some(map) = schema.as_object() else { return };
    out.push((at.to_owned(), schema.clone()));
    if map.contains_key("$ref") {
        return;
    }
    for (name, property) in map.get("properties").and_then(|p| p.as_object()).into_iter().flatten() {
        schema_tree(root, &format!("{at}/properties/{}", escape(name)), property, out);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = map.get(key) {
            schema_tree(root, &format!("{at}/{key}"), inner, out);
        }
    }
    let members = |key: &str| map.get(key).and_then(|m| m.as_array()).into_iter().flatten();
    // An `allOf` member without a `type` constrains the type its siblings (or the schema) name.
    let named = |m: &serde_json::Value| {
        let target = match m.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => root.pointer(r.strip_prefix('#')?)?,
            None => m,
        };
        target.get("type").cloned()
    };
    let inherited = map.get("type").cloned().or_else(|| members("allOf").find_map(named));
    for (i, member) in members("allOf").enumerate() {
        let mut member = member.clone();
        if let (Some(m), Some(ty)) = (member.as_object_mut(), &inherited) {
            if !m.contains_key("type") && !m.contains_key("$ref") {
                m.insert("type".to_owned(), ty.clone());
            }
        }
        schema_tree(root, &format!("{at}/allOf/{i}"), &member, out);
    }
    for key in ["oneOf", "anyOf"] {
        for (i, member) in members(key).enumerate() {
            schema_tree(root, &format!("{at}/{key}/{i}"), member, out);
        }
    }
}

/// Nothing is dropped silently: in every spec that generates (the good fixtures and the Atlas spec),
/// each schema keyword the generator does not turn into code, and each media type beyond the one the
/// client uses, has a diagnostic at its own pointer.
#[test]
fn every_unenforced_keyword_is_reported() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    let mut specs: Vec<std::path::PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    specs.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    specs.sort();
    specs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/atlas-api-keys.yaml"));
    let mut reported = 0;
    let mut reported_bodies = 0;
    for spec in &specs {
        let text = std::fs::read_to_string(spec).unwrap();
        let name = file_name(spec);
        let (_, warnings) = atlas_codegen::lower_spec(&name, &text).unwrap_or_else(|d| panic!("{name}: {d}"));
        // The document the lowering reads is the normalised one (3.1 converted, pointers hoisted); its
        // diagnostics are moved back to where the user wrote each node.
        let spec = atlas_codegen::load::parse(&name, &text).unwrap_or_else(|d| panic!("{name}: {d}"));
        let raw = spec.raw.clone();
        let mut schemas = Vec::new();
        schemas_in(&raw, "", &raw, &mut schemas);
        let mut expected: Vec<String> = Vec::new();
        for (at, schema) in &schemas {
            let map = schema.as_object().unwrap();
            for key in map.keys() {
                let beside_ref = map.contains_key("$ref") && key != "$ref" && !DOCS.contains(&key.as_str());
                if beside_ref || (!map.contains_key("$ref") && !turned_into_code(key, map)) {
                    expected.push(spec.origins.resolve(&format!("{at}/{key}")).1);
                }
            }
        }
        // Every body with more than one media type: all but the one the client uses (the first, or
        // the chosen API version's) are reported as unused.
        let mut bodies = Vec::new();
        collect_contents("", &raw, &mut bodies);
        for (at, media_types) in bodies {
            let unused: Vec<String> = media_types.iter().map(|mt| format!("{at}/{}", escape(mt))).collect();
            let found = unused.iter().filter(|p| warnings.items().iter().any(|d| &d.pointer == *p)).count();
            assert!(found + 1 >= unused.len(), "{name}: of {unused:?} only {found} reported:\n{warnings}");
            reported_bodies += usize::from(unused.len() > 1);
            reported += unused.len().saturating_sub(1);
        }
        for pointer in &expected {
            assert!(
                warnings.items().iter().any(|d| &d.pointer == pointer),
                "{name}: nothing reports `{pointer}`:\n{warnings}"
            );
        }
        reported += expected.len();
    }
    // The corpus has a fixture for this (unenforced_keywords.yaml); an empty check proves nothing.
    assert!(reported >= 8, "only {reported} unenforced keywords found in the corpus");
    assert!(reported_bodies >= 2, "only {reported_bodies} bodies with several media types in the corpus");
}

/// Every `content` map of a request body or response, with its media types in order.
fn collect_contents(at: &str, value: &serde_json::Value, out: &mut Vec<(String, Vec<String>)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let here = format!("{at}/{}", escape(key));
                if ["schema", "schemas", "example", "examples"].contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                if let (true, Some(media_types)) = (key == "content", inner.as_object()) {
                    out.push((here.clone(), media_types.keys().cloned().collect()));
                }
                collect_contents(&here, inner, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_contents(&format!("{at}/{i}"), item, out);
            }
        }
        _ => {}
    }
}

/// Operation shapes that generate but deserve a word (issue 18): each is a warning at its pointer,
/// saying what the client does instead.
#[test]
fn operation_fallbacks_are_warnings_at_their_pointers() {
    let name = "operations.yaml";
    let text = fixture("good", name);
    let (api, warnings) = atlas_codegen::lower_spec(name, &text).unwrap_or_else(|d| panic!("{d}"));
    for (pointer, phrase) in [
        ("/paths/~1unnamed~1{id}/get", "has no operationId; its method is named `get_unnamed_id`"),
        ("/paths/~1thing-create/post/operationId", "is named `ThingCreateRequest`"),
        ("/paths/~1default-only/get/responses/default", "its `default` response is taken as the success response"),
        ("/paths/~1redirect/get/responses", "has no success (2xx) response"),
    ] {
        let hit = warnings
            .items()
            .iter()
            .any(|d| d.severity == Severity::Warning && d.pointer == pointer && d.message.contains(phrase));
        assert!(hit, "no warning at `{pointer}` mentioning `{phrase}`:\n{warnings}");
    }
    let names: Vec<(&str, &str)> =
        api.operations.iter().map(|o| (o.rust_name.as_str(), o.builder_name.as_str())).collect();
    assert!(names.contains(&("get_unnamed_id", "GetUnnamedId")), "{names:?}");
    assert!(names.contains(&("thing_create", "ThingCreateRequest")), "{names:?}");
}

/// `style: deepObject` on an array (defined for objects only) is read as `name[]=item` pairs with a
/// warning at the `style`, and the wire name says so; `explode: false` on a deepObject is a warning too,
/// and so are objects nested in a `form` parameter (sent as their JSON text).
#[test]
fn query_style_readings_are_warnings() {
    let name = "query_styles.yaml";
    let (api, warnings) = atlas_codegen::lower_spec(name, &fixture("good", name)).unwrap_or_else(|d| panic!("{d}"));
    let pointer = "/paths/~1things/get/parameters/9/style";
    let hit = warnings.items().iter().any(|d| {
        d.severity == Severity::Warning
            && d.pointer == pointer
            && d.message.contains("sent as `include[]=a&include[]=b`")
    });
    assert!(hit, "no warning at `{pointer}`:\n{warnings}");
    // Objects inside a `form` parameter (array items, a property) are JSON texts, said at their pointer.
    for pointer in
        ["/paths/~1things/get/parameters/6/schema/items", "/paths/~1things/get/parameters/0/schema/properties/near"]
    {
        let hit = warnings.items().iter().any(|d| d.pointer == pointer && d.message.contains("sent as its JSON text"));
        assert!(hit, "no warning at `{pointer}`:\n{warnings}");
    }
    let include = api.operations[0].params.iter().find(|p| p.rust_name == "include").unwrap();
    assert_eq!(include.name, "include[]");
    assert!(include.array.as_ref().is_some_and(|a| a.explode), "{include:?}");
    let text = fixture("good", name)
        .replace("style: deepObject\n          explode: true", "style: deepObject\n          explode: false");
    let (_, warnings) = atlas_codegen::lower_spec(name, &text).unwrap_or_else(|d| panic!("{d}"));
    let pointer = "/paths/~1things/get/parameters/3/explode";
    assert!(
        warnings.items().iter().any(|d| d.pointer == pointer && d.message.contains("`metadata[key]=value`")),
        "{warnings}"
    );
}

/// Constraints on the items of an array field are checked when the items are scalars; on items that
/// are themselves arrays they are not, and the warning says so at the items' pointer.
#[test]
fn item_constraints_the_client_cannot_check_are_a_warning() {
    let name = "unenforced_keywords.yaml";
    let (api, warnings) = atlas_codegen::lower_spec(name, &fixture("good", name)).unwrap_or_else(|d| panic!("{d}"));
    let pointer = "/components/schemas/Thing/properties/grid/items";
    let hit = warnings
        .items()
        .iter()
        .any(|d| d.severity == Severity::Warning && d.pointer == pointer && d.message.contains("at least 2 items"));
    assert!(hit, "no warning at `{pointer}`:\n{warnings}");
    let thing = api.schemas.iter().find(|s| s.rust_name == "Thing").unwrap();
    let atlas_codegen::ir::SchemaKind::Struct { fields } = &thing.kind else { panic!("{thing:?}") };
    let grid = fields.iter().find(|f| f.name == "grid").unwrap();
    assert!(grid.item_constraints.is_empty(), "{grid:?}");
}

/// API versions: the newest stable by default, the newest at or before a pinned date, the preview only
/// when asked; an operation a pin leaves without a version is left out, and a chosen version whose
/// sunset is not after the reference date is a warning.
#[test]
fn api_versions_are_chosen_per_operation() {
    let name = "versions.yaml";
    let text = fixture("good", name);
    let chosen = |options: &atlas_codegen::Options| {
        let (api, warnings) = atlas_codegen::lower_spec_with(name, &text, options).unwrap_or_else(|d| panic!("{d}"));
        let ops: Vec<(String, String, String)> = api
            .operations
            .iter()
            .map(|o| {
                let body = o.body.as_ref().map(|b| b.ty.to_string()).unwrap_or_default();
                (o.id.clone(), o.api_version.as_ref().map(|v| v.version.clone()).unwrap_or_default(), body)
            })
            .collect();
        (ops, api, warnings)
    };
    let (ops, api, _) = chosen(&atlas_codegen::Options::default());
    assert_eq!(ops[0], ("createWidget".into(), "2025-03-12".into(), "WidgetV3".into()));
    assert_eq!(api.operations[0].accept, "application/vnd.atlas.2025-03-12+json");
    assert_eq!(api.operations[0].body.as_ref().unwrap().media_type, "application/vnd.atlas.2025-03-12+json");
    assert_eq!(api.operations[0].success().unwrap().ty.as_ref().unwrap().to_string(), "WidgetV3");
    assert_eq!(ops.len(), 2);

    let pinned = atlas_codegen::Options { api_version: Some("2024-10-01".into()), ..Default::default() };
    let (ops, api, warnings) = chosen(&pinned);
    assert_eq!(ops, vec![("createWidget".into(), "2024-08-05".into(), "WidgetV2".into())]);
    assert_eq!(api.operations[0].success().unwrap().ty.as_ref().unwrap().to_string(), "WidgetV2");
    assert!(
        warnings.items().iter().any(|d| d.pointer == "/paths/~1gadgets/get" && d.message.contains("is left out")),
        "{warnings}"
    );

    let sunset = atlas_codegen::Options { api_version: Some("2024-07-01".into()), ..Default::default() };
    let (ops, api, warnings) = chosen(&sunset);
    assert_eq!(ops[0].1, "2023-01-01");
    assert_eq!(api.operations[0].api_version.as_ref().unwrap().sunset.as_deref(), Some("2024-06-01"));
    assert!(
        warnings
            .items()
            .iter()
            .any(|d| d.pointer == "/paths/~1widgets/post" && d.message.contains("sunset date `2024-06-01`")),
        "{warnings}"
    );

    let preview = atlas_codegen::Options { preview: true, ..Default::default() };
    let (ops, _, _) = chosen(&preview);
    assert_eq!(ops[0], ("createWidget".into(), "preview".into(), "WidgetPreview".into()));
    assert_eq!(ops[1].1, "2025-03-12");
}

/// `nullable` is honoured wherever a value has a schema; where the client cannot honour it (a
/// parameter, an `allOf` member) it is a warning at its pointer, never dropped silently, and a `null`
/// in a nullable enum is the `None` of its references rather than an error.
#[test]
fn nullable_the_client_cannot_honour_is_a_warning_at_its_pointer() {
    let name = "nullable.yaml";
    let (api, warnings) = atlas_codegen::lower_spec(name, &fixture("good", name)).unwrap_or_else(|d| panic!("{d}"));
    let at = "/paths/~1task/get/parameters/0/schema/nullable";
    assert!(
        warnings
            .items()
            .iter()
            .any(|d| d.severity == Severity::Warning && d.pointer == at && d.message.contains("`q`")),
        "{warnings}"
    );
    let get_task = api.operations.iter().find(|o| o.id == "getTask").expect("getTask");
    assert_eq!(get_task.params[0].ty.to_string(), "string", "the parameter is sent as a plain value");
    assert_eq!(get_task.output.cases[0].payload.json().map(ToString::to_string).as_deref(), Some("MaybeTask?"));
    // Two nullable `oneOf` members (`null` matches both) and a nullable variant beside `allOf` (the
    // `allOf` part admits no `null`) are warnings at the member's `nullable`.
    for (at, phrase) in [
        ("/components/schemas/Clash/oneOf/1/nullable", "members 0, 1 of `Clash` are each `nullable`"),
        ("/components/schemas/Tagged/oneOf/0/nullable", "on a `oneOf` variant beside `allOf` is ignored"),
    ] {
        assert!(
            warnings
                .items()
                .iter()
                .any(|d| d.severity == Severity::Warning && d.pointer == at && d.message.contains(phrase)),
            "no warning at {at}: {warnings}"
        );
    }
    // A nullable member of a folded `oneOf` of string enums makes the enum's values nullable.
    let holder = api.schemas.iter().find(|s| s.rust_name == "Holder").expect("Holder");
    let atlas_codegen::ir::SchemaKind::Struct { fields } = &holder.kind else { panic!("Holder is a struct") };
    let field = |name: &str| fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no field {name}"));
    assert_eq!(field("regions").ty.to_string(), "[Region?]");
    assert!(field("zone").nullable && field("clash").nullable, "{fields:?}");
    assert!(!field("tagged").nullable, "the variant's `nullable` is ignored");
    // Every other `nullable` of the fixture is honoured: those three warnings are the only ones about it.
    let about_nullable = warnings.items().iter().filter(|d| d.message.contains("nullable")).count();
    assert_eq!(about_nullable, 3, "{warnings}");

    let member = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Base: {type: object, properties: {id: {type: string}}}
    Both:
      allOf:
        - $ref: "#/components/schemas/Base"
        - {type: object, nullable: true, properties: {n: {type: integer}}}
    Strict: {type: string, enum: [a, null]}
"##;
    // `null` in an enum that is not `nullable`: its author meant a nullable enum (issue 31), read so
    // with a warning.
    let (api, diags) = atlas_codegen::lower_spec("member.yaml", member).expect("lenient reading");
    let hit = |pointer: &str, severity: Severity| {
        diags.items().iter().any(|d| d.pointer == pointer && d.severity == severity)
    };
    assert!(hit("/components/schemas/Both/allOf/1/nullable", Severity::Warning), "{diags}");
    assert!(hit("/components/schemas/Strict/enum", Severity::Warning), "{diags}");
    let strict = api.schemas.iter().find(|s| s.name == "Strict").expect("Strict lowers");
    assert!(matches!(&strict.kind, atlas_codegen::ir::SchemaKind::Enum { values } if values.len() == 1), "{strict:?}");
}

/// A schema without a single `type` is read as the type its keywords give it, or as any JSON value
/// when they name several; each says so with a warning at its own pointer.
#[test]
fn schemas_without_a_single_type_are_warnings_at_their_pointers() {
    let name = "untyped_schemas.yaml";
    let (_, warnings) = atlas_codegen::lower_spec(name, &fixture("good", name)).unwrap_or_else(|d| panic!("{d}"));
    let at = |p: &str| format!("/components/schemas/Widget{p}");
    for (pointer, phrase) in [
        (at(""), "(`properties`, `required`) say `object`"),
        (at("/properties/code"), "(`pattern`, `minLength`) say `string`"),
        (at("/properties/modalities"), "(`items`) say `array`"),
        (at("/properties/modalities/items"), "(`enum`) say `string`"),
        (at("/properties/size"), "say `integer`"),
        (at("/properties/ratio"), "(`minimum`) say `number`"),
        (at("/properties/meta"), "(`additionalProperties`) say `object`"),
        (at("/properties/either/type"), "several types (string, integer)"),
        (at("/properties/mixed"), "keywords of several types (object, array)"),
    ] {
        let hit = warnings
            .items()
            .iter()
            .any(|d| d.severity == Severity::Warning && d.pointer == pointer && d.message.contains(phrase));
        assert!(hit, "no warning at `{pointer}` mentioning `{phrase}`:\n{warnings}");
    }
    // `type: [string, "null"]` is one type, nullable: nothing to say.
    assert!(!warnings.items().iter().any(|d| d.pointer.starts_with(&at("/properties/label"))), "{warnings}");
}
