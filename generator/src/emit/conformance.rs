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

use super::tokens::{ident, type_tokens_in};
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
    let operations = api.operations.iter().map(|op| {
        let id = &op.id;
        let method = op.method.as_str();
        let idempotent = op.idempotent;
        let feature = feature.get(op.id.as_str()).copied().unwrap_or_default();
        let write_only = write_only_fields(api, op);
        quote! {
            Operation { id: #id, method: #method, idempotent: #idempotent, feature: #feature, enabled: cfg!(feature = #feature), write_only: &[#(#write_only),*] },
        }
    });
    let arms = api.operations.iter().enumerate().map(|(i, op)| {
        let function = ident(&format!("call_{i}"));
        let feature = feature.get(op.id.as_str()).copied().unwrap_or_default();
        quote!(#[cfg(feature = #feature)] #i => Some(#function(client).await),)
    });
    let runtime = harness_runtime();
    quote! {
        //! Calls every operation of the API with sample values computed from the spec. Two modes:
        //!
        //! * conformance (`ATLAS_CONFORMANCE_URL`): each operation once, printing one
        //!   `CONFORMANCE {json}` line per operation; run by `cargo xtask conformance --spec FILE`
        //!   against a Prism mock, which also checks the lines.
        //! * faults (`ATLAS_FAULTS_URL` and `ATLAS_FAULTS`): each operation once per fault, many at a
        //!   time, with a client configured for the fault proxy of `cargo xtask faults`, printing one
        //!   `FAULT {json}` line per call: what the client returned and how long it took.
        #![allow(deprecated, unused_imports, clippy::too_many_lines)]

        use #krate::models::*;
        use #krate::{Client, Error, Response, RetryPolicy};
        use serde_json::Value;
        use std::collections::BTreeMap;

        #(#functions)*

        /// Every operation of the API, in spec order (the index is the one `dispatch` takes).
        const OPERATIONS: &[Operation] = &[#(#operations)*];

        /// Calls operation `index`; `None` when its tag's feature is off.
        async fn dispatch(index: usize, client: &Client) -> Option<Result<(u16, Encoded), Error>> {
            match index {
                #(#arms)*
                _ => None,
            }
        }

        #runtime
    }
}

/// The operation-independent part of the harness: its types, the two modes and `main`.
fn harness_runtime() -> TokenStream {
    quote! {
        /// What the harness knows of an operation.
        struct Operation {
            /// `operationId`.
            id: &'static str,
            /// The HTTP method.
            method: &'static str,
            /// Whether the client may retry it after a failure the server may have processed.
            idempotent: bool,
            /// Its tag's cargo feature.
            feature: &'static str,
            /// Whether that feature is on.
            enabled: bool,
            /// The wire names of the write-only fields of its success types, which the models do
            /// not decode (so they cannot re-encode equal).
            write_only: &'static [&'static str],
        }

        /// A success body re-encoded as JSON, or why there is none to compare.
        enum Encoded {
            /// The decoded body, serialized again.
            Json(Value),
            /// Why the body is not compared.
            Skip(&'static str),
        }

        /// A sample value, decoded into the type the client method takes.
        fn sample<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
            serde_json::from_str(json)
                .map_err(|e| Error::Config(format!("the sample value {json} does not decode: {e}")))
        }

        /// Re-encodes a decoded body.
        fn json<T: serde::Serialize>(value: &T) -> Encoded {
            match serde_json::to_value(value) {
                Ok(value) => Encoded::Json(value),
                Err(_) => Encoded::Skip("the decoded body does not serialize"),
            }
        }

        /// The error as one line: its message and, for an error status, the body.
        fn failure(error: &Error) -> String {
            match error.api_failure() {
                Some(failure) => format!("{error}: {}", failure.body),
                None => format!("{error}"),
            }
        }

        /// Whether to call `id`: every operation, or those `ATLAS_CONFORMANCE_ONLY` lists.
        fn wanted(only: Option<&[String]>, id: &str) -> bool {
            only.is_none_or(|ids| ids.iter().any(|wanted| wanted == id))
        }

        /// Conformance mode: every operation once against `base`, one `CONFORMANCE` line each.
        async fn conformance(base: &str, only: Option<&[String]>) -> Result<(), String> {
            let client = Client::builder()
                .base_url(base)
                .bearer("conformance-token")
                .retry_policy(RetryPolicy::none())
                .build()
                .map_err(|e| format!("cannot build the client: {e}"))?;
            let http = reqwest::Client::new();
            for (index, op) in OPERATIONS.iter().enumerate() {
                if !wanted(only, op.id) {
                    continue;
                }
                if !op.enabled {
                    let off = format!("its tag's feature `{}` is off", op.feature);
                    println!("CONFORMANCE {}", serde_json::json!({"op": op.id, "skip": off}));
                    continue;
                }
                // Tells the recording proxy which operation the next requests belong to.
                if let Err(e) = http.get(format!("{base}/__conformance/{}", op.id)).send().await {
                    eprintln!("conformance: the proxy did not take the marker for {}: {e}", op.id);
                }
                let line = match dispatch(index, &client).await {
                    Some(Ok((status, Encoded::Json(body)))) => {
                        serde_json::json!({"op": op.id, "status": status, "body": body, "write_only": op.write_only})
                    }
                    Some(Ok((status, Encoded::Skip(why)))) => serde_json::json!({"op": op.id, "status": status, "skip": why}),
                    Some(Err(error)) => serde_json::json!({"op": op.id, "error": failure(&error)}),
                    None => serde_json::json!({"op": op.id, "skip": "its tag's feature is off"}),
                };
                println!("CONFORMANCE {line}");
            }
            let called = only.map_or(OPERATIONS.len(), <[String]>::len);
            eprintln!("conformance: called {called} operations");
            Ok(())
        }

        /// The client settings of faults mode: short, so that a stalled answer times out and every
        /// retry budget runs out within seconds. Printed on the `FAULTS-CONFIG` line for the judge.
        mod faults_config {
            use std::time::Duration;
            /// Per-attempt timeout (also the connect timeout): long enough for a loaded 2-core machine
            /// running 16 calls at a time, short enough that a stalled answer costs seconds.
            pub const TIMEOUT: Duration = Duration::from_secs(4);
            /// The response body cap.
            pub const MAX_BODY: usize = 1024 * 1024;
            /// Attempts per call, the first included.
            pub const ATTEMPTS: u32 = 3;
            /// Upper bound of the first backoff.
            pub const INITIAL_BACKOFF: Duration = Duration::from_millis(50);
            /// The retry budget of one call.
            pub const MAX_ELAPSED: Duration = Duration::from_secs(8);
            /// A call still running after this long is reported as a hang (the client promises to
            /// end within `MAX_ELAPSED` plus one attempt).
            pub const HANG: Duration = Duration::from_secs(30);
        }

        /// The error's kind, as the judge of `cargo xtask faults` names it.
        fn kind(error: &Error) -> &'static str {
            match error {
                Error::Validation(_) => "validation",
                Error::Timeout { .. } => "timeout",
                Error::Connect { .. } => "connect",
                Error::Transport { .. } => "transport",
                Error::Api(_) => "api",
                Error::Encode { .. } => "encode",
                Error::Decode { .. } => "decode",
                Error::ResponseTooLarge { .. } => "too-large",
                Error::Auth(_) => "auth",
                Error::Config(_) => "config",
                Error::Pagination(_) => "pagination",
                _ => "other",
            }
        }

        /// One call of operation `index` under `fault`, through a client whose requests carry
        /// `x-atlas-fault: <fault> <operationId>` so the proxy knows what to inject; the `FAULT` line.
        async fn fault_call(index: usize, fault: String, base: String) -> Value {
            use futures::FutureExt;
            let op = &OPERATIONS[index];
            let mut headers = reqwest::header::HeaderMap::new();
            let tag = format!("{fault} {}", op.id);
            if let Ok(value) = reqwest::header::HeaderValue::from_str(&tag) {
                headers.insert("x-atlas-fault", value);
            }
            let built = reqwest::Client::builder()
                .default_headers(headers)
                .connect_timeout(faults_config::TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| e.to_string())
                .and_then(|http| {
                    let policy = RetryPolicy::default()
                        .max_attempts(faults_config::ATTEMPTS)
                        .initial_backoff(faults_config::INITIAL_BACKOFF)
                        .max_elapsed(faults_config::MAX_ELAPSED);
                    Client::builder()
                        .base_url(&base)
                        .bearer("faults-token")
                        .reqwest_client(http)
                        .timeout(faults_config::TIMEOUT)
                        .max_response_body(faults_config::MAX_BODY)
                        .retry_policy(policy)
                        .build()
                        .map_err(|e| e.to_string())
                });
            let client = match built {
                Ok(client) => client,
                Err(e) => return serde_json::json!({"op": op.id, "fault": fault, "kind": "setup", "message": e}),
            };
            let started = std::time::Instant::now();
            let call = tokio::time::timeout(faults_config::HANG, dispatch(index, &client));
            let outcome = std::panic::AssertUnwindSafe(call).catch_unwind().await;
            let ms = started.elapsed().as_millis() as u64;
            let mut line = serde_json::json!({"op": op.id, "fault": fault, "method": op.method, "idempotent": op.idempotent, "ms": ms});
            let fields = match outcome {
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    serde_json::json!({"kind": "panic", "message": message})
                }
                Ok(Err(_)) => serde_json::json!({"kind": "hang"}),
                Ok(Ok(None)) => serde_json::json!({"kind": "skip"}),
                Ok(Ok(Some(Ok((status, Encoded::Json(body)))))) => serde_json::json!({"kind": "ok", "status": status, "body": body}),
                Ok(Ok(Some(Ok((status, Encoded::Skip(why)))))) => serde_json::json!({"kind": "ok", "status": status, "skip": why}),
                Ok(Ok(Some(Err(error)))) => serde_json::json!({
                    "kind": kind(&error),
                    "status": error.status(),
                    "retry_after_ms": error.retry_after().map(|d| d.as_millis() as u64),
                    "api_body": error.api_failure().map(|f| f.body.clone()),
                    "message": error.to_string(),
                }),
            };
            if let (Some(line), Value::Object(fields)) = (line.as_object_mut(), fields) {
                line.extend(fields);
            }
            line
        }

        /// Faults mode: every wanted operation once per fault, `concurrency` calls at a time; one
        /// `FAULT` line per call, after a `FAULTS-CONFIG` line with the client's settings, and a
        /// `FAULTS-DONE` line with the number of calls and the peak memory.
        async fn faults(proxy: &str, faults: &[String], only: Option<&[String]>, concurrency: usize) -> Result<(), String> {
            use futures::StreamExt;
            // `refused` goes to a port nothing listens on: bound a moment ago and closed again.
            let dead = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|listener| listener.local_addr())
                .map(|address| format!("http://{address}"))
                .map_err(|e| format!("cannot find a free port: {e}"))?;
            let config = serde_json::json!({
                "timeout_ms": faults_config::TIMEOUT.as_millis() as u64,
                "max_body": faults_config::MAX_BODY,
                "attempts": faults_config::ATTEMPTS,
                "max_elapsed_ms": faults_config::MAX_ELAPSED.as_millis() as u64,
            });
            println!("FAULTS-CONFIG {config}");
            let mut calls = Vec::new();
            for fault in faults {
                let base = if fault == "refused" { dead.clone() } else { proxy.to_owned() };
                for (index, op) in OPERATIONS.iter().enumerate() {
                    if op.enabled && wanted(only, op.id) {
                        calls.push(fault_call(index, fault.clone(), base.clone()));
                    }
                }
            }
            let total = calls.len();
            futures::stream::iter(calls)
                .buffer_unordered(concurrency.max(1))
                .for_each(|line| {
                    println!("FAULT {line}");
                    std::future::ready(())
                })
                .await;
            // Peak memory (Linux): bounded only if every huge body stopped at the cap.
            let peak_kib = std::fs::read_to_string("/proc/self/status").ok().and_then(|status| {
                status.lines().find_map(|line| line.strip_prefix("VmHWM:")?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok())
            });
            println!("FAULTS-DONE {}", serde_json::json!({"calls": total, "peak_rss_kib": peak_kib}));
            eprintln!("faults: made {total} calls");
            Ok(())
        }

        #[tokio::main]
        async fn main() -> std::process::ExitCode {
            let only: Option<Vec<String>> = std::env::var("ATLAS_CONFORMANCE_ONLY")
                .ok()
                .map(|ids| ids.split(',').map(str::to_owned).collect());
            let result = match (std::env::var("ATLAS_CONFORMANCE_URL"), std::env::var("ATLAS_FAULTS_URL")) {
                (Ok(base), _) => conformance(&base, only.as_deref()).await,
                (_, Ok(proxy)) => {
                    let list: Vec<String> = std::env::var("ATLAS_FAULTS").unwrap_or_default().split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect();
                    let concurrency = std::env::var("ATLAS_FAULTS_CONCURRENCY").ok().and_then(|n| n.parse().ok()).unwrap_or(16);
                    faults(&proxy, &list, only.as_deref(), concurrency).await
                }
                _ => Err("set ATLAS_CONFORMANCE_URL (conformance) or ATLAS_FAULTS_URL and ATLAS_FAULTS (faults) to the proxy's base URL".to_owned()),
            };
            match result {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("{message}");
                    std::process::ExitCode::FAILURE
                }
            }
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
            let ty = type_tokens_in(&p.ty, &quote!(#krate));
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
                        let ty = type_tokens_in(&ty, &quote!(#krate));
                        quote!(sample::<#ty>(#json)?)
                    };
                    parts.push(part_value);
                }
                lets.push(quote!(let body = #krate::#name::new(#(#parts),*);));
            }
            (BodyEncoding::Multipart, None) => lets.push(quote!(let body = #krate::multipart::Form::new();)),
            (_, _) => {
                let ty = type_tokens_in(&body.ty, &quote!(#krate));
                let json = value.to_string();
                lets.push(quote!(let body: #ty = sample(#json)?;));
            }
        }
        args.push(quote!(body));
    }
    let encode = encode(krate, &op.output);
    quote! {
        async fn #function(client: &Client) -> Result<(u16, Encoded), Error> {
            #(#lets)*
            let response = client.#method(#(#args),*).send_with_meta().await?;
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
