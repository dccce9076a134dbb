//! `cargo xtask conformance spec FILE [--preview] [--features LIST]` (or `conformance --spec FILE ...`):
//! every operation of any spec
//! (the vendored official description has 540) called through the client generated from it, against a
//! Prism mock of the same file.
//!
//! 1. Generates the client with the conformance harness (`examples/conformance.rs`, emitted from the IR
//!    by the generator, `Options::conformance`) into `target/conformance-client/` (never committed).
//! 2. Builds the harness with the workspace's target directory, so dependencies are shared.
//! 3. Starts Prism (with a fixed `--seed`) on `target/conformance-client/prism-spec.json`, FILE with the
//!    client's media type first in every content map, and a recording proxy in front of it that adds
//!    `Prefer: code=` where the client's version is only in a later 2xx (both from the IR, see
//!    [`crate::conformance::prism_spec`]); runs the harness against the proxy. The harness marks each
//!    operation (`GET /__conformance/<id>`) and prints one line per operation.
//! 4. Judges each operation from its line and what Prism answered: no request violation (Prism's 422 /
//!    `sl-violations`), a success status, the success body decoded into its typed model, and that model
//!    re-encoded equal to the body (differences the schema allows are listed as notes).
//! 5. Calls the operations whose clean request got a success body the client could not decode once
//!    more (`ATLAS_CONFORMANCE_ONLY`), with `Prefer: dynamic=true`: Prism's examples ignore
//!    discriminators and may lack required fields, so it generates a body from the schema instead. The
//!    same judge applies; such a pass is counted as one "on a generated body".
//!
//! Prints `N of M operations pass (of which K on a generated body; ...)` (M: every operation of the
//! spec) and every skipped or failing one with its reason; fails when any operation fails (with
//! `--known-failures`: when any failure is not listed, or a listed one passes).

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::conformance::prism_spec::{preferred_statuses, prism_spec};
use crate::conformance::recording_proxy::{self, Exchange, Recorder, Request};
use crate::util::ensure_tool;
use crate::util::prism::{with_prism_on, Prism};

/// Where the scratch crate goes.
const DIR: &str = "target/conformance-client";
/// Prism parses and indexes a 3 MB description before it answers; on a loaded 2-core machine that
/// takes a while.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);
/// The marker path prefix the harness sends before each operation.
const MARKER: &str = "/__conformance/";
/// Prism's `--seed`: the bodies it generates (`Prefer: dynamic=true`) are the same on every run.
const SEED: &str = "atlas-codegen";

