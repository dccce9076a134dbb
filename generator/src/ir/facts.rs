//! What the IR's plain data implies, decided here once so that every emitter, the sampler and the
//! templates read the same answer: how a struct field is present ([`Schema::presence`]), which fields a
//! struct keeps ([`Schema::keeps`]), which types are checked before sending ([`Schema::validates`],
//! [`Api::validates`]) and whether the crate sends multipart bodies ([`Api::sends_multipart`]).
//!
//! These are derived, not stored: they are functions of fields the IR snapshot already shows, so the
//! snapshot stays the one description of the IR.

use super::{Api, Body, BodyEncoding, Constraints, Field, Presence, Schema, SchemaKind, SchemaRef, TypeRef};
use std::borrow::Cow;

impl Schema {
    /// How `field` (one of this struct's) is present (see [`Presence`]). An optional nullable field
    /// of a type that requests carry has three states ([`Presence::Nullable`]), so a request can clear
    /// a value by sending `null`; a type used in both directions has one Rust type, and takes the
    /// three states too (decoding keeps them apart as well: a missing key is not `null`). Response-only
    /// types keep `Option`.
    pub fn presence(&self, field: &Field) -> Presence {
        if self.in_request && field.nullable && !field.required {
            Presence::Nullable
        } else if field.nullable || !field.required && !field.ty.is_collection() {
            Presence::Optional
        } else if field.required {
            Presence::Required
        } else {
            Presence::EmptyWhenAbsent
        }
    }
}

impl Api {
    /// Whether any struct has a [`Presence::Nullable`] field, so the crate ships `Nullable`.
    pub fn has_nullable_fields(&self) -> bool {
        self.schemas.iter().any(|s| s.kept_fields().any(|f| s.presence(f) == Presence::Nullable))
    }
}

impl TypeRef {
    /// Whether it is an array or a map, which stay bare when optional (empty means absent).
    pub fn is_collection(&self) -> bool {
        matches!(self, Self::Array(_) | Self::Map(_))
    }
}

impl Constraints {
    /// The pattern the client compiles: `pattern` itself, or with ASCII classes where
    /// [`Constraints::ascii_classes`] says so. The lowering's check and the generated code both compile
    /// this one.
    pub fn compiled_pattern(&self) -> Option<Cow<'_, str>> {
        let pattern = self.pattern.as_deref()?;
        Some(if self.ascii_classes { Cow::Owned(ascii_classes(pattern)) } else { Cow::Borrowed(pattern) })
    }
}

/// `pattern` with `\d`, `\w`, `\D`, `\W` spelled as the ASCII classes ECMA-262 (the spec's regex
/// dialect, without the `u` flag) means by them; the `regex` crate reads them as Unicode classes,
/// hundreds of ranges each, which a repeat such as `\w{1,255}` multiplies beyond its size limit.
/// Inside a character class `\d` and `\w` become ranges (`[\w-]` is `[0-9A-Za-z_-]`); `\D` and
/// `\W` there are left as they are.
pub fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    // Right after `[` or `[^`, a `]` is a literal, not the end of the class.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                let replacement = match (next, in_class) {
                    ('d', false) => Some("[0-9]"),
                    ('w', false) => Some("[0-9A-Za-z_]"),
                    ('D', false) => Some("[^0-9]"),
                    ('W', false) => Some("[^0-9A-Za-z_]"),
                    ('d', true) => Some("0-9"),
                    ('w', true) => Some("0-9A-Za-z_"),
                    _ => None,
                };
                match replacement {
                    Some(r) => out.push_str(r),
                    None => {
                        out.push(c);
                        out.push(next);
                    }
                }
                class_start = false;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(c);
            }
            _ => {
                class_start = false;
                out.push(c);
            }
        }
    }
    out
}

impl Schema {
    /// Whether `field` appears in the Rust struct: request-only types drop `readOnly` fields and
    /// response-only types drop `writeOnly` ones; a type used both ways keeps both (the emitter skips
    /// them on the wrong side).
    pub fn keeps(&self, field: &Field) -> bool {
        let request_only = self.in_request && !self.in_response;
        let response_only = self.in_response && !self.in_request;
        !(request_only && field.read_only || response_only && field.write_only)
    }

    /// The fields the Rust struct has ([`Schema::keeps`]), in spec order; none for other kinds.
    pub fn kept_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields().iter().filter(|f| self.keeps(f))
    }

    /// Whether values of this type carry a `validate` method that requests call before sending: a
    /// struct with fields or a union, carried by requests.
    pub fn validates(&self) -> bool {
        self.in_request
            && match &self.kind {
                SchemaKind::Struct { fields } => !fields.is_empty(),
                SchemaKind::Union { .. } => true,
                _ => false,
            }
    }
}

