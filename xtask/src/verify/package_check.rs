//! `cargo xtask package-check [--dir DIR] [--verify] [--docs-rs]`: a generated crate is publishable as it
//! stands. Cheap by default (no build), so CI runs it on `generated/` and `check-official` on the whole-API
//! crate:
//!
//! - `cargo package --list`: the package holds exactly the files of the crate's folder (nothing the
//!   generator writes is left out by an ignore file or an `exclude`, nothing else slips in), plus what
//!   cargo adds (`Cargo.toml.orig`, `Cargo.lock`, `.cargo_vcs_info.json`);
//! - `cargo package --no-verify`: the manifest is one crates.io accepts, with no warning (description,
//!   license, documentation, readme; no path-only dependency), and the `.crate` file is within crates.io's
//!   10 MiB upload limit;
//! - `--verify`: `cargo publish --dry-run` also builds the packaged crate from its `.crate` file (minutes);
//! - `--docs-rs`: the docs as docs.rs builds them (nightly, every feature, `--cfg docsrs`, warnings denied),
//!   and each tag feature's items labelled with their feature (needs the nightly toolchain, and the OpenSSL
//!   headers that `native-tls` needs, which docs.rs has).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::codegen::GENERATED;

/// crates.io refuses a `.crate` file larger than this.
const CRATES_IO_LIMIT: u64 = 10 * 1024 * 1024;

/// Files cargo adds to a package that are not in the crate's folder (or need not be).
const CARGO_ADDS: &[&str] = &["Cargo.toml.orig", "Cargo.lock", ".cargo_vcs_info.json"];

/// Features of the generated crate that gate no item (they choose reqwest's TLS backend).
const TLS_FEATURES: &[&str] = &["rustls", "native-tls"];

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut dir = root.join(GENERATED);
    let (mut verify, mut docs_rs) = (false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--verify" => verify = true,
            "--docs-rs" => docs_rs = true,
            "--dir" => dir = root.join(args.next().ok_or("`--dir` needs a folder")?),
            other => {
                return Err(format!(
                    "unknown argument `{other}`\nusage: cargo xtask package-check [--dir DIR] [--verify] [--docs-rs]"
                ))
            }
        }
    }
    let manifest = dir.join("Cargo.toml");
    check_package(root, &manifest, verify)?;
    if docs_rs {
        check_docs_rs(root, &manifest)?;
    }
    Ok(())
}

