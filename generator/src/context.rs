//! What every lowering step shares: the parsed document, where its nodes came from, and the
//! list of diagnostics collected so far.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity, did_you_mean};
use crate::sources::Sources;
use crate::yaml::escape_token;

pub struct Ctx<'a> {
    pub spec: &'a OpenAPI,
    /// The document as bundled (and, for 3.1, normalised): what `spec` was read from.
    pub raw: &'a Value,
    /// Which file, pointer and line each node of `raw` came from.
    pub sources: &'a Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// Pointers of the `$ref`s already reported as leading nowhere.
    pub dangling: BTreeSet<String>,
}

/// A JSON pointer one step below `base`.
pub fn child(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_token(token))
}

impl<'a> Ctx<'a> {
    fn push(&mut self, severity: Severity, pointer: &str, message: String) {
        let diagnostic = self.sources.diagnostic(severity, pointer, message);
        self.diagnostics.push(diagnostic);
    }

    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Error, pointer, message.into());
    }

    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Warning, pointer, message.into());
    }

    /// The raw JSON node at `pointer` (`#/a/b`).
    pub fn raw_at(&self, pointer: &str) -> Option<&'a Value> {
        self.raw
            .pointer(pointer.strip_prefix('#').unwrap_or(pointer))
    }

    /// A string property next to a node, read from the raw document (a `description` beside
    /// a `$ref`, which the typed model drops).
    pub fn raw_string(&self, pointer: &str, key: &str) -> Option<String> {
        self.raw_at(pointer)?.get(key)?.as_str().map(str::to_string)
    }

    /// Follows a local reference of one component kind (`parameters`, `responses`, ...) to
    /// its item, through chains of references. Reports and returns `None` when it dangles.
    pub fn resolve<T>(
        &mut self,
        kind: &str,
        item: &'a ReferenceOr<T>,
        pointer: &str,
        lookup: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let mut current = item;
        let mut at = pointer.to_string();
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(value) => return Some((value, at)),
                ReferenceOr::Reference { reference } => {
                    let prefix = format!("#/components/{kind}/");
                    let Some(name) = reference.strip_prefix(&prefix) else {
                        self.error(
                            &child(&at, "$ref"),
                            format!(
                                "unsupported reference `{reference}`: expected a local reference of the form `{prefix}<name>`"
                            ),
                        );
                        return None;
                    };
                    let name = unescape_token(name);
                    let target = self
                        .spec
                        .components
                        .as_ref()
                        .and_then(|components| lookup(components).get(&name));
                    let Some(target) = target else {
                        if self.dangling.contains(&child(&at, "$ref")) {
                            return None;
                        }
                        let known = self
                            .spec
                            .components
                            .as_ref()
                            .map(|components| lookup(components).keys().map(String::as_str));
                        let message =
                            dangling_component(reference, kind, &name, known.into_iter().flatten());
                        self.error(&child(&at, "$ref"), message);
                        return None;
                    };
                    at = child(&format!("#/components/{kind}"), &name);
                    current = target;
                }
            }
        }
        self.error(
            pointer,
            format!("reference cycle through `{kind}` components"),
        );
        None
    }
}

/// What is wrong with `reference`, which names the component `name` of `kind` (`schemas`,
/// `responses`...) that is not there; `known` are the names that are.
pub fn dangling_component<'k>(
    reference: &str,
    kind: &str,
    name: &str,
    known: impl IntoIterator<Item = &'k str>,
) -> String {
    let hint = did_you_mean(name, known);
    let expected = if kind == "schemas" {
        "a schema".to_string()
    } else {
        format!("one of the {kind}")
    };
    format!(
        "dangling reference `{reference}`: expected the name of {expected} in `components/{kind}`, found `{name}`{hint}"
    )
}

/// Undoes the escaping of one JSON pointer token.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// A string extension (`x-...`) value.
pub fn ext_str<'v>(
    extensions: &'v indexmap::IndexMap<String, Value>,
    key: &str,
) -> Option<&'v str> {
    extensions.get(key).and_then(Value::as_str)
}
