//! Constraints of the spec are enforced before any I/O, and enums are forward compatible.
//!
//! Every invalid case asserts the exact [`ValidationError`] (operation, JSON pointer, constraint,
//! offending value) and that the mock server received no request; every valid boundary value asserts
//! that the request was sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_admin_client::models::{
    ApiKeyUserDetails, ApiUserId, CreateAtlasOrganizationApiKey, OrgId, OrganizationRole,
};
use atlas_admin_client::{Client, Constraint, Error, RetryPolicy, ValidationError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";
const KEY_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys/32b6e34b3d91647abb20e7b8";
const LIST_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys";
const PATTERN: &str = "^([a-f0-9]{24})$";

/// A mock server that answers every GET and POST with a valid API key or page.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    let key = serde_json::json!({"id": KEY, "roles": [{"orgId": ORG, "roleName": "ORG_MEMBER"}]});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"results": [key], "totalCount": 1})))
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(key)).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// Asserts that `result` is exactly this validation error and that nothing reached the server.
async fn assert_rejected<T: std::fmt::Debug>(
    server: &MockServer,
    result: Result<T, Error>,
    operation: &str,
    pointer: &str,
    constraint: Constraint,
    value: &str,
) -> ValidationError {
    let error = match result {
        Err(Error::Validation(error)) => error,
        other => panic!("expected a validation error, got {other:?}"),
    };
    assert_eq!(error.operation(), Some(operation), "{error}");
    assert_eq!(error.pointer(), pointer, "{error}");
    assert_eq!(error.constraint(), &constraint, "{error}");
    assert_eq!(error.value(), value, "{error}");
    let sent = requests(server).await;
    assert!(sent.is_empty(), "nothing may be sent for an invalid request, got {sent:?}");
    error
}

/// Asserts that `result` succeeded and that exactly one request was sent.
async fn assert_sent<T: std::fmt::Debug>(server: &MockServer, result: Result<T, Error>) -> Request {
    if let Err(error) = result {
        panic!("a valid request must succeed: {error:?}");
    }
    let mut sent = requests(server).await;
    assert_eq!(sent.len(), 1, "exactly one request: {sent:?}");
    sent.remove(0)
}

fn body(desc: &str, roles: Vec<OrganizationRole>) -> CreateAtlasOrganizationApiKey {
    CreateAtlasOrganizationApiKey::new(desc, roles)
}

// ---------------------------------------------------------------------------------------------
// itemsPerPage: minimum 1, maximum 500
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn items_per_page_zero_is_rejected() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).items_per_page(0).send().await;
    let error =
        assert_rejected(&server, result, "listOrgApiKeys", "/query/itemsPerPage", Constraint::Minimum(1.0), "0").await;
    assert_eq!(error.to_string(), "listOrgApiKeys: /query/itemsPerPage value \"0\" breaks minimum 1");
}

#[tokio::test]
async fn items_per_page_negative_is_rejected() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).items_per_page(-1).send().await;
    assert_rejected(&server, result, "listOrgApiKeys", "/query/itemsPerPage", Constraint::Minimum(1.0), "-1").await;
}

#[tokio::test]
async fn items_per_page_one_is_sent() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).items_per_page(1).send().await;
    assert_eq!(assert_sent(&server, result).await.url.query(), Some("itemsPerPage=1"));
}

#[tokio::test]
async fn items_per_page_500_is_sent() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).items_per_page(500).send().await;
    assert_eq!(assert_sent(&server, result).await.url.query(), Some("itemsPerPage=500"));
}

#[tokio::test]
async fn items_per_page_501_is_rejected() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).items_per_page(501).send().await;
    let error =
        assert_rejected(&server, result, "listOrgApiKeys", "/query/itemsPerPage", Constraint::Maximum(500.0), "501")
            .await;
    assert_eq!(error.to_string(), "listOrgApiKeys: /query/itemsPerPage value \"501\" breaks maximum 500");
}

#[tokio::test]
async fn send_with_meta_validates_too() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).items_per_page(501).send_with_meta().await;
    assert_rejected(&server, result, "listOrgApiKeys", "/query/itemsPerPage", Constraint::Maximum(500.0), "501").await;
}

