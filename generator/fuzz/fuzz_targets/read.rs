//! Bytes -> reading and normalising (`load::parse`): YAML and JSON syntax, OpenAPI 3.0/3.1 and Swagger
//! 2.0 normalisation, openapiv3's model and `$ref` resolution.
#![no_main]

use atlas_codegen::{load, normalize, Diagnostics};
use atlas_codegen_fuzz::{check_messages, check_refusal, install_panic_hook};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: install_panic_hook(), |data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Not UTF-8: the byte reader must say so, never panic.
        let mut diags = Diagnostics::new("spec.yaml");
        assert!(normalize::read::read_bytes("spec.yaml", data, &mut diags).is_err());
        check_refusal(&diags);
        return;
    };
    for file in ["spec.yaml", "spec.json"] {
        match load::parse(file, text) {
            Ok(spec) => check_messages(&spec.warnings),
            Err(diags) => check_refusal(&diags),
        }
    }
});
