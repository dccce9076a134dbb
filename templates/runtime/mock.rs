//! What every typed mock shares (the `mock` feature): the server, the expectation builder and the
//! wiremock matcher and responders behind them. The generated `mock/<tag>.rs` modules add one
//! [`MockServer`] method per operation and the typed methods of its [`OperationMock`].
//!
//! A mock is built from the client's own request builder: the operation's typed arguments and setters
//! make the same [`RequestSpec`] the client sends, and the matcher compares the incoming request with
//! it (method, path, the query and header parameters set, `Accept`, `Content-Type`, the body as JSON),
//! so a mock and the client can never disagree about the wire.

use std::time::Duration;

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use wiremock::{Mock, Request, ResponseTemplate, Times};

use crate::runtime::{AtlasError, AtlasFieldViolation, Client, Error, RequestBody, RequestSpec, RetryPolicy};

/// Reads a received request body back into the operation's body type.
type DecodeBody<B> = fn(&[u8]) -> Result<B, serde_json::Error>;

/// A local HTTP server (wiremock) that answers the client as typed mocks say, with a [`Client`]
/// pointed at it.
///
/// It has one method per operation, named as on [`Client`] and taking the same arguments, which
/// returns an [`OperationMock`]: say what to answer, how often the call is expected, then
/// [`mount`](OperationMock::mount) it. A request no mounted mock matches gets a `404` with an empty
/// body. Expectations are verified when the server is dropped (wiremock panics then, failing the test)
/// or at [`verify`](Self::verify).
#[derive(Debug)]
pub struct MockServer {
    server: wiremock::MockServer,
    client: Client,
}

impl MockServer {
    /// Starts a server on a free local port, and a [`Client`] for it: no credentials, and retries
    /// after 1 ms instead of the default backoff (a `Retry-After` the server sends is still waited
    /// for), so tests stay fast.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the client cannot be built (its HTTP stack failed to initialise).
    pub async fn start() -> Result<Self, Error> {
        let server = wiremock::MockServer::start().await;
        let retry = RetryPolicy::default().initial_backoff(Duration::from_millis(1));
        let client = Client::builder().base_url(server.uri()).retry_policy(retry).build()?;
        Ok(Self { server, client })
    }

    /// The client pointed at this server. Build another with
    /// `Client::builder().base_url(server.uri())` to test other settings (bearer credentials, a
    /// retry policy).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The server's base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The wiremock server underneath, for what the typed mocks do not cover (its recorded requests,
    /// hand-written mocks).
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// Checks the expectations of every mock mounted with [`OperationMock::mount`] now rather than
    /// when the server is dropped.
    ///
    /// # Panics
    ///
    /// When a mock was called a number of times its [`expect`](OperationMock::expect) rules out
    /// (wiremock's panic, which lists the requests the server received).
    pub async fn verify(&self) {
        self.server.verify().await;
    }
}

/// One expected call of an operation and the answer to it, made by the [`MockServer`] method named
/// after the operation; nothing happens until it is [mounted](Self::mount).
///
/// It matches the calls the client makes with the same arguments: the method, the path, the query and
/// header parameters that are set (on the mock, with the same setters as the request builder; a
/// parameter left unset matches any value), the `Accept` media type and, for a body, its
/// `Content-Type` and its JSON (compared as JSON values, so key order and spacing do not matter).
/// Until told otherwise it answers the operation's first success status with an empty body.
///
/// `R` is the operation's request builder, `B` the type of its request body (`()` without one).
#[must_use = "a mock does nothing until it is mounted"]
pub struct OperationMock<'a, R, B> {
    server: &'a MockServer,
    operation: &'static str,
    request: R,
    into_request: fn(R) -> Result<RequestSpec, Error>,
    decode_body: DecodeBody<B>,
    answer: Result<Answer, Error>,
    expect: Option<Times>,
    up_to: Option<u64>,
}

