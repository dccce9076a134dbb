//! Printing a module the way a person would lay it out: prettyplease prints each item, and items are
//! separated by a blank line (consecutive `use` and `mod` lines stay together), as are the members of
//! an `impl` block. Only whole items are joined; nothing inside prettyplease's output is rewritten.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
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
    let mut out = match declared(&first) {
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
    if let Some(text) = declared(&item) {
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

/// A declaration through one of the crate's macros (`open_enum!`, `setters!`, `serde_struct!`), laid
/// out as the item it reads like; `None` for any other item.
fn declared(item: &Item) -> Option<String> {
    declared_enum(item).or_else(|| declared_setters(item)).or_else(|| declared_serde_struct(item))
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
    // one per line; the catch-all's `_ =>` does not, so it goes before parsing and comes back on the
    // last variant's line.
    let (tokens, catch_all) = without_catch_all_arrow(mac.mac.tokens.clone())?;
    let body = syn::parse2::<syn::ItemEnum>(tokens).ok()?;
    let mut out = String::from("open_enum! {\n");
    let printed = print(Item::Enum(body));
    for line in printed.lines() {
        if !line.is_empty() {
            out.push_str("    ");
            let trimmed = line.trim_start();
            if trimmed.strip_suffix(',').is_some_and(|v| v == catch_all) {
                out.push_str(&line[..line.len() - trimmed.len()]);
                out.push_str("_ => ");
                out.push_str(trimmed);
            } else {
                out.push_str(line);
            }
        }
        out.push('\n');
    }
    out.push_str("}\n");
    Some(out)
}

/// The tokens of `open_enum!` without the `_ =>` before the catch-all variant (no enum syntax syn
/// could parse), and that variant as prettyplease prints it (`Unknown(String)`); `None` without one.
fn without_catch_all_arrow(tokens: TokenStream) -> Option<(TokenStream, String)> {
    let mut catch_all = None;
    let tokens = filter_body(tokens, |member, rest| {
        if !matches!(member, TokenTree::Ident(word) if word == "_") {
            return true;
        }
        // `_`, then `=>` as two puncts, then the variant and its `(String)`.
        let mut ahead = rest.clone();
        let arrow = matches!((ahead.next(), ahead.next()), (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == '=' && b.as_char() == '>');
        if !arrow {
            return true;
        }
        rest.nth(1);
        if let (Some(TokenTree::Ident(variant)), Some(TokenTree::Group(field))) = (ahead.next(), ahead.next()) {
            catch_all = Some(format!("{variant}({})", field.stream()));
        }
        false
    });
    Some((tokens, catch_all?))
}

/// A macro's tokens (`pub enum X { .. }`, `impl X { .. }`) with the tokens of its one top-level brace
/// group filtered by `keep`: it sees each token and the rest of the group, and takes off with a token
/// it drops whatever follows that belongs to it. The two macros that need a word taken off before
/// syn parses their body share this walk.
fn filter_body(tokens: TokenStream, mut keep: impl FnMut(&TokenTree, &mut Members) -> bool) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(body) if body.delimiter() == Delimiter::Brace => {
                let mut members = body.stream().into_iter().peekable();
                let mut kept = Vec::new();
                while let Some(member) = members.next() {
                    if keep(&member, &mut members) {
                        kept.push(member);
                    }
                }
                TokenTree::Group(Group::new(Delimiter::Brace, kept.into_iter().collect()))
            }
            other => other,
        })
        .collect()
}

/// The rest of a brace group's tokens, as [`filter_body`] walks them.
type Members = std::iter::Peekable<proc_macro2::token_stream::IntoIter>;

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
fn without_sets_prefixes(tokens: TokenStream) -> (TokenStream, Vec<Option<String>>) {
    let mut prefixes = Vec::new();
    let mut pending = None;
    let tokens = filter_body(tokens, |member, rest| match member {
        TokenTree::Ident(word) if word == "sets" => {
            if let Some(TokenTree::Literal(wire)) = rest.next() {
                pending = Some(wire.to_string());
            }
            false
        }
        TokenTree::Ident(word) if word == "fn" => {
            prefixes.push(pending.take());
            true
        }
        _ => true,
    });
    (tokens, prefixes)
}

