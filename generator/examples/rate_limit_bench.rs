//! How well the generated Resend client keeps to a server's rate limit: one process or a
//! fleet of processes sharing one API key send emails at a loopback server that enforces N
//! requests per sliding window of W (`tests/support/limited.rs`), and the bench reports how
//! much of the allowed rate was used, how many 429s the server had to send, what reached the
//! callers as errors, and whether any email was accepted twice.
//!
//! ```text
//! cargo run --release -p generator --example rate_limit_bench                # every case
//! cargo run --release -p generator --example rate_limit_bench -- --case 3    # one case
//! ```
//!
//! Options: `--case N` (repeatable, or `--case 1,3`), `--limit N` (the server's limit for
//! every case), `--window-secs W` (the server's window, default 1), `--sends N` (calls in the
//! one-process cases, default 20), `--children K` and `--child-sends N` (the fleet cases,
//! default 3 processes of 10 calls).
//!
//! The fleet cases run this same binary as children (`--child <server-url> <sends>`); each
//! prints one line of JSON with its results on stdout.
//!
//! The table goes to stdout as Markdown; progress goes to stderr.

#[path = "../tests/support/limited.rs"]
mod limited;
#[path = "../tests/support/redis.rs"]
mod redis;

use std::collections::BTreeMap;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use limited::LimitedServer;
use redis::RedisServer;
use resend_client::types::SendEmailRequest;
use resend_client::{Client, Error};
use tokio::task::JoinSet;

/// The API key every client sends (the server does not check it).
const API_KEY: &str = "re_test";

/// The longest a case may run before it is abandoned.
const CASE_TIMEOUT: Duration = Duration::from_secs(90);

/// How far ahead of now the children of a fleet are told to start, so that they start
/// together whatever their start-up time.
const FLEET_START_DELAY: Duration = Duration::from_millis(700);

#[derive(Debug, Clone)]
struct Options {
    cases: Vec<u32>,
    /// The server's limit for every case, instead of each case's own.
    limit: Option<u32>,
    window: Duration,
    sends: usize,
    children: usize,
    child_sends: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            cases: vec![1, 2, 3, 4],
            limit: None,
            window: Duration::from_secs(1),
            sends: 20,
            children: 3,
            child_sends: 10,
        }
    }
}

/// What a child is asked to do.
#[derive(Debug, Clone)]
struct ChildTask {
    server_url: String,
    sends: usize,
    redis_url: Option<String>,
    /// Milliseconds since the Unix epoch at which to make the first call.
    start_at_ms: Option<u64>,
}

enum Mode {
    Help,
    Bench(Options),
    Child(ChildTask),
}

const USAGE: &str = "usage: rate_limit_bench [--case N[,N...]]... [--limit N] [--window-secs W] \
     [--sends N] [--children K] [--child-sends N]";

fn parse_args(args: &[String]) -> Result<Mode, String> {
    if args.first().map(String::as_str) == Some("--child") {
        return parse_child(args.get(1..).unwrap_or_default()).map(Mode::Child);
    }
    let mut options = Options::default();
    let mut cases = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--help" | "-h" => return Ok(Mode::Help),
            "--case" => {
                for case in value("--case")?.split(',') {
                    let case: u32 = number(case, "--case")?;
                    if !(1..=4).contains(&case) {
                        return Err(format!("there is no case {case}: the cases are 1 to 4"));
                    }
                    cases.push(case);
                }
            }
            "--limit" => options.limit = Some(positive(&value("--limit")?, "--limit")?),
            "--window-secs" => {
                let seconds: f64 = number(&value("--window-secs")?, "--window-secs")?;
                if !(seconds > 0.0 && seconds <= 60.0) {
                    return Err("--window-secs must be more than 0 and at most 60".into());
                }
                options.window = Duration::from_secs_f64(seconds);
            }
            "--sends" => options.sends = positive(&value("--sends")?, "--sends")?,
            "--children" => options.children = positive(&value("--children")?, "--children")?,
            "--child-sends" => {
                options.child_sends = positive(&value("--child-sends")?, "--child-sends")?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if !cases.is_empty() {
        cases.sort_unstable();
        cases.dedup();
        options.cases = cases;
    }
    Ok(Mode::Bench(options))
}

fn parse_child(args: &[String]) -> Result<ChildTask, String> {
    let mut args = args.iter();
    let server_url = args.next().cloned().ok_or("--child needs a server URL")?;
    let sends = positive(
        args.next().ok_or("--child needs a number of sends")?,
        "sends",
    )?;
    let mut task = ChildTask {
        server_url,
        sends,
        redis_url: None,
        start_at_ms: None,
    };
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--redis" => task.redis_url = Some(value.clone()),
            "--start-at" => task.start_at_ms = Some(number(value, "--start-at")?),
            other => return Err(format!("unknown child argument `{other}`")),
        }
    }
    Ok(task)
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{name}: `{text}` is not a number"))
}

