//! Response headers and error bodies as the official description documents them: `RateLimit-Limit`
//! and `RateLimit-Remaining` on every 200 and 429, `Retry-After` on 429, and error bodies in plain
//! `application/json` although the client asks for the versioned media type.
//!
//! The header names come from the spec (lowered here), not from a list in the test, so a spec that
//! stopped documenting a header, or documented another, fails here before it reaches callers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_admin_client::models::{ApiError, CreateAtlasOrganizationApiKey, OrganizationRole};
use atlas_admin_client::{Client, Error, RateLimit, RetryPolicy};
use atlas_codegen::ir::{Api, Operation, Status};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
const LIST_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys";
const KEY_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys/32b6e34b3d91647abb20e7b8";
const VERSIONED: &str = "application/vnd.atlas.2023-01-01+json";

fn spec() -> Api {
    let text = include_str!("../../../spec/atlas-api-keys.yaml");
    atlas_codegen::lower_spec("spec/atlas-api-keys.yaml", text).unwrap().0
}

fn response_headers(op: &Operation, status: u16) -> Vec<String> {
    let response = op.responses.iter().find(|r| r.status == Status::Code(status));
    response.unwrap_or_else(|| panic!("{} documents {status}", op.id)).headers.clone()
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
}

/// Every header the spec documents for `status` of `op`, with the value the mock sends for it.
fn documented_values(op: &Operation, status: u16) -> Vec<(String, &'static str)> {
    response_headers(op, status)
        .into_iter()
        .map(|name| {
            let value = match name.to_ascii_lowercase().as_str() {
                "ratelimit-limit" => "100",
                "ratelimit-remaining" => "42",
                "retry-after" => "7",
                other => panic!("{}: the spec documents `{other}`, which this test does not know", op.id),
            };
            (name, value)
        })
        .collect()
}

fn template(status: u16, content_type: &str, body: serde_json::Value, headers: &[(String, &str)]) -> ResponseTemplate {
    let mut template = ResponseTemplate::new(status).set_body_raw(body.to_string(), content_type);
    for (name, value) in headers {
        template = template.insert_header(name.as_str(), *value);
    }
    template
}

fn key_json() -> serde_json::Value {
    serde_json::json!({"id": KEY, "publicKey": "zmmrboas", "roles": [{"orgId": ORG, "roleName": "ORG_MEMBER"}]})
}

#[test]
fn the_spec_documents_the_rate_limit_headers_on_every_200_and_429() {
    let api = spec();
    assert_eq!(api.operations.len(), 3);
    for op in &api.operations {
        assert_eq!(response_headers(op, 200), ["RateLimit-Limit", "RateLimit-Remaining"], "{}", op.id);
        assert_eq!(response_headers(op, 429), ["RateLimit-Limit", "RateLimit-Remaining", "Retry-After"], "{}", op.id);
    }
}

