//! The two spellings every emitter shares: an identifier and the Rust type of a [`TypeRef`]. A leaf
//! module, so emitters import it without importing the module that assembles them.

use crate::ir::TypeRef;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};

/// An identifier; names were sanitized during lowering, so this never needs `r#`.
pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust spelling of a type reference.
pub(super) fn type_tokens(ty: &TypeRef) -> TokenStream {
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
        TypeRef::External(path) => rust_path::<syn::Type>(path),
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner);
            quote!(Option<#inner>)
        }
    }
}

/// Extra derives of a type ([`crate::ir::Schema::derives`]), each a path, ready to go after the
/// type's own in a `#[derive(...)]` (with a leading comma when there are any).
pub(super) fn extra_derives(derives: &[String]) -> TokenStream {
    let paths = derives.iter().map(|d| rust_path::<syn::Path>(d));
    quote!(#(, #paths)*)
}

/// Extra derives as an attribute of their own (`#[derive(schemars::JsonSchema)]`), or nothing: for
/// items declared through a macro that writes the type's own derives.
pub(super) fn derive_attr(derives: &[String]) -> TokenStream {
    if derives.is_empty() {
        return quote!();
    }
    let paths = derives.iter().map(|d| rust_path::<syn::Path>(d));
    quote!(#[derive(#(#paths),*)])
}

/// A Rust type or path the customisation names; the lowering checked that it parses, so the
/// fallback (a compile error naming it) is never reached from a checked IR.
fn rust_path<T: syn::parse::Parse + ToTokens>(text: &str) -> TokenStream {
    match syn::parse_str::<T>(text) {
        Ok(parsed) => parsed.into_token_stream(),
        Err(_) => {
            let message = format!("`{text}` is not a Rust path");
            quote!(compile_error!(#message))
        }
    }
}
