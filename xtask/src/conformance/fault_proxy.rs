//! The fault proxy of `cargo xtask faults`: an HTTP/1.1 proxy in front of Prism that breaks, on
//! purpose, the exchange each request names in its `x-atlas-fault: <fault> <operationId>` header, and
//! counts the requests of every (fault, operation) pair, so the judge can tell a retry from a request
//! sent once.
//!
//! Unlike the recording proxy it serves connections concurrently (a stalled answer must not hold up
//! the others); it reuses that proxy's request reading and upstream call.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, SystemTime};

use crate::conformance::faults::Fault;
use crate::conformance::recording_proxy::{ask, find_header, read_request, Request, UpstreamResponse};

/// What a fault answers when it does not forward: an Atlas-style error body.
fn atlas_error(status: u16, code: &str, reason: &str) -> Vec<u8> {
    format!(
        r#"{{"detail":"{reason} (injected by cargo xtask faults).","error":{status},"errorCode":"{code}","parameters":[],"reason":"{reason}"}}"#
    )
    .into_bytes()
}

/// A captive portal's sign-in page: what a wrong `Content-Type` usually brings.
const SIGN_IN_PAGE: &[u8] = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1><form method=post><input name=user></form></body></html>";
/// A load balancer's error page.
const BAD_GATEWAY_PAGE: &[u8] = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
/// Not JSON: a trailing comma, a `NaN`, single quotes.
const INVALID_JSON: &[u8] = br#"{"name": 'cluster0', "count": NaN, }"#;
/// JSON of a shape no object, array or number schema accepts.
pub(crate) const WRONG_SHAPE: &str = "not the shape of any object";
/// How much a huge body sends at most: 64 times the harness client's 1 MiB cap.
const HUGE_BODY: usize = 64 * 1024 * 1024;

/// What the proxy saw of one (fault, operation) pair.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Seen {
    /// Requests that reached the proxy whole (the server could have processed each).
    pub(crate) requests: u32,
    /// Prism's status, for the faults that forward.
    pub(crate) upstream_status: Option<u16>,
}

/// The proxy's settings and what it saw.
pub(crate) struct FaultProxy {
    upstream: SocketAddr,
    /// Prism's answer to each operation, recorded by a conformance pass before the faults: the
    /// faults that cut a real answer serve it from here, so Prism's own latency under many calls at
    /// a time cannot turn them into timeouts.
    recorded: BTreeMap<String, UpstreamResponse>,
    /// `Prefer: code=` per operation, for an operation with no recorded answer (asked live).
    preferred: BTreeMap<String, u16>,
    /// The 2xx status the proxy answers with for each operation when it does not forward.
    success: BTreeMap<String, u16>,
    /// How long a stalled answer waits before it closes (longer than the client's timeout).
    stall: Duration,
    seen: Mutex<BTreeMap<(String, String), Seen>>,
    /// Requests without a readable `x-atlas-fault` header, and connections that failed.
    problems: Mutex<Vec<String>>,
}

impl FaultProxy {
    pub(crate) fn new(
        upstream: SocketAddr,
        recorded: BTreeMap<String, UpstreamResponse>,
        preferred: BTreeMap<String, u16>,
        success: BTreeMap<String, u16>,
        stall: Duration,
    ) -> Arc<Self> {
        Arc::new(FaultProxy {
            upstream,
            recorded,
            preferred,
            success,
            stall,
            seen: Mutex::default(),
            problems: Mutex::default(),
        })
    }

