//! Runs the whole pipeline on one spec `runs` times and nothing else, for a profiler to attribute the
//! time: `valgrind --tool=callgrind target/release/examples/profile spec/atlas-api-keys.yaml 20`
//! (instruction counts hold still on a loaded machine; BENCHMARKS.md has the breakdown).

/// The allocator `cargo xtask codegen` uses, so the profile is of what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "spec/atlas-api-keys.yaml".to_owned());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20).max(1);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let options = atlas_codegen::Options::default();
    let mut lines = 0;
    for _ in 0..runs {
        let generated = atlas_codegen::generate_with(&file, &text, &options).map_err(|d| d.to_string())?;
        lines = generated.files.iter().map(|f| f.contents.lines().count()).sum();
    }
    println!("{file}: {runs} runs, {lines} lines each");
    Ok(())
}
