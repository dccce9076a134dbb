//! `cargo xtask faults [--spec FILE] [--tags TAG,TAG] [--faults F,F] [--concurrency N] [--table FILE]`:
//! every operation of a spec (the vendored official description by default) called through its
//! generated client once per fault, with a fault proxy ([`crate::conformance::fault_proxy`]) between
//! the client and a Prism mock breaking the exchange on purpose.
//!
//! The harness is the conformance one (`examples/conformance.rs`) in its faults mode: a client with a
//! 4 s timeout per attempt, a 1 MiB body cap and 3 attempts within 8 s (it prints these on its
//! `FAULTS-CONFIG` line), many calls at a time, one `FAULT` line per call. Each call is judged
//! ([`expect`]): no panic, no hang (it ends within the retry budget plus one attempt), the typed error
//! a caller can act on, and as many requests as the retry rules allow: a request the server may have
//! processed is repeated only when it is idempotent, so nothing is written twice.
//!
//! Prints the operations x faults table (and writes it as Markdown with `--table`), a summary per tag
//! and every failure; fails when any call fails its fault's expectations.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use atlas_codegen::ir::{Api, Status};
use serde_json::Value;

use crate::conformance::fault_proxy::{FaultProxy, Seen, WRONG_SHAPE};
use crate::conformance::recording_proxy::UpstreamResponse;
use crate::conformance::spec::{call, prepare, run_harness, Prepared};
use crate::util::ensure_tool;
use crate::util::prism::with_prism_on;

/// The spec without `--spec`.
const DEFAULT_SPEC: &str = "spec/upstream/atlas-admin-v2.yaml";
/// Calls in flight without `--concurrency`.
const DEFAULT_CONCURRENCY: usize = 16;
/// Prism parses and indexes the official description before it answers.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);
/// The harness's output, every call with its error or body.
const CALLS_LOG: &str = "target/conformance-client/faults.log";
/// How long a stalled answer stays silent: well past the harness client's 4 s timeout per attempt.
const STALL: Duration = Duration::from_secs(10);
/// The harness's peak memory must stay below this (KiB): a huge body is 256 MiB, the cap 1 MiB.
const MAX_PEAK_KIB: u64 = 512 * 1024;
/// Slack on top of the client's own bound (retry budget plus one attempt) for a loaded machine.
const SLACK: Duration = Duration::from_secs(3);

/// One way to break an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Fault {
    /// Nothing listens on the port.
    Refused,
    /// The request is read, then the connection is reset before any answer.
    Reset,
    /// Prism's answer, reset in the middle of its body (the head promised more).
    ResetBody,
    /// Prism's answer cut in half, with a `Content-Length` that matches the cut body.
    Truncated,
    /// A success status with a body that is not JSON.
    InvalidJson,
    /// A success status with JSON of the wrong shape (a string).
    WrongShape,
    /// A success status with an HTML page and `Content-Type: text/html`.
    Html200,
    /// A load balancer's HTML 502 page.
    Html502,
    /// 500 on every attempt.
    Status500,
    /// 503 on every attempt.
    Status503,
    /// 429 without `Retry-After`, on every attempt.
    TooMany,
    /// 429 with `Retry-After: 1`.
    TooManySeconds,
    /// 429 with `Retry-After` as an HTTP-date two seconds ahead.
    TooManyDate,
    /// The head and a few bytes, then nothing until well past the client's timeout.
    Stall,
    /// A chunked body far larger than the client's cap.
    HugeBody,
}

impl Fault {
    /// Every fault, in table order.
    pub(crate) const ALL: [Fault; 15] = [
        Fault::Refused,
        Fault::Reset,
        Fault::ResetBody,
        Fault::Truncated,
        Fault::InvalidJson,
        Fault::WrongShape,
        Fault::Html200,
        Fault::Html502,
        Fault::Status500,
        Fault::Status503,
        Fault::TooMany,
        Fault::TooManySeconds,
        Fault::TooManyDate,
        Fault::Stall,
        Fault::HugeBody,
    ];