// ---------------------------------------------------------------------------------------------
// pageNum: minimum 1
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn page_num_zero_is_rejected() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).page_num(0).send().await;
    assert_rejected(&server, result, "listOrgApiKeys", "/query/pageNum", Constraint::Minimum(1.0), "0").await;
}

#[tokio::test]
async fn page_num_one_is_sent() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).page_num(1).send().await;
    assert_eq!(assert_sent(&server, result).await.url.query(), Some("pageNum=1"));
}

#[tokio::test]
async fn page_num_has_no_maximum() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).page_num(i64::MAX).send().await;
    assert_eq!(assert_sent(&server, result).await.url.query(), Some("pageNum=9223372036854775807"));
}

// ---------------------------------------------------------------------------------------------
// orgId: ^([a-f0-9]{24})$ (the official description gives no lengths; the pattern fixes it at 24)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn org_id_of_23_hex_chars_is_rejected() {
    let server = server().await;
    let short = &ORG[..23];
    let result = client(&server).list_org_api_keys(short).send().await;
    assert_rejected(&server, result, "listOrgApiKeys", "/path/orgId", Constraint::Pattern(PATTERN), short).await;
}

#[tokio::test]
async fn org_id_of_24_hex_chars_is_sent() {
    let server = server().await;
    let result = client(&server).list_org_api_keys(ORG).send().await;
    assert_eq!(assert_sent(&server, result).await.url.path(), LIST_PATH);
}

#[tokio::test]
async fn org_id_of_25_hex_chars_is_rejected() {
    let server = server().await;
    let long = format!("{ORG}0");
    let result = client(&server).list_org_api_keys(long.as_str()).send().await;
    assert_rejected(&server, result, "listOrgApiKeys", "/path/orgId", Constraint::Pattern(PATTERN), &long).await;
}

#[tokio::test]
async fn org_id_in_uppercase_hex_is_rejected() {
    let server = server().await;
    let upper = ORG.to_uppercase();
    let result = client(&server).list_org_api_keys(upper.clone()).send().await;
    assert_rejected(&server, result, "listOrgApiKeys", "/path/orgId", Constraint::Pattern(PATTERN), &upper).await;
}

#[tokio::test]
async fn org_id_that_would_escape_its_path_segment_is_rejected() {
    let server = server().await;
    let sneaky = "../../../admin/x?y=1#aaaa";
    assert_eq!(sneaky.len(), 25);
    let sneaky = &sneaky[..24];
    let result = client(&server).get_org_api_key(sneaky, KEY).send().await;
    assert_rejected(&server, result, "getOrgApiKey", "/path/orgId", Constraint::Pattern(PATTERN), sneaky).await;
}

#[tokio::test]
async fn org_id_counts_characters_not_bytes() {
    // 24 characters but 25 bytes: the pattern rejects the accented character, not a byte count.
    let server = server().await;
    let accented = format!("é{}", &ORG[1..]);
    assert_eq!((accented.chars().count(), accented.len()), (24, 25));
    let result = client(&server).list_org_api_keys(accented.clone()).send().await;
    assert_rejected(&server, result, "listOrgApiKeys", "/path/orgId", Constraint::Pattern(PATTERN), &accented).await;
}

#[tokio::test]
async fn org_id_is_checked_on_create_and_get_too() {
    let server = server().await;
    let result = client(&server).create_org_api_key("", body("d", vec![OrganizationRole::OrgMember])).send().await;
    assert_rejected(&server, result, "createOrgApiKey", "/path/orgId", Constraint::Pattern(PATTERN), "").await;

    let result = client(&server).get_org_api_key(&ORG[1..], KEY).send().await;
    assert_rejected(&server, result, "getOrgApiKey", "/path/orgId", Constraint::Pattern(PATTERN), &ORG[1..]).await;
}

// ---------------------------------------------------------------------------------------------
// apiUserId: ^([a-f0-9]{24})$ (likewise)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn api_user_id_of_23_and_25_chars_is_rejected() {
    let server = server().await;
    let result = client(&server).get_org_api_key(ORG, &KEY[..23]).send().await;
    assert_rejected(&server, result, "getOrgApiKey", "/path/apiUserId", Constraint::Pattern(PATTERN), &KEY[..23]).await;

    let long = format!("{KEY}b");
    let result = client(&server).get_org_api_key(ORG, long.as_str()).send().await;
    assert_rejected(&server, result, "getOrgApiKey", "/path/apiUserId", Constraint::Pattern(PATTERN), &long).await;
}

