//! Scenarios side by side: `comparison.csv` and the JSON summary printed by `ecsim run --json`,
//! pure functions from finished [`ScenarioReport`]s to bytes.

use serde::Serialize;

use super::charts::is_failure;
use super::costs::{r4, recommendation};
use crate::cost::Summary;
use crate::sim::costing::CurrencyCosts;
use crate::sim::ScenarioReport;
use crate::stats::{precision::Stopping, Bounds, Share};
use crate::time::format_utc;

/// One scenario's comparison figures (the fixed columns of `comparison.csv`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Row {
    pub scenario: String,
    pub trials: u32,
    pub requests: usize,
    /// Final answers that were errors (passing dry runs excluded), over all trials.
    pub failed_answers: u64,
    /// Share of all answers that failed.
    pub failed_share: f64,
    /// Share of trials in which some request failed.
    pub p_any_failure: f64,
    pub expectations_met: usize,
    pub expectations_failed: usize,
}

/// The comparison figures per scenario, in run order.
pub fn rows(reports: &[ScenarioReport]) -> Vec<Row> {
    reports
        .iter()
        .map(|r| {
            let trials = f64::from(r.trials.max(1));
            let failing: Vec<_> = r.codes.iter().filter(|c| is_failure(c.key)).collect();
            let failed_answers: u64 = failing.iter().map(|c| c.count).sum();
            let answers = r.requests.len() as u64 * u64::from(r.trials);
            let met = r.expectations.iter().filter(|e| e.met).count();
            Row {
                scenario: r.name.clone(),
                trials: r.trials,
                requests: r.requests.len(),
                failed_answers,
                failed_share: if answers == 0 {
                    0.0
                } else {
                    failed_answers as f64 / answers as f64
                },
                p_any_failure: f64::from(r.trials_failed) / trials,
                expectations_met: met,
                expectations_failed: r.expectations.len() - met,
            }
        })
        .collect()
}

/// One scenario's cost figures (the cost columns of `comparison.csv`, after [`Row`]'s), in its
/// first currency (CNY before USD), rounded to 4 decimals; every field empty when the scenario
/// has no costs (costs off, or nothing created).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CostCols {
    pub currency: Option<&'static str>,
    /// Total cost per trial.
    pub cost_p50: Option<f64>,
    pub cost_p95: Option<f64>,
    /// Compute (instance hours, spot included).
    pub compute_p50: Option<f64>,
    pub compute_p95: Option<f64>,
    /// System and data disks: the sum of the two components' percentiles, which is the
    /// percentile of their sum when both rise and fall together over trials (as they do when
    /// they grow with the instances created) and an approximation of it otherwise.
    pub disks_p50: Option<f64>,
    pub disks_p95: Option<f64>,
    /// Internet under each request's chosen method.
    pub internet_p50: Option<f64>,
    pub internet_p95: Option<f64>,
    /// Mean saving per trial of moving each internet group to its cheaper method, summed over
    /// the groups of this currency (0: every group is already on the cheaper one).
    pub internet_saving: Option<f64>,
}

/// The cost columns of one scenario.
pub fn cost_cols(r: &ScenarioReport) -> CostCols {
    let Some((costs, c)) = r
        .costs
        .as_ref()
        .and_then(|costs| costs.currencies.first().map(|c| (costs, c)))
    else {
        return CostCols::default();
    };
    let s = &c.summary;
    let saving: f64 = costs
        .internet
        .iter()
        .filter(|i| i.group.currency == c.currency)
        .map(|i| i.saving())
        .fold(0.0, |a, b| a + b);
    CostCols {
        currency: Some(c.currency.as_str()),
        cost_p50: Some(r4(s.total.p50)),
        cost_p95: Some(r4(s.total.p95)),
        compute_p50: Some(r4(s.compute.p50)),
        compute_p95: Some(r4(s.compute.p95)),
        disks_p50: Some(r4(s.system_disk.p50 + s.data_disks.p50)),
        disks_p95: Some(r4(s.system_disk.p95 + s.data_disks.p95)),
        internet_p50: Some(r4(s.internet.p50)),
        internet_p95: Some(r4(s.internet.p95)),
        internet_saving: Some(r4(saving)),
    }
}

