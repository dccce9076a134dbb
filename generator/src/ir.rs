//! The intermediate representation: what the client needs to know about the API, as plain data.
//!
//! `lower` builds it from openapiv3 types; `emit` and `render` read it and never see openapiv3. Everything
//! is owned, ordered data (`Vec`, never a hash map) so the output is the same on every run and machine,
//! and it serializes to YAML for its own insta snapshot.
//!
//! Ordering rules, decided here once:
//! - operations come in spec order (paths in file order, then get, put, post, delete, options, head,
//!   patch, trace within a path);
//! - parameters come path first (in path-template order), then query, then header, each group in spec
//!   order, which reads like the Atlas docs;
//! - named schemas are sorted by Rust name, since synthesized types have no spec position; that order
//!   is also the lookup key of [`Api::schema`].
//!
//! Every node that comes from the spec keeps its JSON `pointer` (RFC 6901, `~0`/`~1` escaped), so a
//! diagnostic or a doc line written after lowering can still name where it came from. The walks over
//! the type graph (reachability, boxing, request/response direction, imports) live in [`graph`]; what a
//! node's data implies for the generated code (a field's [`Presence`], the fields a struct keeps,
//! which types validate) lives in [`facts`], so no emitter decides it again.

pub mod facts;
pub mod graph;

use serde::Serialize;

/// A whole API description, lowered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Api {
    /// The spec file, relative to the repository root (used in headers and docs).
    pub source: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL: the client's default base URL.
    pub base_url: String,
    /// Authentication schemes the spec declares, in spec order.
    pub security: Vec<SecurityScheme>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// Every named type, sorted by Rust name.
    pub schemas: Vec<Schema>,
    /// Crates the customisation adds to the generated `Cargo.toml` (for the types and derives it
    /// names), by crate name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
}

/// A crate the generated `Cargo.toml` depends on because the customisation names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// The key under `[dependencies]`.
    pub name: String,
    /// Its TOML value (`"1"`, `{ version = "1", features = ["derive"] }`).
    pub toml: String,
}

/// An authentication scheme from `components/securitySchemes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityScheme {
    /// Its key in `components/securitySchemes`.
    pub name: String,
    /// What kind of scheme it is.
    pub kind: SecurityKind,
    /// Its description.
    pub description: Option<String>,
}

/// The kinds of authentication the runtime knows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecurityKind {
    /// HTTP Digest (RFC 7616).
    HttpDigest,
    /// HTTP Bearer token.
    HttpBearer,
    /// HTTP Basic.
    HttpBasic,
    /// OAuth 2.0 client credentials.
    #[serde(rename = "oauth2_client_credentials")]
    OAuth2ClientCredentials {
        /// Where tokens come from.
        token_url: String,
    },
    /// Anything else, kept by name so docs can mention it.
    Other {
        /// A short description of the scheme, such as `apiKey` or `openIdConnect`.
        scheme: String,
    },
}

/// The HTTP methods an operation can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// Whether repeating the request is safe (RFC 9110 §9.2.2), so the client may retry it.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }
}

/// One API operation: a method on a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// `operationId`, as in the spec.
    pub id: String,
    /// Where the operation is defined (`/paths/~1orgs~1{orgId}/get`).
    pub pointer: String,
    /// The client method's name (snake case).
    pub rust_name: String,
    /// The request builder type's name (Pascal case).
    pub builder_name: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path template, as in the spec (`/orgs/{orgId}`).
    pub path: String,
    /// The path template split into literal text and parameters.
    pub path_segments: Vec<PathSegment>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Path, query and header parameters (path-level and operation-level merged; cookie parameters
    /// are rejected while lowering).
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// Every documented response, sorted by status (`default` last). Every success response is here,
    /// with every media type it offers; [`Operation::success`] is the one `send` returns.
    pub responses: Vec<Response>,
    /// The media type the client sends in `Accept`: the success response's (for an operation without
    /// a success body, the media type its success response lists without a schema, else the JSON
    /// request body's, else `application/json`).
    pub accept: String,
    /// What `send` returns: one case per documented success status.
    pub output: Output,
    /// The Atlas API version the client asks for (in `Accept` and `Content-Type`), when the operation
    /// offers versioned media types: its request and response types are that version's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<ChosenVersion>,
    /// How to walk the pages of this operation's result, when it is paginated.
    pub pagination: Option<Pagination>,
    /// Whether repeating the request is safe (from the method), so the client may retry it after a
    /// failure the server may have processed.
    pub idempotent: bool,
    /// Parameters the spec documents but the client deliberately does not expose (`x-codegen-omit`).
    pub omitted: Vec<OmittedParam>,
}

