//! OpenAPI 3.1 documents, rewritten on the JSON tree into the 3.0 shape the typed model
//! reads. What has a 3.0 equivalent is mapped silently; what only loses precision (the Rust
//! type becomes wider than the schema) is dropped with a warning that says what and where.
//!
//! The README's "OpenAPI 3.1" section lists every mapping.

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostics;
use crate::pointer;
use crate::sources::Sources;
use crate::tree::Node;

/// The dialect OpenAPI 3.1 schemas use unless told otherwise.
const OAS_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Keywords that may stand beside a `$ref` without changing the type.
const ANNOTATIONS: &[&str] = &[
    "$ref",
    "description",
    "title",
    "summary",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "default",
    "nullable",
    "$comment",
    "externalDocs",
];

/// Keywords that only constrain values: a client that does not validate can drop them.
const VALIDATION_ONLY: &[&str] = &[
    "dependentRequired",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "$schema",
    "$anchor",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
];

/// The document-level part, before bundling: what is dropped here pulls no other file in.
/// `webhooks` stay: the lowering step reads them from the tree (see `lower/webhooks.rs`).
pub fn document(doc: &mut Value, sources: &Sources, diagnostics: &mut Diagnostics) {
    let mut normalizer = Normalizer {
        sources,
        diagnostics,
    };
    if let Some(root) = doc.as_object_mut() {
        normalizer.top_level(root);
    }
}

/// The schemas, after bundling (so that those from other files are rewritten too).
pub fn schemas(doc: &mut Value, sources: &Sources, diagnostics: &mut Diagnostics) {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        // Path items that referred to these have been copied in place by the bundler.
        components.remove("pathItems");
    }
    let mut normalizer = Normalizer {
        sources,
        diagnostics,
    };
    normalizer.walk(doc, Node::Root, "#");
}

struct Normalizer<'a> {
    sources: &'a Sources,
    diagnostics: &'a mut Diagnostics,
}

