//! The change report (`generator::review`): one spec edit per kind of API change, each with
//! its verdict and its report text snapshotted; the version rule; and the locality of
//! generated diffs (a small spec edit gives a small diff, a reordering none).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/api_edits.rs"]
mod api_edits;

use std::collections::BTreeMap;

use api_edits::{BASE, EDITS, generate};
use generator::{Generated, Level, Options};

fn surface(generated: &Generated) -> &str {
    &generated.files[generator::surface::FILE]
}

#[test]
fn every_kind_of_change_gets_its_verdict() {
    let base = generate(BASE);
    let mut wrong = Vec::new();
    for edit in EDITS {
        let edited = generate(&edit.apply().unwrap());
        let report = generator::review(surface(&base), &edited).unwrap();
        if report.level() != edit.level {
            wrong.push(format!(
                "{}: {:?}, expected {:?}\n{}",
                edit.name,
                report.level(),
                edit.level,
                report.to_text()
            ));
        }
        insta::assert_snapshot!(edit.name, format!("{}\n\n{}", edit.what, report.to_text()));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_same_spec_reports_no_change() {
    let base = generate(BASE);
    let report = generator::review(surface(&base), &base).unwrap();
    assert!(report.changes.is_empty(), "{}", report.to_text());
    assert!(report.version_ok);
    assert_eq!(report.level(), None);
}

/// A change needs a version at least as high as Cargo's rules say; the report says which.
#[test]
fn the_version_must_follow_the_change() {
    let base = generate(BASE);
    let with_version = |edit: &str, version: &str| {
        let edit = EDITS.iter().find(|e| e.name == edit).unwrap();
        let spec = edit.apply().unwrap().replace(
            "x-crate-version: 1.0.0",
            &format!("x-crate-version: {version}"),
        );
        generator::review(surface(&base), &generate(&spec)).unwrap()
    };
    // Breaking at 1.0.0: 2.0.0 or later.
    for (version, ok) in [
        ("1.0.0", false),
        ("1.0.1", false),
        ("1.1.0", false),
        ("2.0.0", true),
    ] {
        let report = with_version("remove_operation", version);
        assert_eq!(report.version_ok, ok, "{version}: {}", report.to_text());
        assert_eq!(report.required_version, "2.0.0");
    }
    // Additive at 1.0.0: 1.1.0.
    for (version, ok) in [("1.0.0", false), ("1.0.5", false), ("1.1.0", true)] {
        let report = with_version("add_operation", version);
        assert_eq!(report.version_ok, ok, "{version}: {}", report.to_text());
    }
    // Behaviour only: a patch.
    assert!(with_version("change_path", "1.0.1").version_ok);
    assert!(!with_version("change_path", "1.0.0").version_ok);
    // No API change: the version may stay.
    assert!(with_version("change_description", "1.0.0").version_ok);

    // Below 1.0, Cargo takes 0.x.0 -> 0.(x+1).0 as breaking and a patch as additive.
    let zero = BASE.replace("x-crate-version: 1.0.0", "x-crate-version: 0.3.1");
    let base = generate(&zero);
    let edit = EDITS
        .iter()
        .find(|e| e.name == "remove_enum_value")
        .unwrap();
    let edited = |version: &str| {
        let spec = edit.apply().unwrap().replace(
            "x-crate-version: 1.0.0",
            &format!("x-crate-version: {version}"),
        );
        generator::review(surface(&base), &generate(&spec)).unwrap()
    };
    let report = edited("0.3.2");
    assert!(!report.version_ok);
    assert_eq!(report.required_version, "0.4.0");
    assert!(
        report.to_text().contains(
            "The crate's version is 0.3.2, which is too low: set `info.x-crate-version` in the spec to 0.4.0 or higher."
        ),
        "{}",
        report.to_text()
    );
    assert!(edited("0.4.0").version_ok);
}

#[test]
fn the_markdown_report_is_a_table() {
    let base = generate(BASE);
    let edit = EDITS.iter().find(|e| e.name == "rename_operation").unwrap();
    let spec = edit
        .apply()
        .unwrap()
        .replace("x-crate-version: 1.0.0", "x-crate-version: 2.0.0");
    let report = generator::review(surface(&base), &generate(&spec)).unwrap();
    insta::assert_snapshot!(report.to_markdown());
}

#[test]
fn an_unreadable_record_is_an_error_not_a_guess() {
    let base = generate(BASE);
    for bad in ["", "{", "{\"format\": 99}", "[1, 2]", "{\"format\": 1}"] {
        assert!(generator::review(bad, &base).is_err(), "{bad:?}");
    }
}

/// Lines added or removed between two generated crates, by file.
fn changed_lines(a: &Generated, b: &Generated) -> BTreeMap<String, usize> {
    let mut changed = BTreeMap::new();
    let paths: std::collections::BTreeSet<&String> = a.files.keys().chain(b.files.keys()).collect();
    for path in paths {
        let old = a.files.get(path).map_or("", String::as_str);
        let new = b.files.get(path).map_or("", String::as_str);
        let diff = similar::TextDiff::from_lines(old, new);
        let count = diff
            .iter_all_changes()
            .filter(|c| c.tag() != similar::ChangeTag::Equal)
            .count();
        if count > 0 {
            changed.insert(path.clone(), count);
        }
    }
    changed
}

/// One optional field is a small diff in at most two files (the type, and the record of
/// the API), for a request type (with its setter) and a response type alike.
#[test]
fn one_optional_field_is_a_small_diff() {
    let base = generate(BASE);
    for name in ["add_optional_request_field", "add_response_field"] {
        let edit = EDITS.iter().find(|e| e.name == name).unwrap();
        let edited = generate(&edit.apply().unwrap());
        let changed = changed_lines(&base, &edited);
        let total: usize = changed.values().sum();
        assert!(
            changed.len() <= 2 && total <= 20,
            "{name}: {total} lines in {} files: {changed:?}",
            changed.len()
        );
        assert!(changed.contains_key("src/types.rs"), "{changed:?}");
    }
}

/// The entries of one map of the spec (`  schemas:` at the given indent), in reverse.
fn reverse_entries(spec: &str, header: &str, indent: usize) -> String {
    let start = spec.find(header).unwrap() + header.len();
    let rest = &spec[start..];
    let entry_prefix = " ".repeat(indent);
    // The map ends at the first line indented less than its entries.
    let mut end = rest.len();
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let indent_of = line.len() - line.trim_start().len();
        if !line.trim().is_empty() && indent_of < indent {
            end = offset;
            break;
        }
        offset += line.len();
    }
    let body = &rest[..end];
    let mut entries: Vec<String> = Vec::new();
    for line in body.split_inclusive('\n') {
        let is_key = line.starts_with(&entry_prefix)
            && !line[indent..].starts_with(' ')
            && !line.trim().is_empty();
        match entries.last_mut() {
            Some(entry) if !is_key => entry.push_str(line),
            _ => entries.push(line.to_string()),
        }
    }
    entries.reverse();
    format!("{}{}{}", &spec[..start], entries.concat(), &rest[end..])
}

/// Reordering the entries of `components` (schemas, responses, the sections themselves)
/// changes no generated file. (Operations keep the order of `paths`: it is the order of
/// the docs.)
#[test]
fn reordering_component_entries_changes_nothing() {
    let base = generate(BASE);
    let reordered = reverse_entries(BASE, "  schemas:\n", 4);
    assert_ne!(reordered, BASE);
    let reordered = reverse_entries(&reordered, "\ncomponents:\n", 2);
    let moved = generate(&reordered);
    assert_eq!(
        changed_lines(&base, &moved),
        BTreeMap::new(),
        "reordered spec:\n{reordered}"
    );
    // The same for the Resend spec's schemas: a real document of 200 types.
    let resend = include_str!("../../spec/resend.yaml");
    let options = |spec_path: &str| Options {
        crate_name: None,
        spec_path: spec_path.to_string(),
        regenerate_command: "cargo xtask codegen".to_string(),
    };
    let loader = SpecFolder;
    let a = generator::generate_with_loader(resend, &options("spec/resend.yaml"), &loader)
        .map_err(|e| e.len())
        .unwrap();
    let b = generator::generate_with_loader(
        &reverse_entries(resend, "\n  schemas:\n", 4),
        &options("spec/resend.yaml"),
        &loader,
    )
    .map_err(|e| e.len())
    .unwrap();
    assert_eq!(changed_lines(&a, &b), BTreeMap::new());
}

/// Reads the files the Resend spec refers to, from the workspace.
struct SpecFolder;

impl generator::SourceLoader for SpecFolder {
    fn load(&self, path: &str) -> Result<String, String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::read_to_string(root.join(path)).map_err(|e| e.to_string())
    }
}

#[test]
fn levels_are_ordered_by_what_they_ask() {
    assert!(Level::Breaking < Level::Additive && Level::Additive < Level::Compatible);
}
