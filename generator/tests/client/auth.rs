//! Authentication of the generated client against a mock Atlas: HTTP Digest and OAuth2.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use atlas_admin_client::{models::ApiKeyUserDetails, AuthError, Client, Error, RetryPolicy};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Ports for "nobody listens here" tests are taken on 127.0.0.2, where no wiremock server (bound to
/// 127.0.0.1) can pick up a port such a test has just freed.
const REFUSED_HOST: &str = "127.0.0.2:0";

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
const KEY_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys/32b6e34b3d91647abb20e7b8";
const TOKEN_PATH: &str = "/api/oauth/token";
const CLIENT_ID: &str = "sa-client-id";
const CLIENT_SECRET: &str = "sa-client-secret-XYZ";
/// `Basic base64("sa-client-id:sa-client-secret-XYZ")`.
const BASIC: &str = "Basic c2EtY2xpZW50LWlkOnNhLWNsaWVudC1zZWNyZXQtWFla";

fn challenge(nonce: &str, stale: bool) -> String {
    format!(r#"Digest realm="MMS Public API", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", stale={stale}"#)
}

fn key_body() -> serde_json::Value {
    serde_json::json!({
        "id": KEY,
        "desc": "ci key",
        "publicKey": "abcdefgh",
        "privateKey": "********-****-****-db2c132ca78d",
        "roles": [{"orgId": ORG, "roleName": "ORG_OWNER"}],
        "links": []
    })
}

fn authorization(request: &Request) -> Option<String> {
    request.headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn no_authorization(request: &Request) -> bool {
    authorization(request).is_none()
}

fn digest_with_nonce(nonce: &'static str) -> impl Fn(&Request) -> bool + Send + Sync {
    move |request: &Request| {
        authorization(request)
            .is_some_and(|value| value.starts_with("Digest ") && value.contains(&format!(r#"nonce="{nonce}""#)))
    }
}

/// The value of one `key=value` (or `key="value"`) parameter of a Digest `Authorization` header.
fn digest_param(header: &str, key: &str) -> Option<String> {
    let rest = header.strip_prefix("Digest ")?;
    rest.split(", ").find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim() == key).then(|| v.trim_matches('"').to_owned())
    })
}

async fn api_requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default().into_iter().filter(|r| r.url.path() != TOKEN_PATH).collect()
}

#[tokio::test]
async fn digest_answers_the_challenge_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(no_authorization)
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge("nonce-1", false)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(digest_with_nonce("nonce-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder().base_url(server.uri()).digest("pubkey", "privkey-secret").build().unwrap();
    let key: ApiKeyUserDetails = client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(key.id.as_deref(), Some(KEY));

    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 2);
    let header = authorization(&requests[1]).unwrap();
    assert_eq!(digest_param(&header, "username").as_deref(), Some("pubkey"));
    assert_eq!(digest_param(&header, "realm").as_deref(), Some("MMS Public API"));
    assert_eq!(digest_param(&header, "uri").as_deref(), Some(KEY_PATH));
    assert_eq!(digest_param(&header, "qop").as_deref(), Some("auth"));
    assert_eq!(digest_param(&header, "nc").as_deref(), Some("00000001"));
    assert!(digest_param(&header, "cnonce").is_some_and(|c| !c.is_empty()));
    assert_eq!(digest_param(&header, "response").map(|r| r.len()), Some(32), "MD5 hex digest");
    assert!(!header.contains("privkey-secret"));
}

#[tokio::test]
async fn digest_reuses_the_nonce_so_n_calls_cost_n_plus_one_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(no_authorization)
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge("nonce-reused", false)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(digest_with_nonce("nonce-reused"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(5)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys"))
        .and(digest_with_nonce("nonce-reused"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"links": [], "results": []})))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder().base_url(server.uri()).digest("pubkey", "privkey").build().unwrap();
    for _ in 0..5 {
        client.get_org_api_key(ORG, KEY).send().await.unwrap();
    }

    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 6, "5 calls cost 5 + 1 requests");
    let counts: Vec<String> = requests[1..].iter().filter_map(|r| digest_param(&authorization(r)?, "nc")).collect();
    assert_eq!(counts, ["00000001", "00000002", "00000003", "00000004", "00000005"]);
    // The query string is part of the digested URI.
    client.list_org_api_keys(ORG).items_per_page(100).page_num(2).send().await.unwrap();
    let requests = api_requests(&server).await;
    let last = authorization(requests.last().unwrap()).unwrap();
    let uri = digest_param(&last, "uri").unwrap();
    assert!(uri.starts_with("/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys?"), "{uri}");
    assert!(uri.contains("itemsPerPage=100") && uri.contains("pageNum=2"), "{uri}");
}

