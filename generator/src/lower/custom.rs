//! The customisation ([`crate::config::Customisation`], from `atlas-codegen.toml` or the library
//! options), applied while lowering so the IR shows it: renamed types and methods carry their new
//! names, a replaced schema or format is [`TypeRef::External`], a subset leaves the other operations
//! and the schemas no longer reached out, extra derives are on [`crate::ir::Schema::derives`] and the
//! crates they need on [`crate::ir::Api::dependencies`]. The emitter only reads the IR.
//!
//! Each decision is made here once: which names the keys must match ([`Lowerer::check_customisation`]),
//! whether an operation is selected, the type of a replaced schema or format, and which derives each
//! type gets ([`derives`]). Every error names the customisation file, the key and its line.

use super::Lowerer;
use crate::config::{self, closest, to_pointer, Customisation};
use crate::diag::Diagnostics;
use crate::ir::{Api, Dependency, Presence, Schema, SchemaKind, SchemaRef, TypeRef, UnionTag};
use crate::naming::{self, Case};
use std::collections::{BTreeMap, BTreeSet};

/// The derives of the standard library the customisation may add, in the order they are written out.
/// Every model already derives `Debug`, `Clone`, `PartialEq`, `Serialize` and `Deserialize`.
const STD_DERIVES: [&str; 4] = ["Eq", "Hash", "PartialOrd", "Ord"];

/// What every model has already (and so cannot be added).
const BASE_DERIVES: [&str; 5] = ["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"];

/// The crates the generated `Cargo.toml` always names (`templates/Cargo.toml.j2`): the customisation
/// cannot add them a second time.
pub(super) const TEMPLATE_DEPENDENCIES: [&str; 20] = [
    "base64",
    "bytes",
    "chrono",
    "digest_auth",
    "fancy-regex",
    "fastrand",
    "futures-core",
    "futures-util",
    "httpdate",
    "percent-encoding",
    "regex",
    "reqwest",
    "serde",
    "serde_json",
    "serde_urlencoded",
    "thiserror",
    "tokio",
    "tracing",
    "uuid",
    "wiremock",
];

