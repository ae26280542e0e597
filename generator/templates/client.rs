//! The client: configuration, and the one place where requests are sent.

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error};
use crate::pacer::{Answer, Pacer};
use crate::rate_limit::{RateLimit, RateLimitState};
use crate::request::Request;
use crate::response::ApiResponse;
use crate::retry::{self, Decision};
use crate::spec;

/// The user agent sent unless the builder sets another: `<crate>/<version>`.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// How long connecting may take, unless the builder says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one attempt may take from start to end of the body, unless the builder says
/// otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A secret credential. Its text never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credential(String);

impl Credential {
    /// The key's text, to put in a request.
    #[allow(dead_code)] // An API without authentication never sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The API client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    api_key: Option<Credential>,
    max_retries: u32,
    max_retry_wait: Duration,
    deadline: Duration,
    pacer: Pacer,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &self.inner.api_key)
            .field("max_retries", &self.inner.max_retries)
            .field("rate_limit", &self.inner.pacer.rate())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client with settings of your own.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL that request paths are appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The rate the client paces its requests to now, if any: the one it was built with
    /// (yours or the spec's) until a response announces the server's, then that one, never
    /// above a rate you set.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.pacer.rate()
    }

    /// Sends a request and decodes a JSON body from a successful response.
    #[allow(dead_code)] // Only raw requests decode into a type of the caller's.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<ApiResponse<T>, Error> {
        let (status, headers, bytes) = self.send(request).await?;
        decode_json(status, headers, bytes)
    }

    fn url(&self, request: &Request) -> Result<Url, Error> {
        let mut url = self.inner.base_url.clone();
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| Error::config("the base URL cannot have a path appended"))?;
            segments.pop_if_empty();
            for segment in &request.segments {
                // URL parsers drop or resolve these, which would send the request elsewhere.
                if segment.is_empty() || segment == "." || segment == ".." {
                    return Err(Error::config(format!(
                        "a path parameter cannot be `{segment}`: it would change which path is requested"
                    )));
                }
                segments.push(segment);
            }
        }
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// Sends a request and returns the status, headers and body of a successful response.
    ///
    /// Each attempt waits its turn with the pacer, carries the credentials, and is retried
    /// as [`crate::retry`] describes: a refusal for the rate limit is sent again when the
    /// server allows, without counting as a failure, and no retry starts past the call's
    /// deadline. An error status becomes [`Error::Api`].
    pub(crate) async fn send(
        &self,
        mut request: Request,
    ) -> Result<(StatusCode, HeaderMap, bytes::Bytes), Error> {
        request.add_extras()?;
        let url = self.url(&request)?;
        if let Some(name) = request.idempotency_header {
            if !request.has_header(name) {
                request.header(name, retry::idempotency_key());
            }
        }
        let has_key = request
            .idempotency_header
            .is_some_and(|name| request.has_header(name))
            || request.has_header("idempotency-key");
        let replay_safe = retry::is_replay_safe(&request.method, has_key);
        let max_retries = request
            .options
            .max_retries
            .unwrap_or(self.inner.max_retries);
        let deadline = request.options.deadline.unwrap_or(self.inner.deadline);
        let headers = self.headers(&request)?;
        let body = request
            .body
            .take()
            .map(|(media_type, body)| (media_type, bytes::Bytes::from(body)));
        let method = request.method.clone();
        let mut failures = 0;
        let mut refusals = 0;
        let mut first_attempt = None;
        let mut last_error: Option<Error> = None;
        loop {
            let departed = self.inner.pacer.wait_turn().await;
            let started = *first_attempt.get_or_insert(departed);
            if let Some(error) = last_error.take() {
                // The wait for a turn can outlast the deadline: no retry starts past it.
                if departed.saturating_duration_since(started) > deadline {
                    tracing::debug!(%method, path = url.path(), "not retrying: the call's deadline passed while it waited for its turn");
                    return Err(error);
                }
            }
            tracing::debug!(%method, path = url.path(), attempt = failures + refusals + 1, "sending request");
            let error = match self.attempt(&request, &url, &headers, body.as_ref()).await {
                Ok((status, headers, bytes, received)) => {
                    if status.is_success() {
                        self.inner.pacer.observe(
                            &RateLimitState::from_headers(&headers),
                            departed,
                            received,
                            Answer::Other,
                        );
                        tracing::debug!(%method, path = url.path(), status = status.as_u16(), "response");
                        return Ok((status, headers, bytes));
                    }
                    let error = ApiError::from_response(status, headers, &bytes);
                    let answer = retry::answer_of(status, error.raw_code());
                    self.inner
                        .pacer
                        .observe(error.rate_limit(), departed, received, answer);
                    Error::Api(Box::new(error))
                }
                Err(error) => error,
            };
            let decision = retry::decide(
                &error,
                failures,
                max_retries,
                replay_safe,
                self.inner.max_retry_wait,
                refusals,
            );
            let (wait, refused) = match decision {
                Decision::Retry(wait) => (wait, false),
                Decision::Wait(wait) => (wait, true),
                Decision::GiveUp(reason) => {
                    tracing::debug!(%method, path = url.path(), attempt = failures + refusals + 1, reason, "not retrying");
                    return Err(error);
                }
            };
            if started.elapsed().saturating_add(wait) > deadline {
                tracing::debug!(
                    %method,
                    path = url.path(),
                    wait_ms = wait.as_millis() as u64,
                    deadline_ms = deadline.as_millis() as u64,
                    "not retrying: the wait would end past the call's deadline"
                );
                return Err(error);
            }
            tracing::info!(
                %method,
                path = url.path(),
                attempt = failures + refusals + 1,
                wait_ms = wait.as_millis() as u64,
                error = %error,
                "{}",
                if refused {
                    "refused for the rate limit; sending again when the server allows"
                } else {
                    "attempt failed; retrying"
                }
            );
            tokio::time::sleep(wait).await;
            if refused {
                refusals += 1;
            } else {
                failures += 1;
            }
            last_error = Some(error);
        }
    }

    /// The headers of every attempt: the request's own, then the credentials.
    fn headers(&self, request: &Request) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        let accept = HeaderValue::from_str(request.accept).map_err(|_| {
            Error::config("the operation's response media types cannot be sent in `Accept`")
        })?;
        headers.insert(ACCEPT, accept);
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::config(format!(
                    "the value given for header `{name}` cannot be sent in a header"
                ))
            })?;
            headers.insert(name, value);
        }
        spec::authorize(&mut headers, self.inner.api_key.as_ref())?;
        Ok(headers)
    }

    /// One attempt: the request goes out once and the whole response is read.
    async fn attempt(
        &self,
        request: &Request,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&(String, bytes::Bytes)>,
    ) -> Result<(StatusCode, HeaderMap, bytes::Bytes, Instant), Error> {
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url.clone())
            .headers(headers.clone());
        if let Some(timeout) = request.options.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some((media_type, body)) = body {
            builder = builder
                .header(CONTENT_TYPE, media_type.as_str())
                .body(body.clone());
        }
        let response = builder.send().await.map_err(Error::transport)?;
        let received = Instant::now();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(Error::transport)?;
        Ok((status, headers, bytes, received))
    }
}

