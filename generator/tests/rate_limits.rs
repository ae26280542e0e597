//! The client at the server's limit: pacing learned from the server's headers (up and down),
//! absurd headers that neither stall the client nor lift it past a caller's ceiling, refusals
//! for the rate limit that wait within the call's deadline instead of failing, and quota
//! errors that hold nothing else.
//!
//! The servers are on 127.0.0.1: `support::limited` enforces N requests per sliding second
//! with the IETF headers, `support::Server` answers as each test scripts.

#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/limited.rs"]
mod limited;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use limited::{LimitedServer, Record};
use resend_client::types::SendEmailRequest;
use resend_client::{Client, ErrorCode, RateLimit};
use support::{Reply, Server};

const API_KEY: &str = "re_test_key";

fn client_for(url: String) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(url)
        .build()
        .unwrap()
}

fn email() -> SendEmailRequest {
    SendEmailRequest::new(
        "Acme <onboarding@acme.dev>",
        vec!["someone@example.com".into()],
        "Hello",
    )
    .with_text("Hi.")
}

fn ok_domain() -> Reply {
    Reply::json(
        200,
        serde_json::json!({
            "id": "d_1", "name": "acme.dev", "status": "verified", "created_at": "2026-01-01"
        }),
    )
}

/// Sends `n` emails at once through `client` and waits for all of them.
async fn send_all(client: &Client, n: usize) -> Vec<Result<(), resend_client::Error>> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.emails().send(&email()).await.map(|_| ()) })
        })
        .collect();
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.expect("the task"));
    }
    results
}

