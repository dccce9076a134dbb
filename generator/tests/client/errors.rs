//! Errors and responses of the generated client: API failures, decode errors, timeouts, metadata.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use atlas_admin_client::models::{ApiKeyUserDetails, PaginatedApiApiUserView};
use atlas_admin_client::{Client, Error, Response, RetryPolicy};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
const KEY_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys/32b6e34b3d91647abb20e7b8";
const LIST_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys";
const MEDIA: &str = "application/vnd.atlas.2023-01-01+json";

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn requests_carry_accept_user_agent_and_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("itemsPerPage", "100"))
        .and(query_param("pageNum", "2"))
        .and(header("accept", MEDIA))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "links": [], "results": [{"id": KEY, "links": [], "roles": []}], "totalCount": 101
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page: PaginatedApiApiUserView =
        client(&server).list_org_api_keys(ORG).items_per_page(100).page_num(2).send().await.unwrap();
    assert_eq!(page.results.len(), 1);
    let requests = server.received_requests().await.unwrap();
    let agent = requests[0].headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(agent.starts_with("atlas-admin-client/"), "{agent}");
    assert!(requests[0].headers.get("content-type").is_none(), "no body, no content type");
}

#[tokio::test]
async fn user_agent_suffix_is_appended() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"links": [], "roles": []})))
        .mount(&server)
        .await;
    let client =
        Client::builder().base_url(format!("{}/", server.uri())).user_agent_suffix("my-tool/1.2").build().unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let agent = requests[0].headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(agent.starts_with("atlas-admin-client/") && agent.ends_with(" my-tool/1.2"), "{agent}");
    assert_eq!(requests[0].url.path(), KEY_PATH, "a trailing slash in the base URL is tolerated");
}

#[tokio::test]
async fn not_found_is_decoded_into_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "error": 404, "errorCode": "RESOURCE_NOT_FOUND", "detail": "Cannot find resource.",
            "reason": "Not Found", "parameters": []
        })))
        .mount(&server)
        .await;
    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(error.is_not_found());
    assert!(!error.is_rate_limited());
    assert!(!error.is_timeout());
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.error_code(), Some("RESOURCE_NOT_FOUND"));
    let api_error = error.api_error().unwrap();
    assert_eq!(api_error.error, Some(404));
    assert_eq!(api_error.detail.as_deref(), Some("Cannot find resource."));
    assert_eq!(api_error.reason.as_deref(), Some("Not Found"));
    let text = error.to_string();
    assert!(text.contains("getOrgApiKey") && text.contains("404") && text.contains("RESOURCE_NOT_FOUND"), "{text}");
    match error {
        Error::Api(failure) => {
            assert_eq!(failure.operation, "getOrgApiKey");
            assert_eq!(failure.status, 404);
            assert!(failure.body.contains("Cannot find resource."));
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// The official Atlas error shape: `badRequestDetail` with field violations, `null` detail, headers.
#[tokio::test]
async fn bad_request_details_nulls_and_headers_are_read() {
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "error": 400, "errorCode": "INVALID_ATTRIBUTE", "detail": null, "reason": "Bad Request",
        "parameters": ["desc"],
        "badRequestDetail": {"fields": [{"field": "desc", "description": "must not be blank"}]}
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).insert_header("x-request-id", "abc123").set_body_json(&body))
        .mount(&server)
        .await;
    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    let api_error = error.api_error().unwrap();
    assert_eq!(api_error.error_code.as_deref(), Some("INVALID_ATTRIBUTE"));
    assert_eq!(api_error.detail, None);
    assert_eq!(api_error.parameters, vec![serde_json::json!("desc")]);
    assert_eq!(api_error.field_violations.len(), 1);
    assert_eq!(api_error.field_violations[0].field.as_deref(), Some("desc"));
    assert_eq!(api_error.field_violations[0].description.as_deref(), Some("must not be blank"));
    let failure = error.api_failure().unwrap();
    assert_eq!(failure.headers.get("x-request-id").unwrap(), "abc123");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&failure.body).unwrap(), body, "the raw body is kept");
    assert!(error.to_string().contains("INVALID_ATTRIBUTE: Bad Request"), "{error}");
}

