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
pub mod shard;
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
    /// `--precision`: run batches of [`crate::stats::precision::BATCH`] trials until every
    /// tracked share's 95 % half-width is at most this (a fraction), up to the trial count
    /// as a cap (`trials`, or [`crate::stats::precision::DEFAULT_CAP`]).
    pub precision: Option<f64>,
    /// A merge (`ecsim merge`): each scenario's trials read from its shards, by scenario
    /// index, instead of run.
    pub shards: Option<std::sync::Arc<Vec<std::sync::Mutex<shard::Source>>>>,
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
            precision: None,
            shards: None,
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
    /// Trials answering it, with the interval at the expectation's confidence (95 % when it
    /// states none; then `met` reads the point estimate, as before).
    pub share: crate::stats::Share,
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
    /// The plan's, shared.
    pub requests: std::sync::Arc<Vec<RequestInfo>>,
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
    /// How a `--precision` run stopped (None: a fixed trial count).
    pub stopping: Option<crate::stats::precision::Stopping>,
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

/// Runs every scenario on the current rayon pool; reports in input order. Nothing is
/// checked against the memory ceiling: the command line calls [`run_checked`].
pub fn run(scenarios: &[Scenario], opts: &Options) -> Vec<ScenarioReport> {
    scenarios
        .par_iter()
        .map(|s| simulate(&plan_for(s, opts), opts))
        .collect()
}

/// [`run`], after the checks of [`plans_checked`]; with `opts.shards`, a merge of shards.
pub fn run_checked(
    scenarios: &[Scenario],
    opts: &Options,
    max_memory: u64,
) -> crate::Result<Vec<ScenarioReport>> {
    let plans = plans_checked(scenarios, opts, max_memory)?;
    plans
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let source = opts.shards.as_ref().and_then(|s| s.get(i));
            simulate_from(p, opts, source).map_err(|e| {
                crate::Error::input(
                    crate::error::Place::new(p.scenario.source.clone()),
                    format!("scenario {}: {e}", p.scenario.name),
                )
            })
        })
        .collect()
}

/// Runs one shard of every scenario's trials (`run --shard`): each scenario's part, in input
/// order, under the same ceilings as a whole run.
pub fn run_shard(
    scenarios: &[Scenario],
    opts: &Options,
    max_memory: u64,
    which: shard::Shard,
) -> crate::Result<Vec<shard::Part>> {
    let plans = plans_checked(scenarios, opts, max_memory)?;
    // A shard also holds its trials' records until they are written: each request's answer
    // (about 10 bytes in CBOR) and the usage samples (at most 5 bytes each).
    let records: u64 = plans
        .iter()
        .map(|p| {
            let (from, to) = which.range(p.trials);
            let per_trial = (p.requests.len() as u64)
                .saturating_mul(10)
                .saturating_add(((p.samples.len() * p.gauges.len()) as u64).saturating_mul(5));
            u64::from(to - from).saturating_mul(per_trial)
        })
        .fold(0, u64::saturating_add);
    if records > max_memory {
        return Err(crate::Error::Usage(format!(
            "shard {which} would hold about {} of trial records, over the {} memory ceiling; \
             split the run into more shards, or raise --max-memory (docs/scale-out.md)",
            crate::limits::format_bytes(records),
            crate::limits::format_bytes(max_memory)
        )));
    }
    let progress = opts.progress.as_deref();
    Ok(plans
        .iter()
        .map(|p| shard::run_part(p, which, CHUNK, progress))
        .collect())
}

