//! The HTTP client: configuration, sending, authentication round trips, retries and responses.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;

use crate::runtime::auth::{bearer_header, Authenticator, Credentials, DEFAULT_TOKEN_REFRESH_MARGIN};
use crate::runtime::body::{read_capped, Capped};
use crate::runtime::error::{truncate_body, ApiFailure, AtlasError, AuthError, Error};
use crate::runtime::json_path;
use crate::runtime::retry::{retryability, RetryPolicy};
use crate::runtime::secret::SecretString;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest response body read into memory by default: far above any page of the Admin API, far
/// below what would hurt a process.
pub(crate) const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// One API call, as the generated operations describe it.
///
/// `Debug` shows the size of the body, never its bytes.
#[derive(Clone)]
pub(crate) struct RequestSpec {
    /// Operation ID from the API description.
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Percent-encoded path, starting with `/`.
    pub path: String,
    /// Query parameters the caller set, in the order of the API description (not yet
    /// percent-encoded). A name is the spec's, or made from an object's keys (`metadata[plan]`).
    pub query: Vec<(Cow<'static, str>, String)>,
    /// Header parameters the caller set (values already checked to be valid header values).
    pub headers: Vec<(&'static str, HeaderValue)>,
    /// The `Accept` media type.
    pub accept: &'static str,
    /// Whether a 2xx body is handed over unread, to be streamed (downloads), instead of buffered.
    pub stream: bool,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// Whether the request may be repeated safely.
    pub idempotent: bool,
}

/// A serialized request body.
///
/// `Debug` shows its size, never its bytes (a body can carry secrets).
#[derive(Clone)]
pub(crate) enum RequestBody {
    /// Bytes sent as they are (JSON, a urlencoded form, text, a file), cheap to send again on a retry.
    Bytes {
        /// The `Content-Type` media type.
        content_type: &'static str,
        /// The encoded body.
        bytes: Bytes,
    },
    /// A body reqwest puts together anew for each attempt: a multipart form, whose boundary reqwest
    /// picks and whose parts it streams, once per request.
    #[allow(dead_code)] // Only specs with multipart bodies build one.
    Built(Arc<dyn BuildBody>),
}

/// A request body reqwest builds for each attempt (see [`RequestBody::Built`]); a trait so that the
/// code needing reqwest's `multipart` feature ships only in crates whose spec sends multipart.
pub(crate) trait BuildBody: Send + Sync {
    /// `request` with this body and its `Content-Type`.
    fn attach(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder;
    /// How many bytes of content it holds, for `Debug`.
    fn size(&self) -> usize;
}

impl RequestBody {
    /// The bytes of a body that is sent as bytes (a Digest `auth-int` answer hashes them).
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Bytes { bytes, .. } => Some(bytes),
            Self::Built(_) => None,
        }
    }
}

/// A successful (2xx) response whose body has not been decoded yet.
///
/// `Debug` shows the size of the body, never its bytes (the response to a key creation holds the
/// private key in clear).
pub(crate) struct RawResponse {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// The unread response, when the request asked to stream its body (`body` is then empty).
    pub(crate) unread: Option<reqwest::Response>,
    /// The most bytes of `unread` that may be read into memory at once ([`ClientBuilder::max_response_body`]).
    pub(crate) max_body: usize,
}

/// What an operation leaves out of its [`RequestSpec`] when it has none of it: no header parameters,
/// no body, a buffered response, safe to repeat (an operation that is not says `idempotent: false`).
/// The operation always sets its `operation_id`, `method`, `path`, `query` and `accept`.
impl Default for RequestSpec {
    fn default() -> Self {
        Self {
            operation_id: "",
            method: Method::GET,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            accept: "",
            stream: false,
            body: None,
            idempotent: true,
        }
    }
}

/// Shows the size of a body instead of its bytes in `Debug` output.
struct BodySize(usize);

impl fmt::Debug for BodySize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

impl fmt::Debug for RequestSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSpec")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .field("accept", &self.accept)
            .field("stream", &self.stream)
            .field("body", &self.body)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes { content_type, bytes } => f
                .debug_struct("RequestBody")
                .field("content_type", content_type)
                .field("body", &BodySize(bytes.len()))
                .finish(),
            Self::Built(body) => f.debug_struct("RequestBody").field("built", &BodySize(body.size())).finish(),
        }
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &BodySize(self.body.len()))
            .field("streaming", &self.unread.is_some())
            .finish()
    }
}

