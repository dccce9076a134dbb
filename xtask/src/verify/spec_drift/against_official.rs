//! The drift check against the vendored official description: the fragment passes, and a difference
//! planted in a copy of the fragment fails it, naming what differs.

use std::sync::LazyLock;

use atlas_codegen::ir::Api;

use super::drift::{self, Difference, Outcome};

const OFFICIAL_FILE: &str = "spec/upstream/atlas-admin-v2.yaml";
const FRAGMENT_FILE: &str = "spec/atlas-api-keys.yaml";
const FRAGMENT: &str = include_str!("../../../../spec/atlas-api-keys.yaml");

/// The official description's three operations, lowered once for every test (it is 4 MB of YAML).
static OFFICIAL: LazyLock<Api> = LazyLock::new(|| {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/upstream/atlas-admin-v2.yaml"))
        .expect("the vendored official description is readable");
    drift::lower_official(OFFICIAL_FILE, &text).unwrap_or_else(|e| panic!("{e}"))
});

fn check(fragment: &str) -> Outcome {
    drift::check_against(&OFFICIAL, FRAGMENT_FILE, fragment).unwrap_or_else(|e| panic!("{e}"))
}

/// The fragment with `from` replaced by `to` exactly once (so a planted change cannot miss its place).
fn planted(from: &str, to: &str) -> String {
    assert_eq!(FRAGMENT.matches(from).count(), 1, "`{from}` occurs once in the fragment");
    FRAGMENT.replacen(from, to, 1)
}

fn summaries(differences: &[Difference]) -> Vec<String> {
    differences.iter().map(ToString::to_string).collect()
}

#[test]
fn the_fragment_passes() {
    let outcome = check(FRAGMENT);
    assert!(outcome.passed(), "{}", outcome.render());
    // Every listed deviation is used, and each allowed difference carries its listed reason.
    let listed = drift::deviations(FRAGMENT).unwrap();
    let subjects: usize = listed.iter().map(|d| d.subjects.len()).sum();
    assert_eq!(outcome.allowed.len(), subjects, "{}", outcome.render());
    for (difference, reason) in &outcome.allowed {
        let entry = listed.iter().find(|d| d.change == difference.change && d.subjects.contains(&difference.subject));
        assert_eq!(entry.map(|d| d.reason.as_str()), Some(reason.as_str()), "{difference}");
    }
}

#[test]
fn a_changed_bound_fails_naming_the_parameter() {
    // itemsPerPage is the only parameter with a maximum.
    let outcome = check(&planted("        maximum: 500\n", "        maximum: 400\n"));
    assert!(!outcome.passed());
    assert_eq!(
        summaries(&outcome.unlisted),
        ["operation listOrgApiKeys: query parameter `itemsPerPage`: maximum 500 -> 400"]
    );
    assert!(outcome.stale.is_empty());
    let report = outcome.render();
    assert!(report.contains("query parameter `itemsPerPage`: maximum 500 -> 400"), "{report}");
    assert!(report.contains("Values above 400 for `itemsPerPage` are now rejected before sending."), "{report}");
    assert!(report.ends_with("spec-drift FAILED: 1 unlisted, 0 stale, 7 intentional\n"), "{report}");
}

#[test]
fn a_versioned_error_media_type_fails_for_every_operation_that_uses_it() {
    let outcome = check(&planted(
        "    notFound:\n      description: Not found. The organization or API key does not exist.\n      content:\n        application/json:",
        "    notFound:\n      description: Not found. The organization or API key does not exist.\n      content:\n        application/vnd.atlas.2023-01-01+json:",
    ));
    let change = "response 404 media type: `application/json` -> `application/vnd.atlas.2023-01-01+json`";
    assert_eq!(
        summaries(&outcome.unlisted),
        ["createOrgApiKey", "getOrgApiKey", "listOrgApiKeys"].map(|op| format!("operation {op}: {change}"))
    );
}

#[test]
fn a_missing_rate_limit_header_fails() {
    let from = "      description: The requested API key.\n          headers:\n            RateLimit-Limit:\n              $ref: \"#/components/headers/HeaderRateLimitLimit\"\n";
    let to = "      description: The requested API key.\n          headers:\n";
    let outcome = check(&planted(from, to));
    assert_eq!(summaries(&outcome.unlisted), ["operation getOrgApiKey: response 200 header `RateLimit-Limit` removed"]);
}

#[test]
fn a_deviation_that_no_longer_happens_is_stale() {
    // Without `format: password` the private key matches the official description, so its listed
    // deviation matches nothing and must go.
    let outcome = check(&planted("          format: password\n", ""));
    assert!(outcome.unlisted.is_empty(), "{}", outcome.render());
    let stale: Vec<(&[String], &str)> =
        outcome.stale.iter().map(|d| (d.subjects.as_slice(), d.change.as_str())).collect();
    assert_eq!(
        stale,
        [(&["schema ApiKeyUserDetails".to_owned()][..], "field `privateKey`: type `string` -> `secret`")]
    );
    assert!(!outcome.passed());
}

#[test]
fn a_removed_security_scheme_fails() {
    let outcome =
        check(&planted("  - ServiceAccounts: []\n", "").replacen("    ServiceAccounts:\n", "    Unused:\n", 1));
    let found = summaries(&outcome.unlisted);
    assert!(found.contains(&"security: security scheme `ServiceAccounts` removed".to_owned()), "{found:?}");
    assert!(found.contains(&"security: security scheme `Unused` added".to_owned()), "{found:?}");
}

#[test]
fn the_official_description_lowers_to_the_three_operations() {
    let ids: Vec<&str> = OFFICIAL.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["listOrgApiKeys", "createOrgApiKey", "getOrgApiKey"]);
    let list = &OFFICIAL.operations[0];
    let ok = list.success().unwrap();
    assert_eq!(ok.headers, ["RateLimit-Limit", "RateLimit-Remaining"]);
    let too_many = list.responses.iter().find(|r| r.status == atlas_codegen::ir::Status::Code(429)).unwrap();
    assert_eq!(too_many.media_type.as_deref(), Some("application/json"));
    assert_eq!(too_many.headers, ["RateLimit-Limit", "RateLimit-Remaining", "Retry-After"]);
}
