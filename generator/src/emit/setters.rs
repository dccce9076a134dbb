//! `with_<field>` setters on every struct, so a value (a request body, or a response built as test
//! data) is one expression: structs are `#[non_exhaustive]`, which rules out struct literals and
//! `..Default::default()` outside the crate.

use super::docs::doc_attrs;
use super::imports::Imports;
use super::tokens::{ident, into_arg};
use crate::ir::{Field, Presence, Schema, TypeRef};
use crate::used_names::Import;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// One `with_<field>` method per field of `schema`, taking the value without `Option`, plus
/// `with_<field>_null` for each field that can be sent as `null` ([`Presence::Nullable`]), declared
/// through the runtime's `setters!` as an `impl` block of its own: each setter is one line,
/// `sets "wireName" pub fn with_x(value: T) { x = Some(value); }`, which the macro completes to
/// `pub fn with_x(mut self, value: T) -> Self { self.x = Some(value); self }` with the doc "Sets
/// `wireName` and returns the value, ..". Written out, a setter is six lines; there are thousands
/// (5,551 in the whole Atlas API). Empty when `fields` is.
pub(super) fn setters(
    schema: &Schema,
    name: &proc_macro2::Ident,
    fields: &[&Field],
    uses: &mut Imports,
) -> TokenStream {
    let mut methods = Vec::new();
    for field in fields {
        let member = ident(&field.rust_name);
        let method = format_ident!("{}", setter(field));
        let (arg, value) = match (into_arg(&field.ty), &field.ty) {
            (Some(arg), _) => (arg, quote!(value.into())),
            (None, TypeRef::Secret) => {
                uses.import(Import::SecretString);
                (quote!(impl Into<SecretString>), quote!(value.into()))
            }
            (None, ty) => (uses.spell(ty), quote!(value)),
        };
        let value = if field.boxed { quote!(Box::new(#value)) } else { value };
        let presence = schema.presence(field);
        let value = match presence {
            Presence::Optional => quote!(Some(#value)),
            Presence::Nullable => quote!(Nullable::Value(#value)),
            Presence::Required | Presence::EmptyWhenAbsent => value,
        };
        // The macro writes the doc, "Sets `wireName` and returns the value, ..".
        let wire_name = &field.name;
        methods.push(quote! {
            sets #wire_name pub fn #method(value: #arg) { #member = #value; }
        });
        if presence == Presence::Nullable {
            let method = format_ident!("{}", null_setter(schema, field));
            let doc = doc_attrs(&format!(
                "Sets `{}` to `null`, which the request sends to clear the value, and returns the value.",
                field.name
            ));
            methods.push(quote! {
                #doc
                pub fn #method() { #member = Nullable::Null; }
            });
        }
    }
    if methods.is_empty() {
        return quote!();
    }
    quote! {
        setters! {
            impl #name {
                #(#methods)*
            }
        }
    }
}

/// `with_<field>`; `_3d_model` becomes `with_3d_model`, not `with__3d_model`.
fn setter(field: &Field) -> String {
    format!("with_{}", field.rust_name.trim_start_matches('_'))
}

/// The method that sets a [`Presence::Nullable`] field to `null`: `with_<field>_null`, or
/// `clear_<field>` when another field's setter already has that name (fields `x` and `x_null`).
pub(super) fn null_setter(schema: &Schema, field: &Field) -> String {
    // `type_` -> `with_type_null`: the keyword suffix would make `with_type__null`, not snake case.
    let name = format!("with_{}_null", field.rust_name.trim_matches('_'));
    if schema.kept_fields().any(|f| setter(f) == name) {
        format!("clear_{}", field.rust_name.trim_start_matches('_'))
    } else {
        name
    }
}
