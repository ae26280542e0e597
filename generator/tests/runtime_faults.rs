//! The runtime contract of a generated client, tried against faults: retries, waits,
//! idempotency keys, rate limits, timeouts, dropped connections, redirects.
//!
//! Every test starts its own HTTP server on 127.0.0.1 (`support::Server`, which can also drop
//! connections and answer late), points the generated Resend client at it, and checks both
//! what the caller got and what the server received.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use resend_client::types::{CreateDomainRequest, SendEmailRequest};
use resend_client::{Client, Error, ErrorCode, RateLimit};
use serde_json::json;
use support::{Reply, Server, TokenBucket, gap};

const API_KEY: &str = "re_secret_key_123";

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .build()
        .expect("a client for a loopback server")
}

fn domain_json() -> serde_json::Value {
    json!({"id": "d_1", "name": "acme.dev", "status": "verified", "created_at": "2026-01-01"})
}

fn ok_domain() -> Reply {
    Reply::json(200, domain_json())
}

fn email() -> SendEmailRequest {
    SendEmailRequest::new("a@acme.dev", vec!["b@acme.dev".into()], "s").with_text("t")
}

fn new_domain() -> CreateDomainRequest {
    CreateDomainRequest::new("acme.dev")
}

// ---------------------------------------------------------------------------------------------
// 429
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limited_429_is_retried_after_retry_after_seconds() {
    let server = Server::sequence(vec![
        Reply::error(429, "rate_limit_exceeded").header("retry-after", "1"),
        ok_domain(),
    ])
    .await;
    let domain = client(&server)
        .domains()
        .get("d_1")
        .await
        .expect("retried to success");
    assert_eq!(domain.id, "d_1");
    let requests = server.received();
    assert_eq!(requests.len(), 2);
    assert!(
        gap(&requests, 0) >= Duration::from_millis(950),
        "{:?}",
        gap(&requests, 0)
    );
}

#[tokio::test]
async fn rate_limited_429_on_a_send_without_key_is_retried_because_it_was_refused() {
    // A POST that takes no idempotency key: a 429 with a retryable code means the server did
    // nothing, so sending it again is safe.
    let server = Server::sequence(vec![
        Reply::error(429, "rate_limit_exceeded").header("retry-after", "1"),
        ok_domain(),
    ])
    .await;
    client(&server)
        .domains()
        .create(&new_domain())
        .await
        .expect("retried to success");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let now = SystemTime::now();
    let date = httpdate::fmt_http_date(now);
    let later = httpdate::fmt_http_date(now + Duration::from_secs(2));
    let server = Server::sequence(vec![
        Reply::error(429, "rate_limit_exceeded")
            .header("date", &date)
            .header("retry-after", &later),
        ok_domain(),
    ])
    .await;
    client(&server)
        .domains()
        .get("d_1")
        .await
        .expect("retried to success");
    let requests = server.received();
    assert_eq!(requests.len(), 2);
    // Both dates are whole seconds of the same clock: the wait is two seconds.
    assert!(
        gap(&requests, 0) >= Duration::from_millis(1900),
        "{:?}",
        gap(&requests, 0)
    );
}

