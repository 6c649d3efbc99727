//! `ecsim serve` at its HTTP edges (docs/serve.md, "Hardening"): malformed and oversized
//! requests answered in the API's error shape, header-read and idle timeouts, random bytes,
//! an unwritable `--out`, and the request log after its rework. Raw bytes over
//! `std::net::TcpStream`, against the real binary.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::support::{start_server as start, AT};

/// How long a test waits on a socket before giving up (a safety net, never asserted).
const PATIENCE: Duration = Duration::from_secs(60);

fn connect(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s
}

struct Resp {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("JSON body ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response (head, then `content-length` bytes) from a kept-alive connection.
fn read_response(s: &mut TcpStream) -> Resp {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).expect("a response head");
        assert_eq!(n, 1, "closed mid-head: {:?}", String::from_utf8_lossy(&buf));
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().unwrap())
        })
        .expect("a content-length");
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    Resp { status, head, body }
}

/// Sends `bytes` on a fresh connection and reads the one response.
fn exchange(addr: &str, bytes: &[u8]) -> Resp {
    let mut s = connect(addr);
    s.write_all(bytes).unwrap();
    read_response(&mut s)
}

fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: ecs\r\n\r\n").into_bytes()
}

/// The API's error shape with `code`, answered with 400.
fn assert_api_error(r: &Resp, code: &str) -> Value {
    assert_eq!(r.status, 400, "{}", r.text());
    let j = r.json();
    assert_eq!(j["Code"], code, "{j}");
    assert_eq!(j["HostId"], "ecs.aliyuncs.com");
    let rid = j["RequestId"].as_str().unwrap();
    assert_eq!(rid.len(), 36);
    assert_eq!(
        j["Recommend"],
        format!("https://api.aliyun.com/troubleshoot?q={code}&product=Ecs&requestId={rid}")
    );
    j
}

/// True once the server has closed `s` (EOF or reset); false if it answered bytes.
fn closed(s: &mut TcpStream) -> bool {
    let mut b = [0u8; 64];
    match s.read(&mut b) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => {
            assert!(
                !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "still open after {PATIENCE:?}"
            );
            true
        }
    }
}

fn describe_still_answers(addr: &str) {
    let r = exchange(
        addr,
        &get("/?Action=DescribeInstances&RegionId=cn-hangzhou"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["TotalCount"], 0);
}

#[test]
fn a_70_kib_query_gets_invalid_parameter_in_the_api_shape_not_a_bare_414() {
    let s = start(&[]);
    let pad = "a".repeat(70 * 1024);
    let r = exchange(
        &s.addr,
        &get(&format!(
            "/?Action=DescribeInstances&RegionId=cn-hangzhou&Pad={pad}"
        )),
    );
    let j = assert_api_error(&r, "InvalidParameter");
    assert!(
        j["Message"].as_str().unwrap().contains("query string"),
        "{j}"
    );
    // Format=XML is honoured in the refusal too.
    let r = exchange(&s.addr, &get(&format!("/?Format=XML&Pad={pad}")));
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("<Code>InvalidParameter</Code>"),
        "{}",
        r.text()
    );
    // Over the query limit but under hyper's URI limit, on a kept-alive connection: the
    // route's own check answers.
    let mut c = connect(&s.addr);
    c.write_all(&get("/?Action=DescribeInstances&RegionId=cn-hangzhou"))
        .unwrap();
    assert_eq!(read_response(&mut c).status, 200);
    let pad = "a".repeat(61 * 1024);
    c.write_all(&get(&format!("/?Action=DescribeInstances&Pad={pad}")))
        .unwrap();
    let j = assert_api_error(&read_response(&mut c), "InvalidParameter");
    assert!(
        j["Message"].as_str().unwrap().contains("over 60 KiB"),
        "{j}"
    );
    describe_still_answers(&s.addr);
}

