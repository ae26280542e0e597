//! Tests that `generator/tests/generic_e2e.rs` puts into the crate generated from
//! `tests/fixtures/api_key_servers.yaml` (as its `tests/api_key_servers.rs`) and runs there.
//! The spec has several servers, an API key in `X-Api-Key`, no declared rate and no error
//! extensions; each test talks to a local server (`server.rs`) and checks what arrived and
//! what the client made of the answer.

mod server;

use std::time::Duration;

use fixture_api_key_servers::types::{Item, ListItemsResponse, NewItem};
use fixture_api_key_servers::{spec, Client, Error, Method};
use serde_json::json;
use server::{header, header_names, Server};
use wiremock::ResponseTemplate;

const KEY: &str = "k-3f9a-secret";

/// A client with the key, talking to `server` under the spec's `/v2` prefix.
fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(format!("{}/v2", server.uri()))
        .api_key(KEY)
        .build()
        .expect("a client for a loopback server builds")
}

fn item_json(id: &str) -> serde_json::Value {
    json!({"id": id, "name": "lamp", "price": 12.5, "tags": ["home"]})
}

// `Item` is only read from responses, so it has no constructor: built from its default.
fn item(id: &str) -> Item {
    let mut item = Item::default();
    item.id = id.into();
    item.name = "lamp".into();
    item.price = Some(12.5);
    item.tags = Some(vec!["home".into()]);
    item
}

fn ok_item(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(item_json(id))
}

