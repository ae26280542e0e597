//! Comparing file text and rendering the difference as a unified diff.

use std::borrow::Cow;

use similar::TextDiff;

/// Most diff lines printed for one file; the rest is summarised in a note.
pub const MAX_DIFF_LINES: usize = 200;

/// Text with CRLF line endings turned into LF, so a checkout with
/// `core.autocrlf` does not count as stale.
pub fn normalize(text: &str) -> Cow<'_, str> {
    if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether the bytes on disk hold the same text as `new`, line endings aside.
pub fn same_text(on_disk: &[u8], new: &str) -> bool {
    match std::str::from_utf8(on_disk) {
        Ok(old) => normalize(old) == normalize(new),
        Err(_) => false,
    }
}

/// A unified diff (3 lines of context) from `old` (on disk) to `new`
/// (generated), both named `path`; at most `max_lines` lines, then a note of
/// how many were cut. Empty when the texts are the same.
pub fn render(path: &str, old: &str, new: &str, max_lines: usize) -> String {
    let (old, new) = (normalize(old), normalize(new));
    let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    let total = text.lines().count();
    if total <= max_lines {
        return text;
    }
    let mut out: String = text.split_inclusive('\n').take(max_lines).collect();
    out.push_str(&format!(
        "... {} more diff lines of {path} cut\n",
        total - max_lines
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_unified_diff_with_header_and_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        let diff = render("generated/x/src/lib.rs", old, new, MAX_DIFF_LINES);
        assert_eq!(
            diff,
            "--- a/generated/x/src/lib.rs\n\
             +++ b/generated/x/src/lib.rs\n\
             @@ -2,7 +2,7 @@\n \
             b\n \
             c\n \
             d\n\
             -e\n\
             +E\n \
             f\n \
             g\n \
             h\n"
        );
    }

    #[test]
    fn line_endings_do_not_count() {
        assert!(same_text(b"a\r\nb\r\n", "a\nb\n"));
        assert!(same_text(b"a\nb\n", "a\r\nb\r\n"));
        assert!(!same_text(b"a\nb", "a\nb\n"));
        assert!(!same_text(b"\xff\xfe", "a"));
        assert_eq!(render("f", "a\r\nb\r\n", "a\nb\n", MAX_DIFF_LINES), "");
    }

    #[test]
    fn long_diffs_are_cut_with_a_note() {
        let old: String = (0..500).map(|i| format!("old {i}\n")).collect();
        let new: String = (0..500).map(|i| format!("new {i}\n")).collect();
        let diff = render("f", &old, &new, 10);
        let lines: Vec<&str> = diff.lines().collect();
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[0], "--- a/f");
        // 2 header lines + 1 hunk header + 500 removed + 500 added.
        assert_eq!(lines[10], "... 993 more diff lines of f cut");
    }

    #[test]
    fn missing_final_newline_is_shown() {
        let diff = render("f", "a\n", "a", MAX_DIFF_LINES);
        assert!(diff.contains("\\ No newline at end of file"), "{diff}");
    }
}
