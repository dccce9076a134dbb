//! Swagger 2.0 to OpenAPI 3.0.3, keyword by keyword.
//!
//! swagger2openapi's reading is the reference: `definitions`, top-level `parameters` and `responses`
//! and `securityDefinitions` move under `components`; `in: body` and `in: formData` parameters become
//! request bodies with one media type per `consumes` entry; response `schema`s get one media type per
//! `produces` entry; `host` + `basePath` + `schemes` become `servers`; the schema keywords of simple
//! parameters and headers move into a `schema`; `collectionFormat` becomes `style`/`explode`. Each 2.0
//! construct with no 3.0 form is reported as a warning at its pointer instead of being dropped silently.
//!
//! The conversion works on plain JSON values, so it never fails: a node of the wrong shape is passed on
//! unchanged and the OpenAPI 3.0 reader reports it later, at the pointer the moves recorded here lead
//! back to.

use super::origin::Origins;
use crate::diag::{child, Diagnostics};
use serde_json::{json, Map, Value};

/// Where a converted subtree came from: `(pointer in the output, pointer in the 2.0 input)`. Pointers
/// below a moved node map by the same relative path (the longest recorded prefix wins).
pub type Move = (String, String);

/// The media type a body or a response gets when neither the operation nor the document says
/// (`consumes`/`produces`), as swagger2openapi does.
const DEFAULT_MEDIA_TYPE: &str = "application/json";

const FORM_URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// Keywords of a 2.0 simple parameter, header or items object that describe its value; in 3.0 they
/// live in the `schema`.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// Converts a Swagger 2.0 document into OpenAPI 3.0, recording in `origins` where moved nodes came
/// from and reporting at pointers of the 2.0 document.
pub fn convert(doc: Value, origins: &mut Origins, diags: &mut Diagnostics) -> Value {
    let (out, moves) = convert_document(doc, diags);
    let file = origins.file().to_owned();
    // `record` looks each input pointer up in the table as it is so far; the moves come in an order
    // where no recorded output pointer is above a later move's input pointer (see `Converter::moved`).
    for (out_pointer, in_pointer) in moves {
        origins.record(out_pointer, &file, &in_pointer);
    }
    out
}

/// [`convert`] on its own: the converted document and its moves, in the order to record them.
pub fn convert_document(doc: Value, diags: &mut Diagnostics) -> (Value, Vec<Move>) {
    let Value::Object(src) = doc else { return (doc, Vec::new()) };
    let mut converter = Converter::new(&src, diags);
    let out = converter.document(src);
    let mut moves = converter.moves;
    moves.extend(converter.index_moves);
    (Value::Object(out), moves)
}

struct Converter<'a> {
    diags: &'a mut Diagnostics,
    moves: Vec<Move>,
    /// Parameters that moved to a lower index of their list (a body parameter before them left).
    /// Their output pointers are the only ones that can be input pointers of other moves
    /// (`parameters/1` moved to `parameters/0`, while the body at `parameters/0` moved to
    /// `requestBody`), so they are recorded after all others, in increasing order of index.
    index_moves: Vec<Move>,
    /// The document's `consumes`, or the default.
    consumes: Vec<String>,
    /// The document's `produces`, or the default.
    produces: Vec<String>,
    /// The document's top-level `parameters` as written, to see through `$ref`s to body and form
    /// parameters (which are not parameters in 3.0).
    parameters: Map<String, Value>,
    /// The document's top-level `responses` as written, for operations whose `produces` differ.
    responses: Map<String, Value>,
    /// `host` and `basePath`, for operation-level `schemes`.
    host: Option<String>,
    base_path: String,
}

/// A body or form parameter on its way into a request body: the parameter (refs resolved) and the
/// pointer it was written at.
struct Payload {
    param: Map<String, Value>,
    at: String,
}

impl<'a> Converter<'a> {
    fn new(src: &Map<String, Value>, diags: &'a mut Diagnostics) -> Self {
        let mut converter = Converter {
            consumes: Vec::new(),
            produces: Vec::new(),
            parameters: src.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
            responses: src.get("responses").and_then(Value::as_object).cloned().unwrap_or_default(),
            host: src.get("host").and_then(Value::as_str).map(str::to_owned),
            base_path: src.get("basePath").and_then(Value::as_str).unwrap_or_default().to_owned(),
            diags,
            moves: Vec::new(),
            index_moves: Vec::new(),
        };
        converter.consumes = converter
            .media_types(src.get("consumes"), "/consumes")
            .unwrap_or_else(|| vec![DEFAULT_MEDIA_TYPE.to_owned()]);
        converter.produces = converter
            .media_types(src.get("produces"), "/produces")
            .unwrap_or_else(|| vec![DEFAULT_MEDIA_TYPE.to_owned()]);
        converter
    }

    fn moved(&mut self, out: &str, from: &str) {
        if out != from {
            self.moves.push((out.to_owned(), from.to_owned()));
        }
    }

    /// A `consumes`/`produces` list; `None` when absent (or empty, which 2.0 reads the same way).
    fn media_types(&mut self, value: Option<&Value>, at: &str) -> Option<Vec<String>> {
        let value = value?;
        let Some(items) = value.as_array() else {
            self.diags.warning(at, "a media type list must be a list of strings; it is ignored");
            return None;
        };
        let list: Vec<String> = items.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        if list.len() != items.len() {
            self.diags.warning(at, "entries of a media type list that are not strings are ignored");
        }
        (!list.is_empty()).then_some(list)
    }

