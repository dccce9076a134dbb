//! Reading response bodies into memory within a limit, for the API's answers and the OAuth2 token
//! endpoint's alike; a leaf module, so `client` and `auth` both use it without importing each other.

/// Why [`read_capped`] stopped reading a body.
pub(crate) enum Capped {
    /// The body is longer than the limit (declared or counted).
    TooLarge,
    /// Reading it failed.
    Transport(reqwest::Error),
}

/// Reads a whole body, refusing one of more than `limit` bytes before buffering it: a declared
/// `Content-Length` above the limit fails at once, any other body as soon as its chunks add up to more
/// (a server may send more than it declares, or declare nothing). Each caller names the failure in its
/// own error type (an API call's, the OAuth2 token endpoint's).
pub(crate) async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Capped> {
    let declared = response.content_length();
    if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(Capped::TooLarge);
    }
    // Capacity from the declared length (already known to be within the limit), never from the limit.
    let mut body = Vec::with_capacity(declared.and_then(|length| usize::try_from(length).ok()).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(Capped::Transport)? {
        if chunk.len() > limit.saturating_sub(body.len()) {
            return Err(Capped::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