/// The API version an operation uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChosenVersion {
    /// The version (`2024-08-05`, `preview`).
    pub version: String,
    /// Its `x-sunset` date, when Atlas announced one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sunset: Option<String>,
}

/// A documented parameter the client leaves out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OmittedParam {
    /// The name on the wire.
    pub name: String,
    /// Why the client does not send it (the `x-codegen-omit` text).
    pub reason: String,
}

impl Operation {
    /// The first 2xx response (or the `2XX` range): the one whose type the docs and the API diff name
    /// first. What `send` returns is [`Operation::output`], which covers every success status.
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.status.is_success())
    }
}

/// What `send` returns on success.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    /// The enum `send` returns when the spec documents several success statuses (each decoded into its
    /// own variant, chosen by the status of the response); `None` when there is one case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enum_name: Option<String>,
    /// One case per success status, in status order. With a single case, any 2xx status decodes into
    /// it (servers answer `201` where the spec says `200`); with several, an undocumented 2xx is a
    /// decoding error.
    pub cases: Vec<OutputCase>,
    /// Why the operation has no documented success status (only `3xx`, `101` or error responses),
    /// when it has none: `send` then returns `()` for any 2xx.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_success: Option<String>,
}

/// One success status and what its body holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputCase {
    /// The status (a code, or the `2XX` range, or `default` when only that is documented).
    pub status: Status,
    /// The variant name in [`Output::enum_name`] (`Ok`, `Created`, `NoContent`, `Status299`).
    pub variant: String,
    /// The response's description.
    pub description: String,
    /// What the body is.
    pub payload: Payload,
}

/// What a success response's body is, as `send` returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Payload {
    /// JSON of a known type, decoded.
    Json(TypeRef),
    /// No body: `send` returns `()` (the body, if any, is ignored).
    Empty,
    /// Bytes of a non-JSON media type (gzip, CSV), returned as they are, whole or streamed.
    Bytes {
        /// The media type, as the spec declares it.
        media_type: String,
    },
}

