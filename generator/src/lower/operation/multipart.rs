//! `multipart/form-data` request bodies: one typed part per property of the body's schema (`allOf`
//! members merged), each a text, a file or a JSON part; a schema that lists no properties leaves the
//! parts to the caller.

use crate::diag::child;
use crate::ir::{FormPart, MultipartForm, PartKind, SchemaKind, TypeRef};
use crate::lower::compose::{self, unique, Gathered};
use crate::lower::Lowerer;
use crate::naming::{self, Namer};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind as Kind, StringFormat, Type, VariantOrUnknownOrEmpty};

/// The `Content-Type` of a file part whose encoding names none (OpenAPI's default for binary strings).
const OCTET_STREAM: &str = "application/octet-stream";

impl Lowerer<'_> {
    /// The typed parts of the multipart body `media` (at `mt_pointer`), named `{builder_name}Form`.
    /// `Ok(None)` when its schema lists no properties (free-form parts, with a warning); `Err` after an
    /// error.
    pub(super) fn multipart_form(
        &mut self,
        op_id: &str,
        builder_name: &str,
        media: &openapiv3::MediaType,
        mt_pointer: &str,
    ) -> Result<Option<MultipartForm>, ()> {
        let schema_pointer = child(mt_pointer, "schema");
        let mut gathered = Gathered::default();
        // A multipart body whose schema is a scalar or an array (Jira's `type: string, format: binary`,
        // `type: array` of strings) names no part: what the parts are called is only in its prose, so the
        // caller builds them, as for a body without a schema.
        let unnamed = media.schema.as_ref().and_then(|s| resolve(self.doc, s)).and_then(not_an_object);
        if let (Some(schema), None) = (&media.schema, unnamed) {
            self.gather_member(schema, &schema_pointer, &mut gathered, 0).ok_or(())?;
        }
        if gathered.properties.is_empty() {
            let not_object;
            let (at, what) = match (&media.schema, unnamed) {
                (None, _) => (mt_pointer, "has no schema"),
                (Some(_), Some(kind)) => {
                    not_object = format!("is described as {kind}, not as an object whose properties name the parts");
                    (schema_pointer.as_str(), not_object.as_str())
                }
                (Some(_), None) => (schema_pointer.as_str(), "lists no properties (an object with `properties`)"),
            };
            self.diags
                .warning(
                    at,
                    format!(
                        "the `multipart/form-data` body of `{op_id}` {what}; the client sends the parts the caller adds to a `multipart::Form`"
                    ),
                )
                .with_hint("describe the parts as the properties of an object schema to get a typed form");
            return Ok(None);
        }
        let rust_name =
            self.claim_type(&format!("{op_id} form"), &format!("{builder_name}Form"), &schema_pointer, "Multipart");
        let mut names = Namer::new();
        let mut parts = Vec::new();
        let mut failed = false;
        for (name, schema, pointer) in &gathered.properties {
            let Some(spec) = spec_schema(self.doc, schema) else {
                // A dangling `$ref`: `schema_type` reports it.
                failed |= self.schema_type(schema, pointer, &rust_name).is_none();
                continue;
            };
            let field = unique(&mut names, name, &naming::field_name(name));
            let encoding = media.encoding.get(name).and_then(|e| e.content_type.as_deref());
            let (kind, repeated, ty) = match binary(self.doc, spec) {
                Some(repeated) => (PartKind::File, repeated, TypeRef::String),
                None => {
                    let hint = format!("{rust_name}{}", naming::type_name(name));
                    let Some(ty) = self.schema_type(schema, pointer, &hint) else {
                        failed = true;
                        continue;
                    };
                    match ty.without_nulls() {
                        TypeRef::Array(item) if self.is_text(&item) => (PartKind::Text, true, *item),
                        ty if self.is_text(&ty) => (PartKind::Text, false, ty),
                        ty => (PartKind::Json, false, ty),
                    }
                }
            };
            let content_type = match kind {
                PartKind::Text => None,
                PartKind::File => Some(concrete(encoding).unwrap_or(OCTET_STREAM).to_owned()),
                PartKind::Json => Some(concrete(encoding).unwrap_or("application/json").to_owned()),
            };
            parts.push(FormPart {
                name: name.clone(),
                rust_name: field,
                pointer: pointer.clone(),
                description: spec.schema_data.description.clone(),
                required: gathered.is_required(name),
                repeated,
                kind,
                ty,
                content_type,
            });
        }
        if failed {
            return Err(());
        }
        Ok(Some(MultipartForm { rust_name, pointer: schema_pointer, parts }))
    }

    /// Whether values of `ty` travel as their text (`Display`): scalars, string enums and newtypes.
    fn is_text(&self, ty: &TypeRef) -> bool {
        let mut ty = ty;
        // An alias chain longer than this is a cycle, which lowering reports elsewhere.
        for _ in 0..32 {
            match ty {
                TypeRef::String | TypeRef::Secret | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => {
                    return true
                }
                // Their `Display` is their wire form (RFC 3339, a hyphenated uuid, base64).
                ty if ty.is_typed_format() => return true,
                TypeRef::Named(name) => {
                    let Some(schema) = self.schemas.iter().find(|s| s.rust_name == name.as_str()) else { return false };
                    match &schema.kind {
                        SchemaKind::Enum { .. } | SchemaKind::Newtype { .. } => return true,
                        SchemaKind::Alias { ty: next } => ty = next,
                        _ => return false,
                    }
                }
                _ => return false,
            }
        }
        false
    }
}

