//! The runtime benches, run by the harness (`xtask/bench-harness`), which prints one JSON
//! line per result: the clients at a rate-limited server, and the per-request overhead of
//! our client against raw `reqwest`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::measure;
use super::report::{Table, Target};
use super::stats::{duration, median, ratio};
use super::tools::{Paths, Tools};

const CLIENTS: [&str; 3] = ["ours", "resend-rs", "reqwest"];

/// The cases, as the harness numbers them, and what each one is.
const CASES: [(u32, &str); 3] = [
    (1, "1 process × 20 sends, server 2/s"),
    (2, "1 process × 20 sends, server 5/s (spec says 2/s)"),
    (3, "3 processes × 10 sends, server 2/s, no shared limit"),
];

/// Runs the harness with `args`; its last line of JSON, or why there is none.
fn harness(paths: &Paths, binary: &Path, args: &[&str], log: &str) -> Result<Value, String> {
    let mut command = Command::new(binary);
    command.args(args);
    let run = measure::run(command, &paths.logs(log))?;
    let line = run.stdout.lines().last().unwrap_or_default();
    let value: Value = serde_json::from_str(line).map_err(|_| {
        format!(
            "no result from the harness ({}); {}",
            run.failure(),
            line.trim()
        )
    })?;
    match value.get("error").and_then(Value::as_str) {
        Some(error) => Err(error.to_string()),
        None if !run.success => Err(run.failure()),
        None => Ok(value),
    }
}

fn number(value: &Value, name: &str) -> Option<f64> {
    value.get(name).and_then(Value::as_f64)
}

fn count(value: &Value, name: &str) -> String {
    number(value, name).map_or("–".into(), |n| format!("{n:.0}"))
}

fn errors_cell(value: &Value) -> String {
    let Some(errors) = value.get("errors").and_then(Value::as_object) else {
        return "–".into();
    };
    let total: u64 = errors.values().filter_map(Value::as_u64).sum();
    if total == 0 {
        return "0".into();
    }
    let kinds: Vec<String> = errors
        .iter()
        .map(|(kind, n)| format!("{kind} ×{}", n.as_u64().unwrap_or(0)))
        .collect();
    format!("{total} ({})", kinds.join(", "))
}

/// The rate-limit table.
pub fn at_the_limit(paths: &Paths, tools: &Tools, quick: bool) -> Table {
    let mut table = Table::new(
        "Runtime at the limit",
        &[
            "case",
            "client",
            "achieved / allowed rate",
            "accepted / calls",
            "429s sent",
            "errors surfaced",
            "duplicate sends",
            "wall time",
        ],
    );
    let jobs: Vec<(u32, &str, &str)> = CASES
        .iter()
        .flat_map(|(case, setup)| CLIENTS.iter().map(move |client| (*case, *setup, *client)))
        .collect();
    let run = |case: u32, client: &str| match &tools.harness {
        Ok(binary) => {
            eprintln!("bench: case {case} with {client} ...");
            let number = case.to_string();
            let args = ["limit", "--case", number.as_str(), "--client", client];
            harness(paths, binary, &args, &format!("limit-{case}-{client}"))
        }
        Err(error) => Err(format!("not run: {error}")),
    };
    // Each run has a server of its own, and the runs wait on the clock rather than the
    // processor: with --quick they all run at the same time.
    let results: Vec<Result<Value, String>> = if quick {
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .iter()
                .map(|(case, _, client)| scope.spawn(move || run(*case, client)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("the thread failed".into())))
                .collect()
        })
    } else {
        jobs.iter()
            .map(|(case, _, client)| run(*case, client))
            .collect()
    };
    for ((case, setup, client), result) in jobs.iter().zip(results) {
        let mut cells = vec![format!("{case}: {setup}"), client.to_string()];
        match result {
            Ok(value) => cells.extend([
                number(&value, "utilization").map_or("n/a".into(), |u| format!("{u:.2}")),
                format!("{}/{}", count(&value, "accepted"), count(&value, "calls")),
                count(&value, "refused"),
                errors_cell(&value),
                count(&value, "duplicates"),
                number(&value, "wall_ms").map_or("–".into(), |ms| {
                    duration(std::time::Duration::from_secs_f64(ms.max(0.0) / 1000.0))
                }),
            ]),
            Err(error) => cells.push(format!("failed: {error}")),
        }
        table.row(cells);
    }
    table.note(
        "A loopback server allows N requests in any sliding second (`generator/tests/support/\
         limited.rs`) and answers 429 `rate_limit_exceeded` with `retry-after` beyond. Each \
         client is used as shipped: ours paces at the spec's 2/s and follows the server's \
         headers; `resend-rs` (crates.io, `RESEND_RATE_LIMIT` unset: a burst of 9, then one per \
         1.1 s) returns a 429 as an error; plain reqwest sends all at once. Every client finds the server through \
         `RESEND_BASE_URL`; the calls of a process are concurrent. Achieved / allowed = \
         (accepted − N) / (last accepted − first accepted) / (N per second): 1.00 uses every \
         slot; n/a when nothing past the first window's burst was accepted. Duplicate sends \
         are idempotency keys accepted twice. Each run has a server of its own; with \
         --quick all nine run at the same time, else one after another.",
    );
    table
}