impl<R, B> std::fmt::Debug for OperationMock<'_, R, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationMock")
            .field("operation", &self.operation)
            .field("expect", &self.expect)
            .field("up_to", &self.up_to)
            .finish_non_exhaustive()
    }
}

/// What a mock answers.
enum Answer {
    /// The same response to every call.
    Fixed(ResponseTemplate),
    /// The page of a list the call asks for.
    Pages(Pages),
}

impl<'a, R, B> OperationMock<'a, R, B> {
    /// A mock of `operation` matching what `request` sends, answering `status` with no body until told
    /// otherwise; `decode_body` reads a received body back into its type.
    pub(crate) fn new(
        server: &'a MockServer,
        operation: &'static str,
        request: R,
        into_request: fn(R) -> Result<RequestSpec, Error>,
        decode_body: DecodeBody<B>,
        status: u16,
    ) -> Self {
        Self {
            server,
            operation,
            request,
            into_request,
            decode_body,
            answer: Ok(Answer::Fixed(ResponseTemplate::new(status))),
            expect: None,
            up_to: None,
        }
    }

    /// The same mock matching the request `set` makes of it (an optional parameter or body set).
    #[allow(dead_code)] // Unused by a spec whose operations have no optional parameter or body.
    pub(crate) fn map_request(mut self, set: impl FnOnce(R) -> R) -> Self {
        self.request = set(self.request);
        self
    }

    /// Answers `status` with `value` as a JSON body of media type `content_type`.
    #[allow(dead_code)] // Unused by a spec whose operations have no JSON success body.
    pub(crate) fn json<T: Serialize + ?Sized>(mut self, status: u16, content_type: &str, value: &T) -> Self {
        let operation = self.operation;
        self.answer = serde_json::to_vec(value)
            .map(|body| Answer::Fixed(ResponseTemplate::new(status).set_body_raw(body, content_type)))
            .map_err(|e| Error::Encode { operation, message: e.to_string() });
        self
    }

    /// Answers `status` with `body` as it is, of media type `content_type`.
    #[allow(dead_code)] // Unused by a spec whose operations have no download.
    pub(crate) fn bytes(mut self, status: u16, content_type: &str, body: bytes::Bytes) -> Self {
        self.answer = Ok(Answer::Fixed(ResponseTemplate::new(status).set_body_raw(body.to_vec(), content_type)));
        self
    }

    /// Answers `status` with no body.
    #[allow(dead_code)] // Unused by a spec whose operations all have a body.
    pub(crate) fn empty(mut self, status: u16) -> Self {
        self.answer = Ok(Answer::Fixed(ResponseTemplate::new(status)));
        self
    }

    /// Answers each call with the page of `items` it asks for, as `paging` says.
    #[allow(dead_code)] // Unused by a spec without paginated operations.
    pub(crate) fn pages<T: Serialize>(mut self, paging: Paging, items: &[T]) -> Self {
        let operation = self.operation;
        self.answer = items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<Value>, _>>()
            .map(|items| Answer::Pages(Pages { paging, items }))
            .map_err(|e| Error::Encode { operation, message: e.to_string() });
        self
    }

    /// Answers `status` with an Atlas error document: `error` (its `error` field defaults to
    /// `status`), as `application/json`. The client returns it as [`Error::Api`], with
    /// `err.status()` and `err.api_error()`.
    pub fn respond_with_error(mut self, status: u16, error: &AtlasError) -> Self {
        let body = Value::Object(error_document(status, error)).to_string();
        self.answer = Ok(Answer::Fixed(ResponseTemplate::new(status).set_body_raw(body, "application/json")));
        self
    }

