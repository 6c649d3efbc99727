//! `ecsim serve` over real HTTP: the real binary on an ephemeral port, driven by a small
//! HTTP/1.1 client on `std::net::TcpStream`.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::Value;

const SG: &str = "sg-bp15ed6xe1yxeycg7o3k";
const FULL_SG: &str = "sg-bp1fullgroup9k2m7x4q";

use crate::support::start_server as start;

/// A world file lowering cn-hangzhou's pay-as-you-go vCPU quota to 48 (40 in use: room for
/// four 2-vCPU instances).
fn low_quota_world(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("low-quota.json");
    std::fs::write(
        &path,
        r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou",
            "MaxPostpaidInstanceCount": 500, "MaxPostpaidInstanceVcpuCount": 48,
            "UsedPostpaidInstanceCount": 12, "UsedPostpaidInstanceVcpuCount": 40}]}}"#,
    )
    .unwrap();
    path.display().to_string()
}

pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Resp {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("JSON body ({e}): {}", self.body))
    }
    pub(crate) fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or("").to_string()
    }
}

/// One HTTP/1.1 request on a fresh connection.
pub(crate) fn http(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole HTTP response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Resp {
        status,
        body: body.to_string(),
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// `POST /?<pairs>` as the SDKs send it: everything in the query string, empty body.
fn post(addr: &str, pairs: &[(&str, &str)]) -> Resp {
    http(addr, "POST", &format!("/?{}", query(pairs)), &[], "")
}

/// A valid RunInstances in the default world (the SDK capture's network) plus `extra`.
fn run_pairs<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![
        ("Action", "RunInstances"),
        ("RegionId", "cn-hangzhou"),
        ("ZoneId", "cn-hangzhou-i"),
        ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
        ("InstanceType", "ecs.g7.large"),
        ("SecurityGroupId", SG),
        ("VSwitchId", "vsw-bp1s5fnvk4gn2tws03624"),
        ("SystemDisk.Category", "cloud_essd"),
        ("Password", "Capture#Passw0rd"),
    ];
    for (k, v) in extra {
        p.retain(|(pk, _)| pk != k);
        p.push((k, v));
    }
    p
}

pub(crate) fn run(addr: &str, extra: &[(&str, &str)]) -> Resp {
    post(addr, &run_pairs(extra))
}

pub(crate) fn ids(r: &Resp) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["InstanceIdSets"]["InstanceIdSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn describe(addr: &str, extra: &[(&str, &str)]) -> Value {
    let mut p = vec![("Action", "DescribeInstances"), ("RegionId", "cn-hangzhou")];
    p.extend_from_slice(extra);
    let r = post(addr, &p);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

pub(crate) fn assert_error_shape(r: &Resp, code: &str, status: u16) {
    assert_eq!(r.status, status, "{}", r.body);
    let j = r.json();
    assert_eq!(j["Code"], code, "{}", r.body);
    assert_eq!(j["HostId"], "ecs.aliyuncs.com");
    let rid = j["RequestId"].as_str().unwrap();
    assert_eq!(rid.len(), 36);
    assert!(!j["Message"].as_str().unwrap().is_empty());
    assert_eq!(
        j["Recommend"],
        format!("https://api.aliyun.com/troubleshoot?q={code}&product=Ecs&requestId={rid}")
    );
}

#[test]
fn run_instances_creates_and_describe_instances_lists_them() {
    let s = start(&[]);
    let r = run(
        &s.addr,
        &[
            ("Amount", "3"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "infra"),
        ],
    );
    let created = ids(&r);
    assert_eq!(created.len(), 3);
    assert!(r.json()["RequestId"].as_str().unwrap().len() == 36);

    let all = describe(&s.addr, &[]);
    assert_eq!(all["TotalCount"], 3);
    let first = &all["Instances"]["Instance"][0];
    assert_eq!(first["InstanceId"], created[0].as_str());
    assert_eq!(first["Status"], "Running");
    assert_eq!(first["ZoneId"], "cn-hangzhou-i");
    assert_eq!(first["InstanceType"], "ecs.g7.large");
    assert_eq!(first["RegionId"], "cn-hangzhou");
    assert_eq!(first["CreationTime"], "2027-06-01T00:00Z");
    assert_eq!(first["SecurityGroupIds"]["SecurityGroupId"][0], SG);
    assert_eq!(
        first["VpcAttributes"]["VSwitchId"],
        "vsw-bp1s5fnvk4gn2tws03624"
    );
    assert_eq!(first["InternetChargeType"], "PayByTraffic");
    assert_eq!(first["SpotStrategy"], "NoSpot");
    assert_eq!(first["Tags"]["Tag"][0]["TagKey"], "team");

    // By ids, and paging.
    let ids_json = serde_json::to_string(&created[1..2]).unwrap();
    let one = describe(&s.addr, &[("InstanceIds", &ids_json)]);
    assert_eq!(one["TotalCount"], 1);
    assert_eq!(
        one["Instances"]["Instance"][0]["InstanceId"],
        created[1].as_str()
    );
    let page = describe(&s.addr, &[("PageSize", "2"), ("PageNumber", "2")]);
    assert_eq!(page["TotalCount"], 3);
    assert_eq!(page["PageNumber"], 2);
    assert_eq!(page["Instances"]["Instance"].as_array().unwrap().len(), 1);
    assert_eq!(
        page["Instances"]["Instance"][0]["InstanceId"],
        created[2].as_str()
    );
    let other = post(
        &s.addr,
        &[("Action", "DescribeInstances"), ("RegionId", "cn-shanghai")],
    );
    assert_eq!(other.json()["TotalCount"], 0);
}

#[test]
fn ids_are_deterministic_for_a_seed() {
    let a = start(&["--seed", "7"]);
    let b = start(&["--seed", "7"]);
    let c = start(&["--seed", "8"]);
    let ra = run(&a.addr, &[("Amount", "2")]);
    let rb = run(&b.addr, &[("Amount", "2")]);
    let rc = run(&c.addr, &[("Amount", "2")]);
    assert_eq!(ids(&ra), ids(&rb));
    assert_eq!(ra.json()["RequestId"], rb.json()["RequestId"]);
    assert_ne!(ids(&ra), ids(&rc));
    assert_ne!(ra.json()["RequestId"], rc.json()["RequestId"]);
}

#[test]
fn errors_have_the_service_shape_and_catalog_status() {
    let s = start(&[]);
    let r = post(
        &s.addr,
        &[("Action", "CreateInstance"), ("RegionId", "cn-hangzhou")],
    );
    assert_error_shape(&r, "InvalidAction.NotFound", 404);
    let r = post(&s.addr, &[("RegionId", "cn-hangzhou")]);
    assert_error_shape(&r, "MissingParameter", 400);
    // A rule's answer, with the catalog's status.
    let r = run(&s.addr, &[("ImageId", "m-doesnotexist")]);
    assert_error_shape(&r, "InvalidImageId.NotFound", 404);
    let r = post(&s.addr, &[("Action", "DescribeInstances")]);
    assert_error_shape(&r, "MissingParameter", 400);
    assert!(r.json()["Message"].as_str().unwrap().contains("RegionId"));
    let r = post(
        &s.addr,
        &[
            ("Action", "DescribeInstances"),
            ("RegionId", "cn-hangzhou"),
            ("InstanceIds", "[i-"),
        ],
    );
    assert_error_shape(&r, "InvalidParameter", 400);
    let r = post(
        &s.addr,
        &[
            ("Action", "DescribeInstances"),
            ("RegionId", "xx-nowhere-1"),
        ],
    );
    assert_error_shape(&r, "InvalidRegionId.NotFound", 404);
}

#[test]
fn malformed_requests_get_the_error_shape_not_a_closed_connection() {
    let s = start(&[]);
    // Broken percent-encoding, an empty name, a bare `&`.
    let r = http(
        &s.addr,
        "POST",
        "/?Action=RunInstances&%zz=1&=x&&RegionId=cn-hangzhou",
        &[],
        "",
    );
    assert_eq!(r.json()["HostId"], "ecs.aliyuncs.com");
    // A body over the limit.
    let big = format!("Action=RunInstances&UserData={}", "A".repeat(70 * 1024));
    let r = http(
        &s.addr,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &big,
    );
    assert_error_shape(&r, "InvalidParameter", 400);
    // Another method.
    let r = http(&s.addr, "DELETE", "/?Action=RunInstances", &[], "");
    assert_error_shape(&r, "InvalidAction.NotFound", 404);
    // Not a form body: ignored, so the action is missing.
    let r = http(
        &s.addr,
        "POST",
        "/",
        &[("Content-Type", "application/json")],
        "{}",
    );
    assert_error_shape(&r, "MissingParameter", 400);
    // Still serving.
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 0);
}

#[test]
fn the_action_header_routes_as_the_current_sdk_sends_it() {
    let s = start(&[]);
    let pairs: Vec<(&str, &str)> = run_pairs(&[])
        .into_iter()
        .filter(|(k, _)| *k != "Action")
        .collect();
    let target = format!("/?{}", query(&pairs));
    let r = http(
        &s.addr,
        "POST",
        &target,
        &[
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
        ],
        "",
    );
    assert_eq!(ids(&r).len(), 1);
    let r = http(
        &s.addr,
        "POST",
        "/?RegionId=cn-hangzhou",
        &[("x-acs-action", "DescribeInstances")],
        "",
    );
    assert_eq!(r.json()["TotalCount"], 1);
}

#[test]
fn form_bodies_and_get_requests_carry_parameters() {
    let s = start(&[]);
    let body = query(&run_pairs(&[("Amount", "2")]));
    let r = http(
        &s.addr,
        "POST",
        "/",
        &[(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        &body,
    );
    assert_eq!(ids(&r).len(), 2);
    let r = http(
        &s.addr,
        "GET",
        "/?Action=DescribeInstances&RegionId=cn-hangzhou",
        &[],
        "",
    );
    assert_eq!(r.json()["TotalCount"], 2);
}

#[test]
fn xml_format_answers_xml() {
    let s = start(&[]);
    let r = run(&s.addr, &[("Format", "XML")]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<RunInstancesResponse>"), "{}", r.body);
    assert!(r.body.contains("<InstanceIdSets><InstanceIdSet>i-"));
    let r = post(&s.addr, &[("Action", "Nope"), ("Format", "xml")]);
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<Error>") && r.body.contains("<Code>InvalidAction.NotFound</Code>"));
}

#[test]
fn dry_run_answers_dry_run_operation_and_creates_nothing() {
    let s = start(&[]);
    let r = run(&s.addr, &[("DryRun", "True")]);
    assert_error_shape(&r, "DryRunOperation", 400);
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 0);
    // A dry run that would fail answers the failure.
    let r = run(
        &s.addr,
        &[
            ("DryRun", "true"),
            ("SecurityGroupId", FULL_SG),
            ("Amount", "11"),
        ],
    );
    assert_error_shape(&r, "SecurityGroupInstanceLimitExceed", 403);
}

#[test]
fn quota_runs_out_and_delete_instances_frees_it() {
    let dir = tempfile::tempdir().unwrap();
    let world = low_quota_world(&dir);
    let s = start(&["--world", &world]);
    let first = ids(&run(&s.addr, &[("Amount", "4")]));
    let r = run(&s.addr, &[]);
    assert_error_shape(&r, "QuotaExceed.AfterpayInstance", 400);
    // Account attributes show the use.
    let r = post(
        &s.addr,
        &[
            ("Action", "DescribeAccountAttributes"),
            ("RegionId", "cn-hangzhou"),
            ("AttributeName.1", "used-postpaid-instance-vcpu-count"),
            ("AttributeName.2", "max-postpaid-instance-vcpu-count"),
        ],
    );
    let items = r.json()["AccountAttributeItems"]["AccountAttributeItem"].clone();
    let value = |name: &str| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["AttributeName"] == name)
            .map(|i| i["AttributeValues"]["ValueItem"][0]["Value"].clone())
            .unwrap()
    };
    assert_eq!(value("used-postpaid-instance-vcpu-count"), "48");
    assert_eq!(value("max-postpaid-instance-vcpu-count"), "48");
    assert_eq!(items.as_array().unwrap().len(), 2);

    // Release two: room for two again.
    let r = post(
        &s.addr,
        &[
            ("Action", "DeleteInstances"),
            ("RegionId", "cn-hangzhou"),
            ("InstanceId.1", &first[0]),
            ("InstanceId.2", &first[1]),
            ("Force", "true"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 2);
    assert_eq!(ids(&run(&s.addr, &[("Amount", "2")])).len(), 2);
    assert_error_shape(&run(&s.addr, &[]), "QuotaExceed.AfterpayInstance", 400);

    // DeleteInstance, one at a time; an unknown id changes nothing.
    let r = post(
        &s.addr,
        &[("Action", "DeleteInstance"), ("InstanceId", &first[2])],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &s.addr,
        &[
            ("Action", "DeleteInstance"),
            ("InstanceId", "i-nosuchinstance"),
        ],
    );
    assert_error_shape(&r, "InvalidInstanceId.NotFound", 404);
    let r = post(
        &s.addr,
        &[("Action", "DeleteInstance"), ("InstanceId", &first[2])],
    );
    assert_error_shape(&r, "InvalidInstanceId.NotFound", 404);
    assert_eq!(ids(&run(&s.addr, &[])).len(), 1);
}

#[test]
fn the_1001st_instance_in_a_security_group_is_refused() {
    let s = start(&[]);
    // 990 of 1000 in use.
    assert_eq!(
        ids(&run(
            &s.addr,
            &[("SecurityGroupId", FULL_SG), ("Amount", "10")]
        ))
        .len(),
        10
    );
    let r = run(&s.addr, &[("SecurityGroupId", FULL_SG)]);
    assert_error_shape(&r, "SecurityGroupInstanceLimitExceed", 403);
    // Another group in the same VPC still has room.
    assert_eq!(ids(&run(&s.addr, &[])).len(), 1);
}

#[test]
fn concurrent_requests_apply_atomically() {
    let s = start(&[]);
    let addr = s.addr.clone();
    let created: usize = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let addr = addr.clone();
                sc.spawn(move || {
                    (0..5)
                        .map(|_| {
                            let r = run(&addr, &[("SecurityGroupId", FULL_SG)]);
                            if r.status == 200 {
                                ids(&r).len()
                            } else {
                                assert_eq!(r.code(), "SecurityGroupInstanceLimitExceed");
                                0
                            }
                        })
                        .sum::<usize>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(created, 10);
}

#[test]
fn client_tokens_replay_the_first_answer_or_refuse_other_parameters() {
    let s = start(&[]);
    let token = ("ClientToken", "0c593ea1-3bea-11e9-b96b-88e9fe637760");
    let first = ids(&run(&s.addr, &[token, ("Amount", "2")]));
    let again = ids(&run(&s.addr, &[token, ("Amount", "2")]));
    assert_eq!(first, again);
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 2);
    let r = run(&s.addr, &[token, ("Amount", "3")]);
    assert_error_shape(&r, "IdempotentParameterMismatch", 400);
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 2);
}

#[test]
fn describe_available_resource_shows_live_stock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stock.json");
    std::fs::write(
        &path,
        r#"{"Stock": {"StockLevel": [{"ZoneId": "cn-hangzhou-i",
            "InstanceType": "ecs.g7.large", "Available": 2}]}}"#,
    )
    .unwrap();
    let s = start(&["--world", path.to_str().unwrap()]);
    let status = || {
        let r = post(
            &s.addr,
            &[
                ("Action", "DescribeAvailableResource"),
                ("RegionId", "cn-hangzhou"),
                ("DestinationResource", "InstanceType"),
                ("ZoneId", "cn-hangzhou-i"),
                ("InstanceType", "ecs.g7.large"),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let z = &r.json()["AvailableZones"]["AvailableZone"][0];
        assert_eq!(z["ZoneId"], "cn-hangzhou-i");
        let res = &z["AvailableResources"]["AvailableResource"][0];
        assert_eq!(res["Type"], "InstanceType");
        let sup = &res["SupportedResources"]["SupportedResource"][0];
        assert_eq!(sup["Value"], "ecs.g7.large");
        sup["Status"].as_str().unwrap().to_string()
    };
    assert_eq!(status(), "Available");
    let made = ids(&run(&s.addr, &[("Amount", "2")]));
    assert_eq!(status(), "SoldOut");
    assert_error_shape(&run(&s.addr, &[]), "OperationDenied.NoStock", 403);
    let r = post(
        &s.addr,
        &[("Action", "DeleteInstance"), ("InstanceId", &made[0])],
    );
    assert_eq!(r.status, 200);
    assert_eq!(status(), "Available");
    // Zones of the region.
    let r = post(
        &s.addr,
        &[
            ("Action", "DescribeAvailableResource"),
            ("RegionId", "cn-hangzhou"),
            ("DestinationResource", "Zone"),
        ],
    );
    assert!(
        r.json()["AvailableZones"]["AvailableZone"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
    let r = post(
        &s.addr,
        &[
            ("Action", "DescribeAvailableResource"),
            ("RegionId", "cn-hangzhou"),
        ],
    );
    assert_error_shape(&r, "MissingParameter", 400);
}

#[test]
fn describe_spot_price_history_reads_the_traces() {
    let s = start(&[]);
    let r = post(
        &s.addr,
        &[
            ("Action", "DescribeSpotPriceHistory"),
            ("RegionId", "cn-hangzhou"),
            ("InstanceType", "ecs.g7.large"),
            ("NetworkType", "vpc"),
            ("ZoneId", "cn-hangzhou-i"),
            ("StartTime", "2026-01-01T00:00:00Z"),
            ("EndTime", "2026-01-20T00:00:00Z"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    let prices = j["SpotPrices"]["SpotPriceType"].as_array().unwrap();
    assert!(!prices.is_empty());
    for p in prices {
        assert_eq!(p["ZoneId"], "cn-hangzhou-i");
        assert!(p["SpotPrice"].as_f64().unwrap() < p["OriginPrice"].as_f64().unwrap());
    }
    assert_eq!(j["Currency"], "CNY");
    let r = post(
        &s.addr,
        &[
            ("Action", "DescribeSpotPriceHistory"),
            ("RegionId", "cn-hangzhou"),
            ("NetworkType", "vpc"),
        ],
    );
    assert_error_shape(&r, "MissingParameter", 400);
}

#[test]
fn auto_release_happens_when_the_clock_passes_it() {
    let s = start(&[]);
    ids(&run(
        &s.addr,
        &[("AutoReleaseTime", "2027-06-01T02:00:00Z")],
    ));
    ids(&run(&s.addr, &[]));
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 2);
    let r = http(&s.addr, "POST", "/_ecsim/clock?advance=1h", &[], "");
    assert_eq!(r.json()["Now"], "2027-06-01T01:00:00Z");
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 2);
    let r = http(
        &s.addr,
        "POST",
        "/_ecsim/clock?set=2027-06-01T02:00:00Z",
        &[],
        "",
    );
    assert_eq!(r.json()["Now"], "2027-06-01T02:00:00Z");
    let left = describe(&s.addr, &[]);
    assert_eq!(left["TotalCount"], 1);
    assert_eq!(left["Instances"]["Instance"][0]["AutoReleaseTime"], "");
    let r = http(&s.addr, "POST", "/_ecsim/clock?advance=soon", &[], "");
    assert_eq!(r.status, 400);
}

#[test]
fn report_and_shutdown_write_csv_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut s = start(&["--out", out.to_str().unwrap()]);
    ids(&run(&s.addr, &[("UserData", "ZWNobyBzZWNyZXQ=")]));
    assert_error_shape(&run(&s.addr, &[("DryRun", "true")]), "DryRunOperation", 400);
    let r = http(&s.addr, "POST", "/_ecsim/report", &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    assert_eq!(requests.lines().count(), 3);
    assert!(requests.starts_with("seq,at,request_id,action,region,zone,instance_type,amount,"));
    let r = http(&s.addr, "POST", "/_ecsim/shutdown", &[], "");
    assert_eq!(r.status, 200);
    let status = s.child.wait().unwrap();
    assert!(status.success());
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    // Admin routes are not API requests: the same two rows.
    assert_eq!(requests.lines().count(), 3, "{requests}");
    assert!(requests.contains(",created,"));
    assert!(!requests.contains("Capture#Passw0rd") && !requests.contains("ZWNob"));
    let failures = std::fs::read_to_string(out.join("failures.csv")).unwrap();
    assert_eq!(
        failures,
        "code,http_status,message,count\n\
         DryRunOperation,400,Request validation has been passed with DryRun flag set.,1\n"
    );
    // Without --out the report route says what is missing.
    let s = start(&[]);
    let r = http(&s.addr, "POST", "/_ecsim/report", &[], "");
    assert_eq!(r.status, 409);
}

/// A world fragment with one existing instance holding 172.16.1.1 and 172.16.1.3 on the
/// default world's vsw-bp1s5fnvk4gn2tws03624 (172.16.1.0/24).
fn held_ips_world(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("held-ips.json");
    std::fs::write(
        &path,
        r#"{"Instances": {"Instance": [{"InstanceId": "i-existing", "RegionId": "cn-hangzhou",
            "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large",
            "VpcAttributes": {"VpcId": "vpc-bp1opxu1zkhn00gzv26cq",
                              "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624",
                              "PrivateIpAddress": {"IpAddress": ["172.16.1.1", "172.16.1.3"]}}}]}}"#,
    )
    .unwrap();
    path.display().to_string()
}