/// The failure codes met in any scenario, in order of first appearance (scenario order, then
/// each scenario's most frequent first).
pub fn codes(reports: &[ScenarioReport]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in reports {
        for c in r.codes.iter().filter(|c| is_failure(c.key)) {
            if !out.contains(&c.key.code()) {
                out.push(c.key.code());
            }
        }
    }
    out
}

/// Share of a scenario's trials in which some request got `code` (0 when none did).
pub fn code_share(r: &ScenarioReport, code: &str) -> f64 {
    let n: u32 = r
        .codes
        .iter()
        .filter(|c| c.key.code() == code)
        .map(|c| c.trials_affected)
        .sum();
    (f64::from(n) / f64::from(r.trials.max(1))).min(1.0)
}

/// `comparison.csv`: one row per scenario; the fixed columns of [`Row`], then the cost
/// columns of [`CostCols`], then one column per failure code met in the run (`p:<code>`, the
/// share of trials with that code). The code columns depend on the data, so the header is the
/// serialised structs' field names plus those names.
pub fn comparison_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let codes = codes(reports);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let mut header = record(&Row::default()).0;
    header.extend(&record(&CostCols::default()).0);
    header.extend(codes.iter().map(|c| format!("p:{c}")));
    w.write_record(&header).expect("writing to memory");
    for (r, row) in reports.iter().zip(rows(reports)) {
        let mut rec = record(&row).1;
        rec.extend(&record(&cost_cols(r)).1);
        for c in &codes {
            rec.push_field(&code_share(r, c).to_string());
        }
        w.write_record(&rec).expect("writing to memory");
    }
    w.into_inner().expect("flushing to memory")
}

/// A serde struct's field names and values as CSV records (through the csv crate, so quoting
/// and number formats are its own).
fn record<T: Serialize>(v: &T) -> (csv::StringRecord, csv::StringRecord) {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(v).expect("writing to memory");
    let bytes = w.into_inner().expect("flushing to memory");
    let mut records = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice())
        .into_records();
    let mut next = || {
        records
            .next()
            .expect("a header and a record")
            .expect("our own CSV parses")
    };
    let header = next();
    (header, next())
}

/// The `--json` summary of one scenario.
#[derive(Debug, Serialize)]
pub struct JsonScenario<'a> {
    pub name: &'a str,
    pub source: &'a str,
    pub start: String,
    pub horizon_seconds: i64,
    pub trials: u32,
    pub seed: u64,
    pub requests: usize,
    pub answers: u64,
    pub failed_answers: u64,
    pub p_any_failure: f64,
    /// `p_any_failure` with its 95 % interval (docs/statistics.md).
    pub p_any_failure_interval: Share,
    /// How a `--precision` run stopped; null for a fixed trial count.
    pub precision: Option<&'a Stopping>,
    /// Every code answered, most frequent first (passing dry runs too, with `failure` false).
    pub codes: Vec<JsonCode>,
    pub expectations: Vec<JsonExpect<'a>>,
    /// What `check` warns about each request (unknown parameters with a "did you mean",
    /// repeated parameters, values a reader could not resolve), in file order.
    pub warnings: Vec<JsonWarning<'a>>,
    /// Null when the run has costs off.
    pub costs: Option<JsonCosts>,
}

/// One request warning in the `--json` summary.
#[derive(Debug, Serialize)]
pub struct JsonWarning<'a> {
    /// The request's place (`file:line:col`).
    pub request: &'a str,
    pub message: &'a str,
}