    fn document(&mut self, mut src: Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        if let Some(info) = src.remove("info") {
            out.insert("info".into(), info);
        }
        if let Some(servers) = self.servers(src.get("schemes"), "/schemes") {
            out.insert("servers".into(), servers);
            let from = if src.contains_key("host") { "/host" } else { "/basePath" };
            self.moved("/servers", from);
        }
        let paths = src.remove("paths");
        let definitions = src.remove("definitions");
        let parameters = src.remove("parameters");
        let responses = src.remove("responses");
        let security_definitions = src.remove("securityDefinitions");
        for (key, value) in src {
            match key.as_str() {
                "swagger" | "host" | "basePath" | "schemes" | "consumes" | "produces" => {}
                _ => {
                    out.insert(key, value);
                }
            }
        }
        if let Some(paths) = paths {
            out.insert("paths".into(), self.paths(paths));
        }
        let mut components = Map::new();
        if let Some(Value::Object(definitions)) = definitions {
            let schemas: Map<String, Value> = definitions
                .into_iter()
                .map(|(name, schema)| {
                    let at = child("/definitions", &name);
                    let out_at = child("/components/schemas", &name);
                    // Each one on its own, for a definition that came from another file.
                    self.moved(&out_at, &at);
                    let converted = self.schema(schema, &at, &out_at);
                    (name, converted)
                })
                .collect();
            self.moved("/components/schemas", "/definitions");
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if let Some(Value::Object(parameters)) = parameters {
            let (params, bodies) = self.top_level_parameters(parameters);
            if !params.is_empty() {
                components.insert("parameters".into(), Value::Object(params));
            }
            if !bodies.is_empty() {
                components.insert("requestBodies".into(), Value::Object(bodies));
            }
        }
        if let Some(Value::Object(responses)) = responses {
            let produces = self.produces.clone();
            let converted: Map<String, Value> = responses
                .into_iter()
                .map(|(name, response)| {
                    let at = child("/responses", &name);
                    let out_at = child("/components/responses", &name);
                    self.moved(&out_at, &at);
                    (name, self.response(response, &at, &out_at, &produces))
                })
                .collect();
            components.insert("responses".into(), Value::Object(converted));
        }
        if let Some(Value::Object(schemes)) = security_definitions {
            let converted: Map<String, Value> = schemes
                .into_iter()
                .map(|(name, scheme)| {
                    let at = child("/securityDefinitions", &name);
                    let out_at = child("/components/securitySchemes", &name);
                    self.moved(&out_at, &at);
                    (name, self.security_scheme(scheme, &at, &out_at))
                })
                .collect();
            components.insert("securitySchemes".into(), Value::Object(converted));
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        out
    }

    /// `host` + `basePath` + each of `schemes` as a server list. https comes first: 2.0's `schemes`
    /// is a set, while a 3.0 client takes the first server as its default.
    fn servers(&mut self, schemes: Option<&Value>, at: &str) -> Option<Value> {
        let base_path = self.base_path.trim_end_matches('/').to_owned();
        let Some(host) = self.host.clone() else {
            if base_path.is_empty() {
                return None;
            }
            return Some(json!([{ "url": base_path }]));
        };
        let mut listed: Vec<String> = match schemes {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            Some(_) => {
                self.diags.warning(at, "`schemes` must be a list of strings; it is ignored");
                Vec::new()
            }
            None => Vec::new(),
        };
        if listed.is_empty() {
            self.diags
                .warning(
                    "/host",
                    "no `schemes`: a client cannot know the scheme the document was served with; https is assumed",
                )
                .with_hint("add `schemes: [https]`");
            listed.push("https".into());
        }
        listed.sort_by_key(|s| match s.as_str() {
            "https" => 0,
            "http" => 1,
            _ => 2,
        });
        Some(Value::Array(
            listed.into_iter().map(|scheme| json!({ "url": format!("{scheme}://{host}{base_path}") })).collect(),
        ))
    }

    fn paths(&mut self, paths: Value) -> Value {
        let Value::Object(paths) = paths else { return paths };
        let converted = paths
            .into_iter()
            .map(|(path, item)| {
                let at = child("/paths", &path);
                let item = match item {
                    Value::Object(item) if !path.starts_with("x-") => Value::Object(self.path_item(item, &at)),
                    other => other,
                };
                (path, item)
            })
            .collect();
        Value::Object(converted)
    }

    fn path_item(&mut self, item: Map<String, Value>, at: &str) -> Map<String, Value> {
        // Path-level body and form parameters have no place on a 3.0 path item: each operation gets
        // them in its request body (unless it overrides them by name).
        let mut shared = Vec::new();
        let mut payloads = Vec::new();
        if let Some(Value::Array(params)) = item.get("parameters") {
            for (i, param) in params.iter().enumerate() {
                let param_at = child(&child(at, "parameters"), i.to_string());
                match self.payload(param, &param_at) {
                    Some(payload) => payloads.push(payload),
                    None => shared.push((param.clone(), param_at)),
                }
            }
        }
        let mut out = Map::new();
        for (key, value) in item {
            let key_at = child(at, &key);
            match (key.as_str(), value) {
                ("parameters", Value::Array(_)) => {
                    if !shared.is_empty() {
                        let list = self.simple_parameters(std::mem::take(&mut shared), &key_at);
                        out.insert(key, list);
                    }
                }
                ("get" | "put" | "post" | "delete" | "options" | "head" | "patch", Value::Object(op)) => {
                    let op = self.operation(op, &payloads, &key_at);
                    out.insert(key, Value::Object(op));
                }
                (_, value) => {
                    out.insert(key, value);
                }
            }
        }
        out
    }

    /// The parameter as a body or form parameter (its `$ref` followed), or `None` for a simple one.
    fn payload(&mut self, param: &Value, at: &str) -> Option<Payload> {
        let (param, at) = match param.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/parameters/")?;
                let name = unescape(name);
                (self.parameters.get(&name)?, child("/parameters", &name))
            }
            None => (param, at.to_owned()),
        };
        let location = param.get("in").and_then(Value::as_str)?;
        matches!(location, "body" | "formData")
            .then(|| Payload { param: param.as_object().cloned().unwrap_or_default(), at })
    }

    /// A list of simple parameters, each at its new index.
    fn simple_parameters(&mut self, params: Vec<(Value, String)>, out_at: &str) -> Value {
        let list = params
            .into_iter()
            .enumerate()
            .map(|(i, (param, at))| {
                let param_out = child(out_at, i.to_string());
                if param_out != at {
                    self.index_moves.push((param_out.clone(), at.clone()));
                }
                match param {
                    Value::Object(param) => self.parameter(param, &at, &param_out),
                    other => other,
                }
            })
            .collect();
        Value::Array(list)
    }

