//! The `Serialize` and `Deserialize` impls of the models' structs, written once.
//!
//! Why: serde's derives expand to about 270 lines per struct for `Deserialize` (a `__Field` enum with
//! a `Deserialize` impl and visitor of its own, a `visit_seq`, a `visit_map`, `FIELDS`) and tens more
//! for `Serialize`, and for the hundreds of models of the whole Atlas API that expansion was more than
//! the crate's whole source, and most of what the compiler spent its time on; the derives also need a
//! `#[serde(..)]` attribute on most fields, saying again what the wire names already say. A struct
//! with plain named fields is declared instead inside `serde_struct!`, each field followed by its wire
//! name and markers (`pub id: Option<String> as "id" default omit,`); the expansion is the struct as
//! written without them, what the one generic visitor of this module needs to read it ([`Fields`]: a
//! key `match` and one small `read` per field) and a `serialize` with one `serialize_field` per
//! field.
//! serde's derive stays for everything else (unions, newtypes, anything `flatten`, `transparent` or
//! `untagged`): this exists only to cut what the compiler chews on for the models.
//!
//! What a decode does is what the derive did, with the same error messages: an unknown key is
//! skipped, a repeated key is `duplicate field`, a missing field without `default` is `missing
//! field` (an `Option` one is `None`, as serde's derive has it), a `default` field is
//! `Default::default()` when missing, and a `skip_read` field is always its default and its key is
//! skipped like an unknown one. An encode writes the bytes the derive wrote: the fields in declaration
//! order under their wire names, an `omit` field left out when [`Omit::is_omitted`] (serde's
//! `skip_serializing_if`, with the derive's `skip_field` call in its place), a `skip_write` field
//! never, and the `len` given to `serialize_struct` is the count of fields actually written.
//!
//! Deliberate differences: serde's derive also accepts a JSON array in place of the object (the
//! fields by position, through `visit_seq`); Atlas never sends one, and here it is an error
//! (`invalid type: sequence, expected struct X`). The `FIELDS` handed to `deserialize_struct` list
//! the `skip_read` fields' names too (JSON ignores that list).

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A struct with named fields, and its `impl Serialize` and `impl Deserialize`: each field is declared
/// as usual and followed by `as "wireName"` and then its markers, in this order, each optional:
///
/// - `default`: `Default::default()` when its key is missing (serde's `#[serde(default)]`);
/// - `omit`: left out when [`Omit::is_omitted`], an unset `Option` or `Nullable` or an empty
///   collection (serde's `skip_serializing_if`);
/// - `skip_write`: never written (serde's `skip_serializing`: a read-only field of a type requests
///   carry);
/// - `skip_read`: never read, always its default (serde's `skip_deserializing`: a write-only field of a
///   type responses carry).
///
/// ```ignore
/// serde_struct! {
///     /// An API key.
///     #[derive(Debug, Clone, PartialEq, Default)]
///     pub struct ApiKey {
///         /// Its id.
///         pub id: Option<String> as "id" default omit skip_write,
///         pub roles: Vec<String> as "roles" default omit,
///         pub private_key: String as "privateKey" skip_read,
///     }
/// }
/// ```
///
/// The struct is written out as declared, without the `as ..` parts; the fields are serialized in
/// declaration order. `serde_struct! { Deserialize for $name { field: Type as "wireName" markers, .. } }`
/// is the `Deserialize` impl alone, for a struct declared on its own that derives `Serialize` (with its
/// `#[serde]` attributes) because another derive of its own, such as `schemars::JsonSchema`, reads
/// those attributes.
macro_rules! serde_struct {
    // What a missing key gives: the field's default, or serde's `missing field` (which is `None`
    // for an `Option`).
    (@absent $wire:literal default $($marker:ident)*) => {
        Default::default()
    };
    (@absent $wire:literal $(omit)? $(skip_write)? skip_read) => {
        Default::default()
    };
    (@absent $wire:literal $(omit)? $(skip_write)?) => {
        $crate::serde_struct::missing($wire)?
    };
    // The field a key names; a `skip_read` field's key is skipped like an unknown one.
    (@key $field:ident $(default)? $(omit)? $(skip_write)? skip_read) => {
        None
    };
    (@key $field:ident $($marker:ident)*) => {
        Some(__Field::$field)
    };
    // How many fields a value writes: what `serialize_struct` is told, as the derive tells it.
    (@count $value:expr; $(default)? $(omit)? skip_write $(skip_read)?) => {
        0
    };
    (@count $value:expr; $(default)? omit $(skip_read)?) => {
        if $crate::serde_struct::Omit::is_omitted($value) { 0 } else { 1 }
    };
    (@count $value:expr; $(default)? $(skip_read)?) => {
        1
    };
    // One field written (or not).
    (@write $state:ident, $wire:literal, $value:expr; $(default)? $(omit)? skip_write $(skip_read)?) => {};
    (@write $state:ident, $wire:literal, $value:expr; $(default)? omit $(skip_read)?) => {
        if $crate::serde_struct::Omit::is_omitted($value) {
            serde::ser::SerializeStruct::skip_field(&mut $state, $wire)?;
        } else {
            serde::ser::SerializeStruct::serialize_field(&mut $state, $wire, $value)?;
        }
    };
    (@write $state:ident, $wire:literal, $value:expr; $(default)? $(skip_read)?) => {
        serde::ser::SerializeStruct::serialize_field(&mut $state, $wire, $value)?;
    };
    (
        @impls $name:ident {
            $($field:ident: $ty:ty as $wire:literal $($marker:ident)*,)*
        }
    ) => {
        serde_struct! {
            Deserialize for $name {
                $($field: $ty as $wire $($marker)*,)*
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let len = 0 $(+ serde_struct!(@count &self.$field; $($marker)*))*;
                // Not mutated when no field is ever written.
                #[allow(unused_mut)]
                let mut state = serde::Serializer::serialize_struct(serializer, stringify!($name), len)?;
                $(serde_struct!(@write state, $wire, &self.$field; $($marker)*);)*
                serde::ser::SerializeStruct::end(state)
            }
        }
    };
    (
        Deserialize for $name:ident {
            $($field:ident: $ty:ty as $wire:literal $($marker:ident)*,)*
        }
    ) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::serde_struct::deserialize(deserializer)
            }
        }

        // What the one generic visitor of the runtime needs to know of this struct, out of sight.
        const _: () = {
            // The fields a key can name: the variants are the fields' own names (a `skip_read`
            // field's is never built).
            #[allow(non_camel_case_types, dead_code)]
            pub(crate) enum __Field {
                $($field,)*
            }

            // The fields read so far.
            #[allow(non_snake_case)]
            pub(crate) struct __Seen {
                $($field: Option<$ty>,)*
            }

            impl $crate::serde_struct::Fields for $name {
                type Field = __Field;
                type Seen = __Seen;
                const NAME: &'static str = stringify!($name);
                const FIELDS: &'static [&'static str] = &[$($wire),*];

                fn unread() -> __Seen {
                    __Seen { $($field: None,)* }
                }

                fn field(key: &str) -> Option<__Field> {
                    match key {
                        $($wire => serde_struct!(@key $field $($marker)*),)*
                        _ => None,
                    }
                }

                #[allow(unused_variables)] // A struct without fields reads none.
                // `__field`: a field may be called `field`, which a binding of type `__Field` must not be.
                fn read<'de, A: serde::de::MapAccess<'de>>(
                    seen: &mut __Seen,
                    __field: __Field,
                    map: &mut A,
                ) -> Result<(), A::Error> {
                    match __field {
                        $(__Field::$field => $crate::serde_struct::read(map, &mut seen.$field, $wire),)*
                    }
                }

                #[allow(unused_variables)] // As `read`.
                fn finish<E: serde::de::Error>(seen: __Seen) -> Result<Self, E> {
                    Ok($name {
                        $($field: match seen.$field {
                            Some(value) => value,
                            None => serde_struct!(@absent $wire $($marker)*),
                        },)*
                    })
                }
            }
        };
    };
    // The struct itself, each field followed by `as "wireName"` and its markers.
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$field_attr:meta])*
                $field_vis:vis $field:ident: $ty:ty as $wire:literal $($marker:ident)*,
            )*
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $(
                $(#[$field_attr])*
                $field_vis $field: $ty,
            )*
        }

        serde_struct! {
            @impls $name {
                $($field: $ty as $wire $($marker)*,)*
            }
        }
    };
}

