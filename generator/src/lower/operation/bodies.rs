//! Request bodies: the media type the client sends (JSON first, of the chosen API version) and
//! every media type a body or response offers.

use super::multipart;
use super::versions::{api_version, pick_version, unused_media_type};
use crate::diag::child;
use crate::ir::{ApiVersion, Body, BodyEncoding, BodyKind, Constraints, Content, TypeRef};
use crate::load::resolve;
use crate::lower::Lowerer;
use openapiv3::ReferenceOr;

impl Lowerer<'_> {
    pub(super) fn lower_body(
        &mut self,
        op_id: &str,
        builder_name: &str,
        op: &openapiv3::Operation,
        op_pointer: &str,
        version: Option<&ApiVersion>,
    ) -> Option<Body> {
        let body_ref = op.request_body.as_ref()?;
        let at = child(op_pointer, "requestBody");
        let (body, at) = resolve(self.doc, body_ref, &at, &mut self.diags)?;
        let content_pointer = child(&at, "content");
        // JSON first; else a form, multipart, plain text or raw bytes, in the order a client can type
        // them best (a multipart form that carries a file before a urlencoded one, which cannot). Of the
        // API versions, the chosen one (never another version's schema).
        let pick = |wanted: BodyEncoding| {
            let found: Vec<&str> =
                body.content.keys().map(String::as_str).filter(|mt| body_encoding(mt) == Some(wanted)).collect();
            let chosen = pick_version(&found, version)?;
            body.content.get_key_value(chosen)
        };
        let file_form = pick(BodyEncoding::Multipart).is_some_and(|(_, media)| multipart::offers_file(self.doc, media));
        let order = if file_form {
            [BodyEncoding::Json, BodyEncoding::Multipart, BodyEncoding::Form, BodyEncoding::Text, BodyEncoding::Bytes]
        } else {
            [BodyEncoding::Json, BodyEncoding::Form, BodyEncoding::Multipart, BodyEncoding::Text, BodyEncoding::Bytes]
        };
        let chosen = order.into_iter().find_map(|e| pick(e).map(|found| (e, found)));
        let Some((mut encoding, (media_type, content))) = chosen else {
            // Only an empty `content` gets here: every media type has an encoding (bytes at worst).
            self.diags
                .error(content_pointer, format!("the request body of `{op_id}` lists no media type"))
                .with_hint("list the media type the API reads under `content` (`application/json: {schema: ...}`)");
            return None;
        };
        let mt_pointer = child(&content_pointer, media_type);
        let schema_pointer = child(&mt_pointer, "schema");
        let mut form = None;
        let (ty, constraints) = match (encoding, &content.schema) {
            (BodyEncoding::Json | BodyEncoding::Form, None) => {
                self.diags
                    .warning(
                        &mt_pointer,
                        format!("the `{media_type}` body of `{op_id}` has no schema; it takes any JSON value (`serde_json::Value`)"),
                    )
                    .with_hint("add a `schema` to type the body");
                (TypeRef::Any, Constraints::default())
            }
            (BodyEncoding::Json | BodyEncoding::Form, Some(schema)) => {
                // The client always sends a value: `null` as (or inside) a request body is valid but never
                // needed, and `Option` here would make every caller write `Some(..)`.
                let ty = self.schema_type(schema, &schema_pointer, &format!("{builder_name}Body"))?.without_nulls();
                // A named schema carries its own checks (`validate`); an inline one (an array body,
                // say) keeps its constraints here.
                let constraints = match schema {
                    ReferenceOr::Item(s) => self.constraints(s, &schema_pointer),
                    ReferenceOr::Reference { .. } => Constraints::default(),
                };
                (ty, constraints)
            }
            (BodyEncoding::Multipart, _) => {
                form = self.multipart_form(op_id, builder_name, content, &mt_pointer).ok()?;
                (TypeRef::Any, Constraints::default())
            }
            // Text and bytes are sent as given; their schema (if any) only says `type: string`, and
            // text whose schema says `format: binary` is bytes.
            (BodyEncoding::Text | BodyEncoding::Bytes, schema) => {
                if schema.as_ref().is_some_and(|s| is_binary(self.doc, s)) {
                    encoding = BodyEncoding::Bytes;
                }
                (TypeRef::String, Constraints::default())
            }
        };
        let content = self.contents(&body.content, &content_pointer, media_type, &ty);
        Some(Body {
            pointer: at.clone(),
            content,
            media_type: sent_media_type(media_type),
            required: body.required,
            description: body.description.clone(),
            ty,
            constraints,
            encoding,
            form,
        })
    }

    /// Every media type of a body, in spec order. `chosen` is the one the client sends or decodes,
    /// with its already lowered type; other JSON media types are typed by their `$ref` when they have
    /// one, non-JSON ones are bytes.
    pub(super) fn contents(
        &mut self,
        content: &openapiv3::Content,
        content_pointer: &str,
        chosen: &str,
        chosen_ty: &TypeRef,
    ) -> Vec<Content> {
        let mut out = Vec::new();
        for (media_type, entry) in content {
            let body = if media_type == chosen {
                BodyKind::Typed(chosen_ty.clone())
            } else if !is_json(media_type) {
                BodyKind::Bytes
            } else {
                match &entry.schema {
                    None => BodyKind::None,
                    Some(ReferenceOr::Reference { reference }) => {
                        match crate::load::ref_target::<openapiv3::Schema>(reference) {
                            Some(name) => BodyKind::Typed(self.named_ref(name)),
                            None => BodyKind::Typed(TypeRef::Any),
                        }
                    }
                    Some(ReferenceOr::Item(_)) => BodyKind::Typed(TypeRef::Any),
                }
            };
            let body = match (&entry.schema, body) {
                (None, BodyKind::Typed(_)) => BodyKind::None,
                (_, body) => body,
            };
            let sunset = entry.extensions.get("x-sunset").map(|v| match v.as_str() {
                Some(text) => text.to_owned(),
                None => v.to_string(),
            });
            // The client sends and decodes one media type per body; every other one the spec offers
            // (another API version, CSV, ...) is said out loud rather than left out silently.
            if !chosen.is_empty() && media_type != chosen {
                let (message, hint) = unused_media_type(media_type, chosen);
                self.diags.warning(child(content_pointer, media_type), message).with_hint(hint);
            }
            out.push(Content { media_type: media_type.clone(), version: api_version(media_type), body, sunset });
        }
        out
    }
}

