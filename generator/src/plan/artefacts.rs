//! The one list of the generated crate's files, and what makes each: Rust modules that an emitter
//! builds from the IR ([`crate::emit`]), templates rendered with minijinja ([`crate::render`]), and
//! fixed files copied as they are (the runtime, the support macros, the examples). [`list`] assembles
//! it; nothing else decides which files exist.
//!
//! Adding an artefact is one entry plus one emitter:
//!
//! - a Rust module built from the IR: a [`RustModule`] variant, an entry for it in [`list`] (with the
//!   condition under which the crate has it), and the emitter function that `emit` calls for that
//!   variant;
//! - a template: an entry in [`TEMPLATES`] and the `.j2` file in `templates/`;
//! - a fixed file: an entry in [`RUNTIME`] (or a conditional entry in [`list`], as the support macros
//!   have) and the file in `templates/`;
//! - an example: an entry in [`EXAMPLES`] naming the operations and types it needs.

use super::layout::{ModelGroup, Tag};
use crate::ir::{Api, SchemaKind, TypeRef};
use crate::options::Options;

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artefact {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    /// What makes it.
    pub maker: Maker,
}

/// What makes an artefact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Maker {
    /// Rust that an emitter builds from the IR and the plan.
    Rust(RustModule),
    /// A minijinja template rendered with the IR and the plan.
    Template(&'static Template),
    /// Fixed text, copied as it is (plus the "do not edit" header).
    Copy(&'static str),
}

/// The Rust modules built from the IR, one emitter each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustModule {
    /// `src/defaults.rs`: the base URL and auth defaults.
    Defaults,
    /// `src/lib.rs`: the crate's public face.
    Facade,
    /// `src/models/mod.rs`: one declaration per models group.
    ModelsMod,
    /// `src/models/<group>.rs`, by index into [`CratePlan::model_groups`](super::CratePlan).
    Models(usize),
    /// `src/operations/mod.rs`: one declaration per tag.
    OperationsMod,
    /// `src/operations/<tag>.rs`, by index into [`CratePlan::tags`](super::CratePlan).
    Operations(usize),
    /// `examples/conformance.rs`, with [`Options::conformance`].
    ConformanceHarness,
    /// `src/mock/mod.rs`: the `mock` feature's module, one declaration per tag.
    MockMod,
    /// `src/mock/<tag>.rs`, by index into [`CratePlan::tags`](super::CratePlan): the typed mocks of
    /// the tag's operations.
    Mock(usize),
}

/// A template of `templates/`.
#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    /// The file it renders, relative to the crate root.
    pub path: &'static str,
    /// Its name in the minijinja environment (the file name in `templates/`).
    pub name: &'static str,
    /// Its source.
    pub source: &'static str,
}

/// The templated files: every crate has all of them.
pub const TEMPLATES: &[Template] = &[
    Template { path: "API.md", name: "API.md.j2", source: include_str!("../../../templates/API.md.j2") },
    Template { path: "Cargo.toml", name: "Cargo.toml.j2", source: include_str!("../../../templates/Cargo.toml.j2") },
    Template { path: "README.md", name: "README.md.j2", source: include_str!("../../../templates/README.md.j2") },
    Template { path: "clippy.toml", name: "clippy.toml.j2", source: include_str!("../../../templates/clippy.toml.j2") },
    Template {
        path: "rustfmt.toml",
        name: "rustfmt.toml.j2",
        source: include_str!("../../../templates/rustfmt.toml.j2"),
    },
];

