//! A parsed document -> the IR (`lower::lower`), under each combination of generation options. Inputs
//! the reader refuses are rejected from the corpus, so the fuzzer spends its time on lowering.
#![no_main]

use atlas_codegen::{load, lower};
use atlas_codegen_fuzz::{check_refusal, check_warnings, install_panic_hook, options};
use libfuzzer_sys::{fuzz_target, Corpus};

fuzz_target!(init: install_panic_hook(), |data: &[u8]| -> Corpus {
    let Some((&option_byte, rest)) = data.split_last() else { return Corpus::Reject };
    let Ok(text) = std::str::from_utf8(rest) else { return Corpus::Reject };
    // JSON is YAML; reading as YAML accepts both.
    let Ok(spec) = load::parse("spec.yaml", text) else { return Corpus::Reject };
    match lower::lower(&spec, &options(option_byte)) {
        Ok((_api, warnings)) => check_warnings(&warnings),
        Err(diags) => check_refusal(&diags),
    }
    Corpus::Keep
});
