//! End-to-end tests of the generated Resend client (`generated/resend`, crate `resend_client`).
//!
//! Every test starts its own wiremock server on 127.0.0.1, points a real client at it, makes real
//! HTTP calls and then checks what the server received (method, raw path, raw query, headers,
//! JSON body) and what the client made of the server's answer (typed body, or typed error).
//!
//! The server answers every request with one canned response (`start_server`); the assertions
//! are made on the recorded requests rather than through wiremock matchers, so that a wrong
//! path or header shows up as a precise assertion failure instead of a bare 404.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use resend_client::types::{
    ApiKeyPermission, Attachment, AttachmentDisposition, CapabilityState, ContactTopic,
    CreateApiKeyRequest, CreateContactRequest, CreateDomainRequest, CreateWebhookRequest,
    DnsRecordType, DomainCapabilities, DomainRecordPurpose, DomainRecordStatus, DomainStatus,
    EmailEvent, Region, ScalarValue, SendBroadcastRequest, SendEmailRequest, Tag, TlsMode,
    TopicSubscription, UpdateEmailRequest, WebhookEventType,
};
use resend_client::{Client, Error, ErrorCode};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "re_test";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Starts a mock server on 127.0.0.1 that gives `response` to every request.
async fn start_server(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A mock server that answers every request with `status` and the JSON `body`.
async fn start_json_server(status: u16, body: Value) -> MockServer {
    start_server(ResponseTemplate::new(status).set_body_json(body)).await
}

/// A client authenticated with [`API_KEY`] that talks to `server`.
fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .build()
        .expect("a client for a loopback mock server builds")
}

/// Every request the server has received so far, in order.
async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on by default")
}

/// The one request the server received; fails if it received none or several.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got: {requests:#?}"
    );
    requests.remove(0)
}

/// The value of a request header, which must occur at most once.
fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    let values: Vec<_> = request.headers.get_all(name).iter().collect();
    assert!(
        values.len() <= 1,
        "header `{name}` was sent {} times: {values:?}",
        values.len()
    );
    values
        .first()
        .map(|value| value.to_str().expect("header value is visible ASCII"))
}

/// Checks the method, the raw (still percent-encoded) path and the raw query string.
fn assert_request_line(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method, "method of {}", request.url);
    assert_eq!(request.url.path(), path, "raw path of {}", request.url);
    assert_eq!(request.url.query(), query, "raw query of {}", request.url);
}

/// Checks the headers every request carries, and `Content-Type` exactly when there is a body.
fn assert_standard_headers(request: &Request, has_body: bool) {
    assert_eq!(
        header(request, "authorization"),
        Some("Bearer re_test"),
        "authorization of {}",
        request.url
    );
    let agent = header(request, "user-agent").expect("a User-Agent is sent");
    assert!(
        agent.starts_with("resend-client/"),
        "User-Agent `{agent}` should start with `resend-client/`"
    );
    assert_eq!(header(request, "accept"), Some("application/json"));
    if has_body {
        assert_eq!(header(request, "content-type"), Some("application/json"));
    } else {
        assert_eq!(
            header(request, "content-type"),
            None,
            "no Content-Type without a body"
        );
        assert!(
            request.body.is_empty(),
            "expected no body, got {:?}",
            String::from_utf8_lossy(&request.body)
        );
    }
}

/// The request body parsed as JSON.
fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|error| {
        panic!(
            "request body is not JSON ({error}): {:?}",
            String::from_utf8_lossy(&request.body)
        )
    })
}

/// Decodes `%XX` escapes (and nothing else: a `+` in a path is a plus sign).
fn percent_decode(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            let hex = tail.get(..2).expect("`%` is followed by two hex digits");
            let hex = std::str::from_utf8(hex).expect("hex digits are ASCII");
            bytes.push(u8::from_str_radix(hex, 16).expect("valid hex after `%`"));
            rest = tail.get(2..).unwrap_or_default();
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).expect("decoded path segment is UTF-8")
}