/// The runtime: fixed, hand-written Rust in `templates/`, copied verbatim (plus the header) into the
/// generated crate so that it stays a standalone, publishable crate. Listed explicitly so the
/// generator binary carries them and the output never depends on directory order.
pub const RUNTIME: &[(&str, &str)] = &[
    ("src/runtime/auth.rs", include_str!("../../../templates/runtime/auth.rs")),
    ("src/runtime/body.rs", include_str!("../../../templates/runtime/body.rs")),
    ("src/runtime/client.rs", include_str!("../../../templates/runtime/client.rs")),
    ("src/runtime/download.rs", include_str!("../../../templates/runtime/download.rs")),
    ("src/runtime/error.rs", include_str!("../../../templates/runtime/error.rs")),
    // The `mock` feature's shared part (server, expectation builder, matcher); `emit` builds the
    // per-operation mocks of `src/mock/`.
    ("src/runtime/mock.rs", include_str!("../../../templates/runtime/mock.rs")),
    ("src/runtime/json_path.rs", include_str!("../../../templates/runtime/json_path.rs")),
    ("src/runtime/mod.rs", include_str!("../../../templates/runtime/mod.rs")),
    ("src/runtime/paginate.rs", include_str!("../../../templates/runtime/paginate.rs")),
    ("src/runtime/params.rs", include_str!("../../../templates/runtime/params.rs")),
    ("src/runtime/retry.rs", include_str!("../../../templates/runtime/retry.rs")),
    ("src/runtime/secret.rs", include_str!("../../../templates/runtime/secret.rs")),
    ("src/runtime/send.rs", include_str!("../../../templates/runtime/send.rs")),
    ("src/runtime/validate.rs", include_str!("../../../templates/runtime/validate.rs")),
    ("src/runtime/tests/auth.rs", include_str!("../../../templates/runtime/tests/auth.rs")),
    ("src/runtime/tests/client.rs", include_str!("../../../templates/runtime/tests/client.rs")),
    ("src/runtime/tests/download.rs", include_str!("../../../templates/runtime/tests/download.rs")),
    ("src/runtime/tests/error.rs", include_str!("../../../templates/runtime/tests/error.rs")),
    ("src/runtime/tests/json_path.rs", include_str!("../../../templates/runtime/tests/json_path.rs")),
    ("src/runtime/tests/paginate.rs", include_str!("../../../templates/runtime/tests/paginate.rs")),
    ("src/runtime/tests/params.rs", include_str!("../../../templates/runtime/tests/params.rs")),
    ("src/runtime/tests/retry.rs", include_str!("../../../templates/runtime/tests/retry.rs")),
    ("src/runtime/tests/secret.rs", include_str!("../../../templates/runtime/tests/secret.rs")),
    ("src/runtime/tests/validate.rs", include_str!("../../../templates/runtime/tests/validate.rs")),
    ("src/runtime/tests/wire.rs", include_str!("../../../templates/runtime/tests/wire.rs")),
    ("src/runtime/wire.rs", include_str!("../../../templates/runtime/wire.rs")),
];

/// `string_newtype!`: the conversions every validated newtype shares; shipped only to crates with
/// newtypes (an unused macro is a warning), and declared by the facade when shipped.
pub const NEWTYPE_MACRO: (&str, &str) = ("src/newtype.rs", include_str!("../../../templates/runtime/newtype.rs"));

/// `open_enum!`: the impls every open string enum shares; shipped only to crates with enums.
pub const OPEN_ENUM_MACRO: (&str, &str) = ("src/open_enum.rs", include_str!("../../../templates/runtime/open_enum.rs"));

/// `setters!`: the setters of the models and request builders; shipped only to crates that have one
/// ([`has_setters`]).
pub const SETTERS_MACRO: (&str, &str) = ("src/setters.rs", include_str!("../../../templates/runtime/setters.rs"));

/// `serde_struct!`: the `Serialize` and `Deserialize` impls of the models' structs (in place of serde's
/// derives, whose expansion dominated compiling a large API), and its tests; shipped only to crates
/// with a struct.
pub const SERDE_STRUCT_MACRO: [(&str, &str); 2] = [
    ("src/serde_struct.rs", include_str!("../../../templates/runtime/serde_struct.rs")),
    ("src/tests/serde_struct.rs", include_str!("../../../templates/runtime/tests/serde_struct.rs")),
];

/// Whether any struct has a field (its `with_<field>` setter) or any operation an optional parameter or
/// body (the builder's setter): what `emit::setters` and `emit::operations` declare with `setters!`.
fn has_setters(api: &Api) -> bool {
    api.schemas.iter().any(|s| s.kept_fields().next().is_some())
        || api
            .operations
            .iter()
            .any(|op| op.params.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required))
}

/// `Nullable<T>`: the three states of an optional nullable request field; shipped only to crates that
/// have such fields ([`Api::has_nullable_fields`]), and declared and re-exported by the facade.
pub const NULLABLE: (&str, &str) = ("src/nullable.rs", include_str!("../../../templates/runtime/nullable.rs"));
/// The multipart runtime (`File`, `Form`) and its tests: shipped only to crates whose spec sends a
/// `multipart/form-data` body, since it needs reqwest's `multipart` feature (which `Cargo.toml` turns on
/// exactly when the crate ships it); declared by the facade as the public `multipart` module.
pub const MULTIPART: [(&str, &str); 2] = [
    ("src/multipart.rs", include_str!("../../../templates/runtime/multipart.rs")),
    ("src/tests/multipart.rs", include_str!("../../../templates/runtime/tests/multipart.rs")),
];