/// Decodes a successful response's JSON body; a body that does not match is an error that
/// keeps the status and the text.
pub(crate) fn decode<T: DeserializeOwned>(status: StatusCode, bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|source| Error::Decode {
        status,
        body: String::from_utf8_lossy(bytes).into_owned(),
        source,
    })
}

/// The future of an operation's call, what its builder's `IntoFuture` gives.
#[allow(dead_code)] // An API without operations sends nothing this way.
pub(crate) type Call<'a, T> =
    Pin<Box<dyn Future<Output = Result<ApiResponse<T>, Error>> + Send + 'a>>;

/// What an operation makes of a successful response: its status, headers and body become
/// the [`ApiResponse`] the caller gets. One of the `decode_*` functions below.
#[allow(dead_code)] // An API without operations sends nothing this way.
pub(crate) type Decoder<T> =
    fn(StatusCode, HeaderMap, bytes::Bytes) -> Result<ApiResponse<T>, Error>;

/// Sends an operation's request, built beforehand (or the error building it met), and
/// decodes the successful response with `decoder`.
///
/// Every operation goes through here rather than through an `async` body of its own: the
/// sending is one non-generic future for all of them, and what an operation adds is its
/// request building (plain code) and its decoder. So a crate with hundreds of operations
/// compiles one state machine, not one per operation, and per response type only the small
/// `Decoding` future.
#[allow(dead_code)] // An API without operations sends nothing this way.
pub(crate) fn call<'a, T: 'a>(
    client: &'a Client,
    request: Result<Request, Error>,
    decoder: Decoder<T>,
) -> Call<'a, T> {
    Box::pin(Decoding {
        sending: Box::pin(dispatch(client, request)),
        decoder,
    })
}

