//! The runtime at the limit: one case, one client. The server
//! (`generator/tests/support/limited.rs`) runs in this process; the calls are made by child
//! processes of this binary (`child`), each told the server through `RESEND_BASE_URL` and a
//! common instant to start at, so that start-up time does not count and a fleet starts
//! together.

use std::process::Stdio;
use std::time::Duration;

use crate::clients::{BASE_URL_ENV, Calls, Peer, unix_ms};
use crate::limited::LimitedServer;

/// The longest a case may run before it is abandoned.
const CASE_TIMEOUT: Duration = Duration::from_secs(90);

/// How far ahead the children are told to start.
const START_DELAY_MS: f64 = 700.0;

/// One case: the server's limit per second, the processes, and the sends of each.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub number: u32,
    pub limit: u32,
    pub processes: usize,
    pub sends: usize,
}

pub const CASES: [Case; 3] = [
    Case {
        number: 1,
        limit: 2,
        processes: 1,
        sends: 20,
    },
    Case {
        number: 2,
        limit: 5,
        processes: 1,
        sends: 20,
    },
    Case {
        number: 3,
        limit: 2,
        processes: 3,
        sends: 10,
    },
];

/// Runs `case` with `peer` and says what the server and the callers saw, as one JSON value.
pub async fn run(case: Case, peer: Peer) -> Result<serde_json::Value, String> {
    let window = Duration::from_secs(1);
    let server = LimitedServer::start(case.limit, window).await;
    let calls = tokio::time::timeout(CASE_TIMEOUT, fleet(&server.url(), case, peer))
        .await
        .map_err(|_| format!("the calls did not finish within {CASE_TIMEOUT:?}"))??;
    let stats = server.stats();
    Ok(serde_json::json!({
        "case": case.number,
        "client": peer.name(),
        "limit_per_s": case.limit,
        "processes": case.processes,
        "calls": case.processes * case.sends,
        "accepted": stats.accepted,
        "refused": stats.refused,
        "duplicates": stats.duplicate_sends,
        "utilization": stats.utilization(case.limit, window),
        "ok": calls.ok,
        "errors": calls.errors,
        "wall_ms": calls.finished_ms - calls.started_ms,
    }))
}

/// Starts the children, waits for them, and adds up what they report.
async fn fleet(url: &str, case: Case, peer: Peer) -> Result<Calls, String> {
    let exe =
        std::env::current_exe().map_err(|error| format!("no path to this binary: {error}"))?;
    let start_at = (unix_ms() + START_DELAY_MS) as u64;
    let mut children = Vec::new();
    for _ in 0..case.processes {
        let child = tokio::process::Command::new(&exe)
            .args(["child", "--client", peer.name(), "--sends"])
            .arg(case.sends.to_string())
            .arg("--start-at")
            .arg(start_at.to_string())
            .env(BASE_URL_ENV, url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| format!("cannot start a child: {error}"))?;
        children.push(child);
    }
    let mut batches = Vec::new();
    for child in children {
        let output = child
            .wait_with_output()
            .await
            .map_err(|error| format!("a child: {error}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let message = stderr.lines().rev().find(|l| !l.trim().is_empty());
            return Err(format!(
                "the {} child failed ({}): {}",
                peer.name(),
                output.status,
                message.unwrap_or("no message")
            ));
        }
        batches.push(Calls::from_json(stdout.lines().last().unwrap_or_default())?);
    }
    Ok(Calls::merge(&batches))
}

/// A child: waits for the agreed start, makes its calls, prints one JSON line.
pub async fn child(peer: Peer, sends: usize, start_at_ms: Option<u64>) -> Result<(), String> {
    if let Some(start_at) = start_at_ms {
        let wait = (start_at as f64 - unix_ms()).max(0.0);
        tokio::time::sleep(Duration::from_secs_f64(wait / 1000.0)).await;
    }
    let calls = crate::clients::send_batch(peer, sends).await?;
    println!("{}", calls.to_json());
    Ok(())
}
