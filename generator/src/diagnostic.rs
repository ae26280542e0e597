//! Errors and warnings about a spec, each located in the spec file.

use std::fmt;

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

impl Diagnostic {
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