impl Normalizer<'_> {
    fn warn(&mut self, pointer: &str, message: String) {
        self.diagnostics.warn(self.sources, pointer, message);
    }

    fn top_level(&mut self, root: &mut Map<String, Value>) {
        if let Some(dialect) = root.remove("jsonSchemaDialect") {
            if dialect.as_str() != Some(OAS_DIALECT) {
                self.warn(
                    "#/jsonSchemaDialect",
                    format!(
                        "`jsonSchemaDialect` is ignored: schemas are read as OpenAPI's own dialect ({OAS_DIALECT})"
                    ),
                );
            }
        }
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
    }

    fn walk(&mut self, node: &mut Value, role: Node, pointer: &str) {
        if role == Node::Schema {
            self.schema(node, pointer);
        }
        match node {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let child = role.child(key);
                    if child == Node::Data {
                        continue;
                    }
                    if child == Node::Schema && key != "additionalProperties" {
                        boolean_schema(value);
                    }
                    self.walk(value, child, &pointer::child(pointer, key));
                }
            }
            Value::Array(items) => {
                let child = role.item();
                if child == Node::Data {
                    return;
                }
                for (index, value) in items.iter_mut().enumerate() {
                    if child == Node::Schema {
                        boolean_schema(value);
                    }
                    self.walk(value, child, &format!("{pointer}/{index}"));
                }
            }
            _ => {}
        }
    }

    /// Rewrites one schema object (its subschemas are walked afterwards).
    fn schema(&mut self, node: &mut Value, pointer: &str) {
        // Collapsing `anyOf: [X, null]` into X may bring up 3.1 keywords of X; a few rounds
        // settle any real nesting.
        for _ in 0..8 {
            let Value::Object(map) = node else { return };
            if map.contains_key("$ref") {
                self.beside_reference(map, pointer);
                return;
            }
            self.keywords(map, pointer);
            match null_branches(map) {
                Some(collapsed) => *node = collapsed,
                None => return,
            }
        }
    }

    fn beside_reference(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let ignored: Vec<String> = map
            .keys()
            .filter(|k| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"))
            .map(|k| format!("`{k}`"))
            .collect();
        if !ignored.is_empty() {
            self.warn(
                pointer,
                format!(
                    "{} beside `$ref` {} ignored: the referenced schema is used as it is",
                    ignored.join(", "),
                    if ignored.len() == 1 { "is" } else { "are" }
                ),
            );
        }
        if let Some(Value::Array(examples)) = map.remove("examples") {
            if let Some(first) = examples.into_iter().next() {
                map.entry("example").or_insert(first);
            }
        }
    }

    /// Everything but `anyOf`/`oneOf` null branches.
    fn keywords(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let at = |key: &str| pointer::child(pointer, key);
        match map.remove("type") {
            Some(Value::Array(types)) => {
                let mut names: Vec<String> = Vec::new();
                let mut null = false;
                for name in types.iter().filter_map(Value::as_str) {
                    if name == "null" {
                        null = true;
                    } else if !names.iter().any(|n| n == name) {
                        names.push(name.to_string());
                    }
                }
                if null {
                    map.insert("nullable".into(), Value::Bool(true));
                }
                match names.as_slice() {
                    [] => {}
                    [only] => {
                        map.insert("type".into(), Value::String(only.clone()));
                    }
                    several => {
                        let listed: Vec<String> =
                            several.iter().map(|n| format!("`{n}`")).collect();
                        self.warn(
                            &at("type"),
                            format!(
                                "a schema of several types ({}) has no single Rust type: typed as a JSON value",
                                listed.join(", ")
                            ),
                        );
                    }
                }
            }
            Some(Value::String(name)) if name == "null" => {
                map.insert("nullable".into(), Value::Bool(true));
            }
            Some(other) => {
                map.insert("type".into(), other);
            }
            None => {}
        }
        if let Some(value) = map.remove("const") {
            if value.is_null() {
                map.insert("nullable".into(), Value::Bool(true));
            } else {
                if !map.contains_key("type") {
                    let name = match &value {
                        Value::String(_) => Some("string"),
                        Value::Bool(_) => Some("boolean"),
                        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                        Value::Number(_) => Some("number"),
                        _ => None,
                    };
                    if let Some(name) = name {
                        map.insert("type".into(), Value::String(name.into()));
                    }
                }
                map.insert("enum".into(), Value::Array(vec![value]));
            }
        }
        if matches!(map.get("examples"), Some(Value::Array(_))) {
            if let Some(Value::Array(examples)) = map.remove("examples") {
                if let Some(first) = examples.into_iter().next() {
                    map.entry("example").or_insert(first);
                }
            }
        }
        for (exclusive, bound, stricter) in [
            ("exclusiveMinimum", "minimum", std::cmp::Ordering::Greater),
            ("exclusiveMaximum", "maximum", std::cmp::Ordering::Less),
        ] {
            let Some(Value::Number(limit)) = map.get(exclusive).cloned() else {
                continue;
            };
            let keep_bound = match (map.get(bound).and_then(Value::as_f64), limit.as_f64()) {
                (Some(old), Some(new)) => old.partial_cmp(&new) == Some(stricter),
                _ => false,
            };
            if keep_bound {
                map.remove(exclusive);
            } else {
                map.insert(bound.into(), Value::Number(limit));
                map.insert(exclusive.into(), Value::Bool(true));
            }
        }
        if let Some(encoding) = map.remove("contentEncoding") {
            let is_string = map.get("type").and_then(Value::as_str) == Some("string");
            let base64 = matches!(encoding.as_str(), Some("base64" | "base64url"));
            if is_string && base64 && !map.contains_key("format") {
                map.insert("format".into(), Value::String("byte".into()));
            }
        }
        if map.remove("contentMediaType").is_some() {
            let is_string = map.get("type").and_then(Value::as_str) == Some("string");
            if is_string && !map.contains_key("format") {
                map.insert("format".into(), Value::String("binary".into()));
            }
            map.remove("contentSchema");
        }
        if let Some(unevaluated) = map.remove("unevaluatedProperties") {
            map.entry("additionalProperties").or_insert(unevaluated);
        }
        if let Some(patterns) = map.remove("patternProperties") {
            if !map.contains_key("additionalProperties") {
                let mut values = patterns.as_object().into_iter().flat_map(Map::values);
                let value = match (values.next(), values.next()) {
                    (Some(only), None) => only.clone(),
                    _ => Value::Bool(true),
                };
                map.insert("additionalProperties".into(), value);
            }
        }
        if map.remove("prefixItems").is_some() {
            let what = if map.contains_key("items") {
                "typed by `items` alone"
            } else {
                map.insert("items".into(), Value::Object(Map::new()));
                "typed as a list of JSON values"
            };
            self.warn(
                &at("prefixItems"),
                format!("tuple schemas (`prefixItems`) are not supported: {what}"),
            );
        }
        let conditional: Vec<&str> = ["if", "then", "else"]
            .into_iter()
            .filter(|k| map.remove(*k).is_some())
            .collect();
        if let Some(first) = conditional.first() {
            self.warn(
                &at(first),
                "conditional schemas (`if`/`then`/`else`) are ignored: the type comes from the other keywords".to_string(),
            );
        }
        if map.remove("dependentSchemas").is_some() {
            self.warn(
                &at("dependentSchemas"),
                "`dependentSchemas` is ignored: the type comes from the other keywords".to_string(),
            );
        }
        if map.remove("$dynamicRef").is_some() {
            self.warn(
                &at("$dynamicRef"),
                "dynamic references (`$dynamicRef`) are not supported: typed by the other keywords, else as a JSON value".to_string(),
            );
        }
        if map.remove("$id").is_some() {
            self.warn(
                &at("$id"),
                "`$id` is ignored: references are resolved against the file they are written in"
                    .to_string(),
            );
        }
        for keyword in VALIDATION_ONLY {
            map.remove(*keyword);
        }
    }
}