impl Lowerer<'_> {
    fn custom(&self) -> &Customisation {
        &self.options.customisation
    }

    /// Checks that every name the customisation uses is in the spec: schemas, operationIds, tags;
    /// and that every derive and dependency can be added. Errors name the closest spelling that is.
    pub(super) fn check_customisation(&mut self) {
        let custom = self.options.customisation.clone();
        if custom.is_empty() {
            return;
        }
        if custom.origin.is_none() {
            // A file's shape was checked when it was read; library options are checked here.
            config::check_paths(&custom, &mut self.diags);
        }
        let schemas: Vec<String> =
            self.doc.components.as_ref().map(|c| c.schemas.keys().cloned().collect()).unwrap_or_default();
        let mut ids = Vec::new();
        let mut tags: BTreeSet<String> = self.doc.tags.iter().map(|t| t.name.clone()).collect();
        for (path, item) in &self.doc.paths.paths {
            if let openapiv3::ReferenceOr::Item(item) = item {
                for (method, op) in super::operation::methods_of(item) {
                    ids.push(super::operation::operation_id(method, path, op));
                    tags.extend(op.tags.iter().cloned());
                }
            }
        }
        let named = |pointer: String, key: &str| (pointer, key.to_owned());
        let schema_keys = custom
            .rename
            .types
            .keys()
            .map(|k| named(to_pointer(["rename", "types", k]), k))
            .chain(custom.replace.schemas.keys().map(|k| named(to_pointer(["replace", "schemas", k]), k)))
            .chain(custom.derives.schemas.keys().map(|k| named(to_pointer(["derives", "schemas", k]), k)));
        for (pointer, key) in schema_keys.collect::<Vec<_>>() {
            if !schemas.contains(&key) {
                self.unknown_name(&custom, &pointer, &key, "schema", "`components/schemas`", &schemas);
            }
        }
        let id_keys = custom.rename.operations.keys().map(|k| named(to_pointer(["rename", "operations", k]), k)).chain(
            custom
                .select
                .operations
                .iter()
                .enumerate()
                .map(|(i, k)| named(to_pointer(["select", "operations", &i.to_string()]), k)),
        );
        for (pointer, key) in id_keys.collect::<Vec<_>>() {
            if !ids.contains(&key) {
                self.unknown_name(&custom, &pointer, &key, "operationId", "the spec's operations", &ids);
            }
        }
        let tags: Vec<String> = tags.into_iter().collect();
        for (i, tag) in custom.select.tags.iter().enumerate() {
            if !tags.contains(tag) {
                let pointer = to_pointer(["select", "tags", &i.to_string()]);
                self.unknown_name(&custom, &pointer, tag, "tag", "the spec's operations", &tags);
            }
        }
        let derives = custom.derives.all.iter().map(|d| (to_pointer(["derives", "all"]), d)).chain(
            custom
                .derives
                .schemas
                .iter()
                .flat_map(|(s, list)| list.iter().map(move |d| (to_pointer(["derives", "schemas", s]), d))),
        );
        for (pointer, derive) in derives.collect::<Vec<_>>() {
            let problem = if BASE_DERIVES.contains(&derive.as_str()) {
                format!("every model already derives `{derive}`")
            } else if STD_DERIVES.contains(&derive.as_str()) || derive.contains("::") {
                continue;
            } else {
                format!("`{derive}` is not a derive atlas-codegen can add")
            };
            let hint = "the standard ones are `Eq`, `Hash`, `PartialOrd` and `Ord`; name any other derive macro by its path (`schemars::JsonSchema`) and its crate under `[dependencies]`";
            self.custom_error(&custom, &pointer, problem, Some(hint.to_owned()));
        }
        for name in custom.dependencies.keys() {
            if TEMPLATE_DEPENDENCIES.contains(&name.as_str()) {
                let pointer = to_pointer(["dependencies", name]);
                let message = format!("the generated `Cargo.toml` already depends on `{name}`");
                self.custom_error(&custom, &pointer, message, Some("leave it out".to_owned()));
            }
        }
    }

    fn unknown_name(
        &mut self,
        custom: &Customisation,
        pointer: &str,
        key: &str,
        what: &str,
        place: &str,
        known: &[String],
    ) {
        let hint = match closest(key, known.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("the names are spelled as in the spec ({} {what}s there)", known.len()),
        };
        self.custom_error(custom, pointer, format!("no {what} `{key}` in {place}"), Some(hint));
    }

    /// An error about the customisation's key at `pointer`, in its file, at its line.
    fn custom_error(&mut self, custom: &Customisation, pointer: &str, message: String, hint: Option<String>) {
        custom_error(&mut self.diags, custom, pointer, message, hint);
    }

    /// Checks a renamed type's or method's new name: the Rust spelling the crate would use for it must
    /// be the name itself (Pascal case for types, snake case for methods, no reserved name).
    pub(super) fn check_new_name(&mut self, pointer: &str, name: &str, natural: &str, what: &str) -> bool {
        if name == natural {
            return true;
        }
        let custom = self.options.customisation.clone();
        let message = format!("`{name}` cannot be the name of {what}");
        let hint = format!("the crate would spell it `{natural}`; use that");
        self.custom_error(&custom, pointer, message, Some(hint));
        false
    }

    /// Reports a new name that another type or method already has.
    pub(super) fn renamed_clash(&mut self, pointer: &str, name: &str, other: &str) {
        let custom = self.options.customisation.clone();
        let message = format!("the new name `{name}` is already {other}");
        self.custom_error(&custom, pointer, message, Some("choose another name".to_owned()));
    }

    /// The methods of the operations `ids` (pointer, operationId) after the customisation's renames:
    /// `methods` as the spec names them, with each renamed one replaced (a new name must be a snake
    /// case identifier no other method has).
    pub(super) fn rename_methods(&mut self, ids: &[(String, String)], methods: Vec<String>) -> Vec<String> {
        if self.custom().rename.operations.is_empty() {
            return methods;
        }
        let mut out = methods;
        let mut renamed = Vec::new();
        for (i, (_, id)) in ids.iter().enumerate() {
            let Some(new) = self.custom().rename.operations.get(id).cloned() else { continue };
            let pointer = to_pointer(["rename", "operations", id]);
            if self.check_new_name(&pointer, &new, &naming::sanitize(&new, Case::Snake), "a method") {
                out[i] = new;
                renamed.push((i, pointer));
            }
        }
        for (i, pointer) in renamed {
            if let Some(j) = (0..out.len()).find(|&j| j != i && out[j] == out[i]) {
                let other = format!("the method of `{}`", ids[j].1);
                self.renamed_clash(&pointer, &out[i].clone(), &other);
            }
        }
        out
    }

    /// The Rust names of the `components/schemas` entries `spellings` after the customisation's
    /// renames: `names` as the spec gives them, with each renamed one replaced (a new name must be a
    /// Pascal case name the crate can use, no other type's).
    pub(super) fn rename_types(&mut self, spellings: &[&str], names: Vec<String>) -> Vec<String> {
        if self.custom().rename.types.is_empty() {
            return names;
        }
        let mut out = names;
        let mut renamed = Vec::new();
        for (i, spelling) in spellings.iter().enumerate() {
            let Some(new) = self.custom().rename.types.get(*spelling).cloned() else { continue };
            let pointer = to_pointer(["rename", "types", spelling]);
            if self.check_new_name(&pointer, &new, &naming::type_name(&new), "a type") {
                out[i] = new;
                renamed.push((i, pointer));
            }
        }
        for (i, pointer) in renamed {
            if let Some(j) = (0..out.len()).find(|&j| j != i && out[j] == out[i]) {
                let other = format!("the name of the schema `{}`", spellings[j]);
                self.renamed_clash(&pointer, &out[i].clone(), &other);
            }
        }
        out
    }

    /// Whether the operation `id` with `tags` is generated: every one without a `[select]`, else those
    /// with a selected tag or id.
    pub(super) fn selected(&self, id: &str, tags: &[String]) -> bool {
        let select = &self.custom().select;
        !select.is_active() || select.operations.iter().any(|o| o == id) || tags.iter().any(|t| select.tags.contains(t))
    }

    /// The user's type replacing the component `name`, if the customisation replaces it.
    pub(super) fn replaced_schema(&self, name: &str) -> Option<TypeRef> {
        self.custom().replace.schemas.get(name).map(|path| TypeRef::External(path.clone()))
    }

    /// The type of a string of `format`, when the customisation maps it to a type of the user's own.
    /// The one place a format's type is decided by the user: it wins over the generator's own type for
    /// the format (and over the constraints a plain string would be checked against).
    pub(super) fn mapped_format(&self, schema: &openapiv3::Schema) -> Option<TypeRef> {
        let format = super::schema::string_format(schema)?;
        self.custom().replace.formats.get(&format).map(|path| TypeRef::External(path.clone()))
    }
}

