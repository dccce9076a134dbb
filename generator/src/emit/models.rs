//! `models.rs`: one item per named type, plus request-side validation and pagination glue.

use super::docs::{doc_attrs, paragraphs};
use super::imports::Imports;
use super::{ident, type_tokens, validation};
use crate::ir::{Api, EnumValue, Field, Schema, SchemaKind, SchemaRef, TypeRef, UnionVariant};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The whole `models.rs` module body.
pub fn module(api: &Api) -> TokenStream {
    let items = api.schemas.iter().map(|s| schema_item(api, s));
    let pages = page_impls(api);
    let uses_validate = api.schemas.iter().any(|s| needs_validate(s) || matches!(s.kind, SchemaKind::Newtype { .. }));
    let uses_secret = api.schemas.iter().any(|s| s.mentions(|ty| ty.mentions(&TypeRef::Secret)));
    let uses_map = api.schemas.iter().any(|s| s.mentions(TypeRef::has_map));
    let uses_regex = api.schemas.iter().any(|s| match &s.kind {
        SchemaKind::Newtype { constraints } => constraints.pattern.is_some(),
        SchemaKind::Struct { fields } => needs_validate(s) && fields.iter().any(|f| f.constraints.pattern.is_some()),
        _ => false,
    });
    let mut imports = Imports::default();
    imports.add_if(!pages.is_empty(), "crate::runtime", "Page");
    imports.add_if(uses_secret, "crate::runtime", "SecretString");
    imports.add_if(uses_validate, "crate::runtime", "validate");
    imports.add_if(uses_validate, "crate::runtime", "ValidationError");
    imports.add_if(uses_map, "std::collections", "BTreeMap");
    imports.add_if(uses_regex, "regex", "Regex");
    imports.add_if(uses_regex, "std::sync", "LazyLock");
    imports.add("serde", "Deserialize");
    imports.add("serde", "Serialize");
    let imports = imports.tokens();
    quote! {
        //! Request and response types of the API, one per schema of the spec.
        #imports
        #(#items)*
        #(#pages)*
    }
}

/// Whether a struct carries constraints the client must check before sending it.
pub fn needs_validate(schema: &Schema) -> bool {
    schema.in_request && matches!(&schema.kind, SchemaKind::Struct { fields } if !fields.is_empty())
}

