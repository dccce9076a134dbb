//! `cargo xtask check-readmes`: every ```rust snippet of `README.md` and `generated/README.md`,
//! built the way a reader would use it: as a program of a scratch crate whose `[dependencies]` are
//! exactly the ones the same README lists (its ```toml blocks), with `atlas-admin-client` pointed at
//! `generated/`. Rustdoc's doctests see the crate's own dev-dependencies, so they cannot catch an
//! import of a crate the reader was never told to add; this can.
//!
//! Snippets must also be free of rustdoc's hidden `# ` lines: the generated README is the crate's
//! registry page, where those lines show as text. Each README gets its own crate under
//! `target/readme-snippets/`, built with the workspace's target directory and lock file so that the
//! dependencies built by the test run are reused.

use std::path::Path;
use std::process::{Command, Stdio};

/// The READMEs checked, relative to the repository root.
const READMES: &[&str] = &["README.md", "generated/README.md"];

/// A ```rust block of a README.
#[derive(Debug, PartialEq)]
pub(crate) struct Snippet {
    /// 1-based line of the opening fence.
    pub line: usize,
    pub code: String,
}

/// What a README holds for this check.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Readme {
    /// The `name = ...` lines below `[dependencies]` in its ```toml blocks, in order.
    pub dependencies: Vec<String>,
    /// The features of the client a ```toml block turns on (`features = ["mock"]` on an
    /// `atlas-admin-client` line, under `[dependencies]` or `[dev-dependencies]`).
    pub client_features: Vec<String>,
    pub snippets: Vec<Snippet>,
    /// `line: text` of every hidden doctest line.
    pub hidden_lines: Vec<String>,
}

/// Splits a README into its dependency lines and Rust snippets. A fence tagged `rust` (with any
/// rustdoc attributes such as `no_run`) or left untagged is Rust, as rustdoc sees it.
pub(crate) fn parse(text: &str) -> Readme {
    let mut readme = Readme::default();
    let mut block: Option<(usize, String, Vec<&str>)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match block.take() {
            None => {
                if let Some(tag) = trimmed.strip_prefix("```") {
                    block = Some((index + 1, tag.trim().to_owned(), Vec::new()));
                }
            }
            Some((start, tag, lines)) if trimmed.starts_with("```") => finish(&mut readme, start, &tag, &lines),
            Some((start, tag, mut lines)) => {
                lines.push(line);
                block = Some((start, tag, lines));
            }
        }
    }
    readme
}

fn finish(readme: &mut Readme, start: usize, tag: &str, lines: &[&str]) {
    let language = tag.split(',').next().unwrap_or("").trim();
    // A customisation file (`# atlas-codegen.toml` on its first line) is no manifest: its
    // `[dependencies]` are the generated crate's, not the snippets'.
    let customisation = lines.first().is_some_and(|l| l.trim_start().starts_with("# atlas-codegen.toml"));
    if language == "toml" && !customisation {
        let (mut in_dependencies, mut in_dev_dependencies, mut in_build_dependencies) = (false, false, false);
        for line in lines {
            let line = line.trim();
            if line.starts_with('[') {
                in_dependencies = line == "[dependencies]";
                in_dev_dependencies = line == "[dev-dependencies]";
                in_build_dependencies = line == "[build-dependencies]";
                continue;
            }
            if (in_dependencies || in_dev_dependencies) && is_client(line) {
                for feature in features_of(line) {
                    if !readme.client_features.contains(&feature) {
                        readme.client_features.push(feature);
                    }
                }
            }
            // A build script's dependencies too: its snippet is built as a program like the others.
            if (in_dependencies || in_build_dependencies) && line.contains('=') {
                readme.dependencies.push(line.to_owned());
            }
        }
    } else if language == "rust" || language.is_empty() {
        for (offset, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            if trimmed == "#" || trimmed.starts_with("# ") {
                readme.hidden_lines.push(format!("{}: {}", start + 1 + offset, line.trim()));
            }
        }
        readme.snippets.push(Snippet { line: start, code: lines.join("\n") });
    }
}

/// Whether a dependency line is the generated client's.
fn is_client(line: &str) -> bool {
    line.split('=').next().is_some_and(|key| key.trim() == "atlas-admin-client")
}

/// The quoted names in the `features = [...]` list of a dependency line.
fn features_of(line: &str) -> Vec<String> {
    let Some(list) = line.split_once("features").and_then(|(_, rest)| rest.split_once('[')) else {
        return Vec::new();
    };
    let list = list.1.split(']').next().unwrap_or_default();
    list.split(',').map(|f| f.trim().trim_matches('"').to_owned()).filter(|f| !f.is_empty()).collect()
}

/// The scratch crate's manifest: the README's dependencies, `atlas-admin-client` from `generated` with
/// every feature the README turns on for it (the `mock` feature its test example needs).
fn manifest(name: &str, dependencies: &[String], client_features: &[String], generated: &Path) -> String {
    let mut toml = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n"
    );
    for line in dependencies {
        if is_client(line) {
            let path = generated.display().to_string();
            toml.push_str(&format!("atlas-admin-client = {{ path = {path:?}, features = {client_features:?} }}\n"));
        } else if line.split('=').next().is_some_and(|key| key.trim() == "atlas-codegen") {
            // The generator is not on crates.io: this checkout's (`generated` is `<root>/generated`).
            let path = generated.with_file_name("generator").display().to_string();
            toml.push_str(&format!("atlas-codegen = {{ path = {path:?} }}\n"));
        } else {
            toml.push_str(line);
            toml.push('\n');
        }
    }
    toml.push_str("\n[workspace]\n");
    toml
}

