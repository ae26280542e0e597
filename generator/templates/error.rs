//! The crate's one error type.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::rate_limit::RateLimitState;
use crate::spec::{self, ErrorCode};

/// Everything that can go wrong with a call.
///
/// Match on the variant to tell an answer from the API ([`Error::Api`]) from a failure to
/// reach it, or use the helpers ([`Error::status`], [`Error::code`],
/// [`Error::is_retryable`], [`Error::retry_after`], [`Error::rate_limit`]).
///
/// The error is what the last attempt met: the client has already retried what was safe
/// and worth retrying, as many times as configured.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (4xx or 5xx).
    Api(Box<ApiError>),
    /// The connection could not be made, or broke before the whole response arrived.
    Connection {
        /// The underlying transport error.
        source: reqwest::Error,
    },
    /// The response (body included) did not arrive within the configured timeout.
    Timeout {
        /// The underlying transport error.
        source: reqwest::Error,
    },
    /// The API answered with success, but the body is not what the spec describes.
    Decode {
        /// Status of the response.
        status: StatusCode,
        /// The body as received (lossily decoded as UTF-8).
        body: String,
        /// What did not match.
        source: serde_json::Error,
    },
    /// The request body or a parameter could not be encoded.
    Encode {
        /// What went wrong.
        source: serde_json::Error,
    },
    /// The client is not configured correctly (no API key, a base URL that is not HTTPS, a
    /// header value that cannot be sent, ...). Nothing was sent.
    Config {
        /// What is wrong, in words.
        message: String,
    },
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn transport(source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Error::Timeout { source }
        } else {
            Error::Connection { source }
        }
    }

    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The machine-readable error code from the body, when the API sent one.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api(error) => error.code.as_ref(),
            _ => None,
        }
    }

    /// The API's error, when the API answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the failure may pass if the same request is tried again later: a connection
    /// failure, a timeout, a 408, 429 or 5xx, or an error code the spec marks retryable. A
    /// quota that is used up, or a 4xx with a code the spec does not mark, is not.
    ///
    /// The client retries such errors itself when that is safe; this says whether trying
    /// again later (a queue, a job retry) makes sense.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(error) => error.is_retryable(),
            Error::Connection { .. } | Error::Timeout { .. } => true,
            _ => false,
        }
    }

    /// How long the server asked to wait before trying again (`retry-after`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.rate_limit().and_then(|state| state.retry_after)
    }

    /// The rate-limit state the error response reported, when the API answered.
    pub fn rate_limit(&self) -> Option<&RateLimitState> {
        match self {
            Error::Api(error) => Some(error.rate_limit()),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => fmt::Display::fmt(error, f),
            Error::Connection { source } => write!(f, "could not reach the API: {source}"),
            Error::Timeout { source } => write!(f, "the API did not answer in time: {source}"),
            Error::Decode { status, source, .. } => {
                write!(f, "unexpected response body (status {status}): {source}")
            }
            Error::Encode { source } => write!(f, "could not encode the request body: {source}"),
            Error::Config { message } => write!(f, "client configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection { source } | Error::Timeout { source } => Some(source),
            Error::Decode { source, .. } | Error::Encode { source } => Some(source),
            Error::Api(_) | Error::Config { .. } => None,
        }
    }
}

/// An error status from the API, with everything it said.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: Option<ErrorCode>,
    raw_code: Option<String>,
    message: Option<String>,
    headers: HeaderMap,
    rate_limit: RateLimitState,
    body: String,
}

impl ApiError {
    /// Reads an error response. Bodies that are not the documented JSON (an HTML page from a
    /// proxy, an empty or cut-off body) are kept as text; the status is never lost.
    pub(crate) fn from_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let details = spec::parse_error_body(body);
        Self {
            status,
            code: details.code,
            raw_code: details.raw_code,
            message: details.message,
            rate_limit: RateLimitState::from_headers(&headers),
            headers,
            body: String::from_utf8_lossy(body).into_owned(),
        }
    }

    /// The error code as the body spelled it.
    pub(crate) fn raw_code(&self) -> Option<&str> {
        self.raw_code.as_deref()
    }

    /// Whether trying again later may succeed (see [`Error::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_retryable_status(self.status, self.raw_code())
    }

    /// The rate-limit state the response reported.
    pub fn rate_limit(&self) -> &RateLimitState {
        &self.rate_limit
    }

    /// How long the server asked to wait before trying again (`retry-after`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.rate_limit.retry_after
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine-readable error code, when the body carried one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.code.as_ref()
    }

    /// The human-readable message, when the body carried one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw response body, as text.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API answered {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        match &self.message {
            Some(message) => write!(f, ": {message}"),
            None if self.body.trim().is_empty() => write!(f, " with an empty body"),
            None => {
                let snippet: String = self.body.chars().take(200).collect();
                write!(f, ": {}", snippet.trim())
            }
        }
    }
}