#[tokio::test]
async fn api_user_id_in_uppercase_hex_is_rejected() {
    let server = server().await;
    let upper = KEY.to_uppercase();
    let result = client(&server).get_org_api_key(ORG, upper.clone()).send().await;
    assert_rejected(&server, result, "getOrgApiKey", "/path/apiUserId", Constraint::Pattern(PATTERN), &upper).await;
}

#[tokio::test]
async fn api_user_id_of_24_hex_chars_is_sent() {
    let server = server().await;
    let result = client(&server).get_org_api_key(ORG, KEY).send().await;
    assert_eq!(assert_sent(&server, result).await.url.path(), KEY_PATH);
}

#[tokio::test]
async fn org_id_is_checked_before_api_user_id() {
    let server = server().await;
    let result = client(&server).get_org_api_key("x", "y").send().await;
    assert_rejected(&server, result, "getOrgApiKey", "/path/orgId", Constraint::Pattern(PATTERN), "x").await;
}

// ---------------------------------------------------------------------------------------------
// desc: 1 to 250 characters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn desc_of_0_chars_is_rejected() {
    let server = server().await;
    let result = client(&server).create_org_api_key(ORG, body("", vec![OrganizationRole::OrgMember])).send().await;
    assert_rejected(&server, result, "createOrgApiKey", "/body/desc", Constraint::MinLength(1), "").await;
}

#[tokio::test]
async fn desc_of_1_char_is_sent() {
    let server = server().await;
    let result = client(&server).create_org_api_key(ORG, body("x", vec![OrganizationRole::OrgMember])).send().await;
    let request = assert_sent(&server, result).await;
    assert_eq!(request.body_json::<serde_json::Value>().unwrap()["desc"], "x");
}

#[tokio::test]
async fn desc_of_250_chars_is_sent() {
    let server = server().await;
    let desc = "d".repeat(250);
    let result = client(&server).create_org_api_key(ORG, body(&desc, vec![OrganizationRole::OrgMember])).send().await;
    let request = assert_sent(&server, result).await;
    assert_eq!(request.body_json::<serde_json::Value>().unwrap()["desc"], desc.as_str());
}

#[tokio::test]
async fn desc_of_250_multibyte_chars_is_sent() {
    // 250 characters, 500 bytes: maxLength counts characters.
    let server = server().await;
    let desc = "é".repeat(250);
    let result = client(&server).create_org_api_key(ORG, body(&desc, vec![OrganizationRole::OrgMember])).send().await;
    assert_sent(&server, result).await;
}

#[tokio::test]
async fn desc_of_251_chars_is_rejected() {
    let server = server().await;
    let desc = "d".repeat(251);
    let result = client(&server).create_org_api_key(ORG, body(&desc, vec![OrganizationRole::OrgMember])).send().await;
    let error =
        assert_rejected(&server, result, "createOrgApiKey", "/body/desc", Constraint::MaxLength(250), &desc).await;
    // The message names the problem without repeating all 251 characters.
    let text = Error::Validation(error).to_string();
    assert!(text.contains("(251 characters)"), "{text}");
    assert!(!text.contains(&"d".repeat(65)), "{text}");
    assert!(text.chars().count() < 200, "{text}");
}

// ---------------------------------------------------------------------------------------------
// roles: minItems 1
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn empty_roles_are_rejected() {
    let server = server().await;
    let result = client(&server).create_org_api_key(ORG, body("d", vec![])).send().await;
    let error = assert_rejected(&server, result, "createOrgApiKey", "/body/roles", Constraint::MinItems(1), "[]").await;
    assert_eq!(error.to_string(), "createOrgApiKey: /body/roles value \"[]\" breaks minItems 1");
}

#[tokio::test]
async fn one_role_is_sent() {
    let server = server().await;
    let result = client(&server).create_org_api_key(ORG, body("d", vec![OrganizationRole::OrgReadOnly])).send().await;
    let request = assert_sent(&server, result).await;
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        serde_json::json!({"desc": "d", "roles": ["ORG_READ_ONLY"]})
    );
}

