//! The report of a run: what each spec gave (a crate or its errors), how the disk differs
//! from the generator's output, and the texts printed from it.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use generator::{Diagnostic, Stats};

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
    pub(super) fn new(target: String, command: String) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::REGENERATE;

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
