//! `cargo xtask codegen [--spec FILE] [--out DIR] [--config FILE | --no-config] [--check] [-v]`: generate a
//! client crate, or check that one on disk is fresh. The defaults are the project's own pair,
//! `spec/atlas-api-keys.yaml` into `generated/`; `--spec` and `--out` take any description into any folder,
//! customised by the `atlas-codegen.toml` beside it (`--config` another file, `--no-config` none).

pub(crate) mod changelog;
pub(crate) mod demo;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::util::SPEC;

/// Its generated crate, relative to the repository root.
pub const GENERATED: &str = "generated";

/// What to generate, from where, into where.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// The spec file to read.
    pub spec: PathBuf,
    /// How headers and diagnostics name the spec: relative to the repository root when it lies inside
    /// it, so the output is the same on every machine; otherwise as the caller spelled it.
    pub spec_name: String,
    /// The crate folder to write or check.
    pub out: PathBuf,
    /// How messages name the output folder.
    pub out_name: String,
    /// Compare instead of writing.
    pub check: bool,
    /// Report success of `--check` too.
    pub verbose: bool,
    /// What the generator is asked to choose (`--api-version DATE`, `--preview`).
    pub generator: atlas_codegen::Options,
}

impl Options {
    /// The project's own spec and crate, as `cargo xtask demo` regenerates them.
    pub fn project(root: &Path) -> Self {
        Self {
            spec: root.join(SPEC),
            spec_name: SPEC.to_owned(),
            out: root.join(GENERATED),
            out_name: GENERATED.to_owned(),
            check: false,
            verbose: false,
            generator: atlas_codegen::Options::default(),
        }
    }

    /// Parses the flags after `codegen`; relative paths are relative to `cwd`, as a shell user expects.
    pub fn parse(root: &Path, cwd: &Path, flags: &[String]) -> Result<Self, String> {
        let mut options = Self::project(root);
        let mut flags = flags.iter();
        while let Some(flag) = flags.next() {
            match flag.as_str() {
                "--check" => options.check = true,
                "-v" | "--verbose" => options.verbose = true,
                "--preview" => options.generator.preview = true,
                "--api-version" => {
                    let value = flags.next().ok_or("`--api-version` needs a date such as 2024-08-05")?;
                    let dated = value.len() == 10
                        && value
                            .char_indices()
                            .all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
                    if !dated {
                        return Err(format!("`--api-version {value}`: expected a date such as 2024-08-05"));
                    }
                    options.generator.api_version = Some(value.clone());
                }
                "--config" => {
                    let value = flags.next().ok_or("`--config` needs the path of an atlas-codegen.toml")?;
                    options.generator.config_file = atlas_codegen::config::ConfigFile::Path(cwd.join(value));
                }
                "--no-config" => options.generator.config_file = atlas_codegen::config::ConfigFile::Ignore,
                "--spec" | "--out" => {
                    let value = flags.next().ok_or_else(|| format!("`{flag}` needs a path"))?;
                    let path = cwd.join(value);
                    let name = path
                        .strip_prefix(root)
                        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
                        .unwrap_or_else(|_| value.clone());
                    if flag == "--spec" {
                        (options.spec, options.spec_name) = (path, name);
                    } else {
                        (options.out, options.out_name) = (path, name);
                    }
                }
                other => return Err(format!("unknown flag `{other}` for codegen")),
            }
        }
        Ok(options)
    }
}

pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let Options { spec_name, out_name, .. } = options;
    // From the path, so a description split over several files is read whole.
    let generated =
        atlas_codegen::generate_path(&options.spec, spec_name, &options.generator).map_err(|d| d.to_string())?;
    for warning in generated.warnings.items() {
        eprintln!("{warning}\n");
    }
    let mut files = generated.files;
    let project = options.out == root.join(GENERATED) && options.spec == root.join(SPEC);
    if project {
        // The project's crate also carries its changelog, from api-diff against the last release.
        files.push(changelog::file(root)?);
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if options.check {
        let drift = atlas_codegen::write::compare(&options.out, &files);
        if drift.is_empty() {
            if options.verbose {
                eprintln!("{out_name}/ is up to date ({} files, {:.0?})", files.len(), started.elapsed());
            }
            return Ok(());
        }
        let mut report = format!("{out_name}/ is out of date with {spec_name}:\n");
        for (kind, paths) in [("stale", &drift.stale), ("missing", &drift.missing), ("extra", &drift.extra)] {
            for p in paths {
                report.push_str(&format!("  {kind:<7} {out_name}/{p}\n"));
            }
        }
        let again = if project {
            "`cargo xtask codegen`".to_owned()
        } else {
            format!("`cargo xtask codegen --spec {spec_name} --out {out_name}`")
        };
        report.push_str(&format!("run {again} and commit the result"));
        return Err(report);
    }
    refuse_foreign_folder(&options.out, out_name)?;
    let drift = atlas_codegen::write::write(&options.out, &files, atlas_codegen::write::Scope::Whole)?;
    let changed = drift.stale.len() + drift.missing.len() + drift.extra.len();
    eprintln!("generated {} files into {out_name}/ ({changed} changed) in {:.0?}", files.len(), started.elapsed());
    Ok(())
}

