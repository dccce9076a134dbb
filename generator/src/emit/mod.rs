//! Stage 3: the IR to Rust source. Each module builds `TokenStream`s with `quote!`; this one emits
//! the Rust artefacts of the [crate plan](crate::plan), each parsed into a `syn::File` and printed
//! with prettyplease, item by item with blank lines between them ([`layout`]). No formatter process
//! and no text patching inside an item.

mod conformance;
mod defaults;
pub(crate) mod docs;
mod forms;
mod imports;
mod layout;
mod mock;
mod models;
mod operations;
mod parallel;
mod setters;
mod tokens;
mod validation;

use crate::files::GeneratedFile;
use crate::ir::{Api, SchemaKind, SchemaRef, TypeRef};
use crate::options::Options;
use crate::plan::artefacts::{
    Maker, RustModule, BINARY, DATETIME, MULTIPART, NEWTYPE_MACRO, NULLABLE, OPEN_ENUM_MACRO, SERDE_STRUCT_MACRO,
    SETTERS_MACRO,
};
use crate::plan::layout::{ModelGroup, SHARED, UNREFERENCED};
use crate::plan::CratePlan;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use tokens::ident;

/// The Rust files of the crate planned for `api` with the default options (see [`emit_planned`]).
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    emit_planned(&CratePlan::new(api, &Options::default()))
}

/// The cargo features of the crate planned for `api`, one per tag, sorted ([`CratePlan::features`]).
pub fn features(api: &Api) -> Vec<String> {
    CratePlan::new(api, &Options::default()).features
}

/// The Rust modules of `plan` ([`Maker::Rust`] artefacts), in the plan's order.
///
/// Each file is built and printed on its own (tokens, then syn, then prettyplease), so the files are
/// spread over the machine's cores; the result is in a fixed order and does not depend on which thread
/// printed what.
pub fn emit_planned(plan: &CratePlan<'_>) -> Result<Vec<GeneratedFile>, String> {
    emit_on(parallel::threads(), plan)
}

/// [`emit_planned`] on `threads` threads.
fn emit_on(threads: usize, plan: &CratePlan<'_>) -> Result<Vec<GeneratedFile>, String> {
    let jobs: Vec<(&str, RustModule)> = plan
        .artefacts
        .iter()
        .filter_map(|a| match a.maker {
            Maker::Rust(module) => Some((a.path.as_str(), module)),
            Maker::Template(_) | Maker::Copy(_) => None,
        })
        .collect();
    parallel::map_on(threads, &jobs, |(path, module)| rust_file(path, tokens_of(plan, *module))).into_iter().collect()
}