/// The date-time runtime (`Timestamp`, `CalendarDate`, on chrono) and its tests: shipped only to crates
/// whose API has a `format: date-time` or `date` ([`Api::uses_format`]), which then depend on chrono;
/// declared by the facade as the public `datetime` module.
pub const DATETIME: [(&str, &str); 2] = [
    ("src/datetime.rs", include_str!("../../../templates/runtime/datetime.rs")),
    ("src/tests/datetime.rs", include_str!("../../../templates/runtime/tests/datetime.rs")),
];
/// The bytes-in-JSON runtime (`Base64Bytes`, `BinaryString`) and its tests: shipped only to crates
/// whose API has a `format: byte` or `binary` inside JSON, which then depend on base64; declared by
/// the facade as the public `binary` module.
pub const BINARY: [(&str, &str); 2] = [
    ("src/binary.rs", include_str!("../../../templates/runtime/binary.rs")),
    ("src/tests/binary.rs", include_str!("../../../templates/runtime/tests/binary.rs")),
];

/// One example shipped with the generated crate. Each is hand-written for particular operations and
/// types, so it is shipped only for a spec whose IR has them: a client generated from another spec
/// then still builds, examples included.
#[derive(Debug)]
pub struct Example {
    /// Path in the generated crate.
    pub path: &'static str,
    /// Its source, from `templates/examples/`.
    pub source: &'static str,
    /// The operationIds it calls, and whether each must be paginated (it calls `stream()`).
    pub operations: &'static [(&'static str, bool)],
    /// The Rust names of the models it names.
    pub schemas: &'static [&'static str],
}

/// The examples.
pub const EXAMPLES: &[Example] = &[Example {
    path: "examples/quickstart.rs",
    source: include_str!("../../../templates/examples/quickstart.rs"),
    operations: &[("listOrgApiKeys", true), ("getOrgApiKey", false), ("createOrgApiKey", false)],
    schemas: &["CreateAtlasOrganizationApiKey", "OrganizationRole"],
}];

impl Example {
    /// Whether `api` has every operation (paginated where it streams) and type the example names.
    pub fn fits(&self, api: &Api) -> bool {
        let has_operation = |(id, paginated): &(&str, bool)| {
            api.operations.iter().any(|op| op.id == *id && (!paginated || op.pagination.is_some()))
        };
        let has_schema = |name: &&str| api.schemas.iter().any(|s| s.rust_name == *name);
        self.operations.iter().all(has_operation) && self.schemas.iter().all(has_schema)
    }
}

