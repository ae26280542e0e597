//! `cargo xtask`: repository chores. Run `cargo xtask --help` for usage.

mod bench;
mod codegen;
mod diff;

use std::io::IsTerminal;
use std::process::ExitCode;

use codegen::{Mode, Report};

const USAGE: &str = "\
Usage:
  cargo xtask codegen [--check] [--verbose] [--report FILE]
      Generate generated/<stem>/ from every spec/*.yaml, *.yml and *.json,
      deleting what is no longer generated. With --check, write nothing and
      fail if generated/ is stale.
  cargo xtask codegen --spec FILE --out DIR [--name CRATE] [--check] [--verbose] [--report FILE]
      Generate one crate from any spec file into DIR (nothing there is deleted).

  cargo xtask bench [--quick] [--only NAME[,NAME...]]
      Measure generation (against cargo-progenitor), its scaling, the compile
      time of generated crates, and the client at a rate limit and per request
      (against a peer client and plain reqwest); write target/bench/report.md.
      --quick: fewer runs. --only: generation, scaling, compile, limit, overhead.

Each crate's API is compared with the one recorded beside it (api-surface.json):
what changed is printed, each change breaking, additive or compatible, with the
version it calls for. A crate whose version (info.x-crate-version) is lower than
that is refused: nothing is written and the run fails. --report FILE writes the
changes as Markdown for a pull request.

Warnings are printed by kind: the count and the first few of each kind in
full, then one summary line per crate; --verbose prints every warning. For a
spec outside spec/, warnings about unused components are only counted.
";

#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Bench(bench::Options),
    Codegen {
        mode: Mode,
        single: Option<Single>,
        verbose: bool,
        /// `--report FILE`: where to write the change report as Markdown.
        report: Option<String>,
    },
}

/// `--spec FILE --out DIR [--name CRATE]`.
#[derive(Debug, PartialEq, Eq)]
struct Single {
    spec: String,
    out: String,
    name: Option<String>,
}

/// jemalloc: generation allocates and frees millions of small tokens and nodes on several
/// threads; with it GitHub's spec generates about a fifth faster than with glibc's allocator,
/// in no more memory (measured in the README's "Choices").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args: Result<Vec<String>, String> = std::env::args_os()
        .skip(1)
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| format!("argument is not valid UTF-8: {}", arg.to_string_lossy()))
        })
        .collect();
    let command = match args.and_then(parse_args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (mode, verbose, markdown, result) = match command {
        Command::Help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Bench(options) => {
            return match bench::bench(&codegen::workspace_root(), &options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Codegen {
            mode,
            single: None,
            verbose,
            report,
        } => (
            mode,
            verbose,
            report,
            codegen::codegen(&codegen::workspace_root(), mode),
        ),
        Command::Codegen {
            mode,
            single: Some(single),
            verbose,
            report,
        } => (
            mode,
            verbose,
            report,
            codegen::codegen_spec(&single.spec, &single.out, single.name.as_deref(), mode),
        ),
    };
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = markdown
        && let Err(e) = std::fs::write(&path, report.changes_markdown())
    {
        eprintln!("error: cannot write the change report to `{path}`: {e}");
        return ExitCode::FAILURE;
    }
    print_report(&report, mode, verbose)
}

fn parse_args(args: Vec<String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("codegen") => {}
        Some("bench") => return parse_bench(args),
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("no command given".into()),
    }
    let (mut check, mut verbose) = (false, false);
    let (mut spec, mut out, mut name, mut report) = (None, None, None, None);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let slot = match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--check" if inline.is_none() => {
                check = true;
                continue;
            }
            "--verbose" | "-v" if inline.is_none() => {
                verbose = true;
                continue;
            }
            "--spec" => &mut spec,
            "--out" => &mut out,
            "--name" => &mut name,
            "--report" => &mut report,
            _ => return Err(format!("unexpected argument `{arg}`")),
        };
        let value = match inline.or_else(|| args.next()) {
            Some(value) if !value.is_empty() => value,
            _ => return Err(format!("`{flag}` needs a value")),
        };
        if slot.replace(value).is_some() {
            return Err(format!("`{flag}` given twice"));
        }
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let single = match (spec, out, name) {
        (Some(spec), Some(out), name) => Some(Single { spec, out, name }),
        (None, None, None) => None,
        (None, None, Some(_)) => return Err("`--name` needs `--spec` and `--out`".into()),
        _ => return Err("`--spec` and `--out` go together".into()),
    };
    Ok(Command::Codegen {
        mode,
        single,
        verbose,
        report,
    })
}

fn parse_bench(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut options = bench::Options {
        quick: false,
        only: Vec::new(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--quick" if inline.is_none() => options.quick = true,
            "--only" => {
                let value = inline
                    .or_else(|| args.next())
                    .filter(|v| !v.is_empty())
                    .ok_or("`--only` needs a value")?;
                for name in value.split(',') {
                    if !bench::BENCHES.contains(&name) {
                        return Err(format!(
                            "unknown bench `{name}` (one of {})",
                            bench::BENCHES.join(", ")
                        ));
                    }
                    options.only.push(name.to_string());
                }
            }
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    Ok(Command::Bench(options))
}

/// Prints diagnostics to stderr and results to stdout; the exit code says
/// whether every spec generated and (in check mode) nothing is stale.
fn print_report(report: &Report, mode: Mode, verbose: bool) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // What each crate's API changes, before warnings and diffs.
    for krate in &report.crates {
        print!("{}", krate.changes_text());
    }
    for krate in &report.crates {
        let Ok(summary) = &krate.result else { continue };
        eprint!("{}", krate.warnings_text(verbose, color));
        if mode == Mode::Write {
            println!(
                "{}: {} operations, {} types, {} files, {} ms -> {}",
                summary.crate_name,
                summary.stats.operations,
                summary.stats.types,
                summary.files,
                summary.elapsed.as_millis(),
                krate.out,
            );
        }
    }
    for removed in &report.removed {
        println!("removed {removed} (its spec is gone)");
    }
    eprint!("{}", report.errors_text(color));
    if mode == Mode::Check {
        print!("{}", report.check_text());
    }
    let failed = report.crates.iter().filter(|c| c.result.is_err()).count();
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} specs failed to generate",
            report.crates.len()
        );
    }
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|a| a.to_string()).collect())
    }

    #[test]
    fn parses_commands() {
        let workspace = |mode| Command::Codegen {
            mode,
            single: None,
            verbose: false,
            report: None,
        };
        assert_eq!(
            parse(&["codegen", "--verbose"]),
            Ok(Command::Codegen {
                mode: Mode::Write,
                single: None,
                verbose: true,
                report: None,
            })
        );
        assert_eq!(parse(&["codegen"]), Ok(workspace(Mode::Write)));
        assert_eq!(parse(&["codegen", "--check"]), Ok(workspace(Mode::Check)));
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert_eq!(
            parse(&["bench", "--quick", "--only", "compile,limit"]),
            Ok(Command::Bench(bench::Options {
                quick: true,
                only: vec!["compile".into(), "limit".into()],
            }))
        );
        assert_eq!(
            parse(&["bench"]),
            Ok(Command::Bench(bench::Options {
                quick: false,
                only: Vec::new(),
            }))
        );
        assert_eq!(parse(&["codegen", "-h"]), Ok(Command::Help));
        assert_eq!(
            parse(&["codegen", "--out=o", "--check", "--spec", "s.yaml"]),
            Ok(Command::Codegen {
                mode: Mode::Check,
                single: Some(Single {
                    spec: "s.yaml".into(),
                    out: "o".into(),
                    name: None
                }),
                verbose: false,
                report: None,
            })
        );
        assert_eq!(
            parse(&[
                "codegen", "--spec", "s", "--out", "o", "--name", "n", "--report", "r.md"
            ]),
            Ok(Command::Codegen {
                mode: Mode::Write,
                single: Some(Single {
                    spec: "s".into(),
                    out: "o".into(),
                    name: Some("n".into())
                }),
                verbose: false,
                report: Some("r.md".into()),
            })
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        for bad in [
            &[][..],
            &["bench", "--slow"],
            &["bench", "--only", "everything"],
            &["bench", "--only"],
            &["bench", "--quick=yes"],
            &["codegen", "--frobnicate"],
            &["codegen", "--check=yes"],
            &["codegen", "--spec"],
            &["codegen", "--spec", "s"],
            &["codegen", "--out", "o"],
            &["codegen", "--name", "n"],
            &["codegen", "--spec", "a", "--spec", "b", "--out", "o"],
            &["codegen", "--spec=", "--out", "o"],
            &["codegen", "--report"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
