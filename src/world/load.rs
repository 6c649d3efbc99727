//! Loading the world: the embedded default (`data/world/*.json`, one fragment per concern) and
//! then each `--world` file or inline scenario fragment, merged in order into one [`WorldDoc`].
//!
//! A fragment is a JSON object whose keys are the `WorldDoc` fields. Lists keep their
//! Describe* wrapper (`"Images": {"Image": [...]}`) and merge item by item: an item whose
//! identity fields (`ImageId` + `RegionId` for an image; the table is `LISTS`) match one already
//! loaded replaces it whole, a new item is appended. `Account` merges field by field. So a
//! planner's export of `DescribeImages` replaces the default images of the same ids and keeps
//! the rest. The envelope of a pasted response (`RequestId`, `TotalCount`, paging fields) is
//! ignored, and its top-level `RegionId` fills the items that lack one.
//!
//! Every item is read as its record before it is merged, so a bad item is reported in the file
//! that holds it, with line and column: `worlds/mine.json:7:9: Images.Image[0]: missing field
//! `Size``. See `docs/world.md` for the default world and the merge rules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    Account, AvailableZone, DeploymentSet, DiskCapacityQuota, HpcCluster, Image, Instance,
    InstanceType, InstanceTypeQuota, KeyPair, LaunchTemplateVersion, PrivatePool, RamRole, Region,
    RegionQuota, ResourceGroup, SecurityGroup, ServiceFault, Snapshot, SpotPriceType, StockLevel,
    VSwitch, Vpc, VpcQuota, World, WorldDoc,
};
use crate::error::{suggest, Error, Place, Result};

/// The embedded default world, in merge order: (name in messages, text).
const DEFAULT_FRAGMENTS: &[(&str, &str)] = &[
    (
        "data/world/regions.json",
        include_str!("../../data/world/regions.json"),
    ),
    (
        "data/world/zones.json",
        include_str!("../../data/world/zones.json"),
    ),
    (
        "data/world/instance_types.json",
        include_str!("../../data/world/instance_types.json"),
    ),
    (
        "data/world/images.json",
        include_str!("../../data/world/images.json"),
    ),
    (
        "data/world/network.json",
        include_str!("../../data/world/network.json"),
    ),
    (
        "data/world/key_pairs.json",
        include_str!("../../data/world/key_pairs.json"),
    ),
    (
        "data/world/snapshots.json",
        include_str!("../../data/world/snapshots.json"),
    ),
    (
        "data/world/launch_templates.json",
        include_str!("../../data/world/launch_templates.json"),
    ),
    (
        "data/world/roles.json",
        include_str!("../../data/world/roles.json"),
    ),
    (
        "data/world/hpc_clusters.json",
        include_str!("../../data/world/hpc_clusters.json"),
    ),
    (
        "data/world/deployment_sets.json",
        include_str!("../../data/world/deployment_sets.json"),
    ),
    (
        "data/world/resource_groups.json",
        include_str!("../../data/world/resource_groups.json"),
    ),
    (
        "data/world/spot_prices.json",
        include_str!("../../data/world/spot_prices.json"),
    ),
    (
        "data/world/account.json",
        include_str!("../../data/world/account.json"),
    ),
    (
        "data/world/quotas.json",
        include_str!("../../data/world/quotas.json"),
    ),
    (
        "data/world/stock.json",
        include_str!("../../data/world/stock.json"),
    ),
    (
        "data/world/service_health.json",
        include_str!("../../data/world/service_health.json"),
    ),
];

/// One wrapped list of the world document and how its items merge.
struct ListSpec {
    /// The `WorldDoc` key (`Images`).
    plural: &'static str,
    /// The key inside the wrapper (`Image`).
    singular: &'static str,
    /// The fields that identify an item, with whether each must be present. An absent optional
    /// field counts as empty (a public image has no `RegionId`).
    identity: &'static [(&'static str, bool)],
    /// Items may take their `RegionId` from the fragment's top level (a pasted Describe*
    /// response names its region once).
    regional: bool,
    /// Reads one item as its record, plus checks serde cannot express (timestamps).
    check: fn(&Value) -> std::result::Result<(), String>,
    /// The record's field names when unknown fields are errors (simulator-only records, which
    /// no real export fills, so a misspelt field would otherwise be silently ignored).
    closed: Option<fn() -> Vec<String>>,
}

/// The wrapped lists, in `WorldDoc` order.
static LISTS: &[ListSpec] = &[
    list(
        "Regions",
        "Region",
        &[("RegionId", true)],
        false,
        typed::<Region>,
        None,
    ),
    list(
        "AvailableZones",
        "AvailableZone",
        &[("ZoneId", true)],
        true,
        typed::<AvailableZone>,
        None,
    ),
    list(
        "InstanceTypes",
        "InstanceType",
        &[("InstanceTypeId", true)],
        false,
        typed::<InstanceType>,
        None,
    ),
    list(
        "Images",
        "Image",
        &[("ImageId", true), ("RegionId", false)],
        true,
        image,
        None,
    ),
    list(
        "SecurityGroups",
        "SecurityGroup",
        &[("SecurityGroupId", true)],
        true,
        typed::<SecurityGroup>,
        None,
    ),
    list("Vpcs", "Vpc", &[("VpcId", true)], true, typed::<Vpc>, None),
    list(
        "VSwitches",
        "VSwitch",
        &[("VSwitchId", true)],
        false,
        typed::<VSwitch>,
        None,
    ),
    list(
        "KeyPairs",
        "KeyPair",
        &[("KeyPairName", true), ("RegionId", true)],
        true,
        typed::<KeyPair>,
        None,
    ),
    list(
        "Snapshots",
        "Snapshot",
        &[("SnapshotId", true)],
        true,
        snapshot,
        None,
    ),
    list(
        "LaunchTemplateVersionSets",
        "LaunchTemplateVersionSet",
        &[("LaunchTemplateId", true), ("VersionNumber", true)],
        true,
        typed::<LaunchTemplateVersion>,
        None,
    ),
    list(
        "Roles",
        "Role",
        &[("RoleName", true)],
        false,
        typed::<RamRole>,
        None,
    ),
    list(
        "HpcClusters",
        "HpcCluster",
        &[("HpcClusterId", true)],
        true,
        typed::<HpcCluster>,
        None,
    ),
    list(
        "DeploymentSets",
        "DeploymentSet",
        &[("DeploymentSetId", true)],
        true,
        typed::<DeploymentSet>,
        None,
    ),
    list(
        "CapacityReservationSet",
        "CapacityReservationItem",
        &[("PrivatePoolOptionsId", true)],
        true,
        private_pool,
        None,
    ),
    list(
        "ElasticityAssuranceSet",
        "ElasticityAssuranceItem",
        &[("PrivatePoolOptionsId", true)],
        true,
        private_pool,
        None,
    ),
    list(
        "ResourceGroups",
        "ResourceGroup",
        &[("Id", true)],
        false,
        typed::<ResourceGroup>,
        None,
    ),
    list(
        "Instances",
        "Instance",
        &[("InstanceId", true)],
        true,
        typed::<Instance>,
        None,
    ),
    list(
        "SpotPrices",
        "SpotPriceType",
        &[
            ("ZoneId", true),
            ("InstanceType", true),
            ("Timestamp", true),
        ],
        false,
        spot_price,
        None,
    ),
    list(
        "RegionQuotas",
        "RegionQuota",
        &[("RegionId", true)],
        false,
        typed::<RegionQuota>,
        Some(region_quota_fields),
    ),
    list(
        "VpcQuotas",
        "VpcQuota",
        &[("VpcId", true)],
        false,
        typed::<VpcQuota>,
        Some(|| fields_of(VpcQuota::default())),
    ),
    list(
        "InstanceTypeQuotas",
        "InstanceTypeQuota",
        &[
            ("ZoneId", true),
            ("InstanceType", true),
            ("InstanceChargeType", false),
        ],
        true,
        instance_type_quota,
        Some(|| fields_of(InstanceTypeQuota::default())),
    ),
    list(
        "DiskCapacityQuotas",
        "DiskCapacityQuota",
        &[("ZoneId", true), ("DiskCategory", true)],
        true,
        typed::<DiskCapacityQuota>,
        Some(|| fields_of(DiskCapacityQuota::default())),
    ),
    list(
        "Stock",
        "StockLevel",
        &[("ZoneId", true), ("InstanceType", true)],
        false,
        typed::<StockLevel>,
        Some(|| fields_of(StockLevel::default())),
    ),
    list(
        "ServiceHealth",
        "ServiceFault",
        &[("Error", true), ("RegionId", true), ("ZoneId", false)],
        false,
        typed::<ServiceFault>,
        Some(service_fault_fields),
    ),
];

/// The one key that is not a list: merged field by field.
const ACCOUNT: &str = "Account";

/// Top-level keys of a pasted Describe* response that carry no world data.
const ENVELOPE: &[&str] = &[
    "RequestId",
    "TotalCount",
    "PageNumber",
    "PageSize",
    "NextToken",
    "NextOffset",
    "Currency",
    "RegionId",
];

