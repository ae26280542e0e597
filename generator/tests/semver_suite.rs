//! The semver suite: every edit of `support/api_edits.rs` generated before and after, the
//! change report's verdict held against `cargo-semver-checks` on the two crates. The report
//! calls a change breaking exactly when `cargo-semver-checks` finds a major-level failure,
//! with one kind of exception, each proved rather than assumed: `cargo-semver-checks` does
//! not compare the types of fields, so for a change of a field's type the edit carries a
//! witness, user code that must compile against the crate before the edit and fail against
//! the crate after it.
//!
//! Ignored by default: it builds each crate's rustdoc (minutes). Run it with
//! `cargo test -p generator --test semver_suite -- --ignored --nocapture`; it needs
//! `cargo-semver-checks` (`cargo install cargo-semver-checks --locked`) on `PATH` or in
//! `CARGO_SEMVER_CHECKS`. It prints the table and writes it to
//! `target/semver-suite/table.md`. With `SEMVER_SUITE_WITHOUT_NON_EXHAUSTIVE=1` it adds a
//! column: the verdict of `cargo-semver-checks` on the same crates with every
//! `#[non_exhaustive]` removed, which is what the growth policy buys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/api_edits.rs"]
mod api_edits;
mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use api_edits::{BASE, EDITS, generate};
use generator::{Generated, Level};

/// Writes a generated crate into `dir` as a workspace of its own, replacing what was
/// there; `strip` removes every `#[non_exhaustive]`.
fn write_crate(dir: &Path, generated: &Generated, strip: bool) {
    if dir.exists() {
        fs::remove_dir_all(dir).unwrap();
    }
    for (path, text) in &generated.files {
        let mut text = text.clone();
        if path == "Cargo.toml" {
            text.push_str("\n[workspace]\n");
        }
        if strip {
            text = text.replace("#[non_exhaustive]\n", "");
        }
        common::write_if_changed(&dir.join(path), &text);
    }
}

fn semver_checks() -> PathBuf {
    if let Some(path) = std::env::var_os("CARGO_SEMVER_CHECKS") {
        return PathBuf::from(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("cargo-semver-checks"))
            .find(|path| path.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "cargo-semver-checks is not installed: run `cargo install cargo-semver-checks --locked` \
             (or set CARGO_SEMVER_CHECKS to its path)"
        )
    })
}

/// What `cargo-semver-checks` says of `new` against `base`, both at the same version,
/// checked as a minor release: `true` when it finds a change that needs a major version.
/// Also the names of the lints that failed or warned.
fn checks_say_breaking(tool: &Path, dir: &Path, base: &Path, new: &Path) -> (bool, String) {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--release-type", "minor"])
        .arg("--baseline-root")
        .arg(base)
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let lints: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("--- failure ")
                .or_else(|| line.strip_prefix("--- warning "))?;
            let kind = if line.starts_with("--- failure") {
                ""
            } else {
                " (warning)"
            };
            rest.split(':').next().map(|lint| format!("{lint}{kind}"))
        })
        .collect();
    let breaking = text.contains("semver requires new major version");
    if !output.status.success() && !breaking {
        panic!("cargo-semver-checks failed without a verdict:\n{text}");
    }
    (breaking, lints.join(", "))
}

/// Whether `code` compiles as a crate depending on the generated crate at `krate`.
fn witness_compiles(dir: &Path, krate: &Path, code: &str) -> (bool, String) {
    let witness = dir.join("witness");
    let manifest = format!(
        "[package]\nname = \"witness\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nnotes-client = {{ path = {:?} }}\n\n[workspace]\n",
        krate.display().to_string()
    );
    common::write_if_changed(&witness.join("Cargo.toml"), &manifest);
    common::write_if_changed(&witness.join("src/lib.rs"), code);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .current_dir(&witness)
        .args(["check", "--quiet"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn level_text(level: Option<Level>) -> &'static str {
    level.map_or("none", Level::as_str)
}

#[test]
#[ignore = "builds rustdoc of 2 crates per case with cargo-semver-checks: minutes; run with --ignored"]
fn the_report_agrees_with_cargo_semver_checks() {
    let tool = semver_checks();
    let without = std::env::var_os("SEMVER_SUITE_WITHOUT_NON_EXHAUSTIVE").is_some();
    let dir = common::workspace_root().join("target/semver-suite");
    let base = generate(BASE);
    let mut table = String::from("| spec edit | report | cargo-semver-checks | agree | lints |");
    if without {
        table.push_str(" without `#[non_exhaustive]` |");
    }
    table.push_str("\n| --- | --- | --- | --- | --- |");
    if without {
        table.push_str(" --- |");
    }
    table.push('\n');
    let mut disagreements = Vec::new();
    for edit in EDITS {
        let edited = generate(&edit.apply().unwrap());
        let report = generator::review(&base.files[generator::surface::FILE], &edited).unwrap();
        write_crate(&dir.join("base"), &base, false);
        write_crate(&dir.join("new"), &edited, false);
        let (breaking, lints) =
            checks_say_breaking(&tool, &dir, &dir.join("base"), &dir.join("new"));
        let ours = report.level() == Some(Level::Breaking);
        let mut agree = if ours == breaking { "yes" } else { "**no**" };
        if ours
            && !breaking
            && let Some(code) = edit.witness
        {
            // cargo-semver-checks is silent: the witness must prove the break.
            let (before, errors) = witness_compiles(&dir, &dir.join("base"), code);
            assert!(
                before,
                "{}: the witness does not compile against the base crate:\n{errors}",
                edit.name
            );
            let (after, _) = witness_compiles(&dir, &dir.join("new"), code);
            if !after {
                agree = "breaking by witness: cargo-semver-checks does not compare field types";
            }
        }
        if agree == "**no**" {
            disagreements.push(format!(
                "{}:\n{}lints: {lints}",
                edit.name,
                report.to_text()
            ));
        }
        let _ = write!(
            table,
            "| {} | {} | {} | {} | {} |",
            edit.what,
            level_text(report.level()),
            if breaking { "breaking" } else { "not breaking" },
            agree,
            if lints.is_empty() { "—" } else { &lints },
        );
        if without {
            write_crate(&dir.join("base"), &base, true);
            write_crate(&dir.join("new"), &edited, true);
            let (breaking, lints) =
                checks_say_breaking(&tool, &dir, &dir.join("base"), &dir.join("new"));
            let verdict = if breaking { "breaking" } else { "not breaking" };
            if lints.is_empty() {
                let _ = write!(table, " {verdict} |");
            } else {
                let _ = write!(table, " {verdict} ({lints}) |");
            }
        }
        table.push('\n');
        println!(
            "{}: report {}, cargo-semver-checks {}",
            edit.name,
            level_text(report.level()),
            if breaking { "breaking" } else { "not breaking" }
        );
    }
    println!("\n{table}");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("table.md"), &table).unwrap();
    assert!(
        disagreements.is_empty(),
        "the report and cargo-semver-checks disagree:\n{}",
        disagreements.join("\n\n")
    );
}
