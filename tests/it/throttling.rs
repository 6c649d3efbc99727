//! API rate limits (docs/throttling.md): the account's call bucket (Throttling.User) and
//! instance bucket (Throttling.Resource), through `run` (the library and the binary), `serve`
//! over HTTP, and `check`, which has none.

use std::path::Path;

use ecsim::catalog::ErrorKey;
use ecsim::scenario::file;
use ecsim::sim::{self, Kind, Options, ScenarioReport};

use crate::serve::{assert_error_shape, http, ids, run as serve_run};
use crate::support::{ecsim, json_lines, request, start_server, stderr, stdout, AT};

const REQ: &str = r#""RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k", "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd""#;

/// A scenario over the default world with `account` merged into its Account, the retry
/// policy `retry`, and requests at `(offset, extra parameters)`.
fn replay(account: &str, retry: &str, requests: &[(&str, &str)]) -> ScenarioReport {
    replay_in("", account, retry, requests)
}

fn replay_in(
    edition: &str,
    account: &str,
    retry: &str,
    requests: &[(&str, &str)],
) -> ScenarioReport {
    let timeline: Vec<String> = requests
        .iter()
        .map(|(at, extra)| {
            let extra = if extra.is_empty() {
                String::new()
            } else {
                format!(", {extra}")
            };
            format!(r#"{{"at": "{at}", "request": {{{REQ}{extra}}}}}"#)
        })
        .collect();
    let edition = if edition.is_empty() {
        String::new()
    } else {
        format!(r#""edition": "{edition}","#)
    };
    let text = format!(
        r#"{{{edition} "world": [{{"Account": {account}}}], "trials": 3, "horizon": "1h",
            "retry": {retry}, "timeline": [{}]}}"#,
        timeline.join(",")
    );
    let s = file::parse("throttle.json", &text, Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
    sim::run(&[s], &Options::default()).remove(0)
}

/// Every attempt of the first trial: (request, attempt, seconds, answer code or "").
fn attempts(r: &ScenarioReport) -> Vec<(u32, u8, i64, &'static str)> {
    r.logs[0]
        .1
        .iter()
        .map(|a| {
            let code = match (&a.violation, a.kind) {
                (Some(v), _) => v.key.code(),
                (None, Kind::DryRun) => "DryRunOperation",
                (None, _) => "",
            };
            (a.seq, a.attempt, a.at, code)
        })
        .collect()
}

/// The final answer of each request in the first trial ("" for instances created).
fn finals(r: &ScenarioReport) -> Vec<&'static str> {
    (0..r.requests.len() as u32)
        .map(|seq| {
            attempts(r)
                .into_iter()
                .rfind(|a| a.0 == seq)
                .map_or("-", |a| a.3)
        })
        .collect()
}

const ONE_A_SECOND_BURST_3: &str =
    r#"{"RunInstancesRateLimit": {"CallsPerSecond": 1.0, "Burst": 3}}"#;
const NO_RETRY: &str = r#"{"attempts": 1}"#;

#[test]
fn the_call_bucket_refuses_past_its_burst_and_refills_over_time() {
    let r = replay(
        ONE_A_SECOND_BURST_3,
        NO_RETRY,
        &[
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
            // Two seconds earn two tokens.
            ("+2s", ""),
            ("+2s", ""),
            ("+2s", ""),
        ],
    );
    let user = "Throttling.User";
    assert_eq!(
        finals(&r),
        ["", "", "", user, user, "", "", user],
        "{:?}",
        attempts(&r)
    );
    // Every trial alike; the throttled requests created nothing.
    assert_eq!(r.stats[3].created, 0);
    assert_eq!(r.stats[5].created, 3);
    let c = r
        .codes
        .iter()
        .find(|c| c.key == ErrorKey::ThrottlingUser)
        .unwrap();
    assert_eq!((c.count, c.trials_affected), (9, 3));
    assert_eq!(ErrorKey::ThrottlingUser.http_status(), 400);
    // The answer names the bucket.
    let refused = r.logs[0].1.iter().find(|a| a.violation.is_some()).unwrap();
    let bound = refused
        .violation
        .as_ref()
        .unwrap()
        .bound
        .as_deref()
        .unwrap();
    assert_eq!(
        (bound.limit.as_str(), bound.room),
        ("throttle:RunInstances:calls", 0)
    );
}

