//! `ecsim init` (docs/scenarios.md, "A starter scenario"): the starter it writes runs as it
//! is on the default world, and an existing file is kept unless --force.

use crate::support::{ecsim, stderr, stdout};

#[test]
fn the_starter_runs_as_it_is_and_meets_its_expectations() {
    let dir = tempfile::tempdir().unwrap();
    let starter = dir.path().join("starter.json");
    let path = starter.to_str().unwrap();
    let o = ecsim(&["init", "--out", path], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("starter.json"), "{}", stdout(&o));
    let out = dir.path().join("out");
    let o = ecsim(
        &[
            "run",
            "--check",
            path,
            "--trials",
            "20",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    for label in ["dry-run-first", "launch-web-tier", "data-disk-too-small"] {
        assert!(csv.contains(label), "{label} in {csv}");
    }
    assert!(
        csv.contains("InvalidDataDiskSize.ValueNotSupported"),
        "{csv}"
    );
}

#[test]
fn an_existing_file_is_kept_unless_force() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine.json");
    std::fs::write(&target, "my own scenario").unwrap();
    let path = target.to_str().unwrap();
    let o = ecsim(&["init", "--out", path], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("mine.json") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "my own scenario");
    let o = ecsim(&["init", "--out", path, "--force"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(written["name"], "starter");
}