#[tokio::test]
async fn digest_recovers_from_a_stale_nonce() {
    let server = MockServer::start().await;
    Mock::given(no_authorization)
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge("old-nonce", false)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(digest_with_nonce("old-nonce"))
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge("new-nonce", true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(digest_with_nonce("new-nonce"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(2)
        .mount(&server)
        .await;

    let client = Client::builder().base_url(server.uri()).digest("pubkey", "privkey").build().unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 4);
    let counts: Vec<String> = requests[2..].iter().filter_map(|r| digest_param(&authorization(r)?, "nc")).collect();
    assert_eq!(counts, ["00000001", "00000002"], "the nonce count restarts with the new nonce");
}

#[tokio::test]
async fn digest_gives_up_when_a_fresh_challenge_is_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge("n", false)).set_body_json(
                serde_json::json!({"error": 401, "errorCode": "UNAUTHORIZED", "reason": "Unauthorized"}),
            ),
        )
        .mount(&server)
        .await;

    let client = Client::builder().base_url(server.uri()).digest("pubkey", "wrong-key").build().unwrap();
    // Bounded, so a client that loops on challenges fails this test instead of hanging CI.
    let call = client.get_org_api_key(ORG, KEY).send();
    let error =
        tokio::time::timeout(Duration::from_secs(10), call).await.expect("no endless challenge loop").unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert_eq!(error.status(), Some(401));
    assert!(!error.to_string().contains("wrong-key"));
    assert_eq!(api_requests(&server).await.len(), 2, "no endless challenge loop");
}

#[tokio::test]
async fn digest_without_a_challenge_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).digest("pubkey", "privkey").build().unwrap();
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert_eq!(api_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn digest_signs_post_bodies_and_sends_content_type() {
    let server = MockServer::start().await;
    Mock::given(no_authorization)
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge("p", false)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys"))
        .and(digest_with_nonce("p"))
        .and(header("content-type", "application/vnd.atlas.2023-01-01+json"))
        .and(header("accept", "application/vnd.atlas.2023-01-01+json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).digest("pubkey", "privkey").build().unwrap();
    let body = atlas_admin_client::models::CreateAtlasOrganizationApiKey::new(
        "ci",
        vec![atlas_admin_client::models::OrganizationRole::OrgOwner],
    );
    let created = client.create_org_api_key(ORG, body).send().await.unwrap();
    assert_eq!(created.public_key.as_deref(), Some("abcdefgh"));
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 2);
    let sent: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(sent, serde_json::json!({"desc": "ci", "roles": ["ORG_OWNER"]}));
    let header = authorization(&requests[1]).unwrap();
    assert_eq!(digest_param(&header, "uri").as_deref(), Some("/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys"));
    assert_eq!(
        digest_param(&header, "response").unwrap(),
        expected_digest_response(&header, "POST", "privkey"),
        "the response hash covers the POST method"
    );
}

fn token_response(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": token,
        "expires_in": expires_in,
        "token_type": "Bearer"
    }))
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(50))
}

