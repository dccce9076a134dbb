//! What one tool did with one description, and how a child process's end is read as an outcome. Pure
//! functions of exit status and stderr, so they are unit-tested without the tools.

use serde::{Deserialize, Serialize};

/// The three generators compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    /// This project, through the generator library as `check-real` runs it.
    AtlasCodegen,
    /// progenitor 0.15.1, through `bench/src/bin/progenitor-probe.rs --as-is`.
    Progenitor,
    /// openapi-generator 7.25.0, `-g rust`, through its jar.
    OpenapiGenerator,
}

impl Tool {
    pub const ALL: [Tool; 3] = [Tool::AtlasCodegen, Tool::Progenitor, Tool::OpenapiGenerator];

    /// The name on the command line, in file names and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Tool::AtlasCodegen => "atlas-codegen",
            Tool::Progenitor => "progenitor",
            Tool::OpenapiGenerator => "openapi-generator",
        }
    }

    pub fn parse(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// How a child process ended, as far as classification needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    /// The exit code, `None` when a signal ended it.
    pub code: Option<i32>,
    /// The signal that ended it (Unix).
    pub signal: Option<i32>,
    /// The bench killed it at its time limit (then `signal` is our SIGKILL).
    pub timed_out: bool,
}

/// Why a generator ended without output and without a clean error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Crash {
    /// Rust's "has overflowed its stack" abort, or Java's `StackOverflowError`.
    StackOverflow,
    /// An allocation failed ("memory allocation of N bytes failed", Java's `OutOfMemoryError`), or the
    /// kernel's OOM killer sent SIGKILL.
    OutOfMemory,
    /// SIGABRT for another reason.
    Abort,
    /// Another signal (SIGSEGV, ...).
    Signal { signal: i32 },
    /// Killed by the bench at the time limit.
    TimedOut { minutes: u64 },
}

/// The generation step's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Generation {
    /// Output written; its lines of Rust.
    Generated { lines: usize },
    /// A clean error: the tool said why and exited.
    Refused { message: String },
    /// A Rust panic, or an unchecked Java exception (a bug, not a judgement on the input); its message.
    Panicked { message: String },
    /// The process died or was killed.
    Crashed { crash: Crash },
}

/// The `cargo check` of what generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Check {
    /// Passed, in `secs` of wall time (dependencies already built).
    Compiled { secs: f64 },
    /// Failed with `errors` rustc errors (0: cargo refused before rustc, e.g. a bad manifest); `message`: the
    /// first error line.
    Failed {
        errors: usize,
        secs: f64,
        #[serde(default)]
        message: String,
    },
    /// Killed at the time limit.
    TimedOut { minutes: u64 },
}

/// One cell of the table: a tool on a description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Path under the corpus folder, as `expected.txt` lists it.
    pub description: String,
    pub tool: Tool,
    pub generation: Generation,
    /// Wall time of the generation, seconds.
    pub generation_secs: f64,
    /// `None` when nothing generated.
    pub check: Option<Check>,
}

/// The longest message a cell quotes.
const MESSAGE_CHARS: usize = 90;

/// Reads how a generator process ended: exit 0 is output (the caller counts it), a signal or our timeout a
/// crash, and otherwise the tool's own words decide between a refusal and a panic.
pub fn classify(tool: Tool, exit: Exit, stderr: &str, timeout_minutes: u64) -> Result<(), Generation> {
    if exit.timed_out {
        return Err(Generation::Crashed { crash: Crash::TimedOut { minutes: timeout_minutes } });
    }
    if exit.code == Some(0) {
        return Ok(());
    }
    if stderr.contains("has overflowed its stack") || stderr.contains("java.lang.StackOverflowError") {
        return Err(Generation::Crashed { crash: Crash::StackOverflow });
    }
    if stderr.contains("memory allocation of") || stderr.contains("java.lang.OutOfMemoryError") {
        return Err(Generation::Crashed { crash: Crash::OutOfMemory });
    }
    match exit.signal {
        // SIGKILL that the bench did not send: the kernel's OOM killer.
        Some(9) => return Err(Generation::Crashed { crash: Crash::OutOfMemory }),
        Some(6) => return Err(Generation::Crashed { crash: Crash::Abort }),
        Some(signal) => return Err(Generation::Crashed { crash: Crash::Signal { signal } }),
        None => {}
    }
    match tool {
        // The probe exits 101 for a panic it caught (as an uncaught Rust panic does) and 1 for an error.
        Tool::Progenitor | Tool::AtlasCodegen if exit.code == Some(101) => {
            Err(Generation::Panicked { message: shorten(panic_message(stderr)) })
        }
        Tool::Progenitor | Tool::AtlasCodegen => Err(Generation::Refused { message: shorten(first_line(stderr)) }),
        Tool::OpenapiGenerator => Err(java_failure(stderr)),
    }
}

