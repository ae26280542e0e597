//! The other files of a spec: following a reference to its file and pointer, loading a
//! file once (through the caller's [`SourceLoader`]), and file paths (joined relative to the
//! referring file, never leaving the spec's folder).

use crate::sources::Place;
use crate::yaml;

use super::{Bundler, MAX_TOTAL_BYTES, Target};

impl Bundler<'_> {
    /// The file and pointer a reference from `file` names; `None` (reported at `site`)
    /// when it cannot be followed.
    pub(super) fn resolve(&mut self, file: usize, reference: &str, site: &str) -> Option<Target> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = percent_decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            self.error(
                site,
                format!(
                    "`{reference}`: only JSON pointers (`#/...`) are supported after the `#`, not anchor names"
                ),
            );
            return None;
        }
        let file = if path.is_empty() {
            file
        } else {
            self.file(file, path, reference, site)?
        };
        Some(Target { file, fragment })
    }

    /// The index of the file that `path` (from a reference in `from`) names, reading it the
    /// first time.
    pub(super) fn file(
        &mut self,
        from: usize,
        path: &str,
        reference: &str,
        site: &str,
    ) -> Option<usize> {
        if has_scheme(path) {
            self.error(
                site,
                format!(
                    "`{reference}`: references to URLs are not supported; save the file next to the spec and refer to it by a relative path"
                ),
            );
            return None;
        }
        if path.starts_with(['/', '\\']) {
            self.error(
                site,
                format!(
                    "`{reference}`: absolute file paths are not supported; refer to the file relative to the one that names it"
                ),
            );
            return None;
        }
        let base = self.rel_paths.get(from).map_or("", String::as_str);
        let Some(rel) = join(base, &percent_decode(path)) else {
            let folder = if self.root_dir.is_empty() {
                "the current folder".to_string()
            } else {
                format!("`{}`", self.root_dir)
            };
            self.error(
                site,
                format!(
                    "`{reference}` leads out of the spec's folder ({folder}); only files in that folder and below it are read"
                ),
            );
            return None;
        };
        if self.rel_paths.first() == Some(&rel) {
            return Some(0);
        }
        if let Some(known) = self.by_path.get(&rel) {
            return *known;
        }
        let loaded = self.load(&rel, reference, site);
        self.by_path.insert(rel, loaded);
        loaded
    }

    pub(super) fn load(&mut self, rel: &str, reference: &str, site: &str) -> Option<usize> {
        let display = if self.root_dir.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.root_dir)
        };
        if self.over_budget {
            return None;
        }
        let text = match self.loader.load(&display) {
            Ok(text) if self.bytes_read.saturating_add(text.len()) > MAX_TOTAL_BYTES => {
                self.over_budget = true;
                self.error(
                    site,
                    format!(
                        "cannot read `{display}` (from `{reference}`): the spec and the files it refers to would be more than {} MiB in all, the most the generator reads",
                        MAX_TOTAL_BYTES >> 20
                    ),
                );
                return None;
            }
            Ok(text) => {
                self.bytes_read += text.len();
                text
            }
            Err(message) => {
                self.error(
                    site,
                    format!("cannot read `{display}` (from `{reference}`): {message}"),
                );
                return None;
            }
        };
        let (value, map) = match yaml::parse(&text) {
            Ok(parsed) => parsed,
            Err(error) => {
                let message = format!(
                    "{} (this file is read for `{reference}`, which expects YAML or JSON)",
                    error.message
                );
                self.diagnostics.error_at(error.place(&display), message);
                return None;
            }
        };
        if !value.is_object() && !value.is_array() {
            let place = Place {
                file: display,
                pointer: "#".to_string(),
                line: Some(1),
                column: Some(1),
            };
            self.diagnostics.error_at(
                place,
                format!(
                    "not a YAML or JSON document with a mapping at the top (read for `{reference}`)"
                ),
            );
            return None;
        }
        let index = self.sources.add_file(&display, map);
        self.values.push(value);
        self.rel_paths.push(rel.to_string());
        Some(index)
    }
}

/// `base` (a file path relative to the spec's folder) with its file name replaced by
/// `path`, `.` and `..` resolved; `None` when it climbs out of the spec's folder or names
/// no file.
pub(super) fn join(base: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    if parts.is_empty() || path.ends_with('/') {
        return None;
    }
    Some(parts.join("/"))
}

/// Whether a reference starts with a URI scheme (`https:`, `file:`).
pub(super) fn has_scheme(path: &str) -> bool {
    let Some((scheme, _)) = path.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes; anything else, malformed escapes included, stays as it is.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (byte, hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_relative_to_the_referring_file() {
        assert_eq!(
            join("api.yaml", "common/e.yaml").as_deref(),
            Some("common/e.yaml")
        );
        assert_eq!(join("a/b.yaml", "../c.yaml").as_deref(), Some("c.yaml"));
        assert_eq!(
            join("a/b.yaml", "./x/./y.json").as_deref(),
            Some("a/x/y.json")
        );
        assert_eq!(join("api.yaml", "../x.yaml"), None);
        assert_eq!(join("a/b.yaml", "../../x.yaml"), None);
        assert_eq!(join("a/b.yaml", "x/"), None);
    }

    #[test]
    fn schemes_and_escapes() {
        assert!(has_scheme("https://example.com/a.yaml"));
        assert!(has_scheme("file:a.yaml"));
        assert!(!has_scheme("a.yaml"));
        assert!(!has_scheme("./a:b.yaml"));
        assert_eq!(percent_decode("my%20file.yaml%"), "my file.yaml%");
        assert_eq!(percent_decode("/paths/~1a%7Bid%7D"), "/paths/~1a{id}");
    }
}
