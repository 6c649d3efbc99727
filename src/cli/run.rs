//! `ecsim run`: replay scenarios over many seeded trials and write the reports.
//!
//! Exit status: 0 after a replay, even when failures are predicted (a replay reports; it is
//! not a gate); with `--check`, 1 when an expectation fails; 2 bad input or usage.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use clap::Args;

use super::Output;
use crate::edition::EditionId;
use crate::error::Error;
use crate::limits;
use crate::output::{OutFile, ScenarioEntry, SetInfo};
use crate::report::replay as report;
use crate::scenario::{self, Scenario};
use crate::sim::{self, gen, Options};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files: JSON (see docs/scenarios.md) or a CSV timeline.
    #[arg(value_name = "SCENARIO", required_unless_present_any = ["schema", "generate"])]
    pub scenarios: Vec<PathBuf>,
    /// Directory for requests.csv, failures.csv and timeline.csv (created if missing).
    #[arg(long, value_name = "DIR", default_value = "ecsim-out")]
    pub out: PathBuf,
    /// Trials per scenario, overriding the files (1 to 10000000).
    #[arg(long, value_name = "N", value_parser = limits::parse_trials)]
    pub trials: Option<u32>,
    /// Run batches of 100 trials until every share's 95% interval is within ±PP (`1pp`), up to
    /// --trials (default 100000) as a cap (docs/statistics.md).
    #[arg(long, value_name = "PP", value_parser = crate::stats::precision::parse)]
    pub precision: Option<f64>,
    /// Seed, overriding the files.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// The API edition of scenarios that name none: `current` (today's API, the default) or
    /// `reference-2018`. A scenario's own `"edition"` wins.
    #[arg(long, value_name = "EDITION", default_value = "current")]
    pub edition: EditionId,
    /// Worker threads (default: one per core; at most 256). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = limits::parse_threads)]
    pub threads: Option<u16>,
    /// The memory the run's results may take (default 4GiB): trials × usage samples are
    /// estimated before any trial runs, and a run over this is refused (docs/reliability.md).
    #[arg(long, value_name = "SIZE", value_parser = limits::parse_bytes, default_value = "4GiB")]
    pub max_memory: u64,
    /// Values for ROS templates' parameters, over their defaults (docs/ros.md).
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,
    /// Exit with status 1 when an expectation fails.
    #[arg(long)]
    pub check: bool,
    /// Trials whose every attempt goes to requests.csv (the first N).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub sample_trials: u32,
    /// Keep every trial's attempts in requests.csv.
    #[arg(long)]
    pub all_trials: bool,
    /// Print the summary as JSON (docs/reports.md) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Skip the charts (report.html is written without them).
    #[arg(long)]
    pub no_charts: bool,
    /// Skip the cost model: no costs.csv, internet.csv or spot.csv, and spot price limits do
    /// not interrupt instances.
    #[arg(long)]
    pub no_costs: bool,
    /// Spread the requests of a Terraform plan, `.tf` configuration or ROS template evenly
    /// over this duration (`30m`, `2h`, `1d`) instead of one a second from the start.
    /// Scenario files keep their own times.
    #[arg(long, value_name = "DURATION", value_parser = parse_spread)]
    pub spread: Option<chrono::TimeDelta>,
    /// Price files merged over each scenario's prices (after its `costs.prices`), in order;
    /// repeatable (docs/prices.md).
    #[arg(long = "prices", value_name = "FILE")]
    pub prices: Vec<PathBuf>,
    /// Print the JSON Schema of scenario files and exit.
    #[arg(long)]
    pub schema: bool,
    /// Print a generated scenario with N requests (for benchmarks) and exit.
    #[arg(long, value_name = "N", hide = true, value_parser = limits::parse_generate)]
    pub generate: Option<usize>,
    /// Amount of each generated request.
    #[arg(long, value_name = "N", hide = true, default_value_t = 1)]
    pub amount: u32,
}

/// `--spread`: a positive duration of at most a year.
fn parse_spread(s: &str) -> Result<chrono::TimeDelta, String> {
    let d = scenario::when::parse_duration(s)
        .map_err(|e| e.explain("--spread", s, "expected a duration like 30m, 2h or 1d"))?;
    if d <= chrono::TimeDelta::zero() || d > chrono::TimeDelta::days(366) {
        return Err(format!(
            "--spread {s}: expected a duration above 0 and at most 366d, like 2h"
        ));
    }
    Ok(d)
}