/// A JSON email as `GET /emails/{id}` returns it, with fields this client version does not know.
fn email_json(last_event: &str) -> Value {
    json!({
        "object": "email",
        "id": "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
        "message_id": null,
        "from": "Acme <onboarding@acme.dev>",
        "to": ["delivered@resend.dev"],
        "cc": ["cc1@acme.dev", "cc2@acme.dev"],
        "bcc": null,
        "reply_to": null,
        "subject": "Hello World",
        "html": "<p>Congrats on sending your <strong>first email</strong>!</p>",
        "text": null,
        "created_at": "2024-04-03 22:13:42.674981+00",
        "scheduled_at": null,
        "last_event": last_event,
        "tags": [
            {"name": "category", "value": "confirm_email"},
            {"name": "user", "value": "u-42"}
        ],
        "future_field": {"nested": [1, 2, 3]},
        "another_unknown": "ignored"
    })
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

#[test]
fn config_refuses_plain_http_to_a_non_loopback_host() {
    for url in [
        "http://example.com",
        "http://10.0.0.1:8080",
        "http://localhost.example.com",
        "ftp://127.0.0.1",
    ] {
        let result = Client::builder().api_key(API_KEY).base_url(url).build();
        assert!(
            matches!(result, Err(Error::Config { .. })),
            "base URL `{url}` should be refused with Error::Config, got {result:?}"
        );
    }
}

#[test]
fn config_accepts_https_and_loopback_http() {
    for (url, expected) in [
        ("https://api.example.com", "https://api.example.com/"),
        ("https://api.example.com/v1", "https://api.example.com/v1"),
        ("http://127.0.0.1:9999", "http://127.0.0.1:9999/"),
        ("http://localhost:9999", "http://localhost:9999/"),
        ("http://[::1]:9999", "http://[::1]:9999/"),
    ] {
        let client = Client::builder()
            .api_key(API_KEY)
            .base_url(url)
            .build()
            .unwrap_or_else(|error| panic!("base URL `{url}` should be accepted: {error}"));
        assert_eq!(client.base_url().as_str(), expected);
    }
}

#[test]
fn config_missing_or_empty_api_key_is_an_error() {
    let missing = Client::builder()
        .base_url("https://api.example.com")
        .build();
    assert!(
        matches!(missing, Err(Error::Config { .. })),
        "no API key: {missing:?}"
    );
    for key in ["", "   "] {
        let result = Client::builder()
            .api_key(key)
            .base_url("https://api.example.com")
            .build();
        assert!(
            matches!(result, Err(Error::Config { .. })),
            "API key {key:?}: {result:?}"
        );
    }
}

#[test]
fn config_debug_output_does_not_reveal_the_api_key() {
    let secret = "re_very_secret_key_123";
    let builder = Client::builder()
        .api_key(secret)
        .base_url("https://api.example.com");
    let builder_debug = format!("{builder:?}");
    assert!(
        !builder_debug.contains(secret),
        "builder Debug leaks the key: {builder_debug}"
    );
    let client = builder.build().expect("valid settings");
    let client_debug = format!("{client:?}");
    assert!(
        !client_debug.contains(secret),
        "client Debug leaks the key: {client_debug}"
    );
    assert!(
        !client_debug.contains("very_secret"),
        "client Debug leaks part of the key: {client_debug}"
    );
    assert!(
        client_debug.contains("https://api.example.com"),
        "client Debug still shows the base URL: {client_debug}"
    );
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = start_json_server(200, json!({"id": "em_1"})).await;
    let body = SendEmailRequest::new("a@acme.dev", vec!["b@acme.dev".into()], "s").with_text("t");
    for base in [
        format!("{}/v1", server.uri()),
        format!("{}/v1/", server.uri()),
    ] {
        let client = Client::builder()
            .api_key(API_KEY)
            .base_url(base)
            .build()
            .expect("loopback base URL with a path builds");
        client.emails().send(&body).await.expect("send succeeds");
        client
            .emails()
            .cancel("em_1")
            .await
            .expect("cancel succeeds");
    }
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|request| format!("{} {}", request.method, request.url.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v1/emails",
            "POST /v1/emails/em_1/cancel",
            "POST /v1/emails",
            "POST /v1/emails/em_1/cancel"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Emails
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn emails_send_posts_the_full_body_and_decodes_the_id() {
    let server = start_server(
        ResponseTemplate::new(200)
            .insert_header("ratelimit-remaining", "1")
            .set_body_json(json!({"id": "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794", "extra": true})),
    )
    .await;
    let client = client_for(&server);
    let body = SendEmailRequest::new(
        "Acme <onboarding@acme.dev>",
        vec!["delivered@resend.dev".into(), "x+y@acme.dev".into()],
        "Hello “World” ✓",
    )
    .with_cc(vec!["cc@acme.dev".into()])
    .with_reply_to(vec!["support@acme.dev".into()])
    .with_html("<p>Hi</p>")
    .with_text("Hi")
    .with_headers(BTreeMap::from([("X-Entity-Ref-ID".into(), "123".into())]))
    .with_scheduled_at("in 1 min")
    .with_attachments(vec![
        Attachment::new()
            .with_filename("invoice.pdf")
            .with_content("aGVsbG8="),
    ])
    .with_tags(vec![Tag::new("category", "confirm_email")]);

    let response = client.emails().send(&body).await.expect("send succeeds");

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.id, "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794");
    assert_eq!(
        response
            .headers()
            .get("ratelimit-remaining")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );

    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/emails", None);
    assert_standard_headers(&request, true);
    // No key was given, so the client made one up (a UUID) for this call.
    let key = header(&request, "idempotency-key").expect("a generated idempotency key");
    assert_eq!(key.len(), 36, "{key}");
    assert_eq!(key.matches('-').count(), 4, "{key}");
    assert_eq!(
        body_json(&request),
        json!({
            "from": "Acme <onboarding@acme.dev>",
            "to": ["delivered@resend.dev", "x+y@acme.dev"],
            "subject": "Hello “World” ✓",
            "cc": ["cc@acme.dev"],
            "reply_to": ["support@acme.dev"],
            "html": "<p>Hi</p>",
            "text": "Hi",
            "headers": {"X-Entity-Ref-ID": "123"},
            "scheduled_at": "in 1 min",
            "attachments": [{"filename": "invoice.pdf", "content": "aGVsbG8="}],
            "tags": [{"name": "category", "value": "confirm_email"}]
        })
    );
}

#[tokio::test]
async fn emails_send_omits_unset_optional_fields() {
    let server = start_json_server(200, json!({"id": "em_1"})).await;
    let client = client_for(&server);
    let body = SendEmailRequest::new(
        "onboarding@acme.dev",
        vec!["delivered@resend.dev".into()],
        "Hi",
    )
    .with_html("<p>Hi</p>");

    client.emails().send(&body).await.expect("send succeeds");

    let request = only_request(&server).await;
    // Exact equality: no `"cc": null`, `"tags": null`, ... for the fields left as None.
    assert_eq!(
        body_json(&request),
        json!({
            "from": "onboarding@acme.dev",
            "to": ["delivered@resend.dev"],
            "subject": "Hi",
            "html": "<p>Hi</p>"
        })
    );
    let raw = String::from_utf8_lossy(&request.body);
    assert!(!raw.contains("null"), "no nulls in the body: {raw}");
}

#[tokio::test]
async fn emails_send_sends_the_idempotency_key() {
    let server = start_json_server(200, json!({"id": "em_1"})).await;
    let client = client_for(&server);
    let body = SendEmailRequest::new(
        "onboarding@acme.dev",
        vec!["delivered@resend.dev".into()],
        "Hi",
    )
    .with_text("Hi");

    client
        .emails()
        .send(&body)
        .idempotency_key("welcome-user/123456789")
        .await
        .expect("send succeeds");

    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/emails", None);
    assert_standard_headers(&request, true);
    assert_eq!(
        header(&request, "idempotency-key"),
        Some("welcome-user/123456789")
    );
}

#[tokio::test]
async fn emails_send_batch_posts_an_array_and_decodes_the_ids() {
    let server = start_json_server(
        200,
        json!({"data": [{"id": "em_1"}, {"id": "em_2"}], "errors": []}),
    )
    .await;
    let client = client_for(&server);
    let batch = vec![
        SendEmailRequest::new("a@acme.dev", vec!["one@acme.dev".into()], "One").with_text("1"),
        SendEmailRequest::new("a@acme.dev", vec!["two@acme.dev".into()], "Two")
            .with_html("<b>2</b>")
            .with_bcc(vec!["audit@acme.dev".into()]),
    ];

    let response = client
        .emails()
        .send_batch(&batch)
        .await
        .expect("batch succeeds");

    let ids: Vec<&str> = response.data.iter().map(|item| item.id.as_str()).collect();
    assert_eq!(ids, ["em_1", "em_2"]);

    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/emails/batch", None);
    assert_standard_headers(&request, true);
    // No key was given, so the client made one up (a UUID) for this call.
    let key = header(&request, "idempotency-key").expect("a generated idempotency key");
    assert_eq!(key.len(), 36, "{key}");
    assert_eq!(key.matches('-').count(), 4, "{key}");
    assert_eq!(
        body_json(&request),
        json!([
            {"from": "a@acme.dev", "to": ["one@acme.dev"], "subject": "One", "text": "1"},
            {
                "from": "a@acme.dev",
                "to": ["two@acme.dev"],
                "subject": "Two",
                "html": "<b>2</b>",
                "bcc": ["audit@acme.dev"]
            }
        ])
    );
}

#[tokio::test]
async fn emails_send_batch_sends_the_idempotency_key() {
    let server = start_json_server(200, json!({"data": [{"id": "em_1"}]})).await;
    let client = client_for(&server);
    let batch = vec![
        SendEmailRequest::new("a@acme.dev", vec!["one@acme.dev".into()], "One").with_text("1"),
    ];

    client
        .emails()
        .send_batch(&batch)
        .idempotency_key("batch-2024-04-03")
        .await
        .expect("batch succeeds");

    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/emails/batch", None);
    assert_eq!(
        header(&request, "idempotency-key"),
        Some("batch-2024-04-03")
    );
}

#[tokio::test]
async fn emails_list_sends_only_the_pagination_parameters_that_are_set() {
    let page = json!({"object": "list", "has_more": false, "data": []});
    let server = start_json_server(200, page).await;
    let client = client_for(&server);

    client.emails().list().await.expect("plain list");
    client
        .emails()
        .list()
        .limit(10)
        .after("em_after")
        .await
        .expect("limit + after");
    client
        .emails()
        .list()
        .before("em_before")
        .await
        .expect("before");
    client
        .emails()
        .list()
        .limit(100)
        .after("em_a")
        .before("em_b")
        .await
        .expect("all three");
    client
        .emails()
        .list()
        .after("a&b=c d/é")
        .await
        .expect("special characters");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 5, "{requests:#?}");
    for request in &requests {
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(request.url.path(), "/emails");
        assert_standard_headers(request, false);
    }
    let queries: Vec<Option<&str>> = requests.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries.get(..4).expect("four requests"),
        [
            None,
            Some("limit=10&after=em_after"),
            Some("before=em_before"),
            Some("limit=100&after=em_a&before=em_b"),
        ]
    );
    // A cursor with reserved characters must come back whole as one `after` value.
    let special = requests.get(4).expect("fifth request");
    let pairs: Vec<(String, String)> = special.url.query_pairs().into_owned().collect();
    assert_eq!(pairs, [("after".to_string(), "a&b=c d/é".to_string())]);
}

