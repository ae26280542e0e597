//! Blank lines between items. prettyplease prints items back to back; people separate them.
//! Before printing, an empty verbatim item goes before every item of a file, impl or trait
//! but the first (keeping runs of `use` together): prettyplease prints it as a line break of
//! its own, which is a blank line. No second parse of the printed text is needed.

use proc_macro2::TokenStream;
use syn::{File, ImplItem, Item, TraitItem};

/// The file, printed by prettyplease, with blank lines between its items.
pub fn unparse_spaced(mut file: File) -> String {
    let leading = !file.attrs.is_empty() && !file.items.is_empty();
    space_items(&mut file.items);
    if leading {
        file.items.insert(0, Item::Verbatim(TokenStream::new()));
    }
    prettyplease::unparse(&file)
}

fn space_items(items: &mut Vec<Item>) {
    let mut spaced = Vec::with_capacity(items.len() * 2);
    let mut previous = None;
    for (index, mut item) in std::mem::take(items).into_iter().enumerate() {
        let group = group(&item);
        if index > 0 && (group.is_none() || group != previous) {
            spaced.push(Item::Verbatim(TokenStream::new()));
        }
        previous = group;
        match &mut item {
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
                    space_items(inner);
                }
            }
            _ => {}
        }
        spaced.push(item);
    }
    *items = spaced;
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
        let spaced = unparse_spaced(syn::parse_file(text).map_err(|e| e.to_string())?);
        assert_eq!(
            spaced,
            "//! Docs.\n\nuse a::b;\nuse c::d;\n\nmod m;\nmod n;\n\npub mod p;\n\npub use p::Q;\n\n/// A thing.\npub struct S;\n\nimpl S {\n    fn a() {}\n\n    /// B.\n    fn b() {}\n}\n"
        );
        Ok(())
    }
}
