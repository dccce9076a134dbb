//! Code generation time: atlas-codegen stage by stage and whole, against progenitor (with
//! prettyplease), on the real spec, on a synthetic 700-operation / 1,000-schema spec, and over a
//! size sweep.
//!
//! Group and function names are read back by `cargo xtask bench`; keep them in step with
//! `xtask/src/bench/mod.rs`.

use std::hint::black_box;
use std::time::Duration;

use atlas_bench::{
    compile_pattern, for_progenitor, official_for_progenitor, official_spec, ours_emitted_rust, ours_reformat,
    ours_whole, progenitor_format, progenitor_parse, progenitor_tokens, progenitor_try, progenitor_whole, real_spec,
    synthetic_spec, write_extra, SpecSize, OFFICIAL_FILE, SPEC_FILE,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};

/// `cargo xtask codegen` runs the generator with mimalloc (xtask/src/main.rs says why), so this process
/// does too; progenitor is timed in the same process, so both generators run on the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sizes of the sweep; the last is also the "large" spec.
const SWEEP: [usize; 3] = [10, 100, 700];

fn real(c: &mut Criterion) {
    let text = real_spec();
    let progenitor_text = for_progenitor(&text);
    let spec = atlas_codegen::load::parse(SPEC_FILE, &text).unwrap_or_else(|d| panic!("{d}"));
    let (api, _) =
        atlas_codegen::lower::lower(&spec, &atlas_codegen::Options::default()).unwrap_or_else(|d| panic!("{d}"));
    let p_spec = progenitor_parse(&progenitor_text);
    let p_tokens = progenitor_tokens(&p_spec);

    let mut group = c.benchmark_group("codegen_real");
    group.bench_function("ours_load", |b| b.iter(|| atlas_codegen::load::parse(SPEC_FILE, black_box(&text))));
    group.bench_function("ours_lower", |b| {
        b.iter(|| atlas_codegen::lower::lower(black_box(&spec), &atlas_codegen::Options::default()))
    });
    group.bench_function("ours_emit_render", |b| b.iter(|| atlas_codegen::generate_from_ir(black_box(&api))));
    group.bench_function("ours_emit", |b| b.iter(|| atlas_codegen::emit::emit(black_box(&api))));
    group.bench_function("ours_render", |b| b.iter(|| atlas_codegen::render::render(black_box(&api))));
    let emitted = ours_emitted_rust(&api);
    group.bench_function("ours_reformat", |b| b.iter(|| ours_reformat(black_box(&emitted))));
    group.bench_function("ours_whole", |b| b.iter(|| ours_whole(black_box(&text))));
    group.bench_function("regex_compile_hex24", |b| b.iter(|| compile_pattern(black_box("^([a-f0-9]{24})$"))));
    group.bench_function("progenitor_parse", |b| b.iter(|| progenitor_parse(black_box(&progenitor_text))));
    group.bench_function("progenitor_tokens", |b| b.iter(|| progenitor_tokens(black_box(&p_spec))));
    group.bench_function("progenitor_prettyplease", |b| {
        b.iter_batched(|| p_tokens.clone(), progenitor_format, criterion::BatchSize::SmallInput)
    });
    group.bench_function("progenitor_whole", |b| b.iter(|| progenitor_whole(black_box(&progenitor_text))));
    group.finish();

    // Output sizes, for the report.
    let ours = atlas_codegen::generate(SPEC_FILE, &text).unwrap_or_else(|d| panic!("{d}"));
    let ours_rust: usize = ours.files.iter().filter(|f| f.path.ends_with(".rs")).map(|f| f.contents.len()).sum();
    let ours_all: usize = ours.files.iter().map(|f| f.contents.len()).sum();
    let progenitor = progenitor_whole(&progenitor_text);
    write_extra(
        "codegen_real",
        &serde_json::json!({
            "ours_files": ours.files.len(),
            "ours_bytes": ours_all,
            "ours_rust_bytes": ours_rust,
            "progenitor_bytes": progenitor.len(),
            "spec_bytes": text.len(),
        }),
    );
}

/// The official Atlas v2 description: ours stage by stage, and progenitor on its rewritten copy, each
/// only where it generates; what did not generate is recorded (error count, or progenitor's message)
/// for the report instead of failing the run.
fn official(c: &mut Criterion) {
    let text = official_spec();
    let lines = |s: &str| s.lines().count();
    let mut extra = serde_json::json!({ "spec_bytes": text.len(), "spec_lines": lines(&text) });
    let mut group = c.benchmark_group("codegen_official");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    match atlas_codegen::generate(OFFICIAL_FILE, &text) {
        Ok(generated) => {
            let spec = atlas_codegen::load::parse(OFFICIAL_FILE, &text).unwrap_or_else(|d| panic!("{d}"));
            let (api, _) = atlas_codegen::lower::lower(&spec, &atlas_codegen::Options::default())
                .unwrap_or_else(|d| panic!("{d}"));
            group.bench_function("ours_load", |b| {
                b.iter(|| atlas_codegen::load::parse(OFFICIAL_FILE, black_box(&text)))
            });
            group.bench_function("ours_lower", |b| {
                b.iter(|| atlas_codegen::lower::lower(black_box(&spec), &atlas_codegen::Options::default()))
            });
            group.bench_function("ours_emit_render", |b| b.iter(|| atlas_codegen::generate_from_ir(black_box(&api))));
            let emitted = ours_emitted_rust(&api);
            group.bench_function("ours_reformat", |b| b.iter(|| ours_reformat(black_box(&emitted))));
            group.bench_function("ours_whole", |b| b.iter(|| atlas_codegen::generate(OFFICIAL_FILE, black_box(&text))));
            let rust = generated.files.iter().filter(|f| f.path.ends_with(".rs"));
            extra["ours_files"] = generated.files.len().into();
            extra["ours_rust_lines"] = rust.map(|f| lines(&f.contents)).sum::<usize>().into();
            extra["ours_warnings"] = generated.warnings.items().len().into();
            extra["ir_operations"] = api.operations.len().into();
            extra["ir_schemas"] = api.schemas.len().into();
        }
        Err(diags) => {
            let errors = diags.items().iter().filter(|d| d.severity == atlas_codegen::Severity::Error).count();
            extra["ours_errors"] = errors.into();
        }
    }
    // progenitor first runs in a process of its own (see `progenitor-probe`): it may abort.
    match probe_progenitor() {
        Ok(_) => {
            let copy = official_for_progenitor(&text).unwrap_or_else(|e| panic!("{e}"));
            extra["progenitor_rewrites"] = copy
                .rewrites
                .iter()
                .map(|(what, places)| serde_json::json!({ "what": what, "places": places }))
                .collect::<Vec<_>>()
                .into();
            let copy = copy.text;
            let out = progenitor_try(&copy).unwrap_or_else(|e| panic!("{e}"));
            group.bench_function("progenitor_whole", |b| b.iter(|| progenitor_try(black_box(&copy))));
            extra["progenitor_lines"] = lines(&out).into();
        }
        Err(why) => extra["progenitor_error"] = why.into(),
    }
    group.finish();
    write_extra("codegen_official", &extra);
}

