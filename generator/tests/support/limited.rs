//! An HTTP/1.1 server on 127.0.0.1 that rate-limits like an API gateway: at most N accepted
//! requests in any sliding window of W (a log of arrival instants; refused requests do not
//! count). Every answer carries the IETF draft-06 rate-limit headers; a refused request gets
//! a 429 in the Resend error shape with `retry-after`.
//!
//! Connections are kept alive (many requests each, as a pooling client sends them) unless the
//! client asks for `Connection: close`. Every request is recorded (arrival, method, path,
//! `idempotency-key`, accepted or not), so that a test or the bench can count 429s and
//! duplicate sends, and measure how much of the allowed rate a client used.
//!
//! Header choices, for a sliding log:
//! - `ratelimit-remaining`: N minus the accepted requests in the window, this one included
//!   (zero when the limit was lowered below what the window holds).
//! - `ratelimit-reset`: with nothing remaining, the whole seconds until the window has room
//!   again, rounded up, at least 1. Otherwise the whole seconds, rounded up, until the oldest
//!   accepted request leaves the window (when one more slot frees up), 0 if the window is
//!   empty. The two agree: with N in the window, room comes back when the oldest leaves.
//! - `retry-after` (429 only): the whole seconds until room, rounded up, at least 1.

#![allow(dead_code)] // Each user takes part of it.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// The body of every 429.
pub const TOO_MANY_REQUESTS_BODY: &str =
    r#"{"statusCode":429,"message":"Too many requests","name":"rate_limit_exceeded"}"#;

/// A request head larger than this is refused (431) and the connection closed.
const MAX_HEAD: usize = 64 * 1024;

/// A connection that sends nothing for this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// Whole seconds in `duration`, rounded up.
pub fn ceil_secs(duration: Duration) -> u64 {
    let whole = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        whole + 1
    } else {
        whole
    }
}

/// What the window decided for one arrival, with what to tell the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub accepted: bool,
    pub limit: u32,
    /// `ratelimit-remaining`.
    pub remaining: u32,
    /// `ratelimit-reset`, in seconds.
    pub reset: u64,
    /// `retry-after`, in seconds: on a refusal only.
    pub retry_after: Option<u64>,
    /// `ratelimit-policy`.
    pub policy: String,
}

impl Verdict {
    pub fn status(&self) -> u16 {
        if self.accepted { 200 } else { 429 }
    }

    /// The rate-limit headers to answer with (`retry-after` included on a refusal).
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("ratelimit-limit".to_string(), self.limit.to_string()),
            (
                "ratelimit-remaining".to_string(),
                self.remaining.to_string(),
            ),
            ("ratelimit-reset".to_string(), self.reset.to_string()),
            ("ratelimit-policy".to_string(), self.policy.clone()),
        ];
        if let Some(seconds) = self.retry_after {
            headers.push(("retry-after".to_string(), seconds.to_string()));
        }
        headers
    }
}

/// The limit itself: a sliding log of the instants at which requests were accepted. Pure
/// arithmetic on the instants it is given, so that it can be tried without a clock.
#[derive(Debug, Clone)]
pub struct SlidingWindow {
    limit: u32,
    window: Duration,
    /// Accepted arrivals still inside the window, oldest first.
    log: VecDeque<Instant>,
}

