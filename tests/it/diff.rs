//! `ecsim diff OLD NEW`: two runs of a shipped scenario with a changed quota, from their
//! output directories and from their JSON, with `--fail-on` gates, through the real binary.

use crate::support::{ecsim, stderr, stdout};

fn tmp(name: &str) -> String {
    let dir = format!("{}/diff-tests/{name}", env!("CARGO_TARGET_TMPDIR"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// quota-wave with its pay-as-you-go vCPU quota raised from 200 to 500 (the accepted
/// baseline: every wave fits) and as shipped (wave-2 is refused), each run once into
/// `DIR/{old,new}` and as `DIR/{old,new}.json`. Returns DIR.
fn two_runs(name: &str) -> String {
    let dir = tmp(name);
    let shipped = std::fs::read_to_string("scenarios/quota-wave.json").unwrap();
    let raised = shipped.replacen(
        r#""MaxPostpaidInstanceVcpuCount": 200"#,
        r#""MaxPostpaidInstanceVcpuCount": 500"#,
        1,
    );
    assert_ne!(shipped, raised, "the shipped scenario sets the quota");
    for (side, body) in [("old", &raised), ("new", &shipped)] {
        std::fs::create_dir_all(format!("{dir}/{side}-src")).unwrap();
        let path = format!("{dir}/{side}-src/quota-wave.json");
        std::fs::write(&path, body).unwrap();
        let out = format!("{dir}/{side}");
        let o = ecsim(
            &[
                "run",
                "--format",
                "json",
                "--no-charts",
                "--trials",
                "50",
                "--out",
                &out,
                &path,
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::write(format!("{dir}/{side}.json"), &o.stdout).unwrap();
    }
    dir
}

#[test]
fn a_lowered_quota_shows_as_more_failures_and_fails_the_gate() {
    let dir = two_runs("quota");
    let (old, new) = (format!("{dir}/old"), format!("{dir}/new"));
    let o = ecsim(&["diff", &old, &new], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "no --fail-on: exit 0\n{}",
        stderr(&o)
    );
    let text = stdout(&o);
    assert!(text.contains("quota-wave (50 -> 50 trials)"), "{text}");
    let quota = text
        .lines()
        .find(|l| l.trim_start().starts_with("QuotaExceed.AfterpayInstance:"))
        .unwrap_or_else(|| panic!("the quota code's change: {text}"));
    assert!(
        quota.contains(": – -> 100.0% ["),
        "absent before, in every trial after: {quota}"
    );
    assert!(quota.ends_with("(+100.0 pp)"), "{quota}");
    assert!(text.contains("cost P50 (CNY)"), "{text}");

    let o = ecsim(&["diff", "--fail-on", "failure-up", &old, &new], None);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("crossed failure-up: quota-wave"),
        "{}",
        stdout(&o)
    );

    // wave-2's 50 instances no longer fit, so the cost went down: a cost gate does not
    // fire...
    let o = ecsim(&["diff", "--fail-on", "cost-up=5%", &old, &new], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // ...but does the other way round, and the failure gate then does not.
    let o = ecsim(
        &["diff", "--fail-on", "failure-up,cost-up=5%", &new, &old],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let back = stdout(&o);
    assert!(back.contains("crossed cost-up: quota-wave: P50"), "{back}");
    assert!(!back.contains("crossed failure-up"), "{back}");
}

#[test]
fn directories_and_json_files_give_the_same_diff() {
    let dir = two_runs("forms");
    let figures = |a: &str, b: &str| {
        let o = ecsim(&["diff", "--format", "json", a, b], None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["schema_version"], 1);
        v["old"] = serde_json::Value::Null;
        v["new"] = serde_json::Value::Null;
        v
    };
    let from_dirs = figures(&format!("{dir}/old"), &format!("{dir}/new"));
    let from_json = figures(&format!("{dir}/old.json"), &format!("{dir}/new.json"));
    let mixed = figures(&format!("{dir}/old"), &format!("{dir}/new.json"));
    let s = &from_dirs["scenarios"][0];
    assert!(s["any_failure_change"].as_f64().unwrap() > 0.0, "{s}");
    assert!(s["codes"].as_array().unwrap().iter().any(|c| c["code"]
        == "QuotaExceed.AfterpayInstance"
        && c["change"].as_f64().unwrap() > 0.0));
    // P90 and P99 come from costs.csv and from the JSON alike.
    let percentiles: Vec<&str> = s["cost"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["percentile"].as_str().unwrap())
        .collect();
    assert_eq!(percentiles, ["P50", "P90", "P95", "P99"]);
    assert_eq!(from_dirs, from_json);
    assert_eq!(from_dirs, mixed);

    let text = std::fs::read_to_string(format!(
        "{}/docs/schema/diff.schema.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let v = jsonschema::draft7::new(&schema).unwrap();
    let o = ecsim(
        &[
            "diff",
            "--format",
            "json",
            &format!("{dir}/old"),
            &format!("{dir}/new"),
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let errs: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errs.is_empty(), "{errs:?}");
}

#[test]
fn markdown_diff_is_a_table_per_scenario() {
    let dir = two_runs("markdown");
    let o = ecsim(
        &[
            "diff",
            "--format",
            "markdown",
            "--fail-on",
            "new-code",
            &format!("{dir}/old"),
            &format!("{dir}/new"),
        ],
        None,
    );
    let md = stdout(&o);
    assert!(md.starts_with("## ecsim diff\n"), "{md}");
    assert!(md.contains("### `quota-wave` (50 → 50 trials)"), "{md}");
    assert!(md.contains("| measure | old | new | change |"), "{md}");
    assert!(md.contains("| trials with a failure |"), "{md}");
    // The quota's code is new in the second run.
    assert_eq!(o.status.code(), Some(1), "{md}");
    assert!(
        md.contains("- new-code: quota-wave: QuotaExceed.AfterpayInstance"),
        "{md}"
    );
}

#[test]
fn bad_inputs_name_the_file_and_exit_2() {
    let dir = tmp("bad");
    let not_json = format!("{dir}/x.json");
    std::fs::write(&not_json, "{\"scenarios\": [\n  {\"name\": 1}\n]}\n").unwrap();
    let o = ecsim(&["diff", &not_json, &not_json], None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("x.json:2:"), "file:line:col: {e}");
    assert!(e.contains("ecsim run --format json"), "the fix: {e}");

    let empty = format!("{dir}/empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = ecsim(&["diff", &empty, &empty], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no manifest"), "{}", stderr(&o));

    let o = ecsim(&["diff", &format!("{dir}/missing"), &empty], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing"), "{}", stderr(&o));

    let o = ecsim(&["diff", "--fail-on", "cost-up=lots", &empty, &empty], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cost-up=5%"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}
