//! Cross-cutting rules, checked after lowering so that everything the emitter relies on holds. Each
//! rule is one function with the reason it exists; a broken rule is a diagnostic, never a panic later.

use crate::diag::{child, pointer, Diagnostics};
use crate::ir::{Api, Constraints, Location, PathSegment, SchemaKind};

/// Rules over a single schema's constraints, run while lowering so the pointer is at hand.
pub(super) fn constraints(c: &Constraints, at: &str, diags: &mut Diagnostics) {
    // The generated client compiles patterns with the `regex` crate; a pattern it cannot compile would
    // otherwise fail at the user's runtime. (ECMA-only syntax such as look-around is rejected here.)
    if let Some(p) = &c.pattern {
        if let Err(e) = regex::Regex::new(p) {
            let first = e.to_string().lines().last().unwrap_or("").trim().to_owned();
            diags
                .error(child(at, "pattern"), format!("pattern `{p}` does not compile with the regex crate: {first}"))
                .with_hint("the generated client checks patterns with Rust's regex crate, which has no look-around or backreferences");
        }
    }
    // A range that admits nothing makes every request fail validation.
    if let (Some(min), Some(max)) = (c.minimum, c.maximum) {
        if min > max {
            diags.error(child(at, "minimum"), format!("minimum {min} is greater than maximum {max}"));
        }
    }
    if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
        if min > max {
            diags.error(child(at, "minLength"), format!("minLength {min} is greater than maxLength {max}"));
        }
    }
    if let (Some(min), Some(max)) = (c.min_items, c.max_items) {
        if min > max {
            diags.error(child(at, "minItems"), format!("minItems {min} is greater than maxItems {max}"));
        }
    }
}

/// Rules over the whole lowered API.
pub(super) fn api(api: &Api, diags: &mut Diagnostics) {
    unique_operation_ids(api, diags);
    path_params_match_template(api, diags);
    defaults_satisfy_constraints(api, diags);
    error_schema_is_usable(api, diags);
}

/// operationIds name the generated methods and builders; two equal ones would generate one method
/// twice.
fn unique_operation_ids(api: &Api, diags: &mut Diagnostics) {
    for (i, op) in api.operations.iter().enumerate() {
        if let Some(first) = api.operations[..i].iter().find(|o| o.id == op.id) {
            diags
                .error(op_pointer(op, "operationId"), format!(
                    "operationId `{}` is used twice (also by `{} {}`)",
                    op.id,
                    first.method.as_str(),
                    first.path
                ))
                .with_hint("operationIds name the generated methods and must be unique");
        }
    }
}

/// Each `{name}` in a path template needs a path parameter, and each path parameter a `{name}`;
/// otherwise the client would send a literal `{name}` or drop an argument.
fn path_params_match_template(api: &Api, diags: &mut Diagnostics) {
    for op in &api.operations {
        let in_template: Vec<&str> = op
            .path_segments
            .iter()
            .filter_map(|s| match s {
                PathSegment::Param(n) => Some(n.as_str()),
                PathSegment::Literal(_) => None,
            })
            .collect();
        for name in &in_template {
            if !op.params.iter().any(|p| p.location == Location::Path && p.name == *name) {
                diags
                    .error(op_pointer(op, "parameters"), format!("the path `{}` uses `{{{name}}}` but `{}` declares no path parameter `{name}`", op.path, op.id))
                    .with_hint(format!("add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}`"));
            }
        }
        for p in op.params.iter().filter(|p| p.location == Location::Path) {
            if !in_template.contains(&p.name.as_str()) {
                diags
                    .error(op_pointer(op, "parameters"), format!("path parameter `{}` of `{}` does not appear in the path `{}`", p.name, op.id, op.path))
                    .with_hint(format!("add `{{{}}}` to the path or make it a query parameter", p.name));
            }
        }
    }
}

/// A default that breaks its own constraints is documented to users as valid; catch it here.
fn defaults_satisfy_constraints(api: &Api, diags: &mut Diagnostics) {
    for op in &api.operations {
        for p in &op.params {
            let Some(n) = p.default.as_ref().and_then(|d| d.as_f64()) else { continue };
            let c = &p.constraints;
            let low = c.minimum.is_some_and(|m| n < m || (c.exclusive_minimum && n <= m));
            let high = c.maximum.is_some_and(|m| n > m || (c.exclusive_maximum && n >= m));
            if low || high {
                diags.error(
                    op_pointer(op, "parameters"),
                    format!("the default {n} of parameter `{}` of `{}` is outside its own bounds", p.name, op.id),
                );
            }
        }
    }
}

/// The runtime decodes Atlas' error object into the spec's `ApiError` model and reads its
/// `errorCode`; without it, typed errors could not work.
fn error_schema_is_usable(api: &Api, diags: &mut Diagnostics) {
    let usable = api.schemas.iter().any(|s| {
        s.rust_name == "ApiError"
            && matches!(&s.kind, SchemaKind::Struct { fields } if fields.iter().any(|f| f.name == "errorCode")
                && fields.iter().any(|f| f.name == "error" && f.required))
    });
    if !usable {
        diags
            .error(pointer(["components", "schemas", "ApiError"]), "the spec defines no usable `ApiError` schema")
            .with_hint("define `ApiError` as Atlas' error object: an object with a required integer `error` and a string `errorCode`");
    }
}

fn op_pointer(op: &crate::ir::Operation, field: &str) -> String {
    child(&pointer(["paths", op.path.as_str(), &op.method.as_str().to_ascii_lowercase()]), field)
}
