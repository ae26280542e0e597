//! Tests that `generator/tests/media_e2e.rs` puts into the crate generated from
//! `tests/fixtures/media.yaml` (as its `tests/client.rs`) and runs there: each calls an
//! operation against a wiremock server on 127.0.0.1, then checks the request that arrived
//! (method, path, headers, body bytes) and the value the client returned.

use std::collections::BTreeMap;

use fixture_media::types::{
    Credentials, GetExportResponse, SearchRequest, StartJobResponse, StartJobResponse202, Stored,
    UploadRequest, UploadRequestMeta,
};
use fixture_media::{Client, File};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server that answers every request with `response`.
async fn start(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("a client for a loopback server builds")
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected one request: {requests:#?}");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no `{name}` header in {request:#?}"))
}

/// The boundary from a multipart content type.
fn boundary(content_type: &str) -> String {
    content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart content type: {content_type}"))
        .to_string()
}

#[tokio::test]
async fn a_form_body_is_url_encoded_and_a_text_answer_comes_back_as_a_string() {
    let server = start(
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/plain")
            .set_body_string("token-123"),
    )
    .await;
    let credentials = Credentials::new("ann", "p&ss=1 ü")
        .with_remember(true)
        .with_scopes(vec!["read".into(), "write".into()]);
    let token = client(&server)
        .operations()
        .login(&credentials)
        .await
        .unwrap();
    assert_eq!(token.body(), "token-123");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/login");
    assert_eq!(
        header(&request, "content-type"),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(header(&request, "accept"), "text/plain");
    let body = String::from_utf8(request.body.clone()).unwrap();
    // Property order follows serde_json's map (sorted or not, depending on its features);
    // the pairs of one property keep their order.
    let mut pairs: Vec<&str> = body.split('&').collect();
    pairs.sort_by_key(|pair| pair.split('=').next().map(str::to_string));
    assert_eq!(
        pairs,
        [
            "password=p%26ss%3D1+%C3%BC",
            "remember=true",
            "scopes=read",
            "scopes=write",
            "username=ann"
        ]
    );
}

#[tokio::test]
async fn an_optional_form_body_left_out_sends_no_body() {
    let server = start(ResponseTemplate::new(200).set_body_string("a,b\n1,2\n")).await;
    let csv = client(&server).operations().search().await.unwrap();
    assert_eq!(csv.body(), "a,b\n1,2\n");
    let request = only_request(&server).await;
    assert!(request.body.is_empty());
    assert!(request.headers.get("content-type").is_none());
    assert_eq!(header(&request, "accept"), "text/csv");

    let server = server_with_text("").await;
    let query = SearchRequest::new().with_q("a b");
    client(&server)
        .operations()
        .search()
        .body(&query)
        .await
        .unwrap();
    assert_eq!(only_request(&server).await.body, b"q=a+b");
}

async fn server_with_text(text: &str) -> MockServer {
    start(ResponseTemplate::new(200).set_body_string(text)).await
}

// The response types have no constructors (no request uses them): built from their defaults.
fn stored_id(id: &str) -> Stored {
    let mut stored = Stored::default();
    stored.id = id.into();
    stored
}

fn ticket(ticket: &str) -> StartJobResponse202 {
    let mut accepted = StartJobResponse202::default();
    accepted.ticket = ticket.into();
    accepted
}

#[tokio::test]
async fn a_multipart_body_has_one_part_per_field_in_spec_order() {
    let server =
        start(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "u1"}))).await;
    let mut extra = BTreeMap::new();
    extra.insert("note".to_string(), "keep".to_string());
    extra.insert("we\"ird\nname".to_string(), "x".to_string());
    let mut upload = UploadRequest::new(
        File::new(vec![0u8, 1, 2, 255, b'\r', b'\n'])
            .with_file_name("photo.png")
            .with_content_type("image/png"),
        "Holiday",
    )
    .with_attachments(vec![
        File::new(b"A".to_vec()),
        File::new(b"B".to_vec())
            .with_file_name("b.txt")
            .with_content_type("text/plain"),
    ])
    .with_size(42)
    .with_tags(vec!["sea".into(), "sun".into()])
    .with_meta(UploadRequestMeta::new().with_author("ann"));
    // The additional properties have no setter; the field is public.
    upload.extra = extra;
    let stored = client(&server).operations().upload(&upload).await.unwrap();
    assert_eq!(stored.status().as_u16(), 201);
    assert_eq!(stored.into_body(), stored_id("u1"));

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/uploads");
    let boundary = boundary(header(&request, "content-type"));
    assert_eq!(boundary, "----form-data-boundary-00000000");
    let part = |headers: &str, contents: &[u8]| -> Vec<u8> {
        let mut out = format!("--{boundary}\r\n{headers}\r\n\r\n").into_bytes();
        out.extend_from_slice(contents);
        out.extend_from_slice(b"\r\n");
        out
    };
    let text = |name: &str| format!("Content-Disposition: form-data; name=\"{name}\"");
    let mut expected = Vec::new();
    expected.extend(part(
        "Content-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\nContent-Type: image/png",
        &[0, 1, 2, 255, b'\r', b'\n'],
    ));
    expected.extend(part(
        "Content-Disposition: form-data; name=\"attachments\"; filename=\"attachments\"\r\nContent-Type: application/octet-stream",
        b"A",
    ));
    expected.extend(part(
        "Content-Disposition: form-data; name=\"attachments\"; filename=\"b.txt\"\r\nContent-Type: text/plain",
        b"B",
    ));
    expected.extend(part(&text("title"), b"Holiday"));
    expected.extend(part(&text("size"), b"42"));
    expected.extend(part(&text("tags"), b"sea"));
    expected.extend(part(&text("tags"), b"sun"));
    expected.extend(part(
        &format!("{}\r\nContent-Type: application/json", text("meta")),
        br#"{"author":"ann"}"#,
    ));
    expected.extend(part(&text("note"), b"keep"));
    expected.extend(part(&text("we%22ird%0Aname"), b"x"));
    expected.extend(format!("--{boundary}--\r\n").into_bytes());
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(request.body, expected);
}

