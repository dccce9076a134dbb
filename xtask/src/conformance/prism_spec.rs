//! What the full-API conformance run tells Prism so that it answers the version the client asks for.
//!
//! Prism matches a request body's `Content-Type` against the spec by type and suffix only
//! (`wildcardMediaTypeMatch`: `application/vnd.atlas.2024-05-30+json` matches every
//! `application/*+json`), so it validates a body against the first media type of the content map,
//! whatever version the client sent; its response validation does the same. And without a
//! `Prefer: code=` it answers the lowest 2xx response, even when only a later one offers the media type
//! the client accepts (a 406 then). Both are fixed on the harness side, never in the client:
//!
//! - [`prism_spec`]: a copy of the spec in which each content map of an operation's request body and
//!   success responses lists the media type the generated client uses first (`$ref`ed bodies and
//!   responses are inlined into the operation first, so one operation's choice cannot change another's);
//! - [`preferred_statuses`]: the status to ask for, per operation, where the lowest 2xx lacks the
//!   client's media type and a later one has it.
//!
//! The client's media types come from the IR (`Body::media_type`, `Response::media_type`,
//! `Operation::accept`), i.e. from the generator's own choice of version, never re-derived here.

use std::collections::BTreeMap;

use atlas_codegen::ir::{Api, Operation, Status};
use serde_json::{Map, Value};

/// The spec as Prism should see it, and how many content maps had to be reordered for that.
pub(crate) fn prism_spec(api: &Api, raw: &Value) -> (Value, usize) {
    let mut spec = raw.clone();
    let mut reordered = 0;
    for op in &api.operations {
        let at = operation_pointer(op);
        if let Some(body) = &op.body {
            reordered += usize::from(put_first(&mut spec, raw, &format!("{at}/requestBody"), &body.media_type));
        }
        for response in op.responses.iter().filter(|r| r.status.is_success()) {
            // A response without a JSON body (a 204, bytes) still lists the media type the client accepts.
            let wanted = response.media_type.as_deref().unwrap_or(&op.accept);
            let place = format!("{at}/responses/{}", response.status.key());
            reordered += usize::from(put_first(&mut spec, raw, &place, wanted));
        }
    }
    (spec, reordered)
}

/// `Prefer: code=` per operation id, where Prism's default status (the lowest 2xx code) would not
/// answer the client's media type: the first 2xx that offers it, or that has no body at all.
pub(crate) fn preferred_statuses(api: &Api) -> BTreeMap<String, u16> {
    let mut preferred = BTreeMap::new();
    for op in &api.operations {
        let codes = op.responses.iter().filter_map(|r| match r.status {
            Status::Code(code @ 200..=299) => Some((code, r)),
            _ => None,
        });
        let mut codes = codes.peekable();
        let Some(&(lowest, _)) = codes.peek() else { continue };
        let fits = codes.find(|(_, r)| r.content.is_empty() || r.content.iter().any(|c| c.media_type == op.accept));
        if let Some((code, _)) = fits.filter(|(code, _)| *code != lowest) {
            preferred.insert(op.id.clone(), code);
        }
    }
    preferred
}

/// The JSON pointer of an operation in the spec (`/paths/~1groups~1{groupId}/get`).
fn operation_pointer(op: &Operation) -> String {
    format!("/paths/{}/{}", escape(&op.path), op.method.as_str().to_ascii_lowercase())
}

