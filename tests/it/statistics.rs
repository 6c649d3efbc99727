//! Uncertainty: expectations judged with confidence, and `--precision` runs (docs/statistics.md).

use std::path::Path;

use ecsim::scenario::file;
use ecsim::sim::{self, Options};

use crate::support::{ecsim, stderr, stdout};

/// One request that always succeeds, with `expect`, over `trials` trials.
fn always_ok(expect: &str, trials: u32) -> String {
    format!(
        r#"{{"trials": {trials}, "horizon": "1h", "timeline": [{{"at": "+0m", "expect": {expect},
        "request": {{"RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd",
        "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k",
        "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd"}}}}]}}"#
    )
}

fn met(expect: &str, trials: u32) -> bool {
    let s = file::parse("t.json", &always_ok(expect, trials), Path::new(".")).unwrap();
    let r = sim::run(&[s], &Options::default()).remove(0);
    assert_eq!(r.expectations[0].observed, 1.0);
    r.expectations[0].met
}

#[test]
fn an_expectation_with_confidence_is_judged_on_the_interval_bound() {
    // 100 of 100 trials ok. The exact lower bound at 95 %: 0.05^(1/100) = 0.97049; at 99 %:
    // 0.01^(1/100) = 0.95499. The point estimate is 1.
    assert!(met(r#"{"code": "ok", "probability": [0.98, 1.0]}"#, 100));
    assert!(met(
        r#"{"code": "ok", "probability": [0.97, 1.0], "confidence": 0.95}"#,
        100
    ));
    assert!(!met(
        r#"{"code": "ok", "probability": [0.98, 1.0], "confidence": 0.95}"#,
        100
    ));
    assert!(!met(
        r#"{"code": "ok", "probability": [0.97, 1.0], "confidence": 0.99}"#,
        100
    ));
    // 400 trials: 0.05^(1/400) = 0.99254, enough for "at least 99 % at 95 %".
    assert!(!met(
        r#"{"code": "ok", "probability": [0.99, 1.0], "confidence": 0.95}"#,
        100
    ));
    assert!(met(
        r#"{"code": "ok", "probability": [0.99, 1.0], "confidence": 0.95}"#,
        400
    ));
}

#[test]
fn a_bad_confidence_is_placed_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.json");
    std::fs::write(&p, always_ok(r#"{"code": "ok", "confidence": 95}"#, 10)).unwrap();
    let out = dir.path().join("out");
    let o = ecsim(
        &["run", "--out", out.to_str().unwrap(), p.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("c.json:") && e.contains("such as 0.95"), "{e}");
}

fn precise_run(threads: &str, out: &Path) -> (String, serde_json::Value) {
    let o = ecsim(
        &[
            "run",
            "--precision",
            "5pp",
            "--threads",
            threads,
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
            "scenarios/stockout-fallback.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = ecsim(
        &[
            "run",
            "--precision",
            "5pp",
            "--threads",
            threads,
            "--no-charts",
            "--json",
            "--out",
            out.join("json").to_str().unwrap(),
            "scenarios/stockout-fallback.json",
        ],
        None,
    );
    (stdout(&o), serde_json::from_slice(&j.stdout).unwrap())
}

#[test]
fn precision_mode_stops_within_its_target_on_whole_batches() {
    let dir = tempfile::tempdir().unwrap();
    let (text, v) = precise_run("2", &dir.path().join("a"));
    let s = &v["scenarios"][0];
    let p = &s["precision"];
    assert_eq!(p["reason"], "precise", "{p}");
    let trials = s["trials"].as_u64().unwrap();
    assert_eq!(trials % 100, 0);
    assert!(trials > 100 && trials < 100_000, "{trials}");
    assert!(p["widest"].as_f64().unwrap() <= 0.05);
    let half =
        |i: &serde_json::Value| (i["hi"].as_f64().unwrap() - i["lo"].as_f64().unwrap()) / 2.0;
    assert!(half(&s["p_any_failure_interval"]) <= 0.05);
    for c in s["codes"].as_array().unwrap() {
        assert!(half(&c["probability_interval"]) <= 0.05, "{c}");
    }
    for e in s["expectations"].as_array().unwrap() {
        assert!(half(&e["observed_interval"]) <= 0.05, "{e}");
    }
    assert!(
        text.contains(&format!("precision: stopped after {trials} trial(s)")),
        "{text}"
    );
}

#[test]
fn precision_runs_are_byte_identical_for_one_and_four_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("one"), dir.path().join("four"));
    let (ta, ja) = precise_run("1", &a);
    let (tb, jb) = precise_run("4", &b);
    assert_eq!(ja, jb);
    let strip = |t: &str, d: &Path| t.replace(d.to_str().unwrap(), "OUT");
    assert_eq!(strip(&ta, &a), strip(&tb, &b));
    for f in [
        "failures.csv",
        "costs.csv",
        "spot.csv",
        "timeline.csv",
        "requests.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}
