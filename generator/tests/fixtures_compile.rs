//! Every fixture in `tests/fixtures/` must give a crate that builds and passes
//! `cargo clippy --all-targets -- -D warnings`, examples included.
//!
//! The crates are written into one throw-away Cargo workspace under
//! `<workspace>/target/fixture-crates/` and checked as `common/mod.rs` describes. The first
//! run compiles reqwest and friends and takes a while; later runs only check the fixtures.

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
use std::fs;
use std::path::Path;
use std::time::Instant;

use common::{clippy_workspace, workspace_root, write_workspace};

/// Fixtures whose crates are known not to pass clippy, with a piece of the message of every
/// error each gives. Every error a fixture crate gives must be listed here, and every entry
/// must still happen, so that neither a new failure nor a fix goes unnoticed. Empty: every
/// fixture passes.
const KNOWN_FAILURES: &[(&str, &[&str])] = &[];

/// Every fixture, by file stem, with its generated files or its diagnostics.
fn generate_all() -> BTreeMap<String, Result<generator::Generated, String>> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = BTreeMap::new();
    let entries = fs::read_dir(&fixtures)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", fixtures.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("fixture file names are UTF-8")
            .to_string();
        let spec = fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let options = generator::Options {
            crate_name: None,
            spec_path: format!("tests/fixtures/{stem}.yaml"),
            regenerate_command: "cargo xtask codegen".to_string(),
        };
        let result = generator::generate(&spec, &options).map_err(|diagnostics| {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            text.join("\n")
        });
        out.insert(stem, result);
    }
    assert!(!out.is_empty(), "no fixtures in {}", fixtures.display());
    out
}

#[test]
fn every_fixture_generates_a_crate_that_passes_clippy() {
    let started = Instant::now();
    let generated = generate_all();
    let failures: Vec<String> = generated
        .iter()
        .filter_map(|(stem, result)| {
            result
                .as_ref()
                .err()
                .map(|errors| format!("{stem}.yaml:\n{errors}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "fixtures that do not generate:\n{}",
        failures.join("\n\n")
    );
    let crates: BTreeMap<&str, &generator::Generated> = generated
        .iter()
        .filter_map(|(stem, result)| result.as_ref().ok().map(|g| (stem.as_str(), g)))
        .collect();
    for (name, _) in KNOWN_FAILURES {
        assert!(
            crates.contains_key(name),
            "KNOWN_FAILURES names `{name}`, which is not a fixture"
        );
    }

    let dir = workspace_root().join("target/fixture-crates");
    write_workspace(
        &dir,
        &crates,
        "generator/tests/fixtures_compile.rs: one crate per fixture spec",
    );

    let (output, mut errors) = clippy_workspace(&dir);
    eprintln!(
        "cargo clippy over {} fixture crates took {:.1} s",
        crates.len(),
        started.elapsed().as_secs_f64()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    let mut problems = Vec::new();
    for member in crates.keys() {
        let expected: &[&str] = KNOWN_FAILURES
            .iter()
            .find(|(name, _)| name == member)
            .map_or(&[], |(_, patterns)| patterns);
        let actual = errors.remove(*member).unwrap_or_default();
        for error in &actual {
            if !expected.iter().any(|p| error.message.contains(p)) {
                problems.push(format!(
                    "{member}: an error not in KNOWN_FAILURES:\n{}",
                    error.rendered
                ));
            }
        }
        for pattern in expected {
            if !actual.iter().any(|e| e.message.contains(pattern)) {
                problems.push(format!(
                    "{member}: KNOWN_FAILURES expects an error containing `{pattern}`, and there \
                     is none any more; remove it from the list"
                ));
            }
        }
    }
    for (member, rest) in &errors {
        for error in rest {
            problems.push(format!("{member}: {}", error.rendered));
        }
    }
    eprintln!(
        "{} of {} fixture crates pass clippy; the others fail only as KNOWN_FAILURES records",
        crates.len() - KNOWN_FAILURES.len(),
        crates.len()
    );
    assert!(
        problems.is_empty(),
        "cargo clippy --all-targets -- -D warnings in {}:\n\n{}\n\ncargo's stderr:\n{stderr}",
        dir.display(),
        problems.join("\n")
    );
}
