//! `ecsim world import`: the JSON a planner saves with `aliyun ecs Describe… > x.json`, turned
//! into one world file.
//!
//! Each export is recognised by its list key (`{"Images": {"Image": [...]}}`); the response
//! envelope (`RequestId`, `TotalCount`, paging fields) is read for nothing but its `RegionId`.
//! Pages of one export concatenate: items are matched by the loader's identity fields, and a
//! later file's item replaces an earlier one of the same identity (as `--world` files merge),
//! which the report says; a zone read again (DescribeAvailableResource answers one
//! `DestinationResource` per call) adds its resources instead. Each item is read as its record and written back as the record, so
//! the fields ecsim does not read are dropped, and every item kept is one `--world` accepts.
//!
//! Existing instances (DescribeInstances) count where the real account counts them: in the
//! region's pay-as-you-go instance and vCPU figures, the spot vCPU figure, public bandwidth in
//! use, a security group's `EcsCount` (unless the export has the API's own figure) and a VPC's
//! instance count. A DescribeAccountAttributes export's `used-*` figures already count them,
//! so they replace the counted vCPUs rather than add to them. docs/world.md, "Model your own
//! account", states the rules.
//!
//! No file is read here: the CLI hands over the texts; the output is sorted by identity so the
//! same exports give the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::load;
use super::{
    AvailableZone, DeploymentSet, HpcCluster, Image, Instance, InstanceType, KeyPair,
    LaunchTemplateVersion, PrivatePool, RamRole, Region, ResourceGroup, SecurityGroup, Snapshot,
    SpotPriceType, VSwitch, Vpc, WorldDoc,
};
use crate::error::{Error, Place, Result};

/// One export handed over by the CLI: its name in messages and its text.
#[derive(Debug, Clone, Copy)]
pub struct ExportFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// What the import needs besides the files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The region of exports that do not name one (`DescribeKeyPairs`, `DescribeAccountAttributes`,
    /// anything saved with the aliyun CLI's `--pager`, which keeps only the list).
    pub region: Option<String>,
}

/// The import's result: one world document and the report, a line per note, for stderr.
#[derive(Debug, Clone)]
pub struct Imported {
    pub world: Value,
    pub report: Vec<String>,
}

/// An export the import reads: the API it comes from and the `WorldDoc` list it fills.
struct Kind {
    api: &'static str,
    plural: &'static str,
    /// Reads one item as its record and writes the record back.
    normalize: fn(&Value) -> std::result::Result<Value, String>,
}

const fn kind(
    api: &'static str,
    plural: &'static str,
    normalize: fn(&Value) -> std::result::Result<Value, String>,
) -> Kind {
    Kind {
        api,
        plural,
        normalize,
    }
}

/// The exports, in `WorldDoc` order. The first eleven of the issue plus the other Describe*
/// (and RAM / Resource Manager List*) shapes the loader reads.
static KINDS: &[Kind] = &[
    kind("DescribeRegions", "Regions", normalize::<Region>),
    kind(
        "DescribeAvailableResource",
        "AvailableZones",
        normalize::<AvailableZone>,
    ),
    kind(
        "DescribeInstanceTypes",
        "InstanceTypes",
        normalize::<InstanceType>,
    ),
    kind("DescribeImages", "Images", normalize::<Image>),
    kind(
        "DescribeSecurityGroups",
        "SecurityGroups",
        normalize::<SecurityGroup>,
    ),
    kind("DescribeVpcs", "Vpcs", normalize::<Vpc>),
    kind("DescribeVSwitches", "VSwitches", normalize::<VSwitch>),
    kind("DescribeKeyPairs", "KeyPairs", normalize::<KeyPair>),
    kind("DescribeSnapshots", "Snapshots", normalize::<Snapshot>),
    kind(
        "DescribeLaunchTemplateVersions",
        "LaunchTemplateVersionSets",
        normalize::<LaunchTemplateVersion>,
    ),
    kind("RAM ListRoles", "Roles", normalize::<RamRole>),
    kind(
        "DescribeHpcClusters",
        "HpcClusters",
        normalize::<HpcCluster>,
    ),
    kind(
        "DescribeDeploymentSets",
        "DeploymentSets",
        normalize::<DeploymentSet>,
    ),
    kind(
        "DescribeCapacityReservations",
        "CapacityReservationSet",
        normalize::<PrivatePool>,
    ),
    kind(
        "DescribeElasticityAssurances",
        "ElasticityAssuranceSet",
        normalize::<PrivatePool>,
    ),
    kind(
        "Resource Manager ListResourceGroups",
        "ResourceGroups",
        normalize::<ResourceGroup>,
    ),
    kind("DescribeInstances", "Instances", normalize::<Instance>),
    kind(
        "DescribeSpotPriceHistory",
        "SpotPrices",
        normalize::<SpotPriceType>,
    ),
];