fn oauth_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .oauth2_token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .build()
        .unwrap()
}

async fn mount_api_for_token(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .mount(server)
        .await;
}

fn bearer_tokens(requests: &[Request]) -> Vec<String> {
    requests.iter().filter_map(authorization).map(|value| value.trim_start_matches("Bearer ").to_owned()).collect()
}

#[tokio::test]
async fn oauth2_fetches_one_token_and_reuses_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("authorization", BASIC))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(token_response("token-1", 3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "token-1").await;

    let client = oauth_client(&server);
    for _ in 0..3 {
        client.get_org_api_key(ORG, KEY).send().await.unwrap();
    }
    assert_eq!(bearer_tokens(&api_requests(&server).await), ["token-1", "token-1", "token-1"]);
}

#[tokio::test]
async fn oauth2_refreshes_a_token_close_to_expiry() {
    let server = MockServer::start().await;
    // A 4 s lifetime is shorter than the default 60 s refresh margin: the margin shrinks to half the
    // lifetime, so the token is reused for 2 s (ample for two loopback calls on a loaded machine) and
    // then refreshed.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("short-lived", 4))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("long-lived", 3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "short-lived").await;
    mount_api_for_token(&server, "long-lived").await;

    let client = oauth_client(&server);
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(bearer_tokens(&api_requests(&server).await), ["short-lived", "short-lived", "long-lived", "long-lived"]);
}

#[tokio::test]
async fn oauth2_reuses_a_token_that_lives_less_than_the_refresh_margin() {
    // 30 s is within the default 60 s margin; a token is still reused (for 15 s), not fetched per call.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("short", 30))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "short").await;
    let client = oauth_client(&server);
    for _ in 0..3 {
        client.get_org_api_key(ORG, KEY).send().await.unwrap();
    }
    assert_eq!(bearer_tokens(&api_requests(&server).await), ["short", "short", "short"]);
}

#[tokio::test]
async fn oauth2_huge_expires_in_does_not_panic_and_the_token_is_reused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("forever", u64::MAX))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "forever").await;
    let client = oauth_client(&server);
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(bearer_tokens(&api_requests(&server).await), ["forever", "forever"]);
}

#[tokio::test]
async fn oauth2_huge_refresh_margin_does_not_panic() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("token", 3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "token").await;
    let client = Client::builder()
        .base_url(server.uri())
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .oauth2_token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .token_refresh_margin(Duration::MAX)
        .build()
        .unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(bearer_tokens(&api_requests(&server).await), ["token", "token"]);
}

#[tokio::test]
async fn oauth2_token_endpoint_outages_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("after-outage", 3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "after-outage").await;
    let client = Client::builder()
        .base_url(server.uri())
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .oauth2_token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let key = client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(key.id.as_deref(), Some(KEY));
    assert_eq!(bearer_tokens(&api_requests(&server).await), ["after-outage"]);
}

#[tokio::test]
async fn oauth2_token_endpoint_outages_are_retried_even_for_a_post() {
    // The API request is not sent before a token is obtained, so retrying is safe for any method.
    let server = MockServer::start().await;
    for status in [429, 502, 504] {
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("after-outage", 3600))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys"))
        .and(header("authorization", "Bearer after-outage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .oauth2_token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let body = atlas_admin_client::models::CreateAtlasOrganizationApiKey::new(
        "ci",
        vec![atlas_admin_client::models::OrganizationRole::OrgOwner],
    );
    client.create_org_api_key(ORG, body).send().await.unwrap();
    assert_eq!(api_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn oauth2_unreachable_token_endpoint_is_retried() {
    // The token endpoint refuses connections at first, then comes up.
    let api = MockServer::start().await;
    mount_api_for_token(&api, "late-token").await;
    let listener = std::net::TcpListener::bind(REFUSED_HOST).unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let policy = RetryPolicy::default()
        .max_attempts(1000)
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(20))
        .max_elapsed(Duration::from_secs(20));
    let client = Client::builder()
        .base_url(api.uri())
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .oauth2_token_url(format!("http://{address}{TOKEN_PATH}"))
        .retry_policy(policy)
        .build()
        .unwrap();
    let call = tokio::spawn(async move { client.get_org_api_key(ORG, KEY).send().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!call.is_finished(), "the call gave up when the token endpoint was unreachable");
    let tokens = MockServer::builder().listener(std::net::TcpListener::bind(address).unwrap()).start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("late-token", 3600))
        .expect(1)
        .mount(&tokens)
        .await;
    call.await.unwrap().unwrap();
    assert_eq!(bearer_tokens(&api_requests(&api).await), ["late-token"]);
}

#[tokio::test]
async fn oauth2_token_endpoint_outage_ends_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .oauth2_token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::Auth(AuthError::TokenEndpoint { status: 503, .. })), "{error:?}");
    assert!(api_requests(&server).await.is_empty());
}

