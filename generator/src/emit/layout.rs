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

use proc_macro2::TokenStream;
use syn::{File, ImplItem, Item, TraitItem};

/// The text of a file whose head is `head` (inner attributes, maybe items) and whose further
/// items come in `pieces` (each any number of items, no attributes of the file).
pub fn print_file(
    head: TokenStream,
    pieces: impl IntoIterator<Item = TokenStream>,
) -> Result<String, String> {
    let mut file: File = syn::parse2(head).map_err(|e| e.to_string())?;
    let mut spacing = Spacing::new(!file.attrs.is_empty());
    let items = std::mem::take(&mut file.items);
    let mut out = prettyplease::unparse(&file);
    // The same file, without its attributes, holds each piece of items in turn.
    file.attrs.clear();
    spacing.print(&mut file, items, &mut out);
    for piece in pieces {
        let piece: File = syn::parse2(piece).map_err(|e| e.to_string())?;
        if !piece.attrs.is_empty() {
            return Err("a piece of a file has inner attributes".to_string());
        }
        spacing.print(&mut file, piece.items, &mut out);
    }
    Ok(out)
}

/// Where the printing of a file's items stands.
struct Spacing {
    /// Items printed so far.
    printed: usize,
    /// The group of the last item printed.
    previous: Option<u8>,
    /// Whether the first item is set off from the file's inner attributes.
    leading: bool,
}

impl Spacing {
    fn new(leading: bool) -> Self {
        Spacing {
            printed: 0,
            previous: None,
            leading,
        }
    }

    /// Prints `items` after those printed so far, onto `out`, as the items of `file` (a
    /// file with nothing else in it).
    fn print(&mut self, file: &mut File, items: Vec<Item>, out: &mut String) {
        if items.is_empty() {
            return;
        }
        file.items = self.space(items);
        out.push_str(&prettyplease::unparse(file));
        file.items.clear();
    }

    /// `items` with a blank line before each that does not continue the group of the one
    /// before it, and blank lines inside them.
    fn space(&mut self, items: Vec<Item>) -> Vec<Item> {
        let mut spaced = Vec::with_capacity(items.len() * 2);
        for mut item in items {
            let group = group(&item);
            let first = self.printed == 0;
            if (first && self.leading) || (!first && (group.is_none() || group != self.previous)) {
                spaced.push(Item::Verbatim(TokenStream::new()));
            }
            self.previous = group;
            self.printed += 1;
            space_inner(&mut item);
            spaced.push(item);
        }
        spaced
    }
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
        let spaced = print_file(tokens, [])?;
        assert_eq!(
            spaced,
            "//! Docs.\n\nuse a::b;\nuse c::d;\n\nmod m;\nmod n;\n\npub mod p;\n\npub use p::Q;\n\n/// A thing.\npub struct S;\n\nimpl S {\n    fn a() {}\n\n    /// B.\n    fn b() {}\n}\n"
        );
        Ok(())
    }
}
