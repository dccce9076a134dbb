//! Unit tests of `auth.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const ATLAS_CHALLENGE: &str = r#"Digest realm="MMS Public API", domain="", nonce="nMNv8wLqLRjCgQJCpKTzyhNMcJyHw+Ef", algorithm=MD5, qop="auth", stale=false"#;

fn digest() -> DigestState {
    match Authenticator::new(Credentials::digest("pubkey", "privkey"), String::new(), DEFAULT_TOKEN_REFRESH_MARGIN) {
        Authenticator::Digest(state) => state,
        other => panic!("unexpected {other:?}"),
    }
}

fn headers(values: &[&str]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for value in values {
        map.append(WWW_AUTHENTICATE, HeaderValue::from_str(value).unwrap());
    }
    map
}

#[test]
fn digest_answers_the_atlas_challenge_with_increasing_nonce_counts() {
    let state = digest();
    let method = reqwest::Method::GET;
    let mut lease = state.lease();
    assert!(lease.authorization("op", &method, "/api/atlas/v2/orgs", None).unwrap().is_none());
    assert_eq!(lease.store_challenge("op", &headers(&[ATLAS_CHALLENGE])).unwrap(), Some(false));
    let first = lease.authorization("op", &method, "/api/atlas/v2/orgs?pageNum=2", None).unwrap().unwrap();
    let first = first.to_str().unwrap().to_owned();
    assert!(first.starts_with("Digest "), "{first}");
    assert!(first.contains(r#"username="pubkey""#), "{first}");
    assert!(first.contains(r#"realm="MMS Public API""#), "{first}");
    assert!(first.contains(r#"uri="/api/atlas/v2/orgs?pageNum=2""#), "{first}");
    assert!(first.contains("nc=00000001"), "{first}");
    assert!(first.contains("qop=auth"), "{first}");
    assert!(!first.contains("privkey"), "{first}");
    drop(lease);
    let second = state.lease().authorization("op", &method, "/x", None).unwrap().unwrap();
    assert!(second.to_str().unwrap().contains("nc=00000002"), "the returned challenge is reused");
    assert!(second.is_sensitive());
}

#[test]
fn a_leased_challenge_is_used_by_one_call_at_a_time() {
    let state = digest();
    let method = reqwest::Method::GET;
    let mut first = state.lease();
    first.store_challenge("op", &headers(&[ATLAS_CHALLENGE])).unwrap();
    let mut second = state.lease();
    assert!(second.authorization("op", &method, "/x", None).unwrap().is_none(), "in use by the first call");
    second.store_challenge("op", &headers(&[r#"Digest realm="r", nonce="other", qop="auth""#])).unwrap();
    drop(first);
    drop(second);
    assert_eq!(state.lock().idle.len(), 2, "both challenges are idle again");
    for n in 0..MAX_IDLE_CHALLENGES + 5 {
        let mut lease = DigestLease { state: &state, challenge: None };
        let challenge = format!(r#"Digest realm="r", nonce="n{n}", qop="auth""#);
        lease.store_challenge("op", &headers(&[challenge.as_str()])).unwrap();
    }
    assert_eq!(state.lock().idle.len(), MAX_IDLE_CHALLENGES, "the idle challenges are bounded");
}

#[test]
fn a_nonce_handed_out_twice_never_repeats_a_count() {
    let state = digest();
    let method = reqwest::Method::GET;
    let mut first = state.lease();
    let mut second = state.lease();
    first.store_challenge("op", &headers(&[ATLAS_CHALLENGE])).unwrap();
    second.store_challenge("op", &headers(&[ATLAS_CHALLENGE])).unwrap();
    let nc = |lease: &mut DigestLease<'_>| {
        let header = lease.authorization("op", &method, "/x", None).unwrap().unwrap();
        let text = header.to_str().unwrap().to_owned();
        text.split(", ").find(|p| p.starts_with("nc=")).unwrap().to_owned()
    };
    let counts = [nc(&mut first), nc(&mut second), nc(&mut first)];
    assert_eq!(counts, ["nc=00000001", "nc=00000002", "nc=00000003"]);
    drop(first);
    drop(second);
    drop(state.lease());
    let third = state.lease().authorization("op", &method, "/x", None).unwrap().unwrap();
    assert!(third.to_str().unwrap().contains("nc=00000004"), "the count survives the lease");
}

#[test]
fn digest_challenge_is_found_among_other_schemes() {
    let map = headers(&[r#"Bearer realm="x""#, ATLAS_CHALLENGE]);
    assert_eq!(digest_challenge(&map), Some(ATLAS_CHALLENGE));
    assert_eq!(digest_challenge(&headers(&[r#"Basic realm="x""#])), None);
    assert_eq!(digest_challenge(&HeaderMap::new()), None);
    let state = digest();
    let mut lease = state.lease();
    assert_eq!(lease.store_challenge("op", &headers(&[r#"Basic realm="x""#])).unwrap(), None);
    let stale = r#"Digest realm="r", nonce="n2", qop="auth", stale=true"#;
    assert_eq!(lease.store_challenge("op", &headers(&[stale])).unwrap(), Some(true));
    assert!(matches!(
        lease.store_challenge("op", &headers(&[r#"Digest nonce="abc""#])),
        Err(AuthError::InvalidChallenge { .. })
    ));
}

#[test]
fn debug_output_is_redacted() {
    let creds = [
        Credentials::digest("pubkey", "super-private-key"),
        Credentials::oauth2("client-id", "super-private-key"),
        Credentials::bearer("super-private-key"),
    ];
    for credentials in creds {
        let text = format!("{credentials:?}");
        assert!(!text.contains("super-private-key"), "{text}");
        let state = Authenticator::new(credentials, "http://h/token".to_owned(), DEFAULT_TOKEN_REFRESH_MARGIN);
        let text = format!("{state:?}");
        assert!(!text.contains("super-private-key"), "{text}");
    }
    let state = digest();
    state.lease().store_challenge("op", &headers(&[ATLAS_CHALLENGE])).unwrap();
    assert!(!format!("{:?}", state).contains("privkey"));
}

#[test]
fn token_responses() {
    let ok = parse_token_response(br#"{"access_token":"tok","expires_in":3600,"token_type":"Bearer"}"#).unwrap();
    assert_eq!(ok.access_token.expose_secret(), "tok");
    assert_eq!(ok.expires_in, Some(3600));
    let error =
        parse_token_response(br#"{"access_token":12345678,"expires_in":"secret-ish"}"#).err().unwrap().to_string();
    assert!(!error.contains("12345678"), "{error}");
    assert!(parse_token_response(b"").is_err());
    assert!(parse_token_response(br#"{"access_token":""}"#).is_err());
    assert!(parse_token_response(br#"{"access_token":"t","token_type":"mac"}"#).is_err());
}

#[test]
fn bearer_header_is_sensitive_and_checked() {
    let header = bearer_header(&SecretString::from("abc")).unwrap();
    assert_eq!(header.to_str().unwrap(), "Bearer abc");
    assert!(header.is_sensitive());
    assert!(bearer_header(&SecretString::from("a\nb")).is_err());
}

#[test]
fn token_lifetimes_never_overflow_and_short_tokens_are_reused() {
    let now = Instant::now();
    let margin = DEFAULT_TOKEN_REFRESH_MARGIN;
    let hour = Duration::from_secs(3600);
    // A server sending u64::MAX must not panic; the lifetime is clamped to 24 hours.
    assert_eq!(refresh_deadline(now, Some(u64::MAX), margin), now + MAX_TOKEN_LIFETIME - margin);
    assert_eq!(refresh_deadline(now, Some(u64::MAX), Duration::MAX), now + MAX_TOKEN_LIFETIME / 2);
    assert_eq!(refresh_deadline(now, None, margin), now + hour - margin);
    assert_eq!(refresh_deadline(now, Some(3600), Duration::ZERO), now + hour);
    // A lifetime within the margin: the margin shrinks to half the lifetime, so the token is reused.
    assert_eq!(refresh_deadline(now, Some(30), margin), now + Duration::from_secs(15));
    assert_eq!(refresh_deadline(now, Some(120), Duration::MAX), now + Duration::from_secs(60));
    assert_eq!(refresh_deadline(now, Some(0), margin), now);
}
