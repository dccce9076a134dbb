//! Vendored specs are their publishers' files byte for byte: each one's sha256 is the one its folder's
//! SOURCE.md records, so an accidental edit, or an update that forgets its provenance, fails here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sha2::{Digest, Sha256};
use std::path::Path;

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn vendored_official_spec_matches_its_recorded_sha256() {
    let dir = root().join("spec/upstream");
    let source = std::fs::read_to_string(dir.join("SOURCE.md")).unwrap();
    let recorded = source
        .lines()
        .find(|line| line.starts_with("| sha256 |"))
        .and_then(|line| line.split('`').nth(1))
        .expect("SOURCE.md has a `| sha256 | `...` |` row");
    assert_eq!(sha256_hex(&dir.join("atlas-admin-v2.yaml")), recorded);
}

/// The sha256 of a folder tree: of its `sha256sum`-style lines (`<sha256>  <relative path>\n`, sorted
/// by path), as SOURCE.md describes.
fn tree_sha256_hex(dir: &Path) -> String {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    let lines: String = files.iter().map(|file| format!("{}  {file}\n", sha256_hex(&dir.join(file)))).collect();
    Sha256::digest(lines.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_real_world_spec_is_listed_with_its_sha256() {
    let dir = root().join("generator/tests/fixtures/real");
    let source = std::fs::read_to_string(dir.join("SOURCE.md")).unwrap();
    // Rows start with the file (or `folder/`) in backticks; the sha256 is the row's one 64-digit hex cell
    // (`tree <sha>` for a folder).
    let is_sha = |cell: &&str| cell.len() == 64 && cell.bytes().all(|b| b.is_ascii_hexdigit());
    let recorded: Vec<(String, String)> = source
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells.get(1)?.strip_prefix('`')?.split('`').next()?;
            let sha = cells.iter().flat_map(|cell| cell.split(['`', ' '])).find(is_sha)?;
            Some((file.trim_end_matches('/').to_owned(), sha.to_owned()))
        })
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name != "SOURCE.md" && name != "expected.txt")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = recorded.iter().map(|(file, _)| file.clone()).collect();
    listed.sort();
    assert_eq!(listed, on_disk, "SOURCE.md must list exactly the files and folders of the corpus");
    for (file, sha) in &recorded {
        let path = dir.join(file);
        let actual = if path.is_dir() { tree_sha256_hex(&path) } else { sha256_hex(&path) };
        assert_eq!(&actual, sha, "{file} differs from the copy SOURCE.md describes");
    }
}
