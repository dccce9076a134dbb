//! The multipart form types, one per operation whose `multipart/form-data` body lists its parts: a
//! public field per part, `new` taking the required parts and a `with_<part>` setter per part (the
//! shape of the models' structs), and `into_form`, which hands the parts to the runtime's
//! `multipart::Form` in the spec's order: text as text, files with their name and content type, the
//! rest as JSON.

use super::docs::{doc_attrs, paragraphs, prose};
use super::imports::Imports;
use super::tokens::{ident, into_arg};
use crate::ir::{FormPart, MultipartForm, Operation, PartKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The form type of `op`'s body.
pub(super) fn form_type(form: &MultipartForm, op: &Operation, imports: &mut Imports) -> TokenStream {
    let name = ident(&form.rust_name);
    let fields = form
        .parts
        .iter()
        .map(|p| {
            let member = ident(&p.rust_name);
            let docs = doc_attrs(&part_doc(p));
            let ty = field_type(p, imports);
            quote!(#docs pub #member: #ty,)
        })
        .collect::<Vec<_>>();
    let required: Vec<&FormPart> = form.parts.iter().filter(|p| p.required).collect();
    let args = required
        .iter()
        .map(|p| {
            let arg = ident(&p.rust_name);
            let ty = argument_type(p, imports, quote!()).0;
            quote!(#arg: #ty)
        })
        .collect::<Vec<_>>();
    let inits = form
        .parts
        .iter()
        .map(|p| {
            let member = ident(&p.rust_name);
            match (p.required, p.repeated) {
                (true, _) => {
                    let value = argument_type(p, imports, quote!(#member)).1;
                    quote!(#member: #value)
                }
                (false, true) => quote!(#member: Vec::new()),
                (false, false) => quote!(#member: None),
            }
        })
        .collect::<Vec<_>>();
    let new_docs = if required.is_empty() {
        "A form with every part unset.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|p| format!("`{}`", p.rust_name)).collect();
        format!("A form with the required {} set and every optional part unset.", names.join(", "))
    };
    let new_docs = doc_attrs(&new_docs);
    let many = if required.len() > 7 { quote!(#[allow(clippy::too_many_arguments)]) } else { quote!() };
    let default = if required.is_empty() { quote!(Default,) } else { quote!() };
    let setters = form.parts.iter().map(|p| {
        let member = ident(&p.rust_name);
        // `_3d_model` becomes `with_3d_model`, not `with__3d_model`.
        let method = format_ident!("with_{}", p.rust_name.trim_start_matches('_'));
        let (arg, value) = argument_type(p, imports, quote!(value));
        let value = if p.required || p.repeated { value } else { quote!(Some(#value)) };
        let docs =
            doc_attrs(&format!("Sets the `{}` part and returns the form, for building it in one expression.", p.name));
        quote! {
            #docs
            pub fn #method(mut self, value: #arg) -> Self {
                self.#member = #value;
                self
            }
        }
    });
    let json = form.parts.iter().any(|p| p.kind == PartKind::Json);
    let operation = if json { quote!(operation) } else { quote!(_operation) };
    let pushes = form.parts.iter().map(push);
    let docs = paragraphs([
        format!(
            "The `multipart/form-data` body of [`Client::{}`](crate::Client::{}): one field per part the API description lists.",
            op.rust_name, op.rust_name
        ),
        "Build it with [`new`](Self::new), which takes the required parts, and the `with_` setters; file parts take a [`multipart::File`] (bytes, with a file name and content type).".to_owned(),
    ]);
    quote! {
        #docs
        #[derive(Debug, Clone, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #new_docs
            #many
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*

            /// The parts, in the order of the API description; an absent part (`None`, or an empty
            /// list) is left out.
            fn into_form(self, #operation: &'static str) -> Result<multipart::Form, Error> {
                let mut form = multipart::Form::new();
                #(#pushes)*
                Ok(form)
            }
        }
    }
}

/// The docs of a part's field: its description, and how it travels.
fn part_doc(p: &FormPart) -> String {
    let mut text = prose(p.description.as_deref()).unwrap_or_else(|| format!("The `{}` part.", p.name));
    let content_type = p.content_type.as_deref().unwrap_or_default();
    let how = match (p.kind, p.repeated) {
        (PartKind::File, false) => {
            format!("A file part, sent as `{content_type}` unless the file sets its content type.")
        }
        (PartKind::File, true) => {
            format!("One file part per item, each sent as `{content_type}` unless the file sets its content type.")
        }
        (PartKind::Text, false) => "A text part.".to_owned(),
        (PartKind::Text, true) => "One text part per item.".to_owned(),
        (PartKind::Json, _) => format!("A part holding the value as JSON (`{content_type}`)."),
    };
    let absent = match (p.required, p.repeated) {
        (true, _) => "",
        (false, true) => " Left out when empty.",
        (false, false) => " Left out when `None`.",
    };
    text.push_str(&format!("\n\n{how}{absent}"));
    text
}

/// The Rust type of one value of the part (an item, when repeated).
fn item_type(p: &FormPart, imports: &mut Imports) -> TokenStream {
    match p.kind {
        PartKind::File => quote!(multipart::File),
        PartKind::Text | PartKind::Json => imports.spell(&p.ty),
    }
}

/// The field's type: `Vec` when repeated, `Option` when optional.
fn field_type(p: &FormPart, imports: &mut Imports) -> TokenStream {
    let item = item_type(p, imports);
    match (p.required, p.repeated) {
        (_, true) => quote!(Vec<#item>),
        (true, false) => item,
        (false, false) => quote!(Option<#item>),
    }
}

/// What `new` and the setters take for the part (files and strings through `Into`), and how the
/// argument `value` becomes the field's value (without the `Option`).
fn argument_type(p: &FormPart, imports: &mut Imports, value: TokenStream) -> (TokenStream, TokenStream) {
    if p.repeated {
        return (field_type(p, imports), value);
    }
    match (p.kind, &p.ty, into_arg(&p.ty)) {
        (PartKind::File, _, _) => (quote!(impl Into<multipart::File>), quote!(#value.into())),
        (_, _, Some(arg)) => (arg, quote!(#value.into())),
        (_, TypeRef::Secret, None) => (quote!(impl Into<SecretString>), quote!(#value.into())),
        _ => (item_type(p, imports), value),
    }
}

/// The statement adding the part's value(s) to `form`.
fn push(p: &FormPart) -> TokenStream {
    let member = ident(&p.rust_name);
    let name = &p.name;
    let content_type = p.content_type.as_deref().unwrap_or_default();
    let add = |value: TokenStream| match (p.kind, &p.ty) {
        (PartKind::File, _) => quote!(form = form.file_part(#name.to_owned(), #value, #content_type);),
        (PartKind::Json, _) => quote!(form = form.json(operation, #name, #content_type, &#value)?;),
        (PartKind::Text, TypeRef::String) => quote!(form = form.text(#name, #value);),
        (PartKind::Text, TypeRef::Secret) => quote!(form = form.text(#name, #value.expose_secret());),
        (PartKind::Text, _) => quote!(form = form.text(#name, #value.to_string());),
    };
    match (p.required, p.repeated) {
        (_, true) => {
            let add = add(quote!(value));
            quote!(for value in self.#member { #add })
        }
        (true, false) => add(quote!(self.#member)),
        (false, false) => {
            let add = add(quote!(value));
            quote!(if let Some(value) = self.#member { #add })
        }
    }
}