#[test]
fn a_call_refused_for_its_parameters_still_takes_a_call_token() {
    // The first call is malformed (Amount 0); it still counts against the account's rate.
    let r = replay(
        ONE_A_SECOND_BURST_3,
        NO_RETRY,
        &[
            ("+0s", r#""Amount": 0"#),
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
        ],
    );
    let f = finals(&r);
    assert!(!f[0].is_empty() && f[0] != "Throttling.User", "{f:?}");
    assert_eq!(&f[1..], ["", "", "Throttling.User"]);
}

#[test]
fn retries_absorb_throttling_with_the_policy_backoff() {
    let r = replay(
        ONE_A_SECOND_BURST_3,
        r#"{"attempts": 3, "backoff": "2s"}"#,
        &[
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
        ],
    );
    assert_eq!(finals(&r), ["", "", "", "", ""]);
    let retried: Vec<_> = attempts(&r).into_iter().filter(|a| a.0 >= 3).collect();
    assert_eq!(
        retried,
        [
            (3, 1, 0, "Throttling.User"),
            (4, 1, 0, "Throttling.User"),
            (3, 2, 2, ""),
            (4, 2, 2, ""),
        ]
    );
    assert!(r.codes.is_empty(), "{:?}", r.codes);
    assert_eq!(r.stats[3].attempts, 2 * 3);

    // Too few attempts: the last retry is throttled too and stays the final answer.
    let r = replay(
        ONE_A_SECOND_BURST_3,
        r#"{"attempts": 2, "backoff": "1s"}"#,
        &[
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
            ("+0s", ""),
        ],
    );
    assert_eq!(finals(&r), ["", "", "", "", "Throttling.User"]);
}

#[test]
fn the_instance_bucket_answers_throttling_resource() {
    let r = replay(
        r#"{"RunInstancesResourceRateLimit": {"InstancesPerSecond": 1.0, "Burst": 10}}"#,
        NO_RETRY,
        &[
            ("+0s", r#""Amount": 6"#),
            // A dry run creates nothing and takes no instance token.
            ("+0s", r#""Amount": 6, "DryRun": "true""#),
            ("+0s", r#""Amount": 6"#),
            ("+0s", r#""Amount": 4"#),
            // Six seconds earn six instances.
            ("+6s", r#""Amount": 6"#),
        ],
    );
    let res = "Throttling.Resource";
    assert_eq!(finals(&r), ["", "DryRunOperation", res, "", ""]);
    let refused = &r.logs[0].1[2];
    let v = refused.violation.as_ref().unwrap();
    assert_eq!(v.key, ErrorKey::ThrottlingResource);
    assert_eq!(v.key.http_status(), 429);
    let b = v.bound.as_deref().unwrap();
    assert_eq!(
        (b.limit.as_str(), b.room, b.asked),
        ("throttle:RunInstances:instances", 4, 6)
    );
    assert_eq!(r.stats[2].created, 0);
    assert_eq!(r.stats[4].created, 6 * 3);
}

#[test]
fn the_reference_edition_models_no_rate_limits() {
    let r = replay_in(
        "reference-2018",
        r#"{"RunInstancesRateLimit": {"CallsPerSecond": 1.0, "Burst": 1},
            "RunInstancesResourceRateLimit": {"InstancesPerSecond": 1.0, "Burst": 1}}"#,
        NO_RETRY,
        &[("+0s", ""), ("+0s", ""), ("+0s", "")],
    );
    assert!(
        finals(&r).iter().all(|c| !c.starts_with("Throttling")),
        "{:?}",
        finals(&r)
    );
}

#[test]
fn check_answers_one_request_at_an_instant_without_throttling() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("throttled.json");
    std::fs::write(
        &path,
        r#"{"Account": {"RunInstancesRateLimit": {"CallsPerSecond": 0.001, "Burst": 1},
            "RunInstancesResourceRateLimit": {"InstancesPerSecond": 0.001, "Burst": 1}}}"#,
    )
    .unwrap();
    let o = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--json",
            "--world",
            path.to_str().unwrap(),
            "-",
        ],
        Some(&request(&[("Amount", "5")])),
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(json_lines(&o)[0]["ok"], true, "{}", stdout(&o));
}

#[test]
fn a_bad_rate_limit_is_an_input_error_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"Account": {"RunInstancesRateLimit": {"CallsPerSecond": -1, "Burst": 10}}}"#,
    )
    .unwrap();
    let o = ecsim(
        &["check", "--world", path.to_str().unwrap(), "-"],
        Some(&request(&[])),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Account.RunInstancesRateLimit: CallsPerSecond is -1"),
        "{}",
        stderr(&o)
    );
}

