//! A request as the operations describe it, before the client sends it.

use std::fmt::Display;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// Method, path, query, headers and body of one call. Path segments and query values are
/// kept unencoded here; the client percent-encodes them when it builds the URL.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    /// The body with its media type.
    pub(crate) body: Option<(String, Vec<u8>)>,
    /// The media types the operation's success responses come in (`Accept`).
    pub(crate) accept: &'static str,
    /// The header that carries an idempotency key, when the operation takes one: the client
    /// makes up a key for it when the caller gave none.
    pub(crate) idempotency_header: Option<&'static str>,
    /// Settings for this call that override the client's.
    pub(crate) options: CallOptions,
}

/// Settings of one call that override the client's, and the query pairs and headers the
/// caller adds to an operation beyond what the spec describes.
#[derive(Clone, Default)]
pub(crate) struct CallOptions {
    /// Retries after the first attempt.
    pub(crate) max_retries: Option<u32>,
    /// Time allowed for each attempt.
    pub(crate) timeout: Option<Duration>,
    /// How long the call may go on trying from its first attempt.
    pub(crate) deadline: Option<Duration>,
    /// Query pairs added by the caller, sent after the operation's own.
    pub(crate) query: Vec<(String, String)>,
    /// Headers added by the caller (see [`Request::add_extras`]).
    pub(crate) headers: Vec<(String, String)>,
}

impl std::fmt::Debug for CallOptions {
    /// The added headers by name only: their values may be secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("query", &self.query)
            .field("headers", &header_names)
            .finish()
    }
}

/// The methods every request builder has, for one call: written once here and given to
/// each builder (a struct with `options: CallOptions`) by `call_options!(Builder);` beside
/// its own methods. They are `#[inline]`, as the builders' own methods are: their code is
/// compiled where they are called, not for every operation of the crate.
#[allow(unused_macros)]
macro_rules! call_options {
    ($builder:ident) => {
        impl<'a> $builder<'a> {
            /// Retries after the first attempt, for this call only (the client's setting
            /// otherwise).
            #[inline]
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.options.max_retries = Some(retries);
                self
            }

            /// Time allowed for each attempt, for this call only (the client's setting
            /// otherwise).
            #[inline]
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// How long this call may go on trying from its first attempt, waits for the
            /// rate limit included, for this call only (the client's setting otherwise).
            #[inline]
            pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
                self.options.deadline = Some(deadline);
                self
            }

            /// Adds a query pair the spec does not describe, sent after the operation's
            /// own.
            #[inline]
            pub fn query(mut self, name: &str, value: impl std::fmt::Display) -> Self {
                self.options
                    .query
                    .push((name.to_string(), value.to_string()));
                self
            }

            /// Adds a header the spec does not describe. A header parameter of the same
            /// name set through its method wins, and the credentials cannot be replaced
            /// this way; `Accept`, `Content-Type`, `Content-Length`, `Host` and
            /// `Transfer-Encoding` are the client's, and adding one makes the call fail
            /// with `Error::Config`.
            #[inline]
            pub fn header(mut self, name: &str, value: impl std::fmt::Display) -> Self {
                self.options
                    .headers
                    .push((name.to_string(), value.to_string()));
                self
            }
        }
    };
}
// A spec may have no operation.
#[allow(unused_imports)]
pub(crate) use call_options;

/// Headers the client sets from the spec or the HTTP library sets itself, which a caller's
/// added headers may not replace: the response is decoded according to `Accept` and the
/// body is sent with its own `Content-Type` and length.
const OWN_HEADERS: &[&str] = &[
    "accept",
    "content-length",
    "content-type",
    "host",
    "transfer-encoding",
];

// Not every API uses every kind of parameter or body, so some of these go unused in a crate.
#[allow(dead_code)]
impl Request {
    pub(crate) fn new(method: Method, segments: Vec<String>) -> Self {
        Self {
            method,
            segments,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            idempotency_header: None,
            options: CallOptions::default(),
            accept: "application/json",
        }
    }

    /// Adds a query parameter.
    pub(crate) fn query(&mut self, name: &str, value: impl Display) {
        self.query.push((name.to_string(), value.to_string()));
    }

