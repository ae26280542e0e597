//! Holds `spec/resend.yaml` against Resend's own OpenAPI description, vendored as
//! `tests/corpus/resend-official.yaml`.
//!
//! Both documents are walked operation by operation (method, path, parameters and whether they
//! are required, request body, success statuses) and, inside each operation, schema by schema
//! (field names, types, requiredness, enum values), with references resolved and `allOf`
//! merged; the webhook events (our `x-webhooks`, their `webhooks`) are compared the same
//! way, by name and request body. Every difference becomes one line of text, such as
//!
//! ```text
//! GET /emails/{} response 200 .data[].last_event: enum values only here: ["suppressed"]
//! ```
//!
//! and each line must be matched by an entry of `tests/resend_official/accepted.yaml` (a glob
//! where `*` stands for any text, and the reason the difference is right). The test fails on a
//! difference no entry accepts, and on an entry that no longer matches any difference, so the
//! list never outlives the differences it explains. After refreshing the vendored copy, the
//! failure message lists exactly what the spec has to follow (or what the list must explain).
//!
//! What is not compared, on purpose: descriptions and examples (our own words), formats other
//! than `binary` (`uuid`, `date-time`: every string is a `String` in the client), validation keywords
//! (`minLength`, `maximum`...), nullability except where a field required here may be `null`
//! there (an optional field reads `null` as `None`; a required one would fail to decode), path
//! parameter names (only their position reaches the wire), error responses (the official
//! description has none) and response headers.

// Helpers panic with a message on malformed input; a panic in a test is a failed test.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let docs = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not YAML: {error}", path.display()));
    to_json(docs.first().expect("one YAML document"))
}

fn to_json(yaml: &Yaml) -> Value {
    match yaml {
        Yaml::Real(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(text.clone()), Value::Number),
        Yaml::Integer(n) => Value::from(*n),
        Yaml::String(text) => Value::String(text.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Hash(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let key = match key {
                        Yaml::String(text) | Yaml::Real(text) => text.clone(),
                        Yaml::Integer(n) => n.to_string(),
                        Yaml::Boolean(b) => b.to_string(),
                        other => panic!("unexpected YAML key {other:?}"),
                    };
                    (key, to_json(value))
                })
                .collect::<Map<_, _>>(),
        ),
        Yaml::Null => Value::Null,
        Yaml::Alias(_) | Yaml::BadValue => panic!("YAML aliases are not expected in the specs"),
    }
}

/// One of the two documents, able to resolve its own local references.
struct Doc<'a> {
    root: &'a Value,
}

impl<'a> Doc<'a> {
    /// Follows `$ref` chains inside the document. A reference to another file (the shared
    /// rate-limit headers) is left as it is: headers are not compared.
    fn resolve(&self, mut node: &'a Value) -> &'a Value {
        for _ in 0..64 {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return node;
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return node;
            };
            node = self
                .root
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling reference {reference}"));
        }
        panic!("reference chain too long");
    }
}

/// A schema brought to one shape for comparison: references followed, `allOf` merged, 3.1's
/// `type: [X, "null"]` and `const` read as 3.0 would, and `oneOf`/`anyOf` with a `null`
/// branch read as the other branch.
#[derive(Default)]
struct Shape<'a> {
    /// `object`, `array`, `string`, `number`, `integer`, `boolean`, `any`, or for an
    /// alternative `one of [..]` (its branches' kinds, sorted).
    kind: String,
    enum_values: Option<BTreeSet<String>>,
    properties: BTreeMap<String, &'a Value>,
    required: BTreeSet<String>,
    items: Option<&'a Value>,
    values: Option<&'a Value>,
    /// `nullable: true`, a `null` type or a `null` branch.
    nullable: bool,
}

