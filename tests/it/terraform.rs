//! Terraform input through the real binary: plans (`terraform show -json`) and `.tf`
//! configuration become the same raw requests as the wire forms, each with its resource
//! address and file:line in every report (docs/terraform.md).

use base64::Engine as _;

use crate::support::{ecsim, json_lines, stderr, stdout, AT};

const FIXTURES: &str = "tests/fixtures/terraform";

/// The marker secrets the fixtures and shipped examples hold.
const SECRETS: &[&str] = &["Plan#Marker7x", "Ess#Marker5q", "Tf#Marker7x"];

fn check(args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "--at", AT];
    all.extend_from_slice(args);
    ecsim(&all, None)
}

fn sources(o: &std::process::Output) -> Vec<String> {
    json_lines(o)
        .iter()
        .map(|l| l["source"].as_str().unwrap().to_string())
        .collect()
}

/// No marker secret in any form: raw, URL-encoded, Base64.
fn assert_no_secret(what: &str, o: &std::process::Output) {
    let text = format!("{}{}", stdout(o), stderr(o));
    for s in SECRETS {
        let b64 = base64::engine::general_purpose::STANDARD.encode(s);
        let url: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
        for needle in [s.to_string(), b64, url] {
            assert!(!text.contains(&needle), "{what} leaks {needle:?}:\n{text}");
        }
    }
}

