//! atlas-codegen: turns an OpenAPI description of the MongoDB Atlas Administration API into a
//! typed Rust client crate. `ARCHITECTURE.md` at the repository root is the map.
//!
//! The stages, one module each; only the named data crosses each boundary:
//!
//! 1. read and [`normalize`]: the bytes (YAML or JSON) to one OpenAPI 3.0 JSON document, from
//!    OpenAPI 3.1 and Swagger 2.0 too, with real-world mistakes read as meant and a map of where each
//!    moved node came from (for diagnostics);
//! 2. [`load`]: that document to openapiv3 types, with `$ref` resolution;
//! 3. [`lower`]: openapiv3 types to the [`ir`], checking every rule the emitter relies on;
//! 4. [`plan`]: the IR and [`Options`] to a [`plan::CratePlan`], the crate's shape decided once (name,
//!    tags, models modules, features) and its one list of artefacts;
//! 5. [`emit`] (the Rust modules, through quote and prettyplease) and [`render`] (the templated files,
//!    through minijinja), which read the plan and the IR and never see openapiv3;
//!    [`generate_planned`] makes every artefact and is the one place the file set is assembled.
//!
//! [`generate`] runs them all and returns the complete file set of the generated crate.
#![deny(missing_docs)]

pub mod build_script;
pub mod config;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod files;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalize;
pub mod options;
pub mod plan;
pub mod render;
pub mod sample;
pub mod single_file;
pub mod used_names;
pub mod write;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use options::Options;

/// The repository README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
pub use files::GeneratedFile;

/// Parses and lowers a spec: everything up to the IR, plus any warnings. `file` names the spec in
/// diagnostics and in the generated files' headers (use a path relative to the repository root for
/// reproducible output).
pub fn lower_spec(file: &str, text: &str) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    lower_spec_with(file, text, &Options::default())
}

/// Like [`lower_spec`], with generation options.
pub fn lower_spec_with(file: &str, text: &str, options: &Options) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let spec = load::parse(file, text)?;
    // The lowering reports at pointers of the normalised document; the user wrote another one.
    match lower::lower(&spec, options) {
        Ok((api, warnings)) => Ok((api, spec.relocate(warnings))),
        Err(diags) => Err(spec.relocate(diags)),
    }
}

/// Like [`lower_spec_with`], for a description read from `path` (named `file` in diagnostics and
/// headers) together with every local file its `$ref`s lead to, customised by the
/// `atlas-codegen.toml` beside it ([`Options::config_file`]).
pub fn lower_path_with(
    path: &std::path::Path,
    file: &str,
    options: &Options,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let (options, _) = config::resolve(path, file, options)?;
    let spec = load::read_path(path, file)?;
    match lower::lower(&spec, &options) {
        Ok((api, warnings)) => Ok((api, spec.relocate(warnings))),
        Err(diags) => Err(spec.relocate(diags)),
    }
}

/// The generator's output for a spec that has no errors.
#[derive(Debug)]
pub struct Generated {
    /// Every file of the generated crate, sorted by path, each with its "do not edit" header.
    pub files: Vec<GeneratedFile>,
    /// Warnings found on the way (never errors).
    pub warnings: Diagnostics,
}

/// Runs the whole pipeline.
pub fn generate(file: &str, text: &str) -> Result<Generated, Diagnostics> {
    generate_with(file, text, &Options::default())
}

/// Runs the whole pipeline with generation options.
pub fn generate_with(file: &str, text: &str, options: &Options) -> Result<Generated, Diagnostics> {
    let (api, warnings) = lower_spec_with(file, text, options)?;
    generate_lowered(&api, warnings, options)
}

/// Runs the whole pipeline on the description read from `path` (named `file` in diagnostics and
/// headers; use a path relative to the repository root for reproducible output) and every local file
/// its `$ref`s lead to, customised by the `atlas-codegen.toml` beside it ([`Options::config_file`]).
pub fn generate_path(path: &std::path::Path, file: &str, options: &Options) -> Result<Generated, Diagnostics> {
    let (api, warnings) = lower_path_with(path, file, options)?;
    generate_lowered(&api, warnings, options)
}

/// The emit stage for an IR that [`lower_spec_with`] made with the same `options`, carrying its
/// `warnings` along; for callers that also need the IR (the conformance run reads the media types
/// the client chose from it).
pub fn generate_lowered(api: &ir::Api, warnings: Diagnostics, options: &Options) -> Result<Generated, Diagnostics> {
    let plan = plan::CratePlan::new(api, options);
    let files = generate_planned(&plan).map_err(|message| {
        let mut diags = Diagnostics::new(&api.source);
        diags.error("", message);
        diags
    })?;
    Ok(Generated { files, warnings })
}

/// The emit stage alone with the default options, for callers that already hold an IR.
pub fn generate_from_ir(api: &ir::Api) -> Result<Vec<GeneratedFile>, String> {
    generate_planned(&plan::CratePlan::new(api, &Options::default()))
}

/// Makes every artefact of `plan`: the one place the file set is assembled. Rust modules come from
/// [`emit`], templates from [`render`], fixed files are copied; each gets its "do not edit" header,
/// and the set is sorted by path.
pub fn generate_planned(plan: &plan::CratePlan<'_>) -> Result<Vec<GeneratedFile>, String> {
    // The templates (API.md mostly) render while the Rust files print; neither depends on the other.
    let (emitted, rendered) = std::thread::scope(|scope| {
        let rendered = scope.spawn(|| render::render_planned(plan));
        let emitted = emit::emit_planned(plan);
        (emitted, rendered.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut files = emitted?;
    files.extend(rendered?);
    files.extend(plan.artefacts.iter().filter_map(|artefact| match artefact.maker {
        plan::artefacts::Maker::Copy(text) => {
            Some(GeneratedFile { path: artefact.path.clone(), contents: text.to_owned() })
        }
        plan::artefacts::Maker::Rust(_) | plan::artefacts::Maker::Template(_) => None,
    }));
    let mut files: Vec<GeneratedFile> = files.into_iter().map(|f| f.with_header(&plan.api.source)).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
