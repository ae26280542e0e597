//! Helpers shared by the tests that compile generated crates (`fixtures_compile.rs`,
//! `corpus.rs`, `media_e2e.rs`).
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
use std::process::{Command, Output};

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
