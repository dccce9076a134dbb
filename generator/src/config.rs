//! Customisation without forking: what a team changes about the generated client, read from one
//! file beside the spec (`atlas-codegen.toml`, or `<spec stem>.atlas-codegen.toml`) or given as
//! library options ([`crate::Options::customisation`]); the file deserialises into [`Customisation`].
//!
//! This module reads and checks the file's *shape*: TOML syntax, unknown keys (named with the key
//! path, line and the closest valid key), Rust paths that do not parse. What the keys *name* (schemas,
//! operationIds, tags, whether a type can have a derive) is checked by the lowering, which applies the
//! customisation and makes it visible in the IR (`lower/custom.rs`); the emitter only reads the IR.
//!
//! ```toml
//! [select]                     # generate a subset: operations with one of these tags, or these ids
//! tags = ["Clusters"]
//! operations = ["getProject"]
//!
//! [rename.types]               # components/schemas key = Rust type name
//! ApiKey = "Key"
//! [rename.operations]          # operationId = method name
//! listClusters = "clusters"
//!
//! [replace.schemas]            # components/schemas key = a type of your own (a Rust path)
//! Money = "my_types::Money"
//! [replace.formats]            # string `format` = a type of your own
//! uuid = "my_types::Id"
//!
//! [derives]                    # extra derives: on every model, or on chosen ones
//! all = ["Hash", "Eq"]
//! schemas = { Cluster = ["PartialOrd", "Ord"] }
//!
//! [dependencies]               # added to the generated Cargo.toml (what the paths above need)
//! my_types = { version = "1", features = ["serde"] }
//! ```

use crate::diag::Diagnostics;
use serde::de::{MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for beside a spec (after `<spec stem>.atlas-codegen.toml`).
pub const FILE_NAME: &str = "atlas-codegen.toml";

/// What a team customises about the generated client. Empty (the default) changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Customisation {
    /// `[select]`: generate a subset of the operations.
    pub select: Select,
    /// `[rename]`: other names for types and methods.
    pub rename: Rename,
    /// `[replace]`: types of the user's own for schemas and string formats.
    pub replace: Replace,
    /// `[derives]`: extra derives on the models.
    pub derives: Derives,
    /// `[dependencies]`: crates added to the generated `Cargo.toml` (by crate name).
    pub dependencies: BTreeMap<String, Dependency>,
    /// Where the settings were read from, for diagnostics; `None` for library options.
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// `[select]`: when either list is given, only the operations that have one of `tags` or whose
/// operationId is in `operations` are generated, with the schemas they reach (the others are left
/// out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Select {
    /// Tags (as the spec spells them) whose operations are generated.
    pub tags: Vec<String>,
    /// operationIds generated (besides those of `tags`).
    pub operations: Vec<String>,
}

impl Select {
    /// Whether a selection is made at all.
    pub fn is_active(&self) -> bool {
        !self.tags.is_empty() || !self.operations.is_empty()
    }
}

/// `[rename]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rename {
    /// `components/schemas` key → the Rust type's name (Pascal case).
    pub types: BTreeMap<String, String>,
    /// operationId → the client method's name (snake case); the request builder follows it.
    pub operations: BTreeMap<String, String>,
}

/// `[replace]`: the user's types must implement `Serialize`, `Deserialize`, `Debug`, `Clone` and
/// `PartialEq` (what every model derives), and `Display` where they are a path, query or header
/// parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Replace {
    /// `components/schemas` key → a Rust path (`my_types::Money`); the schema is not generated.
    pub schemas: BTreeMap<String, String>,
    /// A string `format` (`uuid`, `date-time`, any custom one) → a Rust path; wins over the
    /// generator's own type for the format.
    pub formats: BTreeMap<String, String>,
}

/// `[derives]`: `Hash`, `Eq`, `PartialOrd`, `Ord`, `Default` or any derive macro by path
/// (`schemars::JsonSchema`, whose crate goes under `[dependencies]`). `Ord` brings `Eq` and
/// `PartialOrd` with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Derives {
    /// Derives on every model.
    pub all: Vec<String>,
    /// `components/schemas` key → derives on that model only.
    pub schemas: BTreeMap<String, Vec<String>>,
}

