//! The generator from a Cargo build script: the client of a description is written into `OUT_DIR` as
//! one file, which a crate of the user's own `include!`s at its root.
//!
//! ```no_run
//! // build.rs of a crate whose Cargo.toml has the generated crate's dependencies and tag features
//! // (`Output::features`), and atlas-codegen under [build-dependencies].
//! if let Err(error) = atlas_codegen::build_script::BuildScript::new("openapi.yaml").run() {
//!     // A malformed description names the file, the JSON pointer and what is wrong.
//!     eprintln!("{error}");
//!     std::process::exit(1);
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs of that crate: the crate attributes the client expects, then the client.
//! #![deny(missing_docs)]
//! //! The API's client, generated at build time.
//! include!(concat!(env!("OUT_DIR"), "/client.rs"));
//! ```
//!
//! [`BuildScript::run`] tells Cargo to run the script again when the description, any file its
//! `$ref`s lead to or the customisation file beside it (`atlas-codegen.toml`, see [`crate::config`])
//! changes (and only then), and turns every generator warning into a `cargo::warning`.
//! The same in a team's own xtask, which commits the client as a crate of its own instead, is
//! [`crate::generate_path`] followed by [`crate::write::write`] (or [`crate::write::compare`] for a
//! `--check`); `generator/examples/` in this repository has both.

use crate::{config, diag::Diagnostics, load, lower, plan, single_file, write, Options};
use std::path::{Path, PathBuf};

/// What to generate, and where (the file name inside `OUT_DIR`).
#[derive(Debug, Clone)]
pub struct BuildScript {
    spec: PathBuf,
    options: Options,
    file_name: String,
}

/// What a run wrote and found.
#[derive(Debug)]
pub struct Output {
    /// The file written (`OUT_DIR/client.rs`).
    pub path: PathBuf,
    /// Every file read: the description, the files its `$ref`s lead to, and the customisation file
    /// (`atlas-codegen.toml`) when there is one. A customisation file added later is seen once the
    /// description changes (or after `cargo clean`).
    pub sources: Vec<PathBuf>,
    /// The cargo features the code is gated on, one per tag: the including crate declares each
    /// (`[features] clusters = []`), and enables those it wants.
    pub features: Vec<String>,
    /// The inner attributes of the generated crate's root (`#![deny(missing_docs)]`), for the
    /// including crate's root to state.
    pub crate_attributes: Vec<String>,
    /// The `Cargo.toml` the generator would write for a crate of its own: the dependencies (and their
    /// features) the including crate needs.
    pub cargo_toml: String,
    /// The generator's warnings (never errors).
    pub warnings: Diagnostics,
}

impl BuildScript {
    /// The client of the description at `spec` (relative to the crate's directory, where Cargo runs
    /// build scripts; it also names the description in diagnostics), with default [`Options`], into
    /// `client.rs`.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        BuildScript { spec: spec.into(), options: Options::default(), file_name: "client.rs".to_owned() }
    }

    /// Generation options: the API version to pin, preview versions.
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The name of the file written into `OUT_DIR` (default `client.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// In a build script: writes the client into `OUT_DIR`, prints `cargo::rerun-if-changed` for every
    /// file read and `cargo::warning` for every warning. The error is the generator's diagnostics
    /// (file, JSON pointer, what is wrong, a hint), ready to print.
    pub fn run(self) -> Result<Output, String> {
        let out_dir = std::env::var_os("OUT_DIR")
            .ok_or("atlas-codegen: OUT_DIR is not set; BuildScript::run is for Cargo build scripts (use write_to)")?;
        // Watched even when generation fails, so fixing the description runs the script again.
        println!("cargo::rerun-if-changed={}", self.spec.display());
        let output = self.write_to(Path::new(&out_dir))?;
        for source in output.sources.iter().skip(1) {
            println!("cargo::rerun-if-changed={}", source.display());
        }
        for warning in output.warnings.items() {
            // One line each: Cargo shows a warning per `cargo::warning` line.
            println!("cargo::warning={}", warning.to_string().replace('\n', " "));
        }
        Ok(output)
    }

    /// Writes the client into `dir` (only when its contents changed, so Cargo's fingerprints hold)
    /// and reports what it read; prints nothing.
    pub fn write_to(&self, dir: &Path) -> Result<Output, String> {
        let name = self.spec.to_string_lossy().replace('\\', "/");
        let (options, config) = config::resolve(&self.spec, &name, &self.options).map_err(|d| d.to_string())?;
        let spec = load::read_path(&self.spec, &name).map_err(|d| d.to_string())?;
        let mut sources = vec![self.spec.clone()];
        sources.extend(spec.origins.sources().map(Path::to_path_buf));
        sources.extend(config);
        let (api, warnings) = match lower::lower(&spec, &options) {
            Ok((api, warnings)) => (api, spec.relocate(warnings)),
            Err(diags) => return Err(spec.relocate(diags).to_string()),
        };
        let generated = crate::generate_lowered(&api, warnings, &options).map_err(|d| d.to_string())?;
        let single = single_file::single_file(&generated.files)?;
        let features = plan::CratePlan::new(&api, &options).tags.iter().map(|tag| tag.feature.clone()).collect();
        let cargo_toml = generated.files.iter().find(|f| f.path == "Cargo.toml").map(|f| f.contents.clone());
        // Not `files::header`: that names `cargo xtask codegen`, this repository's command.
        let header =
            format!("// Generated by atlas-codegen's build script support from `{name}`. Do not edit by hand.\n");
        let file = crate::GeneratedFile { path: self.file_name.clone(), contents: header + &single.code };
        write::write(dir, std::slice::from_ref(&file), write::Scope::Listed)?;
        Ok(Output {
            path: dir.join(&self.file_name),
            sources,
            features,
            crate_attributes: single.crate_attributes,
            cargo_toml: cargo_toml.unwrap_or_default(),
            warnings: generated.warnings,
        })
    }
}
