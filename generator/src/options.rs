//! What a caller chooses about the generated client; read by lowering (which API version, the
//! customisation) and by the crate plan (which artefacts).

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
    /// What a team customises (subset, renames, replacement types, derives, extra dependencies):
    /// the library form of the `atlas-codegen.toml` file ([`crate::config`]). Applied by the lowering.
    pub customisation: crate::config::Customisation,
    /// Where the entry points that read a spec from a path ([`crate::generate_path`],
    /// [`crate::build_script::BuildScript`]) find the customisation file: beside the spec by default.
    pub config_file: crate::config::ConfigFile,
}
