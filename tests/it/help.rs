//! Help, completions and the man page (issue 15, item 6): the outputs `run --help` lists are
//! the files a run writes and stdout names; examples in `--help`; generated completions and
//! man pages that know the real flags.

use std::collections::BTreeSet;

use crate::support::{ecsim, stderr, stdout};

/// The output names in a text: `requests.csv`, `report.html`, `run.json`, `charts/`.
fn output_names(text: &str) -> BTreeSet<String> {
    text.split(|c: char| c.is_whitespace() || ",()`".contains(c))
        .map(|w| w.trim_end_matches(['.', ':', ';']).trim_end_matches('/'))
        .filter_map(|w| {
            let name = w.rsplit('/').next().unwrap_or(w);
            if name == "charts" {
                return Some("charts/".to_string());
            }
            [".csv", ".html", ".json"]
                .iter()
                .any(|e| name.ends_with(e))
                .then(|| name.to_string())
        })
        .collect()
}

/// `run --help`'s text for `--out`: its line and the indented help under it.
fn out_help() -> String {
    let o = ecsim(&["run", "--help"], None);
    assert_eq!(o.status.code(), Some(0));
    let help = stdout(&o);
    let mut lines = help.lines().skip_while(|l| !l.contains("--out <DIR>"));
    let mut text = lines.next().expect("--out in run --help").to_string();
    for l in lines {
        let indent = l.len() - l.trim_start().len();
        if l.trim_start().starts_with('-') && indent < 10 {
            break;
        }
        text.push('\n');
        text.push_str(l);
    }
    text
}

fn written(out: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect()
}

#[test]
fn the_outputs_run_help_lists_are_the_files_written_and_named_on_stdout() {
    let listed = output_names(&out_help());
    assert!(listed.len() >= 10, "{listed:?}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = ecsim(
        &[
            "run",
            "--trials",
            "5",
            "--out",
            out.to_str().unwrap(),
            "scenarios/quota-wave.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files = written(&out);
    assert_eq!(listed, files, "run --help's --out against the directory");
    let said: BTreeSet<String> = stdout(&o)
        .lines()
        .filter(|l| l.starts_with("wrote "))
        .flat_map(output_names)
        .collect();
    assert_eq!(said, files, "stdout's wrote lines against the directory");
}

#[test]
fn no_costs_writes_no_cost_tables_and_the_manifest_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--trials", "3", "--no-charts", "--out"];
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        args.push("scenarios/quota-wave.json");
        let o = ecsim(&args, None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        o
    };
    run(&[]);
    assert!(out.join("costs.csv").exists());
    // The second run in the same directory removes the first's cost tables.
    let o = run(&["--no-costs"]);
    let files = written(&out);
    for f in ["costs.csv", "prices.csv", "internet.csv", "spot.csv"] {
        assert!(!files.contains(f), "{f} written with --no-costs");
        assert!(!stdout(&o).contains(f), "stdout names {f}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let text = manifest.to_string();
    assert!(!text.contains("costs.csv"), "{text}");
    let v = ecsim(&["verify", out.to_str().unwrap()], None);
    assert_eq!(v.status.code(), Some(0), "{}{}", stdout(&v), stderr(&v));
}

#[test]
fn help_has_examples() {
    for args in [&["--help"][..], &["run", "--help"], &["check", "--help"]] {
        let o = ecsim(args, None);
        assert_eq!(o.status.code(), Some(0));
        assert!(
            stdout(&o).contains("\nExamples:\n  ecsim "),
            "{args:?}:\n{}",
            stdout(&o)
        );
    }
}

#[test]
fn completions_and_man_pages_come_from_the_real_flags() {
    let o = ecsim(&["completions", "bash"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bash = stdout(&o);
    assert!(
        bash.contains("complete -F") && bash.contains("--strict"),
        "{bash}"
    );
    let o = ecsim(&["completions", "zsh"], None);
    assert!(stdout(&o).contains("#compdef ecsim"), "{}", stdout(&o));
    let o = ecsim(&["completions", "tcsh"], None);
    assert_eq!(o.status.code(), Some(2));

    let o = ecsim(&["man"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(
        page.starts_with(".ie") || page.contains(".TH ecsim"),
        "{page}"
    );
    let o = ecsim(&["man", "run"], None);
    let page = stdout(&o);
    assert!(page.contains(".TH ecsim-run"), "{page}");
    assert!(
        page.contains("strict") && page.contains("Examples:"),
        "{page}"
    );
    let o = ecsim(&["man", "rnu"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean \"run\"?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_run_off_a_terminal_prints_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    let o = ecsim(
        &[
            "run",
            "--trials",
            "3000",
            "--no-charts",
            "--out",
            dir.path().join("out").to_str().unwrap(),
            "scenarios/quota-wave.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        !err.contains('\r') && !err.contains("request-trials"),
        "{err:?}"
    );
}