/// Unchecked Java exceptions that mean the generator's own code broke, not that it judged the input: the
/// Java side of a Rust panic.
const JAVA_BUGS: [&str; 8] = [
    "NullPointerException",
    "ClassCastException",
    "IndexOutOfBoundsException",
    "ConcurrentModificationException",
    "UnsupportedOperationException",
    "IllegalStateException",
    "NumberFormatException",
    "NoSuchElementException",
];

/// openapi-generator's failure: a panic when an exception of [`JAVA_BUGS`] is in the trace (the innermost
/// cause names it), a refusal otherwise (its message: the first `Exception`/`[error]` line, else the first
/// line).
fn java_failure(stderr: &str) -> Generation {
    let exception_lines: Vec<&str> =
        stderr.lines().map(str::trim).filter(|l| l.contains("Exception") && !l.starts_with("at ")).collect();
    if let Some(bug) = exception_lines.iter().rev().find(|l| JAVA_BUGS.iter().any(|b| l.contains(b))) {
        return Generation::Panicked { message: shorten(bug.trim_start_matches("Caused by: ")) };
    }
    let message = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.contains("[error]") || l.contains("Exception") || l.starts_with("Error"))
        .unwrap_or_else(|| first_line(stderr));
    Generation::Refused { message: shorten(message) }
}

/// The message of a Rust panic: the probe prints "panicked: <message>"; the default hook prints
/// "thread '…' panicked at <place>:" then the message on the next line.
fn panic_message(stderr: &str) -> &str {
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    while let Some(line) = lines.next() {
        if let Some(message) = line.strip_prefix("panicked: ") {
            return message;
        }
        if line.starts_with("thread '") && line.contains("panicked at") {
            return lines.next().unwrap_or(line);
        }
    }
    first_line(stderr)
}

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(no message)")
}