fn positive<T: std::str::FromStr + PartialEq + Default>(
    text: &str,
    name: &str,
) -> Result<T, String> {
    let value: T = number(text, name)?;
    if value == T::default() {
        return Err(format!("{name} must be at least 1"));
    }
    Ok(value)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args) {
        Ok(Mode::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Mode::Child(task)) => child(task).await,
        Ok(Mode::Bench(options)) => bench(options).await,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// A minimal email the spec accepts.
fn email() -> SendEmailRequest {
    SendEmailRequest::new(
        "Acme <onboarding@example.com>",
        vec!["delivered@example.com".to_string()],
        "Rate limit bench",
    )
    .with_text("Hello.")
}

/// A client with default settings (paced by the spec's rate), pointed at `server_url`, and
/// sharing its limit through Redis when given a URL.
fn client(server_url: &str, redis_url: Option<&str>) -> Result<Client, String> {
    let mut builder = Client::builder().api_key(API_KEY).base_url(server_url);
    if let Some(url) = redis_url {
        // `shared_rate_limit` comes with resend-client's `redis` feature.
        builder = builder.shared_rate_limit(url);
    }
    builder.build().map_err(|error| error.to_string())
}

/// A name for the kind of an error, for counting: `http_<status>` for an API answer, else
/// the variant's name in lower case.
fn error_kind(error: &Error) -> String {
    if let Error::Api(api) = error {
        return format!("http_{}", api.status().as_u16());
    }
    let debug = format!("{error:?}");
    let variant: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if variant.is_empty() {
        "other".to_string()
    } else {
        variant.to_ascii_lowercase()
    }
}

/// What one batch of calls came to.
#[derive(Debug, Default, Clone)]
struct Calls {
    ok: usize,
    errors: BTreeMap<String, usize>,
    /// Wall-clock instants (ms since the Unix epoch) of the first call and last completion.
    started_ms: f64,
    finished_ms: f64,
}

impl Calls {
    fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    fn wall(&self) -> Duration {
        Duration::from_secs_f64(((self.finished_ms - self.started_ms) / 1000.0).max(0.0))
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "ok": self.ok,
            "errors": self.errors,
            "started_unix_ms": self.started_ms,
            "finished_unix_ms": self.finished_ms,
        })
    }

    fn from_json(line: &str) -> Result<Calls, String> {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|error| format!("`{line}`: {error}"))?;
        let ok = value
            .get("ok")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| format!("`{line}` has no `ok`"))?;
        let errors = value
            .get("errors")
            .and_then(serde_json::Value::as_object)
            .map(|errors| {
                errors
                    .iter()
                    .map(|(kind, n)| (kind.clone(), n.as_u64().unwrap_or(0) as usize))
                    .collect()
            })
            .unwrap_or_default();
        let instant = |name: &str| {
            value
                .get(name)
                .and_then(serde_json::Value::as_f64)
                .ok_or_else(|| format!("`{line}` has no `{name}`"))
        };
        Ok(Calls {
            ok: ok as usize,
            errors,
            started_ms: instant("started_unix_ms")?,
            finished_ms: instant("finished_unix_ms")?,
        })
    }

    /// Several batches as one: counts added, from the earliest start to the latest end.
    fn merge(batches: &[Calls]) -> Calls {
        let mut all = Calls {
            started_ms: f64::INFINITY,
            finished_ms: f64::NEG_INFINITY,
            ..Calls::default()
        };
        for batch in batches {
            all.ok += batch.ok;
            for (kind, n) in &batch.errors {
                *all.errors.entry(kind.clone()).or_default() += n;
            }
            all.started_ms = all.started_ms.min(batch.started_ms);
            all.finished_ms = all.finished_ms.max(batch.finished_ms);
        }
        if batches.is_empty() {
            all.started_ms = 0.0;
            all.finished_ms = 0.0;
        }
        all
    }
}

fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Makes `sends` concurrent `emails().send` calls through one client and its clones.
async fn send_all(client: &Client, sends: usize) -> Calls {
    let email = email();
    let mut calls = Calls {
        started_ms: unix_ms(),
        ..Calls::default()
    };
    let mut tasks = JoinSet::new();
    for _ in 0..sends {
        let client = client.clone();
        let email = email.clone();
        tasks.spawn(async move {
            client
                .emails()
                .send(&email)
                .await
                .map(|_| ())
                .map_err(|error| error_kind(&error))
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(())) => calls.ok += 1,
            Ok(Err(kind)) => *calls.errors.entry(kind).or_default() += 1,
            Err(_) => *calls.errors.entry("task_failed".into()).or_default() += 1,
        }
    }
    calls.finished_ms = unix_ms();
    calls
}

/// A child of a fleet: waits for the agreed start, makes its calls, prints one JSON line.
async fn child(task: ChildTask) -> ExitCode {
    let client = match client(&task.server_url, task.redis_url.as_deref()) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("child: cannot build the client: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(start_at) = task.start_at_ms {
        let wait = (start_at as f64 - unix_ms()).max(0.0);
        tokio::time::sleep(Duration::from_secs_f64(wait / 1000.0)).await;
    }
    let calls = send_all(&client, task.sends).await;
    println!("{}", calls.to_json());
    ExitCode::SUCCESS
}

/// One case of the bench.
#[derive(Debug, Clone)]
struct Case {
    number: u32,
    /// The server's limit per window.
    limit: u32,
    window: Duration,
    /// One process making `sends` calls, or `processes` children making `sends` each.
    processes: Option<usize>,
    sends: usize,
    shared: bool,
}

impl Case {
    fn all(options: &Options) -> Vec<Case> {
        let case = |number, limit: u32, processes, shared| Case {
            number,
            limit: options.limit.unwrap_or(limit),
            window: options.window,
            processes,
            sends: if processes.is_some() {
                options.child_sends
            } else {
                options.sends
            },
            shared,
        };
        vec![
            case(1, 2, None, false),
            case(2, 5, None, false),
            case(3, 2, Some(options.children), false),
            case(4, 2, Some(options.children), true),
        ]
    }

    fn setup(&self) -> String {
        let who = match self.processes {
            None => format!("1 process × {} sends", self.sends),
            Some(n) => format!("{n} processes × {} sends", self.sends),
        };
        let sharing = match (self.processes, self.shared) {
            (None, _) => "",
            (Some(_), false) => ", no Redis",
            (Some(_), true) => ", shared_rate_limit (Redis)",
        };
        format!("{who}{sharing}, spec 2/s")
    }

    fn calls(&self) -> usize {
        self.sends * self.processes.unwrap_or(1)
    }
}

/// What the server and the callers saw in one case.
struct Outcome {
    accepted: usize,
    refused: usize,
    duplicates: usize,
    utilization: Option<f64>,
    calls: Calls,
}

async fn run_case(case: &Case) -> Result<Outcome, String> {
    let server = LimitedServer::start(case.limit, case.window).await;
    let calls = match case.processes {
        None => {
            let client = client(&server.url(), None)?;
            tokio::time::timeout(CASE_TIMEOUT, send_all(&client, case.sends))
                .await
                .map_err(|_| format!("the calls did not finish within {CASE_TIMEOUT:?}"))?
        }
        Some(processes) => {
            // A fresh redis-server for the case, stopped when it ends.
            let redis = if case.shared {
                Some(
                    tokio::task::spawn_blocking(RedisServer::start)
                        .await
                        .map_err(|error| format!("redis-server did not start: {error}"))?,
                )
            } else {
                None
            };
            let redis_url = redis.as_ref().map(RedisServer::url);
            let result =
                run_fleet(&server.url(), processes, case.sends, redis_url.as_deref()).await;
            drop(redis);
            result?
        }
    };
    let stats = server.stats();
    Ok(Outcome {
        accepted: stats.accepted,
        refused: stats.refused,
        duplicates: stats.duplicate_sends,
        utilization: stats.utilization(case.limit, case.window),
        calls,
    })
}

