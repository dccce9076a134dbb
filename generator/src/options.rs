//! What a caller chooses about the generated client; read by lowering (which API version) and by
//! the crate plan (which artefacts).

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
