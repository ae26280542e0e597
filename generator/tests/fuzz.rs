//! Fuzzing: mutated specs go into the generator, which must return either the files or
//! located errors, never panic and never hang.
//!
//! Seeds are the fixture specs, `spec/*.yaml` and, when present, the corpus in
//! `../shared/corpus/`. A case picks a seed and mutates it: in its parsed tree (delete a
//! key, replace a node by a value of another type, copy a node over another, point a node
//! at a component with `$ref`), re-serialised as JSON, and in its text (delete, duplicate
//! or swap lines, change indentation, flip characters, replace a value, cut the file).
//! Every result is also rendered, so the renderer is fuzzed too.
//!
//! The test suite runs a bounded number of cases with a fixed seed. For a longer run:
//!
//! ```sh
//! FUZZ_CASES=100000 FUZZ_SEED=7 cargo test --release -p generator --test fuzz -- --nocapture
//! ```
//!
//! A failing input is saved under `target/tmp/fuzz-findings/`; the input being run is
//! always in `target/tmp/fuzz-current` (useful if the process itself dies). A fixed
//! finding gets a regression test of its own (see `tests/diagnostics.rs`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::panic;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Map, Value};

/// Cases in a normal `cargo test`.
const DEFAULT_CASES: u32 = 500;
/// Seeds larger than this are left out of the normal run (they are slow in a debug build).
const SUITE_SEED_BYTES: usize = 32 * 1024;
/// Longest time one case may take before it counts as a hang. Generous: a debug build on
/// a busy machine; the slowest seed takes well under a second in release.
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// The file name diagnostics must carry.
const FILE: &str = "fuzzed.yaml";

struct Seed {
    name: String,
    text: String,
    tree: Option<Value>,
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    files.sort();
    files
}

fn seeds(all: bool) -> Vec<Seed> {
    let root = manifest_dir();
    let mut paths = files_in(&root.join("tests/fixtures"));
    paths.extend(files_in(&root.join("tests/fixtures/errors")));
    paths.extend(files_in(&root.join("../spec")));
    paths.extend(files_in(&root.join("../../shared/corpus")));
    paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            if !all && text.len() > SUITE_SEED_BYTES {
                return None;
            }
            let tree = yaml_rust2::YamlLoader::load_from_str(&text)
                .ok()
                .and_then(|docs| docs.into_iter().next())
                .map(|doc| to_json(&doc));
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some(Seed { name, text, tree })
        })
        .collect()
}

fn to_json(yaml: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match yaml {
        Yaml::Real(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(text.clone()), Value::Number),
        Yaml::Integer(n) => Value::from(*n),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Hash(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = match key {
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(n) => n.to_string(),
                    Yaml::Real(s) => s.clone(),
                    Yaml::Boolean(b) => b.to_string(),
                    _ => "null".to_string(),
                };
                map.insert(key, to_json(value));
            }
            Value::Object(map)
        }
        _ => Value::Null,
    }
}

fn to_yaml(value: &Value) -> yaml_rust2::Yaml {
    use yaml_rust2::Yaml;
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml).collect()),
        Value::Object(entries) => Yaml::Hash(
            entries
                .iter()
                .map(|(k, v)| (Yaml::String(k.clone()), to_yaml(v)))
                .collect(),
        ),
    }
}

/// A change to the parsed tree; numbers pick nodes modulo the node count.
#[derive(Debug, Clone)]
enum TreeMutation {
    DeleteKey(u32),
    Replace(u32, u8),
    Copy {
        from: u32,
        to: u32,
    },
    RefTo {
        node: u32,
        target: u32,
    },
    /// Renames a mapping key (a property, a schema, a path, a status code) to an odd name.
    RenameKey {
        node: u32,
        name: u8,
    },
    /// Sets a string (an operationId, a tag, an enum value, a parameter name) to an odd name.
    SetString {
        node: u32,
        name: u8,
    },
}