#[tokio::test]
async fn daily_quota_429_is_returned_at_once_and_sent_once() {
    let server =
        Server::always(Reply::error(429, "daily_quota_exceeded").header("retry-after", "3600"))
            .await;
    let error = client(&server)
        .emails()
        .send(&email())
        .await
        .expect_err("a quota error");
    assert_eq!(server.received().len(), 1);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.code(), Some(&ErrorCode::DailyQuotaExceeded));
    assert!(!error.is_retryable());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn a_wait_longer_than_the_cap_returns_the_error_instead() {
    let server =
        Server::always(Reply::error(429, "rate_limit_exceeded").header("retry-after", "120")).await;
    let started = Instant::now();
    let error = client(&server)
        .domains()
        .get("d_1")
        .await
        .expect_err("too long a wait");
    assert_eq!(server.received().len(), 1);
    assert!(error.is_retryable(), "retryable in itself, just not now");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert!(started.elapsed() < Duration::from_secs(60));

    // A number past what any integer holds is a very long wait, not a malformed one.
    let server = Server::always(
        Reply::error(429, "rate_limit_exceeded").header("retry-after", "99999999999999999999999"),
    )
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .max_retry_wait(Duration::MAX)
        .build()
        .unwrap();
    let error = client
        .domains()
        .get("d_1")
        .max_retries(0)
        .await
        .expect_err("no retries");
    assert_eq!(error.retry_after(), Some(Duration::MAX));
    // The hold it asks for is capped, and the next call is not stuck behind an overflow.
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn conflict_409_is_retried_only_for_the_codes_the_spec_marks() {
    let locked = Server::sequence(vec![Reply::error(409, "resource_locked"), ok_domain()]).await;
    client(&locked).domains().get("d_1").await.expect("retried");
    assert_eq!(locked.received().len(), 2);

    let reused = Server::always(Reply::error(409, "invalid_idempotent_request")).await;
    let error = client(&reused)
        .emails()
        .send(&email())
        .await
        .expect_err("not retried");
    assert_eq!(reused.received().len(), 1);
    assert_eq!(error.code(), Some(&ErrorCode::InvalidIdempotentRequest));
}

// ---------------------------------------------------------------------------------------------
// 5xx
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn server_errors_on_a_get_are_retried_with_backoff() {
    for status in [500, 502, 503] {
        let server =
            Server::sequence(vec![Reply::text(status, "text/plain", "oops"), ok_domain()]).await;
        let domain = client(&server).domains().get("d_1").await;
        assert!(domain.is_ok(), "{status}: {domain:?}");
        let requests = server.received();
        assert_eq!(requests.len(), 2, "{status}");
        // The first backoff is 0.5 s less up to a quarter.
        assert!(
            gap(&requests, 0) >= Duration::from_millis(370),
            "{status}: {:?}",
            gap(&requests, 0)
        );
    }
}

#[tokio::test]
async fn a_send_retried_after_a_503_carries_the_same_idempotency_key() {
    let server = Server::sequence(vec![
        Reply::error(503, "service_unavailable"),
        Reply::json(200, json!({"id": "e_1"})),
    ])
    .await;
    let sent = client(&server)
        .emails()
        .send(&email())
        .await
        .expect("retried");
    assert_eq!(sent.id, "e_1");
    let requests = server.received();
    assert_eq!(requests.len(), 2);
    let first = requests[0]
        .header("idempotency-key")
        .expect("a key was made up");
    assert_eq!(requests[1].header("idempotency-key"), Some(first));
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn the_callers_idempotency_key_is_kept_across_retries() {
    let server = Server::sequence(vec![
        Reply::error(503, "service_unavailable"),
        Reply::json(200, json!({"id": "e_1"})),
    ])
    .await;
    client(&server)
        .emails()
        .send(&email())
        .idempotency_key("order-42/welcome")
        .await
        .expect("retried");
    let keys: Vec<_> = server
        .received()
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_string))
        .collect();
    assert_eq!(keys, vec![Some("order-42/welcome".to_string()); 2]);
}

#[tokio::test]
async fn a_post_without_idempotency_key_is_not_retried_after_a_5xx() {
    let server =
        Server::sequence(vec![Reply::error(503, "service_unavailable"), ok_domain()]).await;
    let error = client(&server)
        .domains()
        .create(&new_domain())
        .await
        .expect_err("not retried: the domain may have been created");
    assert_eq!(server.received().len(), 1);
    assert_eq!(error.code(), Some(&ErrorCode::ServiceUnavailable));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_502_html_page_keeps_status_and_raw_body_after_the_retries() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::always(Reply::text(502, "text/html", page)).await;
    let error = client(&server)
        .domains()
        .get("d_1")
        .await
        .expect_err("always 502");
    assert_eq!(
        server.received().len(),
        3,
        "the first attempt and two retries"
    );
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!(api.body(), page);
    assert_eq!(api.code(), None);
}

