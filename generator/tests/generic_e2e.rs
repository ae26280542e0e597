//! End-to-end test that the runtime is generic: two fixture specs unlike the real APIs
//! (which have one HTTPS server, a bearer key and a declared rate) give clients that work.
//!
//! - `tests/fixtures/api_key_servers.yaml`: several servers (the first with a path and a
//!   variable), an API key in `X-Api-Key`, no `x-rate-limit`, no error extensions;
//!   exercised by `tests/generic_e2e/api_key_servers.rs`.
//! - `tests/fixtures/no_auth.yaml`: no security at all, several servers, no extensions;
//!   exercised by `tests/generic_e2e/no_auth.rs`.
//! - `tests/fixtures/pagination.yaml`: lists paginated by a next-page token (declared, and
//!   Dropshot's mark) and by the `Link` header; exercised by `tests/generic_e2e/pagination.rs`.
//! - `tests/fixtures/one_of_values.yaml`: unions told apart by values (tagged by a property of
//!   one value per alternative; alternatives that are one string each); decoded and written
//!   back by `tests/generic_e2e/one_of_values.rs`, no server.
//! - `tests/fixtures/decoding.yaml`: structs read through the runtime's `decode::object!`,
//!   held against serde's derive on every kind of input by `tests/generic_e2e/decoding.rs`.
//!
//! The crates are generated into a throw-away workspace under
//! `<workspace>/target/generic-e2e/`, each with its test file (and the recording server of
//! `tests/generic_e2e/server.rs`), and `cargo test` runs there as `common::run_end_to_end`
//! describes. Every request goes to a wiremock server on 127.0.0.1.

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
fn clients_of_specs_unlike_the_real_ones_work_against_a_local_server() {
    run_end_to_end(
        "target/generic-e2e",
        "generator/tests/generic_e2e.rs",
        &[
            EndToEndCrate {
                spec: "tests/fixtures/api_key_servers.yaml",
                member: "fixture-api-key-servers",
                files: &[
                    (
                        "tests/api_key_servers.rs",
                        "tests/generic_e2e/api_key_servers.rs",
                    ),
                    ("tests/server/mod.rs", "tests/generic_e2e/server.rs"),
                ],
                passed: &[("tests/api_key_servers.rs", 10)],
            },
            EndToEndCrate {
                spec: "tests/fixtures/no_auth.yaml",
                member: "fixture-no-auth",
                files: &[
                    ("tests/no_auth.rs", "tests/generic_e2e/no_auth.rs"),
                    ("tests/server/mod.rs", "tests/generic_e2e/server.rs"),
                ],
                passed: &[("tests/no_auth.rs", 5)],
            },
            EndToEndCrate {
                spec: "tests/fixtures/pagination.yaml",
                member: "fixture-pagination",
                files: &[("tests/pagination.rs", "tests/generic_e2e/pagination.rs")],
                passed: &[("tests/pagination.rs", 4)],
            },
            EndToEndCrate {
                spec: "tests/fixtures/one_of_values.yaml",
                member: "fixture-one-of-values",
                files: &[(
                    "tests/one_of_values.rs",
                    "tests/generic_e2e/one_of_values.rs",
                )],
                passed: &[("tests/one_of_values.rs", 5)],
            },
            EndToEndCrate {
                spec: "tests/fixtures/decoding.yaml",
                member: "fixture-decoding",
                files: &[
                    ("tests/decoding.rs", "tests/generic_e2e/decoding.rs"),
                    ("tests/server/mod.rs", "tests/generic_e2e/server.rs"),
                ],
                passed: &[("tests/decoding.rs", 7)],
            },
        ],
    );
}