fn shape<'a>(doc: &Doc<'a>, node: &'a Value) -> Shape<'a> {
    let node = doc.resolve(node);
    let mut out = Shape {
        nullable: is_nullable(doc, node),
        ..Shape::default()
    };
    // The branches of an alternative that are not `null`.
    let branches: Vec<&Value> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|key| node.get(*key).and_then(Value::as_array))
        .flatten()
        .map(|branch| doc.resolve(branch))
        .filter(|branch| branch.get("type").and_then(Value::as_str) != Some("null"))
        .collect();
    if branches.len() == 1 {
        let mut inner = shape(doc, branches[0]);
        inner.nullable |= out.nullable;
        return inner;
    }
    if branches.len() > 1 {
        let kinds: BTreeSet<String> = branches.iter().map(|b| shape(doc, b).kind).collect();
        out.kind = format!(
            "one of [{}]",
            kinds.into_iter().collect::<Vec<_>>().join(", ")
        );
        return out;
    }
    if let Some(members) = node.get("allOf").and_then(Value::as_array) {
        let members: Vec<Shape> = members
            .iter()
            .map(|m| shape(doc, m))
            .filter(|m| m.kind != "any" || !m.properties.is_empty())
            .collect();
        if members.len() == 1 && node.get("properties").is_none() {
            let mut inner = members.into_iter().next().expect("one member");
            inner.nullable |= out.nullable;
            return inner;
        }
        for member in members {
            if out.kind.is_empty() || out.kind == "any" {
                out.kind = member.kind;
            }
            out.properties.extend(member.properties);
            out.required.extend(member.required);
            out.items = out.items.or(member.items);
            out.values = out.values.or(member.values);
            out.enum_values = out.enum_values.or(member.enum_values);
        }
    }
    let declared = match node.get("type") {
        Some(Value::String(kind)) => Some(kind.clone()),
        Some(Value::Array(kinds)) => {
            let kinds: Vec<&str> = kinds
                .iter()
                .filter_map(Value::as_str)
                .filter(|k| *k != "null")
                .collect();
            match kinds.as_slice() {
                [one] => Some((*one).to_string()),
                _ => Some(format!("one of [{}]", kinds.join(", "))),
            }
        }
        _ => None,
    };
    if let Some(kind) = declared {
        out.kind = kind;
    }
    // `format: binary` changes the Rust type (a file instead of text), so it counts as a type.
    if out.kind == "string" && node.get("format").and_then(Value::as_str) == Some("binary") {
        out.kind = "string (binary)".to_string();
    }
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        out.properties.extend(
            properties
                .iter()
                .map(|(name, schema)| (name.clone(), schema)),
        );
    }
    if let Some(required) = node.get("required").and_then(Value::as_array) {
        out.required
            .extend(required.iter().filter_map(Value::as_str).map(String::from));
    }
    if out.kind.is_empty() {
        out.kind = if out.properties.is_empty() {
            "any"
        } else {
            "object"
        }
        .to_string();
    }
    if let Some(items) = node.get("items") {
        out.items = Some(items);
    }
    if let Some(values @ Value::Object(_)) = node.get("additionalProperties") {
        out.values = Some(values);
    }
    let enum_values = match (node.get("enum"), node.get("const")) {
        (Some(Value::Array(values)), _) => Some(values.clone()),
        (None, Some(value)) => Some(vec![value.clone()]),
        _ => None,
    };
    if let Some(values) = enum_values {
        out.enum_values = Some(
            values
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
                .collect(),
        );
    }
    out
}

/// Whether `null` is a value of the schema itself (not of a member it refers to).
fn is_nullable(doc: &Doc, node: &Value) -> bool {
    let null_type = match node.get("type") {
        Some(Value::String(kind)) => kind == "null",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "null"),
        _ => false,
    };
    let null_branch = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|key| node.get(*key).and_then(Value::as_array))
        .flatten()
        .any(|branch| doc.resolve(branch).get("type").and_then(Value::as_str) == Some("null"));
    null_type || null_branch || is_true(node, "nullable")
}

