//! The replay engine: a scenario's timeline replayed against capacity that changes over time,
//! in many seeded trials.
//!
//! Pipeline: [`plan::prepare`] parses, admits and interns once per scenario;
//! [`trial::run_trial`] replays one trial as a pure function of (plan, trial index);
//! [`run`] fans trials (and scenarios) out on rayon's pool, collects them in index order in
//! fixed-size chunks and merges them in trial order, so results are byte-identical for any
//! thread count. Nothing here prints. See `docs/engine.md`.

pub mod costing;
pub mod gen;
pub mod plan;
pub mod rng;
pub mod trial;

use chrono::{DateTime, TimeDelta, Utc};
use rayon::prelude::*;

use crate::catalog::errors::entries;
use crate::catalog::ErrorKey;
use crate::scenario::{Expect, Scenario};
pub use plan::{prepare, Plan, RequestInfo};
pub use trial::{run_trial, Answer, Attempt, Kind, TrialResult};

/// Trials run between two merges; any size gives the same results (merges go in trial order),
/// it only bounds memory.
const CHUNK: u32 = 64;

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Overrides every scenario's trial count.
    pub trials: Option<u32>,
    /// Overrides every scenario's seed.
    pub seed: Option<u64>,
    /// Trials whose every attempt is kept for `requests.csv`, from trial 0.
    pub sample_trials: u32,
    /// Keep every trial's attempts.
    pub all_trials: bool,
    /// Request-trials finished so far, for a progress display owned by the caller (the engine
    /// only counts; it never prints).
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// Price every batch (costs.csv, internet.csv, spot.csv). Spot interruptions free
    /// capacity only when on.
    pub costs: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trials: None,
            seed: None,
            sample_trials: 1,
            all_trials: false,
            progress: None,
            costs: true,
        }
    }
}

/// How often each answer came back for one request, over the trials.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestStat {
    /// (packed answer code, trials), in order of first appearance.
    pub answers: Vec<(u16, u32)>,
    pub created: u64,
    pub attempts: u64,
}

/// One error code over a scenario's trials.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeStat {
    pub key: ErrorKey,
    /// Final answers with this code, over all requests and trials.
    pub count: u64,
    /// Trials in which at least one request got it.
    pub trials_affected: u32,
}

/// One resource at one sample time, over the trials.
#[derive(Debug, Clone, PartialEq)]
pub struct GaugePoint {
    pub at: DateTime<Utc>,
    pub resource: String,
    pub limit: Option<u32>,
    pub mean: f64,
    pub p50: u32,
    pub p90: u32,
    pub p99: u32,
}

/// An expectation and what the trials showed.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectResult {
    pub seq: u32,
    pub expect: Expect,
    /// Fraction of trials answering the expected outcome.
    pub observed: f64,
    pub met: bool,
}

/// Everything a scenario's run produced, ready for the writers.
#[derive(Debug, Clone)]
pub struct ScenarioReport {
    pub name: String,
    pub source: String,
    pub start: DateTime<Utc>,
    pub horizon: TimeDelta,
    pub trials: u32,
    pub seed: u64,
    pub requests: Vec<RequestInfo>,
    pub stats: Vec<RequestStat>,
    /// Codes by count, most frequent first (ties by catalog order).
    pub codes: Vec<CodeStat>,
    /// Trials in which some request's final answer was an error (a passing DryRun's
    /// DryRunOperation is not a failure).
    pub trials_failed: u32,
    pub timeline: Vec<GaugePoint>,
    /// (trial, attempts) of the sampled trials, in trial order.
    pub logs: Vec<(u32, Vec<Attempt>)>,
    pub expectations: Vec<ExpectResult>,
    /// Costs over the trials (None when the run turns costs off).
    pub costs: Option<costing::CostReport>,
    /// The edition the scenario was answered in (its messages' wording).
    pub edition: crate::edition::EditionId,
}

impl ScenarioReport {
    /// A code's message in the scenario's edition.
    pub fn message(&self, key: crate::catalog::ErrorKey) -> &'static str {
        self.edition.get().message(key.entry())
    }
}

impl ScenarioReport {
    /// Whether every expectation was met.
    pub fn expectations_met(&self) -> bool {
        self.expectations.iter().all(|e| e.met)
    }
}

/// Runs every scenario on the current rayon pool; reports in input order.
pub fn run(scenarios: &[Scenario], opts: &Options) -> Vec<ScenarioReport> {
    scenarios
        .par_iter()
        .map(|s| {
            let mut plan = prepare(s);
            if let Some(t) = opts.trials {
                plan.trials = t.max(1);
            }
            if let Some(seed) = opts.seed {
                plan.seed = seed;
            }
            plan.with_costs = opts.costs;
            simulate(&plan, opts)
        })
        .collect()
}

