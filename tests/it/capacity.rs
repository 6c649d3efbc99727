//! Capacity as today's API enforces it (docs/capacity.md): vSwitch addresses, security-group
//! capacity by group type, per-type and spot vCPU quotas, deployment sets and public IPv4
//! stock, through `check`, a replay and `serve`; releases give each resource back.

use std::path::Path;

use ecsim::scenario::{file, Scenario};
use ecsim::sim::{self, Options, ScenarioReport};

use crate::support::{ecsim, json_lines, start_server, stdout, AT};

const SG: &str = "sg-bp15ed6xe1yxeycg7o3k";
const ENTERPRISE: &str = "sg-bp1enterprise4k7m2q";
const VSW: &str = "vsw-bp1s5fnvk4gn2tws03624";

/// A valid Hangzhou request (zone cn-hangzhou-i) with `extra` members, as a JSON object.
fn req(extra: &str) -> String {
    let base = format!(
        r#""RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g7.large", "VSwitchId": "{VSW}", "SystemDisk.Category": "cloud_essd""#
    );
    if extra.is_empty() {
        format!("{{{base}, \"SecurityGroupId\": \"{SG}\"}}")
    } else if extra.contains("SecurityGroup") {
        format!("{{{base}, {extra}}}")
    } else {
        format!("{{{base}, \"SecurityGroupId\": \"{SG}\", {extra}}}")
    }
}

/// A vSwitch of the default world with only `free` addresses left.
fn small_vswitch(free: u32) -> String {
    format!(
        r#"{{"VSwitches": {{"VSwitch": [{{"VSwitchId": "{VSW}", "VpcId": "vpc-bp1opxu1zkhn00gzv26cq", "ZoneId": "cn-hangzhou-i", "CidrBlock": "172.16.1.0/24", "AvailableIpAddressCount": {free}}}]}}}}"#
    )
}

/// `check --json` of one request under the 2018 reference in the default world.
fn check_reference(body: &str) -> std::process::Output {
    ecsim(
        &[
            "check",
            "--edition",
            "reference-2018",
            "--at",
            AT,
            "--json",
            body,
        ],
        None,
    )
}

fn replay(world: &str, timeline: &[String]) -> ScenarioReport {
    let text = format!(
        r#"{{"trials": 3, "horizon": "4h", "sample_every": "10m", "world": {world},
            "timeline": [{}]}}"#,
        timeline.join(",")
    );
    let s: Scenario = file::parse("capacity.json", &text, Path::new("."))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    sim::run(&[s], &Options::default()).remove(0)
}