fn custom_error(diags: &mut Diagnostics, custom: &Customisation, pointer: &str, message: String, hint: Option<String>) {
    let (file, location) = custom.locate(pointer);
    let d = diags.error_in(file, pointer, message);
    d.location = location;
    d.hint = hint;
}

/// Leaves out the schemas the selected operations no longer reach (only with a `[select]`), and the
/// `allOf` parents that went with them.
pub(super) fn prune(api: &mut Api, custom: &Customisation) {
    if !custom.select.is_active() {
        return;
    }
    let mut start: BTreeSet<SchemaRef> = BTreeSet::new();
    for op in &api.operations {
        start.extend(op.models());
        start.extend(op.error_models());
        for response in &op.responses {
            start.extend(response.ty.iter().flat_map(TypeRef::schema_refs).cloned());
        }
        if let Some(p) = &op.pagination {
            start.insert(p.page_type.clone());
        }
    }
    // A struct's `allOf` parents that are discriminator unions list it as a subtype: both go or stay
    // with what the operations reach.
    let kept = api.reachable(&start);
    api.schemas.retain(|s| kept.contains(&SchemaRef::new(s.rust_name.clone())));
    for schema in &mut api.schemas {
        schema.all_of.retain(|parent| kept.contains(parent));
    }
}

/// The crates the customisation adds to the generated `Cargo.toml`.
pub(super) fn dependencies(custom: &Customisation) -> Vec<Dependency> {
    custom.dependencies.iter().map(|(name, d)| Dependency { name: name.clone(), toml: d.toml() }).collect()
}

