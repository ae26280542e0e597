//! One rate limit for every client that uses the same API key against the same server, in
//! any process on any machine, kept in Redis (the `redis` feature).
//!
//! Each request asks Redis for a departure time with one script, run atomically by Redis on
//! its own clock: the script keeps a sliding log of the departures granted for the key (a
//! sorted set of times), and grants the next request the earliest time at which the last
//! window holds fewer than the limit, which may be now or later. Requests granted a later
//! time wait for it, so the clients queue instead of racing and meeting 429s. The limit is
//! the one the client paces to, learned from the server's headers.
//!
//! Redis only paces. When it cannot be reached, is slow or answers something else than the
//! script's number, the client logs one warning for the outage, goes on with its own pacing
//! and the server's headers, and tries Redis again a few seconds later (and says so when
//! Redis is back): a request is never failed, delayed for long or sent twice because of
//! Redis.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::pacer::margin;
use crate::rate_limit::RateLimit;

/// How long one exchange with Redis may take before the client paces on its own for that
/// request.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// How long making the connection (TLS and authentication included) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest queue the shared log takes a reservation in. A fleet whose queue is longer
/// is sending far past the limit; the request then paces on its own rather than wait hours.
const MAX_QUEUE: Duration = Duration::from_secs(60 * 60);

/// How long the client paces on its own after Redis failed, before it asks Redis again.
const RETRY_REDIS_AFTER: Duration = Duration::from_secs(5);

/// Grants the next departure for a key: the earliest time at which fewer than the limit
/// departures fall in the window before it. `KEYS[1]` is the log, `ARGV` the limit, the
/// window in milliseconds, a member name unique to this request and the longest queue in
/// milliseconds. Returns how many milliseconds from now the request may leave, or -1 (and
/// reserves nothing) when that is further away than the longest queue.
const SCRIPT: &str = r"
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local at = now
if count >= limit then
  local kth = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  at = math.max(now, tonumber(kth[2]) + window)
end
if at - now > tonumber(ARGV[4]) then
  return -1
end
redis.call('ZADD', key, at, ARGV[3])
redis.call('PEXPIRE', key, at - now + window + 1000)
return at - now
";

/// The shared limit of one client and its clones.
pub(crate) struct SharedLimit {
    client: redis::Client,
    /// The Redis key: a hash of API key and base URL, never the key itself.
    key: String,
    script: redis::Script,
    connection: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
    /// While set, Redis failed and is not asked again before this time.
    down_until: Mutex<Option<Instant>>,
    /// Whether Redis is in an outage that was warned about (one warning per outage).
    outage: AtomicBool,
    /// Distinguishes this client's requests in the log.
    id: u64,
    counter: AtomicU64,
}

