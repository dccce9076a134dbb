//! Rustdoc for emitted items: one `#[doc]` attribute per line, so prettyplease prints `///` lines.

use proc_macro2::TokenStream;
use quote::quote;

/// The widest a doc line's text may be: 100 columns, less the indentation of an item inside an
/// `impl` (4) and the `/// ` (4). prettyplease prints doc attributes as they are, so they are wrapped
/// here.
const DOC_WIDTH: usize = 92;

/// `#[doc = " line"]` attributes for `text`, which is Markdown the generator wrote (pass spec prose
/// through [`spec`] first), wrapped at [`DOC_WIDTH`].
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = wrap(text.trim_end(), DOC_WIDTH);
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

/// The spec's prose for an item, as rustdoc, when it says anything: a blank `description: ""` (common
/// in real descriptions) counts as none, so the caller's fallback sentence documents the item instead.
pub fn prose(text: Option<&str>) -> Option<String> {
    text.map(spec).filter(|text| !text.trim().is_empty())
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
    let mut in_fence = false;
    for line in text.trim().lines() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        // A fence without a language would be compiled as a Rust doctest: spec examples are shell or
        // JSON, so an unlabelled one becomes `text`. Fenced lines are copied as they are. Go doc comments
        // (Kubernetes' `Quantity`) put the code right after the fence (`` ``` <quantity> ::= ... ``), which
        // rustdoc would read as attributes: that text moves to the fence's first line.
        if let Some(info) = body.strip_prefix("```") {
            if in_fence || is_language(info.trim()) {
                out.push(line.trim_end().to_owned());
            } else {
                out.push(format!("{}```text", &line[..indent]));
                if !info.trim().is_empty() {
                    out.push(format!("{}{}", &line[..indent], info.trim()));
                }
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
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

/// Whether a fence's info string names a language (`json`, `shell-session`, `rust,ignore`), which rustdoc
/// reads as such; an empty one does not (it would be a Rust doctest).
fn is_language(info: &str) -> bool {
    !info.is_empty() && info.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | ',' | '.'))
}

/// Markdown rewrapped to lines of at most `width` characters where spaces allow: each paragraph and
/// list item is reflowed (Markdown reads a line break inside one as a space) and broken at spaces, a
/// list item's later lines indented under its text; fenced code, table rows and headings are kept as
/// they are. A line never starts with a word Markdown would read as the start of a block (`- `, `#`,
/// `1.`, `|`, ...), so wrapping changes only where lines break, never what they mean.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (line, prose) in reflow(text) {
        let body = line.trim_start();
        if !prose || line.chars().count() <= width {
            out.push(line);
            continue;
        }
        let indent = line.len() - body.len();
        let hang = " ".repeat(indent + wrap_marker(body).unwrap_or(0));
        let mut current = line[..indent].to_owned();
        let mut current_len = indent;
        let mut has_word = false;
        for word in body.split(' ') {
            let word_len = word.chars().count();
            if has_word && current_len + 1 + word_len > width && starts_line_safely(word) {
                out.push(std::mem::replace(&mut current, hang.clone()));
                current_len = hang.len();
            } else if has_word {
                current.push(' ');
                current_len += 1;
            }
            current.push_str(word);
            current_len += word_len;
            has_word = true;
        }
        out.push(current);
    }
    out
}

/// The lines of `text` with each paragraph or list item joined into one, each marked whether it is
/// prose that may be rewrapped (not a blank line, fenced code, a table row or a heading).
fn reflow(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut in_fence = false;
    // The indentation a line needs to continue the paragraph or list item above, if one is open.
    let mut open: Option<usize> = None;
    for line in text.lines().map(str::trim_end) {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let fence = body.starts_with("```") || body.starts_with("~~~");
        in_fence ^= fence;
        let block = fence || in_fence || body.is_empty() || body.starts_with('|') || body.starts_with('#');
        let continues = !block && open == Some(indent) && starts_line_safely(body.split(' ').next().unwrap_or(""));
        match out.last_mut() {
            Some((last, _)) if continues && !last.ends_with('\\') => {
                last.push(' ');
                last.push_str(body);
            }
            _ => {
                out.push((line.to_owned(), !block));
                open = (!block).then(|| indent + wrap_marker(body).unwrap_or(0));
            }
        }
    }
    out
}

