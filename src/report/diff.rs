//! `ecsim diff OLD NEW`: two runs compared scenario by scenario (docs/ci.md).
//!
//! Either side is read into one [`Run`], from an output directory's CSVs
//! ([`Run::from_csvs`]) or from `run --format json` ([`Run::from_json`]); [`compare`] pairs
//! the scenarios by name; the writers ([`text`], [`markdown`], [`json`]) are pure; the
//! `--fail-on` thresholds ([`FailOn`]) say which changes make the exit status 1.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Place};
use crate::stats::percent;

/// A share of trials with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prob {
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Prob {
    fn text(&self) -> String {
        format!(
            "{} [{}, {}]",
            percent(self.p),
            percent(self.lo),
            percent(self.hi)
        )
    }
}

/// The total cost per trial in a scenario's first currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub currency: String,
    pub p50: f64,
    pub p95: f64,
    /// Absent in `run --json` files written before schema_version 1.
    pub p90: Option<f64>,
    pub p99: Option<f64>,
}

/// An internet group: its method, the cheaper one, and the saving of switching.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Internet {
    /// `label (region)`, or the region alone: how the two runs' groups are matched.
    pub group: String,
    pub mbps: u32,
    pub chosen: String,
    pub cheaper: String,
    pub saving: f64,
}

/// What a diff reads of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub trials: u32,
    pub any_failure: Prob,
    /// Failing codes (no DryRunOperation), in the run's order.
    pub codes: Vec<(String, Prob)>,
    pub cost: Option<Cost>,
    pub internet: Vec<Internet>,
}

/// One run, from either form.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The directory or file it was read from.
    pub origin: String,
    pub scenarios: Vec<Scenario>,
}

fn group_name(label: Option<&str>, region: &str) -> String {
    match label.filter(|l| !l.is_empty()) {
        Some(l) => format!("{l} ({region})"),
        None => region.to_string(),
    }
}

/// The share and interval of `k` failing trials of `n`, as the run computed them.
fn prob_of(p: f64, trials: u32) -> Prob {
    let k = (p * f64::from(trials)).round() as u64;
    let s = crate::stats::share(k, u64::from(trials), crate::stats::LEVEL);
    Prob {
        p,
        lo: s.lo,
        hi: s.hi,
    }
}

#[derive(Deserialize)]
struct JsonDoc {
    schema_version: Option<u32>,
    scenarios: Vec<JsonScenario>,
}

#[derive(Deserialize)]
struct JsonShare {
    lo: f64,
    hi: f64,
}

#[derive(Deserialize)]
struct JsonScenario {
    name: String,
    trials: u32,
    p_any_failure: f64,
    p_any_failure_interval: Option<JsonShare>,
    codes: Vec<JsonCode>,
    costs: Option<JsonCosts>,
}

#[derive(Deserialize)]
struct JsonCode {
    code: String,
    failure: bool,
    probability: f64,
    probability_interval: Option<JsonShare>,
}

#[derive(Deserialize)]
struct JsonCosts {
    currencies: Vec<JsonCurrency>,
    #[serde(default)]
    internet: Vec<JsonInternet>,
}

#[derive(Deserialize)]
struct JsonCurrency {
    currency: String,
    total: JsonStat,
}

#[derive(Deserialize)]
struct JsonStat {
    p50: f64,
    p95: f64,
    p90: Option<f64>,
    p99: Option<f64>,
}

#[derive(Deserialize)]
struct JsonInternet {
    label: Option<String>,
    region: String,
    max_bandwidth_out_mbps: u32,
    chosen: String,
    cheaper: String,
    saving: f64,
}

#[derive(Deserialize)]
struct ComparisonRow {
    scenario: String,
    trials: u32,
    p_any_failure: f64,
    currency: Option<String>,
    cost_p50: Option<f64>,
    cost_p95: Option<f64>,
}

#[derive(Deserialize)]
struct FailureRow {
    scenario: String,
    code: String,
    probability: f64,
    probability_lo: f64,
    probability_hi: f64,
}

#[derive(Deserialize)]
struct CostRow {
    scenario: String,
    component: String,
    currency: String,
    p90: f64,
    p99: f64,
}

