//! Printing a file with prettyplease, piece by piece, with blank lines between items.
//!
//! A file is printed as its head (inner attributes and the items written with them) and then
//! each further piece of items on its own: prettyplease prints top-level items one after the
//! other from column 0, so the pieces join into the text of the whole file, while only one
//! piece's syntax tree is alive at a time.
//!
//! prettyplease prints items back to back; people separate them. Before printing, an empty
//! verbatim item goes before every item of a file, impl or trait but the first (keeping runs
//! of `use` together): prettyplease prints it as a line break of its own, a blank line.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::{File, ImplItem, Item, TraitItem};

/// Prints the head of a file (inner attributes, maybe items) onto `out`; returns where the
/// spacing of items stands after it.
pub fn print_head(head: TokenStream, out: &mut String) -> Result<Spacing, String> {
    let mut file: File = syn::parse2(head).map_err(|e| e.to_string())?;
    let mut spacing = Spacing::new(!file.attrs.is_empty());
    let items = std::mem::take(&mut file.items);
    out.push_str(&prettyplease::unparse(&file));
    spacing.print(items, out)?;
    Ok(spacing)
}

/// Prints `pieces` (each any number of items, no attributes of the file) onto `out`, after
/// what `spacing` says was printed before them.
pub fn print_pieces(
    spacing: &mut Spacing,
    pieces: impl IntoIterator<Item = TokenStream>,
    out: &mut String,
) -> Result<(), String> {
    for piece in pieces {
        let piece: File = syn::parse2(piece).map_err(|e| e.to_string())?;
        if !piece.attrs.is_empty() {
            return Err("a piece of a file has inner attributes".to_string());
        }
        spacing.print(piece.items, out)?;
    }
    Ok(())
}

/// Where the printing of a file's items stands.
#[derive(Debug, Clone)]
pub struct Spacing {
    /// Items printed so far.
    printed: usize,
    /// The group of the last item printed.
    previous: Option<u8>,
    /// Whether the first item is set off from the file's inner attributes.
    leading: bool,
    /// The group of the first item printed, once there is one.
    first: Option<Option<u8>>,
}

/// A group no item is in: whatever follows it is set off by a blank line.
const NO_GROUP: Option<u8> = Some(u8::MAX);

impl Spacing {
    fn new(leading: bool) -> Self {
        Spacing {
            printed: 0,
            previous: None,
            leading,
            first: None,
        }
    }

    /// Printing that continues a file whose end is not known yet: the first item is
    /// assumed to be set off by a blank line ([`Spacing::follow`] checks that it was).
    pub fn continuing() -> Self {
        Spacing {
            printed: 1,
            previous: NO_GROUP,
            leading: false,
            first: None,
        }
    }

    /// Whether an item of `group` gets a blank line before it here.
    fn breaks_before(&self, group: Option<u8>) -> bool {
        if self.printed == 0 {
            self.leading
        } else {
            group.is_none() || group != self.previous
        }
    }

    /// Where printing stands after `next` (printed [`Spacing::continuing`]) is appended to
    /// what `self` printed; `None` if `next`'s first item was set off by a blank line where
    /// it should not have been (then `next` must be printed again after `self`).
    pub fn follow(&self, next: &Spacing) -> Option<Spacing> {
        let Some(first) = next.first else {
            return Some(self.clone());
        };
        if !self.breaks_before(first) {
            return None;
        }
        Some(Spacing {
            printed: self.printed + next.printed - 1,
            previous: next.previous,
            leading: self.leading,
            first: self.first.or(next.first),
        })
    }

    /// Prints `items` after those printed so far, onto `out`.
    fn print(&mut self, items: Vec<Item>, out: &mut String) -> Result<(), String> {
        if items.is_empty() {
            return Ok(());
        }
        let mut run = Vec::new();
        for item in self.space(items) {
            match struct_macro(&item) {
                Some(text) => {
                    unparse(&mut run, out)?;
                    out.push_str(&text);
                }
                None => run.push(item),
            }
        }
        unparse(&mut run, out)
    }