    /// Its name on the command line, in the header and in the table.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Fault::Refused => "refused",
            Fault::Reset => "reset",
            Fault::ResetBody => "reset-body",
            Fault::Truncated => "truncated",
            Fault::InvalidJson => "invalid-json",
            Fault::WrongShape => "wrong-shape",
            Fault::Html200 => "html-200",
            Fault::Html502 => "html-502",
            Fault::Status500 => "500",
            Fault::Status503 => "503",
            Fault::TooMany => "429",
            Fault::TooManySeconds => "429-seconds",
            Fault::TooManyDate => "429-date",
            Fault::Stall => "stall",
            Fault::HugeBody => "huge-body",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The harness client's settings, from its `FAULTS-CONFIG` line.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ClientConfig {
    timeout: Duration,
    attempts: u32,
    max_elapsed: Duration,
}

/// How many requests a call may send under a fault.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Requests {
    /// None reaches the server.
    None,
    /// Exactly one: the failure is not transient.
    Once,
    /// The request may have been processed: every attempt when idempotent, exactly one otherwise.
    MaybeProcessed,
    /// Like `MaybeProcessed`, but a slow failure may use up the time budget before every attempt.
    MaybeProcessedSlow,
    /// The server did not process it: every attempt, whatever the method.
    Unprocessed,
    /// Like `Unprocessed`, for waits that may use up the budget before every attempt: at least two.
    UnprocessedSlow,
}

/// What the harness said about one call.
struct Call<'a> {
    line: &'a Value,
    seen: Seen,
}

impl Call<'_> {
    fn text(&self, key: &str) -> &str {
        self.line.get(key).and_then(Value::as_str).unwrap_or_default()
    }
    fn number(&self, key: &str) -> Option<u64> {
        self.line.get(key).and_then(Value::as_u64)
    }
    fn kind(&self) -> &str {
        self.text("kind")
    }
    /// An `ok` whose body was not compared (no body, bytes, a stream).
    fn ok_unread(&self) -> bool {
        self.kind() == "ok" && self.line.get("skip").is_some()
    }
}

