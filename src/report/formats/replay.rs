//! `run --format markdown|junit|sarif|github`: a replay's results as CI formats, pure
//! functions from finished [`ScenarioReport`]s to bytes.
//!
//! A *predicted failure* of a replay is one request answering one error code in some of the
//! trials (a passing DryRun is not one). Its level follows the request's expectation: not
//! met → `error`, met (the failure was expected) → `note`, none → `warning`.

use std::fmt::Write as _;

use super::{gh_command, md_cell, md_code, xml, Location};
use crate::catalog::ErrorKey;
use crate::sim::{ExpectResult, ScenarioReport};
use crate::stats::{share, Share, LEVEL};

/// What `run` prints on stdout in `format`: `text` is the terminal summary it was given.
pub fn stdout(format: super::Format, reports: &[ScenarioReport], text: Vec<u8>) -> Vec<u8> {
    use super::Format;
    match format {
        Format::Text => text,
        Format::Json => crate::report::compare::summary_json(reports),
        Format::Markdown => markdown(reports),
        Format::Junit => junit(reports),
        Format::Sarif => sarif(reports),
        Format::Github => github(reports),
    }
}

/// One request's failures with one code over a scenario's trials.
struct Failure<'a> {
    report: &'a ScenarioReport,
    source: &'a str,
    label: Option<&'a str>,
    key: ErrorKey,
    share: Share,
    expectation: Option<&'a ExpectResult>,
}

impl Failure<'_> {
    fn level(&self) -> &'static str {
        match self.expectation {
            Some(e) if !e.met => "error",
            Some(_) => "note",
            None => "warning",
        }
    }

    fn text(&self) -> String {
        let label = self.label.map(|l| format!(" ({l})")).unwrap_or_default();
        format!(
            "{}: {}{label}: {} {} in {} of trials: {}{}",
            self.report.name,
            self.source,
            self.key.http_status(),
            self.key.code(),
            self.share.text(),
            self.report.message(self.key),
            match self.expectation {
                Some(e) if !e.met => format!(" (expected {})", e.expect),
                _ => String::new(),
            }
        )
    }
}

/// Every request's failing codes, scenario by scenario, request by request, codes in order of
/// first appearance.
fn failures(reports: &[ScenarioReport]) -> Vec<Failure<'_>> {
    let mut out = Vec::new();
    for r in reports {
        for (seq, (info, stat)) in r.requests.iter().zip(&r.stats).enumerate() {
            for &(code, trials) in &stat.answers {
                let Some(key) = crate::sim::trial::code_key(code) else {
                    continue;
                };
                if key == ErrorKey::DryRunOperation {
                    continue;
                }
                out.push(Failure {
                    report: r,
                    source: &info.source,
                    label: info.label.as_deref(),
                    key,
                    share: share(u64::from(trials), u64::from(r.trials), LEVEL),
                    expectation: r.expectations.iter().find(|e| e.seq as usize == seq),
                });
            }
        }
    }
    out
}

/// SARIF 2.1.0: one result per request and failing code, at the request's place in its file.
pub fn sarif(reports: &[ScenarioReport]) -> Vec<u8> {
    let mut rules = Vec::new();
    let mut results = Vec::new();
    for f in failures(reports) {
        let code = f.key.code();
        let index = super::rule_index(&mut rules, code, || {
            super::sarif_rule(code, f.report.message(f.key), f.key.http_status())
        });
        results.push(serde_json::json!({
            "ruleId": code,
            "ruleIndex": index,
            "level": f.level(),
            "message": {"text": f.text()},
            "locations": super::sarif_locations(&Location::of(f.source)),
            "properties": {
                "scenario": f.report.name,
                "probability": f.share.estimate,
                "probability_lo": f.share.lo,
                "probability_hi": f.share.hi,
                "trials": f.report.trials,
            },
        }));
    }
    super::sarif_doc(rules, results)
}

/// GitHub workflow commands: per scenario a `::notice` with its failure share, then per
/// failing request and code an `::error` (its expectation failed) or a `::warning` (it has
/// none); an expected failure gets no annotation.
pub fn github(reports: &[ScenarioReport]) -> Vec<u8> {
    let mut s = String::new();
    let failures = failures(reports);
    for r in reports {
        let any = share(u64::from(r.trials_failed), u64::from(r.trials), LEVEL);
        let failed = r.expectations.iter().filter(|e| !e.met).count();
        let file = Location {
            file: Some(&r.source),
            line: None,
            column: None,
            address: None,
        };
        s.push_str(&gh_command(
            "notice",
            &file,
            &format!("ecsim {}", r.name),
            &format!(
                "{}: a failure in {} of {} trials; {} of {} expectation(s) failed",
                r.name,
                any.text(),
                r.trials,
                failed,
                r.expectations.len()
            ),
        ));
        for f in failures.iter().filter(|f| std::ptr::eq(f.report, r)) {
            let kind = match f.level() {
                "error" => "error",
                "warning" => "warning",
                _ => continue,
            };
            s.push_str(&gh_command(
                kind,
                &Location::of(f.source),
                f.key.code(),
                &f.text(),
            ));
        }
        // An expectation that a request fails, unmet because it succeeded, has no failing
        // code to carry it: it gets an annotation of its own.
        for e in r.expectations.iter().filter(|e| !e.met) {
            let info = &r.requests[e.seq as usize];
            let has_code = failures
                .iter()
                .any(|f| std::ptr::eq(f.report, r) && f.source == info.source);
            if !has_code {
                s.push_str(&gh_command(
                    "error",
                    &Location::of(&info.source),
                    "expectation failed",
                    &expectation_text(r, e),
                ));
            }
        }
    }
    s.into_bytes()
}

