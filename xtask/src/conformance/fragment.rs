//! `cargo xtask conformance fragment`: runs the generated client against a Prism mock of the spec.
//!
//! Starts `prism mock spec/atlas-api-keys.yaml --errors` on a free loopback port, waits until it answers,
//! runs the `#[ignore]`d `conformance::` tests of `cargo test -p atlas-codegen --test client` with `ATLAS_PRISM_URL` pointing at
//! it, and always stops Prism (and every process it spawned) afterwards, whatever happened.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::prism::{with_prism, LOG_TAIL_BYTES};
use crate::util::{self, ensure_tool};

/// Runs the conformance tests against Prism; `Err` when Prism cannot start or a test fails.
pub fn run(root: &Path) -> Result<(), String> {
    let Some(prism_bin) = ensure_tool(root, "prism")? else {
        return Ok(());
    };
    let cargo = util::cargo();
    let test_args = ["test", "-p", "atlas-codegen", "--test", "client"];
    // Build first, so that compile time does not count against Prism and build errors need no Prism.
    println!("conformance: cargo {} --no-run", test_args.join(" "));
    util::run_cargo(root, &[&test_args[..], &["--no-run"]].concat(), "conformance: building the conformance tests")?;

    let run_args = ["--", "conformance::", "--ignored", "--nocapture", "--test-threads=1"];
    with_prism(root, &prism_bin, |url, prism| {
        println!("conformance: ATLAS_PRISM_URL={url} cargo {} {}", test_args.join(" "), run_args.join(" "));
        let status = Command::new(&cargo)
            .args(test_args)
            .args(run_args)
            .current_dir(root)
            .env("ATLAS_PRISM_URL", url)
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("conformance: could not run cargo test: {e}"))?;
        if !status.success() {
            return Err(format!(
                "conformance: the conformance tests failed ({status}).\n--- Prism log (last {LOG_TAIL_BYTES} bytes) ---\n{}",
                prism.log_tail()
            ));
        }
        Ok(())
    })?;
    println!("conformance: all conformance tests passed; Prism stopped");
    Ok(())
}
