//! The generated client against a Prism mock, in two forms that share the recording proxy:
//!
//! - `conformance fragment` ([`fragment`]): the committed client of `spec/atlas-api-keys.yaml` through the
//!   hand-written, `#[ignore]`d tests of the generator's test suite;
//! - `conformance spec FILE` ([`spec`]): every operation of any spec through a client generated from it
//!   with a generated harness, judged from what Prism answered ([`prism_spec`] is what Prism is told).
//!
//! The old spellings still work: `conformance` alone is the fragment run, `conformance --spec FILE` the
//! spec run.

pub(crate) mod fault_proxy;
pub(crate) mod faults;
pub(crate) mod fragment;
pub(crate) mod prism_spec;
// Also compiled into the generator's conformance tests by `#[path]`; see its module docs.
pub(crate) mod recording_proxy;
pub(crate) mod spec;

use std::path::Path;

/// Dispatches `conformance [fragment | spec FILE | --spec FILE] [flags]`.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        None => fragment::run(root),
        Some("fragment") if args.len() == 1 => fragment::run(root),
        Some("fragment") => Err(format!("conformance fragment takes no arguments\n\n{}", spec::USAGE)),
        Some("spec") => spec::run(root, &args[1..]),
        Some(_) => spec::run(root, args),
    }
}
