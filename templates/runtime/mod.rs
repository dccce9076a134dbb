//! Hand-written runtime of the client: HTTP, authentication, retries, errors and pagination.
//!
//! Everything here is copied verbatim into the generated crate; the generated operations build a
//! `RequestSpec`, pass it to `Client::execute` and decode the `RawResponse` it returns.

mod auth;
mod body;
mod client;
mod download;
mod error;
pub(crate) mod json_path;
// The typed mocks' shared part; the generated `crate::mock` adds one method per operation.
#[cfg(feature = "mock")]
pub(crate) mod mock;
pub(crate) mod paginate;
pub(crate) mod params;
mod retry;
mod secret;
mod send;
// Which checks and wire helpers the generated code calls depends on the spec (its constraints, path
// parameters and bodies), so a spec may leave some of them unused.
#[allow(dead_code)]
pub(crate) mod validate;
#[allow(dead_code)]
pub(crate) mod wire;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, RateLimit, Response};
pub use download::{ByteStream, Download};
pub use error::{ApiFailure, AtlasError, AtlasFieldViolation, AuthError, Error};
#[cfg(feature = "mock")]
pub use mock::{MockServer, MockedCalls, OperationMock};
pub use paginate::{PageStream, PaginationError};
pub use retry::RetryPolicy;
pub use secret::SecretString;
pub use validate::{Constraint, ValidationError};

#[allow(unused_imports)] // Which of these the generated operations name depends on the spec.
pub(crate) use client::{BuildBody, RequestBody, RequestSpec};
#[allow(unused_imports)] // Only specs with paginated operations implement `Page`.
pub(crate) use paginate::Page;
#[allow(unused_imports)] // Only specs with look-around patterns implement `Matcher` (for fancy-regex).
pub(crate) use validate::Matcher;
