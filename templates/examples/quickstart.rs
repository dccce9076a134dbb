//! Lists, streams, reads and creates organization API keys.
//!
//! Against a local Prism mock of the spec (no credentials needed): `cargo xtask demo`.
//! Against Atlas: set `ATLAS_PUBLIC_KEY`/`ATLAS_PRIVATE_KEY` (or `ATLAS_CLIENT_ID`/`ATLAS_CLIENT_SECRET`)
//! and run `cargo run -p atlas-admin-client --example quickstart -- <orgId>`.

use atlas_admin_client::models::{CreateAtlasOrganizationApiKey, OrganizationRole};
use atlas_admin_client::Client;
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let org_id = std::env::args().nth(1).unwrap_or_else(|| "4888442a3354817a7320eb61".to_owned());
    let has_credentials = ["ATLAS_PUBLIC_KEY", "ATLAS_CLIENT_ID"].iter().any(|k| std::env::var_os(k).is_some());
    let client = if has_credentials {
        Client::from_env()?
    } else {
        // A local mock: `cargo xtask demo` sets the URL and a placeholder bearer token.
        let base_url = std::env::var("ATLAS_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:4010".to_owned());
        let builder = Client::builder().base_url(base_url);
        match std::env::var("ATLAS_ACCESS_TOKEN") {
            Ok(token) => builder.bearer(token).build()?,
            Err(_) => builder.build()?,
        }
    };
    println!("client: {client:?}");

    let page = client.list_org_api_keys(&org_id).items_per_page(10).send_with_meta().await?;
    println!(
        "page 1: {} key(s) of {:?} (status {}, rate limit {:?})",
        page.value.results.len(),
        page.value.total_count,
        page.status(),
        page.rate_limit()
    );

    let mut keys = client.list_org_api_keys(&org_id).stream();
    let mut seen = 0;
    while let Some(key) = keys.next().await {
        let key = key?;
        seen += 1;
        println!("  {} {:?} roles={}", key.public_key.as_deref().unwrap_or("?"), key.desc, key.roles.len());
    }
    println!("streamed {seen} key(s)");

    let one = client.get_org_api_key(&org_id, "32b6e34b3d91647abb20e7b8").send().await?;
    println!("get: {one:?}");

    let body = CreateAtlasOrganizationApiKey::new("quickstart example", vec![OrganizationRole::OrgMember]);
    let created = client.create_org_api_key(&org_id, body).send().await?;
    let secret_len = created.private_key.as_ref().map(|k| k.expose_secret().len()).unwrap_or(0);
    println!(
        "created {:?}; private key received ({secret_len} characters, shown once; Debug: {:?})",
        created.public_key, created.private_key
    );

    match client.list_org_api_keys(&org_id).items_per_page(501).send().await {
        Err(e) => println!("rejected before sending: {e}"),
        Ok(_) => println!("unexpected: an invalid page size was sent"),
    }
    Ok(())
}
