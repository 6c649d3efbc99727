//! `ecsim serve` listing many instances: DescribeInstances pages from the session's index
//! (every instance once across NextToken pages, filters with paging, TotalCount from the
//! counts), reads running while writes change the listing, and the log's background
//! buffer reaching the report.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::serve::{http, ids, run, Resp};
use crate::support::start_server as start;

const ZONE_I: &str = "cn-hangzhou-i";
const ZONE_H: &str = "cn-hangzhou-j";
const VSW_H: &str = "vsw-bp1j4r8t2w6y0u3i7o5p9";
const VPC: &str = "vpc-bp1opxu1zkhn00gzv26cq";

/// benches/serve-world.json's raised limits, with stock for both types in zones i and j.
fn roomy_world(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("roomy.json");
    let mut w: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/serve-world.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut stock = Vec::new();
    for zone in [ZONE_I, ZONE_H] {
        for t in ["ecs.g7.large", "ecs.g7.xlarge"] {
            stock.push(serde_json::json!({"ZoneId": zone, "InstanceType": t, "Available": 100000}));
        }
    }
    w["Stock"]["StockLevel"] = Value::Array(stock);
    // Zone i's vSwitch without a CIDR block (no address allocation, so its /24 does not
    // bind) and the group's address and ENI limits raised, for hundreds of instances.
    w["VSwitches"] = serde_json::json!({"VSwitch": [{
        "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "VpcId": VPC, "ZoneId": ZONE_I,
        "Status": "Available", "AvailableIpAddressCount": 100000}]});
    w["SecurityGroups"]["SecurityGroup"][0]["PrivateIpLimit"] = 100000.into();
    w["SecurityGroups"]["SecurityGroup"][0]["EniLimit"] = 100000.into();
    std::fs::write(&path, w.to_string()).unwrap();
    path.display().to_string()
}