fn world_file(dir: &tempfile::TempDir, account: &str) -> String {
    let path = dir.path().join("limits.json");
    std::fs::write(&path, format!(r#"{{"Account": {account}}}"#)).unwrap();
    path.display().to_string()
}

#[test]
fn serve_answers_throttled_calls_with_the_error_shape_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let world = world_file(
        &dir,
        r#"{"RunInstancesRateLimit": {"CallsPerSecond": 1.0, "Burst": 2},
            "RunInstancesResourceRateLimit": {"InstancesPerSecond": 1.0, "Burst": 5}}"#,
    );
    let s = start_server(&["--world", &world]);
    assert_eq!(ids(&serve_run(&s.addr, &[])).len(), 1);
    assert_eq!(ids(&serve_run(&s.addr, &[])).len(), 1);
    assert_error_shape(&serve_run(&s.addr, &[]), "Throttling.User", 400);
    // The manual clock stands still: still empty. One second earns one call.
    assert_error_shape(&serve_run(&s.addr, &[]), "Throttling.User", 400);
    let r = http(&s.addr, "POST", "/_ecsim/clock?advance=1s", &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    // Three instances were left in the instance bucket (5 - 2) and one second added one.
    assert_error_shape(
        &serve_run(&s.addr, &[("Amount", "5")]),
        "Throttling.Resource",
        429,
    );
    let r = http(&s.addr, "POST", "/_ecsim/clock?advance=10s", &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ids(&serve_run(&s.addr, &[("Amount", "4")])).len(), 4);
}

#[test]
fn serve_without_a_rate_limit_never_throttles() {
    let s = start_server(&[]);
    for _ in 0..12 {
        assert_eq!(ids(&serve_run(&s.addr, &[])).len(), 1);
    }
    // Nor in the reference edition, which switches the rule off, whatever the world sets.
    let dir = tempfile::tempdir().unwrap();
    let world = world_file(
        &dir,
        r#"{"RunInstancesRateLimit": {"CallsPerSecond": 1.0, "Burst": 1}}"#,
    );
    let s = start_server(&["--world", &world, "--edition", "reference-2018"]);
    for _ in 0..3 {
        let r = serve_run(&s.addr, &[]);
        assert!(
            r.status == 200 || !r.code().starts_with("Throttling"),
            "{}",
            r.body
        );
    }
}

fn tmp(name: &str) -> String {
    let dir = format!("{}/throttling-tests/{name}", env!("CARGO_TARGET_TMPDIR"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_throttled_wave_meets_its_expectations_and_is_the_same_for_any_thread_count() {
    let outs: Vec<String> = ["1", "2"]
        .iter()
        .map(|threads| {
            let out = tmp(&format!("wave-{threads}"));
            let o = ecsim(
                &[
                    "run",
                    "--check",
                    "--threads",
                    threads,
                    "--trials",
                    "40",
                    "--out",
                    &out,
                    "scenarios/throttled-wave.json",
                ],
                None,
            );
            assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
            assert!(stdout(&o).contains("Throttling.User"), "{}", stdout(&o));
            out
        })
        .collect();
    for f in ["requests.csv", "failures.csv", "timeline.csv"] {
        let a = std::fs::read(format!("{}/{f}", outs[0])).unwrap();
        let b = std::fs::read(format!("{}/{f}", outs[1])).unwrap();
        assert!(a == b, "{f} differs between 1 and 2 threads");
    }
    let requests = std::fs::read_to_string(format!("{}/requests.csv", outs[0])).unwrap();
    assert!(requests.contains("Throttling.Resource,429"), "{requests}");
}
