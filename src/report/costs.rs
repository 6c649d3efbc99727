//! Cost reports: `costs.csv`, `internet.csv`, `spot.csv` and the cost lines of the terminal
//! summary, pure functions from finished [`ScenarioReport`]s to bytes. Money is rounded to
//! 4 decimals for display only (the model keeps it unrounded; `docs/costs.md`).

use std::fmt::Write as _;

use serde::Serialize;

use super::replay::to_csv;
use crate::cost::{BreakEven, Summary};
use crate::request::typed::InternetChargeType;
use crate::sim::costing::{CurrencyCosts, InternetRow, SpotRow};
use crate::sim::ScenarioReport;

/// One component of one scenario's cost over the trials.
#[derive(Debug, Default, Serialize)]
pub struct CostRow<'a> {
    pub scenario: &'a str,
    pub component: &'static str,
    /// `requested` (as each request chose), `PayAsYouGo`, `PayByTraffic` or `PayByBandwidth`.
    pub billing_method: &'static str,
    pub currency: &'static str,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// 95 % order-statistic intervals of the percentiles (empty: too few trials for that
    /// side; docs/statistics.md).
    pub p50_lo: Option<f64>,
    pub p50_hi: Option<f64>,
    pub p90_lo: Option<f64>,
    pub p90_hi: Option<f64>,
    pub p95_lo: Option<f64>,
    pub p95_hi: Option<f64>,
    pub p99_lo: Option<f64>,
    pub p99_hi: Option<f64>,
}

/// One internet group: a label's requests with one region, bandwidth and method.
#[derive(Debug, Default, Serialize)]
pub struct InternetCsvRow<'a> {
    pub scenario: &'a str,
    pub label: &'a str,
    pub region: &'a str,
    pub currency: &'static str,
    pub max_bandwidth_out_mbps: u32,
    pub chosen: &'static str,
    /// Means per trial.
    pub instances: f64,
    pub gb_out: f64,
    pub cost_pay_by_traffic: f64,
    pub cost_pay_by_bandwidth: f64,
    /// Fraction of full rate at which both cost the same; empty when traffic always wins.
    pub break_even_utilisation: Option<f64>,
    pub cheaper: &'static str,
    /// Mean saving per trial of switching to the cheaper method (0: already on it).
    pub saving: f64,
    pub traffic_cheaper_share: f64,
}

/// One spot group: a label's spot requests in one zone and type with one bid.
#[derive(Debug, Default, Serialize)]
pub struct SpotCsvRow<'a> {
    pub scenario: &'a str,
    pub label: &'a str,
    pub zone: &'a str,
    pub instance_type: &'a str,
    pub strategy: &'static str,
    pub limit: Option<f64>,
    pub currency: &'static str,
    /// Means per trial.
    pub instances: f64,
    pub interruptions: f64,
    pub interrupted_trials_share: f64,
    pub lost_instance_hours: f64,
    pub spot_cost: f64,
    pub payg_cost_same_hours: f64,
    /// 95 % interval of `interrupted_trials_share`.
    pub interrupted_trials_share_lo: f64,
    pub interrupted_trials_share_hi: f64,
}

/// One scenario and currency's price statement (`prices.csv`).
#[derive(Debug, Default, Serialize)]
pub struct PricesCsvRow<'a> {
    pub scenario: &'a str,
    pub currency: &'static str,
    /// The catalog's date.
    pub as_of: &'a str,
    /// The price files merged, `;`-separated, the embedded catalog first.
    pub files: String,
    /// The sources of the figures used, `;`-separated.
    pub sources: String,
    pub confirmed_share: f64,
    pub derived_share: f64,
}

/// `prices.csv`, beside `costs.csv`: what each scenario's costs rest on.
pub fn prices_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        r.costs.iter().flat_map(move |c| {
            c.currencies.iter().map(move |cc| PricesCsvRow {
                scenario: &r.name,
                currency: cc.currency.as_str(),
                as_of: &cc.prices.as_of,
                files: cc.prices.files.join(";"),
                sources: cc.prices.sources.join(";"),
                confirmed_share: r4(cc.prices.confirmed_share),
                derived_share: r4(cc.prices.derived_share()),
            })
        })
    });
    to_csv::<PricesCsvRow>(rows)
}

