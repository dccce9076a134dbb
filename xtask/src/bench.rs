//! `cargo xtask bench [--no-run] [--quick]`: runs the criterion benches of `bench/` (a workspace of
//! its own) and writes `BENCHMARKS.md` from criterion's estimates and the small JSON files the
//! benches write beside them.
//!
//! - `--no-run`: only builds the benches (what CI does);
//! - `--quick`: shorter warm-up and measurement, for trying the command; the report says so.
//!
//! The "## Findings" section of an existing `BENCHMARKS.md` is hand-written and kept as it is.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

const REPORT: &str = "BENCHMARKS.md";
const FINDINGS: &str = "## Findings";
/// Criterion options of a full run: sized so that all benches take a few minutes on 2 cores.
const FULL_ARGS: [&str; 4] = ["--warm-up-time", "0.5", "--measurement-time", "2"];
const QUICK_ARGS: [&str; 6] = ["--warm-up-time", "0.2", "--measurement-time", "0.5", "--sample-size", "10"];

/// Entry point of `cargo xtask bench`.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if let Some(bad) = args.iter().find(|a| !matches!(a.as_str(), "--no-run" | "--quick")) {
        return Err(format!("unknown flag `{bad}` for bench (expected --no-run, --quick)"));
    }
    let no_run = args.iter().any(|a| a == "--no-run");
    let quick = args.iter().any(|a| a == "--quick");
    let manifest = root.join("bench").join("Cargo.toml");
    let target = root.join("bench").join("target");
    let criterion_home = target.join("criterion");
    let extras = target.join("atlas-bench");

    let build_started = Instant::now();
    cargo(root, &["bench", "--manifest-path", "bench/Cargo.toml", "--no-run"], &[])?;
    let build_secs = build_started.elapsed().as_secs_f64();
    eprintln!("bench: built in {build_secs:.1} s");
    if no_run {
        return Ok(());
    }
    let _ = manifest;

    // Fresh results only: a renamed bench must not leave a stale figure behind.
    for dir in [&criterion_home, &extras] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
    }
    let criterion_args: &[&str] = if quick { &QUICK_ARGS } else { &FULL_ARGS };
    let mut bench_args = vec!["bench", "--manifest-path", "bench/Cargo.toml", "--"];
    bench_args.extend_from_slice(criterion_args);
    let env = [("CRITERION_HOME", criterion_home.clone()), ("ATLAS_BENCH_OUT", extras.clone())];
    let run_started = Instant::now();
    cargo(root, &bench_args, &env)?;
    let run_secs = run_started.elapsed().as_secs_f64();

    // What criterion cannot time: openapi-generator (a Java process) and `cargo check` of our full client and of
    // progenitor's.
    let scratch = target.join("external");
    let external = format!(
        "{}{}{}",
        crate::bench_external::openapi_generator(root, &scratch),
        crate::bench_external::full_client_check(root, &scratch),
        crate::bench_external::progenitor_check(&target, &scratch)
    );

    let results = read_results(&criterion_home)?;
    if results.is_empty() {
        return Err(format!("no criterion estimates under {}", criterion_home.display()));
    }
    let extra = |name: &str| -> Json {
        std::fs::read_to_string(extras.join(format!("{name}.json")))
            .ok()
            .and_then(|text| Json::parse(&text).ok())
            .unwrap_or(Json::Null)
    };
    let command = format!("cargo xtask bench{}", if quick { " --quick" } else { "" });
    let cargo_command = format!("cargo {}", bench_args.join(" "));
    let report_path = root.join(REPORT);
    let findings = std::fs::read_to_string(&report_path)
        .ok()
        .and_then(|old| old.find(FINDINGS).map(|at| old[at..].to_owned()))
        .unwrap_or_else(|| format!("{FINDINGS}\n\n(none recorded yet)\n"));
    let context = Context {
        command,
        cargo_command,
        quick,
        build_secs,
        run_secs,
        machine: machine(root),
        codegen_real: extra("codegen_real"),
        official: extra("codegen_official"),
        external,
        sweep: extra("codegen_sweep"),
        digest: extra("digest_counts"),
        payloads: extra("payloads"),
    };
    let mut text = report(&results, &context);
    text.push('\n');
    text.push_str(&findings);
    std::fs::write(&report_path, text).map_err(|e| format!("cannot write {REPORT}: {e}"))?;
    eprintln!("bench: wrote {REPORT} ({} figures, {run_secs:.0} s of benchmarks)", results.len());
    Ok(())
}