/// At most [`MESSAGE_CHARS`] characters, cut on a character boundary, without table-breaking `|`.
pub fn shorten(text: &str) -> String {
    let text = text.replace('|', "\\|").replace('`', "'");
    match text.char_indices().nth(MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The first error line of `cargo check --message-format short` output, shortened.
pub fn first_error(stderr: &str) -> String {
    stderr.lines().find(|l| l.starts_with("error") || l.contains(": error")).map(shorten).unwrap_or_default()
}

/// Counts rustc's errors in `cargo check --message-format short` output.
pub fn rustc_errors(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.contains(": error") || l.starts_with("error[")).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXITED_1: Exit = Exit { code: Some(1), signal: None, timed_out: false };

    fn signal(signal: i32) -> Exit {
        Exit { code: None, signal: Some(signal), timed_out: false }
    }

    #[test]
    fn exit_zero_is_output_and_our_kill_is_a_timeout() {
        assert_eq!(classify(Tool::Progenitor, Exit { code: Some(0), signal: None, timed_out: false }, "", 5), Ok(()));
        let killed = Exit { code: None, signal: Some(9), timed_out: true };
        assert_eq!(
            classify(Tool::OpenapiGenerator, killed, "", 5),
            Err(Generation::Crashed { crash: Crash::TimedOut { minutes: 5 } })
        );
    }

    #[test]
    fn signals_are_crashes_named_by_what_stderr_and_the_signal_say() {
        let overflow = "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n";
        assert_eq!(
            classify(Tool::Progenitor, signal(6), overflow, 5),
            Err(Generation::Crashed { crash: Crash::StackOverflow })
        );
        assert_eq!(
            classify(Tool::Progenitor, signal(6), "memory allocation of 8589934592 bytes failed\n", 5),
            Err(Generation::Crashed { crash: Crash::OutOfMemory })
        );
        assert_eq!(
            classify(Tool::Progenitor, signal(9), "", 5),
            Err(Generation::Crashed { crash: Crash::OutOfMemory })
        );
        assert_eq!(classify(Tool::Progenitor, signal(6), "", 5), Err(Generation::Crashed { crash: Crash::Abort }));
        assert_eq!(
            classify(Tool::Progenitor, signal(11), "", 5),
            Err(Generation::Crashed { crash: Crash::Signal { signal: 11 } })
        );
    }

    #[test]
    fn the_probe_tells_a_panic_from_a_refusal_by_its_exit_code() {
        let panicked = Exit { code: Some(101), ..EXITED_1 };
        let hook = "thread 'main' panicked at typify-impl/src/lib.rs:12:5:\nnot yet implemented\nnote: run with RUST_BACKTRACE\n";
        assert_eq!(
            classify(Tool::Progenitor, panicked, &format!("{hook}panicked: not yet implemented\n"), 5),
            Err(Generation::Panicked { message: "not yet implemented".to_owned() })
        );
        assert_eq!(
            classify(Tool::Progenitor, panicked, hook, 5),
            Err(Generation::Panicked { message: "not yet implemented".to_owned() })
        );
        assert_eq!(
            classify(Tool::Progenitor, EXITED_1, "does not parse: missing field `openapi`\n", 5),
            Err(Generation::Refused { message: "does not parse: missing field 'openapi'".to_owned() })
        );
    }

    #[test]
    fn a_java_exception_is_a_panic_only_when_it_is_a_programming_error() {
        let npe = "Exception in thread \"main\" java.lang.RuntimeException: Could not process model 'X'\n\
                   \tat org.openapitools.codegen.DefaultGenerator.generateModels(DefaultGenerator.java:1)\n\
                   Caused by: java.lang.NullPointerException: Cannot invoke \"String.length()\"\n\tat x.y(Z.java:3)\n";
        assert_eq!(
            classify(Tool::OpenapiGenerator, EXITED_1, npe, 5),
            Err(Generation::Panicked {
                message: "java.lang.NullPointerException: Cannot invoke \"String.length()\"".to_owned()
            })
        );
        let invalid = "[main] INFO  o.o.codegen.DefaultGenerator - Generating with dryRun=false\n\
                       Exception in thread \"main\" org.openapitools.codegen.SpecValidationException: There were issues with the specification.\n";
        match classify(Tool::OpenapiGenerator, EXITED_1, invalid, 5) {
            Err(Generation::Refused { message }) => {
                assert!(message.starts_with("Exception in thread \"main\" org.openapitools.codegen.SpecValidation"));
                assert_eq!(message.chars().count(), MESSAGE_CHARS + 1);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            classify(Tool::OpenapiGenerator, signal(6), "java.lang.OutOfMemoryError: Java heap space", 5),
            Err(Generation::Crashed { crash: Crash::OutOfMemory })
        );
        assert_eq!(
            classify(Tool::OpenapiGenerator, EXITED_1, "Exception in thread \"main\" java.lang.StackOverflowError", 5),
            Err(Generation::Crashed { crash: Crash::StackOverflow })
        );
    }

    #[test]
    fn counts_rustc_errors_of_short_messages() {
        let out = "src/lib.rs:3:5: error[E0425]: cannot find value `x`\nsrc/lib.rs:9:1: warning: unused\n\
                   error[E0601]: no main\nerror: could not compile `x` due to 2 previous errors\n";
        assert_eq!(rustc_errors(out), 2);
        assert_eq!(first_error(out), "src/lib.rs:3:5: error[E0425]: cannot find value 'x'");
        let manifest = "error: unexpected character 'x' while parsing minor version number\n --> Cargo.toml:3:11\n";
        assert_eq!(first_error(manifest), "error: unexpected character 'x' while parsing minor version number");
    }

    #[test]
    fn records_round_trip_through_json() {
        let record = Record {
            description: "apify/openapi.yaml".to_owned(),
            tool: Tool::OpenapiGenerator,
            generation: Generation::Crashed { crash: Crash::TimedOut { minutes: 5 } },
            generation_secs: 300.2,
            check: None,
        };
        let text = serde_json::to_string(&record).unwrap();
        assert!(text.contains(r#""tool":"openapi-generator""#), "{text}");
        assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), record);
        assert_eq!(Tool::parse("progenitor"), Some(Tool::Progenitor));
        assert_eq!(Tool::parse("progenitor-impl"), None);
    }
}
