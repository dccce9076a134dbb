//! `mock/<tag>.rs` and `mock/mod.rs`: the typed mocks of the `mock` feature, one `MockServer` method
//! per operation plus the typed methods of its `OperationMock`.
//!
//! A mock is built from the client's own request builder (the same arguments and setters), so what
//! it matches is what the client sends: the runtime's `runtime/mock.rs` (copied from
//! `templates/runtime/mock.rs`) turns the builder's `RequestSpec` into a wiremock matcher. This
//! module only spells the typed surface: the arguments, the optional-parameter setters, and one
//! answer method per success case of the operation with its status and media type from the spec.

use super::docs::paragraphs;
use super::imports::Imports;
use super::operations::{body_argument, required_args, setter_argument};
use super::tokens::ident;
use crate::ir::{Api, BodyEncoding, Operation, OutputCase, Pagination, Payload, SchemaKind, Status, TypeRef};
use crate::naming::field_name;
use crate::plan::layout::Tag;
use crate::used_names::Import;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The methods every `OperationMock` has (generic in the runtime, or per operation here): an
/// optional parameter's setter of one of these names gets a `_param` suffix on the mock.
const MOCK_METHODS: &[&str] = &[
    "new",
    "map_request",
    "json",
    "bytes",
    "empty",
    "pages",
    "respond",
    "respond_with",
    "respond_with_bytes",
    "respond_with_items",
    "respond_with_error",
    "rate_limited",
    "expect",
    "up_to_n_times",
    "mount",
    "mount_as_scoped",
    "into_mock",
];

/// `MockServer`'s own methods: an operation of one of these names gets its mock as `<name>_operation`.
const SERVER_METHODS: &[&str] = &["start", "client", "uri", "wiremock", "verify"];

