//! The conversions every validated string newtype of `models.rs` shares, written once.
//!
//! A newtype (`OrgId`) is a tuple struct around a `String` with an inherent `new` that validates;
//! `string_newtype!` (below) adds the conversions from and to strings and a `Deserialize` that
//! validates as well, so a value that breaks the spec's constraints can never be held, not even one
//! decoded from a response.

/// `TryFrom<String>`, `TryFrom<&str>`, `FromStr`, `AsRef<str>`, `Display`, `From<Newtype> for
/// String` and a validating `Deserialize` for the newtype `$name`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = $crate::runtime::ValidationError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::runtime::ValidationError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::runtime::ValidationError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.into_inner()
            }
        }

        // Lets a validated id be passed by reference where a method takes `impl Into<String>`.
        impl From<&$name> for String {
            fn from(value: &$name) -> Self {
                value.as_str().to_owned()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::json_path::string_then(deserializer, "a string", Self::new)
            }
        }
    };
}
