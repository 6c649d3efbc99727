//! The output set of `ecsim run --out` and `serve --out` (src/output.rs): temporary files that
//! follow nothing, run.json written last and verified, stale files removed, and runs killed
//! with SIGKILL at seeded moments that leave either no manifest or one that verifies.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use ecsim::output::{verify, Manifest, Unverified};
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

use crate::support::{ecsim, start_server, stderr, stdout};

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(format!(
        "{}/atomic-tests/{name}",
        env!("CARGO_TARGET_TMPDIR")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file under `dir`, relative and `/`-separated, hidden ones (`.x`) included.
fn tree(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, at: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(at).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_str().unwrap();
                out.insert(rel.replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// The paths a manifest lists, plus run.json itself.
fn listed(m: &Manifest) -> BTreeSet<String> {
    m.files
        .iter()
        .map(|f| f.path.clone())
        .chain(["run.json".to_string()])
        .collect()
}

fn temps(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|p| p.rsplit('/').next().unwrap().starts_with(".ecsim-") && p.ends_with(".tmp"))
        .collect()
}

const QUOTA: &str = "scenarios/quota-wave.json";
const STOCKOUT: &str = "scenarios/stockout-fallback.json";

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run", "--trials", "10", "--out", s(out)];
    args.extend(extra);
    ecsim(&args, None)
}

#[test]
fn the_manifest_lists_every_file_with_its_size_and_sha256() {
    let out = tmp("manifest");
    let o = run(&out, &[QUOTA, STOCKOUT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("run.json: the manifest of 30 file(s)"));
    let m: Manifest =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        tree(&out),
        listed(&m),
        "run.json lists exactly what is on disk"
    );
    for want in [
        "requests.csv",
        "report.html",
        "comparison.csv",
        "charts/quota-wave.usage.png",
    ] {
        assert!(m.files.iter().any(|f| f.path == want), "{want}");
    }
    for f in &m.files {
        let bytes = std::fs::read(out.join(&f.path)).unwrap();
        assert_eq!(f.size, bytes.len() as u64, "{}", f.path);
        let sum: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f.sha256, sum, "{}", f.path);
    }
    assert_eq!(m.command, "run");
    assert_eq!(m.ecsim, env!("CARGO_PKG_VERSION"));
    let names: Vec<(&str, u64, u32)> = m
        .scenarios
        .iter()
        .map(|x| (x.name.as_str(), x.seed, x.trials))
        .collect();
    assert_eq!(
        names,
        [("quota-wave", 42, 10), ("stockout-fallback", 11, 10)]
    );
    assert_eq!(verify(&out).unwrap(), m);

    let v = ecsim(&["verify", s(&out)], None);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    assert!(
        stdout(&v).starts_with("ok: 30 file(s) match"),
        "{}",
        stdout(&v)
    );
}

#[test]
fn verify_detects_a_changed_truncated_or_missing_file_and_a_missing_manifest() {
    let out = tmp("verify");
    let o = run(&out, &[QUOTA]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // Same size, one byte changed.
    let page = out.join("report.html");
    let mut bytes = std::fs::read(&page).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(&page, &bytes).unwrap();
    std::fs::write(out.join("costs.csv"), "trunc").unwrap();
    std::fs::remove_file(out.join("charts/quota-wave.usage.svg")).unwrap();

    let Err(Unverified::Files(bad)) = verify(&out) else {
        panic!("three files differ")
    };
    assert_eq!(bad.len(), 3, "{bad:?}");
    let v = ecsim(&["verify", s(&out)], None);
    assert_eq!(v.status.code(), Some(1));
    let text = stdout(&v);
    for want in [
        "report.html: SHA-256 differs from run.json",
        "costs.csv: 5 bytes, run.json lists",
        "charts/quota-wave.usage.svg: listed in run.json but missing",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }

    std::fs::remove_file(out.join("run.json")).unwrap();
    assert!(matches!(verify(&out), Err(Unverified::NoManifest(_))));
    let v = ecsim(&["verify", s(&out)], None);
    assert_eq!(v.status.code(), Some(1));
    assert!(stdout(&v).contains("no manifest: the output set is incomplete"));

    std::fs::write(out.join("run.json"), "{\"format\": 1,").unwrap();
    let v = ecsim(&["verify", s(&out)], None);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stdout(&v).contains("not an ecsim manifest"),
        "{}",
        stdout(&v)
    );

    // Not a directory at all: usage.
    let v = ecsim(&["verify", s(&out.join("requests.csv"))], None);
    assert_eq!(v.status.code(), Some(2));
    assert!(
        stderr(&v).contains("requests.csv: not a directory"),
        "{}",
        stderr(&v)
    );
}

/// Regression: a `.failures.csv.tmp` symlink placed in advance had its target overwritten
/// (the temporary path was opened with a plain write, following the link). Links at the
/// destination names and at run.json are replaced, not followed, too.
#[cfg(unix)]
#[test]
fn a_pre_placed_temp_path_symlink_is_not_followed() {
    let dir = tmp("symlink");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    for name in [
        ".failures.csv.tmp",
        ".report.html.tmp",
        "failures.csv",
        "run.json",
    ] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    let o = run(&out, &[QUOTA]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::read_to_string(out.join("failures.csv"))
        .unwrap()
        .starts_with("scenario,"));
    assert!(!std::fs::symlink_metadata(out.join("run.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    verify(&out).unwrap();
}

/// Regression: a failed write left a partial `.name.tmp` behind. A directory squatting on a
/// destination name makes the rename fail: exit 2 naming the path, no temporary file, and no
/// manifest (the set is marked incomplete).
#[test]
fn a_write_failure_leaves_no_temp_file_and_exits_2_naming_the_path() {
    let out = tmp("squat");
    let o = run(&out, &[QUOTA]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for squatted in ["report.html", "charts/quota-wave.usage.png"] {
        let path = out.join(squatted);
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir_all(path.join("inside")).unwrap();
        let o = run(&out, &[QUOTA]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}: a directory is in the way", s(&path))),
            "{err}"
        );
        assert!(err.contains("no run.json"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(temps(&out), Vec::<String>::new());
        assert!(matches!(verify(&out), Err(Unverified::NoManifest(_))));
        std::fs::remove_dir_all(&path).unwrap();
    }
    // Out of the way, the next run completes the set.
    let o = run(&out, &[QUOTA]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = verify(&out).unwrap();
    assert_eq!(tree(&out), listed(&m));
}

#[test]
fn a_rerun_removes_the_stale_files_of_the_previous_set() {
    let out = tmp("stale");
    std::fs::write(out.join("notes.txt"), "not ecsim's").unwrap();
    let o = run(&out, &[QUOTA, STOCKOUT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("charts/stockout-fallback.usage.svg").exists());

    // One scenario fewer: its charts and the comparison charts go.
    let o = run(&out, &[QUOTA]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = verify(&out).unwrap();
    let mut want = listed(&m);
    want.insert("notes.txt".into());
    assert_eq!(tree(&out), want);
    assert!(!out.join("charts/comparison.svg").exists());

    // No charts at all: the charts directory goes too.
    let o = run(&out, &["--no-charts", QUOTA]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("charts").exists());
    let m = verify(&out).unwrap();
    let mut want = listed(&m);
    want.insert("notes.txt".into());
    assert_eq!(tree(&out), want);
}

#[test]
fn run_json_is_the_same_bytes_for_any_thread_count() {
    let manifest = |threads: &str| {
        let out = tmp(&format!("threads-{threads}"));
        let o = run(&out, &["--threads", threads, QUOTA, STOCKOUT]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::read(out.join("run.json")).unwrap()
    };
    assert!(manifest("1") == manifest("3"));
}

/// POST to a running server; the status code.
fn post(addr: &str, target: &str) -> u16 {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    write!(
        c,
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

#[test]
fn serve_out_writes_a_verified_set() {
    let out = tmp("serve");
    let mut server = start_server(&["--out", s(&out)]);
    assert_eq!(post(&server.addr, "/_ecsim/report"), 200);
    let m = verify(&out).unwrap();
    assert_eq!(m.command, "serve");
    assert_eq!(tree(&out), listed(&m));
    assert_eq!(m.files.len(), 2);

    // A directory in the way: the report route answers 500 and leaves no temporary file.
    std::fs::remove_file(out.join("failures.csv")).unwrap();
    std::fs::create_dir_all(out.join("failures.csv/inside")).unwrap();
    assert_eq!(post(&server.addr, "/_ecsim/report"), 500);
    assert_eq!(temps(&out), Vec::<String>::new());
    assert!(matches!(verify(&out), Err(Unverified::NoManifest(_))));
    std::fs::remove_dir_all(out.join("failures.csv")).unwrap();

    assert_eq!(post(&server.addr, "/_ecsim/shutdown"), 200);
    assert!(server.child.wait().unwrap().success());
    let m = verify(&out).unwrap();
    assert_eq!(tree(&out), listed(&m));
}

/// Regression: 24 of 30 kill -9s during a run left new CSVs beside the old report.html and
/// charts, with nothing marking the set incomplete. Now, killed at any moment, a directory
/// has no run.json (and then a pending list saying a write was under way) or a run.json that
/// verifies; with no write pending it lists exactly the files on disk (temporary files
/// aside), and the next complete run leaves no temporary file. The moments are seeded and spread over a measured run; the test asserts no
/// timing, only the state each kill leaves.
#[test]
fn a_run_killed_at_any_moment_leaves_no_manifest_or_a_verified_one() {
    const KILLS: u64 = 24;
    let out = tmp("kill");
    let spawn = |seed: u64| {
        let costs = seed % 2 == 0;
        let seed = seed.to_string();
        let mut args = vec![
            "run",
            "--trials",
            "1000",
            "--all-trials",
            "--seed",
            &seed,
            "--out",
            s(&out),
        ];
        // Every other run without costs: fewer charts, so an interrupted run's successor has
        // stale files to remove.
        if !costs {
            args.push("--no-costs");
        }
        args.extend([QUOTA, STOCKOUT]);
        Command::new(env!("CARGO_BIN_EXE_ecsim"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the ecsim binary runs")
    };
    // The old set, and how long a run takes here (the shorter of two: the first also warms
    // the caches, and other tests may be running beside it).
    let mut duration = std::time::Duration::MAX;
    for _ in 0..2 {
        let started = Instant::now();
        assert!(spawn(0).wait().unwrap().success());
        duration = duration.min(started.elapsed());
    }
    verify(&out).unwrap();

    let pending = out.join(".ecsim-pending.json");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let (mut mid_write, mut finished, mut without_manifest) = (0, 0, 0);
    for k in 1..=KILLS {
        let delay = duration.mul_f64(rng.gen_range(0.0..1.0));
        let mut child = spawn(k);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        finished += u32::from(status.success());
        let writing = pending.exists();
        mid_write += u32::from(writing);
        // A kill while the pending list itself is written leaves its temporary file (in DIR,
        // not charts/) beside the untouched old set; the next run removes it.
        let left = temps(&out);
        match verify(&out) {
            Ok(m) => {
                if !writing {
                    let mut on_disk = tree(&out);
                    on_disk.retain(|p| !left.contains(p));
                    assert_eq!(on_disk, listed(&m), "kill {k}: exactly the set");
                }
            }
            Err(Unverified::NoManifest(_)) => {
                without_manifest += 1;
                assert!(writing, "kill {k}: no run.json and no pending list");
            }
            Err(e) => panic!("kill {k} after {delay:?}: the manifest does not verify: {e}"),
        }
        if !writing {
            assert!(left.iter().all(|t| !t.contains('/')), "kill {k}: {left:?}");
        }
    }
    eprintln!(
        "{KILLS} kills over a {duration:?} run: {mid_write} during the write (of which \
         {without_manifest} before run.json), {finished} after the run had finished"
    );
    // A last run completes: the set is whole again, without leftovers of the killed ones.
    assert!(spawn(KILLS + 1).wait().unwrap().success());
    let m = verify(&out).unwrap();
    assert_eq!(tree(&out), listed(&m));
}
