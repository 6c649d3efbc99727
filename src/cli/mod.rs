//! Command-line interface: clap definitions, one file per subcommand. This is the one place
//! that reads files and writes to stdout and stderr.
//!
//! Exit status: 0 every request predicted to succeed, 1 some predicted to fail (or an
//! expectation failed), 2 bad input or usage.

pub mod check;
pub mod codes;
pub mod completions;
pub mod diff;
pub mod init;
pub mod prices;
pub mod progress;
pub mod run;
pub mod serve;
pub mod shard;
pub mod verify;
pub mod world;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Predicts what Alibaba Cloud ECS RunInstances answers, before anything launches.
#[derive(Debug, Parser)]
#[command(name = "ecsim", version, about, long_about = None, after_help = completions::EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Predict, per request, success or the exact error RunInstances would return.
    #[command(after_help = completions::CHECK_EXAMPLES)]
    Check(check::CheckArgs),
    /// Print the error catalog: code, HTTP status, message, condition, origin.
    Codes(codes::CodesArgs),
    /// Compare two runs (output directories or `run --format json` files); `--fail-on` gates.
    Diff(diff::DiffArgs),
    /// Write a starter scenario (`--out FILE`, default starter.json) that runs as it is.
    Init(init::InitArgs),
    /// Replay scenarios over many seeded trials: capacity over time, failures, expectations.
    #[command(after_help = completions::RUN_EXAMPLES)]
    Run(run::RunArgs),
    /// Merge the shards of one run (`run --shard K/N`) into the files the whole run writes.
    Merge(shard::MergeArgs),
    /// Import a planner's own prices (DescribePrice, CSV) into a price file; list the figures.
    Prices(prices::PricesArgs),
    /// Serve an ECS-compatible local endpoint that SDKs can rehearse launches against.
    Serve(serve::ServeArgs),
    /// Build world files: `world import` turns Describe* exports into one.
    World(world::WorldArgs),
    /// Print shell completions for bash, zsh, fish, elvish or powershell.
    Completions(completions::CompletionsArgs),
    /// Print a man page in roff (`ecsim man | man -l -`; `ecsim man run` for a command's).
    Man(completions::ManArgs),
    /// Check an output directory against its run.json manifest (exit 0 verified, 1 not).
    #[command(hide = true)]
    Verify(verify::VerifyArgs),
}

/// What a command produced: bytes for stdout, notes for stderr, and the exit status.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<String>,
    pub status: u8,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> crate::Result<Output> {
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Codes(a) => codes::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Init(a) => init::run(a),
        Command::Prices(a) => prices::run(a),
        Command::Run(a) => run::run(a),
        Command::Merge(a) => shard::merge(a),
        Command::Serve(a) => serve::run(a),
        Command::World(a) => world::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Completions(a) => completions::completions(a),
        Command::Man(a) => completions::man(a),
    }
}

/// The worker pool `--threads N` asks for (None: rayon's global pool, one thread per core).
fn thread_pool(threads: Option<u16>) -> crate::Result<Option<rayon::ThreadPool>> {
    let Some(n) = threads else { return Ok(None) };
    rayon::ThreadPoolBuilder::new()
        .num_threads(usize::from(n))
        .build()
        .map(Some)
        .map_err(|e| crate::error::Error::Usage(format!("--threads {n}: {e}")))
}

/// Runs `f` in `pool` when `--threads` gave one, else in rayon's global pool.
fn in_pool<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Parses the process arguments, runs, prints, and returns the exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(&out.stdout).and_then(|_| stdout.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("ecsim: writing output: {e}");
                    return ExitCode::from(2);
                }
            }
            for line in &out.stderr {
                eprintln!("{line}");
            }
            ExitCode::from(out.status)
        }
        Err(e) => {
            eprintln!("ecsim: {e}");
            ExitCode::from(2)
        }
    }
}
