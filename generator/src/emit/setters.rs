//! `with_<field>` setters on every struct, so a value (a request body, or a response built as test
//! data) is one expression: structs are `#[non_exhaustive]`, which rules out struct literals and
//! `..Default::default()` outside the crate.

use super::models::is_collection;
use super::{ident, type_tokens};
use crate::ir::{Field, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// One `with_<field>` method per field, taking the value without `Option`, for the type's one
/// inherent `impl` block.
pub(super) fn setters(fields: &[&Field]) -> TokenStream {
    let methods = fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        // `_3d_model` becomes `with_3d_model`, not `with__3d_model`.
        let method = format_ident!("with_{}", field.rust_name.trim_start_matches('_'));
        let optional = field.nullable || !field.required && !is_collection(&field.ty);
        let (arg, value) = match field.ty {
            TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
            TypeRef::Secret => (quote!(impl Into<SecretString>), quote!(value.into())),
            _ => (type_tokens(&field.ty), quote!(value)),
        };
        let value = if field.boxed { quote!(Box::new(#value)) } else { value };
        let value = if optional { quote!(Some(#value)) } else { value };
        let doc = format!(" Sets `{}` and returns the value, for building it in one expression.", field.name);
        quote! {
            #[doc = #doc]
            pub fn #method(mut self, value: #arg) -> Self {
                self.#member = #value;
                self
            }
        }
    });
    quote! {
        #(#methods)*
    }
}