fn cargo(root: &Path, args: &[&str], env: &[(&str, PathBuf)]) -> Result<(), String> {
    let cargo = crate::cargo();
    let mut command = Command::new(&cargo);
    command.args(args).current_dir(root);
    for (key, value) in env {
        command.env(key, value);
    }
    let status = command.status().map_err(|e| format!("cannot run {}: {e}", cargo.to_string_lossy()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed: {status}", args.join(" ")))
    }
}

// ---------------------------------------------------------------------------------------------------
// Criterion results
// ---------------------------------------------------------------------------------------------------

/// One benchmark's figures, in nanoseconds per iteration.
#[derive(Debug, Clone, Copy)]
struct Figure {
    median: f64,
    median_lo: f64,
    median_hi: f64,
    min: f64,
}

/// Every `<id>/new/` directory under the criterion home, keyed by criterion's full id
/// (`group/function[/parameter]`).
fn read_results(home: &Path) -> Result<BTreeMap<String, Figure>, String> {
    let mut results = BTreeMap::new();
    let mut stack = vec![home.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                if let Some((id, figure)) = read_one(&path)? {
                    results.insert(id, figure);
                }
            } else {
                stack.push(path);
            }
        }
    }
    Ok(results)
}

fn read_one(dir: &Path) -> Result<Option<(String, Figure)>, String> {
    let load = |name: &str| -> Result<Option<Json>, String> {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Json::parse(&text).map(Some).map_err(|e| format!("{}: {e}", path.display())),
            Err(_) => Ok(None),
        }
    };
    let (Some(benchmark), Some(estimates)) = (load("benchmark.json")?, load("estimates.json")?) else {
        return Ok(None);
    };
    let Some(id) = benchmark.get("full_id").and_then(Json::as_str) else { return Ok(None) };
    let median = estimates.get("median");
    let number = |path: &[&str]| -> f64 {
        let mut node = median;
        for key in path {
            node = node.and_then(|n| n.get(key));
        }
        node.and_then(Json::as_f64).unwrap_or(f64::NAN)
    };
    let min = load("sample.json")?
        .and_then(|sample| {
            let iters = sample.get("iters")?.as_array()?;
            let times = sample.get("times")?.as_array()?;
            iters.iter().zip(times).filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()?)).min_by(|a, b| a.total_cmp(b))
        })
        .unwrap_or(f64::NAN);
    let figure = Figure {
        median: number(&["point_estimate"]),
        median_lo: number(&["confidence_interval", "lower_bound"]),
        median_hi: number(&["confidence_interval", "upper_bound"]),
        min,
    };
    Ok(Some((id.to_owned(), figure)))
}

// ---------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------

struct Context {
    command: String,
    cargo_command: String,
    quick: bool,
    build_secs: f64,
    run_secs: f64,
    machine: Vec<(&'static str, String)>,
    codegen_real: Json,
    /// Sizes and outcomes of the official description's group (`codegen_official`).
    official: Json,
    /// The Markdown of `bench_external`: openapi-generator and `cargo check` of the full client.
    external: String,
    sweep: Json,
    digest: Json,
    payloads: Json,
}

/// A row of a table: a figure and the baselines it is compared with (label, id).
struct Row<'a> {
    id: &'a str,
    label: &'a str,
    baselines: &'a [(&'a str, &'a str)],
}

