//! Stage 1: read a spec file into openapiv3 types, and resolve `$ref`s into it.
//!
//! YAML is parsed twice on purpose: first into a generic value, so a syntax error carries a line and a
//! column and the OpenAPI version can be checked before anything else; then into openapiv3's model
//! through `serde_path_to_error`, so a shape error names the JSON pointer of the offending node.

use crate::diag::{self, Diagnostic, Diagnostics, Severity};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

/// A loaded spec and the name of the file it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file name used in diagnostics and headers.
    pub file: String,
    /// The parsed document.
    pub doc: OpenAPI,
}

/// Parses `text` (the contents of `file`) as an OpenAPI 3.0 document.
pub fn parse(file: &str, text: &str) -> Result<Spec, Diagnostics> {
    let mut diags = Diagnostics::new(file);
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.add(Diagnostic {
                severity: Severity::Error,
                message: format!("the file is not valid YAML: {}", strip_location(&e.to_string())),
                file: file.to_owned(),
                pointer: String::new(),
                location: e.location().map(|l| (l.line(), l.column())),
                hint: None,
            });
            return Err(diags);
        }
    };
    let version = value.get("openapi").and_then(|v| v.as_str());
    match version {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            diags
                .error("/openapi", format!("OpenAPI version `{v}` is not supported"))
                .with_hint("atlas-codegen reads OpenAPI 3.0.x documents (`openapi: 3.0.3`)");
            return Err(diags);
        }
        None => {
            let swagger = value.get("swagger").is_some();
            diags
                .error("", "the document has no `openapi` version field, so it is not an OpenAPI 3.0 document")
                .with_hint(if swagger {
                    "this looks like Swagger 2.0; convert it to OpenAPI 3.0 first"
                } else {
                    "start the document with `openapi: 3.0.3`"
                });
            return Err(diags);
        }
    }
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(doc) => Ok(Spec { file: file.to_owned(), doc }),
        Err(e) => {
            let pointer = path_to_pointer(&e.path().to_string());
            diags.error(pointer, format!("the document does not match the OpenAPI 3.0 schema: {}", e.inner()));
            Err(diags)
        }
    }
}

/// serde_yaml appends " at line X column Y" to its messages; we print the location separately.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Turns serde_path_to_error's `paths./a.get.parameters[0]` into `/paths/~1a/get/parameters/0`.
///
/// Map keys that contain dots are ambiguous in that notation; path keys are the common case, so a
/// segment starting with `/` runs to the next segment that looks like an HTTP method or `parameters`.
fn path_to_pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut tokens: Vec<String> = Vec::new();
    for part in path.split('.') {
        let (name, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let continues_path = tokens.last().is_some_and(|t| t.starts_with('/'))
            && !matches!(
                name,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" | "parameters"
                    | "summary" | "description" | "servers"
            );
        if continues_path {
            if let Some(last) = tokens.last_mut() {
                last.push('.');
                last.push_str(name);
            }
        } else if !name.is_empty() {
            tokens.push(name.to_owned());
        }
        for index in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            tokens.push(index.to_owned());
        }
    }
    diag::pointer(tokens)
}

/// Something that can be found under `#/components/...`.
pub trait Component: Sized {
    /// The `components` section that holds this kind of thing (`schemas`, `parameters`, ...).
    const SECTION: &'static str;
    /// Looks `name` up in that section.
    fn lookup<'a>(doc: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Self>>;
}

macro_rules! component {
    ($ty:ty, $section:literal, $field:ident) => {
        impl Component for $ty {
            const SECTION: &'static str = $section;
            fn lookup<'a>(doc: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Self>> {
                doc.components.as_ref()?.$field.get(name)
            }
        }
    };
}
component!(Schema, "schemas", schemas);
component!(Parameter, "parameters", parameters);
component!(Response, "responses", responses);
component!(RequestBody, "requestBodies", request_bodies);

/// The `#/components/<section>/<name>` a `$ref` points to, as (name, pointer).
pub fn ref_target<T: Component>(reference: &str) -> Option<&str> {
    let prefix = format!("#/components/{}/", T::SECTION);
    reference.strip_prefix(prefix.as_str()).filter(|n| !n.is_empty() && !n.contains('/'))
}

/// Follows `$ref`s from `item` (found at `pointer`) to the thing they name. Returns it with the pointer
/// where it really lives, or records a diagnostic for a dangling, foreign or circular reference.
pub fn resolve<'a, T: Component>(
    doc: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Option<(&'a T, String)> {
    let mut current = item;
    let mut at = pointer.to_owned();
    let mut seen: Vec<String> = Vec::new();
    loop {
        match current {
            ReferenceOr::Item(t) => return Some((t, at)),
            ReferenceOr::Reference { reference } => {
                let ref_pointer = diag::child(&at, "$ref");
                let Some(name) = ref_target::<T>(reference) else {
                    diags
                        .error(ref_pointer, format!("`$ref: {reference}` does not point into `#/components/{}`", T::SECTION))
                        .with_hint("only local references to components are supported");
                    return None;
                };
                if seen.iter().any(|s| s == name) {
                    diags.error(ref_pointer, format!("`$ref: {reference}` is part of a reference cycle that never reaches a definition"));
                    return None;
                }
                seen.push(name.to_owned());
                match T::lookup(doc, name) {
                    Some(next) => {
                        current = next;
                        at = diag::pointer(["components", T::SECTION, name]);
                    }
                    None => {
                        diags
                            .error(ref_pointer, format!("`$ref: {reference}` points to nothing"))
                            .with_hint(format!("define `{name}` under `components/{}`", T::SECTION));
                        return None;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_serde_paths_to_pointers() {
        assert_eq!(path_to_pointer("."), "");
        assert_eq!(path_to_pointer("info.title"), "/info/title");
        assert_eq!(
            path_to_pointer("paths./api/v2/keys.get.parameters[1].schema"),
            "/paths/~1api~1v2~1keys/get/parameters/1/schema"
        );
        assert_eq!(path_to_pointer("paths./a.b.post.responses"), "/paths/~1a.b/post/responses");
    }

    #[test]
    fn reports_yaml_syntax_errors_with_line_and_column() {
        let err = parse("bad.yaml", "openapi: 3.0.3\ninfo: [unclosed\n").unwrap_err();
        let d = &err.items()[0];
        assert!(d.message.starts_with("the file is not valid YAML"), "{}", d.message);
        assert!(d.location.is_some());
    }

    #[test]
    fn rejects_other_versions() {
        let err = parse("s.yaml", "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: {}\n").unwrap_err();
        assert_eq!(err.items()[0].pointer, "/openapi");
        let err = parse("s.yaml", "swagger: '2.0'\n").unwrap_err();
        assert!(err.items()[0].hint.as_deref().unwrap_or("").contains("Swagger 2.0"));
    }

    #[test]
    fn ref_targets_are_checked_by_section() {
        assert_eq!(ref_target::<Schema>("#/components/schemas/Foo"), Some("Foo"));
        assert_eq!(ref_target::<Schema>("#/components/parameters/Foo"), None);
        assert_eq!(ref_target::<Schema>("other.yaml#/Foo"), None);
    }
}