/// Names that are hard to turn into Rust: keywords, prelude names, digits, symbols,
/// non-ASCII, empty, very long, names that collide after case conversion.
fn odd_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "",
        " ",
        "type",
        "self",
        "Self",
        "crate",
        "super",
        "_",
        "__",
        "1",
        "1a",
        "a-b",
        "A_B",
        "a_b",
        "aB",
        "AB",
        "ünïcode",
        "名前",
        "r#x",
        "Option",
        "Result",
        "String",
        "Vec",
        "Box",
        "Some",
        "None",
        "{id}",
        "{",
        "}",
        "a b",
        "\u{202e}x",
        "Client",
        "Error",
        "Unknown",
        "mod",
        "async",
        "fn",
        "send",
        "body",
        "client",
        "into_future",
        "types",
        "lib",
        "--",
        "$ref",
        "~1",
        "/",
        "a/b",
        "null",
        "true",
        "200",
        "2XX",
        "default",
        "\"",
        "'",
        "#",
        "x\ny",
        "\t",
        "a::b",
        "<T>",
        "é",
        "ß",
        "İ",
    ]
    .map(str::to_string)
    .to_vec();
    names.push("x".repeat(300));
    names.push("A".repeat(70));
    names
}

/// A change to the text; numbers pick lines or bytes modulo their count. Tree changes
/// are written back as block YAML or as compact JSON, then the text changes apply.
#[derive(Debug, Clone)]
enum TextMutation {
    DeleteLine(u32),
    DuplicateLine(u32),
    SwapLines(u32, u32),
    Indent(u32, i8),
    FlipChar(u32, char),
    ReplaceValue(u32, u8),
    Truncate(u32),
}

#[derive(Debug, Clone)]
struct Case {
    seed: u32,
    tree: Vec<TreeMutation>,
    compact: bool,
    text: Vec<TextMutation>,
}

/// Values of every kind, and some that YAML reads in surprising ways.
const VALUES: &[&str] = &[
    "[]",
    "{}",
    "null",
    "~",
    "0",
    "-1",
    "42",
    "1e999",
    "18446744073709551616",
    "true",
    "''",
    "\"\"",
    "'x'",
    ".inf",
    "0x",
    "*nope",
    "&a x",
    "!!binary aGk=",
    "'#/components/schemas/X'",
    "{$ref: '#'}",
    "{$ref: '#/components/schemas/'}",
    "[{}, [], null]",
    "'{a}/{b}'",
    "|\n  text",
];

fn json_values() -> Vec<Value> {
    vec![
        Value::Null,
        Value::Bool(true),
        Value::from(0),
        Value::from(-1),
        Value::from(u64::MAX),
        Value::from(1.5),
        Value::String(String::new()),
        Value::String("x".into()),
        Value::String("{id}".into()),
        Value::Array(Vec::new()),
        Value::Array(vec![Value::Null, Value::from(1)]),
        Value::Object(Map::new()),
        serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}}}),
        serde_json::json!({"type": "array"}),
        serde_json::json!({"type": "string", "enum": ["", "a", "A", "a-", null, 1]}),
        serde_json::json!({"allOf": [{}]}),
        serde_json::json!({"oneOf": []}),
    ]
}

fn case_strategy(seed_count: usize) -> impl Strategy<Value = Case> {
    let tree = prop_oneof![
        any::<u32>().prop_map(TreeMutation::DeleteKey),
        (any::<u32>(), any::<u8>()).prop_map(|(n, v)| TreeMutation::Replace(n, v)),
        (any::<u32>(), any::<u32>()).prop_map(|(from, to)| TreeMutation::Copy { from, to }),
        (any::<u32>(), any::<u32>())
            .prop_map(|(node, target)| TreeMutation::RefTo { node, target }),
        (any::<u32>(), any::<u8>()).prop_map(|(node, name)| TreeMutation::RenameKey { node, name }),
        (any::<u32>(), any::<u8>()).prop_map(|(node, name)| TreeMutation::SetString { node, name }),
    ];
    let interesting = prop::sample::select(vec![
        '{', '}', '[', ']', ':', ',', '-', '#', '&', '*', '!', '|', '>', '\'', '"', '\t', '\n',
        ' ', '~', '/', '%', '@', '`', '\u{0}', '\u{feff}', 'é', '9',
    ]);
    let character = prop_oneof![3 => interesting, 1 => any::<char>()];
    // Weighted towards changes that keep the text readable, so that cases get past the
    // parser into lowering and emission.
    let text = prop_oneof![
        3 => any::<u32>().prop_map(TextMutation::DeleteLine),
        2 => any::<u32>().prop_map(TextMutation::DuplicateLine),
        2 => (any::<u32>(), any::<u32>()).prop_map(|(a, b)| TextMutation::SwapLines(a, b)),
        2 => (any::<u32>(), -4i8..=4).prop_map(|(n, d)| TextMutation::Indent(n, d)),
        2 => (any::<u32>(), character).prop_map(|(n, c)| TextMutation::FlipChar(n, c)),
        4 => (any::<u32>(), any::<u8>()).prop_map(|(n, v)| TextMutation::ReplaceValue(n, v)),
        1 => any::<u32>().prop_map(TextMutation::Truncate),
    ];
    (
        0..seed_count as u32,
        prop::collection::vec(tree, 0..4),
        prop::bool::weighted(0.2),
        prop::collection::vec(text, 0..3),
    )
        .prop_map(|(seed, tree, compact, text)| Case {
            seed,
            tree,
            compact,
            text,
        })
}

