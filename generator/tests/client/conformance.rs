//! Conformance tests: the generated client (`atlas-admin-client`) against a Prism mock server of
//! `spec/atlas-api-keys.yaml` started with `--errors`.
//!
//! Run them with `cargo xtask conformance fragment`, which starts Prism and sets `ATLAS_PRISM_URL`; they are
//! `#[ignore]`d so that a plain `cargo test` skips them.
//!
//! Every call goes through a small recording proxy between the client and Prism (std only,
//! `xtask/src/conformance/recording_proxy.rs`, shared with `cargo xtask conformance spec`). It
//! - adds `Prefer: code=NNN` to select which documented response Prism returns (the client has no
//!   per-request header API, and Prism only reads `__code` from the query when `Prefer` is absent),
//!   and then admits `application/json` in `Accept`, the media type of every documented error;
//! - records each exchange, so that the tests can assert what Prism really answered: no
//!   `sl-violations` header (Prism's verdict on the request), the status, the media types, and the
//!   raw body the typed value must reproduce.
//!
//! Why the header matters: an operation that documents a 400 gets that documented 400 (plus
//! `sl-violations`) for an invalid request, not Prism's own 422; the status alone would not tell a
//! forced 400 from a violation. (Today no operation documents 400, as in the official description.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_admin_client::models::{CreateAtlasOrganizationApiKey, OrganizationRole};
use atlas_admin_client::{Client, Error, RetryPolicy};
use serde_json::Value;

// The proxy `cargo xtask conformance spec` uses too; one file, two crates (see its module docs).
#[path = "../../../xtask/src/conformance/recording_proxy.rs"]
#[allow(dead_code)] // The fault proxy's helpers (`ask`, `read_request`) are not used here.
mod recording_proxy;
use recording_proxy::{find_header, read_head, Exchange, Recorder, Request};

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
/// The versioned media type every operation of the spec uses for requests and success responses.
const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
/// The media type of every error response, as in the official description (whatever `Accept` asked for).
const ERROR_MEDIA_TYPE: &str = "application/json";
/// Prism checks that the request carries credentials of a declared scheme; a bearer token satisfies
/// the `ServiceAccounts` (OAuth2) scheme. Without credentials Prism answers 401 to everything.
const TOKEN: &str = "conformance-token";
const IO_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// listOrgApiKeys: 200, 401, 403, 404, 429, 500

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance fragment`"]
async fn list_org_api_keys_200() {
    let proxy = Proxy::start(None);
    let response = client(&proxy)
        .list_org_api_keys(ORG)
        .items_per_page(100)
        .page_num(1)
        .send()
        .await
        .unwrap_or_else(|e| panic!("listOrgApiKeys failed: {e:?}\n{}", proxy.dump()));
    let exchange = proxy.single_exchange("GET", &format!("/api/atlas/v2/orgs/{ORG}/apiKeys"), 200);
    assert_query(&exchange, &[("itemsPerPage", "100"), ("pageNum", "1")]);
    assert_round_trip(&exchange, &response);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance fragment`"]
async fn list_org_api_keys_errors() {
    for status in [401, 403, 404, 429, 500] {
        let proxy = Proxy::start(Some(status));
        let result = client(&proxy).list_org_api_keys(ORG).send().await;
        let exchange = proxy.single_exchange("GET", &format!("/api/atlas/v2/orgs/{ORG}/apiKeys"), status);
        assert_api_error("listOrgApiKeys", result.map(|_| ()), &exchange, status);
    }
}

// ---------------------------------------------------------------------------------------------
// getOrgApiKey: 200, 401, 403, 404, 429, 500

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance fragment`"]
async fn get_org_api_key_200() {
    let proxy = Proxy::start(None);
    let response = client(&proxy)
        .get_org_api_key(ORG, KEY)
        .send()
        .await
        .unwrap_or_else(|e| panic!("getOrgApiKey failed: {e:?}\n{}", proxy.dump()));
    let exchange = proxy.single_exchange("GET", &format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}"), 200);
    assert_round_trip(&exchange, &response);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance fragment`"]
async fn get_org_api_key_errors() {
    for status in [401, 403, 404, 429, 500] {
        let proxy = Proxy::start(Some(status));
        let result = client(&proxy).get_org_api_key(ORG, KEY).send().await;
        let exchange = proxy.single_exchange("GET", &format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}"), status);
        assert_api_error("getOrgApiKey", result.map(|_| ()), &exchange, status);
    }
}

// ---------------------------------------------------------------------------------------------
// createOrgApiKey: 200, 401, 403, 404, 429, 500

