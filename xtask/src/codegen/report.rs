//! The report of a run: what each spec gave (a crate or its errors), how the disk differs
//! from the generator's output, and the texts printed from it.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use generator::{Concern, Diagnostic, Stats};

/// How many warnings of one kind are printed in full (without `--verbose`).
const SHOWN_PER_KIND: usize = 3;

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
    /// What the crate's API changes, against the record beside the crate on disk.
    pub changes: Changes,
    /// The folder that the file names in diagnostics are relative to.
    pub source_root: PathBuf,
    /// Whether the spec is one of the workspace's own (in `spec/`): housekeeping warnings
    /// (components nothing uses) are printed for those only, a vendor's spec is not ours to
    /// tidy.
    pub ours: bool,
}

/// Each diagnostic rendered with the lines of the spec file it names, read from disk once
/// per file (relative to `root`): a spec can be megabytes.
fn render_each(root: &Path, diagnostics: &[Diagnostic], color: bool) -> Vec<String> {
    let source_of = |file: &str| fs::read_to_string(root.join(file)).ok().map(Cow::Owned);
    generator::render_each(diagnostics, &source_of, color)
}

impl CrateReport {
    /// The warnings of a generated crate, for a person: one group per kind of warning
    /// (what the client cannot do right first, then notes about the spec, housekeeping
    /// last), each with its count and its first few warnings in full, then one summary line.
    /// `verbose` prints every warning of every group, housekeeping included.
    pub fn warnings_text(&self, verbose: bool, color: bool) -> String {
        let Ok(summary) = &self.result else {
            return String::new();
        };
        let warnings = &summary.warnings;
        if warnings.is_empty() {
            return String::new();
        }
        let mut groups: Vec<(Concern, String, Vec<&Diagnostic>)> = Vec::new();
        for warning in warnings {
            let kind = warning.kind();
            match groups.iter_mut().find(|(_, k, _)| *k == kind) {
                Some((_, _, members)) => members.push(warning),
                None => groups.push((warning.concern(), kind, vec![warning])),
            }
        }
        // By concern, then the most frequent first; ties keep the order met (by place).
        groups.sort_by_key(|(concern, _, members)| (*concern, std::cmp::Reverse(members.len())));
        let quiet = !self.ours && !verbose;
        let printed: Vec<(&String, &Vec<&Diagnostic>, usize)> = groups
            .iter()
            .filter(|(concern, _, _)| !quiet || *concern != Concern::Housekeeping)
            .map(|(_, kind, members)| {
                let shown = if verbose {
                    members.len()
                } else {
                    SHOWN_PER_KIND.min(members.len())
                };
                (kind, members, shown)
            })
            .collect();
        let hidden = warnings.len() - printed.iter().map(|(_, m, _)| m.len()).sum::<usize>();
        // The warnings shown in full, rendered in one go (each file read once).
        let full: Vec<Diagnostic> = printed
            .iter()
            .flat_map(|(_, members, shown)| members.iter().take(*shown).map(|d| (*d).clone()))
            .collect();
        let mut blocks = render_each(&self.source_root, &full, color).into_iter();
        let mut text = String::new();
        for (kind, members, shown) in &printed {
            let _ = writeln!(
                text,
                "{}: {}",
                plural(members.len(), "warning"),
                headline(kind, members)
            );
            text.extend(blocks.by_ref().take(*shown));
            if *shown < members.len() {
                let _ = writeln!(
                    text,
                    "... and {} more of this kind (`--verbose` prints every one)\n",
                    members.len() - shown
                );
            }
        }
        let count = |wanted: Concern| warnings.iter().filter(|w| w.concern() == wanted).count();
        let _ = write!(
            text,
            "{}: {} of {} ({} about what the client cannot do right, {} about the spec, {} housekeeping",
            summary.crate_name,
            plural(warnings.len(), "warning"),
            plural(groups.len(), "kind"),
            count(Concern::Client),
            count(Concern::Spec),
            count(Concern::Housekeeping),
        );
        if hidden > 0 {
            let _ = write!(
                text,
                ", not printed: the spec is not in spec/; `--verbose` prints them"
            );
        }
        let _ = writeln!(text, ")");
        text
    }
}

/// What the warnings of one kind say: their kind, with the names they all quote alike
/// spelled out (``schema has no `type` `` rather than ``schema has no `…` ``).
fn headline(kind: &str, members: &[&Diagnostic]) -> String {
    let Some(sample) = members.first() else {
        return kind.to_string();
    };
    let split: Vec<Vec<&str>> = members
        .iter()
        .map(|d| d.message.split('`').collect())
        .collect();
    let first: Vec<&str> = sample.message.split('`').collect();
    if split.iter().any(|parts| parts.len() != first.len()) {
        return kind.to_string();
    }
    let mut text = String::new();
    for (index, part) in first.iter().enumerate() {
        let alike = split.iter().all(|parts| parts.get(index) == Some(part));
        if index % 2 == 1 {
            text.push('`');
            text.push_str(if alike { part } else { "…" });
            text.push('`');
        } else if alike {
            text.push_str(part);
        } else {
            // Places (JSON pointers) differ outside the quotes: worded as in the kind.
            let probe = Diagnostic {
                message: (*part).to_string(),
                ..(*sample).clone()
            };
            text.push_str(&probe.kind());
        }
    }
    text
}

