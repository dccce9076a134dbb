//! Stage 1b, between reading and `openapiv3`: turns every description format the generator reads
//! (OpenAPI 3.0, OpenAPI 3.1, Swagger 2.0) into one OpenAPI 3.0 document that openapiv3 reads and the
//! lowering understands, and reads the real-world mistakes whose intent is clear the way they were meant.
//!
//! This is the place a new input format goes: a module that rewrites the plain JSON value into
//! OpenAPI 3.0, recording in [`Origins`] where each moved node came from so diagnostics found later (by
//! openapiv3 or the lowering) still name the user's file and pointer. Every rewrite that changes what
//! a document means is a warning at the pointer the user wrote; what has no clear reading is an error.
//!
//! The steps, in order: detect the version; convert 2.0 ([`swagger2`]) or 3.1 ([`openapi31`]) to 3.0;
//! apply the lenient fixes ([`lenient`]), which 3.0 documents get too; read the `$ref`s to nothing
//! where a schema stands ([`dangling`]); make every local `$ref` name a component ([`pointers`]).

pub mod bundle;
pub mod dangling;
pub mod lenient;
pub mod openapi31;
pub mod origin;
pub mod output;
pub mod pointers;
pub mod read;
pub mod swagger2;
pub mod walk;

use crate::diag::Diagnostics;
pub use origin::Origins;
use serde_json::Value;

pub use output::{Refused, OUTPUT_VERSION};

/// The description formats the normaliser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `swagger: "2.0"`.
    Swagger2,
    /// `openapi: 3.0.x`, read as it is.
    OpenApi30,
    /// `openapi: 3.1.x`.
    OpenApi31,
}

/// The version `doc` declares, when it is one the normaliser reads.
pub fn detect(doc: &Value) -> Option<Version> {
    let map = doc.as_object()?;
    match (map.get("openapi"), map.get("swagger")) {
        (Some(Value::String(v)), _) if v == "3.0" || v.starts_with("3.0.") => Some(Version::OpenApi30),
        (Some(Value::String(v)), _) if v == "3.1" || v.starts_with("3.1.") => Some(Version::OpenApi31),
        (None, Some(Value::String(v))) if v == "2.0" => Some(Version::Swagger2),
        _ => None,
    }
}

/// Normalises `doc`, read from `file`, into an OpenAPI 3.0 document, with where its moved nodes came
/// from. Warnings go to `diags`; `Err` when an error was recorded.
pub fn normalize(file: &str, doc: Value, diags: &mut Diagnostics) -> Result<(Value, Origins), Refused> {
    normalize_from(doc, Origins::new(file), diags)
}

/// Like [`normalize`], for a document whose nodes already have origins: one [`bundle`]d from
/// several files.
pub fn normalize_from(doc: Value, mut origins: Origins, diags: &mut Diagnostics) -> Result<(Value, Origins), Refused> {
    let Some(version) = detect(&doc) else {
        refuse(&doc, diags);
        return Err(Refused);
    };
    let bundled = origins.clone();
    let read = diags.len();
    let mut doc = match version {
        // Conversions report at pointers of the document they read.
        Version::Swagger2 => swagger2::convert(doc, &mut origins, diags),
        Version::OpenApi31 => openapi31::convert(doc, &mut origins, diags),
        Version::OpenApi30 => doc,
    };
    // For a bundled document, those pointers are moved to the file that holds the node.
    if !bundled.is_empty() {
        diags.relocate_from(read, |pointer| bundled.moved(pointer));
    }
    // The steps below read the converted document, so their findings are moved back to the input.
    let converted = diags.len();
    lenient::fix(&mut doc, &mut origins, diags);
    dangling::repair(&mut doc, diags);
    pointers::hoist(&mut doc, &mut origins, diags);
    diags.relocate_from(converted, |pointer| origins.moved(pointer));
    if diags.has_errors() {
        Err(Refused)
    } else {
        Ok((doc, origins))
    }
}

/// Says why `doc` is not a document of a version the normaliser reads.
fn refuse(doc: &Value, diags: &mut Diagnostics) {
    const READS: &str =
        "atlas-codegen reads OpenAPI 3.0.x and 3.1.x (`openapi: 3.0.3`) and Swagger 2.0 (`swagger: \"2.0\"`)";
    let Some(map) = doc.as_object() else {
        let what = match doc {
            Value::Null => "empty",
            Value::Array(_) => "a list",
            _ => "a single value",
        };
        diags
            .error("", format!("the document is {what}, not an OpenAPI document"))
            .with_hint("an OpenAPI document is a mapping that starts with `openapi: 3.0.3`");
        return;
    };
    match (map.get("openapi"), map.get("swagger")) {
        (Some(Value::String(v)), _) => {
            diags.error("/openapi", format!("OpenAPI version `{v}` is not supported")).with_hint(READS);
        }
        (Some(Value::Number(n)), _) => {
            diags
                .error("/openapi", format!("the OpenAPI version must be a string, but YAML reads `{n}` as a number"))
                .with_hint("quote it: `openapi: \"3.0.3\"`");
        }
        (Some(_), _) => {
            diags
                .error("/openapi", "the OpenAPI version must be a string such as `3.0.3`")
                .with_hint("write `openapi: 3.0.3`");
        }
        (None, Some(Value::Number(n))) => {
            diags
                .error("/swagger", format!("the Swagger version must be a string, but YAML reads `{n}` as a number"))
                .with_hint("quote it: `swagger: \"2.0\"`");
        }
        (None, Some(v)) => {
            diags
                .error("/swagger", format!("Swagger version `{}` is not supported", v.as_str().unwrap_or("?")))
                .with_hint(READS);
        }
        (None, None) => {
            diags
                .error("", "the document has no `openapi` field, so it is not an OpenAPI document")
                .with_hint("start the document with `openapi: 3.0.3`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_are_detected() {
        assert_eq!(detect(&json!({"openapi": "3.0.3"})), Some(Version::OpenApi30));
        assert_eq!(detect(&json!({"openapi": "3.1.0"})), Some(Version::OpenApi31));
        assert_eq!(detect(&json!({"swagger": "2.0"})), Some(Version::Swagger2));
        assert_eq!(detect(&json!({"openapi": "4.0.0"})), None);
        assert_eq!(detect(&json!({"openapi": 3.0})), None);
        assert_eq!(detect(&json!([])), None);
    }

    #[test]
    fn unknown_versions_are_refused_at_their_pointer() {
        let mut diags = Diagnostics::new("a.yaml");
        assert!(normalize("a.yaml", json!({"openapi": "4.0.0"}), &mut diags).is_err());
        assert_eq!(diags.items()[0].pointer, "/openapi");
        let mut diags = Diagnostics::new("a.yaml");
        assert!(normalize("a.yaml", json!({"swagger": 2.0}), &mut diags).is_err());
        assert!(diags.items()[0].message.contains("number"), "{diags}");
    }
}