/// What the command line asked for.
#[derive(Debug, PartialEq)]
struct Args {
    spec: String,
    preview: bool,
    features: Option<String>,
    /// A file of operations known to fail (`operationId: reason` per line, `#` comments): CI's gate
    /// fails on any other failure, and on a listed operation that passes now.
    known: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args { spec: String::new(), preview: false, features: None, known: None };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--spec" => parsed.spec = rest.next().ok_or("--spec needs a file")?.clone(),
            // `conformance spec FILE`: the file without its flag.
            file if parsed.spec.is_empty() && !file.starts_with('-') => parsed.spec = file.to_owned(),
            "--preview" => parsed.preview = true,
            "--features" => parsed.features = Some(rest.next().ok_or("--features needs a list")?.clone()),
            "--known-failures" => parsed.known = Some(rest.next().ok_or("--known-failures needs a file")?.clone()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    if parsed.spec.is_empty() {
        return Err(USAGE.to_owned());
    }
    Ok(parsed)
}

pub(crate) const USAGE: &str =
    "usage: cargo xtask conformance spec FILE [--preview] [--features TAG,TAG] [--known-failures FILE]
       cargo xtask conformance fragment
(`conformance --spec FILE ...` and `conformance` alone are the same two runs)";

/// A client generated with its harness, built, and the spec Prism mocks: what the conformance and
/// the faults runs share.
pub(crate) struct Prepared {
    /// The lowered spec.
    pub(crate) api: atlas_codegen::ir::Api,
    /// Every `operationId` of the spec, in file order.
    pub(crate) all: Vec<String>,
    /// The operations the generator left out, with its warning.
    pub(crate) left_out: BTreeMap<String, String>,
    /// The built harness program.
    pub(crate) harness: std::path::PathBuf,
    /// The file Prism mocks, relative to the root.
    pub(crate) prism_file: String,
    /// The `Prefer: code=` status for operations whose client's version is only in a later 2xx.
    pub(crate) preferred: BTreeMap<String, u16>,
    /// How long generation took.
    pub(crate) generation: Duration,
    /// How long building the harness took.
    pub(crate) build_time: Duration,
}

/// Generates the client of `spec` with its harness into [`DIR`], writes the spec Prism mocks and
/// builds the harness (with `features` only, when given).
pub(crate) fn prepare(root: &Path, spec: &str, preview: bool, features: Option<&str>) -> Result<Prepared, String> {
    let text = std::fs::read_to_string(root.join(spec)).map_err(|e| format!("cannot read {spec}: {e}"))?;

    let started = Instant::now();
    let options = atlas_codegen::Options { preview, conformance: true, ..Default::default() };
    let does_not_generate = |d| format!("{spec} does not generate:\n{d}");
    // Parsed once: the IR says what the client chose, the plain JSON is what Prism gets.
    let loaded = atlas_codegen::load::parse(spec, &text).map_err(does_not_generate)?;
    let (api, warnings) = atlas_codegen::lower::lower(&loaded, &options).map_err(does_not_generate)?;
    let generated = atlas_codegen::generate_lowered(&api, warnings, &options).map_err(does_not_generate)?;
    let raw = loaded.raw;
    let all = spec_operations(&raw);
    let left_out: BTreeMap<String, String> = generated
        .warnings
        .items()
        .iter()
        .filter_map(|d| {
            let id = d.message.strip_prefix("operation `")?.split('`').next()?;
            d.message.contains("is left out").then(|| (id.to_owned(), d.message.clone()))
        })
        .collect();
    let generation = started.elapsed();
    println!("conformance: generated the client and its harness for {} operations in {generation:.1?}", all.len());

    let dir = root.join(DIR);
    atlas_codegen::write::write(&dir, &generated.files, atlas_codegen::write::Scope::Whole)?;
    // After `write::write`, which deletes what the generator did not emit.
    let (prism_spec, reordered) = prism_spec(&api, &raw);
    let prism_file = format!("{DIR}/prism-spec.json");
    let json = serde_json::to_string(&prism_spec).map_err(|e| format!("cannot serialize {prism_file}: {e}"))?;
    std::fs::write(root.join(&prism_file), json).map_err(|e| format!("cannot write {prism_file}: {e}"))?;
    let preferred = preferred_statuses(&api);
    println!(
        "conformance: Prism mocks {prism_file}, {spec} with the client's media type first in {reordered} content maps; {} operations ask for a later 2xx (Prefer: code)",
        preferred.len()
    );
    let manifest = crate::util::standalone(&dir)?;
    let started = Instant::now();
    let mut build = Command::new(crate::util::cargo());
    build.args(["build", "--quiet", "--example", "conformance", "--manifest-path"]).arg(&manifest);
    if let Some(features) = features {
        build.args(["--no-default-features", "--features", features]);
    }
    let status = build
        .env("CARGO_TARGET_DIR", root.join("target"))
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("conformance: the harness generated from {spec} does not build"));
    }
    let build_time = started.elapsed();
    println!("conformance: built the harness in {build_time:.0?}");
    let harness = root.join("target/debug/examples/conformance");
    Ok(Prepared { api, all, left_out, harness, prism_file, preferred, generation, build_time })
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let Prepared { all, left_out, harness, prism_file, preferred, generation, build_time, .. } =
        prepare(root, &args.spec, args.preview, args.features.as_deref())?;

    let Some(prism_bin) = ensure_tool(root, "prism")? else {
        return Ok(());
    };
    let prism_started = Instant::now();
    let judged = |lines: &BTreeMap<String, Value>, exchanges: &BTreeMap<String, Vec<Exchange>>, id: &String| {
        lines.get(id).map(|line| judge(line, exchanges.get(id).map(Vec::as_slice).unwrap_or_default()))
    };
    let (first, retried, prism_time, calls_time) =
        // Without `--errors`: a violation of Prism's own answer is a header (noted), not a 500.
        with_prism_on(root, &prism_bin, &prism_file, STARTUP_TIMEOUT, &["--seed", SEED], |url, prism| {
            let prism_time = prism_started.elapsed();
            println!("conformance: Prism answered after {prism_time:.0?}");
            let upstream: SocketAddr = url
                .trim_start_matches("http://")
                .parse()
                .map_err(|e| format!("conformance: bad Prism address {url}: {e}"))?;
            let prefer = |dynamic: bool, id: &str| {
                let code = preferred.get(id).map(|code| format!("code={code}"));
                let parts: Vec<String> = code.into_iter().chain(dynamic.then(|| "dynamic=true".to_owned())).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            };
            let headers: BTreeMap<String, String> =
                all.iter().filter_map(|id| Some((id.clone(), prefer(false, id)?))).collect();
            let started = Instant::now();
            let first = call(&harness, upstream, headers, None, prism)?;
            // A clean request answered with a 2xx whose example body the model cannot take (Prism's
            // examples ignore discriminators and may lack required fields): once more, on a body
            // Prism generates from the schema.
            let again: Vec<String> =
                all.iter().filter(|id| matches!(judged(&first.0, &first.1, id), Some(Verdict::Undecodable(_)))).cloned().collect();
            let retried = if again.is_empty() {
                (BTreeMap::new(), BTreeMap::new())
            } else {
                println!("conformance: {} bodies did not decode; calling those operations again with Prefer: dynamic=true", again.len());
                let headers = again.iter().filter_map(|id| Some((id.clone(), prefer(true, id)?))).collect();
                call(&harness, upstream, headers, Some(&again), prism)?
            };
            Ok((first, retried, prism_time, started.elapsed()))
        })?;

    let verdicts: Vec<(String, Verdict)> = all
        .iter()
        .map(|id| {
            let verdict = match (judged(&first.0, &first.1, id), left_out.get(id)) {
                (Some(Verdict::Undecodable(why)), _) => after_retry(&why, judged(&retried.0, &retried.1, id)),
                (Some(verdict), _) => verdict,
                (None, Some(reason)) => Verdict::Skip(reason.clone()),
                (None, None) => Verdict::Skip("the generator emitted no operation for it".to_owned()),
            };
            (id.clone(), verdict)
        })
        .collect();
    let report = Report::new(&verdicts);
    print!("{report}");
    println!(
        "conformance: times: generation {generation:.1?}, harness build {build_time:.0?}, Prism start {prism_time:.0?}, {} calls {calls_time:.1?}",
        first.0.len() + retried.0.len()
    );
    match &args.known {
        None if report.failing.is_empty() => Ok(()),
        None => Err(format!("conformance: {} operations fail", report.failing.len())),
        Some(file) => {
            let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
            gate(&known_failures(&text), &report).map_err(|e| format!("conformance: against {file}: {e}"))
        }
    }
}

