//! Where each node of the document came from. A spec may pull parts of other files in (see
//! [`crate::bundle`]); once bundled, a node at `#/components/schemas/Error` may stand at
//! `#/Error` of `common.yaml`. Diagnostics name the file, pointer, line and column of the
//! original.

use crate::diagnostic::{Diagnostic, Severity};
use crate::yaml::SourceMap;

/// The files a document was read from (the spec first) and where their parts were put.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    grafts: Vec<Graft>,
}

/// One file, with its path as shown in diagnostics.
#[derive(Debug)]
struct SourceFile {
    path: String,
    map: SourceMap,
}

/// The subtree at `at` (a pointer into the bundled document) is a copy of the subtree at
/// `from` in file `file`.
#[derive(Debug)]
struct Graft {
    at: String,
    file: usize,
    from: String,
}

/// A place in one of the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub pointer: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Sources {
    /// The sources of a document read from one file, `path`.
    pub fn new(path: &str, map: SourceMap) -> Self {
        Sources {
            files: vec![SourceFile {
                path: path.to_string(),
                map,
            }],
            grafts: Vec::new(),
        }
    }

    /// Adds a file; returns its index.
    pub fn add_file(&mut self, path: &str, map: SourceMap) -> usize {
        self.files.push(SourceFile {
            path: path.to_string(),
            map,
        });
        self.files.len() - 1
    }

    /// The path of a file by index.
    pub fn path(&self, file: usize) -> &str {
        self.files.get(file).map_or("", |f| f.path.as_str())
    }

    /// Records that the subtree at `at` was copied from `from` in `file`.
    pub fn graft(&mut self, at: &str, file: usize, from: &str) {
        self.grafts.push(Graft {
            at: at.to_string(),
            file,
            from: from.to_string(),
        });
    }

    /// Whether the node at `pointer` (in the bundled document) was copied in from
    /// elsewhere rather than read at that place of the spec.
    pub fn is_copied(&self, pointer: &str) -> bool {
        self.grafts.iter().any(|g| {
            pointer
                .strip_prefix(g.at.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// Where the node at `pointer` (in the bundled document) came from: the innermost graft
    /// that holds it, else the spec itself.
    pub fn place(&self, pointer: &str) -> Place {
        let graft = self
            .grafts
            .iter()
            .filter(|g| {
                pointer
                    .strip_prefix(g.at.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|g| g.at.len());
        let (file, pointer) = match graft {
            Some(graft) => {
                let rest = pointer.get(graft.at.len()..).unwrap_or("");
                (graft.file, format!("{}{rest}", graft.from))
            }
            None => (0, pointer.to_string()),
        };
        let position = self.files.get(file).and_then(|f| f.map.locate(&pointer));
        Place {
            file: self.path(file).to_string(),
            pointer,
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
        }
    }

    /// A diagnostic about the node at `pointer` of the bundled document.
    pub fn diagnostic(&self, severity: Severity, pointer: &str, message: String) -> Diagnostic {
        let place = self.place(pointer);
        Diagnostic {
            severity,
            file: place.file,
            pointer: place.pointer,
            line: place.line,
            column: place.column,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grafted_pointers_name_their_own_file() -> Result<(), String> {
        let (_, main) = crate::yaml::parse("a:\n  b: 1\n").map_err(|e| e.message)?;
        let (_, other) = crate::yaml::parse("x:\n  y:\n    z: 1\n").map_err(|e| e.message)?;
        let mut sources = Sources::new("main.yaml", main);
        let other = sources.add_file("other.yaml", other);
        sources.graft("#/a/c", other, "#/x");
        assert_eq!(
            sources.place("#/a/c/y/z"),
            Place {
                file: "other.yaml".into(),
                pointer: "#/x/y/z".into(),
                line: Some(3),
                column: Some(5),
            }
        );
        assert_eq!(sources.place("#/a/b").file, "main.yaml");
        assert_eq!(sources.place("#/a/cc").file, "main.yaml");
        assert_eq!(sources.place("#/a/c").pointer, "#/x");
        assert!(sources.is_copied("#/a/c/y") && !sources.is_copied("#/a/cc"));
        Ok(())
    }
}