    /// `items` with a blank line before each that does not continue the group of the one
    /// before it, and blank lines inside them.
    fn space(&mut self, items: Vec<Item>) -> Vec<Item> {
        let mut spaced = Vec::with_capacity(items.len() * 2);
        for mut item in items {
            let group = group(&item);
            if self.breaks_before(group) {
                spaced.push(Item::Verbatim(TokenStream::new()));
            }
            self.first.get_or_insert(group);
            self.previous = group;
            self.printed += 1;
            space_inner(&mut item);
            spaced.push(item);
        }
        spaced
    }
}

/// Prints `items` with prettyplease onto `out`, and empties them.
fn unparse(items: &mut Vec<Item>, out: &mut String) -> Result<(), String> {
    if items.is_empty() {
        return Ok(());
    }
    let mut file: File = syn::parse2(TokenStream::new()).map_err(|e| e.to_string())?;
    file.items = std::mem::take(items);
    out.push_str(&prettyplease::unparse(&file));
    Ok(())
}

/// rustfmt's `max_width`, here counted in characters (rustfmt counts display width).
const MAX_WIDTH: usize = 100;

/// An item `path!(Name { field: function(arguments), ... });` laid out a field to a line, in
/// rustfmt's style for a struct literal in a macro call (prettyplease prints the tokens of a
/// macro it does not know filling lines). `None` for any other item. The tokens are read
/// as they are, without a parse: arguments are literals and paths.
fn struct_macro(item: &Item) -> Option<String> {
    let Item::Macro(item) = item else {
        return None;
    };
    if !item.attrs.is_empty()
        || item.ident.is_some()
        || !matches!(item.mac.delimiter, syn::MacroDelimiter::Paren(_))
    {
        return None;
    }
    let mut tokens = item.mac.tokens.clone().into_iter();
    let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(body)), None) =
        (tokens.next(), tokens.next(), tokens.next())
    else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    let mut text = format!("{}!({name} {{\n", path_text(&item.mac.path)?);
    let mut fields = body.stream().into_iter().peekable();
    while fields.peek().is_some() {
        // `field: function(arguments)`, then a comma unless it is the last.
        let (Some(TokenTree::Ident(field)), Some(TokenTree::Punct(colon))) =
            (fields.next(), fields.next())
        else {
            return None;
        };
        let (Some(TokenTree::Ident(function)), Some(TokenTree::Group(call))) =
            (fields.next(), fields.next())
        else {
            return None;
        };
        if colon.as_char() != ':' || call.delimiter() != Delimiter::Parenthesis {
            return None;
        }
        match fields.next() {
            None => {}
            Some(TokenTree::Punct(comma)) if comma.as_char() == ',' => {}
            Some(_) => return None,
        }
        // Each argument a literal or a path (`f`, `self::f`), the tokens written together.
        let mut arguments: Vec<String> = vec![String::new()];
        for token in call.stream() {
            let current = arguments.last_mut()?;
            match token {
                TokenTree::Punct(comma) if comma.as_char() == ',' && !current.is_empty() => {
                    arguments.push(String::new());
                }
                TokenTree::Punct(colon) if colon.as_char() == ':' && !current.is_empty() => {
                    current.push(':');
                }
                TokenTree::Literal(literal) if current.is_empty() => {
                    current.push_str(&literal.to_string());
                }
                TokenTree::Ident(ident) if current.is_empty() || current.ends_with("::") => {
                    current.push_str(&ident.to_string());
                }
                _ => return None,
            }
        }
        if arguments.last().is_some_and(String::is_empty) {
            return None;
        }
        let line = format!("    {field}: {function}({}),", arguments.join(", "));
        if line.chars().count() <= MAX_WIDTH {
            text.push_str(&line);
            text.push('\n');
        } else {
            // rustfmt's layout of a call too long for its line: an argument to a line.
            text.push_str(&format!("    {field}: {function}(\n"));
            let arguments: Vec<String> = arguments.iter().map(|a| format!("        {a}")).collect();
            text.push_str(&arguments.join(",\n"));
            text.push_str("\n    ),\n");
        }
    }
    text.push_str("});\n");
    Some(text)
}

