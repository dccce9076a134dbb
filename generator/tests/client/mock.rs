//! The `mock` feature of the committed client: typed mocks matching what the client sends, answering
//! with typed models, Atlas errors, rate limits and pages, and verifying the calls they got.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::time::Duration;

use atlas_admin_client::mock::MockServer;
use atlas_admin_client::models::{ApiKeyUserDetails, CreateAtlasOrganizationApiKey, OrganizationRole};
use atlas_admin_client::{AtlasError, Client, Error};
use futures::{FutureExt, StreamExt};

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";

fn key(public_key: &str) -> ApiKeyUserDetails {
    ApiKeyUserDetails::default()
        .with_id(KEY)
        .with_public_key(public_key)
        .with_desc("CI deployer")
        .with_private_key("a7e1c7b2-0000-4000-8000-000000000000")
}

fn new_key() -> CreateAtlasOrganizationApiKey {
    CreateAtlasOrganizationApiKey::new("CI deployer", vec![OrganizationRole::OrgMember])
}

/// The status line of a hand-written GET with this `Accept`, so the test controls the header the
/// client would always get right.
fn status_of_get(server: &MockServer, path: &str, accept: &str) -> String {
    let address = server.uri().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_typed_success_decodes_into_the_value_served() {
    let server = MockServer::start().await.unwrap();
    let served = key("abcdefgh");
    server.get_org_api_key(ORG, KEY).respond_with(&served).expect(1).mount().await.unwrap();

    let got = server.client().get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(got, served, "the secret and every other field round-trip");
    server.verify().await;
}

#[tokio::test]
async fn path_parameters_and_optional_query_parameters_are_matched_as_typed() {
    let server = MockServer::start().await.unwrap();
    server.get_org_api_key(ORG, KEY).pretty(true).respond_with(&key("pretty")).mount().await.unwrap();
    let client = server.client();

    assert_eq!(client.get_org_api_key(ORG, KEY).pretty(true).send().await.unwrap().public_key.unwrap(), "pretty");
    let unset = client.get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert_eq!(unset.status(), Some(404), "a parameter the mock sets must be sent: {unset}");
    let other = client.get_org_api_key(ORG, "32b6e34b3d91647abb20e7b9").pretty(true).send().await.unwrap_err();
    assert_eq!(other.status(), Some(404), "another key id is another path");

    // A parameter left unset on the mock matches any value.
    server.get_org_api_key(ORG, "32b6e34b3d91647abb20e7b9").respond_with(&key("any")).mount().await.unwrap();
    let any = client.get_org_api_key(ORG, "32b6e34b3d91647abb20e7b9").pretty(false).send().await.unwrap();
    assert_eq!(any.public_key.as_deref(), Some("any"));
}

#[tokio::test]
async fn only_the_versioned_media_type_the_client_sends_is_matched() {
    let server = MockServer::start().await.unwrap();
    server.get_org_api_key(ORG, KEY).respond_with(&key("k")).mount().await.unwrap();
    let path = format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}");
    let (versioned, plain, other_version) = tokio::task::spawn_blocking(move || {
        let server = server;
        (
            status_of_get(&server, &path, "application/vnd.atlas.2023-01-01+json"),
            status_of_get(&server, &path, "application/json"),
            status_of_get(&server, &path, "application/vnd.atlas.2024-08-05+json"),
        )
    })
    .await
    .unwrap();
    assert!(versioned.contains(" 200"), "{versioned}");
    assert!(plain.contains(" 404"), "{plain}");
    assert!(other_version.contains(" 404"), "{other_version}");
}

#[tokio::test]
async fn a_typed_body_is_matched_as_json_and_read_back() {
    let server = MockServer::start().await.unwrap();
    let created = key("created");
    let calls =
        server.create_org_api_key(ORG, new_key()).respond_with(&created).expect(1).mount_as_scoped().await.unwrap();
    let client = server.client();

    let other = CreateAtlasOrganizationApiKey::new("another key", vec![OrganizationRole::OrgMember]);
    let refused = client.create_org_api_key(ORG, other).send().await.unwrap_err();
    assert_eq!(refused.status(), Some(404), "another body does not match: {refused}");
    assert_eq!(calls.calls().await, 0);

    assert_eq!(client.create_org_api_key(ORG, new_key()).send().await.unwrap(), created);
    assert_eq!(calls.received_bodies().await.unwrap(), [new_key()]);
}

#[tokio::test]
async fn a_typed_api_error_reaches_the_caller_as_error_api() {
    let server = MockServer::start().await.unwrap();
    let error = AtlasError::new("API_KEY_NOT_FOUND").with_detail("No API key with ID 32b6e34b3d91647abb20e7b8 exists.");
    server.get_org_api_key(ORG, KEY).respond_with_error(404, &error).mount().await.unwrap();

    let err = server.client().get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.error_code(), Some("API_KEY_NOT_FOUND"));
    let decoded = err.api_error().unwrap();
    assert_eq!(decoded.error, Some(404), "the document's `error` defaults to the status");
    assert_eq!(decoded.detail.as_deref(), error.detail.as_deref());
}

