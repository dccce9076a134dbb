//! The one rule for name clashes: when two spec names would become the same Rust name, both still get a
//! name, decided by the clashing spellings alone, so that the names survive the next spec release.
//!
//! **Who keeps the natural name.** Within one scope (the crate's types, a struct's fields, an
//! operation's arguments, the client's methods) the claimants of one natural Rust name are ranked, and
//! the first keeps it:
//! 1. the caller's priority (a named component before an inline schema, a path parameter before a query
//!    parameter before a header);
//! 2. the spelling that *is* the Rust name (`AccountId` over `accountId`; `add` over `Add`);
//! 3. the spelling that loses no symbol to the conversion (`StartTime` over `StartTime<`);
//! 4. the smallest spelling, byte by byte.
//!
//! **What the others are called.** Each other claimant takes the first of these that is free, every one
//! derived from its own spelling, never from a counter or from where it appears:
//! 1. its spelling with symbols spelled out as words (`StartTime<` -> `start_time_lt`, `-1` -> `minus_1`);
//! 2. the natural name plus the case its spelling is written in (`accountId` -> `AccountIdCamel`,
//!    `Add` -> `add_pascal`; `lower`, `upper`, `camel`, `pascal`), unless it is spelled as the keeper;
//! 3. the natural name plus the caller's qualifier (a parameter's location: `id_query`);
//! 4. the natural name plus four hex digits of a hash of its spelling (`add_3f9a`).
//!
//! A natural name is always preferred to a derived one: derived names are given after every natural
//! name of the scope is reserved. So adding a spec name that clashes with none leaves every existing
//! name unchanged, and adding one that clashes with an existing name renames the existing one only
//! when it outranks it (spelled exactly as the Rust name, or by the byte order among equally lossy
//! spellings). Each clash is reported as a warning naming both pointers, never refused.

use super::Case;

/// One spec name that wants a Rust name in a scope.
#[derive(Debug, Clone)]
pub struct Claimant<'a> {
    /// The name as the spec spells it.
    pub spelling: &'a str,
    /// Where it is defined, for the warning.
    pub pointer: &'a str,
    /// Ranks claimants before their spellings do (lower first).
    pub priority: u8,
    /// A word that sets it apart when its spelling does not (a parameter's location).
    pub qualifier: Option<&'a str>,
}

/// The Rust name one claimant gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Its Rust name.
    pub rust: String,
    /// When it lost a clash: the index of the claimant that kept the natural name, and that name.
    pub lost_to: Option<(usize, String)>,
}

/// Gives every claimant of one scope a distinct Rust name (see the [module docs](self)). `natural` is
/// the scope's conversion ([`super::type_name`], [`super::field_name`], ...), `case` its casing.
pub fn resolve(claimants: &[Claimant<'_>], natural: impl Fn(&str) -> String, case: Case) -> Vec<Resolved> {
    let naturals: Vec<String> = claimants.iter().map(|c| natural(c.spelling)).collect();
    let mut out: Vec<Option<Resolved>> = vec![None; claimants.len()];
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut losers = Vec::new();
    let mut groups: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, n) in naturals.iter().enumerate() {
        groups.entry(n.as_str()).or_default().push(i);
    }
    for (name, mut members) in groups {
        members.sort_by(|&a, &b| rank(&claimants[a], name, &natural).cmp(&rank(&claimants[b], name, &natural)));
        let keeper = members[0];
        taken.insert(name.to_owned());
        out[keeper] = Some(Resolved { rust: name.to_owned(), lost_to: None });
        losers.extend(members[1..].iter().map(|&i| (i, keeper)));
    }
    // Derived names after every natural one, in the order of the spellings (and their qualifiers).
    losers.sort_by(|a, b| {
        let (x, y) = (&claimants[a.0], &claimants[b.0]);
        (x.spelling, x.qualifier).cmp(&(y.spelling, y.qualifier))
    });
    for (i, keeper) in losers {
        let c = &claimants[i];
        let base = &naturals[i];
        let rust = alternatives(c, claimants[keeper].spelling, base, &natural, case)
            .into_iter()
            .find(|a| !taken.contains(a))
            .unwrap_or_else(|| salted(c, base, case, &taken));
        taken.insert(rust.clone());
        out[i] = Some(Resolved { rust, lost_to: Some((keeper, base.clone())) });
    }
    out.into_iter().map(|r| r.unwrap_or(Resolved { rust: String::new(), lost_to: None })).collect()
}