#[tokio::test]
async fn the_boundary_never_occurs_in_a_part_and_a_map_body_becomes_parts() {
    let server = start(ResponseTemplate::new(204)).await;
    let mut fields = BTreeMap::new();
    fields.insert(
        "a".to_string(),
        "text with ----form-data-boundary-00000000 inside".to_string(),
    );
    fields.insert("b".to_string(), "2".to_string());
    client(&server)
        .operations()
        .post_fields(&fields)
        .await
        .unwrap();
    let request = only_request(&server).await;
    let boundary = boundary(header(&request, "content-type"));
    assert_eq!(boundary, "----form-data-boundary-00000001");
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ntext with ----form-data-boundary-00000000 inside\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8(request.body).unwrap(), expected);
}

#[tokio::test]
async fn bytes_go_out_and_come_back_unchanged() {
    let server = start(ResponseTemplate::new(204)).await;
    client(&server)
        .operations()
        .put_blob("a b", vec![0u8, 159, 146, 150, 255])
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(request.url.path(), "/blobs/a%20b");
    assert_eq!(header(&request, "content-type"), "application/octet-stream");
    assert_eq!(request.body, [0u8, 159, 146, 150, 255]);

    let server = start(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/octet-stream")
            .set_body_bytes(vec![255u8, 0, 10]),
    )
    .await;
    let blob = client(&server).operations().get_blob("x").await.unwrap();
    assert_eq!(blob.body().as_ref(), [255u8, 0, 10]);
    assert_eq!(
        header(&only_request(&server).await, "accept"),
        "application/octet-stream"
    );

    let server = start(ResponseTemplate::new(200).set_body_bytes(vec![137u8, 80, 78, 71])).await;
    let avatar = client(&server).operations().get_avatar().await.unwrap();
    assert_eq!(avatar.body().as_ref(), [137u8, 80, 78, 71]);
    assert_eq!(header(&only_request(&server).await, "accept"), "image/*");

    let server = start(ResponseTemplate::new(204)).await;
    client(&server)
        .operations()
        .put_avatar()
        .body(bytes::Bytes::from_static(b"\x89PNG"))
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), "image/png");
    assert_eq!(request.body, b"\x89PNG");
}

#[tokio::test]
async fn a_text_body_is_sent_as_utf8_and_json_is_preferred_over_xml() {
    let server =
        start(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "n1"}))).await;
    let stored = client(&server)
        .operations()
        .post_note("héllo")
        .await
        .unwrap();
    assert_eq!(stored.id, "n1");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), "text/plain");
    assert_eq!(header(&request, "accept"), "application/json");
    assert_eq!(request.body, "héllo".as_bytes());
}

#[tokio::test]
async fn text_that_is_not_utf8_is_replaced_not_refused() {
    let server = start(ResponseTemplate::new(200).set_body_bytes(vec![b'o', b'k', 0xff])).await;
    let token = client(&server)
        .operations()
        .login(&Credentials::default())
        .await
        .unwrap();
    assert_eq!(token.body(), "ok\u{fffd}");
}

#[tokio::test]
async fn each_status_gives_its_own_variant() {
    let cases = [
        (
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "j1"})),
            StartJobResponse::Ok(stored_id("j1")),
        ),
        (
            ResponseTemplate::new(202).set_body_json(serde_json::json!({"ticket": "t-9"})),
            StartJobResponse::Accepted(ticket("t-9")),
        ),
        (ResponseTemplate::new(204), StartJobResponse::NoContent),
        (
            ResponseTemplate::new(206).set_body_string("part"),
            StartJobResponse::Other(bytes::Bytes::from_static(b"part")),
        ),
    ];
    for (response, expected) in cases {
        let server = start(response).await;
        let job = client(&server).operations().start_job().await.unwrap();
        assert_eq!(job.into_body(), expected);
    }

    // A body that does not match the status's schema is a decode error with the status.
    let server =
        start(ResponseTemplate::new(202).set_body_json(serde_json::json!({"id": 1}))).await;
    let error = client(&server).operations().start_job().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(202));
    assert!(
        matches!(error, fixture_media::Error::Decode { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_range_response_takes_the_statuses_not_listed() {
    let server = start(ResponseTemplate::new(200).set_body_string("id,name\n")).await;
    let export = client(&server).operations().get_export().await.unwrap();
    assert_eq!(
        export.into_body(),
        GetExportResponse::Ok("id,name\n".to_string())
    );
    assert_eq!(
        header(&only_request(&server).await, "accept"),
        "text/plain, application/zip"
    );

    let server = start(ResponseTemplate::new(203).set_body_bytes(vec![80u8, 75, 3, 4])).await;
    let export = client(&server).operations().get_export().await.unwrap();
    assert_eq!(
        export.into_body(),
        GetExportResponse::Success(bytes::Bytes::from_static(&[80, 75, 3, 4]))
    );
}
