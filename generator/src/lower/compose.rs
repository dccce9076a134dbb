//! Schemas built from other schemas: `allOf` (merged into one struct that remembers its parents),
//! `oneOf`/`anyOf` (unions, tagged by a discriminator or tried in order), discriminator parents whose
//! subtypes name them in `allOf`, and schemas openapiv3 could not give a single `type` to (a `type`
//! with keywords of the wrong JSON type, such as an integer `minimum: 1199145600.0`).

use super::Lowerer;
use crate::diag::child;
use crate::ir::{SchemaKind, SchemaRef, TypeRef, UnionTag, UnionVariant};
use crate::naming::{self, Case, Namer};
use openapiv3::{
    AnySchema, ArrayType, BooleanType, IntegerType, NumberType, ObjectType, ReferenceOr, Schema, SchemaData,
    SchemaKind as Kind, StringType, Type,
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

/// A `oneOf`/`anyOf` whose members are all inline string enums (Atlas lists regions per cloud provider
/// this way), folded into one enum.
pub(super) struct FoldedEnum {
    /// Every member's values, in spec order, each once (`None` for a listed `null`).
    pub values: Vec<Option<String>>,
    /// The members marked `nullable: true`, by index: any of them makes the enum nullable.
    pub nullable_members: Vec<usize>,
}

/// The one enum `members` fold into, when every member is an inline string enum.
pub(super) fn folded_enum(members: &[ReferenceOr<Schema>]) -> Option<FoldedEnum> {
    let mut folded = FoldedEnum { values: Vec::new(), nullable_members: Vec::new() };
    for (i, member) in members.iter().enumerate() {
        let ReferenceOr::Item(member) = member else { return None };
        let member = normalize(member);
        let Kind::Type(Type::String(s)) = &member.schema_kind else { return None };
        if s.enumeration.is_empty() {
            return None;
        }
        if member.schema_data.nullable {
            folded.nullable_members.push(i);
        }
        for value in &s.enumeration {
            if !folded.values.contains(value) {
                folded.values.push(value.clone());
            }
        }
    }
    Some(folded)
}

/// Whether `schema` is a folded `oneOf`/`anyOf` of string enums (without `allOf`) with a nullable
/// member, so every value of it may be `null`.
pub(super) fn folded_enum_nullable(schema: &Schema) -> bool {
    let Some(c) = composition(schema) else { return false };
    let members = if c.one_of.is_empty() { c.any_of } else { c.one_of };
    c.all_of.is_empty() && folded_enum(members).is_some_and(|f| !f.nullable_members.is_empty())
}

/// The schema with a single `type`, when openapiv3 parsed it as "any" only because a keyword had the
/// wrong JSON type (an integer's `minimum: 1.0`) or because `type` is missing and the other keywords
/// say which it is ([`evident_type`]).
pub(super) fn normalize(schema: &Schema) -> Cow<'_, Schema> {
    let Kind::Any(any) = &schema.schema_kind else { return Cow::Borrowed(schema) };
    if !(any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() && any.not.is_none()) {
        return Cow::Borrowed(schema);
    }
    let typ = match any.typ.as_deref() {
        Some(typ) => typ,
        None => match evident_type(schema) {
            Evident::One(typ, _) => typ,
            Evident::Several(_) | Evident::Unknown => return Cow::Borrowed(schema),
        },
    };
    let Some(ty) = typed(any, typ) else { return Cow::Borrowed(schema) };
    Cow::Owned(Schema { schema_data: schema.schema_data.clone(), schema_kind: Kind::Type(ty) })
}

/// Where the normalisation records the types of an OpenAPI 3.1 `type` list it left out.
pub(super) use crate::normalize::openapi31::SEVERAL_TYPES;

/// What a schema without `type` is, judged from its other keywords.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Evident {
    /// Only one type's keywords: that type, and the keywords that tell (for the warning).
    One(&'static str, Vec<&'static str>),
    /// Keywords of several types (`properties` beside `items`), or a 3.1 `type` that listed several:
    /// any JSON value. The types, for the warning.
    Several(Vec<String>),
    /// No keyword that belongs to a type (`{}`, `{description: ..}`): any JSON value, as written.
    Unknown,
}

