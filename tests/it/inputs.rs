//! The planners' input forms through the real binary: aliyun CLI lines and the SDKs' nested
//! request maps give the same predictions as the wire forms, each row naming its own source.

use serde_json::Value;

use crate::support::{ecsim, json_lines, stderr, stdout, AT};

/// One request in the default world, as flat wire pairs.
const FLAT: &[(&str, &str)] = &[
    ("RegionId", "cn-hangzhou"),
    ("ZoneId", "cn-hangzhou-i"),
    ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
    ("InstanceType", "ecs.g7.large"),
    ("SecurityGroupIds.1", "sg-bp15ed6xe1yxeycg7o3k"),
    ("VSwitchId", "vsw-bp1s5fnvk4gn2tws03624"),
    ("InstanceName", "web:1"),
    ("Amount", "2"),
    ("SystemDisk.Category", "cloud_essd"),
    ("SystemDisk.Size", "40"),
    ("DataDisk.1.Category", "cloud_essd"),
    ("DataDisk.1.Size", "100"),
    ("DataDisk.2.Category", "cloud_essd"),
    ("DataDisk.2.Size", "10"),
    ("Tag.1.Key", "team"),
    ("Tag.1.Value", "web tier"),
];

fn query_line() -> String {
    FLAT.iter()
        .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&")
}

/// The same request as an aliyun CLI command over several lines, `--region` for RegionId.
fn cli_command() -> String {
    "aliyun ecs RunInstances --region cn-hangzhou --ZoneId cn-hangzhou-i \\\n  \
     --ImageId 'aliyun_3_x64_20G_alibase_20240528.vhd' --InstanceType=ecs.g7.large \\\n  \
     --SecurityGroupIds.1 \"sg-bp15ed6xe1yxeycg7o3k\" --VSwitchId vsw-bp1s5fnvk4gn2tws03624 \\\n  \
     --InstanceName web:1 --Amount 2 --SystemDisk.Category cloud_essd --SystemDisk.Size 40 \\\n  \
     --DataDisk.1.Category cloud_essd --DataDisk.1.Size 100 \\\n  \
     --DataDisk.2.Category cloud_essd --DataDisk.2.Size 10 \\\n  \
     --Tag.1.Key team --Tag.1.Value 'web tier' --profile prod --force"
        .to_string()
}

/// The same request as an SDK's nested request map.
fn sdk_map() -> String {
    serde_json::json!({
        "RegionId": "cn-hangzhou",
        "ZoneId": "cn-hangzhou-i",
        "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd",
        "InstanceType": "ecs.g7.large",
        "SecurityGroupIds": ["sg-bp15ed6xe1yxeycg7o3k"],
        "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624",
        "InstanceName": "web:1",
        "Amount": 2,
        "SystemDisk": {"Category": "cloud_essd", "Size": 40},
        "DataDisk": [{"Category": "cloud_essd", "Size": 100}, {"Category": "cloud_essd", "Size": 10}],
        "Tag": [{"Key": "team", "Value": "web tier"}],
    })
    .to_string()
}

