//! Replay reports: `requests.csv`, `failures.csv`, `timeline.csv` and the terminal summary,
//! each a pure function from finished [`ScenarioReport`]s to bytes. Rows are serde structs,
//! so headers are never written by hand.

use std::fmt::Write as _;

use serde::Serialize;

use crate::scenario::when::format_duration;
use crate::sim::{Kind, ScenarioReport};
use crate::stats::{percent, share, Share, LEVEL};
use crate::time::format_utc;

/// One attempt of one request in a sampled trial.
#[derive(Debug, Default, Serialize)]
pub struct RequestRow<'a> {
    pub scenario: &'a str,
    pub trial: u32,
    pub seq: u32,
    pub at: String,
    pub label: &'a str,
    pub region: &'a str,
    pub zone: &'a str,
    pub instance_type: &'a str,
    pub amount: &'a str,
    pub attempt: u8,
    pub outcome: &'static str,
    pub code: &'static str,
    pub http_status: Option<u16>,
    pub message: String,
    pub parameter: String,
    pub instances_created: u32,
    /// For a capacity answer: the limit that bound, with its numbers.
    pub limit: String,
    /// What `check` warns about the request (unknown parameters, repeated ones), `; `-joined.
    pub warnings: String,
}

/// One error code of one scenario.
#[derive(Debug, Default, Serialize)]
pub struct FailureRow<'a> {
    pub scenario: &'a str,
    pub code: &'static str,
    pub http_status: u16,
    /// The catalog message (codes like `InvalidParameter` have several rows).
    pub message: &'static str,
    /// Final answers with the code over all requests and trials.
    pub count: u64,
    pub trials_affected: u32,
    /// Share of trials in which some request got the code.
    pub probability: f64,
    /// Its 95 % interval (docs/statistics.md) and how it was computed.
    pub probability_lo: f64,
    pub probability_hi: f64,
    pub interval_method: &'static str,
}

/// One resource at one time.
#[derive(Debug, Default, Serialize)]
pub struct TimelineRow<'a> {
    pub scenario: &'a str,
    pub time: String,
    pub resource: &'a str,
    pub limit: Option<u32>,
    pub mean: f64,
    pub p50: u32,
    pub p90: u32,
    pub p99: u32,
}

/// The rows as CSV; with no rows, the header alone (taken from a default row, since serde
/// writes the header with the first row).
pub(crate) fn to_csv<T: Serialize + Default>(rows: impl Iterator<Item = T>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut any = false;
    for r in rows {
        w.serialize(r).expect("serialising to memory cannot fail");
        any = true;
    }
    if !any {
        w.serialize(T::default())
            .expect("serialising to memory cannot fail");
    }
    let mut bytes = w.into_inner().expect("flushing to memory cannot fail");
    if !any {
        let header_end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + 1);
        bytes.truncate(header_end);
    }
    bytes
}

/// `requests.csv`: every attempt of the sampled trials, scenario by scenario, trial by trial,
/// in time order within a trial.
pub fn requests_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        r.logs.iter().flat_map(move |(trial, log)| {
            log.iter().map(move |a| {
                let info = &r.requests[a.seq as usize];
                let key = match a.kind {
                    Kind::DryRun => Some(crate::catalog::ErrorKey::DryRunOperation),
                    _ => a.violation.as_ref().map(|v| v.key),
                };
                let message = match (&a.violation, a.kind) {
                    (Some(v), _) => v.message(),
                    (None, Kind::DryRun) => crate::catalog::ErrorKey::DryRunOperation
                        .entry()
                        .message
                        .to_string(),
                    _ => String::new(),
                };
                RequestRow {
                    scenario: &r.name,
                    trial: *trial,
                    seq: a.seq,
                    at: format_utc(r.start + chrono::TimeDelta::seconds(a.at)),
                    label: info.label.as_deref().unwrap_or(""),
                    region: &info.region,
                    zone: &a.zone,
                    instance_type: &info.instance_type,
                    amount: &info.amount,
                    attempt: a.attempt,
                    outcome: a.kind.as_str(),
                    code: key.map_or("", |k| k.code()),
                    http_status: key.map(|k| k.http_status()),
                    message,
                    parameter: a
                        .violation
                        .as_ref()
                        .and_then(|v| v.param)
                        .map_or(String::new(), |p| p.to_string()),
                    instances_created: a.created,
                    limit: a
                        .violation
                        .as_ref()
                        .and_then(|v| v.bound.as_deref())
                        .map_or(String::new(), |b| b.describe()),
                    warnings: info.warnings.join("; "),
                }
            })
        })
    });
    to_csv::<RequestRow>(rows)
}