fn report(results: &BTreeMap<String, Figure>, cx: &Context) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `{}` from criterion's estimates (`bench/target/criterion/**/new/`) and the counts the \
         benches record; do not edit by hand except for the Findings section at the end, which the command \
         keeps.{}\n",
        cx.command,
        if cx.quick { " **This is a `--quick` run: short measurements, rough figures.**" } else { "" }
    );
    let _ = writeln!(out, "Times are per call or per generation: the median, its 95% confidence interval, and the fastest sample (criterion sample time divided by its iterations). A ratio is our median over the baseline's median: below 1× we are faster.\n");
    let _ = writeln!(out, "## Run\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    for (key, value) in &cx.machine {
        let _ = writeln!(out, "| {key} | {value} |");
    }
    let _ = writeln!(out, "| command | `{}` |", cx.command);
    let _ = writeln!(out, "| runs | `{}` |", cx.cargo_command);
    let _ = writeln!(out, "| build (incremental, before the run) | {:.1} s |", cx.build_secs);
    let _ = writeln!(out, "| benchmarks | {:.0} s |", cx.run_secs);
    out.push('\n');

    // 1. Real spec.
    let _ = writeln!(out, "## 1. Code generation: `spec/atlas-api-keys.yaml`\n");
    let _ = writeln!(
        out,
        "Ours from YAML text to every file of the crate (Rust formatted with prettyplease, Cargo.toml and README rendered \
         with minijinja, the runtime copied in); progenitor from YAML text (its copy with the media types rewritten, see \
         below) to one formatted Rust file.\n"
    );
    let pw = ("progenitor whole", "codegen_real/progenitor_whole");
    table(
        &mut out,
        results,
        &[
            Row {
                id: "codegen_real/ours_load", label: "ours: load (YAML → openapiv3, `$ref` checks)", baselines: &[]
            },
            Row { id: "codegen_real/ours_lower", label: "ours: lower (openapiv3 → IR)", baselines: &[] },
            Row { id: "codegen_real/ours_emit_render", label: "ours: emit + render (IR → files)", baselines: &[] },
            Row {
                id: "codegen_real/ours_emit",
                label: "… of which emit (quote → syn → prettyplease, 3 files)",
                baselines: &[],
            },
            Row { id: "codegen_real/ours_render", label: "… of which render (minijinja, 5 files)", baselines: &[] },
            Row {
                id: "codegen_real/ours_reformat",
                label: "… estimate of the formatting share: syn 2 parse + prettyplease of emit's output",
                baselines: &[("emit", "codegen_real/ours_emit")],
            },
            Row { id: "codegen_real/ours_whole", label: "**ours: whole** (`generate`)", baselines: &[pw] },
            Row {
                id: "codegen_real/progenitor_parse",
                label: "progenitor: parse (serde_yaml → openapiv3)",
                baselines: &[],
            },
            Row { id: "codegen_real/progenitor_tokens", label: "progenitor: `generate_tokens`", baselines: &[] },
            Row {
                id: "codegen_real/progenitor_prettyplease",
                label: "progenitor: syn parse + prettyplease",
                baselines: &[],
            },
            Row { id: "codegen_real/progenitor_whole", label: "**progenitor: whole**", baselines: &[] },
            Row {
                id: "codegen_real/regex_compile_hex24",
                label: "one `Regex::new(\"^([a-f0-9]{24})$\")` (lowering runs one per constrained use)",
                baselines: &[("ours lower", "codegen_real/ours_lower")],
            },
        ],
    );
    if let Some(obj) = cx.codegen_real.as_object() {
        let n = |k: &str| obj.get(k).and_then(Json::as_f64).unwrap_or(0.0);
        let _ = writeln!(
            out,
            "Output: ours {} files, {:.0} KiB ({:.0} KiB of Rust, of which most is the fixed runtime); progenitor one file of {:.0} KiB. Spec: {:.1} KiB.\n",
            n("ours_files"),
            n("ours_bytes") / 1024.0,
            n("ours_rust_bytes") / 1024.0,
            n("progenitor_bytes") / 1024.0,
            n("spec_bytes") / 1024.0
        );
    }
    let _ = writeln!(
        out,
        "progenitor's copy of the spec (`atlas_bench::for_progenitor`): every `application/vnd.atlas.2023-01-01+json` is \
         replaced by `application/json`, and nothing else. progenitor (0.15.1) accepts the rest as it is: the Digest and \
         OAuth2 `securitySchemes` (it ignores security), `items: {{}}` (typed as `serde_json::Value`), `$ref` parameters and \
         responses, `readOnly` and `format: password`. The same rewrite is applied to the synthetic specs.\n"
    );

    official_section(&mut out, results, cx);

    // 2. Synthetic sweep.
    let _ = writeln!(out, "## 2. Code generation: synthetic specs\n");
    let _ = writeln!(
        out,
        "`atlas_bench::synthetic_spec`: deterministic Atlas-style YAML, four operations per resource (paginated list, \
         create, get, update), three schemas per resource plus enums and nested objects, `schemas = ops × 10 / 7`. Whole \
         pipeline for both generators.\n"
    );
    let _ = writeln!(out, "| operations | schemas | spec | ours (median) | progenitor (median) | ours / progenitor | ours per op | progenitor per op | output ours / progenitor |");
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut previous: Option<(f64, f64, f64)> = None;
    let mut growth = Vec::new();
    for size in cx.sweep.as_array().unwrap_or(&[]) {
        let n = |k: &str| size.get(k).and_then(Json::as_f64).unwrap_or(f64::NAN);
        let ops = n("operations");
        let ours = results.get(&format!("codegen_sweep/ours_whole/{ops}")).map(|f| f.median);
        let theirs = results.get(&format!("codegen_sweep/progenitor_whole/{ops}")).map(|f| f.median);
        let (Some(ours), Some(theirs)) = (ours, theirs) else { continue };
        let _ = writeln!(
            out,
            "| {ops} | {} | {:.0} KiB | {} | {} | {} | {} | {} | {:.0} KiB / {:.0} KiB |",
            n("schemas"),
            n("spec_bytes") / 1024.0,
            duration(ours),
            duration(theirs),
            ratio(ours, theirs),
            duration(ours / ops),
            duration(theirs / ops),
            n("ours_bytes") / 1024.0,
            n("progenitor_bytes") / 1024.0,
        );
        if let Some((pops, pours, ptheirs)) = previous {
            growth.push(format!(
                "{pops}→{ops} ops (×{:.0}): ours ×{:.1}, progenitor ×{:.1}",
                ops / pops,
                ours / pours,
                theirs / ptheirs
            ));
        }
        previous = Some((ops, ours, theirs));
    }
    out.push('\n');
    if !growth.is_empty() {
        let _ = writeln!(out, "Growth: {}.\n", growth.join("; "));
    }
    let large = cx
        .sweep
        .as_array()
        .and_then(|a| a.last())
        .and_then(|s| s.get("operations"))
        .and_then(Json::as_f64)
        .unwrap_or(700.0);
    let ids: Vec<String> =
        ["ours_load", "ours_lower", "ours_emit_render", "ours_whole", "progenitor_whole", "ours_emit", "ours_reformat"]
            .iter()
            .map(|f| format!("codegen_sweep/{f}/{large}"))
            .collect();
    let _ = writeln!(out, "Stages of ours on the {large}-operation spec:\n");
    table(
        &mut out,
        results,
        &[
            Row { id: &ids[0], label: "ours: load", baselines: &[] },
            Row { id: &ids[1], label: "ours: lower", baselines: &[] },
            Row { id: &ids[2], label: "ours: emit + render", baselines: &[] },
            Row { id: &ids[5], label: "… of which emit", baselines: &[] },
            Row {
                id: &ids[6],
                label: "… formatting estimate (syn parse + prettyplease of emit's output)",
                baselines: &[("emit", &ids[5])],
            },
            Row { id: &ids[3], label: "**ours: whole**", baselines: &[("progenitor whole", &ids[4])] },
            Row { id: &ids[4], label: "**progenitor: whole**", baselines: &[] },
        ],
    );

    if let (Some(checks), Some(regex), Some(lower)) = (
        cx.sweep.as_array().and_then(|a| a.last()).and_then(|s| s.get("pattern_checks")).and_then(Json::as_f64),
        results.get("codegen_real/regex_compile_hex24"),
        results.get(&ids[1]),
    ) {
        let _ = writeln!(
            out,
            "Lowering this spec compiles a `pattern` {checks:.0} times (every use of a constrained parameter, every \
             constrained property; it is always the same 24-hex pattern): about {} at {} each, {:.0}% of lower.\n",
            duration(checks * regex.median),
            duration(regex.median),
            100.0 * checks * regex.median / lower.median
        );
    }

    // 3. Per call.
    let _ = writeln!(out, "## 3. Per-call overhead on a loopback server\n");
    let page_kib = cx.payloads.get("page_bytes").and_then(Json::as_f64).unwrap_or(f64::NAN) / 1024.0;
    let key_bytes = cx.payloads.get("key_bytes").and_then(Json::as_f64).unwrap_or(f64::NAN);
    let _ = writeln!(
        out,
        "An in-process hyper HTTP/1.1 server on 127.0.0.1 (its own thread and single-threaded runtime) returns fixed \
         bodies: one key ({key_bytes:.0} B) and a 500-item page ({page_kib:.0} KiB). The client side runs on a \
         single-threaded tokio runtime; connections are kept alive. Ours: `Client::builder().base_url(..)\
         .retry_policy(RetryPolicy::none()).build()`, no credentials, `send()` (validation, URL building, tracing span, \
         decode into the models). Baselines: `reqwest::Client::new()`, GET with the same `Accept`, `bytes()` then \
         `serde_json::from_slice` into our model type (typed) or `serde_json::Value`.\n"
    );
    let typed = |g: &str| format!("{g}/raw_reqwest_typed");
    let value = |g: &str| format!("{g}/raw_reqwest_value");
    let (gt, gv, lt, lv) = (typed("call_get"), value("call_get"), typed("call_list500"), value("call_list500"));
    table(
        &mut out,
        results,
        &[
            Row {
                id: "call_get/ours",
                label: "GET one key: **ours**",
                baselines: &[("raw typed", &gt), ("raw Value", &gv)],
            },
            Row { id: &gt, label: "GET one key: raw reqwest + serde_json (model)", baselines: &[] },
            Row { id: &gv, label: "GET one key: raw reqwest + serde_json (Value)", baselines: &[] },
            Row {
                id: "call_list500/ours",
                label: "list 500: **ours**",
                baselines: &[("raw typed", &lt), ("raw Value", &lv)],
            },
            Row { id: &lt, label: "list 500: raw reqwest + serde_json (model)", baselines: &[] },
            Row { id: &lv, label: "list 500: raw reqwest + serde_json (Value)", baselines: &[] },
        ],
    );
    if let (Some(ours), Some(raw)) = (results.get("call_get/ours"), results.get(gt.as_str())) {
        let _ =
            writeln!(out, "Overhead of ours over a raw typed call: {} per GET.\n", duration(ours.median - raw.median));
    }

    // 4. Decode.
    let _ = writeln!(out, "## 4. Decoding a 500-item page\n");
    let _ = writeln!(out, "`serde_json::from_slice` of the same {page_kib:.0} KiB body, no I/O.\n");
    table(
        &mut out,
        results,
        &[
            Row {
                id: "decode_page500/ours",
                label: "**ours** (`PaginatedApiApiUserView`: open enums, `SecretString`)",
                baselines: &[("Value", "decode_page500/value"), ("bare struct", "decode_page500/bare_struct")],
            },
            Row {
                id: "decode_page500/ours_like_client",
                label: "**ours as the client decodes** (through `serde_path_to_error`, then `end()`)",
                baselines: &[("ours plain", "decode_page500/ours"), ("bare struct", "decode_page500/bare_struct")],
            },
            Row { id: "decode_page500/value", label: "`serde_json::Value`", baselines: &[] },
            Row {
                id: "decode_page500/bare_struct",
                label: "bare `#[derive(Deserialize)]`, `String` fields",
                baselines: &[],
            },
        ],
    );

    // 5. Digest.
    let _ = writeln!(out, "## 5. Digest authentication\n");
    let d = |k: &str| cx.digest.get(k).and_then(Json::as_f64).map_or("?".to_owned(), |v| format!("{v:.0}"));
    let _ = writeln!(
        out,
        "The loopback server answers a request without `Authorization: Digest …nonce=\"<current nonce>\"` with 401 and \
         `WWW-Authenticate: Digest realm=\"MMS Public API\", nonce=…, algorithm=MD5, qop=\"auth\"` (it does not verify \
         hashes), and counts requests. {} sequential GETs of one key, a fresh server for each client:\n",
        d("calls")
    );
    let _ = writeln!(out, "| client | HTTP requests | of which 401 challenges |\n|---|---:|---:|");
    let _ =
        writeln!(out, "| ours (nonce reused, `nc` incremented) | {} | {} |", d("ours_requests"), d("ours_challenges"));
    let _ = writeln!(
        out,
        "| baseline without reuse (reqwest + `digest_auth`, challenged every call) | {} | {} |\n",
        d("no_reuse_requests"),
        d("no_reuse_challenges")
    );
    let bursts = cx.digest.get("concurrent_requests_per_burst").and_then(Json::as_array).map_or("?".to_owned(), |n| {
        n.iter().filter_map(Json::as_f64).map(|v| format!("{v:.0}")).collect::<Vec<_>>().join(", ")
    });
    let _ = writeln!(
        out,
        "Under concurrency, against a server that issues a fresh nonce per challenge and rejects an `nc` not higher \
         than the last it saw for that nonce: a warm-up burst of {} concurrent calls took {} requests, and each \
         following burst of {} concurrent calls took {bursts} requests (one per call: each in-flight call answers a \
         nonce of its own).\n",
        d("concurrent_calls"),
        d("concurrent_warmup_requests"),
        d("concurrent_calls"),
    );
    table(
        &mut out,
        results,
        &[
            Row {
                id: "call_get_digest/ours",
                label: "GET one key, Digest: **ours**",
                baselines: &[("no reuse", "call_get_digest/no_reuse"), ("ours without auth", "call_get/ours")],
            },
            Row { id: "call_get_digest/no_reuse", label: "GET one key, Digest: no reuse", baselines: &[] },
        ],
    );
    let listed: Vec<&String> = results.keys().collect();
    let _ = writeln!(out, "<details><summary>All {} criterion ids</summary>\n", listed.len());
    for id in listed {
        if let Some(f) = results.get(id) {
            let _ = writeln!(out, "- `{id}`: {}", duration(f.median));
        }
    }
    let _ = writeln!(out, "\n</details>");
    out
}

