//! The ceilings of `docs/reliability.md`, through the real binary: each test asks for too
//! much and asserts the exit-2 error (naming the input, the figure and the fix) comes before
//! anything is allocated or run. Nothing here allocates more than the 64 MiB input cap.

use std::io::{Read, Write};
use std::net::TcpStream;

use super::support::{ecsim, request, stderr};

/// A scenario with one valid request and `fields` (JSON members, comma-separated) added.
fn scenario(fields: &str) -> String {
    let sep = if fields.is_empty() { "" } else { ",\n" };
    format!(
        "{{\n\"trials\": 2{sep}{fields},\n\"timeline\": [{{\"at\": \"+0m\", \"request\": {}}}]\n}}\n",
        request(&[])
    )
}

/// Writes `text` as `name` in a new temporary directory.
fn write(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let p = path.display().to_string();
    (dir, p)
}

/// `ecsim run` on `path` (charts off, output in a temporary directory): exit 2, and the
/// error's stderr line.
fn refused(args: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["run", "--no-charts", "--out", out.path().to_str().unwrap()];
    all.extend_from_slice(args);
    let o = ecsim(&all, None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

// --- durations and times: checked arithmetic -------------------------------------------

#[test]
fn a_huge_offset_in_a_json_timeline_is_a_located_error_not_a_panic() {
    let text = scenario("").replace("\"+0m\"", "\"+9000000000000000s\"");
    let (_d, p) = write("at.json", &text);
    let e = refused(&[&p]);
    assert!(e.contains(&format!("{p}:3:")), "{e}");
    assert!(
        e.contains("+9000000000000000s") && e.contains("36500d"),
        "{e}"
    );
}

#[test]
fn a_huge_offset_in_a_csv_timeline_is_a_located_error_not_a_panic() {
    let text = "at,RegionId,InstanceType\n+0m,cn-hangzhou,ecs.g7.large\n\
                +9000000000000000s,cn-hangzhou,ecs.g7.large\n";
    let (_d, p) = write("at.csv", text);
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!("{p}:3:1: at \"+9000000000000000s\"")),
        "{e}"
    );
    assert!(e.contains("36500d"), "{e}");
    // The same CSV named by a JSON scenario.
    let (dir, _) = write("at.csv", text);
    let json = scenario("").replace(
        &format!("[{{\"at\": \"+0m\", \"request\": {}}}]", request(&[])),
        "\"at.csv\"",
    );
    let sp = dir.path().join("s.json");
    std::fs::write(&sp, json).unwrap();
    let e = refused(&[sp.to_str().unwrap()]);
    assert!(e.contains("at.csv:3:1: at \"+9000000000000000s\""), "{e}");
}

#[test]
fn a_huge_horizon_is_a_located_error_not_a_panic() {
    let (_d, p) = write("h.json", &scenario("\"horizon\": \"100000000d\""));
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!("{p}:3:1: horizon \"100000000d\"")) && e.contains("36500d"),
        "{e}"
    );
}

#[test]
fn a_huge_retry_backoff_is_a_located_error_not_a_panic() {
    let (_d, p) = write(
        "b.json",
        &scenario(
            "\"faults\": {\"InternalError\": 1.0},\n\
             \"retry\": {\"attempts\": 3, \"backoff\": \"9000000000000000s\"}",
        ),
    );
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!("{p}:4:1: retry.backoff \"9000000000000000s\"")),
        "{e}"
    );
    // Each backoff allowed, but together past the last modeled time.
    let (_d, p) = write(
        "b.json",
        &scenario(
            "\"horizon\": \"36000d\",\n\"retry\": {\"attempts\": 100, \"backoff\": \"36000d\"}",
        ),
    );
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!("{p}:4:1: retry:")) && e.contains("9999-12-31T23:59:59Z"),
        "{e}"
    );
}

