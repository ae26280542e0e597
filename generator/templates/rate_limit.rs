//! Rate limits: what the server reports in its `ratelimit-*` and `retry-after` headers, and
//! the pacing that keeps a client under the limit.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderMap;

/// A request rate: at most `requests` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    window: Duration,
}

impl RateLimit {
    /// At most `requests` requests per `window`. A rate of zero requests, or an empty
    /// window, is refused when the client is built.
    pub const fn new(requests: u32, window: Duration) -> Self {
        Self { requests, window }
    }

    /// At most `requests` requests per second.
    pub const fn per_second(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(1))
    }

    /// Requests allowed per window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The time between two requests when they are spread evenly over the window.
    pub(crate) fn interval(&self) -> Option<Duration> {
        (self.requests > 0 && !self.window.is_zero()).then(|| self.window / self.requests)
    }
}

/// What a response said about the rate limit, read from its headers (IETF
/// `draft-ietf-httpapi-ratelimit-headers`: `ratelimit-limit`, `ratelimit-remaining`,
/// `ratelimit-reset`, `ratelimit-policy`, or the later combined `ratelimit` field; and
/// `retry-after`). Fields that are absent or malformed are `None`, as the draft asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitState {
    /// Requests allowed in the current window (`ratelimit-limit`).
    pub limit: Option<u64>,
    /// Requests left in the current window (`ratelimit-remaining`).
    pub remaining: Option<u64>,
    /// Time until the window resets (`ratelimit-reset`), from when the response arrived.
    pub reset: Option<Duration>,
    /// The quota policy as sent (`ratelimit-policy`, for example `2;w=1`).
    pub policy: Option<String>,
    /// How long to wait before the next request (`retry-after`, as delta seconds or as an
    /// HTTP date, counted from the response's `Date`), from when the response arrived.
    pub retry_after: Option<Duration>,
}

impl RateLimitState {
    /// Reads the rate-limit fields of a response's headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut state = Self {
            limit: single(headers, "ratelimit-limit").and_then(integer),
            remaining: single(headers, "ratelimit-remaining").and_then(integer),
            reset: single(headers, "ratelimit-reset")
                .and_then(integer)
                .map(Duration::from_secs),
            policy: single(headers, "ratelimit-policy").map(str::to_string),
            retry_after: retry_after(headers),
        };
        // The later revisions' combined field: `ratelimit: "name";r=<remaining>;t=<reset>`.
        if let Some(combined) = single(headers, "ratelimit") {
            let first = combined.split(',').next().unwrap_or_default();
            for parameter in first.split(';').skip(1) {
                let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
                match key.trim() {
                    "r" if state.remaining.is_none() => state.remaining = integer(value),
                    "t" if state.reset.is_none() => {
                        state.reset = integer(value).map(Duration::from_secs);
                    }
                    _ => {}
                }
            }
        }
        state
    }

    /// Whether the server said no requests are left in the current window.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// The one value of a header; a header that is missing, repeated or not text gives `None`.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    value.to_str().ok().map(str::trim)
}

/// A non-negative decimal integer and nothing else.
fn integer(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `at` plus `by`, with `by` capped at a year so that no setting or header can overflow an
/// `Instant`.
fn after(at: Instant, by: Duration) -> Instant {
    const YEAR: Duration = Duration::from_secs(365 * 24 * 60 * 60);
    at.checked_add(by.min(YEAR)).unwrap_or(at)
}

/// `retry-after` as delta seconds or as an HTTP date. A date is measured against the
/// response's own `Date` header when it has one (so that a skewed local clock does not
/// matter), else against the local clock; a date in the past means no wait.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = single(headers, "retry-after")?;
    if let Some(seconds) = integer(text) {
        return Some(Duration::from_secs(seconds));
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Digits beyond `u64`: a wait longer than anyone will take.
        return Some(Duration::MAX);
    }
    let at = httpdate::parse_http_date(text).ok()?;
    let now = single(headers, "date")
        .and_then(|date| httpdate::parse_http_date(date).ok())
        .unwrap_or_else(SystemTime::now);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Paces the requests of a client and all its clones: no faster than the configured rate,
/// and not at all while the server has said to hold (no requests remaining in the window,
/// or a `retry-after`).
#[derive(Debug)]
pub(crate) struct Pacer {
    interval: Option<Duration>,
    follow_headers: bool,
    /// The longest hold taken from headers; a longer one looks like a quota, not a rate.
    max_hold: Duration,
    /// Taken by the request that is next to go, for as long as it waits, so that requests
    /// leave in the order they arrived and each sees holds set while it waited.
    turn: tokio::sync::Mutex<()>,
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    /// When the last request left.
    last: Option<Instant>,
    /// No request leaves before this.
    hold_until: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(rate: Option<RateLimit>, follow_headers: bool, max_hold: Duration) -> Self {
        Self {
            interval: rate.and_then(|rate| rate.interval()),
            follow_headers,
            max_hold,
            turn: tokio::sync::Mutex::new(()),
            state: Mutex::new(PacerState::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PacerState> {
        // The state is two instants; a panic elsewhere cannot leave them inconsistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The earliest time the next request may leave, or `None` for now.
    fn next_departure(&self, now: Instant) -> Option<Instant> {
        let state = self.lock();
        let by_rate = match (state.last, self.interval) {
            (Some(last), Some(interval)) => Some(after(last, interval)),
            _ => None,
        };
        [by_rate, state.hold_until]
            .into_iter()
            .flatten()
            .max()
            .filter(|at| *at > now)
    }

    /// Waits until a request may leave, and records that it did.
    pub(crate) async fn wait_turn(&self) {
        if self.interval.is_none() && !self.follow_headers {
            return;
        }
        let _turn = self.turn.lock().await;
        while let Some(at) = self.next_departure(Instant::now()) {
            tracing::debug!(
                wait_ms = at.saturating_duration_since(Instant::now()).as_millis() as u64,
                "pacing: waiting before sending"
            );
            tokio::time::sleep_until(at.into()).await;
        }
        self.lock().last = Some(Instant::now());
    }

    /// Takes note of what a response said: with nothing left in the window, or a
    /// `retry-after`, every request of this client waits.
    pub(crate) fn observe(&self, state: &RateLimitState, received: Instant) {
        if !self.follow_headers {
            return;
        }
        let hold = match (state.retry_after, state.is_exhausted(), state.reset) {
            (Some(wait), _, _) => Some(wait),
            (None, true, Some(reset)) => Some(reset),
            _ => None,
        };
        let Some(hold) = hold.filter(|hold| !hold.is_zero()) else {
            return;
        };
        // A wait this long is not followed here: the call that saw it returns the error.
        if hold > self.max_hold {
            return;
        }
        let until = after(received, hold);
        let mut pacer = self.lock();
        if pacer.hold_until.is_none_or(|current| current < until) {
            tracing::debug!(
                hold_ms = hold.as_millis() as u64,
                "pacing: server asked to hold"
            );
            pacer.hold_until = Some(until);
        }
    }
}