    /// Answers `429 Too Many Requests` with `Retry-After` (whole seconds, rounded up) and Atlas'
    /// `RATE_LIMITED` error document. The client retries after that wait when its
    /// [`RetryPolicy`] allows it (combine with [`up_to_n_times`](Self::up_to_n_times) and a second mock
    /// for the answer after the wait), else returns the error with `err.retry_after()`.
    pub fn rate_limited(mut self, retry_after: Duration) -> Self {
        let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
        let error = AtlasError::new("RATE_LIMITED")
            .with_detail("Too many requests: the mock server's rate limit.")
            .with_reason("Too Many Requests");
        let body = Value::Object(error_document(429, &error)).to_string();
        let response = ResponseTemplate::new(429)
            .insert_header("Retry-After", seconds.to_string().as_str())
            .set_body_raw(body, "application/json");
        self.answer = Ok(Answer::Fixed(response));
        self
    }

    /// Expects this many matching calls (`1`, `2..`, `..=3`); checked when the server is dropped,
    /// at [`MockServer::verify`], or when the guard of [`mount_as_scoped`](Self::mount_as_scoped) is
    /// dropped. Without it, any number of calls is fine.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.expect = Some(times.into());
        self
    }

    /// Answers at most `n` calls; later ones fall through to the mocks mounted after this one (a
    /// `429` first, then the answer, say).
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        self.up_to = Some(n);
        self
    }

    /// Mounts the mock on its server, for as long as the server runs.
    ///
    /// # Errors
    ///
    /// The error the client itself would return for this request, which it therefore never sends
    /// ([`Error::Validation`] for a value that breaks a constraint of the spec), or [`Error::Encode`]
    /// when the answer cannot be serialized.
    pub async fn mount(self) -> Result<(), Error> {
        let (server, mock, _) = self.into_mock()?;
        server.server.register(mock).await;
        Ok(())
    }

    /// Mounts the mock until the returned [`MockedCalls`] is dropped, which then checks its
    /// [`expect`](Self::expect)ation (wiremock panics if it does not hold). The guard also tells which
    /// calls the mock matched, with their bodies decoded into their type.
    ///
    /// # Errors
    ///
    /// As for [`mount`](Self::mount).
    pub async fn mount_as_scoped(self) -> Result<MockedCalls<B>, Error> {
        let (server, mock, decode_body) = self.into_mock()?;
        let guard = server.server.register_as_scoped(mock).await;
        Ok(MockedCalls { guard, decode_body })
    }

    /// The wiremock mock: the matcher made from the request, the answer and the expectations.
    fn into_mock(self) -> Result<(&'a MockServer, Mock, DecodeBody<B>), Error> {
        let Self { server, operation, request, into_request, decode_body, answer, expect, up_to } = self;
        let matcher = Expected::new(&server.uri(), into_request(request)?)?;
        let mock = Mock::given(matcher);
        // Named after the operation, so a failed expectation says which one.
        let mut mock = match answer? {
            Answer::Fixed(response) => mock.respond_with(response),
            Answer::Pages(pages) => mock.respond_with(pages),
        }
        .named(operation);
        if let Some(times) = expect {
            mock = mock.expect(times);
        }
        if let Some(n) = up_to {
            mock = mock.up_to_n_times(n);
        }
        Ok((server, mock, decode_body))
    }
}

/// The calls a mock mounted with [`OperationMock::mount_as_scoped`] matched; the mock is unmounted,
/// and its expectation checked, when this is dropped.
#[must_use = "the mock is unmounted as soon as this guard is dropped"]
pub struct MockedCalls<B> {
    guard: wiremock::MockGuard,
    decode_body: DecodeBody<B>,
}

impl<B> std::fmt::Debug for MockedCalls<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockedCalls").finish_non_exhaustive()
    }
}

impl<B> MockedCalls<B> {
    /// How many calls the mock matched so far.
    pub async fn calls(&self) -> usize {
        self.guard.received_requests().await.len()
    }

    /// The request bodies of the calls the mock matched so far, in order, decoded into the
    /// operation's body type (JSON bodies; the bytes of any other body); calls without a body are
    /// left out.
    ///
    /// # Errors
    ///
    /// When a JSON body does not decode into its type (the mock matched any body, as it does for an
    /// optional body left unset).
    pub async fn received_bodies(&self) -> Result<Vec<B>, serde_json::Error> {
        let requests = self.guard.received_requests().await;
        requests.iter().filter(|r| !r.body.is_empty()).map(|r| (self.decode_body)(&r.body)).collect()
    }
}

