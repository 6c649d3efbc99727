//! Trial shards (`run --shard K/N`, `ecsim merge`): the merge of the shards is the whole run,
//! byte for byte, and a merge of the wrong shards is refused with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::support::{ecsim, stderr};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ecsim-shards-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, at: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(at).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

const SCENARIOS: [&str; 2] = [
    "scenarios/stockout-fallback.json",
    "scenarios/spot-fleet.json",
];

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run"];
    args.extend(SCENARIOS);
    args.extend(["--trials", "30", "--out", out.to_str().unwrap()]);
    args.extend(extra);
    ecsim(&args, None)
}

fn shards(root: &Path, n: u32, extra: &[&str]) -> Vec<String> {
    (0..n)
        .map(|k| {
            let dir = root.join(format!("shard-{k}"));
            let spec = format!("{k}/{n}");
            let mut args = vec!["--shard", spec.as_str()];
            args.extend(extra);
            let o = run(&dir, &args);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            dir.to_str().unwrap().to_string()
        })
        .collect()
}

fn merge(dirs: &[String], out: &Path) -> std::process::Output {
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap()]);
    ecsim(&args, None)
}

#[test]
fn a_merge_of_four_shards_writes_the_whole_runs_files_byte_for_byte() {
    let root = tmp("four");
    let whole = root.join("whole");
    let o = run(&whole, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut dirs = shards(&root, 4, &[]);
    // The order the shards are named in does not matter.
    dirs.reverse();
    let merged = root.join("merged");
    let m = merge(&dirs, &merged);
    assert_eq!(m.status.code(), Some(0), "{}", stderr(&m));
    let (a, b) = (files(&whole), files(&merged));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between the run and the merge"
        );
    }
    assert!(a.len() > 10 && a.contains_key("requests.csv") && a.contains_key("costs.csv"));
    // Three shards of the same run with other thread counts merge to the same files.
    let three = tmp("three");
    let dirs = shards(&three, 3, &["--threads", "1"]);
    let merged3 = three.join("merged");
    let m = merge(&dirs, &merged3);
    assert_eq!(m.status.code(), Some(0), "{}", stderr(&m));
    assert!(files(&merged3) == a, "a 3-shard merge differs from the run");
}

#[test]
fn a_merge_of_the_wrong_shards_is_refused_with_the_reason() {
    let root = tmp("wrong");
    let dirs = shards(&root, 3, &[]);
    let out = root.join("out");

    let m = merge(&dirs[..2], &out);
    assert_eq!(m.status.code(), Some(2));
    assert!(stderr(&m).contains("shards missing: 2/3"), "{}", stderr(&m));

    let twice = vec![dirs[0].clone(), dirs[0].clone(), dirs[2].clone()];
    let m = merge(&twice, &out);
    assert_eq!(m.status.code(), Some(2));
    assert!(stderr(&m).contains("does not fit"), "{}", stderr(&m));

    // A shard of another run (another seed) is from another command line.
    let other = root.join("other");
    let o = run(&other, &["--shard", "1/3", "--seed", "9"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mixed = vec![
        dirs[0].clone(),
        other.to_str().unwrap().to_string(),
        dirs[2].clone(),
    ];
    let m = merge(&mixed, &out);
    assert_eq!(m.status.code(), Some(2));
    assert!(stderr(&m).contains("from another run"), "{}", stderr(&m));

    // A changed record is caught by the shard's manifest before it is read.
    let cbor = Path::new(&dirs[1]).join("shard-0.cbor");
    let mut bytes = std::fs::read(&cbor).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&cbor, bytes).unwrap();
    let m = merge(&dirs, &out);
    assert_eq!(m.status.code(), Some(2));
    assert!(
        stderr(&m).contains("not a complete shard"),
        "{}",
        stderr(&m)
    );
    assert!(!out.join("run.json").exists(), "no partial report");

    // Shards decide no trial count of their own.
    let o = run(&root.join("p"), &["--shard", "0/2", "--precision", "1pp"]);
    assert_eq!(o.status.code(), Some(2));
}
