//! Snapshot tests: every spec in `tests/fixtures/` is generated and the crate it gives is
//! compared with the reviewed snapshot in `tests/snapshots/`.
//!
//! One snapshot per fixture holds every generated file (in path order, each under a
//! `=== <path> ===` line) except the runtime files that are the same for every crate, then
//! the warnings. After a deliberate change to the generator, review the new output with
//! `cargo insta review` (or run with `INSTA_UPDATE=always` and read the diff) before
//! accepting it.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::path::Path;

fn generate(path: &Path) -> generator::Generated {
    let file_name = path
        .file_name()
        .and_then(|name| name.to_str())
        .expect("fixture file names are UTF-8");
    let spec = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let options = generator::Options {
        crate_name: None,
        spec_path: format!("tests/fixtures/{file_name}"),
        regenerate_command: "cargo xtask codegen".to_string(),
    };
    match generator::generate(&spec, &options) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("{file_name} does not generate:\n{}", text.join("\n"));
        }
    }
}

/// The generated crate as one text: each file but the runtime under a header line, then
/// the warnings.
fn render(generated: &generator::Generated) -> String {
    let mut text = String::new();
    for (path, contents) in &generated.files {
        // Copied verbatim from `generator/templates/` into every crate: the same text for
        // every fixture, so they would only repeat themselves in each snapshot.
        if generator::runtime_paths().any(|runtime| runtime == path) {
            continue;
        }
        let _ = writeln!(text, "=== {path} ===");
        text.push_str(contents);
        if !contents.ends_with('\n') {
            text.push('\n');
        }
    }
    let _ = writeln!(text, "=== warnings ===");
    if generated.warnings.is_empty() {
        let _ = writeln!(text, "(none)");
    }
    for warning in &generated.warnings {
        let _ = writeln!(text, "{warning}");
    }
    text
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let generated = generate(path);
        for runtime in generator::runtime_paths() {
            assert!(
                generated.files.contains_key(runtime),
                "{} lacks the runtime file {runtime}",
                path.display()
            );
        }
        insta::assert_snapshot!(render(&generated));
    });
}
