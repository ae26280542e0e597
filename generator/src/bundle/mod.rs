//! Bundling: every `$ref` the rest of the generator cannot follow is turned into one it can,
//! on the JSON tree, before the typed model is built. After this step every reference is
//! local (`#/...`).
//!
//! - A reference to a component of another file (`common.yaml#/components/responses/NotFound`)
//!   copies that component into this document's components, under the same name when it is
//!   free, else under the first free `<name>2`, `<name>3`... (with a warning), and points the
//!   reference at the copy. Each component is copied once, however often and from wherever it
//!   is referenced, so cycles across files end.
//! - A component of the spec that is only a reference to another file's component of the same
//!   kind (`Error: {$ref: 'common.yaml#/components/schemas/Error'}`) takes that component's
//!   content in place: the copy keeps the spec's name.
//! - A reference in a schema's place to a schema that is not a component (a whole file,
//!   `schemas.yaml#/Pet`, `#/components/schemas/A/properties/b`) makes that schema a
//!   component, named after the last name in its pointer, or the file's stem.
//! - Any other reference to something that is not a component (a path item, a whole file of
//!   responses) is replaced by a copy of its target (inlined); a loop of such references is
//!   an error.
//!
//! References inside another file are read relative to that file; local references there
//! (`#/components/schemas/X`) mean that file's components. Files are named by paths relative
//! to the spec's folder and may not leave it. The library reads no file itself: a
//! [`SourceLoader`] given by the caller does.
//!
//! This file walks the tree and decides what each reference needs; [`place`] settles where
//! its target goes (and copies it), [`files`] reads the other files.

mod files;
mod place;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostics;
use crate::pointer;
use crate::sources::Sources;
use crate::tree::Node;

use place::{role_at, role_of_kind, set_reference};

/// Reads the other files a spec refers to.
pub trait SourceLoader: Sync {
    /// The text of the file at `path`: the spec's path as given in
    /// [`crate::Options::spec_path`] with its file name replaced by a relative path, `..`
    /// and `.` already resolved (`spec/common/errors.yaml`). The error text is shown to the
    /// user.
    fn load(&self, path: &str) -> Result<String, String>;
}

/// A loader that has no files: any reference to another file is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl SourceLoader for NoFiles {
    fn load(&self, _path: &str) -> Result<String, String> {
        Err("no other files can be read here (the caller gave no file loader)".to_string())
    }
}

/// Component kinds of OpenAPI 3.0 that a reference may name.
const KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// Pointer tokens that say where a schema stands rather than what it is; not used as names.
const STRUCTURAL: &[&str] = &[
    "components",
    "schemas",
    "schema",
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "additionalProperties",
    "content",
    "$defs",
    "definitions",
    "prefixItems",
    "patternProperties",
];

/// Most bytes read in all: the spec and every file it refers to, together. A bound against
/// hostile input (a document that pulls in files without end), far above real specs: GitHub's
/// REST description is 13 MB in one file, its fully dereferenced form 73 MB. The number of
/// files is not bounded on its own: each file read counts its bytes, and every reference to
/// another file is text of a file already read.
pub(crate) const MAX_TOTAL_BYTES: usize = 256 << 20;

/// Deepest nesting of walked nodes and inlined references together: beyond it the walk
/// stops with an error instead of running out of stack.
const MAX_DEPTH: usize = 400;

/// A node of one of the files: its index in [`Sources`] and a JSON pointer (without `#`,
/// `~`-escaped, percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Target {
    file: usize,
    fragment: String,
}

/// What to do with a reference.
enum How {
    /// It already points into this document's components: leave it (a local reference of
    /// the spec) or rewrite it to this local form (from another file, or naming the spec's
    /// own file).
    Local(String),
    /// Copy the target into components of this kind, named after the hint.
    Component { kind: String, hint: String },
    /// Replace the reference with a copy of its target.
    Inline,
}

/// A component to copy in.
struct Pending {
    target: Target,
    kind: String,
    name: String,
    /// The reference that asked for it: where to report a missing target.
    site: String,
    /// The name it would have had, when that was taken.
    renamed_from: Option<String>,
    /// Keys beside the `$ref` of a spec component that is replaced by its target.
    siblings: Map<String, Value>,
}

