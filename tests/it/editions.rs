//! `--edition` on `check`, `run` and `serve`, and a scenario's `"edition"`: the same request
//! answered by today's API (the default) and by the 2018 reference, through the real binary.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::support::{base, ecsim, json_lines, request, stderr, stdout, AT};

/// Sixth tag: today's API takes 20 tags, the reference 5.
const TAG6: [(&str, &str); 2] = [("Tag.6.Key", "k"), ("Tag.6.Value", "v")];

/// cn-hangzhou's pay-as-you-go instance quota used up.
const FULL_QUOTA: &str = r#"{"RegionQuotas":{"RegionQuota":[{"RegionId":"cn-hangzhou","MaxPostpaidInstanceCount":1,"UsedPostpaidInstanceCount":1}]}}"#;

/// `check --json --at AT` of one request with `extra` arguments; the single answer.
fn check(req: &str, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["check", "--json", "--at", AT];
    args.extend_from_slice(extra);
    args.push(req);
    let o = ecsim(&args, None);
    let mut lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "{}{}", stdout(&o), stderr(&o));
    (o, lines.remove(0))
}

fn assert_ok(o: &Output, a: &Value) {
    assert_eq!(a["ok"], true, "{a}");
    assert_eq!(o.status.code(), Some(0), "{a}");
}

fn assert_fails(o: &Output, a: &Value, code: &str, parameter: &str) {
    assert_eq!(a["ok"], false, "{a}");
    assert_eq!(a["code"], code, "{a}");
    assert_eq!(a["parameter"], parameter, "{a}");
    assert_eq!(o.status.code(), Some(1), "{a}");
}

#[test]
fn a_sixth_tag_passes_today_and_fails_in_the_reference() {
    let req = request(&TAG6);
    let (o, a) = check(&req, &[]);
    assert_ok(&o, &a);
    let (o, a) = check(&req, &["--edition", "current"]);
    assert_ok(&o, &a);
    let (o, a) = check(&req, &["--edition", "reference-2018"]);
    assert_fails(&o, &a, "InvalidTagKey.Malformed", "Tag.6.Key");
}

#[test]
fn a_twenty_first_tag_fails_today() {
    // The code may become NumberExceed.Tags; what must hold is a 400 naming the parameter.
    let (o, a) = check(&request(&[("Tag.21.Key", "k"), ("Tag.21.Value", "v")]), &[]);
    assert_eq!(a["ok"], false, "{a}");
    assert_eq!(a["http_status"], 400, "{a}");
    assert_eq!(a["parameter"], "Tag.21.Key", "{a}");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn three_character_classes_pass_today_and_fail_in_the_reference() {
    let req = request(&[("Password", "Abcdefg1")]);
    let (o, a) = check(&req, &[]);
    assert_ok(&o, &a);
    let (o, a) = check(&req, &["--edition", "reference-2018"]);
    assert_fails(&o, &a, "InvalidPassword.Malformed", "Password");
}

#[test]
fn messages_take_the_editions_wording() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("full-quota.json");
    std::fs::write(&world, FULL_QUOTA).unwrap();
    let world = world.to_str().unwrap();
    let req = request(&[]);
    let (o, a) = check(&req, &["--world", world]);
    assert_fails(&o, &a, "QuotaExceed.AfterpayInstance", "Amount");
    assert_eq!(a["message"], "Living afterpay instances quota exceeded.");
    let (o, a) = check(&req, &["--world", world, "--edition", "reference-2018"]);
    assert_fails(&o, &a, "QuotaExceed.AfterpayInstance", "Amount");
    assert_eq!(
        a["message"],
        "The maximum number of Pay-As-You-Go instances is exceeded."
    );
}

#[test]
fn an_unknown_edition_on_the_command_line_is_a_usage_error() {
    for cmd in [
        &["check", "--edition", "2019", "RegionId=cn-hangzhou"][..],
        &["run", "--edition", "2019", "x.json"],
        &["serve", "--edition", "2019"],
    ] {
        let o = ecsim(cmd, None);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        assert!(stderr(&o).contains("reference-2018"), "{}", stderr(&o));
    }
}

