//! BENCHMARKS.md's corpus section: the stored cells arranged into rows and totals here, the prose in
//! `corpus.md.j2`. The section sits between [`BEGIN`] and [`END`] markers, so `cargo xtask bench --corpus`
//! rewrites only it, and `cargo xtask bench` keeps it as it keeps the Findings.

use std::collections::BTreeMap;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value as Template};
use minijinja::{context, Environment, UndefinedBehavior};
use serde::Serialize;

use super::outcome::{Check, Crash, Generation, Record, Tool};

const TEMPLATE: &str = include_str!("corpus.md.j2");
pub const BEGIN: &str = "<!-- corpus:begin (written by `cargo xtask bench --corpus`; do not edit) -->";
pub const END: &str = "<!-- corpus:end -->";

/// What the section says besides the cells.
pub struct Context {
    pub machine: Vec<(&'static str, String)>,
    pub java: String,
    pub generation_minutes: u64,
    pub check_minutes: u64,
}

#[derive(Serialize)]
struct Row {
    description: String,
    format: String,
    operations: usize,
    /// Per tool, in [`Tool::ALL`] order: the outcome and the check cell.
    cells: Vec<(String, String)>,
}

#[derive(Serialize, Default, Debug, PartialEq)]
struct Totals {
    tool: &'static str,
    measured: usize,
    generated: usize,
    compiled: usize,
    failed: usize,
    check_timed_out: usize,
    refused: usize,
    panicked: usize,
    crashed: usize,
    /// Sum of the `cargo check` times of what compiled, seconds.
    check_secs: f64,
}

/// A failure's message, listed under the table (the table itself stays narrow).
#[derive(Serialize)]
struct Note {
    tool: &'static str,
    description: String,
    text: String,
}

/// The outcome cell of a generation.
fn outcome_cell(generation: &Generation) -> String {
    match generation {
        Generation::Generated { lines } => format!("generated ({lines} lines)"),
        Generation::Refused { .. } => "refused".to_owned(),
        Generation::Panicked { .. } => "**panicked**".to_owned(),
        Generation::Crashed { crash } => format!("**crashed: {}**", crash_words(crash)),
    }
}

fn crash_words(crash: &Crash) -> String {
    match crash {
        Crash::StackOverflow => "stack overflow".to_owned(),
        Crash::OutOfMemory => "out of memory".to_owned(),
        Crash::Abort => "abort".to_owned(),
        Crash::Signal { signal } => format!("signal {signal}"),
        Crash::TimedOut { minutes } => format!("timed out after {minutes} min"),
    }
}

/// The `cargo check` cell: its time when it compiled.
fn check_cell(check: Option<&Check>) -> String {
    match check {
        None => String::new(),
        Some(Check::Compiled { secs }) => format!("{secs:.1} s"),
        Some(Check::Failed { errors: 0, secs, .. }) => format!("fails: cargo error ({secs:.0} s)"),
        Some(Check::Failed { errors, secs, .. }) => format!("fails: {errors} errors ({secs:.0} s)"),
        Some(Check::TimedOut { minutes }) => format!("timed out after {minutes} min"),
    }
}

fn totals(tool: Tool, records: &[&Record]) -> Totals {
    let mut totals = Totals { tool: tool.name(), ..Totals::default() };
    for record in records.iter().filter(|r| r.tool == tool) {
        totals.measured += 1;
        match &record.generation {
            Generation::Generated { .. } => totals.generated += 1,
            Generation::Refused { .. } => totals.refused += 1,
            Generation::Panicked { .. } => totals.panicked += 1,
            Generation::Crashed { .. } => totals.crashed += 1,
        }
        match record.check {
            Some(Check::Compiled { secs }) => {
                totals.compiled += 1;
                totals.check_secs += secs;
            }
            Some(Check::Failed { .. }) => totals.failed += 1,
            Some(Check::TimedOut { .. }) => totals.check_timed_out += 1,
            None => {}
        }
    }
    totals
}

/// The section's Markdown, markers included. `shapes`: every description of the corpus in `expected.txt`
/// order, with its format and operation count; a cell not measured yet shows as "not run".
pub fn render(shapes: &[(String, String, usize)], records: &[Record], context: &Context) -> Result<String, String> {
    let by_cell: BTreeMap<(&str, Tool), &Record> =
        records.iter().map(|r| ((r.description.as_str(), r.tool), r)).collect();
    let listed: Vec<&Record> = shapes
        .iter()
        .flat_map(|(d, _, _)| Tool::ALL.map(|t| by_cell.get(&(d.as_str(), t)).copied()))
        .flatten()
        .collect();
    let rows: Vec<Row> = shapes
        .iter()
        .map(|(description, format, operations)| Row {
            description: description.clone(),
            format: format.clone(),
            operations: *operations,
            cells: Tool::ALL
                .iter()
                .map(|tool| match by_cell.get(&(description.as_str(), *tool)) {
                    Some(r) => (outcome_cell(&r.generation), check_cell(r.check.as_ref())),
                    None => ("not run".to_owned(), String::new()),
                })
                .collect(),
        })
        .collect();
    let notes: Vec<Note> = listed
        .iter()
        .filter_map(|r| {
            let text = match (&r.generation, &r.check) {
                (Generation::Refused { message }, _) => format!("refused: {message}"),
                (Generation::Panicked { message }, _) => format!("panicked: {message}"),
                (_, Some(Check::Failed { message, .. })) if !message.is_empty() => {
                    format!("`cargo check` fails, first: {message}")
                }
                _ => return None,
            };
            Some(Note { tool: r.tool.name(), description: r.description.clone(), text })
        })
        .collect();
    let totals: Vec<Totals> = Tool::ALL.iter().map(|t| totals(*t, &listed)).collect();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder().trim_blocks(true).build();
    env.set_syntax(syntax.map_err(|e| format!("template syntax: {e}"))?);
    env.add_filter("fixed", |value: f64, digits: usize| format!("{value:.digits$}"));
    env.add_template("corpus", TEMPLATE).map_err(|e| format!("corpus.md.j2: {e:#}"))?;
    let text = env
        .get_template("corpus")
        .and_then(|t| {
            t.render(context! {
                machine => context.machine.clone(),
                java => context.java.clone(),
                generation_minutes => context.generation_minutes,
                check_minutes => context.check_minutes,
                tools => Tool::ALL.map(Tool::name),
                rows => Template::from(Serde(&rows)),
                totals => Template::from(Serde(&totals)),
                notes => Template::from(Serde(&notes)),
                descriptions => shapes.len(),
            })
        })
        .map_err(|e| format!("corpus.md.j2: {e:#}"))?;
    Ok(format!("{BEGIN}\n{}\n{END}\n", text.trim()))
}

/// `report` with its corpus section replaced by `section`; without one, the section goes before the Findings
/// (or at the end).
pub fn splice(report: &str, section: &str) -> String {
    if let Some((start, end)) = find(report) {
        return format!("{}{section}{}", &report[..start], &report[end..]);
    }
    match report.find(super::super::FINDINGS) {
        Some(at) => format!("{}{section}\n{}", &report[..at], &report[at..]),
        None if report.is_empty() => section.to_owned(),
        None => format!("{}\n\n{section}", report.trim_end()),
    }
}

/// The byte range of the section in `report`, markers included (and the newline after the end marker).
pub fn find(report: &str) -> Option<(usize, usize)> {
    let start = report.find(BEGIN)?;
    let end = start + report[start..].find(END)? + END.len();
    Some((start, end + usize::from(report[end..].starts_with('\n'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(description: &str, tool: Tool, generation: Generation, check: Option<Check>) -> Record {
        Record { description: description.to_owned(), tool, generation, generation_secs: 1.0, check }
    }

    fn sample() -> (Vec<(String, String, usize)>, Vec<Record>) {
        let shapes =
            vec![("a.yaml".to_owned(), "3.0.0".to_owned(), 4), ("b/root.json".to_owned(), "2.0".to_owned(), 9)];
        let records = vec![
            record(
                "a.yaml",
                Tool::AtlasCodegen,
                Generation::Generated { lines: 900 },
                Some(Check::Compiled { secs: 2.3 }),
            ),
            record(
                "b/root.json",
                Tool::AtlasCodegen,
                Generation::Generated { lines: 50 },
                Some(Check::Compiled { secs: 1.0 }),
            ),
            record(
                "a.yaml",
                Tool::Progenitor,
                Generation::Panicked { message: "not yet implemented".to_owned() },
                None,
            ),
            record("b/root.json", Tool::Progenitor, Generation::Refused { message: "does not parse".to_owned() }, None),
            record(
                "a.yaml",
                Tool::OpenapiGenerator,
                Generation::Generated { lines: 3000 },
                Some(Check::Failed {
                    errors: 7,
                    secs: 12.0,
                    message: "src/lib.rs:1:1: error[E0412]: cannot find type".to_owned(),
                }),
            ),
            // A cell of a description no longer in the corpus is not shown or counted.
            record("gone.yaml", Tool::OpenapiGenerator, Generation::Crashed { crash: Crash::StackOverflow }, None),
        ];
        (shapes, records)
    }

    fn context() -> Context {
        Context {
            machine: vec![("date (UTC)", "2026-12-04 05:00".to_owned())],
            java: "openjdk version \"17\"".to_owned(),
            generation_minutes: 5,
            check_minutes: 10,
        }
    }

    #[test]
    fn rows_show_each_tools_outcome_and_check_time_and_totals_count_them() {
        let (shapes, records) = sample();
        let text = render(&shapes, &records, &context()).unwrap();
        assert!(text.starts_with(BEGIN) && text.ends_with(&format!("{END}\n")), "{text}");
        assert!(
            text.contains(
                "| `a.yaml` | 3.0.0 | 4 | generated (900 lines) | 2.3 s | **panicked** |  | generated (3000 lines) | fails: 7 errors (12 s) |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| `b/root.json` | 2.0 | 9 | generated (50 lines) | 1.0 s | refused |  | not run |  |"),
            "{text}"
        );
        assert!(text.contains("| atlas-codegen | 2 of 2 | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 3.3 s |"), "{text}");
        assert!(text.contains("| progenitor | 2 of 2 | 0 | 0 | 0 | 0 | 1 | 1 | 0 | 0.0 s |"), "{text}");
        assert!(text.contains("| openapi-generator | 1 of 2 | 1 | 0 | 1 | 0 | 0 | 0 | 0 | 0.0 s |"), "{text}");
        assert!(text.contains("- progenitor on `a.yaml`: panicked: not yet implemented"), "{text}");
        assert!(
            text.contains("- openapi-generator on `a.yaml`: `cargo check` fails, first: src/lib.rs:1:1: error[E0412]"),
            "{text}"
        );
        assert!(!text.contains("gone.yaml"), "{text}");
    }

    #[test]
    fn check_cells_say_why_there_is_no_time() {
        assert_eq!(check_cell(None), "");
        assert_eq!(check_cell(Some(&Check::TimedOut { minutes: 10 })), "timed out after 10 min");
        assert_eq!(
            check_cell(Some(&Check::Failed { errors: 0, secs: 1.0, message: String::new() })),
            "fails: cargo error (1 s)"
        );
        assert_eq!(
            outcome_cell(&Generation::Crashed { crash: Crash::TimedOut { minutes: 5 } }),
            "**crashed: timed out after 5 min**"
        );
    }

    #[test]
    fn the_section_replaces_its_old_self_or_goes_before_the_findings() {
        let section = format!("{BEGIN}\nnew\n{END}\n");
        let report = "# Benchmarks\n\n## 5. Digest\n\ntext\n\n## Findings\n\nkept\n";
        let once = splice(report, &section);
        assert_eq!(once, format!("# Benchmarks\n\n## 5. Digest\n\ntext\n\n{section}\n## Findings\n\nkept\n"));
        let again = splice(&once, &format!("{BEGIN}\nnewer\n{END}\n"));
        assert_eq!(again, once.replace("\nnew\n", "\nnewer\n"));
        assert_eq!(splice("", &section), section);
        assert_eq!(splice("# B\n", &section), format!("# B\n\n{section}"));
    }
}
