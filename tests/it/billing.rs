//! Billing completeness (issue 14, item 3) by hand: PrePaid terms and renewals, CDT's free
//! allowance crossing, spot protection billed at the purchase-time price, the pay-as-you-go
//! minimum lifecycle charge, and the pay-as-you-go against subscription line.
//!
//! Prices used (data/prices.json): ecs.g7.large in Hangzhou 0.5139 CNY/h (185 x 2 / 720),
//! ecs.c7.large 0.4; 40 GiB ESSD PL1 0.0021 x 40 = 0.084 CNY/h; PayByTraffic 0.8 CNY/GB. A
//! month's subscription is `hourly x 720 / 1.5` for instance types and `hourly x 720 / 1.5125`
//! for disks; a week is a quarter of a month.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use ecsim::cost::{self, spot, BatchSpec, DiskSpec, InternetSpec, PricePoint, SpotBid, SpotSpec};
use ecsim::request::typed::{DiskCategory, InternetChargeType, PerformanceLevel};
use ecsim::scenario::file;
use ecsim::sim::{self, Options, ScenarioReport};
use rand::SeedableRng;

use crate::support::{ecsim, stdout};

const G7: f64 = 0.5139;
const DISK: f64 = 40.0 * 0.0021;

fn month_g7() -> f64 {
    G7 * 720.0 / 1.5
}

fn month_disk() -> f64 {
    DISK * 720.0 / 1.5125
}

fn req(extra: &str) -> String {
    format!(
        r#"{{"RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k", "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd", {extra}}}"#
    )
}

fn run(text: &str) -> ScenarioReport {
    let s = file::parse("billing.json", text, Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
    let r = sim::run(&[s], &Options::default()).remove(0);
    assert!(
        r.costs.as_ref().unwrap().warnings.is_empty(),
        "{:?}",
        r.costs.as_ref().unwrap().warnings
    );
    r
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
}

fn one_request(start: &str, horizon: &str, traffic: f64, request: &str) -> String {
    format!(
        r#"{{"start": "{start}", "horizon": "{horizon}", "trials": 2,
  "costs": {{"traffic": {{"constant_gb_per_hour": {traffic}}}}},
  "timeline": [{{"at": "+0m", "label": "a", "expect": "ok", "request": {request}}}]}}"#
    )
}

fn summary(r: &ScenarioReport) -> &cost::TotalsSummary {
    &r.costs.as_ref().unwrap().currencies[0].summary
}

#[test]
fn a_prepaid_month_without_renewal_stops_costing_at_expiry() {
    // Two instances bought 2026-12-01 for one month, a 40-day horizon: one month each, paid
    // whole; the AutoReleaseTime two days in does not release a subscription instance.
    let r = run(&one_request(
        "2026-12-01T00:00:00Z",
        "40d",
        0.0,
        &req(
            r#""InstanceChargeType": "PrePaid", "Period": 1, "PeriodUnit": "Month", "AutoReleaseTime": "2026-12-03T00:00:00Z", "Amount": 2"#,
        ),
    ));
    let t = summary(&r);
    close(t.compute.mean, 2.0 * month_g7()); // 2 x 246.672 = 493.344
    close(t.system_disk.mean, 2.0 * month_disk()); // 2 x 39.9868 = 79.9736
    close(t.total.mean, 2.0 * (month_g7() + month_disk()));
    // As pay-as-you-go the same instances bill until expiry, 1 Jan: 31 days = 744 h.
    close(t.as_payg.mean, 2.0 * 744.0 * (G7 + DISK));
    close(t.as_subscription.mean, t.total.mean);
}

