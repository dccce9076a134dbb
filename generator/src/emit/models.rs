//! `models.rs`: one item per named type, plus request-side validation and pagination glue.

use super::docs::{doc_attrs, paragraphs};
use super::imports::Imports;
use super::tokens::{ident, into_arg};
use super::validation;
use crate::ir::{Api, EnumValue, Field, Presence, Schema, SchemaKind, SchemaRef, TypeRef, UnionTag, UnionVariant};
use crate::used_names::Import;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// A models module holding `schemas` (the full `api` serves lookups); `foreign` are the
/// `(module path, name)` pairs it uses from other models modules.
pub fn module(api: &Api, schemas: &[&Schema], foreign: &[(String, String)]) -> TokenStream {
    // Each item emitter records the names it spells, so the `use` lines follow from the items.
    let mut uses = Imports::default();
    let items: Vec<TokenStream> = schemas.iter().map(|s| schema_item(api, s, &mut uses)).collect();
    let pages = page_impls(api, schemas, &mut uses);
    for (path, name) in foreign {
        uses.add(path, name);
    }
    let imports = uses.tokens();
    quote! {
        #imports
        #(#items)*
        #(#pages)*
    }
}

/// The `Matcher` impl for `fancy_regex::Regex`, once per crate (in `models/mod.rs`) when any
/// checked pattern needs the backtracking engine.
pub fn fancy_matcher(api: &Api) -> TokenStream {
    if !api.backtracking_patterns() {
        return quote!();
    }
    quote! {
        use crate::runtime::Matcher;

        // A backtracking match that gives up (a runaway pattern) rejects the value.
        impl Matcher for fancy_regex::Regex {
            fn compile(regex: &str) -> Option<Self> {
                fancy_regex::Regex::new(regex).ok()
            }

            fn matches(&self, value: &str) -> bool {
                self.is_match(value).unwrap_or(false)
            }
        }
    }
}