/// The list key of a DescribeAccountAttributes response.
const ATTRIBUTES: &str = "AccountAttributeItems";

/// Top-level keys of a response that carry no world data (paging and the request).
const ENVELOPE: &[&str] = &[
    "RequestId",
    "TotalCount",
    "PageNumber",
    "PageSize",
    "NextToken",
    "NextOffset",
    "MaxResults",
    "Currency",
    "RegionId",
];

/// DescribeInstances fields the import reads to count instances, though the world keeps none
/// of them.
const COUNTED_FIELDS: &[&str] = &[
    "Cpu",
    "InstanceChargeType",
    "SpotStrategy",
    "InternetChargeType",
    "InternetMaxBandwidthOut",
];

/// How many field names a report line lists before "and N more".
const FIELDS_SHOWN: usize = 12;

fn normalize<T: DeserializeOwned + Serialize>(v: &Value) -> std::result::Result<Value, String> {
    let record = T::deserialize(v).map_err(|e| crate::error::plain(&e.to_string()))?;
    serde_json::to_value(record).map_err(|e| e.to_string())
}

/// What the import counts of one existing instance.
#[derive(Debug, Clone, Default)]
struct Counted {
    region: String,
    instance_type: String,
    status: String,
    vpc: String,
    groups: Vec<String>,
    cpu: Option<u64>,
    /// `PostPaid` (the default) or `PrePaid`.
    charge: String,
    spot: bool,
    internet: String,
    bandwidth_out: u64,
}

impl Counted {
    fn read(raw: &Map<String, Value>, record: &Instance) -> Counted {
        let text = |k: &str, default: &str| {
            raw.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or(default)
                .to_string()
        };
        let number = |k: &str| raw.get(k).and_then(Value::as_u64);
        let spot = text("SpotStrategy", "NoSpot");
        Counted {
            region: record.region_id.clone(),
            instance_type: record.instance_type.clone(),
            status: record.status.clone(),
            vpc: record.vpc_attributes.vpc_id.clone(),
            groups: record.security_group_ids.security_group_id.clone(),
            cpu: number("Cpu"),
            charge: text("InstanceChargeType", "PostPaid"),
            spot: spot != "NoSpot",
            internet: text("InternetChargeType", "PayByTraffic"),
            bandwidth_out: number("InternetMaxBandwidthOut").unwrap_or(0),
        }
    }
}

/// One item kept: the record as JSON, whether the export gave the API's own `EcsCount` (a
/// security group) and what an instance counts.
#[derive(Debug, Clone)]
struct Kept {
    value: Value,
    has_ecs_count: bool,
    counted: Option<Counted>,
}

/// What one file gave of one export.
#[derive(Debug, Default)]
struct KindNotes {
    used: usize,
    replaced: usize,
    repeated: usize,
    merged: usize,
    /// Secret fields left out (a template's `UserData`).
    secrets: BTreeSet<String>,
    skipped: Vec<String>,
    dropped: BTreeSet<String>,
}

/// Everything read so far.
#[derive(Default)]
struct Gathered {
    /// Per list, items by identity.
    items: BTreeMap<&'static str, BTreeMap<Vec<String>, Kept>>,
    /// DescribeAccountAttributes exports by region: their figures and the file.
    attributes: BTreeMap<String, (super::attributes::Quotas, String)>,
    /// Regions a DescribeInstances export covered (even one with no instance).
    instance_regions: BTreeSet<String>,
}

/// Reads the exports, in order, into one world document and a report.
pub fn import(files: &[ExportFile], options: &Options) -> Result<Imported> {
    let mut gathered = Gathered::default();
    let mut report = Vec::new();
    for file in files {
        read_file(file, options, &mut gathered, &mut report)?;
    }
    let default = load::load_doc(&[])?;
    let mut world = Map::new();
    let quota_notes = count_instances(&mut gathered, &default, &mut world);
    for (plural, items) in &gathered.items {
        let (singular, _) = load::list_facts(plural).expect("KINDS name world lists");
        let list: Vec<Value> = items.values().map(|k| k.value.clone()).collect();
        world.insert((*plural).to_string(), json!({ singular: list }));
    }
    attribute_lists(&gathered, &mut world);
    report.extend(quota_notes);
    report.push(
        "not in any export, so taken from the default world (or a hand-written --world file): \
         the account's flags (Account), stock (Stock), service health (ServiceHealth), VPC \
         instance limits (VpcQuotas) and the region limits no export gives \
         (MaxPostpaidInstanceCount, public bandwidth limits)"
            .to_string(),
    );
    let world = Value::Object(world);
    // The output must load as a world file; if it does not, the import is wrong, not the input.
    let text = serde_json::to_string(&world).map_err(|e| Error::Usage(e.to_string()))?;
    load::load_doc_text("the imported world", &text).map_err(|e| {
        Error::Usage(format!(
            "the imported world does not load ({e}); this is an ecsim bug, please report it"
        ))
    })?;
    Ok(Imported { world, report })
}