/// The operation ids of a known-failures file: `operationId: reason` lines, `#` comments.
fn known_failures(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.split(':').next().unwrap_or_default().trim().to_owned())
        .collect()
}

/// `Err` naming every failure the list does not know and every listed operation that no longer fails.
fn gate(known: &[String], report: &Report<'_>) -> Result<(), String> {
    let new: Vec<&str> = report.failing.iter().map(|(id, _)| *id).filter(|id| !known.iter().any(|k| k == id)).collect();
    let fixed: Vec<&str> =
        known.iter().map(String::as_str).filter(|k| !report.failing.iter().any(|(id, _)| id == k)).collect();
    let mut problems = Vec::new();
    if !new.is_empty() {
        problems.push(format!("new failures: {}", new.join(", ")));
    }
    if !fixed.is_empty() {
        problems.push(format!("listed but no longer failing (remove them from the list): {}", fixed.join(", ")));
    }
    if problems.is_empty() {
        println!("conformance: every failure is a known one ({})", known.len());
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Every `operationId` of the spec (as plain JSON), in file order (operations without one by method
/// and path).
fn spec_operations(raw: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
                if let Some(op) = item.get(method) {
                    let id = op.get("operationId").and_then(Value::as_str);
                    ids.push(id.map_or_else(|| format!("{} {path}", method.to_uppercase()), str::to_owned));
                }
            }
        }
    }
    ids
}

/// What one run of the harness gave: its lines and the exchanges the proxy recorded, by operation id.
pub(crate) type Calls = (BTreeMap<String, Value>, BTreeMap<String, Vec<Exchange>>);

