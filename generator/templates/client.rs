//! The client: configuration, and the one place where requests are sent.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error};
use crate::request::Request;
use crate::response::ApiResponse;
use crate::spec;

/// The user agent sent unless the builder sets another: `<crate>/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// How long connecting may take, unless the builder says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one request may take from start to end of the body, unless the builder says
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
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &self.inner.api_key)
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

    /// Sends a request and decodes a JSON body from a successful response.
    #[allow(dead_code)] // Not every API has an operation that returns a body.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<ApiResponse<T>, Error> {
        let (status, headers, bytes) = self.send(request).await?;
        let body = decode(status, &bytes)?;
        Ok(ApiResponse::new(status, headers, body))
    }

    /// Sends a request whose successful response may come with a JSON body or without one
    /// (an operation with both a 200 and a 204, say).
    #[allow(dead_code)] // Not every API has such an operation.
    pub(crate) async fn execute_optional<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<ApiResponse<Option<T>>, Error> {
        let (status, headers, bytes) = self.send(request).await?;
        let body = if bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(decode(status, &bytes)?)
        };
        Ok(ApiResponse::new(status, headers, body))
    }

    /// Sends a request whose successful response has no body to decode.
    #[allow(dead_code)] // Not every API has such an operation.
    pub(crate) async fn execute_empty(&self, request: Request) -> Result<ApiResponse<()>, Error> {
        let (status, headers, _) = self.send(request).await?;
        Ok(ApiResponse::new(status, headers, ()))
    }

    /// Sends a request whose successful response is text. Bytes that are not UTF-8 are
    /// replaced with U+FFFD.
    #[allow(dead_code)] // Not every API has such an operation.
    pub(crate) async fn execute_text(&self, request: Request) -> Result<ApiResponse<String>, Error> {
        let (status, headers, bytes) = self.send(request).await?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(ApiResponse::new(status, headers, text))
    }

    /// Sends a request whose successful response is raw bytes (a file, an image...).
    #[allow(dead_code)] // Not every API has such an operation.
    pub(crate) async fn execute_bytes(
        &self,
        request: Request,
    ) -> Result<ApiResponse<bytes::Bytes>, Error> {
        let (status, headers, bytes) = self.send(request).await?;
        Ok(ApiResponse::new(status, headers, bytes))
    }

    /// Sends a request whose successful responses have different bodies per status;
    /// `decode` picks and decodes the body by the status.
    #[allow(dead_code)] // Not every API has such an operation.
    pub(crate) async fn execute_with<T>(
        &self,
        request: Request,
        decode: fn(StatusCode, bytes::Bytes) -> Result<T, serde_json::Error>,
    ) -> Result<ApiResponse<T>, Error> {
        let (status, headers, bytes) = self.send(request).await?;
        let body = decode(status, bytes.clone()).map_err(|source| Error::Decode {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            source,
        })?;
        Ok(ApiResponse::new(status, headers, body))
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

    async fn send(&self, request: Request) -> Result<(StatusCode, HeaderMap, bytes::Bytes), Error> {
        let url = self.url(&request)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(request.accept));
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::config(format!("the value given for header `{name}` cannot be sent in a header"))
            })?;
            headers.insert(name, value);
        }
        spec::authorize(&mut headers, self.inner.api_key.as_ref())?;
        let mut builder = self.inner.http.request(request.method, url).headers(headers);
        if let Some((media_type, body)) = request.body {
            builder = builder.header(CONTENT_TYPE, media_type).body(body);
        }
        let response = builder.send().await.map_err(Error::transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(Error::transport)?;
        if !status.is_success() {
            return Err(Error::Api(Box::new(ApiError::from_response(status, headers, &bytes))));
        }
        Ok((status, headers, bytes))
    }
}

/// Decodes a successful response's JSON body; a body that does not match is an error that
/// keeps the status and the text.
fn decode<T: DeserializeOwned>(status: StatusCode, bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|source| Error::Decode {
        status,
        body: String::from_utf8_lossy(bytes).into_owned(),
        source,
    })
}

/// Settings for a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    api_key: Option<Credential>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The API key to authenticate with.
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

    /// How long one request may take, body included (default 30 s).
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
    /// redirects: a redirect is reported as an error by this crate.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and makes the client. Nothing is sent.
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
                _ => spec::DEFAULT_BASE_URL
                    .map(str::to_string)
                    .ok_or_else(|| Error::config("no base URL was given and the spec names none"))?,
            },
        };
        let base_url = check_base_url(&base_url)?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .redirect(reqwest::redirect::Policy::none())
                .default_headers({
                    let agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
                    let mut headers = HeaderMap::new();
                    let value = HeaderValue::from_str(agent)
                        .map_err(|_| Error::config("the user agent cannot be sent in a header"))?;
                    headers.insert(USER_AGENT, value);
                    headers
                })
                .build()
                .map_err(|source| Error::config(format!("could not set up HTTP: {source}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                api_key,
            }),
        })
    }
}

/// Parses a base URL and refuses anything but HTTPS, save plain HTTP to a loopback address.
fn check_base_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim())
        .map_err(|error| Error::config(format!("the base URL `{text}` is not a valid URL: {error}")))?;
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
