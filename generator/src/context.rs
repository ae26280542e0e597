//! What every lowering step shares: the parsed document, where its nodes came from, and the
//! list of diagnostics collected so far.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::diagnostic::Diagnostics;
use crate::pointer::{self, Broken, child, dangling_component};
use crate::sources::Sources;

/// How many references a chain of components (`parameters`, `responses`, ...) may take
/// before it counts as a cycle.
const MAX_CHAIN: usize = 31;

pub struct Ctx<'a> {
    pub spec: &'a OpenAPI,
    /// The document as bundled (and, for 3.1, normalised): what `spec` was read from.
    pub raw: &'a Value,
    /// Which file, pointer and line each node of `raw` came from.
    pub sources: &'a Sources,
    pub diagnostics: Diagnostics,
    /// Pointers of the `$ref`s already reported as leading nowhere.
    pub dangling: BTreeSet<String>,
}

impl<'a> Ctx<'a> {
    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.error(self.sources, pointer, message);
    }

    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.warn(self.sources, pointer, message);
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
        let reference = match item {
            ReferenceOr::Item(value) => return Some((value, pointer.to_string())),
            ReferenceOr::Reference { reference } => reference,
        };
        let components = self.spec.components.as_ref().map(&lookup);
        match pointer::follow(reference, pointer, kind, components, MAX_CHAIN) {
            Ok(target) => Some((target.item, target.at)),
            Err(Broken::Unsupported { reference, at }) => {
                self.error(
                    &child(&at, "$ref"),
                    format!(
                        "unsupported reference `{reference}`: expected a local reference of the form `#/components/{kind}/<name>`"
                    ),
                );
                None
            }
            Err(Broken::Dangling {
                reference,
                name,
                at,
            }) => {
                let site = child(&at, "$ref");
                if !self.dangling.contains(&site) {
                    let known = components.into_iter().flat_map(|map| map.keys());
                    let message =
                        dangling_component(reference, kind, &name, known.map(String::as_str));
                    self.error(&site, message);
                }
                None
            }
            Err(Broken::Cycle) => {
                self.error(
                    pointer,
                    format!("reference cycle through `{kind}` components"),
                );
                None
            }
        }
    }
}

/// A string extension (`x-...`) value.
pub fn ext_str<'v>(
    extensions: &'v indexmap::IndexMap<String, Value>,
    key: &str,
) -> Option<&'v str> {
    extensions.get(key).and_then(Value::as_str)
}
