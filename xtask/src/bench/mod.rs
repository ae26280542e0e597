//! `cargo xtask bench [--quick] [--only NAME,...]`: measures the generator and the generated
//! client against their peers, each in the same run, and writes `target/bench/report.md`
//! (also printed). One job per file: [`tools`] builds and installs what is run,
//! [`measure`] runs a process and takes its time and peak memory, [`generation`] and
//! [`synthetic`] the generation benches, [`compile`] the compile times of generated crates
//! (with [`callers`], programs that call every operation),
//! [`runtime`] the client benches (run by `xtask/bench-harness`), [`report`] the tables,
//! [`stats`] medians and number formats.

mod callers;
mod compile;
mod generation;
mod measure;
mod report;
mod runtime;
mod stats;
mod synthetic;
mod tools;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use report::{Table, Target};
use tools::Paths;

/// The benchmarks, by the names `--only` takes.
pub const BENCHES: [&str; 5] = ["generation", "scaling", "compile", "limit", "overhead"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub quick: bool,
    /// Which of [`BENCHES`] to run (all when empty).
    pub only: Vec<String>,
}

impl Options {
    fn runs(&self, bench: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|b| b == bench)
    }
}

/// Runs the benches and writes the report; the error is for a report that cannot be written
/// (a bench that fails says so in its table instead).
pub fn bench(root: &Path, options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let paths = Paths::new(root);
    fs::create_dir_all(&paths.bench)
        .map_err(|e| format!("cannot create `{}`: {e}", paths.bench.display()))?;
    let tools = tools::prepare(&paths);
    let setup = started.elapsed();
    let measuring = Instant::now();
    let mut tables: Vec<Table> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut timings: Vec<String> = Vec::new();
    let mut add = |name: &str, start: Instant, (table, more): (Table, Vec<Target>)| {
        let secs = start.elapsed().as_secs_f64();
        eprintln!("bench: {name} took {secs:.0} s");
        timings.push(format!("{name} {secs:.0} s"));
        tables.push(table);
        targets.extend(more);
    };
    if options.runs("generation") {
        let start = Instant::now();
        add(
            "generation",
            start,
            generation::corpus(&paths, &tools, options.quick),
        );
    }
    if options.runs("scaling") {
        let start = Instant::now();
        add(
            "scaling",
            start,
            generation::scaling(&paths, &tools, options.quick),
        );
    }
    if options.runs("compile") {
        let start = Instant::now();
        add(
            "compile",
            start,
            compile::compile(&paths, &tools, options.quick),
        );
    }
    if options.runs("limit") {
        let start = Instant::now();
        let table = runtime::at_the_limit(&paths, &tools, options.quick);
        add("limit", start, (table, Vec::new()));
    }
    if options.runs("overhead") {
        let start = Instant::now();
        add(
            "overhead",
            start,
            runtime::overhead(&paths, &tools, options.quick),
        );
    }
    let header = header(
        options,
        setup.as_secs_f64(),
        measuring.elapsed().as_secs_f64(),
        &timings,
    );
    let text = report::render(&header, &tables, &targets);
    let out = paths.bench.join("report.md");
    fs::write(&out, &text).map_err(|e| format!("cannot write `{}`: {e}", out.display()))?;
    print!("{text}");
    eprintln!("bench: report written to {}", out.display());
    Ok(())
}

/// One line of a command's output, or `unknown`.
fn output_of(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

fn header(options: &Options, setup: f64, measuring: f64, timings: &[String]) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "Run of `cargo xtask bench{}` on {} UTC; commit {}; {} ({cores} cores); {}. \
         Setup (building and installing the tools) {setup:.0} s, measuring {measuring:.0} s \
         ({}). Every ratio compares numbers measured in this run.",
        if options.quick { " --quick" } else { "" },
        output_of("date", &["-u", "+%Y-%m-%d %H:%M"]),
        output_of("git", &["rev-parse", "--short", "HEAD"]),
        output_of("uname", &["-srm"]),
        output_of("rustc", &["-V"]),
        timings.join(", "),
    )
}