/// Puts each schema's extra derives on it ([`Schema::derives`]) and reports a derive a type cannot
/// have, naming the field (and the type through which) that prevents it. `Ord` brings `Eq` and
/// `PartialOrd`; derives a type already implements (open enums and validated strings have every
/// standard one) are left out; aliases (`type A = B;`) get none under `all`, and are an error when
/// named.
pub(super) fn derives(api: &mut Api, custom: &Customisation, diags: &mut Diagnostics) {
    if custom.derives.all.is_empty() && custom.derives.schemas.is_empty() {
        return;
    }
    // What each type is asked for, and the key that asked (for the error).
    let mut wanted: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let all_pointer = to_pointer(["derives", "all"]);
    for schema in &api.schemas {
        let mut list: Vec<(String, String)> = Vec::new();
        if !matches!(schema.kind, SchemaKind::Alias { .. }) {
            list.extend(custom.derives.all.iter().map(|d| (d.clone(), all_pointer.clone())));
        }
        // Only components are named by their spec name (an inline type's `name` is its pointer).
        let component = schema.pointer == crate::diag::pointer(["components", "schemas", schema.name.as_str()]);
        if let Some(own) = custom.derives.schemas.get(&schema.name).filter(|_| component) {
            let pointer = to_pointer(["derives", "schemas", &schema.name]);
            if let SchemaKind::Alias { ty } = &schema.kind {
                let message = format!(
                    "`{}` is another name for `{ty}` (`type {} = ...;`), which cannot carry derives",
                    schema.name, schema.rust_name
                );
                custom_error(
                    diags,
                    custom,
                    &pointer,
                    message,
                    Some(format!("add the derives to the type it names (`{ty}`)")),
                );
                continue;
            }
            list.extend(own.iter().map(|d| (d.clone(), pointer.clone())));
        }
        // `Ord` needs `Eq` and `PartialOrd` beside it.
        if let Some((_, at)) = list.iter().find(|(d, _)| d == "Ord").cloned() {
            list.extend(["Eq", "PartialOrd"].map(|d| (d.to_owned(), at.clone())));
        }
        let mut seen = BTreeSet::new();
        list.retain(|(d, _)| seen.insert(d.clone()));
        wanted.insert(schema.rust_name.clone(), list);
    }
    let has = |name: &str, derive: &str| wanted.get(name).is_some_and(|l| l.iter().any(|(d, _)| d == derive));
    let mut errors = Vec::new();
    for schema in &api.schemas {
        let Some(list) = wanted.get(&schema.rust_name) else { continue };
        for (derive, pointer) in list.iter().filter(|(d, _)| STD_DERIVES.contains(&d.as_str())) {
            if let Some(reason) = blocker(api, schema, derive, &has, 0) {
                let message = format!("`{derive}` cannot be derived for `{}`: {reason}", schema.rust_name);
                errors.push((pointer.clone(), message, derive.clone()));
            }
        }
    }
    for (pointer, message, derive) in errors {
        let hint =
            format!("leave `{derive}` out for this type (name the types that can have it under `[derives.schemas]`)");
        custom_error(diags, custom, &pointer, message, Some(hint));
    }
    for schema in &mut api.schemas {
        let Some(list) = wanted.remove(&schema.rust_name) else { continue };
        // Open enums and validated strings implement every standard derive already.
        let implements_std = matches!(schema.kind, SchemaKind::Enum { .. } | SchemaKind::Newtype { .. });
        let std = STD_DERIVES
            .iter()
            .filter(|d| !implements_std && list.iter().any(|(w, _)| w == *d))
            .map(|d| (*d).to_owned());
        let external = list.iter().filter(|(d, _)| !STD_DERIVES.contains(&d.as_str())).map(|(d, _)| d.clone());
        schema.derives = std.chain(external).collect();
    }
}

