//! The client's logs: each attempt, retry and wait is a `tracing` event, and the API key
//! never appears in them.
//!
//! In a file of its own so that it runs alone in its process: `tracing` caches which
//! events are enabled per call site, and tests running beside it on other threads without a
//! subscriber would race with that cache.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};

use resend_client::Client;
use support::{Reply, Server};

const API_KEY: &str = "re_secret_key_123";

// ---------------------------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn attempts_and_retries_are_logged_without_the_key() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = Server::sequence(vec![
        Reply::error(429, "rate_limit_exceeded").header("retry-after", "1"),
        Reply::json(200, serde_json::json!({"id": "d_1", "name": "acme.dev", "status": "verified", "created_at": "2026-01-01"})),
    ])
    .await;
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .build()
        .unwrap()
        .domains()
        .get("d_1")
        .await
        .unwrap();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("sending request"), "{logs}");
    assert!(
        logs.contains("refused for the rate limit; sending again when the server allows"),
        "{logs}"
    );
    assert!(logs.contains("wait_ms=1000"), "{logs}");
    assert!(logs.contains("/domains/d_1"), "{logs}");
    assert!(!logs.contains(API_KEY), "{logs}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_shared_limit_whose_redis_is_down_is_warned_about_once() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = Server::always(Reply::json(
        200,
        serde_json::json!({"object": "list", "data": []}),
    ))
    .await;
    // A port where no Redis listens.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.url())
        .shared_rate_limit(format!("redis://127.0.0.1:{port}/"))
        .build()
        .unwrap();
    for _ in 0..3 {
        client
            .domains()
            .list()
            .await
            .expect("Redis trouble fails no request");
    }
    assert_eq!(server.received().len(), 3);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let warnings = logs.matches("shared rate limit unavailable").count();
    assert_eq!(warnings, 1, "{logs}");
    assert!(logs.contains("WARN"), "{logs}");
    assert!(!logs.contains(API_KEY), "{logs}");
}
