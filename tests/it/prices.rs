//! The planner's own prices: `ecsim prices import` (DescribePrice, CSV, discounts), `run
//! --prices` and `serve --prices`, each checked against hand arithmetic.

use std::path::Path;

use serde_json::Value;

use crate::support::{ecsim, start_server, stderr, stdout};

const DEMO: &str = include_str!("../fixtures/prices/describe-price-demo.json");

/// A DescribePrice file: the metadata's demo answer with the request that asked it.
fn describe_price_file(dir: &Path) -> String {
    let demo: Value = serde_json::from_str(DEMO).unwrap();
    let file = serde_json::json!({
        "request": {"RegionId": "cn-hangzhou", "InstanceType": "ecs.g7.large",
                    "PriceUnit": "Year", "Period": 1},
        "response": demo,
        "date": "2026-12-01"
    });
    let path = dir.join("g7-year.json");
    std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap()).unwrap();
    path.display().to_string()
}

const TABLE: &str = "region,kind,key,price,unit,currency,date\n\
    cn-hangzhou,instance_type,ecs.g7.large,0.60,hour,CNY,2026-11-30\n\
    cn-hangzhou,instance_type,ecs.c7.large,300,month,CNY,2026-11-30\n\
    cn-hangzhou,disk,cloud_essd/PL1,1.44,GiB-month,CNY,2026-11-30\n\
    cn-hangzhou,internet,traffic_per_gb,0.75,GB,CNY,2026-11-30\n";

