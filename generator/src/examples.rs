//! Examples shipped with the generated crate. Each is hand-written for particular operations and
//! types, so it is emitted only for a spec whose IR has them: a client generated from another spec
//! then still builds, examples included.

use crate::files::GeneratedFile;
use crate::ir::Api;

/// One example and what it needs from the spec.
struct Example {
    /// Path in the generated crate.
    path: &'static str,
    /// Its source, from `templates/examples/`.
    source: &'static str,
    /// The operationIds it calls, and whether each must be paginated (it calls `stream()`).
    operations: &'static [(&'static str, bool)],
    /// The Rust names of the models it names.
    schemas: &'static [&'static str],
}

const EXAMPLES: &[Example] = &[Example {
    path: "examples/quickstart.rs",
    source: include_str!("../../templates/examples/quickstart.rs"),
    operations: &[("listOrgApiKeys", true), ("getOrgApiKey", false), ("createOrgApiKey", false)],
    schemas: &["CreateAtlasOrganizationApiKey", "OrganizationRole"],
}];

/// The examples that fit `api`.
pub fn fitting(api: &Api) -> Vec<GeneratedFile> {
    EXAMPLES
        .iter()
        .filter(|example| fits(example, api))
        .map(|example| GeneratedFile { path: example.path.to_owned(), contents: example.source.to_owned() })
        .collect()
}

fn fits(example: &Example, api: &Api) -> bool {
    let has_operation = |(id, paginated): &(&str, bool)| {
        api.operations.iter().any(|op| op.id == *id && (!paginated || op.pagination.is_some()))
    };
    let has_schema = |name: &&str| api.schemas.iter().any(|s| s.rust_name == *name);
    example.operations.iter().all(has_operation) && example.schemas.iter().all(has_schema)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn atlas() -> Api {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/atlas-api-keys.yaml")).unwrap();
        crate::lower_spec("spec/atlas-api-keys.yaml", &text).unwrap().0
    }

    #[test]
    fn the_quickstart_fits_the_atlas_spec_only() {
        let mut api = atlas();
        assert_eq!(fitting(&api).len(), 1);
        api.operations.retain(|op| op.id != "createOrgApiKey");
        assert!(fitting(&api).is_empty(), "an operation it calls is missing");
        let mut api = atlas();
        for op in &mut api.operations {
            op.pagination = None;
        }
        assert!(fitting(&api).is_empty(), "it streams a list that is not paginated");
    }
}