/// Runs `progenitor-probe` on the official description: its line count, or why progenitor refused
/// (including a crash, such as the stack overflow it hits in typify).
fn probe_progenitor() -> Result<usize, String> {
    let spec = atlas_bench::repo_root().join(OFFICIAL_FILE);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_progenitor-probe"))
        .arg(&spec)
        .output()
        .map_err(|e| format!("cannot run progenitor-probe: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return String::from_utf8_lossy(&output.stdout).trim().parse().map_err(|e| format!("probe output: {e}"));
    }
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_owned();
    let crash = if stderr.contains("overflowed its stack") {
        "the process aborts with a stack overflow (unbounded recursion in typify's `convert_schema`)".to_owned()
    } else {
        last
    };
    Err(format!("progenitor 0.15.1: {crash} ({})", output.status))
}

fn synthetic(c: &mut Criterion) {
    let mut sizes = Vec::new();
    let mut group = c.benchmark_group("codegen_sweep");
    group.sampling_mode(SamplingMode::Flat);
    for ops in SWEEP {
        let size = SpecSize::ops(ops);
        let text = synthetic_spec(size);
        let progenitor_text = for_progenitor(&text);
        let spec = atlas_codegen::load::parse(SPEC_FILE, &text).unwrap_or_else(|d| panic!("synthetic spec: {d}"));
        let (api, _) = atlas_codegen::lower::lower(&spec, &atlas_codegen::Options::default())
            .unwrap_or_else(|d| panic!("synthetic spec: {d}"));
        if ops == *SWEEP.last().unwrap_or(&0) {
            // Stage breakdown on the large spec only.
            group.sample_size(10);
            group.bench_function(BenchmarkId::new("ours_load", ops), |b| {
                b.iter(|| atlas_codegen::load::parse(SPEC_FILE, black_box(&text)))
            });
            group.bench_function(BenchmarkId::new("ours_lower", ops), |b| {
                b.iter(|| atlas_codegen::lower::lower(black_box(&spec), &atlas_codegen::Options::default()))
            });
            group.bench_function(BenchmarkId::new("ours_emit_render", ops), |b| {
                b.iter(|| atlas_codegen::generate_from_ir(black_box(&api)))
            });
            group.bench_function(BenchmarkId::new("ours_emit", ops), |b| {
                b.iter(|| atlas_codegen::emit::emit(black_box(&api)))
            });
            let emitted = ours_emitted_rust(&api);
            group.bench_function(BenchmarkId::new("ours_reformat", ops), |b| {
                b.iter(|| ours_reformat(black_box(&emitted)))
            });
        } else {
            group.sample_size(20);
        }
        group.throughput(Throughput::Elements(ops as u64));
        group.bench_function(BenchmarkId::new("ours_whole", ops), |b| b.iter(|| ours_whole(black_box(&text))));
        group.bench_function(BenchmarkId::new("progenitor_whole", ops), |b| {
            b.iter(|| progenitor_whole(black_box(&progenitor_text)))
        });
        let ours_bytes = ours_whole(&text);
        let p_spec = progenitor_parse(&progenitor_text);
        let p_tokens = progenitor_tokens(&p_spec);
        let progenitor_bytes = progenitor_format(p_tokens).len();
        sizes.push(serde_json::json!({
            "operations": size.operations,
            "schemas": size.schemas,
            "ir_operations": api.operations.len(),
            "pattern_checks": pattern_checks(&text),
            "spec_bytes": text.len(),
            "ours_bytes": ours_bytes,
            "progenitor_bytes": progenitor_bytes,
        }));
    }
    group.finish();
    write_extra("codegen_sweep", &serde_json::Value::Array(sizes));
}

/// How many times lowering compiles a `pattern` of a synthetic spec: once per use of a constrained
/// path parameter, once per constrained property (every pattern there is the 24-hex id).
fn pattern_checks(text: &str) -> usize {
    let uses = text.matches("$ref: \"#/components/parameters/groupId\"").count()
        + text.matches("$ref: \"#/components/parameters/resourceId\"").count();
    let definitions = 2;
    uses + text.matches("pattern: ").count() - definitions
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args()
}

criterion_group! { name = benches; config = config(); targets = real, official, synthetic }
criterion_main!(benches);
