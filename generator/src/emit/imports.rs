//! The `use` lines of a module: recorded by the item emitters as they spell each name (an [`Imports`]
//! is passed down to them), so a module imports exactly what its items use. Printed sorted the way rustfmt
//! sorts them (paths alphabetically; in a list `self` first, then modules and functions, then types),
//! one line per path.

use super::tokens::type_tokens;
use crate::ir::TypeRef;
use crate::used_names::Import;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// The names a module imports, by path.
#[derive(Debug, Default)]
pub(super) struct Imports {
    paths: BTreeMap<String, BTreeSet<String>>,
}

impl Imports {
    /// Imports `name` from `path` (`"crate::runtime"`, `"Page"`).
    pub fn add(&mut self, path: &str, name: &str) {
        self.paths.entry(path.to_owned()).or_default().insert(name.to_owned());
    }

    /// Imports a name of the [list the generated code uses](crate::used_names), where an emitter
    /// spells it.
    pub fn import(&mut self, import: Import) {
        self.add(import.path(), import.name());
    }

    /// `ty` spelled as Rust ([`type_tokens`]), importing the names the spelling uses.
    pub fn spell(&mut self, ty: &TypeRef) -> TokenStream {
        self.note(ty);
        type_tokens(ty)
    }

    /// Imports what [`type_tokens`] spells unqualified for `ty`.
    fn note(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Secret => self.import(Import::SecretString),
            TypeRef::Map(inner) => {
                self.import(Import::BTreeMap);
                self.note(inner);
            }
            TypeRef::Array(inner) | TypeRef::Nullable(inner) => self.note(inner),
            _ => {}
        }
    }

    /// Imports `name` from `path` when `used`.
    pub fn add_if(&mut self, used: bool, path: &str, name: &str) {
        if used {
            self.add(path, name);
        }
    }

    /// The `use` items.
    pub fn tokens(&self) -> TokenStream {
        let items = self.paths.iter().map(|(path, names)| {
            let path = path_tokens(path);
            let mut names: Vec<&String> = names.iter().collect();
            names.sort_by_key(|n| (rank(n), n.as_str()));
            let names: Vec<TokenStream> = names.into_iter().map(|n| path_tokens(n)).collect();
            if names.len() == 1 {
                let name = &names[0];
                quote!(use #path::#name;)
            } else {
                quote!(use #path::{#(#names),*};)
            }
        });
        quote!(#(#items)*)
    }
}

/// rustfmt's order inside a `use` list: `self`, then lower-case names, then the rest.
fn rank(name: &str) -> u8 {
    if name == "self" {
        0
    } else if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        1
    } else {
        2
    }
}

fn path_tokens(path: &str) -> TokenStream {
    let segments = path.split("::").map(super::tokens::ident);
    quote!(#(#segments)::*)
}