    /// Adds an array query parameter: the name repeated for each value (`explode`), or once
    /// with the values joined by commas.
    pub(crate) fn query_list<T: Display>(&mut self, name: &str, values: &[T], explode: bool) {
        if explode {
            for value in values {
                self.query(name, value);
            }
        } else {
            let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
            self.query(name, joined.join(","));
        }
    }

    /// Adds an object query parameter: one pair per property (`form` style, exploded), or
    /// `name[property]=value` pairs (`deepObject` style).
    pub(crate) fn query_object<T: Serialize>(
        &mut self,
        name: &str,
        value: &T,
        deep: bool,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(|source| Error::Encode { source })?;
        let Value::Object(properties) = value else {
            self.query(name, plain_text(&value));
            return Ok(());
        };
        for (property, value) in properties {
            if value.is_null() {
                continue;
            }
            let key = if deep {
                format!("{name}[{property}]")
            } else {
                property
            };
            self.query(&key, plain_text(&value));
        }
        Ok(())
    }

    /// Adds a request header.
    pub(crate) fn header(&mut self, name: &str, value: impl Display) {
        self.headers.push((name.to_string(), value.to_string()));
    }

    /// Moves the caller's added query pairs and headers into the request. Query pairs go
    /// after the operation's own; headers go before them, so that a header parameter set
    /// through its method wins over an added header of the same name (and the credentials,
    /// added by the client last, win over both). An added header the client sets itself
    /// (`Accept`, `Content-Type`, ...) is refused rather than sent twice or ignored.
    pub(crate) fn add_extras(&mut self) -> Result<(), Error> {
        let headers = std::mem::take(&mut self.options.headers);
        if let Some((name, _)) = headers
            .iter()
            .find(|(name, _)| OWN_HEADERS.iter().any(|own| name.eq_ignore_ascii_case(own)))
        {
            return Err(Error::config(format!(
                "the header `{name}` is set by the client and cannot be added to a call"
            )));
        }
        self.headers.splice(0..0, headers);
        self.query.append(&mut self.options.query);
        Ok(())
    }

    /// Names the header that carries the operation's idempotency key.
    pub(crate) fn idempotency_header(&mut self, name: &'static str) {
        self.idempotency_header = Some(name);
    }

    /// Whether a header is set (names compared without regard to case).
    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Sets a JSON body, sent with the given media type (`application/json` or a `+json`
    /// type the spec names).
    pub(crate) fn json<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        media_type: &'static str,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|source| Error::Encode { source })?;
        self.body = Some((media_type.to_string(), bytes));
        Ok(())
    }

    /// Sets the `Accept` header (the default is `application/json`).
    pub(crate) fn accept(&mut self, media_types: &'static str) {
        self.accept = media_types;
    }

    /// Adds an array query parameter once, its values joined by `delimiter` (the
    /// `spaceDelimited` and `pipeDelimited` styles).
    pub(crate) fn query_joined<T: Display>(&mut self, name: &str, values: &[T], delimiter: &str) {
        let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
        self.query(name, joined.join(delimiter));
    }

    /// Sets an `application/x-www-form-urlencoded` body: one `name=value` pair per property
    /// of the value (a list gives one pair per item; `null` is left out; an object inside
    /// is written as JSON text).
    pub(crate) fn form<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let value = serde_json::to_value(body).map_err(|source| Error::Encode { source })?;
        let properties = match value {
            Value::Object(properties) => properties,
            Value::Null => serde_json::Map::new(),
            _ => {
                let source = <serde_json::Error as serde::ser::Error>::custom(
                    "a form body must be an object",
                );
                return Err(Error::Encode { source });
            }
        };
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in properties {
            let items = match value {
                Value::Array(items) => items,
                other => vec![other],
            };
            for item in items.iter().filter(|item| !item.is_null()) {
                pairs.append_pair(&name, &part_text(item));
            }
        }
        self.body = Some((
            "application/x-www-form-urlencoded".to_string(),
            pairs.finish().into_bytes(),
        ));
        Ok(())
    }

    /// Sets a `multipart/form-data` body.
    pub(crate) fn multipart(&mut self, form: Multipart) {
        self.body = Some(form.finish());
    }

    /// Sets a body of raw bytes, sent with the given media type.
    pub(crate) fn bytes(&mut self, body: bytes::Bytes, media_type: &'static str) {
        self.body = Some((media_type.to_string(), Vec::from(body)));
    }

    /// Sets a text body, sent with the given media type.
    pub(crate) fn text(&mut self, body: String, media_type: &'static str) {
        self.body = Some((media_type.to_string(), body.into_bytes()));
    }
}

