//! Request bodies: the media type the client sends (JSON first, of the chosen API version) and
//! every media type a body or response offers.

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
        // JSON first; else a form, plain text or raw bytes, in the order a client can type them best.
        // Of the API versions, the chosen one (never another version's schema).
        let pick = |wanted: BodyEncoding| {
            let found: Vec<&str> =
                body.content.keys().map(String::as_str).filter(|mt| body_encoding(mt) == Some(wanted)).collect();
            let chosen = pick_version(&found, version)?;
            body.content.get_key_value(chosen)
        };
        let chosen = [BodyEncoding::Json, BodyEncoding::Form, BodyEncoding::Text, BodyEncoding::Bytes]
            .into_iter()
            .find_map(|e| pick(e).map(|found| (e, found)));
        let Some((encoding, (media_type, content))) = chosen else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.diags
                .error(
                    content_pointer,
                    format!("the request body of `{op_id}` has no media type the client can send (found: {})", found.join(", ")),
                )
                .with_hint("atlas-codegen sends JSON (`application/json`, `application/<vendor>+json`), `application/x-www-form-urlencoded`, `text/*` and `application/octet-stream` bodies; multipart and XML are not supported");
            return None;
        };
        let mt_pointer = child(&content_pointer, media_type);
        let schema_pointer = child(&mt_pointer, "schema");
        let (ty, constraints) = match encoding {
            BodyEncoding::Json | BodyEncoding::Form => {
                let Some(schema) = &content.schema else {
                    self.diags.error(mt_pointer, format!("the request body of `{op_id}` has no schema"));
                    return None;
                };
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
            // Text and bytes are sent as given; their schema (if any) only says `type: string`.
            BodyEncoding::Text | BodyEncoding::Bytes => (TypeRef::String, Constraints::default()),
        };
        let content = self.contents(&body.content, &content_pointer, media_type, &ty);
        Some(Body {
            pointer: at.clone(),
            content,
            media_type: media_type.clone(),
            required: body.required,
            description: body.description.clone(),
            ty,
            constraints,
            encoding,
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

/// How a request body of this media type is encoded, when the client can send it.
fn body_encoding(media_type: &str) -> Option<BodyEncoding> {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if is_json(&essence) {
        Some(BodyEncoding::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(BodyEncoding::Form)
    } else if essence.starts_with("text/") {
        Some(BodyEncoding::Text)
    } else if essence == "application/octet-stream" || essence == "*/*" {
        Some(BodyEncoding::Bytes)
    } else {
        None
    }
}

/// `application/json`, or a structured-syntax `+json` type such as `application/vnd.atlas.2023-01-01+json`.
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}
