//! report.html leads with the answer, carries the run manifest, fits 1280 px (checked in
//! headless Chromium when it is installed), and `charts/` holds only this run's charts:
//! through the real binary on the shipped scenarios.

use crate::support::{ecsim, stderr};

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(format!(
        "{}/report-headline-tests/{name}",
        env!("CARGO_TARGET_TMPDIR")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The README's main command: every shipped JSON scenario and the spreadsheet.
fn shipped() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.ends_with(".json").then(|| format!("scenarios/{name}"))
        })
        .collect();
    v.sort();
    v.push("scenarios/spreadsheet.csv".into());
    v
}

fn run_shipped(out: &std::path::Path, extra: &[&str]) {
    let files = shipped();
    let mut args: Vec<&str> = vec!["run"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap()]);
    args.extend(extra);
    let o = ecsim(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The part of `page` from `from` to the next `to`.
fn between<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
    let i = page.find(from).unwrap_or_else(|| panic!("no {from}"));
    let j = page[i..].find(to).map_or(page.len(), |j| i + j);
    &page[i..j]
}

/// comparison.csv's (scenario, p_any_failure) rows: the figures the headline must agree with.
fn any_failure_by_scenario(out: &std::path::Path) -> Vec<(String, f64)> {
    let mut r = csv::Reader::from_path(out.join("comparison.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (name, p) = (col("scenario"), col("p_any_failure"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[name].to_string(), rec[p].parse().unwrap())
        })
        .collect()
}

#[test]
fn the_headline_of_the_shipped_scenarios_names_failures_variants_and_internet() {
    let out = tmp("shipped");
    run_shipped(&out, &["--no-charts"]);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();

    // The headline comes first, before the comparison and every scenario's section.
    let head_at = page.find("<section id=\"headline\"").expect("a headline");
    assert!(head_at < page.find("<section id=\"comparison\"").unwrap());
    assert!(head_at < page.find("class=\"scenario\"").unwrap());
    let head = between(&page, "<section id=\"headline\"", "</section>");

    // Its counts agree with comparison.csv.
    let rows = any_failure_by_scenario(&out);
    let every = rows.iter().filter(|r| r.1 == 1.0).count();
    let some = rows.iter().filter(|r| r.1 > 0.0 && r.1 < 1.0).count();
    let want = format!(
        "<b>{every} of {} scenario(s) fail in every trial</b>, {some} in some trials, {} in none.",
        rows.len(),
        rows.len() - every - some
    );
    assert!(head.contains(&want), "{want}\n{head}");
    assert!(every > 0, "the shipped scenarios show failures");
    // every failing scenario is linked with its share and interval, and no passing one is
    let failing = between(head, "<ul class=\"failing\">", "</ul>");
    for (name, p) in &rows {
        let listed = failing.contains(&format!(">{name}</a>: fails in "));
        assert_eq!(listed, *p > 0.0, "{name} ({p}) in {failing}");
    }
    assert!(failing.contains("(95%: "), "{failing}");

    // The dominant code, then the sweeps' cheapest and riskiest variants.
    assert!(head.contains("Dominant code: <code>"), "{head}");
    let batch = between(head, "Sweep <b>batch-size</b> (3 variants)", "</li>");
    assert!(
        batch.contains("cheapest <a href=\"#s-batch-size-Amount-5\">batch-size[Amount=5]</a>"),
        "{batch}"
    );
    assert!(
        batch.contains("riskiest <a href=\"#s-batch-size-Amount-20\">batch-size[Amount=20]</a>"),
        "{batch}"
    );
    assert!(
        head.contains("Sweep <b>spot-fleet</b> (3 variants)"),
        "{head}"
    );
    assert!(head.contains("Over all scenarios: cheapest"), "{head}");

    // The internet recommendation: the bandwidth sweep's larger variants should switch, with
    // the saving over the horizon, per day and per month, thousands separated.
    let internet = between(head, "<li class=\"internet\">", "</ul></li>");
    assert!(
        internet.contains("switch PayByBandwidth → PayByTraffic to save"),
        "{internet}"
    );
    assert!(
        internet.contains("/day, ") && internet.contains("/month)"),
        "{internet}"
    );
    assert!(
        internet.contains("internet-billing[InternetMaxBandwidthOut=50]"),
        "{internet}"
    );
    let money = regex_like_thousands(internet);
    assert!(
        money,
        "a saving above 1,000 shows its separator: {internet}"
    );

    // One section per scenario, and the names are no longer listed twice on top.
    for (name, _) in &rows {
        let heading = format!("<h2>{}</h2>", name.replace('&', "&amp;"));
        assert_eq!(page.matches(&heading).count(), 1, "{heading}");
    }
    assert!(
        !page.contains("scenario(s): batch-size"),
        "the old names line is gone"
    );
    assert!(!page.contains("<nav>"));

    // No per-code columns in the comparison table (they are in comparison.csv).
    let table = between(&page, "<table class=\"comparison\">", "</table>");
    assert!(
        !table.contains("<th>OperationDenied.NoStock</th>"),
        "{table}"
    );
    assert!(table.contains("<th>cost P50 /day</th>"));
    assert!(
        !table.contains("<br>"),
        "interval text stays on the cell's line"
    );
}

