//! The semantic API diff: one case per kind of change under `tests/fixtures/diff/<case>/`, each checked
//! twice — an insta snapshot of the text report (`tests/snapshots/diff/<case>.snap`) to review the
//! wording, and explicit asserts of every change's subject, kind and verdict plus the semver bump, so a
//! wrong verdict cannot slip in by accepting a snapshot.
//!
//! Every case starts from one spec, `tests/fixtures/diff/base.yaml`. A case folder holds the change as a
//! unified diff against it: `after.patch` (the spec after the change), `before.patch` (the spec before
//! it, when the change removes something the base lacks), or an explicit `after.yaml` where a patch would
//! not read better (`reordered`). A side with no file of its own is the base.

#![allow(clippy::expect_used, clippy::panic)] // a test may panic on a broken fixture

use std::path::{Path, PathBuf};

use atlas_codegen::diff::{diff, Bump, ChangeKind, ConstraintKind, Report, Subject, Verdict};
use atlas_codegen::ir::{self, Location};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One side (`before` or `after`) of a case: `<side>.yaml` as it is, the base with `<side>.patch`
/// applied, or the base.
fn side(case: &str, side: &str) -> (String, String) {
    let dir = fixtures().join(case);
    let base = read(&fixtures().join("base.yaml"));
    let explicit = dir.join(format!("{side}.yaml"));
    let patch = dir.join(format!("{side}.patch"));
    let text = if explicit.exists() {
        read(&explicit)
    } else if patch.exists() {
        let diff = read(&patch);
        let parsed = diffy::Patch::from_str(&diff).unwrap_or_else(|e| panic!("{}: {e}", patch.display()));
        diffy::apply(&base, &parsed).unwrap_or_else(|e| panic!("{} does not apply to base.yaml: {e}", patch.display()))
    } else {
        base
    };
    (format!("tests/fixtures/diff/{case}/{side}.yaml"), text)
}

fn lower((name, text): (String, String)) -> ir::Api {
    match atlas_codegen::lower_spec(&name, &text) {
        Ok((api, _warnings)) => api,
        Err(diags) => panic!("{name} does not lower:\n{diags}"),
    }
}

/// Diffs a case and snapshots its text report.
fn case(name: &str) -> Report {
    let before = lower(side(name, "before"));
    let after = lower(side(name, "after"));
    assert!(diff(&before, &before).is_empty(), "{name}: before.yaml differs from itself");
    assert!(diff(&after, &after).is_empty(), "{name}: after.yaml differs from itself");
    let report = diff(&before, &after);
    super::assert_text_snapshot("diff", name, &report.render_text());
    report
}

fn op(id: &str) -> Subject {
    Subject::Operation(id.to_owned())
}

fn schema(name: &str) -> Subject {
    Subject::Schema(name.to_owned())
}

/// Asserts the exact list of changes (subject, verdict, kind pattern, in report order) and the bump.
macro_rules! check {
    ($case:literal, $bump:expr, [$(($subject:expr, $verdict:ident, $kind:pat $(if $guard:expr)? $(,)?)),* $(,)?]) => {{
        let report = case($case);
        let changes = &report.changes;
        let expected: Vec<(Subject, Verdict)> = vec![$(($subject, Verdict::$verdict)),*];
        assert_eq!(changes.len(), expected.len(), "{}: wrong number of changes:\n{}", $case, report.render_text());
        #[allow(unused_mut)] // no change expected: `i` is never incremented
        let mut i = 0;
        $(
            let change = &changes[i];
            assert_eq!((&change.subject, change.verdict), (&expected[i].0, expected[i].1), "{}: change {i}: {change:?}", $case);
            assert!(matches!(&change.kind, $kind $(if $guard)?), "{}: change {i} is {:?}", $case, change.kind);
            i += 1;
        )*
        assert_eq!(i, changes.len());
        assert_eq!(report.bump(), $bump, "{}: bump", $case);
        assert_eq!(report.is_breaking(), $bump == Bump::Major, "{}: is_breaking", $case);
        report
    }};
}