pub fn run(root: &Path) -> Result<(), String> {
    let scratch = root.join("target/readme-snippets");
    let mut problems = Vec::new();
    let mut total = 0;
    for readme_path in READMES {
        let text =
            std::fs::read_to_string(root.join(readme_path)).map_err(|e| format!("cannot read {readme_path}: {e}"))?;
        let readme = parse(&text);
        for hidden in &readme.hidden_lines {
            problems.push(format!("{readme_path}:{hidden}: a hidden doctest line shows as text on the page"));
        }
        if readme.snippets.is_empty() {
            continue;
        }
        if !readme.dependencies.iter().any(|d| d.starts_with("atlas-admin-client")) {
            problems
                .push(format!("{readme_path}: its snippets use atlas-admin-client, but it lists no such dependency"));
        }
        let name = readme_path.trim_end_matches(".md").replace(['/', '.'], "-").to_lowercase();
        let dir = scratch.join(&name);
        let examples = dir.join("examples");
        let _ = std::fs::remove_dir_all(&examples);
        std::fs::create_dir_all(&examples).map_err(|e| format!("cannot create {}: {e}", examples.display()))?;
        let manifest_path = dir.join("Cargo.toml");
        let write = |path: &Path, contents: &str| {
            std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        let toml = manifest(
            &format!("snippets-{name}"),
            &readme.dependencies,
            &readme.client_features,
            &root.join("generated"),
        );
        write(&manifest_path, &toml)?;
        if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
            write(&dir.join("Cargo.lock"), &lock)?;
        }
        for snippet in &readme.snippets {
            // Rustdoc wraps a snippet without `fn main` in one; a program needs it spelled out.
            let main = if snippet.code.contains("fn main") { "" } else { "\nfn main() {}\n" };
            let source = format!(
                "// {readme_path}, the snippet at line {}\n#![allow(dead_code, unused)]\n{}\n{main}",
                snippet.line, snippet.code
            );
            write(&examples.join(format!("line_{}.rs", snippet.line)), &source)?;
        }
        total += readme.snippets.len();
        println!(
            "check-readmes: {readme_path}: {} snippet(s), dependencies {:?}",
            readme.snippets.len(),
            readme.dependencies
        );
        // Built as tests, so a snippet's `#[tokio::test]` functions are compiled too.
        let status = Command::new(crate::util::cargo())
            .args(["test", "--no-run", "--quiet", "--examples", "--manifest-path"])
            .arg(&manifest_path)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        if !status.success() {
            problems.push(format!(
                "{readme_path}: snippets do not build with the dependencies it lists (examples/line_N.rs is the snippet at line N)"
            ));
        }
    }
    if problems.is_empty() {
        println!("check-readmes: {total} snippets build with the dependencies their README lists");
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# x\n\n```toml\n[dependencies]\natlas-admin-client = \"0.1\"\nfutures = \"0.3\" # streams\n\n[dev-dependencies]\nwiremock = \"0.6\"\natlas-admin-client = { version = \"0.1\", features = [\"mock\"] }\n```\n\n```rust,no_run\nuse futures::StreamExt;\n# fn hidden() {}\n#[derive(Debug)]\nstruct A;\n```\n\n```sh\ncargo run\n```\n\n```\nlet untagged = 1;\n```\n";

    #[test]
    fn finds_dependencies_snippets_and_hidden_lines() {
        let readme = parse(README);
        assert_eq!(readme.dependencies, ["atlas-admin-client = \"0.1\"", "futures = \"0.3\" # streams"]);
        assert_eq!(readme.snippets.len(), 2, "{readme:?}");
        assert_eq!(readme.snippets[0].line, 13);
        assert!(readme.snippets[0].code.starts_with("use futures::StreamExt;"));
        assert_eq!(readme.snippets[1].code, "let untagged = 1;");
        assert_eq!(readme.hidden_lines, ["15: # fn hidden() {}"]);
    }

    #[test]
    fn a_customisation_file_is_no_manifest() {
        let readme = parse("```toml\n# atlas-codegen.toml\n[dependencies]\nsemver = \"1\"\n```\n\n```toml\n[dependencies]\nfutures = \"0.3\"\n```\n");
        assert_eq!(readme.dependencies, ["futures = \"0.3\""]);
    }

    #[test]
    fn the_client_comes_from_generated() {
        let readme = parse(README);
        assert_eq!(readme.client_features, ["mock"], "turned on under [dev-dependencies]");
        let toml = manifest("s", &readme.dependencies, &readme.client_features, Path::new("/repo/generated"));
        assert!(
            toml.contains(
                "atlas-admin-client = { path = \"/repo/generated\", features = [\"mock\"] }\nfutures = \"0.3\" # streams\n"
            ),
            "{toml}"
        );
        assert_eq!(toml.matches("atlas-admin-client").count(), 1, "one client line: {toml}");
        assert!(!toml.contains("wiremock"), "dev-dependencies are not the reader's dependencies");
    }
}