#[test]
fn a_start_near_the_end_of_time_is_refused_where_it_is_written() {
    let (_d, p) = write("s.json", &scenario("\"start\": \"9999-12-31T00:00:00Z\""));
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!(
            "{p}:3:1: horizon 1d from 9999-12-31T00:00:00Z ends after"
        )),
        "{e}"
    );
    let o = ecsim(&["check", "--at", "+262143-01-01T00:00:00Z", "x=1"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

// --- serve's clock ----------------------------------------------------------------------

/// `ecsim serve` with a manual clock at [`AT`].
fn serve() -> crate::support::Server {
    crate::support::start_server(&[])
}

/// `POST target` on a fresh connection: (status, JSON body). A dropped connection fails here.
fn post(addr: &str, target: &str) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("a whole HTTP response to {target}: {out:?}"));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap())
}

#[test]
fn advancing_the_clock_past_the_representable_range_is_refused_and_later_requests_answer() {
    let s = serve();
    let (status, body) = post(&s.addr, "/_ecsim/clock?advance=100000000d");
    assert_eq!(status, 400, "{body}");
    let msg = body["Error"].as_str().unwrap();
    assert!(
        msg.contains("100000000d") && msg.contains("36500d"),
        "{msg}"
    );
    // Allowed steps up to the end of the modeled range, then refused; the clock stays.
    let (status, body) = post(&s.addr, "/_ecsim/clock?set=9999-12-31T23:00:00Z");
    assert_eq!(
        (status, body["Now"].as_str()),
        (200, Some("9999-12-31T23:00:00Z"))
    );
    let (status, body) = post(&s.addr, "/_ecsim/clock?advance=36500d");
    assert_eq!(status, 400, "{body}");
    let msg = body["Error"].as_str().unwrap();
    assert!(
        msg.contains("9999-12-31T23:59:59Z") && msg.contains("stays at 9999-12-31T23:00:00Z"),
        "{msg}"
    );
    let (status, body) = post(&s.addr, "/_ecsim/clock?set=+262143-01-01T00:00:00Z");
    assert_eq!(status, 400, "{body}");
    // What used to overflow on every request: the clock and the API still answer.
    let (status, body) = post(&s.addr, "/_ecsim/clock");
    assert_eq!(
        (status, body["Now"].as_str()),
        (200, Some("9999-12-31T23:00:00Z"))
    );
    let (status, body) = post(&s.addr, "/?Action=DescribeInstances&RegionId=cn-hangzhou");
    assert_eq!(status, 200, "{body}");
}

// --- file sizes ---------------------------------------------------------------------------

#[test]
fn dev_zero_as_a_world_file_stops_at_the_cap() {
    for cmd in [
        vec!["check", "--world", "/dev/zero", "RegionId=cn-hangzhou"],
        vec!["serve", "--port", "0", "--world", "/dev/zero"],
    ] {
        let o = ecsim(&cmd, None);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {e}");
        assert!(
            e.contains("/dev/zero: the world file is larger than the 64 MiB ceiling")
                && e.contains("--world files"),
            "{e}"
        );
    }
}

#[test]
fn dev_zero_as_a_scenario_timeline_price_or_traffic_file_stops_at_the_cap() {
    let e = refused(&["/dev/zero"]);
    assert!(
        e.contains("/dev/zero: the scenario file is larger than the 64 MiB"),
        "{e}"
    );
    let tl = request(&[]);
    let timeline = format!("[{{\"at\": \"+0m\", \"request\": {tl}}}]");
    for (field, what) in [
        ("\"world\": \"/dev/zero\"", "world file"),
        ("\"costs\": {\"prices\": [\"/dev/zero\"]}", "price file"),
        (
            "\"costs\": {\"traffic\": {\"trace\": \"/dev/zero\"}}",
            "traffic trace",
        ),
    ] {
        let (_d, p) = write("z.json", &scenario(field));
        let e = refused(&[&p]);
        if what == "world file" {
            // A scenario's world must be a regular file (checked before reading).
            assert!(e.contains("world file /dev/zero cannot be read"), "{e}");
        } else {
            assert!(
                e.contains(&format!("/dev/zero: the {what} is larger than the 64 MiB")),
                "{e}"
            );
        }
    }
    let (_d, p) = write("t.json", &scenario("").replace(&timeline, "\"/dev/zero\""));
    let e = refused(&[&p]);
    assert!(
        e.contains("/dev/zero: the CSV timeline is larger than the 64 MiB"),
        "{e}"
    );
}