#[test]
fn nul_or_invalid_utf8_in_a_parameter_gets_invalid_parameter_naming_it() {
    let s = start(&[]);
    for bad in ["cn%00hangzhou", "cn%FFhangzhou", "%C3%28"] {
        let r = exchange(
            &s.addr,
            &get(&format!(
                "/?Action=DescribeInstances&RegionId={bad}&Password=x%00y"
            )),
        );
        let j = assert_api_error(&r, "InvalidParameter");
        let msg = j["Message"].as_str().unwrap();
        assert!(msg.contains("RegionId"), "{msg}");
        assert!(!msg.contains("hangzhou"), "the value is not echoed: {msg}");
    }
    // A secret's name is named, its value never.
    let r = exchange(
        &s.addr,
        &get("/?Action=RunInstances&RegionId=cn-hangzhou&Password=Secret%00Passw0rd"),
    );
    let msg = assert_api_error(&r, "InvalidParameter")["Message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("Password") && !msg.contains("Secret"), "{msg}");
    // The tail of a secret cut at an unencoded `&` is not shown as a parameter name.
    let r = exchange(
        &s.addr,
        &get("/?Action=RunInstances&Password=Capture&Passw0rdTail=%FF"),
    );
    let msg = assert_api_error(&r, "InvalidParameter")["Message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("parameter 3 of the query string") && !msg.contains("Passw0rd"),
        "{msg}"
    );
    // Raw bytes that are not UTF-8 in a form body.
    let body = b"Action=DescribeInstances&RegionId=cn-\xff\xfe";
    let mut req = format!(
        "POST / HTTP/1.1\r\nHost: ecs\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    let r = exchange(&s.addr, &req);
    let msg = assert_api_error(&r, "InvalidParameter")["Message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("RegionId"), "{msg}");
    // A name that is not text: named by its place.
    let r = exchange(&s.addr, &get("/?Action=DescribeInstances&%FF=1"));
    let msg = assert_api_error(&r, "InvalidParameter")["Message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("parameter 2 of the query string"), "{msg}");
    describe_still_answers(&s.addr);
}

#[test]
fn malformed_request_heads_get_the_api_shape_not_a_bare_400() {
    let s = start(&[]);
    let cases: &[(&[u8], &str)] = &[
        (
            b"GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "Content-Length",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "Content-Length",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            "Transfer-Encoding",
        ),
        (b"GET /\x00 HTTP/1.1\r\n\r\n", "request head"),
        (b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", "request head"),
        (
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
            "request head",
        ),
    ];
    for (bytes, named) in cases {
        let r = exchange(&s.addr, bytes);
        let j = assert_api_error(&r, "InvalidParameter");
        assert!(j["Message"].as_str().unwrap().contains(named), "{j}");
        assert!(r.head.to_ascii_lowercase().contains("connection: close"));
    }
    describe_still_answers(&s.addr);
}

#[test]
fn a_half_sent_request_head_is_closed_after_the_header_timeout() {
    let s = start(&["--header-timeout", "1s"]);
    // The first head of a connection.
    let mut c = connect(&s.addr);
    c.write_all(b"POST /?Action=DescribeInstances HTTP/1.1\r\nHost: e")
        .unwrap();
    assert!(closed(&mut c));
    // A later head on a kept-alive connection.
    let mut c = connect(&s.addr);
    c.write_all(&get("/?Action=DescribeInstances&RegionId=cn-hangzhou"))
        .unwrap();
    assert_eq!(read_response(&mut c).status, 200);
    c.write_all(b"GET /?Action=Descr").unwrap();
    assert!(closed(&mut c));
    // A body that never comes is answered, not waited on forever.
    let mut c = connect(&s.addr);
    c.write_all(b"POST / HTTP/1.1\r\nHost: e\r\nContent-Length: 100\r\n\r\nAction=")
        .unwrap();
    let j = assert_api_error(&read_response(&mut c), "InvalidParameter");
    assert!(j["Message"].as_str().unwrap().contains("body"), "{j}");
    describe_still_answers(&s.addr);
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let s = start(&["--idle-timeout", "1s"]);
    let mut c = connect(&s.addr);
    c.write_all(&get("/?Action=DescribeInstances&RegionId=cn-hangzhou"))
        .unwrap();
    assert_eq!(read_response(&mut c).status, 200);
    assert!(closed(&mut c));
}

#[test]
fn shutdown_closes_idle_connections_and_exits_cleanly() {
    // Timeouts far away: only the shutdown can close the idle connection.
    let mut s = start(&["--idle-timeout", "1d", "--header-timeout", "1d"]);
    let mut idle = connect(&s.addr);
    idle.write_all(&get("/?Action=DescribeInstances&RegionId=cn-hangzhou"))
        .unwrap();
    assert_eq!(read_response(&mut idle).status, 200);
    let r = exchange(
        &s.addr,
        b"POST /_ecsim/shutdown HTTP/1.1\r\nHost: e\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    assert!(closed(&mut idle));
    assert!(s.child.wait().unwrap().success());
}

/// xorshift64*: a fixed stream of bytes for the random-bytes test.
fn random_bytes(state: &mut u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

#[test]
fn random_bytes_never_take_the_server_down() {
    let mut s = start(&["--header-timeout", "1s"]);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut answered = 0;
    for i in 0..200 {
        let len = 1 + (i * 37) % 1500;
        let bytes = random_bytes(&mut state, len);
        let mut c = connect(&s.addr);
        // The server may answer and close before taking every byte.
        let _ = c.write_all(&bytes);
        let mut out = Vec::new();
        let _ = c.read_to_end(&mut out);
        if out.is_empty() {
            continue;
        }
        let text = String::from_utf8_lossy(&out);
        let (_, body) = text.split_once("\r\n\r\n").expect("a whole response");
        let j: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(j["Code"], "InvalidParameter", "{text}");
        assert_eq!(j["HostId"], "ecs.aliyuncs.com");
        answered += 1;
    }
    assert!(answered > 0);
    assert!(
        s.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    describe_still_answers(&s.addr);
}

#[test]
fn an_unwritable_out_exits_2_at_start_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let out = file.join("reports");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["serve", "--port", "0", "--out", out.to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    if !line.is_empty() {
        let _ = child.kill();
        panic!("served with an unwritable --out: {line}");
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--out") && err.contains(out.to_str().unwrap()),
        "{err}"
    );
    // A directory that is missing is created, and nothing is left in it.
    let fresh = dir.path().join("new").join("reports");
    let s = start(&["--out", fresh.to_str().unwrap()]);
    assert!(fresh.is_dir());
    assert_eq!(std::fs::read_dir(&fresh).unwrap().count(), 0);
    drop(s);
}

#[test]
fn log_limit_rows_and_the_report_stay_correct_after_the_compact_log() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut s = start(&["--log-limit", "3", "--out", out.to_str().unwrap()]);
    let run = "/?Action=RunInstances&RegionId=cn-hangzhou&ZoneId=cn-hangzhou-i\
               &ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&InstanceType=ecs.g7.large\
               &SecurityGroupId=sg-bp15ed6xe1yxeycg7o3k&VSwitchId=vsw-bp1s5fnvk4gn2tws03624\
               &SystemDisk.Category=cloud_essd&Amount=2&Password=Capture%23Passw0rd";
    let mut rids = Vec::new();
    for target in [
        run.to_string(),
        "/?Action=DescribeInstances".to_string(),
        format!("{run}&DryRun=true"),
        "/?Action=Nope".to_string(),
        "/?Action=DescribeInstances&RegionId=cn-hangzhou".to_string(),
    ] {
        let r = exchange(&s.addr, &get(&target));
        rids.push(r.json()["RequestId"].as_str().unwrap().to_string());
    }
    let r = exchange(
        &s.addr,
        b"POST /_ecsim/report HTTP/1.1\r\nHost: e\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let lines: Vec<&str> = requests.lines().collect();
    assert_eq!(
        lines,
        [
            "seq,at,request_id,action,region,zone,instance_type,amount,outcome,code,\
             http_status,message,parameter,instances_created",
            &format!(
                "1,{AT},{},RunInstances,cn-hangzhou,cn-hangzhou-i,ecs.g7.large,2,created,,200,,,2",
                rids[0]
            ),
            &format!(
                "2,{AT},{},DescribeInstances,,,,,failed,MissingParameter,400,\
                 \"The input parameter \"\"RegionId\"\" that is mandatory for processing this \
                 request is not supplied.\",RegionId,0",
                rids[1]
            ),
            &format!(
                "3,{AT},{},RunInstances,cn-hangzhou,cn-hangzhou-i,ecs.g7.large,2,dry_run,\
                 DryRunOperation,400,Request validation has been passed with DryRun flag set.,,0",
                rids[2]
            ),
        ]
    );
    assert!(!requests.contains("Passw0rd"));
    // Errors are counted over every request, kept or not.
    let failures = std::fs::read_to_string(out.join("failures.csv")).unwrap();
    assert_eq!(failures.lines().count(), 4, "{failures}");
    assert!(failures.contains("InvalidAction.NotFound,404,"));
    let r = exchange(
        &s.addr,
        b"POST /_ecsim/shutdown HTTP/1.1\r\nHost: e\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    let o = s.child.wait().unwrap();
    assert!(o.success());
    let mut err = String::new();
    s.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("keeps the first 3 requests; 2 more"), "{err}");
}

#[test]
fn timeouts_out_of_range_are_refused_with_exit_2() {
    for bad in ["0s", "soon", "2d"] {
        let o = crate::support::ecsim(&["serve", "--port", "0", "--header-timeout", bad], None);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            crate::support::stderr(&o).contains("--header-timeout"),
            "{bad}"
        );
    }
}