const fn list(
    plural: &'static str,
    singular: &'static str,
    identity: &'static [(&'static str, bool)],
    regional: bool,
    check: fn(&Value) -> std::result::Result<(), String>,
    closed: Option<fn() -> Vec<String>>,
) -> ListSpec {
    ListSpec {
        plural,
        singular,
        identity,
        regional,
        check,
        closed,
    }
}

fn typed<T: DeserializeOwned>(v: &Value) -> std::result::Result<(), String> {
    read::<T>(v).map(|_| ())
}

fn read<T: DeserializeOwned>(v: &Value) -> std::result::Result<T, String> {
    T::deserialize(v).map_err(|e| crate::error::plain(&e.to_string()))
}

fn utc(field: &str, value: &str) -> std::result::Result<(), String> {
    match crate::time::parse_utc(value) {
        Some(_) => Ok(()),
        None => Err(format!(
            "{field} {:?} is not a UTC time; write one like 2026-01-01T00:00:00Z",
            crate::error::clip(value)
        )),
    }
}

fn snapshot(v: &Value) -> std::result::Result<(), String> {
    let s: Snapshot = read(v)?;
    if s.source_disk_size.trim().parse::<u64>().is_err() {
        return Err(format!(
            "SourceDiskSize {:?} is not a size in GiB like \"40\"",
            s.source_disk_size
        ));
    }
    utc("CreationTime", &s.creation_time)
}

fn image(v: &Value) -> std::result::Result<(), String> {
    let i: Image = read(v)?;
    if i.creation_time.is_empty() {
        return Ok(());
    }
    utc("CreationTime", &i.creation_time)
}

fn private_pool(v: &Value) -> std::result::Result<(), String> {
    let p: PrivatePool = read(v)?;
    if !matches!(
        p.private_pool_options_match_criteria.as_str(),
        "Open" | "Target"
    ) {
        return Err(format!(
            "PrivatePoolOptionsMatchCriteria {:?} is not Open or Target",
            p.private_pool_options_match_criteria
        ));
    }
    for (name, t) in [("StartTime", &p.start_time), ("EndTime", &p.end_time)] {
        // The API writes "null" for an unset time.
        if let Some(t) = t.as_deref().filter(|t| *t != "null") {
            utc(name, t)?;
        }
    }
    Ok(())
}

fn instance_type_quota(v: &Value) -> std::result::Result<(), String> {
    let q: InstanceTypeQuota = read(v)?;
    match q.instance_charge_type.as_str() {
        "PostPaid" | "PrePaid" | "Spot" => Ok(()),
        other => Err(format!(
            "InstanceChargeType {other:?} is not PostPaid, PrePaid or Spot"
        )),
    }
}

/// A spot price record: its time, and its prices in range ([`crate::cost::spot::check_record`]),
/// so a bad price is placed at its record's line when the file is read. The same check runs
/// again on the merged world (`check_world_prices`) as a backstop for worlds built in code.
fn spot_price(v: &Value) -> std::result::Result<(), String> {
    let p: SpotPriceType = read(v)?;
    utc("Timestamp", &p.timestamp)?;
    crate::cost::spot::check_record(&p)
}

fn fields_of<T: Serialize>(sample: T) -> Vec<String> {
    match serde_json::to_value(sample) {
        Ok(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn account_fields() -> Vec<String> {
    use crate::world::model::{CallRateLimit, InstanceRateLimit};
    fields_of(Account {
        run_instances_rate_limit: Some(CallRateLimit {
            calls_per_second: 1.0,
            burst: 1,
        }),
        run_instances_resource_rate_limit: Some(InstanceRateLimit {
            instances_per_second: 1.0,
            burst: 1,
        }),
        ..Account::default()
    })
}

fn region_quota_fields() -> Vec<String> {
    fields_of(RegionQuota {
        max_postpaid_instance_count: Some(0),
        max_postpaid_instance_vcpu_count: Some(0),
        max_spot_instance_vcpu_count: Some(0),
        public_ip_address_stock: Some(0),
        max_post_paid_disk_count: Some(0),
        max_postpaid_data_disk_capacity: Some(0),
        max_prepaid_data_disk_capacity: Some(0),
        ..RegionQuota::default()
    })
}

fn service_fault_fields() -> Vec<String> {
    fields_of(ServiceFault {
        zone_id: Some(String::new()),
        ..ServiceFault::default()
    })
}

/// What `world import` needs of one wrapped list (`plural`, the `WorldDoc` key): its list
/// key and whether items take an export's `RegionId`, from the one table.
pub(crate) fn list_facts(plural: &str) -> Option<(&'static str, bool)> {
    LISTS
        .iter()
        .find(|l| l.plural == plural)
        .map(|l| (l.singular, l.regional))
}

/// The loader's own check of one item of the list `plural` (its record, plus what serde
/// cannot express), so `world import` keeps only items `--world` would accept.
pub(crate) fn check_list_item(plural: &str, item: &Value) -> std::result::Result<(), String> {
    match LISTS.iter().find(|l| l.plural == plural) {
        Some(spec) => (spec.check)(item),
        None => Err(format!("\"{plural}\" is not a world list")),
    }
}

/// The identity of an item of the list `plural`, as the merge matches it.
pub(crate) fn item_identity(plural: &str, item: &Map<String, Value>) -> Option<Vec<String>> {
    let spec = LISTS.iter().find(|l| l.plural == plural)?;
    identity(spec, item).ok()
}

/// Every key a world document takes, in `WorldDoc` order.
pub fn world_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = LISTS.iter().map(|l| l.plural).collect();
    let at = keys
        .iter()
        .position(|k| *k == "SpotPrices")
        .map_or(keys.len(), |i| i + 1);
    keys.insert(at, ACCOUNT);
    keys
}

/// A source of world data merged over the default world.
#[derive(Debug, Clone, Copy)]
pub enum WorldSource<'a> {
    /// A JSON file (`--world FILE`, or a path named by a scenario).
    File(&'a Path),
    /// A fragment already parsed (a scenario's inline world); `place` is where it was written.
    Inline { value: &'a Value, place: &'a Place },
}

/// The embedded default world.
pub fn default_world() -> Result<World> {
    load_world(&[])
}

/// The default world with each file merged over it, in order.
pub fn load_world(extra: &[PathBuf]) -> Result<World> {
    let sources: Vec<WorldSource> = extra.iter().map(|p| WorldSource::File(p)).collect();
    load_world_sources(&sources)
}

/// The default world with each source (file or inline fragment) merged over it, in order.
pub fn load_world_sources(sources: &[WorldSource]) -> Result<World> {
    load_doc(sources).map(World::from_doc)
}

/// The merged document before indexing (what `load_world_sources` indexes).
pub fn load_doc(sources: &[WorldSource]) -> Result<WorldDoc> {
    let mut base = default_base()?;
    let mut last = "data/world".to_string();
    for source in sources {
        match source {
            WorldSource::File(path) => {
                let text = crate::limits::read_capped(path, crate::limits::InputKind::World)?;
                last = path.display().to_string();
                merge_file_text(&mut base, &last, &text)?;
            }
            WorldSource::Inline { value, place } => {
                last = place.to_string();
                let origin = Origin {
                    place: (*place).clone(),
                    text: None,
                };
                merge_from(&mut base, (*value).clone(), &origin)?;
            }
        }
    }
    finish(base, last)
}

/// The merged document read as a world document; `last` names the last source merged.
fn finish(base: Value, last: String) -> Result<WorldDoc> {
    // Every item and the account were read as their records before merging, so this only
    // fails on a loader bug; say so rather than blame an input.
    serde_json::from_value(base).map_err(|e| {
        Error::input(
            Place::new(last),
            format!(
                "the merged world does not read as a world document ({e}); \
                 this is an ecsim bug, please report it"
            ),
        )
    })
}

/// The default world with the text of one world file merged over it, read as `--world
/// source` would be (a name ending in `.csv` is a spot price history), before indexing. The
/// entry point for fuzzing and property tests: no file is read.
pub fn load_doc_text(source: &str, text: &str) -> Result<WorldDoc> {
    let mut base = default_base()?;
    merge_file_text(&mut base, source, text)?;
    finish(base, source.to_string())
}

/// The embedded default fragments merged into one document.
fn default_base() -> Result<Value> {
    let mut base = Value::Object(Map::new());
    for (name, text) in DEFAULT_FRAGMENTS {
        merge_text(&mut base, name, text)?;
    }
    Ok(base)
}

/// Merges the text of a world file named `source`: JSON, or a spot price history in CSV (the
/// DescribeSpotPriceHistory columns) when the name ends in `.csv`.
fn merge_file_text(base: &mut Value, source: &str, text: &str) -> Result<()> {
    if source.ends_with(".csv") {
        let records = crate::cost::spot::read_history(text, source)?;
        let fragment = serde_json::json!({"SpotPrices": {"SpotPriceType": records}});
        merge_fragment(base, fragment, source)
    } else {
        merge_text(base, source, text)
    }
}

/// Merges one parsed fragment into `base` (a world document being built; `Null` counts as
/// empty). `source` names the fragment in messages. Lists merge by identity, `Account` field
/// by field; the fragment is checked whole before anything is merged.
pub fn merge_fragment(base: &mut Value, fragment: Value, source: &str) -> Result<()> {
    let origin = Origin {
        place: Place::new(source),
        text: None,
    };
    merge_from(base, fragment, &origin)
}

/// Parses `text` (named `source`) and merges it into `base`, placing errors by line and column.
fn merge_text(base: &mut Value, source: &str, text: &str) -> Result<()> {
    let fragment: Value = serde_json::from_str(text).map_err(|e| {
        Error::input(
            Place::at(source, e.line(), e.column()),
            format!(
                "invalid JSON: {}; a world file is one JSON object",
                strip_position(&e)
            ),
        )
    })?;
    let origin = Origin {
        place: Place::new(source),
        text: Some(text),
    };
    merge_from(base, fragment, &origin)
}

/// serde_json's message without its trailing ` at line L column C` (the place says it).
pub(crate) fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    crate::error::plain(msg.strip_suffix(&suffix).unwrap_or(&msg))
}

/// Where a fragment came from.
struct Origin<'a> {
    /// The file, or the place of an inline fragment.
    place: Place,
    /// The fragment's text when it has one; positions inside it are found on demand.
    text: Option<&'a str>,
}