/// The per-request overhead table and its target.
pub fn overhead(paths: &Paths, tools: &Tools, quick: bool) -> (Table, Vec<Target>) {
    let runs = if quick { 3 } else { 7 };
    let mut table = Table::new(
        "Per-request overhead",
        &["client", "median time per call", "÷ raw reqwest"],
    );
    let result = match &tools.harness {
        Ok(binary) => {
            eprintln!("bench: per-request overhead ({runs} runs of 5,000 calls each) ...");
            let runs = runs.to_string();
            let args = ["overhead", "--calls", "5000", "--runs", runs.as_str()];
            harness(paths, binary, &args, "overhead")
        }
        Err(error) => Err(format!("not run: {error}")),
    };
    let series = |value: &Value, name: &str| -> Option<f64> {
        let values: Vec<f64> = value
            .get(name)?
            .as_array()?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        median(&values)
    };
    let mut targets = Vec::new();
    match result {
        Ok(value) => {
            let ours = series(&value, "ours_us");
            let raw = series(&value, "reqwest_us");
            let us = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.1} µs"));
            table.row(vec![
                "ours (`domains().get(id)`)".into(),
                us(ours),
                ratio(ours, raw),
            ]);
            table.row(vec![
                "raw reqwest (the same GET)".into(),
                us(raw),
                "1.00×".into(),
            ]);
            let factor = ours.zip(raw).map(|(o, r)| o / r);
            targets.push(Target {
                what: "per-request overhead <= 1.10x raw reqwest".into(),
                met: factor.map(|f| f <= 1.10),
                measured: factor.map_or("no ratio".into(), |f| format!("{f:.2}x")),
            });
        }
        Err(error) => {
            table.row(vec!["both".into(), format!("failed: {error}")]);
            targets.push(Target {
                what: "per-request overhead <= 1.10x raw reqwest".into(),
                met: None,
                measured: "the harness failed".into(),
            });
        }
    }
    table.note(format!(
        "5,000 sequential calls per run to a loopback server with no limit in effect, runs \
         alternating between the clients after a warm-up of 200 calls each; median over {runs} \
         runs of the mean time per call. Our client has pacing off (`no_rate_limit()`, \
         `follow_rate_limit_headers(false)`) and decodes the typed `Domain`; raw reqwest (the \
         same version, rustls) sends the same GET with the same headers and decodes a \
         `serde_json::Value`."
    ));
    (table, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_harness_counts_become_cells() {
        let line = r#"{"accepted":13,"calls":20,"errors":{"http_429":7,"transport":1},"utilization":0.45}"#;
        let value: Value = serde_json::from_str(line).unwrap_or_default();
        assert_eq!(errors_cell(&value), "8 (http_429 ×7, transport ×1)");
        assert_eq!(count(&value, "accepted"), "13");
        assert_eq!(count(&value, "refused"), "–");
        let clean: Value = serde_json::from_str(r#"{"errors":{}}"#).unwrap_or_default();
        assert_eq!(errors_cell(&clean), "0");
    }
}
