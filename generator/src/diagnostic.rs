//! Errors and warnings about a spec, each located in the spec file.

use std::fmt;

use crate::sources::{Place, Sources};

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation cannot go on.
    Error,
    /// Legal but suspicious; generation goes on.
    Warning,
}

/// A message about a place in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The spec file, as given in [`crate::Options::spec_path`].
    pub file: String,
    /// JSON pointer into the document, e.g. `#/paths/~1emails/post`.
    pub pointer: String,
    /// 1-based line, where the parser knows it.
    pub line: Option<usize>,
    /// 1-based column, where the parser knows it.
    pub column: Option<usize>,
    pub message: String,
}

/// How the error that stands for a panic of the generator begins.
const PANICKED: &str = "internal error: the generator panicked on this spec";

impl Diagnostic {
    /// An error about the whole spec for a failure of the generator itself (not of the spec).
    pub(crate) fn internal(file: &str, message: String) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            pointer: "#".to_string(),
            line: None,
            column: None,
            message,
        }
    }

    /// The error that stands for a panic of the generator, with the panic's message.
    pub(crate) fn panic(file: &str, payload: &(dyn std::any::Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        let message = match what {
            Some(what) => format!("{PANICKED} (`{what}`); please report it with the spec"),
            None => format!("{PANICKED}; please report it with the spec"),
        };
        Diagnostic::internal(file, message)
    }

    /// Whether this is the error that stands for a panic of the generator: a bug in the
    /// generator to report, not a mistake in the spec.
    pub fn is_panic(&self) -> bool {
        self.severity == Severity::Error && self.message.starts_with(PANICKED)
    }

    /// Sort key: by position in the file, then by pointer, so output is stable.
    pub fn sort_key(&self) -> (usize, usize, &str, &str) {
        (
            self.line.unwrap_or(usize::MAX),
            self.column.unwrap_or(0),
            self.pointer.as_str(),
            self.message.as_str(),
        )
    }
}

/// What a warning is about, for a reader deciding what to look at first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Concern {
    /// Something the generated client cannot do right: a value typed as JSON, a construct
    /// left out, ignored or unsupported, a request or response handled in a lesser way.
    Client,
    /// Something about the spec worth knowing: a name taken, a derived name, a `required`
    /// entry that is no property. The client is whole.
    Spec,
    /// Tidying the spec: components nothing uses.
    Housekeeping,
}

/// Words by which a warning says the client lost something (checked by the tests of each
/// warning's [`Concern`]).
const CLIENT_WORDS: &[&str] = &[
    "JSON value",
    "not supported",
    "ignored",
    "left out",
    "untagged",
    "reads as unknown",
    "without a body",
    "returns no body",
    "sent as a string",
    "sent in `form` style",
    "cannot give",
];

impl Diagnostic {
    /// What the warning is about (errors are [`Concern::Client`]).
    pub fn concern(&self) -> Concern {
        if self.severity == Severity::Error {
            Concern::Client
        } else if self
            .message
            .contains("is never referenced by any operation")
        {
            Concern::Housekeeping
        } else if CLIENT_WORDS
            .iter()
            .any(|words| self.message.contains(words))
        {
            Concern::Client
        } else {
            Concern::Spec
        }
    }

    /// The kind of the message: its text with what it quotes (names in backquotes, JSON
    /// pointers) replaced by `…`, so that one mistake made in many places reads as one kind.
    pub fn kind(&self) -> String {
        let mut kind = String::new();
        let mut quoted = false;
        let mut pointer = false;
        for c in self.message.chars() {
            if pointer {
                if c.is_whitespace() || matches!(c, ')' | ',' | ';') {
                    pointer = false;
                    kind.push(c);
                }
                continue;
            }
            match c {
                '`' if quoted => quoted = false,
                '`' => {
                    quoted = true;
                    kind.push_str("`…`");
                }
                _ if quoted => {}
                '#' if kind.ends_with(' ') || kind.ends_with('(') || kind.is_empty() => {
                    pointer = true;
                    kind.push('…');
                }
                c => kind.push(c),
            }
        }
        kind
    }
}