#[tokio::test]
async fn emails_list_decodes_a_page() {
    let server = start_json_server(
        200,
        json!({
            "object": "list",
            "has_more": true,
            "data": [
                {
                    "id": "em_1",
                    "from": "a@acme.dev",
                    "to": ["x@acme.dev"],
                    "subject": "One",
                    "created_at": "2024-04-03 22:13:42.674981+00",
                    "last_event": "bounced",
                    "new_list_field": 7
                },
                {
                    "id": "em_2",
                    "from": "a@acme.dev",
                    "to": ["y@acme.dev", "z@acme.dev"],
                    "subject": "Two",
                    "created_at": "2024-04-04 08:00:00.000000+00",
                    "last_event": "delivery_delayed"
                }
            ]
        }),
    )
    .await;
    let client = client_for(&server);

    let page = client
        .emails()
        .list()
        .limit(2)
        .await
        .expect("list")
        .into_body();

    assert_eq!(page.object, "list");
    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.data.len(), 2);
    let second = &page.data[1];
    assert_eq!(page.data[0].id, "em_1");
    assert_eq!(page.data[0].last_event, Some(EmailEvent::Bounced));
    assert_eq!(second.to, ["y@acme.dev", "z@acme.dev"]);
    assert_eq!(second.last_event, Some(EmailEvent::DeliveryDelayed));
    assert_eq!(second.html, None);
}