#[derive(Deserialize)]
struct InternetRow {
    scenario: String,
    label: Option<String>,
    region: String,
    max_bandwidth_out_mbps: u32,
    chosen: String,
    cheaper: String,
    saving: f64,
}

/// An output directory's CSV, as named rows; an error names the file, the line and the fix.
fn rows<T: serde::de::DeserializeOwned>(
    dir: &str,
    file: &str,
    bytes: &[u8],
) -> crate::Result<Vec<T>> {
    let mut out = Vec::new();
    for r in csv::Reader::from_reader(bytes).deserialize::<T>() {
        match r {
            Ok(row) => out.push(row),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                return Err(Error::input(
                    Place {
                        source: format!("{dir}/{file}"),
                        line: (line > 0).then_some(line),
                        column: None,
                    },
                    format!(
                        "not the {file} `ecsim run` writes: {}; run the scenarios again to \
                         rewrite the directory",
                        crate::error::plain(&e.to_string())
                    ),
                ));
            }
        }
    }
    Ok(out)
}

impl Run {
    /// A `run --format json` (or `run --json`) document.
    pub fn from_json(origin: &str, text: &str) -> crate::Result<Run> {
        let doc: JsonDoc = serde_json::from_str(text).map_err(|e| {
            Error::input(
                Place::at(origin, e.line(), e.column()),
                format!(
                    "not the output of `ecsim run --format json`: {}; give that output or an \
                     output directory of `ecsim run --out DIR`",
                    crate::error::plain(&e.to_string())
                ),
            )
        })?;
        if let Some(v) = doc
            .schema_version
            .filter(|&v| v > super::formats::SCHEMA_VERSION)
        {
            return Err(Error::input(
                Place::new(origin),
                format!(
                    "schema_version {v} is newer than this ecsim reads ({}); diff it with the \
                     ecsim that wrote it",
                    super::formats::SCHEMA_VERSION
                ),
            ));
        }
        let scenarios = doc
            .scenarios
            .into_iter()
            .map(|s| {
                let any = match s.p_any_failure_interval {
                    Some(i) => Prob {
                        p: s.p_any_failure,
                        lo: i.lo,
                        hi: i.hi,
                    },
                    None => prob_of(s.p_any_failure, s.trials),
                };
                let codes = s
                    .codes
                    .into_iter()
                    .filter(|c| c.failure)
                    .map(|c| {
                        let p = match c.probability_interval {
                            Some(i) => Prob {
                                p: c.probability,
                                lo: i.lo,
                                hi: i.hi,
                            },
                            None => prob_of(c.probability, s.trials),
                        };
                        (c.code, p)
                    })
                    .collect();
                let (cost, internet) = match s.costs {
                    None => (None, Vec::new()),
                    Some(c) => (
                        c.currencies.into_iter().next().map(|cur| Cost {
                            currency: cur.currency,
                            p50: cur.total.p50,
                            p95: cur.total.p95,
                            p90: cur.total.p90,
                            p99: cur.total.p99,
                        }),
                        c.internet
                            .into_iter()
                            .map(|i| Internet {
                                group: group_name(i.label.as_deref(), &i.region),
                                mbps: i.max_bandwidth_out_mbps,
                                chosen: i.chosen,
                                cheaper: i.cheaper,
                                saving: i.saving,
                            })
                            .collect(),
                    ),
                };
                Scenario {
                    name: s.name,
                    trials: s.trials,
                    any_failure: any,
                    codes,
                    cost,
                    internet,
                }
            })
            .collect();
        Ok(Run {
            origin: origin.to_string(),
            scenarios,
        })
    }