/// A scenario's costs in the `--json` summary (money rounded to 4 decimals, as in the CSVs).
#[derive(Debug, Serialize)]
pub struct JsonCosts {
    pub currencies: Vec<JsonCurrency>,
    /// One line per internet group ([`recommendation`]).
    pub internet_recommendations: Vec<String>,
    /// The same groups as figures: the method chosen, the cheaper one and the saving.
    pub internet: Vec<JsonInternet>,
    /// Prices that were missing; those requests are left out of the costs.
    pub warnings: Vec<String>,
    /// Spot groups: the share of trials interrupted, with its interval.
    pub spot: Vec<JsonSpot>,
}

/// An internet group in the `--json` summary (the figures of `internet.csv`).
#[derive(Debug, Serialize)]
pub struct JsonInternet {
    pub label: Option<String>,
    pub region: String,
    pub currency: &'static str,
    pub max_bandwidth_out_mbps: u32,
    pub chosen: &'static str,
    pub cheaper: &'static str,
    /// Mean cost per trial under each method, and the saving of moving to the cheaper one.
    pub cost_pay_by_traffic: f64,
    pub cost_pay_by_bandwidth: f64,
    pub saving: f64,
}

/// A spot group in the `--json` summary.
#[derive(Debug, Serialize)]
pub struct JsonSpot {
    pub label: Option<String>,
    pub zone: String,
    pub instance_type: String,
    pub interrupted_trials: Share,
}

/// The billing comparison of one currency in the `--json` summary (as `billing.csv`).
#[derive(Debug, Serialize)]
pub struct JsonBilling {
    pub as_payg: f64,
    pub as_subscription: f64,
    pub cheaper: &'static str,
    pub saving: f64,
    pub break_even_month_share: Option<f64>,
    pub cdt_free_gb: f64,
    pub cdt_saving: f64,
}

/// One currency's cost per trial, by component.
#[derive(Debug, Serialize)]
pub struct JsonCurrency {
    pub currency: &'static str,
    pub total: JsonStat,
    pub compute: JsonStat,
    /// System and data disks (percentiles summed, as in [`CostCols`]).
    pub disks: JsonStat,
    /// Internet under each request's chosen method.
    pub internet: JsonStat,
    /// Pay-as-you-go against subscription and CDT's allowance (docs/billing.md).
    pub billing: JsonBilling,
    /// What the cost rests on: date, files, sources, confirmed share (docs/prices.md).
    pub prices: crate::cost::prices::Statement,
    /// Set when most of the cost rests on derived or recalled prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_warning: Option<String>,
}

/// Mean and percentiles over trials.
#[derive(Debug, Serialize)]
pub struct JsonStat {
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    /// 95 % order-statistic intervals of P50 and P95 (null when not one figure's own, as
    /// for the disks' summed percentiles; a null side: too few trials).
    pub p50_interval: Option<Bounds>,
    pub p95_interval: Option<Bounds>,
    /// P90 and P99 (null for the disks' summed percentiles).
    pub p90: Option<f64>,
    pub p99: Option<f64>,
}

impl From<&Summary> for JsonStat {
    fn from(s: &Summary) -> JsonStat {
        let r = |b: Bounds| Bounds {
            lo: b.lo.map(r4),
            hi: b.hi.map(r4),
        };
        JsonStat {
            mean: r4(s.mean),
            p50: r4(s.p50),
            p95: r4(s.p95),
            p50_interval: Some(r(s.ci[0])),
            p95_interval: Some(r(s.ci[2])),
            p90: Some(r4(s.p90)),
            p99: Some(r4(s.p99)),
        }
    }
}