#[tokio::test]
async fn emails_get_decodes_nested_fields_and_ignores_unknown_fields() {
    let server = start_json_server(200, email_json("delivered")).await;
    let client = client_for(&server);

    let email = client
        .emails()
        .get("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
        .await
        .expect("get succeeds");

    assert_eq!(email.status().as_u16(), 200);
    assert_eq!(email.object.as_deref(), Some("email"));
    assert_eq!(email.id, "4ef9a417-02e9-4d39-ad75-9611e0fcc33c");
    assert_eq!(email.from, "Acme <onboarding@acme.dev>");
    assert_eq!(email.to, ["delivered@resend.dev"]);
    assert_eq!(
        email.cc.as_deref(),
        Some(&["cc1@acme.dev".to_string(), "cc2@acme.dev".to_string()][..])
    );
    assert_eq!(email.bcc, None, "null decodes to None");
    assert_eq!(email.message_id, None);
    assert_eq!(email.created_at, "2024-04-03 22:13:42.674981+00");
    assert_eq!(email.last_event, Some(EmailEvent::Delivered));
    assert_eq!(
        email.tags.as_deref(),
        Some(
            &[
                Tag::new("category", "confirm_email"),
                Tag::new("user", "u-42"),
            ][..]
        )
    );

    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "GET",
        "/emails/4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
        None,
    );
    assert_standard_headers(&request, false);
}

#[tokio::test]
async fn emails_get_maps_an_unknown_enum_value_to_unknown() {
    let server = start_json_server(200, email_json("teleported")).await;
    let client = client_for(&server);

    let email = client.emails().get("em_1").await.expect("get succeeds");

    assert_eq!(
        email.last_event,
        Some(EmailEvent::Unknown("teleported".to_string()))
    );
}

#[tokio::test]
async fn emails_update_patches_the_schedule() {
    let server = start_json_server(200, json!({"object": "email", "id": "em_1"})).await;
    let client = client_for(&server);
    let body = UpdateEmailRequest::new("2024-08-05T11:52:01.858Z");

    let reference = client
        .emails()
        .update("em_1", &body)
        .await
        .expect("update succeeds");

    assert_eq!(reference.id, "em_1");
    assert_eq!(reference.object.as_deref(), Some("email"));
    let request = only_request(&server).await;
    assert_request_line(&request, "PATCH", "/emails/em_1", None);
    assert_standard_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({"scheduled_at": "2024-08-05T11:52:01.858Z"})
    );
}

#[tokio::test]
async fn emails_cancel_posts_without_a_body() {
    let server = start_json_server(200, json!({"object": "email", "id": "em_1"})).await;
    let client = client_for(&server);

    let reference = client
        .emails()
        .cancel("em_1")
        .await
        .expect("cancel succeeds");

    assert_eq!(reference.id, "em_1");
    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/emails/em_1/cancel", None);
    assert_standard_headers(&request, false);
}

#[tokio::test]
async fn emails_get_attachment_encodes_both_path_parameters() {
    let server = start_json_server(
        200,
        json!({
            "object": "attachment",
            "id": "att 1",
            "filename": "invoice.pdf",
            "content_type": "application/pdf",
            "content_disposition": "attachment",
            "download_url": "https://cdn.resend.com/att_1",
            "expires_at": "2024-04-04 22:13:42.674981+00",
            "size": 2048,
            "checksum": "ignored"
        }),
    )
    .await;
    let client = client_for(&server);

    let attachment = client
        .emails()
        .get_attachment("em/1", "att 1")
        .await
        .expect("get attachment succeeds");

    assert_eq!(attachment.id, "att 1");
    assert_eq!(attachment.filename.as_deref(), Some("invoice.pdf"));
    assert_eq!(
        attachment.content_disposition,
        Some(AttachmentDisposition::Attachment)
    );
    assert_eq!(attachment.size, Some(2048));
    let request = only_request(&server).await;
    assert_request_line(&request, "GET", "/emails/em%2F1/attachments/att%201", None);
    assert_standard_headers(&request, false);
}

// ---------------------------------------------------------------------------------------------
// Domains
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn domains_create_posts_enums_and_nested_objects_and_decodes_records() {
    let server = start_json_server(
        201,
        json!({
            "object": "domain",
            "id": "d91cd9bd-1176-453e-8fc1-35364d380206",
            "name": "send.acme.dev",
            "status": "not_started",
            "created_at": "2024-04-26 20:21:26.347412+00",
            "region": "eu-west-1",
            "capabilities": {"sending": "enabled", "receiving": "disabled"},
            "records": [
                {
                    "record": "SPF",
                    "name": "send",
                    "type": "MX",
                    "ttl": "Auto",
                    "status": "not_started",
                    "value": "feedback-smtp.eu-west-1.amazonses.com",
                    "priority": 10
                },
                {
                    "record": "DKIM",
                    "name": "resend._domainkey",
                    "type": "TXT",
                    "status": "awaiting_dns",
                    "value": "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ",
                    "extra": {"unknown": true}
                }
            ],
            "dns_provider": "Cloudflare"
        }),
    )
    .await;
    let client = client_for(&server);
    let body = CreateDomainRequest::new("send.acme.dev")
        .with_region(Region::EuWest1)
        .with_tls(TlsMode::Enforced)
        .with_capabilities(DomainCapabilities::new().with_sending(CapabilityState::Enabled));

    let domain = client
        .domains()
        .create(&body)
        .await
        .expect("create succeeds");

    assert_eq!(domain.status().as_u16(), 201);
    assert_eq!(domain.id, "d91cd9bd-1176-453e-8fc1-35364d380206");
    assert_eq!(domain.status, DomainStatus::NotStarted);
    assert_eq!(domain.region, Some(Region::EuWest1));
    let capabilities = domain.capabilities.as_ref().expect("capabilities");
    assert_eq!(capabilities.receiving, Some(CapabilityState::Disabled));
    let records = domain.records.as_ref().expect("records");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].record, DomainRecordPurpose::Spf);
    assert_eq!(records[0].r#type, DnsRecordType::Mx);
    assert_eq!(records[0].priority, Some(10));
    assert_eq!(records[0].status, Some(DomainRecordStatus::NotStarted));
    assert_eq!(records[1].record, DomainRecordPurpose::Dkim);
    assert_eq!(records[1].r#type, DnsRecordType::Txt);
    assert_eq!(
        records[1].status,
        Some(DomainRecordStatus::Unknown("awaiting_dns".into()))
    );
    assert_eq!(records[1].ttl, None);

    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/domains", None);
    assert_standard_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({
            "name": "send.acme.dev",
            "region": "eu-west-1",
            "tls": "enforced",
            "capabilities": {"sending": "enabled"}
        })
    );
}