fn new_key() -> CreateAtlasOrganizationApiKey {
    CreateAtlasOrganizationApiKey::new("ci", vec![OrganizationRole::OrgOwner])
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance fragment`"]
async fn create_org_api_key_200() {
    let proxy = Proxy::start(None);
    let response = client(&proxy)
        .create_org_api_key(ORG, new_key())
        .send()
        .await
        .unwrap_or_else(|e| panic!("createOrgApiKey failed: {e:?}\n{}", proxy.dump()));
    let exchange = proxy.single_exchange("POST", &format!("/api/atlas/v2/orgs/{ORG}/apiKeys"), 200);
    assert_request_body(&exchange, &serde_json::json!({ "desc": "ci", "roles": ["ORG_OWNER"] }));
    assert_round_trip(&exchange, &response);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance fragment`"]
async fn create_org_api_key_errors() {
    for status in [401, 403, 404, 429, 500] {
        let proxy = Proxy::start(Some(status));
        let result = client(&proxy).create_org_api_key(ORG, new_key()).send().await;
        let exchange = proxy.single_exchange("POST", &format!("/api/atlas/v2/orgs/{ORG}/apiKeys"), status);
        assert_request_body(&exchange, &serde_json::json!({ "desc": "ci", "roles": ["ORG_OWNER"] }));
        assert_api_error("createOrgApiKey", result.map(|_| ()), &exchange, status);
    }
}

// ---------------------------------------------------------------------------------------------
// The harness can fail: Prism flags broken requests, and the proxy sees it.

#[test]
#[ignore = "needs Prism: run `cargo xtask conformance fragment`"]
fn prism_rejects_a_broken_request() {
    let prism = prism_addr();
    let auth = format!("Authorization: Bearer {TOKEN}");
    let accept = format!("Accept: {MEDIA_TYPE}");

    // Sanity check of the raw request itself: the same request with a valid query is accepted.
    let ok = raw_request(
        prism,
        &format!("GET /api/atlas/v2/orgs/{ORG}/apiKeys?itemsPerPage=10 HTTP/1.1"),
        &[&auth, &accept],
        None,
    );
    assert_eq!(ok.status, 200, "a valid raw request must succeed:\n{ok:#?}");
    assert!(ok.header("sl-violations").is_none(), "{ok:#?}");

    // A query parameter of the wrong type: no 422 is documented, so Prism answers its own 422.
    let bad_query = raw_request(
        prism,
        &format!("GET /api/atlas/v2/orgs/{ORG}/apiKeys?itemsPerPage=abc HTTP/1.1"),
        &[&auth, &accept],
        None,
    );
    assert_eq!(bad_query.status, 422, "itemsPerPage=abc must be rejected:\n{bad_query:#?}");
    let problem: Value = serde_json::from_str(&bad_query.body).expect("Prism's 422 body is problem JSON");
    let validation = problem["validation"].to_string();
    assert!(validation.contains("itemsperpage") || validation.contains("itemsPerPage"), "{problem:#}");

    // An Accept header the spec does not declare: Prism cannot produce it.
    let bad_accept = raw_request(
        prism,
        &format!("GET /api/atlas/v2/orgs/{ORG}/apiKeys/{KEY} HTTP/1.1"),
        &[&auth, "Accept: application/vnd.atlas.2025-03-12+json"],
        None,
    );
    assert_eq!(bad_accept.status, 406, "an undeclared Accept must be refused:\n{bad_accept:#?}");

    // A body that violates the schema (a project role where only organization roles are allowed):
    // the operation documents no 400, so Prism answers its own 422 naming the field.
    let body = r#"{"desc":"ci","roles":["GROUP_OWNER"]}"#;
    let content_type = format!("Content-Type: {MEDIA_TYPE}");
    let bad_body = raw_request(
        prism,
        &format!("POST /api/atlas/v2/orgs/{ORG}/apiKeys HTTP/1.1"),
        &[&auth, &accept, &content_type],
        Some(body),
    );
    assert_eq!(bad_body.status, 422, "{bad_body:#?}");
    let problem: Value = serde_json::from_str(&bad_body.body).expect("Prism's 422 body is problem JSON");
    assert!(problem["validation"].to_string().contains("roles"), "{problem:#}");

    // No credentials: Prism enforces the security requirement.
    let no_auth = raw_request(prism, &format!("GET /api/atlas/v2/orgs/{ORG}/apiKeys HTTP/1.1"), &[&accept], None);
    assert_eq!(no_auth.status, 401, "{no_auth:#?}");
    assert!(no_auth.header("sl-violations").is_some(), "{no_auth:#?}");
}

// ---------------------------------------------------------------------------------------------
// Assertions

/// A client that talks to the proxy with a bearer token, without retries (so that every call is
/// exactly one exchange).
fn client(proxy: &Proxy) -> Client {
    Client::builder()
        .base_url(proxy.url.clone())
        .bearer(TOKEN)
        .retry_policy(RetryPolicy::none())
        .timeout(IO_TIMEOUT)
        .build()
        .expect("the client builds")
}

/// The call failed with `Error::Api` of `status`, keeping the raw body and reading the documented Atlas error fields.
fn assert_api_error(operation: &str, result: Result<(), Error>, exchange: &Exchange, status: u16) {
    let err = match result {
        Ok(()) => panic!("{operation}: expected HTTP {status}, but the call succeeded\n{exchange:#?}"),
        Err(err) => err,
    };
    assert!(
        matches!(err, Error::Api(_)),
        "{operation}: expected Error::Api for HTTP {status}, got {err:?}\n{exchange:#?}"
    );
    assert_eq!(err.status(), Some(status), "{operation}: {err:?}");
    let api_error = err.api_error().unwrap_or_else(|| {
        panic!("{operation}: HTTP {status} body was not read as an Atlas error: {err:?}\n{exchange:#?}")
    });
    let raw = json_body(exchange);
    let failure = err.api_failure().expect("an Error::Api");
    let kept: Value = serde_json::from_str(&failure.body).expect("the raw body is kept");
    assert_eq!(kept, raw, "{operation}: the raw body of HTTP {status} is not kept");
    assert_eq!(api_error.error.map(Value::from), raw.get("error").cloned(), "{operation}: `error`");
    assert_eq!(api_error.detail.as_deref(), raw["detail"].as_str(), "{operation}: `detail`");
    assert_eq!(api_error.reason.as_deref(), raw["reason"].as_str(), "{operation}: `reason`");
    let parameters = raw["parameters"].as_array().cloned().unwrap_or_default();
    assert_eq!(api_error.parameters, parameters, "{operation}: `parameters`");
    assert_eq!(raw["error"], Value::from(status), "{operation}: the example's `error` field");
    assert_eq!(
        err.error_code(),
        raw["errorCode"].as_str(),
        "{operation}: error_code() must return the body's errorCode"
    );
    assert!(err.error_code().is_some(), "{operation}: the spec's examples all carry an errorCode");
    if status == 429 {
        for header in ["retry-after", "ratelimit-limit", "ratelimit-remaining"] {
            assert!(exchange.header(header).is_some(), "429 must carry {header}:\n{exchange:#?}");
        }
    }
}

/// The typed success value serializes back to exactly the JSON Prism sent (nothing lost or renamed).
fn assert_round_trip<T: serde::Serialize>(exchange: &Exchange, value: &T) {
    let typed = serde_json::to_value(value).expect("the model serializes");
    let raw = json_body(exchange);
    assert_eq!(
        typed, raw,
        "the decoded model does not reproduce the response body of {} {}",
        exchange.request.method, exchange.request.target
    );
}

fn assert_query(exchange: &Exchange, expected: &[(&str, &str)]) {
    let query = exchange.request.target.split_once('?').map(|(_, q)| q).unwrap_or("");
    for (name, value) in expected {
        let pair = format!("{name}={value}");
        assert!(query.split('&').any(|p| p == pair), "query `{query}` lacks `{pair}`");
    }
}

fn assert_request_body(exchange: &Exchange, expected: &Value) {
    let sent: Value = serde_json::from_slice(&exchange.request.body)
        .unwrap_or_else(|e| panic!("the request body is not JSON ({e}):\n{exchange:#?}"));
    assert_eq!(&sent, expected, "request body of {} {}", exchange.request.method, exchange.request.target);
}

// ---------------------------------------------------------------------------------------------
// Prism address

/// The Prism address from `ATLAS_PRISM_URL` (`http://127.0.0.1:<port>`).
fn prism_addr() -> SocketAddr {
    let url = std::env::var("ATLAS_PRISM_URL").unwrap_or_else(|_| {
        panic!(
            "ATLAS_PRISM_URL is not set. These tests need a running Prism mock server; \
             run them with `cargo xtask conformance`, which starts one and sets the variable."
        )
    });
    let authority = url
        .trim()
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("ATLAS_PRISM_URL must be an http:// URL, got `{url}`"))
        .trim_end_matches('/');
    authority
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .unwrap_or_else(|| panic!("ATLAS_PRISM_URL `{url}` does not name a host:port"))
}