fn json_currency(c: &CurrencyCosts) -> JsonCurrency {
    let s = &c.summary;
    JsonCurrency {
        currency: c.currency.as_str(),
        total: (&s.total).into(),
        compute: (&s.compute).into(),
        disks: JsonStat {
            mean: r4(s.system_disk.mean + s.data_disks.mean),
            p50: r4(s.system_disk.p50 + s.data_disks.p50),
            p95: r4(s.system_disk.p95 + s.data_disks.p95),
            p50_interval: None,
            p95_interval: None,
            p90: None,
            p99: None,
        },
        internet: (&s.internet).into(),
        billing: {
            let (cheaper, saving) = crate::report::costs::cheaper_billing(s);
            JsonBilling {
                as_payg: r4(s.as_payg.mean),
                as_subscription: r4(s.as_subscription.mean),
                cheaper,
                saving: r4(saving),
                break_even_month_share: s.subscription_break_even.map(r4),
                cdt_free_gb: r4(s.cdt_free_gb.mean),
                cdt_saving: r4(s.cdt_saving.mean),
            }
        },
        prices: crate::cost::prices::Statement {
            confirmed_share: r4(c.prices.confirmed_share),
            ..c.prices.clone()
        },
        price_warning: c.prices.warning(c.currency),
    }
}

#[derive(Debug, Serialize)]
pub struct JsonCode {
    pub code: &'static str,
    pub http_status: u16,
    pub message: &'static str,
    pub failure: bool,
    pub count: u64,
    pub trials_affected: u32,
    pub probability: f64,
    pub probability_interval: Share,
}

#[derive(Debug, Serialize)]
pub struct JsonExpect<'a> {
    pub request: &'a str,
    pub label: Option<&'a str>,
    pub expected: String,
    pub observed: f64,
    /// The observed share with its interval at the expectation's confidence (95 % if none).
    pub observed_interval: Share,
    /// The stated confidence: met is judged on the interval; null: on `observed`.
    pub confidence: Option<f64>,
    pub met: bool,
}