#[tokio::test]
async fn domains_get_maps_an_unknown_status_to_unknown() {
    let server = start_json_server(
        200,
        json!({
            "object": "domain",
            "id": "d_1",
            "name": "acme.dev",
            "status": "quarantined",
            "created_at": "2024-04-26 20:21:26.347412+00",
            "region": "mars-north-1"
        }),
    )
    .await;
    let client = client_for(&server);

    let domain = client.domains().get("d_1").await.expect("get succeeds");

    assert_eq!(domain.status, DomainStatus::Unknown("quarantined".into()));
    assert_eq!(domain.region, Some(Region::Unknown("mars-north-1".into())));
    assert_eq!(domain.records, None);
    let request = only_request(&server).await;
    assert_request_line(&request, "GET", "/domains/d_1", None);
    assert_standard_headers(&request, false);
}

// ---------------------------------------------------------------------------------------------
// API keys
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn api_keys_create_posts_the_permission_and_decodes_the_token() {
    let server = start_json_server(
        201,
        json!({
            "object": "api_key",
            "id": "dacf4072-4119-4d88-932f-6202748ac7c8",
            "token": "re_c1tpEyD8_NKFusih9vKVQknRAQfmFcWCv"
        }),
    )
    .await;
    let client = client_for(&server);
    let body =
        CreateApiKeyRequest::new("Production").with_permission(ApiKeyPermission::SendingAccess);

    let created = client
        .api_keys()
        .create(&body)
        .await
        .expect("create succeeds");

    assert_eq!(created.id, "dacf4072-4119-4d88-932f-6202748ac7c8");
    assert_eq!(created.token, "re_c1tpEyD8_NKFusih9vKVQknRAQfmFcWCv");
    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/api-keys", None);
    assert_standard_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({"name": "Production", "permission": "sending_access"})
    );
}

