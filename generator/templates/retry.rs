//! When a failed attempt is tried again, and after how long.
//!
//! A refusal for the rate limit (a 429 whose code the spec marks retryable, or a 429
//! without a code) is not a failure: the request is sent again when the server allows
//! (`retry-after`, else `ratelimit-reset`), as often as it takes within the call's
//! deadline, without using up the retries. A quota error (a 429 with another code) is
//! returned at once: waiting cannot fix it.
//!
//! A failed attempt is retried, up to the retry budget, when the failure is likely to pass
//! (the connection, a timeout, a 408, a 5xx, or an error code the spec marks retryable) and
//! sending the request again cannot do the work twice:
//! - the request never left (the connection could not be made);
//! - the server refused it without doing anything (a 4xx with a retryable code or status,
//!   such as a 429 for too many requests);
//! - the request is idempotent: `GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, or any request
//!   that carries an idempotency key.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

use crate::error::Error;
use crate::spec;

/// Retries after the first attempt, unless the builder or the call says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The longest wait a server may ask for before retrying a failure; a longer one returns
/// the error.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// How long a call may go on trying from its first attempt, unless the builder or the call
/// says otherwise: no retry starts later.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// The first backoff when the server says nothing about when to retry; it doubles with each
/// retry, up to [`MAX_BACKOFF`], less up to a quarter at random.
const INITIAL_BACKOFF: Duration = Duration::from_millis(500);

/// The longest backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Try again after this long; the failure counts against the retries.
    Retry(Duration),
    /// The server refused the request for the rate limit: send it again after this long,
    /// without counting a failure.
    Wait(Duration),
    /// Return the error to the caller, for this reason.
    GiveUp(&'static str),
}

/// Whether sending the request again cannot repeat its effect.
pub(crate) fn is_replay_safe(method: &Method, has_idempotency_key: bool) -> bool {
    has_idempotency_key
        || matches!(
            *method,
            Method::GET
                | Method::HEAD
                | Method::OPTIONS
                | Method::PUT
                | Method::DELETE
                | Method::TRACE
        )
}

/// Whether an error status and code are worth another try, leaving aside whether the
/// request may be sent twice. A code from the body decides for a 4xx: the spec lists the
/// retryable ones (a quota error, say, is not). Without a code, the status decides.
pub(crate) fn is_retryable_status(status: StatusCode, code: Option<&str>) -> bool {
    if let Some(code) = code {
        if spec::RETRYABLE_CODES.contains(&code) {
            return true;
        }
        if status.is_client_error() {
            return false;
        }
    }
    spec::RETRYABLE_STATUSES.contains(&status.as_u16())
        || matches!(
            status,
            StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS
        )
        || (status.is_server_error()
            && !matches!(
                status,
                StatusCode::NOT_IMPLEMENTED | StatusCode::HTTP_VERSION_NOT_SUPPORTED
            ))
}

/// Whether an error is a refusal for the rate limit, which waiting fixes: a 429 whose code
/// is retryable, or that has none.
pub(crate) fn is_rate_limited(error: &Error) -> bool {
    match error {
        Error::Api(api) => {
            api.status() == StatusCode::TOO_MANY_REQUESTS
                && is_retryable_status(api.status(), api.raw_code())
        }
        _ => false,
    }
}

/// What an error status is to the pacer: a refusal for the rate limit, a quota that waiting
/// cannot fix, a 503, or something else. A 429 with a code the spec does not mark retryable
/// is a quota only when the spec marks some codes retryable (it then tells rate limits from
/// quotas); otherwise a 429 is taken for a refusal, which holds the client's requests.
pub(crate) fn answer_of(status: StatusCode, code: Option<&str>) -> crate::pacer::Answer {
    use crate::pacer::Answer;
    match status {
        StatusCode::TOO_MANY_REQUESTS => {
            let tells_quotas = !spec::RETRYABLE_CODES.is_empty() && code.is_some();
            if tells_quotas && !is_retryable_status(status, code) {
                Answer::Quota
            } else {
                Answer::Refused
            }
        }
        // 503 Service Unavailable.
        status if status.as_u16() == 503 => Answer::Unavailable,
        _ => Answer::Other,
    }
}

