//! Stage 3: the IR to Rust source. Each module builds `TokenStream`s with `quote!`; this one assembles
//! files, parses them into a `syn::File` and prints them with prettyplease, item by item with blank
//! lines between them ([`layout`]). No formatter process and no text patching inside an item.

pub(crate) mod conformance;
mod defaults;
pub(crate) mod docs;
mod imports;
mod layout;
mod models;
mod operations;
mod parallel;
mod setters;
pub(crate) mod tags;
mod validation;

pub(crate) use models::keeps as keeps_field;

use crate::files::GeneratedFile;
use crate::ir::{Api, SchemaKind, SchemaRef, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// The Rust files of the generated crate that come from the IR.
///
/// Each file is built and printed on its own (tokens, then syn, then prettyplease), so the files are
/// spread over the machine's cores; the result is in a fixed order and does not depend on which thread
/// printed what.
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    emit_on(parallel::threads(), api)
}

/// [`emit`] on `threads` threads.
fn emit_on(threads: usize, api: &Api) -> Result<Vec<GeneratedFile>, String> {
    let tags = tags::tags(api);
    let groups = tags::model_groups(api, &tags);
    let home: BTreeMap<&str, &str> =
        groups.iter().flat_map(|g| g.schemas.iter().map(|s| (s.rust_name.as_str(), g.module.as_str()))).collect();
    let mut jobs = vec![Job::Defaults, Job::Facade];
    jobs.extend((0..groups.len()).map(Job::Models));
    jobs.push(Job::ModelsMod);
    jobs.extend((0..tags.len()).map(Job::Operations));
    jobs.push(Job::OperationsMod);
    let context = Context { api, tags: &tags, groups: &groups, home: &home };
    let mut files =
        parallel::map_on(threads, &jobs, |job| context.file(job)).into_iter().collect::<Result<Vec<_>, _>>()?;
    // Fixed support code, shipped only to crates whose models use it (an unused macro is a warning).
    if uses_newtypes(api) {
        files.push(GeneratedFile::rust("src/newtype.rs", NEWTYPE_MACRO.to_owned()));
    }
    if uses_enums(api) {
        files.push(GeneratedFile::rust("src/open_enum.rs", OPEN_ENUM_MACRO.to_owned()));
    }
    Ok(files)
}

/// The cargo features of the generated crate, one per tag, sorted.
pub fn features(api: &Api) -> Vec<String> {
    tags::features(api)
}

/// One Rust file of the crate, built independently of the others.
#[derive(Debug, Clone, Copy)]
enum Job {
    Defaults,
    Facade,
    /// `models/mod.rs`.
    ModelsMod,
    /// `models/<group>.rs`, by index into the model groups.
    Models(usize),
    /// `operations/mod.rs`.
    OperationsMod,
    /// `operations/<tag>.rs`, by index into the tags.
    Operations(usize),
}

/// What every job reads: the IR and the layout derived from it once. All of it is shared, read-only.
struct Context<'a> {
    api: &'a Api,
    tags: &'a [tags::Tag<'a>],
    groups: &'a [tags::ModelGroup<'a>],
    /// The models module of each schema, by Rust name.
    home: &'a BTreeMap<&'a str, &'a str>,
}

