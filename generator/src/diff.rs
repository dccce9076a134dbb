//! Semantic comparison of two IRs: what changed in the API, and whether it breaks callers of the
//! generated crate.
//!
//! [`diff`] works on the [`ir`](crate::ir), never on the YAML text, so reordering keys, moving a
//! parameter into `components/parameters` or reformatting the file reports nothing. Things are matched
//! by their identity on the wire:
//!
//! - operations by `operationId`;
//! - parameters by location and wire name (`query itemsPerPage`);
//! - responses by status;
//! - schemas by their spec name, struct fields and enum values by wire name.
//!
//! Every [`Change`] carries a [`Verdict`]: [`Breaking`](Verdict::Breaking) when code written against the
//! current `atlas-admin-client` could stop compiling or start failing at run time (a method signature
//! changes, a value that used to pass validation is now rejected, a type or variant disappears, Atlas is
//! sent something else), [`Compatible`](Verdict::Compatible) otherwise. Descriptions, summaries, tags and
//! examples are documentation and never reported.
//!
//! [`Report::bump`] turns the verdicts into the semver bump the generated crate needs, and
//! [`Report::render_text`] / [`Report::render_markdown`] print the report for a terminal or a pull
//! request.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

use crate::ir::{
    self, Constraints, Field, HttpMethod, Location, Operation, Param, Schema, SchemaKind, Status, TypeRef,
};
use crate::render::{CRATE_NAME, CRATE_VERSION};

/// What a change is about: an operation or a named schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// An operation, by `operationId`.
    Operation(String),
    /// A named schema, by its spec name.
    Schema(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Operation(id) => write!(f, "operation {id}"),
            Self::Schema(name) => write!(f, "schema {name}"),
        }
    }
}

/// Whether a change breaks callers of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Code that compiles and works against the current crate may stop doing either.
    Breaking,
    /// Existing code keeps compiling and working.
    Compatible,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, not `write_str`, so that `{:<10}` lines up the text report.
        f.pad(match self {
            Self::Breaking => "breaking",
            Self::Compatible => "compatible",
        })
    }
}

/// One JSON Schema keyword that restricts a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConstraintKind {
    /// `pattern`.
    Pattern,
    /// `minLength`.
    MinLength,
    /// `maxLength`.
    MaxLength,
    /// `minimum` (with `exclusiveMinimum`).
    Minimum,
    /// `maximum` (with `exclusiveMaximum`).
    Maximum,
    /// `minItems`.
    MinItems,
    /// `maxItems`.
    MaxItems,
    /// `uniqueItems`.
    UniqueItems,
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pattern => "pattern",
            Self::MinLength => "minLength",
            Self::MaxLength => "maxLength",
            Self::Minimum => "minimum",
            Self::Maximum => "maximum",
            Self::MinItems => "minItems",
            Self::MaxItems => "maxItems",
            Self::UniqueItems => "uniqueItems",
        })
    }
}

/// How one constraint keyword changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConstraintChange {
    /// The keyword.
    pub kind: ConstraintKind,
    /// Its value before, as shown in the report (`500`, `1 (exclusive)`, `true`); `None` when absent.
    pub before: Option<String>,
    /// Its value after; `None` when removed.
    pub after: Option<String>,
    /// Whether some value accepted before is rejected now (`false`: the constraint was relaxed).
    pub tightened: bool,
}

impl fmt::Display for ConstraintChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.before, &self.after) {
            _ if self.kind == ConstraintKind::UniqueItems => {
                write!(f, "{} {}", self.kind, if self.tightened { "added" } else { "removed" })
            }
            (Some(b), Some(a)) => write!(f, "{} {b} -> {a}", self.kind),
            (None, Some(a)) => write!(f, "{} {a} added", self.kind),
            (Some(b), None) => write!(f, "{} {b} removed", self.kind),
            (None, None) => write!(f, "{} changed", self.kind),
        }
    }
}

/// A parameter's identity: where it travels and its wire name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ParamKey {
    /// Where it travels.
    pub location: Location,
    /// Its name on the wire.
    pub name: String,
}

impl fmt::Display for ParamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} parameter `{}`", self.location.as_str(), self.name)
    }
}