/// A file to send in a `multipart/form-data` body (a property with `format: binary`): the
/// bytes, and the file name and media type its part is labelled with.
///
/// Without a file name the part is labelled with the property's name; without a media type,
/// `application/octet-stream`. Where such a property sits in a JSON body instead, the bytes
/// travel as a string (read as UTF-8, invalid sequences replaced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    bytes: bytes::Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl File {
    /// A file with these contents.
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name the part carries (`filename=` in its `Content-Disposition`).
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the media type the part carries (`Content-Type`).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The contents.
    pub fn bytes(&self) -> &bytes::Bytes {
        &self.bytes
    }

    /// The file name, if one was set.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, if one was set.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<bytes::Bytes> for File {
    fn from(bytes: bytes::Bytes) -> Self {
        Self::new(bytes)
    }
}

impl Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::new(text.into_bytes()))
    }
}

/// A `multipart/form-data` body being put together, one part per call.
#[derive(Debug, Default)]
pub(crate) struct Multipart {
    /// Each part's header lines and contents.
    parts: Vec<(String, Vec<u8>)>,
}

// Not every API sends every kind of part.
#[allow(dead_code)]
impl Multipart {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds a part for a value: text for strings, numbers and booleans, JSON
    /// (`application/json`) for objects, one part per item for a list; `null` adds nothing.
    pub(crate) fn value<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(|source| Error::Encode { source })?;
        let items = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let headers = match item {
                Value::Null => continue,
                Value::Object(_) | Value::Array(_) => format!(
                    "Content-Disposition: form-data; name=\"{}\"\r\nContent-Type: application/json",
                    escape_quoted(name)
                ),
                _ => format!(
                    "Content-Disposition: form-data; name=\"{}\"",
                    escape_quoted(name)
                ),
            };
            self.parts.push((headers, part_text(&item).into_bytes()));
        }
        Ok(())
    }

    /// Adds a file part.
    pub(crate) fn file(&mut self, name: &str, file: &File) {
        let headers = format!(
            "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}",
            escape_quoted(name),
            escape_quoted(file.file_name().unwrap_or(name)),
            file.content_type()
                .filter(|media| media.bytes().all(|b| (0x20..0x7f).contains(&b)))
                .unwrap_or("application/octet-stream"),
        );
        self.parts.push((headers, file.bytes().to_vec()));
    }

    /// Adds one part per property of an object (for a body whose schema is not a struct).
    pub(crate) fn object<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(|source| Error::Encode { source })?;
        if let Value::Object(properties) = value {
            for (name, value) in &properties {
                self.value(name, value)?;
            }
        }
        Ok(())
    }

    /// The media type (with the boundary) and the encoded body. The boundary is the first of
    /// a numbered series that occurs in no part, so that no part can end the body early.
    fn finish(self) -> (String, Vec<u8>) {
        let mut counter = 0u32;
        let boundary = loop {
            let candidate = format!("----form-data-boundary-{counter:08x}");
            let clashes = self.parts.iter().any(|(headers, body)| {
                contains(headers.as_bytes(), candidate.as_bytes())
                    || contains(body, candidate.as_bytes())
            });
            if !clashes {
                break candidate;
            }
            counter = counter.wrapping_add(1);
        };
        let mut body = Vec::new();
        for (headers, contents) in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
            body.extend_from_slice(contents);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// A name for a quoted header parameter: quotes and line breaks percent-encoded, as browsers
/// do in form submissions.
fn escape_quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A JSON value as the text of a form field or part: strings as they are, objects and lists
/// as JSON.
fn part_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Values joined into one text (an array in a path segment).
#[allow(dead_code)] // Not every API has an array in a path.
pub(crate) fn joined<T: Display>(values: &[T], delimiter: &str) -> String {
    let texts: Vec<String> = values.iter().map(ToString::to_string).collect();
    texts.join(delimiter)
}

/// A JSON value as a parameter value: strings without quotes, arrays joined by commas.
fn plain_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(plain_text).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