// ---------------------------------------------------------------------------------------------
// Recording proxy

/// The body Prism answered, as JSON.
fn json_body(exchange: &Exchange) -> Value {
    serde_json::from_str(&exchange.body)
        .unwrap_or_else(|e| panic!("Prism's response body is not JSON ({e}):\n{exchange:#?}"))
}

/// The recording proxy (`recording_proxy`) in front of Prism, one per test, that records every
/// exchange and, with a `prefer_code`, asks Prism for that documented status.
struct Proxy {
    url: String,
    recorder: Arc<TestRecorder>,
}

struct TestRecorder {
    prefer_code: Option<u16>,
    exchanges: Mutex<Vec<Exchange>>,
    errors: Mutex<Vec<String>>,
}

impl Recorder for TestRecorder {
    fn upstream_headers(&self, request: &Request) -> Option<Vec<(String, String)>> {
        let mut headers = request.headers.clone();
        if let Some(code) = self.prefer_code {
            // Atlas answers errors in `application/json` whatever `Accept` asked for; Prism answers a
            // forced status only in a media type `Accept` admits (else it falls back to the 200), so
            // the proxy admits `application/json` too. The recorded request keeps the client's `Accept`.
            for (name, value) in &mut headers {
                if name == "accept" {
                    *value = format!("{value}, {ERROR_MEDIA_TYPE}");
                }
            }
            headers.push(("prefer".to_owned(), format!("code={code}")));
        }
        Some(headers)
    }

