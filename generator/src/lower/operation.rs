//! Lowering of paths and operations: parameters, bodies, responses, media types, pagination.

use super::Lowerer;
use crate::diag::{child, pointer};
use crate::ir::{
    ApiVersion, ArrayParam, Body, BodyEncoding, BodyKind, ChosenVersion, Constraints, Content, HttpMethod, Location,
    OmittedParam, Operation, Output, OutputCase, Pagination, Param, PathSegment, Payload, Response, SchemaKind,
    SchemaRef, Status, TypeRef,
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
        let id = match op.operation_id.clone().filter(|id| !id.trim().is_empty()) {
            Some(id) => id,
            None => {
                let derived = derived_operation_id(method, path);
                self.diags
                    .warning(
                        op_pointer,
                        format!(
                            "`{} {path}` has no operationId; its method is named `{}` after the method and path",
                            method.as_str(),
                            naming::sanitize(&derived, Case::Snake)
                        ),
                    )
                    .with_hint("add `operationId: someName` to choose the name of the generated method");
                derived
            }
        };
        let rust_name = naming::sanitize(&id, Case::Snake);
        // The builder is named after the operation; when a schema already owns that type name
        // (`user_create` and `UserCreate`), the builder takes a `Request` suffix instead.
        let mut builder_name = naming::type_name(&id);
        let owner = format!("operation {id}");
        if self.types.claim(&owner, &builder_name).is_err() {
            let taken = builder_name.clone();
            builder_name = format!("{taken}Request");
            if !self.claim_type(&owner, &builder_name, &child(op_pointer, "operationId")) {
                return None;
            }
            self.diags
                .warning(
                    child(op_pointer, "operationId"),
                    format!("the request builder of `{id}` is named `{builder_name}`: `{taken}` is a schema's type"),
                )
                .with_hint("rename the operation or the schema to choose the name");
        }
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
        // versioned media type its response lists (Atlas picks the API version from `Accept`).
        let accept = success_accept
            .or_else(|| body.as_ref().map(|b| b.media_type.clone()))
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
                openapiv3::Parameter::Header { .. } => Location::Header,
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
            let array = match &ty {
                TypeRef::Array(item) if location != Location::Path && is_scalar(item) => {
                    let Some(array) = self.array_param(param, builder_name, schema, &schema_pointer, item) else {
                        continue;
                    };
                    Some(array)
                }
                _ => None,
            };
            if array.is_none() && !is_scalar(&ty) {
                self.diags
                    .error(
                        &schema_pointer,
                        format!(
                            "parameter `{}` has a type that cannot be sent in the {}",
                            data.name,
                            location.as_str()
                        ),
                    )
                    .with_hint("use a string, integer, number, boolean or string enum, or (in the query or a header) an array of them");
                continue;
            }
            let newtype = if ty == TypeRef::String && constraints.constrains_string() {
                self.param_newtype(&data.name, builder_name, &constraints, &at)
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
                array,
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

    /// How an array parameter travels (`style`/`explode`) and what its items must satisfy; `None`
    /// (with an error) for a style no client can send unambiguously.
    fn array_param(
        &mut self,
        param: &openapiv3::Parameter,
        builder_name: &str,
        schema: &ReferenceOr<openapiv3::Schema>,
        schema_pointer: &str,
        item: &TypeRef,
    ) -> Option<ArrayParam> {
        use openapiv3::{HeaderStyle, QueryStyle};
        let data = param.parameter_data_ref();
        let (explode, separator) = match param {
            openapiv3::Parameter::Query { style, .. } => match style {
                QueryStyle::Form => (data.explode.unwrap_or(true), ","),
                QueryStyle::SpaceDelimited => (data.explode.unwrap_or(false), " "),
                QueryStyle::PipeDelimited => (data.explode.unwrap_or(false), "|"),
                QueryStyle::DeepObject => {
                    self.diags
                        .error(
                            schema_pointer,
                            format!(
                                "array parameter `{}` has `style: deepObject`, which is defined for objects only",
                                data.name
                            ),
                        )
                        .with_hint("use `style: form` (the default)");
                    return None;
                }
            },
            // Headers are `simple`: items joined by commas, whatever `explode` says.
            openapiv3::Parameter::Header { style: HeaderStyle::Simple, .. } => (false, ","),
            _ => (false, ","),
        };
        let items = match schema {
            ReferenceOr::Item(s) => match &s.schema_kind {
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) => a.items.as_ref(),
                _ => None,
            },
            ReferenceOr::Reference { .. } => None,
        };
        let item_pointer = child(schema_pointer, "items");
        let item_constraints = match items {
            Some(ReferenceOr::Item(s)) => self.constraints(s, &item_pointer),
            _ => Constraints::default(),
        };
        let item_newtype = if *item == TypeRef::String && item_constraints.constrains_string() {
            self.param_newtype(&format!("{}Item", data.name), builder_name, &item_constraints, &item_pointer)
        } else {
            None
        };
        Some(ArrayParam { explode, separator: separator.to_owned(), item_constraints, item_newtype })
    }

    /// The validated newtype of a constrained string parameter (`orgId` -> `OrgId`). Parameters with
    /// the same name and constraints share one type; the same name with other constraints is an error.
    fn param_newtype(
        &mut self,
        name: &str,
        builder_name: &str,
        constraints: &Constraints,
        at: &str,
    ) -> Option<SchemaRef> {
        // Identical constraints share one type: a parameter of this name already has one.
        let shared = self.schemas.iter().find(|s| s.name == name && s.newtype_constraints() == Some(constraints));
        if let Some(existing) = shared {
            return Some(SchemaRef::new(existing.rust_name.clone()));
        }
        // Otherwise the parameter's own name (`OrgId`) while it is free, else the operation's
        // (`ListClustersName`), else numbered: distinct, deterministic (spec order) and readable.
        let plain = naming::type_name(name);
        let scoped = naming::type_name(&format!("{builder_name}_{name}"));
        let mut candidates = vec![plain.clone(), scoped.clone()];
        candidates.extend((2..100).map(|n| format!("{scoped}{n}")));
        let rust_name = candidates.into_iter().find(|c| self.types.claim(at, c).is_ok())?;
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
                let ty = self.schema_type(schema, &schema_pointer, &format!("{builder_name}Body"))?;
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

    fn lower_responses(
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
    fn output(
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
            if !self.claim_type(&format!("{id} output"), &name, &responses_pointer) {
                return (Output { enum_name: None, cases: Vec::new(), no_success: None }, accept);
            }
            Some(name)
        } else {
            None
        };
        (Output { enum_name, cases, no_success: None }, accept)
    }

    /// Every media type of an operation's request body and responses (through `$ref`s), unordered.
    fn media_types(&self, op: &openapiv3::Operation) -> Vec<String> {
        let mut scratch = crate::diag::Diagnostics::new("");
        let mut out = Vec::new();
        if let Some(body) = &op.request_body {
            if let Some((body, _)) = resolve(self.doc, body, "", &mut scratch) {
                out.extend(body.content.keys().cloned());
            }
        }
        for response in op.responses.responses.values().chain(op.responses.default.as_ref()) {
            if let Some((response, _)) = resolve(self.doc, response, "", &mut scratch) {
                out.extend(response.content.keys().cloned());
            }
        }
        out
    }

    /// The newest dated API version any operation offers.
    pub(super) fn newest_version(&self) -> Option<String> {
        let mut newest: Option<String> = None;
        for item in self.doc.paths.paths.values() {
            let ReferenceOr::Item(item) = item else { continue };
            for (_, op) in methods_of(item) {
                for mt in self.media_types(op) {
                    if let Some(ApiVersion::Dated(date)) = api_version(&mt) {
                        if newest.as_ref().is_none_or(|n| date > *n) {
                            newest = Some(date);
                        }
                    }
                }
            }
        }
        newest
    }

    /// The API version an operation uses: `preview` when asked for and offered; else the newest
    /// dated version (at or before the pinned date, when there is one). `Ok(None)` for an operation
    /// without versioned media types; `Err` (with a warning) when a pin leaves it no version.
    fn choose_version(
        &mut self,
        id: &str,
        op: &openapiv3::Operation,
        op_pointer: &str,
    ) -> Result<Option<ApiVersion>, ()> {
        let versions: Vec<ApiVersion> = self.media_types(op).iter().filter_map(|mt| api_version(mt)).collect();
        if versions.is_empty() {
            return Ok(None);
        }
        if self.options.preview && versions.contains(&ApiVersion::Preview) {
            return Ok(Some(ApiVersion::Preview));
        }
        let pin = self.options.api_version.clone();
        let newest = versions
            .iter()
            .filter_map(|v| match v {
                ApiVersion::Dated(d) if pin.as_ref().is_none_or(|p| d <= p) => Some(d.clone()),
                _ => None,
            })
            .max();
        match (newest, pin) {
            (Some(date), _) => Ok(Some(ApiVersion::Dated(date))),
            (None, Some(pin)) => {
                let offered: Vec<String> = versions.iter().map(version_text).collect();
                self.diags
                    .warning(
                        op_pointer,
                        format!(
                            "operation `{id}` is left out: it has no API version at or before `{pin}` (it offers {})",
                            offered.join(", ")
                        ),
                    )
                    .with_hint("pin a later `--api-version` to include it");
                Err(())
            }
            (None, None) => {
                self.diags
                    .warning(
                        op_pointer,
                        format!("operation `{id}` is left out: it offers only the `preview` API version"),
                    )
                    .with_hint("generate with `--preview` to include preview versions");
                Err(())
            }
        }
    }

    /// The chosen version with the `x-sunset` of the media types that carry it; a sunset on or
    /// before the reference date is a warning.
    fn chosen_version(&mut self, op: &Operation, version: ApiVersion) -> ChosenVersion {
        let contents = op.body.iter().flat_map(|b| &b.content).chain(op.responses.iter().flat_map(|r| &r.content));
        let sunset = contents.filter(|c| c.version.as_ref() == Some(&version)).find_map(|c| c.sunset.clone());
        if let (Some(sunset), Some(reference)) = (&sunset, &self.sunset_reference) {
            if sunset.as_str() <= reference.as_str() {
                self.diags
                    .warning(&op.pointer, format!("operation `{}` uses API version `{}`, whose sunset date `{sunset}` is not after `{reference}`", op.id, version_text(&version)))
                    .with_hint("Atlas stops serving a version after its sunset: pin a later `--api-version`");
            }
        }
        ChosenVersion { version: version_text(&version), sunset }
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
                let (message, hint) = unused_media_type(media_type, chosen);
                self.diags.warning(child(content_pointer, media_type), message).with_hint(hint);
            }
            out.push(Content { media_type: media_type.clone(), version: api_version(media_type), body, sunset });
        }
        out
    }
}

