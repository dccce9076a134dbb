//! Generates the client of the Programmatic API Keys fragment into `OUT_DIR/client.rs` (see
//! `atlas_codegen::build_script`). Cargo runs this again only when the description changes (or the
//! `atlas-codegen.toml` beside it, which would customise the client: a subset, renames, types of your
//! own, derives; this example has none, or `.options(Options { config_file: ConfigFile::Path(..), .. })`).

use atlas_codegen::build_script::BuildScript;

fn main() {
    let output = match BuildScript::new("../../../spec/atlas-api-keys.yaml").run() {
        Ok(output) => output,
        Err(error) => {
            // The diagnostics name the file, the JSON pointer and what is wrong.
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    // A tag feature this crate does not declare would compile its operations out silently.
    let manifest = std::fs::read_to_string("Cargo.toml").unwrap_or_default();
    for feature in &output.features {
        if !manifest.lines().any(|line| line.starts_with(&format!("{feature} ="))) {
            eprintln!("Cargo.toml must declare the tag feature `{feature} = []` (see build_script::Output::features)");
            std::process::exit(1);
        }
    }
}