impl RawResponse {
    /// Decodes the JSON body; a failure names the JSON path of the offending field.
    ///
    /// An empty body decodes only into types that accept a unit value (`()`, `Option<_>`).
    #[allow(dead_code)] // Unused by a spec whose operations have no JSON success body.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let RawResponse { operation, status, headers, body, .. } = self;
        let value = if body.iter().all(u8::is_ascii_whitespace) {
            let unit = serde::de::value::UnitDeserializer::<serde::de::value::Error>::new();
            T::deserialize(unit).map_err(|_| Error::Decode {
                operation,
                status,
                path: ".".to_owned(),
                message: "the response body is empty".to_owned(),
            })?
        } else {
            // Plain serde_json; the path of a failure is read off the body at the error's position
            // (`json_path`), not by decoding again through a path-tracking deserializer, which would
            // instantiate every response type's `Deserialize` a second time.
            match serde_json::from_slice::<T>(&body) {
                Ok(value) => value,
                Err(plain) => {
                    let path = json_path::of_error(&body, &plain);
                    let message = not_json_hint(plain.to_string(), &headers);
                    return Err(Error::Decode { operation, status, path, message });
                }
            }
        };
        Ok(Response { value, status, headers })
    }
}

/// `message`, followed by the response's `Content-Type` when that does not say JSON: an HTML page
/// from a proxy or a captive portal fails to decode, and the media type tells the caller why.
fn not_json_hint(message: String, headers: &HeaderMap) -> String {
    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    if content_type.is_empty() || content_type.to_ascii_lowercase().contains("json") {
        message
    } else {
        format!("{message} (the response's Content-Type is `{content_type}`, not JSON)")
    }
}

/// A decoded response with its HTTP status and headers.
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    status: u16,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// A response of `value`, with the status and headers it came with.
    #[allow(dead_code)] // Used by the runtime's download and empty-body responses.
    pub(crate) fn new(value: T, status: u16, headers: HeaderMap) -> Self {
        Response { value, status, headers }
    }

    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Consumes the response and returns the decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// Transforms the decoded body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { value: f(self.value), status: self.status, headers: self.headers }
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("rate_limit", &self.rate_limit())
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

/// The rate-limit state the API reported in `RateLimit-Limit` and `RateLimit-Remaining`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// Requests allowed in the current window, when reported.
    pub limit: Option<u64>,
    /// Requests left in the current window, when reported.
    pub remaining: Option<u64>,
}

impl RateLimit {
    /// Reads the rate-limit headers; missing or unparseable values are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        RateLimit {
            limit: header_number(headers, "ratelimit-limit"),
            remaining: header_number(headers, "ratelimit-remaining"),
        }
    }
}

/// The leading number of a header value such as `100` or `100, 100;w=60`.
fn header_number(headers: &HeaderMap, name: &str) -> Option<u64> {
    let value = headers.get(name)?.to_str().ok()?;
    value.split([',', ';']).next()?.trim().parse().ok()
}

/// An asynchronous client of the MongoDB Atlas Administration API.
///
/// Cheap to clone: clones share the connection pool and the authentication state (Digest
/// challenge, OAuth2 token). `Debug` output never shows secrets.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: Authenticator,
    retry: RetryPolicy,
    timeout: Duration,
    max_body: usize,
    user_agent: HeaderValue,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("max_response_body", &self.inner.max_body)
            .finish_non_exhaustive()
    }
}