/// Section 1b: the official Atlas description, 540 operations, through ours, progenitor and openapi-generator.
fn official_section(out: &mut String, results: &BTreeMap<String, Figure>, cx: &Context) {
    let _ = writeln!(out, "## 1b. Code generation: the official Atlas Administration API v2 description\n");
    let n = |k: &str| cx.official.get(k).and_then(Json::as_f64);
    let _ = writeln!(
        out,
        "`spec/upstream/atlas-admin-v2.yaml`, vendored byte for byte ({:.0} KiB, {:.0} lines). Goal for ours: under 1 s \
         whole.\n",
        n("spec_bytes").unwrap_or(0.0) / 1024.0,
        n("spec_lines").unwrap_or(0.0)
    );
    let pw = ("progenitor whole", "codegen_official/progenitor_whole");
    table(
        out,
        results,
        &[
            Row { id: "codegen_official/ours_load", label: "ours: load", baselines: &[] },
            Row { id: "codegen_official/ours_lower", label: "ours: lower", baselines: &[] },
            Row { id: "codegen_official/ours_emit_render", label: "ours: emit + render", baselines: &[] },
            Row {
                id: "codegen_official/ours_reformat",
                label: "… formatting estimate (syn parse + prettyplease of emit's output)",
                baselines: &[],
            },
            Row { id: "codegen_official/ours_whole", label: "**ours: whole**", baselines: &[pw] },
            Row { id: "codegen_official/progenitor_whole", label: "**progenitor: whole**", baselines: &[] },
        ],
    );
    match n("ours_errors") {
        Some(errors) => {
            let _ = writeln!(out, "Ours does not generate this description yet: {errors} errors.\n");
        }
        None => {
            let _ = writeln!(
                out,
                "Ours: {} operations, {} named types, {} files, {} lines of Rust, {} warnings (each names what was \
                 simplified and where).\n",
                n("ir_operations").unwrap_or(0.0),
                n("ir_schemas").unwrap_or(0.0),
                n("ours_files").unwrap_or(0.0),
                n("ours_rust_lines").unwrap_or(0.0),
                n("ours_warnings").unwrap_or(0.0)
            );
        }
    }
    // What progenitor was given: the benches record each rewrite of its copy with the places it touched.
    let _ = writeln!(
        out,
        "progenitor runs on a rewritten copy (`atlas_bench::official_for_progenitor`); on the file as it is, it dies of \
         a stack overflow in typify. The rewrites, in order, each found by the refusal the one before left:\n"
    );
    for rewrite in cx.official.get("progenitor_rewrites").and_then(Json::as_array).unwrap_or_default() {
        let places = rewrite.get("places").and_then(Json::as_f64).unwrap_or(0.0);
        let what = rewrite.get("what").and_then(Json::as_str).unwrap_or_default();
        let _ = writeln!(out, "- {places}: {what}");
    }
    let _ = writeln!(
        out,
        "\n{}\n",
        match cx.official.get("progenitor_error").and_then(Json::as_str) {
            Some(why) => format!("progenitor still refuses it: {}", why.lines().next().unwrap_or_default()),
            None => format!(
                "It then generates {} lines (one file); its `cargo check` is below.",
                n("progenitor_lines").unwrap_or(0.0)
            ),
        }
    );
    out.push_str(&cx.external);
}

