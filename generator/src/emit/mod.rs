//! Stage 3: the IR to Rust source. Each module builds `TokenStream`s with `quote!`; this one assembles
//! files, parses them into a `syn::File` and prints them with prettyplease, item by item with blank
//! lines between them ([`layout`]). No formatter process and no text patching inside an item.

mod defaults;
pub(crate) mod docs;
mod imports;
mod layout;
mod models;
mod operations;
mod setters;
mod validation;

use crate::files::GeneratedFile;
use crate::ir::{Api, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The Rust files of the generated crate that come from the IR.
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    let mut files = vec![
        rust_file("src/defaults.rs", defaults::module(api))?,
        rust_file("src/lib.rs", facade(api))?,
        rust_file("src/models.rs", models::module(api))?,
        rust_file("src/operations.rs", operations::module(api))?,
    ];
    // Fixed support code, shipped only to crates whose models use it (an unused macro is a warning).
    if uses_newtypes(api) {
        files.push(GeneratedFile::rust("src/newtype.rs", NEWTYPE_MACRO.to_owned()));
    }
    if uses_enums(api) {
        files.push(GeneratedFile::rust("src/open_enum.rs", OPEN_ENUM_MACRO.to_owned()));
    }
    Ok(files)
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

fn rust_file(path: &str, tokens: TokenStream) -> Result<GeneratedFile, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("internal error: emitted {path} does not parse: {e}"))?;
    Ok(GeneratedFile::rust(path, layout::unparse(file)))
}

/// `lib.rs`: the crate's public face. Spec-derived modules stay private or behind explicit re-exports,
/// so the public API is decided here, in one place.
fn facade(api: &Api) -> TokenStream {
    let mut builders: Vec<&str> = api
        .operations
        .iter()
        .flat_map(|op| std::iter::once(&op.builder_name).chain(op.output.enum_name.as_ref()))
        .map(String::as_str)
        .collect();
    builders.sort_unstable();
    let builders = builders.into_iter().map(ident);
    // The shared impls of newtypes and open enums are macros, declared before `models` (textual scope).
    let newtype = if uses_newtypes(api) {
        quote!(
            #[macro_use]
            mod newtype;
        )
    } else {
        quote!()
    };
    let open_enum = if uses_enums(api) {
        quote!(
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
        mod runtime;

        pub use operations::{#(#builders),*};
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
