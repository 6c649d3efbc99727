//! The modeled world a request meets: regions and zones, instance types, images, networks,
//! snapshots, templates, deployment sets, resource groups, existing instances, the account,
//! quotas, stock and service health.
//!
//! `model` holds the records (Describe*-shaped), `load` turns JSON fragments (the embedded
//! default in `data/world/` plus `--world` files) into one merged [`WorldDoc`], and [`World`]
//! indexes it for the rules. The world is immutable; capacity that changes over time lives in
//! the replay engine's state, seeded from the counts here.

pub mod attributes;
pub mod import;
pub mod load;
pub mod model;
pub mod standing;

use std::collections::{HashMap, HashSet};

/// The indexed world's maps: ids are short and come from the world files, so FNV (a sixth of
/// `check`'s time went to SipHash on these lookups) is safe.
type Map<K, V> = HashMap<K, V, crate::catalog::params::FnvBuild>;
type Set<K> = HashSet<K, crate::catalog::params::FnvBuild>;

use serde::{Deserialize, Serialize};

pub use model::*;

/// `{"Singular": [...]}`: the RPC wrapper around a list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wrapped<T> {
    #[serde(flatten)]
    pub inner: HashMap<String, Vec<T>>,
}

impl<T> Default for Wrapped<T> {
    fn default() -> Self {
        Wrapped {
            inner: HashMap::new(),
        }
    }
}

impl<T> Wrapped<T> {
    fn into_vec(self) -> Vec<T> {
        self.inner.into_values().flatten().collect()
    }
}

/// The whole world as one JSON document: every key optional, lists in their Describe* wrapper.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default, deny_unknown_fields)]
pub struct WorldDoc {
    pub regions: Wrapped<Region>,
    pub available_zones: Wrapped<AvailableZone>,
    pub instance_types: Wrapped<InstanceType>,
    pub images: Wrapped<Image>,
    pub security_groups: Wrapped<SecurityGroup>,
    pub vpcs: Wrapped<Vpc>,
    #[serde(rename = "VSwitches")]
    pub vswitches: Wrapped<VSwitch>,
    pub key_pairs: Wrapped<KeyPair>,
    pub snapshots: Wrapped<Snapshot>,
    pub launch_template_version_sets: Wrapped<LaunchTemplateVersion>,
    pub roles: Wrapped<RamRole>,
    pub hpc_clusters: Wrapped<HpcCluster>,
    pub deployment_sets: Wrapped<DeploymentSet>,
    pub capacity_reservation_set: Wrapped<PrivatePool>,
    pub elasticity_assurance_set: Wrapped<PrivatePool>,
    pub resource_groups: Wrapped<ResourceGroup>,
    pub instances: Wrapped<Instance>,
    pub spot_prices: Wrapped<SpotPriceType>,
    pub account: Account,
    pub region_quotas: Wrapped<RegionQuota>,
    pub vpc_quotas: Wrapped<VpcQuota>,
    pub instance_type_quotas: Wrapped<InstanceTypeQuota>,
    pub disk_capacity_quotas: Wrapped<DiskCapacityQuota>,
    pub stock: Wrapped<StockLevel>,
    pub service_health: Wrapped<ServiceFault>,
}

pub type SpotSeries = Vec<(chrono::DateTime<chrono::Utc>, SpotPriceType)>;