/// `mock/mod.rs`: one module per tag, and the runtime's public names.
pub fn module_root(tags: &[Tag<'_>], cfg: impl Fn(&Tag<'_>) -> TokenStream) -> TokenStream {
    let declarations = tags.iter().map(|tag| {
        let module = ident(&tag.module);
        let cfg = cfg(tag);
        quote!(#cfg mod #module;)
    });
    quote! {
        //! Typed mocks of the API for your tests (the `mock` feature): a local [`MockServer`] with one
        //! method per operation, named as on [`Client`](crate::Client) and taking the same arguments,
        //! that matches what the client sends and answers with typed models, Atlas errors, rate limits
        //! or the pages of a list. The [crate docs](crate#testing-your-code-with-the-mock-server) show a
        //! test written with it.
        #(#declarations)*

        pub use crate::runtime::{MockServer, MockedCalls, OperationMock};
    }
}

/// `mock/<tag>.rs`: the mocks of `ops`.
pub fn module(api: &Api, ops: &[&Operation]) -> TokenStream {
    let mut imports = Imports::default();
    imports.import(Import::MockServer);
    imports.import(Import::OperationMock);
    let mut server_methods = Vec::new();
    let mut typed = Vec::new();
    for op in ops {
        let (method, methods) = operation(api, op, &mut imports);
        server_methods.push(method);
        typed.push(methods);
    }
    let imports = imports.tokens();
    quote! {
        //! The typed mocks of this tag's operations: one [`MockServer`] method each, and the typed methods
        //! of its [`OperationMock`].
        #imports

        impl MockServer {
            #(#server_methods)*
        }

        #(#typed)*
    }
}

/// `ty` spelled as Rust, importing the models and runtime names it uses.
fn spell(imports: &mut Imports, ty: &TypeRef) -> TokenStream {
    for name in ty.schema_refs() {
        imports.add("crate::models", name.as_str());
    }
    imports.spell(ty)
}

/// The `MockServer` method of `op`, and the `impl` block of its typed `OperationMock` methods.
fn operation(api: &Api, op: &Operation, imports: &mut Imports) -> (TokenStream, TokenStream) {
    let builder = ident(&op.builder_name);
    imports.add("crate::operations", &op.builder_name);
    let client_method = ident(&op.rust_name);
    let method = if SERVER_METHODS.contains(&op.rust_name.as_str()) {
        ident(&format!("{}_operation", op.rust_name))
    } else {
        client_method.clone()
    };
    let args = required_args(op);
    let names: Vec<_> = args.iter().map(|(p, _)| ident(&p.rust_name)).collect();
    let decls: Vec<TokenStream> = args
        .iter()
        .map(|(p, ty)| {
            let name = ident(&p.rust_name);
            spell(imports, &p.ty);
            quote!(#name: #ty)
        })
        .collect();
    let required_body = op.body.as_ref().filter(|b| b.required);
    let body_decl = required_body.map(|b| {
        let ty = body_tokens(imports, b, body_argument(b));
        quote!(body: #ty)
    });
    let body_arg = required_body.map(|_| quote!(body));
    let (body_type, decode) = match &op.body {
        Some(b) if b.encoding == BodyEncoding::Json => {
            imports.add("crate::runtime::mock", "json_body");
            (spell(imports, &b.ty), quote!(json_body))
        }
        Some(_) => {
            imports.add("crate::runtime::mock", "raw_body");
            (quote!(bytes::Bytes), quote!(raw_body))
        }
        None => {
            imports.add("crate::runtime::mock", "no_body");
            (quote!(()), quote!(no_body))
        }
    };
    let id = &op.id;
    let first_status = Literal::u16_unsuffixed(op.output.cases.first().map_or(200, |c| status_code(c.status)));
    let docs = paragraphs([
        format!(
            "Mocks `{id}` (`{} {}`): matches the calls [`Client::{}`](crate::Client::{}) makes with these arguments, sending `Accept: {}`{}.",
            op.method.as_str(),
            op.path,
            op.rust_name,
            op.rust_name,
            op.accept,
            op.body
                .as_ref()
                .map(|b| format!(" and {} `{}` body", super::docs::article(&b.media_type, false), b.media_type))
                .unwrap_or_default()
        ),
        "Set what it answers, and how often it is expected, on the returned [`OperationMock`], then mount it.".to_owned(),
    ]);
    let deprecated = if op.deprecated { quote!(#[allow(deprecated)]) } else { quote!() };
    let inputs = 1 + args.len() + usize::from(required_body.is_some());
    let many = if inputs > 7 { quote!(#[allow(clippy::too_many_arguments)]) } else { quote!() };
    let server_method = quote! {
        #docs
        #deprecated
        #many
        pub fn #method(&self, #(#decls,)* #body_decl) -> OperationMock<'_, #builder<'_>, #body_type> {
            let request = self.client().#client_method(#(#names,)* #body_arg);
            OperationMock::new(self, #id, request, #builder::into_request, #decode, #first_status)
        }
    };
    let mut setters = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let setter = ident(&p.rust_name);
        let name = if MOCK_METHODS.contains(&p.rust_name.as_str()) {
            ident(&format!("{}_param", p.rust_name))
        } else {
            setter.clone()
        };
        spell(imports, &p.ty);
        let arg = setter_argument(p);
        let doc = paragraphs([format!(
            "Matches only calls that set `{}` to `value` ([`{}::{}`](crate::{}::{})); unset, any value matches.",
            p.name, op.builder_name, p.rust_name, op.builder_name, p.rust_name
        )]);
        setters.push(quote! {
            #doc
            pub fn #name(self, value: #arg) -> Self {
                self.map_request(|request| request.#setter(value))
            }
        });
    }
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let ty = body_tokens(imports, b, body_argument(b));
        let doc = paragraphs([
            "Matches only calls that send this body (compared as JSON for a JSON body); unset, any body or none matches.",
        ]);
        quote! {
            #doc
            pub fn body(self, value: #ty) -> Self {
                self.map_request(|request| request.body(value))
            }
        }
    });
    let answers = answers(api, op, imports);
    let methods = quote! {
        impl<'a> OperationMock<'a, #builder<'a>, #body_type> {
            #(#setters)*
            #body_setter
            #(#answers)*
        }
    };
    (server_method, methods)
}

/// The type a body argument is spelled with, importing what it names (a model, a form type, the
/// runtime's `multipart` module).
fn body_tokens(imports: &mut Imports, body: &crate::ir::Body, tokens: TokenStream) -> TokenStream {
    match (body.encoding, &body.form) {
        (BodyEncoding::Multipart, Some(form)) => imports.add("crate::operations", &form.rust_name),
        (BodyEncoding::Multipart, None) => imports.add("crate", "multipart"),
        (BodyEncoding::Bytes, _) => {}
        _ => {
            spell(imports, &body.ty);
        }
    }
    tokens
}

/// The status a mock answers for a success case: its code, or `200` for a range or `default`.
fn status_code(status: Status) -> u16 {
    match status {
        Status::Code(code) => code,
        Status::Range(_) | Status::Default => 200,
    }
}

/// The media type of the response documented for `status`, else what the client asks for.
fn media_type(op: &Operation, status: Status) -> String {
    op.responses
        .iter()
        .find(|r| r.status == status)
        .and_then(|r| r.media_type.clone())
        .unwrap_or_else(|| op.accept.clone())
}

/// One answer method per success case (`respond_with` for one case, `respond_<variant>` for several),
/// `respond` without a documented success, and `respond_with_items` for a list whose page the mock can
/// build.
fn answers(api: &Api, op: &Operation, imports: &mut Imports) -> Vec<TokenStream> {
    let cases = &op.output.cases;
    let mut out: Vec<TokenStream> = match cases.as_slice() {
        [] => {
            let doc = paragraphs([
                "Answers `200` with no body (the spec documents no success response, so the client accepts any 2xx).",
            ]);
            vec![quote! {
                #doc
                pub fn respond(self) -> Self {
                    self.empty(200)
                }
            }]
        }
        [case] if op.output.enum_name.is_none() => vec![answer(op, case, None, imports)],
        several => several.iter().map(|case| answer(op, case, Some(&case.variant), imports)).collect(),
    };
    if let Some(p) = op.pagination.as_ref().filter(|p| serves_pages(api, p)) {
        out.push(items_answer(op, p, imports));
    }
    out
}

/// The answer method of one success case; `variant` names it when the operation has several.
fn answer(op: &Operation, case: &OutputCase, variant: Option<&str>, imports: &mut Imports) -> TokenStream {
    let code = status_code(case.status);
    let status = Literal::u16_unsuffixed(code);
    let suffix = variant.map(|v| format!("_{}", field_name(v)));
    let name = |plain: &str| ident(&suffix.as_ref().map_or_else(|| plain.to_owned(), |s| format!("respond{s}")));
    match &case.payload {
        Payload::Json(ty) => {
            let media = media_type(op, case.status);
            // A list is taken as a slice (clippy's `ptr_arg`), which serializes alike.
            let ty = match ty {
                TypeRef::Array(item) => {
                    let item = spell(imports, item);
                    quote!([#item])
                }
                other => spell(imports, other),
            };
            let name = name("respond_with");
            let doc = paragraphs([format!(
                "Answers `{code}` with `value` as its `{media}` body, which the client decodes back into an equal value."
            )]);
            quote! {
                #doc
                pub fn #name(self, value: &#ty) -> Self {
                    self.json(#status, #media, value)
                }
            }
        }
        Payload::Empty => {
            let name = name("respond");
            let doc = paragraphs([format!("Answers `{code}` with no body.")]);
            quote! {
                #doc
                pub fn #name(self) -> Self {
                    self.empty(#status)
                }
            }
        }
        Payload::Bytes { media_type } => {
            let name = name("respond_with_bytes");
            let doc = paragraphs([format!("Answers `{code}` with `body` as it is, as `{media_type}`.")]);
            quote! {
                #doc
                pub fn #name(self, body: impl Into<bytes::Bytes>) -> Self {
                    self.bytes(#status, #media_type, body.into())
                }
            }
        }
    }
}

/// Whether the mock can build a page of `p` from its items alone: the page type is a struct whose
/// required fields are at most the items and the total.
fn serves_pages(api: &Api, p: &Pagination) -> bool {
    let Some(schema) = api.schema(&p.page_type) else { return false };
    let SchemaKind::Struct { .. } = &schema.kind else { return false };
    schema
        .kept_fields()
        .filter(|f| f.required)
        .all(|f| f.name == p.results_field || Some(&f.name) == p.total_field.as_ref())
}

/// `respond_with_items`: the list served one page per call, as the call asks.
fn items_answer(op: &Operation, p: &Pagination, imports: &mut Imports) -> TokenStream {
    let item = spell(imports, &p.item_type);
    let case = op.output.cases.first();
    let code = case.map_or(200, |c| status_code(c.status));
    let status = Literal::u16_unsuffixed(code);
    let media = case.map_or_else(|| op.accept.clone(), |c| media_type(op, c.status));
    let size_param = op.params.iter().find(|q| q.name == p.size_param);
    let default_size = size_param.and_then(|q| q.default.as_ref()).and_then(serde_json::Value::as_u64).unwrap_or(100);
    let (page_param, size_name, results) = (&p.page_param, &p.size_param, &p.results_field);
    let total = match &p.total_field {
        Some(total) => quote!(Some(#total)),
        None => quote!(None),
    };
    let total_doc =
        p.total_field.as_ref().map(|t| format!(", with `{t}` set to the length of the list")).unwrap_or_default();
    let doc = paragraphs([format!(
        "Serves `items` as a list of pages: each call gets, as a `{code}` `{media}` body, the page its `{page_param}` and `{size_name}` ask for (page 1 and {default_size} items when unset) in `{results}`{total_doc}. The client's `stream()` and `pages()` walk it to the end."
    )]);
    let default_size = Literal::u64_unsuffixed(default_size);
    quote! {
        #doc
        pub fn respond_with_items(self, items: &[#item]) -> Self {
            // Spelled in full: `Paging` is a common spec type name.
            let paging = crate::runtime::mock::Paging {
                page_param: #page_param,
                size_param: #size_name,
                default_size: #default_size,
                results_field: #results,
                total_field: #total,
                status: #status,
                content_type: #media,
            };
            self.pages(paging, items)
        }
    }
}
