//! `cargo xtask demo`: the main job end to end. Regenerates `generated/` from the spec, then runs the
//! generated crate's quickstart example against a Prism mock built from the same spec.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::ensure_tool;
use crate::util::prism::with_prism;

pub fn run(root: &Path) -> Result<(), String> {
    crate::codegen::run(root, &crate::codegen::Options::project(root))?;
    let cargo = crate::util::cargo();
    let example = ["run", "--quiet", "-p", "atlas-admin-client", "--example", "quickstart"];
    // Build before starting the mock, so compile time does not count against Prism's start-up.
    crate::util::run_cargo(
        root,
        &["build", "--quiet", "-p", "atlas-admin-client", "--example", "quickstart"],
        "demo: building the quickstart example",
    )?;
    let Some(prism_bin) = ensure_tool(root, "prism")? else {
        return Err("demo: the Prism mock needs Node.js >= 20.19 with npm; see tools/install.sh".to_owned());
    };
    with_prism(root, &prism_bin, |url, prism| {
        println!("demo: ATLAS_BASE_URL={url} cargo {}\n", example.join(" "));
        // Prism enforces the spec's security schemes; any bearer token satisfies its OAuth2 check.
        let status = Command::new(&cargo)
            .args(example)
            .current_dir(root)
            .env("ATLAS_BASE_URL", url)
            .env("ATLAS_ACCESS_TOKEN", "demo-token")
            .env_remove("ATLAS_PUBLIC_KEY")
            .env_remove("ATLAS_CLIENT_ID")
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("demo: could not run the example: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("demo: the example failed ({status}).\n--- Prism log ---\n{}", prism.log_tail()))
        }
    })?;
    println!("\ndemo: done; the Prism mock is stopped");
    Ok(())
}