/// The indexed world the rules query.
#[derive(Debug, Clone, Default)]
pub struct World {
    regions: Map<String, Region>,
    zones: Map<String, AvailableZone>,
    /// Zone ids per region, sorted.
    region_zones: Map<String, Vec<String>>,
    instance_types: Map<String, InstanceType>,
    /// Images by id; each entry is region-specific (Some region) or public (None).
    images: Map<String, Vec<Image>>,
    /// Image ids by `ImageFamily`, sorted.
    families: Map<String, Vec<String>>,
    security_groups: Map<String, SecurityGroup>,
    vpcs: Map<String, Vpc>,
    vswitches: Map<String, VSwitch>,
    /// Key pairs by name, then region.
    key_pairs: Map<String, Vec<KeyPair>>,
    snapshots: Map<String, Snapshot>,
    launch_templates: Vec<LaunchTemplateVersion>,
    roles: Map<String, RamRole>,
    hpc_clusters: Map<String, HpcCluster>,
    deployment_sets: Map<String, DeploymentSet>,
    /// Private pools (capacity reservations and elasticity assurances) by id.
    private_pools: std::collections::BTreeMap<String, PrivatePool>,
    resource_groups: Map<String, ResourceGroup>,
    /// Existing instances, sorted by id.
    instances: Vec<Instance>,
    /// Private IPv4 addresses in use, by vSwitch.
    private_ips: Map<String, Set<String>>,
    /// Spot prices by zone, then type, sorted by timestamp.
    spot_prices: Map<String, Map<String, SpotSeries>>,
    /// The API edition requests are predicted under (`--edition`, a scenario's `edition`);
    /// not part of the world document.
    pub edition: crate::edition::EditionId,
    pub account: Account,
    region_quotas: Map<String, RegionQuota>,
    vpc_quotas: Map<String, VpcQuota>,
    /// Per zone × type × billing method vCPU quotas, keyed `zone`, `type`, `charge`.
    type_quotas: Map<(String, String, String), InstanceTypeQuota>,
    /// GiB quotas per zone × disk category, keyed `zone`, `category`.
    disk_quotas: Map<(String, String), DiskCapacityQuota>,
    /// Instances of the world on each vSwitch.
    vswitch_instances: Map<String, u32>,
    /// Stock by zone, then instance type.
    stock: Map<String, Map<String, u32>>,
    faults: Vec<ServiceFault>,
}