impl Origin<'_> {
    fn error(&self, path: &[Seg], message: impl Into<String>) -> Error {
        let place = match self.text.and_then(|t| locate(t, path)) {
            Some((line, column)) => Place::at(self.place.source.clone(), line, column),
            None => self.place.clone(),
        };
        Error::input(place, message)
    }
}

/// A step in a JSON path.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `Images.Image[2]`.
fn show(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A checked fragment, ready to merge.
struct Checked {
    lists: Vec<(&'static ListSpec, Vec<Value>)>,
    account: Option<Value>,
    /// A DescribeAccountAttributes export's figures for its region's `RegionQuota`, merged
    /// field by field over the item already loaded.
    region_quota: Option<Map<String, Value>>,
}

fn merge_from(base: &mut Value, fragment: Value, origin: &Origin) -> Result<()> {
    let checked = check_fragment(fragment, origin)?;
    if !base.is_object() {
        *base = Value::Object(Map::new());
    }
    let doc = base.as_object_mut().expect("base is an object");
    for (spec, items) in checked.lists {
        merge_list(doc, spec, items);
    }
    if let Some(patch) = checked.account {
        let slot = doc
            .entry(ACCOUNT)
            .or_insert_with(|| Value::Object(Map::new()));
        deep_merge(slot, patch);
    }
    if let Some(patch) = checked.region_quota {
        patch_region_quota(doc, patch);
    }
    Ok(())
}

/// Overlays an export's figures on the region's `RegionQuota`, adding one if there is none.
fn patch_region_quota(doc: &mut Map<String, Value>, patch: Map<String, Value>) {
    let spec = LISTS
        .iter()
        .find(|l| l.plural == "RegionQuotas")
        .expect("RegionQuotas is a list");
    let region = patch.get("RegionId").cloned();
    let list = doc
        .entry(spec.plural)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("the merged document keeps the wrapper shape")
        .entry(spec.singular)
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
        .expect("the merged document keeps lists");
    match list
        .iter_mut()
        .find(|q| q.get("RegionId") == region.as_ref())
    {
        Some(q) => deep_merge(q, Value::Object(patch)),
        None => list.push(Value::Object(patch)),
    }
}

/// The quotas of a DescribeAccountAttributes export (`AccountAttributeItems`), checked as
/// the items they become.
fn check_attributes(
    items: &Value,
    region: Option<&str>,
    origin: &Origin,
    checked: &mut Checked,
) -> Result<()> {
    const TOP: &str = "AccountAttributeItems";
    let Some(region) = region else {
        return Err(origin.error(
            &[key(TOP)],
            "AccountAttributeItems: add \"RegionId\": \"cn-hangzhou\" (the region the \
             export was taken in) at the top of the file; DescribeAccountAttributes answers \
             for the RegionId it was called with and does not repeat it",
        ));
    };
    let quotas = super::attributes::read(items, region).map_err(|(steps, message)| {
        let mut path = vec![key(TOP)];
        path.extend(steps.into_iter().map(|s| match s {
            super::attributes::Step::Key(k) => key(k),
            super::attributes::Step::Index(i) => Seg::Index(i),
        }));
        origin.error(&path, format!("{}: {message}", show(&path)))
    })?;
    for (plural, items) in [
        ("InstanceTypeQuotas", quotas.type_quotas),
        ("DiskCapacityQuotas", quotas.disk_quotas),
    ] {
        let spec = LISTS.iter().find(|l| l.plural == plural).expect("a list");
        let path = [key(TOP)];
        let items = items
            .into_iter()
            .map(|item| check_item(spec, item, Some(region), &path, origin))
            .collect::<Result<Vec<_>>>()?;
        checked.lists.push((spec, items));
    }
    if !quotas.region.is_empty() {
        checked.region_quota = Some(quotas.region);
    }
    Ok(())
}

/// Checks a whole fragment: known keys, wrapper shapes, identities and records.
fn check_fragment(fragment: Value, origin: &Origin) -> Result<Checked> {
    let Value::Object(top) = fragment else {
        return Err(origin.error(
            &[],
            format!(
                "a world file is a JSON object like {{\"Images\": {{\"Image\": [...]}}}}, not {}",
                kind_of(&fragment)
            ),
        ));
    };
    let region = match top.get("RegionId") {
        None => None,
        Some(Value::String(r)) => Some(r.clone()),
        Some(other) => {
            return Err(origin.error(
                &[key("RegionId")],
                format!(
                    "RegionId at the top of a world file names the region of the items below \
                     and must be a string, not {}",
                    kind_of(other)
                ),
            ))
        }
    };
    let mut checked = Checked {
        lists: Vec::new(),
        account: None,
        region_quota: None,
    };
    for (k, v) in top {
        if k == "AccountAttributeItems" {
            check_attributes(&v, region.as_deref(), origin, &mut checked)?;
        } else if let Some(spec) = LISTS.iter().find(|l| l.plural == k) {
            let items = check_list(spec, v, region.as_deref(), origin)?;
            checked.lists.push((spec, items));
        } else if k == ACCOUNT {
            checked.account = Some(check_account(v, origin)?);
        } else if !ENVELOPE.contains(&k.as_str()) {
            return Err(unknown_key(&k, origin));
        }
    }
    // Merge in WorldDoc order, whatever order the fragment's keys came in.
    checked
        .lists
        .sort_by_key(|(spec, _)| LISTS.iter().position(|l| std::ptr::eq(l, *spec)));
    Ok(checked)
}

fn unknown_key(k: &str, origin: &Origin) -> Error {
    let mut keys = world_keys();
    keys.push("AccountAttributeItems");
    let hint = suggest(k, keys.iter().copied())
        .map(|s| format!(" (did you mean \"{s}\"?)"))
        .unwrap_or_default();
    origin.error(
        &[key(k)],
        format!(
            "unknown key \"{k}\"{hint}; remove it, or use one of the keys a world file \
             takes: {}",
            keys.join(", ")
        ),
    )
}

fn check_list(
    spec: &'static ListSpec,
    wrapper: Value,
    region: Option<&str>,
    origin: &Origin,
) -> Result<Vec<Value>> {
    let (plural, singular) = (spec.plural, spec.singular);
    let shape =
        format!("write \"{plural}\": {{\"{singular}\": [...]}}, the Describe* response shape");
    let Value::Object(wrapper) = wrapper else {
        return Err(origin.error(
            &[key(plural)],
            format!("\"{plural}\" is {}; {shape}", kind_of(&wrapper)),
        ));
    };
    let mut items = Vec::new();
    for (inner, list) in wrapper {
        let at = [key(plural), key(&inner)];
        if inner != singular {
            return Err(origin.error(
                &at,
                format!("\"{plural}\" holds \"{inner}\"; the list key is \"{singular}\" ({shape})"),
            ));
        }
        let Value::Array(list) = list else {
            return Err(origin.error(
                &at,
                format!("{} is {}, not a list; {shape}", show(&at), kind_of(&list)),
            ));
        };
        for (i, item) in list.into_iter().enumerate() {
            let path = [key(plural), key(singular), Seg::Index(i)];
            items.push(check_item(spec, item, region, &path, origin)?);
        }
    }
    Ok(items)
}

fn check_item(
    spec: &ListSpec,
    item: Value,
    region: Option<&str>,
    path: &[Seg],
    origin: &Origin,
) -> Result<Value> {
    let Value::Object(mut fields) = item else {
        return Err(origin.error(
            path,
            format!(
                "{} is {}; each item is an object",
                show(path),
                kind_of(&item)
            ),
        ));
    };
    if let (true, Some(r), None) = (spec.regional, region, fields.get("RegionId")) {
        // A public image has no region: an export's system images stay public.
        let public_image = spec.singular == "Image"
            && fields.get("ImageOwnerAlias").and_then(Value::as_str) == Some("system");
        if !public_image {
            fields.insert("RegionId".into(), Value::String(r.to_string()));
        }
    }
    if let Err(missing) = identity(spec, &fields) {
        let fields_list: Vec<&str> = spec.identity.iter().map(|(f, _)| *f).collect();
        let region_hint = if missing == "RegionId" {
            " (add \"RegionId\" to the item, or once at the top of the file for a whole Describe* export)"
        } else {
            ""
        };
        return Err(origin.error(
            path,
            format!(
                "{}: no \"{missing}\"{region_hint}; each {} is matched by {} when world files merge",
                show(path),
                spec.singular,
                fields_list.join(" + ")
            ),
        ));
    }
    let label = describe_item(spec, &fields);
    if let Some(known) = spec.closed {
        let known = known();
        if let Some(bad) = fields.keys().find(|k| !known.contains(k)) {
            let hint = suggest(bad, known.iter().map(String::as_str))
                .map(|s| format!(" (did you mean \"{s}\"?)"))
                .unwrap_or_default();
            let mut at = path.to_vec();
            at.push(key(bad));
            return Err(origin.error(
                &at,
                format!(
                    "{}{label}: unknown field \"{bad}\"{hint}; a {} takes {}",
                    show(path),
                    spec.singular,
                    known.join(", ")
                ),
            ));
        }
    }
    let item = Value::Object(fields);
    (spec.check)(&item).map_err(|m| {
        origin.error(
            path,
            format!(
                "{}{label}: {m} (docs/world.md lists the fields)",
                show(path)
            ),
        )
    })?;
    Ok(item)
}

/// ` (ImageId "m-x")`: the item's first identity field, for messages.
fn describe_item(spec: &ListSpec, fields: &Map<String, Value>) -> String {
    let (f, _) = spec.identity[0];
    match fields.get(f) {
        Some(v) => format!(" ({f} {v})"),
        None => String::new(),
    }
}

fn check_account(v: Value, origin: &Origin) -> Result<Value> {
    let at = [key(ACCOUNT)];
    let Value::Object(fields) = &v else {
        return Err(origin.error(
            &at,
            format!(
                "\"Account\" is {}; write an object like {{\"Arrearage\": true}}",
                kind_of(&v)
            ),
        ));
    };
    let known = account_fields();
    if let Some(bad) = fields.keys().find(|k| !known.contains(k)) {
        let hint = suggest(bad, known.iter().map(String::as_str))
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        return Err(origin.error(
            &[key(ACCOUNT), key(bad)],
            format!(
                "Account: unknown field \"{bad}\"{hint}; the account takes {}",
                known.join(", ")
            ),
        ));
    }
    // Field by field, so the message names the field that does not read.
    for (k, field) in fields {
        let alone = Value::Object(Map::from_iter([(k.clone(), field.clone())]));
        read::<Account>(&alone)
            .map_err(|m| origin.error(&[key(ACCOUNT), key(k)], format!("Account.{k}: {m}")))?;
    }
    Ok(v)
}

/// The item's identity, or the name of a required identity field it lacks.
fn identity(
    spec: &ListSpec,
    item: &Map<String, Value>,
) -> std::result::Result<Vec<String>, &'static str> {
    spec.identity
        .iter()
        .map(|(field, required)| {
            let v = match item.get(*field) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            };
            if *required && v.is_empty() {
                Err(*field)
            } else {
                Ok(v)
            }
        })
        .collect()
}