/// Runs `processes` children, each making `sends` calls, and adds up what they report.
async fn run_fleet(
    server_url: &str,
    processes: usize,
    sends: usize,
    redis_url: Option<&str>,
) -> Result<Calls, String> {
    let exe =
        std::env::current_exe().map_err(|error| format!("no path to this binary: {error}"))?;
    let start_at = (unix_ms() + FLEET_START_DELAY.as_secs_f64() * 1000.0) as u64;
    let mut children: Vec<Child> = Vec::new();
    for _ in 0..processes {
        let mut command = Command::new(&exe);
        command
            .arg("--child")
            .arg(server_url)
            .arg(sends.to_string())
            .arg("--start-at")
            .arg(start_at.to_string());
        if let Some(url) = redis_url {
            command.arg("--redis").arg(url);
        }
        let spawned = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(error) => {
                kill_all(&mut children);
                return Err(format!("cannot start a child: {error}"));
            }
        }
    }
    let deadline = Instant::now() + CASE_TIMEOUT;
    let mut statuses = vec![None; children.len()];
    while statuses.iter().any(Option::is_none) {
        for (child, status) in children.iter_mut().zip(statuses.iter_mut()) {
            if status.is_none() {
                *status = child.try_wait().map_err(|error| error.to_string())?;
            }
        }
        if Instant::now() >= deadline {
            kill_all(&mut children);
            return Err(format!(
                "the children did not finish within {CASE_TIMEOUT:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut batches = Vec::new();
    for (child, status) in children.iter_mut().zip(&statuses) {
        let mut out = String::new();
        if let Some(stdout) = child.stdout.as_mut() {
            use std::io::Read;
            stdout
                .read_to_string(&mut out)
                .map_err(|error| format!("cannot read a child's output: {error}"))?;
        }
        if !status.is_some_and(|status| status.success()) {
            return Err(format!("a child failed ({status:?}); its output: {out}"));
        }
        let line = out.lines().last().unwrap_or_default();
        batches.push(Calls::from_json(line)?);
    }
    Ok(Calls::merge(&batches))
}

fn kill_all(children: &mut [Child]) {
    for child in children {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn rate(limit: u32, window: Duration) -> String {
    if window.subsec_nanos() == 0 && window.as_secs() == 1 {
        format!("{limit}/s")
    } else {
        format!("{limit}/{}s", window.as_secs_f64())
    }
}

fn errors_cell(calls: &Calls) -> String {
    let total = calls.error_count();
    if total == 0 {
        return "0".to_string();
    }
    let kinds: Vec<String> = calls
        .errors
        .iter()
        .map(|(kind, n)| format!("{kind} ×{n}"))
        .collect();
    format!("{total} ({})", kinds.join(", "))
}

async fn bench(options: Options) -> ExitCode {
    let cases: Vec<Case> = Case::all(&options)
        .into_iter()
        .filter(|case| options.cases.contains(&case.number))
        .collect();
    let mut rows = Vec::new();
    let mut failed = false;
    for case in &cases {
        eprintln!(
            "case {}: {} against {} ...",
            case.number,
            case.setup(),
            rate(case.limit, case.window)
        );
        let cells = match run_case(case).await {
            Ok(outcome) => {
                eprintln!(
                    "case {}: done in {:.1} s",
                    case.number,
                    outcome.calls.wall().as_secs_f64()
                );
                vec![
                    outcome
                        .utilization
                        .map_or_else(|| "n/a".to_string(), |u| format!("{u:.2}")),
                    format!("{}/{}", outcome.accepted, case.calls()),
                    outcome.refused.to_string(),
                    errors_cell(&outcome.calls),
                    outcome.duplicates.to_string(),
                    format!("{:.1} s", outcome.calls.wall().as_secs_f64()),
                ]
            }
            Err(error) => {
                failed = true;
                eprintln!("case {}: failed: {error}", case.number);
                vec![format!("failed: {error}")]
            }
        };
        rows.push((case.clone(), cells));
    }
    println!(
        "| Case | Setup | Allowed | Achieved / allowed | Accepted / calls | 429s sent | Errors surfaced | Duplicate sends | Wall time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (case, cells) in &rows {
        let mut line = format!(
            "| {} | {} | {} |",
            case.number,
            case.setup(),
            rate(case.limit, case.window)
        );
        for cell in cells {
            line.push_str(&format!(" {} |", cell.replace('|', "\\|")));
        }
        // A case that did not run spans the remaining columns with its one cell.
        for _ in cells.len()..6 {
            line.push_str(" |");
        }
        println!("{line}");
    }
    println!();
    println!(
        "Achieved / allowed = (accepted − N) / (last accepted arrival − first accepted arrival) / (N / W), \
         with N requests allowed per sliding window W. The first N requests are the window's \
         initial burst; a client that uses every slot of the window scores 1.00. Arrivals are \
         timed by the server; wall time is the callers' (first call to last completion). \
         Errors are what the calls returned, by kind; duplicate sends are idempotency keys the \
         server accepted more than once."
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
