//! Helpers shared by the tests that compile generated crates (`fixtures_compile.rs`,
//! `corpus.rs`, `media_e2e.rs`, `generic_e2e.rs`).
//!
//! The crates are written into a throw-away Cargo workspace under `<workspace>/target/`
//! (with a copy of the main `Cargo.lock`, so that the dependency versions are the ones the
//! project already uses and resolution works offline) and checked with a target directory
//! of their own, `<workspace>/target/fixture-target/`, shared by both tests, so that the
//! inner cargo never waits for the lock the outer one holds and reqwest and friends are
//! compiled once.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The main workspace (the parent of the generator crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate lives inside the workspace")
        .to_path_buf()
}

/// Writes `text` to `path` unless it already holds exactly that, so that cargo sees
/// unchanged crates as fresh.
pub fn write_if_changed(path: &Path, text: &str) {
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
pub fn files_under(dir: &Path) -> BTreeSet<String> {
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

/// Lays out a workspace of generated crates: one member folder per crate (named by its
/// key), the workspace manifest, and the main lock file. Files and folders from earlier runs that
/// are no longer generated are removed.
pub fn write_workspace(
    dir: &Path,
    crates: &BTreeMap<&str, &generator::Generated>,
    written_by: &str,
) {
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
        "# Written by {written_by}.\n[workspace]\nresolver = \"3\"\nmembers = [\n{}]\n",
        members.concat()
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    let lock = workspace_root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", lock.display()));
    write_if_changed(&dir.join("Cargo.lock"), &lock);
}

/// Runs clippy over the whole workspace, going on past crates that fail, with
/// messages as JSON.
pub fn clippy(dir: &Path, offline: bool) -> Output {
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
pub struct CompilerError {
    pub message: String,
    pub rendered: String,
}

/// The errors of each crate, by member folder, from cargo's JSON messages. The
/// lib and lib-test targets give the same errors twice; they are kept once.
pub fn errors_by_member(stdout: &[u8]) -> BTreeMap<String, Vec<CompilerError>> {
    let mut out: BTreeMap<String, Vec<CompilerError>> = BTreeMap::new();
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
            errors.push(CompilerError { message, rendered });
        }
    }
    out
}

/// Runs clippy (`--all-targets -- -D warnings`) over the workspace in `dir`, offline first
/// and online when offline resolution fails, and returns cargo's output with the errors of
/// each member. Panics when cargo fails without a compiler error.
pub fn clippy_workspace(dir: &Path) -> (Output, BTreeMap<String, Vec<CompilerError>>) {
    let mut output = clippy(dir, true);
    let mut errors = errors_by_member(&output.stdout);
    if !output.status.success()
        && errors.is_empty()
        && String::from_utf8_lossy(&output.stderr).contains("offline")
    {
        eprintln!(
            "offline resolution failed; trying again online:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output = clippy(dir, false);
        errors = errors_by_member(&output.stdout);
    }
    assert!(
        output.status.success() || !errors.is_empty(),
        "cargo clippy failed in {} without a compiler error:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, errors)
}

/// A fixture crate for an end-to-end test: generated from a fixture spec, with client-side
/// test files of its own added, then tested with `cargo test` by [`run_end_to_end`].
pub struct EndToEndCrate<'a> {
    /// The spec, relative to the generator crate (`tests/fixtures/media.yaml`).
    pub spec: &'a str,
    /// The member folder in the scratch workspace.
    pub member: &'a str,
    /// Files added to the generated crate: its path inside the crate, then the file it is
    /// copied from, relative to the generator crate.
    pub files: &'a [(&'a str, &'a str)],
    /// The test targets that must run, by the path cargo prints for them
    /// (`tests/client.rs`), each with the exact number of tests that must pass in it.
    pub passed: &'a [(&'a str, usize)],
}