    /// An output directory's `comparison.csv`, `failures.csv`, `costs.csv` and
    /// `internet.csv` (a directory whose set `run.json` verified).
    pub fn from_csvs(
        origin: &str,
        comparison: &[u8],
        failures: &[u8],
        costs: &[u8],
        internet: &[u8],
    ) -> crate::Result<Run> {
        let comparison: Vec<ComparisonRow> = rows(origin, "comparison.csv", comparison)?;
        let failures: Vec<FailureRow> = rows(origin, "failures.csv", failures)?;
        let costs: Vec<CostRow> = rows(origin, "costs.csv", costs)?;
        let internet: Vec<InternetRow> = rows(origin, "internet.csv", internet)?;
        let scenarios = comparison
            .into_iter()
            .map(|c| {
                let codes = failures
                    .iter()
                    .filter(|f| f.scenario == c.scenario && f.code != "DryRunOperation")
                    .map(|f| {
                        (
                            f.code.clone(),
                            Prob {
                                p: f.probability,
                                lo: f.probability_lo,
                                hi: f.probability_hi,
                            },
                        )
                    })
                    .collect();
                let cost = match (c.currency, c.cost_p50, c.cost_p95) {
                    (Some(currency), Some(p50), Some(p95)) => {
                        let total = costs.iter().find(|r| {
                            r.scenario == c.scenario
                                && r.component == "total"
                                && r.currency == currency
                        });
                        Some(Cost {
                            p90: total.map(|t| t.p90),
                            p99: total.map(|t| t.p99),
                            currency,
                            p50,
                            p95,
                        })
                    }
                    _ => None,
                };
                Scenario {
                    any_failure: prob_of(c.p_any_failure, c.trials),
                    trials: c.trials,
                    codes,
                    cost,
                    internet: internet
                        .iter()
                        .filter(|i| i.scenario == c.scenario)
                        .map(|i| Internet {
                            group: group_name(i.label.as_deref(), &i.region),
                            mbps: i.max_bandwidth_out_mbps,
                            chosen: i.chosen.clone(),
                            cheaper: i.cheaper.clone(),
                            saving: i.saving,
                        })
                        .collect(),
                    name: c.scenario,
                }
            })
            .collect();
        Ok(Run {
            origin: origin.to_string(),
            scenarios,
        })
    }
}

/// A code's share in both runs (None: not met in that run).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeChange {
    pub code: String,
    pub old: Option<Prob>,
    pub new: Option<Prob>,
    /// New minus old share (a missing side counts 0).
    pub change: f64,
}

/// A cost percentile in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostChange {
    pub percentile: &'static str,
    pub old: f64,
    pub new: f64,
    /// Relative change (`0.05`: 5 % up); null when the old cost is 0.
    pub change: Option<f64>,
}

/// An internet group in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InternetChange {
    pub group: String,
    pub old: Option<Internet>,
    pub new: Option<Internet>,
}

/// One scenario present in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioChange {
    pub name: String,
    pub old_trials: u32,
    pub new_trials: u32,
    pub old_any_failure: Prob,
    pub new_any_failure: Prob,
    /// New minus old share of trials with a failure.
    pub any_failure_change: f64,
    pub codes: Vec<CodeChange>,
    /// Currencies of the two runs' costs (null: that run has none).
    pub old_currency: Option<String>,
    pub new_currency: Option<String>,
    /// Compared only when both runs have costs in one currency.
    pub cost: Vec<CostChange>,
    pub internet: Vec<InternetChange>,
}

/// Two runs compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub schema_version: u32,
    pub old: String,
    pub new: String,
    pub scenarios: Vec<ScenarioChange>,
    pub only_old: Vec<String>,
    pub only_new: Vec<String>,
    /// The `--fail-on` thresholds crossed, one line each.
    pub crossed: Vec<String>,
}

