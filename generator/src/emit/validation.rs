//! Constraint checks: validated newtypes for constrained strings, `validate` methods for request
//! types, and the per-parameter checks of request builders. All of them call the small functions of
//! the runtime's `validate` module, one line per constraint, so a reviewer sees each rule.

use super::docs::paragraphs;
use super::imports::Imports;
use super::tokens::ident;
use crate::ir::{Api, Constraints, Field, Presence, Schema, SchemaRef, TypeRef};
use crate::naming::{sanitize, Case};
use crate::used_names::Import;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The static that holds a compiled pattern, named after its owner.
pub fn pattern_static(owner: &str) -> Ident {
    format_ident!("{}_PATTERN", sanitize(owner, Case::Shouty))
}

/// `static NAME: validate::Pattern<Regex>` for the pattern of `constraints` (`fancy_regex::Regex` when
/// it needs look-around or backreferences), compiled as the generator checked it
/// ([`Constraints::compiled_pattern`]: `Pattern::translated(source, regex)` when that differs from the
/// spec's source). Compiled on first use; a pattern that does not compile, which the generator already
/// ruled out, fails validation rather than panicking.
fn pattern_item(name: &Ident, constraints: &Constraints, uses: &mut Imports) -> TokenStream {
    let (Some(pattern), Some(compiled)) = (&constraints.pattern, constraints.compiled_pattern()) else {
        return quote!();
    };
    uses.import(Import::Validate);
    let engine = if constraints.backtracking {
        quote!(fancy_regex::Regex)
    } else {
        uses.import(Import::Regex);
        quote!(Regex)
    };
    let value = if compiled.as_ref() == pattern.as_str() {
        quote!(validate::Pattern::new(#pattern))
    } else {
        let compiled = compiled.as_ref();
        quote!(validate::Pattern::translated(#pattern, #compiled))
    };
    quote! {
        static #name: validate::Pattern<#engine> = #value;
    }
}

/// Statements checking a value against `constraints`. `value` is an expression of type `&str` for
/// strings, a number for numbers, or a slice for arrays; `pointer`/`field` name it in errors.
pub fn checks(
    constraints: &Constraints,
    ty: &TypeRef,
    value: &TokenStream,
    pointer: &TokenStream,
    field: &str,
    pattern: Option<&Ident>,
) -> TokenStream {
    let mut out = Vec::new();
    match ty {
        TypeRef::String | TypeRef::Secret => {
            let value = if *ty == TypeRef::Secret { quote!(#value.expose_secret()) } else { value.clone() };
            if let Some(min) = constraints.min_length.map(proc_macro2::Literal::u64_unsuffixed) {
                out.push(quote!(validate::min_length(#pointer, #field, #value, #min)));
            }
            if let Some(max) = constraints.max_length.map(proc_macro2::Literal::u64_unsuffixed) {
                out.push(quote!(validate::max_length(#pointer, #field, #value, #max)));
            }
            if let (Some(_), Some(name)) = (&constraints.pattern, pattern) {
                out.push(quote!(validate::pattern(#pointer, #field, #value, &#name)));
            }
            if *ty == TypeRef::Secret {
                out = out.into_iter().map(|check| quote!(#check.map_err(ValidationError::redacted))).collect();
            }
        }
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => {
            if let Some(min) = constraints.minimum {
                let check = if constraints.exclusive_minimum { quote!(exclusive_minimum) } else { quote!(minimum) };
                let min = proc_macro2::Literal::f64_unsuffixed(min);
                out.push(quote!(validate::#check(#pointer, #field, #value, #min)));
            }
            if let Some(max) = constraints.maximum {
                let check = if constraints.exclusive_maximum { quote!(exclusive_maximum) } else { quote!(maximum) };
                let max = proc_macro2::Literal::f64_unsuffixed(max);
                out.push(quote!(validate::#check(#pointer, #field, #value, #max)));
            }
            if !constraints.integer_values.is_empty() {
                let values = constraints.integer_values.iter().map(|v| proc_macro2::Literal::i64_unsuffixed(*v));
                out.push(quote!(validate::one_of(#pointer, #field, #value, &[#(#values),*])));
            }
        }
        TypeRef::Array(_) => {
            if let Some(min) = constraints.min_items.map(proc_macro2::Literal::u64_unsuffixed) {
                out.push(quote!(validate::min_items(#pointer, #field, #value, #min)));
            }
            if let Some(max) = constraints.max_items.map(proc_macro2::Literal::u64_unsuffixed) {
                out.push(quote!(validate::max_items(#pointer, #field, #value, #max)));
            }
            if constraints.unique_items {
                out.push(quote!(validate::unique_items(#pointer, #field, #value)));
            }
        }
        _ => {}
    }
    quote! { #(#out?;)* }
}

/// Records the `validate` helpers when `checks` (what [`checks`] or [`standalone_checks`] made) calls
/// any; every check they make is one `validate::` call.
fn note_checks(checks: &TokenStream, uses: &mut Imports) {
    if !checks.is_empty() {
        uses.import(Import::Validate);
    }
}

/// The checks of a newtype's `check`: the value on its own, with no pointer until the caller places
/// the error (`ValidationError::at`).
fn standalone_checks(constraints: &Constraints, pattern: Option<&Ident>) -> TokenStream {
    let min = constraints.min_length.map(proc_macro2::Literal::u64_unsuffixed);
    let min = min.map(|min| quote!(validate::standalone::min_length(value, #min)?;));
    let max = constraints.max_length.map(proc_macro2::Literal::u64_unsuffixed);
    let max = max.map(|max| quote!(validate::standalone::max_length(value, #max)?;));
    let pattern = match (&constraints.pattern, pattern) {
        (Some(_), Some(name)) => Some(quote!(validate::standalone::pattern(value, &#name)?;)),
        _ => None,
    };
    quote!(#min #max #pattern)
}

/// A validated newtype for a constrained string (`OrgId`): it can only hold valid values, it
/// validates again when deserialized, and it converts back into `String` for free.
pub fn newtype_item(
    rust_name: &str,
    spec_name: &str,
    constraints: &Constraints,
    derives: &[String],
    uses: &mut Imports,
) -> TokenStream {
    let extra = super::tokens::extra_derives(derives);
    let name = ident(rust_name);
    let pattern = constraints.pattern.as_ref().map(|_| pattern_static(rust_name));
    let pattern_static = match (&constraints.pattern, &pattern) {
        (Some(_), Some(name)) => pattern_item(name, constraints, uses),
        _ => quote!(),
    };
    uses.import(Import::Serialize);
    uses.import(Import::ValidationError);
    let rules = constraints.describe().join(", ");
    let docs = paragraphs([
        format!("{} `{spec_name}` value: a string checked against its constraints ({rules}).", super::docs::article(spec_name, true)),
        format!("Construct it with [`{rust_name}::new`], `parse` or `try_from`; invalid strings are rejected with a [`ValidationError`]. Request builders also accept plain strings and check them before sending."),
    ]);
    let checks = standalone_checks(constraints, pattern.as_ref());
    note_checks(&checks, uses);
    quote! {
        #pattern_static

        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize #extra)]
        #[serde(transparent)]
        pub struct #name(String);

        impl #name {
            /// Checks `value` and wraps it.
            ///
            /// # Errors
            ///
            /// A [`ValidationError`] naming the first constraint `value` breaks.
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                let value = value.into();
                Self::check(&value)?;
                Ok(Self(value))
            }

            /// Checks `value` against every constraint of this type without wrapping it.
            ///
            /// # Errors
            ///
            /// A [`ValidationError`] naming the first constraint `value` breaks.
            pub fn check(value: &str) -> Result<(), ValidationError> {
                #checks
                Ok(())
            }

            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as an owned string.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        string_newtype!(#name);
    }
}

/// The `validate` method of a request struct, and the pattern statics it uses.
pub struct StructValidate {
    /// The `static` items of the compiled patterns.
    pub statics: TokenStream,
    /// The method itself, for the struct's inherent impl.
    pub method: TokenStream,
}

/// `validate` for a struct that requests carry: its own fields' constraints, then the nested request
/// types it holds.
pub fn struct_validate(
    api: &Api,
    schema: &Schema,
    name: &Ident,
    fields: &[&Field],
    uses: &mut Imports,
) -> StructValidate {
    uses.import(Import::ValidationError);
    let mut statics = Vec::new();
    let mut body = Vec::new();
    for field in fields {
        let member = ident(&field.rust_name);
        let wire = field.name.as_str();
        let pattern = field.constraints.pattern.as_ref().map(|_| {
            let static_name = pattern_static(&format!("{name}_{}", field.rust_name));
            statics.push(pattern_item(&static_name, &field.constraints, uses));
            static_name
        });
        let presence = schema.presence(field);
        let optional = matches!(presence, Presence::Optional | Presence::Nullable);
        // What holds a value to check: `Some(value)`, or `Nullable::Value(value)` (`null` and an absent
        // field have nothing to check).
        let holds = if presence == Presence::Nullable { quote!(Nullable::Value) } else { quote!(Some) };
        let number = matches!(field.ty, TypeRef::I32 | TypeRef::I64 | TypeRef::F64);
        // Required fields are checked in place; optional ones through `if let Some(value)`. Numbers are
        // `Copy` and checked by value.
        // A secret is read through `expose_secret()`, which already borrows.
        let secret = field.ty == TypeRef::Secret;
        let access = match (optional, number || secret) {
            (true, _) => quote!(value),
            (false, true) => quote!(self.#member),
            (false, false) => quote!(&self.#member),
        };
        let value_expr = access.clone();
        let own = checks(&field.constraints, &field.ty, &value_expr, &quote!(pointer), wire, pattern.as_ref());
        note_checks(&own, uses);
        // Method calls take the place itself (`self.next.validate(..)`), not a borrow of it.
        let receiver = if optional { quote!(value) } else { quote!(self.#member) };
        let nested = nested_validate(api, &field.ty, wire, &receiver);
        let items = field_item_checks(name, field, &receiver, &mut statics, uses);
        let nested = quote!(#nested #items);
        if own.is_empty() && nested.is_empty() {
            continue;
        }
        // An optional collection is a plain `Vec`/map, left out of the JSON when empty: an empty one is
        // an absent field, which `minItems` does not apply to.
        let absent_when_empty = presence == Presence::EmptyWhenAbsent;
        if optional && number {
            body.push(quote! { if let #holds(value) = self.#member { #own #nested } });
        } else if absent_when_empty && field.constraints.min_items.is_some() {
            body.push(quote! { if !self.#member.is_empty() { #own #nested } });
        } else if optional {
            body.push(quote! { if let #holds(value) = &self.#member { #own #nested } });
        } else {
            body.push(quote! { #own #nested });
        }
    }
    // A struct with nothing to check keeps its `validate` (public, and called like any other), and
    // says that it never fails.
    let docs = if body.is_empty() {
        paragraphs(["Checks nothing and returns `Ok`: the spec declares no constraint on this value or the request types inside it."])
    } else {
        paragraphs([
            "Checks every constraint the spec declares on this value and the request types inside it; request builders call this before sending.",
            "# Errors\n\nA [`ValidationError`] for the first failed constraint, below `pointer` (such as `/body`).",
        ])
    };
    let unused = if body.is_empty() { quote!(let _ = pointer;) } else { quote!() };
    // The field patterns live inside `validate`, so their names cannot collide with a newtype's.
    StructValidate {
        statics: quote!(),
        method: quote! {
            #docs
            pub fn validate(&self, pointer: &str) -> Result<(), ValidationError> {
                #(#statics)*
                #unused
                #(#body)*
                Ok(())
            }
        },
    }
}

/// The checks of each scalar item of an array field, or each value of a map field
/// ([`Field::item_constraints`]), pointing at the item (`/body/teamIds/0`, `/body/labels/env`).
fn field_item_checks(
    owner: &Ident,
    field: &Field,
    list: &TokenStream,
    statics: &mut Vec<TokenStream>,
    uses: &mut Imports,
) -> TokenStream {
    let constraints = &field.item_constraints;
    let (item_ty, map) = match &field.ty {
        TypeRef::Array(item) => (item.as_ref(), false),
        TypeRef::Map(item) => (item.as_ref(), true),
        _ => return quote!(),
    };
    if constraints.is_empty() {
        return quote!();
    }
    let pattern = constraints.pattern.as_ref().map(|_| {
        let static_name = pattern_static(&format!("{owner}_{}_item", field.rust_name));
        statics.push(pattern_item(&static_name, constraints, uses));
        static_name
    });
    let scalar = item_ty.non_null();
    let value = if matches!(scalar, TypeRef::I32 | TypeRef::I64 | TypeRef::F64) { quote!(*item) } else { quote!(item) };
    let escaped = field.name.replace('{', "{{").replace('}', "}}").replace('~', "~0").replace('/', "~1");
    let at = if map { format!("{{pointer}}/{escaped}/{{key}}") } else { format!("{{pointer}}/{escaped}/{{index}}") };
    let check = checks(constraints, scalar, &value, &quote!(&format!(#at)), "", pattern.as_ref());
    note_checks(&check, uses);
    // A `null` item has nothing to check.
    let check =
        if matches!(item_ty, TypeRef::Nullable(_)) { quote!(if let Some(item) = item { #check }) } else { check };
    if map {
        quote! {
            for (key, item) in #list.iter() {
                let key = key.replace('~', "~0").replace('/', "~1");
                #check
            }
        }
    } else {
        quote! {
            for (index, item) in #list.iter().enumerate() {
                #check
            }
        }
    }
}

/// Calls `validate` on nested request structs (directly or inside arrays).
fn nested_validate(api: &Api, ty: &TypeRef, wire: &str, value: &TokenStream) -> TokenStream {
    let validated = |n: &SchemaRef| api.validates(n);
    // The wire name goes into the format string itself (escaped), so the emitted call reads
    // `format!("{pointer}/roles/{index}")`.
    let escaped = wire.replace('{', "{{").replace('}', "}}").replace('~', "~0").replace('/', "~1");
    match ty {
        TypeRef::Named(n) if validated(n) => {
            let at = format!("{{pointer}}/{escaped}");
            quote! { #value.validate(&format!(#at))?; }
        }
        TypeRef::Array(inner) => match inner.as_ref() {
            TypeRef::Named(n) if validated(n) => {
                let at = format!("{{pointer}}/{escaped}/{{index}}");
                quote! {
                    for (index, item) in #value.iter().enumerate() {
                        item.validate(&format!(#at))?;
                    }
                }
            }
            // A `null` item has nothing to check; the others are checked like any item.
            TypeRef::Nullable(item) if matches!(item.as_ref(), TypeRef::Named(n) if validated(n)) => {
                let at = format!("{{pointer}}/{escaped}/{{index}}");
                quote! {
                    for (index, item) in #value.iter().enumerate() {
                        if let Some(item) = item {
                            item.validate(&format!(#at))?;
                        }
                    }
                }
            }
            _ => quote!(),
        },
        // Map values are checked under their key (escaped as a JSON pointer segment).
        TypeRef::Map(inner) if matches!(inner.non_null(), TypeRef::Named(n) if validated(n)) => {
            let at = format!("{{pointer}}/{escaped}/{{key}}");
            let check = quote! {
                let key = key.replace('~', "~0").replace('/', "~1");
                item.validate(&format!(#at))?;
            };
            let check = if matches!(inner.as_ref(), TypeRef::Nullable(_)) {
                quote!(if let Some(item) = item { #check })
            } else {
                check
            };
            quote! {
                for (key, item) in #value.iter() {
                    #check
                }
            }
        }
        _ => quote!(),
    }
}