/// Bundles `doc`, read from file 0 of `sources`. Files read are added to `sources`, with
/// grafts saying where their parts went. Errors and warnings go to `diagnostics`.
pub fn bundle(
    doc: Value,
    doc_bytes: usize,
    sources: &mut Sources,
    loader: &dyn SourceLoader,
    diagnostics: &mut Diagnostics,
) -> Value {
    let spec_path = sources.path(0).to_string();
    let (root_dir, root_name) = match spec_path.rfind(['/', '\\']) {
        Some(cut) => (
            spec_path.get(..cut).unwrap_or("").to_string(),
            spec_path.get(cut + 1..).unwrap_or("").to_string(),
        ),
        None => (String::new(), spec_path.clone()),
    };
    let mut taken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (kind, items) in components {
            if let Some(items) = items.as_object() {
                taken.insert(kind.clone(), items.keys().cloned().collect());
            }
        }
    }
    let mut bundler = Bundler {
        loader,
        sources,
        diagnostics,
        root_dir,
        values: vec![doc],
        rel_paths: vec![root_name],
        by_path: HashMap::new(),
        assigned: HashMap::new(),
        taken,
        queue: VecDeque::new(),
        done: Vec::new(),
        inlining: Vec::new(),
        bytes_read: doc_bytes,
        over_budget: false,
    };
    bundler.adopt_aliases();
    // The walk reads the spec as it was read (`values[0]`) only to copy a part of it, which
    // only some references ask for; most specs have none, and keep no second copy.
    let keep_original = !bundler.queue.is_empty()
        || bundler
            .values
            .first()
            .is_some_and(|doc| !only_local_components(doc, Node::Root, 0));
    let mut doc = match bundler.values.first_mut() {
        Some(doc) if keep_original => doc.clone(),
        Some(doc) => std::mem::take(doc),
        None => Value::Null,
    };
    bundler.walk(&mut doc, Node::Root, 0, "#", "#", 0);
    while let Some(pending) = bundler.queue.pop_front() {
        bundler.copy_component(pending);
    }
    bundler.point_at_hoisted(&mut doc);
    for (kind, name, value) in std::mem::take(&mut bundler.done) {
        let Some(root) = doc.as_object_mut() else {
            break;
        };
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else {
            continue;
        };
        let items = components
            .entry(kind)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(items) = items.as_object_mut() {
            items.insert(name, value);
        }
    }
    doc
}

/// Whether every reference in `node` (of `role`, as [`Bundler::walk`] judges them) names a
/// component of the spec itself (`#/components/schemas/Pet`): then the walk changes
/// nothing and copies nothing. `false` for anything else, or when unsure.
fn only_local_components(node: &Value, role: Node, depth: usize) -> bool {
    let local = |reference: &str, role: Node| {
        reference.strip_prefix('#').is_some_and(|fragment| {
            role != Node::PathItem
                && place::component_form(&files::percent_decode(fragment)).is_some()
        })
    };
    if depth > MAX_DEPTH {
        return false;
    }
    if matches!(
        role,
        Node::Schema | Node::Other | Node::PathItem | Node::Example
    ) {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            return local(reference, role);
        }
    }
    match node {
        Value::Object(map) if role == Node::Mapping => map.values().all(|value| {
            value
                .as_str()
                .is_none_or(|text| !looks_like_reference(text) || local(text, Node::Schema))
        }),
        Value::Object(map) => map.iter().all(|(key, value)| {
            let child = role.child(key);
            child == Node::Data || only_local_components(value, child, depth + 1)
        }),
        Value::Array(items) => {
            let child = role.item();
            child == Node::Data
                || items
                    .iter()
                    .all(|value| only_local_components(value, child, depth + 1))
        }
        _ => true,
    }
}

/// Whether a string of a discriminator mapping is a reference (a pointer or a file), not a
/// bare schema name.
fn looks_like_reference(text: &str) -> bool {
    text.contains('#') || [".yaml", ".yml", ".json"].iter().any(|e| text.ends_with(e))
}

