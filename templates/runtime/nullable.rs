//! `Nullable<T>`: an optional field that may also be sent as `null` (shipped only to crates whose
//! request types have optional nullable fields, and re-exported by the facade).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field that may be `null`, as requests send it: left out ([`Nullable::Absent`], the
/// default), sent as `null` ([`Nullable::Null`], which clears the value on an update), or sent with a
/// value ([`Nullable::Value`]).
///
/// Decoding gives the same three states: a missing key is `Absent`, `null` is `Null`. Models set it
/// with `with_<field>(value)` and `with_<field>_null()`.
// A derived `Default` on an enum asks nothing of `T`: structs of fields without `Default` keep theirs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent (or not received): the server keeps what it has.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is left out (what a struct's encode asks).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the field is sent (or was received) as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one, consuming `self`: `Absent` and `Null` both become `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
}

// A struct's `omit` field of this type is left out when `Absent` (`serde_struct!`).
impl<T> crate::serde_struct::Omit for Nullable<T> {
    #[inline]
    fn is_omitted(&self) -> bool {
        self.is_absent()
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            // Fields leave `Absent` out (`omit`); anywhere else it can only be `null`.
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing key never gets here: fields are `default`, which is `Absent`.
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Self::Value(value),
            None => Self::Null,
        })
    }
}