/// Generates each crate into the scratch workspace `<workspace>/<scratch>` (with `wiremock`
/// as a dev-dependency, the added files, a workspace manifest naming `written_by`, and the
/// main lock file), runs `cargo test --tests` there (offline first, online when offline
/// resolution fails; target directory `<workspace>/target/fixture-target/`), and fails
/// unless it succeeds and every test target in `passed` reports exactly its number of
/// passed tests.
pub fn run_end_to_end(scratch: &str, written_by: &str, crates: &[EndToEndCrate<'_>]) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = workspace_root().join(scratch);
    let mut generated_crates = BTreeMap::new();
    for krate in crates {
        let spec = fs::read_to_string(manifest.join(krate.spec))
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", krate.spec));
        let options = generator::Options {
            crate_name: None,
            spec_path: krate.spec.to_string(),
            regenerate_command: "cargo xtask codegen".to_string(),
        };
        let mut generated = generator::generate(&spec, &options).unwrap_or_else(|errors| {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("{} does not generate:\n{}", krate.spec, text.join("\n"))
        });
        if let Some(cargo_toml) = generated.files.get_mut("Cargo.toml") {
            // The server the tests talk to.
            cargo_toml.push_str("wiremock = \"0.6\"\n");
        }
        for (relative, source) in krate.files {
            let text = fs::read_to_string(manifest.join(source))
                .unwrap_or_else(|error| panic!("cannot read {source}: {error}"));
            generated.files.insert((*relative).to_string(), text);
        }
        generated_crates.insert(krate.member, generated);
    }
    let members: BTreeMap<&str, &generator::Generated> = generated_crates
        .iter()
        .map(|(member, generated)| (*member, generated))
        .collect();
    write_workspace(&dir, &members, written_by);

    let (mut success, mut log) = cargo_test(&dir, true);
    if !success && log.contains("offline") {
        eprintln!("offline resolution failed; trying again online:\n{log}");
        (success, log) = cargo_test(&dir, false);
    }
    assert!(success, "cargo test in {} failed:\n{log}", dir.display());
    // The tests really ran (a filter or an empty file would also succeed).
    let results = test_results(&log);
    for krate in crates {
        for (target, count) in krate.passed {
            let found: Vec<&String> = results
                .iter()
                .filter(|(name, _)| name == target)
                .map(|(_, result)| result)
                .collect();
            let expected = format!("test result: ok. {count} passed;");
            assert!(
                found.len() == 1 && found.iter().all(|line| line.starts_with(&expected)),
                "expected `{target}` of {} to run once with {count} tests passing; its results: \
                 {found:?}\n{log}",
                krate.member
            );
        }
    }
}

/// Runs `cargo test --tests` in `dir`; whether it succeeded, and its output and error
/// output as one text, in the order they were written (so that each test binary's results
/// follow the line that names it).
fn cargo_test(dir: &Path, offline: bool) -> (bool, String) {
    let log_path = dir.join("cargo-test.log");
    let log = fs::File::create(&log_path)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", log_path.display()));
    let log_too = log
        .try_clone()
        .unwrap_or_else(|error| panic!("cannot share {}: {error}", log_path.display()));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command.current_dir(dir).args(["test", "--tests"]);
    if offline {
        command.arg("--offline");
    }
    let status = command
        .env(
            "CARGO_TARGET_DIR",
            // Shared with the other scratch crates, so that dependencies build once.
            workspace_root().join("target/fixture-target"),
        )
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_too)
        .status()
        .unwrap_or_else(|error| panic!("cannot run cargo test: {error}"));
    let text = fs::read(&log_path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", log_path.display()));
    (
        status.success(),
        String::from_utf8_lossy(&text).into_owned(),
    )
}

/// Each test binary's `test result:` line, after the target cargo named for it in its
/// `Running <target> (<binary>)` line (`tests/client.rs`, `unittests src/lib.rs`).
fn test_results(log: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = None;
    for line in log.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Running ") {
            current = rest.rsplit_once(" (").map(|(target, _)| target.to_string());
        } else if line.starts_with("test result:") {
            if let Some(target) = current.take() {
                out.push((target, line.to_string()));
            }
        }
    }
    out
}