pub fn run(a: RunArgs) -> crate::Result<Output> {
    if a.schema {
        let mut stdout =
            serde_json::to_vec_pretty(&scenario::schema::schema()).expect("JSON serialises");
        stdout.push(b'\n');
        return Ok(Output {
            stdout,
            ..Output::default()
        });
    }
    if let Some(requests) = a.generate {
        let mut stdout = gen::generate(gen::GenSpec {
            requests,
            trials: a.trials.unwrap_or(1000),
            amount: a.amount,
            seed: a.seed.unwrap_or(1),
        })
        .into_bytes();
        stdout.push(b'\n');
        return Ok(Output {
            stdout,
            ..Output::default()
        });
    }
    crate::input::ros::params::set_supplied(
        a.parameters
            .as_deref()
            .map(crate::input::ros::params::read_file)
            .transpose()?,
    );
    let mut scenarios: Vec<Scenario> = a
        .scenarios
        .iter()
        .map(|p| {
            let options = scenario::LoadOptions { spread: a.spread };
            scenario::sweep::load_expanded_with(p, &options)
        })
        .collect::<crate::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut loaded = std::collections::HashMap::new();
    for s in &mut scenarios {
        s.set_default_edition(a.edition);
        if !a.prices.is_empty() {
            s.costs.price_files.extend(a.prices.iter().cloned());
            let files = s.costs.price_files.clone();
            let p = match loaded.get(&files) {
                Some(p) => Arc::clone(p),
                None => {
                    let p = Arc::new(crate::cost::Prices::load(&files)?);
                    loaded.insert(files, Arc::clone(&p));
                    p
                }
            };
            s.costs.prices = p;
        }
        // Sweep variants (trials swept) and --trials are checked here; files at load.
        scenario::check_ceilings(s, a.trials)?;
    }
    // The reports, charts and report.html's sections are matched by scenario name: two
    // scenarios of one name would each show the other's charts (quadratic in copies).
    let mut names: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for s in &scenarios {
        if let Some(first) = names.insert(&s.name, &s.source) {
            return Err(Error::input(
                crate::error::Place::new(s.source.clone()),
                format!(
                    "scenario name {:?} appears twice (also in {first}); give each scenario its \
                     own \"name\", or run the file once",
                    s.name
                ),
            ));
        }
    }
    let total: u64 = scenarios
        .iter()
        .map(|s| {
            let requests = s
                .events
                .iter()
                .filter(|e| matches!(e.kind, scenario::EventKind::Request { .. }))
                .count() as u64;
            let trials = match a.precision {
                Some(_) => a.trials.unwrap_or(crate::stats::precision::DEFAULT_CAP),
                None => a.trials.unwrap_or(s.trials),
            };
            requests * u64::from(trials)
        })
        .sum();
    let show_progress = total >= PROGRESS_FROM && std::io::stderr().is_terminal();
    let counter = Arc::new(AtomicU64::new(0));
    let opts = Options {
        trials: a.trials,
        seed: a.seed,
        sample_trials: a.sample_trials,
        all_trials: a.all_trials,
        progress: show_progress.then(|| counter.clone()),
        costs: !a.no_costs,
        precision: a.precision,
    };
    let pool = super::thread_pool(a.threads)?;
    let finished = AtomicBool::new(false);
    let reports = std::thread::scope(|scope| {
        if show_progress {
            scope.spawn(|| progress_bar(&counter, total, &finished));
        }
        let reports = super::in_pool(pool.as_ref(), || {
            sim::run_checked(&scenarios, &opts, a.max_memory)
        });
        finished.store(true, Ordering::Relaxed);
        reports
    })?;
    let mut files: Vec<OutFile> = vec![
        OutFile::new("requests.csv", report::requests_csv(&reports)),
        OutFile::new("failures.csv", report::failures_csv(&reports)),
        OutFile::new("timeline.csv", report::timeline_csv(&reports)),
        OutFile::new("costs.csv", crate::report::costs::costs_csv(&reports)),
        OutFile::new("prices.csv", crate::report::costs::prices_csv(&reports)),
        OutFile::new("internet.csv", crate::report::costs::internet_csv(&reports)),
        OutFile::new("spot.csv", crate::report::costs::spot_csv(&reports)),
    ];
    let mut stdout = report::summary(&reports);
    let charts = if a.no_charts {
        Vec::new()
    } else {
        super::in_pool(pool.as_ref(), || crate::report::charts::charts(&reports))
    };
    let run_info = run_info(&a, &scenarios)?;
    let html = crate::report::html::report_page(&reports, &scenarios, &charts, Some(&run_info));
    let chart_files = charts.len() * 2;
    for c in charts {
        files.push(OutFile::new(format!("charts/{}.svg", c.stem), c.svg));
        files.push(OutFile::new(format!("charts/{}.png", c.stem), c.png));
    }
    files.push(OutFile::new("report.html", html));
    let comparison = crate::report::compare::comparison_csv(&reports);
    files.push(OutFile::new("comparison.csv", comparison));
    let info = SetInfo {
        command: "run",
        scenarios: reports
            .iter()
            .map(|r| ScenarioEntry {
                name: r.name.clone(),
                source: r.source.clone(),
                seed: r.seed,
                trials: r.trials,
                price_date: price_date(&scenarios, &r.name, a.no_costs),
            })
            .collect(),
    };
    // One set: every file through a fresh temporary file, run.json last (src/output.rs).
    let manifest = crate::output::write_run_set(&a.out, info, run_info, &files)?;
    stdout.extend_from_slice(
        format!(
            "wrote {}, {}, {}\n",
            a.out.join("requests.csv").display(),
            a.out.join("failures.csv").display(),
            a.out.join("timeline.csv").display()
        )
        .as_bytes(),
    );
    // A note on stderr: stdout's summary is pinned by a snapshot and read by scripts.
    let stderr = vec![
        format!(
            "wrote {}, {}, {} chart file(s) in {}",
            a.out.join("report.html").display(),
            a.out.join("comparison.csv").display(),
            chart_files,
            a.out.join("charts").display()
        ),
        format!(
            "wrote {}: the manifest of {} file(s) (docs/reliability.md)",
            a.out.join(crate::output::MANIFEST).display(),
            manifest.files.len()
        ),
    ];
    let mut stderr = stderr;
    stderr.extend(crate::report::costs::price_warnings(&reports));
    if a.json {
        stdout = crate::report::compare::summary_json(&reports);
    }
    let failed = reports.iter().any(|r| !r.expectations_met());
    Ok(Output {
        stdout,
        stderr,
        status: u8::from(a.check && failed),
    })
}