/// A JSON pointer token for `text`.
fn escape(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

/// Moves `media_type` to the front of the content map of the request body or response at `place` in
/// `spec` (inlining it from `raw` when it is a `$ref`); whether anything moved.
fn put_first(spec: &mut Value, raw: &Value, place: &str, media_type: &str) -> bool {
    let Some(Value::Object(mut inlined)) = spec.pointer(place).and_then(|v| resolve(raw, v)).cloned() else {
        return false;
    };
    let Some(Value::Object(content)) = inlined.get("content") else { return false };
    if content.keys().next().is_none_or(|first| first == media_type) || !content.contains_key(media_type) {
        return false;
    }
    let mut reordered = Map::new();
    reordered.extend(content.get_key_value(media_type).map(|(k, v)| (k.clone(), v.clone())));
    reordered.extend(content.iter().filter(|(k, _)| *k != media_type).map(|(k, v)| (k.clone(), v.clone())));
    inlined.insert("content".to_owned(), Value::Object(reordered));
    spec.pointer_mut(place).map(|slot| *slot = Value::Object(inlined)).is_some()
}

/// `value`, or what its (chain of local) `$ref`s point to in `raw`.
fn resolve<'a>(raw: &'a Value, mut value: &'a Value) -> Option<&'a Value> {
    // A bound, so that a `$ref` cycle cannot loop.
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(target) => value = raw.pointer(target.strip_prefix('#')?)?,
            None => return Some(value),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A spec whose operation offers two versions of its body and of its 200, the first one the older,
    /// and an older 200 beside a newer 204 in a second operation.
    const SPEC: &str = r##"
openapi: 3.0.1
info: {title: t, version: "1"}
servers: [{url: "https://example.com"}]
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        $ref: "#/components/requestBodies/Thing"
      responses:
        "200":
          description: ok
          content:
            application/vnd.atlas.2023-01-01+json: {schema: {$ref: "#/components/schemas/Thing"}}
            application/vnd.atlas.2024-05-30+json: {schema: {$ref: "#/components/schemas/Thing"}}
  /things/{id}:
    delete:
      operationId: deleteThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: old
          content:
            application/vnd.atlas.2023-01-01+json: {}
        "204":
          description: new
          content:
            application/vnd.atlas.2024-05-30+json: {}
components:
  requestBodies:
    Thing:
      required: true
      content:
        application/vnd.atlas.2023-01-01+json: {schema: {$ref: "#/components/schemas/Thing"}}
        application/vnd.atlas.2024-05-30+json: {schema: {$ref: "#/components/schemas/Thing"}}
  schemas:
    Thing:
      type: object
      properties: {name: {type: string}}
"##;

    fn lowered() -> (Api, Value) {
        let (api, _) = atlas_codegen::lower_spec("t.yaml", SPEC).unwrap();
        let raw = atlas_codegen::load::parse("t.yaml", SPEC).unwrap().raw;
        (api, raw)
    }

    fn first_key(value: &Value) -> &str {
        value.as_object().and_then(|m| m.keys().next()).map_or("", String::as_str)
    }

    #[test]
    fn the_clients_media_type_comes_first_and_refs_are_inlined() {
        let (api, raw) = lowered();
        let (spec, reordered) = prism_spec(&api, &raw);
        let newest = "application/vnd.atlas.2024-05-30+json";
        let body = spec.pointer("/paths/~1things/post/requestBody").unwrap();
        assert!(body.get("$ref").is_none(), "{body}");
        assert_eq!(body["required"], json!(true));
        assert_eq!(first_key(&body["content"]), newest);
        let ok = spec.pointer("/paths/~1things/post/responses/200/content").unwrap();
        assert_eq!(first_key(ok), newest);
        assert_eq!(ok.as_object().unwrap().len(), 2);
        // The shared component itself is left as it was.
        let shared = spec.pointer("/components/requestBodies/Thing/content").unwrap();
        assert_eq!(first_key(shared), "application/vnd.atlas.2023-01-01+json");
        assert_eq!(reordered, 2);
        // Already first: nothing to do the second time round.
        assert_eq!(prism_spec(&api, &spec).1, 0);
    }

    #[test]
    fn a_later_status_is_preferred_only_where_the_lowest_lacks_the_clients_version() {
        let (api, _) = lowered();
        assert_eq!(preferred_statuses(&api), BTreeMap::from([("deleteThing".to_owned(), 204)]));
    }
}