    fn operation(&mut self, op: Map<String, Value>, shared: &[Payload], at: &str) -> Map<String, Value> {
        let consumes = self.media_types(op.get("consumes"), &child(at, "consumes"));
        let produces = self.media_types(op.get("produces"), &child(at, "produces"));
        let mut simple = Vec::new();
        let mut payloads: Vec<Payload> = Vec::new();
        let mut names: Vec<(String, String)> = Vec::new();
        let mut payload_refs: Vec<Option<String>> = Vec::new();
        if let Some(Value::Array(params)) = op.get("parameters") {
            for (i, param) in params.iter().enumerate() {
                let param_at = child(&child(at, "parameters"), i.to_string());
                match self.payload(param, &param_at) {
                    Some(payload) => {
                        names.push(identity(&payload.param));
                        payload_refs.push(param.get("$ref").and_then(Value::as_str).map(str::to_owned));
                        payloads.push(payload);
                    }
                    None => simple.push((param.clone(), param_at)),
                }
            }
        }
        for payload in shared {
            if !names.contains(&identity(&payload.param)) {
                payload_refs.push(None);
                payloads.push(Payload { param: payload.param.clone(), at: payload.at.clone() });
            }
        }
        let body = self.request_body(payloads, payload_refs, consumes.as_deref(), at);
        let produces = produces.unwrap_or_else(|| self.produces.clone());
        let mut out = Map::new();
        let mut body = Some(body);
        for (key, value) in op {
            let key_at = child(at, &key);
            match key.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    if !simple.is_empty() {
                        let list = self.simple_parameters(std::mem::take(&mut simple), &key_at);
                        out.insert(key, list);
                    }
                    if let Some(Some(body)) = body.take() {
                        out.insert("requestBody".into(), body);
                    }
                }
                "responses" => {
                    let responses = match value {
                        Value::Object(responses) => Value::Object(
                            responses
                                .into_iter()
                                .map(|(code, response)| {
                                    let response_at = child(&key_at, &code);
                                    let converted = if code.starts_with("x-") {
                                        response
                                    } else {
                                        self.operation_response(response, &response_at, &produces)
                                    };
                                    (code, converted)
                                })
                                .collect(),
                        ),
                        other => other,
                    };
                    out.insert(key, responses);
                }
                "schemes" => {
                    if let Some(servers) = self.servers(Some(&value), &key_at) {
                        out.insert("servers".into(), servers);
                        self.moved(&child(at, "servers"), &key_at);
                    }
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        if let Some(Some(body)) = body {
            out.insert("requestBody".into(), body);
        }
        out
    }

    /// An operation's body or form parameters as one request body.
    fn request_body(
        &mut self,
        payloads: Vec<Payload>,
        refs: Vec<Option<String>>,
        consumes: Option<&[String]>,
        op_at: &str,
    ) -> Option<Value> {
        let out_at = child(op_at, "requestBody");
        let (bodies, forms): (Vec<_>, Vec<_>) = payloads
            .into_iter()
            .zip(refs)
            .partition(|(p, _)| p.param.get("in").and_then(Value::as_str) == Some("body"));
        if bodies.len() > 1 {
            self.diags
                .error(&bodies[1].0.at, "an operation can have only one `in: body` parameter")
                .with_hint("describe the whole body with one parameter whose schema has a property for each part");
        }
        if let (Some(_), Some((form, _))) = (bodies.first(), forms.first()) {
            self.diags
                .error(&form.at, "an operation cannot have both an `in: body` and `in: formData` parameters")
                .with_hint("a request has one body: either a JSON (or other) document, or form fields");
        }
        if let Some((body, reference)) = bodies.into_iter().next() {
            let consumes_global = consumes.is_none() || consumes == Some(self.consumes.as_slice());
            // A `$ref` to a top-level body parameter stays a reference (to its request body) when the
            // operation reads the same media types as the document; otherwise it is converted here.
            if let (Some(reference), true) = (reference, consumes_global) {
                let name = reference.trim_start_matches("#/parameters/");
                return Some(json!({ "$ref": format!("#/components/requestBodies/{name}") }));
            }
            let media = consumes.map(<[String]>::to_vec).unwrap_or_else(|| self.consumes.clone());
            self.moved(&out_at, &body.at);
            return Some(self.body(body.param, &body.at, &out_at, &media));
        }
        if forms.is_empty() {
            return None;
        }
        let forms: Vec<Payload> = forms.into_iter().map(|(p, _)| p).collect();
        let media = consumes.map(<[String]>::to_vec).unwrap_or_else(|| self.consumes.clone());
        Some(self.form(forms, &media, &out_at))
    }

    /// An `in: body` parameter as a request body with one media type per entry of `consumes`.
    fn body(&mut self, param: Map<String, Value>, at: &str, out_at: &str, consumes: &[String]) -> Value {
        let mut out = Map::new();
        if let Some(description) = param.get("description") {
            out.insert("description".into(), description.clone());
        }
        let schema = param.get("schema").cloned().unwrap_or_else(|| {
            self.diags
                .warning(at, "an `in: body` parameter without a `schema` accepts any body")
                .with_hint("add a `schema`");
            json!({})
        });
        let examples = param.get("x-examples").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut content = Map::new();
        for media_type in consumes {
            let schema_out = child(&child(&child(out_at, "content"), media_type), "schema");
            let converted = self.schema(schema.clone(), &child(at, "schema"), &schema_out);
            self.moved(&schema_out, &child(at, "schema"));
            let mut entry = Map::new();
            entry.insert("schema".into(), converted);
            if let Some(example) = examples.get(media_type) {
                entry.insert("example".into(), example.clone());
            }
            content.insert(media_type.clone(), Value::Object(entry));
        }
        out.insert("content".into(), Value::Object(content));
        if let Some(required) = param.get("required") {
            out.insert("required".into(), required.clone());
        }
        for (key, value) in &param {
            match key.as_str() {
                "name" => {
                    // The body has no name on the wire; generators read this to name the argument.
                    out.insert("x-codegen-request-body-name".into(), value.clone());
                }
                "x-examples" => {
                    for media_type in
                        value.as_object().into_iter().flat_map(|m| m.keys()).filter(|mt| !consumes.contains(mt))
                    {
                        self.diags.warning(
                            child(&child(at, "x-examples"), media_type),
                            format!("an example for `{media_type}`, which the operation does not consume, is dropped"),
                        );
                    }
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        Value::Object(out)
    }

    /// `in: formData` parameters as one form request body: an object schema with a property per
    /// parameter, for each form media type the operation consumes (multipart when a file is sent and
    /// none is listed, urlencoded otherwise).
    fn form(&mut self, params: Vec<Payload>, consumes: &[String], out_at: &str) -> Value {
        let has_file = params.iter().any(|p| p.param.get("type").and_then(Value::as_str) == Some("file"));
        let mut media: Vec<String> =
            consumes.iter().filter(|mt| mt.as_str() == FORM_URLENCODED || mt.as_str() == MULTIPART).cloned().collect();
        if media.is_empty() {
            media.push(if has_file { MULTIPART } else { FORM_URLENCODED }.to_owned());
        }
        let mut bodies = Map::new();
        let mut any_required = false;
        for media_type in &media {
            let schema_at = child(&child(&child(out_at, "content"), media_type), "schema");
            let mut properties = Map::new();
            let mut required = Vec::new();
            let mut encoding = Map::new();
            for payload in &params {
                let Some(name) = payload.param.get("name").and_then(Value::as_str).map(str::to_owned) else {
                    self.diags.error(&payload.at, "a form parameter needs a `name`");
                    continue;
                };
                let property_at = child(&child(&schema_at, "properties"), &name);
                self.moved(&property_at, &payload.at);
                if media_type == FORM_URLENCODED && payload.param.get("type").and_then(Value::as_str) == Some("file") {
                    self.diags
                        .warning(
                            &payload.at,
                            "a file cannot be sent in an `application/x-www-form-urlencoded` body; it is sent as a string",
                        )
                        .with_hint("list `multipart/form-data` in `consumes`");
                }
                let mut property = Map::new();
                let mut schema = self.simple_schema(&payload.param, &payload.at, &property_at);
                if let Some(description) = payload.param.get("description") {
                    property.insert("description".into(), description.clone());
                }
                property.append(&mut schema);
                for (key, value) in &payload.param {
                    match key.as_str() {
                        "x-example" => {
                            property.insert("example".into(), value.clone());
                        }
                        "allowEmptyValue" => {
                            self.diags.warning(
                                child(&payload.at, "allowEmptyValue"),
                                "`allowEmptyValue` has no OpenAPI 3.0 form on a form field; it is dropped",
                            );
                        }
                        k if k.starts_with("x-") && k != "x-nullable" => {
                            property.insert(key.clone(), value.clone());
                        }
                        _ => {}
                    }
                }
                if let Some((style, explode)) = self.style(&payload.param, "formData", &payload.at) {
                    encoding.insert(name.clone(), json!({ "style": style, "explode": explode }));
                }
                if payload.param.get("required") == Some(&Value::Bool(true)) {
                    required.push(Value::String(name.clone()));
                    any_required = true;
                }
                properties.insert(name, Value::Object(property));
            }
            let mut schema = Map::new();
            schema.insert("type".into(), json!("object"));
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required));
            }
            let mut entry = Map::new();
            entry.insert("schema".into(), Value::Object(schema));
            if !encoding.is_empty() {
                entry.insert("encoding".into(), Value::Object(encoding));
            }
            bodies.insert(media_type.clone(), Value::Object(entry));
        }
        let mut out = Map::new();
        out.insert("content".into(), Value::Object(bodies));
        if any_required {
            out.insert("required".into(), json!(true));
        }
        Value::Object(out)
    }

    /// Top-level `parameters`: simple ones become `components/parameters`, body ones
    /// `components/requestBodies` (form ones are inlined where they are used).
    fn top_level_parameters(&mut self, parameters: Map<String, Value>) -> (Map<String, Value>, Map<String, Value>) {
        let mut params = Map::new();
        let mut bodies = Map::new();
        let consumes = self.consumes.clone();
        for (name, param) in parameters {
            let at = child("/parameters", &name);
            let Value::Object(param) = param else {
                params.insert(name, param);
                continue;
            };
            match param.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let out_at = child("/components/requestBodies", &name);
                    self.moved(&out_at, &at);
                    let body = self.body(param, &at, &out_at, &consumes);
                    bodies.insert(name, body);
                }
                Some("formData") => {}
                _ => {
                    let out_at = child("/components/parameters", &name);
                    self.moved(&out_at, &at);
                    let converted = self.parameter(param, &at, &out_at);
                    params.insert(name, converted);
                }
            }
        }
        (params, bodies)
    }

    /// A simple (path, query, header) parameter: its value keywords move into a `schema`,
    /// `collectionFormat` becomes `style`/`explode`, `x-example` becomes `example`.
    fn parameter(&mut self, param: Map<String, Value>, at: &str, out_at: &str) -> Value {
        if let Some(reference) = param.get("$ref").and_then(Value::as_str) {
            return json!({ "$ref": self.reference(reference) });
        }
        let location = param.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
        let schema_at = child(out_at, "schema");
        let mut schema = self.simple_schema(&param, at, &schema_at);
        if let Some(explicit) = param.get("schema") {
            // Not 2.0, but a common 3.0 habit; read as meant.
            let converted = self.schema(explicit.clone(), &child(at, "schema"), &schema_at);
            if let Value::Object(mut explicit) = converted {
                explicit.append(&mut schema);
                schema = explicit;
            }
        } else {
            self.moved(&schema_at, at);
        }
        let style = self.style(&param, &location, at);
        let mut out = Map::new();
        for (key, value) in param {
            match key.as_str() {
                "schema" | "collectionFormat" | "x-nullable" => {}
                k if SCHEMA_KEYWORDS.contains(&k) => {}
                "x-example" => {
                    out.insert("example".into(), value);
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        if let Some((style, explode)) = style {
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        if schema.is_empty() && !out.contains_key("content") {
            // 2.0 requires a `type`; without one the value is still text on the wire.
            schema.insert("type".into(), json!("string"));
            let name = out.get("name").and_then(Value::as_str).unwrap_or_default();
            self.diags
                .warning(at, format!("parameter `{name}` has no `type`; read as `type: string` (a {location} parameter's value is text)"))
                .with_hint("give the parameter a `type`");
        }
        out.insert("schema".into(), Value::Object(schema));
        Value::Object(out)
    }

    /// The schema of a simple parameter, header or items object, built from its value keywords.
    fn simple_schema(&mut self, node: &Map<String, Value>, at: &str, out_at: &str) -> Map<String, Value> {
        let mut schema = Map::new();
        for keyword in SCHEMA_KEYWORDS {
            let Some(value) = node.get(*keyword) else { continue };
            let value = match *keyword {
                "items" => match value {
                    Value::Object(items) => {
                        let items_at = child(at, "items");
                        let items_out = child(out_at, "items");
                        self.moved(&items_out, &items_at);
                        if let Some(format) = items.get("collectionFormat").and_then(Value::as_str) {
                            if format != "csv" || node.get("type").and_then(Value::as_str) != Some("array") {
                                self.diags.warning(
                                    child(&items_at, "collectionFormat"),
                                    format!("`collectionFormat: {format}` on nested items has no OpenAPI 3.0 form; the inner lists are sent as the outer one is"),
                                );
                            }
                        }
                        if items.contains_key("$ref") {
                            Value::Object(self.schema_map(items.clone(), &items_at, &items_out))
                        } else {
                            Value::Object(self.simple_schema(items, &items_at, &items_out))
                        }
                    }
                    other => other.clone(),
                },
                "type" if value == "file" => {
                    schema.insert("format".into(), json!("binary"));
                    json!("string")
                }
                "format" if schema.get("format") == Some(&json!("binary")) => continue,
                _ => value.clone(),
            };
            schema.insert((*keyword).to_owned(), value);
        }
        if node.get("type").and_then(Value::as_str) == Some("file")
            && node.get("in").and_then(Value::as_str).is_some_and(|l| l != "formData")
        {
            self.diags.warning(
                child(at, "type"),
                "`type: file` is only for `in: formData` parameters; it is read as a binary string",
            );
        }
        if node.get("x-nullable") == Some(&Value::Bool(true)) {
            schema.insert("nullable".into(), json!(true));
        }
        schema
    }

    /// `collectionFormat` as 3.0's `style` and `explode`, for an array parameter in `location`.
    fn style(&mut self, param: &Map<String, Value>, location: &str, at: &str) -> Option<(&'static str, bool)> {
        if param.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        let format = param.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
        let format_at = child(at, "collectionFormat");
        let form = matches!(location, "query" | "formData");
        Some(match (format, form) {
            ("csv", true) => ("form", false),
            ("multi", true) => ("form", true),
            ("ssv", true) => ("spaceDelimited", false),
            ("pipes", true) => ("pipeDelimited", false),
            ("csv", false) => ("simple", false),
            ("tsv", _) => {
                self.diags
                    .warning(
                        format_at,
                        "`collectionFormat: tsv` (tab-separated) has no OpenAPI 3.0 form; the values are sent comma-separated",
                    )
                    .with_hint("use `csv`, or `multi` to repeat the parameter, if the server accepts it");
                if form {
                    ("form", false)
                } else {
                    ("simple", false)
                }
            }
            (other, _) => {
                self.diags
                    .warning(
                        format_at,
                        format!("`collectionFormat: {other}` has no OpenAPI 3.0 form for an `in: {location}` parameter; the values are sent comma-separated"),
                    )
                    .with_hint("use `csv`");
                if form {
                    ("form", false)
                } else {
                    ("simple", false)
                }
            }
        })
    }

    /// A response of an operation: `$ref`s to top-level responses stay references unless the
    /// operation produces other media types than the document, in which case it is converted here.
    fn operation_response(&mut self, response: Value, at: &str, produces: &[String]) -> Value {
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            if produces != self.produces.as_slice() {
                if let Some(name) = reference.strip_prefix("#/responses/") {
                    let name = unescape(name);
                    if let Some(target) = self.responses.get(&name).cloned() {
                        if target.get("schema").is_some() || target.get("examples").is_some() {
                            let target_at = child("/responses", &name);
                            self.moved(at, &target_at);
                            return self.response(target, &target_at, at, produces);
                        }
                    }
                }
            }
            return json!({ "$ref": self.reference(reference) });
        }
        self.response(response, at, at, produces)
    }

    /// A 2.0 response: its `schema` under each of `produces`, `examples` on their media types,
    /// `headers` with schemas.
    fn response(&mut self, response: Value, at: &str, out_at: &str, produces: &[String]) -> Value {
        let Value::Object(response) = response else { return response };
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            return json!({ "$ref": self.reference(reference) });
        }
        let mut out = Map::new();
        let mut content = Map::new();
        if let Some(schema) = response.get("schema") {
            for media_type in produces {
                let schema_out = child(&child(&child(out_at, "content"), media_type), "schema");
                self.moved(&schema_out, &child(at, "schema"));
                let converted = self.schema(schema.clone(), &child(at, "schema"), &schema_out);
                content.insert(media_type.clone(), json!({ "schema": converted }));
            }
        }
        if let Some(Value::Object(examples)) = response.get("examples") {
            for (media_type, example) in examples {
                let example_out = child(&child(&child(out_at, "content"), media_type), "example");
                self.moved(&example_out, &child(&child(at, "examples"), media_type));
                let entry = content.entry(media_type.clone()).or_insert_with(|| {
                    let mut entry = Map::new();
                    if let Some(schema) = response.get("schema") {
                        entry.insert("schema".into(), schema.clone());
                    }
                    Value::Object(entry)
                });
                if let Value::Object(entry) = entry {
                    entry.insert("example".into(), example.clone());
                }
            }
        }
        // A schema written after a converted one (the examples entry above) still needs converting.
        for (media_type, entry) in content.iter_mut() {
            if !produces.contains(media_type) {
                if let Some(schema) = entry.get_mut("schema") {
                    let schema_out = child(&child(&child(out_at, "content"), media_type), "schema");
                    self.moved(&schema_out, &child(at, "schema"));
                    *schema = self.schema(schema.take(), &child(at, "schema"), &schema_out);
                }
            }
        }
        for (key, value) in response {
            match key.as_str() {
                "schema" | "examples" => {}
                "headers" => {
                    let headers_at = child(at, "headers");
                    let headers_out = child(out_at, "headers");
                    let headers = match value {
                        Value::Object(headers) => Value::Object(
                            headers
                                .into_iter()
                                .map(|(name, header)| {
                                    let header_at = child(&headers_at, &name);
                                    let header_out = child(&headers_out, &name);
                                    self.moved(&header_out, &header_at);
                                    (name, self.header(header, &header_at, &header_out))
                                })
                                .collect(),
                        ),
                        other => other,
                    };
                    out.insert(key, headers);
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        if !content.is_empty() {
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    /// A 2.0 response header: its value keywords move into a `schema`.
    fn header(&mut self, header: Value, at: &str, out_at: &str) -> Value {
        let Value::Object(header) = header else { return header };
        let schema_out = child(out_at, "schema");
        self.moved(&schema_out, at);
        let schema = self.simple_schema(&header, at, &schema_out);
        if header.get("type").and_then(Value::as_str) == Some("array") {
            if let Some(format) = header.get("collectionFormat").and_then(Value::as_str).filter(|f| *f != "csv") {
                self.diags.warning(
                    child(at, "collectionFormat"),
                    format!(
                        "`collectionFormat: {format}` has no OpenAPI 3.0 form for a header; it is read comma-separated"
                    ),
                );
            }
        }
        let mut out = Map::new();
        for (key, value) in header {
            match key.as_str() {
                "collectionFormat" | "x-nullable" => {}
                k if SCHEMA_KEYWORDS.contains(&k) => {}
                "x-example" => {
                    out.insert("example".into(), value);
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        out.insert("schema".into(), Value::Object(schema));
        Value::Object(out)
    }

    fn security_scheme(&mut self, scheme: Value, at: &str, out_at: &str) -> Value {
        let Value::Object(scheme) = scheme else { return scheme };
        let kind = scheme.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut out = Map::new();
        match kind.as_str() {
            "basic" => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            "apiKey" => {
                out.insert("type".into(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(value) = scheme.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
            }
            "oauth2" => {
                out.insert("type".into(), json!("oauth2"));
                let flow = scheme.get("flow").and_then(Value::as_str).unwrap_or_default();
                let (name, urls): (&str, &[&str]) = match flow {
                    "implicit" => ("implicit", &["authorizationUrl"]),
                    "password" => ("password", &["tokenUrl"]),
                    "application" => ("clientCredentials", &["tokenUrl"]),
                    "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    other => {
                        self.diags
                            .error(child(at, "flow"), format!("unknown OAuth2 flow `{other}`"))
                            .with_hint("Swagger 2.0 flows are implicit, password, application and accessCode");
                        return Value::Object(scheme);
                    }
                };
                let mut converted = Map::new();
                for url in urls {
                    if let Some(value) = scheme.get(*url) {
                        converted.insert((*url).to_owned(), value.clone());
                    }
                }
                converted.insert("scopes".into(), scheme.get("scopes").cloned().unwrap_or_else(|| json!({})));
                self.moved(&child(&child(out_at, "flows"), name), at);
                out.insert("flows".into(), json!({ name: converted }));
            }
            other => {
                self.diags
                    .error(child(at, "type"), format!("unknown security scheme type `{other}`"))
                    .with_hint("Swagger 2.0 security schemes are basic, apiKey and oauth2");
                return Value::Object(scheme);
            }
        }
        for (key, value) in scheme {
            if key == "description" || key.starts_with("x-") {
                out.insert(key, value);
            }
        }
        Value::Object(out)
    }

    /// A 2.0 schema, recursively: `$ref`s rewritten, `x-nullable` as `nullable`, a string
    /// `discriminator` as an object, `type: file` as a binary string.
    fn schema(&mut self, schema: Value, at: &str, out_at: &str) -> Value {
        match schema {
            Value::Object(map) => Value::Object(self.schema_map(map, at, out_at)),
            other => other,
        }
    }

    fn schema_map(&mut self, schema: Map<String, Value>, at: &str, out_at: &str) -> Map<String, Value> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let reference = json!({ "$ref": self.reference(reference) });
            // 3.0 ignores a `$ref`'s siblings: a nullable reference is a nullable `allOf` of it.
            if schema.get("x-nullable") == Some(&Value::Bool(true)) {
                self.moved(&child(out_at, "allOf"), at);
                let mut out = Map::new();
                out.insert("allOf".into(), json!([reference]));
                out.insert("nullable".into(), json!(true));
                return out;
            }
            return reference.as_object().cloned().unwrap_or_default();
        }
        let mut out = Map::new();
        for (key, value) in schema {
            let key_at = child(at, &key);
            let key_out = child(out_at, &key);
            match key.as_str() {
                "x-nullable" => {
                    if value == Value::Bool(true) {
                        out.insert("nullable".into(), json!(true));
                    }
                }
                "discriminator" => match value {
                    Value::String(property) => {
                        out.insert(key, json!({ "propertyName": property }));
                    }
                    other => {
                        out.insert(key, other);
                    }
                },
                "type" if value == "file" => {
                    out.insert(key, json!("string"));
                    out.insert("format".into(), json!("binary"));
                }
                "format" if out.get("format") == Some(&json!("binary")) => {}
                "properties" => {
                    let value = match value {
                        Value::Object(properties) => Value::Object(
                            properties
                                .into_iter()
                                .map(|(name, property)| {
                                    let property =
                                        self.schema(property, &child(&key_at, &name), &child(&key_out, &name));
                                    (name, property)
                                })
                                .collect(),
                        ),
                        other => other,
                    };
                    out.insert(key, value);
                }
                "items" | "additionalProperties" | "not" if !value.is_array() => {
                    let value = self.schema(value, &key_at, &key_out);
                    out.insert(key, value);
                }
                // `items` as a list (the tuple form of JSON Schema drafts, not 2.0): its `$ref`s are
                // rewritten here; `lenient` reads the list.
                "allOf" | "anyOf" | "oneOf" | "items" => {
                    let value = match value {
                        Value::Array(list) => Value::Array(
                            list.into_iter()
                                .enumerate()
                                .map(|(i, s)| {
                                    self.schema(s, &child(&key_at, i.to_string()), &child(&key_out, i.to_string()))
                                })
                                .collect(),
                        ),
                        other => other,
                    };
                    out.insert(key, value);
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        out
    }

    /// A local `$ref` into a 2.0 section, pointed at the 3.0 section it moved to.
    fn reference(&self, reference: &str) -> String {
        if let Some(rest) = reference.strip_prefix("#/definitions/") {
            return format!("#/components/schemas/{rest}");
        }
        if let Some(rest) = reference.strip_prefix("#/responses/") {
            return format!("#/components/responses/{rest}");
        }
        if let Some(rest) = reference.strip_prefix("#/parameters/") {
            let name = unescape(rest.split('/').next().unwrap_or_default());
            let section = match self.parameters.get(&name).and_then(|p| p.get("in")).and_then(Value::as_str) {
                Some("body") => "requestBodies",
                _ => "parameters",
            };
            return format!("#/components/{section}/{rest}");
        }
        reference.to_owned()
    }
}

/// A parameter's `(in, name)`, what an operation's parameter overrides a path's by.
fn identity(param: &Map<String, Value>) -> (String, String) {
    let text = |key: &str| param.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    (text("in"), text("name"))
}

/// One JSON pointer token, unescaped (RFC 6901).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    /// A 2.0 document with `extra` merged in.
    fn doc(extra: Value) -> Value {
        let mut doc = json!({ "swagger": "2.0", "info": { "title": "t", "version": "1" }, "paths": {} });
        if let (Value::Object(doc), Value::Object(extra)) = (&mut doc, extra) {
            doc.extend(extra);
        }
        doc
    }

    /// The converted document and its diagnostics as `(severity, pointer)` pairs.
    fn convert(input: Value) -> (Value, Vec<(Severity, String)>, Vec<Move>) {
        let mut diags = Diagnostics::new("api.yaml");
        let (out, moves) = convert_document(input, &mut diags);
        let found = diags.items().iter().map(|d| (d.severity, d.pointer.clone())).collect();
        (out, found, moves)
    }

    /// The operation `post /x` of a document with these operation keywords and document keywords.
    fn post(op: Value, extra: Value) -> (Value, Vec<(Severity, String)>) {
        let mut input = doc(extra);
        input["paths"] = json!({ "/x": { "post": op } });
        let (out, diags, _) = convert(input);
        (out["paths"]["/x"]["post"].clone(), diags)
    }

    fn warning(pointer: &str) -> (Severity, String) {
        (Severity::Warning, pointer.to_owned())
    }

    #[test]
    fn the_document_shell_becomes_3_0_3() {
        let input = doc(json!({
            "tags": [{ "name": "a" }], "externalDocs": { "url": "https://d" }, "x-logo": 1,
            "consumes": ["application/json"], "produces": ["application/json"],
        }));
        let (out, diags, _) = convert(input);
        assert_eq!(
            out,
            json!({
                "openapi": "3.0.3", "info": { "title": "t", "version": "1" },
                "tags": [{ "name": "a" }], "externalDocs": { "url": "https://d" }, "x-logo": 1, "paths": {},
            })
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn host_base_path_and_schemes_become_servers_https_first() {
        let (out, diags, moves) =
            convert(doc(json!({ "host": "api.x.io", "basePath": "/v1/", "schemes": ["http", "https"] })));
        assert_eq!(out["servers"], json!([{ "url": "https://api.x.io/v1" }, { "url": "http://api.x.io/v1" }]));
        assert!(diags.is_empty());
        assert!(moves.contains(&("/servers".to_owned(), "/host".to_owned())));
        // No host: a server relative to the document.
        let (out, _, _) = convert(doc(json!({ "basePath": "/api" })));
        assert_eq!(out["servers"], json!([{ "url": "/api" }]));
        // No schemes: https, with a warning at the host.
        let (out, diags, _) = convert(doc(json!({ "host": "h" })));
        assert_eq!(out["servers"], json!([{ "url": "https://h" }]));
        assert_eq!(diags, vec![warning("/host")]);
        // Neither: no servers.
        assert!(convert(doc(json!({}))).0.get("servers").is_none());
    }

    #[test]
    fn definitions_become_component_schemas_and_refs_follow() {
        let (out, diags, moves) = convert(doc(json!({
            "definitions": {
                "Pet": { "type": "object", "properties": { "tag": { "$ref": "#/definitions/Tag" } } },
                "Tag": { "type": "array", "items": { "$ref": "#/definitions/Pet/properties/tag" } },
            },
        })));
        assert_eq!(
            out["components"]["schemas"],
            json!({
                "Pet": { "type": "object", "properties": { "tag": { "$ref": "#/components/schemas/Tag" } } },
                "Tag": { "type": "array", "items": { "$ref": "#/components/schemas/Pet/properties/tag" } },
            })
        );
        assert!(out.get("definitions").is_none());
        assert!(diags.is_empty());
        assert!(moves.contains(&("/components/schemas/Pet".to_owned(), "/definitions/Pet".to_owned())));
    }

    #[test]
    fn schema_keywords_x_nullable_discriminator_file_read_only() {
        let (out, _, _) = convert(doc(json!({
            "definitions": {
                "A": {
                    "type": "object", "discriminator": "kind", "x-nullable": true,
                    "properties": {
                        "kind": { "type": "string", "readOnly": true },
                        "b": { "$ref": "#/definitions/B", "x-nullable": true },
                        "c": { "type": "string", "x-nullable": false },
                        "f": { "type": "file" },
                    },
                    "additionalProperties": { "allOf": [{ "$ref": "#/definitions/B" }] },
                },
            },
        })));
        assert_eq!(
            out["components"]["schemas"]["A"],
            json!({
                "type": "object", "discriminator": { "propertyName": "kind" }, "nullable": true,
                "properties": {
                    "kind": { "type": "string", "readOnly": true },
                    "b": { "allOf": [{ "$ref": "#/components/schemas/B" }], "nullable": true },
                    "c": { "type": "string" },
                    "f": { "type": "string", "format": "binary" },
                },
                "additionalProperties": { "allOf": [{ "$ref": "#/components/schemas/B" }] },
            })
        );
    }

    #[test]
    fn a_body_parameter_becomes_a_request_body_per_consumed_media_type() {
        let op = json!({
            "consumes": ["application/json", "application/xml"],
            "parameters": [
                { "name": "q", "in": "query", "type": "string" },
                { "name": "pet", "in": "body", "required": true, "description": "d", "x-k": 1,
                  "schema": { "$ref": "#/definitions/Pet" }, "x-examples": { "application/json": { "a": 1 } } },
            ],
            "responses": {},
        });
        let (op, diags) = post(op, json!({}));
        let schema = json!({ "$ref": "#/components/schemas/Pet" });
        assert_eq!(
            op,
            json!({
                "parameters": [{ "name": "q", "in": "query", "schema": { "type": "string" } }],
                "requestBody": {
                    "description": "d",
                    "content": {
                        "application/json": { "schema": schema, "example": { "a": 1 } },
                        "application/xml": { "schema": schema },
                    },
                    "required": true, "x-codegen-request-body-name": "pet", "x-k": 1,
                },
                "responses": {},
            })
        );
        assert!(diags.is_empty());
        // Without any `consumes`: JSON.
        let (op, _) = post(json!({ "parameters": [{ "name": "b", "in": "body", "schema": {} }] }), json!({}));
        assert_eq!(op["requestBody"]["content"], json!({ "application/json": { "schema": {} } }));
        // The document's `consumes` when the operation has none.
        let (op, _) = post(
            json!({ "parameters": [{ "name": "b", "in": "body", "schema": {} }] }),
            json!({ "consumes": ["text/plain"] }),
        );
        assert_eq!(op["requestBody"]["content"], json!({ "text/plain": { "schema": {} } }));
    }

    #[test]
    fn a_body_parameter_moves_with_its_origin() {
        let op = json!({ "parameters": [
            { "name": "b", "in": "body", "schema": { "type": "object" } },
            { "name": "q", "in": "query", "type": "string" },
        ] });
        let mut input = doc(json!({}));
        input["paths"] = json!({ "/x": { "post": op } });
        let (_, _, moves) = convert(input);
        let moved = |out: &str, from: &str| moves.contains(&(out.to_owned(), from.to_owned()));
        assert!(moved("/paths/~1x/post/requestBody", "/paths/~1x/post/parameters/0"), "{moves:?}");
        assert!(moved(
            "/paths/~1x/post/requestBody/content/application~1json/schema",
            "/paths/~1x/post/parameters/0/schema"
        ));
        assert!(moved("/paths/~1x/post/parameters/0", "/paths/~1x/post/parameters/1"));
    }

    #[test]
    fn form_data_parameters_become_a_form_body() {
        let op = json!({
            "consumes": ["multipart/form-data"],
            "parameters": [
                { "name": "file", "in": "formData", "type": "file", "required": true, "description": "f" },
                { "name": "note", "in": "formData", "type": "string", "maxLength": 3, "x-example": "hi" },
                { "name": "ids", "in": "formData", "type": "array", "items": { "type": "integer" } },
                { "name": "e", "in": "formData", "type": "string", "allowEmptyValue": true },
            ],
        });
        let (op, diags) = post(op, json!({}));
        assert_eq!(
            op["requestBody"],
            json!({
                "content": { "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": { "description": "f", "type": "string", "format": "binary" },
                            "note": { "type": "string", "maxLength": 3, "example": "hi" },
                            "ids": { "type": "array", "items": { "type": "integer" } },
                            "e": { "type": "string" },
                        },
                        "required": ["file"],
                    },
                    "encoding": { "ids": { "style": "form", "explode": false } },
                } },
                "required": true,
            })
        );
        assert!(op.get("parameters").is_none());
        assert_eq!(diags, vec![warning("/paths/~1x/post/parameters/3/allowEmptyValue")]);
        // Without a form media type in `consumes`: urlencoded, or multipart when a file is sent.
        let plain = json!({ "parameters": [{ "name": "a", "in": "formData", "type": "string" }] });
        let (op, _) = post(plain, json!({}));
        assert!(op["requestBody"]["content"].get(FORM_URLENCODED).is_some(), "{op}");
        let file = json!({ "parameters": [{ "name": "a", "in": "formData", "type": "file" }] });
        let (op, _) = post(file, json!({}));
        assert!(op["requestBody"]["content"].get(MULTIPART).is_some(), "{op}");
        // `multi` is the form default (explode).
        let multi = json!({ "parameters": [
            { "name": "a", "in": "formData", "type": "array", "items": { "type": "string" }, "collectionFormat": "multi" },
        ] });
        let (op, _) = post(multi, json!({}));
        assert_eq!(
            op["requestBody"]["content"][FORM_URLENCODED]["encoding"],
            json!({ "a": { "style": "form", "explode": true } })
        );
    }

    #[test]
    fn a_file_in_a_urlencoded_form_is_a_warning() {
        let op =
            json!({ "consumes": [FORM_URLENCODED], "parameters": [{ "name": "a", "in": "formData", "type": "file" }] });
        let (_, diags) = post(op, json!({}));
        assert_eq!(diags, vec![warning("/paths/~1x/post/parameters/0")]);
    }

    #[test]
    fn body_and_form_data_together_or_two_bodies_are_errors() {
        let op = json!({ "parameters": [
            { "name": "b", "in": "body", "schema": {} },
            { "name": "f", "in": "formData", "type": "string" },
            { "name": "c", "in": "body", "schema": {} },
        ] });
        let (_, diags) = post(op, json!({}));
        assert_eq!(
            diags,
            vec![
                (Severity::Error, "/paths/~1x/post/parameters/2".to_owned()),
                (Severity::Error, "/paths/~1x/post/parameters/1".to_owned()),
            ]
        );
    }

    #[test]
    fn simple_parameters_get_a_schema() {
        let op = json!({ "parameters": [{
            "name": "n", "in": "query", "required": true, "description": "d", "type": "integer", "format": "int32",
            "minimum": 1, "maximum": 5, "exclusiveMaximum": true, "default": 2, "enum": [1, 2], "multipleOf": 1,
            "allowEmptyValue": true, "x-nullable": true, "x-example": 3, "x-k": true,
        }, {
            "name": "s", "in": "header", "type": "string", "pattern": "^a", "minLength": 1, "maxLength": 2,
        }] });
        let (op, diags) = post(op, json!({}));
        assert_eq!(
            op["parameters"],
            json!([{
                "name": "n", "in": "query", "required": true, "description": "d", "allowEmptyValue": true,
                "example": 3, "x-k": true,
                "schema": {
                    "type": "integer", "format": "int32", "default": 2, "maximum": 5, "exclusiveMaximum": true,
                    "minimum": 1, "enum": [1, 2], "multipleOf": 1, "nullable": true,
                },
            }, {
                "name": "s", "in": "header",
                "schema": { "type": "string", "maxLength": 2, "minLength": 1, "pattern": "^a" },
            }])
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn a_simple_parameter_without_a_type_is_a_string() {
        // Docusign Rooms: `{in: query, name: sort, description: ...}`, nothing else.
        let op = json!({ "parameters": [
            { "name": "body", "in": "body", "schema": { "type": "object" } },
            { "name": "sort", "in": "query", "description": "d" },
        ] });
        let (op, diags) = post(op, json!({}));
        assert_eq!(
            op["parameters"],
            json!([{ "name": "sort", "in": "query", "description": "d", "schema": { "type": "string" } }])
        );
        // At the pointer the user wrote, not the parameter's new index.
        assert_eq!(diags, [warning("/paths/~1x/post/parameters/1")]);
    }

    #[test]
    fn references_inside_an_items_list_are_rewritten() {
        // Slack's `items: [...]` (read as a union by `lenient`); its `$ref`s must name components.
        let input = doc(json!({ "definitions": {
            "A": { "items": [{ "$ref": "#/definitions/B" }, { "type": "null" }] },
            "B": { "type": "string" },
        } }));
        let (out, diags, _) = convert(input);
        assert_eq!(out["components"]["schemas"]["A"]["items"][0], json!({ "$ref": "#/components/schemas/B" }));
        assert!(diags.is_empty());
    }

    #[test]
    fn collection_formats_become_styles() {
        let param = |location: &str, format: Option<&str>| {
            let mut p = json!({ "name": "a", "in": location, "required": true, "type": "array",
                "items": { "type": "string", "minLength": 1 } });
            if let Some(format) = format {
                p["collectionFormat"] = json!(format);
            }
            let (op, diags) = post(json!({ "parameters": [p] }), json!({}));
            let p = &op["parameters"][0];
            assert_eq!(p["schema"], json!({ "type": "array", "items": { "type": "string", "minLength": 1 } }));
            (p["style"].clone(), p["explode"].clone(), diags.len())
        };
        assert_eq!(param("query", None), (json!("form"), json!(false), 0));
        assert_eq!(param("query", Some("csv")), (json!("form"), json!(false), 0));
        assert_eq!(param("query", Some("multi")), (json!("form"), json!(true), 0));
        assert_eq!(param("query", Some("ssv")), (json!("spaceDelimited"), json!(false), 0));
        assert_eq!(param("query", Some("pipes")), (json!("pipeDelimited"), json!(false), 0));
        assert_eq!(param("query", Some("tsv")), (json!("form"), json!(false), 1));
        assert_eq!(param("path", None), (json!("simple"), json!(false), 0));
        assert_eq!(param("header", Some("csv")), (json!("simple"), json!(false), 0));
        assert_eq!(param("header", Some("pipes")), (json!("simple"), json!(false), 1));
        assert_eq!(param("path", Some("multi")), (json!("simple"), json!(false), 1));
    }

    #[test]
    fn nested_collection_formats_are_a_warning() {
        let op = json!({ "parameters": [{ "name": "a", "in": "query", "type": "array", "collectionFormat": "multi",
            "items": { "type": "array", "collectionFormat": "pipes", "items": { "type": "string" } } }] });
        let (op, diags) = post(op, json!({}));
        assert_eq!(diags, vec![warning("/paths/~1x/post/parameters/0/items/collectionFormat")]);
        assert_eq!(op["parameters"][0]["schema"]["items"], json!({ "type": "array", "items": { "type": "string" } }));
    }

    #[test]
    fn a_file_outside_form_data_is_a_warning() {
        let op = json!({ "parameters": [{ "name": "a", "in": "query", "type": "file" }] });
        let (op, diags) = post(op, json!({}));
        assert_eq!(op["parameters"][0]["schema"], json!({ "type": "string", "format": "binary" }));
        assert_eq!(diags, vec![warning("/paths/~1x/post/parameters/0/type")]);
    }

    #[test]
    fn responses_get_content_per_produced_media_type_headers_and_examples() {
        let op = json!({
            "produces": ["application/json", "text/csv"],
            "responses": {
                "200": {
                    "description": "ok", "x-r": 1,
                    "schema": { "$ref": "#/definitions/Pet" },
                    "headers": { "X-Rate": { "type": "array", "items": { "type": "integer" }, "description": "r", "x-example": [1] } },
                    "examples": { "application/json": { "id": 1 }, "application/xml": "<a/>" },
                },
                "204": { "description": "none" },
                "404": { "description": "file", "schema": { "type": "file" } },
            },
        });
        let (op, diags) = post(op, json!({}));
        let pet = json!({ "$ref": "#/components/schemas/Pet" });
        let file = json!({ "type": "string", "format": "binary" });
        assert_eq!(
            op["responses"],
            json!({
                "200": {
                    "description": "ok", "x-r": 1,
                    "headers": { "X-Rate": { "description": "r", "example": [1],
                        "schema": { "type": "array", "items": { "type": "integer" } } } },
                    "content": {
                        "application/json": { "schema": pet, "example": { "id": 1 } },
                        "text/csv": { "schema": pet },
                        "application/xml": { "schema": pet, "example": "<a/>" },
                    },
                },
                "204": { "description": "none" },
                "404": { "description": "file", "content": { "application/json": { "schema": file }, "text/csv": { "schema": file } } },
            })
        );
        assert!(diags.is_empty());
        // The document's `produces`, else JSON.
        let op = json!({ "responses": { "200": { "description": "ok", "schema": { "type": "string" } } } });
        let (out, _) = post(op.clone(), json!({ "produces": ["text/plain"] }));
        assert!(out["responses"]["200"]["content"].get("text/plain").is_some(), "{out}");
        let (out, _) = post(op, json!({}));
        assert!(out["responses"]["200"]["content"].get("application/json").is_some(), "{out}");
    }

    #[test]
    fn top_level_parameters_and_responses_become_components_and_refs_follow() {
        let mut input = doc(json!({
            "parameters": {
                "limit": { "name": "limit", "in": "query", "type": "integer", "maximum": 10 },
                "pet": { "name": "pet", "in": "body", "schema": { "$ref": "#/definitions/Pet" } },
                "note": { "name": "note", "in": "formData", "type": "string" },
            },
            "responses": { "Err": { "description": "e", "schema": { "$ref": "#/definitions/Err" } } },
        }));
        input["paths"] = json!({
            "/a": { "post": {
                "parameters": [{ "$ref": "#/parameters/limit" }, { "$ref": "#/parameters/pet" }],
                "responses": { "default": { "$ref": "#/responses/Err" } },
            } },
            "/b": { "post": { "parameters": [{ "$ref": "#/parameters/note" }], "responses": {} } },
            "/c": { "post": {
                "produces": ["text/plain"],
                "responses": { "default": { "$ref": "#/responses/Err" } },
            } },
        });
        let (out, diags, moves) = convert(input);
        assert!(diags.is_empty(), "{diags:?}");
        let components = &out["components"];
        assert_eq!(
            components["parameters"],
            json!({ "limit": { "name": "limit", "in": "query", "schema": { "type": "integer", "maximum": 10 } } })
        );
        assert_eq!(
            components["requestBodies"]["pet"]["content"],
            json!({ "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } })
        );
        assert_eq!(
            components["responses"]["Err"],
            json!({ "description": "e", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Err" } } } })
        );
        let a = &out["paths"]["/a"]["post"];
        assert_eq!(a["parameters"], json!([{ "$ref": "#/components/parameters/limit" }]));
        assert_eq!(a["requestBody"], json!({ "$ref": "#/components/requestBodies/pet" }));
        assert_eq!(a["responses"]["default"], json!({ "$ref": "#/components/responses/Err" }));
        // A form parameter is inlined where it is used.
        assert_eq!(
            out["paths"]["/b"]["post"]["requestBody"]["content"][FORM_URLENCODED]["schema"]["properties"],
            json!({ "note": { "type": "string" } })
        );
        assert!(moves.contains(&(
            "/paths/~1b/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/note".to_owned(),
            "/parameters/note".to_owned()
        )));
        // An operation that produces other media types gets its own copy of the response.
        assert_eq!(
            out["paths"]["/c"]["post"]["responses"]["default"]["content"],
            json!({ "text/plain": { "schema": { "$ref": "#/components/schemas/Err" } } })
        );
    }

    #[test]
    fn path_level_parameters_stay_and_path_level_bodies_move_into_each_operation() {
        let mut input = doc(json!({}));
        input["paths"] = json!({ "/p/{id}": {
            "parameters": [
                { "name": "id", "in": "path", "required": true, "type": "string" },
                { "name": "b", "in": "body", "schema": { "type": "string" } },
            ],
            "put": { "responses": {} },
            "post": { "parameters": [{ "name": "b", "in": "body", "schema": { "type": "integer" } }], "responses": {} },
        } });
        let (out, _, _) = convert(input);
        let item = &out["paths"]["/p/{id}"];
        assert_eq!(
            item["parameters"],
            json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }])
        );
        assert_eq!(item["put"]["requestBody"]["content"]["application/json"]["schema"], json!({ "type": "string" }));
        assert_eq!(item["post"]["requestBody"]["content"]["application/json"]["schema"], json!({ "type": "integer" }));
    }

    #[test]
    fn security_definitions_become_security_schemes() {
        let (out, diags, _) = convert(doc(json!({
            "securityDefinitions": {
                "basic": { "type": "basic", "description": "d" },
                "key": { "type": "apiKey", "name": "X-Key", "in": "header", "x-k": 1 },
                "implicit": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": { "r": "read" } },
                "password": { "type": "oauth2", "flow": "password", "tokenUrl": "https://t", "scopes": {} },
                "application": { "type": "oauth2", "flow": "application", "tokenUrl": "https://t" },
                "accessCode": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {} },
                "odd": { "type": "oauth2", "flow": "device" },
            },
            "security": [{ "basic": [] }],
        })));
        assert_eq!(
            out["components"]["securitySchemes"],
            json!({
                "basic": { "type": "http", "scheme": "basic", "description": "d" },
                "key": { "type": "apiKey", "name": "X-Key", "in": "header", "x-k": 1 },
                "implicit": { "type": "oauth2", "flows": { "implicit": { "authorizationUrl": "https://a", "scopes": { "r": "read" } } } },
                "password": { "type": "oauth2", "flows": { "password": { "tokenUrl": "https://t", "scopes": {} } } },
                "application": { "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "https://t", "scopes": {} } } },
                "accessCode": { "type": "oauth2", "flows": { "authorizationCode": { "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {} } } },
                "odd": { "type": "oauth2", "flow": "device" },
            })
        );
        assert_eq!(out["security"], json!([{ "basic": [] }]));
        assert_eq!(diags, vec![(Severity::Error, "/securityDefinitions/odd/flow".to_owned())]);
    }

    #[test]
    fn operation_schemes_become_operation_servers() {
        let (op, _) = post(json!({ "schemes": ["wss"], "responses": {} }), json!({ "host": "h", "basePath": "/b" }));
        assert_eq!(op["servers"], json!([{ "url": "wss://h/b" }]));
    }

    #[test]
    fn converting_twice_gives_byte_identical_output() {
        let input = doc(json!({
            "host": "h", "schemes": ["https"], "consumes": ["application/json"],
            "definitions": { "B": { "type": "object" }, "A": { "$ref": "#/definitions/B", "x-nullable": true } },
            "parameters": { "p": { "name": "p", "in": "body", "schema": {} } },
            "securityDefinitions": { "o": { "type": "oauth2", "flow": "password", "tokenUrl": "https://t" } },
        }));
        let once = |input: Value| {
            let (out, diags, moves) = convert(input);
            (serde_json::to_string(&out).unwrap_or_default(), format!("{diags:?}"), format!("{moves:?}"))
        };
        assert_eq!(once(input.clone()), once(input));
    }
}
