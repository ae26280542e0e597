//! `cargo xtask codegen`: runs the generator over the specs and brings the
//! generated crates on disk in line with its output (or, with `--check`,
//! reports how they differ).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::{Diagnostic, Severity, Stats};

use crate::diff;

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

/// What a run did or found.
#[derive(Debug)]
pub struct Report {
    /// What was generated into, for messages: `generated/` or the `--out` folder.
    pub target: String,
    /// The command that regenerates `target`.
    pub command: String,
    /// One entry per spec, in order.
    pub crates: Vec<CrateReport>,
    /// Check mode: files and folders that differ from the generator's output.
    pub stale: Vec<Stale>,
    /// Write mode: orphaned `generated/<dir>/` folders that were deleted.
    pub removed: Vec<String>,
}

/// The outcome for one spec.
#[derive(Debug)]
pub struct CrateReport {
    /// The spec as named to the generator, e.g. `spec/petstore.yaml`.
    pub spec_path: String,
    /// The output folder, e.g. `generated/petstore`.
    pub out: String,
    /// `Err` holds the generator's errors; nothing was written for this spec.
    pub result: Result<Summary, Vec<Diagnostic>>,
    /// The folder that the file names in diagnostics are relative to.
    pub source_root: PathBuf,
}

impl CrateReport {
    /// Diagnostics rendered with the lines of the spec files they name (read again from
    /// disk, relative to [`CrateReport::source_root`]).
    pub fn render(&self, diagnostics: &[Diagnostic], color: bool) -> String {
        let source_of = |file: &str| fs::read_to_string(self.source_root.join(file)).ok();
        generator::render_diagnostics_styled(diagnostics, &source_of, color)
    }
}

/// A successful generation.
#[derive(Debug)]
pub struct Summary {
    pub crate_name: String,
    pub stats: Stats,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    /// Time for generating plus writing (or comparing).
    pub elapsed: Duration,
}

/// A way in which a file or folder on disk differs from what is generated.
#[derive(Debug, PartialEq, Eq)]
pub enum Stale {
    /// The file's text differs; `diff` is a unified diff from disk to generated.
    Differs {
        path: String,
        diff: String,
    },
    Missing(String),
    /// On disk but no longer generated (a file, or a folder ending in `/`).
    Orphaned(String),
}

impl Report {
    fn new(target: String, command: String) -> Self {
        Report {
            target,
            command,
            crates: Vec::new(),
            stale: Vec::new(),
            removed: Vec::new(),
        }
    }

    /// No spec failed and (in check mode) nothing is stale.
    pub fn is_ok(&self) -> bool {
        self.failures() == 0 && self.stale.is_empty()
    }

    fn failures(&self) -> usize {
        self.crates.iter().filter(|c| c.result.is_err()).count()
    }

    /// Every error of every spec that failed to generate, rendered with the spec's lines
    /// (ANSI colours when `color`); empty when none failed.
    pub fn errors_text(&self, color: bool) -> String {
        let mut text = String::new();
        for krate in &self.crates {
            let Err(errors) = &krate.result else { continue };
            if errors.is_empty() {
                let _ = writeln!(
                    text,
                    "error: the generator rejected {} without saying why",
                    krate.spec_path
                );
            }
            text.push_str(&krate.render(errors, color));
        }
        text
    }