impl SlidingWindow {
    /// At most `limit` accepted requests in any `window`. A window of zero is taken as 1 ms.
    pub fn new(limit: u32, window: Duration) -> Self {
        SlidingWindow {
            limit,
            window: window.max(Duration::from_millis(1)),
            log: VecDeque::new(),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    /// Changes the limit from the next arrival on; what the window holds stays.
    pub fn set_limit(&mut self, limit: u32) {
        self.limit = limit;
    }

    /// `ratelimit-policy`: `N;w=<seconds>` (a fraction of a second written as a decimal).
    pub fn policy(&self) -> String {
        if self.window.subsec_nanos() == 0 {
            format!("{};w={}", self.limit, self.window.as_secs())
        } else {
            format!("{};w={}", self.limit, self.window.as_secs_f64())
        }
    }

    /// Forgets the arrivals that have left the window at `now`: an arrival at `t` counts in
    /// the window `(now - W, now]`, so it leaves at exactly `t + W`.
    fn expire(&mut self, now: Instant) {
        while let Some(oldest) = self.log.front() {
            if *oldest + self.window <= now {
                self.log.pop_front();
            } else {
                break;
            }
        }
    }

    /// How long after `now` until the window has room for one more request (zero if it has).
    fn until_room(&self, now: Instant) -> Duration {
        let held = self.log.len();
        let limit = self.limit as usize;
        if held < limit {
            return Duration::ZERO;
        }
        // Room comes when all but `limit - 1` of the held arrivals have left: when the one at
        // index `held - limit` leaves. A limit of zero never has room; say one window.
        match held.checked_sub(limit).and_then(|i| self.log.get(i)) {
            Some(at) if limit > 0 => (*at + self.window).saturating_duration_since(now),
            _ => self.window,
        }
    }

    /// How long after `now` until the oldest arrival leaves the window (zero if empty).
    fn until_oldest_leaves(&self, now: Instant) -> Duration {
        self.log
            .front()
            .map(|at| (*at + self.window).saturating_duration_since(now))
            .unwrap_or(Duration::ZERO)
    }

    /// A request arrives at `now` (instants must not go backwards): accepted if fewer than N
    /// accepted requests arrived in the last W.
    pub fn arrive(&mut self, now: Instant) -> Verdict {
        self.expire(now);
        let accepted = self.log.len() < self.limit as usize;
        if accepted {
            self.log.push_back(now);
        }
        let remaining = (self.limit as usize).saturating_sub(self.log.len()) as u32;
        let reset = if remaining == 0 {
            ceil_secs(self.until_room(now)).max(1)
        } else {
            ceil_secs(self.until_oldest_leaves(now))
        };
        let retry_after = (!accepted).then(|| ceil_secs(self.until_room(now)).max(1));
        Verdict {
            accepted,
            limit: self.limit,
            remaining,
            reset,
            retry_after,
            policy: self.policy(),
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Record {
    /// When its head had been read.
    pub at: Instant,
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    pub idempotency_key: Option<String>,
    pub accepted: bool,
}

/// Counts over the requests recorded so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub accepted: usize,
    /// Answered 429.
    pub refused: usize,
    /// Idempotency keys that were accepted more than once.
    pub duplicate_sends: usize,
    pub first_accepted: Option<Instant>,
    pub last_accepted: Option<Instant>,
}

impl Stats {
    /// Counts over `records`.
    pub fn of(records: &[Record]) -> Self {
        let mut stats = Stats::default();
        let mut keys: HashMap<&str, usize> = HashMap::new();
        for record in records {
            if !record.accepted {
                stats.refused += 1;
                continue;
            }
            stats.accepted += 1;
            if stats.first_accepted.is_none_or(|first| record.at < first) {
                stats.first_accepted = Some(record.at);
            }
            if stats.last_accepted.is_none_or(|last| record.at > last) {
                stats.last_accepted = Some(record.at);
            }
            if let Some(key) = &record.idempotency_key {
                *keys.entry(key.as_str()).or_default() += 1;
            }
        }
        stats.duplicate_sends = keys.values().filter(|count| **count > 1).count();
        stats
    }

    /// The time from the first accepted arrival to the last.
    pub fn accepted_span(&self) -> Option<Duration> {
        Some(self.last_accepted?.duration_since(self.first_accepted?))
    }

    /// The achieved rate over the allowed rate `limit / window`:
    /// `(accepted - limit) / (last accepted - first accepted) / (limit / window)`. The first
    /// `limit` requests are the window's initial burst, so a client that fills every slot of
    /// a sliding window scores 1.0. `None` when there is nothing past the burst to measure.
    pub fn utilization(&self, limit: u32, window: Duration) -> Option<f64> {
        let past_burst = self.accepted.checked_sub(limit as usize)?;
        let span = self.accepted_span()?.as_secs_f64();
        if past_burst == 0 || span <= 0.0 || limit == 0 || window.is_zero() {
            return None;
        }
        let allowed = f64::from(limit) / window.as_secs_f64();
        Some(past_burst as f64 / span / allowed)
    }
}

struct Shared {
    window: Mutex<SlidingWindow>,
    records: Mutex<Vec<Record>>,
    connections: AtomicU64,
    ids: AtomicU64,
}

/// The rate-limited server. It runs until dropped (its connections with it).
pub struct LimitedServer {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LimitedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LimitedServer {
    /// Starts a server that accepts at most `limit` requests in any sliding `window`.
    pub async fn start(limit: u32, window: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        let shared = Arc::new(Shared {
            window: Mutex::new(SlidingWindow::new(limit, window)),
            records: Mutex::new(Vec::new()),
            connections: AtomicU64::new(0),
            ids: AtomicU64::new(0),
        });
        let task = tokio::spawn(accept_loop(listener, shared.clone()));
        LimitedServer { addr, shared, task }
    }

    /// At most `limit` requests per second.
    pub async fn per_second(limit: u32) -> Self {
        Self::start(limit, Duration::from_secs(1)).await
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn limit(&self) -> u32 {
        self.shared.window.lock().unwrap().limit()
    }

    pub fn window(&self) -> Duration {
        self.shared.window.lock().unwrap().window()
    }

    /// Changes the enforced (and announced) limit from the next request on.
    pub fn set_limit(&self, limit: u32) {
        self.shared.window.lock().unwrap().set_limit(limit);
    }

    /// Every request read so far, in order of arrival.
    pub fn records(&self) -> Vec<Record> {
        self.shared.records.lock().unwrap().clone()
    }

    pub fn stats(&self) -> Stats {
        Stats::of(&self.shared.records.lock().unwrap())
    }

    pub fn accepted(&self) -> usize {
        self.stats().accepted
    }

    /// Requests answered 429.
    pub fn refused(&self) -> usize {
        self.stats().refused
    }

    /// Idempotency keys that were accepted more than once.
    pub fn duplicate_sends(&self) -> usize {
        self.stats().duplicate_sends
    }

    pub fn first_accepted(&self) -> Option<Instant> {
        self.stats().first_accepted
    }

    pub fn last_accepted(&self) -> Option<Instant> {
        self.stats().last_accepted
    }

    /// See [`Stats::utilization`]; measured against the current limit and window.
    pub fn utilization(&self) -> Option<f64> {
        self.stats().utilization(self.limit(), self.window())
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.connections.load(Ordering::Relaxed)
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // The connections live in this set: when the server is dropped and this task aborted,
    // the set is dropped and aborts them all.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { return };
                shared.connections.fetch_add(1, Ordering::Relaxed);
                let _ = stream.set_nodelay(true);
                connections.spawn(serve_connection(stream, shared.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A request head, parsed.
struct Head {
    method: String,
    target: String,
    /// Names in lower case.
    headers: Vec<(String, String)>,
    /// Whether the connection stays open after the answer.
    keep_alive: bool,
    /// A chunked body cannot be framed here: answer, then close.
    chunked: bool,
    content_length: usize,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn parse(text: &str) -> Option<Head> {
        let mut lines = text.split("\r\n");
        let mut request_line = lines.next()?.split(' ');
        let method = request_line.next()?.to_string();
        let target = request_line.next()?.to_string();
        let version = request_line.next().unwrap_or("HTTP/1.1").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let has_token = |name: &str, token: &str| {
            headers
                .iter()
                .filter(|(n, _)| n == name)
                .flat_map(|(_, v)| v.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        let keep_alive = if version == "HTTP/1.0" {
            has_token("connection", "keep-alive")
        } else {
            !has_token("connection", "close")
        };
        let chunked = has_token("transfer-encoding", "chunked");
        let content_length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        Some(Head {
            method,
            target,
            headers,
            keep_alive,
            chunked,
            content_length,
        })
    }
}

/// Reads from `stream` into `buffer` until the idle timeout; `false` at end of stream.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut chunk = [0u8; 8192];
    match tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut chunk)).await {
        Ok(Ok(0)) | Err(_) => Ok(false),
        Ok(Ok(read)) => {
            buffer.extend_from_slice(&chunk[..read]);
            Ok(true)
        }
        Ok(Err(error)) => Err(error),
    }
}

/// Answers requests on one connection, one after another, until the client closes it or
/// asks to.
async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    // Bytes read but not yet consumed: a pipelined next request may already be here.
    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            if buffer.len() > MAX_HEAD {
                let body = br#"{"message":"request head too large"}"#;
                write_response(&mut stream, 431, &[], body, false).await?;
                return stream.shutdown().await;
            }
            if !fill(&mut stream, &mut buffer).await? {
                return Ok(());
            }
        };
        let head_text = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        buffer.drain(..head_end + 4);
        let Some(head) = Head::parse(&head_text) else {
            let body = br#"{"message":"bad request"}"#;
            write_response(&mut stream, 400, &[], body, false).await?;
            return stream.shutdown().await;
        };
        // The body is read (and dropped) so that the next request starts where it should.
        if !head.chunked {
            while buffer.len() < head.content_length {
                if !fill(&mut stream, &mut buffer).await? {
                    return Ok(());
                }
            }
            buffer.drain(..head.content_length);
        }
        let keep_alive = head.keep_alive && !head.chunked;
        let (verdict, body) = decide(&shared, &head);
        write_response(
            &mut stream,
            verdict.status(),
            &verdict.headers(),
            body.as_bytes(),
            keep_alive,
        )
        .await?;
        if !keep_alive {
            return stream.shutdown().await;
        }
    }
}

/// Decides on one request, records it, and says what to answer.
fn decide(shared: &Shared, head: &Head) -> (Verdict, String) {
    let (verdict, at) = {
        let mut window = shared.window.lock().unwrap();
        // The instant is taken under the lock, so that arrivals reach the window in order.
        let at = Instant::now();
        (window.arrive(at), at)
    };
    shared.records.lock().unwrap().push(Record {
        at,
        method: head.method.clone(),
        path: head.target.clone(),
        idempotency_key: head.header("idempotency-key").map(str::to_string),
        accepted: verdict.accepted,
    });
    if !verdict.accepted {
        return (verdict, TOO_MANY_REQUESTS_BODY.to_string());
    }
    let n = shared.ids.fetch_add(1, Ordering::Relaxed);
    let id = format!("4ef1c0de-0000-4000-8000-{n:012x}");
    let body = if head.method == "GET" {
        let path = head.target.split('?').next().unwrap_or_default();
        let id = path
            .strip_prefix("/domains/")
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .map(str::to_string)
            .unwrap_or(id);
        serde_json::json!({
            "object": "domain",
            "id": id,
            "name": "example.com",
            "status": "verified",
            "created_at": "2026-01-01 00:00:00.000000+00",
            "region": "us-east-1",
        })
    } else {
        serde_json::json!({ "id": id })
    };
    (verdict, body.to_string())
}

async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    keep_alive: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        _ => "Status",
    };
    let mut response = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("content-type: application/json\r\n");
    response.push_str(&format!("content-length: {}\r\n", body.len()));
    if !keep_alive {
        response.push_str("connection: close\r\n");
    }
    response.push_str("\r\n");
    let mut bytes = response.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await?;
    stream.flush().await
}
