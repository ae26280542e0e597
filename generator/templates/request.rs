//! A request as the operations describe it, before the client sends it.

use std::fmt::Display;

use reqwest::Method;
use serde::Serialize;

use crate::error::Error;

/// Method, path, query, headers and body of one call. Path segments and query values are
/// kept unencoded here; the client percent-encodes them when it builds the URL.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Request {
    pub(crate) fn new(method: Method, segments: Vec<String>) -> Self {
        Self {
            method,
            segments,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a query parameter.
    pub(crate) fn query(&mut self, name: &'static str, value: impl Display) {
        self.query.push((name, value.to_string()));
    }

    /// Adds an array query parameter: the name repeated for each value (`explode`), or once
    /// with the values joined by commas.
    #[allow(dead_code)] // Not every API has array parameters.
    pub(crate) fn query_list<T: Display>(&mut self, name: &'static str, values: &[T], explode: bool) {
        if explode {
            for value in values {
                self.query(name, value);
            }
        } else {
            let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
            self.query(name, joined.join(","));
        }
    }

    /// Adds a request header.
    #[allow(dead_code)] // Not every API has header parameters.
    pub(crate) fn header(&mut self, name: &'static str, value: impl Display) {
        self.headers.push((name, value.to_string()));
    }

    /// Sets a JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|source| Error::Encode { source })?;
        self.body = Some(bytes);
        Ok(())
    }
}