#[test]
fn every_fixture_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures/diff exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().unwrap_or_default().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut tested = CASES.to_vec();
    tested.sort_unstable();
    assert_eq!(found, tested);
}

const CASES: &[&str] = &[
    "constraint_loosened",
    "grouped",
    "default_changed",
    "enum_value_added",
    "enum_value_removed",
    "field_format_typed",
    "field_type_changed",
    "form_parts_changed",
    "media_type_changed",
    "method_changed",
    "operation_added",
    "operation_removed",
    "param_added_optional",
    "param_added_required",
    "param_constraint_tightened",
    "param_removed",
    "param_required_changed",
    "param_style_changed",
    "path_changed",
    "reordered",
    "request_field_added_optional",
    "request_field_added_required",
    "request_field_constraint_tightened",
    "request_field_removed",
    "response_code_added_removed",
    "response_field_added",
    "response_field_removed",
    "schema_added",
    "schema_removed",
    "success_type_changed",
];

#[test]
fn reordered() {
    let report = check!("reordered", Bump::None, []);
    assert_eq!(report.render_text(), "no API changes\n");
    assert_eq!(report.render_markdown(), "no API changes\n");
}

#[test]
fn real_spec_against_itself() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/atlas-api-keys.yaml");
    let api = lower(("spec/atlas-api-keys.yaml".to_owned(), read(&spec)));
    let report = diff(&api, &api.clone());
    assert!(report.is_empty(), "{}", report.render_text());
    assert_eq!(report.bump(), Bump::None);
    assert_eq!(report.render_text(), "no API changes\n");
}

#[test]
fn operation_added() {
    check!(
        "operation_added",
        Bump::Minor,
        [(op("deleteWidget"), Compatible, ChangeKind::OperationAdded { method: ir::HttpMethod::Delete, .. }),]
    );
}

#[test]
fn operation_removed() {
    check!(
        "operation_removed",
        Bump::Major,
        [
            (op("getWidget"), Breaking, ChangeKind::OperationRemoved { method: ir::HttpMethod::Get, .. }),
            // The path parameter's validated newtype goes with it.
            (schema("widgetId"), Breaking, ChangeKind::SchemaRemoved { shape: "newtype" }),
        ]
    );
}

#[test]
fn path_changed() {
    check!(
        "path_changed",
        Bump::Major,
        [(
            op("getWidget"),
            Breaking,
            ChangeKind::PathChanged { after, .. } if after == "/orgs/{orgId}/gadgets/{widgetId}",
        )]
    );
}

#[test]
fn method_changed() {
    check!(
        "method_changed",
        Bump::Major,
        [(
            op("createWidget"),
            Breaking,
            ChangeKind::MethodChanged { before: ir::HttpMethod::Post, after: ir::HttpMethod::Put }
        ),]
    );
}

#[test]
fn param_added_required() {
    check!(
        "param_added_required",
        Bump::Major,
        [(
            op("listWidgets"),
            Breaking,
            ChangeKind::ParamAdded { param, required: true } if param.name == "projectId" && param.location == Location::Query,
        )]
    );
}

#[test]
fn param_added_optional() {
    check!(
        "param_added_optional",
        Bump::Minor,
        [(op("listWidgets"), Compatible, ChangeKind::ParamAdded { param, required: false } if param.name == "pretty")]
    );
}

#[test]
fn param_style_changed() {
    // Calls compile as before; the bytes on the wire differ (a patch release, listed for review).
    check!(
        "param_style_changed",
        Bump::Patch,
        [(
            op("listCharges"),
            Compatible,
            ChangeKind::ParamWireChanged { param, before, after }
                if param.name == "expand" && before == "one pair per item" && after == "items joined by `,`",
        ), (
            op("listCharges"),
            Compatible,
            ChangeKind::ParamWireChanged { param, after, .. }
                if param.name == "metadata" && after.contains("deepObject"),
        )]
    );
}