/// The part of [`call`] that does not depend on the response type.
#[allow(dead_code)] // An API without operations sends nothing this way.
async fn dispatch(
    client: &Client,
    request: Result<Request, Error>,
) -> Result<(StatusCode, HeaderMap, bytes::Bytes), Error> {
    client.send(request?).await
}

/// A response on its way, boxed: the one type of [`dispatch`]'s future, whatever the
/// operation.
#[allow(dead_code)] // An API without operations sends nothing this way.
type Sending<'a> =
    Pin<Box<dyn Future<Output = Result<(StatusCode, HeaderMap, bytes::Bytes), Error>> + Send + 'a>>;

/// The future [`call`] gives: the sending, then the decoder applied to a success. Written
/// by hand rather than as an `async` block so that each response type adds only this
/// `poll`, not a state machine that holds the whole sending.
#[allow(dead_code)] // An API without operations sends nothing this way.
struct Decoding<'a, T> {
    sending: Sending<'a>,
    decoder: Decoder<T>,
}

impl<T> Future for Decoding<'_, T> {
    type Output = Result<ApiResponse<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.sending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok((status, headers, bytes))) => {
                Poll::Ready((self.decoder)(status, headers, bytes))
            }
        }
    }
}

/// A JSON body.
pub(crate) fn decode_json<T: DeserializeOwned>(
    status: StatusCode,
    headers: HeaderMap,
    bytes: bytes::Bytes,
) -> Result<ApiResponse<T>, Error> {
    let body = decode(status, &bytes)?;
    Ok(ApiResponse::new(status, headers, body))
}

/// A JSON body or none (an operation with both a 200 and a 204, say).
#[allow(dead_code)] // Not every API has such an operation.
pub(crate) fn decode_optional<T: DeserializeOwned>(
    status: StatusCode,
    headers: HeaderMap,
    bytes: bytes::Bytes,
) -> Result<ApiResponse<Option<T>>, Error> {
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(decode(status, &bytes)?)
    };
    Ok(ApiResponse::new(status, headers, body))
}

/// No body to decode.
#[allow(dead_code)] // Not every API has such an operation.
pub(crate) fn decode_empty(
    status: StatusCode,
    headers: HeaderMap,
    _: bytes::Bytes,
) -> Result<ApiResponse<()>, Error> {
    Ok(ApiResponse::new(status, headers, ()))
}

/// Text. Bytes that are not UTF-8 are replaced with U+FFFD.
#[allow(dead_code)] // Not every API has such an operation.
pub(crate) fn decode_text(
    status: StatusCode,
    headers: HeaderMap,
    bytes: bytes::Bytes,
) -> Result<ApiResponse<String>, Error> {
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(ApiResponse::new(status, headers, text))
}

/// Raw bytes (a file, an image...).
#[allow(dead_code)] // Not every API has such an operation.
pub(crate) fn decode_bytes(
    status: StatusCode,
    headers: HeaderMap,
    bytes: bytes::Bytes,
) -> Result<ApiResponse<bytes::Bytes>, Error> {
    Ok(ApiResponse::new(status, headers, bytes))
}

/// Bodies that differ by status: `by_status` picks and decodes the body by the status.
#[allow(dead_code)] // Not every API has such an operation.
pub(crate) fn decode_by_status<T>(
    status: StatusCode,
    headers: HeaderMap,
    bytes: bytes::Bytes,
    by_status: fn(StatusCode, bytes::Bytes) -> Result<T, serde_json::Error>,
) -> Result<ApiResponse<T>, Error> {
    let body = by_status(status, bytes.clone()).map_err(|source| Error::Decode {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        source,
    })?;
    Ok(ApiResponse::new(status, headers, body))
}

/// A server the spec names (see [`spec::SERVERS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    /// The URL, with each of its variables at the spec's default.
    pub url: &'static str,
    /// The URL as the spec writes it; `{name}` marks a variable to fill in.
    pub template: &'static str,
    /// What the spec says of this server.
    pub description: Option<&'static str>,
}

/// Settings for a [`Client`].
///
/// The client sends over HTTPS with rustls, whose cryptography comes from a provider chosen by
/// this crate's features: `rustls-ring` (the default) uses ring, `rustls-aws-lc-rs` reqwest's
/// own aws-lc-rs (it wins when both are on). See [`build`](Self::build) for how a provider is
/// picked.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    api_key: Option<Credential>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    max_retries: Option<u32>,
    max_retry_wait: Option<Duration>,
    deadline: Option<Duration>,
    rate_limit: Option<Option<RateLimit>>,
    follow_rate_limit_headers: Option<bool>,
    #[cfg(feature = "redis")]
    shared_rate_limit: Option<String>,
}

