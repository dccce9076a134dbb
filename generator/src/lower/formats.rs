//! Which string `format`s the client types, decided here once: `format_type` maps a format's name to
//! its [`TypeRef`]; everything else (the Rust type, the wire form, samples, validation) follows from
//! the IR type. A user's configuration that maps a format to a type of their own overrides this one
//! function.
//!
//! The date-time crate is chrono (`default-features = false, features = ["std", "serde"]` in the
//! generated `Cargo.toml`): it is 1.x and has been for years, it is what progenitor/typify, sqlx,
//! bson and most of the ecosystem's clients already use (so a team rarely compiles a second
//! date-time crate, and can pass our values to their database layer as they are), and with its
//! default features off it builds no time-zone database and no `clock`. jiff has the better design
//! but is 0.x (a breaking bump would be a breaking bump of every generated crate); `time` is 0.3 and
//! less common in the crates users pair a client with.

use crate::ir::TypeRef;
use openapiv3::{Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

/// The type of a string of this `format`, or `None` to keep it a `String` (`email`, `uri`, and any
/// format nobody standardised: documentation only). `password` is not here: it is a secret string
/// (redacted in `Debug`), decided with `x-sensitive` in `schema::is_secret`.
pub(super) fn format_type(format: &str) -> Option<TypeRef> {
    Some(match format {
        "date-time" => TypeRef::DateTime,
        "date" => TypeRef::Date,
        "uuid" => TypeRef::Uuid,
        "byte" => TypeRef::Base64,
        "binary" => TypeRef::Binary,
        _ => return None,
    })
}

/// The typed format of a plain string schema (not an enum: an enum's values are its type), if any.
/// A schema of a typed format has no string checks (`pattern`, `minLength`, `maxLength`): the type
/// already says what a valid value is, so the lowering drops them with it (see `Lowerer::constraints`).
pub(super) fn typed_format(schema: &Schema) -> Option<TypeRef> {
    let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else { return None };
    if !string.enumeration.is_empty() {
        return None;
    }
    let name = match &string.format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => "date",
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "date-time",
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "byte",
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "binary",
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) | VariantOrUnknownOrEmpty::Empty => return None,
        VariantOrUnknownOrEmpty::Unknown(other) => other,
    };
    format_type(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_formats_and_the_rest() {
        let typed = ["date-time", "date", "uuid", "byte", "binary"].map(|f| format_type(f));
        assert_eq!(typed.map(Option::unwrap), TypeRef::TYPED_FORMATS);
        for untyped in ["email", "uri", "password", "int64", "DATE-TIME", ""] {
            assert_eq!(format_type(untyped), None, "{untyped}");
        }
    }
}