#[tokio::test]
async fn oauth2_concurrent_callers_share_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("shared", 3600).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "shared").await;

    let client = oauth_client(&server);
    let calls = (0..10).map(|_| {
        let client = client.clone();
        async move { client.get_org_api_key(ORG, KEY).send().await }
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(api_requests(&server).await.len(), 10);
}

#[tokio::test]
async fn oauth2_refetches_once_when_the_api_rejects_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("revoked", 3600))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path(TOKEN_PATH)).respond_with(token_response("valid", 3600)).mount(&server).await;
    Mock::given(header("authorization", "Bearer revoked"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "valid").await;

    let client = oauth_client(&server);
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(bearer_tokens(&api_requests(&server).await), ["revoked", "valid", "valid"]);
}

#[tokio::test]
async fn oauth2_token_body_over_64_kib_is_refused_before_it_is_buffered() {
    let server = MockServer::start().await;
    let huge = format!(r#"{{"access_token": "{}", "expires_in": 3600}}"#, "a".repeat(70 * 1024));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let error = oauth_client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(text.contains("larger than 65536 bytes"), "{text}");
    assert!(api_requests(&server).await.is_empty(), "no API request without a token");
}

#[tokio::test]
async fn oauth2_token_endpoint_failure_is_an_auth_error_without_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_client"})))
        .expect(1)
        .mount(&server)
        .await;

    let client = oauth_client(&server);
    let error = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(text.contains("401") && text.contains("invalid_client"), "{text}");
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    assert!(api_requests(&server).await.is_empty(), "no API request without a token");
}

#[tokio::test]
async fn bearer_and_none_credentials() {
    let server = MockServer::start().await;
    mount_api_for_token(&server, "static-token").await;
    Mock::given(no_authorization)
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .mount(&server)
        .await;

    let bearer = Client::builder().base_url(server.uri()).bearer("static-token").build().unwrap();
    bearer.get_org_api_key(ORG, KEY).send().await.unwrap();
    let anonymous = Client::builder().base_url(server.uri()).build().unwrap();
    anonymous.get_org_api_key(ORG, KEY).send().await.unwrap();
    let requests = api_requests(&server).await;
    assert_eq!(authorization(&requests[0]).as_deref(), Some("Bearer static-token"));
    assert_eq!(authorization(&requests[1]), None);
}

/// The RFC 7616 (MD5, qop=auth) response a server expects, computed independently of the client's
/// digest_auth crate with the `md-5` crate.
fn expected_digest_response(header: &str, method: &str, password: &str) -> String {
    use md5::{Digest, Md5};
    let hex = |s: String| Md5::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let p = |k: &str| digest_param(header, k).unwrap_or_else(|| panic!("`{k}` missing from {header}"));
    let ha1 = hex(format!("{}:{}:{password}", p("username"), p("realm")));
    let ha2 = hex(format!("{method}:{}", p("uri")));
    hex(format!("{ha1}:{}:{}:{}:{}:{ha2}", p("nonce"), p("nc"), p("cnonce"), p("qop")))
}

