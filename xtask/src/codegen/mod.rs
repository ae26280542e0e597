//! `cargo xtask codegen`: runs the generator over the specs and brings the
//! generated crates on disk in line with its output (or, with `--check`,
//! reports how they differ).
//!
//! Three jobs, three files: this one drives the generator (which specs, which options,
//! where the output goes), [`sync`](mod@sync) brings the folder on disk in line with the output, and
//! [`report`] holds what a run did and the texts printed from it.

mod report;
mod sync;
#[cfg(test)]
mod temp_dir;

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use generator::{Diagnostic, Severity};

pub use report::{Changes, CrateReport, Report, Stale, Summary};
use sync::{is_safe_relative, orphan_dirs, sync};

/// The command named in do-not-edit headers and in the "stale" message.
pub const REGENERATE: &str = "cargo xtask codegen";

/// Whether to write the generated files or only compare them with the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// A failure that stops the whole run (I/O, bad spec folder); distinct from
/// a spec the generator rejects, which is recorded in the [`Report`].
#[derive(Debug)]
pub struct Error(String);

impl Error {
    fn io(what: &str, path: &Path, err: io::Error) -> Self {
        Error(format!("{what} `{}`: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The workspace root: the parent of the xtask crate.
pub fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// `cargo xtask codegen [--check]` for the workspace at `root`: every
/// `spec/*.{yaml,yml,json}` into `generated/<stem>/`, deleting (or, in check
/// mode, reporting) files and `generated/<dir>/` folders no longer generated.
pub fn codegen(root: &Path, mode: Mode) -> Result<Report, Error> {
    let specs = list_specs(&root.join("spec"))?;
    let generated = root.join("generated");
    let mut report = Report::new("generated/".into(), REGENERATE.into());
    for spec in &specs {
        let options = generator::Options {
            crate_name: None,
            spec_path: format!("spec/{}", spec.file_name),
            regenerate_command: REGENERATE.into(),
        };
        let out = format!("generated/{}", spec.stem);
        let out_dir = generated.join(&spec.stem);
        let loader = FileLoader {
            base: root.to_path_buf(),
        };
        let (krate, stale) = generate_into(
            &spec.path, options, &loader, &out_dir, out, mode, true, true,
        )?;
        report.crates.push(krate);
        report.stale.extend(stale);
    }
    let stems: BTreeSet<&str> = specs.iter().map(|s| s.stem.as_str()).collect();
    for dir in orphan_dirs(&generated, &stems)? {
        let label = format!("generated/{dir}/");
        match mode {
            Mode::Check => report.stale.push(Stale::Orphaned(label)),
            Mode::Write => {
                let path = generated.join(&dir);
                fs::remove_dir_all(&path).map_err(|e| Error::io("cannot remove", &path, e))?;
                report.removed.push(label);
            }
        }
    }
    Ok(report)
}

/// `cargo xtask codegen --spec FILE --out DIR [--name CRATE] [--check]`: one
/// crate from any spec into any folder. Nothing in `out` is deleted; in
/// check mode, files there that are not generated are not reported.
pub fn codegen_spec(
    spec: &str,
    out: &str,
    crate_name: Option<&str>,
    mode: Mode,
) -> Result<Report, Error> {
    let mut command = format!("{REGENERATE} --spec {spec} --out {out}");
    if let Some(name) = crate_name {
        command.push_str(&format!(" --name {name}"));
    }
    let target = out.trim_end_matches(['/', '\\']);
    let target = if target.is_empty() { out } else { target };
    let mut report = Report::new(target.to_string(), command.clone());
    let options = generator::Options {
        crate_name: crate_name.map(str::to_string),
        spec_path: spec.to_string(),
        regenerate_command: command,
    };
    // The spec's name as given on the command line: relative to where it was run.
    let loader = FileLoader {
        base: PathBuf::new(),
    };
    let ours = is_in_spec_folder(Path::new(spec));
    let (krate, stale) = generate_into(
        Path::new(spec),
        options,
        &loader,
        Path::new(out),
        target.to_string(),
        mode,
        false,
        ours,
    )?;
    report.crates.push(krate);
    report.stale.extend(stale);
    Ok(report)
}

/// Reads the files a spec refers to (`$ref: common/errors.yaml#/...`). The generator gives
/// paths as it was given the spec's own path, relative to the spec's folder resolved (it
/// refuses paths that leave that folder); `base` is what those paths are relative to.
struct FileLoader {
    base: PathBuf,
}

impl generator::SourceLoader for FileLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        fs::read_to_string(self.base.join(path)).map_err(|e| e.to_string())
    }
}

/// Whether `spec` lies in this workspace's `spec/` folder (at any depth).
fn is_in_spec_folder(spec: &Path) -> bool {
    let folder = fs::canonicalize(workspace_root().join("spec"));
    let spec = fs::canonicalize(spec);
    matches!((folder, spec), (Ok(folder), Ok(spec)) if spec.starts_with(&folder))
}

/// Generates one spec into `out_dir` (named `out` in messages); see [`sync()`]. `ours`:
/// the spec is one of the workspace's (see [`CrateReport::ours`]).
#[allow(clippy::too_many_arguments)]
fn generate_into(
    spec_file: &Path,
    options: generator::Options,
    loader: &FileLoader,
    out_dir: &Path,
    out: String,
    mode: Mode,
    prune: bool,
    ours: bool,
) -> Result<(CrateReport, Vec<Stale>), Error> {
    let text = fs::read_to_string(spec_file)
        .map_err(|e| Error::io("cannot read spec file", spec_file, e))?;
    let start = Instant::now();
    let spec_path = options.spec_path.clone();
    let mut stale = Vec::new();
    let mut changes = Changes::FirstRecord;
    let result = match generator::generate_with_loader(&text, &options, loader) {
        Err(errors) => Err(errors),
        Ok(generated) => match generated.files.keys().find(|p| !is_safe_relative(p)) {
            Some(bad) => Err(vec![Diagnostic {
                severity: Severity::Error,
                file: spec_path.clone(),
                pointer: "#".into(),
                line: None,
                column: None,
                message: format!("generator produced a file path outside its crate: `{bad}`"),
            }]),
            None => {
                changes = review(out_dir, &generated)?;
                if changes.version_too_low() {
                    // Nothing is written for a version the changes do not allow.
                    Err(vec![version_error(&spec_path, &changes)])
                } else {
                    stale = sync(out_dir, &out, &generated.files, mode, prune)?;
                    Ok(Summary {
                        crate_name: generated.crate_name,
                        stats: generated.stats,
                        files: generated.files.len(),
                        warnings: generated.warnings,
                        elapsed: start.elapsed(),
                    })
                }
            }
        },
    };
    let krate = CrateReport {
        spec_path,
        out,
        result,
        changes,
        // Diagnostics name files as the loader reads them: relative to its base.
        source_root: loader.base.clone(),
        ours,
    };
    Ok((krate, stale))
}

/// The generated crate's API against the one recorded beside the crate on disk (its
/// `api-surface.json`), if there is a record.
fn review(out_dir: &Path, generated: &generator::Generated) -> Result<Changes, Error> {
    let path = out_dir.join(generator::surface::FILE);
    let previous = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Changes::FirstRecord),
        Err(e) => return Err(Error::io("cannot read", &path, e)),
    };
    Ok(match generator::review(&previous, generated) {
        Ok(report) => Changes::Report(report),
        Err(why) => Changes::Unreadable(why),
    })
}