/// The most accepted requests that arrived within any span of `window`.
fn busiest_window(records: &[Record], window: Duration) -> usize {
    let accepted: Vec<Instant> = records
        .iter()
        .filter(|r| r.accepted)
        .map(|r| r.at)
        .collect();
    (0..accepted.len())
        .map(|i| {
            accepted[i..]
                .iter()
                .take_while(|at| at.duration_since(accepted[i]) < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Learning the limit

#[tokio::test]
async fn a_server_that_allows_more_than_the_spec_is_used_at_its_rate() {
    let server = LimitedServer::per_second(5).await;
    let client = client_for(server.url());
    assert_eq!(
        client.rate_limit(),
        Some(RateLimit::per_second(2)),
        "the spec's"
    );
    let results = send_all(&client, 15).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        client.rate_limit(),
        Some(RateLimit::per_second(5)),
        "learned"
    );
    let stats = server.stats();
    assert_eq!(stats.accepted, 15);
    assert!(stats.refused <= 1, "{stats:?}");
    assert_eq!(stats.duplicate_sends, 0);
    // Paced to the spec's 2 per second, no second would hold more than 2.
    let busiest = busiest_window(&server.records(), Duration::from_secs(1));
    assert!(
        busiest > 2,
        "at most {busiest} in a second: the client kept the spec's rate"
    );
}

#[tokio::test]
async fn a_server_that_announces_less_slows_the_client_at_once() {
    let server = LimitedServer::per_second(2).await;
    let client = client_for(server.url());
    client.emails().send(&email()).await.unwrap();
    assert_eq!(client.rate_limit(), Some(RateLimit::per_second(2)));
    server.set_limit(1);
    let results = send_all(&client, 4).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        client.rate_limit(),
        Some(RateLimit::per_second(1)),
        "learned"
    );
    let stats = server.stats();
    assert_eq!(stats.accepted, 5);
    assert_eq!(stats.duplicate_sends, 0);
    // The first answer under the new limit teaches it; staying at 2 per second would meet
    // a refusal in each of the next seconds.
    assert!(stats.refused <= 2, "{stats:?}");
}

#[tokio::test]
async fn a_rate_the_caller_sets_is_never_exceeded_whatever_the_server_announces() {
    let server = Server::start(|_, _| {
        ok_domain()
            .header("ratelimit-limit", "1000000000000")
            .header("ratelimit-policy", "1000000000000;w=1")
            .header("ratelimit-remaining", "999999999999")
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .rate_limit(RateLimit::per_second(2))
        .build()
        .unwrap();
    for _ in 0..4 {
        client.domains().get("d_1").await.unwrap();
    }
    assert_eq!(client.rate_limit(), Some(RateLimit::per_second(2)));
    let requests = server.received();
    assert_eq!(requests.len(), 4);
    // Two per second: the third waits until the first is a second old.
    let third = requests[2].at.duration_since(requests[0].at);
    assert!(third >= Duration::from_secs(1), "{third:?}");
}

#[tokio::test]
async fn absurd_rate_limit_headers_neither_stall_nor_speed_up_the_client() {
    let answers = [
        ("ratelimit-limit", "0"),
        ("ratelimit-policy", "5;w=0"),
        ("ratelimit-reset", "315360000"),
        ("ratelimit-policy", "lots;w=forever"),
        ("ratelimit-limit", "-3"),
        ("retry-after", "99999999999999999999999"),
    ];
    let server = Server::start(move |n, _| {
        let (name, value) = answers[n % answers.len()];
        ok_domain()
            .header(name, value)
            .header("ratelimit-remaining", "0")
    })
    .await;
    let client = client_for(server.url());
    let started = Instant::now();
    for _ in 0..answers.len() {
        tokio::time::timeout(Duration::from_secs(10), client.domains().get("d_1"))
            .await
            .expect("not stalled by a header")
            .unwrap();
    }
    // Still the spec's 2 per second: six calls take about three windows, not a year.
    assert_eq!(client.rate_limit(), Some(RateLimit::per_second(2)));
    assert!(started.elapsed() < Duration::from_secs(10));
    let requests = server.received();
    let third = requests[2].at.duration_since(requests[0].at);
    assert!(third >= Duration::from_secs(1), "{third:?}");
}

// ---------------------------------------------------------------------------------------------
// Refusals for the rate limit wait; the deadline bounds the wait

#[tokio::test]
async fn a_refusal_for_the_rate_limit_does_not_spend_the_retries() {
    let refusals = Arc::new(AtomicUsize::new(0));
    let server = {
        let refusals = refusals.clone();
        Server::start(move |_, request| {
            if request.is_none() {
                return ok_domain();
            }
            if refusals.fetch_add(1, Ordering::SeqCst) < 3 {
                Reply::error(429, "rate_limit_exceeded").header("retry-after", "1")
            } else {
                Reply::json(200, serde_json::json!({"id": "e_1"}))
            }
        })
        .await
    };
    let sent = client_for(server.url())
        .emails()
        .send(&email())
        .max_retries(0)
        .await
        .expect("three refusals, then sent");
    assert_eq!(sent.id, "e_1");
    let requests = server.received();
    assert_eq!(requests.len(), 4);
    let keys: Vec<_> = requests
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_string())
        .collect();
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");
    for i in 0..3 {
        assert!(support::gap(&requests, i) >= Duration::from_millis(990));
    }
}

#[tokio::test]
async fn past_the_deadline_the_refusal_is_returned_with_the_servers_retry_after() {
    let server =
        Server::always(Reply::error(429, "rate_limit_exceeded").header("retry-after", "1")).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .deadline(Duration::from_millis(2500))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .domains()
        .get("d_1")
        .await
        .expect_err("refused until the deadline");
    let elapsed = started.elapsed();
    assert_eq!(error.code(), Some(&ErrorCode::RateLimitExceeded));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    // Sent at 0, 1 and 2 s; a fourth try at 3 s would start past the deadline.
    assert_eq!(server.received().len(), 3);
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");

    // A call's own deadline wins over the client's.
    let server =
        Server::always(Reply::error(429, "rate_limit_exceeded").header("retry-after", "1")).await;
    let error = client_for(server.url())
        .domains()
        .get("d_1")
        .deadline(Duration::from_millis(500))
        .await
        .expect_err("no time to wait");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_quota_refusal_returns_at_once_and_holds_nothing_else() {
    let server = Server::start(|_, request| match request {
        Some(request) if request.method == "POST" => Reply::error(429, "daily_quota_exceeded")
            .header("retry-after", "30")
            .header("ratelimit-remaining", "0")
            .header("ratelimit-reset", "30"),
        _ => ok_domain(),
    })
    .await;
    let client = client_for(server.url());
    let started = Instant::now();
    let error = client
        .emails()
        .send(&email())
        .await
        .expect_err("the quota is used up");
    assert_eq!(error.code(), Some(&ErrorCode::DailyQuotaExceeded));
    assert!(!error.is_retryable());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    // Reads go on: the quota says nothing about them.
    tokio::time::timeout(Duration::from_secs(5), client.domains().get("d_1"))
        .await
        .expect("a read is not held for the quota's 30 s")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.received().len(), 2, "the quota error was sent once");
}

#[tokio::test]
async fn a_burst_at_the_servers_limit_meets_at_most_one_refusal() {
    let server = LimitedServer::per_second(2).await;
    let client = client_for(server.url());
    let results = send_all(&client, 8).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let stats = server.stats();
    assert_eq!(stats.accepted, 8);
    assert!(stats.refused <= 1, "{stats:?}");
    assert_eq!(stats.duplicate_sends, 0);
    // Two at once, then two more each time the window frees: about three windows, not the
    // near five that a whole reset held on top of even spacing took (six requests past the
    // burst at one per 1.5 s); a refusal costs its `retry-after` on top.
    let span = stats.accepted_span().unwrap();
    let allowed = Duration::from_millis(3600) + Duration::from_secs(stats.refused as u64);
    assert!(span < allowed, "{span:?} with {stats:?}");
}

#[tokio::test]
async fn no_retry_starts_past_the_deadline_even_after_waiting_for_its_turn() {
    let server =
        Server::always(Reply::error(429, "rate_limit_exceeded").header("retry-after", "1")).await;
    // One request per 3 s: after the refusal's 1 s, the retry's turn comes at 3 s, past the
    // deadline of 2 s.
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .rate_limit(RateLimit::new(1, Duration::from_secs(3)))
        .deadline(Duration::from_secs(2))
        .build()
        .unwrap();
    let error = client
        .domains()
        .get("d_1")
        .await
        .expect_err("refused, and no time for another try");
    assert_eq!(error.code(), Some(&ErrorCode::RateLimitExceeded));
    assert_eq!(server.received().len(), 1, "the retry never left");
}
