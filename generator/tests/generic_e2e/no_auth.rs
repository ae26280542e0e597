//! Tests that `generator/tests/generic_e2e.rs` puts into the crate generated from
//! `tests/fixtures/no_auth.yaml` (as its `tests/no_auth.rs`) and runs there. The spec has no
//! security at all, several servers and no extensions; each test talks to a local server
//! (`server.rs`).

mod server;

use std::time::Duration;

use fixture_no_auth::types::GetStatusResponse;
use fixture_no_auth::{spec, Client};
use serde_json::json;
use server::{header, header_names, Server};
use wiremock::ResponseTemplate;

fn up() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"up": true}))
}

#[test]
fn the_spec_gives_the_first_server_with_its_default_and_needs_no_key() {
    assert_eq!(spec::DEFAULT_BASE_URL, Some("https://eu.api.example.com"));
    assert_eq!(spec::BASE_URL_ENV, None);
    assert_eq!(spec::API_KEY_ENV, None);
    const { assert!(!spec::REQUIRES_API_KEY) };
    assert_eq!(spec::DEFAULT_RATE_LIMIT, None);

    let client = Client::new().unwrap();
    assert_eq!(client.base_url().as_str(), "https://eu.api.example.com/");
    assert_eq!(client.rate_limit(), None);
}

#[test]
fn every_server_of_the_spec_is_listed_and_can_be_chosen() {
    let urls: Vec<(&str, &str)> = spec::SERVERS.iter().map(|s| (s.url, s.template)).collect();
    assert_eq!(
        urls,
        [
            (
                "https://eu.api.example.com",
                "https://{region}.api.example.com"
            ),
            (
                "https://staging.api.example.com",
                "https://staging.api.example.com"
            ),
            ("http://localhost:8080", "http://localhost:8080"),
        ]
    );
    assert_eq!(Some(spec::SERVERS[0].url), spec::DEFAULT_BASE_URL);
    for server in spec::SERVERS {
        let client = Client::builder().base_url(server.url).build().unwrap();
        assert!(
            client.base_url().as_str().starts_with(server.url),
            "{server:?}"
        );
    }
    // Another value of the variable, filled in by hand.
    let us = spec::SERVERS[0].template.replace("{region}", "us");
    let client = Client::builder().base_url(us).build().unwrap();
    assert_eq!(client.base_url().as_str(), "https://us.api.example.com/");
}

#[tokio::test]
async fn a_call_without_a_key_sends_no_credentials_and_decodes() {
    let server = Server::answering(up()).await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("no key is needed");
    let status = client.operations().get_status().await.unwrap();
    assert_eq!(status.status().as_u16(), 200);
    let mut expected = GetStatusResponse::default();
    expected.up = Some(true);
    assert_eq!(status.into_body(), expected);

    let request = server.only_request();
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/status");
    assert_eq!(header(&request, "accept"), "application/json");
    let names = header_names(&request);
    assert!(
        !names
            .iter()
            .any(|name| name == "authorization" || name.contains("key") || name == "cookie"),
        "credentials were sent: {names:?}"
    );
}

#[tokio::test]
async fn a_key_given_anyway_is_not_sent() {
    let server = Server::answering(up()).await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key("unused-secret")
        .build()
        .unwrap();
    client.operations().get_status().await.unwrap();
    let request = server.only_request();
    for (name, value) in &request.headers {
        let value = value.to_str().unwrap_or_default();
        assert!(!value.contains("unused-secret"), "the key is in `{name}`");
    }
    assert!(request.headers.get("authorization").is_none());
}

#[tokio::test]
async fn requests_are_not_paced_without_a_declared_rate() {
    const REQUESTS: usize = 12;
    let server = Server::answering(up()).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..REQUESTS {
        let client = client.clone();
        tasks.spawn(async move { client.operations().get_status().await });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.unwrap().unwrap().up, Some(true));
    }
    assert_eq!(server.requests().len(), REQUESTS);
    // Paced to even 10 requests per second, the 12 would take 1.1 s to leave; unpaced they
    // leave at once. A whole second leaves room for a slow machine.
    let spread = server.arrival_spread();
    assert!(
        spread < Duration::from_secs(1),
        "{REQUESTS} concurrent requests arrived over {spread:?}: they were paced"
    );
}
