//! Turns an OpenAPI 3.0 or 3.1 description into the files of a Rust client crate.
//!
//! The generator is pure: spec text in, a sorted map of relative path to file text out.
//! Only the `xtask` touches the disk; other files a spec refers to come through a
//! [`SourceLoader`] the caller gives. The steps: `parse` (YAML or JSON into the typed
//! OpenAPI model, keeping line numbers; other files bundled in by `bundle`, 3.1 rewritten
//! into 3.0 by `normalize`), `lower` (into the plain-data [`model`](mod@model), names chosen and
//! references resolved), `emit` (into formatted Rust).

mod bundle;
mod context;
mod diagnostic;
mod emit;
mod json;
mod lower;
pub mod model;
mod naming;
mod normalize;
mod parse;
mod pointer;
mod render;
mod runtime_names;
mod shape;
mod sources;
pub mod surface;
mod tree;
mod yaml;

use std::collections::BTreeMap;

pub use bundle::{NoFiles, SourceLoader};
pub use diagnostic::{Concern, Diagnostic, Severity};
pub use emit::runtime_paths;
pub use render::{render_diagnostics, render_diagnostics_styled, render_each};
pub use surface::{Change, ChangeReport, Level, Surface};

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
    /// The crate's public API, as written to [`surface::FILE`].
    pub surface: Surface,
}

/// What the crate about to be written changes for its users, against the API recorded
/// beside the crate already there (the text of its [`surface::FILE`]). An error: that
/// record cannot be read (another layout version, or not a record at all).
pub fn review(previous_surface: &str, generated: &Generated) -> Result<ChangeReport, String> {
    let previous = Surface::from_json(previous_surface)?;
    ChangeReport::new(&previous, &generated.surface)
}

/// Generates a client crate from spec text (YAML or JSON). On failure, every error found
/// (sorted by file and position) comes back, warnings after them. A `$ref` to another file
/// is an error here: use [`generate_with_loader`] to allow them.
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated, Vec<Diagnostic>> {
    generate_with_loader(spec_text, options, &NoFiles)
}

/// [`generate`], reading the other files the spec refers to (`$ref: common.yaml#/...`)
/// through `loader`, by paths relative to the folder of [`Options::spec_path`].
pub fn generate_with_loader(
    spec_text: &str,
    options: &Options,
    loader: &dyn SourceLoader,
) -> Result<Generated, Vec<Diagnostic>> {
    on_own_stack(&options.spec_path, &|| {
        generate_here(spec_text, options, loader)
    })
}

fn generate_here(
    spec_text: &str,
    options: &Options,
    loader: &dyn SourceLoader,
) -> Result<Generated, Vec<Diagnostic>> {
    // Lowering reads the names the runtime reserves (`runtime_names`): a scan of the
    // templates' tokens, once per process and cheap enough to need no thread of its own.
    let (api, mut warnings) = model_here(spec_text, options, loader)?;
    let settings = emit::Settings {
        spec_path: &options.spec_path,
        regenerate_command: &options.regenerate_command,
    };
    let mut files = emit::emit(&api, settings).map_err(|message| {
        vec![Diagnostic::internal(
            &options.spec_path,
            format!("internal error while emitting Rust code: {message}"),
        )]
    })?;
    sort_diagnostics(&mut warnings, &options.spec_path);
    let provenance = format!(
        "by `{}` from {}; do not edit by hand. The next run compares the API with this record to report what changed.",
        options.regenerate_command, options.spec_path
    );
    let surface = Surface::of(&api, provenance);
    files.insert(surface::FILE.to_string(), surface.to_json());
    Ok(Generated {
        surface,
        crate_name: api.crate_name.clone(),
        stats: Stats {
            operations: api.resources.iter().map(|r| r.operations.len()).sum(),
            types: api.types.len(),
        },
        files,
        warnings,
    })
}

/// Parses and lowers a spec into the intermediate model, with the warnings found on the way.
pub fn model(
    spec_text: &str,
    options: &Options,
) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    model_with_loader(spec_text, options, &NoFiles)
}

/// [`model()`], reading other files through `loader` (see [`generate_with_loader`]).
pub fn model_with_loader(
    spec_text: &str,
    options: &Options,
    loader: &dyn SourceLoader,
) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    on_own_stack(&options.spec_path, &|| {
        model_here(spec_text, options, loader)
    })
}

/// Stack of the thread the generator runs on. A spec may nest as deep as the reader
/// allows (128 levels); serde, lowering and formatting recurse through that, which takes
/// several megabytes in a debug build: more than a test thread or an async worker has.
/// The memory is reserved, not used, until needed.
pub(crate) const STACK_SIZE: usize = 64 << 20;

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
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|payload| Err(vec![Diagnostic::panic(file, payload.as_ref())])),
            Err(_) => work(),
        }
    })
}

fn model_here(
    spec_text: &str,
    options: &Options,
    loader: &dyn SourceLoader,
) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let document = parse::parse(spec_text, &options.spec_path, loader).map_err(|mut d| {
        sort_diagnostics(&mut d, &options.spec_path);
        d
    })?;
    let mut ctx = context::Ctx {
        spec: &document.spec,
        raw: &document.raw,
        sources: &document.sources,
        diagnostics: document.warnings.clone(),
        dangling: Default::default(),
    };
    let api = lower::lower(&mut ctx, options);
    let mut diagnostics = ctx.diagnostics.into_vec();
    sort_diagnostics(&mut diagnostics, &options.spec_path);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(diagnostics);
    }
    Ok((api, diagnostics))
}