/// Whether the multipart body of this media type offers a file part (a binary property, directly or in
/// an `allOf` member), which a urlencoded form could not carry.
pub(super) fn offers_file(doc: &OpenAPI, media: &openapiv3::MediaType) -> bool {
    let Some(schema) = media.schema.as_ref().and_then(|s| resolve(doc, s)) else { return false };
    let members = compose::composition(schema).map(|c| c.all_of).unwrap_or_default();
    std::iter::once(schema).chain(members.iter().filter_map(|m| resolve(doc, m))).any(|s| {
        let properties = match &compose::normalize(s).schema_kind {
            Kind::Type(Type::Object(o)) => o.properties.clone(),
            Kind::Any(any) => any.properties.clone(),
            _ => return false,
        };
        properties.values().any(|p| spec_schema(doc, p).is_some_and(|p| binary(doc, p).is_some()))
    })
}

/// `Some(repeated)` for binary content: a `format: binary` string (`Some(false)`), or an array of them
/// (`Some(true)`).
fn binary(doc: &OpenAPI, schema: &Schema) -> Option<bool> {
    let is_binary = |schema: &Schema| {
        matches!(&compose::normalize(schema).schema_kind,
            Kind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
    };
    if is_binary(schema) {
        return Some(false);
    }
    match &compose::normalize(schema).schema_kind {
        Kind::Type(Type::Array(array)) => {
            let items = array.items.as_ref().and_then(|i| spec_schema(doc, i))?;
            is_binary(items).then_some(true)
        }
        _ => None,
    }
}

/// A media type a part can be sent with: not a range (`image/*`) nor a list of them.
fn concrete(content_type: Option<&str>) -> Option<&str> {
    content_type.map(str::trim).filter(|c| !c.is_empty() && !c.contains('*') && !c.contains(','))
}

/// The schema a (boxed) property schema is, `$ref`s followed; `None` for a dangling or circular one.
fn spec_schema<'s>(doc: &'s OpenAPI, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => component(doc, reference),
    }
}

/// What a schema is when it is plainly not an object (`a string`, `an array`), for a multipart body's
/// warning; `None` for an object, an untyped schema or a composition, which gathering reads.
fn not_an_object(schema: &Schema) -> Option<&'static str> {
    match &schema.schema_kind {
        Kind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
            Some("one binary string")
        }
        Kind::Type(Type::String(_)) => Some("a string"),
        Kind::Type(Type::Array(_)) => Some("an array"),
        Kind::Type(Type::Number(_) | Type::Integer(_)) => Some("a number"),
        Kind::Type(Type::Boolean(_)) => Some("a boolean"),
        _ => None,
    }
}

/// [`spec_schema`] of an unboxed schema.
fn resolve<'s>(doc: &'s OpenAPI, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => component(doc, reference),
    }
}

/// The component schema `reference` names, through any `$ref` chain.
fn component<'s>(doc: &'s OpenAPI, reference: &'s str) -> Option<&'s Schema> {
    let mut reference = reference;
    // A chain longer than this is a cycle.
    for _ in 0..32 {
        let name = crate::load::ref_target::<Schema>(reference)?;
        match doc.components.as_ref()?.schemas.get(name)? {
            ReferenceOr::Item(schema) => return Some(schema),
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    None
}