/// The names a claimant that lost the natural name `base` to `keeper` may take, best first (tiers 1
/// to 4; the case tier only when the spellings differ).
fn alternatives(
    c: &Claimant<'_>,
    keeper: &str,
    base: &str,
    natural: &impl Fn(&str) -> String,
    case: Case,
) -> Vec<String> {
    let mut out = Vec::new();
    let spelled = natural(&spell(c.spelling));
    if spelled != base {
        out.push(spelled);
    }
    if let Some(word) = case_word(c.spelling).filter(|_| c.spelling != keeper) {
        out.push(join(base, word, case));
    }
    if let Some(q) = c.qualifier {
        out.push(join(base, q, case));
    }
    out.push(join(base, &hash_word(c.spelling, c.qualifier.unwrap_or(""), 0), case));
    out
}

/// The hash tier with a salt, for the (astronomically rare) case where the plain hash is taken too.
fn salted(c: &Claimant<'_>, base: &str, case: Case, taken: &std::collections::BTreeSet<String>) -> String {
    (1..)
        .map(|salt| join(base, &hash_word(c.spelling, c.qualifier.unwrap_or(""), salt), case))
        .find(|a| !taken.contains(a))
        .unwrap_or_else(|| base.to_owned())
}

/// Orders claimants of the natural name `name`: the earlier keeps it.
fn rank<'a>(
    c: &Claimant<'a>,
    name: &str,
    natural: &impl Fn(&str) -> String,
) -> (u8, bool, bool, &'a str, Option<&'a str>) {
    let lossy = natural(&spell(c.spelling)) != name;
    (c.priority, c.spelling != name, lossy, c.spelling, c.qualifier)
}

/// `base` and a word in the scope's case: `AccountIdCamel`, `add_pascal`.
pub fn join(base: &str, word: &str, case: Case) -> String {
    let base = base.trim_end_matches('_');
    match case {
        Case::Pascal => format!("{base}{}", super::sanitize(word, Case::Pascal)),
        Case::Snake => format!("{base}_{}", super::sanitize(word, Case::Snake)),
        Case::Shouty => format!("{base}_{}", super::sanitize(word, Case::Shouty)),
    }
}

/// The case a spelling is written in, by its letters: `lower`, `upper`, `camel` or `pascal`.
fn case_word(spelling: &str) -> Option<&'static str> {
    let letters: Vec<char> = spelling.chars().filter(|c| c.is_alphabetic()).collect();
    let first = letters.first()?;
    Some(if letters.iter().all(|c| !c.is_uppercase()) {
        "lower"
    } else if letters.iter().all(|c| !c.is_lowercase()) {
        "upper"
    } else if first.is_lowercase() {
        "camel"
    } else {
        "pascal"
    })
}

/// Four hex digits of a hash (FNV-1a, folded to 16 bits) of the spelling and qualifier: stable across
/// runs, platforms and releases, unlike `std`'s hasher.
pub fn hash_word(spelling: &str, qualifier: &str, salt: u32) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let salt = if salt == 0 { String::new() } else { format!("#{salt}") };
    for b in spelling.bytes().chain(qualifier.bytes()).chain(salt.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("x{:04x}", (h >> 16) ^ (h & 0xffff))
}

