//! Compile time of generated output: nexus's crate from ours and from progenitor, each alone
//! in a small workspace of its own under `target/bench/compile/` with its dependencies built
//! first, then the crate rebuilt after touching its sources (median of runs); line counts of
//! both; and the cold first build of `generated/resend` in an empty target folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use super::callers;
use super::measure;
use super::report::{Table, Target};
use super::stats::{duration, median, ratio};
use super::tools::{Paths, Tools, ours_command, progenitor_command};

const CRATE: &str = "nexus-client";

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// One generator's crate: its line count, its rebuild time, and the rebuild time of the
/// crate with a program that awaits each of its operations.
struct Built {
    lines: usize,
    rebuild: f64,
    with_caller: Result<f64, String>,
}

/// Writes a caller of every operation (see [`callers`]) beside the crate, makes it a member
/// of the workspace, then `runs` builds of crate and caller together.
fn with_caller(
    workspace: &Path,
    dir: &Path,
    caller: fn(&Path, &str) -> Result<String, String>,
    runs: usize,
    logs: &Path,
) -> Result<f64, String> {
    let main = caller(dir, &CRATE.replace('-', "_"))?;
    let caller_dir = workspace.join("caller");
    fs::create_dir_all(caller_dir.join("src"))
        .map_err(|e| format!("`{}`: {e}", caller_dir.display()))?;
    let write = |path: PathBuf, text: String| {
        fs::write(&path, text).map_err(|e| format!("`{}`: {e}", path.display()))
    };
    write(caller_dir.join("src").join("main.rs"), main)?;
    write(
        caller_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"caller\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{CRATE} = {{ path = \"../{CRATE}\" }}\n"
        ),
    )?;
    write(
        workspace.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\"{CRATE}\", \"caller\"]\n"),
    )?;
    // No build before the runs: the dependencies are built, and every run builds crate and
    // caller from their sources alike.
    rebuilds(workspace, &[dir, &caller_dir], runs, logs)
}

/// The median wall time of `runs` builds of `workspace`, each after touching the sources
/// under every folder of `sources`.
fn rebuilds(workspace: &Path, sources: &[&Path], runs: usize, logs: &Path) -> Result<f64, String> {
    let mut times = Vec::new();
    for _ in 0..runs {
        for dir in sources {
            touch(&dir.join("src"))?;
        }
        let run = measure::run(build_command(workspace), logs)?;
        if !run.success {
            return Err(format!("cargo build failed: {}", run.failure()));
        }
        times.push(run.wall.as_secs_f64());
    }
    Ok(median(&times).unwrap_or(0.0))
}

/// Lines of every `.rs` file under `dir`.
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut lines = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            lines += rust_lines(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            lines += fs::read_to_string(&path).map_or(0, |t| t.lines().count());
        }
    }
    lines
}