/// The price statement line of one currency, for the summary and report.html.
pub fn prices_line(cc: &CurrencyCosts) -> String {
    let p = &cc.prices;
    format!(
        "prices ({}): as of {}, {:.1}% of the cost on confirmed figures, {:.1}% derived or recalled; files {}; sources {}",
        cc.currency.as_str(),
        p.as_of,
        p.confirmed_share * 100.0,
        p.derived_share() * 100.0,
        p.files.join(", "),
        p.sources.join(", "),
    )
}

/// The stderr warning about scenarios whose cost rests mostly on derived prices: one line
/// per currency, naming the scenario with the largest derived share (each scenario's own
/// share is in its summary, prices.csv and report.html).
pub fn price_warnings(reports: &[ScenarioReport]) -> Vec<String> {
    // Per currency, in first-seen order: (scenarios warned, the worst share and its scenario).
    let mut by_currency: Vec<(crate::cost::Currency, usize, f64, &str, String)> = Vec::new();
    let mut priced = 0usize;
    for r in reports {
        for cc in r.costs.iter().flat_map(|c| c.currencies.iter()) {
            priced += 1;
            let Some(w) = cc.prices.warning(cc.currency) else {
                continue;
            };
            let share = cc.prices.derived_share();
            match by_currency.iter_mut().find(|e| e.0 == cc.currency) {
                Some(e) => {
                    e.1 += 1;
                    if share > e.2 {
                        (e.2, e.3, e.4) = (share, r.name.as_str(), w);
                    }
                }
                None => by_currency.push((cc.currency, 1, share, r.name.as_str(), w)),
            }
        }
    }
    by_currency
        .into_iter()
        .map(|(_, n, _, worst, w)| match n {
            1 => format!("ecsim: price warning: {worst}: {w}"),
            _ => format!(
                "ecsim: price warning: {n} of {priced} priced scenario(s), most in {worst}: {w}"
            ),
        })
        .collect()
}

/// One scenario and currency's pay-as-you-go against subscription line (`billing.csv`).
#[derive(Debug, Default, Serialize)]
pub struct BillingCsvRow<'a> {
    pub scenario: &'a str,
    pub currency: &'static str,
    /// The non-spot instances' instance type, disks and PayByBandwidth bandwidth, mean and
    /// P95 per trial, as pay-as-you-go and as subscription (docs/billing.md).
    pub as_payg: f64,
    pub as_payg_p95: f64,
    pub as_subscription: f64,
    pub as_subscription_p95: f64,
    /// `PayAsYouGo` or `Subscription`, by the means (pay-as-you-go on a tie).
    pub cheaper: &'static str,
    /// Mean saving per trial of the cheaper one.
    pub saving: f64,
    /// The share of a month above which a month's subscription costs less; empty without
    /// non-spot instances.
    pub break_even_month_share: Option<f64>,
    /// CDT's free allowance: GB it covered and what it saved, mean per trial.
    pub cdt_free_gb: f64,
    pub cdt_saving: f64,
}

/// `billing.csv`: per scenario and currency, the plan as pay-as-you-go against subscription,
/// and CDT's free allowance.
pub fn billing_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        r.costs.iter().flat_map(move |c| {
            c.currencies.iter().map(move |cc| {
                let s = &cc.summary;
                let (cheaper, saving) = cheaper_billing(s);
                BillingCsvRow {
                    scenario: &r.name,
                    currency: cc.currency.as_str(),
                    as_payg: r4(s.as_payg.mean),
                    as_payg_p95: r4(s.as_payg.p95),
                    as_subscription: r4(s.as_subscription.mean),
                    as_subscription_p95: r4(s.as_subscription.p95),
                    cheaper,
                    saving: r4(saving),
                    break_even_month_share: s.subscription_break_even.map(r4),
                    cdt_free_gb: r4(s.cdt_free_gb.mean),
                    cdt_saving: r4(s.cdt_saving.mean),
                }
            })
        })
    });
    to_csv::<BillingCsvRow>(rows)
}

