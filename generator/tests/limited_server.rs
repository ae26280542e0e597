//! The rate-limited loopback server (`support/limited.rs`) and the `redis-server` helper
//! (`support/redis.rs`) that the pacing tests and the rate-limit bench stand on: window
//! arithmetic, header rounding, duplicate counting, keep-alive, and decoding by the generated
//! Resend client.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/limited.rs"]
mod limited;
#[path = "support/redis.rs"]
mod redis;

use std::time::{Duration, Instant};

use limited::{LimitedServer, Record, SlidingWindow, Stats, TOO_MANY_REQUESTS_BODY, ceil_secs};
use redis::RedisServer;
use resend_client::Client;
use resend_client::types::SendEmailRequest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn ceil_secs_rounds_up_to_whole_seconds() {
    assert_eq!(ceil_secs(Duration::ZERO), 0);
    assert_eq!(ceil_secs(Duration::from_nanos(1)), 1);
    assert_eq!(ceil_secs(ms(999)), 1);
    assert_eq!(ceil_secs(ms(1000)), 1);
    assert_eq!(ceil_secs(ms(1001)), 2);
    assert_eq!(ceil_secs(ms(2500)), 3);
}

#[test]
fn two_per_second_accepts_two_at_once_refuses_the_third_then_has_room_after_the_window() {
    let t0 = Instant::now();
    let mut window = SlidingWindow::new(2, Duration::from_secs(1));

    let first = window.arrive(t0);
    assert!(first.accepted);
    assert_eq!(first.status(), 200);
    assert_eq!((first.limit, first.remaining), (2, 1));
    // One slot frees when the oldest leaves the window, 1 s from now.
    assert_eq!(first.reset, 1);
    assert_eq!(first.retry_after, None);
    assert_eq!(first.policy, "2;w=1");

    let second = window.arrive(t0);
    assert!(second.accepted);
    assert_eq!((second.remaining, second.reset), (0, 1));

    let third = window.arrive(t0 + ms(1));
    assert!(!third.accepted);
    assert_eq!(third.status(), 429);
    assert_eq!(
        (third.remaining, third.reset, third.retry_after),
        (0, 1, Some(1))
    );

    // Just before the window has passed: still full.
    assert!(!window.arrive(t0 + ms(999)).accepted);
    // An arrival at `t` leaves the window at exactly `t + W`.
    let later = window.arrive(t0 + ms(1000));
    assert!(later.accepted);
    assert_eq!(later.remaining, 1);
    assert!(window.arrive(t0 + ms(1000)).accepted);
    assert!(!window.arrive(t0 + ms(1000)).accepted);
}

#[test]
fn the_window_slides_rather_than_resetting_on_the_second() {
    let t0 = Instant::now();
    let mut window = SlidingWindow::new(2, Duration::from_secs(1));
    assert!(window.arrive(t0).accepted);
    assert!(window.arrive(t0 + ms(600)).accepted);
    // At 1.0 s the first has left; the one at 0.6 s is still in.
    let at_one = window.arrive(t0 + ms(1000));
    assert!(at_one.accepted);
    assert_eq!(at_one.remaining, 0);
    // Full until 1.6 s, when the one at 0.6 s leaves: 0.5 s away, rounded up to 1.
    let refused = window.arrive(t0 + ms(1100));
    assert!(!refused.accepted);
    assert_eq!(refused.retry_after, Some(1));
    assert!(!window.arrive(t0 + ms(1599)).accepted);
    assert!(window.arrive(t0 + ms(1600)).accepted);
}

#[test]
fn refused_requests_do_not_count_against_the_window() {
    let t0 = Instant::now();
    let mut window = SlidingWindow::new(1, Duration::from_secs(1));
    assert!(window.arrive(t0).accepted);
    for i in 1..50 {
        assert!(!window.arrive(t0 + ms(i * 10)).accepted);
    }
    // Only the accepted arrival at 0 held the window.
    assert!(window.arrive(t0 + ms(1000)).accepted);
}

