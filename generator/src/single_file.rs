//! The generated crate's Rust code as one file, for a Cargo build script that writes the client into
//! `OUT_DIR` and a crate of the user's own that `include!`s it at its root ([`crate::build_script`]).
//!
//! Every `mod name;` becomes `mod name { ... }` holding that file's items, with the file's inner
//! attributes and docs kept as the module's; a `#[cfg(test)]` module kept in a file of its own is left
//! out (those test the runtime inside this repository). `include!` takes items only, so the root
//! file's inner attributes (`#![deny(missing_docs)]`, the README as crate docs) are returned apart,
//! for the including crate to state. Done on syn's syntax tree rather than on text, so a `mod` line
//! inside a string or a macro cannot be mistaken for a declaration; ordinary `//` comments do not
//! survive (doc comments do).

use crate::files::GeneratedFile;
use std::collections::BTreeMap;

/// The crate as one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleFile {
    /// Every item of the crate, modules inline, formatted by prettyplease.
    pub code: String,
    /// The root file's inner attributes (`#![deny(missing_docs)]`), which an including crate root
    /// states itself; the crate docs (`#![doc = include_str!(..)]`) are not among them.
    pub crate_attributes: Vec<String>,
}

/// Inlines the modules of `files` (the generator's output) from `src/lib.rs` down.
pub fn single_file(files: &[GeneratedFile]) -> Result<SingleFile, String> {
    let by_path: BTreeMap<&str, &str> = files.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect();
    let root = parse(&by_path, "src/lib.rs")?;
    let crate_attributes = root
        .attrs
        .into_iter()
        .filter(|attr| !attr.path().is_ident("doc"))
        .map(|attr| {
            let alone = syn::File { shebang: None, frontmatter: None, attrs: vec![attr], items: Vec::new() };
            prettyplease::unparse(&alone).trim().to_owned()
        })
        .collect();
    let items = inline(&by_path, "src", root.items)?;
    let file = syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items };
    Ok(SingleFile { code: prettyplease::unparse(&file), crate_attributes })
}

fn parse(files: &BTreeMap<&str, &str>, path: &str) -> Result<syn::File, String> {
    let text = files.get(path).ok_or_else(|| format!("single file: `{path}` is declared but not generated"))?;
    syn::parse_file(text).map_err(|e| format!("single file: `{path}` does not parse: {e}"))
}

/// `items` of a module whose child modules live in `dir`, with every out-of-line module inlined.
fn inline(files: &BTreeMap<&str, &str>, dir: &str, items: Vec<syn::Item>) -> Result<Vec<syn::Item>, String> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let syn::Item::Mod(mut module) = item else {
            out.push(item);
            continue;
        };
        let name = module.ident.to_string();
        match module.content.take() {
            // Already inline: its own child modules live in `dir/name/`.
            Some((brace, items)) => module.content = Some((brace, inline(files, &format!("{dir}/{name}"), items)?)),
            None if is_test_only(&module.attrs) => continue,
            None => {
                if module.attrs.iter().any(|attr| attr.path().is_ident("path")) {
                    return Err(format!("single file: `mod {name}` in `{dir}` has a #[path] attribute"));
                }
                // `name.rs` keeps its children in `name/`, as `name/mod.rs` does.
                let flat = format!("{dir}/{name}.rs");
                let path = if files.contains_key(flat.as_str()) { flat } else { format!("{dir}/{name}/mod.rs") };
                let file = parse(files, &path)?;
                module.attrs.extend(file.attrs);
                let items = inline(files, &format!("{dir}/{name}"), file.items)?;
                module.content = Some((syn::token::Brace::default(), items));
                module.semi = None;
            }
        }
        out.push(syn::Item::Mod(module));
    }
    Ok(out)
}

/// Whether the attributes say `#[cfg(test)]`.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|attr| attr.path().is_ident("cfg") && attr.parse_args::<syn::Ident>().is_ok_and(|ident| ident == "test"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.to_owned(), contents: contents.to_owned() }
    }

    #[test]
    fn inlines_modules_from_both_layouts_and_leaves_tests_out() {
        let files = [
            file("src/lib.rs", "//! Crate docs.\n#![deny(missing_docs)]\npub mod models;\nmod runtime;\n"),
            file("src/models.rs", "//! Models.\npub mod keys;\n"),
            file("src/models/keys.rs", "/// A key.\npub struct Key;\n"),
            file(
                "src/runtime/mod.rs",
                "mod retry;\n#[cfg(test)]\n#[path = \"tests/retry.rs\"]\nmod tests;\nconst S: &str = \"mod fake;\";\n",
            ),
            file("src/runtime/retry.rs", "pub(crate) fn wait() {}\n"),
        ];
        let single = single_file(&files).unwrap();
        assert_eq!(single.crate_attributes, ["#![deny(missing_docs)]"]);
        let parsed = syn::parse_file(&single.code).unwrap();
        let names: Vec<String> = parsed
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["models", "runtime"]);
        let code = &single.code;
        assert!(code.contains("pub mod models {\n    //! Models.\n    pub mod keys {"), "{code}");
        assert!(code.contains("pub struct Key;"), "{code}");
        assert!(code.contains("pub(crate) fn wait() {}"), "{code}");
        assert!(code.contains("\"mod fake;\""), "a string is not a declaration: {code}");
        assert!(!code.contains("tests"), "test modules stay out: {code}");
        assert!(!code.contains("Crate docs"), "{code}");
    }

    #[test]
    fn a_declared_module_without_its_file_is_an_error() {
        let error = single_file(&[file("src/lib.rs", "mod gone;\n")]).unwrap_err();
        assert!(error.contains("src/gone/mod.rs"), "{error}");
        let error = single_file(&[file("src/lib.rs", "#[path = \"x.rs\"]\nmod odd;\n")]).unwrap_err();
        assert!(error.contains("#[path]"), "{error}");
    }
}
