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
    assert!(stdout(&o).contains("report.html"), "{}", stdout(&o));

    let stems = [
        "prelaunch-review.failures",
        "prelaunch-review.usage",
        "quota-wave.failures",
        "quota-wave.usage",
        "sg-fill.failures",
        "sg-fill.usage",
        "stockout-fallback.failures",
        "stockout-fallback.usage",
        "spreadsheet.failures",
        "spreadsheet.usage",
        "comparison",
        "comparison-cost",
    ];
    let scenarios = [
        "prelaunch-review",
        "quota-wave",
        "sg-fill",
        "stockout-fallback",
        "spreadsheet",
    ];
    let cost_stems: Vec<String> = scenarios
        .iter()
        .flat_map(|s| {
            [
                format!("{s}.cost-distribution"),
                format!("{s}.cost-breakdown"),
            ]
        })
        .collect();
    let stems: Vec<&str> = stems
        .into_iter()
        .chain(cost_stems.iter().map(String::as_str))
        .collect();
    for &stem in &stems {
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
    let distribution = read(&format!(
        "{out}/charts/stockout-fallback.cost-distribution.svg"
    ));
    for want in [
        "stockout-fallback: total cost over the horizon (CNY), 20 trials",
        "total cost over the horizon (CNY)",
        "P50",
        "P95",
    ] {
        assert!(
            distribution.contains(want),
            "distribution chart lacks {want}"
        );
    }
    let breakdown = read(&format!("{out}/charts/quota-wave.cost-breakdown.svg"));
    for want in [
        "PayByTraffic",
        "PayByBandwidth",
        "compute",
        "system disk",
        "mean cost over the horizon (CNY)",
    ] {
        assert!(breakdown.contains(want), "breakdown chart lacks {want}");
    }
    let compared = read(&format!("{out}/charts/comparison-cost.svg"));
    assert!(compared.contains("cost P50") && compared.contains("cost P95"));

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
        "<h3>Costs</h3>",
        "<table class=\"costs\">",
        "<h4>Internet recommendation</h4>",
        "id=\"chart-quota-wave.cost-breakdown\"",
        "id=\"chart-comparison-cost\"",
        "<th>cost P50 /day</th><th>cost P95 /day</th><th>internet saving /month</th>",
    ] {
        assert!(page.contains(want), "report.html lacks {want}");
    }
    assert_eq!(page.matches("<table class=\"costs\">").count(), 5);
    // exactly the expected charts (spot charts would come with spot requests)
    let svgs: Vec<String> = std::fs::read_dir(format!("{out}/charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().unwrap() == "svg")
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for stem in &svgs {
        assert!(
            stems.contains(&stem.as_str()) || stem.contains(".spot-"),
            "unexpected chart {stem}"
        );
    }
    assert!(svgs.len() >= stems.len(), "{svgs:?}");
    assert_eq!(page.matches("<svg").count(), svgs.len());
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
    assert!(lines[2].starts_with("quota-wave,20,4,20,0.25,1.0,4,0,CNY,"));
    assert!(lines[0].contains(
        ",expectations_met,expectations_failed,currency,cost_p50,cost_p95,compute_p50,\
         compute_p95,disks_p50,disks_p95,internet_p50,internet_p95,internet_saving,p:"
    ));
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let header = rd.headers().unwrap().clone();
    for rec in rd.records() {
        let rec = rec.unwrap();
        let num = |col: &str| -> f64 {
            let i = header.iter().position(|h| h == col).unwrap();
            rec[i]
                .parse()
                .unwrap_or_else(|_| panic!("{col} of {}: {:?}", &rec[0], &rec[i]))
        };
        let i = header.iter().position(|h| h == "currency").unwrap();
        assert_eq!(&rec[i], "CNY", "{}", &rec[0]);
        assert!(num("cost_p50") > 0.0 && num("cost_p95") >= num("cost_p50"));
        assert!(num("compute_p50") > 0.0 && num("compute_p95") >= num("compute_p50"));
        assert!(num("disks_p50") > 0.0 && num("disks_p95") >= num("disks_p50"));
        assert!(num("cost_p50") >= num("compute_p50"));
        // no shipped request creates instances with public bandwidth
        assert_eq!(num("internet_p50"), 0.0);
        assert_eq!(num("internet_p95"), 0.0);
        assert_eq!(num("internet_saving"), 0.0);
    }
}

#[test]
fn public_bandwidth_gets_an_internet_billing_table_and_a_recommendation() {
    let dir = tmp("internet");
    let req = request(&[
        ("InternetChargeType", "PayByBandwidth"),
        ("InternetMaxBandwidthOut", "50"),
        ("Amount", "4"),
    ]);
    let scenario = format!(
        r#"{{"name": "web", "trials": 10, "horizon": "12h",
            "timeline": [{{"at": "+0m", "label": "web", "request": {req}}}]}}"#
    );
    let path = format!("{dir}/web.json");
    std::fs::write(&path, scenario).unwrap();
    let out = format!("{dir}/out");
    let o = ecsim(&["run", "--json", "--out", &out, &path], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let costs = &v["scenarios"][0]["costs"];
    let cny = &costs["currencies"][0];
    assert_eq!(cny["currency"], "CNY");
    assert!(cny["internet"]["mean"].as_f64().unwrap() > 0.0, "{costs}");
    let recs = costs["internet_recommendations"].as_array().unwrap();
    assert_eq!(recs.len(), 1, "{costs}");
    let rec = recs[0].as_str().unwrap();
    assert!(rec.starts_with("web (50 Mbps, cn-hangzhou): "), "{rec}");
    assert!(rec.contains(" keep ") || rec.contains(" switch "), "{rec}");

    let page = read(&format!("{out}/report.html"));
    let escaped = rec.replace('>', "&gt;");
    for want in [
        "<table class=\"internet\">".to_string(),
        "<td>web</td><td>cn-hangzhou</td><td class=\"n\">50</td><td>PayByBandwidth</td>"
            .to_string(),
        format!(
            "<h4>Internet recommendation</h4>\n<ul class=\"recommendations\">\n<li>{escaped}</li>"
        ),
        "id=\"chart-web.cost-breakdown\"".to_string(),
    ] {
        assert!(page.contains(&want), "report.html lacks {want}");
    }
    // the breakdown shows internet under both methods: two different internet bars
    let breakdown = read(&format!("{out}/charts/web.cost-breakdown.svg"));
    assert!(breakdown.contains("PayByTraffic") && breakdown.contains("PayByBandwidth"));
    assert_eq!(
        png_size(&format!("{out}/charts/web.cost-distribution.png")),
        (1000, 560)
    );

    let csv = read(&format!("{out}/comparison.csv"));
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let header = rd.headers().unwrap().clone();
    let row = rd.records().next().unwrap().unwrap();
    let col = |c: &str| &row[header.iter().position(|h| h == c).unwrap()];
    assert_eq!(col("currency"), "CNY");
    assert!(col("internet_p50").parse::<f64>().unwrap() > 0.0);
    let saving: f64 = col("internet_saving").parse().unwrap();
    assert_eq!(
        saving > 0.0,
        rec.contains(" switch "),
        "{rec} vs saving {saving}"
    );
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
    let cny = &s["costs"]["currencies"][0];
    assert_eq!(cny["currency"], "CNY");
    let total = &cny["total"];
    assert!(total["p50"].as_f64().unwrap() > 0.0);
    assert!(total["p95"].as_f64().unwrap() >= total["p50"].as_f64().unwrap());
    assert!(cny["compute"]["mean"].as_f64().unwrap() > 0.0);
    assert_eq!(
        s["costs"]["internet_recommendations"],
        serde_json::json!([])
    );
}