// --- sizes: trials, memory, samples, threads -----------------------------------------------

#[test]
fn a_billion_trials_is_refused_before_anything_is_reserved() {
    let (_d, p) = write("t.json", &scenario(""));
    let e = refused(&["--trials", "1000000000", &p]);
    assert!(
        e.contains("--trials") && e.contains("over the ceiling of 10000000"),
        "{e}"
    );
    let (_d, p) = write(
        "t.json",
        &scenario("").replace("\"trials\": 2", "\"trials\": 1000000000"),
    );
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!(
            "{p}:2:1: trials 1000000000 is over the ceiling of 10000000"
        )),
        "{e}"
    );
    let (_d, p) = write(
        "t.json",
        &scenario("\"sweep\": {\"trials\": [5, 1000000000]}"),
    );
    let e = refused(&[&p]);
    assert!(
        e.contains("scenario t[trials=1000000000]: trials 1000000000 is over the ceiling"),
        "{e}"
    );
}

#[test]
fn trials_times_samples_over_the_memory_ceiling_is_refused_with_the_flag_to_raise_it() {
    let (_d, p) = write("m.json", &scenario(""));
    // Ten million trials are allowed, but their samples do not fit in 4 GiB.
    let e = refused(&["--trials", "10000000", &p]);
    assert!(
        e.contains("scenario m would keep about")
            && e.contains("10000000 trials × 25 usage samples")
            && e.contains("over the 4 GiB memory ceiling")
            && e.contains("--max-memory "),
        "{e}"
    );
    let e = refused(&["--max-memory", "1KiB", &p]);
    assert!(e.contains("over the 1 KiB memory ceiling"), "{e}");
    let e = refused(&["--max-memory", "lots", &p]);
    assert!(e.contains("--max-memory") && e.contains("8GiB"), "{e}");
    // The estimate is small for the scenario as written: it runs under a small ceiling.
    let out = tempfile::tempdir().unwrap();
    let o = ecsim(
        &[
            "run",
            "--no-charts",
            "--max-memory",
            "64MiB",
            "--out",
            out.path().to_str().unwrap(),
            &p,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_century_sampled_every_minute_is_refused_at_load() {
    let (_d, p) = write(
        "s.json",
        &scenario("\"horizon\": \"36500d\",\n\"sample_every\": \"1m\""),
    );
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!(
            "{p}:4:1: a horizon of 36500d sampled every 1m is 52560001 usage samples"
        )) && e.contains("ceiling of 1000000")
            && e.contains("\"sample_every\": \"53m\" or more"),
        "{e}"
    );
}

#[test]
fn threads_over_the_ceiling_are_refused_not_spawned() {
    let (_d, p) = write("t.json", &scenario(""));
    let e = refused(&["--threads", "65535", &p]);
    assert!(
        e.contains("65535 threads is over the ceiling of 256"),
        "{e}"
    );
    let o = ecsim(&["serve", "--port", "0", "--threads", "65535"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ceiling of 256"), "{}", stderr(&o));
}

// --- prices and rates: finite and in range at load ---------------------------------------

#[test]
fn a_spot_price_of_1e308_in_a_trace_is_refused_at_load_not_charted_for_ever() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("spot.csv");
    std::fs::write(
        &csv,
        "ZoneId,InstanceType,SpotPrice,OriginPrice,Timestamp\n\
         cn-hangzhou-i,ecs.g7.large,0.1,0.59,2026-12-01T00:00:00Z\n\
         cn-hangzhou-i,ecs.g7.large,1e308,0.59,2026-12-01T01:00:00Z\n",
    )
    .unwrap();
    let json = dir.path().join("spot.json");
    std::fs::write(
        &json,
        r#"{"SpotPrices": {"SpotPriceType": [{"ZoneId": "cn-hangzhou-i",
            "InstanceType": "ecs.g7.large", "SpotPrice": 1e308, "OriginPrice": 0.59,
            "Timestamp": "2026-12-01T01:00:00Z"}]}}"#,
    )
    .unwrap();
    let s = dir.path().join("s.json");
    for (world, place) in [
        ("spot.csv", ":3:1: SpotPrice 1e308"),
        // A world JSON file's record is placed where it starts, when the file is read.
        (
            "spot.json",
            ":1:35: SpotPrices.SpotPriceType[0] (ZoneId \"cn-hangzhou-i\"): SpotPrice 1e308",
        ),
    ] {
        std::fs::write(&s, scenario(&format!("\"world\": \"{world}\""))).unwrap();
        let e = refused(&[s.to_str().unwrap()]);
        assert!(
            e.contains(&format!("{world}{place}")) && e.contains("ceiling of 1000000 per hour"),
            "{e}"
        );
    }
    for w in [&csv, &json] {
        let o = ecsim(&["check", "--world", w.to_str().unwrap(), "x=1"], None);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("SpotPrice 1e308"), "{}", stderr(&o));
    }
}

