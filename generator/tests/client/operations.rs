//! The three operations of the generated client against a mock server: the exact request each one
//! sends (method, path, query string, headers, body) and the decoded response (every field).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_admin_client::models::{
    ApiKeyUserDetails, CloudAccessRoleAssignment, CreateAtlasOrganizationApiKey, Link, OrganizationRole,
    PaginatedApiApiUserView,
};
use atlas_admin_client::{Client, RateLimit, Response};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A `Link` as the client decodes it (response types are `#[non_exhaustive]`: built field by field).
fn link(href: impl Into<String>, rel: impl Into<String>) -> Link {
    let mut link = Link::default();
    link.href = Some(href.into());
    link.rel = Some(rel.into());
    link
}

/// A role assignment as the client decodes it.
fn role_assignment(
    group_id: Option<String>,
    org_id: Option<String>,
    role_name: Option<&str>,
) -> CloudAccessRoleAssignment {
    let mut role = CloudAccessRoleAssignment::default();
    role.group_id = group_id;
    role.org_id = org_id;
    role.role_name = role_name.map(str::to_owned);
    role
}

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
const GROUP: &str = "5f3a9c2b1d4e6f7a8b9c0d1e";
const LIST_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys";
const KEY_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys/32b6e34b3d91647abb20e7b8";
const MEDIA: &str = "application/vnd.atlas.2023-01-01+json";

/// A client of `server` without credentials, with the default retry policy.
fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

/// Mounts a mock answering `verb path` with `status` and the JSON `body`, plus extra headers.
async fn answer(
    server: &MockServer,
    verb: &str,
    route: &str,
    status: u16,
    body: serde_json::Value,
    headers: &[(&str, &str)],
) {
    let mut template = ResponseTemplate::new(status).set_body_raw(body.to_string(), MEDIA);
    for (name, value) in headers {
        template = template.insert_header(*name, *value);
    }
    Mock::given(method(verb)).and(path(route)).respond_with(template).mount(server).await;
}

/// The only request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).map(|value| value.to_str().expect("ASCII header"))
}

/// Asserts what every request of this client carries, whatever the operation.
fn assert_common_headers(request: &Request) {
    assert_eq!(header(request, "accept"), Some(MEDIA));
    let agent = header(request, "user-agent").expect("a User-Agent header");
    assert!(agent.starts_with("atlas-admin-client/"), "{agent}");
    assert!(agent.len() > "atlas-admin-client/".len(), "the version follows the slash: {agent}");
    assert_eq!(header(request, "authorization"), None, "no credentials, no Authorization");
}

/// Asserts a request without a body.
fn assert_no_body(request: &Request) {
    assert!(request.body.is_empty(), "a GET has no body: {:?}", String::from_utf8_lossy(&request.body));
    assert_eq!(header(request, "content-type"), None, "no body, no Content-Type");
}

/// A complete API key as Atlas returns it from `create` (private key in clear).
fn created_key_json() -> serde_json::Value {
    serde_json::json!({
        "desc": "Terraform deployments",
        "id": KEY,
        "links": [
            {"href": format!("https://cloud.mongodb.com{KEY_PATH}"), "rel": "self"},
            {"href": "https://cloud.mongodb.com/api/atlas/v2/orgs", "rel": "http://cloud.mongodb.com/parent"}
        ],
        "privateKey": "55c3bbb6-b4bb-0be1-e66d20841f3e",
        "publicKey": "zmmrboas",
        "roles": [
            {"orgId": ORG, "roleName": "ORG_MEMBER"},
            {"orgId": ORG, "roleName": "ORG_BILLING_ADMIN"},
            {"groupId": GROUP, "roleName": "GROUP_READ_ONLY"}
        ]
    })
}