/// Reads a JSON request body into its type (the `decode_body` of an operation with a JSON body).
#[allow(dead_code)] // Unused by a spec without JSON request bodies.
pub(crate) fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Keeps a non-JSON request body as its bytes (form, text, bytes and multipart bodies).
#[allow(dead_code)] // Unused by a spec whose request bodies are all JSON.
pub(crate) fn raw_body(body: &[u8]) -> Result<bytes::Bytes, serde_json::Error> {
    Ok(bytes::Bytes::copy_from_slice(body))
}

/// The `decode_body` of an operation without a request body.
#[allow(dead_code)] // Unused by a spec whose operations all take a body.
pub(crate) fn no_body(_: &[u8]) -> Result<(), serde_json::Error> {
    Ok(())
}

impl AtlasError {
    /// An error document with this `errorCode` (`RESOURCE_NOT_FOUND`) and nothing else, for mocks
    /// (the `mock` feature).
    pub fn new(error_code: impl Into<String>) -> Self {
        Self { error_code: Some(error_code.into()), ..Self::default() }
    }

    /// Sets `detail` and returns the value.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Sets `reason` and returns the value.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets `parameters` and returns the value.
    pub fn with_parameters(mut self, parameters: Vec<Value>) -> Self {
        self.parameters = parameters;
        self
    }

    /// Adds an entry to `badRequestDetail.fields` and returns the value.
    pub fn with_field_violation(mut self, field: impl Into<String>, description: impl Into<String>) -> Self {
        self.field_violations
            .push(AtlasFieldViolation { field: Some(field.into()), description: Some(description.into()) });
        self
    }
}

/// `error` as the JSON document Atlas sends, its `error` field defaulting to `status`.
fn error_document(status: u16, error: &AtlasError) -> Map<String, Value> {
    let mut document = Map::new();
    document.insert("error".to_owned(), Value::from(error.error.unwrap_or(status)));
    let texts = [("errorCode", &error.error_code), ("detail", &error.detail), ("reason", &error.reason)];
    for (key, value) in texts {
        if let Some(value) = value {
            document.insert(key.to_owned(), Value::from(value.as_str()));
        }
    }
    document.insert("parameters".to_owned(), Value::Array(error.parameters.clone()));
    if !error.field_violations.is_empty() {
        let fields = error.field_violations.iter().map(|violation| {
            let mut field = Map::new();
            for (key, value) in [("field", &violation.field), ("description", &violation.description)] {
                if let Some(value) = value {
                    field.insert(key.to_owned(), Value::from(value.as_str()));
                }
            }
            Value::Object(field)
        });
        let mut detail = Map::new();
        detail.insert("fields".to_owned(), Value::Array(fields.collect()));
        document.insert("badRequestDetail".to_owned(), Value::Object(detail));
    }
    document
}

/// The request a mock matches: what the client sends for the mock's arguments.
struct Expected {
    method: String,
    /// The path as the client's URL spells it (percent-encoded the same way).
    path: String,
    /// The query parameters that are set; the request may carry others.
    query: Vec<(String, String)>,
    /// The header parameters that are set.
    headers: Vec<(&'static str, Vec<u8>)>,
    accept: &'static str,
    body: Option<ExpectedBody>,
}

/// The body a mock matches.
enum ExpectedBody {
    /// Its media type, and the bytes (compared as JSON when both sides are JSON).
    Bytes { content_type: &'static str, json: Option<Value>, bytes: Vec<u8> },
    /// A multipart form: its parts are not compared (the boundary differs on every request).
    Built,
}

impl Expected {
    /// What a request made from `spec` to the server at `base` looks like.
    fn new(base: &str, spec: RequestSpec) -> Result<Self, Error> {
        // The client's own URL building (`Client::url_for`), so both sides are normalised alike.
        let url = Url::parse(&format!("{base}{}", spec.path))
            .map_err(|e| Error::Config(format!("{}: invalid request URL: {e}", spec.operation_id)))?;
        let body = spec.body.map(|body| match body {
            RequestBody::Bytes { content_type, bytes } => {
                let json = serde_json::from_slice(&bytes).ok();
                ExpectedBody::Bytes { content_type, json, bytes: bytes.to_vec() }
            }
            RequestBody::Built(_) => ExpectedBody::Built,
        });
        Ok(Self {
            method: spec.method.as_str().to_owned(),
            path: url.path().to_owned(),
            query: spec.query.into_iter().map(|(name, value)| (name.into_owned(), value)).collect(),
            headers: spec.headers.into_iter().map(|(name, value)| (name, value.as_bytes().to_vec())).collect(),
            accept: spec.accept,
            body,
        })
    }