/// The API changes of one crate.
#[derive(Debug)]
pub enum Changes {
    /// No record beside the crate (a new crate, or one made before records were kept), or
    /// the spec did not generate.
    FirstRecord,
    /// The record is there but cannot be read; it is rewritten.
    Unreadable(String),
    Report(generator::ChangeReport),
}

impl Changes {
    /// The crate's version is lower than its changes call for.
    pub fn version_too_low(&self) -> bool {
        matches!(self, Changes::Report(report) if !report.version_ok)
    }
}

impl CrateReport {
    /// The change report for a terminal; empty when the API did not change.
    pub fn changes_text(&self) -> String {
        match &self.changes {
            Changes::FirstRecord => String::new(),
            Changes::Unreadable(why) => format!(
                "warning: {}/{} cannot be read ({why}): no change report; it is rewritten\n",
                self.out,
                generator::surface::FILE
            ),
            Changes::Report(report) if report.changes.is_empty() && report.version_ok => {
                String::new()
            }
            Changes::Report(report) => report.to_text(),
        }
    }

    /// The change report as Markdown, for a pull request.
    pub fn changes_markdown(&self) -> String {
        let name = match &self.result {
            Ok(summary) => summary.crate_name.clone(),
            Err(_) => self.out.clone(),
        };
        match &self.changes {
            Changes::Report(report) => report.to_markdown(),
            Changes::FirstRecord if self.result.is_err() => {
                format!("### `{name}`\n\nThe spec did not generate; see the errors.\n")
            }
            Changes::FirstRecord => format!(
                "### `{name}`\n\nNo earlier API is recorded beside the crate (`{}`), so there is nothing to compare with.\n",
                generator::surface::FILE
            ),
            Changes::Unreadable(why) => format!(
                "### `{name}`\n\nThe earlier API record cannot be read ({why}), so there is nothing to compare with.\n"
            ),
        }
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
            text.extend(render_each(&krate.source_root, errors, color));
        }
        text
    }

    /// The change reports of every crate as one Markdown document.
    pub fn changes_markdown(&self) -> String {
        let mut text = String::from("## API changes\n\n");
        for krate in &self.crates {
            text.push_str(&krate.changes_markdown());
            text.push('\n');
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

    fn warning(line: usize, message: &str) -> Diagnostic {
        Diagnostic {
            severity: generator::Severity::Warning,
            file: "spec.yaml".into(),
            pointer: format!("#/at/{line}"),
            line: Some(line),
            column: Some(1),
            message: message.into(),
        }
    }

    fn krate(warnings: Vec<Diagnostic>, ours: bool) -> CrateReport {
        CrateReport {
            spec_path: "spec.yaml".into(),
            out: "out".into(),
            result: Ok(Summary {
                crate_name: "x-client".into(),
                stats: Stats::default(),
                files: 1,
                warnings,
                elapsed: Duration::ZERO,
            }),
            source_root: PathBuf::from("/nonexistent"),
            ours,
            changes: Changes::FirstRecord,
        }
    }

    #[test]
    fn warnings_are_grouped_by_kind_with_what_matters_first() {
        let mut warnings = Vec::new();
        for line in 1..=5 {
            warnings.push(warning(
                line,
                &format!("`S{line}` in `components/schemas` is never referenced by any operation, directly or through other components: it is still generated"),
            ));
        }
        for line in 6..=10 {
            warnings.push(warning(
                line,
                "schema has no `type`: it is typed as any JSON value (`serde_json::Value`)",
            ));
        }
        warnings.push(warning(11, "property `a_b` becomes the Rust field `a_b2`: its plain name is taken by another property"));
        let text = krate(warnings.clone(), true).warnings_text(false, false);
        let client = text
            .find("5 warnings: schema has no `type`: it is typed as any JSON value (`serde_json::Value`)\n")
            .expect(&text);
        let spec = text.find("1 warning: property `a_b` becomes").expect(&text);
        let housekeeping = text
            .find("5 warnings: `…` in `components/schemas` is never")
            .expect(&text);
        assert!(client < spec && spec < housekeeping, "{text}");
        // The first three of a kind in full, then a count.
        assert_eq!(
            text.matches("... and 2 more of this kind").count(),
            2,
            "{text}"
        );
        assert!(text.contains("spec.yaml:8:1"), "{text}");
        assert!(!text.contains("spec.yaml:9:1"), "{text}");
        assert!(text.ends_with(
            "x-client: 11 warnings of 3 kinds (5 about what the client cannot do right, 1 about the spec, 5 housekeeping)\n"
        ), "{text}");

        // Verbose: every one.
        let verbose = krate(warnings.clone(), true).warnings_text(true, false);
        assert!(verbose.contains("spec.yaml:9:1"), "{verbose}");
        assert!(!verbose.contains("more of this kind"), "{verbose}");

        // A spec that is not ours: housekeeping is counted, not printed.
        let vendor = krate(warnings, false).warnings_text(false, false);
        assert!(!vendor.contains("is never referenced"), "{vendor}");
        assert!(
            vendor.contains("not printed: the spec is not in spec/"),
            "{vendor}"
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
