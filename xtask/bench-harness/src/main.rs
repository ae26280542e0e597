//! The runtime benches of `cargo xtask bench`, one JSON line per result on stdout:
//!
//! ```text
//! bench-harness limit --case N --client ours|resend-rs|reqwest
//! bench-harness overhead --calls 5000 --runs 5
//! bench-harness child --client NAME --sends N [--start-at UNIX_MS]   (used by `limit`)
//! ```
//!
//! A failure is a JSON line with an `error` and exit code 1.

#[path = "../../../generator/tests/support/limited.rs"]
mod limited;

mod clients;
mod limit;
mod overhead;

use std::process::ExitCode;

use clients::Peer;

fn value<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    let Some(at) = args.iter().position(|arg| arg == name) else {
        return Ok(None);
    };
    let text = args
        .get(at + 1)
        .ok_or_else(|| format!("{name} needs a value"))?;
    text.parse()
        .map(Some)
        .map_err(|_| format!("{name}: `{text}` is not valid"))
}

fn required<T: std::str::FromStr>(args: &[String], name: &str) -> Result<T, String> {
    value(args, name)?.ok_or_else(|| format!("{name} is required"))
}

async fn run(args: &[String]) -> Result<(), String> {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("limit") => {
            let number: u32 = required(rest, "--case")?;
            let case = limit::CASES
                .iter()
                .find(|case| case.number == number)
                .ok_or_else(|| format!("there is no case {number}"))?;
            let peer = Peer::parse(&required::<String>(rest, "--client")?)?;
            println!("{}", limit::run(*case, peer).await?);
            Ok(())
        }
        Some("child") => {
            let peer = Peer::parse(&required::<String>(rest, "--client")?)?;
            limit::child(peer, required(rest, "--sends")?, value(rest, "--start-at")?).await
        }
        Some("overhead") => {
            let calls = value(rest, "--calls")?.unwrap_or(5000);
            let runs = value(rest, "--runs")?.unwrap_or(5);
            println!("{}", overhead::run(calls, runs).await?);
            Ok(())
        }
        _ => Err("usage: bench-harness limit|overhead|child ...".to_string()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            println!("{}", serde_json::json!({ "error": error }));
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