#[test]
fn reset_and_retry_after_round_up_and_are_at_least_one_when_nothing_remains() {
    let t0 = Instant::now();
    let mut window = SlidingWindow::new(1, Duration::from_secs(3));
    let accepted = window.arrive(t0);
    assert_eq!((accepted.remaining, accepted.reset), (0, 3));
    assert_eq!(accepted.policy, "1;w=3");

    let refused = window.arrive(t0 + ms(500));
    assert_eq!((refused.reset, refused.retry_after), (3, Some(3)));
    let refused = window.arrive(t0 + ms(2000));
    assert_eq!((refused.reset, refused.retry_after), (1, Some(1)));
    let refused = window.arrive(t0 + ms(2999));
    assert_eq!((refused.reset, refused.retry_after), (1, Some(1)));

    // With room left, reset is when the oldest leaves (rounded up).
    let mut window = SlidingWindow::new(5, Duration::from_secs(10));
    assert_eq!(window.arrive(t0).reset, 10);
    let third = window.arrive(t0 + ms(2500));
    assert_eq!((third.remaining, third.reset), (3, 8));
}

#[test]
fn a_fractional_window_is_written_as_a_decimal_in_the_policy() {
    let window = SlidingWindow::new(4, ms(1500));
    assert_eq!(window.policy(), "4;w=1.5");
}

#[test]
fn lowering_the_limit_refuses_until_enough_of_the_window_has_drained() {
    let t0 = Instant::now();
    let mut window = SlidingWindow::new(3, Duration::from_secs(10));
    for at in [0, 2000, 4000] {
        assert!(window.arrive(t0 + ms(at)).accepted);
    }
    window.set_limit(1);
    assert_eq!(window.limit(), 1);
    let refused = window.arrive(t0 + ms(5000));
    assert!(!refused.accepted);
    assert_eq!((refused.limit, refused.remaining), (1, 0));
    assert_eq!(refused.policy, "1;w=10");
    // Room for one comes when all three have left: the one at 4 s leaves at 14 s.
    assert_eq!(refused.retry_after, Some(9));
    assert!(!window.arrive(t0 + ms(12_000)).accepted);
    assert!(window.arrive(t0 + ms(14_000)).accepted);

    // And raising it gives room at once.
    window.set_limit(3);
    let raised = window.arrive(t0 + ms(14_001));
    assert!(raised.accepted);
    assert_eq!(raised.remaining, 1);
}

#[test]
fn a_limit_of_zero_refuses_everything_for_a_window_at_a_time() {
    let t0 = Instant::now();
    let mut window = SlidingWindow::new(0, Duration::from_secs(2));
    let refused = window.arrive(t0);
    assert!(!refused.accepted);
    assert_eq!((refused.remaining, refused.retry_after), (0, Some(2)));
}

fn record(at: Instant, key: Option<&str>, accepted: bool) -> Record {
    Record {
        at,
        method: "POST".into(),
        path: "/emails".into(),
        idempotency_key: key.map(str::to_string),
        accepted,
    }
}

#[test]
fn duplicates_are_keys_accepted_more_than_once() {
    let t0 = Instant::now();
    let records = vec![
        record(t0, Some("a"), true),
        record(t0 + ms(1), Some("b"), false),
        record(t0 + ms(2), Some("a"), true),
        record(t0 + ms(3), Some("b"), true),
        // Refused twice, accepted never: no duplicate.
        record(t0 + ms(4), Some("c"), false),
        record(t0 + ms(5), Some("c"), false),
        // Accepted three times: one key, one duplicate.
        record(t0 + ms(6), Some("d"), true),
        record(t0 + ms(7), Some("d"), true),
        record(t0 + ms(8), Some("d"), true),
        // No key: never a duplicate.
        record(t0 + ms(9), None, true),
        record(t0 + ms(10), None, true),
        record(t0 + ms(11), None, false),
    ];
    let stats = Stats::of(&records);
    assert_eq!(stats.accepted, 8);
    assert_eq!(stats.refused, 4);
    assert_eq!(stats.duplicate_sends, 2);
    assert_eq!(stats.first_accepted, Some(t0));
    assert_eq!(stats.last_accepted, Some(t0 + ms(10)));
    assert_eq!(stats.accepted_span(), Some(ms(10)));
}

