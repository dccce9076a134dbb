//! Secrets never appear in `Debug` output, errors or logs of the generated client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use atlas_admin_client::models::ApiKeyUserDetails;
use atlas_admin_client::{Client, Credentials, SecretString};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
const PRIVATE_KEY: &str = "0a1b2c3d-private-key-4e5f";
const CLIENT_SECRET: &str = "mdb_sa_sk_client-secret-value";
const TOKEN: &str = "eyJ-access-token-value";

#[test]
fn debug_output_of_clients_and_credentials_hides_secrets() {
    let clients = [
        Client::builder().digest("public-key-1", PRIVATE_KEY).build().unwrap(),
        Client::builder().oauth2("client-id-1", CLIENT_SECRET).build().unwrap(),
        Client::builder().bearer(TOKEN).build().unwrap(),
    ];
    for client in &clients {
        let text = format!("{client:?} {client:#?}");
        for secret in [PRIVATE_KEY, CLIENT_SECRET, TOKEN] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    let builder = format!("{:?}", Client::builder().digest("public-key-1", PRIVATE_KEY));
    assert!(!builder.contains(PRIVATE_KEY), "{builder}");
    assert!(builder.contains("public-key-1"), "{builder}");
    for credentials in
        [Credentials::digest("p", PRIVATE_KEY), Credentials::oauth2("c", CLIENT_SECRET), Credentials::bearer(TOKEN)]
    {
        let text = format!("{credentials:?}");
        assert!(!text.contains(PRIVATE_KEY) && !text.contains(CLIENT_SECRET) && !text.contains(TOKEN), "{text}");
    }
}

#[test]
fn secret_strings_redact_but_serialize_in_clear() {
    let secret = SecretString::from(PRIVATE_KEY);
    assert_eq!(format!("{secret}"), "[redacted]");
    assert_eq!(format!("{secret:?}"), "[redacted]");
    assert_eq!(secret.expose_secret(), PRIVATE_KEY);
    assert_eq!(SecretString::from(PRIVATE_KEY.to_string()), secret);

    let key: ApiKeyUserDetails = serde_json::from_value(serde_json::json!({
        "id": KEY, "publicKey": "abcdefgh", "privateKey": PRIVATE_KEY, "links": [], "roles": []
    }))
    .unwrap();
    let text = format!("{key:?}");
    assert!(!text.contains(PRIVATE_KEY), "{text}");
    assert!(text.contains("abcdefgh"), "{text}");
    assert_eq!(key.private_key.as_ref().map(SecretString::expose_secret), Some(PRIVATE_KEY));
    let back = serde_json::to_value(&key).unwrap();
    assert_eq!(back["privateKey"], PRIVATE_KEY);
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn has_no_authorization(request: &Request) -> bool {
    !request.headers.contains_key("authorization")
}

/// Runs Digest and OAuth2 calls, successes and failures, with every log level captured.
#[tokio::test(flavor = "current_thread")]
async fn logs_never_contain_credentials_tokens_or_bodies() {
    // tracing caches each callsite's interest for the whole process, and while one dispatcher alone is
    // registered it asks the default of whichever thread reaches the callsite first
    // (tokio-rs/tracing#3611): a sibling test, with no subscriber, reaching `atlas.request` first would
    // cache `never` and this test would capture none of its calls (seen once in CI). A global default
    // that keeps nothing makes two registered dispatchers, so every callsite asks both.
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"
        })))
        .mount(&server)
        .await;
    Mock::given(has_no_authorization)
        .respond_with(ResponseTemplate::new(401).insert_header(
            "WWW-Authenticate",
            r#"Digest realm="MMS Public API", domain="", nonce="n0nce", algorithm=MD5, qop="auth", stale=false"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": KEY, "privateKey": PRIVATE_KEY, "links": [], "roles": []
        })))
        .mount(&server)
        .await;

    // What a sibling test may do at any time: reach the client's callsites first from a thread
    // without a subscriber (without the global default above, this alone makes the test fail).
    let uri = server.uri();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let anonymous = Client::builder().base_url(uri).build().unwrap();
            let _ = anonymous.get_org_api_key(ORG, KEY).send().await;
        });
    })
    .join()
    .unwrap();
    let digest = Client::builder().base_url(server.uri()).digest("pub", PRIVATE_KEY).build().unwrap();
    let key = digest.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert!(key.private_key.is_some());
    let oauth = Client::builder()
        .base_url(server.uri())
        .oauth2("client-id", CLIENT_SECRET)
        .oauth2_token_url(format!("{}/api/oauth/token", server.uri()))
        .build()
        .unwrap();
    oauth.get_org_api_key(ORG, KEY).send().await.unwrap();
    let error = oauth.get_org_api_key("bad", KEY).send().await.unwrap_err();
    let error_text = format!("{error} {error:?}");

    let logs = captured.text();
    assert!(logs.contains("atlas.request"), "the span is logged: {logs}");
    assert!(logs.contains("getOrgApiKey"), "{logs}");
    for secret in [PRIVATE_KEY, CLIENT_SECRET, TOKEN] {
        assert!(!logs.contains(secret), "secret in logs: {logs}");
        assert!(!error_text.contains(secret), "{error_text}");
    }
    assert!(!logs.to_ascii_lowercase().contains("authorization:"), "{logs}");
    assert!(!logs.contains("n0nce"), "{logs}");
}