fn table(out: &mut String, results: &BTreeMap<String, Figure>, rows: &[Row<'_>]) {
    let _ = writeln!(out, "| | median | 95% CI of median | min | ratio |\n|---|---:|---:|---:|---|");
    for row in rows {
        let Some(f) = results.get(row.id) else {
            let _ = writeln!(out, "| {} | (not run) | | | |", row.label);
            continue;
        };
        let ratios: Vec<String> = row
            .baselines
            .iter()
            .filter_map(|(label, id)| results.get(*id).map(|b| format!("{} vs {label}", ratio(f.median, b.median))))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} – {} | {} | {} |",
            row.label,
            duration(f.median),
            duration(f.median_lo),
            duration(f.median_hi),
            duration(f.min),
            ratios.join("; ")
        );
    }
    out.push('\n');
}

fn duration(ns: f64) -> String {
    if !ns.is_finite() {
        return "?".to_owned();
    }
    let (value, unit) = match ns.abs() {
        n if n >= 1e9 => (ns / 1e9, "s"),
        n if n >= 1e6 => (ns / 1e6, "ms"),
        n if n >= 1e3 => (ns / 1e3, "µs"),
        _ => (ns, "ns"),
    };
    let digits = if value.abs() >= 100.0 {
        0
    } else if value.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$} {unit}")
}

