//! Webhook signature verification of the generated Resend client (`resend_client::Webhook`,
//! the `webhooks` feature), and the decoding of verified bodies into the event enum the spec's
//! `x-webhooks` describe (`resend_client::webhook_events::Event`), without a network.
//!
//! Every signature here is computed by the test itself, with `hmac`, `sha2` and `base64`
//! directly, the way the API's documentation describes it: HMAC-SHA256 over
//! `{id}.{timestamp}.{body}`, keyed with the base64-decoded part of the secret after
//! `whsec_`, sent as `v1,<base64>`. The client's code only checks them.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use resend_client::reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use resend_client::types::EmailDeliveredEventType;
use resend_client::webhook_events::Event;
use resend_client::{VerifiedWebhook, Webhook, WebhookError};
use serde_json::json;
use sha2::Sha256;

/// The endpoint's signing key, and an older one (as during a rotation).
const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
const OLD_KEY: &[u8] = b"an older key that was rotated out";

const ID: &str = "msg_2bVhkVQcHbKyPBgzWDsnNtQCeqN";
const BODY: &[u8] = br#"{"type":"email.delivered","created_at":"2026-12-04T16:00:00.000Z","data":{"email_id":"56761188-7520-42d8-8898-ff6fc54ce618","to":["delivered@resend.dev"]}}"#;

/// A secret as the API shows it: `whsec_` and the key in base64.
fn secret(key: &[u8]) -> String {
    format!("whsec_{}", STANDARD.encode(key))
}

fn webhook() -> Webhook {
    Webhook::new(secret(KEY)).expect("a whsec_ secret is accepted")
}

/// Seconds since 1970, now, shifted by `offset` seconds.
fn now_plus(offset: i64) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    i64::try_from(now).expect("seconds fit") + offset
}

