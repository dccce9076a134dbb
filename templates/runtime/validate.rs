//! Constraint checks that generated request builders and models run before anything is sent.
//!
//! One small function per JSON Schema keyword, so generated code reads as one line per rule. Each
//! returns a [`ValidationError`] that names the value (a JSON pointer such as `/query/itemsPerPage`),
//! the constraint and the offending value; the builder adds the operation.

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// A JSON Schema constraint of the API description.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Constraint {
    /// `pattern`: the value must match this regular expression.
    Pattern(&'static str),
    /// `minLength`, in characters.
    MinLength(u64),
    /// `maxLength`, in characters.
    MaxLength(u64),
    /// `minimum`, inclusive.
    Minimum(f64),
    /// `minimum` with `exclusiveMinimum`.
    ExclusiveMinimum(f64),
    /// `maximum`, inclusive.
    Maximum(f64),
    /// `maximum` with `exclusiveMaximum`.
    ExclusiveMaximum(f64),
    /// `minItems`.
    MinItems(u64),
    /// `maxItems`.
    MaxItems(u64),
    /// `uniqueItems`.
    UniqueItems,
    /// An integer's `enum`: the value must be one of these.
    Enum(&'static [i64]),
    /// A path parameter must stay one URL path segment: not empty, `.` or `..`, which would collapse
    /// the path or climb to another resource (URL parsers resolve them even when percent-encoded).
    PathSegment,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pattern(p) => write!(f, "pattern `{p}`"),
            Self::MinLength(n) => write!(f, "minLength {n}"),
            Self::MaxLength(n) => write!(f, "maxLength {n}"),
            Self::Minimum(n) => write!(f, "minimum {}", Number(*n)),
            Self::ExclusiveMinimum(n) => write!(f, "exclusive minimum {}", Number(*n)),
            Self::Maximum(n) => write!(f, "maximum {}", Number(*n)),
            Self::ExclusiveMaximum(n) => write!(f, "exclusive maximum {}", Number(*n)),
            Self::MinItems(n) => write!(f, "minItems {n}"),
            Self::MaxItems(n) => write!(f, "maxItems {n}"),
            Self::UniqueItems => f.write_str("uniqueItems"),
            Self::Enum(values) => {
                let values: Vec<String> = values.iter().map(i64::to_string).collect();
                write!(f, "enum [{}]", values.join(", "))
            }
            Self::PathSegment => f.write_str("one path segment (not empty, `.` or `..`)"),
        }
    }
}

/// Prints `500` rather than `500.0`.
struct Number(f64);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// How many characters of the offending value `Display` and `Debug` show; [`ValidationError::value`]
/// keeps all of it.
const SHOWN_VALUE_CHARS: usize = 64;

/// A value broke a constraint of the API description; nothing was sent.
///
/// `Display` and `Debug` show at most the first 64 characters of the value (and how long it is), so a
/// long text does not flood a log; the value of a secret field is never kept, only `[redacted]`.
#[derive(Clone, PartialEq)]
pub struct ValidationError {
    operation: Option<&'static str>,
    pointer: String,
    constraint: Constraint,
    value: String,
}

impl ValidationError {
    fn new(pointer: &str, field: &str, constraint: Constraint, value: String) -> Self {
        let pointer = match (pointer.is_empty(), field.is_empty()) {
            (_, true) => pointer.to_owned(),
            (true, false) => format!("/{}", escape(field)),
            (false, false) => format!("{pointer}/{}", escape(field)),
        };
        Self { operation: None, pointer, constraint, value }
    }

    /// The operation ID of the request, when the error came from a request builder.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// JSON pointer of the value: `/path/orgId`, `/query/itemsPerPage`, `/body/roles`, or empty for
    /// a value checked on its own (a newtype's constructor).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The constraint the value broke.
    pub fn constraint(&self) -> &Constraint {
        &self.constraint
    }

    /// The whole offending value (JSON for arrays; `[redacted]` for secrets).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The value as messages show it: quoted, cut after [`SHOWN_VALUE_CHARS`] characters.
    fn shown_value(&self) -> String {
        let total = self.value.chars().count();
        if total <= SHOWN_VALUE_CHARS {
            return format!("{:?}", self.value);
        }
        let start: String = self.value.chars().take(SHOWN_VALUE_CHARS).collect();
        format!("{start:?}… ({total} characters)")
    }

    /// Places a context-free error (from a newtype) at `pointer`.
    pub(crate) fn at(mut self, pointer: &str) -> Self {
        self.pointer = format!("{pointer}{}", self.pointer);
        self
    }

