//! Walking a paginated list page by page: [`Pages`] gives each page as the operation's
//! response, [`Items`] the items of every page, one by one.
//!
//! Every page is one call through the client's usual path (pacing, retries, the deadline,
//! errors), so a page refused for the rate limit or failing with a 503 is sent again as any
//! call would be. The walk ends after a page that says there is no more (no cursor, no next
//! link, `has_more` false or absent, no items) or that repeats a cursor already followed;
//! on the first error, the error is the stream's last item.

use std::collections::HashSet;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::request::Request;
use crate::response::ApiResponse;

/// How an operation's pages link up, as its spec declares (`x-pagination`).
#[allow(dead_code)] // An API without a paginated list uses none of this.
#[derive(Debug)]
pub(crate) struct Paging {
    /// The property path of the page's list of items; empty when the page is the list.
    pub(crate) items: &'static [&'static str],
    /// Where the next page's position comes from.
    pub(crate) next: Next,
    /// The property path of a boolean that says whether more pages follow.
    pub(crate) has_more: Option<&'static [&'static str]>,
    /// The query parameter of the backward cursor (`before`), for a position taken from an
    /// item: when the first request sets it, the walk goes backward, each page asked for
    /// with it set to the property of the page's first item.
    pub(crate) backward: Option<&'static str>,
}

/// Where the next page's position comes from.
#[allow(dead_code)] // Not every API uses every way.
#[derive(Debug)]
pub(crate) enum Next {
    /// A property of the last item (its `id`), sent as the query parameter `param`.
    LastItem {
        param: &'static str,
        property: &'static str,
    },
    /// A property of the page (a next-page token), sent as the query parameter `param`.
    Property {
        param: &'static str,
        path: &'static [&'static str],
    },
    /// The `rel="next"` link of the response's `Link` header.
    LinkHeader,
}

type Sending<'a> =
    Pin<Box<dyn Future<Output = Result<(StatusCode, HeaderMap, bytes::Bytes), Error>> + Send + 'a>>;

enum State<'a> {
    /// The next page's request, not sent yet.
    Ready(Request),
    /// A page on its way, with the request that asked for it.
    Sending(Sending<'a>, Request),
    /// Building the first request failed: the error is the only item.
    Failed(Error),
    Done,
}

/// The pages of a paginated list, each as the operation's response: a
/// [`Stream`] of `Result<ApiResponse<P>, Error>`.
///
/// Made by the `.pages()` method of a list operation's request builder. The parameters set
/// on the builder (the page size among them) are sent with every page; only the position
/// changes. After an error the stream ends.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<'a, P> {
    client: &'a crate::Client,
    paging: &'static Paging,
    state: State<'a>,
    /// Positions already asked for, so that a server repeating one cannot loop forever.
    seen: HashSet<String>,
    /// The caller set the backward cursor: the walk goes backward.
    backward: bool,
    page: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for Pages<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("paging", &self.paging)
            .field("pages_followed", &self.seen.len())
            .finish_non_exhaustive()
    }
}

impl<'a, P: DeserializeOwned> Pages<'a, P> {
    #[allow(dead_code)] // An API without a paginated list makes none.
    pub(crate) fn new(
        client: &'a crate::Client,
        first: Result<Request, Error>,
        paging: &'static Paging,
    ) -> Self {
        let backward = match (&first, paging.backward) {
            (Ok(request), Some(param)) => request.query.iter().any(|(name, _)| name == param),
            _ => false,
        };
        let state = match first {
            Ok(request) => State::Ready(request),
            Err(error) => State::Failed(error),
        };
        Self {
            client,
            paging,
            state,
            seen: HashSet::new(),
            backward,
            page: PhantomData,
        }
    }

    /// The next page: `None` once the list is read (or after an error).
    pub async fn next(&mut self) -> Option<Result<ApiResponse<P>, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads a page that arrived: decodes it, and sets up the request for the next one.
    fn arrived(
        &mut self,
        sent: Request,
        status: StatusCode,
        headers: HeaderMap,
        bytes: bytes::Bytes,
    ) -> Result<ApiResponse<P>, Error> {
        let value: Value = crate::client::decode(status, &bytes)?;
        let page: P = crate::client::decode(status, &bytes)?;
        // A next link that may not be followed is an error after this page, not instead
        // of it.
        self.state = match self.next_request(sent, &value, &headers) {
            Ok(Some(request)) => State::Ready(request),
            Ok(None) => State::Done,
            Err(error) => State::Failed(error),
        };
        Ok(ApiResponse::new(status, headers, page))
    }

    /// The request for the page after this one, or `None` when this one is the last.
    fn next_request(
        &mut self,
        mut sent: Request,
        page: &Value,
        headers: &HeaderMap,
    ) -> Result<Option<Request>, Error> {
        let items = at(page, self.paging.items).and_then(Value::as_array);
        if items.is_none_or(|items| items.is_empty()) {
            return Ok(None);
        }
        if let Some(path) = self.paging.has_more {
            if at(page, path).and_then(Value::as_bool) != Some(true) {
                return Ok(None);
            }
        }
        let position = match &self.paging.next {
            Next::LastItem { param, property } => {
                let (param, item) = match self.paging.backward.filter(|_| self.backward) {
                    Some(backward) => (backward, items.and_then(|items| items.first())),
                    None => (*param, items.and_then(|items| items.last())),
                };
                item.and_then(|item| item.get(*property))
                    .and_then(text)
                    .map(|cursor| (param, cursor))
            }
            Next::Property { param, path } => {
                at(page, path).and_then(text).map(|token| (*param, token))
            }
            Next::LinkHeader => {
                let Some(link) = next_link(headers) else {
                    return Ok(None);
                };
                if !self.seen.insert(link.clone()) {
                    tracing::warn!(
                        link,
                        "the server sent a next link already followed; the list ends here"
                    );
                    return Ok(None);
                }
                self.follow_link(&mut sent, &link)?;
                return Ok(Some(sent));
            }
        };
        let Some((param, cursor)) = position else {
            return Ok(None);
        };
        if !self.seen.insert(cursor.clone()) {
            tracing::warn!(
                param,
                cursor,
                "the server sent a position already followed; the list ends here"
            );
            return Ok(None);
        }
        sent.query.retain(|(name, _)| name != param);
        sent.query.push((param.to_string(), cursor));
        Ok(Some(sent))
    }