fn schema_item(api: &Api, schema: &Schema) -> TokenStream {
    let name = ident(&schema.rust_name);
    let fallback = format!("The `{}` schema of the API.", schema.name);
    let docs = doc_attrs(&schema.description.as_deref().map(super::docs::spec).unwrap_or(fallback));
    match &schema.kind {
        SchemaKind::Struct { fields } => struct_item(api, schema, &name, docs, fields),
        SchemaKind::Enum { values } => enum_item(&name, docs, values),
        SchemaKind::Newtype { constraints } => validation::newtype_item(&schema.rust_name, &schema.name, constraints),
        SchemaKind::Alias { ty } => {
            let ty = type_tokens(ty);
            quote! { #docs pub type #name = #ty; }
        }
        SchemaKind::Union { variants, .. } => union_item(&name, docs, variants),
    }
}

/// A union, as an untagged serde enum whose variants are tried in spec order.
fn union_item(name: &proc_macro2::Ident, docs: TokenStream, variants: &[UnionVariant]) -> TokenStream {
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = type_tokens(&v.ty);
        let doc = format!(" {} `{}` value.", super::docs::article(&v.ty.to_string(), true), v.ty);
        quote! { #[doc = #doc] #variant(#ty), }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Whether a field appears in the Rust struct: request-only types drop `readOnly` fields and
/// response-only types drop `writeOnly` ones; a type used both ways keeps both and skips them on the
/// wrong side (see [`field_item`]).
fn keeps(schema: &Schema, field: &Field) -> bool {
    let request_only = schema.in_request && !schema.in_response;
    let response_only = schema.in_response && !schema.in_request;
    !(request_only && field.read_only || response_only && field.write_only)
}

fn struct_item(
    api: &Api,
    schema: &Schema,
    name: &proc_macro2::Ident,
    docs: TokenStream,
    fields: &[Field],
) -> TokenStream {
    let kept: Vec<&Field> = fields.iter().filter(|f| keeps(schema, f)).collect();
    let field_items = kept.iter().map(|f| field_item(api, schema, f));
    let all_optional = kept.iter().all(|f| !f.required || f.nullable);
    let default = if all_optional { quote!(Default,) } else { quote!() };
    let validate = if needs_validate(schema) { Some(validation::struct_validate(api, name, &kept)) } else { None };
    let (statics, validate) = match validate {
        Some(v) => (v.statics, v.method),
        None => (quote!(), quote!()),
    };
    // Every struct is `#[non_exhaustive]`, so a field the spec adds later is not a breaking change for
    // code that builds these values: request types through `new(required fields)` (optional fields
    // are public and set afterwards), response types through `Default` or `new` the same way.
    let has_required = kept.iter().any(|f| f.required && !f.nullable);
    let constructor =
        if schema.in_request || has_required { constructor(&kept, needs_validate(schema)) } else { quote!() };
    let setters = super::setters::setters(&kept);
    // One inherent impl per type: the constructor, the `with_<field>` setters, then `validate`.
    let methods = if constructor.is_empty() && setters.is_empty() && validate.is_empty() {
        quote!()
    } else {
        quote! {
            impl #name {
                #constructor
                #setters
                #validate
            }
        }
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#field_items)*
        }
        #statics
        #methods
    }
}

/// `new` taking the required fields (strings as `impl Into<String>`); optional ones start empty and are
/// set on the public fields.
fn constructor(fields: &[&Field], validates: bool) -> TokenStream {
    let required: Vec<&&Field> = fields.iter().filter(|f| f.required && !f.nullable).collect();
    let args = required.iter().map(|f| {
        let arg = ident(&f.rust_name);
        let ty = if f.ty == TypeRef::String { quote!(impl Into<String>) } else { type_tokens(&f.ty) };
        quote!(#arg: #ty)
    });
    let inits = fields.iter().map(|f| {
        let member = ident(&f.rust_name);
        if f.required && !f.nullable {
            if f.ty == TypeRef::String {
                quote!(#member: #member.into())
            } else if f.boxed {
                quote!(#member: Box::new(#member))
            } else {
                quote!(#member)
            }
        } else if is_collection(&f.ty) {
            quote!(#member: Default::default())
        } else {
            quote!(#member: None)
        }
    });
    let docs = if required.is_empty() {
        "A value with every field unset.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.rust_name)).collect();
        let checked =
            if validates { " Nothing is checked until the request is sent; see [`Self::validate`]." } else { "" };
        format!("A value with the required {} set and every optional field unset.{checked}", names.join(", "))
    };
    let docs = doc_attrs(&docs);
    quote! {
        #docs
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits),* }
        }
    }
}

/// The Rust type of a field: `Vec`/`BTreeMap` stay bare when optional (empty means absent), other
/// optional or nullable fields become `Option`; a field that reaches its own struct by value is boxed.
pub fn field_type(field: &Field) -> TokenStream {
    let base = type_tokens(&field.ty);
    let base = if field.boxed { quote!(Box<#base>) } else { base };
    if field.nullable || !field.required && !is_collection(&field.ty) {
        quote!(Option<#base>)
    } else {
        base
    }
}

pub fn is_collection(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Array(_) | TypeRef::Map(_))
}

fn field_item(api: &Api, schema: &Schema, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let ty = field_type(field);
    let mut serde_args: Vec<TokenStream> = Vec::new();
    if field.rust_name != field.name {
        let wire = &field.name;
        serde_args.push(quote!(rename = #wire));
    }
    if field.nullable {
        serde_args.push(quote!(default));
    } else if !field.required {
        let skip = match &field.ty {
            TypeRef::Array(_) => "Vec::is_empty",
            TypeRef::Map(_) => "BTreeMap::is_empty",
            _ => "Option::is_none",
        };
        serde_args.push(quote!(default, skip_serializing_if = #skip));
    }
    if schema.in_request && schema.in_response {
        if field.read_only {
            serde_args.push(quote!(skip_serializing));
        }
        if field.write_only {
            serde_args.push(quote!(skip_deserializing));
        }
    }
    let serde = if serde_args.is_empty() { quote!() } else { quote!(#[serde(#(#serde_args),*)]) };
    let mut notes: Vec<String> = Vec::new();
    let constraints = field.constraints.describe();
    if !constraints.is_empty() {
        let checked =
            if schema.in_request { "checked before sending" } else { "as documented; not enforced on responses" };
        notes.push(format!("Constraints ({checked}): {}.", constraints.join(", ")));
    }
    if field.read_only {
        notes.push("Read-only: set by Atlas, never sent.".to_owned());
    }
    if field.write_only {
        notes.push("Write-only: sent, never returned.".to_owned());
    }
    if field.ty == TypeRef::Secret {
        notes.push("Secret: shown as `[redacted]` in `Debug` output; read it with `expose_secret()`.".to_owned());
    }
    let named = match &field.ty {
        TypeRef::Named(n) => api.schema(n),
        _ => None,
    };
    if let Some(Schema { rust_name, kind: SchemaKind::Enum { values }, .. }) = named {
        if schema.in_response {
            let catch_all = catch_all_name(values);
            notes.push(format!("Values unknown to this client decode as [`{rust_name}::{catch_all}`]."));
        }
    }
    // A `$ref` field has no description of its own: fall back to the referenced type's.
    let description = field.description.as_deref().or(named.and_then(|s| s.description.as_deref()));
    let fallback = format!("The `{}` field.", field.name);
    let mut parts = vec![description.map(super::docs::spec).unwrap_or(fallback)];
    parts.extend(notes);
    let docs = paragraphs(parts);
    quote! {
        #docs
        #serde
        pub #name: #ty,
    }
}

/// The variant that holds values the client does not know: `Unknown`, or `UnknownValue` when the spec
/// itself has an `UNKNOWN` value.
fn catch_all_name(values: &[EnumValue]) -> &'static str {
    if values.iter().any(|v| v.rust_name == "Unknown") {
        "UnknownValue"
    } else {
        "Unknown"
    }
}

/// A string enum that stays open: values added to the API later decode into `Unknown` and serialize
/// back unchanged, so a new role in Atlas never breaks a deployed client.
fn enum_item(name: &proc_macro2::Ident, docs: TokenStream, values: &[EnumValue]) -> TokenStream {
    let catch_all = format_ident!("{}", catch_all_name(values));
    let variants = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = format!(" `{}`", v.name);
        quote! { #[doc = #doc] #variant, }
    });
    let to_str = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.name;
        quote! { Self::#variant => #wire, }
    });
    let from_str = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.name;
        quote! { #wire => Self::#variant, }
    });
    let known = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        quote! { Self::#variant }
    });
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; kept verbatim so it round-trips.
            #catch_all(String),
        }

        impl #name {
            /// Every value this version of the client knows, in spec order.
            pub const KNOWN: &'static [Self] = &[#(#known),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#catch_all(value) => value,
                }
            }

            /// Whether this is a value the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#catch_all(_))
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#catch_all(other.to_owned()),
                }
            }
        }

        open_enum!(#name, #catch_all);
    }
}

/// `Page` implementations for the page types of paginated operations, each once.
fn page_impls(api: &Api) -> Vec<TokenStream> {
    let mut done: Vec<&SchemaRef> = Vec::new();
    let mut out = Vec::new();
    for op in &api.operations {
        let Some(p) = &op.pagination else { continue };
        if done.contains(&&p.page_type) {
            continue;
        }
        done.push(&p.page_type);
        let Some(schema) = api.schema(&p.page_type) else { continue };
        let fields = schema.fields();
        let Some(results) = fields.iter().find(|f| f.name == p.results_field) else { continue };
        let page = ident(p.page_type.as_str());
        let item = type_tokens(&p.item_type);
        let results = ident(&results.rust_name);
        let total = match p.total_field.as_ref().and_then(|t| fields.iter().find(|f| &f.name == t)) {
            Some(f) => {
                let field = ident(&f.rust_name);
                if f.required && !f.nullable {
                    quote!(u64::try_from(self.#field).ok())
                } else {
                    quote!(self.#field.and_then(|n| u64::try_from(n).ok()))
                }
            }
            None => quote!(None),
        };
        out.push(quote! {
            impl Page for #page {
                type Item = #item;
                fn items(&self) -> &[Self::Item] {
                    &self.#results
                }
                fn into_items(self) -> Vec<Self::Item> {
                    self.#results
                }
                fn total_count(&self) -> Option<u64> {
                    #total
                }
            }
        });
    }
    out
}
