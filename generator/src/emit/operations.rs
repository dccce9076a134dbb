//! `operations.rs`: one `Client` method and one request builder per operation.
//!
//! Required parameters (and a required body) are arguments of the `Client` method; optional ones are
//! builder setters. `send` checks every constraint before any I/O, then hands a `RequestSpec` to the
//! runtime, which owns auth, retries and decoding.

use super::docs::{doc_attrs, list_item, paragraphs, prose, spec};
use super::imports::Imports;
use super::tokens::{ident, into_arg, type_tokens};
use super::validation::checks;
use crate::ir::{
    Api, BodyEncoding, Location, Operation, OutputCase, Param, ParamEncoding, PathSegment, Payload, SchemaRef, Status,
    TypeRef,
};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// An operations module holding `ops` (the full `api` serves lookups).
pub fn module(api: &Api, ops: &[&Operation]) -> TokenStream {
    let models: BTreeSet<SchemaRef> = ops.iter().flat_map(|op| op.models()).collect();
    let mut imports = Imports::default();
    for model in &models {
        imports.add("crate::models", model.as_str());
    }
    let paginated = ops.iter().copied().any(|o| o.pagination.is_some());
    let validates = ops.iter().copied().any(|o| {
        o.params.iter().any(|p| !p.constraints.is_empty() || item_checks(p).is_some() || object_validates(api, p))
            || o.body.as_ref().is_some_and(|b| b.types().into_iter().any(|ty| body_validates(api, ty)))
    });
    // `validate::` helpers are called directly for constrained parameters without a newtype and for
    // constrained bodies; newtypes and request structs call them from models.rs.
    let number_checks = ops.iter().copied().any(|o| {
        o.params.iter().any(|p| {
            (p.newtype.is_none() && !p.constraints.is_empty())
                || p.array.as_ref().is_some_and(|a| a.item_newtype.is_none() && a.item_constraints.constrains_number())
        }) || o.body.as_ref().is_some_and(|b| !b.constraints.is_empty())
    });
    for name in ["Client", "Error", "RequestSpec", "Response"] {
        imports.add("crate::runtime", name);
    }
    let has_path_params =
        ops.iter().copied().any(|o| o.path_segments.iter().any(|s| matches!(s, PathSegment::Param(_))));
    imports.add_if(has_path_params, "crate::runtime", "wire");
    // A multipart form makes its `RequestBody` itself (`into_body`).
    let names_request_body =
        ops.iter().copied().any(|o| o.body.as_ref().is_some_and(|b| b.encoding != BodyEncoding::Multipart));
    imports.add_if(names_request_body, "crate::runtime", "RequestBody");
    let multipart = ops.iter().copied().any(|o| o.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Multipart));
    imports.add_if(multipart, "crate", "multipart");
    imports.add_if(paginated, "crate::runtime", "paginate");
    imports.add_if(number_checks, "crate::runtime", "validate");
    imports.add_if(validates, "crate::runtime", "ValidationError");
    imports.add_if(paginated, "crate::runtime", "PageStream");
    let downloads =
        ops.iter().copied().any(|o| o.output.cases.iter().any(|c| matches!(c.payload, Payload::Bytes { .. })));
    imports.add_if(downloads, "crate::runtime", "Download");
    let streams = ops.iter().copied().any(|o| stream_method(o).is_some());
    imports.add_if(streams, "crate::runtime", "ByteStream");
    let params = ops.iter().copied().any(|o| o.params.iter().any(|p| calls_params_runtime(api, p)));
    imports.add_if(params, "crate::runtime", "params");
    let uses_map = ops.iter().copied().any(|o| {
        o.params.iter().any(|p| p.ty.has_map())
            || o.body.as_ref().is_some_and(|b| b.ty.has_map())
            || o.output.cases.iter().filter_map(|c| c.payload.json()).any(TypeRef::has_map)
            || o.pagination.as_ref().is_some_and(|p| p.item_type.has_map())
    });
    imports.add_if(uses_map, "std::collections", "BTreeMap");
    let forms: Vec<TokenStream> = ops
        .iter()
        .copied()
        .filter_map(|op| op.body.as_ref()?.form.as_ref().map(|form| super::forms::form_type(form, op, &mut imports)))
        .collect();
    let imports = imports.tokens();
    let methods = ops.iter().copied().map(client_method);
    let outputs = ops.iter().copied().filter_map(output_enum);
    let builders = ops.iter().copied().map(|op| builder(api, op));
    quote! {
        //! One method on [`Client`] and one request builder per operation of this tag.
        #imports

        impl Client {
            #(#methods)*
        }

        #(#outputs)*

        #(#forms)*

        #(#builders)*
    }
}

/// Whether values of `ty` carry a `validate` method (request structs, directly or as array items).
fn body_validates(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(n) => api.validates(n),
        TypeRef::Array(inner) => body_validates(api, inner),
        _ => false,
    }
}

/// Whether a parameter is an object (or array of objects) whose type carries `validate`.
fn object_validates(api: &Api, p: &Param) -> bool {
    p.encoding.is_some() && body_validates(api, &p.ty)
}

/// The Rust type a parameter is stored as: plain strings even for newtypes (the builder accepts
/// anything string-like and checks it on `send`, so the error can name the operation).
fn param_type(p: &Param) -> TokenStream {
    type_tokens(&p.ty)
}

