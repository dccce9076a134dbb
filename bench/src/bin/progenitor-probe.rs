//! Runs progenitor once on a spec given as a path, in a process of its own: on the official Atlas
//! description progenitor 0.15.1 recurses without end in typify and aborts on a stack overflow, which no
//! `catch_unwind` can contain. Exit 0 prints the number of generated lines; anything else is a refusal,
//! with progenitor's message on stderr.

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: progenitor-probe SPEC");
        return std::process::ExitCode::FAILURE;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match atlas_bench::official_for_progenitor(&text).and_then(|copy| atlas_bench::progenitor_try(&copy)) {
        Ok(out) => {
            println!("{}", out.lines().count());
            std::process::ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("{why}");
            std::process::ExitCode::FAILURE
        }
    }
}
