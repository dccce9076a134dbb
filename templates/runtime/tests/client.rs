//! Unit tests of `client.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |name| map.get(name).cloned()
}

fn raw(status: u16, body: &str) -> RawResponse {
    RawResponse {
        operation: "getOrgApiKey",
        status,
        headers: HeaderMap::new(),
        body: body.as_bytes().to_vec(),
        unread: None,
        max_body: usize::MAX,
    }
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Key {
    id: String,
    roles: Vec<Role>,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Role {
    #[serde(rename = "roleName")]
    role_name: String,
}

#[test]
fn env_selects_digest_first() {
    let builder = ClientBuilder::from_env_vars(env(&[
        ("ATLAS_PUBLIC_KEY", "pub"),
        ("ATLAS_PRIVATE_KEY", "priv"),
        ("ATLAS_CLIENT_ID", "id"),
        ("ATLAS_CLIENT_SECRET", "secret"),
        ("ATLAS_BASE_URL", "http://localhost:8080/"),
    ]))
    .unwrap();
    assert_eq!(builder.credentials, Credentials::digest("pub", "priv"));
    let client = builder.build().unwrap();
    assert_eq!(client.base_url(), "http://localhost:8080");
}

#[test]
fn env_falls_back_to_oauth2() {
    let builder = ClientBuilder::from_env_vars(env(&[
        ("ATLAS_PUBLIC_KEY", " "),
        ("ATLAS_CLIENT_ID", "id"),
        ("ATLAS_CLIENT_SECRET", "secret"),
        ("ATLAS_TOKEN_URL", "http://localhost:9999/token"),
    ]))
    .unwrap();
    assert_eq!(builder.credentials, Credentials::oauth2("id", "secret"));
    assert_eq!(builder.token_url.as_deref(), Some("http://localhost:9999/token"));
    let client = builder.build().unwrap();
    assert_eq!(client.base_url(), crate::defaults::BASE_URL);
    let text = format!("{client:?}");
    assert!(text.contains("localhost:9999/token"), "{text}");
    assert!(!text.contains("secret\""), "{text}");
}

#[test]
fn env_without_credentials_names_the_variables() {
    for vars in [&[][..], &[("ATLAS_PUBLIC_KEY", "  "), ("ATLAS_PRIVATE_KEY", ""), ("ATLAS_BASE_URL", "http://h")]] {
        let error = Client::from_env_vars(env(vars)).unwrap_err();
        assert!(matches!(error, Error::Config(_)));
        let text = error.to_string();
        for name in ["ATLAS_PUBLIC_KEY", "ATLAS_PRIVATE_KEY", "ATLAS_CLIENT_ID", "ATLAS_CLIENT_SECRET"] {
            assert!(text.contains(name), "{text}");
        }
    }
}

#[test]
fn env_with_half_a_pair_names_the_missing_variable() {
    let complete_oauth2 = [("ATLAS_CLIENT_ID", "id"), ("ATLAS_CLIENT_SECRET", "sec-val")];
    let complete_digest = [("ATLAS_PUBLIC_KEY", "pub"), ("ATLAS_PRIVATE_KEY", "priv-secret")];
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (vec![("ATLAS_PUBLIC_KEY", "pub")], "ATLAS_PUBLIC_KEY", "ATLAS_PRIVATE_KEY"),
        (vec![("ATLAS_PUBLIC_KEY", "pub"), ("ATLAS_PRIVATE_KEY", "  ")], "ATLAS_PUBLIC_KEY", "ATLAS_PRIVATE_KEY"),
        (vec![("ATLAS_PRIVATE_KEY", "priv-secret")], "ATLAS_PRIVATE_KEY", "ATLAS_PUBLIC_KEY"),
        (vec![("ATLAS_CLIENT_ID", "id")], "ATLAS_CLIENT_ID", "ATLAS_CLIENT_SECRET"),
        (vec![("ATLAS_CLIENT_SECRET", "sec-val")], "ATLAS_CLIENT_SECRET", "ATLAS_CLIENT_ID"),
        // A complete pair of the other scheme does not hide the mistake.
        ([&[("ATLAS_PUBLIC_KEY", "pub")][..], &complete_oauth2].concat(), "ATLAS_PUBLIC_KEY", "ATLAS_PRIVATE_KEY"),
        ([&[("ATLAS_CLIENT_ID", "id")][..], &complete_digest].concat(), "ATLAS_CLIENT_ID", "ATLAS_CLIENT_SECRET"),
    ];
    for (vars, set, missing) in cases {
        let error = ClientBuilder::from_env_vars(env(&vars)).unwrap_err();
        let Error::Config(text) = &error else { panic!("unexpected {error:?}") };
        assert_eq!(text, &format!("{set} is set but {missing} is not (or is blank): set both, or neither"), "{vars:?}");
        assert!(!text.contains("priv-secret") && !text.contains("sec-val"), "{text}");
    }
}

#[test]
fn base_url_validation() {
    assert_eq!(parse_base_url("https://cloud.mongodb.com/").unwrap(), "https://cloud.mongodb.com");
    assert_eq!(parse_base_url("http://127.0.0.1:4000").unwrap(), "http://127.0.0.1:4000");
    assert_eq!(parse_base_url("http://proxy/atlas/").unwrap(), "http://proxy/atlas");
    for bad in ["", "cloud.mongodb.com", "ftp://x", "http://h?x=1", "http://u:p@h", "not a url"] {
        assert!(matches!(parse_base_url(bad), Err(Error::Config(_))), "{bad}");
    }
    assert!(Client::builder().base_url("nope").build().is_err());
    assert!(Client::builder().oauth2("id", "s").oauth2_token_url("nope").build().is_err());
    assert!(Client::builder().user_agent_suffix("bad\nsuffix").build().is_err());
    assert!(Client::builder().digest("", "x").build().is_err());
}

#[test]
fn token_url_applies_in_any_order() {
    let builder = Client::builder().oauth2_token_url("http://a/token").oauth2("id", "s");
    let client = builder.build().unwrap();
    assert!(format!("{client:?}").contains("http://a/token"));
}

#[test]
fn urls_and_query_strings() {
    let client = Client::builder().base_url("http://h:1/").build().unwrap();
    let spec = RequestSpec {
        operation_id: "listOrgApiKeys",
        method: Method::GET,
        path: "/api/atlas/v2/orgs/a%2Fb/apiKeys".to_owned(),
        query: vec![
            ("itemsPerPage".into(), "100".to_owned()),
            ("q".into(), "a b&c".to_owned()),
            (format!("filter[{}]", "a]b").into(), "x".to_owned()),
        ],
        headers: vec![],
        accept: "application/json",
        stream: false,
        body: None,
        idempotent: true,
    };
    let url = client.url_for(&spec).unwrap();
    assert_eq!(
        url.as_str(),
        "http://h:1/api/atlas/v2/orgs/a%2Fb/apiKeys?itemsPerPage=100&q=a+b%26c&filter%5Ba%5Db%5D=x"
    );
    let no_query = RequestSpec { query: vec![], ..spec };
    assert_eq!(client.url_for(&no_query).unwrap().query(), None);
}

#[test]
fn decode_reports_the_json_path() {
    let ok: Response<Key> = raw(200, r#"{"id":"x","roles":[{"roleName":"ORG_OWNER"}]}"#).decode().unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.value().id, "x");
    match raw(200, r#"{"id":"x","roles":[{"roleName":1}]}"#).decode::<Key>() {
        Err(Error::Decode { operation, status, path, message }) => {
            assert_eq!(operation, "getOrgApiKey");
            assert_eq!(status, 200);
            assert_eq!(path, "roles[0].roleName");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    match raw(200, "[]").decode::<Key>() {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "."),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(raw(200, r#"{"id":"x","roles":[]} trailing"#).decode::<Key>(), Err(Error::Decode { .. })));
}

#[test]
fn a_body_that_is_not_json_names_its_content_type() {
    let page = |content_type: &'static str| {
        let mut response = raw(200, "<html><body>Sign in</body></html>");
        response.headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        response.decode::<Key>()
    };
    match page("text/html; charset=utf-8") {
        Err(Error::Decode { message, .. }) => {
            assert!(message.contains("expected value"), "{message}");
            assert!(
                message.ends_with("(the response's Content-Type is `text/html; charset=utf-8`, not JSON)"),
                "{message}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    match page("application/vnd.atlas.2023-01-01+json") {
        Err(Error::Decode { message, .. }) => assert!(!message.contains("Content-Type"), "{message}"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn empty_bodies_never_panic() {
    match raw(200, "").decode::<Key>() {
        Err(Error::Decode { path, message, .. }) => {
            assert_eq!(path, ".");
            assert!(message.contains("empty"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(raw(204, "").decode::<()>().is_ok());
    assert!(raw(204, " \n").decode::<Option<Key>>().unwrap().into_inner().is_none());
    assert_eq!(raw(200, "").decode::<serde_json::Value>().unwrap().into_inner(), serde_json::Value::Null);
}

#[test]
fn rate_limit_headers() {
    let mut headers = HeaderMap::new();
    assert_eq!(RateLimit::from_headers(&headers), RateLimit::default());
    headers.insert("RateLimit-Limit", HeaderValue::from_static("100"));
    headers.insert("RateLimit-Remaining", HeaderValue::from_static(" 42 "));
    assert_eq!(RateLimit::from_headers(&headers), RateLimit { limit: Some(100), remaining: Some(42) });
    headers.insert("RateLimit-Limit", HeaderValue::from_static("100, 100;w=60"));
    headers.insert("RateLimit-Remaining", HeaderValue::from_static("lots"));
    assert_eq!(RateLimit::from_headers(&headers), RateLimit { limit: Some(100), remaining: None });
    headers.insert("RateLimit-Remaining", HeaderValue::from_static("-1"));
    assert_eq!(RateLimit::from_headers(&headers).remaining, None);
}

#[test]
fn debug_of_bodies_shows_their_size_only() {
    let secret = r#"{"privateKey":"9f3a1c2e-priv-ate-key0-db2c132ca78d"}"#;
    let response = raw(201, secret);
    let text = format!("{response:?}");
    assert!(!text.contains("9f3a1c2e"), "{text}");
    assert!(text.contains(&format!("body: <{} bytes>", secret.len())), "{text}");
    assert!(text.contains("201") && text.contains("getOrgApiKey"), "{text}");

    let body = RequestBody::Bytes { content_type: "application/json", bytes: secret.as_bytes().to_vec().into() };
    let spec = RequestSpec {
        operation_id: "createOrgApiKey",
        method: Method::POST,
        path: "/api/atlas/v2/orgs/o/apiKeys".to_owned(),
        query: vec![],
        headers: vec![],
        accept: "application/json",
        stream: false,
        body: Some(body.clone()),
        idempotent: false,
    };
    for text in [format!("{body:?}"), format!("{spec:?}"), format!("{spec:#?}")] {
        assert!(!text.contains("9f3a1c2e"), "{text}");
        assert!(text.contains(&format!("<{} bytes>", secret.len())), "{text}");
        assert!(text.contains("application/json"), "{text}");
    }
    assert!(format!("{spec:?}").contains("createOrgApiKey"));
}

#[test]
fn debug_is_redacted() {
    let client = Client::builder().digest("public-key", "very-private").build().unwrap();
    let text = format!("{client:?} {:?}", Client::builder().digest("p", "very-private"));
    assert!(!text.contains("very-private"), "{text}");
    assert!(text.contains("public-key"), "{text}");
    let bearer = Client::builder().bearer("tok-en-123").build().unwrap();
    assert!(!format!("{bearer:?}").contains("tok-en-123"));
    // An explicit token URL, so that this holds for APIs that declare no OAuth2 scheme too.
    let oauth =
        Client::builder().oauth2("cid", "client-secret-1").oauth2_token_url("https://idp/token").build().unwrap();
    assert!(!format!("{oauth:?}").contains("client-secret-1"));
}

#[test]
fn token_url_follows_the_base_url_unless_set() {
    // Set explicitly: exactly that, whatever the API declares.
    assert_eq!(resolve_token_url(Some("https://idp/token"), "http://127.0.0.1:9").unwrap(), "https://idp/token");
    let explicit = Credentials::OAuth2 {
        client_id: "id".to_owned(),
        client_secret: "s".into(),
        token_url: Some("http://idp/token".to_owned()),
    };
    let client = Client::builder().base_url("http://127.0.0.1:9").credentials(explicit).build().unwrap();
    assert!(format!("{client:?}").contains("http://idp/token"));

    // The crate is generated from any spec: what follows depends on the token URL it declares.
    let spec_base = crate::defaults::BASE_URL;
    let Some(spec_token) = crate::defaults::TOKEN_URL else {
        // No OAuth2 scheme: OAuth2 credentials need the token URL set.
        let refused = Client::builder().oauth2("id", "s").build();
        assert!(matches!(&refused, Err(Error::Config(m)) if m.contains("oauth2_token_url")), "{refused:?}");
        return;
    };
    let below_base = spec_token.strip_prefix(spec_base).filter(|path| path.starts_with('/'));
    let Some(path) = below_base.or_else(|| spec_token.starts_with('/').then_some(spec_token)) else {
        // A token URL on another host does not follow a custom base URL: refused rather than guessed.
        let refused = Client::builder().base_url("http://127.0.0.1:9").oauth2("id", "s").build();
        assert!(matches!(&refused, Err(Error::Config(_))), "{refused:?}");
        return;
    };
    // The spec's server: the spec's token URL (a relative one below it).
    assert_eq!(resolve_token_url(None, spec_base).unwrap(), format!("{spec_base}{path}"));
    // Another host: the same path below it.
    assert_eq!(resolve_token_url(None, "http://127.0.0.1:9").unwrap(), format!("http://127.0.0.1:9{path}"));
    assert_eq!(resolve_token_url(None, "http://proxy/atlas").unwrap(), format!("http://proxy/atlas{path}"));
    let client = Client::builder().base_url("http://127.0.0.1:9/").oauth2("id", "s").build().unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains(&format!("\"http://127.0.0.1:9{path}\"")), "{shown}");
}

#[test]
fn empty_base_url_is_a_config_error() {
    let error = Client::builder().base_url(" ").build().unwrap_err();
    assert!(matches!(&error, Error::Config(message) if message.contains("base_url")), "{error}");
}

#[test]
fn a_token_url_that_cannot_follow_the_base_url_is_refused() {
    let other_host = token_url_for(None, "http://mock", "https://api.example.com", Some("https://idp.example.com/t"));
    assert!(matches!(&other_host, Err(Error::Config(m)) if m.contains("oauth2_token_url")), "{other_host:?}");
    let no_scheme = token_url_for(None, "http://mock", "https://api.example.com", None);
    assert!(matches!(&no_scheme, Err(Error::Config(m)) if m.contains("oauth2_token_url")), "{no_scheme:?}");
    let no_server = token_url_for(None, "http://mock", "", Some("https://idp.example.com/t"));
    assert!(matches!(no_server, Err(Error::Config(_))));
    let relative = token_url_for(None, "http://mock", "https://api.example.com", Some("/oauth/token"));
    assert_eq!(relative.unwrap(), "http://mock/oauth/token");
    // The spec's own server keeps the spec's token URL, wherever it lives.
    let same = token_url_for(None, "https://api.example.com", "https://api.example.com/", Some("https://idp/t"));
    assert_eq!(same.unwrap(), "https://idp/t");
}