/// What changed, with the data a tool needs to act on it.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    /// A new operation.
    OperationAdded {
        /// Its method.
        method: HttpMethod,
        /// Its path template.
        path: String,
    },
    /// An operation is gone.
    OperationRemoved {
        /// Its method.
        method: HttpMethod,
        /// Its path template.
        path: String,
    },
    /// The HTTP method changed.
    MethodChanged {
        /// Before.
        before: HttpMethod,
        /// After.
        after: HttpMethod,
    },
    /// The path template changed.
    PathChanged {
        /// Before.
        before: String,
        /// After.
        after: String,
    },
    /// The operation was deprecated or undeprecated.
    OperationDeprecatedChanged {
        /// Whether it is deprecated now.
        deprecated: bool,
    },
    /// The media type sent in `Accept` (the success response's) changed.
    AcceptChanged {
        /// Before.
        before: String,
        /// After.
        after: String,
    },
    /// The request body's `Content-Type` changed.
    ContentTypeChanged {
        /// Before.
        before: String,
        /// After.
        after: String,
    },
    /// The operation gained a request body.
    BodyAdded {
        /// Whether it must be sent.
        required: bool,
        /// Its type.
        ty: TypeRef,
    },
    /// The operation no longer takes a request body.
    BodyRemoved {
        /// Its former type.
        ty: TypeRef,
    },
    /// The request body became required or optional.
    BodyRequiredChanged {
        /// Whether it is required now.
        required: bool,
    },
    /// The request body's type changed.
    BodyTypeChanged {
        /// Before.
        before: TypeRef,
        /// After.
        after: TypeRef,
    },
    /// A new parameter.
    ParamAdded {
        /// Which.
        param: ParamKey,
        /// Whether the caller must give it.
        required: bool,
    },
    /// A parameter is gone.
    ParamRemoved {
        /// Which.
        param: ParamKey,
        /// Whether it was required.
        required: bool,
    },
    /// A parameter became required or optional.
    ParamRequiredChanged {
        /// Which.
        param: ParamKey,
        /// Whether it is required now.
        required: bool,
    },
    /// A parameter's type changed.
    ParamTypeChanged {
        /// Which.
        param: ParamKey,
        /// Before.
        before: TypeRef,
        /// After.
        after: TypeRef,
    },
    /// One constraint of a parameter changed.
    ParamConstraintChanged {
        /// Which.
        param: ParamKey,
        /// How.
        change: ConstraintChange,
    },
    /// A parameter's documented server default changed.
    ParamDefaultChanged {
        /// Which.
        param: ParamKey,
        /// Before (JSON), if any.
        before: Option<String>,
        /// After (JSON), if any.
        after: Option<String>,
    },
    /// A parameter was deprecated or undeprecated.
    ParamDeprecatedChanged {
        /// Which.
        param: ParamKey,
        /// Whether it is deprecated now.
        deprecated: bool,
    },
    /// A newly documented response status.
    ResponseAdded {
        /// Its status.
        status: Status,
    },
    /// A response status is no longer documented.
    ResponseRemoved {
        /// Its status.
        status: Status,
        /// Whether it was the success response `send()` returned.
        success: bool,
    },
    /// The type `send()` returns (the first 2xx response's body) changed.
    SuccessTypeChanged {
        /// Before (`None`: no body).
        before: Option<TypeRef>,
        /// After (`None`: no body).
        after: Option<TypeRef>,
    },
    /// The body type of a non-success response changed.
    ResponseTypeChanged {
        /// Its status.
        status: Status,
        /// Before (`None`: no body).
        before: Option<TypeRef>,
        /// After (`None`: no body).
        after: Option<TypeRef>,
    },
    /// The operation became paginated (gains a page stream).
    PaginationAdded,
    /// The operation is no longer recognised as paginated (loses its page stream).
    PaginationRemoved,
    /// A new named schema.
    SchemaAdded {
        /// What it is (`struct`, `enum`, `newtype`, `alias`).
        shape: &'static str,
    },
    /// A named schema is gone.
    SchemaRemoved {
        /// What it was.
        shape: &'static str,
    },
    /// A schema changed shape (for example from struct to enum).
    SchemaShapeChanged {
        /// Before.
        before: &'static str,
        /// After.
        after: &'static str,
    },
    /// A new struct field.
    FieldAdded {
        /// Its wire name.
        field: String,
        /// Whether it is required.
        required: bool,
    },
    /// A struct field is gone.
    FieldRemoved {
        /// Its wire name.
        field: String,
    },
    /// A field became required or optional.
    FieldRequiredChanged {
        /// Its wire name.
        field: String,
        /// Whether it is required now.
        required: bool,
    },
    /// A field became nullable or not.
    FieldNullableChanged {
        /// Its wire name.
        field: String,
        /// Whether it is nullable now.
        nullable: bool,
    },
    /// A field's type changed.
    FieldTypeChanged {
        /// Its wire name.
        field: String,
        /// Before.
        before: TypeRef,
        /// After.
        after: TypeRef,
    },
    /// A field's `readOnly`/`writeOnly` flags changed.
    FieldAccessChanged {
        /// Its wire name.
        field: String,
        /// Before (`read-write`, `read-only`, `write-only`).
        before: &'static str,
        /// After.
        after: &'static str,
    },
    /// One constraint of a field changed.
    FieldConstraintChanged {
        /// Its wire name.
        field: String,
        /// How.
        change: ConstraintChange,
    },
    /// A new enum value.
    EnumValueAdded {
        /// Its wire name.
        value: String,
    },
    /// An enum value is gone.
    EnumValueRemoved {
        /// Its wire name.
        value: String,
    },
    /// One constraint of a validated string newtype changed.
    NewtypeConstraintChanged {
        /// How.
        change: ConstraintChange,
    },
    /// The type an alias stands for changed.
    AliasTypeChanged {
        /// Before.
        before: TypeRef,
        /// After.
        after: TypeRef,
    },
}

impl ChangeKind {
    /// Whether the change only adds something (an operation, a parameter, a field, a value...), which
    /// makes a compatible change a feature (minor) rather than a fix (patch).
    pub fn is_addition(&self) -> bool {
        matches!(
            self,
            Self::OperationAdded { .. }
                | Self::BodyAdded { .. }
                | Self::ParamAdded { .. }
                | Self::ResponseAdded { .. }
                | Self::PaginationAdded
                | Self::SchemaAdded { .. }
                | Self::FieldAdded { .. }
                | Self::EnumValueAdded { .. }
        )
    }
}

fn opt_ty(ty: &Option<TypeRef>) -> String {
    ty.as_ref().map_or_else(|| "no body".to_owned(), |t| format!("`{t}`"))
}

fn status(status: Status) -> String {
    match status {
        Status::Code(code) => code.to_string(),
        Status::Default => "default".to_owned(),
    }
}

fn required_word(required: bool) -> &'static str {
    if required {
        "required"
    } else {
        "optional"
    }
}