fn list(values: &BTreeSet<String>) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Compares two schemas and pushes one line per difference, prefixed with `at`.
fn compare_schema(
    ours: (&Doc, &Value),
    theirs: (&Doc, &Value),
    at: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth > 24 {
        return;
    }
    let a = shape(ours.0, ours.1);
    let b = shape(theirs.0, theirs.1);
    let field_prefix = at;
    let at = at.trim_end();
    if a.kind != b.kind {
        out.push(format!("{at}: type {} here, {} there", a.kind, b.kind));
        return;
    }
    match (&a.enum_values, &b.enum_values) {
        (Some(x), Some(y)) if x != y => {
            let only_here: BTreeSet<String> = x.difference(y).cloned().collect();
            let only_there: BTreeSet<String> = y.difference(x).cloned().collect();
            if !only_here.is_empty() {
                out.push(format!("{at}: enum values only here: {}", list(&only_here)));
            }
            if !only_there.is_empty() {
                out.push(format!(
                    "{at}: enum values only there: {}",
                    list(&only_there)
                ));
            }
        }
        (Some(x), None) => out.push(format!("{at}: enum here {}, none there", list(x))),
        (None, Some(y)) => out.push(format!("{at}: no enum here, {} there", list(y))),
        _ => {}
    }
    let names: BTreeSet<&String> = a.properties.keys().chain(b.properties.keys()).collect();
    for name in names {
        let field = format!("{field_prefix}.{name}");
        match (a.properties.get(name), b.properties.get(name)) {
            (Some(_), None) => out.push(format!("{field}: field only here")),
            (None, Some(_)) => out.push(format!("{field}: field only there")),
            (Some(x), Some(y)) => {
                match (a.required.contains(name), b.required.contains(name)) {
                    (true, false) => out.push(format!("{field}: required here, optional there")),
                    (false, true) => out.push(format!("{field}: optional here, required there")),
                    _ => {}
                }
                // A required field that may be null there would fail to decode here.
                if a.required.contains(name)
                    && !shape(ours.0, x).nullable
                    && shape(theirs.0, y).nullable
                {
                    out.push(format!("{field}: never null here, nullable there"));
                }
                compare_schema((ours.0, x), (theirs.0, y), &field, depth + 1, out);
            }
            (None, None) => {}
        }
    }
    if let (Some(x), Some(y)) = (a.items, b.items) {
        compare_schema(
            (ours.0, x),
            (theirs.0, y),
            &format!("{at}[]"),
            depth + 1,
            out,
        );
    }
    if let (Some(x), Some(y)) = (a.values, b.values) {
        compare_schema(
            (ours.0, x),
            (theirs.0, y),
            &format!("{at}{{}}"),
            depth + 1,
            out,
        );
    }
}

/// `/contacts/{contact_id}/segments/{segment_id}` → `/contacts/{}/segments/{}`.
fn normalise_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

struct Operation<'a> {
    node: &'a Value,
    path_item: &'a Value,
}

fn operations<'a>(doc: &Doc<'a>) -> BTreeMap<String, Operation<'a>> {
    let mut out = BTreeMap::new();
    let paths = doc.root["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let item = doc.resolve(item);
        for method in METHODS {
            if let Some(node) = item.get(method) {
                let key = format!("{} {}", method.to_uppercase(), normalise_path(path));
                out.insert(
                    key,
                    Operation {
                        node,
                        path_item: item,
                    },
                );
            }
        }
    }
    out
}

/// The non-path parameters of an operation, keyed by `in` and name (a header name in lower
/// case), with the operation's parameters overriding the path item's.
fn parameters<'a>(doc: &Doc<'a>, op: &Operation<'a>) -> BTreeMap<String, &'a Value> {
    let mut out = BTreeMap::new();
    for list in [op.path_item.get("parameters"), op.node.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
    {
        for parameter in list {
            let parameter = doc.resolve(parameter);
            let place = parameter["in"].as_str().expect("parameter.in");
            if place == "path" {
                continue;
            }
            let mut name = parameter["name"]
                .as_str()
                .expect("parameter.name")
                .to_string();
            if place == "header" {
                name = name.to_lowercase();
            }
            out.insert(format!("{place} {name}"), parameter);
        }
    }
    out
}

fn is_true(node: &Value, key: &str) -> bool {
    node.get(key).and_then(Value::as_bool) == Some(true)
}

/// Every difference between our spec and the official description, one line each.
fn differences(ours: &Doc, theirs: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    let our_ops = operations(ours);
    let their_ops = operations(theirs);
    for (key, their_op) in &their_ops {
        let deprecated = is_true(their_op.node, "deprecated");
        match (our_ops.get(key), deprecated) {
            (None, false) => out.push(format!("{key}: operation only there")),
            (None, true) => {}
            (Some(_), true) => out.push(format!("{key}: deprecated there, described here")),
            (Some(our_op), false) => {
                compare_operation(key, (ours, our_op), (theirs, their_op), &mut out)
            }
        }
    }
    for key in our_ops.keys() {
        if !their_ops.contains_key(key) {
            out.push(format!("{key}: operation only here"));
        }
    }
    compare_webhooks(ours, theirs, &mut out);
    out
}

/// The webhook events: ours under `x-webhooks` (a 3.0 document), theirs under 3.1's
/// `webhooks`; each event's request body is compared like an operation's.
fn compare_webhooks(ours: &Doc, theirs: &Doc, out: &mut Vec<String>) {
    let empty = Map::new();
    let events = |doc: &Doc<'_>, key: &str| -> BTreeMap<String, Value> {
        doc.root
            .get(key)
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .iter()
            .map(|(name, entry)| (name.clone(), entry.clone()))
            .collect()
    };
    let our_events = events(ours, "x-webhooks");
    let their_events = events(theirs, "webhooks");
    let names: BTreeSet<&String> = our_events.keys().chain(their_events.keys()).collect();
    for name in names {
        let key = format!("webhook {name}");
        let body = |entry: &Value| {
            entry
                .get("post")
                .and_then(|post| post.get("requestBody"))
                .cloned()
        };
        match (our_events.get(name), their_events.get(name)) {
            (Some(_), None) => out.push(format!("{key}: event only here")),
            (None, Some(_)) => out.push(format!("{key}: event only there")),
            (Some(a), Some(b)) => match (body(a), body(b)) {
                (Some(a), Some(b)) => {
                    let (a, b) = (ours.resolve(&a).clone(), theirs.resolve(&b).clone());
                    compare_content(&key, "request", (ours, &a), (theirs, &b), out);
                }
                (a, b) => out.push(format!(
                    "{key}: body {} here, {} there",
                    if a.is_some() { "given" } else { "missing" },
                    if b.is_some() { "given" } else { "missing" }
                )),
            },
            (None, None) => {}
        }
    }
}