/// `Ok` when the call met the fault's expectations, else why not.
fn expect(fault: Fault, call: &Call<'_>, config: &ClientConfig) -> Result<(), String> {
    let kind = call.kind();
    match kind {
        "panic" => return Err(format!("the client panicked: {}", call.text("message"))),
        "hang" => return Err("the call did not end (hang)".to_owned()),
        _ => {}
    }
    let ms = call.number("ms").unwrap_or_default();
    let bound = config.max_elapsed + config.timeout + SLACK;
    if ms > bound.as_millis() as u64 {
        return Err(format!("took {ms} ms, past the client's bound of {} ms", bound.as_millis()));
    }
    let status = call.number("status");
    let upstream_error = call.seen.upstream_status.filter(|s| !(200..300).contains(s));
    let api = |code: u16| kind == "api" && status == Some(u64::from(code));
    let (fine, requests) = match fault {
        Fault::Refused => (kind == "connect", Requests::None),
        Fault::Reset => (kind == "transport", Requests::MaybeProcessed),
        // A download hands its body over unread, so the reset is the caller's to see when reading.
        Fault::ResetBody => (kind == "transport" || call.ok_unread(), Requests::MaybeProcessed),
        Fault::Truncated => (kind == "decode" || call.ok_unread() || upstream_error.is_some_and(api), Requests::Once),
        Fault::InvalidJson => (kind == "decode" || call.ok_unread(), Requests::Once),
        // A string is the right shape for a string or free-form answer: decoded, it must be the same.
        Fault::WrongShape => (
            kind == "decode" || call.ok_unread() || call.line.get("body") == Some(&Value::from(WRONG_SHAPE)),
            Requests::Once,
        ),
        Fault::Html200 => {
            ((kind == "decode" && call.text("message").contains("text/html")) || call.ok_unread(), Requests::Once)
        }
        Fault::Html502 => (api(502) && call.text("api_body").contains("502 Bad Gateway"), Requests::MaybeProcessed),
        Fault::Status500 => (api(500), Requests::Once),
        Fault::Status503 => (api(503), Requests::MaybeProcessed),
        Fault::TooMany => (api(429), Requests::Unprocessed),
        Fault::TooManySeconds => (
            api(429) && call.number("retry_after_ms") == Some(1000) && ms >= u64::from(config.attempts - 1) * 1000,
            Requests::Unprocessed,
        ),
        Fault::TooManyDate => (api(429) && ms >= 1000, Requests::UnprocessedSlow),
        Fault::Stall => (kind == "timeout", Requests::MaybeProcessedSlow),
        Fault::HugeBody => (kind == "too-large" || call.ok_unread(), Requests::Once),
    };
    if !fine {
        let what = match kind {
            "ok" => "a success".to_owned(),
            _ => format!("{kind} error ({})", shorten(call.text("message"))),
        };
        return Err(format!("the client returned {what} in {ms} ms"));
    }
    let idempotent = call.line.get("idempotent").and_then(Value::as_bool).unwrap_or(false);
    let sent = call.seen.requests;
    let all = config.attempts;
    let allowed = match (requests, idempotent) {
        (Requests::None, _) => sent == 0,
        (Requests::Once, _) | (Requests::MaybeProcessed | Requests::MaybeProcessedSlow, false) => sent == 1,
        (Requests::MaybeProcessed, true) | (Requests::Unprocessed, _) => sent == all,
        (Requests::MaybeProcessedSlow, true) => (2..=all).contains(&sent),
        (Requests::UnprocessedSlow, _) => (2..=all).contains(&sent),
    };
    if !allowed {
        let method = call.text("method");
        let why = if sent > 1 && !idempotent && matches!(requests, Requests::Once | Requests::MaybeProcessed) {
            " (a write sent twice)"
        } else {
            ""
        };
        return Err(format!("{method} sent {sent} requests{why}; expected {requests:?} of {all} attempts"));
    }
    Ok(())
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(160).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
struct Args {
    spec: String,
    tags: Option<Vec<String>>,
    faults: Vec<Fault>,
    concurrency: usize,
    table: Option<String>,
}

pub(crate) const USAGE: &str =
    "usage: cargo xtask faults [--spec FILE] [--tags TAG,TAG] [--faults F,F] [--concurrency N] [--table FILE]";

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        spec: DEFAULT_SPEC.to_owned(),
        tags: None,
        faults: Fault::ALL.to_vec(),
        concurrency: DEFAULT_CONCURRENCY,
        table: None,
    };
    let mut rest = args.iter();
    fn list(value: &str) -> impl Iterator<Item = String> + '_ {
        value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    }
    while let Some(arg) = rest.next() {
        let mut value = || rest.next().ok_or_else(|| format!("{arg} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--spec" => parsed.spec = value()?.clone(),
            "--tags" => parsed.tags = Some(list(value()?).collect()),
            "--faults" => {
                parsed.faults = list(value()?)
                    .map(|name| {
                        Fault::from_name(&name).ok_or_else(|| {
                            let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                            format!("unknown fault `{name}` (faults: {})", names.join(", "))
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--concurrency" => {
                let n = value()?;
                parsed.concurrency = n.parse().map_err(|_| format!("--concurrency {n}: not a number"))?;
            }
            "--table" => parsed.table = Some(value()?.clone()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    Ok(parsed)
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let Prepared { api, harness, prism_file, preferred, .. } = prepare(root, &args.spec, false, None)?;
    let operations = chosen(&api, args.tags.as_deref())?;
    let success = success_statuses(&api, &preferred);
    let Some(prism_bin) = ensure_tool(root, "prism")? else {
        return Ok(());
    };
    let started = Instant::now();
    let (lines, seen, problems) =
        with_prism_on(root, &prism_bin, &prism_file, STARTUP_TIMEOUT, &["--seed", "atlas-codegen"], |url, prism| {
            let upstream: SocketAddr = url
                .trim_start_matches("http://")
                .parse()
                .map_err(|e| format!("faults: bad Prism address {url}: {e}"))?;
            // Prism's answers first, one operation at a time through the conformance proxy: the
            // faults that cut a real answer serve it from this record.
            let prefer = preferred.iter().map(|(id, code)| (id.clone(), format!("code={code}"))).collect();
            let wanted: Vec<String> = operations.iter().map(|(id, _)| id.clone()).collect();
            let (_, exchanges) = call(&harness, upstream, prefer, Some(&wanted), prism)?;
            let recorded: BTreeMap<String, UpstreamResponse> = exchanges
                .into_iter()
                .filter_map(|(id, exchanges)| {
                    let last = exchanges.last()?;
                    let status_line = format!("HTTP/1.1 {} Recorded", last.status);
                    let body = last.body.clone().into_bytes();
                    Some((
                        id,
                        UpstreamResponse { status_line, status: last.status, headers: last.headers.clone(), body },
                    ))
                })
                .collect();
            println!("faults: recorded Prism's answers to {} operations", recorded.len());
            let proxy = FaultProxy::new(upstream, recorded, preferred.clone(), success, STALL);
            let base = proxy.start().map_err(|e| format!("faults: cannot start the proxy: {e}"))?;
            let names: Vec<&str> = args.faults.iter().map(|f| f.name()).collect();
            println!("faults: {} operations x {} faults through {base}", operations.len(), names.len());
            let ids: Vec<&str> = operations.iter().map(|(id, _)| id.as_str()).collect();
            let env = [
                ("ATLAS_FAULTS_URL", base),
                ("ATLAS_FAULTS", names.join(",")),
                ("ATLAS_FAULTS_CONCURRENCY", args.concurrency.to_string()),
                ("ATLAS_CONFORMANCE_ONLY", ids.join(",")),
            ];
            let stdout = run_harness(&harness, &env, prism, "faults")?;
            Ok((stdout, proxy.seen(), proxy.problems()))
        })?;
    let elapsed = started.elapsed();
    // Every call as the harness reported it, for a closer look than the table's.
    let log = root.join(CALLS_LOG);
    std::fs::write(&log, &lines).map_err(|e| format!("faults: cannot write {}: {e}", log.display()))?;

    let mut config = None;
    let mut peak_kib = None;
    let mut calls: BTreeMap<(Fault, String), Value> = BTreeMap::new();
    for line in lines.lines() {
        if let Some(json) = line.strip_prefix("FAULTS-CONFIG ") {
            let value: Value =
                serde_json::from_str(json).map_err(|e| format!("faults: bad config line ({e}): {json}"))?;
            let ms = |key: &str| Duration::from_millis(value.get(key).and_then(Value::as_u64).unwrap_or_default());
            let attempts = value.get("attempts").and_then(Value::as_u64).unwrap_or(1) as u32;
            config = Some(ClientConfig { timeout: ms("timeout_ms"), attempts, max_elapsed: ms("max_elapsed_ms") });
        } else if let Some(json) = line.strip_prefix("FAULTS-DONE ") {
            let value: Value =
                serde_json::from_str(json).map_err(|e| format!("faults: bad done line ({e}): {json}"))?;
            peak_kib = value.get("peak_rss_kib").and_then(Value::as_u64);
        } else if let Some(json) = line.strip_prefix("FAULT ") {
            let value: Value = serde_json::from_str(json).map_err(|e| format!("faults: bad line ({e}): {json}"))?;
            let fault = value.get("fault").and_then(Value::as_str).and_then(Fault::from_name);
            let op = value.get("op").and_then(Value::as_str).unwrap_or_default().to_owned();
            let fault = fault.ok_or_else(|| format!("faults: a line names no known fault: {json}"))?;
            calls.insert((fault, op), value);
        }
    }
    let config = config.ok_or("faults: the harness printed no FAULTS-CONFIG line")?;

    let mut verdicts: BTreeMap<(Fault, String), Result<(), String>> = BTreeMap::new();
    for (id, _) in &operations {
        for &fault in &args.faults {
            let verdict = match calls.get(&(fault, id.clone())) {
                None => Err("the harness reported nothing".to_owned()),
                Some(line) if line.get("kind").and_then(Value::as_str) == Some("skip") => continue,
                Some(line) => {
                    let seen = seen.get(&(fault.name().to_owned(), id.clone())).cloned().unwrap_or_default();
                    expect(fault, &Call { line, seen }, &config)
                }
            };
            verdicts.insert((fault, id.clone()), verdict);
        }
    }
    let table = table(&operations, &args.faults, &verdicts);
    println!("\n{table}");
    println!("{}", summary(&operations, &args.faults, &verdicts));
    if let Some(file) = &args.table {
        let text = format!(
            "# Fault injection: every operation x every fault\n\n`cargo xtask faults --table {file}` on `{}` \
             ({} operations; `ok`: the call met the fault's expectations, see xtask/src/conformance/faults.rs).\n\n{table}",
            args.spec,
            operations.len()
        );
        std::fs::write(root.join(file), text).map_err(|e| format!("faults: cannot write {file}: {e}"))?;
    }
    let failures: Vec<String> = verdicts
        .iter()
        .filter_map(|((fault, id), verdict)| {
            verdict.as_ref().err().map(|why| format!("  {id} x {}: {why}", fault.name()))
        })
        .collect();
    let total = verdicts.len();
    // Every huge body is far larger than this; many in flight at once would be gigabytes.
    let memory = peak_kib
        .filter(|kib| *kib > MAX_PEAK_KIB)
        .map(|kib| format!("the harness peaked at {} MiB: response bodies are not held to the cap", kib / 1024));
    let peak = peak_kib.map_or_else(|| "not measured".to_owned(), |kib| format!("{} MiB", kib / 1024));
    println!(
        "faults: {} of {total} calls as expected ({} operations x {} faults) in {elapsed:.0?}; client: {:?} per attempt, {} attempts within {:?}; harness peak memory {peak}; every call: {CALLS_LOG}",
        total - failures.len(),
        operations.len(),
        args.faults.len(),
        config.timeout,
        config.attempts,
        config.max_elapsed
    );
    for problem in problems.iter().take(10) {
        println!("faults: proxy: {problem}");
    }
    if let Some(memory) = &memory {
        println!("faults: {memory}");
    }
    if failures.is_empty() && problems.is_empty() && memory.is_none() {
        Ok(())
    } else {
        for failure in failures.iter().take(50) {
            println!("{failure}");
        }
        Err(format!(
            "faults: {} calls failed their fault's expectations, {} proxy problems{}",
            failures.len(),
            problems.len(),
            if memory.is_some() { ", memory not bounded" } else { "" }
        ))
    }
}

/// The operations to call, with their first tag: all, or those of the given tags (as in the spec).
fn chosen(api: &Api, tags: Option<&[String]>) -> Result<Vec<(String, String)>, String> {
    let tag_of =
        |op: &atlas_codegen::ir::Operation| op.tags.first().cloned().unwrap_or_else(|| "(untagged)".to_owned());
    let all: Vec<(String, String)> = api.operations.iter().map(|op| (op.id.clone(), tag_of(op))).collect();
    let Some(tags) = tags else { return Ok(all) };
    if let Some(unknown) = tags.iter().find(|t| !all.iter().any(|(_, tag)| tag.eq_ignore_ascii_case(t))) {
        let mut known: Vec<&str> = all.iter().map(|(_, tag)| tag.as_str()).collect();
        known.dedup();
        return Err(format!("faults: no operation has the tag `{unknown}` (tags: {})", known.join(", ")));
    }
    Ok(all.into_iter().filter(|(_, tag)| tags.iter().any(|t| t.eq_ignore_ascii_case(tag))).collect())
}

/// The 2xx status the proxy answers with for each operation when it makes the answer up: the one
/// Prism is asked for, else the lowest documented.
fn success_statuses(api: &Api, preferred: &BTreeMap<String, u16>) -> BTreeMap<String, u16> {
    api.operations
        .iter()
        .map(|op| {
            let lowest = op.responses.iter().filter_map(|r| match r.status {
                Status::Code(code @ 200..=299) => Some(code),
                _ => None,
            });
            (op.id.clone(), preferred.get(&op.id).copied().or_else(|| lowest.min()).unwrap_or(200))
        })
        .collect()
}

type Verdicts = BTreeMap<(Fault, String), Result<(), String>>;

/// The operations x faults table (Markdown): `ok`, `FAIL` or `-` (not called: its tag is off).
fn table(operations: &[(String, String)], faults: &[Fault], verdicts: &Verdicts) -> String {
    let mut out = String::from("| operation |");
    for fault in faults {
        let _ = write!(out, " {} |", fault.name());
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(faults.len()));
    for (id, _) in operations {
        let _ = write!(out, "\n| `{id}` |");
        for &fault in faults {
            let cell = match verdicts.get(&(fault, id.clone())) {
                Some(Ok(())) => "ok",
                Some(Err(_)) => "FAIL",
                None => "-",
            };
            let _ = write!(out, " {cell} |");
        }
    }
    out.push('\n');
    out
}

/// Per tag: how many of its operations met each fault's expectations.
fn summary(operations: &[(String, String)], faults: &[Fault], verdicts: &Verdicts) -> String {
    let mut tags: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, tag) in operations {
        tags.entry(tag).or_default().push(id);
    }
    let mut out = String::from("| tag | operations |");
    for fault in faults {
        let _ = write!(out, " {} |", fault.name());
    }
    out.push_str("\n|---|---:|");
    out.push_str(&"---:|".repeat(faults.len()));
    for (tag, ids) in &tags {
        let _ = write!(out, "\n| {tag} | {} |", ids.len());
        for &fault in faults {
            let passed =
                ids.iter().filter(|id| matches!(verdicts.get(&(fault, (**id).to_owned())), Some(Ok(())))).count();
            let _ = write!(out, " {passed} |");
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: ClientConfig =
        ClientConfig { timeout: Duration::from_secs(4), attempts: 3, max_elapsed: Duration::from_secs(8) };

    fn judge(fault: Fault, json: Value, requests: u32, upstream: Option<u16>) -> Result<(), String> {
        expect(fault, &Call { line: &json, seen: Seen { requests, upstream_status: upstream } }, &CONFIG)
    }

    #[test]
    fn a_write_sent_twice_fails_where_a_read_may_be_retried() {
        let post = serde_json::json!({"kind": "api", "status": 503, "method": "POST", "idempotent": false, "ms": 200});
        let get = serde_json::json!({"kind": "api", "status": 503, "method": "GET", "idempotent": true, "ms": 200});
        assert!(judge(Fault::Status503, post.clone(), 1, None).is_ok());
        let twice = judge(Fault::Status503, post, 2, None).unwrap_err();
        assert!(twice.contains("a write sent twice"), "{twice}");
        assert!(judge(Fault::Status503, get.clone(), 3, None).is_ok());
        assert!(judge(Fault::Status503, get, 1, None).is_err(), "an idempotent request is retried");
    }

    #[test]
    fn rate_limits_are_retried_whatever_the_method_and_retry_after_is_honoured() {
        let post = |ms: u64| serde_json::json!({"kind": "api", "status": 429, "method": "POST", "idempotent": false, "ms": ms, "retry_after_ms": 1000});
        assert!(judge(Fault::TooManySeconds, post(2100), 3, None).is_ok());
        assert!(judge(Fault::TooManySeconds, post(300), 3, None).is_err(), "Retry-After: 1 was not waited for");
        assert!(judge(Fault::TooMany, post(300), 1, None).is_err(), "a 429 is retried");
    }

    #[test]
    fn panics_hangs_slow_calls_and_wrong_kinds_fail() {
        let line =
            |kind: &str, ms: u64| serde_json::json!({"kind": kind, "method": "GET", "idempotent": true, "ms": ms});
        assert!(judge(Fault::Stall, line("timeout", 6100), 3, None).is_ok());
        assert!(judge(Fault::Stall, line("timeout", 60_000), 3, None).unwrap_err().contains("past the client's bound"));
        assert!(judge(Fault::Stall, line("panic", 10), 1, None).unwrap_err().contains("panicked"));
        assert!(judge(Fault::Stall, line("hang", 30_000), 1, None).unwrap_err().contains("hang"));
        assert!(judge(Fault::InvalidJson, line("decode", 10), 1, None).is_ok());
        assert!(judge(Fault::InvalidJson, line("ok", 10), 1, None).is_err(), "broken JSON decoded into a model");
        assert!(judge(Fault::Refused, line("connect", 10), 0, None).is_ok());
        assert!(judge(Fault::Refused, line("transport", 10), 0, None).is_err());
    }

    #[test]
    fn a_wrong_shape_may_only_decode_into_itself() {
        let ok =
            |body: Value| serde_json::json!({"kind": "ok", "method": "GET", "idempotent": true, "ms": 5, "body": body});
        assert!(judge(Fault::WrongShape, ok(Value::from(WRONG_SHAPE)), 1, None).is_ok());
        assert!(judge(Fault::WrongShape, ok(serde_json::json!({})), 1, None).is_err());
    }

    #[test]
    fn a_truncated_error_answer_is_an_api_error() {
        let api = serde_json::json!({"kind": "api", "status": 404, "method": "GET", "idempotent": true, "ms": 5});
        assert!(judge(Fault::Truncated, api.clone(), 1, Some(404)).is_ok());
        assert!(judge(Fault::Truncated, api, 1, Some(200)).is_err());
    }

    #[test]
    fn parses_the_command_line() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let parsed = parse(&args(&["--tags", "Projects, Teams", "--faults", "stall,429"])).unwrap();
        assert_eq!(parsed.tags, Some(vec!["Projects".to_owned(), "Teams".to_owned()]));
        assert_eq!(parsed.faults, vec![Fault::Stall, Fault::TooMany]);
        assert_eq!(parse(&[]).unwrap().faults.len(), Fault::ALL.len());
        assert!(parse(&args(&["--faults", "gremlins"])).unwrap_err().contains("unknown fault"));
        for fault in Fault::ALL {
            assert_eq!(Fault::from_name(fault.name()), Some(fault));
        }
    }
}