/// The errors and warnings of a run, collected by every step in turn (reading, bundling,
/// the 3.1 rewrite, lowering). Each message is located through the [`Sources`] of the
/// document as it stands when the step gives it.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An error about the node at `pointer` of the (bundled) document.
    pub fn error(&mut self, sources: &Sources, pointer: &str, message: impl Into<String>) {
        let diagnostic = sources.diagnostic(Severity::Error, pointer, message.into());
        self.list.push(diagnostic);
    }

    /// A warning about the node at `pointer` of the (bundled) document.
    pub fn warn(&mut self, sources: &Sources, pointer: &str, message: impl Into<String>) {
        let diagnostic = sources.diagnostic(Severity::Warning, pointer, message.into());
        self.list.push(diagnostic);
    }

    /// An error about a file that is not part of the document (one that does not parse),
    /// at a place its reader found.
    pub fn error_at(&mut self, place: Place, message: impl Into<String>) {
        self.list.push(Diagnostic {
            severity: Severity::Error,
            file: place.file,
            pointer: place.pointer,
            line: place.line,
            column: place.column,
            message: message.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    /// A mark to ask [`Diagnostics::errors_since`] about.
    pub fn mark(&self) -> usize {
        self.list.len()
    }

    /// Whether an error was given after `mark`.
    pub fn errors_since(&self, mark: usize) -> bool {
        self.list
            .iter()
            .skip(mark)
            .any(|d| d.severity == Severity::Error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{kind}: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, " ({})", self.pointer)
    }
}

/// `"; did you mean `x`?"` when one of `candidates` is a likely intended spelling of
/// `found` (a small edit away, ignoring case), else an empty string. Long names are not
/// compared, so the cost stays small whatever the spec holds.
pub fn did_you_mean<'c>(found: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    const LONGEST: usize = 64;
    let found_lower: Vec<char> = found.to_lowercase().chars().collect();
    if found_lower.is_empty() || found_lower.len() > LONGEST {
        return String::new();
    }
    let allowed = (found_lower.len() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let lower: Vec<char> = candidate.to_lowercase().chars().collect();
        if lower.len() > LONGEST || candidate == found {
            continue;
        }
        // A prefix (`int` for `integer`) is as good as a near miss.
        let prefix = found_lower.len() >= 3
            && (lower.starts_with(&found_lower) || found_lower.starts_with(&lower));
        let distance = if prefix {
            1
        } else {
            edit_distance(&found_lower, &lower)
        };
        if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| format!("; did you mean `{name}`?"))
        .unwrap_or_default()
}

/// Levenshtein distance, one row at a time.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = substitute.min(delete).min(insert);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{Concern, Diagnostic, Severity};

    fn warning(message: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            file: "spec.yaml".into(),
            pointer: "#".into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    #[test]
    fn a_kind_leaves_out_names_and_places() {
        let a = warning(
            "property `id` cannot be both an integer (this `allOf` member) and a string (the member at #/components/schemas/A/properties/id): no value is both",
        );
        let b = warning(
            "property `name` cannot be both an integer (this `allOf` member) and a string (the member at #/components/schemas/B~1x/properties/name): no value is both",
        );
        assert_eq!(a.kind(), b.kind());
        assert_eq!(
            a.kind(),
            "property `…` cannot be both an integer (this `…` member) and a string (the member at …): no value is both"
        );
    }

    #[test]
    fn warnings_are_sorted_by_what_they_are_about() {
        let unused = warning(
            "`Pet` in `components/schemas` is never referenced by any operation, directly or through other components: it is still generated as a type that no operation uses",
        );
        assert_eq!(unused.concern(), Concern::Housekeeping);
        let widened = warning(
            "schema has no `type`: it is typed as any JSON value (`serde_json::Value`); give it a `type` if values of one kind are expected",
        );
        assert_eq!(widened.concern(), Concern::Client);
        let renamed = warning(
            "property `a_b` becomes the Rust field `a_b2`: its plain name is taken by another property",
        );
        assert_eq!(renamed.concern(), Concern::Spec);
    }

    use super::*;

    #[test]
    fn the_collector_locates_messages_and_tells_errors_since_a_mark() {
        let (_, map) = crate::yaml::parse("a:\n  b: 1\n").unwrap_or_default();
        let sources = Sources::new("spec.yaml", map);
        let mut diagnostics = Diagnostics::default();
        diagnostics.warn(&sources, "#/a/b", "odd");
        let mark = diagnostics.mark();
        assert!(!diagnostics.has_errors() && !diagnostics.errors_since(0));
        diagnostics.error(&sources, "#/a", "wrong");
        assert!(diagnostics.errors_since(mark) && diagnostics.has_errors());
        let list = diagnostics.into_vec();
        let places: Vec<(Option<usize>, &str)> =
            list.iter().map(|d| (d.line, d.file.as_str())).collect();
        assert_eq!(places, [(Some(2), "spec.yaml"), (Some(1), "spec.yaml")]);
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["Widget", "User", "Error"];
        assert_eq!(did_you_mean("Widgit", names), "; did you mean `Widget`?");
        assert_eq!(did_you_mean("user", names), "; did you mean `User`?");
        assert_eq!(did_you_mean("Payment", names), "");
        assert_eq!(did_you_mean("", names), "");
        assert_eq!(
            did_you_mean("strng", ["string", "number"]),
            "; did you mean `string`?"
        );
        assert_eq!(
            did_you_mean("int", ["string", "integer"]),
            "; did you mean `integer`?"
        );
    }
}
