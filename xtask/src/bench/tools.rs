//! What the bench runs, built or installed under `target/` before it starts: our xtask in
//! release, `cargo-progenitor` from crates.io (into `target/bench/tools`, never a dependency
//! of the product), and the runtime harness (`xtask/bench-harness`, its own workspace).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::measure;

/// Where everything lives.
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    /// `target/bench`.
    pub bench: PathBuf,
}

impl Paths {
    pub fn new(root: &Path) -> Paths {
        Paths {
            root: root.to_path_buf(),
            bench: root.join("target").join("bench"),
        }
    }

    pub fn xtask_release(&self) -> PathBuf {
        self.root
            .join("target")
            .join("release")
            .join(format!("xtask{}", std::env::consts::EXE_SUFFIX))
    }

    pub fn progenitor(&self) -> PathBuf {
        self.bench
            .join("tools")
            .join("bin")
            .join(format!("cargo-progenitor{}", std::env::consts::EXE_SUFFIX))
    }

    pub fn harness(&self) -> PathBuf {
        self.bench
            .join("harness-target")
            .join("release")
            .join(format!("bench-harness{}", std::env::consts::EXE_SUFFIX))
    }

    pub fn logs(&self, what: &str) -> PathBuf {
        self.bench.join("logs").join(what)
    }
}

/// What the tools came to: each one's path, or why it is missing.
#[derive(Debug, Clone)]
pub struct Tools {
    pub ours: Result<PathBuf, String>,
    pub progenitor: Result<PathBuf, String>,
    pub harness: Result<PathBuf, String>,
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs a build step, its output kept in `target/bench/logs/<name>/`.
fn step(paths: &Paths, name: &str, command: Command, product: PathBuf) -> Result<PathBuf, String> {
    eprintln!("bench: {name} ...");
    let run = measure::run(command, &paths.logs(name))?;
    if !run.success {
        return Err(format!(
            "{name} failed: {} (log: {})",
            run.failure(),
            paths.logs(name).join("stderr.txt").display()
        ));
    }
    if !product.is_file() {
        return Err(format!("{name} did not produce `{}`", product.display()));
    }
    Ok(product)
}

/// Builds or installs every tool; a tool that fails is reported, not fatal.
pub fn prepare(paths: &Paths) -> Tools {
    // The target folder is named, so that the binary is where the bench looks for it
    // whatever `CARGO_TARGET_DIR` says.
    let mut build = cargo();
    build
        .current_dir(&paths.root)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "xtask",
            "--target-dir",
        ])
        .arg(paths.root.join("target"));
    let ours = step(paths, "build-xtask-release", build, paths.xtask_release());

    let progenitor = if paths.progenitor().is_file() {
        Ok(paths.progenitor())
    } else {
        let mut install = cargo();
        install
            .current_dir(&paths.root)
            .args(["install", "cargo-progenitor", "--locked", "--root"])
            .arg(paths.bench.join("tools"));
        step(paths, "install-progenitor", install, paths.progenitor())
    };

    let mut harness = cargo();
    harness
        .current_dir(&paths.root)
        .env("CARGO_TARGET_DIR", paths.bench.join("harness-target"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(
            paths
                .root
                .join("xtask")
                .join("bench-harness")
                .join("Cargo.toml"),
        );
    let harness = step(paths, "build-harness", harness, paths.harness());

    Tools {
        ours,
        progenitor,
        harness,
    }
}

/// `cargo-progenitor`'s command line for one spec (invoked as the cargo subcommand it is).
pub fn progenitor_command(binary: &Path, spec: &Path, out: &Path, name: &str) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("progenitor")
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(["-n", name, "-v", "0.1.0"]);
    command
}

/// Our command line for one spec.
pub fn ours_command(binary: &Path, spec: &Path, out: &Path, name: &str) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("codegen")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", name]);
    command
}
