//! Checking that a webhook request really comes from the API (the `webhooks` feature).
//!
//! The API signs each webhook the Standard Webhooks way. Three headers come with the body:
//! the message id (`svix-id` or `webhook-id`: the same on every redelivery, so it is the key
//! to drop duplicates by), the time of signing in Unix seconds (`svix-timestamp` or
//! `webhook-timestamp`) and the signatures (`svix-signature` or `webhook-signature`): entries
//! `v1,<base64>` separated by spaces, several while a secret is being rotated. Each `v1`
//! signature is the HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the secret's
//! base64-decoded part after `whsec_`.
//!
//! [`Webhook::verify`] checks, in this order: the three headers are there, the timestamp is
//! a number, one `v1` signature matches (compared in constant time), the timestamp is within
//! the tolerance of now (five minutes by default, either way), and the body is JSON. Each
//! failure is its own [`WebhookError`]. Verify the raw bytes as received: a body parsed and
//! written again no longer matches its signature.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use sha2::Sha256;

/// What a signing secret starts with.
const SECRET_PREFIX: &str = "whsec_";

/// The signature scheme this module checks; entries of other versions are skipped.
const SIGNATURE_VERSION: &str = "v1";

/// The three headers, each under its two names: the one Svix sends, then the Standard
/// Webhooks one.
const ID_HEADERS: [&str; 2] = ["svix-id", "webhook-id"];
const TIMESTAMP_HEADERS: [&str; 2] = ["svix-timestamp", "webhook-timestamp"];
const SIGNATURE_HEADERS: [&str; 2] = ["svix-signature", "webhook-signature"];

/// How far the timestamp may be from now, either way, unless
/// [`Webhook::with_tolerance`] says otherwise.
const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Standard base64, with or without the trailing `=`.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Verifies webhook requests signed with one secret (the `whsec_...` secret the API shows
/// for the endpoint). Cheap to clone; the secret never appears in `Debug` output.
///
/// ```ignore
/// let webhook = Webhook::new(std::env::var("WEBHOOK_SECRET")?)?;
/// // In the handler, with the request's headers and its body exactly as received:
/// let event = webhook.verify(&headers, &body)?;
/// if already_handled(&event.id) {
///     return Ok(()); // a redelivery
/// }
/// println!("{}", event.payload["type"]);
/// ```
#[derive(Clone)]
pub struct Webhook {
    key: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secret", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// A webhook whose signature and timestamp were checked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifiedWebhook<T = serde_json::Value> {
    /// The message id: the same on every redelivery of a message, a key to drop duplicates
    /// by.
    pub id: String,
    /// When the message was signed, in seconds since 1970-01-01 UTC.
    pub timestamp: i64,
    /// The body, decoded.
    pub payload: T,
}

/// Why a webhook request was not accepted.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret given to [`Webhook::new`] is not `whsec_` followed by base64.
    InvalidSecret,
    /// A header is missing; named by its `svix-` spelling (the `webhook-` one is accepted
    /// too).
    MissingHeader(&'static str),
    /// A header is not visible ASCII text; named by its `svix-` spelling.
    InvalidHeader(&'static str),
    /// The timestamp is not a whole number of seconds.
    InvalidTimestamp,
    /// The timestamp is further in the past than the tolerance allows: a replay, or a
    /// delivery held up for long.
    StaleTimestamp {
        /// How long ago the message was signed.
        age: Duration,
    },
    /// The timestamp is further in the future than the tolerance allows.
    FutureTimestamp {
        /// How far ahead of now the timestamp is.
        ahead: Duration,
    },
    /// No `v1` signature matches the body with this secret: the body was changed, the
    /// secret is another endpoint's, or the request was not signed by the API.
    NoMatchingSignature,
    /// The signature is right but the body is not the JSON expected.
    InvalidPayload(serde_json::Error),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidSecret => {
                f.write_str("the webhook secret is not `whsec_` followed by base64")
            }
            Self::MissingHeader(name) => write!(
                f,
                "the webhook request has no `{name}` header (nor `{}`)",
                other_spelling(name)
            ),
            Self::InvalidHeader(name) => {
                write!(f, "the webhook's `{name}` header is not visible ASCII text")
            }
            Self::InvalidTimestamp => {
                f.write_str("the webhook's timestamp is not a whole number of seconds")
            }
            Self::StaleTimestamp { age } => write!(
                f,
                "the webhook was signed {} s ago, longer than the tolerance allows",
                age.as_secs()
            ),
            Self::FutureTimestamp { ahead } => write!(
                f,
                "the webhook's timestamp is {} s ahead of now, more than the tolerance allows",
                ahead.as_secs()
            ),
            Self::NoMatchingSignature => {
                f.write_str("no `v1` signature of the webhook matches its body and the secret")
            }
            Self::InvalidPayload(error) => {
                write!(f, "the webhook's body is not the JSON expected: {error}")
            }
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidPayload(error) => Some(error),
            _ => None,
        }
    }
}

