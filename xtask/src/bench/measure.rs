//! Runs a program as a child process and measures it whole: wall time, and peak memory
//! (the child's `ru_maxrss`, from `wait4`). Its output goes to files, so that a chatty
//! program cannot block on a full pipe, and a failure's message can be quoted.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One run of a program.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub wall: Duration,
    /// Peak resident memory of the child, in bytes.
    pub peak_rss: u64,
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// What went wrong, in one line: a panic's message and place, else the first line of
    /// stderr that starts with `error`, else its last line.
    pub fn failure(&self) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let panic = lines.iter().position(|l| l.contains("panicked at"));
        let message = match panic {
            Some(at) => {
                let place = lines
                    .get(at)
                    .and_then(|l| l.split("panicked at ").nth(1))
                    .unwrap_or_default()
                    .trim_end_matches(':');
                // The crate and file, without the registry's folders.
                let mut place: Vec<&str> = place.rsplit('/').take(3).collect();
                place.reverse();
                let message = lines.get(at + 1).copied().unwrap_or_default();
                format!("panicked: {message} (at {})", place.join("/"))
            }
            None => lines
                .iter()
                .find(|l| l.to_ascii_lowercase().starts_with("error"))
                .or(lines.last())
                .copied()
                .unwrap_or("no message on stderr")
                .to_string(),
        };
        let mut short: String = message.chars().take(240).collect();
        if short.len() < message.len() {
            short.push('…');
        }
        short
    }
}

/// Runs `command` to its end, its output captured in `logs` (a folder).
pub fn run(mut command: Command, logs: &Path) -> Result<Run, String> {
    fs::create_dir_all(logs).map_err(|e| format!("cannot create `{}`: {e}", logs.display()))?;
    let out_path: PathBuf = logs.join("stdout.txt");
    let err_path: PathBuf = logs.join("stderr.txt");
    let open = |path: &Path| {
        fs::File::create(path).map_err(|e| format!("cannot create `{}`: {e}", path.display()))
    };
    command
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(open(&out_path)?)
        .stderr(open(&err_path)?);
    let program = command.get_program().to_string_lossy().into_owned();
    let start = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    let (success, peak_rss) = wait(child)?;
    let wall = start.elapsed();
    let read = |path: &Path| fs::read_to_string(path).unwrap_or_default();
    Ok(Run {
        wall,
        peak_rss,
        success,
        stdout: read(&out_path),
        stderr: read(&err_path),
    })
}

/// Waits for `child` with `wait4`, which also gives its resource usage.
#[cfg(unix)]
fn wait(child: std::process::Child) -> Result<(bool, u64), String> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped (the `Child` is never waited on),
        // and both pointers point to live locals of the right types.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4 for process {pid}: {error}"));
        }
    }
    drop(child);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports kilobytes; macOS reports bytes.
    let max_rss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    let bytes = if cfg!(target_os = "macos") {
        max_rss
    } else {
        max_rss * 1024
    };
    Ok((success, bytes))
}

/// Elsewhere, no peak memory: only whether it succeeded.
#[cfg(not(unix))]
fn wait(mut child: std::process::Child) -> Result<(bool, u64), String> {
    let status = child
        .wait()
        .map_err(|e| format!("waiting for a child: {e}"))?;
    Ok((status.success(), 0))
}

/// `runs` runs of what `command` makes; stops at the first failure (which is returned as the
/// last run, so that its message can be shown).
pub fn repeat(
    runs: usize,
    logs: &Path,
    mut command: impl FnMut() -> Command,
) -> Result<Vec<Run>, String> {
    let mut all = Vec::new();
    for _ in 0..runs.max(1) {
        let run = run(command(), logs)?;
        let failed = !run.success;
        all.push(run);
        if failed {
            break;
        }
    }
    Ok(all)
}

/// Median wall time (seconds) and median peak memory (bytes) of successful runs, or the
/// failure's message.
pub fn summary(runs: &[Run]) -> Result<(f64, u64), String> {
    if let Some(failed) = runs.iter().find(|r| !r.success) {
        return Err(failed.failure());
    }
    let walls: Vec<f64> = runs.iter().map(|r| r.wall.as_secs_f64()).collect();
    let rss: Vec<f64> = runs.iter().map(|r| r.peak_rss as f64).collect();
    match (super::stats::median(&walls), super::stats::median(&rss)) {
        (Some(wall), Some(rss)) => Ok((wall, rss as u64)),
        _ => Err("no runs".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(stderr: &str) -> Run {
        Run {
            stderr: stderr.to_string(),
            ..Run::default()
        }
    }

    #[test]
    fn a_failure_is_its_panic_or_error_line() {
        let panic = "\nthread 'main' (5862) panicked at /root/.cargo/registry/src/index/\
                     progenitor-impl-0.15.1/src/method.rs:2057:23:\n\
                     not yet implemented: more media types\nstack backtrace:\n";
        assert_eq!(
            failed(panic).failure(),
            "panicked: not yet implemented: more media types \
             (at progenitor-impl-0.15.1/src/method.rs:2057:23)"
        );
        let error = "warning: x\nError: components.schemas: invalid type\n\nStack backtrace:\n";
        assert_eq!(
            failed(error).failure(),
            "Error: components.schemas: invalid type"
        );
        assert_eq!(failed("a\nlast words\n").failure(), "last words");
        assert_eq!(failed("").failure(), "no message on stderr");
    }
}
