//! The bad-input catalog: one file per class of bad input, fed to each loader through the
//! real binary. Every refusal must exit 2 and name the file, a place in it (line:column, a key
//! path such as `timeline[0].at`, or for a size cap the ceiling it went past) and a fix, with
//! no panic; a byte-order mark must be accepted. `docs/reliability.md` describes the catalog.

use crate::support::{ecsim, stderr, stdout, AT};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The classes of bad input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A number or duration past what its type holds.
    Overflow,
    /// A file over the loader's size ceiling (a sparse file: cheap to make).
    Huge,
    /// One line of 2 MiB, ending in a mistake the message must place without echoing it.
    LongLine,
    /// `1e999`: JSON has no NaN, and this is the nearest a file gets to an infinity.
    NonFinite,
    /// A negative price or traffic figure.
    OutOfRange,
    /// Bytes 0xFF 0xFE in the middle of a line.
    InvalidUtf8,
    /// A UTF-8 byte-order mark before valid text: accepted.
    Bom,
    /// A value of the wrong JSON type (`"trials": "500"`, `"Amount": {}`).
    WrongType,
    /// `/dev/zero` as the path: reading must stop at the ceiling.
    DevZero,
}

const CLASSES: [Class; 9] = [
    Class::Overflow,
    Class::Huge,
    Class::LongLine,
    Class::NonFinite,
    Class::OutOfRange,
    Class::InvalidUtf8,
    Class::Bom,
    Class::WrongType,
    Class::DevZero,
];

/// What a case feeds its loader.
enum Body {
    Bytes(Vec<u8>),
    /// `prefix`, then zeros up to `len` bytes (`File::set_len`: sparse).
    Sparse(&'static str, u64),
    /// `/dev/zero` itself.
    DevZero,
}

/// The loaders, each reached through the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loader {
    CheckJsonLines,
    CheckArray,
    CheckQuery,
    RunJson,
    RunCsv,
    /// A CSV timeline named by a JSON scenario (`"timeline": "plan.csv"`).
    RunTimelineRef,
    WorldJson,
    WorldSpotCsv,
    /// `costs.prices` of a scenario.
    Prices,
    /// `costs.traffic: {"trace": ...}` of a scenario.
    TrafficTrace,
    ServeWorld,
}

const LOADERS: [Loader; 11] = [
    Loader::CheckJsonLines,
    Loader::CheckArray,
    Loader::CheckQuery,
    Loader::RunJson,
    Loader::RunCsv,
    Loader::RunTimelineRef,
    Loader::WorldJson,
    Loader::WorldSpotCsv,
    Loader::Prices,
    Loader::TrafficTrace,
    Loader::ServeWorld,
];

const MIB: u64 = 1 << 20;
const INPUT_CAP: u64 = 64 * MIB;
const REQUEST_CAP: u64 = 1 << 30;

fn req(changes: &str) -> String {
    let base = crate::support::request(&[]);
    // `base` is one JSON object: splice `changes` in before its closing brace.
    match changes {
        "" => base,
        c => format!("{},{c}}}", base.trim_end_matches('}')),
    }
}

fn query(changes: &str) -> String {
    let mut q: Vec<String> = crate::support::base()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !changes.is_empty() {
        q.push(changes.to_string());
    }
    q.join("&")
}

/// A short scenario: one trial, an hour, one request.
fn scenario(extra: &str, at: &str) -> String {
    format!(
        r#"{{"name": "bad", "horizon": "1h", "trials": 1{extra},
 "timeline": [{{"at": "{at}", "label": "web", "request": {}}}]}}"#,
        crate::support::request(&[])
    )
}

const CSV_HEAD: &str = "at,label,RegionId,ImageId,InstanceType,SecurityGroupId,VSwitchId,\
                        SystemDisk.Category,Amount\n";

fn csv_row(at: &str) -> String {
    format!(
        "{at},web,cn-hangzhou,aliyun_3_x64_20G_alibase_20240528.vhd,ecs.g7.large,\
         sg-bp15ed6xe1yxeycg7o3k,vsw-bp1s5fnvk4gn2tws03624,cloud_essd,2\n"
    )
}

fn world_spot(price: &str, origin: &str) -> String {
    format!(
        r#"{{"SpotPrices": {{"SpotPriceType": [
  {{"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "SpotPrice": 0.1,
   "OriginPrice": 0.59, "Timestamp": "2026-12-01T00:00:00Z"}},
  {{"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "SpotPrice": {price},
   "OriginPrice": {origin}, "Timestamp": "2026-12-01T01:00:00Z"}}]}}}}