/// The `webhook-` name of a header named by its `svix-` one.
fn other_spelling(name: &str) -> String {
    match name.strip_prefix("svix-") {
        Some(rest) => format!("webhook-{rest}"),
        None => name.to_string(),
    }
}

impl Webhook {
    /// A verifier for the secret the API shows for a webhook endpoint: `whsec_` followed by
    /// base64 (whitespace around it is ignored). A secret without the prefix is refused,
    /// so that a value pasted from elsewhere (an API key, say) fails here and not on every
    /// delivery.
    pub fn new(secret: impl AsRef<str>) -> Result<Self, WebhookError> {
        let secret = secret.as_ref().trim();
        let encoded = secret
            .strip_prefix(SECRET_PREFIX)
            .ok_or(WebhookError::InvalidSecret)?;
        let key = BASE64
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret)?;
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(Self {
            key,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// How far the timestamp may be from now, in the past or the future (five minutes by
    /// default).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a webhook request and gives its id, timestamp and JSON body. `body` must be
    /// the bytes as received.
    pub fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<VerifiedWebhook<serde_json::Value>, WebhookError> {
        self.verify_as(headers, body)
    }

    /// Checks a webhook request like [`Webhook::verify`] and decodes its body into `T`.
    pub fn verify_as<T: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<VerifiedWebhook<T>, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    fn verify_at<T: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<VerifiedWebhook<T>, WebhookError> {
        let id = header(headers, ID_HEADERS)?;
        let timestamp_text = header(headers, TIMESTAMP_HEADERS)?;
        let timestamp: i64 = timestamp_text
            .parse()
            .map_err(|_| WebhookError::InvalidTimestamp)?;
        // The signature headers, each possibly repeated: every value is a list of entries.
        let mut signatures = Vec::new();
        for name in SIGNATURE_HEADERS {
            for value in headers.get_all(name) {
                let text = value
                    .to_str()
                    .map_err(|_| WebhookError::InvalidHeader(SIGNATURE_HEADERS[0]))?;
                signatures.push(text);
            }
        }
        if signatures.is_empty() {
            return Err(WebhookError::MissingHeader(SIGNATURE_HEADERS[0]));
        }
        if !self.signature_matches(id, timestamp_text, body, &signatures) {
            return Err(WebhookError::NoMatchingSignature);
        }
        self.check_time(timestamp, now)?;
        let payload = serde_json::from_slice(body).map_err(WebhookError::InvalidPayload)?;
        Ok(VerifiedWebhook {
            id: id.to_string(),
            timestamp,
            payload,
        })
    }

    /// Whether one `v1` entry of the signature lists is the MAC of the signed content.
    fn signature_matches(&self, id: &str, timestamp: &str, body: &[u8], lists: &[&str]) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return false;
        };
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        lists
            .iter()
            .flat_map(|list| list.split_ascii_whitespace())
            .filter_map(|entry| entry.split_once(','))
            .filter(|(version, _)| *version == SIGNATURE_VERSION)
            .filter_map(|(_, signature)| BASE64.decode(signature).ok())
            // `verify_slice` compares in constant time.
            .any(|signature| mac.clone().verify_slice(&signature).is_ok())
    }

    /// Refuses a timestamp further from `now` than the tolerance.
    fn check_time(&self, timestamp: i64, now: SystemTime) -> Result<(), WebhookError> {
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(since) => i128::from(since.as_secs()),
            Err(_) => 0,
        };
        let offset = now - i128::from(timestamp);
        let distance =
            Duration::from_secs(u64::try_from(offset.unsigned_abs()).unwrap_or(u64::MAX));
        if distance <= self.tolerance {
            Ok(())
        } else if offset > 0 {
            Err(WebhookError::StaleTimestamp { age: distance })
        } else {
            Err(WebhookError::FutureTimestamp { ahead: distance })
        }
    }
}

