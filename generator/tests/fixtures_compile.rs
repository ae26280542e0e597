//! Every fixture in `tests/fixtures/` must give a crate that builds and passes
//! `cargo clippy --all-targets -- -D warnings`, examples included.
//!
//! The crates are written into one throw-away Cargo workspace under
//! `<workspace>/target/fixture-crates/` (with a copy of the main `Cargo.lock`, so that the
//! dependency versions are the ones the project already uses and resolution works offline)
//! and checked with a target directory of their own, `<workspace>/target/fixture-target/`,
//! so that the inner cargo never waits for the lock the outer one holds. The first run
//! compiles reqwest and friends and takes a while; later runs only check the fixtures.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use serde_json::Value;

/// Fixtures whose crates are known not to pass clippy, with a piece of the message of every
/// error each gives. Every error a fixture crate gives must be listed here, and every entry
/// must still happen, so that neither a new failure nor a fix goes unnoticed. Empty: every
/// fixture passes.
const KNOWN_FAILURES: &[(&str, &[&str])] = &[];

/// The main workspace (the parent of this crate).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate lives inside the workspace")
        .to_path_buf()
}

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

/// Writes `text` to `path` unless it already holds exactly that, so that cargo sees
/// unchanged crates as fresh.
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", parent.display()));
    }
    fs::write(path, text)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}

/// Every file under `dir`, relative to it, with `/` separators.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(parts.join("/"));
            }
        }
    }
    out
}

/// Lays out the workspace: one member folder per fixture (named after its file stem), the
/// workspace manifest, and the main lock file. Files and folders from earlier runs that
/// are no longer generated are removed.
fn write_workspace(dir: &Path, crates: &BTreeMap<&str, &generator::Generated>) {
    fs::create_dir_all(dir)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", dir.display()));
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() && !crates.contains_key(name.as_str()) {
                fs::remove_dir_all(&path)
                    .unwrap_or_else(|error| panic!("cannot remove {}: {error}", path.display()));
            }
        }
    }
    for (member, generated) in crates {
        let crate_dir = dir.join(member);
        for stale in files_under(&crate_dir) {
            if !generated.files.contains_key(&stale) {
                let path = crate_dir.join(&stale);
                fs::remove_file(&path)
                    .unwrap_or_else(|error| panic!("cannot remove {}: {error}", path.display()));
            }
        }
        for (relative, text) in &generated.files {
            write_if_changed(&crate_dir.join(relative), text);
        }
    }
    let members: Vec<String> = crates.keys().map(|m| format!("    \"{m}\",\n")).collect();
    let manifest = format!(
        "# Written by generator/tests/fixtures_compile.rs: one crate per fixture spec.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}]\n",
        members.concat()
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    let lock = workspace_root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", lock.display()));
    write_if_changed(&dir.join("Cargo.lock"), &lock);
}

/// Runs clippy over the whole fixture workspace, going on past crates that fail, with
/// messages as JSON.
fn clippy(dir: &Path, offline: bool) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command.current_dir(dir).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--keep-going",
        "--message-format=json",
    ]);
    if offline {
        command.arg("--offline");
    }
    command.args(["--", "-D", "warnings"]).env(
        "CARGO_TARGET_DIR",
        workspace_root().join("target/fixture-target"),
    );
    command
        .output()
        .unwrap_or_else(|error| panic!("cannot run cargo clippy: {error}"))
}

/// An error from the compiler or clippy: its message and its rendered text.
struct Diagnostic {
    message: String,
    rendered: String,
}

/// The errors of each fixture crate, by member folder, from cargo's JSON messages. The
/// lib and lib-test targets give the same errors twice; they are kept once.
fn errors_by_member(stdout: &[u8]) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut out: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for line in String::from_utf8_lossy(stdout).lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if value["reason"] != "compiler-message" || value["message"]["level"] != "error" {
            continue;
        }
        let message = value["message"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if message.starts_with("aborting due to") {
            continue;
        }
        let member = value["manifest_path"]
            .as_str()
            .map(Path::new)
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "<unknown crate>".to_string());
        let rendered = value["message"]["rendered"]
            .as_str()
            .unwrap_or(&message)
            .to_string();
        let errors = out.entry(member).or_default();
        if !errors.iter().any(|e| e.rendered == rendered) {
            errors.push(Diagnostic { message, rendered });
        }
    }
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
    write_workspace(&dir, &crates);

    let mut output = clippy(&dir, true);
    let mut errors = errors_by_member(&output.stdout);
    if !output.status.success()
        && errors.is_empty()
        && String::from_utf8_lossy(&output.stderr).contains("offline")
    {
        eprintln!(
            "offline resolution failed; trying again online:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output = clippy(&dir, false);
        errors = errors_by_member(&output.stdout);
    }
    eprintln!(
        "cargo clippy over {} fixture crates took {:.1} s",
        crates.len(),
        started.elapsed().as_secs_f64()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() || !errors.is_empty(),
        "cargo clippy failed in {} without a compiler error:\n{stderr}",
        dir.display()
    );

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
