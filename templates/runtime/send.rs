//! The one body every request builder's `send_with_meta` shares: send the checked request, decode
//! the response.

use serde::de::DeserializeOwned;

use super::client::{Client, RequestSpec, Response};
use super::error::Error;

impl Client {
    /// Sends `request` (the builder's checked request, or the error that stopped it before any I/O)
    /// with auth and retries, and decodes the success body.
    #[allow(dead_code)] // Unused by a spec whose operations have no JSON success body.
    pub(crate) async fn send_checked<T: DeserializeOwned>(
        &self,
        request: Result<RequestSpec, Error>,
    ) -> Result<Response<T>, Error> {
        self.execute(request?).await?.decode()
    }
}