fn import(args: &[&str]) -> Value {
    let mut all = vec!["prices", "import"];
    all.extend_from_slice(args);
    let o = ecsim(&all, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn import_reads_the_describe_price_demo() {
    let dir = tempfile::tempdir().unwrap();
    let file = describe_price_file(dir.path());
    let v = import(&[&file]);
    let g7 = &v["regions"]["cn-hangzhou"]["instance_types"]["ecs.g7.large"];
    // The demo's instanceType TradePrice 3712.8 CNY for one year: 3712.8 / 8760 h = 0.42383562.
    assert_eq!(g7["price"], 0.42383562);
    assert_eq!(g7["confidence"], "confirmed");
    assert_eq!(g7["date"], "2026-12-01");
    assert_eq!(v["regions"]["cn-hangzhou"]["currency"], "CNY");
    let src = v["sources"][g7["source"].as_str().unwrap()]["text"]
        .as_str()
        .unwrap();
    assert!(src.contains("DescribePrice TradePrice / 8760 h"), "{src}");

    // The bare answer does not say what it priced: refused, with the fix.
    let bare = dir.path().join("bare.json");
    std::fs::write(&bare, DEMO).unwrap();
    let o = ecsim(&["prices", "import", bare.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains(&format!("{}:", bare.display())), "{e}");
    assert!(e.contains(":1:1: a bare DescribePrice answer"), "{e}");
    assert!(e.contains("\"request\": {\"RegionId\""), "{e}");
}

#[test]
fn the_demo_fixture_is_the_metadata_demo() {
    let facts = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/facts/current-api/ecs-2014-05-26.api-docs.json"
    ));
    if !facts.exists() {
        return; // a clean clone has only the fixture
    }
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(facts).unwrap()).unwrap();
    let demos: Value = serde_json::from_str(
        doc["apis"]["DescribePrice"]["responseDemo"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let demo: Value = serde_json::from_str(demos[0]["example"].as_str().unwrap()).unwrap();
    assert_eq!(demo, serde_json::from_str::<Value>(DEMO).unwrap());
}

fn table(dir: &Path) -> String {
    let path = dir.join("list.csv");
    std::fs::write(&path, TABLE).unwrap();
    path.display().to_string()
}

#[test]
fn csv_import_with_a_discount_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let csv = table(dir.path());
    let v = import(&[&csv, "--discount", "ecs.g7=0.8", "--discount", "disk=0.5"]);
    let r = &v["regions"]["cn-hangzhou"];
    // 0.60 x 0.8 = 0.48; 300 / 720 = 0.41666667 (no discount for c7);
    // 1.44 / 720 x 0.5 = 0.001; traffic 0.75 (no internet discount).
    assert_eq!(r["instance_types"]["ecs.g7.large"]["price"], 0.48);
    assert_eq!(r["instance_types"]["ecs.c7.large"]["price"], 0.41666667);
    assert_eq!(r["disks"]["cloud_essd"]["PL1"]["price"], 0.001);
    assert_eq!(r["internet"]["traffic_per_gb"]["price"], 0.75);
    let g7_source = r["instance_types"]["ecs.g7.large"]["source"]
        .as_str()
        .unwrap();
    assert!(g7_source.ends_with("x 0.8 (ecs.g7)"), "{g7_source}");
    assert_eq!(v["as_of"], "2026-11-30");

    // A bad row: the file, its line, and the fix.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "region,kind,key,price,unit,currency\n\
         cn-hangzhou,instance_type,ecs.g7.large,0.6,hour,CNY\n\
         cn-hangzhou,instance_type,ecs.c7.large,0.4,day,CNY\n",
    )
    .unwrap();
    let o = ecsim(&["prices", "import", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains(&format!("{}:3:1:", bad.display())), "{e}");
    assert!(e.contains("write hour or month"), "{e}");
    assert!(stdout(&o).is_empty(), "no partial price file");
    let o = ecsim(
        &["prices", "import", &csv, "--discount", "ecs.g7=1.2"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("outside (0, 1]"), "{}", stderr(&o));
}

/// Two ecs.g7.large in Hangzhou for the 10 h horizon, 40 GiB ESSD PL1, no traffic.
fn scenario(dir: &Path) -> String {
    let path = dir.join("pair.json");
    std::fs::write(
        &path,
        r#"{"horizon": "10h", "trials": 2,
  "costs": {"traffic": {"constant_gb_per_hour": 0.0}},
  "timeline": [{"at": "+0m", "request": {"RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k", "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd", "Amount": 2}}]}"#,
    )
    .unwrap();
    path.display().to_string()
}

#[test]
fn run_prices_changes_costs_csv_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.json");
    let o = ecsim(
        &[
            "prices",
            "import",
            &table(dir.path()),
            "--discount",
            "ecs.g7=0.8",
            "--discount",
            "disk=0.5",
            "--out",
            mine.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sc = scenario(dir.path());
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--no-charts", "--out", out.to_str().unwrap(), &sc];
        args.extend_from_slice(extra);
        let o = ecsim(&args, None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::read_to_string(out.join("costs.csv")).unwrap()
    };
    // The catalog: 20 instance-hours x 0.5139 = 10.278; x 40 GiB x 0.0021 = 1.68.
    let before = run(&[]);
    assert!(
        before.contains("pair,compute,requested,CNY,10.278,"),
        "{before}"
    );
    assert!(
        before.contains("pair,system_disk,PayAsYouGo,CNY,1.68,"),
        "{before}"
    );
    // Mine: 20 x 0.48 = 9.6; 20 x 40 x 0.001 = 0.8; total 10.4.
    let after = run(&["--prices", mine.to_str().unwrap()]);
    for line in [
        "pair,compute,requested,CNY,9.6,9.6,9.6,9.6,9.6",
        "pair,system_disk,PayAsYouGo,CNY,0.8,0.8,0.8,0.8,0.8",
        "pair,total,requested,CNY,10.4,10.4,10.4,10.4,10.4",
    ] {
        // (the interval columns after the percentiles are the stats' own)
        assert!(
            after.lines().any(|l| l.starts_with(&format!("{line},"))),
            "{line} in\n{after}"
        );
    }
    // What the costs rest on. The catalog: only the disk's 1.68 of 11.958 is confirmed
    // (0.14049); the derived share is over half, so a warning on stderr and in the summary.
    let prices_csv = std::fs::read_to_string(out.join("prices.csv")).unwrap();
    assert!(
        prices_csv.contains("pair,CNY,2026-11-30,") && prices_csv.contains(",1.0,0.0"),
        "mine: every figure confirmed\n{prices_csv}"
    );
    let o = ecsim(
        &[
            "run",
            "--no-charts",
            "--json",
            "--out",
            out.to_str().unwrap(),
            &sc,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(
            "price warning: pair: 86.0% of the CNY cost rests on derived or recalled prices"
        ),
        "{e}"
    );
    let prices_csv = std::fs::read_to_string(out.join("prices.csv")).unwrap();
    assert!(
        prices_csv.lines().any(|l| l
            == "pair,CNY,2026-12-01,data/prices.json,bw-cn-2021;disk-cn-2021;vonng-2024,0.1405,0.8595"),
        "{prices_csv}"
    );
    let json: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"confirmed_share\":0.1405"), "{text}");
    assert!(text.contains("\"as_of\":\"2026-12-01\""), "{text}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("prices (CNY): as of 2026-12-01, 14.0% of the cost on confirmed figures"),
        "report.html states its prices"
    );
    assert!(html.contains("price warning: 86.0%"));

    // A bad price file: exit 2, its place, nothing run.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"regions\": {\"cn-hangzhou\": {\n\"disk\": {}}}}").unwrap();
    let o = ecsim(
        &[
            "run",
            "--out",
            out.to_str().unwrap(),
            &sc,
            "--prices",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains(&format!("{}:2:", bad.display())), "{e}");
    assert!(e.contains("unknown field `disk`"), "{e}");
}

#[test]
fn serve_returns_trade_price_from_the_prices_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.json");
    std::fs::write(
        &mine,
        r#"{"regions": {"cn-hangzhou": {"instance_types": {"ecs.g7.large": 0.48},
             "disks": {"cloud_essd": {"PL1": 0.001}}}}}"#,
    )
    .unwrap();
    let trade = |extra: &[&str]| {
        let s = start_server(extra);
        let r = crate::serve::run(&s.addr, &[("Amount", "2")]);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["TradePrice"].as_f64()
    };
    // 2 x (0.48 + 40 GiB x 0.001) = 1.04 per hour.
    assert_eq!(trade(&["--prices", mine.to_str().unwrap()]), Some(1.04));
    // The catalog: 2 x (0.5139 + 40 x 0.0021) = 1.1958.
    assert_eq!(trade(&[]), Some(1.1958));
}