/// Arguments of the `Client` method: required path/query parameters, then a required body.
pub(super) fn required_args(op: &Operation) -> Vec<(&Param, TokenStream)> {
    op.params.iter().filter(|p| p.required).map(|p| (p, setter_argument(p))).collect()
}

fn http_line(op: &Operation) -> String {
    let mut line = format!("`{} {}`, sending `Accept: {}`", op.method.as_str(), op.path, op.accept);
    if let Some(b) = &op.body {
        line.push_str(&format!(" and {} `{}` body", super::docs::article(&b.media_type, false), b.media_type));
    }
    line.push('.');
    if let Some(v) = &op.api_version {
        line.push_str(&format!(" API version `{}`", v.version));
        match &v.sunset {
            Some(sunset) => line.push_str(&format!(", which Atlas serves until its sunset on {sunset}.")),
            None => line.push('.'),
        }
    }
    line
}

fn param_doc(p: &Param) -> String {
    let mut text = prose(p.description.as_deref()).unwrap_or_else(|| format!("The `{}` parameter.", p.name));
    let rules = p.constraints.describe();
    if !rules.is_empty() {
        text.push_str(&format!("\n\nChecked before sending: {}.", rules.join(", ")));
    }
    if let Some(how) = encoding_doc(p) {
        text.push_str(&format!("\n\n{how}"));
    }
    let item_rules = p.array.as_ref().map(|a| a.item_constraints.describe()).unwrap_or_default();
    if !item_rules.is_empty() {
        text.push_str(&format!("\n\nEach item is checked before sending: {}.", item_rules.join(", ")));
    }
    if let Some(default) = &p.default {
        text.push_str(&format!("\n\nWhen unset, nothing is sent and Atlas uses its default, `{default}`."));
    }
    if p.deprecated {
        text.push_str("\n\nDeprecated by the API.");
    }
    text
}

/// How an object or JSON-encoded parameter is spelled on the wire, for its docs.
fn encoding_doc(p: &Param) -> Option<String> {
    let name = &p.name;
    Some(match p.encoding.as_ref()? {
        ParamEncoding::Json => format!("Sent as its JSON text (`{name}={{\"key\":\"value\"}}` in a query)."),
        ParamEncoding::FormExploded => "Each property is sent as its own query parameter (`key=value`).".to_owned(),
        ParamEncoding::Joined { separator } => {
            format!("Sent as one query parameter, keys and values joined by `{separator}` (`{name}=k1{separator}v1{separator}k2{separator}v2`).")
        }
        ParamEncoding::DeepObject => {
            format!("Sent as `{name}[key]=value` query parameters (nested: `{name}[a][b]=value`).")
        }
        ParamEncoding::Simple => "Sent as `k1,v1,k2,v2`.".to_owned(),
        ParamEncoding::SimpleExploded => "Sent as `k1=v1,k2=v2`.".to_owned(),
    })
}