/// Runs the harness against a proxy in front of Prism at `upstream` that adds `prefer` (a `Prefer`
/// header value by operation id) to the operation's requests; `only`: the operations to call (all
/// when `None`).
pub(crate) fn call(
    harness: &Path,
    upstream: SocketAddr,
    prefer: BTreeMap<String, String>,
    only: Option<&[String]>,
    prism: &Prism,
) -> Result<Calls, String> {
    let proxy = Proxy::start(upstream, prefer)?;
    let mut env = vec![("ATLAS_CONFORMANCE_URL", proxy.url.clone())];
    if let Some(only) = only {
        env.push(("ATLAS_CONFORMANCE_ONLY", only.join(",")));
    }
    let stdout = run_harness(harness, &env, prism, "conformance")?;
    let lines = harness_lines(&stdout)?;
    Ok((lines, proxy.take()))
}

/// Runs the harness with `env` (its mode and settings) and returns what it printed; `command` names
/// the xtask command in errors, which carry the end of Prism's log.
pub(crate) fn run_harness(
    harness: &Path,
    env: &[(&str, String)],
    prism: &Prism,
    command: &str,
) -> Result<String, String> {
    let output = Command::new(harness)
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{command}: could not run {}: {e}", harness.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{command}: the harness failed ({}).\n--- Prism log ---\n{}",
            output.status,
            prism.log_tail()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The harness's lines by operation id.
fn harness_lines(stdout: &str) -> Result<BTreeMap<String, Value>, String> {
    let mut lines = BTreeMap::new();
    for line in stdout.lines().filter_map(|l| l.strip_prefix("CONFORMANCE ")) {
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("conformance: bad harness line ({e}): {line}"))?;
        let id = value.get("op").and_then(Value::as_str).unwrap_or_default().to_owned();
        lines.insert(id, value);
    }
    Ok(lines)
}

/// What became of one operation.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    /// Conformant; with the differences the re-encoded body shows that the schema allows, if any.
    Pass(Option<String>),
    /// Conformant on a body Prism generated from the schema, after its example did not decode; why not.
    PassGenerated(String),
    /// Not called, and why.
    Skip(String),
    /// Called and not conformant, and why.
    Fail(String),
    /// A failure: the request was clean and answered with a success status, but the client could not
    /// take the body (worth one more call on a body Prism generates); why.
    Undecodable(String),
}

/// Judges one operation from the harness's line and the exchanges the proxy recorded for it.
fn judge(line: &Value, exchanges: &[Exchange]) -> Verdict {
    let text = |key: &str| line.get(key).and_then(Value::as_str);
    if line.get("status").is_none() {
        if let (Some(skip), None) = (text("skip"), line.get("error")) {
            return Verdict::Skip(skip.to_owned());
        }
    }
    let Some(exchange) = exchanges.last() else {
        return Verdict::Fail(format!(
            "the client sent no request: {}",
            text("error").unwrap_or("the harness reported nothing")
        ));
    };
    if exchanges.len() > 1 {
        return Verdict::Fail(format!("the client sent {} requests instead of one", exchanges.len()));
    }
    let target = format!("{} {}", exchange.request.method, exchange.request.target);
    // Violations of the request are the client's; those of the response are Prism's own answer (an
    // example or a generated body) breaking the spec, noted but not held against the client.
    let (request, response) = violations(exchange);
    if !request.is_empty() {
        return Verdict::Fail(format!("Prism reports request violations on {target}: {}", request.join("; ")));
    }
    let mut notes = Vec::new();
    if !response.is_empty() {
        notes.push(format!("Prism's answer breaks the spec: {}", response.join("; ")));
    }
    if !(200..300).contains(&exchange.status) {
        let problems = serde_json::from_str::<Value>(&exchange.body)
            .ok()
            .and_then(|body| body.get("validation").cloned())
            .map_or_else(|| shorten(&exchange.body), |v| v.to_string());
        return Verdict::Fail(format!("Prism answered {} to {target}: {problems}", exchange.status));
    }
    if let Some(error) = text("error") {
        let why = notes.first().map(|n| format!(" ({n})")).unwrap_or_default();
        return Verdict::Undecodable(format!("the client failed on Prism's {}: {error}{why}", exchange.status));
    }
    if let Some(skip) = text("skip") {
        notes.push(format!("body not compared: {skip}"));
        return Verdict::Pass(Some(notes.join("; ")));
    }
    let Some(reencoded) = line.get("body") else {
        return Verdict::Fail("the harness reported neither a body nor an error".to_owned());
    };
    let Ok(original) = serde_json::from_str::<Value>(&exchange.body) else {
        return Verdict::Fail(format!("Prism's success body is not JSON: {}", shorten(&exchange.body)));
    };
    let mut diffs = Vec::new();
    compare(&original, reencoded, "", &mut diffs);
    // Write-only fields are not decoded (Atlas never returns them), so they re-encode as their default.
    let write_only: Vec<&str> =
        line.get("write_only").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let (allowed, changed): (Vec<Diff>, Vec<Diff>) = diffs.into_iter().partition(|d| match d {
        Diff::Changed(pointer, ..) => write_only.contains(&pointer.rsplit('/').next().unwrap_or_default()),
        _ => true,
    });
    if !changed.is_empty() {
        let list: Vec<String> = changed.iter().take(3).map(|d| d.to_string()).collect();
        return Verdict::Fail(format!("re-encoding changes the body: {}", list.join("; ")));
    }
    if !allowed.is_empty() {
        let list: Vec<String> = allowed.iter().take(3).map(|d| d.to_string()).collect();
        let more = if allowed.len() > 3 { format!(" (+{} more)", allowed.len() - 3) } else { String::new() };
        notes.push(format!("re-encodes equal except {}{more}", list.join("; ")));
    }
    Verdict::Pass((!notes.is_empty()).then(|| notes.join("; ")))
}

