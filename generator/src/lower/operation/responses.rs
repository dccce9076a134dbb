//! Responses, and what `send` returns: one output case per documented success status.

use super::bodies::is_json;
use super::versions::pick_version;
use crate::diag::child;
use crate::ir::{ApiVersion, BodyKind, Content, Output, OutputCase, Payload, Response, Status, TypeRef};
use crate::load::resolve;
use crate::lower::Lowerer;
use openapiv3::{ReferenceOr, StatusCode};

impl Lowerer<'_> {
    pub(super) fn lower_responses(
        &mut self,
        builder_name: &str,
        op: &openapiv3::Operation,
        op_pointer: &str,
        version: Option<&ApiVersion>,
    ) -> Vec<Response> {
        let base = child(op_pointer, "responses");
        let mut entries: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        if let Some(default) = &op.responses.default {
            entries.push((Status::Default, default, child(&base, "default")));
        }
        for (code, response) in &op.responses.responses {
            match code {
                StatusCode::Code(c) => entries.push((Status::Code(*c), response, child(&base, c.to_string()))),
                StatusCode::Range(r) => {
                    entries.push((Status::Range(*r), response, child(&base, format!("{r}XX"))));
                }
            }
        }
        let mut out = Vec::new();
        for (status, response, at) in entries {
            let Some((response, at)) = resolve(self.doc, response, &at, &mut self.diags) else { continue };
            // The chosen API version's media type (see `pick_version`), never a later version's.
            let found: Vec<&str> = response.content.keys().map(String::as_str).filter(|mt| is_json(mt)).collect();
            let json = pick_version(&found, version).and_then(|mt| response.content.get_key_value(mt));
            let (media_type, ty) = match json {
                Some((mt, content)) => {
                    let schema_pointer = child(&child(&child(&at, "content"), mt), "schema");
                    let hint = match status {
                        Status::Code(c) => format!("{builder_name}Response{c}"),
                        Status::Range(r) => format!("{builder_name}Response{r}xx"),
                        Status::Default => format!("{builder_name}ResponseDefault"),
                    };
                    let ty = match &content.schema {
                        Some(s) => self.schema_type(s, &schema_pointer, &hint),
                        None => None,
                    };
                    (Some(mt.clone()), ty)
                }
                None => (None, None),
            };
            let headers = response.headers.keys().cloned().collect();
            let content = match (&media_type, &ty) {
                (Some(mt), Some(ty)) => self.contents(&response.content, &child(&at, "content"), mt, ty),
                _ => self.contents(&response.content, &child(&at, "content"), "", &TypeRef::Any),
            };
            out.push(Response {
                pointer: at,
                status,
                description: response.description.clone(),
                media_type,
                ty,
                content,
                headers,
            });
        }
        out.sort_by_key(|r| r.status);
        out
    }

    /// What `send` returns, and the media type to accept. Every 2xx status (and the `2XX` range) is
    /// a case; with none, `default` is the success response; with neither, `send` returns `()` and
    /// a warning says why.
    pub(super) fn output(
        &mut self,
        id: &str,
        builder_name: &str,
        responses: &[Response],
        op_pointer: &str,
        version: Option<&ApiVersion>,
    ) -> (Output, Option<String>) {
        let chosen = |c: &&Content| version.is_none() || c.version.as_ref() == version || c.version.is_none();
        let mut successes: Vec<&Response> = responses.iter().filter(|r| r.status.is_success()).collect();
        let responses_pointer = child(op_pointer, "responses");
        if successes.is_empty() {
            if let Some(default) = responses.iter().find(|r| r.status == Status::Default) {
                self.diags
                    .warning(
                        child(&responses_pointer, "default"),
                        format!("operation `{id}` documents no 2xx response; its `default` response is taken as the success response"),
                    )
                    .with_hint("document the success status (`200: ...`) to make this explicit");
                successes.push(default);
            }
        }
        if successes.is_empty() {
            let listed: Vec<String> = responses.iter().map(|r| format!("`{}`", r.status.key())).collect();
            let why = if listed.is_empty() {
                "the spec documents no response".to_owned()
            } else {
                format!("the spec documents only {}, no success response", listed.join(", "))
            };
            self.diags
                .warning(
                    &responses_pointer,
                    format!("operation `{id}` has no success (2xx) response: `send` returns `()` for a 2xx, and any other status (a redirect, `101`) is an `Error::Api` carrying status and headers"),
                )
                .with_hint("document the success status to get a typed result");
            return (Output { enum_name: None, cases: Vec::new(), no_success: Some(why) }, None);
        }
        let mut accept = None;
        let mut cases = Vec::new();
        for r in &successes {
            let payload = match (&r.ty, &r.media_type) {
                (Some(ty), Some(_)) => Payload::Json(ty.clone()),
                _ => match r.content.iter().filter(chosen).find(|c| c.body == BodyKind::Bytes) {
                    Some(c) => Payload::Bytes { media_type: c.media_type.clone() },
                    None => Payload::Empty,
                },
            };
            let media_type = match &payload {
                Payload::Json(_) => r.media_type.clone(),
                Payload::Bytes { media_type } => Some(media_type.clone()),
                Payload::Empty => r.content.iter().find(chosen).map(|c| c.media_type.clone()),
            };
            if accept.is_none() {
                accept = media_type;
            }
            cases.push(OutputCase {
                status: r.status,
                variant: status_variant(r.status),
                description: r.description.clone(),
                payload,
            });
        }
        let enum_name = if cases.len() > 1 {
            let name = format!("{builder_name}Output");
            Some(self.claim_type(&format!("{id} output"), &name, &responses_pointer, "Enum"))
        } else {
            None
        };
        (Output { enum_name, cases, no_success: None }, accept)
    }
}

/// The variant of a success status in an operation's output enum.
fn status_variant(status: Status) -> String {
    match status {
        Status::Code(200) => "Ok".to_owned(),
        Status::Code(201) => "Created".to_owned(),
        Status::Code(202) => "Accepted".to_owned(),
        Status::Code(203) => "NonAuthoritative".to_owned(),
        Status::Code(204) => "NoContent".to_owned(),
        Status::Code(205) => "ResetContent".to_owned(),
        Status::Code(206) => "PartialContent".to_owned(),
        Status::Code(c) => format!("Status{c}"),
        Status::Range(_) => "OtherSuccess".to_owned(),
        Status::Default => "Default".to_owned(),
    }
}