fn schema_item(api: &Api, schema: &Schema, uses: &mut Imports) -> TokenStream {
    let name = ident(&schema.rust_name);
    let fallback = format!("The `{}` schema of the API.", schema.name);
    let docs = doc_attrs(&super::docs::prose(schema.description.as_deref()).unwrap_or(fallback));
    match &schema.kind {
        SchemaKind::Struct { .. } => struct_item(api, schema, &name, docs, uses),
        // `open_enum!` names what it needs by full path.
        SchemaKind::Enum { values } => enum_item(&name, docs, values, &schema.derives),
        SchemaKind::Newtype { constraints } => {
            validation::newtype_item(&schema.rust_name, &schema.name, constraints, &schema.derives, uses)
        }
        SchemaKind::Alias { ty } => {
            let ty = uses.spell(ty);
            quote! { #docs pub type #name = #ty; }
        }
        SchemaKind::Union { .. } => union_item(api, schema, &name, docs, uses),
    }
}

/// A union. Tagged by a discriminator: an enum with one variant per subtype, chosen by the tag
/// property, plus a catch-all that keeps an unknown subtype's raw JSON, so a subtype Atlas adds later
/// never fails a decode and round-trips unchanged. Untagged: serde tries the variants in spec order,
/// and a value that matches none is a decode error.
fn union_item(
    api: &Api,
    schema: &Schema,
    name: &proc_macro2::Ident,
    docs: TokenStream,
    uses: &mut Imports,
) -> TokenStream {
    let SchemaKind::Union { tag, variants } = &schema.kind else { return quote!() };
    let validate = union_validate(api, schema, variants, uses);
    let extra = super::tokens::extra_derives(&schema.derives);
    // Derived (untagged) or implemented by hand (tagged), the serde traits are named either way.
    uses.import(Import::Serialize);
    uses.import(Import::Deserialize);
    let UnionTag::Discriminator { property } = tag else {
        let items: Vec<TokenStream> = variants
            .iter()
            .map(|v| {
                let variant = ident(&v.rust_name);
                let ty = uses.spell(&v.ty);
                let value = v.ty.non_null();
                let null = if matches!(v.ty, TypeRef::Nullable(_)) { ", or `null` (`None`)" } else { "" };
                let doc = format!(" {} `{value}` value{null}.", super::docs::article(&value.to_string(), true));
                quote! { #[doc = #doc] #variant(#ty), }
            })
            .collect();
        let how = match tag {
            UnionTag::AnyOf => "The variants are tried in the order listed, most specific first (`anyOf`); the first that decodes wins.",
            _ => "The variants are tried in the order listed, most specific first (`oneOf`); a value that matches none fails to decode.",
        };
        let how = doc_attrs(how);
        let methods = if validate.is_empty() { quote!() } else { quote!(impl #name { #validate }) };
        // Decoded by hand, not by serde's `untagged`: serde buffers the value and fails after reading
        // it, so the error has no position until the enclosing object ends and the client's decode
        // error would name that object; inside `value_then` it names the union's own path.
        uses.import(Import::JsonPath);
        let attempts = variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let ty = uses.spell(&v.ty);
            quote! {
                if let Ok(decoded) = <#ty as Deserialize>::deserialize(&value) {
                    return Ok(Self::#variant(decoded));
                }
            }
        });
        let no_match = format!("data did not match any variant of untagged enum {name}");
        return quote! {
            #docs
            #[doc = ""]
            #how
            #[derive(Debug, Clone, PartialEq, Serialize #extra)]
            #[serde(untagged)]
            // Variants hold decoded values as the spec shapes them; boxing the large ones would make
            // every construction and match pay for it.
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #(#items)*
            }

            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    json_path::value_then(deserializer, |value| {
                        #(#attempts)*
                        Err(#no_match.to_owned())
                    })
                }
            }

            #methods
        };
    };
    let catch_all = if variants.iter().any(|v| v.rust_name == "Unknown") {
        format_ident!("UnknownSubtype")
    } else {
        format_ident!("Unknown")
    };
    let items: Vec<TokenStream> = variants
        .iter()
        .map(|v| {
            let variant = ident(&v.rust_name);
            let ty = uses.spell(&v.ty);
            let tags: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
            let null = if matches!(v.ty, TypeRef::Nullable(_)) { " (or `null`)" } else { "" };
            // Only a named type is an intra-doc link (`any` is `serde_json::Value`, no item of the crate).
            let target = match v.ty.non_null() {
                TypeRef::Named(_) => format!("[`{}`]", v.ty.non_null()),
                other => format!("`{other}`"),
            };
            let doc = if tags.is_empty() {
                format!(" {target}{null}, sent as it is; no `{property}` value selects it when decoding.")
            } else {
                format!(" `{property}` {}: {target}{null}.", tags.join(" or "))
            };
            quote! { #[doc = #doc] #variant(#ty), }
        })
        .collect();
    let encode = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        match v.tags.first() {
            Some(first) => quote! { Self::#variant(value) => (#first, serde_json::to_value(value)), },
            // No tag to add: the value goes as the caller built it (an empty tag would be sent).
            None => quote! { Self::#variant(value) => return value.serialize(serializer), },
        }
    });
    let decode: Vec<TokenStream> = variants
        .iter()
        .filter(|v| !v.tags.is_empty())
        .map(|v| {
            let variant = ident(&v.rust_name);
            let tags = &v.tags;
            quote! { Some(#(#tags)|*) => serde_json::from_value(value).map(Self::#variant), }
        })
        .collect();
    // No variant with a tag of its own (OpenAI's realtime events name theirs only in `const`s the
    // lowering could not read): every value is kept as it came, and the match would be a lone `_`.
    let deserialize = if decode.is_empty() {
        quote! { Ok(Self::#catch_all(serde_json::Value::deserialize(deserializer)?)) }
    } else {
        // Inside `value_then`, so a subtype's error names the union's path (see the untagged case).
        uses.import(Import::JsonPath);
        quote! {
            json_path::value_then(deserializer, |value| {
                let tag = value.get(Self::TAG).and_then(serde_json::Value::as_str).map(str::to_owned);
                let decoded = match tag.as_deref() {
                    #(#decode)*
                    _ => return Ok(Self::#catch_all(value)),
                };
                decoded.map_err(|error| error.to_string())
            })
        }
    };
    let tag_doc = format!(" The property whose value names the subtype: `{property}`.");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #extra)]
        #[non_exhaustive]
        // Variants hold decoded values as the spec shapes them; boxing the large ones would make every
        // construction and match pay for it.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#items)*
            /// A subtype this version of the client does not know (or a value without the tag), kept as
            /// raw JSON so it round-trips unchanged.
            #catch_all(serde_json::Value),
        }

        impl #name {
            #[doc = #tag_doc]
            pub const TAG: &'static str = #property;

            #validate
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #(#encode)*
                    Self::#catch_all(value) => return value.serialize(serializer),
                };
                let mut value = value.map_err(serde::ser::Error::custom)?;
                // The subtype's own field carries the tag when it has one; otherwise it is added here.
                if let serde_json::Value::Object(map) = &mut value {
                    map.entry(Self::TAG).or_insert_with(|| tag.into());
                }
                value.serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }
    }
}

/// `validate` for a union that requests carry: the chosen variant's own `validate`, if it has one.
fn union_validate(api: &Api, schema: &Schema, variants: &[UnionVariant], uses: &mut Imports) -> TokenStream {
    if !schema.validates() {
        return quote!();
    }
    uses.import(Import::ValidationError);
    let validated = |ty: &TypeRef| matches!(ty, TypeRef::Named(n) if api.validates(n));
    let arms: Vec<TokenStream> = variants
        .iter()
        .filter(|v| validated(v.ty.non_null()))
        .map(|v| {
            let variant = ident(&v.rust_name);
            // A nullable variant holding `null` has nothing to check (the catch-all arm).
            if matches!(v.ty, TypeRef::Nullable(_)) {
                quote! { Self::#variant(Some(value)) => value.validate(pointer), }
            } else {
                quote! { Self::#variant(value) => value.validate(pointer), }
            }
        })
        .collect();
    let nullable = variants.iter().any(|v| matches!(v.ty, TypeRef::Nullable(_)));
    let docs = paragraphs([
        "Checks every constraint the spec declares on the variant this value holds.",
        "# Errors\n\nA [`ValidationError`] naming the first constraint that fails.",
    ]);
    let body = if arms.is_empty() {
        quote! { let _ = pointer; Ok(()) }
    } else if arms.len() == variants.len()
        && !nullable
        && !matches!(schema.kind, SchemaKind::Union { tag: UnionTag::Discriminator { .. }, .. })
    {
        quote! { match self { #(#arms)* } }
    } else {
        quote! { match self { #(#arms)* _ => Ok(()), } }
    };
    quote! {
        #docs
        pub fn validate(&self, pointer: &str) -> Result<(), ValidationError> {
            #body
        }
    }
}

fn struct_item(
    api: &Api,
    schema: &Schema,
    name: &proc_macro2::Ident,
    docs: TokenStream,
    uses: &mut Imports,
) -> TokenStream {
    // A field the struct does not keep (a `readOnly` one of a request-only type) is not mentioned.
    let kept: Vec<&Field> = schema.kept_fields().collect();
    // `serde_struct!` writes both serde impls from its field list, so the struct has no `#[serde]`
    // attribute; a derive of the customisation's that reads them (`schemars::JsonSchema`) keeps them,
    // with serde's `Serialize` derive beside it.
    let attributes = reads_serde_attributes(&schema.derives).then(|| camel_case_fields(&kept));
    let field_items: Vec<TokenStream> = kept.iter().map(|f| field_item(api, schema, f, attributes, uses)).collect();
    // Declared inside `serde_struct!`, each field is followed by its wire name and markers.
    let wire: Vec<TokenStream> = match attributes {
        Some(_) => kept.iter().map(|_| quote!(,)).collect(),
        None => kept.iter().map(|f| wire_suffix(schema, f)).collect(),
    };
    let rename_all = if attributes == Some(true) { quote!(#[serde(rename_all = "camelCase")]) } else { quote!() };
    let serialize = if attributes.is_some() {
        uses.import(Import::Serialize);
        quote!(, Serialize)
    } else {
        quote!()
    };
    let has_required = kept.iter().any(|f| schema.presence(f) == Presence::Required);
    let default = if has_required { quote!() } else { quote!(, Default) };
    let extra = super::tokens::extra_derives(&schema.derives);
    let validate =
        if schema.validates() { Some(validation::struct_validate(api, schema, name, &kept, uses)) } else { None };
    let (statics, validate) = match validate {
        Some(v) => (v.statics, v.method),
        None => (quote!(), quote!()),
    };
    // Every struct is `#[non_exhaustive]`, so a field the spec adds later is not a breaking change for
    // code that builds these values: request types through `new(required fields)` (optional fields
    // are public and set afterwards), response types through `Default` or `new` the same way.
    let constructor = if schema.in_request || has_required { constructor(schema, &kept, uses) } else { quote!() };
    let setters = super::setters::setters(schema, name, &kept, uses);
    // The constructor and `validate` in one inherent impl, the `with_<field>` setters in a second
    // (`setters!`).
    let methods = if constructor.is_empty() && validate.is_empty() {
        quote!()
    } else {
        quote! {
            impl #name {
                #constructor
                #validate
            }
        }
    };
    let declaration = quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #default #serialize #extra)]
        #rename_all
        #[non_exhaustive]
        pub struct #name {
            #(#field_items #wire)*
        }
    };
    let declaration = match attributes {
        Some(_) => {
            let deserialize = deserialize_item(schema, name, &kept, uses);
            quote!(#declaration #deserialize)
        }
        None => quote!(serde_struct! { #declaration }),
    };
    quote! {
        #declaration
        #statics
        #methods
        #setters
    }
}

/// What follows a field declared inside the runtime's `serde_struct!` (see
/// `templates/runtime/serde_struct.rs`: serde's derives expand to hundreds of lines per struct, which
/// dominated compiling a large API, and the macro writes both serde impls from the declaration):
/// `as "wireName"` and the markers saying what serde's field attributes said: `default` when a
/// missing key is the default, `omit` when an unset or empty value is left out, `skip_write` and
/// `skip_read` for a field never written or never read; then the field's comma. `layout.rs` prints the
/// struct as prettyplease prints it, one field per line.
fn wire_suffix(schema: &Schema, field: &Field) -> TokenStream {
    let wire = &field.name;
    let markers = markers(schema, field);
    quote!(as #wire #(#markers)*,)
}

/// The markers of a field in `serde_struct!`, in the order the macro takes them.
fn markers(schema: &Schema, field: &Field) -> Vec<proc_macro2::Ident> {
    let mut markers: Vec<proc_macro2::Ident> = Vec::new();
    if defaulted(field) {
        markers.push(format_ident!("default"));
    }
    if omitted(field) {
        markers.push(format_ident!("omit"));
    }
    if skips_serializing(schema, field) {
        markers.push(format_ident!("skip_write"));
    }
    if skips_deserializing(schema, field) {
        markers.push(format_ident!("skip_read"));
    }
    markers
}

/// The `Deserialize` impl alone of a struct that derives `Serialize` (because another of its derives
/// reads `#[serde]` attributes): `serde_struct! { Deserialize for X { field: Type as "wireName" markers, .. } }`.
fn deserialize_item(schema: &Schema, name: &proc_macro2::Ident, fields: &[&Field], uses: &mut Imports) -> TokenStream {
    let lines: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let member = ident(&f.rust_name);
            let ty = field_type(schema, f, uses);
            let wire = &f.name;
            let markers = markers(schema, f);
            quote!(#member: #ty as #wire #(#markers)*,)
        })
        .collect();
    quote! {
        serde_struct! {
            Deserialize for #name {
                #(#lines)*
            }
        }
    }
}

/// Whether the struct's derives include one that may read `#[serde]` attributes: any but the std
/// derives the customisation allows by name.
fn reads_serde_attributes(derives: &[String]) -> bool {
    derives.iter().any(|d| !matches!(d.as_str(), "Eq" | "Hash" | "PartialOrd" | "Ord" | "Default" | "Copy"))
}

/// Whether an unset or empty value is left out of an encode (`skip_serializing_if`): an optional
/// field, so that an update does not send `null` (which would clear the value). A required nullable
/// field sends `null` for `None`; an optional nullable one of a request type sends `null` only when
/// set to `Nullable::Null`.
fn omitted(field: &Field) -> bool {
    !field.required
}

/// Whether a field is never written (`#[serde(skip_serializing)]`): a read-only field of a type that
/// is both sent and received.
fn skips_serializing(schema: &Schema, field: &Field) -> bool {
    schema.in_request && schema.in_response && field.read_only
}

/// Whether a missing field decodes as its default (`#[serde(default)]`): an optional one, or a
/// required nullable one (Atlas leaves some of those out).
fn defaulted(field: &Field) -> bool {
    !field.required || field.nullable
}

/// Whether a field is never read from a response (`#[serde(skip_deserializing)]`): a write-only field
/// of a type that is both sent and received.
fn skips_deserializing(schema: &Schema, field: &Field) -> bool {
    schema.in_request && schema.in_response && field.write_only
}

/// `new` taking the required fields (strings as `impl Into<String>`); optional ones start empty and are
/// set on the public fields.
fn constructor(schema: &Schema, fields: &[&Field], uses: &mut Imports) -> TokenStream {
    let validates = schema.validates();
    let required: Vec<&&Field> = fields.iter().filter(|f| schema.presence(f) == Presence::Required).collect();
    let args: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let arg = ident(&f.rust_name);
            let ty = into_arg(&f.ty).unwrap_or_else(|| uses.spell(&f.ty));
            quote!(#arg: #ty)
        })
        .collect();
    let inits = fields.iter().map(|f| {
        let member = ident(&f.rust_name);
        match schema.presence(f) {
            Presence::Required if into_arg(&f.ty).is_some() => quote!(#member: #member.into()),
            Presence::Required if f.boxed => quote!(#member: Box::new(#member)),
            Presence::Required => quote!(#member),
            Presence::Nullable => quote!(#member: Nullable::Absent),
            // A nullable collection starts as `Default::default()` too, which is `None`.
            _ if f.ty.is_collection() => quote!(#member: Default::default()),
            _ => quote!(#member: None),
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
    // One argument per required field, in spec order, like the struct itself; Atlas has request
    // objects with more than clippy's seven.
    let many = if required.len() > 7 { quote!(#[allow(clippy::too_many_arguments)]) } else { quote!() };
    // Without a required field the struct derives `Default` (see `struct_item`), whose value this is.
    let value = if required.is_empty() { quote!(Self::default()) } else { quote!(Self { #(#inits),* }) };
    quote! {
        #docs
        #many
        pub fn new(#(#args),*) -> Self {
            #value
        }
    }
}

/// The Rust type of a field: `Option` or `Nullable` when its [`Presence`] says so, bare otherwise; a
/// field that reaches its own struct by value is boxed.
fn field_type(schema: &Schema, field: &Field, uses: &mut Imports) -> TokenStream {
    let base = uses.spell(&field.ty);
    let base = if field.boxed { quote!(Box<#base>) } else { base };
    match schema.presence(field) {
        Presence::Optional => quote!(Option<#base>),
        Presence::Nullable => {
            uses.import(Import::Nullable);
            quote!(Nullable<#base>)
        }
        Presence::Required | Presence::EmptyWhenAbsent => base,
    }
}

/// Whether a struct's fields take `#[serde(rename_all = "camelCase")]`: when that spares more
/// `rename`s (a camelCase API's `groupId` from `group_id`) than it adds (a snake_case wire name, which
/// then needs a `rename` of its own). Either way every field keeps its exact wire name.
fn camel_case_fields(fields: &[&Field]) -> bool {
    let camel = |f: &Field| serde_camel_case(&f.rust_name).as_deref() == Some(f.name.as_str());
    let spared = fields.iter().filter(|f| f.rust_name != f.name && camel(f)).count();
    let added = fields.iter().filter(|f| f.rust_name == f.name && !camel(f)).count();
    spared > added
}

/// A field name as serde's `rename_all = "camelCase"` spells it on the wire, by serde's own rule
/// (`serde_derive`'s `RenameRule::CamelCase`): after each `_` the next character is upper-cased (ASCII
/// only) and the underscores dropped, then the first character is lower-cased. `None` where serde's
/// rule would not apply cleanly (an empty result or a non-ASCII first character), so such a field
/// keeps an explicit `rename`.
fn serde_camel_case(field: &str) -> Option<String> {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let mut pascal = String::new();
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    let first = pascal.chars().next().filter(char::is_ascii)?;
    Some(format!("{}{}", first.to_ascii_lowercase(), &pascal[1..]))
}

/// What serde names `field` on the wire without a `rename`.
fn unrenamed(field: &Field, camel_case: bool) -> Option<String> {
    if camel_case {
        serde_camel_case(&field.rust_name)
    } else {
        Some(field.rust_name.clone())
    }
}

/// A struct's field without its closing comma (which comes with its wire name inside `serde_struct!`);
/// with `attributes` (`Some(camel_case)`: the struct's `rename_all`), its `#[serde]` attributes too,
/// as serde's `Serialize` derive and a customisation's derive read them.
fn field_item(api: &Api, schema: &Schema, field: &Field, attributes: Option<bool>, uses: &mut Imports) -> TokenStream {
    let name = ident(&field.rust_name);
    let ty = field_type(schema, field, uses);
    let serde = match attributes {
        Some(camel_case) => serde_attribute(schema, field, camel_case),
        None => quote!(),
    };
    let mut notes: Vec<String> = Vec::new();
    let checked = if schema.in_request { "checked before sending" } else { "as documented; not enforced on responses" };
    let constraints = field.constraints.describe();
    if !constraints.is_empty() {
        notes.push(format!("Constraints ({checked}): {}.", constraints.join(", ")));
    }
    let item_constraints = field.item_constraints.describe();
    if !item_constraints.is_empty() {
        let each = if matches!(field.ty, TypeRef::Map(_)) { "Each value" } else { "Each item" };
        notes.push(format!("{each} ({checked}): {}.", item_constraints.join(", ")));
    }
    if schema.presence(field) == Presence::Nullable {
        let setter = super::setters::null_setter(schema, field);
        notes.push(format!("Left out when `Absent` (the default); `{setter}()` sends `null`, which clears the value."));
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
    let description = super::docs::prose(field.description.as_deref())
        .or_else(|| super::docs::prose(named.and_then(|s| s.description.as_deref())));
    let fallback = format!("The `{}` field.", field.name);
    let mut parts = vec![description.unwrap_or(fallback)];
    parts.extend(notes);
    let docs = paragraphs(parts);
    quote! {
        #docs
        #serde
        pub #name: #ty
    }
}

/// A field's `#[serde]` attribute, the markers of [`markers`] as serde spells them.
fn serde_attribute(schema: &Schema, field: &Field, camel_case: bool) -> TokenStream {
    let mut serde_args: Vec<TokenStream> = Vec::new();
    if unrenamed(field, camel_case).as_deref() != Some(field.name.as_str()) {
        let wire = &field.name;
        serde_args.push(quote!(rename = #wire));
    }
    if omitted(field) {
        let skip = match (&field.ty, schema.presence(field)) {
            (_, Presence::Nullable) => "Nullable::is_absent",
            (TypeRef::Array(_), Presence::EmptyWhenAbsent) => "Vec::is_empty",
            (TypeRef::Map(_), Presence::EmptyWhenAbsent) => "BTreeMap::is_empty",
            _ => "Option::is_none",
        };
        serde_args.push(quote!(default, skip_serializing_if = #skip));
    } else if defaulted(field) {
        serde_args.push(quote!(default));
    }
    if skips_serializing(schema, field) {
        serde_args.push(quote!(skip_serializing));
    }
    if skips_deserializing(schema, field) {
        serde_args.push(quote!(skip_deserializing));
    }
    if serde_args.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#serde_args),*)])
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
/// back unchanged, so a new role in Atlas never breaks a deployed client. Declared through the
/// runtime's `open_enum!`, one `Variant = "wire"` line per value and `_ => Unknown(String)` (the
/// macro writes the variants' docs, `KNOWN`, `as_str`, `From<&str>` and the rest); `layout.rs` prints
/// the body as the enum it reads like.
fn enum_item(name: &proc_macro2::Ident, docs: TokenStream, values: &[EnumValue], derives: &[String]) -> TokenStream {
    // The customisation's derives go in as one more attribute of the declaration.
    let extra = super::tokens::derive_attr(derives);
    let catch_all = format_ident!("{}", catch_all_name(values));
    let variants = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.name;
        quote! { #variant = #wire, }
    });
    quote! {
        open_enum! {
            #docs
            #extra
            pub enum #name {
                #(#variants)*
                _ => #catch_all(String),
            }
        }
    }
}

/// `Page` implementations for the page types of paginated operations that are among `schemas`, each
/// once.
fn page_impls(api: &Api, schemas: &[&Schema], uses: &mut Imports) -> Vec<TokenStream> {
    let mut done: Vec<&SchemaRef> = Vec::new();
    let mut out = Vec::new();
    for op in &api.operations {
        let Some(p) = &op.pagination else { continue };
        if done.contains(&&p.page_type) || !schemas.iter().any(|s| s.rust_name == p.page_type.as_str()) {
            continue;
        }
        done.push(&p.page_type);
        let Some(schema) = api.schema(&p.page_type) else { continue };
        let fields = schema.fields();
        let Some(results) = fields.iter().find(|f| f.name == p.results_field) else { continue };
        let page = ident(p.page_type.as_str());
        let item = uses.spell(&p.item_type);
        uses.import(Import::Page);
        let results = ident(&results.rust_name);
        let total = match p.total_field.as_ref().and_then(|t| fields.iter().find(|f| &f.name == t)) {
            Some(f) => {
                let field = ident(&f.rust_name);
                match schema.presence(f) {
                    Presence::Required => quote!(u64::try_from(self.#field).ok()),
                    Presence::Nullable => quote!(self.#field.value().and_then(|n| u64::try_from(*n).ok())),
                    _ => quote!(self.#field.and_then(|n| u64::try_from(n).ok())),
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

#[cfg(test)]
mod tests {
    use super::serde_camel_case;

    /// The spellings serde's `rename_all = "camelCase"` gives, which a field without `rename` relies on.
    #[test]
    fn camel_case_is_serdes() {
        for (field, wire) in [
            ("group_id", Some("groupId")),
            ("id", Some("id")),
            ("_3d_model", Some("3dModel")),
            ("type_", Some("type")),
            ("r#type", Some("type")),
            ("a__b", Some("aB")),
            ("links_v2", Some("linksV2")),
            ("_", None),
        ] {
            assert_eq!(serde_camel_case(field).as_deref(), wire, "{field}");
        }
    }
}
