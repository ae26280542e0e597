//! Any text into the generator: it must return files, or errors that each name a line,
//! and the renderer must cope with whatever comes back. A panic anywhere (libFuzzer
//! aborts on one) or a run past libFuzzer's `-timeout` is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = generator::Options {
        crate_name: None,
        spec_path: "fuzzed.yaml".to_string(),
        regenerate_command: "cargo xtask codegen".to_string(),
    };
    let diagnostics = match generator::generate(text, &options) {
        Ok(generated) => {
            assert!(!generated.files.is_empty(), "generated no files");
            generated.warnings
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "failed without saying why");
            for error in &errors {
                if error.severity == generator::Severity::Error {
                    assert!(error.line.is_some(), "error without a line: {error}");
                    assert!(
                        error.pointer.starts_with('#'),
                        "error without a pointer: {error}"
                    );
                }
            }
            errors
        }
    };
    let rendered = generator::render_diagnostics(&diagnostics, &|_| Some(text.into()));
    assert_eq!(rendered.is_empty(), diagnostics.is_empty());
});
