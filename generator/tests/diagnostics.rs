//! Diagnostics as a user sees them: each spec in `tests/fixtures/errors/` is generated and
//! the rendered errors and warnings (message, file, line and column, the line of the spec
//! with the place marked, JSON pointer) are compared with the reviewed snapshot in
//! `tests/snapshots/diagnostics/`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use generator::{Diagnostic, Options, Severity};

/// Fixtures that are legal and generate, with warnings only.
const GENERATE_WITH_WARNINGS: &[&str] = &[
    "all_of_contradiction.yaml",
    "name_collision_renamed.yaml",
    "warnings.yaml",
    "webhook_without_type.yaml",
];

fn options(file: &str) -> Options {
    Options {
        crate_name: None,
        spec_path: file.to_string(),
        regenerate_command: "cargo xtask codegen".to_string(),
    }
}

/// Every diagnostic of a run, errors or warnings.
fn diagnostics(spec: &str, file: &str) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    match generator::generate(spec, &options(file)) {
        Ok(generated) => Ok(generated.warnings),
        Err(errors) => Err(errors),
    }
}

#[test]
fn fixtures() {
    let settings = {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/diagnostics");
        settings.set_prepend_module_to_snapshot(false);
        settings
    };
    settings.bind(|| {
        insta::glob!("fixtures/errors/*", |path| {
            let name = path.file_name().unwrap().to_str().unwrap();
            let file = format!("tests/fixtures/errors/{name}");
            let spec = std::fs::read_to_string(path).unwrap();
            let result = diagnostics(&spec, &file);
            let expect_ok = GENERATE_WITH_WARNINGS.contains(&name);
            assert_eq!(result.is_ok(), expect_ok, "{name}: {result:#?}");
            let list = match &result {
                Ok(list) | Err(list) => list,
            };
            assert!(!list.is_empty(), "{name} gives no diagnostic");
            for diagnostic in list {
                assert_eq!(diagnostic.file, file);
                assert!(diagnostic.line.is_some(), "{name}: {diagnostic}");
                assert!(diagnostic.column.is_some(), "{name}: {diagnostic}");
                assert!(diagnostic.pointer.starts_with('#'), "{name}: {diagnostic}");
            }
            if !expect_ok {
                assert!(list.iter().any(|d| d.severity == Severity::Error));
            }
            let rendered = generator::render_diagnostics(list, &|wanted| {
                (wanted == file).then(|| spec.as_str().into())
            });
            insta::assert_snapshot!(rendered);
        });
    });
}

#[test]
fn several_errors_are_all_reported_in_file_order() {
    let spec = include_str!("fixtures/errors/several_errors.yaml");
    let errors = diagnostics(spec, "several.yaml").unwrap_err();
    let errors: Vec<&Diagnostic> = errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let lines: Vec<usize> = errors.iter().map(|d| d.line.unwrap()).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(errors[0].message.contains("Userr"));
    assert!(errors[1].message.contains("duplicate operationId"));
    assert!(errors[2].message.contains("unknown type `int`"));
}

#[test]
fn the_renderer_is_keyed_by_file_name() {
    let diagnostics = [
        Diagnostic {
            severity: Severity::Error,
            file: "common.yaml".to_string(),
            pointer: "#/components/schemas/Id".to_string(),
            line: Some(2),
            column: Some(3),
            message: "first".to_string(),
        },
        Diagnostic {
            severity: Severity::Warning,
            file: "main.yaml".to_string(),
            pointer: "#/paths".to_string(),
            line: Some(1),
            column: Some(1),
            message: "second".to_string(),
        },
    ];
    let rendered = generator::render_diagnostics(&diagnostics, &|file| match file {
        "common.yaml" => Some("components:\n  schemas: {Id: 1}\n".into()),
        "main.yaml" => Some("paths: {}\n".into()),
        _ => None,
    });
    assert!(rendered.contains("--> common.yaml:2:3"), "{rendered}");
    assert!(rendered.contains("  schemas: {Id: 1}"), "{rendered}");
    assert!(rendered.contains("--> main.yaml:1:1"), "{rendered}");
    assert!(rendered.contains("paths: {}"), "{rendered}");
    let first = rendered.find("error: first").unwrap();
    let second = rendered.find("warning: second").unwrap();
    assert!(first < second);
}

/// A spec nested far deeper than any real one is refused with an error, not a stack
/// overflow: in flow syntax, and as a chain of references.
#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 10_000;
    let nested = format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{}}, \
         \"components\": {{\"schemas\": {{\"Deep\": {}{}}}}}}}",
        "{\"type\": \"array\", \"items\": ".repeat(depth),
        "{\"type\": \"string\"}".to_string() + &"}".repeat(depth)
    );
    let errors = diagnostics(&nested, "deep.json").unwrap_err();
    assert_eq!(
        errors[0].message, "the document is nested more than 128 levels deep",
        "{errors:#?}"
    );
    assert_eq!(errors[0].line, Some(1));

    let mut chain = String::from(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    for n in 0..depth {
        chain.push_str(&format!(
            "    S{n}:\n      type: array\n      items:\n        $ref: '#/components/schemas/S{}'\n",
            n + 1
        ));
    }
    chain.push_str(&format!("    S{depth}:\n      type: string\n"));
    // Arrays of arrays of ... strings: legal, if odd. What matters is that it returns.
    let result = diagnostics(&chain, "chain.yaml");
    if let Err(errors) = result {
        assert!(errors.iter().all(|d| d.line.is_some()), "{errors:#?}");
    }
}

/// The deepest nesting the reader allows must not exhaust the stack further on (parsing,
/// lowering, emitting, formatting), even on a test thread's small stack in a debug build.
#[test]
fn the_deepest_allowed_nesting_generates() {
    let head = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \
        \"servers\": [{\"url\": \"https://x\"}], \"paths\": {\"/a\": {\"get\": {\"operationId\": \"a\", \
        \"responses\": {\"200\": {\"description\": \"ok\", \"content\": {\"application/json\": \
        {\"schema\": {\"$ref\": \"#/components/schemas/Deep\"}}}}}}}}, \"components\": {\"schemas\": {\"Deep\": ";
    let tail = "}}}";
    // Close to the reader's limit of 128 levels (the document, components and schemas
    // take three).
    let arrays = 122;
    let spec = format!(
        "{head}{}{{\"type\": \"string\"}}{}{tail}",
        "{\"type\": \"array\", \"items\": ".repeat(arrays),
        "}".repeat(arrays)
    );
    let result = generator::generate(&spec, &options("arrays.json"));
    assert!(result.is_ok(), "{:#?}", result.err());
    let objects = 61;
    let spec = format!(
        "{head}{}{{\"type\": \"string\"}}{}{tail}",
        "{\"type\": \"object\", \"properties\": {\"a\": ".repeat(objects),
        "}}".repeat(objects)
    );
    let result = generator::generate(&spec, &options("objects.json"));
    assert!(result.is_ok(), "{:#?}", result.err());
    let too_deep = format!(
        "{head}{}{{\"type\": \"string\"}}{}{tail}",
        "{\"type\": \"array\", \"items\": ".repeat(arrays + 10),
        "}".repeat(arrays + 10)
    );
    let errors = generator::generate(&too_deep, &options("deeper.json")).unwrap_err();
    assert!(
        errors[0].message.contains("nested more than"),
        "{errors:#?}"
    );
}