/// The text of the first of the header's two names that is present.
fn header<'h>(headers: &'h HeaderMap, names: [&'static str; 2]) -> Result<&'h str, WebhookError> {
    let value = names
        .iter()
        .find_map(|name| headers.get(*name))
        .ok_or(WebhookError::MissingHeader(names[0]))?;
    value
        .to_str()
        .map_err(|_| WebhookError::InvalidHeader(names[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    use reqwest::header::HeaderValue;

    /// The key of [`SECRET`], base64-decoded.
    const KEY: &[u8] = b"a key of thirty-two bytes, fixed";
    const SECRET: &str = "whsec_YSBrZXkgb2YgdGhpcnR5LXR3byBieXRlcywgZml4ZWQ=";
    const NOW: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"type":"email.sent","data":{"email_id":"e-1"}}"#;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW as u64)
    }

    fn sign(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    fn signed(prefix: &str, id: &str, timestamp: i64, body: &[u8]) -> HeaderMap {
        let timestamp = timestamp.to_string();
        let signature = format!("v1,{}", sign(KEY, id, &timestamp, body));
        let mut map = HeaderMap::new();
        for (name, value) in [
            ("id", id),
            ("timestamp", &timestamp),
            ("signature", &signature),
        ] {
            let name =
                reqwest::header::HeaderName::from_bytes(format!("{prefix}-{name}").as_bytes())
                    .expect("a header name");
            map.insert(name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    fn webhook() -> Webhook {
        Webhook::new(SECRET).expect("a valid secret")
    }

    fn verify(headers: &HeaderMap, body: &[u8]) -> Result<VerifiedWebhook, WebhookError> {
        webhook().verify_at(headers, body, now())
    }

    #[test]
    fn the_test_secret_decodes_to_the_test_key() {
        assert_eq!(webhook().key, KEY);
    }

    #[test]
    fn a_signed_webhook_is_accepted_under_either_spelling() {
        for prefix in ["svix", "webhook"] {
            let verified = verify(&signed(prefix, "msg_1", NOW, BODY), BODY).expect(prefix);
            assert_eq!(verified.id, "msg_1");
            assert_eq!(verified.timestamp, NOW);
            assert_eq!(verified.payload["data"]["email_id"], "e-1");
        }
    }

    #[test]
    fn verify_as_decodes_into_the_callers_type() {
        #[derive(serde::Deserialize)]
        struct Event {
            r#type: String,
        }
        let event: VerifiedWebhook<Event> = webhook()
            .verify_at(&signed("svix", "msg_1", NOW, BODY), BODY, now())
            .expect("verified");
        assert_eq!(event.payload.r#type, "email.sent");
        let wrong =
            webhook().verify_at::<Vec<u8>>(&signed("svix", "msg_1", NOW, BODY), BODY, now());
        assert!(
            matches!(wrong, Err(WebhookError::InvalidPayload(_))),
            "{wrong:?}"
        );
    }

    #[test]
    fn secrets_must_be_prefixed_base64() {
        for secret in [
            "",
            "whsec_",
            "whsec_!!!",
            "YSBrZXkgb2YgdGhpcnR5LXR3byBieXRlcywgZml4ZWQ=",
            "sk_123456",
        ] {
            assert!(
                matches!(Webhook::new(secret), Err(WebhookError::InvalidSecret)),
                "{secret:?}"
            );
        }
        // Padding may be left out, and whitespace around the secret is ignored.
        let unpadded =
            Webhook::new(" whsec_YSBrZXkgb2YgdGhpcnR5LXR3byBieXRlcywgZml4ZWQ\n").expect("unpadded");
        assert_eq!(unpadded.key, KEY);
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let text = format!("{:?}", webhook());
        assert!(text.contains("<redacted>"), "{text}");
        assert!(!text.contains("YSBr") && !text.contains("thirty"), "{text}");
    }

    #[test]
    fn any_v1_entry_may_match() {
        let mut map = signed("svix", "msg_1", NOW, BODY);
        let right = map["svix-signature"].to_str().expect("ascii").to_string();
        let wrong = format!(
            "v1,{}",
            sign(b"another key", "msg_1", &NOW.to_string(), BODY)
        );
        let list = format!("v1a,xyz {wrong}  v2,abc , {right}");
        map.insert(
            "svix-signature",
            HeaderValue::from_str(&list).expect("value"),
        );
        assert!(verify(&map, BODY).is_ok());
    }

    #[test]
    fn malformed_signature_lists_match_nothing() {
        let good = sign(KEY, "msg_1", &NOW.to_string(), BODY);
        for list in [
            String::new(),
            " ".to_string(),
            format!("v2,{good}"),
            format!("v1{good}"),
            format!("v1,{good}x"),
            "v1,".to_string(),
            "v1,,,,".to_string(),
            ",".to_string(),
        ] {
            let mut map = signed("svix", "msg_1", NOW, BODY);
            map.insert(
                "svix-signature",
                HeaderValue::from_str(&list).expect("value"),
            );
            assert!(
                matches!(verify(&map, BODY), Err(WebhookError::NoMatchingSignature)),
                "{list:?}"
            );
        }
    }

    #[test]
    fn each_part_of_the_signed_content_counts() {
        let map = signed("svix", "msg_1", NOW, BODY);
        let tampered = br#"{"type":"email.sent","data":{"email_id":"e-2"}}"#;
        assert!(matches!(
            verify(&map, tampered),
            Err(WebhookError::NoMatchingSignature)
        ));
        let mut other_id = map.clone();
        other_id.insert("svix-id", HeaderValue::from_static("msg_2"));
        assert!(matches!(
            verify(&other_id, BODY),
            Err(WebhookError::NoMatchingSignature)
        ));
        let mut other_time = map;
        other_time.insert("svix-timestamp", HeaderValue::from_static("1700000001"));
        assert!(matches!(
            verify(&other_time, BODY),
            Err(WebhookError::NoMatchingSignature)
        ));
    }

    #[test]
    fn timestamps_are_checked_both_ways() {
        let tolerance = DEFAULT_TOLERANCE.as_secs() as i64;
        for edge in [NOW - tolerance, NOW + tolerance] {
            assert!(
                verify(&signed("svix", "m", edge, BODY), BODY).is_ok(),
                "{edge}"
            );
        }
        match verify(&signed("svix", "m", NOW - tolerance - 1, BODY), BODY) {
            Err(WebhookError::StaleTimestamp { age }) => assert_eq!(age.as_secs(), 301),
            other => panic!("{other:?}"),
        }
        match verify(&signed("svix", "m", NOW + tolerance + 1, BODY), BODY) {
            Err(WebhookError::FutureTimestamp { ahead }) => assert_eq!(ahead.as_secs(), 301),
            other => panic!("{other:?}"),
        }
        let lenient = webhook().with_tolerance(Duration::from_secs(3600));
        let old = signed("svix", "m", NOW - 3000, BODY);
        assert!(
            lenient
                .verify_at::<serde_json::Value>(&old, BODY, now())
                .is_ok()
        );
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        for timestamp in [i64::MIN, i64::MAX, 0, -1] {
            let result = verify(&signed("svix", "m", timestamp, BODY), BODY);
            assert!(
                matches!(
                    result,
                    Err(WebhookError::StaleTimestamp { .. } | WebhookError::FutureTimestamp { .. })
                ),
                "{timestamp}: {result:?}"
            );
        }
        let before_1970 = UNIX_EPOCH - Duration::from_secs(10);
        let result = webhook().verify_at::<serde_json::Value>(
            &signed("svix", "m", NOW, BODY),
            BODY,
            before_1970,
        );
        assert!(matches!(result, Err(WebhookError::FutureTimestamp { .. })));
    }

    #[test]
    fn garbage_headers_are_errors() {
        for timestamp in ["", "soon", "1.5", "99999999999999999999999", "0x10", " 1"] {
            let map = headers(&[
                ("svix-id", "m"),
                ("svix-timestamp", timestamp),
                ("svix-signature", "v1,abc"),
            ]);
            assert!(
                matches!(verify(&map, BODY), Err(WebhookError::InvalidTimestamp)),
                "{timestamp:?}"
            );
        }
        let mut map = signed("svix", "m", NOW, BODY);
        map.insert(
            "svix-id",
            HeaderValue::from_bytes(b"caf\xc3\xa9").expect("opaque bytes"),
        );
        assert!(matches!(
            verify(&map, BODY),
            Err(WebhookError::InvalidHeader("svix-id"))
        ));
        let mut map = signed("svix", "m", NOW, BODY);
        map.append(
            "svix-signature",
            HeaderValue::from_bytes(b"v1,\xff").expect("opaque bytes"),
        );
        assert!(matches!(
            verify(&map, BODY),
            Err(WebhookError::InvalidHeader("svix-signature"))
        ));
    }

    #[test]
    fn missing_headers_are_named() {
        for (missing, named) in [
            ("svix-id", "svix-id"),
            ("svix-timestamp", "svix-timestamp"),
            ("svix-signature", "svix-signature"),
        ] {
            let mut map = signed("svix", "m", NOW, BODY);
            map.remove(missing);
            match verify(&map, BODY) {
                Err(error @ WebhookError::MissingHeader(name)) => {
                    assert_eq!(name, named);
                    let text = error.to_string();
                    assert!(text.contains(named), "{text}");
                    assert!(text.contains(&named.replace("svix-", "webhook-")), "{text}");
                }
                other => panic!("{missing}: {other:?}"),
            }
        }
    }

    #[test]
    fn bodies_that_are_not_json_are_refused_after_the_signature() {
        for body in [&b""[..], b"not json", b"\xff\xfe", b"{\"a\":"] {
            let map = signed("svix", "m", NOW, body);
            match verify(&map, body) {
                Err(error @ WebhookError::InvalidPayload(_)) => {
                    assert!(std::error::Error::source(&error).is_some());
                }
                other => panic!("{body:?}: {other:?}"),
            }
        }
    }
}