/// Why `schema` cannot derive the standard `derive`, naming the field or variant in the way; `None`
/// when it can. `has` says which types the customisation gives the derive.
fn blocker(api: &Api, schema: &Schema, derive: &str, has: &dyn Fn(&str, &str) -> bool, depth: usize) -> Option<String> {
    match &schema.kind {
        SchemaKind::Struct { .. } => schema.kept_fields().find_map(|field| {
            // A request's optional nullable field is the runtime's `Nullable<T>` (no order).
            let wrapper = schema.presence(field) == Presence::Nullable && matches!(derive, "PartialOrd" | "Ord");
            let reason = if wrapper {
                Some("and the runtime's `Nullable<T>` around it has no order".to_owned())
            } else {
                type_blocker(api, &field.ty, derive, has, depth)
            };
            reason.map(|r| format!("field `{}` ({}) is `{}`, {r}", field.rust_name, field.pointer, field.ty))
        }),
        SchemaKind::Union { tag, variants } => {
            if matches!(tag, UnionTag::Discriminator { .. }) && matches!(derive, "PartialOrd" | "Ord") {
                return Some(format!(
                    "its catch-all variant for unknown subtypes holds a `serde_json::Value`, which has no `{derive}`"
                ));
            }
            variants.iter().find_map(|v| {
                type_blocker(api, &v.ty, derive, has, depth)
                    .map(|r| format!("variant `{}` is `{}`, {r}", v.rust_name, v.ty))
            })
        }
        SchemaKind::Enum { .. } | SchemaKind::Newtype { .. } | SchemaKind::Alias { .. } => None,
    }
}

