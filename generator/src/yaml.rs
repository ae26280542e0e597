//! YAML (and JSON, its subset) text into a `serde_json::Value`, remembering where each node
//! stood in the text so that later errors can name a line and column.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::pointer::Fingerprint;

/// Line and column (1-based) of every node, keyed by the fingerprint of its JSON pointer
/// (`#/a/b`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SourceMap {
    positions: HashMap<Fingerprint, (u32, u32), BuildHasherDefault<FingerprintHasher>>,
}

impl SourceMap {
    /// The position of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        Fingerprint::of_pointer_and_ancestors(pointer)
            .iter()
            .find_map(|hash| self.positions.get(hash))
            .map(|&(line, column)| (line as usize, column as usize))
    }

    pub(crate) fn insert(&mut self, hash: Fingerprint, line: usize, column: usize) {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.positions
            .entry(hash)
            .or_insert((narrow(line), narrow(column)));
    }
}

/// Fingerprints are hashes already: the map takes 64 of their bits as they are.
#[derive(Default)]
struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// A YAML document could not be read.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub pointer: String,
    pub line: usize,
    pub column: usize,
}

impl YamlError {
    /// Where the error is, in `file`.
    pub fn place(&self, file: &str) -> crate::sources::Place {
        crate::sources::Place {
            file: file.to_string(),
            pointer: self.pointer.clone(),
            line: Some(self.line),
            column: Some(self.column),
        }
    }
}

/// Deeper nesting than this is refused: no real spec comes near it, and it keeps recursive
/// code further on from running out of stack.
const MAX_DEPTH: usize = 128;

/// How many nodes aliases may copy in all, against documents built to explode ("billion
/// laughs").
const MAX_ALIAS_NODES: usize = 1_000_000;

/// Parses one YAML document (JSON ones through the faster [`crate::json`] when it can).
pub fn parse(text: &str) -> Result<(Value, SourceMap), YamlError> {
    match crate::json::parse(text) {
        Some(parsed) => Ok(parsed),
        None => parse_yaml(text),
    }
}

/// Parses one YAML document with the YAML reader.
pub fn parse_yaml(text: &str) -> Result<(Value, SourceMap), YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(error) = parser.load(&mut builder, true) {
        let marker = error.marker();
        let pointer = builder.pointer();
        let info = error.info();
        let message = if info.contains("recursion limit") {
            format!("the document is nested more than {MAX_DEPTH} levels deep")
        } else {
            // The parser names the place where it gave up, which may be past the mistake
            // (an unclosed bracket): say which value it was reading.
            let context = match (builder.path.last(), builder.source_map.locate(&pointer)) {
                (Some(key), Some((line, _))) if line != marker.line() => {
                    format!(" (while reading `{key}`, which starts at line {line})")
                }
                _ => String::new(),
            };
            format!("syntax error: {info}{context}")
        };
        return Err(YamlError {
            message,
            pointer,
            line: marker.line(),
            column: marker.col() + 1,
        });
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    match builder.documents.len() {
        0 => Err(YamlError {
            message: "the file is empty: expected an OpenAPI document".to_string(),
            pointer: "#".to_string(),
            line: 1,
            column: 1,
        }),
        1 => {
            let value = builder.documents.pop().unwrap_or(Value::Null);
            Ok((value, builder.source_map))
        }
        _ => Err(YamlError {
            message: "the file holds several YAML documents; expected exactly one".to_string(),
            pointer: "#".to_string(),
            line: builder.second_document_line.unwrap_or(1),
            column: 1,
        }),
    }
}

/// A container being filled.
enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
    },
    Mapping {
        entries: Map<String, Value>,
        anchor: usize,
        pending_key: Option<String>,
        /// Where the pending key stands: the place to name for its value.
        key_mark: Option<Marker>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Reference tokens from the root to the node being built.
    path: Vec<String>,
    /// The fingerprints of the pointers of `path`'s nodes, one per token.
    hashes: Vec<Fingerprint>,
    /// Anchored values with their node counts.
    anchors: HashMap<usize, (Value, usize)>,
    alias_nodes: usize,
    documents: Vec<Value>,
    second_document_line: Option<usize>,
    source_map: SourceMap,
    error: Option<YamlError>,
}

impl Builder {
    fn pointer(&self) -> String {
        let mut pointer = String::from("#");
        for token in &self.path {
            pointer.push('/');
            pointer.push_str(&crate::pointer::escape(token));
        }
        pointer
    }