/// Runs a prepared plan's trials and merges them.
pub fn simulate(plan: &Plan, opts: &Options) -> ScenarioReport {
    let trials = plan.trials;
    let keep = if opts.all_trials {
        trials
    } else {
        opts.sample_trials.min(trials)
    };
    let n = plan.requests.len();
    let mut stats = vec![RequestStat::default(); n];
    let codes_len = entries().len() + 1;
    let mut code_count = vec![0u64; codes_len];
    let mut code_trials = vec![0u32; codes_len];
    let mut seen_in = vec![u32::MAX; codes_len];
    let dry_run = trial::key_code(Some(ErrorKey::DryRunOperation));
    let mut trials_failed = 0u32;
    let per_trial = plan.samples.len() * plan.gauges.len();
    let mut samples: Vec<u32> = Vec::with_capacity(per_trial * trials as usize);
    let mut logs = Vec::new();
    let mut costs = plan.with_costs.then(costing::Merger::default);

    let mut lo = 0;
    while lo < trials {
        let hi = (lo + CHUNK).min(trials);
        let chunk: Vec<TrialResult> = (lo..hi)
            .into_par_iter()
            .map(|t| run_trial(plan, t, t < keep))
            .collect();
        for (t, r) in (lo..hi).zip(chunk) {
            if r.answers.iter().any(|a| a.code != 0 && a.code != dry_run) {
                trials_failed += 1;
            }
            for (stat, a) in stats.iter_mut().zip(&r.answers) {
                match stat.answers.iter_mut().find(|(c, _)| *c == a.code) {
                    Some((_, k)) => *k += 1,
                    None => stat.answers.push((a.code, 1)),
                }
                stat.created += u64::from(a.created);
                stat.attempts += u64::from(a.attempts);
                let c = a.code as usize;
                if c != 0 {
                    code_count[c] += 1;
                    if seen_in[c] != t {
                        seen_in[c] = t;
                        code_trials[c] += 1;
                    }
                }
            }
            samples.extend_from_slice(&r.samples);
            if let Some(log) = r.log {
                logs.push((t, log));
            }
            if let (Some(m), Some(c)) = (costs.as_mut(), &r.costs) {
                m.add(t, c);
            }
        }
        if let Some(p) = &opts.progress {
            let done = u64::from(hi - lo) * n as u64;
            p.fetch_add(done, std::sync::atomic::Ordering::Relaxed);
        }
        lo = hi;
    }

    let mut codes: Vec<CodeStat> = (1..codes_len)
        .filter(|&c| code_count[c] > 0)
        .map(|c| CodeStat {
            key: trial::code_key(c as u16).expect("nonzero"),
            count: code_count[c],
            trials_affected: code_trials[c],
        })
        .collect();
    codes.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then((a.key as usize).cmp(&(b.key as usize)))
    });

    let expectations = plan
        .requests
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let e = r.expect.clone()?;
            let hits: u32 = stats[i]
                .answers
                .iter()
                .filter(|(c, _)| e.outcome.matches(trial::code_key(*c)))
                .map(|(_, k)| k)
                .sum();
            let observed = f64::from(hits) / f64::from(trials);
            let eps = 1e-9;
            let met = observed + eps >= e.probability.0 && observed - eps <= e.probability.1;
            Some(ExpectResult {
                seq: i as u32,
                expect: e,
                observed,
                met,
            })
        })
        .collect();

    ScenarioReport {
        edition: plan.scenario.world.edition,
        name: plan.scenario.name.clone(),
        source: plan.scenario.source.clone(),
        start: plan.scenario.start,
        horizon: plan.scenario.horizon,
        trials,
        seed: plan.seed,
        requests: plan.requests.clone(),
        stats,
        trials_failed,
        codes,
        timeline: timeline(plan, &samples, trials as usize),
        logs,
        expectations,
        costs: costs.map(|m| m.finish(plan)),
    }
}

/// Mean and nearest-rank percentiles of every gauge at every sample time.
fn timeline(plan: &Plan, samples: &[u32], trials: usize) -> Vec<GaugePoint> {
    let g = plan.gauges.len();
    let per_trial = plan.samples.len() * g;
    let names: Vec<(String, Option<u32>)> =
        plan.gauges.iter().map(|&x| plan.gauge_name(x)).collect();
    let mut out = Vec::with_capacity(per_trial);
    let mut column = Vec::with_capacity(trials);
    for (si, &t) in plan.samples.iter().enumerate() {
        for (gi, (name, limit)) in names.iter().enumerate() {
            column.clear();
            column.extend((0..trials).map(|tr| samples[tr * per_trial + si * g + gi]));
            column.sort_unstable();
            let sum: u64 = column.iter().map(|&v| u64::from(v)).sum();
            let mean = sum as f64 / trials as f64;
            let rank = |p: f64| {
                let k = ((p * trials as f64).ceil() as usize).clamp(1, trials);
                column[k - 1]
            };
            out.push(GaugePoint {
                at: crate::limits::offset_time(plan.scenario.start, t),
                resource: name.clone(),
                limit: *limit,
                mean: (mean * 1000.0).round() / 1000.0,
                p50: rank(0.5),
                p90: rank(0.9),
                p99: rank(0.99),
            });
        }
    }
    out
}
