//! Printing a module the way a person would lay it out: prettyplease prints each item, and items are
//! separated by a blank line (consecutive `use` and `mod` lines stay together), as are the members of
//! an `impl` block. Only whole items are joined; nothing inside prettyplease's output is rewritten.

use syn::{ImplItem, Item};

/// `file` printed with a blank line between items and between the members of each `impl`.
pub(super) fn unparse(file: syn::File) -> String {
    let syn::File { attrs, items, .. } = file;
    // The inner attributes print with the first item: prettyplease ends their lines only when an item
    // follows them.
    let mut items = items.into_iter();
    let Some(first) = items.next() else {
        return prettyplease::unparse(&syn::File { shebang: None, frontmatter: None, attrs, items: Vec::new() });
    };
    let mut previous = Some(kind(&first));
    let mut out = match declared_enum(&first) {
        // Printed on its own, after the inner attributes' lines.
        Some(text) => {
            let mut out =
                prettyplease::unparse(&syn::File { shebang: None, frontmatter: None, attrs, items: Vec::new() });
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out + &text
        }
        None => prettyplease::unparse(&syn::File { shebang: None, frontmatter: None, attrs, items: vec![first] }),
    };
    for item in items {
        let kind = kind(&item);
        let grouped = previous == Some(kind) && kind != Kind::Other;
        if !grouped {
            out.push('\n');
        }
        out.push_str(&item_text(item));
        previous = Some(kind);
    }
    out
}

fn kind(item: &Item) -> Kind {
    match item {
        Item::Use(_) => Kind::Use,
        Item::Mod(_) => Kind::Mod,
        _ => Kind::Other,
    }
}

/// Items that stay together when they follow each other.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Use,
    Mod,
    Other,
}

fn print(item: Item) -> String {
    prettyplease::unparse(&syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items: vec![item] })
}

/// One item; an `impl` block gets its header and each member printed on their own, members indented
/// and separated by blank lines.
fn item_text(item: Item) -> String {
    if let Some(text) =
        declared_enum(&item).or_else(|| declared_setters(&item)).or_else(|| declared_serde_struct(&item))
    {
        return text;
    }
    let Item::Impl(mut block) = item else { return print(item) };
    let printable = block.items.iter().all(|m| matches!(m, ImplItem::Fn(_) | ImplItem::Const(_) | ImplItem::Type(_)));
    if block.items.len() < 2 || !printable {
        return print(Item::Impl(block));
    }
    let members = std::mem::take(&mut block.items);
    let header = print(Item::Impl(block));
    // The header printed with no members (`impl X {}`): keep everything up to the opening brace.
    let open = header.rfind('{').unwrap_or(header.len());
    let mut out = format!("{}{{\n", &header[..open]);
    for (i, member) in members.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for line in print(member_as_item(member)).lines() {
            if !line.is_empty() {
                out.push_str("    ");
                out.push_str(line);
            }
            out.push('\n');
        }
    }
    out.push_str("}\n");
    out
}

/// `open_enum! { pub enum .. }` printed with its body laid out as the enum it reads like (one
/// `Variant = "wire",` per line); prettyplease fills a macro's tokens like a paragraph. Any other item
/// is `None`.
fn declared_enum(item: &Item) -> Option<String> {
    let Item::Macro(mac) = item else { return None };
    if !mac.mac.path.is_ident("open_enum") {
        return None;
    }
    // `Variant = "wire"` parses as an enum with discriminant expressions, which prettyplease prints
    // one per line.
    let body = syn::parse2::<syn::ItemEnum>(mac.mac.tokens.clone()).ok()?;
    let mut out = String::from("open_enum! {\n");
    for line in print(Item::Enum(body)).lines() {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("}\n");
    Some(out)
}

/// `setters! { impl X { .. } }` printed with each setter on one line under its doc comment
/// (`pub fn with_id(value: impl Into<String>) { id = Some(value.into()); }`), or on one line alone
/// when the macro writes its doc (`sets "id" pub fn with_id(..) { .. }`): printed as a function,
/// prettyplease spreads it over three lines or more. Any other item is `None`.
fn declared_setters(item: &Item) -> Option<String> {
    let Item::Macro(mac) = item else { return None };
    if !mac.mac.path.is_ident("setters") {
        return None;
    }
    let (tokens, prefixes) = without_sets_prefixes(mac.mac.tokens.clone());
    let mut block = syn::parse2::<syn::ItemImpl>(tokens).ok()?;
    let members = std::mem::take(&mut block.items);
    if prefixes.len() != members.len() {
        return None;
    }
    let header = print(Item::Impl(block));
    let open = header.rfind('{').unwrap_or(header.len());
    let mut out = format!("setters! {{\n    {}{{\n", &header[..open]);
    let printed: Vec<String> = members.into_iter().map(|m| print(member_as_item(m))).collect();
    // One-line docs (a model's `with_<field>`) stack up like a table; longer ones (a builder's
    // parameters) are separated by a blank line, as methods are.
    let spaced = printed.iter().any(|p| p.lines().filter(|l| l.trim_start().starts_with("///")).count() > 1);
    for (i, (text, prefix)) in printed.iter().zip(&prefixes).enumerate() {
        if spaced && i > 0 {
            out.push('\n');
        }
        let mut code: Vec<&str> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("///") {
                out.push_str("        ");
                out.push_str(line);
                out.push('\n');
            } else {
                code.push(line);
            }
        }
        let code = one_line(&code);
        out.push_str("        ");
        if let Some(wire) = prefix {
            out.push_str("sets ");
            out.push_str(wire);
            out.push(' ');
        }
        out.push_str(&code);
        out.push('\n');
    }
    out.push_str("    }\n}\n");
    Some(out)
}