/// Every scenario's plan, after checking that the results the run keeps fit in
/// `max_memory` bytes ([`memory_estimate`] summed over the scenarios, which run side by side)
/// and that no scenario asks for more than [`crate::limits::MAX_TRIALS`] trials. Both are
/// checked after planning (cheap: once per scenario) and before any trial runs or any
/// per-trial result is allocated.
pub fn plans_checked<'s>(
    scenarios: &'s [Scenario],
    opts: &Options,
    max_memory: u64,
) -> crate::Result<Vec<Plan<'s>>> {
    use crate::limits::{format_bytes, MAX_TRIALS};
    let plans: Vec<Plan> = scenarios.par_iter().map(|s| plan_for(s, opts)).collect();
    if let Some(p) = plans.iter().find(|p| p.trials > MAX_TRIALS) {
        return Err(crate::Error::input(
            crate::error::Place::new(p.scenario.source.clone()),
            format!(
                "scenario {}: {} trials is over the ceiling of {MAX_TRIALS}; give fewer \
                 (docs/reliability.md)",
                p.scenario.name, p.trials
            ),
        ));
    }
    let estimates: Vec<u64> = plans.iter().map(|p| memory_estimate(p, opts)).collect();
    let total = estimates.iter().fold(0u64, |a, &b| a.saturating_add(b));
    if total > max_memory {
        let (i, &most) = estimates
            .iter()
            .enumerate()
            .max_by_key(|&(i, &e)| (e, std::cmp::Reverse(i)))
            .expect("a total above the ceiling has a scenario");
        let p = &plans[i];
        let all = if plans.len() > 1 {
            format!(
                " (the {} scenarios together: {})",
                plans.len(),
                format_bytes(total)
            )
        } else {
            String::new()
        };
        // Round the suggestion up to a whole GiB.
        let raise = total.div_ceil(1 << 30).saturating_mul(1 << 30);
        return Err(crate::Error::input(
            crate::error::Place::new(p.scenario.source.clone()),
            format!(
                "scenario {} would keep about {} of results{all}: {} trials × {} usage samples × \
                 {} gauges, over the {} memory ceiling; give fewer trials (--trials), sample less \
                 often (\"sample_every\"), or raise the ceiling with --max-memory {} \
                 (docs/reliability.md)",
                p.scenario.name,
                format_bytes(most),
                p.trials,
                p.samples.len(),
                p.gauges.len(),
                format_bytes(max_memory),
                format_bytes(raise).replace(' ', "")
            ),
        ));
    }
    Ok(plans)
}

/// The plan of `s` with the run's overrides applied.
fn plan_for<'s>(s: &'s Scenario, opts: &Options) -> Plan<'s> {
    let mut plan = prepare(s);
    if let Some(t) = opts.trials {
        plan.trials = t.max(1);
    } else if opts.precision.is_some() {
        plan.trials = crate::stats::precision::DEFAULT_CAP;
    }
    if let Some(seed) = opts.seed {
        plan.seed = seed;
    }
    plan.with_costs = opts.costs;
    plan
}

/// Bytes a plan's run holds until its report is written, estimated from above from the
/// shapes [`simulate`] allocates: every trial's usage samples (`trials × samples × gauges`
/// u32s, kept for the percentiles), every trial's cost totals, the attempts of the trials
/// kept for `requests.csv`, the timeline's points (and their CSV rows), and what two chunks
/// of trials in flight hold (results, synthetic spot markets).
pub fn memory_estimate(plan: &Plan, opts: &Options) -> u64 {
    use std::mem::size_of;
    let trials = u64::from(plan.trials);
    let requests = plan.requests.len() as u64;
    let points = (plan.samples.len() as u64).saturating_mul(plan.gauges.len() as u64);
    let per_trial_samples = points.saturating_mul(size_of::<u32>() as u64);
    // Both currencies' totals and their per-trial copies for the summaries.
    let per_trial_costs = if plan.with_costs {
        2 * size_of::<crate::cost::Totals>() as u64 + 4 * size_of::<f64>() as u64
    } else {
        0
    };
    let kept = if opts.all_trials {
        trials
    } else {
        u64::from(opts.sample_trials).min(trials)
    };
    // An attempt row, its zone name, and retries.
    let attempt = size_of::<trial::Attempt>() as u64 + 32;
    let logs = kept
        .saturating_mul(requests)
        .saturating_mul(u64::from(plan.scenario.retry.attempts.max(1)))
        .saturating_mul(attempt);
    // A timeline point, its resource name and its row in timeline.csv.
    let timeline = points.saturating_mul(size_of::<GaugePoint>() as u64 + 32 + 128);
    let synthetic_pools = plan
        .costing
        .markets
        .iter()
        .filter(|m| matches!(m, costing::Market::Synthetic { .. }))
        .count() as u64;
    let hours = (plan.scenario.horizon.num_seconds().max(0) / 3600 + 2) as u64;
    // Two chunks: the one being merged and the next, run beside the merge.
    let in_flight = u64::from(2 * CHUNK).saturating_mul(
        per_trial_samples
            .saturating_add(requests.saturating_mul(size_of::<Answer>() as u64))
            .saturating_add(
                synthetic_pools
                    .saturating_mul(hours)
                    .saturating_mul(size_of::<crate::cost::PricePoint>() as u64),
            ),
    );
    trials
        .saturating_mul(per_trial_samples.saturating_add(per_trial_costs))
        .saturating_add(logs)
        .saturating_add(timeline)
        .saturating_add(in_flight)
}

