//! `multipart/form-data` request bodies (file uploads).
//!
//! A [`File`] is the content of a file part: bytes, with the file name and content type the part
//! announces. The generated form of an operation (`UploadPhotoForm`, say) has a field per part the API
//! description lists; an operation whose description lists no parts takes a [`Form`] the caller fills.
//!
//! reqwest writes the body: it picks the boundary and streams the parts. The parts are kept as bytes
//! that are cheap to clone, so a retry sends the same body again.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;

use crate::runtime::{BuildBody, Error, RequestBody};

/// The `Content-Type` of a file part that neither the caller nor the API description sets.
const OCTET_STREAM: &str = "application/octet-stream";

/// The content of a file part: bytes, with an optional file name and content type.
///
/// Unless set, a file is sent with the part's name as its file name (many servers take a part without
/// one for a plain field) and the content type the API description declares for the part, else
/// `application/octet-stream`.
///
/// `Debug` shows the size of the file, never its bytes.
///
/// ```
/// # use atlas_admin_client::multipart::File;
/// let photo = File::new(vec![0x89, b'P', b'N', b'G']).file_name("cat.png").content_type("image/png");
/// # let _ = photo;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl File {
    /// A file of these bytes: a `Vec<u8>`, a `bytes::Bytes`, a `&'static [u8]`, a `String`, ...
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name the part announces (`filename=` of its `Content-Disposition`).
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's `Content-Type` (`image/png`); one that is not a media type is refused with
    /// [`Error::Encode`] when the request is sent.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes of the file.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<Bytes> for File {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<&'static [u8]> for File {
    fn from(bytes: &'static [u8]) -> Self {
        Self::new(bytes)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &Size(self.bytes.len()))
            .finish()
    }
}

/// The parts of a `multipart/form-data` body, in the order they are sent: text parts and files.
///
/// `Debug` shows each part's name and size, never its bytes.
///
/// ```
/// # use atlas_admin_client::multipart::{File, Form};
/// let form = Form::new().text("caption", "A cat").file("photo", File::new(vec![1, 2, 3]).file_name("cat.png"));
/// # let _ = form;
/// ```
#[derive(Clone, Default)]
pub struct Form {
    parts: Vec<Part>,
}

/// One part of a [`Form`].
#[derive(Clone)]
struct Part {
    name: String,
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Form {
    /// A form without parts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part (sent without a `Content-Type`, which means `text/plain`).
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.parts.push(Part { name: name.into(), bytes: value.into(), file_name: None, content_type: None });
        self
    }

    /// Adds a file part: `application/octet-stream` unless the file sets its content type, and the
    /// part's name as its file name unless the file sets one.
    pub fn file(self, name: impl Into<String>, file: impl Into<File>) -> Self {
        self.file_part(name.into(), file.into(), OCTET_STREAM)
    }

    /// Adds a file part whose content type is `declared` unless the file sets its own.
    pub(crate) fn file_part(mut self, name: String, file: File, declared: &str) -> Self {
        let File { bytes, file_name, content_type } = file;
        let file_name = file_name.or_else(|| Some(name.clone()));
        let content_type = content_type.or_else(|| Some(declared.to_owned()));
        self.parts.push(Part { name, bytes, file_name, content_type });
        self
    }

    /// Adds a part holding `value` as JSON, of content type `content_type`.
    #[allow(dead_code)] // Used by the generated forms of specs with object parts.
    pub(crate) fn json<T: Serialize>(
        mut self,
        operation: &'static str,
        name: &str,
        content_type: &str,
        value: &T,
    ) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::Encode {
            operation,
            message: format!("the `{name}` part cannot be encoded as JSON: {e}"),
        })?;
        let content_type = Some(content_type.to_owned());
        self.parts.push(Part { name: name.to_owned(), bytes: bytes.into(), file_name: None, content_type });
        Ok(self)
    }

    /// The request body; a part whose content type is not a media type is refused before anything is
    /// sent.
    pub(crate) fn into_body(self, operation: &'static str) -> Result<RequestBody, Error> {
        for part in &self.parts {
            let Some(content_type) = &part.content_type else { continue };
            if reqwest::multipart::Part::bytes(Vec::new()).mime_str(content_type).is_err() {
                return Err(Error::Encode {
                    operation,
                    message: format!(
                        "the content type `{content_type}` of the `{}` part is not a media type",
                        part.name
                    ),
                });
            }
        }
        Ok(RequestBody::Built(Arc::new(self)))
    }
}

impl BuildBody for Form {
    fn attach(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            let piece = || {
                let length = u64::try_from(part.bytes.len()).unwrap_or(u64::MAX);
                let piece = reqwest::multipart::Part::stream_with_length(part.bytes.clone(), length);
                match &part.file_name {
                    Some(file_name) => piece.file_name(file_name.clone()),
                    None => piece,
                }
            };
            // Content types were checked by `into_body`, so the fallback without one is never taken.
            let piece = match &part.content_type {
                Some(content_type) => piece().mime_str(content_type).unwrap_or_else(|_| piece()),
                None => piece(),
            };
            form = form.part(part.name.clone(), piece);
        }
        request.multipart(form)
    }

    fn size(&self) -> usize {
        self.parts.iter().map(|p| p.bytes.len()).sum()
    }
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.parts.iter().map(|p| (&p.name, Size(p.bytes.len())))).finish()
    }
}

/// Shows a size instead of bytes in `Debug` output.
struct Size(usize);

impl fmt::Debug for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

#[cfg(test)]
#[path = "tests/multipart.rs"]
mod tests;
