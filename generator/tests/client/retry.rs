//! Retries of the generated client: which failures are retried, Retry-After, idempotency.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas_admin_client::models::{CreateAtlasOrganizationApiKey, OrganizationRole};
use atlas_admin_client::{Client, Error, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Ports for "nobody listens here" tests are taken on 127.0.0.2, where no wiremock server (bound to
/// 127.0.0.1) can pick up a port such a test has just freed.
const REFUSED_HOST: &str = "127.0.0.2:0";

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
const KEY_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys/32b6e34b3d91647abb20e7b8";
const LIST_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(4)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(50))
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder().base_url(server.uri()).retry_policy(policy).build().unwrap()
}

fn key_body() -> serde_json::Value {
    serde_json::json!({"id": KEY, "desc": "ci", "links": [], "roles": []})
}

fn rate_limited(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429).insert_header("Retry-After", retry_after).set_body_json(serde_json::json!({
        "error": 429, "errorCode": "RATE_LIMITED", "reason": "Too Many Requests",
        "detail": "Resource is rate limited."
    }))
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

fn new_key() -> CreateAtlasOrganizationApiKey {
    CreateAtlasOrganizationApiKey::new("ci", vec![OrganizationRole::OrgOwner])
}

#[tokio::test]
async fn rate_limited_get_is_retried_after_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(rate_limited("1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(1)
        .mount(&server)
        .await;

    // The backoff alone would wait at most 1 ms: waiting 1 s shows Retry-After was honoured
    // (a Retry-After above max_backoff, 2 s here, would end the retries instead).
    let policy = fast_retries().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_secs(2));
    let started = Instant::now();
    let key = client(&server, policy).get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(key.id.as_deref(), Some(KEY));
    assert!(started.elapsed() >= Duration::from_millis(950), "{:?}", started.elapsed());
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn gateway_errors_are_retried_until_success() {
    let server = MockServer::start().await;
    for status in [502, 503, 504] {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(1)
        .mount(&server)
        .await;
    client(&server, fast_retries()).get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(received(&server).await, 4);
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let error = client(&server, fast_retries().max_attempts(3)).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let error = client(&server, fast_retries()).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    // A 502, 503 or 504 may come after Atlas processed the request: a POST is not repeated.
    for status in [502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(LIST_PATH))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let error = client(&server, fast_retries()).create_org_api_key(ORG, new_key()).send().await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(received(&server).await, 1);
    }
}

#[tokio::test]
async fn a_post_that_timed_out_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let error = client.create_org_api_key(ORG, new_key()).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn rate_limited_post_is_retried_by_default() {
    // A 429 means Atlas did not process the request, so repeating even a POST is safe.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST_PATH))
        .respond_with(rate_limited("0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server, fast_retries()).create_org_api_key(ORG, new_key()).send().await.unwrap();
    assert_eq!(created.id.as_deref(), Some(KEY));
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn rate_limited_post_stops_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(rate_limited("0")).mount(&server).await;
    let error =
        client(&server, fast_retries().max_attempts(3)).create_org_api_key(ORG, new_key()).send().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn post_is_retried_when_the_policy_allows_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(key_body())).mount(&server).await;
    let policy = fast_retries().retry_non_idempotent(true);
    client(&server, policy).create_org_api_key(ORG, new_key()).send().await.unwrap();
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_gives_up_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(rate_limited("3600")).mount(&server).await;
    let error = client(&server, fast_retries()).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.error_code(), Some("RATE_LIMITED"));
    assert_eq!(received(&server).await, 1, "given up at once: no second request");
}

#[tokio::test]
async fn retry_after_beyond_max_backoff_gives_up_at_once() {
    // Retrying after max_backoff (50 ms) would only meet another 429: the caller gets the error and
    // the server's wait instead.
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(rate_limited("5")).mount(&server).await;
    let error = client(&server, fast_retries()).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(received(&server).await, 1, "given up at once: no second request");
}

#[tokio::test]
async fn retry_after_within_max_backoff_is_waited_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(rate_limited("1")).up_to_n_times(2).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(key_body())).mount(&server).await;
    // The backoff alone would wait at most 1 ms: two waits of 1 s are the server's.
    let policy = fast_retries().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_secs(1));
    let started = Instant::now();
    client(&server, policy).get_org_api_key(ORG, KEY).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1950), "{:?}", started.elapsed());
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn no_retries_with_the_none_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(rate_limited("0")).mount(&server).await;
    let error = client(&server, RetryPolicy::none()).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn timeouts_are_retried_for_idempotent_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()).set_delay(Duration::from_secs(5)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(key_body())).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind(REFUSED_HOST).unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.2:{port}"))
        .retry_policy(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::Connect { operation: "getOrgApiKey", .. }), "{error:?}");
    assert!(error.to_string().contains("getOrgApiKey"));
}

#[tokio::test]
async fn a_post_that_could_not_connect_is_retried() {
    // Nothing was sent, so even a POST is safe to retry: the server comes up after the first failures.
    let listener = std::net::TcpListener::bind(REFUSED_HOST).unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let policy = RetryPolicy::default()
        .max_attempts(1000)
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(20))
        .max_elapsed(Duration::from_secs(20));
    let client = Client::builder().base_url(format!("http://{address}")).retry_policy(policy).build().unwrap();
    let call = tokio::spawn(async move { client.create_org_api_key(ORG, new_key()).send().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!call.is_finished(), "the POST gave up after a connection failure");
    let server = MockServer::builder().listener(std::net::TcpListener::bind(address).unwrap()).start().await;
    Mock::given(method("POST"))
        .and(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .mount(&server)
        .await;
    let created = call.await.unwrap().unwrap();
    assert_eq!(created.id.as_deref(), Some(KEY));
    assert_eq!(received(&server).await, 1);
}

/// A server answering each connection with the next canned response, then closing it; returns its
/// address and a counter of the requests it read.
fn scripted_server(responses: Vec<String>) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind(REFUSED_HOST).unwrap();
    let address = listener.local_addr().unwrap();
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            // Read the head and the body announced by Content-Length.
            loop {
                let n = stream.read(&mut buffer).unwrap_or(0);
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|line| line.strip_prefix("content-length:"))
                        .and_then(|value| value.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.flush();
        }
    });
    (format!("http://{address}"), served)
}

/// A 200 response whose connection is closed half-way through the announced body.
fn cut_short() -> String {
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"id\": \"32b6".to_owned()
}

fn complete() -> String {
    let body = key_body().to_string();
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
}

#[tokio::test]
async fn an_idempotent_get_cut_short_mid_body_is_retried() {
    let (base_url, served) = scripted_server(vec![cut_short(), complete()]);
    let client = Client::builder().base_url(base_url).retry_policy(fast_retries()).build().unwrap();
    let key = client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(key.id.as_deref(), Some(KEY));
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_post_cut_short_mid_body_is_not_retried_by_default() {
    let (base_url, served) = scripted_server(vec![cut_short(), complete()]);
    let client = Client::builder().base_url(base_url).retry_policy(fast_retries()).build().unwrap();
    let error = client.create_org_api_key(ORG, new_key()).send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { operation: "createOrgApiKey", .. }), "{error:?}");
    assert_eq!(served.load(Ordering::SeqCst), 1);
}