#[tokio::test]
async fn retries_can_be_set_per_client_and_per_call() {
    let server = Server::always(Reply::error(503, "service_unavailable")).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .max_retries(0)
        .build()
        .unwrap();
    client.domains().get("d_1").await.expect_err("503");
    assert_eq!(server.received().len(), 1);
    client
        .domains()
        .get("d_1")
        .max_retries(1)
        .await
        .expect_err("503");
    assert_eq!(server.received().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Bodies that are not what the spec says
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn truncated_json_on_a_200_is_a_decode_error_with_status_and_body() {
    let server = Server::always(Reply::text(200, "application/json", r#"{"id": "d_1", "na"#)).await;
    let error = client(&server)
        .domains()
        .get("d_1")
        .await
        .expect_err("cut off");
    assert_eq!(
        server.received().len(),
        1,
        "a body that does not decode is not retried"
    );
    match &error {
        Error::Decode { status, body, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(body, r#"{"id": "d_1", "na"#);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_error_body_keeps_the_status() {
    let server = Server::always(Reply::text(404, "text/plain", "")).await;
    let error = client(&server).domains().get("d_1").await.expect_err("404");
    assert_eq!(server.received().len(), 1);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(error.to_string().contains("404"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Connections and timeouts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_connection_closed_before_the_request_is_read() {
    // A GET is retried.
    let server = Server::sequence(vec![Reply::CloseBeforeReading, ok_domain()]).await;
    client(&server).domains().get("d_1").await.expect("retried");
    assert_eq!(server.connections(), 2);
    assert_eq!(server.received().len(), 1);

    // A POST without idempotency key is not: the client cannot know it was not read.
    let server = Server::sequence(vec![Reply::CloseBeforeReading, ok_domain()]).await;
    let error = client(&server)
        .domains()
        .create(&new_domain())
        .await
        .expect_err("not retried");
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_connection_closed_after_the_request_is_read() {
    let server = Server::sequence(vec![Reply::CloseAfterReading, ok_domain()]).await;
    client(&server).domains().get("d_1").await.expect("retried");
    assert_eq!(server.received().len(), 2);

    let server = Server::sequence(vec![
        Reply::CloseAfterReading,
        Reply::json(200, json!({"id": "e_1"})),
    ])
    .await;
    client(&server)
        .emails()
        .send(&email())
        .await
        .expect("a send has a key, so it is retried");
    let requests = server.received();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].header("idempotency-key"),
        requests[1].header("idempotency-key")
    );

    let server = Server::sequence(vec![Reply::CloseAfterReading, ok_domain()]).await;
    let error = client(&server)
        .domains()
        .create(&new_domain())
        .await
        .expect_err("not retried");
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_failed_connect_is_retried_whatever_the_method() {
    // Nothing listens on the port at first; a server starts there a moment later.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{addr}"))
        .max_retries(4)
        .build()
        .unwrap();
    let received: Arc<Mutex<Option<Server>>> = Arc::default();
    let starter = {
        let received = received.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
            let server = Server::serve(listener, Arc::new(|_, _| ok_domain()));
            *received.lock().unwrap() = Some(server);
        })
    };
    let created = client.domains().create(&new_domain()).await;
    starter.await.unwrap();
    assert!(created.is_ok(), "{created:?}");
    let server = received.lock().unwrap().take().unwrap();
    assert_eq!(
        server.received().len(),
        1,
        "the POST reached the server once"
    );
}

#[tokio::test]
async fn a_response_slower_than_the_timeout() {
    let slow = ok_domain().delayed(Duration::from_secs(3));
    let server = Server::sequence(vec![slow.clone(), ok_domain()]).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client
        .domains()
        .get("d_1")
        .await
        .expect("the GET is retried after the timeout");
    assert_eq!(server.received().len(), 2);

    let server = Server::sequence(vec![slow, ok_domain()]).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .domains()
        .create(&new_domain())
        .await
        .expect_err("a POST without key is not retried after a timeout");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_clients() {
    let server = Server::always(ok_domain().delayed(Duration::from_secs(3))).await;
    let error = client(&server)
        .domains()
        .get("d_1")
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .await
        .expect_err("timeout");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// Redirects and HTTPS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_key_goes_nowhere_else() {
    let elsewhere = Server::always(ok_domain()).await;
    let location = format!("{}/domains/d_1", elsewhere.url());
    let server =
        Server::always(Reply::text(307, "text/plain", "").header("location", &location)).await;
    let error = client(&server)
        .domains()
        .get("d_1")
        .await
        .expect_err("a redirect");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(server.received().len(), 1);
    assert_eq!(elsewhere.connections(), 0);
    assert!(!format!("{error:?} {error}").contains(API_KEY));
}

#[tokio::test]
async fn plain_http_to_a_host_that_is_not_loopback_is_refused_before_connecting() {
    // The address is routable on no network; building fails before anything is sent.
    for url in [
        "http://10.255.255.1:9",
        "http://api.example.com",
        "ftp://127.0.0.1",
    ] {
        let error = Client::builder()
            .api_key(API_KEY)
            .base_url(url)
            .build()
            .expect_err(url);
        assert!(matches!(error, Error::Config { .. }), "{url}: {error:?}");
        assert!(!error.to_string().contains(API_KEY));
    }
    for url in [
        "http://127.0.0.2:1",
        "http://[::1]:1",
        "http://localhost:1",
        "https://api.example.com",
    ] {
        Client::builder()
            .api_key(API_KEY)
            .base_url(url)
            .build()
            .expect(url);
    }
}

// ---------------------------------------------------------------------------------------------
// Rate limits
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limit_state_is_readable_on_success_and_on_error() {
    let server = Server::sequence(vec![
        ok_domain()
            .header("ratelimit-limit", "2")
            .header("ratelimit-remaining", "1")
            .header("ratelimit-reset", "1")
            .header("ratelimit-policy", "2;w=1"),
        Reply::error(404, "not_found")
            .header("ratelimit-limit", "two")
            .header("ratelimit-remaining", "-1")
            .header("ratelimit-reset", "1.5")
            .header("retry-after", "soon"),
    ])
    .await;
    let client = client(&server);
    let response = client.domains().get("d_1").await.unwrap();
    let state = response.rate_limit();
    assert_eq!(state.limit, Some(2));
    assert_eq!(state.remaining, Some(1));
    assert_eq!(state.reset, Some(Duration::from_secs(1)));
    assert_eq!(state.policy.as_deref(), Some("2;w=1"));
    assert_eq!(state.retry_after, None);
    assert_eq!(response.id, "d_1", "the typed body is still there");

    let error = client.domains().get("d_1").await.expect_err("404");
    let state = error.rate_limit().expect("the API answered");
    // Malformed values are ignored, as the draft asks.
    assert_eq!(
        (state.limit, state.remaining, state.reset, state.retry_after),
        (None, None, None, None)
    );
}

#[tokio::test]
async fn requests_wait_when_the_server_says_none_remain() {
    let server = Server::sequence(vec![
        ok_domain()
            .header("ratelimit-remaining", "0")
            .header("ratelimit-reset", "1"),
        ok_domain(),
    ])
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .no_rate_limit()
        .build()
        .unwrap();
    client.domains().get("d_1").await.unwrap();
    // A clone shares the hold: another process could have taken the window.
    client.clone().domains().get("d_1").await.unwrap();
    let requests = server.received();
    assert!(
        gap(&requests, 0) >= Duration::from_millis(950),
        "{:?}",
        gap(&requests, 0)
    );
}

#[tokio::test]
async fn a_burst_of_20_stays_under_2_per_second_with_no_429() {
    let bucket = Arc::new(TokenBucket::new(2, 2.0));
    let server = {
        let bucket = bucket.clone();
        Server::start(move |_, request| {
            if request.is_none() {
                return ok_domain();
            }
            let (allowed, headers) = bucket.take();
            let mut reply = if allowed {
                ok_domain()
            } else {
                Reply::error(429, "rate_limit_exceeded")
            };
            for (name, value) in headers {
                reply = reply.header(&name, &value);
            }
            reply
        })
        .await
    };
    let client = client(&server);
    assert_eq!(
        client.rate_limit(),
        Some(RateLimit::per_second(2)),
        "the spec's default"
    );
    let started = Instant::now();
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.domains().get("d_1").max_retries(0).await })
    });
    let results = futures_join(calls).await;
    let elapsed = started.elapsed();
    eprintln!("20 concurrent calls at 2 per second took {elapsed:?}");
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let requests = server.received();
    assert_eq!(requests.len(), 20, "no call needed a retry");
}

#[tokio::test]
async fn without_the_limiter_the_same_burst_meets_429s() {
    // The same server, to show that it does limit: without pacing most calls are refused.
    let bucket = Arc::new(TokenBucket::new(2, 2.0));
    let server = Server::start(move |_, request| {
        if request.is_none() {
            return ok_domain();
        }
        let (allowed, _) = bucket.take();
        if allowed {
            ok_domain()
        } else {
            Reply::error(429, "rate_limit_exceeded").header("retry-after", "1")
        }
    })
    .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .no_rate_limit()
        .follow_rate_limit_headers(false)
        .max_retries(0)
        // A refusal for the rate limit is not a failure: only a call with no time to wait
        // returns it.
        .deadline(Duration::ZERO)
        .build()
        .unwrap();
    let started = Instant::now();
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.domains().get("d_1").await })
    });
    let results = futures_join(calls).await;
    let elapsed = started.elapsed().as_secs_f64();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.code() == Some(&ErrorCode::RateLimitExceeded)))
        .count();
    // The bucket lets 2 through at once and 2 more each second the burst lasted.
    let allowed = 2 + (2.0 * elapsed).ceil() as usize;
    assert!(
        refused >= 20usize.saturating_sub(allowed).max(1),
        "{refused} of 20 refused in {elapsed:.2} s"
    );
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The raw request
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_raw_request_goes_through_auth_retries_and_errors() {
    let server = Server::sequence(vec![
        Reply::error(503, "service_unavailable"),
        Reply::json(200, json!({"ok": true})),
    ])
    .await;
    let client = client(&server);
    let response = client
        .request(resend_client::Method::GET, "/beta/things/a b")
        .query("limit", 5)
        .await
        .expect("retried");
    assert_eq!(response.body(), &json!({"ok": true}));
    let requests = server.received();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].target, "/beta/things/a%20b?limit=5");
    assert_eq!(
        requests[1].header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );

    // A raw POST is retried only with an idempotency key.
    let server = Server::always(Reply::error(503, "service_unavailable")).await;
    let client = self::client(&server);
    let error = client
        .request(resend_client::Method::POST, "/beta/things")
        .json(&json!({"a": 1}))
        .await
        .expect_err("503");
    assert_eq!(error.code(), Some(&ErrorCode::ServiceUnavailable));
    assert_eq!(server.received().len(), 1);
    client
        .request(resend_client::Method::POST, "/beta/things")
        .json(&json!({"a": 1}))
        .idempotency_key(None)
        .await
        .expect_err("503");
    let requests = server.received();
    assert_eq!(requests.len(), 4);
    let key = requests[1]
        .header("idempotency-key")
        .expect("a made-up key");
    assert!(
        requests[2..]
            .iter()
            .all(|r| r.header("idempotency-key") == Some(key))
    );
    assert_eq!(requests[3].json(), json!({"a": 1}));

    let error = client
        .request(resend_client::Method::GET, "/things?x=1")
        .await
        .expect_err("a query in the path");
    assert!(matches!(error, Error::Config { .. }));
    assert_eq!(server.received().len(), 4, "nothing sent");
}
