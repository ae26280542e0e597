//! Every real-world spec in `tests/corpus/` (see `tests/corpus/SOURCES.md`) must generate a
//! crate that passes `cargo clippy --all-targets -- -D warnings`.
//!
//! The crates are written into a throw-away workspace under `<workspace>/target/corpus-crates/`
//! and checked as `common/mod.rs` describes. The test prints, per spec, the operations,
//! types, files, generated lines, warnings and generation time (run with `--nocapture`).

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{clippy_workspace, workspace_root, write_workspace};

/// Specs the generator cannot handle yet, with every error they give: the rendered
/// diagnostic when the spec does not generate, else the compiler's message for its crate.
/// Every error must be listed and every listed error must still happen, so that neither a
/// new failure nor a fix goes unnoticed. Empty: every spec generates and passes clippy.
const EXPECTED_FAILURES: &[(&str, &[&str])] = &[];

/// Reads the files a corpus spec refers to, relative to this crate.
struct Files;

impl generator::SourceLoader for Files {
    fn load(&self, path: &str) -> Result<String, String> {
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .map_err(|e| e.to_string())
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The corpus specs, by file name, sorted. Fails when the folder is missing or empty: a
/// corpus test that finds nothing to test must not pass.
fn corpus_specs() -> Vec<String> {
    let dir = corpus_dir();
    let entries = fs::read_dir(&dir).unwrap_or_else(|error| {
        panic!(
            "the corpus folder {} cannot be read ({error}); it is part of the repository, \
             see tests/corpus/SOURCES.md",
            dir.display()
        )
    });
    let mut specs: Vec<String> = entries
        .map(|entry| entry.expect("a readable directory entry").file_name())
        .filter_map(|name| name.to_str().map(str::to_string))
        .filter(|name| [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no specs in {}", dir.display());
    specs
}

/// A member folder and crate name for a spec file: `petstore-expanded.yaml` ->
/// `petstore_expanded`, crate `corpus-petstore-expanded` (two specs may share a title).
fn member(file: &str) -> (String, String) {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let slug: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    (slug.replace('-', "_"), format!("corpus-{slug}"))
}

struct Outcome {
    file: String,
    elapsed: Duration,
    result: Result<generator::Generated, Vec<String>>,
}

fn generate(file: &str) -> Outcome {
    let path = corpus_dir().join(file);
    let spec = fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let (_, crate_name) = member(file);
    let options = generator::Options {
        crate_name: Some(crate_name),
        spec_path: format!("tests/corpus/{file}"),
        regenerate_command: "cargo test -p generator --test corpus".to_string(),
    };
    let started = Instant::now();
    let result = generator::generate_with_loader(&spec, &options, &Files);
    let elapsed = started.elapsed();
    Outcome {
        file: file.to_string(),
        elapsed,
        result: result.map_err(|diagnostics| {
            diagnostics
                .iter()
                .filter(|d| d.severity == generator::Severity::Error)
                .map(ToString::to_string)
                .collect()
        }),
    }
}

/// One line per spec: what it gave and how long generating took.
fn table(outcomes: &[Outcome]) -> String {
    let mut text = String::from(
        "| spec | operations | types | files | generated lines | warnings | generation ms |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for outcome in outcomes {
        match &outcome.result {
            Ok(generated) => {
                let lines: usize = generated.files.values().map(|t| t.lines().count()).sum();
                let _ = writeln!(
                    text,
                    "| {} | {} | {} | {} | {lines} | {} | {} |",
                    outcome.file,
                    generated.stats.operations,
                    generated.stats.types,
                    generated.files.len(),
                    generated.warnings.len(),
                    outcome.elapsed.as_millis(),
                );
            }
            Err(errors) => {
                let _ = writeln!(
                    text,
                    "| {} | does not generate: {} errors | | | | | {} |",
                    outcome.file,
                    errors.len(),
                    outcome.elapsed.as_millis()
                );
            }
        }
    }
    text
}

#[test]
fn every_corpus_spec_generates_a_crate_that_passes_clippy() {
    let started = Instant::now();
    let outcomes: Vec<Outcome> = corpus_specs().iter().map(|f| generate(f)).collect();
    eprintln!("{}", table(&outcomes));

    for (file, _) in EXPECTED_FAILURES {
        assert!(
            outcomes.iter().any(|o| o.file == *file),
            "EXPECTED_FAILURES names `{file}`, which is not in the corpus"
        );
    }
    let expected = |file: &str| -> &[&str] {
        EXPECTED_FAILURES
            .iter()
            .find(|(name, _)| *name == file)
            .map_or(&[], |(_, messages)| messages)
    };

    let mut problems = Vec::new();
    // Every error of a spec that does not generate must be listed, and the other way round.
    let check = |file: &str, actual: &[String], problems: &mut Vec<String>| {
        for error in actual {
            if !expected(file).contains(&error.as_str()) {
                problems.push(format!(
                    "{file}: an error not in EXPECTED_FAILURES:\n{error}"
                ));
            }
        }
        for message in expected(file) {
            if !actual.iter().any(|e| e == message) {
                problems.push(format!(
                    "{file}: EXPECTED_FAILURES expects the error `{message}`, and there is none \
                     any more; remove it from the list"
                ));
            }
        }
    };

    let mut crates: BTreeMap<String, (&str, &generator::Generated)> = BTreeMap::new();
    for outcome in &outcomes {
        match &outcome.result {
            Ok(generated) => {
                crates.insert(member(&outcome.file).0, (&outcome.file, generated));
            }
            Err(errors) => check(&outcome.file, errors, &mut problems),
        }
    }

    let dir = workspace_root().join("target/corpus-crates");
    let members: BTreeMap<&str, &generator::Generated> = crates
        .iter()
        .map(|(member, (_, generated))| (member.as_str(), *generated))
        .collect();
    write_workspace(
        &dir,
        &members,
        "generator/tests/corpus.rs: one crate per corpus spec",
    );
    let (output, mut errors) = clippy_workspace(&dir);
    eprintln!(
        "generating {} corpus specs and running cargo clippy over {} crates took {:.1} s",
        outcomes.len(),
        crates.len(),
        started.elapsed().as_secs_f64()
    );
    for (member, (file, _)) in &crates {
        let actual: Vec<String> = errors
            .remove(member)
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                if expected(file).contains(&e.message.as_str()) {
                    e.message
                } else {
                    e.rendered
                }
            })
            .collect();
        check(file, &actual, &mut problems);
    }
    for (member, rest) in &errors {
        for error in rest {
            problems.push(format!("{member}: {}", error.rendered));
        }
    }
    assert!(
        problems.is_empty(),
        "corpus specs that fail:\n\n{}\n\ncargo's stderr:\n{}",
        problems.join("\n\n"),
        String::from_utf8_lossy(&output.stderr)
    );
}
