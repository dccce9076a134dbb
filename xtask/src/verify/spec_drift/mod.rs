//! `cargo xtask spec-drift [--official FILE]`: whether `spec/atlas-api-keys.yaml` still describes its
//! three operations as the official Atlas description does.
//!
//! The official description defaults to the copy vendored in `spec/upstream/atlas-admin-v2.yaml` (so a
//! fresh clone needs nothing else); `--official` takes another file, such as a newer upstream copy, given
//! relative to the current directory. Both are lowered to the IR and compared with the api-diff
//! machinery ([`drift`], with [`subset`] cutting the three operations out of the official description); every difference that the fragment's `x-codegen-deviations` does
//! not list, and every listed deviation that no longer happens, fails the command.

#[cfg(test)]
mod against_official;
mod drift;
mod subset;

use std::path::{Path, PathBuf};

use crate::util::{OFFICIAL, SPEC};

const USAGE: &str = "usage: cargo xtask spec-drift [--official FILE]

Compares the operations of spec/atlas-api-keys.yaml with the same operations of the official Atlas
description (default: spec/upstream/atlas-admin-v2.yaml) and fails on every difference that the
fragment's `x-codegen-deviations` list does not name, and on every listed deviation that no longer happens.";

/// The parsed command line: the official description to compare with, if not the vendored one.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    official: Option<PathBuf>,
    help: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { official: None, help: false };
    let mut iter = args.iter().map(String::as_str);
    while let Some(arg) = iter.next() {
        let official = match arg {
            "--official" => Some(iter.next().ok_or("spec-drift: `--official` needs a file")?),
            _ => arg.strip_prefix("--official="),
        };
        if let Some(file) = official {
            if options.official.replace(PathBuf::from(file)).is_some() {
                return Err("spec-drift: `--official` given twice".to_owned());
            }
        } else if matches!(arg, "-h" | "--help") {
            options.help = true;
        } else {
            return Err(format!("spec-drift: unexpected argument `{arg}`\n\n{USAGE}"));
        }
    }
    Ok(options)
}

/// Runs the check in the repository at `root`; `cwd` resolves a relative `--official`. Prints the report
/// on stdout; a failed check, bad arguments or an unreadable file come back as the error.
pub fn run(root: &Path, cwd: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    if options.help {
        println!("{USAGE}");
        return Ok(());
    }
    let (official_path, official_name) = match &options.official {
        Some(file) => (cwd.join(file), file.display().to_string()),
        None => (root.join(OFFICIAL), OFFICIAL.to_owned()),
    };
    let official = std::fs::read_to_string(&official_path)
        .map_err(|e| format!("spec-drift: cannot read the official description {official_name}: {e}"))?;
    let fragment =
        std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("spec-drift: cannot read {SPEC}: {e}"))?;
    let outcome = drift::check(&official_name, &official, SPEC, &fragment).map_err(|e| format!("spec-drift: {e}"))?;
    print!("{}", outcome.render());
    if outcome.passed() {
        Ok(())
    } else {
        Err(format!(
            "spec-drift: {SPEC} differs from {official_name}: fix the fragment, or list the difference in \
             `x-codegen-deviations` with its reason"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn defaults_to_the_vendored_copy() {
        assert_eq!(parse(&[]).unwrap(), Options { official: None, help: false });
    }

    #[test]
    fn official_in_both_spellings() {
        for list in [&["--official", "x.yaml"][..], &["--official=x.yaml"]] {
            assert_eq!(parse(&args(list)).unwrap().official, Some(PathBuf::from("x.yaml")));
        }
    }

    #[test]
    fn bad_arguments() {
        assert!(parse(&args(&["--official"])).unwrap_err().contains("needs a file"));
        assert!(parse(&args(&["--official=a", "--official=b"])).unwrap_err().contains("given twice"));
        assert!(parse(&args(&["extra"])).unwrap_err().contains("unexpected argument `extra`"));
    }
}