    fn fail(&mut self, message: String, mark: Marker) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                message,
                pointer: self.pointer(),
                line: mark.line(),
                column: mark.col() + 1,
            });
        }
    }

    /// Called when a node starts: works out its path token and records its position.
    /// Returns false when the node is a mapping key (handled by the caller).
    fn begin_node(&mut self, mark: Marker) {
        let (token, mark) = match self.stack.last() {
            Some(Frame::Sequence { items, .. }) => (Some(items.len().to_string()), mark),
            Some(Frame::Mapping {
                pending_key,
                key_mark,
                ..
            }) => (pending_key.clone(), key_mark.unwrap_or(mark)),
            None => (None, mark),
        };
        // The document itself is named by its first line.
        let column = if token.is_some() { mark.col() + 1 } else { 1 };
        if let Some(token) = token {
            let parent = self
                .hashes
                .last()
                .copied()
                .unwrap_or_else(Fingerprint::root);
            self.hashes.push(parent.child(&token));
            self.path.push(token);
        }
        let hash = self
            .hashes
            .last()
            .copied()
            .unwrap_or_else(Fingerprint::root);
        self.source_map.insert(hash, mark.line(), column);
    }

    fn in_key_position(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Mapping {
                pending_key: None,
                ..
            })
        )
    }

    /// Puts a finished node into its parent (or makes it a document).
    fn finish_node(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            let count = node_count(&value);
            self.anchors.insert(anchor, (value.clone(), count));
        }
        match self.stack.last_mut() {
            Some(Frame::Sequence { items, .. }) => {
                items.push(value);
                self.path.pop();
                self.hashes.pop();
            }
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => {
                if let Some(key) = pending_key.take() {
                    entries.insert(key, value);
                }
                self.path.pop();
                self.hashes.pop();
            }
            None => self.documents.push(value),
        }
    }

    fn key(&mut self, key: String, mark: Marker) {
        let duplicate = matches!(
            self.stack.last(),
            Some(Frame::Mapping { entries, .. }) if entries.contains_key(&key)
        );
        if duplicate {
            self.path.push(key.clone());
            self.fail(format!("duplicate key `{key}` in a mapping"), mark);
            self.path.pop();
        }
        if let Some(Frame::Mapping {
            pending_key,
            key_mark,
            ..
        }) = self.stack.last_mut()
        {
            *pending_key = Some(key);
            *key_mark = Some(mark);
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::DocumentStart => {
                if !self.documents.is_empty() && self.second_document_line.is_none() {
                    self.second_document_line = Some(mark.line());
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_ref());
                if self.in_key_position() {
                    let key = match value {
                        Value::String(s) => s,
                        Value::Null => "null".to_string(),
                        other => other.to_string(),
                    };
                    self.key(key, mark);
                    return;
                }
                self.begin_node(mark);
                self.finish_node(value, anchor);
            }
            Event::Alias(id) => {
                let Some((value, count)) = self.anchors.get(&id).cloned() else {
                    self.fail("alias to an unknown anchor".to_string(), mark);
                    return;
                };
                self.alias_nodes = self.alias_nodes.saturating_add(count);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    self.fail(
                        format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                        mark,
                    );
                    return;
                }
                if self.in_key_position() {
                    let key = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.key(key, mark);
                    return;
                }
                self.begin_node(mark);
                self.finish_node(value, 0);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.in_key_position() {
                    self.fail(
                        "a mapping key must be a scalar, not a sequence or mapping".to_string(),
                        mark,
                    );
                    return;
                }
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(
                        format!("the document is nested more than {MAX_DEPTH} levels deep"),
                        mark,
                    );
                    return;
                }
                self.begin_node(mark);
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Sequence {
                        items: Vec::new(),
                        anchor,
                    }
                } else {
                    Frame::Mapping {
                        entries: Map::new(),
                        anchor,
                        pending_key: None,
                        key_mark: None,
                    }
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::Sequence { items, anchor }) => (Value::Array(items), anchor),
                    Some(Frame::Mapping {
                        entries, anchor, ..
                    }) => {
                        let entries = merge_keys(entries);
                        (Value::Object(entries), anchor)
                    }
                    None => return,
                };
                self.finish_node(value, anchor);
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
}