/// The type a schema without `type` evidently has: an object when it has `properties` (or
/// `additionalProperties`, `required`, ..), an array when it has `items`, a string when it only has
/// string keywords (`pattern`, `minLength`, a string `format`, an `enum` of strings), and so on.
pub(super) fn evident_type(schema: &Schema) -> Evident {
    let Kind::Any(any) = &schema.schema_kind else { return Evident::Unknown };
    if any.typ.is_some() {
        return Evident::Unknown;
    }
    if let Some(listed) = schema.schema_data.extensions.get(SEVERAL_TYPES) {
        let types = listed.as_array().into_iter().flatten().filter_map(|t| t.as_str().map(str::to_owned));
        return Evident::Several(types.collect());
    }
    let mut found: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    let mut note = |typ: &'static str, keyword: &'static str, present: bool| {
        if !present {
            return;
        }
        match found.iter_mut().find(|(t, _)| *t == typ) {
            Some((_, keywords)) => keywords.push(keyword),
            None => found.push((typ, vec![keyword])),
        }
    };
    note("object", "properties", !any.properties.is_empty());
    note("object", "additionalProperties", any.additional_properties.is_some());
    note("object", "required", !any.required.is_empty());
    note("object", "minProperties", any.min_properties.is_some());
    note("object", "maxProperties", any.max_properties.is_some());
    note("array", "items", any.items.is_some());
    note("array", "minItems", any.min_items.is_some());
    note("array", "maxItems", any.max_items.is_some());
    note("array", "uniqueItems", any.unique_items.is_some());
    note("string", "pattern", any.pattern.is_some());
    note("string", "minLength", any.min_length.is_some());
    note("string", "maxLength", any.max_length.is_some());
    let numeric = any.minimum.is_some()
        || any.maximum.is_some()
        || any.multiple_of.is_some()
        || any.exclusive_minimum.is_some()
        || any.exclusive_maximum.is_some();
    note("number", "minimum", numeric);
    match any.format.as_deref() {
        Some("int32" | "int64") => note("integer", "format", true),
        Some("float" | "double") => note("number", "format", true),
        Some(_) => note("string", "format", true),
        None => {}
    }
    // An `enum` says its type when all its values have the same one.
    let values = &any.enumeration;
    if !values.is_empty() {
        if values.iter().all(serde_json::Value::is_string) {
            note("string", "enum", true);
        } else if values.iter().all(|v| v.is_i64() || v.is_u64()) {
            note("integer", "enum", true);
        } else if values.iter().all(serde_json::Value::is_number) {
            note("number", "enum", true);
        } else if values.iter().all(serde_json::Value::is_boolean) {
            note("boolean", "enum", true);
        } else if values.iter().all(serde_json::Value::is_object) {
            note("object", "enum", true);
        } else if values.iter().all(serde_json::Value::is_array) {
            note("array", "enum", true);
        } else {
            note("mixed", "enum", true);
        }
    }
    // An integer `format` or `enum` beside number bounds is an integer.
    if found.iter().any(|(t, _)| *t == "integer") {
        if let Some(i) = found.iter().position(|(t, _)| *t == "number") {
            let (_, keywords) = found.remove(i);
            if let Some((_, integer)) = found.iter_mut().find(|(t, _)| *t == "integer") {
                integer.extend(keywords);
            }
        }
    }
    match found.as_slice() {
        [] => Evident::Unknown,
        [(typ, _)] if *typ == "mixed" => Evident::Several(vec!["several enum value types".to_owned()]),
        [(typ, keywords)] => Evident::One(typ, keywords.clone()),
        several => Evident::Several(several.iter().map(|(t, _)| (*t).to_owned()).collect()),
    }
}

fn format<T: serde::de::DeserializeOwned + Default>(format: &Option<String>) -> T {
    format.as_ref().and_then(|f| serde_json::from_value(serde_json::Value::String(f.clone())).ok()).unwrap_or_default()
}

