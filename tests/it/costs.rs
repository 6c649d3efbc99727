//! Costs in the replay: hand-computed figures through the library and the binary, spot
//! interruptions that free capacity, and the cost outputs' determinism.

use std::path::Path;

use ecsim::scenario::file;
use ecsim::sim::{self, Options, ScenarioReport};

use crate::support::{ecsim, stderr, stdout};

/// Hangzhou zone i, ecs.g7.large (185 CNY/vCPU-month x 2 / 720 h = 0.5139 CNY/h), 40 GiB ESSD
/// PL1 system disk (0.0021/GiB-h).
fn req(extra: &str) -> String {
    format!(
        r#"{{"RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k", "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd", {extra}}}"#
    )
}

fn run(text: &str, opts: &Options) -> ScenarioReport {
    let s = file::parse("costs.json", text, Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
    sim::run(&[s], opts).remove(0)
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
}

/// Two tiers by hand (Hangzhou: 0.8 CNY/GB, 0.063 per Mbps-hour up to 5, 0.248 above).
/// "big": 2 instances at 7 Mbps on PayByBandwidth, one released at +4h, the other to the 10 h
/// horizon: 14 instance-hours. "small": 1 instance at 2 Mbps for 10 h. Traffic 1 GB per
/// instance-hour, capped at 0.45 GB per Mbps-hour (2 Mbps carries 0.9).
/// Before CDT's free allowance began (2025-06-01, docs/billing.md), so traffic bills from the
/// first GB.
const TIERS: &str = r#"{"start": "2025-01-01T00:00:00Z", "horizon": "10h", "trials": 3,
  "costs": {"traffic": {"constant_gb_per_hour": 1.0}},
  "timeline": [
    {"at": "+0m", "label": "big", "request": BIG},
    {"at": "+0m", "label": "small", "request": SMALL},
    {"at": "+4h", "release": {"count": 1, "label": "big"}}
  ]}"#;