/// `anyOf`/`oneOf` branches that only allow `null` become `nullable: true`. When a single
/// branch is left and the schema says nothing else that shapes the type, the schema becomes
/// that branch (with the outer annotations): returned for another round.
fn null_branches(map: &mut Map<String, Value>) -> Option<Value> {
    let mut collapsed = None;
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get_mut(keyword) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|branch| !is_null_schema(branch));
        if branches.len() == before {
            continue;
        }
        map.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(branches)) = map.get(keyword) else {
            continue;
        };
        let shaping = map
            .keys()
            .any(|k| k != keyword && !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
        match branches.as_slice() {
            [] => {
                map.remove(keyword);
            }
            [only] if !shaping && collapsed.is_none() => {
                let mut result = match only {
                    Value::Object(object) => object.clone(),
                    Value::Bool(true) => Map::new(),
                    _ => continue,
                };
                for (key, value) in map.iter() {
                    if key != keyword {
                        result.insert(key.clone(), value.clone());
                    }
                }
                collapsed = Some(Value::Object(result));
            }
            _ => {}
        }
    }
    collapsed
}

/// `true` and `false` as schemas, in the 3.0 form.
fn boolean_schema(value: &mut Value) {
    match value {
        Value::Bool(true) => *value = Value::Object(Map::new()),
        Value::Bool(false) => {
            let mut never = Map::new();
            never.insert("not".into(), Value::Object(Map::new()));
            *value = Value::Object(never);
        }
        _ => {}
    }
}

