//! Authentication: HTTP Digest with API keys, OAuth2 client credentials, static bearer tokens.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use digest_auth::{AuthContext, HttpMethod, WwwAuthenticateHeader};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, WWW_AUTHENTICATE};
use tokio::time::Instant;

use crate::runtime::body::{read_capped, Capped};
use crate::runtime::error::{truncate_body, AtlasError, AuthError, Error};
use crate::runtime::secret::SecretString;

/// How long before its expiry an OAuth2 access token is refreshed, unless configured otherwise.
pub(crate) const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The lifetime assumed when the token endpoint does not send `expires_in`.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The longest lifetime an access token is trusted for, whatever `expires_in` says (24 hours).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How the client authenticates to the Atlas API.
///
/// `Debug` output never contains the private key, client secret or token.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// A programmatic API key, sent with HTTP Digest authentication (RFC 7616, MD5, `qop=auth`).
    Digest {
        /// The public key (the Digest user name).
        public_key: String,
        /// The private key (the Digest password).
        private_key: SecretString,
    },
    /// A service account, authenticated with the OAuth2 client-credentials grant.
    OAuth2 {
        /// The service account's client ID.
        client_id: String,
        /// The service account's client secret.
        client_secret: SecretString,
        /// The token endpoint; `None` uses the one the client's base URL implies (see
        /// [`ClientBuilder::oauth2_token_url`](crate::ClientBuilder::oauth2_token_url)).
        token_url: Option<String>,
    },
    /// A fixed bearer token, sent as `Authorization: Bearer <token>`.
    Bearer(SecretString),
    /// No authentication (for mocks and tests).
    #[default]
    None,
}

impl Credentials {
    /// Digest credentials of a programmatic API key.
    pub fn digest(public_key: impl Into<String>, private_key: impl Into<SecretString>) -> Self {
        Credentials::Digest { public_key: public_key.into(), private_key: private_key.into() }
    }

    /// OAuth2 client credentials of a service account. The token endpoint follows the client's base
    /// URL (see [`ClientBuilder::oauth2_token_url`](crate::ClientBuilder::oauth2_token_url)).
    pub fn oauth2(client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        Credentials::OAuth2 { client_id: client_id.into(), client_secret: client_secret.into(), token_url: None }
    }

    /// A fixed bearer token.
    pub fn bearer(token: impl Into<SecretString>) -> Self {
        Credentials::Bearer(token.into())
    }
}

/// The per-client authentication state built from [`Credentials`].
pub(crate) enum Authenticator {
    None,
    Bearer(SecretString),
    Digest(DigestState),
    OAuth2(OAuth2State),
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Authenticator::None => f.write_str("None"),
            Authenticator::Bearer(_) => f.write_str("Bearer([redacted])"),
            Authenticator::Digest(state) => state.fmt(f),
            Authenticator::OAuth2(state) => state.fmt(f),
        }
    }
}

