//! What the IR's plain data implies, decided here once so that every emitter, the sampler and the
//! templates read the same answer: how a struct field is present ([`Field::presence`]), which fields a
//! struct keeps ([`Schema::keeps`]), which types are checked before sending ([`Schema::validates`],
//! [`Api::validates`]) and whether the crate sends multipart bodies ([`Api::sends_multipart`]).
//!
//! These are derived, not stored: they are functions of fields the IR snapshot already shows, so the
//! snapshot stays the one description of the IR.

use super::{Api, BodyEncoding, Field, Presence, Schema, SchemaKind, SchemaRef, TypeRef};

impl Field {
    /// How this field is present (see [`Presence`]).
    pub fn presence(&self) -> Presence {
        if self.nullable || !self.required && !self.ty.is_collection() {
            Presence::Optional
        } else if self.required {
            Presence::Required
        } else {
            Presence::EmptyWhenAbsent
        }
    }
}

impl TypeRef {
    /// Whether it is an array or a map, which stay bare when optional (empty means absent).
    pub fn is_collection(&self) -> bool {
        matches!(self, Self::Array(_) | Self::Map(_))
    }
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
    fn presence_table() {
        let list = || TypeRef::Array(Box::new(TypeRef::String));
        let map = || TypeRef::Map(Box::new(TypeRef::String));
        let cases = [
            (TypeRef::String, true, false, Presence::Required),
            (TypeRef::String, false, false, Presence::Optional),
            (TypeRef::String, true, true, Presence::Optional),
            (TypeRef::String, false, true, Presence::Optional),
            (list(), true, false, Presence::Required),
            (list(), false, false, Presence::EmptyWhenAbsent),
            (map(), false, false, Presence::EmptyWhenAbsent),
            (list(), false, true, Presence::Optional),
            (map(), true, true, Presence::Optional),
        ];
        for (ty, required, nullable, want) in cases {
            let f = field(ty.clone(), required, nullable);
            assert_eq!(f.presence(), want, "{ty} required={required} nullable={nullable}");
        }
    }
}
