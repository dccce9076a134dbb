//! Times each stage of the pipeline on one spec: `cargo run --release -p atlas-codegen --example stages
//! -- spec/upstream/atlas-admin-v2.yaml [runs]`. A measurement tool, not a test: it prints the best of
//! `runs` (default 5) for load, lower, emit (quote + prettyplease), render (minijinja) and the whole.
use std::time::{Duration, Instant};

/// The allocator `cargo xtask codegen` uses (xtask/src/main.rs says why), so the stages time what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let out = f();
        best = best.min(started.elapsed());
        last = Some(out);
    }
    match last {
        Some(out) => (best, out),
        None => unreachable!("runs >= 1"),
    }
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "spec/upstream/atlas-admin-v2.yaml".to_owned());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let options = atlas_codegen::Options::default();
    let (load, spec) = best(runs, || atlas_codegen::load::parse(&file, &text));
    let spec = spec.map_err(|d| d.to_string())?;
    let (lower, api) = best(runs, || atlas_codegen::lower::lower(&spec, &options));
    let (api, _) = api.map_err(|d| d.to_string())?;
    let (emit, files) = best(runs, || atlas_codegen::emit::emit(&api));
    let files = files?;
    let (render, _) = best(runs, || atlas_codegen::render::render(&api));
    let (whole, generated) = best(runs, || atlas_codegen::generate_with(&file, &text, &options));
    let generated = generated.map_err(|d| d.to_string())?;
    let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
    println!("{file}: {} files, {lines} lines ({} from emit), best of {runs}", generated.files.len(), files.len());
    for (stage, time) in [("load", load), ("lower", lower), ("emit", emit), ("render", render), ("whole", whole)] {
        println!("{stage:>7} {:>8.1} ms", time.as_secs_f64() * 1e3);
    }
    Ok(())
}
