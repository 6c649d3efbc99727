//! `ecsim check` streaming its input: batches written in order, errors mid-stream, bad bytes
//! placed, byte-order marks, `--threads`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::{ecsim, json_lines, request, stderr, stdout, AT};

/// Runs the binary with `args` and `stdin` as raw bytes (which need not be UTF-8).
fn ecsim_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ecsim binary runs");
    // Written from a thread: the binary may stop reading at an error and exit.
    let mut pipe = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `n` JSON lines; line `k` (1-based) fails with Amount=0 when `k % fail_every == 0`.
fn lines(n: usize, fail_every: usize) -> String {
    let ok = request(&[]);
    let bad = request(&[("Amount", "0")]);
    let mut s = String::with_capacity(n * (ok.len() + 1));
    for k in 1..=n {
        s.push_str(if k % fail_every == 0 { &bad } else { &ok });
        s.push('\n');
    }
    s
}

fn check(args: &[&str]) -> Output {
    let mut all = vec!["check", "--at", AT];
    all.extend_from_slice(args);
    ecsim(&all, None)
}

#[test]
fn many_batches_come_out_in_input_order_with_one_summary_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    // 40,000 lines: more than two batches of 16,384 lines.
    let p = write(dir.path(), "many.jsonl", lines(40_000, 7).as_bytes());
    let p = p.to_str().unwrap();
    let one = check(&["--threads", "1", p]);
    let two = check(&["--threads", "2", p]);
    assert_eq!(one.status.code(), Some(1), "{}", stderr(&one));
    assert_eq!(
        one.stdout, two.stdout,
        "the text report depends on the thread count"
    );
    let text = stdout(&one);
    let firsts: Vec<&str> = text.lines().filter(|l| !l.starts_with("  ")).collect();
    assert_eq!(firsts.len(), 40_001, "a row per request and the summary");
    for (i, row) in firsts[..40_000].iter().enumerate() {
        assert!(row.starts_with(&format!("{p}:{}: ", i + 1)), "{row}");
        let fails = (i + 1) % 7 == 0;
        assert_eq!(row.contains(": error: "), fails, "{row}");
    }
    assert_eq!(
        firsts[40_000],
        "40000 request(s): 34286 predicted to succeed, 5714 to fail"
    );
    assert_eq!(text.matches("request(s):").count(), 1);

    let one = check(&["--json", "--threads", "1", p]);
    let two = check(&["--json", p]);
    assert_eq!(one.stdout, two.stdout, "--json depends on the thread count");
    let rows = json_lines(&one);
    assert_eq!(rows.len(), 40_000);
    assert_eq!(rows[39_999]["source"], format!("{p}:40000"));
    assert_eq!(rows[16_383]["ok"], true);
    assert_eq!(rows[16_386]["ok"], false, "line 16,387 is a multiple of 7");
}