    /// Names the operation whose request failed.
    pub(crate) fn in_operation(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Hides the value of a secret.
    #[allow(dead_code)] // emitted only for specs with constrained secret fields
    pub(crate) fn redacted(mut self) -> Self {
        self.value = "[redacted]".to_owned();
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.operation {
            write!(f, "{operation}: ")?;
        }
        if !self.pointer.is_empty() {
            write!(f, "{} ", self.pointer)?;
        }
        write!(f, "value {} breaks {}", self.shown_value(), self.constraint)
    }
}

impl fmt::Debug for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidationError")
            .field("operation", &self.operation)
            .field("pointer", &self.pointer)
            .field("constraint", &self.constraint)
            .field("value", &format_args!("{}", self.shown_value()))
            .finish()
    }
}

impl std::error::Error for ValidationError {}

/// Escapes a JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A number the checks can compare and print.
pub(crate) trait Bound: Copy + fmt::Display {
    /// The value as `f64` for comparison with the spec's bounds.
    fn as_f64(self) -> f64;
}

macro_rules! bound {
    ($($t:ty),*) => {
        $(impl Bound for $t {
            #[allow(clippy::cast_lossless, clippy::cast_precision_loss)]
            fn as_f64(self) -> f64 {
                self as f64
            }
        })*
    };
}
bound!(i32, i64, u32, u64, f64);

/// A path parameter is one segment: not empty, `.` or `..`.
pub(crate) fn path_segment(pointer: &str, value: &str) -> Result<(), ValidationError> {
    if matches!(value, "" | "." | "..") {
        return Err(ValidationError::new(pointer, "", Constraint::PathSegment, value.to_owned()));
    }
    Ok(())
}

/// `minLength`: at least `min` characters (Unicode scalar values, as JSON Schema counts).
pub(crate) fn min_length(pointer: &str, field: &str, value: &str, min: u64) -> Result<(), ValidationError> {
    if (value.chars().count() as u64) < min {
        return Err(ValidationError::new(pointer, field, Constraint::MinLength(min), value.to_owned()));
    }
    Ok(())
}

/// `maxLength`: at most `max` characters.
pub(crate) fn max_length(pointer: &str, field: &str, value: &str, max: u64) -> Result<(), ValidationError> {
    if value.chars().count() as u64 > max {
        return Err(ValidationError::new(pointer, field, Constraint::MaxLength(max), value.to_owned()));
    }
    Ok(())
}

/// A pattern engine: `regex::Regex`, or (implemented in `models.rs`, for specs whose patterns use
/// look-around or backreferences) `fancy_regex::Regex`.
pub(crate) trait Matcher: Sized {
    /// The compiled `regex`; `None` if it does not compile.
    fn compile(regex: &str) -> Option<Self>;

    /// Whether `value` matches.
    fn matches(&self, value: &str) -> bool;
}

impl Matcher for Regex {
    fn compile(regex: &str) -> Option<Self> {
        Regex::new(regex).ok()
    }

    fn matches(&self, value: &str) -> bool {
        self.is_match(value)
    }
}

/// A `pattern` of the spec, declared as a `static` where it is checked and compiled on first use.
/// Holding its source, it is one line where it is declared and needs no second copy of the source
/// for the error message.
pub(crate) struct Pattern<M> {
    /// The pattern as the spec writes it, which errors quote.
    source: &'static str,
    /// What the engine compiles: `source`, or its translation (ECMA-262's ASCII `\d` and `\w`).
    regex: &'static str,
    /// The compiled engine, once a value has been checked.
    compiled: OnceLock<Option<M>>,
}

impl<M: Matcher> Pattern<M> {
    /// `source`, compiled as it is.
    #[allow(dead_code)] // Emitted only for specs with a pattern the engine takes as it is.
    pub(crate) const fn new(source: &'static str) -> Self {
        Self::translated(source, source)
    }

    /// `source`, compiled as `regex` (its translation for the engine).
    pub(crate) const fn translated(source: &'static str, regex: &'static str) -> Self {
        Self { source, regex, compiled: OnceLock::new() }
    }

    /// Whether `value` matches; a pattern that failed to compile matches nothing.
    fn matches(&self, value: &str) -> bool {
        self.compiled.get_or_init(|| M::compile(self.regex)).as_ref().is_some_and(|m| m.matches(value))
    }
}

/// `pattern`: the value matches `pattern` (compiled on first use). A pattern that failed to compile
/// fails every value rather than panicking; the generator rejects such patterns anyway.
pub(crate) fn pattern<M: Matcher>(
    pointer: &str,
    field: &str,
    value: &str,
    pattern: &Pattern<M>,
) -> Result<(), ValidationError> {
    if pattern.matches(value) {
        return Ok(());
    }
    Err(ValidationError::new(pointer, field, Constraint::Pattern(pattern.source), value.to_owned()))
}

