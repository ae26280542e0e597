//! `$ref`s to other files: the multi-file fixture in `tests/external/api/` generates (its
//! types and warnings are a reviewed snapshot), and broken references give located errors
//! that name the file they are in.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use generator::{Diagnostic, Generated, Options, Severity, SourceLoader};

/// Reads files relative to this crate, as `cargo xtask codegen` reads them relative to the
/// workspace.
struct Disk;

impl SourceLoader for Disk {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .map_err(|e| e.to_string())
    }
}

/// Files held in memory, by path.
struct Memory(BTreeMap<&'static str, &'static str>);

impl SourceLoader for Memory {
    fn load(&self, path: &str) -> Result<String, String> {
        self.0
            .get(path)
            .map(|text| (*text).to_string())
            .ok_or_else(|| "no such file".to_string())
    }
}

fn options(spec_path: &str) -> Options {
    Options {
        crate_name: None,
        spec_path: spec_path.to_string(),
        regenerate_command: "cargo xtask codegen".to_string(),
    }
}

fn fixture() -> Generated {
    let path = "tests/external/api/main.yaml";
    let spec = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("the fixture spec");
    match generator::generate_with_loader(&spec, &options(path), &Disk) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("the fixture does not generate:\n{}", text.join("\n"));
        }
    }
}

#[test]
fn a_spec_in_several_files_generates() {
    let generated = fixture();
    let types = &generated.files["src/types.rs"];
    // Adopted under the spec's name; copied under its own; renamed on a clash.
    for item in [
        "pub struct ApiError {",
        "pub struct Pet {",
        "pub struct Owner {",
        "pub type Tag = String;",
        "pub struct Tag2 {",
    ] {
        assert!(types.contains(item), "types.rs lacks `{item}`:\n{types}");
    }
    // A cycle across files (pet -> owner -> pet) and a file that refers to itself (`#`).
    assert!(types.contains("pub pets: Option<Vec<Pet>>,"), "{types}");
    assert!(types.contains("pub parent: Option<Box<Pet>>,"), "{types}");
    // The path item from paths/pets.yaml and the parameter from common/parameters.yaml.
    let pets = &generated.files["src/pets.rs"];
    assert!(pets.contains("pub fn list(&self)"), "{pets}");
    assert!(
        pets.contains("pub fn get(&self, pet_id: impl Into<String>)"),
        "{pets}"
    );
    assert_eq!(generated.stats.operations, 2);

    let mut text = String::new();
    for path in ["src/types.rs", "src/pets.rs"] {
        let _ = writeln!(text, "=== {path} ===");
        text.push_str(&generated.files[path]);
    }
    let _ = writeln!(text, "=== warnings ===");
    for warning in &generated.warnings {
        let _ = writeln!(text, "{warning}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn warnings_in_other_files_name_that_file_and_line() {
    let warnings: Vec<String> = fixture().warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "warning: `code` is listed as required but is not a property\n  --> tests/external/api/common/errors.yaml:8:7 (#/components/schemas/Error/required)",
            "warning: this component is copied into the spec's schemas as `Tag2`: the name `Tag` is taken\n  --> tests/external/api/common/errors.yaml:12:5 (#/components/schemas/Tag)",
        ]
    );
}

/// The errors of generating `main.yaml` in `specs/` with these other files.
fn errors(main: &str, files: &[(&'static str, &'static str)]) -> Vec<String> {
    let loader = Memory(files.iter().copied().collect());
    let result = generator::generate_with_loader(main, &options("specs/main.yaml"), &loader);
    let diagnostics: Vec<Diagnostic> = result.expect_err("generation fails");
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

fn with_schema_ref(reference: &str) -> String {
    format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '{reference}'\n"
    )
}