impl fmt::Display for ChangeKind {
    /// A short summary, such as ``query parameter `itemsPerPage`: maximum 500 -> 200``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OperationAdded { method, path } => write!(f, "operation added: `{} {path}`", method.as_str()),
            Self::OperationRemoved { method, path } => write!(f, "operation removed: `{} {path}`", method.as_str()),
            Self::MethodChanged { before, after } => {
                write!(f, "method changed: {} -> {}", before.as_str(), after.as_str())
            }
            Self::PathChanged { before, after } => write!(f, "path changed: `{before}` -> `{after}`"),
            Self::OperationDeprecatedChanged { deprecated: true } => f.write_str("operation deprecated"),
            Self::OperationDeprecatedChanged { deprecated: false } => f.write_str("operation no longer deprecated"),
            Self::AcceptChanged { before, after } => write!(f, "Accept media type: `{before}` -> `{after}`"),
            Self::ContentTypeChanged { before, after } => {
                write!(f, "request body Content-Type: `{before}` -> `{after}`")
            }
            Self::BodyAdded { required, ty } => write!(f, "{} request body `{ty}` added", required_word(*required)),
            Self::BodyRemoved { ty } => write!(f, "request body `{ty}` removed"),
            Self::BodyRequiredChanged { required } => write!(f, "request body now {}", required_word(*required)),
            Self::BodyTypeChanged { before, after } => write!(f, "request body type: `{before}` -> `{after}`"),
            Self::ParamAdded { param, required } => write!(f, "{} {param} added", required_word(*required)),
            Self::ParamRemoved { param, required } => write!(f, "{} {param} removed", required_word(*required)),
            Self::ParamRequiredChanged { param, required } => write!(f, "{param} now {}", required_word(*required)),
            Self::ParamTypeChanged { param, before, after } => write!(f, "{param}: type `{before}` -> `{after}`"),
            Self::ParamConstraintChanged { param, change } => write!(f, "{param}: {change}"),
            Self::ParamDefaultChanged { param, before, after } => write!(
                f,
                "{param}: default {} -> {}",
                before.as_deref().unwrap_or("none"),
                after.as_deref().unwrap_or("none")
            ),
            Self::ParamDeprecatedChanged { param, deprecated: true } => write!(f, "{param} deprecated"),
            Self::ParamDeprecatedChanged { param, deprecated: false } => {
                write!(f, "{param} no longer deprecated")
            }
            Self::ResponseAdded { status: s } => write!(f, "response {} added", status(*s)),
            Self::ResponseRemoved { status: s, .. } => write!(f, "response {} removed", status(*s)),
            Self::SuccessTypeChanged { before, after } => {
                write!(f, "success type: {} -> {}", opt_ty(before), opt_ty(after))
            }
            Self::ResponseTypeChanged { status: s, before, after } => {
                write!(f, "response {} type: {} -> {}", status(*s), opt_ty(before), opt_ty(after))
            }
            Self::PaginationAdded => f.write_str("now paginated"),
            Self::PaginationRemoved => f.write_str("no longer paginated"),
            Self::SchemaAdded { shape } => write!(f, "{shape} added"),
            Self::SchemaRemoved { shape } => write!(f, "{shape} removed"),
            Self::SchemaShapeChanged { before, after } => write!(f, "shape: {before} -> {after}"),
            Self::FieldAdded { field, required } => write!(f, "{} field `{field}` added", required_word(*required)),
            Self::FieldRemoved { field } => write!(f, "field `{field}` removed"),
            Self::FieldRequiredChanged { field, required } => {
                write!(f, "field `{field}` now {}", required_word(*required))
            }
            Self::FieldNullableChanged { field, nullable: true } => write!(f, "field `{field}` now nullable"),
            Self::FieldNullableChanged { field, nullable: false } => {
                write!(f, "field `{field}` no longer nullable")
            }
            Self::FieldTypeChanged { field, before, after } => {
                write!(f, "field `{field}`: type `{before}` -> `{after}`")
            }
            Self::FieldAccessChanged { field, before, after } => write!(f, "field `{field}`: {before} -> {after}"),
            Self::FieldConstraintChanged { field, change } => write!(f, "field `{field}`: {change}"),
            Self::EnumValueAdded { value } => write!(f, "enum value `{value}` added"),
            Self::EnumValueRemoved { value } => write!(f, "enum value `{value}` removed"),
            Self::NewtypeConstraintChanged { change } => write!(f, "{change}"),
            Self::AliasTypeChanged { before, after } => write!(f, "aliased type: `{before}` -> `{after}`"),
        }
    }
}

/// One difference between two versions of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The operation or schema it is about.
    pub subject: Subject,
    /// What changed.
    pub kind: ChangeKind,
    /// Whether it breaks callers.
    pub verdict: Verdict,
    /// One sentence for humans: the consequence for code that uses the generated crate.
    pub note: String,
}

/// A semver bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Compatible changes that add nothing (relaxed constraints, new defaults, fewer documented codes).
    Patch,
    /// Compatible additions (operations, optional parameters, fields, enum values...).
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// The version after this bump, following Cargo's reading of semver: below 1.0 the left-most
    /// non-zero number is the "major" one, so for `0.y.z` a major bump increments `y` and both minor
    /// and patch bumps increment `z` (Cargo would otherwise treat a minor bump as breaking). From
    /// `1.0.0` on, the usual rules apply. `None` when `current` is not `x.y.z`.
    pub fn next_version(self, current: &str) -> Option<String> {
        let core = current.split(['-', '+']).next().unwrap_or(current);
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let next = match (self, major) {
            (Self::None, _) => return Some(current.to_owned()),
            (Self::Major, 0) => (0, minor + 1, 0),
            (Self::Minor | Self::Patch, 0) => (0, minor, patch + 1),
            (Self::Major, _) => (major + 1, 0, 0),
            (Self::Minor, _) => (major, minor + 1, 0),
            (Self::Patch, _) => (major, minor, patch + 1),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }

    /// One sentence naming the bump and the version it leads to for `crate_name` at `current`.
    pub fn describe(self, crate_name: &str, current: &str) -> String {
        let zero = current.starts_with("0.");
        let why = match (self, zero) {
            (Self::None, _) => return format!("no version bump needed for {crate_name} {current}"),
            (Self::Major, true) => "breaking changes need a major bump, which for a 0.x crate is the minor number",
            (Self::Major, false) => "breaking changes need a major bump",
            (Self::Minor, true) => "compatible additions need a minor bump, which for a 0.x crate is the patch number",
            (Self::Minor, false) => "compatible additions need a minor bump",
            (Self::Patch, _) => "compatible changes without additions need a patch bump",
        };
        match self.next_version(current) {
            Some(next) => format!("{why}: {crate_name} {current} -> {next}"),
            None => format!("{why} of {crate_name} {current}"),
        }
    }
}