impl Payload {
    /// The decoded JSON type, if it is one.
    pub fn json(&self) -> Option<&TypeRef> {
        match self {
            Self::Json(ty) => Some(ty),
            _ => None,
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathSegment {
    /// Text copied verbatim.
    Literal(String),
    /// A path parameter, by wire name.
    Param(String),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
}

impl Location {
    /// The location's name, as used in JSON pointers of validation errors (`/query/pageNum`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// The Rust name of its argument or setter.
    pub rust_name: String,
    /// Where the parameter is defined (a shared `components/parameters` entry, or its place in the
    /// operation).
    pub pointer: String,
    /// Where it travels.
    pub location: Location,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
    /// Its type.
    pub ty: TypeRef,
    /// The server's default, documented but never sent on the caller's behalf.
    pub default: Option<serde_json::Value>,
    /// What the spec constrains about it.
    pub constraints: Constraints,
    /// The validated newtype that carries its constraints, when it is a constrained string.
    pub newtype: Option<SchemaRef>,
    /// `deprecated`.
    pub deprecated: bool,
    /// For an array parameter: how its items travel, and what each item must satisfy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub array: Option<ArrayParam>,
    /// For a value that is not one text nor an array of texts (an object, a map, anything a
    /// `content` parameter describes): how it is spelled on the wire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<ParamEncoding>,
}

/// How a parameter whose value is an object (or is sent as JSON) travels: OpenAPI's `style` and
/// `explode` for objects, or `content`. The value's JSON form is what is spelled out: properties in
/// key order, `null` properties left out, strings unquoted, numbers and booleans as JSON writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamEncoding {
    /// `content: {application/json: ...}`: the value's JSON text as the one value
    /// (`filter={"a":1}`, percent-encoded in a query).
    Json,
    /// A query object, `style: form` with `explode: true` (the default): each property its own
    /// pair (`limit=10&offset=5`), an array property one pair per item, a nested object its JSON
    /// text (the spec defines no nesting for `form`).
    FormExploded,
    /// A query object not exploded: one pair, keys and values joined by `separator` (`,` for
    /// `style: form`, `name=k1,v1,k2,v2`; ` ` for `spaceDelimited`; `|` for `pipeDelimited`).
    Joined {
        /// What joins keys and values.
        separator: String,
    },
    /// A query object, `style: deepObject`: `name[key]=value`, nested objects `name[a][b]=value`,
    /// arrays of scalars `name[key][]=value` once per item, arrays of objects by index
    /// (`name[key][0][a]=value`). The nesting rules are the bracket convention of Rails, PHP and
    /// `qs` (Stripe's `metadata[key]=value`), which the spec leaves undefined.
    DeepObject,
    /// A header object, `style: simple` (`explode: false`): `k1,v1,k2,v2`.
    Simple,
    /// A header object, `style: simple` with `explode: true`: `k1=v1,k2=v2`.
    SimpleExploded,
}

/// How an array parameter is serialized (OpenAPI `style` and `explode`), and its item constraints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrayParam {
    /// Whether each item is its own `name=value` pair (`?a=1&a=2`, `form` + `explode: true`, the
    /// OpenAPI default); otherwise items are joined by [`ArrayParam::separator`] into one value.
    pub explode: bool,
    /// What joins the items when not exploded: `,` (form, simple), ` ` (spaceDelimited), `|`
    /// (pipeDelimited).
    pub separator: String,
    /// What the spec constrains about each item (checked before sending).
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub item_constraints: Constraints,
    /// The validated newtype of a constrained string item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_newtype: Option<SchemaRef>,
}

/// Everything JSON Schema can say to restrict a value that the client enforces before sending.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// `pattern` (ECMA-262 in the spec; compiled with the `regex` crate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Whether `pattern` needs a backtracking engine (look-around, backreferences), so the client
    /// checks it with `fancy-regex` instead of `regex`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub backtracking: bool,
    /// Whether the client compiles `pattern` with `\d`, `\w`, `\D`, `\W` as the ASCII classes
    /// ECMA-262 means by them ([`Constraints::compiled_pattern`]): only where the `regex` crate's
    /// Unicode classes make the pattern too big to compile (`^\w{1,255}-\d{1,255}$`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ascii_classes: bool,
    /// `minLength`, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// `minimum` (with `exclusive_minimum`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Whether `minimum` excludes itself.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    /// `maximum` (with `exclusive_maximum`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Whether `maximum` excludes itself.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
    /// `minItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// `maxItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    /// An integer's `enum`, in spec order: checked before sending wherever `minimum`/`maximum` are
    /// (path and query parameters, the items of an array query parameter, an inline body, the fields
    /// of a request struct and their scalar items or map values), and what a sample value takes. Like
    /// the bounds, it is documentation only on responses and behind a `$ref` to a named integer schema
    /// (the reference carries no constraints).
    #[serde(skip_serializing_if = "Vec::is_empty", rename = "enum")]
    pub integer_values: Vec<i64>,
}

impl Constraints {
    /// Whether nothing is constrained.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether a string is constrained (pattern or length).
    pub fn constrains_string(&self) -> bool {
        self.pattern.is_some() || self.min_length.is_some() || self.max_length.is_some()
    }

    /// Whether a number is constrained (bounds, or an integer's `enum`).
    pub fn constrains_number(&self) -> bool {
        self.minimum.is_some() || self.maximum.is_some() || !self.integer_values.is_empty()
    }

    /// Whether an array is constrained.
    pub fn constrains_items(&self) -> bool {
        self.min_items.is_some() || self.max_items.is_some() || self.unique_items
    }

