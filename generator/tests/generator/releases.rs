//! api-diff on real releases: every consecutive pair of the dated releases under
//! `tests/fixtures/releases/<api>/` is diffed and its report snapshotted
//! (`tests/snapshots/releases/<api>/<old>..<new>.snap`), and each file is checked against the sha256 its
//! SOURCE.md records (they are the publishers' files, never edited).

#![allow(clippy::expect_used, clippy::panic)] // a test may panic on a broken fixture

use std::path::{Path, PathBuf};

use atlas_codegen::diff::{diff, ChangeKind, Report, Subject, Verdict};
use atlas_codegen::{ir, Options};
use sha2::{Digest, Sha256};

fn releases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/releases")
}

/// The release files of one API, oldest first (they are named by date).
fn files(api: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(releases().join(api))
        .expect("the releases folder exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn lower(path: &Path) -> ir::Api {
    let name = path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_or(path).display().to_string();
    match atlas_codegen::lower_path_with(path, &name, &Options::default()) {
        Ok((api, _warnings)) => api,
        Err(diags) => panic!("{name} does not lower:\n{diags}"),
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().expect("a file name").to_string_lossy().into_owned()
}

/// Diffs each consecutive pair of `api`'s releases and snapshots the text reports; returns them.
fn pairs(api: &str) -> Vec<Report> {
    let files = files(api);
    assert!(files.len() >= 2, "{api}: at least two releases");
    let apis: Vec<ir::Api> = files.iter().map(|f| lower(f)).collect();
    let mut reports = Vec::new();
    for (i, pair) in apis.windows(2).enumerate() {
        assert!(diff(&pair[0], &pair[0]).is_empty(), "{api}: a release differs from itself");
        let report = diff(&pair[0], &pair[1]);
        let name = format!("{api}/{}..{}", stem(&files[i]), stem(&files[i + 1]));
        super::assert_text_snapshot("releases", &name, &report.render_text());
        reports.push(report);
    }
    reports
}

#[test]
fn atlas_admin_v2_releases() {
    let reports = pairs("atlas-admin-v2");
    assert_eq!(reports.len(), 2);
    // Atlas removes enum values and sunsets API versions between releases: each pair breaks something.
    for report in &reports {
        assert!(report.is_breaking(), "{}", report.render_text());
    }
    // One inline enum inherited by four `allOf` subtypes is four Rust enums; each one's removed value is
    // reported (cargo-semver-checks found the three api-diff used to skip).
    let subject =
        "/components/schemas/CloudRegionConfig20240805/properties/regionName as TenantRegionConfig20240805RegionName";
    assert!(
        reports[1].changes.iter().any(|c| c.subject == Subject::Schema(subject.to_owned())
            && matches!(&c.kind, ChangeKind::EnumValueRemoved { value } if value == "GERMANY_CENTRAL")
            && c.verdict == Verdict::Breaking),
        "{}",
        reports[1].render_text()
    );
}

#[test]
fn alertmanager_releases() {
    let reports = pairs("alertmanager");
    assert_eq!(reports.len(), 1);
    // v0.34.0 adds a required response field (`routeLabels`) and replaces `receiver` by
    // `receiverReference` in responses: breaking for code that builds or names those types.
    assert!(reports[0].is_breaking(), "{}", reports[0].render_text());
    // A required field of a response-only struct is a new argument of its `new` (cargo-semver-checks
    // agrees: `method_parameter_count_changed`).
    let route_labels = reports[0]
        .changes
        .iter()
        .find(|c| matches!(&c.kind, ChangeKind::FieldAdded { field, required: true } if field == "routeLabels"))
        .expect("routeLabels added");
    assert_eq!(route_labels.verdict, Verdict::Breaking, "{}", route_labels.note);
    assert!(route_labels.note.contains("`AlertGroup::new` takes it"), "{}", route_labels.note);
}

#[test]
fn every_release_is_listed_with_its_sha256() {
    let source = std::fs::read_to_string(releases().join("SOURCE.md")).expect("SOURCE.md");
    let mut checked = 0;
    for api in ["atlas-admin-v2", "alertmanager"] {
        for file in files(api) {
            let name = file.file_name().expect("a file name").to_string_lossy().into_owned();
            let row = source
                .lines()
                .find(|l| {
                    l.starts_with(&format!("| `{name}` |"))
                        && l.contains(&format!("/{}", api.split('-').next().unwrap_or(api)))
                })
                .unwrap_or_else(|| panic!("SOURCE.md has no row for {api}/{name}"));
            let sha: String =
                Sha256::digest(std::fs::read(&file).expect("readable")).iter().map(|b| format!("{b:02x}")).collect();
            assert!(row.contains(&format!("`{sha}`")), "{api}/{name}: sha256 {sha} is not the recorded one:\n{row}");
            checked += 1;
        }
    }
    assert_eq!(checked, 5);
}