#[tokio::test]
async fn digest_responses_are_correct_rfc_7616_md5_hashes_with_increasing_nc() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(no_authorization)
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge("n0nce", false)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(digest_with_nonce("n0nce"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_body()))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).digest("pubkey", "priv-secret").build().unwrap();
    for _ in 0..3 {
        client.get_org_api_key(ORG, KEY).pretty(true).send().await.unwrap();
    }
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 4, "one challenge, then one request per call");
    let mut counts = Vec::new();
    for request in &requests[1..] {
        let header = authorization(request).unwrap();
        assert_eq!(digest_param(&header, "username").as_deref(), Some("pubkey"));
        assert_eq!(digest_param(&header, "realm").as_deref(), Some("MMS Public API"));
        assert_eq!(digest_param(&header, "uri").as_deref(), Some(&*format!("{KEY_PATH}?pretty=true")));
        assert_eq!(
            digest_param(&header, "response").unwrap(),
            expected_digest_response(&header, "GET", "priv-secret"),
            "the server would reject this response hash"
        );
        counts.push(u32::from_str_radix(&digest_param(&header, "nc").unwrap(), 16).unwrap());
    }
    assert_eq!(counts, [1, 2, 3], "nc counts up while the nonce is reused");
}

/// A Digest server as strict as RFC 7616 allows: every answer must carry a nonce it issued, the
/// right hash, and a nonce count higher than any it saw for that nonce (a replay defence). Anything
/// else gets a 401 with a fresh nonce.
struct StrictDigestServer {
    password: &'static str,
    /// Issued nonces and the highest `nc` seen for each.
    nonces: std::sync::Mutex<std::collections::HashMap<String, u32>>,
}

impl wiremock::Respond for StrictDigestServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut nonces = self.nonces.lock().unwrap();
        if let Some(header) = authorization(request) {
            let nonce = digest_param(&header, "nonce").unwrap_or_default();
            let nc = digest_param(&header, "nc").and_then(|nc| u32::from_str_radix(&nc, 16).ok()).unwrap_or(0);
            let hash_ok = digest_param(&header, "response").as_deref()
                == Some(&*expected_digest_response(&header, request.method.as_str(), self.password));
            if let Some(last) = nonces.get_mut(&nonce) {
                if hash_ok && nc > *last {
                    *last = nc;
                    return ResponseTemplate::new(200).set_body_json(key_body());
                }
            }
        }
        let fresh = format!("nonce-{}", nonces.len());
        nonces.insert(fresh.clone(), 0);
        // Challenges are slow to come back, so the calls of a warm-up burst all overlap and each gets
        // a nonce of its own however the machine schedules them; without it a loaded machine could let
        // some warm-up calls finish before others start, leaving fewer nonces than later bursts need.
        ResponseTemplate::new(401)
            .insert_header("WWW-Authenticate", challenge(&fresh, false))
            .set_delay(std::time::Duration::from_millis(300))
    }
}

/// Under concurrency each call keeps to one round trip against a server that rejects a lower `nc`:
/// after a warm-up burst, N concurrent calls cost exactly N requests, for several bursts.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_digest_calls_cost_one_request_each_against_a_strict_nc_server() {
    const N: usize = 20;
    let server = MockServer::start().await;
    let strict = StrictDigestServer { password: "privkey", nonces: Default::default() };
    Mock::given(method("GET")).respond_with(strict).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).digest("pubkey", "privkey").build().unwrap();
    let burst = || {
        let calls = (0..N).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_org_api_key(ORG, KEY).send().await })
        });
        futures::future::join_all(calls)
    };
    for result in burst().await {
        result.unwrap().unwrap();
    }
    for round in 1..=3 {
        let before = api_requests(&server).await.len();
        for result in burst().await {
            result.unwrap().unwrap();
        }
        let sent = api_requests(&server).await.len() - before;
        assert_eq!(sent, N, "burst {round}: {N} concurrent calls after the warm-up");
    }
}