#[test]
fn form_parts_changed() {
    check!(
        "form_parts_changed",
        Bump::Major,
        [(op("uploadPhoto"), Compatible, ChangeKind::FormPartAdded { part, required: false } if part == "album"), (op("uploadPhoto"), Breaking, ChangeKind::FormPartRemoved { part } if part == "legacy"), (
            op("uploadPhoto"),
            Breaking,
            ChangeKind::FormPartTypeChanged { part, before, after }
                if part == "tags" && before == "text `string`" && after == "one part per item, each text `string`",
        ), (op("uploadPhoto"), Breaking, ChangeKind::FormPartRequiredChanged { part, required: true } if part == "title")]
    );
}

#[test]
fn param_removed() {
    check!(
        "param_removed",
        Bump::Major,
        [(op("listWidgets"), Breaking, ChangeKind::ParamRemoved { param, required: false } if param.name == "pageNum"), (op("listWidgets"), Breaking, ChangeKind::PaginationRemoved)]
    );
}

#[test]
fn param_required_changed() {
    check!(
        "param_required_changed",
        Bump::Major,
        [(
            op("listWidgets"),
            Breaking,
            ChangeKind::ParamRequiredChanged { param, required: true } if param.name == "itemsPerPage",
        )]
    );
}

#[test]
fn param_constraint_tightened() {
    check!(
        "param_constraint_tightened",
        Bump::Major,
        [(
            op("getWidget"),
            Breaking,
            ChangeKind::ParamConstraintChanged { param, change }
            if param.name == "widgetId" && change.kind == ConstraintKind::MaxLength && change.tightened,
        ), (
            op("listWidgets"),
            Breaking,
            ChangeKind::ParamConstraintChanged { param, change }
            if param.name == "itemsPerPage" && change.kind == ConstraintKind::Maximum && change.tightened
                && change.before.as_deref() == Some("500") && change.after.as_deref() == Some("200"),
        ), (
            op("listWidgets"),
            Breaking,
            ChangeKind::ParamConstraintChanged { param, change }
            if param.name == "pageNum" && change.kind == ConstraintKind::Maximum && change.tightened
                && change.before.is_none(),
        )]
    );
}

#[test]
fn request_field_constraint_tightened() {
    check!(
        "request_field_constraint_tightened",
        Bump::Major,
        [(
            schema("NewWidget"),
            Breaking,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "labels" && change.kind == ConstraintKind::MinItems && change.tightened,
        ), (
            schema("NewWidget"),
            Breaking,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "labels" && change.kind == ConstraintKind::UniqueItems && change.tightened,
        ), (
            schema("NewWidget"),
            Breaking,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "name" && change.kind == ConstraintKind::Pattern && change.tightened,
        ), (
            schema("NewWidget"),
            Breaking,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "name" && change.kind == ConstraintKind::MinLength && change.tightened,
        ), (
            schema("NewWidget"),
            Breaking,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "name" && change.kind == ConstraintKind::MaxLength && change.tightened,
        )]
    );
}

#[test]
fn constraint_loosened() {
    check!(
        "constraint_loosened",
        Bump::Patch,
        [(
            op("listWidgets"),
            Compatible,
            ChangeKind::ParamConstraintChanged { change, .. }
            if change.kind == ConstraintKind::Maximum && !change.tightened,
        ), (
            schema("NewWidget"),
            Compatible,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "labels" && change.kind == ConstraintKind::MaxItems && change.after.is_none(),
        ), (
            schema("NewWidget"),
            Compatible,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "name" && change.kind == ConstraintKind::MaxLength && change.after.is_none(),
        ), (
            schema("Widget"),
            Compatible,
            ChangeKind::FieldConstraintChanged { field, change }
            if field == "size" && change.kind == ConstraintKind::Maximum && change.tightened,
        )]
    );
}

#[test]
fn default_changed() {
    check!(
        "default_changed",
        Bump::Patch,
        [(
            op("listWidgets"),
            Compatible,
            ChangeKind::ParamDefaultChanged { before, after, .. }
            if before.as_deref() == Some("100") && after.as_deref() == Some("50"),
        )]
    );
}