/// The package checks of the module docs for the crate of `manifest`; `verify` adds the dry-run publish.
pub(crate) fn check_package(root: &Path, manifest: &Path, verify: bool) -> Result<(), String> {
    let started = Instant::now();
    let dir = manifest.parent().ok_or("a manifest has a folder")?;
    let package = Package::read(manifest)?;
    let listed = cargo(root, manifest, &["package", "--list", "--allow-dirty"], &[])?;
    let on_disk = files_under(dir)?;
    compare_lists(&listed.stdout, &on_disk).map_err(|e| format!("package-check: {}: {e}", package.name))?;

    let packaged = cargo(root, manifest, &["package", "--no-verify", "--allow-dirty"], &[])?;
    let warnings: Vec<&str> = packaged.stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    if !warnings.is_empty() {
        return Err(format!("package-check: `cargo package` of {} warns:\n{}", package.name, warnings.join("\n")));
    }
    let file = root.join("target/package").join(format!("{}-{}.crate", package.name, package.version));
    let size = std::fs::metadata(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?.len();
    if size > CRATES_IO_LIMIT {
        return Err(format!(
            "package-check: {} is {:.1} MiB, over crates.io's 10 MiB limit",
            file.display(),
            size as f64 / 1048576.0
        ));
    }
    println!(
        "package-check: {} {}: {} files, {:.0} KiB compressed, manifest without warnings, in {:.1?}",
        package.name,
        package.version,
        on_disk.len(),
        size as f64 / 1024.0,
        started.elapsed()
    );
    if verify {
        let started = Instant::now();
        cargo(root, manifest, &["publish", "--dry-run", "--allow-dirty"], &[])?;
        println!("package-check: `cargo publish --dry-run` built the packaged crate in {:.0?}", started.elapsed());
    }
    Ok(())
}

/// docs.rs's build of the crate: nightly rustdoc with every feature and `--cfg docsrs`, warnings denied;
/// then the crate's front page must label the items of each tag feature with it.
fn check_docs_rs(root: &Path, manifest: &Path) -> Result<(), String> {
    let started = Instant::now();
    let package = Package::read(manifest)?;
    let target = root.join("target/docs-rs");
    let status = Command::new("rustup")
        .args(["run", "nightly", "cargo", "doc", "--no-deps", "--all-features", "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "--cfg docsrs -D warnings")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run `rustup run nightly cargo doc` (is rustup installed?): {e}"))?;
    if !status.success() {
        return Err(format!("package-check: the docs.rs build of {} failed ({status})", package.name));
    }
    let index = target.join("doc").join(package.name.replace('-', "_")).join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let unlabelled: Vec<&String> = package.tag_features.iter().filter(|f| !labels_feature(&html, f)).collect();
    if !unlabelled.is_empty() {
        return Err(format!(
            "package-check: {} labels no item with feature(s) {unlabelled:?} (is `feature(doc_cfg)` on under `docsrs`?)",
            index.display()
        ));
    }
    println!(
        "package-check: docs.rs build of {} (nightly, every feature, --cfg docsrs) labels the items of {} tag \
         feature(s), in {:.0?}",
        package.name,
        package.tag_features.len(),
        started.elapsed()
    );
    Ok(())
}

/// Whether rustdoc's page `html` marks an item as available on crate feature `feature` only.
fn labels_feature(html: &str, feature: &str) -> bool {
    html.contains(&format!("Available on crate feature `{feature}` only"))
        || html.contains(&format!("crate feature <code>{feature}</code>"))
}

/// Checks `listed` (`cargo package --list` output) against the files of the crate's folder.
fn compare_lists(listed: &str, on_disk: &[String]) -> Result<(), String> {
    let listed: Vec<&str> = listed.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let missing: Vec<&String> = on_disk.iter().filter(|f| !listed.contains(&f.as_str())).collect();
    let extra: Vec<&&str> =
        listed.iter().filter(|f| !CARGO_ADDS.contains(f) && !on_disk.iter().any(|d| d == *f)).collect();
    if missing.is_empty() && extra.is_empty() {
        Ok(())
    } else {
        Err(format!("the package leaves out {missing:?} and adds {extra:?}"))
    }
}

/// Every file under `dir`, relative and with `/` separators, sorted; `Cargo.lock` is left out (a standalone
/// build writes one, and cargo packages its own).
fn files_under(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let entries = std::fs::read_dir(dir.join(&rel)).map_err(|e| format!("cannot list {}: {e}", rel.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let path = rel.join(entry.file_name());
            if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
                pending.push(path);
            } else {
                out.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.retain(|f| f != "Cargo.lock");
    out.sort();
    Ok(out)
}

/// What the checks need from a generated manifest: its name, version and tag features.
struct Package {
    name: String,
    version: String,
    tag_features: Vec<String>,
}

impl Package {
    /// Reads the generated `Cargo.toml` line by line (its layout is the template's, one key a line).
    fn read(manifest: &Path) -> Result<Self, String> {
        let toml = std::fs::read_to_string(manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
        let mut section = "";
        let (mut name, mut version, mut tag_features) = (None, None, Vec::new());
        for line in toml.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line;
                continue;
            }
            let Some((key, value)) = line.split_once(" = ") else { continue };
            let quoted = value.trim_matches('"').to_owned();
            match (section, key) {
                ("[package]", "name") => name = Some(quoted),
                ("[package]", "version") => version = Some(quoted),
                ("[features]", "default") => {}
                ("[features]", feature) if !TLS_FEATURES.contains(&feature) => tag_features.push(feature.to_owned()),
                _ => {}
            }
        }
        match (name, version) {
            (Some(name), Some(version)) => Ok(Self { name, version, tag_features }),
            _ => Err(format!("{} has no [package] name and version", manifest.display())),
        }
    }
}

/// What a cargo run printed.
struct Output {
    stdout: String,
    stderr: String,
}

/// Runs `cargo <args> --manifest-path <manifest>` with the workspace's target directory; fails with its
/// stderr when it fails.
fn cargo(root: &Path, manifest: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Output, String> {
    let output = Command::new(crate::util::cargo())
        .args(args)
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let out = Output {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    if output.status.success() {
        Ok(out)
    } else {
        Err(format!("package-check: `cargo {}` failed ({}):\n{}", args.join(" "), output.status, out.stderr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_must_match_apart_from_what_cargo_adds() {
        let disk = vec!["Cargo.toml".to_owned(), "README.md".to_owned(), "src/lib.rs".to_owned()];
        let same = "Cargo.lock\nCargo.toml\nCargo.toml.orig\nREADME.md\nsrc/lib.rs\n";
        assert!(compare_lists(same, &disk).is_ok());
        let left_out = compare_lists("Cargo.toml\nsrc/lib.rs\n", &disk).unwrap_err();
        assert!(left_out.contains("leaves out [\"README.md\"]"), "{left_out}");
        let added = compare_lists(&format!("{same}secret.env\n"), &disk).unwrap_err();
        assert!(added.contains("adds [\"secret.env\"]"), "{added}");
    }

    #[test]
    fn reads_name_version_and_tag_features_of_a_generated_manifest() {
        let dir = std::env::temp_dir().join(format!("package-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = dir.join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"x-client\"\nversion = \"0.2.0\"\n\n[dependencies]\nname = \"1\"\n\n[features]\n\
             default = [\"rustls\", \"a\"]\nrustls = [\"reqwest/rustls\"]\nnative-tls = [\"reqwest/native-tls\"]\n\
             a = []\nb-c = []\n",
        )
        .unwrap();
        let package = Package::read(&manifest).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!((package.name.as_str(), package.version.as_str()), ("x-client", "0.2.0"));
        assert_eq!(package.tag_features, ["a", "b-c"]);
    }

    #[test]
    fn a_feature_label_is_found_in_either_of_rustdocs_spellings() {
        let title = r#"<span title="Available on crate feature `clusters` only">"#;
        let banner = "Available on <strong>crate feature <code>clusters</code></strong> only.";
        assert!(labels_feature(title, "clusters") && labels_feature(banner, "clusters"));
        assert!(!labels_feature(banner, "projects"));
    }
}
