//! What every fuzz target asserts, and the panic hook they share.
//!
//! The property is the generator's promise about bad input: no panic, no hang, and an input it refuses
//! comes back as [`Diagnostics`] holding at least one error, every message non-empty.

use atlas_codegen::{Diagnostics, Options, Severity};

/// Installs a panic hook that aborts (a libFuzzer crash) on every panic but the ones openapiv3 raises
/// from the `expect`s in its deserializers, which `load::from_value` catches and reports as a shape
/// error. libfuzzer-sys's own hook aborts on every panic, caught or not, which would make those
/// documented, handled panics look like findings.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_openapiv3 = info.location().is_some_and(|l| l.file().contains("/openapiv3-"));
        if !in_openapiv3 {
            default(info);
            std::process::abort();
        }
    }));
}

/// Asserts that refused input carries at least one error and that no message is empty.
pub fn check_refusal(diags: &Diagnostics) {
    assert!(diags.has_errors(), "refused without an error: {:?}", diags.items());
    check_messages(diags);
}

/// Asserts that every diagnostic (warnings of a success included) says something.
pub fn check_messages(diags: &Diagnostics) {
    for d in diags.items() {
        assert!(!d.message.trim().is_empty(), "a diagnostic without a message: {d:?}");
        assert!(!d.file.is_empty(), "a diagnostic without a file: {d:?}");
    }
}

/// Asserts a success carries no errors (warnings only).
pub fn check_warnings(warnings: &Diagnostics) {
    assert!(warnings.items().iter().all(|d| d.severity == Severity::Warning), "errors in a success: {warnings:?}");
    check_messages(warnings);
}

/// Generation options chosen by one byte of fuzzer input, so every target reaches the version pinning,
/// preview and conformance-harness paths too.
pub fn options(byte: u8) -> Options {
    let api_version = match byte & 0b11 {
        0 | 1 => None,
        2 => Some("2024-08-05".to_owned()),
        _ => Some("2023-01-01".to_owned()),
    };
    Options { api_version, preview: byte & 0b100 != 0, conformance: byte & 0b1000 != 0, ..Options::default() }
}