#[test]
fn response_field_added() {
    check!(
        "response_field_added",
        Bump::Minor,
        [(schema("Widget"), Compatible, ChangeKind::FieldAdded { field, required: false } if field == "createdAt")]
    );
}

#[test]
fn response_field_removed() {
    check!(
        "response_field_removed",
        Bump::Major,
        [(schema("Widget"), Breaking, ChangeKind::FieldRemoved { field } if field == "size")]
    );
}

#[test]
fn request_field_added_required() {
    check!(
        "request_field_added_required",
        Bump::Major,
        [(schema("NewWidget"), Breaking, ChangeKind::FieldAdded { field, required: true } if field == "owner")]
    );
}

#[test]
fn request_field_added_optional() {
    check!(
        "request_field_added_optional",
        Bump::Minor,
        [(schema("NewWidget"), Compatible, ChangeKind::FieldAdded { field, required: false } if field == "note")]
    );
}

#[test]
fn request_field_removed() {
    check!(
        "request_field_removed",
        Bump::Major,
        [(schema("NewWidget"), Breaking, ChangeKind::FieldRemoved { field } if field == "labels")]
    );
}

/// A string that gains a typed format (`format: uuid`) changes its Rust type (`String` -> `uuid::Uuid`),
/// even in a response-only field: code that reads it as a `String` stops compiling.
#[test]
fn field_format_typed() {
    check!(
        "field_format_typed",
        Bump::Major,
        [(
            schema("Widget"),
            Breaking,
            ChangeKind::FieldTypeChanged { field, before: ir::TypeRef::String, after: ir::TypeRef::Uuid }
            if field == "id",
        )]
    );
}

#[test]
fn field_type_changed() {
    check!(
        "field_type_changed",
        Bump::Major,
        [(
            schema("Widget"),
            Breaking,
            ChangeKind::FieldTypeChanged { field, before: ir::TypeRef::I32, after: ir::TypeRef::String }
            if field == "size",
        ), (
            schema("Widget"),
            Compatible,
            ChangeKind::FieldConstraintChanged { change, .. } if change.kind == ConstraintKind::Maximum,
        )]
    );
}

#[test]
fn enum_value_added() {
    check!(
        "enum_value_added",
        Bump::Minor,
        [(schema("Color"), Compatible, ChangeKind::EnumValueAdded { value } if value == "PURPLE")]
    );
}

#[test]
fn enum_value_removed() {
    check!(
        "enum_value_removed",
        Bump::Major,
        [(schema("Color"), Breaking, ChangeKind::EnumValueRemoved { value } if value == "GREEN")]
    );
}

#[test]
fn media_type_changed() {
    check!(
        "media_type_changed",
        Bump::Major,
        [(
            op("createWidget"),
            Breaking,
            ChangeKind::ContentTypeChanged { after, .. } if after == "application/vnd.atlas.2024-05-30+json",
        ), (
            op("getWidget"),
            Breaking,
            ChangeKind::AcceptChanged { after, .. } if after == "application/vnd.atlas.2024-05-30+json",
        )]
    );
}

#[test]
fn response_code_added_removed() {
    check!(
        "response_code_added_removed",
        Bump::Minor,
        [
            (
                op("getWidget"),
                Compatible,
                ChangeKind::ResponseRemoved { status: ir::Status::Code(404), success: false }
            ),
            (op("getWidget"), Compatible, ChangeKind::ResponseAdded { status: ir::Status::Code(429) }),
        ]
    );
}

#[test]
fn success_type_changed() {
    check!(
        "success_type_changed",
        Bump::Major,
        [(
            op("getWidget"),
            Breaking,
            ChangeKind::SuccessTypeChanged { after: Some(ir::TypeRef::Named(n)), .. } if n == "WidgetDetails",
        ), (schema("WidgetDetails"), Compatible, ChangeKind::SchemaAdded { shape: "struct" })]
    );
}

#[test]
fn schema_added() {
    check!("schema_added", Bump::Minor, [(schema("Gadget"), Compatible, ChangeKind::SchemaAdded { shape: "struct" }),]);
}

