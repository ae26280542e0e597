//! A program that awaits every operation of nexus's crate, one per generator: what a user who
//! calls the whole API compiles beyond the crate itself. Our crates compile an operation's
//! request and decoding code where it is called (`#[inline]`), so the crate alone is not the
//! whole price; this program is the most a user can pay.
//!
//! The calls are read from each crate as generated: ours from its `api-surface.json`
//! (`resource.method` and the arguments), progenitor's from the `async fn`s of its `Client`.
//! Arguments are `any()`, a value of whatever type is asked for: the program is built, never
//! run.

use std::fs;
use std::path::Path;

/// The caller's `src/main.rs`, around the calls (one statement each) of `krate`.
fn program(krate: &str, calls: &[String]) -> String {
    let mut text = String::new();
    text.push_str(
        "//! Built by `cargo xtask bench`, never run: it awaits every operation once.\n\n",
    );
    text.push_str("use std::future::Future;\nuse std::pin::Pin;\n\n");
    text.push_str("fn any<T>() -> T {\n    unreachable!(\"built, never run\")\n}\n\n");
    text.push_str(&format!(
        "async fn every(client: &'static {krate}::Client) {{\n"
    ));
    for call in calls {
        text.push_str(&format!("    let _ = {call};\n"));
    }
    text.push_str("}\n\n");
    text.push_str(
        "fn main() {\n    let future: Pin<Box<dyn Future<Output = ()>>> = Box::pin(every(any()));\n    std::hint::black_box(future);\n}\n",
    );
    text
}

/// Ours: `client.<resource>().<method>(<arguments>).await` for every operation of the
/// crate's API record. `String` and `Bytes` arguments are taken as `impl Into<...>`, so they
/// get a value of a type that converts; any other, `any()`.
pub fn ours(crate_dir: &Path, krate: &str) -> Result<String, String> {
    let path = crate_dir.join("api-surface.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let surface: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let operations = surface
        .get("operations")
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| format!("`{}` lists no operations", path.display()))?;
    let mut calls = Vec::new();
    for (name, operation) in operations {
        let (resource, method) = name
            .split_once('.')
            .ok_or_else(|| format!("operation `{name}` is not `resource.method`"))?;
        let arguments: Vec<&str> = operation
            .get("arguments")
            .and_then(serde_json::Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|argument| {
                        let ty = argument
                            .as_str()
                            .and_then(|a| a.split_once(": "))
                            .map_or("", |(_, ty)| ty);
                        match ty {
                            "String" => "String::new()",
                            "Bytes" => "Vec::<u8>::new()",
                            _ => "any()",
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        calls.push(format!(
            "client.{resource}().{method}({}).await",
            arguments.join(", ")
        ));
    }
    Ok(program(krate, &calls))
}

/// Progenitor's: `client.<operation>(<arguments>).await` for every `async fn` of `impl Client`
/// in its `src/lib.rs`. An argument whose type is a type parameter of the method (a body
/// `B: Into<reqwest::Body>`) gets bytes.
pub fn progenitor(crate_dir: &Path, krate: &str) -> Result<String, String> {
    let path = crate_dir.join("src").join("lib.rs");
    let text = fs::read_to_string(&path).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let file = syn::parse_file(&text).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let mut calls = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = block.self_ty.as_ref() else {
            continue;
        };
        if block.trait_.is_some() || !self_ty.path.is_ident("Client") {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(function) = member else {
                continue;
            };
            let public = matches!(function.vis, syn::Visibility::Public(_));
            if !public || function.sig.asyncness.is_none() {
                continue;
            }
            let generic = |ty: &syn::Type| {
                let syn::Type::Path(path) = ty else {
                    return false;
                };
                function
                    .sig
                    .generics
                    .type_params()
                    .any(|p| path.path.is_ident(&p.ident))
            };
            let arguments = function
                .sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(typed) if generic(&typed.ty) => Some("Vec::<u8>::new()"),
                    syn::FnArg::Typed(_) => Some("any()"),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect::<Vec<_>>();
            calls.push(format!(
                "client.{}({}).await",
                function.sig.ident,
                arguments.join(", ")
            ));
        }
    }
    if calls.is_empty() {
        return Err(format!(
            "no `async fn` of `impl Client` in `{}`",
            path.display()
        ));
    }
    Ok(program(krate, &calls))
}
