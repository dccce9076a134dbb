//! Writing the generated file set into a directory, or checking a directory against it (a `--check`
//! mode): every stale, missing or extra file is reported, not only the first. `cargo xtask codegen`
//! and the build script support ([`crate::build_script`]) write through here, and so can a team's own
//! xtask (`generator/examples/team-xtask`).

use crate::GeneratedFile;
use std::fs;
use std::path::{Path, PathBuf};

/// What differs between the expected file set and the tree on disk.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Files whose contents differ.
    pub stale: Vec<String>,
    /// Files the generator emits that are not on disk.
    pub missing: Vec<String>,
    /// Files on disk the generator no longer emits.
    pub extra: Vec<String>,
}

impl Drift {
    /// Whether the directory matches the file set.
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Files under `dir` that the generator owns: everything except build output.
fn on_disk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let Ok(entries) = fs::read_dir(dir.join(&rel)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "target" || name.starts_with('.') {
                continue;
            }
            let rel = rel.join(&name);
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(rel);
            } else {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Which files of a directory the generator owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// All of them but build output (`target/`) and dot files: a file the set no longer has is
    /// extra, and [`write`] deletes it (a crate directory of its own).
    Whole,
    /// Only the listed files: nothing is extra or deleted (`OUT_DIR`, shared with other output).
    Listed,
}

/// Compares `files` with `dir` (CRLF is normalized, so a Windows checkout is not "stale"); every file
/// under `dir` the set does not have is extra.
pub fn compare(dir: &Path, files: &[GeneratedFile]) -> Drift {
    compare_in(dir, files, Scope::Whole)
}

/// [`compare`] for a directory the generator owns to the given [`Scope`].
pub fn compare_in(dir: &Path, files: &[GeneratedFile], scope: Scope) -> Drift {
    let mut drift = Drift::default();
    for f in files {
        match fs::read_to_string(dir.join(&f.path)) {
            Ok(current) if current.replace("\r\n", "\n") == f.contents => {}
            Ok(_) => drift.stale.push(f.path.clone()),
            Err(_) => drift.missing.push(f.path.clone()),
        }
    }
    if scope == Scope::Whole {
        drift.extra = on_disk(dir).into_iter().filter(|p| !files.iter().any(|f| &f.path == p)).collect();
    }
    drift
}

/// Brings `dir` in line with `files`: writes only changed files (so cargo's mtimes stay put), and with
/// [`Scope::Whole`] deletes extras and the directories they leave empty. Returns what differed.
pub fn write(dir: &Path, files: &[GeneratedFile], scope: Scope) -> Result<Drift, String> {
    let drift = compare_in(dir, files, scope);
    for f in files {
        if drift.stale.contains(&f.path) || drift.missing.contains(&f.path) {
            let path = dir.join(&f.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            fs::write(&path, &f.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    for extra in &drift.extra {
        let path = dir.join(extra);
        fs::remove_file(&path).map_err(|e| format!("cannot delete {}: {e}", path.display()))?;
        let mut parent = path.parent();
        while let Some(p) = parent.filter(|p| *p != dir) {
            if fs::remove_dir(p).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    Ok(drift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.to_owned(), contents: contents.to_owned() }
    }

    #[test]
    fn reports_then_repairs_every_kind_of_drift() {
        let dir = std::env::temp_dir().join(format!("xtask-sync-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/old")).unwrap();
        fs::write(dir.join("src/lib.rs"), "old\r\n").unwrap();
        fs::write(dir.join("same.txt"), "same\r\n").unwrap();
        fs::write(dir.join("src/old/gone.rs"), "x").unwrap();
        let files = [file("src/lib.rs", "new\n"), file("same.txt", "same\n"), file("src/new.rs", "n\n")];
        let drift = compare(&dir, &files);
        assert_eq!(drift.stale, ["src/lib.rs"]);
        assert_eq!(drift.missing, ["src/new.rs"]);
        assert_eq!(drift.extra, ["src/old/gone.rs"]);
        write(&dir, &files, Scope::Whole).unwrap();
        assert!(compare(&dir, &files).is_empty());
        assert!(!dir.join("src/old").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