/// Pointers (as token lists) of every node, root first, in a fixed order.
fn nodes(tree: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(tree, Vec::new())];
    while let Some((node, path)) = stack.pop() {
        match node {
            Value::Object(entries) => {
                for (key, child) in entries {
                    let mut longer = path.clone();
                    longer.push(key.clone());
                    stack.push((child, longer));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let mut longer = path.clone();
                    longer.push(index.to_string());
                    stack.push((child, longer));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

fn node_at<'v>(tree: &'v Value, path: &[String]) -> Option<&'v Value> {
    let mut current = tree;
    for token in path {
        current = match current {
            Value::Object(entries) => entries.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn node_mut<'v>(tree: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    let mut current = tree;
    for token in path {
        current = match current {
            Value::Object(entries) => entries.get_mut(token)?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn pick<T>(items: &[T], n: u32) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(n as usize % items.len())
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn mutate_tree(tree: &mut Value, mutation: &TreeMutation) {
    let all = nodes(tree);
    match mutation {
        TreeMutation::DeleteKey(n) => {
            let Some(path) = pick(&all, *n) else { return };
            let Some((last, parent)) = path.split_last() else {
                return;
            };
            match node_mut(tree, parent) {
                Some(Value::Object(entries)) => {
                    entries.shift_remove(last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = last.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            }
        }
        TreeMutation::Replace(n, v) => {
            let values = json_values();
            let (Some(path), Some(value)) = (pick(&all, *n), pick(&values, u32::from(*v))) else {
                return;
            };
            if let Some(node) = node_mut(tree, path) {
                *node = value.clone();
            }
        }
        TreeMutation::Copy { from, to } => {
            let (Some(from), Some(to)) = (pick(&all, *from), pick(&all, *to)) else {
                return;
            };
            let Some(value) = node_mut(tree, from).map(|v| v.clone()) else {
                return;
            };
            if let Some(node) = node_mut(tree, to) {
                *node = value;
            }
        }
        TreeMutation::RenameKey { node, name } => {
            let names = odd_names();
            let (Some(path), Some(name)) = (pick(&all, *node), pick(&names, u32::from(*name)))
            else {
                return;
            };
            let Some((last, parent)) = path.split_last() else {
                return;
            };
            if let Some(Value::Object(entries)) = node_mut(tree, parent) {
                // Same place in the mapping; a key that now appears twice keeps the last value.
                let old = std::mem::take(entries);
                for (key, value) in old {
                    let key = if key == *last { name.clone() } else { key };
                    entries.insert(key, value);
                }
            }
        }
        TreeMutation::SetString { node, name } => {
            let names = odd_names();
            let strings: Vec<&Vec<String>> = all
                .iter()
                .filter(|path| matches!(node_at(tree, path), Some(Value::String(_))))
                .collect();
            let (Some(path), Some(name)) = (pick(&strings, *node), pick(&names, u32::from(*name)))
            else {
                return;
            };
            let path = (*path).clone();
            if let Some(node) = node_mut(tree, &path) {
                *node = Value::String(name.clone());
            }
        }
        TreeMutation::RefTo { node, target } => {
            // Components and any node at all, as local references, and some broken ones.
            let mut targets: Vec<String> = all
                .iter()
                .filter(|path| path.first().map(String::as_str) == Some("components"))
                .filter(|path| path.len() == 3)
                .map(|path| {
                    format!(
                        "#/{}",
                        path.iter().map(|t| escape(t)).collect::<Vec<_>>().join("/")
                    )
                })
                .collect();
            targets.extend(
                [
                    "#",
                    "#/",
                    "#/paths",
                    "#/components/schemas/Nope",
                    "#/components/schemas/",
                    "other.yaml#/components/schemas/X",
                    "https://example.com/x.yaml",
                    "",
                    "#/components/schemas/a~2b",
                ]
                .map(str::to_string),
            );
            let (Some(path), Some(reference)) = (pick(&all, *node), pick(&targets, *target)) else {
                return;
            };
            if let Some(node) = node_mut(tree, path) {
                *node = serde_json::json!({ "$ref": reference });
            }
        }
    }
}

fn mutate_text(text: &mut String, mutation: &TextMutation) {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    match mutation {
        TextMutation::DeleteLine(n) => {
            if !lines.is_empty() {
                let at = *n as usize % lines.len();
                lines.remove(at);
            }
        }
        TextMutation::DuplicateLine(n) => {
            if let Some(line) = pick(&lines, *n).cloned() {
                let at = *n as usize % lines.len();
                lines.insert(at, line);
            }
        }
        TextMutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                let (a, b) = (*a as usize % lines.len(), *b as usize % lines.len());
                lines.swap(a, b);
            }
        }
        TextMutation::Indent(n, delta) => {
            if !lines.is_empty() {
                let at = *n as usize % lines.len();
                let line = &mut lines[at];
                if *delta >= 0 {
                    line.insert_str(0, &" ".repeat(*delta as usize));
                } else {
                    let strip = line
                        .chars()
                        .take(delta.unsigned_abs() as usize)
                        .take_while(|c| *c == ' ')
                        .count();
                    line.replace_range(..strip, "");
                }
            }
        }
        TextMutation::FlipChar(n, c) => {
            if !text.is_empty() {
                let mut at = *n as usize % text.len();
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let end = text[at..]
                    .chars()
                    .next()
                    .map_or(at, |old| at + old.len_utf8());
                text.replace_range(at..end, &c.to_string());
            }
            return;
        }
        TextMutation::ReplaceValue(n, v) => {
            // The value after the first `: ` of a line that has one.
            let with_value: Vec<usize> = (0..lines.len())
                .filter(|i| lines[*i].contains(": "))
                .collect();
            if let (Some(&at), Some(value)) = (pick(&with_value, *n), pick(VALUES, u32::from(*v))) {
                let line = &mut lines[at];
                if let Some(colon) = line.find(": ") {
                    line.replace_range(colon + 2.., value);
                }
            }
        }
        TextMutation::Truncate(n) => {
            // Somewhere in the second half: the first half is mostly the header.
            if !text.is_empty() {
                let half = text.len() / 2;
                let mut at = half + *n as usize % (text.len() - half);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.truncate(at);
            }
            return;
        }
    }
    *text = lines.join("\n");
    text.push('\n');
}

fn build(seed: &Seed, case: &Case) -> String {
    let mut text = match (&seed.tree, case.tree.is_empty()) {
        (Some(tree), false) => {
            let mut tree = tree.clone();
            for mutation in &case.tree {
                mutate_tree(&mut tree, mutation);
            }
            if case.compact {
                serde_json::to_string(&tree).unwrap()
            } else {
                let mut out = String::new();
                yaml_rust2::YamlEmitter::new(&mut out)
                    .dump(&to_yaml(&tree))
                    .unwrap();
                out
            }
        }
        _ => seed.text.clone(),
    };
    for mutation in &case.text {
        mutate_text(&mut text, mutation);
    }
    text
}

/// Counts for the closing line of a run.
static GENERATED: AtomicUsize = AtomicUsize::new(0);
static REJECTED: AtomicUsize = AtomicUsize::new(0);
/// After one hang, later cases pass at once, so that shrinking does not pile up more
/// stuck threads; the hanging input is already saved.
static HUNG: AtomicBool = AtomicBool::new(false);

fn findings_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings")
}

fn save_finding(kind: &str, text: &str) -> PathBuf {
    let dir = findings_dir();
    let _ = std::fs::create_dir_all(&dir);
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("{kind}-{hash:016x}.yaml"));
    let _ = std::fs::write(&path, text);
    path
}

/// Runs the generator on `text` in its own thread, with a time limit, and checks the
/// property: the files, or errors that each name the file, a pointer and a line.
fn check(text: &str) -> Result<(), TestCaseError> {
    if HUNG.load(Ordering::SeqCst) {
        return Ok(());
    }
    let _ = std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-current"),
        text,
    );
    let (sender, receiver) = mpsc::channel();
    let input = text.to_string();
    thread::Builder::new()
        .name("fuzz-case".into())
        .spawn(move || {
            let outcome = panic::catch_unwind(|| {
                let options = generator::Options {
                    crate_name: None,
                    spec_path: FILE.to_string(),
                    regenerate_command: "cargo xtask codegen".to_string(),
                };
                let result = generator::generate(&input, &options);
                let diagnostics = match &result {
                    Ok(generated) => generated.warnings.clone(),
                    Err(errors) => errors.clone(),
                };
                let source = input.clone();
                let rendered =
                    generator::render_diagnostics(&diagnostics, &|_| Some(source.as_str().into()));
                (result.map(|generated| generated.files.len()), rendered)
            });
            let _ = sender.send(outcome);
        })
        .map_err(|e| TestCaseError::fail(format!("cannot start a thread: {e}")))?;
    match receiver.recv_timeout(TIME_LIMIT) {
        Err(_) => {
            HUNG.store(true, Ordering::SeqCst);
            let saved = save_finding("hang", text);
            Err(TestCaseError::fail(format!(
                "no answer within {TIME_LIMIT:?}; input saved to {}",
                saved.display()
            )))
        }
        Ok(Err(_)) => {
            let saved = save_finding("panic", text);
            Err(TestCaseError::fail(format!(
                "the generator panicked; input saved to {}",
                saved.display()
            )))
        }
        Ok(Ok((Ok(files), _))) => {
            GENERATED.fetch_add(1, Ordering::Relaxed);
            prop_assert!(files > 0);
            Ok(())
        }
        Ok(Ok((Err(errors), _))) if errors.iter().any(generator::Diagnostic::is_panic) => {
            // The generator catches its own panics and returns them as an error.
            let saved = save_finding("panic", text);
            let message = errors
                .iter()
                .find(|d| d.is_panic())
                .map(|d| d.message.clone())
                .unwrap_or_default();
            Err(TestCaseError::fail(format!(
                "the generator panicked: {message}; input saved to {}",
                saved.display()
            )))
        }
        Ok(Ok((Err(errors), rendered))) => {
            REJECTED.fetch_add(1, Ordering::Relaxed);
            if std::env::var_os("FUZZ_VERBOSE").is_some() {
                if let Some(first) = errors.first() {
                    let message: String = first.message.chars().take(70).collect();
                    eprintln!("rejected: {message}");
                }
            }
            let problem = if errors.is_empty() {
                Some("an error result with no diagnostics".to_string())
            } else {
                errors
                    .iter()
                    .filter(|d| d.severity == generator::Severity::Error)
                    .find(|d| d.file != FILE || !d.pointer.starts_with('#') || d.line.is_none())
                    .map(|d| format!("an error without a place: {d}"))
            };
            if let Some(problem) = problem {
                let saved = save_finding("unlocated", text);
                return Err(TestCaseError::fail(format!(
                    "{problem}; input saved to {}",
                    saved.display()
                )));
            }
            prop_assert!(rendered.contains("error: "), "{rendered}");
            Ok(())
        }
    }
}

#[test]
fn mutated_specs_give_files_or_located_errors() {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let long_run = cases > DEFAULT_CASES;
    let seeds = seeds(long_run);
    assert!(seeds.len() >= 10, "too few seeds: {}", seeds.len());
    let rng = match std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
        }
        None => TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    };
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let start = Instant::now();
    let result = runner.run(&case_strategy(seeds.len()), |case| {
        let seed = &seeds[case.seed as usize];
        let text = build(seed, &case);
        check(&text).map_err(|e| TestCaseError::fail(format!("seed {}: {e}", seed.name)))
    });
    eprintln!(
        "fuzz: {cases} cases from {} seeds in {:.1?}: {} generated, {} rejected with located errors",
        seeds.len(),
        start.elapsed(),
        GENERATED.load(Ordering::Relaxed),
        REJECTED.load(Ordering::Relaxed),
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