"#
    )
}

fn world_quota(count: &str) -> String {
    format!(
        r#"{{"RegionQuotas": {{"RegionQuota": [
  {{"RegionId": "cn-hangzhou", "MaxPostpaidInstanceCount": {count}}}]}}}}
"#
    )
}

const SPOT_HEAD: &str = "ZoneId,InstanceType,SpotPrice,OriginPrice,Timestamp\n";

fn spot_row(price: &str, time: &str) -> String {
    format!("cn-hangzhou-i,ecs.g7.large,{price},0.59,{time}\n")
}

fn prices(price: &str) -> String {
    format!(
        r#"{{"regions": {{"cn-hangzhou": {{"currency": "CNY",
  "internet": {{"traffic_per_gb": {{"price": {price}}}}}}}}}}}
"#
    )
}

fn with_utf8_error(text: &str) -> Vec<u8> {
    // 0xFF 0xFE in the middle of the last non-empty line.
    let t = text.trim_end();
    let cut = t.rfind('\n').map_or(t.len() / 2, |i| i + (t.len() - i) / 2);
    let cut = (0..=cut).rev().find(|&i| t.is_char_boundary(i)).unwrap();
    let mut b = t.as_bytes()[..cut].to_vec();
    b.extend_from_slice(&[0xFF, 0xFE]);
    b.extend_from_slice(&t.as_bytes()[cut..]);
    b.push(b'\n');
    b
}

fn bom(text: &str) -> Vec<u8> {
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice(text.as_bytes());
    b
}

/// 2 MiB of `x`.
fn long() -> String {
    "x".repeat(2 * MIB as usize)
}

/// The file name a loader's input gets, and the valid text it starts from.
fn valid(l: Loader) -> (&'static str, String) {
    match l {
        Loader::CheckJsonLines => ("bad.jsonl", format!("{}\n{}\n", req(""), req(""))),
        Loader::CheckArray => ("bad.json", format!("[\n{},\n{}\n]\n", req(""), req(""))),
        Loader::CheckQuery => ("bad.txt", format!("{}\n", query(""))),
        Loader::RunJson => ("bad.json", scenario("", "+0m")),
        Loader::RunCsv | Loader::RunTimelineRef => {
            ("bad.csv", format!("{CSV_HEAD}{}", csv_row("+0m")))
        }
        Loader::WorldJson | Loader::ServeWorld => ("bad.json", world_spot("0.2", "0.59")),
        Loader::WorldSpotCsv => (
            "bad.csv",
            format!("{SPOT_HEAD}{}", spot_row("0.1", "2026-12-01T00:00:00Z")),
        ),
        Loader::Prices => ("bad.json", prices("0.8")),
        Loader::TrafficTrace => ("bad.csv", "hour,gb\n0,0.5\n1,0.25\n".to_string()),
    }
}