fn merge_list(doc: &mut Map<String, Value>, spec: &ListSpec, items: Vec<Value>) {
    let wrapper = doc
        .entry(spec.plural)
        .or_insert_with(|| Value::Object(Map::new()));
    let list = wrapper
        .as_object_mut()
        .expect("the merged document keeps the wrapper shape")
        .entry(spec.singular)
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
        .expect("the merged document keeps lists");
    let id_of = |v: &Value| v.as_object().and_then(|m| identity(spec, m).ok());
    let mut index: HashMap<Vec<String>, usize> = list
        .iter()
        .enumerate()
        .filter_map(|(i, v)| id_of(v).map(|k| (k, i)))
        .collect();
    for item in items {
        let Some(id) = id_of(&item) else { continue };
        match index.get(&id) {
            Some(&i) => list[i] = item,
            None => {
                index.insert(id, list.len());
                list.push(item);
            }
        }
    }
}

/// Objects merge key by key (recursively); anything else replaces.
fn deep_merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => deep_merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}

/// The 1-based line and column in `text` where `path` starts: the key itself when the path
/// ends in a key, the element when it ends in an index. None when the path is not there.
/// Only used on error paths, on text that has already parsed as JSON.
fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    for (n, seg) in path.iter().enumerate() {
        let last = n + 1 == path.len();
        match seg {
            Seg::Key(want) => {
                if b.get(i) != Some(&b'{') {
                    return None;
                }
                i += 1;
                loop {
                    i = skip_ws(b, i);
                    if b.get(i) != Some(&b'"') {
                        return None;
                    }
                    let start = i;
                    let end = string_end(b, i)?;
                    let k: String = serde_json::from_str(&text[start..end]).ok()?;
                    i = skip_ws(b, end);
                    if b.get(i) != Some(&b':') {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if &k == want {
                        if last {
                            return Some(line_column(text, start));
                        }
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    if b.get(i) != Some(&b',') {
                        return None;
                    }
                    i += 1;
                }
            }
            Seg::Index(want) => {
                if b.get(i) != Some(&b'[') {
                    return None;
                }
                i += 1;
                let mut k = 0;
                loop {
                    i = skip_ws(b, i);
                    if b.get(i) == Some(&b']') {
                        return None;
                    }
                    if k == *want {
                        if last {
                            return Some(line_column(text, i));
                        }
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    if b.get(i) != Some(&b',') {
                        return None;
                    }
                    i += 1;
                    k += 1;
                }
            }
        }
    }
    Some(line_column(text, i))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[start]` is an opening quote; the index just past the closing one.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index just past the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            Some(j)
        }
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Wrapped;
    use std::collections::{BTreeMap, HashSet};

    fn default_doc() -> WorldDoc {
        load_doc(&[]).expect("the default world loads")
    }

    fn all<T>(w: &Wrapped<T>) -> Vec<&T> {
        w.inner.values().flatten().collect()
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn load_text(text: &str) -> Result<World> {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, "mine.json", text);
        load_world(&[p])
    }

    fn input_error(r: Result<World>) -> (Place, String) {
        match r {
            Err(Error::Input { place, message }) => (place, message),
            Err(e) => panic!("expected an input error, got {e}"),
            Ok(_) => panic!("expected an input error, the world loaded"),
        }
    }

    // ------------------------------------------------------------------ loader

    #[test]
    fn text_entry_point_reads_as_the_file_does() {
        let text = r#"{"Account": {"Arrearage": true}}"#;
        let dir = tempfile::tempdir().unwrap();
        let from_file = load_doc(&[WorldSource::File(&write(&dir, "w.json", text))]).unwrap();
        let from_text = load_doc_text("w.json", text).unwrap();
        assert_eq!(
            serde_json::to_value(&from_text).unwrap(),
            serde_json::to_value(&from_file).unwrap()
        );
        assert_ne!(
            serde_json::to_value(&from_text).unwrap(),
            serde_json::to_value(default_doc()).unwrap()
        );
        // errors are placed in the named text, and a `.csv` name reads a spot price history
        let e = load_doc_text("w.json", "{\n  \"Account\": [1,\n").unwrap_err();
        assert!(e.to_string().starts_with("w.json:3:"), "{e}");
        let e = load_doc_text("p.csv", "ZoneId,InstanceType\nx,y\n").unwrap_err();
        assert!(e.to_string().starts_with("p.csv:2:"), "{e}");
    }

    #[test]
    fn default_world_loads() {
        let w = default_world().unwrap();
        assert_eq!(
            w.region_ids(),
            [
                "ap-southeast-1",
                "cn-beijing",
                "cn-hangzhou",
                "cn-shanghai",
                "cn-wulanchabu",
                "us-west-1"
            ]
        );
        assert_eq!(w.instance_type("ecs.g7.large").unwrap().cpu_core_count, 2);
        assert!(w
            .image("cn-shanghai", "aliyun_3_x64_20G_alibase_20240528.vhd")
            .is_some());
        assert!(w.image("cn-shanghai", "m-bp1webgolden4k7m2x9q").is_none());
        assert!(w.account.unauthorized_zones == ["cn-beijing-a"]);
        assert!(w.fault("cn-hangzhou", None).is_none());
    }

    #[test]
    fn override_replaces_an_item_by_id_and_appends_a_new_one() {
        let w = load_text(
            r#"{"Images": {"Image": [
                 {"ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "OSType": "linux", "Size": 30},
                 {"ImageId": "m-bp1mine", "OSType": "linux", "Size": 25, "RegionId": "cn-hangzhou"}]},
               "SecurityGroups": {"SecurityGroup": [
                 {"SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k", "VpcId": "vpc-bp1opxu1zkhn00gzv26cq",
                  "RegionId": "cn-hangzhou", "EcsCount": 999}]}}"#,
        )
        .unwrap();
        let img = w
            .image("cn-hangzhou", "aliyun_3_x64_20G_alibase_20240528.vhd")
            .unwrap();
        assert_eq!(img.size, 30);
        assert_eq!(img.os_name, "", "the item is replaced whole, not patched");
        assert_eq!(w.image("cn-hangzhou", "m-bp1mine").unwrap().size, 25);
        assert!(w
            .image("cn-hangzhou", "ubuntu_22_04_x64_20G_alibase_20240220.vhd")
            .is_some());
        assert_eq!(
            w.security_group("sg-bp15ed6xe1yxeycg7o3k")
                .unwrap()
                .ecs_count,
            999
        );
        assert!(w.security_group("sg-bp1fullgroup9k2m7x4q").is_some());
    }

    #[test]
    fn files_merge_in_order_and_identity_can_be_compound() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            &dir,
            "a.json",
            r#"{"Stock": {"StockLevel": [{"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "Available": 7}]}}"#,
        );
        let b = write(
            &dir,
            "b.json",
            r#"{"Stock": {"StockLevel": [{"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "Available": 3}]}}"#,
        );
        let w = load_world(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(w.stock("cn-hangzhou-i", "ecs.g7.large"), Some(3));
        let w = load_world(&[b, a]).unwrap();
        assert_eq!(w.stock("cn-hangzhou-i", "ecs.g7.large"), Some(7));
        // Same name, other region: a new key pair, not a replacement.
        let w = load_text(
            r#"{"KeyPairs": {"KeyPair": [{"KeyPairName": "deploy-key", "RegionId": "cn-test"}]}}"#,
        )
        .unwrap();
        assert!(w.key_pair("cn-test", "deploy-key").is_some());
        assert!(w.key_pair("cn-hangzhou", "deploy-key").is_some());
    }

    #[test]
    fn account_merges_field_by_field() {
        let w =
            load_text(r#"{"Account": {"Arrearage": true, "UnauthorizedRegions": ["us-west-1"]}}"#)
                .unwrap();
        assert!(w.account.arrearage);
        assert_eq!(w.account.unauthorized_regions, ["us-west-1"]);
        assert_eq!(
            w.account.unauthorized_zones,
            ["cn-beijing-a"],
            "untouched fields keep the default"
        );
        assert!(w.account.kms_enabled);
    }

    #[test]
    fn unknown_key_gives_a_suggestion_and_its_place() {
        let (place, msg) = input_error(load_text(
            "{\n  \"Regions\": {\"Region\": []},\n  \"Imagez\": {}\n}\n",
        ));
        assert_eq!((place.line, place.column), (Some(3), Some(3)));
        assert!(place.source.ends_with("mine.json"));
        assert!(msg.starts_with("unknown key \"Imagez\" (did you mean \"Images\"?); remove it, or use one of the keys a world file takes: Regions, AvailableZones,"), "{msg}");
        assert!(msg.contains("SpotPrices, Account, RegionQuotas"), "{msg}");
    }

    #[test]
    fn bad_json_reports_line_and_column() {
        let (place, msg) = input_error(load_text("{\n  \"Images\": {\"Image\": [,]}\n}"));
        assert_eq!(place.line, Some(2));
        assert!(place.column.is_some());
        assert!(msg.starts_with("invalid JSON: "), "{msg}");
        assert!(
            !msg.contains(" at line "),
            "the place carries the position: {msg}"
        );
    }

    #[test]
    fn unreadable_file_is_an_io_error_naming_it() {
        let e = load_world(&[PathBuf::from("no/such/world.json")]).unwrap_err();
        assert!(matches!(e, Error::Io { .. }));
        assert!(e.to_string().contains("no/such/world.json"));
    }

    #[test]
    fn item_without_its_identity_is_placed() {
        let (place, msg) = input_error(load_text(
            "{\"Images\": {\"Image\": [\n  {\"ImageId\": \"m-1\", \"OSType\": \"linux\", \"Size\": 20},\n  {\"OSType\": \"linux\", \"Size\": 20}\n]}}",
        ));
        assert_eq!((place.line, place.column), (Some(3), Some(3)));
        assert!(msg.starts_with("Images.Image[1]: no \"ImageId\""), "{msg}");
        let (_, msg) = input_error(load_text(
            r#"{"KeyPairs": {"KeyPair": [{"KeyPairName": "k"}]}}"#,
        ));
        assert!(msg.contains("no \"RegionId\" (add \"RegionId\""), "{msg}");
    }

    #[test]
    fn bad_item_is_reported_in_its_file_with_position() {
        let (place, msg) = input_error(load_text(
            "{\n \"InstanceTypes\": {\"InstanceType\": [\n   {\"InstanceTypeId\": \"ecs.x\", \"CpuCoreCount\": \"two\", \"MemorySize\": 1}]}}",
        ));
        assert_eq!((place.line, place.column), (Some(3), Some(4)));
        assert!(
            msg.starts_with(
                "InstanceTypes.InstanceType[0] (InstanceTypeId \"ecs.x\"): string \"two\" where a whole number >= 0 is expected; write a whole number >= 0 here"
            ),
            "{msg}"
        );
        let (_, msg) = input_error(load_text(
            r#"{"SpotPrices": {"SpotPriceType": [{"ZoneId": "z", "InstanceType": "t", "SpotPrice": 0.1, "OriginPrice": 1, "Timestamp": "2026/01/01"}]}}"#,
        ));
        assert!(
            msg.contains("Timestamp \"2026/01/01\" is not a UTC time"),
            "{msg}"
        );
    }

    #[test]
    fn wrapper_shape_is_checked() {
        let (_, msg) = input_error(load_text(r#"{"Images": [{"ImageId": "m-1"}]}"#));
        assert!(
            msg.contains("write \"Images\": {\"Image\": [...]}"),
            "{msg}"
        );
        let (_, msg) = input_error(load_text(r#"{"Images": {"Imagez": []}}"#));
        assert!(msg.contains("the list key is \"Image\""), "{msg}");
        let (_, msg) = input_error(load_text("[]"));
        assert!(msg.contains("not an array"), "{msg}");
    }

    #[test]
    fn simulator_only_records_reject_misspelt_fields() {
        let (place, msg) = input_error(load_text("{\"Account\": {\n  \"Arrearge\": true}}"));
        assert_eq!((place.line, place.column), (Some(2), Some(3)));
        assert!(
            msg.contains("unknown field \"Arrearge\" (did you mean \"Arrearage\"?)"),
            "{msg}"
        );
        let (_, msg) = input_error(load_text(
            r#"{"ServiceHealth": {"ServiceFault": [{"Error": "InternalError", "RegionId": "cn-hangzhou", "ZoneID": "cn-hangzhou-i"}]}}"#,
        ));
        assert!(msg.contains("(did you mean \"ZoneId\"?)"), "{msg}");
        let (place, msg) = input_error(load_text("{\"Account\": {\n  \"KmsEnabled\": \"no\"}}"));
        assert_eq!((place.line, place.column), (Some(2), Some(3)));
        assert!(msg.starts_with("Account.KmsEnabled: string \"no\" where true or false is expected; write true or false here"), "{msg}");
        // Describe*-shaped records take the extra fields real exports carry.
        load_text(r#"{"Vpcs": {"Vpc": [{"VpcId": "vpc-x", "RegionId": "cn-hangzhou", "IsDefault": false}]}}"#).unwrap();
    }

    #[test]
    fn a_pasted_response_envelope_is_ignored_and_its_region_fills_items() {
        let w = load_text(
            r#"{"RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3****", "RegionId": "cn-shanghai",
                "TotalCount": 2, "PageNumber": 1, "PageSize": 10,
                "SecurityGroups": {"SecurityGroup": [{"SecurityGroupId": "sg-uf6pasted", "VpcId": "vpc-uf6f7l4fg90xxvk1kiy8a"}]},
                "Images": {"Image": [
                  {"ImageId": "m-uf6mine", "OSType": "linux", "Size": 20, "ImageOwnerAlias": "self"},
                  {"ImageId": "ubuntu_22_04_x64_20G_alibase_20240220.vhd", "OSType": "linux", "Size": 20, "ImageOwnerAlias": "system"}]}}"#,
        )
        .unwrap();
        assert_eq!(
            w.security_group("sg-uf6pasted").unwrap().region_id,
            "cn-shanghai"
        );
        assert!(w.image("cn-shanghai", "m-uf6mine").is_some());
        assert!(w.image("cn-hangzhou", "m-uf6mine").is_none());
        assert!(
            w.image("cn-hangzhou", "ubuntu_22_04_x64_20G_alibase_20240220.vhd")
                .is_some(),
            "system images stay public"
        );
    }

    #[test]
    fn inline_fragments_merge_and_are_placed_where_written() {
        let place = Place::at("scenarios/s.json", 4, 12);
        let good = serde_json::json!({"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou", "MaxPostpaidInstanceCount": 3}]}});
        let w = load_world_sources(&[WorldSource::Inline {
            value: &good,
            place: &place,
        }])
        .unwrap();
        assert_eq!(
            w.region_quota("cn-hangzhou")
                .unwrap()
                .max_postpaid_instance_count,
            Some(3)
        );
        let bad = serde_json::json!({"RegionQuota": {}});
        let e = load_world_sources(&[WorldSource::Inline {
            value: &bad,
            place: &place,
        }])
        .unwrap_err();
        assert!(e.to_string().starts_with("scenarios/s.json:4:12: unknown key \"RegionQuota\" (did you mean \"RegionQuotas\"?)"), "{e}");
    }

    #[test]
    fn merge_fragment_works_on_bare_values() {
        let mut base = Value::Null;
        merge_fragment(
            &mut base,
            serde_json::json!({"Account": {"KmsEnabled": false}}),
            "a",
        )
        .unwrap();
        merge_fragment(
            &mut base,
            serde_json::json!({"Account": {"Arrearage": true}}),
            "b",
        )
        .unwrap();
        assert_eq!(
            base["Account"],
            serde_json::json!({"KmsEnabled": false, "Arrearage": true})
        );
        let e = merge_fragment(&mut base, serde_json::json!({"Vpc": {}}), "c.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("c.json: unknown key \"Vpc\" (did you mean \"Vpcs\"?)"),
            "{e}"
        );
    }

    #[test]
    fn world_keys_follow_world_doc() {
        let doc = serde_json::to_value(WorldDoc::default()).unwrap();
        let mut from_doc: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut ours = world_keys();
        from_doc.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, from_doc);
    }

    #[test]
    fn locate_finds_keys_and_elements() {
        let text = "{\"a\": {\"b\": [1, {\"c\": \"x,]}\"}, 3]},\n \"d\": 4}";
        assert_eq!(locate(text, &[key("d")]), Some((2, 2)));
        assert_eq!(
            locate(text, &[key("a"), key("b"), Seg::Index(2)]),
            Some((1, 32))
        );
        assert_eq!(
            locate(text, &[key("a"), key("b"), Seg::Index(1), key("c")]),
            Some((1, 18))
        );
        assert_eq!(locate(text, &[key("zz")]), None);
    }

    // ------------------------------------------------------------------ the default data

    #[test]
    fn zones_are_in_known_regions_and_list_known_things() {
        let d = default_doc();
        let regions: HashSet<&str> = all(&d.regions)
            .iter()
            .map(|r| r.region_id.as_str())
            .collect();
        let types: HashSet<&str> = all(&d.instance_types)
            .iter()
            .map(|t| t.instance_type_id.as_str())
            .collect();
        let cats = [
            "cloud",
            "cloud_efficiency",
            "cloud_ssd",
            "cloud_essd",
            "cloud_auto",
            "cloud_essd_entry",
            "ephemeral_ssd",
        ];
        let status = ["Available", "SoldOut"];
        let category = [
            "WithStock",
            "ClosedWithStock",
            "WithoutStock",
            "ClosedWithoutStock",
        ];
        let mut offered = HashSet::new();
        for z in all(&d.available_zones) {
            assert!(
                regions.contains(z.region_id.as_str()),
                "{} in unknown region",
                z.zone_id
            );
            assert!(z.zone_id.starts_with(&z.region_id), "{}", z.zone_id);
            assert!(
                status.contains(&z.status.as_str())
                    && category.contains(&z.status_category.as_str())
            );
            let kinds: Vec<&str> = z
                .available_resources
                .available_resource
                .iter()
                .map(|r| r.kind.as_str())
                .collect();
            assert_eq!(
                kinds,
                ["InstanceType", "SystemDisk", "DataDisk"],
                "{}",
                z.zone_id
            );
            for r in &z.available_resources.available_resource {
                for s in &r.supported_resources.supported_resource {
                    assert!(
                        status.contains(&s.status.as_str())
                            && category.contains(&s.status_category.as_str())
                    );
                    if r.kind == "InstanceType" {
                        assert!(
                            types.contains(s.value.as_str()),
                            "{}: unknown type {}",
                            z.zone_id,
                            s.value
                        );
                        offered.insert(s.value.as_str());
                    } else {
                        assert!(
                            cats.contains(&s.value.as_str()),
                            "{}: unknown disk {}",
                            z.zone_id,
                            s.value
                        );
                        assert!(
                            s.min.is_some() && s.max.is_some() && s.unit.as_deref() == Some("GiB")
                        );
                    }
                }
            }
        }
        for t in &types {
            assert!(offered.contains(t), "{t} is offered by no zone");
        }
        for r in &regions {
            assert!(
                all(&d.available_zones).iter().any(|z| z.region_id == *r),
                "{r} has no zone"
            );
        }
    }

    #[test]
    fn instance_types_are_consistent() {
        let d = default_doc();
        let cats = [
            "cloud",
            "cloud_efficiency",
            "cloud_ssd",
            "cloud_essd",
            "cloud_auto",
            "cloud_essd_entry",
            "ephemeral_ssd",
        ];
        for t in all(&d.instance_types) {
            assert!(
                t.instance_type_id
                    .starts_with(&format!("{}.", t.instance_type_family))
                    || t.instance_type_id
                        .starts_with(&format!("{}-", t.instance_type_family)),
                "{}",
                t.instance_type_id
            );
            assert!(["X86", "ARM"].contains(&t.cpu_architecture.as_str()));
            assert!(
                !t.supported_disk_categories.is_empty(),
                "{}: list the categories",
                t.instance_type_id
            );
            for c in &t.supported_disk_categories {
                assert!(cats.contains(&c.as_str()), "{}: {c}", t.instance_type_id);
            }
            let ephemeral = t
                .supported_disk_categories
                .iter()
                .any(|c| c == "ephemeral_ssd");
            assert_eq!(
                ephemeral,
                t.local_storage_category.as_deref() == Some("ephemeral_ssd"),
                "{}",
                t.instance_type_id
            );
            assert!(!t.hpc_required || t.hpc_supported);
            assert!(t.io_optimized || !t.io_optimized_required);
        }
    }

    #[test]
    fn networks_fit_together() {
        let d = default_doc();
        let regions: HashSet<&str> = all(&d.regions)
            .iter()
            .map(|r| r.region_id.as_str())
            .collect();
        let zone_region: HashMap<&str, &str> = all(&d.available_zones)
            .iter()
            .map(|z| (z.zone_id.as_str(), z.region_id.as_str()))
            .collect();
        let vpcs: HashMap<&str, &Vpc> = all(&d.vpcs)
            .iter()
            .map(|v| (v.vpc_id.as_str(), *v))
            .collect();
        let quotas: HashSet<&str> = all(&d.vpc_quotas)
            .iter()
            .map(|q| q.vpc_id.as_str())
            .collect();
        for v in vpcs.values() {
            assert!(regions.contains(v.region_id.as_str()), "{}", v.vpc_id);
            assert!(
                quotas.contains(v.vpc_id.as_str()),
                "{} has no VpcQuota",
                v.vpc_id
            );
            let switches = all(&d.vswitches)
                .iter()
                .filter(|s| s.vpc_id == v.vpc_id)
                .count();
            assert!(switches >= 2, "{} has {switches} vSwitches", v.vpc_id);
        }
        for q in all(&d.vpc_quotas) {
            assert!(vpcs.contains_key(q.vpc_id.as_str()) && q.instance_count <= q.instance_limit);
        }
        for s in all(&d.vswitches) {
            let vpc = vpcs
                .get(s.vpc_id.as_str())
                .unwrap_or_else(|| panic!("{}: unknown VPC", s.v_switch_id));
            assert_eq!(
                zone_region.get(s.zone_id.as_str()),
                Some(&vpc.region_id.as_str()),
                "{}",
                s.v_switch_id
            );
        }
        for g in all(&d.security_groups) {
            assert!(
                regions.contains(g.region_id.as_str()),
                "{}",
                g.security_group_id
            );
            if !g.vpc_id.is_empty() {
                let vpc = vpcs
                    .get(g.vpc_id.as_str())
                    .unwrap_or_else(|| panic!("{}: unknown VPC", g.security_group_id));
                assert_eq!(vpc.region_id, g.region_id, "{}", g.security_group_id);
            }
            assert!(g.ecs_count <= g.instance_limit);
        }
        for r in &regions {
            assert!(
                all(&d.vpcs).iter().any(|v| v.region_id == *r),
                "{r} has no VPC"
            );
            assert!(
                all(&d.security_groups).iter().any(|g| g.region_id == *r),
                "{r} has no security group"
            );
            assert!(
                all(&d.region_quotas).iter().any(|q| q.region_id == *r),
                "{r} has no RegionQuota"
            );
        }
    }

    #[test]
    fn regional_resources_are_in_known_regions() {
        let d = default_doc();
        let regions: HashSet<&str> = all(&d.regions)
            .iter()
            .map(|r| r.region_id.as_str())
            .collect();
        for i in all(&d.images) {
            if let Some(r) = &i.region_id {
                assert!(regions.contains(r.as_str()), "{}", i.image_id);
            }
            assert!(
                ["x86_64", "arm64"].contains(&i.architecture.as_str()),
                "{}",
                i.image_id
            );
            assert!(
                ["linux", "windows"].contains(&i.os_type.as_str()),
                "{}",
                i.image_id
            );
            assert!(
                i.disk_device_mappings
                    .disk_device_mapping
                    .iter()
                    .any(|m| m.kind == "system"),
                "{}",
                i.image_id
            );
        }
        for s in all(&d.snapshots) {
            assert!(regions.contains(s.region_id.as_str()), "{}", s.snapshot_id);
        }
        for k in all(&d.key_pairs) {
            assert!(
                regions.contains(k.region_id.as_str()),
                "{}",
                k.key_pair_name
            );
        }
        for h in all(&d.hpc_clusters) {
            assert!(
                regions.contains(h.region_id.as_str()),
                "{}",
                h.hpc_cluster_id
            );
        }
        let zones: HashSet<&str> = all(&d.available_zones)
            .iter()
            .map(|z| z.zone_id.as_str())
            .collect();
        let types: HashSet<&str> = all(&d.instance_types)
            .iter()
            .map(|t| t.instance_type_id.as_str())
            .collect();
        let a = &d.account;
        assert!(a
            .unauthorized_zones
            .iter()
            .all(|z| zones.contains(z.as_str())));
        assert!(a
            .unauthorized_instance_types
            .iter()
            .all(|t| types.contains(t.as_str())));
        assert!(a
            .unauthorized_regions
            .iter()
            .chain(&a.sales_suspended_regions)
            .all(|r| regions.contains(r.as_str())));
        assert!(
            all(&d.service_health).is_empty(),
            "the default world is healthy"
        );
    }

    #[test]
    fn launch_templates_refer_to_known_ids() {
        let w = default_world().unwrap();
        let d = default_doc();
        let mut defaults: BTreeMap<&str, usize> = BTreeMap::new();
        for t in all(&d.launch_template_version_sets) {
            *defaults.entry(t.launch_template_id.as_str()).or_default() +=
                usize::from(t.default_version);
            let data = &t.launch_template_data;
            let s = |k: &str| {
                data.get(k).and_then(Value::as_str).unwrap_or_else(|| {
                    panic!("{} v{}: {k}", t.launch_template_id, t.version_number)
                })
            };
            assert!(w.image(&t.region_id, s("ImageId")).is_some());
            let ty = s("InstanceType");
            let sg = w.security_group(s("SecurityGroupId")).unwrap();
            assert_eq!(sg.region_id, t.region_id);
            let vsw = w.vswitch(s("VSwitchId")).unwrap();
            assert_eq!(vsw.vpc_id, sg.vpc_id);
            assert_eq!(vsw.status, "Available");
            if let Some(z) = data.get("ZoneId").and_then(Value::as_str) {
                assert_eq!(z, vsw.zone_id);
            }
            let offer = w.zone_offer(&vsw.zone_id, "InstanceType", ty).unwrap();
            assert_eq!(offer.status, "Available");
            let itype = w.instance_type(ty).unwrap();
            let mut cats = vec![s("SystemDisk.Category").to_string()];
            for disk in data["DataDisks"]["DataDisk"].as_array().unwrap() {
                cats.push(disk["Category"].as_str().unwrap().to_string());
            }
            for c in cats {
                assert!(
                    itype.supported_disk_categories.contains(&c),
                    "{ty} takes no {c}"
                );
            }
        }
        assert!(
            defaults.values().all(|n| *n == 1),
            "one default version per template: {defaults:?}"
        );
    }

    #[test]
    fn spot_prices_and_stock_are_for_offered_zone_types() {
        let w = default_world().unwrap();
        let d = default_doc();
        for p in all(&d.spot_prices) {
            let offer = w.zone_offer(&p.zone_id, "InstanceType", &p.instance_type);
            assert!(
                offer.is_some(),
                "{} does not offer {}",
                p.zone_id,
                p.instance_type
            );
            assert!(w.instance_type(&p.instance_type).unwrap().spot_supported);
            assert!(p.spot_price > 0.0 && p.spot_price < p.origin_price);
        }
        for s in all(&d.stock) {
            let offer = w
                .zone_offer(&s.zone_id, "InstanceType", &s.instance_type)
                .unwrap();
            assert_eq!(
                offer.status, "Available",
                "{} {}",
                s.zone_id, s.instance_type
            );
        }
    }

    /// The official-SDK capture (docs: shared/facts/sdk-wire.md) meets the default world's
    /// network, image, stock, prices and quotas. Its cloud_efficiency DataDisk.2 does not fit
    /// ecs.g7.large, which takes only ESSDs, so `scenarios/check/sdk-capture.json` sends
    /// cloud_essd there.
    #[test]
    fn the_sdk_capture_fits_the_default_world() {
        let w = default_world().unwrap();
        let d = default_doc();
        let (region, zone, ty) = ("cn-hangzhou", "cn-hangzhou-i", "ecs.g7.large");
        let sg = w.security_group("sg-bp15ed6xe1yxeycg7o3k").unwrap();
        let vsw = w.vswitch("vsw-bp1s5fnvk4gn2tws03624").unwrap();
        assert_eq!(sg.region_id, region);
        assert_eq!(
            (vsw.zone_id.as_str(), vsw.status.as_str()),
            (zone, "Available")
        );
        assert_eq!(vsw.vpc_id, sg.vpc_id);
        assert!(w.vpc(&sg.vpc_id).unwrap().supports_io_optimized);
        assert!(sg.ecs_count + 3 <= sg.instance_limit);
        let z = w.zone(zone).unwrap();
        assert_eq!(
            (z.region_id.as_str(), z.status.as_str()),
            (region, "Available")
        );
        let offer = w.zone_offer(zone, "InstanceType", ty).unwrap();
        assert_eq!(
            (offer.status.as_str(), offer.status_category.as_str()),
            ("Available", "WithStock")
        );
        assert!(w.stock(zone, ty).is_some_and(|n| n >= 3));
        let img = w
            .image(region, "aliyun_3_x64_20G_alibase_20240528.vhd")
            .unwrap();
        assert!(
            img.region_id.is_none() && img.status == "Available" && img.architecture == "x86_64"
        );
        assert!(img.size <= 40);
        let t = w.instance_type(ty).unwrap();
        assert!(t.spot_supported && t.io_optimized && t.cpu_architecture == "X86");
        for c in ["cloud_essd", "cloud_efficiency"] {
            assert!(w.zone_offer(zone, "DataDisk", c).is_some());
        }
        // g7 takes only ESSDs (current-api README, "Disks"): the capture's cloud_essd disks
        // fit, its cloud_efficiency DataDisk.2 does not.
        assert_eq!(t.supported_disk_categories, ["cloud_essd", "cloud_auto"]);
        assert!(w.zone_offer(zone, "SystemDisk", "cloud_essd").is_some());
        assert!(w.region(region).unwrap().disk_encryption_supported && w.account.kms_enabled);
        let series: Vec<&SpotPriceType> = all(&d.spot_prices)
            .into_iter()
            .filter(|p| p.zone_id == zone && p.instance_type == ty)
            .collect();
        assert!(!series.is_empty());
        for p in series {
            assert!(p.spot_price <= 0.5 && p.origin_price >= 0.5, "{p:?}");
        }
        let q = w.region_quota(region).unwrap();
        assert!(q.used_postpaid_instance_count + 3 <= q.max_postpaid_instance_count.unwrap());
    }

    /// The records the current-API rules read exist in the default world.
    #[test]
    fn the_default_world_has_what_todays_rules_read() {
        let w = default_world().unwrap();
        let d = default_doc();
        let prod = "vpc-bp1opxu1zkhn00gzv26cq";
        let ent = w.security_group("sg-bp1enterprise4k7m2q").unwrap();
        assert_eq!(
            (ent.security_group_type.as_str(), ent.vpc_id.as_str()),
            ("enterprise", prod)
        );
        assert!(w
            .security_groups()
            .iter()
            .any(|g| g.region_id == "cn-hangzhou"
                && g.security_group_type == "normal"
                && !g.vpc_id.is_empty()
                && g.vpc_id != prod));
        // A vSwitch holds at most its CIDR's addresses less the 4 reserved ones.
        for s in all(&d.vswitches) {
            let prefix: u32 = s
                .cidr_block
                .split_once('/')
                .and_then(|(_, p)| p.parse().ok())
                .unwrap_or_else(|| panic!("{}: CidrBlock {:?}", s.v_switch_id, s.cidr_block));
            let usable = (1u64 << (32 - prefix)) - 4;
            let free = s.available_ip_address_count.unwrap_or(usable);
            assert!(free > 0 && free <= usable, "{}", s.v_switch_id);
        }
        let ds = w.deployment_set("ds-bp1webha7k2m9x4q").unwrap();
        assert_eq!(ds.region_id, "cn-hangzhou");
        assert!(ds.instances_in_zone("cn-hangzhou-i") < ds.instances_per_zone_limit);
        let rg = w.resource_group("rg-acfmxazb4ph6aiy").unwrap();
        assert_eq!((rg.name.as_str(), rg.status.as_str()), ("default", "OK"));
        assert_eq!(all(&d.resource_groups).len(), 2);
        assert!(w.instances().is_empty());
        assert_eq!(w.account.joined_security_group_limit, 5);
        assert!(w.account.payg_available);
        let offered = |pred: &dyn Fn(&InstanceType) -> bool| {
            all(&d.instance_types).into_iter().any(|t| {
                pred(t)
                    && w.zones_of("cn-hangzhou").any(|z| {
                        w.zone_offer(&z.zone_id, "InstanceType", &t.instance_type_id)
                            .is_some_and(|o| o.status == "Available")
                    })
            })
        };
        assert!(offered(&|t| t.is_burstable()));
        assert!(offered(
            &|t| t.local_storage_category.as_deref() == Some("local_ssd_pro")
        ));
        for id in ["ecs.g7.large", "ecs.c7.large", "ecs.r7.large"] {
            assert_eq!(
                w.instance_type(id).unwrap().supported_disk_categories,
                ["cloud_essd", "cloud_auto"],
                "{id}: only ESSDs"
            );
        }
        // Where a type takes a disk category, the zones that sell it offer the category.
        for z in all(&d.available_zones) {
            for t in &z.available_resources.available_resource {
                if t.kind != "InstanceType" {
                    continue;
                }
                for s in &t.supported_resources.supported_resource {
                    let ty = w.instance_type(&s.value).unwrap();
                    for c in &ty.supported_disk_categories {
                        for kind in ["SystemDisk", "DataDisk"] {
                            if c == "ephemeral_ssd" && kind == "SystemDisk" {
                                continue;
                            }
                            assert!(
                                w.zone_offer(&z.zone_id, kind, c).is_some(),
                                "{} sells {} but no {kind} {c}",
                                z.zone_id,
                                s.value
                            );
                        }
                    }
                }
            }
        }
    }

    /// The resources that exist to trigger one rule each keep their shape.
    #[test]
    fn special_purpose_resources_keep_their_shape() {
        let w = default_world().unwrap();
        let full = w.security_group("sg-bp1fullgroup9k2m7x4q").unwrap();
        assert_eq!((full.ecs_count, full.instance_limit), (990, 1000));
        assert_eq!(full.vpc_id, "vpc-bp1opxu1zkhn00gzv26cq");
        assert_eq!(
            w.security_group("sg-bp1classicnet2z5x8c").unwrap().vpc_id,
            ""
        );
        let other = w.security_group("sg-bp1othervpc7w2e5r8t").unwrap();
        assert_eq!(other.region_id, "cn-hangzhou");
        assert_ne!(
            other.vpc_id,
            w.vswitch("vsw-bp1s5fnvk4gn2tws03624").unwrap().vpc_id
        );
        assert_eq!(
            w.vswitch("vsw-bp1pending3x8k2m5q7w").unwrap().status,
            "Pending"
        );
        assert!(
            !w.vpc("vpc-bp1legacynoio5q8w2e")
                .unwrap()
                .supports_io_optimized
        );
        assert_eq!(
            w.vswitch("vsw-bp1legacynoio3r6t9y").unwrap().vpc_id,
            "vpc-bp1legacynoio5q8w2e"
        );
        assert_eq!(
            w.security_group("sg-bp1legacynoio8u1i4o").unwrap().vpc_id,
            "vpc-bp1legacynoio5q8w2e"
        );
        let b = w.zone("cn-hangzhou-b").unwrap();
        assert_eq!(
            (b.status.as_str(), b.status_category.as_str()),
            ("SoldOut", "ClosedWithoutStock")
        );
        assert_eq!(
            w.vswitch("vsw-bp1closedzoneb7y3k5n").unwrap().zone_id,
            "cn-hangzhou-b"
        );
        assert_eq!(
            w.zone_offer("cn-hangzhou-h", "InstanceType", "ecs.g7.large")
                .unwrap()
                .status,
            "SoldOut"
        );
        assert_eq!(
            w.zone_offer("cn-hangzhou-i", "InstanceType", "ecs.g7.large")
                .unwrap()
                .status,
            "Available"
        );
        assert_eq!(
            w.zone_offer("cn-hangzhou-g", "InstanceType", "ecs.g5.large")
                .unwrap()
                .status_category,
            "ClosedWithStock"
        );
        // One type per region sold out in one zone and available in another.
        for (region, sold) in [
            ("cn-hangzhou", ("cn-hangzhou-h", "ecs.g7.large")),
            ("cn-shanghai", ("cn-shanghai-g", "ecs.c7.large")),
            ("cn-beijing", ("cn-beijing-h", "ecs.g7.large")),
            ("ap-southeast-1", ("ap-southeast-1a", "ecs.g6.large")),
            ("us-west-1", ("us-west-1a", "ecs.c6.large")),
        ] {
            assert_eq!(
                w.zone_offer(sold.0, "InstanceType", sold.1).unwrap().status,
                "SoldOut"
            );
            assert!(w.zones_of(region).any(|z| w
                .zone_offer(&z.zone_id, "InstanceType", sold.1)
                .is_some_and(|o| o.status == "Available")));
        }
        assert!(!w.region("cn-wulanchabu").unwrap().disk_encryption_supported);
        let img = |id: &str| w.image("cn-hangzhou", id).unwrap();
        assert_eq!(
            img("m-bp1webgolden4k7m2x9q")
                .disk_device_mappings
                .disk_device_mapping
                .iter()
                .filter(|m| m.kind == "data")
                .count(),
            1
        );
        assert_eq!(
            img("m-bp1dbtwodisks8n3c6v")
                .disk_device_mappings
                .disk_device_mapping
                .iter()
                .filter(|m| m.kind == "data")
                .count(),
            2
        );
        let m = img("m-bp1marketunsub5x2k9m");
        assert!(m.image_owner_alias == "marketplace" && !m.is_subscribed);
        let c = img("m-bp1customproduct7q4w1e");
        assert!(c.image_owner_alias == "self" && !c.is_subscribed && c.product_code.is_some());
        let dep = img("m-bp1deprecated3r6t9y");
        assert!(dep.status == "Deprecated" && dep.product_code.is_some());
        let un = img("m-bp1unavailable2u5i8o");
        assert!(un.status == "UnAvailable" && un.product_code.is_none());
        assert!(!img("m-bp1noiooptimized6p9a").is_support_io_optimized);
        let snap = |id: &str| w.snapshot(id).unwrap();
        assert!(
            snap("s-bp1data40g7k2m9x4q").available
                && snap("s-bp1data40g7k2m9x4q").source_disk_size == "40"
        );
        assert!(snap("s-bp1encrypted5q8w2e4r").encrypted);
        assert_eq!(snap("s-bp1systemdisk6t9y3u").source_disk_type, "System");
        assert_eq!(snap("s-bp1progressing2x5c8").status, "progressing");
        assert!(snap("s-bp1old20130701k3m6").creation_time.as_str() < "2013-07-15");
        assert!(!snap("s-bp1failed9n2b5v8c3x").available);
        assert_eq!(snap("s-bp13000gib4k7m2x8z").source_disk_size, "3000");
        assert_eq!(
            w.hpc_cluster("hpc-bp1available7k2m9x").unwrap().status,
            "Available"
        );
        assert_eq!(
            w.hpc_cluster("hpc-bp1creating3x8c5v").unwrap().status,
            "Creating"
        );
        let t = |id: &str| w.instance_type(id).unwrap();
        assert!(!t("ecs.t5-lc2m1.nano").spot_supported && t("ecs.t5-lc2m1.nano").memory_size < 1.0);
        assert!(t("ecs.scch5.16xlarge").hpc_required);
        assert!(!t("ecs.t1.small").io_optimized && !t("ecs.s2.large").io_optimized);
        assert_eq!(t("ecs.g8y.large").cpu_architecture, "ARM");
        assert_eq!(
            w.launch_template_versions("cn-hangzhou", Some("lt-bp1web"), None)
                .len(),
            2
        );
    }
}
