//! Diagnostics rendered the way compilers show them: the message, the file, line and
//! column, the line of the spec with the place marked, and the JSON pointer.
//!
//! Pure: the caller hands in the text of each file (diagnostics may name files other than
//! the main spec), so rendering never touches the disk.

use std::borrow::Cow;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity};

/// Lines longer than this are cut around the marked place before rendering, so that a
/// minified JSON spec on one line does not print a megabyte per diagnostic.
const MAX_SHOWN_LINE: usize = 200;

/// Renders diagnostics as plain text, one block per diagnostic, in the order given.
/// `source_of` gives the text of a file named by [`Diagnostic::file`] (borrowed or owned; it
/// is asked once per file); when it gives `None`, or the diagnostic has no line, the block
/// names the place without a snippet.
pub fn render_diagnostics<'s>(
    diagnostics: &[Diagnostic],
    source_of: &dyn Fn(&str) -> Option<Cow<'s, str>>,
) -> String {
    render_each(diagnostics, source_of, false).concat()
}

/// Like [`render_diagnostics`], with ANSI colours when `color` is true (for a terminal).
pub fn render_diagnostics_styled<'s>(
    diagnostics: &[Diagnostic],
    source_of: &dyn Fn(&str) -> Option<Cow<'s, str>>,
    color: bool,
) -> String {
    render_each(diagnostics, source_of, color).concat()
}

/// The blocks [`render_diagnostics_styled`] joins, one per diagnostic (each ending in a
/// blank line), for a caller that puts text of its own between them.
pub fn render_each<'s>(
    diagnostics: &[Diagnostic],
    source_of: &dyn Fn(&str) -> Option<Cow<'s, str>>,
    color: bool,
) -> Vec<String> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Each file is asked for once, however many diagnostics name it, and its lines found
    // once: a spec can be megabytes long, and its diagnostics many.
    let mut sources: Vec<(&str, Option<Source<'s>>)> = Vec::new();
    let mut blocks = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        if !sources.iter().any(|(file, _)| *file == diagnostic.file) {
            let source = source_of(&diagnostic.file).map(Source::new);
            sources.push((diagnostic.file.as_str(), source));
        }
        let source = sources
            .iter()
            .find(|(file, _)| *file == diagnostic.file)
            .and_then(|(_, source)| source.as_ref());
        let mut block = renderer.render(&report(diagnostic, source));
        block.push_str("\n\n");
        blocks.push(block);
    }
    blocks
}

/// A file's text and where each of its lines starts.
struct Source<'a> {
    text: Cow<'a, str>,
    starts: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(text: Cow<'a, str>) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Source { text, starts }
    }

    /// Line `line` (1-based) without its line break, as `str::lines` gives it; `None` past
    /// the last line.
    fn line(&self, line: usize) -> Option<&str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        if start >= self.text.len() {
            return None;
        }
        match self.starts.get(line) {
            // A line break ends it: `\n`, or `\r\n`.
            Some(next) => {
                let text = self.text.get(start..next - 1)?;
                Some(text.strip_suffix('\r').unwrap_or(text))
            }
            None => self.text.get(start..),
        }
    }
}

fn report<'a>(diagnostic: &'a Diagnostic, source: Option<&'a Source<'_>>) -> Vec<Group<'a>> {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(diagnostic.message.as_str());
    let place = diagnostic
        .line
        .and_then(|line| source.and_then(|source| excerpt(source, line, diagnostic.column)));
    let pointer = Level::NOTE.message(format!("at {}", diagnostic.pointer));
    let group = match place {
        Some(excerpt) => title
            .element(
                Snippet::source(excerpt.text)
                    .line_start(excerpt.line)
                    .path(diagnostic.file.as_str())
                    .annotation(AnnotationKind::Primary.span(excerpt.span)),
            )
            .element(pointer),
        None => {
            let mut origin = Origin::path(diagnostic.file.as_str());
            if let Some(line) = diagnostic.line {
                origin = origin.line(line);
                if let Some(column) = diagnostic.column {
                    origin = origin.char_column(column);
                }
            }
            title.element(origin).element(pointer)
        }
    };
    vec![group]
}

/// One line of the source with the byte range to mark.
struct Excerpt<'a> {
    text: Cow<'a, str>,
    line: usize,
    span: Range<usize>,
}

