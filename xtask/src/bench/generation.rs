//! Generation, time and peak memory, as whole processes: our release xtask
//! (`codegen --spec F --out DIR --name N`) against `cargo-progenitor`, over every spec of
//! `generator/tests/corpus/` (GitHub's REST description included) and over synthetic specs
//! of 100, 1,000 and 10,000 operations.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::measure;
use super::report::{Table, Target};
use super::stats::{duration, mib, ratio, size};
use super::synthetic;
use super::tools::{Paths, Tools, ours_command, progenitor_command};

/// Medians (seconds, bytes) of one generator on one spec, or why there are none.
type Measured = Result<(f64, u64), String>;

/// Both generators on one spec.
struct Pair {
    ours: Measured,
    peer: Measured,
}

fn measured(tool: &Result<PathBuf, String>, what: impl FnOnce(&Path) -> Measured) -> Measured {
    match tool {
        Ok(binary) => what(binary),
        Err(error) => Err(format!("not run: {error}")),
    }
}

/// Runs both generators `runs` times on `spec`, each into a fresh folder.
fn pair(paths: &Paths, tools: &Tools, spec: &Path, name: &str, runs: usize, peer: bool) -> Pair {
    let out = paths.bench.join("gen");
    let one = |who: &str, binary: &Path, make: fn(&Path, &Path, &Path, &str) -> _| {
        let dir = out.join(who).join(name);
        let logs = paths.logs(&format!("gen-{who}-{name}"));
        let runs = measure::repeat(runs, &logs, || {
            let _ = fs::remove_dir_all(&dir);
            make(binary, spec, &dir, name)
        })?;
        measure::summary(&runs)
    };
    eprintln!("bench: generating {name} ({runs} run(s) each) ...");
    Pair {
        ours: measured(&tools.ours, |b| one("ours", b, ours_command)),
        peer: if peer {
            measured(&tools.progenitor, |b| {
                one("progenitor", b, progenitor_command)
            })
        } else {
            Err("not run with --quick".to_string())
        },
    }
}

fn time_cell(m: &Measured) -> String {
    match m {
        Ok((secs, _)) => duration(std::time::Duration::from_secs_f64(*secs)),
        Err(error) if error.starts_with("not run") => error.clone(),
        Err(error) => format!("failed: {error}"),
    }
}

fn mem_cell(m: &Measured) -> String {
    match m {
        Ok((_, bytes)) => mib(*bytes),
        Err(_) => "–".to_string(),
    }
}

fn secs(m: &Measured) -> Option<f64> {
    m.as_ref().ok().map(|(s, _)| *s)
}

fn bytes(m: &Measured) -> Option<f64> {
    m.as_ref().ok().map(|(_, b)| *b as f64)
}

/// The corpus specs, GitHub's decompressed into `target/bench/specs/`.
fn corpus_specs(paths: &Paths) -> Result<Vec<(String, PathBuf)>, String> {
    let dir = paths.root.join("generator").join("tests").join("corpus");
    let entries = fs::read_dir(&dir).map_err(|e| format!("`{}`: {e}", dir.display()))?;
    let mut specs = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("`{}`: {e}", dir.display()))?
            .path();
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        let spec = if let Some(plain) = file.strip_suffix(".gz") {
            let target = paths.bench.join("specs").join(plain);
            gunzip(&path, &target)?;
            target
        } else if [".json", ".yaml", ".yml"]
            .iter()
            .any(|ext| file.ends_with(ext))
        {
            path.clone()
        } else {
            continue;
        };
        let stem = file.split(['.']).next().unwrap_or(file);
        let name = if file.starts_with("api.github.com") {
            "github".to_string()
        } else {
            stem.to_string()
        };
        specs.push((name, spec));
    }
    specs.sort();
    Ok(specs)
}

fn gunzip(from: &Path, to: &Path) -> Result<(), String> {
    if to.is_file() {
        return Ok(());
    }
    let file = fs::File::open(from).map_err(|e| format!("`{}`: {e}", from.display()))?;
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut text)
        .map_err(|e| format!("decompressing `{}`: {e}", from.display()))?;
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("`{}`: {e}", parent.display()))?;
    }
    fs::write(to, text).map_err(|e| format!("`{}`: {e}", to.display()))
}

const HEADERS: &[&str] = &[
    "spec",
    "size",
    "ours: time",
    "ours: peak memory",
    "progenitor: time",
    "progenitor: peak memory",
    "time, progenitor ÷ ours",
    "memory, progenitor ÷ ours",
];

fn row(name: String, size: String, pair: &Pair) -> Vec<String> {
    vec![
        name,
        size,
        time_cell(&pair.ours),
        mem_cell(&pair.ours),
        time_cell(&pair.peer),
        mem_cell(&pair.peer),
        ratio(secs(&pair.peer), secs(&pair.ours)),
        ratio(bytes(&pair.peer), bytes(&pair.ours)),
    ]
}

