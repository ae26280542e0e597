//! Rate limits: what the server reports in its `ratelimit-*` and `retry-after` headers. The
//! pacing that keeps a client under the limit is in `pacer.rs`.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderMap;

/// A request rate: at most `requests` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub(crate) requests: u32,
    pub(crate) window: Duration,
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

    /// Whether the rate allows at least one request in a window longer than zero.
    pub(crate) fn is_valid(&self) -> bool {
        self.requests > 0 && !self.window.is_zero()
    }

    /// Whether this rate allows more requests per unit of time than `other`.
    pub(crate) fn is_faster_than(&self, other: &RateLimit) -> bool {
        u128::from(self.requests) * other.window.as_nanos()
            > u128::from(other.requests) * self.window.as_nanos()
    }
}

/// What a response said about the rate limit, read from its headers (IETF
/// `draft-ietf-httpapi-ratelimit-headers`: `ratelimit-limit`, `ratelimit-remaining`,
/// `ratelimit-reset`, `ratelimit-policy`, or the later revisions' `ratelimit` field and
/// `"name";q=..;w=..` policies; and `retry-after`). Fields that are absent or malformed are
/// `None`, as the draft asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitState {
    /// Requests allowed in the current window (`ratelimit-limit`, or the quota `q` of the
    /// policy when only `ratelimit-policy` gives it).
    pub limit: Option<u64>,
    /// The length of that window: the `w` of the `ratelimit-policy` entry whose quota is the
    /// limit (or, without a limit, the entry with the shortest window).
    pub window: Option<Duration>,
    /// Requests left in the current window (`ratelimit-remaining`).
    pub remaining: Option<u64>,
    /// Time until the window resets (`ratelimit-reset`), from when the response arrived.
    /// A value too large to be a number of seconds (past 10^9) is read as the Unix time of
    /// the reset, as some servers send it, measured against the response's `Date`.
    pub reset: Option<Duration>,
    /// The quota policy as sent (`ratelimit-policy`, for example `2;w=1`; several fields
    /// are joined with commas).
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
                .map(|reset| seconds_or_epoch(reset, headers)),
            window: None,
            policy: joined(headers, "ratelimit-policy"),
            retry_after: retry_after(headers),
        };
        if let Some(policy) = state.policy.as_deref() {
            let entries: Vec<(Option<u64>, Option<u64>)> = policies(policy).collect();
            let chosen = match state.limit {
                Some(limit) => entries.iter().find(|(quota, _)| *quota == Some(limit)),
                None => entries
                    .iter()
                    .filter(|(quota, window)| quota.is_some() && window.is_some())
                    .min_by_key(|(_, window)| *window),
            }
            .or_else(|| entries.first());
            if let Some((quota, window)) = chosen {
                if state.limit.is_none() {
                    state.limit = *quota;
                }
                state.window = window.map(Duration::from_secs);
            }
        }
        // The later revisions' combined field, `ratelimit: "name";r=<remaining>;t=<reset>`
        // (several policies separated by commas: the first counts), and revision 07's
        // `ratelimit: limit=100, remaining=25, reset=5`.
        if let Some(combined) = single(headers, "ratelimit") {
            for parameter in combined.split([',', ';']) {
                let Some((key, value)) = parameter.split_once('=') else {
                    continue;
                };
                match key.trim() {
                    "r" | "remaining" if state.remaining.is_none() => {
                        state.remaining = integer(value);
                    }
                    "t" | "reset" if state.reset.is_none() => {
                        state.reset = integer(value).map(|reset| seconds_or_epoch(reset, headers));
                    }
                    "limit" if state.limit.is_none() => state.limit = integer(value),
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

/// The entries of a `ratelimit-policy` field as (quota, window in seconds): revision 06
/// writes `10;w=1`, later revisions `"name";q=10;w=1`; several are separated by commas.
pub(crate) fn policies(text: &str) -> impl Iterator<Item = (Option<u64>, Option<u64>)> + '_ {
    text.split(',').map(|entry| {
        let mut parts = entry.split(';');
        let mut quota = parts.next().and_then(integer);
        let mut window = None;
        for parameter in parts {
            let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            match key.trim() {
                "q" => quota = integer(value),
                "w" => window = integer(value),
                _ => {}
            }
        }
        (quota, window)
    })
}

/// The values of a list header joined with commas, as if sent as one field.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// A `ratelimit-reset` value as a time from now: delta seconds, or past 10^9 (2001 as a Unix
/// time, 31 years as seconds) the Unix time of the reset, measured against the response's
/// `Date` when it has one.
fn seconds_or_epoch(value: u64, headers: &HeaderMap) -> Duration {
    const EPOCH_FROM: u64 = 1_000_000_000;
    if value < EPOCH_FROM {
        return Duration::from_secs(value);
    }
    let now = single(headers, "date")
        .and_then(|date| httpdate::parse_http_date(date).ok())
        .unwrap_or_else(SystemTime::now);
    let at = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(value));
    at.and_then(|at| at.duration_since(now).ok())
        .unwrap_or(Duration::ZERO)
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
pub(crate) fn after(at: Instant, by: Duration) -> Instant {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("a header value"));
        }
        map
    }

    #[test]
    fn policies_of_every_revision_are_read() {
        let state = RateLimitState::from_headers(&headers(&[
            ("ratelimit-limit", "5"),
            ("ratelimit-policy", "10;w=1, 5;w=2"),
        ]));
        assert_eq!(
            (state.limit, state.window),
            (Some(5), Some(Duration::from_secs(2)))
        );

        // The later revisions name their policies and give the quota as `q`.
        let state = RateLimitState::from_headers(&headers(&[
            (
                "ratelimit-policy",
                "\"burst\";q=100;w=60, \"second\";q=4;w=1",
            ),
            ("ratelimit", "\"second\";r=3;t=1"),
        ]));
        assert_eq!(
            (state.limit, state.window),
            (Some(4), Some(Duration::from_secs(1)))
        );
        assert_eq!(state.remaining, Some(3));

        // A limit with no policy has no window; a policy of nonsense gives nothing.
        let state = RateLimitState::from_headers(&headers(&[("ratelimit-limit", "7")]));
        assert_eq!((state.limit, state.window), (Some(7), None));
        let state = RateLimitState::from_headers(&headers(&[("ratelimit-policy", "lots;w=x")]));
        assert_eq!((state.limit, state.window), (None, None));
    }

    #[test]
    fn more_header_forms_are_read() {
        // A list field sent as several fields.
        let mut map = headers(&[("ratelimit-limit", "5")]);
        map.append("ratelimit-policy", "10;w=1".parse().expect("a value"));
        map.append("ratelimit-policy", "5;w=2".parse().expect("a value"));
        let state = RateLimitState::from_headers(&map);
        assert_eq!(state.window, Some(Duration::from_secs(2)));
        // Revision 07's `limit=, remaining=, reset=`.
        let state = RateLimitState::from_headers(&headers(&[(
            "ratelimit",
            "limit=100, remaining=25, reset=5",
        )]));
        assert_eq!(
            (state.limit, state.remaining, state.reset),
            (Some(100), Some(25), Some(Duration::from_secs(5)))
        );
        // A reset sent as a Unix time, measured against the response's date.
        let state = RateLimitState::from_headers(&headers(&[
            ("date", "Thu, 01 Jan 2026 00:00:00 GMT"),
            ("ratelimit-reset", "1767225610"),
        ]));
        assert_eq!(state.reset, Some(Duration::from_secs(10)));
    }
}
