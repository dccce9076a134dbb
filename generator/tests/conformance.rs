//! Conformance tests: the generated client (`atlas-admin-client`) against a Prism mock server of
//! `spec/atlas-api-keys.yaml` started with `--errors`.
//!
//! Run them with `cargo xtask conformance`, which starts Prism and sets `ATLAS_PRISM_URL`; they are
//! `#[ignore]`d so that a plain `cargo test` skips them.
//!
//! Every call goes through a small recording proxy (std only, in this file) that sits between the
//! client and Prism. It
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

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use atlas_admin_client::models::{CreateAtlasOrganizationApiKey, OrganizationRole};
use atlas_admin_client::{Client, Error, RetryPolicy};
use serde_json::Value;

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
#[ignore = "needs Prism: run `cargo xtask conformance`"]
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
#[ignore = "needs Prism: run `cargo xtask conformance`"]
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
#[ignore = "needs Prism: run `cargo xtask conformance`"]
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
#[ignore = "needs Prism: run `cargo xtask conformance`"]
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
#[ignore = "needs Prism: run `cargo xtask conformance`"]
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
#[ignore = "needs Prism: run `cargo xtask conformance`"]
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
#[ignore = "needs Prism: run `cargo xtask conformance`"]
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
    let raw = exchange.json_body();
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
            assert!(exchange.response_header(header).is_some(), "429 must carry {header}:\n{exchange:#?}");
        }
    }
}

/// The typed success value serializes back to exactly the JSON Prism sent (nothing lost or renamed).
fn assert_round_trip<T: serde::Serialize>(exchange: &Exchange, value: &T) {
    let typed = serde_json::to_value(value).expect("the model serializes");
    let raw = exchange.json_body();
    assert_eq!(
        typed, raw,
        "the decoded model does not reproduce the response body of {} {}",
        exchange.method, exchange.target
    );
}

fn assert_query(exchange: &Exchange, expected: &[(&str, &str)]) {
    let query = exchange.target.split_once('?').map(|(_, q)| q).unwrap_or("");
    for (name, value) in expected {
        let pair = format!("{name}={value}");
        assert!(query.split('&').any(|p| p == pair), "query `{query}` lacks `{pair}`");
    }
}

fn assert_request_body(exchange: &Exchange, expected: &Value) {
    let sent: Value = serde_json::from_slice(&exchange.request_body)
        .unwrap_or_else(|e| panic!("the request body is not JSON ({e}):\n{exchange:#?}"));
    assert_eq!(&sent, expected, "request body of {} {}", exchange.method, exchange.target);
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

/// One request/response pair that went through the proxy, as Prism saw and answered it.
#[derive(Debug, Clone)]
struct Exchange {
    method: String,
    /// Request target: path and query.
    target: String,
    /// Request headers as sent upstream (names lowercased), `Prefer` included.
    request_headers: Vec<(String, String)>,
    request_body: Vec<u8>,
    status: u16,
    /// Response headers as Prism sent them (names lowercased).
    response_headers: Vec<(String, String)>,
    response_body: String,
}

impl Exchange {
    fn request_header(&self, name: &str) -> Option<&str> {
        find_header(&self.request_headers, name)
    }

    fn response_header(&self, name: &str) -> Option<&str> {
        find_header(&self.response_headers, name)
    }

    fn json_body(&self) -> Value {
        serde_json::from_str(&self.response_body)
            .unwrap_or_else(|e| panic!("Prism's response body is not JSON ({e}):\n{self:#?}"))
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A forwarding HTTP/1.1 proxy to Prism on a free loopback port, one request per connection.
struct Proxy {
    url: String,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    errors: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// Starts the proxy; `prefer_code` makes it send `Prefer: code=<code>` with every request.
    fn start(prefer_code: Option<u16>) -> Proxy {
        let upstream = prism_addr();
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let (log, errs) = (Arc::clone(&exchanges), Arc::clone(&errors));
        // The listener thread ends with the test process; each test uses its own proxy.
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, errs) = (Arc::clone(&log), Arc::clone(&errs));
                thread::spawn(move || {
                    if let Err(e) = forward(stream, upstream, prefer_code, &log) {
                        errs.lock().unwrap().push(e.to_string());
                    }
                });
            }
        });
        Proxy { url, exchanges, errors }
    }

    /// Asserts that exactly one request went through, conformant, and returns it: expected method
    /// and path, the versioned media types and the bearer token on the request, no `sl-violations`
    /// from Prism, the `expected` status, and the response's media type (versioned for a success,
    /// `application/json` for an error).
    fn single_exchange(&self, method: &str, path: &str, expected: u16) -> Exchange {
        let errors = self.errors.lock().unwrap().clone();
        assert!(errors.is_empty(), "the proxy failed: {errors:?}\n{}", self.dump());
        let exchanges = self.exchanges.lock().unwrap().clone();
        assert_eq!(exchanges.len(), 1, "expected exactly one request:\n{}", self.dump());
        let exchange = exchanges.into_iter().next().unwrap();

        assert_eq!(exchange.method, method, "{exchange:#?}");
        let target_path = exchange.target.split('?').next().unwrap_or_default();
        assert_eq!(target_path, path, "{exchange:#?}");
        if let Some(violations) = exchange.response_header("sl-violations") {
            panic!("Prism reports violations of the spec (request, or its own example response): {violations}\n{exchange:#?}");
        }
        assert_eq!(
            exchange.status, expected,
            "Prism answered HTTP {} instead of {expected} (422 = invalid request, 406 = Accept not served):\n{exchange:#?}",
            exchange.status
        );
        // What Prism does not check (or not strictly), checked here.
        assert_eq!(exchange.request_header("accept"), Some(MEDIA_TYPE), "Accept header:\n{exchange:#?}");
        assert_eq!(
            exchange.request_header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str()),
            "Authorization header:\n{exchange:#?}"
        );
        if method == "POST" {
            assert_eq!(exchange.request_header("content-type"), Some(MEDIA_TYPE), "Content-Type:\n{exchange:#?}");
        }
        let media = if (200..300).contains(&expected) { MEDIA_TYPE } else { ERROR_MEDIA_TYPE };
        assert_eq!(exchange.response_header("content-type"), Some(media), "response media type:\n{exchange:#?}");
        exchange
    }

    /// Everything recorded so far, for failure messages.
    fn dump(&self) -> String {
        format!("exchanges: {:#?}\nproxy errors: {:#?}", self.exchanges.lock().unwrap(), self.errors.lock().unwrap())
    }
}