impl Context<'_> {
    fn file(&self, job: &Job) -> Result<GeneratedFile, String> {
        let api = self.api;
        match *job {
            Job::Defaults => rust_file("src/defaults.rs", defaults::module(api)),
            Job::Facade => rust_file("src/lib.rs", facade(api)),
            Job::ModelsMod => {
                let declarations = self.groups.iter().map(|group| {
                    let module = ident(&group.module);
                    let cfg = cfg_tokens(&group.features, group.all);
                    quote!(#cfg mod #module; #cfg pub use self::#module::*;)
                });
                let matcher = models::fancy_matcher(api);
                rust_file(
                    "src/models/mod.rs",
                    quote! {
                        //! Request and response types of the API, one per schema of the spec, in one module per
                        //! tag (types several tags reach are in `shared`), each behind its cargo feature.
                        #(#declarations)*
                        #matcher
                    },
                )
            }
            Job::Models(i) => {
                let group = &self.groups[i];
                let doc = match group.module.as_str() {
                    tags::SHARED => " The types the operations of several tags reach.".to_owned(),
                    tags::UNREFERENCED => " The types of the spec no operation reaches.".to_owned(),
                    _ => format!(" The types only the operations of the `{}` feature reach.", group.features.join("")),
                };
                let foreign = foreign_names(api, group, self.home);
                let body = models::module(api, &group.schemas, &foreign);
                rust_file(&format!("src/models/{}.rs", group.module), quote!(#![doc = #doc] #body))
            }
            Job::OperationsMod => {
                let declarations = self.tags.iter().map(|tag| {
                    let module = ident(&tag.module);
                    let cfg = cfg_tokens(std::slice::from_ref(&tag.feature), false);
                    quote!(#cfg mod #module; #cfg pub use self::#module::*;)
                });
                rust_file(
                    "src/operations/mod.rs",
                    quote! {
                        //! The operations of the API, one module per tag, each behind its cargo feature.
                        #(#declarations)*
                    },
                )
            }
            Job::Operations(i) => {
                let tag = &self.tags[i];
                rust_file(&format!("src/operations/{}.rs", tag.module), operations::module(api, &tag.operations))
            }
        }
    }
}

/// The names a models group uses from the other groups, as `(module path, name)`.
fn foreign_names(api: &Api, group: &tags::ModelGroup<'_>, home: &BTreeMap<&str, &str>) -> Vec<(String, String)> {
    let mut used: BTreeSet<&SchemaRef> = BTreeSet::new();
    for schema in &group.schemas {
        // A struct names the types of the fields it keeps only (a dropped `readOnly` field's type is
        // not mentioned).
        let refs: Vec<&TypeRef> = match &schema.kind {
            SchemaKind::Struct { fields } => {
                fields.iter().filter(|f| models::keeps(schema, f)).map(|f| &f.ty).collect()
            }
            _ => schema.type_refs(),
        };
        used.extend(refs.into_iter().flat_map(TypeRef::schema_refs));
    }
    // Page impls name their item type.
    for op in &api.operations {
        if let Some(p) = &op.pagination {
            if group.schemas.iter().any(|s| s.rust_name == p.page_type.as_str()) {
                used.extend(p.item_type.schema_refs());
            }
        }
    }
    used.into_iter()
        .filter_map(|r| home.get(r.as_str()).map(|m| (*m, r.as_str())))
        .filter(|(m, _)| *m != group.module)
        .map(|(m, name)| (format!("super::{m}"), name.to_owned()))
        .collect()
}

/// `#[cfg(feature = "a")]`, `#[cfg(any(...))]` or `#[cfg(all(...))]`; nothing without features.
fn cfg_tokens(features: &[String], all: bool) -> TokenStream {
    match features {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        several if all => quote!(#[cfg(all(#(feature = #several),*))]),
        several => quote!(#[cfg(any(#(feature = #several),*))]),
    }
}

/// `string_newtype!`: the conversions every validated newtype shares.
const NEWTYPE_MACRO: &str = include_str!("../../../templates/runtime/newtype.rs");

/// `open_enum!`: the impls every open string enum shares.
const OPEN_ENUM_MACRO: &str = include_str!("../../../templates/runtime/open_enum.rs");

fn uses_newtypes(api: &Api) -> bool {
    api.schemas.iter().any(|s| s.newtype_constraints().is_some())
}

fn uses_enums(api: &Api) -> bool {
    api.schemas.iter().any(|s| !s.enum_values().is_empty())
}

/// `examples/conformance.rs`: the conformance harness ([`conformance`]), for `Options::conformance`.
pub fn conformance_harness(api: &Api) -> Result<GeneratedFile, String> {
    rust_file("examples/conformance.rs", conformance::harness(api))
}

fn rust_file(path: &str, tokens: TokenStream) -> Result<GeneratedFile, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("internal error: emitted {path} does not parse: {e}"))?;
    Ok(GeneratedFile::rust(path, layout::unparse(file)))
}

/// `lib.rs`: the crate's public face. Spec-derived modules stay private or behind explicit re-exports,
/// so the public API is decided here, in one place.
fn facade(api: &Api) -> TokenStream {
    let tags = tags::tags(api);
    let reexports = tags.iter().map(|tag| {
        let mut builders: Vec<&str> = tag
            .operations
            .iter()
            .flat_map(|op| std::iter::once(&op.builder_name).chain(op.output.enum_name.as_ref()))
            .map(String::as_str)
            .collect();
        builders.sort_unstable();
        let builders = builders.into_iter().map(ident);
        let cfg = cfg_tokens(std::slice::from_ref(&tag.feature), false);
        quote!(#cfg pub use operations::{#(#builders),*};)
    });
    let features: Vec<String> = tags.iter().map(|t| t.feature.clone()).collect();
    // With some tag switched off, parts of the runtime and of the macros go unused on purpose.
    let subset = match features.as_slice() {
        [] => quote!(),
        _ => quote!(#[cfg_attr(not(all(#(feature = #features),*)), allow(dead_code, unused_imports, unused_macros))]),
    };
    // The shared impls of newtypes and open enums are macros, declared before `models` (textual scope).
    let newtype = if uses_newtypes(api) {
        quote!(
            #subset
            #[macro_use]
            mod newtype;
        )
    } else {
        quote!()
    };
    let open_enum = if uses_enums(api) {
        quote!(
            #subset
            #[macro_use]
            mod open_enum;
        )
    } else {
        quote!()
    };
    quote! {
        #![doc = include_str!("../README.md")]
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        mod defaults;
        #newtype
        #open_enum
        pub mod models;
        mod operations;
        #subset
        mod runtime;

        #(#reexports)*
        pub use runtime::{
            ApiFailure, AtlasError, AtlasFieldViolation, AuthError, ByteStream, Client, ClientBuilder, Constraint, Credentials, Download, Error, PageStream, PaginationError,
            RateLimit, Response, RetryPolicy, SecretString, ValidationError,
        };
    }
}

/// An identifier; names were sanitized during lowering, so this never needs `r#`.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust spelling of a type reference.
pub(crate) fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Secret => quote!(SecretString),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Array(inner) => {
            let inner = type_tokens(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote!(BTreeMap<String, #inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name.as_str());
            quote!(#name)
        }
        TypeRef::Any => quote!(serde_json::Value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_do_not_depend_on_the_thread_count() {
        let text = include_str!("../../tests/fixtures/good/tags.yaml");
        let (api, _) = crate::lower_spec("tags.yaml", text).unwrap();
        let alone = emit_on(1, &api).unwrap();
        assert!(alone.len() > 6, "several models and operations modules");
        for threads in [2, 3, 16] {
            assert_eq!(emit_on(threads, &api).unwrap(), alone, "{threads} threads");
        }
    }
}