    /// The check-mode verdict: each stale file (a diff, "missing" or
    /// "orphaned") and a closing line saying whether `target` is fresh.
    pub fn check_text(&self) -> String {
        let mut text = String::new();
        for stale in &self.stale {
            match stale {
                Stale::Differs { diff, .. } => text.push_str(diff),
                Stale::Missing(path) => {
                    let _ = writeln!(text, "{path}: missing");
                }
                Stale::Orphaned(path) => {
                    let _ = writeln!(text, "{path}: orphaned (no longer generated)");
                }
            }
        }
        let failures = self.failures();
        if !self.stale.is_empty() {
            let count = |f: fn(&Stale) -> bool| self.stale.iter().filter(|s| f(s)).count();
            let changed = count(|s| matches!(s, Stale::Differs { .. }));
            let missing = count(|s| matches!(s, Stale::Missing(_)));
            let orphaned = count(|s| matches!(s, Stale::Orphaned(_)));
            let total = self.stale.len();
            let _ = writeln!(
                text,
                "{} is stale: {} {} ({changed} changed, {missing} missing, {orphaned} orphaned). \
                 Run `{}` and commit the result.",
                self.target,
                plural(total, "file"),
                if total == 1 { "differs" } else { "differ" },
                self.command,
            );
        } else if failures == 0 {
            let files: usize = self
                .crates
                .iter()
                .filter_map(|c| c.result.as_ref().ok())
                .map(|s| s.files)
                .sum();
            let _ = writeln!(
                text,
                "{} is fresh ({}, {})",
                self.target,
                plural(self.crates.len(), "crate"),
                plural(files, "file"),
            );
        }
        if failures > 0 {
            let _ = writeln!(
                text,
                "{} failed to generate, so {} could not be fully checked.",
                plural(failures, "spec"),
                self.target,
            );
        }
        text
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

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
        let (krate, stale) =
            generate_into(&spec.path, options, &loader, &out_dir, out, mode, true)?;
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
    let (krate, stale) = generate_into(
        Path::new(spec),
        options,
        &loader,
        Path::new(out),
        target.to_string(),
        mode,
        false,
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

/// Generates one spec into `out_dir` (named `out` in messages); see [`sync`].
fn generate_into(
    spec_file: &Path,
    options: generator::Options,
    loader: &FileLoader,
    out_dir: &Path,
    out: String,
    mode: Mode,
    prune: bool,
) -> Result<(CrateReport, Vec<Stale>), Error> {
    let text = fs::read_to_string(spec_file)
        .map_err(|e| Error::io("cannot read spec file", spec_file, e))?;
    let start = Instant::now();
    let spec_path = options.spec_path.clone();
    let mut stale = Vec::new();
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
                stale = sync(out_dir, &out, &generated.files, mode, prune)?;
                Ok(Summary {
                    crate_name: generated.crate_name,
                    stats: generated.stats,
                    files: generated.files.len(),
                    warnings: generated.warnings,
                    elapsed: start.elapsed(),
                })
            }
        },
    };
    let krate = CrateReport {
        spec_path,
        out,
        result,
        // Diagnostics name files as the loader reads them: relative to its base.
        source_root: loader.base.clone(),
    };
    Ok((krate, stale))
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

/// Brings `dir` in line with `files` (write mode: writes only files whose text
/// changed) or lists how it differs (check mode). With `prune`, files under
/// `dir` that are not in `files` are orphans: deleted (with folders left
/// empty) or reported. Texts are compared with line endings normalised.
fn sync(
    dir: &Path,
    label: &str,
    files: &BTreeMap<String, String>,
    mode: Mode,
    prune: bool,
) -> Result<Vec<Stale>, Error> {
    let mut stale = Vec::new();
    if prune {
        // Orphans go first, so a file can replace a folder and vice versa.
        for rel in orphan_files(dir, files)? {
            match mode {
                Mode::Check => stale.push(Stale::Orphaned(format!("{label}/{rel}"))),
                Mode::Write => {
                    let path = dir.join(&rel);
                    fs::remove_file(&path).map_err(|e| Error::io("cannot remove", &path, e))?;
                }
            }
        }
        if mode == Mode::Write {
            remove_empty_dirs(dir)?;
        }
    }
    for (rel, new) in files {
        let path = dir.join(rel);
        let old = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                None
            }
            Err(e) => return Err(Error::io("cannot read", &path, e)),
        };
        if old.as_deref().is_some_and(|old| diff::same_text(old, new)) {
            continue;
        }
        let name = format!("{label}/{rel}");
        match (mode, old) {
            (Mode::Write, _) => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| Error::io("cannot create folder", parent, e))?;
                }
                fs::write(&path, new).map_err(|e| Error::io("cannot write", &path, e))?;
            }
            (Mode::Check, None) => stale.push(Stale::Missing(name)),
            (Mode::Check, Some(old)) => {
                let old = String::from_utf8_lossy(&old);
                let diff = diff::render(&name, &old, new, diff::MAX_DIFF_LINES);
                stale.push(Stale::Differs { path: name, diff });
            }
        }
    }
    Ok(stale)
}

