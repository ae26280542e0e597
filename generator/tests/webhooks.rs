//! Webhook signature verification of the generated Resend client (`resend_client::Webhook`,
//! the `webhooks` feature), without a network.
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
