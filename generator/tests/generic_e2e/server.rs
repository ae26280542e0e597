//! A local server for the tests that `generator/tests/generic_e2e.rs` puts into the generated
//! crates (as their `tests/server/mod.rs`): a wiremock server on 127.0.0.1 that answers from
//! a script and records each request with the moment it arrived.

// Each test file uses its own subset.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The server, and what arrived at it.
pub struct Server {
    mock: MockServer,
    arrivals: Arc<Mutex<Vec<(Instant, Request)>>>,
}

/// Answers the n-th request with the n-th response of the script (the last one again once
/// the script is used up), and records the request.
struct Scripted {
    script: Vec<ResponseTemplate>,
    arrivals: Arc<Mutex<Vec<(Instant, Request)>>>,
}

impl Respond for Scripted {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let arrived = Instant::now();
        let mut arrivals = self.arrivals.lock().unwrap();
        let index = arrivals.len().min(self.script.len() - 1);
        arrivals.push((arrived, request.clone()));
        self.script[index].clone()
    }
}

impl Server {
    /// A server that answers every request with `response`.
    pub async fn answering(response: ResponseTemplate) -> Self {
        Self::scripted(vec![response]).await
    }

    /// A server that answers the requests in turn with `script` (the last answer repeats).
    pub async fn scripted(script: Vec<ResponseTemplate>) -> Self {
        assert!(!script.is_empty(), "a script needs at least one answer");
        let mock = MockServer::start().await;
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        Mock::given(any())
            .respond_with(Scripted {
                script,
                arrivals: Arc::clone(&arrivals),
            })
            .mount(&mock)
            .await;
        Self { mock, arrivals }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.mock.uri()
    }

    /// The requests that arrived, in order.
    pub fn requests(&self) -> Vec<Request> {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals
            .iter()
            .map(|(_, request)| request.clone())
            .collect()
    }

    /// The one request that arrived.
    pub fn only_request(&self) -> Request {
        let mut requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request: {requests:#?}");
        requests.remove(0)
    }

    /// When each request arrived, in order.
    pub fn arrival_times(&self) -> Vec<Instant> {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals.iter().map(|(at, _)| *at).collect()
    }

    /// The time between the first and the last request's arrival.
    pub fn arrival_spread(&self) -> Duration {
        let times = self.arrival_times();
        match (times.iter().min(), times.iter().max()) {
            (Some(first), Some(last)) => last.duration_since(*first),
            _ => Duration::ZERO,
        }
    }
}

/// The one value of header `name`, as text.
pub fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    let mut values = request.headers.get_all(name).iter();
    let value = values
        .next()
        .unwrap_or_else(|| panic!("no `{name}` header in {request:#?}"));
    assert!(
        values.next().is_none(),
        "`{name}` is sent more than once: {request:#?}"
    );
    value.to_str().unwrap()
}

/// The names of the headers of a request, in lower case.
pub fn header_names(request: &Request) -> Vec<String> {
    request
        .headers
        .keys()
        .map(|name| name.as_str().to_ascii_lowercase())
        .collect()
}