/// The input of (loader, class), or None where the class does not apply (with the reason).
fn body(l: Loader, c: Class) -> Option<Body> {
    use Loader::*;
    let b = |s: String| Some(Body::Bytes(s.into_bytes()));
    let (_, text) = valid(l);
    match c {
        Class::Bom => Some(Body::Bytes(bom(&text))),
        Class::InvalidUtf8 => Some(Body::Bytes(with_utf8_error(&text))),
        Class::DevZero => Some(Body::DevZero),
        Class::Huge => Some(match l {
            // JSON Lines and query lines stream with no total ceiling: the 1 MiB line
            // ceiling is theirs (a file of zeros is one endless line).
            CheckJsonLines | CheckQuery => Body::Sparse("", 2 * MIB),
            CheckArray => Body::Sparse("[", REQUEST_CAP + 1),
            _ => Body::Sparse("", INPUT_CAP + 1),
        }),
        Class::Overflow => match l {
            // Amount is a request parameter: a huge Amount is the API's answer
            // (InvalidAmount), an outcome, not bad input. A number JSON cannot hold as a
            // 64-bit integer or float is the loader's to refuse; see NonFinite.
            CheckJsonLines | CheckArray | CheckQuery => None,
            RunJson => b(scenario("", "+9000000000000000s")),
            RunCsv | RunTimelineRef => b(format!("{CSV_HEAD}{}", csv_row("+9000000000000000s"))),
            WorldJson | ServeWorld => b(world_quota("99999999999999999999999")),
            WorldSpotCsv => b(format!(
                "{SPOT_HEAD}{}",
                spot_row("0.1", "99999-12-01T00:00:00Z")
            )),
            Prices => b(prices("99999999999999999999999")),
            TrafficTrace => b("hour,gb\n0,0.5\n99999999999999999999999,0.25\n".to_string()),
        },
        Class::NonFinite => match l {
            CheckJsonLines => b(format!("{}\n{}\n", req(""), req(r#""Amount": 1e999"#))),
            CheckArray => b(format!(
                "[\n{},\n{}\n]\n",
                req(""),
                req(r#""Amount": 1e999"#)
            )),
            // Query values are text: `SpotPriceLimit=1e999` is the API's to answer.
            CheckQuery => None,
            RunJson => b(scenario("", "+0m").replace(r#""trials": 1"#, r#""trials": 1e999"#)),
            // A CSV timeline's numbers are request parameters (text), answered by the API.
            RunCsv | RunTimelineRef => None,
            WorldJson | ServeWorld => b(world_spot("1e999", "0.59")),
            WorldSpotCsv => b(format!(
                "{SPOT_HEAD}{}",
                spot_row("1e999", "2026-12-01T00:00:00Z")
            )),
            Prices => b(prices("1e999")),
            TrafficTrace => b("hour,gb\n0,0.5\n1,1e999\n".to_string()),
        },
        Class::OutOfRange => match l {
            // A negative SpotPriceLimit in a request is the API's to answer.
            CheckJsonLines | CheckArray | CheckQuery | RunCsv | RunTimelineRef => None,
            RunJson => b(scenario(
                r#", "costs": {"traffic": {"constant_gb_per_hour": -0.5}}"#,
                "+0m",
            )),
            WorldJson | ServeWorld => b(world_spot("0.2", "-0.5")),
            WorldSpotCsv => b(format!(
                "{SPOT_HEAD}{}",
                spot_row("-0.5", "2026-12-01T00:00:00Z")
            )),
            Prices => b(prices("-0.5")),
            TrafficTrace => b("hour,gb\n0,0.5\n1,-0.5\n".to_string()),
        },
        Class::WrongType => match l {
            CheckJsonLines => b(format!("{}\n{}\n", req(""), req(r#""Amount": {}"#))),
            CheckArray => b(format!("[\n{},\n{}\n]\n", req(""), req(r#""Amount": {}"#))),
            // Query lines carry only text.
            CheckQuery => None,
            RunJson => b(scenario("", "+0m").replace(r#""trials": 1"#, r#""trials": "500""#)),
            // CSV cells are text; a time that is not one is the nearest wrong type.
            RunCsv | RunTimelineRef => b(format!("{CSV_HEAD}{}", csv_row("soon"))),
            WorldJson | ServeWorld => b(world_quota(r#""500""#)),
            WorldSpotCsv => b(format!(
                "{SPOT_HEAD}{}",
                spot_row("cheap", "2026-12-01T00:00:00Z")
            )),
            Prices => b(prices(r#""0.8""#)),
            TrafficTrace => b("hour,gb\n0,0.5\none,0.25\n".to_string()),
        },
        Class::LongLine => match l {
            // The line ceiling of streamed requests.
            CheckJsonLines => b(format!("{}\n{{\"RegionId\": \"{}\"}}\n", req(""), long())),
            CheckQuery => b(format!("{}\nRegionId={}\n", query(""), long())),
            // JSON documents: a 2 MiB value on the line with the mistake.
            CheckArray => b(format!(
                "[{}, {{\"Amount\": {{}}, \"Description\": \"{}\"}}]\n",
                req(""),
                long()
            )),
            RunJson => b(scenario(
                &format!(r#", "description": "{}", "seed": "500""#, long()),
                "+0m",
            )),
            RunCsv | RunTimelineRef => b(format!("{CSV_HEAD}{}", csv_row(&long()))),
            WorldJson | ServeWorld => b(format!(
                r#"{{"Description": "{}", "RegionQuotas": {{"RegionQuota": [{{"RegionId": "cn-hangzhou", "MaxPostpaidInstanceCount": "500"}}]}}}}"#,
                long()
            )),
            WorldSpotCsv => b(format!(
                "{SPOT_HEAD}{}",
                spot_row(&long(), "2026-12-01T00:00:00Z")
            )),
            Prices => b(format!(
                r#"{{"regions": {{"cn-hangzhou": {{"currency": "CNY", "internet": {{"traffic_per_gb": {{"price": "0.8", "source": "{}"}}}}}}}}}}"#,
                long()
            )),
            TrafficTrace => b(format!("hour,gb\n0,0.5\n1,{}\n", long())),
        },
    }
}

/// The arguments that feed `file` to loader `l`; `dir` holds any helper files.
fn args(l: Loader, file: &Path, dir: &Path) -> Vec<String> {
    let f = file.display().to_string();
    let out = dir.join("out").display().to_string();
    let write = |name: &str, text: String| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let run = |scenario: String| {
        vec![
            "run".into(),
            "--no-charts".into(),
            "--out".into(),
            out.clone(),
            scenario,
        ]
    };
    let json = |s: &str| serde_json::to_string(s).unwrap();
    match l {
        Loader::CheckJsonLines | Loader::CheckArray | Loader::CheckQuery => {
            vec!["check".into(), "--at".into(), AT.into(), f]
        }
        Loader::RunJson | Loader::RunCsv => run(f),
        Loader::RunTimelineRef => run(write(
            "scenario.json",
            format!(
                r#"{{"name": "ref", "horizon": "1h", "trials": 1, "timeline": {}}}"#,
                json(&f)
            ),
        )),
        Loader::WorldJson | Loader::WorldSpotCsv => {
            let r = write("req.jsonl", format!("{}\n", req("")));
            vec![
                "check".into(),
                "--at".into(),
                AT.into(),
                "--world".into(),
                f,
                r,
            ]
        }
        Loader::Prices => run(write(
            "scenario.json",
            scenario(
                &format!(r#", "costs": {{"prices": [{}]}}"#, json(&f)),
                "+0m",
            ),
        )),
        Loader::TrafficTrace => run(write(
            "scenario.json",
            scenario(
                &format!(r#", "costs": {{"traffic": {{"trace": {}}}}}"#, json(&f)),
                "+0m",
            ),
        )),
        Loader::ServeWorld => vec![
            "serve".into(),
            "--port".into(),
            "0".into(),
            "--world".into(),
            f,
        ],
    }
}

/// Runs a serve case: a server that starts (prints its address) is stopped at once, as
/// `Ok(first line)`; one that exits is `Err(its output)`. No clock is involved.
fn serve(args: &[String]) -> Result<String, Output> {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    if line.starts_with("listening on") {
        child.kill().unwrap();
        child.wait().unwrap();
        return Ok(line);
    }
    Err(child.wait_with_output().unwrap())
}

/// What is wrong with a refusal's output, if anything.
fn judge_refusal(o: &Output, file: &str, c: Class) -> Option<String> {
    let err = stderr(o);
    let code = o.status.code();
    if code != Some(2) {
        return Some(format!("exit {code:?}, not 2"));
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        return Some("a panic".into());
    }
    if !err.contains(file) {
        return Some("the message does not name the file".into());
    }
    let after = &err[err.find(file).unwrap() + file.len()..];
    let line_col = after.starts_with(':')
        && after[1..]
            .split(':')
            .take(2)
            .filter(|p| p.parse::<u64>().is_ok())
            .count()
            == 2;
    // A key path: `file: timeline[2].at: ...`, or a line and the key on it (`file:2: Amount:`,
    // `file[1]: Amount:` for the second request of an array).
    let is_key = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._[]".contains(c))
    };
    let after_line = after
        .strip_prefix(':')
        .and_then(|r| r.split_once(": "))
        .filter(|(n, _)| n.parse::<u64>().is_ok())
        .map(|(_, r)| r);
    let after_index = after
        .strip_prefix('[')
        .and_then(|r| r.split_once("]: "))
        .filter(|(n, _)| n.parse::<u64>().is_ok())
        .map(|(_, r)| r);
    let key_path = [after.strip_prefix(": "), after_line, after_index]
        .into_iter()
        .flatten()
        .any(|r| r.split_once(": ").is_some_and(|(k, _)| is_key(k)));
    let ceiling = matches!(c, Class::Huge | Class::DevZero) && err.contains("ceiling");
    if !(line_col || key_path || ceiling) {
        return Some("the message gives no place (line:column or key path)".into());
    }
    const FIXES: [&str; 14] = [
        "write ",
        "give ",
        "save ",
        "use ",
        "split ",
        "check ",
        "remove ",
        "put ",
        "quote ",
        "did you mean",
        "keep ",
        "percent-encode ",
        "flatten ",
        "add ",
    ];
    let lower = err.to_lowercase();
    if !FIXES.iter().any(|f| lower.contains(f)) {
        return Some("the message gives no fix".into());
    }
    if err.len() > 4096 {
        return Some(format!(
            "the message is {} bytes: it echoes the input",
            err.len()
        ));
    }
    None
}

#[test]
fn badinput_catalog() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for l in LOADERS {
        for c in CLASSES {
            let Some(body) = body(l, c) else { continue };
            ran += 1;
            let dir = tempfile::tempdir().unwrap();
            let (name, _) = valid(l);
            let file: PathBuf = match &body {
                Body::DevZero => PathBuf::from("/dev/zero"),
                Body::Bytes(b) => {
                    let p = dir.path().join(name);
                    std::fs::write(&p, b).unwrap();
                    p
                }
                Body::Sparse(prefix, len) => {
                    let p = dir.path().join(name);
                    let f = std::fs::File::create(&p).unwrap();
                    std::io::Write::write_all(&mut &f, prefix.as_bytes()).unwrap();
                    f.set_len(*len).unwrap();
                    p
                }
            };
            let shown = file.display().to_string();
            let a = args(l, &file, dir.path());
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let verdict = if l == Loader::ServeWorld {
                let a: Vec<String> = a.iter().map(|s| s.to_string()).collect();
                match (serve(&a), c) {
                    (Ok(_), Class::Bom) => None,
                    (Ok(line), _) => Some(format!("the server started: {}", line.trim())),
                    (Err(o), Class::Bom) => Some(format!("refused: {}", stderr(&o).trim())),
                    (Err(o), _) => {
                        judge_refusal(&o, &shown, c).map(|w| format!("{w}: {}", cut(&stderr(&o))))
                    }
                }
            } else {
                let o = ecsim(&a, None);
                if c == Class::Bom {
                    match o.status.code() {
                        Some(0) | Some(1) => None,
                        code => Some(format!("refused (exit {code:?}): {}", cut(&stderr(&o)))),
                    }
                } else {
                    judge_refusal(&o, &shown, c)
                        .map(|w| format!("{w}: {} {}", cut(&stderr(&o)), cut(&stdout(&o))))
                }
            };
            if let Some(why) = verdict {
                failures.push(format!("{l:?} × {c:?}: {why}"));
            }
        }
    }
    assert!(ran >= 70, "the table ran only {ran} cases");
    assert!(
        failures.is_empty(),
        "{} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn cut(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A bad `SpotPrice`/`OriginPrice` in a world JSON file was named only by file, zone, type and
/// time after the merge; it is now placed at its record's line and column when read, by
/// `check --world`, `serve --world` and a scenario's `"world"`.
#[test]
fn a_bad_spot_price_in_a_world_json_file_is_placed_at_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("spot.json");
    // The bad record, SpotPriceType[1], starts at line 4, column 3.
    std::fs::write(&w, world_spot("0.2", "-0.5")).unwrap();
    let w = w.display().to_string();
    let want = format!(
        "{w}:4:3: SpotPrices.SpotPriceType[1] (ZoneId \"cn-hangzhou-i\"): OriginPrice -0.5 of \
         ecs.g7.large in cn-hangzhou-i at 2026-12-01T01:00:00Z is not a price >= 0; write a \
         price >= 0 per hour"
    );
    let o = ecsim(&["check", "--at", AT, "--world", &w, &req("")], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));

    let s = dir.path().join("s.json");
    std::fs::write(&s, scenario(r#", "world": ["spot.json"]"#, "+0m")).unwrap();
    let out = dir.path().join("out").display().to_string();
    let o = ecsim(&["run", "--out", &out, s.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));

    let args: Vec<String> = ["serve", "--port", "0", "--world", &w]
        .iter()
        .map(|s| s.to_string())
        .collect();
    match serve(&args) {
        Ok(line) => panic!("the server started: {line}"),
        Err(o) => {
            assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
            assert!(stderr(&o).contains(&want), "{}", stderr(&o));
        }
    }

    // Over the ceiling, in an inline fragment of a scenario: placed in the scenario file.
    std::fs::write(
        &s,
        scenario(
            r#", "world": [{"SpotPrices": {"SpotPriceType": [{"ZoneId": "cn-hangzhou-i",
 "InstanceType": "ecs.g7.large", "SpotPrice": 2e6, "OriginPrice": 0.59,
 "Timestamp": "2026-12-01T00:00:00Z"}]}}]"#,
            "+0m",
        ),
    )
    .unwrap();
    let o = ecsim(&["run", "--out", &out, s.to_str().unwrap()], None);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!("{}:1:", s.display()))
            && e.contains("SpotPrices.SpotPriceType[0]")
            && e.contains("SpotPrice 2000000 of ecs.g7.large")
            && e.contains("over the ceiling"),
        "{e}"
    );
}
