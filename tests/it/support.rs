//! Helpers shared by the integration tests.

use std::process::{Command, Output};

/// The request time used by tests, so AutoReleaseTime windows and spot traces are fixed.
pub const AT: &str = "2027-06-01T00:00:00Z";

/// Runs the real binary with `args`, feeding `stdin` when given.
pub fn ecsim(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecsim"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("the ecsim binary runs");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            pipe.write_all(s.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON lines of a `check --json` run.
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// A valid request in the default world, as flat pairs (the SDK capture's network).
pub fn base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("RegionId", "cn-hangzhou"),
        ("ZoneId", "cn-hangzhou-i"),
        ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
        ("InstanceType", "ecs.g7.large"),
        ("SecurityGroupId", "sg-bp15ed6xe1yxeycg7o3k"),
        ("VSwitchId", "vsw-bp1s5fnvk4gn2tws03624"),
        ("SystemDisk.Category", "cloud_essd"),
    ]
}

/// `base()` with `changes` applied (an empty value removes the parameter), as a JSON object.
pub fn request(changes: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = base()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (k, v) in changes {
        pairs.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            pairs.push((k.to_string(), v.to_string()));
        }
    }
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// A running `ecsim serve`, killed when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ecsim serve` on a free port with a manual clock at [`AT`] and `extra` arguments.
pub fn start_server(extra: &[&str]) -> Server {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["serve", "--port", "0", "--clock", "manual", "--start", AT])
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the ecsim binary runs");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line names the address: {line:?}"))
        .to_string();
    Server { child, addr }
}

/// `GET target` on a fresh connection: (status, body).
pub fn http_get(addr: &str, target: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let req = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole HTTP response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}
