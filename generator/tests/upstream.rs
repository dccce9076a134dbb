//! The vendored official description is MongoDB's file byte for byte: its sha256 is the one
//! `spec/upstream/SOURCE.md` records, so an accidental edit (or a partial update) fails here.

use sha2::{Digest, Sha256};

#[test]
fn vendored_official_spec_matches_its_recorded_sha256() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/upstream");
    let source = std::fs::read_to_string(format!("{dir}/SOURCE.md")).unwrap();
    let recorded = source
        .lines()
        .find(|line| line.starts_with("| sha256 |"))
        .and_then(|line| line.split('`').nth(1))
        .expect("SOURCE.md has a `| sha256 | `...` |` row");
    let bytes = std::fs::read(format!("{dir}/atlas-admin-v2.yaml")).unwrap();
    let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(actual, recorded, "spec/upstream/atlas-admin-v2.yaml differs from the file SOURCE.md describes");
}