#[tokio::test]
async fn every_operation_reports_the_documented_rate_limit_headers_of_a_success() {
    let api = spec();
    let server = MockServer::start().await;
    let list = api.operations.iter().find(|o| o.id == "listOrgApiKeys").unwrap();
    let get = api.operations.iter().find(|o| o.id == "getOrgApiKey").unwrap();
    let create = api.operations.iter().find(|o| o.id == "createOrgApiKey").unwrap();
    let page = serde_json::json!({"results": [key_json()], "totalCount": 1});
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(template(200, VERSIONED, page, &documented_values(list, 200)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(template(200, VERSIONED, key_json(), &documented_values(get, 200)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(LIST_PATH))
        .respond_with(template(200, VERSIONED, key_json(), &documented_values(create, 200)))
        .mount(&server)
        .await;
    let client = client(&server);
    let expected = RateLimit { limit: Some(100), remaining: Some(42) };

    let listed = client.list_org_api_keys(ORG).send_with_meta().await.unwrap();
    assert_eq!(listed.rate_limit(), expected);
    let got = client.get_org_api_key(ORG, KEY).send_with_meta().await.unwrap();
    assert_eq!(got.rate_limit(), expected);
    let body = CreateAtlasOrganizationApiKey::new("ci", vec![OrganizationRole::OrgMember]);
    let created = client.create_org_api_key(ORG, body).send_with_meta().await.unwrap();
    assert_eq!(created.rate_limit(), expected);
}

#[tokio::test]
async fn a_success_without_rate_limit_headers_reports_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(template(200, VERSIONED, key_json(), &[])).mount(&server).await;
    let got = client(&server).get_org_api_key(ORG, KEY).send_with_meta().await.unwrap();
    assert_eq!(got.rate_limit(), RateLimit { limit: None, remaining: None });
}

#[tokio::test]
async fn a_429_in_application_json_after_a_versioned_accept_is_decoded_with_its_headers() {
    let api = spec();
    let list = api.operations.iter().find(|o| o.id == "listOrgApiKeys").unwrap();
    let too_many = list.responses.iter().find(|r| r.status == Status::Code(429)).unwrap();
    assert_eq!(too_many.media_type.as_deref(), Some("application/json"), "the spec's 429 media type");
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "error": 429, "errorCode": "RATE_LIMITED", "detail": "Resource is rate limited.", "reason": "Too Many Requests"
    });
    // The mock answers only a request that asked for the versioned media type.
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(header("accept", VERSIONED))
        .respond_with(template(429, "application/json", body, &documented_values(list, 429)))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).list_org_api_keys(ORG).send().await.unwrap_err();

    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.error_code(), Some("RATE_LIMITED"));
    let atlas = error.api_error().unwrap();
    assert_eq!((atlas.error, atlas.detail.as_deref()), (Some(429), Some("Resource is rate limited.")));
    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(7)));
    let failure = error.api_failure().unwrap();
    assert_eq!(failure.rate_limit, RateLimit { limit: Some(100), remaining: Some(42) });
}

#[tokio::test]
async fn a_404_in_application_json_decodes_into_the_specs_api_error_model() {
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "error": 404,
        "errorCode": "RESOURCE_NOT_FOUND",
        "detail": null,
        "reason": "Not Found",
        "parameters": [{"resource": KEY}],
        "badRequestDetail": null
    });
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(template(404, "application/json", body, &[]))
        .mount(&server)
        .await;

    let error = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap_err();

    let Error::Api(failure) = &error else { panic!("expected an API error, got {error:?}") };
    assert!(error.is_not_found());
    assert_eq!(error.error_code(), Some("RESOURCE_NOT_FOUND"));
    // The raw body decodes into the spec's `ApiError`: nullable `detail` and `badRequestDetail`,
    // required `errorCode`, `parameters` as objects.
    let model: ApiError = serde_json::from_str(&failure.body).unwrap();
    assert_eq!((model.error, model.error_code.as_str()), (404, "RESOURCE_NOT_FOUND"));
    assert_eq!((model.detail, model.reason.as_deref()), (None, Some("Not Found")));
    assert_eq!(model.bad_request_detail, None);
    assert_eq!(model.parameters.len(), 1);
    assert_eq!(model.parameters[0]["resource"], KEY);
}

#[tokio::test]
async fn field_violations_of_a_bad_request_are_decoded() {
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "error": 400,
        "errorCode": "INVALID_ATTRIBUTE",
        "detail": "Invalid attribute roles specified.",
        "badRequestDetail": {"fields": [{"field": "roles[0]", "description": "not an organization role"}]}
    });
    Mock::given(method("POST"))
        .and(path(LIST_PATH))
        .respond_with(template(400, "application/json", body, &[]))
        .mount(&server)
        .await;

    let roles = vec![OrganizationRole::Unknown("GROUP_OWNER".into())];
    let result = client(&server).create_org_api_key(ORG, CreateAtlasOrganizationApiKey::new("ci", roles)).send().await;
    let error = result.unwrap_err();

    assert_eq!(error.status(), Some(400));
    let violations = &error.api_error().unwrap().field_violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field.as_deref(), Some("roles[0]"));
    let Error::Api(failure) = &error else { panic!("expected an API error") };
    let model: ApiError = serde_json::from_str(&failure.body).unwrap();
    let fields = model.bad_request_detail.unwrap().fields;
    assert_eq!((fields[0].field.as_str(), fields[0].description.as_str()), ("roles[0]", "not an organization role"));
}
