//! Success responses that are not JSON: no body at all (`204`), and downloads (gzip archives, CSV
//! invoices) handed over as bytes, whole or as a stream that never holds the whole body in memory.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::{HeaderMap, CONTENT_TYPE};

use crate::runtime::client::{read_body, RawResponse};
use crate::runtime::{Error, Response};

/// A downloaded body (gzip, CSV, ...), whole, with its media type.
///
/// `Debug` shows the size of the body, never its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Download {
    /// The body as received (a gzip archive stays compressed).
    pub bytes: Vec<u8>,
    /// The media type: the response's `Content-Type`, else the one the API description declares.
    pub media_type: String,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("media_type", &self.media_type)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// A response body read chunk by chunk as the caller polls it: memory stays bounded by the chunk size,
/// whatever the size of the download. Each item is the next chunk; a failed read ends the stream
/// after yielding the error once.
///
/// The client's timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)) covers the whole
/// transfer, so raise it for large downloads.
pub struct ByteStream {
    media_type: String,
    chunks: Pin<Box<dyn Stream<Item = Result<Vec<u8>, Error>> + Send>>,
}

impl ByteStream {
    /// The media type: the response's `Content-Type`, else the one the API description declares.
    pub fn media_type(&self) -> &str {
        &self.media_type
    }

    /// Reads the rest of the stream into memory.
    ///
    /// # Errors
    ///
    /// The first error reading the body ([`Error::Timeout`], [`Error::Transport`]).
    pub async fn collect(mut self) -> Result<Download, Error> {
        let mut bytes = Vec::new();
        while let Some(chunk) = std::future::poll_fn(|cx| self.chunks.as_mut().poll_next(cx)).await {
            bytes.extend_from_slice(&chunk?);
        }
        Ok(Download { bytes, media_type: self.media_type })
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").field("media_type", &self.media_type).finish_non_exhaustive()
    }
}

impl Stream for ByteStream {
    type Item = Result<Vec<u8>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

/// The `Content-Type` of a response, else the declared media type.
#[allow(dead_code)] // Used by the generated operations of downloads.
fn media_type(headers: &HeaderMap, declared: &str) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.trim().is_empty())
        .map_or_else(|| declared.to_owned(), str::to_owned)
}

#[allow(dead_code)] // Which of these the generated operations call depends on the spec.
impl RawResponse {
    /// A response without a body the client reads: `()`, with status and headers kept.
    pub(crate) fn empty(self) -> Response<()> {
        Response::new((), self.status, self.headers)
    }

    /// The body as bytes, with its media type.
    pub(crate) async fn download(self, declared: &'static str) -> Result<Response<Download>, Error> {
        let media_type = media_type(&self.headers, declared);
        let RawResponse { operation, status, headers, body, unread, max_body } = self;
        let bytes = match unread {
            Some(response) => read_body(operation, response, max_body).await?,
            None => body,
        };
        Ok(Response::new(Download { bytes, media_type }, status, headers))
    }

    /// The body as a stream of chunks, read only as the caller polls it.
    pub(crate) fn byte_stream(self, declared: &'static str) -> Response<ByteStream> {
        let media_type = media_type(&self.headers, declared);
        let RawResponse { operation, status, headers, body, unread, .. } = self;
        let chunks: Pin<Box<dyn Stream<Item = Result<Vec<u8>, Error>> + Send>> = match unread {
            Some(response) => Box::pin(futures_util::stream::unfold(Some(response), move |state| async move {
                let mut response = state?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk.to_vec()), Some(response))),
                    Ok(None) => None,
                    Err(error) => Some((Err(Error::from_reqwest(operation, error)), None)),
                }
            })),
            None => Box::pin(futures_util::stream::iter((!body.is_empty()).then_some(Ok(body)))),
        };
        Response::new(ByteStream { media_type, chunks }, status, headers)
    }

    /// The error for a 2xx status the API description does not document, when the operation documents
    /// several and decodes each into its own type.
    pub(crate) fn undocumented<T>(self, documented: &str) -> Result<Response<T>, Error> {
        Err(Error::Decode {
            operation: self.operation,
            status: self.status,
            path: ".".to_owned(),
            message: format!("the API description documents only {documented} as success statuses"),
        })
    }
}

#[cfg(test)]
#[path = "tests/download.rs"]
mod tests;