fn request(at: &str, label: &str, body: &str) -> String {
    format!(r#"{{"at": "{at}", "label": "{label}", "request": {body}}}"#)
}

/// The code request `seq` answered in every trial ("" for success), or a panic.
fn answer(r: &ScenarioReport, seq: usize) -> String {
    let s = &r.stats[seq];
    assert_eq!(
        s.answers.len(),
        1,
        "one answer in every trial: {:?}",
        s.answers
    );
    ecsim::sim::trial::code_key(s.answers[0].0).map_or(String::new(), |k| k.code().to_string())
}

/// A GET of serve's API with `pairs` as the query: (status, body).
fn query(addr: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    crate::support::http_get(addr, &format!("/?{q}"))
}

/// The use of `resource` at its last sample (the median over trials).
fn last_use(r: &ScenarioReport, resource: &str) -> u32 {
    r.timeline
        .iter()
        .rfind(|p| p.resource == resource)
        .unwrap_or_else(|| panic!("{resource} in timeline.csv"))
        .p50
}

#[test]
fn a_vswitch_runs_out_of_addresses_and_a_release_frees_them() {
    let r = replay(
        &small_vswitch(10),
        &[
            request("+0m", "a", &req(r#""Amount": 6"#)),
            request("+1m", "b", &req(r#""Amount": 6"#)),
            request("+2m", "c", &req(r#""Amount": 6, "MinAmount": 1"#)),
            r#"{"at": "+3m", "release": {"label": "a"}}"#.to_string(),
            request("+4m", "d", &req(r#""Amount": 6"#)),
        ],
    );
    assert_eq!(answer(&r, 0), "");
    assert_eq!(answer(&r, 1), "QuotaExceeded.PrivateIpAddress");
    assert_eq!(answer(&r, 2), "", "MinAmount takes the 4 addresses left");
    assert_eq!(r.stats[2].created, 3 * 4);
    assert_eq!(answer(&r, 3), "", "the release gave 6 addresses back");
    assert_eq!(last_use(&r, &format!("vswitch_ips:{VSW}")), 10);
}

#[test]
fn an_enterprise_group_takes_twenty_more_where_it_holds_990() {
    // Regression: every group held a flat 1000 instances, so 990 + 20 was refused.
    let world = format!(
        r#"{{"SecurityGroups": {{"SecurityGroup": [{{"SecurityGroupId": "{ENTERPRISE}", "SecurityGroupType": "enterprise", "VpcId": "vpc-bp1opxu1zkhn00gzv26cq", "RegionId": "cn-hangzhou", "EcsCount": 990}}]}}}}"#
    );
    let body = req(&format!(
        r#""SecurityGroupId": "{ENTERPRISE}", "Amount": 20"#
    ));
    let r = replay(&world, &[request("+0m", "a", &body)]);
    assert_eq!(answer(&r, 0), "");
    assert_eq!(
        last_use(&r, &format!("security_group_enis:{ENTERPRISE}")),
        1010
    );
    // The 2018 reference counts instances against the group's InstanceLimit: the default
    // world's enterprise group (8 instances of 65,536) takes them too.
    let o = check_reference(&body);
    assert_eq!(json_lines(&o)[0]["ok"], true, "{}", stdout(&o));
}

#[test]
fn an_instance_in_two_groups_counts_in_each() {
    let body = req(&format!(
        r#""SecurityGroupIds.1": "{SG}", "SecurityGroupIds.2": "sg-bp1fullgroup9k2m7x4q", "Amount": 4"#
    ));
    let r = replay("{}", &[request("+0m", "a", &body)]);
    assert_eq!(answer(&r, 0), "");
    assert_eq!(last_use(&r, &format!("security_group_ips:{SG}")), 12 + 4);
    assert_eq!(
        last_use(&r, "security_group_ips:sg-bp1fullgroup9k2m7x4q"),
        1990 + 4
    );
    // The full group binds though it is the second one named, and the answer names it.
    let o = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--json",
            &body.replace("\"Amount\": 4", "\"Amount\": 11"),
        ],
        None,
    );
    let line = &json_lines(&o)[0];
    assert_eq!(line["code"], "SecurityGroupInstanceLimitExceed", "{line}");
    assert_eq!(line["parameter"], "SecurityGroupIds.2");
    assert_eq!(
        line["limit"]["name"],
        "security_group_ips:sg-bp1fullgroup9k2m7x4q"
    );
    assert_eq!(
        (
            line["limit"]["room"].as_u64(),
            line["limit"]["asked"].as_u64()
        ),
        (Some(10), Some(11))
    );
}

#[test]
fn a_type_quota_binds_and_the_fallback_type_launches() {
    let world = r#"{"InstanceTypeQuotas": {"InstanceTypeQuota": [{"RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "InstanceChargeType": "PostPaid", "MaxVcpuCount": 20, "UsedVcpuCount": 4}]}}"#;
    let r = replay(
        world,
        &[
            request("+0m", "a", &req(r#""Amount": 8"#)),
            request("+1m", "b", &req(r#""Amount": 2"#)),
            request(
                "+2m",
                "fallback",
                &req(r#""Amount": 2, "InstanceType": "ecs.c7.large""#),
            ),
            r#"{"at": "+3m", "release": {"label": "a"}}"#.to_string(),
            request("+4m", "c", &req(r#""Amount": 2"#)),
        ],
    );
    assert_eq!(answer(&r, 0), "");
    assert_eq!(answer(&r, 1), "QuotaExceed.ElasticQuota");
    assert_eq!(answer(&r, 2), "");
    assert_eq!(answer(&r, 3), "", "the release gave the vCPUs back");
    assert_eq!(
        last_use(&r, "type_quota:cn-hangzhou-i:ecs.g7.large:PostPaid"),
        4 + 4
    );
}

#[test]
fn spot_draws_on_its_own_vcpu_quota_not_the_pay_as_you_go_pool() {
    let world = r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou", "MaxPostpaidInstanceVcpuCount": 1000, "UsedPostpaidInstanceVcpuCount": 40, "MaxSpotInstanceVcpuCount": 10, "UsedSpotInstanceVcpuCount": 2}]}}"#;
    let spot = req(r#""Amount": 4, "SpotStrategy": "SpotAsPriceGo""#);
    let r = replay(
        world,
        &[
            request("+0m", "a", &spot),
            request("+1m", "b", &spot),
            request("+2m", "payg", &req(r#""Amount": 4"#)),
        ],
    );
    assert_eq!(answer(&r, 0), "");
    assert_eq!(answer(&r, 1), "QuotaExceed.ElasticQuota");
    assert_eq!(answer(&r, 2), "");
    assert_eq!(last_use(&r, "spot_vcpus:cn-hangzhou"), 2 + 8);
    assert_eq!(last_use(&r, "quota:cn-hangzhou:vcpus"), 40 + 8);
}

#[test]
fn a_deployment_set_takes_seven_per_zone_and_a_release_frees_a_place() {
    let body = |n: u32| {
        req(&format!(
            r#""Amount": {n}, "DeploymentSetId": "ds-bp1webha7k2m9x4q""#
        ))
    };
    let world = r#"{"DeploymentSets": {"DeploymentSet": [{"DeploymentSetId": "ds-bp1webha7k2m9x4q", "RegionId": "cn-hangzhou", "DeploymentStrategy": "Availability", "InstanceAmount": 0}]}}"#;
    let r = replay(
        world,
        &[
            request("+0m", "a", &body(5)),
            request("+1m", "b", &body(3)),
            r#"{"at": "+2m", "release": {"count": 1, "label": "a"}}"#.to_string(),
            request("+3m", "c", &body(3)),
        ],
    );
    assert_eq!(answer(&r, 0), "");
    assert_eq!(answer(&r, 1), "QuotaExceed.DeploymentSetInstanceQuotaFull");
    assert_eq!(answer(&r, 2), "");
    assert_eq!(
        last_use(&r, "deployment_set:cn-hangzhou-i:ds-bp1webha7k2m9x4q"),
        7
    );
}

#[test]
fn public_ipv4_stock_runs_out_for_instances_with_bandwidth_only() {
    let world = r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou", "PublicIpAddressStock": 3}]}}"#;
    let r = replay(
        world,
        &[
            request(
                "+0m",
                "a",
                &req(r#""Amount": 2, "InternetMaxBandwidthOut": 5"#),
            ),
            request(
                "+1m",
                "b",
                &req(r#""Amount": 2, "InternetMaxBandwidthOut": 5"#),
            ),
            request("+2m", "private", &req(r#""Amount": 2"#)),
        ],
    );
    assert_eq!(answer(&r, 0), "");
    assert_eq!(answer(&r, 1), "InvalidOperation.PublicIpAddressNoStock");
    assert_eq!(answer(&r, 2), "");
}

#[test]
fn check_names_the_limit_that_bound_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.json");
    std::fs::write(&world, small_vswitch(3)).unwrap();
    let body = req(r#""Amount": 10"#);
    let w = world.to_str().unwrap();
    let o = ecsim(&["check", "--at", AT, "--world", w, &body], None);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("400 QuotaExceeded.PrivateIpAddress: Don't have enough private IPs in this switch.")
            && text.contains(&format!(
                "limit: vswitch_ips:{VSW}: room for 3 instances, 10 asked (0 of 3 private IPs in use, 1 per instance)"
            )),
        "{text}"
    );
    let o = ecsim(&["check", "--at", AT, "--world", w, "--json", &body], None);
    let line = &json_lines(&o)[0];
    assert_eq!(line["parameter"], "VSwitchId");
    assert_eq!(line["limit"]["unit"], "private IPs");
    // A secondary ENI on the same vSwitch takes a second address per instance.
    let two = req(&format!(
        r#""SecurityGroupId": "{SG}", "Amount": 2, "NetworkInterface.1.InstanceType": "Secondary", "NetworkInterface.1.SecurityGroupId": "{SG}""#
    ));
    let o = ecsim(&["check", "--at", AT, "--world", w, "--json", &two], None);
    let line = &json_lines(&o)[0];
    assert_eq!(line["code"], "QuotaExceeded.PrivateIpAddress", "{line}");
    assert_eq!(line["limit"]["per_instance"], 2);
}

#[test]
fn the_regional_bandwidth_cap_answers_todays_code_and_the_reference_keeps_its_own() {
    let body = req(r#""Amount": 60, "InternetMaxBandwidthOut": 100"#);
    let today = ecsim(&["check", "--at", AT, "--json", &body], None);
    let line = &json_lines(&today)[0];
    assert_eq!(line["code"], "QuotaExceeded.InternetBandwidth", "{line}");
    assert_eq!(line["limit"]["name"], "bandwidth:cn-hangzhou:PayByTraffic");
    let old = check_reference(&body);
    assert_eq!(json_lines(&old)[0]["code"], "InvalidParameter");
}

#[test]
fn serve_refuses_past_the_vswitch_and_lists_every_group() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.json");
    std::fs::write(&world, small_vswitch(3)).unwrap();
    let server = start_server(&["--world", world.to_str().unwrap()]);
    let call = |pairs: &[(&str, &str)]| query(&server.addr, pairs);
    let run = [
        ("Action", "RunInstances"),
        ("RegionId", "cn-hangzhou"),
        ("ZoneId", "cn-hangzhou-i"),
        ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
        ("InstanceType", "ecs.g7.large"),
        ("SecurityGroupIds.1", SG),
        ("SecurityGroupIds.2", "sg-bp1fullgroup9k2m7x4q"),
        ("VSwitchId", VSW),
        ("SystemDisk.Category", "cloud_essd"),
    ];
    let mut first = run.to_vec();
    first.push(("Amount", "2"));
    let (status, body) = call(&first);
    assert_eq!(status, 200, "{body}");
    let mut second = run.to_vec();
    second.push(("Amount", "2"));
    let (status, body) = call(&second);
    assert_eq!(status, 400, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["Code"], "QuotaExceeded.PrivateIpAddress");
    let (_, body) = call(&[("Action", "DescribeInstances"), ("RegionId", "cn-hangzhou")]);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let groups = &v["Instances"]["Instance"][0]["SecurityGroupIds"]["SecurityGroupId"];
    assert_eq!(groups, &serde_json::json!([SG, "sg-bp1fullgroup9k2m7x4q"]));
}

#[test]
fn disk_quotas_bind_per_category_and_count_and_a_release_frees_them() {
    // 200 GiB of ESSD in cn-hangzhou-i and 6 living pay-as-you-go disks: each instance of `a`
    // takes a 40 GiB ESSD system disk and a 50 GiB ESSD data disk (90 GiB, 2 disks).
    let world = r#"{"DiskCapacityQuotas": {"DiskCapacityQuota": [{"RegionId": "cn-hangzhou",
        "ZoneId": "cn-hangzhou-i", "DiskCategory": "cloud_essd", "MaxCapacity": 200}]},
        "RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou",
        "MaxPostPaidDiskCount": 6}]}}"#;
    let essd = r#""DataDisk.1.Category": "cloud_essd", "DataDisk.1.Size": 50"#;
    let auto = r#""SystemDisk.Category": "cloud_auto", "DataDisk.1.Category": "cloud_auto""#;
    let r = replay(
        world,
        &[
            request("+0m", "a", &req(&format!(r#""Amount": 2, {essd}"#))),
            // 90 GiB of ESSD asked, 20 left.
            request("+1m", "b", &req(&format!(r#""Amount": 1, {essd}"#))),
            // AutoPL disks have no GiB quota here; 2 disks take the count to 6 of 6.
            request("+2m", "c", &req(&format!(r#""Amount": 1, {auto}"#))),
            request(
                "+3m",
                "d",
                &req(r#""Amount": 1, "SystemDisk.Category": "cloud_auto""#),
            ),
            r#"{"at": "+4m", "release": {"label": "a"}}"#.to_string(),
            request("+5m", "e", &req(&format!(r#""Amount": 2, {essd}"#))),
        ],
    );
    assert_eq!(answer(&r, 0), "");
    assert_eq!(answer(&r, 1), "QuotaExceed.DiskCapacity");
    assert_eq!(answer(&r, 2), "");
    assert_eq!(answer(&r, 3), "QuotaExceed.PostPaidDisk");
    assert_eq!(
        answer(&r, 4),
        "",
        "the release gave 180 GiB and 4 disks back"
    );
    assert_eq!(last_use(&r, "disk_capacity:cn-hangzhou-i:cloud_essd"), 180);
    assert_eq!(last_use(&r, "postpaid_disks:cn-hangzhou"), 6);
}

#[test]
fn check_and_serve_answer_the_data_disk_capacity_quota() {
    let world = r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou",
        "MaxPostpaidDataDiskCapacity": 500, "UsedPostpaidDataDiskCapacity": 300}]}}"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("world.json");
    std::fs::write(&path, world).unwrap();
    let body = req(r#""Amount": 3, "DataDisk.1.Size": 100, "DataDisk.1.Category": "cloud_essd""#);
    let out = ecsim(
        &[
            "check",
            "--world",
            path.to_str().unwrap(),
            "--at",
            AT,
            "--json",
            &body,
        ],
        None,
    );
    let line = &json_lines(&out)[0];
    assert_eq!(
        line["code"], "QuotaExceeded.PostpaidDataDiskCapacity",
        "{line}"
    );
    assert_eq!(line["limit"]["name"], "postpaid_data_disk_gib:cn-hangzhou");
    assert_eq!(line["limit"]["room"], 2);
    let server = start_server(&["--world", path.to_str().unwrap()]);
    let call = |amount: &str| {
        query(
            &server.addr,
            &[
                ("Action", "RunInstances"),
                ("RegionId", "cn-hangzhou"),
                ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
                ("InstanceType", "ecs.g7.large"),
                ("SecurityGroupId", SG),
                ("VSwitchId", VSW),
                ("SystemDisk.Category", "cloud_essd"),
                ("DataDisk.1.Size", "100"),
                ("DataDisk.1.Category", "cloud_essd"),
                ("Amount", amount),
            ],
        )
    };
    assert_eq!(call("2").0, 200, "200 GiB fit");
    let (status, body) = call("1");
    assert_eq!(status, 403, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["Code"], "QuotaExceeded.PostpaidDataDiskCapacity");
}

/// A DescribeAccountAttributes response as a planner saves it, with the region it was taken in.
const ATTRIBUTES: &str = r#"{
  "RegionId": "cn-hangzhou",
  "RequestId": "8CE45CD5-31FB-47C2-959D-CA8144CE0000",
  "AccountAttributeItems": {
    "AccountAttributeItem": [
      {"AttributeName": "max-postpaid-instance-vcpu-count",
       "AttributeValues": {"ValueItem": [
         {"Value": "800"},
         {"Value": "8", "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large",
          "InstanceChargeType": "PostPaid"}]}},
      {"AttributeName": "used-postpaid-instance-vcpu-count",
       "AttributeValues": {"ValueItem": [
         {"Value": "4", "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large",
          "InstanceChargeType": "PostPaid"}]}},
      {"AttributeName": "max-spot-instance-vcpu-count",
       "AttributeValues": {"ValueItem": [{"Value": "6"}]}},
      {"AttributeName": "max-postpaid-yundisk-capacity",
       "AttributeValues": {"ValueItem": [{"Value": "300"}]}},
      {"AttributeName": "max-security-groups",
       "AttributeValues": {"ValueItem": [{"Value": "100"}]}},
      {"AttributeName": "instance-network-type",
       "AttributeValues": {"ValueItem": [{"Value": "vpc"}]}}
    ]
  }
}"#;

#[test]
fn an_account_attributes_export_sets_the_quotas_check_meets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attributes.json");
    std::fs::write(&path, ATTRIBUTES).unwrap();
    let check = |body: &str| {
        let out = ecsim(
            &[
                "check",
                "--world",
                path.to_str().unwrap(),
                "--at",
                AT,
                "--json",
                body,
            ],
            None,
        );
        json_lines(&out).remove(0)
    };
    // 8 vCPUs for the type in the zone, 4 used: two 2-vCPU instances fit, three do not.
    let zone = r#""ZoneId": "cn-hangzhou-i""#;
    assert_eq!(check(&req(&format!(r#"{zone}, "Amount": 2"#)))["ok"], true);
    let line = check(&req(&format!(r#"{zone}, "Amount": 3"#)));
    assert_eq!(line["code"], "QuotaExceed.ElasticQuota", "{line}");
    assert_eq!(
        line["limit"]["name"],
        "type_quota:cn-hangzhou-i:ecs.g7.large:PostPaid"
    );
    // The region's spot quota: 6 vCPUs, three 2-vCPU spot instances, not four.
    let spot = r#""SpotStrategy": "SpotAsPriceGo", "InstanceType": "ecs.g7.large""#;
    assert_eq!(check(&req(&format!(r#"{spot}, "Amount": 3"#)))["ok"], true);
    let line = check(&req(&format!(r#"{spot}, "Amount": 4"#)));
    assert_eq!(line["limit"]["name"], "spot_vcpus:cn-hangzhou", "{line}");
    // max-postpaid-yundisk-capacity: 300 GiB of pay-as-you-go data disks.
    let line = check(&req(
        r#""Amount": 2, "DataDisk.1.Size": 200, "DataDisk.1.Category": "cloud_essd""#,
    ));
    assert_eq!(
        line["code"], "QuotaExceeded.PostpaidDataDiskCapacity",
        "{line}"
    );
    // The regional figures overlay the default world's, which keeps its instance count.
    let doc = ecsim::world::load::load_doc_text("attributes.json", ATTRIBUTES).unwrap();
    let q = serde_json::to_value(&doc.region_quotas).unwrap();
    let hz = q["RegionQuota"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["RegionId"] == "cn-hangzhou")
        .unwrap()
        .clone();
    assert_eq!(hz["MaxPostpaidInstanceVcpuCount"], 800);
    assert_eq!(hz["MaxPostpaidInstanceCount"], 500);
}

#[test]
fn an_attributes_export_without_its_region_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attributes.json");
    std::fs::write(
        &path,
        ATTRIBUTES.replace(r#""RegionId": "cn-hangzhou","#, ""),
    )
    .unwrap();
    let out = ecsim(
        &["check", "--world", path.to_str().unwrap(), &req("")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("attributes.json:4:3"), "{err}");
    assert!(err.contains("add \"RegionId\""), "{err}");
    let bad = ATTRIBUTES.replace(r#"{"Value": "6"}"#, r#"{"Value": "six"}"#);
    std::fs::write(&path, bad).unwrap();
    let out = ecsim(
        &["check", "--world", path.to_str().unwrap(), &req("")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("AccountAttributeItem[2].AttributeValues.ValueItem[0]"),
        "{err}"
    );
}

/// A reservation of 10 ecs.g7.large in cn-hangzhou-i, in a zone with 3 left in stock.
const RESERVATION: &str = r#"{"Stock": {"StockLevel": [{"ZoneId": "cn-hangzhou-i",
    "InstanceType": "ecs.g7.large", "Available": 3}]},
    "CapacityReservationSet": {"CapacityReservationItem": [{
    "PrivatePoolOptionsId": "crp-bp1reserve7k2m9x4q", "RegionId": "cn-hangzhou",
    "PrivatePoolOptionsMatchCriteria": "Open", "Status": "Active",
    "InstanceChargeType": "PostPaid", "Platform": "linux",
    "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-i",
    "InstanceType": "ecs.g7.large", "TotalAmount": 10, "UsedAmount": 0}]}}]}}"#;

#[test]
fn a_reservation_serves_targeted_and_open_launches_past_the_stock_and_a_release_frees_it() {
    let target = r#""PrivatePoolOptions.MatchCriteria": "Target", "PrivatePoolOptions.Id": "crp-bp1reserve7k2m9x4q""#;
    let open = r#""PrivatePoolOptions.MatchCriteria": "Open""#;
    let r = replay(
        RESERVATION,
        &[
            request("+0m", "a", &req(&format!(r#"{target}, "Amount": 6"#))),
            // The public stock holds 3.
            request("+1m", "b", &req(r#""Amount": 4"#)),
            // Open, but the pool has 4 places for 5: the public stock serves 3 of them.
            request(
                "+2m",
                "c",
                &req(&format!(r#"{open}, "Amount": 5, "MinAmount": 1"#)),
            ),
            // Open with room in the pool: served by it though the stock is gone.
            request("+3m", "d", &req(&format!(r#"{open}, "Amount": 4"#))),
            request("+4m", "e", &req(&format!(r#"{target}, "Amount": 1"#))),
            r#"{"at": "+5m", "release": {"label": "a"}}"#.to_string(),
            request("+6m", "f", &req(&format!(r#"{target}, "Amount": 6"#))),
        ],
    );
    assert_eq!(answer(&r, 0), "");
    assert_eq!(answer(&r, 1), "OperationDenied.NoStock");
    assert_eq!(answer(&r, 2), "");
    assert_eq!(
        r.stats[2].created,
        3 * 3,
        "3 per trial from the public stock"
    );
    assert_eq!(answer(&r, 3), "");
    assert_eq!(answer(&r, 4), "Invalid.PrivatePoolOptions.NoStock");
    assert_eq!(answer(&r, 5), "", "the release gave the pool 6 places back");
    assert_eq!(
        last_use(
            &r,
            "private_pool:cn-hangzhou-i:crp-bp1reserve7k2m9x4q:ecs.g7.large"
        ),
        10
    );
}

#[test]
fn check_and_serve_launch_into_a_reservation_and_refuse_past_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("world.json");
    std::fs::write(&path, RESERVATION).unwrap();
    let body = req(
        r#""PrivatePoolOptions.MatchCriteria": "Target", "PrivatePoolOptions.Id": "crp-bp1reserve7k2m9x4q", "Amount": 11"#,
    );
    let out = ecsim(
        &[
            "check",
            "--world",
            path.to_str().unwrap(),
            "--at",
            AT,
            "--json",
            &body,
        ],
        None,
    );
    let line = &json_lines(&out)[0];
    assert_eq!(line["code"], "Invalid.PrivatePoolOptions.NoStock", "{line}");
    assert_eq!(line["parameter"], "PrivatePoolOptions.Id");
    assert_eq!(line["limit"]["room"], 10);
    let server = start_server(&["--world", path.to_str().unwrap()]);
    let call = |pairs: &[(&str, &str)]| query(&server.addr, pairs);
    let mut run = vec![
        ("Action", "RunInstances"),
        ("RegionId", "cn-hangzhou"),
        ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
        ("InstanceType", "ecs.g7.large"),
        ("SecurityGroupId", SG),
        ("VSwitchId", VSW),
        ("SystemDisk.Category", "cloud_essd"),
        ("PrivatePoolOptions.MatchCriteria", "Target"),
        ("PrivatePoolOptions.Id", "crp-bp1reserve7k2m9x4q"),
        ("Amount", "8"),
    ];
    let (status, body) = call(&run);
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(&run);
    assert_eq!(status, 400, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["Code"], "Invalid.PrivatePoolOptions.NoStock");
    // The public stock was not drawn on: 3 still launch without the pool.
    run.truncate(7);
    run.push(("Amount", "3"));
    let (status, body) = call(&run);
    assert_eq!(status, 200, "{body}");
}