#[tokio::test]
async fn duplicate_roles_are_sent_for_atlas_to_judge() {
    // The official description sets no uniqueItems on `roles`, so the client does not refuse a repeat.
    let server = server().await;
    let roles = vec![OrganizationRole::OrgMember, OrganizationRole::OrgOwner, OrganizationRole::OrgMember];
    let result = client(&server).create_org_api_key(ORG, body("d", roles)).send().await;
    let request = assert_sent(&server, result).await;
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        serde_json::json!({"desc": "d", "roles": ["ORG_MEMBER", "ORG_OWNER", "ORG_MEMBER"]})
    );
}

#[tokio::test]
async fn body_model_validates_on_its_own() {
    let error = body("", vec![]).validate("/body").unwrap_err();
    assert_eq!((error.operation(), error.pointer()), (None, "/body/desc"), "desc is checked first");
    let error = body("d", vec![]).validate("").unwrap_err();
    assert_eq!((error.pointer(), error.constraint()), ("/roles", &Constraint::MinItems(1)));
    assert!(body("d", vec![OrganizationRole::OrgOwner]).validate("/body").is_ok());
}

#[tokio::test]
async fn the_path_is_checked_before_the_body() {
    let server = server().await;
    let result = client(&server).create_org_api_key("nope", body("", vec![])).send().await;
    assert_rejected(&server, result, "createOrgApiKey", "/path/orgId", Constraint::Pattern(PATTERN), "nope").await;
}

// ---------------------------------------------------------------------------------------------
// Newtypes
// ---------------------------------------------------------------------------------------------

fn assert_newtype_error(error: &ValidationError, constraint: Constraint, value: &str) {
    assert_eq!(error.operation(), None, "{error}");
    assert_eq!(error.pointer(), "", "{error}");
    assert_eq!(error.constraint(), &constraint, "{error}");
    assert_eq!(error.value(), value, "{error}");
}

#[test]
fn org_id_new_parse_and_try_from() {
    let id = OrgId::new(ORG).unwrap();
    assert_eq!(id.as_str(), ORG);
    assert_eq!(id.to_string(), ORG, "Display");
    assert_eq!(AsRef::<str>::as_ref(&id), ORG);
    assert_eq!(ORG.parse::<OrgId>().unwrap(), id);
    assert_eq!(OrgId::try_from(ORG.to_owned()).unwrap(), id);
    assert_eq!(OrgId::try_from(ORG).unwrap(), id);
    assert_eq!(String::from(id.clone()), ORG);
    assert_eq!(id.into_inner(), ORG);

    assert_newtype_error(&OrgId::new(&ORG[..23]).unwrap_err(), Constraint::Pattern(PATTERN), &ORG[..23]);
    assert_newtype_error(
        &format!("{ORG}a").parse::<OrgId>().unwrap_err(),
        Constraint::Pattern(PATTERN),
        &format!("{ORG}a"),
    );
    let upper = ORG.to_uppercase();
    assert_newtype_error(&OrgId::try_from(upper.clone()).unwrap_err(), Constraint::Pattern(PATTERN), &upper);
    assert_newtype_error(&OrgId::check("").unwrap_err(), Constraint::Pattern(PATTERN), "");
    assert_eq!(
        OrgId::new("zz").unwrap_err().to_string(),
        "value \"zz\" breaks pattern `^([a-f0-9]{24})$`",
        "a newtype error names no operation or pointer"
    );
}

#[test]
fn api_user_id_new_parse_and_try_from() {
    let id: ApiUserId = KEY.parse().unwrap();
    assert_eq!((id.as_str(), id.to_string().as_str()), (KEY, KEY));
    assert_eq!(ApiUserId::try_from(KEY.to_owned()).unwrap(), id);
    let bad = "g".repeat(24);
    assert_newtype_error(&ApiUserId::new(bad.as_str()).unwrap_err(), Constraint::Pattern(PATTERN), &bad);
}

#[test]
fn newtypes_serialize_transparently_and_validate_on_deserialize() {
    let id: OrgId = serde_json::from_str(&format!("\"{ORG}\"")).unwrap();
    assert_eq!(id.as_str(), ORG);
    assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{ORG}\""));

    let error = serde_json::from_str::<OrgId>("\"4888442A3354817A7320EB61\"").unwrap_err();
    assert!(error.to_string().contains("pattern"), "{error}");
    assert!(serde_json::from_str::<OrgId>("\"abc\"").is_err());
    assert!(serde_json::from_str::<OrgId>("42").is_err());
    assert!(serde_json::from_str::<ApiUserId>("\"\"").is_err());
}