/// The base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under `key`.
fn signature(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> String {
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(&content);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The three headers under one spelling (`svix` or `webhook`), values as given.
fn headers(prefix: &str, id: &str, timestamp: &str, signatures: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in [
        ("id", id),
        ("timestamp", timestamp),
        ("signature", signatures),
    ] {
        let name = HeaderName::from_bytes(format!("{prefix}-{name}").as_bytes())
            .expect("a valid header name");
        map.insert(
            name,
            HeaderValue::from_str(value).expect("a valid header value"),
        );
    }
    map
}

/// The headers of `body` sent `offset` seconds from now and signed with `key`.
fn signed(prefix: &str, key: &[u8], offset: i64, body: &[u8]) -> HeaderMap {
    let timestamp = now_plus(offset).to_string();
    let signatures = format!("v1,{}", signature(key, ID, &timestamp, body));
    headers(prefix, ID, &timestamp, &signatures)
}

#[test]
fn a_signed_webhook_gives_its_id_timestamp_and_payload() {
    let before = now_plus(0);
    let verified = webhook()
        .verify(&signed("svix", KEY, 0, BODY), BODY)
        .expect("a correctly signed webhook is accepted");
    assert_eq!(verified.id, ID);
    assert!(
        (before..=now_plus(0)).contains(&verified.timestamp),
        "{}",
        verified.timestamp
    );
    assert_eq!(verified.payload["type"], "email.delivered");
    assert_eq!(
        verified.payload["data"]["to"],
        json!(["delivered@resend.dev"])
    );
}

#[test]
fn both_header_spellings_are_accepted() {
    for prefix in ["svix", "webhook"] {
        let verified = webhook()
            .verify(&signed(prefix, KEY, 0, BODY), BODY)
            .unwrap_or_else(|error| panic!("{prefix}-* headers: {error}"));
        assert_eq!(verified.id, ID, "{prefix}");
    }
}

#[test]
fn verify_as_decodes_the_payload_into_a_type_of_the_callers() {
    #[derive(Debug, serde::Deserialize)]
    struct Event {
        r#type: String,
        data: EventData,
    }
    #[derive(Debug, serde::Deserialize)]
    struct EventData {
        email_id: String,
    }
    let event: VerifiedWebhook<Event> = webhook()
        .verify_as(&signed("svix", KEY, 0, BODY), BODY)
        .expect("the body fits the type");
    assert_eq!(event.payload.r#type, "email.delivered");
    assert_eq!(
        event.payload.data.email_id,
        "56761188-7520-42d8-8898-ff6fc54ce618"
    );
    assert_eq!(event.id, ID);

    // A body that is JSON but not of that shape.
    let other = br#"{"type":"email.delivered"}"#;
    let result = webhook().verify_as::<Event>(&signed("svix", KEY, 0, other), other);
    assert!(
        matches!(result, Err(WebhookError::InvalidPayload(_))),
        "{result:?}"
    );
}

#[test]
fn during_a_rotation_any_listed_signature_may_match() {
    let timestamp = now_plus(0).to_string();
    let old = signature(OLD_KEY, ID, &timestamp, BODY);
    let new = signature(KEY, ID, &timestamp, BODY);
    let map = headers("svix", ID, &timestamp, &format!("v1,{old} v1,{new}"));
    webhook()
        .verify(&map, BODY)
        .expect("the second signature matches the current secret");

    // The old secret's verifier accepts the same request through the first entry.
    let old_verifier = Webhook::new(secret(OLD_KEY)).expect("a valid secret");
    old_verifier
        .verify(&map, BODY)
        .expect("the first signature matches the old secret");

    // Only the old entry: the current secret finds no match.
    let map = headers("svix", ID, &timestamp, &format!("v1,{old}"));
    let result = webhook().verify(&map, BODY);
    assert!(
        matches!(result, Err(WebhookError::NoMatchingSignature)),
        "{result:?}"
    );
}

#[test]
fn timestamps_six_minutes_off_are_refused_either_way() {
    match webhook().verify(&signed("svix", KEY, -360, BODY), BODY) {
        Err(WebhookError::StaleTimestamp { age }) => {
            assert!((359..=362).contains(&age.as_secs()), "{age:?}");
        }
        other => panic!("a webhook signed 6 minutes ago: {other:?}"),
    }
    match webhook().verify(&signed("webhook", KEY, 360, BODY), BODY) {
        Err(WebhookError::FutureTimestamp { ahead }) => {
            assert!((358..=361).contains(&ahead.as_secs()), "{ahead:?}");
        }
        other => panic!("a webhook signed 6 minutes ahead: {other:?}"),
    }
    // Four minutes either way is within the default five.
    for offset in [-240, 240] {
        webhook()
            .verify(&signed("svix", KEY, offset, BODY), BODY)
            .unwrap_or_else(|error| panic!("{offset} s: {error}"));
    }
    // A tolerance of one's own.
    let lenient = webhook().with_tolerance(Duration::from_secs(600));
    lenient
        .verify(&signed("svix", KEY, -360, BODY), BODY)
        .expect("6 minutes is within 10");
    let strict = webhook().with_tolerance(Duration::from_secs(60));
    let result = strict.verify(&signed("svix", KEY, -120, BODY), BODY);
    assert!(
        matches!(result, Err(WebhookError::StaleTimestamp { .. })),
        "{result:?}"
    );
}

#[test]
fn a_tampered_body_is_refused() {
    let map = signed("svix", KEY, 0, BODY);
    let tampered = String::from_utf8(BODY.to_vec())
        .expect("UTF-8")
        .replace("delivered@", "someone-else@");
    let result = webhook().verify(&map, tampered.as_bytes());
    assert!(
        matches!(result, Err(WebhookError::NoMatchingSignature)),
        "{result:?}"
    );
    // The same JSON written again (other spacing) is a different body too.
    let rewritten = serde_json::to_vec_pretty(
        &serde_json::from_slice::<serde_json::Value>(BODY).expect("JSON"),
    )
    .expect("JSON");
    let result = webhook().verify(&map, &rewritten);
    assert!(
        matches!(result, Err(WebhookError::NoMatchingSignature)),
        "{result:?}"
    );
}

#[test]
fn another_secret_is_refused() {
    let map = signed("svix", KEY, 0, BODY);
    let other = Webhook::new(secret(b"the key of another endpoint")).expect("a valid secret");
    let result = other.verify(&map, BODY);
    assert!(
        matches!(result, Err(WebhookError::NoMatchingSignature)),
        "{result:?}"
    );
}

#[test]
fn each_missing_header_is_named() {
    for prefix in ["svix", "webhook"] {
        for part in ["id", "timestamp", "signature"] {
            let mut map = signed(prefix, KEY, 0, BODY);
            map.remove(format!("{prefix}-{part}").as_str());
            match webhook().verify(&map, BODY) {
                Err(error @ WebhookError::MissingHeader(name)) => {
                    assert_eq!(name, format!("svix-{part}"));
                    let text = error.to_string();
                    assert!(
                        text.contains(&format!("svix-{part}"))
                            && text.contains(&format!("webhook-{part}")),
                        "{text}"
                    );
                }
                other => panic!("without {prefix}-{part}: {other:?}"),
            }
        }
    }
}

#[test]
fn a_signed_body_that_is_not_json_is_refused() {
    for body in [&b"hello"[..], b"", b"{\"type\":", b"\xff\xfe\xfd"] {
        let result = webhook().verify(&signed("svix", KEY, 0, body), body);
        match result {
            Err(error @ WebhookError::InvalidPayload(_)) => {
                assert!(std::error::Error::source(&error).is_some(), "{error}");
            }
            other => panic!("{body:?}: {other:?}"),
        }
    }
}

#[test]
fn garbage_headers_give_errors_not_panics() {
    let timestamp = now_plus(0).to_string();
    let good = signature(KEY, ID, &timestamp, BODY);
    for bad in ["yesterday", "", "1e9", "12345678901234567890123", "-"] {
        let signed_bad = signature(KEY, ID, bad, BODY);
        let map = headers("svix", ID, bad, &format!("v1,{signed_bad}"));
        let result = webhook().verify(&map, BODY);
        assert!(
            matches!(result, Err(WebhookError::InvalidTimestamp)),
            "timestamp {bad:?}: {result:?}"
        );
    }
    for list in [
        format!("v2,{good}"),
        String::new(),
        "   ".to_string(),
        "v1,".to_string(),
        "v1".to_string(),
        format!("v1{good}"),
        format!("v1,{good}===="),
        "v1,not base64 at all".to_string(),
        ",,, v1,,".to_string(),
    ] {
        let map = headers("svix", ID, &timestamp, &list);
        let result = webhook().verify(&map, BODY);
        assert!(
            matches!(result, Err(WebhookError::NoMatchingSignature)),
            "signatures {list:?}: {result:?}"
        );
    }
    // Header values that are not text.
    let mut map = signed("svix", KEY, 0, BODY);
    map.insert(
        "svix-id",
        HeaderValue::from_bytes(b"msg_\xe2\x82\xac").expect("opaque bytes are a header value"),
    );
    let result = webhook().verify(&map, BODY);
    assert!(
        matches!(result, Err(WebhookError::InvalidHeader("svix-id"))),
        "{result:?}"
    );
    // A timestamp far beyond any date.
    let far = i64::MAX.to_string();
    let map = headers(
        "svix",
        ID,
        &far,
        &format!("v1,{}", signature(KEY, ID, &far, BODY)),
    );
    let result = webhook().verify(&map, BODY);
    assert!(
        matches!(result, Err(WebhookError::FutureTimestamp { .. })),
        "{result:?}"
    );
}

#[test]
fn secrets_must_be_whsec_and_base64() {
    for bad in [
        "",
        "whsec_",
        "whsec_***",
        "re_123",
        "MDEyMzQ1Njc4OWFiY2RlZg==",
    ] {
        let result = Webhook::new(bad);
        assert!(
            matches!(result, Err(WebhookError::InvalidSecret)),
            "{bad:?}: {result:?}"
        );
    }
}

#[test]
fn the_secret_never_appears_in_debug_output() {
    let text = format!("{:?}", webhook());
    let encoded = STANDARD.encode(KEY);
    assert!(!text.contains(&encoded), "{text}");
    assert!(!text.contains("0123456789abcdef"), "{text}");
    assert!(text.contains("redacted"), "{text}");
}

/// A whole `email.delivered` body as the API's description gives it: the event type, when it
/// happened, and the email it is about.
const DELIVERED: &[u8] = br#"{"type":"email.delivered","created_at":"2026-12-04T16:00:01.000Z","data":{"email_id":"56761188-7520-42d8-8898-ff6fc54ce618","created_at":"2026-12-04T16:00:00.000Z","from":"Acme <onboarding@example.com>","to":["delivered@example.com"],"subject":"Your order has shipped","tags":{"category":"shipping"}}}"#;

#[test]
fn verify_event_decodes_a_delivered_email_into_its_variant() {
    let verified = webhook()
        .verify_event(&signed("svix", KEY, 0, DELIVERED), DELIVERED)
        .expect("a signed email.delivered body is an event");
    assert_eq!(verified.id, ID);
    assert_eq!(verified.payload.event_type(), "email.delivered");
    let Event::EmailDelivered(event) = verified.payload else {
        panic!("not EmailDelivered: {:?}", verified.payload);
    };
    assert_eq!(event.r#type, EmailDeliveredEventType::EmailDelivered);
    assert_eq!(event.created_at, "2026-12-04T16:00:01.000Z");
    assert_eq!(event.data.email_id, "56761188-7520-42d8-8898-ff6fc54ce618");
    assert_eq!(event.data.from, "Acme <onboarding@example.com>");
    assert_eq!(event.data.to, ["delivered@example.com"]);
    assert_eq!(event.data.subject, "Your order has shipped");
    assert_eq!(
        event
            .data
            .tags
            .as_ref()
            .and_then(|tags| tags.get("category"))
            .map(String::as_str),
        Some("shipping")
    );
    assert_eq!(event.data.broadcast_id, None);
}

#[test]
fn an_event_type_the_client_does_not_know_is_unknown_and_kept_whole() {
    let body = br#"{"type":"email.teleported","created_at":"2026-12-04T16:00:01.000Z","data":{"where":"the moon"}}"#;
    let verified = webhook()
        .verify_event(&signed("svix", KEY, 0, body), body)
        .expect("an unknown event type is still an event");
    assert_eq!(verified.payload.event_type(), "email.teleported");
    let Event::Unknown(value) = &verified.payload else {
        panic!("not Unknown: {:?}", verified.payload);
    };
    assert_eq!(value["data"]["where"], "the moon");
    // Written back, it is the body as received.
    let written = serde_json::to_value(&verified.payload).expect("an event serializes");
    assert_eq!(
        written,
        serde_json::from_slice::<serde_json::Value>(body).expect("JSON")
    );

    // No `type` at all: also `Unknown`, with an empty event type.
    let untyped = br#"{"data":{}}"#;
    let verified = webhook()
        .verify_event(&signed("svix", KEY, 0, untyped), untyped)
        .expect("a body without a type is an unknown event");
    assert!(matches!(verified.payload, Event::Unknown(_)));
    assert_eq!(verified.payload.event_type(), "");
}

#[test]
fn a_known_event_type_with_a_body_that_does_not_fit_is_an_error() {
    // `email.delivered` without the email's required `from` and `subject`.
    let body = br#"{"type":"email.delivered","created_at":"2026-12-04T16:00:01.000Z","data":{"email_id":"e","to":[]}}"#;
    let error = webhook()
        .verify_event(&signed("svix", KEY, 0, body), body)
        .expect_err("a known type must fit its variant");
    assert!(
        matches!(error, WebhookError::InvalidPayload(_)),
        "{error:?}"
    );
}

#[test]
fn every_event_type_of_the_description_has_a_variant() {
    // The 17 event types of the API's description, each decoded from a minimal body of its
    // own kind and written back with its type.
    let email = json!({"email_id": "e", "created_at": "t", "from": "f", "to": ["a@example.com"], "subject": "s"});
    let mut bounced = email.clone();
    bounced["bounce"] =
        json!({"diagnosticCode": [], "message": "m", "subType": "General", "type": "Permanent"});
    let mut clicked = email.clone();
    clicked["click"] = json!({"ipAddress": "203.0.113.7", "link": "https://example.com", "timestamp": "t", "userAgent": "u"});
    let mut failed = email.clone();
    failed["failed"] = json!({"reason": "reached_daily_quota"});
    let mut suppressed = email.clone();
    suppressed["suppressed"] = json!({"diagnosticCode": [], "message": "m", "reason": "previous_bounce", "type": "Suppressed"});
    let received = json!({"email_id": "e", "created_at": "t", "from": "f", "to": [], "subject": "s", "message_id": "<m@example.com>", "bcc": [], "cc": [], "attachments": [{"id": "a"}]});
    let contact = json!({"id": "c", "created_at": "t", "updated_at": "t", "email": "c@example.com", "unsubscribed": false});
    let domain = json!({"id": "d", "name": "example.com", "status": "verified", "created_at": "t", "region": "us-east-1", "records": [{"record": "SPF", "name": "send", "value": "v", "type": "TXT", "ttl": "Auto", "status": "verified"}]});
    let cases = [
        ("email.sent", &email),
        ("email.delivered", &email),
        ("email.delivery_delayed", &email),
        ("email.bounced", &bounced),
        ("email.complained", &email),
        ("email.opened", &email),
        ("email.clicked", &clicked),
        ("email.failed", &failed),
        ("email.scheduled", &email),
        ("email.suppressed", &suppressed),
        ("email.received", &received),
        ("contact.created", &contact),
        ("contact.updated", &contact),
        ("contact.deleted", &contact),
        ("domain.created", &domain),
        ("domain.updated", &domain),
        ("domain.deleted", &domain),
    ];
    for (event_type, data) in cases {
        let body = json!({"type": event_type, "created_at": "t", "data": data});
        let event: Event = serde_json::from_value(body.clone())
            .unwrap_or_else(|error| panic!("{event_type}: {error}"));
        assert!(
            !matches!(event, Event::Unknown(_)),
            "{event_type}: {event:?}"
        );
        assert_eq!(event.event_type(), event_type);
        let written = serde_json::to_value(&event).expect("an event serializes");
        assert_eq!(written["type"], event_type);
        assert_eq!(written["data"]["created_at"], "t", "{event_type}");
    }
}