fn tiers() -> String {
    TIERS
        .replace(
            "BIG",
            &req(r#""InternetChargeType": "PayByBandwidth", "InternetMaxBandwidthOut": 7, "Amount": 2"#),
        )
        .replace("SMALL", &req(r#""InternetMaxBandwidthOut": 2, "Amount": 1"#))
}

#[test]
fn both_internet_methods_and_tiers_match_hand_arithmetic() {
    let r = run(&tiers(), &Options::default());
    let c = r.costs.as_ref().expect("costs on by default");
    assert_eq!(c.currencies.len(), 1);
    let t = &c.currencies[0].summary;
    // 24 instance-hours of compute and 40 GiB ESSD PL1.
    close(t.compute.p50, 24.0 * 0.5139); // 12.3336
    close(t.system_disk.p50, 24.0 * 40.0 * 0.0021);
    let big = c
        .internet
        .iter()
        .find(|i| i.group.label.as_deref() == Some("big"))
        .unwrap();
    close(big.gb_out, 14.0);
    close(big.pay_by_traffic, 14.0 * 0.8); // 11.2
    close(big.pay_by_bandwidth, 14.0 * (5.0 * 0.063 + 2.0 * 0.248)); // 11.354
    assert_eq!(big.cheaper().as_str(), "PayByTraffic");
    close(big.saving(), 14.0 * 0.811 - 11.2);
    // Break-even: 0.811 / (7 x 0.45 x 0.8) = 0.32183 of full rate.
    close(
        big.group.break_even.utilisation().unwrap(),
        0.811 / (7.0 * 0.45 * 0.8),
    );
    let small = c
        .internet
        .iter()
        .find(|i| i.group.label.as_deref() == Some("small"))
        .unwrap();
    close(small.gb_out, 10.0 * 0.9); // capped at what 2 Mbps carries
    close(small.pay_by_traffic, 9.0 * 0.8);
    close(small.pay_by_bandwidth, 10.0 * 2.0 * 0.063);
    assert_eq!(small.cheaper().as_str(), "PayByBandwidth");
    // The chosen methods: big on bandwidth, small on traffic.
    close(t.internet.p50, 14.0 * 0.811 + 7.2);
    close(t.pay_by_traffic.p50, 11.2 + 7.2);
    close(
        t.total.p50,
        24.0 * 0.5139 + 24.0 * 40.0 * 0.0021 + 14.0 * 0.811 + 7.2, // 32.9036
    );
}

#[test]
fn the_binary_writes_the_cost_files_and_recommends() {
    let dir = std::env::temp_dir().join(format!("ecsim-it-costs-{}", std::process::id()));
    let scenario = dir.join("tiers.json");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&scenario, tiers()).unwrap();
    let out = dir.join("out");
    let o = ecsim(
        &[
            "run",
            "--out",
            out.to_str().unwrap(),
            scenario.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("big (7 Mbps, cn-hangzhou): switch PayByBandwidth -> PayByTraffic to save 0.15 CNY over the horizon (11.35 -> 11.20)"),
        "{text}"
    );
    assert!(text.contains("small (2 Mbps, cn-hangzhou): switch PayByTraffic -> PayByBandwidth to save 5.94 CNY over the horizon"), "{text}");
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let internet = read("internet.csv");
    assert!(
        internet.lines().any(|l| l
            == "tiers,big,cn-hangzhou,CNY,7,PayByBandwidth,2.0,14.0,11.2,11.354,0.3218,PayByTraffic,0.154,1.0"),
        "{internet}"
    );
    let costs = read("costs.csv");
    assert!(
        costs
            .lines()
            // Every trial costs the same; the trials are too few to bound the median (and the
            // upper side of P90..P99) at 95 %, so those interval cells are empty.
            .any(|l| l
                == "tiers,compute,requested,CNY,12.3336,12.3336,12.3336,12.3336,12.3336,,,12.3336,,12.3336,,12.3336,"),
        "{costs}"
    );
    assert_eq!(read("spot.csv").lines().count(), 1, "header only");
    let o = ecsim(
        &[
            "run",
            "--no-costs",
            "--out",
            out.to_str().unwrap(),
            scenario.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        !stdout(&o).contains("cost over the horizon"),
        "{}",
        stdout(&o)
    );
    // Costs off: no cost tables at all (the first run's are removed with its set).
    assert!(!out.join("costs.csv").exists());
}

/// A crafted market in zone i: 0.10 CNY/h, 0.30 from 10:00 to 12:00 UTC, then 0.10 again.
const MARKET: &str = r#"{"SpotPrices": {"SpotPriceType": [
  {"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "SpotPrice": 0.10, "OriginPrice": 0.5139, "Timestamp": "2026-12-01T00:00:00Z", "NetworkType": "vpc", "IoOptimized": "optimized"},
  {"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "SpotPrice": 0.30, "OriginPrice": 0.5139, "Timestamp": "2026-12-01T10:00:00Z", "NetworkType": "vpc", "IoOptimized": "optimized"},
  {"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "SpotPrice": 0.10, "OriginPrice": 0.5139, "Timestamp": "2026-12-01T12:00:00Z", "NetworkType": "vpc", "IoOptimized": "optimized"}
]}}"#;

/// The nearly full group (990 of 1000): 10 spot instances at 08:00 fill it; the spike at
/// 10:00 interrupts them (limit 0.2, one protected hour long past); at 11:00 ten pay-as-you-go
/// instances fit only because the interruption gave the slots back.
fn spot_scenario() -> String {
    let full =
        |extra: &str| req(extra).replace("sg-bp15ed6xe1yxeycg7o3k", "sg-bp1fullgroup9k2m7x4q");
    format!(
        r#"{{"world": [{MARKET}], "horizon": "6h", "trials": 4,
          "timeline": [
            {{"at": "+0m", "label": "spot", "request": {spot}}},
            {{"at": "+3h", "label": "after", "request": {after}}}
          ]}}"#,
        spot =
            full(r#""SpotStrategy": "SpotWithPriceLimit", "SpotPriceLimit": "0.2", "Amount": 10"#),
        after = full(r#""Amount": 10"#),
    )
}

#[test]
fn a_spot_interruption_frees_capacity_and_is_priced_on_the_trace() {
    let r = run(&spot_scenario(), &Options::default());
    let answers = |seq: usize| r.stats[seq].answers.clone();
    assert_eq!(answers(0), vec![(0, 4)], "the spot batch is created");
    assert_eq!(answers(1), vec![(0, 4)], "the interruption freed 10 slots");
    let c = r.costs.as_ref().unwrap();
    let s = &c.spot[0];
    assert_eq!(s.group.zone, "cn-hangzhou-i");
    close(s.interruptions, 10.0);
    close(s.interrupted_share, 1.0);
    // Lived 08:00-10:00: 1 protected hour at the purchase price 0.10, then 0.10.
    close(s.spot_cost, 10.0 * 2.0 * 0.10);
    close(s.payg_cost, 10.0 * 2.0 * 0.5139);
    // Planned end: the 14:00 horizon, so 4 hours of 10 instances were lost.
    close(s.lost_instance_hours, 40.0);
    assert_eq!(s.sample_interruptions, vec![(2 * 3600, 10)]);
    let t = &c.currencies[0].summary;
    // Compute: spot 2.0 + the later 10 pay-as-you-go for 3 h.
    close(t.compute.p50, 2.0 + 10.0 * 3.0 * 0.5139);

    // Without the cost model there is no interruption: the group stays full.
    let off = run(
        &spot_scenario(),
        &Options {
            costs: false,
            ..Options::default()
        },
    );
    assert!(off.costs.is_none());
    let code = ecsim::sim::trial::code_key(off.stats[1].answers[0].0).map(|k| k.code());
    assert_eq!(code, Some("SecurityGroupInstanceLimitExceed"));
}

#[test]
fn a_spot_limit_above_the_peak_is_never_interrupted() {
    let text = spot_scenario().replace(r#""SpotPriceLimit": "0.2""#, r#""SpotPriceLimit": "0.35""#);
    let r = run(&text, &Options::default());
    let s = &r.costs.as_ref().unwrap().spot[0];
    close(s.interruptions, 0.0);
    // 08:00-14:00: 2 h at 0.10, 2 h at 0.30, 2 h at 0.10.
    close(s.spot_cost, 10.0 * (4.0 * 0.10 + 2.0 * 0.30));
    let code = ecsim::sim::trial::code_key(r.stats[1].answers[0].0).map(|k| k.code());
    assert_eq!(code, Some("SecurityGroupInstanceLimitExceed"));
}

#[test]
fn a_synthetic_market_varies_by_trial_and_stays_under_pay_as_you_go() {
    // No trace for ecs.g7.xlarge in zone i: a synthetic market, drawn per trial.
    let text = format!(
        r#"{{"horizon": "2d", "trials": 30, "timeline": [
            {{"at": "+0m", "request": {r}}}]}}"#,
        r = req(r#""InstanceType": "ecs.g7.xlarge", "SpotStrategy": "SpotAsPriceGo", "Amount": 3"#)
            .replace(r#""InstanceType": "ecs.g7.large", "#, "")
    );
    let r = run(&text, &Options::default());
    assert_eq!(r.stats[0].answers, vec![(0, 30)]);
    let c = r.costs.as_ref().unwrap();
    let s = &c.spot[0];
    assert!(s.spot_cost > 0.0 && s.spot_cost < s.payg_cost, "{s:?}");
    let compute = &c.currencies[0].summary.compute;
    assert!(compute.p99 > compute.p50, "trials differ: {compute:?}");
}

#[test]
fn costs_do_not_depend_on_the_thread_count() {
    let s = ecsim::scenario::sweep::load_expanded(Path::new("scenarios/internet-billing.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        trials: Some(40),
        ..Options::default()
    };
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| sim::run(&s, &opts));
    let two = pool(2).install(|| sim::run(&s, &opts));
    assert_eq!(
        ecsim::report::costs::costs_csv(&one),
        ecsim::report::costs::costs_csv(&two)
    );
    assert_eq!(
        ecsim::report::costs::internet_csv(&one),
        ecsim::report::costs::internet_csv(&two)
    );
    let c = one[0].costs.as_ref().unwrap();
    let web = &c.currencies[0].summary.pay_by_traffic;
    assert!(
        web.p99 > web.p50,
        "LogNormal traffic varies by trial: {web:?}"
    );
}

#[test]
fn an_uncertain_traffic_level_spreads_the_bill_around_the_same_mean() {
    // 4 instances at 100 Mbps for 24 h on PayByTraffic, 1 GB per instance-hour: 96 GB,
    // 76.80 CNY when certain. With a per-trial level of sigma 0.5 (mean 1) the bill spreads.
    let text = |u: f64| {
        format!(
            // Before CDT's free allowance (docs/billing.md): the bill is linear in the traffic.
            r#"{{"start": "2025-01-01T00:00:00Z", "horizon": "24h", "trials": 400,
              "costs": {{"traffic": {{"constant_gb_per_hour": 1.0}}, "traffic_uncertainty": {u}}},
              "timeline": [{{"at": "+0m", "request": {r}}}]}}"#,
            r = req(r#""InternetMaxBandwidthOut": 100, "Amount": 4"#)
        )
    };
    let certain = run(&text(0.0), &Options::default());
    let t = &certain.costs.as_ref().unwrap().currencies[0]
        .summary
        .pay_by_traffic;
    close(t.p50, 76.8);
    close(t.p99, 76.8);
    let unsure = run(&text(0.5), &Options::default());
    let u = &unsure.costs.as_ref().unwrap().currencies[0]
        .summary
        .pay_by_traffic;
    assert!((u.mean - 76.8).abs() < 0.06 * 76.8, "mean {}", u.mean);
    // Log-normal level: median exp(-sigma^2/2) = 0.8825 of the mean, P95 exp(1.645 s - s^2/2).
    assert!((u.p50 / 76.8 - 0.8825).abs() < 0.06, "p50 {}", u.p50);
    assert!((u.p95 / 76.8 - 2.0063).abs() < 0.2, "p95 {}", u.p95);
}

#[test]
fn a_missing_price_leaves_those_requests_out_with_one_warning() {
    let text = format!(
        r#"{{"horizon": "2h", "trials": 3, "timeline": [
            {{"at": "+0m", "request": {a}}},
            {{"at": "+1m", "request": {a}}},
            {{"at": "+2m", "request": {b}}}]}}"#,
        a = req(r#""Amount": 1"#),
        b = req(r#""InstanceType": "ecs.c7.large", "Amount": 2"#)
            .replace(r#""InstanceType": "ecs.g7.large", "#, "")
    );
    let mut s = file::parse("costs.json", &text, Path::new(".")).unwrap();
    let mut prices = (*s.costs.prices).clone();
    prices
        .regions
        .get_mut("cn-hangzhou")
        .unwrap()
        .instance_types
        .remove("ecs.g7.large");
    s.costs.prices = std::sync::Arc::new(prices);
    let r = sim::run(&[s], &Options::default()).remove(0);
    // The replay is unaffected: every request is answered and creates its instances.
    assert!(r.stats.iter().all(|st| st.answers == vec![(0, 3)]));
    let c = r.costs.as_ref().unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].contains("ecs.g7.large"), "{}", c.warnings[0]);
    // Only the two ecs.c7.large (144 x 2 / 720 = 0.40 CNY/h) from +2m to the 2 h horizon are priced.
    close(
        c.currencies[0].summary.compute.p50,
        2.0 * 0.40 * (118.0 / 60.0),
    );
    let text = String::from_utf8(ecsim::report::replay::summary(std::slice::from_ref(&r))).unwrap();
    assert!(
        text.contains("cost warning:") && text.contains("left out"),
        "{text}"
    );
}

#[test]
fn sweep_variants_share_their_random_numbers() {
    // Common random numbers: both variants draw the same per-trial traffic levels, so doubling
    // the traffic doubles every trial's PayByTraffic bill exactly (the cap never binds).
    let dir = std::env::temp_dir().join(format!("ecsim-it-crn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("crn.json");
    std::fs::write(
        &path,
        format!(
            // Before CDT's free allowance (docs/billing.md): the bill is linear in the traffic.
            r#"{{"name": "crn", "start": "2025-01-01T00:00:00Z", "horizon": "24h", "trials": 50,
              "costs": {{"traffic": {{"constant_gb_per_hour": 1.0}}, "traffic_uncertainty": 0.5}},
              "sweep": {{"traffic_scale": [1, 2]}},
              "timeline": [{{"at": "+0m", "request": {r}}}]}}"#,
            r = req(r#""InternetMaxBandwidthOut": 100, "Amount": 4"#)
        ),
    )
    .unwrap();
    let variants = ecsim::scenario::sweep::load_expanded(&path).unwrap();
    assert_eq!(variants[1].name, "crn[traffic_scale=2]");
    let r = sim::run(&variants, &Options::default());
    let traffic = |i: usize| {
        r[i].costs.as_ref().unwrap().currencies[0]
            .summary
            .pay_by_traffic
    };
    let (one, two) = (traffic(0), traffic(1));
    assert!(
        one.p95 > one.p50 * 1.2,
        "the level varies by trial: {one:?}"
    );
    for (a, b) in [(one.p50, two.p50), (one.p95, two.p95), (one.mean, two.mean)] {
        close(b, 2.0 * a);
    }
}
