//! The `ecsim` binary end to end: input forms, exit statuses, report shapes, secrets.

use crate::support::{ecsim, json_lines, request, stderr, stdout, AT};

#[test]
fn the_official_sdk_capture_is_read_and_predicted_to_succeed() {
    let o = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--json",
            "scenarios/check/sdk-capture.json",
        ],
        None,
    );
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 1, "{}", stderr(&o));
    assert_eq!(rows[0]["ok"], true, "{}", stdout(&o));
    assert_eq!(rows[0]["instances"], 3);
    assert_eq!(rows[0]["zone"], "cn-hangzhou-i");
    // Signing parameters are recognised, not reported as unknown.
    assert_eq!(rows[0]["warnings"].as_array().unwrap().len(), 0);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn secrets_never_reach_any_output() {
    let bad = request(&[
        ("Password", "Capture#Passw0rd"),
        ("UserData", "!!notbase64!!"),
    ]);
    for args in [
        vec!["check", "--at", AT, "-"],
        vec!["check", "--at", AT, "--json", "-"],
    ] {
        let o = ecsim(&args, Some(&bad));
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            !all.contains("Capture#Passw0rd") && !all.contains("notbase64"),
            "{all}"
        );
        assert!(
            all.contains("UserData"),
            "the offending parameter is named: {all}"
        );
    }
    let weak = request(&[("Password", "weakpassword")]);
    let o = ecsim(&["check", "--at", AT, "-"], Some(&weak));
    assert!(!stdout(&o).contains("weakpassword"));
    assert!(stdout(&o).contains("InvalidPassword.Malformed"));
}

#[test]
fn json_rows_carry_code_status_message_and_parameter() {
    let o = ecsim(
        &["check", "--at", AT, "--json", "-"],
        Some(&request(&[("Amount", "101")])),
    );
    let rows = json_lines(&o);
    assert_eq!(rows[0]["ok"], false);
    assert_eq!(rows[0]["code"], "InvalidParameter");
    assert_eq!(rows[0]["http_status"], 400);
    assert_eq!(
        rows[0]["message"],
        "The specified parameter Amount is not valid."
    );
    assert_eq!(rows[0]["parameter"], "Amount");
    assert_eq!(rows[0]["source"], "-:1");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn text_report_reads_like_a_linter() {
    let o = ecsim(
        &["check", "--at", AT, "-"],
        Some(&request(&[("DataDisk.3.Size", "abc")])),
    );
    let out = stdout(&o);
    assert!(
        out.contains("-:1: error: DataDisk.3.Size: 400 InvalidDataDiskSize.ValueNotSupported"),
        "{out}"
    );
    assert!(out.contains("hint: "));
    assert!(out.contains("1 request(s): 0 predicted to succeed, 1 to fail"));
}

#[test]
fn query_string_and_url_forms_are_read() {
    let q =
        "RegionId=cn-hangzhou&ZoneId=cn-hangzhou-i&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd\
             &InstanceType=ecs.g7.large&SecurityGroupId=sg-bp15ed6xe1yxeycg7o3k\
             &VSwitchId=vsw-bp1s5fnvk4gn2tws03624&SystemDisk.Category=cloud_essd&Tag.1.Key=a%20b";
    let o = ecsim(&["check", "--at", AT, "--json", q], None);
    assert_eq!(json_lines(&o)[0]["ok"], true, "{}", stdout(&o));
    let url = format!("https://ecs.aliyuncs.com/?Action=RunInstances&{q}");
    let o = ecsim(&["check", "--at", AT, "--json", &url], None);
    assert_eq!(json_lines(&o)[0]["ok"], true);
    let o = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--json",
            "scenarios/check/reference-example.txt",
        ],
        None,
    );
    let rows = json_lines(&o);
    assert_eq!(rows[0]["code"], "MissingParameter");
    assert_eq!(rows[0]["parameter"], "ImageId");
}