/// Errors first, then by file (the spec before the files it refers to) and position; a
/// diagnostic found twice (a part of the spec copied to two places) is kept once.
fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>, spec_path: &str) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.severity, d.file != spec_path, d.file.clone());
        (key(a), a.sort_key()).cmp(&(key(b), b.sort_key()))
    });
    diagnostics.dedup();
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

    fn rendered(spec: &str) -> Vec<String> {
        let diagnostics = match generate(spec, &options()) {
            Ok(generated) => generated.warnings,
            Err(diagnostics) => diagnostics,
        };
        diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn versions_other_than_3_0_and_3_1_are_refused() {
        assert_eq!(
            rendered("openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n"),
            [
                "error: unsupported OpenAPI version `3.2.0`: expected 3.0.x or 3.1.x\n  --> spec.yaml:1:1 (#/openapi)"
            ]
        );
        // 3.1 without `paths` is a document too.
        assert_eq!(
            rendered(
                "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://x.example'}]\n"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn header_parameters_the_client_owns() {
        let spec = |name: &str, required: bool| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\nservers: [{{url: 'https://x.example'}}]\npaths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - {{name: {name}, in: header, required: {required}, schema: {{type: string}}}}\n      responses:\n        '204': {{description: ok}}\n"
            )
        };
        // OpenAPI says these are ignored, required or not.
        assert_eq!(
            rendered(&spec("Authorization", true)),
            [
                "warning: header parameter `Authorization` is ignored, as OpenAPI says: the client sets this header itself (authentication comes from `securitySchemes`)\n  --> spec.yaml:9:12 (#/paths/~1a/get/parameters/0/name)"
            ]
        );
        assert_eq!(rendered(&spec("accept", false)).len(), 1);
        assert_eq!(
            rendered(&spec("Host", false)),
            [
                "warning: header parameter `Host` is one the client sets itself: it is left out\n  --> spec.yaml:9:12 (#/paths/~1a/get/parameters/0/name)"
            ]
        );
        assert_eq!(
            rendered(&spec("Host", true)),
            [
                "error: header parameter `Host` is one the client sets itself; a required one cannot be honoured, remove it\n  --> spec.yaml:9:12 (#/paths/~1a/get/parameters/0/name)"
            ]
        );
    }

    #[test]
    fn a_struct_in_the_cycle_is_fine() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: array\n      items:\n        $ref: '#/components/schemas/Node'\n    Node:\n      type: object\n      properties:\n        children:\n          $ref: '#/components/schemas/A'\n";
        let generated = generate(spec, &options());
        assert!(generated.is_ok(), "{:?}", generated.err());
    }

    fn errors_of(spec: &str) -> Vec<String> {
        generate(spec, &options())
            .err()
            .unwrap_or_default()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect()
    }

    const HEAD: &str =
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    /// The warnings of a spec that generates (an error is a test failure).
    fn warnings_of(spec: &str) -> Vec<String> {
        match generate(spec, &options()) {
            Ok(generated) => generated
                .warnings
                .iter()
                .map(ToString::to_string)
                .filter(|w| !w.contains("no `servers`"))
                .collect(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn all_of_members_that_contradict_on_a_property_are_a_warning_at_the_second() {
        let spec = format!(
            "{HEAD}    Base:\n      type: object\n      properties:\n        id:\n          type: string\n    Child:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            id:\n              type: integer\n"
        );
        assert_eq!(
            warnings_of(&spec),
            [
                "warning: property `id` cannot be both an integer (this `allOf` member) and a string (the member at `spec.yaml:9:9`, #/components/schemas/Base/properties/id): no value is both, so it is typed as any JSON value (`serde_json::Value`)\n  --> spec.yaml:16:13 (#/components/schemas/Child/allOf/1/properties/id)"
            ]
        );
    }

    #[test]
    fn all_of_members_that_agree_on_a_property_are_fine() {
        let spec = format!(
            "{HEAD}    Base:\n      type: object\n      properties:\n        id:\n          type: string\n    Child:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            id:\n              type: string\n              description: Same type, more words.\n"
        );
        assert_eq!(errors_of(&spec), Vec::<String>::new());
    }

    #[test]
    fn all_of_an_object_and_a_string_is_a_warning() {
        let spec = format!(
            "{HEAD}    Both:\n      allOf:\n        - type: object\n          properties:\n            id:\n              type: string\n        - type: string\n"
        );
        assert_eq!(
            warnings_of(&spec),
            [
                "warning: this `allOf` member is `String`, which no object with the properties of the others can be: no value is both, so it is typed as any JSON value (`serde_json::Value`)\n  --> spec.yaml:12:15 (#/components/schemas/Both/allOf/1)"
            ]
        );
    }

    #[test]
    fn all_of_that_includes_itself_is_an_error() {
        let spec = format!(
            "{HEAD}    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - required: [x]\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - type: object\n          properties:\n            x:\n              type: string\n"
        );
        let errors = errors_of(&spec);
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|e| e.contains("which includes this schema again")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_panic_is_an_error_that_says_it_is_one() {
        let result: Result<(), Vec<Diagnostic>> =
            on_own_stack("spec.yaml", &|| panic!("index out of bounds"));
        let errors = result.err().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors.iter().all(Diagnostic::is_panic), "{errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.message.contains("`index out of bounds`")),
            "{errors:?}"
        );
        // A mistake in a spec is not a panic.
        let errors = generate("openapi: 3.0.3\n", &options())
            .err()
            .unwrap_or_default();
        assert!(!errors.is_empty());
        assert!(!errors.iter().any(Diagnostic::is_panic), "{errors:?}");
    }
}
