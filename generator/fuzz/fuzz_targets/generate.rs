//! Bytes -> the whole pipeline (`generate_with`): reading, lowering, emitting and rendering.
#![no_main]

use atlas_codegen::generate_with;
use atlas_codegen_fuzz::{check_refusal, check_warnings, install_panic_hook, options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: install_panic_hook(), |data: &[u8]| {
    let Some((&option_byte, rest)) = data.split_last() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match generate_with("spec.yaml", text, &options(option_byte)) {
        Ok(generated) => {
            check_warnings(&generated.warnings);
            assert!(!generated.files.is_empty(), "a success without files");
        }
        Err(diags) => check_refusal(&diags),
    }
});
