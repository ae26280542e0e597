//! A request as the operations describe it, before the client sends it.

use std::fmt::Display;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// Method, path, query, headers and body of one call. Path segments and query values are
/// kept unencoded here; the client percent-encodes them when it builds the URL.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    /// The body with its media type.
    pub(crate) body: Option<(&'static str, Vec<u8>)>,
    /// The header that carries an idempotency key, when the operation takes one: the client
    /// makes up a key for it when the caller gave none.
    pub(crate) idempotency_header: Option<&'static str>,
    /// Settings for this call that override the client's.
    pub(crate) options: CallOptions,
}

/// Settings of one call that override the client's.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallOptions {
    /// Retries after the first attempt.
    pub(crate) max_retries: Option<u32>,
    /// Time allowed for each attempt.
    pub(crate) timeout: Option<Duration>,
}

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

    /// Names the header that carries the operation's idempotency key.
    pub(crate) fn idempotency_header(&mut self, name: &'static str) {
        self.idempotency_header = Some(name);
    }

    /// Whether a header is set (names compared without regard to case).
    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Sets a JSON body, sent with the given media type (`application/json` or a `+json`
    /// type the spec names).
    pub(crate) fn json<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        media_type: &'static str,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|source| Error::Encode { source })?;
        self.body = Some((media_type, bytes));
        Ok(())
    }
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