fn expectation_text(r: &ScenarioReport, e: &ExpectResult) -> String {
    let info = &r.requests[e.seq as usize];
    let label = info
        .label
        .as_deref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    format!(
        "{}: {}{label}: expected {}; observed in {} of trials",
        r.name,
        info.source,
        e.expect,
        crate::report::replay::expect_text(e)
    )
}

/// JUnit XML: one `<testsuite>` per scenario, one `<testcase>` per expectation, a `<failure>`
/// for each expectation not met. A scenario without expectations is an empty suite.
pub fn junit(reports: &[ScenarioReport]) -> Vec<u8> {
    let tests: usize = reports.iter().map(|r| r.expectations.len()).sum();
    let failures: usize = reports
        .iter()
        .map(|r| r.expectations.iter().filter(|e| !e.met).count())
        .sum();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"ecsim run\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for r in reports {
        let f = r.expectations.iter().filter(|e| !e.met).count();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"0\">",
            xml(&r.name),
            r.expectations.len()
        );
        let _ = writeln!(
            s,
            "    <properties><property name=\"source\" value=\"{}\"/><property name=\"trials\" value=\"{}\"/><property name=\"seed\" value=\"{}\"/></properties>",
            xml(&r.source),
            r.trials,
            r.seed
        );
        for e in &r.expectations {
            let info = &r.requests[e.seq as usize];
            let who = info.label.as_deref().unwrap_or(&info.source);
            let _ = write!(
                s,
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml(&format!("{who}: {}", e.expect)),
                xml(&r.name)
            );
            if e.met {
                s.push_str("/>\n");
                continue;
            }
            let _ = writeln!(
                s,
                ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>",
                xml(&format!(
                    "observed in {} of trials",
                    crate::report::replay::expect_text(e)
                )),
                xml(&expectation_text(r, e))
            );
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s.into_bytes()
}

/// The Markdown summary: one table row per scenario (failure share, main code, cost,
/// expectations), then the failed expectations and the internet recommendations.
pub fn markdown(reports: &[ScenarioReport]) -> Vec<u8> {
    let failing = reports.iter().filter(|r| r.trials_failed > 0).count();
    let failed_exp: usize = reports
        .iter()
        .map(|r| r.expectations.iter().filter(|e| !e.met).count())
        .sum();
    let mut s = String::from("## ecsim run\n\n");
    let _ = writeln!(
        s,
        "{} {} scenario(s): {failing} with a failure in some trial; {failed_exp} expectation(s) failed.\n",
        if failed_exp == 0 { "✅" } else { "❌" },
        reports.len()
    );
    if !reports.is_empty() {
        s.push_str(
            "| scenario | trials | trials with a failure (95%) | main failure | cost P50 | cost P95 | expectations |\n",
        );
        s.push_str("| --- | ---: | --- | --- | ---: | ---: | --- |\n");
    }
    for r in reports {
        let any = share(u64::from(r.trials_failed), u64::from(r.trials), LEVEL);
        let main = r
            .codes
            .iter()
            .find(|c| c.key != ErrorKey::DryRunOperation)
            .map(|c| {
                format!(
                    "{} {}",
                    md_code(c.key.code()),
                    crate::stats::percent(
                        f64::from(c.trials_affected) / f64::from(r.trials.max(1))
                    )
                )
            })
            .unwrap_or_else(|| "–".into());
        let cols = crate::report::compare::cost_cols(r);
        let money = |v: Option<f64>| match (v, cols.currency) {
            (Some(v), Some(c)) => format!("{v:.2} {c}"),
            _ => "–".into(),
        };
        let met = r.expectations.iter().filter(|e| e.met).count();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md_code(&r.name),
            r.trials,
            md_cell(&any.text()),
            main,
            money(cols.cost_p50),
            money(cols.cost_p95),
            if r.expectations.is_empty() {
                "–".to_string()
            } else {
                format!("{met} met, {} failed", r.expectations.len() - met)
            }
        );
    }
    if failed_exp > 0 {
        s.push_str("\n### Failed expectations\n\n");
        for r in reports {
            for e in r.expectations.iter().filter(|e| !e.met) {
                let _ = writeln!(s, "- {}", md_cell(&expectation_text(r, e)));
            }
        }
    }
    let recs: Vec<(&str, String)> = reports
        .iter()
        .flat_map(|r| {
            r.costs.iter().flat_map(move |c| {
                c.internet
                    .iter()
                    .map(move |i| (r.name.as_str(), crate::report::costs::recommendation(i)))
            })
        })
        .collect();
    if !recs.is_empty() {
        s.push_str("\n### Internet billing\n\n");
        for (name, rec) in recs {
            let _ = writeln!(s, "- {}: {}", md_code(name), md_cell(&rec));
        }
    }
    s.into_bytes()
}