/// Nodes in a value, counted without recursion.
fn node_count(value: &Value) -> usize {
    let mut count = 0usize;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        count += 1;
        match node {
            Value::Array(items) => stack.extend(items),
            Value::Object(entries) => stack.extend(entries.values()),
            _ => {}
        }
    }
    count
}

/// Applies YAML merge keys (`<<: *anchor`): entries of the merged mapping that the mapping
/// does not set itself.
fn merge_keys(mut entries: Map<String, Value>) -> Map<String, Value> {
    let Some(merged) = entries.remove("<<") else {
        return entries;
    };
    let sources = match merged {
        Value::Array(items) => items,
        other => vec![other],
    };
    for source in sources {
        if let Value::Object(source) = source {
            for (key, value) in source {
                entries.entry(key).or_insert(value);
            }
        }
    }
    entries
}

/// Resolves a scalar by the YAML 1.2 core schema: plain scalars may be null, booleans or
/// numbers; quoted and block scalars are strings.
pub(crate) fn scalar(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.suffix == "str" {
            return Value::String(text.to_string());
        }
    }
    if style != TScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(number) = integer(text) {
        return number;
    }
    if looks_like_float(text) {
        if let Ok(parsed) = text.parse::<f64>() {
            if let Some(number) = Number::from_f64(parsed) {
                return Value::Number(number);
            }
        }
    }
    Value::String(text.to_string())
}

fn integer(text: &str) -> Option<Value> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = digits.strip_prefix("0o") {
        (8, octal)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if negative {
        let value = i64::from_str_radix(&format!("-{digits}"), radix).ok()?;
        Some(Value::Number(value.into()))
    } else {
        let value = u64::from_str_radix(digits, radix).ok()?;
        Some(Value::Number(value.into()))
    }
}

fn looks_like_float(text: &str) -> bool {
    let body = text.trim_start_matches(['-', '+']);
    !body.is_empty()
        && body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings_and_positions_are_kept() -> Result<(), String> {
        let text =
            "paths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
        let (value, map) = parse(text).map_err(|e| e.message)?;
        assert_eq!(
            value["paths"]["/a"]["get"]["responses"]["200"]["description"],
            "ok"
        );
        assert_eq!(map.locate("#/paths/~1a/get"), Some((3, 5)));
        assert_eq!(map.locate("#/paths/~1a/get/nothing/here"), Some((3, 5)));
        Ok(())
    }

    #[test]
    fn scalars_follow_the_core_schema() -> Result<(), String> {
        let (value, _) = parse("a: 1\nb: '1'\nc: 1.5\nd: true\ne: ~\nf: 0x10\ng: 1.0.3\n")
            .map_err(|e| e.message)?;
        assert_eq!(value["a"], 1);
        assert_eq!(value["b"], "1");
        assert_eq!(value["c"], 1.5);
        assert_eq!(value["d"], true);
        assert_eq!(value["e"], Value::Null);
        assert_eq!(value["f"], 16);
        assert_eq!(value["g"], "1.0.3");
        Ok(())
    }

    #[test]
    fn anchors_and_merge_keys_resolve() -> Result<(), String> {
        let (value, _) =
            parse("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n").map_err(|e| e.message)?;
        assert_eq!(value["other"]["x"], 1);
        assert_eq!(value["other"]["y"], 3);
        Ok(())
    }

    #[test]
    fn errors_are_located() {
        let error = parse("a:\n  b: 1\n  b: 2\n").err();
        let error = error.map(|e| (e.message, e.pointer, e.line));
        assert_eq!(
            error,
            Some((
                "duplicate key `b` in a mapping".to_string(),
                "#/a/b".to_string(),
                3
            ))
        );
        let syntax = parse("a: [1, 2\nb: 3\n").err().map(|e| e.line);
        assert!(syntax.is_some());
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let deep = parse(&deep).err().map(|e| e.message);
        assert_eq!(
            deep.as_deref(),
            Some("the document is nested more than 128 levels deep")
        );
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let previous = level - 1;
            let refs = vec![format!("*a{previous}"); 10].join(", ");
            bomb.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        let bomb = parse(&bomb).err().map(|e| e.message);
        assert_eq!(
            bomb.as_deref(),
            Some("aliases expand to more than 1000000 nodes")
        );
        let empty = parse("").err().map(|e| e.message);
        assert_eq!(
            empty.as_deref(),
            Some("the file is empty: expected an OpenAPI document")
        );
    }
}
