//! `ecsim serve`: an ECS-compatible local endpoint (docs/serve.md). Binds, prints
//! `listening on http://ADDR` as the first stdout line, serves until Ctrl-C, SIGTERM or
//! `POST /_ecsim/shutdown`, then writes the session report into `--out` when given.
//!
//! Exit status: 0 after a clean shutdown, 2 bad input, usage, or a port that cannot be bound.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::Output;
use crate::edition::EditionId;
use crate::error::{Error, Place};
use crate::serve::report::{failures_csv, requests_csv, SessionReport};
use crate::serve::{App, ClockMode, Session, SessionConfig};
use crate::world::load::{load_doc, WorldSource};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; the endpoint verifies no signature).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub listen: IpAddr,
    /// Port (0 picks a free one; the address is printed on the first stdout line).
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// World files merged over the embedded default world, in order.
    #[arg(long = "world", value_name = "FILE")]
    pub world: Vec<PathBuf>,
    /// Price files merged over the embedded catalog, in order (RunInstances' TradePrice).
    #[arg(long = "prices", value_name = "FILE")]
    pub prices: Vec<PathBuf>,
    /// The API edition the endpoint answers in: `current` (today's API, the default) or
    /// `reference-2018`.
    #[arg(long, value_name = "EDITION", default_value = "current")]
    pub edition: EditionId,
    /// Seed of RequestIds and instance ids.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Simulated time at start, UTC (`2027-06-01T00:00:00Z`); default now.
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// `follow`: simulated time passes with real time; `manual`: only POST /_ecsim/clock moves it.
    #[arg(long, value_enum, default_value_t = ClockArg::Follow)]
    pub clock: ClockArg,
    /// Directory for requests.csv and failures.csv, written on shutdown and on
    /// POST /_ecsim/report (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Request rows kept for requests.csv (error counts cover every request).
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub log_limit: usize,
    /// Worker threads (default: one per core; at most 256).
    #[arg(long, value_name = "N", value_parser = crate::limits::parse_threads)]
    pub threads: Option<u16>,
    /// Time a request head, and then its body, may take to arrive (`10s`, `1m`).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout, hide = true)]
    pub header_timeout: std::time::Duration,
    /// Time a keep-alive connection may wait for its next request.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_timeout, hide = true)]
    pub idle_timeout: std::time::Duration,
}

/// Longest `--header-timeout` / `--idle-timeout`.
const MAX_TIMEOUT_SECS: i64 = 24 * 3600;