/// The spelling with each symbol the conversion would drop written as a word (`StartTime<` ->
/// `StartTime lt`, `+1` -> `plus 1`). Underscores and spaces are separators and stay.
pub fn spell(spelling: &str) -> String {
    let chars: Vec<char> = spelling.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() || c == '_' || c == ' ' {
            out.push(c);
            continue;
        }
        let word = match c {
            '-' if chars.get(i + 1).is_some_and(char::is_ascii_digit) => "minus".to_owned(),
            '-' => "dash".to_owned(),
            '+' => "plus".to_owned(),
            '<' => "lt".to_owned(),
            '>' => "gt".to_owned(),
            '=' => "eq".to_owned(),
            '!' => "not".to_owned(),
            '.' => "dot".to_owned(),
            '/' => "slash".to_owned(),
            '\\' => "backslash".to_owned(),
            '@' => "at".to_owned(),
            '#' => "hash".to_owned(),
            '$' => "dollar".to_owned(),
            '%' => "percent".to_owned(),
            '&' => "and".to_owned(),
            '*' => "star".to_owned(),
            ':' => "colon".to_owned(),
            ';' => "semicolon".to_owned(),
            ',' => "comma".to_owned(),
            '~' => "tilde".to_owned(),
            '?' => "question".to_owned(),
            '|' => "pipe".to_owned(),
            '^' => "caret".to_owned(),
            '\'' => "quote".to_owned(),
            '"' => "dquote".to_owned(),
            '`' => "backtick".to_owned(),
            '(' | ')' => "paren".to_owned(),
            '[' | ']' => "bracket".to_owned(),
            '{' | '}' => "brace".to_owned(),
            other => format!("u{:x}", u32::from(other)),
        };
        out.push(' ');
        out.push_str(&word);
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::{field_name, type_name};

    fn claim(spelling: &str) -> Claimant<'_> {
        Claimant { spelling, pointer: "", priority: 0, qualifier: None }
    }

    fn names(spellings: &[&str], natural: impl Fn(&str) -> String, case: Case) -> Vec<String> {
        let claimants: Vec<Claimant<'_>> = spellings.iter().map(|s| claim(s)).collect();
        resolve(&claimants, natural, case).into_iter().map(|r| r.rust).collect()
    }

    #[test]
    fn the_rule_on_the_clashes_real_apis_have() {
        assert_eq!(names(&["+1", "-1"], field_name, Case::Snake), ["_1", "minus_1"]);
        assert_eq!(names(&["add", "Add"], field_name, Case::Snake), ["add", "add_pascal"]);
        assert_eq!(names(&["Add", "add"], field_name, Case::Snake), ["add_pascal", "add"]);
        assert_eq!(
            names(&["StartTime", "StartTime<", "StartTime>"], field_name, Case::Snake),
            ["start_time", "start_time_lt", "start_time_gt"]
        );
        assert_eq!(names(&["accountId", "AccountId"], type_name, Case::Pascal), ["AccountIdCamel", "AccountId"]);
        assert_eq!(names(&["account-id", "account_id"], type_name, Case::Pascal), ["AccountDashId", "AccountId"]);
        // A case-only clash between two spellings of one case style falls to the hash tier.
        let hashed = names(&["AccountId", "accountID", "accountId"], type_name, Case::Pascal);
        assert_eq!(hashed[..2], ["AccountId", "AccountIdCamel"]);
        assert!(hashed[2].starts_with("AccountIdX") && hashed[2].len() == "AccountIdX0000".len(), "{hashed:?}");
    }

    #[test]
    fn qualifiers_and_priorities() {
        let claimants = [
            Claimant { spelling: "id", pointer: "", priority: 1, qualifier: Some("query") },
            Claimant { spelling: "id", pointer: "", priority: 0, qualifier: Some("path") },
        ];
        let got: Vec<String> = resolve(&claimants, field_name, Case::Snake).into_iter().map(|r| r.rust).collect();
        assert_eq!(got, ["id_query", "id"]);
    }

    #[test]
    fn names_do_not_depend_on_order_or_on_unrelated_names() {
        let base = ["accountId", "AccountId", "Account", "account-id"];
        let reference = names(&base, type_name, Case::Pascal);
        let mut reversed = base;
        reversed.reverse();
        let mut got = names(&reversed, type_name, Case::Pascal);
        got.reverse();
        assert_eq!(got, reference);
        let with_more = ["Zebra", "accountId", "AccountId", "Account", "account-id", "Billing"];
        assert_eq!(&names(&with_more, type_name, Case::Pascal)[1..5], &reference[..]);
        // A new spelling that clashes but is not the exact one renames nothing.
        let clashing = ["accountId", "AccountId", "Account", "account-id", "ACCOUNT_ID"];
        assert_eq!(&names(&clashing, type_name, Case::Pascal)[..4], &reference[..]);
    }

    #[test]
    fn every_name_is_distinct() {
        let spellings = ["a", "A", "a-", "a+", "a_", "A_", "a.", "_a", "a b", "A B", "a__b", "a_b"];
        let got = names(&spellings, field_name, Case::Snake);
        let unique: std::collections::BTreeSet<&String> = got.iter().collect();
        assert_eq!(unique.len(), got.len(), "{got:?}");
    }
}
