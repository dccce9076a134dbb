//! `with_<field>` setters on every struct, so a value (a request body, or a response built as test
//! data) is one expression: structs are `#[non_exhaustive]`, which rules out struct literals and
//! `..Default::default()` outside the crate.

use super::docs::doc_attrs;
use super::imports::Imports;
use super::tokens::ident;
use crate::ir::{Field, Presence, TypeRef};
use crate::used_names::Import;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// One `with_<field>` method per field, taking the value without `Option`, for the type's one
/// inherent `impl` block.
pub(super) fn setters(fields: &[&Field], uses: &mut Imports) -> TokenStream {
    let mut methods = Vec::new();
    for field in fields {
        let member = ident(&field.rust_name);
        // `_3d_model` becomes `with_3d_model`, not `with__3d_model`.
        let method = format_ident!("with_{}", field.rust_name.trim_start_matches('_'));
        let (arg, value) = match field.ty {
            TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
            TypeRef::Secret => {
                uses.import(Import::SecretString);
                (quote!(impl Into<SecretString>), quote!(value.into()))
            }
            _ => (uses.spell(&field.ty), quote!(value)),
        };
        let value = if field.boxed { quote!(Box::new(#value)) } else { value };
        let value = if field.presence() == Presence::Optional { quote!(Some(#value)) } else { value };
        let doc =
            doc_attrs(&format!("Sets `{}` and returns the value, for building it in one expression.", field.name));
        methods.push(quote! {
            #doc
            pub fn #method(mut self, value: #arg) -> Self {
                self.#member = #value;
                self
            }
        });
    }
    quote! {
        #(#methods)*
    }
}