/// A relative path that stays inside its folder: `src/lib.rs`, not
/// `/etc/x`, `../x`, `C:x` or `a\b`.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', ':', '\0'])
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Files under `dir` (relative, `/`-separated, sorted) that are not in
/// `expected`; none when `dir` does not exist. Symlinks count as files.
fn orphan_files(dir: &Path, expected: &BTreeMap<String, String>) -> Result<Vec<String>, Error> {
    let mut all = Vec::new();
    list_files(dir, "", &mut all)?;
    all.retain(|rel| !expected.contains_key(rel));
    all.sort();
    Ok(all)
}

fn list_files(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound && prefix.is_empty() => return Ok(()),
        Err(e) => return Err(Error::io("cannot read folder", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("cannot read folder", dir, e))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            return Err(Error(format!(
                "file name is not valid UTF-8: `{}`",
                path.display()
            )));
        };
        let rel = format!("{prefix}{name}");
        let kind = entry
            .file_type()
            .map_err(|e| Error::io("cannot read", &path, e))?;
        if kind.is_dir() {
            list_files(&path, &format!("{rel}/"), out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// Deletes the folders under `dir` (not `dir` itself) that hold no files.
fn remove_empty_dirs(dir: &Path) -> Result<(), Error> {
    fn is_empty_after_pruning(dir: &Path) -> Result<bool, Error> {
        let mut empty = true;
        let entries = fs::read_dir(dir).map_err(|e| Error::io("cannot read folder", dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("cannot read folder", dir, e))?;
            let path = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && is_empty_after_pruning(&path)? {
                fs::remove_dir(&path).map_err(|e| Error::io("cannot remove", &path, e))?;
            } else {
                empty = false;
            }
        }
        Ok(empty)
    }
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => is_empty_after_pruning(dir).map(|_| ()),
        _ => Ok(()),
    }
}

/// Folders directly in `generated` whose name is not a spec stem, sorted;
/// none when `generated` does not exist. Plain files there are left alone.
fn orphan_dirs(generated: &Path, stems: &BTreeSet<&str>) -> Result<Vec<String>, Error> {
    let entries = match fs::read_dir(generated) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("cannot read folder", generated, e)),
    };
    let mut orphans = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("cannot read folder", generated, e))?;
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            return Err(Error(format!(
                "folder name is not valid UTF-8: `{}`",
                entry.path().display()
            )));
        };
        if !stems.contains(name.as_str()) {
            orphans.push(name);
        }
    }
    orphans.sort();
    Ok(orphans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// A fresh folder under the system temp dir, deleted on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static COUNT: AtomicUsize = AtomicUsize::new(0);
            let n = COUNT.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let path =
                std::env::temp_dir().join(format!("xtask-test-{}-{n}-{nanos}", std::process::id()));
            fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        fn write(&self, rel: &str, text: &str) {
            let path = self.0.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn finds_orphan_files_in_nested_folders() {
        let tmp = TempDir::new();
        tmp.write("Cargo.toml", "x");
        tmp.write("src/lib.rs", "x");
        tmp.write("src/old.rs", "x");
        tmp.write("src/models/gone.rs", "x");
        let expected = files(&[("Cargo.toml", ""), ("src/lib.rs", ""), ("src/new.rs", "")]);
        assert_eq!(
            orphan_files(&tmp.0, &expected).unwrap(),
            ["src/models/gone.rs", "src/old.rs"]
        );
        assert!(
            orphan_files(&tmp.0.join("nope"), &expected)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn finds_orphan_crate_folders_but_not_files() {
        let tmp = TempDir::new();
        tmp.write("petstore/Cargo.toml", "x");
        tmp.write("old/Cargo.toml", "x");
        tmp.write("README.md", "x");
        let stems = BTreeSet::from(["petstore", "stripe"]);
        assert_eq!(orphan_dirs(&tmp.0, &stems).unwrap(), ["old"]);
        assert!(orphan_dirs(&tmp.0.join("nope"), &stems).unwrap().is_empty());
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

    #[test]
    fn write_then_check_is_fresh_and_keeps_unchanged_files() {
        let tmp = TempDir::new();
        let out = tmp.0.join("generated/x");
        let v1 = files(&[
            ("Cargo.toml", "a\n"),
            ("src/lib.rs", "b\n"),
            ("src/old/m.rs", "c\n"),
        ]);
        assert!(
            sync(&out, "generated/x", &v1, Mode::Write, true)
                .unwrap()
                .is_empty()
        );
        assert!(
            sync(&out, "generated/x", &v1, Mode::Check, true)
                .unwrap()
                .is_empty()
        );

        // CRLF on disk counts as unchanged and is not rewritten.
        fs::write(out.join("Cargo.toml"), "a\r\n").unwrap();
        let v2 = files(&[
            ("Cargo.toml", "a\n"),
            ("src/lib.rs", "B\n"),
            ("src/new.rs", "d\n"),
        ]);
        let stale = sync(&out, "generated/x", &v2, Mode::Check, true).unwrap();
        assert_eq!(stale.len(), 3, "{stale:?}");
        assert_eq!(stale[0], Stale::Orphaned("generated/x/src/old/m.rs".into()));
        let Stale::Differs { path, diff } = &stale[1] else {
            panic!("{stale:?}")
        };
        assert_eq!(path, "generated/x/src/lib.rs");
        assert!(diff.contains("-b\n+B\n"), "{diff}");
        assert_eq!(stale[2], Stale::Missing("generated/x/src/new.rs".into()));

        assert!(
            sync(&out, "generated/x", &v2, Mode::Write, true)
                .unwrap()
                .is_empty()
        );
        assert_eq!(fs::read_to_string(out.join("Cargo.toml")).unwrap(), "a\r\n");
        assert_eq!(fs::read_to_string(out.join("src/lib.rs")).unwrap(), "B\n");
        assert!(!out.join("src/old").exists(), "empty folder left behind");
        assert!(
            sync(&out, "generated/x", &v2, Mode::Check, true)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn without_prune_foreign_files_stay() {
        let tmp = TempDir::new();
        tmp.write("mine.txt", "x");
        let v = files(&[("Cargo.toml", "a\n")]);
        assert!(
            sync(&tmp.0, "out", &v, Mode::Write, false)
                .unwrap()
                .is_empty()
        );
        assert!(tmp.0.join("mine.txt").exists());
        assert!(
            sync(&tmp.0, "out", &v, Mode::Check, false)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_file_can_replace_a_folder() {
        let tmp = TempDir::new();
        let v1 = files(&[("src/api/mod.rs", "a\n")]);
        let v2 = files(&[("src/api", "b\n")]);
        sync(&tmp.0, "out", &v1, Mode::Write, true).unwrap();
        sync(&tmp.0, "out", &v2, Mode::Write, true).unwrap();
        assert_eq!(fs::read_to_string(tmp.0.join("src/api")).unwrap(), "b\n");
    }

    #[test]
    fn rejects_paths_outside_the_crate() {
        for good in ["Cargo.toml", "src/lib.rs", ".gitattributes"] {
            assert!(is_safe_relative(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "src/../../x",
            "a//b",
            "./a",
            "C:x",
            "a\\b",
        ] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
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

    #[test]
    fn check_text_summarises() {
        let mut report = Report::new("generated/".into(), REGENERATE.into());
        assert_eq!(
            report.check_text(),
            "generated/ is fresh (0 crates, 0 files)\n"
        );
        report.stale.push(Stale::Missing("generated/x/a.rs".into()));
        report.stale.push(Stale::Orphaned("generated/y/".into()));
        assert_eq!(
            report.check_text(),
            "generated/x/a.rs: missing\n\
             generated/y/: orphaned (no longer generated)\n\
             generated/ is stale: 2 files differ (0 changed, 1 missing, 1 orphaned). \
             Run `cargo xtask codegen` and commit the result.\n"
        );
        assert!(!report.is_ok());
    }
}