/// How a request body of this media type is encoded: every media type has one, raw bytes at worst.
fn body_encoding(media_type: &str) -> Option<BodyEncoding> {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    Some(if is_json(&essence) {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Bytes
    })
}

/// The `Content-Type` a body of this spec media type is sent with: the type itself, or for a range
/// (`*/*`, `image/*`), which no request can have, `text/plain` (`text/*`) or `application/octet-stream`.
fn sent_media_type(media_type: &str) -> String {
    match media_type {
        range if range.starts_with("text/") && range.contains('*') => "text/plain".to_owned(),
        range if range.contains('*') => "application/octet-stream".to_owned(),
        concrete => concrete.to_owned(),
    }
}

/// Whether a body schema is a `format: binary` string.
fn is_binary(doc: &openapiv3::OpenAPI, schema: &ReferenceOr<openapiv3::Schema>) -> bool {
    let schema = match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => crate::load::ref_target::<openapiv3::Schema>(reference)
            .and_then(|name| doc.components.as_ref()?.schemas.get(name)?.as_item()),
    };
    schema.is_some_and(|s| {
        matches!(&s.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(s))
            if s.format == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
    })
}

/// `application/json`, or a structured-syntax `+json` type such as `application/vnd.atlas.2023-01-01+json`.
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}