/// A struct declared with `serde_struct!`, as the one generic visitor of the runtime ([`deserialize`])
/// reads it: which field a key names, reading one field's value, and the struct from the fields read.
/// One visitor for every struct, instead of one `visit_map` each: the loop, the key decoding and the
/// unknown keys are type-checked once, which took a fifth of checking the whole-API crate.
pub(crate) trait Fields: Sized {
    /// The fields a key can name.
    type Field;
    /// The fields read so far, each an `Option` of its type.
    type Seen;
    /// The struct's name, for `expecting` and `deserialize_struct`.
    const NAME: &'static str;
    /// The wire names, for `deserialize_struct` (JSON ignores them).
    const FIELDS: &'static [&'static str];

    /// No field read yet.
    fn unread() -> Self::Seen;

    /// The field `key` names; `None` for a key the struct does not read.
    fn field(key: &str) -> Option<Self::Field>;

    /// The value of `field`, read from `map` into `seen` (an error if it was read before).
    fn read<'de, A: de::MapAccess<'de>>(seen: &mut Self::Seen, field: Self::Field, map: &mut A)
        -> Result<(), A::Error>;

    /// The struct, from the fields read: a missing one is its default or `missing field`.
    fn finish<E: de::Error>(seen: Self::Seen) -> Result<Self, E>;
}

