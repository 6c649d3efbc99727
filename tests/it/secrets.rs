//! No output carries a secret: every shipped scenario and check example is run with marker
//! secrets and credentials injected into every request, and every byte written (files and
//! their names, stdout, stderr) is searched for the markers, raw, URL-encoded and Base64.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::support::{ecsim, stderr, stdout, AT};

const PASSWORD: &str = "MarkerPw#9x";
/// A second swept password, so the sweep has two values.
const PASSWORD_2: &str = "MarkerPw#8y";
/// Sent as `password` (lower case), which the catalog does not know.
const LOWER_PASSWORD: &str = "MarkerLowPw#7";
const USERDATA_PLAIN: &str = "MARKER-USERDATA-42";
const ACCESS_KEY: &str = "LTAIMarkerAk77";
const TOKEN: &str = "MarkerSts55Token";
const SIGNATURE: &str = "MarkerSig33+/=";

fn userdata() -> String {
    base64::engine::general_purpose::STANDARD.encode(USERDATA_PLAIN)
}

/// The marker parameters injected into every request.
fn injected() -> Vec<(&'static str, String)> {
    vec![
        ("Password", PASSWORD.to_string()),
        ("UserData", userdata()),
        ("AccessKeyId", ACCESS_KEY.to_string()),
        ("SecurityToken", TOKEN.to_string()),
        ("Signature", SIGNATURE.to_string()),
    ]
}

/// Every form a marker could take in an output: raw, URL-encoded, Base64; plus fragments that
/// a cut at `#` or `&` would leave.
fn needles() -> Vec<String> {
    let raw = [
        PASSWORD.to_string(),
        PASSWORD_2.to_string(),
        LOWER_PASSWORD.to_string(),
        userdata(),
        USERDATA_PLAIN.to_string(),
        ACCESS_KEY.to_string(),
        TOKEN.to_string(),
        SIGNATURE.to_string(),
        "Tail9x".to_string(),
    ];
    let mut out = Vec::new();
    for m in raw {
        out.push(form_urlencoded::byte_serialize(m.as_bytes()).collect::<String>());
        out.push(base64::engine::general_purpose::STANDARD.encode(&m));
        out.push(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&m));
        out.push(m);
    }
    // fragments: what is left of each marker after a cut at `#`, and its distinctive stems
    for f in [
        "MarkerPw",
        "MarkerLowPw",
        "MARKER-USERDATA",
        "MarkerAk",
        "MarkerSts",
        "MarkerSig",
    ] {
        out.push(f.to_string());
        out.push(f.to_ascii_lowercase());
    }
    out.sort();
    out.dedup();
    out
}

/// Panics when `bytes` (from `what`) holds any needle.
fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for n in needles() {
        if let Some(i) = text.find(&n) {
            let from = text[..i].char_indices().rev().nth(80).map_or(0, |(j, _)| j);
            let to = (i + n.len() + 80).min(text.len());
            let to = (to..=text.len())
                .find(|&j| text.is_char_boundary(j))
                .unwrap();
            panic!("{what} leaks {n:?}: ...{}...", &text[from..to]);
        }
    }
}

/// Every file under `dir`, recursively: names and contents are checked. Returns the count.
fn assert_dir_clean(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let rel = p.strip_prefix(dir).unwrap().display().to_string();
        assert_clean(&format!("file name {}", p.display()), rel.as_bytes());
        if p.is_dir() {
            n += assert_dir_clean(&p);
        } else {
            assert_clean(&p.display().to_string(), &std::fs::read(&p).unwrap());
            n += 1;
        }
    }
    n
}

fn assert_output_clean(what: &str, o: &std::process::Output) {
    assert_clean(&format!("{what}: stdout"), &o.stdout);
    assert_clean(&format!("{what}: stderr"), &o.stderr);
}

/// Adds the markers to a request given as a JSON object or a query string.
fn inject(request: &mut Value) {
    match request {
        Value::Object(m) => inject_map(m),
        Value::String(q) => {
            for (k, v) in injected() {
                q.push('&');
                q.push_str(k);
                q.push('=');
                q.extend(form_urlencoded::byte_serialize(v.as_bytes()));
            }
        }
        other => panic!("a request is an object or a string: {other}"),
    }
}

fn inject_map(m: &mut Map<String, Value>) {
    for (k, v) in injected() {
        m.insert(k.to_string(), Value::String(v));
    }
}