#[test]
fn json_lines_keep_input_order_and_exit_one_when_any_fails() {
    let text = format!(
        "{}\n{}\n{}\n",
        request(&[]),
        request(&[("Amount", "0")]),
        request(&[])
    );
    let o = ecsim(&["check", "--at", AT, "--json", "-"], Some(&text));
    let rows = json_lines(&o);
    let oks: Vec<bool> = rows.iter().map(|r| r["ok"].as_bool().unwrap()).collect();
    assert_eq!(oks, [true, false, true]);
    let sources: Vec<&str> = rows.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["-:1", "-:2", "-:3"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn booleans_are_case_insensitive_and_dry_run_answers_dry_run_operation() {
    for v in ["true", "True", "TRUE"] {
        let o = ecsim(
            &["check", "--at", AT, "--json", "-"],
            Some(&request(&[("DryRun", v)])),
        );
        let rows = json_lines(&o);
        assert_eq!(rows[0]["ok"], true);
        assert_eq!(rows[0]["code"], "DryRunOperation");
        assert_eq!(rows[0]["http_status"], 400);
        assert_eq!(o.status.code(), Some(0));
    }
    let o = ecsim(
        &["check", "--at", AT, "--json", "-"],
        Some(&request(&[("DryRun", "yes")])),
    );
    assert_eq!(json_lines(&o)[0]["code"], "InvalidParameter");
}

#[test]
fn unknown_parameters_warn_without_failing() {
    let o = ecsim(
        &["check", "--at", AT, "--json", "-"],
        Some(&request(&[("Colour", "blue")])),
    );
    let rows = json_lines(&o);
    assert_eq!(rows[0]["ok"], true);
    assert!(rows[0]["warnings"][0]
        .as_str()
        .unwrap()
        .starts_with("Colour"));
}

#[test]
fn bad_input_exits_two_with_place_and_fix() {
    let o = ecsim(&["check", "-"], Some("{\"RegionId\": \"cn-hangzhou\",,}"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("ecsim: -:1:"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no partial report");

    // a nested value no SDK sends (an SDK's `"DataDisk": [{...}]` is read)
    let o = ecsim(&["check", "-"], Some("{\"DataDisk\": [[{\"Size\": 40}]]}"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("DataDisk.1.Size"), "{}", stderr(&o));

    let o = ecsim(&["check", "no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("argument 1"));

    let o = ecsim(
        &["check", "--at", "yesterday", "RegionId=cn-hangzhou"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--at"));

    let o = ecsim(&["check"], None);
    assert_eq!(o.status.code(), Some(2));

    let o = ecsim(
        &[
            "check",
            "--world",
            "no/such/world.json",
            "RegionId=cn-hangzhou",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/world.json"));
}

#[test]
fn codes_lists_the_whole_catalog() {
    let o = ecsim(&["codes", "--csv"], None);
    assert_eq!(o.status.code(), Some(0));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = r.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "key",
            "code",
            "http_status",
            "message",
            "origin",
            "modeled",
            "reference_message",
            "condition",
            "hint",
            "note"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let origin = |o: &str| rows.iter().filter(|r| &r[4] == o).count();
    // The reference's 109 rows are all kept; today's RunInstances list has 438, beside the
    // rows of today's other actions serve answers.
    assert_eq!(origin("reference") + origin("both"), 109);
    assert_eq!(
        origin("current") + origin("both"),
        438 + ecsim::serve::actions::ACTION_CODES.len()
    );
    assert!(rows
        .iter()
        .any(|r| &r[1] == "DryRunOperation" && &r[4] == "ecsim"));
    // Today's wording is the default; the reference's is kept beside it.
    let no_stock = rows
        .iter()
        .find(|r| &r[1] == "OperationDenied.NoStock")
        .unwrap();
    assert_eq!(&no_stock[3], "The resource is out of usage.");
    assert!(no_stock[6].starts_with("Sales of this resource are temporarily suspended"));
    let o = ecsim(&["codes"], None);
    assert!(stdout(&o).contains("403 SecurityGroupInstanceLimitExceed [both]"));
    // Filters: --modeled rows all say true, --not-modeled rows all say false.
    for (flag, want) in [("--modeled", "true"), ("--not-modeled", "false")] {
        let o = ecsim(&["codes", "--csv", flag], None);
        let mut r = csv::Reader::from_reader(o.stdout.as_slice());
        let got: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert!(
            !got.is_empty() && got.iter().all(|r| &r[5] == want),
            "{flag}"
        );
    }
    let o = ecsim(&["codes", "--edition", "2019"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("reference-2018"), "{}", stderr(&o));
}

/// `--edition reference-2018` lists the catalog exactly as ecsim did before today's API:
/// `tests/golden/codes-reference-2018.csv` is the output of the last release without editions.
#[test]
fn the_reference_edition_lists_the_2018_catalog_unchanged() {
    let o = ecsim(&["codes", "--csv", "--edition", "reference-2018"], None);
    assert_eq!(o.status.code(), Some(0));
    let golden = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden/codes-reference-2018.csv"),
    )
    .unwrap();
    assert_eq!(stdout(&o), golden);
}

#[test]
fn a_world_file_overrides_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("arrears.json");
    std::fs::write(&path, r#"{"Account": {"Arrearage": true}}"#).unwrap();
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
        Some(&request(&[])),
    );
    assert_eq!(json_lines(&o)[0]["code"], "Account.Arrearage");
}

#[test]
fn a_request_file_of_only_comments_is_bad_input_like_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let only = dir.path().join("only-comments.txt");
    std::fs::write(&only, "# nothing here yet\n\n# still nothing\n").unwrap();
    let o = ecsim(&["check", only.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "no report: {}", stdout(&o));
    assert!(
        stderr(&o).contains("only-comments.txt: no request found"),
        "{}",
        stderr(&o)
    );
    // Beside a file that holds a request, the empty one still stops the run.
    let one = dir.path().join("one.txt");
    std::fs::write(&one, format!("{}\n", request(&[]))).unwrap();
    let o = ecsim(
        &["check", one.to_str().unwrap(), only.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}
