//! The three clients of the runtime benches, each making a batch of concurrent calls the way
//! its users would: our generated `resend-client` (default settings: paced at the spec's
//! rate, following the server's headers), `resend-rs` from crates.io (default settings) and
//! plain `reqwest` (no pacing, no retries). All three find the server through
//! `RESEND_BASE_URL`.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::task::JoinSet;

/// The API key every client sends (the server does not check it).
pub const API_KEY: &str = "re_bench";

/// The environment variable both Resend clients read their base URL from.
pub const BASE_URL_ENV: &str = "RESEND_BASE_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Ours,
    ResendRs,
    Reqwest,
}

impl Peer {
    pub fn parse(name: &str) -> Result<Peer, String> {
        match name {
            "ours" => Ok(Peer::Ours),
            "resend-rs" => Ok(Peer::ResendRs),
            "reqwest" => Ok(Peer::Reqwest),
            other => Err(format!(
                "unknown client `{other}` (ours, resend-rs, reqwest)"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Peer::Ours => "ours",
            Peer::ResendRs => "resend-rs",
            Peer::Reqwest => "reqwest",
        }
    }
}

/// What one batch of calls came to: successes, errors by kind, and the wall-clock span.
#[derive(Debug, Default, Clone)]
pub struct Calls {
    pub ok: usize,
    pub errors: BTreeMap<String, usize>,
    /// Milliseconds since the Unix epoch: the first call and the last completion.
    pub started_ms: f64,
    pub finished_ms: f64,
}

impl Calls {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "ok": self.ok,
            "errors": self.errors,
            "started_unix_ms": self.started_ms,
            "finished_unix_ms": self.finished_ms,
        })
    }

    pub fn from_json(line: &str) -> Result<Calls, String> {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|error| format!("`{line}`: {error}"))?;
        let number = |name: &str| {
            value
                .get(name)
                .and_then(serde_json::Value::as_f64)
                .ok_or_else(|| format!("`{line}` has no `{name}`"))
        };
        let errors = value
            .get("errors")
            .and_then(serde_json::Value::as_object)
            .map(|errors| {
                errors
                    .iter()
                    .map(|(kind, n)| (kind.clone(), n.as_u64().unwrap_or(0) as usize))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Calls {
            ok: number("ok")? as usize,
            errors,
            started_ms: number("started_unix_ms")?,
            finished_ms: number("finished_unix_ms")?,
        })
    }

    /// Several batches as one: counts added, from the earliest start to the latest end.
    pub fn merge(batches: &[Calls]) -> Calls {
        let mut all = Calls {
            started_ms: f64::INFINITY,
            finished_ms: f64::NEG_INFINITY,
            ..Calls::default()
        };
        for batch in batches {
            all.ok += batch.ok;
            for (kind, n) in &batch.errors {
                *all.errors.entry(kind.clone()).or_default() += n;
            }
            all.started_ms = all.started_ms.min(batch.started_ms);
            all.finished_ms = all.finished_ms.max(batch.finished_ms);
        }
        if batches.is_empty() {
            all.started_ms = 0.0;
            all.finished_ms = 0.0;
        }
        all
    }
}

pub fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The first word of a `Debug` rendering, in lower case: the variant of an error.
fn variant(debug: &str) -> String {
    let word: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() {
        "other".to_string()
    } else {
        word.to_ascii_lowercase()
    }
}

fn ours_error(error: &resend_client::Error) -> String {
    match error {
        resend_client::Error::Api(api) => format!("http_{}", api.status().as_u16()),
        other => variant(&format!("{other:?}")),
    }
}

fn resend_rs_error(error: &resend_rs::Error) -> String {
    match error {
        resend_rs::Error::RateLimit { .. } => "http_429".to_string(),
        other => variant(&format!("{other:?}")),
    }
}

/// A unique idempotency key per logical call, so that the server can count duplicates.
fn key(i: usize) -> String {
    format!("bench-{}-{i}", std::process::id())
}

const FROM: &str = "Acme <onboarding@example.com>";
const TO: &str = "delivered@example.com";
const SUBJECT: &str = "Rate limit bench";

/// Makes `sends` concurrent email sends with `peer`, the server taken from `RESEND_BASE_URL`.
pub async fn send_batch(peer: Peer, sends: usize) -> Result<Calls, String> {
    let mut tasks: JoinSet<Result<(), String>> = JoinSet::new();
    let started_ms = unix_ms();
    match peer {
        Peer::Ours => {
            let client = resend_client::Client::builder()
                .api_key(API_KEY)
                .build()
                .map_err(|error| format!("cannot build our client: {error}"))?;
            let email =
                resend_client::types::SendEmailRequest::new(FROM, vec![TO.to_string()], SUBJECT)
                    .with_text("Hello.");
            for _ in 0..sends {
                let (client, email) = (client.clone(), email.clone());
                tasks.spawn(async move {
                    let sent = client.emails().send(&email).await;
                    sent.map(drop).map_err(|error| ours_error(&error))
                });
            }
        }
        Peer::ResendRs => {
            let url =
                std::env::var(BASE_URL_ENV).map_err(|_| format!("{BASE_URL_ENV} is not set"))?;
            url.parse::<reqwest::Url>()
                .map_err(|error| format!("{BASE_URL_ENV} `{url}`: {error}"))?;
            let resend = resend_rs::Resend::new(API_KEY);
            for i in 0..sends {
                let resend = resend.clone();
                tasks.spawn(async move {
                    let email = resend_rs::types::CreateEmailBaseOptions::new(FROM, [TO], SUBJECT)
                        .with_text("Hello.")
                        .with_idempotency_key(&key(i));
                    let sent = resend.emails.send(email).await;
                    sent.map(drop).map_err(|error| resend_rs_error(&error))
                });
            }
        }
        Peer::Reqwest => {
            let url =
                std::env::var(BASE_URL_ENV).map_err(|_| format!("{BASE_URL_ENV} is not set"))?;
            let http = reqwest::Client::builder()
                .build()
                .map_err(|error| format!("cannot build a reqwest client: {error}"))?;
            let body = serde_json::json!({
                "from": FROM, "to": [TO], "subject": SUBJECT, "text": "Hello.",
            })
            .to_string();
            for i in 0..sends {
                let request = http
                    .post(format!("{}/emails", url.trim_end_matches('/')))
                    .bearer_auth(API_KEY)
                    .header("content-type", "application/json")
                    .header("idempotency-key", key(i))
                    .body(body.clone());
                tasks.spawn(async move {
                    let response = request.send().await.map_err(|_| "transport".to_string())?;
                    let status = response.status();
                    let bytes = response.bytes().await.map_err(|_| "body".to_string())?;
                    if !status.is_success() {
                        return Err(format!("http_{}", status.as_u16()));
                    }
                    serde_json::from_slice::<serde_json::Value>(&bytes)
                        .map(drop)
                        .map_err(|_| "decode".to_string())
                });
            }
        }
    }
    let mut calls = Calls {
        started_ms,
        ..Calls::default()
    };
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(())) => calls.ok += 1,
            Ok(Err(kind)) => *calls.errors.entry(kind).or_default() += 1,
            Err(_) => *calls.errors.entry("task_failed".into()).or_default() += 1,
        }
    }
    calls.finished_ms = unix_ms();
    Ok(calls)
}
