//! The `Deserialize` impls of the models' structs, written once.
//!
//! Why: `#[derive(Deserialize)]` expands to about 270 lines per struct (a `__Field` enum with a
//! `Deserialize` impl and visitor of its own, a `visit_seq`, a `visit_map`, `FIELDS`), and for the
//! hundreds of models of the whole Atlas API that expansion was more than the crate's whole source,
//! and most of what the compiler spent its time on. A struct with plain named fields is declared
//! instead with `deserialize_struct!`, one `field: "wireName"` line per field; the expansion is a
//! `visit_map` and a key match, and the keys go through one generic seed ([`FieldKey`]) shared by
//! every struct. serde's derive stays for everything else (unions, newtypes, anything `flatten`,
//! `transparent` or `untagged`): this exists only to cut what the compiler chews on for the models.
//!
//! What a decode does is what the derive did, with the same error messages: an unknown key is
//! skipped, a repeated key is `duplicate field`, a missing field without `default` is `missing
//! field` (an `Option` one is `None`, as serde's derive has it), a `default` field is
//! `Default::default()` when missing, and a field listed under `skip` is always its default and its
//! key is skipped like an unknown one.
//!
//! One deliberate difference: serde's derive also accepts a JSON array in place of the object (the
//! fields by position, through `visit_seq`); Atlas never sends one, and here it is an error
//! (`invalid type: sequence, expected struct X`).

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// `impl Deserialize for $name`: a map whose keys are the listed wire names, each decoded into its
/// field; a field marked `default` is `Default::default()` when its key is missing; the fields under
/// `skip` (`skip { a, b }`, after the braces) are never read and are always their default.
///
/// ```ignore
/// deserialize_struct! {
///     ApiKey {
///         id: "id",
///         roles: "roles" default,
///     }
/// }
/// ```
macro_rules! deserialize_struct {
    // What a missing key gives: the field's default, or serde's `missing field` (which is `None`
    // for an `Option`).
    (@absent $wire:literal) => {
        $crate::deserialize::missing($wire)?
    };
    (@absent $wire:literal default) => {
        Default::default()
    };
    (
        $name:ident {
            $($field:ident: $wire:literal $($default:ident)?,)*
        }
        $(skip { $($skipped:ident),* $(,)? })?
    ) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // The fields a key can name: the variants are the fields' own names.
                #[allow(non_camel_case_types)]
                enum __Field {
                    $($field,)*
                }

                struct __Visitor;

                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        // Each field's type is inferred from the struct literal at the end.
                        $(let mut $field = None;)*
                        let key = || {
                            $crate::deserialize::FieldKey(|key: &str| -> Option<__Field> {
                                match key {
                                    $($wire => Some(__Field::$field),)*
                                    _ => None,
                                }
                            })
                        };
                        while let Some(field) = serde::de::MapAccess::next_key_seed(&mut map, key())? {
                            match field {
                                $(Some(__Field::$field) => {
                                    if $field.is_some() {
                                        return Err(<A::Error as serde::de::Error>::duplicate_field($wire));
                                    }
                                    $field = Some(serde::de::MapAccess::next_value(&mut map)?);
                                })*
                                None => {
                                    serde::de::MapAccess::next_value::<serde::de::IgnoredAny>(&mut map)?;
                                }
                            }
                        }
                        Ok($name {
                            $($field: match $field {
                                Some(value) => value,
                                None => deserialize_struct!(@absent $wire $($default)?),
                            },)*
                            $($($skipped: Default::default(),)*)?
                        })
                    }
                }

                const FIELDS: &[&str] = &[$($wire),*];
                deserializer.deserialize_struct(stringify!($name), FIELDS, __Visitor)
            }
        }
    };
}

/// The seed every struct's keys are decoded with: `F` maps a key to the field it names (`None` for
/// a key the struct does not know), straight from the borrowed or escaped string, without
/// allocating. `visit_borrowed_str` and `visit_string` are serde's defaults, which go to
/// `visit_str`; bytes go to `visit_bytes` (a key that is not UTF-8 names no field).
pub(crate) struct FieldKey<F>(pub(crate) F);

impl<'de, K, F: FnOnce(&str) -> Option<K>> DeserializeSeed<'de> for FieldKey<F> {
    type Value = Option<K>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, K, F: FnOnce(&str) -> Option<K>> Visitor<'de> for FieldKey<F> {
    type Value = Option<K>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("field identifier")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok((self.0)(value))
    }

    #[inline]
    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(value).ok().and_then(self.0))
    }
}

/// A missing field's value, as serde's derive computes it: `None` for an `Option` (whose
/// `Deserialize` asks for an option), the `missing field` error for anything else.
#[allow(dead_code)] // Used only by specs with a struct field that is required and has no default.
pub(crate) fn missing<'de, T: de::Deserialize<'de>, E: de::Error>(field: &'static str) -> Result<T, E> {
    T::deserialize(Missing(field, PhantomData))
}

/// The deserializer of a field that is not there (serde's private `MissingFieldDeserializer`).
#[allow(dead_code)] // As `missing`.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
#[path = "tests/deserialize.rs"]
mod tests;