/// The error that refuses a crate whose version is lower than its changes call for.
fn version_error(spec_path: &str, changes: &Changes) -> Diagnostic {
    let message = match changes {
        Changes::Report(report) => format!(
            "`info.x-crate-version` is {}, lower than the {} its API changes since {} call for (see the report above): nothing was written",
            report.new_version, report.required_version, report.old_version
        ),
        _ => "the crate's version is too low for its API changes".to_string(),
    };
    Diagnostic {
        severity: Severity::Error,
        file: spec_path.to_string(),
        pointer: "#/info".into(),
        line: None,
        column: None,
        message,
    }
}

/// A spec file directly in `spec/`.
#[derive(Debug)]
struct SpecFile {
    path: PathBuf,
    file_name: String,
    stem: String,
}

/// The `*.yaml`, `*.yml` and `*.json` files directly in `dir`, sorted by name.
fn list_specs(dir: &Path) -> Result<Vec<SpecFile>, Error> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io("cannot read spec folder", dir, e))?;
    let mut specs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("cannot read spec folder", dir, e))?;
        let path = entry.path();
        let (Some(stem), Some(ext)) = (path.file_stem(), path.extension()) else {
            continue;
        };
        if !matches!(ext.to_str(), Some("yaml" | "yml" | "json")) {
            continue;
        }
        // Follows symlinks: a linked spec file counts, a folder named `x.json` does not.
        let meta = fs::metadata(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        if !meta.is_file() {
            continue;
        }
        let (Some(stem), Some(file_name)) =
            (stem.to_str(), path.file_name().and_then(|n| n.to_str()))
        else {
            return Err(Error(format!(
                "spec file name is not valid UTF-8: `{}`",
                path.display()
            )));
        };
        specs.push(SpecFile {
            file_name: file_name.to_string(),
            stem: stem.to_string(),
            path,
        });
    }
    specs.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    for pair in specs.windows(2) {
        if let [a, b] = pair {
            if a.stem == b.stem {
                return Err(Error(format!(
                    "spec/{} and spec/{} would both generate generated/{}; rename one",
                    a.file_name, b.file_name, a.stem
                )));
            }
        }
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use temp_dir::TempDir;

    /// Fails `cargo test` when the committed `generated/` is not what the
    /// generator produces from `spec/`.
    #[test]
    fn generated_is_fresh() {
        let report = match codegen(&workspace_root(), Mode::Check) {
            Ok(report) => report,
            Err(e) => panic!("cargo xtask codegen --check failed: {e}"),
        };
        assert!(
            report.is_ok(),
            "\n{}{}",
            report.errors_text(false),
            report.check_text()
        );
    }

    #[test]
    fn lists_specs_sorted_without_subfolders() {
        let tmp = TempDir::new();
        for name in [
            "b.yml",
            "a.yaml",
            "c.json",
            "notes.md",
            "common/shared.yaml",
        ] {
            tmp.write(name, "x");
        }
        fs::create_dir(tmp.0.join("dir.json")).unwrap();
        let names: Vec<_> = list_specs(&tmp.0)
            .unwrap()
            .into_iter()
            .map(|s| (s.file_name, s.stem))
            .collect();
        let names: Vec<_> = names
            .iter()
            .map(|(f, s)| (f.as_str(), s.as_str()))
            .collect();
        assert_eq!(names, [("a.yaml", "a"), ("b.yml", "b"), ("c.json", "c")]);

        tmp.write("a.json", "x");
        let err = list_specs(&tmp.0).unwrap_err().to_string();
        assert!(err.contains("spec/a.json and spec/a.yaml"), "{err}");
        assert!(list_specs(&tmp.0.join("nope")).is_err());
    }

    /// The change report against the record beside the crate: printed, and a version too
    /// low for the change refuses the crate and writes nothing.
    #[test]
    fn a_change_is_reported_and_the_version_must_follow() {
        let tmp = TempDir::new();
        let spec_at = |version: &str, extra: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: Notes, version: '1', x-crate-version: {version}}}\n\
                 paths:\n  /notes:\n    get:\n      operationId: listNotes\n      tags: [Notes]\n\
                 {extra}      responses:\n        '200':\n          description: ok\n"
            )
        };
        let spec = tmp.0.join("notes.yaml");
        let out = tmp.0.join("out");
        let run = |text: &str, mode: Mode| {
            fs::write(&spec, text).unwrap();
            codegen_spec(spec.to_str().unwrap(), out.to_str().unwrap(), None, mode).unwrap()
        };
        let first = run(&spec_at("0.1.0", ""), Mode::Write);
        assert!(first.is_ok(), "{}", first.errors_text(false));
        assert!(matches!(first.crates[0].changes, Changes::FirstRecord));
        let record = fs::read_to_string(out.join(generator::surface::FILE)).unwrap();
        assert!(record.contains("\"notes.list\""), "{record}");

        // The same spec again: nothing to report.
        let again = run(&spec_at("0.1.0", ""), Mode::Write);
        assert_eq!(again.crates[0].changes_text(), "");

        // A required query parameter is breaking: 0.1.1 is refused, nothing is written.
        let param = "      parameters:\n        - {name: folder, in: query, required: true, schema: {type: string}}\n";
        let refused = run(&spec_at("0.1.1", param), Mode::Write);
        assert!(!refused.is_ok());
        let text = refused.crates[0].changes_text();
        assert!(
            text.contains(
                "breaking    operation `notes.list()`: arguments `()` became `(folder: String)`"
            ),
            "{text}"
        );
        assert!(
            refused.errors_text(false).contains("lower than the 0.2.0"),
            "{}",
            refused.errors_text(false)
        );
        assert_eq!(
            fs::read_to_string(out.join(generator::surface::FILE)).unwrap(),
            record
        );
        let cargo = fs::read_to_string(out.join("Cargo.toml")).unwrap();
        assert!(cargo.contains("version = \"0.1.0\""), "{cargo}");

        // --check reports the same and fails.
        let check = run(&spec_at("0.1.1", param), Mode::Check);
        assert!(!check.is_ok());
        assert!(check.crates[0].changes.version_too_low());
        assert!(
            check
                .changes_markdown()
                .contains("| **breaking** | operation `notes.list()` |")
        );

        // At 0.2.0 it is written, and the record follows.
        let bumped = run(&spec_at("0.2.0", param), Mode::Write);
        assert!(bumped.is_ok(), "{}", bumped.errors_text(false));
        let record = fs::read_to_string(out.join(generator::surface::FILE)).unwrap();
        assert!(record.contains("\"folder: String\""), "{record}");
        assert!(record.contains("\"version\": \"0.2.0\""), "{record}");
        let check = run(&spec_at("0.2.0", param), Mode::Check);
        assert!(check.is_ok(), "{}", check.check_text());

        // A record that cannot be read is said, and rewritten.
        fs::write(out.join(generator::surface::FILE), "{").unwrap();
        let unreadable = run(&spec_at("0.2.0", param), Mode::Write);
        assert!(unreadable.is_ok());
        assert!(
            unreadable.crates[0]
                .changes_text()
                .contains("cannot be read")
        );
        assert!(
            fs::read_to_string(out.join(generator::surface::FILE))
                .unwrap()
                .contains("folder")
        );
    }

    /// `--spec` with a spec in several files: the others are read relative to it.
    #[test]
    fn a_spec_in_several_files_generates() {
        let tmp = TempDir::new();
        let spec = workspace_root().join("generator/tests/external/api/main.yaml");
        let out = tmp.0.join("out");
        let report = codegen_spec(
            spec.to_str().unwrap(),
            out.to_str().unwrap(),
            None,
            Mode::Write,
        )
        .unwrap();
        assert!(report.is_ok(), "{}", report.errors_text(false));
        let types = fs::read_to_string(out.join("src/types.rs")).unwrap();
        assert!(types.contains("pub struct Pet {"), "{types}");
        let Ok(summary) = &report.crates[0].result else {
            panic!("{}", report.errors_text(false))
        };
        let places: Vec<&str> = summary.warnings.iter().map(|w| w.file.as_str()).collect();
        assert!(
            places.iter().all(|f| f.ends_with("common/errors.yaml")),
            "{places:?}"
        );
    }
}