/// The tokens of `setters!` without the `sets "wire"` before a setter (which is no Rust syntax syn
/// could parse), and for each setter in order the literal that preceded it, if any.
fn without_sets_prefixes(tokens: proc_macro2::TokenStream) -> (proc_macro2::TokenStream, Vec<Option<String>>) {
    use proc_macro2::{Group, TokenTree};
    let mut prefixes = Vec::new();
    let tokens = tokens
        .into_iter()
        .map(|token| match token {
            // The block's body: the one brace group at the top level of `impl X { .. }`.
            TokenTree::Group(body) if body.delimiter() == proc_macro2::Delimiter::Brace => {
                let mut kept = Vec::new();
                let mut pending = None;
                let mut members = body.stream().into_iter().peekable();
                while let Some(member) = members.next() {
                    match &member {
                        TokenTree::Ident(word) if word == "sets" => {
                            if let Some(TokenTree::Literal(wire)) = members.next() {
                                pending = Some(wire.to_string());
                            }
                            continue;
                        }
                        TokenTree::Ident(word) if word == "fn" => prefixes.push(pending.take()),
                        _ => {}
                    }
                    kept.push(member);
                }
                TokenTree::Group(Group::new(body.delimiter(), kept.into_iter().collect()))
            }
            other => other,
        })
        .collect();
    (tokens, prefixes)
}