/// A JSON object that is not Atlas-shaped (fields missing or of other types) still decodes leniently.
#[tokio::test]
async fn an_unusual_error_object_is_read_leniently() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(409).set_body_json(serde_json::json!({
            "error": "conflict", "errorCode": 7, "detail": "Already exists."
        })))
        .mount(&server)
        .await;
    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    let api_error = error.api_error().unwrap();
    assert_eq!(api_error.error, None);
    assert_eq!(api_error.error_code, None);
    assert_eq!(api_error.detail.as_deref(), Some("Already exists."));
    assert_eq!(error.status(), Some(409));
}

#[tokio::test]
async fn a_non_json_error_body_is_kept_raw() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html><body>Bad Gateway</body></html>"))
        .mount(&server)
        .await;
    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert!(error.api_error().is_none());
    assert_eq!(error.error_code(), None);
    match &error {
        Error::Api(failure) => {
            assert_eq!(failure.body, "<html><body>Bad Gateway</body></html>");
            assert!(failure.error.is_none());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().contains("Bad Gateway"));
}

#[tokio::test]
async fn huge_error_bodies_are_truncated() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("x".repeat(100_000)))
        .mount(&server)
        .await;
    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    match error {
        Error::Api(failure) => assert!(failure.body.len() < 5_000, "{}", failure.body.len()),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_success_body_is_a_decode_error_with_the_json_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": KEY, "links": [], "roles": [{"orgId": ORG, "roleName": 42}]
        })))
        .mount(&server)
        .await;
    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    match &error {
        Error::Decode { operation, status, path, message } => {
            assert_eq!(*operation, "getOrgApiKey");
            assert_eq!(*status, 200);
            assert_eq!(path, "roles[0].roleName");
            assert!(!message.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().contains("roles[0].roleName"));
}

#[tokio::test]
async fn an_empty_success_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(&error, Error::Decode { path, .. } if path == "."), "{error:?}");
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(matches!(error, Error::Timeout { operation: "getOrgApiKey" }));
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn the_timeout_applies_to_each_attempt() {
    // Every attempt gets the whole timeout; the error after the last one is still a timeout.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let policy = RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(1));
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(150))
        .retry_policy(policy)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { operation: "getOrgApiKey" }), "{error:?}");
    assert_eq!(received(&server).await, 3);
    assert!(started.elapsed() >= Duration::from_millis(450), "{:?}", started.elapsed());
}

#[tokio::test]
async fn invalid_parameters_fail_before_sending() {
    let server = MockServer::start().await;
    let error = client(&server).get_org_api_key("not-an-org-id", KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::Validation(_)), "{error:?}");
    assert_eq!(received(&server).await, 0);
}

#[tokio::test]
async fn response_metadata_and_rate_limit_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("RateLimit-Limit", "100")
                .insert_header("RateLimit-Remaining", "97")
                .insert_header("X-Request-Id", "abc")
                .set_body_json(serde_json::json!({"id": KEY, "links": [], "roles": []})),
        )
        .mount(&server)
        .await;
    let response: Response<ApiKeyUserDetails> =
        client(&server).get_org_api_key(ORG, KEY).send_with_meta().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("x-request-id").unwrap(), "abc");
    let rate = response.rate_limit();
    assert_eq!((rate.limit, rate.remaining), (Some(100), Some(97)));
    assert_eq!(response.into_inner().id.as_deref(), Some(KEY));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("RateLimit-Limit", "garbage")
                .set_body_json(serde_json::json!({"links": [], "roles": []})),
        )
        .mount(&server)
        .await;
    let response = client(&server).get_org_api_key(ORG, KEY).send_with_meta().await.unwrap();
    let rate = response.rate_limit();
    assert_eq!((rate.limit, rate.remaining), (None, None));
}