/// Forwards one request from `client` to `upstream` (with `Connection: close` on both sides), records it.
fn forward(
    client: TcpStream,
    upstream: SocketAddr,
    prefer_code: Option<u16>,
    log: &Mutex<Vec<Exchange>>,
) -> io::Result<()> {
    client.set_read_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let Some((request_line, headers)) = read_head(&mut reader)? else {
        return Ok(()); // connection closed without a request
    };
    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
    if find_header(&headers, "transfer-encoding").is_some() {
        return Err(io::Error::other("chunked request bodies are not supported by the test proxy"));
    }
    let length: usize = find_header(&headers, "content-length").map_or(Ok(0), str::parse).map_err(io::Error::other)?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;

    let mut upstream_headers: Vec<(String, String)> = headers
        .into_iter()
        .filter(|(name, _)| !matches!(name.as_str(), "connection" | "keep-alive" | "prefer"))
        .collect();
    upstream_headers.push(("connection".into(), "close".into()));
    if let Some(code) = prefer_code {
        upstream_headers.push(("prefer".into(), format!("code={code}")));
    }
    let mut request = format!("{request_line}\r\n").into_bytes();
    for (name, value) in &upstream_headers {
        // Atlas answers errors in `application/json` whatever `Accept` asked for; Prism answers a
        // forced status only in a media type `Accept` admits (else it falls back to the 200), so the
        // proxy admits `application/json` too. The recorded headers keep the client's own `Accept`.
        let value = match (name.as_str(), prefer_code) {
            ("accept", Some(_)) => format!("{value}, {ERROR_MEDIA_TYPE}"),
            _ => value.clone(),
        };
        request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    request.extend_from_slice(&body);

    let mut prism = TcpStream::connect_timeout(&upstream, IO_TIMEOUT)?;
    prism.set_read_timeout(Some(IO_TIMEOUT))?;
    prism.write_all(&request)?;
    let mut response = Vec::new();
    prism.read_to_end(&mut response)?; // Prism closes: we asked for `Connection: close`

    let mut response_reader = BufReader::new(response.as_slice());
    let (status_line, response_headers) = read_head(&mut response_reader)?
        .ok_or_else(|| io::Error::other("Prism closed the connection without answering"))?;
    let mut response_body = Vec::new();
    response_reader.read_to_end(&mut response_body)?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line `{status_line}`")))?;

    // Record before relaying: the test inspects the log as soon as the client has the response.
    log.lock().unwrap().push(Exchange {
        method,
        target,
        request_headers: upstream_headers,
        request_body: body,
        status,
        response_headers: response_headers.clone(),
        response_body: String::from_utf8_lossy(&response_body).into_owned(),
    });

    // Relay the response, telling the client not to reuse the connection.
    let mut relay = format!("{status_line}\r\n").into_bytes();
    for (name, value) in response_headers.iter().filter(|(n, _)| !matches!(n.as_str(), "connection" | "keep-alive")) {
        relay.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    relay.extend_from_slice(b"connection: close\r\n\r\n");
    relay.extend_from_slice(&response_body);
    let mut client = client;
    client.write_all(&relay)?;
    client.flush()?;
    let _ = client.shutdown(Shutdown::Both);

    Ok(())
}

/// A start line and its headers (names lowercased).
type Head = (String, Vec<(String, String)>);

/// Reads a start line and headers up to the blank line; `None` on immediate EOF.
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    let mut start = String::new();
    if reader.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "EOF inside the HTTP head"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) =
            line.split_once(':').ok_or_else(|| io::Error::other(format!("bad header line `{line}`")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Some((start.trim_end_matches(['\r', '\n']).to_owned(), headers)))
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
