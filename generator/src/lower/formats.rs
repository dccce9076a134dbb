//! Which string `format`s the client types, decided here once: `format_type` maps a format's name to
//! its [`TypeRef`]; everything else (the Rust type, the wire form, samples, validation) follows from
//! the IR type. A user's configuration that maps a format to a type of their own overrides this one
//! function.
//!
//! The date-time crate is chrono (`default-features = false, features = ["alloc"]` in the generated
//! `Cargo.toml`: no clock, no time-zone database; the runtime writes its own serde impls). It is what
//! the crates a client's values travel on to already speak: sqlx, bson and the mongodb driver,
//! progenitor/typify output, and most of the ecosystem's API clients, so a team rarely compiles a second
//! date-time crate or converts at the boundary; it has kept 0.4 without a breaking release for years.
//! jiff has the better design and reached 1.0, but far fewer of those crates accept its types yet;
//! `time` is 0.3 and rarer still. A team that wants another type is to map the format to it with
//! the customisation config, which replaces [`format_type`]'s answer.

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
        let typed = ["date-time", "date", "uuid", "byte", "binary"].map(format_type);
        assert_eq!(typed.map(Option::unwrap), TypeRef::TYPED_FORMATS);
        for untyped in ["email", "uri", "password", "int64", "DATE-TIME", ""] {
            assert_eq!(format_type(untyped), None, "{untyped}");
        }
    }
}