/// The decoded form of [`created_key_json`], with the private key Atlas sent.
fn assert_created_key(key: &ApiKeyUserDetails, private_key: &str) {
    assert_eq!(key.desc.as_deref(), Some("Terraform deployments"));
    assert_eq!(key.id.as_deref(), Some(KEY));
    assert_eq!(key.public_key.as_deref(), Some("zmmrboas"));
    assert_eq!(key.private_key.as_ref().map(|secret| secret.expose_secret()), Some(private_key));
    assert_eq!(
        key.links,
        vec![
            link(format!("https://cloud.mongodb.com{KEY_PATH}"), "self".to_owned()),
            link(
                "https://cloud.mongodb.com/api/atlas/v2/orgs".to_owned(),
                "http://cloud.mongodb.com/parent".to_owned()
            ),
        ]
    );
    assert_eq!(
        key.roles,
        vec![
            role_assignment(None, Some(ORG.to_owned()), Some("ORG_MEMBER")),
            role_assignment(None, Some(ORG.to_owned()), Some("ORG_BILLING_ADMIN")),
            role_assignment(Some(GROUP.to_owned()), None, Some("GROUP_READ_ONLY")),
        ]
    );
}

fn listed_key(id: &str, desc: &str, role: &str) -> serde_json::Value {
    serde_json::json!({
        "desc": desc,
        "id": id,
        "links": [{"href": format!("https://cloud.mongodb.com{LIST_PATH}/{id}"), "rel": "self"}],
        "privateKey": "********-****-****-3e1b20c0a5ea",
        "publicKey": format!("pk{}", &id[18..]),
        "roles": [{"orgId": ORG, "roleName": role}]
    })
}

fn list_page_json() -> serde_json::Value {
    serde_json::json!({
        "links": [
            {"href": format!("https://cloud.mongodb.com{LIST_PATH}?pageNum=1&itemsPerPage=100"), "rel": "self"},
            {"href": format!("https://cloud.mongodb.com{LIST_PATH}?pageNum=2&itemsPerPage=100"), "rel": "next"}
        ],
        "results": [
            listed_key("000000000000000000000001", "first", "ORG_OWNER"),
            listed_key("000000000000000000000002", "second", "ORG_READ_ONLY")
        ],
        "totalCount": 102
    })
}

fn assert_list_page(page: &PaginatedApiApiUserView) {
    assert_eq!(page.total_count, Some(102));
    assert_eq!(
        page.links,
        vec![
            link(format!("https://cloud.mongodb.com{LIST_PATH}?pageNum=1&itemsPerPage=100"), "self".to_owned()),
            link(format!("https://cloud.mongodb.com{LIST_PATH}?pageNum=2&itemsPerPage=100"), "next".to_owned()),
        ]
    );
    let expected =
        [("000000000000000000000001", "first", "ORG_OWNER"), ("000000000000000000000002", "second", "ORG_READ_ONLY")];
    assert_eq!(page.results.len(), expected.len());
    for (key, (id, desc, role)) in page.results.iter().zip(expected) {
        assert_eq!(key.id.as_deref(), Some(id));
        assert_eq!(key.desc.as_deref(), Some(desc));
        assert_eq!(key.public_key.as_deref(), Some(format!("pk{}", &id[18..]).as_str()));
        assert_eq!(
            key.private_key.as_ref().map(|secret| secret.expose_secret()),
            Some("********-****-****-3e1b20c0a5ea")
        );
        assert_eq!(key.links, vec![link(format!("https://cloud.mongodb.com{LIST_PATH}/{id}"), "self".to_owned())]);
        assert_eq!(key.roles, vec![role_assignment(None, Some(ORG.to_owned()), Some(role))]);
    }
}

// ---------------------------------------------------------------------------------------------
// listOrgApiKeys
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_sends_no_query_when_nothing_is_set_and_decodes_the_page() {
    let server = MockServer::start().await;
    answer(&server, "GET", LIST_PATH, 200, list_page_json(), &[]).await;

    let page = client(&server).list_org_api_keys(ORG).send().await.unwrap();

    assert_list_page(&page);
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), LIST_PATH);
    assert_eq!(request.url.query(), None, "defaults are documented, not sent");
    assert_common_headers(&request);
    assert_no_body(&request);
}

#[tokio::test]
async fn list_sends_every_query_parameter_exactly_as_set() {
    let server = MockServer::start().await;
    answer(&server, "GET", LIST_PATH, 200, list_page_json(), &[]).await;

    let page = client(&server)
        .list_org_api_keys(ORG)
        .include_count(false)
        .items_per_page(250)
        .page_num(7)
        .pretty(true)
        .send()
        .await
        .unwrap();

    assert_list_page(&page);
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), LIST_PATH);
    assert_eq!(request.url.query(), Some("includeCount=false&itemsPerPage=250&pageNum=7&pretty=true"));
    assert_common_headers(&request);
    assert_no_body(&request);
}

