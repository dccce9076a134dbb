//! Lowering of paths and operations: each operation's name, path template and parts, put together
//! from its parameters, body, responses, API version and pagination (one submodule each).

mod bodies;
mod multipart;
mod pagination;
mod parameters;
mod responses;
mod versions;

use super::Lowerer;
use crate::diag::{child, pointer};
use crate::ir::{BodyEncoding, HttpMethod, Operation, PathSegment};
use crate::naming::{self, Case};
use openapiv3::{PathItem, ReferenceOr};

impl Lowerer<'_> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        // The methods are one naming scope, settled before any operation is lowered.
        let mut ids = Vec::new();
        for (path, item) in &self.doc.paths.paths {
            if let ReferenceOr::Item(item) = item {
                for (method, op) in methods_of(item) {
                    let id = operation_id(method, path, op);
                    if !self.selected(&id, &op.tags) {
                        continue;
                    }
                    let op_pointer = child(&pointer(["paths", path.as_str()]), method.as_str().to_ascii_lowercase());
                    ids.push((op_pointer, id));
                }
            }
        }
        let methods = self.method_names(&ids);
        let mut methods = self.rename_methods(&ids, methods).into_iter();
        let mut out = Vec::new();
        for (path, item) in &self.doc.paths.paths {
            let path_pointer = pointer(["paths", path.as_str()]);
            let ReferenceOr::Item(item) = item else {
                self.diags.error(path_pointer, "a `$ref` path item is not supported; define the path inline");
                continue;
            };
            for (method, op) in methods_of(item) {
                if !self.selected(&operation_id(method, path, op), &op.tags) {
                    continue;
                }
                let op_pointer = child(&path_pointer, method.as_str().to_ascii_lowercase());
                let rust_name = methods.next().unwrap_or_default();
                if let Some(op) = self.lower_operation(path, item, method, op, &op_pointer, rust_name) {
                    out.push(op);
                }
            }
        }
        out
    }

    fn lower_operation(
        &mut self,
        path: &str,
        item: &PathItem,
        method: HttpMethod,
        op: &openapiv3::Operation,
        op_pointer: &str,
        rust_name: String,
    ) -> Option<Operation> {
        let id = operation_id(method, path, op);
        if op.operation_id.as_ref().is_none_or(|id| id.trim().is_empty()) {
            self.diags
                .warning(
                    op_pointer,
                    format!(
                        "`{} {path}` has no operationId; its method is named `{rust_name}` after the method and path",
                        method.as_str(),
                    ),
                )
                .with_hint("add `operationId: someName` to choose the name of the generated method");
        }
        // The builder is named after the operation (after its method, when that lost a clash); when a
        // schema already owns that type name (`user_create` and `UserCreate`), it takes a `Request`
        // suffix instead.
        let natural = if rust_name == naming::sanitize(&id, Case::Snake) {
            naming::type_name(&id)
        } else {
            naming::type_name(&rust_name)
        };
        let builder_name =
            self.claim_type(&format!("operation {id}"), &natural, &child(op_pointer, "operationId"), "Request");
        let version = match self.choose_version(&id, op, op_pointer) {
            Ok(version) => version,
            Err(()) => return None,
        };
        let path_segments = self.path_segments(path, op_pointer);
        let site = OpSite { id: &id, builder_name: &builder_name, path, pointer: op_pointer, segments: &path_segments };
        let (params, omitted) = self.lower_params(&site, item, op);
        let body = self.lower_body(&id, &builder_name, op, op_pointer, version.as_ref());
        let responses = self.lower_responses(&builder_name, op, op_pointer, version.as_ref());
        let (output, success_accept) = self.output(&id, &builder_name, &responses, op_pointer, version.as_ref());
        // The client asks for the media type it decodes; a success without a body still names the
        // versioned media type its response lists (Atlas picks the API version from `Accept`), else
        // the JSON body's (an upload's bytes or form say nothing about the answer).
        let accept = success_accept
            .or_else(|| body.as_ref().filter(|b| b.encoding == BodyEncoding::Json).map(|b| b.media_type.clone()))
            .unwrap_or_else(|| "application/json".to_owned());
        let mut operation = Operation {
            id,
            pointer: op_pointer.to_owned(),
            rust_name,
            builder_name,
            method,
            path: path.to_owned(),
            path_segments,
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            accept,
            output,
            api_version: None,
            pagination: None,
            idempotent: method.is_idempotent(),
            omitted,
        };
        operation.pagination = self.pagination(&operation);
        operation.api_version = version.map(|v| self.chosen_version(&operation, v));
        Some(operation)
    }

    fn path_segments(&mut self, path: &str, op_pointer: &str) -> Vec<PathSegment> {
        let mut out = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.diags.error(op_pointer, format!("the path `{path}` has an unclosed `{{`"));
                break;
            };
            if open > 0 {
                out.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            out.push(PathSegment::Param(rest[open + 1..open + close].to_owned()));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            out.push(PathSegment::Literal(rest.to_owned()));
        }
        out
    }
}

/// Where an operation sits, for lowering its parts: its id and builder name, its path template and
/// pointer, and the template's segments.
#[derive(Clone, Copy)]
struct OpSite<'a> {
    id: &'a str,
    builder_name: &'a str,
    path: &'a str,
    pointer: &'a str,
    segments: &'a [PathSegment],
}

/// The operations of a path item in a fixed order.
pub(super) fn methods_of(item: &PathItem) -> Vec<(HttpMethod, &openapiv3::Operation)> {
    [
        (HttpMethod::Get, &item.get),
        (HttpMethod::Put, &item.put),
        (HttpMethod::Post, &item.post),
        (HttpMethod::Delete, &item.delete),
        (HttpMethod::Options, &item.options),
        (HttpMethod::Head, &item.head),
        (HttpMethod::Patch, &item.patch),
        (HttpMethod::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
    .collect()
}

/// The operation's `operationId`, or one made from the method and path when it has none.
pub(super) fn operation_id(method: HttpMethod, path: &str, op: &openapiv3::Operation) -> String {
    match op.operation_id.clone().filter(|id| !id.trim().is_empty()) {
        Some(id) => id,
        None => derived_operation_id(method, path),
    }
}

/// An operationId made from the method and the path's literal segments and parameters
/// (`GET /orgs/{orgId}/users` -> `get_orgs_orgId_users`).
fn derived_operation_id(method: HttpMethod, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for part in path.split(['/', '{', '}', '.', '-']).filter(|p| !p.is_empty()) {
        id.push('_');
        id.push_str(part);
    }
    id
}