/// A copy of the shipped scenario at `path` with the markers in every request, written to
/// `dir` (which holds a copy of `scenarios/traces/`).
fn injected_scenario(path: &Path, dir: &Path) -> PathBuf {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut requests = 0;
    for e in doc["timeline"].as_array_mut().expect("a timeline") {
        if let Some(r) = e.get_mut("request") {
            inject(r);
            requests += 1;
        }
    }
    assert!(requests > 0, "{}", path.display());
    let out = dir.join(path.file_name().unwrap());
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    out
}

/// The shipped spreadsheet with marker columns filled on every request row.
fn injected_sheet(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string("scenarios/spreadsheet.csv").unwrap();
    let mut out = String::new();
    let mut region = None;
    let mut rows = 0;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            out.push_str(line);
        } else if let Some(col) = region {
            assert!(!line.contains('"'), "unquoted cells: {line}");
            out.push_str(line);
            let cells: Vec<&str> = line.split(',').collect();
            let is_request = cells.get(col).is_some_and(|c: &&str| !c.is_empty());
            for (_, v) in injected() {
                out.push(',');
                if is_request {
                    out.push_str(&v);
                }
            }
            rows += usize::from(is_request);
        } else {
            region = line.split(',').position(|h| h == "RegionId");
            out.push_str(line);
            for (k, _) in injected() {
                out.push(',');
                out.push_str(k);
            }
        }
        out.push('\n');
    }
    assert!(rows > 0 && region.is_some());
    let path = dir.join("spreadsheet.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// A temporary `scenarios/` with the traces the shipped scenarios read.
fn scenario_dir() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let traces = t.path().join("traces");
    std::fs::create_dir(&traces).unwrap();
    for e in std::fs::read_dir("scenarios/traces").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, traces.join(p.file_name().unwrap())).unwrap();
    }
    t
}

fn shipped_json() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    assert!(v.len() >= 7, "{v:?}");
    v
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn shipped_scenarios_with_secrets_leak_nothing() {
    let dir = scenario_dir();
    let mut files: Vec<PathBuf> = shipped_json()
        .iter()
        .map(|p| injected_scenario(p, dir.path()))
        .collect();
    files.push(injected_sheet(dir.path()));
    for json in [false, true] {
        let out = dir.path().join(format!("out-{json}"));
        let mut args = vec!["run", "--trials", "2", "--no-charts", "--out", s(&out)];
        if json {
            args.push("--json");
        }
        args.extend(files.iter().map(|p| s(p)));
        let o = ecsim(&args, None);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{}{}",
            stdout(&o),
            stderr(&o)
        );
        assert_output_clean(&format!("run --json={json}"), &o);
        assert!(assert_dir_clean(&out) >= 8);
        // the markers did reach the inputs, shown hidden
        let page = std::fs::read_to_string(out.join("report.html")).unwrap();
        for k in [
            "Password",
            "UserData",
            "AccessKeyId",
            "SecurityToken",
            "Signature",
        ] {
            assert!(page.contains(&format!("{k}=***")), "{k} in report.html");
        }
    }
}

#[test]
fn a_sweep_over_password_leaks_nothing_even_in_chart_names() {
    let dir = scenario_dir();
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string("scenarios/batch-size-sweep.json").unwrap())
            .unwrap();
    doc["name"] = Value::String("pw-sweep".into());
    doc["sweep"] = serde_json::json!({"Password": [PASSWORD, PASSWORD_2], "Amount": [5, 10]});
    for e in doc["timeline"].as_array_mut().unwrap() {
        let r = e["request"].as_object_mut().unwrap();
        inject_map(r);
        r.insert("password".into(), Value::String(LOWER_PASSWORD.into()));
    }
    let path = dir.path().join("pw-sweep.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    for json in [false, true] {
        let out = dir.path().join(format!("out-{json}"));
        let mut args = vec!["run", "--trials", "2", "--out", s(&out)];
        if json {
            args.push("--json");
        }
        args.push(s(&path));
        let o = ecsim(&args, None);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{}{}",
            stdout(&o),
            stderr(&o)
        );
        assert_output_clean(&format!("sweep run --json={json}"), &o);
        // variants are named by the value's position; charts were written for them
        for tag in ["Password=#1", "Password=#2", "Amount=10"] {
            assert!(stdout(&o).contains(tag), "{tag}: {}", stdout(&o));
        }
        let files = assert_dir_clean(&out);
        let svgs = walk(&out)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "svg"))
            .count();
        assert!(svgs >= 4 && files > svgs, "{files} files, {svgs} SVG");
        let page = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(page.contains("password=***") && page.contains("Password=***"));
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

