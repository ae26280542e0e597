//! Paginated lists of the Resend client read whole against a loopback server (`support`):
//! `after` = the id of the last item, until `has_more` is false, with the page size sent on
//! every page; faults in the middle are survived without a lost or repeated item, and the
//! first error that is not retried ends the stream.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use resend_client::{Client, Error};
use serde_json::{Value, json};
use support::{Received, Reply, Server};

/// The ids of a list of `count` sent emails, newest first.
fn ids(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("e_{i:03}")).collect()
}

fn email(id: &str) -> Value {
    json!({
        "object": "email",
        "id": id,
        "from": "a@example.com",
        "to": ["b@example.com"],
        "subject": format!("mail {id}"),
        "created_at": "2024-04-03 22:13:42.674981+00"
    })
}

/// The query parameters of a request, decoded.
fn query(request: &Received) -> Vec<(String, String)> {
    let url =
        resend_client::reqwest::Url::parse(&format!("http://host{}", request.target)).unwrap();
    url.query_pairs()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}

fn param(request: &Received, name: &str) -> Option<String> {
    query(request)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// The page Resend would give for this request over `all`: `limit` items (20 without it)
/// after the item named by `after`.
fn page(all: &[String], request: &Received) -> Reply {
    let limit: usize = param(request, "limit").map_or(20, |l| l.parse().unwrap());
    let start = match param(request, "after") {
        Some(after) => all.iter().position(|id| *id == after).unwrap() + 1,
        None => 0,
    };
    let end = (start + limit).min(all.len());
    let data: Vec<Value> = all[start..end].iter().map(|id| email(id)).collect();
    Reply::json(
        200,
        json!({"object": "list", "has_more": end < all.len(), "data": data}),
    )
}

/// The page Resend would give for `before`: the `limit` items just before the named one.
fn page_before(all: &[String], request: &Received) -> Reply {
    let limit: usize = param(request, "limit").map_or(20, |l| l.parse().unwrap());
    let before = param(request, "before").unwrap();
    let end = all.iter().position(|id| *id == before).unwrap();
    let start = end.saturating_sub(limit);
    let data: Vec<Value> = all[start..end].iter().map(|id| email(id)).collect();
    Reply::json(
        200,
        json!({"object": "list", "has_more": start > 0, "data": data}),
    )
}

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key("re_test")
        .base_url(server.url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn items_reads_250_emails_in_pages_of_100_through_a_429_and_a_503() {
    let all = ids(250);
    let served = all.clone();
    let server = Server::start(move |n, request| match (n, request) {
        (_, None) => Reply::json(200, json!({})),
        // The second page is refused for the rate limit once, the third fails once.
        (1, Some(_)) => Reply::error(429, "rate_limit_exceeded").header("retry-after", "1"),
        (3, Some(_)) => Reply::error(503, "internal_server_error"),
        (_, Some(request)) => page(&served, request),
    })
    .await;
    let client = client(&server);

    let mut items = client.emails().list().limit(100).items();
    let mut read = Vec::new();
    while let Some(item) = items.next().await {
        read.push(item.expect("every page arrives in the end").id);
    }

    assert_eq!(read, all, "every item once, in order");
    let requests = server.received();
    let afters: Vec<Option<String>> = requests.iter().map(|r| param(r, "after")).collect();
    assert_eq!(
        afters,
        [
            None,
            Some("e_099".to_string()),
            Some("e_099".to_string()),
            Some("e_199".to_string()),
            Some("e_199".to_string()),
        ],
        "each page asked for after the last item of the one before, the refused ones again"
    );
    for request in &requests {
        assert!(request.target.starts_with("/emails?"), "{}", request.target);
        assert_eq!(
            query(request).iter().filter(|(n, _)| n == "limit").count(),
            1,
            "{}",
            request.target
        );
        assert_eq!(param(request, "limit").as_deref(), Some("100"));
        assert_eq!(param(request, "before"), None);
    }
}

#[tokio::test]
async fn pages_are_the_typed_responses_and_end_after_has_more_false() {
    let all = ids(45);
    let served = all.clone();
    let server = Server::start(move |_, request| match request {
        None => Reply::json(200, json!({})),
        Some(request) => page(&served, request),
    })
    .await;
    let client = client(&server);

    let mut pages = client.emails().list().limit(20).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.status().as_u16(), 200);
        sizes.push(page.data.len());
    }
    assert_eq!(sizes, [20, 20, 5]);
    assert_eq!(
        server.received().len(),
        3,
        "no request after `has_more: false`"
    );
    assert!(server.received()[0].target.starts_with("/emails?"));
}

#[tokio::test]
async fn the_first_error_is_the_last_item() {
    let all = ids(300);
    let served = all.clone();
    let server = Server::start(move |n, request| match (n, request) {
        (_, None) => Reply::json(200, json!({})),
        (1, Some(_)) => Reply::error(422, "validation_error"),
        (_, Some(request)) => page(&served, request),
    })
    .await;
    let client = client(&server);

    let mut items = client.emails().list().limit(100).items();
    let mut read = 0;
    let mut errors = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(_) => read += 1,
            Err(error) => errors.push(error),
        }
    }
    assert_eq!(read, 100, "the first page, then the error");
    assert_eq!(errors.len(), 1);
    assert!(matches!(&errors[0], Error::Api(api) if api.status().as_u16() == 422));
    assert_eq!(
        server.received().len(),
        2,
        "nothing is asked for after the error"
    );

    let collected = client
        .emails()
        .list()
        .limit(100)
        .items()
        .collect_all()
        .await;
    assert!(
        collected.is_ok(),
        "the next walk starts afresh: {collected:?}"
    );
}

#[tokio::test]
async fn a_server_repeating_its_cursor_does_not_keep_the_walk_going() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            json!({"object": "list", "has_more": true, "data": [email("e_1"), email("e_2")]}),
        )
    })
    .await;
    let client = client(&server);

    let read = client.emails().list().items().collect_all().await.unwrap();
    assert_eq!(read.len(), 4, "the first page and its repetition");
    assert_eq!(
        server.received().len(),
        2,
        "the repeated cursor is not followed"
    );
}

#[tokio::test]
async fn an_empty_page_ends_the_walk_even_with_has_more() {
    let server = Server::start(|_, _| {
        Reply::json(200, json!({"object": "list", "has_more": true, "data": []}))
    })
    .await;
    let client = client(&server);

    let read = client.emails().list().items().collect_all().await.unwrap();
    assert!(read.is_empty());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_walk_started_with_before_goes_backward_with_the_first_items_id() {
    let all = ids(250);
    let served = all.clone();
    let server = Server::start(move |_, request| match request {
        None => Reply::json(200, json!({})),
        Some(request) => page_before(&served, request),
    })
    .await;
    let client = client(&server);

    let read: Vec<String> = client
        .emails()
        .list()
        .limit(100)
        .before("e_230")
        .items()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|email| email.id)
        .collect();

    let mut expected = all[130..230].to_vec();
    expected.extend_from_slice(&all[30..130]);
    expected.extend_from_slice(&all[0..30]);
    assert_eq!(
        read, expected,
        "page after page, each in the server's order"
    );
    let requests = server.received();
    let befores: Vec<Option<String>> = requests.iter().map(|r| param(r, "before")).collect();
    assert_eq!(
        befores,
        [
            Some("e_230".to_string()),
            Some("e_130".to_string()),
            Some("e_030".to_string())
        ]
    );
    for request in &requests {
        assert_eq!(param(request, "after"), None, "{}", request.target);
        assert_eq!(param(request, "limit").as_deref(), Some("100"));
    }
}
