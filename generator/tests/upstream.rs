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

#[test]
fn every_real_world_spec_is_listed_with_its_sha256() {
    let dir = root().join("generator/tests/fixtures/real");
    let source = std::fs::read_to_string(dir.join("SOURCE.md")).unwrap();
    // Rows: | `file` | repository | `path` | `commit` | `sha256` | licence |
    let recorded: Vec<(String, String)> = source
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let sha = cells.get(5)?.trim_matches('`');
            Some((file.to_owned(), sha.to_owned()))
        })
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name != "SOURCE.md")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = recorded.iter().map(|(file, _)| file.clone()).collect();
    listed.sort();
    assert_eq!(listed, on_disk, "SOURCE.md must list exactly the files of the corpus");
    for (file, sha) in &recorded {
        assert_eq!(&sha256_hex(&dir.join(file)), sha, "{file} differs from the copy SOURCE.md describes");
    }
}