fn typed(any: &AnySchema, typ: &str) -> Option<Type> {
    let object = || ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    };
    let ty = match typ {
        "integer" => Type::Integer(IntegerType {
            format: format(&any.format),
            multiple_of: any.multiple_of.map(|m| m as i64),
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            // A fractional bound on an integer admits the integers inside it.
            minimum: any.minimum.map(|m| m.ceil() as i64),
            maximum: any.maximum.map(|m| m.floor() as i64),
            enumeration: any.enumeration.iter().map(serde_json::Value::as_i64).collect(),
        }),
        "number" => Type::Number(NumberType {
            format: format(&any.format),
            multiple_of: any.multiple_of,
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            minimum: any.minimum,
            maximum: any.maximum,
            enumeration: any.enumeration.iter().map(serde_json::Value::as_f64).collect(),
        }),
        "string" => Type::String(StringType {
            format: format(&any.format),
            pattern: any.pattern.clone(),
            enumeration: any.enumeration.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
            min_length: any.min_length,
            max_length: any.max_length,
        }),
        "boolean" => {
            Type::Boolean(BooleanType { enumeration: any.enumeration.iter().map(serde_json::Value::as_bool).collect() })
        }
        "array" => Type::Array(ArrayType {
            items: any.items.clone(),
            min_items: any.min_items,
            max_items: any.max_items,
            unique_items: any.unique_items.unwrap_or(false),
        }),
        "object" => Type::Object(object()),
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
        self.note_evident_type(schema, pointer);
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
                self.gather_member(member, &at, out, depth + 1)?;
            }
        }
        let own = properties.into_iter().map(|(name, s)| {
            let at = child(&child(pointer, "properties"), &name);
            (name, s, at)
        });
        let listed = child(pointer, "required");
        let required = required.into_iter().enumerate().map(|(i, name)| (name, child(&listed, i.to_string())));
        out.merge(own.collect(), required.collect());
        Some(())
    }

    /// Merges one `allOf` member (at `at`) into `out`; a `$ref` member is recorded as a parent.
    pub(super) fn gather_member(
        &mut self,
        member: &ReferenceOr<Schema>,
        at: &str,
        out: &mut Gathered,
        depth: usize,
    ) -> Option<()> {
        let mut inner = Gathered::default();
        match member {
            ReferenceOr::Reference { reference } => {
                let (name, target) = self.component(reference, at)?;
                if self.replaced_schema(&name).is_none() {
                    out.parents.push(SchemaRef::new(self.component_type(&name)));
                }
                let target_pointer = crate::diag::pointer(["components", "schemas", name.as_str()]);
                self.gather(&target, &target_pointer, &mut inner, depth)?;
            }
            ReferenceOr::Item(member) => {
                self.gather(member, at, &mut inner, depth)?;
                out.parents.extend(inner.parents);
            }
        }
        out.merge(inner.properties, inner.required);
        Some(())
    }

    /// The parts an `allOf` intersects: the keywords beside it and every member, `$ref`s resolved and
    /// nested `allOf`s flattened, each with where it is defined.
    pub(super) fn all_of_parts(
        &mut self,
        schema: &Schema,
        pointer: &str,
        out: &mut Vec<Part>,
        depth: usize,
    ) -> Option<()> {
        self.parts_of(schema, None, pointer, out, depth)
    }

    /// [`Self::all_of_parts`] of `schema`, which is the component `component` when a `$ref` led here.
    pub(super) fn parts_of(
        &mut self,
        schema: &Schema,
        component: Option<&str>,
        pointer: &str,
        out: &mut Vec<Part>,
        depth: usize,
    ) -> Option<()> {
        if depth > 32 {
            self.diags.error(pointer, "`allOf` members refer to each other in a cycle");
            return None;
        }
        let schema = normalize(schema);
        let Some(c) =
            composition(&schema).filter(|c| c.one_of.is_empty() && c.any_of.is_empty() && !c.all_of.is_empty())
        else {
            let component = component.map(str::to_owned);
            out.push(Part { schema: schema.into_owned(), pointer: pointer.to_owned(), component });
            return Some(());
        };
        if let Kind::Any(any) = &schema.schema_kind {
            let own = Schema {
                schema_data: schema.schema_data.clone(),
                schema_kind: Kind::Any(AnySchema { all_of: Vec::new(), ..any.clone() }),
            };
            out.push(Part { schema: normalize(&own).into_owned(), pointer: pointer.to_owned(), component: None });
        }
        for (i, member) in c.all_of.iter().enumerate() {
            let at = child(&child(pointer, "allOf"), i.to_string());
            match member {
                ReferenceOr::Reference { reference } => {
                    let (name, target) = self.component(reference, &at)?;
                    let target_pointer = crate::diag::pointer(["components", "schemas", name.as_str()]);
                    self.parts_of(&target, Some(&name), &target_pointer, out, depth + 1)?;
                }
                ReferenceOr::Item(member) => self.parts_of(member, None, &at, out, depth + 1)?,
            }
        }
        Some(())
    }

    /// What the `parts` of an `allOf` (at `pointer`) agree a value is. Objects, and anything the
    /// members leave open, are merged as a struct by [`Self::gather`]; members that all name one
    /// other type (a string `allOf` a description wrapper, an integer enum with a bound) become that
    /// type with every member's constraints; members no value can satisfy together (an object and a
    /// string, a string and an integer, enums with no value in common) are an error at `pointer`.
    /// `None` after an error.
    pub(super) fn agree(&mut self, parts: &[Part], data: &SchemaData, pointer: &str) -> Option<Agreement> {
        let mut scalar: Option<(&'static str, &Part)> = None;
        let mut object: Option<&Part> = None;
        for part in parts {
            match json_type(&part.schema) {
                JsonType::Composite => return Some(Agreement::Object),
                JsonType::Open => {}
                JsonType::Object => object = object.or(Some(part)),
                JsonType::Of(ty) => match scalar {
                    None => scalar = Some((ty, part)),
                    Some((seen, _)) if seen == ty => {}
                    // Every integer is a number: together they mean an integer.
                    Some(("number", _)) if ty == "integer" => scalar = Some((ty, part)),
                    Some(("integer", _)) if ty == "number" => {}
                    Some((seen, first)) => {
                        self.conflict(pointer, (seen, &first.pointer), (ty, &part.pointer));
                        return None;
                    }
                },
            }
        }
        let Some((ty, first)) = scalar else { return Some(Agreement::Object) };
        if let Some(object) = object {
            self.conflict(pointer, ("object", &object.pointer), (ty, &first.pointer));
            return None;
        }
        let mut merged = AnySchema::default();
        let mut description = data.description.clone();
        for part in parts {
            description = description.or_else(|| part.schema.schema_data.description.clone());
            self.merge_keywords(&mut merged, keywords(&part.schema), &part.pointer, pointer)?;
        }
        merged.typ = Some(ty.to_owned());
        let ty = typed(&merged, ty)?;
        let schema_data = SchemaData { description, ..data.clone() };
        Some(Agreement::Scalar(Box::new(Schema { schema_data, schema_kind: Kind::Type(ty) })))
    }

    fn conflict(&mut self, pointer: &str, (a, a_at): (&str, &str), (b, b_at): (&str, &str)) {
        self.diags
            .error(
                pointer,
                format!(
                    "`allOf` asks for a value that is both {} (`{a_at}`) and {} (`{b_at}`); no value is both",
                    article(a),
                    article(b)
                ),
            )
            .with_hint("give every `allOf` member the same `type`, or use `oneOf` if the value may be either");
    }

    /// Adds the constraints of one part (`from`, at `at`) to `acc`: the tighter bound wins, `enum`s
    /// intersect, `items` combine as an `allOf` of both.
    fn merge_keywords(&mut self, acc: &mut AnySchema, from: AnySchema, at: &str, pointer: &str) -> Option<()> {
        match (&acc.format, from.format) {
            (None, f) => acc.format = f,
            (Some(a), Some(b)) if *a != b => {
                // An int32 bound is the tighter of the two integer formats.
                if b == "int32" && a == "int64" {
                    acc.format = Some(b);
                } else {
                    self.diags.warning(
                        child(at, "format"),
                        format!("`format: {b}` disagrees with `format: {a}` of another `allOf` member; `{a}` is used"),
                    );
                }
            }
            _ => {}
        }
        match (&acc.pattern, from.pattern) {
            (None, p) => acc.pattern = p,
            (Some(a), Some(b)) if *a != b => {
                self.diags
                    .warning(
                        child(at, "pattern"),
                        format!("a second `pattern` in `allOf` is not enforced by the generated client; only `{a}` is"),
                    )
                    .with_hint("combine the patterns into one");
            }
            _ => {}
        }
        acc.min_length = acc.min_length.max(from.min_length);
        acc.max_length = tighter_max(acc.max_length, from.max_length);
        acc.min_items = acc.min_items.max(from.min_items);
        acc.max_items = tighter_max(acc.max_items, from.max_items);
        acc.unique_items = (acc.unique_items == Some(true) || from.unique_items == Some(true)).then_some(true);
        acc.multiple_of = acc.multiple_of.or(from.multiple_of);
        match (acc.minimum, from.minimum) {
            (_, None) => {}
            (Some(a), Some(b)) if a > b => {}
            (Some(a), Some(b)) if a == b => {
                acc.exclusive_minimum =
                    Some(acc.exclusive_minimum == Some(true) || from.exclusive_minimum == Some(true))
            }
            (_, b) => (acc.minimum, acc.exclusive_minimum) = (b, from.exclusive_minimum),
        }
        match (acc.maximum, from.maximum) {
            (_, None) => {}
            (Some(a), Some(b)) if a < b => {}
            (Some(a), Some(b)) if a == b => {
                acc.exclusive_maximum =
                    Some(acc.exclusive_maximum == Some(true) || from.exclusive_maximum == Some(true))
            }
            (_, b) => (acc.maximum, acc.exclusive_maximum) = (b, from.exclusive_maximum),
        }
        if !from.enumeration.is_empty() {
            if acc.enumeration.is_empty() {
                acc.enumeration = from.enumeration;
            } else {
                acc.enumeration.retain(|v| from.enumeration.contains(v));
                if acc.enumeration.is_empty() {
                    self.diags
                        .error(pointer, format!("the `enum` of `{at}` has no value in common with the other `allOf` members; no value satisfies them all"))
                        .with_hint("list the allowed values once");
                    return None;
                }
            }
        }
        acc.items = match (acc.items.take(), from.items) {
            (None, b) => b,
            (a, None) => a,
            // Array items must satisfy both item schemas.
            (Some(a), Some(b)) => Some(ReferenceOr::Item(Box::new(Schema {
                schema_data: SchemaData::default(),
                schema_kind: Kind::AllOf { all_of: vec![unbox(a), unbox(b)] },
            }))),
        };
        Some(())
    }

    /// A `components/schemas` entry by `$ref`, following alias references.
    pub(super) fn component(&mut self, reference: &str, at: &str) -> Option<(String, Schema)> {
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
        // Every member: a reference with the spec name it points to, or an inline schema.
        let mut refs: Vec<(Option<String>, TypeRef, Option<usize>)> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = child(&child(pointer, keyword), i.to_string());
            match member {
                ReferenceOr::Reference { reference } => {
                    let ty = self.schema_type(member, &at, rust_name)?;
                    refs.push((crate::load::ref_target::<Schema>(reference).map(str::to_owned), ty, None));
                }
                ReferenceOr::Item(_) => {
                    let hint = format!("{rust_name}Variant{}", i + 1);
                    let ty = self.schema_type(member, &at, &hint)?;
                    refs.push((None, ty, None));
                }
            }
        }
        self.union_of(rust_name, schema, refs, keyword, extra, pointer)
    }

    /// The union of lowered variants: each with the spec name its member points to (for the tag and
    /// the variant name), its type and, for a variant merged here, its count of required properties
    /// (which orders untagged variants; otherwise the named component's is used).
    pub(super) fn union_of(
        &mut self,
        rust_name: &str,
        schema: &Schema,
        mut refs: Vec<(Option<String>, TypeRef, Option<usize>)>,
        keyword: &str,
        extra: &[String],
        pointer: &str,
    ) -> Option<SchemaKind> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut extra_names: Vec<String> = extra.to_vec();
        if let Some(d) = discriminator {
            for target in d.mapping.values() {
                let name = crate::load::ref_target::<Schema>(target).unwrap_or(target).to_owned();
                extra_names.push(name);
            }
        }
        for name in extra_names {
            let known = refs.iter().any(|(n, _, _)| n.as_deref() == Some(name.as_str()));
            let defined = self.doc.components.as_ref().is_some_and(|c| c.schemas.contains_key(&name));
            if !known && defined {
                let ty = self.named_ref(&name);
                refs.push((Some(name.clone()), ty, None));
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
            // A nullable variant ranks as its value: `null` matches no other variant but `Any`.
            let rank = |(name, ty, merged): &(Option<String>, TypeRef, Option<usize>)| match ty.non_null() {
                TypeRef::Named(_) => match merged.or_else(|| required(name)) {
                    Some(n) => 1000 - n.min(900),
                    None => 1000,
                },
                TypeRef::I32 | TypeRef::I64 => 1001,
                TypeRef::F64 | TypeRef::Bool => 1002,
                TypeRef::Array(_) => 1003,
                // A typed format is a string on the wire; ties keep spec order.
                TypeRef::String | TypeRef::Secret => 1004,
                TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid | TypeRef::Base64 | TypeRef::Binary => 1004,
                TypeRef::Map(_) => 1005,
                // A user's type (`[replace]`) may accept anything: tried last, with `Any`.
                TypeRef::Any | TypeRef::External(_) | TypeRef::Nullable(_) => 1006,
            };
            refs.sort_by_key(|r| rank(r));
        }
        // Each variant's one tag-property value; a value two variants share (OpenAI's `message` for
        // both input and output messages, told apart by another property) selects neither.
        let owns: Vec<Option<String>> = match discriminator {
            Some(d) => {
                refs.iter().map(|(name, ty, _)| self.single_value(ty, name.as_deref(), &d.property_name)).collect()
            }
            None => vec![None; refs.len()],
        };
        let unique_own =
            |own: &Option<String>| own.clone().filter(|v| owns.iter().flatten().filter(|o| *o == v).count() == 1);
        let mut namer = Namer::new();
        let mut variants = Vec::new();
        for (i, (spec_name, ty, _)) in refs.into_iter().enumerate() {
            let tags = match (discriminator, &spec_name) {
                (Some(d), Some(name)) => {
                    let target = format!("#/components/schemas/{name}");
                    let mapped: Vec<String> =
                        d.mapping.iter().filter(|(_, t)| **t == target || *t == name).map(|(v, _)| v.clone()).collect();
                    if mapped.is_empty() {
                        // The implicit tag is the schema's name; a subtype whose tag property has one
                        // value of its own (OpenAI's `ClickParam` with `type: {const: click}`) is sent
                        // with that value, which comes first.
                        let own = unique_own(&owns[i]);
                        own.into_iter().chain([name.clone()]).fold(Vec::new(), |mut tags, t| {
                            if !tags.contains(&t) {
                                tags.push(t);
                            }
                            tags
                        })
                    } else {
                        mapped
                    }
                }
                // An inline subtype has no name: only its tag property's one value can select it.
                (Some(_), None) => unique_own(&owns[i]).into_iter().collect(),
                _ => Vec::new(),
            };
            let base = match (&spec_name, ty.non_null()) {
                (Some(n), _) => variant_base(rust_name, n),
                // An inline subtype is named after its one tag (`server_vad` -> `ServerVad`).
                (None, _) if tags.len() == 1 => naming::sanitize(&tags[0], Case::Pascal),
                (None, TypeRef::Named(n)) => n.as_str().strip_prefix(rust_name).unwrap_or(n.as_str()).to_owned(),
                (None, other) => naming::sanitize(&other.to_string(), Case::Pascal),
            };
            let base = if base.is_empty() { format!("Variant{}", i + 1) } else { base };
            let rust = unique(&mut namer, &i.to_string(), &base);
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

impl Lowerer<'_> {
    /// The one value the `property` of a union variant can have (a string `enum` of one value, which
    /// 3.1's `const` becomes): from the variant's lowered struct, else from its component `spec_name`
    /// when that is not lowered yet.
    fn single_value(&self, ty: &TypeRef, spec_name: Option<&str>, property: &str) -> Option<String> {
        if let TypeRef::Named(name) = ty.non_null() {
            if let Some(schema) = self.schemas.iter().find(|s| s.rust_name == name.as_str()) {
                let SchemaKind::Struct { fields, .. } = &schema.kind else { return None };
                let field = fields.iter().find(|f| f.name == property)?;
                let TypeRef::Named(inner) = field.ty.non_null() else { return None };
                let target = self.schemas.iter().find(|s| s.rust_name == inner.as_str())?;
                return match &target.kind {
                    SchemaKind::Enum { values, .. } if values.len() == 1 => Some(values[0].name.clone()),
                    _ => None,
                };
            }
        }
        let ReferenceOr::Item(schema) = self.doc.components.as_ref()?.schemas.get(spec_name?)? else { return None };
        let Kind::Type(Type::Object(object)) = &normalize(schema).schema_kind else { return None };
        let ReferenceOr::Item(field) = object.properties.get(property)? else { return None };
        match &field.schema_kind {
            Kind::Type(Type::String(s)) if s.enumeration.len() == 1 => s.enumeration[0].clone(),
            _ => None,
        }
    }
}

/// One schema an `allOf` intersects, resolved, with where it is defined.
#[derive(Clone)]
pub(super) struct Part {
    /// The schema, normalized.
    pub schema: Schema,
    /// Its JSON pointer.
    pub pointer: String,
    /// The `components/schemas` name, when the part is a whole component reached by `$ref`.
    pub component: Option<String>,
}

/// Whether a part constrains nothing (`{}`, or annotations only).
pub(super) fn adds_nothing(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, Kind::Any(any) if *any == AnySchema::default())
        && schema.schema_data.discriminator.is_none()
}