/// `check --json` rows of `file`, each without its source, and the sources.
fn rows_of(path: &std::path::Path) -> (Vec<Value>, Vec<String>, Option<i32>) {
    let o = ecsim(
        &["check", "--at", AT, "--json", path.to_str().unwrap()],
        None,
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let mut sources = Vec::new();
    let rows = json_lines(&o)
        .into_iter()
        .map(|mut r| {
            sources.push(r["source"].as_str().unwrap().to_string());
            r.as_object_mut().unwrap().remove("source");
            r
        })
        .collect();
    (rows, sources, o.status.code())
}

#[test]
fn a_query_line_a_cli_line_and_an_sdk_map_predict_alike() {
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("q.txt");
    let c = dir.path().join("c.txt");
    let j = dir.path().join("j.json");
    std::fs::write(&q, format!("# one request\n{}\n", query_line())).unwrap();
    std::fs::write(&c, format!("# one request\n\n{}\n", cli_command())).unwrap();
    std::fs::write(&j, sdk_map()).unwrap();
    let (rq, sq, cq) = rows_of(&q);
    let (rc, sc, cc) = rows_of(&c);
    let (rj, sj, cj) = rows_of(&j);
    assert_eq!(rq.len(), 1);
    // the second data disk is below cloud_essd's minimum, a prediction
    assert_eq!(
        rq[0]["code"], "InvalidDataDiskSize.ValueNotSupported",
        "{rq:?}"
    );
    assert_eq!(rq[0]["warnings"].as_array().unwrap().len(), 0, "{rq:?}");
    assert_eq!(cq, Some(1));
    assert_eq!((rc.clone(), cc), (rq.clone(), cq), "CLI line");
    assert_eq!((rj, cj), (rq, cq), "SDK map");
    // each row keeps its own source: the CLI command's first line
    assert!(sq[0].ends_with("q.txt:2"), "{sq:?}");
    assert!(sc[0].ends_with("c.txt:3"), "{sc:?}");
    assert!(sj[0].ends_with("j.json:1"), "{sj:?}");
    // the text report names the same place
    let o = ecsim(&["check", "--at", AT, c.to_str().unwrap()], None);
    assert!(stdout(&o).starts_with(&format!("{}:3: error: DataDisk.2.Size", c.display())));
}

#[test]
fn cli_lines_stream_among_query_lines_and_json_lines() {
    // every form on its own line, the CLI command continued: rows in line order
    let cmd = cli_command().replace("--DataDisk.2.Size 10", "--DataDisk.2.Size 20");
    let text = format!(
        "{}\n{cmd}\n# a comment\naliyun ecs RunInstances --region cn-hangzhou --Amount 0\n",
        query_line()
    );
    let o = ecsim(
        &["check", "--at", AT, "--json", "--threads", "3", "-"],
        Some(&text),
    );
    let rows = json_lines(&o);
    let sources: Vec<&str> = rows.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["-:1", "-:2", "-:10"], "{}", stderr(&o));
    assert_eq!(rows[1]["ok"], true, "{:?}", rows[1]);
    assert_eq!(rows[2]["parameter"], "Amount");
    // a JSON Lines input takes CLI lines too
    let text = format!("{}\n{cmd}\n", sdk_map());
    let o = ecsim(&["check", "--at", AT, "--json", "-"], Some(&text));
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 2, "{}", stderr(&o));
    assert_eq!(rows[1]["source"], "-:2");
    // and one given inline
    let o = ecsim(&["check", "--at", AT, "--json", &cmd], None);
    assert_eq!(
        json_lines(&o)[0]["source"],
        "argument 1:1",
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn shell_quoting_keeps_a_value_whole() {
    let base = "aliyun ecs RunInstances --RegionId cn-hangzhou --ZoneId cn-hangzhou-i \
                --ImageId aliyun_3_x64_20G_alibase_20240528.vhd --InstanceType ecs.g7.large \
                --SecurityGroupId sg-bp15ed6xe1yxeycg7o3k --VSwitchId vsw-bp1s5fnvk4gn2tws03624 \
                --SystemDisk.Category cloud_essd";
    let check = |line: String| {
        let o = ecsim(&["check", "--at", AT, "--json", "-"], Some(&line));
        (json_lines(&o), o.status.code(), stderr(&o))
    };
    // a space inside quotes or escaped is part of the value: InstanceName rejects it
    for name in ["'web 1'", "\"web 1\"", "web\\ 1", "'web '1"] {
        let (rows, code, e) = check(format!("{base} --InstanceName {name}"));
        assert_eq!(code, Some(1), "{name}: {e}");
        assert_eq!(rows[0]["code"], "InvalidInstanceName.Malformed", "{name}");
    }
    // quotes and escapes that leave a valid name
    for name in [
        "'web:1'",
        "\"web:1\"",
        "web\\:1",
        "w'eb':\"1\"",
        "--InstanceName=web:1",
    ] {
        let line = if name.starts_with("--") {
            format!("{base} {name}")
        } else {
            format!("{base} --InstanceName {name}")
        };
        let (rows, code, e) = check(line);
        assert_eq!(
            (code, rows[0]["ok"].clone()),
            (Some(0), Value::Bool(true)),
            "{name}: {e}"
        );
    }
    // unquoted, the second word is one that no flag takes
    let (_, code, e) = check(format!("{base} --InstanceName web 1"));
    assert_eq!(code, Some(2));
    assert!(e.contains("-:1:279: a word that no flag takes"), "{e}");
}

#[test]
fn another_action_or_product_is_an_input_error_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cmds.txt");
    std::fs::write(
        &f,
        "aliyun ecs RunInstances --RegionId cn-hangzhou\n\
         aliyun ecs DescribeInstances --RegionId cn-hangzhou\n",
    )
    .unwrap();
    let o = ecsim(&["check", "--at", AT, f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "no partial report: {}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains(
            "cmds.txt:2:12: this aliyun command calls ecs DescribeInstances, not RunInstances"
        ),
        "{e}"
    );
    assert!(
        e.contains("give `aliyun ecs RunInstances --Name value ...` lines"),
        "{e}"
    );
    let o = ecsim(
        &["check", "--at", AT, "aliyun vpc CreateVpc --RegionId x"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("argument 1:1:8: this aliyun command calls product vpc"));
}

#[test]
fn a_misspelt_nested_name_warns_like_any_unknown_parameter() {
    let map = sdk_map().replace("\"Size\":40", "\"Sise\":40");
    assert!(map.contains("Sise"));
    let o = ecsim(&["check", "--at", AT, "--json", "-"], Some(&map));
    let rows = json_lines(&o);
    assert_eq!(
        rows[0]["warnings"],
        serde_json::json!(["SystemDisk.Sise: not a RunInstances parameter ecsim models; ignored (did you mean \"SystemDisk.Size\"?)"]),
        "{}",
        stderr(&o)
    );
    // nesting that no SDK sends is an input error naming the key and the fix
    let o = ecsim(
        &["check", "--at", AT, "-"],
        Some(r#"{"DataDisk": [[{"Size": 40}]]}"#),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("-:1: DataDisk: a list directly inside a list"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_python_sdks_own_to_map_predicts_as_what_it_sends() {
    // scenarios/check/sdk-nested.json is RunInstancesRequest.to_map() from
    // alibabacloud_ecs20140526 (tests/sdk/to_map.py); this is the query the SDK built from it
    // (alibabacloud_tea_openapi Utils.query), booleans as Python prints them.
    let sent = serde_json::json!({
        "PrivatePoolOptions.MatchCriteria": "Open", "SystemDisk.Category": "cloud_essd",
        "SystemDisk.Size": "40", "Amount": "2", "DataDisk.1.Category": "cloud_essd",
        "DataDisk.1.DeleteWithInstance": "True", "DataDisk.1.Size": "100",
        "DataDisk.2.Category": "cloud_essd", "DataDisk.2.Size": "200",
        "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceName": "web",
        "InstanceType": "ecs.g7.large", "RegionId": "cn-hangzhou",
        "SecurityGroupIds.1": "sg-bp15ed6xe1yxeycg7o3k", "Tag.1.Key": "team",
        "Tag.1.Value": "web", "Tag.2.Key": "env", "Tag.2.Value": "prod",
        "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "ZoneId": "cn-hangzhou-i"
    });
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("sent.json");
    std::fs::write(&flat, sent.to_string()).unwrap();
    let (want, _, code) = rows_of(&flat);
    let (got, sources, got_code) = rows_of(std::path::Path::new("scenarios/check/sdk-nested.json"));
    assert_eq!((got, got_code), (want.clone(), code));
    assert_eq!(sources, ["scenarios/check/sdk-nested.json:1"]);
    assert_eq!(want[0]["ok"], true, "{want:?}");
    assert_eq!(want[0]["instances"], 2);
    // the TypeScript and Python spellings of the same map
    let camel = serde_json::json!({
        "regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-i",
        "imageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "instanceType": "ecs.g7.large",
        "securityGroupIds": ["sg-bp15ed6xe1yxeycg7o3k"], "vSwitchId": "vsw-bp1s5fnvk4gn2tws03624",
        "instanceName": "web", "amount": 2,
        "systemDisk": {"category": "cloud_essd", "size": "40"},
        "data_disk": [{"category": "cloud_essd", "delete_with_instance": true, "size": 100},
                      {"category": "cloud_essd", "size": 200}],
        "Tags": [{"key": "team", "value": "web"}, {"key": "env", "value": "prod"}],
        "private_pool_options": {"match_criteria": "Open"}
    });
    let f = dir.path().join("camel.json");
    std::fs::write(&f, camel.to_string()).unwrap();
    assert_eq!(rows_of(&f).0, want);
}

#[test]
fn a_scenario_request_may_be_a_cli_line_or_a_nested_map() {
    let dir = tempfile::tempdir().unwrap();
    let doc = serde_json::json!({
        "name": "forms",
        "start": "2027-06-01T00:00:00Z",
        "horizon": "1h",
        "timeline": [
            {"at": "+0m", "request": serde_json::from_str::<Value>(&sdk_map()).unwrap()},
            {"at": "+1m", "request": cli_command()},
            {"at": "+2m", "request": "aliyun ecs RunInstances --RegionId cn-hangzhou --Amount 1 'x"},
        ]
    });
    let f = dir.path().join("forms.json");
    std::fs::write(&f, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = dir.path().join("out");
    let o = ecsim(
        &[
            "run",
            "--trials",
            "1",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
            f.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("forms.json:"), "{e}");
    assert!(
        e.contains("column 59 of the command: this single quote is not closed"),
        "{e}"
    );
    // without the bad event, both forms run
    let mut doc = doc;
    doc["timeline"].as_array_mut().unwrap().pop();
    std::fs::write(&f, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let o = ecsim(
        &[
            "run",
            "--trials",
            "1",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
            f.to_str().unwrap(),
        ],
        None,
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 request(s) x 1 trial(s)"),
        "{}",
        stdout(&o)
    );
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    assert_eq!(
        csv.matches("InvalidDataDiskSize.ValueNotSupported").count(),
        2,
        "{csv}"
    );
}