fn client_method(op: &Operation) -> TokenStream {
    let method = ident(&op.rust_name);
    let builder = ident(&op.builder_name);
    let args = required_args(op);
    let arg_decls = args.iter().map(|(p, ty)| {
        let name = ident(&p.rust_name);
        quote!(#name: #ty)
    });
    let body_arg = op.body.as_ref().filter(|b| b.required).map(|b| {
        let ty = body_argument(b);
        quote!(body: #ty)
    });
    let inits = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        if !p.required {
            quote!(#name: None)
        } else if into_arg(&p.ty).is_some() {
            quote!(#name: #name.into())
        } else {
            quote!(#name)
        }
    });
    let body_init = op.body.as_ref().map(|b| match (b.required, b.encoding) {
        (true, BodyEncoding::Bytes) => quote!(body: body.into(),),
        (true, _) => quote!(body,),
        (false, _) => quote!(body: None,),
    });
    let mut parts: Vec<String> = Vec::new();
    parts.push(prose(op.summary.as_deref()).unwrap_or_else(|| format!("The `{}` operation.", op.id)));
    if let Some(d) = &op.description {
        parts.push(spec(d));
    }
    parts.push(http_line(op));
    let mut arg_lines: Vec<String> =
        args.iter().map(|(p, _)| list_item(&format!("`{}`", p.rust_name), &param_doc(p))).collect();
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        let text = prose(b.description.as_deref()).unwrap_or_else(|| "The request body.".to_owned());
        arg_lines.push(list_item("`body`", &text));
    }
    if !arg_lines.is_empty() {
        parts.push(format!("# Arguments\n\n{}", arg_lines.join("\n")));
    }
    // Why a parameter is left out is said once, in the crate docs (README.md.j2).
    if !op.omitted.is_empty() {
        let names: Vec<String> = op.omitted.iter().map(|o| format!("`{}`", o.name)).collect();
        let (noun, verb) = if names.len() == 1 { ("parameter", "is") } else { ("parameters", "are") };
        parts.push(format!(
            "The spec's {} {noun} {verb} not exposed ([why](crate#parameters-the-client-leaves-out)).",
            names.join(", ")
        ));
    }
    parts.push(format!(
        "Returns a [`{}`] builder: set optional parameters on it, then call [`send`]({}::send).",
        op.builder_name, op.builder_name
    ));
    let docs = paragraphs(parts);
    let deprecated = if op.deprecated { quote!(#[deprecated = "deprecated by the API"]) } else { quote!() };
    // Required path parameters are positional arguments, as the URL reads; a deeply nested Atlas path
    // (`/groups/{groupId}/clusters/{clusterName}/...`) can have more than clippy's seven.
    let inputs = 1 + args.len() + usize::from(op.body.as_ref().is_some_and(|b| b.required));
    let many = if inputs > 7 { quote!(#[allow(clippy::too_many_arguments)]) } else { quote!() };
    quote! {
        #docs
        #deprecated
        #many
        pub fn #method(&self, #(#arg_decls,)* #body_arg) -> #builder<'_> {
            #builder {
                client: self,
                #(#inits,)*
                #body_init
            }
        }
    }
}

/// What the setter of an optional parameter (or the method, for a required one) takes: anything
/// string-like for a string, a typed format's natural value ([`into_arg`]), else its type.
pub(super) fn setter_argument(p: &Param) -> TokenStream {
    into_arg(&p.ty).unwrap_or_else(|| type_tokens(&p.ty))
}

fn builder(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.builder_name);
    let id = &op.id;
    let fields = op.params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = param_type(p);
        if p.required {
            quote!(#field: #ty)
        } else {
            quote!(#field: Option<#ty>)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let ty = body_type(b);
        if b.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        }
    });
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let field = ident(&p.rust_name);
        let docs = doc_attrs(&param_doc(p));
        let arg = setter_argument(p);
        let value = if into_arg(&p.ty).is_some() { quote!(value.into()) } else { quote!(value) };
        quote! {
            #docs
            pub fn #field(value: #arg) { #field = Some(#value); }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let ty = body_argument(b);
        let value = if b.encoding == BodyEncoding::Bytes { quote!(value.into()) } else { quote!(value) };
        let docs = doc_attrs(&prose(b.description.as_deref()).unwrap_or_else(|| "The request body.".to_owned()));
        quote! {
            #docs
            pub fn body(value: #ty) { body = Some(#value); }
        }
    });
    // The setters come first in the docs, as they do in a call; `setters!` writes them out (see
    // `templates/runtime/setters.rs`).
    let setters: Vec<TokenStream> = setters.chain(body_setter).collect();
    let setters = if setters.is_empty() {
        quote!()
    } else {
        quote! {
            setters! {
                impl<'a> #name<'a> {
                    #(#setters)*
                }
            }
        }
    };
    let (output, decode, returns) = output(op);
    // A JSON body goes through the runtime's shared send-and-decode; other outputs pick their decoding.
    let decode = match (&op.output.enum_name, op.output.cases.as_slice()) {
        (None, [OutputCase { payload: Payload::Json(_), .. }]) => {
            quote!(self.client.send_checked(self.into_request()).await)
        }
        _ => quote! {
            let client = self.client;
            let request = self.into_request()?;
            let raw = client.execute(request).await?;
            #decode
        },
    };
    let errors: Vec<String> = op
        .responses
        .iter()
        .filter_map(|r| match r.status {
            Status::Code(c) if c >= 300 => Some(format!("`{c}`")),
            Status::Range(r) if r >= 3 => Some(format!("any other `{r}xx` status")),
            Status::Default
                if !op.output.cases.is_empty() && op.output.cases.iter().all(|c| c.status != Status::Default) =>
            {
                Some("any other status".to_owned())
            }
            _ => None,
        })
        .collect();
    // Which `Error` each failure is, is said once, in the crate docs (README.md.j2); each method names
    // the error statuses its spec documents.
    let statuses = if errors.is_empty() {
        "the spec documents no error status for this operation".to_owned()
    } else {
        format!("the error statuses the spec documents here: {}", errors.join(", "))
    };
    let send_docs = paragraphs([
        returns,
        format!("# Errors\n\nAn [`Error`], as [the crate docs](crate#errors-retries-and-timeouts) say; {statuses}."),
    ]);
    let meta_docs = paragraphs([
        format!(
            "Like [`send`](Self::send), but also returns the response's status and headers{}.",
            documented_headers(op.success().map(|r| r.headers.as_slice()).unwrap_or_default())
        ),
        "# Errors\n\nAs for [`send`](Self::send).".to_owned(),
    ]);
    let validate = builder_validate(api, op);
    let stream = stream_method(op);
    let into_request = into_request(api, op, validate.is_some());
    let pages = op.pagination.as_ref().map(|p| pagination_methods(op, p, validate.is_some()));
    let summary = prose(op.summary.as_deref()).unwrap_or_else(|| format!("The `{}` operation.", op.id));
    let docs = paragraphs([
        format!("{} `{id}` request: {}", super::docs::article(id, true), lower_first(&summary)),
        format!(
            "Made by [`Client::{}`]. Setters take the optional parameters; nothing is sent until [`send`](Self::send).",
            op.rust_name
        ),
    ]);
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name<'a> {
            client: &'a Client,
            #(#fields,)*
            #body_field
        }

        #setters

        impl<'a> #name<'a> {
            /// The operation's `operationId`, which errors name.
            const OPERATION: &'static str = #id;

            #send_docs
            pub async fn send(self) -> Result<#output, Error> {
                self.send_with_meta().await.map(Response::into_inner)
            }

            #meta_docs
            pub async fn send_with_meta(self) -> Result<Response<#output>, Error> {
                #decode
            }

            #stream
            #validate
            #into_request
            #pages
        }
    }
}

