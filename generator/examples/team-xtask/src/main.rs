//! A team's xtask around atlas-codegen: `codegen SPEC DIR [--check] [--api-version DATE]`.
//!
//! Writes the client of SPEC into DIR as a crate of its own (only changed files are written, files the
//! generator no longer makes are deleted), or with `--check` changes nothing and fails listing every
//! stale, missing or extra file: run it in CI so the committed client never drifts from the description.

use atlas_codegen::write::{self, Scope};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let usage = "usage: codegen SPEC DIR [--check] [--api-version DATE]";
    let mut positional = Vec::new();
    let mut check = false;
    let mut options = atlas_codegen::Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--api-version" => options.api_version = Some(rest.next().ok_or(usage)?.clone()),
            flag if flag.starts_with('-') => return Err(format!("unknown flag `{flag}`\n{usage}")),
            value => positional.push(value),
        }
    }
    let [spec, dir] = positional[..] else { return Err(usage.to_owned()) };
    // The description's name as given: it appears in diagnostics and in every file's header, so a
    // relative path keeps the output the same on every machine.
    let generated = atlas_codegen::generate_path(Path::new(spec), spec, &options).map_err(|d| d.to_string())?;
    for warning in generated.warnings.items() {
        eprintln!("{warning}");
    }
    let dir = Path::new(dir);
    if check {
        let drift = write::compare(dir, &generated.files);
        if drift.is_empty() {
            return Ok(format!("{} is up to date ({} files)", dir.display(), generated.files.len()));
        }
        return Err(format!(
            "{} is not what the generator makes from {spec}; run without --check.\n  stale: {:?}\n  missing: {:?}\n  extra: {:?}",
            dir.display(),
            drift.stale,
            drift.missing,
            drift.extra
        ));
    }
    let drift = write::write(dir, &generated.files, Scope::Whole)?;
    Ok(format!(
        "wrote {} of {} files into {} ({} deleted)",
        drift.stale.len() + drift.missing.len(),
        generated.files.len(),
        dir.display(),
        drift.extra.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_checks_then_sees_drift() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
        let spec = root.join("spec/atlas-api-keys.yaml").to_string_lossy().into_owned();
        let dir = std::env::temp_dir().join(format!("team-xtask-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = dir.to_string_lossy().into_owned();
        let args = |extra: &[&str]| {
            [spec.as_str(), out.as_str()].iter().chain(extra).map(|s| (*s).to_owned()).collect::<Vec<_>>()
        };

        assert!(run(&args(&["--check"])).unwrap_err().contains("missing"));
        assert!(run(&args(&[])).unwrap().starts_with("wrote"));
        assert!(run(&args(&["--check"])).unwrap().contains("up to date"));
        std::fs::write(dir.join("src/lib.rs"), "// edited by hand\n").unwrap();
        std::fs::write(dir.join("src/stray.rs"), "").unwrap();
        let drift = run(&args(&["--check"])).unwrap_err();
        assert!(drift.contains("stale: [\"src/lib.rs\"]") && drift.contains("extra: [\"src/stray.rs\"]"), "{drift}");
        assert!(run(&args(&[])).unwrap().contains("(1 deleted)"));
        assert!(run(&args(&["--check"])).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
