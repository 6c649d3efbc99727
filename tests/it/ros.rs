//! ROS templates (docs/ros.md): each launching resource becomes one request with its
//! logical id, through `check` and `run`; parameters resolve from their defaults, the rest
//! is reported, never guessed or echoed.

use crate::support::{ecsim, json_lines, stderr, stdout, AT};

const EXAMPLE: &str = "scenarios/check/ros-template.json";

#[test]
fn the_shipped_template_predicts_each_resource_with_its_logical_id() {
    let o = ecsim(&["check", "--at", AT, "--json", EXAMPLE], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows = json_lines(&o);
    let by_id = |id: &str| {
        rows.iter()
            .find(|r| r["source"].as_str().unwrap().ends_with(id))
            .unwrap_or_else(|| panic!("{id} in {rows:?}"))
            .clone()
    };
    let web = by_id(": WebGroup");
    assert_eq!(web["ok"], true, "{web}");
    assert_eq!(
        web["instances"], 4,
        "MaxAmount from the parameter's default"
    );
    let warnings = web["warnings"].to_string();
    assert!(warnings.contains("AdminPassword"), "{warnings}");
    let batch = by_id(": BatchWorkers");
    assert_eq!(batch["code"], "InvalidDataDiskSize.ValueNotSupported");
    assert_eq!(batch["parameter"], "DataDisk.1.Size");
}

#[test]
fn a_default_password_is_sent_but_never_shown_and_run_replays_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let marker = "Ros-Marker-Pa55!";
    let text = std::fs::read_to_string(EXAMPLE).unwrap().replace(
        r#""NoEcho": true,"#,
        &format!(r#""NoEcho": true, "Default": "{marker}","#),
    );
    assert!(text.contains(marker));
    let path = dir.path().join("stack.json");
    std::fs::write(&path, &text).unwrap();
    let o = ecsim(&["check", "--at", AT, path.to_str().unwrap()], None);
    assert!(!stdout(&o).contains(marker) && !stderr(&o).contains(marker));
    assert!(
        !stdout(&o).contains("AdminPassword"),
        "sent now: no warning"
    );
    let out = dir.path().join("out");
    let o = ecsim(
        &[
            "run",
            path.to_str().unwrap(),
            "--trials",
            "2",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    assert!(csv.lines().any(|l| l.contains(",WebGroup,")), "{csv}");
    for f in std::fs::read_dir(&out).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            let body = std::fs::read(&f).unwrap();
            assert!(
                !String::from_utf8_lossy(&body).contains(marker),
                "{} holds the password",
                f.display()
            );
        }
    }
}

#[test]
fn a_template_without_a_zone_names_the_resource_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.json");
    std::fs::write(
        &path,
        r#"{"ROSTemplateFormatVersion": "2015-09-01", "Resources": {
  "Web": {"Type": "ALIYUN::ECS::Instance", "Properties": {"InstanceType": "ecs.g7.large"}}}}"#,
    )
    .unwrap();
    let o = ecsim(&["check", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("stack.json:2: Web"), "{err}");
    assert!(err.contains("give the resource a ZoneId"), "{err}");
}

const STACK: &str = "tests/fixtures/ros/stack.yaml";

/// `check --json` rows by logical id.
fn rows_by_id(o: &std::process::Output) -> std::collections::BTreeMap<String, serde_json::Value> {
    json_lines(o)
        .into_iter()
        .map(|r| {
            let id = r["source"]
                .as_str()
                .unwrap()
                .rsplit(": ")
                .next()
                .unwrap()
                .to_string();
            (id, r)
        })
        .collect()
}

/// The requests the library reads from the YAML fixture with the parameters file `file`.
fn stack_requests(file: Option<&str>) -> Vec<ecsim::request::RawRequest> {
    use ecsim::input::ros;
    let text = std::fs::read_to_string(STACK).unwrap();
    let supplied = file.map(|f| ros::params::read_file(std::path::Path::new(f)).unwrap());
    ros::read_with(STACK, &text, supplied.as_ref())
        .expect("a template")
        .expect("reads")
}

