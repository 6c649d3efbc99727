//! `--format` of `check` and `run`: SARIF validated against the official 2.1.0 schema, JUnit
//! parsed with a standard XML parser, GitHub workflow commands, Markdown, and the JSON outputs
//! against their schemas in docs/schema/, through the real binary.

use crate::support::{ecsim, stdout, AT};

fn tmp(name: &str) -> String {
    let dir = format!("{}/formats-tests/{name}", env!("CARGO_TARGET_TMPDIR"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The schema at `path` (draft 7, `format`s asserted).
///
/// The official SARIF schema's `language` pattern, `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`,
/// has a stray `]` that ECMA-262 regexes read as a literal and the crate's regex check
/// rejects; it is escaped here (`\]`), which keeps its meaning. No ecsim output sets
/// `language`.
fn schema(path: &str) -> jsonschema::Validator {
    let mut text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    if path.contains("sarif") {
        const STRAY: &str = r#"-[a-zA-Z]{2}]?$""#;
        assert_eq!(
            text.matches(STRAY).count(),
            2,
            "the official schema's stray ]"
        );
        text = text.replace(STRAY, r#"-[a-zA-Z]{2}\\]?$""#);
    }
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&value)
        .unwrap_or_else(|e| panic!("{path} is a schema: {e}"))
}

/// Every validation error of `doc`, one per line (empty: valid).
fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> String {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Inputs of every form `check` reads, with failures, warnings and a Terraform address.
const CHECK_INPUTS: [&str; 5] = [
    "scenarios/check/review.jsonl",
    "scenarios/check/terraform-plan.json",
    "scenarios/check/ros-template.json",
    "scenarios/check/cli-lines.txt",
    "RegionId=cn-hangzhou&InstanceType=ecs.g7.large",
];

fn check(format: &str) -> (String, Option<i32>) {
    let mut args = vec!["check", "--at", AT, "--format", format];
    args.extend(CHECK_INPUTS);
    let o = ecsim(&args, None);
    (stdout(&o), o.status.code())
}

/// The `check --format json` rows of [`CHECK_INPUTS`].
fn check_rows() -> Vec<serde_json::Value> {
    let (out, _) = check("json");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn check_sarif_validates_against_the_2_1_0_schema_with_a_result_per_failure() {
    let (out, status) = check("sarif");
    assert_eq!(status, Some(1), "failures predicted: exit 1");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let v = schema("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    assert_eq!(errors(&v, &doc), "", "{out}");
    assert_eq!(doc["version"], "2.1.0");
    let rows = check_rows();
    let failed: Vec<&serde_json::Value> = rows.iter().filter(|r| r["ok"] == false).collect();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let errors: Vec<&serde_json::Value> =
        results.iter().filter(|r| r["level"] == "error").collect();
    assert_eq!(errors.len(), failed.len());
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for (res, row) in errors.iter().zip(&failed) {
        assert_eq!(res["ruleId"], row["code"]);
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], row["code"]);
        // The place is the request's: file and line of its source; none for one inline.
        let source = row["source"].as_str().unwrap();
        if source.starts_with("argument ") {
            assert_eq!(res["locations"], serde_json::json!([]), "{source}");
            continue;
        }
        let loc = &res["locations"][0]["physicalLocation"];
        let (file, rest) = source.split_once(':').unwrap();
        assert_eq!(loc["artifactLocation"]["uri"], file, "{source}");
        let line: u64 = rest.split(':').next().unwrap().trim().parse().unwrap();
        assert_eq!(loc["region"]["startLine"], line, "{source}");
    }
    // The Terraform resource is a logical location of its result.
    let tf = errors
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains("alicloud_instance.db")
        })
        .expect("the plan's db fails");
    assert_eq!(
        tf["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "alicloud_instance.db"
    );
    // The ROS template's warning is a warning result.
    assert!(results.iter().any(|r| r["level"] == "warning"
        && r["ruleId"] == "ecsim.warning"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "scenarios/check/ros-template.json"));
    assert!(!out.contains("weakpassword"), "a Password value in SARIF");
}

#[test]
fn sarif_of_a_json_array_points_at_the_file() {
    let dir = tmp("sarif-array");
    let path = format!("{dir}/batch.json");
    let bad = crate::support::request(&[("InstanceType", "ecs.nosuch.large")]);
    std::fs::write(&path, format!("[\n  {bad}\n]\n")).unwrap();
    let o = ecsim(&["check", "--at", AT, "--format", "sarif", &path], None);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let v = schema("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    assert_eq!(errors(&v, &doc), "");
    let loc = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        format!("file://{path}"),
        "{doc}"
    );
    assert!(loc.get("region").is_none(), "an element has no line: {doc}");
}

#[test]
fn run_sarif_validates_with_a_result_per_request_and_code() {
    let out = tmp("run-sarif");
    let o = ecsim(
        &[
            "run",
            "--format",
            "sarif",
            "--no-charts",
            "--trials",
            "20",
            "--out",
            &out,
            "scenarios/quota-wave.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let v = schema("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    assert_eq!(errors(&v, &doc), "");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    // wave-2 is refused by the quota, as its expectation says: an expected failure is a note.
    let quota = results
        .iter()
        .find(|r| r["ruleId"] == "QuotaExceed.AfterpayInstance")
        .expect("wave-2's quota failure");
    assert_eq!(quota["level"], "note");
    assert_eq!(quota["properties"]["scenario"], "quota-wave");
    let loc = &quota["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "scenarios/quota-wave.json");
    assert!(loc["region"]["startLine"].as_u64().unwrap() > 1);
    assert!(loc["region"]["startColumn"].as_u64().is_some());
}

#[test]
fn check_junit_parses_with_a_testcase_per_request() {
    let (out, _) = check("junit");
    let doc = roxmltree::Document::parse(&out).expect("JUnit XML parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<roxmltree::Node> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let rows = check_rows();
    assert_eq!(cases.len(), rows.len());
    let failed = rows.iter().filter(|r| r["ok"] == false).count();
    let failures: Vec<roxmltree::Node> = cases
        .iter()
        .filter_map(|c| c.children().find(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(failures.len(), failed);
    assert_eq!(
        root.attribute("tests"),
        Some(rows.len().to_string().as_str())
    );
    assert_eq!(
        root.attribute("failures"),
        Some(failed.to_string().as_str())
    );
    // One suite per input, named by its file; a case's failure names its code.
    let suites: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert_eq!(&suites[..4], &CHECK_INPUTS[..4]);
    for (case, row) in cases.iter().zip(&rows) {
        assert_eq!(case.attribute("name"), row["source"].as_str());
        let f = case.children().find(|n| n.has_tag_name("failure"));
        assert_eq!(
            f.and_then(|f| f.attribute("type")),
            row["code"].as_str().filter(|_| row["ok"] == false)
        );
    }
    assert!(!out.contains("weakpassword"));
}

#[test]
fn run_junit_has_a_testcase_per_expectation_and_fails_the_unmet() {
    let dir = tmp("run-junit");
    let text = std::fs::read_to_string("scenarios/quota-wave.json").unwrap();
    // wave-2 is refused by the quota; expecting it to pass fails.
    let changed = text.replacen(
        r#""expect": {"code": "QuotaExceed.AfterpayInstance", "probability": [0.95, 1.0]}"#,
        r#""expect": {"code": "ok", "probability": [0.95, 1.0]}"#,
        1,
    );
    assert_ne!(text, changed);
    let path = format!("{dir}/wave.json");
    std::fs::write(&path, changed).unwrap();
    let out = format!("{dir}/out");
    let o = ecsim(
        &[
            "run",
            "--format",
            "junit",
            "--check",
            "--no-charts",
            "--trials",
            "20",
            "--out",
            &out,
            &path,
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "--check with a failed expectation"
    );
    let xml = stdout(&o);
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    let cases: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4, "quota-wave has four expectations");
    let failed: Vec<&roxmltree::Node> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(failed.len(), 1, "{xml}");
    assert!(failed[0]
        .attribute("name")
        .unwrap()
        .starts_with("wave-2: ok"));
    assert_eq!(failed[0].attribute("classname"), Some("quota-wave"));
}

#[test]
fn github_commands_annotate_the_request_lines() {
    let (out, status) = check("github");
    assert_eq!(status, Some(1));
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error ")).collect();
    let failed = check_rows().iter().filter(|r| r["ok"] == false).count();
    assert_eq!(errors.len(), failed);
    assert!(
        out.lines().any(|l| l.starts_with(
            "::error file=scenarios/check/review.jsonl,line=2,title=InvalidPassword.Malformed::"
        )),
        "{out}"
    );
    assert!(out
        .lines()
        .any(|l| l.starts_with("::warning file=scenarios/check/ros-template.json,line=")));
    assert!(
        out.ends_with("to fail\n"),
        "the summary line closes it: {out}"
    );
    assert!(!out.contains("weakpassword"));
    // Multi-line explanations stay on one command line.
    assert!(errors.iter().all(|l| l.contains("%0Ahint: ")));

    let run = tmp("run-github");
    let o = ecsim(
        &[
            "run",
            "--format",
            "github",
            "--no-charts",
            "--trials",
            "20",
            "--out",
            &run,
            "scenarios/quota-wave.json",
        ],
        None,
    );
    let out = stdout(&o);
    assert!(
        out.starts_with("::notice file=scenarios/quota-wave.json"),
        "{out}"
    );
    for l in out.lines() {
        assert!(l.starts_with("::"), "only workflow commands: {l}");
    }
}

#[test]
fn markdown_summaries_lead_with_the_counts() {
    let (out, _) = check("markdown");
    let rows = check_rows();
    let failed = rows.iter().filter(|r| r["ok"] == false).count();
    assert!(out.starts_with("## ecsim check\n"), "{out}");
    assert!(out.contains(&format!(
        "{} request(s): {} predicted to succeed, {failed} to fail",
        rows.len(),
        rows.len() - failed
    )));
    let table_rows = out.lines().filter(|l| l.starts_with("| `")).count();
    let warnings: usize = rows
        .iter()
        .map(|r| r["warnings"].as_array().unwrap().len())
        .sum();
    assert_eq!(table_rows, failed + warnings);

    let run = tmp("run-markdown");
    let o = ecsim(
        &[
            "run",
            "--format",
            "markdown",
            "--no-charts",
            "--trials",
            "20",
            "--out",
            &run,
            "scenarios/quota-wave.json",
            "scenarios/internet-billing.json",
        ],
        None,
    );
    let md = stdout(&o);
    assert!(md.starts_with("## ecsim run\n"), "{md}");
    assert!(md.contains("| `quota-wave` | 20 |"), "{md}");
    assert!(md.contains("`QuotaExceed.AfterpayInstance`"), "{md}");
    assert!(md.contains("### Internet billing"), "{md}");
}

#[test]
fn json_outputs_carry_schema_version_and_match_their_schemas() {
    let v = schema("docs/schema/check.schema.json");
    let rows = check_rows();
    for r in &rows {
        assert_eq!(r["schema_version"], 1);
        assert_eq!(errors(&v, r), "", "{r}");
    }
    // A capacity answer's limit object too.
    let big = crate::support::request(&[
        ("SecurityGroupId", "sg-bp1fullgroup9k2m7x4q"),
        ("Amount", "11"),
    ]);
    let o = ecsim(&["check", "--at", AT, "--format", "json", &big], None);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r["limit"].is_object(), "{r}");
    assert_eq!(errors(&v, &r), "", "{r}");

    let v = schema("docs/schema/run.schema.json");
    let out = tmp("run-json");
    let o = ecsim(
        &[
            "run",
            "--format",
            "json",
            "--no-charts",
            "--trials",
            "20",
            "--out",
            &out,
            "scenarios/quota-wave.json",
            "scenarios/internet-billing.json",
            "scenarios/spot-fleet.json",
            "scenarios/stockout-fallback.json",
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(errors(&v, &doc), "");
    let internet = &doc["scenarios"][1]["costs"]["internet"][0];
    assert!(
        internet["chosen"].is_string() && internet["saving"].is_number(),
        "{internet}"
    );
    assert!(doc["scenarios"][0]["costs"]["currencies"][0]["total"]["p99"].is_number());
    let o = ecsim(
        &[
            "run",
            "--format",
            "json",
            "--no-charts",
            "--precision",
            "5pp",
            "--trials",
            "400",
            "--out",
            &out,
            "scenarios/quota-wave.json",
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["scenarios"][0]["precision"].is_object());
    assert_eq!(errors(&v, &doc), "");
}

#[test]
fn json_flag_is_an_alias_and_conflicts_with_format() {
    let a = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--json",
            "scenarios/check/review.jsonl",
        ],
        None,
    );
    let b = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--format",
            "json",
            "scenarios/check/review.jsonl",
        ],
        None,
    );
    assert_eq!(a.stdout, b.stdout);
    let c = ecsim(
        &[
            "check",
            "--json",
            "--format",
            "sarif",
            "scenarios/check/review.jsonl",
        ],
        None,
    );
    assert_eq!(c.status.code(), Some(2));
    let d = ecsim(
        &["check", "--format", "xml", "scenarios/check/review.jsonl"],
        None,
    );
    assert_eq!(d.status.code(), Some(2));
    assert!(
        crate::support::stderr(&d).contains("sarif"),
        "the choices are listed"
    );
}

#[test]
fn document_formats_write_nothing_on_bad_input() {
    let dir = tmp("bad-input");
    let path = format!("{dir}/bad.jsonl");
    let good = crate::support::request(&[]);
    std::fs::write(&path, format!("{good}\n{{\"RegionId\": \n")).unwrap();
    for f in ["sarif", "junit", "markdown"] {
        let o = ecsim(&["check", "--at", AT, "--format", f, &path], None);
        assert_eq!(o.status.code(), Some(2), "{f}");
        assert!(o.stdout.is_empty(), "{f}: no partial document");
        assert!(crate::support::stderr(&o).contains("bad.jsonl:2"), "{f}");
    }
}