impl ClientBuilder {
    /// The API key to authenticate with, sent the way the spec's security scheme says. When
    /// the spec declares no scheme ([`spec::REQUIRES_API_KEY`](crate::spec::REQUIRES_API_KEY)
    /// is `false`), there is nowhere to send it and it is not sent.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(Credential(api_key.into()));
        self
    }

    /// Where to send requests. It must be `https://`, except `http://` to a loopback address
    /// (for local mock servers). Without it the client reads the base-URL environment variable
    /// the spec names, if any, and else uses the spec's server.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long connecting may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take, response body included (default 30 s). Each retry
    /// gets the same time again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `<crate>/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends through a `reqwest::Client` of your own (its timeouts, proxies and TLS settings
    /// apply; the timeouts and user agent set here do not). Configure it not to follow
    /// redirects: a redirect is reported as an error by this crate. With a client of your
    /// own, [`build`](Self::build) installs no crypto provider.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// How many times a failed request is tried again (default 2), when the failure is worth
    /// retrying and a retry cannot do the work twice (see [`crate::retry`]). Zero turns
    /// retries of failures off. A refusal for the rate limit (a 429 whose code the spec marks
    /// retryable) is not a failure: it is sent again when the server allows, within the
    /// [`deadline`](Self::deadline), which bounds the retries of failures too. A call can
    /// override it.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The longest wait before retrying a failure that the client accepts from the
    /// server's `retry-after` (a 503's, say; default 60 s), and the longest hold it takes
    /// from any response's headers. When the server asks for more, the error is returned at
    /// once instead.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.max_retry_wait = Some(wait);
        self
    }

    /// How long a call may go on trying, from its first attempt (default 60 s): no retry
    /// starts later, and a wait the server asks for that would end later returns the error
    /// at once (with the server's `retry-after`). It bounds how long a call waits for the
    /// rate limit when the server refuses it; the time a call waits for its turn behind the
    /// client's own pacing before its first attempt does not count, so queued calls are not
    /// failed for being queued. A call can override it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The highest rate to send at, shared by all clones of the client: the client starts
    /// there and never goes faster, though it slows down when the server announces a lower
    /// limit. Without it the client starts at the rate the spec declares
    /// ([`crate::spec::DEFAULT_RATE_LIMIT`]), if any, and then follows the server's
    /// `ratelimit-limit` and `ratelimit-policy` up or down.
    pub fn rate_limit(mut self, rate: RateLimit) -> Self {
        self.rate_limit = Some(Some(rate));
        self
    }

    /// Shares the rate limit with every client, in any process on any machine, that names
    /// the same Redis, API key and base URL (`redis://host:port/db`, or `rediss://` for
    /// TLS): Redis grants each request its departure time, so the fleet together stays at
    /// the limit the server announces instead of each process taking it for its own.
    ///
    /// The connection is made on first use. The Redis key is a hash of API key and base URL,
    /// never the key itself. If Redis is down, slow or answers nonsense, the client logs a
    /// warning and paces on its own (and follows the server's headers) until Redis answers
    /// again: Redis trouble never fails or repeats a request.
    #[cfg(feature = "redis")]
    pub fn shared_rate_limit(mut self, url: impl Into<String>) -> Self {
        self.shared_rate_limit = Some(url.into());
        self
    }

    /// Sends requests as fast as they come, with no client-side rate limit (the server's
    /// rate-limit headers are still followed, unless turned off).
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = Some(None);
        self
    }

    /// Whether to follow the server's rate-limit headers (default on): pace to the limit it
    /// announces, and hold every request when a 429 or 503 sends `retry-after`, or when the
    /// server says no requests remain in a window (`ratelimit-remaining: 0`, until
    /// `ratelimit-reset`) that this client's own requests do not fill. This keeps several
    /// processes that share one key under the limit together. Off, only the rate set here or
    /// in the spec paces requests; a refused call still waits what its own refusal says.
    pub fn follow_rate_limit_headers(mut self, follow: bool) -> Self {
        self.follow_rate_limit_headers = Some(follow);
        self
    }

    /// Checks the settings and makes the client. Nothing is sent.
    ///
    /// Unless [`http_client`](Self::http_client) gave one, this makes a `reqwest::Client`,
    /// which uses the process-default rustls `CryptoProvider` when one is installed. When none
    /// is: with the `rustls-ring` feature (the default), ring's provider is installed as the
    /// process default (`CryptoProvider::install_default`), so other rustls users in the
    /// process get it too; to use another, install it before building the first client. With
    /// `rustls-aws-lc-rs`, nothing is installed and reqwest uses aws-lc-rs. With neither
    /// feature, building fails with [`Error::Config`] until you install a provider.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = match self.api_key {
            Some(key) if key.0.trim().is_empty() => {
                return Err(Error::config("the API key is empty"));
            }
            Some(key) => Some(key),
            None if spec::REQUIRES_API_KEY => {
                return Err(Error::config("no API key was given"));
            }
            None => None,
        };
        let base_url = match self.base_url {
            Some(url) => url,
            None => match spec::BASE_URL_ENV.and_then(|name| std::env::var(name).ok()) {
                Some(url) if !url.trim().is_empty() => url,
                _ => spec::DEFAULT_BASE_URL.map(str::to_string).ok_or_else(|| {
                    Error::config("no base URL was given and the spec names none")
                })?,
            },
        };
        let base_url = check_base_url(&base_url)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                ensure_crypto_provider()?;
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .redirect(reqwest::redirect::Policy::none())
                    .default_headers({
                        let agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
                        let mut headers = HeaderMap::new();
                        let value = HeaderValue::from_str(agent).map_err(|_| {
                            Error::config("the user agent cannot be sent in a header")
                        })?;
                        headers.insert(USER_AGENT, value);
                        headers
                    })
                    .build()
                    .map_err(|source| Error::config(format!("could not set up HTTP: {source}")))?
            }
        };
        let (pacing, start, ceiling) = match self.rate_limit {
            None => (true, spec::DEFAULT_RATE_LIMIT, None),
            Some(Some(rate)) => (true, Some(rate), Some(rate)),
            Some(None) => (false, None, None),
        };
        if start.is_some_and(|rate| !rate.is_valid()) {
            return Err(Error::config(
                "the rate limit must allow at least one request in a window longer than zero",
            ));
        }
        let max_retry_wait = self.max_retry_wait.unwrap_or(retry::DEFAULT_MAX_RETRY_WAIT);
        let pacer = Pacer::new(
            pacing,
            start,
            ceiling,
            self.follow_rate_limit_headers.unwrap_or(true),
            max_retry_wait,
        );
        #[cfg(feature = "redis")]
        let pacer = match &self.shared_rate_limit {
            Some(url) => pacer.with_shared(crate::shared_limit::SharedLimit::new(
                url,
                api_key.as_ref().map(Credential::expose),
                base_url.as_str(),
            )?),
            None => pacer,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                api_key,
                max_retries: self.max_retries.unwrap_or(retry::DEFAULT_MAX_RETRIES),
                max_retry_wait,
                deadline: self.deadline.unwrap_or(retry::DEFAULT_DEADLINE),
                pacer,
            }),
        })
    }
}

