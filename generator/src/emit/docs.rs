//! Rustdoc for emitted items: one `#[doc]` attribute per line, so prettyplease prints `///` lines.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = " line"]` attributes for `text`, which is Markdown the generator wrote (pass spec prose
/// through [`spec`] first).
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines: Vec<&str> = text.trim_end().lines().map(str::trim_end).collect();
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

/// Doc attributes joining paragraphs with a blank line, skipping empty ones.
pub fn paragraphs<I, S>(parts: I) -> TokenStream
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let parts: Vec<String> =
        parts.into_iter().map(|s| s.as_ref().trim().to_owned()).filter(|s| !s.is_empty()).collect();
    doc_attrs(&parts.join("\n\n"))
}

/// Spec text is prose, not Rust: lines indented four spaces or more (which rustdoc would run as
/// doctests) lose that indentation, and square brackets (which rustdoc would read as intra-doc links)
/// are escaped.
///
/// A Markdown list ends at the first line that is neither an item, indented, nor blank: spec prose often
/// goes on right below a list (`- AWS` then `-- MSK ...`), which Markdown would fold into the last item
/// (a lazy continuation, which clippy rejects), so a blank line is put before it.
pub fn spec(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    // The indentation the current list item's continuation lines need (`- ` 2, `10. ` 4), if in a list.
    let mut item_indent: Option<usize> = None;
    for line in text.trim().lines() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if body.is_empty() {
            item_indent = None;
        } else if let Some(marker) = list_marker(body).filter(|_| indent == 0) {
            item_indent = Some(marker);
        } else if item_indent.is_some_and(|needed| indent < needed) {
            out.push(String::new());
            item_indent = None;
        }
        out.push(clean_line(line));
    }
    out.join("\n")
}

/// The width of the Markdown list marker a line starts with (`- `, `* `, `+ `, `1. `), if any.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let (number, _) = line.split_once(". ")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some(number.len() + 2)
}

fn clean_line(line: &str) -> String {
    let trimmed = line.trim_end();
    let body = trimmed.trim_start();
    let indent = trimmed.len() - body.len();
    // Keep intentional Markdown indentation (lists), but never four spaces that start a code block.
    let kept = if indent >= 4 { 2 } else { indent };
    let mut out = " ".repeat(kept);
    out.push_str(&escape_links(body));
    out
}

/// Escapes `[` and `]` outside inline code spans, so rustdoc does not try to resolve `[text]` as a
/// link.
fn escape_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
            // A bare URL becomes an autolink; rustdoc warns about bare URLs, and CI denies warnings.
            let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let url = rest[..len].trim_end_matches(['.', ',', ';', ':', ')', '\'', '"']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            // Square brackets would be read as intra-doc links, angle brackets as HTML tags.
            '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The indefinite article for `word` as it is read aloud ("an `apiUserId`", "a `listOrgApiKeys`"),
/// capitalized for the start of a sentence when `capital`. Spelled-out exceptions cover words whose
/// first vowel letter sounds like a consonant ("a `uniqueId`", "a `userId`", "a `oneTimeCode`").
pub fn article(word: &str, capital: bool) -> &'static str {
    let lower = word.trim_start_matches(['`', '/', '{']).to_ascii_lowercase();
    let consonant_sound = ["uni", "use", "usa", "usi", "uti", "ure", "one", "once", "eu"];
    let vowel = lower.starts_with(['a', 'e', 'i', 'o', 'u']) && !consonant_sound.iter().any(|p| lower.starts_with(p));
    match (vowel, capital) {
        (true, true) => "An",
        (true, false) => "an",
        (false, true) => "A",
        (false, false) => "a",
    }
}

/// A Markdown list item `- label: text`. Plain paragraphs are joined into one line; text with a block
/// of its own (a table or list from the spec) keeps its paragraphs, and every later line is indented
/// under the item so it stays part of it instead of a lazy continuation.
pub fn list_item(label: &str, text: &str) -> String {
    let block = text.lines().any(|line| {
        let line = line.trim_start();
        let numbered =
            line.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        line.starts_with('|') || line.starts_with("- ") || line.starts_with("* ") || numbered
    });
    let text = if block { text.trim().to_owned() } else { text.trim().replace("\n\n", " ") };
    let mut lines = text.lines();
    let mut out = format!("- {label}: {}", lines.next().unwrap_or_default());
    for line in lines {
        out.push('\n');
        if !line.trim().is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_attribute_per_line_with_leading_space() {
        let tokens = doc_attrs("First\n\nSecond");
        let text = tokens.to_string();
        assert_eq!(text.matches("doc").count(), 3, "{text}");
        assert!(text.contains("\" First\""));
        assert!(text.contains("\"\""));
    }

    #[test]
    fn neutralises_code_blocks_and_links() {
        assert_eq!(clean_line("      indented"), "  indented");
        assert_eq!(clean_line("see [RFC] and `a[0]`"), "see \\[RFC\\] and `a[0]`");
        assert_eq!(clean_line("for <orgId>, see `<x>`"), "for &lt;orgId&gt;, see `<x>`");
        assert_eq!(
            clean_line("docs: https://www.mongodb.com/docs/atlas/. More"),
            "docs: <https://www.mongodb.com/docs/atlas/>. More"
        );
    }

    #[test]
    fn articles_follow_the_sound() {
        for (word, expected) in [
            ("apiUserId", "an"),
            ("orgId", "an"),
            ("listOrgApiKeys", "a"),
            ("uniqueId", "a"),
            ("userName", "a"),
            ("itemsPerPage", "an"),
            ("euRegion", "a"),
            ("`envelope`", "an"),
        ] {
            assert_eq!(article(word, false), expected, "{word}");
        }
        assert_eq!(article("orgId", true), "An");
        assert_eq!(article("groupId", true), "A");
    }

    #[test]
    fn list_items_join_plain_paragraphs_and_indent_blocks() {
        assert_eq!(super::list_item("`a`", "One.\n\nTwo."), "- `a`: One. Two.");
        let table = "Limit name.\n\n| Name | Max |\n| --- | --- |\n| x | 1 |";
        assert_eq!(
            super::list_item("`b`", table),
            "- `b`: Limit name.\n\n  | Name | Max |\n  | --- | --- |\n  | x | 1 |"
        );
    }

    #[test]
    fn prose_right_below_a_list_ends_it() {
        let text = "Vendors:\n- AWS\n-- `MSK` for Kafka\n\n- GCP\n  indented continuation\n lazy\n1. one\n  two";
        assert_eq!(
            super::spec(text),
            "Vendors:\n- AWS\n\n-- `MSK` for Kafka\n\n- GCP\n  indented continuation\n\n lazy\n1. one\n\n  two"
        );
    }
}