/// Everything that changed between two versions of the API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The changes: operations (by `operationId`) first, then schemas (by name); within one subject, in
    /// a fixed order (the operation itself, its body, parameters by location and name, responses by
    /// status; a schema's fields and values by wire name), so the output never depends on spec order.
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.verdict == Verdict::Breaking)
    }

    /// The semver bump the changes need: [`Bump::Major`] when anything breaks, [`Bump::Minor`] when
    /// something was added, [`Bump::Patch`] for other compatible changes, [`Bump::None`] for no change.
    /// (How that maps onto a `0.x` version: [`Bump::next_version`].)
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| match c.verdict {
                Verdict::Breaking => Bump::Major,
                Verdict::Compatible if c.kind.is_addition() => Bump::Minor,
                Verdict::Compatible => Bump::Patch,
            })
            .max()
            .unwrap_or(Bump::None)
    }

    fn counts(&self) -> (usize, usize) {
        let breaking = self.changes.iter().filter(|c| c.verdict == Verdict::Breaking).count();
        (breaking, self.changes.len() - breaking)
    }

    fn bump_line(&self) -> String {
        self.bump().describe(CRATE_NAME, CRATE_VERSION)
    }

    /// The report for a terminal: a count, then each subject with its changes (verdict, summary,
    /// note), then the semver bump for `atlas-admin-client`. An empty report is `no API changes`.
    pub fn render_text(&self) -> String {
        if self.is_empty() {
            return "no API changes\n".to_owned();
        }
        let (breaking, compatible) = self.counts();
        let mut out = format!("API changes: {breaking} breaking, {compatible} compatible\n");
        let mut current: Option<&Subject> = None;
        for change in &self.changes {
            if current != Some(&change.subject) {
                out.push_str(&format!("\n{}\n", change.subject));
                current = Some(&change.subject);
            }
            out.push_str(&format!("  {:<10}  {}\n", change.verdict, change.kind));
            out.push_str(&format!("  {:<10}  {}\n", "", change.note));
        }
        out.push_str(&format!("\nsemver: {}\n", self.bump_line()));
        out
    }

    /// The report as Markdown for a pull request: a `Subject | Change | Verdict` table (the change
    /// column holds the summary and the note), then the semver bump. An empty report is
    /// `no API changes`.
    pub fn render_markdown(&self) -> String {
        if self.is_empty() {
            return "no API changes\n".to_owned();
        }
        let (breaking, compatible) = self.counts();
        let mut out = format!("**API changes:** {breaking} breaking, {compatible} compatible\n\n");
        out.push_str("| Subject | Change | Verdict |\n| --- | --- | --- |\n");
        for change in &self.changes {
            let subject = match &change.subject {
                Subject::Operation(id) => format!("operation `{id}`"),
                Subject::Schema(name) => format!("schema `{name}`"),
            };
            let verdict = match change.verdict {
                Verdict::Breaking => "**breaking**",
                Verdict::Compatible => "compatible",
            };
            out.push_str(&format!(
                "| {} | {} — {} | {verdict} |\n",
                cell(&subject),
                cell(&change.kind.to_string()),
                cell(&change.note)
            ));
        }
        out.push_str(&format!("\n**Semver:** {}\n", self.bump_line()));
        out
    }
}

/// Escapes text for one Markdown table cell: `|` would end the cell and a newline the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Compares two versions of an API. See the [module docs](self) for what is matched and how verdicts
/// are decided.
pub fn diff(before: &ir::Api, after: &ir::Api) -> Report {
    let param_newtypes = [before, after]
        .iter()
        .flat_map(|api| &api.operations)
        .flat_map(|op| &op.params)
        .filter_map(|p| p.newtype.clone())
        .collect();
    let mut d = Differ { changes: Vec::new(), param_newtypes };
    let op_ids: BTreeSet<&str> = before.operations.iter().chain(&after.operations).map(|o| o.id.as_str()).collect();
    for id in op_ids {
        let old = before.operations.iter().find(|o| o.id == id);
        let new = after.operations.iter().find(|o| o.id == id);
        d.operation(id, old, new);
    }
    let schema_names: BTreeSet<&str> = before.schemas.iter().chain(&after.schemas).map(|s| s.name.as_str()).collect();
    for name in schema_names {
        let old = before.schemas.iter().find(|s| s.name == name);
        let new = after.schemas.iter().find(|s| s.name == name);
        d.schema(name, old, new);
    }
    // Subjects were visited in order already; the stable sort only guards that invariant.
    d.changes.sort_by(|a, b| a.subject.cmp(&b.subject));
    Report { changes: d.changes }
}

struct Differ {
    changes: Vec<Change>,
    /// The Rust names of the newtypes that parameters use, before or after.
    param_newtypes: BTreeSet<String>,
}

impl Differ {
    fn push(&mut self, subject: &Subject, kind: ChangeKind, verdict: Verdict, note: impl Into<String>) {
        self.changes.push(Change { subject: subject.clone(), kind, verdict, note: note.into() });
    }

