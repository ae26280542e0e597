//! A small HTTP/1.1 server on 127.0.0.1 whose every answer the test scripts: a status with
//! headers and body (after a delay, if asked), or a connection closed before or after the
//! request is read. It records what it received and when.

#![allow(dead_code)] // Each test file uses part of it.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The time between the arrivals of request `i` and request `i + 1`.
pub fn gap(requests: &[Received], i: usize) -> Duration {
    requests[i + 1].at.duration_since(requests[i].at)
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// What the server does with a connection.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answers after `delay`.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// Closes the connection without reading the request.
    CloseBeforeReading,
    /// Reads the request, then closes the connection without answering.
    CloseAfterReading,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            delay: Duration::ZERO,
        }
    }

    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    /// An error body in the shape the Resend spec documents.
    pub fn error(status: u16, name: &str) -> Self {
        Reply::json(
            status,
            serde_json::json!({"statusCode": status, "name": name, "message": format!("{name} happened")}),
        )
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    pub fn delayed(mut self, by: Duration) -> Self {
        if let Reply::Respond { delay, .. } = &mut self {
            *delay = by;
        }
        self
    }
}

type Handler = dyn Fn(usize, Option<&Received>) -> Reply + Send + Sync;

/// The server. It runs until dropped.
pub struct Server {
    pub addr: std::net::SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    connections: Arc<Mutex<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Starts a server whose answer to the `n`th connection (from 0) is `handler(n, request)`;
    /// the request is `None` when the handler is asked before reading (so that it can close
    /// the connection unread), and the same handler is asked again with the request.
    pub async fn start(
        handler: impl Fn(usize, Option<&Received>) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Self::serve(listener, Arc::new(handler))
    }

    /// Answers every connection the same way.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_, _| reply.clone()).await
    }

    /// Answers the connections in turn with `replies`, the last one from then on.
    pub async fn sequence(replies: Vec<Reply>) -> Self {
        Self::start(move |n, _| replies[n.min(replies.len() - 1)].clone()).await
    }

    pub fn serve(listener: TcpListener, handler: Arc<Handler>) -> Self {
        let addr = listener.local_addr().expect("address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0usize));
        let task = {
            let received = received.clone();
            let connections = connections.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let n = {
                        let mut count = connections.lock().unwrap();
                        *count += 1;
                        *count - 1
                    };
                    let handler = handler.clone();
                    let received = received.clone();
                    tokio::spawn(async move {
                        let _ = answer(stream, n, &*handler, &received).await;
                    });
                }
            })
        };
        Server {
            addr,
            received,
            connections,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests read so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Connections accepted so far (a request closed unread counts here, not in `received`).
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

async fn answer(
    mut stream: TcpStream,
    n: usize,
    handler: &Handler,
    log: &Mutex<Vec<Received>>,
) -> std::io::Result<()> {
    if let Reply::CloseBeforeReading = handler(n, None) {
        return Ok(());
    }
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    log.lock().unwrap().push(request.clone());
    match handler(n, Some(&request)) {
        Reply::CloseBeforeReading | Reply::CloseAfterReading => Ok(()),
        Reply::Respond {
            status,
            headers,
            body,
            delay,
        } => {
            tokio::time::sleep(delay).await;
            let mut head = format!("HTTP/1.1 {status} Status\r\n");
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            ));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Received>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let at = Instant::now();
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Ok(Some(Received {
        method,
        target,
        headers,
        body,
        at,
    }))
}

/// A token bucket like an API gateway's: `capacity` requests at once, refilled at `rate`
/// per second. `take` says whether a request may pass, and the rate-limit headers to send.
pub struct TokenBucket {
    capacity: f64,
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    pub fn new(capacity: u32, rate_per_second: f64) -> Self {
        TokenBucket {
            capacity: f64::from(capacity),
            rate: rate_per_second,
            state: Mutex::new((f64::from(capacity), Instant::now())),
        }
    }

    /// Whether a request arriving now may pass; with the headers to answer with.
    pub fn take(&self) -> (bool, Vec<(String, String)>) {
        let mut state = self.state.lock().unwrap();
        let now = Instant::now();
        let elapsed = now.duration_since(state.1).as_secs_f64();
        state.0 = (state.0 + elapsed * self.rate).min(self.capacity);
        state.1 = now;
        let allowed = state.0 >= 1.0;
        if allowed {
            state.0 -= 1.0;
        }
        let remaining = state.0.floor() as u64;
        let until_one = ((1.0 - state.0).max(0.0) / self.rate).ceil() as u64;
        let mut headers = vec![
            (
                "ratelimit-limit".to_string(),
                format!("{}", self.capacity as u64),
            ),
            ("ratelimit-remaining".to_string(), remaining.to_string()),
            ("ratelimit-reset".to_string(), until_one.max(1).to_string()),
            (
                "ratelimit-policy".to_string(),
                format!("{};w=1", self.capacity as u64),
            ),
        ];
        if !allowed {
            headers.push(("retry-after".to_string(), until_one.max(1).to_string()));
        }
        (allowed, headers)
    }
}
