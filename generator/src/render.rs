//! Non-Rust files of the generated crate (`Cargo.toml`, `README.md`), rendered with minijinja from
//! templates in `templates/`, fed the IR. Undefined variables are errors, so a template cannot silently
//! print nothing.

use crate::files::GeneratedFile;
use crate::ir::Api;
use minijinja::{context, Environment, UndefinedBehavior};

/// The generated crate's package name.
pub const CRATE_NAME: &str = "atlas-admin-client";
/// The generated crate's version.
pub const CRATE_VERSION: &str = "0.1.0";

const TEMPLATES: &[(&str, &str, &str)] = &[
    ("Cargo.toml", "Cargo.toml.j2", include_str!("../../templates/Cargo.toml.j2")),
    ("README.md", "README.md.j2", include_str!("../../templates/README.md.j2")),
    ("clippy.toml", "clippy.toml.j2", include_str!("../../templates/clippy.toml.j2")),
    ("rustfmt.toml", "rustfmt.toml.j2", include_str!("../../templates/rustfmt.toml.j2")),
];

/// Renders every templated file.
pub fn render(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    for (_, name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|e| format!("template {name}: {e}"))?;
    }
    let ctx = context! {
        api => api,
        crate_name => CRATE_NAME,
        crate_version => CRATE_VERSION,
        crate_ident => CRATE_NAME.replace('-', "_"),
    };
    let mut out = Vec::new();
    for (path, name, _) in TEMPLATES {
        let template = env.get_template(name).map_err(|e| format!("template {name}: {e}"))?;
        let contents = template.render(&ctx).map_err(|e| format!("template {name}: {e}"))?;
        out.push(GeneratedFile { path: (*path).to_owned(), contents });
    }
    Ok(out)
}
