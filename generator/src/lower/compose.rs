//! Schemas built from other schemas: `allOf` (merged into one struct that remembers its parents),
//! `oneOf`/`anyOf` (unions, tagged by a discriminator or tried in order), discriminator parents whose
//! subtypes name them in `allOf`, and schemas openapiv3 could not give a single `type` to (a `type`
//! with keywords of the wrong JSON type, such as an integer `minimum: 1199145600.0`).

use super::Lowerer;
use crate::diag::child;
use crate::ir::{SchemaKind, SchemaRef, TypeRef, UnionTag, UnionVariant};
use crate::naming::{self, Case, Namer};
use openapiv3::{
    AnySchema, ArrayType, BooleanType, IntegerType, NumberType, ObjectType, ReferenceOr, Schema, SchemaKind as Kind,
    StringType, Type,
};
use std::borrow::Cow;

/// One property gathered for a struct: its name, its schema and where it is defined.
pub(super) type Property = (String, ReferenceOr<Box<Schema>>, String);

/// What a composed schema combines.
pub(super) struct Composition<'s> {
    /// `allOf` members.
    pub all_of: &'s [ReferenceOr<Schema>],
    /// `oneOf` members.
    pub one_of: &'s [ReferenceOr<Schema>],
    /// `anyOf` members.
    pub any_of: &'s [ReferenceOr<Schema>],
}

/// The composition keywords of a schema, when it has any.
pub(super) fn composition(schema: &Schema) -> Option<Composition<'_>> {
    let c = match &schema.schema_kind {
        Kind::AllOf { all_of } => Composition { all_of, one_of: &[], any_of: &[] },
        Kind::OneOf { one_of } => Composition { all_of: &[], one_of, any_of: &[] },
        Kind::AnyOf { any_of } => Composition { all_of: &[], one_of: &[], any_of },
        Kind::Any(any) if !(any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty()) => {
            Composition { all_of: &any.all_of, one_of: &any.one_of, any_of: &any.any_of }
        }
        _ => return None,
    };
    Some(c)
}

/// The schema with a single `type`, when openapiv3 parsed it as "any" only because a keyword had the
/// wrong JSON type (an integer's `minimum: 1.0`) or because `type` is missing beside `properties`.
pub(super) fn normalize(schema: &Schema) -> Cow<'_, Schema> {
    let Kind::Any(any) = &schema.schema_kind else { return Cow::Borrowed(schema) };
    if !(any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() && any.not.is_none()) {
        return Cow::Borrowed(schema);
    }
    let Some(ty) = typed(any) else { return Cow::Borrowed(schema) };
    Cow::Owned(Schema { schema_data: schema.schema_data.clone(), schema_kind: Kind::Type(ty) })
}

fn format<T: serde::de::DeserializeOwned + Default>(format: &Option<String>) -> T {
    format.as_ref().and_then(|f| serde_json::from_value(serde_json::Value::String(f.clone())).ok()).unwrap_or_default()
}

fn typed(any: &AnySchema) -> Option<Type> {
    let object = || ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    };
    let ty = match any.typ.as_deref() {
        Some("integer") => Type::Integer(IntegerType {
            format: format(&any.format),
            multiple_of: any.multiple_of.map(|m| m as i64),
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            // A fractional bound on an integer admits the integers inside it.
            minimum: any.minimum.map(|m| m.ceil() as i64),
            maximum: any.maximum.map(|m| m.floor() as i64),
            enumeration: any.enumeration.iter().map(serde_json::Value::as_i64).collect(),
        }),
        Some("number") => Type::Number(NumberType {
            format: format(&any.format),
            multiple_of: any.multiple_of,
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            minimum: any.minimum,
            maximum: any.maximum,
            enumeration: any.enumeration.iter().map(serde_json::Value::as_f64).collect(),
        }),
        Some("string") => Type::String(StringType {
            format: format(&any.format),
            pattern: any.pattern.clone(),
            enumeration: any.enumeration.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
            min_length: any.min_length,
            max_length: any.max_length,
        }),
        Some("boolean") => {
            Type::Boolean(BooleanType { enumeration: any.enumeration.iter().map(serde_json::Value::as_bool).collect() })
        }
        Some("array") => Type::Array(ArrayType {
            items: any.items.clone(),
            min_items: any.min_items,
            max_items: any.max_items,
            unique_items: any.unique_items.unwrap_or(false),
        }),
        Some("object") => Type::Object(object()),
        None if !any.properties.is_empty() || any.additional_properties.is_some() => Type::Object(object()),
        _ => return None,
    };
    Some(ty)
}

