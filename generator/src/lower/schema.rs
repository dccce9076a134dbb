//! Lowering of JSON schemas into named IR types and type references.

use super::{compose, Lowerer};
use crate::diag::child;
use crate::ir::{Constraints, EnumValue, Field, Schema, SchemaKind, SchemaRef, TypeRef};
use crate::naming::{self, Case, Namer};
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, SchemaKind as Kind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::borrow::Borrow;

impl Lowerer<'_> {
    /// Lowers every `components/schemas` entry into a named type, in spec order.
    pub(super) fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else { return };
        for (name, schema) in &components.schemas {
            let pointer = crate::diag::pointer(["components", "schemas", name.as_str()]);
            let rust_name = self.component_type(name);
            // A schema the customisation replaces with a type of the user's own is not generated.
            if self.replaced_schema(name).is_some() {
                continue;
            }
            match schema {
                ReferenceOr::Reference { reference } => {
                    if let Some(target) = self.schema_ref(reference, &pointer) {
                        self.push_schema(name, rust_name, &pointer, None, SchemaKind::Alias { ty: target });
                    }
                }
                ReferenceOr::Item(schema) => {
                    let kind = self.named_kind(name, &rust_name, schema, &pointer);
                    if let Some(kind) = kind {
                        self.push_schema(name, rust_name, &pointer, schema.schema_data.description.clone(), kind);
                    }
                }
            }
        }
    }

    pub(super) fn push_schema(
        &mut self,
        name: &str,
        rust_name: String,
        pointer: &str,
        description: Option<String>,
        kind: SchemaKind,
    ) {
        // A nullable alias target (`type X = Option<Y>`) would hide `null` from the places that refer to
        // `X`; the alias names `Y`, and references to `X` are nullable instead (see
        // [`Self::component_nullable`]).
        let kind = match kind {
            SchemaKind::Alias { ty } => SchemaKind::Alias { ty: ty.split_nullable().0 },
            other => other,
        };
        let all_of = match self.parents.iter().position(|(n, _)| *n == rust_name) {
            Some(i) => self.parents.remove(i).1,
            None => Vec::new(),
        };
        let unsatisfiable = match self.unsatisfiable.iter().position(|(n, _)| *n == rust_name) {
            Some(i) => Some(self.unsatisfiable.remove(i).1),
            None => None,
        };
        self.schemas.push(Schema {
            name: name.to_owned(),
            rust_name,
            pointer: pointer.to_owned(),
            description,
            all_of,
            in_request: false,
            in_response: false,
            unsatisfiable,
            derives: Vec::new(),
            kind,
        });
    }

    /// The named type a schema with a name becomes: a struct, an enum, a validated newtype or an alias.
    fn named_kind(
        &mut self,
        name: &str,
        rust_name: &str,
        schema: &openapiv3::Schema,
        pointer: &str,
    ) -> Option<SchemaKind> {
        self.note_evident_type(schema, pointer);
        let normalized = compose::normalize(schema);
        let schema = normalized.as_ref();
        if let Some(c) = compose::composition(schema) {
            return self.composed_kind(name, rust_name, schema, &c, pointer);
        }
        match &schema.schema_kind {
            // A discriminator parent without `oneOf`: its subtypes name it in `allOf`.
            Kind::Type(Type::Object(_)) if schema.schema_data.discriminator.is_some() => {
                let subtypes = self.subtypes_of(name);
                let mapped = schema.schema_data.discriminator.as_ref().is_some_and(|d| !d.mapping.is_empty());
                if subtypes.is_empty() && !mapped {
                    self.diags.warning(
                        child(pointer, "discriminator"),
                        format!("`discriminator` of `{name}` names no subtype (no `mapping`, no schema has it in `allOf`); it decodes as a plain object"),
                    );
                    let mut gathered = compose::Gathered::default();
                    self.gather(schema, pointer, &mut gathered, 0)?;
                    return self.struct_kind(name, rust_name, &gathered);
                }
                self.union_kind(rust_name, schema, &[], "oneOf", &subtypes, pointer)
            }
            Kind::Type(Type::Object(object))
                if object.properties.is_empty() && object.additional_properties.is_some() =>
            {
                let ty = self.type_of(schema, pointer, rust_name)?;
                Some(SchemaKind::Alias { ty })
            }
            Kind::Type(Type::Object(_)) => {
                let mut gathered = compose::Gathered::default();
                self.gather(schema, pointer, &mut gathered, 0)?;
                self.struct_kind(name, rust_name, &gathered)
            }
            Kind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                self.enum_kind(name, &s.enumeration, schema.schema_data.nullable, pointer)
            }
            Kind::Type(Type::String(_)) => {
                let constraints = self.constraints(schema, pointer);
                if constraints.constrains_string() && !is_secret(schema) && self.mapped_format(schema).is_none() {
                    Some(SchemaKind::Newtype { constraints })
                } else {
                    let ty = self.type_of(schema, pointer, rust_name)?;
                    Some(SchemaKind::Alias { ty })
                }
            }
            _ => {
                let ty = self.type_of(schema, pointer, rust_name)?;
                Some(SchemaKind::Alias { ty })
            }
        }
    }

    /// A struct of gathered properties (its own and those `allOf` merged in).
    fn struct_kind(&mut self, name: &str, rust_name: &str, gathered: &compose::Gathered) -> Option<SchemaKind> {
        let mut fields = Vec::new();
        // Every field of the struct is one naming scope: the described properties, then the keys
        // `required` lists without describing them.
        let undescribed: Vec<&(String, String)> =
            gathered.required.iter().filter(|(n, _)| !gathered.properties.iter().any(|p| &p.0 == n)).collect();
        let claimants: Vec<crate::naming::clash::Claimant<'_>> = gathered
            .properties
            .iter()
            .map(|(n, _, at)| (n, at))
            .chain(undescribed.iter().map(|(n, at)| (n, at)))
            .map(|(spelling, pointer)| crate::naming::clash::Claimant {
                spelling,
                pointer,
                priority: 0,
                qualifier: None,
            })
            .collect();
        let mut rust_fields = self
            .scope_names(
                &claimants,
                naming::field_name,
                ("properties", &format!(" of `{name}`")),
                "the Rust field",
                " (its JSON name stays)",
            )
            .into_iter();
        for (field_name, field_schema, field_pointer) in &gathered.properties {
            let rust_field = rust_fields.next().unwrap_or_else(|| naming::field_name(field_name));
            // A field that lost a clash names its inline type after its own Rust name.
            let hint = if rust_field == naming::field_name(field_name) {
                format!("{rust_name}{}", naming::sanitize(field_name, Case::Pascal))
            } else {
                format!("{rust_name}{}", naming::sanitize(&rust_field, Case::Pascal))
            };
            let Some(ty) = self.schema_type(field_schema, field_pointer, &hint) else { continue };
            // A field's own nullability is `Field::nullable` (its `Option`), never a nested `Option`.
            let (ty, null_type) = ty.split_nullable();
            let (data, constraints) = match field_schema {
                ReferenceOr::Item(s) => (Some(&s.schema_data), self.constraints(s, field_pointer)),
                ReferenceOr::Reference { .. } => (None, Constraints::default()),
            };
            let item_constraints = match field_schema {
                ReferenceOr::Item(s) => self.item_constraints(s, &ty, field_pointer),
                ReferenceOr::Reference { .. } => Constraints::default(),
            };
            fields.push(Field {
                name: field_name.clone(),
                rust_name: rust_field,
                pointer: field_pointer.clone(),
                ty,
                required: gathered.is_required(field_name),
                nullable: null_type || data.is_some_and(|d| d.nullable),
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                description: data.and_then(|d| d.description.clone()),
                constraints,
                item_constraints,
                format: match field_schema {
                    ReferenceOr::Item(s) => string_format(s),
                    ReferenceOr::Reference { .. } => None,
                },
                boxed: false,
            });
        }
        // JSON Schema lets `required` name a key that `properties` does not describe: the object must
        // have it, with any value. It becomes a required `serde_json::Value` field, after the others.
        for (field_name, listed_at) in undescribed {
            self.diags
                .warning(
                    listed_at,
                    format!("`{field_name}` of `{name}` is required but not among the properties; it is typed as any JSON value"),
                )
                .with_hint(format!("describe `{field_name}` under `properties` to give it a type"));
            let rust_field = rust_fields.next().unwrap_or_else(|| naming::field_name(field_name));
            fields.push(Field {
                name: field_name.clone(),
                rust_name: rust_field,
                pointer: listed_at.clone(),
                ty: TypeRef::Any,
                required: true,
                nullable: false,
                read_only: false,
                write_only: false,
                description: Some(
                    "Required by the spec's `required` list, which `properties` does not describe: any JSON value (`null` included), but the key must be present.".to_owned(),
                ),
                constraints: Constraints::default(),
                item_constraints: Constraints::default(),
                format: None,
                boxed: false,
            });
        }
        if !gathered.parents.is_empty() {
            self.parents.push((rust_name.to_owned(), gathered.parents.clone()));
        }
        Some(SchemaKind::Struct { fields })
    }

    /// A schema made of others: a union for `oneOf`/`anyOf` (one enum when every member is a string
    /// enum), a merged struct for `allOf` (an alias when it only wraps one `$ref`).
    fn composed_kind(
        &mut self,
        name: &str,
        rust_name: &str,
        schema: &openapiv3::Schema,
        c: &compose::Composition<'_>,
        pointer: &str,
    ) -> Option<SchemaKind> {
        if !c.one_of.is_empty() || !c.any_of.is_empty() {
            let (members, keyword) = if c.one_of.is_empty() { (c.any_of, "anyOf") } else { (c.one_of, "oneOf") };
            if !c.all_of.is_empty() {
                return self.all_of_with_union(name, rust_name, schema, members, keyword, pointer);
            }
            if let Some(folded) = compose::folded_enum(members) {
                // Atlas writes `type: object` beside a `oneOf` of string enums: a validator accepts no
                // value then. The client keeps the enum (what servers send); samples avoid the type.
                if let Kind::Any(any) = &schema.schema_kind {
                    if let Some(declared) = any.typ.as_deref().filter(|t| *t != "string") {
                        let reason = format!("`type: {declared}` beside a `{keyword}` of string enums");
                        self.diags
                            .warning(
                                child(pointer, "type"),
                                format!("{reason}: no value is valid; the client treats `{name}` as the string enum"),
                            )
                            .with_hint("drop the `type`, or make it `string`");
                        self.unsatisfiable.push((rust_name.to_owned(), reason));
                    }
                }
                // `null` matches each nullable member, and a `oneOf` value must match exactly one.
                if let ("oneOf", [_, second, ..]) = (keyword, folded.nullable_members.as_slice()) {
                    let members: Vec<String> = folded.nullable_members.iter().map(ToString::to_string).collect();
                    self.diags
                        .warning(
                            child(&child(&child(pointer, keyword), second.to_string()), "nullable"),
                            format!(
                                "`oneOf` members {} of `{name}` are each `nullable`: `null` matches more than one, so a validator rejects it (a `oneOf` value matches exactly one member); the client accepts `null` (`Option`)",
                                members.join(", ")
                            ),
                        )
                        .with_hint("keep `nullable: true` on one member, or use `anyOf`");
                }
                let nullable = schema.schema_data.nullable || !folded.nullable_members.is_empty();
                return self.enum_kind(name, &folded.values, nullable, pointer);
            }
            let own = match &schema.schema_kind {
                Kind::Any(any) => !any.properties.is_empty(),
                _ => false,
            };
            if own && schema.schema_data.discriminator.is_none() {
                self.diags.warning(
                    child(pointer, "properties"),
                    format!("the properties of `{name}` beside `{keyword}` are not part of its variants, so the client drops them"),
                ).with_hint("move them into each variant, or into an `allOf` the variants share");
            }
            let subtypes = self.subtypes_of(name);
            return self.union_kind(rust_name, schema, members, keyword, &subtypes, pointer);
        }
        let own_properties = match &schema.schema_kind {
            Kind::Any(any) => !any.properties.is_empty(),
            _ => false,
        };
        // `allOf: [{$ref: Parent}]` alone is another name for Parent, except for the subtype of a
        // discriminator parent (`DefaultScheduleView` of `OnlineArchiveSchedule`): that is the parent's
        // object shape, a struct, or the union would contain itself.
        let polymorphic = |reference: &str| {
            let target = crate::load::ref_target::<openapiv3::Schema>(reference)
                .and_then(|n| self.doc.components.as_ref()?.schemas.get(n));
            match target {
                Some(ReferenceOr::Item(t)) => {
                    t.schema_data.discriminator.is_some()
                        || compose::composition(t).is_some_and(|c| !c.one_of.is_empty() || !c.any_of.is_empty())
                }
                _ => false,
            }
        };
        let wraps_one = match c.all_of {
            [ReferenceOr::Reference { reference }] => !polymorphic(reference),
            _ => false,
        };
        if let ([member @ ReferenceOr::Reference { .. }], false, true) = (c.all_of, own_properties, wraps_one) {
            let ty = self.schema_type(member, &child(&child(pointer, "allOf"), "0"), rust_name)?;
            return Some(SchemaKind::Alias { ty });
        }
        if let compose::Agreement::Scalar(merged) = self.all_of_agreement(schema, pointer)? {
            return self.named_kind(name, rust_name, &merged, pointer);
        }
        let mut gathered = compose::Gathered::default();
        self.gather(schema, pointer, &mut gathered, 0)?;
        self.struct_kind(name, rust_name, &gathered)
    }

    /// What an `allOf`-only schema's members agree a value is (see [`Self::agree`]).
    pub(super) fn all_of_agreement(&mut self, schema: &openapiv3::Schema, pointer: &str) -> Option<compose::Agreement> {
        let mut parts = Vec::new();
        self.all_of_parts(schema, pointer, &mut parts, 0)?;
        self.agree(&parts, &schema.schema_data, &child(pointer, "allOf"))
    }

    /// `allOf` beside `oneOf`/`anyOf`: a value has the common part AND one variant. Lowered as the
    /// union whose every variant is its own merged type (the common properties plus the variant's),
    /// tagged or tried in order exactly like a plain `oneOf`. Not as a struct of the common fields
    /// with a `#[serde(flatten)]` union: the struct's own fields consume their keys before the union
    /// sees the rest, so a discriminator that is a common property (`petType` of a shared base) would
    /// never reach the union, and an untagged variant could not be chosen by a common property.
    fn all_of_with_union(
        &mut self,
        name: &str,
        rust_name: &str,
        schema: &openapiv3::Schema,
        members: &[ReferenceOr<openapiv3::Schema>],
        keyword: &str,
        pointer: &str,
    ) -> Option<SchemaKind> {
        // The common part: the schema without its `oneOf`/`anyOf`.
        let common = match &schema.schema_kind {
            Kind::Any(any) => openapiv3::Schema {
                schema_data: schema.schema_data.clone(),
                schema_kind: Kind::Any(openapiv3::AnySchema { one_of: Vec::new(), any_of: Vec::new(), ..any.clone() }),
            },
            _ => schema.clone(),
        };
        let mut common_parts = Vec::new();
        self.all_of_parts(&common, pointer, &mut common_parts, 0)?;
        let single = members.len() == 1;
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = child(&child(pointer, keyword), i.to_string());
            let mut parts = common_parts.clone();
            let spec_name = match member {
                ReferenceOr::Reference { reference } => {
                    let (target_name, target) = self.component(reference, &at)?;
                    let target_pointer = crate::diag::pointer(["components", "schemas", target_name.as_str()]);
                    self.parts_of(&target, Some(&target_name), &target_pointer, &mut parts, 0)?;
                    Some(target_name)
                }
                ReferenceOr::Item(inline) => {
                    // Every variant is the `allOf` part AND itself, and the `allOf` part admits no `null`.
                    if inline.schema_data.nullable {
                        self.diags
                            .warning(
                                child(&at, "nullable"),
                                format!("`nullable` on a `{keyword}` variant beside `allOf` is ignored: the value must also satisfy every `allOf` member, so only `nullable` beside `allOf` admits `null`"),
                            )
                            .with_hint("move `nullable: true` next to `allOf`");
                    }
                    self.all_of_parts(inline, &at, &mut parts, 0)?;
                    None
                }
            };
            // One variant needs no union: it is the schema's own type.
            let variant_name = match &spec_name {
                _ if single => rust_name.to_owned(),
                Some(n) => format!("{rust_name}{}", compose::variant_base(rust_name, n)),
                None => format!("{rust_name}Variant{}", i + 1),
            };
            // `nullable` beside the union makes the union nullable (its references), not each variant.
            let data =
                openapiv3::SchemaData { nullable: single && schema.schema_data.nullable, ..schema.schema_data.clone() };
            let agreement = self.agree(&parts, &data, &at)?;
            let (kind, required, variant_name) = match agreement {
                compose::Agreement::Scalar(merged) if single => {
                    return self.named_kind(name, rust_name, &merged, pointer)
                }
                compose::Agreement::Scalar(merged) => {
                    let ty = self.type_of(&merged, &at, &variant_name)?;
                    variants.push((spec_name, ty, None));
                    continue;
                }
                compose::Agreement::Object => {
                    // A variant that adds nothing to one named type is that type (`allOf: [$ref: Task]`
                    // beside `oneOf: [{}]`).
                    let named: Vec<&compose::Part> =
                        parts.iter().filter(|p| !compose::adds_nothing(&p.schema)).collect();
                    if let [only] = named.as_slice() {
                        if let Some(target) = &only.component {
                            let ty = self.component_ref(target);
                            if single {
                                return Some(SchemaKind::Alias { ty });
                            }
                            variants.push((spec_name, ty, None));
                            continue;
                        }
                    }
                    let mut gathered = compose::Gathered::default();
                    self.gather(&common, pointer, &mut gathered, 0)?;
                    self.gather_member(member, &at, &mut gathered, 0)?;
                    if single {
                        return self.struct_kind(name, rust_name, &gathered);
                    }
                    let required = gathered.required.len();
                    // Named before its fields are lowered: inline field types are named after it.
                    let variant_name = self.claim_type(&at, &variant_name, &at, "Inline");
                    (self.struct_kind(&at, &variant_name, &gathered), required, variant_name)
                }
            };
            let description = match member {
                ReferenceOr::Item(inline) => inline.schema_data.description.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            self.push_schema(&at, variant_name.clone(), &at, description, kind?);
            variants.push((spec_name, TypeRef::Named(SchemaRef::new(&variant_name)), Some(required)));
        }
        let subtypes = self.subtypes_of(name);
        self.union_of(rust_name, schema, variants, keyword, &subtypes, pointer)
    }

    /// A string enum; `null` among the values of a `nullable` enum (as OpenAPI 3.0.3 asks for) is the
    /// `None` of the places that refer to it, not a variant.
    fn enum_kind(
        &mut self,
        name: &str,
        values: &[Option<String>],
        nullable: bool,
        pointer: &str,
    ) -> Option<SchemaKind> {
        let mut namer = Namer::new();
        let mut out = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let value_pointer = child(&child(pointer, "enum"), i.to_string());
            let Some(value) = value else {
                if !nullable {
                    self.diags
                        .error(
                            value_pointer,
                            format!(
                                "enum `{name}` lists `null` but is not `nullable: true`, so no value can be `null`"
                            ),
                        )
                        .with_hint("add `nullable: true` to allow `null`, or remove `null` from `enum`");
                }
                continue;
            };
            if out.iter().any(|v: &EnumValue| &v.name == value) {
                continue;
            }
            // Values that collide after case conversion (`foo-bar`, `FOO_BAR`) get numbered variants,
            // the first in spec order keeping the plain name.
            let rust = compose::unique(&mut namer, value, &naming::sanitize(value, Case::Pascal));
            out.push(EnumValue { name: value.clone(), pointer: value_pointer, rust_name: rust });
        }
        if values.is_empty() {
            self.diags.error(child(pointer, "enum"), format!("enum `{name}` has no values"));
            return None;
        }
        Some(SchemaKind::Enum { values: out })
    }

    /// The type of a schema that may be a `$ref` (boxed inside schemas, unboxed in parameters, bodies
    /// and responses). Inline objects and enums become named types called `name_hint`.
    pub(super) fn schema_type<S: Borrow<openapiv3::Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        pointer: &str,
        name_hint: &str,
    ) -> Option<TypeRef> {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of(schema.borrow(), pointer, name_hint),
        }
    }

    /// The named type a `$ref` points to.
    fn schema_ref(&mut self, reference: &str, pointer: &str) -> Option<TypeRef> {
        let ref_pointer = child(pointer, "$ref");
        let Some(name) = crate::load::ref_target::<openapiv3::Schema>(reference) else {
            self.diags
                .error(ref_pointer, format!("`$ref: {reference}` does not point into `#/components/schemas`"))
                .with_hint("only local references to components are supported");
            return None;
        };
        let defined = self.doc.components.as_ref().is_some_and(|c| c.schemas.contains_key(name));
        if !defined {
            self.diags
                .error(ref_pointer, format!("`$ref: {reference}` points to nothing"))
                .with_hint(format!("define `{name}` under `components/schemas`"));
            return None;
        }
        Some(self.named_ref(name))
    }

    /// A reference to the component `name`: nullable when the component is (see
    /// [`Self::component_nullable`]).
    pub(super) fn named_ref(&self, name: &str) -> TypeRef {
        let ty = self.component_ref(name);
        if self.component_nullable(name, 0) {
            TypeRef::nullable(ty)
        } else {
            ty
        }
    }

    /// The type a reference to the component `name` is: the named type, or the user's type that
    /// replaces it.
    pub(super) fn component_ref(&self, name: &str) -> TypeRef {
        self.replaced_schema(name).unwrap_or_else(|| TypeRef::Named(SchemaRef::new(self.component_type(name))))
    }

    /// Whether every reference to the component `name` may be `null`: it says `nullable: true`, or it
    /// is another name for a nullable component (a `$ref`, or an `allOf` that only wraps one). Read from
    /// the spec, not from lowered types, because a reference is often lowered before its target.
    pub(super) fn component_nullable(&self, name: &str, depth: usize) -> bool {
        let Some(schema) = self.doc.components.as_ref().and_then(|c| c.schemas.get(name)) else { return false };
        let follow = |reference: &str| {
            depth < 32
                && crate::load::ref_target::<openapiv3::Schema>(reference)
                    .is_some_and(|target| self.component_nullable(target, depth + 1))
        };
        match schema {
            ReferenceOr::Reference { reference } => follow(reference),
            ReferenceOr::Item(schema) if schema.schema_data.nullable || compose::folded_enum_nullable(schema) => true,
            ReferenceOr::Item(schema) => match compose::composition(schema) {
                Some(compose::Composition {
                    all_of: [ReferenceOr::Reference { reference }],
                    one_of: [],
                    any_of: [],
                }) => {
                    let own = matches!(&schema.schema_kind, Kind::Any(any) if !any.properties.is_empty());
                    !own && follow(reference)
                }
                _ => false,
            },
        }
    }

    /// The type of an inline schema; `nullable: true` makes it [`TypeRef::Nullable`], beside it or on a
    /// member of a folded `oneOf` of string enums.
    pub(super) fn type_of(&mut self, schema: &openapiv3::Schema, pointer: &str, name_hint: &str) -> Option<TypeRef> {
        let ty = self.value_type_of(schema, pointer, name_hint)?;
        let nullable = schema.schema_data.nullable || compose::folded_enum_nullable(schema);
        Some(if nullable { TypeRef::nullable(ty) } else { ty })
    }

    /// [`Self::type_of`] without the schema's own `nullable`.
    fn value_type_of(&mut self, schema: &openapiv3::Schema, pointer: &str, name_hint: &str) -> Option<TypeRef> {
        self.note_evident_type(schema, pointer);
        let normalized = compose::normalize(schema);
        let schema = normalized.as_ref();
        if let Some(c) = compose::composition(schema) {
            let own = matches!(&schema.schema_kind, Kind::Any(any) if !any.properties.is_empty());
            // `allOf: [{$ref: X}]` beside `nullable` or a description is X itself.
            if let ([member @ ReferenceOr::Reference { .. }], [], [], false) = (c.all_of, c.one_of, c.any_of, own) {
                return self.schema_type(member, &child(&child(pointer, "allOf"), "0"), name_hint);
            }
            // An `allOf` of strings (or integers, ...) is that type itself, not a named wrapper.
            if c.one_of.is_empty() && c.any_of.is_empty() {
                if let compose::Agreement::Scalar(merged) = self.all_of_agreement(schema, pointer)? {
                    return self.type_of(&merged, pointer, name_hint);
                }
            }
            return self.synthesize(name_hint, schema, pointer);
        }
        match &schema.schema_kind {
            Kind::Type(Type::String(s)) if !s.enumeration.is_empty() => self.synthesize(name_hint, schema, pointer),
            Kind::Type(Type::String(_)) if self.mapped_format(schema).is_some() => self.mapped_format(schema),
            Kind::Type(Type::String(_)) if is_secret(schema) => Some(TypeRef::Secret),
            Kind::Type(Type::String(_)) => Some(super::formats::typed_format(schema).unwrap_or(TypeRef::String)),
            Kind::Type(Type::Integer(i)) => Some(match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            Kind::Type(Type::Number(_)) => Some(TypeRef::F64),
            Kind::Type(Type::Boolean(_)) => Some(TypeRef::Bool),
            Kind::Type(Type::Array(array)) => {
                let items_pointer = child(pointer, "items");
                let item = match &array.items {
                    Some(items) => self.schema_type(items, &items_pointer, &format!("{name_hint}Item"))?,
                    None => TypeRef::Any,
                };
                Some(TypeRef::Array(Box::new(item)))
            }
            Kind::Type(Type::Object(object)) if object.properties.is_empty() => match &object.additional_properties {
                Some(AdditionalProperties::Schema(value)) => {
                    let value_pointer = child(pointer, "additionalProperties");
                    let value = self.schema_type(value, &value_pointer, &format!("{name_hint}Value"))?;
                    Some(TypeRef::Map(Box::new(value)))
                }
                Some(AdditionalProperties::Any(_)) | None => Some(TypeRef::Map(Box::new(TypeRef::Any))),
            },
            Kind::Type(Type::Object(_)) => self.synthesize(name_hint, schema, pointer),
            Kind::Any(any) => {
                if !(any.one_of.is_empty() && any.any_of.is_empty() && any.all_of.is_empty()) {
                    self.unsupported(pointer, "a schema that mixes `oneOf`/`anyOf`/`allOf` with other keywords");
                    return None;
                }
                // What `normalize` could not give one type: any JSON value, said where it is not obvious.
                match (&any.typ, compose::evident_type(schema)) {
                    (Some(typ), _) => {
                        self.diags
                            .warning(child(pointer, "type"), format!("`type: {typ}` is not a JSON Schema type (or its keywords do not fit it); the value is typed as any JSON value (`serde_json::Value`)"))
                            .with_hint("use one of object, array, string, integer, number, boolean");
                    }
                    (None, compose::Evident::Several(types))
                        if !schema.schema_data.extensions.contains_key(compose::SEVERAL_TYPES) =>
                    {
                        self.diags
                            .warning(pointer, format!("this schema has no `type` and keywords of several types ({}); the value is typed as any JSON value (`serde_json::Value`)", types.join(", ")))
                            .with_hint("add the `type` it has, or use `oneOf` with one schema per type");
                    }
                    // A 3.1 `type` list was reported when it was read; `{}` means any value.
                    _ => {}
                }
                Some(TypeRef::Any)
            }
            Kind::OneOf { .. } | Kind::AnyOf { .. } | Kind::AllOf { .. } | Kind::Not { .. } => {
                let keyword = match &schema.schema_kind {
                    Kind::OneOf { .. } => "oneOf",
                    Kind::AnyOf { .. } => "anyOf",
                    Kind::AllOf { .. } => "allOf",
                    _ => "not",
                };
                self.unsupported(&child(pointer, keyword), &format!("`{keyword}`"));
                None
            }
        }
    }

    /// Gives an inline object or enum a name and lowers it as a named type.
    fn synthesize(&mut self, name_hint: &str, schema: &openapiv3::Schema, pointer: &str) -> Option<TypeRef> {
        let rust_name = self.claim_type(pointer, name_hint, pointer, "Inline");
        let kind = self.named_kind(&rust_name, &rust_name, schema, pointer)?;
        self.push_schema(pointer, rust_name.clone(), pointer, schema.schema_data.description.clone(), kind);
        Some(TypeRef::Named(SchemaRef::new(rust_name)))
    }

    /// Warns where a schema without `type` is read as the type its keywords evidently give it
    /// ([`compose::normalize`] does the reading); the same warning at the same pointer is reported once.
    pub(super) fn note_evident_type(&mut self, schema: &openapiv3::Schema, pointer: &str) {
        let compose::Evident::One(typ, keywords) = compose::evident_type(schema) else { return };
        let keywords: Vec<String> = keywords.iter().map(|k| format!("`{k}`")).collect();
        self.diags
            .warning(
                pointer,
                format!(
                    "this schema has no `type`; its keywords ({}) say `{typ}`, and it is read as one",
                    keywords.join(", ")
                ),
            )
            .with_hint(format!("add `type: {typ}`"));
    }

    fn unsupported(&mut self, pointer: &str, what: &str) {
        self.diags
            .error(pointer, format!("{what} is not supported by atlas-codegen"))
            .with_hint("describe the value with one concrete `type` (object, array, string, integer, number, boolean)");
    }

    /// The constraints of the inline items of an array field (`ty` `Vec<T>`) or of the inline values of
    /// a map field, where those are scalars the client checks one by one. Constraints on items of any
    /// other type (an array of arrays with `minItems`) are not checked, and say so.
    fn item_constraints(&mut self, schema: &openapiv3::Schema, ty: &TypeRef, pointer: &str) -> Constraints {
        let (item, items, item_pointer): (&TypeRef, &openapiv3::Schema, _) = match (&schema.schema_kind, ty) {
            (Kind::Type(Type::Array(array)), TypeRef::Array(item)) => match &array.items {
                Some(ReferenceOr::Item(items)) => (item, items, child(pointer, "items")),
                _ => return Constraints::default(),
            },
            (Kind::Type(Type::Object(object)), TypeRef::Map(item)) => match &object.additional_properties {
                Some(AdditionalProperties::Schema(values)) => match values.as_ref() {
                    ReferenceOr::Item(values) => (item, values, child(pointer, "additionalProperties")),
                    ReferenceOr::Reference { .. } => return Constraints::default(),
                },
                _ => return Constraints::default(),
            },
            _ => return Constraints::default(),
        };
        let constraints = self.constraints(items, &item_pointer);
        let scalar = matches!(item.non_null(), TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64);
        if constraints.is_empty() || scalar {
            return constraints;
        }
        self.diags.warning(
            &item_pointer,
            format!(
                "the constraints of these items ({}) are not enforced by the generated client",
                constraints.describe().join(", ")
            ),
        );
        Constraints::default()
    }

    /// The constraints of an inline schema, checked for consistency.
    pub(super) fn constraints(&mut self, schema: &openapiv3::Schema, pointer: &str) -> Constraints {
        let normalized = compose::normalize(schema);
        let mut schema = normalized.as_ref();
        // An `allOf` of one non-object type carries its members' constraints (a single `$ref` is the
        // named type, which validates itself).
        let merged = match compose::composition(schema) {
            Some(c)
                if c.one_of.is_empty()
                    && c.any_of.is_empty()
                    && !matches!(c.all_of, [ReferenceOr::Reference { .. }]) =>
            {
                match self.all_of_agreement(schema, pointer) {
                    Some(compose::Agreement::Scalar(merged)) => Some(merged),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(merged) = &merged {
            schema = merged;
        }
        let mut c = Constraints::default();
        match &schema.schema_kind {
            // A format mapped to the user's type is checked by that type, not as a string.
            Kind::Type(Type::String(_)) if self.mapped_format(schema).is_some() => {}
            // A typed format (a date-time, a uuid, ...) is checked by its type: a string pattern or
            // length would only restate (or contradict) it, and the value is no string to check.
            Kind::Type(Type::String(_)) if !is_secret(schema) && super::formats::typed_format(schema).is_some() => {}
            Kind::Type(Type::String(s)) => {
                c.pattern = s.pattern.clone();
                c.min_length = s.min_length.map(|v| v as u64);
                c.max_length = s.max_length.map(|v| v as u64);
            }
            Kind::Type(Type::Integer(i)) => {
                c.minimum = i.minimum.map(|v| v as f64);
                c.maximum = i.maximum.map(|v| v as f64);
                c.exclusive_minimum = i.exclusive_minimum && i.minimum.is_some();
                c.exclusive_maximum = i.exclusive_maximum && i.maximum.is_some();
                c.integer_values = i.enumeration.iter().flatten().copied().collect();
            }
            Kind::Type(Type::Number(n)) => {
                c.minimum = n.minimum;
                c.maximum = n.maximum;
                c.exclusive_minimum = n.exclusive_minimum && n.minimum.is_some();
                c.exclusive_maximum = n.exclusive_maximum && n.maximum.is_some();
            }
            Kind::Type(Type::Array(a)) => {
                c.min_items = a.min_items.map(|v| v as u64);
                c.max_items = a.max_items.map(|v| v as u64);
                c.unique_items = a.unique_items;
            }
            _ => {}
        }
        super::check::constraints(&mut c, pointer, &mut self.diags, &mut self.patterns);
        c
    }
}

/// Whether a string schema holds a secret that must not show in `Debug` output: `format: password`
/// (OpenAPI's own hint to obscure a value) or our `x-sensitive: true` extension.
fn is_secret(schema: &openapiv3::Schema) -> bool {
    let password = matches!(
        &schema.schema_kind,
        Kind::Type(Type::String(s)) if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password))
    );
    let flagged = schema.schema_data.extensions.get("x-sensitive").and_then(|v| v.as_bool()) == Some(true);
    password || flagged
}

/// A string schema's `format`, as the spec spells it.
pub(super) fn string_format(schema: &openapiv3::Schema) -> Option<String> {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty};
    let openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) = &schema.schema_kind else { return None };
    match &string.format {
        VariantOrUnknownOrEmpty::Item(known) => Some(
            match known {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }
            .to_owned(),
        ),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}