/// The verdict on an operation whose example body did not decode (`why`), from the verdict on its
/// second call, on a generated body (`None`: the harness reported nothing for it).
fn after_retry(why: &str, retried: Option<Verdict>) -> Verdict {
    match retried {
        Some(Verdict::Pass(note)) => Verdict::PassGenerated(match note {
            Some(note) => format!("Prism's example did not decode ({why}); {note}"),
            None => format!("Prism's example did not decode ({why})"),
        }),
        Some(Verdict::Fail(again) | Verdict::Undecodable(again)) => {
            Verdict::Fail(format!("{why}; on a generated body (Prefer: dynamic=true) too: {again}"))
        }
        Some(Verdict::Skip(again) | Verdict::PassGenerated(again)) => {
            Verdict::Fail(format!("{why}; the call on a generated body was not judged: {again}"))
        }
        None => Verdict::Fail(format!("{why}; the call on a generated body reported nothing")),
    }
}

/// Prism's `sl-violations` messages, split into those about the request and those about its own
/// response.
fn violations(exchange: &Exchange) -> (Vec<String>, Vec<String>) {
    let Some(header) = exchange.header("sl-violations") else { return (Vec::new(), Vec::new()) };
    // Prism prefixes a long list with `Too many violations! `.
    let json = header.strip_prefix("Too many violations!").unwrap_or(header).trim();
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(json) else {
        // Not JSON (cut short, say): it is about the request if it names a request location.
        return if header.contains(r#"["request""#) {
            (vec![header.to_owned()], Vec::new())
        } else {
            (Vec::new(), vec![shorten(header)])
        };
    };
    let mut request = Vec::new();
    let mut response = Vec::new();
    for violation in &list {
        let message = violation.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
        let place = violation.pointer("/location/0").and_then(Value::as_str);
        if place == Some("response") {
            response.push(message);
        } else {
            request.push(message);
        }
    }
    (request, response)
}

/// A difference between Prism's body and the re-encoded model.
#[derive(Debug, Clone, PartialEq)]
enum Diff {
    /// A member the model does not keep (not in the schema, or dropped on purpose).
    Dropped(String),
    /// A member the model adds (a `null` for an absent optional field, say).
    Added(String),
    /// A value that changed.
    Changed(String, String, String),
}

impl std::fmt::Display for Diff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Diff::Dropped(p) => write!(f, "`{p}` dropped"),
            Diff::Added(p) => write!(f, "`{p}` added"),
            Diff::Changed(p, a, b) => write!(f, "`{p}`: {a} -> {b}"),
        }
    }
}