#[test]
fn a_yaml_template_with_short_tags_resolves_mappings_conditions_and_functions() {
    let reqs = stack_requests(None);
    let ids: Vec<&str> = reqs
        .iter()
        .map(|r| r.source.rsplit(": ").next().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["Web", "Workers"],
        "Bastion's IsProd is false by default"
    );
    let web = &reqs[0];
    assert!(
        web.source.starts_with("tests/fixtures/ros/stack.yaml:37: "),
        "{}",
        web.source
    );
    for (k, v) in [
        ("RegionId", "cn-hangzhou"),
        ("ZoneId", "cn-hangzhou-i"),
        ("InstanceType", "ecs.g7.large"),
        ("SystemDisk.Size", "40"),
        ("HostName", "web-dev"),
        ("Amount", "2"),
        ("Tag.1.Value", "dev"),
    ] {
        assert_eq!(web.get(k), Some(v), "{k}");
    }
    for absent in [
        "DeletionProtection",
        "Description",
        "InstanceName",
        "Password",
        "VpcId",
    ] {
        assert_eq!(web.get(absent), None, "{absent}");
    }
    let notes = web.notes.join("\n");
    assert!(notes.contains("Fn::GetAtt Vpc.VpcName"), "{notes}");
    assert!(notes.contains("ALIYUN::StackName"), "{notes}");
    assert!(!notes.contains("VpcId"), "VpcId is ROS's own: {notes}");
    let o = ecsim(&["check", "--at", AT, "--json", STACK], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(rows_by_id(&o)["Web"]["instances"], 2);
}

#[test]
fn a_parameters_file_in_either_shape_overrides_the_defaults() {
    let object = stack_requests(Some("tests/fixtures/ros/prod.json"));
    let console = stack_requests(Some("tests/fixtures/ros/prod-console.json"));
    assert_eq!(object, console);
    let ids: Vec<&str> = object
        .iter()
        .map(|r| r.source.rsplit(": ").next().unwrap())
        .collect();
    assert_eq!(ids, ["Bastion", "Web", "Workers"], "IsProd now holds");
    let web = &object[1];
    assert_eq!(web.get("InstanceType"), Some("ecs.g7.xlarge"));
    assert_eq!(web.get("SystemDisk.Size"), Some("100"));
    assert_eq!(web.get("DeletionProtection"), Some("true"));
    assert_eq!(web.get("Amount"), Some("3"));
    for file in [
        "tests/fixtures/ros/prod.json",
        "tests/fixtures/ros/prod-console.json",
    ] {
        let o = ecsim(
            &["check", "--at", AT, "--json", "--parameters", file, STACK],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let rows = rows_by_id(&o);
        assert_eq!(rows["Web"]["instances"], 3, "{file}");
        assert_eq!(rows["Workers"]["instances"], 4, "{file}: MinSize in prod");
        assert!(rows.contains_key("Bastion"), "{file}");
    }
}

#[test]
fn an_ess_scaling_group_launches_its_min_size_or_with_the_scale_option_its_max() {
    let reqs = stack_requests(None);
    let workers = &reqs[1];
    for (k, v) in [
        ("Amount", "1"),
        ("VSwitchId", "vsw-bp1s5fnvk4gn2tws03624"),
        ("InstanceType", "ecs.g7.large"),
        ("Tag.1.Key", "tier"),
        ("RegionId", "cn-hangzhou"),
    ] {
        assert_eq!(workers.get(k), Some(v), "{k}");
    }
    assert_eq!(workers.get("ScalingGroupId"), None);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["check", "--at", AT, "--json", STACK])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ECSIM_TERRAFORM_SCALE", "max")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(rows_by_id(&o)["Workers"]["instances"], 10);
}

#[test]
fn bad_parameters_and_bad_yaml_name_the_file_the_place_and_the_fix() {
    let o = ecsim(
        &[
            "check",
            "--parameters",
            "tests/fixtures/ros/bad-env.json",
            STACK,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("tests/fixtures/ros/bad-env.json:2:3: parameter Env: \"staging\" is not one of its AllowedValues (dev, prod)"),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "no partial report");
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let undeclared = write("p.json", "{\"Env\": \"dev\",\n \"Colour\": \"red\"}");
    let o = ecsim(&["check", "--parameters", &undeclared, STACK], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("p.json:2:2: parameter Colour is not declared"),
        "{}",
        stderr(&o)
    );
    let required = write(
        "t.yaml",
        "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Zone:\n    Type: String\nResources: {}\n",
    );
    let o = ecsim(&["check", &required], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("t.yaml:3:3: parameter Zone has no Default and no value"),
        "{err}"
    );
    assert!(err.contains("--parameters FILE"), "{err}");
    let broken = write(
        "b.yaml",
        "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Web: [1, 2\n",
    );
    let o = ecsim(&["check", &broken], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("b.yaml:") && err.contains("invalid YAML"),
        "{err}"
    );
    let missing_key = write(
        "m.yaml",
        "ROSTemplateFormatVersion: '2015-09-01'\nMappings:\n  M: {a: {b: 1}}\nResources:\n  Web:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      ZoneId: cn-hangzhou-i\n      InstanceType: !FindInMap [M, a, c]\n",
    );
    let o = ecsim(&["check", &missing_key], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("m.yaml:9:21: Fn::FindInMap: mapping M.a has no key c"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_replays_a_yaml_template_with_a_parameters_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = ecsim(
        &[
            "run",
            STACK,
            "--parameters",
            "tests/fixtures/ros/prod.json",
            "--trials",
            "2",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    for id in ["Bastion", "Web", "Workers"] {
        assert!(
            csv.lines().any(|l| l.contains(&format!(",{id},"))),
            "{id} in {csv}"
        );
    }
}

#[test]
fn a_secret_from_the_parameters_file_is_sent_but_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let marker = "Yaml-Secret-Pa55!";
    let p = dir.path().join("p.json");
    std::fs::write(&p, format!("{{\"AdminPassword\": \"{marker}\"}}")).unwrap();
    let o = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--parameters",
            p.to_str().unwrap(),
            STACK,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stdout(&o).contains(marker) && !stderr(&o).contains(marker));
    assert!(
        !stdout(&o).contains("AdminPassword"),
        "sent now: no warning"
    );
    let reqs = stack_requests(Some(p.to_str().unwrap()));
    assert_eq!(reqs[0].get("Password"), Some(marker));
    assert!(reqs[0].hidden.iter().any(|h| h == "Password"));
}

#[test]
fn a_yaml_template_and_its_json_twin_give_the_same_requests() {
    use ecsim::input::ros;
    let yaml = std::fs::read_to_string(STACK).unwrap();
    let long_form = ros::doc::Doc::from_yaml(STACK, &yaml).unwrap().root;
    let json = serde_json::to_string_pretty(&long_form).unwrap();
    assert!(
        json.contains("\"Fn::FindInMap\"") && !json.contains('!'),
        "{json}"
    );
    let file =
        ros::params::read_file(std::path::Path::new("tests/fixtures/ros/prod.json")).unwrap();
    let strip = |reqs: Vec<ecsim::request::RawRequest>| {
        reqs.into_iter()
            .map(|mut r| {
                r.source = r.source.rsplit(": ").next().unwrap().to_string();
                r
            })
            .collect::<Vec<_>>()
    };
    let from_yaml = strip(
        ros::read_with("t.yaml", &yaml, Some(&file))
            .unwrap()
            .unwrap(),
    );
    let from_json = strip(
        ros::read_with("t.json", &json, Some(&file))
            .unwrap()
            .unwrap(),
    );
    assert_eq!(from_yaml.len(), 3);
    assert_eq!(from_yaml, from_json);
}