/// Marks every source file of the crate as changed.
fn touch(dir: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("`{}`: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            touch(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            fs::File::options()
                .append(true)
                .open(&path)
                .and_then(|file| file.set_modified(SystemTime::now()))
                .map_err(|e| format!("touching `{}`: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn build_command(workspace: &Path) -> Command {
    let mut command = cargo();
    // Without this a debug rebuild of an unchanged crate is mostly a hit in the incremental
    // cache, and measures the cache rather than the compiler's work on the crate.
    command
        .current_dir(workspace)
        .env("CARGO_INCREMENTAL", "0")
        .args(["build", "--quiet", "--target-dir"])
        .arg(workspace.join("target"));
    command
}

/// Generates nexus's crate with `make` into `target/bench/compile/<who>/`, builds it once
/// (dependencies), then `runs` rebuilds of the crate alone.
fn crate_of(
    paths: &Paths,
    who: &str,
    binary: &Path,
    make: fn(&Path, &Path, &Path, &str) -> Command,
    caller: fn(&Path, &str) -> Result<String, String>,
    (runs, caller_runs): (usize, usize),
) -> Result<Built, String> {
    let workspace = paths.bench.join("compile").join(who);
    let dir = workspace.join(CRATE);
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_dir_all(workspace.join("caller"));
    let spec = paths
        .root
        .join("generator")
        .join("tests")
        .join("corpus")
        .join("nexus.json");
    let generated = measure::run(
        make(binary, &spec, &dir, CRATE),
        &paths.logs(&format!("compile-gen-{who}")),
    )?;
    if !generated.success {
        return Err(format!("generation failed: {}", generated.failure()));
    }
    let manifest = fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| format!("no Cargo.toml in `{}`: {e}", dir.display()))?;
    // Its own workspace, so that the repository's does not claim it.
    if manifest.contains("[workspace]") {
        return Err(format!(
            "`{}` is a workspace of its own: the bench puts it in one",
            dir.display()
        ));
    }
    fs::write(
        workspace.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\"{CRATE}\"]\n"),
    )
    .map_err(|e| format!("`{}`: {e}", workspace.display()))?;
    let root_manifest = workspace.clone();
    eprintln!("bench: building {who}'s {CRATE} and its dependencies ...");
    let logs = paths.logs(&format!("compile-{who}"));
    let first = measure::run(build_command(&root_manifest), &logs)?;
    if !first.success {
        return Err(format!("cargo build failed: {}", first.failure()));
    }
    let rebuild = rebuilds(&root_manifest, &[&dir], runs, &logs)?;
    eprintln!("bench: building {who}'s {CRATE} with a caller of every operation ...");
    Ok(Built {
        lines: rust_lines(&dir.join("src")),
        rebuild,
        with_caller: with_caller(&workspace, &dir, caller, caller_runs, &logs),
    })
}

fn built(
    tool: &Result<PathBuf, String>,
    what: impl FnOnce(&Path) -> Result<Built, String>,
) -> Result<Built, String> {
    match tool {
        Ok(binary) => what(binary),
        Err(error) => Err(format!("not run: {error}")),
    }
}

/// The compile-time table and its target.
pub fn compile(paths: &Paths, tools: &Tools, quick: bool) -> (Table, Vec<Target>) {
    let runs = if quick { 2 } else { 5 };
    let caller_runs = if quick { 1 } else { 3 };
    let ours = built(&tools.ours, |b| {
        crate_of(
            paths,
            "ours",
            b,
            ours_command,
            callers::ours,
            (runs, caller_runs),
        )
    });
    let peer = built(&tools.progenitor, |b| {
        crate_of(
            paths,
            "progenitor",
            b,
            progenitor_command,
            callers::progenitor,
            (runs, caller_runs),
        )
    });
    let mut table = Table::new(
        "Compile time of generated output",
        &["measure", "ours", "progenitor", "ours ÷ progenitor"],
    );
    let cell = |b: &Result<Built, String>, f: &dyn Fn(&Built) -> String| match b {
        Ok(b) => f(b),
        Err(error) => format!("failed: {error}"),
    };
    let time = |s: f64| duration(Duration::from_secs_f64(s));
    let rebuild = |b: &Result<Built, String>| b.as_ref().ok().map(|b| b.rebuild);
    let lines = |b: &Result<Built, String>| b.as_ref().ok().map(|b| b.lines as f64);
    table.row(vec![
        "nexus's crate alone, `cargo build` (debug), dependencies built".into(),
        cell(&ours, &|b| time(b.rebuild)),
        cell(&peer, &|b| time(b.rebuild)),
        ratio(rebuild(&ours), rebuild(&peer)),
    ]);
    let with_caller = |b: &Result<Built, String>| {
        b.as_ref()
            .ok()
            .and_then(|b| b.with_caller.as_ref().ok().copied())
    };
    let caller_cell = |b: &Result<Built, String>| match b {
        Ok(b) => match &b.with_caller {
            Ok(s) => time(*s),
            Err(error) => format!("failed: {error}"),
        },
        Err(error) => format!("failed: {error}"),
    };
    table.row(vec![
        "nexus's crate and a program awaiting every one of its operations".into(),
        caller_cell(&ours),
        caller_cell(&peer),
        ratio(with_caller(&ours), with_caller(&peer)),
    ]);
    table.row(vec![
        "lines of Rust in nexus's crate".into(),
        cell(&ours, &|b| b.lines.to_string()),
        cell(&peer, &|b| b.lines.to_string()),
        ratio(lines(&ours), lines(&peer)),
    ]);
    let factor = rebuild(&ours).zip(rebuild(&peer)).map(|(o, p)| o / p);
    let target = Target {
        what: "nexus's crate compiles in <= 0.5x progenitor's time".into(),
        met: factor.map(|f| f <= 0.5),
        measured: factor.map_or("no ratio: a build failed".into(), |f| format!("{f:.2}x")),
    };
    let cold = if quick {
        "not run with --quick".to_string()
    } else {
        cold_build(paths).unwrap_or_else(|error| format!("failed: {error}"))
    };
    table.row(vec![
        "cold first build of `generated/resend` (debug, empty target folder)".into(),
        cold,
        "–".into(),
        "–".into(),
    ]);
    table.note(format!(
        "Median of {runs} rebuild(s) after touching the crate's sources ({caller_runs} with the \
         program), with \
         `CARGO_INCREMENTAL=0` (else a rebuild mostly reads the incremental cache); each crate is alone in \
         a workspace of its own under `target/bench/compile/`. Here a ratio below 1 means ours \
         is faster or shorter. Our crates compile an operation's code where it is called \
         (`#[inline]`): the second row adds a program that awaits each operation once (its \
         calls read from each crate, `callers.rs`), the most a user of the whole API pays. \
         The cold build compiles every dependency too (`cargo build -p \
         resend-client` into `target/bench/cold-target`, emptied first)."
    ));
    (table, vec![target])
}

fn cold_build(paths: &Paths) -> Result<String, String> {
    let target = paths.bench.join("cold-target");
    let _ = fs::remove_dir_all(&target);
    eprintln!("bench: cold build of generated/resend ...");
    let mut command = cargo();
    command
        .current_dir(&paths.root)
        .args(["build", "--quiet", "-p", "resend-client", "--target-dir"])
        .arg(&target);
    let run = measure::run(command, &paths.logs("cold-build"))?;
    let _ = fs::remove_dir_all(&target);
    if run.success {
        Ok(duration(run.wall))
    } else {
        Err(run.failure())
    }
}