#[tokio::test]
async fn request_builders_accept_newtypes() {
    let server = server().await;
    let org = OrgId::new(ORG).unwrap();
    let key = ApiUserId::new(KEY).unwrap();
    let result = client(&server).get_org_api_key(org, key).send().await;
    assert_eq!(assert_sent(&server, result).await.url.path(), KEY_PATH);
}

// ---------------------------------------------------------------------------------------------
// Enums: forward compatible
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn any_role_name_in_a_response_decodes_and_round_trips() {
    let server = MockServer::start().await;
    let json = serde_json::json!({
        "desc": "future",
        "id": KEY,
        "links": [{"href": "https://cloud.mongodb.com/x", "rel": "self"}],
        "privateKey": "********-****-****-3e1b20c0a5ea",
        "publicKey": "zmmrboas",
        "roles": [
            {"orgId": ORG, "roleName": "ORG_FUTURE_ROLE"},
            {"groupId": KEY, "roleName": "GROUP_OWNER"},
            {"orgId": ORG, "roleName": ""}
        ]
    });
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json.clone()))
        .mount(&server)
        .await;

    let key = client(&server).get_org_api_key(ORG, KEY).send().await.unwrap();

    // `roleName` is a plain string in the official description: any value, known or not, decodes as is.
    let names: Vec<Option<&str>> = key.roles.iter().map(|role| role.role_name.as_deref()).collect();
    assert_eq!(names, vec![Some("ORG_FUTURE_ROLE"), Some("GROUP_OWNER"), Some("")]);

    assert_eq!(serde_json::to_value(&key).unwrap(), json, "re-serializes unchanged");
    let again: ApiKeyUserDetails = serde_json::from_value(serde_json::to_value(&key).unwrap()).unwrap();
    assert_eq!(again, key);
}

#[test]
fn organization_role_known_from_str_and_as_str() {
    let wire: Vec<&str> = OrganizationRole::KNOWN.iter().map(OrganizationRole::as_str).collect();
    assert_eq!(
        wire,
        [
            "ORG_OWNER",
            "ORG_MEMBER",
            "ORG_GROUP_CREATOR",
            "ORG_BILLING_ADMIN",
            "ORG_BILLING_READ_ONLY",
            "ORG_STREAM_PROCESSING_ADMIN",
            "ORG_READ_ONLY"
        ]
    );
    for role in OrganizationRole::KNOWN {
        assert!(!role.is_unknown());
        assert_eq!(role.as_str().parse::<OrganizationRole>().unwrap(), *role);
        assert_eq!(role.to_string(), role.as_str());
    }
    assert_eq!("ORG_MEMBER".parse::<OrganizationRole>().unwrap(), OrganizationRole::OrgMember);
    // GROUP_OWNER is a project role, not an OrganizationRole a new key may be granted.
    let other: OrganizationRole = "GROUP_OWNER".parse().unwrap();
    assert_eq!(other, OrganizationRole::Unknown("GROUP_OWNER".into()));
    assert!(other.is_unknown());
    assert_eq!(OrganizationRole::from(String::from("X")), OrganizationRole::Unknown("X".into()));
    assert_eq!(serde_json::from_str::<OrganizationRole>("\"X\"").unwrap(), OrganizationRole::Unknown("X".into()));
    assert_eq!(serde_json::to_string(&OrganizationRole::Unknown("X".into())).unwrap(), "\"X\"");
}

#[tokio::test]
async fn an_unknown_organization_role_goes_on_the_wire_verbatim() {
    let server = server().await;
    let roles = vec![OrganizationRole::Unknown("X".into()), OrganizationRole::OrgOwner];
    let result = client(&server).create_org_api_key(ORG, body("d", roles)).send().await;
    let request = assert_sent(&server, result).await;
    assert_eq!(String::from_utf8(request.body).unwrap(), r#"{"desc":"d","roles":["X","ORG_OWNER"]}"#);
}
