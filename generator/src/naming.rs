//! Rust names for spec names: heck for the casing, then the fixes heck does not make (characters that
//! cannot appear in identifiers, leading digits, keywords, names the generated code already uses).
//! When two spec names would still become one Rust name, [`clash`] decides both names.

pub mod clash;

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

/// Every strict and reserved keyword of Rust 2021, plus `gen` (reserved in 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names of fields and locals the request builders use themselves.
const RESERVED_FIELDS: &[&str] = &["client", "body"];

/// Methods of every request builder besides its setters: a parameter of one of these names would
/// give its setter the same name (Argo CD's `validate` query parameter).
const BUILDER_METHODS: &[&str] =
    &["send", "send_with_meta", "send_stream", "stream", "pages", "for_page", "walk", "validate", "into_request"];

/// The cases the generator needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: methods, fields, arguments.
    Snake,
    /// `PascalCase`: types and enum variants.
    Pascal,
    /// `SHOUTY_SNAKE_CASE`: statics.
    Shouty,
}

/// Turns any spec name into a valid Rust identifier in `case`.
///
/// Non-identifier characters become word breaks, a leading digit gets a prefix (`_` for snake case,
/// `V` for types), keywords get a trailing underscore (raw identifiers would read worse in docs), and a
/// name with no usable characters at all becomes `value`/`Value`.
pub fn sanitize(name: &str, case: Case) -> String {
    let spaced: String = name.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let mut out = match case {
        Case::Snake => spaced.to_snake_case(),
        Case::Pascal => spaced.to_pascal_case(),
        Case::Shouty => spaced.to_shouty_snake_case(),
    };
    if out.is_empty() {
        out = match case {
            Case::Snake => "value".to_owned(),
            Case::Pascal => "Value".to_owned(),
            Case::Shouty => "VALUE".to_owned(),
        };
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, if case == Case::Snake { "_" } else { "V" });
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A Rust type name for a spec name, kept clear of the names the generated crate uses itself.
pub fn type_name(name: &str) -> String {
    let mut out = sanitize(name, Case::Pascal);
    // A spec type with a name the generated code uses would shadow it, so it gets a suffix instead.
    if crate::used_names::is_taken(&out) {
        out.push_str("Model");
    }
    out
}

/// A Rust field, argument or method name for a spec name.
pub fn field_name(name: &str) -> String {
    let mut out = sanitize(name, Case::Snake);
    if RESERVED_FIELDS.contains(&out.as_str()) {
        out.push_str("_value");
    }
    out
}

/// A Rust name for an operation's parameter: its argument and its builder's setter, so not a name of
/// the builder's own methods (`validate` -> `validate_value`).
pub fn argument_name(name: &str) -> String {
    let mut out = field_name(name);
    if BUILDER_METHODS.contains(&out.as_str()) {
        out.push_str("_value");
    }
    out
}

/// Gives out names within one scope whose names are claimed one by one (the crate's types, a union's
/// or an enum's variants) and says who already owns a name; the caller picks another name by the
/// [`clash`] rule.
#[derive(Debug, Default)]
pub struct Namer {
    /// Rust name -> (owner, where it is defined).
    taken: std::collections::BTreeMap<String, (String, String)>,
}

impl Namer {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// Claims `rust` for `spec_name`. Returns the spec name that already owns `rust`, if any.
    pub fn claim(&mut self, spec_name: &str, rust: &str) -> Result<(), String> {
        self.claim_at(spec_name, "", rust).map_err(|(owner, _)| owner)
    }

    /// Claims `rust` for `owner` (defined at `pointer`). Returns the owner of `rust` and its pointer if
    /// another owner has it.
    pub fn claim_at(&mut self, owner: &str, pointer: &str, rust: &str) -> Result<(), (String, String)> {
        match self.taken.get(rust) {
            Some((o, _)) if o == owner => Ok(()),
            Some((o, p)) => Err((o.clone(), p.clone())),
            None => {
                self.taken.insert(rust.to_owned(), (owner.to_owned(), pointer.to_owned()));
                Ok(())
            }
        }
    }

    /// Gives `rust` back (a claimant that must leave it to one that ranks before it).
    pub fn release(&mut self, rust: &str) {
        self.taken.remove(rust);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_table() {
        let cases = [
            ("listOrgApiKeys", Case::Snake, "list_org_api_keys"),
            ("itemsPerPage", Case::Snake, "items_per_page"),
            ("ORG_OWNER", Case::Pascal, "OrgOwner"),
            ("type", Case::Snake, "type_"),
            ("self", Case::Snake, "self_"),
            ("Self", Case::Pascal, "Self_"),
            ("gen", Case::Snake, "gen_"),
            ("2fa", Case::Snake, "_2fa"),
            ("2fa", Case::Pascal, "V2fa"),
            ("x-rate.limit", Case::Snake, "x_rate_limit"),
            ("$$$", Case::Pascal, "Value"),
            ("orgId", Case::Shouty, "ORG_ID"),
        ];
        for (input, case, want) in cases {
            assert_eq!(sanitize(input, case), want, "{input} as {case:?}");
        }
    }

    #[test]
    fn reserved_names_get_suffixes() {
        assert_eq!(type_name("Error"), "ErrorModel");
        assert_eq!(type_name("client"), "ClientModel");
        assert_eq!(field_name("client"), "client_value");
        assert_eq!(argument_name("validate"), "validate_value");
        assert_eq!(argument_name("Send"), "send_value");
        assert_eq!(field_name("validate"), "validate", "a model field is no builder setter");
        assert_eq!(type_name("ApiError"), "ApiError");
        for import in crate::used_names::Import::ALL.iter().filter(|i| i.name().starts_with(char::is_uppercase)) {
            assert_eq!(type_name(import.name()), format!("{}Model", import.name()), "{import:?}");
        }
    }

    #[test]
    fn namer_reports_collisions_between_different_spec_names() {
        let mut n = Namer::new();
        assert_eq!(n.claim("orgId", "org_id"), Ok(()));
        assert_eq!(n.claim("orgId", "org_id"), Ok(()));
        assert_eq!(n.claim("org_id", "org_id"), Err("orgId".to_owned()));
    }
}
