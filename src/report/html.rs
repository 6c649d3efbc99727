//! `report.html`: one self-contained page per run (inline CSS, charts inlined as SVG, no
//! script, no external request), a pure function from the finished reports, the scenarios
//! they came from and the rendered charts to bytes.
//!
//! Sections: the headline (which scenarios fail, how often, the dominant code, the cheapest
//! and the riskiest variant, the internet recommendation), the run manifest, the comparison
//! (when several scenarios ran), then per scenario its summary,
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
use crate::output::RunInfo;
use crate::scenario::when::format_duration;
use crate::scenario::{EventKind, Release, Scenario};
use crate::sim::costing::CostReport;
use crate::sim::ScenarioReport;
use crate::time::format_utc;

// Fits 1280 px: the page is at most 1220 px wide, tables wrap text cells and keep figures
// on one line (no table scrolls sideways).
const CSS: &str =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:1.5em auto;max-width:1220px;\
color:#222;padding:0 1em}h1{font-size:1.6em}h2{border-bottom:2px solid #1f77b4;padding-bottom:.2em;\
margin-top:2em}h3{font-size:1.05em;margin-top:1.5em}h4{font-size:.95em;margin:1.2em 0 .3em}\
table{border-collapse:collapse;margin:.5em 0;font-size:.88em;max-width:100%}\
table.comparison{font-size:.82em}table.comparison code{word-break:normal}\
table.comparison td{overflow-wrap:anywhere}table.comparison code{overflow-wrap:anywhere}\
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#f0f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
.fail{color:#b00}.ok{color:#070}figure{margin:1em 0}figure svg{max-width:100%;height:auto;\
border:1px solid #eee}code{font-size:.85em;word-break:break-all}\
.muted{color:#666}.headline{background:#f6f9fc;border:1px solid #cfdbe8;padding:.4em 1.2em}\
.headline h2{margin-top:.4em}.headline li{margin:.25em 0}.small{font-size:.85em}\
details summary{cursor:pointer;font-weight:bold}";

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

/// Money (and GB, hours) for display: 2 decimals, thousands separated.
fn num(x: f64) -> String {
    super::money::money(x)
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
    report_page(reports, scenarios, charts, None)
}

/// [`report_html`] with the run manifest (command line, input checksums) when given.
pub fn report_page(
    reports: &[ScenarioReport],
    scenarios: &[Scenario],
    charts: &[Chart],
    run: Option<&RunInfo>,
) -> Vec<u8> {
    // The inlined charts are most of the page: reserve for them once.
    let charts_len: usize = charts.iter().map(|c| c.svg.len()).sum();
    let mut s = String::with_capacity(charts_len + (256 << 10));
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<title>ecsim run report</title>\n");
    let _ = writeln!(s, "<style>{CSS}</style>\n</head>\n<body>");
    s.push_str("<h1>ecsim run report</h1>\n");
    if !reports.is_empty() {
        headline(&mut s, reports);
    }
    manifest(&mut s, reports, scenarios, run);
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

/// A link to a scenario's section.
fn link(r: &ScenarioReport) -> String {
    format!(
        "<a href=\"#s-{}\">{}</a>",
        esc(&slug(&r.name)),
        esc(&r.name)
    )
}

/// The failing code that affected the most trials of `r` (the first of equals).
fn dominant_code(r: &ScenarioReport) -> Option<&crate::sim::CodeStat> {
    let mut best: Option<&crate::sim::CodeStat> = None;
    for c in r.codes.iter().filter(|c| super::charts::is_failure(c.key)) {
        if best.is_none_or(|b| c.trials_affected > b.trials_affected) {
            best = Some(c);
        }
    }
    best
}

/// A share of trials as `12.5% (95%: 8.1–18.0%)`.
fn share_short(sh: &crate::stats::Share) -> String {
    format!(
        "{} <span class=\"muted small\">({}%: {}–{})</span>",
        esc(&crate::stats::percent(sh.estimate)),
        sh.level * 100.0,
        esc(&crate::stats::percent(sh.lo)),
        esc(&crate::stats::percent(sh.hi))
    )
}

/// A share of trials in a table cell, its interval on the same line: `12.5% [8.1–18.0]`.
fn share_cell(sh: &crate::stats::Share) -> String {
    let bare = |x: f64| crate::stats::percent(x).trim_end_matches('%').to_string();
    format!(
        "{} <span class=\"muted small\">[{}–{}]</span>",
        esc(&crate::stats::percent(sh.estimate)),
        esc(&bare(sh.lo)),
        esc(&bare(sh.hi))
    )
}

/// An error code that may wrap after its dots (`QuotaExceed.<wbr>AfterpayInstance`).
fn code_wrapping(code: &str) -> String {
    esc(code).replace('.', ".<wbr>")
}

/// The scenario's total cost P50 over the horizon and per day in its first currency.
fn cost_p50(r: &ScenarioReport) -> Option<(&'static str, f64, f64)> {
    let cc = compare::cost_cols(r);
    let (cur, p50) = (cc.currency?, cc.cost_p50?);
    Some((cur, p50, super::money::per_day(p50, r.horizon)))
}

/// The answer first: which scenarios fail and how often, the dominant code, the cheapest and
/// the riskiest variant, the internet recommendation.
fn headline(s: &mut String, reports: &[ScenarioReport]) {
    s.push_str("<section id=\"headline\" class=\"headline\">\n<h2>Headline</h2>\n<ul>\n");
    let every = reports
        .iter()
        .filter(|r| r.trials > 0 && r.trials_failed == r.trials)
        .count();
    let some = reports
        .iter()
        .filter(|r| r.trials_failed > 0 && r.trials_failed < r.trials)
        .count();
    let n = reports.len();
    let _ = writeln!(
        s,
        "<li class=\"answer\"><b>{every} of {n} scenario(s) fail in every trial</b>, {some} in some \
trials, {} in none.</li>",
        n - every - some
    );
    let failing: Vec<&ScenarioReport> = reports.iter().filter(|r| r.trials_failed > 0).collect();
    if !failing.is_empty() {
        s.push_str("<li>Failing: <ul class=\"failing\">\n");
        for r in &failing {
            let code = dominant_code(r).map_or(String::new(), |c| {
                format!(
                    ", mostly <code>{}</code> ({} of trials)",
                    esc(c.key.code()),
                    esc(&crate::stats::percent(
                        f64::from(c.trials_affected) / f64::from(r.trials.max(1))
                    ))
                )
            });
            let _ = writeln!(
                s,
                "<li>{}: fails in {} of {} trials{code}</li>",
                link(r),
                share_short(&any_failure(r)),
                r.trials
            );
        }
        s.push_str("</ul></li>\n");
    }
    // The code that affected the most trials over the run, and in how many scenarios.
    let mut codes: Vec<(crate::catalog::ErrorKey, u64, usize)> = Vec::new();
    for r in reports {
        for c in r.codes.iter().filter(|c| super::charts::is_failure(c.key)) {
            match codes.iter_mut().find(|x| x.0 == c.key) {
                Some(x) => {
                    x.1 += u64::from(c.trials_affected);
                    x.2 += 1;
                }
                None => codes.push((c.key, u64::from(c.trials_affected), 1)),
            }
        }
    }
    let mut top: Option<&(crate::catalog::ErrorKey, u64, usize)> = None;
    for c in &codes {
        if top.is_none_or(|t| c.1 > t.1) {
            top = Some(c);
        }
    }
    if let Some(&(key, trials, scenarios)) = top {
        let total: u64 = reports.iter().map(|r| u64::from(r.trials)).sum();
        let _ = writeln!(
            s,
            "<li class=\"dominant\">Dominant code: <code>{}</code> (HTTP {}), in {scenarios} \
scenario(s) and {trials} of the run's {total} trials: {}</li>",
            esc(key.code()),
            key.http_status(),
            esc(key.entry().message)
        );
    }
    if n > 1 {
        variants(s, reports);
    }
    internet(s, reports);
    s.push_str("</ul>\n</section>\n");
}

/// The cheapest (total cost P50 per day, in the first currency met) and the riskiest (share
/// of trials with a failure) among `group`, in one line.
fn cheapest_riskiest(group: &[&ScenarioReport]) -> String {
    let mut parts = Vec::new();
    let currency = group.iter().find_map(|r| cost_p50(r)).map(|c| c.0);
    let mut cheapest: Option<(&ScenarioReport, f64, f64)> = None;
    for r in group {
        if let Some((cur, total, day)) = cost_p50(r) {
            if Some(cur) == currency && cheapest.is_none_or(|c| day < c.2) {
                cheapest = Some((r, total, day));
            }
        }
    }
    if let (Some((r, total, day)), Some(cur)) = (cheapest, currency) {
        parts.push(format!(
            "cheapest {} at {} {cur}/day (P50; {} over its horizon)",
            link(r),
            num(day),
            num(total)
        ));
    }
    let mut riskiest: Option<&ScenarioReport> = None;
    let risk = |r: &ScenarioReport| f64::from(r.trials_failed) / f64::from(r.trials.max(1));
    for r in group {
        if r.trials_failed > 0 && riskiest.is_none_or(|b| risk(r) > risk(b)) {
            riskiest = Some(r);
        }
    }
    match riskiest {
        Some(r) => parts.push(format!(
            "riskiest {}, failing in {} of trials",
            link(r),
            share_short(&any_failure(r))
        )),
        None => parts.push("none fails in any trial".to_string()),
    }
    parts.join("; ")
}

/// The sweep a variant belongs to: `batch-size[Amount=5]` -> `batch-size`.
fn sweep_of(name: &str) -> Option<&str> {
    name.strip_suffix(']')
        .and_then(|n| n.find('[').map(|i| &name[..i]))
        .filter(|b| !b.is_empty())
}

/// Per sweep with several variants its cheapest and riskiest variant, then over the run.
fn variants(s: &mut String, reports: &[ScenarioReport]) {
    let mut sweeps: Vec<(&str, Vec<&ScenarioReport>)> = Vec::new();
    for r in reports {
        if let Some(base) = sweep_of(&r.name) {
            match sweeps.iter_mut().find(|x| x.0 == base) {
                Some(x) => x.1.push(r),
                None => sweeps.push((base, vec![r])),
            }
        }
    }
    for (base, group) in sweeps.iter().filter(|g| g.1.len() > 1) {
        let _ = writeln!(
            s,
            "<li class=\"sweep\">Sweep <b>{}</b> ({} variants): {}</li>",
            esc(base),
            group.len(),
            cheapest_riskiest(group)
        );
    }
    let all: Vec<&ScenarioReport> = reports.iter().collect();
    let _ = writeln!(
        s,
        "<li class=\"overall\">Over all scenarios: {}</li>",
        cheapest_riskiest(&all)
    );
}

/// The internet recommendation over the run: every group that should switch, with the saving
/// over the horizon and per month; otherwise how many already use the cheaper method.
fn internet(s: &mut String, reports: &[ScenarioReport]) {
    let mut keep = 0usize;
    let mut switch = Vec::new();
    for r in reports {
        for i in r.costs.iter().flat_map(|c| c.internet.iter()) {
            let g = &i.group;
            if i.cheaper() == g.chosen || i.saving() <= 0.0 {
                keep += 1;
                continue;
            }
            let who = match &g.label {
                Some(l) => format!("{} ({} Mbps, {})", esc(l), g.mbps, esc(&g.region)),
                None => format!("{} Mbps in {}", g.mbps, esc(&g.region)),
            };
            switch.push(format!(
                "{} {who}: switch {} → {} to save {}",
                link(r),
                g.chosen.as_str(),
                i.cheaper().as_str(),
                esc(&super::money::with_rates(
                    i.saving(),
                    g.currency.as_str(),
                    r.horizon
                ))
            ));
        }
    }
    if keep + switch.len() == 0 {
        s.push_str(
            "<li class=\"internet\">Internet: no public bandwidth to bill (or costs off).</li>\n",
        );
    } else if switch.is_empty() {
        let _ = writeln!(
            s,
            "<li class=\"internet\">Internet: keep the billing method of all {keep} internet \
group(s): each is already the cheaper one.</li>"
        );
    } else {
        let _ = writeln!(
            s,
            "<li class=\"internet\">Internet: {} group(s) should switch ({keep} already on the \
cheaper method):<ul>",
            switch.len()
        );
        for line in switch {
            let _ = writeln!(s, "<li>{line}</li>");
        }
        s.push_str("</ul></li>\n");
    }
}

/// A count with thousands separated.
fn num_int(n: u64) -> String {
    let m = super::money::money(n as f64);
    m.trim_end_matches(".00").to_string()
}

/// The run manifest: version, command line, seeds, price dates and input checksums (as in
/// `run.json`, whose output files' checksums are only known once the page is written).
fn manifest(
    s: &mut String,
    reports: &[ScenarioReport],
    scenarios: &[Scenario],
    run: Option<&RunInfo>,
) {
    s.push_str("<details id=\"manifest\" class=\"manifest\">\n<summary>Run manifest</summary>\n");
    let _ = writeln!(
        s,
        "<table class=\"manifest\">\n<tr><th>ecsim</th><td>{}</td></tr>",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(run) = run {
        let _ = writeln!(
            s,
            "<tr><th>command line</th><td><code>{}</code></td></tr>",
            esc(&run.command_line.join(" "))
        );
    }
    let mut seeds: Vec<String> = Vec::new();
    let mut dates: Vec<String> = Vec::new();
    for r in reports {
        let seed = r.seed.to_string();
        if !seeds.contains(&seed) {
            seeds.push(seed);
        }
        let date = scenarios
            .iter()
            .find(|x| x.name == r.name)
            .filter(|_| r.costs.is_some())
            .map(|x| x.costs.prices.as_of.clone());
        if let Some(d) = date.filter(|d| !dates.contains(d)) {
            dates.push(d);
        }
    }
    let _ = writeln!(
        s,
        "<tr><th>seed(s)</th><td>{}</td></tr>\n<tr><th>price date(s)</th><td>{}</td></tr>",
        esc(&seeds.join(", ")),
        if dates.is_empty() {
            "costs off".to_string()
        } else {
            esc(&dates.join(", "))
        }
    );
    if let Some(run) = run {
        for i in &run.inputs {
            let _ = writeln!(
                s,
                "<tr><th>input</th><td><code>{}</code> {} bytes, SHA-256 <code>{}</code></td></tr>",
                esc(&i.path),
                i.size,
                esc(&i.sha256)
            );
        }
    }
    s.push_str(
        "</table>\n<p class=\"muted small\">The output files and their SHA-256 are in \
<code>run.json</code> (<code>ecsim verify</code> checks them).</p>\n</details>\n",
    );
}

fn comparison(s: &mut String, reports: &[ScenarioReport], charts: &[Chart]) {
    s.push_str("<section id=\"comparison\">\n<h2>Comparison</h2>\n");
    s.push_str(
        "<p class=\"muted\">Each code's share of trials per scenario is in \
<code>comparison.csv</code> (<code>p:&lt;code&gt;</code> columns); here the code that affected \
the most trials. Trials with a failure: the share and its 95% interval. Costs: the total P50 \
and P95 per day (the total over the horizon divided by the horizon in days); the internet \
saving per 30-day month.</p>\n",
    );
    s.push_str(
        "<table class=\"comparison\">\n<tr><th>scenario</th><th>trials</th><th>requests</th>\
<th>failed answers</th><th>trials with a failure</th><th>dominant code</th><th>expectations</th>\
<th>cost P50 /day</th><th>cost P95 /day</th><th>internet saving /month</th></tr>\n",
    );
    for (r, row) in reports.iter().zip(compare::rows(reports)) {
        let dominant = dominant_code(r).map_or(String::new(), |c| {
            format!(
                "<code>{}</code> {}",
                code_wrapping(c.key.code()),
                esc(&pct(
                    f64::from(c.trials_affected) / f64::from(r.trials.max(1))
                ))
            )
        });
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
<td class=\"n\">{} ({})</td><td class=\"n\">{}</td><td>{dominant}</td><td class=\"n\">{}</td>",
            link(r),
            row.trials,
            row.requests,
            num_int(row.failed_answers),
            crate::stats::percent(row.failed_share),
            share_cell(&any_failure(r)),
            if row.expectations_failed == 0 {
                format!("{} met", row.expectations_met)
            } else {
                format!(
                    "<span class=\"fail\">{} of {} failed</span>",
                    row.expectations_failed,
                    row.expectations_met + row.expectations_failed
                )
            }
        );
        let cc = compare::cost_cols(r);
        let day = |v: Option<f64>| v.map(|v| super::money::per_day(v, r.horizon));
        let month = |v: Option<f64>| v.map(|v| super::money::per_month(v, r.horizon));
        for v in [
            day(cc.cost_p50),
            day(cc.cost_p95),
            month(cc.internet_saving),
        ] {
            let cell = match (v, cc.currency) {
                (Some(v), Some(cur)) => format!("{} <span class=\"small\">{cur}</span>", num(v)),
                _ => String::new(),
            };
            let _ = write!(s, "<td class=\"n\">{cell}</td>");
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
        costs(s, c, r.trials, r.horizon, &cost_charts);
    }

    if let Some(sc) = sc {
        inputs(s, sc);
    }
    s.push_str("</section>\n");
}

/// The Costs section: components per currency, internet billing and its recommendation, spot
/// groups, missing prices, then the cost charts.
fn costs(
    s: &mut String,
    c: &CostReport,
    trials: u32,
    horizon: chrono::TimeDelta,
    charts: &[&Chart],
) {
    s.push_str("<h3>Costs</h3>\n");
    if c.currencies.is_empty() {
        s.push_str("<p>No instance was created in any trial: nothing to price.</p>\n");
    } else {
        s.push_str(
            "<p class=\"muted\">Cost over the horizon (one trial's total) across the trials, each \
batch priced over its life within the horizon; the mean also per day and per 30-day month. \
Under each percentile, its 95% interval between two order statistics (… : too few trials for \
that side).</p>\n<table class=\"costs\">\n<tr><th>component</th><th>currency</th>\
<th>mean over the horizon</th><th>mean /day</th><th>mean /month</th><th>P50</th><th>P90</th>\
<th>P95</th><th>P99</th></tr>\n",
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
                summary_row(s, name, cc.currency.as_str(), x, horizon);
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

fn summary_row(
    s: &mut String,
    name: &str,
    currency: &str,
    x: &Summary,
    horizon: chrono::TimeDelta,
) {
    let _ = writeln!(
        s,
        "<tr><td>{name}</td><td>{currency}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
<td class=\"n\">{}</td><td class=\"n\">{}</td>\
<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        num(x.mean),
        num(super::money::per_day(x.mean, horizon)),
        num(super::money::per_month(x.mean, horizon)),
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
    for e in sc.events.iter().take(INPUT_ROWS) {
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
    if let Some(more) = sc.events.len().checked_sub(INPUT_ROWS).filter(|&n| n > 0) {
        let _ = writeln!(
            s,
            "<tr><td colspan=\"3\" class=\"muted\">and {more} more timeline entries, not \
             shown: requests.csv has every request, {} has the timeline</td></tr>",
            esc(&sc.source)
        );
    }
    s.push_str("</table>\n");
}

/// Timeline entries the inputs table shows per scenario. A generated or spreadsheet timeline
/// of 100,000 requests made a 36 MB page no browser opens comfortably, held whole in memory
/// while it was written; requests.csv lists every request anyway.
const INPUT_ROWS: usize = 500;

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
            "<tr><td>total</td><td>CNY</td><td class=\"n\">594.80</td>",
            "<td class=\"n\">594.80<br><span class=\"muted\">[…, …]</span></td>",
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
        assert!(comparison.contains(
            "<th>cost P50 /day</th><th>cost P95 /day</th><th>internet saving /month</th>"
        ));
        // A 12-hour horizon: twice the total per day, thousands separated.
        assert!(
            comparison.contains("<td class=\"n\">1,189.6"),
            "{comparison}"
        );
        assert!(
            !comparison.contains("<th>OperationDenied"),
            "no per-code columns"
        );
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

    #[test]
    fn a_long_timeline_shows_its_first_entries_and_says_how_many_more() {
        let entry = |i: usize| {
            format!(
                r#"{{"at": "+{i}m", "request": {{"RegionId": "cn-hangzhou", "HostName": "h{i}"}}}}"#
            )
        };
        let entries: Vec<String> = (0..INPUT_ROWS + 7).map(entry).collect();
        let doc = format!(r#"{{"name": "n", "timeline": [{}]}}"#, entries.join(","));
        let sc = crate::scenario::file::parse("long.json", &doc, std::path::Path::new("")).unwrap();
        let mut page = String::new();
        inputs(&mut page, &sc);
        assert!(
            page.contains(&format!("HostName=h{}<", INPUT_ROWS - 1)),
            "{page}"
        );
        assert!(!page.contains(&format!("HostName=h{}<", INPUT_ROWS)));
        assert!(page.contains("and 7 more timeline entries"));
        assert!(page.contains("long.json has the timeline"));
        let mut short = String::new();
        let doc = format!(
            r#"{{"name": "n", "timeline": [{}]}}"#,
            entries[..3].join(",")
        );
        let sc = crate::scenario::file::parse("s.json", &doc, std::path::Path::new("")).unwrap();
        inputs(&mut short, &sc);
        assert!(!short.contains("more timeline entries"), "{short}");
    }
}
