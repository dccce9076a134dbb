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
    let mut out = match declared_enum(first) {
        // Printed on its own, after the inner attributes' lines.
        Ok(text) => {
            let mut out =
                prettyplease::unparse(&syn::File { shebang: None, frontmatter: None, attrs, items: Vec::new() });
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out + &text
        }
        Err(first) => prettyplease::unparse(&syn::File { shebang: None, frontmatter: None, attrs, items: vec![first] }),
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
    let item = match declared_enum(item).or_else(declared_setters) {
        Ok(text) => return text,
        Err(item) => item,
    };
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
/// is handed back.
fn declared_enum(item: Item) -> Result<String, Item> {
    let Item::Macro(mac) = &item else { return Err(item) };
    if !mac.mac.path.is_ident("open_enum") {
        return Err(item);
    }
    // `Variant = "wire"` parses as an enum with discriminant expressions, which prettyplease prints
    // one per line.
    let Ok(body) = syn::parse2::<syn::ItemEnum>(mac.mac.tokens.clone()) else { return Err(item) };
    let mut out = String::from("open_enum! {\n");
    for line in print(Item::Enum(body)).lines() {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("}\n");
    Ok(out)
}

/// `setters! { impl X { .. } }` printed with each setter on one line under its doc comment
/// (`pub fn with_id(value: impl Into<String>) { id = Some(value.into()); }`): printed as a function,
/// prettyplease spreads it over three lines or more. Any other item is handed back.
fn declared_setters(item: Item) -> Result<String, Item> {
    let Item::Macro(mac) = &item else { return Err(item) };
    if !mac.mac.path.is_ident("setters") {
        return Err(item);
    }
    let Ok(mut block) = syn::parse2::<syn::ItemImpl>(mac.mac.tokens.clone()) else { return Err(item) };
    let members = std::mem::take(&mut block.items);
    let header = print(Item::Impl(block));
    let open = header.rfind('{').unwrap_or(header.len());
    let mut out = format!("setters! {{\n    {}{{\n", &header[..open]);
    let printed: Vec<String> = members.into_iter().map(|m| print(member_as_item(m))).collect();
    // One-line docs (a model's `with_<field>`) stack up like a table; longer ones (a builder's
    // parameters) are separated by a blank line, as methods are.
    let spaced = printed.iter().any(|p| p.lines().filter(|l| l.trim_start().starts_with("///")).count() > 1);
    for (i, text) in printed.iter().enumerate() {
        if spaced && i > 0 {
            out.push('\n');
        }
        let mut code = String::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("///") {
                out.push_str("        ");
                out.push_str(line);
                out.push('\n');
            } else {
                // The signature and body, joined; a parameter list prettyplease wrapped closes up
                // (`with_x(\n    value: T,\n) {` is `with_x(value: T) {`).
                if code.ends_with('(') {
                    code.push_str(line.strip_suffix(',').unwrap_or(line));
                } else {
                    if !code.is_empty() && !line.starts_with(')') {
                        code.push(' ');
                    }
                    code.push_str(line);
                }
            }
        }
        out.push_str("        ");
        out.push_str(&code);
        out.push('\n');
    }
    out.push_str("    }\n}\n");
    Ok(out)
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
