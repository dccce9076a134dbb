//! The names the generated code uses unqualified, in one list: the names emitters import (each with
//! its path, [`Import`]) and the ones it spells without importing ([`UNIMPORTED`]). Emitters record
//! an [`Import`] where they spell it; lowering keeps spec type names clear of every name here
//! ([`crate::naming::type_name`]), so a schema called `Page` or `Regex` never shadows one.

/// Declares [`Import`] with its path and name, and [`Import::ALL`], from one table.
macro_rules! imports {
    ($($(#[doc = $doc:literal])* $variant:ident => $path:literal, $name:literal;)*) => {
        /// A name generated code imports with `use`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Import {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Import {
            /// Every import, in table order.
            pub const ALL: &'static [Import] = &[$(Import::$variant),*];

            /// The path it is imported from (`crate::runtime`).
            pub fn path(self) -> &'static str {
                match self {
                    $(Self::$variant => $path,)*
                }
            }

            /// The name as the generated code spells it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

imports! {
    /// The runtime's page trait, implemented by page types (models).
    Page => "crate::runtime", "Page";
    /// Optional nullable request fields: absent, `null` or a value (models; shipped with them).
    Nullable => "crate", "Nullable";
    /// Redacted strings (models, operations).
    SecretString => "crate::runtime", "SecretString";
    /// The runtime's check helpers, called as `validate::min_length(..)`.
    Validate => "crate::runtime", "validate";
    /// What every check returns.
    ValidationError => "crate::runtime", "ValidationError";
    /// The pattern-engine trait `fancy_regex::Regex` is given (`models/mod.rs`).
    Matcher => "crate::runtime", "Matcher";
    /// Map fields and bodies.
    BTreeMap => "std::collections", "BTreeMap";
    /// The compiled pattern statics.
    Regex => "regex", "Regex";
    /// Derived and implemented by models.
    Serialize => "serde", "Serialize";
    /// Derived and implemented by models.
    Deserialize => "serde", "Deserialize";
    /// The client (operations, the conformance harness).
    Client => "crate::runtime", "Client";
    /// The client's error (operations, the conformance harness).
    Error => "crate::runtime", "Error";
    /// A request as the runtime sends it (operations).
    RequestSpec => "crate::runtime", "RequestSpec";
    /// A response with its metadata (operations, the conformance harness).
    Response => "crate::runtime", "Response";
    /// A request body (operations).
    RequestBody => "crate::runtime", "RequestBody";
    /// Path segment encoding (operations).
    Wire => "crate::runtime", "wire";
    /// Page walking (operations).
    Paginate => "crate::runtime", "paginate";
    /// A stream of items over pages (operations).
    PageStream => "crate::runtime", "PageStream";
    /// A non-JSON success body (operations).
    Download => "crate::runtime", "Download";
    /// A streamed body (operations).
    ByteStream => "crate::runtime", "ByteStream";
    /// Header, object and JSON-encoded parameter encoding (operations).
    Params => "crate::runtime", "params";
    /// Unions decoded from a JSON value inside the deserializer's visitor, so errors keep their path (models).
    JsonPath => "crate::runtime", "json_path";
    /// The retry policy the conformance harness turns off.
    RetryPolicy => "crate::runtime", "RetryPolicy";
    /// JSON values in the conformance harness (`serde_json::Value`).
    Value => "serde_json", "Value";
    /// The mock server the per-tag mocks add a method to (the `mock` feature).
    MockServer => "crate::mock", "MockServer";
    /// The expectation each mock method returns (the `mock` feature).
    OperationMock => "crate::mock", "OperationMock";
}

/// Type names the generated code spells unqualified without a `use` of its own: the prelude's (the
/// derive macros too: a type `Debug` beside `#[derive(Debug)]` compiles, but its doc links become
/// ambiguous, which rustdoc refuses), and the runtime types the facade re-exports beside `models`.
pub const UNIMPORTED: &[&str] = &[
    "Box",
    "ClientBuilder",
    "Clone",
    "Constraint",
    "Copy",
    "Debug",
    "Default",
    "Eq",
    "Hash",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "String",
    "Vec",
];

/// Names the generated code no longer uses but kept from spec types all the same, so that a type
/// keeps the name earlier versions of the generator gave it (a schema `LazyLock` stays
/// `LazyLockModel`, from when the pattern statics were `LazyLock`s): renaming it would break its users.
pub const RETIRED: &[&str] = &["LazyLock"];

/// Whether a spec type may not take `name` (it would shadow or collide with a name the generated code
/// uses): a type name of [`Import::ALL`], [`UNIMPORTED`] or [`RETIRED`].
pub fn is_taken(name: &str) -> bool {
    UNIMPORTED.contains(&name) || RETIRED.contains(&name) || Import::ALL.iter().any(|import| import.name() == name)
}