    fn operation(&mut self, id: &str, before: Option<&Operation>, after: Option<&Operation>) {
        let subject = Subject::Operation(id.to_owned());
        let s = &subject;
        let (old, new) = match (before, after) {
            (None, Some(new)) => {
                let kind = ChangeKind::OperationAdded { method: new.method, path: new.path.clone() };
                let note = format!("New method `Client::{}`.", new.rust_name);
                return self.push(s, kind, Verdict::Compatible, note);
            }
            (Some(old), None) => {
                let kind = ChangeKind::OperationRemoved { method: old.method, path: old.path.clone() };
                let note = format!("`Client::{}` and its builder `{}` disappear.", old.rust_name, old.builder_name);
                return self.push(s, kind, Verdict::Breaking, note);
            }
            (Some(old), Some(new)) => (old, new),
            (None, None) => return,
        };
        if old.method != new.method {
            let kind = ChangeKind::MethodChanged { before: old.method, after: new.method };
            self.push(
                s,
                kind,
                Verdict::Breaking,
                "The client sends another HTTP method; the old one no longer reaches this operation.",
            );
        }
        if old.path != new.path {
            let kind = ChangeKind::PathChanged { before: old.path.clone(), after: new.path.clone() };
            self.push(
                s,
                kind,
                Verdict::Breaking,
                "The client sends requests to another URL; the old one no longer reaches this operation.",
            );
        }
        if old.deprecated != new.deprecated {
            let note = if new.deprecated {
                "The method is marked deprecated; callers get a warning, not an error."
            } else {
                "The deprecation mark is gone."
            };
            self.push(
                s,
                ChangeKind::OperationDeprecatedChanged { deprecated: new.deprecated },
                Verdict::Compatible,
                note,
            );
        }
        if old.accept != new.accept {
            let kind = ChangeKind::AcceptChanged { before: old.accept.clone(), after: new.accept.clone() };
            self.push(
                s,
                kind,
                Verdict::Breaking,
                "The versioned media type selects another API version, which changes what Atlas sends back.",
            );
        }
        self.body(s, old, new);
        self.params(s, old, new);
        self.responses(s, old, new);
        match (&old.pagination, &new.pagination) {
            (None, Some(_)) => self.push(
                s,
                ChangeKind::PaginationAdded,
                Verdict::Compatible,
                "The builder gains a stream over every page.",
            ),
            (Some(_), None) => self.push(
                s,
                ChangeKind::PaginationRemoved,
                Verdict::Breaking,
                "The builder loses its stream over every page.",
            ),
            _ => {}
        }
    }

    fn body(&mut self, s: &Subject, old: &Operation, new: &Operation) {
        match (&old.body, &new.body) {
            (None, Some(b)) => {
                let (verdict, note) = if b.required {
                    (Verdict::Breaking, format!("`Client::{}` takes the body as a new argument.", new.rust_name))
                } else {
                    (Verdict::Compatible, "The builder gains a setter for the optional body.".to_owned())
                };
                self.push(s, ChangeKind::BodyAdded { required: b.required, ty: b.ty.clone() }, verdict, note);
            }
            (Some(b), None) => {
                let note = if b.required {
                    format!("`Client::{}` loses its body argument.", new.rust_name)
                } else {
                    "The builder loses its body setter.".to_owned()
                };
                self.push(s, ChangeKind::BodyRemoved { ty: b.ty.clone() }, Verdict::Breaking, note);
            }
            (Some(a), Some(b)) => {
                if a.media_type != b.media_type {
                    let kind =
                        ChangeKind::ContentTypeChanged { before: a.media_type.clone(), after: b.media_type.clone() };
                    self.push(s, kind, Verdict::Breaking, "The versioned media type of the body selects another API version, which changes how Atlas reads it.");
                }
                if a.required != b.required {
                    let note = "The body moves between a method argument and a builder setter, so calls change.";
                    self.push(s, ChangeKind::BodyRequiredChanged { required: b.required }, Verdict::Breaking, note);
                }
                if a.ty != b.ty {
                    let kind = ChangeKind::BodyTypeChanged { before: a.ty.clone(), after: b.ty.clone() };
                    self.push(s, kind, Verdict::Breaking, "Callers must build another type for the body.");
                }
            }
            (None, None) => {}
        }
    }

    fn params(&mut self, s: &Subject, old: &Operation, new: &Operation) {
        let key = |p: &Param| ParamKey { location: p.location, name: p.name.clone() };
        let keys: BTreeSet<ParamKey> = old.params.iter().chain(&new.params).map(key).collect();
        for k in keys {
            let a = old.params.iter().find(|p| key(p) == k);
            let b = new.params.iter().find(|p| key(p) == k);
            match (a, b) {
                (None, Some(b)) => {
                    let (verdict, note) = if b.required {
                        (
                            Verdict::Breaking,
                            format!("`Client::{}` takes a new argument `{}`.", new.rust_name, b.rust_name),
                        )
                    } else {
                        (Verdict::Compatible, format!("The builder gains a setter `{}`.", b.rust_name))
                    };
                    self.push(s, ChangeKind::ParamAdded { param: k, required: b.required }, verdict, note);
                }
                (Some(a), None) => {
                    let note = if a.required {
                        format!("`Client::{}` loses its argument `{}`.", old.rust_name, a.rust_name)
                    } else {
                        format!("The builder loses its setter `{}`.", a.rust_name)
                    };
                    self.push(s, ChangeKind::ParamRemoved { param: k, required: a.required }, Verdict::Breaking, note);
                }
                (Some(a), Some(b)) => self.param(s, k, a, b),
                (None, None) => {}
            }
        }
    }

    fn param(&mut self, s: &Subject, k: ParamKey, a: &Param, b: &Param) {
        if a.required != b.required {
            let note = if b.required {
                format!("The setter `{}` becomes a required argument of the client method.", b.rust_name)
            } else {
                format!("The argument `{}` becomes an optional builder setter.", b.rust_name)
            };
            let kind = ChangeKind::ParamRequiredChanged { param: k.clone(), required: b.required };
            self.push(s, kind, Verdict::Breaking, note);
        }
        if a.ty != b.ty {
            let kind = ChangeKind::ParamTypeChanged { param: k.clone(), before: a.ty.clone(), after: b.ty.clone() };
            self.push(s, kind, Verdict::Breaking, format!("Callers must pass another type for `{}`.", b.rust_name));
        }
        for change in constraint_changes(&a.constraints, &b.constraints) {
            let (verdict, note) = if change.tightened {
                (
                    Verdict::Breaking,
                    format!("{} for `{}` are now rejected before sending.", capitalize(&rejected(&change)), k.name),
                )
            } else {
                (
                    Verdict::Compatible,
                    format!("`{}` accepts values it used to reject; existing calls keep working.", k.name),
                )
            };
            self.push(s, ChangeKind::ParamConstraintChanged { param: k.clone(), change }, verdict, note);
        }
        if a.default != b.default {
            let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
            let kind =
                ChangeKind::ParamDefaultChanged { param: k.clone(), before: json(&a.default), after: json(&b.default) };
            let note = format!(
                "Calls that leave `{}` unset get the server's new default; the client sends nothing either way.",
                b.rust_name
            );
            self.push(s, kind, Verdict::Compatible, note);
        }
        if a.deprecated != b.deprecated {
            let note = if b.deprecated {
                "Its argument or setter is marked deprecated; callers get a warning, not an error."
            } else {
                "The deprecation mark is gone."
            };
            self.push(
                s,
                ChangeKind::ParamDeprecatedChanged { param: k, deprecated: b.deprecated },
                Verdict::Compatible,
                note,
            );
        }
    }