#[tokio::test]
async fn bad_configuration_is_a_config_error() {
    for url in ["not a url", "ftp://cloud.mongodb.com", "cloud.mongodb.com"] {
        let error = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
    }
    let error = Client::from_env_vars(|_| None).unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    let text = error.to_string();
    assert!(text.contains("ATLAS_PUBLIC_KEY") && text.contains("ATLAS_CLIENT_ID"), "{text}");
    let client = Client::from_env_vars(|name| match name {
        "ATLAS_PUBLIC_KEY" => Some("pub".into()),
        "ATLAS_PRIVATE_KEY" => Some("priv".into()),
        "ATLAS_BASE_URL" => Some("http://localhost:1234/".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(client.base_url(), "http://localhost:1234");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // Following a 302 would turn the POST into a GET to another URL; the caller sees the redirect.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", format!("{}/elsewhere", server.uri())))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap();
    let body = atlas_admin_client::models::CreateAtlasOrganizationApiKey::new(
        "ci",
        vec![atlas_admin_client::models::OrganizationRole::OrgOwner],
    );
    let error = client.create_org_api_key(ORG, body).send().await.unwrap_err();
    assert_eq!(error.status(), Some(302), "{error:?}");
}

/// A list page of `results` keys, as the list operation answers it.
fn page_body(results: usize) -> serde_json::Value {
    let keys: Vec<_> = (0..results).map(|_| serde_json::json!({"id": KEY, "links": [], "roles": []})).collect();
    serde_json::json!({"links": [], "results": keys, "totalCount": results})
}

#[tokio::test]
async fn a_body_cut_short_by_the_server_says_so() {
    use std::io::{Read, Write};
    // A server that promises 100 bytes, sends 10 and closes: reqwest reports a "decode" error, which
    // the client words as what happened.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(1) {
            let mut stream = stream.unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: {MEDIA}\r\ncontent-length: 100\r\n\r\n");
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(br#"{"id": "5d"#).unwrap();
        }
    });
    let client = Client::builder().base_url(base).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("the connection failed while the response body was read"), "{message}");
    assert!(!message.contains("decoding"), "{message}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_and_not_retried() {
    let server = MockServer::start().await;
    let body = serde_json::to_vec(&page_body(200)).unwrap();
    let limit = body.len() - 1;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), MEDIA))
        .mount(&server)
        .await;
    // The default retry policy is on: a body that is too large is not something a retry fixes.
    let client = Client::builder().base_url(server.uri()).max_response_body(limit).build().unwrap();
    let error = client.list_org_api_keys(ORG).send().await.unwrap_err();
    match &error {
        Error::ResponseTooLarge { operation, status, limit: reported } => {
            assert_eq!((*operation, *status, *reported), ("listOrgApiKeys", 200, limit));
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert_eq!(error.status(), Some(200));
    assert!(error.to_string().contains(&format!("larger than the {limit}-byte limit")), "{error}");
    assert_eq!(received(&server).await, 1);

    // Exactly at the limit, the same body decodes.
    let client = Client::builder().base_url(server.uri()).max_response_body(body.len()).build().unwrap();
    let page = client.list_org_api_keys(ORG).send().await.unwrap();
    assert_eq!(page.results.len(), 200);
}

#[tokio::test]
async fn an_error_body_over_the_limit_is_refused_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(vec![b' '; 4096], "text/html"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).max_response_body(1024).build().unwrap();
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { status: 404, limit: 1024, .. }), "{error:?}");
}

/// A body sent in chunks with no `Content-Length` is counted as it arrives: the client stops reading
/// once it passes the limit, long before the server has sent it all.
#[tokio::test]
async fn a_chunked_body_is_cut_off_at_the_limit() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sent_tx, sent_rx) = tokio::sync::oneshot::channel::<usize>();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0_u8; 4096];
        let _ = socket.read(&mut request).await.unwrap();
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        // 64 MiB in 64 KiB chunks unless the client hangs up first; count what went out.
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0;
        for _ in 0..1024 {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if socket.write_all(&framed).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
        let _ = sent_tx.send(sent);
    });
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .retry_policy(RetryPolicy::none())
        .max_response_body(256 * 1024)
        .build()
        .unwrap();
    let error = client.list_org_api_keys(ORG).send().await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { status: 200, limit: 262_144, .. }), "{error:?}");
    drop(client);
    let sent = tokio::time::timeout(Duration::from_secs(10), sent_rx).await.unwrap().unwrap();
    assert!(sent < 16 * 1024 * 1024, "the server could send {sent} bytes: the client read past its limit");
}
