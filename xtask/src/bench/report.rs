//! The report: one Markdown table per benchmark, then one line per target (met or missed).

/// One benchmark's table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the numbers mean, printed under the table.
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(title: &str, headers: &[&str]) -> Table {
        Table {
            title: title.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            ..Table::default()
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The table in Markdown. A cell's `|` and line breaks are escaped, so a peer's error
    /// message cannot break the table; a short row is padded with empty cells.
    pub fn markdown(&self) -> String {
        let mut out = format!("## {}\n\n", self.title);
        let line = |cells: &[String]| {
            let mut text = String::from("|");
            for i in 0..self.headers.len().max(cells.len()) {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                text.push_str(&format!(" {} |", escape(cell)));
            }
            text.push('\n');
            text
        };
        out.push_str(&line(&self.headers));
        out.push('|');
        for _ in &self.headers {
            out.push_str("---|");
        }
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
        }
        for note in &self.notes {
            out.push_str(&format!("\n{note}\n"));
        }
        out
    }
}

fn escape(cell: &str) -> String {
    let one_line: Vec<&str> = cell
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    one_line.join(" ").replace('|', "\\|")
}

/// A target of the issue, checked against this run.
#[derive(Debug, Clone)]
pub struct Target {
    pub what: String,
    /// `None` when this run did not measure it.
    pub met: Option<bool>,
    pub measured: String,
}

impl Target {
    pub fn line(&self) -> String {
        let verdict = match self.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        };
        format!("- {verdict}: {} ({})", self.what, self.measured)
    }
}

/// The whole report.
pub fn render(header: &str, tables: &[Table], targets: &[Target]) -> String {
    let mut out = format!("# Benchmarks\n\n{header}\n\n");
    for table in tables {
        out.push_str(&table.markdown());
        out.push('\n');
    }
    out.push_str("## Targets\n\n");
    for target in targets {
        out.push_str(&target.line());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_table_with_escaped_cells_and_padding() {
        let mut table = Table::new("Generation", &["spec", "ours", "peer", "ratio"]);
        table.row(vec![
            "nexus".into(),
            "1 s".into(),
            "5 s".into(),
            "5.00×".into(),
        ]);
        table.row(vec![
            "github".into(),
            "2 s".into(),
            "failed: panicked at a|b\nnote: run with RUST_BACKTRACE".into(),
        ]);
        table.note("Medians of 3 runs.");
        assert_eq!(
            table.markdown(),
            "## Generation\n\n\
             | spec | ours | peer | ratio |\n\
             |---|---|---|---|\n\
             | nexus | 1 s | 5 s | 5.00× |\n\
             | github | 2 s | failed: panicked at a\\|b note: run with RUST_BACKTRACE |  |\n\
             \nMedians of 3 runs.\n"
        );
    }

    #[test]
    fn target_lines_say_met_missed_or_not_measured() {
        let target = |met| Target {
            what: "x".into(),
            met,
            measured: "y".into(),
        };
        assert_eq!(target(Some(true)).line(), "- met: x (y)");
        assert_eq!(target(Some(false)).line(), "- MISSED: x (y)");
        assert_eq!(target(None).line(), "- not measured: x (y)");
    }
}
