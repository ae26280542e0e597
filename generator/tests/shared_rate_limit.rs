//! One rate limit for a fleet: clients that name the same Redis, API key and base URL share
//! one limiter (the `redis` feature), and Redis trouble (down, stopped mid-run, slow,
//! answering nonsense) never fails or repeats a request.
//!
//! Each test starts a real `redis-server` on a free loopback port (Debian's `redis-server`
//! package; the test fails saying how to install it when it is missing) and a server on
//! 127.0.0.1 that enforces its limit per sliding second. Separate `Client`s stand for
//! separate processes: they share nothing but Redis.

#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/limited.rs"]
mod limited;
#[path = "support/redis.rs"]
mod redis;
mod support;

use std::time::{Duration, Instant};

use limited::LimitedServer;
use redis::RedisServer;
use resend_client::types::SendEmailRequest;
use resend_client::{Client, Error};
use support::{Reply, Server};

const API_KEY: &str = "re_fleet_secret_key";

fn email() -> SendEmailRequest {
    SendEmailRequest::new(
        "Acme <onboarding@acme.dev>",
        vec!["someone@example.com".into()],
        "Hello",
    )
    .with_text("Hi.")
}

fn shared_client(key: &str, server: &str, redis: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(server)
        .shared_rate_limit(redis)
        .build()
        .unwrap()
}

/// Sends `each` emails at once from every client, all clients together.
async fn send_from_all(clients: &[Client], each: usize) -> Vec<Result<(), Error>> {
    let mut calls = Vec::new();
    for client in clients {
        for _ in 0..each {
            let client = client.clone();
            calls.push(tokio::spawn(async move {
                client.emails().send(&email()).await.map(|_| ())
            }));
        }
    }
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.expect("the task"));
    }
    results
}

/// The keys Redis holds, from a `KEYS *` reply.
fn redis_keys(redis: &RedisServer) -> Vec<String> {
    let reply = redis.command(&["KEYS", "*"]).unwrap();
    reply
        .split("\r\n")
        .filter(|line| !line.is_empty() && !line.starts_with(['*', '$']))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn three_clients_sharing_redis_stay_at_the_limit_together() {
    let redis = RedisServer::start();
    let server = LimitedServer::per_second(3).await;
    let clients: Vec<Client> = (0..3)
        .map(|_| shared_client(API_KEY, &server.url(), &redis.url()))
        .collect();
    let results = send_from_all(&clients, 5).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let stats = server.stats();
    assert_eq!(stats.accepted, 15);
    assert_eq!(stats.duplicate_sends, 0);
    // Each client alone would take the whole limit for itself, and most of a burst of
    // three at once would be refused.
    assert!(stats.refused <= 1, "{stats:?}");
}

#[tokio::test]
async fn without_redis_the_same_fleet_meets_refusals_but_surfaces_no_error() {
    let server = LimitedServer::per_second(3).await;
    let clients: Vec<Client> = (0..3)
        .map(|_| {
            Client::builder()
                .api_key(API_KEY)
                .base_url(server.url())
                .build()
                .unwrap()
        })
        .collect();
    let results = send_from_all(&clients, 5).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let stats = server.stats();
    assert_eq!(stats.accepted, 15);
    assert_eq!(stats.duplicate_sends, 0);
    assert!(
        stats.refused > 1,
        "the shared limit is what spares them: {stats:?}"
    );
}

#[tokio::test]
async fn the_redis_key_is_a_hash_of_api_key_and_base_url() {
    let redis = RedisServer::start();
    let server = LimitedServer::per_second(10).await;
    shared_client(API_KEY, &server.url(), &redis.url())
        .emails()
        .send(&email())
        .await
        .unwrap();
    shared_client(API_KEY, &server.url(), &redis.url())
        .emails()
        .send(&email())
        .await
        .unwrap();
    let keys = redis_keys(&redis);
    assert_eq!(
        keys.len(),
        1,
        "one key for one API key and server: {keys:?}"
    );
    assert!(keys[0].starts_with("ratelimit:"), "{keys:?}");
    assert!(!keys[0].contains("fleet_secret"), "{keys:?}");
    assert!(!keys[0].contains("127.0.0.1"), "{keys:?}");

    // Another API key is another team's limit.
    shared_client("re_other_key", &server.url(), &redis.url())
        .emails()
        .send(&email())
        .await
        .unwrap();
    assert_eq!(redis_keys(&redis).len(), 2);
}

#[tokio::test]
async fn redis_stopped_mid_run_leaves_each_client_pacing_on_its_own() {
    let mut redis = RedisServer::start();
    let server = LimitedServer::per_second(4).await;
    let clients: Vec<Client> = (0..2)
        .map(|_| shared_client(API_KEY, &server.url(), &redis.url()))
        .collect();
    let results = send_from_all(&clients, 3).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(redis_keys(&redis).len(), 1, "Redis was in use");

    redis.stop();
    let started = Instant::now();
    let results = send_from_all(&clients, 4).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let stats = server.stats();
    assert_eq!(stats.accepted, 14);
    assert_eq!(stats.duplicate_sends, 0, "no request was sent twice");
    // 8 requests at 4 per second, not a Redis timeout per request.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );

    // Back up: after its pause the client uses Redis again.
    redis.restart();
    tokio::time::sleep(Duration::from_secs(6)).await;
    let results = send_from_all(&clients, 2).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(redis_keys(&redis).len(), 1, "Redis is in use again");
}

#[tokio::test]
async fn a_redis_that_answers_nonsense_or_nothing_is_not_waited_for() {
    // Something that is not Redis: an HTTP server answering every line with a web page.
    let not_redis = Server::always(Reply::text(200, "text/html", "<html>hello</html>")).await;
    // Something that accepts connections and never answers; it counts them.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("redis://{}/", silent.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let _keep_open = tokio::spawn({
        let accepted = accepted.clone();
        async move {
            let mut open = Vec::new();
            while let Ok((stream, _)) = silent.accept().await {
                accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                open.push(stream);
            }
        }
    });
    // And a port where nothing listens.
    let nothing = format!("redis://127.0.0.1:{}/", redis::free_port());

    for redis_url in [format!("redis://{}/", not_redis.addr), silent_url, nothing] {
        let server = LimitedServer::per_second(10).await;
        let client = shared_client(API_KEY, &server.url(), &redis_url);
        let started = Instant::now();
        for _ in 0..5 {
            client.emails().send(&email()).await.unwrap();
        }
        let stats = server.stats();
        assert_eq!(stats.accepted, 5, "{redis_url}");
        assert_eq!(stats.refused, 0, "{redis_url}");
        assert_eq!(stats.duplicate_sends, 0, "{redis_url}");
        // At most one wait for a Redis that is slow (the connection's 2 s); then the client
        // paces on its own and does not ask again for a while.
        assert!(
            started.elapsed() < Duration::from_millis(3500),
            "{redis_url}: {:?}",
            started.elapsed()
        );
    }
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the silent Redis was asked once, not once per request"
    );
}

#[tokio::test]
async fn a_redis_url_that_is_not_one_is_refused_when_the_client_is_built() {
    let error = Client::builder()
        .api_key(API_KEY)
        .shared_rate_limit("http://user:hunter2@127.0.0.1:1/")
        .build()
        .expect_err("not a Redis URL");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}
