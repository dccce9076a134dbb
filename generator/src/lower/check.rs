//! Cross-cutting rules, checked after lowering so that everything the emitter relies on holds. Each
//! rule is one function with the reason it exists; a broken rule is a diagnostic, never a panic later.

use crate::diag::{child, pointer, Diagnostics};
use crate::ir::{number, Api, Constraints, PathSegment};
use std::collections::BTreeMap;

/// How each pattern that compiled compiles, so each distinct pattern is compiled once.
#[derive(Debug, Default)]
pub(super) struct Patterns {
    /// Pattern -> (needs the backtracking engine, needs ASCII classes).
    compiled: BTreeMap<String, (bool, bool)>,
}

/// Rules over a single schema's constraints, run while lowering so the pointer is at hand.
pub(super) fn constraints(c: &mut Constraints, at: &str, diags: &mut Diagnostics, patterns: &mut Patterns) {
    // The generated client compiles patterns with the `regex` crate, or with `fancy-regex` when a
    // pattern needs look-around or backreferences; a pattern neither compiles would otherwise fail at
    // the user's runtime. Where `regex`'s Unicode `\w` and `\d` make a pattern too big for its size
    // limit (`\w{1,255}`), the client compiles it with the ASCII classes ECMA-262 means by them
    // ([`Constraints::compiled_pattern`]), which this checks the same way.
    if let Some(p) = c.pattern.clone() {
        let known = patterns.compiled.get(&p).copied();
        let how = known.or_else(|| {
            let ascii = crate::ir::facts::ascii_classes(&p);
            let found = if regex::Regex::new(&p).is_ok() {
                Some((false, false))
            } else if ascii != p && regex::Regex::new(&ascii).is_ok() {
                Some((false, true))
            } else if fancy_regex::Regex::new(&p).is_ok() {
                Some((true, false))
            } else if ascii != p && fancy_regex::Regex::new(&ascii).is_ok() {
                Some((true, true))
            } else {
                None
            };
            if let Some(how) = found {
                patterns.compiled.insert(p.clone(), how);
            }
            found
        });
        match how {
            Some((backtracking, ascii)) => {
                c.backtracking = backtracking;
                c.ascii_classes = ascii;
            }
            None => {
                let e = regex::Regex::new(&p).err().map(|e| e.to_string()).unwrap_or_default();
                // regex's message is a caret diagram followed by `error: <what>`; keep the what.
                let last = e.lines().last().unwrap_or("").trim();
                let what = last.strip_prefix("error: ").unwrap_or(last);
                diags
                .error(child(at, "pattern"), format!("pattern `{p}` is not supported: {what}"))
                .with_hint("the generated client checks patterns with Rust's regex crate, or fancy-regex for look-around and backreferences; neither compiles this one");
            }
        }
    }
    // Bounds are emitted as Rust literals, which cannot be infinite or NaN (YAML's `.inf`, `.nan`).
    for (key, bound) in [("minimum", c.minimum), ("maximum", c.maximum)] {
        if bound.is_some_and(|b| !b.is_finite()) {
            diags
                .error(child(at, key), format!("{key} must be a finite number"))
                .with_hint(format!("remove `{key}` to leave that side unbounded"));
        }
    }
    // A range that admits nothing makes every request fail validation.
    let empty = "no value can satisfy both, so every request carrying it would fail validation";
    if let (Some(min), Some(max)) = (c.minimum, c.maximum) {
        if min > max || (min == max && (c.exclusive_minimum || c.exclusive_maximum)) {
            diags
                .error(child(at, "minimum"), format!("minimum {} is greater than maximum {}", number(min), number(max)))
                .with_hint(empty);
        }
    }
    if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
        if min > max {
            diags
                .error(child(at, "minLength"), format!("minLength {min} is greater than maxLength {max}"))
                .with_hint(empty);
        }
    }
    if let (Some(min), Some(max)) = (c.min_items, c.max_items) {
        if min > max {
            diags
                .error(child(at, "minItems"), format!("minItems {min} is greater than maxItems {max}"))
                .with_hint(empty);
        }
    }
}