/// Configures and builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    token_url: Option<String>,
    token_refresh_margin: Duration,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    max_body: usize,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: crate::defaults::BASE_URL.to_owned(),
            credentials: Credentials::None,
            token_url: None,
            token_refresh_margin: DEFAULT_TOKEN_REFRESH_MARGIN,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_body: DEFAULT_MAX_RESPONSE_BODY,
            user_agent_suffix: None,
            http: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: the first server URL of the API description as base URL, no
    /// credentials, 10 s connect timeout, 60 s timeout per attempt, [`RetryPolicy::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the API host, for example `https://cloud.mongodb.com` (a trailing slash is ignored).
    ///
    /// Unless [`oauth2_token_url`](Self::oauth2_token_url) is set too, OAuth2 tokens are then
    /// requested from this host as well, so client credentials never go to a host you did not choose.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Authenticates with a programmatic API key (HTTP Digest).
    pub fn digest(self, public_key: impl Into<String>, private_key: impl Into<SecretString>) -> Self {
        self.credentials(Credentials::digest(public_key, private_key))
    }

    /// Authenticates as a service account (OAuth2 client credentials).
    pub fn oauth2(self, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        self.credentials(Credentials::oauth2(client_id, client_secret))
    }

    /// Sets the OAuth2 token endpoint.
    ///
    /// By default it follows the base URL: the API description's token URL with the default base
    /// URL, or the same path below a custom [`base_url`](Self::base_url) (for the Atlas spec,
    /// `https://cloud.mongodb.com/api/oauth/token` becomes `<base URL>/api/oauth/token`). When the
    /// description's token URL is not below its server URL, or it declares none, a custom base URL
    /// with OAuth2 credentials needs this setting: [`build`](Self::build) refuses the mix instead of
    /// sending client credentials to a host you did not name. Applies whichever order the builder
    /// methods are called in, and wins over a token URL given in [`Credentials::OAuth2`].
    pub fn oauth2_token_url(mut self, token_url: impl Into<String>) -> Self {
        self.token_url = Some(token_url.into());
        self
    }

    /// Sets how long before its expiry an OAuth2 access token is refreshed (default 60 s).
    ///
    /// The margin used for a token is at most half its lifetime, so short-lived tokens are still
    /// reused; lifetimes over 24 hours are treated as 24 hours.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = margin;
        self
    }

    /// Authenticates with a fixed bearer token.
    pub fn bearer(self, token: impl Into<SecretString>) -> Self {
        self.credentials(Credentials::bearer(token))
    }

    /// Sets the connect timeout (default 10 s). Ignored with [`ClientBuilder::reqwest_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the timeout of each attempt, from sending the request to reading the whole response body
    /// (default 60 s). It applies per attempt (and to each request of the authentication round trips,
    /// OAuth2 token requests included), not to the whole call: the time spent retrying is bounded by
    /// [`RetryPolicy::max_elapsed`]. An attempt that runs out of time fails with [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the largest response body the client reads into memory (default 64 MiB).
    ///
    /// A body that declares a larger `Content-Length`, or grows past the limit while it is read, fails
    /// the call with [`Error::ResponseTooLarge`] as soon as that is known, so a broken or hostile
    /// server cannot make the process buffer without bound. Success and error bodies and buffered
    /// downloads count; a download read as a stream of chunks is bounded by its reader instead.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Sets the retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Appends text to the `User-Agent` header (`atlas-admin-client/<version> <suffix>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Uses a preconfigured `reqwest` client (proxies, TLS settings...).
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// A builder configured from environment variables; see [`Client::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_vars(|name| std::env::var(name).ok())
    }

    /// A builder configured from variables looked up with `lookup`; see [`Client::from_env`].
    pub fn from_env_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let mut builder = ClientBuilder::new();
        if let Some(base_url) = get("ATLAS_BASE_URL") {
            builder = builder.base_url(base_url);
        }
        let digest =
            complete_pair(get("ATLAS_PUBLIC_KEY"), get("ATLAS_PRIVATE_KEY"), "ATLAS_PUBLIC_KEY", "ATLAS_PRIVATE_KEY")?;
        let oauth2 = complete_pair(
            get("ATLAS_CLIENT_ID"),
            get("ATLAS_CLIENT_SECRET"),
            "ATLAS_CLIENT_ID",
            "ATLAS_CLIENT_SECRET",
        )?;
        if let Some((public_key, private_key)) = digest {
            return Ok(builder.digest(public_key, private_key));
        }
        if let Some((client_id, client_secret)) = oauth2 {
            builder = builder.oauth2(client_id, client_secret);
            if let Some(token_url) = get("ATLAS_TOKEN_URL") {
                builder = builder.oauth2_token_url(token_url);
            }
            return Ok(builder);
        }
        Err(Error::Config(
            "no Atlas credentials in the environment: set ATLAS_PUBLIC_KEY and ATLAS_PRIVATE_KEY \
             (API key, HTTP Digest) or ATLAS_CLIENT_ID and ATLAS_CLIENT_SECRET (service account, OAuth2)"
                .to_owned(),
        ))
    }

    /// Builds the client; fails with [`Error::Config`] on an invalid base URL, token URL or user agent.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = parse_base_url(&self.base_url)?;
        let credentials = self.credentials;
        let token_url = match &credentials {
            Credentials::OAuth2 { token_url, .. } => {
                let explicit = self.token_url.as_deref().or(token_url.as_deref());
                let resolved = resolve_token_url(explicit, &base_url)?;
                let parsed = Url::parse(resolved.trim())
                    .map_err(|error| Error::Config(format!("invalid OAuth2 token URL `{resolved}`: {error}")))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(Error::Config(format!("the OAuth2 token URL `{resolved}` must be http or https")));
                }
                parsed.to_string()
            }
            _ => String::new(),
        };
        match &credentials {
            Credentials::Digest { public_key, .. } if public_key.is_empty() => {
                return Err(Error::Config("the API public key is empty".to_owned()));
            }
            Credentials::OAuth2 { client_id, .. } if client_id.is_empty() => {
                return Err(Error::Config("the OAuth2 client ID is empty".to_owned()));
            }
            _ => {}
        }
        let mut user_agent = format!("atlas-admin-client/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent_suffix.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::Config("the user agent suffix is not a valid HTTP header value".to_owned()))?;
        let http = match self.http {
            Some(http) => http,
            // Redirects are not followed: the Admin API does not redirect, and following one would
            // re-send a POST as a GET or carry credentials to another URL. A 3xx is an `Error::Api`.
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| Error::Config(format!("cannot build the HTTP client: {error}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth: Authenticator::new(credentials, token_url, self.token_refresh_margin),
                retry: self.retry,
                timeout: self.timeout,
                max_body: self.max_body,
                user_agent,
            }),
        })
    }
}