fn ratio(ours: f64, baseline: f64) -> String {
    if baseline > 0.0 && ours.is_finite() {
        format!("{:.2}×", ours / baseline)
    } else {
        "?".to_owned()
    }
}

// ---------------------------------------------------------------------------------------------------
// Machine
// ---------------------------------------------------------------------------------------------------

fn machine(root: &Path) -> Vec<(&'static str, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_owned(), |(_, v)| v.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or("unknown".to_owned(), |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0));
    let nproc = std::thread::available_parallelism().map_or("unknown".to_owned(), |n| n.to_string());
    let output = |program: &str, args: &[&str]| -> String {
        Command::new(program)
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map_or("unknown".to_owned(), |o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let commit = output("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = !output("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    vec![
        ("date (UTC)", utc_now()),
        ("commit", format!("{commit}{}", if dirty { " (work tree has uncommitted changes)" } else { "" })),
        ("CPU", cpu),
        ("cores (nproc)", nproc),
        ("memory", memory),
        ("OS", output("uname", &["-srm"])),
        ("rustc", output("rustc", &["--version"])),
    ]
}

/// `YYYY-MM-DD HH:MM` in UTC, from the system clock (civil-from-days, no date crate).
fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", rem / 3_600, rem % 3_600 / 60)
}

// ---------------------------------------------------------------------------------------------------
// A minimal JSON reader (std only), enough for criterion's files and ours.
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    fn parse(text: &str) -> Result<Json, String> {
        let mut parser = Parser { bytes: text.as_bytes(), at: 0 };
        let value = parser.value()?;
        parser.skip_ws();
        if parser.at != parser.bytes.len() {
            return Err(format!("trailing characters at byte {}", parser.at));
        }
        Ok(value)
    }

    fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.get(key)
    }

    fn as_object(&self) -> Option<&BTreeMap<String, Json>> {
        if let Json::Object(map) = self {
            Some(map)
        } else {
            None
        }
    }

    fn as_array(&self) -> Option<&[Json]> {
        if let Json::Array(items) = self {
            Some(items)
        } else {
            None
        }
    }

    fn as_f64(&self) -> Option<f64> {
        if let Json::Number(n) = self {
            Some(*n)
        } else {
            None
        }
    }

    fn as_str(&self) -> Option<&str> {
        if let Json::String(s) = self {
            Some(s)
        } else {
            None
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn expect(&mut self, literal: &str) -> Result<(), String> {
        if self.bytes[self.at..].starts_with(literal.as_bytes()) {
            self.at += literal.len();
            Ok(())
        } else {
            Err(format!("expected `{literal}` at byte {}", self.at))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.skip_ws();
        match self.bytes.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                let mut map = BTreeMap::new();
                self.skip_ws();
                if self.bytes.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Ok(Json::Object(map));
                }
                loop {
                    self.skip_ws();
                    let key = self.string()?;
                    self.skip_ws();
                    self.expect(":")?;
                    let value = self.value()?;
                    map.insert(key, value);
                    self.skip_ws();
                    match self.bytes.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(map));
                        }
                        _ => return Err(format!("expected `,` or `}}` at byte {}", self.at)),
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.at) == Some(&b']') {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    self.skip_ws();
                    match self.bytes.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(format!("expected `,` or `]` at byte {}", self.at)),
                    }
                }
            }
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.expect("true").map(|()| Json::Bool(true)),
            Some(b'f') => self.expect("false").map(|()| Json::Bool(false)),
            Some(b'n') => self.expect("null").map(|()| Json::Null),
            Some(_) => {
                let start = self.at;
                while self.bytes.get(self.at).is_some_and(|b| b"+-.eE0123456789".contains(b)) {
                    self.at += 1;
                }
                std::str::from_utf8(&self.bytes[start..self.at])
                    .ok()
                    .and_then(|s| s.parse::<f64>().ok())
                    .map(Json::Number)
                    .ok_or_else(|| format!("bad value at byte {start}"))
            }
            None => Err("unexpected end of JSON".to_owned()),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect("\"")?;
        let mut out = String::new();
        loop {
            let start = self.at;
            while self.bytes.get(self.at).is_some_and(|b| *b != b'"' && *b != b'\\') {
                self.at += 1;
            }
            out.push_str(std::str::from_utf8(&self.bytes[start..self.at]).map_err(|e| e.to_string())?);
            match self.bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let escape = self.bytes.get(self.at + 1).copied();
                    self.at += 2;
                    match escape {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => {
                            let hex = self.bytes.get(self.at..self.at + 4).ok_or("short \\u escape")?;
                            let code = u32::from_str_radix(std::str::from_utf8(hex).map_err(|e| e.to_string())?, 16)
                                .map_err(|e| e.to_string())?;
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            self.at += 4;
                        }
                        Some(other) => out.push(char::from(other)),
                        None => return Err("unterminated escape".to_owned()),
                    }
                }
                _ => return Err("unterminated string".to_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_estimates() {
        let text = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.5e3,"upper_bound":2000.0},"point_estimate":1750.25,"standard_error":3.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":10,"upper_bound":12},"point_estimate":11,"standard_error":0.5},"slope":null,"full_id":"a/b \"c\"\u00e9"}"#;
        let json = Json::parse(text).unwrap_or(Json::Null);
        assert_eq!(json.get("median").and_then(|m| m.get("point_estimate")).and_then(Json::as_f64), Some(11.0));
        assert_eq!(json.get("slope"), Some(&Json::Null));
        assert_eq!(json.get("full_id").and_then(Json::as_str), Some("a/b \"c\"é"));
    }

    #[test]
    fn formats_durations_and_dates() {
        assert_eq!(duration(1_234.0), "1.23 µs");
        assert_eq!(duration(123_456_789.0), "123 ms");
        assert_eq!(ratio(1.0, 4.0), "0.25×");
        assert_eq!(utc_now().len(), 16);
    }
}
