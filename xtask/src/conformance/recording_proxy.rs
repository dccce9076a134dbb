//! A recording HTTP/1.1 proxy in front of Prism, std only: it forwards each request (one per
//! connection, `Connection: close` on both sides), lets its [`Recorder`] add headers on the way
//! (`Prefer: code=...`) or answer a request itself (the harness's markers), and hands the recorder
//! every exchange before it relays the response, so the exchange is on record by the time the client
//! has its answer.
//!
//! Shared by `cargo xtask conformance --spec` and the three-operation conformance tests
//! (`generator/tests/conformance.rs` includes this file with `#[path]`: a crate of its own for two
//! callers would be more ceremony than code).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How long one side may take to send its part of an exchange.
const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// A request as the client sent it (header names lowercased).
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// Path and query.
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// A request and Prism's answer to it.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    pub(crate) request: Request,
    pub(crate) status: u16,
    /// Response headers as Prism sent them (names lowercased).
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Exchange {
    /// A response header.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// What the proxy asks of its owner.
pub(crate) trait Recorder: Send + Sync + 'static {
    /// The headers to send upstream for `request`, given its own without the hop-by-hop ones and
    /// without any `Prefer` (the proxy adds `connection: close`); `None` answers the request here with
    /// a 204 instead of forwarding it.
    fn upstream_headers(&self, request: &Request) -> Option<Vec<(String, String)>>;
    /// One exchange, before its response reaches the client.
    fn record(&self, exchange: Exchange);
    /// A connection the proxy could not serve.
    fn failed(&self, error: io::Error);
}

/// Starts a proxy to `upstream` on a free loopback port and returns its base URL. Connections are
/// served one at a time, in the order they arrive, so a marker is on record before the request that
/// follows it; the listener thread ends with the process.
pub(crate) fn start(upstream: SocketAddr, recorder: Arc<dyn Recorder>) -> io::Result<String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let url = format!("http://{}", listener.local_addr()?);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            if let Err(e) = forward(stream, upstream, recorder.as_ref()) {
                recorder.failed(e);
            }
        }
    });
    Ok(url)
}

/// Serves one connection: reads the request, forwards it (or lets the recorder answer it), records
/// the exchange, relays the response.
fn forward(client: TcpStream, upstream: SocketAddr, recorder: &dyn Recorder) -> io::Result<()> {
    let Some((request_line, request)) = read_request(&client)? else {
        return Ok(()); // closed without a request
    };
    let own: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "connection" | "keep-alive" | "prefer"))
        .cloned()
        .collect();
    let mut client = client;
    let Some(upstream_headers) = recorder.upstream_headers(&Request { headers: own, ..request.clone() }) else {
        client.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")?;
        let _ = client.shutdown(Shutdown::Both);
        return Ok(());
    };
    let upstream_response = ask(upstream, &request_line, &upstream_headers, &request.body)?;
    recorder.record(Exchange {
        request,
        status: upstream_response.status,
        headers: upstream_response.headers.clone(),
        body: String::from_utf8_lossy(&upstream_response.body).into_owned(),
    });
    client.write_all(&upstream_response.relay())?;
    client.flush()?;
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}

/// Reads one request from a client connection: its request line and the request; `None` when the
/// client closed without sending one.
pub(crate) fn read_request(client: &TcpStream) -> io::Result<Option<(String, Request)>> {
    client.set_read_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let Some((request_line, headers)) = read_head(&mut reader)? else {
        return Ok(None);
    };
    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
    if find_header(&headers, "transfer-encoding").is_some() {
        return Err(io::Error::other("chunked request bodies are not supported by the proxy"));
    }
    let length: usize = find_header(&headers, "content-length").map_or(Ok(0), str::parse).map_err(io::Error::other)?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some((request_line, Request { method, target, headers, body })))
}

/// An upstream answer, read whole.
#[derive(Debug, Clone)]
pub(crate) struct UpstreamResponse {
    /// `HTTP/1.1 200 OK`.
    pub(crate) status_line: String,
    pub(crate) status: u16,
    /// Names lowercased.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl UpstreamResponse {
    /// The response as relayed to the client: the same head without hop-by-hop headers, telling the
    /// client not to reuse the connection.
    pub(crate) fn relay(&self) -> Vec<u8> {
        let mut relay = format!("{}\r\n", self.status_line).into_bytes();
        for (name, value) in self.headers.iter().filter(|(n, _)| !matches!(n.as_str(), "connection" | "keep-alive")) {
            relay.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        relay.extend_from_slice(b"connection: close\r\n\r\n");
        relay.extend_from_slice(&self.body);
        relay
    }
}

/// Sends a request upstream with `headers` (and `connection: close`) and reads the whole answer.
pub(crate) fn ask(
    upstream: SocketAddr,
    request_line: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<UpstreamResponse> {
    let mut outgoing = format!("{request_line}\r\n").into_bytes();
    for (name, value) in headers {
        outgoing.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    outgoing.extend_from_slice(b"connection: close\r\n\r\n");
    outgoing.extend_from_slice(body);
    let mut prism = TcpStream::connect_timeout(&upstream, IO_TIMEOUT)?;
    prism.set_read_timeout(Some(IO_TIMEOUT))?;
    prism.write_all(&outgoing)?;
    let mut response = Vec::new();
    prism.read_to_end(&mut response)?; // Prism closes: we asked for `Connection: close`

    let mut response_reader = BufReader::new(response.as_slice());
    let (status_line, headers) = read_head(&mut response_reader)?
        .ok_or_else(|| io::Error::other("Prism closed the connection without answering"))?;
    let mut body = Vec::new();
    response_reader.read_to_end(&mut body)?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line `{status_line}`")))?;
    Ok(UpstreamResponse { status_line, status, headers, body })
}

/// A header's value (names compared without case).
pub(crate) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A start line and its headers (names lowercased).
type Head = (String, Vec<(String, String)>);

/// Reads a start line and headers up to the blank line; `None` on immediate EOF.
pub(crate) fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    let mut start = String::new();
    if reader.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "EOF inside the HTTP head"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) =
            line.split_once(':').ok_or_else(|| io::Error::other(format!("bad header line `{line}`")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Some((start.trim_end_matches(['\r', '\n']).to_owned(), headers)))
}
