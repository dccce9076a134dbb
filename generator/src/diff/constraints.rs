//! Constraint changes: which keyword changed, and whether the new value rejects more.

use std::cmp::Ordering;
use std::fmt;

use crate::ir::{number, Constraints};

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
    /// An integer's `enum`.
    Enum,
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
            Self::Enum => "enum",
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

/// `text` with its first letter in upper case.
pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// What a tightened constraint now rejects, as a plural noun phrase (`values above 200`).
pub(super) fn rejected(change: &ConstraintChange) -> String {
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
        ConstraintKind::Enum => format!("integers outside {after}"),
    }
}

/// A numeric bound with its exclusivity, as it appears in the report.
fn bound(value: Option<f64>, exclusive: bool) -> Option<String> {
    value.map(|v| if exclusive { format!("{} (exclusive)", number(v)) } else { number(v) })
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
    let (mut a_values, mut b_values) = (a.integer_values.clone(), b.integer_values.clone());
    a_values.sort_unstable();
    b_values.sort_unstable();
    if a_values != b_values {
        // A value list appearing, or losing a value, rejects integers accepted before.
        let tight = if !b_values.is_empty() && (a_values.is_empty() || a_values.iter().any(|v| !b_values.contains(v))) {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        let list = |values: &[i64]| {
            (!values.is_empty())
                .then(|| format!("[{}]", values.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")))
        };
        push(ConstraintKind::Enum, list(&a.integer_values), list(&b.integer_values), tight);
    }
    out
}