impl World {
    /// Indexes a merged document. Later duplicates of an id replace earlier ones (the loader
    /// has already merged fragments, so duplicates only come from one fragment).
    pub fn from_doc(doc: WorldDoc) -> World {
        let mut w = World {
            account: doc.account,
            ..World::default()
        };
        for r in doc.regions.into_vec() {
            w.regions.insert(r.region_id.clone(), r);
        }
        for z in doc.available_zones.into_vec() {
            w.region_zones
                .entry(z.region_id.clone())
                .or_default()
                .push(z.zone_id.clone());
            w.zones.insert(z.zone_id.clone(), z);
        }
        for zs in w.region_zones.values_mut() {
            zs.sort();
            zs.dedup();
        }
        for t in doc.instance_types.into_vec() {
            w.instance_types.insert(t.instance_type_id.clone(), t);
        }
        for i in doc.images.into_vec() {
            if let Some(f) = &i.image_family {
                w.families
                    .entry(f.clone())
                    .or_default()
                    .push(i.image_id.clone());
            }
            let same = w.images.entry(i.image_id.clone()).or_default();
            same.retain(|o| o.region_id != i.region_id);
            same.push(i);
        }
        for ids in w.families.values_mut() {
            ids.sort();
            ids.dedup();
        }
        for g in doc.security_groups.into_vec() {
            w.security_groups.insert(g.security_group_id.clone(), g);
        }
        for v in doc.vpcs.into_vec() {
            w.vpcs.insert(v.vpc_id.clone(), v);
        }
        for v in doc.vswitches.into_vec() {
            w.vswitches.insert(v.v_switch_id.clone(), v);
        }
        for k in doc.key_pairs.into_vec() {
            let same = w.key_pairs.entry(k.key_pair_name.clone()).or_default();
            same.retain(|o| o.region_id != k.region_id);
            same.push(k);
        }
        for s in doc.snapshots.into_vec() {
            w.snapshots.insert(s.snapshot_id.clone(), s);
        }
        w.launch_templates = doc.launch_template_version_sets.into_vec();
        w.launch_templates.sort_by(|a, b| {
            (&a.launch_template_id, a.version_number)
                .cmp(&(&b.launch_template_id, b.version_number))
        });
        for r in doc.roles.into_vec() {
            w.roles.insert(r.role_name.clone(), r);
        }
        for h in doc.hpc_clusters.into_vec() {
            w.hpc_clusters.insert(h.hpc_cluster_id.clone(), h);
        }
        for p in doc
            .capacity_reservation_set
            .into_vec()
            .into_iter()
            .chain(doc.elasticity_assurance_set.into_vec())
        {
            w.private_pools.insert(p.private_pool_options_id.clone(), p);
        }
        for d in doc.deployment_sets.into_vec() {
            w.deployment_sets.insert(d.deployment_set_id.clone(), d);
        }
        for g in doc.resource_groups.into_vec() {
            w.resource_groups.insert(g.id.clone(), g);
        }
        let mut instances: HashMap<String, Instance> = HashMap::new();
        for i in doc.instances.into_vec() {
            instances.insert(i.instance_id.clone(), i);
        }
        w.instances = instances.into_values().collect();
        w.instances
            .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        for i in &w.instances {
            let vpc = &i.vpc_attributes;
            if !vpc.v_switch_id.is_empty() {
                *w.vswitch_instances
                    .entry(vpc.v_switch_id.clone())
                    .or_default() += 1;
            }
            w.private_ips
                .entry(vpc.v_switch_id.clone())
                .or_default()
                .extend(vpc.private_ip_address.ip_address.iter().cloned());
        }
        for p in doc.spot_prices.into_vec() {
            if let Some(t) = crate::time::parse_utc(&p.timestamp) {
                w.spot_prices
                    .entry(p.zone_id.clone())
                    .or_default()
                    .entry(p.instance_type.clone())
                    .or_default()
                    .push((t, p));
            }
        }
        for series in w.spot_prices.values_mut().flat_map(|m| m.values_mut()) {
            series.sort_by_key(|(t, _)| *t);
        }
        for q in doc.region_quotas.into_vec() {
            w.region_quotas.insert(q.region_id.clone(), q);
        }
        for q in doc.vpc_quotas.into_vec() {
            w.vpc_quotas.insert(q.vpc_id.clone(), q);
        }
        for q in doc.instance_type_quotas.into_vec() {
            let key = (
                q.zone_id.clone(),
                q.instance_type.clone(),
                q.instance_charge_type.clone(),
            );
            w.type_quotas.insert(key, q);
        }
        for q in doc.disk_capacity_quotas.into_vec() {
            w.disk_quotas
                .insert((q.zone_id.clone(), q.disk_category.clone()), q);
        }
        for s in doc.stock.into_vec() {
            w.stock
                .entry(s.zone_id)
                .or_default()
                .insert(s.instance_type, s.available);
        }
        w.faults = doc.service_health.into_vec();
        w
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.get(id)
    }

