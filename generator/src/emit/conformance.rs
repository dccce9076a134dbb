//! `examples/conformance.rs`, emitted only with [`Options::conformance`](crate::Options): a program
//! that calls every operation of the API once through the generated client, with the sample values
//! of [`crate::sample`], and prints one JSON line per operation (`CONFORMANCE {...}`) saying what the
//! client made of the answer: the status, or the error, and the success body re-encoded as JSON.
//!
//! `cargo xtask conformance --spec FILE` runs it against Prism through a recording proxy, which
//! judges each line against what Prism actually answered. Before each call the program sends
//! `GET /__conformance/<operationId>` to the same base URL, so the proxy knows which exchanges
//! belong to which operation. With `ATLAS_CONFORMANCE_ONLY=id,id` it calls only those operations (the
//! run's second pass, for bodies Prism generates instead of its examples).

use super::tokens::{ident, type_tokens};
use crate::ir::{Api, BodyEncoding, Operation, Output, Param, PartKind, Payload, SchemaKind, TypeRef};
use crate::plan::CratePlan;
use crate::sample;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The harness program for every operation of the planned crate.
pub(super) fn harness(plan: &CratePlan<'_>) -> TokenStream {
    let api = plan.api;
    let krate = ident(&plan.ident());
    // Each call compiles with its tag's feature, so the harness also runs on a subset of tags.
    let feature: BTreeMap<&str, &str> = plan
        .tags
        .iter()
        .flat_map(|tag| tag.operations.iter().map(|op| (op.id.as_str(), tag.feature.as_str())))
        .collect();
    let functions = api.operations.iter().enumerate().map(|(i, op)| {
        let function = call(api, &krate, op, i);
        let feature = feature.get(op.id.as_str()).copied().unwrap_or_default();
        quote!(#[cfg(feature = #feature)] #function)
    });
    let runs = api.operations.iter().enumerate().map(|(i, op)| {
        let id = &op.id;
        let function = ident(&format!("call_{i}"));
        let feature = feature.get(op.id.as_str()).copied().unwrap_or_default();
        let off = format!("its tag's feature `{feature}` is off");
        let write_only = write_only_fields(api, op);
        quote! {
            #[cfg(feature = #feature)]
            if wanted(only.as_deref(), #id) {
                mark(&http, &base, #id).await;
                report(#id, #function(&client).await, &[#(#write_only),*]);
            }
            #[cfg(not(feature = #feature))]
            if wanted(only.as_deref(), #id) {
                println!("CONFORMANCE {}", serde_json::json!({"op": #id, "skip": #off}));
            }
        }
    });
    let count = api.operations.len();
    quote! {
        //! Calls every operation of the API once, with sample values computed from the spec, and
        //! prints one `CONFORMANCE {json}` line per operation. Run by `cargo xtask conformance
        //! --spec FILE` against a Prism mock (`ATLAS_CONFORMANCE_URL`), which also checks the lines.
        #![allow(deprecated, unused_imports, clippy::too_many_lines)]

        use #krate::models::*;
        use #krate::{Client, Error, Response, RetryPolicy};
        use serde_json::Value;
        use std::collections::BTreeMap;

        /// What a call gave: the status and the success body re-encoded (or why it is not), or the
        /// error.
        type Outcome = Result<(u16, Encoded), String>;

        /// A success body re-encoded as JSON, or why there is none to compare.
        enum Encoded {
            /// The decoded body, serialized again.
            Json(Value),
            /// Why the body is not compared.
            Skip(&'static str),
        }

        /// A sample value, decoded into the type the client method takes.
        fn sample<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
            serde_json::from_str(json).map_err(|e| format!("the sample value {json} does not decode: {e}"))
        }

        /// Re-encodes a decoded body.
        fn json<T: serde::Serialize>(value: &T) -> Encoded {
            match serde_json::to_value(value) {
                Ok(value) => Encoded::Json(value),
                Err(_) => Encoded::Skip("the decoded body does not serialize"),
            }
        }

        /// The error as one line: its message and, for an error status, Prism's body.
        fn failure(error: Error) -> String {
            match error.api_failure() {
                Some(failure) => format!("{error}: {}", failure.body),
                None => format!("{error}"),
            }
        }

        /// Whether to call `id`: every operation, or those `ATLAS_CONFORMANCE_ONLY` lists.
        fn wanted(only: Option<&[String]>, id: &str) -> bool {
            only.is_none_or(|ids| ids.iter().any(|wanted| wanted == id))
        }

        /// Tells the recording proxy which operation the next requests belong to.
        async fn mark(http: &reqwest::Client, base: &str, id: &str) {
            if let Err(e) = http.get(format!("{base}/__conformance/{id}")).send().await {
                eprintln!("conformance: the proxy did not take the marker for {id}: {e}");
            }
        }

        /// Prints the line the proxy's judge reads; `write_only` names the write-only fields of the
        /// success types, which the models do not decode (so they cannot re-encode equal).
        fn report(id: &str, outcome: Outcome, write_only: &[&str]) {
            let line = match outcome {
                Ok((status, Encoded::Json(body))) => {
                    serde_json::json!({"op": id, "status": status, "body": body, "write_only": write_only})
                }
                Ok((status, Encoded::Skip(why))) => serde_json::json!({"op": id, "status": status, "skip": why}),
                Err(error) => serde_json::json!({"op": id, "error": error}),
            };
            println!("CONFORMANCE {line}");
        }

        #(#functions)*

        #[tokio::main]
        async fn main() -> std::process::ExitCode {
            let Ok(base) = std::env::var("ATLAS_CONFORMANCE_URL") else {
                eprintln!("set ATLAS_CONFORMANCE_URL to the mock server's base URL");
                return std::process::ExitCode::FAILURE;
            };
            let built = Client::builder().base_url(&base).bearer("conformance-token").retry_policy(RetryPolicy::none()).build();
            let client = match built {
                Ok(client) => client,
                Err(e) => {
                    eprintln!("cannot build the client: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            };
            let http = reqwest::Client::new();
            // A second pass calls only some operations again (comma-separated ids).
            let only: Option<Vec<String>> = std::env::var("ATLAS_CONFORMANCE_ONLY")
                .ok()
                .map(|ids| ids.split(',').map(str::to_owned).collect());
            #(#runs)*
            let called = only.as_ref().map_or(#count, Vec::len);
            eprintln!("conformance: called {called} operations");
            std::process::ExitCode::SUCCESS
        }
    }
}

/// `async fn call_<i>`: one call of `op` with its required parameters and body; `krate` is the
/// generated crate's path.
fn call(api: &Api, krate: &proc_macro2::Ident, op: &Operation, index: usize) -> TokenStream {
    let function = ident(&format!("call_{index}"));
    let method = ident(&op.rust_name);
    let mut lets = Vec::new();
    let mut args = Vec::new();
    for (n, p) in op.params.iter().filter(|p| p.required).enumerate() {
        let value = param_value(api, p);
        if p.ty == TypeRef::String {
            let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
            args.push(quote!(#text));
        } else {
            let name = ident(&format!("arg{n}"));
            let ty = type_tokens(&p.ty);
            let json = value.to_string();
            lets.push(quote!(let #name: #ty = sample(#json)?;));
            args.push(quote!(#name));
        }
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let value = sample::value(api, &body.ty, &body.constraints);
        match (body.encoding, &body.form) {
            (BodyEncoding::Bytes, _) => {
                let text = value.as_str().map(str::to_owned).unwrap_or_default();
                lets.push(quote!(let body: Vec<u8> = Vec::from(#text);));
            }
            // A form with its required parts: sample values, and an empty file for each file part.
            (BodyEncoding::Multipart, Some(form)) => {
                let name = ident(&form.rust_name);
                let mut parts = Vec::new();
                for part in form.parts.iter().filter(|p| p.required) {
                    let part_value = if part.kind == PartKind::File {
                        let file = quote!(#krate::multipart::File::new(Vec::new()));
                        if part.repeated {
                            quote!(vec![#file])
                        } else {
                            file
                        }
                    } else {
                        let ty =
                            if part.repeated { TypeRef::Array(Box::new(part.ty.clone())) } else { part.ty.clone() };
                        let json = sample::value(api, &ty, &Default::default()).to_string();
                        let ty = type_tokens(&ty);
                        quote!(sample::<#ty>(#json)?)
                    };
                    parts.push(part_value);
                }
                lets.push(quote!(let body = #krate::#name::new(#(#parts),*);));
            }
            (BodyEncoding::Multipart, None) => lets.push(quote!(let body = #krate::multipart::Form::new();)),
            (_, _) => {
                let ty = type_tokens(&body.ty);
                let json = value.to_string();
                lets.push(quote!(let body: #ty = sample(#json)?;));
            }
        }
        args.push(quote!(body));
    }
    let encode = encode(krate, &op.output);
    quote! {
        async fn #function(client: &Client) -> Outcome {
            #(#lets)*
            let response = client.#method(#(#args),*).send_with_meta().await.map_err(failure)?;
            let status = response.status();
            let value = response.into_inner();
            Ok((status, #encode))
        }
    }
}

/// The wire names of the write-only fields the success types of `op` reach (models skip them when
/// decoding).
fn write_only_fields(api: &Api, op: &Operation) -> Vec<String> {
    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&TypeRef> = op.output.cases.iter().filter_map(|c| c.payload.json()).collect();
    while let Some(ty) = todo.pop() {
        for r in ty.schema_refs() {
            let Some(schema) = api.schema(r) else { continue };
            if !seen.insert(schema.rust_name.clone()) {
                continue;
            }
            if let SchemaKind::Struct { fields } = &schema.kind {
                names.extend(fields.iter().filter(|f| f.write_only).map(|f| f.name.clone()));
            }
            todo.extend(schema.type_refs());
        }
    }
    names.into_iter().collect()
}

/// A sample of a required parameter: array parameters get at least one item, each meeting the item
/// constraints.
fn param_value(api: &Api, p: &Param) -> Value {
    match (&p.ty, &p.array) {
        (TypeRef::Array(item), Some(array)) => {
            let count = p.constraints.min_items.unwrap_or(1).max(1) as usize;
            let one = sample::value(api, item, &array.item_constraints);
            Value::Array(vec![one; count])
        }
        (ty, _) => sample::value(api, ty, &p.constraints),
    }
}

/// How `value` (what `send` returned) becomes an `Encoded`; `krate` is the generated crate's path.
fn encode(krate: &proc_macro2::Ident, output: &Output) -> TokenStream {
    let payload = |payload: &Payload, value: TokenStream| match payload {
        Payload::Json(_) => quote!(json(&#value)),
        Payload::Empty => quote!({ let _ = #value; Encoded::Skip("no body") }),
        Payload::Bytes { .. } => quote!({ let _ = #value; Encoded::Skip("not JSON: bytes, returned as they are") }),
    };
    match (&output.enum_name, output.cases.as_slice()) {
        (Some(name), cases) => {
            let name = ident(name);
            let arms = cases.iter().map(|case| {
                let variant = ident(&case.variant);
                match &case.payload {
                    Payload::Empty => quote!(#krate::#name::#variant => Encoded::Skip("no body"),),
                    other => {
                        let encoded = payload(other, quote!(inner));
                        quote!(#krate::#name::#variant(inner) => #encoded,)
                    }
                }
            });
            quote!(match value { #(#arms)* })
        }
        (None, [case]) => payload(&case.payload, quote!(value)),
        (None, _) => quote!({
            let _ = value;
            Encoded::Skip("no body")
        }),
    }
}