/// The export kinds accepted, for messages.
fn accepted() -> String {
    let mut names: Vec<String> = KINDS
        .iter()
        .map(|k| {
            let (singular, _) = load::list_facts(k.plural).expect("KINDS name world lists");
            format!(
                "{} ({{\"{}\": {{\"{singular}\": [...]}}}})",
                k.api, k.plural
            )
        })
        .collect();
    names.push(format!(
        "DescribeAccountAttributes ({{\"{ATTRIBUTES}\": {{\"AccountAttributeItem\": [...]}}}})"
    ));
    names.join(", ")
}

fn read_file(
    file: &ExportFile,
    options: &Options,
    gathered: &mut Gathered,
    report: &mut Vec<String>,
) -> Result<()> {
    let name = file.name;
    let parsed: Value = serde_json::from_str(file.text).map_err(|e| {
        Error::input(
            Place::at(name, e.line(), e.column()),
            format!(
                "invalid JSON: {}; an export is the JSON `aliyun ecs Describe...` prints",
                load::strip_position(&e)
            ),
        )
    })?;
    let Value::Object(top) = parsed else {
        return Err(Error::input(
            Place::new(name),
            format!(
                "an export is a JSON object (a Describe* response); this file holds none. \
                 Accepted: {}",
                accepted()
            ),
        ));
    };
    let region = match top.get("RegionId") {
        Some(Value::String(r)) if !r.is_empty() => Some(r.clone()),
        _ => options.region.clone(),
    };
    let ecsim_only: Vec<&str> = load::world_keys()
        .into_iter()
        .filter(|k| top.contains_key(*k) && !KINDS.iter().any(|kind| kind.plural == *k))
        .collect();
    if !ecsim_only.is_empty() {
        return Err(Error::input(
            Place::new(name),
            format!(
                "{} {} ecsim-only world data that no Describe* export holds; pass the file \
                 with --world instead of importing it",
                ecsim_only.join(", "),
                if ecsim_only.len() == 1 { "is" } else { "are" }
            ),
        ));
    }
    let kinds: Vec<&Kind> = KINDS
        .iter()
        .filter(|k| top.contains_key(k.plural))
        .collect();
    let has_attributes = top.contains_key(ATTRIBUTES);
    if kinds.is_empty() && !has_attributes {
        let keys: Vec<&str> = top.keys().map(String::as_str).collect();
        return Err(Error::input(
            Place::new(name),
            format!(
                "not a Describe* export ecsim reads (top-level keys: {}); accepted: {}",
                if keys.is_empty() {
                    "none".to_string()
                } else {
                    keys.join(", ")
                },
                accepted()
            ),
        ));
    }
    let unused: Vec<&str> = top
        .keys()
        .map(String::as_str)
        .filter(|k| {
            !ENVELOPE.contains(k) && *k != ATTRIBUTES && !KINDS.iter().any(|kind| kind.plural == *k)
        })
        .collect();
    for kind in kinds {
        let notes = read_list(name, kind, &top[kind.plural], region.as_deref(), gathered)?;
        report.push(kind_line(name, kind, &notes));
        for s in &notes.skipped {
            report.push(format!("  skipped {s}"));
        }
        if !notes.secrets.is_empty() {
            let names: Vec<&str> = notes.secrets.iter().map(String::as_str).collect();
            report.push(format!(
                "  left out {}: ecsim writes no Password, UserData or credential, a world file \
                 included; restate them by hand if a rule should see them",
                names.join(", ")
            ));
        }
    }
    if has_attributes {
        let Some(r) = region.as_deref() else {
            return Err(no_region(name, "DescribeAccountAttributes"));
        };
        let quotas = super::attributes::read(&top[ATTRIBUTES], r).map_err(|(steps, m)| {
            let path: Vec<String> = steps
                .iter()
                .map(|s| match s {
                    super::attributes::Step::Key(k) => format!(".{k}"),
                    super::attributes::Step::Index(i) => format!("[{i}]"),
                })
                .collect();
            Error::input(
                Place::new(name),
                format!("{ATTRIBUTES}{}: {m}", path.concat()),
            )
        })?;
        report.push(format!(
            "{name}: DescribeAccountAttributes for {r}: {} region figures, {} per-type vCPU \
             quotas, {} per-zone disk quotas used; other attributes bound no launch",
            quotas.region.len().saturating_sub(1),
            quotas.type_quotas.len(),
            quotas.disk_quotas.len()
        ));
        gathered
            .attributes
            .insert(r.to_string(), (quotas, name.to_string()));
    }
    if !unused.is_empty() {
        report.push(format!(
            "{name}: top-level keys not used: {} (not a list ecsim reads)",
            unused.join(", ")
        ));
    }
    Ok(())
}

