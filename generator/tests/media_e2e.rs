//! End-to-end test of the runtime for bodies that are not JSON: form and multipart request
//! bodies, raw bytes and text both ways, and responses that differ by status.
//!
//! The crate of `tests/fixtures/media.yaml` is generated into a throw-away workspace under
//! `<workspace>/target/media-e2e/` together with `tests/media_e2e/client.rs`, a test file of
//! its own that calls every operation against a wiremock server on 127.0.0.1 and checks the
//! bytes that arrive and what the client makes of the answers. This test then runs
//! `cargo test` in that workspace (with the main `Cargo.lock`, offline first, and a target
//! directory shared with the other scratch crates, `<workspace>/target/fixture-target/`) and fails if any of those
//! tests fail. The first run compiles reqwest, tokio and wiremock and takes a while.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{workspace_root, write_if_changed};

fn cargo_test(dir: &Path, offline: bool) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command.current_dir(dir).args(["test", "--tests"]);
    if offline {
        command.arg("--offline");
    }
    command
        .env(
            "CARGO_TARGET_DIR",
            // Shared with the other scratch crates, so that dependencies build once.
            workspace_root().join("target/fixture-target"),
        )
        .output()
        .unwrap_or_else(|error| panic!("cannot run cargo test: {error}"))
}

#[test]
fn media_bodies_and_responses_work_against_a_local_server() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = fs::read_to_string(manifest.join("tests/fixtures/media.yaml"))
        .expect("the media fixture is readable");
    let options = generator::Options {
        crate_name: None,
        spec_path: "tests/fixtures/media.yaml".to_string(),
        regenerate_command: "cargo xtask codegen".to_string(),
    };
    let generated = generator::generate(&spec, &options).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("the media fixture does not generate:\n{}", text.join("\n"))
    });

    let dir = workspace_root().join("target/media-e2e");
    let crate_dir = dir.join("fixture-media");
    for (relative, text) in &generated.files {
        let text = if relative == "Cargo.toml" {
            // The server the tests talk to.
            format!("{text}wiremock = \"0.6\"\n")
        } else {
            text.clone()
        };
        write_if_changed(&crate_dir.join(relative), &text);
    }
    let tests = fs::read_to_string(manifest.join("tests/media_e2e/client.rs"))
        .expect("the client-side tests are readable");
    write_if_changed(&crate_dir.join("tests/client.rs"), &tests);
    write_if_changed(
        &dir.join("Cargo.toml"),
        "# Written by generator/tests/media_e2e.rs.\n[workspace]\nresolver = \"3\"\nmembers = [\"fixture-media\"]\n",
    );
    let lock = fs::read_to_string(workspace_root().join("Cargo.lock"))
        .expect("the main Cargo.lock is readable");
    write_if_changed(&dir.join("Cargo.lock"), &lock);

    let mut output = cargo_test(&dir, true);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() && stderr.contains("offline") {
        eprintln!("offline resolution failed; trying again online:\n{stderr}");
        output = cargo_test(&dir, false);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo test in {} failed:\n{stdout}\n{stderr}",
        dir.display()
    );
    // The tests really ran (a filter or an empty file would also succeed).
    assert!(
        stdout.contains("test result: ok. 9 passed"),
        "expected the 9 client tests to pass:\n{stdout}"
    );
}
