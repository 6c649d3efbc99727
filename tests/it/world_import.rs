//! `ecsim world import` (docs/world.md, "Model your own account"): Describe* exports become one
//! world file that `--world` loads; pages concatenate; existing instances count against the
//! limits; the default world's own Describe*-shaped files come back as the default world.

use std::collections::BTreeMap;

use ecsim::world::load::load_doc;
use ecsim::world::WorldDoc;
use serde_json::Value;

use crate::support::{ecsim, request, stderr, stdout};

const FIX: &str = "tests/fixtures/import";

/// The default world files that follow a Describe* (or RAM / Resource Manager List*) response.
const DESCRIBE_SHAPED: &[&str] = &[
    "regions.json",
    "zones.json",
    "instance_types.json",
    "images.json",
    "network.json",
    "key_pairs.json",
    "snapshots.json",
    "launch_templates.json",
    "roles.json",
    "hpc_clusters.json",
    "deployment_sets.json",
    "resource_groups.json",
    "spot_prices.json",
];

fn fixture(name: &str) -> String {
    format!("{FIX}/{name}")
}

/// Runs `world import` with `args`; the world on stdout, parsed.
fn import(args: &[&str]) -> (Value, String) {
    let mut all = vec!["world", "import"];
    all.extend_from_slice(args);
    let o = ecsim(&all, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let world = serde_json::from_slice(&o.stdout).expect("the world is JSON");
    (world, stderr(&o))
}

/// Each list of a world document as its items' JSON, sorted: order-free and field-exact.
fn lists(doc: &WorldDoc) -> BTreeMap<String, Vec<String>> {
    let Value::Object(top) = serde_json::to_value(doc).unwrap() else {
        unreachable!("a world document is an object")
    };
    top.into_iter()
        .filter_map(|(k, v)| {
            let items: Vec<String> = v
                .as_object()?
                .values()
                .flat_map(|l| l.as_array().cloned().unwrap_or_default())
                .map(|i| i.to_string())
                .collect();
            let mut items = items;
            items.sort();
            Some((k, items))
        })
        .collect()
}

fn world_file(dir: &tempfile::TempDir, world: &Value) -> String {
    let p = dir.path().join("imported.json");
    std::fs::write(&p, serde_json::to_string_pretty(world).unwrap()).unwrap();
    p.display().to_string()
}

#[test]
fn the_default_worlds_describe_shaped_files_import_back_into_the_default_world() {
    let files: Vec<String> = DESCRIBE_SHAPED
        .iter()
        .map(|f| format!("data/world/{f}"))
        .collect();
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let (world, report) = import(&args);
    let imported: WorldDoc = serde_json::from_value(world.clone()).expect("a world document");
    let default = load_doc(&[]).unwrap();
    let (got, want) = (lists(&imported), lists(&default));
    let mut covered = 0;
    for (key, items) in &got {
        if items.is_empty() {
            continue;
        }
        covered += 1;
        assert_eq!(
            Some(items),
            want.get(key),
            "{key}: the imported items differ from the default world's"
        );
    }
    assert_eq!(covered, 15, "every Describe-shaped list came back: {got:?}");
    // Nothing ecsim-only was invented.
    for key in ["RegionQuotas", "VpcQuotas", "Stock", "ServiceHealth"] {
        assert!(got.get(key).is_none_or(Vec::is_empty), "{key}");
    }
    assert!(report.contains("network.json: DescribeSecurityGroups: 11 SecurityGroup items used"));
    assert!(report.contains("Account"), "{report}");
    // And it loads as a world file that predicts as the default world does.
    let dir = tempfile::tempdir().unwrap();
    let path = world_file(&dir, &world);
    for changes in [
        vec![],
        vec![("InstanceType", "ecs.gn6i-c4g1.xlarge")],
        vec![
            ("SecurityGroupId", "sg-bp1fullgroup9k2m7x4q"),
            ("Amount", "20"),
        ],
        vec![("ImageId", "m-bp1marketunsub5x2k9m")],
    ] {
        let r = request(&changes);
        let with = ecsim(&["check", "--json", "--world", &path, &r], None);
        let without = ecsim(&["check", "--json", &r], None);
        assert_eq!(with.status.code(), without.status.code(), "{r}");
        assert_eq!(stdout(&with), stdout(&without), "{r}");
    }
}

#[test]
fn the_output_is_sorted_so_file_order_and_reruns_do_not_change_it() {
    let a = ["data/world/images.json", "data/world/network.json"];
    let first = ecsim(&["world", "import", a[0], a[1]], None);
    let again = ecsim(&["world", "import", a[0], a[1]], None);
    let swapped = ecsim(&["world", "import", a[1], a[0]], None);
    assert_eq!(first.stdout, again.stdout);
    assert_eq!(first.stdout, swapped.stdout);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w.json");
    let o = ecsim(
        &[
            "world",
            "import",
            a[0],
            a[1],
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read(&out).unwrap(), first.stdout);
    assert!(stderr(&o).contains("wrote "), "{}", stderr(&o));
}

#[test]
fn two_pages_concatenate_and_unused_fields_are_reported() {
    let (p1, p2) = (
        fixture("instances-page1.json"),
        fixture("instances-page2.json"),
    );
    let (world, report) = import(&[&p1, &p2]);
    let ids: Vec<&str> = world["Instances"]["Instance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["InstanceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 9, "5 + 5 with one on both pages: {ids:?}");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "sorted by id");
    assert!(
        report.contains("instances-page2.json: DescribeInstances: 4 Instance items used; 1 already read from an earlier page"),
        "{report}"
    );
    assert!(
        report.contains("HostName"),
        "dropped fields named: {report}"
    );
    let first = &world["Instances"]["Instance"][0];
    assert!(first.get("HostName").is_none() && first.get("Tags").is_none());
    assert_eq!(
        first["VpcAttributes"]["VSwitchId"],
        "vsw-bp1s5fnvk4gn2tws03624"
    );
    assert!(first["VpcAttributes"].get("NatIpAddress").is_none());
}

#[test]
fn a_changed_item_on_a_later_page_replaces_the_earlier_one_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("instances-page1.json"))
        .unwrap()
        .replace("\"Running\"", "\"Stopped\"");
    let later = dir.path().join("later.json");
    std::fs::write(&later, text).unwrap();
    let (world, report) = import(&[&fixture("instances-page1.json"), later.to_str().unwrap()]);
    assert!(
        report.contains("replace different items of the same id"),
        "{report}"
    );
    let states: Vec<&str> = world["Instances"]["Instance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["Status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["Stopped"; 5], "the later file wins");
}