fn query(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn describe(addr: &str, extra: &[(&str, &str)]) -> Value {
    let mut p = vec![("Action", "DescribeInstances"), ("RegionId", "cn-hangzhou")];
    p.extend_from_slice(extra);
    let r: Resp = http(addr, "POST", &format!("/?{}", query(&p)), &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn shown(d: &Value) -> Vec<String> {
    d["Instances"]["Instance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["InstanceId"].as_str().unwrap().to_string())
        .collect()
}

/// Follows NextToken to the end: (ids in order, page sizes, the TotalCount of each page).
fn walk(addr: &str, max: &str, filters: &[(&str, &str)]) -> (Vec<String>, Vec<usize>, Vec<u64>) {
    let (mut seen, mut sizes, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    let mut token = String::new();
    loop {
        let mut p: Vec<(&str, &str)> = vec![("MaxResults", max)];
        if !token.is_empty() {
            p.push(("NextToken", &token));
        }
        p.extend_from_slice(filters);
        let d = describe(addr, &p);
        let page = shown(&d);
        sizes.push(page.len());
        totals.push(d["TotalCount"].as_u64().unwrap());
        seen.extend(page);
        token = d["NextToken"].as_str().unwrap().to_string();
        if token.is_empty() {
            return (seen, sizes, totals);
        }
        assert!(sizes.len() < 10_000, "the walk does not end");
    }
}

/// Creates `n` instances of one shape in one request.
fn make(addr: &str, n: usize, zone: &str, itype: &str) -> Vec<String> {
    let amount = n.to_string();
    let mut extra = vec![
        ("Amount", amount.as_str()),
        ("ZoneId", zone),
        ("InstanceType", itype),
    ];
    if zone == ZONE_H {
        extra.push(("VSwitchId", VSW_H));
    }
    let made = ids(&run(addr, &extra));
    assert_eq!(made.len(), n);
    made
}

/// 240 instances in four shapes, interleaved in creation order: (all, zone h, xlarge).
fn populate(addr: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut all, mut zone_h, mut xlarge) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..5 {
        for (zone, itype, n) in [
            (ZONE_I, "ecs.g7.large", 20 + round),
            (ZONE_H, "ecs.g7.large", 7),
            (ZONE_I, "ecs.g7.xlarge", 13),
            (ZONE_H, "ecs.g7.xlarge", 4 + round),
        ] {
            let made = make(addr, n, zone, itype);
            if zone == ZONE_H {
                zone_h.extend(made.iter().cloned());
            }
            if itype == "ecs.g7.xlarge" {
                xlarge.extend(made.iter().cloned());
            }
            all.extend(made);
        }
    }
    (all, zone_h, xlarge)
}

#[test]
fn next_token_pages_list_every_instance_once_at_every_page_size() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&["--world", &roomy_world(&dir)]);
    let (all, _, _) = populate(&s.addr);
    assert_eq!(all.len(), 240);
    for (max, page) in [
        ("1", 10),
        ("10", 10),
        ("17", 17),
        ("64", 64),
        ("100", 100),
        ("1000", 100),
    ] {
        let (seen, sizes, totals) = walk(&s.addr, max, &[]);
        assert_eq!(seen, all, "MaxResults={max}");
        // Full pages, then the rest; no empty last page.
        let full = all.len() / page;
        let rest = all.len() % page;
        assert!(
            sizes[..full].iter().all(|&n| n == page),
            "MaxResults={max}: {sizes:?}"
        );
        assert_eq!(
            sizes.len(),
            full + usize::from(rest > 0),
            "MaxResults={max}"
        );
        assert!(totals.iter().all(|&t| t == 240));
    }
    // The older form covers the same list, page by page, and past the end shows none.
    let mut seen = Vec::new();
    for number in 1..=24 {
        let n = number.to_string();
        let d = describe(&s.addr, &[("PageNumber", &n), ("PageSize", "10")]);
        assert_eq!(d["TotalCount"], 240);
        seen.extend(shown(&d));
    }
    assert_eq!(seen, all);
}

#[test]
fn filters_page_and_count_only_their_matches() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&["--world", &roomy_world(&dir)]);
    let (all, zone_h, xlarge) = populate(&s.addr);
    let both: Vec<String> = zone_h
        .iter()
        .filter(|i| xlarge.contains(i))
        .cloned()
        .collect();
    let zone_i: Vec<String> = all
        .iter()
        .filter(|i| !zone_h.contains(i))
        .cloned()
        .collect();
    for (filters, want) in [
        (vec![("ZoneId", ZONE_H)], &zone_h),
        (vec![("ZoneId", ZONE_I)], &zone_i),
        (vec![("InstanceType", "ecs.g7.xlarge")], &xlarge),
        (
            vec![("ZoneId", ZONE_H), ("InstanceType", "ecs.g7.xlarge")],
            &both,
        ),
        (vec![("VpcId", VPC), ("ZoneId", ZONE_H)], &zone_h),
    ] {
        for max in ["10", "33", "100"] {
            let (seen, _, totals) = walk(&s.addr, max, &filters);
            assert_eq!(&seen, want, "{filters:?} MaxResults={max}");
            assert!(
                totals.iter().all(|&t| t == want.len() as u64),
                "{filters:?}: {totals:?}"
            );
        }
    }
    // Filters nothing matches: no instances, TotalCount 0, no token.
    for filters in [
        vec![("VpcId", "vpc-bp1othervpc00000000")],
        vec![("ZoneId", "cn-hangzhou-g")],
        vec![("Status", "Stopped")],
    ] {
        let (seen, sizes, totals) = walk(&s.addr, "10", &filters);
        assert!(
            seen.is_empty() && sizes == [0] && totals == [0],
            "{filters:?}"
        );
    }
    // InstanceIds with a filter and paging: the named ones that match, in creation order.
    let named: Vec<String> = all.iter().rev().step_by(3).take(40).cloned().collect();
    let ids_json = serde_json::to_string(&named).unwrap();
    let want: Vec<String> = all
        .iter()
        .filter(|i| named.contains(i) && zone_h.contains(i))
        .cloned()
        .collect();
    let (seen, _, totals) = walk(
        &s.addr,
        "10",
        &[("InstanceIds", &ids_json), ("ZoneId", ZONE_H)],
    );
    assert_eq!(seen, want);
    assert_eq!(totals[0], want.len() as u64);
    // Releasing instances keeps the counts right.
    let gone: Vec<&String> = zone_h.iter().take(5).collect();
    let mut p = vec![
        ("Action".to_string(), "DeleteInstances".to_string()),
        ("RegionId".to_string(), "cn-hangzhou".to_string()),
    ];
    for (k, id) in gone.iter().enumerate() {
        p.push((format!("InstanceId.{}", k + 1), id.to_string()));
    }
    let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = http(&s.addr, "POST", &format!("/?{}", query(&pairs)), &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    let d = describe(&s.addr, &[("ZoneId", ZONE_H), ("MaxResults", "100")]);
    assert_eq!(d["TotalCount"], zone_h.len() as u64 - 5);
    assert_eq!(shown(&d), zone_h[5..]);
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 235);
}

