//! Trial shards: one run's trials split over processes or machines and merged exactly
//! (docs/scale-out.md).
//!
//! A trial is a pure function of (plan, trial index), so a shard runs a contiguous range of
//! trials and keeps, per trial, what the merge reads: the answers, the usage samples and the
//! costs. The merge feeds those to the same merging code as a whole run, in trial order, and
//! replays the trials whose attempts go to requests.csv (they are few and their replay is
//! exact), so its files are the whole run's, byte for byte.

use std::io::Cursor;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::costing::TrialCosts;
use super::plan::Plan;
use super::trial::{run_trial, Answer, TrialResult};

/// Which part of every scenario's trials a shard run takes: `index` of `count`, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Shards a run may be split into.
pub const MAX_SHARDS: u32 = 100_000;

impl Shard {
    /// `K/N`, `K` from 0 to N-1 (Kubernetes' `JOB_COMPLETION_INDEX` as it is).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {s:?}: expected K/N with 0 <= K < N <= {MAX_SHARDS}, like 0/4 (the \
                 first of four shards)"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The trials `[from, to)` of `trials` this shard runs: contiguous ranges, as even as
    /// the count allows (a shard past the trial count runs none).
    pub fn range(self, trials: u32) -> (u32, u32) {
        let at = |k: u32| (u64::from(trials) * u64::from(k) / u64::from(self.count)) as u32;
        (at(self.index), at(self.index + 1))
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One trial as a shard keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    trial: u32,
    /// (code, attempts, replayed, created) per request.
    answers: Vec<(u16, u8, bool, u32)>,
    samples: Vec<u32>,
    costs: Option<TrialCosts>,
}

/// What identifies a scenario's plan across processes: a merge refuses shards whose
/// scenarios were planned from other inputs or options.
pub fn fingerprint(plan: &Plan) -> String {
    let c = &plan.costing;
    let text = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        plan.scenario.name,
        plan.key,
        plan.seed,
        plan.trials,
        plan.requests.len(),
        plan.steps.len(),
        plan.gauges.len(),
        plan.samples.len(),
        plan.limits.len(),
        plan.with_costs,
        c.groups.len(),
        c.spot_groups.len(),
        c.buckets.len(),
    );
    // FNV-1a, 64 bits: stable across builds and platforms (std's hasher is not), over the
    // plan's shape and every request's parameters and time.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(text.as_bytes());
    for step in &plan.steps {
        eat(&step.at.to_le_bytes());
        if let super::plan::StepKind::Request(r) = &step.kind {
            eat(&r.fingerprint.to_le_bytes());
        }
    }
    format!("{h:016x}")
}

/// A scenario's part of a shard.
#[derive(Debug, Clone)]
pub struct Part {
    pub fingerprint: String,
    pub trials: u32,
    /// The trials `[from, to)` it holds.
    pub range: (u32, u32),
    /// Its trials' records, CBOR, in trial order.
    pub data: Vec<u8>,
}

/// Runs the shard's trials of `plan` (in parallel, `chunk` at a time) and encodes them.
/// `progress` counts request-trials done.
pub fn run_part(
    plan: &Plan,
    shard: Shard,
    chunk: u32,
    progress: Option<&std::sync::atomic::AtomicU64>,
) -> Part {
    let (from, to) = shard.range(plan.trials);
    let mut data = Vec::new();
    let mut lo = from;
    while lo < to {
        let hi = lo.saturating_add(chunk.max(1)).min(to);
        let results: Vec<TrialResult> = (lo..hi)
            .into_par_iter()
            .map(|t| run_trial(plan, t, false))
            .collect();
        for (t, r) in (lo..hi).zip(results) {
            let record = Record {
                trial: t,
                answers: r
                    .answers
                    .iter()
                    .map(|a| (a.code, a.attempts, a.replayed, a.created))
                    .collect(),
                samples: r.samples,
                costs: r.costs,
            };
            ciborium::into_writer(&record, &mut data).expect("a Vec takes every write");
        }
        if let Some(p) = progress {
            let done = u64::from(hi - lo) * plan.requests.len() as u64;
            p.fetch_add(done, std::sync::atomic::Ordering::Relaxed);
        }
        lo = hi;
    }
    Part {
        fingerprint: fingerprint(plan),
        trials: plan.trials,
        range: (from, to),
        data,
    }
}

/// A part's trials `[from, to)` and its records, with the read position.
type Reader = ((u32, u32), Cursor<Vec<u8>>);

/// A scenario's trials read back from its shards' parts, in trial order.
#[derive(Debug)]
pub struct Source {
    fingerprint: String,
    trials: u32,
    /// Whether the merging plan was found to be the shards' plan.
    checked: bool,
    /// The parts by range, each with its records and read position.
    parts: Vec<Reader>,
    /// The part being read.
    at: usize,
}