    fn record(&self, exchange: Exchange) {
        self.exchanges.lock().unwrap().push(exchange);
    }

    fn failed(&self, error: io::Error) {
        self.errors.lock().unwrap().push(error.to_string());
    }
}

impl Proxy {
    /// Starts the proxy; `prefer_code` makes it send `Prefer: code=<code>` with every request.
    fn start(prefer_code: Option<u16>) -> Proxy {
        let recorder = Arc::new(TestRecorder { prefer_code, exchanges: Mutex::default(), errors: Mutex::default() });
        let url = recording_proxy::start(prism_addr(), recorder.clone()).expect("start the proxy");
        Proxy { url, recorder }
    }

    /// Asserts that exactly one request went through, conformant, and returns it: expected method
    /// and path, the versioned media types and the bearer token on the request, no `sl-violations`
    /// from Prism, the `expected` status, and the response's media type (versioned for a success,
    /// `application/json` for an error).
    fn single_exchange(&self, method: &str, path: &str, expected: u16) -> Exchange {
        let errors = self.recorder.errors.lock().unwrap().clone();
        assert!(errors.is_empty(), "the proxy failed: {errors:?}\n{}", self.dump());
        let exchanges = self.recorder.exchanges.lock().unwrap().clone();
        assert_eq!(exchanges.len(), 1, "expected exactly one request:\n{}", self.dump());
        let exchange = exchanges.into_iter().next().unwrap();

        assert_eq!(exchange.request.method, method, "{exchange:#?}");
        let target_path = exchange.request.target.split('?').next().unwrap_or_default();
        assert_eq!(target_path, path, "{exchange:#?}");
        if let Some(violations) = exchange.header("sl-violations") {
            panic!("Prism reports violations of the spec (request, or its own example response): {violations}\n{exchange:#?}");
        }
        assert_eq!(
            exchange.status, expected,
            "Prism answered HTTP {} instead of {expected} (422 = invalid request, 406 = Accept not served):\n{exchange:#?}",
            exchange.status
        );
        // What Prism does not check (or not strictly), checked here.
        assert_eq!(find_header(&exchange.request.headers, "accept"), Some(MEDIA_TYPE), "Accept header:\n{exchange:#?}");
        assert_eq!(
            find_header(&exchange.request.headers, "authorization"),
            Some(format!("Bearer {TOKEN}").as_str()),
            "Authorization header:\n{exchange:#?}"
        );
        if method == "POST" {
            assert_eq!(
                find_header(&exchange.request.headers, "content-type"),
                Some(MEDIA_TYPE),
                "Content-Type:\n{exchange:#?}"
            );
        }
        let media = if (200..300).contains(&expected) { MEDIA_TYPE } else { ERROR_MEDIA_TYPE };
        assert_eq!(exchange.header("content-type"), Some(media), "response media type:\n{exchange:#?}");
        exchange
    }

    /// Everything recorded so far, for failure messages.
    fn dump(&self) -> String {
        format!(
            "exchanges: {:#?}\nproxy errors: {:#?}",
            self.recorder.exchanges.lock().unwrap(),
            self.recorder.errors.lock().unwrap()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP to Prism (for the negative test)

#[derive(Debug)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// Sends one hand-written HTTP/1.1 request straight to Prism and reads the whole answer.
fn raw_request(prism: SocketAddr, request_line: &str, headers: &[&str], body: Option<&str>) -> RawResponse {
    let mut stream = TcpStream::connect_timeout(&prism, IO_TIMEOUT).expect("connect to Prism");
    stream.set_read_timeout(Some(IO_TIMEOUT)).expect("read timeout");
    let mut request = format!("{request_line}\r\nHost: {prism}\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    if let Some(body) = body {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or_default());
    stream.write_all(request.as_bytes()).expect("send the request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read the response");
    let mut reader = BufReader::new(response.as_slice());
    let (status_line, headers) = read_head(&mut reader).expect("HTTP head").expect("a response");
    let mut body = String::new();
    reader.read_to_string(&mut body).expect("UTF-8 body");
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status code");
    RawResponse { status, headers, body }
}