struct Bundler<'a> {
    loader: &'a dyn SourceLoader,
    sources: &'a mut Sources,
    diagnostics: &'a mut Diagnostics,
    /// The spec's folder as given (`spec`), or empty.
    root_dir: String,
    /// Each file as read (never changed), by index in `sources`.
    values: Vec<Value>,
    /// Each file's path relative to `root_dir`, by index.
    rel_paths: Vec<String>,
    /// Relative path to index; `None` for a file that could not be read (reported once).
    by_path: HashMap<String, Option<usize>>,
    /// Components copied in (or to be), by target and kind: their names here.
    assigned: HashMap<(Target, String), String>,
    /// Names in use, by component kind.
    taken: BTreeMap<String, BTreeSet<String>>,
    queue: VecDeque<Pending>,
    /// Copied components, in the order they were found: kind, name, content.
    done: Vec<(String, String, Value)>,
    /// Targets being inlined, outermost first, to catch loops.
    inlining: Vec<Target>,
    /// Bytes read so far, the spec's own included (bounded by [`MAX_TOTAL_BYTES`]).
    bytes_read: usize,
    /// Whether [`MAX_TOTAL_BYTES`] was reached (reported once; no file is read after).
    over_budget: bool,
}

impl Bundler<'_> {
    fn error(&mut self, pointer: &str, message: String) {
        self.diagnostics.error(self.sources, pointer, message);
    }

    fn warn(&mut self, pointer: &str, message: String) {
        self.diagnostics.warn(self.sources, pointer, message);
    }

    /// Spec components that are only a reference to a component of the same kind elsewhere
    /// take that component's content and keep their own name.
    fn adopt_aliases(&mut self) {
        let mut aliases = Vec::new();
        if let Some(components) = self
            .values
            .first()
            .and_then(|doc| doc.get("components"))
            .and_then(Value::as_object)
        {
            for kind in KINDS {
                let Some(items) = components.get(*kind).and_then(Value::as_object) else {
                    continue;
                };
                for (name, item) in items {
                    let Some(object) = item.as_object() else {
                        continue;
                    };
                    let Some(reference) = object.get("$ref").and_then(Value::as_str) else {
                        continue;
                    };
                    let mut siblings = object.clone();
                    siblings.remove("$ref");
                    aliases.push((*kind, name.clone(), reference.to_string(), siblings));
                }
            }
        }
        for (kind, name, reference, siblings) in aliases {
            let site = pointer::child(&pointer::component_ref(kind, &name), "$ref");
            let Some(target) = self.resolve(0, &reference, &site) else {
                continue;
            };
            let role = role_of_kind(kind);
            if let How::Component { kind: to, .. } = self.classify(&target, role) {
                let key = (target.clone(), to.clone());
                if to == kind && !self.assigned.contains_key(&key) {
                    self.assigned.insert(key, name.clone());
                    self.queue.push_back(Pending {
                        target,
                        kind: to,
                        name,
                        site,
                        renamed_from: None,
                        siblings,
                    });
                }
            }
        }
    }

    /// A schema of the spec that was made a component (`#/components/schemas/A/properties/b`
    /// referenced from elsewhere) is replaced where it stands by a reference to that
    /// component, so that it gives one Rust type, not two.
    fn point_at_hoisted(&self, doc: &mut Value) {
        let mut hoisted: Vec<(&str, &str)> = self
            .assigned
            .iter()
            .filter(|((target, kind), _)| target.file == 0 && kind == "schemas")
            .map(|((target, _), name)| (target.fragment.as_str(), name.as_str()))
            .collect();
        hoisted.sort();
        for (fragment, name) in hoisted {
            let pointer = format!("#{fragment}");
            if fragment.is_empty()
                || self.sources.is_copied(&pointer)
                || role_at(fragment) != Node::Schema
            {
                continue;
            }
            if let Some(node) = doc.pointer_mut(fragment) {
                let mut reference = Map::new();
                reference.insert(
                    "$ref".to_string(),
                    Value::String(pointer::component_ref("schemas", name)),
                );
                *node = Value::Object(reference);
            }
        }
    }

    /// Walks a node of `file` (at `src` there) that stands at `out` in the bundled
    /// document, settling every reference in it.
    fn walk(
        &mut self,
        node: &mut Value,
        role: Node,
        file: usize,
        src: &str,
        out: &str,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.error(
                out,
                format!(
                    "references nest more than {MAX_DEPTH} levels deep; is there a loop of inlined references?"
                ),
            );
            return;
        }
        if matches!(
            role,
            Node::Schema | Node::Other | Node::PathItem | Node::Example
        ) {
            let reference = node.get("$ref").and_then(Value::as_str).map(str::to_string);
            if let Some(reference) = reference {
                self.reference(node, role, file, out, &reference, depth);
                return;
            }
        }
        match node {
            Value::Object(map) if role == Node::Mapping => {
                for (key, value) in map.iter_mut() {
                    let Some(text) = value.as_str() else { continue };
                    if !looks_like_reference(text) {
                        continue;
                    }
                    let site = pointer::child(out, key);
                    let text = text.to_string();
                    if let Some(local) = self.settle(&text, Node::Schema, file, &site) {
                        *value = Value::String(local);
                    }
                }
            }
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let child = role.child(key);
                    if child == Node::Data {
                        continue;
                    }
                    self.walk(
                        value,
                        child,
                        file,
                        &pointer::child(src, key),
                        &pointer::child(out, key),
                        depth + 1,
                    );
                }
            }
            Value::Array(items) => {
                let child = role.item();
                if child == Node::Data {
                    return;
                }
                for (index, value) in items.iter_mut().enumerate() {
                    self.walk(
                        value,
                        child,
                        file,
                        &format!("{src}/{index}"),
                        &format!("{out}/{index}"),
                        depth + 1,
                    );
                }
            }
            _ => {}
        }
    }

    /// Settles the `$ref` of `node` (at `out`, from `file`).
    fn reference(
        &mut self,
        node: &mut Value,
        role: Node,
        file: usize,
        out: &str,
        reference: &str,
        depth: usize,
    ) {
        let site = format!("{out}/$ref");
        let Some(target) = self.resolve(file, reference, &site) else {
            return;
        };
        match self.classify(&target, role) {
            How::Local(local) => {
                if file != 0 || !reference.starts_with('#') {
                    set_reference(node, local);
                }
            }
            How::Component { kind, hint } => {
                let name = self.assign(target, &kind, &hint, &site);
                set_reference(node, pointer::component_ref(&kind, &name));
            }
            How::Inline => self.inline(node, role, target, reference, out, depth),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local_only(json: &str) -> bool {
        let doc: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        only_local_components(&doc, Node::Root, 0)
    }

    /// The walk is skipped over a copy of the spec only when it would change nothing.
    #[test]
    fn a_copy_of_the_spec_is_kept_only_for_references_that_copy() {
        let pet = r##"{"$ref": "#/components/schemas/Pet"}"##;
        let with = |schema: &str| {
            format!(
                r#"{{"paths": {{"/p": {{"get": {{"responses": {{"200": {{"description": "", "content": {{"application/json": {{"schema": {schema}}}}}}}}}}}}}}}, "components": {{"schemas": {{"Pet": {{"type": "object", "example": {{"$ref": "x.yaml"}}}}}}}}}}"#
            )
        };
        assert!(local_only(&with(pet)));
        assert!(local_only(&with(
            r##"{"$ref": "#/components/schemas/A~1B%20C"}"##
        )));
        // A part of a schema becomes a component; a file is read; a path item is inlined.
        assert!(!local_only(&with(
            r##"{"$ref": "#/components/schemas/Pet/properties/id"}"##
        )));
        assert!(!local_only(&with(
            r##"{"$ref": "common.yaml#/components/schemas/Pet"}"##
        )));
        assert!(!local_only(
            r##"{"paths": {"/p": {"$ref": "#/components/pathItems/P"}}}"##
        ));
        // Discriminator mappings are references too; plain names are not.
        let mapping = |to: &str| {
            with(&format!(
                r#"{{"oneOf": [{pet}], "discriminator": {{"propertyName": "kind", "mapping": {{"pet": "{to}"}}}}}}"#
            ))
        };
        assert!(local_only(&mapping("#/components/schemas/Pet")));
        assert!(local_only(&mapping("Pet")));
        assert!(!local_only(&mapping("pets.yaml")));
    }
}
