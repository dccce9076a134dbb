//! The generated client's tests, one binary: the committed crate (`generated/`, built from
//! `spec/atlas-api-keys.yaml`) against wiremock mocks that check the bytes on the wire. They test the
//! runtime (`templates/runtime/`) and the emitted operations and models, not the generator, which
//! `tests/generator/` covers.
//!
//! [`conformance`] runs the same client against a Prism mock of the spec; its tests are `#[ignore]`d
//! and run by `cargo xtask conformance fragment`, which starts Prism.

mod auth;
mod conformance;
mod errors;
mod json_path;
mod mock;
mod operations;
mod pagination;
mod rate_limit;
mod redaction;
mod retry;
mod robustness;
mod test_data;
mod validation;
