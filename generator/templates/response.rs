//! What a successful call gives back: the typed body, with the status and headers beside it.

use std::ops::Deref;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::rate_limit::RateLimitState;

/// A successful response: the decoded body plus the status and headers it came with.
///
/// It dereferences to the body, so `response.id` works where the body has an `id`.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate-limit state the response reported (`ratelimit-*` and `retry-after`
    /// headers).
    pub fn rate_limit(&self) -> RateLimitState {
        RateLimitState::from_headers(&self.headers)
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T> Deref for ApiResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}
