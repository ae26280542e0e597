//! Doc comments from spec text.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc]` attribute per line, so that the formatter prints `///` lines. Blank
/// paragraphs at the ends are dropped; an empty text gives no attribute.
pub fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    lines(text)
}

/// Like [`doc`] for several paragraphs, separated by blank doc lines.
pub fn doc_paragraphs(parts: &[Option<&str>]) -> TokenStream {
    lines(&paragraphs(parts))
}

/// Like [`doc_paragraphs`], as inner attributes (`//!`), for a module or crate.
pub fn inner_doc_paragraphs(parts: &[Option<&str>]) -> TokenStream {
    lines_as(&paragraphs(parts), true)
}

fn paragraphs(parts: &[Option<&str>]) -> String {
    let present: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    present.join("\n\n")
}

fn lines(text: &str) -> TokenStream {
    lines_as(text, false)
}

fn lines_as(text: &str, inner: bool) -> TokenStream {
    let text = text.trim();
    if text.is_empty() {
        return TokenStream::new();
    }
    let attributes = text.lines().map(|line| {
        let line = line.trim_end();
        // Tabs read as indentation and confuse Markdown; rustdoc wants spaces.
        let line = line.replace('\t', "    ");
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        if inner {
            quote!(#![doc = #line])
        } else {
            quote!(#[doc = #line])
        }
    });
    quote!(#(#attributes)*)
}