/// Both values of a pair of environment variables, `None` when neither is set, or an
/// [`Error::Config`] naming the variable that is missing when only one is.
fn complete_pair(
    first: Option<String>,
    second: Option<String>,
    first_name: &str,
    second_name: &str,
) -> Result<Option<(String, String)>, Error> {
    match (first, second) {
        (Some(first), Some(second)) => Ok(Some((first, second))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(half_pair(first_name, second_name)),
        (None, Some(_)) => Err(half_pair(second_name, first_name)),
    }
}

fn half_pair(set: &str, missing: &str) -> Error {
    Error::Config(format!("{set} is set but {missing} is not (or is blank): set both, or neither"))
}

/// The OAuth2 token endpoint for a client of `base_url`; see [`token_url_for`].
fn resolve_token_url(explicit: Option<&str>, base_url: &str) -> Result<String, Error> {
    token_url_for(explicit, base_url, crate::defaults::BASE_URL, crate::defaults::TOKEN_URL)
}

/// The OAuth2 token endpoint: `explicit` if given; else the spec's token URL, moved below `base_url`
/// when that is not the spec's server URL. Refuses what it cannot move rather than sending client
/// credentials to a host the caller did not choose.
fn token_url_for(
    explicit: Option<&str>,
    base_url: &str,
    spec_base: &str,
    spec_token_url: Option<&str>,
) -> Result<String, Error> {
    if let Some(explicit) = explicit {
        return Ok(explicit.to_owned());
    }
    let Some(spec_token_url) = spec_token_url else {
        return Err(Error::Config(
            "the API description declares no OAuth2 token URL: set ClientBuilder::oauth2_token_url".to_owned(),
        ));
    };
    // A relative token URL (`/api/oauth/token`) is below whatever base URL the client uses.
    if spec_token_url.starts_with('/') {
        return Ok(format!("{base_url}{spec_token_url}"));
    }
    let spec_base = parse_base_url(spec_base).unwrap_or_default();
    if base_url == spec_base {
        return Ok(spec_token_url.to_owned());
    }
    let path = spec_token_url.strip_prefix(spec_base.as_str()).filter(|path| path.starts_with('/'));
    match path {
        Some(path) if !spec_base.is_empty() => Ok(format!("{base_url}{path}")),
        _ => Err(Error::Config(format!(
            "the API description's OAuth2 token URL `{spec_token_url}` is not below its server URL \
             `{spec_base}`, so it cannot follow the custom base URL `{base_url}`: set \
             ClientBuilder::oauth2_token_url as well"
        ))),
    }
}

fn parse_base_url(raw: &str) -> Result<String, Error> {
    if raw.trim().is_empty() {
        return Err(Error::Config(
            "no base URL: the API description lists no server, so set ClientBuilder::base_url".to_owned(),
        ));
    }
    let trimmed = raw.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|error| Error::Config(format!("invalid base URL `{raw}`: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!("the base URL `{raw}` must be http or https")));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!("the base URL `{raw}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("the base URL `{raw}` must not have a query or fragment")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config("the base URL must not contain credentials".to_owned()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl Client {
    /// A builder with the defaults; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from environment variables.
    ///
    /// `ATLAS_PUBLIC_KEY` and `ATLAS_PRIVATE_KEY` select an API key (HTTP Digest); otherwise
    /// `ATLAS_CLIENT_ID` and `ATLAS_CLIENT_SECRET` select a service account (OAuth2, with the token
    /// endpoint from `ATLAS_TOKEN_URL` if set). `ATLAS_BASE_URL` overrides the API host. Blank values
    /// count as unset. Fails with [`Error::Config`] when neither pair is set, or when only one variable
    /// of a pair is (the error names the missing one), even if the other pair is complete.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// Like [`Client::from_env`], with variables looked up through `lookup` instead of the process
    /// environment.
    pub fn from_env_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        ClientBuilder::from_env_vars(lookup)?.build()
    }

    /// The API host requests go to (without trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends one call: authentication round trips, retries and tracing included.
    ///
    /// Returns the response for a 2xx status and [`Error::Api`] for any other.
    pub(crate) async fn execute(&self, spec: RequestSpec) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "atlas.request",
            operation = spec.operation_id,
            method = %spec.method,
            path = %spec.path,
            auth = self.inner.auth.kind(),
        );
        self.execute_with_retries(spec).instrument(span).await
    }

    async fn execute_with_retries(&self, spec: RequestSpec) -> Result<RawResponse, Error> {
        let url = self.url_for(&spec)?;
        let policy = &self.inner.retry;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            tracing::debug!(attempt, "sending request");
            let outcome = match self.send_authenticated(&spec, &url).await {
                Ok(response) => read_response(spec.operation_id, response, spec.stream, self.inner.max_body).await,
                Err(error) => Err(error),
            };
            let error = match outcome {
                Ok(raw) => {
                    tracing::debug!(attempt, status = raw.status, "request succeeded");
                    return Ok(raw);
                }
                Err(error) => error,
            };
            let retryable = retryability(&error);
            let delay = if policy.allows(retryable, spec.idempotent) {
                policy.next_delay(attempt, error.retry_after(), started.elapsed(), fastrand::f64())
            } else {
                None
            };
            let status = error.status();
            let Some(delay) = delay else {
                tracing::debug!(attempt, status, retryable = ?retryable, "request failed");
                return Err(error);
            };
            tracing::info!(
                attempt,
                status,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying the request"
            );
            tokio::time::sleep(delay).await;
        }
    }

    fn url_for(&self, spec: &RequestSpec) -> Result<Url, Error> {
        let mut url = Url::parse(&format!("{}{}", self.inner.base_url, spec.path))
            .map_err(|error| Error::Config(format!("{}: invalid request URL: {error}", spec.operation_id)))?;
        if !spec.query.is_empty() {
            url.query_pairs_mut().extend_pairs(spec.query.iter().map(|(name, value)| (name.as_ref(), value.as_str())));
        }
        Ok(url)
    }

    fn request(&self, spec: &RequestSpec, url: &Url, authorization: Option<HeaderValue>) -> reqwest::RequestBuilder {
        let mut request = self
            .inner
            .http
            .request(spec.method.clone(), url.clone())
            .header(ACCEPT, spec.accept)
            .header(USER_AGENT, self.inner.user_agent.clone())
            .timeout(self.inner.timeout);
        for (name, value) in &spec.headers {
            request = request.header(*name, value.clone());
        }
        match &spec.body {
            Some(RequestBody::Bytes { content_type, bytes }) => {
                request = request.header(CONTENT_TYPE, *content_type).body(bytes.clone());
            }
            Some(RequestBody::Built(body)) => request = body.attach(request),
            None => {}
        }
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization);
        }
        request
    }

    async fn send(
        &self,
        spec: &RequestSpec,
        url: &Url,
        authorization: Option<HeaderValue>,
    ) -> Result<reqwest::Response, Error> {
        self.request(spec, url, authorization)
            .send()
            .await
            .map_err(|error| Error::from_reqwest(spec.operation_id, error))
    }

    /// One attempt, with the extra round trips authentication needs (Digest challenge, token refresh).
    async fn send_authenticated(&self, spec: &RequestSpec, url: &Url) -> Result<reqwest::Response, Error> {
        let operation = spec.operation_id;
        match &self.inner.auth {
            Authenticator::None => self.send(spec, url, None).await,
            Authenticator::Bearer(token) => self.send(spec, url, Some(bearer_header(token)?)).await,
            Authenticator::Digest(digest) => {
                let uri = match url.query() {
                    Some(query) => format!("{}?{query}", url.path()),
                    None => url.path().to_owned(),
                };
                let body = spec.body.as_ref().and_then(RequestBody::bytes);
                // One challenge for this call alone (see `DigestState`); it goes back to the idle
                // ones when `lease` is dropped, whatever the outcome.
                let mut lease = digest.lease();
                // Whether the held challenge was received during this call, and whether this call
                // already answered a second challenge after an authenticated 401.
                let mut fresh_challenge = false;
                let mut rechallenged = false;
                loop {
                    let authorization = lease.authorization(operation, &spec.method, &uri, body)?;
                    let authenticated = authorization.is_some();
                    let response = self.send(spec, url, authorization).await?;
                    if response.status() != StatusCode::UNAUTHORIZED {
                        return Ok(response);
                    }
                    let stale = match lease.store_challenge(operation, response.headers())? {
                        Some(stale) => stale,
                        None if authenticated => return Err(self.rejected(operation, response).await),
                        None => return Err(AuthError::MissingChallenge { operation }.into()),
                    };
                    if authenticated {
                        // A non-stale 401 to an answer to a fresh challenge means wrong credentials.
                        if rechallenged || (fresh_challenge && !stale) {
                            tracing::warn!("the Atlas API rejected the Digest credentials");
                            return Err(self.rejected(operation, response).await);
                        }
                        rechallenged = true;
                    }
                    tracing::debug!(authenticated, stale, "answering a Digest challenge");
                    fresh_challenge = true;
                }
            }
            Authenticator::OAuth2(oauth) => {
                let token = oauth.token(&self.inner.http, self.inner.timeout).await?;
                let response = self.send(spec, url, Some(bearer_header(&token)?)).await?;
                if response.status() != StatusCode::UNAUTHORIZED {
                    return Ok(response);
                }
                tracing::debug!("the access token was rejected; fetching a new one");
                oauth.invalidate(&token).await;
                let token = oauth.token(&self.inner.http, self.inner.timeout).await?;
                self.send(spec, url, Some(bearer_header(&token)?)).await
            }
        }
    }
}

impl Client {
    /// The error for credentials the API refused; an unreadable or oversized body is left out.
    async fn rejected(&self, operation: &'static str, response: reqwest::Response) -> Error {
        let status = response.status().as_u16();
        let bytes = read_body(operation, response, self.inner.max_body).await.unwrap_or_default();
        AuthError::Rejected {
            operation,
            status,
            body: truncate_body(&bytes),
            error: AtlasError::from_body(&bytes).map(Box::new),
        }
        .into()
    }
}

/// Reads a whole body into memory, refusing one of more than `limit` bytes before buffering it; see
/// [`read_capped`].
pub(crate) async fn read_body(
    operation: &'static str,
    response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let status = response.status().as_u16();
    read_capped(response, limit).await.map_err(|failure| match failure {
        Capped::TooLarge => Error::ResponseTooLarge { operation, status, limit },
        Capped::Transport(error) => Error::from_reqwest(operation, error),
    })
}

async fn read_response(
    operation: &'static str,
    response: reqwest::Response,
    stream: bool,
    max_body: usize,
) -> Result<RawResponse, Error> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if stream && (200..300).contains(&status) {
        tracing::debug!(status, "received response; streaming its body");
        return Ok(RawResponse { operation, status, headers, body: Vec::new(), unread: Some(response), max_body });
    }
    let body = read_body(operation, response, max_body).await?;
    tracing::debug!(status, "received response");
    if (200..300).contains(&status) {
        Ok(RawResponse { operation, status, headers, body, unread: None, max_body })
    } else {
        Err(ApiFailure::new(operation, status, &headers, &body).into())
    }
}

#[cfg(test)]
#[path = "tests/client.rs"]
mod tests;
