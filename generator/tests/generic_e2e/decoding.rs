//! Tests that `generator/tests/generic_e2e.rs` puts into the crate generated from
//! `tests/fixtures/decoding.yaml` (as its `tests/decoding.rs`) and runs there: structs read
//! through `decode::object!` read every input as serde's derive reads it (the same value or
//! the same error, position included), objects only; and through the client.

mod server;

use std::collections::BTreeMap;

use fixture_decoding::types::{Extras, Flags, Merged, Record, Shape};
use fixture_decoding::{Client, Error};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use server::Server;
use wiremock::ResponseTemplate;

/// `Record` and `Flags` as `#[derive(Deserialize)]` reads them: the oracle (of the same names,
/// for the same messages).
mod derived {
    use super::*;

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Record {
        id: String,
        r#type: String,
        #[serde(rename = "statusCode")]
        status_code: i32,
        #[serde(rename = "deletedAt")]
        deleted_at: Option<String>,
        #[serde(default = "twenty")]
        limit: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tags: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        labels: Option<BTreeMap<String, String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<Box<Record>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shape: Option<Shape>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        flags: Option<Flags>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Flags {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        archived: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pinned: Option<bool>,
    }

    fn twenty() -> i64 {
        20
    }
}

/// What reading `text` gives: the value written back as JSON, or the error's message.
fn outcome<T: for<'de> Deserialize<'de> + Serialize>(text: &str) -> Result<Value, String> {
    serde_json::from_str::<T>(text)
        .map(|value| serde_json::to_value(value).unwrap())
        .map_err(|error| error.to_string())
}

/// A record with every property, as JSON object members.
fn members() -> Vec<(&'static str, Value)> {
    vec![
        ("id", json!("r-1")),
        ("type", json!("plain")),
        ("statusCode", json!(200)),
        ("deletedAt", json!("2026-01-01")),
        ("limit", json!(50)),
        ("note", json!("a note")),
        ("tags", json!(["a", "b"])),
        ("labels", json!({"team": "core"})),
        (
            "parent",
            json!({"id": "r-0", "type": "root", "statusCode": 1, "deletedAt": null}),
        ),
        ("shape", json!({"kind": "circle", "radius": 2.5})),
        ("flags", json!({"archived": true})),
    ]
}

/// The JSON text of an object with `members` in that order (duplicates kept).
fn object(members: &[(&str, Value)]) -> String {
    let body: Vec<String> = members
        .iter()
        .map(|(name, value)| format!("{}:{}", json!(name), value))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// Inputs that differ from a whole record in one way each: every property absent, null,
/// of the wrong type, or given twice; properties the struct does not know, anywhere.
fn inputs() -> Vec<String> {
    let all = members();
    let mut inputs = vec![object(&all), "{}".to_string()];
    for index in 0..all.len() {
        let mut absent = all.clone();
        absent.remove(index);
        inputs.push(object(&absent));
        for replacement in [json!(null), json!({"nested": [1, 2]}), json!(7), json!("x")] {
            let mut changed = all.clone();
            changed[index].1 = replacement;
            inputs.push(object(&changed));
        }
        let mut twice = all.clone();
        twice.push(all[index].clone());
        inputs.push(object(&twice));
        let mut unknown = all.clone();
        unknown.insert(
            index,
            ("unknownProperty", json!({"deep": {"er": [null, {}]}})),
        );
        inputs.push(object(&unknown));
    }
    let mut reversed = all.clone();
    reversed.reverse();
    inputs.push(object(&reversed));
    // Only the required properties, with whitespace and an escaped name.
    inputs.push(
        r#" { "id" : "r-2", "typ\u0065" : "t", "statusCode" : 3, "deletedAt" : null } "#
            .to_string(),
    );
    // Not objects (arrays are left to the test below).
    for other in ["null", "1", "\"record\"", "true", "{", "{\"id\":", ""] {
        inputs.push(other.to_string());
    }
    inputs
}

#[test]
fn structs_read_every_input_as_the_derive_does() {
    let inputs = inputs();
    assert!(inputs.len() > 70, "{} inputs", inputs.len());
    let mut errors = 0;
    for text in &inputs {
        let ours = outcome::<Record>(text);
        let derived = outcome::<derived::Record>(text);
        assert_eq!(ours, derived, "reading {text}");
        errors += usize::from(ours.is_err());
    }
    // Both outcomes are exercised, and the messages name what went wrong.
    assert!(errors > 20 && errors < inputs.len() - 5, "{errors} errors");
    let missing = outcome::<Record>(r#"{"id":"a","type":"t","deletedAt":null}"#).unwrap_err();
    assert!(
        missing.starts_with("missing field `statusCode`"),
        "{missing}"
    );
    let twice = outcome::<Record>(r#"{"id":"a","id":"b"}"#).unwrap_err();
    assert!(twice.starts_with("duplicate field `id`"), "{twice}");
}

#[test]
fn absent_fields_read_as_none_or_their_default() {
    let record: Record =
        serde_json::from_str(r#"{"id":"a","type":"t","statusCode":1,"deletedAt":null}"#).unwrap();
    assert_eq!(record.limit, 20);
    assert_eq!(record.deleted_at, None);
    assert_eq!(record.note, None);
    assert_eq!(record.flags, None);
    // A required property that may be null reads as None when absent too, as with the derive.
    let record: Record = serde_json::from_str(r#"{"id":"a","type":"t","statusCode":1}"#).unwrap();
    assert_eq!(record.deleted_at, None);
    let flags: Flags = serde_json::from_str("{}").unwrap();
    assert_eq!(flags, Flags::default());
}

#[test]
fn a_struct_is_read_from_an_object_only() {
    // The derive also reads a struct from an array of its fields in order; an API sends
    // objects, and so the generated structs read objects only.
    let array = r#"["a","t",1,null,5]"#;
    assert!(serde_json::from_str::<derived::Record>(array).is_ok());
    let error = serde_json::from_str::<Record>(array)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("invalid type: sequence, expected struct Record"),
        "{error}"
    );
}

#[test]
fn values_read_from_a_json_value_as_from_text_and_write_back_as_read() {
    let text = object(&members());
    let value: Value = serde_json::from_str(&text).unwrap();
    let from_text: Record = serde_json::from_str(&text).unwrap();
    let from_value: Record = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(from_text, from_value);
    // Written back as read, with the default of the parent's absent `limit` filled in.
    let mut expected = value.clone();
    expected["parent"]["limit"] = json!(20);
    assert_eq!(serde_json::to_value(&from_value).unwrap(), expected);
    // The union's alternative is a struct read from the value the union holds.
    assert!(matches!(&from_value.shape, Some(Shape::Circle(c)) if c.radius == 2.5));
    let parent = from_value.parent.as_deref().unwrap();
    assert_eq!((parent.id.as_str(), parent.limit), ("r-0", 20));
    let error = serde_json::from_value::<Record>(json!({"id": 1})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: integer `1`, expected a string"
    );
}

#[test]
fn a_struct_with_further_properties_keeps_them() {
    let extras: Extras = serde_json::from_str(r#"{"name":"n","a":1,"b":2}"#).unwrap();
    assert_eq!(extras.name, "n");
    assert_eq!(
        extras.extra,
        BTreeMap::from([("a".into(), 1), ("b".into(), 2)])
    );
}

#[test]
fn a_struct_without_fields_reads_any_object() {
    let merged: Merged = serde_json::from_str(r#"{"meta":{"any":[1,2]},"other":true}"#).unwrap();
    assert!(merged.meta.is_some());
    let error = serde_json::from_str::<Merged>(r#"{"meta":5}"#).unwrap_err();
    assert!(
        error.to_string().starts_with("invalid type: integer `5`"),
        "{error}"
    );
}

#[tokio::test]
async fn the_client_reads_a_response_and_reports_a_body_it_cannot_read() {
    let body = object(&members());
    let server = Server::scripted(vec![
        ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"),
        ResponseTemplate::new(200).set_body_raw(r#"{"id":"a","type":"t"}"#, "application/json"),
    ])
    .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let record = client.operations().get_record("r-1").send().await.unwrap();
    assert_eq!(record.status_code, 200);
    assert_eq!(
        record.tags.as_deref(),
        Some(&["a".to_string(), "b".to_string()][..])
    );
    let error = client.operations().get_record("r-2").await.unwrap_err();
    match &error {
        Error::Decode { source, .. } => {
            assert!(source.to_string().starts_with("missing field `statusCode`"))
        }
        other => panic!("expected a decoding error, got {other:?}"),
    }
}