    /// A short human description, for rustdoc and API tables (`24..=24 characters, pattern ...`).
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        match (self.min_length, self.max_length) {
            (Some(a), Some(b)) if a == b => out.push(format!("exactly {a} characters")),
            (Some(a), Some(b)) => out.push(format!("{a} to {b} characters")),
            (Some(a), None) => out.push(format!("at least {a} characters")),
            (None, Some(b)) => out.push(format!("at most {b} characters")),
            (None, None) => {}
        }
        if let Some(p) = &self.pattern {
            out.push(format!("matches `{p}`"));
        }
        if let Some(min) = self.minimum {
            let op = if self.exclusive_minimum { ">" } else { ">=" };
            out.push(format!("{op} {}", number(min)));
        }
        if let Some(max) = self.maximum {
            let op = if self.exclusive_maximum { "<" } else { "<=" };
            out.push(format!("{op} {}", number(max)));
        }
        match (self.min_items, self.max_items) {
            (Some(a), Some(b)) => out.push(format!("{a} to {b} items")),
            (Some(a), None) => out.push(format!("at least {a} item{}", if a == 1 { "" } else { "s" })),
            (None, Some(b)) => out.push(format!("at most {b} items")),
            (None, None) => {}
        }
        if self.unique_items {
            out.push("unique items".to_owned());
        }
        if !self.integer_values.is_empty() {
            let values: Vec<String> = self.integer_values.iter().map(i64::to_string).collect();
            out.push(format!("one of {}", values.join(", ")));
        }
        out
    }
}

/// Formats a bound without a useless `.0` (`500`, not `500.0`).
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// A reference to a type. Serialized (for snapshots and templates) as its short display form, such
/// as `[ApiKeyUserDetails]` or `secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `string`.
    String,
    /// A secret string (`format: password` or `x-sensitive: true`): redacted in `Debug`.
    Secret,
    /// `integer` with `format: int32`.
    I32,
    /// `integer` (any other format).
    I64,
    /// `number`.
    F64,
    /// `boolean`.
    Bool,
    /// `format: date-time`: an instant, the runtime's lenient `Timestamp` (a value the server sends in
    /// a form it cannot read is kept as its text rather than failing the whole response).
    DateTime,
    /// `format: date`: a calendar date, the runtime's lenient `CalendarDate`.
    Date,
    /// `format: uuid`: `uuid::Uuid`.
    Uuid,
    /// `format: byte`: bytes, base64 in JSON (the runtime's `Base64Bytes`).
    Base64,
    /// `format: binary` inside JSON (a property, an item): bytes, the string's own bytes on the wire
    /// (the runtime's `BinaryString`). A whole binary body or multipart file part is not this: it
    /// travels as raw bytes ([`BodyEncoding::Bytes`], [`PartKind::File`]).
    Binary,
    /// `array`.
    Array(Box<TypeRef>),
    /// An object with only `additionalProperties`: a string-keyed map.
    Map(Box<TypeRef>),
    /// A named schema.
    Named(SchemaRef),
    /// A schema that admits any JSON value.
    Any,
    /// A type of the user's own, by Rust path (`my_types::Money`): a schema or a string `format` the
    /// customisation replaces. It implements what every model derives (`Serialize`, `Deserialize`,
    /// `Debug`, `Clone`, `PartialEq`), and `Display` where it is a path, query or header parameter.
    External(String),
    /// A value that may also be `null` (`nullable: true` on array items, map values, union variants,
    /// response bodies, or a named schema that is itself nullable, wherever it is referenced). Never
    /// the top-level type of a struct field, whose nullability is [`Field::nullable`], nor of a
    /// parameter or request body (the client never sends `null` there); never `Nullable(Nullable)` or
    /// `Nullable(Any)` (a JSON value already admits `null`). Emitted as `Option<T>`.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// `inner` that may also be `null`, without nesting (`Any` already admits `null`).
    pub fn nullable(inner: TypeRef) -> TypeRef {
        match inner {
            Self::Nullable(_) | Self::Any => inner,
            other => Self::Nullable(Box::new(other)),
        }
    }

    /// The type without a top-level `Nullable`, and whether it had one.
    pub fn split_nullable(self) -> (TypeRef, bool) {
        match self {
            Self::Nullable(inner) => (*inner, true),
            other => (other, false),
        }
    }

    /// The type without a top-level `Nullable`.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            Self::Nullable(inner) => inner,
            other => other,
        }
    }

    /// Whether it is a string `format` the client types ([`Self::DateTime`], [`Self::Date`],
    /// [`Self::Uuid`], [`Self::Base64`], [`Self::Binary`]): a string on the wire, a typed value in Rust.
    pub fn is_typed_format(&self) -> bool {
        Self::TYPED_FORMATS.contains(self)
    }

    /// Every typed format, in the order the generated `Cargo.toml` names their crates.
    pub const TYPED_FORMATS: [TypeRef; 5] = [Self::DateTime, Self::Date, Self::Uuid, Self::Base64, Self::Binary];
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::String => f.write_str("string"),
            Self::Secret => f.write_str("secret"),
            Self::I32 => f.write_str("i32"),
            Self::I64 => f.write_str("i64"),
            Self::F64 => f.write_str("f64"),
            Self::Bool => f.write_str("bool"),
            Self::DateTime => f.write_str("date-time"),
            Self::Date => f.write_str("date"),
            Self::Uuid => f.write_str("uuid"),
            Self::Base64 => f.write_str("byte"),
            Self::Binary => f.write_str("binary"),
            Self::Array(inner) => write!(f, "[{inner}]"),
            Self::Map(inner) => write!(f, "map<string, {inner}>"),
            Self::Named(name) => f.write_str(name.as_str()),
            Self::Any => f.write_str("any"),
            Self::External(path) => f.write_str(path),
            Self::Nullable(inner) => write!(f, "{inner}?"),
        }
    }
}