/// Every file of the crate planned for `api` with these `tags` and models `groups`, sorted by path.
pub(super) fn list(api: &Api, tags: &[Tag<'_>], groups: &[ModelGroup<'_>], options: &Options) -> Vec<Artefact> {
    let rust = |path: String, module: RustModule| Artefact { path, maker: Maker::Rust(module) };
    let copy = |path: &str, text: &'static str| Artefact { path: path.to_owned(), maker: Maker::Copy(text) };
    let mut out = vec![rust("src/defaults.rs".to_owned(), RustModule::Defaults)];
    out.push(rust("src/lib.rs".to_owned(), RustModule::Facade));
    out.extend(
        groups.iter().enumerate().map(|(i, g)| rust(format!("src/models/{}.rs", g.module), RustModule::Models(i))),
    );
    out.push(rust("src/models/mod.rs".to_owned(), RustModule::ModelsMod));
    out.extend(
        tags.iter()
            .enumerate()
            .map(|(i, t)| rust(format!("src/operations/{}.rs", t.module), RustModule::Operations(i))),
    );
    out.push(rust("src/operations/mod.rs".to_owned(), RustModule::OperationsMod));
    out.extend(tags.iter().enumerate().map(|(i, t)| rust(format!("src/mock/{}.rs", t.module), RustModule::Mock(i))));
    out.push(rust("src/mock/mod.rs".to_owned(), RustModule::MockMod));
    if options.conformance {
        out.push(rust("examples/conformance.rs".to_owned(), RustModule::ConformanceHarness));
    }
    if api.schemas.iter().any(|s| s.newtype_constraints().is_some()) {
        out.push(copy(NEWTYPE_MACRO.0, NEWTYPE_MACRO.1));
    }
    if api.schemas.iter().any(|s| matches!(s.kind, SchemaKind::Struct { .. })) {
        out.extend(SERDE_STRUCT_MACRO.iter().map(|(path, text)| copy(path, text)));
    }
    if api.schemas.iter().any(|s| !s.enum_values().is_empty()) {
        out.push(copy(OPEN_ENUM_MACRO.0, OPEN_ENUM_MACRO.1));
    }
    if has_setters(api) {
        out.push(copy(SETTERS_MACRO.0, SETTERS_MACRO.1));
    }
    if api.has_nullable_fields() {
        out.push(copy(NULLABLE.0, NULLABLE.1));
    }
    if api.sends_multipart() {
        out.extend(MULTIPART.iter().map(|(path, text)| copy(path, text)));
    }
    if api.uses_format(&TypeRef::DateTime) || api.uses_format(&TypeRef::Date) {
        out.extend(DATETIME.iter().map(|(path, text)| copy(path, text)));
    }
    if api.uses_format(&TypeRef::Base64) || api.uses_format(&TypeRef::Binary) {
        out.extend(BINARY.iter().map(|(path, text)| copy(path, text)));
    }
    out.extend(TEMPLATES.iter().map(|t| Artefact { path: t.path.to_owned(), maker: Maker::Template(t) }));
    out.extend(RUNTIME.iter().map(|(path, text)| copy(path, text)));
    out.extend(EXAMPLES.iter().filter(|e| e.fits(api)).map(|e| copy(e.path, e.source)));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::CratePlan;

    fn atlas() -> Api {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/atlas-api-keys.yaml"))
            .expect("the spec is readable");
        crate::lower_spec("spec/atlas-api-keys.yaml", &text).expect("the spec lowers").0
    }

    fn ships_quickstart(api: &Api) -> bool {
        CratePlan::new(api, &Options::default()).ships("examples/quickstart.rs")
    }

    #[test]
    fn the_quickstart_fits_the_atlas_spec_only() {
        let mut api = atlas();
        assert!(ships_quickstart(&api));
        api.operations.retain(|op| op.id != "createOrgApiKey");
        assert!(!ships_quickstart(&api), "an operation it calls is missing");
        let mut api = atlas();
        for op in &mut api.operations {
            op.pagination = None;
        }
        assert!(!ships_quickstart(&api), "it streams a list that is not paginated");
    }

    #[test]
    fn each_path_is_listed_once_and_the_harness_only_on_request() {
        let api = atlas();
        let plain = CratePlan::new(&api, &Options::default());
        let mut paths: Vec<&str> = plain.artefacts.iter().map(|a| a.path.as_str()).collect();
        paths.dedup();
        assert_eq!(paths.len(), plain.artefacts.len(), "{paths:?}");
        assert!(!plain.ships("examples/conformance.rs"));
        let harness = CratePlan::new(&api, &Options { conformance: true, ..Options::default() });
        assert!(harness.ships("examples/conformance.rs"));
    }

    #[test]
    fn the_format_runtimes_ship_only_to_crates_that_use_their_formats() {
        let ships = |spec: &str, path: &str| {
            let api = crate::lower_spec("formats.yaml", spec).expect("the spec lowers").0;
            CratePlan::new(&api, &Options::default()).ships(path)
        };
        let with = |format: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x: {{type: array, items: {{type: string, format: {format}}}}}\n"
            )
        };
        let atlas = atlas();
        let plain = CratePlan::new(&atlas, &Options::default());
        assert!(!plain.ships(DATETIME[0].0) && !plain.ships(BINARY[0].0));
        let depends = |spec: &str, krate: &str| {
            let generated = crate::generate("formats.yaml", spec).expect("the spec generates");
            let manifest = generated.files.iter().find(|f| f.path == "Cargo.toml").expect("a manifest");
            manifest.contents.lines().any(|line| line.starts_with(&format!("{krate} = ")))
        };
        // Format, then whether the crate ships `datetime` and `binary` and depends on chrono, uuid, base64.
        let table = [
            ("date-time", [true, false], [true, false, false]),
            ("date", [true, false], [true, false, false]),
            ("uuid", [false, false], [false, true, false]),
            ("byte", [false, true], [false, false, true]),
            ("binary", [false, true], [false, false, true]),
            ("email", [false, false], [false, false, false]),
        ];
        for (format, [datetime, binary], crates) in table {
            let spec = with(format);
            assert_eq!(ships(&spec, DATETIME[0].0), datetime, "{format}");
            assert_eq!(ships(&spec, BINARY[0].0), binary, "{format}");
            assert_eq!(["chrono", "uuid", "base64"].map(|c| depends(&spec, c)), crates, "{format}");
        }
    }
}