/// Each `{name}` in a path template needs a path parameter, and each path parameter a `{name}`;
/// otherwise the client would send a literal `{name}` or drop an argument. Run while lowering an
/// operation so each parameter's own pointer is at hand: `declared` lists the operation's path
/// parameters (path-level and operation-level, after overriding) with their pointers.
pub(super) fn path_params(
    op_id: &str,
    path: &str,
    op_pointer: &str,
    segments: &[PathSegment],
    declared: &[(&str, &str)],
    diags: &mut Diagnostics,
) {
    let in_template: Vec<&str> = segments
        .iter()
        .filter_map(|s| match s {
            PathSegment::Param(n) => Some(n.as_str()),
            PathSegment::Literal(_) => None,
        })
        .collect();
    for name in &in_template {
        if !declared.iter().any(|(n, _)| n == name) {
            diags
                .error(op_pointer, format!("the path `{path}` has `{{{name}}}`, but operation `{op_id}` declares no path parameter `{name}`"))
                .with_hint(format!("add `{{name: {name}, in: path, required: true, schema: {{type: string}}}}` to the operation's (or the path's) `parameters`"));
        }
    }
    for (name, at) in declared {
        if !in_template.contains(name) {
            diags
                .error(
                    *at,
                    format!("path parameter `{name}` of operation `{op_id}` does not appear in the path `{path}`"),
                )
                .with_hint(format!("add `{{{name}}}` to the path, or make it a query parameter (`in: query`)"));
        }
    }
}

/// Rules over the whole lowered API.
pub(super) fn api(api: &Api, diags: &mut Diagnostics) {
    unique_operation_ids(api, diags);
    no_recursive_aliases(api, diags);
    names_are_identifiers(api, diags);
}

/// operationIds name the generated methods and builders; two equal ones would generate one method
/// twice.
fn unique_operation_ids(api: &Api, diags: &mut Diagnostics) {
    for (i, op) in api.operations.iter().enumerate() {
        if let Some(first) = api.operations[..i].iter().find(|o| o.id == op.id) {
            diags
                .error(
                    op_pointer(op, "operationId"),
                    format!("operationId `{}` is already used by `{} {}`", op.id, first.method.as_str(), first.path),
                )
                .with_hint("operationIds name the generated methods and must be unique");
        }
    }
}

/// A default that breaks its own bounds is documented to users as valid; catch it where it is written.
pub(super) fn default_in_bounds(
    name: &str,
    default: &serde_json::Value,
    c: &Constraints,
    at: &str,
    diags: &mut Diagnostics,
) {
    let Some(n) = default.as_f64() else { return };
    let low = c.minimum.is_some_and(|m| n < m || (c.exclusive_minimum && n <= m));
    let high = c.maximum.is_some_and(|m| n > m || (c.exclusive_maximum && n >= m));
    if low || high {
        diags.error(child(at, "default"), format!("the default {n} of parameter `{name}` is outside its own bounds"));
    }
}

/// Rust type aliases cannot refer to themselves, not even through `Vec` or `BTreeMap`
/// (`type A = Vec<A>;` does not compile); only structs can be recursive.
fn no_recursive_aliases(api: &Api, diags: &mut Diagnostics) {
    for schema in api.alias_cycles() {
        {
            diags
                .error(&schema.pointer, format!("schema `{}` contains itself without an object in between, which a Rust type cannot express", schema.name))
                .with_hint("recursion must go through an object's property (for example `{type: object, properties: {children: {type: array, items: {$ref: ...}}}}`)");
        }
    }
}

/// Every name the emitter turns into an identifier must be one; `proc_macro2::Ident::new` would
/// panic on anything else (names with characters such as `²`, which are alphanumeric to Rust but not
/// identifier characters).
fn names_are_identifiers(api: &Api, diags: &mut Diagnostics) {
    let mut check = |pointer: String, spec_name: &str, rust: &str| {
        if syn::parse_str::<syn::Ident>(rust).is_err() {
            diags
                .error(pointer, format!("`{spec_name}` would become `{rust}`, which is not a valid Rust identifier"))
                .with_hint("use ASCII letters, digits, `-` and `_` in names");
        }
    };
    for schema in &api.schemas {
        check(schema.pointer.clone(), &schema.name, &schema.rust_name);
        for f in schema.fields() {
            check(f.pointer.clone(), &f.name, &f.rust_name);
        }
        for v in schema.enum_values() {
            check(v.pointer.clone(), &v.name, &v.rust_name);
        }
    }
    for op in &api.operations {
        check(op_pointer(op, "operationId"), &op.id, &op.rust_name);
        check(op_pointer(op, "operationId"), &op.id, &op.builder_name);
        for p in &op.params {
            check(p.pointer.clone(), &p.name, &p.rust_name);
        }
    }
}

fn op_pointer(op: &crate::ir::Operation, field: &str) -> String {
    child(&pointer(["paths", op.path.as_str(), &op.method.as_str().to_ascii_lowercase()]), field)
}