#[test]
fn docs_list_every_default_figure_with_its_source() {
    let o = ecsim(&["prices", "list"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/prices.md")).unwrap();
    let list = stdout(&o);
    let mut lines = list.lines();
    assert_eq!(
        lines.next(),
        Some("at,price,currency,unit,confidence,source,date,method")
    );
    for l in lines {
        let f: Vec<&str> = l.splitn(8, ',').collect();
        let (at, price, confidence, source) = (f[0], f[1], f[4], f[5]);
        assert!(
            docs.contains(&format!("`{source}` |")),
            "source {source} of {at}"
        );
        if let Some((region, t)) = at.split_once("/instance_types/") {
            let row = docs
                .lines()
                .find(|r| r.starts_with(&format!("| {t} |")))
                .unwrap_or_else(|| panic!("no docs row for {t}"));
            let regions = [
                "cn-hangzhou",
                "cn-shanghai",
                "cn-beijing",
                "cn-wulanchabu",
                "ap-southeast-1",
                "us-west-1",
            ];
            let i = regions.iter().position(|r| *r == region).unwrap();
            let cell = row.split('|').nth(i + 2).unwrap().trim();
            assert_eq!(cell, format!("{price} {}", &confidence[..1]), "{at}");
        } else {
            assert!(
                docs.contains(&format!("| {at} | {price} |")),
                "docs/prices.md lacks {at} at {price}"
            );
        }
    }
}