/// Walks both values; numbers compare by value (`1` equals `1.0`).
fn compare(original: &Value, reencoded: &Value, pointer: &str, out: &mut Vec<Diff>) {
    match (original, reencoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let at = format!("{pointer}/{key}");
                match b.get(key) {
                    Some(other) => compare(value, other, &at, out),
                    None => out.push(Diff::Dropped(at)),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(Diff::Added(format!("{pointer}/{key}")));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, &format!("{pointer}/{i}"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => out.push(Diff::Changed(pointer.to_owned(), shorten(&a.to_string()), shorten(&b.to_string()))),
    }
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        short.push_str("...");
    }
    short
}

/// The verdicts, counted.
struct Report<'a> {
    total: usize,
    passing: Vec<(&'a str, Option<&'a str>)>,
    /// How many of `passing` passed on a body Prism generated.
    generated: usize,
    skipped: Vec<(&'a str, &'a str)>,
    failing: Vec<(&'a str, &'a str)>,
}

impl<'a> Report<'a> {
    fn new(verdicts: &'a [(String, Verdict)]) -> Self {
        let mut report = Report {
            total: verdicts.len(),
            passing: Vec::new(),
            generated: 0,
            skipped: Vec::new(),
            failing: Vec::new(),
        };
        for (id, verdict) in verdicts {
            match verdict {
                Verdict::Pass(note) => report.passing.push((id, note.as_deref())),
                Verdict::PassGenerated(note) => {
                    report.passing.push((id, Some(note)));
                    report.generated += 1;
                }
                Verdict::Skip(why) => report.skipped.push((id, why)),
                Verdict::Fail(why) | Verdict::Undecodable(why) => report.failing.push((id, why)),
            }
        }
        report
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let equal = self.passing.iter().filter(|(_, note)| note.is_none()).count();
        let noted: Vec<_> = self.passing.iter().filter_map(|(id, note)| note.map(|n| (id, n))).collect();
        if !noted.is_empty() {
            writeln!(f, "passing with a note ({}):", noted.len())?;
            for (id, note) in noted {
                writeln!(f, "  {id}: {note}")?;
            }
        }
        for (title, list) in [("skipped", &self.skipped), ("failing", &self.failing)] {
            if !list.is_empty() {
                writeln!(f, "{title} ({}):", list.len())?;
                for (id, why) in list {
                    writeln!(f, "  {id}: {why}")?;
                }
            }
        }
        writeln!(
            f,
            "conformance: {} of {} operations pass (of which {} on a generated body; {equal} re-encode equal), {} skipped, {} failing",
            self.passing.len(),
            self.total,
            self.generated,
            self.skipped.len(),
            self.failing.len()
        )
    }
}

/// The exchanges recorded so far, by the operation the harness last marked.
#[derive(Default)]
struct Log {
    current: String,
    exchanges: BTreeMap<String, Vec<Exchange>>,
}

/// What the proxy adds to the requests of an operation: a `Prefer` header value, by operation id.
type Preferences = BTreeMap<String, String>;

/// The recording proxy (`recording_proxy`) between the harness and Prism: a marker request
/// (`GET /__conformance/<id>`) is answered here and changes the current operation; every other
/// exchange is recorded under the current operation, whose `Prefer` header, if any, goes upstream
/// in place of the client's.
struct Proxy {
    url: String,
    recorder: Arc<OperationRecorder>,
}

struct OperationRecorder {
    log: Mutex<Log>,
    prefer: Preferences,
}

impl Recorder for OperationRecorder {
    fn upstream_headers(&self, request: &Request) -> Option<Vec<(String, String)>> {
        let mut log = self.log.lock().ok()?;
        if let Some(id) = request.target.strip_prefix(MARKER) {
            log.current = id.to_owned();
            return None;
        }
        let mut headers = request.headers.clone();
        if let Some(value) = self.prefer.get(&log.current) {
            headers.push(("prefer".to_owned(), value.clone()));
        }
        Some(headers)
    }

    fn record(&self, exchange: Exchange) {
        if let Ok(mut log) = self.log.lock() {
            let current = log.current.clone();
            log.exchanges.entry(current).or_default().push(exchange);
        }
    }

    fn failed(&self, error: io::Error) {
        eprintln!("conformance: proxy: {error}");
    }
}

impl Proxy {
    fn start(upstream: SocketAddr, prefer: Preferences) -> Result<Proxy, String> {
        let recorder = Arc::new(OperationRecorder { log: Mutex::default(), prefer });
        let url = recording_proxy::start(upstream, recorder.clone())
            .map_err(|e| format!("conformance: could not start the proxy: {e}"))?;
        Ok(Proxy { url, recorder })
    }