    /// All region ids, sorted.
    pub fn region_ids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.regions.keys().map(String::as_str).collect();
        v.sort();
        v
    }

    pub fn zone(&self, id: &str) -> Option<&AvailableZone> {
        self.zones.get(id)
    }

    /// The zones of a region, sorted by id.
    pub fn zones_of<'a>(&'a self, region: &str) -> impl Iterator<Item = &'a AvailableZone> + 'a {
        self.region_zones
            .get(region)
            .into_iter()
            .flatten()
            .filter_map(move |z| self.zones.get(z))
    }

    /// What a zone says of `value` among resources of `kind` (`InstanceType`, `SystemDisk`,
    /// `DataDisk`), or None when the zone does not list it.
    pub fn zone_offer<'a>(
        &'a self,
        zone: &str,
        kind: &str,
        value: &str,
    ) -> Option<&'a SupportedResource> {
        self.zones
            .get(zone)?
            .available_resources
            .available_resource
            .iter()
            .filter(|r| r.kind == kind)
            .flat_map(|r| r.supported_resources.supported_resource.iter())
            .find(|s| s.value == value)
    }

    /// Whether the zone lists any resource of `kind` (zones without a disk list accept all).
    pub fn zone_lists_kind(&self, zone: &str, kind: &str) -> bool {
        self.zones.get(zone).is_some_and(|z| {
            z.available_resources
                .available_resource
                .iter()
                .any(|r| r.kind == kind)
        })
    }

    pub fn instance_type(&self, id: &str) -> Option<&InstanceType> {
        self.instance_types.get(id)
    }

    /// An image usable in `region`: region-specific first, then public.
    pub fn image(&self, region: &str, id: &str) -> Option<&Image> {
        let same = self.images.get(id)?;
        same.iter()
            .find(|i| i.region_id.as_deref() == Some(region))
            .or_else(|| same.iter().find(|i| i.region_id.is_none()))
    }

    /// The newest image of `family` usable in `region` (visible as [`World::image`] sees it)
    /// with `Status` Available: the latest `CreationTime`, then the larger `ImageId`. A
    /// `CreationTime` that does not read counts as the oldest.
    pub fn newest_image_in_family(&self, region: &str, family: &str) -> Option<&Image> {
        self.family_images(region, family)
            .into_iter()
            .filter(|i| i.status == "Available")
            .max_by(|a, b| {
                let t = |i: &Image| crate::time::parse_utc(&i.creation_time);
                (t(a), &a.image_id).cmp(&(t(b), &b.image_id))
            })
    }

    /// Whether any image of `family`, whatever its status, is usable in `region`.
    pub fn family_exists(&self, region: &str, family: &str) -> bool {
        !self.family_images(region, family).is_empty()
    }

    /// The images of `family` as `region` sees them (an id's regional image hides the public
    /// one, so its family is the one that counts).
    fn family_images(&self, region: &str, family: &str) -> Vec<&Image> {
        self.families
            .get(family)
            .into_iter()
            .flatten()
            .filter_map(|id| self.image(region, id))
            .filter(|i| i.image_family.as_deref() == Some(family))
            .collect()
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.get(id)
    }

    /// All security groups, sorted by id.
    pub fn security_groups(&self) -> Vec<&SecurityGroup> {
        let mut v: Vec<&SecurityGroup> = self.security_groups.values().collect();
        v.sort_by(|a, b| a.security_group_id.cmp(&b.security_group_id));
        v
    }

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.get(id)
    }

    pub fn vswitch(&self, id: &str) -> Option<&VSwitch> {
        self.vswitches.get(id)
    }

    pub fn key_pair(&self, region: &str, name: &str) -> Option<&KeyPair> {
        self.key_pairs
            .get(name)?
            .iter()
            .find(|k| k.region_id == region)
    }

    pub fn snapshot(&self, id: &str) -> Option<&Snapshot> {
        self.snapshots.get(id)
    }

    /// The versions of the template named by id or name in `region`, sorted by version.
    pub fn launch_template_versions(
        &self,
        region: &str,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Vec<&LaunchTemplateVersion> {
        self.launch_templates
            .iter()
            .filter(|t| t.region_id == region)
            .filter(|t| id.is_none_or(|id| t.launch_template_id == id))
            .filter(|t| name.is_none_or(|n| t.launch_template_name == n))
            .collect()
    }

    pub fn ram_role(&self, name: &str) -> Option<&RamRole> {
        self.roles.get(name)
    }

    pub fn hpc_cluster(&self, id: &str) -> Option<&HpcCluster> {
        self.hpc_clusters.get(id)
    }

    pub fn deployment_set(&self, id: &str) -> Option<&DeploymentSet> {
        self.deployment_sets.get(id)
    }

    /// A private pool by id.
    pub fn private_pool(&self, id: &str) -> Option<&PrivatePool> {
        self.private_pools.get(id)
    }

    /// The region's private pools, by id.
    pub fn private_pools_in<'a>(
        &'a self,
        region: &'a str,
    ) -> impl Iterator<Item = &'a PrivatePool> {
        self.private_pools
            .values()
            .filter(move |p| p.region_id == region)
    }

    pub fn resource_group(&self, id: &str) -> Option<&ResourceGroup> {
        self.resource_groups.get(id)
    }

    /// The existing instances, sorted by id.
    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }

    /// Whether an existing instance holds the private IPv4 address `ip` in the vSwitch.
    pub fn private_ip_in_use(&self, vswitch_id: &str, ip: &str) -> bool {
        self.private_ips
            .get(vswitch_id)
            .is_some_and(|ips| ips.contains(ip))
    }

    pub fn region_quota(&self, region: &str) -> Option<&RegionQuota> {
        self.region_quotas.get(region)
    }

    /// All region quotas, sorted by region.
    pub fn region_quotas(&self) -> Vec<&RegionQuota> {
        let mut v: Vec<&RegionQuota> = self.region_quotas.values().collect();
        v.sort_by(|a, b| a.region_id.cmp(&b.region_id));
        v
    }

    /// The vCPU quota of a type in a zone for a billing method (`PostPaid`, `PrePaid`,
    /// `Spot`), when the world sets one.
    pub fn type_quota(&self, zone: &str, itype: &str, charge: &str) -> Option<&InstanceTypeQuota> {
        // Most worlds set none: no key built (three allocations) to find nothing.
        if self.type_quotas.is_empty() {
            return None;
        }
        self.type_quotas
            .get(&(zone.to_string(), itype.to_string(), charge.to_string()))
    }

    /// The GiB quota of a disk category in a zone, when the world sets one.
    pub fn disk_quota(&self, zone: &str, category: &str) -> Option<&DiskCapacityQuota> {
        if self.disk_quotas.is_empty() {
            return None;
        }
        self.disk_quotas
            .get(&(zone.to_string(), category.to_string()))
    }

    /// Free private addresses of a vSwitch now: `AvailableIpAddressCount`, else the CIDR's
    /// usable addresses (all but the first and the last three) less the world's instances on
    /// it; None (unlimited) without either.
    pub fn vswitch_free_ips(&self, id: &str) -> Option<u64> {
        let v = self.vswitch(id)?;
        if let Some(n) = v.available_ip_address_count {
            return Some(n);
        }
        let (net, bits) = v.cidr_block.split_once('/')?;
        net.parse::<std::net::Ipv4Addr>().ok()?;
        let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
        let size: u64 = 1u64 << (32 - bits);
        let used = u64::from(self.vswitch_instances.get(id).copied().unwrap_or(0));
        Some(size.saturating_sub(4).saturating_sub(used))
    }

    pub fn vpc_quota(&self, vpc: &str) -> Option<&VpcQuota> {
        self.vpc_quotas.get(vpc)
    }

    /// Instances of `instance_type` the zone can deliver now; None when the world sets no count
    /// (the zone's status alone decides).
    pub fn stock(&self, zone: &str, instance_type: &str) -> Option<u32> {
        self.stock.get(zone)?.get(instance_type).copied()
    }

    /// The first service fault covering the region and zone, if any.
    pub fn fault(&self, region: &str, zone: Option<&str>) -> Option<&ServiceFault> {
        self.faults.iter().find(|f| {
            f.region_id == region
                && match (&f.zone_id, zone) {
                    (None, _) => true,
                    (Some(fz), Some(z)) => fz == z,
                    (Some(_), None) => false,
                }
        })
    }

    /// The spot price record in force at `at` for (zone, type): the latest sample not after
    /// `at`, or the first sample when `at` precedes the trace.
    /// The spot price records of a zone and type, sorted by time.
    pub fn spot_series(&self, zone: &str, instance_type: &str) -> Option<&SpotSeries> {
        self.spot_prices.get(zone)?.get(instance_type)
    }

    pub fn spot_price_at(
        &self,
        zone: &str,
        instance_type: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<&SpotPriceType> {
        let series = self.spot_prices.get(zone)?.get(instance_type)?;
        let idx = series.partition_point(|(t, _)| *t <= at);
        series.get(idx.saturating_sub(1)).map(|(_, p)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::load::{default_world, load_world, load_world_sources, WorldSource};
    use super::*;
    use crate::error::Place;

    /// The default world with `fragment` merged over it, through the public loader.
    fn world_with(fragment: serde_json::Value) -> World {
        let place = Place::new("test");
        load_world_sources(&[WorldSource::Inline {
            value: &fragment,
            place: &place,
        }])
        .expect("the fragment loads")
    }

    fn image(id: &str, family: &str, status: &str, created: &str) -> serde_json::Value {
        serde_json::json!({"ImageId": id, "OSType": "linux", "Size": 20, "Status": status,
            "ImageFamily": family, "CreationTime": created, "RegionId": "cn-test"})
    }

    #[test]
    fn newest_image_in_family_takes_the_latest_available_image() {
        let w = world_with(serde_json::json!({"Images": {"Image": [
            image("m-old", "fam", "Available", "2024-01-01T00:00:00Z"),
            image("m-new", "fam", "Available", "2025-01-01T00:00Z"),
            image("m-newest-dead", "fam", "Deprecated", "2026-01-01T00:00:00Z"),
            image("m-other", "other", "Available", "2027-01-01T00:00:00Z"),
            image("m-tie-a", "tie", "Available", "2025-01-01T00:00:00Z"),
            image("m-tie-b", "tie", "Available", "2025-01-01T00:00:00Z"),
            image("m-dead", "dead", "Deprecated", "2025-01-01T00:00:00Z"),
        ]}}));
        let newest = |f: &str| {
            w.newest_image_in_family("cn-test", f)
                .map(|i| i.image_id.as_str())
        };
        assert_eq!(
            newest("fam"),
            Some("m-new"),
            "Deprecated images are skipped"
        );
        assert_eq!(
            newest("tie"),
            Some("m-tie-b"),
            "ties go to the larger ImageId"
        );
        assert_eq!(newest("dead"), None);
        assert_eq!(newest("nope"), None);
        assert!(w.family_exists("cn-test", "dead"), "whatever its status");
        assert!(!w.family_exists("cn-test", "nope"));
        // Regional images are seen only in their region.
        assert!(w.newest_image_in_family("cn-hangzhou", "fam").is_none());
        assert!(!w.family_exists("cn-hangzhou", "fam"));
    }

    #[test]
    fn a_regional_image_hides_the_public_one_of_the_same_id() {
        let w = world_with(serde_json::json!({"Images": {"Image": [
            {"ImageId": "m-x", "OSType": "linux", "Size": 20, "ImageFamily": "pub",
             "CreationTime": "2025-01-01T00:00:00Z"},
            image("m-x", "mine", "Available", "2024-01-01T00:00:00Z"),
        ]}}));
        assert_eq!(
            w.newest_image_in_family("cn-test", "mine")
                .map(|i| i.image_id.as_str()),
            Some("m-x")
        );
        assert!(!w.family_exists("cn-test", "pub"));
        assert!(w.family_exists("cn-beijing", "pub"));
    }

    #[test]
    fn the_default_public_family_gives_the_newest_available_image() {
        let w = default_world().unwrap();
        let fam = "acs:alibaba_cloud_linux_3_2104_lts_x64";
        for region in ["cn-hangzhou", "us-west-1"] {
            let i = w.newest_image_in_family(region, fam).unwrap();
            assert_eq!(i.image_id, "aliyun_3_x64_20G_alibase_20240528.vhd");
        }
        let dep = w
            .image("cn-hangzhou", "aliyun_3_x64_20G_alibase_20240819.vhd")
            .unwrap();
        assert_eq!(dep.status, "Deprecated");
        assert_eq!(dep.image_family.as_deref(), Some(fam));
    }

    #[test]
    fn private_ip_in_use_follows_the_existing_instances() {
        let w = world_with(serde_json::json!({"Instances": {"Instance": [
            {"InstanceId": "i-1", "RegionId": "cn-test", "ZoneId": "cn-test-a",
             "InstanceType": "ecs.g7.large", "DeploymentSetId": "ds-1",
             "VpcAttributes": {"VSwitchId": "vsw-1",
                               "PrivateIpAddress": {"IpAddress": ["10.0.0.5", "10.0.0.6"]}},
             "SecurityGroupIds": {"SecurityGroupId": ["sg-1", "sg-2"]}},
            {"InstanceId": "i-0", "RegionId": "cn-test",
             "VpcAttributes": {"VSwitchId": "vsw-2", "PrivateIpAddress": {"IpAddress": ["10.0.0.5"]}}},
        ]}}));
        assert!(w.private_ip_in_use("vsw-1", "10.0.0.5"));
        assert!(w.private_ip_in_use("vsw-1", "10.0.0.6"));
        assert!(!w.private_ip_in_use("vsw-1", "10.0.0.7"));
        assert!(w.private_ip_in_use("vsw-2", "10.0.0.5"));
        assert!(!w.private_ip_in_use("vsw-3", "10.0.0.5"));
        let ids: Vec<&str> = w
            .instances()
            .iter()
            .map(|i| i.instance_id.as_str())
            .collect();
        assert_eq!(ids, ["i-0", "i-1"], "sorted by id");
        let i = &w.instances()[1];
        assert_eq!(
            (i.status.as_str(), i.deployment_set_id.as_str()),
            ("Running", "ds-1")
        );
        assert_eq!(i.security_group_ids.security_group_id, ["sg-1", "sg-2"]);
        assert!(default_world().unwrap().instances().is_empty());
    }

    #[test]
    fn new_fields_take_their_defaults() {
        let w = world_with(serde_json::json!({
            "InstanceTypes": {"InstanceType": [
                {"InstanceTypeId": "ecs.bare", "CpuCoreCount": 2, "MemorySize": 8},
                {"InstanceTypeId": "ecs.burst", "CpuCoreCount": 2, "MemorySize": 8,
                 "InstanceFamilyLevel": "CreditEntryLevel", "EniQuantity": 3,
                 "Ipv6AddressQuantity": 10}]},
            "DeploymentSets": {"DeploymentSet": [{"DeploymentSetId": "ds-1", "RegionId": "cn-test"}]},
            "ResourceGroups": {"ResourceGroup": [{"Id": "rg-1"}]},
            "Account": {"Arrearage": true}
        }));
        let bare = w.instance_type("ecs.bare").unwrap();
        assert_eq!(bare.eni_quantity, 2);
        assert_eq!(bare.ipv6_address_quantity, 1);
        assert_eq!(bare.instance_family_level, "EnterpriseLevel");
        assert!(!bare.is_burstable());
        let burst = w.instance_type("ecs.burst").unwrap();
        assert!(burst.is_burstable());
        assert_eq!((burst.eni_quantity, burst.ipv6_address_quantity), (3, 10));
        let ds = w.deployment_set("ds-1").unwrap();
        assert_eq!(ds.instances_per_zone_limit, 7);
        assert_eq!(ds.deployment_strategy, "Availability");
        assert_eq!(ds.instance_amount, 0);
        assert_eq!(w.resource_group("rg-1").unwrap().status, "OK");
        assert!(w.resource_group("rg-2").is_none());
        assert_eq!(w.account.joined_security_group_limit, 5);
        assert!(w.account.payg_available);
        assert_eq!(Account::default().joined_security_group_limit, 5);
    }

    #[test]
    fn deployment_set_counts_per_zone_when_the_export_has_capacities() {
        let w = world_with(
            serde_json::json!({"RegionId": "cn-test", "DeploymentSets": {"DeploymentSet": [
            {"DeploymentSetId": "ds-zones", "InstanceAmount": 5,
             "Capacities": {"Capacity": [
                 {"ZoneId": "cn-test-a", "UsedAmount": 2, "AvailableAmount": 5},
                 {"ZoneId": "cn-test-b", "UsedAmount": 3, "AvailableAmount": 4}]}},
            {"DeploymentSetId": "ds-flat", "InstanceAmount": 6, "InstancesPerZoneLimit": 20}]}}),
        );
        let z = w.deployment_set("ds-zones").unwrap();
        assert_eq!(
            z.region_id, "cn-test",
            "the envelope's RegionId fills the item"
        );
        assert_eq!(z.instances_in_zone("cn-test-b"), 3);
        assert_eq!(z.instances_in_zone("cn-test-c"), 0);
        let flat = w.deployment_set("ds-flat").unwrap();
        assert_eq!(flat.instances_in_zone("cn-test-a"), 6);
        assert_eq!(flat.instances_per_zone_limit, 20);
    }

    #[test]
    fn image_creation_time_must_read_as_utc() {
        let place = Place::new("test");
        let bad = serde_json::json!({"Images": {"Image": [
            {"ImageId": "m-1", "OSType": "linux", "Size": 20, "CreationTime": "2024/01/01"}]}});
        let e = load_world_sources(&[WorldSource::Inline {
            value: &bad,
            place: &place,
        }])
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("CreationTime \"2024/01/01\" is not a UTC time"),
            "{e}"
        );
    }

    /// The test world of `tests/it/codes.rs` carries the records the rules need.
    #[test]
    fn the_special_test_world_has_the_new_records() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/world-special.json");
        let w = load_world(&[path]).unwrap();
        let t = |id: &str| w.instance_type(id).unwrap();
        assert_eq!(
            t("ecs.test-essd-only").supported_disk_categories,
            ["cloud_essd", "cloud_auto"]
        );
        assert!(t("ecs.test-burst").is_burstable());
        assert!(t("ecs.test-local").local_storage_category.is_some());
        assert_eq!(t("ecs.test-any").eni_quantity, 3);
        for ty in ["ecs.test-essd-only", "ecs.test-burst"] {
            assert!(w.zone_offer("cn-hangzhou-t", "InstanceType", ty).is_some());
        }
        for kind in ["SystemDisk", "DataDisk"] {
            assert!(w.zone_offer("cn-hangzhou-t", kind, "cloud_auto").is_some());
        }
        let sg = |id: &str| w.security_group(id).unwrap();
        assert_eq!(sg("sg-test-ent").security_group_type, "enterprise");
        assert_eq!(sg("sg-test-ent").vpc_id, "vpc-test");
        for n in 3..=7 {
            let g = sg(&format!("sg-test-{n}"));
            assert_eq!(
                (g.vpc_id.as_str(), g.security_group_type.as_str()),
                ("vpc-test", "normal")
            );
        }
        assert_eq!(sg("sg-test-othervpc").vpc_id, "vpc-test-other");
        assert_eq!(w.vpc("vpc-test-other").unwrap().region_id, "cn-hangzhou");
        assert_eq!(w.vpc("vpc-test-pending").unwrap().status, "Pending");
        let vsw = |id: &str| w.vswitch(id).unwrap();
        assert_eq!(vsw("vsw-test-vpcpending").vpc_id, "vpc-test-pending");
        assert_eq!(vsw("vsw-test-orphan").vpc_id, "vpc-test-gone");
        assert!(w.vpc("vpc-test-gone").is_none());
        let t_sw = vsw("vsw-test-t");
        assert_eq!(
            (t_sw.cidr_block.as_str(), t_sw.available_ip_address_count),
            ("192.168.1.0/24", Some(251))
        );
        let newest = w
            .newest_image_in_family("cn-hangzhou", "test-family")
            .unwrap();
        assert_eq!(newest.image_id, "m-test-fam-new");
        assert!(w.family_exists("cn-hangzhou", "test-family-dead"));
        assert!(w
            .newest_image_in_family("cn-hangzhou", "test-family-dead")
            .is_none());
        assert_eq!(w.deployment_set("ds-test").unwrap().instance_amount, 0);
        let full = w.deployment_set("ds-test-full").unwrap();
        assert_eq!(full.instance_amount, full.instances_per_zone_limit);
        assert!(w.resource_group("rg-test").is_some());
        assert!(w.private_ip_in_use("vsw-test-t", "192.168.1.10"));
        assert_eq!(w.instances().len(), 1);
    }
}