/// A scenario file in `dir`: one request with a sixth tag, `top` added to the top level.
fn tag_scenario(dir: &Path, name: &str, top: &str) -> PathBuf {
    let req: serde_json::Map<String, Value> = base()
        .into_iter()
        .chain(TAG6)
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    let text = format!(
        "{{\n  \"name\": \"{name}\",\n{top}  \"trials\": 3,\n  \"timeline\": [\n    \
         {{\"at\": \"+0m\", \"request\": {}}}\n  ]\n}}\n",
        Value::Object(req)
    );
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, text).unwrap();
    path
}

/// `ecsim run --trials 3 --no-charts --no-costs` of `files` with `extra` arguments; the
/// failures.csv rows after the header.
fn replay(dir: &Path, files: &[&Path], extra: &[&str]) -> Vec<String> {
    let out = dir.join("out");
    let mut args = vec!["run", "--trials", "3", "--no-charts", "--no-costs", "--out"];
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let o = ecsim(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("failures.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "scenario,code,http_status,message,count,trials_affected,probability,\
             probability_lo,probability_hi,interval_method"
        )
    );
    lines.map(str::to_string).collect()
}

#[test]
fn a_scenario_replays_in_the_edition_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let plain = tag_scenario(dir.path(), "plain", "");
    let reference = tag_scenario(
        dir.path(),
        "reference",
        "  \"edition\": \"reference-2018\",\n",
    );
    let rows = replay(dir.path(), &[&plain, &reference], &[]);
    assert_eq!(
        rows,
        // 3 of 3 trials: the exact one-sided bound 0.05^(1/3) = 0.6316 gives [0.3684, 1].
        [
            "reference,InvalidTagKey.Malformed,400,The specified Tag.n.Key is not valid.,3,3,1.0,\
          0.36840314986403877,1.0,rule-of-three"
        ]
    );
}

#[test]
fn the_command_line_edition_applies_to_scenarios_that_name_none() {
    let dir = tempfile::tempdir().unwrap();
    let plain = tag_scenario(dir.path(), "plain", "");
    let rows = replay(dir.path(), &[&plain], &["--edition", "reference-2018"]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with("plain,InvalidTagKey.Malformed,400,"),
        "{rows:?}"
    );
}

#[test]
fn a_scenarios_own_edition_wins_over_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let current = tag_scenario(dir.path(), "current", "  \"edition\": \"current\",\n");
    let rows = replay(dir.path(), &[&current], &["--edition", "reference-2018"]);
    assert!(rows.is_empty(), "{rows:?}");
}