/// A crate the generated `Cargo.toml` depends on: `"1"` or `{ version, features, default-features,
/// package, optional }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dependency {
    /// The version requirement.
    pub version: Option<String>,
    /// Features to enable.
    pub features: Vec<String>,
    /// `default-features = false`.
    pub default_features: Option<bool>,
    /// The crate's name on crates.io, when the key is another name for it.
    pub package: Option<String>,
}

impl Dependency {
    /// The dependency as a TOML value for `Cargo.toml` (`"1"`, or an inline table).
    pub fn toml(&self) -> String {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let only_version = self.features.is_empty() && self.default_features.is_none() && self.package.is_none();
        if let (Some(version), true) = (&self.version, only_version) {
            return quote(version);
        }
        let mut parts = Vec::new();
        if let Some(package) = &self.package {
            parts.push(format!("package = {}", quote(package)));
        }
        if let Some(version) = &self.version {
            parts.push(format!("version = {}", quote(version)));
        }
        if let Some(default) = self.default_features {
            parts.push(format!("default-features = {default}"));
        }
        if !self.features.is_empty() {
            let features: Vec<String> = self.features.iter().map(|f| quote(f)).collect();
            parts.push(format!("features = [{}]", features.join(", ")));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

// `name = "1"` or `name = { ... }`: a string is the version.
impl<'de> Deserialize<'de> for Dependency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Default, Deserialize)]
        #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
        struct Table {
            version: Option<String>,
            features: Vec<String>,
            default_features: Option<bool>,
            package: Option<String>,
        }
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = Dependency;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version (\"1\") or a table ({ version = \"1\", features = [\"...\"] })")
            }
            fn visit_str<E: serde::de::Error>(self, version: &str) -> Result<Dependency, E> {
                Ok(Dependency { version: Some(version.to_owned()), ..Dependency::default() })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Dependency, A::Error> {
                let t = Table::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Dependency {
                    version: t.version,
                    features: t.features,
                    default_features: t.default_features,
                    package: t.package,
                })
            }
        }
        deserializer.deserialize_any(Either)
    }
}

/// Where a customisation was read from: the file (as named in diagnostics) and the line and column of
/// every key, by key path (`/rename/types/ApiKey`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file, as diagnostics name it.
    pub file: String,
    /// 1-based line and column of each key, by its path as a JSON pointer.
    pub keys: BTreeMap<String, (usize, usize)>,
}

/// The file diagnostics about library options name (they have no file).
pub const OPTIONS_NAME: &str = "Options::customisation";

impl Customisation {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        Customisation { origin: None, ..self.clone() } == Customisation::default()
    }

    /// The file diagnostics name, and where the key at `pointer` (`/rename/types/ApiKey`) is in it.
    pub fn locate(&self, pointer: &str) -> (&str, Option<(usize, usize)>) {
        match &self.origin {
            Some(origin) => (&origin.file, origin.keys.get(pointer).copied()),
            None => (OPTIONS_NAME, None),
        }
    }
}

/// Where to find the customisation of a spec read from a path ([`crate::Options::config_file`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ConfigFile {
    /// `<spec stem>.atlas-codegen.toml`, else `atlas-codegen.toml`, in the spec's directory, if either
    /// exists.
    #[default]
    Beside,
    /// This file (it must exist).
    Path(PathBuf),
    /// None: only [`crate::Options::customisation`].
    Ignore,
}

/// The customisation file beside the spec at `spec`, if there is one.
pub fn beside(spec: &Path) -> Option<PathBuf> {
    let dir = spec.parent().unwrap_or(Path::new(""));
    let stem = spec.file_stem()?.to_string_lossy();
    [dir.join(format!("{stem}.{FILE_NAME}")), dir.join(FILE_NAME)].into_iter().find(|p| p.is_file())
}