/// The headers the spec documents on the success response (` (the spec documents ..)`, to end a
/// sentence), as read from the spec, so the docs say what this operation's responses carry, not
/// what Atlas usually sends; empty when it lists none.
fn documented_headers(headers: &[String]) -> String {
    if headers.is_empty() {
        return String::new();
    }
    let names: Vec<String> = headers.iter().map(|h| format!("`{h}`")).collect();
    let rate_limit = headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("RateLimit-Limit") || h.eq_ignore_ascii_case("RateLimit-Remaining"));
    let reader = if rate_limit { ": see [`Response::rate_limit`]" } else { "" };
    format!(" (the spec documents {}{reader})", names.join(", "))
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `fn validate`: every parameter constraint, then the body's constraints and its own `validate`.
/// `None` when nothing is constrained; callers emit a `validate()` call only when this is `Some`.
fn builder_validate(api: &Api, op: &Operation) -> Option<TokenStream> {
    let mut statements = Vec::new();
    for p in &op.params {
        if let Some(items) = item_checks(p) {
            statements.push(items);
        }
        // An object parameter of a request struct (or an array of them) checks its own fields.
        if object_validates(api, p) {
            let field = ident(&p.rust_name);
            let pointer = format!("/{}/{}", p.location.as_str(), p.name);
            let check = match &p.ty {
                TypeRef::Array(_) => quote! {
                    for (index, item) in value.iter().enumerate() {
                        item.validate(&format!("{}/{index}", #pointer))?;
                    }
                },
                _ => quote!(value.validate(#pointer)?;),
            };
            statements.push(if p.required {
                quote! { { let value = &self.#field; #check } }
            } else {
                quote! { if let Some(value) = &self.#field { #check } }
            });
        }
        if p.constraints.is_empty() {
            continue;
        }
        let field = ident(&p.rust_name);
        let pointer = format!("/{}/{}", p.location.as_str(), p.name);
        // Required parameters are checked in place; optional ones through `if let Some(value)`. Numbers
        // are `Copy` and checked by value.
        let number = matches!(p.ty, TypeRef::I32 | TypeRef::I64 | TypeRef::F64);
        let access = match (p.required, number) {
            (true, true) => quote!(self.#field),
            (true, false) => quote!(&self.#field),
            (false, _) => quote!(value),
        };
        let check = match &p.newtype {
            Some(newtype) => {
                let newtype = ident(newtype.as_str());
                quote!(#newtype::check(#access).map_err(|e| e.at(#pointer))?;)
            }
            None => {
                let location = format!("/{}", p.location.as_str());
                checks(&p.constraints, &p.ty, &access, &quote!(#location), &p.name, None)
            }
        };
        if check.is_empty() {
            // Constraints no check applies to (NetBox's `minLength` on a string enum, whose values the
            // type already fixes).
            continue;
        }
        if p.required {
            statements.push(check);
        } else if number {
            statements.push(quote! { if let Some(value) = self.#field { #check } });
        } else {
            statements.push(quote! { if let Some(value) = &self.#field { #check } });
        }
    }
    if let Some(body) = &op.body {
        let access = if body.required { quote!(self.body) } else { quote!(body) };
        let value = match body.ty {
            TypeRef::Array(_) => quote!(#access.as_slice()),
            TypeRef::I32 | TypeRef::I64 | TypeRef::F64 if body.required => access.clone(),
            TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => quote!(*#access),
            _ => quote!(&#access),
        };
        let own = checks(&body.constraints, &body.ty, &value, &quote!(""), "body", None);
        let nested = match &body.ty {
            TypeRef::Array(_) if body_validates(api, &body.ty) => quote! {
                for (index, item) in #access.iter().enumerate() {
                    item.validate(&format!("/body/{index}"))?;
                }
            },
            ty if body_validates(api, ty) => quote!(#access.validate("/body")?;),
            _ => quote!(),
        };
        // The JSON parts of a multipart form that carry their own checks, each under its part's name.
        let parts = body.form.iter().flat_map(|f| &f.parts).filter(|p| body_validates(api, &p.ty)).map(|p| {
            let field = ident(&p.rust_name);
            let pointer = format!("/body/{}", p.name);
            let check = match &p.ty {
                TypeRef::Array(_) => quote! {
                    for (index, item) in value.iter().enumerate() {
                        item.validate(&format!("{}/{index}", #pointer))?;
                    }
                },
                _ => quote!(value.validate(#pointer)?;),
            };
            if p.required {
                quote!({ let value = &#access.#field; #check })
            } else {
                quote!(if let Some(value) = &#access.#field { #check })
            }
        });
        let nested = quote!(#nested #(#parts)*);
        if !own.is_empty() || !nested.is_empty() {
            if body.required {
                statements.push(quote! { #own #nested });
            } else {
                statements.push(quote! { if let Some(body) = &self.body { #own #nested } });
            }
        }
    }
    if statements.is_empty() {
        return None;
    }
    Some(quote! {
        /// Checks every constraint of the spec on the parameters and the body.
        fn validate(&self) -> Result<(), ValidationError> {
            #(#statements)*
            Ok(())
        }
    })
}

/// `fn into_request`: validate (when the builder has `validate`), then build the `RequestSpec` the
/// runtime sends.
fn into_request(api: &Api, op: &Operation, validates: bool) -> TokenStream {
    let validate_call =
        if validates { quote!(self.validate().map_err(|e| e.in_operation(Self::OPERATION))?;) } else { quote!() };
    // The path as a format string with inline arguments (`/orgs/{org_id}/apiKeys`); each parameter is
    // first bound to a local holding its percent-encoded segment.
    let mut template = String::new();
    let mut segments = Vec::new();
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathSegment::Param(name) => {
                let p = op.params.iter().find(|p| p.location == Location::Path && &p.name == name);
                let rust_name = p.map(|p| p.rust_name.as_str()).unwrap_or(name);
                let field = ident(rust_name);
                let value = match p.map(|p| &p.ty) {
                    _ if p.is_some_and(|p| p.encoding == Some(ParamEncoding::Json)) => {
                        quote!(&params::json(Self::OPERATION, #name, &self.#field)?)
                    }
                    // A union has no `Display`: its JSON form, array items joined (`simple` style).
                    Some(ty) if is_union(api, ty) => {
                        quote!(&params::texts(Self::OPERATION, #name, &self.#field)?.join(","))
                    }
                    _ => quote!(&self.#field),
                };
                template.push('{');
                template.push_str(rust_name);
                template.push('}');
                let pointer = format!("/path/{name}");
                segments.push(quote! {
                    let #field = wire::path_segment(Self::OPERATION, #pointer, #value)?;
                });
            }
        }
    }
    let path = if segments.is_empty() { quote!(#template.to_owned()) } else { quote!(format!(#template)) };
    let query: Vec<TokenStream> =
        op.params.iter().filter(|p| p.location == Location::Query).map(|p| param_push(api, p, quote!(query))).collect();
    let headers: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
        .map(|p| param_push(api, p, quote!(headers)))
        .collect();
    // The query is always written (`query: Vec::new()` when the operation never fills it); header
    // parameters only when there are some, as `RequestSpec::default()` has none.
    let (query, query_field) = if query.is_empty() {
        (quote!(), quote!(query: Vec::new(),))
    } else {
        (quote!(let mut query = Vec::new(); #(#query)*), quote!(query,))
    };
    let (headers, headers_field) = if headers.is_empty() {
        (quote!(), quote!())
    } else {
        (quote!(let mut headers = Vec::new(); #(#headers)*), quote!(headers,))
    };
    let method = ident(op.method.as_str());
    let accept = &op.accept;
    // What `RequestSpec::default()` does not say: a body, and an operation not safe to repeat.
    let idempotent = if op.idempotent { quote!() } else { quote!(idempotent: false,) };
    let body = match &op.body {
        Some(b) => {
            let media_type = &b.media_type;
            let encode = |value: TokenStream| match b.encoding {
                BodyEncoding::Json => quote!(RequestBody::json(Self::OPERATION, #media_type, &#value)?),
                BodyEncoding::Form => quote!(RequestBody::form(Self::OPERATION, #media_type, &#value)?),
                BodyEncoding::Text | BodyEncoding::Bytes => quote!(RequestBody::raw(#media_type, #value)),
                BodyEncoding::Multipart if b.form.is_some() => {
                    quote!(#value.into_form(Self::OPERATION)?.into_body(Self::OPERATION)?)
                }
                BodyEncoding::Multipart => quote!(#value.into_body(Self::OPERATION)?),
            };
            let body = if b.required {
                let encoded = encode(quote!(self.body));
                quote!(Some(#encoded))
            } else if matches!(b.encoding, BodyEncoding::Text | BodyEncoding::Bytes) {
                // Raw bodies cannot fail to encode.
                let encoded = encode(quote!(body));
                quote!(self.body.map(|body| #encoded))
            } else {
                let encoded = encode(quote!(body));
                quote!(match self.body { Some(body) => Some(#encoded), None => None })
            };
            quote!(body: #body,)
        }
        None => quote!(),
    };
    quote! {
        /// Checks the request and turns it into what the runtime sends (and a mock matches).
        pub(crate) fn into_request(self) -> Result<RequestSpec, Error> {
            #validate_call
            #(#segments)*
            let path = #path;
            #query
            #headers
            Ok(RequestSpec {
                operation_id: Self::OPERATION,
                method: reqwest::Method::#method,
                path,
                #query_field
                #headers_field
                accept: #accept,
                #body
                #idempotent
                ..RequestSpec::default()
            })
        }
    }
}

/// `stream` and `pages` for a paginated operation.
fn pagination_methods(op: &Operation, p: &crate::ir::Pagination, validates: bool) -> TokenStream {
    let page =
        ident(&op.params.iter().find(|q| q.name == p.page_param).map(|q| q.rust_name.clone()).unwrap_or_default());
    let size =
        ident(&op.params.iter().find(|q| q.name == p.size_param).map(|q| q.rust_name.clone()).unwrap_or_default());
    let page_type = ident(p.page_type.as_str());
    let item = type_tokens(&p.item_type);
    // The streaming page size: the spec's maximum (fewest round trips), else the parameter's own
    // default, else 100; never more than an `i32` page-size parameter can carry.
    let size_param = op.params.iter().find(|q| q.name == p.size_param);
    let size_is_i32 = size_param.map(|q| &q.ty) == Some(&TypeRef::I32);
    let type_max = if size_is_i32 { i32::MAX.unsigned_abs() } else { u32::MAX };
    let param_default = size_param.and_then(|q| q.default.as_ref()).and_then(serde_json::Value::as_u64);
    let (default_size, why) = match (p.max_page_size, param_default) {
        (Some(max), _) => (max, "the largest page the spec allows, for the fewest round trips"),
        (None, Some(d)) => (d, "the parameter's default"),
        (None, None) => (100, "a moderate page size; the spec sets no maximum"),
    };
    let default_size = u32::try_from(default_size).unwrap_or(u32::MAX).min(type_max);
    let stops = match &p.total_field {
        Some(total) => {
            format!("after an empty page, a page shorter than the page size, or once `{total}` items have arrived")
        }
        None => "after an empty page or a page shorter than the page size".to_owned(),
    };
    let docs_common = format!(
        "Pages start at `{}` if set (else 1) and hold `{}` items if set (else {default_size}, {why}). The stream stops {stops}. An error ends the stream after being yielded once; retries apply to each page. A server that repeats a page ends the stream with [`Error::Pagination`].",
        p.page_param, p.size_param
    );
    let stream_docs = paragraphs([
        "Streams every item of every page, in order, fetching the next page only when needed.".to_owned(),
        docs_common,
    ]);
    let pages_docs =
        paragraphs(["Streams whole pages, in order, starting, stopping and failing as [`stream`](Self::stream) does."]);
    let page_param = op.params.iter().find(|q| q.name == p.page_param);
    let last_page = if page_param.map(|q| &q.ty) == Some(&TypeRef::I32) {
        quote!(i32::MAX.unsigned_abs())
    } else {
        quote!(u32::MAX)
    };
    // A u32 page number always fits an i64 page parameter; an i32 one saturates.
    let page_value = if page_param.map(|q| &q.ty) == Some(&TypeRef::I32) {
        quote!(i32::try_from(page).unwrap_or(i32::MAX))
    } else {
        quote!(i64::from(page))
    };
    let size_default = proc_macro2::Literal::u32_unsuffixed(default_size);
    let default_size = size_default.clone();
    let validate =
        if validates { quote!(self.validate().map_err(|e| e.in_operation(Self::OPERATION))?;) } else { quote!() };
    let walk_docs = paragraphs([
        "Validates the request and works out where its pages start, how large they are and how far the page number can go.",
        "A value that passed validation but does not fit a `u32` (possible only where the spec sets no bound) falls back to the default.",
    ]);
    quote! {
        #stream_docs
        pub fn stream(self) -> PageStream<'a, #item> {
            paginate::items(self.walk(), move |page| self.for_page(page).send())
        }

        #pages_docs
        pub fn pages(self) -> PageStream<'a, #page_type> {
            paginate::pages(self.walk(), move |page| self.for_page(page).send())
        }

        /// This request for page `page`, asking for the streaming page size unless one is set.
        fn for_page(&self, page: u32) -> Self {
            let mut request = self.clone();
            request.#page = Some(#page_value);
            request.#size = Some(request.#size.unwrap_or(#size_default));
            request
        }

        #walk_docs
        fn walk(&self) -> Result<paginate::Walk, Error> {
            #validate
            Ok(paginate::Walk {
                start_page: self.#page.map_or(1, |n| u32::try_from(n).unwrap_or(1)),
                page_size: self.#size.map_or(#default_size, |n| u32::try_from(n).unwrap_or(#default_size)),
                last_page: #last_page,
            })
        }
    }
}

/// The Rust type of a success case's body.
fn payload_type(payload: &Payload) -> TokenStream {
    match payload {
        Payload::Json(ty) => type_tokens(ty),
        Payload::Empty => quote!(()),
        Payload::Bytes { .. } => quote!(Download),
    }
}

/// Turns `raw` into a `Result<Response<_>, Error>` of the case's body type.
fn payload_decode(payload: &Payload) -> TokenStream {
    match payload {
        Payload::Json(_) => quote!(raw.decode()),
        Payload::Empty => quote!(Ok(raw.empty())),
        Payload::Bytes { media_type } => quote!(raw.download(#media_type).await),
    }
}

fn status_text(status: Status) -> String {
    match status {
        Status::Range(_) => "2xx".to_owned(),
        Status::Default => "2xx".to_owned(),
        other => other.key(),
    }
}

/// What `send` returns, how `send_with_meta` decodes it, and the first paragraph of `send`'s docs.
fn output(op: &Operation) -> (TokenStream, TokenStream, String) {
    let cases = &op.output.cases;
    match (&op.output.enum_name, cases.as_slice()) {
        (Some(name), _) => {
            let enum_ident = ident(name);
            let arms = cases.iter().map(|c| {
                let variant = ident(&c.variant);
                let decode = payload_decode(&c.payload);
                let pattern = match c.status {
                    Status::Code(code) => {
                        let code = proc_macro2::Literal::u16_unsuffixed(code);
                        quote!(#code)
                    }
                    _ => quote!(200..=299),
                };
                let wrap = match c.payload {
                    Payload::Empty => quote!(|()| #enum_ident::#variant),
                    _ => quote!(#enum_ident::#variant),
                };
                quote!(#pattern => #decode.map(|response| response.map(#wrap)),)
            });
            let documented: Vec<String> = cases.iter().map(|c| c.status.key()).collect();
            let documented = documented.join(", ");
            let decode = quote! {
                match raw.status {
                    #(#arms)*
                    _ => raw.undocumented(#documented),
                }
            };
            let docs = format!(
                "Sends the request and returns the response as a [`{name}`]: one variant per success status the spec documents ({documented}), each decoded into its own type. Another 2xx status is an [`Error::Decode`]."
            );
            (quote!(#enum_ident), decode, docs)
        }
        (None, [case]) => {
            let docs = match &case.payload {
                Payload::Json(_) => format!("Sends the request and returns the decoded `{}` response.", status_text(case.status)),
                Payload::Empty => format!("Sends the request; the `{}` response has no body, so this returns `()` (status and headers through [`send_with_meta`](Self::send_with_meta)).", status_text(case.status)),
                Payload::Bytes { media_type } => format!("Sends the request and returns the whole `{}` body as bytes of `{media_type}`. For large downloads use [`send_stream`](Self::send_stream), which does not hold the body in memory.", status_text(case.status)),
            };
            (payload_type(&case.payload), payload_decode(&case.payload), docs)
        }
        _ => {
            let why = op.output.no_success.as_deref().unwrap_or("the spec documents no success response");
            let docs = format!("Sends the request and returns `()` for any 2xx status: {why}. Any other status, a redirect included, is an [`Error::Api`] with its status and headers.");
            (quote!(()), quote!(Ok(raw.empty())), docs)
        }
    }
}

/// The enum `send` returns when an operation documents several success statuses.
fn output_enum(op: &Operation) -> Option<TokenStream> {
    let name = op.output.enum_name.as_ref()?;
    let enum_ident = ident(name);
    let variants = op.output.cases.iter().map(|c| {
        let variant = ident(&c.variant);
        let status = status_text(c.status);
        let docs = doc_attrs(&format!("`{status}`: {}", spec(&c.description).trim()));
        match &c.payload {
            Payload::Empty => quote!(#docs #variant,),
            payload => {
                let ty = payload_type(payload);
                quote!(#docs #variant(#ty),)
            }
        }
    });
    let docs = paragraphs([format!(
        "What [`{}::send`] returns: the spec documents several success statuses for `{}`, each with its own body.",
        op.builder_name, op.id
    )]);
    Some(quote! {
        #docs
        #[derive(Debug, Clone)]
        // One variant per documented status, holding its decoded body as is (see the unions in models.rs).
        #[allow(clippy::large_enum_variant)]
        pub enum #enum_ident {
            #(#variants)*
        }
    })
}

/// Whether a parameter's type is a union (or an alias of one), which has no `Display`.
fn is_union(api: &Api, ty: &TypeRef) -> bool {
    let mut ty = ty;
    for _ in 0..32 {
        let TypeRef::Named(name) = ty else { return false };
        match api.schema(name).map(|s| &s.kind) {
            Some(crate::ir::SchemaKind::Union { .. }) => return true,
            Some(crate::ir::SchemaKind::Alias { ty: next }) => ty = next,
            _ => return false,
        }
    }
    false
}

/// `send_stream` for an operation whose only success body is a download.
fn stream_method(op: &Operation) -> Option<TokenStream> {
    let [OutputCase { payload: Payload::Bytes { media_type }, .. }] = op.output.cases.as_slice() else { return None };
    if op.output.enum_name.is_some() {
        return None;
    }
    let docs = paragraphs([
        format!("Sends the request and returns the body of `{media_type}` as a [`ByteStream`] of chunks, read from the network only as the stream is polled, so a download of any size needs only a chunk's worth of memory."),
        "The client's timeout covers the whole transfer: raise it with `ClientBuilder::timeout` for large downloads. Retries apply until the response headers arrive, never in the middle of the body.".to_owned(),
        "# Errors\n\nAs for [`send`](Self::send); a failure while reading the body is an item of the stream.".to_owned(),
    ]);
    Some(quote! {
        #docs
        pub async fn send_stream(self) -> Result<Response<ByteStream>, Error> {
            let client = self.client;
            let mut request = self.into_request()?;
            request.stream = true;
            let raw = client.execute(request).await?;
            Ok(raw.byte_stream(#media_type))
        }
    })
}

/// Statements adding a query or header parameter to `list`: one pair per item for an exploded array,
/// the items joined for any other array, an object spelled by its style (the runtime's `params`), the
/// value's text otherwise. Header values are checked to be valid HTTP header values (no line breaks)
/// before anything is sent.
fn param_push(api: &Api, p: &Param, list: TokenStream) -> TokenStream {
    let field = ident(&p.rust_name);
    let wire_name = &p.name;
    let text = |ty: &TypeRef, value: TokenStream| match ty {
        TypeRef::String => quote!(#value.clone()),
        _ => quote!(#value.to_string()),
    };
    let header = p.location == Location::Header;
    let push = |value: TokenStream| {
        if header {
            quote!(#list.push(params::header(Self::OPERATION, #wire_name, &#value)?);)
        } else {
            quote!(#list.push((#wire_name.into(), #value));)
        }
    };
    // The most common parameter, in one line.
    if is_optional_scalar_query(api, p) {
        return quote!(params::push(&mut #list, #wire_name, &self.#field););
    }
    let body = match (&p.ty, &p.array, &p.encoding) {
        (_, _, Some(encoding)) => object_push(p, encoding, &list),
        (TypeRef::Array(item), Some(array), None) if array.explode && !header => {
            let one = push(text(item, quote!(item)));
            quote!(for item in value { #one })
        }
        (TypeRef::Array(item), Some(array), None) => {
            let separator = &array.separator;
            let each = text(item, quote!(item));
            let joined = push(quote!(joined));
            quote! {
                let joined = value.iter().map(|item| #each).collect::<Vec<_>>().join(#separator);
                #joined
            }
        }
        // A union (`oneOf: [string, array of strings]`): its JSON form, one pair per array item in a
        // query (form style), the items joined in a header.
        (ty, _, None) if is_union(api, ty) && !header => {
            let one = push(quote!(text));
            quote!(for text in params::texts(Self::OPERATION, #wire_name, value)? { #one })
        }
        (ty, _, None) if is_union(api, ty) => {
            push(quote!(params::texts(Self::OPERATION, #wire_name, value)?.join(",")))
        }
        (ty, _, None) => push(text(ty, quote!(value))),
    };
    if p.required {
        quote! { { let value = &self.#field; #body } }
    } else {
        quote! { if let Some(value) = &self.#field { #body } }
    }
}

/// Whether the code that sends `p` (`param_push`, or its path segment in `into_request`) calls the
/// runtime's `params`: every header (`params::header`), every object or JSON encoding, every union
/// (`params::texts`) and every optional scalar query parameter (`params::push`).
fn calls_params_runtime(api: &Api, p: &Param) -> bool {
    p.location == Location::Header || p.encoding.is_some() || is_union(api, &p.ty) || is_optional_scalar_query(api, p)
}

/// An optional query parameter sent as its `Display` text (`params::push`): not an array, a union or an
/// object, which have their own encodings.
fn is_optional_scalar_query(api: &Api, p: &Param) -> bool {
    p.location == Location::Query
        && !p.required
        && p.encoding.is_none()
        && !matches!(p.ty, TypeRef::Array(_))
        && !is_union(api, &p.ty)
}

/// Statements adding an object or JSON-encoded parameter (`value`, a reference) to `list`.
fn object_push(p: &Param, encoding: &ParamEncoding, list: &TokenStream) -> TokenStream {
    let wire_name = &p.name;
    let header = p.location == Location::Header;
    match encoding {
        ParamEncoding::Json if header => quote! {
            #list.push(params::header(Self::OPERATION, #wire_name, &params::json(Self::OPERATION, #wire_name, value)?)?);
        },
        ParamEncoding::Json => {
            quote!(#list.push((#wire_name.into(), params::json(Self::OPERATION, #wire_name, value)?));)
        }
        ParamEncoding::FormExploded => {
            quote!(#list.extend(params::form_exploded(Self::OPERATION, #wire_name, value)?);)
        }
        ParamEncoding::Joined { separator } => {
            quote!(#list.extend(params::joined(Self::OPERATION, #wire_name, #separator, value)?);)
        }
        ParamEncoding::DeepObject => quote!(#list.extend(params::deep_object(Self::OPERATION, #wire_name, value)?);),
        ParamEncoding::Simple | ParamEncoding::SimpleExploded => {
            let explode = *encoding == ParamEncoding::SimpleExploded;
            quote! {
                if let Some(text) = params::simple(Self::OPERATION, #wire_name, #explode, value)? {
                    #list.push(params::header(Self::OPERATION, #wire_name, &text)?);
                }
            }
        }
    }
}

/// The checks of each item of an array parameter (its newtype's, or its number bounds), pointing at
/// the item (`/query/status/1`).
fn item_checks(p: &Param) -> Option<TokenStream> {
    let array = p.array.as_ref()?;
    let TypeRef::Array(item_ty) = &p.ty else { return None };
    let field = ident(&p.rust_name);
    let pointer = format!("/{}/{}", p.location.as_str(), p.name);
    let check = match &array.item_newtype {
        Some(newtype) => {
            let newtype = ident(newtype.as_str());
            quote!(#newtype::check(item).map_err(|e| e.at(&format!("{}/{index}", #pointer)))?;)
        }
        None if array.item_constraints.constrains_number() => {
            let item_pointer = quote!(&format!("{}/{index}", #pointer));
            let field = String::new();
            checks(&array.item_constraints, item_ty, &quote!(*item), &item_pointer, &field, None)
        }
        None => return None,
    };
    let list = if p.required { quote!(Some(&self.#field)) } else { quote!(self.#field.as_ref()) };
    Some(quote! {
        if let Some(items) = #list {
            for (index, item) in items.iter().enumerate() {
                #check
            }
        }
    })
}

/// The Rust type a builder holds a request body as: its type, `bytes::Bytes` for raw bytes, the form
/// type of a multipart body (a free-form `multipart::Form` when the spec lists no parts).
fn body_type(b: &crate::ir::Body) -> TokenStream {
    match (b.encoding, &b.form) {
        (BodyEncoding::Bytes, _) => quote!(bytes::Bytes),
        (BodyEncoding::Multipart, Some(form)) => {
            let name = ident(&form.rust_name);
            quote!(#name)
        }
        (BodyEncoding::Multipart, None) => quote!(multipart::Form),
        _ => type_tokens(&b.ty),
    }
}

/// What the client method and the body setter take: raw bytes as anything that converts into
/// `bytes::Bytes` (a `Vec<u8>`, a `String`, a `&'static [u8]`), anything else as held.
pub(super) fn body_argument(b: &crate::ir::Body) -> TokenStream {
    match b.encoding {
        BodyEncoding::Bytes => quote!(impl Into<bytes::Bytes>),
        _ => body_type(b),
    }
}