/// The check examples with the markers in every request, in their own forms.
fn injected_check_examples(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // query strings / URLs, one per line
    let text = std::fs::read_to_string("scenarios/check/reference-example.txt").unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.trim().is_empty() || l.starts_with('#') {
                l.to_string()
            } else {
                let mut v = Value::String(l.to_string());
                inject(&mut v);
                v.as_str().unwrap().to_string()
            }
        })
        .collect();
    out.push(dir.join("reference-example.txt"));
    std::fs::write(&out[0], lines.join("\n")).unwrap();
    // JSON Lines
    let text = std::fs::read_to_string("scenarios/check/review.jsonl").unwrap();
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            inject(&mut v);
            v.to_string()
        })
        .collect();
    out.push(dir.join("review.jsonl"));
    std::fs::write(&out[1], lines.join("\n")).unwrap();
    // one pretty JSON object
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string("scenarios/check/sdk-capture.json").unwrap())
            .unwrap();
    inject(&mut v);
    v["password"] = Value::String(LOWER_PASSWORD.into());
    out.push(dir.join("sdk-capture.json"));
    std::fs::write(&out[2], serde_json::to_string_pretty(&v).unwrap()).unwrap();
    // aliyun CLI lines: the markers as parameters and as the CLI's credential flags, at the
    // end of each command (a command's last line does not end in '\')
    let text = std::fs::read_to_string("scenarios/check/cli-lines.txt").unwrap();
    let flags = format!(
        " --Password '{PASSWORD}' --UserData {} --password '{LOWER_PASSWORD}' \
         --access-key-id {ACCESS_KEY} --sts-token {TOKEN} --access-key-secret '{SIGNATURE}'",
        userdata()
    );
    let mut commands = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let t = l.trim();
            if t.is_empty() || t.starts_with('#') || t.ends_with('\\') {
                l.to_string()
            } else {
                commands += 1;
                format!("{l}{flags}")
            }
        })
        .collect();
    assert!(commands >= 3, "{commands}");
    out.push(dir.join("cli-lines.txt"));
    std::fs::write(&out[3], lines.join("\n")).unwrap();
    // an SDK's nested map: the markers at the top, nested, and in the SDKs' spellings
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string("scenarios/check/sdk-nested.json").unwrap())
            .unwrap();
    inject(&mut v);
    v["password"] = Value::String(LOWER_PASSWORD.into());
    v["SystemDisk"]["Password"] = Value::String(PASSWORD_2.into());
    v["DataDisk"][0]["user_data"] = Value::String(userdata());
    out.push(dir.join("sdk-nested.json"));
    std::fs::write(&out[4], serde_json::to_string_pretty(&v).unwrap()).unwrap();
    // The Terraform and ROS examples hold marker secrets of their own:
    // tests/it/terraform.rs and tests/it/ros.rs.
    let examples = std::fs::read_dir("scenarios/check")
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            !name.starts_with("terraform-") && !name.starts_with("ros-")
        })
        .count();
    assert_eq!(examples, out.len(), "every check example is covered");
    out
}

#[test]
fn check_examples_with_secrets_leak_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let files = injected_check_examples(dir.path());
    for f in &files {
        for json in [false, true] {
            let mut args = vec!["check", "--at", AT];
            if json {
                args.push("--json");
            }
            args.push(s(f));
            let o = ecsim(&args, None);
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{}: {}{}",
                f.display(),
                stdout(&o),
                stderr(&o)
            );
            assert_output_clean(&format!("check --json={json} {}", f.display()), &o);
        }
        // the same from stdin
        let text = std::fs::read_to_string(f).unwrap();
        let o = ecsim(&["check", "--at", AT, "-"], Some(&text));
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        assert_output_clean(&format!("check - < {}", f.display()), &o);
    }
}