/// The cheaper billing method by the means and what it saves per trial.
pub fn cheaper_billing(s: &crate::cost::TotalsSummary) -> (&'static str, f64) {
    let (p, sub) = (s.as_payg.mean, s.as_subscription.mean);
    if sub < p {
        ("Subscription", p - sub)
    } else {
        ("PayAsYouGo", sub - p)
    }
}

/// The pay-as-you-go against subscription line of one currency (summary, report.html): when
/// the plan has PrePaid instances or subscription would cost less (billing.csv and `--json`
/// always carry the figures). None without non-spot instances.
pub fn billing_line(cc: &CurrencyCosts) -> Option<String> {
    let s = &cc.summary;
    let share = s.subscription_break_even?;
    let (cheaper, saving) = cheaper_billing(s);
    if !s.has_prepaid && cheaper != "Subscription" {
        return None;
    }
    let verdict = match cheaper {
        "Subscription" => format!("subscription saves {saving:.2} per trial"),
        _ => format!("pay-as-you-go saves {saving:.2} per trial"),
    };
    Some(format!(
        "billing ({c}): instances and disks as pay-as-you-go {:.2}, as subscription {:.2}; {verdict}; a month's subscription costs less above {:.1}% of the month ({:.0} h)",
        s.as_payg.mean,
        s.as_subscription.mean,
        share * 100.0,
        share * 720.0,
        c = cc.currency.as_str(),
    ))
}

/// The CDT allowance line of one currency, when the allowance covered any traffic.
pub fn cdt_line(cc: &CurrencyCosts) -> Option<String> {
    let s = &cc.summary;
    (s.cdt_free_gb.mean > 0.0).then(|| {
        format!(
            "CDT free allowance ({c}): {:.2} GB of PayByTraffic traffic free per trial, {:.2} {c} off the internet cost",
            s.cdt_free_gb.mean,
            s.cdt_saving.mean,
            c = cc.currency.as_str(),
        )
    })
}

/// Rounds money (and GB, hours) for display.
pub fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn cost_row<'a>(
    scenario: &'a str,
    c: &CurrencyCosts,
    component: &'static str,
    billing_method: &'static str,
    s: &Summary,
) -> CostRow<'a> {
    CostRow {
        scenario,
        component,
        billing_method,
        currency: c.currency.as_str(),
        mean: r4(s.mean),
        p50: r4(s.p50),
        p90: r4(s.p90),
        p95: r4(s.p95),
        p99: r4(s.p99),
        p50_lo: s.ci[0].lo.map(r4),
        p50_hi: s.ci[0].hi.map(r4),
        p90_lo: s.ci[1].lo.map(r4),
        p90_hi: s.ci[1].hi.map(r4),
        p95_lo: s.ci[2].lo.map(r4),
        p95_hi: s.ci[2].hi.map(r4),
        p99_lo: s.ci[3].lo.map(r4),
        p99_hi: s.ci[3].hi.map(r4),
    }
}

/// `costs.csv`: per scenario and currency, each component's mean and percentiles over trials.
pub fn costs_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        let name = r.name.as_str();
        r.costs.iter().flat_map(move |c| {
            c.currencies.iter().flat_map(move |cc| {
                let s = &cc.summary;
                [
                    cost_row(name, cc, "compute", "requested", &s.compute),
                    cost_row(name, cc, "system_disk", "PayAsYouGo", &s.system_disk),
                    cost_row(name, cc, "data_disks", "PayAsYouGo", &s.data_disks),
                    cost_row(name, cc, "internet", "requested", &s.internet),
                    cost_row(name, cc, "internet", "PayByTraffic", &s.pay_by_traffic),
                    cost_row(name, cc, "internet", "PayByBandwidth", &s.pay_by_bandwidth),
                    cost_row(name, cc, "total", "requested", &s.total),
                ]
            })
        })
    });
    to_csv::<CostRow>(rows)
}

fn label(l: &Option<String>) -> &str {
    l.as_deref().unwrap_or("")
}