fn no_region(name: &str, api: &str) -> Error {
    Error::input(
        Place::new(name),
        format!(
            "{api} items here name no region (the response has no RegionId, or the aliyun \
             CLI's --pager dropped it); pass --region cn-hangzhou, the --RegionId the export \
             was taken with"
        ),
    )
}

fn kind_line(name: &str, kind: &Kind, notes: &KindNotes) -> String {
    let (singular, _) = load::list_facts(kind.plural).expect("KINDS name world lists");
    let mut line = format!("{name}: {}: {} {singular} items used", kind.api, notes.used);
    if notes.repeated > 0 {
        line.push_str(&format!(
            "; {} already read from an earlier page, the same",
            notes.repeated
        ));
    }
    if notes.merged > 0 {
        line.push_str(&format!(
            "; {} add their resources to zones read earlier (a resource Type read again: the \
             later file wins)",
            notes.merged
        ));
    }
    if notes.replaced > 0 {
        line.push_str(&format!(
            "; {} replace different items of the same id read earlier (the later file wins)",
            notes.replaced
        ));
    }
    if !notes.skipped.is_empty() {
        line.push_str(&format!(
            "; {} skipped (they do not read as world items)",
            notes.skipped.len()
        ));
    }
    if !notes.dropped.is_empty() {
        let shown: Vec<&str> = notes
            .dropped
            .iter()
            .take(FIELDS_SHOWN)
            .map(String::as_str)
            .collect();
        let more = notes.dropped.len().saturating_sub(FIELDS_SHOWN);
        line.push_str(&format!(
            "; fields not used (ecsim does not read them): {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    line
}

fn read_list(
    name: &str,
    kind: &Kind,
    wrapper: &Value,
    region: Option<&str>,
    gathered: &mut Gathered,
) -> Result<KindNotes> {
    let (singular, regional) = load::list_facts(kind.plural).expect("KINDS name world lists");
    let shape = format!(
        "the {} response holds \"{}\": {{\"{singular}\": [...]}}",
        kind.api, kind.plural
    );
    let list = match wrapper.get(singular) {
        Some(Value::Array(list)) => list.as_slice(),
        // The API writes an empty list as an empty wrapper.
        None if wrapper.as_object().is_some_and(Map::is_empty) => &[],
        _ => {
            return Err(Error::input(
                Place::new(name),
                format!("\"{}\" is not in its list shape; {shape}", kind.plural),
            ))
        }
    };
    if kind.plural == "Instances" {
        if let Some(r) = region {
            gathered.instance_regions.insert(r.to_string());
        }
    }
    let mut notes = KindNotes::default();
    let store = gathered.items.entry(kind.plural).or_default();
    for (i, raw) in list.iter().enumerate() {
        let at = format!("{}.{singular}[{i}]", kind.plural);
        let Value::Object(fields) = raw else {
            notes
                .skipped
                .push(format!("{at}: not an object; each item is an object"));
            continue;
        };
        let mut fields = fields.clone();
        if regional && !fields.contains_key("RegionId") {
            let public_image = kind.plural == "Images"
                && fields
                    .get("ImageOwnerAlias")
                    .and_then(Value::as_str)
                    .is_none_or(|a| a == "system");
            if !public_image {
                match region {
                    Some(r) => {
                        fields.insert("RegionId".into(), Value::String(r.to_string()));
                    }
                    None => return Err(no_region(name, kind.api)),
                }
            }
        }
        let item = Value::Object(fields);
        let value = match load::check_list_item(kind.plural, &item)
            .and_then(|()| (kind.normalize)(&item))
        {
            Ok(v) => v,
            Err(m) => {
                notes.skipped.push(format!("{at}: {m}"));
                continue;
            }
        };
        let mut value = value;
        if let Some(Value::Object(data)) = value.get_mut("LaunchTemplateData") {
            // The one rule for secrets: none is ever written, a world file included.
            let secret: Vec<String> = data
                .keys()
                .filter(|k| crate::request::raw::is_secret(k))
                .cloned()
                .collect();
            for k in secret {
                data.remove(&k);
                notes.secrets.insert(format!("LaunchTemplateData.{k}"));
            }
        }
        let Some(id) = value
            .as_object()
            .and_then(|m| load::item_identity(kind.plural, m))
        else {
            notes
                .skipped
                .push(format!("{at}: its identity fields are empty"));
            continue;
        };
        let Value::Object(raw_fields) = &item else {
            unreachable!("built as an object above")
        };
        if kind.plural == "Instances" {
            let r = raw_fields
                .get("RegionId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            gathered.instance_regions.insert(r.to_string());
        }
        dropped(&item, &value, "", &mut notes.dropped);
        if kind.plural == "Instances" {
            for f in COUNTED_FIELDS {
                notes.dropped.remove(*f);
            }
        }
        let counted = (kind.plural == "Instances")
            .then(|| Instance::deserialize(&value).ok())
            .flatten()
            .map(|r| Counted::read(raw_fields, &r));
        let mut kept = Kept {
            has_ecs_count: raw_fields.contains_key("EcsCount"),
            counted,
            value,
        };
        match store.get(&id) {
            Some(old) if old.value == kept.value => notes.repeated += 1,
            // DescribeAvailableResource answers one DestinationResource per call: the same
            // zone's InstanceType, SystemDisk and DataDisk exports add up.
            Some(old) if kind.plural == "AvailableZones" => {
                kept.value = merge_zone(&old.value, kept.value);
                notes.merged += 1;
            }
            Some(_) => notes.replaced += 1,
            None => notes.used += 1,
        }
        store.insert(id, kept);
    }
    Ok(notes)
}

/// A zone read again: `later`'s fields, with the resources of `earlier` whose `Type` `later`
/// does not list kept before its own.
fn merge_zone(earlier: &Value, mut later: Value) -> Value {
    let path = ["AvailableResources", "AvailableResource"];
    let resources = |v: &Value| -> Vec<Value> {
        v.get(path[0])
            .and_then(|r| r.get(path[1]))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mine = resources(&later);
    let mut all: Vec<Value> = resources(earlier)
        .into_iter()
        .filter(|r| !mine.iter().any(|m| m.get("Type") == r.get("Type")))
        .collect();
    all.extend(mine);
    later[path[0]] = json!({ path[1]: all });
    later
}

/// The field paths of `raw` that `kept` lacks (`DiskDeviceMappings.DiskDeviceMapping[].Device`),
/// ignoring nulls.
fn dropped(raw: &Value, kept: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match (raw, kept) {
        (Value::Object(r), Value::Object(k)) => {
            for (key, v) in r {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                match k.get(key) {
                    None if !v.is_null() => {
                        out.insert(path);
                    }
                    None => {}
                    Some(kv) => dropped(v, kv, &path, out),
                }
            }
        }
        (Value::Array(r), Value::Array(k)) => {
            for (rv, kv) in r.iter().zip(k) {
                dropped(rv, kv, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// Region figures of existing instances.
#[derive(Debug, Default)]
struct RegionUse {
    instances: u64,
    postpaid: u64,
    postpaid_vcpus: u64,
    spot: u64,
    spot_vcpus: u64,
    prepaid: u64,
    traffic_bw: u64,
    fixed_bw: u64,
    /// Instances by status.
    states: BTreeMap<String, u64>,
    /// Instances whose vCPUs are unknown (no `Cpu`, a type in no list).
    unknown_cpu: u64,
}

/// Counts the imported instances into region quotas, security groups and VPC quotas, adding
/// `RegionQuotas` and `VpcQuotas` to `world`; returns the report lines.
fn count_instances(
    gathered: &mut Gathered,
    default: &WorldDoc,
    world: &mut Map<String, Value>,
) -> Vec<String> {
    let mut notes = Vec::new();
    let instances: Vec<Counted> = gathered
        .items
        .get("Instances")
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(|k| k.counted.clone())
        .collect();
    // vCPUs of a type: the imported types first, then the default world's.
    let mut vcpus: BTreeMap<String, u64> = BTreeMap::new();
    for t in default.instance_types.inner.values().flatten() {
        vcpus.insert(t.instance_type_id.clone(), u64::from(t.cpu_core_count));
    }
    for k in gathered
        .items
        .get("InstanceTypes")
        .into_iter()
        .flat_map(|m| m.values())
    {
        if let Ok(t) = InstanceType::deserialize(&k.value) {
            vcpus.insert(t.instance_type_id, u64::from(t.cpu_core_count));
        }
    }
    let mut regions: BTreeMap<String, RegionUse> = gathered
        .instance_regions
        .iter()
        .map(|r| (r.clone(), RegionUse::default()))
        .collect();
    let mut per_group: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_vpc: BTreeMap<String, u64> = BTreeMap::new();
    for i in &instances {
        let u = regions.entry(i.region.clone()).or_default();
        u.instances += 1;
        *u.states.entry(i.status.clone()).or_default() += 1;
        let cpu = i.cpu.or_else(|| vcpus.get(&i.instance_type).copied());
        if cpu.is_none() {
            u.unknown_cpu += 1;
        }
        let cpu = cpu.unwrap_or(0);
        if i.charge == "PrePaid" {
            u.prepaid += 1;
        } else if i.spot {
            u.spot += 1;
            u.spot_vcpus += cpu;
        } else {
            u.postpaid += 1;
            u.postpaid_vcpus += cpu;
        }
        if i.internet == "PayByBandwidth" {
            u.fixed_bw += i.bandwidth_out;
        } else {
            u.traffic_bw += i.bandwidth_out;
        }
        for g in &i.groups {
            *per_group.entry(g.clone()).or_default() += 1;
        }
        if !i.vpc.is_empty() {
            *per_vpc.entry(i.vpc.clone()).or_default() += 1;
        }
    }
    // Security groups without the API's own EcsCount: count their members.
    if let Some(groups) = gathered.items.get_mut("SecurityGroups") {
        let mut counted = Vec::new();
        for k in groups.values_mut() {
            // Only where DescribeInstances covered the group's region: elsewhere its members
            // are unknown, and 0 would be a guess.
            let region = k.value.get("RegionId").and_then(Value::as_str);
            if k.has_ecs_count || !region.is_some_and(|r| regions.contains_key(r)) {
                continue;
            }
            let Some(id) = k.value.get("SecurityGroupId").and_then(Value::as_str) else {
                continue;
            };
            let n = per_group.get(id).copied().unwrap_or(0);
            counted.push(format!("{id} {n}"));
            k.value["EcsCount"] = json!(n);
        }
        if !counted.is_empty() {
            notes.push(format!(
                "security groups exported without EcsCount (export them with --IsQueryEcsCount \
                 true for the API's own figure): their members counted from the instances: {}",
                counted.join(", ")
            ));
        }
    }
    let region_quota = |r: &str| {
        default
            .region_quotas
            .inner
            .values()
            .flatten()
            .find(|q| q.region_id == r)
            .and_then(|q| serde_json::to_value(q).ok())
            .unwrap_or_else(|| json!({ "RegionId": r }))
    };
    let mut quotas: Vec<Value> = Vec::new();
    let mut quota_regions: BTreeSet<&String> = regions.keys().collect();
    quota_regions.extend(gathered.attributes.keys());
    for r in quota_regions {
        let mut q = region_quota(r);
        let fields = q.as_object_mut().expect("a RegionQuota is an object");
        // The default world's figures in use are invented; the account's own replace them.
        fields.retain(|k, _| !k.starts_with("Used"));
        if let Some(u) = regions.get(r) {
            fields.insert("UsedPostpaidInstanceCount".into(), json!(u.postpaid));
            fields.insert(
                "UsedPostpaidInstanceVcpuCount".into(),
                json!(u.postpaid_vcpus),
            );
            fields.insert("UsedSpotInstanceVcpuCount".into(), json!(u.spot_vcpus));
            fields.insert("UsedPayByTrafficBandwidth".into(), json!(u.traffic_bw));
            fields.insert("UsedPayByBandwidthBandwidth".into(), json!(u.fixed_bw));
            let states: Vec<String> = u.states.iter().map(|(s, n)| format!("{n} {s}")).collect();
            notes.push(format!(
                "{r}: {} existing instances counted ({}): {} pay-as-you-go ({} vCPUs), {} spot \
                 ({} vCPUs), {} subscription (in their VPC and security groups only); public \
                 bandwidth in use {} Mbit/s pay-by-traffic, {} Mbit/s pay-by-bandwidth. Every \
                 state counts: a stopped instance keeps its quota, addresses and group places",
                u.instances,
                if states.is_empty() {
                    "none".to_string()
                } else {
                    states.join(", ")
                },
                u.postpaid,
                u.postpaid_vcpus,
                u.spot,
                u.spot_vcpus,
                u.prepaid,
                u.traffic_bw,
                u.fixed_bw
            ));
            if u.unknown_cpu > 0 {
                notes.push(format!(
                    "{r}: {} instances have no Cpu and a type in no imported or default list; \
                     their vCPUs are not counted",
                    u.unknown_cpu
                ));
            }
        } else {
            notes.push(format!(
                "{r}: no DescribeInstances export: pay-as-you-go instances in use count 0 \
                 (export DescribeInstances to count them)"
            ));
        }
        if let Some((attrs, file)) = gathered.attributes.get(r) {
            let used: Vec<&String> = attrs
                .region
                .keys()
                .filter(|k| k.starts_with("Used"))
                .collect();
            if !used.is_empty() && regions.contains_key(r) {
                notes.push(format!(
                    "{r}: {} from DescribeAccountAttributes ({file}), which already counts the \
                     existing instances, replace the counted figures (not added to them)",
                    used.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            for (k, v) in &attrs.region {
                fields.insert(k.clone(), v.clone());
            }
        }
        quotas.push(q);
    }
    if !quotas.is_empty() {
        world.insert("RegionQuotas".into(), json!({ "RegionQuota": quotas }));
    }
    // VPC instance counts, where the default world knows the VPC's limit.
    let mut vpc_quotas = Vec::new();
    let mut no_limit = Vec::new();
    for (vpc, n) in &per_vpc {
        match default
            .vpc_quotas
            .inner
            .values()
            .flatten()
            .find(|q| &q.vpc_id == vpc)
        {
            Some(q) => vpc_quotas.push(json!({
                "VpcId": vpc, "InstanceLimit": q.instance_limit, "InstanceCount": n,
            })),
            None => no_limit.push(format!("{vpc} ({n})")),
        }
    }
    if !no_limit.is_empty() {
        notes.push(format!(
            "VPCs with instances but no known instance limit (add VpcQuotas by hand to bound \
             them): {}",
            no_limit.join(", ")
        ));
    }
    if !vpc_quotas.is_empty() {
        world.insert("VpcQuotas".into(), json!({ "VpcQuota": vpc_quotas }));
    }
    notes
}

/// The per-type and per-zone disk quotas of the DescribeAccountAttributes exports.
fn attribute_lists(gathered: &Gathered, world: &mut Map<String, Value>) {
    let mut types = Vec::new();
    let mut disks = Vec::new();
    for (quotas, _) in gathered.attributes.values() {
        types.extend(quotas.type_quotas.iter().cloned());
        disks.extend(quotas.disk_quotas.iter().cloned());
    }
    if !types.is_empty() {
        world.insert(
            "InstanceTypeQuotas".into(),
            json!({ "InstanceTypeQuota": types }),
        );
    }
    if !disks.is_empty() {
        world.insert(
            "DiskCapacityQuotas".into(),
            json!({ "DiskCapacityQuota": disks }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, Value)], region: Option<&str>) -> Result<Imported> {
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let files: Vec<ExportFile> = texts
            .iter()
            .map(|(name, text)| ExportFile { name, text })
            .collect();
        import(
            &files,
            &Options {
                region: region.map(str::to_string),
            },
        )
    }

    #[test]
    fn dropped_names_nested_paths_once_and_skips_nulls() {
        let raw = json!({"A": 1, "B": null, "C": {"D": [{"E": 1, "F": 2}, {"E": 1, "F": 3}]}});
        let kept = json!({"A": 1, "C": {"D": [{"E": 1}, {"E": 1}]}});
        let mut out = BTreeSet::new();
        dropped(&raw, &kept, "", &mut out);
        assert_eq!(out.into_iter().collect::<Vec<_>>(), ["C.D[].F"]);
    }

    #[test]
    fn a_system_image_stays_public_and_a_custom_one_takes_the_region() {
        let export = json!({"RequestId": "r", "RegionId": "cn-test", "Images": {"Image": [
            {"ImageId": "pub", "OSType": "linux", "Size": 20, "ImageOwnerAlias": "system"},
            {"ImageId": "mine", "OSType": "linux", "Size": 20, "ImageOwnerAlias": "self"}]}});
        let out = run(&[("i.json", export)], None).unwrap();
        let images = out.world["Images"]["Image"].as_array().unwrap();
        let region = |id: &str| {
            images
                .iter()
                .find(|i| i["ImageId"] == id)
                .map(|i| i.get("RegionId").cloned())
        };
        assert_eq!(region("pub"), Some(None));
        assert_eq!(region("mine"), Some(Some(json!("cn-test"))));
        // Without a region anywhere, a custom image cannot be placed.
        let pager = json!({"Images": {"Image": [
            {"ImageId": "mine", "OSType": "linux", "Size": 20, "ImageOwnerAlias": "self"}]}});
        let e = run(&[("p.json", pager)], None).unwrap_err().to_string();
        assert!(
            e.starts_with("p.json: DescribeImages") && e.contains("--region"),
            "{e}"
        );
    }

    #[test]
    fn an_item_that_does_not_read_is_skipped_with_its_reason() {
        let export = json!({"RegionId": "cn-test", "Snapshots": {"Snapshot": [
            {"SnapshotId": "s-ok", "SourceDiskType": "data", "SourceDiskSize": "40",
             "Status": "accomplished", "CreationTime": "2026-01-01T00:00:00Z"},
            {"SnapshotId": "s-bad", "SourceDiskType": "data", "SourceDiskSize": "forty",
             "Status": "accomplished", "CreationTime": "2026-01-01T00:00:00Z"}]}});
        let out = run(&[("s.json", export)], None).unwrap();
        assert_eq!(
            out.world["Snapshots"]["Snapshot"].as_array().unwrap().len(),
            1
        );
        let report = out.report.join("\n");
        assert!(
            report.contains("1 Snapshot items used; 1 skipped"),
            "{report}"
        );
        assert!(
            report.contains("skipped Snapshots.Snapshot[1]: SourceDiskSize \"forty\""),
            "{report}"
        );
    }

    #[test]
    fn an_empty_describe_instances_zeroes_the_regions_use() {
        let export = json!({"RequestId": "r", "TotalCount": 0, "Instances": {"Instance": []}});
        let out = run(&[("i.json", export)], Some("cn-hangzhou")).unwrap();
        let q = &out.world["RegionQuotas"]["RegionQuota"][0];
        assert_eq!(q["RegionId"], "cn-hangzhou");
        assert_eq!(q["UsedPostpaidInstanceCount"], 0);
        assert_eq!(
            q["UsedPayByTrafficBandwidth"], 0,
            "the default's invented use is gone"
        );
        assert_eq!(
            q["MaxPostpaidInstanceCount"], 500,
            "the default's limit stays"
        );
    }

    #[test]
    fn a_zones_disk_export_adds_to_its_instance_type_export() {
        let zone = |kind: &str, value: &str| {
            json!({"RequestId": "r", "AvailableZones": {"AvailableZone": [
                {"ZoneId": "cn-test-a", "RegionId": "cn-test", "Status": "Available",
                 "StatusCategory": "WithStock", "AvailableResources": {"AvailableResource": [
                    {"Type": kind, "SupportedResources": {"SupportedResource": [
                        {"Value": value, "Status": "Available", "StatusCategory": "WithStock"}]}}]}}]}})
        };
        let out = run(
            &[
                ("types.json", zone("InstanceType", "ecs.g7.large")),
                ("disks.json", zone("SystemDisk", "cloud_essd")),
            ],
            None,
        )
        .unwrap();
        let zones = out.world["AvailableZones"]["AvailableZone"]
            .as_array()
            .unwrap();
        assert_eq!(zones.len(), 1);
        let types: Vec<&Value> = zones[0]["AvailableResources"]["AvailableResource"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["Type"])
            .collect();
        assert_eq!(types, ["InstanceType", "SystemDisk"]);
        assert!(
            out.report.join("\n").contains("1 add their resources"),
            "{:?}",
            out.report
        );
    }

    #[test]
    fn a_templates_user_data_is_never_written() {
        let secret = "IyEvYmluL3NoCmVjaG8gc2VjcmV0";
        let export = json!({"RequestId": "r", "LaunchTemplateVersionSets": {
            "LaunchTemplateVersionSet": [{"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web",
                "VersionNumber": 1, "DefaultVersion": true, "RegionId": "cn-test",
                "LaunchTemplateData": {"InstanceType": "ecs.g7.large", "UserData": secret}}]}});
        let out = run(&[("lt.json", export)], None).unwrap();
        let text = out.world.to_string() + &out.report.join("\n");
        assert!(!text.contains(secret), "{text}");
        let data = &out.world["LaunchTemplateVersionSets"]["LaunchTemplateVersionSet"][0]
            ["LaunchTemplateData"];
        assert_eq!(data["InstanceType"], "ecs.g7.large");
        assert!(
            out.report
                .iter()
                .any(|l| l.contains("left out LaunchTemplateData.UserData")),
            "{:?}",
            out.report
        );
    }

    #[test]
    fn every_kind_is_a_world_list() {
        for k in KINDS {
            assert!(load::list_facts(k.plural).is_some(), "{}", k.plural);
        }
    }
}