/// Why a value of `ty` has no `derive`, or `None` when it has it.
fn type_blocker(
    api: &Api,
    ty: &TypeRef,
    derive: &str,
    has: &dyn Fn(&str, &str) -> bool,
    depth: usize,
) -> Option<String> {
    match ty {
        TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::Bool => None,
        // `uuid::Uuid` and the runtime's bytes have every standard derive; the lenient date types
        // (`Timestamp`, `CalendarDate`: a value or the text it came as) are `Eq` and `Hash`, unordered.
        TypeRef::Uuid | TypeRef::Base64 | TypeRef::Binary => None,
        TypeRef::DateTime | TypeRef::Date if matches!(derive, "PartialOrd" | "Ord") => Some(format!(
            "and the runtime's `{}` has no `{derive}` (a value it could not read keeps its text)",
            if *ty == TypeRef::DateTime { "Timestamp" } else { "CalendarDate" }
        )),
        TypeRef::DateTime | TypeRef::Date => None,
        // The user's type answers for itself (the docs say it must implement what it is asked).
        TypeRef::External(_) => None,
        TypeRef::F64 if derive != "PartialOrd" => Some(format!("and `f64` has no `{derive}` (NaN breaks it)")),
        TypeRef::F64 => None,
        TypeRef::Secret if derive != "Eq" => Some(format!("and the runtime's `SecretString` has no `{derive}`")),
        TypeRef::Secret => None,
        TypeRef::Any if matches!(derive, "PartialOrd" | "Ord") => {
            Some(format!("and `serde_json::Value` has no `{derive}`"))
        }
        TypeRef::Any => None,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            type_blocker(api, inner, derive, has, depth)
        }
        TypeRef::Named(name) => {
            let target = api.schema(name)?;
            match &target.kind {
                SchemaKind::Enum { .. } | SchemaKind::Newtype { .. } => None,
                SchemaKind::Alias { ty } => type_blocker(api, ty, derive, has, depth + 1),
                SchemaKind::Struct { .. } | SchemaKind::Union { .. } if has(name.as_str(), derive) => None,
                SchemaKind::Struct { .. } | SchemaKind::Union { .. } => {
                    // One type further says why it could not have it either (deeper stays a hint).
                    let deeper = if depth < 1 { blocker(api, target, derive, has, depth + 1) } else { None };
                    let why = deeper
                        .map(|r| format!(" and cannot have it: {r}"))
                        .unwrap_or_else(|| format!(" (add `{derive}` to `{}` under `[derives.schemas]`)", target.name));
                    Some(format!("and `{name}` does not derive `{derive}`{why}"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Customisation;
    use crate::Options;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: https://x}]
paths:
  /things:
    post:
      operationId: createThing
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}}
components:
  schemas:
    Thing:
      type: object
      properties:
        note: {type: string, nullable: true}
    Secretive:
      type: object
      properties:
        token: {type: string, format: password}
    Loose:
      type: object
      properties:
        extra: {}
    Pet:
      oneOf: [{$ref: "#/components/schemas/Cat"}]
      discriminator: {propertyName: kind}
    Cat: {type: object, required: [kind], properties: {kind: {type: string}}}
    Names: {type: array, items: {type: string}}
    Colour: {type: string, enum: [red]}
"##;

    fn lower(derives: &[(&str, &[&str])]) -> Result<crate::ir::Api, String> {
        let mut custom = Customisation::default();
        for (schema, list) in derives {
            custom.derives.schemas.insert((*schema).to_owned(), list.iter().map(|d| (*d).to_owned()).collect());
        }
        let options = Options { customisation: custom, ..Options::default() };
        crate::lower_spec_with("t.yaml", SPEC, &options).map(|(api, _)| api).map_err(|d| d.to_string())
    }

    #[test]
    fn what_each_runtime_type_allows() {
        // `SecretString` is `Eq` only; `serde_json::Value` is `Eq` and `Hash`; `Nullable<T>` has no order.
        let api = lower(&[("Secretive", &["Eq"]), ("Loose", &["Eq", "Hash"]), ("Thing", &["Hash"])]).unwrap();
        assert_eq!(api.schema_named("Secretive").unwrap().derives, ["Eq"]);
        assert_eq!(api.schema_named("Loose").unwrap().derives, ["Eq", "Hash"]);
        let error = lower(&[("Secretive", &["Hash"])]).unwrap_err();
        assert!(error.contains("field `token`") && error.contains("`SecretString` has no `Hash`"), "{error}");
        let error = lower(&[("Loose", &["PartialOrd"])]).unwrap_err();
        assert!(error.contains("`serde_json::Value` has no `PartialOrd`"), "{error}");
        let error = lower(&[("Thing", &["PartialOrd"])]).unwrap_err();
        assert!(error.contains("field `note`") && error.contains("`Nullable<T>`"), "{error}");
    }

    #[test]
    fn the_template_dependencies_are_the_templates() {
        let template = include_str!("../../../templates/Cargo.toml.j2");
        let table = template.split("[dependencies]\n").nth(1).and_then(|t| t.split("\n[").next()).unwrap();
        let mut named: Vec<&str> = table
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with('{') && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next())
            .filter(|name| !name.contains("{{"))
            .collect();
        named.dedup();
        assert_eq!(named, super::TEMPLATE_DEPENDENCIES);
    }

    #[test]
    fn unions_aliases_and_enums() {
        let error = lower(&[("Pet", &["Ord"])]).unwrap_err();
        assert!(error.contains("catch-all variant"), "{error}");
        let api = lower(&[("Pet", &["Hash", "Eq"]), ("Cat", &["Hash", "Eq"])]).unwrap();
        assert_eq!(api.schema_named("Pet").unwrap().derives, ["Eq", "Hash"]);
        let error = lower(&[("Names", &["Hash"])]).unwrap_err();
        assert!(error.contains("cannot carry derives"), "{error}");
        // An open enum has every standard derive already: only the external one is added.
        let api = lower(&[("Colour", &["Ord", "schemars::JsonSchema"])]).unwrap();
        assert_eq!(api.schema_named("Colour").unwrap().derives, ["schemars::JsonSchema"]);
        let error = lower(&[("Pet", &["Hash"])]).unwrap_err();
        assert!(error.contains("variant `Cat`") && error.contains("`Cat` does not derive `Hash`"), "{error}");
    }
}