/// `T::deserialize`, for every struct declared with `serde_struct!`.
pub(crate) fn deserialize<'de, T: Fields, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor::<T>(PhantomData))
}

/// The visitor of every `serde_struct!` struct: each key names a field, read once, or is skipped.
struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    // Two plain writes: `write!` here would be a `format_args!` in each struct's instance (about a
    // hundred lines of LLVM IR apiece, ~2 % of the whole-API crate's).
    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("struct ")?;
        formatter.write_str(T::NAME)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut seen = T::unread();
        while let Some(field) = map.next_key_seed(FieldKey(T::field))? {
            match field {
                Some(field) => T::read(&mut seen, field, &mut map)?,
                None => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        T::finish(seen)
    }
}

/// One field's value read from `map` into `slot`; `duplicate field` if it was read before.
pub(crate) fn read<'de, A: de::MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    wire: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as de::Error>::duplicate_field(wire));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// What an `omit` field is left out of an encode for (serde's `skip_serializing_if`): an unset
/// `Option`, an empty list or map; `Nullable`'s impl (`Absent`) is in `nullable.rs`, shipped only to
/// crates that have one. One trait, so the macro needs one marker for every kind of field.
#[allow(dead_code)] // Unused by specs without an optional field.
pub(crate) trait Omit {
    /// Whether the field is left out.
    fn is_omitted(&self) -> bool;
}

impl<T> Omit for Option<T> {
    #[inline]
    fn is_omitted(&self) -> bool {
        self.is_none()
    }
}

impl<T> Omit for Vec<T> {
    #[inline]
    fn is_omitted(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> Omit for BTreeMap<K, V> {
    #[inline]
    fn is_omitted(&self) -> bool {
        self.is_empty()
    }
}

/// The seed every struct's keys are decoded with: `F` maps a key to the field it names (`None` for
/// a key the struct does not know), straight from the borrowed or escaped string, without
/// allocating. `visit_borrowed_str` and `visit_string` are serde's defaults, which go to
/// `visit_str`; bytes go to `visit_bytes` (a key that is not UTF-8 names no field).
struct FieldKey<F>(F);

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
#[path = "tests/serde_struct.rs"]
mod tests;