impl Serialize for TypeRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A reference to a named type of the API: its Rust name, which is the key [`Api::schema`] looks it
/// up by. Never a JSON pointer or a spec name; lowering resolves those before making one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SchemaRef(String);

impl SchemaRef {
    /// A reference to the named type with this Rust name.
    pub fn new(rust_name: impl Into<String>) -> Self {
        Self(rust_name.into())
    }

    /// The referenced type's Rust name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SchemaRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for SchemaRef {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for SchemaRef {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SchemaRef {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for SchemaRef {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// Where the request body is defined.
    pub pointer: String,
    /// The media type sent in `Content-Type`.
    pub media_type: String,
    /// Whether the body must be sent.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
    /// Its type (`any` for a multipart body, whose parts are in [`Body::form`]).
    pub ty: TypeRef,
    /// What the spec constrains about the body itself (an inline array's `minItems`, say).
    pub constraints: Constraints,
    /// Every media type the spec offers for the body, in spec order (the one sent among them).
    pub content: Vec<Content>,
    /// How the body is encoded on the wire.
    pub encoding: BodyEncoding,
    /// The typed parts of a `multipart/form-data` body whose schema lists its properties; a multipart
    /// body without one is a free-form list of parts the caller fills (the runtime's `Form`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<MultipartForm>,
}

/// The parts of a `multipart/form-data` body, one per property of its schema: a generated type with a
/// constructor taking the required parts and a setter per part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultipartForm {
    /// The generated type's name (`UploadPhotoForm`).
    pub rust_name: String,
    /// Where its schema is defined.
    pub pointer: String,
    /// The parts, in the schema's property order (`allOf` members merged).
    pub parts: Vec<FormPart>,
}

/// One property of a multipart body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormPart {
    /// The part's name on the wire (`name=` of its `Content-Disposition`).
    pub name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// Where the property is defined.
    pub pointer: String,
    /// Its description.
    pub description: Option<String>,
    /// Whether it is in the schema's `required` list.
    pub required: bool,
    /// An array: one part of this name per item (empty means absent).
    pub repeated: bool,
    /// How the value travels.
    pub kind: PartKind,
    /// The value's type (each item's, when repeated); `string` for a file.
    pub ty: TypeRef,
    /// The `Content-Type` of the part: a file's when the caller sets none (`encoding.<name>.contentType`,
    /// else `application/octet-stream`), `application/json` for JSON; none for text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// How a multipart part carries its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// A scalar (string, number, boolean, string enum) as its text.
    Text,
    /// Bytes with an optional file name and content type (`format: binary`, 3.1 `contentMediaType`).
    File,
    /// Any other value (an object, a map, an array of objects) as JSON.
    Json,
}