/// The options for the spec at `spec` (named `spec_name` in diagnostics): `options` with the
/// customisation file filled in, and the file read (for `rerun-if-changed`). A file and non-empty
/// library options together are an error: one place says what is customised.
pub fn resolve(
    spec: &Path,
    spec_name: &str,
    options: &crate::Options,
) -> Result<(crate::Options, Option<PathBuf>), Diagnostics> {
    let path = match &options.config_file {
        ConfigFile::Ignore => return Ok((options.clone(), None)),
        ConfigFile::Path(path) => path.clone(),
        ConfigFile::Beside => match beside(spec) {
            Some(path) => path,
            None => return Ok((options.clone(), None)),
        },
    };
    let name = beside_name(spec_name, &path);
    let mut diags = Diagnostics::new(&name);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            diags.error("", format!("cannot read the customisation file: {e}"));
            return Err(diags);
        }
    };
    if !options.customisation.is_empty() {
        diags
            .error("", "customisation is given both in this file and in `Options::customisation`")
            .with_hint("use one of them (`ConfigFile::Ignore` leaves the file out)");
        return Err(diags);
    }
    let customisation = parse(&name, &text)?;
    Ok((crate::Options { customisation, ..options.clone() }, Some(path)))
}

/// How diagnostics name the file at `path`: beside the spec's name when it is beside the spec.
fn beside_name(spec_name: &str, path: &Path) -> String {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    match spec_name.rfind('/') {
        Some(i) if path.parent().is_some_and(|p| p.ends_with(&spec_name[..i])) => format!("{}/{file}", &spec_name[..i]),
        None if path.parent().is_none_or(|p| p.as_os_str().is_empty()) => file,
        _ => path.to_string_lossy().replace('\\', "/"),
    }
}