    /// Starts serving on a free loopback port, a thread per connection; returns the base URL.
    pub(crate) fn start(self: &Arc<Self>) -> io::Result<String> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let url = format!("http://{}", listener.local_addr()?);
        let proxy = Arc::clone(self);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let proxy = Arc::clone(&proxy);
                thread::spawn(move || {
                    if let Err(e) = proxy.serve(stream) {
                        // A client that gave up on a stalled or huge answer closes first: expected.
                        if !matches!(e.kind(), io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset) {
                            proxy.problem(format!("a connection failed: {e}"));
                        }
                    }
                });
            }
        });
        Ok(url)
    }

    /// What the proxy saw, by (fault, operation).
    pub(crate) fn seen(&self) -> BTreeMap<(String, String), Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Requests it could not attribute and connections that failed.
    pub(crate) fn problems(&self) -> Vec<String> {
        self.problems.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn problem(&self, message: String) {
        self.problems.lock().unwrap_or_else(PoisonError::into_inner).push(message);
    }

    fn note(&self, fault: &str, op: &str, update: impl FnOnce(&mut Seen)) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        update(seen.entry((fault.to_owned(), op.to_owned())).or_default());
    }

    fn serve(&self, mut client: TcpStream) -> io::Result<()> {
        let Some((request_line, request)) = read_request(&client)? else { return Ok(()) };
        let tag = find_header(&request.headers, "x-atlas-fault").unwrap_or_default().to_owned();
        let Some((fault, op)) = tag.split_once(' ').and_then(|(f, op)| Some((Fault::from_name(f)?, op.to_owned())))
        else {
            self.problem(format!("{request_line}: no usable x-atlas-fault header (`{tag}`)"));
            return answer(&mut client, 400, &[], b"");
        };
        self.note(fault.name(), &op, |seen| seen.requests += 1);
        // A 204 cannot carry the body a fault breaks: those faults answer 200 instead.
        let success = with_body(self.success.get(&op).copied().unwrap_or(200));
        let json = [("content-type", "application/json".to_owned())];
        match fault {
            // Never reaches the proxy: the harness sends it to a closed port.
            Fault::Refused => answer(&mut client, 500, &[], b""),
            Fault::Reset => reset(client),
            Fault::ResetBody => {
                let upstream = self.forward(&fault, &op, &request_line, &request)?;
                // The head promises more than is sent, then the connection is reset.
                let promised = upstream.body.len() + 64;
                let head = head(with_body(upstream.status), &own_headers(&upstream.headers), Some(promised));
                client.write_all(&head)?;
                client.write_all(&upstream.body[..upstream.body.len() / 2])?;
                client.flush()?;
                reset(client)
            }
            Fault::Truncated => {
                let upstream = self.forward(&fault, &op, &request_line, &request)?;
                let cut = &upstream.body[..upstream.body.len() / 2];
                answer(&mut client, upstream.status, &own_headers(&upstream.headers), cut)
            }
            Fault::InvalidJson => answer(&mut client, success, &json, INVALID_JSON),
            Fault::WrongShape => answer(&mut client, success, &json, format!("\"{WRONG_SHAPE}\"").as_bytes()),
            Fault::Html200 => {
                answer(&mut client, success, &[("content-type", "text/html; charset=utf-8".to_owned())], SIGN_IN_PAGE)
            }
            Fault::Html502 => answer(&mut client, 502, &[("content-type", "text/html".to_owned())], BAD_GATEWAY_PAGE),
            Fault::Status500 => {
                answer(&mut client, 500, &json, &atlas_error(500, "UNEXPECTED_ERROR", "Internal Server Error"))
            }
            Fault::Status503 => {
                answer(&mut client, 503, &json, &atlas_error(503, "SERVICE_UNAVAILABLE", "Service Unavailable"))
            }
            Fault::TooMany | Fault::TooManySeconds | Fault::TooManyDate => {
                let mut headers = json.to_vec();
                match fault {
                    Fault::TooManySeconds => headers.push(("retry-after", "1".to_owned())),
                    Fault::TooManyDate => headers
                        .push(("retry-after", httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2)))),
                    _ => {}
                }
                answer(&mut client, 429, &headers, &atlas_error(429, "RATE_LIMITED", "Too Many Requests"))
            }
            Fault::Stall => {
                client.write_all(&head(success, &json, Some(64)))?;
                client.write_all(b"{\"results\": [")?;
                client.flush()?;
                thread::sleep(self.stall);
                let _ = client.shutdown(Shutdown::Both);
                Ok(())
            }
            Fault::HugeBody => {
                // Chunked, with no length to refuse it by: the client must count as it reads.
                let mut headers = json.to_vec();
                headers.push(("transfer-encoding", "chunked".to_owned()));
                client.write_all(&head(success, &headers, None))?;
                let item = b"{\"name\":\"padding padding padding padding padding padding padding\"},";
                let chunk: Vec<u8> = item.iter().copied().cycle().take(item.len() * 1000).collect();
                client.write_all(b"1\r\n[\r\n")?;
                let mut sent = 0;
                while sent < HUGE_BODY {
                    client.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                    client.write_all(&chunk)?;
                    client.write_all(b"\r\n")?;
                    sent += chunk.len();
                }
                client.write_all(b"1\r\n]\r\n0\r\n\r\n")?;
                client.flush()
            }
        }
    }

    /// Prism's answer to the operation: recorded, or asked for now (with the operation's
    /// `Prefer: code=`); notes its status.
    fn forward(&self, fault: &Fault, op: &str, request_line: &str, request: &Request) -> io::Result<UpstreamResponse> {
        let upstream = match self.recorded.get(op) {
            Some(recorded) => recorded.clone(),
            None => {
                let mut headers: Vec<(String, String)> = request
                    .headers
                    .iter()
                    .filter(|(name, _)| {
                        !matches!(name.as_str(), "connection" | "keep-alive" | "prefer" | "x-atlas-fault")
                    })
                    .cloned()
                    .collect();
                if let Some(code) = self.preferred.get(op) {
                    headers.push(("prefer".to_owned(), format!("code={code}")));
                }
                ask(self.upstream, request_line, &headers, &request.body)?
            }
        };
        self.note(fault.name(), op, |seen| seen.upstream_status = Some(upstream.status));
        Ok(upstream)
    }
}

/// `status`, or 200 for a status that has no body (204, 205, 304).
fn with_body(status: u16) -> u16 {
    if matches!(status, 204 | 205 | 304) {
        200
    } else {
        status
    }
}

/// Prism's response headers a fault keeps: all but the framing and hop-by-hop ones, which it sets.
fn own_headers(headers: &[(String, String)]) -> Vec<(&'static str, String)> {
    headers
        .iter()
        .filter(|(name, _)| name == "content-type")
        .map(|(_, value)| ("content-type", value.clone()))
        .collect()
}

/// A response head; `length`: the `Content-Length` to promise, if any.
fn head(status: u16, headers: &[(&str, String)], length: Option<usize>) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (name, value) in headers {
        head.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if let Some(length) = length {
        head.extend_from_slice(format!("content-length: {length}\r\n").as_bytes());
    }
    head.extend_from_slice(b"connection: close\r\n\r\n");
    head
}

/// A whole response with a correct `Content-Length`, then the connection closes.
fn answer(client: &mut TcpStream, status: u16, headers: &[(&str, String)], body: &[u8]) -> io::Result<()> {
    client.write_all(&head(status, headers, Some(body.len())))?;
    client.write_all(body)?;
    client.flush()?;
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}

/// Closes with a TCP reset (linger zero) instead of an orderly shutdown.
fn reset(client: TcpStream) -> io::Result<()> {
    socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO))?;
    drop(client);
    Ok(())
}

/// The reason phrase (clients ignore it; it makes captures readable).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