#[test]
fn utilization_is_one_for_a_client_that_fills_every_slot() {
    let t0 = Instant::now();
    let second = Duration::from_secs(1);
    let at = |n: u64| record(t0 + second * n as u32, None, true);
    // Two at 0 s (the burst), two at 1 s, two at 2 s.
    let records: Vec<Record> = [0, 0, 1, 1, 2, 2].into_iter().map(at).collect();
    let stats = Stats::of(&records);
    let utilization = stats.utilization(2, second).unwrap();
    assert!((utilization - 1.0).abs() < 1e-9, "{utilization}");
    // One per second against two allowed, and no burst: (5 - 2) / 4 s / 2 per s.
    let records: Vec<Record> = [0, 1, 2, 3, 4].into_iter().map(at).collect();
    let utilization = Stats::of(&records).utilization(2, second).unwrap();
    assert!((utilization - 0.375).abs() < 1e-9, "{utilization}");
    // Nothing past the burst: nothing to measure.
    let records: Vec<Record> = [0, 0].into_iter().map(at).collect();
    assert_eq!(Stats::of(&records).utilization(2, second), None);
}

/// A response as read off the wire.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response (head, then a Content-Length body) from `stream`, keeping whatever
/// follows in `buffer`.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Response {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
            .await
            .expect("a response within 5 s")
            .unwrap();
        assert!(read > 0, "the connection closed before a response");
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).unwrap();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("a content-length");
    while buffer.len() < length {
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed inside a body");
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8(buffer.drain(..length).collect()).unwrap();
    Response {
        status,
        headers,
        body,
    }
}

fn post_email(key: &str, extra: &str) -> String {
    let body = r#"{"from":"a@example.com","to":["b@example.com"],"subject":"hi"}"#;
    format!(
        "POST /emails HTTP/1.1\r\nhost: 127.0.0.1\r\nidempotency-key: {key}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn one_kept_alive_connection_carries_many_requests_and_pipelining_works() {
    let server = LimitedServer::per_second(2).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let mut buffer = Vec::new();

    stream
        .write_all(post_email("k1", "").as_bytes())
        .await
        .unwrap();
    let first = read_response(&mut stream, &mut buffer).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("ratelimit-limit"), Some("2"));
    assert_eq!(first.header("ratelimit-remaining"), Some("1"));
    assert_eq!(first.header("ratelimit-reset"), Some("1"));
    assert_eq!(first.header("ratelimit-policy"), Some("2;w=1"));
    assert_eq!(first.header("retry-after"), None);
    assert_eq!(first.header("connection"), None);
    let id = serde_json::from_str::<serde_json::Value>(&first.body).unwrap()["id"].clone();
    assert!(
        id.as_str().is_some_and(|id| !id.is_empty()),
        "{}",
        first.body
    );

    // Two requests written at once; both answered, in order, on the same connection.
    let both = format!("{}{}", post_email("k2", ""), post_email("k3", ""));
    stream.write_all(both.as_bytes()).await.unwrap();
    let second = read_response(&mut stream, &mut buffer).await;
    let third = read_response(&mut stream, &mut buffer).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.header("ratelimit-remaining"), Some("0"));
    assert_eq!(third.status, 429);
    assert_eq!(third.header("content-type"), Some("application/json"));
    assert_eq!(third.header("retry-after"), Some("1"));
    assert_eq!(third.header("ratelimit-remaining"), Some("0"));
    assert_eq!(third.header("ratelimit-reset"), Some("1"));
    assert_eq!(third.body, TOO_MANY_REQUESTS_BODY);
    let body: serde_json::Value = serde_json::from_str(&third.body).unwrap();
    assert_eq!(body["statusCode"], 429);
    assert_eq!(body["name"], "rate_limit_exceeded");

    assert_eq!(server.connections(), 1);
    let stats = server.stats();
    assert_eq!(
        (stats.accepted, stats.refused, stats.duplicate_sends),
        (2, 1, 0)
    );
    let records = server.records();
    let keys: Vec<_> = records
        .iter()
        .map(|r| r.idempotency_key.as_deref())
        .collect();
    assert_eq!(keys, [Some("k1"), Some("k2"), Some("k3")]);
    assert!(
        records
            .iter()
            .all(|r| r.method == "POST" && r.path == "/emails")
    );
    assert_eq!(
        records.iter().map(|r| r.accepted).collect::<Vec<_>>(),
        [true, true, false]
    );
}