/// Runs a prepared plan's trials and merges them: all `plan.trials` of them, or with
/// `opts.precision` whole batches until the tracked shares are precise enough (the trial
/// count is then the cap).
pub fn simulate(plan: &Plan, opts: &Options) -> ScenarioReport {
    simulate_from(plan, opts, None).expect("trials that run cannot fail to read")
}

/// [`simulate`], its trials read from `source` (a merge of shards) when given.
fn simulate_from(
    plan: &Plan,
    opts: &Options,
    source: Option<&std::sync::Mutex<shard::Source>>,
) -> Result<ScenarioReport, String> {
    use crate::stats::precision::{self, Reason, Stopping};
    let cap = plan.trials;
    let batch = precision::BATCH;
    let keep = if opts.all_trials {
        cap
    } else {
        opts.sample_trials.min(cap)
    };
    let n = plan.requests.len();
    let codes_len = entries().len() + 1;
    let per_trial = plan.samples.len() * plan.gauges.len();
    let reserve = if opts.precision.is_some() {
        batch.min(cap)
    } else {
        cap
    };
    let mut fold = Fold {
        stats: vec![RequestStat::default(); n],
        code_count: vec![0; codes_len],
        code_trials: vec![0; codes_len],
        seen_in: vec![u32::MAX; codes_len],
        trials_failed: 0,
        samples: Vec::with_capacity(per_trial * reserve as usize),
        logs: Vec::new(),
        costs: plan.with_costs.then(costing::Merger::default),
        dry_run: trial::key_code(Some(ErrorKey::DryRunOperation)),
    };

    let mut stopping = None;
    // Chunks never straddle a batch boundary, so the stopping rule sees whole batches.
    let chunk_end = |lo: u32| (lo + CHUNK).min(cap).min((lo / batch + 1) * batch);
    let run_chunk = |lo: u32, hi: u32| -> Result<Vec<TrialResult>, String> {
        match source {
            None => Ok((lo..hi)
                .into_par_iter()
                .map(|t| run_trial(plan, t, t < keep))
                .collect()),
            Some(src) => src
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(plan, lo, hi, keep),
        }
    };
    let mut lo = 0;
    // The chunk after the one being merged, run beside that merge: the merge is in trial
    // order on one thread, and the other threads would otherwise wait for it.
    let mut ahead: Option<Vec<TrialResult>> = None;
    while lo < cap {
        let hi = chunk_end(lo);
        let chunk = match ahead.take() {
            Some(c) => c,
            None => run_chunk(lo, hi)?,
        };
        // Not past a batch that the stopping rule may end the run on.
        let run_ahead = hi < cap && (opts.precision.is_none() || hi % batch != 0);
        let (_, next) = rayon::join(
            || fold.add(lo, chunk),
            || run_ahead.then(|| run_chunk(hi, chunk_end(hi))),
        );
        ahead = next.transpose()?;
        if let Some(p) = &opts.progress {
            let done = u64::from(hi - lo) * n as u64;
            p.fetch_add(done, std::sync::atomic::Ordering::Relaxed);
        }
        lo = hi;
        if let Some(target) = opts.precision {
            if lo % batch == 0 || lo == cap {
                // Only merged counts decide: the same trials give the same stop.
                let spot = fold
                    .costs
                    .as_ref()
                    .map(|m| m.interrupted_trials())
                    .unwrap_or_default();
                let expect_hits: Vec<(String, u64)> = plan
                    .requests
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| {
                        let e = r.expect.as_ref()?;
                        Some((
                            format!("expectation of {}", r.source),
                            hits_of(&fold.stats[i], e),
                        ))
                    })
                    .collect();
                let names: Vec<(String, u64)> = std::iter::once((
                    "trials with a failure".to_string(),
                    u64::from(fold.trials_failed),
                ))
                .chain(
                    (1..codes_len)
                        .filter(|&c| fold.code_trials[c] > 0)
                        .map(|c| {
                            let key = trial::code_key(c as u16).expect("nonzero");
                            (key.code().to_string(), u64::from(fold.code_trials[c]))
                        }),
                )
                .chain(
                    spot.iter()
                        .enumerate()
                        .map(|(i, &k)| (format!("spot group {i} interrupted"), u64::from(k))),
                )
                .chain(expect_hits)
                .collect();
                let (widest, widest_of) =
                    precision::widest(names.iter().map(|(s, k)| (s.as_str(), *k)), u64::from(lo));
                let reason = if widest <= target {
                    Some(Reason::Precise)
                } else if lo == cap {
                    Some(Reason::Cap)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    stopping = Some(Stopping {
                        target,
                        batch,
                        cap,
                        trials: lo,
                        reason,
                        widest,
                        widest_of,
                        tracked: names.len(),
                    });
                    break;
                }
            }
        }
    }
    let trials = lo;
    let Fold {
        stats,
        code_count,
        code_trials,
        trials_failed,
        samples,
        logs,
        costs,
        ..
    } = fold;

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
            let hits = hits_of(&stats[i], &e);
            let observed = hits as f64 / f64::from(trials);
            let level = e.confidence.unwrap_or(crate::stats::LEVEL);
            let share = crate::stats::share(hits, u64::from(trials), level);
            let met = e.judge(&share);
            Some(ExpectResult {
                seq: i as u32,
                expect: e,
                observed,
                share,
                met,
            })
        })
        .collect();

    Ok(ScenarioReport {
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
        stopping,
    })
}

