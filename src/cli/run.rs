//! `ecsim run`: replay scenarios over many seeded trials and write the reports.
//!
//! Exit status: 0 after a replay, even when failures are predicted (a replay reports; it is
//! not a gate); with `--check`, 1 when an expectation fails; 2 bad input or usage.

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
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
    /// Directory for the outputs (created if missing): requests.csv, failures.csv,
    /// timeline.csv, costs.csv, prices.csv, billing.csv, internet.csv, spot.csv (not with --no-costs),
    /// comparison.csv, report.html, charts/ (not with --no-charts) and run.json, the
    /// manifest. Files of an earlier run there that this run does not write are removed.
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
    /// The same as `--format json`: the summary as JSON (docs/reports.md).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Format of the summary on stdout: text, json, markdown, junit (a testcase per
    /// expectation), sarif or github (workflow commands); docs/ci.md.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    pub format: crate::report::formats::Format,
    /// Skip the charts (report.html is written without them).
    #[arg(long)]
    pub no_charts: bool,
    /// Skip the cost model: no costs.csv, prices.csv, billing.csv, internet.csv or spot.csv, and spot
    /// price limits do not interrupt instances.
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
    /// Run only shard K of N of every scenario's trials (K from 0, as Kubernetes' and Slurm's
    /// array indices) and write it to --out for `ecsim merge` (docs/scale-out.md).
    #[arg(long, value_name = "K/N", value_parser = sim::shard::Shard::parse, conflicts_with = "precision")]
    pub shard: Option<sim::shard::Shard>,
    /// Read the trials from these shard directories (what `ecsim merge` runs).
    #[arg(long, value_name = "DIR", hide = true)]
    pub from_shards: Vec<PathBuf>,
    /// The command line a merge replays (`ecsim merge`), for the run manifest.
    #[arg(skip)]
    pub recorded_argv: Option<Vec<String>>,
    /// Refuse to run (exit 2) when a request has a warning `check` would print: an unknown
    /// parameter, one sent twice, a value a reader could not resolve.
    #[arg(long)]
    pub strict: bool,
    /// No progress bars (they show only on a terminal, for runs over about a second).
    #[arg(long, short = 'q')]
    pub quiet: bool,
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
    if a.strict {
        refuse_warnings(&scenarios)?;
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
    let progress = super::progress::Progress::new(a.quiet);
    let counter = Arc::new(AtomicU64::new(0));
    let shards = if a.from_shards.is_empty() {
        None
    } else {
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        Some(super::shard::sources(&a.from_shards, &names)?)
    };
    let opts = Options {
        shards,
        trials: a.trials,
        seed: a.seed,
        sample_trials: a.sample_trials,
        all_trials: a.all_trials,
        progress: progress.enabled().then(|| counter.clone()),
        costs: !a.no_costs,
        precision: a.precision,
    };
    let pool = super::thread_pool(a.threads)?;
    if let Some(which) = a.shard {
        return super::shard::write_shard(&a, which, &scenarios, &opts, pool.as_ref());
    }
    let reports = progress.trials(&counter, total, || {
        super::in_pool(pool.as_ref(), || {
            sim::run_checked(&scenarios, &opts, a.max_memory)
        })
    })?;
    let mut steps = progress.reports(4);
    steps.step("tables");
    let mut files: Vec<OutFile> = vec![
        OutFile::new("requests.csv", report::requests_csv(&reports)),
        OutFile::new("failures.csv", report::failures_csv(&reports)),
        OutFile::new("timeline.csv", report::timeline_csv(&reports)),
    ];
    // Without the cost model there are no cost rows: no header-only files either.
    if !a.no_costs {
        files.extend([
            OutFile::new("costs.csv", crate::report::costs::costs_csv(&reports)),
            OutFile::new("prices.csv", crate::report::costs::prices_csv(&reports)),
            OutFile::new("billing.csv", crate::report::costs::billing_csv(&reports)),
            OutFile::new("internet.csv", crate::report::costs::internet_csv(&reports)),
            OutFile::new("spot.csv", crate::report::costs::spot_csv(&reports)),
        ]);
    }
    let mut stdout = report::summary(&reports);
    steps.step("charts");
    let charts = if a.no_charts {
        Vec::new()
    } else {
        super::in_pool(pool.as_ref(), || crate::report::charts::charts(&reports))
    };
    steps.step("report.html");
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
    steps.step("files");
    let manifest = crate::output::write_run_set(&a.out, info, run_info, &files)?;
    drop(steps);
    stdout.extend_from_slice(wrote(&a.out, &files, chart_files, manifest.files.len()).as_bytes());
    let stderr = crate::report::costs::price_warnings(&reports);
    stdout = crate::report::formats::replay::stdout(
        crate::report::formats::Format::chosen(a.format, a.json),
        &reports,
        stdout,
    );
    let failed = reports.iter().any(|r| !r.expectations_met());
    Ok(Output {
        stdout,
        stderr,
        status: u8::from(a.check && failed),
    })
}

/// The run manifest's command line and input checksums (src/output.rs).
fn run_info(a: &RunArgs, scenarios: &[Scenario]) -> crate::Result<crate::output::RunInfo> {
    // A merge of shards records the shards' run, so its files are that run's.
    let args: Vec<String> = match &a.recorded_argv {
        Some(argv) => argv.clone(),
        None => std::env::args_os()
            .map(|s| s.to_string_lossy().into_owned())
            .collect(),
    };
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

/// stdout's closing lines: every file written, in the order written, the charts counted, and
/// the manifest.
fn wrote(out: &std::path::Path, files: &[OutFile], charts: usize, listed: usize) -> String {
    let tables: Vec<String> = files
        .iter()
        .filter(|f| !f.path.starts_with("charts/"))
        .map(|f| out.join(&f.path).display().to_string())
        .collect();
    let mut s = format!("wrote {}\n", tables.join(", "));
    if charts > 0 {
        s.push_str(&format!(
            "wrote {charts} chart file(s) in {}\n",
            out.join("charts").display()
        ));
    }
    s.push_str(&format!(
        "wrote {}: the manifest of {listed} file(s) (docs/reliability.md)\n",
        out.join(crate::output::MANIFEST).display()
    ));
    s
}

/// `--strict`: every request warning of the scenarios (what `check` prints for the same
/// request) is an input error; all of them are listed, once each (sweep variants share them).
fn refuse_warnings(scenarios: &[Scenario]) -> crate::Result<()> {
    let mut lines: Vec<String> = Vec::new();
    let mut first = None;
    for s in scenarios {
        for e in &s.events {
            let scenario::EventKind::Request { raw, .. } = &e.kind else {
                continue;
            };
            let (_, warnings) = crate::validate::admit(raw, &s.world, e.at);
            for w in warnings {
                let line = format!("{}: {}", raw.source, w.0);
                if !lines.contains(&line) {
                    first.get_or_insert_with(|| s.source.clone());
                    lines.push(line);
                }
            }
        }
    }
    let Some(source) = first else { return Ok(()) };
    Err(Error::input(
        crate::error::Place::new(source),
        format!(
            "--strict: {} request warning(s); fix them or run without --strict:\n  {}",
            lines.len(),
            lines.join("\n  ")
        ),
    ))
}