#[test]
fn a_prepaid_month_with_auto_renew_renews_over_the_horizon() {
    // 40 days from 1 Dec: the first month to 1 Jan, a renewal of one month to 1 Feb.
    let r = run(&one_request(
        "2026-12-01T00:00:00Z",
        "40d",
        0.0,
        &req(
            r#""InstanceChargeType": "PrePaid", "Period": 1, "PeriodUnit": "Month", "AutoRenew": true, "AutoRenewPeriod": 1, "Amount": 2"#,
        ),
    ));
    let t = summary(&r);
    close(t.compute.mean, 2.0 * 2.0 * month_g7()); // 986.688
    close(t.system_disk.mean, 2.0 * 2.0 * month_disk());
    // Billed to the horizon, 40 days = 960 h.
    close(t.as_payg.mean, 2.0 * 960.0 * (G7 + DISK));
}

#[test]
fn a_prepaid_week_term_is_a_quarter_month_per_week() {
    let r = run(&one_request(
        "2026-12-01T00:00:00Z",
        "10d",
        0.0,
        &req(r#""InstanceChargeType": "PrePaid", "Period": 2, "PeriodUnit": "Week", "Amount": 1"#),
    ));
    let t = summary(&r);
    close(t.compute.mean, 2.0 * 0.25 * month_g7()); // 123.336
    close(t.system_disk.mean, 2.0 * 0.25 * month_disk());
    // 10 days as pay-as-you-go (240 h) cost more than the two weeks paid.
    close(t.as_payg.mean, 240.0 * (G7 + DISK));
    assert!(t.as_payg.mean > t.as_subscription.mean);
}

#[test]
fn pay_as_you_go_against_subscription_and_the_break_even() {
    // Pay-as-you-go for 10 days: the cheapest subscription covering them is 2 weeks.
    let r = run(&one_request(
        "2026-12-01T00:00:00Z",
        "10d",
        0.0,
        &req(r#""Amount": 3"#),
    ));
    let t = summary(&r);
    close(t.total.mean, 3.0 * 240.0 * (G7 + DISK));
    close(t.as_payg.mean, t.total.mean);
    close(
        t.as_subscription.mean,
        3.0 * 2.0 * 0.25 * (month_g7() + month_disk()),
    );
    // Break-even: a month's subscription over a month (720 h) of pay-as-you-go.
    let share = (month_g7() + month_disk()) / (720.0 * (G7 + DISK));
    close(t.subscription_break_even.unwrap(), share); // about 0.666
    let line =
        ecsim::report::costs::billing_line(&r.costs.as_ref().unwrap().currencies[0]).unwrap();
    assert!(line.contains("subscription saves"), "{line}");
    assert!(line.contains("above 66.6% of the month (479 h)"), "{line}");
    // Three hours: pay-as-you-go wins against a week, and without PrePaid instances the
    // summary keeps quiet (billing.csv and --json still carry the figures).
    let r = run(&one_request(
        "2026-12-01T00:00:00Z",
        "3h",
        0.0,
        &req(r#""Amount": 1"#),
    ));
    let cc = &r.costs.as_ref().unwrap().currencies[0];
    close(cc.summary.as_payg.mean, 3.0 * (G7 + DISK));
    close(
        cc.summary.as_subscription.mean,
        0.25 * (month_g7() + month_disk()),
    );
    assert!(ecsim::report::costs::billing_line(cc).is_none());
}

#[test]
fn cdt_allowance_crossing_in_one_month() {
    // 1 GB per instance-hour at 5 Mbps on PayByTraffic. Below the 20 GB mainland allowance:
    // 10 h x 1 GB = 10 GB, free.
    let traffic = r#""InternetMaxBandwidthOut": 5, "Amount": 1"#;
    let r = run(&one_request(
        "2026-12-01T00:00:00Z",
        "10h",
        1.0,
        &req(traffic),
    ));
    let t = summary(&r);
    close(t.internet.mean, 0.0);
    close(t.cdt_free_gb.mean, 10.0);
    close(t.cdt_saving.mean, 8.0);
    // Crossing it: 30 GB, 20 free, 10 x 0.8 = 8.00 charged.
    let r = run(&one_request(
        "2026-12-01T00:00:00Z",
        "30h",
        1.0,
        &req(traffic),
    ));
    let t = summary(&r);
    close(t.internet.mean, 8.0);
    close(t.cdt_free_gb.mean, 20.0);
    close(t.cdt_saving.mean, 16.0);
    close(t.pay_by_traffic.mean, 8.0);
    close(t.total.mean, 30.0 * (G7 + DISK) + 8.0);
    // The per-label figure (internet.csv) is before the account-wide allowance.
    close(r.costs.as_ref().unwrap().internet[0].pay_by_traffic, 24.0);
}

#[test]
fn cdt_allowance_is_shared_across_the_fleet_and_renews_each_month() {
    // Two labels of 15 GB each (15 h x 1 GB) share 20 free GB: 10 GB charged in all.
    let text = r#"{"start": "2026-12-01T00:00:00Z", "horizon": "15h", "trials": 2,
  "costs": {"traffic": {"constant_gb_per_hour": 1.0}},
  "timeline": [{"at": "+0m", "label": "a", "request": A},
               {"at": "+0m", "label": "b", "request": A}]}"#
        .replace("A", &req(r#""InternetMaxBandwidthOut": 5, "Amount": 1"#));
    let t = *summary(&run(&text));
    close(t.internet.mean, 10.0 * 0.8);
    close(t.cdt_free_gb.mean, 20.0);
    // 30 h across a month end: December and January each give 20 GB, 40 free of 30.
    let traffic = r#""InternetMaxBandwidthOut": 5, "Amount": 1"#;
    let r = run(&one_request(
        "2026-12-31T12:00:00Z",
        "30h",
        1.0,
        &req(traffic),
    ));
    close(summary(&r).internet.mean, 0.0);
    // Before CDT's allowance began (2025-06-01) nothing is free: 30 GB x 0.8.
    let r = run(&one_request(
        "2025-01-01T00:00:00Z",
        "30h",
        1.0,
        &req(traffic),
    ));
    close(summary(&r).internet.mean, 24.0);
    close(summary(&r).cdt_free_gb.mean, 0.0);
}

#[test]
fn the_minimum_lifecycle_charge_lifts_a_one_minute_instance_to_0_01() {
    // 60 s of g7.large with 40 GiB PL1: 0.5979 / 60 = 0.009965 CNY, below 0.01.
    let text = format!(
        r#"{{"start": "2026-12-01T00:00:00Z", "horizon": "1h", "trials": 2,
  "timeline": [{{"at": "+0m", "label": "a", "request": {}}},
               {{"at": "+60s", "release": {{"label": "a"}}}}]}}"#,
        req(r#""Amount": 2"#)
    );
    let t = *summary(&run(&text));
    close(t.total.mean, 2.0 * 0.01);
    close(t.system_disk.mean, 2.0 * DISK / 60.0);
    // A longer life is billed per second, unlifted: 10 min = 0.09965 each.
    let text = text.replace("+60s", "+10m");
    close(summary(&run(&text)).total.mean, 2.0 * (G7 + DISK) / 6.0);
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The documented example (Billing methods/Preemptible instances): bought at 8:00 at 1.5 USD/h
/// with 1 h of protection and a 2 USD bid; 2.5 at 8:30 (above the bid, but protected), 1.8 at
/// 9:00, 1.6 at 9:30, 3 at 10:00, when it is released.
fn doc_trace() -> Vec<PricePoint> {
    [
        ("2026-01-01T08:00:00Z", 1.5),
        ("2026-01-01T08:30:00Z", 2.5),
        ("2026-01-01T09:00:00Z", 1.8),
        ("2026-01-01T09:30:00Z", 1.6),
        ("2026-01-01T10:00:00Z", 3.0),
    ]
    .iter()
    .map(|&(t, price)| PricePoint { at: at(t), price })
    .collect()
}

#[test]
fn spot_protection_bills_the_purchase_price_then_the_market() {
    let trace = doc_trace();
    let start = at("2026-01-01T08:00:00Z");
    let hour = Duration::hours(1);
    // 8:00-9:00 at 1.5 (not 2.5 from 8:30), 9:00-9:30 at 1.8, 9:30-10:00 at 1.6: 3.2.
    let bill = spot::bill(&trace, start, at("2026-01-01T10:00:00Z"), hour).unwrap();
    close(bill, 0.75 + 0.75 + 0.9 + 0.8);
    // The 2.5 at 8:30 is inside protection: the interruption is the 3.0 at 10:00.
    assert_eq!(
        spot::interruption(&trace, start, 2.0, hour),
        Some(at("2026-01-01T10:00:00Z"))
    );
    // Without protection the 8:30 rise interrupts, and 8:00-8:30 is billed at 1.5.
    assert_eq!(
        spot::interruption(&trace, start, 2.0, Duration::zero()),
        Some(at("2026-01-01T08:30:00Z"))
    );
    // Through the cost model: a planned end of 12:00 is cut at 10:00; two instances.
    let disk = DiskSpec {
        category: DiskCategory::CloudEssd,
        size_gib: 40,
        performance_level: Some(PerformanceLevel::PL1),
    };
    let spec = BatchSpec {
        region: "us-west-1",
        zone: "us-west-1a",
        instance_type: "ecs.g7.large",
        count: 2,
        start,
        end: at("2026-01-01T12:00:00Z"),
        system_disk: disk,
        data_disks: &[],
        internet: InternetSpec {
            charge_type: InternetChargeType::PayByTraffic,
            max_bandwidth_out_mbps: 0,
        },
        spot: Some(SpotSpec {
            bid: SpotBid::WithPriceLimit { limit: 2.0 },
            duration_hours: 1,
            trace: &trace,
        }),
    };
    let prices = cost::Prices::default_embedded();
    let c = cost::cost_batch(
        &prices,
        &spec,
        &cost::TrafficModel::Constant { gb_per_hour: 0.0 },
        &mut rand_chacha::ChaCha8Rng::seed_from_u64(1),
    )
    .unwrap();
    close(c.compute, 2.0 * 3.2);
    close(c.spot.unwrap().lost_instance_hours, 2.0 * 2.0);
}

#[test]
fn the_subscription_scenario_reports_its_billing_lines_and_billing_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let o = ecsim(
        &[
            "run",
            "--check",
            "--no-charts",
            "--out",
            out,
            "scenarios/subscription.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("billing (CNY): instances and disks as pay-as-you-go"),
        "{text}"
    );
    assert!(text.contains("CDT free allowance (CNY)"), "{text}");
    let csv = std::fs::read_to_string(dir.path().join("billing.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "scenario,currency,as_payg,as_payg_p95,as_subscription,as_subscription_p95,cheaper,saving,break_even_month_share,cdt_free_gb,cdt_saving"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows.iter().all(|r| r.contains(",Subscription,")), "{csv}");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("<p class=\"billing\">billing (CNY)"),
        "report.html"
    );
    let json = ecsim(
        &[
            "run",
            "--json",
            "--no-charts",
            "--out",
            out,
            "scenarios/subscription.json",
        ],
        None,
    );
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&json)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&json)));
    let b = &v["scenarios"][0]["costs"]["currencies"][0]["billing"];
    assert_eq!(b["cheaper"], "Subscription", "{v}");
    assert!(b["break_even_month_share"].as_f64().unwrap() > 0.6);
}

#[test]
fn billing_outputs_do_not_depend_on_the_thread_count() {
    let s = ecsim::scenario::sweep::load_expanded(Path::new("scenarios/subscription.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let opts = Options::default();
    let one = pool(1).install(|| sim::run(&s, &opts));
    let four = pool(4).install(|| sim::run(&s, &opts));
    assert_eq!(
        ecsim::report::costs::billing_csv(&one),
        ecsim::report::costs::billing_csv(&four)
    );
    assert_eq!(
        ecsim::report::costs::costs_csv(&one),
        ecsim::report::costs::costs_csv(&four)
    );
}
