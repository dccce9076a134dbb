//! The behaviour every open string enum of `models.rs` shares, written once.
//!
//! An open enum (`OrganizationRole`) has one variant per value the spec lists plus a catch-all that
//! keeps any other value verbatim, so a value Atlas adds later never fails a decode and round-trips
//! unchanged. The enum provides `as_str` and `From<&str>`; [`open_enum!`] derives everything else
//! from those two.

/// `From<String>`, `FromStr`, `Display`, `Serialize`, `Deserialize`, and equality, hashing and order
/// by the wire value for the open enum `$name` with the catch-all variant `$catch_all`.
///
/// Equality goes by the wire value, so `Unknown("X")` equals the known variant for `"X"`: both send
/// the same JSON, and `uniqueItems` must see them as duplicates.
macro_rules! open_enum {
    ($name:ident, $catch_all:ident) => {
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
