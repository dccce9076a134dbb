//! Runs progenitor once on a spec given as a path (rewritten by `official_for_progenitor`), in a process
//! of its own: on the official Atlas description as it is, progenitor 0.15.1 recurses without end in typify
//! and aborts on a stack overflow, which no `catch_unwind` can contain; a future description may do so again. Exit 0 prints the number of generated lines; anything else is a refusal,
//! with progenitor's message on stderr.

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: progenitor-probe SPEC [OUT.rs]");
        return std::process::ExitCode::FAILURE;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match atlas_bench::official_for_progenitor(&text).and_then(|copy| atlas_bench::progenitor_try(&copy.text)) {
        Ok(out) => {
            // With OUT.rs, the generated code is kept, so the bench can `cargo check` it.
            if let Some(file) = std::env::args().nth(2) {
                if let Err(e) = std::fs::write(&file, &out) {
                    eprintln!("cannot write {file}: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            }
            println!("{}", out.lines().count());
            std::process::ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("{why}");
            std::process::ExitCode::FAILURE
        }
    }
}