/// The name of a union variant for the component `spec_name`: `AwsContainer` in `Container` reads as
/// `Container::Aws`.
pub(super) fn variant_base(rust_name: &str, spec_name: &str) -> String {
    let full = naming::sanitize(spec_name, Case::Pascal);
    let short = full.strip_suffix(rust_name).or_else(|| full.strip_prefix(rust_name));
    match short {
        Some(s) if s.starts_with(|c: char| c.is_ascii_uppercase()) => s.to_owned(),
        _ => full,
    }
}

/// What the members of an `allOf` agree a value is.
pub(super) enum Agreement {
    /// An object (or members that leave the type open, or compositions): merged as a struct.
    Object,
    /// One other type, carrying every member's constraints.
    Scalar(Box<Schema>),
}

/// The JSON type a schema asks for.
enum JsonType {
    /// An object: `type: object`, or object keywords without a `type`.
    Object,
    /// Another type: `string`, `integer`, `number`, `boolean` or `array`.
    Of(&'static str),
    /// No type: `{}`, or annotations only.
    Open,
    /// `oneOf`/`anyOf`/`not`, or a `type` the generator does not model: left to the struct merge.
    Composite,
}

fn json_type(schema: &Schema) -> JsonType {
    match &schema.schema_kind {
        Kind::Type(Type::Object(_)) => JsonType::Object,
        Kind::Type(Type::String(_)) => JsonType::Of("string"),
        Kind::Type(Type::Integer(_)) => JsonType::Of("integer"),
        Kind::Type(Type::Number(_)) => JsonType::Of("number"),
        Kind::Type(Type::Boolean(_)) => JsonType::Of("boolean"),
        Kind::Type(Type::Array(_)) => JsonType::Of("array"),
        Kind::Any(any)
            if !(any.one_of.is_empty() && any.any_of.is_empty() && any.all_of.is_empty() && any.not.is_none()) =>
        {
            JsonType::Composite
        }
        Kind::Any(any)
            if !any.properties.is_empty() || !any.required.is_empty() || any.additional_properties.is_some() =>
        {
            JsonType::Object
        }
        Kind::Any(any) if any.typ.is_none() => JsonType::Open,
        _ => JsonType::Composite,
    }
}

fn article(ty: &str) -> String {
    match ty {
        "object" | "integer" | "array" => format!("an {ty}"),
        _ => format!("a {ty}"),
    }
}

fn tighter_max(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn unbox(schema: ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        ReferenceOr::Item(schema) => ReferenceOr::Item(*schema),
    }
}

/// The keywords of a schema in `AnySchema` form (the inverse of [`typed`]), so parts of any type merge
/// field by field.
fn keywords(schema: &Schema) -> AnySchema {
    fn format<T: serde::Serialize>(format: &T) -> Option<String> {
        serde_json::to_value(format).ok().and_then(|v| v.as_str().map(str::to_owned))
    }
    fn values<T: Into<serde_json::Value> + Clone>(values: &[Option<T>]) -> Vec<serde_json::Value> {
        values.iter().map(|v| v.clone().map_or(serde_json::Value::Null, Into::into)).collect()
    }
    match &schema.schema_kind {
        Kind::Type(Type::String(s)) => AnySchema {
            format: format(&s.format),
            pattern: s.pattern.clone(),
            enumeration: values(&s.enumeration),
            min_length: s.min_length,
            max_length: s.max_length,
            ..AnySchema::default()
        },
        Kind::Type(Type::Integer(i)) => AnySchema {
            format: format(&i.format),
            multiple_of: i.multiple_of.map(|m| m as f64),
            exclusive_minimum: Some(i.exclusive_minimum),
            exclusive_maximum: Some(i.exclusive_maximum),
            minimum: i.minimum.map(|m| m as f64),
            maximum: i.maximum.map(|m| m as f64),
            enumeration: values(&i.enumeration),
            ..AnySchema::default()
        },
        Kind::Type(Type::Number(n)) => AnySchema {
            format: format(&n.format),
            multiple_of: n.multiple_of,
            exclusive_minimum: Some(n.exclusive_minimum),
            exclusive_maximum: Some(n.exclusive_maximum),
            minimum: n.minimum,
            maximum: n.maximum,
            enumeration: values(&n.enumeration),
            ..AnySchema::default()
        },
        Kind::Type(Type::Boolean(b)) => AnySchema { enumeration: values(&b.enumeration), ..AnySchema::default() },
        Kind::Type(Type::Array(a)) => AnySchema {
            items: a.items.clone(),
            min_items: a.min_items,
            max_items: a.max_items,
            unique_items: Some(a.unique_items),
            ..AnySchema::default()
        },
        Kind::Any(any) => any.clone(),
        _ => AnySchema::default(),
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
    /// Required property names, each with where it is first listed.
    pub required: Vec<(String, String)>,
    /// The named schemas merged in through `$ref`.
    pub parents: Vec<SchemaRef>,
}

impl Gathered {
    fn merge(&mut self, properties: Vec<Property>, required: Vec<(String, String)>) {
        for property in properties {
            match self.properties.iter_mut().find(|p| p.0 == property.0) {
                Some(existing) => *existing = property,
                None => self.properties.push(property),
            }
        }
        for (name, at) in required {
            if !self.is_required(&name) {
                self.required.push((name, at));
            }
        }
    }

    /// Whether `name` is in a merged `required` list.
    pub fn is_required(&self, name: &str) -> bool {
        self.required.iter().any(|(n, _)| n == name)
    }
}