/// Makes sure reqwest will find a rustls crypto provider: the process default if one is
/// installed, else reqwest's aws-lc-rs with the `rustls-aws-lc-rs` feature, else ring.
fn ensure_crypto_provider() -> Result<(), Error> {
    if cfg!(feature = "rustls-aws-lc-rs") || rustls::crypto::CryptoProvider::get_default().is_some()
    {
        return Ok(());
    }
    install_default_crypto_provider()
}

/// Installs ring's provider as the process default.
#[cfg(feature = "rustls-ring")]
fn install_default_crypto_provider() -> Result<(), Error> {
    // An error means another thread installed one meanwhile; reqwest then uses that one.
    // rustls 0.23.48 deprecates ring's provider for want of post-quantum key exchange; it is
    // still the default here for its build (see the README's TLS section), and a caller who
    // wants post-quantum key exchange turns on `rustls-aws-lc-rs`.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(())
}

#[cfg(not(feature = "rustls-ring"))]
fn install_default_crypto_provider() -> Result<(), Error> {
    Err(Error::config(
        "no TLS crypto provider: turn on the `rustls-ring` or `rustls-aws-lc-rs` feature, or \
         install one with `rustls::crypto::CryptoProvider::install_default` before building \
         the client",
    ))
}

/// Parses a base URL and refuses anything but HTTPS, save plain HTTP to a loopback address.
fn check_base_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim()).map_err(|error| {
        Error::config(format!("the base URL `{text}` is not a valid URL: {error}"))
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::config(format!(
            "the base URL `{text}` is plain HTTP: only HTTPS is allowed, except to a loopback address"
        ))),
        other => Err(Error::config(format!(
            "the base URL `{text}` has the scheme `{other}`: only HTTPS is allowed"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