/// A schema that only allows `null`.
fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(name)) => name == "null",
        Some(Value::Array(names)) => {
            names.iter().all(|n| n.as_str() == Some("null")) && !names.is_empty()
        }
        _ => false,
    };
    let null_const = map.get("const").is_some_and(Value::is_null)
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_null));
    (null_type || null_const)
        && map.keys().all(|k| {
            matches!(k.as_str(), "type" | "const" | "enum" | "nullable")
                || ANNOTATIONS.contains(&k.as_str())
                || k.starts_with("x-")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value) -> (Value, Vec<String>) {
        let mut doc = doc;
        let sources = Sources::new("spec.yaml", crate::yaml::SourceMap::default());
        let mut diagnostics = crate::diagnostic::Diagnostics::default();
        document(&mut doc, &sources, &mut diagnostics);
        schemas(&mut doc, &sources, &mut diagnostics);
        let messages = diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.pointer, d.message))
            .collect();
        (doc, messages)
    }

    fn schema(schema: Value) -> (Value, Vec<String>) {
        let (doc, messages) = run(json!({"components": {"schemas": {"S": schema}}}));
        (doc["components"]["schemas"]["S"].clone(), messages)
    }

    #[test]
    fn type_lists_with_null_become_nullable() {
        assert_eq!(
            schema(json!({"type": ["string", "null"], "enum": ["a", null]})),
            (
                json!({"nullable": true, "type": "string", "enum": ["a", null]}),
                vec![]
            )
        );
        let (several, messages) = schema(json!({"type": ["string", "integer", "null"]}));
        assert_eq!(several, json!({"nullable": true}));
        assert_eq!(
            messages,
            [
                "#/components/schemas/S/type: a schema of several types (`string`, `integer`) has no single Rust type: typed as a JSON value"
            ]
        );
    }

    #[test]
    fn null_branches_collapse() {
        assert_eq!(
            schema(json!({"description": "d", "anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})).0,
            json!({"$ref": "#/components/schemas/T", "description": "d", "nullable": true})
        );
        assert_eq!(
            schema(json!({"oneOf": [{"type": ["integer", "null"]}, {"type": "null"}]})).0,
            json!({"type": "integer", "nullable": true})
        );
        assert_eq!(
            schema(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})).0,
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn keywords_map_to_their_3_0_forms() {
        assert_eq!(
            schema(json!({"const": "email.sent", "examples": ["x", "y"]})).0,
            json!({"type": "string", "enum": ["email.sent"], "example": "x"})
        );
        assert_eq!(
            schema(json!({"type": "number", "exclusiveMinimum": 0, "maximum": 10, "exclusiveMaximum": 20})).0,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})).0,
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            schema(json!({"type": "object", "properties": {"a": true, "b": false}, "unevaluatedProperties": false})).0,
            json!({"type": "object", "properties": {"a": {}, "b": {"not": {}}}, "additionalProperties": false})
        );
    }

    #[test]
    fn what_cannot_be_mapped_is_dropped_with_a_warning() {
        let (out, messages) = schema(json!({
            "type": "array",
            "prefixItems": [{"type": "string"}],
            "if": {"required": ["a"]},
            "then": {"required": ["b"]},
        }));
        assert_eq!(out, json!({"type": "array", "items": {}}));
        assert_eq!(
            messages,
            [
                "#/components/schemas/S/prefixItems: tuple schemas (`prefixItems`) are not supported: typed as a list of JSON values",
                "#/components/schemas/S/if: conditional schemas (`if`/`then`/`else`) are ignored: the type comes from the other keywords",
            ]
        );
        let (_, messages) =
            schema(json!({"$ref": "#/components/schemas/T", "description": "d", "minLength": 1}));
        assert_eq!(
            messages,
            [
                "#/components/schemas/S: `minLength` beside `$ref` is ignored: the referenced schema is used as it is"
            ]
        );
    }

    #[test]
    fn examples_that_are_data_are_left_alone() {
        let (doc, _) = run(json!({
            "components": {"schemas": {"S": {"type": "object", "example": {"type": ["a", "null"], "const": 1}}}},
            "webhooks": {"a": {}, "b": {}},
        }));
        assert_eq!(
            doc,
            json!({
                "components": {"schemas": {"S": {"type": "object", "example": {"type": ["a", "null"], "const": 1}}}},
                "webhooks": {"a": {}, "b": {}},
                "paths": {},
            })
        );
    }
}