fn compare_operation(
    key: &str,
    (ours, our_op): (&Doc, &Operation),
    (theirs, their_op): (&Doc, &Operation),
    out: &mut Vec<String>,
) {
    // Parameters.
    let our_params = parameters(ours, our_op);
    let their_params = parameters(theirs, their_op);
    let names: BTreeSet<&String> = our_params.keys().chain(their_params.keys()).collect();
    for name in names {
        let at = format!("{key} parameter {name}");
        match (our_params.get(name), their_params.get(name)) {
            (Some(_), None) => out.push(format!("{at}: only here")),
            (None, Some(_)) => out.push(format!("{at}: only there")),
            (Some(a), Some(b)) => {
                match (is_true(a, "required"), is_true(b, "required")) {
                    (true, false) => out.push(format!("{at}: required here, optional there")),
                    (false, true) => out.push(format!("{at}: optional here, required there")),
                    _ => {}
                }
                if let (Some(x), Some(y)) = (a.get("schema"), b.get("schema")) {
                    compare_schema((ours, x), (theirs, y), &at, 0, out);
                }
            }
            (None, None) => {}
        }
    }
    // Request body.
    let our_body = our_op.node.get("requestBody").map(|b| ours.resolve(b));
    let their_body = their_op.node.get("requestBody").map(|b| theirs.resolve(b));
    match (our_body, their_body) {
        (Some(_), None) => out.push(format!("{key} request: body only here")),
        (None, Some(_)) => out.push(format!("{key} request: body only there")),
        (Some(a), Some(b)) => {
            match (is_true(a, "required"), is_true(b, "required")) {
                (true, false) => {
                    out.push(format!("{key} request: body required here, optional there"))
                }
                (false, true) => {
                    out.push(format!("{key} request: body optional here, required there"))
                }
                _ => {}
            }
            compare_content(key, "request", (ours, a), (theirs, b), out);
        }
        (None, None) => {}
    }
    // Success responses.
    let our_responses = success_responses(ours, our_op.node);
    let their_responses = success_responses(theirs, their_op.node);
    let statuses: BTreeSet<&String> = our_responses.keys().chain(their_responses.keys()).collect();
    for status in statuses {
        let at = format!("response {status}");
        match (our_responses.get(status), their_responses.get(status)) {
            (Some(_), None) => out.push(format!("{key} {at}: status only here")),
            (None, Some(_)) => out.push(format!("{key} {at}: status only there")),
            (Some(a), Some(b)) => compare_content(key, &at, (ours, a), (theirs, b), out),
            (None, None) => {}
        }
    }
}

