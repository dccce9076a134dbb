//! Stage 2: openapiv3 types to the IR. With `load`, the only module that names openapiv3.
//!
//! Lowering never stops at the first problem: it records a diagnostic, skips the broken piece and goes
//! on, so one run reports every mistake in a spec.

mod check;
mod compose;
mod custom;
mod formats;
mod keywords;
mod names;
mod operation;
mod schema;

use crate::diag::Diagnostics;
use crate::ir::{graph, Api, SecurityKind, SecurityScheme};
use crate::load::Spec;
use crate::naming::Namer;
use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme as OaScheme};

/// Lowers a loaded spec. On success, the diagnostics hold only warnings.
pub fn lower(spec: &Spec, options: &crate::options::Options) -> Result<(Api, Diagnostics), Diagnostics> {
    let (result, wanted) = lower_with(spec, options, names::TypePlan::default());
    // Derived type names that clashed are settled by their pointers, not by which the lowering met
    // first: a second run knows every claimant (only for specs with such a clash; see `names.rs`).
    match names::TypePlan::from_claims(wanted) {
        Some(plan) => lower_with(spec, options, plan).0,
        None => result,
    }
}

/// One run of the lowering with a plan for derived type names that clash; also returns every derived
/// type name claimed.
fn lower_with(
    spec: &Spec,
    options: &crate::options::Options,
    plan: names::TypePlan,
) -> (Result<(Api, Diagnostics), Diagnostics>, Vec<names::Wanted>) {
    let mut lowerer = Lowerer {
        type_plan: plan,
        wanted: Vec::new(),
        options: options.clone(),
        sunset_reference: None,
        doc: &spec.doc,
        diags: Diagnostics::new(&spec.file),
        schemas: Vec::new(),
        types: Namer::new(),
        component_types: std::collections::BTreeMap::new(),
        patterns: check::Patterns::default(),
        parents: Vec::new(),
        unsatisfiable: Vec::new(),
    };
    keywords::unenforced(&spec.raw, &mut lowerer.diags);
    lowerer.check_customisation();
    lowerer.name_components();
    lowerer.lower_components();
    lowerer.sunset_reference = options.api_version.clone().or_else(|| lowerer.newest_version());
    let operations = lowerer.lower_operations();
    let security = lowerer.lower_security();
    let base_url = spec.doc.servers.first().map(|s| s.url.trim_end_matches('/').to_owned());
    if base_url.is_none() {
        lowerer
            .diags
            .warning("/servers", "the spec lists no server; the client's default base URL will be empty")
            .with_hint("add `servers: [{url: https://...}]`");
    }
    let Lowerer { mut diags, schemas, wanted, .. } = lowerer;
    let mut api = Api {
        source: spec.file.clone(),
        title: spec.doc.info.title.clone(),
        version: spec.doc.info.version.clone(),
        description: spec.doc.info.description.clone(),
        base_url: base_url.unwrap_or_default(),
        security,
        operations,
        schemas,
        dependencies: custom::dependencies(&options.customisation),
    };
    graph::link(&mut api);
    custom::prune(&mut api, &options.customisation);
    custom::derives(&mut api, &options.customisation, &mut diags);
    check::api(&api, &mut diags);
    let result = if diags.has_errors() { Err(diags) } else { Ok((api, diags)) };
    (result, wanted)
}

/// Lowering state shared by the submodules.
pub(crate) struct Lowerer<'a> {
    doc: &'a OpenAPI,
    /// The caller's choices (API version pin, preview).
    options: crate::options::Options,
    /// The date a chosen version's `x-sunset` is compared to: the pinned version, else the newest
    /// dated version the spec mentions (never the wall clock, so the output is reproducible).
    sunset_reference: Option<String>,
    diags: Diagnostics,
    schemas: Vec<crate::ir::Schema>,
    types: Namer,
    /// Who gets each clashing derived type name, from a first run (`names.rs`).
    type_plan: names::TypePlan,
    /// Every derived type name claimed, for the plan.
    wanted: Vec<names::Wanted>,
    /// The Rust type of each `components/schemas` entry, settled before any is lowered (`names.rs`).
    component_types: std::collections::BTreeMap<String, String>,
    /// Patterns that already compiled, and how: big specs repeat the same id pattern hundreds of
    /// times, and a regex compile costs ~14 µs (see BENCHMARKS.md).
    patterns: check::Patterns,
    /// The `allOf` parents of structs lowered but not yet pushed, by Rust name.
    parents: Vec<(String, Vec<crate::ir::SchemaRef>)>,
    /// Why a type lowered but not yet pushed admits no value, by Rust name ([`crate::ir::Schema::unsatisfiable`]).
    unsatisfiable: Vec<(String, String)>,
}

impl Lowerer<'_> {
    fn lower_security(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.doc.components else { return Vec::new() };
        let mut out = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = crate::diag::pointer(["components", "securitySchemes", name.as_str()]);
            let ReferenceOr::Item(scheme) = scheme else {
                self.diags.error(pointer, "a `$ref` security scheme is not supported; define it inline");
                continue;
            };
            let (kind, description) = match scheme {
                OaScheme::HTTP { scheme, description, .. } => {
                    let kind = match scheme.to_ascii_lowercase().as_str() {
                        "digest" => SecurityKind::HttpDigest,
                        "bearer" => SecurityKind::HttpBearer,
                        "basic" => SecurityKind::HttpBasic,
                        other => SecurityKind::Other { scheme: format!("http {other}") },
                    };
                    (kind, description.clone())
                }
                OaScheme::OAuth2 { flows, description, .. } => match &flows.client_credentials {
                    Some(cc) => {
                        (SecurityKind::OAuth2ClientCredentials { token_url: cc.token_url.clone() }, description.clone())
                    }
                    None => (SecurityKind::Other { scheme: "oauth2".to_owned() }, description.clone()),
                },
                OaScheme::APIKey { description, .. } => {
                    (SecurityKind::Other { scheme: "apiKey".to_owned() }, description.clone())
                }
                OaScheme::OpenIDConnect { description, .. } => {
                    (SecurityKind::Other { scheme: "openIdConnect".to_owned() }, description.clone())
                }
            };
            out.push(SecurityScheme { name: name.clone(), kind, description });
        }
        out
    }
}