    fn query_matches(&self, request: &Request) -> bool {
        let mut received: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        self.query.iter().all(|pair| match received.iter().position(|r| r == pair) {
            Some(at) => {
                received.swap_remove(at);
                true
            }
            None => false,
        })
    }

    fn body_matches(&self, request: &Request) -> bool {
        let content_type = request.headers.get("content-type").map(|v| v.as_bytes()).unwrap_or_default();
        match &self.body {
            None => true,
            Some(ExpectedBody::Built) => content_type.starts_with(b"multipart/form-data"),
            Some(ExpectedBody::Bytes { content_type: expected, json, bytes }) => {
                content_type == expected.as_bytes()
                    && match json {
                        Some(json) => serde_json::from_slice::<Value>(&request.body).is_ok_and(|v| v == *json),
                        None => request.body == *bytes,
                    }
            }
        }
    }
}

impl wiremock::Match for Expected {
    fn matches(&self, request: &Request) -> bool {
        let accept = request.headers.get("accept").map(|v| v.as_bytes());
        request.method.as_str() == self.method
            && request.url.path() == self.path
            && accept == Some(self.accept.as_bytes())
            && self.headers.iter().all(|(name, value)| {
                request.headers.get_all(*name).iter().any(|received| received.as_bytes() == value.as_slice())
            })
            && self.query_matches(request)
            && self.body_matches(request)
    }
}

/// How a list operation pages, for [`OperationMock`]s that serve a list: the generated mocks fill it in
/// from the API description.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    /// The query parameter that selects the page (1-based).
    pub page_param: &'static str,
    /// The query parameter that sets the page size.
    pub size_param: &'static str,
    /// The page size when the request sets none (the parameter's default).
    pub default_size: u64,
    /// The field of the page that holds its items.
    pub results_field: &'static str,
    /// The field of the page that holds the length of the whole list, if any.
    pub total_field: Option<&'static str>,
    /// The success status.
    pub status: u16,
    /// The media type of the page.
    pub content_type: &'static str,
}

/// Serves a list one page per call: the page and page size each call asks for.
struct Pages {
    paging: Paging,
    items: Vec<Value>,
}

impl wiremock::Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Paging { page_param, size_param, default_size, results_field, total_field, status, content_type } =
            self.paging;
        let number = |name: &str| {
            request.url.query_pairs().find(|(key, _)| key == name).and_then(|(_, value)| value.parse::<u64>().ok())
        };
        let page = number(page_param).unwrap_or(1).max(1);
        let size = number(size_param).unwrap_or(default_size);
        let at = |n: u64| usize::try_from(n).unwrap_or(usize::MAX).min(self.items.len());
        let skipped = (page - 1).saturating_mul(size);
        let on_page = self.items.get(at(skipped)..at(skipped.saturating_add(size))).unwrap_or_default();
        let mut document = Map::new();
        document.insert(results_field.to_owned(), Value::Array(on_page.to_vec()));
        if let Some(total) = total_field {
            document.insert(total.to_owned(), Value::from(self.items.len()));
        }
        ResponseTemplate::new(status).set_body_raw(Value::Object(document).to_string(), content_type)
    }
}