#[tokio::test]
async fn list_sends_only_the_parameters_that_are_set() {
    let server = MockServer::start().await;
    answer(&server, "GET", LIST_PATH, 200, list_page_json(), &[]).await;

    client(&server).list_org_api_keys(ORG).page_num(2).send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("pageNum=2"));
}

#[tokio::test]
async fn list_sends_parameters_set_to_their_defaults() {
    let server = MockServer::start().await;
    answer(&server, "GET", LIST_PATH, 200, list_page_json(), &[]).await;

    // The spec's defaults: includeCount=true, itemsPerPage=100, pageNum=1, pretty=false.
    client(&server)
        .list_org_api_keys(ORG)
        .include_count(true)
        .items_per_page(100)
        .page_num(1)
        .pretty(false)
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("includeCount=true&itemsPerPage=100&pageNum=1&pretty=false"),
        "a value the caller set is sent even when it equals the default"
    );
}

#[tokio::test]
async fn list_send_with_meta_exposes_status_and_rate_limit_headers() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        LIST_PATH,
        200,
        list_page_json(),
        &[("RateLimit-Limit", "100"), ("RateLimit-Remaining", "97"), ("X-Request-Id", "abc-123")],
    )
    .await;

    let response: Response<PaginatedApiApiUserView> =
        client(&server).list_org_api_keys(ORG).send_with_meta().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.rate_limit(), RateLimit { limit: Some(100), remaining: Some(97) });
    assert_eq!(response.headers().get("ratelimit-limit").unwrap(), "100");
    assert_eq!(response.headers().get("ratelimit-remaining").unwrap(), "97");
    assert_eq!(response.headers().get("x-request-id").unwrap(), "abc-123");
    assert_list_page(response.value());
    assert_list_page(&response.into_inner());
}

#[tokio::test]
async fn list_decodes_a_page_without_links_or_total_count() {
    let server = MockServer::start().await;
    answer(&server, "GET", LIST_PATH, 200, serde_json::json!({"results": []}), &[]).await;

    let page = client(&server).list_org_api_keys(ORG).include_count(false).send().await.unwrap();

    assert_eq!(page, PaginatedApiApiUserView::new(Vec::new()));
    assert_eq!(only_request(&server).await.url.query(), Some("includeCount=false"));
}

// ---------------------------------------------------------------------------------------------
// createOrgApiKey
// ---------------------------------------------------------------------------------------------

fn new_key() -> CreateAtlasOrganizationApiKey {
    CreateAtlasOrganizationApiKey::new(
        "Terraform deployments",
        vec![OrganizationRole::OrgMember, OrganizationRole::OrgBillingAdmin],
    )
}

#[tokio::test]
async fn create_sends_the_exact_body_and_decodes_the_private_key() {
    let server = MockServer::start().await;
    answer(&server, "POST", LIST_PATH, 200, created_key_json(), &[]).await;

    let key = client(&server).create_org_api_key(ORG, new_key()).send().await.unwrap();

    assert_created_key(&key, "55c3bbb6-b4bb-0be1-e66d20841f3e");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), LIST_PATH);
    assert_eq!(request.url.query(), None, "defaults are documented, not sent");
    assert_common_headers(&request);
    assert_eq!(header(&request, "content-type"), Some(MEDIA));
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        serde_json::json!({"desc": "Terraform deployments", "roles": ["ORG_MEMBER", "ORG_BILLING_ADMIN"]})
    );
    assert_eq!(
        String::from_utf8(request.body.clone()).unwrap(),
        r#"{"desc":"Terraform deployments","roles":["ORG_MEMBER","ORG_BILLING_ADMIN"]}"#,
        "compact JSON with exactly the two request fields"
    );
}