fn internet_row<'a>(scenario: &'a str, i: &'a InternetRow) -> InternetCsvRow<'a> {
    let g = &i.group;
    InternetCsvRow {
        scenario,
        label: label(&g.label),
        region: &g.region,
        currency: g.currency.as_str(),
        max_bandwidth_out_mbps: g.mbps,
        chosen: g.chosen.as_str(),
        instances: r4(i.instances),
        gb_out: r4(i.gb_out),
        cost_pay_by_traffic: r4(i.pay_by_traffic),
        cost_pay_by_bandwidth: r4(i.pay_by_bandwidth),
        break_even_utilisation: g.break_even.utilisation().map(r4),
        cheaper: i.cheaper().as_str(),
        saving: r4(i.saving()),
        traffic_cheaper_share: r4(i.traffic_cheaper_share),
    }
}

/// `internet.csv`: both methods for every group with public bandwidth.
pub fn internet_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        r.costs
            .iter()
            .flat_map(move |c| c.internet.iter().map(move |i| internet_row(&r.name, i)))
    });
    to_csv::<InternetCsvRow>(rows)
}

fn spot_row<'a>(scenario: &'a str, trials: u32, s: &'a SpotRow) -> SpotCsvRow<'a> {
    let g = &s.group;
    let share = spot_share(trials, s);
    SpotCsvRow {
        scenario,
        label: label(&g.label),
        zone: &g.zone,
        instance_type: &g.instance_type,
        strategy: g.bid.strategy(),
        limit: g.bid.limit(),
        currency: g.currency.as_str(),
        instances: r4(s.instances),
        interruptions: r4(s.interruptions),
        interrupted_trials_share: r4(s.interrupted_share),
        lost_instance_hours: r4(s.lost_instance_hours),
        spot_cost: r4(s.spot_cost),
        payg_cost_same_hours: r4(s.payg_cost),
        interrupted_trials_share_lo: r4(share.lo),
        interrupted_trials_share_hi: r4(share.hi),
    }
}

/// A spot group's share of trials interrupted, with its 95 % interval.
pub fn spot_share(trials: u32, s: &SpotRow) -> crate::stats::Share {
    crate::stats::share(
        u64::from(s.interrupted_trials),
        u64::from(trials),
        crate::stats::LEVEL,
    )
}

/// A percentile's interval for text: `[lo, hi]`, a missing side as `…`.
pub fn bounds_text(b: crate::stats::Bounds) -> String {
    let side = |x: Option<f64>| x.map_or("…".to_string(), |v| format!("{v:.2}"));
    format!("[{}, {}]", side(b.lo), side(b.hi))
}

/// `spot.csv`: every spot group's interruptions and costs against pay-as-you-go.
pub fn spot_csv(reports: &[ScenarioReport]) -> Vec<u8> {
    let rows = reports.iter().flat_map(|r| {
        r.costs
            .iter()
            .flat_map(move |c| c.spot.iter().map(move |s| spot_row(&r.name, r.trials, s)))
    });
    to_csv::<SpotCsvRow>(rows)
}

use super::money::money;

/// The break-even utilisation in words.
pub fn break_even_text(b: BreakEven) -> String {
    match b {
        BreakEven::At(u) => format!("break-even at {:.1}% of the bandwidth", u * 100.0),
        BreakEven::Never => "PayByTraffic is cheaper even at full rate".into(),
        BreakEven::NoBandwidth => "no public bandwidth".into(),
    }
}

/// The recommendation for one internet group, one line.
pub fn recommendation(i: &InternetRow) -> String {
    let g = &i.group;
    let who = match &g.label {
        Some(l) => format!("{l} ({} Mbps, {})", g.mbps, g.region),
        None => format!("{} Mbps in {}", g.mbps, g.region),
    };
    let cheaper = i.cheaper();
    let share = match cheaper {
        InternetChargeType::PayByTraffic => i.traffic_cheaper_share,
        InternetChargeType::PayByBandwidth => 1.0 - i.traffic_cheaper_share,
    };
    if cheaper == g.chosen {
        format!(
            "{who}: keep {} ({} {c} over the horizon; the other method {}); cheaper in {:.0}% of trials; {}",
            g.chosen.as_str(),
            money(i.cost_of(g.chosen)),
            money(i.cost_of(g.chosen.other())),
            share * 100.0,
            break_even_text(g.break_even),
            c = g.currency.as_str(),
        )
    } else {
        format!(
            "{who}: switch {} -> {} to save {} {c} over the horizon ({} -> {}); cheaper in {:.0}% of trials; {}",
            g.chosen.as_str(),
            cheaper.as_str(),
            money(i.saving()),
            money(i.cost_of(g.chosen)),
            money(i.cost_of(cheaper)),
            share * 100.0,
            break_even_text(g.break_even),
            c = g.currency.as_str(),
        )
    }
}

