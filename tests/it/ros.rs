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