#[test]
fn prices_and_traffic_past_their_ceilings_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("prices.json"),
        "{\"regions\": {\"cn-hangzhou\": {\"instance_types\": {\n\"ecs.g7.large\": 1e308}}}}",
    )
    .unwrap();
    std::fs::write(dir.path().join("traffic.csv"), "hour,gb\n0,1\n1,1e308\n").unwrap();
    let s = dir.path().join("s.json");
    for (costs, want) in [
        ("{\"prices\": [\"prices.json\"]}", "prices.json:2:"),
        (
            "{\"traffic\": {\"trace\": \"traffic.csv\"}}",
            "traffic.csv:3:1: gb 1e308",
        ),
        (
            "{\"traffic\": {\"constant_gb_per_hour\": 1e300}}",
            "s.json:3:1: costs: traffic",
        ),
    ] {
        std::fs::write(&s, scenario(&format!("\"costs\": {costs}"))).unwrap();
        let e = refused(&[s.to_str().unwrap()]);
        assert!(e.contains(want) && e.contains("over the ceiling"), "{e}");
    }
    std::fs::write(
        &s,
        scenario("\"stock\": {\"default\": {\"replenish_per_hour\": {\"poisson\": 1e300}}}"),
    )
    .unwrap();
    let e = refused(&[s.to_str().unwrap()]);
    assert!(e.contains("poisson mean 1e300 is over the ceiling"), "{e}");
    // A swept traffic_scale can push a model past the ceiling too.
    std::fs::write(
        &s,
        scenario(
            "\"costs\": {\"traffic\": {\"constant_gb_per_hour\": 1}},\n\
             \"sweep\": {\"traffic_scale\": [1, 1e200]}",
        ),
    )
    .unwrap();
    let e = refused(&[s.to_str().unwrap()]);
    assert!(
        e.contains("scenario s[traffic_scale=1e+200]: costs: traffic"),
        "{e}"
    );
}

// --- sweeps: equal values -----------------------------------------------------------------

#[test]
fn a_sweep_of_equal_values_is_refused_before_a_quadratic_report() {
    // 100 equal values wrote a 1.1 GB report.html: every variant had the same name, so
    // each variant's section embedded the charts of all the others.
    let values = vec!["5"; 100].join(", ");
    let (_d, p) = write(
        "w.json",
        &scenario(&format!("\"sweep\": {{\"Amount\": [{values}]}}")),
    );
    let e = refused(&[&p]);
    assert!(
        e.contains(&format!(
            "{p}:3:1: sweep: value 5 appears twice in sweep of Amount (values 1 and 2)"
        )),
        "{e}"
    );
    // The same collision from one file run twice.
    let (_d, p) = write("o.json", &scenario(""));
    let e = refused(&[&p, &p]);
    assert!(e.contains("scenario name \"o\" appears twice"), "{e}");
}