impl Source {
    /// The parts of one scenario, from every shard: they must come from one plan and hold
    /// every trial exactly once (checked against the merging plan at the first
    /// [`Source::take`]).
    pub fn new(mut parts: Vec<Part>) -> Result<Source, String> {
        let Some(first) = parts.first() else {
            return Err("no shard holds the scenario".into());
        };
        let (fingerprint, trials) = (first.fingerprint.clone(), first.trials);
        if parts
            .iter()
            .any(|p| p.fingerprint != fingerprint || p.trials != trials)
        {
            return Err(
                "the shards were run from other inputs or options; run every shard with one \
                 command line and the same files"
                    .into(),
            );
        }
        parts.sort_by_key(|p| p.range);
        let mut next = 0;
        for p in &parts {
            if p.range.0 != next || p.range.1 < p.range.0 {
                return Err(format!(
                    "the shards do not hold every trial once: trials {next} on are expected, a \
                     shard holds {}..{}; merge every shard of the run, each once",
                    p.range.0, p.range.1
                ));
            }
            next = p.range.1;
        }
        if next != trials {
            return Err(format!(
                "the shards hold trials 0..{next} of {trials}; merge every shard of the run"
            ));
        }
        Ok(Source {
            fingerprint,
            trials,
            checked: false,
            parts: parts
                .into_iter()
                .map(|p| (p.range, Cursor::new(p.data)))
                .collect(),
            at: 0,
        })
    }

    /// The results of trials `lo..hi`, in order. Those below `keep` are replayed for their
    /// attempts (requests.csv), and a replay that answers otherwise than its record is
    /// refused: the shard is not from these inputs.
    pub fn take(
        &mut self,
        plan: &Plan,
        lo: u32,
        hi: u32,
        keep: u32,
    ) -> Result<Vec<TrialResult>, String> {
        if !self.checked {
            let here = fingerprint(plan);
            if here != self.fingerprint || plan.trials != self.trials {
                return Err(format!(
                    "the shards were planned otherwise (plan {}, {} trials) than this merge \
                     (plan {here}, {} trials): the inputs or options changed since the shards \
                     ran; merge where they ran, with the same files",
                    self.fingerprint, self.trials, plan.trials
                ));
            }
            self.checked = true;
        }
        let mut out = Vec::with_capacity((hi - lo) as usize);
        for t in lo..hi {
            while self
                .parts
                .get(self.at)
                .is_some_and(|(range, _)| range.1 <= t)
            {
                self.at += 1;
            }
            let Some((range, cursor)) = self.parts.get_mut(self.at) else {
                return Err(format!("trial {t} is in no shard"));
            };
            let record: Record = ciborium::from_reader(&mut *cursor).map_err(|e| {
                format!(
                    "shard trials {}..{}: unreadable at trial {t} ({e}); run that shard again",
                    range.0, range.1
                )
            })?;
            let n = plan.requests.len();
            let points = plan.samples.len() * plan.gauges.len();
            if record.trial != t
                || record.answers.len() != n
                || record.samples.len() != points
                || record.costs.is_some() != plan.with_costs
            {
                return Err(format!(
                    "shard trials {}..{}: the record of trial {t} does not fit this run's plan; \
                     run every shard and the merge with the same inputs",
                    range.0, range.1
                ));
            }
            let answers: Vec<Answer> = record
                .answers
                .iter()
                .map(|&(code, attempts, replayed, created)| Answer {
                    code,
                    attempts,
                    replayed,
                    created,
                })
                .collect();
            let log = if t < keep {
                let replay = run_trial(plan, t, true);
                if replay.answers != answers || replay.samples != record.samples {
                    return Err(format!(
                        "trial {t} replays otherwise than its shard recorded it: the shard is \
                         from other inputs or another ecsim"
                    ));
                }
                replay.log
            } else {
                None
            };
            out.push(TrialResult {
                answers,
                samples: record.samples,
                log,
                costs: record.costs,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_trials_in_order() {
        for trials in [0u32, 1, 7, 100, 1001] {
            for count in [1u32, 2, 3, 4, 16] {
                let mut next = 0;
                for index in 0..count {
                    let (a, b) = Shard { index, count }.range(trials);
                    assert_eq!(a, next);
                    assert!(b >= a);
                    next = b;
                }
                assert_eq!(next, trials);
            }
        }
    }

    #[test]
    fn shard_specs_parse_or_say_why() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "0/0", "x/2", "1", "-1/2", "1/100001"] {
            let e = Shard::parse(bad).unwrap_err();
            assert!(e.contains("expected K/N"), "{bad}: {e}");
        }
    }
}
