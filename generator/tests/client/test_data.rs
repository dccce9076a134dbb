//! How a user tests their own code against the generated client: response values built with the
//! crate's own types (`Default` or `new`, then `with_<field>` setters), served by wiremock.
//!
//! Every model is `#[non_exhaustive]`, so struct literals and `..Default::default()` do not compile
//! outside the crate; the setters are the supported way, and this file is the example the README
//! points to.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_admin_client::models::{ApiKeyUserDetails, CloudAccessRoleAssignment, OrgId, PaginatedApiApiUserView};
use atlas_admin_client::{Client, Error, RetryPolicy};
use futures::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "4888442a3354817a7320eb61";

/// The code under test: the public keys of the organization's owners.
async fn owner_keys(client: &Client, org: &OrgId) -> Result<Vec<String>, Error> {
    let mut owners = Vec::new();
    let mut keys = client.list_org_api_keys(org).stream();
    while let Some(key) = keys.next().await {
        let key = key?;
        let owner = key.roles.iter().any(|r| r.role_name.as_deref() == Some("ORG_OWNER"));
        if owner {
            owners.extend(key.public_key);
        }
    }
    Ok(owners)
}

fn key(id: &str, public_key: &str, role: &str) -> ApiKeyUserDetails {
    ApiKeyUserDetails::default()
        .with_id(id)
        .with_public_key(public_key)
        .with_desc("test key")
        .with_private_key("********-****-****-000000000000")
        .with_roles(vec![CloudAccessRoleAssignment::default().with_org_id(ORG).with_role_name(role)])
}

#[tokio::test]
async fn response_values_built_with_setters_are_served_and_decoded() {
    let page = PaginatedApiApiUserView::new(vec![
        key("5d1113b25a115342acc2d1aa", "owner-1", "ORG_OWNER"),
        key("5d1113b25a115342acc2d1ab", "member-1", "ORG_MEMBER"),
        key("5d1113b25a115342acc2d1ac", "owner-2", "ORG_OWNER"),
    ])
    .with_total_count(3);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/atlas/v2/orgs/{ORG}/apiKeys")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&page))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap();
    let org = OrgId::new(ORG).unwrap();

    assert_eq!(owner_keys(&client, &org).await.unwrap(), ["owner-1", "owner-2"]);
    // What the client decodes is exactly the value the test built (the secret included).
    let decoded = client.list_org_api_keys(&org).send().await.unwrap();
    assert_eq!(decoded, page);
    assert_eq!(
        decoded.results[0].private_key.as_ref().map(|k| k.expose_secret()),
        Some("********-****-****-000000000000")
    );
}

/// Ids pass by reference or by value, typed or as plain strings, without `.as_str()` or a clone.
#[tokio::test]
async fn ids_pass_by_reference_or_by_value() {
    let server = MockServer::start().await;
    let key_id = "5d1113b25a115342acc2d1aa";
    Mock::given(method("GET"))
        .and(path(format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{key_id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(key(key_id, "p", "ORG_MEMBER")))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap();
    let org = OrgId::new(ORG).unwrap();
    let owned: String = key_id.to_owned();
    client.get_org_api_key(&org, key_id).send().await.unwrap();
    client.get_org_api_key(&org, &owned).send().await.unwrap();
    client.get_org_api_key(ORG.to_owned(), owned).send().await.unwrap();
    client.get_org_api_key(org, key_id).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}