/// The private and public addresses DescribeInstances shows for `id`.
fn addresses(addr: &str, id: &str) -> (Vec<String>, Vec<String>) {
    let ids = serde_json::to_string(&[id]).unwrap();
    let d = describe(addr, &[("InstanceIds", &ids)]);
    let i = &d["Instances"]["Instance"][0];
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("an address list: {d}"))
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(i["VpcAttributes"]["VpcId"], "vpc-bp1opxu1zkhn00gzv26cq");
    let private = list(&i["VpcAttributes"]["PrivateIpAddress"]["IpAddress"]);
    assert_eq!(
        i["NetworkInterfaces"]["NetworkInterface"][0]["PrimaryIpAddress"],
        private.first().map_or("", String::as_str)
    );
    (private, list(&i["PublicIpAddress"]["IpAddress"]))
}

#[test]
fn private_addresses_come_from_the_vswitch_lowest_free_first() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&["--world", &held_ips_world(&dir)]);
    // .0 is the network's and .1, .3 the world's instance's: two instances take .2 and .4.
    let two = ids(&run(&s.addr, &[("Amount", "2")]));
    assert_eq!(addresses(&s.addr, &two[0]).0, ["172.16.1.2"]);
    assert_eq!(addresses(&s.addr, &two[1]).0, ["172.16.1.4"]);
    // A requested address is honoured, and Amount > 1 takes the ones after it.
    let asked = ids(&run(
        &s.addr,
        &[("PrivateIpAddress", "172.16.1.10"), ("Amount", "2")],
    ));
    assert_eq!(addresses(&s.addr, &asked[0]).0, ["172.16.1.10"]);
    assert_eq!(addresses(&s.addr, &asked[1]).0, ["172.16.1.11"]);
    // Held by a session instance (.4, or .11 as the second of two from .10): refused, and
    // nothing is created; held by the world's instance: refused by the static rule.
    for (ip, amount) in [
        ("172.16.1.4", "1"),
        ("172.16.1.9", "3"),
        ("172.16.1.3", "1"),
    ] {
        let r = run(&s.addr, &[("PrivateIpAddress", ip), ("Amount", amount)]);
        assert_error_shape(&r, "InvalidPrivateIpAddress.Duplicated", 400);
        assert_eq!(
            r.json()["Message"],
            "The specified private IP address is already in use."
        );
    }
    let r = run(
        &s.addr,
        &[("PrivateIpAddress", "172.16.1.4"), ("DryRun", "true")],
    );
    assert_error_shape(&r, "InvalidPrivateIpAddress.Duplicated", 400);
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 4);
    // A released instance gives its address back: the next one takes .2 again.
    let r = post(
        &s.addr,
        &[("Action", "DeleteInstance"), ("InstanceId", &two[0])],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let again = ids(&run(&s.addr, &[]));
    assert_eq!(addresses(&s.addr, &again[0]).0, ["172.16.1.2"]);
    let next = ids(&run(&s.addr, &[]));
    assert_eq!(addresses(&s.addr, &next[0]).0, ["172.16.1.5"]);
    // Without bandwidth no public address; with it the lowest free of 198.18.0.0/15.
    assert!(addresses(&s.addr, &next[0]).1.is_empty());
    let public = ids(&run(
        &s.addr,
        &[("InternetMaxBandwidthOut", "5"), ("Amount", "2")],
    ));
    assert_eq!(addresses(&s.addr, &public[0]).1, ["198.18.0.1"]);
    assert_eq!(addresses(&s.addr, &public[1]).1, ["198.18.0.2"]);
    let r = post(
        &s.addr,
        &[("Action", "DeleteInstance"), ("InstanceId", &public[0])],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let back = ids(&run(&s.addr, &[("InternetMaxBandwidthOut", "1")]));
    assert_eq!(addresses(&s.addr, &back[0]).1, ["198.18.0.1"]);
}

/// Every page of a MaxResults/NextToken listing: (ids in order, the tokens answered).
fn token_pages(addr: &str, max: &str) -> (Vec<String>, Vec<String>) {
    let (mut seen, mut tokens) = (Vec::new(), Vec::new());
    let mut token = String::new();
    loop {
        let mut p = vec![("MaxResults", max)];
        if !token.is_empty() {
            p.push(("NextToken", &token));
        }
        let d = describe(addr, &p);
        assert!(
            d.get("PageNumber").is_none(),
            "token paging has no page number: {d}"
        );
        for i in d["Instances"]["Instance"].as_array().unwrap() {
            seen.push(i["InstanceId"].as_str().unwrap().to_string());
        }
        token = d["NextToken"].as_str().unwrap().to_string();
        if token.is_empty() {
            return (seen, tokens);
        }
        tokens.push(token.clone());
    }
}

#[test]
fn describe_instances_pages_by_next_token_and_by_page_number() {
    let s = start(&[]);
    let mut made = ids(&run(&s.addr, &[("Amount", "12")]));
    // MaxResults below 10 reads as 10 (the metadata's rule): pages of 10 and 2.
    let (seen, tokens) = token_pages(&s.addr, "1");
    assert_eq!(seen, made);
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].len(), 32);
    let (seen, tokens) = token_pages(&s.addr, "5000");
    assert_eq!((seen, tokens.len()), (made.clone(), 0));
    // A token resumes where it stopped even when instances before it are released.
    let (_, tokens) = token_pages(&s.addr, "10");
    let r = post(
        &s.addr,
        &[("Action", "DeleteInstance"), ("InstanceId", &made[0])],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    made.remove(0);
    let d = describe(&s.addr, &[("NextToken", &tokens[0])]);
    assert_eq!(
        d["Instances"]["Instance"][0]["InstanceId"],
        made[9].as_str()
    );
    assert_eq!(d["TotalCount"], 11);
    // The same seed answers the same tokens.
    let again = start(&[]);
    ids(&run(&again.addr, &[("Amount", "12")]));
    assert_eq!(token_pages(&again.addr, "10").1, tokens);
    // The older form: defaults 1 and 10, NextToken empty.
    let d = describe(&s.addr, &[]);
    assert_eq!(
        (d["PageNumber"].clone(), d["PageSize"].clone()),
        (1.into(), 10.into())
    );
    assert_eq!(d["NextToken"], "");
    assert_eq!(d["Instances"]["Instance"].as_array().unwrap().len(), 10);
    // Values that are not valid name their parameter.
    for (name, value) in [
        ("NextToken", "caeba0bbb2be03f84eb48b699f0a4883"),
        ("MaxResults", "ten"),
        ("PageSize", "101"),
        ("PageSize", "0"),
        ("PageNumber", "0"),
    ] {
        let r = post(
            &s.addr,
            &[
                ("Action", "DescribeInstances"),
                ("RegionId", "cn-hangzhou"),
                (name, value),
            ],
        );
        assert_error_shape(&r, "InvalidParameter", 400);
        assert!(
            r.json()["Message"].as_str().unwrap().contains(name),
            "{}",
            r.body
        );
    }
}

#[test]
fn unknown_instance_ids_answer_invalid_instance_id_not_found() {
    let s = start(&[]);
    let made = ids(&run(&s.addr, &[]));
    let r = post(
        &s.addr,
        &[
            ("Action", "DeleteInstances"),
            ("RegionId", "cn-hangzhou"),
            ("InstanceId.1", &made[0]),
            ("InstanceId.2", "i-nosuchinstance"),
        ],
    );
    assert_error_shape(&r, "InvalidInstanceId.NotFound", 404);
    assert_eq!(
        r.json()["Message"],
        "The specified InstanceId does not exist."
    );
    // All or none: the known one is still there.
    assert_eq!(describe(&s.addr, &[])["TotalCount"], 1);
    // The 2018 reference has no such row and answers InvalidParameter, as then.
    let old = start(&["--edition", "reference-2018"]);
    let r = post(
        &old.addr,
        &[
            ("Action", "DeleteInstance"),
            ("InstanceId", "i-nosuchinstance"),
        ],
    );
    assert_error_shape(&r, "InvalidParameter", 400);
}