/// How a request body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    /// JSON of [`Body::ty`].
    Json,
    /// `application/x-www-form-urlencoded` of [`Body::ty`] (a flat struct).
    Form,
    /// Text sent as given (`text/plain`); [`Body::ty`] is `string`.
    Text,
    /// Bytes sent as given with the declared media type (`application/octet-stream`, `image/png`, any
    /// type the client has no encoding of its own for); [`Body::ty`] is `string`.
    Bytes,
    /// `multipart/form-data`: the parts of [`Body::form`], or free-form parts when it is `None`.
    Multipart,
}

/// One media type of a request or response body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Content {
    /// The media type (`application/vnd.atlas.2023-01-01+json`).
    pub media_type: String,
    /// The Atlas API version it selects, when it is a versioned Atlas media type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<ApiVersion>,
    /// What the body is.
    pub body: BodyKind,
    /// `x-sunset`: the date after which Atlas no longer serves this version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sunset: Option<String>,
}

/// The API version a versioned Atlas media type (`application/vnd.atlas.<version>+<format>`) asks for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiVersion {
    /// A dated version (`2023-01-01`).
    Dated(String),
    /// `preview`: the unstable version of a resource.
    Preview,
}

/// What a body holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// JSON of a known type.
    Typed(TypeRef),
    /// Nothing (`204`, or a media type without a schema).
    None,
    /// Bytes the client hands over undecoded (CSV, gzip, plain text).
    Bytes,
}

/// A response status: a code, a range (`4XX`) or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// One status code.
    Code(u16),
    /// Every status of a class not otherwise listed (`4` for `4XX`).
    Range(u16),
    /// Every status not otherwise listed.
    Default,
}

impl Status {
    /// Whether it is a 2xx code or the `2XX` range.
    pub fn is_success(self) -> bool {
        matches!(self, Self::Code(200..=299) | Self::Range(2))
    }

    /// How the spec spells it (`200`, `4XX`, `default`), also its key under `responses`.
    pub fn key(self) -> String {
        match self {
            Self::Code(c) => c.to_string(),
            Self::Range(r) => format!("{r}XX"),
            Self::Default => "default".to_owned(),
        }
    }
}

/// One documented response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// Where the response is defined (a shared `components/responses` entry, or its place in the
    /// operation).
    pub pointer: String,
    /// Its status.
    pub status: Status,
    /// Its description.
    pub description: String,
    /// The media type the client accepts and decodes, when it has a JSON body.
    pub media_type: Option<String>,
    /// Its body type, when it has a JSON body.
    pub ty: Option<TypeRef>,
    /// Every media type the spec offers for it, in spec order.
    pub content: Vec<Content>,
    /// The response headers it documents (such as `Retry-After`), in spec order.
    pub headers: Vec<String>,
}

/// How a list operation pages: recognised from its shape (Atlas' `pageNum`/`itemsPerPage` query
/// parameters and a `results`/`totalCount` page), never from the operation's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pagination {
    /// The query parameter that selects the page (1-based).
    pub page_param: String,
    /// The query parameter that sets the page size.
    pub size_param: String,
    /// The largest page size the spec allows, used as the streaming default.
    pub max_page_size: Option<u64>,
    /// The page type.
    pub page_type: SchemaRef,
    /// The field of the page that holds the items (wire name).
    pub results_field: String,
    /// The field of the page that holds the total count, if any (wire name).
    pub total_field: Option<String>,
    /// The item type.
    pub item_type: TypeRef,
}

/// A named type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schema {
    /// Its name in the spec (a `components/schemas` key, or the path it was synthesized from).
    pub name: String,
    /// Its Rust name.
    pub rust_name: String,
    /// Where it is defined: its `components/schemas` entry, or the inline schema it was made from.
    pub pointer: String,
    /// Its description.
    pub description: Option<String>,
    /// The named schemas an `allOf` merged into this one (their fields are already in it), so a
    /// discriminator parent can list this one as its subtype.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub all_of: Vec<SchemaRef>,
    /// Whether requests carry it (its fields are validated before sending).
    pub in_request: bool,
    /// Whether responses carry it.
    pub in_response: bool,
    /// Why no JSON value satisfies the spec's schema, when a validator would reject every value (the
    /// type is what the rest of the schema says); sample values avoid such types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsatisfiable: Option<String>,
    /// Derives the customisation adds to the type, in the order written (`Hash`, `Eq`,
    /// `schemars::JsonSchema`); only those the type does not already implement.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derives: Vec<String>,
    /// What it is.
    pub kind: SchemaKind,
}