/// `failures.csv`: each code each scenario met, most frequent first.
pub fn failures_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        r.codes.iter().map(move |c| {
            let share = code_share(r, c);
            FailureRow {
                scenario: &r.name,
                code: c.key.code(),
                http_status: c.key.http_status(),
                message: r.message(c.key),
                count: c.count,
                trials_affected: c.trials_affected,
                probability: f64::from(c.trials_affected) / f64::from(r.trials),
                probability_lo: share.lo,
                probability_hi: share.hi,
                interval_method: share.method.as_str(),
            }
        })
    });
    to_csv::<FailureRow>(rows)
}

/// `timeline.csv`: each resource the scenario touched, at each sample time, over the trials.
pub fn timeline_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        r.timeline.iter().map(move |p| TimelineRow {
            scenario: &r.name,
            time: format_utc(p.at),
            resource: &p.resource,
            limit: p.limit,
            mean: p.mean,
            p50: p.p50,
            p90: p.p90,
            p99: p.p99,
        })
    });
    to_csv::<TimelineRow>(rows)
}

/// The terminal summary: per scenario, the answers' codes and the expectations.
pub fn summary(reports: &[ScenarioReport]) -> Vec<u8> {
    let mut s = String::new();
    for r in reports {
        let answers: u64 = r.requests.len() as u64 * u64::from(r.trials);
        let _ = writeln!(
            s,
            "{} ({}): {} request(s) x {} trial(s), seed {}, {} + {}",
            r.name,
            r.source,
            r.requests.len(),
            r.trials,
            r.seed,
            format_utc(r.start),
            format_duration(r.horizon)
        );
        s.push_str(&super::warnings::summary_lines(r));
        let created: u64 = r.stats.iter().map(|x| x.created).sum();
        let attempts: u64 = r.stats.iter().map(|x| x.attempts).sum();
        let failed: u64 = r
            .codes
            .iter()
            .filter(|c| c.key != crate::catalog::ErrorKey::DryRunOperation)
            .map(|c| c.count)
            .sum();
        let _ = writeln!(
            s,
            "  {} answer(s), {} failed ({}), {} attempt(s), {:.1} instance(s) created per trial (before releases)",
            answers,
            failed,
            percent(share_of(failed, answers)),
            attempts,
            created as f64 / f64::from(r.trials)
        );
        let _ = writeln!(
            s,
            "  trials with a failure: {} (95% intervals, docs/statistics.md)",
            share(u64::from(r.trials_failed), u64::from(r.trials), LEVEL).text()
        );
        if let Some(st) = &r.stopping {
            let _ = writeln!(s, "  {}", st.text());
        }
        for c in &r.codes {
            let _ = writeln!(
                s,
                "  {:>3} {:<36} {:>9} answer(s) in {} of trials  {}",
                c.key.http_status(),
                c.key.code(),
                c.count,
                code_share(r, c).text(),
                r.message(c.key)
            );
        }
        s.push_str(&super::costs::summary_lines(r));
        if !r.expectations.is_empty() {
            let met = r.expectations.iter().filter(|e| e.met).count();
            let _ = writeln!(
                s,
                "  expectations: {met} met, {} failed",
                r.expectations.len() - met
            );
            for e in r.expectations.iter().filter(|e| !e.met) {
                let info = &r.requests[e.seq as usize];
                let label = info
                    .label
                    .as_deref()
                    .map_or(String::new(), |l| format!(" ({l})"));
                let _ = writeln!(
                    s,
                    "  FAILED {}{label}: expected {}; observed in {} of trials",
                    info.source,
                    e.expect,
                    expect_text(e)
                );
            }
        }
    }
    s.into_bytes()
}

fn share_of(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// A code's share of trials with its 95 % interval.
pub fn code_share(r: &ScenarioReport, c: &crate::sim::CodeStat) -> Share {
    share(u64::from(c.trials_affected), u64::from(r.trials), LEVEL)
}

/// An expectation's observed share, with its interval and level when it states a confidence.
pub fn expect_text(e: &crate::sim::ExpectResult) -> String {
    match e.expect.confidence {
        Some(c) if e.share.method != crate::stats::Method::RuleOfThree => {
            format!("{} ({}% interval)", e.share.text(), c * 100.0)
        }
        _ => e.share.text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_reports_still_have_their_headers() {
        assert_eq!(
            String::from_utf8(requests_csv(&[])).unwrap(),
            "scenario,trial,seq,at,label,region,zone,instance_type,amount,attempt,outcome,code,\
             http_status,message,parameter,instances_created,limit,warnings\n"
        );
        assert_eq!(
            String::from_utf8(failures_csv(&[])).unwrap(),
            "scenario,code,http_status,message,count,trials_affected,probability,\
             probability_lo,probability_hi,interval_method\n"
        );
        assert_eq!(
            String::from_utf8(timeline_csv(&[])).unwrap(),
            "scenario,time,resource,limit,mean,p50,p90,p99\n"
        );
        assert!(summary(&[]).is_empty());
    }
}