impl Lowerer<'_> {
    /// The schemas whose `allOf` names each component (`#/components/schemas/X`), in spec order: the
    /// subtypes of a discriminator parent that has no `oneOf` of its own.
    pub(super) fn subtypes_of(&self, parent: &str) -> Vec<String> {
        let Some(components) = &self.doc.components else { return Vec::new() };
        let target = format!("#/components/schemas/{parent}");
        components
            .schemas
            .iter()
            .filter(|(_, s)| match s {
                ReferenceOr::Item(s) => composition(s).is_some_and(|c| {
                    c.all_of.iter().any(|m| matches!(m, ReferenceOr::Reference { reference } if *reference == target))
                }),
                ReferenceOr::Reference { .. } => false,
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The properties and `required` list of an object schema and of everything its `allOf` merges,
    /// later definitions replacing earlier ones; `$ref` members are recorded in `parents`.
    pub(super) fn gather(&mut self, schema: &Schema, pointer: &str, out: &mut Gathered, depth: usize) -> Option<()> {
        // A chain deeper than this is a cycle (`A: allOf: [B]`, `B: allOf: [A]`).
        if depth > 32 {
            self.diags.error(pointer, "`allOf` members refer to each other in a cycle");
            return None;
        }
        let schema = normalize(schema);
        let (properties, required) = match &schema.schema_kind {
            Kind::Type(Type::Object(o)) => (o.properties.clone(), o.required.clone()),
            Kind::Any(any) => (any.properties.clone(), any.required.clone()),
            Kind::AllOf { .. } | Kind::OneOf { .. } | Kind::AnyOf { .. } => Default::default(),
            _ => {
                self.diags
                    .error(pointer, "an `allOf` member that is not an object is not supported by atlas-codegen")
                    .with_hint("merge objects with `allOf`; express other types with one `type`");
                return None;
            }
        };
        if let Some(c) = composition(&schema) {
            for (i, member) in c.all_of.iter().enumerate() {
                let at = child(&child(pointer, "allOf"), i.to_string());
                match member {
                    ReferenceOr::Reference { reference } => {
                        let (name, target) = self.component(reference, &at)?;
                        out.parents.push(SchemaRef::new(naming::type_name(&name)));
                        let target_pointer = crate::diag::pointer(["components", "schemas", name.as_str()]);
                        let mut inner = Gathered::default();
                        self.gather(&target, &target_pointer, &mut inner, depth + 1)?;
                        out.merge(inner.properties, inner.required);
                    }
                    ReferenceOr::Item(member) => {
                        let mut inner = Gathered::default();
                        self.gather(member, &at, &mut inner, depth + 1)?;
                        out.parents.extend(inner.parents);
                        out.merge(inner.properties, inner.required);
                    }
                }
            }
        }
        let own = properties.into_iter().map(|(name, s)| {
            let at = child(&child(pointer, "properties"), &name);
            (name, s, at)
        });
        out.merge(own.collect(), required);
        Some(())
    }

    /// A `components/schemas` entry by `$ref`, following alias references.
    fn component(&mut self, reference: &str, at: &str) -> Option<(String, Schema)> {
        let mut reference = reference.to_owned();
        for _ in 0..32 {
            let name = crate::load::ref_target::<Schema>(&reference).map(str::to_owned);
            let found = name.as_ref().and_then(|n| self.doc.components.as_ref()?.schemas.get(n.as_str()));
            match (name, found) {
                (Some(name), Some(ReferenceOr::Item(s))) => return Some((name, s.clone())),
                (Some(_), Some(ReferenceOr::Reference { reference: next })) => reference = next.clone(),
                _ => {
                    self.diags
                        .error(child(at, "$ref"), format!("`$ref: {reference}` points to nothing"))
                        .with_hint("reference a schema under `components/schemas`");
                    return None;
                }
            }
        }
        self.diags.error(child(at, "$ref"), format!("`$ref: {reference}` is part of a reference cycle"));
        None
    }

    /// A union of `members` (`keyword` is `oneOf` or `anyOf`), tagged when the schema has a
    /// discriminator. `extra_tags` are subtypes found elsewhere (a discriminator parent's mapping
    /// targets and the schemas that name it in `allOf`).
    pub(super) fn union_kind(
        &mut self,
        rust_name: &str,
        schema: &Schema,
        members: &[ReferenceOr<Schema>],
        keyword: &str,
        extra: &[String],
        pointer: &str,
    ) -> Option<SchemaKind> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        // Every member: a reference with the spec name it points to, or an inline schema.
        let mut refs: Vec<(Option<String>, TypeRef)> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = child(&child(pointer, keyword), i.to_string());
            match member {
                ReferenceOr::Reference { reference } => {
                    let ty = self.schema_type(member, &at, rust_name)?;
                    refs.push((crate::load::ref_target::<Schema>(reference).map(str::to_owned), ty));
                }
                ReferenceOr::Item(_) => {
                    let hint = format!("{rust_name}Variant{}", i + 1);
                    let ty = self.schema_type(member, &at, &hint)?;
                    refs.push((None, ty));
                }
            }
        }
        let mut extra_names: Vec<String> = extra.to_vec();
        if let Some(d) = discriminator {
            for target in d.mapping.values() {
                let name = crate::load::ref_target::<Schema>(target).unwrap_or(target).to_owned();
                extra_names.push(name);
            }
        }
        for name in extra_names {
            let known = refs.iter().any(|(n, _)| n.as_deref() == Some(name.as_str()));
            let defined = self.doc.components.as_ref().is_some_and(|c| c.schemas.contains_key(&name));
            if !known && defined {
                refs.push((Some(name.clone()), TypeRef::Named(SchemaRef::new(naming::type_name(&name)))));
            }
        }
        // Untagged variants are tried in order, so the most specific come first: objects with more
        // required properties, then other named types, integers, numbers and booleans, arrays,
        // strings, maps, and anything last. Ties keep spec order.
        if discriminator.is_none() {
            let required = |name: &Option<String>| {
                let schema = name.as_ref().and_then(|n| self.doc.components.as_ref()?.schemas.get(n.as_str()));
                match schema {
                    Some(ReferenceOr::Item(s)) => match &normalize(s).schema_kind {
                        Kind::Type(Type::Object(o)) => Some(o.required.len()),
                        _ => None,
                    },
                    _ => None,
                }
            };
            let rank = |(name, ty): &(Option<String>, TypeRef)| match ty {
                TypeRef::Named(_) => match required(name) {
                    Some(n) => 1000 - n.min(900),
                    None => 1000,
                },
                TypeRef::I32 | TypeRef::I64 => 1001,
                TypeRef::F64 | TypeRef::Bool => 1002,
                TypeRef::Array(_) => 1003,
                TypeRef::String | TypeRef::Secret => 1004,
                TypeRef::Map(_) => 1005,
                TypeRef::Any => 1006,
            };
            refs.sort_by_key(|r| rank(r));
        }
        let mut namer = Namer::new();
        let mut variants = Vec::new();
        for (i, (spec_name, ty)) in refs.into_iter().enumerate() {
            let base = match (&spec_name, &ty) {
                // `AwsContainer` in `Container` reads as `Container::Aws`.
                (Some(n), _) => {
                    let full = naming::sanitize(n, Case::Pascal);
                    let short = full.strip_suffix(rust_name).or_else(|| full.strip_prefix(rust_name));
                    match short {
                        Some(s) if s.starts_with(|c: char| c.is_ascii_uppercase()) => s.to_owned(),
                        _ => full,
                    }
                }
                (None, TypeRef::Named(n)) => n.as_str().strip_prefix(rust_name).unwrap_or(n.as_str()).to_owned(),
                (None, other) => naming::sanitize(&other.to_string(), Case::Pascal),
            };
            let base = if base.is_empty() { format!("Variant{}", i + 1) } else { base };
            let rust = unique(&mut namer, &i.to_string(), &base);
            let tags = match (discriminator, &spec_name) {
                (Some(d), Some(name)) => {
                    let target = format!("#/components/schemas/{name}");
                    let mapped: Vec<String> =
                        d.mapping.iter().filter(|(_, t)| **t == target || *t == name).map(|(v, _)| v.clone()).collect();
                    if mapped.is_empty() {
                        vec![name.clone()]
                    } else {
                        mapped
                    }
                }
                _ => Vec::new(),
            };
            variants.push(UnionVariant { rust_name: rust, ty, tags });
        }
        let tag = match (discriminator, keyword) {
            (Some(d), _) => UnionTag::Discriminator { property: d.property_name.clone() },
            (None, "anyOf") => UnionTag::AnyOf,
            (None, _) => UnionTag::OneOf,
        };
        if variants.is_empty() {
            self.diags.error(pointer, format!("`{rust_name}` has no variants"));
            return None;
        }
        Some(SchemaKind::Union { tag, variants })
    }
}

/// `base`, or `base2`, `base3`, ... if another `owner` in the scope already has it: distinct and
/// deterministic (the first in spec order keeps the plain name).
pub(super) fn unique(namer: &mut Namer, owner: &str, base: &str) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while namer.claim(owner, &candidate).is_err() {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

/// Properties gathered from an object and its `allOf` members.
#[derive(Default)]
pub(super) struct Gathered {
    /// In definition order; a later definition of a name replaces the earlier one in place.
    pub properties: Vec<Property>,
    /// Required property names.
    pub required: Vec<String>,
    /// The named schemas merged in through `$ref`.
    pub parents: Vec<SchemaRef>,
}

impl Gathered {
    fn merge(&mut self, properties: Vec<Property>, required: Vec<String>) {
        for property in properties {
            match self.properties.iter_mut().find(|p| p.0 == property.0) {
                Some(existing) => *existing = property,
                None => self.properties.push(property),
            }
        }
        for name in required {
            if !self.required.contains(&name) {
                self.required.push(name);
            }
        }
    }
}