fn success_responses<'a>(doc: &Doc<'a>, op: &'a Value) -> BTreeMap<String, &'a Value> {
    op.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.starts_with('2'))
        .map(|(status, response)| (status.clone(), doc.resolve(response)))
        .collect()
}

/// Compares the media types of a body and the schema of each media type both give.
fn compare_content(
    key: &str,
    what: &str,
    (ours, a): (&Doc, &Value),
    (theirs, b): (&Doc, &Value),
    out: &mut Vec<String>,
) {
    let empty = Map::new();
    let a = a
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let b = b
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let media: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for media_type in media {
        match (a.get(media_type), b.get(media_type)) {
            (Some(_), None) => out.push(format!("{key} {what}: {media_type} only here")),
            (None, Some(_)) => out.push(format!("{key} {what}: {media_type} only there")),
            (Some(x), Some(y)) => {
                if let (Some(x), Some(y)) = (x.get("schema"), y.get("schema")) {
                    compare_schema((ours, x), (theirs, y), &format!("{key} {what} "), 0, out);
                }
            }
            (None, None) => {}
        }
    }
}

/// `*` matches any run of characters (including none); everything else matches itself.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first().expect("split gives one part at least");
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(index) => remaining = &remaining[index + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

struct Accepted {
    pattern: String,
    reason: String,
}

fn accepted() -> Vec<Accepted> {
    let path = manifest_dir().join("tests/resend_official/accepted.yaml");
    let root = load(&path);
    root.as_array()
        .expect("accepted.yaml is a list")
        .iter()
        .map(|entry| {
            let pattern = entry["match"]
                .as_str()
                .expect("an entry has `match`")
                .to_string();
            let reason = entry["reason"]
                .as_str()
                .expect("an entry has `reason`")
                .to_string();
            assert!(
                reason.trim().len() > 20,
                "the entry `{pattern}` needs a reason a reader can check"
            );
            Accepted { pattern, reason }
        })
        .collect()
}

/// The differences no entry accepts, and the entries that accept no difference.
fn judge<'a>(
    diffs: &'a [String],
    accepted: &'a [Accepted],
) -> (Vec<&'a String>, Vec<&'a Accepted>) {
    let unexplained = diffs
        .iter()
        .filter(|d| !accepted.iter().any(|a| glob_matches(&a.pattern, d)))
        .collect();
    let stale = accepted
        .iter()
        .filter(|a| !diffs.iter().any(|d| glob_matches(&a.pattern, d)))
        .collect();
    (unexplained, stale)
}

fn spec_documents() -> (Value, Value) {
    let ours = load(&manifest_dir().join("../spec/resend.yaml"));
    let theirs = load(&manifest_dir().join("tests/corpus/resend-official.yaml"));
    (ours, theirs)
}

