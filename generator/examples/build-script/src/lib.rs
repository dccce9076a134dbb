//! A typed client of the Atlas Programmatic API Keys operations, generated at build time from
//! `spec/atlas-api-keys.yaml` by `build.rs` (the generated code is in `OUT_DIR/client.rs`).
// The crate attributes the generated code expects (`build_script::Output::crate_attributes`).
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

include!(concat!(env!("OUT_DIR"), "/client.rs"));
