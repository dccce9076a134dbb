//! `BENCHMARKS.md`: criterion's figures and the benches' own counts, read with serde_json, arranged here
//! into what the report shows, and rendered from `BENCHMARKS.md.j2` with minijinja, as the generator
//! renders the client's README. The code decides which figures go where; the template holds the prose.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Object, Serde, Value as Template};
use minijinja::{context, Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::Value;

const TEMPLATE: &str = include_str!("BENCHMARKS.md.j2");

/// One benchmark's figures, in nanoseconds per iteration.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Figure {
    pub(crate) median: f64,
    pub(crate) median_lo: f64,
    pub(crate) median_hi: f64,
    pub(crate) min: f64,
}

/// Every `<id>/new/` directory under the criterion home, keyed by criterion's full id
/// (`group/function[/parameter]`).
pub(crate) fn read_results(home: &Path) -> Result<BTreeMap<String, Figure>, String> {
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

/// A JSON file, `None` when it is not there.
pub(crate) fn read_json(path: &Path) -> Result<Option<Value>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| format!("{}: {e}", path.display())),
        Err(_) => Ok(None),
    }
}

/// One criterion result directory: its id (`benchmark.json`), median with confidence interval
/// (`estimates.json`) and fastest sample (`sample.json`).
fn read_one(dir: &Path) -> Result<Option<(String, Figure)>, String> {
    let load = |name: &str| read_json(&dir.join(name));
    let (Some(benchmark), Some(estimates)) = (load("benchmark.json")?, load("estimates.json")?) else {
        return Ok(None);
    };
    let Some(id) = benchmark.get("full_id").and_then(Value::as_str) else { return Ok(None) };
    let median = &estimates["median"];
    let number = |pointer: &str| median.pointer(pointer).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let min = load("sample.json")?
        .and_then(|sample| {
            let iters = sample.get("iters")?.as_array()?;
            let times = sample.get("times")?.as_array()?;
            iters.iter().zip(times).filter_map(|(n, t)| Some(t.as_f64()? / n.as_f64()?)).min_by(|a, b| a.total_cmp(b))
        })
        .unwrap_or(f64::NAN);
    let figure = Figure {
        median: number("/point_estimate"),
        median_lo: number("/confidence_interval/lower_bound"),
        median_hi: number("/confidence_interval/upper_bound"),
        min,
    };
    Ok(Some((id.to_owned(), figure)))
}

/// Everything the report shows besides criterion's figures.
pub(crate) struct Context {
    pub(crate) command: String,
    pub(crate) cargo_command: String,
    pub(crate) quick: bool,
    pub(crate) build_secs: f64,
    pub(crate) run_secs: f64,
    pub(crate) machine: Vec<(&'static str, String)>,
    pub(crate) codegen_real: Value,
    /// Sizes and outcomes of the official description's group (`codegen_official`).
    pub(crate) official: Value,
    /// The Markdown of [`super::external`]: openapi-generator and `cargo check` of the full clients.
    pub(crate) external: String,
    pub(crate) sweep: Value,
    pub(crate) digest: Value,
    pub(crate) payloads: Value,
}

/// A row of a table: a figure and the baselines it is compared with (label, id).
struct Row<'a> {
    id: &'a str,
    label: &'a str,
    baselines: &'a [(&'a str, &'a str)],
}

/// A row as the template gets it: the figure if the bench ran, and the baselines that ran too.
#[derive(Debug)]
struct TableRow {
    label: String,
    figure: Option<Figure>,
    ratios: Vec<Baseline>,
}

#[derive(Debug)]
struct Baseline {
    label: String,
    median: f64,
}

/// The rows of one table, handed to the template as an object only the `table` filter reads.
#[derive(Debug)]
struct Table(Vec<TableRow>);

impl Object for Table {}