#[test]
fn a_query_line_with_an_unencoded_ampersand_or_hash_leaked_the_password() {
    let base = "RegionId=cn-hangzhou&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd\
                &InstanceType=ecs.g7.large&SecurityGroupId=sg-bp15ed6xe1yxeycg7o3k";
    let col = |line: &str, part: &str| line.find(part).unwrap() + 1;
    let cases = [
        // `&` cuts the password: its tail would be an unknown name
        format!("{base}&Password=MarkerPw&Tail9x!&Amount=2"),
        format!("{base}&password=MarkerPw&Tail9x&Amount=2"),
        // `#` would drop the rest of the line, the password's tail included
        format!("{base}&Password={PASSWORD}&Amount=2"),
        // an encoded `=` puts the secret into the name
        format!("{base}&Password%3D{}=", "MarkerPw9x"),
    ];
    let at = [
        col(&cases[0], "Tail9x"),
        col(&cases[1], "Tail9x"),
        col(&cases[2], "#"),
        col(&cases[3], "Password%3D"),
    ];
    for (line, at) in cases.iter().zip(at) {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("q.txt");
        std::fs::write(&f, format!("# a comment\n{line}\n")).unwrap();
        for args in [
            vec!["check", "--at", AT, s(&f)],
            vec!["check", "--at", AT, "--json", s(&f)],
            vec!["check", "--at", AT, line.as_str()],
        ] {
            let o = ecsim(&args, None);
            assert_eq!(o.status.code(), Some(2), "{line}: {}", stdout(&o));
            assert_output_clean(line, &o);
            let e = stderr(&o);
            assert!(
                e.contains("percent-encode `&` and `#` in values"),
                "{line}: {e}"
            );
            if args[3] != line.as_str() {
                assert!(e.contains(&format!("q.txt:2:{at}: ")), "{line}: {e}");
            } else {
                assert!(e.contains(&format!("argument 1:1:{at}: ")), "{line}: {e}");
            }
        }
    }
    // percent-encoded, the same password is read whole and still never shown
    let ok = format!(
        "{base}&VSwitchId=vsw-bp1s5fnvk4gn2tws03624&SystemDisk.Category=cloud_essd\
         &Password=MarkerPw%26Tail9x%23&Amount=2"
    );
    let o = ecsim(&["check", "--at", AT, "--json", &ok], None);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_output_clean("encoded", &o);
}

#[test]
fn a_bad_cli_line_or_nested_map_never_echoes_its_secrets() {
    let base = "aliyun ecs RunInstances --RegionId cn-hangzhou \
                --ImageId aliyun_3_x64_20G_alibase_20240528.vhd --InstanceType ecs.g7.large";
    let cases = [
        format!("{base} --Password '{PASSWORD}"),
        format!("{base} --Password MarkerPw&Tail9x --Amount 2"),
        format!("{base} --Password MarkerPw9x Tail9x"),
        format!("{base} --Password --MarkerPw9x"),
        format!("{base} --access-key-secret --MarkerPw9x"),
        format!("{base} --Password \"MarkerPw$Tail9x\""),
        format!("{base} --Password 'MarkerPw9x' \\"),
        format!("{base} --Password=MarkerPw9x --Password MarkerPw8y"),
        "aliyun --Password MarkerPw9x vpc RunInstances --RegionId x".to_string(),
        "aliyun --Password MarkerPw9x ecs MarkerPw8y --RegionId x".to_string(),
        format!("{base} --Password MarkerPw9x --UserData-FILE MarkerPw8y"),
        format!("{base} --Password MarkerPw9x --region"),
        format!("{base} --sts-token {TOKEN} -MarkerPw9x"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for line in &cases {
        let f = dir.path().join("c.txt");
        std::fs::write(&f, format!("# a comment\n{line}\n")).unwrap();
        for args in [
            vec!["check", "--at", AT, s(&f)],
            vec!["check", "--at", AT, "--json", s(&f)],
            vec!["check", "--at", AT, line.as_str()],
        ] {
            let o = ecsim(&args, None);
            assert_eq!(o.status.code(), Some(2), "{line}: {}", stdout(&o));
            assert_output_clean(line, &o);
            let e = stderr(&o);
            assert!(
                e.contains(":2:") || e.contains("argument 1:1:"),
                "{line}: {e}"
            );
        }
    }
    // nested maps: an error names the top key only
    for map in [
        format!(r#"{{"RegionId": "x", "Password": {{"{PASSWORD}": 1}}}}"#),
        format!(r#"{{"RegionId": "x", "Foo": {{"UserData": ["{PASSWORD}"]}}}}"#),
        format!(r#"{{"RegionId": "x", "Tag": [[{{"Key": "{PASSWORD}"}}]]}}"#),
    ] {
        let o = ecsim(&["check", "--at", AT, "-"], Some(&map));
        assert_eq!(o.status.code(), Some(2), "{map}: {}", stdout(&o));
        assert_output_clean(&map, &o);
    }
}
