//! Blank lines between items. prettyplease prints items back to back; people separate them.
//! The formatted text is parsed again (with line numbers) and a blank line goes before every
//! item of a file, impl or trait but the first, keeping runs of `use` together.

use std::collections::BTreeSet;

use syn::spanned::Spanned;
use syn::{Attribute, ImplItem, Item, TraitItem};

pub fn space_items(text: &str) -> Result<String, String> {
    let file = syn::parse_file(text).map_err(|e| e.to_string())?;
    let mut breaks = BTreeSet::new();
    if !file.attrs.is_empty() {
        if let Some(first) = file.items.first() {
            breaks.insert(start(item_attrs(first), first.span()));
        }
    }
    items(&file.items, &mut breaks);
    let mut out = String::with_capacity(text.len() + breaks.len());
    for (index, line) in text.lines().enumerate() {
        if breaks.contains(&(index + 1)) && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

fn items(items: &[Item], breaks: &mut BTreeSet<usize>) {
    let mut previous = None;
    for (index, item) in items.iter().enumerate() {
        let group = group(item);
        if index > 0 && (group.is_none() || group != previous) {
            breaks.insert(start(item_attrs(item), item.span()));
        }
        previous = group;
        match item {
            Item::Impl(block) => {
                for (index, inner) in block.items.iter().enumerate() {
                    if index > 0 {
                        breaks.insert(start(impl_item_attrs(inner), inner.span()));
                    }
                }
            }
            Item::Trait(block) => {
                for (index, inner) in block.items.iter().enumerate() {
                    if index > 0 {
                        breaks.insert(start(trait_item_attrs(inner), inner.span()));
                    }
                }
            }
            Item::Mod(module) => {
                if let Some((_, inner)) = &module.content {
                    self::items(inner, breaks);
                }
            }
            _ => {}
        }
    }
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

/// The line an item starts on, its attributes (doc comments) included.
fn start(attrs: &[Attribute], span: proc_macro2::Span) -> usize {
    let own = span.start().line;
    attrs
        .iter()
        .map(|a| a.pound_token.span.start().line)
        .chain(std::iter::once(own))
        .min()
        .unwrap_or(own)
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn impl_item_attrs(item: &ImplItem) -> &[Attribute] {
    match item {
        ImplItem::Const(i) => &i.attrs,
        ImplItem::Fn(i) => &i.attrs,
        ImplItem::Type(i) => &i.attrs,
        ImplItem::Macro(i) => &i.attrs,
        _ => &[],
    }
}

fn trait_item_attrs(item: &TraitItem) -> &[Attribute] {
    match item {
        TraitItem::Const(i) => &i.attrs,
        TraitItem::Fn(i) => &i.attrs,
        TraitItem::Type(i) => &i.attrs,
        TraitItem::Macro(i) => &i.attrs,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_methods_are_separated_but_uses_stay_together() -> Result<(), String> {
        let text = "//! Docs.\nuse a::b;\nuse c::d;\nmod m;\nmod n;\npub mod p;\npub use p::Q;\n/// A thing.\npub struct S;\nimpl S {\n    fn a() {}\n    /// B.\n    fn b() {}\n}\n";
        let spaced = space_items(text)?;
        assert_eq!(
            spaced,
            "//! Docs.\n\nuse a::b;\nuse c::d;\n\nmod m;\nmod n;\n\npub mod p;\n\npub use p::Q;\n\n/// A thing.\npub struct S;\n\nimpl S {\n    fn a() {}\n\n    /// B.\n    fn b() {}\n}\n"
        );
        Ok(())
    }
}
