//! Diagnostics: what the generator reports about a spec it cannot (fully) turn into a client.
//!
//! Every stage pushes into one [`Diagnostics`] sink instead of returning at the first problem, so a
//! user sees every mistake of a spec in one run, each with the file, the JSON pointer into the spec and,
//! where the YAML parser knows it, the line and column.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Generation went on, but the output may not be what the spec author meant.
    Warning,
    /// Generation cannot produce a correct client.
    Error,
}

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The spec file, as given to the generator.
    pub file: String,
    /// JSON pointer (RFC 6901) to the offending node, `""` for the whole document.
    pub pointer: String,
    /// 1-based line and column, when the YAML parser reported one.
    pub location: Option<(usize, usize)>,
    /// How to fix it, when there is an obvious fix.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// Adds a hint.
    pub fn with_hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// Renders like a compiler message:
    ///
    /// ```text
    /// error: duplicate operationId `getKey`
    ///   --> spec.yaml#/paths/~1keys/get/operationId
    ///    = hint: operationIds name the generated methods and must be unique
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        writeln!(f, "{level}: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, "#{}", self.pointer)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n   = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one spec file.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    file: String,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty sink for `file`.
    pub fn new(file: impl Into<String>) -> Self {
        Self { file: file.into(), items: Vec::new() }
    }

    /// Records an error at `pointer` and returns it for an optional hint.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Error, pointer.into(), message.into())
    }

    /// Records a warning at `pointer` and returns it for an optional hint.
    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Warning, pointer.into(), message.into())
    }

    /// Records an error about another file than this sink's (a file a `$ref` leads to).
    pub fn error_in(&mut self, file: &str, pointer: &str, message: impl Into<String>) -> &mut Diagnostic {
        self.push_in(file.to_owned(), Severity::Error, pointer.to_owned(), message.into())
    }

    /// Records a warning about another file than this sink's.
    pub fn warning_in(&mut self, file: &str, pointer: &str, message: impl Into<String>) -> &mut Diagnostic {
        self.push_in(file.to_owned(), Severity::Warning, pointer.to_owned(), message.into())
    }

    /// Records a diagnostic; the same one at the same place again (a broken shared component reached
    /// from several operations) is reported once.
    fn push(&mut self, severity: Severity, pointer: String, message: String) -> &mut Diagnostic {
        self.push_in(self.file.clone(), severity, pointer, message)
    }

    fn push_in(&mut self, file: String, severity: Severity, pointer: String, message: String) -> &mut Diagnostic {
        if let Some(i) = self
            .items
            .iter()
            .position(|d| d.severity == severity && d.pointer == pointer && d.message == message && d.file == file)
        {
            return &mut self.items[i];
        }
        self.items.push(Diagnostic { severity, message, file, pointer, location: None, hint: None });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// Adds a finished diagnostic (for example one with a line and column).
    pub fn add(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// The file these diagnostics are about.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Whether any error (not only warnings) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Every diagnostic, in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Consumes the sink.
    pub fn into_items(self) -> Vec<Diagnostic> {
        self.items
    }

    /// How many diagnostics are recorded; with [`Diagnostics::relocate_from`], marks where a stage began.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Moves the diagnostics recorded since `start` from the pointers of a rewritten document to the
    /// file and pointer the user wrote (`origin` returns them, or `None` when the node did not move).
    /// Diagnostics that carry a line already name the user's text and stay as they are.
    pub fn relocate_from(&mut self, start: usize, origin: impl Fn(&str) -> Option<(String, String)>) {
        for d in self.items.iter_mut().skip(start).filter(|d| d.location.is_none()) {
            if let Some((file, pointer)) = origin(&d.pointer) {
                d.file = file;
                d.pointer = pointer;
            }
        }
    }

    /// Appends every diagnostic of `other` (the findings of a later stage) after these.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        let errors = self.items.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = self.items.len() - errors;
        write!(f, "{errors} error(s), {warnings} warning(s) in {}", self.file)
    }
}

impl std::error::Error for Diagnostics {}

/// Builds JSON pointers (RFC 6901), escaping `~` and `/` in each token.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for token in tokens {
        push_token(&mut out, token.as_ref());
    }
    out
}

/// Appends one escaped token to an existing pointer.
pub fn child(base: &str, token: impl AsRef<str>) -> String {
    let token = token.as_ref();
    let mut out = String::with_capacity(base.len() + 1 + token.len());
    out.push_str(base);
    push_token(&mut out, token);
    out
}

/// `/` and `token` escaped onto `out`. Every node of the document gets a pointer while it is walked,
/// so this copies the token once instead of through two `replace`s.
fn push_token(out: &mut String, token: &str) {
    out.push('/');
    let mut rest = token;
    while let Some(at) = rest.find(['~', '/']) {
        out.push_str(&rest[..at]);
        out.push_str(if rest.as_bytes()[at] == b'~' { "~0" } else { "~1" });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slash_and_tilde() {
        assert_eq!(pointer(["paths", "/a/{b}", "get"]), "/paths/~1a~1{b}/get");
        assert_eq!(child("/x", "a~b"), "/x/a~0b");
        assert_eq!(child("", "~/~1/"), "/~0~1~01~1");
        assert_eq!(pointer(Vec::<String>::new()), "");
    }

    #[test]
    fn renders_like_a_compiler() {
        let mut d = Diagnostics::new("spec.yaml");
        d.error("/paths/~1a/get", "missing operationId").with_hint("add one");
        d.warning("", "odd");
        let text = d.to_string();
        assert!(text.starts_with("error: missing operationId\n  --> spec.yaml#/paths/~1a/get\n   = hint: add one"));
        assert!(text.ends_with("1 error(s), 1 warning(s) in spec.yaml"));
        assert!(d.has_errors());
    }

    #[test]
    fn the_same_diagnostic_is_reported_once() {
        let mut d = Diagnostics::new("spec.yaml");
        d.error("/a", "broken").with_hint("fix it");
        d.error("/a", "broken").with_hint("fix it");
        d.error("/b", "broken");
        assert_eq!(d.items().len(), 2);
    }
}