impl Authenticator {
    /// The state for `credentials`; `token_url` is the resolved OAuth2 token endpoint (unused by
    /// the other schemes).
    pub(crate) fn new(credentials: Credentials, token_url: String, refresh_margin: Duration) -> Self {
        match credentials {
            Credentials::None => Authenticator::None,
            Credentials::Bearer(token) => Authenticator::Bearer(token),
            Credentials::Digest { public_key, private_key } => Authenticator::Digest(DigestState {
                username: public_key,
                password: private_key,
                pool: Mutex::new(ChallengePool::default()),
            }),
            Credentials::OAuth2 { client_id, client_secret, .. } => Authenticator::OAuth2(OAuth2State {
                client_id,
                client_secret,
                token_url,
                refresh_margin,
                cache: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// A short name of the scheme, for logs and `Debug`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Authenticator::None => "none",
            Authenticator::Bearer(_) => "bearer",
            Authenticator::Digest(_) => "digest",
            Authenticator::OAuth2(_) => "oauth2",
        }
    }
}

/// `Authorization: Bearer <token>`, marked sensitive.
pub(crate) fn bearer_header(token: &SecretString) -> Result<HeaderValue, AuthError> {
    sensitive_header(&format!("Bearer {}", token.expose_secret()))
}

fn sensitive_header(value: &str) -> Result<HeaderValue, AuthError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| AuthError::InvalidCredentials {
        message: "they contain characters that are not allowed in HTTP headers".to_owned(),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// How many unused Digest challenges a client keeps: the most calls that can overlap and still each
/// take one round trip (more concurrent calls work too, the extra ones pay a challenge round trip).
const MAX_IDLE_CHALLENGES: usize = 64;

/// HTTP Digest state: the key and the challenges (nonces, with their counts) not in use.
///
/// A challenge answers one request at a time: a call leases one, and returns it when its response
/// has arrived. So every nonce's count reaches the server strictly increasing, which servers that
/// reject a lower (replayed) `nc` require, and concurrent calls never spoil each other's nonce. A
/// call that finds no idle challenge asks for a new one; after the first burst, as many challenges
/// are idle as calls overlapped, and each call is one round trip. A server that hands out the same
/// nonce in several challenges gets one count sequence for it, shared by the leases that hold it.
pub(crate) struct DigestState {
    username: String,
    password: SecretString,
    pool: Mutex<ChallengePool>,
}

/// The challenges not in use, and the last nonce count sent for each nonce.
#[derive(Default)]
struct ChallengePool {
    /// Idle challenges, the most recently returned last.
    idle: Vec<WwwAuthenticateHeader>,
    /// The highest `nc` sent per nonce, shared by every lease: a server that hands out the same
    /// nonce in two challenges still never sees a count twice.
    counts: std::collections::HashMap<String, u32>,
}

impl fmt::Debug for DigestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let idle_challenges = self.lock().idle.len();
        f.debug_struct("Digest")
            .field("public_key", &self.username)
            .field("private_key", &self.password)
            .field("idle_challenges", &idle_challenges)
            .finish()
    }
}

/// A challenge leased by one call; dropping the lease (the call finished, failed or was cancelled)
/// returns the challenge it holds to the idle ones.
pub(crate) struct DigestLease<'a> {
    state: &'a DigestState,
    challenge: Option<WwwAuthenticateHeader>,
}

impl DigestLease<'_> {
    /// The `Authorization` header answering the leased challenge (incrementing its nonce count), or
    /// `None` when the lease holds no challenge yet.
    pub(crate) fn authorization(
        &mut self,
        operation: &'static str,
        method: &reqwest::Method,
        uri: &str,
        body: Option<&[u8]>,
    ) -> Result<Option<HeaderValue>, AuthError> {
        let Some(challenge) = self.challenge.as_mut() else {
            return Ok(None);
        };
        let state = self.state;
        let context = AuthContext::new_with_method(
            state.username.as_str(),
            state.password.expose_secret(),
            uri,
            body,
            HttpMethod(method.as_str().into()),
        );
        let answer = {
            let mut pool = state.lock();
            let last = pool.counts.get(&challenge.nonce).copied().unwrap_or(0);
            challenge.nc = challenge.nc.max(last);
            let answer = challenge
                .respond(&context)
                .map_err(|error| AuthError::InvalidChallenge { operation, message: error.to_string() })?;
            pool.counts.insert(challenge.nonce.clone(), challenge.nc);
            answer
        };
        sensitive_header(&answer.to_header_string()).map(Some)
    }

    /// Parses the Digest challenge of a 401 response and holds it instead of the previous one.
    ///
    /// Returns `None` when the response has no Digest challenge, else whether it is marked stale.
    pub(crate) fn store_challenge(
        &mut self,
        operation: &'static str,
        headers: &HeaderMap,
    ) -> Result<Option<bool>, AuthError> {
        let Some(value) = digest_challenge(headers) else {
            return Ok(None);
        };
        let parsed = WwwAuthenticateHeader::parse(value)
            .map_err(|error| AuthError::InvalidChallenge { operation, message: error.to_string() })?;
        let stale = parsed.stale;
        self.challenge = Some(parsed);
        Ok(Some(stale))
    }
}

impl Drop for DigestLease<'_> {
    fn drop(&mut self) {
        if let Some(challenge) = self.challenge.take() {
            let mut pool = self.state.lock();
            if pool.idle.len() >= MAX_IDLE_CHALLENGES {
                pool.idle.remove(0);
            }
            pool.idle.push(challenge);
            if pool.counts.len() > 4 * MAX_IDLE_CHALLENGES {
                let ChallengePool { idle, counts } = &mut *pool;
                counts.retain(|nonce, _| idle.iter().any(|c| &c.nonce == nonce));
            }
        }
    }
}

impl DigestState {
    fn lock(&self) -> std::sync::MutexGuard<'_, ChallengePool> {
        self.pool.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Leases the most recently used idle challenge, or none when all are in use (or none came yet).
    pub(crate) fn lease(&self) -> DigestLease<'_> {
        let challenge = self.lock().idle.pop();
        DigestLease { state: self, challenge }
    }
}