/// The warning for a media type the client leaves out, and its hint. Most are other API versions of
/// the same operation (Atlas keeps each version's media type in the spec), which the user should know
/// lose nothing: the client speaks one version per operation, chosen by `--api-version`/`--preview`.
fn unused_media_type(media_type: &str, chosen: &str) -> (String, String) {
    let generic_hint = "the IR lists it among the body's `content`; emitting a method per version is not supported yet";
    match (api_version(media_type), api_version(chosen)) {
        (Some(ApiVersion::Dated(other)), Some(ApiVersion::Dated(used))) if other != used => (
            format!(
                "media type `{media_type}` is another API version ({other}) of this operation; this client uses {used} (`{chosen}`)"
            ),
            format!("nothing is lost: both versions are the same operation; `--api-version {other}` pins the client to that date instead"),
        ),
        (Some(ApiVersion::Preview), Some(ApiVersion::Dated(used))) => (
            format!("media type `{media_type}` is the preview version of this operation; this client uses {used} (`{chosen}`)"),
            "nothing is lost for the stable API; `--preview` uses preview versions where an operation has one".to_owned(),
        ),
        (Some(other), Some(used)) if other == used => (
            format!(
                "media type `{media_type}` is another format of the same API version; the generated client sends and accepts only `{chosen}` here"
            ),
            generic_hint.to_owned(),
        ),
        _ => (
            format!("media type `{media_type}` is not used by the generated client, which sends and accepts only `{chosen}` here"),
            generic_hint.to_owned(),
        ),
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

/// Whether a type travels as one text value: a string, number, boolean or a (string enum) named type.
fn is_scalar(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool | TypeRef::Named(_))
}

/// Whether a parameter is an optional query parameter (the only kind a client may leave out).
fn optional_query(param: &openapiv3::Parameter) -> bool {
    matches!(param, openapiv3::Parameter::Query { parameter_data, .. } if !parameter_data.required)
}

fn same_location(a: &openapiv3::Parameter, b: &openapiv3::Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// How a version is written in media types and docs (`2023-01-01`, `preview`).
fn version_text(version: &ApiVersion) -> String {
    match version {
        ApiVersion::Dated(d) => d.clone(),
        ApiVersion::Preview => "preview".to_owned(),
    }
}

/// Of a body's media types (in spec order), the one of the chosen API version; when the body does not
/// offer that version, its newest dated version before it (a body that did not change in the chosen
/// version keeps its earlier one), else an unversioned one, else the first.
fn pick_version<'a>(media_types: &[&'a str], version: Option<&ApiVersion>) -> Option<&'a str> {
    let Some(version) = version else { return media_types.first().copied() };
    if let Some(exact) = media_types.iter().find(|mt| api_version(mt).as_ref() == Some(version)) {
        return Some(exact);
    }
    let earlier = media_types
        .iter()
        .filter_map(|mt| match api_version(mt) {
            Some(v @ ApiVersion::Dated(_)) if matches!(version, ApiVersion::Preview) || &v < version => Some((v, *mt)),
            _ => None,
        })
        .max();
    earlier
        .map(|(_, mt)| mt)
        .or_else(|| media_types.iter().find(|mt| api_version(mt).is_none()).copied())
        .or_else(|| media_types.first().copied())
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
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_api_versions_are_named_as_such() {
        let v = |date: &str| format!("application/vnd.atlas.{date}+json");
        let (message, hint) = unused_media_type(&v("2023-01-01"), &v("2024-08-05"));
        assert_eq!(
            message,
            "media type `application/vnd.atlas.2023-01-01+json` is another API version (2023-01-01) of this \
             operation; this client uses 2024-08-05 (`application/vnd.atlas.2024-08-05+json`)"
        );
        assert!(hint.contains("nothing is lost") && hint.contains("--api-version 2023-01-01"), "{hint}");
        let (message, hint) = unused_media_type(&v("preview"), &v("2024-08-05"));
        assert!(message.contains("is the preview version of this operation; this client uses 2024-08-05"), "{message}");
        assert!(hint.contains("--preview"), "{hint}");
        let (message, _) = unused_media_type("application/vnd.atlas.2024-08-05+csv", &v("2024-08-05"));
        assert!(message.contains("another format of the same API version"), "{message}");
        let (message, _) = unused_media_type("text/plain", "application/json");
        assert!(message.contains("is not used by the generated client"), "{message}");
    }

    #[test]
    fn the_warning_keeps_the_pointer_of_the_media_type() {
        let text = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://example.com"}]
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/vnd.atlas.2023-01-01+json: {schema: {type: string}}
            application/vnd.atlas.2024-08-05+json: {schema: {type: string}}
"#;
        let (_, diags) = crate::lower_spec("t.yaml", text).unwrap();
        let warning = diags.items().iter().find(|d| d.message.contains("another API version")).unwrap();
        assert_eq!(warning.pointer, "/paths/~1a/get/responses/200/content/application~1vnd.atlas.2023-01-01+json");
        assert!(warning.message.contains("this client uses 2024-08-05"), "{}", warning.message);
    }
}
