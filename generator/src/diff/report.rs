//! The report: what a change is about, what it is, its verdict, and the semver bump, rendered for a
//! terminal or a pull request.

use std::collections::BTreeMap;
use std::fmt;

use super::constraints::ConstraintChange;
use super::groups::{SHARED, UNTAGGED};
use crate::ir::{HttpMethod, Location, Status, TypeRef};
use crate::plan::{CRATE_NAME, CRATE_VERSION};

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
    /// How a parameter's value travels changed (`style`, `explode`, `content`): calls compile as
    /// before, the bytes sent differ.
    ParamWireChanged {
        /// Which.
        param: ParamKey,
        /// Before, in words (`deepObject`, `items joined by ,`).
        before: String,
        /// After.
        after: String,
    },
    /// A multipart body gained a part.
    FormPartAdded {
        /// The part's name on the wire.
        part: String,
        /// Whether the form's constructor takes it.
        required: bool,
    },
    /// A multipart body lost a part.
    FormPartRemoved {
        /// The part's name on the wire.
        part: String,
    },
    /// A part became required or optional.
    FormPartRequiredChanged {
        /// The part's name on the wire.
        part: String,
        /// Whether it is required now.
        required: bool,
    },
    /// What a part carries changed (text, file or JSON; its type; one value or one per item).
    FormPartTypeChanged {
        /// The part's name on the wire.
        part: String,
        /// Before, in words (`text `string``, `files`).
        before: String,
        /// After.
        after: String,
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
    /// The Rust name of something that stays the same on the wire changed (a name clash settled
    /// another way, see `naming::clash`).
    RustNameChanged {
        /// What is renamed: `type`, `method`, `builder`, ``field `+1` ``, ``query parameter `id` ``.
        item: String,
        /// Before.
        before: String,
        /// After.
        after: String,
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
                | Self::FormPartAdded { .. }
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
    status.key()
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
            Self::ParamWireChanged { param, before, after } => write!(f, "{param}: sent as {before} -> {after}"),
            Self::FormPartAdded { part, required } => {
                write!(f, "{} multipart part `{part}` added", required_word(*required))
            }
            Self::FormPartRemoved { part } => write!(f, "multipart part `{part}` removed"),
            Self::FormPartRequiredChanged { part, required } => {
                write!(f, "multipart part `{part}` now {}", required_word(*required))
            }
            Self::FormPartTypeChanged { part, before, after } => {
                write!(f, "multipart part `{part}`: {before} -> {after}")
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
            Self::RustNameChanged { item, before, after } => write!(f, "{item} renamed: `{before}` -> `{after}`"),
        }
    }
}

/// One difference between two versions of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The operation or schema it is about.
    pub subject: Subject,
    /// The tag it is filed under: the operation's first tag, or the one tag whose operations use the
    /// schema ([`SHARED`](super::SHARED) when several do, [`UNTAGGED`](super::UNTAGGED) when none).
    pub group: String,
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
        count(self.changes.iter())
    }

    fn bump_line(&self) -> String {
        self.bump().describe(CRATE_NAME, CRATE_VERSION)
    }

    /// The changes by group: tags in name order, then [`SHARED`], then [`UNTAGGED`]; within a group,
    /// in report order.
    pub fn groups(&self) -> Vec<(&str, Vec<&Change>)> {
        let rank = |g: &str| match g {
            SHARED => 1,
            UNTAGGED => 2,
            _ => 0,
        };
        let mut groups: BTreeMap<(u8, &str), Vec<&Change>> = BTreeMap::new();
        for change in &self.changes {
            groups.entry((rank(&change.group), change.group.as_str())).or_default().push(change);
        }
        groups.into_iter().map(|((_, group), changes)| (group, changes)).collect()
    }

    /// The report for a terminal: the counts, a summary table (breaking and compatible changes per
    /// tag), then each tag's subjects with their changes (verdict, summary, note), then the semver
    /// bump for `atlas-admin-client`. An empty report is `no API changes`.
    pub fn render_text(&self) -> String {
        if self.is_empty() {
            return "no API changes\n".to_owned();
        }
        let (breaking, compatible) = self.counts();
        let mut out = format!("API changes: {breaking} breaking, {compatible} compatible\n\n");
        let groups = self.groups();
        let width = groups.iter().map(|(g, _)| g.chars().count()).max().unwrap_or(0).max("tag".len());
        out.push_str(&format!("  {:<width$}  {:>8}  {:>10}\n", "tag", "breaking", "compatible"));
        for (group, changes) in &groups {
            let (b, c) = count(changes.iter().copied());
            out.push_str(&format!("  {group:<width$}  {b:>8}  {c:>10}\n"));
        }
        for (group, changes) in &groups {
            let (b, c) = count(changes.iter().copied());
            out.push_str(&format!("\n== {group} ({b} breaking, {c} compatible)\n"));
            let mut current: Option<&Subject> = None;
            for change in changes {
                if current != Some(&change.subject) {
                    out.push_str(&format!("\n{}\n", change.subject));
                    current = Some(&change.subject);
                }
                out.push_str(&format!("  {:<10}  {}\n", change.verdict, change.kind));
                out.push_str(&format!("  {:<10}  {}\n", "", change.note));
            }
        }
        out.push_str(&format!("\nsemver: {}\n", self.bump_line()));
        out
    }

    /// The report as Markdown for a pull request: the counts and the semver bump, a `Tag | Breaking |
    /// Compatible` summary table, then one section per tag with a `Subject | Change | Verdict` table
    /// (the change column holds the summary and the note); a tag with no breaking change is folded
    /// (`<details>`), so the breaking ones stand out. An empty report is `no API changes`.
    pub fn render_markdown(&self) -> String {
        if self.is_empty() {
            return "no API changes\n".to_owned();
        }
        let (breaking, compatible) = self.counts();
        let mut out = format!("**API changes:** {breaking} breaking, {compatible} compatible\n\n");
        out.push_str(&format!("**Semver:** {}\n\n", self.bump_line()));
        let groups = self.groups();
        out.push_str("| Tag | Breaking | Compatible |\n| --- | ---: | ---: |\n");
        for (group, changes) in &groups {
            let (b, c) = count(changes.iter().copied());
            out.push_str(&format!("| {} | {b} | {c} |\n", cell(group)));
        }
        for (group, changes) in &groups {
            let (b, c) = count(changes.iter().copied());
            let title = format!("{} ({b} breaking, {c} compatible)", cell(group));
            if b == 0 {
                out.push_str(&format!("\n<details><summary>{title}</summary>\n\n"));
            } else {
                out.push_str(&format!("\n### {title}\n\n"));
            }
            out.push_str("| Subject | Change | Verdict |\n| --- | --- | --- |\n");
            for change in changes {
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
            if b == 0 {
                out.push_str("\n</details>\n");
            }
        }
        out
    }
}

/// How many of `changes` are breaking and how many compatible.
fn count<'a>(changes: impl Iterator<Item = &'a Change>) -> (usize, usize) {
    changes.fold((0, 0), |(b, c), change| match change.verdict {
        Verdict::Breaking => (b + 1, c),
        Verdict::Compatible => (b, c + 1),
    })
}

/// Escapes text for one Markdown table cell: `|` would end the cell and a newline the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
