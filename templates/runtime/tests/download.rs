//! Unit tests of `download.rs`: empty bodies, whole downloads and a 50 MB stream with bounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::runtime::{Client, RequestSpec};
use reqwest::header::HeaderValue;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const SIZE: usize = 50 * 1024 * 1024;
const WRITE: usize = 64 * 1024;

fn raw(status: u16, content_type: Option<&str>, body: &[u8]) -> RawResponse {
    let mut headers = HeaderMap::new();
    if let Some(ct) = content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
    }
    RawResponse { operation: "downloadLogs", status, headers, body: body.to_vec(), unread: None, max_body: usize::MAX }
}

fn spec(stream: bool) -> RequestSpec {
    RequestSpec {
        operation_id: "downloadLogs",
        method: reqwest::Method::GET,
        path: "/logs.gz".to_owned(),
        query: vec![],
        headers: vec![],
        accept: "application/vnd.atlas.2023-02-01+gzip",
        stream,
        body: None,
        idempotent: true,
    }
}

#[test]
fn an_empty_response_keeps_status_and_headers() {
    let response = raw(204, Some("text/plain"), b"ignored").empty();
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers().get(CONTENT_TYPE).unwrap(), "text/plain");
    assert_eq!(response.into_inner(), ());
}

#[tokio::test]
async fn a_download_takes_the_received_media_type_else_the_declared_one() {
    let got = raw(200, Some("application/vnd.atlas.2023-02-01+gzip"), b"\x1f\x8b").download("x/declared").await;
    let got = got.unwrap().into_inner();
    assert_eq!(
        got,
        Download { bytes: b"\x1f\x8b".to_vec(), media_type: "application/vnd.atlas.2023-02-01+gzip".into() }
    );
    let got = raw(200, None, b"a,b\n").download("text/csv").await.unwrap().into_inner();
    assert_eq!(got.media_type, "text/csv");
    assert_eq!(format!("{got:?}"), r#"Download { media_type: "text/csv", bytes: <4 bytes> }"#);
}

#[tokio::test]
async fn an_undocumented_success_status_is_a_decode_error() {
    let error = raw(203, None, b"{}").undocumented::<()>("200, 201").unwrap_err();
    assert!(matches!(error, Error::Decode { status: 203, .. }), "{error:?}");
    assert!(error.to_string().contains("200, 201"), "{error}");
}

/// A server that answers one request with a `SIZE`-byte body written in `WRITE`-byte pieces, counting
/// what it has written so far.
fn slow_server(written: Arc<AtomicUsize>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).unwrap();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.atlas.2023-02-01+gzip\r\ncontent-length: {SIZE}\r\n\r\n"
        );
        socket.write_all(head.as_bytes()).unwrap();
        let piece = vec![7u8; WRITE];
        while written.load(Ordering::SeqCst) < SIZE {
            if socket.write_all(&piece).is_err() {
                return;
            }
            written.fetch_add(WRITE, Ordering::SeqCst);
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_50_mb_download_streams_with_bounded_memory() {
    let written = Arc::new(AtomicUsize::new(0));
    let base = slow_server(written.clone());
    let client = Client::builder().base_url(base).build().unwrap();
    let raw = client.execute(spec(true)).await.unwrap();
    let mut stream = raw.byte_stream("application/octet-stream").into_inner();
    assert_eq!(stream.media_type(), "application/vnd.atlas.2023-02-01+gzip");
    let first = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await.unwrap().unwrap();
    // The server blocks once the socket buffers are full: far less than the body has been sent when
    // the first chunk arrives, so the client cannot be holding the whole body.
    assert!(written.load(Ordering::SeqCst) < SIZE / 2, "{} bytes written", written.load(Ordering::SeqCst));
    let (mut total, mut largest) = (first.len(), first.len());
    while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        let chunk = chunk.unwrap();
        total += chunk.len();
        largest = largest.max(chunk.len());
    }
    assert_eq!(total, SIZE);
    assert!(largest <= 1024 * 1024, "a chunk of {largest} bytes");
}

#[tokio::test]
async fn a_download_can_be_read_whole() {
    let written = Arc::new(AtomicUsize::new(0));
    let base = slow_server(written);
    let client = Client::builder().base_url(base).build().unwrap();
    let raw = client.execute(spec(true)).await.unwrap();
    let download = raw.byte_stream("x/y").into_inner().collect().await.unwrap();
    assert_eq!(download.bytes.len(), SIZE);
    assert!(download.bytes.iter().all(|b| *b == 7));
}
