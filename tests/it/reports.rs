//! Charts, report.html, comparison.csv, sweeps and `run --json`, through the real binary.

use crate::support::{ecsim, request, stderr, stdout};

fn tmp(name: &str) -> String {
    let dir = format!("{}/reports-tests/{name}", env!("CARGO_TARGET_TMPDIR"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The PNG's width and height, after checking the signature and decoding the header.
fn png_size(path: &str) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{path}");
    let mut reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("the image data decodes");
    (info.width, info.height)
}

/// Balanced tags, crudely: every `<name` opened is closed by `</name>` or `/>`.
fn assert_xmlish(svg: &str) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
    assert!(svg.trim_end().ends_with("</svg>"));
    let opens = svg.matches('<').count();
    let closes = svg.matches('>').count();
    assert_eq!(opens, closes);
}

const SHIPPED: [&str; 5] = [
    "scenarios/prelaunch-review.json",
    "scenarios/quota-wave.json",
    "scenarios/sg-fill.json",
    "scenarios/stockout-fallback.json",
    "scenarios/spreadsheet.csv",
];

#[test]
fn the_main_command_writes_every_chart_the_page_and_the_comparison() {
    let out = tmp("main");
    let mut args = vec!["run", "--trials", "20", "--out", &out];
    args.extend(SHIPPED);
    let o = ecsim(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("report.html"), "{}", stderr(&o));

    let stems = [
        "prelaunch-review.failures",
        "prelaunch-review.usage",
        "quota-wave.failures",
        "quota-wave.usage",
        "sg-fill.usage",
        "stockout-fallback.failures",
        "stockout-fallback.usage",
        "spreadsheet.usage",
        "comparison",
    ];
    for stem in stems {
        assert_eq!(png_size(&format!("{out}/charts/{stem}.png")), (1000, 560));
        assert_xmlish(&read(&format!("{out}/charts/{stem}.svg")));
    }
    let usage = read(&format!("{out}/charts/quota-wave.usage.svg"));
    for want in [
        "quota:cn-hangzhou:vcpus",
        "p50..p99 band",
        "mean",
        "p90",
        "limit",
        "hours since start",
        "vCPUs",
    ] {
        assert!(usage.contains(want), "usage chart lacks {want}");
    }
    let failures = read(&format!("{out}/charts/quota-wave.failures.svg"));
    assert!(failures.contains("QuotaExceed.AfterpayInstance"));
    assert!(failures.contains("trials in which some request got the code (%)"));

    let page = read(&format!("{out}/report.html"));
    assert!(page.starts_with("<!DOCTYPE html>"));
    for want in [
        "<table class=\"comparison\">",
        "<table class=\"failures\">",
        "<table class=\"expectations\">",
        "<table class=\"inputs\">",
        "id=\"chart-comparison\"",
        "id=\"chart-quota-wave.usage\"",
        "id=\"s-stockout-fallback\"",
        "OperationDenied.NoStock",
    ] {
        assert!(page.contains(want), "report.html lacks {want}");
    }
    let svgs = std::fs::read_dir(format!("{out}/charts"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "svg")
        .count();
    assert_eq!(svgs, 11);
    assert_eq!(page.matches("<svg").count(), svgs);
    // self-contained: no scripts, stylesheets, images or frames fetched
    for banned in ["<script", "<link", "src=", "<iframe", "@import", "url("] {
        assert!(!page.contains(banned), "report.html has {banned}");
    }

    let csv = read(&format!("{out}/comparison.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(
        lines[0].starts_with("scenario,trials,requests,failed_answers,failed_share,p_any_failure")
    );
    assert!(lines[0].contains(",p:QuotaExceed.AfterpayInstance"));
    assert!(lines[2].starts_with("quota-wave,20,4,20,0.25,1.0,4,0,"));
}

#[test]
fn outputs_are_the_same_bytes_for_any_thread_count() {
    let files = |threads: &str| {
        let out = tmp(&format!("threads-{threads}"));
        let o = ecsim(
            &[
                "run",
                "--trials",
                "10",
                "--threads",
                threads,
                "--out",
                &out,
                SHIPPED[1],
                SHIPPED[3],
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        [
            "report.html",
            "comparison.csv",
            "charts/quota-wave.usage.png",
            "charts/comparison.svg",
        ]
        .map(|f| std::fs::read(format!("{out}/{f}")).unwrap())
    };
    assert!(files("1") == files("3"));
}

#[test]
fn the_page_shows_inputs_without_secrets() {
    let dir = tmp("secrets");
    let req = request(&[
        ("Password", "Sup3r$ecretPw!"),
        ("UserData", "ZWNobyBzZWNyZXQ="),
    ]);
    let scenario = format!(
        r#"{{"name": "secret", "trials": 3, "timeline": [{{"at": "+0m", "label": "one", "request": {req}}}]}}"#
    );
    let path = format!("{dir}/secret.json");
    std::fs::write(&path, scenario).unwrap();
    let out = format!("{dir}/out");
    let o = ecsim(&["run", "--out", &out, &path], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = read(&format!("{out}/report.html"));
    assert!(page.contains("Password=***") && page.contains("UserData=***"));
    assert!(page.contains("InstanceType=ecs.g7.large"));
    for entry in std::fs::read_dir(&out)
        .unwrap()
        .chain(std::fs::read_dir(format!("{out}/charts")).unwrap())
    {
        let p = entry.unwrap().path();
        if p.is_dir() {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Sup3r$ecretPw!") && !text.contains("ZWNobyBzZWNyZXQ="),
            "{}",
            p.display()
        );
    }
    // one scenario: no comparison section or chart, the table still written
    assert!(!page.contains("id=\"comparison\""));
    assert_eq!(read(&format!("{out}/comparison.csv")).lines().count(), 2);
}

#[test]
fn sweeps_expand_into_named_variants_run_and_compared() {
    let dir = tmp("sweep");
    let req = request(&[("InternetChargeType", "PayByTraffic"), ("Amount", "2")]);
    let scenario = format!(
        r#"{{"name": "bw", "trials": 5,
            "sweep": {{"InternetMaxBandwidthOut": [5, 100, 1000], "Amount": [1, 3], "labels": ["web"]}},
            "timeline": [{{"at": "+0m", "label": "web", "request": {req}}},
                         {{"at": "+1m", "label": "other", "request": {req}}}]}}"#
    );
    let path = format!("{dir}/bw.json");
    std::fs::write(&path, scenario).unwrap();
    let out = format!("{dir}/out");
    let o = ecsim(
        &["run", "--json", "--no-charts", "--out", &out, &path],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).expect("--json prints one JSON document");
    let names: Vec<&str> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let want = [
        "bw[InternetMaxBandwidthOut=5,Amount=1]",
        "bw[InternetMaxBandwidthOut=5,Amount=3]",
        "bw[InternetMaxBandwidthOut=100,Amount=1]",
        "bw[InternetMaxBandwidthOut=100,Amount=3]",
        "bw[InternetMaxBandwidthOut=1000,Amount=1]",
        "bw[InternetMaxBandwidthOut=1000,Amount=3]",
    ];
    assert_eq!(names, want);
    let csv = std::fs::read(format!("{out}/comparison.csv")).unwrap();
    let rows: Vec<String> = csv::Reader::from_reader(csv.as_slice())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(rows, want);
    // 1000 Mbit/s is out of range for the swept request only: the variant fails, others pass
    let failed = |i: usize| v["scenarios"][i]["failed_answers"].as_u64().unwrap();
    assert_eq!(failed(0), 0);
    assert!(failed(4) >= 5, "{}", stdout(&o));
    let page = read(&format!("{out}/report.html"));
    assert!(page.contains("bw[InternetMaxBandwidthOut=100,Amount=3]"));
    assert!(!page.contains("<svg"), "--no-charts");
    assert!(!std::path::Path::new(&format!("{out}/charts")).exists());
}

#[test]
fn json_summary_has_codes_probabilities_and_expectations() {
    let out = tmp("json");
    let o = ecsim(
        &["run", "--json", "--trials", "10", "--out", &out, SHIPPED[1]],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = &v["scenarios"][0];
    assert_eq!(s["name"], "quota-wave");
    assert_eq!(s["trials"], 10);
    assert_eq!(s["requests"], 4);
    assert_eq!(s["answers"], 40);
    let code = &s["codes"][0];
    assert_eq!(code["code"], "QuotaExceed.AfterpayInstance");
    assert_eq!(code["http_status"], 400);
    assert_eq!(code["failure"], true);
    assert_eq!(code["probability"], 1.0);
    let e = &s["expectations"][1];
    assert_eq!(e["label"], "wave-2");
    assert_eq!(e["met"], true);
    assert!(e["expected"]
        .as_str()
        .unwrap()
        .starts_with("QuotaExceed.AfterpayInstance"));
}