#[test]
fn a_missing_file_is_an_error_at_the_reference() {
    assert_eq!(
        errors(&with_schema_ref("common.yaml#/components/schemas/B"), &[]),
        [
            "error: cannot read `specs/common.yaml` (from `common.yaml#/components/schemas/B`): no such file\n  --> specs/main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
}

#[test]
fn a_pointer_that_is_not_in_the_file_is_an_error_at_the_reference() {
    assert_eq!(
        errors(
            &with_schema_ref("common.yaml#/components/schemas/Nope"),
            &[(
                "specs/common.yaml",
                "components:\n  schemas:\n    B: {type: string}\n"
            )]
        ),
        [
            "error: `specs/common.yaml` has nothing at `#/components/schemas/Nope`\n  --> specs/main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
    assert_eq!(
        errors(
            &with_schema_ref("common.yaml#/B"),
            &[("specs/common.yaml", "A: {type: string}\n")]
        ),
        [
            "error: `specs/common.yaml` has nothing at `#/B`\n  --> specs/main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
}

#[test]
fn a_file_that_is_not_yaml_is_an_error_in_that_file() {
    assert_eq!(
        errors(
            &with_schema_ref("common.yaml#/B"),
            &[("specs/common.yaml", "B:\n  type: string\n  type: integer\n")]
        ),
        [
            "error: duplicate key `type` in a mapping (this file is read for `common.yaml#/B`, which expects YAML or JSON)\n  --> specs/common.yaml:3:3 (#/B/type)"
        ]
    );
    assert_eq!(
        errors(
            &with_schema_ref("notes.txt"),
            &[("specs/notes.txt", "Just some notes.\n")]
        ),
        [
            "error: not a YAML or JSON document with a mapping at the top (read for `notes.txt`)\n  --> specs/notes.txt:1:1 (#)"
        ]
    );
}

#[test]
fn references_that_cannot_be_followed_are_errors() {
    let error = |reference: &str| errors(&with_schema_ref(reference), &[]);
    assert_eq!(
        error("../outside.yaml"),
        [
            "error: `../outside.yaml` leads out of the spec's folder (`specs`); only files in that folder and below it are read\n  --> specs/main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
    assert_eq!(
        error("https://example.com/a.yaml#/B"),
        [
            "error: `https://example.com/a.yaml#/B`: references to URLs are not supported; save the file next to the spec and refer to it by a relative path\n  --> specs/main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
    assert_eq!(
        error("/etc/a.yaml"),
        [
            "error: `/etc/a.yaml`: absolute file paths are not supported; refer to the file relative to the one that names it\n  --> specs/main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
    assert_eq!(
        error("a.yaml#B"),
        [
            "error: `a.yaml#B`: only JSON pointers (`#/...`) are supported after the `#`, not anchor names\n  --> specs/main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
}

#[test]
fn a_loop_of_copied_references_is_an_error() {
    let main = format!("{HEAD}paths:\n  /a:\n    $ref: a.yaml\n");
    assert_eq!(
        errors(
            &main,
            &[
                ("specs/a.yaml", "$ref: b.yaml\n"),
                ("specs/b.yaml", "$ref: a.yaml\n"),
            ]
        ),
        [
            "error: `a.yaml` leads back to itself through references that are copied in place; only components (and schemas) may refer to themselves\n  --> specs/b.yaml:1:1 (#/$ref)"
        ]
    );
}

#[test]
fn errors_in_other_files_name_that_file_and_line() {
    assert_eq!(
        errors(
            &with_schema_ref("common/types.yaml#/components/schemas/B"),
            &[(
                "specs/common/types.yaml",
                "components:\n  schemas:\n    B:\n      type: object\n      properties:\n        c:\n          type: strin\n"
            )]
        ),
        [
            "error: unknown type `strin`: expected one of string, number, integer, boolean, array, object; did you mean `string`?\n  --> specs/common/types.yaml:7:11 (#/components/schemas/B/properties/c/type)"
        ]
    );
}

#[test]
fn without_a_loader_other_files_are_an_error() {
    let result = generator::generate(
        &with_schema_ref("common.yaml#/components/schemas/B"),
        &options("main.yaml"),
    );
    let errors: Vec<String> = result
        .expect_err("generation fails")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "error: cannot read `common.yaml` (from `common.yaml#/components/schemas/B`): no other files can be read here (the caller gave no file loader)\n  --> main.yaml:10:11 (#/components/schemas/A/properties/b/$ref)"
        ]
    );
}

#[test]
fn a_reference_to_the_spec_by_its_own_file_name_is_local() {
    let spec = format!(
        "{HEAD}servers: [{{url: 'https://x.example'}}]\npaths: {{}}\ncomponents:\n  schemas:\n    B: {{type: object, properties: {{n: {{type: string}}}}}}\n    A:\n      type: object\n      properties:\n        b:\n          $ref: 'main.yaml#/components/schemas/B'\n        c:\n          $ref: './main.yaml#/components/schemas/B/properties/n'\n"
    );
    let generated = generator::generate_with_loader(
        &spec,
        &options("specs/main.yaml"),
        &Memory(BTreeMap::new()),
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub b: Option<B>,"), "{types}");
    // `#/components/schemas/B/properties/n` became the component `n`, and B's property
    // refers to it.
    assert!(types.contains("pub c: Option<N>,"), "{types}");
    assert!(types.contains("pub n: Option<N>,"), "{types}");
    assert!(types.contains("pub type N = String;"), "{types}");
}

/// Makes files on demand: `s<N>.yaml` is a schema with a property that refers to the next
/// file, up to `count`; `big.yaml` is `big` bytes of spaces.
struct Made {
    count: usize,
    big: usize,
}

impl SourceLoader for Made {
    fn load(&self, path: &str) -> Result<String, String> {
        if path.ends_with("big.yaml") {
            return Ok(" ".repeat(self.big));
        }
        let number: usize = path
            .rsplit('/')
            .next()
            .and_then(|name| name.strip_prefix('s'))
            .and_then(|name| name.strip_suffix(".yaml"))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("no such file: {path}"))?;
        if number + 1 < self.count {
            let next = number + 1;
            Ok(format!(
                "type: object\nproperties:\n  next:\n    $ref: 's{next}.yaml'\n  n{number}:\n    type: integer\n"
            ))
        } else {
            Ok("type: object\nproperties:\n  last:\n    type: string\n".to_string())
        }
    }
}

#[test]
fn thousands_of_files_are_read() {
    // A spec spread over 3,000 files: no count of files refuses it.
    let loader = Made {
        count: 3000,
        big: 0,
    };
    let generated = generator::generate_with_loader(
        &with_schema_ref("s0.yaml"),
        &options("spec/main.yaml"),
        &loader,
    );
    let generated = generated.unwrap_or_else(|diagnostics| {
        let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        panic!("does not generate:\n{}", text.join("\n"));
    });
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("pub last: Option<String>,"),
        "the last file is read"
    );
    assert!(
        types.contains("pub n2998: Option<i64>,"),
        "the last files are read"
    );
}

#[test]
fn files_beyond_the_bound_on_bytes_read_are_an_error_once() {
    let loader = Made {
        count: 0,
        big: 256 << 20,
    };
    let main = with_schema_ref("big.yaml");
    let errors: Vec<String> =
        match generator::generate_with_loader(&main, &options("spec/main.yaml"), &loader) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
        };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("would be more than 256 MiB in all"),
        "{errors:?}"
    );
}

#[test]
fn a_spec_beyond_the_bound_on_bytes_read_is_an_error() {
    let text = " ".repeat((256 << 20) + 1);
    let errors: Vec<String> = match generator::generate(&text, &options("spec/main.yaml")) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(
        errors,
        [
            "error: the spec is 268435457 bytes, more than the 256 MiB the generator reads\n  --> spec/main.yaml:1:1 (#)"
        ]
    );
}