/// The corpus table, with the targets on nexus and GitHub's spec.
pub fn corpus(paths: &Paths, tools: &Tools, quick: bool) -> (Table, Vec<Target>) {
    let mut table = Table::new("Generation: the corpus", HEADERS);
    let mut targets = Vec::new();
    let specs = match corpus_specs(paths) {
        Ok(specs) => specs,
        Err(error) => {
            table.row(vec![format!("failed: {error}")]);
            return (table, targets);
        }
    };
    let runs = if quick { 3 } else { 7 };
    let big_runs = if quick { 1 } else { 3 };
    for (name, spec) in specs {
        let bytes_on_disk = fs::metadata(&spec).map(|m| m.len()).unwrap_or(0);
        let n = if bytes_on_disk > 4 << 20 {
            big_runs
        } else {
            runs
        };
        let pair = pair(paths, tools, &spec, &name, n, true);
        if name == "nexus" {
            let speedup = secs(&pair.peer).zip(secs(&pair.ours)).map(|(p, o)| p / o);
            targets.push(Target {
                what: "generation on nexus >= 5x faster than progenitor".into(),
                met: speedup.map(|s| s >= 5.0),
                measured: speedup.map_or("no ratio: a run failed".into(), |s| format!("{s:.2}x")),
            });
        }
        if name == "github" {
            let ours = pair.ours.as_ref().ok();
            targets.push(Target {
                what: "GitHub's spec generated in < 1 s and < 300 MiB".into(),
                met: ours.map(|(s, b)| *s < 1.0 && *b < 300 << 20),
                measured: ours.map_or_else(
                    || time_cell(&pair.ours),
                    |(s, b)| format!("{:.2} s, {}", s, mib(*b)),
                ),
            });
        }
        table.row(row(name, size(bytes_on_disk), &pair));
    }
    table.note(format!(
        "Whole processes, from start to exit, into an empty folder: `target/release/xtask codegen \
         --spec F --out DIR --name N` against `cargo progenitor -i F -o DIR -n N -v 0.1.0`. \
         Medians of {runs} runs ({big_runs} for specs over 4 MiB); peak memory is the child's \
         maximum resident set (`wait4`). A ratio above 1 means ours is faster or smaller."
    ));
    (table, targets)
}

/// The scaling table: synthetic specs of 100, 1,000 and 10,000 operations.
pub fn scaling(paths: &Paths, tools: &Tools, quick: bool) -> (Table, Vec<Target>) {
    let mut headers = vec!["operations"];
    headers.extend_from_slice(HEADERS.get(1..4).unwrap_or_default());
    headers.extend(["ours: per operation", "ours: time ÷ previous size's"]);
    headers.extend_from_slice(HEADERS.get(4..).unwrap_or_default());
    let mut table = Table::new("Generation: scaling", &headers);
    let mut targets = Vec::new();
    let mut previous: Option<f64> = None;
    for operations in [100usize, 1_000, 10_000] {
        let name = format!("synthetic-{operations}");
        let spec = paths.bench.join("specs").join(format!("{name}.json"));
        let written = fs::create_dir_all(paths.bench.join("specs"))
            .and_then(|()| fs::write(&spec, synthetic::spec(operations)));
        if let Err(error) = written {
            table.row(vec![format!("failed: `{}`: {error}", spec.display())]);
            continue;
        }
        let runs = match (quick, operations) {
            (true, 100) => 3,
            (true, _) => 1,
            (false, 10_000) => 3,
            (false, _) => 5,
        };
        // Progenitor takes over a minute on 10,000 operations: not with --quick.
        let with_peer = !(quick && operations == 10_000);
        let pair = pair(paths, tools, &spec, &name, runs, with_peer);
        let ours = secs(&pair.ours);
        let bytes_on_disk = fs::metadata(&spec).map(|m| m.len()).unwrap_or(0);
        // operations, size, ours (2), then the growth, then progenitor and the ratios.
        let mut cells = row(operations.to_string(), size(bytes_on_disk), &pair);
        let growth = [
            ours.map_or("–".into(), |s| {
                format!("{:.0} µs", s * 1e6 / operations as f64)
            }),
            previous
                .zip(ours)
                .map_or("–".into(), |(p, o)| format!("{:.1}×", o / p)),
        ];
        let at = 4.min(cells.len());
        cells.splice(at..at, growth);
        table.row(cells);
        previous = ours;
        if operations == 10_000 {
            targets.push(Target {
                what: "10,000 synthetic operations generated in < 1 s".into(),
                met: ours.map(|s| s < 1.0),
                measured: time_cell(&pair.ours),
            });
        }
    }
    table.note(
        "Each operation: a path parameter, two query parameters, a JSON body and a JSON \
         response object of 7 fields, each body a schema of its own (written by the bench into \
         `target/bench/specs/`). \"Time ÷ previous size's\" is 10× for linear growth (process start-up \
         makes the small sizes look better than linear). Medians of 5 runs (3 for 10,000); with \
         --quick 3 runs for 100 and one for the others, and progenitor not run on 10,000.",
    );
    (table, targets)
}