#[test]
fn spec_differs_from_the_official_description_only_where_accepted() {
    let (ours, theirs) = spec_documents();
    let diffs = differences(&Doc { root: &ours }, &Doc { root: &theirs });
    let accepted = accepted();
    let (unexplained, stale) = judge(&diffs, &accepted);
    let mut report = String::new();
    if !unexplained.is_empty() {
        report.push_str(&format!(
            "{} difference(s) between spec/resend.yaml (here) and tests/corpus/resend-official.yaml \
             (there) that tests/resend_official/accepted.yaml does not accept; follow the official \
             description, or add an entry with its reason:\n",
            unexplained.len()
        ));
        for d in &unexplained {
            report.push_str(&format!("  {d}\n"));
        }
    }
    if !stale.is_empty() {
        report.push_str(&format!(
            "{} accepted difference(s) that no longer occur; remove them from \
             tests/resend_official/accepted.yaml:\n",
            stale.len()
        ));
        for a in &stale {
            report.push_str(&format!("  {} ({})\n", a.pattern, a.reason));
        }
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn every_operation_that_is_not_deprecated_is_described() {
    let (ours, theirs) = spec_documents();
    let ours = operations(&Doc { root: &ours });
    let theirs_doc = Doc { root: &theirs };
    let theirs = operations(&theirs_doc);
    let current: Vec<&String> = theirs
        .iter()
        .filter(|(_, op)| !is_true(op.node, "deprecated"))
        .map(|(key, _)| key)
        .collect();
    let missing: Vec<&&String> = current.iter().filter(|k| !ours.contains_key(**k)).collect();
    assert!(
        missing.is_empty(),
        "operations of the official description missing here: {missing:?}"
    );
    assert!(
        current.len() >= 100,
        "the official description has {} current operations",
        current.len()
    );
}

// The comparison itself, on small documents, so that a difference it should see is seen.

fn doc_from(text: &str) -> Value {
    to_json(&YamlLoader::load_from_str(text).expect("YAML")[0])
}

#[test]
fn comparison_sees_each_kind_of_difference() {
    let ours = doc_from(
        r##"
paths:
  /things/{thing_id}:
    get:
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, required: true, schema: {type: integer}}
        - {name: X-Mode, in: header, schema: {type: string, enum: [a, b]}}
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
  /only-ours:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object}
      responses: {'201': {description: x}}
components:
  schemas:
    Thing:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [name, label]
          properties:
            name: {type: string}
            label: {type: string}
            blob: {type: string, format: byte}
            size: {oneOf: [{type: string}, {type: number}]}
            tags: {type: array, items: {type: string, enum: [x, y]}}
    Base:
      type: object
      properties:
        id: {type: string}
"##,
    );
    let theirs = doc_from(
        r##"
paths:
  /things/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: number}}
        - {name: x-mode, in: header, schema: {type: string, enum: [a, c]}}
        - {name: extra, in: query, schema: {type: string}}
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: [string, "null"]}
                  label: {type: [string, "null"]}
                  name: {type: string}
                  blob: {type: string, format: binary}
                  size: {type: string}
                  tags: {type: array, items: {type: string, enum: [x, y, z]}}
                  colour: {type: string}
  /old:
    get:
      deprecated: true
      responses: {'200': {description: x}}
  /only-theirs:
    delete:
      responses: {'200': {description: x}}
"##,
    );
    let diffs = differences(&Doc { root: &ours }, &Doc { root: &theirs });
    let expected = [
        "GET /things/{} parameter header x-mode: enum values only here: [\"b\"]",
        "GET /things/{} parameter header x-mode: enum values only there: [\"c\"]",
        "GET /things/{} parameter query extra: only there",
        "GET /things/{} parameter query limit: required here, optional there",
        "GET /things/{} parameter query limit: type integer here, number there",
        "GET /things/{} response 200 .blob: type string here, string (binary) there",
        "GET /things/{} response 200 .colour: field only there",
        "GET /things/{} response 200 .label: required here, optional there",
        "GET /things/{} response 200 .label: never null here, nullable there",
        "GET /things/{} response 200 .name: required here, optional there",
        "GET /things/{} response 200 .size: type one of [number, string] here, string there",
        "GET /things/{} response 200 .tags[]: enum values only there: [\"z\"]",
        "DELETE /only-theirs: operation only there",
        "POST /only-ours: operation only here",
    ];
    let got: BTreeSet<&str> = diffs.iter().map(String::as_str).collect();
    let want: BTreeSet<&str> = expected.into_iter().collect();
    assert_eq!(got, want, "differences found: {diffs:#?}");
}

#[test]
fn glob_patterns_match_as_documented() {
    assert!(glob_matches(
        "GET /emails/{} response 200 .id: *",
        "GET /emails/{} response 200 .id: field only here"
    ));
    assert!(glob_matches(
        "* .id: required here, optional there",
        "POST /a response 201 .id: required here, optional there"
    ));
    assert!(glob_matches("exact", "exact"));
    assert!(!glob_matches("exact", "exactly"));
    assert!(!glob_matches("*.id: x", "a.id: y"));
    assert!(glob_matches("a*b*c", "abc"));
    assert!(!glob_matches("a*b*c", "acb"));
}

#[test]
fn an_unlisted_difference_and_a_stale_entry_are_both_reported() {
    let diffs = vec![
        "GET /a response 200 .id: required here, optional there".to_string(),
        "GET /a response 200 .colour: field only there".to_string(),
    ];
    let accepted = vec![
        Accepted {
            pattern: "* response *.id: required here, optional there".into(),
            reason: "every object carries its ID".into(),
        },
        Accepted {
            pattern: "GET /b: operation only there".into(),
            reason: "no longer true".into(),
        },
    ];
    let (unexplained, stale) = judge(&diffs, &accepted);
    assert_eq!(
        unexplained,
        vec!["GET /a response 200 .colour: field only there"]
    );
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].pattern, "GET /b: operation only there");
}