/// Pairs the scenarios by name (the new run's order; those in one run only are listed) and
/// checks `fail_on`.
pub fn compare(old: &Run, new: &Run, fail_on: &[FailOn]) -> Diff {
    let mut scenarios = Vec::new();
    for n in &new.scenarios {
        let Some(o) = old.scenarios.iter().find(|o| o.name == n.name) else {
            continue;
        };
        let mut codes: Vec<CodeChange> = Vec::new();
        for (code, _) in o.codes.iter().chain(&n.codes) {
            if codes.iter().any(|c| &c.code == code) {
                continue;
            }
            let find = |s: &Scenario| s.codes.iter().find(|(c, _)| c == code).map(|(_, p)| *p);
            let (op, np) = (find(o), find(n));
            codes.push(CodeChange {
                code: code.clone(),
                change: np.map_or(0.0, |p| p.p) - op.map_or(0.0, |p| p.p),
                old: op,
                new: np,
            });
        }
        let cost = match (&o.cost, &n.cost) {
            (Some(a), Some(b)) if a.currency == b.currency => {
                let mut v = vec![("P50", a.p50, b.p50)];
                if let (Some(x), Some(y)) = (a.p90, b.p90) {
                    v.push(("P90", x, y));
                }
                v.push(("P95", a.p95, b.p95));
                if let (Some(x), Some(y)) = (a.p99, b.p99) {
                    v.push(("P99", x, y));
                }
                v.into_iter()
                    .map(|(percentile, old, new)| CostChange {
                        percentile,
                        old,
                        new,
                        change: (old != 0.0).then(|| (new - old) / old),
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut internet: Vec<InternetChange> = Vec::new();
        for g in o.internet.iter().chain(&n.internet) {
            if internet.iter().any(|c| c.group == g.group) {
                continue;
            }
            let find = |s: &Scenario| s.internet.iter().find(|i| i.group == g.group).cloned();
            internet.push(InternetChange {
                group: g.group.clone(),
                old: find(o),
                new: find(n),
            });
        }
        scenarios.push(ScenarioChange {
            name: n.name.clone(),
            old_trials: o.trials,
            new_trials: n.trials,
            old_any_failure: o.any_failure,
            new_any_failure: n.any_failure,
            any_failure_change: n.any_failure.p - o.any_failure.p,
            codes,
            old_currency: o.cost.as_ref().map(|c| c.currency.clone()),
            new_currency: n.cost.as_ref().map(|c| c.currency.clone()),
            cost,
            internet,
        });
    }
    let names = |r: &Run, other: &Run| -> Vec<String> {
        r.scenarios
            .iter()
            .filter(|s| !other.scenarios.iter().any(|o| o.name == s.name))
            .map(|s| s.name.clone())
            .collect()
    };
    let mut diff = Diff {
        schema_version: super::formats::SCHEMA_VERSION,
        old: old.origin.clone(),
        new: new.origin.clone(),
        only_old: names(old, new),
        only_new: names(new, old),
        scenarios,
        crossed: Vec::new(),
    };
    diff.crossed = fail_on.iter().flat_map(|f| f.crossed(&diff)).collect();
    diff
}

/// A `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FailOn {
    /// A scenario's share of trials with a failure, or of one code, rose by more than this
    /// many percentage points (as a fraction: 0.02 for `2pp`; 0 for any rise).
    FailureUp(f64),
    /// A scenario's total cost P50 or P95 rose by more than this fraction (0.05 for `5%`).
    CostUp(f64),
    /// A failing code appears that the old run did not have.
    NewCode,
    /// An internet group's chosen or cheaper method changed.
    InternetChange,
}

/// Changes smaller than this are rounding, not a rise.
const EPS: f64 = 1e-9;

impl FailOn {
    /// `failure-up`, `failure-up=2pp`, `cost-up`, `cost-up=5%`, `new-code`,
    /// `internet-change`.
    pub fn parse(s: &str) -> Result<FailOn, String> {
        let bad = |why: &str| {
            format!(
                "--fail-on {s}: {why}; expected failure-up[=PP], cost-up[=PCT%], new-code or \
                 internet-change, like failure-up=2pp or cost-up=5%"
            )
        };
        let (name, value) = match s.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (s.trim(), None),
        };
        let amount = |suffix: &str| -> Result<f64, String> {
            let Some(v) = value else { return Ok(0.0) };
            let num = v.strip_suffix(suffix).unwrap_or(v).trim();
            match num.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(x / 100.0),
                _ => Err(bad(&format!("{v:?} is not a number >= 0 with {suffix}"))),
            }
        };
        match name {
            "failure-up" => Ok(FailOn::FailureUp(amount("pp")?)),
            "cost-up" => Ok(FailOn::CostUp(amount("%")?)),
            "new-code" if value.is_none() => Ok(FailOn::NewCode),
            "internet-change" if value.is_none() => Ok(FailOn::InternetChange),
            "new-code" | "internet-change" => Err(bad("takes no value")),
            _ => Err(bad("unknown threshold")),
        }
    }

    fn crossed(&self, d: &Diff) -> Vec<String> {
        let mut out = Vec::new();
        for s in &d.scenarios {
            match *self {
                FailOn::FailureUp(pp) => {
                    if s.any_failure_change > pp + EPS {
                        out.push(format!(
                            "failure-up: {}: trials with a failure {} -> {} ({})",
                            s.name,
                            percent(s.old_any_failure.p),
                            percent(s.new_any_failure.p),
                            pp_text(s.any_failure_change)
                        ));
                    }
                    for c in s.codes.iter().filter(|c| c.change > pp + EPS) {
                        out.push(format!(
                            "failure-up: {}: {} {}",
                            s.name,
                            c.code,
                            pp_text(c.change)
                        ));
                    }
                }
                FailOn::CostUp(pct) => {
                    for c in s
                        .cost
                        .iter()
                        .filter(|c| c.percentile == "P50" || c.percentile == "P95")
                    {
                        let up = match c.change {
                            Some(x) => x > pct + EPS,
                            None => c.new > 0.0,
                        };
                        if up {
                            out.push(format!(
                                "cost-up: {}: {} {:.2} -> {:.2} {}",
                                s.name,
                                c.percentile,
                                c.old,
                                c.new,
                                c.change.map_or("(from 0)".to_string(), |x| format!(
                                    "({})",
                                    pct_text(x)
                                ))
                            ));
                        }
                    }
                }
                FailOn::NewCode => {
                    for c in s.codes.iter().filter(|c| c.old.is_none()) {
                        out.push(format!("new-code: {}: {}", s.name, c.code));
                    }
                }
                FailOn::InternetChange => {
                    for g in &s.internet {
                        let (Some(o), Some(n)) = (&g.old, &g.new) else {
                            continue;
                        };
                        if o.chosen != n.chosen || o.cheaper != n.cheaper {
                            out.push(format!(
                                "internet-change: {}: {}: {} (cheaper {}) -> {} (cheaper {})",
                                s.name, g.group, o.chosen, o.cheaper, n.chosen, n.cheaper
                            ));
                        }
                    }
                }
            }
        }
        out
    }
}

/// `+12.5 pp`.
fn pp_text(x: f64) -> String {
    format!("{:+.1} pp", x * 100.0)
}

/// `+4.2%`.
fn pct_text(x: f64) -> String {
    format!("{:+.1}%", x * 100.0)
}

fn money(x: f64) -> String {
    format!("{x:.2}")
}

fn maybe(p: Option<Prob>) -> String {
    p.map_or("–".to_string(), |p| p.text())
}

fn internet_text(i: &Option<Internet>) -> String {
    match i {
        None => "–".into(),
        Some(i) if i.chosen == i.cheaper => format!("{} Mbps {} (the cheaper)", i.mbps, i.chosen),
        Some(i) => format!(
            "{} Mbps {}, {} saves {:.2}",
            i.mbps, i.chosen, i.cheaper, i.saving
        ),
    }
}

/// The rows a scenario's change shows: (measure, old, new, change).
fn lines(s: &ScenarioChange) -> Vec<[String; 4]> {
    let mut v = vec![[
        "trials with a failure".to_string(),
        s.old_any_failure.text(),
        s.new_any_failure.text(),
        pp_text(s.any_failure_change),
    ]];
    for c in &s.codes {
        v.push([
            c.code.clone(),
            maybe(c.old),
            maybe(c.new),
            pp_text(c.change),
        ]);
    }
    let cur = s.new_currency.as_deref().unwrap_or("");
    for c in &s.cost {
        v.push([
            format!("cost {} ({cur})", c.percentile),
            money(c.old),
            money(c.new),
            c.change.map_or("–".into(), pct_text),
        ]);
    }
    if s.cost.is_empty() && s.old_currency != s.new_currency {
        v.push([
            "cost currency".into(),
            s.old_currency.clone().unwrap_or("none".into()),
            s.new_currency.clone().unwrap_or("none".into()),
            "not compared".into(),
        ]);
    }
    for g in &s.internet {
        let changed = match (&g.old, &g.new) {
            (Some(o), Some(n)) => o.chosen != n.chosen || o.cheaper != n.cheaper,
            _ => true,
        };
        v.push([
            format!("internet {}", g.group),
            internet_text(&g.old),
            internet_text(&g.new),
            if changed { "changed" } else { "same" }.into(),
        ]);
    }
    v
}

/// The terminal report.
pub fn text(d: &Diff) -> Vec<u8> {
    let mut s = format!("diff {} -> {}\n", d.old, d.new);
    for c in &d.scenarios {
        let _ = writeln!(
            s,
            "{} ({} -> {} trials)",
            c.name, c.old_trials, c.new_trials
        );
        for [what, old, new, change] in lines(c) {
            let _ = writeln!(s, "  {what}: {old} -> {new} ({change})");
        }
    }
    for n in &d.only_old {
        let _ = writeln!(s, "only in {}: {n}", d.old);
    }
    for n in &d.only_new {
        let _ = writeln!(s, "only in {}: {n}", d.new);
    }
    for c in &d.crossed {
        let _ = writeln!(s, "crossed {c}");
    }
    s.into_bytes()
}

/// A Markdown table per scenario, for a pull-request comment.
pub fn markdown(d: &Diff) -> Vec<u8> {
    use super::formats::{md_cell, md_code};
    let mut s = String::from("## ecsim diff\n\n");
    let _ = writeln!(
        s,
        "{} → {}: {} scenario(s) compared{}.\n",
        md_code(&d.old),
        md_code(&d.new),
        d.scenarios.len(),
        if d.crossed.is_empty() {
            String::new()
        } else {
            format!(", ❌ {} threshold(s) crossed", d.crossed.len())
        }
    );
    for c in &d.scenarios {
        let _ = writeln!(
            s,
            "### {} ({} → {} trials)\n",
            md_code(&c.name),
            c.old_trials,
            c.new_trials
        );
        s.push_str("| measure | old | new | change |\n| --- | --- | --- | --- |\n");
        for row in lines(c) {
            let cells: Vec<String> = row.iter().map(|x| md_cell(x)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        s.push('\n');
    }
    for n in &d.only_old {
        let _ = writeln!(s, "- only in the old run: {}", md_code(n));
    }
    for n in &d.only_new {
        let _ = writeln!(s, "- only in the new run: {}", md_code(n));
    }
    if !d.crossed.is_empty() {
        s.push_str("\n### Thresholds crossed\n\n");
        for c in &d.crossed {
            let _ = writeln!(s, "- {}", md_cell(c));
        }
    }
    s.into_bytes()
}

/// The diff as one JSON document (docs/schema/diff.schema.json).
pub fn json(d: &Diff) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(d).expect("JSON serialises");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(p: f64, cost: f64) -> Run {
        Run {
            origin: "x".into(),
            scenarios: vec![Scenario {
                name: "s".into(),
                trials: 100,
                any_failure: prob_of(p, 100),
                codes: vec![("QuotaExceed.AfterpayInstance".into(), prob_of(p, 100))],
                cost: Some(Cost {
                    currency: "CNY".into(),
                    p50: cost,
                    p95: cost,
                    p90: None,
                    p99: None,
                }),
                internet: Vec::new(),
            }],
        }
    }

    #[test]
    fn thresholds_parse_and_cross() {
        assert_eq!(FailOn::parse("failure-up"), Ok(FailOn::FailureUp(0.0)));
        assert_eq!(FailOn::parse("failure-up=2pp"), Ok(FailOn::FailureUp(0.02)));
        assert_eq!(FailOn::parse("cost-up=5%"), Ok(FailOn::CostUp(0.05)));
        assert!(FailOn::parse("cost-up=lots")
            .unwrap_err()
            .contains("cost-up=5%"));
        assert!(FailOn::parse("new-code=1").is_err());
        let (a, b) = (run(0.1, 100.0), run(0.2, 104.0));
        let d = compare(&a, &b, &[FailOn::FailureUp(0.05), FailOn::CostUp(0.05)]);
        assert_eq!(d.crossed.len(), 2, "{:?}", d.crossed);
        let d = compare(&a, &b, &[FailOn::FailureUp(0.2), FailOn::CostUp(0.03)]);
        assert_eq!(d.crossed.len(), 2, "{:?}", d.crossed);
        assert!(d.crossed.iter().all(|c| c.starts_with("cost-up")));
        let d = compare(&b, &a, &[FailOn::FailureUp(0.0), FailOn::CostUp(0.0)]);
        assert!(d.crossed.is_empty(), "{:?}", d.crossed);
    }
}