#[tokio::test]
async fn api_keys_list_sends_the_query_and_decodes_a_page() {
    let server = start_json_server(
        200,
        json!({
            "object": "list",
            "has_more": false,
            "data": [
                {
                    "id": "key_1",
                    "name": "Production",
                    "created_at": "2023-04-08 00:11:13.110779+00",
                    "last_used_at": null
                },
                {
                    "id": "key_2",
                    "name": "CI",
                    "created_at": "2023-04-09 00:11:13.110779+00",
                    "last_used_at": "2024-01-01 10:00:00.000000+00"
                }
            ]
        }),
    )
    .await;
    let client = client_for(&server);

    let page = client
        .api_keys()
        .list()
        .limit(2)
        .before("key_9")
        .await
        .expect("list succeeds");

    assert_eq!(page.has_more, Some(false));
    let names: Vec<&str> = page.data.iter().map(|key| key.name.as_str()).collect();
    assert_eq!(names, ["Production", "CI"]);
    assert_eq!(page.data[0].last_used_at, None);
    assert_eq!(
        page.data[1].last_used_at.as_deref(),
        Some("2024-01-01 10:00:00.000000+00")
    );
    let request = only_request(&server).await;
    assert_request_line(&request, "GET", "/api-keys", Some("limit=2&before=key_9"));
    assert_standard_headers(&request, false);
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn contacts_get_sends_each_id_as_one_encoded_path_segment() {
    let server = start_json_server(
        200,
        json!({
            "object": "contact",
            "id": "e169aa45-1ecf-4183-9955-b1499d5701d3",
            "email": "a+b@x.io",
            "first_name": "Steve",
            "last_name": null,
            "created_at": "2023-10-06 23:47:56.678+00",
            "unsubscribed": false
        }),
    )
    .await;
    let client = client_for(&server);
    // Each id with the raw path it must arrive as, when the encoding is forced; `None` when any
    // valid encoding of one segment is fine (the check then decodes the segment).
    let cases: [(&str, Option<&str>); 6] = [
        ("a+b@x.io", None),
        ("first last", Some("/contacts/first%20last")),
        ("a/b", Some("/contacts/a%2Fb")),
        ("100%", Some("/contacts/100%25")),
        ("a?b#c", Some("/contacts/a%3Fb%23c")),
        ("zoë@exämple.io", None),
    ];

    for (id, _) in cases {
        let contact = client.contacts().get(id).await.expect("get succeeds");
        assert_eq!(contact.email, "a+b@x.io");
    }

    let requests = received(&server).await;
    assert_eq!(requests.len(), cases.len(), "{requests:#?}");
    for ((id, exact), request) in cases.iter().zip(&requests) {
        assert_eq!(request.method.as_str(), "GET");
        assert_standard_headers(request, false);
        let path = request.url.path();
        assert_eq!(request.url.query(), None, "id {id:?} leaked into the query");
        let segment = path
            .strip_prefix("/contacts/")
            .unwrap_or_else(|| panic!("id {id:?}: path {path} is not under /contacts/"));
        assert!(
            !segment.contains('/'),
            "id {id:?} was split into several segments: {path}"
        );
        assert_eq!(percent_decode(segment), *id, "id {id:?}: raw path {path}");
        if let Some(exact) = exact {
            assert_eq!(path, *exact, "raw path for id {id:?}");
        }
    }
}

#[tokio::test]
async fn contacts_ids_that_cannot_be_a_path_segment_are_refused_before_sending() {
    // Whatever arrives is answered with a valid contact, so a wrong request is not caught by
    // decoding either: the only safe outcome is an error before anything is sent.
    let server = start_json_server(
        200,
        json!({
            "id": "c_1",
            "email": "someone@acme.dev",
            "created_at": "2023-10-06 23:47:56.678+00",
            "unsubscribed": false
        }),
    )
    .await;
    let client = client_for(&server);

    let mut problems = Vec::new();
    for id in ["..", ".", ""] {
        let before = received(&server).await.len();
        let result = client.contacts().get(id).await;
        let requests = received(&server).await;
        let sent: Vec<String> = requests
            .get(before..)
            .unwrap_or_default()
            .iter()
            .map(|request| format!("{} {}", request.method, request.url.path()))
            .collect();
        if result.is_ok() || !sent.is_empty() {
            problems.push(format!(
                "contacts().get({id:?}): ok = {}, sent {sent:?}",
                result.is_ok()
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn contacts_list_sends_the_segment_filter_and_omits_unset_parameters() {
    let server = start_json_server(
        200,
        json!({
            "object": "list",
            "has_more": false,
            "data": [{
                "id": "c_1",
                "email": "steve@acme.dev",
                "first_name": "Steve",
                "created_at": "2023-10-06 23:47:56.678+00",
                "unsubscribed": true
            }]
        }),
    )
    .await;
    let client = client_for(&server);

    let page = client
        .contacts()
        .list()
        .segment_id("seg_1")
        .limit(5)
        .await
        .expect("list succeeds");

    assert_eq!(page.data.len(), 1);
    assert!(page.data[0].unsubscribed);
    assert_eq!(page.data[0].first_name.as_deref(), Some("Steve"));
    assert_eq!(page.data[0].last_name, None);
    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "GET",
        "/contacts",
        Some("segment_id=seg_1&limit=5"),
    );
    assert_standard_headers(&request, false);
}

#[tokio::test]
async fn contacts_create_posts_topics_and_properties() {
    let server = start_json_server(201, json!({"object": "contact", "id": "c_1"})).await;
    let client = client_for(&server);
    let body = CreateContactRequest::new("steve@acme.dev")
        .with_first_name("Steve")
        .with_unsubscribed(false)
        .with_properties(BTreeMap::from([
            ("plan".into(), ScalarValue::String("pro".into())),
            ("seats".into(), ScalarValue::Number(5.0)),
        ]))
        .with_segments(vec!["seg_1".into()])
        .with_topics(vec![
            ContactTopic::new("topic_news", TopicSubscription::OptIn),
            ContactTopic::new("topic_promo", TopicSubscription::OptOut),
        ]);

    let reference = client
        .contacts()
        .create(&body)
        .await
        .expect("create succeeds");

    assert_eq!(reference.id, "c_1");
    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/contacts", None);
    assert_standard_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({
            "email": "steve@acme.dev",
            "first_name": "Steve",
            "unsubscribed": false,
            "properties": {"plan": "pro", "seats": 5.0},
            "segments": ["seg_1"],
            "topics": [
                {"id": "topic_news", "subscription": "opt_in"},
                {"id": "topic_promo", "subscription": "opt_out"}
            ]
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Broadcasts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn broadcasts_send_posts_the_optional_body_only_when_given() {
    let server = start_json_server(200, json!({"id": "bc_1"})).await;
    let client = client_for(&server);
    let schedule = SendBroadcastRequest::new().with_scheduled_at("in 1 hour");

    client.broadcasts().send("bc_1").await.expect("send now");
    client
        .broadcasts()
        .send("bc_1")
        .body(&schedule)
        .await
        .expect("send later");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_request_line(&requests[0], "POST", "/broadcasts/bc_1/send", None);
    assert_standard_headers(&requests[0], false);
    assert_request_line(&requests[1], "POST", "/broadcasts/bc_1/send", None);
    assert_standard_headers(&requests[1], true);
    assert_eq!(
        body_json(&requests[1]),
        json!({"scheduled_at": "in 1 hour"})
    );
}

#[tokio::test]
async fn broadcasts_get_decodes_a_broadcast() {
    let server = start_json_server(
        200,
        json!({
            "object": "broadcast",
            "id": "559ac32e-9ef5-46fb-82a1-b76b840c0f7b",
            "name": "Announcements",
            "segment_id": "78261eea-8f8b-4381-83c6-79fa7120f1cf",
            "from": "Acme <onboarding@acme.dev>",
            "subject": "hello world",
            "reply_to": null,
            "preview_text": "Check out our latest announcements",
            "status": "draft",
            "created_at": "2024-12-01 19:32:22.980529+00",
            "scheduled_at": null,
            "sent_at": null,
            "unknown_counter": 3
        }),
    )
    .await;
    let client = client_for(&server);

    let broadcast = client
        .broadcasts()
        .get("559ac32e-9ef5-46fb-82a1-b76b840c0f7b")
        .await
        .expect("get succeeds");

    assert_eq!(broadcast.name.as_deref(), Some("Announcements"));
    assert_eq!(broadcast.status, "draft");
    assert_eq!(broadcast.reply_to, None);
    assert_eq!(broadcast.sent_at, None);
    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "GET",
        "/broadcasts/559ac32e-9ef5-46fb-82a1-b76b840c0f7b",
        None,
    );
    assert_standard_headers(&request, false);
}

// ---------------------------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn segments_delete_sends_delete_and_decodes_the_acknowledgement() {
    let server = start_json_server(
        200,
        json!({"object": "segment", "id": "seg 1/2", "deleted": true}),
    )
    .await;
    let client = client_for(&server);

    let deleted = client
        .segments()
        .delete("seg 1/2")
        .await
        .expect("delete succeeds");

    assert!(deleted.deleted);
    assert_eq!(deleted.id, "seg 1/2");
    assert_eq!(deleted.object.as_deref(), Some("segment"));
    let request = only_request(&server).await;
    assert_request_line(&request, "DELETE", "/segments/seg%201%2F2", None);
    assert_standard_headers(&request, false);
}

#[tokio::test]
async fn segments_list_decodes_a_page() {
    let server = start_json_server(
        200,
        json!({
            "object": "list",
            "has_more": true,
            "data": [
                {"id": "seg_1", "name": "Registered users", "created_at": "2023-10-06 22:59:55.977+00"},
                {"id": "seg_2", "name": "Trial", "object": "segment"}
            ]
        }),
    )
    .await;
    let client = client_for(&server);

    let page = client.segments().list().after("seg_0").await.expect("list");

    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.data[0].name, "Registered users");
    assert_eq!(page.data[1].created_at, None);
    let request = only_request(&server).await;
    assert_request_line(&request, "GET", "/segments", Some("after=seg_0"));
    assert_standard_headers(&request, false);
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn webhooks_create_serializes_event_types_and_decodes_the_secret() {
    let server = start_json_server(
        201,
        json!({
            "object": "webhook",
            "id": "479e3145-dd38-476b-932c-529ceb705947",
            "signing_secret": "whsec_xxxxxxxxxx"
        }),
    )
    .await;
    let client = client_for(&server);
    let body = CreateWebhookRequest::new(
        "https://hooks.acme.dev/resend",
        vec![
            WebhookEventType::EmailSent,
            WebhookEventType::EmailDeliveryDelayed,
            WebhookEventType::DomainDeleted,
            WebhookEventType::Unknown("email.teleported".into()),
        ],
    );

    let created = client
        .webhooks()
        .create(&body)
        .await
        .expect("create succeeds");

    assert_eq!(created.id, "479e3145-dd38-476b-932c-529ceb705947");
    assert_eq!(created.signing_secret.as_deref(), Some("whsec_xxxxxxxxxx"));
    let request = only_request(&server).await;
    assert_request_line(&request, "POST", "/webhooks", None);
    assert_standard_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({
            "endpoint": "https://hooks.acme.dev/resend",
            "events": [
                "email.sent",
                "email.delivery_delayed",
                "domain.deleted",
                "email.teleported"
            ]
        })
    );
}

#[tokio::test]
async fn webhooks_get_decodes_a_webhook() {
    let server = start_json_server(
        200,
        json!({
            "object": "webhook",
            "id": "wh_1",
            "endpoint": "https://hooks.acme.dev/resend",
            "events": ["email.sent", "email.new_kind"],
            "status": "enabled",
            "created_at": "2023-08-22 15:28:00.000+00",
            "signing_secret": "whsec_1",
            "delivery_stats": {"ok": 10}
        }),
    )
    .await;
    let client = client_for(&server);

    let webhook = client.webhooks().get("wh_1").await.expect("get succeeds");

    assert_eq!(webhook.endpoint, "https://hooks.acme.dev/resend");
    assert_eq!(
        webhook.events.as_deref(),
        Some(&["email.sent".to_string(), "email.new_kind".to_string()][..])
    );
    assert_eq!(webhook.status.as_deref(), Some("enabled"));
    let request = only_request(&server).await;
    assert_request_line(&request, "GET", "/webhooks/wh_1", None);
    assert_standard_headers(&request, false);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

fn minimal_email() -> SendEmailRequest {
    SendEmailRequest::new("onboarding@acme.dev", vec![], "Hi").with_text("Hi")
}

#[tokio::test]
async fn error_422_with_a_json_body_gives_code_and_message() {
    let server = start_server(
        ResponseTemplate::new(422)
            .insert_header("ratelimit-remaining", "0")
            .set_body_json(json!({
                "statusCode": 422,
                "message": "Missing `to` field.",
                "name": "missing_required_field"
            })),
    )
    .await;
    let client = client_for(&server);
    let body = minimal_email();

    let error = client
        .emails()
        .send(&body)
        .await
        .expect_err("a 422 is an error");

    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(error.code(), Some(&ErrorCode::MissingRequiredField));
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status().as_u16(), 422);
    assert_eq!(api.code(), Some(&ErrorCode::MissingRequiredField));
    assert_eq!(api.message(), Some("Missing `to` field."));
    assert!(
        api.body().contains("missing_required_field"),
        "{}",
        api.body()
    );
    assert_eq!(
        api.headers()
            .get("ratelimit-remaining")
            .and_then(|v| v.to_str().ok()),
        Some("0")
    );
    let shown = error.to_string();
    assert!(shown.contains("422"), "{shown}");
    assert!(shown.contains("Missing `to` field."), "{shown}");
    assert_eq!(received(&server).await.len(), 1, "errors are not retried");
}

#[tokio::test]
async fn error_with_an_unknown_name_gives_an_unknown_code() {
    let server = start_json_server(
        429,
        json!({
            "statusCode": 429,
            "message": "Slow down.",
            "name": "brand_new_error"
        }),
    )
    .await;
    let client = client_for(&server);

    let error = client
        .domains()
        .list()
        .await
        .expect_err("a 429 is an error");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        error.code(),
        Some(&ErrorCode::Unknown("brand_new_error".into()))
    );
    assert_eq!(
        error.api_error().and_then(|api| api.message()),
        Some("Slow down.")
    );
}

#[tokio::test]
async fn error_502_with_an_html_body_keeps_the_raw_text() {
    let html = "<html><head><title>502 Bad Gateway</title></head>\
                <body><center><h1>502 Bad Gateway</h1></center></body></html>";
    let server = start_server(
        ResponseTemplate::new(502)
            .insert_header("content-type", "text/html")
            .set_body_string(html),
    )
    .await;
    let client = client_for(&server);

    let error = client
        .contacts()
        .get("c_1")
        .await
        .expect_err("a 502 is an error");

    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.code(), None);
    let api = error.api_error().expect("an API error");
    assert_eq!(api.message(), None);
    assert!(
        api.body().contains("<h1>502 Bad Gateway</h1>"),
        "{}",
        api.body()
    );
}

#[tokio::test]
async fn error_truncated_json_on_200_is_a_decode_error() {
    let truncated = r#"{"object":"email","id":"em_1","from":"a@acme.dev","to":["x@ac"#;
    let server = start_server(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .set_body_string(truncated),
    )
    .await;
    let client = client_for(&server);

    let error = client
        .emails()
        .get("em_1")
        .await
        .expect_err("a cut-off body is an error");

    match &error {
        Error::Decode { status, body, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(body, truncated);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.api_error().is_none());
    assert_eq!(error.code(), None);
}

#[tokio::test]
async fn error_redirect_is_reported_not_followed() {
    let server = start_server(
        ResponseTemplate::new(302).insert_header("location", "https://evil.example/steal"),
    )
    .await;
    let client = client_for(&server);

    let error = client
        .segments()
        .get("seg_1")
        .await
        .expect_err("a 302 is an error");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(
        received(&server).await.len(),
        1,
        "the redirect is not followed"
    );
}

#[tokio::test]
async fn error_unreachable_server_is_a_connection_error() {
    // Take a free loopback port, then close it again so that nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let uri = format!("http://{}", listener.local_addr().expect("bound address"));
    drop(listener);
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(uri)
        .build()
        .expect("client builds");

    let error = client.webhooks().list().await.expect_err("nobody listens");

    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert_eq!(error.status(), None);
}

// ---------------------------------------------------------------------------------------------
// Query pairs and headers the spec does not describe
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn extra_query_pairs_and_headers_arrive_after_the_operations_own() {
    let page = json!({"object": "list", "has_more": false, "data": []});
    let server = start_json_server(200, page).await;
    let client = client_for(&server);

    client
        .emails()
        .list()
        .limit(10)
        .query("beta_filter", "a&b c")
        .query("limit", 20)
        .header("x-request-tag", "tag-1")
        .header("X-Trace-Id", 42)
        .await
        .expect("list with extras");

    let request = only_request(&server).await;
    assert_request_line(
        &request,
        "GET",
        "/emails",
        Some("limit=10&beta_filter=a%26b+c&limit=20"),
    );
    assert_standard_headers(&request, false);
    assert_eq!(header(&request, "x-request-tag"), Some("tag-1"));
    assert_eq!(header(&request, "x-trace-id"), Some("42"));
}

#[tokio::test]
async fn an_extra_authorization_header_does_not_replace_the_key() {
    let server = start_json_server(200, json!({"id": "em_1"})).await;
    let client = client_for(&server);
    let body = SendEmailRequest::new(
        "onboarding@acme.dev",
        vec!["delivered@resend.dev".into()],
        "Hi",
    )
    .with_text("Hi");

    client
        .emails()
        .send(&body)
        .header("authorization", "Bearer other")
        .header("AUTHORIZATION", "Bearer yet-another")
        .await
        .expect("send succeeds");

    let request = only_request(&server).await;
    // Sent once, with the client's key.
    assert_standard_headers(&request, true);
    assert_eq!(header(&request, "authorization"), Some("Bearer re_test"));
}

#[tokio::test]
async fn a_header_parameter_set_through_its_method_wins_over_an_extra_one() {
    let server = start_json_server(200, json!({"id": "em_1"})).await;
    let client = client_for(&server);
    let body = SendEmailRequest::new(
        "onboarding@acme.dev",
        vec!["delivered@resend.dev".into()],
        "Hi",
    )
    .with_text("Hi");

    client
        .emails()
        .send(&body)
        .header("idempotency-key", "from-header")
        .idempotency_key("from-method")
        .await
        .expect("send succeeds");
    // Without the method, the added header is the key (and no key is made up).
    client
        .emails()
        .send(&body)
        .header("Idempotency-Key", "only-header")
        .await
        .expect("send succeeds");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(header(&requests[0], "idempotency-key"), Some("from-method"));
    assert_eq!(header(&requests[1], "idempotency-key"), Some("only-header"));
}

#[tokio::test]
async fn extra_headers_the_client_sets_itself_are_refused_before_sending() {
    let server = start_json_server(200, json!({"id": "em_1"})).await;
    let client = client_for(&server);
    let body = SendEmailRequest::new(
        "onboarding@acme.dev",
        vec!["delivered@resend.dev".into()],
        "Hi",
    )
    .with_text("Hi");

    for name in ["Content-Type", "accept", "content-length", "Host"] {
        let error = client
            .emails()
            .send(&body)
            .header(name, "text/plain")
            .await
            .expect_err("the client's own headers cannot be added");
        match &error {
            Error::Config { message } => assert!(
                message.contains(name),
                "the message names the header: {message}"
            ),
            other => panic!("{name}: expected Error::Config, got {other:?}"),
        }
    }
    // An invalid header name is a configuration error too.
    let error = client
        .emails()
        .get("em_1")
        .header("bad name", "x")
        .await
        .expect_err("not a header name");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");

    assert!(received(&server).await.is_empty(), "nothing was sent");
}