/// Runs `f` on its own thread and fails (instead of hanging) when it takes over a minute.
fn within_a_minute(f: impl FnOnce() + Send + 'static) {
    let (done, wait) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        f();
        let _ = done.send(());
    });
    match wait.recv_timeout(Duration::from_secs(60)) {
        Ok(()) => worker.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The closure panicked: surface its message.
            if let Err(e) = worker.join() {
                std::panic::resume_unwind(e);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("requests did not finish: deadlock?"),
    }
}

#[test]
fn reads_during_writes_finish_and_see_whole_requests() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let s = start(&[
        "--world",
        &roomy_world(&dir),
        "--out",
        out.to_str().unwrap(),
    ]);
    make(&s.addr, 100, ZONE_I, "ecs.g7.large");
    let addr = s.addr.clone();
    let (tx, counts) = mpsc::channel();
    within_a_minute(move || {
        std::thread::scope(|sc| {
            // Writers: create 5 at a time, half of them releasing one at once, a third with
            // an AutoReleaseTime the clock passes while readers read (after the clock moves
            // those are refused: the time is then in the past).
            for w in 0..3 {
                let (addr, tx) = (addr.clone(), tx.clone());
                sc.spawn(move || {
                    let (mut made_n, mut released, mut deletes) = (0, 0, 0);
                    for k in 0..30 {
                        let timed = k % 3 == 0;
                        let extra: Vec<(&str, &str)> = if timed {
                            vec![("Amount", "5"), ("AutoReleaseTime", "2027-06-01T01:00:00Z")]
                        } else {
                            vec![("Amount", "5")]
                        };
                        let r = run(&addr, &extra);
                        if r.status != 200 && timed {
                            continue;
                        }
                        let made = ids(&r);
                        made_n += made.len();
                        if (k + w) % 2 == 0 {
                            let q =
                                query(&[("Action", "DeleteInstance"), ("InstanceId", &made[0])]);
                            let r = http(&addr, "POST", &format!("/?{q}"), &[], "");
                            deletes += 1;
                            // An instance auto-released in between is gone already.
                            assert!(r.status == 200 || timed, "{}", r.body);
                            released += usize::from(r.status == 200);
                        }
                    }
                    tx.send((made_n, released, deletes)).unwrap();
                });
            }
            {
                let addr = addr.clone();
                sc.spawn(move || {
                    std::thread::sleep(Duration::from_millis(100));
                    let r = http(&addr, "POST", "/_ecsim/clock?advance=2h", &[], "");
                    assert_eq!(r.status, 200, "{}", r.body);
                });
            }
            // Readers: whole walks, each listing distinct ids in creation order.
            for _ in 0..3 {
                let addr = addr.clone();
                sc.spawn(move || {
                    for _ in 0..8 {
                        let (seen, _, _) = walk(&addr, "37", &[]);
                        let unique: BTreeSet<&String> = seen.iter().collect();
                        assert_eq!(unique.len(), seen.len(), "an instance listed twice");
                        assert!(seen.len() >= 90, "{}", seen.len());
                    }
                });
            }
        });
    });
    let (mut made, mut released, mut deletes) = (0, 0, 0);
    for (m, r, d) in counts.try_iter() {
        made += m;
        released += r;
        deletes += d;
    }
    // What is left: the first 100 and the untimed ones not released; the timed ones went
    // when the clock passed their AutoReleaseTime.
    let total = describe(&s.addr, &[])["TotalCount"].as_u64().unwrap() as usize;
    let (seen, _, _) = walk(&s.addr, "100", &[]);
    assert_eq!(seen.len(), total);
    assert!(total <= 100 + made - released, "{total} {made} {released}");
    assert!(total >= 100 + 3 * 20 * 5 - 3 * 15, "{total}");
    // Every request answered before the report is in it (rows flushed from the buffer).
    let r = http(&s.addr, "POST", "/_ecsim/report", &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    let runs = rows.iter().filter(|l| l.contains(",RunInstances,")).count();
    let deletes_logged = rows
        .iter()
        .filter(|l| l.contains(",DeleteInstance,"))
        .count();
    assert_eq!((runs, deletes_logged), (1 + 90, deletes));
    let seqs: Vec<u64> = rows
        .iter()
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(seqs.len() as u64, *seqs.last().unwrap());
}
