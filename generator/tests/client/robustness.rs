//! Robustness of the generated client: on a damaged response it returns a typed error, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use atlas_admin_client::{Client, Error, RetryPolicy};
use proptest::prelude::*;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------------------------
// (c) The generated client on damaged responses: a typed error, never a panic.
// ---------------------------------------------------------------------------------------------

const ORG: &str = "4888442a3354817a7320eb61";
const KEY: &str = "32b6e34b3d91647abb20e7b8";

fn body() -> impl Strategy<Value = Vec<u8>> {
    let valid = br#"{"id":"32b6e34b3d91647abb20e7b8","desc":"d","links":[],"roles":[{"roleName":"ORG_OWNER","orgId":"4888442a3354817a7320eb61"}]}"#;
    prop_oneof![
        Just(Vec::new()),
        Just(valid.to_vec()),
        prop::collection::vec(any::<u8>(), 0..256),
        (1..valid.len()).prop_map(move |n| valid[..n].to_vec()),
        prop::sample::select(vec![
            r#"{"id": 5, "roles": "ORG_OWNER"}"#,
            r#"{"roles": [{"roleName": 7}]}"#,
            r#"[1, 2, 3]"#,
            r#""just a string""#,
            "null",
            "true",
            r#"{"desc": "\ud800"}"#,
            "<html><body>502 Bad Gateway</body></html>",
            "{\"error\": 404, \"errorCode\": \"RESOURCE_NOT_FOUND\"",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        // About 1 MB, as a JSON string field and as plain text.
        Just(format!("{{\"id\":\"{KEY}\",\"desc\":\"{}\",\"roles\":[]}}", "x".repeat(1 << 20)).into_bytes()),
        Just("é".repeat(1 << 19).into_bytes()),
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop::sample::select(vec![
            "application/json",
            "application/vnd.atlas.2023-01-01+json",
            "application/vnd.atlas.2023-01-01+json; charset=utf-8",
            "text/html",
            "application/xml",
            "text/plain; charset=latin1",
            "",
            ";;;",
            "application/json, text/html",
            "application/json; charset=\"utf-16\"",
            "garbage",
        ])
        .prop_map(str::to_owned),
    )
}

fn response(status: u16, body: &[u8], content_type: Option<&str>) -> ResponseTemplate {
    let template = ResponseTemplate::new(status);
    match content_type {
        Some(ct) => template.set_body_raw(body.to_vec(), ct),
        None => template.set_body_bytes(body.to_vec()),
    }
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
    client: Client,
}

impl Harness {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = runtime.block_on(MockServer::start());
        let client = Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap();
        Self { runtime, server, client }
    }

    /// Serves one response to every request and calls `get_org_api_key`.
    fn call(&self, template: ResponseTemplate) -> Result<(), Error> {
        self.runtime.block_on(async {
            self.server.reset().await;
            Mock::given(method("GET")).respond_with(template).mount(&self.server).await;
            self.client.get_org_api_key(ORG, KEY).send().await.map(|_| ())
        })
    }
}

/// One server and runtime for every case; proptest runs cases one after another.
fn harness() -> &'static Harness {
    static HARNESS: std::sync::OnceLock<Harness> = std::sync::OnceLock::new();
    HARNESS.get_or_init(Harness::new)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn odd_success_bodies_decode_or_fail_typed(body in body(), content_type in content_type()) {
        let h = harness();
        let outcome = catch_unwind(AssertUnwindSafe(|| h.call(response(200, &body, content_type.as_deref()))));
        // The client must decode exactly what the model accepts: no silent defaults for junk.
        let decodable = !body.iter().all(u8::is_ascii_whitespace)
            && serde_json::from_slice::<atlas_admin_client::models::ApiKeyUserDetails>(&body).is_ok();
        match outcome {
            Err(_) => prop_assert!(false, "the client panicked"),
            Ok(Ok(())) => prop_assert!(decodable, "decoded a body the model rejects: {:?}", String::from_utf8_lossy(&body)),
            Ok(Err(Error::Decode { operation, status, .. })) => {
                prop_assert!(!decodable, "rejected a body the model accepts");
                prop_assert_eq!(operation, "getOrgApiKey");
                prop_assert_eq!(status, 200);
            }
            Ok(Err(other)) => prop_assert!(false, "unexpected error for a 200: {other:?}"),
        }
    }

    #[test]
    fn error_statuses_become_api_errors_with_the_raw_body(
        status in prop::sample::select(vec![400u16, 403, 404, 409, 422, 429, 500, 502, 503]),
        body in body(),
        content_type in content_type(),
    ) {
        let h = harness();
        let outcome = catch_unwind(AssertUnwindSafe(|| h.call(response(status, &body, content_type.as_deref()))));
        let Ok(result) = outcome else { return Err(TestCaseError::fail("the client panicked")) };
        let failure = match result {
            Err(Error::Api(failure)) => failure,
            other => return Err(TestCaseError::fail(format!("expected Error::Api for HTTP {status}, got {other:?}"))),
        };
        prop_assert_eq!(failure.status, status);
        prop_assert_eq!(failure.operation, "getOrgApiKey");
        let is_json = serde_json::from_slice::<serde_json::Value>(&body).is_ok();
        let object = serde_json::from_slice::<serde_json::Value>(&body).ok().filter(serde_json::Value::is_object);
        prop_assert_eq!(failure.error.is_some(), object.is_some(), "the error document is read exactly when the body is a JSON object");
        if let (Some(object), Some(error)) = (&object, &failure.error) {
            prop_assert_eq!(error.error_code.as_deref(), object["errorCode"].as_str());
            prop_assert_eq!(error.detail.as_deref(), object["detail"].as_str());
        }
        if !is_json {
            prop_assert!(failure.error.is_none());
            // The raw body is kept (lossily decoded, truncated to 4 KiB).
            let lossy = String::from_utf8_lossy(&body);
            if body.len() <= 4096 {
                prop_assert_eq!(failure.body.as_str(), lossy.as_ref());
            } else {
                prop_assert!(failure.body.ends_with("…[truncated]"), "{}", failure.body.len());
                let kept = failure.body.trim_end_matches("…[truncated]");
                prop_assert!(lossy.starts_with(kept));
            }
        }
        // Display never panics either.
        prop_assert!(!failure.to_string().is_empty());
    }
}
