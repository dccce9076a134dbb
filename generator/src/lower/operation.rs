//! Lowering of paths and operations: parameters, bodies, responses, media types, pagination.

use super::Lowerer;
use crate::diag::{child, pointer};
use crate::ir::{
    Body, Constraints, HttpMethod, Location, OmittedParam, Operation, Pagination, Param, PathSegment, Response,
    SchemaKind, Status, TypeRef,
};
use crate::load::resolve;
use crate::naming::{self, Case, Namer};
use openapiv3::{ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode};

impl Lowerer<'_> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let mut out = Vec::new();
        let mut methods = Namer::new();
        for (path, item) in &self.doc.paths.paths {
            let path_pointer = pointer(["paths", path.as_str()]);
            let ReferenceOr::Item(item) = item else {
                self.diags.error(path_pointer, "a `$ref` path item is not supported; define the path inline");
                continue;
            };
            for (method, op) in methods_of(item) {
                let op_pointer = child(&path_pointer, method.as_str().to_ascii_lowercase());
                if let Some(op) = self.lower_operation(path, item, method, op, &op_pointer) {
                    if let Err(owner) = methods.claim(&op.id, &op.rust_name) {
                        self.diags
                            .error(child(&op_pointer, "operationId"), format!(
                                "operationIds `{}` and `{owner}` would both become the method `{}`",
                                op.id, op.rust_name
                            ))
                            .with_hint("operationIds name the generated methods and must stay unique after conversion to snake_case");
                        continue;
                    }
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
    ) -> Option<Operation> {
        let Some(id) = op.operation_id.clone().filter(|id| !id.trim().is_empty()) else {
            self.diags
                .error(op_pointer, format!("`{} {path}` has no operationId", method.as_str()))
                .with_hint("add `operationId: someName`; it names the generated method");
            return None;
        };
        let rust_name = naming::sanitize(&id, Case::Snake);
        let builder_name = naming::type_name(&id);
        if !self.claim_type(&id, &builder_name, &child(op_pointer, "operationId")) {
            return None;
        }
        let path_segments = self.path_segments(path, op_pointer);
        let (params, omitted) = self.lower_params(&id, &builder_name, path, item, op, op_pointer, &path_segments);
        let body = self.lower_body(&id, &builder_name, op, op_pointer);
        let responses = self.lower_responses(&builder_name, op, op_pointer);
        // The success response fixes what the client asks for and decodes; a success without a JSON
        // body would need a different `send` signature, which the runtime does not offer yet.
        let Some(success) = responses.iter().find(|r| matches!(r.status, Status::Code(200..=299))) else {
            self.diags
                .error(child(op_pointer, "responses"), format!("operation `{id}` documents no success (2xx) response"))
                .with_hint("add a `200` (or other 2xx) response");
            return None;
        };
        let (Some(accept), Some(_)) = (success.media_type.clone(), success.ty.as_ref()) else {
            let at = match success.status {
                Status::Code(c) => child(&child(op_pointer, "responses"), c.to_string()),
                Status::Default => child(&child(op_pointer, "responses"), "default"),
            };
            self.diags
                .error(at, format!("the success response of `{id}` has no JSON body; responses without a body are not supported yet"))
                .with_hint("describe the body with `content: {application/json: {schema: ...}}`");
            return None;
        };
        let mut operation = Operation {
            id,
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
            pagination: None,
            idempotent: method.is_idempotent(),
            omitted,
        };
        operation.pagination = self.pagination(&operation);
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

    #[allow(clippy::too_many_arguments)]
    fn lower_params(
        &mut self,
        op_id: &str,
        builder_name: &str,
        path: &str,
        item: &PathItem,
        op: &openapiv3::Operation,
        op_pointer: &str,
        segments: &[PathSegment],
    ) -> (Vec<Param>, Vec<OmittedParam>) {
        // Operation-level parameters override path-level ones with the same name and location.
        let path_pointer = op_pointer.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default();
        // Each parameter with the pointer of its use in this operation and the pointer where it is
        // defined (a shared `components/parameters` entry is reported once, at its definition).
        let mut raw: Vec<(&openapiv3::Parameter, String, String)> = Vec::new();
        let level_params =
            [(&item.parameters, child(&path_pointer, "parameters")), (&op.parameters, child(op_pointer, "parameters"))];
        for (list, base) in level_params {
            for (i, p) in list.iter().enumerate() {
                let at = child(&base, i.to_string());
                let Some((param, defined_at)) = resolve(self.doc, p, &at, &mut self.diags) else { continue };
                let data = param.parameter_data_ref();
                raw.retain(|(q, _, _)| !(q.parameter_data_ref().name == data.name && same_location(q, param)));
                raw.push((param, at, defined_at));
            }
        }
        let declared: Vec<(&str, &str)> = raw
            .iter()
            .filter(|(p, _, _)| matches!(p, openapiv3::Parameter::Path { .. }))
            .map(|(p, at, _)| (p.parameter_data_ref().name.as_str(), at.as_str()))
            .collect();
        super::check::path_params(op_id, path, op_pointer, segments, &declared, &mut self.diags);
        let mut namer = Namer::new();
        let mut params = Vec::new();
        let mut omitted = Vec::new();
        for (param, at, defined_at) in raw {
            let data = param.parameter_data_ref();
            // `x-codegen-omit: <reason>` keeps a documented parameter out of the client, for parameters
            // a typed client must not send (Atlas' `envelope=true` reshapes every response body).
            if let Some(reason) = data.extensions.get("x-codegen-omit") {
                if let (true, Some(text)) = (optional_query(param), reason.as_str().filter(|r| !r.trim().is_empty())) {
                    omitted.push(OmittedParam { name: data.name.clone(), reason: text.trim().to_owned() });
                } else {
                    self.diags
                        .error(
                            child(&at, "x-codegen-omit"),
                            format!(
                                "`x-codegen-omit` on `{}` needs an optional query parameter and a reason string",
                                data.name
                            ),
                        )
                        .with_hint("write `x-codegen-omit: <why the client must not send it>`");
                }
                continue;
            }
            let location = match param {
                openapiv3::Parameter::Path { .. } => Location::Path,
                openapiv3::Parameter::Query { .. } => Location::Query,
                openapiv3::Parameter::Header { .. } => {
                    self.diags
                        .error(&at, format!("header parameter `{}` is not supported yet", data.name))
                        .with_hint("set the header through a custom reqwest client instead");
                    continue;
                }
                openapiv3::Parameter::Cookie { .. } => {
                    self.diags
                        .error(&at, format!("parameter `{}` of `{op_id}` is a cookie (`in: cookie`), which atlas-codegen does not support", data.name))
                        .with_hint("the generated client sends path and query parameters only; set cookies through a custom reqwest client");
                    continue;
                }
            };
            let rust_name = naming::field_name(&data.name);
            if let Err(owner) = namer.claim(&data.name, &rust_name) {
                self.diags
                    .error(&at, format!("parameters `{}` and `{owner}` of `{op_id}` would both become the Rust argument `{rust_name}`", data.name))
                    .with_hint("rename one of them in the spec");
                continue;
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    self.diags.error(
                        child(&at, "content"),
                        format!("parameter `{}` uses `content`; only `schema` is supported", data.name),
                    );
                    continue;
                }
            };
            let schema_pointer = child(&defined_at, "schema");
            let hint = format!("{builder_name}{}", naming::sanitize(&data.name, Case::Pascal));
            let Some(ty) = self.schema_type(schema, &schema_pointer, &hint) else { continue };
            let (constraints, default) = match schema {
                ReferenceOr::Item(s) => (self.constraints(s, &schema_pointer), s.schema_data.default.clone()),
                ReferenceOr::Reference { .. } => (Constraints::default(), None),
            };
            if let Some(default) = &default {
                super::check::default_in_bounds(&data.name, default, &constraints, &schema_pointer, &mut self.diags);
            }
            let required = data.required || location == Location::Path;
            if location == Location::Path && !data.required {
                self.diags.warning(
                    child(&at, "required"),
                    format!("path parameter `{}` must be `required: true`; treating it as required", data.name),
                );
            }
            if !matches!(
                ty,
                TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool | TypeRef::Named(_)
            ) {
                self.diags
                    .error(
                        &schema_pointer,
                        format!(
                            "parameter `{}` has a type that cannot be sent in the {}",
                            data.name,
                            location.as_str()
                        ),
                    )
                    .with_hint("use a string, integer, number, boolean or string enum");
                continue;
            }
            let newtype = if ty == TypeRef::String && constraints.constrains_string() {
                self.param_newtype(&data.name, &constraints, &at)
            } else {
                None
            };
            params.push(Param {
                name: data.name.clone(),
                rust_name,
                location,
                required,
                description: data.description.clone(),
                ty,
                default,
                constraints,
                newtype,
                deprecated: data.deprecated == Some(true),
            });
        }
        // Path parameters first, in template order; the rest keep spec order.
        let order = |p: &Param| match p.location {
            Location::Path => segments
                .iter()
                .filter_map(|s| match s {
                    PathSegment::Param(n) => Some(n),
                    PathSegment::Literal(_) => None,
                })
                .position(|n| *n == p.name)
                .unwrap_or(usize::MAX),
            Location::Query => usize::MAX,
            Location::Header => usize::MAX,
        };
        params.sort_by_key(|p| (p.location, order(p)));
        (params, omitted)
    }

    /// The validated newtype of a constrained string parameter (`orgId` -> `OrgId`). Parameters with
    /// the same name and constraints share one type; the same name with other constraints is an error.
    fn param_newtype(&mut self, name: &str, constraints: &Constraints, at: &str) -> Option<String> {
        let rust_name = naming::type_name(name);
        if let Some(existing) = self.schemas.iter().find(|s| s.rust_name == rust_name) {
            return match &existing.kind {
                SchemaKind::Newtype { constraints: c } if c == constraints => Some(rust_name),
                _ => {
                    self.diags
                        .error(at, format!("parameter `{name}` needs the newtype `{rust_name}`, but that name is taken by another type with other constraints"))
                        .with_hint("give the parameter the same constraints everywhere, or rename it");
                    None
                }
            };
        }
        if !self.claim_type(name, &rust_name, at) {
            return None;
        }
        self.schemas.push(crate::ir::Schema {
            name: name.to_owned(),
            rust_name: rust_name.clone(),
            description: None,
            in_request: true,
            in_response: false,
            kind: SchemaKind::Newtype { constraints: constraints.clone() },
        });
        Some(rust_name)
    }

    fn lower_body(
        &mut self,
        op_id: &str,
        builder_name: &str,
        op: &openapiv3::Operation,
        op_pointer: &str,
    ) -> Option<Body> {
        let body_ref = op.request_body.as_ref()?;
        let at = child(op_pointer, "requestBody");
        let (body, at) = resolve(self.doc, body_ref, &at, &mut self.diags)?;
        let content_pointer = child(&at, "content");
        let mut json = body.content.iter().filter(|(mt, _)| is_json(mt));
        let Some((media_type, content)) = json.next() else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.diags
                .error(
                    content_pointer,
                    format!("the request body of `{op_id}` has no JSON media type (found: {})", found.join(", ")),
                )
                .with_hint("atlas-codegen supports `application/json` and `application/<vendor>+json` bodies");
            return None;
        };
        let mt_pointer = child(&content_pointer, media_type);
        let Some(schema) = &content.schema else {
            self.diags.error(mt_pointer, format!("the request body of `{op_id}` has no schema"));
            return None;
        };
        let schema_pointer = child(&mt_pointer, "schema");
        let ty = self.schema_type(schema, &schema_pointer, &format!("{builder_name}Body"))?;
        // A named schema carries its own checks (`validate`); an inline one (an array body, say) keeps
        // its constraints here.
        let constraints = match schema {
            ReferenceOr::Item(s) => self.constraints(s, &schema_pointer),
            ReferenceOr::Reference { .. } => Constraints::default(),
        };
        Some(Body {
            media_type: media_type.clone(),
            required: body.required,
            description: body.description.clone(),
            ty,
            constraints,
        })
    }

    fn lower_responses(&mut self, builder_name: &str, op: &openapiv3::Operation, op_pointer: &str) -> Vec<Response> {
        let base = child(op_pointer, "responses");
        let mut entries: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        if let Some(default) = &op.responses.default {
            entries.push((Status::Default, default, child(&base, "default")));
        }
        for (code, response) in &op.responses.responses {
            match code {
                StatusCode::Code(c) => entries.push((Status::Code(*c), response, child(&base, c.to_string()))),
                StatusCode::Range(r) => {
                    self.diags
                        .error(
                            child(&base, format!("{r}XX")),
                            "response ranges (`4XX`) are not supported; list the codes",
                        )
                        .with_hint("write one entry per status code, or use `default`");
                }
            }
        }
        let mut out = Vec::new();
        for (status, response, at) in entries {
            let Some((response, at)) = resolve(self.doc, response, &at, &mut self.diags) else { continue };
            let json = response.content.iter().find(|(mt, _)| is_json(mt));
            let (media_type, ty) = match json {
                Some((mt, content)) => {
                    let schema_pointer = child(&child(&child(&at, "content"), mt), "schema");
                    let hint = match status {
                        Status::Code(c) => format!("{builder_name}Response{c}"),
                        Status::Default => format!("{builder_name}ResponseDefault"),
                    };
                    let ty = match &content.schema {
                        Some(s) => self.schema_type(s, &schema_pointer, &hint),
                        None => None,
                    };
                    (Some(mt.clone()), ty)
                }
                None => {
                    if let (Some(mt), Status::Code(200..=299)) = (response.content.keys().next(), status) {
                        self.diags
                            .error(child(&at, "content"), format!("success media type `{mt}` is not JSON"))
                            .with_hint(
                                "atlas-codegen decodes `application/json` and `application/<vendor>+json` responses",
                            );
                    }
                    (None, None)
                }
            };
            let headers = response.headers.keys().cloned().collect();
            out.push(Response { status, description: response.description.clone(), media_type, ty, headers });
        }
        out.sort_by_key(|r| r.status);
        out
    }

    /// Recognises Atlas-style pagination by shape: an integer page-number and page-size query
    /// parameter, and a success type whose fields include a `results` array and, optionally, an integer
    /// `totalCount`.
    fn pagination(&self, op: &Operation) -> Option<Pagination> {
        let int_query = |names: &[&str]| {
            op.params.iter().find(|p| {
                p.location == Location::Query
                    && matches!(p.ty, TypeRef::I32 | TypeRef::I64)
                    && names.contains(&p.name.as_str())
            })
        };
        let page = int_query(&["pageNum", "page", "pageNumber"])?;
        let size = int_query(&["itemsPerPage", "pageSize", "perPage"])?;
        let Some(TypeRef::Named(page_type)) = op.success()?.ty.clone() else { return None };
        let schema = self.schemas.iter().find(|s| s.rust_name == page_type)?;
        let SchemaKind::Struct { fields } = &schema.kind else { return None };
        let results = fields.iter().find(|f| f.name == "results")?;
        let TypeRef::Array(item) = &results.ty else { return None };
        let total = fields
            .iter()
            .find(|f| f.name == "totalCount" && matches!(f.ty, TypeRef::I32 | TypeRef::I64))
            .map(|f| f.name.clone());
        Some(Pagination {
            page_param: page.name.clone(),
            size_param: size.name.clone(),
            max_page_size: size.constraints.maximum.map(|m| m as u64),
            page_type,
            results_field: results.name.clone(),
            total_field: total,
            item_type: (**item).clone(),
        })
    }
}

/// The operations of a path item in a fixed order.
fn methods_of(item: &PathItem) -> Vec<(HttpMethod, &openapiv3::Operation)> {
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

/// Whether a parameter is an optional query parameter (the only kind a client may leave out).
fn optional_query(param: &openapiv3::Parameter) -> bool {
    matches!(param, openapiv3::Parameter::Query { parameter_data, .. } if !parameter_data.required)
}

fn same_location(a: &openapiv3::Parameter, b: &openapiv3::Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// `application/json`, or a structured-syntax `+json` type such as `application/vnd.atlas.2023-01-01+json`.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}