#[test]
fn a_bad_line_in_a_later_batch_leaves_the_earlier_batches_rows_and_no_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = lines(20_000, usize::MAX);
    // Line 18,000 (the second batch) is not JSON.
    let at = text.match_indices('\n').nth(17_998).unwrap().0 + 1;
    text.insert_str(at, "{\"RegionId\" \"cn-hangzhou\"}\n");
    let p = write(dir.path(), "bad.jsonl", text.as_bytes());
    let p = p.to_str().unwrap();
    for threads in ["1", "2"] {
        let o = check(&["--threads", threads, p]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).starts_with(&format!("ecsim: {p}:18000:13: invalid JSON")),
            "{}",
            stderr(&o)
        );
        let out = stdout(&o);
        // The first batch (lines 1..=16,384) is out; nothing of the second; no summary.
        assert_eq!(out.lines().count(), 16_384, "threads {threads}");
        assert!(out
            .lines()
            .last()
            .unwrap()
            .starts_with(&format!("{p}:16384: ok")));
        assert!(!out.contains("request(s):"));
    }
    // The same error within the first batch: no report at all.
    let short: String = text
        .lines()
        .skip(17_990)
        .map(|l| format!("{l}\n"))
        .collect();
    let p = write(dir.path(), "short.jsonl", short.as_bytes());
    let o = check(&[p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("short.jsonl:10:13: "), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no partial report");
}

#[test]
fn invalid_utf8_in_a_request_file_gave_no_position_and_no_fix() {
    let dir = tempfile::tempdir().unwrap();
    // A Latin-1 byte (0xE9) in a password on line 3, after `{"Password":"Zq9` (16 characters).
    let mut bytes = format!("{}\n\n", request(&[])).into_bytes();
    let line3_at = bytes.len();
    bytes.extend_from_slice(b"{\"Password\":\"Zq9\xE9tait\",\"RegionId\":\"cn-hangzhou\"}\n");
    bytes.extend_from_slice(format!("{}\n", request(&[])).as_bytes());
    let p = write(dir.path(), "latin1.jsonl", &bytes);
    let o = check(&[p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    let offset = line3_at + 16;
    assert!(
        e.starts_with(&format!("ecsim: {}:3:17: ", p.display())),
        "{e}"
    );
    assert!(e.contains(&format!("byte offset {offset} ")), "{e}");
    assert!(e.contains("save the file as UTF-8"), "{e}");
    assert!(
        !e.contains("Zq9") && !e.contains("tait"),
        "the secret is echoed: {e}"
    );
    assert!(stdout(&o).is_empty());

    // Query lines on stdin: line 2, after `RegionId=x&Tag.1.Key=` and a two-byte character.
    let o = ecsim_bytes(
        &["check", "--at", AT, "-"],
        b"RegionId=cn-hangzhou\nRegionId=x&Tag.1.Key=\xC3\xA9\xFF\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("ecsim: -:2:23: this byte is not UTF-8 (byte offset 44 "),
        "{}",
        stderr(&o)
    );

    // A JSON document read whole (one object over several lines).
    let p = write(
        dir.path(),
        "doc.json",
        b"{\n  \"RegionId\": \"cn-hangzhou\",\n  \"InstanceName\": \"caf\xE9\"\n}\n",
    );
    let e = stderr(&check(&[p.to_str().unwrap()]));
    assert!(
        e.starts_with(&format!("ecsim: {}:3:23: ", p.display())),
        "{e}"
    );
    assert!(e.contains("byte offset 53 "), "{e}");

    // PowerShell's `>` writes UTF-16: said so.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("RegionId=x\n".bytes().flat_map(|b| [b, 0]))
        .collect();
    let p = write(dir.path(), "ps.txt", &utf16);
    let o = check(&[p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(":1:1: ") && stderr(&o).contains("UTF-16 byte-order mark"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_lines_starting_with_a_bom_were_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bom = "\u{feff}";
    let jsonl = format!("{bom}{}\n{}\n", request(&[]), request(&[("Amount", "0")]));
    let p = write(dir.path(), "bom.jsonl", jsonl.as_bytes());
    let o = check(&["--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["ok"], true);
    assert_eq!(rows[1]["code"], "InvalidParameter");
    // The same through stdin.
    let o = ecsim_bytes(&["check", "--at", AT, "--json", "-"], jsonl.as_bytes());
    assert_eq!(json_lines(&o).len(), 2, "{}", stderr(&o));

    // Query lines, a JSON array and a pretty-printed object with a BOM are read too.
    let query = format!("{bom}RegionId=cn-hangzhou&Amount=0\n");
    let array = format!("{bom}[{},{}]", request(&[]), request(&[]));
    let pretty = format!("{bom}{{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Amount\": \"0\"\n}}\n");
    for (name, text, n) in [
        ("q.txt", query, 1),
        ("a.json", array, 2),
        ("o.json", pretty, 1),
    ] {
        let p = write(dir.path(), name, text.as_bytes());
        let o = check(&["--json", p.to_str().unwrap()]);
        assert_eq!(json_lines(&o).len(), n, "{name}: {}", stderr(&o));
    }
    // Columns after a BOM count from the first visible character.
    let p = write(
        dir.path(),
        "q2.txt",
        format!("{bom}RegionId=x&Password=Ab#cd\n").as_bytes(),
    );
    let e = stderr(&check(&[p.to_str().unwrap()]));
    assert!(e.contains("q2.txt:1:23: "), "{e}");
}

#[test]
fn a_file_without_line_breaks_stops_at_the_line_ceiling() {
    let o = check(&["/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.starts_with("ecsim: /dev/zero:1:1: this line runs past the 1 MiB ceiling"),
        "{e}"
    );
    // A JSON array on one long line is a document, read whole: not refused.
    let dir = tempfile::tempdir().unwrap();
    let one = request(&[]);
    let array = format!("[{}]", vec![one.as_str(); 5_000].join(","));
    assert!(array.len() > 1 << 20);
    let p = write(dir.path(), "one-line.json", array.as_bytes());
    let o = check(&["--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 5_000);
}

#[test]
fn every_input_is_opened_before_any_report_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "good.jsonl", lines(3, usize::MAX).as_bytes());
    let o = check(&[p.to_str().unwrap(), "no/such/file.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("argument 2"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn threads_are_checked_like_runs() {
    for bad in ["0", "257", "two"] {
        let o = check(&["--threads", bad, "RegionId=cn-hangzhou"]);
        assert_eq!(o.status.code(), Some(2), "--threads {bad}");
        assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_run_without_an_error() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    // 40,000 rows are megabytes: far more than a pipe holds, so the writes hit the closed end.
    let p = write(
        dir.path(),
        "many.jsonl",
        lines(40_000, usize::MAX).as_bytes(),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["check", "--at", AT, "--json", p.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains(":1\",\"ok\":true"), "{first}");
    // The reader is dropped here, as `| head -1` does.
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}