    fn responses(&mut self, s: &Subject, old: &Operation, new: &Operation) {
        let statuses: BTreeSet<Status> = old.responses.iter().chain(&new.responses).map(|r| r.status).collect();
        let old_success = old.success().map(|r| r.status);
        let new_success = new.success().map(|r| r.status);
        for st in statuses {
            let a = old.responses.iter().find(|r| r.status == st);
            let b = new.responses.iter().find(|r| r.status == st);
            match (a, b) {
                (None, Some(_)) => {
                    let note = if Some(st) == new_success {
                        "It is now the success response `send()` decodes."
                    } else if matches!(st, Status::Code(200..=299)) {
                        "Documentation only: `send()` still decodes the first 2xx response."
                    } else {
                        "Documentation only: error responses reach callers as `Error`, with the body read as `AtlasError`."
                    };
                    self.push(s, ChangeKind::ResponseAdded { status: st }, Verdict::Compatible, note);
                }
                (Some(_), None) => {
                    let success = Some(st) == old_success;
                    let note = if success {
                        "Atlas no longer documents the success status `send()` relied on; the new success response decides what it returns."
                    } else {
                        "Documentation only: if Atlas still sends it, it reaches callers as before."
                    };
                    self.push(s, ChangeKind::ResponseRemoved { status: st, success }, Verdict::Compatible, note);
                }
                (Some(a), Some(b)) => {
                    let is_success = Some(st) == old_success || Some(st) == new_success;
                    if a.ty != b.ty && !is_success {
                        let kind =
                            ChangeKind::ResponseTypeChanged { status: st, before: a.ty.clone(), after: b.ty.clone() };
                        self.push(
                            s,
                            kind,
                            Verdict::Compatible,
                            "The client reads every error body as `AtlasError`, whatever the spec documents.",
                        );
                    }
                }
                (None, None) => {}
            }
        }
        let old_ty = old.success().and_then(|r| r.ty.clone());
        let new_ty = new.success().and_then(|r| r.ty.clone());
        if old_ty != new_ty {
            let kind = ChangeKind::SuccessTypeChanged { before: old_ty, after: new_ty };
            self.push(s, kind, Verdict::Breaking, "`send()` returns another type.");
        }
    }

    fn schema(&mut self, name: &str, before: Option<&Schema>, after: Option<&Schema>) {
        let subject = Subject::Schema(name.to_owned());
        let s = &subject;
        let (old, new) = match (before, after) {
            (None, Some(new)) => {
                let note = format!("New type `{}`.", new.rust_name);
                return self.push(s, ChangeKind::SchemaAdded { shape: shape(&new.kind) }, Verdict::Compatible, note);
            }
            (Some(old), None) => {
                let note = format!("The type `{}` disappears.", old.rust_name);
                return self.push(s, ChangeKind::SchemaRemoved { shape: shape(&old.kind) }, Verdict::Breaking, note);
            }
            (Some(old), Some(new)) => (old, new),
            (None, None) => return,
        };
        // A schema is judged on every side it is used on, before or after the change.
        let sides = Sides { request: old.in_request || new.in_request, response: old.in_response || new.in_response };
        let (request, response) = (sides.request, sides.response);
        match (&old.kind, &new.kind) {
            (SchemaKind::Struct { fields: a }, SchemaKind::Struct { fields: b }) => {
                self.fields(s, new, sides, a, b);
            }
            (SchemaKind::Enum { values: a }, SchemaKind::Enum { values: b }) => {
                let names: BTreeSet<&str> = a.iter().chain(b).map(|v| v.name.as_str()).collect();
                for value in names {
                    let was = a.iter().find(|v| v.name == value);
                    let is = b.iter().find(|v| v.name == value);
                    match (was, is) {
                        (None, Some(_)) => {
                            let note = enum_added_note(&new.rust_name, request, response);
                            let kind = ChangeKind::EnumValueAdded { value: value.to_owned() };
                            self.push(s, kind, Verdict::Compatible, note);
                        }
                        (Some(v), None) => {
                            let ty = &new.rust_name;
                            let note = format!(
                                "The variant `{ty}::{}` disappears; Atlas' value now decodes into `{ty}::Unknown`.",
                                v.rust_name
                            );
                            let kind = ChangeKind::EnumValueRemoved { value: value.to_owned() };
                            self.push(s, kind, Verdict::Breaking, note);
                        }
                        _ => {}
                    }
                }
            }
            (SchemaKind::Newtype { constraints: a }, SchemaKind::Newtype { constraints: b }) => {
                // A parameter's newtype (`orgId` -> `OrgId`) carries the parameter's constraints, whose
                // changes are reported on each operation; reporting them here too would count them twice.
                if !self.param_newtypes.contains(&new.rust_name) {
                    for change in constraint_changes(a, b) {
                        let (verdict, note) = if change.tightened {
                            (
                                Verdict::Breaking,
                                format!(
                                    "{} are now rejected by `{}::new` and when decoding.",
                                    capitalize(&rejected(&change)),
                                    new.rust_name
                                ),
                            )
                        } else {
                            (Verdict::Compatible, format!("`{}` accepts values it used to reject.", new.rust_name))
                        };
                        self.push(s, ChangeKind::NewtypeConstraintChanged { change }, verdict, note);
                    }
                }
            }
            (SchemaKind::Alias { ty: a }, SchemaKind::Alias { ty: b }) => {
                if a != b {
                    let kind = ChangeKind::AliasTypeChanged { before: a.clone(), after: b.clone() };
                    self.push(s, kind, Verdict::Breaking, format!("`{}` stands for another type.", new.rust_name));
                }
            }
            (a, b) => {
                let kind = ChangeKind::SchemaShapeChanged { before: shape(a), after: shape(b) };
                self.push(
                    s,
                    kind,
                    Verdict::Breaking,
                    format!("`{}` becomes another kind of Rust type.", new.rust_name),
                );
            }
        }
    }