#[test]
fn every_sweep_variant_replays_in_the_scenarios_edition() {
    let dir = tempfile::tempdir().unwrap();
    let swept = tag_scenario(
        dir.path(),
        "swept",
        "  \"edition\": \"reference-2018\",\n  \"sweep\": {\"Amount\": [1, 2]},\n",
    );
    let rows = replay(dir.path(), &[&swept], &[]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (row, variant) in rows.iter().zip(["swept[Amount=1]", "swept[Amount=2]"]) {
        assert!(
            row.starts_with(&format!("{variant},InvalidTagKey.Malformed,")),
            "{rows:?}"
        );
    }
}

#[test]
fn a_csv_timeline_takes_the_command_line_edition() {
    let dir = tempfile::tempdir().unwrap();
    let (keys, values): (Vec<&str>, Vec<&str>) = base().into_iter().chain(TAG6).unzip();
    let path = dir.path().join("sheet.csv");
    std::fs::write(
        &path,
        format!("at,{}\n+0m,{}\n", keys.join(","), values.join(",")),
    )
    .unwrap();
    assert!(replay(dir.path(), &[&path], &[]).is_empty());
    let rows = replay(dir.path(), &[&path], &["--edition", "reference-2018"]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with("sheet,InvalidTagKey.Malformed,"),
        "{rows:?}"
    );
}

#[test]
fn an_unknown_edition_in_a_scenario_is_placed_and_lists_the_names() {
    let dir = tempfile::tempdir().unwrap();
    let bad = tag_scenario(dir.path(), "bad", "  \"edition\": \"2019\",\n");
    let out = dir.path().join("out");
    let o = ecsim(
        &["run", "--out", out.to_str().unwrap(), bad.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // `"edition"` is on line 3, column 3 of the file.
    assert!(err.contains(&format!("{}:3:3:", bad.display())), "{err}");
    assert!(
        err.contains("\"2019\"") && err.contains("current, reference-2018"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written for bad input");
}

#[test]
fn the_schema_lists_the_edition_field() {
    let o = ecsim(&["run", "--schema"], None);
    assert_eq!(o.status.code(), Some(0));
    let schema: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        schema["properties"]["edition"]["enum"],
        serde_json::json!(["current", "reference-2018"])
    );
}

use crate::support::start_server as serve;

/// `POST <target>` with an empty body on a fresh connection: (status, body).
fn post_to(addr: &str, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole HTTP response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

/// `POST /?<pairs>`, as the SDKs send API requests.
fn post(addr: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    post_to(addr, &format!("/?{query}"))
}

/// RunInstances of the default request plus `extra`: (status, JSON body).
fn run_instances(addr: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut pairs = vec![("Action", "RunInstances")];
    pairs.extend(base());
    pairs.extend_from_slice(extra);
    let (status, body) = post(addr, &pairs);
    (status, serde_json::from_str(&body).unwrap())
}

#[test]
fn serve_answers_in_its_edition() {
    let s = serve(&[]);
    let (status, body) = run_instances(&s.addr, &TAG6);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["InstanceIdSets"]["InstanceIdSet"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (status, body) = post(
        &s.addr,
        &[
            ("Action", "DescribeInstances"),
            ("RegionId", "xx-nowhere-1"),
        ],
    );
    assert_eq!(status, 404, "{body}");
    assert!(
        body.contains("The RegionId provided does not exist in our records."),
        "{body}"
    );

    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("full-quota.json");
    std::fs::write(&world, FULL_QUOTA).unwrap();
    let out = dir.path().join("out");
    let mut s = serve(&[
        "--edition",
        "reference-2018",
        "--world",
        world.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let (status, body) = run_instances(&s.addr, &TAG6);
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("InvalidTagKey.Malformed")),
        "{body}"
    );
    let (status, body) = run_instances(&s.addr, &[]);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["Code"], "QuotaExceed.AfterpayInstance");
    let reference = "The maximum number of Pay-As-You-Go instances is exceeded.";
    assert_eq!(body["Message"], reference);
    // Errors of the other actions take the edition's wording too.
    let (status, body) = post(
        &s.addr,
        &[
            ("Action", "DescribeInstances"),
            ("RegionId", "xx-nowhere-1"),
        ],
    );
    assert_eq!(status, 404, "{body}");
    assert!(
        body.contains("The specified RegionId does not exist."),
        "{body}"
    );
    // And so does the session report.
    let (status, _) = post_to(&s.addr, "/_ecsim/shutdown");
    assert_eq!(status, 200);
    assert!(s.child.wait().unwrap().success());
    let failures = std::fs::read_to_string(out.join("failures.csv")).unwrap();
    assert!(
        failures.contains(&format!("QuotaExceed.AfterpayInstance,400,{reference},1")),
        "{failures}"
    );
}

/// Regression: failures.csv, the summary and report.html printed today's wording for a
/// scenario replayed in the reference edition.
#[test]
fn replay_reports_word_failures_in_the_scenarios_edition() {
    let dir = tempfile::tempdir().unwrap();
    let req: serde_json::Map<String, Value> = base()
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    let full = r#"{"RegionQuotas":{"RegionQuota":[{"RegionId":"cn-hangzhou","MaxPostpaidInstanceCount":1,"UsedPostpaidInstanceCount":1}]}}"#;
    for (name, edition, wording) in [
        (
            "today",
            "current",
            "Living afterpay instances quota exceeded.",
        ),
        (
            "old",
            "reference-2018",
            "The maximum number of Pay-As-You-Go instances is exceeded.",
        ),
    ] {
        let text = format!(
            "{{\"name\": \"{name}\", \"edition\": \"{edition}\", \"trials\": 2, \"world\": {full}, \
             \"timeline\": [{{\"at\": \"+0m\", \"request\": {}}}]}}",
            Value::Object(req.clone())
        );
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, text).unwrap();
        let rows = replay(dir.path(), &[&path], &[]);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(rows[0].contains(wording), "{edition}: {}", rows[0]);
    }
}