#[test]
fn a_plan_launches_only_its_creates_and_replaces() {
    let o = check(&["--json", &format!("{FIXTURES}/mixed-plan.json")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let f = format!("{FIXTURES}/mixed-plan.json");
    assert_eq!(
        sources(&o),
        [
            format!("{f}:410: module.app.alicloud_instance.this[0]"),
            format!("{f}:501: module.app.alicloud_instance.this[1]"),
            format!("{f}:592: module.app.alicloud_instance.this[2]"),
            format!("{f}:683: alicloud_instance.worker"),
            format!("{f}:820: alicloud_instance.edge"),
            format!("{f}:1241: alicloud_instance.from_template"),
            format!("{f}:1276: alicloud_ess_scaling_group.app"),
        ],
        "updates, no-ops, deletes, reads, vSwitches, templates and configurations launch nothing"
    );
    let rows = json_lines(&o);
    // the replaced instance (delete, then create) launches like a new one
    assert_eq!(rows[3]["ok"], true);
    // the instance that uses the plan's own launch template gets its image, type and network
    assert_eq!(rows[5]["ok"], true, "{}", rows[5]);
    assert_eq!(rows[5]["zone"], "cn-hangzhou-i");
    // the scaling group starts at min_size with its scaling configuration's shape
    assert_eq!(rows[6]["ok"], true, "{}", rows[6]);
    assert_eq!(rows[6]["instances"], 2);
}

#[test]
fn the_scale_variable_asks_for_a_scaling_groups_maximum() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"));
    let o = cmd
        .args(["check", "--at", AT, "--json"])
        .arg(format!("{FIXTURES}/mixed-plan.json"))
        .env("ECSIM_TERRAFORM_SCALE", "max")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let rows = json_lines(&o);
    assert_eq!(rows.last().unwrap()["instances"], 5, "max_size");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["check", &format!("{FIXTURES}/mixed-plan.json")])
        .env("ECSIM_TERRAFORM_SCALE", "most")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ECSIM_TERRAFORM_SCALE=\"most\": expected min"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_values_are_reported_on_the_request_not_guessed() {
    let o = check(&["--json", &format!("{FIXTURES}/mixed-plan.json")]);
    let rows = json_lines(&o);
    let edge = &rows[4];
    assert_eq!(edge["ok"], false);
    assert_eq!(edge["parameter"], "VSwitchId", "{edge}");
    assert_eq!(
        edge["warnings"][0],
        "alicloud_instance.edge: vswitch_id is known only after apply (from \
         alicloud_vswitch.new.id); VSwitchId is not sent, so the prediction may differ"
    );
    // computed attributes the configuration does not set (id, public_ip, ...) are not noise
    for r in &rows {
        if r != edge {
            assert_eq!(r["warnings"], serde_json::json!([]), "{r}");
        }
    }
    let text = stdout(&check(&[&format!("{FIXTURES}/mixed-plan.json")]));
    assert!(
        text.contains("  warning: alicloud_instance.edge: vswitch_id is known only after apply")
    );
}

#[test]
fn three_resources_of_count_40_give_120_addressed_requests() {
    let o = check(&["--json", &format!("{FIXTURES}/count-40-plan.json")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let src = sources(&o);
    assert_eq!(src.len(), 120);
    let addresses: std::collections::BTreeSet<&str> =
        src.iter().map(|s| s.rsplit(": ").next().unwrap()).collect();
    assert_eq!(addresses.len(), 120, "each request has its own address");
    // the one-line plan terraform writes: line and column of each resource change
    let web3 = src
        .iter()
        .find(|s| s.ends_with(" alicloud_instance.web[3]"))
        .unwrap();
    assert!(
        web3.starts_with(&format!("{FIXTURES}/count-40-plan.json:1:")),
        "{web3}"
    );
    let text = stdout(&check(&[&format!("{FIXTURES}/count-40-plan.json")]));
    assert!(text.ends_with("120 request(s): 120 predicted to succeed, 0 to fail\n"));
}

#[test]
fn the_shipped_plan_and_configuration_predict_with_the_default_world() {
    let plan = "scenarios/check/terraform-plan.json";
    let tf = "scenarios/check/terraform-web.tf";
    for (file, expected) in [
        (
            plan,
            vec![
                format!("{plan}:327: alicloud_instance.web[0]"),
                format!("{plan}:436: alicloud_instance.web[1]"),
                format!("{plan}:545: alicloud_instance.db"),
                format!("{plan}:754: alicloud_ecs_instance_set.batch"),
            ],
        ),
        (
            tf,
            vec![
                format!("{tf}:32: alicloud_instance.web[0]"),
                format!("{tf}:32: alicloud_instance.web[1]"),
                format!("{tf}:54: alicloud_instance.db"),
            ],
        ),
    ] {
        let o = check(&["--json", file]);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        let rows = json_lines(&o);
        assert_eq!(sources(&o), expected, "{file}");
        let ok: Vec<bool> = rows.iter().map(|r| r["ok"].as_bool().unwrap()).collect();
        assert_eq!(&ok[..3], [true, true, false], "{file}");
        assert_eq!(rows[2]["code"], "InvalidDataDiskSize.ValueNotSupported");
        assert_eq!(rows[2]["parameter"], "DataDisk.1.Size");
    }
}

#[test]
fn passwords_in_plans_and_configuration_are_never_in_the_output() {
    let files = [
        format!("{FIXTURES}/mixed-plan.json"),
        "scenarios/check/terraform-plan.json".to_string(),
        "scenarios/check/terraform-web.tf".to_string(),
    ];
    for f in &files {
        for json in [false, true] {
            let mut args = vec![];
            if json {
                args.push("--json");
            }
            args.push(f.as_str());
            let o = check(&args);
            assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
            assert_no_secret(&format!("check --json={json} {f}"), &o);
        }
    }
    // a plan read from stdin, and errors in a file that holds a password
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let o = ecsim(&["check", "--at", AT, "-"], Some(&text));
    assert_eq!(o.status.code(), Some(1));
    assert_no_secret("check - < mixed-plan.json", &o);
    let cut = &text[..text.find("Ess#Marker5q").unwrap() + 20];
    let o = ecsim(&["check", "-"], Some(cut));
    assert_eq!(o.status.code(), Some(2));
    assert_no_secret("a plan cut after a password", &o);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tf");
    std::fs::write(
        &bad,
        "resource \"alicloud_instance\" \"x\" {\n  password = \"Tf#Marker7x\" +\n}\n",
    )
    .unwrap();
    let o = check(&[bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_no_secret("bad.tf", &o);
    // an expression of a password that cannot be evaluated is not echoed either
    std::fs::write(
        &bad,
        "provider \"alicloud\" {\n  region = \"cn-hangzhou\"\n}\nresource \"alicloud_instance\" \"x\" {\n  password = \"Tf#Marker7x${random_string.x.result}\"\n}\n",
    )
    .unwrap();
    let o = check(&[bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("password is known only after apply; Password is not sent"));
    assert_no_secret("an unevaluated password", &o);
}

#[test]
fn configuration_expands_counts_and_variables() {
    let o = check(&["scenarios/check/terraform-web.tf"]);
    let text = stdout(&o);
    assert!(
        text.starts_with(
            "scenarios/check/terraform-web.tf:32: alicloud_instance.web[0]: ok: 1 instance(s) in cn-hangzhou-i\n\
             scenarios/check/terraform-web.tf:32: alicloud_instance.web[1]: ok: 1 instance(s) in cn-hangzhou-i\n"
        ),
        "{text}"
    );
    // a directory is one module: its .tf files read together
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "scenarios/check/terraform-web.tf",
        dir.path().join("main.tf"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("override.tf"),
        "variable \"more\" {\n  default = { a = \"batch-a\", b = \"batch-b\" }\n}\nresource \"alicloud_ecs_instance_set\" \"batch\" {\n  for_each = var.more\n  amount = 4\n  zone_id = \"cn-hangzhou-i\"\n  instance_type = \"ecs.g7.large\"\n  image_id = local.image\n  vswitch_id = local.network.vswitch_id\n  security_group_ids = [local.network.security_group]\n  system_disk_category = \"cloud_essd\"\n  instance_name = each.value\n}\n",
    )
    .unwrap();
    let o = check(&["--json", dir.path().to_str().unwrap()]);
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 5, "{}", stderr(&o));
    let d = dir.path().display();
    assert_eq!(
        rows[3]["source"],
        format!("{d}/override.tf:4: alicloud_ecs_instance_set.batch[\"a\"]")
    );
    assert_eq!(rows[4]["instances"], 4);
}

#[test]
fn references_the_configuration_cannot_evaluate_are_reported() {
    // The provider's own example (tests/fixtures/terraform/README.md), with a provider block:
    // its vSwitch and security group come from resources, its names from format().
    let dir = tempfile::tempdir().unwrap();
    for f in ["main.tf", "variables.tf"] {
        std::fs::copy(
            format!("{FIXTURES}/provider-ecs-vpc/{f}"),
            dir.path().join(f),
        )
        .unwrap();
    }
    // without one, the region is unknown: an input error with the fix
    let o = check(&[dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("main.tf:36:1: alicloud_instance.instance[0]: the region is not known")
            && stderr(&o).contains("add region = \"cn-hangzhou\" to the provider block"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        dir.path().join("provider.tf"),
        "provider \"alicloud\" {\n  region = \"cn-hangzhou\"\n}\n",
    )
    .unwrap();
    let o = check(&["--json", dir.path().to_str().unwrap()]);
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 3, "count = var.number, whose default is \"3\"");
    assert!(rows[2]["source"]
        .as_str()
        .unwrap()
        .ends_with("main.tf:36: alicloud_instance.instance[2]"));
    let warnings: Vec<&str> = rows[0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let has = |s: &str| warnings.iter().any(|w| w.contains(s));
    assert!(has("instance_name is not known (ecsim does not evaluate `\"${var.short_name}-${format(var.count_format, count.index + 1)}\"`)"), "{warnings:#?}");
    assert!(
        has("security_groups is not known (ecsim does not evaluate"),
        "{warnings:#?}"
    );
    assert!(
        has("vswitch_id is not known (ecsim does not evaluate `var.vswitch_id == \"\" ?"),
        "{warnings:#?}"
    );
    assert!(!has("image_id"), "variables with defaults are substituted");
}

#[test]
fn a_malformed_plan_is_an_input_error_at_its_place_with_the_fix() {
    let f = format!("{FIXTURES}/malformed-plan.json");
    let o = check(&[&f]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "", "no partial report");
    assert_eq!(
        stderr(&o),
        format!(
            "ecsim: {f}:501:5: invalid JSON in a Terraform plan: expected value; write the plan \
             again with `terraform show -json tfplan > plan.json`\n"
        )
    );
    let o = check(&[&format!("{FIXTURES}/no-region-plan.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "no-region-plan.json:68:5: alicloud_instance.x: the region is not in the plan"
        ) && stderr(&o)
            .contains("add region = \"cn-hangzhou\" to the provider block and plan again"),
        "{}",
        stderr(&o)
    );
    let o = ecsim(
        &["check", "-"],
        Some(r#"{"format_version":"1.2","terraform_version":"1.9.8","values":{"root_module":{}}}"#),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("-:1:1: this is Terraform state, not a plan"),
        "{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tf");
    std::fs::write(
        &bad,
        "resource \"alicloud_instance\" \"x\" {\n  instance_type = \n}\n",
    )
    .unwrap();
    let o = check(&[bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "ecsim: {}:2:19: invalid HCL: invalid expression",
            bad.display()
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_replays_a_plan_and_a_configuration_without_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = crate::support::ecsim(
        &[
            "run",
            "tests/fixtures/terraform/count-40-plan.json",
            "--trials",
            "2",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // 3 resources with count 40: 120 requests of trial 0, each labelled with its address.
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let labels: std::collections::BTreeSet<String> = rows
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[1] == "0")
        .map(|r| r[4].to_string())
        .collect();
    assert_eq!(labels.len(), 120, "{labels:?}");
    assert!(
        labels.iter().all(|l| l.starts_with("alicloud_instance.")),
        "{labels:?}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for l in &labels {
        assert!(html.contains(l.as_str()), "{l} in report.html");
    }
    // A .tf configuration replays the same way; its failing database keeps its address.
    let out2 = dir.path().join("out2");
    let o = crate::support::ecsim(
        &[
            "run",
            "scenarios/check/terraform-web.tf",
            "--trials",
            "2",
            "--no-charts",
            "--out",
            out2.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let failures = std::fs::read_to_string(out2.join("requests.csv")).unwrap();
    assert!(
        failures
            .lines()
            .any(|l| l.contains("alicloud_instance.db") && l.contains("InvalidDataDiskSize")),
        "{failures}"
    );
}

/// The standing-instances plan with its no-op and update changes (the instances that exist)
/// left out: only its two launches remain.
fn without_standing(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(format!("{FIXTURES}/standing-plan.json")).unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    plan["resource_changes"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["change"]["actions"] != serde_json::json!(["no-op"]));
    let path = dir.join("launches-only.json");
    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    path
}

#[test]
fn instances_a_plan_keeps_count_against_the_limits_its_launches_meet() {
    // Two no-op instance sets of 100 and the old web instance (replaced create-before-destroy)
    // stand on a vSwitch with 240 free addresses: 39 are left, so a set of 50 does not fit,
    // and the new web instance asks for the old one's address while it still holds it.
    let f = format!("{FIXTURES}/standing-plan.json");
    let o = check(&["--json", &f]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines = json_lines(&o);
    let codes: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["source"].as_str().unwrap(),
                l["code"].as_str().unwrap_or("ok"),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (
                format!("{f}:100: alicloud_instance.web").as_str(),
                "InvalidPrivateIpAddress.Duplicated"
            ),
            (
                format!("{f}:144: alicloud_ecs_instance_set.more").as_str(),
                "QuotaExceeded.PrivateIpAddress"
            ),
        ]
    );
    assert!(
        stdout(&check(&[&f])).contains("room for 39 instances, 50 asked"),
        "the limit names what the standing instances left"
    );
    // Without the instances that stand, the same set of 50 fits; the replaced web instance
    // still meets its own old self (it is created before the old one is destroyed).
    let dir = tempfile::tempdir().unwrap();
    let alone = without_standing(dir.path());
    let o = check(&["--json", alone.to_str().unwrap()]);
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["code"], "InvalidPrivateIpAddress.Duplicated");
    assert_eq!(lines[1]["ok"], true, "{}", stdout(&o));
    // The replay starts from the same standing world.
    let out = dir.path().join("out");
    let o = crate::support::ecsim(
        &[
            "run",
            &f,
            "--trials",
            "3",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains("alicloud_ecs_instance_set.more")
                && l.contains("QuotaExceeded.PrivateIpAddress")),
        "{csv}"
    );
}

#[test]
fn spread_times_a_plans_requests_evenly_over_the_duration() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "tests/fixtures/terraform/count-40-plan.json",
            "--trials",
            "1",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        crate::support::ecsim(&args, None)
    };
    let o = run(&["--spread", "2h"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let times: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap()[3].to_string())
        .collect();
    // 120 requests over 2 h: one a minute, from the start.
    assert_eq!(times.len(), 120);
    assert_eq!(times[0], "2026-12-01T08:00:00Z");
    assert_eq!(times[1], "2026-12-01T08:01:00Z");
    assert_eq!(times[119], "2026-12-01T09:59:00Z");
    let summary = stdout(&o);
    assert!(
        summary.contains("2026-12-01T08:00:00Z + 1d1h59m"),
        "{summary}"
    );
    // A spread that is no duration is a usage error with the fix.
    let o = run(&["--spread", "soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected a duration like 30m, 2h or 1d"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--spread", "0m"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `ecsim check --json` on the shapes fixture with environment `env`.
fn check_shapes(env: &[(&str, &str)], dir: &str) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"));
    cmd.args(["check", "--at", AT, "--json", dir])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn configuration_reads_launch_templates_scaling_groups_and_variable_files() {
    let dir = format!("{FIXTURES}/tf-shapes");
    let o = check_shapes(&[], &dir);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let rows = json_lines(&o);
    let got: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["instances"].as_u64().unwrap(),
            )
        })
        .collect();
    // web_count comes from terraform.tfvars (3; the variable has no default); the region from
    // prod.auto.tfvars (cn-hangzhou, over terraform.tfvars' cn-beijing, in which the zone
    // cn-hangzhou-i would not exist); the image, type, group, vSwitch and disk of both
    // instances from the template (by reference and by name); the scaling group's min_size
    // with its active configuration (the other one's image is gone).
    let f = format!("{dir}/main.tf");
    assert_eq!(
        got,
        [
            (format!("{f}:29: alicloud_instance.web[0]"), 1),
            (format!("{f}:29: alicloud_instance.web[1]"), 1),
            (format!("{f}:29: alicloud_instance.web[2]"), 1),
            (format!("{f}:36: alicloud_instance.by_name"), 1),
            (format!("{f}:41: alicloud_ess_scaling_group.workers"), 2),
        ]
    );
    // TF_VAR_ values are read, below the variable files: the template's type is the
    // variable's, so every instance made from it fails, and the group (its own type) does not.
    let o = check_shapes(&[("TF_VAR_web_type", "ecs.no-such-type")], &dir);
    let codes: Vec<&str> = json_lines(&o)
        .iter()
        .map(|r| r["code"].as_str().unwrap_or("ok"))
        .map(|c| if c == "ok" { "ok" } else { "error" })
        .collect();
    assert_eq!(codes, ["error", "error", "error", "error", "ok"]);
    let o = check_shapes(&[("TF_VAR_web_type", "ecs.no-such-type")], &dir);
    assert!(json_lines(&o)[0]["code"]
        .as_str()
        .unwrap()
        .starts_with("InvalidInstanceType"));
    let o = check_shapes(&[("TF_VAR_web_count", "1")], &dir);
    assert_eq!(
        json_lines(&o).len(),
        5,
        "terraform.tfvars wins over TF_VAR_"
    );
    let o = check_shapes(&[("ECSIM_TERRAFORM_SCALE", "max")], &dir);
    assert_eq!(json_lines(&o)[4]["instances"], 6, "max_size");
}

#[test]
fn a_variables_file_that_is_not_literal_is_an_input_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{FIXTURES}/tf-shapes/main.tf"),
        dir.path().join("main.tf"),
    )
    .unwrap();
    let vars = dir.path().join("terraform.tfvars");
    std::fs::write(&vars, "region = \"cn-hangzhou\"\nweb_count = var.other\n").unwrap();
    let o = check_shapes(&[], dir.path().to_str().unwrap());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "{}:2:1: web_count: a variables file holds literal values only",
            vars.display()
        )),
        "{}",
        stderr(&o)
    );
    std::fs::write(&vars, "").unwrap();
    std::fs::write(dir.path().join("x.auto.tfvars.json"), "{\"web_count\": 2,}").unwrap();
    let o = check_shapes(&[], dir.path().to_str().unwrap());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("x.auto.tfvars.json:1:") && stderr(&o).contains("invalid JSON"),
        "{}",
        stderr(&o)
    );
}
