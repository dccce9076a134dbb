//! Where the nodes of the normalised document came from, so a diagnostic about a node the normaliser
//! moved (a Swagger 2.0 `definitions` entry, a schema hoisted out of another, a node of another file)
//! still names the file and JSON pointer the user wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A map from pointers of the normalised document to the file and pointer they were read from. A
/// pointer that was not recorded resolves through its longest recorded ancestor (a node moved with its
/// subtree), and to itself in the root file when no ancestor was recorded either.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    /// The file the document was read from: where every unrecorded pointer lives.
    file: String,
    /// Output pointer -> (file, input pointer), for each moved subtree.
    moved: BTreeMap<String, (String, String)>,
    /// Every other file a `$ref` led to, as read (found or not): what a build script watches.
    sources: BTreeSet<PathBuf>,
}

impl Origins {
    /// No node moved yet; every pointer lives in `file`.
    pub fn new(file: impl Into<String>) -> Self {
        Self { file: file.into(), moved: BTreeMap::new(), sources: BTreeSet::new() }
    }

    /// The file unrecorded pointers live in.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Notes that `path` was read (or tried) because a `$ref` led to it.
    pub fn note_source(&mut self, path: PathBuf) {
        self.sources.insert(path);
    }

    /// The files other than the root one that `$ref`s led to, as paths on disk.
    pub fn sources(&self) -> impl Iterator<Item = &Path> {
        self.sources.iter().map(PathBuf::as_path)
    }

    /// Whether no subtree moved.
    pub fn is_empty(&self) -> bool {
        self.moved.is_empty()
    }

    /// Records that the subtree at `out_pointer` of the output was read from `in_pointer` of `file`.
    /// When the node at `in_pointer` had itself moved (a second rewrite of a node), the record points
    /// to where it first came from.
    pub fn record(&mut self, out_pointer: impl Into<String>, file: &str, in_pointer: &str) {
        let (file, in_pointer) =
            if file == self.file { self.resolve(in_pointer) } else { (file.to_owned(), in_pointer.to_owned()) };
        self.moved.insert(out_pointer.into(), (file, in_pointer));
    }

    /// The file and pointer the node at `out_pointer` of the output was read from.
    pub fn resolve(&self, out_pointer: &str) -> (String, String) {
        let mut ancestor = out_pointer;
        loop {
            if let Some((file, in_pointer)) = self.moved.get(ancestor) {
                return (file.clone(), format!("{in_pointer}{}", &out_pointer[ancestor.len()..]));
            }
            match ancestor.rfind('/') {
                Some(i) => ancestor = &ancestor[..i],
                None => return (self.file.clone(), out_pointer.to_owned()),
            }
        }
    }

    /// Like [`Origins::resolve`], but `None` for a pointer that did not move (for
    /// [`crate::diag::Diagnostics::relocate_from`]).
    pub fn moved(&self, out_pointer: &str) -> Option<(String, String)> {
        if self.moved.is_empty() {
            return None;
        }
        let found = self.resolve(out_pointer);
        (found.0 != self.file || found.1 != out_pointer).then_some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unrecorded_pointers_resolve_to_themselves() {
        let origins = Origins::new("api.yaml");
        assert_eq!(origins.resolve("/paths/~1a"), ("api.yaml".to_owned(), "/paths/~1a".to_owned()));
        assert_eq!(origins.moved("/paths/~1a"), None);
    }

    #[test]
    fn the_longest_recorded_ancestor_wins() {
        let mut origins = Origins::new("api.yaml");
        origins.record("/components/schemas", "api.yaml", "/definitions");
        origins.record("/components/schemas/Pet", "pet.yaml", "");
        assert_eq!(
            origins.resolve("/components/schemas/Tag/properties/id"),
            ("api.yaml".to_owned(), "/definitions/Tag/properties/id".to_owned())
        );
        assert_eq!(origins.resolve("/components/schemas/Pet/type"), ("pet.yaml".to_owned(), "/type".to_owned()));
        // A token boundary, not a string prefix: `/components/schemasX` is not below `/components/schemas`.
        assert_eq!(origins.resolve("/components/schemasX"), ("api.yaml".to_owned(), "/components/schemasX".to_owned()));
    }

    #[test]
    fn a_node_moved_twice_names_its_first_place() {
        let mut origins = Origins::new("api.yaml");
        origins.record("/components/schemas", "api.yaml", "/definitions");
        origins.record("/components/schemas/Tag_allOf_0", "api.yaml", "/components/schemas/Tag/allOf/0");
        assert_eq!(
            origins.resolve("/components/schemas/Tag_allOf_0/type"),
            ("api.yaml".to_owned(), "/definitions/Tag/allOf/0/type".to_owned())
        );
    }
}