impl Api {
    /// Whether values of the named type carry a `validate` method: a type that
    /// [`Schema::validates`], or an alias of one (`MaybeTask = Task`, the usual shape of a nullable
    /// `$ref` wrapper).
    pub fn validates(&self, name: &SchemaRef) -> bool {
        let mut name = name;
        // Alias chains are short; the bound only guards against a cycle lowering let through.
        for _ in 0..32 {
            match self.schema(name) {
                Some(s) if s.validates() => return true,
                Some(Schema { kind: SchemaKind::Alias { ty: TypeRef::Named(next) }, .. }) => name = next,
                _ => return false,
            }
        }
        false
    }

    /// Whether any operation sends a `multipart/form-data` body, so the generated crate ships the
    /// multipart runtime and turns on reqwest's `multipart` feature.
    pub fn sends_multipart(&self) -> bool {
        self.operations.iter().any(|op| op.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Multipart))
    }

    /// Whether any type of the API holds `format` (a [typed format](TypeRef::is_typed_format)), as a
    /// field, an item, a parameter, a body or a response: the generated `Cargo.toml` depends on the
    /// format's crate (chrono, uuid, base64) only then, and the crate ships the formats runtime when
    /// any is used.
    pub fn uses_format(&self, format: &TypeRef) -> bool {
        let schemas = self.schemas.iter().flat_map(Schema::type_refs);
        let operations = self.operations.iter().flat_map(|op| {
            let params = op.params.iter().map(|p| &p.ty);
            let body = op.body.iter().flat_map(Body::types);
            let responses = op.responses.iter().filter_map(|r| r.ty.as_ref());
            let outputs = op.output.cases.iter().filter_map(|c| c.payload.json());
            params.chain(body).chain(responses).chain(outputs)
        });
        schemas.chain(operations).any(|ty| ty.mentions(format))
    }

    /// Whether the API uses any typed format ([`Self::uses_format`]).
    pub fn uses_typed_formats(&self) -> bool {
        TypeRef::TYPED_FORMATS.iter().any(|f| self.uses_format(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(ty: TypeRef, required: bool, nullable: bool) -> Field {
        Field {
            name: "f".to_owned(),
            rust_name: "f".to_owned(),
            pointer: String::new(),
            ty,
            required,
            nullable,
            read_only: false,
            write_only: false,
            description: None,
            constraints: Default::default(),
            item_constraints: Default::default(),
            format: None,
            boxed: false,
        }
    }

    #[test]
    fn ascii_classes_spell_the_ecma_meaning() {
        assert_eq!(ascii_classes(r"^\w{1,255}-\d{1,255}$"), "^[0-9A-Za-z_]{1,255}-[0-9]{1,255}$");
        assert_eq!(ascii_classes(r"[\w.-]+\D"), "[0-9A-Za-z_.-]+[^0-9]");
        // Escaped backslashes, other escapes, `\W` in a class and a leading `]` stay as they are.
        assert_eq!(ascii_classes(r"\\d\.\s[]\W]"), r"\\d\.\s[]\W]");
        assert_eq!(ascii_classes(r"[^\d]\W"), "[^0-9][^0-9A-Za-z_]");
    }

    fn holder(in_request: bool, in_response: bool) -> Schema {
        Schema {
            name: "S".to_owned(),
            rust_name: "S".to_owned(),
            pointer: String::new(),
            description: None,
            all_of: Vec::new(),
            in_request,
            in_response,
            unsatisfiable: None,
            derives: Vec::new(),
            kind: SchemaKind::Struct { fields: Vec::new() },
        }
    }

    #[test]
    fn presence_table() {
        let list = || TypeRef::Array(Box::new(TypeRef::String));
        let map = || TypeRef::Map(Box::new(TypeRef::String));
        // (type, required, nullable, in a response-only type, in a type requests carry)
        let cases = [
            (TypeRef::String, true, false, Presence::Required, Presence::Required),
            (TypeRef::String, false, false, Presence::Optional, Presence::Optional),
            (TypeRef::String, true, true, Presence::Optional, Presence::Optional),
            (TypeRef::String, false, true, Presence::Optional, Presence::Nullable),
            (list(), true, false, Presence::Required, Presence::Required),
            (list(), false, false, Presence::EmptyWhenAbsent, Presence::EmptyWhenAbsent),
            (map(), false, false, Presence::EmptyWhenAbsent, Presence::EmptyWhenAbsent),
            (list(), false, true, Presence::Optional, Presence::Nullable),
            (map(), true, true, Presence::Optional, Presence::Optional),
        ];
        for (ty, required, nullable, response, request) in cases {
            let f = field(ty.clone(), required, nullable);
            let at = format!("{ty} required={required} nullable={nullable}");
            assert_eq!(holder(false, true).presence(&f), response, "{at}");
            assert_eq!(holder(true, false).presence(&f), request, "{at}");
            assert_eq!(holder(true, true).presence(&f), request, "{at} (both directions)");
        }
    }
}
