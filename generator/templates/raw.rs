//! Requests to endpoints the spec does not describe (yet), with the same credentials,
//! pacing, retries and errors as the typed operations.

use std::fmt::Display;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::request::Request;
use crate::response::ApiResponse;

/// The header an idempotency key travels in when [`RawRequest::idempotency_key`] is used.
const IDEMPOTENCY_HEADER: &str = "idempotency-key";

impl crate::Client {
    /// A request to any path of the API, for endpoints the typed operations do not cover.
    ///
    /// `path` is relative to the base URL, written plainly (`/emails/abc`): each segment is
    /// percent-encoded when sent, so pass ids as they are. Add query parameters with
    /// [`RawRequest::query`], not in the path. The response body is returned as JSON (or
    /// decoded into a type of yours with [`RawRequest::send_as`]).
    ///
    /// A `POST` or `PATCH` is retried only when nothing can be done twice: give it an
    /// idempotency key if the endpoint takes one.
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        let mut problem = None;
        if path.contains(['?', '#']) {
            problem = Some(Error::config(format!(
                "the path `{path}` contains `?` or `#`: pass query parameters with `.query()`"
            )));
        }
        let trimmed = path.trim_matches('/');
        let segments = if trimmed.is_empty() {
            Vec::new()
        } else {
            trimmed.split('/').map(str::to_string).collect()
        };
        RawRequest {
            client: self,
            request: Request::new(method, segments),
            problem,
        }
    }
}

/// A request built by hand with [`Client::request`](crate::Client::request). Send it with
/// `.await` (JSON body) or [`RawRequest::send_as`] (a type of yours).
#[derive(Debug)]
#[must_use = "a request does nothing until it is awaited"]
pub struct RawRequest<'a> {
    client: &'a crate::Client,
    request: Request,
    /// The first thing found wrong while building, reported when sending.
    problem: Option<Error>,
}

impl<'a> RawRequest<'a> {
    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: impl Display) -> Self {
        self.request.query(name, value);
        self
    }

    /// Adds a header. The credentials cannot be overridden this way.
    pub fn header(mut self, name: &str, value: impl Display) -> Self {
        self.request.header(name, value);
        self
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        if let Err(error) = self.request.json(body, "application/json") {
            self.problem.get_or_insert(error);
        }
        self
    }

    /// Sends an `Idempotency-Key` header with this key; the request may then be retried
    /// whatever its method. With `None`, the client makes up a key, kept across retries.
    pub fn idempotency_key(mut self, key: Option<&str>) -> Self {
        self.request.idempotency_header(IDEMPOTENCY_HEADER);
        if let Some(key) = key {
            self.request.header(IDEMPOTENCY_HEADER, key);
        }
        self
    }

    /// Retries after the first attempt, for this call only.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.request.options.max_retries = Some(retries);
        self
    }

    /// Time allowed for each attempt, for this call only.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request.options.timeout = Some(timeout);
        self
    }

    /// How long this call may go on trying from its first attempt (see
    /// [`ClientBuilder::deadline`](crate::ClientBuilder::deadline)), for this call only.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.request.options.deadline = Some(deadline);
        self
    }

    /// Sends the request and decodes the response body as JSON (`null` when it is empty).
    pub async fn send(self) -> Result<ApiResponse<serde_json::Value>, Error> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let (status, headers, bytes) = self.client.send(self.request).await?;
        let body = if bytes.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Null
        } else {
            crate::client::decode(status, &bytes)?
        };
        Ok(ApiResponse::new(status, headers, body))
    }

    /// Sends the request and decodes the response body into `T`.
    pub async fn send_as<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        self.client.execute(self.request).await
    }
}

impl<'a> std::future::IntoFuture for RawRequest<'a> {
    type Output = Result<ApiResponse<serde_json::Value>, Error>;
    type IntoFuture =
        std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
