//! Bringing a crate's folder on disk in line with the generator's output: writing what
//! changed, finding (and in write mode deleting) files and crate folders no longer
//! generated, and refusing paths that would leave the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

use super::{Error, Mode, Stale};
use crate::diff;

/// Brings `dir` in line with `files` (write mode: writes only files whose text
/// changed) or lists how it differs (check mode). With `prune`, files under
/// `dir` that are not in `files` are orphans: deleted (with folders left
/// empty) or reported. Texts are compared with line endings normalised.
pub(super) fn sync(
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
pub(super) fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', ':', '\0'])
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Files under `dir` (relative, `/`-separated, sorted) that are not in
/// `expected`; none when `dir` does not exist. Symlinks count as files.
pub(super) fn orphan_files(
    dir: &Path,
    expected: &BTreeMap<String, String>,
) -> Result<Vec<String>, Error> {
    let mut all = Vec::new();
    list_files(dir, "", &mut all)?;
    all.retain(|rel| !expected.contains_key(rel));
    all.sort();
    Ok(all)
}

pub(super) fn list_files(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), Error> {
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
pub(super) fn remove_empty_dirs(dir: &Path) -> Result<(), Error> {
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
pub(super) fn orphan_dirs(generated: &Path, stems: &BTreeSet<&str>) -> Result<Vec<String>, Error> {
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
    use crate::codegen::temp_dir::{TempDir, files};

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
}
