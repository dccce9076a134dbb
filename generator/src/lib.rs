//! atlas-codegen: turns an OpenAPI 3.0 description of the MongoDB Atlas Administration API into a
//! typed Rust client crate.
//!
//! The pipeline has three stages, one module each, and nothing but the IR passes between them:
//!
//! 1. [`load`]: YAML to openapiv3 types, with `$ref` resolution;
//! 2. [`lower`]: openapiv3 types to the [`ir`], checking every rule the emitter relies on;
//! 3. [`emit`] (Rust, through quote and prettyplease) and [`render`] (Cargo.toml and README, through
//!    minijinja), which see only the IR.
//!
//! [`generate`] runs them all and returns the complete file set of the generated crate.
#![deny(missing_docs)]

pub mod diag;
pub mod diff;
pub mod drift;
pub mod emit;
pub mod examples;
pub mod files;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod render;
pub mod sample;
pub mod subset;

pub use diag::{Diagnostic, Diagnostics, Severity};

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
    lower::lower(&spec, options)
}

/// Choices a caller makes about the generated client (`cargo xtask codegen --api-version DATE --preview`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Pins the API to a date (`2024-08-05`): each operation uses its newest dated version at or before
    /// it, and operations with none are left out (with a warning). `None`: each operation's newest
    /// stable version. Also the date a version's `x-sunset` is compared to.
    pub api_version: Option<String>,
    /// Use an operation's `preview` version when it has one.
    pub preview: bool,
    /// Also emit `examples/conformance.rs`, a program that calls every operation once with sample
    /// values (`cargo xtask conformance --spec FILE`); off for the normal output.
    pub conformance: bool,
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

/// The emit stage for an IR that [`lower_spec_with`] made with the same `options`, carrying its
/// `warnings` along; for callers that also need the IR (the conformance run reads the media types
/// the client chose from it).
pub fn generate_lowered(api: &ir::Api, warnings: Diagnostics, options: &Options) -> Result<Generated, Diagnostics> {
    let to_diags = |message: String| {
        let mut diags = Diagnostics::new(&api.source);
        diags.error("", message);
        diags
    };
    let mut files = generate_from_ir(api).map_err(to_diags)?;
    if options.conformance {
        let harness = emit::conformance_harness(api).map_err(to_diags)?.with_header(&api.source);
        files.push(harness);
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(Generated { files, warnings })
}

/// The emit stage alone, for callers that already hold an IR.
pub fn generate_from_ir(api: &ir::Api) -> Result<Vec<GeneratedFile>, String> {
    // The templates (API.md mostly) render while the Rust files print; neither depends on the other.
    let (emitted, rendered) = std::thread::scope(|scope| {
        let rendered = scope.spawn(|| render::render(api));
        let emitted = emit::emit(api);
        (emitted, rendered.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut files = emitted?;
    files.extend(rendered?);
    files.extend(examples::fitting(api));
    files.extend(
        files::RUNTIME
            .iter()
            .map(|(path, contents)| GeneratedFile { path: (*path).to_owned(), contents: (*contents).to_owned() }),
    );
    let mut files: Vec<GeneratedFile> = files.into_iter().map(|f| f.with_header(&api.source)).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