#[test]
fn schema_removed() {
    check!(
        "schema_removed",
        Bump::Major,
        [(schema("Gadget"), Breaking, ChangeKind::SchemaRemoved { shape: "struct" }),]
    );
}

#[test]
fn markdown_table() {
    let case = "param_constraint_tightened";
    let report = diff(&lower(side(case, "before")), &lower(side(case, "after")));
    let md = report.render_markdown();
    assert!(md.contains("| Subject | Change | Verdict |\n| --- | --- | --- |\n"), "{md}");
    assert!(md.contains("atlas-admin-client 0.1.0 -> 0.2.0\n"), "{md}");
    super::assert_text_snapshot("diff", "markdown_param_constraint_tightened", &md);
}

/// A report on an API with tags: the summary table counts each tag's changes, and each change is filed
/// under its operation's first tag, or the one tag whose operations use the schema (`Owner`, used by
/// both tags, is shared).
#[test]
fn grouped_by_tag() {
    use atlas_codegen::diff::SHARED;
    let report = check!(
        "grouped",
        Bump::Major,
        [
            (op("deleteGadget"), Breaking, ChangeKind::OperationRemoved { .. }),
            (op("getGadget"), Compatible, ChangeKind::OperationAdded { .. }),
            (op("listWidgets"), Breaking, ChangeKind::ParamConstraintChanged { .. }),
            (schema("/components/schemas/Gadget/properties/kind"), Breaking, ChangeKind::EnumValueRemoved { .. }),
            (schema("/components/schemas/Gadget/properties/kind"), Compatible, ChangeKind::EnumValueAdded { .. }),
            (schema("Owner"), Compatible, ChangeKind::FieldAdded { required: false, .. }),
        ]
    );
    let groups: Vec<&str> = report.changes.iter().map(|c| c.group.as_str()).collect();
    assert_eq!(groups, ["Gadgets", "Gadgets", "Widgets", "Gadgets", "Gadgets", SHARED]);
    let text = report.render_text();
    assert!(
        text.contains("  tag               breaking  compatible\n  Gadgets                  2           2\n"),
        "{text}"
    );
    let md = report.render_markdown();
    assert!(
        md.contains(
            "| Tag | Breaking | Compatible |\n| --- | ---: | ---: |\n| Gadgets | 2 | 2 |\n| Widgets | 1 | 0 |\n"
        ),
        "{md}"
    );
    // A tag without breaking changes is folded.
    assert!(md.contains("<details><summary>(shared schemas) (0 breaking, 1 compatible)</summary>"), "{md}");
    assert!(md.contains("### Gadgets (2 breaking, 2 compatible)"), "{md}");
    super::assert_text_snapshot("diff", "markdown_grouped", &md);
}

#[test]
fn markdown_escapes_pipes() {
    let case = "request_field_constraint_tightened";
    let before = lower(side(case, "before"));
    let mut after = lower(side(case, "after"));
    for s in &mut after.schemas {
        if let ir::SchemaKind::Struct { fields } = &mut s.kind {
            for f in fields.iter_mut().filter(|f| f.constraints.pattern.is_some()) {
                f.constraints.pattern = Some("^(a|b)$".to_owned());
            }
        }
    }
    let md = diff(&before, &after).render_markdown();
    assert!(md.contains(r"`^(a\|b)$`"), "{md}");
    for row in md.lines().filter(|l| l.starts_with("| schema")) {
        assert_eq!(row.matches(" | ").count(), 2, "a row with more than three cells: {row}");
    }
}