/// The first `WWW-Authenticate` value that is a Digest challenge.
fn digest_challenge(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(str::trim)
        .find(|value| value.len() >= 6 && value[..6].eq_ignore_ascii_case("digest"))
}

#[derive(Clone)]
struct CachedToken {
    token: SecretString,
    /// When the token stops being reused: its expiry minus the refresh margin.
    refresh_at: Instant,
}

/// When a token fetched at `requested_at` that lives `expires_in` seconds must be refreshed.
///
/// The lifetime is clamped to [`MAX_TOKEN_LIFETIME`], and the margin to half the lifetime so that a
/// token living less than the margin is still reused for a while. Never overflows.
fn refresh_deadline(requested_at: Instant, expires_in: Option<u64>, margin: Duration) -> Instant {
    let lifetime = expires_in.map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs).min(MAX_TOKEN_LIFETIME);
    let reuse_for = lifetime.saturating_sub(margin.min(lifetime / 2));
    requested_at.checked_add(reuse_for).unwrap_or(requested_at)
}

/// OAuth2 client-credentials state: the secret and the cached access token.
///
/// The cache sits behind an async mutex that is held while a token is fetched, so concurrent
/// callers share a single token request.
pub(crate) struct OAuth2State {
    client_id: String,
    client_secret: SecretString,
    token_url: String,
    refresh_margin: Duration,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

impl fmt::Debug for OAuth2State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    token_type: Option<String>,
}

impl OAuth2State {
    /// A valid access token: the cached one, or a fresh one when it is missing or about to expire.
    pub(crate) async fn token(&self, http: &reqwest::Client, timeout: Duration) -> Result<SecretString, Error> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            if Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let fresh = self.fetch(http, timeout).await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    /// Forgets the cached token if it is still `rejected` (another caller may have refreshed it).
    pub(crate) async fn invalidate(&self, rejected: &SecretString) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|cached| &cached.token == rejected) {
            *cache = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client, timeout: Duration) -> Result<CachedToken, Error> {
        tracing::debug!(token_url = %self.token_url, "fetching an OAuth2 access token");
        let requested_at = Instant::now();
        let response = http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .timeout(timeout)
            .send()
            .await
            .map_err(|source| AuthError::TokenTransport { source })?;
        let status = response.status();
        let body = read_token_body(response).await?;
        if !status.is_success() {
            tracing::warn!(status = status.as_u16(), "the OAuth2 token endpoint refused the request");
            return Err(AuthError::TokenEndpoint {
                status: status.as_u16(),
                body: truncate_body(&body),
                error: AtlasError::from_body(&body).map(Box::new),
            }
            .into());
        }
        let parsed = parse_token_response(&body)?;
        tracing::debug!(expires_in = parsed.expires_in, "fetched an OAuth2 access token");
        let refresh_at = refresh_deadline(requested_at, parsed.expires_in, self.refresh_margin);
        Ok(CachedToken { token: parsed.access_token, refresh_at })
    }
}

fn parse_token_response(body: &[u8]) -> Result<TokenResponse, AuthError> {
    // The serde message could quote a value of the body (a token), so only its position is kept.
    let parsed: TokenResponse = serde_json::from_slice(body).map_err(|error| AuthError::TokenResponse {
        message: format!(
            "expected a JSON object with `access_token` and `expires_in` ({:?} error at line {}, column {})",
            error.classify(),
            error.line(),
            error.column()
        ),
    })?;
    if parsed.access_token.is_empty() {
        return Err(AuthError::TokenResponse { message: "the access token is empty".to_owned() });
    }
    if let Some(kind) = &parsed.token_type {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::TokenResponse {
                message: format!("unsupported token type `{}`", kind.chars().take(32).collect::<String>()),
            });
        }
    }
    Ok(parsed)
}

/// The most bytes of a token endpoint's answer the client reads: a token response is a few hundred
/// bytes, and a broken or hostile endpoint must not make the client buffer without bound.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// Reads a token endpoint's body, refusing one longer than [`MAX_TOKEN_BODY`] before buffering it.
async fn read_token_body(response: reqwest::Response) -> Result<Vec<u8>, Error> {
    read_capped(response, MAX_TOKEN_BODY).await.map_err(|failure| match failure {
        Capped::TooLarge => {
            AuthError::TokenResponse { message: format!("the body is larger than {MAX_TOKEN_BODY} bytes") }.into()
        }
        Capped::Transport(source) => AuthError::TokenTransport { source }.into(),
    })
}

#[cfg(test)]
#[path = "tests/auth.rs"]
mod tests;