#[tokio::test]
async fn create_sends_every_role_verbatim() {
    let server = MockServer::start().await;
    answer(&server, "POST", LIST_PATH, 200, created_key_json(), &[]).await;

    let body = CreateAtlasOrganizationApiKey::new("all roles \"quoted\" é", OrganizationRole::KNOWN.to_vec());
    client(&server).create_org_api_key(ORG, body).send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        serde_json::json!({
            "desc": "all roles \"quoted\" é",
            "roles": [
                "ORG_OWNER", "ORG_MEMBER", "ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN", "ORG_BILLING_READ_ONLY",
                "ORG_STREAM_PROCESSING_ADMIN", "ORG_READ_ONLY"
            ]
        })
    );
}

#[tokio::test]
async fn create_sends_query_parameters_as_set_including_defaults() {
    let server = MockServer::start().await;
    answer(&server, "POST", LIST_PATH, 200, created_key_json(), &[]).await;

    client(&server).create_org_api_key(ORG, new_key()).pretty(false).send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("pretty=false"));
    assert_eq!(header(&request, "content-type"), Some(MEDIA));

    let server = MockServer::start().await;
    answer(&server, "POST", LIST_PATH, 200, created_key_json(), &[]).await;
    client(&server).create_org_api_key(ORG, new_key()).pretty(true).send().await.unwrap();
    assert_eq!(only_request(&server).await.url.query(), Some("pretty=true"));
}

#[tokio::test]
async fn create_send_with_meta_exposes_status_and_rate_limit_headers() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        LIST_PATH,
        201,
        created_key_json(),
        &[("RateLimit-Limit", "10"), ("RateLimit-Remaining", "0")],
    )
    .await;

    let response = client(&server).create_org_api_key(ORG, new_key()).send_with_meta().await.unwrap();

    assert_eq!(response.status(), 201, "any 2xx status is reported as sent");
    assert_eq!(response.rate_limit(), RateLimit { limit: Some(10), remaining: Some(0) });
    assert_created_key(response.value(), "55c3bbb6-b4bb-0be1-e66d20841f3e");
}

// ---------------------------------------------------------------------------------------------
// getOrgApiKey
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_sends_the_exact_request_and_decodes_every_field() {
    let server = MockServer::start().await;
    let mut body = created_key_json();
    body["privateKey"] = serde_json::json!("********-****-****-d66d20841f3e");
    answer(&server, "GET", KEY_PATH, 200, body, &[]).await;

    let key = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap();

    assert_created_key(&key, "********-****-****-d66d20841f3e");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), KEY_PATH);
    assert_eq!(request.url.query(), None, "defaults are documented, not sent");
    assert_common_headers(&request);
    assert_no_body(&request);
}

#[tokio::test]
async fn get_sends_query_parameters_as_set_including_defaults() {
    let server = MockServer::start().await;
    answer(&server, "GET", KEY_PATH, 200, created_key_json(), &[]).await;

    client(&server).get_org_api_key(ORG, KEY).pretty(false).send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), KEY_PATH);
    assert_eq!(request.url.query(), Some("pretty=false"));

    let server = MockServer::start().await;
    answer(&server, "GET", KEY_PATH, 200, created_key_json(), &[]).await;
    client(&server).get_org_api_key(ORG, KEY).pretty(true).send().await.unwrap();
    assert_eq!(only_request(&server).await.url.query(), Some("pretty=true"));
}

#[tokio::test]
async fn get_decodes_a_minimal_key() {
    let server = MockServer::start().await;
    answer(&server, "GET", KEY_PATH, 200, serde_json::json!({"id": KEY}), &[]).await;

    let key = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap();

    let mut expected = ApiKeyUserDetails::default();
    expected.id = Some(KEY.to_owned());
    assert_eq!(key, expected);
    assert!(key.private_key.is_none());
}

#[tokio::test]
async fn get_send_with_meta_exposes_status_and_rate_limit_headers() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        KEY_PATH,
        200,
        created_key_json(),
        &[("RateLimit-Limit", "100"), ("RateLimit-Remaining", "99")],
    )
    .await;

    let response = client(&server).get_org_api_key(ORG, KEY).send_with_meta().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.rate_limit(), RateLimit { limit: Some(100), remaining: Some(99) });
    assert_eq!(response.headers().get("content-type").unwrap(), MEDIA);
    let key = response.map(|key| key.id).into_inner();
    assert_eq!(key.as_deref(), Some(KEY));
}