/// The width of the list marker a line starts with (`- `, `* `, `+ `, `1. `, `1) `), for wrapping.
fn wrap_marker(line: &str) -> Option<usize> {
    list_marker(line).or_else(|| {
        let (number, _) = line.split_once(") ")?;
        (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some(number.len() + 2)
    })
}

/// Whether a wrapped line may start with `word` and still be read as the same paragraph: not empty
/// (two spaces in a row), and nothing Markdown reads as a list item, heading, quote, table row,
/// thematic break, setext underline or fence.
fn starts_line_safely(word: &str) -> bool {
    let numbered = word.trim_end_matches(['.', ')']);
    let ordered = numbered.len() < word.len() && !numbered.is_empty() && numbered.bytes().all(|b| b.is_ascii_digit());
    let fence = ["```", "~~~", "___"].iter().any(|f| word.starts_with(f));
    !word.is_empty() && !word.starts_with(['-', '*', '+', '=', '#', '>', '|']) && !fence && !ordered
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
            let (url, template) = url_at(rest);
            if template {
                // A URL template (Kubernetes' `http://<host>/<path>?<searchpart>`) is no link, and its
                // placeholders would be HTML tags: it is code.
                out.push('`');
                out.push_str(url);
                out.push('`');
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
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

/// The URL at the start of `text` and whether it is a template with placeholders. A URL ends at white
/// space or at a character no URL holds unescaped (`<`, `>`, `"`, `` ` ``), less trailing punctuation and
/// a `)` that closes a Markdown link (`[docs](https://x/y).`), as GitHub reads autolinks. A URL cut right
/// after `://`, `/`, `:`, `?`, `=` or `&` by a `<`, or holding a `{`, is a template
/// (`https://<host>:<port>`, `https://x/{id}`): then it runs to the white space, less a `>` that closes
/// an outer `<`.
fn url_at(text: &str) -> (&str, bool) {
    let token = &text[..text.find(char::is_whitespace).unwrap_or(text.len())];
    let cut = token.find(['<', '>', '"', '`']).unwrap_or(token.len());
    let url = trim_url(&token[..cut]);
    let placeholder = token[cut..].starts_with('<') && url.ends_with(['/', ':', '?', '=', '&']) && url.len() == cut;
    if (placeholder || url.contains('{')) && !token.contains('`') {
        let mut template = trim_url(token);
        while template.ends_with('>') && template.matches('>').count() > template.matches('<').count() {
            template = trim_url(&template[..template.len() - 1]);
        }
        return (template, true);
    }
    (url, false)
}

/// `url` less trailing punctuation and unbalanced closing parentheses.
fn trim_url(mut url: &str) -> &str {
    loop {
        let before = url.len();
        url = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
        if url.ends_with(')') && url.matches(')').count() > url.matches('(').count() {
            url = &url[..url.len() - 1];
        }
        if url.len() == before {
            return url;
        }
    }
}

/// The indefinite article for `word` as it is read aloud ("an `apiUserId`", "a `listOrgApiKeys`"),
/// capitalized for the start of a sentence when `capital`. Spelled-out exceptions cover words whose
/// first vowel letter sounds like a consonant ("a `uniqueId`", "a `userId`", "a `oneTimeCode`").
pub fn article(word: &str, capital: bool) -> &'static str {
    let lower = word.trim_start_matches(['`', '/', '{']).to_ascii_lowercase();
    let consonant_sound = ["uni", "use", "usa", "usi", "uti", "ure", "uu", "one", "once", "eu"];
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
    fn blank_prose_is_no_prose() {
        assert_eq!(prose(Some("")), None);
        assert_eq!(prose(Some("  \n ")), None);
        assert_eq!(prose(None), None);
        assert_eq!(prose(Some("A pet.")).as_deref(), Some("A pet."));
    }

    #[test]
    fn one_attribute_per_line_with_leading_space() {
        let tokens = doc_attrs("First\n\nSecond");
        let text = tokens.to_string();
        assert_eq!(text.matches("doc").count(), 3, "{text}");
        assert!(text.contains("\" First\""));
        assert!(text.contains("\"\""));
    }

    #[test]
    fn long_lines_wrap_at_spaces_keeping_their_meaning() {
        let prose = "one two three four five six";
        assert_eq!(wrap(prose, 13), ["one two three", "four five six"]);
        // A paragraph already broken by the spec is reflowed, not left with a ragged short line.
        assert_eq!(wrap("one two three four\nfive six", 13), ["one two three", "four five six"]);
        assert_eq!(wrap("- a b c d\n  e f\n- g", 7), ["- a b c", "  d e f", "- g"]);
        // A list item's later lines are indented under its text (no lazy continuation).
        assert_eq!(wrap("- `a`: one two three", 12), ["- `a`: one", "  two three"]);
        assert_eq!(wrap("10. one two three", 10), ["10. one", "    two", "    three"]);
        // No line starts a list, heading or table; a word longer than the width stays whole.
        assert_eq!(wrap("values - 1. or # or | x", 8), ["values - 1.", "or # or |", "x"]);
        assert_eq!(wrap("see <https://example.com/a/long/path>", 10), ["see", "<https://example.com/a/long/path>"]);
        // Fenced code and table rows are never rewrapped.
        let kept = "```text\nsome long code line\n```\n| a long | table row |";
        assert_eq!(wrap(kept, 5), kept.lines().collect::<Vec<_>>());
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

    #[test]
    fn a_url_template_is_code_not_a_link() {
        assert_eq!(
            spec("Rules: <http://<host>/<path>?<searchpart>> -> backend, see https://k8s.io/docs."),
            "Rules: &lt;`http://<host>/<path>?<searchpart>`&gt; -&gt; backend, see <https://k8s.io/docs>."
        );
    }

    #[test]
    fn a_url_ends_where_markdown_and_html_take_over() {
        assert_eq!(
            spec("See [docs](https://pkg.go.dev/gse#readme).<br/>-> next; Format: <https://<host>:<port>>. Or (https://x.io/a_(b))."),
            "See \\[docs\\](<https://pkg.go.dev/gse#readme>).&lt;br/&gt;-&gt; next; Format: &lt;`https://<host>:<port>`&gt;. Or (<https://x.io/a_(b)>)."
        );
        assert_eq!(spec("GET https://api.x.io/v1/{id}."), "GET `https://api.x.io/v1/{id}`.");
    }

    #[test]
    fn code_on_the_fence_line_moves_below_a_text_fence() {
        let text = "Format:\n\n``` <quantity> ::= <number><suffix>\n\n<digit> ::= 0 | 1\n```";
        assert_eq!(spec(text), "Format:\n\n```text\n<quantity> ::= <number><suffix>\n\n<digit> ::= 0 | 1\n```");
    }

    #[test]
    fn unlabelled_fences_are_text_and_kept_verbatim() {
        let text = "Try:\n```\ncurl -X GET \"https://x\" [a]\n    indented\n```\n```json\n{}\n```";
        assert_eq!(
            super::spec(text),
            "Try:\n```text\ncurl -X GET \"https://x\" [a]\n    indented\n```\n```json\n{}\n```"
        );
    }
}