#[tokio::test]
async fn connection_close_is_answered_then_the_connection_ends() {
    let server = LimitedServer::per_second(5).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let mut buffer = Vec::new();
    let request = "GET /domains/d_42 HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let response = read_response(&mut stream, &mut buffer).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("connection"), Some("close"));
    let body: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(body["id"], "d_42");
    let mut rest = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut rest))
        .await
        .expect("the server closes the connection")
        .unwrap();
    assert_eq!(read, 0);
}

#[tokio::test]
async fn the_limit_can_be_changed_while_running() {
    let server = LimitedServer::per_second(3).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let mut buffer = Vec::new();
    stream
        .write_all(post_email("a", "").as_bytes())
        .await
        .unwrap();
    assert_eq!(read_response(&mut stream, &mut buffer).await.status, 200);
    server.set_limit(1);
    assert_eq!(server.limit(), 1);
    stream
        .write_all(post_email("b", "").as_bytes())
        .await
        .unwrap();
    let refused = read_response(&mut stream, &mut buffer).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("ratelimit-limit"), Some("1"));
    assert_eq!(refused.header("ratelimit-policy"), Some("1;w=1"));
}

fn email() -> SendEmailRequest {
    SendEmailRequest::new(
        "Acme <onboarding@example.com>",
        vec!["someone@example.com".into()],
        "Hello",
    )
    .with_text("Hi.")
}

#[tokio::test]
async fn the_resend_client_decodes_its_answers_and_repeated_keys_count_as_duplicates() {
    let server = LimitedServer::per_second(10).await;
    let client = Client::builder()
        .api_key("re_test")
        .base_url(server.url())
        .no_rate_limit()
        .build()
        .unwrap();
    let email = email();
    let sent = client.emails().send(&email).await.unwrap();
    assert!(!sent.id.is_empty());
    let domain = client.domains().get("d_7").await.unwrap();
    assert_eq!(domain.id, "d_7");
    for _ in 0..2 {
        client
            .emails()
            .send(&email)
            .idempotency_key("same-key")
            .await
            .unwrap();
    }
    let stats = server.stats();
    assert_eq!((stats.accepted, stats.refused), (4, 0));
    assert_eq!(stats.duplicate_sends, 1);
    let records = server.records();
    assert_eq!(records[1].method, "GET");
    assert_eq!(records[1].path, "/domains/d_7");
    // The client puts a key of its own on every send.
    assert!(records[0].idempotency_key.is_some());
    assert_eq!(records[2].idempotency_key.as_deref(), Some("same-key"));
    // Pooled: the four requests shared one connection.
    assert_eq!(server.connections(), 1);
}

#[test]
fn redis_server_starts_answers_restarts_on_its_port_and_stops() {
    let mut redis = RedisServer::start();
    let port = redis.port();
    assert_eq!(redis.url(), format!("redis://127.0.0.1:{port}/"));
    assert!(redis.ping());
    assert!(redis.is_running());
    assert_eq!(redis.command(&["SET", "k", "v"]).unwrap(), "+OK\r\n");
    assert_eq!(redis.command(&["GET", "k"]).unwrap(), "$1\r\nv\r\n");

    redis.stop();
    assert!(!redis.is_running());
    assert!(!redis.ping());

    redis.restart();
    assert_eq!(redis.port(), port);
    assert!(redis.ping());
    // Nothing was persisted.
    assert_eq!(redis.command(&["GET", "k"]).unwrap(), "$-1\r\n");
    drop(redis);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the server is gone once dropped"
    );
}