#[test]
fn imported_instances_make_a_launch_hit_the_vcpu_quota_it_passes_without_them() {
    let (world, report) = import(&[
        &fixture("instances-page1.json"),
        &fixture("instances-page2.json"),
    ]);
    let q = &world["RegionQuotas"]["RegionQuota"][0];
    assert_eq!(q["RegionId"], "cn-hangzhou");
    // 7 pay-as-you-go instances of 128 vCPUs (one Stopped, which still counts); the
    // subscription and the spot instance are not in the pay-as-you-go pool.
    assert_eq!(q["UsedPostpaidInstanceCount"], 7);
    assert_eq!(q["UsedPostpaidInstanceVcpuCount"], 896);
    assert_eq!(q["UsedSpotInstanceVcpuCount"], 2);
    assert_eq!(
        q["MaxPostpaidInstanceVcpuCount"], 1000,
        "the default world's limit"
    );
    assert_eq!(
        (
            q["UsedPayByTrafficBandwidth"].clone(),
            q["UsedPayByBandwidthBandwidth"].clone()
        ),
        (100.into(), 50.into())
    );
    assert!(report.contains("1 Stopped"), "{report}");
    let dir = tempfile::tempdir().unwrap();
    let path = world_file(&dir, &world);
    let r = request(&[("Amount", "60")]);
    let without = ecsim(&["check", "--json", &r], None);
    assert_eq!(without.status.code(), Some(0), "{}", stdout(&without));
    let with = ecsim(&["check", "--json", "--world", &path, &r], None);
    assert_eq!(with.status.code(), Some(1), "{}", stdout(&with));
    assert!(
        stdout(&with).contains("QuotaExceed.AfterpayInstance"),
        "{}",
        stdout(&with)
    );
}

#[test]
fn a_security_group_without_ecs_count_counts_its_imported_members() {
    let (world, report) = import(&[
        &fixture("security-groups.json"),
        &fixture("instances-page1.json"),
        &fixture("instances-page2.json"),
    ]);
    let g = &world["SecurityGroups"]["SecurityGroup"][0];
    assert_eq!(g["SecurityGroupId"], "sg-bp1importtest3k8m2x");
    assert_eq!(g["RegionId"], "cn-hangzhou", "from the response's RegionId");
    assert_eq!(g["EcsCount"], 2, "instances 5 and 9 are in it");
    assert!(report.contains("--IsQueryEcsCount"), "{report}");
    // An export with the API's own figure keeps it: the default network file has EcsCount.
    let (world, _) = import(&["data/world/network.json", &fixture("instances-page1.json")]);
    let web = world["SecurityGroups"]["SecurityGroup"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["SecurityGroupId"] == "sg-bp15ed6xe1yxeycg7o3k")
        .unwrap()
        .clone();
    assert_eq!(
        web["EcsCount"], 12,
        "the export's EcsCount already counts them"
    );
}

#[test]
fn account_attributes_replace_the_counted_vcpus_rather_than_add_to_them() {
    let (world, report) = import(&[
        "--region",
        "cn-hangzhou",
        &fixture("instances-page1.json"),
        &fixture("account-attributes.json"),
    ]);
    let q = &world["RegionQuotas"]["RegionQuota"][0];
    assert_eq!(
        q["UsedPostpaidInstanceVcpuCount"], 900,
        "the API's own figure"
    );
    assert_eq!(
        q["UsedPostpaidInstanceCount"], 4,
        "no attribute gives it: counted"
    );
    assert!(
        report.contains("already counts the existing instances"),
        "{report}"
    );
}

#[test]
fn an_export_without_a_region_needs_region() {
    let o = ecsim(&["world", "import", &fixture("key-pairs-pager.json")], None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("key-pairs-pager.json") && e.contains("--region"),
        "{e}"
    );
    assert!(o.stdout.is_empty(), "no partial world");
    let (world, _) = import(&["--region", "cn-shanghai", &fixture("key-pairs-pager.json")]);
    assert_eq!(world["KeyPairs"]["KeyPair"][0]["RegionId"], "cn-shanghai");
}

#[test]
fn an_unknown_shape_or_bad_json_exits_2_naming_the_file() {
    let o = ecsim(&["world", "import", &fixture("disks.json")], None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("disks.json: not a Describe* export"), "{e}");
    assert!(
        e.contains("Disks") && e.contains("DescribeImages ({\"Images\""),
        "{e}"
    );
    let o = ecsim(&["world", "import", "data/world/stock.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Stock is ecsim-only"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"Images\": {\"Image\": [\n    {\"ImageId\": }\n",
    )
    .unwrap();
    let o = ecsim(&["world", "import", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("bad.json:3:17: invalid JSON"), "{e}");
    assert!(o.stdout.is_empty());
}
