//! The two spellings every emitter shares: an identifier and the Rust type of a [`TypeRef`]. A leaf
//! module, so emitters import it without importing the module that assembles them.

use crate::ir::TypeRef;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};

/// An identifier; names were sanitized during lowering, so this never needs `r#`.
pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust spelling of a type reference, inside the generated crate.
pub(super) fn type_tokens(ty: &TypeRef) -> TokenStream {
    type_tokens_in(ty, &quote!(crate))
}

/// The Rust spelling of a type reference in code whose path to the generated crate is `root`
/// (`crate` inside it, the crate's name in an example).
pub(super) fn type_tokens_in(ty: &TypeRef, root: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Secret => quote!(SecretString),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        // The typed formats, by path: the runtime's modules are public and never clash with a spec's
        // type name (a schema called `Timestamp` stays `Timestamp`).
        TypeRef::DateTime => quote!(#root::datetime::Timestamp),
        TypeRef::Date => quote!(#root::datetime::CalendarDate),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::Base64 => quote!(#root::binary::Base64Bytes),
        TypeRef::Binary => quote!(#root::binary::BinaryString),
        TypeRef::Array(inner) => {
            let inner = type_tokens_in(inner, root);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens_in(inner, root);
            quote!(BTreeMap<String, #inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name.as_str());
            quote!(#name)
        }
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::External(path) => rust_path::<syn::Type>(path),
        TypeRef::Nullable(inner) => {
            let inner = type_tokens_in(inner, root);
            quote!(Option<#inner>)
        }
    }
}

/// The argument type of a constructor or setter taking a value of `ty`, and whether it is an
/// `impl Into<..>` (then the value is `.into()`-ed): strings take `&str` and `String`, the typed
/// formats their natural Rust value (`chrono::DateTime<Utc>` for a `Timestamp`, `Vec<u8>` or `&[u8]`
/// for bytes); `None` for any other type, which is taken as it is.
pub(super) fn into_arg(ty: &TypeRef) -> Option<TokenStream> {
    match ty {
        TypeRef::String => Some(quote!(impl Into<String>)),
        TypeRef::DateTime | TypeRef::Date | TypeRef::Base64 | TypeRef::Binary => {
            let ty = type_tokens(ty);
            Some(quote!(impl Into<#ty>))
        }
        _ => None,
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