/// The checks of a value on its own (a validated newtype's `check`), before anyone knows where it sits:
/// the error has no pointer until [`ValidationError::at`] places it.
pub(crate) mod standalone {
    use super::{Matcher, Pattern, ValidationError};

    /// `minLength`, as [`super::min_length`].
    #[allow(dead_code)] // emitted only for newtypes with a minLength
    pub(crate) fn min_length(value: &str, min: u64) -> Result<(), ValidationError> {
        super::min_length("", "", value, min)
    }

    /// `maxLength`, as [`super::max_length`].
    #[allow(dead_code)] // emitted only for newtypes with a maxLength
    pub(crate) fn max_length(value: &str, max: u64) -> Result<(), ValidationError> {
        super::max_length("", "", value, max)
    }

    /// `pattern`, as [`super::pattern`].
    #[allow(dead_code)] // emitted only for newtypes with a pattern
    pub(crate) fn pattern<M: Matcher>(value: &str, pattern: &Pattern<M>) -> Result<(), ValidationError> {
        super::pattern("", "", value, pattern)
    }
}

/// `minimum`: at least `min`.
pub(crate) fn minimum<N: Bound>(pointer: &str, field: &str, value: N, min: f64) -> Result<(), ValidationError> {
    if value.as_f64() < min {
        return Err(ValidationError::new(pointer, field, Constraint::Minimum(min), value.to_string()));
    }
    Ok(())
}

/// `minimum` with `exclusiveMinimum`: more than `min`.
#[allow(dead_code)] // emitted only for specs that declare exclusive bounds
pub(crate) fn exclusive_minimum<N: Bound>(
    pointer: &str,
    field: &str,
    value: N,
    min: f64,
) -> Result<(), ValidationError> {
    if value.as_f64() <= min {
        return Err(ValidationError::new(pointer, field, Constraint::ExclusiveMinimum(min), value.to_string()));
    }
    Ok(())
}

/// `maximum`: at most `max`.
pub(crate) fn maximum<N: Bound>(pointer: &str, field: &str, value: N, max: f64) -> Result<(), ValidationError> {
    if value.as_f64() > max {
        return Err(ValidationError::new(pointer, field, Constraint::Maximum(max), value.to_string()));
    }
    Ok(())
}

/// `maximum` with `exclusiveMaximum`: less than `max`.
#[allow(dead_code)] // emitted only for specs that declare exclusive bounds
pub(crate) fn exclusive_maximum<N: Bound>(
    pointer: &str,
    field: &str,
    value: N,
    max: f64,
) -> Result<(), ValidationError> {
    if value.as_f64() >= max {
        return Err(ValidationError::new(pointer, field, Constraint::ExclusiveMaximum(max), value.to_string()));
    }
    Ok(())
}

/// An integer's `enum`: the value is one of `allowed`.
#[allow(dead_code)] // emitted only for specs that declare integer enums
pub(crate) fn one_of<N: Into<i64> + Copy + fmt::Display>(
    pointer: &str,
    field: &str,
    value: N,
    allowed: &'static [i64],
) -> Result<(), ValidationError> {
    if !allowed.contains(&value.into()) {
        return Err(ValidationError::new(pointer, field, Constraint::Enum(allowed), value.to_string()));
    }
    Ok(())
}

/// The items as JSON, for error messages.
fn json<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| format!("{} items", items.len()))
}

/// `minItems`.
pub(crate) fn min_items<T: Serialize>(
    pointer: &str,
    field: &str,
    items: &[T],
    min: u64,
) -> Result<(), ValidationError> {
    if (items.len() as u64) < min {
        return Err(ValidationError::new(pointer, field, Constraint::MinItems(min), json(items)));
    }
    Ok(())
}

/// `maxItems`.
#[allow(dead_code)] // emitted only for specs that declare maxItems
pub(crate) fn max_items<T: Serialize>(
    pointer: &str,
    field: &str,
    items: &[T],
    max: u64,
) -> Result<(), ValidationError> {
    if items.len() as u64 > max {
        return Err(ValidationError::new(pointer, field, Constraint::MaxItems(max), json(items)));
    }
    Ok(())
}

/// `uniqueItems`: no two items are equal.
#[allow(dead_code)] // emitted only for specs that declare uniqueItems
pub(crate) fn unique_items<T: Serialize + PartialEq>(
    pointer: &str,
    field: &str,
    items: &[T],
) -> Result<(), ValidationError> {
    if items.iter().enumerate().any(|(i, a)| items[..i].contains(a)) {
        return Err(ValidationError::new(pointer, field, Constraint::UniqueItems, json(items)));
    }
    Ok(())
}

#[cfg(test)]
#[path = "tests/validate.rs"]
mod tests;