/// The run manifest's command line and input checksums (src/output.rs).
fn run_info(a: &RunArgs, scenarios: &[Scenario]) -> crate::Result<crate::output::RunInfo> {
    let args: Vec<String> = std::env::args_os()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let mut paths: Vec<&std::path::Path> = a.scenarios.iter().map(PathBuf::as_path).collect();
    paths.extend(a.parameters.as_deref());
    paths.extend(
        scenarios
            .iter()
            .flat_map(|s| s.costs.price_files.iter().map(PathBuf::as_path)),
    );
    let mut inputs: Vec<crate::output::InputEntry> = Vec::new();
    for p in paths {
        if p.as_os_str() != "-" && !inputs.iter().any(|i| std::path::Path::new(&i.path) == p) {
            inputs.push(crate::output::InputEntry::of(p)?);
        }
    }
    Ok(crate::output::RunInfo {
        command_line: crate::output::redact_args(&args),
        inputs,
    })
}

/// The date of the prices a scenario's costs used (none with `--no-costs`).
fn price_date(scenarios: &[Scenario], name: &str, no_costs: bool) -> Option<String> {
    let s = scenarios
        .iter()
        .find(|s| s.name == name)
        .filter(|_| !no_costs)?;
    Some(s.costs.prices.as_of.clone())
}

/// Request-trials from which a run on a terminal shows a progress bar on stderr.
const PROGRESS_FROM: u64 = 20_000_000;

/// Redraws a progress bar on stderr until `finished`, from this command's own thread (the
/// engine only counts finished request-trials).
fn progress_bar(done: &AtomicU64, total: u64, finished: &AtomicBool) {
    let mut err = std::io::stderr();
    while !finished.load(Ordering::Relaxed) {
        let d = done.load(Ordering::Relaxed).min(total);
        let filled = (d * 30 / total.max(1)) as usize;
        let _ = write!(
            err,
            "\r[{}{}] {:>3}% of {} request-trials",
            "#".repeat(filled),
            " ".repeat(30 - filled),
            d * 100 / total.max(1),
            total
        );
        let _ = err.flush();
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = write!(err, "\r\x1b[K");
    let _ = err.flush();
}
