//! Runs progenitor once on a spec given as a path, in a process of its own: on the official Atlas
//! description as it is, progenitor 0.15.1 recurses without end in typify and aborts on a stack overflow,
//! which no `catch_unwind` can contain; other descriptions may do so too.
//!
//! `progenitor-probe [--as-is] SPEC [OUT.rs]`: by default the spec is first rewritten by
//! `official_for_progenitor` (the bench's section 1b); `--as-is` gives progenitor the file untouched (the
//! corpus comparison, `cargo xtask bench --corpus`), read with serde_json when its name ends in `.json`.
//! Exit 0 prints the number of generated lines; exit 1 is a refusal (progenitor's error on stderr); exit
//! 101 is a panic progenitor raised (caught, message on stderr); death by a signal is a crash, told apart
//! by the caller.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let as_is = args.first().is_some_and(|a| a == "--as-is");
    if as_is {
        args.remove(0);
    }
    let Some(path) = args.first() else {
        eprintln!("usage: progenitor-probe [--as-is] SPEC [OUT.rs]");
        return ExitCode::FAILURE;
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let generated = if as_is && path.ends_with(".json") {
        atlas_bench::progenitor_try_json(&text)
    } else if as_is {
        atlas_bench::progenitor_try(&text)
    } else {
        atlas_bench::official_for_progenitor(&text).and_then(|copy| atlas_bench::progenitor_try(&copy.text))
    };
    match generated {
        Ok(out) => {
            // With OUT.rs, the generated code is kept, so the bench can `cargo check` it.
            if let Some(file) = args.get(1) {
                if let Err(e) = std::fs::write(file, &out) {
                    eprintln!("cannot write {file}: {e}");
                    return ExitCode::FAILURE;
                }
            }
            println!("{}", out.lines().count());
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("{why}");
            // `progenitor_try` reports a caught panic as "panicked: ..."; 101 is what an uncaught one exits with.
            ExitCode::from(if why.starts_with("panicked:") { 101 } else { 1 })
        }
    }
}
