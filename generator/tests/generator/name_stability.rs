//! Names that survive the next spec release (issue 32): starting from `good/name_clashes.yaml`, whose
//! every kind of clash is settled by `naming::clash`, an addition that clashes with nothing, and one that
//! clashes with a name but does not outrank it, leave every existing Rust name as it was: checked on the
//! IR (every type, field, method, builder and argument by its spec identity) and by api-diff, which
//! reports any Rust rename as a breaking `RustNameChanged`. A control shows both checks catch a rename.

#![allow(clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use atlas_codegen::diff::{diff, ChangeKind};
use atlas_codegen::ir::Api;

fn base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/name_clashes.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lower(text: &str) -> Api {
    match atlas_codegen::lower_spec("name_clashes.yaml", text) {
        Ok((api, _warnings)) => api,
        Err(diags) => panic!("does not lower:\n{diags}"),
    }
}

/// `text` with `insert` put right after the one line that is `anchor`.
fn after_line(text: &str, anchor: &str, insert: &str) -> String {
    assert_eq!(text.lines().filter(|l| *l == anchor).count(), 1, "anchor `{anchor}` must be one line");
    text.replacen(&format!("{anchor}\n"), &format!("{anchor}\n{insert}"), 1)
}

/// Every Rust name of the API, by the spec identity of what it names.
fn names(api: &Api) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for s in &api.schemas {
        out.insert(format!("type {}", s.name), s.rust_name.clone());
        for f in s.fields() {
            out.insert(format!("field {} {}", s.name, f.name), f.rust_name.clone());
        }
    }
    for op in &api.operations {
        out.insert(format!("method {}", op.id), op.rust_name.clone());
        out.insert(format!("builder {}", op.id), op.builder_name.clone());
        for p in &op.params {
            out.insert(format!("argument {} {} {}", op.id, p.location.as_str(), p.name), p.rust_name.clone());
        }
    }
    out
}

/// The names of `before` that `after` gives another Rust name (or drops), and api-diff's renames.
fn renames(before: &Api, after: &Api) -> (Vec<String>, Vec<String>) {
    let (old, new) = (names(before), names(after));
    let changed = old
        .iter()
        .filter(|(k, v)| new.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}: {v} -> {:?}", new.get(k)))
        .collect();
    let reported = diff(before, after)
        .changes
        .iter()
        .filter(|c| matches!(c.kind, ChangeKind::RustNameChanged { .. }))
        .map(|c| format!("{}: {}", c.subject, c.kind))
        .collect();
    (changed, reported)
}

/// A component, a property, a parameter and an operation that clash with nothing.
fn with_unrelated_additions(text: &str) -> String {
    let text = after_line(
        text,
        "  schemas:",
        "    Zebra:\n      type: object\n      properties:\n        stripes: {type: integer}\n        mane:\n          type: object\n          properties:\n            length: {type: integer}\n",
    );
    let text = after_line(&text, "        Add: {type: string}", "        zeta: {type: string}\n");
    let text = after_line(
        &text,
        "        - {name: StartTime, in: query, schema: {type: string}}",
        "        - {name: limit, in: query, schema: {type: integer}}\n",
    );
    after_line(
        &text,
        "paths:",
        "  /zebras:\n    get:\n      operationId: listZebras\n      responses:\n        \"200\":\n          description: The zebras.\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Zebra\"}\n",
    )
}

#[test]
fn unrelated_additions_rename_nothing() {
    let before = lower(&base());
    let after = lower(&with_unrelated_additions(&base()));
    assert!(names(&after).len() > names(&before).len(), "the additions must add names");
    let (changed, reported) = renames(&before, &after);
    assert!(changed.is_empty(), "renamed: {changed:#?}");
    assert!(reported.is_empty(), "api-diff reports renames: {reported:#?}");
}

#[test]
fn a_new_clashing_name_does_not_take_an_existing_name() {
    let before = lower(&base());
    // `ACCOUNT_ID` clashes with `AccountId` and `accountId`; `ADD` with `add` and `Add`; `startTime`
    // with `StartTime`; `_id` with `id`; the inline `profile` of `account_business` with the component
    // `account_business_profile` and the inline `business_profile` of `account`. None is spelled as the
    // Rust name it wants.
    let text = after_line(
        &base(),
        "  schemas:",
        "    ACCOUNT_ID:\n      type: string\n    account_business:\n      type: object\n      properties:\n        profile:\n          type: object\n          properties:\n            nick: {type: string}\n",
    );
    let text = after_line(&text, "        Add: {type: string}", "        ADD: {type: string}\n");
    let text = after_line(
        &text,
        "        - {name: StartTime, in: query, schema: {type: string}}",
        "        - {name: startTime, in: query, schema: {type: string}}\n",
    );
    let text = after_line(
        &text,
        "        owner: {$ref: \"#/components/schemas/accountId\"}",
        "        _id:\n          type: object\n          properties:\n            raw: {type: string}\n",
    );
    let after = lower(&text);
    let (changed, reported) = renames(&before, &after);
    assert!(changed.is_empty(), "renamed: {changed:#?}");
    assert!(reported.is_empty(), "api-diff reports renames: {reported:#?}");
    // The newcomers took derived names.
    let new = names(&after);
    assert_eq!(new["type ACCOUNT_ID"], "AccountIdUpper");
    assert_eq!(new["field Reactions ADD"], "add_upper");
    assert_eq!(new["argument listCalls query startTime"], "start_time_camel");
    assert_eq!(new["field account _id"], "id_lower");
    let profile = &new["type /components/schemas/account_business/properties/profile"];
    assert!(profile.starts_with("AccountBusinessProfileInlineX") && profile.len() == 33, "{profile}");
}

#[test]
fn the_checks_catch_a_rename() {
    // Without the component `AccountId`, `accountId` keeps the natural name: a rename both checks see.
    let before = lower(&base());
    let text = base()
        .replace("        id: {$ref: \"#/components/schemas/AccountId\"}\n", "        id: {type: string}\n")
        .replace(
            "    AccountId:\n      description: Spelled exactly as its Rust name, so it keeps it.\n      type: string\n",
            "",
        );
    let after = lower(&text);
    let (changed, reported) = renames(&before, &after);
    assert_eq!(changed, ["type AccountId: AccountId -> None", "type accountId: AccountIdCamel -> Some(\"AccountId\")"]);
    assert_eq!(reported, ["schema accountId: type renamed: `AccountIdCamel` -> `AccountId`"]);
}
