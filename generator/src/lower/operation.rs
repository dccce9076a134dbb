//! Lowering of paths and operations: parameters, bodies, responses, media types, pagination.

use super::Lowerer;
use crate::diag::{child, pointer};
use crate::ir::{
    ApiVersion, Body, BodyKind, Constraints, Content, HttpMethod, Location, OmittedParam, Operation, Pagination, Param,
    PathSegment, Response, SchemaKind, SchemaRef, Status, TypeRef,
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
        let site = OpSite { id: &id, builder_name: &builder_name, path, pointer: op_pointer, segments: &path_segments };
        let (params, omitted) = self.lower_params(&site, item, op);
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

    fn lower_params(
        &mut self,
        site: &OpSite<'_>,
        item: &PathItem,
        op: &openapiv3::Operation,
    ) -> (Vec<Param>, Vec<OmittedParam>) {
        let OpSite { id: op_id, builder_name, path, pointer: op_pointer, segments } = *site;
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
                pointer: defined_at,
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
    fn param_newtype(&mut self, name: &str, constraints: &Constraints, at: &str) -> Option<SchemaRef> {
        let rust_name = naming::type_name(name);
        if let Some(existing) = self.schemas.iter().find(|s| s.rust_name == rust_name) {
            return match existing.newtype_constraints() {
                Some(c) if c == constraints => Some(SchemaRef::new(rust_name)),
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
        let kind = SchemaKind::Newtype { constraints: constraints.clone() };
        self.push_schema(name, rust_name.clone(), at, None, kind);
        Some(SchemaRef::new(rust_name))
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
        let content = self.contents(&body.content, &content_pointer, media_type, &ty);
        Some(Body {
            pointer: at.clone(),
            content,
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
        let schema = self.schemas.iter().find(|s| page_type == s.rust_name)?;
        let fields = schema.fields();
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

impl Lowerer<'_> {
    /// Every media type of a body, in spec order. `chosen` is the one the client sends or decodes,
    /// with its already lowered type; other JSON media types are typed by their `$ref` when they have
    /// one, non-JSON ones are bytes.
    fn contents(
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
                            Some(name) => BodyKind::Typed(TypeRef::Named(SchemaRef::new(naming::type_name(name)))),
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
                self.diags
                    .warning(
                        child(content_pointer, media_type),
                        format!("media type `{media_type}` is not used by the generated client, which sends and accepts only `{chosen}` here"),
                    )
                    .with_hint("the IR lists it among the body's `content`; emitting a method per version is not supported yet");
            }
            out.push(Content { media_type: media_type.clone(), version: api_version(media_type), body, sunset });
        }
        out
    }
}

/// The API version of a versioned Atlas media type: `application/vnd.atlas.2023-01-01+json` is
/// `2023-01-01`, `application/vnd.atlas.preview+json` is the preview.
pub(crate) fn api_version(media_type: &str) -> Option<ApiVersion> {
    let essence = media_type.split(';').next()?.trim().to_ascii_lowercase();
    let rest = essence.strip_prefix("application/vnd.atlas.")?;
    let (version, _format) = rest.split_once('+')?;
    if version == "preview" {
        return Some(ApiVersion::Preview);
    }
    let dated = version.len() == 10
        && version.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    dated.then(|| ApiVersion::Dated(version.to_owned()))
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