fn rows(results: &BTreeMap<String, Figure>, rows: &[Row<'_>]) -> Template {
    let rows = rows
        .iter()
        .map(|row| TableRow {
            label: row.label.to_owned(),
            figure: results.get(row.id).copied(),
            ratios: row
                .baselines
                .iter()
                .filter_map(|(label, id)| {
                    results.get(*id).map(|b| Baseline { label: (*label).to_owned(), median: b.median })
                })
                .collect(),
        })
        .collect();
    Template::from_object(Table(rows))
}

/// One size of the synthetic sweep that both generators ran.
#[derive(Serialize)]
struct SweepSize {
    operations: f64,
    schemas: f64,
    spec_bytes: f64,
    ours_bytes: f64,
    progenitor_bytes: f64,
    ours: f64,
    progenitor: f64,
}

/// A number of a JSON object, `NaN` when it is not recorded.
fn number(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// The report, without the Findings section (which `run` keeps from the previous file).
pub(crate) fn report(results: &BTreeMap<String, Figure>, cx: &Context) -> Result<String, String> {
    let real = rows(
        results,
        &[
            Row {
                id: "codegen_real/ours_load", label: "ours: load (YAML → openapiv3, `$ref` checks)", baselines: &[]
            },
            Row { id: "codegen_real/ours_lower", label: "ours: lower (openapiv3 → IR)", baselines: &[] },
            Row { id: "codegen_real/ours_emit_render", label: "ours: emit + render (IR → files)", baselines: &[] },
            Row {
                id: "codegen_real/ours_emit",
                label: "… of which emit (quote → syn → prettyplease, every Rust file of the crate)",
                baselines: &[],
            },
            Row {
                id: "codegen_real/ours_render",
                label: "… of which render (minijinja, every templated file)",
                baselines: &[],
            },
            Row {
                id: "codegen_real/ours_reformat",
                label: "… estimate of the formatting share: syn parse + prettyplease of emit's output",
                baselines: &[("emit", "codegen_real/ours_emit")],
            },
            Row {
                id: "codegen_real/ours_whole",
                label: "**ours: whole** (`generate`)",
                baselines: &[("progenitor whole", "codegen_real/progenitor_whole")],
            },
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
    let real_output = cx.codegen_real.as_object().map(|_| {
        let n = |k: &str| cx.codegen_real.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        context! {
            ours_files => n("ours_files"),
            ours_bytes => n("ours_bytes"),
            ours_rust_bytes => n("ours_rust_bytes"),
            progenitor_bytes => n("progenitor_bytes"),
            spec_bytes => n("spec_bytes"),
        }
    });

    let official_rows = rows(
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
            Row {
                id: "codegen_official/ours_whole",
                label: "**ours: whole**",
                baselines: &[("progenitor whole", "codegen_official/progenitor_whole")],
            },
            Row { id: "codegen_official/progenitor_whole", label: "**progenitor: whole**", baselines: &[] },
        ],
    );
    let official = {
        let n = |k: &str| cx.official.get(k).and_then(Value::as_f64);
        let or_zero = |k: &str| n(k).unwrap_or(0.0);
        let rewrites: Vec<_> = cx
            .official
            .get("progenitor_rewrites")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|rewrite| {
                context! {
                    places => rewrite.get("places").and_then(Value::as_f64).unwrap_or(0.0),
                    what => rewrite.get("what").and_then(Value::as_str).unwrap_or_default(),
                }
            })
            .collect();
        let progenitor_error = cx
            .official
            .get("progenitor_error")
            .and_then(Value::as_str)
            .map(|why| why.lines().next().unwrap_or_default().to_owned());
        context! {
            spec_bytes => or_zero("spec_bytes"),
            spec_lines => or_zero("spec_lines"),
            errors => n("ours_errors"),
            ir_operations => or_zero("ir_operations"),
            ir_schemas => or_zero("ir_schemas"),
            ours_files => or_zero("ours_files"),
            ours_rust_lines => or_zero("ours_rust_lines"),
            ours_warnings => or_zero("ours_warnings"),
            progenitor_lines => or_zero("progenitor_lines"),
            rewrites,
            progenitor_error,
        }
    };

    // The sweep: the sizes both generators ran, then the stages on the largest size recorded.
    let recorded = cx.sweep.as_array().map(Vec::as_slice).unwrap_or_default();
    let sizes: Vec<SweepSize> = recorded
        .iter()
        .filter_map(|size| {
            let operations = number(size, "operations");
            Some(SweepSize {
                operations,
                schemas: number(size, "schemas"),
                spec_bytes: number(size, "spec_bytes"),
                ours_bytes: number(size, "ours_bytes"),
                progenitor_bytes: number(size, "progenitor_bytes"),
                ours: results.get(&format!("codegen_sweep/ours_whole/{operations}"))?.median,
                progenitor: results.get(&format!("codegen_sweep/progenitor_whole/{operations}"))?.median,
            })
        })
        .collect();
    let large = recorded.last().and_then(|s| s.get("operations")).and_then(Value::as_f64).unwrap_or(700.0);
    let ids: Vec<String> =
        ["ours_load", "ours_lower", "ours_emit_render", "ours_whole", "progenitor_whole", "ours_emit", "ours_reformat"]
            .iter()
            .map(|f| format!("codegen_sweep/{f}/{large}"))
            .collect();
    let sweep_stages = rows(
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
    let patterns = match (
        recorded.last().and_then(|s| s.get("pattern_checks")).and_then(Value::as_f64),
        results.get("codegen_real/regex_compile_hex24"),
        results.get(&ids[1]),
    ) {
        (Some(checks), Some(regex), Some(lower)) => {
            Some(context! { checks, regex => regex.median, lower => lower.median })
        }
        _ => None,
    };

    let typed = |g: &str| format!("{g}/raw_reqwest_typed");
    let value = |g: &str| format!("{g}/raw_reqwest_value");
    let (gt, gv, lt, lv) = (typed("call_get"), value("call_get"), typed("call_list500"), value("call_list500"));
    let calls = rows(
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
    let overhead = match (results.get("call_get/ours"), results.get(gt.as_str())) {
        (Some(ours), Some(raw)) => Some(ours.median - raw.median),
        _ => None,
    };
    let decode = rows(
        results,
        &[
            Row {
                id: "decode_page500/ours",
                label: "**ours** (`PaginatedApiApiUserView`: open enums, `SecretString`)",
                baselines: &[("Value", "decode_page500/value"), ("bare struct", "decode_page500/bare_struct")],
            },
            Row {
                id: "decode_page500/ours_like_client",
                label: "ours through `serde_path_to_error`, then `end()` (the client's decode before finding 1; the client no longer uses it, finding 15)",
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
    let digest_rows = rows(
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
    let count = |k: &str| cx.digest.get(k).and_then(Value::as_f64);
    let bursts: Option<Vec<f64>> = cx
        .digest
        .get("concurrent_requests_per_burst")
        .and_then(Value::as_array)
        .map(|n| n.iter().filter_map(Value::as_f64).collect());

    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true).build();
    env.set_syntax(syntax.map_err(|e| format!("template syntax: {e}"))?);
    env.add_filter("table", |rows: Template| {
        rows.downcast_object_ref::<Table>().map(|rows| table(&rows.0)).ok_or_else(|| {
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "`table` takes the rows of a table")
        })
    });
    env.add_filter("duration", duration);
    env.add_filter("ratio", ratio);
    env.add_filter("fixed", |value: f64, digits: usize| format!("{value:.digits$}"));
    env.add_filter("num", |value: f64| value.to_string());
    env.add_filter("tally", |value: Option<f64>| value.map_or("?".to_owned(), |v| format!("{v:.0}")));
    env.add_template("BENCHMARKS.md", TEMPLATE).map_err(|e| format!("BENCHMARKS.md.j2: {e}"))?;
    let template = env.get_template("BENCHMARKS.md").map_err(|e| format!("BENCHMARKS.md.j2: {e}"))?;
    template
        .render(context! {
            command => cx.command.as_str(),
            cargo_command => cx.cargo_command.as_str(),
            quick => cx.quick,
            build_secs => cx.build_secs,
            run_secs => cx.run_secs,
            machine => Template::from(Serde(&cx.machine)),
            real_output,
            official,
            external => cx.external.as_str(),
            sweep => context! { sizes => Template::from(Serde(sizes)), large, patterns },
            calls => context! {
                key_bytes => number(&cx.payloads, "key_bytes"),
                page_kib => number(&cx.payloads, "page_bytes") / 1024.0,
                overhead,
            },
            digest => context! {
                calls => count("calls"),
                ours_requests => count("ours_requests"),
                ours_challenges => count("ours_challenges"),
                no_reuse_requests => count("no_reuse_requests"),
                no_reuse_challenges => count("no_reuse_challenges"),
                concurrent_calls => count("concurrent_calls"),
                concurrent_warmup_requests => count("concurrent_warmup_requests"),
                bursts,
            },
            tables => context! {
                real,
                official => official_rows,
                sweep_stages,
                calls,
                decode,
                digest => digest_rows,
            },
            ids => Template::from(Serde(results.iter().collect::<Vec<_>>())),
        })
        .map_err(|e| format!("BENCHMARKS.md.j2: {e:#}"))
}

/// The `table` filter: a Markdown table of figures, `(not run)` for a bench that did not run, and the
/// ratio to each baseline that ran. (Macros would keep this in the template, but they are a minijinja
/// feature the generator does not enable, and a second feature set would build minijinja twice.)
fn table(rows: &[TableRow]) -> String {
    let mut out = String::from("| | median | 95% CI of median | min | ratio |\n|---|---:|---:|---:|---|\n");
    for row in rows {
        let Some(f) = row.figure else {
            out.push_str(&format!("| {} | (not run) | | | |\n", row.label));
            continue;
        };
        let ratios: Vec<String> =
            row.ratios.iter().map(|b| format!("{} vs {}", ratio(f.median, b.median), b.label)).collect();
        out.push_str(&format!(
            "| {} | {} | {} – {} | {} | {} |\n",
            row.label,
            duration(f.median),
            duration(f.median_lo),
            duration(f.median_hi),
            duration(f.min),
            ratios.join("; ")
        ));
    }
    out
}

/// Nanoseconds as the report prints them: three significant digits and a unit, `?` when not measured.
pub(crate) fn duration(ns: f64) -> String {
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

/// Our median over a baseline's: below 1× we are faster.
pub(crate) fn ratio(ours: f64, baseline: f64) -> String {
    if baseline > 0.0 && ours.is_finite() {
        format!("{:.2}×", ours / baseline)
    } else {
        "?".to_owned()
    }
}
