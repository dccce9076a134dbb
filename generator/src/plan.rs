//! The crate plan: every decision about the generated crate's shape, made once from the IR and the
//! [`Options`] before anything is emitted: its name and version, its tags (one operations module and
//! one cargo feature each), the models module each schema lives in, and the list of its files
//! ([`artefacts`]). The emitters ([`crate::emit`]) and the templates ([`crate::render`]) read the plan;
//! none of them works any of it out again.

pub mod artefacts;
pub mod layout;

use crate::ir::Api;
use crate::options::Options;
use artefacts::Artefact;
use layout::{ModelGroup, Tag};
use std::collections::BTreeMap;

/// The generated crate's package name.
pub const CRATE_NAME: &str = "atlas-admin-client";
/// The generated crate's version.
pub const CRATE_VERSION: &str = "0.1.0";

/// The shape of the generated crate for one IR.
#[derive(Debug)]
pub struct CratePlan<'a> {
    /// The IR the plan was made from.
    pub api: &'a Api,
    /// The package name ([`CRATE_NAME`]).
    pub name: &'static str,
    /// The package version ([`CRATE_VERSION`]).
    pub version: &'static str,
    /// The tags, sorted by module name, each with its operations ([`layout`]).
    pub tags: Vec<Tag<'a>>,
    /// The models submodules, each with its schemas and the features that enable it.
    pub model_groups: Vec<ModelGroup<'a>>,
    /// The models module of each schema, by Rust name.
    pub home: BTreeMap<&'a str, String>,
    /// The cargo features, one per tag, sorted.
    pub features: Vec<String>,
    /// Every file of the crate and what makes it, sorted by path.
    pub artefacts: Vec<Artefact>,
}

impl<'a> CratePlan<'a> {
    /// Plans the crate for `api`, lowered with the same `options`.
    pub fn new(api: &'a Api, options: &Options) -> Self {
        let tags = layout::tags(api);
        let model_groups = layout::model_groups(api, &tags);
        let home = model_groups
            .iter()
            .flat_map(|g| g.schemas.iter().map(|s| (s.rust_name.as_str(), g.module.clone())))
            .collect();
        let features = tags.iter().map(|t| t.feature.clone()).collect();
        let artefacts = artefacts::list(api, &tags, &model_groups, options);
        Self { api, name: CRATE_NAME, version: CRATE_VERSION, tags, model_groups, home, features, artefacts }
    }

    /// The crate name as a Rust path segment (`atlas_admin_client`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }

    /// Whether the crate has a file at `path`.
    pub fn ships(&self, path: &str) -> bool {
        self.artefacts.iter().any(|a| a.path == path)
    }
}