    fn take(&self) -> BTreeMap<String, Vec<Exchange>> {
        self.recorder.log.lock().map(|mut log| std::mem::take(&mut log.exchanges)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::recording_proxy::{find_header, read_head};
    use serde_json::json;
    use std::io::{BufReader, Read, Write};
    use std::net::{Ipv4Addr, TcpListener, TcpStream};
    use std::thread;

    fn exchange(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            request: Request { method: "GET".into(), target: "/x".into(), headers: Vec::new(), body: Vec::new() },
            status,
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            body: body.into(),
        }
    }

    #[test]
    fn a_round_trip_passes_and_differences_are_judged() {
        let line = json!({"op": "x", "status": 200, "body": {"a": 1.0, "b": [1, 2]}});
        assert_eq!(judge(&line, &[exchange(200, &[], r#"{"a": 1, "b": [1, 2]}"#)]), Verdict::Pass(None));
        let dropped = judge(&line, &[exchange(200, &[], r#"{"a": 1, "b": [1, 2], "c": true}"#)]);
        assert!(matches!(dropped, Verdict::Pass(Some(ref n)) if n.contains("`/c` dropped")), "{dropped:?}");
        let changed = judge(&line, &[exchange(200, &[], r#"{"a": 2, "b": [1, 2]}"#)]);
        assert!(matches!(changed, Verdict::Fail(ref n) if n.contains("`/a`: 2 -> 1.0")), "{changed:?}");
        let write_only = json!({"op": "x", "status": 200, "body": {"a": 1, "b": []}, "write_only": ["a"]});
        let skipped = judge(&write_only, &[exchange(200, &[], r#"{"a": 2, "b": []}"#)]);
        assert!(matches!(skipped, Verdict::Pass(Some(ref n)) if n.contains("`/a`")), "{skipped:?}");
    }

    #[test]
    fn violations_and_refusals_fail() {
        let line = json!({"op": "x", "status": 200, "body": {}});
        let request = r#"[{"location":["request","body"],"message":"Request body must have required property 'a'"}]"#;
        let violated = judge(&line, &[exchange(200, &[("sl-violations", request)], "{}")]);
        assert!(matches!(violated, Verdict::Fail(ref n) if n.contains("property 'a'")), "{violated:?}");
        let response = r#"[{"location":["response","body","x"],"message":"Response body property x must match"}]"#;
        let noted = judge(&line, &[exchange(200, &[("sl-violations", response)], "{}")]);
        assert!(matches!(noted, Verdict::Pass(Some(ref n)) if n.contains("property x")), "{noted:?}");
        let many = format!("Too many violations! {response}");
        let noted = judge(&line, &[exchange(200, &[("sl-violations", many.as_str())], "{}")]);
        assert!(matches!(noted, Verdict::Pass(Some(ref n)) if n.contains("property x")), "{noted:?}");
        let error = json!({"op": "x", "error": "422 from the API"});
        let invalid = judge(&error, &[exchange(422, &[], r#"{"validation": [{"code": "pattern"}]}"#)]);
        assert!(matches!(invalid, Verdict::Fail(ref n) if n.contains("422") && n.contains("pattern")), "{invalid:?}");
        let refused = judge(&json!({"op": "x", "error": "validation: too long"}), &[]);
        assert!(matches!(refused, Verdict::Fail(ref n) if n.contains("sent no request")), "{refused:?}");
        let off = judge(&json!({"op": "x", "skip": "feature off"}), &[]);
        assert_eq!(off, Verdict::Skip("feature off".into()));
    }

    #[test]
    fn the_gate_fails_on_new_failures_and_on_listed_ones_that_pass() {
        let known = known_failures("# why\na: Prism quirk\n\nb: spec bug # more\n");
        assert_eq!(known, ["a", "b"]);
        let verdicts = vec![("a".to_owned(), Verdict::Fail("x".into())), ("b".to_owned(), Verdict::Fail("y".into()))];
        assert!(gate(&known, &Report::new(&verdicts)).is_ok());
        let verdicts = vec![("a".to_owned(), Verdict::Fail("x".into())), ("c".to_owned(), Verdict::Fail("z".into()))];
        let err = gate(&known, &Report::new(&verdicts)).unwrap_err();
        assert!(err.contains("new failures: c") && err.contains("no longer failing") && err.contains('b'), "{err}");
    }

    #[test]
    fn an_undecodable_success_body_is_a_failure_worth_a_retry_and_a_retried_pass_is_counted() {
        let error = json!({"op": "x", "error": "could not decode the HTTP 200 response body: missing field `id`"});
        let verdict = judge(&error, &[exchange(200, &[], "{}")]);
        assert!(matches!(verdict, Verdict::Undecodable(ref n) if n.contains("missing field")), "{verdict:?}");
        // A request violation is never retried, whatever the client made of the body.
        let request = r#"[{"location":["request","body"],"message":"Request body must match exactly one schema"}]"#;
        let violated = judge(&error, &[exchange(200, &[("sl-violations", request)], "{}")]);
        assert!(matches!(violated, Verdict::Fail(_)), "{violated:?}");
        let verdicts = vec![
            ("a".to_owned(), Verdict::Pass(None)),
            ("b".to_owned(), Verdict::PassGenerated("the example lacks id".into())),
            ("c".to_owned(), Verdict::Undecodable("missing field".into())),
        ];
        let report = Report::new(&verdicts);
        assert_eq!((report.passing.len(), report.generated, report.failing.len()), (2, 1, 1));
        // The second call decides; a failure keeps both reasons.
        let retried = after_retry("missing `id`", Some(Verdict::Pass(None)));
        assert!(matches!(retried, Verdict::PassGenerated(ref n) if n.contains("missing `id`")), "{retried:?}");
        let again = after_retry("missing `id`", Some(Verdict::Fail("Prism answered 500".into())));
        assert!(matches!(again, Verdict::Fail(ref n) if n.contains("missing `id`") && n.contains("500")), "{again:?}");
        assert!(matches!(after_retry("x", None), Verdict::Fail(_)));
        let text = report.to_string();
        assert!(text.contains("2 of 3 operations pass (of which 1 on a generated body; 1 re-encode equal)"), "{text}");
    }

    /// Sends one HTTP request over a fresh connection and returns the whole answer.
    fn http(addr: &str, request: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    #[test]
    fn the_proxy_adds_the_marked_operations_prefer_header_and_records_the_exchange() {
        let upstream = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let upstream_addr = upstream.local_addr().unwrap();
        let seen = thread::spawn(move || {
            let mut heads = Vec::new();
            for _ in 0..2 {
                let (stream, _) = upstream.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                heads.push(read_head(&mut reader).unwrap().unwrap().1);
                let mut stream = stream;
                stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}").unwrap();
            }
            heads
        });
        let proxy = Proxy::start(upstream_addr, BTreeMap::from([("a".to_owned(), "code=204".to_owned())])).unwrap();
        let addr = proxy.url.trim_start_matches("http://").to_owned();
        let get = "GET /x HTTP/1.1\r\nhost: h\r\nprefer: code=500\r\n\r\n";
        assert!(http(&addr, "GET /__conformance/a HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 204"));
        assert!(http(&addr, get).ends_with("{}"));
        http(&addr, "GET /__conformance/b HTTP/1.1\r\n\r\n");
        http(&addr, get);
        let heads = seen.join().unwrap();
        let prefer = |head: &[(String, String)]| find_header(head, "prefer").map(str::to_owned);
        // The marked operation's preference replaces the client's; an operation without one sends none.
        assert_eq!(prefer(&heads[0]).as_deref(), Some("code=204"));
        assert_eq!(prefer(&heads[1]), None);
        let exchanges = proxy.take();
        assert_eq!(exchanges["a"][0].status, 200);
        assert_eq!(exchanges["b"].len(), 1);
    }

    #[test]
    fn arguments() {
        let args = |a: &[&str]| parse(&a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(
            args(&["--spec", "a.yaml", "--preview"]).unwrap(),
            Args { spec: "a.yaml".into(), preview: true, features: None, known: None }
        );
        assert_eq!(args(&["a.yaml", "--preview"]), args(&["--spec", "a.yaml", "--preview"]));
        assert!(args(&[]).is_err());
        assert!(args(&["a.yaml", "b.yaml"]).unwrap_err().contains("b.yaml"));
        assert!(args(&["--spec", "a.yaml", "--bogus"]).unwrap_err().contains("--bogus"));
    }
}
