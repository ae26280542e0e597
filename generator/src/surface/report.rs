//! The change report: the changes, the version they call for, and whether the crate's
//! version is high enough; as terminal text and as Markdown for a pull request.

use std::fmt::Write as _;

use semver::Version;

use super::version;
use super::{Change, Level, Surface};

/// What a spec edit does to the users of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeReport {
    pub crate_name: String,
    /// The version the crate had (from its previous `api-surface.json`).
    pub old_version: String,
    /// The version the spec gives now (`info.x-crate-version`).
    pub new_version: String,
    /// Breaking changes first.
    pub changes: Vec<Change>,
    /// The lowest version that may ship these changes.
    pub required_version: String,
    /// `new_version` is at least `required_version`.
    pub version_ok: bool,
    /// How `required_version` follows from the changes.
    pub rule: &'static str,
}

impl ChangeReport {
    /// Compares the API recorded beside a crate with the one about to replace it.
    pub fn new(old: &Surface, new: &Surface) -> Result<ChangeReport, String> {
        let parse = |text: &str, whose: &str| {
            Version::parse(text)
                .map_err(|e| format!("{whose} version `{text}` is not a version: {e}"))
        };
        let old_version = parse(&old.version, "the previous")?;
        let new_version = parse(&new.version, "the new")?;
        let changes = super::compare::compare(old, new);
        let level = most_demanding(&changes);
        let required = version::required(&old_version, level);
        Ok(ChangeReport {
            crate_name: new.crate_name.clone(),
            old_version: old.version.clone(),
            new_version: new.version.clone(),
            version_ok: version::allows(&old_version, &new_version, level),
            required_version: required.to_string(),
            rule: version::rule(&old_version, level),
            changes,
        })
    }

    /// The most demanding level among the changes; `None` when the API did not change.
    pub fn level(&self) -> Option<Level> {
        most_demanding(&self.changes)
    }

    fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    fn summary(&self) -> String {
        let counts: Vec<String> = [Level::Breaking, Level::Additive, Level::Compatible]
            .into_iter()
            .map(|level| (level, self.count(level)))
            .filter(|(_, n)| *n > 0)
            .map(|(level, n)| format!("{n} {}", level.as_str()))
            .collect();
        if counts.is_empty() {
            "no change to the API".to_string()
        } else {
            counts.join(", ")
        }
    }

    /// The version verdict in one sentence.
    pub fn verdict(&self) -> String {
        if self.level().is_none() {
            return format!(
                "The API did not change: version {} may stay.",
                self.new_version
            );
        }
        let advice = format!(
            "This calls for {} or later ({}; was {}).",
            self.required_version, self.rule, self.old_version
        );
        if self.version_ok {
            format!(
                "{advice} The crate's version is {}: enough.",
                self.new_version
            )
        } else {
            format!(
                "{advice} The crate's version is {}, which is too low: set `info.x-crate-version` in the spec to {} or higher.",
                self.new_version, self.required_version
            )
        }
    }

    /// For a terminal: a heading, one line per change, the verdict.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "{}: API changes since {} ({})\n",
            self.crate_name,
            self.old_version,
            self.summary()
        );
        for change in &self.changes {
            let _ = writeln!(
                text,
                "  {:<10}  {}: {}",
                change.level.as_str(),
                change.subject,
                change.what
            );
        }
        let _ = writeln!(text, "{}", self.verdict());
        text
    }

    /// For a pull request: a heading, a table of the changes, the verdict.
    pub fn to_markdown(&self) -> String {
        let mut text = format!(
            "### `{}` {} → {}: {}\n\n",
            self.crate_name,
            self.old_version,
            self.new_version,
            self.summary()
        );
        if !self.changes.is_empty() {
            text.push_str("| | API item | change |\n| --- | --- | --- |\n");
            for change in &self.changes {
                let level = match change.level {
                    Level::Breaking => "**breaking**",
                    Level::Additive => "additive",
                    Level::Compatible => "compatible",
                };
                let _ = writeln!(
                    text,
                    "| {level} | {} | {} |",
                    cell(&change.subject),
                    cell(&change.what)
                );
            }
            text.push('\n');
        }
        let _ = writeln!(text, "{}", self.verdict());
        text
    }
}

/// The most demanding level among `changes` (breaking before additive before compatible).
fn most_demanding(changes: &[Change]) -> Option<Level> {
    changes.iter().map(|c| c.level).min()
}

/// Text fit for a table cell: no line breaks, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