    fn fields(&mut self, s: &Subject, schema: &Schema, sides: Sides, a: &[Field], b: &[Field]) {
        let names: BTreeSet<&str> = a.iter().chain(b).map(|f| f.name.as_str()).collect();
        for name in names {
            let old = a.iter().find(|f| f.name == name);
            let new = b.iter().find(|f| f.name == name);
            let field = name.to_owned();
            match (old, new) {
                (None, Some(f)) => {
                    let (verdict, note) = if sides.sends(f) && f.required {
                        (
                            Verdict::Breaking,
                            format!("Requests must now carry it: code that builds `{}` must set it.", schema.rust_name),
                        )
                    } else if sides.sends(f) {
                        (Verdict::Compatible, "Requests may carry it; leaving it unset sends nothing.".to_owned())
                    } else if f.required {
                        (
                            Verdict::Compatible,
                            format!("Responses carry it; it is not optional in `{}`.", schema.rust_name),
                        )
                    } else {
                        (Verdict::Compatible, "Responses may carry it; the client used to ignore it.".to_owned())
                    };
                    self.push(s, ChangeKind::FieldAdded { field, required: f.required }, verdict, note);
                }
                (Some(f), None) => {
                    let (verdict, note) = if sides.keeps(f) {
                        (
                            Verdict::Breaking,
                            format!("The field `{}` of `{}` disappears.", f.rust_name, schema.rust_name),
                        )
                    } else {
                        (Verdict::Compatible, "The generated type never had it.".to_owned())
                    };
                    self.push(s, ChangeKind::FieldRemoved { field }, verdict, note);
                }
                (Some(old), Some(new)) => self.field(s, schema, sides, field, old, new),
                (None, None) => {}
            }
        }
    }

    fn field(&mut self, s: &Subject, schema: &Schema, sides: Sides, name: String, old: &Field, new: &Field) {
        // Optional and nullable fields are `Option<T>`, except optional collections, which stay bare.
        let wrapped = |f: &Field| f.nullable || !f.required && !matches!(f.ty, TypeRef::Array(_) | TypeRef::Map(_));
        let kept = sides.keeps(old) || sides.keeps(new);
        let (verdict, note) = if kept && wrapped(old) != wrapped(new) {
            (Verdict::Breaking, "The field's Rust type changes between `T` and `Option<T>`.")
        } else {
            (Verdict::Compatible, "The field's Rust type stays the same.")
        };
        if old.required != new.required {
            let kind = ChangeKind::FieldRequiredChanged { field: name.clone(), required: new.required };
            self.push(s, kind, verdict, note);
        }
        if old.nullable != new.nullable {
            let kind = ChangeKind::FieldNullableChanged { field: name.clone(), nullable: new.nullable };
            self.push(s, kind, verdict, note);
        }
        if old.ty != new.ty {
            let kind =
                ChangeKind::FieldTypeChanged { field: name.clone(), before: old.ty.clone(), after: new.ty.clone() };
            self.push(s, kind, Verdict::Breaking, format!("The field `{}` has another Rust type.", new.rust_name));
        }
        if access(old) != access(new) {
            let (verdict, note) = if sides.keeps(old) && !sides.keeps(new) {
                (Verdict::Breaking, format!("The field `{}` leaves `{}`.", new.rust_name, schema.rust_name))
            } else if sides.sends(old) && !sides.sends(new) {
                (Verdict::Compatible, "The client stops sending it; the field stays for responses.".to_owned())
            } else {
                (Verdict::Compatible, "The field travels in more directions than before.".to_owned())
            };
            let kind = ChangeKind::FieldAccessChanged { field: name.clone(), before: access(old), after: access(new) };
            self.push(s, kind, verdict, note);
        }
        for change in constraint_changes(&old.constraints, &new.constraints) {
            let (verdict, note) = if !sides.sends(new) {
                (
                    Verdict::Compatible,
                    "Documentation only: the client does not enforce constraints on responses.".to_owned(),
                )
            } else if change.tightened {
                (Verdict::Breaking, format!("{} are now rejected before sending.", capitalize(&rejected(&change))))
            } else {
                (
                    Verdict::Compatible,
                    "The field accepts values it used to reject; existing requests keep working.".to_owned(),
                )
            };
            self.push(s, ChangeKind::FieldConstraintChanged { field: name.clone(), change }, verdict, note);
        }
    }
}

/// The sides a schema travels on, before or after the change (a schema is judged on both).
#[derive(Clone, Copy)]
struct Sides {
    request: bool,
    response: bool,
}

impl Sides {
    /// Whether the Rust struct has the field: as in `emit::models`, one-sided types drop the fields
    /// that only travel the other way.
    fn keeps(self, f: &Field) -> bool {
        !(self.request && !self.response && f.read_only || self.response && !self.request && f.write_only)
    }

    /// Whether requests carry the field, so the client validates it before sending.
    fn sends(self, f: &Field) -> bool {
        self.request && !f.read_only
    }
}

fn enum_added_note(rust_name: &str, request: bool, response: bool) -> String {
    match (request, response) {
        (true, true) => format!("Requests gain an option; until the client is regenerated, responses decode it into `{rust_name}::Unknown`."),
        (true, false) => "Requests gain an option.".to_owned(),
        _ => format!("Until the client is regenerated, responses decode it into `{rust_name}::Unknown`."),
    }
}