/// Reads a customisation file's text (`file` names it in diagnostics): TOML, every key known, every
/// Rust path a path. What the keys name is checked by the lowering.
pub fn parse(file: &str, text: &str) -> Result<Customisation, Diagnostics> {
    let mut diags = Diagnostics::new(file);
    let located = |diags: &mut Diagnostics, error: &toml::de::Error, pointer: &str, message: String| {
        let location = error.span().map(|span| line_column(text, span.start));
        diags.error(pointer, message).location = location;
    };
    let deserializer = match toml::Deserializer::parse(text) {
        Ok(d) => d,
        Err(e) => {
            located(&mut diags, &e, "", format!("not valid TOML: {}", e.message().trim()));
            return Err(diags);
        }
    };
    let mut customisation: Customisation = match serde_path_to_error::deserialize(deserializer) {
        Ok(c) => c,
        Err(e) => {
            let mut path: Vec<String> = e.path().iter().filter_map(segment).collect();
            let message = e.inner().message().trim().to_owned();
            // The path of an unknown key ends with the key itself.
            if unknown_field(&message).is_some_and(|u| path.last().is_some_and(|l| l == u)) {
                path.pop();
            }
            let keys = key_locations(text);
            match unknown_field(&message) {
                Some(unknown) => {
                    let pointer = to_pointer(path.iter().map(String::as_str).chain([unknown]));
                    let within: Vec<&str> = path.iter().map(String::as_str).collect();
                    let valid = valid_keys(&within);
                    let d = diags.error(&pointer, format!("unknown key `{unknown}` in {}", table_name(&within)));
                    d.location =
                        keys.get(&pointer).copied().or_else(|| e.inner().span().map(|s| line_column(text, s.start)));
                    let list = valid.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                    d.hint = Some(match closest(unknown, valid.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`? (valid keys: {list})"),
                        None => format!("valid keys: {list}"),
                    });
                }
                None => {
                    let pointer = to_pointer(path.iter().map(String::as_str));
                    let d = diags.error(&pointer, message);
                    d.location =
                        keys.get(&pointer).copied().or_else(|| e.inner().span().map(|s| line_column(text, s.start)));
                }
            }
            return Err(diags);
        }
    };
    customisation.origin = Some(Origin { file: file.to_owned(), keys: key_locations(text) });
    check_paths(&customisation, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(customisation)
    }
}

/// Every Rust path the customisation names must parse, and every derive name a derive; reported
/// against the customisation's file. Shared by [`parse`] and the lowering (for library options).
pub fn check_paths(c: &Customisation, diags: &mut Diagnostics) {
    let mut bad = |pointer: String, value: &str, what: &str, example: &str| {
        let (file, location) = c.locate(&pointer);
        let d = diags.error_in(file, &pointer, format!("`{value}` is not {what}"));
        d.location = location;
        d.hint = Some(format!("write it as Rust spells it, such as `{example}`"));
    };
    for (table, map) in [("schemas", &c.replace.schemas), ("formats", &c.replace.formats)] {
        for (key, path) in map {
            if syn::parse_str::<syn::Type>(path).is_err() {
                bad(to_pointer(["replace", table, key]), path, "a Rust type", "my_types::Money");
            }
        }
    }
    let derives = c.derives.all.iter().map(|d| (to_pointer(["derives", "all"]), d)).chain(
        c.derives
            .schemas
            .iter()
            .flat_map(|(schema, list)| list.iter().map(move |d| (to_pointer(["derives", "schemas", schema]), d))),
    );
    for (pointer, derive) in derives {
        if syn::parse_str::<syn::Path>(derive).is_err() {
            bad(pointer, derive, "a derive (a trait or a derive macro's path)", "schemars::JsonSchema");
        }
    }
    for (table, map) in [("types", &c.rename.types), ("operations", &c.rename.operations)] {
        for (key, name) in map {
            if syn::parse_str::<syn::Ident>(name).is_err() {
                let example = if table == "types" { "ClusterSpec" } else { "list_clusters" };
                bad(to_pointer(["rename", table, key]), name, "a Rust identifier", example);
            }
        }
    }
}

/// The closest of `candidates` to `word` (case-insensitively equal, else a small edit distance), if
/// any is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance =
            if candidate.to_lowercase() == lower { 0 } else { edit_distance(&lower, &candidate.to_lowercase()) };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    // A third of the word, at least one edit: `tagz` → `tags`, but not `foo` → `all`.
    best.filter(|(d, _)| *d <= (word.chars().count() / 3).max(1)).map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// The keys a table of the file may have, by its path; `&[]` for tables whose keys are names
/// (schemas, operationIds, crates).
fn valid_keys(path: &[&str]) -> &'static [&'static str] {
    match path {
        [] => &["select", "rename", "replace", "derives", "dependencies"],
        ["select"] => &["tags", "operations"],
        ["rename"] => &["types", "operations"],
        ["replace"] => &["schemas", "formats"],
        ["derives"] => &["all", "schemas"],
        ["dependencies", _] => &["version", "features", "default-features", "package"],
        _ => &[],
    }
}

fn table_name(path: &[&str]) -> String {
    if path.is_empty() {
        "the top level".to_owned()
    } else {
        format!("`[{}]`", path.join("."))
    }
}

/// The field serde names in an `unknown field `x`, expected ...` message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(&rest[..rest.find('`')?])
}

fn segment(s: &serde_path_to_error::Segment) -> Option<String> {
    match s {
        serde_path_to_error::Segment::Map { key } => Some(key.clone()),
        serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
        _ => None,
    }
}

/// A JSON pointer of keys (`~` and `/` escaped).
pub fn to_pointer<'a>(keys: impl IntoIterator<Item = &'a str>) -> String {
    keys.into_iter().map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1"))).collect()
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where every key of the file is (by key path), for diagnostics that name one.
fn key_locations(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    if let Ok(table) = toml::de::DeTable::parse(text) {
        walk(text, table.get_ref(), "", &mut out);
    }
    out
}

fn walk(text: &str, table: &toml::de::DeTable<'_>, at: &str, out: &mut BTreeMap<String, (usize, usize)>) {
    for (key, value) in table.iter() {
        let pointer = format!("{at}{}", to_pointer([key.get_ref().as_ref()]));
        // A key of a dotted or `[table]` header has no span of its own on every path; keep the first.
        let span = if key.span().is_empty() { value.span() } else { key.span() };
        out.entry(pointer.clone()).or_insert_with(|| line_column(text, span.start));
        match value.get_ref() {
            toml::de::DeValue::Table(inner) => walk(text, inner, &pointer, out),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    out.entry(format!("{pointer}/{i}")).or_insert_with(|| line_column(text, item.span().start));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        match parse("atlas-codegen.toml", text) {
            Ok(c) => panic!("accepted: {c:?}"),
            Err(d) => d.to_string(),
        }
    }

    #[test]
    fn every_key_reads() {
        let text = r#"
[select]
tags = ["Clusters"]
operations = ["getProject"]

[rename.types]
ApiKey = "Key"
[rename.operations]
listClusters = "clusters"

[replace.schemas]
Money = "my_types::Money"
[replace.formats]
uuid = "my_types::Id"

[derives]
all = ["Hash", "Eq"]
schemas = { Cluster = ["PartialOrd", "Ord"] }

[dependencies]
my_types = "1"
schemars = { version = "1", features = ["derive"], default-features = false }
"#;
        let c = parse("atlas-codegen.toml", text).unwrap();
        assert_eq!(c.select.tags, ["Clusters"]);
        assert_eq!(c.rename.operations["listClusters"], "clusters");
        assert_eq!(c.replace.formats["uuid"], "my_types::Id");
        assert_eq!(c.derives.schemas["Cluster"], ["PartialOrd", "Ord"]);
        assert_eq!(c.dependencies["my_types"].toml(), "\"1\"");
        assert_eq!(
            c.dependencies["schemars"].toml(),
            r#"{ version = "1", default-features = false, features = ["derive"] }"#
        );
        assert_eq!(c.locate("/rename/types/ApiKey").1, Some((7, 1)));
        assert!(!c.is_empty());
        assert!(parse("atlas-codegen.toml", "").unwrap().is_empty());
    }

    #[test]
    fn an_unknown_key_names_its_path_its_line_and_the_closest_key() {
        let e = error_of("[select]\ntagz = [\"a\"]\n");
        assert!(e.contains("unknown key `tagz` in `[select]`"), "{e}");
        assert!(e.contains("atlas-codegen.toml:2:1#/select/tagz"), "{e}");
        assert!(e.contains("did you mean `tags`?"), "{e}");
        let e = error_of("[renames.types]\nA = \"B\"\n");
        assert!(e.contains("unknown key `renames` in the top level") && e.contains("did you mean `rename`?"), "{e}");
        let e = error_of("[dependencies]\nx = { version = \"1\", feature = [] }\n");
        assert!(e.contains("#/dependencies/x/feature") && e.contains("did you mean `features`?"), "{e}");
        let e = error_of("[derives]\nwhatever = []\n");
        assert!(e.contains("valid keys: `all`, `schemas`") && !e.contains("did you mean"), "{e}");
    }

    #[test]
    fn bad_values_and_syntax_are_located() {
        let e = error_of("[select]\ntags = \"Clusters\"\n");
        assert!(e.contains("#/select/tags"), "{e}");
        let e = error_of("[select\n");
        assert!(e.contains("not valid TOML") && e.contains(":1:"), "{e}");
        let e = error_of("[replace.schemas]\nMoney = \"my types::Money\"\n");
        assert!(e.contains("`my types::Money` is not a Rust type") && e.contains(":2:1#/replace/schemas/Money"), "{e}");
        let e = error_of("[rename.operations]\nlistClusters = \"list-clusters\"\n");
        assert!(e.contains("is not a Rust identifier"), "{e}");
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("tagz", ["tags", "operations"]), Some("tags"));
        assert_eq!(closest("ApiKEY", ["ApiKey", "Cluster"]), Some("ApiKey"));
        assert_eq!(closest("foo", ["all", "schemas"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn the_file_beside_a_spec_is_named_beside_it() {
        assert_eq!(
            beside_name("fixtures/good/a.yaml", Path::new("/x/fixtures/good/a.atlas-codegen.toml")),
            "fixtures/good/a.atlas-codegen.toml"
        );
        assert_eq!(beside_name("a.yaml", Path::new("atlas-codegen.toml")), "atlas-codegen.toml");
        assert_eq!(beside_name("a.yaml", Path::new("/etc/other.toml")), "/etc/other.toml");
    }
}
