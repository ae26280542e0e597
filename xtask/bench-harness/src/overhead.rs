//! Per-request overhead: sequential GETs of one domain against a loopback server without a
//! limit in effect, through our client (pacing off, the server's rate-limit headers not
//! followed) and through raw `reqwest` (the same request, the body decoded as JSON). Runs
//! alternate between the two, after a warm-up of each; each run reports the mean time per
//! call.

use std::time::{Duration, Instant};

use crate::clients::API_KEY;
use crate::limited::LimitedServer;

const DOMAIN_ID: &str = "d91cd9bd-1176-453e-8fc1-35364d380206";

/// Calls made by each client before the first timed run.
const WARM_UP: usize = 200;

pub async fn run(calls: usize, runs: usize) -> Result<serde_json::Value, String> {
    // A limit no run comes near, over a short window: the server answers as a plain API
    // (with its rate-limit headers, which both clients receive alike).
    let server = LimitedServer::start(u32::MAX, Duration::from_millis(10)).await;
    let ours = resend_client::Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .no_rate_limit()
        .follow_rate_limit_headers(false)
        .build()
        .map_err(|error| format!("cannot build our client: {error}"))?;
    let raw = reqwest::Client::builder()
        .build()
        .map_err(|error| format!("cannot build a reqwest client: {error}"))?;
    let url = format!("{}/domains/{DOMAIN_ID}", server.url());
    ours_calls(&ours, WARM_UP).await?;
    raw_calls(&raw, &url, WARM_UP).await?;
    let (mut ours_us, mut raw_us) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours_us.push(per_call_us(ours_calls(&ours, calls).await?, calls));
        raw_us.push(per_call_us(raw_calls(&raw, &url, calls).await?, calls));
    }
    Ok(serde_json::json!({
        "calls": calls,
        "ours_us": ours_us,
        "reqwest_us": raw_us,
    }))
}

fn per_call_us(elapsed: Duration, calls: usize) -> f64 {
    elapsed.as_secs_f64() * 1e6 / calls.max(1) as f64
}

async fn ours_calls(client: &resend_client::Client, calls: usize) -> Result<Duration, String> {
    let start = Instant::now();
    for _ in 0..calls {
        client
            .domains()
            .get(DOMAIN_ID)
            .await
            .map_err(|error| format!("our client: {error}"))?;
    }
    Ok(start.elapsed())
}

async fn raw_calls(http: &reqwest::Client, url: &str, calls: usize) -> Result<Duration, String> {
    let start = Instant::now();
    for _ in 0..calls {
        let response = http
            .get(url)
            .bearer_auth(API_KEY)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|error| format!("reqwest: {error}"))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|error| format!("reqwest: {error}"))?;
        if !status.is_success() {
            return Err(format!("reqwest: status {status}"));
        }
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map_err(|error| format!("reqwest: {error}"))?;
    }
    Ok(start.elapsed())
}