/// The cost lines of one scenario in the terminal summary.
pub fn summary_lines(r: &ScenarioReport) -> String {
    let mut s = String::new();
    let Some(c) = &r.costs else {
        return s;
    };
    for cc in &c.currencies {
        let t = &cc.summary;
        let _ = writeln!(
            s,
            "  cost over the horizon ({}): mean {} ({}/day, {}/month), P50 {}, P95 {}, P99 {}; compute {}, disks {}, internet {} (all PayByTraffic {}, all PayByBandwidth {})",
            cc.currency.as_str(),
            money(t.total.mean),
            money(super::money::per_day(t.total.mean, r.horizon)),
            money(super::money::per_month(t.total.mean, r.horizon)),
            money(t.total.p50),
            money(t.total.p95),
            money(t.total.p99),
            money(t.compute.mean),
            money(t.system_disk.mean + t.data_disks.mean),
            money(t.internet.mean),
            money(t.pay_by_traffic.mean),
            money(t.pay_by_bandwidth.mean),
        );
        let _ = writeln!(
            s,
            "  cost intervals ({}, 95%, order statistics): P50 {}, P95 {}, P99 {}",
            cc.currency.as_str(),
            bounds_text(t.total.ci[0]),
            bounds_text(t.total.ci[2]),
            bounds_text(t.total.ci[3]),
        );
        for line in [billing_line(cc), cdt_line(cc)].into_iter().flatten() {
            let _ = writeln!(s, "  {line}");
        }
        let _ = writeln!(s, "  {}", prices_line(cc));
        if let Some(w) = cc.prices.warning(cc.currency) {
            let _ = writeln!(s, "  price warning: {w}");
        }
    }
    for i in &c.internet {
        let _ = writeln!(s, "  internet: {}", recommendation(i));
    }
    for sp in &c.spot {
        let g = &sp.group;
        let _ = writeln!(
            s,
            "  spot {}{} {}: {:.1} instance(s) interrupted per trial (in {} of trials), {:.1} instance-hour(s) lost; spot {:.2} vs pay-as-you-go {:.2} {}",
            g.label.as_deref().map_or(String::new(), |l| format!("{l} ")),
            g.zone,
            g.instance_type,
            sp.interruptions,
            spot_share(r.trials, sp).text(),
            sp.lost_instance_hours,
            sp.spot_cost,
            sp.payg_cost,
            g.currency.as_str(),
        );
    }
    for w in &c.warnings {
        let _ = writeln!(
            s,
            "  cost warning: {w}; those requests are left out of the costs"
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_reports_still_have_their_headers() {
        assert_eq!(
            String::from_utf8(costs_csv(&[])).unwrap(),
            "scenario,component,billing_method,currency,mean,p50,p90,p95,p99,p50_lo,p50_hi,\
             p90_lo,p90_hi,p95_lo,p95_hi,p99_lo,p99_hi\n"
        );
        assert!(String::from_utf8(internet_csv(&[]))
            .unwrap()
            .starts_with("scenario,label,region,currency,max_bandwidth_out_mbps,chosen,instances,gb_out,cost_pay_by_traffic,cost_pay_by_bandwidth,break_even_utilisation,cheaper,saving"));
        assert!(String::from_utf8(spot_csv(&[])).unwrap().starts_with(
            "scenario,label,zone,instance_type,strategy,limit,currency,instances,interruptions"
        ));
    }

    #[test]
    fn rounding_is_for_display_only() {
        assert_eq!(r4(1.234_56), 1.2346);
        assert_eq!(r4(-0.000_04), -0.0);
    }
}