/// The shapes a named type can have.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaKind {
    /// An object with named fields.
    Struct {
        /// Its fields, in spec order.
        fields: Vec<Field>,
    },
    /// A string enum, open to values added later.
    Enum {
        /// The known values, in spec order.
        values: Vec<EnumValue>,
    },
    /// A constrained string, validated on construction.
    Newtype {
        /// Its constraints.
        constraints: Constraints,
    },
    /// Another name for a type.
    Alias {
        /// The aliased type.
        ty: TypeRef,
    },
    /// A value that is one of several types (`oneOf`, `anyOf`, or a discriminator parent).
    Union {
        /// How a value names its variant: by a discriminator property, or not at all (untagged:
        /// the variants are tried in order).
        tag: UnionTag,
        /// The variants, in spec order.
        variants: Vec<UnionVariant>,
    },
}

/// How a union tells its variants apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnionTag {
    /// `discriminator.propertyName`: a string property whose value names the variant.
    Discriminator {
        /// The property's wire name.
        property: String,
    },
    /// `oneOf` without a discriminator: the value must match exactly one variant. The variants are
    /// tried most specific first (objects with more required properties, then other named types,
    /// integers, numbers and booleans, arrays, strings, maps, anything), ties in spec order.
    OneOf,
    /// `anyOf`: the value matches at least one variant; the first that decodes, in the order of
    /// [`UnionTag::OneOf`], wins.
    AnyOf,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// The discriminator values that select it (from `mapping`, or the schema's name), empty when the
    /// union is untagged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// One field of a struct.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The name on the wire.
    pub name: String,
    /// The Rust name.
    pub rust_name: String,
    /// Where the property is defined.
    pub pointer: String,
    /// Its type (without the `Option` that `required: false` or `nullable` adds; never
    /// [`TypeRef::Nullable`] at the top).
    pub ty: TypeRef,
    /// Whether it is in the schema's `required` list.
    pub required: bool,
    /// Whether `null` is a valid value: `nullable: true` on the property, or a `$ref` to a nullable
    /// named schema. A nullable field is `Option<T>` whether required or not, and an absent key
    /// decodes as `None`; `None` is sent as `null` only when the field is required (an optional one
    /// left `None` is left out, so an update never clears a value by accident).
    pub nullable: bool,
    /// `readOnly`: responses only.
    pub read_only: bool,
    /// `writeOnly`: requests only.
    pub write_only: bool,
    /// Its description.
    pub description: Option<String>,
    /// What the spec constrains about it.
    pub constraints: Constraints,
    /// What the spec constrains about each item of an array field, or each value of a map field, when
    /// those are inline scalars (an item that is a named type carries its own checks). Checked before
    /// sending, each item under its own pointer (`/body/teamIds/0`).
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub item_constraints: Constraints,
    /// A string's `format` (`date-time`, `email`, ...): documentation, not checked, but what a valid
    /// sample value must look like.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Whether the field's type reaches its own struct again by value (directly or through other
    /// structs' fields and aliases, not through a `Vec` or `BTreeMap`), so it must be boxed
    /// (`Option<Box<Node>>`) for the struct to have a finite size.
    pub boxed: bool,
}

/// How a struct field holds its value, in the Rust type and on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required and never `null`: a bare `T`, always sent, and an argument of the struct's `new`.
    Required,
    /// Nullable, or optional and not a collection: `Option<T>`, `None` until set. An optional field
    /// left `None` is not sent; a required nullable one sends `null`.
    Optional,
    /// Optional and nullable in a type requests carry: the runtime's `Nullable<T>`, `Absent` until
    /// set, so a request can leave the field out, send `null` (clearing it) or send a value.
    Nullable,
    /// An optional array or map that is not nullable: a bare `Vec`/`BTreeMap`, empty until set, and
    /// left out of the JSON when empty (empty means absent).
    EmptyWhenAbsent,
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    /// The value on the wire.
    pub name: String,
    /// Where the value is listed (`/components/schemas/Role/enum/2`).
    pub pointer: String,
    /// The Rust variant name.
    pub rust_name: String,
}