fn unauthorized_body(code: &str) -> serde_json::Value {
    serde_json::json!({"error": 401, "errorCode": code, "detail": "The credentials are not valid.", "reason": "Unauthorized"})
}

/// A 401 reads the same whichever way it came: `is_unauthorized()`, `status()` and the decoded Atlas
/// error for a rejected bearer token, a rejected Digest answer and a refusing token endpoint.
#[tokio::test]
async fn every_401_is_unauthorized_with_status_and_atlas_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer bad-token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(unauthorized_body("INVALID_TOKEN")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(|request: &Request| authorization(request).is_none_or(|v| v.starts_with("Digest ")))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("WWW-Authenticate", challenge("n", false))
                .set_body_json(unauthorized_body("USER_UNAUTHORIZED")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(unauthorized_body("INVALID_SERVICE_ACCOUNT")))
        .mount(&server)
        .await;

    let bearer = Client::builder().base_url(server.uri()).bearer("bad-token").build().unwrap();
    let digest = Client::builder().base_url(server.uri()).digest("pubkey", "wrong-key").build().unwrap();
    let oauth = Client::builder().base_url(server.uri()).oauth2(CLIENT_ID, "wrong-secret").build().unwrap();
    let cases = [
        (bearer.get_org_api_key(ORG, KEY).send().await.unwrap_err(), "INVALID_TOKEN"),
        (digest.get_org_api_key(ORG, KEY).send().await.unwrap_err(), "USER_UNAUTHORIZED"),
        (oauth.get_org_api_key(ORG, KEY).send().await.unwrap_err(), "INVALID_SERVICE_ACCOUNT"),
    ];
    for (error, code) in &cases {
        assert!(error.is_unauthorized(), "{error:?}");
        assert_eq!(error.status(), Some(401), "{error:?}");
        assert_eq!(error.error_code(), Some(*code), "{error:?}");
        let atlas = error.api_error().unwrap();
        assert_eq!(atlas.detail.as_deref(), Some("The credentials are not valid."));
        assert!(error.to_string().contains(code), "{error}");
    }
    assert!(matches!(cases[1].0, Error::Auth(AuthError::Rejected { .. })), "{:?}", cases[1].0);
    assert!(matches!(cases[2].0, Error::Auth(AuthError::TokenEndpoint { .. })), "{:?}", cases[2].0);
    // Other failures are not 401s.
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer forbidden"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({"error": 403})))
        .mount(&server)
        .await;
    let forbidden = Client::builder().base_url(server.uri()).bearer("forbidden").build().unwrap();
    assert!(!forbidden.get_org_api_key(ORG, KEY).send().await.unwrap_err().is_unauthorized());
}

/// With only `.base_url(mock)` set, client credentials go to the mock's token endpoint, never to the
/// spec's (the real Atlas) host.
#[tokio::test]
async fn the_token_url_follows_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("authorization", BASIC))
        .respond_with(token_response("from-the-mock", 3600))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_for_token(&server, "from-the-mock").await;
    let client = Client::builder().base_url(server.uri()).oauth2(CLIENT_ID, CLIENT_SECRET).build().unwrap();
    let key = client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(key.id.as_deref(), Some(KEY));
    assert!(format!("{client:?}").contains(&format!("{}{TOKEN_PATH}", server.uri())), "{client:?}");

    // An explicit token URL wins, in either order of the builder calls.
    let other = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/idp/token"))
        .respond_with(token_response("from-the-mock", 3600))
        .expect(1)
        .mount(&other)
        .await;
    let client = Client::builder()
        .oauth2_token_url(format!("{}/idp/token", other.uri()))
        .base_url(server.uri())
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();
    client.get_org_api_key(ORG, KEY).send().await.unwrap();
}