/// What a scenario's trials are merged into, in trial order.
struct Fold {
    stats: Vec<RequestStat>,
    code_count: Vec<u64>,
    code_trials: Vec<u32>,
    /// The last trial each code was counted in.
    seen_in: Vec<u32>,
    trials_failed: u32,
    samples: Vec<u32>,
    logs: Vec<(u32, Vec<Attempt>)>,
    costs: Option<costing::Merger>,
    /// DryRunOperation's packed code: a passing dry run is not a failed trial.
    dry_run: u16,
}

impl Fold {
    /// Merges one chunk's trials, `lo` the first one's number.
    fn add(&mut self, lo: u32, chunk: Vec<TrialResult>) {
        for (t, r) in (lo..).zip(chunk) {
            if r.answers
                .iter()
                .any(|a| a.code != 0 && a.code != self.dry_run)
            {
                self.trials_failed += 1;
            }
            for (stat, a) in self.stats.iter_mut().zip(&r.answers) {
                match stat.answers.iter_mut().find(|(c, _)| *c == a.code) {
                    Some((_, k)) => *k += 1,
                    None => stat.answers.push((a.code, 1)),
                }
                stat.created += u64::from(a.created);
                stat.attempts += u64::from(a.attempts);
                let c = a.code as usize;
                if c != 0 {
                    self.code_count[c] += 1;
                    if self.seen_in[c] != t {
                        self.seen_in[c] = t;
                        self.code_trials[c] += 1;
                    }
                }
            }
            self.samples.extend_from_slice(&r.samples);
            if let Some(log) = r.log {
                self.logs.push((t, log));
            }
            if let (Some(m), Some(c)) = (self.costs.as_mut(), &r.costs) {
                m.add(t, c);
            }
        }
    }
}

/// Trials in which a request's final answer is the expected one.
fn hits_of(stat: &RequestStat, e: &Expect) -> u64 {
    stat.answers
        .iter()
        .filter(|(c, _)| e.outcome.matches(trial::code_key(*c)))
        .map(|(_, k)| u64::from(*k))
        .sum()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(trials: u32) -> Scenario {
        let text = format!(
            r#"{{"trials": {trials}, "horizon": "24h", "sample_every": "1h",
                "timeline": [{{"at": "+0m", "release": "all"}}]}}"#
        );
        crate::scenario::file::parse("m.json", &text, std::path::Path::new(".")).unwrap()
    }

    #[test]
    fn the_memory_estimate_grows_with_trials_times_samples() {
        let opts = Options::default();
        let (small, big) = (scenario(10), scenario(1_000_000));
        let a = memory_estimate(&plan_for(&small, &opts), &opts);
        let b = memory_estimate(&plan_for(&big, &opts), &opts);
        let p = plan_for(&big, &opts);
        let samples = 1_000_000 * (p.samples.len() * p.gauges.len() * 4) as u64;
        assert!(b > a && b >= samples, "{a} {b} {samples}");
    }

    #[test]
    fn a_run_over_the_memory_ceiling_is_refused_before_any_trial() {
        let opts = Options {
            trials: Some(crate::limits::MAX_TRIALS),
            ..Options::default()
        };
        let s = [scenario(2)];
        let e = run_checked(&s, &opts, 1 << 20).unwrap_err().to_string();
        assert!(e.contains("over the 1 MiB memory ceiling"), "{e}");
        let over = Options {
            trials: Some(crate::limits::MAX_TRIALS + 1),
            ..Options::default()
        };
        let e = run_checked(&s, &over, u64::MAX).unwrap_err().to_string();
        assert!(e.contains("over the ceiling of 10000000"), "{e}");
        let fine = run_checked(&s, &Options::default(), 1 << 20).unwrap();
        assert_eq!(fine[0].trials, 2);
    }
}