/// The emitter of each Rust module: the one place a [`RustModule`] meets the function that builds it.
fn tokens_of(plan: &CratePlan<'_>, module: RustModule) -> TokenStream {
    let api = plan.api;
    match module {
        RustModule::Defaults => defaults::module(api),
        RustModule::Facade => facade(plan),
        RustModule::ModelsMod => {
            let declarations = plan.model_groups.iter().map(|group| {
                let module = ident(&group.module);
                let cfg = cfg_tokens(&group.features, group.all);
                quote!(#cfg mod #module; #cfg pub use self::#module::*;)
            });
            let matcher = models::fancy_matcher(api);
            quote! {
                //! Request and response types of the API, one per schema of the spec, in one module per
                //! tag (types several tags reach are in `shared`), each behind its cargo feature.
                #(#declarations)*
                #matcher
            }
        }
        RustModule::Models(i) => {
            let group = &plan.model_groups[i];
            let doc = match group.module.as_str() {
                SHARED => " The types the operations of several tags reach.".to_owned(),
                UNREFERENCED => " The types of the spec no operation reaches.".to_owned(),
                _ => format!(" The types only the operations of the `{}` feature reach.", group.features.join("")),
            };
            let foreign = foreign_names(api, group, &plan.home);
            let body = models::module(api, &group.schemas, &foreign);
            quote!(#![doc = #doc] #body)
        }
        RustModule::OperationsMod => {
            let declarations = plan.tags.iter().map(|tag| {
                let module = ident(&tag.module);
                let cfg = cfg_tokens(std::slice::from_ref(&tag.feature), false);
                quote!(#cfg mod #module; #cfg pub use self::#module::*;)
            });
            quote! {
                //! The operations of the API, one module per tag, each behind its cargo feature.
                #(#declarations)*
            }
        }
        RustModule::Operations(i) => operations::module(api, &plan.tags[i].operations),
        RustModule::ConformanceHarness => conformance::harness(plan),
        RustModule::MockMod => {
            mock::module_root(&plan.tags, |tag| cfg_tokens(std::slice::from_ref(&tag.feature), false))
        }
        RustModule::Mock(i) => mock::module(api, &plan.tags[i].operations),
    }
}

/// The names a models group uses from the other groups, as `(module path, name)`.
fn foreign_names(api: &Api, group: &ModelGroup<'_>, home: &BTreeMap<&str, String>) -> Vec<(String, String)> {
    let mut used: BTreeSet<&SchemaRef> = BTreeSet::new();
    for schema in &group.schemas {
        // A struct names the types of the fields it keeps only (a dropped `readOnly` field's type is
        // not mentioned).
        let refs: Vec<&TypeRef> = match &schema.kind {
            SchemaKind::Struct { .. } => schema.kept_fields().map(|f| &f.ty).collect(),
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
        .filter_map(|r| home.get(r.as_str()).map(|m| (m.as_str(), r.as_str())))
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

fn rust_file(path: &str, tokens: TokenStream) -> Result<GeneratedFile, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("internal error: emitted {path} does not parse: {e}"))?;
    Ok(GeneratedFile::rust(path, layout::unparse(file)))
}

/// `lib.rs`: the crate's public face. Spec-derived modules stay private or behind explicit re-exports,
/// so the public API is decided here, in one place.
fn facade(plan: &CratePlan<'_>) -> TokenStream {
    let reexports = plan.tags.iter().map(|tag| {
        let mut builders: Vec<&str> = tag
            .operations
            .iter()
            .flat_map(|op| {
                let form = op.body.as_ref().and_then(|b| b.form.as_ref()).map(|f| &f.rust_name);
                std::iter::once(&op.builder_name).chain(op.output.enum_name.as_ref()).chain(form)
            })
            .map(String::as_str)
            .collect();
        builders.sort_unstable();
        let builders = builders.into_iter().map(ident);
        let cfg = cfg_tokens(std::slice::from_ref(&tag.feature), false);
        quote!(#cfg pub use operations::{#(#builders),*};)
    });
    let features = &plan.features;
    // With some tag switched off, parts of the runtime and of the macros go unused on purpose.
    let subset = match features.as_slice() {
        [] => quote!(),
        [one] => quote!(#[cfg_attr(not(feature = #one), allow(dead_code, unused_imports, unused_macros))]),
        _ => quote!(#[cfg_attr(not(all(#(feature = #features),*)), allow(dead_code, unused_imports, unused_macros))]),
    };
    // A module the crate has only when its file is shipped, allowed to go unused when a tag is off.
    let shipped = |file: &str, module: TokenStream| if plan.ships(file) { quote!(#subset #module) } else { quote!() };
    // The shared impls of newtypes, open enums, setters and the structs' serde impls are macros,
    // declared before `models` (textual scope).
    let newtype = shipped(
        NEWTYPE_MACRO.0,
        quote!(
            #[macro_use]
            mod newtype;
        ),
    );
    let open_enum = shipped(
        OPEN_ENUM_MACRO.0,
        quote!(
            #[macro_use]
            mod open_enum;
        ),
    );
    let serde_struct = shipped(
        SERDE_STRUCT_MACRO[0].0,
        quote!(
            #[macro_use]
            mod serde_struct;
        ),
    );
    let setters = shipped(
        SETTERS_MACRO.0,
        quote!(
            #[macro_use]
            mod setters;
        ),
    );
    // Optional nullable request fields are `Nullable<T>`, which callers name and match on.
    let nullable = if plan.ships(NULLABLE.0) {
        quote!(
            mod nullable;
            pub use nullable::Nullable;
        )
    } else {
        quote!()
    };
    // The multipart runtime is a public module of its own: its `File` and `Form` are named by paths,
    // so they never shadow a spec type called `File` or `Form`.
    let multipart = shipped(
        MULTIPART[0].0,
        quote!(
            pub mod multipart;
        ),
    );
    // The typed formats' runtime: public modules of their own, named by paths (`datetime::Timestamp`),
    // so they never shadow a spec type of the same name.
    let datetime = shipped(
        DATETIME[0].0,
        quote!(
            pub mod datetime;
        ),
    );
    let binary = shipped(
        BINARY[0].0,
        quote!(
            pub mod binary;
        ),
    );
    quote! {
        #![doc = include_str!("../README.md")]
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]
        // docs.rs builds with `--cfg docsrs` on nightly: each feature-gated item is marked with its feature.
        // `doc_cfg` has absorbed `doc_auto_cfg` (nightly since late 2025), so the `#[cfg(feature)]`s are
        // labelled without a `doc(cfg(..))` next to each (checked by `cargo xtask package-check`).
        #![cfg_attr(docsrs, feature(doc_cfg))]

        #binary
        #datetime
        mod defaults;
        #newtype
        #open_enum
        #serde_struct
        #setters
        pub mod models;
        #multipart
        mod operations;
        #subset
        mod runtime;
        // Typed mocks for tests, on wiremock: nothing of it is compiled without the feature.
        #subset
        #[cfg(feature = "mock")]
        pub mod mock;

        #(#reexports)*
        #nullable
        pub use runtime::{
            ApiFailure, AtlasError, AtlasFieldViolation, AuthError, ByteStream, Client, ClientBuilder, Constraint, Credentials, Download, Error, PageStream, PaginationError,
            RateLimit, Response, RetryPolicy, SecretString, ValidationError,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_do_not_depend_on_the_thread_count() {
        let text = include_str!("../../tests/fixtures/good/tags.yaml");
        let (api, _) = crate::lower_spec("tags.yaml", text).unwrap();
        let plan = CratePlan::new(&api, &Options::default());
        let alone = emit_on(1, &plan).unwrap();
        assert!(alone.len() > 6, "several models and operations modules");
        for threads in [2, 3, 16] {
            assert_eq!(emit_on(threads, &plan).unwrap(), alone, "{threads} threads");
        }
    }
}