impl std::fmt::Debug for SharedLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: it is not shown.
        f.debug_struct("SharedLimit")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl SharedLimit {
    /// A shared limit on the Redis at `url` (`redis://host:port/db`, or `rediss://` for
    /// TLS), for requests with `api_key` to `base_url`. Nothing is connected yet.
    pub(crate) fn new(url: &str, api_key: Option<&str>, base_url: &str) -> Result<Self, Error> {
        let client = redis::Client::open(url).map_err(|error| {
            Error::config(format!(
                "the shared rate limit's Redis URL is not valid ({})",
                error.category()
            ))
        })?;
        Ok(Self {
            client,
            key: redis_key(api_key, base_url),
            script: redis::Script::new(SCRIPT),
            connection: tokio::sync::Mutex::new(None),
            down_until: Mutex::new(None),
            outage: AtomicBool::new(false),
            id: crate::retry::random_u64(),
            counter: AtomicU64::new(0),
        })
    }

    /// Takes a departure time from the shared log at `rate`, and says how long to wait for
    /// it; `None` when Redis could not be asked, or the queue is longer than [`MAX_QUEUE`]
    /// (the client then paces on its own).
    pub(crate) async fn reserve(&self, rate: RateLimit) -> Option<Duration> {
        {
            let mut down = self
                .down_until
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match *down {
                Some(until) if Instant::now() < until => return None,
                Some(_) => *down = None,
                None => {}
            }
        }
        let window = rate.window().saturating_add(margin(rate.window()));
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        let member = format!(
            "{:016x}-{}",
            self.id,
            self.counter.fetch_add(1, Ordering::Relaxed)
        );
        let max_queue_ms = u64::try_from(MAX_QUEUE.as_millis()).unwrap_or(u64::MAX);
        let mut connection = self.connection.lock().await;
        let problem = 'exchange: {
            let live = match connection.take() {
                Some(live) => connection.insert(live),
                None => {
                    let connecting = self.client.get_multiplexed_async_connection();
                    match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
                        Ok(Ok(live)) => connection.insert(live),
                        Ok(Err(error)) => break 'exchange format!("Redis failed: {error}"),
                        Err(_) => {
                            break 'exchange format!(
                                "no connection to Redis within {} s",
                                CONNECT_TIMEOUT.as_secs()
                            );
                        }
                    }
                }
            };
            let mut invocation = self.script.key(&self.key);
            invocation
                .arg(rate.requests())
                .arg(window_ms)
                .arg(&member)
                .arg(max_queue_ms);
            let answer =
                tokio::time::timeout(REDIS_TIMEOUT, invocation.invoke_async::<i64>(live)).await;
            match answer {
                Ok(Ok(-1)) => {
                    tracing::debug!("the shared rate limit's queue is full; pacing on its own");
                    return None;
                }
                Ok(Ok(wait_ms)) => match u64::try_from(wait_ms) {
                    Ok(wait_ms) if wait_ms <= max_queue_ms => {
                        if self.outage.swap(false, Ordering::Relaxed) {
                            tracing::info!("shared rate limit reachable again");
                        }
                        return Some(Duration::from_millis(wait_ms));
                    }
                    _ => format!("Redis granted a wait of {wait_ms} ms"),
                },
                // A broken connection is not used again; the next exchange makes a new one.
                Ok(Err(error)) => format!("Redis failed: {error}"),
                Err(_) => format!(
                    "Redis did not answer within {} ms",
                    REDIS_TIMEOUT.as_millis()
                ),
            }
        };
        // Whatever went wrong, the connection is not trusted again.
        *connection = None;
        drop(connection);
        if self.outage.swap(true, Ordering::Relaxed) {
            tracing::debug!(problem = %problem, "shared rate limit still unavailable");
        } else {
            tracing::warn!(
                problem = %problem,
                retry_in_s = RETRY_REDIS_AFTER.as_secs(),
                "shared rate limit unavailable; pacing with this client's own limit meanwhile"
            );
        }
        *self
            .down_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some(Instant::now() + RETRY_REDIS_AFTER);
        None
    }
}

/// The Redis key for an API key and base URL: the first 128 bits of their SHA-256, in hex.
fn redis_key(api_key: Option<&str>, base_url: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(api_key.unwrap_or_default().as_bytes());
    hasher.update([0]);
    hasher.update(base_url.as_bytes());
    let digest = hasher.finalize();
    let mut key = String::from("ratelimit:");
    for byte in digest.iter().take(16) {
        key.push_str(&format!("{byte:02x}"));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_a_hash_that_names_neither_key_nor_url() {
        let key = redis_key(Some("sk_secret_123"), "https://api.example.com");
        assert!(!key.contains("sk_secret"));
        assert!(!key.contains("example"));
        assert_eq!(key.len(), "ratelimit:".len() + 32);
        assert_eq!(
            key,
            redis_key(Some("sk_secret_123"), "https://api.example.com")
        );
        assert_ne!(
            key,
            redis_key(Some("sk_secret_124"), "https://api.example.com")
        );
        assert_ne!(
            key,
            redis_key(Some("sk_secret_123"), "https://eu.example.com")
        );
        // The separator keeps `ab` + `c` apart from `a` + `bc`.
        assert_ne!(redis_key(Some("ab"), "c"), redis_key(Some("a"), "bc"));
    }

    #[test]
    fn a_url_that_is_not_redis_is_a_config_error_that_hides_it() {
        let error = SharedLimit::new("http://user:hunter2@host", Some("k"), "https://x")
            .expect_err("not a Redis URL");
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }
}
