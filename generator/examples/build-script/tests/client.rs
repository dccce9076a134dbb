//! The client generated at build time works like the committed one: a typed call against a local mock,
//! checked on the wire.

use atlas_codegen_example_build_script::{Client, RetryPolicy};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "5d1113b25a115342acc2d1aa";

#[tokio::test]
async fn a_typed_call_reaches_the_server_and_decodes() {
    let server = MockServer::start().await;
    let body =
        serde_json::json!({"id": KEY, "publicKey": "zmmrboas", "roles": [{"orgId": ORG, "roleName": "ORG_OWNER"}]});
    Mock::given(method("GET"))
        .and(path(format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}")))
        .and(header("accept", "application/vnd.atlas.2023-01-01+json"))
        .and(header("authorization", "Bearer t0ken"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/vnd.atlas.2023-01-01+json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client =
        Client::builder().base_url(server.uri()).bearer("t0ken").retry_policy(RetryPolicy::none()).build().unwrap();
    let key = client.get_org_api_key(ORG, KEY).send().await.unwrap();
    assert_eq!(key.id.as_deref(), Some(KEY));
    assert_eq!(key.public_key.as_deref(), Some("zmmrboas"));
}

#[tokio::test]
async fn constraints_from_the_spec_are_checked_before_sending() {
    let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    // orgId must be 24 hexadecimal characters (the spec's pattern): nothing is sent.
    let error = client.get_org_api_key("not-an-id", KEY).send().await.unwrap_err();
    assert!(matches!(error, atlas_codegen_example_build_script::Error::Validation(_)), "{error:?}");
}