    /// Points `request` at a next link, which must lie under the client's base URL: the
    /// credentials go nowhere else.
    fn follow_link(&self, request: &mut Request, link: &str) -> Result<(), Error> {
        let base = self.client.base_url();
        let url = base.join(link).map_err(|error| {
            Error::config(format!("the next-page link `{link}` is not a URL: {error}"))
        })?;
        let prefix = base.path().trim_end_matches('/');
        let under_base = url.scheme() == base.scheme()
            && url.host() == base.host()
            && url.port_or_known_default() == base.port_or_known_default()
            && url
                .path()
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if !under_base {
            return Err(Error::config(format!(
                "the next-page link `{url}` leads away from the base URL `{base}`; it is not followed"
            )));
        }
        request.segments = segments_after(&url, prefix);
        request.query = url
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Ok(())
    }
}

impl<P: DeserializeOwned> Stream for Pages<'_, P> {
    type Item = Result<ApiResponse<P>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Failed(error) => return Poll::Ready(Some(Err(error))),
                State::Ready(request) => {
                    let copy = request.clone();
                    this.state = State::Sending(Box::pin(this.client.send(request)), copy);
                }
                State::Sending(mut sending, sent) => match sending.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Sending(sending, sent);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok((status, headers, bytes))) => {
                        let page = this.arrived(sent, status, headers, bytes);
                        if page.is_err() {
                            this.state = State::Done;
                        }
                        return Poll::Ready(Some(page));
                    }
                },
            }
        }
    }
}

/// The items of every page of a paginated list, in order: a
/// [`Stream`] of `Result<I, Error>`.
///
/// Made by the `.items()` method of a list operation's request builder. Pages are asked for
/// as the items are read. After an error the stream ends.
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<'a, P, I> {
    pages: Pages<'a, P>,
    items_of: fn(P) -> Vec<I>,
    current: std::vec::IntoIter<I>,
}

impl<P, I> std::fmt::Debug for Items<'_, P, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish_non_exhaustive()
    }
}

impl<'a, P: DeserializeOwned, I> Items<'a, P, I> {
    #[allow(dead_code)] // An API without a paginated list makes none.
    pub(crate) fn new(pages: Pages<'a, P>, items_of: fn(P) -> Vec<I>) -> Self {
        Self {
            pages,
            items_of,
            current: Vec::new().into_iter(),
        }
    }

    /// The next item: `None` once the list is read (or after an error).
    pub async fn next(&mut self) -> Option<Result<I, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads every remaining item; the first error ends the reading and is returned.
    pub async fn collect_all(mut self) -> Result<Vec<I>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

// The buffered items are never pinned: they are handed out by value.
impl<P, I> Unpin for Items<'_, P, I> {}

impl<P: DeserializeOwned, I> Stream for Items<'_, P, I> {
    type Item = Result<I, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => {
                    this.current = (this.items_of)(page.into_body()).into_iter();
                }
            }
        }
    }
}

/// The value at a property path (`[]`: the value itself).
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, name| value.get(*name))
}

/// A position as query text: a string as it is, a number written out; nothing else (an
/// empty string or `null` means there is no next page).
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The target of the `rel="next"` link of the `Link` headers (RFC 8288), if any.
fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|link| {
            let (target, params) = link.trim().strip_prefix('<')?.split_once('>')?;
            let is_next = params.split(';').any(|param| {
                let Some((name, value)) = param.trim().split_once('=') else {
                    return false;
                };
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            is_next.then(|| target.to_string())
        })
}

/// The path segments of `url` after the base URL's path `prefix`, decoded (the client
/// encodes them again when it sends).
fn segments_after(url: &Url, prefix: &str) -> Vec<String> {
    let rest = url.path().get(prefix.len()..).unwrap_or_default();
    rest.split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            url::form_urlencoded::parse(format!("s={}", segment.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::LINK,
            "<https://api.example.com/items?page=1>; rel=\"prev\", <https://api.example.com/items?page=3>; rel=\"next\""
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.example.com/items?page=3")
        );
        headers.insert(
            reqwest::header::LINK,
            "<https://a.example/x>; rel=\"last\"".parse().unwrap(),
        );
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn a_property_path_is_followed() {
        let page = serde_json::json!({"meta": {"next": "abc"}, "data": []});
        assert_eq!(
            at(&page, &["meta", "next"]).and_then(text).as_deref(),
            Some("abc")
        );
        assert_eq!(at(&page, &[]), Some(&page));
        assert_eq!(text(&serde_json::json!("")), None);
        assert_eq!(text(&serde_json::json!(12)).as_deref(), Some("12"));
    }
}
