//! Scenarios side by side: `comparison.csv` and the JSON summary printed by `ecsim run --json`,
//! pure functions from finished [`ScenarioReport`]s to bytes.

use serde::Serialize;

use super::charts::is_failure;
use crate::sim::ScenarioReport;
use crate::time::format_utc;

/// One scenario's comparison figures (the fixed columns of `comparison.csv`).
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// `comparison.csv`: one row per scenario; the fixed columns of [`Row`], then one column per
/// failure code met in the run (`p:<code>`, the share of trials with that code). The code
/// columns depend on the data, so the header is the serialised [`Row`]'s plus those names.
pub fn comparison_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let codes = codes(reports);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let fixed = fixed_header();
    let mut header: Vec<String> = fixed.clone();
    header.extend(codes.iter().map(|c| format!("p:{c}")));
    w.write_record(&header).expect("writing to memory");
    for (r, row) in reports.iter().zip(rows(reports)) {
        let mut inner = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        inner.serialize(&row).expect("writing to memory");
        let line = inner.into_inner().expect("flushing to memory");
        let mut rec = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_slice())
            .records()
            .next()
            .expect("one record")
            .expect("our own CSV parses");
        for c in &codes {
            rec.push_field(&code_share(r, c).to_string());
        }
        w.write_record(&rec).expect("writing to memory");
    }
    w.into_inner().expect("flushing to memory")
}

/// The field names of [`Row`], in order, from serde.
fn fixed_header() -> Vec<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(Row {
        scenario: String::new(),
        trials: 0,
        requests: 0,
        failed_answers: 0,
        failed_share: 0.0,
        p_any_failure: 0.0,
        expectations_met: 0,
        expectations_failed: 0,
    })
    .expect("writing to memory");
    let bytes = w.into_inner().expect("flushing to memory");
    let text = String::from_utf8(bytes).expect("UTF-8");
    text.lines()
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect()
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
    /// Every code answered, most frequent first (passing dry runs too, with `failure` false).
    pub codes: Vec<JsonCode>,
    pub expectations: Vec<JsonExpect<'a>>,
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
}

#[derive(Debug, Serialize)]
pub struct JsonExpect<'a> {
    pub request: &'a str,
    pub label: Option<&'a str>,
    pub expected: String,
    pub observed: f64,
    pub met: bool,
}

/// `ecsim run --json`: `{"scenarios": [...]}` with one object per scenario, pretty-printed.
pub fn summary_json(reports: &[ScenarioReport]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Doc<'a> {
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
            codes: r
                .codes
                .iter()
                .map(|c| JsonCode {
                    code: c.key.code(),
                    http_status: c.key.http_status(),
                    message: c.key.entry().message,
                    failure: is_failure(c.key),
                    count: c.count,
                    trials_affected: c.trials_affected,
                    probability: f64::from(c.trials_affected) / f64::from(r.trials.max(1)),
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
                        met: e.met,
                    }
                })
                .collect(),
        })
        .collect();
    let mut out = serde_json::to_vec_pretty(&Doc { scenarios }).expect("JSON serialises");
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
             expectations_met,expectations_failed\n"
        );
        let v: serde_json::Value = serde_json::from_slice(&summary_json(&[])).unwrap();
        assert_eq!(v, serde_json::json!({"scenarios": []}));
    }
}
