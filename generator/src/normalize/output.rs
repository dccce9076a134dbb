//! What every normalising step hands back, kept in a leaf module so the steps never import
//! `normalize/mod.rs`, which imports them.

/// A document that cannot be read or normalised; the reasons are in the diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// The OpenAPI version every normalised document declares.
pub const OUTPUT_VERSION: &str = "3.0.3";
