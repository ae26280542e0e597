//! Turns an OpenAPI 3.0 description into the files of a Rust client crate.
//!
//! The generator is pure: spec text in, a sorted map of relative path to file text out.
//! Only the `xtask` touches the disk. The steps: [`parse`] (YAML or JSON into the typed
//! OpenAPI model, keeping line numbers), [`lower`] (into the plain-data [`model`], names
//! chosen and references resolved), [`emit`] (into formatted Rust).

mod context;
mod diagnostic;
mod emit;
mod lower;
pub mod model;
mod naming;
mod parse;
mod render;
mod shape;
mod yaml;

use std::collections::BTreeMap;

pub use diagnostic::{Diagnostic, Severity};
pub use render::{render_diagnostics, render_diagnostics_styled};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Crate name to emit; `None` takes the spec's `info.x-crate-name`, else
    /// `<slug of info.title>-client`.
    pub crate_name: Option<String>,
    /// Path of the spec as shown in do-not-edit headers and diagnostics.
    pub spec_path: String,
    /// The command named in the do-not-edit header of every file.
    pub regenerate_command: String,
}

/// Counts reported by a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub operations: usize,
    pub types: usize,
}

/// A generated crate.
#[derive(Debug, Clone)]
pub struct Generated {
    pub crate_name: String,
    /// Relative path (`Cargo.toml`, `src/lib.rs`, ...) to file text.
    pub files: BTreeMap<String, String>,
    pub warnings: Vec<Diagnostic>,
    pub stats: Stats,
}

/// Generates a client crate from spec text (YAML or JSON). On failure, every error found
/// (sorted by position in the file) comes back, warnings after them.
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated, Vec<Diagnostic>> {
    on_own_stack(&options.spec_path, &|| generate_here(spec_text, options))
}

/// Parses and lowers a spec into the intermediate model, with the warnings found on the way.
pub fn model(
    spec_text: &str,
    options: &Options,
) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    on_own_stack(&options.spec_path, &|| model_here(spec_text, options))
}

/// Stack of the thread the generator runs on. A spec may nest as deep as the reader
/// allows (128 levels); serde, lowering and formatting recurse through that, which takes
/// several megabytes in a debug build: more than a test thread or an async worker has.
/// The memory is reserved, not used, until needed.
const STACK_SIZE: usize = 64 << 20;

/// Runs `work` on a thread of its own with a stack of [`STACK_SIZE`], so that the depth
/// a spec may reach does not depend on the caller's stack. Should the thread not start,
/// `work` runs here. A panic (a bug: there should be none) becomes an error.
fn on_own_stack<T: Send>(
    file: &str,
    work: &(dyn Fn() -> Result<T, Vec<Diagnostic>> + Sync),
) -> Result<T, Vec<Diagnostic>> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("generator".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, work);
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(vec![Diagnostic {
                    severity: Severity::Error,
                    file: file.to_string(),
                    pointer: "#".to_string(),
                    line: None,
                    column: None,
                    message: "internal error: the generator panicked on this spec; please report it with the spec".to_string(),
                }])
            }),
            Err(_) => work(),
        }
    })
}

fn generate_here(spec_text: &str, options: &Options) -> Result<Generated, Vec<Diagnostic>> {
    let (api, mut warnings) = model_here(spec_text, options)?;
    let files = emit::emit(&api).map_err(|message| {
        vec![Diagnostic {
            severity: Severity::Error,
            file: options.spec_path.clone(),
            pointer: "#".to_string(),
            line: None,
            column: None,
            message: format!("internal error while emitting Rust code: {message}"),
        }]
    })?;
    warnings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Generated {
        crate_name: api.crate_name.clone(),
        stats: Stats {
            operations: api.resources.iter().map(|r| r.operations.len()).sum(),
            types: api.types.len(),
        },
        files,
        warnings,
    })
}

fn model_here(
    spec_text: &str,
    options: &Options,
) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let document = parse::parse(spec_text, &options.spec_path).map_err(|d| vec![d])?;
    let mut ctx = context::Ctx {
        spec: &document.spec,
        raw: &document.raw,
        map: &document.map,
        file: &options.spec_path,
        diagnostics: Vec::new(),
    };
    let api = lower::lower(&mut ctx, options);
    let mut diagnostics = ctx.diagnostics;
    diagnostics.sort_by(|a, b| (a.severity, a.sort_key()).cmp(&(b.severity, b.sort_key())));
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(diagnostics);
    }
    Ok((api, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Options {
        Options {
            crate_name: None,
            spec_path: "spec.yaml".to_string(),
            regenerate_command: "cargo xtask codegen".to_string(),
        }
    }

    #[test]
    fn schemas_that_alias_each_other_are_an_error_with_a_place() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B:\n      type: array\n      items:\n        $ref: '#/components/schemas/A'\n";
        let errors = generate(spec, &options()).err().unwrap_or_default();
        let rendered: Vec<String> = errors
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            rendered,
            [
                "error: schemas refer to each other with no object in between (A -> B -> A): no Rust type can hold such a value; put an object with a property somewhere in the cycle\n  --> spec.yaml:6:5 (#/components/schemas/A)"
            ]
        );
    }

    #[test]
    fn a_struct_in_the_cycle_is_fine() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: array\n      items:\n        $ref: '#/components/schemas/Node'\n    Node:\n      type: object\n      properties:\n        children:\n          $ref: '#/components/schemas/A'\n";
        let generated = generate(spec, &options());
        assert!(generated.is_ok(), "{:?}", generated.err());
    }
}
