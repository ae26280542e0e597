//! Tests that `generator/tests/generic_e2e.rs` puts into the crate generated from
//! `tests/fixtures/one_of_values.yaml` (as its `tests/one_of_values.rs`) and runs there: unions
//! told apart by values decode to the alternative the value names, and write back as read.

use fixture_one_of_values::types::{Disk, Either, Source, State};
use serde_json::{json, Value};

fn disk(source: Value, state: &str) -> Disk {
    serde_json::from_value(json!({"state": state, "source": source})).unwrap()
}

#[test]
fn each_alternative_is_read_by_its_tag_value() {
    let blank = disk(json!({"type": "blank", "block_size": 512}), "ready");
    assert!(matches!(&blank.source, Source::Blank(b) if b.block_size == 512));
    let image = disk(json!({"type": "image", "image_id": "i-1"}), "ready");
    assert!(matches!(&image.source, Source::ImageSource(i) if i.image_id == "i-1"));
    // Tried in turn, this one was read as an `image` whose type the client did not know.
    let global = disk(json!({"type": "global_image", "image_id": "g-1"}), "ready");
    assert!(matches!(&global.source, Source::GlobalImage(g) if g.image_id == "g-1"));
}

#[test]
fn a_tag_value_the_client_does_not_know_is_kept_whole() {
    let source = json!({"type": "snapshot", "snapshot_id": "s-1"});
    let read = disk(source.clone(), "creating");
    assert!(matches!(&read.source, Source::Unknown(v) if *v == source));
    let written = serde_json::to_value(&read).unwrap();
    assert_eq!(written["source"], source);
}

#[test]
fn values_write_back_as_read() {
    for source in [
        json!({"type": "blank", "block_size": 4096}),
        json!({"type": "image", "image_id": "i-2"}),
        json!({"type": "global_image", "image_id": "g-2"}),
    ] {
        let read = disk(source.clone(), "faulted");
        assert_eq!(serde_json::to_value(&read).unwrap()["source"], source);
    }
}

#[test]
fn alternatives_of_one_value_each_are_one_enum() {
    assert_eq!(
        disk(json!({"type": "blank", "block_size": 1}), "creating").state,
        State::Creating
    );
    assert_eq!(
        disk(json!({"type": "blank", "block_size": 1}), "ready").state,
        State::Ready
    );
    assert_eq!(
        disk(json!({"type": "blank", "block_size": 1}), "resizing").state,
        State::Unknown("resizing".to_string())
    );
    assert_eq!(State::Faulted.as_str(), "faulted");
}

#[test]
fn alternatives_that_share_a_value_are_still_tried_in_turn() {
    let either: Either = serde_json::from_value(json!({"kind": "same", "b": "x"})).unwrap();
    assert!(matches!(either, Either::Variant2(v) if v.b == "x"));
}