fn shape(kind: &SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Struct { .. } => "struct",
        SchemaKind::Enum { .. } => "enum",
        SchemaKind::Newtype { .. } => "newtype",
        SchemaKind::Alias { .. } => "alias",
    }
}

fn access(field: &Field) -> &'static str {
    match (field.read_only, field.write_only) {
        (true, false) => "read-only",
        (false, true) => "write-only",
        _ => "read-write",
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// What a tightened constraint now rejects, as a plural noun phrase (`values above 200`).
fn rejected(change: &ConstraintChange) -> String {
    let after = change.after.as_deref().unwrap_or("?");
    let (value, exclusive) = match after.strip_suffix(" (exclusive)") {
        Some(v) => (v, true),
        None => (after, false),
    };
    match change.kind {
        ConstraintKind::Pattern => format!("strings that do not match {after}"),
        ConstraintKind::MinLength if value == "1" => "empty strings".to_owned(),
        ConstraintKind::MinLength => format!("strings shorter than {value} characters"),
        ConstraintKind::MaxLength => format!("strings longer than {value} characters"),
        ConstraintKind::Minimum if exclusive => format!("values of {value} or below"),
        ConstraintKind::Minimum => format!("values below {value}"),
        ConstraintKind::Maximum if exclusive => format!("values of {value} or above"),
        ConstraintKind::Maximum => format!("values above {value}"),
        ConstraintKind::MinItems if value == "1" => "empty arrays".to_owned(),
        ConstraintKind::MinItems => format!("arrays with fewer than {value} items"),
        ConstraintKind::MaxItems => format!("arrays with more than {value} items"),
        ConstraintKind::UniqueItems => "arrays with duplicate items".to_owned(),
    }
}

/// A numeric bound with its exclusivity, as it appears in the report.
fn bound(value: Option<f64>, exclusive: bool) -> Option<String> {
    value.map(|v| if exclusive { format!("{} (exclusive)", ir::number(v)) } else { ir::number(v) })
}

/// How much tighter a lower bound `b` is than `a` (`Greater`: `b` rejects more). Absent is loosest.
fn lower_tightness(a: Option<f64>, a_excl: bool, b: Option<f64>, b_excl: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal).then(b_excl.cmp(&a_excl)),
    }
}

/// How much tighter an upper bound `b` is than `a` (`Greater`: `b` rejects more). Absent is loosest.
fn upper_tightness(a: Option<f64>, a_excl: bool, b: Option<f64>, b_excl: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal).then(b_excl.cmp(&a_excl)),
    }
}

/// Compares two constraint sets keyword by keyword, in a fixed order. Minimum lengths and item counts
/// treat absent as 0, so `minItems: 0` appearing is no change. A changed pattern counts as tightened:
/// whether one regex accepts everything another does cannot be decided here.
pub fn constraint_changes(a: &Constraints, b: &Constraints) -> Vec<ConstraintChange> {
    let mut out = Vec::new();
    let mut push = |kind, before: Option<String>, after: Option<String>, tightness: Ordering| {
        if tightness != Ordering::Equal || before != after {
            out.push(ConstraintChange { kind, before, after, tightened: tightness == Ordering::Greater });
        }
    };
    if a.pattern != b.pattern {
        let tight = if b.pattern.is_some() { Ordering::Greater } else { Ordering::Less };
        let quote = |p: &Option<String>| p.as_ref().map(|p| format!("`{p}`"));
        push(ConstraintKind::Pattern, quote(&a.pattern), quote(&b.pattern), tight);
    }
    let min_count =
        |kind,
         x: Option<u64>,
         y: Option<u64>,
         push: &mut dyn FnMut(ConstraintKind, Option<String>, Option<String>, Ordering)| {
            let (x0, y0) = (x.unwrap_or(0), y.unwrap_or(0));
            if x0 != y0 {
                push(kind, x.map(|v| v.to_string()), y.map(|v| v.to_string()), y0.cmp(&x0));
            }
        };
    let max_count =
        |kind,
         x: Option<u64>,
         y: Option<u64>,
         push: &mut dyn FnMut(ConstraintKind, Option<String>, Option<String>, Ordering)| {
            if x != y {
                let tight = match (x, y) {
                    (None, _) => Ordering::Greater,
                    (_, None) => Ordering::Less,
                    (Some(x), Some(y)) => x.cmp(&y),
                };
                push(kind, x.map(|v| v.to_string()), y.map(|v| v.to_string()), tight);
            }
        };
    min_count(ConstraintKind::MinLength, a.min_length, b.min_length, &mut push);
    max_count(ConstraintKind::MaxLength, a.max_length, b.max_length, &mut push);
    let (a_min, b_min) = (bound(a.minimum, a.exclusive_minimum), bound(b.minimum, b.exclusive_minimum));
    if a_min != b_min {
        let tight = lower_tightness(a.minimum, a.exclusive_minimum, b.minimum, b.exclusive_minimum);
        push(ConstraintKind::Minimum, a_min, b_min, tight);
    }
    let (a_max, b_max) = (bound(a.maximum, a.exclusive_maximum), bound(b.maximum, b.exclusive_maximum));
    if a_max != b_max {
        let tight = upper_tightness(a.maximum, a.exclusive_maximum, b.maximum, b.exclusive_maximum);
        push(ConstraintKind::Maximum, a_max, b_max, tight);
    }
    min_count(ConstraintKind::MinItems, a.min_items, b.min_items, &mut push);
    max_count(ConstraintKind::MaxItems, a.max_items, b.max_items, &mut push);
    if a.unique_items != b.unique_items {
        let tight = if b.unique_items { Ordering::Greater } else { Ordering::Less };
        push(ConstraintKind::UniqueItems, Some(a.unique_items.to_string()), Some(b.unique_items.to_string()), tight);
    }
    out
}
