//! Tests that `generator/tests/generic_e2e.rs` puts into the crate generated from
//! `tests/fixtures/pagination.yaml` (as its `tests/pagination.rs`) and runs there: lists
//! paginated by a next-page token (declared, and Dropshot's mark) and by the `Link` header,
//! each read whole through `.items()` against a local server, with a 429 and a 503 in the
//! middle.

use std::sync::{Arc, Mutex};

use fixture_pagination::{Client, Error};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers each request with `answer(n, request)` (n counts from 0) and records it.
struct Script<F> {
    answer: F,
    seen: Arc<Mutex<Vec<Request>>>,
}

impl<F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static> Respond for Script<F> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut seen = self.seen.lock().unwrap();
        let n = seen.len();
        seen.push(request.clone());
        (self.answer)(n, request)
    }
}

async fn server(
    answer: impl Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Arc<Mutex<Vec<Request>>>) {
    let mock = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(any())
        .respond_with(Script {
            answer,
            seen: Arc::clone(&seen),
        })
        .mount(&mock)
        .await;
    (mock, seen)
}

fn param(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

fn count(request: &Request, name: &str) -> usize {
    request.url.query_pairs().filter(|(n, _)| n == name).count()
}

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/v1", mock.uri()))
        .build()
        .unwrap()
}

/// A refusal for the rate limit, then a failure: both are worth sending again.
fn fault(n: usize) -> Option<ResponseTemplate> {
    match n {
        1 => Some(ResponseTemplate::new(429).insert_header("retry-after", "1")),
        3 => Some(ResponseTemplate::new(503)),
        _ => None,
    }
}

/// Items `start..end` of `total` with ids `w0`, `w1`...
fn slice(total: usize, start: usize, size: usize) -> (Vec<Value>, usize) {
    let end = (start + size).min(total);
    (
        (start..end)
            .map(|i| json!({"id": format!("w{i}")}))
            .collect(),
        end,
    )
}

#[tokio::test]
async fn a_next_token_list_is_read_whole_through_a_429_and_a_503() {
    let (mock, seen) = server(|n, request| {
        if let Some(fault) = fault(n) {
            return fault;
        }
        let size: usize = param(request, "limit").unwrap().parse().unwrap();
        let start = param(request, "page_token").map_or(0, |t| t[1..].parse().unwrap());
        let (items, end) = slice(8, start, size);
        let next = (end < 8).then(|| format!("t{end}"));
        ResponseTemplate::new(200).set_body_json(json!({"items": items, "next_page": next}))
    })
    .await;
    let client = client(&mock);

    let mut items = client.widgets().list().limit(3).colour("red").items();
    let mut ids = Vec::new();
    while let Some(item) = items.next().await {
        ids.push(item.unwrap().id);
    }

    let expected: Vec<String> = (0..8).map(|i| format!("w{i}")).collect();
    assert_eq!(ids, expected, "every item once, in order");
    let requests = seen.lock().unwrap().clone();
    let tokens: Vec<Option<String>> = requests.iter().map(|r| param(r, "page_token")).collect();
    assert_eq!(
        tokens,
        [
            None,
            Some("t3".into()),
            Some("t3".into()),
            Some("t6".into()),
            Some("t6".into())
        ]
    );
    for request in &requests {
        assert_eq!(request.url.path(), "/v1/widgets");
        assert_eq!(
            param(request, "limit").as_deref(),
            Some("3"),
            "{}",
            request.url
        );
        assert_eq!(count(request, "limit"), 1, "{}", request.url);
        assert_eq!(
            count(request, "page_token"),
            usize::from(param(request, "page_token").is_some())
        );
        assert_eq!(
            param(request, "colour").as_deref(),
            Some("red"),
            "{}",
            request.url
        );
    }
}

#[tokio::test]
async fn a_dropshot_list_is_read_through_its_pages() {
    let (mock, seen) = server(|_, request| {
        let start = param(request, "page_token").map_or(0, |t| t.parse().unwrap());
        let end = (start + 2).min(5);
        let items: Vec<Value> = (start..end)
            .map(|i| json!({"id": format!("p{i}"), "name": format!("project {i}")}))
            .collect();
        let next = (end < 5).then(|| end.to_string());
        ResponseTemplate::new(200).set_body_json(json!({"items": items, "next_page": next}))
    })
    .await;
    let client = client(&mock);

    let mut pages = client.projects().list().limit(2).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().items.len());
    }
    assert_eq!(sizes, [2, 2, 1]);
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 3, "no request after `next_page: null`");
    assert!(requests
        .iter()
        .all(|r| param(r, "limit").as_deref() == Some("2")));
}

#[tokio::test]
async fn a_link_header_list_is_read_whole_through_a_429_and_a_503() {
    let (mock, seen) = server(|n, request| {
        if let Some(fault) = fault(n) {
            return fault;
        }
        let size: usize = param(request, "per_page").unwrap().parse().unwrap();
        let page: usize = param(request, "page").map_or(1, |p| p.parse().unwrap());
        let (items, end) = slice(7, (page - 1) * size, size);
        let items: Vec<Value> = items
            .iter()
            .map(|item| json!({"id": item["id"].as_str().unwrap()[1..].parse::<i64>().unwrap()}))
            .collect();
        let mut answer = ResponseTemplate::new(200).set_body_json(items);
        if end < 7 {
            let host = request.headers.get("host").unwrap().to_str().unwrap();
            let base = format!("http://{host}");
            answer = answer.insert_header(
                "link",
                format!(
                    "<{base}/v1/repos?per_page={size}&page={}>; rel=\"next\", <{base}/v1/repos?per_page={size}&page=1>; rel=\"first\"",
                    page + 1
                )
                .as_str(),
            );
        }
        answer
    })
    .await;
    let client = client(&mock);

    let ids: Vec<i64> = client
        .repos()
        .list()
        .per_page(3)
        .items()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|repo| repo.id)
        .collect();

    assert_eq!(
        ids,
        (0..7).collect::<Vec<i64>>(),
        "every item once, in order"
    );
    let requests = seen.lock().unwrap().clone();
    let pages: Vec<Option<String>> = requests.iter().map(|r| param(r, "page")).collect();
    assert_eq!(
        pages,
        [
            None,
            Some("2".into()),
            Some("2".into()),
            Some("3".into()),
            Some("3".into())
        ]
    );
    for request in &requests {
        assert_eq!(request.url.path(), "/v1/repos");
        assert_eq!(
            param(request, "per_page").as_deref(),
            Some("3"),
            "{}",
            request.url
        );
    }
}

#[tokio::test]
async fn a_link_to_another_host_is_not_followed() {
    // Another host on the same port and path: only the host tells it apart.
    let (mock, seen) = server(|_, request| {
        let host = request.headers.get("host").unwrap().to_str().unwrap();
        let port = host.rsplit(':').next().unwrap();
        ResponseTemplate::new(200)
            .set_body_json(json!([{"id": 1}, {"id": 2}]))
            .insert_header(
                "link",
                format!("<http://elsewhere.example:{port}/v1/repos?page=2>; rel=\"next\"").as_str(),
            )
    })
    .await;
    let client = client(&mock);

    let mut items = client.repos().list().items();
    assert_eq!(items.next().await.unwrap().unwrap().id, 1);
    assert_eq!(items.next().await.unwrap().unwrap().id, 2);
    match items.next().await {
        Some(Err(Error::Config { message })) => {
            assert!(message.contains("elsewhere.example"), "{message}");
        }
        other => panic!("expected a refusal to follow the link, got {other:?}"),
    }
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}