#[test]
fn bump_versions() {
    assert_eq!(Bump::Major.next_version("0.1.0").as_deref(), Some("0.2.0"));
    assert_eq!(Bump::Minor.next_version("0.1.0").as_deref(), Some("0.1.1"));
    assert_eq!(Bump::Patch.next_version("0.1.3").as_deref(), Some("0.1.4"));
    assert_eq!(Bump::None.next_version("0.1.0").as_deref(), Some("0.1.0"));
    assert_eq!(Bump::Major.next_version("1.4.2").as_deref(), Some("2.0.0"));
    assert_eq!(Bump::Minor.next_version("1.4.2").as_deref(), Some("1.5.0"));
    assert_eq!(Bump::Patch.next_version("1.4.2").as_deref(), Some("1.4.3"));
    assert_eq!(Bump::Major.next_version("0.1"), None);
    assert_eq!(Bump::Major.next_version("x.y.z"), None);
    assert!(Bump::Major > Bump::Minor && Bump::Minor > Bump::Patch && Bump::Patch > Bump::None);
}

#[test]
fn constraint_directions() {
    use atlas_codegen::diff::constraint_changes;
    use atlas_codegen::ir::Constraints;
    let none = Constraints::default();
    let tight = |a: &Constraints, b: &Constraints| -> Vec<(ConstraintKind, bool)> {
        constraint_changes(a, b).into_iter().map(|c| (c.kind, c.tightened)).collect()
    };
    // An exclusive bound at the same value is tighter than an inclusive one.
    let max = Constraints { maximum: Some(10.0), ..Constraints::default() };
    let max_excl = Constraints { maximum: Some(10.0), exclusive_maximum: true, ..Constraints::default() };
    assert_eq!(tight(&max, &max_excl), [(ConstraintKind::Maximum, true)]);
    assert_eq!(tight(&max_excl, &max), [(ConstraintKind::Maximum, false)]);
    let min = Constraints { minimum: Some(-1.5), ..Constraints::default() };
    let min_higher = Constraints { minimum: Some(0.0), ..Constraints::default() };
    assert_eq!(tight(&min, &min_higher), [(ConstraintKind::Minimum, true)]);
    assert_eq!(tight(&min, &none), [(ConstraintKind::Minimum, false)]);
    // `minLength: 0` / `minItems: 0` say nothing.
    let zero = Constraints { min_length: Some(0), min_items: Some(0), ..Constraints::default() };
    assert!(constraint_changes(&none, &zero).is_empty());
    // Any other pattern may reject what the old one accepted.
    let p1 = Constraints { pattern: Some("^a+$".to_owned()), ..Constraints::default() };
    let p2 = Constraints { pattern: Some("^[ab]+$".to_owned()), ..Constraints::default() };
    assert_eq!(tight(&p1, &p2), [(ConstraintKind::Pattern, true)]);
    assert_eq!(tight(&p1, &none), [(ConstraintKind::Pattern, false)]);
    let items = Constraints { max_items: Some(5), unique_items: true, ..Constraints::default() };
    assert_eq!(tight(&none, &items), [(ConstraintKind::MaxItems, true), (ConstraintKind::UniqueItems, true)]);
    assert_eq!(tight(&items, &none), [(ConstraintKind::MaxItems, false), (ConstraintKind::UniqueItems, false)]);
    assert!(constraint_changes(&items, &items.clone()).is_empty());
    // An integer `enum` appearing or losing a value rejects more; gaining one, or its order, does not.
    let values = |v: &[i64]| Constraints { integer_values: v.to_vec(), ..Constraints::default() };
    assert_eq!(tight(&none, &values(&[1, 2])), [(ConstraintKind::Enum, true)]);
    assert_eq!(tight(&values(&[1, 2]), &values(&[1])), [(ConstraintKind::Enum, true)]);
    assert_eq!(tight(&values(&[1, 2]), &values(&[1, 3])), [(ConstraintKind::Enum, true)]);
    assert_eq!(tight(&values(&[1]), &values(&[1, 2])), [(ConstraintKind::Enum, false)]);
    assert_eq!(tight(&values(&[1]), &none), [(ConstraintKind::Enum, false)]);
    assert!(constraint_changes(&values(&[2, 1]), &values(&[1, 2])).is_empty());
    let change = &constraint_changes(&values(&[15, 30]), &values(&[30]))[0];
    assert_eq!(change.to_string(), "enum [15, 30] -> [30]");
}