/// `serde_struct! { pub struct X { pub field: T as "wire" default omit, .. } }` printed as
/// prettyplease prints the struct, each field on one line with its `as ..` part (and `Deserialize for
/// X { field: T as "wire" default omit, .. }` the same way): its tokens are no Rust item that
/// prettyplease could lay out. Any other item is `None`.
fn declared_serde_struct(item: &Item) -> Option<String> {
    let Item::Macro(mac) = item else { return None };
    if !mac.mac.path.is_ident("serde_struct") {
        return None;
    }
    if let Ok(wired) = syn::parse2::<WiredStruct>(mac.mac.tokens.clone()) {
        return wired_struct_text(wired);
    }
    // `Deserialize for X { field: Type as "wire" markers, .. }`: its fields print as a struct's do.
    let mut tokens = mac.mac.tokens.clone().into_iter();
    let (Some(TokenTree::Ident(derive)), Some(TokenTree::Ident(for_token)), Some(TokenTree::Ident(name))) =
        (tokens.next(), tokens.next(), tokens.next())
    else {
        return None;
    };
    let (Some(TokenTree::Group(body)), None) = (tokens.next(), tokens.next()) else { return None };
    if derive != "Deserialize" || for_token != "for" || body.delimiter() != Delimiter::Brace {
        return None;
    }
    let wired = syn::parse2::<WiredStruct>(quote::quote!(struct #name #body)).ok()?;
    let text = wired_struct_text(wired)?;
    Some(text.replacen(&format!("    struct {name} {{"), &format!("    Deserialize for {name} {{"), 1))
}

/// A struct as `serde_struct!` declares it: the struct without the `as "wire" markers` after each field,
/// and those parts in field order.
struct WiredStruct {
    item: syn::ItemStruct,
    wires: Vec<String>,
}

impl syn::parse::Parse for WiredStruct {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis = input.parse()?;
        let struct_token = input.parse()?;
        let ident = input.parse()?;
        let body;
        let brace_token = syn::braced!(body in input);
        let mut named = syn::punctuated::Punctuated::new();
        let mut wires = Vec::new();
        while !body.is_empty() {
            let attrs = body.call(syn::Attribute::parse_outer)?;
            let vis = body.parse()?;
            let ident: syn::Ident = body.parse()?;
            let colon_token: syn::Token![:] = body.parse()?;
            let ty: syn::Type = body.parse()?;
            body.parse::<syn::Token![as]>()?;
            let wire: syn::LitStr = body.parse()?;
            let mut wired = format!("as {}", quote::ToTokens::to_token_stream(&wire));
            while !body.peek(syn::Token![,]) {
                let marker: syn::Ident = body.parse()?;
                wired.push(' ');
                wired.push_str(&marker.to_string());
            }
            body.parse::<syn::Token![,]>()?;
            named.push(syn::Field {
                attrs,
                vis,
                modifiers: syn::FieldModifiers::default(),
                ident: Some(ident),
                colon_token: Some(colon_token),
                ty,
                default: None,
            });
            wires.push(wired);
        }
        let fields = syn::Fields::Named(syn::FieldsNamed { brace_token, named });
        let item = syn::ItemStruct {
            attrs,
            vis,
            struct_token,
            ident,
            generics: syn::Generics::default(),
            fields,
            semi_token: None,
        };
        Ok(Self { item, wires })
    }
}

/// The struct printed by prettyplease inside `serde_struct! { .. }`, each field joined onto one line
/// (prettyplease wraps a long type) and followed by its `as ..` part; `None` if the printed fields do
/// not line up with the declared ones.
fn wired_struct_text(wired: WiredStruct) -> Option<String> {
    let text = print(Item::Struct(wired.item));
    let mut wires = wired.wires.iter();
    let mut out = String::from("serde_struct! {\n");
    let indented = |out: &mut String, line: &str| {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(line);
        }
        out.push('\n');
    };
    let mut lines = text.lines().peekable();
    // Docs and attributes, then the `pub struct X {` line (a wrapped attribute's lines are indented).
    for line in lines.by_ref() {
        indented(&mut out, line);
        let head = !line.starts_with([' ', '#', ')', ']']) && !line.starts_with("///");
        if head {
            break;
        }
    }
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent == 0 || trimmed.starts_with("///") || trimmed.starts_with("#[") {
            // The closing brace, or a field's doc or attribute.
            indented(&mut out, line);
            continue;
        }
        // A field: its first line and the lines of a type prettyplease wrapped.
        let mut field = vec![trimmed];
        while let Some(next) = lines.peek() {
            let rest = next.trim_start();
            let continues = next.len() - rest.len() > indent || rest.starts_with(['>', ')', ']']);
            if !continues {
                break;
            }
            field.push(rest);
            lines.next();
        }
        let joined = one_line(&field);
        let declared = joined.strip_suffix(',').unwrap_or(&joined);
        indented(&mut out, &format!("    {declared} {},", wires.next()?));
    }
    if wires.next().is_some() {
        return None;
    }
    out.push_str("}\n");
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
    use super::{declared_enum, declared_serde_struct, declared_setters, one_line};

    #[test]
    fn an_open_enum_prints_one_value_per_line_and_its_catch_all_arm() {
        let item: syn::Item = syn::parse_quote! {
            open_enum! {
                #[doc = " A role."]
                pub enum Role { Owner = "OWNER", Unknown = "UNKNOWN", _ => UnknownValue(String), }
            }
        };
        let expected = "open_enum! {\n    /// A role.\n    pub enum Role {\n        Owner = \"OWNER\",\n        Unknown = \"UNKNOWN\",\n        _ => UnknownValue(String),\n    }\n}\n";
        assert_eq!(declared_enum(&item).as_deref(), Some(expected));
        // Without the catch-all arm it is no `open_enum!` the crate declares.
        let bare: syn::Item = syn::parse_quote!(open_enum! { pub enum Role { Owner = "OWNER", } });
        assert_eq!(declared_enum(&bare), None);
    }

    #[test]
    fn a_struct_declared_in_serde_struct_prints_as_a_struct_with_one_line_per_field() {
        let item: syn::Item = syn::parse_quote! {
            serde_struct! {
                #[doc = " A thing."]
                #[derive(Debug, Clone, PartialEq, Default)]
                #[non_exhaustive]
                pub struct Thing {
                    #[doc = " Its id."]
                    #[doc = ""]
                    #[doc = " Read-only."]
                    pub id: String as "id",
                    pub r#type: Option<String> as "type" default omit,
                    pub secret: Option<SecretString> as "secret" skip_read,
                    pub very_long_field_name_for_wrapping: Option<std::collections::BTreeMap<String, Vec<VeryLongTypeNameThatWraps>>> as "veryLong" default omit,
                }
            }
        };
        let expected = concat!(
            "serde_struct! {\n",
            "    /// A thing.\n",
            "    #[derive(Debug, Clone, PartialEq, Default)]\n",
            "    #[non_exhaustive]\n",
            "    pub struct Thing {\n",
            "        /// Its id.\n",
            "        ///\n",
            "        /// Read-only.\n",
            "        pub id: String as \"id\",\n",
            "        pub r#type: Option<String> as \"type\" default omit,\n",
            "        pub secret: Option<SecretString> as \"secret\" skip_read,\n",
            "        pub very_long_field_name_for_wrapping: Option<std::collections::BTreeMap<String, Vec<VeryLongTypeNameThatWraps>>> as \"veryLong\" default omit,\n",
            "    }\n",
            "}\n",
        );
        assert_eq!(declared_serde_struct(&item).as_deref(), Some(expected));
        let empty: syn::Item = syn::parse_quote!(serde_struct! { pub struct Empty {} });
        assert_eq!(declared_serde_struct(&empty).as_deref(), Some("serde_struct! {\n    pub struct Empty {}\n}\n"));
    }

    #[test]
    fn deserialize_alone_is_one_field_per_line() {
        let derived: syn::Item = syn::parse_quote! {
            serde_struct! { Deserialize for Thing { id: String as "id", tags: Vec<String> as "tags" default omit, } }
        };
        let expected = "serde_struct! {\n    Deserialize for Thing {\n        id: String as \"id\",\n        tags: Vec<String> as \"tags\" default omit,\n    }\n}\n";
        assert_eq!(declared_serde_struct(&derived).as_deref(), Some(expected));
        let empty: syn::Item = syn::parse_quote!(serde_struct! { Deserialize for Empty {} });
        assert_eq!(
            declared_serde_struct(&empty).as_deref(),
            Some("serde_struct! {\n    Deserialize for Empty {}\n}\n")
        );
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