/// A timeout option: a duration (`10s`, `2m`) from 1 second to a day.
fn parse_timeout(s: &str) -> std::result::Result<std::time::Duration, String> {
    let fix = "write a duration from 1s to 1d, e.g. 10s, 2m";
    match crate::scenario::when::parse_duration(s) {
        Ok(d) if (1..=MAX_TIMEOUT_SECS).contains(&d.num_seconds()) => Ok(
            std::time::Duration::from_secs(d.num_seconds().unsigned_abs()),
        ),
        Ok(_) => Err(format!("{s:?} is outside 1s..=1d; {fix}")),
        Err(_) => Err(format!("{s:?} is not a duration; {fix}")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockArg {
    Follow,
    Manual,
}

pub fn run(a: ServeArgs) -> crate::Result<Output> {
    let start = match &a.start {
        None => chrono::Utc::now(),
        Some(s) => crate::scenario::when::parse_time(s).map_err(|e| {
            Error::input(
                Place::new("--start"),
                e.explain(
                    "--start",
                    s,
                    "not a UTC time; write e.g. 2027-06-01T00:00:00Z",
                ),
            )
        })?,
    };
    if let Some(dir) = &a.out {
        check_out_dir(dir)?;
    }
    let sources: Vec<WorldSource> = a.world.iter().map(|p| WorldSource::File(p)).collect();
    let doc = load_doc(&sources)?;
    crate::cost::spot::check_world_prices(&doc, &world_names(&a.world))?;
    let config = SessionConfig {
        seed: a.seed,
        start,
        clock: match a.clock {
            ClockArg::Follow => ClockMode::Follow,
            ClockArg::Manual => ClockMode::Manual,
        },
        log_limit: a.log_limit,
    };
    let prices = crate::cost::Prices::load(&a.prices)?;
    let session = Arc::new(
        Session::from_doc(doc, &config)
            .in_edition(a.edition)
            .with_prices(prices),
    );
    let sink = a.out.clone().map(|dir| {
        Box::new(move |r: &SessionReport| {
            write_report(&dir, r)
                .map(|files| files.iter().map(|f| f.display().to_string()).collect())
                .map_err(|e| e.to_string())
        }) as Box<crate::serve::http::ReportSink>
    });
    let app = Arc::new(App {
        session: session.clone(),
        shutdown: tokio::sync::Notify::new(),
        sink,
        limits: crate::serve::conn::Limits {
            header_timeout: a.header_timeout,
            idle_timeout: a.idle_timeout,
            ..Default::default()
        },
    });

    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = a.threads {
        rt.worker_threads(usize::from(n));
    }
    let rt = rt
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the runtime: {e}")))?;
    let addr = SocketAddr::new(a.listen, a.port);
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{bound}");
        let _ = out.flush();
    }
    rt.block_on(crate::serve::serve(listener, app))
        .map_err(|e| Error::Usage(format!("serving on {bound}: {e}")))?;

    let mut stderr = Vec::new();
    if let Some(dir) = &a.out {
        let report = session.report();
        for f in write_report(dir, &report)? {
            stderr.push(format!("wrote {}", f.display()));
        }
        if report.requests_not_kept > 0 {
            stderr.push(format!(
                "requests.csv keeps the first {} requests; {} more are counted in failures.csv \
                 only (raise --log-limit to keep them)",
                a.log_limit, report.requests_not_kept
            ));
        }
    }
    Ok(Output {
        stdout: Vec::new(),
        stderr,
        status: 0,
    })
}

/// The `--world` files as one name for messages (`data/world` when none is given).
pub(crate) fn world_names(files: &[PathBuf]) -> String {
    if files.is_empty() {
        return "data/world".into();
    }
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Makes sure the report can be written into `dir` before serving: creates it when missing,
/// then creates and removes a probe file of a fresh name. A failure is bad input (exit 2),
/// so a session's report is never lost at shutdown to an unwritable `--out`.
fn check_out_dir(dir: &Path) -> crate::Result<()> {
    let refuse = |what: &str, e: std::io::Error| {
        Error::input(
            Place::new("--out"),
            format!(
                "{}: {what} ({e}); give a directory ecsim can write, or fix its permissions",
                dir.display()
            ),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| refuse("cannot create the report directory", e))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let probe = dir.join(format!(".ecsim-probe-{}-{nanos}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| refuse("cannot write a file in the report directory", e))?;
    std::fs::remove_file(&probe)
        .map_err(|e| refuse("cannot remove a file in the report directory", e))?;
    Ok(())
}

/// Writes `requests.csv` and `failures.csv` into `dir` as one output set with its `run.json`
/// manifest (src/output.rs: temporary files, fsync, rename, the manifest last), so a reader
/// never sees half a report or a report of two moments. Returns the two reports' paths.
pub fn write_report(dir: &Path, r: &SessionReport) -> crate::Result<Vec<PathBuf>> {
    use crate::output::{write_set, OutFile, SetInfo};
    let files = [
        OutFile::new("requests.csv", requests_csv(&r.requests)),
        OutFile::new("failures.csv", failures_csv(&r.failures)),
    ];
    let info = SetInfo {
        command: "serve",
        scenarios: Vec::new(),
    };
    write_set(dir, info, &files)?;
    Ok(files.iter().map(|f| dir.join(&f.path)).collect())
}