#[test]
fn the_spec_gives_the_first_server_with_its_default_a_required_key_and_no_rate() {
    assert_eq!(
        spec::DEFAULT_BASE_URL,
        Some("https://eu.api.example.com/v2")
    );
    assert_eq!(spec::BASE_URL_ENV, None);
    assert_eq!(spec::API_KEY_ENV, Some("FIXTURE_SERVERS_API_KEY"));
    const { assert!(spec::REQUIRES_API_KEY) };
    assert_eq!(spec::DEFAULT_RATE_LIMIT, None);

    let client = Client::new(KEY).unwrap();
    assert_eq!(client.base_url().as_str(), "https://eu.api.example.com/v2");
    assert_eq!(client.rate_limit(), None);
    // The key is redacted from `Debug`.
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[test]
fn building_without_a_key_is_a_configuration_error() {
    match Client::builder().base_url("http://127.0.0.1:9").build() {
        Err(Error::Config { message }) => {
            assert!(message.contains("no API key"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    match Client::new("  ") {
        Err(Error::Config { message }) => assert!(message.contains("empty"), "{message}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_key_travels_in_x_api_key_and_nowhere_else() {
    let server = Server::answering(ok_item("it-1")).await;
    let client = client(&server);
    let got = client.items().get("it-1").await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.into_body(), item("it-1"));

    // A raw request goes through the same authentication.
    client
        .request(Method::GET, "/beta/things")
        .query("n", 1)
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(requests[0].method.as_str(), "GET");
    assert_eq!(requests[0].url.path(), "/v2/items/it-1");
    assert_eq!(header(&requests[0], "accept"), "application/json");
    assert_eq!(requests[1].url.path(), "/v2/beta/things");
    assert_eq!(requests[1].url.query(), Some("n=1"));
    for request in &requests {
        assert_eq!(header(request, "x-api-key"), KEY);
        let names = header_names(request);
        assert!(
            !names.iter().any(|name| name == "authorization"),
            "an Authorization header was sent: {names:?}"
        );
        // The key appears in no other header.
        for (name, value) in &request.headers {
            if name.as_str() != "x-api-key" {
                let value = value.to_str().unwrap_or_default();
                assert!(!value.contains(KEY), "the key is in `{name}`: {value}");
            }
        }
    }
}

#[tokio::test]
async fn listing_sends_the_query_parameters_and_decodes_the_page() {
    let server = Server::answering(ResponseTemplate::new(200).set_body_json(
        json!({"items": [item_json("a"), {"id": "b", "name": "desk"}], "next": null}),
    ))
    .await;
    let page = client(&server)
        .items()
        .list()
        .limit(5)
        .tag("red & blue")
        .await
        .unwrap();
    // The response types have no constructors; unset fields (the desk's price and tags, the
    // page's `next`) stay `None`.
    let mut desk = Item::default();
    desk.id = "b".into();
    desk.name = "desk".into();
    let mut expected = ListItemsResponse::default();
    expected.items = vec![item("a"), desk];
    assert_eq!(page.into_body(), expected);

    let request = server.only_request();
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/v2/items");
    let pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("limit".to_string(), "5".to_string()),
            ("tag".to_string(), "red & blue".to_string())
        ]
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn creating_sends_a_json_body_and_decodes_the_created_item() {
    let server =
        Server::answering(ResponseTemplate::new(201).set_body_json(item_json("new-1"))).await;
    let new = NewItem::new("lamp").with_price(12.5);
    let created = client(&server).items().create(&new).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.id, "new-1");
    assert_eq!(created.into_body(), item("new-1"));

    let request = server.only_request();
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v2/items");
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "x-api-key"), KEY);
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    // An unset optional field is left out.
    assert_eq!(body, json!({"name": "lamp", "price": 12.5}));
}

#[tokio::test]
async fn requests_are_not_paced_without_a_declared_rate() {
    const REQUESTS: usize = 12;
    let server = Server::answering(ok_item("x")).await;
    let client = client(&server);
    let started = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..REQUESTS {
        let client = client.clone();
        tasks.spawn(async move { client.items().get(format!("it-{n}")).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(server.requests().len(), REQUESTS);
    // Paced to even 10 requests per second, the 12 would take 1.1 s to leave, and 5.5 s at
    // the 2 per second of the real specs; unpaced they leave at once (a few milliseconds
    // here). A whole second leaves room for a slow machine.
    let spread = server.arrival_spread();
    assert!(
        spread < Duration::from_secs(1),
        "{REQUESTS} concurrent requests arrived over {spread:?} (all done in {:?}): they were paced",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_wait_even_for_a_post() {
    let server = Server::scripted(vec![
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_string("slow down"),
        ResponseTemplate::new(201).set_body_json(item_json("new-2")),
    ])
    .await;
    let new = NewItem::new("lamp");
    let created = client(&server).items().create(&new).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.id, "new-2");

    let times = server.arrival_times();
    assert_eq!(times.len(), 2, "one refusal, one retry");
    let gap = times[1].duration_since(times[0]);
    // The retry waits the second the server asked for (measured from the client's side,
    // after the refusal arrived there, so the server sees at least as long).
    assert!(gap >= Duration::from_millis(990), "retried after {gap:?}");
    let requests = server.requests();
    assert_eq!(
        requests[0].body, requests[1].body,
        "the same body is sent again"
    );
    assert_eq!(header(&requests[1], "x-api-key"), KEY);
}

#[tokio::test]
async fn a_503_is_retried_for_a_get_but_not_for_a_post() {
    let server = Server::scripted(vec![
        ResponseTemplate::new(503).set_body_string("busy"),
        ok_item("it-5"),
    ])
    .await;
    let got = client(&server).items().get("it-5").await.unwrap();
    assert_eq!(got.into_body(), item("it-5"));
    assert_eq!(server.requests().len(), 2, "one failure, one retry");

    // A POST without an idempotency key may have been acted on: not sent again.
    let server = Server::answering(ResponseTemplate::new(503).set_body_string("busy")).await;
    let new = NewItem::new("lamp");
    let error = client(&server).items().create(&new).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_after_holds_the_next_requests_unless_headers_are_not_followed() {
    let server = Server::scripted(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "2"),
        ok_item("it-6"),
    ])
    .await;
    let client = client(&server);
    // A call whose deadline leaves no time to wait returns the refusal.
    let error = client
        .items()
        .get("it-6")
        .deadline(Duration::ZERO)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert!(error.is_retryable());
    // Another call, from a clone, waits out the server's two seconds.
    client.clone().items().get("it-6").await.unwrap();
    let times = server.arrival_times();
    assert_eq!(times.len(), 2);
    let gap = times[1].duration_since(times[0]);
    assert!(gap >= Duration::from_millis(1990), "held for only {gap:?}");

    // Told not to follow the headers, the client sends the next call at once, even though
    // the server asked for half a minute.
    let server = Server::scripted(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "30"),
        ok_item("it-7"),
    ])
    .await;
    let client = Client::builder()
        .base_url(format!("{}/v2", server.uri()))
        .api_key(KEY)
        .follow_rate_limit_headers(false)
        .build()
        .unwrap();
    let error = client
        .items()
        .get("it-7")
        .deadline(Duration::ZERO)
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    tokio::time::timeout(Duration::from_secs(20), client.items().get("it-7"))
        .await
        .expect("the next call is not held for the server's 30 s")
        .unwrap();
    let times = server.arrival_times();
    assert_eq!(times.len(), 2);
    let gap = times[1].duration_since(times[0]);
    assert!(gap < Duration::from_secs(10), "held for {gap:?}");
}

#[tokio::test]
async fn an_error_body_of_another_shape_is_kept_as_it_came() {
    let page = "<html><body>Not here</body></html>";
    let server = Server::answering(
        ResponseTemplate::new(404)
            .insert_header("content-type", "text/html")
            .set_body_string(page),
    )
    .await;
    let error = client(&server).items().get("gone").await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.body(), page);
    assert_eq!(api.code(), None);
    assert_eq!(api.message(), None);
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1, "a 404 is not retried");

    // The spec's own error schema carries no `x-error-code` or `x-error-message`: the body is
    // kept whole, and no code or message is made up from it.
    let problem = r#"{"title":"Bad tag","detail":"tags are lower case"}"#;
    let server = Server::answering(
        ResponseTemplate::new(400)
            .insert_header("content-type", "application/json")
            .set_body_string(problem),
    )
    .await;
    let error = client(&server).items().list().tag("RED").await.unwrap_err();
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.body(), problem);
    assert_eq!(api.code(), None);
    assert_eq!(api.message(), None);
    let text = error.to_string();
    assert!(
        text.contains("400") && text.contains("Bad tag"),
        "the message shows the status and the body: {text}"
    );
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");
}