#[tokio::test]
async fn the_client_retries_after_a_429_with_retry_after() {
    let server = MockServer::start().await.unwrap();
    server.get_org_api_key(ORG, KEY).rate_limited(Duration::ZERO).up_to_n_times(1).expect(1).mount().await.unwrap();
    server.get_org_api_key(ORG, KEY).respond_with(&key("after the wait")).expect(1).mount().await.unwrap();

    let got = server.client().get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(got.public_key.as_deref(), Some("after the wait"));
    server.verify().await;
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_is_returned_with_the_error() {
    let server = MockServer::start().await.unwrap();
    // 90.5 s is sent as 91 s, more than the default policy's 30 s `max_backoff`: no retry.
    server.get_org_api_key(ORG, KEY).rate_limited(Duration::from_millis(90_500)).expect(1).mount().await.unwrap();

    let err = server.client().get_org_api_key(ORG, KEY).send().await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(91)));
    assert_eq!(err.error_code(), Some("RATE_LIMITED"));
    server.verify().await;
}

#[tokio::test]
async fn a_list_is_served_over_the_pages_the_client_asks_for() {
    let server = MockServer::start().await.unwrap();
    let keys: Vec<ApiKeyUserDetails> = (0..5).map(|i| key(&format!("key-{i}"))).collect();
    let pages = server.list_org_api_keys(ORG).respond_with_items(&keys).mount_as_scoped().await.unwrap();

    let streamed: Vec<ApiKeyUserDetails> =
        server.client().list_org_api_keys(ORG).items_per_page(2).stream().map(Result::unwrap).collect().await;
    assert_eq!(streamed, keys);
    assert_eq!(pages.calls().await, 3, "pages of 2, 2 and 1 items");

    let first = server.client().list_org_api_keys(ORG).items_per_page(2).page_num(3).send().await.unwrap();
    assert_eq!(first.results, keys[4..]);
    assert_eq!(first.total_count, Some(5));
    // The streaming default (500 a page) takes one call.
    let all: Vec<_> = server.client().list_org_api_keys(ORG).stream().collect().await;
    assert_eq!(all.len(), 5);
    assert_eq!(pages.calls().await, 5);
}

#[tokio::test]
async fn verification_fails_when_the_call_count_is_wrong() {
    let server = MockServer::start().await.unwrap();
    server.get_org_api_key(ORG, KEY).respond_with(&key("k")).expect(2).mount().await.unwrap();
    server.client().get_org_api_key(ORG, KEY).send().await.unwrap();

    let verified = std::panic::AssertUnwindSafe(server.verify()).catch_unwind().await;
    let message = verified.expect_err("one call where two are expected fails verification");
    let message = message.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("getOrgApiKey"), "the failure names the operation: {message}");

    server.client().get_org_api_key(ORG, KEY).send().await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn a_scoped_mock_checks_its_count_when_dropped() {
    let server = MockServer::start().await.unwrap();
    let scoped = server.get_org_api_key(ORG, KEY).expect(1).mount_as_scoped().await.unwrap();
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(scoped)));
    assert!(dropped.is_err(), "an expected call that never came fails the test");
    // wiremock leaves the failed mock on the server, whose drop would check it again.
    std::mem::forget(server);
}

#[tokio::test]
async fn a_mock_the_client_could_never_match_is_refused() {
    let server = MockServer::start().await.unwrap();
    let refused = server.get_org_api_key("not-an-org-id", KEY).respond_with(&key("k")).mount().await.unwrap_err();
    assert!(matches!(refused, Error::Validation(_)), "{refused}");
}

/// The README's example: a function of the user's, tested with the mock.
async fn key_description(client: &Client, org_id: &str, key_id: &str) -> Result<String, Error> {
    match client.get_org_api_key(org_id, key_id).send().await {
        Ok(key) => Ok(key.desc.unwrap_or_default()),
        Err(e) if e.is_not_found() => Ok("(deleted)".to_owned()),
        Err(e) => Err(e),
    }
}

#[tokio::test]
async fn a_users_function_is_tested_with_the_mock() {
    let server = MockServer::start().await.unwrap();
    server.get_org_api_key(ORG, KEY).respond_with(&key("k")).expect(1).mount().await.unwrap();
    let gone = AtlasError::new("API_KEY_NOT_FOUND");
    server.get_org_api_key(ORG, "5d1113b25a115342acc2d1aa").respond_with_error(404, &gone).mount().await.unwrap();

    assert_eq!(key_description(server.client(), ORG, KEY).await.unwrap(), "CI deployer");
    assert_eq!(key_description(server.client(), ORG, "5d1113b25a115342acc2d1aa").await.unwrap(), "(deleted)");
}