/// Whether `text` holds a number like `1,234.56`.
fn regex_like_thousands(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(6)).any(|i| {
        b[i].is_ascii_digit()
            && b[i + 1] == b','
            && b[i + 2..i + 5].iter().all(u8::is_ascii_digit)
            && b[i + 5] == b'.'
    })
}

#[test]
fn the_manifest_records_version_command_seeds_checksums_and_price_date() {
    let out = tmp("manifest");
    let o = ecsim(
        &[
            "run",
            "scenarios/quota-wave.json",
            "--out",
            out.to_str().unwrap(),
            "--threads",
            "2",
            "--no-charts",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let run = &m["run"];
    let line: Vec<&str> = run["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        &line[1..],
        ["run", "scenarios/quota-wave.json", "--no-charts"],
        "--threads and --out do not change the set, so they are not recorded"
    );
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/quota-wave.json"
    ))
    .unwrap();
    let input = &run["inputs"][0];
    assert_eq!(input["path"], "scenarios/quota-wave.json");
    assert_eq!(input["size"], bytes.len() as u64);
    assert_eq!(input["sha256"], ecsim::output::sha256_hex(&bytes).as_str());
    assert_eq!(m["scenarios"][0]["seed"], 42);
    assert_eq!(m["scenarios"][0]["price_date"], "2026-12-01");
    // The page shows the same, and `ecsim verify` still accepts the set.
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    let manifest = between(&page, "<details id=\"manifest\"", "</details>");
    assert!(
        manifest.contains(&ecsim::output::sha256_hex(&bytes)),
        "{manifest}"
    );
    assert!(
        manifest.contains("run scenarios/quota-wave.json --no-charts"),
        "{manifest}"
    );
    assert!(
        manifest.contains("<th>price date(s)</th><td>2026-12-01</td>"),
        "{manifest}"
    );
    let v = ecsim(&["verify", out.to_str().unwrap()], None);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
}

#[test]
fn charts_of_an_earlier_run_do_not_pile_up_and_foreign_files_stay() {
    let out = tmp("stale");
    run_shipped(&out, &[]);
    let charts = out.join("charts");
    let first = std::fs::read_dir(&charts).unwrap().count();
    assert!(first > 20, "{first}");
    std::fs::write(charts.join("my-notes.txt"), "mine").unwrap();
    let o = ecsim(
        &[
            "run",
            "scenarios/quota-wave.json",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut left: Vec<String> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            f["path"]
                .as_str()?
                .strip_prefix("charts/")
                .map(String::from)
        })
        .collect();
    listed.push("my-notes.txt".into());
    listed.sort();
    assert_eq!(
        left, listed,
        "only this run's charts and the user's own file"
    );
}

/// The text of every `<text>` element of an SVG, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

#[test]
fn the_failure_share_axis_ends_at_100_percent() {
    // It ran to 140% to make room for a legend over the bars.
    let out = tmp("axis");
    run_shipped(&out, &[]);
    for chart in ["comparison.svg", "quota-wave.failures.svg"] {
        let svg = std::fs::read_to_string(out.join("charts").join(chart)).unwrap();
        let ticks: Vec<f64> = svg_texts(&svg)
            .iter()
            .filter_map(|t| t.parse::<f64>().ok())
            .collect();
        assert!(ticks.contains(&100.0), "{chart}: {ticks:?}");
        assert!(ticks.iter().all(|&t| t <= 100.0), "{chart}: {ticks:?}");
    }
}

/// Chromium's binary, if installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_page_fits_1280_px_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!(
            "SKIPPED the_page_fits_1280_px_in_headless_chromium: no chromium on PATH \
             (apt-get install chromium)"
        );
        return;
    };
    let out = tmp("chromium");
    run_shipped(&out, &[]);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!page.contains("<script"), "the page itself has no script");
    // A copy that reports its layout width: the widest element's right edge, in the title.
    let probe = page.replace(
        "</body>",
        "<script>let w=document.documentElement.scrollWidth;for(const e of \
         document.querySelectorAll('table')){w=Math.max(w,Math.ceil(e.getBoundingClientRect().right))}\
         document.title='width '+w;</script></body>",
    );
    let copy = out.join("probe.html");
    std::fs::write(&copy, probe).unwrap();
    let o = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,900",
            "--dump-dom",
        ])
        .arg(format!("file://{}", copy.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let title = between(&dom, "<title>", "</title>");
    let width: u32 = title
        .strip_prefix("<title>width ")
        .unwrap_or_else(|| panic!("no width in {title}"))
        .parse()
        .unwrap();
    assert!(
        width <= 1280,
        "the page is {width} px wide at a 1280 px window"
    );

    // And the screenshot renders: a page this long is far more than a blank image.
    let shot = out.join("report.png");
    let o = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,2400",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    assert!(shot.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let size = std::fs::metadata(&shot).unwrap().len();
    assert!(
        size > 100_000,
        "a blank page is a few KB; this one is {size} bytes"
    );
}
