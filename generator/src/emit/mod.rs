//! Stage 3: the IR to Rust source. Each module builds `TokenStream`s with `quote!`; this one assembles
//! files, parses them into a `syn::File` and prints them with prettyplease. No formatter process and no
//! text patching: prettyplease's layout is the canonical form.

mod defaults;
pub(crate) mod docs;
mod models;
mod operations;
mod validation;

use crate::files::GeneratedFile;
use crate::ir::{Api, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The Rust files of the generated crate that come from the IR.
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    Ok(vec![
        rust_file("src/defaults.rs", defaults::module(api))?,
        rust_file("src/lib.rs", facade(api))?,
        rust_file("src/models.rs", models::module(api))?,
        rust_file("src/operations.rs", operations::module(api))?,
    ])
}

fn rust_file(path: &str, tokens: TokenStream) -> Result<GeneratedFile, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("internal error: emitted {path} does not parse: {e}"))?;
    Ok(GeneratedFile::rust(path, prettyplease::unparse(&file)))
}

/// `lib.rs`: the crate's public face. Spec-derived modules stay private or behind explicit re-exports,
/// so the public API is decided here, in one place.
fn facade(api: &Api) -> TokenStream {
    let builders = api.operations.iter().map(|op| ident(&op.builder_name));
    quote! {
        #![doc = include_str!("../README.md")]
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        mod defaults;
        pub mod models;
        mod operations;
        mod runtime;

        pub use operations::{#(#builders),*};
        pub use runtime::{
            ApiFailure, AtlasError, AtlasFieldViolation, AuthError, Client, ClientBuilder, Constraint, Credentials, Error, PaginationError,
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
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::Any => quote!(serde_json::Value),
    }
}
