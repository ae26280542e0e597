//! End-to-end test of the runtime for bodies that are not JSON: form and multipart request
//! bodies, raw bytes and text both ways, and responses that differ by status.
//!
//! The crate of `tests/fixtures/media.yaml` is generated into a throw-away workspace under
//! `<workspace>/target/media-e2e/` together with `tests/media_e2e/client.rs`, a test file of
//! its own that calls every operation against a wiremock server on 127.0.0.1 and checks the
//! bytes that arrive and what the client makes of the answers. This test then runs
//! `cargo test` in that workspace (with the main `Cargo.lock`, offline first, and a target
//! directory shared with the other scratch crates, `<workspace>/target/fixture-target/`) and
//! fails if any of those tests fail (see `common::run_end_to_end`). The first run compiles
//! reqwest, tokio and wiremock and takes a while.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{EndToEndCrate, run_end_to_end};

#[test]
fn media_bodies_and_responses_work_against_a_local_server() {
    run_end_to_end(
        "target/media-e2e",
        "generator/tests/media_e2e.rs",
        &[EndToEndCrate {
            spec: "tests/fixtures/media.yaml",
            member: "fixture-media",
            files: &[("tests/client.rs", "tests/media_e2e/client.rs")],
            passed: &[("tests/client.rs", 9)],
        }],
    );
}
