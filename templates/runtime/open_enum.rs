//! The open string enums of the models, written once.
//!
//! An open enum (`OrganizationRole`) has one variant per value the spec lists plus a catch-all that
//! keeps any other value verbatim, so a value Atlas adds later never fails a decode and round-trips
//! unchanged. The models declare each one with `open_enum!`, written as the enum it reads like: a
//! `Variant = "wire",` line per value, then the catch-all, `_ => Unknown(String),`. That is one
//! line per value where writing the enum out costs five (the variant and its doc, `KNOWN`, `as_str`,
//! `From<&str>`), a third of the whole-API crate's lines. The expansion is the code the written-out
//! form had, so the public API and rustdoc are unchanged.

/// The open enum `$name`: its variants (each documented with its wire value), the catch-all variant
/// `$catch_all`, `KNOWN`, `as_str`, `is_unknown`, `From<&str>`, `From<String>`, `FromStr`,
/// `Display`, `Serialize`, `Deserialize`, and equality, hashing and order by the wire value.
///
/// Equality goes by the wire value, so `Unknown("X")` equals the known variant for `"X"`: both send
/// the same JSON, and `uniqueItems` must see them as duplicates.
macro_rules! open_enum {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $($variant:ident = $value:literal,)*
            // `_ =>` also tells the catch-all apart from the values for macro_rules.
            _ => $catch_all:ident(String),
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!(" `", $value, "`")]
                $variant,
            )*
            /// A value this version of the client does not know; kept verbatim so it round-trips.
            $catch_all(String),
        }

        impl $name {
            /// Every value this version of the client knows, in spec order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$catch_all(value) => value,
                }
            }

            /// Whether this is a value the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::$catch_all(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$catch_all(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::$catch_all(_) => Self::$catch_all(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $name {}

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                std::hash::Hash::hash(self.as_str(), state);
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