/// Decides about an attempt that failed with `error`, after `failures` earlier failed
/// attempts and `refusals` earlier refusals for the rate limit.
pub(crate) fn decide(
    error: &Error,
    failures: u32,
    max_retries: u32,
    replay_safe: bool,
    max_wait: Duration,
    refusals: u32,
) -> Decision {
    if let (true, Error::Api(api)) = (is_rate_limited(error), error) {
        let rate = api.rate_limit();
        // A server that says to retry at once, again and again, is retried with a backoff.
        return match rate.retry_after.or(rate.reset) {
            Some(wait) if !wait.is_zero() => Decision::Wait(wait),
            _ => Decision::Wait(backoff(refusals)),
        };
    }
    let attempt = failures;
    if attempt >= max_retries {
        return Decision::GiveUp("no retries left");
    }
    match error {
        Error::Api(api) => {
            let status = api.status();
            if !is_retryable_status(status, api.raw_code()) {
                return Decision::GiveUp("the error is not one that a retry can fix");
            }
            // A 4xx means the server refused the request without acting on it.
            if !status.is_client_error() && !replay_safe {
                return Decision::GiveUp(
                    "the request is not idempotent and may have been acted on",
                );
            }
            let rate = api.rate_limit();
            let directed = rate.retry_after.or_else(|| {
                (status == StatusCode::TOO_MANY_REQUESTS || rate.is_exhausted())
                    .then_some(rate.reset)
                    .flatten()
            });
            match directed {
                Some(wait) if wait > max_wait => Decision::GiveUp(
                    "the server asked for a longer wait than the retry limit allows",
                ),
                Some(wait) => Decision::Retry(wait),
                None => Decision::Retry(backoff(attempt)),
            }
        }
        Error::Connection { source } if source.is_connect() => Decision::Retry(backoff(attempt)),
        Error::Connection { .. } | Error::Timeout { .. } if replay_safe => {
            Decision::Retry(backoff(attempt))
        }
        Error::Connection { .. } | Error::Timeout { .. } => {
            Decision::GiveUp("the request is not idempotent and may have reached the server")
        }
        _ => Decision::GiveUp("the error is not one that a retry can fix"),
    }
}

/// Exponential backoff with jitter: 0.5 s, 1 s, 2 s, ... up to 8 s, each less up to 25 % at
/// random, so that clients that failed together do not retry together.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let full = INITIAL_BACKOFF
        .checked_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX))
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    let jitter = (random_u64() % 1000) as f64 / 1000.0 * 0.25;
    full.mul_f64(1.0 - jitter)
}

/// A fresh idempotency key: a random (version 4) UUID.
pub(crate) fn idempotency_key() -> String {
    let high = random_u64();
    let low = random_u64();
    // Version 4 in the time-high field, variant 10 in the clock-sequence field.
    let high = (high & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// 64 random bits. The standard library's hasher keys come from the operating system's
/// random source; a counter and the time make each value differ from the last.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.write_u128(nanos);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 0..40 {
            let wait = backoff(attempt);
            let full = Duration::from_millis(500 * 2u64.pow(attempt.min(5))).min(MAX_BACKOFF);
            assert!(wait <= full, "attempt {attempt}: {wait:?} > {full:?}");
            assert!(
                wait >= full.mul_f64(0.75),
                "attempt {attempt}: {wait:?} too short"
            );
        }
    }

    #[test]
    fn idempotency_keys_are_uuid_v4_and_differ() {
        let a = idempotency_key();
        let b = idempotency_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn methods_that_may_be_replayed() {
        assert!(is_replay_safe(&Method::GET, false));
        assert!(is_replay_safe(&Method::DELETE, false));
        assert!(!is_replay_safe(&Method::POST, false));
        assert!(!is_replay_safe(&Method::PATCH, false));
        assert!(is_replay_safe(&Method::POST, true));
    }
}
