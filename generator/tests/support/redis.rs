//! A real `redis-server` for one test: on a free loopback port, in a scratch directory of its
//! own, persisting nothing, killed when dropped. A test that needs it fails (never passes
//! quietly) when `redis-server` is not installed.
//!
//! Everything here blocks (it starts a process and waits for `PING` to answer, a few hundred
//! milliseconds at most on a healthy machine); from async code, call it before the runtime is
//! busy or from `spawn_blocking`.

#![allow(dead_code)] // Each user takes part of it.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Set this environment variable to a `redis-server` binary to use it instead of the first
/// one on `PATH`.
pub const REDIS_SERVER_ENV: &str = "REDIS_SERVER";

/// How long a started server may take to answer `PING`.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How many free ports are tried when the server fails to bind one.
const PORT_ATTEMPTS: usize = 5;

const HOW_TO_INSTALL: &str = "this test needs `redis-server` on PATH (or its path in the \
     REDIS_SERVER environment variable): install it with `apt-get install redis-server` on \
     Debian/Ubuntu or `brew install redis` on macOS";

/// The `redis-server` binary: `$REDIS_SERVER`, else the first on `PATH`. Panics, saying how
/// to install it, when there is none.
pub fn redis_server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os(REDIS_SERVER_ENV) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return path;
        }
        panic!(
            "{REDIS_SERVER_ENV}={} is not a file; {HOW_TO_INSTALL}",
            path.display()
        );
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("redis-server"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("redis-server was not found; {HOW_TO_INSTALL}"))
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind 127.0.0.1:0 to find a free port")
        .port()
}

/// A running `redis-server`. Killed (and its scratch directory removed) on drop.
pub struct RedisServer {
    port: u16,
    binary: PathBuf,
    dir: PathBuf,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`. Panics when
    /// `redis-server` is missing or does not come up.
    pub fn start() -> Self {
        let binary = redis_server_binary();
        let mut failures = Vec::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            match Self::launch(binary.clone(), port) {
                Ok(server) => return server,
                // Most likely another process took the port in between: try another.
                Err(error) => failures.push(format!("port {port}: {error}")),
            }
        }
        panic!(
            "redis-server did not start after {PORT_ATTEMPTS} attempts:\n{}",
            failures.join("\n")
        );
    }

    /// Starts a server on `port` and waits until it answers `PING`.
    pub fn start_on(port: u16) -> Result<Self, String> {
        Self::launch(redis_server_binary(), port)
    }

    fn launch(binary: PathBuf, port: u16) -> Result<Self, String> {
        let mut server = RedisServer {
            port,
            binary,
            dir: scratch_dir(port),
            child: None,
        };
        server.spawn()?;
        Ok(server)
    }

    /// Starts the process on `self.port` and waits for `PING`; on failure nothing is left
    /// running and the error carries the server's log.
    fn spawn(&mut self) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|error| format!("cannot create {}: {error}", self.dir.display()))?;
        let log_path = self.dir.join("redis.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|error| format!("cannot create {}: {error}", log_path.display()))?;
        let child = Command::new(&self.binary)
            .arg("--port")
            .arg(self.port.to_string())
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(["--daemonize", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .args(["--logfile", ""])
            .args(["--loglevel", "warning"])
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().map_err(|error| {
                format!("cannot share the log file: {error}")
            })?))
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(|error| format!("cannot run {}: {error}", self.binary.display()))?;
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.child = None;
                return Err(format!(
                    "redis-server exited ({status}) before answering PING; its log:\n{}",
                    read_log(&log_path)
                ));
            }
            if self.ping() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.kill();
                return Err(format!(
                    "redis-server did not answer PING within {START_TIMEOUT:?}; its log:\n{}",
                    read_log(&log_path)
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:<port>/`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    /// Kills the server and waits for it to exit; [`RedisServer::restart`] brings it back on
    /// the same port.
    pub fn stop(&mut self) {
        self.kill();
    }

    /// Starts the server again on the same port (after `stop`, or killing a running one
    /// first), with an empty data set. Panics if it does not come up.
    pub fn restart(&mut self) {
        self.kill();
        let mut last = String::new();
        // The port was just released; a few tries in case the kernel is slow to let go.
        for _ in 0..PORT_ATTEMPTS {
            match self.spawn() {
                Ok(()) => return,
                Err(error) => last = error,
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("redis-server did not restart on port {}: {last}", self.port);
    }

    /// Whether the server answers `PING` with `+PONG`.
    pub fn ping(&self) -> bool {
        self.command(&["PING"])
            .is_ok_and(|reply| reply.starts_with("+PONG"))
    }

    /// Sends one command (as a RESP array of bulk strings) and returns the reply's raw text
    /// as read within a short timeout: enough to check simple replies in a test.
    pub fn command(&self, args: &[&str]) -> std::io::Result<String> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
        stream.set_read_timeout(Some(Duration::from_millis(500)))?;
        stream.set_write_timeout(Some(Duration::from_millis(500)))?;
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        stream.write_all(request.as_bytes())?;
        let mut reply = Vec::new();
        let mut chunk = [0u8; 4096];
        // A reply ends with CRLF; simple replies fit in one read, longer ones are read until
        // the server pauses.
        loop {
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => {
                    reply.extend_from_slice(&chunk[..read]);
                    if reply.ends_with(b"\r\n") && !reply.starts_with(b"*") {
                        break;
                    }
                }
                Err(error)
                    if !reply.is_empty()
                        && matches!(
                            error.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) =>
                {
                    break;
                }
                Err(error) => return Err(error),
            }
        }
        Ok(String::from_utf8_lossy(&reply).into_owned())
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh directory under the system's temporary directory, out of the working tree.
fn scratch_dir(port: u16) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("redis-test-{}-{port}-{n}", std::process::id()))
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| format!("(no log: {error})"))
}
