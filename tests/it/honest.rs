//! Honest requests in `run` (issue 15, item 3): the warnings `check` prints for a request show
//! in the run summary, requests.csv, report.html and `run --json`; `--strict` refuses them; a scenario's
//! problems are reported all at once, each with its place; sweep keys have their own labels.

use crate::support::{ecsim, request, stderr, stdout};

/// A scenario of one request whose `InstanceType` is misspelt `InstanceTpye` (on line 5).
fn misspelt(dir: &std::path::Path) -> String {
    let req = request(&[("InstanceType", ""), ("InstanceTpye", "ecs.g7.large")]);
    let text = format!(
        "{{\n  \"name\": \"typo\",\n  \"trials\": 3,\n  \"timeline\": [\n    {{\"at\": \"+0m\", \"label\": \"web\", \"request\": {req}}}\n  ]\n}}\n"
    );
    let path = dir.join("typo.json");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

const WARNING: &str = "InstanceTpye: not a RunInstances parameter ecsim models; ignored (did you mean \"InstanceType\"?)";

#[test]
fn a_misspelt_parameter_shows_in_the_summary_requests_csv_and_report_html() {
    let dir = tempfile::tempdir().unwrap();
    let path = misspelt(dir.path());
    let out = dir.path().join("out");
    let o = ecsim(
        &["run", "--no-charts", "--out", out.to_str().unwrap(), &path],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The summary names the request's place and the near name.
    let summary = stdout(&o);
    assert!(
        summary.contains(&format!("  warning: {path}:5:")) && summary.contains(WARNING),
        "{summary}"
    );
    // requests.csv: the warnings column, last.
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(headers.iter().next_back(), Some("warnings"));
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(row.get(headers.len() - 1), Some(WARNING));
    // report.html: the scenario's list of request warnings, escaped.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("<h3>Request warnings</h3>"),
        "no warnings list"
    );
    assert!(
        html.contains("InstanceTpye: not a RunInstances parameter ecsim models; ignored (did you mean &quot;InstanceType&quot;?)"),
        "the warning is not in report.html"
    );
    // `run --json`: the scenario's warnings, with the request's place.
    let o = ecsim(
        &[
            "run",
            "--json",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
            &path,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings = &doc["scenarios"][0]["warnings"];
    assert_eq!(warnings.as_array().map(Vec::len), Some(1), "{doc}");
    assert!(
        warnings[0]["request"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{path}:5:")),
        "{warnings}"
    );
    assert_eq!(warnings[0]["message"], WARNING);
}

#[test]
fn check_suggests_the_near_parameter_with_its_own_index() {
    let req = request(&[
        ("DataDisk.2.Sise", "40"),
        ("DataDisk.2.Category", "cloud_essd"),
    ]);
    let o = ecsim(&["check", &req], None);
    let text = stdout(&o);
    assert!(
        text.contains("warning: DataDisk.2.Sise: not a RunInstances parameter ecsim models; ignored (did you mean \"DataDisk.2.Size\"?)"),
        "{text}"
    );
    // A name far from every parameter gets no guess.
    let o = ecsim(&["check", &request(&[("Zzzzzzzzzzzz", "1")])], None);
    assert!(
        stdout(&o).contains("Zzzzzzzzzzzz: not a RunInstances parameter ecsim models; ignored\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn strict_refuses_a_run_with_request_warnings_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = misspelt(dir.path());
    let out = dir.path().join("out");
    let o = ecsim(
        &["run", "--strict", "--out", out.to_str().unwrap(), &path],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("--strict: 1 request warning(s)"), "{err}");
    assert!(err.contains(WARNING), "{err}");
    assert!(!out.exists(), "a refused run wrote {}", out.display());
    // A clean scenario runs under --strict as without it.
    let o = ecsim(
        &[
            "run",
            "--strict",
            "--no-charts",
            "--trials",
            "2",
            "--out",
            out.to_str().unwrap(),
            "scenarios/quota-wave.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Eight mistakes, one of each kind the first reading stopped at one by one.
const EIGHT_TYPOS: &str = r#"{
  "name": "typos",
  "trails": 500,
  "trials": "500",
  "horizon": "2x",
  "retry": {"attempts": 2, "backof": "1m"},
  "faults": {"InternalErorr": 0.01},
  "timeline": [
    {"at": "90m", "request": {"RegionId": "cn-hangzhou"}},
    {"at": "+1h", "lable": "web", "request": {"RegionId": "cn-hangzhou"}, "expect": "QuotaExceed.AfterpayInstanse"}
  ]
}
"#;

#[test]
fn an_eight_typo_scenario_reports_all_eight_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typos.json");
    std::fs::write(&path, EIGHT_TYPOS).unwrap();
    let p = path.to_str().unwrap();
    let o = ecsim(
        &["run", "--out", dir.path().join("out").to_str().unwrap(), p],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let want = [
        format!("{p}:3:3: unknown field \"trails\" (did you mean \"trials\"?)"),
        format!("{p}:4:3: trials: \"500\" is a string; write 500 without quotes"),
        format!("{p}:5:3: horizon \"2x\": use a duration like"),
        format!("{p}:6:28: retry: unknown field \"backof\" (did you mean \"backoff\"?)"),
        format!("{p}:7:14: faults: unknown name \"InternalErorr\" (did you mean \"InternalError\"?)"),
        format!("{p}:9:5: at \"90m\": use an offset from the start"),
        format!("{p}:10:19: timeline[2]: unknown field \"lable\" (did you mean \"label\"?)"),
        format!("{p}:10:5: expect: \"QuotaExceed.AfterpayInstanse\" is not \"ok\" or an error code of the catalog (did you mean \"QuotaExceed.AfterpayInstance\"?)"),
    ];
    for w in &want {
        assert!(err.contains(w.as_str()), "missing {w}\nin\n{err}");
    }
    assert_eq!(want.len(), 8);
    assert!(
        err.contains(&format!("{p}: 8 problems in all; fix them and run again")),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn type_errors_and_a_trailing_comma_are_phrased_for_people() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    let run = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let o = ecsim(
            &[
                "run",
                "--out",
                dir.path().join("out").to_str().unwrap(),
                path.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2));
        stderr(&o)
    };
    let p = path.to_str().unwrap();
    let err = run("{\"trials\": \"500\", \"timeline\": []}");
    assert_eq!(
        err,
        format!("ecsim: {p}:1:2: trials: \"500\" is a string; write 500 without quotes\n")
    );
    let err = run("{\"timeline\": [\n  {\"at\": \"+0m\", \"release\": \"all\"},\n]}");
    assert_eq!(
        err,
        format!("ecsim: {p}:2:34: a trailing comma before `]`: JSON allows none after the last item; remove it\n")
    );
    let err = run("{\"seed\": true, \"timeline\": \"x.csv\", \"retry\": {\"attempts\": 1.5}}");
    assert!(err.contains(&format!("{p}:1:2: seed: true or false where a whole number is expected; write a whole number here")), "{err}");
    assert!(
        err.contains("retry.attempts: 1.5 is not a whole number; write a whole number"),
        "{err}"
    );
}

#[test]
fn errors_of_several_events_come_together() {
    // Each event is read alone: what the schema cannot see (a release of a label no request
    // has) is still reported for every event, not the first only.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.json");
    std::fs::write(
        &path,
        "{\"timeline\": [\n  {\"at\": \"+0m\", \"request\": {\"RegionId\": \"cn-hangzhou\"}, \"release\": \"all\"},\n  {\"at\": \"+1m\", \"expect\": \"ok\", \"release\": \"all\"}\n]}",
    )
    .unwrap();
    let o = ecsim(
        &[
            "run",
            "--out",
            dir.path().join("out").to_str().unwrap(),
            path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let p = path.to_str().unwrap();
    assert!(
        err.contains(&format!(
            "{p}:2:3: an event is a request or a release, not both"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{p}:3:3: expect applies to requests, not releases"
        )),
        "{err}"
    );
    assert!(err.contains("2 problems in all"), "{err}");
}

#[test]
fn a_sweep_key_with_its_own_labels_leaves_the_other_tiers_alone() {
    // The bandwidth sweep of issue 15: PayByBandwidth on the on-demand tier only, not on the
    // spot tier, which failed in every trial when the one `labels` filter covered both keys.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sweep.json");
    let web = request(&[("InternetMaxBandwidthOut", "5")]);
    let spot = request(&[("SpotStrategy", "SpotAsPriceGo")]);
    std::fs::write(
        &path,
        format!(
            "{{\"name\": \"bw\", \"trials\": 2, \"sweep\": {{\"labels\": [\"web\", \"spot\"], \"seed\": [1], \"InternetMaxBandwidthOut\": [5, 10], \"InternetChargeType\": {{\"values\": [\"PayByBandwidth\"], \"labels\": [\"web\"]}}}},\n\"timeline\": [{{\"at\": \"+0m\", \"label\": \"web\", \"request\": {web}}}, {{\"at\": \"+0m\", \"label\": \"spot\", \"request\": {spot}}}]}}"
        ),
    )
    .unwrap();
    let variants = ecsim::scenario::sweep::load_expanded(&path).unwrap();
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "bw[seed=1,InternetMaxBandwidthOut=5,InternetChargeType=PayByBandwidth]",
            "bw[seed=1,InternetMaxBandwidthOut=10,InternetChargeType=PayByBandwidth]"
        ]
    );
    let param = |event: usize, name: &str| {
        let ecsim::scenario::EventKind::Request { raw, .. } = &variants[1].events[event].kind
        else {
            panic!("a request")
        };
        raw.get(name).map(str::to_string)
    };
    // The old single `labels` still reaches both tiers for the keys without their own.
    assert_eq!(param(0, "InternetMaxBandwidthOut").as_deref(), Some("10"));
    assert_eq!(param(1, "InternetMaxBandwidthOut").as_deref(), Some("10"));
    // The key with its own labels sets the web tier only.
    assert_eq!(
        param(0, "InternetChargeType").as_deref(),
        Some("PayByBandwidth")
    );
    assert_eq!(param(1, "InternetChargeType"), None);
}