/// Writing deletes every file the generator no longer emits, so a folder that holds anything must
/// already be a generated crate: `--out .` or a typo must never wipe someone's files.
fn refuse_foreign_folder(out: &Path, out_name: &str) -> Result<(), String> {
    let holds_files = std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some());
    if !holds_files {
        return Ok(());
    }
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap_or_default();
    let generated = manifest.lines().next().is_some_and(|first| first.contains("Do not edit by hand."));
    if generated {
        Ok(())
    } else {
        Err(format!(
            "{out_name}/ is not empty and is not a crate this generator wrote (its Cargo.toml lacks the \
             \"Do not edit by hand\" header); codegen replaces a folder's whole contents, so choose an empty or \
             new folder"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(flags: &[&str]) -> Vec<String> {
        flags.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn defaults_are_the_project_pair() {
        let root = Path::new("/repo");
        let options = Options::parse(root, root, &strings(&["--check"])).unwrap();
        assert_eq!(options.spec, root.join(SPEC));
        assert_eq!(options.out_name, GENERATED);
        assert!(options.check);
    }

    #[test]
    fn paths_are_relative_to_the_current_directory_and_named_from_the_root() {
        let root = Path::new("/repo");
        let cwd = root.join("spec");
        let flags = strings(&["--spec", "upstream/atlas-admin-v2.yaml", "--out", "/tmp/full"]);
        let options = Options::parse(root, &cwd, &flags).unwrap();
        assert_eq!(options.spec, root.join("spec/upstream/atlas-admin-v2.yaml"));
        assert_eq!(options.spec_name, "spec/upstream/atlas-admin-v2.yaml");
        assert_eq!(options.out, Path::new("/tmp/full"));
        assert_eq!(options.out_name, "/tmp/full");
    }

    #[test]
    fn the_customisation_file_is_beside_the_spec_unless_named_or_refused() {
        use atlas_codegen::config::ConfigFile;
        let root = Path::new("/repo");
        let options = Options::parse(root, root, &strings(&["--spec", "api.yaml"])).unwrap();
        assert_eq!(options.generator.config_file, ConfigFile::Beside);
        let flags = strings(&["--spec", "api.yaml", "--config", "team.toml"]);
        let options = Options::parse(root, &root.join("x"), &flags).unwrap();
        assert_eq!(options.generator.config_file, ConfigFile::Path(root.join("x/team.toml")));
        let options = Options::parse(root, root, &strings(&["--no-config"])).unwrap();
        assert_eq!(options.generator.config_file, ConfigFile::Ignore);
        assert!(Options::parse(root, root, &strings(&["--config"])).unwrap_err().contains("atlas-codegen.toml"));
    }

    #[test]
    fn bad_flags_are_refused() {
        let root = Path::new("/repo");
        assert!(Options::parse(root, root, &strings(&["--spec"])).unwrap_err().contains("needs a path"));
        assert!(Options::parse(root, root, &strings(&["--frobnicate"])).unwrap_err().contains("--frobnicate"));
    }

    #[test]
    fn a_folder_of_someone_elses_files_is_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("xtask-foreign-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(refuse_foreign_folder(&dir, "x").is_ok(), "an empty folder is fine");
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        assert!(refuse_foreign_folder(&dir, "x").unwrap_err().contains("not a crate this generator wrote"));
        std::fs::write(
            dir.join("Cargo.toml"),
            "# Generated by `cargo xtask codegen` from `a.yaml`. Do not edit by hand.\n",
        )
        .unwrap();
        assert!(refuse_foreign_folder(&dir, "x").is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(refuse_foreign_folder(&dir, "x").is_ok(), "a missing folder is created");
    }
}