/// A path as written, `a::b`, when it has no generic arguments.
fn path_text(path: &syn::Path) -> Option<String> {
    let mut text = String::new();
    if path.leading_colon.is_some() {
        text.push_str("::");
    }
    for (index, segment) in path.segments.iter().enumerate() {
        if !segment.arguments.is_none() {
            return None;
        }
        if index > 0 {
            text.push_str("::");
        }
        text.push_str(&segment.ident.to_string());
    }
    Some(text)
}

/// Blank lines between the items of an impl, a trait or an inline module.
fn space_inner(item: &mut Item) {
    match item {
        Item::Impl(block) => {
            block.items = interleave(std::mem::take(&mut block.items), || {
                ImplItem::Verbatim(TokenStream::new())
            });
        }
        Item::Trait(block) => {
            block.items = interleave(std::mem::take(&mut block.items), || {
                TraitItem::Verbatim(TokenStream::new())
            });
        }
        Item::Mod(module) => {
            if let Some((_, inner)) = &mut module.content {
                *inner = Spacing::new(false).space(std::mem::take(inner));
            }
        }
        _ => {}
    }
}

/// `items` with `blank()` between every two of them.
fn interleave<T>(items: Vec<T>, blank: impl Fn() -> T) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len() * 2);
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            out.push(blank());
        }
        out.push(item);
    }
    out
}

/// Items that stand together without blank lines: runs of imports, of re-exports, and of
/// module declarations.
fn group(item: &Item) -> Option<u8> {
    match item {
        Item::Use(u) if matches!(u.vis, syn::Visibility::Inherited) => Some(0),
        Item::Use(_) => Some(1),
        Item::Mod(m) if m.content.is_none() && matches!(m.vis, syn::Visibility::Inherited) => {
            Some(2)
        }
        Item::Mod(m) if m.content.is_none() => Some(3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_methods_are_separated_but_uses_stay_together() -> Result<(), String> {
        let text = "//! Docs.\nuse a::b;\nuse c::d;\nmod m;\nmod n;\npub mod p;\npub use p::Q;\n/// A thing.\npub struct S;\nimpl S {\n    fn a() {}\n    /// B.\n    fn b() {}\n}\n";
        let tokens: TokenStream = text
            .parse()
            .map_err(|e: proc_macro2::LexError| e.to_string())?;
        let mut spaced = String::new();
        print_head(tokens, &mut spaced)?;
        assert_eq!(
            spaced,
            "//! Docs.\n\nuse a::b;\nuse c::d;\n\nmod m;\nmod n;\n\npub mod p;\n\npub use p::Q;\n\n/// A thing.\npub struct S;\n\nimpl S {\n    fn a() {}\n\n    /// B.\n    fn b() {}\n}\n"
        );
        Ok(())
    }

    #[test]
    fn a_struct_literal_in_a_macro_call_gets_a_field_to_a_line_as_rustfmt_gives_it()
    -> Result<(), String> {
        let long = "a".repeat(80);
        let text = format!(
            "pub struct S;\ncrate::m::object!(S {{ a: required(\"a\"), r#type: or_else(\"type\", self::f), {long}: optional(\"{long}\") }});\ncrate::m::other!(S);\ncrate::m::object!(S {{ a: required(\"a\" + 1) }});\n"
        );
        let tokens: TokenStream = text
            .parse()
            .map_err(|e: proc_macro2::LexError| e.to_string())?;
        let mut spaced = String::new();
        print_head(tokens, &mut spaced)?;
        let expected = format!(
            "pub struct S;\n\ncrate::m::object!(S {{\n    a: required(\"a\"),\n    r#type: or_else(\"type\", self::f),\n    {long}: optional(\n        \"{long}\"\n    ),\n}});\n\ncrate::m::other!(S);\n\ncrate::m::object!(S {{ a : required(\"a\" + 1) }});\n"
        );
        assert_eq!(spaced, expected);
        Ok(())
    }
}