/// The line `line` (1-based) of `source`, and the extent of the node that starts at
/// `column` (1-based, in characters) on it. `None` when the line is not in the text.
fn excerpt<'a>(source: &'a Source<'_>, line: usize, column: Option<usize>) -> Option<Excerpt<'a>> {
    let text = source.line(line)?;
    let start = match column {
        Some(column) => text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(at, _)| at),
        None => text.len() - text.trim_start().len(),
    };
    let end = node_end(text, start);
    if text.len() <= MAX_SHOWN_LINE {
        return Some(Excerpt {
            text: Cow::Borrowed(text),
            line,
            span: start..end,
        });
    }
    // A very long line: show a window around the place, on character boundaries.
    let from = floor_boundary(text, start.saturating_sub(MAX_SHOWN_LINE / 2));
    let to = floor_boundary(text, from.saturating_add(MAX_SHOWN_LINE).min(text.len()));
    let window = text.get(from..to)?;
    let start = start.saturating_sub(from).min(window.len());
    let end = end.saturating_sub(from).clamp(start, window.len());
    Some(Excerpt {
        text: Cow::Owned(format!("{window} …")),
        line,
        span: start..end,
    })
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where the node starting at byte `start` of a line ends: a key with its value when both
/// are on the line (`operationId: send`), a quoted scalar, a flow collection, or a plain
/// scalar up to a separator. Always at least one character when the line has one there.
fn node_end(text: &str, start: usize) -> usize {
    let Some(rest) = text.get(start..) else {
        return start;
    };
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let mut end = start;
    for (offset, c) in rest.char_indices() {
        let at = start + offset;
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    if depth == 0 {
                        end = at + c.len_utf8();
                        continue;
                    }
                }
                ',' if depth == 0 => break,
                '#' if previous.is_whitespace() && depth == 0 => break,
                _ => {}
            },
        }
        if !c.is_whitespace() || quote.is_some() {
            end = at + c.len_utf8();
        }
        previous = c;
    }
    if end == start {
        // Nothing to mark but the place itself: one character, if there is one.
        rest.chars().next().map_or(start, |c| start + c.len_utf8())
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(line: &str, column: usize) -> String {
        let source = Source::new(Cow::Borrowed(line));
        let excerpt = excerpt(&source, 1, Some(column));
        excerpt
            .and_then(|e| line.get(e.span))
            .unwrap_or("<nothing>")
            .to_string()
    }

    #[test]
    fn lines_are_found_as_str_lines_finds_them() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\n\nc\n",
            "x\r",
            "é\nü\n\n",
        ] {
            let source = Source::new(Cow::Borrowed(text));
            let expected: Vec<&str> = text.lines().collect();
            let found: Vec<&str> = (1..).map_while(|n| source.line(n)).collect();
            assert_eq!(found, expected, "{text:?}");
            assert_eq!(source.line(0), None);
        }
    }

    #[test]
    fn marks_the_node() {
        assert_eq!(marked("  operationId: send  # why", 3), "operationId: send");
        assert_eq!(marked("a: {b: 1, c: [1, 2]}, d", 4), "{b: 1, c: [1, 2]}");
        assert_eq!(marked("[1, 'x, y', 3]", 5), "'x, y'");
        assert_eq!(marked("a: 1}", 1), "a: 1");
        assert_eq!(marked("abc", 4), "");
        assert_eq!(marked("é: ü", 1), "é: ü");
    }

    #[test]
    fn long_lines_are_cut_around_the_place() {
        let line = format!("{}target{}", "x".repeat(1000), "y".repeat(1000));
        let source = Source::new(Cow::Borrowed(&line));
        let excerpt = excerpt(&source, 1, Some(1001));
        let shown = excerpt
            .as_ref()
            .and_then(|e| e.text.get(e.span.clone()))
            .map(str::to_string);
        assert_eq!(
            shown.as_deref().map(|s| s.starts_with("target")),
            Some(true)
        );
        assert!(excerpt.is_some_and(|e| e.text.len() < 300));
    }

    #[test]
    fn a_missing_source_or_line_still_names_the_place() {
        let diagnostic = Diagnostic {
            severity: Severity::Warning,
            file: "api.yaml".to_string(),
            pointer: "#/paths".to_string(),
            line: Some(40),
            column: Some(3),
            message: "something".to_string(),
        };
        let text = render_diagnostics(&[diagnostic], &|_| Some("one line\n".into()));
        assert!(text.contains("warning: something"), "{text}");
        assert!(text.contains("api.yaml:40:3"), "{text}");
        assert!(text.contains("at #/paths"), "{text}");
    }
}