/// `serde_struct! { X { field: "wire" default omit, .. } }` (or `Deserialize for X { .. }`) printed
/// with one field per line (its tokens are no Rust item that prettyplease could lay out). Any other
/// item is `None`.
fn declared_serde_struct(item: &Item) -> Option<String> {
    use proc_macro2::{Delimiter, TokenTree};
    let Item::Macro(mac) = item else { return None };
    if !mac.mac.path.is_ident("serde_struct") {
        return None;
    }
    // The head (`X`, `Deserialize for X`), then the fields.
    let mut head: Vec<String> = Vec::new();
    let mut tokens = mac.mac.tokens.clone().into_iter();
    let body = loop {
        match tokens.next()? {
            TokenTree::Group(body) if body.delimiter() == Delimiter::Brace => break body,
            token => head.push(token.to_string()),
        }
    };
    if tokens.next().is_some() || head.is_empty() {
        return None;
    }
    let mut lines: Vec<String> = vec![String::new()];
    for token in body.stream() {
        let last = lines.last_mut()?;
        match &token {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                last.push(',');
                lines.push(String::new());
            }
            TokenTree::Punct(p) if p.as_char() == ':' => last.push(':'),
            _ => {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(&token.to_string());
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    let head = head.join(" ");
    if lines.is_empty() {
        return Some(format!("serde_struct! {{\n    {head} {{}}\n}}\n"));
    }
    let mut out = format!("serde_struct! {{\n    {head} {{\n");
    for line in lines {
        out.push_str(&format!("        {line}\n"));
    }
    out.push_str("    }\n}\n");
    Some(out)
}

/// Lines prettyplease wrapped, joined back into one: it breaks only after an opening bracket or a
/// comma and puts a trailing comma before a closing bracket, so that comma goes and brackets close up
/// (`with_x(`, `value: Vec<`, `Item,`, `>,`, `) {` is `with_x(value: Vec<Item>) {`).
fn one_line(lines: &[&str]) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let closes_next = lines.get(i + 1).is_some_and(|next| next.starts_with([')', '>', ']', '}']));
        let line =
            if closes_next && !lines[i + 1].starts_with('}') { line.strip_suffix(',').unwrap_or(line) } else { line };
        let opened = out.ends_with(['(', '<', '[']);
        let closing = line.starts_with([')', '>', ']']);
        if !out.is_empty() && !opened && !closing {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// An impl member as the free item it prints like (a method as a function, and so on).
fn member_as_item(member: ImplItem) -> Item {
    match member {
        ImplItem::Fn(f) => Item::Fn(syn::ItemFn {
            attrs: f.attrs,
            vis: f.vis,
            modifiers: f.modifiers,
            sig: f.sig,
            block: Box::new(f.block),
        }),
        ImplItem::Const(c) => Item::Const(syn::ItemConst {
            attrs: c.attrs,
            vis: c.vis,
            modifiers: c.modifiers,
            const_token: c.const_token,
            ident: c.ident,
            generics: c.generics,
            colon_token: c.colon_token,
            ty: Box::new(c.ty),
            eq_token: c.eq_token,
            expr: Box::new(c.expr),
            semi_token: c.semi_token,
        }),
        ImplItem::Type(t) => Item::Type(syn::ItemType {
            attrs: t.attrs,
            vis: t.vis,
            modifiers: t.modifiers,
            type_token: t.type_token,
            ident: t.ident,
            generics: t.generics,
            eq_token: t.eq_token,
            ty: Box::new(t.ty),
            semi_token: t.semi_token,
            // An associated type's where clause follows the type (`type T = U where ...;`).
            where_clause_placement: syn::WhereClausePlacement::Late,
        }),
        other => Item::Verbatim(quote::ToTokens::into_token_stream(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::{declared_serde_struct, declared_setters, one_line};

    #[test]
    fn declared_serde_struct_is_one_field_per_line() {
        let item: syn::Item = syn::parse_quote! {
            serde_struct! {
                Thing { id: "id", r#type: "type" default omit, secret: "secret" skip_read, }
            }
        };
        let expected = "serde_struct! {\n    Thing {\n        id: \"id\",\n        r#type: \"type\" default omit,\n        secret: \"secret\" skip_read,\n    }\n}\n";
        assert_eq!(declared_serde_struct(&item).as_deref(), Some(expected));
        let empty: syn::Item = syn::parse_quote!(serde_struct! { Empty {} });
        assert_eq!(declared_serde_struct(&empty).as_deref(), Some("serde_struct! {\n    Empty {}\n}\n"));
        let derived: syn::Item = syn::parse_quote!(serde_struct! { Deserialize for Thing { id: "id", } });
        let expected = "serde_struct! {\n    Deserialize for Thing {\n        id: \"id\",\n    }\n}\n";
        assert_eq!(declared_serde_struct(&derived).as_deref(), Some(expected));
    }

    #[test]
    fn setters_the_macro_documents_are_one_line_each() {
        let item: syn::Item = syn::parse_quote! {
            setters! {
                impl Thing {
                    sets "id" pub fn with_id(value: impl Into<String>) { id = Some(value.into()); }
                    /// Sets `x` to `null`.
                    pub fn with_x_null() { x = Nullable::Null; }
                }
            }
        };
        let expected = "setters! {\n    impl Thing {\n        sets \"id\" pub fn with_id(value: impl Into<String>) { id = Some(value.into()); }\n        /// Sets `x` to `null`.\n        pub fn with_x_null() { x = Nullable::Null; }\n    }\n}\n";
        assert_eq!(declared_setters(&item).as_deref(), Some(expected));
    }

    #[test]
    fn wrapped_setters_join_into_one_line() {
        assert_eq!(
            one_line(&["pub fn with_x(", "value: Vec<", "LongItemName,", ">,", ") {", "x = value;", "}"]),
            "pub fn with_x(value: Vec<LongItemName>) { x = value; }"
        );
        assert_eq!(
            one_line(&["pub fn with_y(", "value: BTreeMap<String, Thing>,", ") {", "y = Some(value);", "}"]),
            "pub fn with_y(value: BTreeMap<String, Thing>) { y = Some(value); }"
        );
        assert_eq!(
            one_line(&["pub fn with_z_null() {", "z = Nullable::Null;", "}"]),
            "pub fn with_z_null() { z = Nullable::Null; }"
        );
    }
}