/// `ecsim run --json`: `{"schema_version": 1, "scenarios": [...]}` with one object per
/// scenario, pretty-printed (docs/schema/run.schema.json).
pub fn summary_json(reports: &[ScenarioReport]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        scenarios: Vec<JsonScenario<'a>>,
    }
    let rows = rows(reports);
    let scenarios = reports
        .iter()
        .zip(&rows)
        .map(|(r, row)| JsonScenario {
            name: &r.name,
            source: &r.source,
            start: format_utc(r.start),
            horizon_seconds: r.horizon.num_seconds(),
            trials: r.trials,
            seed: r.seed,
            requests: r.requests.len(),
            answers: r.requests.len() as u64 * u64::from(r.trials),
            failed_answers: row.failed_answers,
            p_any_failure: row.p_any_failure,
            p_any_failure_interval: crate::stats::share(
                u64::from(r.trials_failed),
                u64::from(r.trials),
                crate::stats::LEVEL,
            ),
            precision: r.stopping.as_ref(),
            codes: r
                .codes
                .iter()
                .map(|c| JsonCode {
                    code: c.key.code(),
                    http_status: c.key.http_status(),
                    message: r.message(c.key),
                    failure: is_failure(c.key),
                    count: c.count,
                    trials_affected: c.trials_affected,
                    probability: f64::from(c.trials_affected) / f64::from(r.trials.max(1)),
                    probability_interval: super::replay::code_share(r, c),
                })
                .collect(),
            expectations: r
                .expectations
                .iter()
                .map(|e| {
                    let info = &r.requests[e.seq as usize];
                    JsonExpect {
                        request: &info.source,
                        label: info.label.as_deref(),
                        expected: e.expect.to_string(),
                        observed: e.observed,
                        observed_interval: e.share,
                        confidence: e.expect.confidence,
                        met: e.met,
                    }
                })
                .collect(),
            warnings: super::warnings::of(r)
                .map(|(request, message)| JsonWarning { request, message })
                .collect(),
            costs: r.costs.as_ref().map(|c| JsonCosts {
                currencies: c.currencies.iter().map(json_currency).collect(),
                internet_recommendations: c.internet.iter().map(recommendation).collect(),
                internet: c
                    .internet
                    .iter()
                    .map(|i| JsonInternet {
                        label: i.group.label.clone(),
                        region: i.group.region.clone(),
                        currency: i.group.currency.as_str(),
                        max_bandwidth_out_mbps: i.group.mbps,
                        chosen: i.group.chosen.as_str(),
                        cheaper: i.cheaper().as_str(),
                        cost_pay_by_traffic: r4(i.pay_by_traffic),
                        cost_pay_by_bandwidth: r4(i.pay_by_bandwidth),
                        saving: r4(i.saving()),
                    })
                    .collect(),
                warnings: c.warnings.clone(),
                spot: c
                    .spot
                    .iter()
                    .map(|sp| JsonSpot {
                        label: sp.group.label.clone(),
                        zone: sp.group.zone.clone(),
                        instance_type: sp.group.instance_type.clone(),
                        interrupted_trials: super::costs::spot_share(r.trials, sp),
                    })
                    .collect(),
            }),
        })
        .collect();
    let doc = Doc {
        schema_version: super::formats::SCHEMA_VERSION,
        scenarios,
    };
    let mut out = serde_json::to_vec_pretty(&doc).expect("JSON serialises");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_reports_give_the_header_and_an_empty_list() {
        assert_eq!(
            String::from_utf8(comparison_csv(&[])).unwrap(),
            "scenario,trials,requests,failed_answers,failed_share,p_any_failure,\
             expectations_met,expectations_failed,currency,cost_p50,cost_p95,compute_p50,\
             compute_p95,disks_p50,disks_p95,internet_p50,internet_p95,internet_saving\n"
        );
        let v: serde_json::Value = serde_json::from_slice(&summary_json(&[])).unwrap();
        assert_eq!(v, serde_json::json!({"schema_version": 1, "scenarios": []}));
    }

    #[test]
    fn cost_columns_follow_the_fixed_ones_and_are_empty_without_costs() {
        use crate::report::charts::fixtures;
        let reports = [
            fixtures::report("priced", Some(fixtures::costs())),
            fixtures::report("unpriced", None),
        ];
        let csv = String::from_utf8(comparison_csv(&reports)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines,
            [
                "scenario,trials,requests,failed_answers,failed_share,p_any_failure,\
                 expectations_met,expectations_failed,currency,cost_p50,cost_p95,compute_p50,\
                 compute_p95,disks_p50,disks_p95,internet_p50,internet_p95,internet_saving",
                // totals 592.8..596.8, compute 30..34, disks 10 + 2, saving 550.8 - 3.84
                "priced,5,0,0,0.0,0.0,0,0,CNY,594.8,596.6,32.0,33.8,12.0,12.0,550.8,550.8,546.96",
                "unpriced,5,0,0,0.0,0.0,0,0,,,,,,,,,,",
            ]
        );
    }

    #[test]
    fn the_json_summary_has_costs_and_recommendations() {
        use crate::report::charts::fixtures;
        let reports = [
            fixtures::report("priced", Some(fixtures::costs())),
            fixtures::report("unpriced", None),
        ];
        let v: serde_json::Value = serde_json::from_slice(&summary_json(&reports)).unwrap();
        let c = &v["scenarios"][0]["costs"];
        let cny = &c["currencies"][0];
        assert_eq!(cny["currency"], "CNY");
        assert_eq!(cny["total"]["p50"], 594.8);
        assert_eq!(cny["compute"]["mean"], 32.0);
        assert_eq!(cny["disks"]["p95"], 12.0);
        assert_eq!(cny["internet"]["p95"], 550.8);
        let rec = c["internet_recommendations"][0].as_str().unwrap();
        assert!(
            rec.starts_with("web<1> (50 Mbps, cn-hangzhou): switch PayByBandwidth -> PayByTraffic to save 546.96 CNY"),
            "{rec}"
        );
        assert_eq!(c["warnings"].as_array().unwrap().len(), 1);
        assert!(v["scenarios"][1]["costs"].is_null());
    }
}
