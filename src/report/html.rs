//! `report.html`: one self-contained page per run (inline CSS, charts inlined as SVG, no
//! script, no external request), a pure function from the finished reports, the scenarios
//! they came from and the rendered charts to bytes.
//!
//! Sections: the comparison (when several scenarios ran), then per scenario its summary,
//! failures, expectations, charts, costs (components, internet billing and recommendation,
//! spot, with the cost charts) and inputs. Inputs are shown through
//! [`RawRequest::redacted`](crate::request::RawRequest::redacted), the one redaction point:
//! secrets and credentials (`Password`, `UserData`, `AccessKeyId`, `SecurityToken`,
//! `Signature`, in any case) show as `***`.

use std::fmt::Write as _;

use super::charts::{slug, Chart};
use super::compare;
use super::costs::{break_even_text, recommendation};
use crate::cost::{BreakEven, Summary};
use crate::scenario::when::format_duration;
use crate::scenario::{EventKind, Release, Scenario};
use crate::sim::costing::CostReport;
use crate::sim::ScenarioReport;
use crate::time::format_utc;

const CSS: &str =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;max-width:1100px;\
color:#222;padding:0 1em}h1{font-size:1.6em}h2{border-bottom:2px solid #1f77b4;padding-bottom:.2em;\
margin-top:2em}h3{font-size:1.05em;margin-top:1.5em}h4{font-size:.95em;margin:1.2em 0 .3em}table{border-collapse:collapse;margin:.5em 0;display:block;overflow-x:auto;max-width:100%;\
font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f0f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.fail{color:#b00}.ok{color:#070}figure{margin:1em 0}figure svg{max-width:100%;height:auto;\
border:1px solid #eee}code{font-size:.85em;word-break:break-all}nav a{margin-right:1em}\
.muted{color:#666}";

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The share of trials with some failure, with its 95 % interval.
fn any_failure(r: &ScenarioReport) -> crate::stats::Share {
    crate::stats::share(
        u64::from(r.trials_failed),
        u64::from(r.trials),
        crate::stats::LEVEL,
    )
}

/// Money (and GB, hours) for display: 2 decimals.
fn num(x: f64) -> String {
    format!("{x:.2}")
}

/// Inlines a chart's SVG (without an XML declaration, if any) in a figure.
fn figure(s: &mut String, c: &Chart) {
    let svg = String::from_utf8_lossy(&c.svg);
    let svg = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => &svg,
    };
    let _ = writeln!(
        s,
        "<figure id=\"chart-{}\">{svg}<figcaption>{}</figcaption></figure>",
        esc(&c.stem),
        esc(&c.title)
    );
}

/// The page. `scenarios` are matched to reports by name (a report without its scenario shows
/// no inputs); `charts` by their `scenario` field, the report's index in `reports` (None: the
/// comparison).
pub fn report_html(
    reports: &[ScenarioReport],
    scenarios: &[Scenario],
    charts: &[Chart],
) -> Vec<u8> {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<title>ecsim run report</title>\n");
    let _ = writeln!(s, "<style>{CSS}</style>\n</head>\n<body>");
    s.push_str("<h1>ecsim run report</h1>\n");
    let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
    let _ = writeln!(
        s,
        "<p class=\"muted\">{} scenario(s): {}. Probabilities are shares of trials.</p>",
        reports.len(),
        esc(&names.join(", "))
    );
    if !reports.is_empty() {
        s.push_str("<nav>");
        if reports.len() > 1 {
            s.push_str("<a href=\"#comparison\">comparison</a>");
        }
        for r in reports {
            let _ = write!(
                s,
                "<a href=\"#s-{}\">{}</a>",
                esc(&slug(&r.name)),
                esc(&r.name)
            );
        }
        s.push_str("</nav>\n");
    }
    if reports.len() > 1 {
        comparison(&mut s, reports, charts);
    }
    for (index, r) in reports.iter().enumerate() {
        let sc = scenarios.iter().find(|x| x.name == r.name);
        scenario(&mut s, r, index, sc, charts);
    }
    s.push_str("</body>\n</html>\n");
    s.into_bytes()
}

fn comparison(s: &mut String, reports: &[ScenarioReport], charts: &[Chart]) {
    s.push_str("<section id=\"comparison\">\n<h2>Comparison</h2>\n");
    s.push_str(
        "<p>The share of trials with any failure lies between the most frequent code's share \
         and the sum of the codes' shares; the columns per code give each code's share of \
         trials.</p>\n",
    );
    let codes = compare::codes(reports);
    s.push_str(
        "<table class=\"comparison\">\n<tr><th>scenario</th><th>trials</th><th>requests</th>\
<th>failed answers</th><th>trials with a failure</th><th>expectations</th>\
<th>cost P50</th><th>cost P95</th><th>internet saving</th>",
    );
    for c in &codes {
        let _ = write!(s, "<th>{}</th>", esc(c));
    }
    s.push_str("</tr>\n");
    for (r, row) in reports.iter().zip(compare::rows(reports)) {
        let any = esc(&any_failure(r).text());
        let _ = write!(
            s,
            "<tr><td><a href=\"#s-{}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
<td class=\"n\">{} ({})</td><td class=\"n\">{}</td><td>{} met, {} failed</td>",
            esc(&slug(&r.name)),
            esc(&r.name),
            row.trials,
            row.requests,
            row.failed_answers,
            crate::stats::percent(row.failed_share),
            any,
            row.expectations_met,
            row.expectations_failed
        );
        let cc = compare::cost_cols(r);
        for v in [cc.cost_p50, cc.cost_p95, cc.internet_saving] {
            let cell = match (v, cc.currency) {
                (Some(v), Some(cur)) => format!("{} {cur}", num(v)),
                _ => String::new(),
            };
            let _ = write!(s, "<td class=\"n\">{cell}</td>");
        }
        for c in &codes {
            let _ = write!(s, "<td class=\"n\">{}</td>", pct(compare::code_share(r, c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    for c in charts.iter().filter(|c| c.scenario.is_none()) {
        figure(s, c);
    }
    s.push_str("</section>\n");
}

fn scenario(
    s: &mut String,
    r: &ScenarioReport,
    index: usize,
    sc: Option<&Scenario>,
    charts: &[Chart],
) {
    let _ = writeln!(
        s,
        "<section id=\"s-{}\" class=\"scenario\">\n<h2>{}</h2>",
        esc(&slug(&r.name)),
        esc(&r.name)
    );
    if let Some(d) = sc.map(|x| x.description.as_str()).filter(|d| !d.is_empty()) {
        let _ = writeln!(s, "<p>{}</p>", esc(d));
    }
    let row = &compare::rows(std::slice::from_ref(r))[0];
    let created: u64 = r.stats.iter().map(|x| x.created).sum();
    let attempts: u64 = r.stats.iter().map(|x| x.attempts).sum();
    let _ = writeln!(
        s,
        "<h3>Summary</h3>\n<table class=\"summary\">\
<tr><th>source</th><td><code>{}</code></td></tr>\
<tr><th>start, horizon</th><td>{} + {}</td></tr>\
<tr><th>trials, seed</th><td>{} trials, seed {}</td></tr>\
<tr><th>requests</th><td>{} request(s), {} answer(s), {} attempt(s)</td></tr>\
<tr><th>failed answers</th><td class=\"{}\">{} ({})</td></tr>\
<tr><th>trials with a failure</th><td>{}</td></tr>\
<tr><th>instances created per trial</th><td>{:.1} (before releases)</td></tr>{}\
</table>",
        esc(&r.source),
        format_utc(r.start),
        format_duration(r.horizon),
        r.trials,
        r.seed,
        r.requests.len(),
        r.requests.len() as u64 * u64::from(r.trials),
        attempts,
        if row.failed_answers > 0 { "fail" } else { "ok" },
        row.failed_answers,
        esc(&crate::stats::percent(row.failed_share)),
        esc(&any_failure(r).text()),
        created as f64 / f64::from(r.trials.max(1)),
        r.stopping.as_ref().map_or(String::new(), |st| format!(
            "<tr><th>precision</th><td>{}</td></tr>",
            esc(&st.text())
        ))
    );

    s.push_str(&super::warnings::html(r));
    s.push_str("<h3>Answers by error code</h3>\n");
    if r.codes.is_empty() {
        s.push_str(
            "<p class=\"ok\">Every request was answered without an error in every trial.</p>\n",
        );
    } else {
        s.push_str(
            "<table class=\"failures\">\n<tr><th>HTTP</th><th>code</th><th>message</th>\
<th>answers</th><th>trials affected</th><th>probability</th></tr>\n",
        );
        for c in &r.codes {
            let _ = writeln!(
                s,
                "<tr><td class=\"n\">{}</td><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td>\
<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                c.key.http_status(),
                esc(c.key.code()),
                esc(r.message(c.key)),
                c.count,
                c.trials_affected,
                esc(&super::replay::code_share(r, c).text())
            );
        }
        s.push_str("</table>\n");
    }

    if !r.expectations.is_empty() {
        s.push_str(
            "<h3>Expectations</h3>\n<table class=\"expectations\">\n<tr><th>request</th>\
<th>label</th><th>expected</th><th>observed</th><th>result</th></tr>\n",
        );
        for e in &r.expectations {
            let info = &r.requests[e.seq as usize];
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"n\">{}</td>\
<td class=\"{}\">{}</td></tr>",
                esc(&info.source),
                esc(info.label.as_deref().unwrap_or("")),
                esc(&e.expect.to_string()),
                esc(&super::replay::expect_text(e)),
                if e.met { "ok" } else { "fail" },
                if e.met { "met" } else { "FAILED" }
            );
        }
        s.push_str("</table>\n");
    }

    let (cost_charts, mine): (Vec<&Chart>, Vec<&Chart>) = charts
        .iter()
        .filter(|c| c.scenario == Some(index))
        .partition(|c| c.kind.is_cost());
    if !mine.is_empty() {
        s.push_str("<h3>Charts</h3>\n");
        for c in mine {
            figure(s, c);
        }
    }
    if let Some(c) = &r.costs {
        costs(s, c, r.trials, &cost_charts);
    }

    if let Some(sc) = sc {
        inputs(s, sc);
    }
    s.push_str("</section>\n");
}

/// The Costs section: components per currency, internet billing and its recommendation, spot
/// groups, missing prices, then the cost charts.
fn costs(s: &mut String, c: &CostReport, trials: u32, charts: &[&Chart]) {
    s.push_str("<h3>Costs</h3>\n");
    if c.currencies.is_empty() {
        s.push_str("<p>No instance was created in any trial: nothing to price.</p>\n");
    } else {
        s.push_str(
            "<p class=\"muted\">Cost per trial over the trials, each batch priced over its \
life within the horizon. Under each percentile, its 95% interval between two order \
statistics (… : too few trials for that side).</p>\n<table class=\"costs\">\n<tr><th>component</th><th>currency</th>\
<th>mean</th><th>P50</th><th>P90</th><th>P95</th><th>P99</th></tr>\n",
        );
        for cc in &c.currencies {
            let t = &cc.summary;
            for (name, x) in [
                ("compute", &t.compute),
                ("system disk", &t.system_disk),
                ("data disks", &t.data_disks),
                ("internet as requested", &t.internet),
                ("internet if all PayByTraffic", &t.pay_by_traffic),
                ("internet if all PayByBandwidth", &t.pay_by_bandwidth),
                ("total", &t.total),
            ] {
                summary_row(s, name, cc.currency.as_str(), x);
            }
        }
        s.push_str("</table>\n");
        for cc in &c.currencies {
            let billing = [super::costs::billing_line(cc), super::costs::cdt_line(cc)];
            for line in billing.into_iter().flatten() {
                let _ = writeln!(s, "<p class=\"billing\">{}</p>", esc(&line));
            }
            let _ = writeln!(
                s,
                "<p class=\"prices\">{}</p>",
                esc(&super::costs::prices_line(cc))
            );
            if let Some(w) = cc.prices.warning(cc.currency) {
                let _ = writeln!(s, "<p class=\"fail\">price warning: {}</p>", esc(&w));
            }
        }
    }

    s.push_str("<h4>Internet billing</h4>\n");
    if c.internet.is_empty() {
        s.push_str(
            "<p>No instance with public bandwidth (<code>InternetMaxBandwidthOut</code> above \
0) was created: the billing method does not matter.</p>\n",
        );
    } else {
        s.push_str(
            "<table class=\"internet\">\n<tr><th>label</th><th>region</th><th>Mbps</th>\
<th>chosen</th><th>instances</th><th>GB out</th><th>PayByTraffic</th><th>PayByBandwidth</th>\
<th>break-even utilisation</th><th>cheaper</th><th>saving</th></tr>\n",
        );
        for i in &c.internet {
            let g = &i.group;
            let cur = g.currency.as_str();
            let break_even = match g.break_even {
                BreakEven::At(u) => pct(u),
                other => break_even_text(other),
            };
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td>\
<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} {cur}</td>\
<td class=\"n\">{} {cur}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{} {cur}</td></tr>",
                esc(g.label.as_deref().unwrap_or("")),
                esc(&g.region),
                g.mbps,
                g.chosen.as_str(),
                num(i.instances),
                num(i.gb_out),
                num(i.pay_by_traffic),
                num(i.pay_by_bandwidth),
                esc(&break_even),
                i.cheaper().as_str(),
                num(i.saving()),
            );
        }
        s.push_str("</table>\n");
    }
    s.push_str("<h4>Internet recommendation</h4>\n");
    if c.internet.is_empty() {
        s.push_str("<p>None: no public bandwidth to bill.</p>\n");
    } else {
        s.push_str("<ul class=\"recommendations\">\n");
        for i in &c.internet {
            let _ = writeln!(s, "<li>{}</li>", esc(&recommendation(i)));
        }
        s.push_str("</ul>\n");
    }

    if !c.spot.is_empty() {
        s.push_str(
            "<h4>Spot</h4>\n<table class=\"spot\">\n<tr><th>label</th><th>zone</th><th>type</th>\
<th>strategy</th><th>limit</th><th>instances</th><th>interruptions</th>\
<th>lost instance-hours</th><th>spot cost</th><th>pay-as-you-go cost</th></tr>\n",
        );
        for sp in &c.spot {
            let g = &sp.group;
            let cur = g.currency.as_str();
            let strategy = g.bid.strategy();
            let limit = g
                .bid
                .limit()
                .map_or(String::new(), |l| format!("{l} {cur}/hour"));
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{strategy}</td><td class=\"n\">{}</td>\
<td class=\"n\">{}</td><td class=\"n\">{} (in {} of trials)</td><td class=\"n\">{}</td>\
<td class=\"n\">{} {cur}</td><td class=\"n\">{} {cur}</td></tr>",
                esc(g.label.as_deref().unwrap_or("")),
                esc(&g.zone),
                esc(&g.instance_type),
                esc(&limit),
                num(sp.instances),
                num(sp.interruptions),
                esc(&super::costs::spot_share(trials, sp).text()),
                num(sp.lost_instance_hours),
                num(sp.spot_cost),
                num(sp.payg_cost),
            );
        }
        s.push_str(
            "</table>\n<p class=\"muted\">Means per trial. Pay-as-you-go cost: the same \
instance-hours at the pay-as-you-go price.</p>\n",
        );
    }

    if !c.warnings.is_empty() {
        s.push_str("<ul class=\"warnings\">\n");
        for w in &c.warnings {
            let _ = writeln!(
                s,
                "<li class=\"fail\">cost warning: {}; those requests are left out of the costs</li>",
                esc(w)
            );
        }
        s.push_str("</ul>\n");
    }
    for ch in charts {
        figure(s, ch);
    }
}

fn summary_row(s: &mut String, name: &str, currency: &str, x: &Summary) {
    let _ = writeln!(
        s,
        "<tr><td>{name}</td><td>{currency}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        num(x.mean),
        with_bounds(x.p50, x.ci[0]),
        with_bounds(x.p90, x.ci[1]),
        with_bounds(x.p95, x.ci[2]),
        with_bounds(x.p99, x.ci[3])
    );
}

/// A percentile over its interval, in one cell.
fn with_bounds(v: f64, b: crate::stats::Bounds) -> String {
    format!(
        "{}<br><span class=\"muted\">{}</span>",
        num(v),
        esc(&super::costs::bounds_text(b))
    )
}

/// The scenario's timeline, requests shown with secrets replaced by `***`.
fn inputs(s: &mut String, sc: &Scenario) {
    s.push_str("<h3>Inputs</h3>\n");
    let _ = writeln!(
        s,
        "<p class=\"muted\">retry: {} attempt(s), backoff {}; faults: {}</p>",
        sc.retry.attempts,
        format_duration(sc.retry.backoff),
        if sc.faults.is_empty() {
            "none".to_string()
        } else {
            sc.faults
                .iter()
                .map(|(k, p)| format!("{} {p}", k.name()))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    s.push_str("<table class=\"inputs\">\n<tr><th>at</th><th>label</th><th>event</th></tr>\n");
    for e in &sc.events {
        let what = match &e.kind {
            EventKind::Request { raw, expect } => {
                let params = raw
                    .redacted()
                    .iter()
                    .map(|(k, v)| format!("{}={}", esc(k), esc(v)))
                    .collect::<Vec<_>>()
                    .join(" ");
                let exp = expect.as_ref().map_or(String::new(), |x| {
                    format!("<br>expect {}", esc(&x.to_string()))
                });
                format!("RunInstances <code>{params}</code>{exp}")
            }
            EventKind::Release(Release::All) => "release every instance".to_string(),
            EventKind::Release(Release::Label(l)) => format!("release label {}", esc(l)),
            EventKind::Release(Release::Count { count, label }) => format!(
                "release {count} instance(s){}",
                label
                    .as_deref()
                    .map_or(String::new(), |l| format!(" of {}", esc(l)))
            ),
        };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{what}</td></tr>",
            format_utc(e.at),
            esc(e.label.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn an_empty_run_is_still_a_page() {
        let page = String::from_utf8(report_html(&[], &[], &[])).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.ends_with("</html>\n"));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    /// The part of the page from `from` to the next `to`.
    fn between<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
        let i = page.find(from).unwrap_or_else(|| panic!("no {from}"));
        let j = page[i..].find(to).map_or(page.len(), |j| i + j);
        &page[i..j]
    }

    #[test]
    fn costs_have_their_tables_recommendation_and_charts() {
        use crate::report::charts::{charts, fixtures};
        let reports = [
            fixtures::report("priced", Some(fixtures::costs())),
            fixtures::report("unpriced", None),
        ];
        let page = String::from_utf8(report_html(&reports, &[], &charts(&reports))).unwrap();

        let priced = between(&page, "<section id=\"s-priced\"", "</section>");
        let costs = between(priced, "<h3>Costs</h3>", "</section>");
        for want in [
            "<table class=\"costs\">",
            "<tr><td>internet if all PayByTraffic</td><td>CNY</td><td class=\"n\">3.84</td>",
            // Five trials are too few for a 95 % interval of the median on either side.
            "<tr><td>total</td><td>CNY</td><td class=\"n\">594.80</td><td class=\"n\">594.80<br><span class=\"muted\">[…, …]</span></td>",
            "<table class=\"internet\">",
            "<td>web&lt;1&gt;</td><td>cn-hangzhou</td><td class=\"n\">50</td><td>PayByBandwidth</td>",
            "<td class=\"n\">63.7%</td><td>PayByTraffic</td><td class=\"n\">546.96 CNY</td>",
            "<h4>Internet recommendation</h4>\n<ul class=\"recommendations\">\n<li>web&lt;1&gt; (50 Mbps, cn-hangzhou): switch PayByBandwidth -&gt; PayByTraffic",
            "<table class=\"spot\">",
            "<td>SpotWithPriceLimit</td><td class=\"n\">0.3 CNY/hour</td>",
            // 2 of 5 trials: Clopper–Pearson [0.0527, 0.8534].
            "2.50 (in 40.0% [5.3%, 85.3%] of trials)",
            "cost warning: no price for ecs.x9.huge in cn-hangzhou",
            "id=\"chart-priced.cost-distribution\"",
            "id=\"chart-priced.cost-breakdown\"",
            "id=\"chart-priced.spot-1\"",
        ] {
            assert!(costs.contains(want), "the Costs section lacks {want}");
        }
        assert!(
            !priced.contains("<h3>Charts</h3>"),
            "cost charts sit under Costs"
        );

        let unpriced = between(&page, "<section id=\"s-unpriced\"", "</section>");
        assert!(!unpriced.contains("Costs"));

        let comparison = between(&page, "<section id=\"comparison\"", "</section>");
        assert!(comparison.contains("<th>cost P50</th><th>cost P95</th><th>internet saving</th>"));
        assert!(comparison.contains(
            "<td class=\"n\">594.80 CNY</td><td class=\"n\">596.60 CNY</td><td class=\"n\">546.96 CNY</td>"
        ));
        assert!(comparison.contains("id=\"chart-comparison-cost\""));
        assert_eq!(page.matches("<svg").count(), 5);
    }

    #[test]
    fn each_section_shows_the_charts_of_its_own_report() {
        // Two reports whose names are one file name: matched by name, the first section
        // showed the second's charts too.
        use crate::report::charts::{charts, fixtures};
        let reports = [
            fixtures::report("web tier", Some(fixtures::costs())),
            fixtures::report("web tier", Some(fixtures::costs())),
        ];
        let page = String::from_utf8(report_html(&reports, &[], &charts(&reports))).unwrap();
        let first = between(&page, "<section id=\"s-web-tier\"", "</section>");
        assert!(first.contains("id=\"chart-web-tier.cost-distribution\""));
        assert!(!first.contains("id=\"chart-web-tier-2."), "{first}");
        let second_at = page.rfind("<section id=\"s-web-tier\"").unwrap();
        let second = between(&page[second_at..], "<section", "</section>");
        assert!(second.contains("id=\"chart-web-tier-2.cost-distribution\""));
        assert!(!second.contains("id=\"chart-web-tier.cost"), "{second}");
    }

    #[test]
    fn without_public_bandwidth_the_recommendation_says_so() {
        use crate::report::charts::fixtures;
        let mut c = fixtures::costs();
        c.internet.clear();
        c.spot.clear();
        let page =
            String::from_utf8(report_html(&[fixtures::report("a", Some(c))], &[], &[])).unwrap();
        let costs = between(&page, "<h3>Costs</h3>", "</section>");
        assert!(costs.contains("<h4>Internet recommendation</h4>\n<p>None: no public bandwidth"));
        assert!(!costs.contains("<table class=\"internet\">") && !costs.contains("<h4>Spot</h4>"));
    }

    #[test]
    fn inputs_showed_lower_case_password_and_credentials() {
        let doc = r#"{"name": "n", "timeline": [{"at": "+0m", "request": {
            "RegionId": "cn-hangzhou", "password": "lowerPwMarker", "Password": "PwMarker",
            "UserData": "VUQtbWFya2Vy", "AccessKeyId": "LTAIakMarker",
            "SecurityToken": "stsMarker", "Signature": "sigMarker", "PasswordInherit": "false"}}]}"#;
        let sc = crate::scenario::file::parse("n.json", doc, std::path::Path::new("")).unwrap();
        let mut page = String::new();
        inputs(&mut page, &sc);
        for marker in ["Marker", "VUQt"] {
            assert!(!page.contains(marker), "{page}");
        }
        for shown in [
            "password=***",
            "Password=***",
            "UserData=***",
            "AccessKeyId=***",
            "SecurityToken=***",
            "Signature=***",
            "PasswordInherit=false",
            "RegionId=cn-hangzhou",
        ] {
            assert!(page.contains(shown), "{shown} in {page}");
        }
    }
}
